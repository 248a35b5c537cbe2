// libftrt.so: PyFloat_Pack2/4/8 and PyFloat_Unpack2/4/8 (floatobject.h),
// the IEEE 754 binary16, binary32 and binary64 encodings of a double that
// serialising extensions (struct-like packers, msgpack, CBOR) write and
// read byte by byte. `le` picks the byte order of the 2, 4 or 8 bytes at
// `p`: non-zero little-endian, zero big-endian, whatever the host's.
//
// CPython 3.13's results: packing rounds to nearest, ties to even; a
// finite value too large for the format is OverflowError "float too large
// to pack with e format" ("f" for binary32) and -1; infinities pack as
// infinities; a NaN keeps its sign and packs as a quiet NaN (binary16:
// 0x7e00 with the sign; binary32 keeps what the conversion to float
// keeps). Unpacking never fails.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "object/error_indicator.h"
#include "object/exceptions.h"

namespace {

// Writes the low `n` bytes of `bits` to p in the requested order.
void Store(uint64_t bits, int n, unsigned char* p, int le) {
  for (int i = 0; i < n; ++i) {
    const unsigned char byte = static_cast<unsigned char>(bits >> (8 * i));
    p[le ? i : n - 1 - i] = byte;
  }
}

uint64_t Load(const unsigned char* p, int n, int le) {
  uint64_t bits = 0;
  for (int i = 0; i < n; ++i) {
    bits |= static_cast<uint64_t>(p[le ? i : n - 1 - i]) << (8 * i);
  }
  return bits;
}

int TooLarge(const char* format) {
  ftrt::SetErrorFormat(PyExc_OverflowError, "float too large to pack with %s format", format);
  return -1;
}

// binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
// Returns false if a finite x is too large.
bool HalfBits(double x, uint16_t* out) {
  const uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  if (std::isnan(x)) {
    *out = sign | 0x7e00;
    return true;
  }
  if (std::isinf(x)) {
    *out = sign | 0x7c00;
    return true;
  }
  const double a = std::fabs(x);
  if (a < 0x1p-14) {
    // Zero or subnormal: a multiple of 2^-24. The scaling is exact, so
    // nearbyint's rounding (to nearest, ties to even) is the only one;
    // 1024 rounds up into the smallest normal, whose encoding it is.
    *out = sign | static_cast<uint16_t>(std::nearbyint(a * 0x1p24));
    return true;
  }
  int e;
  const double f = std::frexp(a, &e);  // a = f * 2^e, f in [0.5, 1)
  int biased = e - 1 + 15;
  // The mantissa's 10 bits: (2f - 1) * 2^10, exact before the rounding.
  int m = static_cast<int>(std::nearbyint((2 * f - 1) * 1024));
  if (m == 1024) {
    m = 0;
    ++biased;
  }
  if (biased >= 31) return false;
  *out = sign | static_cast<uint16_t>(biased << 10) | static_cast<uint16_t>(m);
  return true;
}

double HalfValue(uint16_t bits) {
  const int biased = (bits >> 10) & 0x1f;
  const int m = bits & 0x3ff;
  double v;
  if (biased == 0) {
    v = std::ldexp(static_cast<double>(m), -24);
  } else if (biased == 31) {
    v = m == 0 ? HUGE_VAL : std::nan("");
  } else {
    v = std::ldexp(static_cast<double>(1024 + m), biased - 25);
  }
  return (bits & 0x8000) ? -v : v;
}

}  // namespace

extern "C" {

int PyFloat_Pack2(double x, char* p, int le) {
  uint16_t bits;
  if (!HalfBits(x, &bits)) return TooLarge("e");
  Store(bits, 2, reinterpret_cast<unsigned char*>(p), le);
  return 0;
}

int PyFloat_Pack4(double x, char* p, int le) {
  const float y = static_cast<float>(x);
  if (std::isinf(y) && !std::isinf(x)) return TooLarge("f");
  uint32_t bits;
  std::memcpy(&bits, &y, sizeof bits);
  Store(bits, 4, reinterpret_cast<unsigned char*>(p), le);
  return 0;
}

int PyFloat_Pack8(double x, char* p, int le) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  Store(bits, 8, reinterpret_cast<unsigned char*>(p), le);
  return 0;
}

double PyFloat_Unpack2(const char* p, int le) {
  return HalfValue(static_cast<uint16_t>(Load(reinterpret_cast<const unsigned char*>(p), 2, le)));
}

double PyFloat_Unpack4(const char* p, int le) {
  const uint32_t bits = static_cast<uint32_t>(Load(reinterpret_cast<const unsigned char*>(p), 4, le));
  float y;
  std::memcpy(&y, &bits, sizeof y);
  return static_cast<double>(y);
}

double PyFloat_Unpack8(const char* p, int le) {
  const uint64_t bits = Load(reinterpret_cast<const unsigned char*>(p), 8, le);
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

}  // extern "C"
