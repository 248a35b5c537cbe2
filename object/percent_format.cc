// printf-style formatting of str (see percent_format.h).
#include "object/percent_format.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "absl/strings/str_format.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/float.h"
#include "object/format_spec.h"
#include "object/int.h"
#include "object/number.h"
#include "object/str.h"
#include "object/subscript.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

constexpr int kLJust = 1, kSign = 2, kBlank = 4, kAlt = 8, kZero = 16;

// Output past this many code points is refused as a MemoryError.
constexpr int64_t kMaxOutput = int64_t{1} << 30;

// Where the arguments come from. A %(key) conversion takes its argument
// from the mapping and leaves the positional state "used up" (argidx -1
// of arglen -1), as CPython's does.
struct ArgState {
  PyObject* args;     // the caller's args
  PyObject* mapping;  // args when it is a mapping, else null
  PyObject* current;  // where the next argument comes from
  Ref<> item;         // the mapping's item for the current %(key)
  Py_ssize_t arglen;  // tuple size, or -1 for a single argument
  Py_ssize_t argidx;  // next tuple index; -2 / -1: single arg unused / used
};

// The next argument (borrowed), or null with TypeError.
PyObject* NextArg(ArgState* st) {
  if (st->argidx < st->arglen) {
    const Py_ssize_t i = st->argidx++;
    if (st->arglen < 0) return st->current;
    return TupleItem(st->current, i);
  }
  SetErrorString(PyExc_TypeError, "not enough arguments for format string");
  return nullptr;
}

bool IsMapping(const PyObject* op) {
  if (IsDict(op)) return true;
  const PyMappingMethods* m = op->ob_type->tp_as_mapping;
  return m != nullptr && m->mp_subscript != nullptr;
}

// Pads `body` (already holding any sign and prefix, which stay in front
// of zero padding) to `width`.
void AppendPadded(std::u32string* out, std::u32string_view sign_prefix, std::u32string_view body,
                  int64_t width, int flags, bool numeric) {
  const int64_t len = static_cast<int64_t>(sign_prefix.size() + body.size());
  const int64_t pad = std::max<int64_t>(0, width - len);
  if (flags & kLJust) {
    out->append(sign_prefix);
    out->append(body);
    out->append(static_cast<size_t>(pad), U' ');
  } else if (numeric && (flags & kZero)) {
    out->append(sign_prefix);
    out->append(static_cast<size_t>(pad), U'0');
    out->append(body);
  } else {
    out->append(static_cast<size_t>(pad), U' ');
    out->append(sign_prefix);
    out->append(body);
  }
}

std::u32string Widen(std::string_view s) { return std::u32string(s.begin(), s.end()); }

std::u32string CodePoints(const PyObject* s) {
  const Py_ssize_t n = StrLength(s);
  std::u32string out(static_cast<size_t>(n), U'\0');
  for (Py_ssize_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = StrReadChar(s, i);
  return out;
}

// ascii(): the repr with every non-ASCII code point escaped.
std::u32string AsciiEscape(std::u32string_view s) {
  std::u32string out;
  for (char32_t c : s) {
    if (c < 0x80) {
      out.push_back(c);
    } else if (c <= 0xff) {
      out += Widen(absl::StrFormat("\\x%02x", static_cast<uint32_t>(c)));
    } else if (c <= 0xffff) {
      out += Widen(absl::StrFormat("\\u%04x", static_cast<uint32_t>(c)));
    } else {
      out += Widen(absl::StrFormat("\\U%08x", static_cast<uint32_t>(c)));
    }
  }
  return out;
}

char32_t SignOf(bool negative, int flags) {
  if (negative) return U'-';
  if (flags & kSign) return U'+';
  if (flags & kBlank) return U' ';
  return 0;
}

// %d %i %u %x %X %o. False with the error set.
bool FormatInteger(std::u32string* out, PyObject* v, char32_t c, int flags, int64_t width,
                   int64_t prec) {
  const bool index_only = c == U'x' || c == U'X' || c == U'o';
  Ref<> converted;
  if (!IsInt(v)) {
    absl::StatusOr<Ref<>> r = absl::InternalError("unset");
    if (IsNumber(v)) r = index_only ? NumberIndex(v) : NumberInt(v);
    if (!r.ok() && (!IsNumber(v) || IsError(r.status(), ErrorKind::kTypeError))) {
      const char* what = index_only ? "an integer" : "a real number";
      SetErrorFormat(PyExc_TypeError, "%%%c format: %s is required, not %s", static_cast<char>(c),
                     what, v->ob_type->tp_name);
      return false;
    }
    if (!r.ok()) return OkOrRaise(r.status()) == 0;
    converted = std::move(*r);
    v = converted.get();
  }
  const bool negative = IntSign(v) < 0;
  const int base = c == U'o' ? 8 : (c == U'x' || c == U'X') ? 16 : 10;
  absl::StatusOr<std::string> text = IntToString(v, base);
  if (!text.ok()) return OkOrRaise(text.status()) == 0;
  std::string digits = text->substr(negative ? 1 : 0);
  if (c == U'X') {
    for (char& ch : digits) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  if (prec > kMaxOutput) {
    NoMemory();
    return false;
  }
  if (prec > static_cast<int64_t>(digits.size())) {
    digits.insert(0, static_cast<size_t>(prec) - digits.size(), '0');
  }
  std::u32string sign_prefix;
  if (const char32_t s = SignOf(negative, flags); s != 0) sign_prefix.push_back(s);
  if (flags & kAlt) {
    if (c == U'x') sign_prefix += U"0x";
    if (c == U'X') sign_prefix += U"0X";
    if (c == U'o') sign_prefix += U"0o";
  }
  AppendPadded(out, sign_prefix, Widen(digits), width, flags, true);
  return true;
}

// %e %E %f %F %g %G. False with the error set.
bool FormatFloat(std::u32string* out, PyObject* v, char32_t c, int flags, int64_t width,
                 int64_t prec) {
  double x;
  if (IsFloat(v)) {
    x = FloatValue(v);
  } else if (IsInt(v)) {
    absl::StatusOr<double> d = IntAsDouble(v);
    if (!d.ok()) return OkOrRaise(d.status()) == 0;
    x = *d;
  } else {
    const PyNumberMethods* nb = v->ob_type->tp_as_number;
    if (nb == nullptr || (nb->nb_float == nullptr && nb->nb_index == nullptr)) {
      SetErrorFormat(PyExc_TypeError, "must be real number, not %s", v->ob_type->tp_name);
      return false;
    }
    absl::StatusOr<Ref<>> f = NumberFloat(v);
    if (!f.ok()) return OkOrRaise(f.status()) == 0;
    x = FloatValue(f->get());
  }
  if (prec < 0) prec = 6;
  if (prec > kMaxOutput) {
    NoMemory();
    return false;
  }
  const bool upper = c == U'E' || c == U'F' || c == U'G';
  const char lower = static_cast<char>(upper ? c - U'A' + U'a' : c);
  std::string text =
      internal::DoubleToText(x, lower, static_cast<int>(prec), (flags & kAlt) != 0, false);
  if (upper) {
    for (char& ch : text) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.erase(0, 1);
  std::u32string sign;
  if (const char32_t s = SignOf(negative, flags); s != 0) sign.push_back(s);
  AppendPadded(out, sign, Widen(text), width, flags, true);
  return true;
}

// %c. False with the error set.
bool FormatChar(std::u32string* out, PyObject* v, int flags, int64_t width) {
  char32_t ch;
  if (IsStr(v)) {
    if (StrLength(v) != 1) {
      SetErrorString(PyExc_TypeError, "%c requires int or char");
      return false;
    }
    ch = StrReadChar(v, 0);
  } else {
    Ref<> index;
    if (!IsInt(v)) {
      if (!HasIndex(v)) {
        SetErrorString(PyExc_TypeError, "%c requires int or char");
        return false;
      }
      absl::StatusOr<Ref<>> r = NumberIndex(v);
      if (!r.ok()) return OkOrRaise(r.status()) == 0;
      index = std::move(*r);
      v = index.get();
    }
    const int64_t x = IntClampedValue(v);
    if (x < 0 || x > 0x10ffff) {
      SetErrorString(PyExc_OverflowError, "%c arg not in range(0x110000)");
      return false;
    }
    ch = static_cast<char32_t>(x);
  }
  AppendPadded(out, U"", std::u32string_view(&ch, 1), width, flags, false);
  return true;
}

// %s %r %a. False with the error set.
bool FormatText(std::u32string* out, PyObject* v, char32_t c, int flags, int64_t width,
                int64_t prec) {
  Ref<> text;
  if (c == U's') {
    text = IsStrExact(v) ? Ref<>::NewRef(v) : ObjectStr(v);
  } else {
    text = ObjectRepr(v);
  }
  if (!text) return false;
  std::u32string body = CodePoints(text.get());
  if (c == U'a') body = AsciiEscape(body);
  if (prec >= 0 && static_cast<uint64_t>(prec) < body.size())
    body.resize(static_cast<size_t>(prec));
  AppendPadded(out, U"", body, width, flags, false);
  return true;
}

// Reads a '*' (an int argument) or digits; false with the error set.
bool ReadCount(const std::u32string& fmt, size_t* i, ArgState* st, const char* too_big,
               int64_t* value, bool* negative) {
  *negative = false;
  if (*i < fmt.size() && fmt[*i] == U'*') {
    ++*i;
    PyObject* v = NextArg(st);
    if (v == nullptr) return false;
    if (!IsInt(v)) {
      SetErrorString(PyExc_TypeError, "* wants int");
      return false;
    }
    const int64_t n = IntClampedValue(v);
    *negative = n < 0;
    *value = n < 0 ? (n == INT64_MIN ? INT64_MAX : -n) : n;
    return true;
  }
  while (*i < fmt.size() && fmt[*i] >= U'0' && fmt[*i] <= U'9') {
    const int64_t d = fmt[*i] - U'0';
    const int64_t cur = std::max<int64_t>(*value, 0);
    if (cur > (INT64_MAX - d) / 10) {
      SetErrorString(PyExc_ValueError, too_big);
      return false;
    }
    *value = cur * 10 + d;
    ++*i;
  }
  return true;
}

}  // namespace

Ref<> StrPercentFormat(PyObject* format, PyObject* args) {
  if (format == nullptr || args == nullptr) {
    BadInternalCall();
    return nullptr;
  }
  if (!IsStr(format)) {
    return SetErrorFormat(PyExc_TypeError, "must be str, not %s", format->ob_type->tp_name);
  }
  const std::u32string fmt = CodePoints(format);
  ArgState st{args, nullptr, args, {}, -1, -2};
  if (IsTuple(args)) {
    st.arglen = TupleSize(args);
    st.argidx = 0;
  } else if (IsMapping(args) && !IsStr(args)) {
    st.mapping = args;
  }
  std::u32string out;
  size_t i = 0;
  while (i < fmt.size()) {
    const size_t pct = fmt.find(U'%', i);
    if (pct == std::u32string::npos) {
      out.append(fmt, i, std::u32string::npos);
      break;
    }
    out.append(fmt, i, pct - i);
    i = pct + 1;
    if (i < fmt.size() && fmt[i] == U'%') {
      out.push_back(U'%');
      ++i;
      continue;
    }
    st.current = st.args;
    st.item.Reset();
    if (i < fmt.size() && fmt[i] == U'(') {
      if (st.mapping == nullptr) {
        return SetErrorString(PyExc_TypeError, "format requires a mapping"), nullptr;
      }
      ++i;
      const size_t key_start = i;
      int depth = 1;
      while (i < fmt.size()) {
        if (fmt[i] == U')' && --depth == 0) break;
        if (fmt[i] == U'(') ++depth;
        ++i;
      }
      if (i >= fmt.size()) {
        return SetErrorString(PyExc_ValueError, "incomplete format key"), nullptr;
      }
      Ref<> key = RefOrRaise(StrFromCodePoints(absl::MakeConstSpan(
          reinterpret_cast<const Py_UCS4*>(fmt.data() + key_start), i - key_start)));
      if (!key) return nullptr;
      ++i;  // ')'
      st.item = ObjectGetItem(st.mapping, key.get());
      if (!st.item) return nullptr;
      st.current = st.item.get();
      st.arglen = -1;
      st.argidx = -2;
    }
    int flags = 0;
    for (; i < fmt.size(); ++i) {
      const char32_t f = fmt[i];
      if (f == U'-') {
        flags |= kLJust;
      } else if (f == U'+') {
        flags |= kSign;
      } else if (f == U' ') {
        flags |= kBlank;
      } else if (f == U'#') {
        flags |= kAlt;
      } else if (f == U'0') {
        flags |= kZero;
      } else {
        break;
      }
    }
    int64_t width = -1, prec = -1;
    bool negative = false;
    if (!ReadCount(fmt, &i, &st, "width too big", &width, &negative)) return nullptr;
    if (negative) flags |= kLJust;
    if (i < fmt.size() && fmt[i] == U'.') {
      ++i;
      prec = 0;
      if (!ReadCount(fmt, &i, &st, "precision too big", &prec, &negative)) return nullptr;
      if (negative) prec = 0;
    }
    if (width > kMaxOutput) return NoMemory();
    if (i < fmt.size() && (fmt[i] == U'h' || fmt[i] == U'l' || fmt[i] == U'L')) ++i;
    if (i >= fmt.size()) return SetErrorString(PyExc_ValueError, "incomplete format"), nullptr;
    const char32_t c = fmt[i++];
    PyObject* v = NextArg(&st);
    if (v == nullptr) return nullptr;
    bool ok;
    switch (c) {
      case U's':
      case U'r':
      case U'a':
        ok = FormatText(&out, v, c, flags, width, prec);
        break;
      case U'd':
      case U'i':
      case U'u':
      case U'x':
      case U'X':
      case U'o':
        ok = FormatInteger(&out, v, c, flags, width, prec);
        break;
      case U'e':
      case U'E':
      case U'f':
      case U'F':
      case U'g':
      case U'G':
        ok = FormatFloat(&out, v, c, flags, width, prec);
        break;
      case U'c':
        ok = FormatChar(&out, v, flags, width);
        break;
      default:
        return SetErrorFormat(PyExc_ValueError,
                              "unsupported format character '%c' (0x%x) at index %d",
                              (c >= 31 && c <= 126) ? static_cast<char>(c) : '?',
                              static_cast<uint32_t>(c), static_cast<int64_t>(i - 1));
    }
    if (!ok) return nullptr;
    if (static_cast<int64_t>(out.size()) > kMaxOutput) return NoMemory();
  }
  if (st.argidx < st.arglen && st.mapping == nullptr) {
    return SetErrorString(PyExc_TypeError, "not all arguments converted during string formatting"),
           nullptr;
  }
  return RefOrRaise(StrFromCodePoints(
      absl::MakeConstSpan(reinterpret_cast<const Py_UCS4*>(out.data()), out.size())));
}

}  // namespace ftrt
