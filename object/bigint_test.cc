// Tests for object/bigint.h. Every expected value was computed with python3
// (3.11). The hand-picked cases (zero, +-1, the 64-bit boundaries, carries,
// algorithm D's add back, ties in the double conversions, CPython's error
// messages) are written out as literals, the tables with the Python
// expression that made their columns. The random cases at the end draw their
// operands from a splitmix64 generator that this file and the Python script
// at its bottom share; each case's results are joined into one string, and
// the tables hold the strings' FNV-1a hashes as Python computed them. A
// failing random case prints its string: save the script as gen.py and
// `python3 gen.py General 17` prints Python's.
#include "object/bigint.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "object/errors.h"

namespace ftrt {
namespace {

// Parses an optionally signed number in `base`.
BigInt Parse(std::string_view s, int base) {
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  absl::StatusOr<BigInt> v = BigInt::FromDigitString(s, base, negative);
  EXPECT_TRUE(v.ok()) << v.status() << " parsing " << s;
  return v.ok() ? *v : BigInt();
}
BigInt N(std::string_view s) { return Parse(s, 10); }
BigInt H(std::string_view s) { return Parse(s, 16); }
std::string Dec(const BigInt& v) { return v.ToString(10); }
std::string Hex(const BigInt& v) { return v.ToString(16); }

BigInt Pow2(uint64_t n) { return *BigInt::ShiftLeft(BigInt::FromInt64(1), n); }
BigInt I(int64_t v) { return BigInt::FromInt64(v); }

uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

double ToDoubleOk(const BigInt& v) {
  absl::StatusOr<double> d = v.ToDouble();
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *d : std::nan("");
}

double DivideOk(const BigInt& a, const BigInt& b) {
  absl::StatusOr<double> d = BigInt::TrueDivide(a, b);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *d : std::nan("");
}

// --- construction and queries --------------------------------------------------------------

TEST(BigIntTest, ZeroIsEmptyAndNonNegative) {
  const BigInt zero;
  EXPECT_TRUE(zero.IsZero());
  EXPECT_FALSE(zero.negative());
  EXPECT_EQ(zero.Sign(), 0);
  EXPECT_TRUE(zero.magnitude().empty());
  EXPECT_EQ(Dec(zero), "0");
  EXPECT_EQ(zero.ToString(2), "0");
  EXPECT_EQ(I(0), zero);
  EXPECT_EQ(BigInt::FromUint64(0), zero);
  const BigInt::Digit zeros[] = {0, 0, 0};
  EXPECT_EQ(BigInt::FromMagnitude(true, zeros), zero);
  EXPECT_FALSE(BigInt::FromMagnitude(true, zeros).negative());
  EXPECT_EQ(BigInt::FromMagnitude(true, {}), zero);
  EXPECT_FALSE(zero.Negated().negative());
  EXPECT_FALSE(BigInt::Subtract(Pow2(64), Pow2(64)).negative());
  EXPECT_FALSE(BigInt::Add(Pow2(64).Negated(), Pow2(64)).negative());
  EXPECT_FALSE(BigInt::FromDouble(-0.5).negative());
  EXPECT_FALSE(N("-0").negative());
  EXPECT_FALSE((*BigInt::Multiply(I(-5), zero)).negative());
}

TEST(BigIntTest, FromIntegersAndMagnitude) {
  EXPECT_EQ(Dec(I(1)), "1");
  EXPECT_EQ(Dec(I(-1)), "-1");
  EXPECT_EQ(Dec(I(std::numeric_limits<int64_t>::max())), "9223372036854775807");
  EXPECT_EQ(Dec(I(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(Dec(BigInt::FromUint64(~uint64_t{0})), "18446744073709551615");
  const BigInt m = I(std::numeric_limits<int64_t>::min());
  ASSERT_EQ(m.magnitude().size(), 2u);
  EXPECT_EQ(m.magnitude()[0], 0u);
  EXPECT_EQ(m.magnitude()[1], 0x80000000u);
  EXPECT_EQ(m.Sign(), -1);
  EXPECT_EQ(I(7).Sign(), 1);
  EXPECT_EQ(I(1).magnitude().size(), 1u);
  EXPECT_EQ(BigInt::FromUint64(uint64_t{1} << 32).magnitude().size(), 2u);
  // High zero digits are dropped.
  const BigInt::Digit digits[] = {5, 0, 1, 0, 0};
  const BigInt v = BigInt::FromMagnitude(true, digits);
  EXPECT_EQ(v.magnitude().size(), 3u);
  EXPECT_EQ(Dec(v), "-18446744073709551621");
  EXPECT_EQ(v.Abs(), N("18446744073709551621"));
  EXPECT_EQ(v.Negated(), N("18446744073709551621"));
  EXPECT_EQ(v.Negated().Negated(), v);
}

TEST(BigIntTest, SixtyFourBitBoundaries) {
  const BigInt max63 = N("9223372036854775807");   // 2**63 - 1
  const BigInt two63 = N("9223372036854775808");   // 2**63
  const BigInt min63 = N("-9223372036854775808");  // -2**63
  const BigInt below = N("-9223372036854775809");  // -2**63 - 1
  EXPECT_TRUE(max63.FitsInt64());
  EXPECT_EQ(max63.ToInt64(), std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(two63.FitsInt64());
  EXPECT_TRUE(min63.FitsInt64());
  EXPECT_EQ(min63.ToInt64(), std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(below.FitsInt64());
  EXPECT_TRUE(I(-1).FitsInt64());
  EXPECT_EQ(I(-1).ToInt64(), -1);
  EXPECT_EQ(BigInt().ToInt64(), 0);
  EXPECT_FALSE(Pow2(64).FitsInt64());
  EXPECT_FALSE(Pow2(64).Negated().FitsInt64());

  const BigInt max64 = N("18446744073709551615");
  EXPECT_TRUE(max64.FitsUint64());
  EXPECT_EQ(max64.ToUint64(), ~uint64_t{0});
  EXPECT_TRUE(two63.FitsUint64());
  EXPECT_EQ(two63.ToUint64(), uint64_t{1} << 63);
  EXPECT_FALSE(Pow2(64).FitsUint64());
  EXPECT_FALSE(I(-1).FitsUint64());
  EXPECT_TRUE(BigInt().FitsUint64());
  EXPECT_EQ(BigInt().ToUint64(), 0u);

  EXPECT_EQ(I(-1).LowBits64(), ~uint64_t{0});
  EXPECT_EQ(N("18446744073709551621").LowBits64(), 5u);                 // 2**64 + 5
  EXPECT_EQ(N("-18446744073709551621").LowBits64(), ~uint64_t{0} - 4);  // -(2**64 + 5)
  EXPECT_EQ(H("fffffffffffffffffffffffff").LowBits64(), ~uint64_t{0});  // 2**100 - 1
  EXPECT_EQ(H("-123456789abcdef0123456789").LowBits64(), 0 - uint64_t{0xabcdef0123456789});
  EXPECT_EQ(min63.LowBits64(), uint64_t{1} << 63);
  EXPECT_EQ(BigInt().LowBits64(), 0u);

  EXPECT_EQ(BigInt().BitLength(), 0u);
  EXPECT_EQ(I(1).BitLength(), 1u);
  EXPECT_EQ(I(-1).BitLength(), 1u);
  EXPECT_EQ(I(255).BitLength(), 8u);
  EXPECT_EQ(Pow2(32).BitLength(), 33u);
  EXPECT_EQ(N("4294967295").BitLength(), 32u);
  EXPECT_EQ(Pow2(64).Negated().BitLength(), 65u);
  EXPECT_EQ(Pow2(1000).BitLength(), 1001u);
}

TEST(BigIntTest, OrderingIsTotal) {
  // In increasing order.
  const std::vector<BigInt> sorted = {
      Pow2(100).Negated(),
      N("-18446744073709551617"),
      N("-18446744073709551616"),
      N("-4294967296"),
      I(-2),
      I(-1),
      BigInt(),
      I(1),
      I(2),
      N("4294967295"),
      N("4294967296"),
      N("18446744073709551615"),
      N("18446744073709551616"),
      N("79228162514264337593543950335"),
      Pow2(96),
      Pow2(100),
  };
  for (size_t i = 0; i < sorted.size(); ++i) {
    for (size_t j = 0; j < sorted.size(); ++j) {
      EXPECT_EQ(sorted[i] <=> sorted[j], i <=> j) << i << " vs " << j;
      EXPECT_EQ(sorted[i] == sorted[j], i == j) << i << " vs " << j;
    }
  }
  EXPECT_EQ(N("79228162514264337593543950336"), Pow2(96));  // built two ways
}

TEST(BigIntTest, CompareDoubleIsExact) {
  using PO = std::partial_ordering;
  const BigInt two53 = N("9007199254740992");
  EXPECT_EQ(two53.CompareDouble(9007199254740992.0), PO::equivalent);
  EXPECT_EQ(N("9007199254740993").CompareDouble(9007199254740992.0), PO::greater);
  EXPECT_EQ(N("9007199254740991").CompareDouble(9007199254740992.0), PO::less);
  EXPECT_EQ(N("-9007199254740993").CompareDouble(-9007199254740992.0), PO::less);
  EXPECT_EQ(Pow2(64).CompareDouble(18446744073709551616.0), PO::equivalent);
  EXPECT_EQ(N("18446744073709551615").CompareDouble(18446744073709551616.0), PO::less);
  // 1e300 is 10**300 + 52504760255204420248704...: larger than 10**300.
  const BigInt e300 =
      N("10000000000000000525047602552044202487044685811081591549158541155118024579889081957863713"
        "75080447864043704443832883878176942523235360430575644792184786706982848387200926575803737"
        "83023379478809005936895323497079994508111903896764088007465274278014249457925878882005684"
        "2838115669472196386865459400540160");
  EXPECT_EQ(e300.CompareDouble(1e300), PO::equivalent);
  EXPECT_EQ(BigInt::Add(e300, I(1)).CompareDouble(1e300), PO::greater);
  EXPECT_EQ(BigInt::Subtract(e300, I(1)).CompareDouble(1e300), PO::less);
  const BigInt p300 = *BigInt::Power(I(10), I(300));
  EXPECT_EQ(p300.CompareDouble(1e300), PO::less);
  EXPECT_EQ(p300.Negated().CompareDouble(-1e300), PO::greater);
  // Infinities, NaN, zeros, fractions.
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(Pow2(5000).CompareDouble(inf), PO::less);
  EXPECT_EQ(Pow2(5000).Negated().CompareDouble(-inf), PO::greater);
  EXPECT_EQ(BigInt().CompareDouble(-inf), PO::greater);
  EXPECT_EQ(Pow2(5000).CompareDouble(std::nan("")), PO::unordered);
  EXPECT_EQ(BigInt().CompareDouble(std::nan("")), PO::unordered);
  EXPECT_EQ(BigInt().CompareDouble(0.0), PO::equivalent);
  EXPECT_EQ(BigInt().CompareDouble(-0.0), PO::equivalent);
  EXPECT_EQ(BigInt().CompareDouble(0.5), PO::less);
  EXPECT_EQ(BigInt().CompareDouble(-5e-324), PO::greater);
  EXPECT_EQ(I(1).CompareDouble(0.5), PO::greater);
  EXPECT_EQ(I(-1).CompareDouble(-0.5), PO::less);
  EXPECT_EQ(I(5).CompareDouble(5.5), PO::less);
  EXPECT_EQ(I(-5).CompareDouble(-5.5), PO::greater);
  EXPECT_EQ(I(-5).CompareDouble(3.0), PO::less);
  EXPECT_EQ(I(5).CompareDouble(-3.0), PO::greater);
  const double dmax = std::numeric_limits<double>::max();
  EXPECT_EQ(Pow2(1024).CompareDouble(dmax), PO::greater);
  EXPECT_EQ(Pow2(1024).Negated().CompareDouble(-dmax), PO::less);
  EXPECT_EQ(BigInt::Subtract(Pow2(1024), Pow2(971)).CompareDouble(dmax), PO::equivalent);
  EXPECT_EQ(Pow2(2000).Negated().CompareDouble(dmax), PO::less);
}

TEST(BigIntTest, FromDoubleIsExact) {
  EXPECT_EQ(Dec(BigInt::FromDouble(1e300)),
            "1000000000000000052504760255204420248704468581108159154915854115511802457988908195"
            "7863713750804478640437044438328838781769425232353604305756447921847867069828483872"
            "0092657580373783023379478809005936895323497079994508111903896764088007465274278014"
            "2494579258788820056842838115669472196386865459400540160");
  EXPECT_EQ(BigInt::FromDouble(std::numeric_limits<double>::max()),
            BigInt::Subtract(Pow2(1024), Pow2(971)));
  EXPECT_EQ(BigInt::FromDouble(-std::numeric_limits<double>::max()),
            BigInt::Subtract(Pow2(971), Pow2(1024)));
  EXPECT_EQ(Dec(BigInt::FromDouble(-2.5)), "-2");
  EXPECT_EQ(Dec(BigInt::FromDouble(2.9999)), "2");
  EXPECT_EQ(Dec(BigInt::FromDouble(0.9)), "0");
  EXPECT_EQ(Dec(BigInt::FromDouble(-0.0)), "0");
  EXPECT_EQ(Dec(BigInt::FromDouble(5e-324)), "0");
  EXPECT_EQ(Dec(BigInt::FromDouble(9223372036854775808.0)), "9223372036854775808");
  EXPECT_EQ(Dec(BigInt::FromDouble(-9223372036854775808.0)), "-9223372036854775808");
  EXPECT_EQ(Dec(BigInt::FromDouble(18446744073709551616.0)), "18446744073709551616");
  EXPECT_EQ(Dec(BigInt::FromDouble(18446744073709549568.0)), "18446744073709549568");
  EXPECT_EQ(Dec(BigInt::FromDouble(2251799813685248.5)), "2251799813685248");
}

// --- text ----------------------------------------------------------------------------------

TEST(BigIntTest, FromDigitStringInAnyBase) {
  EXPECT_EQ(Dec(*BigInt::FromDigitString("zz9Az", 36, false)), "60431579");
  EXPECT_EQ(Dec(*BigInt::FromDigitString("ZZ", 36, true)), "-1295");
  EXPECT_EQ(Dec(*BigInt::FromDigitString("777", 8, false)), "511");
  EXPECT_EQ(Dec(*BigInt::FromDigitString(std::string(70, '1'), 2, false)),
            "1180591620717411303423");
  EXPECT_EQ(Dec(*BigInt::FromDigitString("deadBEEFcafe0123456789", 16, false)),
            "269202023516260331422050185");
  EXPECT_EQ(Dec(*BigInt::FromDigitString("66666666666666666666666", 7, false)),
            "27368747340080916342");
  EXPECT_EQ(Dec(*BigInt::FromDigitString("123456789012345678901234567890", 10, true)),
            "-123456789012345678901234567890");
  EXPECT_EQ(Dec(*BigInt::FromDigitString("00000000000000000000000000000000000001f", 16, false)),
            "31");
  EXPECT_EQ(Dec(*BigInt::FromDigitString("0000", 10, true)), "0");
  EXPECT_FALSE(BigInt::FromDigitString("0000", 10, true)->negative());
  EXPECT_EQ(Dec(*BigInt::FromDigitString("1", 2, false)), "1");
  EXPECT_EQ(Dec(*BigInt::FromDigitString("10000000000000000", 16, false)), "18446744073709551616");
  EXPECT_EQ(Dec(*BigInt::FromDigitString("4000000000000000000000", 8, false)),
            "36893488147419103232");  // 2**65: crosses a digit boundary mid-character
}

TEST(BigIntTest, FromDigitStringRejectsBadInput) {
  auto expect_value_error = [](std::string_view s, int base) {
    absl::StatusOr<BigInt> v = BigInt::FromDigitString(s, base, false);
    ASSERT_FALSE(v.ok()) << s;
    EXPECT_EQ(KindOf(v.status()), ErrorKind::kValueError) << s;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << s;
  };
  expect_value_error("", 10);
  expect_value_error("12a", 10);
  expect_value_error("2", 2);
  expect_value_error("8", 8);
  expect_value_error("g", 16);
  expect_value_error(" 1", 10);
  expect_value_error("1_000", 10);
  expect_value_error("+1", 10);
  expect_value_error("-1", 10);
  expect_value_error("0x10", 16);
  expect_value_error("1\xff", 10);
  expect_value_error(std::string_view("1\0", 2), 10);
  expect_value_error("1", 1);
  expect_value_error("1", 37);
  absl::StatusOr<BigInt> v = BigInt::FromDigitString("12a4", 10, false);
  EXPECT_NE(v.status().message().find("invalid digit"), std::string_view::npos)
      << v.status().message();
}

TEST(BigIntTest, ToStringInEachBase) {
  struct Case {
    const char* dec;
    const char* bin;
    const char* oct;
    const char* hex;
  };
  const Case cases[] = {
      {"18446744073709551616", "10000000000000000000000000000000000000000000000000000000000000000",
       "2000000000000000000000", "10000000000000000"},
      {"-18446744073709551616",
       "-10000000000000000000000000000000000000000000000000000000000000000",
       "-2000000000000000000000", "-10000000000000000"},
      // Zero chunks inside the decimal digits (10**18 + 1, 10**27 + 1).
      {"1000000000000000001", "110111100000101101101011001110100111011001000000000000000001",
       "67405553164731000001", "de0b6b3a7640001"},
      {"1000000000000000000000000001",
       "110011101100101110001111001001111111010000100000000011110011101000000000000000000000000001",
       "635456171177204003635000000001", "33b2e3c9fd0803ce8000001"},
      {"-1000000000", "-111011100110101100101000000000", "-7346545000", "-3b9aca00"},
      {"999999999", "111011100110101100100111111111", "7346544777", "3b9ac9ff"},
      {"1267650600228229401496703217721",
       "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"
       "1000000111001",
       "2000000000000000000000000000030071", "10000000000000000000003039"},
      {"-1", "-1", "-1", "-1"},
      {"7", "111", "7", "7"},
  };
  for (const Case& c : cases) {
    const BigInt v = N(c.dec);
    EXPECT_EQ(v.ToString(10), c.dec);
    EXPECT_EQ(v.ToString(2), c.bin);
    EXPECT_EQ(v.ToString(8), c.oct);
    EXPECT_EQ(v.ToString(16), c.hex);
    EXPECT_EQ(Parse(c.bin, 2), v);
    EXPECT_EQ(Parse(c.oct, 8), v);
    EXPECT_EQ(Parse(c.hex, 16), v);
  }
  EXPECT_EQ(BigInt().ToString(16), "0");
  EXPECT_EQ(Pow2(1000).ToString(16), "1" + std::string(250, '0'));
  EXPECT_EQ(Pow2(1000).ToString(2), "1" + std::string(1000, '0'));
}

// --- arithmetic ----------------------------------------------------------------------------

TEST(BigIntTest, AddAndSubtractCarry) {
  const BigInt ones96 = N("79228162514264337593543950335");  // 2**96 - 1
  EXPECT_EQ(BigInt::Add(ones96, I(1)), Pow2(96));
  EXPECT_EQ(BigInt::Subtract(Pow2(96), I(1)), ones96);
  EXPECT_EQ(BigInt::Subtract(I(1), Pow2(96)), ones96.Negated());
  EXPECT_EQ(BigInt::Add(Pow2(96).Negated(), I(1)), ones96.Negated());
  EXPECT_EQ(BigInt::Add(ones96, ones96), N("158456325028528675187087900670"));
  EXPECT_EQ(BigInt::Add(ones96.Negated(), ones96.Negated()), N("-158456325028528675187087900670"));
  EXPECT_EQ(BigInt::Subtract(ones96, ones96.Negated()), N("158456325028528675187087900670"));
  EXPECT_EQ(BigInt::Add(I(-5), I(3)), I(-2));
  EXPECT_EQ(BigInt::Add(I(5), I(-3)), I(2));
  EXPECT_EQ(BigInt::Subtract(I(-5), I(-3)), I(-2));
  EXPECT_EQ(BigInt::Subtract(BigInt(), I(-3)), I(3));
  EXPECT_EQ(BigInt::Add(Pow2(64), Pow2(64).Negated()), BigInt());
  // 2**64 - (2**32 + 1): the borrow runs through a zero digit.
  EXPECT_EQ(Dec(BigInt::Subtract(Pow2(64), N("4294967297"))), "18446744069414584319");
}

TEST(BigIntTest, Multiply) {
  const BigInt max64 = N("18446744073709551615");
  EXPECT_EQ(Dec(*BigInt::Multiply(max64, max64)), "340282366920938463426481119284349108225");
  EXPECT_EQ(Dec(*BigInt::Multiply(max64.Negated(), max64)),
            "-340282366920938463426481119284349108225");
  EXPECT_EQ(Dec(*BigInt::Multiply(max64.Negated(), max64.Negated())),
            "340282366920938463426481119284349108225");
  EXPECT_EQ(*BigInt::Multiply(I(-1), Pow2(200)), Pow2(200).Negated());
  EXPECT_EQ(*BigInt::Multiply(BigInt(), Pow2(200).Negated()), BigInt());
  EXPECT_EQ(*BigInt::Multiply(Pow2(100), Pow2(200)), Pow2(300));
}

TEST(BigIntTest, ResultsPastMaxDigitsAreMemoryErrors) {
  constexpr uint64_t kMaxBits = uint64_t{BigInt::kMaxDigits} * 32;
  auto expect_memory_error = [](const absl::StatusOr<BigInt>& v) {
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(KindOf(v.status()), ErrorKind::kMemoryError);
  };
  expect_memory_error(BigInt::ShiftLeft(I(1), 1'000'000'000'000));
  expect_memory_error(BigInt::ShiftLeft(I(-1), 1'000'000'000'000));
  expect_memory_error(BigInt::ShiftLeft(I(5), ~uint64_t{0}));
  expect_memory_error(BigInt::ShiftLeft(I(1), kMaxBits));  // kMaxBits + 1 bits
  expect_memory_error(BigInt::ShiftLeft(Pow2(100), kMaxBits - 100));
  expect_memory_error(BigInt::Power(I(2), N("1000000000000")));
  expect_memory_error(BigInt::Power(I(-3), N("1000000000000")));
  expect_memory_error(BigInt::Power(I(2), I(int64_t{kMaxBits})));  // 2**31 + 1 bits
  expect_memory_error(BigInt::Power(Pow2(100), N("100000000000000000000000000000")));
  expect_memory_error(BigInt::Power(I(3), N("1000000000000")));
  // 2**(2**30), 2**25 + 1 digits (128 MiB): its square would need 2**26 + 1.
  const BigInt big = Pow2(uint64_t{1} << 30);
  expect_memory_error(BigInt::Multiply(big, big));
  expect_memory_error(BigInt::Power(big, I(2)));
  // Zero shifts by any amount.
  EXPECT_EQ(*BigInt::ShiftLeft(BigInt(), 1'000'000'000'000), BigInt());
}

TEST(BigIntTest, PowerOfZeroAndOneIsImmediate) {
  const BigInt huge = Pow2(5000);  // no way to compute 2**(2**5000)
  const BigInt huge_odd = BigInt::Add(huge, I(1));
  EXPECT_EQ(*BigInt::Power(BigInt(), huge), BigInt());
  EXPECT_EQ(*BigInt::Power(I(1), huge_odd), I(1));
  EXPECT_EQ(*BigInt::Power(I(-1), huge), I(1));
  EXPECT_EQ(*BigInt::Power(I(-1), huge_odd), I(-1));
  EXPECT_EQ(*BigInt::Power(I(-1), N("1000000000000000000000000000000")), I(1));
  EXPECT_EQ(*BigInt::Power(I(-1), N("1000000000000000000000000000001")), I(-1));
  EXPECT_EQ(*BigInt::Power(BigInt(), BigInt()), I(1));  // 0**0
  EXPECT_EQ(*BigInt::Power(Pow2(300).Negated(), BigInt()), I(1));
  EXPECT_EQ(*BigInt::Power(I(-2), I(1)), I(-2));
  EXPECT_EQ(*BigInt::Power(I(-2), I(63)), I(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(Dec(*BigInt::Power(I(-3), I(41))), "-36472996377170786403");
  EXPECT_EQ(Dec(*BigInt::Power(N("-18446744073709551617"), I(3))),
            "-6277101735386680764856636523970481806547819498980467802113");
  EXPECT_EQ(*BigInt::Power(I(2), I(4000)), Pow2(4000));
}

// Floor division in all four sign combinations (Python's // and %).
TEST(BigIntTest, DivModFloors) {
  struct Case {
    const char *a, *b, *q, *r;
  };
  const Case cases[] = {
      // python3: (x, y, x // y, x % y)
      {"7", "2", "3", "1"},
      {"-7", "2", "-4", "1"},
      {"7", "-2", "-4", "-1"},
      {"-7", "-2", "3", "-1"},
      {"6", "3", "2", "0"},
      {"-6", "3", "-2", "0"},
      {"6", "-3", "-2", "0"},
      {"-6", "-3", "2", "0"},
      {"0", "5", "0", "0"},
      {"0", "-5", "0", "0"},
      {"1", "18446744073709551616", "0", "1"},
      {"-1", "18446744073709551616", "-1", "18446744073709551615"},
      {"1", "-18446744073709551616", "-1", "-18446744073709551615"},
      {"-1", "-18446744073709551616", "0", "-1"},
      {"18446744073709551616", "4294967296", "4294967296", "0"},
      {"-18446744073709551616", "4294967296", "-4294967296", "0"},
      {"18446744073709551616", "-4294967296", "-4294967296", "0"},
      {"-18446744073709551616", "-4294967296", "4294967296", "0"},
      {"18446744073709551617", "4294967296", "4294967296", "1"},
      {"-18446744073709551617", "4294967296", "-4294967297", "4294967295"},
      {"18446744073709551617", "-4294967296", "-4294967297", "-4294967295"},
      {"-18446744073709551617", "-4294967296", "4294967296", "-1"},
      {"1000000000000000000000000000000", "7", "142857142857142857142857142857", "1"},
      {"-1000000000000000000000000000000", "7", "-142857142857142857142857142858", "6"},
      {"1000000000000000000000000000000", "-7", "-142857142857142857142857142858", "-6"},
      {"-1000000000000000000000000000000", "-7", "142857142857142857142857142857", "-1"},
      {"79228162514264337593543950335", "18446744073709551615", "4294967296", "4294967295"},
      {"-79228162514264337593543950335", "18446744073709551615", "-4294967297",
       "18446744069414584320"},
      {"79228162514264337593543950335", "-18446744073709551615", "-4294967297",
       "-18446744069414584320"},
      {"-79228162514264337593543950335", "-18446744073709551615", "4294967296", "-4294967295"},
      {"340282366920938463463374607431768211456", "18446744073709551617", "18446744073709551615",
       "1"},
      {"-340282366920938463463374607431768211456", "18446744073709551617", "-18446744073709551616",
       "18446744073709551616"},
      {"340282366920938463463374607431768211456", "-18446744073709551617", "-18446744073709551616",
       "-18446744073709551616"},
      {"-340282366920938463463374607431768211456", "-18446744073709551617", "18446744073709551615",
       "-1"},
      {"1267650600228229401496703217721", "4294967297", "295147905110633349136", "12329"},
      {"-1267650600228229401496703217721", "4294967297", "-295147905110633349137", "4294954968"},
      {"1267650600228229401496703217721", "-4294967297", "-295147905110633349137", "-4294954968"},
      {"-1267650600228229401496703217721", "-4294967297", "295147905110633349136", "-12329"},
      {"18446744073709551615", "18446744073709551615", "1", "0"},
      {"-18446744073709551615", "18446744073709551615", "-1", "0"},
      {"18446744073709551615", "-18446744073709551615", "-1", "0"},
      {"-18446744073709551615", "-18446744073709551615", "1", "0"},
      {"10000000000000000000000000000000000000003", "100000000000000000000",
       "100000000000000000000", "3"},
      {"-10000000000000000000000000000000000000003", "100000000000000000000",
       "-100000000000000000001", "99999999999999999997"},
      {"10000000000000000000000000000000000000003", "-100000000000000000000",
       "-100000000000000000001", "-99999999999999999997"},
      {"-10000000000000000000000000000000000000003", "-100000000000000000000",
       "100000000000000000000", "-3"},
      {"3", "12157665459056928801", "0", "3"},
      {"-3", "12157665459056928801", "-1", "12157665459056928798"},
      {"3", "-12157665459056928801", "-1", "-12157665459056928798"},
      {"-3", "-12157665459056928801", "0", "-3"},
  };
  for (const Case& c : cases) {
    const BigInt a = N(c.a), b = N(c.b);
    BigInt q, r;
    BigInt::DivMod(a, b, &q, &r);
    EXPECT_EQ(Dec(q), c.q) << c.a << " // " << c.b;
    EXPECT_EQ(Dec(r), c.r) << c.a << " % " << c.b;
    BigInt q_only, r_only;
    BigInt::DivMod(a, b, &q_only, nullptr);
    BigInt::DivMod(a, b, nullptr, &r_only);
    EXPECT_EQ(q_only, q);
    EXPECT_EQ(r_only, r);
    BigInt::DivMod(a, b, nullptr, nullptr);
  }
}

// Operands for which algorithm D's trial quotient digit is one too large
// even after the two-digit correction, so the "add back" step runs (found
// by a Python model of the loop; a = q * b - 1 makes one): with a
// normalized divisor, with one shifted by 16 bits, and at a quotient digit
// below the top.
TEST(BigIntTest, DivModAddBack) {
  struct Case {
    const char *a, *b, *q, *r;
  };
  const Case cases[] = {
      {"ae0bbac2847da2411d1c528ed56565e4", "d8f16adf91b7584a2265b1f5", "cd613e30",
       "d8f16adf91b7584a2265b1f4"},
      {"-ae0bbac2847da2411d1c528ed56565e4", "d8f16adf91b7584a2265b1f5", "-cd613e31", "1"},
      {"ae0bbac2847da2411d1c528ed56565e4", "-d8f16adf91b7584a2265b1f5", "-cd613e31", "-1"},
      {"-ae0bbac2847da2411d1c528ed56565e4", "-d8f16adf91b7584a2265b1f5", "cd613e30",
       "-d8f16adf91b7584a2265b1f4"},
      {"41c92cf357ce9eab37578b4d8a1d", "a69ef2a74de452e6b439", "6513270d", "a69ef2a74de452e6b438"},
      {"-41c92cf357ce9eab37578b4d8a1d", "a69ef2a74de452e6b439", "-6513270e", "1"},
      {"41c92cf357ce9eab37578b4d8a1d", "-a69ef2a74de452e6b439", "-6513270e", "-1"},
      {"-41c92cf357ce9eab37578b4d8a1d", "-a69ef2a74de452e6b439", "6513270d",
       "-a69ef2a74de452e6b438"},
      {"6c74fe26459cc854e6dc416408830d278b4d8a1d000000120c5c7fd0", "a69e0d37f2a74de452e6b439",
       "a6a3a4506513270dffffffffffffffff", "a69e0d36f2a74df65f433409"},
      {"-6c74fe26459cc854e6dc416408830d278b4d8a1d000000120c5c7fd0", "a69e0d37f2a74de452e6b439",
       "-a6a3a4506513270e0000000000000000", "ffffffedf3a38030"},
      {"6c74fe26459cc854e6dc416408830d278b4d8a1d000000120c5c7fd0", "-a69e0d37f2a74de452e6b439",
       "-a6a3a4506513270e0000000000000000", "-ffffffedf3a38030"},
      {"-6c74fe26459cc854e6dc416408830d278b4d8a1d000000120c5c7fd0", "-a69e0d37f2a74de452e6b439",
       "a6a3a4506513270dffffffffffffffff", "-a69e0d36f2a74df65f433409"},
  };
  for (const Case& c : cases) {
    BigInt q, r;
    BigInt::DivMod(H(c.a), H(c.b), &q, &r);
    EXPECT_EQ(Hex(q), c.q) << c.a << " // " << c.b;
    EXPECT_EQ(Hex(r), c.r) << c.a << " % " << c.b;
  }
}

TEST(BigIntTest, DivModOutputsMayAliasInputs) {
  BigInt a = N("-100000000000000000000000000000");
  BigInt b = N("7000000000000");
  BigInt::DivMod(a, b, &a, &b);
  EXPECT_EQ(Dec(a), "-14285714285714286");
  EXPECT_EQ(Dec(b), "2000000000000");
  BigInt c = N("123456789123456789123456789");
  BigInt d = N("-1000000007");
  BigInt::DivMod(c, d, &d, &c);
  EXPECT_EQ(Dec(d), "-123456788259259272");
  EXPECT_EQ(Dec(c), "-691358115");
}

TEST(BigIntTest, PowerMod) {
  const BigInt p = N("1000000007");
  EXPECT_EQ(Dec(BigInt::PowerMod(I(3), I(200), p)), "136318165");
  EXPECT_EQ(Dec(BigInt::PowerMod(I(-3), I(201), p)), "591045512");
  EXPECT_EQ(Dec(BigInt::PowerMod(I(3), I(200), p.Negated())), "-863681842");
  EXPECT_EQ(Dec(BigInt::PowerMod(I(5), BigInt(), I(-7))), "-6");  // 1 % -7
  EXPECT_EQ(Dec(BigInt::PowerMod(I(5), BigInt(), I(7))), "1");
  EXPECT_EQ(Dec(BigInt::PowerMod(BigInt(), BigInt(), I(7))), "1");
  EXPECT_EQ(Dec(BigInt::PowerMod(BigInt(), I(5), I(7))), "0");
  EXPECT_EQ(Dec(BigInt::PowerMod(I(12345), I(678), I(1))), "0");
  EXPECT_EQ(Dec(BigInt::PowerMod(I(12345), BigInt(), I(-1))), "0");
  EXPECT_EQ(Dec(BigInt::PowerMod(N("12345678901234567890123"), N("98765432109876543210"),
                                 BigInt::Subtract(Pow2(127), I(1)))),
            "44918776879181589704445145263935336235");
  // pow(-2**70 - 3, 2**70 + 1, -(10**30 + 57))
  EXPECT_EQ(
      Dec(BigInt::PowerMod(BigInt::Subtract(Pow2(70).Negated(), I(3)), BigInt::Add(Pow2(70), I(1)),
                           N("-1000000000000000000000000000057"))),
      "-662560954534080068691161915971");
}

TEST(BigIntTest, InverseMod) {
  BigInt x;
  ASSERT_TRUE(BigInt::InverseMod(I(3), I(7), &x));
  EXPECT_EQ(x, I(5));
  ASSERT_TRUE(BigInt::InverseMod(I(-3), I(7), &x));
  EXPECT_EQ(x, I(2));
  ASSERT_TRUE(BigInt::InverseMod(I(3), I(-7), &x));  // in [0, |m|)
  EXPECT_EQ(x, I(5));
  ASSERT_TRUE(BigInt::InverseMod(I(10), I(7), &x));  // a reduced first
  EXPECT_EQ(x, I(5));
  ASSERT_TRUE(
      BigInt::InverseMod(N("123456789123456789123456789"), BigInt::Subtract(Pow2(127), I(1)), &x));
  EXPECT_EQ(Dec(x), "33572600576254003932513416662381277733");
  ASSERT_TRUE(BigInt::InverseMod(Pow2(100).Negated(), BigInt::Subtract(Pow2(89), I(1)), &x));
  EXPECT_EQ(Dec(x), "618667788187786480155885567");
  ASSERT_TRUE(BigInt::InverseMod(I(12345), I(-1), &x));
  EXPECT_EQ(x, BigInt());
  EXPECT_TRUE(BigInt::InverseMod(I(3), I(7), nullptr));
  x = I(99);
  EXPECT_FALSE(BigInt::InverseMod(I(6), I(9), &x));
  EXPECT_FALSE(BigInt::InverseMod(BigInt(), I(9), &x));
  EXPECT_FALSE(BigInt::InverseMod(Pow2(100), Pow2(64), &x));
}

TEST(BigIntTest, Gcd) {
  EXPECT_EQ(BigInt::Gcd(BigInt(), BigInt()), BigInt());
  EXPECT_EQ(BigInt::Gcd(BigInt(), I(-5)), I(5));
  EXPECT_EQ(BigInt::Gcd(I(-12), I(18)), I(6));
  EXPECT_EQ(BigInt::Gcd(Pow2(100), BigInt()), Pow2(100));
  EXPECT_EQ(Dec(BigInt::Gcd(Pow2(100), *BigInt::Power(I(6), I(50)))), "1125899906842624");
  // -(2**64 - 1)(2**32 + 1) and (2**64 - 1)(2**31 - 1).
  const BigInt m = N("18446744073709551615");
  EXPECT_EQ(BigInt::Gcd(*BigInt::Multiply(m.Negated(), N("4294967297")),
                        *BigInt::Multiply(m, N("2147483647"))),
            m);
  EXPECT_EQ(BigInt::Gcd(N("10000000000000000000000000000000000000007"),
                        N("10000000000000000000000000000000000000008")),
            I(1));
}

// --- shifts and bits -----------------------------------------------------------------------

TEST(BigIntTest, Shifts) {
  struct Case {
    const char* v;
    uint64_t n;
    const char *left, *right;
  };
  const Case cases[] = {
      // python3: (hex v, n, hex v << n, hex v >> n)
      {"89abcdef0123456789", 0, "89abcdef0123456789", "89abcdef0123456789"},
      {"89abcdef0123456789", 1, "113579bde02468acf12", "44d5e6f78091a2b3c4"},
      {"89abcdef0123456789", 31, "44d5e6f78091a2b3c480000000", "113579bde02"},
      {"89abcdef0123456789", 32, "89abcdef012345678900000000", "89abcdef01"},
      {"89abcdef0123456789", 33, "113579bde02468acf1200000000", "44d5e6f780"},
      {"89abcdef0123456789", 64, "89abcdef01234567890000000000000000", "89"},
      {"-89abcdef0123456789", 0, "-89abcdef0123456789", "-89abcdef0123456789"},
      {"-89abcdef0123456789", 1, "-113579bde02468acf12", "-44d5e6f78091a2b3c5"},
      {"-89abcdef0123456789", 31, "-44d5e6f78091a2b3c480000000", "-113579bde03"},
      {"-89abcdef0123456789", 32, "-89abcdef012345678900000000", "-89abcdef02"},
      {"-89abcdef0123456789", 33, "-113579bde02468acf1200000000", "-44d5e6f781"},
      {"-89abcdef0123456789", 64, "-89abcdef01234567890000000000000000", "-8a"},
      {"-1", 0, "-1", "-1"},
      {"-1", 1, "-2", "-1"},
      {"-1", 31, "-80000000", "-1"},
      {"-1", 32, "-100000000", "-1"},
      {"-1", 33, "-200000000", "-1"},
      {"-1", 64, "-10000000000000000", "-1"},
      {"-10000000000000000", 0, "-10000000000000000", "-10000000000000000"},
      {"-10000000000000000", 1, "-20000000000000000", "-8000000000000000"},
      {"-10000000000000000", 31, "-800000000000000000000000", "-200000000"},
      {"-10000000000000000", 32, "-1000000000000000000000000", "-100000000"},
      {"-10000000000000000", 33, "-2000000000000000000000000", "-80000000"},
      {"-10000000000000000", 64, "-100000000000000000000000000000000", "-1"},
      {"-5", 0, "-5", "-5"},
      {"-5", 1, "-a", "-3"},
      {"-5", 31, "-280000000", "-1"},
      {"-5", 32, "-500000000", "-1"},
      {"-5", 33, "-a00000000", "-1"},
      {"-5", 64, "-50000000000000000", "-1"},
      {"-10000000000000001", 0, "-10000000000000001", "-10000000000000001"},
      {"-10000000000000001", 1, "-20000000000000002", "-8000000000000001"},
      {"-10000000000000001", 31, "-800000000000000080000000", "-200000001"},
      {"-10000000000000001", 32, "-1000000000000000100000000", "-100000001"},
      {"-10000000000000001", 33, "-2000000000000000200000000", "-80000001"},
      {"-10000000000000001", 64, "-100000000000000010000000000000000", "-2"},
  };
  for (const Case& c : cases) {
    const BigInt v = H(c.v);
    EXPECT_EQ(Hex(*BigInt::ShiftLeft(v, c.n)), c.left) << c.v << " << " << c.n;
    EXPECT_EQ(Hex(BigInt::ShiftRight(v, c.n)), c.right) << c.v << " >> " << c.n;
  }
  const BigInt v = H("123456789abcdef0fedcba9876543210");
  EXPECT_EQ(Hex(*BigInt::ShiftLeft(v, 1000)),
            "123456789abcdef0fedcba9876543210" + std::string(250, '0'));
  EXPECT_EQ(BigInt::ShiftRight(v, 1000), BigInt());
  EXPECT_EQ(BigInt::ShiftRight(v.Negated(), 1000), I(-1));
  EXPECT_EQ(BigInt::ShiftRight(v, ~uint64_t{0}), BigInt());
  EXPECT_EQ(BigInt::ShiftRight(I(-1), 100), I(-1));
  EXPECT_EQ(BigInt::ShiftRight(I(-5), 1), I(-3));
  EXPECT_EQ(BigInt::ShiftRight(I(-4), 1), I(-2));
  EXPECT_EQ(BigInt::ShiftRight(Pow2(64).Negated(), 64), I(-1));
  EXPECT_EQ(BigInt::ShiftRight(Pow2(64).Negated(), 65), I(-1));
  EXPECT_EQ(BigInt::ShiftRight(Pow2(64).Negated(), 63), I(-2));
  EXPECT_EQ(BigInt::ShiftRight(BigInt(), 5), BigInt());
  EXPECT_EQ(BigInt::ShiftRight(*BigInt::ShiftLeft(v, 1000), 1000), v);
}

// Bitwise operations on the infinite two's complement forms.
TEST(BigIntTest, BitwiseMixedSigns) {
  struct Case {
    const char *a, *b, *and_, *or_, *xor_;
  };
  const Case cases[] = {
      // python3: (hex a, hex b, hex a & b, hex a | b, hex a ^ b)
      {"0", "-1", "0", "-1", "-1"},
      {"0", "5", "0", "5", "5"},
      {"0", "-5", "0", "-5", "-5"},
      {"0", "-400000000000000000", "0", "-400000000000000000", "-400000000000000000"},
      {"0", "400000000000000005", "0", "400000000000000005", "400000000000000005"},
      {"0", "-10000000000000000", "0", "-10000000000000000", "-10000000000000000"},
      {"0", "ffffffffffffffff", "0", "ffffffffffffffff", "ffffffffffffffff"},
      {"0", "-100000001", "0", "-100000001", "-100000001"},
      {"0", "ffffffff00000000ffffffff", "0", "ffffffff00000000ffffffff",
       "ffffffff00000000ffffffff"},
      {"-1", "5", "5", "-1", "-6"},
      {"-1", "-5", "-5", "-1", "4"},
      {"-1", "-400000000000000000", "-400000000000000000", "-1", "3fffffffffffffffff"},
      {"-1", "400000000000000005", "400000000000000005", "-1", "-400000000000000006"},
      {"-1", "-10000000000000000", "-10000000000000000", "-1", "ffffffffffffffff"},
      {"-1", "ffffffffffffffff", "ffffffffffffffff", "-1", "-10000000000000000"},
      {"-1", "-100000001", "-100000001", "-1", "100000000"},
      {"-1", "ffffffff00000000ffffffff", "ffffffff00000000ffffffff", "-1",
       "-ffffffff0000000100000000"},
      {"5", "-5", "1", "-1", "-2"},
      {"5", "-400000000000000000", "0", "-3ffffffffffffffffb", "-3ffffffffffffffffb"},
      {"5", "400000000000000005", "5", "400000000000000005", "400000000000000000"},
      {"5", "-10000000000000000", "0", "-fffffffffffffffb", "-fffffffffffffffb"},
      {"5", "ffffffffffffffff", "5", "ffffffffffffffff", "fffffffffffffffa"},
      {"5", "-100000001", "5", "-100000001", "-100000006"},
      {"5", "ffffffff00000000ffffffff", "5", "ffffffff00000000ffffffff",
       "ffffffff00000000fffffffa"},
      {"-5", "-400000000000000000", "-400000000000000000", "-5", "3ffffffffffffffffb"},
      {"-5", "400000000000000005", "400000000000000001", "-1", "-400000000000000002"},
      {"-5", "-10000000000000000", "-10000000000000000", "-5", "fffffffffffffffb"},
      {"-5", "ffffffffffffffff", "fffffffffffffffb", "-1", "-fffffffffffffffc"},
      {"-5", "-100000001", "-100000005", "-1", "100000004"},
      {"-5", "ffffffff00000000ffffffff", "ffffffff00000000fffffffb", "-1",
       "-ffffffff00000000fffffffc"},
      {"-400000000000000000", "400000000000000005", "400000000000000000", "-3ffffffffffffffffb",
       "-7ffffffffffffffffb"},
      {"-400000000000000000", "-10000000000000000", "-400000000000000000", "-10000000000000000",
       "3f0000000000000000"},
      {"-400000000000000000", "ffffffffffffffff", "0", "-3f0000000000000001",
       "-3f0000000000000001"},
      {"-400000000000000000", "-100000001", "-400000000000000000", "-100000001",
       "3ffffffffeffffffff"},
      {"-400000000000000000", "ffffffff00000000ffffffff", "ffffffc00000000000000000",
       "-ffffffff00000001", "-ffffffc0ffffffff00000001"},
      {"400000000000000005", "-10000000000000000", "400000000000000000", "-fffffffffffffffb",
       "-40fffffffffffffffb"},
      {"400000000000000005", "ffffffffffffffff", "5", "40ffffffffffffffff", "40fffffffffffffffa"},
      {"400000000000000005", "-100000001", "400000000000000005", "-100000001",
       "-400000000100000006"},
      {"400000000000000005", "ffffffff00000000ffffffff", "400000000000000005",
       "ffffffff00000000ffffffff", "ffffffbf00000000fffffffa"},
      {"-10000000000000000", "ffffffffffffffff", "0", "-1", "-1"},
      {"-10000000000000000", "-100000001", "-10000000000000000", "-100000001", "fffffffeffffffff"},
      {"-10000000000000000", "ffffffff00000000ffffffff", "ffffffff0000000000000000",
       "-ffffffff00000001", "-ffffffffffffffff00000001"},
      {"ffffffffffffffff", "-100000001", "fffffffeffffffff", "-1", "-ffffffff00000000"},
      {"ffffffffffffffff", "ffffffff00000000ffffffff", "ffffffff", "ffffffffffffffffffffffff",
       "ffffffffffffffff00000000"},
      {"-100000001", "ffffffff00000000ffffffff", "ffffffff00000000ffffffff", "-100000001",
       "-ffffffff0000000200000000"},
  };
  for (const Case& c : cases) {
    const BigInt a = H(c.a), b = H(c.b);
    EXPECT_EQ(Hex(BigInt::And(a, b)), c.and_) << c.a << " & " << c.b;
    EXPECT_EQ(Hex(BigInt::Or(a, b)), c.or_) << c.a << " | " << c.b;
    EXPECT_EQ(Hex(BigInt::Xor(a, b)), c.xor_) << c.a << " ^ " << c.b;
    EXPECT_EQ(BigInt::And(b, a), BigInt::And(a, b));
    EXPECT_EQ(BigInt::Or(b, a), BigInt::Or(a, b));
    EXPECT_EQ(BigInt::Xor(b, a), BigInt::Xor(a, b));
  }
  const BigInt x = N("-123456789012345678901234567890");
  EXPECT_EQ(BigInt::And(I(-1), x), x);
  EXPECT_EQ(BigInt::Or(BigInt(), x), x);
  EXPECT_EQ(BigInt::Xor(x, x), BigInt());
  EXPECT_EQ(Hex(BigInt::Or(Pow2(70).Negated(), I(5))), "-3ffffffffffffffffb");
}

TEST(BigIntTest, Invert) {
  EXPECT_EQ(BigInt().Invert(), I(-1));
  EXPECT_EQ(I(-1).Invert(), BigInt());
  EXPECT_FALSE(I(-1).Invert().negative());
  EXPECT_EQ(I(5).Invert(), I(-6));
  EXPECT_EQ(I(-6).Invert(), I(5));
  EXPECT_EQ(Dec(N("18446744073709551615").Invert()), "-18446744073709551616");
  EXPECT_EQ(Dec(N("-18446744073709551616").Invert()), "18446744073709551615");
  EXPECT_EQ(Dec(N("-4294967296").Invert()), "4294967295");
}

// --- doubles -------------------------------------------------------------------------------

TEST(BigIntTest, ToDoubleRoundsHalfToEven) {
  EXPECT_EQ(ToDoubleOk(BigInt()), 0.0);
  EXPECT_FALSE(std::signbit(ToDoubleOk(BigInt())));
  EXPECT_EQ(ToDoubleOk(I(-7)), -7.0);
  EXPECT_EQ(ToDoubleOk(N("9007199254740993")), 9007199254740992.0);  // 2**53 + 1: tie, down
  EXPECT_EQ(ToDoubleOk(N("9007199254740995")), 9007199254740996.0);  // 2**53 + 3: tie, up
  EXPECT_EQ(ToDoubleOk(N("-9007199254740995")), -9007199254740996.0);
  EXPECT_EQ(ToDoubleOk(N("9007199254740997")), 9007199254740996.0);
  EXPECT_EQ(ToDoubleOk(N("18446744073709551615")), 18446744073709551616.0);  // 2**64 - 1
  // 2**64 + 2**11 is a tie (stays even); one more is above it.
  EXPECT_EQ(ToDoubleOk(N("18446744073709553664")), 18446744073709551616.0);
  EXPECT_EQ(ToDoubleOk(N("18446744073709553665")), 18446744073709555712.0);
  // 2**100 + 2**47 is a tie; + 1, far below the top 64 bits, breaks it.
  EXPECT_EQ(ToDoubleOk(BigInt::Add(Pow2(100), Pow2(47))), std::ldexp(1.0, 100));
  EXPECT_EQ(ToDoubleOk(BigInt::Add(BigInt::Add(Pow2(100), Pow2(47)), I(1))),
            std::ldexp(1.0, 100) + std::ldexp(1.0, 48));
  EXPECT_EQ(ToDoubleOk(BigInt::FromDouble(1e300)), 1e300);
  EXPECT_EQ(ToDoubleOk(BigInt::FromDouble(-5e307)), -5e307);
  const double dmax = std::numeric_limits<double>::max();
  EXPECT_EQ(ToDoubleOk(BigInt::Subtract(Pow2(1024), Pow2(971))), dmax);
  EXPECT_EQ(ToDoubleOk(BigInt::Subtract(Pow2(971), Pow2(1024))), -dmax);
  // Just below the tie that would round to 2**1024.
  EXPECT_EQ(ToDoubleOk(BigInt::Subtract(BigInt::Subtract(Pow2(1024), Pow2(970)), I(1))), dmax);
}

TEST(BigIntTest, ToDoubleOverflow) {
  // 2**1024 - 2**970 is halfway between DBL_MAX and 2**1024: rounds to even,
  // 2**1024, which is out of range.
  for (const BigInt& v : {BigInt::Subtract(Pow2(1024), Pow2(970)), Pow2(1024), Pow2(5000),
                          BigInt::Subtract(Pow2(970), Pow2(1024)), Pow2(1024).Negated()}) {
    absl::StatusOr<double> d = v.ToDouble();
    ASSERT_FALSE(d.ok()) << *d;
    EXPECT_EQ(KindOf(d.status()), ErrorKind::kOverflowError);
    EXPECT_EQ(d.status().message(), "int too large to convert to float");
  }
}

TEST(BigIntTest, TrueDivideRoundsCorrectly) {
  const BigInt p400 = *BigInt::Power(I(10), I(400));
  const BigInt p399 = *BigInt::Power(I(10), I(399));
  // Underflow keeps the sign.
  EXPECT_EQ(Bits(DivideOk(I(1), p400)), Bits(0.0));
  EXPECT_EQ(Bits(DivideOk(I(-1), p400)), Bits(-0.0));
  EXPECT_EQ(Bits(DivideOk(I(1), p400.Negated())), Bits(-0.0));
  EXPECT_EQ(Bits(DivideOk(BigInt(), p400.Negated())), Bits(-0.0));
  EXPECT_EQ(Bits(DivideOk(BigInt(), I(-5))), Bits(-0.0));
  EXPECT_EQ(Bits(DivideOk(BigInt(), I(5))), Bits(0.0));
  EXPECT_EQ(DivideOk(p400, p399), 10.0);
  EXPECT_EQ(DivideOk(p400, *BigInt::Multiply(p399, I(3))), 3.3333333333333335);
  EXPECT_EQ(DivideOk(I(1), I(3)), 0.3333333333333333);
  EXPECT_EQ(DivideOk(N("1000000000000000000000000000000"), I(7)), 1.4285714285714285e+29);
  EXPECT_EQ(DivideOk(N("-1000000000000000000000000000000"), I(7)), -1.4285714285714285e+29);
  EXPECT_EQ(DivideOk(Pow2(2000), Pow2(1000)), std::ldexp(1.0, 1000));
  EXPECT_EQ(DivideOk(BigInt::Add(Pow2(80), I(1)), Pow2(80)), 1.0);
  // 2**53 + 1 is not a double: dividing its rounding would give ...330.5.
  EXPECT_EQ(DivideOk(N("9007199254740993"), I(3)), 3002399751580331.0);
  EXPECT_EQ(DivideOk(N("-9007199254740993"), I(-3)), 3002399751580331.0);
  EXPECT_EQ(DivideOk(I(3), N("9007199254740993")), 3.330669073875469e-16);
  // Ties in the quotient: (2**53 + 1) * 3 / 3 rounds down to even, + 3 up.
  EXPECT_EQ(DivideOk(N("27021597764222979"), I(3)), 9007199254740992.0);
  EXPECT_EQ(DivideOk(N("27021597764222985"), I(3)), 9007199254740996.0);
  EXPECT_EQ(DivideOk(N("27021597764222980"), I(3)), 9007199254740994.0);
  // Subnormal results: 3 / 2**1075 is 1.5 ulps (tie, to 2), 1 / 2**1075 half
  // an ulp (tie, to 0), 1 / (2**1075 - 1) just above half (to 1).
  EXPECT_EQ(DivideOk(I(3), Pow2(1075)), 1e-323);
  EXPECT_EQ(Bits(DivideOk(I(1), Pow2(1075))), Bits(0.0));
  EXPECT_EQ(DivideOk(I(1), BigInt::Subtract(Pow2(1075), I(1))), 5e-324);
  EXPECT_EQ(DivideOk(I(5), Pow2(1076)), 5e-324);
  EXPECT_EQ(DivideOk(Pow2(60), Pow2(1134)), 5e-324);
  EXPECT_EQ(DivideOk(BigInt::Add(Pow2(60), I(1)).Negated(), Pow2(1134)), -5e-324);
  EXPECT_EQ(DivideOk(BigInt::Subtract(Pow2(1024), Pow2(970)), BigInt::Add(Pow2(1075), I(1))),
            4.4408920985006257e-16);
  EXPECT_EQ(DivideOk(BigInt::Subtract(Pow2(1024), Pow2(971)), I(1)),
            std::numeric_limits<double>::max());
}

TEST(BigIntTest, TrueDivideOverflow) {
  const BigInt p400 = *BigInt::Power(I(10), I(400));
  for (const auto& [a, b] : std::vector<std::pair<BigInt, BigInt>>{
           {p400, I(1)},
           {p400.Negated(), I(3)},
           {Pow2(1100), I(3)},
           {Pow2(1024), I(1)},
           {BigInt::Subtract(Pow2(1024), Pow2(970)), I(1)},  // rounds up to 2**1024
           {Pow2(3000), Pow2(1976).Negated()},
       }) {
    absl::StatusOr<double> d = BigInt::TrueDivide(a, b);
    ASSERT_FALSE(d.ok()) << *d;
    EXPECT_EQ(KindOf(d.status()), ErrorKind::kOverflowError);
    EXPECT_EQ(d.status().message(), "integer division result too large for a float");
  }
}

// --- hash ----------------------------------------------------------------------------------

TEST(BigIntTest, HashMatchesPython) {
  const BigInt mersenne = BigInt::Subtract(Pow2(61), I(1));
  EXPECT_EQ(mersenne.Hash(), 0);
  EXPECT_EQ(Pow2(61).Hash(), 1);
  EXPECT_EQ(Pow2(61).Negated().Hash(), -2);  // -1 is reserved
  EXPECT_EQ(I(-1).Hash(), -2);
  EXPECT_EQ(I(-2).Hash(), -2);
  EXPECT_EQ(I(1).Hash(), 1);
  EXPECT_EQ(BigInt().Hash(), 0);
  EXPECT_EQ(Pow2(64).Hash(), 8);
  EXPECT_EQ(N("-18446744073709551615").Hash(), -7);
  EXPECT_EQ(BigInt::Subtract(Pow2(61), I(2)).Hash(), 2305843009213693950);
  EXPECT_EQ(BigInt::Subtract(I(2), Pow2(61)).Hash(), -2305843009213693950);
  EXPECT_EQ(BigInt::Subtract(Pow2(61).Negated(), I(1)).Hash(), -2);
  EXPECT_EQ(BigInt::Subtract(Pow2(122), I(1)).Hash(), 0);
  const BigInt p100 = *BigInt::Power(I(10), I(100));
  EXPECT_EQ(p100.Hash(), 910685213754167845);
  EXPECT_EQ(p100.Negated().Hash(), -910685213754167845);
}

// --- bytes ---------------------------------------------------------------------------------

std::string BytesHex(const BigInt& v, size_t n, bool little_endian, bool is_signed) {
  std::vector<uint8_t> out(n);
  if (!v.ToBytes(out.data(), n, little_endian, is_signed)) return "X";
  std::string s;
  for (uint8_t b : out) s += absl::StrFormat("%02x", b);
  return s;
}

BigInt FromHexBytes(std::string_view hex, bool little_endian, bool is_signed) {
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return BigInt::FromBytes(bytes.data(), bytes.size(), little_endian, is_signed);
}

TEST(BigIntTest, ToBytesTwosComplement) {
  EXPECT_EQ(BytesHex(I(127), 1, false, true), "7f");
  EXPECT_EQ(BytesHex(I(128), 1, false, true), "X");
  EXPECT_EQ(BytesHex(I(128), 1, false, false), "80");
  EXPECT_EQ(BytesHex(I(-128), 1, false, true), "80");
  EXPECT_EQ(BytesHex(I(-129), 1, false, true), "X");
  EXPECT_EQ(BytesHex(I(-1), 1, false, false), "X");
  EXPECT_EQ(BytesHex(I(-1), 3, true, true), "ffffff");
  EXPECT_EQ(BytesHex(I(255), 1, false, false), "ff");
  EXPECT_EQ(BytesHex(I(256), 1, false, false), "X");
  EXPECT_EQ(BytesHex(I(256), 2, false, false), "0100");
  EXPECT_EQ(BytesHex(I(256), 2, true, false), "0001");
  EXPECT_EQ(BytesHex(BigInt(), 0, false, true), "");
  EXPECT_EQ(BytesHex(BigInt(), 0, false, false), "");
  EXPECT_EQ(BytesHex(I(-1), 0, false, true), "");  // as CPython: all sign, no bytes
  EXPECT_EQ(BytesHex(I(-2), 0, false, true), "X");
  EXPECT_EQ(BytesHex(I(1), 0, false, false), "X");
  EXPECT_EQ(BytesHex(BigInt(), 3, false, true), "000000");
  const BigInt v = N("18446744073709551621");  // 2**64 + 5
  EXPECT_EQ(BytesHex(v, 9, false, false), "010000000000000005");
  EXPECT_EQ(BytesHex(v, 9, true, false), "050000000000000001");
  EXPECT_EQ(BytesHex(v, 9, false, true), "010000000000000005");
  EXPECT_EQ(BytesHex(v.Negated(), 9, false, true), "fefffffffffffffffb");
  EXPECT_EQ(BytesHex(v, 8, false, false), "X");
  EXPECT_EQ(BytesHex(Pow2(63), 8, false, true), "X");
  EXPECT_EQ(BytesHex(Pow2(63).Negated(), 8, false, true), "8000000000000000");
  EXPECT_EQ(BytesHex(BigInt::Subtract(I(-1), Pow2(63)), 8, false, true), "X");
  EXPECT_EQ(BytesHex(Pow2(64).Negated(), 9, true, true), "0000000000000000ff");
  EXPECT_EQ(BytesHex(Pow2(64).Negated(), 9, false, true), "ff0000000000000000");
}

TEST(BigIntTest, FromBytesTwosComplement) {
  EXPECT_EQ(FromHexBytes("ffff", false, true), I(-1));
  EXPECT_EQ(FromHexBytes("ffff", false, false), I(65535));
  EXPECT_EQ(FromHexBytes("ffffffffff", false, true), I(-1));  // sign-extends a digit
  EXPECT_EQ(FromHexBytes("8000", false, true), I(-32768));
  EXPECT_EQ(FromHexBytes("0080", true, true), I(-32768));
  EXPECT_EQ(FromHexBytes("00000080", true, true), I(-2147483648));
  EXPECT_EQ(FromHexBytes("0080", false, true), I(128));
  EXPECT_EQ(FromHexBytes("", false, true), BigInt());
  EXPECT_EQ(FromHexBytes("000000", false, true), BigInt());
  EXPECT_EQ(Dec(FromHexBytes("010000000000000080", true, true)), "-2361183241434822606847");
  EXPECT_EQ(Dec(FromHexBytes("010000000000000080", true, false)), "2361183241434822606849");
  EXPECT_EQ(FromHexBytes("8000000000000000", false, true), I(std::numeric_limits<int64_t>::min()));
  // Round trips at every length for values of both signs.
  for (const BigInt& v : {I(0), I(1), I(-1), I(127), I(-128), N("-18446744073709551621"),
                          N("123456789012345678901234567890"), Pow2(95).Negated()}) {
    const size_t n = (v.BitLength() + 8) / 8;
    for (size_t len = n; len <= n + 5; ++len) {
      for (bool little : {false, true}) {
        std::vector<uint8_t> buf(len);
        ASSERT_TRUE(v.ToBytes(buf.data(), len, little, true)) << Dec(v) << " " << len;
        EXPECT_EQ(BigInt::FromBytes(buf.data(), len, little, true), v) << Dec(v) << " " << len;
      }
    }
  }
}

// --- random cases, cross-checked with Python ------------------------------------------------
//
// The generator below and gen.py's (at the end of this file) draw the same
// operands; each case's results are joined with commas, hex for integers
// (Python's format(v, 'x')), the IEEE bits for doubles, and hashed. A
// mismatch prints the C++ string; `python3 gen.py <Family> <case>` prints
// Python's.

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}

  uint64_t Next() {  // splitmix64
    s_ += 0x9E3779B97F4A7C15ull;
    uint64_t z = s_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Up to max_digits digits, each random or one of 0, 2**32 - 1, 2**31, 1
  // (carries, borrows and normalization shifts), either sign.
  BigInt Int(int max_digits) {
    std::vector<BigInt::Digit> d(Next() % static_cast<uint64_t>(max_digits + 1));
    for (BigInt::Digit& x : d) {
      static constexpr BigInt::Digit kEdges[] = {0, 0xFFFFFFFF, 0x80000000, 1};
      const uint64_t k = Next() % 8;
      x = k < 4 ? kEdges[k] : static_cast<BigInt::Digit>(Next());
    }
    return BigInt::FromMagnitude((Next() & 1) != 0, d);
  }

  BigInt NonZero(int max_digits) {
    BigInt v = Int(max_digits);
    return v.IsZero() ? I(-3) : v;
  }

 private:
  uint64_t s_;
};

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001B3ull;
  return h;
}

std::string Cmp(std::partial_ordering c) { return c < 0 ? "-1" : c > 0 ? "1" : c == 0 ? "0" : "?"; }

std::string DoubleField(const absl::StatusOr<double>& d) {
  return d.ok() ? absl::StrFormat("%016x", Bits(*d)) : "OF";
}

std::string Join(const std::vector<std::string>& fields) {
  std::string s;
  for (const std::string& f : fields) {
    if (!s.empty()) s += ',';
    s += f;
  }
  return s;
}

std::string GeneralCase(uint64_t i) {
  Rng rng(i * 0x1000193 + 1);
  const BigInt a = rng.Int(6);
  const BigInt b = rng.Int(6);
  const uint64_t k = rng.Next() % 100;
  const uint64_t e = rng.Next() % 12;
  const BigInt e2 = rng.Int(4).Abs();
  const BigInt prod = *BigInt::Multiply(a, b);
  std::vector<std::string> f = {Hex(BigInt::Add(a, b)), Hex(BigInt::Subtract(a, b)), Hex(prod),
                                Dec(prod)};
  if (!b.IsZero()) {
    BigInt q, r;
    BigInt::DivMod(a, b, &q, &r);
    f.push_back(Hex(q));
    f.push_back(Hex(r));
  } else {
    f.insert(f.end(), {"-", "-"});
  }
  f.insert(f.end(),
           {Hex(BigInt::And(a, b)), Hex(BigInt::Or(a, b)), Hex(BigInt::Xor(a, b)), Hex(a.Invert()),
            Hex(*BigInt::ShiftLeft(a, k)), Hex(BigInt::ShiftRight(a, k)), Hex(BigInt::Gcd(a, b))});
  f.insert(f.end(), {absl::StrCat(a.Hash()), absl::StrCat(prod.Hash()), Cmp(a <=> b),
                     absl::StrCat(a.BitLength()), absl::StrFormat("%x", a.LowBits64())});
  f.insert(f.end(), {a.FitsInt64() ? "1" : "0", a.FitsUint64() ? "1" : "0"});
  f.push_back(DoubleField(a.ToDouble()));
  f.push_back(b.IsZero() ? "-" : DoubleField(BigInt::TrueDivide(a, b)));
  f.push_back(Hex(*BigInt::Power(a, BigInt::FromUint64(e))));
  f.push_back(b.IsZero() ? "-" : Hex(BigInt::PowerMod(a, e2, b)));
  if (!b.IsZero()) {
    BigInt x;
    f.push_back(BigInt::InverseMod(a, b, &x) ? Hex(x) : "none");
  } else {
    f.push_back("-");
  }
  const size_t n = static_cast<size_t>((a.BitLength() + 8) / 8 + rng.Next() % 3 - 1);
  const bool little = (rng.Next() & 1) != 0;
  for (bool is_signed : {true, false}) {
    std::vector<uint8_t> buf(n);
    if (!a.ToBytes(buf.data(), n, little, is_signed)) {
      f.push_back("X");
      continue;
    }
    std::string hex;
    for (uint8_t byte : buf) hex += absl::StrFormat("%02x", byte);
    f.push_back(hex);
    f.push_back(Hex(BigInt::FromBytes(buf.data(), n, little, !is_signed)));
  }
  return Join(f);
}

std::string DivisionCase(uint64_t i) {
  Rng rng(i * 0x1000193 + 2);
  const BigInt b = rng.NonZero(5);
  BigInt a;
  switch (rng.Next() % 3) {
    case 0:
      a = rng.Int(14);
      break;
    case 1:  // just below a multiple: often an add back
      a = BigInt::Subtract(*BigInt::Multiply(b, rng.Int(8)), I(1));
      break;
    default: {
      const BigInt m = *BigInt::Multiply(b, rng.Int(8));
      a = BigInt::Add(m, rng.Int(2));
      break;
    }
  }
  BigInt q, r;
  BigInt::DivMod(a, b, &q, &r);
  return Join({Hex(q), Hex(r), Dec(a), a.ToString(8), a.ToString(2)});
}

std::string FloatsCase(uint64_t i) {
  Rng rng(i * 0x1000193 + 3);
  const uint64_t kind = rng.Next() % 5;
  BigInt a, b;
  if (kind == 0) {
    a = rng.Int(34);
  } else if (kind == 1) {  // 53 bits, then ties and near ties below them
    const BigInt m = BigInt::FromUint64((rng.Next() >> 11) | (uint64_t{1} << 52));
    const uint64_t k = rng.Next() % 975;
    const BigInt half = k != 0 ? Pow2(k - 1) : BigInt();
    const BigInt one = k != 0 ? I(1) : BigInt();
    const BigInt deltas[] = {BigInt(), BigInt::Subtract(half, one), half, BigInt::Add(half, one),
                             BigInt::Subtract(Pow2(k), I(1))};
    a = BigInt::Add(*BigInt::ShiftLeft(m, k), deltas[rng.Next() % 5]);
    if ((rng.Next() & 1) != 0) a = a.Negated();
  } else if (kind == 2) {
    a = rng.Int(40);
    b = rng.NonZero(40);
  } else if (kind == 3) {  // subnormal and underflowing quotients
    a = rng.Int(3);
    const BigInt odd = BigInt::Or(rng.NonZero(3).Abs(), I(1));
    const BigInt shifted = *BigInt::ShiftLeft(odd, 1000 + rng.Next() % 120);
    b = BigInt::Add(shifted, rng.Int(2));
  } else {  // a 54-bit odd number over 2 * 2**j: ties
    const BigInt m = BigInt::FromUint64((rng.Next() >> 10) | 1);
    const BigInt c = rng.NonZero(2);
    a = *BigInt::Multiply(m, c);
    b = *BigInt::ShiftLeft(c, 1 + rng.Next() % 1130);
    if ((rng.Next() & 1) != 0) a = a.Negated();
  }
  if (kind >= 2) {
    return Join({DoubleField(BigInt::TrueDivide(a, b)),
                 a.IsZero() ? "-" : DoubleField(BigInt::TrueDivide(b, a))});
  }
  const absl::StatusOr<double> d = a.ToDouble();
  std::vector<std::string> f = {DoubleField(d)};
  if (d.ok()) {
    f.push_back(Cmp(a.CompareDouble(*d)));
    f.push_back(Hex(BigInt::FromDouble(*d)));
    const double up = std::nextafter(*d, std::numeric_limits<double>::infinity());
    if (std::isinf(up)) {
      f.insert(f.end(), {"inf", "0"});
    } else {
      f.push_back(Cmp(a.CompareDouble(up)));
      f.push_back(Hex(BigInt::FromDouble(-up)));
    }
  }
  return Join(f);
}

// Printed by the script at the end of this file.
constexpr uint64_t kGeneralDigests[] = {
    0x65fe6d854aec3ad8ull, 0x0bae5720c297a501ull, 0xaae44ca5d7a85677ull, 0xcb135c98ccde95d4ull,
    0xd6af7a34adde8f52ull, 0x7a8a15c1317fc06dull, 0x6663d6ff1e2dd31bull, 0xe9a1b7b205df22baull,
    0xb2ee4c8a1ef40643ull, 0x420d4ab6de6b9ca6ull, 0xe2fed6b3d1729aa5ull, 0xdb55695accb78785ull,
    0xdccdd8469a02632aull, 0xc6ac6bbd8fb4cf56ull, 0x4296c811fe5a6ac8ull, 0xeed06d0c2998543dull,
    0x2a4b01dedc8e70c5ull, 0x337b02bb5c1853c1ull, 0x2eb7190f2fcb34f7ull, 0xca6b9f6d094146bfull,
    0x65d89ad0ad3ae0ccull, 0xd908a379b99333fbull, 0xcc2cfe9f3d0f3f7dull, 0xa5f9f7788a619ed4ull,
    0xe77d2ef6580f675cull, 0x964d33c73fd3f510ull, 0x84ae05cf31aaa8bfull, 0xc903dbb6e6bd4f33ull,
    0x2611f5ef6bb23466ull, 0x71b23555cacce4eaull, 0xb0a46e817f9048ceull, 0xd8bfc86f7a962a29ull,
    0xe18bc6c0f9646f04ull, 0x36d196be430d4ce6ull, 0x8fe21c1dbf587592ull, 0xde02ab6394a3896aull,
    0xa7833a83a791af14ull, 0xb044885d3be3c939ull, 0x91e754a80dae9802ull, 0x73c46b99930b3784ull,
    0x45d05492ae2547e5ull, 0x5327078ec99ebbd3ull, 0xa4b7591ed17d56a7ull, 0xdf69e4e9f8e0ed1eull,
    0xcc8e21a9103dae98ull, 0xa0fdc47e5e50d862ull, 0x75df288622e357daull, 0x06102565da12df9aull,
    0xecb50c54eb22c942ull, 0x9d02cac867341567ull, 0x5e3c3ce5266351bdull, 0x93a7d7a144e3e8c6ull,
    0x85f645168aeaebb2ull, 0x74ab7e3420c09598ull, 0x8071916773ac0ea8ull, 0xfe4dab5026e33fafull,
    0xdaf073ad78095db4ull, 0x78e942ad41688d40ull, 0x2c33df3691ac2aa2ull, 0x2c70f120204448a2ull,
    0x8c0c89221ca815a6ull, 0x6302d9190b31cc5bull, 0x65112829ec80472bull, 0xc5620b399db3af1aull,
    0x01e920b433b173e5ull, 0x64a0feffcecd7eb2ull, 0xaeb44a08b33b2b9full, 0x55b8b8efe0718a87ull,
    0x13fabb4564b958f9ull, 0x843223c69567b7fcull, 0xc9e89e022a28a706ull, 0x3238db570359e88cull,
    0xcfd84071b42d39b9ull, 0x4888e79c65680a80ull, 0xf23a7f13451e5eaeull, 0xf5990e0a8e2a99a5ull,
    0xd10ed150029db7d0ull, 0x6bfa1ef6cf5ad729ull, 0xfa31b934af580ae7ull, 0xee02863659fc4813ull,
    0xabd0d013dd3733dfull, 0x473da2fb66c495f3ull, 0xea6f638ef371b641ull, 0x4197063a36af5c9cull,
    0x9b11469ad6e432b1ull, 0xcdec7cfc9daea00dull, 0x6d71dc55f87a75b1ull, 0x310e7296a90becdcull,
    0xe770cbb180d821daull, 0x3eb2ee0da0e3be61ull, 0xc6a3b90dd0a1972eull, 0x22dfb67bb4b9e0afull,
    0xd9892129662d3324ull, 0x22e07d04d36f56a1ull, 0xff9d81516c6481a7ull, 0xcc9b5a0e33366d92ull,
    0x0da8f4a018731d54ull, 0x967ac118fe926e75ull, 0xd3cd954b7b953bc9ull, 0x44c017a26641316bull,
    0xc332d0139c6e118dull, 0xbe027982189c0c0dull, 0x29e4ff691ae36fb4ull, 0x1c869fe59562a16full,
    0xc1424604e3bcca16ull, 0x0f5c3c7c5a22a99bull, 0xb278d502a9f35441ull, 0xd352cf7813b7fe8full,
    0x1d5d878283ab67dbull, 0xb7a40b9b4119615cull, 0xb325caab052b1e5dull, 0x2498a074dadf0cefull,
    0xa706cf8e7544f8a9ull, 0xbff61b3f02cac219ull, 0x6f8ce33dd53ad4c5ull, 0xdfcb90870b9bbfd2ull,
    0x126f2089def25f95ull, 0x38e7eebc09604349ull, 0x3bedf67f7c286d55ull, 0xcae7b88167d22a45ull,
    0x318b3fd906576ab3ull, 0x44a500d35cce8bd0ull, 0x876bd7042e1b3ddbull, 0x828741df0023f52bull,
    0xf4f13d33cbc1ab52ull, 0xee34559f5a046149ull, 0x2043a4ff0f5a6e94ull, 0xb363474bfc6ca36dull,
    0x402153781f54058full, 0xd913d2fe61ea645full, 0xb8192e0225bde80aull, 0x69e50cceffb68417ull,
    0x79613628bc40d35dull, 0xfdc894323d83ced8ull, 0x0f453cb35e43d5fdull, 0xe741be8f930967fbull,
    0xb507bce868589ba2ull, 0x2c522089debaa06full, 0xf217f2d1105cedceull, 0x6c78043a85356f02ull,
    0xde559e91452b0e98ull, 0x5f81618614d959f5ull, 0x70a111750b3a02ccull, 0x5c1516d94b07493aull,
    0x0cdaed5218536474ull, 0x70187b1d2b557d19ull, 0x770795922c8bbf45ull, 0x73b0cc6fe4dcaea5ull,
    0x567718d47c3de090ull, 0x374ea603863dd33dull, 0x968e41117b82669eull, 0x56a1fb38d4a43f0aull,
    0x60baa6844830f3fbull, 0xb95d05f9065092ecull, 0x5c282f67a17cc4a1ull, 0x3f1778010af19d99ull,
    0x928684fd9ae56311ull, 0x867ea1224c29b433ull, 0xd63e339b0b0a6f3bull, 0xd9ecbd4dcb559352ull,
    0xe5f1881234d69464ull, 0x3c33f75071b90c9eull, 0xb8760b24c6e4ef9aull, 0xf7ae72ba89851d4bull,
    0x031fde56d6fe592aull, 0x4e006d328d8d40ddull, 0xfefc8f6d75ff9caeull, 0x36178cafc2df1679ull,
    0x914cb9090b4becf3ull, 0x2c91dede0683e8d2ull, 0x89aa6561fad1963eull, 0xffd43a3d65d7277dull,
    0x234864e331a6d9eeull, 0x21d23f740963a805ull, 0xbcef73ad023f849bull, 0x74e08da81dc75137ull,
    0x740fb2d307380a25ull, 0x2b21918a5b290c9bull, 0x1b7ee2a264c3f824ull, 0xbf362f21bdcb6de2ull,
    0x4e4f31f423c874c9ull, 0x5020650a5838caa7ull, 0xf7cd4e031fd0491cull, 0x88ed99fd491565afull,
    0x0917d1fb71b530eeull, 0xdd0e048eecb6e3c5ull, 0xa04536e41566717eull, 0x9eaa6f108cfd0bd7ull,
    0x846473e32db27768ull, 0x760eaf7ccf7577b0ull, 0x2e543f72dd641c05ull, 0xe4c9ff29ee9d1ea4ull,
    0x53c84c0d92755cc3ull, 0x49a412cc0b16a13eull, 0xc2e39df46813ce15ull, 0x12a407f8c63a323aull,
    0xc69c42bf99712902ull, 0xb31a811dc44638baull, 0xa6e9ce1f7e2476f8ull, 0x05ad5b9d81fd4946ull,
    0xa08e990011667040ull, 0x96e68d6ca88d05baull, 0x0c272ade7eba81fdull, 0xad757b4c0cf59bb0ull,
    0xe124d1e7dd562b80ull, 0x0b5dd9ec6d8c790dull, 0x08d3347f4cbcd39eull, 0x353c7858f2400c35ull,
    0xd44ca6de12750fc0ull, 0x5c22e8abbf385457ull, 0x5fb9f9cfa2f2a0a6ull, 0x8dffbbaa923e6fa7ull,
    0xcc513860a645076dull, 0xf2efebf72e37920full, 0x80b2c8a3e0845d3eull, 0x5ebca79288e8eeb9ull,
    0x7f9a44442050857eull, 0x1f4615908753c84cull, 0xa5778f1fb9e93731ull, 0xb507bce868589ba2ull,
    0xe3c1a1c3eb03cd4cull, 0xdb4bc0559391f777ull, 0xb685d99a027c496cull, 0x736d81450d25e5f2ull,
    0x28e225d07a511ff9ull, 0xc56b9969432aa010ull, 0x310d94b73edee330ull, 0x21195d5c967a7381ull,
    0xcd48e3747411b3b5ull, 0x16b2979f634dd7d1ull, 0x34669a1ddc2838d4ull, 0x315173753adf71d5ull,
    0xf5f83454c3448715ull, 0xf3c321a99502ec3dull, 0xdad442ccf2f87f9aull, 0x945c4271f1ac3f20ull,
    0x8e1a5548305a15efull, 0x0641b4d0be8db346ull, 0x11641b440bf5b9b2ull, 0x50c4abb375d2b515ull,
    0x3c62d987184edf39ull, 0xba744a9cda0d5d53ull, 0x4b58b1b1218c9331ull, 0x14a4543c347381b7ull,
    0xee936402cb95255aull, 0xbb65dda10d6a439eull, 0xf2c6a923128ddcd7ull, 0x7b001bc5d06eb204ull,
    0x8680ed0ed1b5e37dull, 0x2dca6573b5ef2f83ull, 0x91a126981f0a9478ull, 0xaac112f0b7ffb919ull,
    0xa64f3075158f4131ull, 0x1a36e37c62933a76ull, 0x8c080ccd10bf1eccull, 0x4c051dc339d622beull,
    0xdc93bc6f586210efull, 0x3bc3c61af60b0870ull, 0xf6c43594e0a36c04ull, 0x5d1b646c073f662eull,
    0x4fbef915ff5bbe85ull, 0x0145366a0f0680abull, 0x71c255084e00dcbcull, 0x83be5949d54f6f2cull,
    0xd6ec2a650ce0c0abull, 0xd70c5cc76294069aull, 0xf4404170df3254fdull, 0x802edb092e361f77ull,
    0xbaaadd4548b52c63ull, 0x3b9218fc11a63e2full, 0xee589fa6f2132909ull, 0x2fc97fbff28e7a3bull,
    0x78b616c8d30b0aecull, 0x980fefd002b74fddull, 0x580fa35e0ac7ec5dull, 0x1680392d6d09e1bfull,
    0x699d50fe18a7990cull, 0x9eb433828558f313ull, 0x719697248b879ae4ull, 0x8c02ac03f5bbc302ull,
    0x454da15f74e87246ull, 0x3075eeed43448392ull, 0x6f25ad37120bf802ull, 0x04aaeff254ab82a3ull,
    0xcecd5617f4b043eaull, 0xc2bd86f640d96f45ull, 0x1621c6df08d134feull, 0x1af6d5bd384a5f18ull,
    0x19f5c955d08382a1ull, 0x6940764382256910ull, 0xc2f40798709570f4ull, 0xbf841f0e9df2f6faull,
    0xdfb9cc8ab6ad6d5dull, 0x63c72798cb077411ull, 0x7c4e0b949cd0885bull, 0x8968ec1a5f439b3dull,
    0xb3ddc62f331a793aull, 0xb507bce868589ba2ull, 0x94853114caa58812ull, 0xf9559b5d4a0b0929ull,
};
constexpr uint64_t kDivisionDigests[] = {
    0xc4973a04327958d9ull, 0x4da581740eea56b8ull, 0x3e2bd5d66c9dd7feull, 0x06abe8da0a399862ull,
    0xb01357e54c08f8ddull, 0xfbceb804c854d8afull, 0x3de415ccc659102aull, 0x9f9bc6dd14eaf4f4ull,
    0x3127e9ac769b1e1cull, 0x5764a9af4d3500ffull, 0xe70f0896c43acb2dull, 0x1fc2a74cdafaa79bull,
    0x834e3199f91b295bull, 0x456ed2d238558f26ull, 0x19d54d8fb36f0795ull, 0x25a2041957502123ull,
    0x8b336c16395ec49eull, 0x1daa49d612f67965ull, 0xe4d5e9d6cd3efb49ull, 0xc766fe36210ec825ull,
    0x5dafc16f75abf3feull, 0x257ad3e7a729424dull, 0xc24094d00258393dull, 0xfbc359fff630bf7cull,
    0x096a9a51a0a77829ull, 0xe93deeb79648e69aull, 0xec601c3848e2272full, 0x5dcf07f47c639b96ull,
    0x916d48f12f6c4f95ull, 0x9b1b42ab8f2097a6ull, 0xed5dd7e6ff6287f6ull, 0xf8e14deb1d98941bull,
    0x4f3a969f78f7f79eull, 0x2ac69586f5361cc2ull, 0x6dfcf933e52898b5ull, 0x10a495676769bd15ull,
    0xa80e558b58d80c82ull, 0xa391aa4647e84f58ull, 0x3f13fe9f69b4c8f1ull, 0xe3e9cb715f48efb5ull,
    0xbcbe76031b90c64eull, 0x872cf6acd00a23f9ull, 0x9b31b1791eb0082dull, 0xe21d9c294f88a38full,
    0xedb78d3513e90ae6ull, 0xd415389f6dbe08b7ull, 0xe2a75a7e47c9ba31ull, 0xd1fb62bd3ac5f6edull,
    0x0a09350d981b692dull, 0x7c55c11163278474ull, 0x11a928a23e422a62ull, 0xd2ab080f1e480a36ull,
    0x821b0d5b02d382faull, 0xfbceb804c854d8afull, 0x95f443bf6920b23dull, 0xd47d08c7f7a53671ull,
    0x55fc81e9bf9a9198ull, 0xec601c3848e2272full, 0x021f49001953e3feull, 0x4b980b7471ec9f39ull,
    0xb13eaccbedb2490eull, 0x19d56dce72780d6full, 0x9683ca6f48cd2409ull, 0xa6353dfea81227a8ull,
    0x4f90bdba6ad69908ull, 0xaa68fa51226b5dafull, 0x4140af8a3fd72a95ull, 0x410502d794cc267eull,
    0xec601c3848e2272full, 0xec601c3848e2272full, 0x24a5236339918ed1ull, 0x395cc21419f47998ull,
    0xa1c2be9a00ab4fcdull, 0xa80c6f9fd5061877ull, 0xa3866eede9709d7bull, 0x92ae43613ccb6501ull,
    0x095624884cb9139aull, 0x71b357a8ce44d1daull, 0xdfcd02941549e176ull, 0x040a5c20b5f1ea85ull,
    0x40773e4b3e7ec56eull, 0xac5b9de950e7b96cull, 0x90491e5ca6b5fc45ull, 0xdd8bd2433cb9ce18ull,
    0x65e86809cde3e26bull, 0x0073d21004d66f84ull, 0xfd9f1c1167431347ull, 0xf928356ce12b82dfull,
    0xef18d1c0b4c00398ull, 0xf4c13516e8205476ull, 0xc798369307aacd79ull, 0x164c5c292b98fd07ull,
    0xa314c725afd83648ull, 0x264273502267c41aull, 0xda718f055ea3059aull, 0x2b94deac1605c2c2ull,
    0x5f17e6392174fd2aull, 0xcc8601fe07735767ull, 0x7600e79f738d22b3ull, 0x8b033ddc5dcc72f8ull,
    0xaaa55119a22205a6ull, 0x361c7d44fcd3195bull, 0x3c3b4551850f49e6ull, 0x46d5c465a252feb0ull,
    0xcbace89a422c9b07ull, 0x626b29a477c55105ull, 0x994ec652128a6aa6ull, 0xfbceb804c854d8afull,
    0xc916a70a13385dc6ull, 0x1860c95954769927ull, 0x768a2ebc55af8af4ull, 0xa3bfd684e188dad9ull,
    0x081b391526ea5a87ull, 0x0867201adec8d6f2ull, 0x07c4e92c87533327ull, 0x5e7f5f600fc956b0ull,
    0x34d0e9f341a24823ull, 0x95f3b8fbc8f32d4dull, 0xb8823463996b02efull, 0xf471260b9069d465ull,
    0x3d663a1a6c97ff5dull, 0xfd0855115ba1b029ull, 0xec601c3848e2272full, 0x52c88c48de9392c1ull,
    0xfbceb804c854d8afull, 0xed25543789ddfa3cull, 0x37846135f067c6e8ull, 0xb5fbca21bc0ebabfull,
    0xc1647969083a84ceull, 0xb335016e8c04f79bull, 0xc5859b6be4865ff4ull, 0x0d0fa9841eb8bbdcull,
    0xae80665dbfee5a1dull, 0x26386f2bb6610f9dull, 0xdda5b34c6caf310dull, 0xe17e2ba932ce8134ull,
    0xec601c3848e2272full, 0xfa15961fdba6746full, 0x87d1b918e2f763beull, 0x298244c0d4ee2393ull,
    0xb211d0d7c0c0b770ull, 0x4b90b5d7511464b7ull, 0x57bd1a1c1c7bc48bull, 0x26fbf02a81e2a692ull,
    0xfbceb804c854d8afull, 0x275755b1cae808e8ull, 0xddba44cc1f0649e0ull, 0x651845a74a456c8bull,
    0xeee69285eb18162aull, 0xba52438223621dc3ull, 0xfaf5d503d9db2220ull, 0x06e1465a6bcc9973ull,
    0x4dcc01df7bd0864eull, 0x4e857a7fc0a08dbaull, 0x148f40a0610bf3d9ull, 0xb9a3afcd4c8c7709ull,
    0xbd155065dbad976eull, 0x5a2cadfa4b6f9d32ull, 0xf3b7e35f742740c6ull, 0x21ade9d4910de278ull,
    0xf1f3d9a1ed1c0675ull, 0xef40f4ef12699306ull, 0xb2cd66dbbc70a216ull, 0xf35dc5e6f0d690bbull,
    0x0532a5733088cab0ull, 0x5aff756dc60d3d27ull, 0xb4b6848ad41fdc93ull, 0xb36373ebee127170ull,
    0xc9286379e63beab4ull, 0xb8f0889d8a483b5eull, 0xc602caf4d9acc0a8ull, 0x428f4e9b42a6c990ull,
    0x90bcfdb3e5af0652ull, 0x138150987b85d37eull, 0xbee8b596002fe48dull, 0xe85176321e8aca08ull,
    0xeb592861b92b93fdull, 0x1fae15566263fc81ull, 0x607bff4efeb74517ull, 0x707e7e482a031160ull,
    0x449f20a930020332ull, 0xf4311230ffba952dull, 0x56c8fef388c72c80ull, 0x20a028b908cc18afull,
    0x1858a306c33e75c1ull, 0xeb39ddb92fd1c880ull, 0x5b7718124aa4cddaull, 0x7b03169a8d92e402ull,
    0xd8b9cb0afa8d2ab4ull, 0xc3e168a04d91bb8eull, 0xa847bc956991f6e6ull, 0x21247b61de393525ull,
    0xe23fe47f67a0272dull, 0xdf1c7983a250f9edull, 0xca1688a28bb78ce5ull, 0xec601c3848e2272full,
    0xbb554c0366844e5dull, 0xfab7cfbf97064f4full, 0x3e8753f67c651ccfull, 0xa22d9da10e8433a4ull,
};
constexpr uint64_t kFloatsDigests[] = {
    0x6de18e65c1247d76ull, 0xea1928dbb72e8f68ull, 0x9894ec8ea35130ffull, 0xa6b08e67bb64ea72ull,
    0x02ed7a509da91cd4ull, 0xc978e4cb25b0a3b9ull, 0xff4fd18203cf27c6ull, 0xbca4bb46b8db89f9ull,
    0x42556c0bb6d2e1ecull, 0x1b450247d94eaa96ull, 0xed4f52eefaea3dcfull, 0x729fd83a338c9892ull,
    0x8f9a94135f506cf1ull, 0xaae60cd1126ad1a9ull, 0x68f99e55a037ca9eull, 0x30101780ea0c9f42ull,
    0x7075f98a35420fd8ull, 0x0cadd6bb627cdf00ull, 0x82a4294e1201feadull, 0x90d1c130977c0391ull,
    0x6c77eb005129e679ull, 0x8a1c5da7195db993ull, 0x729fd83a338c9892ull, 0x69445fadabb75c07ull,
    0xda3502628f7584b5ull, 0x6de18e65c1247d76ull, 0x16d49906b421d1acull, 0x2fe0156307154181ull,
    0x3f210627d07a9912ull, 0x10362e35c00f5c8bull, 0xb9bbec4ef89cfc2bull, 0x9dc5721b2ed8495bull,
    0xaf5006e4e997e7b4ull, 0x1edc3a2aa86b5abdull, 0xd25a9a1cf8c2303dull, 0xa76b0421fb38e31bull,
    0xf4a39d83426f019cull, 0xf9cfd43c42f22fbaull, 0x377e5e927cc728e1ull, 0x39a9e77a13f8b202ull,
    0xdd3f6efee3c0be23ull, 0x5e57950a93158f76ull, 0xdd43c439a60574a3ull, 0x743c68f47bfc07c0ull,
    0x303044c358af68cfull, 0x4cc6b8d4ff40e367ull, 0xb87587800502a957ull, 0x87e4eb226f738d6dull,
    0x9afbcfcffaf359b1ull, 0x6b75bd741a3f0327ull, 0x83ddfa07c2d331e3ull, 0x23556a3b837b8428ull,
    0xbf72be44df68cd8aull, 0x0cb2beb30a9d89f4ull, 0xfbc0b1c4e1cb01b7ull, 0x75225130eda9eb6eull,
    0xa6f10b3476ffe874ull, 0xdd5cb8c6c411c640ull, 0x79db05a84bf1ccd8ull, 0x6e3e042cd246e2d4ull,
    0x3bca31b57ccc29eaull, 0x7f27ce2cc82a784dull, 0x6de18e65c1247d76ull, 0x0a58f4b09b39ea7dull,
    0x5b413289263c428dull, 0x56dcee3308319734ull, 0x0c2f6da4adf638cdull, 0x0c173c4579f70c89ull,
    0x8e1afb5b72791be3ull, 0x08c7290a3bcee885ull, 0x534b54bd6e51552bull, 0x942ac54e812c6370ull,
    0x6de18e65c1247d76ull, 0x27011895ac4f8dd0ull, 0xbaeda8db26917ae7ull, 0x729fd83a338c9892ull,
    0x7ea38d50ef553d8eull, 0x529b2ee5983e483eull, 0xf872f252e6305154ull, 0xda95b3c6797d0792ull,
    0x47355a403c583483ull, 0x8774bf5f244d2e53ull, 0xe3c3f2ff2f6b1fdeull, 0x612597ce7e4815b4ull,
    0xb823e15c6f72136full, 0x9878679cb17ab89cull, 0x9231b102dbea40eaull, 0xa9cba981f048b048ull,
    0x529b2ee5983e483eull, 0x6f3b1cf8bf1ce0c5ull, 0xe142d0fcd810cfe5ull, 0x32877e529141e795ull,
    0x06402b6ad8741a3dull, 0xe6d81b680b94f011ull, 0x07f49959a7f94edeull, 0xc8518b8d55a67214ull,
    0x6011c1c2705a33d6ull, 0x3db82a132055d716ull, 0x75ee3e4d43eb8dd7ull, 0x6843a655e3cb99fdull,
    0x2ff84530b7708d71ull, 0x78fff32c535c85d3ull, 0x729fd83a338c9892ull, 0xc16ed0083d450601ull,
    0xce15378006e031f0ull, 0x15fff578918bd83cull, 0x83b20e26a5529d67ull, 0xc433da92887aa576ull,
    0x6d23a639a151e9caull, 0xd3f53405acf500adull, 0xac38c150c62e32a5ull, 0x265b64d9ff024e0cull,
    0x562eb94d33fbccbaull, 0xc2525377ab0f98fbull, 0x40970f4b883d129bull, 0x20b6464495721eb5ull,
    0x58e6f3f09d6c5377ull, 0x60cadced55fd5473ull, 0x4e6df6c9fea20a26ull, 0x047653b612b880f3ull,
    0x9198930f8ff8d224ull, 0x529b2ee5983e483eull, 0x87da80dbf4c53fd8ull, 0x4323726058876711ull,
    0x03879554c120dd3full, 0xdd0bc952138e5447ull, 0x729fd83a338c9892ull, 0x63897986f02c8c49ull,
    0x35a45ac6d07d82abull, 0xec8ccf684bc7d880ull, 0x34cfea891b4c0ff3ull, 0x867f471ed178f6e9ull,
    0x529b2ee5983e483eull, 0xc63effc297b26c81ull, 0xbf397e82e841f205ull, 0x6de18e65c1247d76ull,
    0xc1b9f80f0f8e7f94ull, 0xcb1fc4162a2813b6ull, 0x41f40a08c2c159adull, 0xc502b992802bda57ull,
    0xbcf62755bd9f2825ull, 0x69c977115bf588e8ull, 0x091d4007b5b30c88ull, 0xc283a4c1bcea1829ull,
    0x729fd83a338c9892ull, 0xefe784ba52ec9678ull, 0x7dfb99980e5c6f7full, 0x4e1b6ead6320c6f3ull,
    0x23bc30a31b0837a1ull, 0x6de18e65c1247d76ull, 0x97c00cd164d1a75eull, 0x0882a0377e41746dull,
    0xfb146de4fe451207ull, 0xc89e227e8aad0a8full, 0x091d4007b5b30c88ull, 0x290af7861eecc809ull,
    0x529b2ee5983e483eull, 0x43f9c45f4613f03cull, 0x62a1b3600fe44630ull, 0x90aa9cf19bffc974ull,
    0x0b0deb631617342full, 0xa979e7f9f53a3e22ull, 0xb67b1d08b25596e5ull, 0xf78ba3e6458c2c9aull,
    0x102cd30e55482ad2ull, 0xe2c933b234cabba6ull, 0x0401fee0458dc7d2ull, 0xc1c315b49986eaf4ull,
    0x529b2ee5983e483eull, 0x7fa789f0d6eff5c2ull, 0xe7710a0459b41f48ull, 0xcc8a04e9e9b72fc5ull,
    0x729fd83a338c9892ull, 0xa6ce1084e73612b0ull, 0xcce75a7d39c08b5aull, 0xef073cd94b4a6d39ull,
    0xb1fdaf27027ceffdull, 0x65bf8d72e3a4e8b0ull, 0x729fd83a338c9892ull, 0xf59d5c113d8cf00cull,
    0x199ab6a1dd09cd90ull, 0x9494d1e962ad3212ull, 0x91f3d8fb035f83d8ull, 0x454fd76fca797629ull,
    0xdcca2c859b7db9cdull, 0x8976123d672ea688ull, 0x19e825e093eedeeaull, 0xc93a4be92913e006ull,
    0xfba4b5f5e4db8192ull, 0xa88b2b047ff1ace9ull, 0x6672fefed426e5c0ull, 0xd1883de0c6046ce1ull,
    0x1eb4cf932cf63dd9ull, 0x577070c62ee0c17bull, 0x9c28208c9c4ba72aull, 0xc9fabfa0ef78de8eull,
    0xd1fb93dea703d80aull, 0x081b2d54166a7d78ull, 0xcf9a44744aaad6a2ull, 0x272d918397f2aadcull,
    0x5ba37c36b9d463d0ull, 0xdcfe4385eaaa6404ull, 0xa81b5f3f8077f296ull, 0xf92751558004e884ull,
    0xc8bb4379e0bbaad3ull, 0x71e987cde8f07501ull, 0x494e914aeec3df13ull, 0x95be4e60a7fb1bf0ull,
    0xdca6397a8a853a38ull, 0x037f9f6aac408bdbull, 0x6de18e65c1247d76ull, 0x83c7bf86b6ae8627ull,
    0x9c54221dec8040ddull, 0x6de18e65c1247d76ull, 0x2b2ac9610a63ce89ull, 0x275c4e79b8fd2244ull,
    0xae2b2136fad982b8ull, 0xf69332c05dd8b65dull, 0xbfbae5c202a018d9ull, 0x9286a1445deb3063ull,
    0x3bcfa324cce11831ull, 0x90a1dd9f54594fa2ull, 0x6de18e65c1247d76ull, 0xea85db5a656eb445ull,
    0xd559decafe90764bull, 0xfbcd2f8d044bf0adull, 0x529b2ee5983e483eull, 0x091d4007b5b30c88ull,
    0x216a93b1b88ea31full, 0x1de9889a57343717ull, 0x33fd4d14d0c5d8c5ull, 0x87dd18681da0a9deull,
    0x729fd83a338c9892ull, 0x551bfe153fbe6fa0ull, 0xb9a72b993782a39eull, 0x6cc267d3c44e8de3ull,
    0x62ea7d976ab1161cull, 0x5ef383ada2cb5070ull, 0xa163a35f50d39d2aull, 0xaffa6fa2d7411f83ull,
    0x0a931c0754cefef9ull, 0x729fd83a338c9892ull, 0x729fd83a338c9892ull, 0x091d4007b5b30c88ull,
    0x529b2ee5983e483eull, 0x6de18e65c1247d76ull, 0x729fd83a338c9892ull, 0xadc496f235bd7410ull,
    0x1b2d47b3e96f0c3eull, 0xbbef5a3220258a2bull, 0x55297997031fa03bull, 0x58bf3b47bd3c4aaaull,
    0x7cd0ec03f266d5a0ull, 0xbcdd16ccf117e41full, 0x091d4007b5b30c88ull, 0x296f643ceb6cd2ddull,
    0xe5eec05523cf62a1ull, 0x729fd83a338c9892ull, 0x6e284a310ddb06acull, 0x607c34f0b5c152dbull,
    0x8f7826197c12f9c7ull, 0x32285f06faad890cull, 0x3ed798608ce57cbbull, 0xad09e18340f71b79ull,
    0x11197afd1d5f8b71ull, 0xb14e544572dfe29dull, 0x5ee281e65c42a55eull, 0xb5516973dedfb231ull,
    0xe77e2f2d2db1ec39ull, 0x729fd83a338c9892ull, 0xccedef6ef8e096a4ull, 0xb463ef7339a5f076ull,
    0xf73d71b17a19c160ull, 0x64d0304494ac5fa9ull, 0x37803866d80050a3ull, 0x529b2ee5983e483eull,
    0xfa01af584e6fc12dull, 0x6de18e65c1247d76ull, 0xee26c9358a8e5792ull, 0x6de18e65c1247d76ull,
    0x119f5cc72b4c3223ull, 0xb6a22c761b6c2b3cull, 0x255e9ad9c70543e8ull, 0x95a683ea16f9cbf4ull,
    0x5afe3ba78ded68d5ull, 0xef98900fcd11a801ull, 0x6de18e65c1247d76ull, 0x5840ca7346a530d1ull,
    0x0d44dd8e932d09caull, 0xa9f3cc055667f9d6ull, 0x0d6957c429c407b2ull, 0xef1a2cfd0989ea5aull,
    0x803cb9db0f940616ull, 0x51b53e0bd50d3bf5ull, 0x89b32c42f3858e03ull, 0x2e17661de559f6b6ull,
    0x8c685c0ba7e32081ull, 0xc18c6bde212299ceull, 0x7a92342ae8ff5410ull, 0xe9dc4b3e4ffec9a3ull,
};

template <size_t kCount>
void CheckFamily(const char* name, std::string (*make_case)(uint64_t),
                 const uint64_t (&digests)[kCount]) {
  for (uint64_t i = 0; i < kCount; ++i) {
    const std::string s = make_case(i);
    EXPECT_EQ(Fnv1a(s), digests[i]) << name << " case " << i << ": " << s;
  }
}

TEST(BigIntTest, RandomGeneralCasesMatchPython) {
  CheckFamily("General", GeneralCase, kGeneralDigests);
}

TEST(BigIntTest, RandomDivisionCasesMatchPython) {
  CheckFamily("Division", DivisionCase, kDivisionDigests);
}

TEST(BigIntTest, RandomFloatCasesMatchPython) { CheckFamily("Floats", FloatsCase, kFloatsDigests); }

}  // namespace
}  // namespace ftrt

// The script that computed the digests above (run with no arguments, it prints
// the tables; with a family and a case number, that case's string):
//
// clang-format off
//   # Generates bigint_test.cc's random-case digests (see the comment there).
//   import math, struct, sys
//   sys.set_int_max_str_digits(0)
//   M64 = (1 << 64) - 1
//
//   class Rng:
//       def __init__(self, seed): self.s = seed & M64
//       def next(self):
//           self.s = (self.s + 0x9E3779B97F4A7C15) & M64
//           z = self.s
//           z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
//           z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
//           return z ^ (z >> 31)
//       def int(self, max_digits):
//           n = self.next() % (max_digits + 1)
//           v = 0
//           for i in range(n):
//               k = self.next() % 8
//               d = [0, 0xFFFFFFFF, 0x80000000, 1][k] if k < 4 else self.next() & 0xFFFFFFFF
//               v |= d << (32 * i)
//           return -v if self.next() & 1 else v
//       def nonzero(self, max_digits):
//           v = self.int(max_digits)
//           return v if v else -3
//
//   def h(x): return format(x, 'x')
//   def fbits(f): return format(struct.unpack('<Q', struct.pack('<d', f))[0], '016x')
//   def cmp(a, b): return str((a > b) - (a < b))
//   def to_double(a):
//       try: return fbits(float(a))
//       except OverflowError: return 'OF'
//   def true_div(a, b):
//       try: return fbits(a / b)
//       except OverflowError: return 'OF'
//   def fnv(s):
//       x = 0xCBF29CE484222325
//       for c in s.encode():
//           x = ((x ^ c) * 0x100000001B3) & M64
//       return x
//
//   def general(i):
//       r = Rng(i * 0x1000193 + 1)
//       a, b = r.int(6), r.int(6)
//       k = r.next() % 100
//       e = r.next() % 12
//       e2 = abs(r.int(4))
//       f = [h(a + b), h(a - b), h(a * b), str(a * b)]
//       f += [h(a // b), h(a % b)] if b else ['-', '-']
//       f += [h(a & b), h(a | b), h(a ^ b), h(~a), h(a << k), h(a >> k), h(math.gcd(a, b))]
//       f += [str(hash(a)), str(hash(a * b)), cmp(a, b), str(a.bit_length()), h(a & M64)]
//       f += ['1' if -2**63 <= a < 2**63 else '0', '1' if 0 <= a < 2**64 else '0']
//       f += [to_double(a), true_div(a, b) if b else '-', h(pow(a, e))]
//       f += [h(pow(a, e2, b)) if b else '-']
//       if b:
//           try: f.append(h(pow(a, -1, abs(b))) if abs(b) != 1 else '0')
//           except ValueError: f.append('none')
//       else:
//           f.append('-')
//       n = (a.bit_length() + 8) // 8 + r.next() % 3 - 1
//       little = r.next() & 1 == 1
//       order = 'little' if little else 'big'
//       for signed in (True, False):
//           try: bs = a.to_bytes(n, order, signed=signed)
//           except OverflowError: f.append('X'); continue
//           f.append(bs.hex())
//           f.append(h(int.from_bytes(bs, order, signed=not signed)))
//       return ','.join(f)
//
//   def division(i):
//       r = Rng(i * 0x1000193 + 2)
//       b = r.nonzero(5)
//       kind = r.next() % 3
//       if kind == 0: a = r.int(14)
//       elif kind == 1: a = b * r.int(8) - 1
//       else: a = b * r.int(8) + r.int(2)
//       return ','.join([h(a // b), h(a % b), str(a), format(a, 'o'), format(a, 'b')])
//
//   def floats(i):
//       r = Rng(i * 0x1000193 + 3)
//       kind = r.next() % 5
//       if kind == 0:
//           a = r.int(34)
//       elif kind == 1:
//           m = (r.next() >> 11) | (1 << 52)
//           k = r.next() % 975
//           half = 1 << (k - 1) if k else 0
//           one = 1 if k else 0
//           delta = [0, half - one, half, half + one, (1 << k) - 1][r.next() % 5]
//           a = (m << k) + delta
//           if r.next() & 1: a = -a
//       elif kind == 2:
//           a, b = r.int(40), r.nonzero(40)
//       elif kind == 3:
//           a = r.int(3)
//           b = ((abs(r.nonzero(3)) | 1) << (1000 + r.next() % 120)) + r.int(2)
//       else:
//           m = (r.next() >> 10) | 1
//           c = r.nonzero(2)
//           a, b = m * c, c << (1 + r.next() % 1130)
//           if r.next() & 1: a = -a
//       if kind < 2:
//           f = [to_double(a)]
//           if f[0] != 'OF':
//               d = float(a)
//               f += [cmp(a, d), h(int(d))]
//               up = math.nextafter(d, math.inf)
//               if math.isinf(up): f += ['inf', '0']
//               else: f += [cmp(a, up), h(int(-up))]
//           return ','.join(f)
//       return ','.join([true_div(a, b), true_div(b, a) if a else '-'])
//
//   FAMILIES = [('General', general, 300), ('Division', division, 200), ('Floats', floats, 300)]
//   if __name__ == '__main__':
//       if len(sys.argv) > 1:  # print one case's result string: gen.py Family index
//           fam = dict((n, f) for n, f, _ in FAMILIES)[sys.argv[1]]
//           print(fam(int(sys.argv[2])))
//           sys.exit()
//       for name, fn, count in FAMILIES:
//           print('constexpr uint64_t k%sDigests[] = {' % name)
//           vals = ['0x%016xull,' % fnv(fn(i)) for i in range(count)]
//           for j in range(0, len(vals), 4): print('    ' + ' '.join(vals[j:j + 4]))
//           print('};')
// clang-format on
