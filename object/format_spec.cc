// The format-spec mini-language (see format_spec.h): parsing, the checks
// per kind of value, and the layout of numbers and text.
#include "object/format_spec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_format.h"
#include "object/dispatch.h"
#include "object/errors.h"

namespace ftrt {
namespace {

// Output past this many code points is refused as a MemoryError (CPython
// would try to allocate it and fail the same way, later).
constexpr int64_t kMaxOutput = int64_t{1} << 30;

std::string Utf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::u32string Widen(std::string_view ascii) { return std::u32string(ascii.begin(), ascii.end()); }

bool IsAlign(char32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; }
bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }

// "'x'" for a printable ASCII code, "'\x..'" otherwise, as CPython's
// messages quote a type character.
std::string QuoteCode(char32_t c) {
  if (c > 32 && c < 128) return absl::StrFormat("'%c'", static_cast<char>(c));
  return absl::StrFormat("'\\x%x'", static_cast<uint32_t>(c));
}

absl::Status UnknownCode(char32_t type, const char* type_name) {
  return MakeError(ErrorKind::kValueError,
                   absl::StrFormat("Unknown format code %s for object of type '%s'",
                                   QuoteCode(type), type_name));
}

// Reads decimal digits at *pos; false on overflow. *out stays -1 if none.
bool ReadNumber(std::u32string_view s, size_t* pos, int64_t* out) {
  int64_t v = -1;
  while (*pos < s.size() && IsDigit(s[*pos])) {
    const int64_t d = s[*pos] - '0';
    if (v < 0) v = 0;
    if (v > (INT64_MAX - d) / 10) return false;
    v = v * 10 + d;
    ++*pos;
  }
  *out = v;
  return true;
}

// digits grouped from the right in groups of `size` with `sep`, padded
// with '0' (and separators) to at least min_width characters; a separator
// never leads.
std::u32string Group(std::string_view digits, char32_t sep, int size, int64_t min_width) {
  std::u32string rev;
  int64_t remaining = static_cast<int64_t>(digits.size());
  int64_t mw = min_width;
  size_t next = digits.size();  // digits[next - 1] is the next one to copy
  bool first = true;
  for (;;) {
    const int64_t l = std::min<int64_t>(size, std::max<int64_t>(std::max(remaining, mw), 1));
    const int64_t zeros = std::max<int64_t>(0, l - remaining);
    const int64_t chars = std::max<int64_t>(0, std::min(remaining, l));
    if (!first) rev.push_back(sep);
    for (int64_t i = 0; i < chars; ++i) rev.push_back(static_cast<char32_t>(digits[--next]));
    rev.append(static_cast<size_t>(zeros), U'0');
    remaining -= chars;
    mw -= l;
    if (remaining <= 0 && mw <= 0) break;
    mw -= 1;
    first = false;
  }
  std::reverse(rev.begin(), rev.end());
  return rev;
}

// A number's pieces, laid out by spec: [lpad][sign][prefix][spad]
// [digits, grouped][.][remainder][rpad]. No digits ('c', inf, nan):
// nothing to group, '=' pads between the sign and the remainder.
absl::StatusOr<std::u32string> LayoutNumber(const FormatSpec& spec, char32_t sign,
                                            std::u32string_view prefix, std::string_view digits,
                                            bool has_decimal, std::u32string_view remainder,
                                            int group_size) {
  const int64_t n_nondigit = (sign ? 1 : 0) + static_cast<int64_t>(prefix.size()) +
                             (has_decimal ? 1 : 0) + static_cast<int64_t>(remainder.size());
  const bool zero_pad = spec.fill == U'0' && spec.align == U'=';
  const int64_t min_width = zero_pad ? spec.width - n_nondigit : 0;
  if (spec.width > kMaxOutput) return NoMemoryError();
  std::u32string grouped;
  if (!digits.empty()) {
    if (spec.grouping != 0 && group_size > 0) {
      grouped = Group(digits, spec.grouping, group_size, min_width);
    } else {
      grouped = Widen(digits);
      if (min_width > static_cast<int64_t>(grouped.size())) {
        grouped.insert(0, static_cast<size_t>(min_width) - grouped.size(), U'0');
      }
    }
  }
  const int64_t padding = spec.width - (n_nondigit + static_cast<int64_t>(grouped.size()));
  int64_t lpad = 0, spad = 0, rpad = 0;
  if (padding > 0) {
    switch (spec.align) {
      case U'<':
        rpad = padding;
        break;
      case U'^':
        lpad = padding / 2;
        rpad = padding - lpad;
        break;
      case U'=':
        spad = padding;
        break;
      default:
        lpad = padding;
        break;
    }
  }
  std::u32string out;
  out.append(static_cast<size_t>(lpad), spec.fill);
  if (sign) out.push_back(sign);
  out.append(prefix);
  out.append(static_cast<size_t>(spad), spec.fill);
  out.append(grouped);
  if (has_decimal) out.push_back(U'.');
  out.append(remainder);
  out.append(static_cast<size_t>(rpad), spec.fill);
  return out;
}

char32_t SignFor(bool negative, const FormatSpec& spec) {
  if (negative) return U'-';
  if (spec.sign == U'+') return U'+';
  if (spec.sign == U' ') return U' ';
  return 0;
}

std::string Printf(const char* fmt, int precision, double v) {
  const int n = std::snprintf(nullptr, 0, fmt, precision, v);
  std::string out(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(out.data(), out.size(), fmt, precision, v);
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string ExponentText(int exp10) {
  return absl::StrFormat("e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
}

// 'g' (see DoubleToText): `precision` significant digits, correctly
// rounded by printf's %e, laid out by hand.
std::string GeneralText(double v, int precision, bool alternate, bool add_dot_0) {
  if (precision == 0) precision = 1;
  std::string sci = Printf("%.*e", precision - 1, v);
  std::string out;
  size_t i = 0;
  if (sci[0] == '-') {
    out.push_back('-');
    i = 1;
  }
  const size_t e = sci.find('e');
  std::string digits;
  for (size_t k = i; k < e; ++k) {
    if (sci[k] != '.') digits.push_back(sci[k]);
  }
  const int exp10 = std::atoi(sci.c_str() + e + 1);
  const int decpt = exp10 + 1;
  if (!alternate) {
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  }
  const int ndigits = static_cast<int>(digits.size());
  const bool use_exp = decpt <= -4 || decpt > (add_dot_0 ? precision - 1 : precision);
  if (use_exp) {
    out.push_back(digits[0]);
    if (ndigits > 1 || alternate) out += "." + digits.substr(1);
    out += ExponentText(exp10);
  } else if (decpt <= 0) {
    out += "0." + std::string(static_cast<size_t>(-decpt), '0') + digits;
  } else if (decpt >= ndigits) {
    out += digits + std::string(static_cast<size_t>(decpt - ndigits), '0');
    if (alternate) {
      out += ".";
    } else if (add_dot_0) {
      out += ".0";
    }
  } else {
    out += digits.substr(0, static_cast<size_t>(decpt)) + "." +
           digits.substr(static_cast<size_t>(decpt));
  }
  return out;
}

// The float layout shared by float.__format__ and int's float types.
absl::StatusOr<std::u32string> FormatDoubleParsed(double v, FormatSpec spec,
                                                  const char* type_name) {
  char type;
  switch (spec.type) {
    case 0:
    case U'e':
    case U'E':
    case U'f':
    case U'F':
    case U'g':
    case U'G':
    case U'n':
    case U'%':
      type = static_cast<char>(spec.type);
      break;
    default:
      return UnknownCode(spec.type, type_name);
  }
  bool add_dot_0 = false;
  int default_precision = 6;
  bool add_pct = false;
  const bool locale = type == 'n';
  if (type == 0) {
    add_dot_0 = true;
    type = 'r';
    default_precision = 0;
  }
  if (type == 'n') type = 'g';
  if (type == '%') {
    type = 'f';
    v *= 100;
    add_pct = true;
  }
  int64_t precision = spec.precision;
  if (precision < 0) {
    precision = default_precision;
  } else if (type == 'r') {
    type = 'g';
  }
  if (precision > kMaxOutput) return MakeError(ErrorKind::kValueError, "precision too big");
  const bool upper = type == 'E' || type == 'F' || type == 'G';
  const char lower = upper ? static_cast<char>(type - 'A' + 'a') : type;
  std::string text =
      internal::DoubleToText(v, lower, static_cast<int>(precision), spec.alternate, add_dot_0);
  if (upper) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.erase(0, 1);
  if (negative && spec.no_neg_0) {
    // -0.0 and what rounds to zero lose their sign.
    const size_t e = text.find_first_of("eE");
    const std::string_view mant = std::string_view(text).substr(0, e);
    if (mant.find_first_of("123456789") == std::string_view::npos) negative = false;
  }
  if (add_pct) text.push_back('%');
  size_t n_digits = 0;
  while (n_digits < text.size() && text[n_digits] >= '0' && text[n_digits] <= '9') ++n_digits;
  const bool has_decimal = n_digits < text.size() && text[n_digits] == '.';
  const std::string_view rest = std::string_view(text).substr(n_digits + (has_decimal ? 1 : 0));
  return LayoutNumber(spec, SignFor(negative, spec), U"",
                      std::string_view(text).substr(0, n_digits), has_decimal, Widen(rest),
                      locale ? 0 : 3);
}

}  // namespace

namespace internal {

std::string DoubleToText(double v, char type, int precision, bool alternate, bool add_dot_0) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  switch (type) {
    case 'e':
      return Printf(alternate ? "%#.*e" : "%.*e", precision, v);
    case 'f':
      return Printf(alternate ? "%#.*f" : "%.*f", precision, v);
    case 'g':
      return GeneralText(v, precision, alternate, add_dot_0);
    default: {
      std::string r = FloatReprText(v);
      if (alternate && r.find('.') == std::string::npos) {
        // '#' keeps a decimal point: "1e+16" -> "1.e+16".
        const size_t e = r.find('e');
        r.insert(e == std::string::npos ? r.size() : e, ".");
      }
      return r;
    }
  }
}

}  // namespace internal

absl::StatusOr<FormatSpec> ParseFormatSpec(std::u32string_view s, char32_t default_align,
                                           char32_t default_type, const char* type_name) {
  FormatSpec spec;
  spec.align = default_align;
  spec.type = default_type;
  size_t pos = 0;
  bool fill_given = false, align_given = false;
  if (s.size() >= 2 && IsAlign(s[1])) {
    spec.fill = s[0];
    spec.align = s[1];
    fill_given = align_given = true;
    pos = 2;
  } else if (!s.empty() && IsAlign(s[0])) {
    spec.align = s[0];
    align_given = true;
    pos = 1;
  }
  if (pos < s.size() && (s[pos] == U'+' || s[pos] == U'-' || s[pos] == U' ')) spec.sign = s[pos++];
  if (pos < s.size() && s[pos] == U'z') {
    spec.no_neg_0 = true;
    ++pos;
  }
  if (pos < s.size() && s[pos] == U'#') {
    spec.alternate = true;
    ++pos;
  }
  if (!fill_given && pos < s.size() && s[pos] == U'0') {
    spec.fill = U'0';
    if (!align_given && default_align == U'>') spec.align = U'=';
    ++pos;
  }
  if (!ReadNumber(s, &pos, &spec.width)) {
    return MakeError(ErrorKind::kValueError, "Too many decimal digits in format string");
  }
  const absl::Status both = MakeError(ErrorKind::kValueError, "Cannot specify both ',' and '_'.");
  if (pos < s.size() && s[pos] == U',') {
    spec.grouping = U',';
    ++pos;
  }
  if (pos < s.size() && s[pos] == U'_') {
    if (spec.grouping != 0) return both;
    spec.grouping = U'_';
    ++pos;
  }
  if (pos < s.size() && s[pos] == U',' && spec.grouping == U'_') return both;
  if (pos < s.size() && s[pos] == U'.') {
    ++pos;
    if (!ReadNumber(s, &pos, &spec.precision)) {
      return MakeError(ErrorKind::kValueError, "Too many decimal digits in format string");
    }
    if (spec.precision < 0) {
      return MakeError(ErrorKind::kValueError, "Format specifier missing precision");
    }
  }
  if (s.size() - pos > 1) {
    return MakeError(ErrorKind::kValueError,
                     absl::StrFormat("Invalid format specifier '%s' for object of type '%s'",
                                     Utf8(s), type_name));
  }
  if (pos < s.size()) spec.type = s[pos];
  if (spec.grouping != 0) {
    bool ok;
    switch (spec.type) {
      case U'd':
      case U'e':
      case U'f':
      case U'g':
      case U'E':
      case U'G':
      case U'%':
      case U'F':
      case 0:
        ok = true;
        break;
      case U'b':
      case U'o':
      case U'x':
      case U'X':
        ok = spec.grouping == U'_';
        break;
      default:
        ok = false;
        break;
    }
    if (!ok) {
      return MakeError(ErrorKind::kValueError,
                       absl::StrFormat("Cannot specify '%c' with %s.",
                                       static_cast<char>(spec.grouping), QuoteCode(spec.type)));
    }
  }
  return spec;
}

absl::StatusOr<std::u32string> FormatInt64(int64_t v, std::u32string_view spec_text,
                                           const char* type_name) {
  IntegerToFormat i;
  i.negative = v < 0;
  i.small = v;
  i.digits = [v](int base) -> absl::StatusOr<std::string> {
    uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    std::string digits;
    do {
      digits.push_back("0123456789abcdef"[mag % static_cast<uint64_t>(base)]);
      mag /= static_cast<uint64_t>(base);
    } while (mag != 0);
    std::reverse(digits.begin(), digits.end());
    return digits;
  };
  // Every int64 converts to the nearest double, as float(v) does.
  i.as_double = [v]() -> absl::StatusOr<double> { return static_cast<double>(v); };
  return FormatInteger(i, spec_text, type_name);
}

absl::StatusOr<std::u32string> FormatInteger(const IntegerToFormat& v,
                                             std::u32string_view spec_text,
                                             const char* type_name) {
  absl::StatusOr<FormatSpec> parsed = ParseFormatSpec(spec_text, U'>', U'd', type_name);
  if (!parsed.ok()) return parsed.status();
  const FormatSpec& spec = *parsed;
  int base;
  switch (spec.type) {
    case U'b':
      base = 2;
      break;
    case U'o':
      base = 8;
      break;
    case U'x':
    case U'X':
      base = 16;
      break;
    case U'c':
    case U'd':
    case U'n':
      base = 10;
      break;
    case U'e':
    case U'E':
    case U'f':
    case U'F':
    case U'g':
    case U'G':
    case U'%': {
      absl::StatusOr<double> d = v.as_double();
      if (!d.ok()) return d.status();
      return FormatDoubleParsed(*d, spec, type_name);
    }
    default:
      return UnknownCode(spec.type, type_name);
  }
  if (spec.precision >= 0) {
    return MakeError(ErrorKind::kValueError, "Precision not allowed in integer format specifier");
  }
  if (spec.no_neg_0) {
    return MakeError(ErrorKind::kValueError,
                     "Negative zero coercion (z) not allowed in integer format specifier");
  }
  if (spec.type == U'c') {
    if (spec.sign != 0) {
      return MakeError(ErrorKind::kValueError,
                       "Sign not allowed with integer format specifier 'c'");
    }
    if (spec.alternate) {
      return MakeError(ErrorKind::kValueError,
                       "Alternate form (#) not allowed with integer format specifier 'c'");
    }
    if (!v.small.has_value() || *v.small < 0 || *v.small > 0x10ffff) {
      return MakeError(ErrorKind::kOverflowError, "%c arg not in range(0x110000)");
    }
    const char32_t ch = static_cast<char32_t>(*v.small);
    return LayoutNumber(spec, 0, U"", "", false, std::u32string_view(&ch, 1), 0);
  }
  const bool negative = v.negative;
  absl::StatusOr<std::string> text = v.digits(base);
  if (!text.ok()) return text.status();
  std::string digits = std::move(*text);
  if (spec.type == U'X') {
    for (char& ch : digits) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  std::u32string_view prefix;
  if (spec.alternate) {
    switch (spec.type) {
      case U'b':
        prefix = U"0b";
        break;
      case U'o':
        prefix = U"0o";
        break;
      case U'x':
        prefix = U"0x";
        break;
      case U'X':
        prefix = U"0X";
        break;
      default:
        break;
    }
  }
  const int group_size = spec.type == U'n' ? 0 : base == 10 ? 3 : 4;
  return LayoutNumber(spec, SignFor(negative, spec), prefix, digits, false, U"", group_size);
}

absl::StatusOr<std::u32string> FormatDouble(double v, std::u32string_view spec_text,
                                            const char* type_name) {
  absl::StatusOr<FormatSpec> parsed = ParseFormatSpec(spec_text, U'>', 0, type_name);
  if (!parsed.ok()) return parsed.status();
  return FormatDoubleParsed(v, *parsed, type_name);
}

absl::StatusOr<std::u32string> FormatText(std::u32string_view text, std::u32string_view spec_text,
                                          const char* type_name) {
  absl::StatusOr<FormatSpec> parsed = ParseFormatSpec(spec_text, U'<', U's', type_name);
  if (!parsed.ok()) return parsed.status();
  const FormatSpec& spec = *parsed;
  if (spec.type != U's') return UnknownCode(spec.type, type_name);
  if (spec.sign == U' ') {
    return MakeError(ErrorKind::kValueError, "Space not allowed in string format specifier");
  }
  if (spec.sign != 0) {
    return MakeError(ErrorKind::kValueError, "Sign not allowed in string format specifier");
  }
  if (spec.no_neg_0) {
    return MakeError(ErrorKind::kValueError,
                     "Negative zero coercion (z) not allowed in string format specifier");
  }
  if (spec.alternate) {
    return MakeError(ErrorKind::kValueError,
                     "Alternate form (#) not allowed in string format specifier");
  }
  if (spec.align == U'=') {
    return MakeError(ErrorKind::kValueError,
                     "'=' alignment not allowed in string format specifier");
  }
  if (spec.width > kMaxOutput) return NoMemoryError();
  std::u32string_view body = text;
  if (spec.precision >= 0 && static_cast<uint64_t>(spec.precision) < body.size()) {
    body = body.substr(0, static_cast<size_t>(spec.precision));
  }
  const int64_t padding = spec.width - static_cast<int64_t>(body.size());
  int64_t lpad = 0, rpad = 0;
  if (padding > 0) {
    if (spec.align == U'>') {
      lpad = padding;
    } else if (spec.align == U'^') {
      lpad = padding / 2;
      rpad = padding - lpad;
    } else {
      rpad = padding;
    }
  }
  std::u32string out;
  out.append(static_cast<size_t>(lpad), spec.fill);
  out.append(body);
  out.append(static_cast<size_t>(rpad), spec.fill);
  return out;
}

}  // namespace ftrt
