// BigInt: arbitrary-precision integer arithmetic, the slow path of int.
//
// An int object holds its value in one int64_t while it fits (int.h); the
// values beyond that range are BigInts: a sign and a magnitude of 32-bit
// digits, least significant first. This file is the arithmetic alone,
// with no Python objects in it: int.cc converts operands to BigInt when
// the 64-bit fast path overflows (or an operand is already big), computes
// here, and stores the result back in the 64-bit form whenever it fits.
//
// Semantics are Python's throughout: floor division with the remainder
// taking the divisor's sign, right shifts that floor, bitwise operations
// on the infinite two's complement form, hash(n) as n mod 2**61 - 1 with
// n's sign (and -1 mapped to -2), conversions to float correctly rounded
// (half to even), as CPython computes them. The algorithms are the
// schoolbook ones (Knuth's algorithm D for division): the values
// extensions pass around (hashes, 128-bit ids, checksums, byte strings
// read as numbers) are a few digits long.
//
// Results are bounded: an operation whose result would need more than
// kMaxDigits digits fails with MemoryError instead of trying to allocate
// it (1 << 10**12, say). A BigInt is a value: copy it, move it, share it
// read-only between threads.
#ifndef FTRT_OBJECT_BIGINT_H_
#define FTRT_OBJECT_BIGINT_H_

#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace ftrt {

class BigInt {
 public:
  using Digit = uint32_t;
  static constexpr int kDigitBits = 32;
  // 2**31 bits (256 MiB of digits): past this, MemoryError.
  static constexpr size_t kMaxDigits = size_t{1} << 26;

  // Zero.
  BigInt() = default;

  static BigInt FromInt64(int64_t v);
  static BigInt FromUint64(uint64_t v);
  // sign * sum(digits[i] * 2**(32 i)); high zero digits are dropped, and
  // a zero magnitude is zero whatever `negative` says.
  static BigInt FromMagnitude(bool negative, std::span<const Digit> digits);
  // The integer part of v (truncated toward zero). v must be finite.
  static BigInt FromDouble(double v);
  // The number written by `digits` in `base` (2..36): only digit
  // characters ('0'-'9', 'a'-'z', 'A'-'Z', each below base), at least one;
  // no sign, prefix, spaces or underscores (the caller's parser removed
  // them). InvalidArgument (ValueError) for any other character.
  static absl::StatusOr<BigInt> FromDigitString(std::string_view digits, int base,
                                                bool negative);
  // The integer in n bytes (the two's complement form if is_signed).
  static BigInt FromBytes(const uint8_t* bytes, size_t n, bool little_endian, bool is_signed);

  bool negative() const { return negative_; }
  // |v|, least significant digit first, no high zero digits.
  std::span<const Digit> magnitude() const { return mag_; }
  bool IsZero() const { return mag_.empty(); }
  // -1, 0 or 1.
  int Sign() const { return mag_.empty() ? 0 : negative_ ? -1 : 1; }

  bool FitsInt64() const;
  int64_t ToInt64() const;  // requires FitsInt64()
  bool FitsUint64() const;  // 0 <= v < 2**64
  uint64_t ToUint64() const;  // requires FitsUint64()
  // v mod 2**64 (the low 64 bits of the two's complement form), as
  // PyLong_AsUnsignedLongLongMask returns it.
  uint64_t LowBits64() const;
  // The number of bits of |v| (0 for zero), as int.bit_length().
  uint64_t BitLength() const;

  friend std::strong_ordering operator<=>(const BigInt& a, const BigInt& b);
  friend bool operator==(const BigInt& a, const BigInt& b) {
    return a.negative_ == b.negative_ && a.mag_ == b.mag_;
  }
  // v compared with d exactly (unordered if d is NaN; infinities compare
  // beyond every integer).
  std::partial_ordering CompareDouble(double d) const;

  BigInt Negated() const;
  BigInt Abs() const;

  static BigInt Add(const BigInt& a, const BigInt& b);
  static BigInt Subtract(const BigInt& a, const BigInt& b);
  static absl::StatusOr<BigInt> Multiply(const BigInt& a, const BigInt& b);
  // Floor division: a == q * b + r, r has b's sign (or is 0), |r| < |b|.
  // b must not be zero. Either output may be null.
  static void DivMod(const BigInt& a, const BigInt& b, BigInt* q, BigInt* r);
  // a**e for e >= 0. MemoryError when the result would exceed kMaxDigits.
  static absl::StatusOr<BigInt> Power(const BigInt& a, const BigInt& e);
  // a**e mod m for e >= 0, m != 0; the result has m's sign (Python's
  // three-argument pow).
  static BigInt PowerMod(const BigInt& a, const BigInt& e, const BigInt& m);
  // The x in [0, |m|) with a*x == 1 mod |m|; false if gcd(a, m) != 1.
  // m must not be zero. (|m| == 1: x = 0, true.)
  static bool InverseMod(const BigInt& a, const BigInt& m, BigInt* x);
  static BigInt Gcd(const BigInt& a, const BigInt& b);  // >= 0

  // a * 2**n; MemoryError past kMaxDigits.
  static absl::StatusOr<BigInt> ShiftLeft(const BigInt& a, uint64_t n);
  // floor(a / 2**n).
  static BigInt ShiftRight(const BigInt& a, uint64_t n);
  // Bitwise operations on the infinite two's complement forms.
  static BigInt And(const BigInt& a, const BigInt& b);
  static BigInt Or(const BigInt& a, const BigInt& b);
  static BigInt Xor(const BigInt& a, const BigInt& b);
  BigInt Invert() const;  // ~v == -v - 1

  // The nearest double, ties to even. OverflowError "int too large to
  // convert to float" when that is beyond the double range.
  absl::StatusOr<double> ToDouble() const;
  // a / b correctly rounded (ties to even), b != 0. OverflowError
  // "integer division result too large for a float".
  static absl::StatusOr<double> TrueDivide(const BigInt& a, const BigInt& b);
  // hash(v) as CPython computes it for an int: |v| mod (2**61 - 1) with
  // v's sign; -1 becomes -2.
  int64_t Hash() const;

  // The digits in base 2, 8, 10 or 16 (lowercase), a '-' first for a
  // negative value, no prefix. "0" for zero.
  std::string ToString(int base) const;
  // The two's complement form of v in n bytes (is_signed), or the unsigned
  // form; false (out untouched or partly written) when v does not fit, or
  // is negative and !is_signed.
  bool ToBytes(uint8_t* out, size_t n, bool little_endian, bool is_signed) const;

 private:
  bool negative_ = false;
  std::vector<Digit> mag_;
};

}  // namespace ftrt

#endif  // FTRT_OBJECT_BIGINT_H_
