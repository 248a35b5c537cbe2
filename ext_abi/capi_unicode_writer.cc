// libftrt.so: CPython 3.13's _PyUnicodeWriter, the private-but-exported
// string builder (cpython/unicodeobject.h). Extensions rarely call it by
// name, but the widely vendored pythoncapi_compat.h builds the 3.14 public
// PyUnicodeWriter_* functions on it whenever PY_VERSION_HEX < 3.14, so an
// extension vendoring that header does not compile without it.
//
// The writer is a caller-owned struct over one unshared str (`buffer`, made
// by StrNew): `data` is its characters, `kind` their width, `size` its
// capacity, `pos` how many are written, `maxchar` the largest code point
// the buffer's kind holds. After _PyUnicodeWriter_Prepare(w, n, maxchar)
// a caller may store n characters itself with PyUnicode_WRITE(w->kind,
// w->data, w->pos, ch) and advance pos; the functions here do the same.
// Prepare makes a new buffer when the characters do not fit (growing by a
// quarter more when `overallocate` is set, as CPython does on Linux) or
// need a wider kind, copying what is written so far. WriteStr of the first
// string of a writer that does not overallocate keeps that string itself
// (`readonly`, size 0) and copies it only if more is written.
// _PyUnicodeWriter_Finish returns an exact-length str of the narrowest kind
// for its characters (CPython trusts callers to ask for no wider a
// maxchar than they write; ftrt narrows, so a wide Prepare never leaves a
// str that breaks PEP 393's invariant) and leaves `buffer` NULL.
//
// Concurrency: none. A writer and its buffer belong to the thread using
// them, as in CPython; the buffer is published only by Finish. Misuse that
// CPython only asserts against (a non-str, a substring out of bounds,
// non-ASCII bytes for WriteASCIIString) raises here instead.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ext_abi/capi_internal.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/refcount.h"
#include "object/str.h"

namespace {

// CPython 3.13's _PyUnicodeWriter (ext_abi/include/unicodeobject.h gives
// extensions the same struct; the offsets below are CPython's, and
// tests/ext/ext_unicode_writer_test.c checks them from C).
struct Writer {
  PyObject* buffer;
  void* data;
  int kind;
  Py_UCS4 maxchar;
  Py_ssize_t size;
  Py_ssize_t pos;
  Py_ssize_t min_length;
  Py_UCS4 min_char;
  unsigned char overallocate;
  unsigned char readonly;
};
static_assert(sizeof(Writer) == 56);
static_assert(offsetof(Writer, data) == 8 && offsetof(Writer, kind) == 16 &&
              offsetof(Writer, maxchar) == 20 && offsetof(Writer, size) == 24 &&
              offsetof(Writer, pos) == 32 && offsetof(Writer, min_length) == 40 &&
              offsetof(Writer, min_char) == 48 && offsetof(Writer, overallocate) == 52 &&
              offsetof(Writer, readonly) == 53);

using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NewOrRaise;

void Drop(PyObject* p) { ftrt::Ref<> r = ftrt::Ref<>::Steal(p); }

Py_UCS4 MaxCharOf(int kind, const void* data, Py_ssize_t n) {
  Py_UCS4 m = 0;
  for (Py_ssize_t i = 0; i < n; ++i) m = std::max(m, ftrt::KindRead(kind, data, i));
  return m;
}

// The fields that follow from the buffer (CPython's _PyUnicodeWriter_Update).
void Update(Writer* w) {
  w->maxchar = ftrt::StrMaxCharValue(w->buffer);
  w->data = ftrt::StrData(w->buffer);
  w->kind = ftrt::StrKind(w->buffer);
  w->size = w->readonly ? 0 : ftrt::StrLength(w->buffer);
}

// `n` plus a quarter, unless that overflows.
Py_ssize_t Overallocated(Py_ssize_t n) {
  return n <= PY_SSIZE_T_MAX - n / 4 ? n + n / 4 : n;
}

// Room for `length` more characters up to `maxchar` (see the top).
int PrepareSlow(Writer* w, Py_ssize_t length, Py_UCS4 maxchar) {
  if (length < 0) {
    BadCall("_PyUnicodeWriter_PrepareInternal");
    return -1;
  }
  if (length > PY_SSIZE_T_MAX - w->pos) {
    ftrt::NoMemory();
    return -1;
  }
  if (maxchar > ftrt::kMaxUnicode) {
    ftrt::SetErrorString(PyExc_SystemError, "invalid maximum character passed to PyUnicode_New");
    return -1;
  }
  maxchar = std::max(maxchar, w->min_char);
  Py_ssize_t capacity = w->pos + length;
  const bool grow = w->buffer == nullptr || capacity > w->size;
  if (grow) {
    if (w->overallocate) capacity = Overallocated(capacity);
    capacity = std::max(capacity, w->min_length);
  } else {
    if (maxchar <= w->maxchar && !w->readonly) return 0;
    capacity = w->size;  // only a wider kind is needed
  }
  if (w->buffer != nullptr) {
    maxchar = std::max(maxchar, ftrt::StrMaxCharValue(w->buffer));
    capacity = std::max(capacity, w->pos);
  }
  absl::StatusOr<ftrt::Ref<>> fresh = ftrt::StrNew(capacity, maxchar);
  if (!fresh.ok()) {
    NewOrRaise(std::move(fresh));
    return -1;
  }
  PyObject* next = std::move(*fresh).Release();
  if (PyObject* old = w->buffer) {
    ftrt::CopyChars(ftrt::StrKind(old), ftrt::StrData(old), w->pos, ftrt::StrKind(next),
              ftrt::StrData(next));
    Drop(old);
  }
  w->buffer = next;
  w->readonly = 0;
  Update(w);
  return 0;
}

int Prepare(Writer* w, Py_ssize_t length, Py_UCS4 maxchar) {
  if (maxchar <= w->maxchar && length <= w->size - w->pos) return 0;
  if (length == 0 && maxchar <= w->maxchar) return 0;
  return PrepareSlow(w, length, maxchar);
}

// Appends n characters of (kind, data) whose widest is `maxchar`.
int Append(Writer* w, int kind, const void* data, Py_ssize_t n, Py_UCS4 maxchar) {
  if (n == 0) return 0;
  if (Prepare(w, n, maxchar) < 0) return -1;
  char* at = static_cast<char*>(w->data) + w->pos * w->kind;
  ftrt::CopyChars(kind, data, n, w->kind, at);
  w->pos += n;
  return 0;
}

const void* CharsAt(PyObject* s, Py_ssize_t start) {
  return static_cast<const char*>(ftrt::StrData(s)) + start * ftrt::StrKind(s);
}

// Keeps `s` itself as the writer's text (CPython's readonly shortcut): only
// for a writer with nothing in it that does not overallocate.
void AdoptReadonly(Writer* w, PyObject* s) {
  w->buffer = s;
  w->readonly = 1;
  Update(w);
  w->pos = ftrt::StrLength(s);
}

}  // namespace

extern "C" {

void _PyUnicodeWriter_Init(Writer* w) {
  std::memset(w, 0, sizeof *w);
  // kind 0 (below PyUnicode_1BYTE_KIND), so PrepareKind always makes a
  // buffer; ASCII is the least a buffer holds.
  w->min_char = 127;
}

int _PyUnicodeWriter_PrepareInternal(Writer* w, Py_ssize_t length,
                                     Py_UCS4 maxchar) {
  return PrepareSlow(w, length, maxchar);
}

int _PyUnicodeWriter_PrepareKindInternal(Writer* w, int kind) {
  Py_UCS4 maxchar;
  switch (kind) {
    case PyUnicode_1BYTE_KIND:
      maxchar = 0xFF;
      break;
    case PyUnicode_2BYTE_KIND:
      maxchar = 0xFFFF;
      break;
    case PyUnicode_4BYTE_KIND:
      maxchar = ftrt::kMaxUnicode;
      break;
    default:
      BadCall("_PyUnicodeWriter_PrepareKindInternal");
      return -1;
  }
  return PrepareSlow(w, 0, maxchar);
}

int _PyUnicodeWriter_WriteChar(Writer* w, Py_UCS4 ch) {
  if (ch > ftrt::kMaxUnicode) {
    ftrt::SetErrorString(PyExc_ValueError, "character must be in range(0x110000)");
    return -1;
  }
  if (Prepare(w, 1, ch) < 0) return -1;
  ftrt::KindWrite(w->kind, w->data, w->pos, ch);
  w->pos++;
  return 0;
}

int _PyUnicodeWriter_WriteStr(Writer* w, PyObject* str) {
  if (ftrt::ext::internal::NeedStr(str, "_PyUnicodeWriter_WriteStr") == nullptr) return -1;
  const Py_ssize_t n = ftrt::StrLength(str);
  if (n == 0) return 0;
  if (w->buffer == nullptr && !w->overallocate && ftrt::IsStrExact(str)) {
    AdoptReadonly(w, ftrt::Ref<>::NewRef(str).Release());
    return 0;
  }
  return Append(w, ftrt::StrKind(str), ftrt::StrData(str), n, ftrt::StrMaxCharValue(str));
}

int _PyUnicodeWriter_WriteSubstring(Writer* w, PyObject* str, Py_ssize_t start,
                                    Py_ssize_t end) {
  if (ftrt::ext::internal::NeedStr(str, "_PyUnicodeWriter_WriteSubstring") == nullptr) return -1;
  if (start < 0 || start > end || end > ftrt::StrLength(str)) {
    BadCall("_PyUnicodeWriter_WriteSubstring");
    return -1;
  }
  if (start == 0 && end == ftrt::StrLength(str)) return _PyUnicodeWriter_WriteStr(w, str);
  const int kind = ftrt::StrKind(str);
  const void* from = CharsAt(str, start);
  // The substring's own widest character, only when the buffer might be
  // too narrow for it.
  const Py_UCS4 maxchar = ftrt::StrMaxCharValue(str) > w->maxchar
                              ? MaxCharOf(kind, from, end - start)
                              : w->maxchar;
  return Append(w, kind, from, end - start, maxchar);
}

int _PyUnicodeWriter_WriteASCIIString(Writer* w, const char* ascii,
                                      Py_ssize_t len) {
  if (ascii == nullptr || len < -1) {
    BadCall("_PyUnicodeWriter_WriteASCIIString");
    return -1;
  }
  if (len == -1) len = static_cast<Py_ssize_t>(std::strlen(ascii));
  const Py_UCS4 maxchar = MaxCharOf(PyUnicode_1BYTE_KIND, ascii, len);
  if (maxchar > 0x7F) {
    ftrt::SetErrorString(PyExc_SystemError,
                         "_PyUnicodeWriter_WriteASCIIString() got a non-ASCII byte");
    return -1;
  }
  if (len == 0) return 0;
  if (w->buffer == nullptr && !w->overallocate) {
    absl::StatusOr<ftrt::Ref<>> s = ftrt::StrFromKindAndData(PyUnicode_1BYTE_KIND, ascii, len);
    if (!s.ok()) {
      NewOrRaise(std::move(s));
      return -1;
    }
    AdoptReadonly(w, std::move(*s).Release());
    return 0;
  }
  return Append(w, PyUnicode_1BYTE_KIND, ascii, len, 0x7F);
}

int _PyUnicodeWriter_WriteLatin1String(Writer* w, const char* str,
                                       Py_ssize_t len) {
  if (str == nullptr || len < 0) {
    BadCall("_PyUnicodeWriter_WriteLatin1String");
    return -1;
  }
  return Append(w, PyUnicode_1BYTE_KIND, str, len,
                MaxCharOf(PyUnicode_1BYTE_KIND, str, len));
}

PyObject* _PyUnicodeWriter_Finish(Writer* w) {
  PyObject* buf = w->buffer;
  w->buffer = nullptr;
  w->readonly = 0;
  w->data = nullptr;
  w->size = 0;
  if (buf == nullptr || w->pos == 0) {
    if (buf != nullptr) Drop(buf);
    return ftrt::Ref<>::NewRef(ftrt::EmptyStr()).Release();
  }
  const int kind = ftrt::StrKind(buf);
  const void* data = ftrt::StrData(buf);
  // The buffer is the result when it is exactly as long as the text and of
  // the kind (and ASCII flag) the text needs; else a copy that is.
  const Py_UCS4 actual = MaxCharOf(kind, data, w->pos);
  const Py_UCS4 needed_class = actual < 0x80 ? 0x7F : actual < 0x100 ? 0xFF
                               : actual < 0x10000 ? 0xFFFF : ftrt::kMaxUnicode;
  if (w->pos == ftrt::StrLength(buf) && needed_class == ftrt::StrMaxCharValue(buf)) return buf;
  absl::StatusOr<ftrt::Ref<>> exact = ftrt::StrFromKindAndData(kind, data, w->pos);
  Drop(buf);
  return NewOrRaise(std::move(exact));
}

void _PyUnicodeWriter_Dealloc(Writer* w) {
  PyObject* buf = w->buffer;
  w->buffer = nullptr;
  w->readonly = 0;
  if (buf != nullptr) Drop(buf);
}

}  // extern "C"
