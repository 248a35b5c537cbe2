// SipHash-1-3 and the float hash (see hash.h).
#include "object/hash.h"

#include <cmath>
#include <cstring>

namespace ftrt {
namespace {

inline uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
  uint64_t v0, v1, v2, v3;
  void Round() {
    v0 += v1;
    v1 = Rotl(v1, 13);
    v1 ^= v0;
    v0 = Rotl(v0, 32);
    v2 += v3;
    v3 = Rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Rotl(v1, 17);
    v1 ^= v2;
    v2 = Rotl(v2, 32);
  }
  void Compress(uint64_t m) {
    v3 ^= m;
    Round();  // c = 1
    v0 ^= m;
  }
};

inline uint64_t LoadLe64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

uint64_t SipHash13(uint64_t k0, uint64_t k1, const unsigned char* p, size_t len) {
  SipState s{k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull, k0 ^ 0x6c7967656e657261ull,
             k1 ^ 0x7465646279746573ull};
  const size_t words = len / 8;
  for (size_t i = 0; i < words; ++i) s.Compress(LoadLe64(p + 8 * i));
  // The last block: the remaining bytes, little-endian, and len in the top
  // byte.
  uint64_t last = static_cast<uint64_t>(len) << 56;
  const unsigned char* tail = p + 8 * words;
  for (size_t i = 0; i < len % 8; ++i) last |= static_cast<uint64_t>(tail[i]) << (8 * i);
  s.Compress(last);
  s.v2 ^= 0xff;
  for (int i = 0; i < 3; ++i) s.Round();  // d = 3
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

// The hash key (see hash.h: zero, as CPython with PYTHONHASHSEED=0).
constexpr uint64_t kKey0 = 0;
constexpr uint64_t kKey1 = 0;

}  // namespace

Py_hash_t HashBytes(const void* data, size_t len) {
  if (len == 0) return 0;
  const Py_hash_t h =
      static_cast<Py_hash_t>(SipHash13(kKey0, kKey1, static_cast<const unsigned char*>(data), len));
  return h == -1 ? -2 : h;
}

Py_hash_t HashDouble(double v, const void* identity) {
  if (!std::isfinite(v)) {
    if (std::isinf(v)) return v > 0 ? kHashInf : -kHashInf;
    return HashPointer(identity);
  }
  // v = m * 2^e with 0.5 <= |m| < 1. Feed m's bits into the residue 28 at a
  // time (x = x * 2^28 + next 28 bits, mod P; multiplying by 2^k mod P is a
  // rotation of the 61-bit residue), then account for the exponent.
  int e;
  double m = std::frexp(v, &e);
  const bool negative = m < 0;
  if (negative) m = -m;
  uint64_t x = 0;
  while (m != 0) {
    x = ((x << 28) & kHashModulus) | (x >> (kHashBits - 28));
    m *= 268435456.0;  // 2^28
    e -= 28;
    const uint64_t digits = static_cast<uint64_t>(m);
    m -= static_cast<double>(digits);
    x += digits;
    if (x >= kHashModulus) x -= kHashModulus;
  }
  // Multiply by 2^e mod P: 2^61 = 1 (mod P), so e reduces mod 61 (a
  // negative e to the equivalent non-negative one).
  e = e >= 0 ? e % kHashBits : kHashBits - 1 - ((-1 - e) % kHashBits);
  x = ((x << e) & kHashModulus) | (x >> (kHashBits - e));
  Py_hash_t h = static_cast<Py_hash_t>(x);
  if (negative) h = -h;
  return h == -1 ? -2 : h;
}

}  // namespace ftrt
