// libftrt.so: PyUnicode_FromFormat / PyUnicode_FromFormatV, the printf
// that PyErr_Format and extensions' messages go through, with CPython
// 3.13's full format syntax.
//
// Real extensions rarely write a bare "%s": CPython's own style is
// "%.100s" / "%.200s" for type names and user text (simplejson's
// "first argument must be a string, not %.80s"), so a formatter without
// width and precision copies the rest of the message verbatim. This one
// reads, after '%': flags '-' (left-adjust) and '0' (zero-pad numbers),
// a width and a '.precision' (digits or '*'), a length modifier (l, ll,
// z, t, j) and a conversion:
//
//   c            an int code point
//   d i u o x X  integers (precision: minimum digits)
//   p            a pointer, always with its 0x prefix
//   s            const char* UTF-8 (precision in bytes; a code point cut
//                by it becomes U+FFFD, as CPython's "replace" decoding)
//   U S R A      a str / str() / repr() / ascii() of a PyObject*
//   V            a str PyObject*, or if NULL the const char* after it
//   T N          the fully qualified name of an object's type / of a
//                type; '#' puts ':' between module and qualname
//
// Width counts characters (code points), as in CPython 3.12+; for the
// object conversions precision does too. %% is a percent sign. Anything
// else is SystemError "invalid format string: <rest of the format>", as
// in CPython 3.12+.
//
// Thread safety: no state; objects are read through the thread-safe
// str()/repr() protocol.
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"
#include "ext_abi/capi_internal.h"
#include "object/error_indicator.h"
#include "object/str.h"

extern "C" {
PyObject* PyObject_Str(PyObject* o);
PyObject* PyObject_Repr(PyObject* o);
PyObject* PyObject_ASCII(PyObject* o);
PyObject* PyType_GetFullyQualifiedName(PyTypeObject* type);
PyObject* PyType_GetModuleName(PyTypeObject* type);
PyObject* PyType_GetQualName(PyTypeObject* type);
}

namespace {

using ftrt::Ref;

// Code points in UTF-8 text (its non-continuation bytes).
size_t CodePoints(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The first `max` code points of UTF-8 text.
absl::string_view FirstCodePoints(absl::string_view s, size_t max) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == max) return s.substr(0, i);
      ++count;
    }
  }
  return s;
}

// The first `max` bytes of a C string's UTF-8; a sequence cut short
// becomes U+FFFD.
std::string FirstBytes(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n] != '\0') ++n;
  std::string out(s, n);
  if (s[n] == '\0' || n == 0) return out;
  // Back up to the start of the last sequence; is it complete?
  size_t lead = n;
  while (lead > 0 && (static_cast<unsigned char>(out[lead - 1]) & 0xC0) == 0x80) --lead;
  if (lead == 0) return out;
  const unsigned char c = static_cast<unsigned char>(out[lead - 1]);
  const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (n - (lead - 1) < need) {
    out.resize(lead - 1);
    out += "\xEF\xBF\xBD";
  }
  return out;
}

struct Spec {
  bool left = false;
  bool zero = false;
  bool alt = false;
  int width = -1;
  int precision = -1;
};

// Appends `text` padded to spec.width characters (spaces; zeros after
// any sign when `numeric` and '0' is given without '-').
void AppendPadded(std::string* out, absl::string_view text, const Spec& spec, bool numeric) {
  const size_t len = CodePoints(text);
  const size_t width = spec.width > 0 ? static_cast<size_t>(spec.width) : 0;
  if (len >= width) {
    out->append(text.data(), text.size());
    return;
  }
  const size_t pad = width - len;
  if (spec.left) {
    out->append(text.data(), text.size());
    out->append(pad, ' ');
  } else if (numeric && spec.zero) {
    size_t sign = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
    out->append(text.data(), sign);
    out->append(pad, '0');
    out->append(text.data() + sign, text.size() - sign);
  } else {
    out->append(pad, ' ');
    out->append(text.data(), text.size());
  }
}

// An integer's digits with the precision's minimum count.
std::string IntegerText(bool negative, unsigned long long mag, char conv, int precision) {
  const char* digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  const unsigned base = conv == 'x' || conv == 'X' ? 16 : conv == 'o' ? 8 : 10;
  std::string d;
  do {
    d.insert(d.begin(), digits[mag % base]);
    mag /= base;
  } while (mag != 0);
  if (precision > 0 && d.size() < static_cast<size_t>(precision)) {
    d.insert(0, static_cast<size_t>(precision) - d.size(), '0');
  }
  if (negative) d.insert(d.begin(), '-');
  return d;
}

// The UTF-8 of a str object, appended with the spec (precision in code
// points). False with the error set.
bool AppendObjectText(std::string* out, PyObject* text, const Spec& spec) {
  absl::StatusOr<absl::string_view> u = ftrt::StrAsUtf8(text);
  if (!u.ok()) {
    ftrt::ext::internal::RaiseStatus(u.status());
    return false;
  }
  absl::string_view s = *u;
  if (spec.precision >= 0) s = FirstCodePoints(s, static_cast<size_t>(spec.precision));
  AppendPadded(out, s, spec, false);
  return true;
}

// %T / %N: a type's fully qualified name, with ':' before the qualname
// under '#'.
Ref<> TypeName(PyTypeObject* type, bool colon) {
  if (!colon) return Ref<>::Steal(PyType_GetFullyQualifiedName(type));
  Ref<> mod = Ref<>::Steal(PyType_GetModuleName(type));
  if (!mod) return nullptr;
  Ref<> qual = Ref<>::Steal(PyType_GetQualName(type));
  if (!qual) return nullptr;
  if (!ftrt::IsStr(mod.get()) || ftrt::StrEqualsUtf8(mod.get(), "builtins") ||
      ftrt::StrEqualsUtf8(mod.get(), "__main__")) {
    return qual;
  }
  absl::StatusOr<absl::string_view> m = ftrt::StrAsUtf8(mod.get());
  absl::StatusOr<absl::string_view> q = ftrt::StrAsUtf8(qual.get());
  if (!m.ok() || !q.ok()) {
    ftrt::ext::internal::RaiseStatus(!m.ok() ? m.status() : q.status());
    return nullptr;
  }
  std::string full(m->data(), m->size());
  full += ':';
  full.append(q->data(), q->size());
  absl::StatusOr<Ref<>> r = ftrt::StrFromUtf8(full);
  if (!r.ok()) {
    ftrt::ext::internal::RaiseStatus(r.status());
    return nullptr;
  }
  return std::move(*r);
}

// Formats into `out`; false with an exception set.
bool Format(const char* format, va_list ap, std::string* out) {
  for (const char* f = format; *f != '\0'; ++f) {
    if (*f != '%') {
      out->push_back(*f);
      continue;
    }
    const char* start = f++;
    if (*f == '%') {
      out->push_back('%');
      continue;
    }
    Spec spec;
    for (;; ++f) {
      if (*f == '-') {
        spec.left = true;
      } else if (*f == '0') {
        spec.zero = true;
      } else if (*f == '#') {
        spec.alt = true;
      } else {
        break;
      }
    }
    if (*f == '*') {
      spec.width = va_arg(ap, int);
      if (spec.width < 0) {
        spec.left = true;
        spec.width = -spec.width;
      }
      ++f;
    } else if (*f >= '0' && *f <= '9') {
      spec.width = 0;
      while (*f >= '0' && *f <= '9') spec.width = spec.width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
      ++f;
      if (*f == '*') {
        spec.precision = va_arg(ap, int);
        ++f;
      } else {
        spec.precision = 0;
        while (*f >= '0' && *f <= '9') spec.precision = spec.precision * 10 + (*f++ - '0');
      }
    }
    // Length modifier: 'l' (long), 'L' (long long), 'z', 't', 'j'.
    char length = 0;
    if (f[0] == 'l' && f[1] == 'l') {
      length = 'L';
      f += 2;
    } else if (*f == 'l' || *f == 'z' || *f == 't' || *f == 'j') {
      length = *f++;
    }
    const char conv = *f;
    const bool int_conv =
        conv == 'd' || conv == 'i' || conv == 'u' || conv == 'o' || conv == 'x' || conv == 'X';
    if (conv == '\0' || (length != 0 && !int_conv)) {
      ftrt::SetErrorFormat(PyExc_SystemError, "invalid format string: %s", start);
      return false;
    }
    switch (conv) {
      case 'd':
      case 'i':
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        bool negative = false;
        unsigned long long mag;
        if (conv == 'd' || conv == 'i') {
          long long v;
          switch (length) {
            case 'l':
              v = va_arg(ap, long);
              break;
            case 'L':
              v = va_arg(ap, long long);
              break;
            case 'z':
              v = va_arg(ap, Py_ssize_t);
              break;
            case 't':
              v = va_arg(ap, ptrdiff_t);
              break;
            case 'j':
              v = va_arg(ap, intmax_t);
              break;
            default:
              v = va_arg(ap, int);
              break;
          }
          negative = v < 0;
          mag = negative ? 0ULL - static_cast<unsigned long long>(v)
                         : static_cast<unsigned long long>(v);
        } else {
          switch (length) {
            case 'l':
              mag = va_arg(ap, unsigned long);
              break;
            case 'L':
              mag = va_arg(ap, unsigned long long);
              break;
            case 'z':
              mag = va_arg(ap, size_t);
              break;
            case 't':
              mag = static_cast<unsigned long long>(va_arg(ap, ptrdiff_t));
              break;
            case 'j':
              mag = va_arg(ap, uintmax_t);
              break;
            default:
              mag = va_arg(ap, unsigned int);
              break;
          }
        }
        AppendPadded(out, IntegerText(negative, mag, conv, spec.precision), spec,
                     spec.precision < 0);
        break;
      }
      case 'c': {
        if (spec.width >= 0 || spec.precision >= 0) {
          ftrt::SetErrorFormat(PyExc_SystemError, "invalid format string: %s", start);
          return false;
        }
        const int c = va_arg(ap, int);
        if (c < 0 || c > 0x10FFFF) {
          ftrt::SetErrorString(PyExc_OverflowError, "character argument not in range(0x110000)");
          return false;
        }
        Py_UCS4 cp = static_cast<Py_UCS4>(c);
        absl::StatusOr<Ref<>> s = ftrt::StrFromCodePoints(absl::Span<const Py_UCS4>(&cp, 1));
        if (!s.ok()) {
          ftrt::ext::internal::RaiseStatus(s.status());
          return false;
        }
        if (!AppendObjectText(out, s->get(), Spec())) return false;
        break;
      }
      case 'p': {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%p", va_arg(ap, void*));
        std::string text = buf;
        // glibc gives "(nil)" for NULL and "0x..." otherwise; CPython
        // always "0x...".
        if (text.compare(0, 2, "0x") != 0) text = "0x0";
        AppendPadded(out, text, spec, false);
        break;
      }
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (s == nullptr) s = "(null)";
        const std::string text =
            spec.precision >= 0 ? FirstBytes(s, static_cast<size_t>(spec.precision)) : s;
        AppendPadded(out, text, spec, false);
        break;
      }
      case 'V': {
        PyObject* obj = va_arg(ap, PyObject*);
        const char* s = va_arg(ap, const char*);
        if (obj != nullptr) {
          if (!AppendObjectText(out, obj, spec)) return false;
        } else {
          if (s == nullptr) s = "(null)";
          const std::string text =
              spec.precision >= 0 ? FirstBytes(s, static_cast<size_t>(spec.precision)) : s;
          AppendPadded(out, text, spec, false);
        }
        break;
      }
      case 'U':
      case 'S':
      case 'R':
      case 'A':
      case 'T':
      case 'N': {
        PyObject* obj = va_arg(ap, PyObject*);
        if (obj == nullptr) {
          ftrt::ext::internal::BadCall("PyUnicode_FromFormat");
          return false;
        }
        Ref<> text;
        switch (conv) {
          case 'U':
            text = Ref<>::NewRef(obj);
            break;
          case 'S':
            text = Ref<>::Steal(PyObject_Str(obj));
            break;
          case 'R':
            text = Ref<>::Steal(PyObject_Repr(obj));
            break;
          case 'A':
            text = Ref<>::Steal(PyObject_ASCII(obj));
            break;
          case 'T':
            text = TypeName(obj->ob_type, spec.alt);
            break;
          default:  // 'N'
            if (!(obj->ob_type->tp_flags & Py_TPFLAGS_TYPE_SUBCLASS)) {
              ftrt::SetErrorFormat(PyExc_TypeError, "%%N argument must be a type, not %s",
                                   obj->ob_type->tp_name);
              return false;
            }
            text = TypeName(reinterpret_cast<PyTypeObject*>(obj), spec.alt);
            break;
        }
        if (!text || !AppendObjectText(out, text.get(), spec)) return false;
        break;
      }
      default:
        ftrt::SetErrorFormat(PyExc_SystemError, "invalid format string: %s", start);
        return false;
    }
  }
  return true;
}

}  // namespace

extern "C" {

PyObject* PyUnicode_FromFormatV(const char* format, va_list vargs) {
  if (format == nullptr) {
    ftrt::ext::internal::BadCall("PyUnicode_FromFormatV");
    return nullptr;
  }
  std::string out;
  va_list ap;
  va_copy(ap, vargs);
  const bool ok = Format(format, ap, &out);
  va_end(ap);
  if (!ok) return nullptr;
  absl::StatusOr<Ref<>> r = ftrt::StrFromUtf8(out);
  if (!r.ok()) {
    ftrt::ext::internal::RaiseStatus(r.status());
    return nullptr;
  }
  return r->Release();
}

PyObject* PyUnicode_FromFormat(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  PyObject* r = PyUnicode_FromFormatV(format, ap);
  va_end(ap);
  return r;
}

}  // extern "C"
