// libftrt.so: the C API of values and containers (PyLong_*, PyFloat_*,
// PyBool_*, PyUnicode_*, PyBytes_*, PyTuple_*, PyList_*, PyDict_*) over
// object/'s built-in types.
//
// Each function has CPython 3.13's signature and error convention: NULL or
// -1 with an exception set; a NULL object where one is required raises
// SystemError (CPython's PyErr_BadInternalCall), a wrong type TypeError (or
// SystemError where CPython raises it), an index out of range IndexError.
// The borrowed-reference functions (PyList_GetItem, PyDict_GetItem,
// PyDict_Next, PyTuple_GetItem) return a pointer into the container without
// a reference, as CPython's do; Python.h names the safe replacements.
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/string_view.h"
#include "ext_abi/capi_internal.h"
#include "object/builtin_layouts.h"
#include "object/bytearray.h"
#include "object/bytes.h"
#include "object/bytes_methods.h"
#include "object/container_methods.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/number.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/str.h"
#include "object/tuple.h"

using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NewOrRaise;
using ftrt::ext::internal::RaiseStatus;
using ftrt::ext::internal::NeedStr;
using ftrt::ext::internal::StatusToInt;

namespace {

bool NeedInt(PyObject* op, const char* func) {
  if (op == nullptr) {
    BadCall(func);
    return false;
  }
  if (!ftrt::IsInt(op)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "'%s' object cannot be interpreted as an integer",
                         op->ob_type->tp_name);
    return false;
  }
  return true;
}

bool NeedList(PyObject* op, const char* func) {
  if (op == nullptr || !ftrt::IsList(op)) {
    BadCall(func);
    return false;
  }
  return true;
}

bool NeedDict(PyObject* op, const char* func) {
  if (op == nullptr || !ftrt::IsDict(op)) {
    BadCall(func);
    return false;
  }
  return true;
}

bool NeedTuple(PyObject* op, const char* func) {
  if (op == nullptr || !ftrt::IsTuple(op)) {
    BadCall(func);
    return false;
  }
  return true;
}

// The int to convert: op itself, or (for the conversions that take any
// object with __index__, as CPython 3.10+ does) what __index__ returned,
// held in *holder. Null with the error set.
PyObject* IndexOrInt(PyObject* op, const char* func, ftrt::Ref<>* holder) {
  if (op == nullptr) {
    BadCall(func);
    return nullptr;
  }
  if (ftrt::IsInt(op)) return op;
  absl::StatusOr<ftrt::Ref<>> index = ftrt::NumberIndex(op);
  if (!index.ok()) {
    RaiseStatus(index.status());
    return nullptr;
  }
  *holder = std::move(*index);
  return holder->get();
}

// op's value in [lo, hi] (signed), or OverflowError `message`.
bool SignedIn(PyObject* op, int64_t lo, int64_t hi, const char* message, int64_t* out) {
  if (ftrt::IntIsBig(op) || ftrt::IntValue(op) < lo || ftrt::IntValue(op) > hi) {
    ftrt::SetErrorString(PyExc_OverflowError, message);
    return false;
  }
  *out = ftrt::IntValue(op);
  return true;
}

// op's value as an unsigned 64-bit number, or OverflowError: `negative`
// for a value below 0, `too_big` for one of 2**64 or more.
bool Unsigned64(PyObject* op, const char* negative, const char* too_big, uint64_t* out) {
  if (ftrt::IntSign(op) < 0) {
    ftrt::SetErrorString(PyExc_OverflowError, negative);
    return false;
  }
  if (!ftrt::IntIsBig(op)) {
    *out = static_cast<uint64_t>(ftrt::IntValue(op));
    return true;
  }
  const ftrt::BigInt v = ftrt::IntToBigInt(op);
  if (!v.FitsUint64()) {
    ftrt::SetErrorString(PyExc_OverflowError, too_big);
    return false;
  }
  *out = v.ToUint64();
  return true;
}

}  // namespace

extern "C" {

// Defined in other capi files (Python.h is not included here).
PyObject* PyObject_GetIter(PyObject* o);
PyObject* PyIter_Next(PyObject* it);
Py_ssize_t PyNumber_AsSsize_t(PyObject* o, PyObject* exc);
int PySequence_Check(PyObject* o);
PyObject* PyErr_Occurred(void);

// ---- int -------------------------------------------------------------------

PyObject* PyLong_FromLong(long v) { return NewOrRaise(ftrt::IntFromInt64(v)); }
PyObject* PyLong_FromLongLong(long long v) { return NewOrRaise(ftrt::IntFromInt64(v)); }
PyObject* PyLong_FromSsize_t(Py_ssize_t v) { return NewOrRaise(ftrt::IntFromInt64(v)); }
PyObject* PyLong_FromSize_t(size_t v) { return NewOrRaise(ftrt::IntFromUint64(v)); }
PyObject* PyLong_FromUnsignedLong(unsigned long v) {
  return NewOrRaise(ftrt::IntFromUint64(v));
}
PyObject* PyLong_FromUnsignedLongLong(unsigned long long v) {
  return NewOrRaise(ftrt::IntFromUint64(v));
}
PyObject* PyLong_FromDouble(double v) { return NewOrRaise(ftrt::IntFromDouble(v)); }
PyObject* PyLong_FromVoidPtr(void* p) {
  return NewOrRaise(ftrt::IntFromUint64(reinterpret_cast<uintptr_t>(p)));
}
PyObject* PyLong_FromString(const char* str, char** pend, int base) {
  if (str == nullptr) {
    BadCall("PyLong_FromString");
    return nullptr;
  }
  if ((base != 0 && base < 2) || base > 36) {
    ftrt::SetErrorString(PyExc_ValueError, "int() arg 2 must be >= 2 and <= 36");
    return nullptr;
  }
  // The whole string is the literal (CPython allows only whitespace after
  // the digits, and points *pend past it).
  const std::string_view text(str);
  bool syntax_error = false;
  absl::StatusOr<ftrt::Ref<>> value = ftrt::IntFromLiteral(text, base, &syntax_error);
  if (syntax_error) {
    if (pend != nullptr) *pend = const_cast<char*>(str);
    ftrt::SetErrorFormat(PyExc_ValueError, "invalid literal for int() with base %d: '%.200s'",
                         base, str);
    return nullptr;
  }
  if (pend != nullptr) *pend = const_cast<char*>(str) + text.size();
  return NewOrRaise(std::move(value));
}

PyObject* PyLong_FromUnicodeObject(PyObject* u, int base) {
  if (u == nullptr) {
    BadCall("PyLong_FromUnicodeObject");
    return nullptr;
  }
  if (!ftrt::IsStr(u)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "int() can't convert non-string with explicit base");
    return nullptr;
  }
  auto utf8 = ftrt::StrAsUtf8(u);
  if (!utf8.ok()) {
    ftrt::SetErrorFromStatus(utf8.status());
    return nullptr;
  }
  const std::string text(*utf8);
  char* end = nullptr;
  PyObject* r = PyLong_FromString(text.c_str(), &end, base);
  if (r == nullptr) return nullptr;
  while (end != nullptr && *end != 0 && std::isspace(static_cast<unsigned char>(*end))) ++end;
  if (end == nullptr || *end != 0 || text.find('\0') != std::string::npos) {
    ftrt::Decref(r);
    ftrt::SetErrorFormat(PyExc_ValueError, "invalid literal for int() with base %d: '%s'", base,
                         text.c_str());
    return nullptr;
  }
  return r;
}

long long PyLong_AsLongLong(PyObject* op) {
  ftrt::Ref<> holder;
  PyObject* i = IndexOrInt(op, "PyLong_AsLongLong", &holder);
  int64_t v;
  if (i == nullptr || !SignedIn(i, INT64_MIN, INT64_MAX, "int too big to convert", &v)) return -1;
  return v;
}
long PyLong_AsLong(PyObject* op) {
  ftrt::Ref<> holder;
  PyObject* i = IndexOrInt(op, "PyLong_AsLong", &holder);
  int64_t v;
  if (i == nullptr ||
      !SignedIn(i, LONG_MIN, LONG_MAX, "Python int too large to convert to C long", &v)) {
    return -1;
  }
  return static_cast<long>(v);
}
Py_ssize_t PyLong_AsSsize_t(PyObject* op) {
  // Not through __index__ (CPython: an int or a subclass only).
  if (!NeedInt(op, "PyLong_AsSsize_t")) return -1;
  int64_t v;
  if (!SignedIn(op, PY_SSIZE_T_MIN, PY_SSIZE_T_MAX, "Python int too large to convert to C ssize_t",
                &v)) {
    return -1;
  }
  return static_cast<Py_ssize_t>(v);
}
int PyLong_AsInt(PyObject* op) {
  ftrt::Ref<> holder;
  PyObject* i = IndexOrInt(op, "PyLong_AsInt", &holder);
  int64_t v;
  if (i == nullptr ||
      !SignedIn(i, INT_MIN, INT_MAX, "Python int too large to convert to C int", &v)) {
    return -1;
  }
  return static_cast<int>(v);
}
unsigned long long PyLong_AsUnsignedLongLong(PyObject* op) {
  if (!NeedInt(op, "PyLong_AsUnsignedLongLong")) return static_cast<unsigned long long>(-1);
  uint64_t v;
  if (!Unsigned64(op, "can't convert negative int to unsigned", "int too big to convert", &v)) {
    return static_cast<unsigned long long>(-1);
  }
  return v;
}
unsigned long PyLong_AsUnsignedLong(PyObject* op) {
  if (!NeedInt(op, "PyLong_AsUnsignedLong")) return static_cast<unsigned long>(-1);
  uint64_t v;
  if (!Unsigned64(op, "can't convert negative value to unsigned int",
                  "Python int too large to convert to C unsigned long", &v)) {
    return static_cast<unsigned long>(-1);
  }
  return static_cast<unsigned long>(v);
}
size_t PyLong_AsSize_t(PyObject* op) {
  if (!NeedInt(op, "PyLong_AsSize_t")) return static_cast<size_t>(-1);
  uint64_t v;
  if (!Unsigned64(op, "can't convert negative value to size_t",
                  "Python int too large to convert to C size_t", &v)) {
    return static_cast<size_t>(-1);
  }
  return static_cast<size_t>(v);
}
unsigned long long PyLong_AsUnsignedLongLongMask(PyObject* op) {
  ftrt::Ref<> holder;
  PyObject* i = IndexOrInt(op, "PyLong_AsUnsignedLongLongMask", &holder);
  if (i == nullptr) return static_cast<unsigned long long>(-1);
  return ftrt::IntLowBits64(i);
}
unsigned long PyLong_AsUnsignedLongMask(PyObject* op) {
  return PyLong_AsUnsignedLongLongMask(op);
}
long long PyLong_AsLongLongAndOverflow(PyObject* op, int* overflow) {
  if (overflow != nullptr) *overflow = 0;
  ftrt::Ref<> holder;
  PyObject* i = IndexOrInt(op, "PyLong_AsLongLongAndOverflow", &holder);
  if (i == nullptr) return -1;
  if (ftrt::IntIsBig(i)) {
    // Out of range: -1 with *overflow the sign, and no exception.
    if (overflow != nullptr) *overflow = ftrt::IntSign(i);
    return -1;
  }
  return ftrt::IntValue(i);
}
long PyLong_AsLongAndOverflow(PyObject* op, int* overflow) {
  return PyLong_AsLongLongAndOverflow(op, overflow);
}
double PyLong_AsDouble(PyObject* op) {
  if (!NeedInt(op, "PyLong_AsDouble")) return -1.0;
  absl::StatusOr<double> d = ftrt::IntAsDouble(op);
  if (!d.ok()) {
    RaiseStatus(d.status());
    return -1.0;
  }
  return *d;
}
void* PyLong_AsVoidPtr(PyObject* op) {
  if (!NeedInt(op, "PyLong_AsVoidPtr")) return nullptr;
  // A pointer from either reading: negative as signed, else unsigned.
  if (ftrt::IntSign(op) < 0) {
    const long long v = PyLong_AsLongLong(op);
    return v == -1 && ftrt::HasError() ? nullptr : reinterpret_cast<void*>(v);
  }
  const unsigned long long v = PyLong_AsUnsignedLongLong(op);
  if (v == static_cast<unsigned long long>(-1) && ftrt::HasError()) return nullptr;
  return reinterpret_cast<void*>(static_cast<uintptr_t>(v));
}

// ---- float and bool ------------------------------------------------------------

PyObject* PyFloat_FromDouble(double v) { return NewOrRaise(ftrt::FloatFromDouble(v)); }
double PyFloat_AsDouble(PyObject* op) {
  if (op == nullptr) {
    BadCall("PyFloat_AsDouble");
    return -1.0;
  }
  if (ftrt::IsFloat(op)) return ftrt::FloatValue(op);
  if (ftrt::IsInt(op)) return PyLong_AsDouble(op);
  ftrt::SetErrorFormat(PyExc_TypeError, "must be real number, not %s", op->ob_type->tp_name);
  return -1.0;
}
PyObject* PyFloat_FromString(PyObject* str) {
  // Python's float() syntax, for str and bytes-like objects
  // (capi_type_new.cc).
  return ftrt::ext::internal::FloatFromText(str);
}
double PyFloat_GetMax(void) { return 1.7976931348623157e308; }
double PyFloat_GetMin(void) { return 2.2250738585072014e-308; }

PyObject* PyBool_FromLong(long v) {
  PyObject* b = ftrt::BoolFrom(v != 0);
  ftrt::Incref(b);
  return b;
}

// ---- str -------------------------------------------------------------------

PyObject* PyUnicode_FromStringAndSize(const char* s, Py_ssize_t size) {
  if (size < 0) {
    ftrt::SetErrorString(PyExc_SystemError,
                         "Negative size passed to PyUnicode_FromStringAndSize");
    return nullptr;
  }
  if (s == nullptr && size != 0) {
    BadCall("PyUnicode_FromStringAndSize");
    return nullptr;
  }
  return NewOrRaise(ftrt::StrFromUtf8(absl::string_view(s == nullptr ? "" : s,
                                                        static_cast<size_t>(size))));
}
PyObject* PyUnicode_FromString(const char* s) {
  if (s == nullptr) {
    BadCall("PyUnicode_FromString");
    return nullptr;
  }
  return NewOrRaise(ftrt::StrFromUtf8(s));
}
PyObject* PyUnicode_DecodeUTF8Stateful(const char* s, Py_ssize_t size, const char* errors,
                                       Py_ssize_t* consumed);
PyObject* PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size, const char* errors) {
  if (errors == nullptr) return PyUnicode_FromStringAndSize(s, size);
  return PyUnicode_DecodeUTF8Stateful(s, size, errors, nullptr);  // capi_unicode.cc
}
const char* PyUnicode_AsUTF8AndSize(PyObject* op, Py_ssize_t* size) {
  if (NeedStr(op, "PyUnicode_AsUTF8AndSize") == nullptr) {
    if (size != nullptr) *size = -1;
    return nullptr;
  }
  auto r = ftrt::StrAsUtf8(op);
  if (!r.ok()) {
    RaiseStatus(r.status());
    if (size != nullptr) *size = -1;
    return nullptr;
  }
  if (size != nullptr) *size = static_cast<Py_ssize_t>(r->size());
  return r->data();
}
const char* PyUnicode_AsUTF8(PyObject* op) {
  Py_ssize_t n;
  const char* s = PyUnicode_AsUTF8AndSize(op, &n);
  if (s != nullptr && std::strlen(s) != static_cast<size_t>(n)) {
    ftrt::SetErrorString(PyExc_ValueError, "embedded null character");
    return nullptr;
  }
  return s;
}
PyObject* PyUnicode_AsUTF8String(PyObject* op) {
  Py_ssize_t n;
  const char* s = PyUnicode_AsUTF8AndSize(op, &n);
  if (s == nullptr) return nullptr;
  return NewOrRaise(ftrt::BytesFromData(absl::string_view(s, static_cast<size_t>(n))));
}
Py_ssize_t PyUnicode_GetLength(PyObject* op) {
  if (NeedStr(op, "PyUnicode_GetLength") == nullptr) return -1;
  return ftrt::StrLength(op);
}
PyObject* PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar) {
  if (size < 0) {
    ftrt::SetErrorString(PyExc_SystemError, "Negative size passed to PyUnicode_New");
    return nullptr;
  }
  if (maxchar > ftrt::kMaxUnicode) {
    ftrt::SetErrorString(PyExc_SystemError, "invalid maximum character passed to PyUnicode_New");
    return nullptr;
  }
  return NewOrRaise(ftrt::StrNew(size, maxchar));
}
PyObject* PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size) {
  if (size < 0 || (buffer == nullptr && size != 0)) {
    BadCall("PyUnicode_FromKindAndData");
    return nullptr;
  }
  if (kind != 1 && kind != 2 && kind != 4) {
    ftrt::SetErrorString(PyExc_SystemError, "invalid kind");
    return nullptr;
  }
  return NewOrRaise(ftrt::StrFromKindAndData(kind, buffer, size));
}
Py_UCS4 PyUnicode_ReadChar(PyObject* op, Py_ssize_t index) {
  if (NeedStr(op, "PyUnicode_ReadChar") == nullptr) return static_cast<Py_UCS4>(-1);
  if (index < 0 || index >= ftrt::StrLength(op)) {
    ftrt::SetErrorString(PyExc_IndexError, "string index out of range");
    return static_cast<Py_UCS4>(-1);
  }
  return ftrt::StrReadChar(op, index);
}
PyObject* PyUnicode_FromOrdinal(int ordinal) {
  if (ordinal < 0 || ordinal > static_cast<int>(ftrt::kMaxUnicode)) {
    ftrt::SetErrorString(PyExc_ValueError, "chr() arg not in range(0x110000)");
    return nullptr;
  }
  Py_UCS4 c = static_cast<Py_UCS4>(ordinal);
  return NewOrRaise(ftrt::StrFromCodePoints(absl::Span<const Py_UCS4>(&c, 1)));
}
PyObject* PyUnicode_Substring(PyObject* op, Py_ssize_t start, Py_ssize_t end) {
  if (NeedStr(op, "PyUnicode_Substring") == nullptr) return nullptr;
  if (start < 0 || end < 0) {
    ftrt::SetErrorString(PyExc_IndexError, "string index out of range");
    return nullptr;
  }
  Py_ssize_t n = ftrt::StrLength(op);
  if (end > n) end = n;
  if (start > end) start = end;
  const int kind = ftrt::StrKind(op);
  const char* data = static_cast<const char*>(ftrt::StrData(op)) + start * kind;
  return NewOrRaise(ftrt::StrFromKindAndData(kind, data, end - start));
}
PyObject* PyUnicode_Concat(PyObject* a, PyObject* b) {
  if (NeedStr(a, "PyUnicode_Concat") == nullptr || NeedStr(b, "PyUnicode_Concat") == nullptr) {
    return nullptr;
  }
  return NewOrRaise(ftrt::StrConcat(a, b));
}
int PyUnicode_Compare(PyObject* a, PyObject* b) {
  if (a == nullptr || b == nullptr || !ftrt::IsStr(a) || !ftrt::IsStr(b)) {
    ftrt::SetErrorString(PyExc_TypeError, "Can't compare non-str objects");
    return -1;
  }
  int c = ftrt::StrCompare(a, b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}
int PyUnicode_CompareWithASCIIString(PyObject* a, const char* s) {
  if (a == nullptr || s == nullptr || !ftrt::IsStr(a)) return -1;
  const Py_ssize_t n = ftrt::StrLength(a);
  for (Py_ssize_t i = 0;; ++i) {
    const Py_UCS4 ca = i < n ? ftrt::StrReadChar(a, i) : 0;
    const Py_UCS4 cb = static_cast<unsigned char>(s[i]);
    if (i >= n && cb == 0) return 0;
    if (i >= n) return -1;
    if (cb == 0) return 1;
    if (ca != cb) return ca < cb ? -1 : 1;
  }
}
int PyUnicode_EqualToUTF8AndSize(PyObject* a, const char* s, Py_ssize_t size) {
  if (a == nullptr || !ftrt::IsStr(a) || s == nullptr || size < 0) return 0;
  return ftrt::StrEqualsUtf8(a, absl::string_view(s, static_cast<size_t>(size))) ? 1 : 0;
}
int PyUnicode_EqualToUTF8(PyObject* a, const char* s) {
  if (s == nullptr) return 0;
  return PyUnicode_EqualToUTF8AndSize(a, s, static_cast<Py_ssize_t>(std::strlen(s)));
}
// Interning (object/intern.h): one canonical, immortal str per text, as in
// CPython 3.13t, where every interned string is immortal. An extension that
// keeps names in static variables keeps immortal objects, which
// Py_FinalizeEx does not count as leaked.
PyObject* PyUnicode_InternFromString(const char* s) {
  if (s == nullptr) {
    ftrt::ext::internal::BadCall("PyUnicode_InternFromString");
    return nullptr;
  }
  return ftrt::InternFromString(s);  // immortal: the reference needs no count
}
// Replaces *p by the interned str equal to it (dropping the reference to
// *p). A str subclass instance is left as it is, as in CPython; so is *p
// if interning fails (the error is cleared: the function cannot report it).
void PyUnicode_InternInPlace(PyObject** p) {
  if (p == nullptr || *p == nullptr || !ftrt::IsStrExact(*p)) return;
  PyObject* interned = ftrt::InternStr(*p);
  if (interned == nullptr) {
    ftrt::ClearError();
    return;
  }
  if (interned != *p) {
    ftrt::Decref(*p);
    *p = interned;
  }
}

// PyUnicode_FromFormat / PyUnicode_FromFormatV: capi_fromformat.cc.

// ---- bytes -----------------------------------------------------------------

PyObject* PyBytes_FromStringAndSize(const char* s, Py_ssize_t size) {
  if (size < 0) {
    ftrt::SetErrorString(PyExc_SystemError,
                         "Negative size passed to PyBytes_FromStringAndSize");
    return nullptr;
  }
  if (s == nullptr) return NewOrRaise(ftrt::BytesNew(size));
  return NewOrRaise(ftrt::BytesFromData(absl::string_view(s, static_cast<size_t>(size))));
}
PyObject* PyBytes_FromString(const char* s) {
  if (s == nullptr) {
    BadCall("PyBytes_FromString");
    return nullptr;
  }
  return NewOrRaise(ftrt::BytesFromData(s));
}
Py_ssize_t PyBytes_Size(PyObject* op) {
  if (op == nullptr || !ftrt::IsBytes(op)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "expected bytes, %s found",
                         op == nullptr ? "NULL" : op->ob_type->tp_name);
    return -1;
  }
  return ftrt::BytesSize(op);
}
char* PyBytes_AsString(PyObject* op) {
  if (PyBytes_Size(op) < 0) return nullptr;
  return ftrt::BytesData(op);
}
int PyBytes_AsStringAndSize(PyObject* op, char** buffer, Py_ssize_t* length) {
  if (buffer == nullptr) {
    BadCall("PyBytes_AsStringAndSize");
    return -1;
  }
  Py_ssize_t n = PyBytes_Size(op);
  if (n < 0) return -1;
  *buffer = ftrt::BytesData(op);
  if (length != nullptr) {
    *length = n;
  } else if (std::strlen(*buffer) != static_cast<size_t>(n)) {
    ftrt::SetErrorString(PyExc_ValueError, "embedded null byte");
    return -1;
  }
  return 0;
}
void PyBytes_Concat(PyObject** pv, PyObject* w) {
  if (pv == nullptr) return;
  if (*pv == nullptr) return;
  if (w == nullptr || !ftrt::IsBytes(*pv) || !ftrt::IsBytes(w)) {
    ftrt::SetErrorString(PyExc_TypeError, "can't concat bytes");
    ftrt::Ref<>::Steal(*pv).Reset();
    *pv = nullptr;
    return;
  }
  std::string s(ftrt::BytesData(*pv), static_cast<size_t>(ftrt::BytesSize(*pv)));
  s.append(ftrt::BytesData(w), static_cast<size_t>(ftrt::BytesSize(w)));
  PyObject* r = NewOrRaise(ftrt::BytesFromData(s));
  ftrt::Decref(*pv);
  *pv = r;
}
void PyBytes_ConcatAndDel(PyObject** pv, PyObject* w) {
  PyBytes_Concat(pv, w);
  if (w != nullptr) ftrt::Decref(w);
}
int _PyBytes_Resize(PyObject** pv, Py_ssize_t newsize) {
  if (pv == nullptr || *pv == nullptr || !ftrt::IsBytes(*pv) || newsize < 0) {
    if (pv != nullptr && *pv != nullptr) {
      ftrt::Decref(*pv);
      *pv = nullptr;
    }
    BadCall("_PyBytes_Resize");
    return -1;
  }
  PyObject* old = *pv;
  auto r = ftrt::BytesNew(newsize);
  if (!r.ok()) {
    ftrt::Decref(old);
    *pv = nullptr;
    RaiseStatus(r.status());
    return -1;
  }
  Py_ssize_t n = std::min(newsize, ftrt::BytesSize(old));
  std::memcpy(ftrt::BytesData(r->get()), ftrt::BytesData(old), static_cast<size_t>(n));
  ftrt::Decref(old);
  *pv = std::move(*r).Release();
  return 0;
}
// CPython 3.13's sources of bytes(x): bytes itself; the bytes of a buffer
// exporter (a C-contiguous buffer: a strided one is BufferError here, where
// CPython would copy it); the ints of a list, tuple or other iterable
// (ValueError "bytes must be in range(0, 256)"; an item that is not an int
// is TypeError "'str' object cannot be interpreted as an integer"). A str,
// or anything else, is TypeError "cannot convert 'str' object to bytes".
PyObject* PyBytes_FromObject(PyObject* op) {
  if (op == nullptr) {
    BadCall("PyBytes_FromObject");
    return nullptr;
  }
  if (op->ob_type == ftrt::BytesType()) {
    ftrt::Incref(op);
    return op;
  }
  if (op->ob_type->tp_as_buffer != nullptr && op->ob_type->tp_as_buffer->bf_getbuffer != nullptr) {
    std::string data;
    if (!ftrt::CopyBytesLike(op, &data)) return nullptr;
    return NewOrRaise(ftrt::BytesFromData(data));
  }
  if (ftrt::IsStr(op) || (op->ob_type->tp_iter == nullptr && PySequence_Check(op) == 0)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "cannot convert '%s' object to bytes",
                         op->ob_type->tp_name);
    return nullptr;
  }
  PyObject* it = PyObject_GetIter(op);
  if (it == nullptr) return nullptr;
  std::string data;
  while (PyObject* item = PyIter_Next(it)) {
    const Py_ssize_t v = PyNumber_AsSsize_t(item, nullptr);
    ftrt::Decref(item);
    if (v == -1 && ftrt::HasError()) {
      ftrt::Decref(it);
      return nullptr;
    }
    if (v < 0 || v > 255) {
      ftrt::Decref(it);
      ftrt::SetErrorString(PyExc_ValueError, "bytes must be in range(0, 256)");
      return nullptr;
    }
    data.push_back(static_cast<char>(v));
  }
  ftrt::Decref(it);
  if (PyErr_Occurred()) return nullptr;
  return NewOrRaise(ftrt::BytesFromData(data));
}

// sep.join(x) for bytes (CPython's exported _PyBytes_Join, which
// pythoncapi_compat.h calls): the items of the iterable x, each a
// bytes-like object, with the bytes-like sep between them. TypeError "can
// only join an iterable" or "sequence item 1: expected a bytes-like
// object, int found", as CPython's.
PyObject* _PyBytes_Join(PyObject* sep, PyObject* x) {
  if (sep == nullptr || x == nullptr) {
    BadCall("_PyBytes_Join");
    return nullptr;
  }
  std::string separator;
  if (!ftrt::CopyBytesLike(sep, &separator)) return nullptr;
  return ftrt::BytesJoinIterable(separator, x).Release();
}

// ---- tuple -----------------------------------------------------------------

PyObject* PyTuple_New(Py_ssize_t size) {
  if (size < 0) {
    BadCall("PyTuple_New");
    return nullptr;
  }
  return NewOrRaise(ftrt::TupleNew(size));
}
Py_ssize_t PyTuple_Size(PyObject* op) {
  if (!NeedTuple(op, "PyTuple_Size")) return -1;
  return ftrt::TupleSize(op);
}
PyObject* PyTuple_GetItem(PyObject* op, Py_ssize_t i) {
  if (!NeedTuple(op, "PyTuple_GetItem")) return nullptr;
  if (i < 0 || i >= ftrt::TupleSize(op)) {
    ftrt::SetErrorString(PyExc_IndexError, "tuple index out of range");
    return nullptr;
  }
  return ftrt::TupleItem(op, i);
}
int PyTuple_SetItem(PyObject* op, Py_ssize_t i, PyObject* item) {
  if (op == nullptr || !ftrt::IsTuple(op)) {
    if (item != nullptr) ftrt::Decref(item);
    BadCall("PyTuple_SetItem");
    return -1;
  }
  if (i < 0 || i >= ftrt::TupleSize(op)) {
    if (item != nullptr) ftrt::Decref(item);
    ftrt::SetErrorString(PyExc_IndexError, "tuple assignment index out of range");
    return -1;
  }
  PyObject** slot = &reinterpret_cast<PyTupleObject*>(op)->ob_item[i];
  PyObject* old = *slot;
  *slot = item;
  if (old != nullptr) ftrt::Decref(old);
  return 0;
}
PyObject* PyTuple_GetSlice(PyObject* op, Py_ssize_t lo, Py_ssize_t hi) {
  if (!NeedTuple(op, "PyTuple_GetSlice")) return nullptr;
  const Py_ssize_t n = ftrt::TupleSize(op);
  if (lo < 0) lo = 0;
  if (hi > n) hi = n;
  if (hi < lo) hi = lo;
  return NewOrRaise(ftrt::TupleFromItems(ftrt::TupleItems(op).subspan(
      static_cast<size_t>(lo), static_cast<size_t>(hi - lo))));
}
PyObject* PyTuple_Pack(Py_ssize_t n, ...) {
  if (n < 0) {
    BadCall("PyTuple_Pack");
    return nullptr;
  }
  auto t = ftrt::TupleNew(n);
  if (!t.ok()) {
    RaiseStatus(t.status());
    return nullptr;
  }
  va_list ap;
  va_start(ap, n);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = va_arg(ap, PyObject*);
    if (item == nullptr) {
      va_end(ap);
      BadCall("PyTuple_Pack");
      return nullptr;
    }
    ftrt::TupleInitItem(t->get(), i, ftrt::Ref<>::NewRef(item));
  }
  va_end(ap);
  return std::move(*t).Release();
}
int _PyTuple_Resize(PyObject** pv, Py_ssize_t newsize) {
  if (pv == nullptr || *pv == nullptr || !ftrt::IsTuple(*pv) || newsize < 0) {
    if (pv != nullptr && *pv != nullptr) {
      ftrt::Decref(*pv);
      *pv = nullptr;
    }
    BadCall("_PyTuple_Resize");
    return -1;
  }
  PyObject* old = *pv;
  auto r = ftrt::TupleNew(newsize);
  if (!r.ok()) {
    ftrt::Decref(old);
    *pv = nullptr;
    RaiseStatus(r.status());
    return -1;
  }
  const Py_ssize_t n = std::min(newsize, ftrt::TupleSize(old));
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = ftrt::TupleItem(old, i);
    if (item != nullptr) ftrt::TupleInitItem(r->get(), i, ftrt::Ref<>::NewRef(item));
  }
  ftrt::Decref(old);
  *pv = std::move(*r).Release();
  return 0;
}

// ---- list ------------------------------------------------------------------

PyObject* PyList_New(Py_ssize_t size) {
  if (size < 0) {
    BadCall("PyList_New");
    return nullptr;
  }
  auto l = ftrt::ListNew();
  if (!l.ok()) {
    RaiseStatus(l.status());
    return nullptr;
  }
  // CPython's PyList_New(n) makes n NULL slots for PyList_SET_ITEM; here
  // they hold None until set (PyList_SET_ITEM then overwrites without a
  // decref, leaking nothing since None is immortal).
  for (Py_ssize_t i = 0; i < size; ++i) {
    if (StatusToInt(ftrt::ListAppend(l->get(), ftrt::None())) < 0) return nullptr;
  }
  return std::move(*l).Release();
}
Py_ssize_t PyList_Size(PyObject* op) {
  if (!NeedList(op, "PyList_Size")) return -1;
  return ftrt::ListSize(op);
}
PyObject* PyList_GetItemRef(PyObject* op, Py_ssize_t i) {
  if (op == nullptr || !ftrt::IsList(op)) {
    ftrt::SetErrorString(PyExc_TypeError, "expected a list");
    return nullptr;
  }
  return NewOrRaise(ftrt::ListGetItemRef(op, i));
}
PyObject* PyList_GetItem(PyObject* op, Py_ssize_t i) {
  if (!NeedList(op, "PyList_GetItem")) return nullptr;
  PyListObject* l = reinterpret_cast<PyListObject*>(op);
  if (i < 0 || i >= ftrt::ListSize(op)) {
    ftrt::SetErrorString(PyExc_IndexError, "list index out of range");
    return nullptr;
  }
  return l->ob_item[i];  // borrowed: see listobject.h
}
int PyList_SetItem(PyObject* op, Py_ssize_t i, PyObject* item) {
  ftrt::Ref<> owned = ftrt::Ref<>::Steal(item);
  if (!NeedList(op, "PyList_SetItem")) return -1;
  if (i < 0 || i >= ftrt::ListSize(op)) {
    ftrt::SetErrorString(PyExc_IndexError, "list assignment index out of range");
    return -1;
  }
  return StatusToInt(ftrt::ListSetItem(op, i, item == nullptr ? ftrt::None() : item));
}
int PyList_Insert(PyObject* op, Py_ssize_t i, PyObject* item) {
  if (!NeedList(op, "PyList_Insert") || item == nullptr) {
    if (item == nullptr) BadCall("PyList_Insert");
    return -1;
  }
  return StatusToInt(ftrt::ListInsert(op, i, item));
}
int PyList_Append(PyObject* op, PyObject* item) {
  if (!NeedList(op, "PyList_Append") || item == nullptr) {
    if (item == nullptr && op != nullptr && ftrt::IsList(op)) BadCall("PyList_Append");
    return -1;
  }
  return StatusToInt(ftrt::ListAppend(op, item));
}
PyObject* PyList_GetSlice(PyObject* op, Py_ssize_t lo, Py_ssize_t hi) {
  if (!NeedList(op, "PyList_GetSlice")) return nullptr;
  return NewOrRaise(ftrt::ListGetSlice(op, lo, hi));
}
int PyList_SetSlice(PyObject* op, Py_ssize_t lo, Py_ssize_t hi, PyObject* items) {
  if (!NeedList(op, "PyList_SetSlice")) return -1;
  return StatusToInt(ftrt::ListSetSlice(op, lo, hi, items));
}
int PyList_Extend(PyObject* op, PyObject* items) {
  if (!NeedList(op, "PyList_Extend") || items == nullptr) {
    if (items == nullptr) BadCall("PyList_Extend");
    return -1;
  }
  return StatusToInt(ftrt::ListExtend(op, items));
}
int PyList_Clear(PyObject* op) {
  if (!NeedList(op, "PyList_Clear")) return -1;
  return StatusToInt(ftrt::ListClear(op));
}
int PyList_Sort(PyObject* op) {
  if (!NeedList(op, "PyList_Sort")) return -1;
  return StatusToInt(ftrt::ListSort(op));
}
int PyList_Reverse(PyObject* op) {
  if (!NeedList(op, "PyList_Reverse")) return -1;
  return StatusToInt(ftrt::ListReverse(op));
}
PyObject* PyList_AsTuple(PyObject* op) {
  if (!NeedList(op, "PyList_AsTuple")) return nullptr;
  return NewOrRaise(ftrt::ListAsTuple(op));
}

// ---- dict ------------------------------------------------------------------

PyObject* PyDict_New(void) { return NewOrRaise(ftrt::DictNew()); }
Py_ssize_t PyDict_Size(PyObject* op) {
  if (!NeedDict(op, "PyDict_Size")) return -1;
  return ftrt::DictSize(op);
}
int PyDict_SetItem(PyObject* op, PyObject* key, PyObject* value) {
  if (!NeedDict(op, "PyDict_SetItem")) return -1;
  if (key == nullptr || value == nullptr) {
    BadCall("PyDict_SetItem");
    return -1;
  }
  return StatusToInt(ftrt::DictSetItem(op, key, value));
}
int PyDict_SetItemString(PyObject* op, const char* key, PyObject* value) {
  if (!NeedDict(op, "PyDict_SetItemString")) return -1;
  if (key == nullptr || value == nullptr) {
    BadCall("PyDict_SetItemString");
    return -1;
  }
  return StatusToInt(ftrt::DictSetItemString(op, key, value));
}
int PyDict_GetItemRef(PyObject* op, PyObject* key, PyObject** result) {
  if (result != nullptr) *result = nullptr;
  if (!NeedDict(op, "PyDict_GetItemRef")) return -1;
  if (key == nullptr || result == nullptr) {
    BadCall("PyDict_GetItemRef");
    return -1;
  }
  auto r = ftrt::DictGetItemRefOrNull(op, key);
  if (!r.ok()) {
    RaiseStatus(r.status());
    return -1;
  }
  *result = std::move(*r).Release();
  return *result != nullptr ? 1 : 0;
}
int PyDict_GetItemStringRef(PyObject* op, const char* key, PyObject** result) {
  if (result != nullptr) *result = nullptr;
  if (key == nullptr) {
    BadCall("PyDict_GetItemStringRef");
    return -1;
  }
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) return -1;
  int rc = PyDict_GetItemRef(op, k, result);
  ftrt::Decref(k);
  return rc;
}
// Borrowed: the value stays alive while the dict holds it (see
// dictobject.h for why this is unsafe with concurrent writers).
PyObject* PyDict_GetItemWithError(PyObject* op, PyObject* key) {
  PyObject* v = nullptr;
  if (PyDict_GetItemRef(op, key, &v) <= 0) return nullptr;
  ftrt::Decref(v);
  return v;
}
PyObject* PyDict_GetItem(PyObject* op, PyObject* key) {
  if (op == nullptr || key == nullptr || !ftrt::IsDict(op)) return nullptr;
  ftrt::Ref<> saved = ftrt::GetRaisedException();
  PyObject* v = PyDict_GetItemWithError(op, key);
  ftrt::ClearError();  // CPython's PyDict_GetItem suppresses errors
  if (saved) ftrt::SetRaisedException(std::move(saved));
  return v;
}
PyObject* PyDict_GetItemString(PyObject* op, const char* key) {
  if (key == nullptr) return nullptr;
  ftrt::Ref<> saved = ftrt::GetRaisedException();
  PyObject* k = PyUnicode_FromString(key);
  PyObject* v = k == nullptr ? nullptr : PyDict_GetItem(op, k);
  if (k != nullptr) ftrt::Decref(k);
  ftrt::ClearError();
  if (saved) ftrt::SetRaisedException(std::move(saved));
  return v;
}
int PyDict_DelItem(PyObject* op, PyObject* key) {
  if (!NeedDict(op, "PyDict_DelItem")) return -1;
  if (key == nullptr) {
    BadCall("PyDict_DelItem");
    return -1;
  }
  // KeyError(key) for an absent key, as CPython's; an error from the
  // key's __hash__ or __eq__ passes as it is.
  absl::StatusOr<ftrt::Ref<>> removed = ftrt::DictPopOrNull(op, key);
  if (!removed.ok()) {
    RaiseStatus(removed.status());
    return -1;
  }
  if (!*removed) {
    ftrt::SetKeyError(key);
    return -1;
  }
  return 0;
}
int PyDict_MergeFromSeq2(PyObject* d, PyObject* seq2, int override) {
  if (!NeedDict(d, "PyDict_MergeFromSeq2")) return -1;
  if (seq2 == nullptr) {
    BadCall("PyDict_MergeFromSeq2");
    return -1;
  }
  return ftrt::DictMergeFromSeq2(d, seq2, override != 0);
}
int PyDict_DelItemString(PyObject* op, const char* key) {
  if (key == nullptr) {
    BadCall("PyDict_DelItemString");
    return -1;
  }
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) return -1;
  int rc = PyDict_DelItem(op, k);
  ftrt::Decref(k);
  return rc;
}
int PyDict_Contains(PyObject* op, PyObject* key) {
  if (!NeedDict(op, "PyDict_Contains")) return -1;
  if (key == nullptr) {
    BadCall("PyDict_Contains");
    return -1;
  }
  auto r = ftrt::DictContains(op, key);
  if (!r.ok()) {
    RaiseStatus(r.status());
    return -1;
  }
  return *r ? 1 : 0;
}
int PyDict_ContainsString(PyObject* op, const char* key) {
  if (key == nullptr) {
    BadCall("PyDict_ContainsString");
    return -1;
  }
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) return -1;
  int rc = PyDict_Contains(op, k);
  ftrt::Decref(k);
  return rc;
}
void PyDict_Clear(PyObject* op) {
  if (op == nullptr || !ftrt::IsDict(op)) return;
  (void)StatusToInt(ftrt::DictClear(op));
}
// Borrowed key and value (see dictobject.h: call it inside the dict's
// critical section when others may write).
int PyDict_Next(PyObject* op, Py_ssize_t* pos, PyObject** pkey, PyObject** pvalue) {
  if (op == nullptr || !ftrt::IsDict(op) || pos == nullptr) return 0;
  ftrt::Ref<> k, v;
  if (!ftrt::DictNext(op, pos, &k, &v)) return 0;
  // The dict still holds both (the caller must not let it change).
  if (pkey != nullptr) *pkey = k.get();
  if (pvalue != nullptr) *pvalue = v.get();
  return 1;
}
int PyDict_SetDefaultRef(PyObject* op, PyObject* key, PyObject* default_value,
                         PyObject** result) {
  if (result != nullptr) *result = nullptr;
  if (!NeedDict(op, "PyDict_SetDefaultRef")) return -1;
  if (key == nullptr || default_value == nullptr) {
    BadCall("PyDict_SetDefaultRef");
    return -1;
  }
  auto had = ftrt::DictContains(op, key);
  if (!had.ok()) {
    RaiseStatus(had.status());
    return -1;
  }
  auto r = ftrt::DictSetDefault(op, key, default_value);
  if (!r.ok()) {
    RaiseStatus(r.status());
    return -1;
  }
  if (result != nullptr) *result = std::move(*r).Release();
  return *had ? 1 : 0;
}
PyObject* PyDict_SetDefault(PyObject* op, PyObject* key, PyObject* default_value) {
  PyObject* r = nullptr;
  if (PyDict_SetDefaultRef(op, key, default_value, &r) < 0) return nullptr;
  ftrt::Decref(r);  // borrowed, as CPython's
  return r;
}
int PyDict_Pop(PyObject* op, PyObject* key, PyObject** result) {
  if (result != nullptr) *result = nullptr;
  if (!NeedDict(op, "PyDict_Pop")) return -1;
  if (key == nullptr) {
    BadCall("PyDict_Pop");
    return -1;
  }
  auto r = ftrt::DictPop(op, key);
  if (!r.ok()) {
    if (ftrt::IsError(r.status(), ftrt::ErrorKind::kKeyError)) return 0;
    RaiseStatus(r.status());
    return -1;
  }
  if (result != nullptr) {
    *result = std::move(*r).Release();
  }
  return 1;
}
int PyDict_PopString(PyObject* op, const char* key, PyObject** result) {
  if (result != nullptr) *result = nullptr;
  if (key == nullptr) {
    BadCall("PyDict_PopString");
    return -1;
  }
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) return -1;
  int rc = PyDict_Pop(op, k, result);
  ftrt::Decref(k);
  return rc;
}
PyObject* PyDict_Copy(PyObject* op) {
  if (!NeedDict(op, "PyDict_Copy")) return nullptr;
  auto items = ftrt::DictItems(op);
  if (!items.ok()) {
    RaiseStatus(items.status());
    return nullptr;
  }
  PyObject* d = PyDict_New();
  if (d == nullptr) return nullptr;
  for (auto& [k, v] : *items) {
    if (PyDict_SetItem(d, k.get(), v.get()) < 0) {
      ftrt::Decref(d);
      return nullptr;
    }
  }
  return d;
}
int PyDict_Merge(PyObject* a, PyObject* b, int override) {
  if (!NeedDict(a, "PyDict_Merge") || !NeedDict(b, "PyDict_Merge")) return -1;
  auto items = ftrt::DictItems(b);
  if (!items.ok()) {
    RaiseStatus(items.status());
    return -1;
  }
  for (auto& [k, v] : *items) {
    if (!override) {
      int c = PyDict_Contains(a, k.get());
      if (c < 0) return -1;
      if (c) continue;
    }
    if (PyDict_SetItem(a, k.get(), v.get()) < 0) return -1;
  }
  return 0;
}
int PyDict_Update(PyObject* a, PyObject* b) { return PyDict_Merge(a, b, 1); }

static PyObject* DictList(PyObject* op, int which) {
  if (!NeedDict(op, "PyDict_Keys")) return nullptr;
  auto items = ftrt::DictItems(op);
  if (!items.ok()) {
    RaiseStatus(items.status());
    return nullptr;
  }
  PyObject* l = PyList_New(0);
  if (l == nullptr) return nullptr;
  for (auto& [k, v] : *items) {
    PyObject* item;
    if (which == 0) {
      item = ftrt::Ref<>::NewRef(k.get()).Release();
    } else if (which == 1) {
      item = ftrt::Ref<>::NewRef(v.get()).Release();
    } else {
      item = PyTuple_Pack(2, k.get(), v.get());
    }
    if (item == nullptr || PyList_Append(l, item) < 0) {
      if (item != nullptr) ftrt::Decref(item);
      ftrt::Decref(l);
      return nullptr;
    }
    ftrt::Decref(item);
  }
  return l;
}
PyObject* PyDict_Keys(PyObject* op) { return DictList(op, 0); }
PyObject* PyDict_Values(PyObject* op) { return DictList(op, 1); }
PyObject* PyDict_Items(PyObject* op) { return DictList(op, 2); }

// ---- wide characters (wchar_t is UCS-4 here) ---------------------------------

PyObject* PyUnicode_FromWideChar(const wchar_t* w, Py_ssize_t size) {
  if (w == nullptr && size != 0) {
    BadCall("PyUnicode_FromWideChar");
    return nullptr;
  }
  if (size < 0) size = w == nullptr ? 0 : static_cast<Py_ssize_t>(std::wcslen(w));
  static_assert(sizeof(wchar_t) == sizeof(Py_UCS4));
  return NewOrRaise(ftrt::StrFromCodePoints(absl::Span<const Py_UCS4>(
      reinterpret_cast<const Py_UCS4*>(w), static_cast<size_t>(size))));
}
Py_ssize_t PyUnicode_AsWideChar(PyObject* op, wchar_t* w, Py_ssize_t size) {
  if (NeedStr(op, "PyUnicode_AsWideChar") == nullptr) return -1;
  const Py_ssize_t n = ftrt::StrLength(op);
  if (w == nullptr) return n + 1;
  Py_ssize_t i = 0;
  for (; i < n && i < size; ++i) w[i] = static_cast<wchar_t>(ftrt::StrReadChar(op, i));
  if (i < size) w[i] = 0;
  return i;
}
wchar_t* PyUnicode_AsWideCharString(PyObject* op, Py_ssize_t* size) {
  if (NeedStr(op, "PyUnicode_AsWideCharString") == nullptr) return nullptr;
  const Py_ssize_t n = ftrt::StrLength(op);
  auto* w = static_cast<wchar_t*>(std::malloc(sizeof(wchar_t) * static_cast<size_t>(n + 1)));
  if (w == nullptr) {
    ftrt::NoMemory();
    return nullptr;
  }
  for (Py_ssize_t i = 0; i < n; ++i) {
    w[i] = static_cast<wchar_t>(ftrt::StrReadChar(op, i));
    if (size == nullptr && w[i] == 0) {
      std::free(w);
      ftrt::SetErrorString(PyExc_ValueError, "embedded null character");
      return nullptr;
    }
  }
  w[n] = 0;
  if (size != nullptr) *size = n;
  return w;  // freed with PyMem_Free (malloc-backed)
}

// PyBytes_FromFormat: C printf semantics (a subset of CPython's).
PyObject* PyBytes_FromFormatV(const char* format, va_list vargs) {
  if (format == nullptr) {
    BadCall("PyBytes_FromFormatV");
    return nullptr;
  }
  va_list ap;
  va_copy(ap, vargs);
  const int n = std::vsnprintf(nullptr, 0, format, ap);
  va_end(ap);
  if (n < 0) {
    ftrt::SetErrorString(PyExc_SystemError, "PyBytes_FromFormatV: bad format");
    return nullptr;
  }
  std::string out(static_cast<size_t>(n) + 1, '\0');
  va_copy(ap, vargs);
  std::vsnprintf(out.data(), out.size(), format, ap);
  va_end(ap);
  out.resize(static_cast<size_t>(n));
  return NewOrRaise(ftrt::BytesFromData(out));
}
PyObject* PyBytes_FromFormat(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  PyObject* r = PyBytes_FromFormatV(format, ap);
  va_end(ap);
  return r;
}

}  // extern "C"
