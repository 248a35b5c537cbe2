// libftrt.so: calling the scalar built-in types, int(x, base), float(x),
// str(object, encoding, errors) and bool(x), as their tp_new slots.
//
// Extensions call the types directly, not only the conversion functions:
// PyObject_CallOneArg((PyObject*)&PyLong_Type, obj) to normalise an int
// subclass, a parse_int / parse_float hook that is the type itself
// (simplejson's scanner calls it on each number's text), PyObject_Call
// (&PyUnicode_Type, args, kw) to decode. object/'s protocol (call.h) runs
// a type's tp_new then its tp_init; these types had no tp_new, so the call
// failed with "cannot create 'int' instances". Installed once per process
// by Py_Initialize / EmbedRuntime (InstallScalarTypeNew), over the C API's
// own conversions (PyNumber_Long, PyNumber_Float, PyObject_Str,
// PyUnicode_FromEncodedObject, PyObject_IsTrue), so each call gives what
// that function gives.
//
// Argument parsing follows CPython 3.13's signatures: int(x=0, /,
// base=10), float(x=0.0, /), bool(x=False, /), str(object='',
// encoding='utf-8', errors='strict'), bytes(source=b'', encoding,
// errors), with CPython's TypeError texts.
// The text forms follow Python's literal syntax (CPython's
// PyLong_FromUnicodeObject / float_from_string): surrounding whitespace,
// a sign, '_' between digits, base 0 taking the 0x/0o/0b prefix and
// refusing leading zeros, a matching prefix allowed in base 16/8/2;
// "invalid literal for int() with base 10: '12a'" with the argument's
// repr; a literal past 64 bits is a big int (object/int.h), and more than
// 4300 decimal digits a ValueError, as in CPython. Known difference: only
// ASCII digits are read (CPython also takes other Unicode decimals).
//
// Subclasses: calling a subclass of int, float, str or bytes (a C
// extension's type with tp_base = &PyLong_Type & co., or a heap subclass,
// which inherits tp_new) makes the exact value as above, then an instance
// of the subclass holding a copy of it (object/'s *SubtypeCopy: str's in
// the non-compact form, whose characters live in a block of their own),
// as CPython's long_subtype_new & co.; the subclass's tp_init runs next.
// bool cannot be subclassed; its tp_new returns the singletons.
//
// Thread safety: the slots keep no state; each call only reads its
// arguments (immutable scalars, or objects read through the C API's own
// synchronised paths).
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ext_abi/capi_internal.h"
#include "object/bytes.h"
#include "object/error_indicator.h"
#include "object/float.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/none_bool.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "object/type_cache.h"

extern "C" {
PyObject* PyNumber_Long(PyObject* o);
PyObject* PyNumber_Float(PyObject* o);
PyObject* PyObject_Str(PyObject* o);
PyObject* PyObject_Repr(PyObject* o);
int PyObject_IsTrue(PyObject* o);
PyObject* PyUnicode_FromEncodedObject(PyObject* obj, const char* encoding, const char* errors);
const char* PyUnicode_AsUTF8AndSize(PyObject* unicode, Py_ssize_t* size);
int PyObject_GetBuffer(PyObject* obj, Py_buffer* view, int flags);
void PyBuffer_Release(Py_buffer* view);
int PyDict_Next(PyObject* dict, Py_ssize_t* pos, PyObject** key, PyObject** value);
Py_ssize_t PyDict_Size(PyObject* dict);
PyObject* PyFloat_FromDouble(double v);
double PyOS_string_to_double(const char* str, char** endptr, PyObject* overflow_exception);
PyObject* PyNumber_Index(PyObject* o);
PyObject* PyObject_Bytes(PyObject* o);
PyObject* PyBytes_FromStringAndSize(const char* s, Py_ssize_t size);
char* PyBytes_AsString(PyObject* op);
PyObject* PyUnicode_AsEncodedString(PyObject* unicode, const char* encoding, const char* errors);
}

namespace {

using ftrt::ext::internal::NewOrRaise;

// ---- arguments --------------------------------------------------------------

// A call's arguments laid out by a signature: `names` are the parameters
// in order, the first `posonly` positional-only; out[i] is the argument
// for names[i] (borrowed) or null when not given. False with CPython's
// TypeError: too many positional arguments ("int expected at most 2
// arguments, got 3", or "... takes at most 2 arguments (3 given)" when
// keywords are also passed), an unknown or positional-only keyword, or a
// parameter given both ways.
bool Unpack(const char* fname, PyObject* args, PyObject* kwargs, const char* const* names,
            int nparams, int posonly, PyObject** out) {
  for (int i = 0; i < nparams; ++i) out[i] = nullptr;
  const Py_ssize_t npos = args != nullptr ? ftrt::TupleSize(args) : 0;
  const Py_ssize_t nkw = kwargs != nullptr ? PyDict_Size(kwargs) : 0;
  if (nkw > 0 && posonly == nparams) {
    ftrt::SetErrorFormat(PyExc_TypeError, "%s() takes no keyword arguments", fname);
    return false;
  }
  if (npos + nkw > nparams && nkw > 0) {
    ftrt::SetErrorFormat(PyExc_TypeError, "%s() takes at most %d arguments (%d given)", fname,
                         static_cast<int64_t>(nparams), static_cast<int64_t>(npos + nkw));
    return false;
  }
  if (npos > nparams) {
    ftrt::SetErrorFormat(PyExc_TypeError, "%s expected at most %d argument%s, got %d", fname,
                         static_cast<int64_t>(nparams), nparams == 1 ? "" : "s",
                         static_cast<int64_t>(npos));
    return false;
  }
  for (Py_ssize_t i = 0; i < npos; ++i) out[i] = ftrt::TupleItem(args, i);
  Py_ssize_t pos = 0;
  PyObject* key;
  PyObject* value;
  while (nkw > 0 && PyDict_Next(kwargs, &pos, &key, &value)) {
    const char* k = ftrt::IsStr(key) ? PyUnicode_AsUTF8AndSize(key, nullptr) : nullptr;
    int found = -1;
    for (int i = posonly; k != nullptr && i < nparams; ++i) {
      if (std::strcmp(k, names[i]) == 0) found = i;
    }
    if (found < 0) {
      if (k == nullptr) {
        ftrt::ClearError();
        ftrt::SetErrorString(PyExc_TypeError, "keywords must be strings");
      } else {
        ftrt::SetErrorFormat(PyExc_TypeError, "%s() got an unexpected keyword argument '%s'", fname,
                             k);
      }
      return false;
    }
    if (out[found] != nullptr) {
      ftrt::SetErrorFormat(PyExc_TypeError,
                           "argument for %s() given by name ('%s') and position (%d)", fname,
                           names[found], static_cast<int64_t>(found + 1));
      return false;
    }
    out[found] = value;
  }
  return true;
}

// For a subclass `type` of `exact`: the exact value `new_exact` makes
// from the same arguments, copied into an instance of `type` by `copy`.
PyObject* SubtypeNew(PyTypeObject* type, PyTypeObject* exact, newfunc new_exact, PyObject* args,
                     PyObject* kwargs,
                     absl::StatusOr<ftrt::Ref<>> (*copy)(PyTypeObject*, const PyObject*)) {
  if (!ftrt::TypeIsSubtype(type, exact)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "%s.__new__(%s): %s is not a subtype of %s",
                         exact->tp_name, type->tp_name, type->tp_name, exact->tp_name);
    return nullptr;
  }
  ftrt::Ref<> value = ftrt::Ref<>::Steal(new_exact(exact, args, kwargs));
  if (!value) return nullptr;
  return NewOrRaise(copy(type, value.get()));
}

// ---- int --------------------------------------------------------------------

bool IsSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// int(text, base) for a str or bytes-like `x`.
PyObject* IntFromText(PyObject* x, int base) {
  std::string text;
  if (ftrt::IsStr(x)) {
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(x, &size);
    if (utf8 == nullptr) return nullptr;
    text.assign(utf8, static_cast<size_t>(size));
  } else {
    Py_buffer view;
    if (PyObject_GetBuffer(x, &view, 0) < 0) return nullptr;
    text.assign(static_cast<const char*>(view.buf), static_cast<size_t>(view.len));
    PyBuffer_Release(&view);
  }
  bool syntax_error = false;
  absl::StatusOr<ftrt::Ref<>> value = ftrt::IntFromLiteral(text, base, &syntax_error);
  if (!syntax_error) return NewOrRaise(std::move(value));
  ftrt::Ref<> repr = ftrt::Ref<>::Steal(PyObject_Repr(x));
  if (!repr) return nullptr;
  ftrt::SetErrorFormat(PyExc_ValueError, "invalid literal for int() with base %d: %.200s",
                       static_cast<int64_t>(base), PyUnicode_AsUTF8AndSize(repr.get(), nullptr));
  return nullptr;
}

bool IsBytesLike(PyObject* x) {
  return ftrt::IsBytes(x) ||
         (x->ob_type->tp_as_buffer != nullptr && x->ob_type->tp_as_buffer->bf_getbuffer != nullptr);
}

PyObject* IntTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  if (type != ftrt::IntType()) {
    return SubtypeNew(type, ftrt::IntType(), IntTpNew, args, kwargs, ftrt::IntSubtypeCopy);
  }
  static const char* const kNames[] = {"x", "base"};
  PyObject* a[2];
  if (!Unpack("int", args, kwargs, kNames, 2, 1, a)) return nullptr;
  PyObject* x = a[0];
  if (a[1] == nullptr) {
    if (x == nullptr) return ftrt::Ref<>::NewRef(ftrt::SmallInt(0)).Release();
    // Text (str, bytes, bytearray, ...) in base 10; anything else by
    // its __int__ / __index__ / __trunc__.
    if (ftrt::IsStr(x) || IsBytesLike(x)) return IntFromText(x, 10);
    return PyNumber_Long(x);
  }
  if (x == nullptr) {
    ftrt::SetErrorString(PyExc_TypeError, "int() missing string argument");
    return nullptr;
  }
  ftrt::Ref<> index = ftrt::Ref<>::Steal(PyNumber_Index(a[1]));
  if (!index) return nullptr;
  const int64_t base = ftrt::IntClampedValue(index.get());
  if ((base != 0 && base < 2) || base > 36) {
    ftrt::SetErrorString(PyExc_ValueError, "int() base must be >= 2 and <= 36, or 0");
    return nullptr;
  }
  if (!ftrt::IsStr(x) && !IsBytesLike(x)) {
    ftrt::SetErrorString(PyExc_TypeError, "int() can't convert non-string with explicit base");
    return nullptr;
  }
  return IntFromText(x, static_cast<int>(base));
}

// ---- float ------------------------------------------------------------------

// The text of a str or bytes-like object, or false with TypeError
// "float() argument must be a string or a real number, not 'X'" (or the
// buffer's own error).
bool TextOf(PyObject* x, std::string* text) {
  if (ftrt::IsStr(x)) {
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(x, &size);
    if (utf8 == nullptr) return false;
    text->assign(utf8, static_cast<size_t>(size));
    return true;
  }
  if (!IsBytesLike(x)) {
    ftrt::SetErrorFormat(PyExc_TypeError,
                         "float() argument must be a string or a real number, not '%s'",
                         x->ob_type->tp_name);
    return false;
  }
  Py_buffer view;
  if (PyObject_GetBuffer(x, &view, 0) < 0) return false;
  text->assign(static_cast<const char*>(view.buf), static_cast<size_t>(view.len));
  PyBuffer_Release(&view);
  return true;
}

// Python's float literal in `text` made C's: surrounding whitespace
// dropped and each '_' removed, which must sit between two digits.
// False if an '_' is misplaced or a NUL is inside.
bool CleanFloatText(const std::string& text, std::string* out) {
  size_t i = 0;
  size_t n = text.size();
  while (i < n && IsSpace(static_cast<unsigned char>(text[i]))) ++i;
  while (n > i && IsSpace(static_cast<unsigned char>(text[n - 1]))) --n;
  out->clear();
  for (size_t j = i; j < n; ++j) {
    const char c = text[j];
    if (c == '\0') return false;
    if (c == '_') {
      const bool between = j > i && j + 1 < n &&
                           std::isdigit(static_cast<unsigned char>(text[j - 1])) &&
                           std::isdigit(static_cast<unsigned char>(text[j + 1]));
      if (!between) return false;
      continue;
    }
    out->push_back(c);
  }
  return true;
}

PyObject* FloatTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  if (type != ftrt::FloatType()) {
    return SubtypeNew(type, ftrt::FloatType(), FloatTpNew, args, kwargs, ftrt::FloatSubtypeCopy);
  }
  static const char* const kNames[] = {"x"};
  PyObject* x;
  if (!Unpack("float", args, kwargs, kNames, 1, 1, &x)) return nullptr;
  if (x == nullptr) return PyFloat_FromDouble(0.0);
  return PyNumber_Float(x);
}

// ---- bool -------------------------------------------------------------------

PyObject* BoolTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  (void)type;
  static const char* const kNames[] = {"x"};
  PyObject* x;
  if (!Unpack("bool", args, kwargs, kNames, 1, 1, &x)) return nullptr;
  const int truth = x == nullptr ? 0 : PyObject_IsTrue(x);
  if (truth < 0) return nullptr;
  return ftrt::Ref<>::NewRef(ftrt::BoolFrom(truth != 0)).Release();
}

// ---- str --------------------------------------------------------------------

// A str argument's UTF-8 text, or null with CPython's TypeError
// "str() argument 'encoding' must be str, not int".
const char* StrArg(PyObject* v, const char* name, const char* fname = "str") {
  if (!ftrt::IsStr(v)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "%s() argument '%s' must be str, not %s", fname, name,
                         v->ob_type->tp_name);
    return nullptr;
  }
  return PyUnicode_AsUTF8AndSize(v, nullptr);
}

PyObject* StrTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  if (type != ftrt::StrType()) {
    return SubtypeNew(type, ftrt::StrType(), StrTpNew, args, kwargs, ftrt::StrSubtypeCopy);
  }
  static const char* const kNames[] = {"object", "encoding", "errors"};
  PyObject* a[3];
  if (!Unpack("str", args, kwargs, kNames, 3, 0, a)) return nullptr;
  if (a[1] == nullptr && a[2] == nullptr) {
    if (a[0] == nullptr) return ftrt::Ref<>::NewRef(ftrt::EmptyStr()).Release();
    return PyObject_Str(a[0]);
  }
  const char* encoding = nullptr;
  const char* errors = nullptr;
  if (a[1] != nullptr && (encoding = StrArg(a[1], "encoding")) == nullptr) return nullptr;
  if (a[2] != nullptr && (errors = StrArg(a[2], "errors")) == nullptr) return nullptr;
  if (a[0] == nullptr) return ftrt::Ref<>::NewRef(ftrt::EmptyStr()).Release();
  return PyUnicode_FromEncodedObject(a[0], encoding, errors);
}

// ---- bytes ------------------------------------------------------------------

// bytes(source=b'', encoding, errors): a str with an encoding is encoded;
// an object with __bytes__, a buffer or an iterable of ints goes through
// PyObject_Bytes; an integer (__index__, and no buffer) is that many zero
// bytes.
PyObject* BytesTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  if (type != ftrt::BytesType()) {
    return SubtypeNew(type, ftrt::BytesType(), BytesTpNew, args, kwargs, ftrt::BytesSubtypeCopy);
  }
  const Py_ssize_t npos = args != nullptr ? ftrt::TupleSize(args) : 0;
  const Py_ssize_t nkw = kwargs != nullptr ? PyDict_Size(kwargs) : 0;
  if (npos + nkw > 3) {
    ftrt::SetErrorFormat(PyExc_TypeError, "bytes() takes at most 3 arguments (%d given)",
                         static_cast<int64_t>(npos + nkw));
    return nullptr;
  }
  static const char* const kNames[] = {"source", "encoding", "errors"};
  PyObject* a[3];
  if (!Unpack("bytes", args, kwargs, kNames, 3, 0, a)) return nullptr;
  PyObject* x = a[0];
  if (a[1] != nullptr || a[2] != nullptr) {
    const char* encoding = nullptr;
    const char* errors = nullptr;
    if (a[1] != nullptr && (encoding = StrArg(a[1], "encoding", "bytes")) == nullptr) {
      return nullptr;
    }
    if (a[2] != nullptr && (errors = StrArg(a[2], "errors", "bytes")) == nullptr) return nullptr;
    if (x == nullptr || !ftrt::IsStr(x)) {
      ftrt::SetErrorString(PyExc_TypeError, encoding != nullptr
                                                ? "encoding without a string argument"
                                                : "errors without a string argument");
      return nullptr;
    }
    return PyUnicode_AsEncodedString(x, encoding != nullptr ? encoding : "utf-8", errors);
  }
  if (x == nullptr) return PyBytes_FromStringAndSize(nullptr, 0);
  if (ftrt::IsStr(x)) {
    ftrt::SetErrorString(PyExc_TypeError, "string argument without an encoding");
    return nullptr;
  }
  PyObject* name = ftrt::InternFromString("__bytes__");
  if (name == nullptr) return nullptr;
  const bool has_bytes_method = ftrt::TypeLookup(x->ob_type, name) != nullptr;
  if (!has_bytes_method && !IsBytesLike(x) && x->ob_type->tp_as_number != nullptr &&
      x->ob_type->tp_as_number->nb_index != nullptr) {
    ftrt::Ref<> index = ftrt::Ref<>::Steal(PyNumber_Index(x));
    if (!index) return nullptr;
    const int64_t n = ftrt::IntClampedValue(index.get());
    if (n < 0) {
      ftrt::SetErrorString(PyExc_ValueError, "negative count");
      return nullptr;
    }
    PyObject* out = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(n));
    if (out != nullptr) std::memset(PyBytes_AsString(out), 0, static_cast<size_t>(n));
    return out;
  }
  return PyObject_Bytes(x);
}

}  // namespace

namespace ftrt::ext::internal {

PyObject* FloatFromText(PyObject* x) {
  if (x == nullptr) {
    BadCall("PyFloat_FromString");
    return nullptr;
  }
  std::string text;
  if (!TextOf(x, &text)) return nullptr;
  std::string clean;
  if (CleanFloatText(text, &clean) && !clean.empty()) {
    // No overflow exception: a literal past the range is inf, as float().
    const double v = PyOS_string_to_double(clean.c_str(), nullptr, nullptr);
    if (!(v == -1.0 && ftrt::HasError())) return PyFloat_FromDouble(v);
    ftrt::ClearError();
  }
  ftrt::Ref<> repr = ftrt::Ref<>::Steal(PyObject_Repr(x));
  if (!repr) return nullptr;
  ftrt::SetErrorFormat(PyExc_ValueError, "could not convert string to float: %.200s",
                       PyUnicode_AsUTF8AndSize(repr.get(), nullptr));
  return nullptr;
}

void InstallScalarTypeNew() {
  struct {
    PyTypeObject* type;
    newfunc tp_new;
  } const kNew[] = {
      {ftrt::IntType(), IntTpNew}, {ftrt::FloatType(), FloatTpNew}, {ftrt::BoolType(), BoolTpNew},
      {ftrt::StrType(), StrTpNew}, {ftrt::BytesType(), BytesTpNew},
  };
  for (const auto& c : kNew) {
    if (c.type->tp_new == nullptr) c.type->tp_new = c.tp_new;
  }
}

}  // namespace ftrt::ext::internal
