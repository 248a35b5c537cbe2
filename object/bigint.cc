// Arbitrary-precision integers (see bigint.h).
//
// A magnitude is a std::vector<uint32_t>, least significant digit first,
// with no high zero digits. The helpers in the anonymous namespace work on
// magnitudes alone (spans in, normalized vectors out); the members add the
// signs and Python's rounding rules on top. Every inner loop relies on one
// fact: a digit times a digit plus two digits fits in 64 bits. Division is
// Knuth's algorithm D (TAOCP vol. 2, 4.3.1, as Hacker's Delight's divmnu
// writes it), with the two-digit test that makes its trial quotient at most
// one too large and the "add back" step for that case. Conversions to
// double take the top 64 bits (or a 55- or 56-bit quotient) and a sticky
// bit for everything below, and round once, so they are correctly rounded
// as CPython's are; the hash uses 2**61 == 1 mod 2**61 - 1 to reduce one
// digit at a time, as CPython's long_hash does. Everything is schoolbook:
// multiplication, division and conversion to and from decimal take time
// quadratic in the digit count (CPython switches to Karatsuba past 70
// digits), which is fine for the few-digit values bigint.h is for.
#include "object/bigint.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <utility>

#include "absl/strings/str_format.h"
#include "object/errors.h"
#include "sync/config.h"

namespace ftrt {
namespace {

using Digit = BigInt::Digit;
using Mag = std::vector<Digit>;
using MagView = std::span<const Digit>;

constexpr uint64_t kBase = uint64_t{1} << 32;
constexpr uint64_t kMaxBits = uint64_t{BigInt::kMaxDigits} * BigInt::kDigitBits;

absl::Status TooLarge() {
  return MakeError(ErrorKind::kMemoryError, "integer result too large (more than 2**31 bits)");
}

// --- magnitudes ----------------------------------------------------------------------------

void Trim(Mag& m) {
  while (!m.empty() && m.back() == 0) m.pop_back();
}

Mag MagFromUint64(uint64_t v) {
  Mag m;
  if (v != 0) m.push_back(static_cast<Digit>(v));
  if (v >> 32 != 0) m.push_back(static_cast<Digit>(v >> 32));
  return m;
}

// The low 64 bits of a magnitude.
uint64_t Low64(MagView a) {
  uint64_t v = a.empty() ? 0 : a[0];
  if (a.size() > 1) v |= uint64_t{a[1]} << 32;
  return v;
}

uint64_t BitLengthOf(MagView a) {
  if (a.empty()) return 0;
  return (a.size() - 1) * uint64_t{32} + static_cast<uint64_t>(32 - std::countl_zero(a.back()));
}

bool IsOne(MagView a) { return a.size() == 1 && a[0] == 1; }

bool BitAt(MagView a, uint64_t i) {
  return i / 32 < a.size() && ((a[i / 32] >> (i % 32)) & 1) != 0;
}

int CompareMag(MagView a, MagView b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

Mag AddMag(MagView a, MagView b) {
  if (a.size() < b.size()) std::swap(a, b);
  Mag r(a.size() + 1);
  uint64_t carry = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    carry += a[i];
    if (i < b.size()) carry += b[i];
    r[i] = static_cast<Digit>(carry);
    carry >>= 32;
  }
  r[a.size()] = static_cast<Digit>(carry);
  Trim(r);
  return r;
}

// a - b for a >= b.
Mag SubMag(MagView a, MagView b) {
  FTRT_DCHECK(CompareMag(a, b) >= 0, "SubMag: a < b");
  Mag r(a.size());
  uint64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    // Wraps below zero: the low 32 bits are the digit, the top bit the borrow.
    uint64_t t = uint64_t{a[i]} - (i < b.size() ? b[i] : 0) - borrow;
    r[i] = static_cast<Digit>(t);
    borrow = t >> 63;
  }
  Trim(r);
  return r;
}

// Schoolbook multiplication.
Mag MulMag(MagView a, MagView b) {
  if (a.empty() || b.empty()) return {};
  Mag r(a.size() + b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const uint64_t ai = a[i];
    if (ai == 0) continue;
    uint64_t carry = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      uint64_t t = ai * b[j] + r[i + j] + carry;  // < 2**64
      r[i + j] = static_cast<Digit>(t);
      carry = t >> 32;
    }
    r[i + b.size()] = static_cast<Digit>(carry);
  }
  Trim(r);
  return r;
}

// a * b, or MemoryError when the product would have more than kMaxDigits
// digits. A product has bitlen(a) + bitlen(b) - 1 or + 0 bits: the first
// is checked before allocating, the borderline case (one digit more at
// most) after.
absl::StatusOr<Mag> MulChecked(MagView a, MagView b) {
  if (a.empty() || b.empty()) return Mag{};
  if (BitLengthOf(a) + BitLengthOf(b) - 1 > kMaxBits) return TooLarge();
  Mag r = MulMag(a, b);
  if (r.size() > BigInt::kMaxDigits) return TooLarge();
  return r;
}

// m = m * mul + add, in place.
void MulAddDigit(Mag& m, Digit mul, Digit add) {
  uint64_t carry = add;
  for (Digit& d : m) {
    uint64_t t = uint64_t{d} * mul + carry;
    d = static_cast<Digit>(t);
    carry = t >> 32;
  }
  if (carry != 0) m.push_back(static_cast<Digit>(carry));
}

// m = m / d in place; returns m % d. d != 0.
Digit DivDigitInPlace(Mag& m, Digit d) {
  uint64_t rem = 0;
  for (size_t i = m.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | m[i];
    m[i] = static_cast<Digit>(cur / d);
    rem = cur % d;
  }
  Trim(m);
  return static_cast<Digit>(rem);
}

// The bits of a shifted left by s (0..31) into out[0..a.size()], out
// having room for a.size() + 1 digits.
void ShiftDigitsLeft(MagView a, int s, Digit* out) {
  if (s == 0) {
    std::copy(a.begin(), a.end(), out);
    out[a.size()] = 0;
    return;
  }
  Digit carry = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    out[i] = (a[i] << s) | carry;
    carry = a[i] >> (32 - s);
  }
  out[a.size()] = carry;
}

// Truncating division of magnitudes: a == q * b + r, 0 <= r < b. b is not
// empty; q and r may be null.
void DivModMag(MagView a, MagView b, Mag* q, Mag* r) {
  FTRT_DCHECK(!b.empty(), "DivModMag: division by zero");
  if (CompareMag(a, b) < 0) {
    if (q != nullptr) q->clear();
    if (r != nullptr) r->assign(a.begin(), a.end());
    return;
  }
  if (a.size() <= 2) {  // both fit in 64 bits
    const uint64_t x = Low64(a), y = Low64(b);
    if (q != nullptr) *q = MagFromUint64(x / y);
    if (r != nullptr) *r = MagFromUint64(x % y);
    return;
  }
  if (b.size() == 1) {
    Mag quot(a.begin(), a.end());
    Digit rem = DivDigitInPlace(quot, b[0]);
    if (q != nullptr) *q = std::move(quot);
    if (r != nullptr) *r = MagFromUint64(rem);
    return;
  }
  // Algorithm D. Normalize: shift both so that the divisor's top digit has
  // its high bit set, which bounds the trial quotient's error.
  const size_t n = b.size();
  const size_t m = a.size() - n;
  const int s = std::countl_zero(b.back());
  Mag vn(n + 1);
  Mag un(a.size() + 1);
  ShiftDigitsLeft(b, s, vn.data());  // vn[n] == 0
  ShiftDigitsLeft(a, s, un.data());
  const uint64_t vtop = vn[n - 1];
  const uint64_t vnext = vn[n - 2];
  Mag quot(m + 1);
  for (size_t j = m + 1; j-- > 0;) {
    // Trial quotient from the top two digits of the current remainder
    // over the divisor's top digit, corrected with the next digits of
    // each: after this it is the true digit or one too large.
    const uint64_t num = (uint64_t{un[j + n]} << 32) | un[j + n - 1];
    uint64_t qhat = num / vtop;
    uint64_t rhat = num % vtop;
    while (qhat >= kBase || qhat * vnext > ((rhat << 32) | un[j + n - 2])) {
      --qhat;
      rhat += vtop;
      if (rhat >= kBase) break;
    }
    // un[j..j+n] -= qhat * vn.
    uint64_t borrow = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t p = qhat * vn[i] + borrow;  // <= (2**32 - 1)**2 + 2**32
      const Digit lo = static_cast<Digit>(p);
      borrow = (p >> 32) + (un[i + j] < lo ? 1 : 0);
      un[i + j] -= lo;
    }
    const bool overshot = un[j + n] < borrow;
    un[j + n] = static_cast<Digit>(un[j + n] - borrow);
    if (overshot) {
      // Add back (rare: probability about 2 / 2**32 for random digits).
      --qhat;
      uint64_t carry = 0;
      for (size_t i = 0; i < n; ++i) {
        const uint64_t t = uint64_t{un[i + j]} + vn[i] + carry;
        un[i + j] = static_cast<Digit>(t);
        carry = t >> 32;
      }
      un[j + n] = static_cast<Digit>(un[j + n] + carry);  // the carry out cancels the borrow
    }
    quot[j] = static_cast<Digit>(qhat);
  }
  if (q != nullptr) {
    Trim(quot);
    *q = std::move(quot);
  }
  if (r != nullptr) {
    // The remainder is un[0..n), shifted back.
    r->assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      (*r)[i] = s == 0 ? un[i] : (un[i] >> s) | (un[i + 1] << (32 - s));
    }
    Trim(*r);
  }
}

Mag ShiftLeftMag(MagView a, uint64_t n) {
  if (a.empty()) return {};
  const size_t ds = static_cast<size_t>(n / 32);
  const int bs = static_cast<int>(n % 32);
  Mag r(a.size() + ds + 1);
  ShiftDigitsLeft(a, bs, r.data() + ds);
  Trim(r);
  return r;
}

// a >> n; *lost (if not null) says whether any 1 bit was shifted out.
Mag ShiftRightMag(MagView a, uint64_t n, bool* lost) {
  const uint64_t ds = n / 32;
  const int bs = static_cast<int>(n % 32);
  if (ds >= a.size()) {
    if (lost != nullptr) *lost = !a.empty();
    return {};
  }
  if (lost != nullptr) {
    bool any = bs != 0 && (a[ds] & ((Digit{1} << bs) - 1)) != 0;
    for (size_t i = 0; i < ds && !any; ++i) any = a[i] != 0;
    *lost = any;
  }
  Mag r(a.size() - ds);
  for (size_t i = 0; i < r.size(); ++i) {
    const size_t k = i + ds;
    Digit d = a[k] >> bs;
    if (bs != 0 && k + 1 < a.size()) d |= a[k + 1] << (32 - bs);
    r[i] = d;
  }
  Trim(r);
  return r;
}

// The sum of two signed magnitudes.
void AddSigned(bool an, MagView a, bool bn, MagView b, bool* neg, Mag* mag) {
  if (an == bn) {
    *mag = AddMag(a, b);
    *neg = an && !mag->empty();
    return;
  }
  const int c = CompareMag(a, b);
  if (c == 0) {
    mag->clear();
    *neg = false;
  } else if (c > 0) {
    *mag = SubMag(a, b);
    *neg = an;
  } else {
    *mag = SubMag(b, a);
    *neg = bn;
  }
}

// --- two's complement (bitwise operations, bytes) -------------------------------------------

// Negates a `len`-digit two's complement number in place (mod 2**(32 len)).
void NegateTwos(Mag& d) {
  uint64_t carry = 1;
  for (Digit& x : d) {
    const uint64_t t = uint64_t{static_cast<Digit>(~x)} + carry;
    x = static_cast<Digit>(t);
    carry = t >> 32;
  }
}

// The two's complement form of a signed magnitude in len > mag.size()
// digits (so the top digit is all sign).
Mag ToTwos(bool neg, MagView mag, size_t len) {
  Mag r(len, 0);
  std::copy(mag.begin(), mag.end(), r.begin());
  if (neg) NegateTwos(r);
  return r;
}

// The signed magnitude of a two's complement form (the top bit the sign).
void FromTwos(Mag d, bool* neg, Mag* mag) {
  const bool n = !d.empty() && (d.back() >> 31) != 0;
  if (n) NegateTwos(d);
  Trim(d);
  *neg = n && !d.empty();
  *mag = std::move(d);
}

template <typename Op>
void Bitwise(const BigInt& a, const BigInt& b, Op op, bool* neg, Mag* mag) {
  const size_t len = std::max(a.magnitude().size(), b.magnitude().size()) + 1;
  Mag x = ToTwos(a.negative(), a.magnitude(), len);
  const Mag y = ToTwos(b.negative(), b.magnitude(), len);
  for (size_t i = 0; i < len; ++i) x[i] = op(x[i], y[i]);
  FromTwos(std::move(x), neg, mag);
}

// --- doubles -------------------------------------------------------------------------------

// (x + f) * 2**exp2 rounded to the nearest double, ties to even, where
// 0 <= f < 1 and sticky == (f != 0). Rounds to 53 bits, or to the
// subnormal grid (a multiple of 2**-1074) below 2**-1022; inf past the
// double range. Callers give x enough bits that sticky only matters when
// at least one bit of x is rounded off.
double RoundScaled(uint64_t x, int64_t exp2, bool sticky) {
  if (x == 0) return 0.0;
  const int bits = 64 - std::countl_zero(x);
  const int64_t top = bits - 1 + exp2;                     // the leading bit's exponent
  const int64_t lsb = std::max<int64_t>(top - 52, -1074);  // the result's last bit
  const int64_t drop = lsb - exp2;
  if (drop <= 0) {
    FTRT_DCHECK(!sticky, "RoundScaled: sticky bit with nothing to round");
    return std::ldexp(static_cast<double>(x), static_cast<int>(exp2));
  }
  if (drop > 64) return 0.0;  // x < 2**64 <= half the last place
  uint64_t m = drop == 64 ? 0 : x >> drop;
  const uint64_t rest = drop == 64 ? x : x & ((uint64_t{1} << drop) - 1);
  const uint64_t half = uint64_t{1} << (drop - 1);
  if (rest > half || (rest == half && (sticky || (m & 1) != 0))) ++m;
  // m <= 2**53: exact in a double; ldexp is exact or overflows to inf.
  return std::ldexp(static_cast<double>(m), static_cast<int>(lsb));
}

// --- hashing -------------------------------------------------------------------------------

constexpr uint64_t kHashModulus = (uint64_t{1} << 61) - 1;

// |a| mod 2**61 - 1.
uint64_t HashMag(MagView a) {
  uint64_t h = 0;  // < kHashModulus
  for (size_t i = a.size(); i-- > 0;) {
    // h * 2**32 mod 2**61 - 1 is a 61-bit rotation: the bits that pass
    // 2**61 come back at the bottom (2**61 == 1). It maps only 2**61 - 1
    // (all ones) to itself, so it stays below the modulus.
    h = ((h << 32) & kHashModulus) | (h >> 29);
    h += a[i];
    if (h >= kHashModulus) h -= kHashModulus;
  }
  return h;
}

// --- text ----------------------------------------------------------------------------------

constexpr char kDigitChars[] = "0123456789abcdefghijklmnopqrstuvwxyz";

// The value of a digit character, or 99.
int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// The largest power of base that fits in a digit, and its exponent.
std::pair<Digit, int> ChunkPower(int base) {
  uint64_t p = static_cast<uint64_t>(base);
  int k = 1;
  while (p * static_cast<uint64_t>(base) < kBase) {
    p *= static_cast<uint64_t>(base);
    ++k;
  }
  return {static_cast<Digit>(p), k};
}

bool IsPowerOfTwo(int base) { return std::has_single_bit(static_cast<unsigned>(base)); }

}  // namespace

// --- construction --------------------------------------------------------------------------

BigInt BigInt::FromInt64(int64_t v) {
  BigInt r;
  const uint64_t u = static_cast<uint64_t>(v);
  r.mag_ = MagFromUint64(v < 0 ? 0 - u : u);
  r.negative_ = v < 0;
  return r;
}

BigInt BigInt::FromUint64(uint64_t v) {
  BigInt r;
  r.mag_ = MagFromUint64(v);
  return r;
}

BigInt BigInt::FromMagnitude(bool negative, std::span<const Digit> digits) {
  BigInt r;
  r.mag_.assign(digits.begin(), digits.end());
  Trim(r.mag_);
  r.negative_ = negative && !r.mag_.empty();
  return r;
}

BigInt BigInt::FromDouble(double v) {
  FTRT_DCHECK(std::isfinite(v), "BigInt::FromDouble of a non-finite value");
  BigInt r;
  if (!std::isfinite(v)) return r;
  const double t = std::trunc(std::fabs(v));
  if (t < 18446744073709551616.0) {  // 2**64
    r.mag_ = MagFromUint64(static_cast<uint64_t>(t));
  } else {
    // t == mantissa * 2**(e - 53) with a 53-bit mantissa, e > 64.
    int e = 0;
    const double frac = std::frexp(t, &e);
    const Mag mant = MagFromUint64(static_cast<uint64_t>(std::ldexp(frac, 53)));
    r.mag_ = ShiftLeftMag(mant, static_cast<uint64_t>(e - 53));
  }
  r.negative_ = v < 0 && !r.mag_.empty();
  return r;
}

absl::StatusOr<BigInt> BigInt::FromDigitString(std::string_view digits, int base, bool negative) {
  if (base < 2 || base > 36) {
    return MakeError(ErrorKind::kValueError, "int() base must be >= 2 and <= 36");
  }
  if (digits.empty()) return MakeError(ErrorKind::kValueError, "invalid digit string: no digits");
  for (char c : digits) {
    if (DigitValue(c) >= base) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7f) {
        return Errorf(ErrorKind::kValueError, "invalid digit '%c' in base %d", c, base);
      }
      return Errorf(ErrorKind::kValueError, "invalid digit 0x%02x in base %d", u, base);
    }
  }
  const size_t first = digits.find_first_not_of('0');
  BigInt r;
  if (first == std::string_view::npos) return r;  // all zeros
  digits.remove_prefix(first);
  const uint64_t n = digits.size();
  if (IsPowerOfTwo(base)) {
    // Exact size, then the bits packed from the last character up.
    const int bpc = std::countr_zero(static_cast<unsigned>(base));
    const uint64_t bits =
        (n - 1) * static_cast<uint64_t>(bpc) +
        static_cast<uint64_t>(std::bit_width(static_cast<unsigned>(DigitValue(digits[0]))));
    if (bits > kMaxBits) return TooLarge();
    r.mag_.assign(static_cast<size_t>((bits + 31) / 32), 0);
    uint64_t pos = 0;
    for (size_t i = digits.size(); i-- > 0; pos += static_cast<uint64_t>(bpc)) {
      const uint64_t v = static_cast<uint64_t>(DigitValue(digits[i])) << (pos % 32);
      r.mag_[pos / 32] |= static_cast<Digit>(v);
      if ((v >> 32) != 0) r.mag_[pos / 32 + 1] |= static_cast<Digit>(v >> 32);
    }
    Trim(r.mag_);
  } else {
    // The value is at least base**(n - 1).
    if (static_cast<double>(n - 1) * std::log2(static_cast<double>(base)) >=
        static_cast<double>(kMaxBits)) {
      return TooLarge();
    }
    const auto [chunk_power, chunk_len] = ChunkPower(base);
    r.mag_.reserve(static_cast<size_t>(
        static_cast<double>(n) * std::log2(static_cast<double>(base)) / 32 + 2));
    size_t i = 0;
    while (i < digits.size()) {
      const size_t len = std::min<size_t>(static_cast<size_t>(chunk_len), digits.size() - i);
      Digit mul = len == static_cast<size_t>(chunk_len) ? chunk_power : 1;
      Digit add = 0;
      for (size_t k = 0; k < len; ++k) {
        add = add * static_cast<Digit>(base) + static_cast<Digit>(DigitValue(digits[i + k]));
        if (len != static_cast<size_t>(chunk_len)) mul *= static_cast<Digit>(base);
      }
      MulAddDigit(r.mag_, mul, add);
      i += len;
    }
    Trim(r.mag_);
  }
  r.negative_ = negative && !r.mag_.empty();
  return r;
}

BigInt BigInt::FromBytes(const uint8_t* bytes, size_t n, bool little_endian, bool is_signed) {
  BigInt r;
  if (n == 0) return r;
  Mag d((n + 3) / 4, 0);
  for (size_t i = 0; i < n; ++i) {  // i: the byte's significance
    const uint8_t b = little_endian ? bytes[i] : bytes[n - 1 - i];
    d[i / 4] |= Digit{b} << (8 * (i % 4));
  }
  const uint8_t top = little_endian ? bytes[n - 1] : bytes[0];
  const bool neg = is_signed && (top & 0x80) != 0;
  if (neg) {
    // Sign-extend to whole digits; the magnitude is then the negation.
    for (size_t i = n; i < 4 * d.size(); ++i) d[i / 4] |= Digit{0xff} << (8 * (i % 4));
    NegateTwos(d);
  }
  Trim(d);
  r.mag_ = std::move(d);
  r.negative_ = neg && !r.mag_.empty();
  return r;
}

// --- queries -------------------------------------------------------------------------------

bool BigInt::FitsInt64() const {
  if (mag_.size() > 2) return false;
  const uint64_t u = Low64(mag_);
  return negative_ ? u <= (uint64_t{1} << 63) : u < (uint64_t{1} << 63);
}

int64_t BigInt::ToInt64() const {
  FTRT_DCHECK(FitsInt64(), "BigInt::ToInt64 of a value beyond 64 bits");
  const uint64_t u = Low64(mag_);
  return static_cast<int64_t>(negative_ ? 0 - u : u);
}

bool BigInt::FitsUint64() const { return !negative_ && mag_.size() <= 2; }

uint64_t BigInt::ToUint64() const {
  FTRT_DCHECK(FitsUint64(), "BigInt::ToUint64 of a negative or too large value");
  return Low64(mag_);
}

uint64_t BigInt::LowBits64() const {
  const uint64_t u = Low64(mag_);
  return negative_ ? 0 - u : u;  // -|v| mod 2**64 == -(|v| mod 2**64)
}

uint64_t BigInt::BitLength() const { return BitLengthOf(mag_); }

std::strong_ordering operator<=>(const BigInt& a, const BigInt& b) {
  if (a.negative_ != b.negative_) {
    return a.negative_ ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  const int c = CompareMag(a.mag_, b.mag_);
  return (a.negative_ ? -c : c) <=> 0;
}

std::partial_ordering BigInt::CompareDouble(double d) const {
  if (std::isnan(d)) return std::partial_ordering::unordered;
  if (std::isinf(d)) return d > 0 ? std::partial_ordering::less : std::partial_ordering::greater;
  const int ds = d > 0 ? 1 : d < 0 ? -1 : 0;
  const int vs = Sign();
  if (vs != ds || vs == 0) return vs <=> ds;
  // Same sign: compare |v| with |d| == t + f, t its integer part (exact),
  // 0 <= f < 1.
  const double ad = std::fabs(d);
  int c;
  if (BitLength() > 1024) {
    c = 1;  // |v| >= 2**1024 > every finite double
  } else {
    const BigInt t = FromDouble(ad);
    c = CompareMag(mag_, t.mag_);
    if (c == 0 && std::trunc(ad) != ad) c = -1;
  }
  return (negative_ ? -c : c) <=> 0;
}

// --- arithmetic ----------------------------------------------------------------------------

BigInt BigInt::Negated() const {
  BigInt r = *this;
  r.negative_ = !negative_ && !mag_.empty();
  return r;
}

BigInt BigInt::Abs() const {
  BigInt r = *this;
  r.negative_ = false;
  return r;
}

BigInt BigInt::Add(const BigInt& a, const BigInt& b) {
  BigInt r;
  AddSigned(a.negative_, a.mag_, b.negative_, b.mag_, &r.negative_, &r.mag_);
  return r;
}

BigInt BigInt::Subtract(const BigInt& a, const BigInt& b) {
  BigInt r;
  AddSigned(a.negative_, a.mag_, !b.negative_, b.mag_, &r.negative_, &r.mag_);
  return r;
}

absl::StatusOr<BigInt> BigInt::Multiply(const BigInt& a, const BigInt& b) {
  absl::StatusOr<Mag> m = MulChecked(a.mag_, b.mag_);
  if (!m.ok()) return m.status();
  BigInt r;
  r.mag_ = *std::move(m);
  r.negative_ = a.negative_ != b.negative_ && !r.mag_.empty();
  return r;
}

void BigInt::DivMod(const BigInt& a, const BigInt& b, BigInt* q, BigInt* r) {
  FTRT_CHECK(!b.IsZero(), "BigInt::DivMod: division by zero");
  Mag qm;
  Mag rm;
  DivModMag(a.mag_, b.mag_, q != nullptr ? &qm : nullptr, &rm);
  const bool q_negative = a.negative_ != b.negative_;
  if (q_negative && !rm.empty()) {
    // Floor, not truncation: a/b == -(|a| / |b|) rounds down to
    // -(qm + 1), leaving |b| - rm, with b's sign.
    if (q != nullptr) qm = AddMag(qm, MagFromUint64(1));
    rm = SubMag(b.mag_, rm);
  }
  const bool r_negative = b.negative_ && !rm.empty();
  // Written last: q or r may be a or b.
  if (q != nullptr) {
    q->mag_ = std::move(qm);
    q->negative_ = q_negative && !q->mag_.empty();
  }
  if (r != nullptr) {
    r->mag_ = std::move(rm);
    r->negative_ = r_negative;
  }
}

absl::StatusOr<BigInt> BigInt::Power(const BigInt& a, const BigInt& e) {
  if (e.negative_) return MakeError(ErrorKind::kValueError, "BigInt::Power: negative exponent");
  BigInt r;
  if (e.IsZero()) {
    r.mag_ = {1};
    return r;
  }
  if (a.IsZero()) return r;
  const bool odd = (e.mag_[0] & 1) != 0;
  r.negative_ = a.negative_ && odd;
  if (IsOne(a.mag_)) {
    r.mag_ = {1};
    return r;
  }
  // |a| >= 2: the result has at least (bitlen(a) - 1) * e + 1 bits.
  const uint64_t abits = a.BitLength();
  if (e.mag_.size() > 2 || e.ToUint64() > kMaxBits || abits - 1 > kMaxBits) return TooLarge();
  const uint64_t n = e.ToUint64();
  if ((abits - 1) * n + 1 > kMaxBits) return TooLarge();
  // Left to right square-and-multiply: every intermediate is a power of a
  // no larger than the result, so MulChecked's bound is the result's.
  Mag acc(a.mag_);
  for (int i = 62 - std::countl_zero(n); i >= 0; --i) {
    absl::StatusOr<Mag> sq = MulChecked(acc, acc);
    if (!sq.ok()) return sq.status();
    acc = *std::move(sq);
    if (((n >> i) & 1) != 0) {
      absl::StatusOr<Mag> pr = MulChecked(acc, a.mag_);
      if (!pr.ok()) return pr.status();
      acc = *std::move(pr);
    }
  }
  r.mag_ = std::move(acc);
  return r;
}

BigInt BigInt::PowerMod(const BigInt& a, const BigInt& e, const BigInt& m) {
  FTRT_CHECK(!m.IsZero(), "BigInt::PowerMod: zero modulus");
  FTRT_DCHECK(!e.negative_, "BigInt::PowerMod: negative exponent");
  BigInt r;
  const MagView mod = m.mag_;
  if (IsOne(mod)) return r;
  // base = a mod |m|, in [0, |m|).
  Mag base;
  DivModMag(a.mag_, mod, nullptr, &base);
  if (a.negative_ && !base.empty()) base = SubMag(mod, base);
  Mag acc{1};  // |m| > 1
  auto mul_mod = [&](MagView x, MagView y) {
    Mag rem;
    DivModMag(MulMag(x, y), mod, nullptr, &rem);
    return rem;
  };
  for (uint64_t i = BitLengthOf(e.mag_); i-- > 0;) {
    acc = mul_mod(acc, acc);
    if (BitAt(e.mag_, i)) acc = mul_mod(acc, base);
  }
  if (m.negative_ && !acc.empty()) {
    acc = SubMag(mod, acc);  // acc - |m|: in (m, 0)
    r.negative_ = true;
  }
  r.mag_ = std::move(acc);
  return r;
}

bool BigInt::InverseMod(const BigInt& a, const BigInt& m, BigInt* x) {
  FTRT_CHECK(!m.IsZero(), "BigInt::InverseMod: zero modulus");
  const BigInt modulus = m.Abs();
  if (IsOne(modulus.mag_)) {
    if (x != nullptr) *x = BigInt();
    return true;
  }
  // Extended Euclid, keeping only a's coefficient: r_i == t_i * a mod |m|.
  BigInt r0 = modulus;
  BigInt r1;
  DivMod(a, modulus, nullptr, &r1);
  BigInt t0;
  BigInt t1 = FromInt64(1);
  while (!r1.IsZero()) {
    BigInt q;
    BigInt rem;
    DivMod(r0, r1, &q, &rem);
    r0 = std::move(r1);
    r1 = std::move(rem);
    // |t| stays below |m|: no size check needed.
    BigInt qt;
    qt.mag_ = MulMag(q.mag_, t1.mag_);
    qt.negative_ = q.negative_ != t1.negative_ && !qt.mag_.empty();
    BigInt t2 = Subtract(t0, qt);
    t0 = std::move(t1);
    t1 = std::move(t2);
  }
  if (!IsOne(r0.mag_)) return false;
  if (x != nullptr) DivMod(t0, modulus, nullptr, x);
  return true;
}

BigInt BigInt::Gcd(const BigInt& a, const BigInt& b) {
  BigInt r;
  if (a.mag_.size() <= 2 && b.mag_.size() <= 2) {
    r.mag_ = MagFromUint64(std::gcd(Low64(a.mag_), Low64(b.mag_)));
    return r;
  }
  Mag x = a.mag_;
  Mag y = b.mag_;
  while (!y.empty()) {
    Mag rem;
    DivModMag(x, y, nullptr, &rem);
    x = std::move(y);
    y = std::move(rem);
  }
  r.mag_ = std::move(x);
  return r;
}

absl::StatusOr<BigInt> BigInt::ShiftLeft(const BigInt& a, uint64_t n) {
  if (a.IsZero()) return BigInt();
  if (n > kMaxBits || a.BitLength() + n > kMaxBits) return TooLarge();
  BigInt r;
  r.mag_ = ShiftLeftMag(a.mag_, n);
  r.negative_ = a.negative_;
  return r;
}

BigInt BigInt::ShiftRight(const BigInt& a, uint64_t n) {
  BigInt r;
  bool lost = false;
  r.mag_ = ShiftRightMag(a.mag_, n, a.negative_ ? &lost : nullptr);
  if (a.negative_) {
    // floor(-x / 2**n) == -ceil(x / 2**n).
    if (lost) r.mag_ = AddMag(r.mag_, MagFromUint64(1));
    r.negative_ = !r.mag_.empty();
  }
  return r;
}

BigInt BigInt::And(const BigInt& a, const BigInt& b) {
  BigInt r;
  Bitwise(a, b, std::bit_and<Digit>(), &r.negative_, &r.mag_);
  return r;
}

BigInt BigInt::Or(const BigInt& a, const BigInt& b) {
  BigInt r;
  Bitwise(a, b, std::bit_or<Digit>(), &r.negative_, &r.mag_);
  return r;
}

BigInt BigInt::Xor(const BigInt& a, const BigInt& b) {
  BigInt r;
  Bitwise(a, b, std::bit_xor<Digit>(), &r.negative_, &r.mag_);
  return r;
}

BigInt BigInt::Invert() const {
  // ~v == -(v + 1).
  BigInt r;
  const Digit one = 1;
  AddSigned(negative_, mag_, false, MagView(&one, 1), &r.negative_, &r.mag_);
  r.negative_ = !r.negative_ && !r.mag_.empty();
  return r;
}

// --- conversions ---------------------------------------------------------------------------

absl::StatusOr<double> BigInt::ToDouble() const {
  const uint64_t bits = BitLength();
  double d = std::numeric_limits<double>::infinity();
  if (bits <= 1024) {
    // The top 64 bits and whether anything below them is set.
    const uint64_t shift = bits > 64 ? bits - 64 : 0;
    bool sticky = false;
    const uint64_t top = Low64(ShiftRightMag(mag_, shift, &sticky));
    d = RoundScaled(top, static_cast<int64_t>(shift), sticky);
  }
  if (std::isinf(d)) {
    return MakeError(ErrorKind::kOverflowError, "int too large to convert to float");
  }
  return negative_ ? -d : d;
}

absl::StatusOr<double> BigInt::TrueDivide(const BigInt& a, const BigInt& b) {
  FTRT_CHECK(!b.IsZero(), "BigInt::TrueDivide: division by zero");
  const bool neg = a.negative_ != b.negative_;
  const uint64_t abits = a.BitLength();
  const uint64_t bbits = b.BitLength();
  if (abits <= 53 && bbits <= 53) {
    // Both exact as doubles: one IEEE division rounds correctly.
    const double x = static_cast<double>(Low64(a.mag_));
    const double y = static_cast<double>(Low64(b.mag_));
    return (a.negative_ ? -x : x) / (b.negative_ ? -y : y);
  }
  // |a| / |b| is in [2**(diff - 1), 2**(diff + 1)).
  const int64_t diff = static_cast<int64_t>(abits) - static_cast<int64_t>(bbits);
  double d = 0.0;
  if (diff > 1025) {
    d = std::numeric_limits<double>::infinity();
  } else if (diff >= -1080) {  // below that, under 2**-1079: rounds to 0
    // x = floor(|a| / (|b| * 2**k)) with at least 55 bits (53, a rounding
    // bit and one more), or, for a subnormal result, three bits below the
    // last place; sticky says whether the division was inexact.
    const int64_t k = std::max<int64_t>(diff - 55, -1077);
    bool sticky = false;
    Mag num;
    if (k >= 0) {
      num = ShiftRightMag(a.mag_, static_cast<uint64_t>(k), &sticky);
    } else {
      num = ShiftLeftMag(a.mag_, static_cast<uint64_t>(-k));
    }
    Mag quot;
    Mag rem;
    DivModMag(num, b.mag_, &quot, &rem);
    FTRT_DCHECK(quot.size() <= 2, "TrueDivide: quotient of %zu digits", quot.size());
    sticky = sticky || !rem.empty();
    d = RoundScaled(Low64(quot), k, sticky);
  }
  if (std::isinf(d)) {
    return MakeError(ErrorKind::kOverflowError, "integer division result too large for a float");
  }
  return neg ? -d : d;
}

int64_t BigInt::Hash() const {
  const int64_t h = static_cast<int64_t>(HashMag(mag_));
  if (!negative_) return h;
  return h == 1 ? -2 : -h;
}

std::string BigInt::ToString(int base) const {
  FTRT_CHECK(base >= 2 && base <= 36, "BigInt::ToString: base %d", base);
  if (mag_.empty()) return "0";
  std::string out;  // least significant character first, then reversed
  if (IsPowerOfTwo(base)) {
    const int bpc = std::countr_zero(static_cast<unsigned>(base));
    const uint64_t mask = static_cast<uint64_t>(base) - 1;
    const uint64_t bits = BitLength();
    out.reserve(static_cast<size_t>(bits / static_cast<uint64_t>(bpc) + 2));
    for (uint64_t pos = 0; pos < bits; pos += static_cast<uint64_t>(bpc)) {
      const size_t i = static_cast<size_t>(pos / 32);
      uint64_t window = mag_[i];
      if (i + 1 < mag_.size()) window |= uint64_t{mag_[i + 1]} << 32;
      out.push_back(kDigitChars[(window >> (pos % 32)) & mask]);
    }
  } else {
    // Repeated division by the largest power of base in a digit (10**9
    // for base 10): quadratic, and ints past 4300 decimal digits are
    // refused before they get here (int.h).
    const auto [chunk_power, chunk_len] = ChunkPower(base);
    Mag m = mag_;
    while (!m.empty()) {
      Digit chunk = DivDigitInPlace(m, chunk_power);
      for (int k = 0; k < chunk_len && (chunk != 0 || !m.empty()); ++k) {
        out.push_back(kDigitChars[chunk % static_cast<Digit>(base)]);
        chunk /= static_cast<Digit>(base);
      }
    }
  }
  if (negative_) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

bool BigInt::ToBytes(uint8_t* out, size_t n, bool little_endian, bool is_signed) const {
  if (negative_ && !is_signed) return false;
  const uint64_t bits = BitLength();
  const uint64_t limit = uint64_t{n} * 8;
  if (!is_signed) {
    if (bits > limit) return false;
  } else if (!negative_) {
    if (bits != 0 && bits >= limit) return false;  // room for a 0 sign bit
  } else if (n == 0) {
    // CPython writes -1 into no bytes ((-1).to_bytes(0, signed=True) is
    // b''): its form is the sign alone. Nothing else fits.
    if (!IsOne(mag_)) return false;
  } else {
    // -2**(limit - 1) <= v: |v| < 2**(limit - 1), or exactly that.
    const bool power_of_two =
        bits != 0 && std::has_single_bit(mag_.back()) &&
        std::all_of(mag_.begin(), mag_.end() - 1, [](Digit d) { return d == 0; });
    if (bits > limit || (bits == limit && !power_of_two)) return false;
  }
  uint32_t carry = 1;  // two's complement: ~|v| + 1, byte by byte
  for (size_t i = 0; i < n; ++i) {
    uint32_t b = i / 4 < mag_.size() ? (mag_[i / 4] >> (8 * (i % 4))) & 0xff : 0;
    if (negative_) {
      b = (~b & 0xff) + carry;
      carry = b >> 8;
      b &= 0xff;
    }
    out[little_endian ? i : n - 1 - i] = static_cast<uint8_t>(b);
  }
  return true;
}

}  // namespace ftrt
