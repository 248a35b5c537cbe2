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
#include "object/codec_names.h"
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

// By name through object/codec_names.h (str.encode and bytes.decode use
// the same); null means UTF-8 and 'strict'.
PyObject* PyUnicode_AsEncodedString(PyObject* unicode, const char* encoding, const char* errors) {
  if (NeedStr(unicode, "PyUnicode_AsEncodedString") == nullptr) return nullptr;
  return ftrt::StrEncodeByName(unicode, encoding != nullptr ? encoding : "utf-8",
                               errors != nullptr ? errors : "strict")
      .Release();
}

PyObject* PyUnicode_Decode(const char* s, Py_ssize_t size, const char* encoding,
                           const char* errors) {
  if (size < 0 || (s == nullptr && size > 0)) {
    BadCall("PyUnicode_Decode");
    return nullptr;
  }
  return ftrt::StrDecodeByName(size == 0 ? absl::string_view() : absl::string_view(s, static_cast<size_t>(size)),
                               encoding != nullptr ? encoding : "utf-8",
                               errors != nullptr ? errors : "strict")
      .Release();
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
