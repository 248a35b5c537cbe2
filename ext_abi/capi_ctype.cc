// libftrt.so: the tables behind pyctype.h's Py_ISALPHA ... Py_TOUPPER
// (CPython's Python/pyctype.c): ASCII character classes and case changes
// that no locale can alter. Only the ASCII letters, digits and " \t\n\r\v\f"
// have a class; the case tables change only 'A'-'Z' and 'a'-'z', so a byte
// >= 0x80 maps to itself. Each table is computed entry by entry from the
// rules below at compile time (no hand-typed rows to get wrong).
// Constants: safe from any thread.

namespace {

// _Py_ctype_table's bits (pyctype.h's PY_CTF_*).
constexpr unsigned kLower = 0x01;
constexpr unsigned kUpper = 0x02;
constexpr unsigned kDigit = 0x04;
constexpr unsigned kSpace = 0x08;
constexpr unsigned kXdigit = 0x10;

constexpr bool IsUpper(unsigned c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsLower(unsigned c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsDigit(unsigned c) { return c >= '0' && c <= '9'; }

constexpr unsigned Class(unsigned c) {
  unsigned bits = 0;
  if (IsLower(c)) bits |= kLower;
  if (IsUpper(c)) bits |= kUpper;
  if (IsDigit(c)) bits |= kDigit;
  if (c == ' ' || (c >= '\t' && c <= '\r')) bits |= kSpace;  // \t \n \v \f \r
  if (IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) bits |= kXdigit;
  return bits;
}
constexpr unsigned char ToLower(unsigned c) {
  return static_cast<unsigned char>(IsUpper(c) ? c + ('a' - 'A') : c);
}
constexpr unsigned char ToUpper(unsigned c) {
  return static_cast<unsigned char>(IsLower(c) ? c - ('a' - 'A') : c);
}

}  // namespace

// f(0), f(1), ..., f(255).
#define FTRT_CTYPE_16(f, b)                                                                    \
  f(b + 0x0), f(b + 0x1), f(b + 0x2), f(b + 0x3), f(b + 0x4), f(b + 0x5), f(b + 0x6),          \
      f(b + 0x7), f(b + 0x8), f(b + 0x9), f(b + 0xA), f(b + 0xB), f(b + 0xC), f(b + 0xD),      \
      f(b + 0xE), f(b + 0xF)
#define FTRT_CTYPE_256(f)                                                                      \
  FTRT_CTYPE_16(f, 0x00u), FTRT_CTYPE_16(f, 0x10u), FTRT_CTYPE_16(f, 0x20u),                   \
      FTRT_CTYPE_16(f, 0x30u), FTRT_CTYPE_16(f, 0x40u), FTRT_CTYPE_16(f, 0x50u),               \
      FTRT_CTYPE_16(f, 0x60u), FTRT_CTYPE_16(f, 0x70u), FTRT_CTYPE_16(f, 0x80u),               \
      FTRT_CTYPE_16(f, 0x90u), FTRT_CTYPE_16(f, 0xA0u), FTRT_CTYPE_16(f, 0xB0u),               \
      FTRT_CTYPE_16(f, 0xC0u), FTRT_CTYPE_16(f, 0xD0u), FTRT_CTYPE_16(f, 0xE0u),               \
      FTRT_CTYPE_16(f, 0xF0u)

extern "C" {

// Declared extern first: a const object at namespace scope would otherwise
// have internal linkage in C++.
extern const unsigned int _Py_ctype_table[256];
extern const unsigned char _Py_ctype_tolower[256];
extern const unsigned char _Py_ctype_toupper[256];

const unsigned int _Py_ctype_table[256] = {FTRT_CTYPE_256(Class)};
const unsigned char _Py_ctype_tolower[256] = {FTRT_CTYPE_256(ToLower)};
const unsigned char _Py_ctype_toupper[256] = {FTRT_CTYPE_256(ToUpper)};

}  // extern "C"

#undef FTRT_CTYPE_256
#undef FTRT_CTYPE_16
