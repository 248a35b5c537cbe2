// libftrt.so: the rest of unicodeobject.h that extensions use: conversions
// to str (PyUnicode_FromObject, PyUnicode_FromEncodedObject), appending and
// resizing through a PyObject** (PyUnicode_Append, AppendAndDel, Resize),
// rich comparison, partition / rsplit / splitlines / isidentifier, the
// UTF-16 and UTF-32 codecs, stateful UTF-8 decoding, and the filesystem
// encoding with its O& converters (PyUnicode_FSConverter / FSDecoder,
// PyOS_FSPath). The filesystem (and locale) encoding is UTF-8 with
// surrogateescape, as CPython's on Linux in UTF-8 mode or a UTF-8 locale.
// Argument checks and C error conventions here; the string work in
// object/str_codecs.h.
#include <cstring>
#include <optional>
#include <utility>

#include "ext_abi/capi_internal.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/none_bool.h"
#include "object/str.h"
#include "object/str_codecs.h"
#include "object/type_cache.h"

extern "C" {
PyObject* PyUnicode_Decode(const char* s, Py_ssize_t size, const char* encoding,
                           const char* errors);
int PyObject_GetBuffer(PyObject* obj, Py_buffer* view, int flags);
void PyBuffer_Release(Py_buffer* view);
}

using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NewOrRaise;

namespace {

constexpr int kCleanupSupported = 0x20000;  // Py_CLEANUP_SUPPORTED
constexpr int kBufSimple = 0;               // PyBUF_SIMPLE

// "must be str, not T" (CPython's check of str arguments here); SystemError
// for NULL.
bool EnsureStr(PyObject* op, const char* func) {
  if (op == nullptr) {
    BadCall(func);
    return false;
  }
  if (!ftrt::IsStr(op)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "must be str, not %.100s", op->ob_type->tp_name);
    return false;
  }
  return true;
}

bool NeedBytes(const char* s, Py_ssize_t size, const char* func) {
  if (size < 0 || (s == nullptr && size > 0)) {
    BadCall(func);
    return false;
  }
  return true;
}

absl::string_view View(const char* s, Py_ssize_t size) {
  return size == 0 ? absl::string_view() : absl::string_view(s, static_cast<size_t>(size));
}

// Runs a codec with the handler `errors` names. An unknown name is a
// LookupError, but only once the input has an error that needs the
// handler, as in CPython: the codec runs strict and a Unicode error it
// reports becomes the LookupError.
template <typename Codec>
PyObject* WithErrors(const char* errors, Codec codec) {
  std::optional<ftrt::CodecErrors> handler = ftrt::CodecErrorsFromName(errors);
  absl::StatusOr<ftrt::Ref<>> r = codec(handler.value_or(ftrt::CodecErrors::kStrict));
  if (!r.ok() && !handler.has_value() &&
      (ftrt::IsError(r.status(), ftrt::ErrorKind::kUnicodeDecodeError) ||
       ftrt::IsError(r.status(), ftrt::ErrorKind::kUnicodeEncodeError))) {
    ftrt::SetErrorFormat(PyExc_LookupError, "unknown error handler name '%.200s'", errors);
    return nullptr;
  }
  return NewOrRaise(std::move(r));
}

PyObject* DecodeUtfN(int width, const char* s, Py_ssize_t size, const char* errors,
                     int* byteorder, Py_ssize_t* consumed, const char* func) {
  if (!NeedBytes(s, size, func)) return nullptr;
  int order = byteorder != nullptr ? *byteorder : 0;
  PyObject* out = WithErrors(errors, [&](ftrt::CodecErrors e) {
    return width == 2 ? ftrt::StrDecodeUtf16(View(s, size), e, &order, consumed)
                      : ftrt::StrDecodeUtf32(View(s, size), e, &order, consumed);
  });
  if (out != nullptr && byteorder != nullptr) *byteorder = order;
  return out;
}

// os.fspath(path) (PyOS_FSPath): str and bytes as they are, else the
// result of the type's __fspath__, which must be str or bytes.
PyObject* FsPath(PyObject* path) {
  if (path == nullptr) {
    BadCall("PyOS_FSPath");
    return nullptr;
  }
  if (ftrt::IsStr(path) || ftrt::IsBytes(path)) return ftrt::Ref<>::NewRef(path).Release();
  absl::StatusOr<ftrt::Ref<>> name = ftrt::StrFromUtf8("__fspath__");
  if (!name.ok()) return NewOrRaise(std::move(name));
  ftrt::Ref<> method = ftrt::TypeLookup(path->ob_type, name->get());
  if (!method) {
    if (ftrt::HasError()) return nullptr;
    ftrt::SetErrorFormat(PyExc_TypeError, "expected str, bytes or os.PathLike object, not %.200s",
                         path->ob_type->tp_name);
    return nullptr;
  }
  ftrt::Ref<> result = ftrt::CallMethod(path, name->get(), {});
  if (!result) return nullptr;
  if (!ftrt::IsStr(result.get()) && !ftrt::IsBytes(result.get())) {
    ftrt::SetErrorFormat(PyExc_TypeError,
                         "expected %.200s.__fspath__() to return str or bytes, not %.200s",
                         path->ob_type->tp_name, result->ob_type->tp_name);
    return nullptr;
  }
  return result.Release();
}

// Drops a reference the caller owns (Py_XDECREF).
void Drop(PyObject* p) { ftrt::Ref<> r = ftrt::Ref<>::Steal(p); }

void Clear(PyObject** p) { Drop(std::exchange(*p, nullptr)); }

}  // namespace

extern "C" {

PyObject* PyUnicode_FromObject(PyObject* obj) {
  if (obj == nullptr) {
    BadCall("PyUnicode_FromObject");
    return nullptr;
  }
  if (ftrt::IsStrExact(obj)) return ftrt::Ref<>::NewRef(obj).Release();
  if (ftrt::IsStr(obj)) return NewOrRaise(ftrt::StrResizedCopy(obj, ftrt::StrLength(obj)));
  ftrt::SetErrorFormat(PyExc_TypeError, "Can't convert '%.100s' object to str implicitly",
                       obj->ob_type->tp_name);
  return nullptr;
}

PyObject* PyUnicode_FromEncodedObject(PyObject* obj, const char* encoding, const char* errors) {
  if (obj == nullptr) {
    BadCall("PyUnicode_FromEncodedObject");
    return nullptr;
  }
  if (ftrt::IsBytes(obj)) {
    if (ftrt::BytesSize(obj) == 0) return ftrt::Ref<>::NewRef(ftrt::EmptyStr()).Release();
    return PyUnicode_Decode(ftrt::BytesData(obj), ftrt::BytesSize(obj), encoding, errors);
  }
  if (ftrt::IsStr(obj)) {
    ftrt::SetErrorString(PyExc_TypeError, "decoding str is not supported");
    return nullptr;
  }
  Py_buffer view;
  if (PyObject_GetBuffer(obj, &view, kBufSimple) < 0) {
    ftrt::ClearError();
    ftrt::SetErrorFormat(PyExc_TypeError, "decoding to str: need a bytes-like object, %.80s found",
                         obj->ob_type->tp_name);
    return nullptr;
  }
  PyObject* out = view.len == 0 ? ftrt::Ref<>::NewRef(ftrt::EmptyStr()).Release()
                                : PyUnicode_Decode(static_cast<const char*>(view.buf), view.len,
                                                   encoding, errors);
  PyBuffer_Release(&view);
  return out;
}

void PyUnicode_Append(PyObject** pleft, PyObject* right) {
  if (pleft == nullptr) {
    if (!ftrt::HasError()) BadCall("PyUnicode_Append");
    return;
  }
  PyObject* left = *pleft;
  if (left == nullptr || right == nullptr || !ftrt::IsStr(left) || !ftrt::IsStr(right)) {
    if (!ftrt::HasError()) BadCall("PyUnicode_Append");
    Clear(pleft);
    return;
  }
  if (ftrt::StrLength(right) == 0 && ftrt::IsStrExact(left)) return;
  absl::StatusOr<ftrt::Ref<>> r = ftrt::StrLength(left) == 0 && ftrt::IsStrExact(right)
                                      ? absl::StatusOr<ftrt::Ref<>>(ftrt::Ref<>::NewRef(right))
                                      : ftrt::StrConcat(left, right);
  if (!r.ok()) {
    ftrt::ext::internal::RaiseStatus(r.status());
    Clear(pleft);
    return;
  }
  *pleft = std::move(*r).Release();
  Drop(left);
}

void PyUnicode_AppendAndDel(PyObject** pleft, PyObject* right) {
  PyUnicode_Append(pleft, right);
  Drop(right);
}

PyObject* PyUnicode_RichCompare(PyObject* left, PyObject* right, int op) {
  if (left == nullptr || right == nullptr || op < Py_LT || op > Py_GE) {
    BadCall("PyUnicode_RichCompare");
    return nullptr;
  }
  if (!ftrt::IsStr(left) || !ftrt::IsStr(right)) {
    return ftrt::Ref<>::NewRef(ftrt::NotImplemented()).Release();
  }
  bool r;
  if (op == Py_EQ || op == Py_NE) {
    r = (left == right || ftrt::StrEqual(left, right)) == (op == Py_EQ);
  } else {
    const int c = left == right ? 0 : ftrt::StrCompare(left, right);
    r = op == Py_LT ? c < 0 : op == Py_LE ? c <= 0 : op == Py_GT ? c > 0 : c >= 0;
  }
  return ftrt::BoolFrom(r);  // immortal
}

int PyUnicode_Resize(PyObject** unicode, Py_ssize_t length) {
  if (unicode == nullptr || *unicode == nullptr || !ftrt::IsStr(*unicode) || length < 0) {
    BadCall("PyUnicode_Resize");
    return -1;
  }
  PyObject* old = *unicode;
  if (ftrt::StrLength(old) == length) return 0;
  // CPython resizes a string it may still change in place and copies any
  // other; ftrt always makes the new string, which a caller cannot tell
  // apart (the object in *unicode is replaced either way).
  absl::StatusOr<ftrt::Ref<>> r = length == 0
                                      ? absl::StatusOr<ftrt::Ref<>>(
                                            ftrt::Ref<>::NewRef(ftrt::EmptyStr()))
                                      : ftrt::StrResizedCopy(old, length);
  if (!r.ok()) {
    ftrt::ext::internal::RaiseStatus(r.status());
    return -1;
  }
  *unicode = std::move(*r).Release();
  Drop(old);
  return 0;
}

int PyUnicode_IsIdentifier(PyObject* s) {
  if (!EnsureStr(s, "PyUnicode_IsIdentifier")) return -1;
  return ftrt::StrIsIdentifier(s) ? 1 : 0;
}

PyObject* PyUnicode_Partition(PyObject* s, PyObject* sep) {
  if (!EnsureStr(s, "PyUnicode_Partition") || !EnsureStr(sep, "PyUnicode_Partition")) {
    return nullptr;
  }
  return NewOrRaise(ftrt::StrPartition(s, sep, false));
}

PyObject* PyUnicode_RPartition(PyObject* s, PyObject* sep) {
  if (!EnsureStr(s, "PyUnicode_RPartition") || !EnsureStr(sep, "PyUnicode_RPartition")) {
    return nullptr;
  }
  return NewOrRaise(ftrt::StrPartition(s, sep, true));
}

PyObject* PyUnicode_RSplit(PyObject* s, PyObject* sep, Py_ssize_t maxsplit) {
  if (!EnsureStr(s, "PyUnicode_RSplit") ||
      (sep != nullptr && !EnsureStr(sep, "PyUnicode_RSplit"))) {
    return nullptr;
  }
  return NewOrRaise(ftrt::StrRSplit(s, sep, maxsplit));
}

PyObject* PyUnicode_Splitlines(PyObject* s, int keepends) {
  if (!EnsureStr(s, "PyUnicode_Splitlines")) return nullptr;
  return NewOrRaise(ftrt::StrSplitlines(s, keepends != 0));
}

PyObject* PyUnicode_AsUTF16String(PyObject* unicode) {
  if (!EnsureStr(unicode, "PyUnicode_AsUTF16String")) return nullptr;
  return NewOrRaise(ftrt::StrEncodeUtf16(unicode, 0));
}

PyObject* PyUnicode_AsUTF32String(PyObject* unicode) {
  if (!EnsureStr(unicode, "PyUnicode_AsUTF32String")) return nullptr;
  return NewOrRaise(ftrt::StrEncodeUtf32(unicode, 0));
}

PyObject* PyUnicode_DecodeUTF16Stateful(const char* s, Py_ssize_t size, const char* errors,
                                        int* byteorder, Py_ssize_t* consumed) {
  return DecodeUtfN(2, s, size, errors, byteorder, consumed, "PyUnicode_DecodeUTF16Stateful");
}

PyObject* PyUnicode_DecodeUTF16(const char* s, Py_ssize_t size, const char* errors,
                                int* byteorder) {
  return DecodeUtfN(2, s, size, errors, byteorder, nullptr, "PyUnicode_DecodeUTF16");
}

PyObject* PyUnicode_DecodeUTF32Stateful(const char* s, Py_ssize_t size, const char* errors,
                                        int* byteorder, Py_ssize_t* consumed) {
  return DecodeUtfN(4, s, size, errors, byteorder, consumed, "PyUnicode_DecodeUTF32Stateful");
}

PyObject* PyUnicode_DecodeUTF32(const char* s, Py_ssize_t size, const char* errors,
                                int* byteorder) {
  return DecodeUtfN(4, s, size, errors, byteorder, nullptr, "PyUnicode_DecodeUTF32");
}

PyObject* PyUnicode_DecodeUTF8Stateful(const char* s, Py_ssize_t size, const char* errors,
                                       Py_ssize_t* consumed) {
  if (!NeedBytes(s, size, "PyUnicode_DecodeUTF8Stateful")) return nullptr;
  return WithErrors(errors, [&](ftrt::CodecErrors e) {
    return ftrt::StrDecodeUtf8With(View(s, size), e, consumed);
  });
}

PyObject* PyUnicode_DecodeFSDefaultAndSize(const char* s, Py_ssize_t size) {
  if (!NeedBytes(s, size, "PyUnicode_DecodeFSDefaultAndSize")) return nullptr;
  return NewOrRaise(
      ftrt::StrDecodeUtf8With(View(s, size), ftrt::CodecErrors::kSurrogateEscape, nullptr));
}

PyObject* PyUnicode_DecodeFSDefault(const char* s) {
  if (s == nullptr) {
    BadCall("PyUnicode_DecodeFSDefault");
    return nullptr;
  }
  return PyUnicode_DecodeFSDefaultAndSize(s, static_cast<Py_ssize_t>(std::strlen(s)));
}

PyObject* PyUnicode_EncodeFSDefault(PyObject* unicode) {
  if (!EnsureStr(unicode, "PyUnicode_EncodeFSDefault")) return nullptr;
  return NewOrRaise(ftrt::StrEncodeUtf8With(unicode, ftrt::CodecErrors::kSurrogateEscape));
}

PyObject* PyOS_FSPath(PyObject* path) { return FsPath(path); }

int PyUnicode_FSConverter(PyObject* arg, void* addr) {
  auto* out = static_cast<PyObject**>(addr);
  if (arg == nullptr) {  // the cleanup call after a later argument failed
    Clear(out);
    return 1;
  }
  ftrt::Ref<> path = ftrt::Ref<>::Steal(FsPath(arg));
  if (!path) return 0;
  ftrt::Ref<> output;
  if (ftrt::IsStr(path.get())) {
    output = ftrt::Ref<>::Steal(PyUnicode_EncodeFSDefault(path.get()));
    if (!output) return 0;
  } else {
    output = std::move(path);
  }
  const size_t n = static_cast<size_t>(ftrt::BytesSize(output.get()));
  if (std::memchr(ftrt::BytesData(output.get()), '\0', n) != nullptr) {
    ftrt::SetErrorString(PyExc_ValueError, "embedded null byte");
    return 0;
  }
  *out = output.Release();
  return kCleanupSupported;
}

int PyUnicode_FSDecoder(PyObject* arg, void* addr) {
  auto* out = static_cast<PyObject**>(addr);
  if (arg == nullptr) {
    Clear(out);
    return 1;
  }
  ftrt::Ref<> path = ftrt::Ref<>::Steal(FsPath(arg));
  if (!path) return 0;
  ftrt::Ref<> output;
  if (ftrt::IsStr(path.get())) {
    output = std::move(path);
  } else {
    output = ftrt::Ref<>::Steal(
        PyUnicode_DecodeFSDefaultAndSize(ftrt::BytesData(path.get()), ftrt::BytesSize(path.get())));
    if (!output) return 0;
  }
  for (Py_ssize_t i = 0, n = ftrt::StrLength(output.get()); i < n; ++i) {
    if (ftrt::StrReadChar(output.get(), i) == 0) {
      ftrt::SetErrorString(PyExc_ValueError, "embedded null character");
      return 0;
    }
  }
  *out = output.Release();
  return kCleanupSupported;
}


// The locale encoding (PyUnicode_DecodeLocale / EncodeLocale): UTF-8, as
// CPython's under a UTF-8 locale or in UTF-8 mode, with only the strict
// and surrogateescape handlers (others: ValueError "unsupported error
// handler") and errors worded as CPython's locale codec words them.
PyObject* PyUnicode_DecodeLocaleAndSize(const char* str, Py_ssize_t len, const char* errors) {
  if (str == nullptr || len < 0) {
    BadCall("PyUnicode_DecodeLocaleAndSize");
    return nullptr;
  }
  if (std::strlen(str) != static_cast<size_t>(len)) {
    ftrt::SetErrorString(PyExc_ValueError, "embedded null byte");
    return nullptr;
  }
  std::optional<ftrt::CodecErrors> handler = ftrt::CodecErrorsFromName(errors);
  if (!handler.has_value() || *handler == ftrt::CodecErrors::kIgnore ||
      *handler == ftrt::CodecErrors::kReplace) {
    ftrt::SetErrorString(PyExc_ValueError, "unsupported error handler");
    return nullptr;
  }
  absl::StatusOr<ftrt::Ref<>> r =
      ftrt::StrDecodeUtf8With(View(str, len), ftrt::CodecErrors::kSurrogateEscape, nullptr);
  if (!r.ok() || *handler == ftrt::CodecErrors::kSurrogateEscape) return NewOrRaise(std::move(r));
  // Strict: valid UTF-8 never decodes to a surrogate, so the first one is
  // the first undecodable byte; its offset is the UTF-8 size before it.
  PyObject* s = r->get();
  size_t offset = 0;
  for (Py_ssize_t i = 0, n = ftrt::StrLength(s); i < n; ++i) {
    const Py_UCS4 ch = ftrt::StrReadChar(s, i);
    if (ch >= 0xDC80 && ch <= 0xDCFF) {
      ftrt::SetErrorFormat(PyExc_UnicodeDecodeError,
                           "'locale' codec can't decode byte 0x%02x in position %zu: "
                           "decoding error",
                           static_cast<unsigned>(ch - 0xDC00), offset);
      return nullptr;
    }
    offset += ch < 0x80 ? 1 : ch < 0x800 ? 2 : ch < 0x10000 ? 3 : 4;
  }
  return NewOrRaise(std::move(r));
}

PyObject* PyUnicode_DecodeLocale(const char* str, const char* errors) {
  if (str == nullptr) {
    BadCall("PyUnicode_DecodeLocale");
    return nullptr;
  }
  return PyUnicode_DecodeLocaleAndSize(str, static_cast<Py_ssize_t>(std::strlen(str)), errors);
}

PyObject* PyUnicode_EncodeLocale(PyObject* unicode, const char* errors) {
  if (unicode == nullptr || !ftrt::IsStr(unicode)) {
    ftrt::SetErrorString(PyExc_TypeError, "bad argument type for built-in operation");
    return nullptr;
  }
  const Py_ssize_t n = ftrt::StrLength(unicode);
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (ftrt::StrReadChar(unicode, i) == 0) {
      ftrt::SetErrorString(PyExc_ValueError, "embedded null character");
      return nullptr;
    }
  }
  std::optional<ftrt::CodecErrors> handler = ftrt::CodecErrorsFromName(errors);
  if (!handler.has_value() || *handler == ftrt::CodecErrors::kIgnore ||
      *handler == ftrt::CodecErrors::kReplace) {
    ftrt::SetErrorString(PyExc_ValueError, "unsupported error handler");
    return nullptr;
  }
  const bool escape = *handler == ftrt::CodecErrors::kSurrogateEscape;
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS4 ch = ftrt::StrReadChar(unicode, i);
    if (ch >= 0xD800 && ch <= 0xDFFF && !(escape && ch >= 0xDC80 && ch <= 0xDCFF)) {
      ftrt::SetErrorFormat(PyExc_UnicodeEncodeError,
                           "'locale' codec can't encode character '\\u%04x' in position %zd: "
                           "encoding error",
                           static_cast<unsigned>(ch), i);
      return nullptr;
    }
  }
  return NewOrRaise(ftrt::StrEncodeUtf8With(unicode, ftrt::CodecErrors::kSurrogateEscape));
}

}  // extern "C"
