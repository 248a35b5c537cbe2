// libftrt.so: argument parsing and value building (CPython's getargs.c and
// modsupport.c): PyArg_ParseTuple, PyArg_ParseTupleAndKeywords,
// PyArg_UnpackTuple, Py_BuildValue.
//
// Format units parsed: i b h l n L k K I H B d f p c C s s# s* z z# z* y
// y# y* w* U S O O! O& | $ : ; (the ones issue 10 names and their
// neighbours). The Py_buffer units (s* z* y* w*) take a buffer from the
// argument (PyObject_GetBuffer; a str gives its UTF-8 for s* and z*) that
// the caller releases with PyBuffer_Release; when a later argument fails,
// the buffers already taken are released before returning 0, as CPython's
// getargs.c does, so a failed call leaves no export behind. A format string is
// checked in full before any argument is converted or any output pointer
// read from the va_list: a bad one raises SystemError and returns 0, never
// a crash.
#include <cfloat>
#include <climits>
#include <cstdarg>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ext_abi/capi_internal.h"
#include "object/buffer.h"
#include "object/bytearray.h"
#include "object/bytes.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/float.h"
#include "object/int.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

using ftrt::Ref;

extern "C" {
int PyObject_IsTrue(PyObject* o);
const char* PyUnicode_AsUTF8AndSize(PyObject* op, Py_ssize_t* size);
int PyObject_GetBuffer(PyObject* o, Py_buffer* view, int flags);
void PyBuffer_Release(Py_buffer* view);
int PyBuffer_FillInfo(Py_buffer* view, PyObject* obj, void* buf, Py_ssize_t len, int readonly,
                      int flags);
PyObject* PyDict_GetItemString(PyObject* op, const char* key);
PyObject* PyNumber_Index(PyObject* o);
}

namespace {

struct Unit {
  char code = 0;      // i b h l n L k K I H B d f p c C s z y w U S O
  bool hash = false;  // s# z# y#
  bool star = false;  // s* z* y* w* (a Py_buffer)
  bool bang = false;  // O!
  bool amp = false;   // O&
};

struct Format {
  std::vector<Unit> units;
  int min_required = -1;  // index of '|' (units before it are required)
  int first_kwonly = -1;  // index of '$'
  std::string fname;      // after ':'
  std::string message;    // after ';'
};

// Parses a PyArg format; false with SystemError set on a bad one.
bool ParseFormat(const char* f, Format* out) {
  if (f == nullptr) {
    ftrt::SetErrorString(PyExc_SystemError, "PyArg_Parse: NULL format string");
    return false;
  }
  for (const char* p = f; *p != '\0'; ++p) {
    const char c = *p;
    if (c == ':') {
      out->fname = p + 1;
      break;
    }
    if (c == ';') {
      out->message = p + 1;
      break;
    }
    if (c == '|') {
      if (out->min_required >= 0) {
        ftrt::SetErrorString(PyExc_SystemError, "Invalid format string (| specified twice)");
        return false;
      }
      out->min_required = static_cast<int>(out->units.size());
      continue;
    }
    if (c == '$') {
      if (out->first_kwonly >= 0) {
        ftrt::SetErrorString(PyExc_SystemError, "Invalid format string ($ specified twice)");
        return false;
      }
      out->first_kwonly = static_cast<int>(out->units.size());
      continue;
    }
    Unit u;
    u.code = c;
    switch (c) {
      case 'i': case 'b': case 'h': case 'l': case 'n': case 'L': case 'k': case 'K':
      case 'I': case 'H': case 'B': case 'c': case 'C':
      case 'd': case 'f': case 'p': case 'U': case 'S':
        break;
      case 's': case 'z': case 'y':
        if (p[1] == '#') {
          u.hash = true;
          ++p;
        } else if (p[1] == '*') {
          u.star = true;
          ++p;
        }
        break;
      case 'w':
        if (p[1] != '*') {
          ftrt::SetErrorFormat(PyExc_SystemError, "bad format char 'w' (use w*) in '%s'", f);
          return false;
        }
        u.star = true;
        ++p;
        break;
      case 'O':
        if (p[1] == '!') {
          u.bang = true;
          ++p;
        } else if (p[1] == '&') {
          u.amp = true;
          ++p;
        }
        break;
      default:
        ftrt::SetErrorFormat(PyExc_SystemError, "bad format char '%c' in format string '%s'",
                             c, f);
        return false;
    }
    out->units.push_back(u);
  }
  if (out->first_kwonly >= 0 && out->min_required < 0) {
    ftrt::SetErrorString(PyExc_SystemError,
                         "Invalid format string ($ must come after |)");
    return false;
  }
  return true;
}

// The output pointers of one unit, taken from the va_list in order.
struct Outs {
  void* p0 = nullptr;
  void* p1 = nullptr;
};

std::vector<Outs> TakeOuts(const Format& fmt, va_list* ap) {
  std::vector<Outs> outs;
  outs.reserve(fmt.units.size());
  for (const Unit& u : fmt.units) {
    Outs o;
    if (u.bang || u.amp) {
      o.p1 = va_arg(*ap, void*);  // type, or converter
      o.p0 = va_arg(*ap, void*);  // PyObject**, or converter's address
    } else {
      o.p0 = va_arg(*ap, void*);
      if (u.hash) o.p1 = va_arg(*ap, void*);
    }
    outs.push_back(o);
  }
  return outs;
}

std::string Where(const Format& fmt) {
  return fmt.fname.empty() ? std::string("function") : absl::StrCat(fmt.fname, "()");
}

bool TypeFail(const Format& fmt, int index, const char* expected, PyObject* arg,
              const char* kwname) {
  if (!fmt.message.empty()) {
    ftrt::SetErrorString(PyExc_TypeError, fmt.message);
    return false;
  }
  // CPython 3.13 (getargs.c's seterror) names the argument by its position
  // even when it came by keyword.
  (void)kwname;
  const std::string which = absl::StrCat("argument ", index + 1);
  ftrt::SetErrorString(PyExc_TypeError, absl::StrCat(Where(fmt), " ", which, " must be ",
                                                     expected, ", not ",
                                                     arg->ob_type->tp_name));
  return false;
}

// As CPython 3.13's getargs.c converts (PyLong_AsLong): an int, or an
// object with __index__; anything else is "'str' object cannot be
// interpreted as an integer" (floats included).
bool GetInt64(const Format& fmt, int index, PyObject* arg, const char* kw, int64_t* v) {
  (void)fmt, (void)index, (void)kw;
  Ref<> owned;
  if (!ftrt::IsInt(arg)) {
    if (ftrt::IsFloat(arg)) {
      ftrt::SetErrorString(PyExc_TypeError, "'float' object cannot be interpreted as an integer");
      return false;
    }
    owned = Ref<>::Steal(PyNumber_Index(arg));  // its TypeError when there is no __index__
    if (!owned) return false;
    arg = owned.get();
  }
  if (ftrt::IntIsBig(arg)) {
    ftrt::SetErrorString(PyExc_OverflowError, "Python int too large to convert to C long");
    return false;
  }
  *v = ftrt::IntValue(arg);
  return true;
}

// The low bits of an int, for the unchecked units (I H B k K): CPython
// takes the value modulo 2**width there, negative values included.
bool GetMask(const Format& fmt, int index, PyObject* arg, const char* kw, uint64_t* v) {
  if (ftrt::IsFloat(arg)) {
    ftrt::SetErrorString(PyExc_TypeError, "'float' object cannot be interpreted as an integer");
    return false;
  }
  if (ftrt::IsInt(arg)) {
    *v = ftrt::IntLowBits64(arg);
    return true;
  }
  int64_t s = 0;
  if (!GetInt64(fmt, index, arg, kw, &s)) return false;  // (the TypeError)
  *v = static_cast<uint64_t>(s);
  return true;
}

// s* z* y* w*: a buffer over the argument into *view (released by the
// caller, or by the parser if a later argument fails).
bool GetBufferUnit(const Format& fmt, int index, const Unit& u, Py_buffer* view, PyObject* arg,
                   const char* kw) {
  if (u.code == 'z' && arg == ftrt::None()) {
    // CPython: buf NULL, len 0, no object.
    std::memset(view, 0, sizeof(*view));
    return true;
  }
  if ((u.code == 's' || u.code == 'z') && ftrt::IsStr(arg)) {
    Py_ssize_t n = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(arg, &n);
    if (utf8 == nullptr) return false;
    return PyBuffer_FillInfo(view, arg, const_cast<char*>(utf8), n, 1, 0) == 0;
  }
  if (u.code == 'w') {
    if (PyObject_GetBuffer(arg, view, PyBUF_WRITABLE) < 0) {
      ftrt::ClearError();
      return TypeFail(fmt, index, "read-write bytes-like object", arg, kw);
    }
    return true;
  }
  // s* (other than str), z*, y*: any C-contiguous exporter; its own error
  // ("a bytes-like object is required, not 'int'") when it has none.
  return PyObject_GetBuffer(arg, view, PyBUF_SIMPLE) == 0;
}

bool RangeFail(const char* what) {
  ftrt::SetErrorString(PyExc_OverflowError, what);
  return false;
}

// Converts one argument into its output.
bool Convert(const Format& fmt, int index, const Unit& u, const Outs& o, PyObject* arg,
             const char* kw) {
  int64_t v = 0;
  switch (u.code) {
    case 'i':
      if (!GetInt64(fmt, index, arg, kw, &v)) return false;
      if (v > INT_MAX) return RangeFail("signed integer is greater than maximum");
      if (v < INT_MIN) return RangeFail("signed integer is less than minimum");
      *static_cast<int*>(o.p0) = static_cast<int>(v);
      return true;
    case 'b':
      if (!GetInt64(fmt, index, arg, kw, &v)) return false;
      if (v < 0) return RangeFail("unsigned byte integer is less than minimum");
      if (v > UCHAR_MAX) return RangeFail("unsigned byte integer is greater than maximum");
      *static_cast<unsigned char*>(o.p0) = static_cast<unsigned char>(v);
      return true;
    case 'h':
      if (!GetInt64(fmt, index, arg, kw, &v)) return false;
      if (v > SHRT_MAX) return RangeFail("signed short integer is greater than maximum");
      if (v < SHRT_MIN) return RangeFail("signed short integer is less than minimum");
      *static_cast<short*>(o.p0) = static_cast<short>(v);
      return true;
    case 'l':
      if (!GetInt64(fmt, index, arg, kw, &v)) return false;
      *static_cast<long*>(o.p0) = static_cast<long>(v);
      return true;
    case 'n':
      if (!GetInt64(fmt, index, arg, kw, &v)) return false;
      *static_cast<Py_ssize_t*>(o.p0) = static_cast<Py_ssize_t>(v);
      return true;
    case 'L':
      if (!GetInt64(fmt, index, arg, kw, &v)) return false;
      *static_cast<long long*>(o.p0) = static_cast<long long>(v);
      return true;
    case 'I': case 'H': case 'B': {
      uint64_t m = 0;
      if (!GetMask(fmt, index, arg, kw, &m)) return false;
      if (u.code == 'I') *static_cast<unsigned int*>(o.p0) = static_cast<unsigned int>(m);
      else if (u.code == 'H') *static_cast<unsigned short*>(o.p0) = static_cast<unsigned short>(m);
      else *static_cast<unsigned char*>(o.p0) = static_cast<unsigned char>(m);
      return true;
    }
    case 'c':
      // A bytes or bytearray of length 1 into a char.
      if (ftrt::IsBytes(arg) && ftrt::BytesSize(arg) == 1) {
        *static_cast<char*>(o.p0) = ftrt::BytesData(arg)[0];
        return true;
      }
      if (ftrt::IsByteArray(arg) && ftrt::ByteArraySize(arg) == 1) {
        *static_cast<char*>(o.p0) = ftrt::ByteArrayAsString(arg)[0];
        return true;
      }
      return TypeFail(fmt, index, "a byte string of length 1", arg, kw);
    case 'C':
      // A str of length 1 into an int (its code point).
      if (ftrt::IsStr(arg) && ftrt::StrLength(arg) == 1) {
        *static_cast<int*>(o.p0) = static_cast<int>(ftrt::StrReadChar(arg, 0));
        return true;
      }
      return TypeFail(fmt, index, "a unicode character", arg, kw);
    case 'k':
    case 'K': {
      // Modulo 2**64 (CPython: PyLong_AsUnsignedLongMask), so 2**64 - 1
      // and -1 both give all ones.
      uint64_t m = 0;
      if (!GetMask(fmt, index, arg, kw, &m)) return false;
      if (u.code == 'k') *static_cast<unsigned long*>(o.p0) = static_cast<unsigned long>(m);
      else *static_cast<unsigned long long*>(o.p0) = static_cast<unsigned long long>(m);
      return true;
    }
    case 'd':
    case 'f': {
      double d;
      if (ftrt::IsFloat(arg)) {
        d = ftrt::FloatValue(arg);
      } else if (ftrt::IsInt(arg)) {
        absl::StatusOr<double> as_double = ftrt::IntAsDouble(arg);
        if (!as_double.ok()) {
          ftrt::SetErrorFromStatus(as_double.status());
          return false;
        }
        d = *as_double;
      } else {
        return TypeFail(fmt, index, "float", arg, kw);
      }
      if (u.code == 'd') *static_cast<double*>(o.p0) = d;
      else *static_cast<float*>(o.p0) = static_cast<float>(d);
      return true;
    }
    case 'p': {
      int t = PyObject_IsTrue(arg);
      if (t < 0) return false;
      *static_cast<int*>(o.p0) = t;
      return true;
    }
    case 's':
    case 'z': {
      if (u.star) return GetBufferUnit(fmt, index, u, static_cast<Py_buffer*>(o.p0), arg, kw);
      if (u.code == 'z' && arg == ftrt::None()) {
        *static_cast<const char**>(o.p0) = nullptr;
        if (u.hash) *static_cast<Py_ssize_t*>(o.p1) = 0;
        return true;
      }
      if (!ftrt::IsStr(arg)) return TypeFail(fmt, index, "str", arg, kw);
      Py_ssize_t n = 0;
      const char* s = PyUnicode_AsUTF8AndSize(arg, &n);
      if (s == nullptr) return false;
      if (!u.hash && std::strlen(s) != static_cast<size_t>(n)) {
        ftrt::SetErrorString(PyExc_ValueError, "embedded null character");
        return false;
      }
      *static_cast<const char**>(o.p0) = s;
      if (u.hash) *static_cast<Py_ssize_t*>(o.p1) = n;
      return true;
    }
    case 'w':
      return GetBufferUnit(fmt, index, u, static_cast<Py_buffer*>(o.p0), arg, kw);
    case 'y':
      if (u.star) return GetBufferUnit(fmt, index, u, static_cast<Py_buffer*>(o.p0), arg, kw);
      if (!u.hash) {
        // Plain y: a bytes without NUL, as a C string.
        if (!ftrt::IsBytes(arg)) {
          ftrt::SetErrorFormat(PyExc_TypeError, "a bytes-like object is required, not '%s'",
                               arg->ob_type->tp_name);
          return false;
        }
        const char* data = ftrt::BytesData(arg);
        if (std::strlen(data) != static_cast<size_t>(ftrt::BytesSize(arg))) {
          ftrt::SetErrorString(PyExc_ValueError, "embedded null byte");
          return false;
        }
        *static_cast<const char**>(o.p0) = data;
        return true;
      }
      if (!ftrt::IsBytes(arg)) return TypeFail(fmt, index, "bytes", arg, kw);
      *static_cast<const char**>(o.p0) = ftrt::BytesData(arg);
      *static_cast<Py_ssize_t*>(o.p1) = ftrt::BytesSize(arg);
      return true;
    case 'U':
      if (!ftrt::IsStr(arg)) return TypeFail(fmt, index, "str", arg, kw);
      *static_cast<PyObject**>(o.p0) = arg;
      return true;
    case 'S':
      if (!ftrt::IsBytes(arg)) return TypeFail(fmt, index, "bytes", arg, kw);
      *static_cast<PyObject**>(o.p0) = arg;
      return true;
    case 'O':
      if (u.bang) {
        auto* type = static_cast<PyTypeObject*>(o.p1);
        if (type == nullptr) {
          ftrt::SetErrorString(PyExc_SystemError, "O! with a NULL type");
          return false;
        }
        if (!ftrt::TypeCheck(arg, type)) return TypeFail(fmt, index, type->tp_name, arg, kw);
      } else if (u.amp) {
        using Converter = int (*)(PyObject*, void*);
        auto conv = reinterpret_cast<Converter>(o.p1);
        if (conv == nullptr) {
          ftrt::SetErrorString(PyExc_SystemError, "O& with a NULL converter");
          return false;
        }
        return conv(arg, o.p0) != 0;
      }
      *static_cast<PyObject**>(o.p0) = arg;
      return true;
    default:
      ftrt::SetErrorString(PyExc_SystemError, "bad format char");
      return false;
  }
}

bool CheckOutputs(const Format& fmt, const std::vector<Outs>& outs) {
  for (size_t i = 0; i < outs.size(); ++i) {
    const Unit& u = fmt.units[i];
    if (outs[i].p0 == nullptr && !u.amp) {
      ftrt::SetErrorString(PyExc_SystemError, "PyArg_Parse: NULL output pointer");
      return false;
    }
  }
  return true;
}

int ParseTupleAndKeywordsImpl(PyObject* args, PyObject* kwargs, const Format& fmt,
                              char** kwlist, const std::vector<Outs>& outs,
                              std::vector<Py_buffer*>* taken) {
  if (args == nullptr || !ftrt::IsTuple(args)) {
    ftrt::SetErrorString(PyExc_SystemError, "PyArg_Parse: args must be a tuple");
    return 0;
  }
  if (kwargs != nullptr && !ftrt::IsDict(kwargs)) {
    ftrt::SetErrorString(PyExc_SystemError, "PyArg_Parse: kwargs must be a dict");
    return 0;
  }
  if (!CheckOutputs(fmt, outs)) return 0;
  const int n = static_cast<int>(fmt.units.size());
  const int min_req = fmt.min_required < 0 ? n : fmt.min_required;
  const int max_pos = fmt.first_kwonly < 0 ? n : fmt.first_kwonly;
  const Py_ssize_t nargs = ftrt::TupleSize(args);
  if (kwlist != nullptr) {
    int count = 0;
    while (kwlist[count] != nullptr) ++count;
    if (count != n) {
      ftrt::SetErrorFormat(PyExc_SystemError,
                           "more keyword list entries (%d) than format specifiers (%d)", count,
                           n);
      return 0;
    }
  }
  if (nargs > max_pos) {
    ftrt::SetErrorString(
        PyExc_TypeError,
        absl::StrCat(Where(fmt), " takes ", (min_req == max_pos ? "exactly " : "at most "),
                     max_pos, max_pos == 1 ? " argument (" : " arguments (", nargs, " given)"));
    return 0;
  }
  Py_ssize_t kw_used = 0;
  for (int i = 0; i < n; ++i) {
    PyObject* arg = nullptr;
    const char* kw = kwlist != nullptr ? kwlist[i] : nullptr;
    if (i < nargs) {
      arg = ftrt::TupleItem(args, i);
      if (kwargs != nullptr && kw != nullptr && *kw != '\0' &&
          PyDict_GetItemString(kwargs, kw) != nullptr) {
        ftrt::SetErrorString(PyExc_TypeError,
                             absl::StrCat("argument for ", Where(fmt), " given by name ('",
                                          kw, "') and position (", i + 1, ")"));
        return 0;
      }
    } else if (kwargs != nullptr && kw != nullptr && *kw != '\0') {
      arg = PyDict_GetItemString(kwargs, kw);
      if (arg != nullptr) ++kw_used;
    }
    if (arg == nullptr) {
      if (i < min_req) {
        if (kw != nullptr && *kw != '\0') {
          ftrt::SetErrorString(PyExc_TypeError,
                               absl::StrCat(Where(fmt), " missing required argument '", kw,
                                            "' (pos ", i + 1, ")"));
        } else {
          ftrt::SetErrorString(
              PyExc_TypeError,
              absl::StrCat(Where(fmt), min_req == max_pos ? " takes exactly " : " takes at least ",
                           min_req, min_req == 1 ? " argument (" : " arguments (", nargs,
                           " given)"));
        }
        return 0;
      }
      continue;
    }
    if (!Convert(fmt, i, fmt.units[i], outs[i], arg, kw)) return 0;
    if (fmt.units[i].star) taken->push_back(static_cast<Py_buffer*>(outs[i].p0));
  }
  if (kwargs != nullptr && ftrt::DictSize(kwargs) > kw_used) {
    // Some keyword matched nothing.
    Py_ssize_t pos = 0;
    Ref<> k, v;
    while (ftrt::DictNext(kwargs, &pos, &k, &v)) {
      bool known = false;
      if (ftrt::IsStr(k.get()) && kwlist != nullptr) {
        for (int i = 0; i < n; ++i) {
          if (*kwlist[i] != '\0' && ftrt::StrEqualsUtf8(k.get(), kwlist[i])) known = true;
        }
      }
      if (!known) {
        const char* name = ftrt::IsStr(k.get()) ? PyUnicode_AsUTF8AndSize(k.get(), nullptr)
                                                : "?";
        ftrt::SetErrorString(PyExc_TypeError,
                             absl::StrCat(Where(fmt), " got an unexpected keyword argument '",
                                          name == nullptr ? "?" : name, "'"));
        return 0;
      }
    }
  }
  return 1;
}

// The parse, releasing the buffers it took (s* y* z* w*) when it fails.
int ParseTupleAndKeywords(PyObject* args, PyObject* kwargs, const Format& fmt, char** kwlist,
                          const std::vector<Outs>& outs) {
  std::vector<Py_buffer*> taken;
  const int rc = ParseTupleAndKeywordsImpl(args, kwargs, fmt, kwlist, outs, &taken);
  if (rc == 0) {
    for (Py_buffer* view : taken) PyBuffer_Release(view);
  }
  return rc;
}

}  // namespace

extern "C" {

int PyArg_VaParseTupleAndKeywords(PyObject* args, PyObject* kwargs, const char* format,
                                  char** kwlist, va_list va) {
  Format fmt;
  if (!ParseFormat(format, &fmt)) return 0;
  if (kwlist == nullptr) {
    ftrt::SetErrorString(PyExc_SystemError, "PyArg_ParseTupleAndKeywords: NULL kwlist");
    return 0;
  }
  va_list ap;
  va_copy(ap, va);
  std::vector<Outs> outs = TakeOuts(fmt, &ap);
  va_end(ap);
  return ParseTupleAndKeywords(args, kwargs, fmt, kwlist, outs);
}

int PyArg_ParseTupleAndKeywords(PyObject* args, PyObject* kwargs, const char* format,
                                char** kwlist, ...) {
  va_list ap;
  va_start(ap, kwlist);
  int rc = PyArg_VaParseTupleAndKeywords(args, kwargs, format, kwlist, ap);
  va_end(ap);
  return rc;
}

int PyArg_VaParse(PyObject* args, const char* format, va_list va) {
  Format fmt;
  if (!ParseFormat(format, &fmt)) return 0;
  if (fmt.first_kwonly >= 0) {
    ftrt::SetErrorString(PyExc_SystemError, "$ in a format without keywords");
    return 0;
  }
  va_list ap;
  va_copy(ap, va);
  std::vector<Outs> outs = TakeOuts(fmt, &ap);
  va_end(ap);
  return ParseTupleAndKeywords(args, nullptr, fmt, nullptr, outs);
}

int PyArg_ParseTuple(PyObject* args, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  int rc = PyArg_VaParse(args, format, ap);
  va_end(ap);
  return rc;
}

// PyArg_Parse: the format describes one value (legacy, METH_O style).
int PyArg_Parse(PyObject* arg, const char* format, ...) {
  if (arg == nullptr) {
    ftrt::SetErrorString(PyExc_SystemError, "PyArg_Parse: NULL argument");
    return 0;
  }
  auto t = ftrt::TupleFromItems(absl::Span<PyObject* const>(&arg, 1));
  if (!t.ok()) {
    ftrt::ext::internal::RaiseStatus(t.status());
    return 0;
  }
  va_list ap;
  va_start(ap, format);
  int rc = PyArg_VaParse(t->get(), format, ap);
  va_end(ap);
  return rc;
}

int PyArg_UnpackTuple(PyObject* args, const char* name, Py_ssize_t min, Py_ssize_t max, ...) {
  const char* fname = name == nullptr ? "function" : name;
  if (args == nullptr || !ftrt::IsTuple(args)) {
    ftrt::SetErrorString(PyExc_SystemError, "PyArg_UnpackTuple() argument list is not a tuple");
    return 0;
  }
  if (min < 0 || max < min) {
    ftrt::SetErrorString(PyExc_SystemError, "PyArg_UnpackTuple: bad min/max");
    return 0;
  }
  const Py_ssize_t n = ftrt::TupleSize(args);
  if (n < min || n > max) {
    ftrt::SetErrorString(
        PyExc_TypeError,
        absl::StrCat(fname, " expected ", min == max ? "" : (n < min ? "at least " : "at most "),
                     n < min ? min : max, (n < min ? min : max) == 1 ? " argument, got "
                                                                      : " arguments, got ",
                     n));
    return 0;
  }
  va_list ap;
  va_start(ap, max);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject** out = va_arg(ap, PyObject**);
    if (out != nullptr) *out = ftrt::TupleItem(args, i);
  }
  va_end(ap);
  return 1;
}

}  // extern "C"

// ---- Py_BuildValue ---------------------------------------------------------------

namespace {

struct Builder {
  const char* p;
  va_list* ap;
  bool failed = false;

  std::nullptr_t Bad(const char* what) {
    if (!ftrt::HasError()) {
      ftrt::SetErrorFormat(PyExc_SystemError, "Py_BuildValue: %s", what);
    }
    failed = true;
    return nullptr;
  }

  void SkipSpace() {
    while (*p == ' ' || *p == '\t' || *p == ',' || *p == ':') ++p;
  }

  template <typename T>
  PyObject* Take(absl::StatusOr<Ref<T>> r) {
    if (!r.ok()) {
      ftrt::ext::internal::RaiseStatus(r.status());
      failed = true;
      return nullptr;
    }
    return std::move(*r).Release();
  }

  // Collects items until `close`; nullptr on failure.
  bool Items(char close, std::vector<Ref<>>* items) {
    for (;;) {
      SkipSpace();
      if (*p == close) {
        ++p;
        return true;
      }
      if (*p == '\0') {
        Bad("unmatched paren in format");
        return false;
      }
      PyObject* item = One();
      if (item == nullptr) {
        // Keep consuming the va_list shape? CPython doesn't: stop.
        return false;
      }
      items->push_back(Ref<>::Steal(item));
    }
  }

  PyObject* One() {
    SkipSpace();
    const char c = *p++;
    switch (c) {
      case '(': {
        std::vector<Ref<>> items;
        if (!Items(')', &items)) return nullptr;
        std::vector<PyObject*> raw;
        for (auto& i : items) raw.push_back(i.get());
        return Take(ftrt::TupleFromItems(raw));
      }
      case '[': {
        std::vector<Ref<>> items;
        if (!Items(']', &items)) return nullptr;
        std::vector<PyObject*> raw;
        for (auto& i : items) raw.push_back(i.get());
        return Take(ftrt::ListFromItems(raw));
      }
      case '{': {
        std::vector<Ref<>> items;
        if (!Items('}', &items)) return nullptr;
        if (items.size() % 2 != 0) return Bad("dict format with an odd number of items");
        PyObject* d = Take(ftrt::DictNew());
        if (d == nullptr) return nullptr;
        for (size_t i = 0; i < items.size(); i += 2) {
          absl::Status s = ftrt::DictSetItem(d, items[i].get(), items[i + 1].get());
          if (!s.ok()) {
            ftrt::Decref(d);
            ftrt::ext::internal::RaiseStatus(s);
            failed = true;
            return nullptr;
          }
        }
        return d;
      }
      case 'b': case 'B': case 'h': case 'i':
        return Take(ftrt::IntFromInt64(va_arg(*ap, int)));
      case 'H':
        return Take(ftrt::IntFromInt64(static_cast<unsigned short>(va_arg(*ap, int))));
      case 'I':
        return Take(ftrt::IntFromUint64(va_arg(*ap, unsigned int)));
      case 'l':
        return Take(ftrt::IntFromInt64(va_arg(*ap, long)));
      case 'k':
        return Take(ftrt::IntFromUint64(va_arg(*ap, unsigned long)));
      case 'n':
        return Take(ftrt::IntFromInt64(va_arg(*ap, Py_ssize_t)));
      case 'L':
        return Take(ftrt::IntFromInt64(va_arg(*ap, long long)));
      case 'K':
        return Take(ftrt::IntFromUint64(va_arg(*ap, unsigned long long)));
      case 'p': {
        PyObject* b = ftrt::BoolFrom(va_arg(*ap, int) != 0);
        ftrt::Incref(b);
        return b;
      }
      case 'd': case 'f':
        return Take(ftrt::FloatFromDouble(va_arg(*ap, double)));
      case 'c': {
        char ch = static_cast<char>(va_arg(*ap, int));
        return Take(ftrt::BytesFromData(absl::string_view(&ch, 1)));
      }
      case 'C': {
        Py_UCS4 cp = static_cast<Py_UCS4>(va_arg(*ap, int));
        if (cp > ftrt::kMaxUnicode) return Bad("character out of range");
        return Take(ftrt::StrFromCodePoints(absl::Span<const Py_UCS4>(&cp, 1)));
      }
      case 's': case 'z': case 'U': case 'y': {
        const char* s = va_arg(*ap, const char*);
        Py_ssize_t n = -1;
        if (*p == '#') {
          ++p;
          n = va_arg(*ap, Py_ssize_t);
        }
        if (s == nullptr) {
          if (c == 'y') return Bad("NULL bytes with y");
          PyObject* none = ftrt::None();
          return none;  // immortal
        }
        if (n < 0) n = static_cast<Py_ssize_t>(std::strlen(s));
        absl::string_view v(s, static_cast<size_t>(n));
        if (c == 'y') return Take(ftrt::BytesFromData(v));
        return Take(ftrt::StrFromUtf8(v));
      }
      case 'N':
      case 'O':
      case 'S': {
        if (*p == '&') {
          ++p;
          using Converter = PyObject* (*)(void*);
          auto conv = va_arg(*ap, Converter);
          void* arg = va_arg(*ap, void*);
          if (conv == nullptr) return Bad("O& with a NULL converter");
          PyObject* r = conv(arg);
          if (r == nullptr) failed = true;
          return r;
        }
        PyObject* o = va_arg(*ap, PyObject*);
        if (o == nullptr) {
          if (!ftrt::HasError()) {
            ftrt::SetErrorString(PyExc_SystemError, "NULL object passed to Py_BuildValue");
          }
          failed = true;
          return nullptr;
        }
        if (c != 'N') ftrt::Incref(o);
        return o;
      }
      case '\0':
        --p;
        return Bad("unexpected end of format");
      default: {
        std::string msg = absl::StrCat("bad format char '", std::string(1, c), "'");
        return Bad(msg.c_str());
      }
    }
  }
};

}  // namespace

extern "C" {

PyObject* Py_VaBuildValue(const char* format, va_list va) {
  if (format == nullptr) {
    ftrt::SetErrorString(PyExc_SystemError, "Py_BuildValue: NULL format");
    return nullptr;
  }
  va_list ap;
  va_copy(ap, va);
  Builder b{format, &ap};
  std::vector<Ref<>> items;
  for (;;) {
    b.SkipSpace();
    if (*b.p == '\0') break;
    PyObject* item = b.One();
    if (item == nullptr) {
      va_end(ap);
      return nullptr;
    }
    items.push_back(Ref<>::Steal(item));
  }
  va_end(ap);
  if (items.empty()) {
    ftrt::Incref(ftrt::None());
    return ftrt::None();
  }
  if (items.size() == 1) return items[0].Release();
  std::vector<PyObject*> raw;
  for (auto& i : items) raw.push_back(i.get());
  auto t = ftrt::TupleFromItems(raw);
  if (!t.ok()) {
    ftrt::ext::internal::RaiseStatus(t.status());
    return nullptr;
  }
  return std::move(*t).Release();
}

PyObject* Py_BuildValue(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  PyObject* r = Py_VaBuildValue(format, ap);
  va_end(ap);
  return r;
}

}  // extern "C"
