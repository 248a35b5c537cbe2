// Hash functions of the built-in types, with Python's values.
//
// Python requires that objects that compare equal hash equal, across types:
// hash(1) == hash(1.0) == hash(True). So numbers hash by their value modulo
// the Mersenne prime P = 2^61 - 1, as the language reference describes
// ("Hashing of numeric types"): an integer n hashes to n mod P with n's
// sign, a finite float m * 2^e (m, e from frexp) to the same residue of the
// exact rational value, infinities to +-314159, a NaN to its identity. -1
// is never a hash (C slots return it for errors): it becomes -2.
//
// Strings and bytes hash with SipHash-1-3 (Aumasson and Bernstein's SipHash
// with one compression and three finalization rounds, what CPython uses) of
// their stored bytes: for str, the PEP 393 data at its kind's width, so a
// str's hash depends only on its characters. The key is fixed at zero, which
// gives the values CPython gives with PYTHONHASHSEED=0 (the tests check
// that); seeding it per process (hash-flooding protection) is for the
// runtime to add once it reads PYTHONHASHSEED. The empty string hashes to 0.
//
// Tuples combine their items' hashes with the xxHash-style round CPython
// 3.8+ uses, so (1, 2) hashes as in CPython.
#ifndef FTRT_OBJECT_HASH_H_
#define FTRT_OBJECT_HASH_H_

#include <cstddef>
#include <cstdint>

#include "object/cpython_types.h"

namespace ftrt {

// The modulus of numeric hashing and its exponent.
inline constexpr int kHashBits = 61;
inline constexpr uint64_t kHashModulus = (uint64_t{1} << kHashBits) - 1;
inline constexpr Py_hash_t kHashInf = 314159;

// SipHash-1-3 of the bytes, as a Py_hash_t (0 for no bytes; never -1).
Py_hash_t HashBytes(const void* data, size_t len);

// hash(n) for a 64-bit integer.
inline Py_hash_t HashInt64(int64_t v) {
  // |v| mod P with v's sign. INT64_MIN's magnitude fits in uint64_t.
  const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  Py_hash_t h = static_cast<Py_hash_t>(mag % kHashModulus);
  if (v < 0) h = -h;
  return h == -1 ? -2 : h;
}

// hash(x) for a float; `identity` (the float object) hashes a NaN.
Py_hash_t HashDouble(double v, const void* identity);

// The identity hash CPython gives objects without a value hash.
inline Py_hash_t HashPointer(const void* p) {
  // Objects are 16-byte aligned: rotate the always-zero low bits away.
  const uint64_t y = reinterpret_cast<uintptr_t>(p);
  const Py_hash_t h = static_cast<Py_hash_t>((y >> 4) | (y << 60));
  return h == -1 ? -2 : h;
}

// Combines item hashes into a tuple's hash.
class TupleHasher {
 public:
  void Add(Py_hash_t item_hash) {
    acc_ += static_cast<uint64_t>(item_hash) * kPrime2;
    acc_ = (acc_ << 31) | (acc_ >> 33);
    acc_ *= kPrime1;
  }
  Py_hash_t Finish(size_t length) const {
    const uint64_t acc = acc_ + (length ^ (kPrime5 ^ 3527539u));
    if (acc == ~uint64_t{0}) return 1546275796;
    return static_cast<Py_hash_t>(acc);
  }

 private:
  // xxHash's 64-bit primes.
  static constexpr uint64_t kPrime1 = 11400714785074694791ull;
  static constexpr uint64_t kPrime2 = 14029467366897019727ull;
  static constexpr uint64_t kPrime5 = 2870177450012600261ull;
  uint64_t acc_ = kPrime5;
};

}  // namespace ftrt

#endif  // FTRT_OBJECT_HASH_H_
