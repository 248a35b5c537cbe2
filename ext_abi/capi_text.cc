// libftrt.so: text in and out that is not a str method: the locale-free
// double conversions of pystrtod.h (float() syntax, repr() and printf
// formats), codecs chosen by name (PyUnicode_AsEncodedString /
// PyUnicode_Decode over the UTF-8, UTF-16, UTF-32, ASCII and Latin-1
// codecs), the sys module's writers (sysmodule.h: ftrt has no sys module,
// so they write to the C streams, as CPython does when sys.stdout is
// unset) and its audit calls (no hooks: every event passes), and
// PyOS_mystricmp / mystrnicmp.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ext_abi/capi_internal.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/str.h"
#include "object/str_codecs.h"

extern "C" {
void* PyMem_Malloc(size_t n);
PyObject* PyErr_NoMemory(void);
PyObject* PyErr_GetRaisedException(void);
PyObject* PyUnicode_FromFormatV(const char* format, va_list vargs);
const char* PyUnicode_AsUTF8AndSize(PyObject* unicode, Py_ssize_t* size);
void PyErr_SetRaisedException(PyObject* exc);
PyObject* PyUnicode_AsUTF8String(PyObject* unicode);
PyObject* PyUnicode_AsASCIIString(PyObject* unicode);
PyObject* PyUnicode_AsLatin1String(PyObject* unicode);
PyObject* PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size, const char* errors);
PyObject* PyUnicode_DecodeASCII(const char* s, Py_ssize_t size, const char* errors);
PyObject* PyUnicode_DecodeLatin1(const char* s, Py_ssize_t size, const char* errors);
PyObject* PyUnicode_AsUTF16String(PyObject* unicode);
PyObject* PyUnicode_AsUTF32String(PyObject* unicode);
PyObject* PyUnicode_DecodeUTF16(const char* s, Py_ssize_t size, const char* errors,
                                int* byteorder);
PyObject* PyUnicode_DecodeUTF32(const char* s, Py_ssize_t size, const char* errors,
                                int* byteorder);
}

using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NeedStr;
using ftrt::ext::internal::NewOrRaise;

namespace {

constexpr int kSign = 0x01, kAddDot0 = 0x02, kAlt = 0x04, kNoNeg0 = 0x08;
constexpr int kFinite = 0, kInfinite = 1, kNan = 2;

bool StartsWithNoCase(const char* s, const char* word) {
  for (; *word != '\0'; ++s, ++word) {
    if (std::tolower(static_cast<unsigned char>(*s)) != *word) return false;
  }
  return true;
}

// The length of the longest prefix of s that is a float in Python's
// syntax (no whitespace, no underscores, no hex), 0 if none is.
size_t FloatPrefix(const char* s) {
  size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  if (StartsWithNoCase(s + i, "infinity")) return i + 8;
  if (StartsWithNoCase(s + i, "inf") || StartsWithNoCase(s + i, "nan")) return i + 3;
  size_t digits = 0;
  while (std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (s[i] == '.') {
    ++i;
    while (std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return 0;
  if (s[i] == 'e' || s[i] == 'E') {
    size_t j = i + 1;
    if (s[j] == '+' || s[j] == '-') ++j;
    if (std::isdigit(static_cast<unsigned char>(s[j]))) {
      while (std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      i = j;
    }
  }
  return i;
}

// The canonical name of an encoding this library has, or nullptr:
// case-insensitive, '-', '_' and ' ' alike, as Python's codec lookup.
const char* CodecName(const char* encoding) {
  if (encoding == nullptr) return "utf-8";
  std::string n;
  for (const char* p = encoding; *p != '\0'; ++p) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
    n.push_back(c == '_' || c == ' ' ? '-' : c);
  }
  if (n == "utf-8" || n == "utf8" || n == "u8" || n == "utf") return "utf-8";
  if (n == "ascii" || n == "us-ascii" || n == "646") return "ascii";
  if (n == "latin-1" || n == "latin1" || n == "iso-8859-1" || n == "iso8859-1" || n == "l1" ||
      n == "8859" || n == "cp819" || n == "latin") {
    return "latin-1";
  }
  if (n == "utf-16" || n == "utf16" || n == "u16") return "utf-16";
  if (n == "utf-16le" || n == "utf-16-le") return "utf-16-le";
  if (n == "utf-16be" || n == "utf-16-be") return "utf-16-be";
  if (n == "utf-32" || n == "utf32" || n == "u32") return "utf-32";
  if (n == "utf-32le" || n == "utf-32-le") return "utf-32-le";
  if (n == "utf-32be" || n == "utf-32-be") return "utf-32-be";
  return nullptr;
}

void UnknownEncoding(const char* encoding) {
  ftrt::SetErrorFormat(PyExc_LookupError, "unknown encoding: %s", encoding);
}

// The formatted text, cut at 1000 bytes as CPython's PySys_Write* cut it,
// written to `stream`; the pending exception, if any, stays.
void WriteFormatted(FILE* stream, const char* format, va_list args) {
  PyObject* saved = PyErr_GetRaisedException();
  char buf[1001];
  std::vsnprintf(buf, sizeof buf, format, args);
  std::fputs(buf, stream);
  std::fflush(stream);
  PyErr_SetRaisedException(saved);
}

}  // namespace

extern "C" {

double PyOS_string_to_double(const char* str, char** endptr, PyObject* overflow_exception) {
  if (str == nullptr) {
    BadCall("PyOS_string_to_double");
    return -1.0;
  }
  const size_t n = FloatPrefix(str);
  if (n == 0 || (endptr == nullptr && str[n] != '\0')) {
    if (endptr != nullptr) *endptr = const_cast<char*>(str);
    ftrt::SetErrorFormat(PyExc_ValueError, "could not convert string to float: '%.200s'", str);
    return -1.0;
  }
  const std::string text(str, n);
  errno = 0;
  double v = std::strtod(text.c_str(), nullptr);
  if (errno == ERANGE && std::fabs(v) >= 1.0 && overflow_exception != nullptr) {
    ftrt::SetErrorFormat(overflow_exception, "value too large to convert to float: '%.200s'", str);
    if (endptr != nullptr) *endptr = const_cast<char*>(str);
    return -1.0;
  }
  if (endptr != nullptr) *endptr = const_cast<char*>(str + n);
  return v;
}

char* PyOS_double_to_string(double val, char format_code, int precision, int flags, int* type) {
  const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(format_code)));
  const bool upper = format_code != lower;
  if ((lower != 'e' && lower != 'f' && lower != 'g' && lower != 'r') ||
      (format_code == 'R') || (lower == 'r' && precision != 0) || precision < 0) {
    BadCall("PyOS_double_to_string");
    return nullptr;
  }
  const int kind = std::isnan(val) ? kNan : std::isinf(val) ? kInfinite : kFinite;
  if (type != nullptr) *type = kind;
  bool negative = std::signbit(val) && kind != kNan;
  const double mag = std::fabs(val);
  std::string body;
  if (kind == kNan) {
    body = "nan";
  } else if (kind == kInfinite) {
    body = "inf";
  } else if (lower == 'r') {
    body = ftrt::FloatReprText(mag);
    const bool integral_form = body.size() > 2 && body.compare(body.size() - 2, 2, ".0") == 0 &&
                               body.find('e') == std::string::npos;
    if (integral_form && !(flags & kAddDot0)) body.resize(body.size() - 2);
  } else {
    char fmt[8];  // "%.*f", "%#.*g", ...
    std::snprintf(fmt, sizeof fmt, "%%%s.*%c", (flags & kAlt) ? "#" : "", lower);
    const int len = std::snprintf(nullptr, 0, fmt, precision, mag);
    body.resize(static_cast<size_t>(len) + 1);
    std::snprintf(body.data(), body.size(), fmt, precision, mag);
    body.resize(static_cast<size_t>(len));
    if ((flags & kAddDot0) && body.find_first_of(".e") == std::string::npos) body += ".0";
  }
  if (upper) {
    for (char& c : body) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (negative && (flags & kNoNeg0) && kind == kFinite &&
      body.find_first_not_of("0.eE+-") == std::string::npos) {
    negative = false;  // rounds to zero: no "-0"
  }
  const std::string out = (negative ? "-" : (flags & kSign) ? "+" : "") + body;
  char* p = static_cast<char*>(PyMem_Malloc(out.size() + 1));
  if (p == nullptr) {
    PyErr_NoMemory();
    return nullptr;
  }
  std::memcpy(p, out.c_str(), out.size() + 1);
  return p;
}

PyObject* PyUnicode_AsEncodedString(PyObject* unicode, const char* encoding, const char* errors) {
  const char* codec = CodecName(encoding);
  if (codec == nullptr) {
    UnknownEncoding(encoding);
    return nullptr;
  }
  if (errors != nullptr && std::strcmp(errors, "strict") != 0) {
    ftrt::SetErrorFormat(PyExc_NotImplementedError,
                         "error handler '%s' is not supported (only 'strict')", errors);
    return nullptr;
  }
  if (std::strcmp(codec, "utf-8") == 0) return PyUnicode_AsUTF8String(unicode);
  if (std::strcmp(codec, "utf-16") == 0) return PyUnicode_AsUTF16String(unicode);
  if (std::strcmp(codec, "utf-32") == 0) return PyUnicode_AsUTF32String(unicode);
  if (std::strncmp(codec, "utf-16-", 7) == 0 || std::strncmp(codec, "utf-32-", 7) == 0) {
    if (NeedStr(unicode, "PyUnicode_AsEncodedString") == nullptr) return nullptr;
    const int order = codec[7] == 'l' ? -1 : 1;
    return NewOrRaise(codec[4] == '1' ? ftrt::StrEncodeUtf16(unicode, order)
                                      : ftrt::StrEncodeUtf32(unicode, order));
  }
  if (std::strcmp(codec, "ascii") == 0) return PyUnicode_AsASCIIString(unicode);
  return PyUnicode_AsLatin1String(unicode);
}

PyObject* PyUnicode_Decode(const char* s, Py_ssize_t size, const char* encoding,
                           const char* errors) {
  const char* codec = CodecName(encoding);
  if (codec == nullptr) {
    UnknownEncoding(encoding);
    return nullptr;
  }
  if (std::strcmp(codec, "utf-8") == 0) return PyUnicode_DecodeUTF8(s, size, errors);
  if (std::strcmp(codec, "ascii") == 0) return PyUnicode_DecodeASCII(s, size, errors);
  if (std::strncmp(codec, "utf-16", 6) == 0 || std::strncmp(codec, "utf-32", 6) == 0) {
    // "utf-16": a BOM picks the order (native without one); "-le" / "-be"
    // fix it.
    int order = codec[6] == '\0' ? 0 : codec[7] == 'l' ? -1 : 1;
    return codec[4] == '1' ? PyUnicode_DecodeUTF16(s, size, errors, &order)
                           : PyUnicode_DecodeUTF32(s, size, errors, &order);
  }
  return PyUnicode_DecodeLatin1(s, size, errors);
}

void PySys_WriteStdout(const char* format, ...) {
  va_list args;
  va_start(args, format);
  WriteFormatted(stdout, format, args);
  va_end(args);
}

void PySys_WriteStderr(const char* format, ...) {
  va_list args;
  va_start(args, format);
  WriteFormatted(stderr, format, args);
  va_end(args);
}

// PyUnicode_FromFormat's format, uncut; the pending exception stays. A
// failure to format writes nothing.
static void FormatToStream(FILE* stream, const char* format, va_list args) {
  PyObject* saved = PyErr_GetRaisedException();
  PyObject* text = PyUnicode_FromFormatV(format, args);
  if (text != nullptr) {
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 != nullptr) std::fwrite(utf8, 1, static_cast<size_t>(size), stream);
    std::fflush(stream);
    ftrt::Decref(text);
  }
  ftrt::ClearError();
  PyErr_SetRaisedException(saved);
}

void PySys_FormatStdout(const char* format, ...) {
  va_list args;
  va_start(args, format);
  FormatToStream(stdout, format, args);
  va_end(args);
}

void PySys_FormatStderr(const char* format, ...) {
  va_list args;
  va_start(args, format);
  FormatToStream(stderr, format, args);
  va_end(args);
}

// No audit hooks can be added (PySys_AddAuditHook is not offered), so
// every event passes.
int PySys_Audit(const char* event, const char* format, ...) {
  (void)event, (void)format;
  return 0;
}
int PySys_AuditTuple(const char* event, PyObject* args) {
  (void)event, (void)args;
  return 0;
}

int PyOS_mystrnicmp(const char* a, const char* b, Py_ssize_t n) {
  for (; n > 0; --n, ++a, ++b) {
    const int ca = std::tolower(static_cast<unsigned char>(*a));
    const int cb = std::tolower(static_cast<unsigned char>(*b));
    if (ca != cb || ca == 0) return ca - cb;
  }
  return 0;
}

int PyOS_mystricmp(const char* a, const char* b) {
  for (;; ++a, ++b) {
    const int ca = std::tolower(static_cast<unsigned char>(*a));
    const int cb = std::tolower(static_cast<unsigned char>(*b));
    if (ca != cb || ca == 0) return ca - cb;
  }
}

}  // extern "C"
