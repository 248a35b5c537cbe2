// libftrt.so: str's searching, joining, splitting and replacing functions,
// the Latin-1 and ASCII codecs, and the writes into a new string
// (unicodeobject.h), over object/str_ops.h: argument checks and C error
// conventions here, the algorithms there.
#include <cstring>
#include <vector>

#include "ext_abi/capi_internal.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/iterators.h"
#include "object/str.h"
#include "object/str_ops.h"
#include "object/str_text_methods.h"

extern "C" void* PyMem_Malloc(size_t n);
extern "C" PyObject* PyErr_NoMemory(void);

using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NeedStr;
using ftrt::ext::internal::NewOrRaise;

namespace {

// Both arguments str, or false with the error set.
bool NeedStrs(PyObject* a, PyObject* b, const char* func) {
  return NeedStr(a, func) != nullptr && NeedStr(b, func) != nullptr;
}

// Only the strict handler exists (unicodeobject.h).
bool StrictErrors(const char* errors) {
  if (errors == nullptr || std::strcmp(errors, "strict") == 0) return true;
  ftrt::SetErrorFormat(PyExc_NotImplementedError,
                       "error handler '%s' is not supported (only 'strict')", errors);
  return false;
}

bool NeedLength(const char* string, Py_ssize_t length, const char* func) {
  if (length < 0 || (string == nullptr && length > 0)) {
    BadCall(func);
    return false;
  }
  return true;
}

}  // namespace

extern "C" {

Py_ssize_t PyUnicode_Find(PyObject* str, PyObject* substr, Py_ssize_t start, Py_ssize_t end,
                          int direction) {
  if (!NeedStrs(str, substr, "PyUnicode_Find")) return -2;
  return ftrt::StrFind(str, substr, start, end, direction);
}

Py_ssize_t PyUnicode_FindChar(PyObject* str, Py_UCS4 ch, Py_ssize_t start, Py_ssize_t end,
                              int direction) {
  if (NeedStr(str, "PyUnicode_FindChar") == nullptr) return -2;
  return ftrt::StrFindChar(str, ch, start, end, direction);
}

Py_ssize_t PyUnicode_Count(PyObject* str, PyObject* substr, Py_ssize_t start, Py_ssize_t end) {
  if (!NeedStrs(str, substr, "PyUnicode_Count")) return -1;
  return ftrt::StrCount(str, substr, start, end);
}

Py_ssize_t PyUnicode_Tailmatch(PyObject* str, PyObject* substr, Py_ssize_t start,
                               Py_ssize_t end, int direction) {
  if (!NeedStrs(str, substr, "PyUnicode_Tailmatch")) return -1;
  return ftrt::StrTailmatch(str, substr, start, end, direction) ? 1 : 0;
}

int PyUnicode_Contains(PyObject* container, PyObject* element) {
  if (container == nullptr || element == nullptr) {
    BadCall("PyUnicode_Contains");
    return -1;
  }
  if (!ftrt::IsStr(element)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "'in <string>' requires string as left operand, not %s",
                         element->ob_type->tp_name);
    return -1;
  }
  if (!ftrt::IsStr(container)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "'in <string>' requires string as right operand, not %s",
                         container->ob_type->tp_name);
    return -1;
  }
  return ftrt::StrFind(container, element, 0, PY_SSIZE_T_MAX, 1) >= 0 ? 1 : 0;
}

PyObject* PyUnicode_Join(PyObject* separator, PyObject* iterable) {
  if (iterable == nullptr) {
    BadCall("PyUnicode_Join");
    return nullptr;
  }
  ftrt::Ref<> space;
  if (separator == nullptr) {
    auto s = ftrt::StrFromUtf8(" ");
    if (!s.ok()) return NewOrRaise(std::move(s));
    space = *std::move(s);
    separator = space.get();
  } else if (!ftrt::IsStr(separator)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "separator: expected str instance, %s found",
                         separator->ob_type->tp_name);
    return nullptr;
  }
  return ftrt::StrJoinIterable(separator, iterable).Release();
}

PyObject* PyUnicode_Split(PyObject* s, PyObject* sep, Py_ssize_t maxsplit) {
  if (NeedStr(s, "PyUnicode_Split") == nullptr) return nullptr;
  return NewOrRaise(ftrt::StrSplit(s, sep, maxsplit));
}

PyObject* PyUnicode_Replace(PyObject* str, PyObject* substr, PyObject* replstr,
                            Py_ssize_t maxcount) {
  if (str == nullptr || substr == nullptr || replstr == nullptr) {
    BadCall("PyUnicode_Replace");
    return nullptr;
  }
  return NewOrRaise(ftrt::StrReplace(str, substr, replstr, maxcount));
}

PyObject* PyUnicode_DecodeLatin1(const char* string, Py_ssize_t length, const char* errors) {
  if (!NeedLength(string, length, "PyUnicode_DecodeLatin1") || !StrictErrors(errors)) {
    return nullptr;
  }
  return NewOrRaise(ftrt::StrDecodeLatin1(absl::string_view(string, static_cast<size_t>(length))));
}

PyObject* PyUnicode_DecodeASCII(const char* string, Py_ssize_t length, const char* errors) {
  if (!NeedLength(string, length, "PyUnicode_DecodeASCII") || !StrictErrors(errors)) {
    return nullptr;
  }
  return NewOrRaise(ftrt::StrDecodeAscii(absl::string_view(string, static_cast<size_t>(length))));
}

PyObject* PyUnicode_AsLatin1String(PyObject* unicode) {
  if (NeedStr(unicode, "PyUnicode_AsLatin1String") == nullptr) return nullptr;
  return NewOrRaise(ftrt::StrEncodeLatin1(unicode));
}

PyObject* PyUnicode_AsASCIIString(PyObject* unicode) {
  if (NeedStr(unicode, "PyUnicode_AsASCIIString") == nullptr) return nullptr;
  return NewOrRaise(ftrt::StrEncodeAscii(unicode));
}

int PyUnicode_WriteChar(PyObject* unicode, Py_ssize_t index, Py_UCS4 character) {
  if (NeedStr(unicode, "PyUnicode_WriteChar") == nullptr) return -1;
  return ftrt::ext::internal::StatusToInt(ftrt::StrWriteChar(unicode, index, character));
}

Py_ssize_t PyUnicode_Fill(PyObject* unicode, Py_ssize_t start, Py_ssize_t length,
                          Py_UCS4 fill_char) {
  if (NeedStr(unicode, "PyUnicode_Fill") == nullptr) return -1;
  absl::StatusOr<Py_ssize_t> n = ftrt::StrFill(unicode, start, length, fill_char);
  if (!n.ok()) {
    ftrt::ext::internal::RaiseStatus(n.status());
    return -1;
  }
  return *n;
}

Py_ssize_t PyUnicode_CopyCharacters(PyObject* to, Py_ssize_t to_start, PyObject* from,
                                    Py_ssize_t from_start, Py_ssize_t how_many) {
  if (!NeedStrs(to, from, "PyUnicode_CopyCharacters")) return -1;
  absl::StatusOr<Py_ssize_t> n =
      ftrt::StrCopyCharacters(to, to_start, from, from_start, how_many);
  if (!n.ok()) {
    ftrt::ext::internal::RaiseStatus(n.status());
    return -1;
  }
  return *n;
}

Py_UCS4* PyUnicode_AsUCS4(PyObject* unicode, Py_UCS4* buffer, Py_ssize_t buflen, int copy_null) {
  if (NeedStr(unicode, "PyUnicode_AsUCS4") == nullptr) return nullptr;
  if (buffer == nullptr || buflen < 0) {
    BadCall("PyUnicode_AsUCS4");
    return nullptr;
  }
  const Py_ssize_t n = ftrt::StrLength(unicode);
  if (buflen < n + (copy_null ? 1 : 0)) {
    ftrt::SetErrorString(PyExc_SystemError, "string is longer than the buffer");
    if (copy_null && buflen > 0) buffer[0] = 0;
    return nullptr;
  }
  for (Py_ssize_t i = 0; i < n; ++i) buffer[i] = ftrt::StrReadChar(unicode, i);
  if (copy_null) buffer[n] = 0;
  return buffer;
}

Py_UCS4* PyUnicode_AsUCS4Copy(PyObject* unicode) {
  if (NeedStr(unicode, "PyUnicode_AsUCS4Copy") == nullptr) return nullptr;
  const Py_ssize_t n = ftrt::StrLength(unicode) + 1;
  auto* buffer = static_cast<Py_UCS4*>(PyMem_Malloc(static_cast<size_t>(n) * sizeof(Py_UCS4)));
  if (buffer == nullptr) return reinterpret_cast<Py_UCS4*>(PyErr_NoMemory());
  return PyUnicode_AsUCS4(unicode, buffer, n, 1);
}

}  // extern "C"
