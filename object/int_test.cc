// Tests for object/int.h and object/none_bool.h: small ints and singletons
// are immortal and shared, values past the 64-bit range become big ints
// (and come back to the small form when they fit again), arithmetic
// follows Python, and int/bool hash and compare consistently.
#include "object/int.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/none_bool.h"
#include "object/refcount.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

using IntTest = testing_util::RuntimeTest;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

Ref<> Int(int64_t v) { return *IntFromInt64(v); }

// The decimal digits of an int result ("error: ..." for a failed one).
std::string Dec(const absl::StatusOr<Ref<>>& r) {
  if (!r.ok()) return "error: " + std::string(r.status().message());
  absl::StatusOr<std::string> text = IntToString(r->get(), 10);
  return text.ok() ? *text : "error: " + std::string(text.status().message());
}
std::string Dec(const Ref<>& r) { return Dec(absl::StatusOr<Ref<>>(r.Clone())); }

TEST_F(IntTest, SmallIntsAreImmortalAndShared) {
  for (int64_t v : {kSmallIntMin, int64_t{-1}, int64_t{0}, int64_t{42}, kSmallIntMax}) {
    Ref<> a = Int(v);
    Ref<> b = Int(v);
    EXPECT_EQ(a.get(), b.get());
    EXPECT_EQ(a.get(), SmallInt(v));
    EXPECT_TRUE(IsImmortal(a.get()));
    EXPECT_EQ(IntValue(a.get()), v);
  }
  Ref<> big1 = Int(kSmallIntMax + 1);
  Ref<> big2 = Int(kSmallIntMax + 1);
  EXPECT_NE(big1.get(), big2.get());
  EXPECT_FALSE(IsImmortal(big1.get()));
  EXPECT_EQ(Refcount(big1.get()), 1);
  EXPECT_NE(Int(kSmallIntMin - 1).get(), Int(kSmallIntMin - 1).get());
}

TEST_F(IntTest, SingletonsAreImmortalAndTyped) {
  for (PyObject* op : {None(), NotImplemented(), Ellipsis(), True(), False()}) {
    EXPECT_TRUE(IsImmortal(op));
    EXPECT_NE(op->ob_type, nullptr);
    // Counting never writes to them.
    const PyObject before = *op;
    Incref(op);
    Decref(op);
    EXPECT_EQ(std::memcmp(&before, op, sizeof(PyObject)), 0);
  }
  EXPECT_EQ(None()->ob_type, NoneType());
  EXPECT_STREQ(NoneType()->tp_name, "NoneType");
  EXPECT_STREQ(EllipsisType()->tp_name, "ellipsis");
  EXPECT_TRUE(IsBool(True()));
  EXPECT_TRUE(IsInt(True()));  // bool is a subclass of int
  EXPECT_FALSE(IsIntExact(True()));
  EXPECT_EQ(IntValue(True()), 1);
  EXPECT_EQ(IntValue(False()), 0);
  EXPECT_EQ(BoolType()->tp_base, IntType());
  EXPECT_EQ(BoolFrom(true), True());
  EXPECT_TRUE(IsNone(None()));
  // Every static type has the metatype.
  EXPECT_EQ(AsHeader(IntType())->ob_type, AsHeader(BoolType())->ob_type);
  EXPECT_NE(AsHeader(IntType())->ob_type, nullptr);
}

TEST_F(IntTest, ConversionsReportOverflow) {
  EXPECT_EQ(*IntAsInt64(Int(kMax).get()), kMax);
  EXPECT_EQ(*IntAsInt64(Int(kMin).get()), kMin);
  EXPECT_EQ(*IntAsInt32(Int(INT32_MAX).get()), INT32_MAX);
  absl::StatusOr<int32_t> too_big = IntAsInt32(Int(int64_t{INT32_MAX} + 1).get());
  EXPECT_EQ(KindOf(too_big.status()), ErrorKind::kOverflowError);
  EXPECT_EQ(too_big.status().message(), "Python int too large to convert to C int");
  EXPECT_EQ(KindOf(IntAsUint64(Int(-1).get()).status()), ErrorKind::kOverflowError);
  EXPECT_EQ(*IntAsUint64(Int(kMax).get()), static_cast<uint64_t>(kMax));
  EXPECT_EQ(Dec(IntFromUint64(uint64_t{1} << 63)), "9223372036854775808");
  EXPECT_EQ(*IntAsUint64(IntFromUint64(UINT64_MAX)->get()), UINT64_MAX);
  EXPECT_EQ(IntValue(IntFromUint64(uint64_t{1} << 62)->get()), int64_t{1} << 62);
  // Past 64 bits: OverflowError from the narrow conversions.
  Ref<> two64 = *IntFromBigInt(*BigInt::FromDigitString("18446744073709551616", 10, false));
  EXPECT_EQ(IntAsUint64(two64.get()).status().message(),
            "Python int too large to convert to C unsigned long");
  EXPECT_EQ(IntAsInt64(IntFromUint64(uint64_t{1} << 63)->get()).status().message(),
            "Python int too large to convert to C long");
  EXPECT_EQ(KindOf(IntAsInt32(two64.get()).status()), ErrorKind::kOverflowError);
  // Not an int.
  absl::StatusOr<int64_t> not_int = IntAsInt64(None());
  EXPECT_EQ(KindOf(not_int.status()), ErrorKind::kTypeError);
  EXPECT_EQ(not_int.status().message(), "'NoneType' object cannot be interpreted as an integer");
  EXPECT_EQ(*IntAsInt64(True()), 1);
}

TEST_F(IntTest, FromDouble) {
  EXPECT_EQ(IntValue(IntFromDouble(-2.9)->get()), -2);
  EXPECT_EQ(IntValue(IntFromDouble(1e18)->get()), 1000000000000000000);
  EXPECT_EQ(IntValue(IntFromDouble(-9223372036854775808.0)->get()), kMin);
  EXPECT_EQ(Dec(IntFromDouble(9223372036854775808.0)), "9223372036854775808");
  EXPECT_EQ(Dec(IntFromDouble(-1e20)), "-100000000000000000000");
  EXPECT_EQ(Dec(IntFromDouble(1.5e300)).substr(0, 20), "15000000000000000787");
  EXPECT_EQ(KindOf(IntFromDouble(INFINITY).status()), ErrorKind::kOverflowError);
  EXPECT_EQ(KindOf(IntFromDouble(NAN).status()), ErrorKind::kValueError);
}

TEST_F(IntTest, ArithmeticAndOverflow) {
  EXPECT_EQ(IntValue(IntAdd(Int(2).get(), Int(3).get())->get()), 5);
  EXPECT_EQ(IntValue(IntSubtract(Int(2).get(), Int(3).get())->get()), -1);
  EXPECT_EQ(IntValue(IntMultiply(Int(-4).get(), Int(3).get())->get()), -12);
  EXPECT_EQ(IntValue(IntAdd(True(), True())->get()), 2);
  // Past the 64-bit range: big ints.
  EXPECT_EQ(Dec(IntAdd(Int(kMax).get(), Int(1).get())), "9223372036854775808");
  EXPECT_EQ(Dec(IntSubtract(Int(kMin).get(), Int(1).get())), "-9223372036854775809");
  EXPECT_EQ(Dec(IntMultiply(Int(int64_t{1} << 32).get(), Int(int64_t{1} << 31).get())),
            "9223372036854775808");
  EXPECT_EQ(Dec(IntNegate(Int(kMin).get())), "9223372036854775808");
  EXPECT_EQ(IntValue(IntNegate(Int(kMax).get())->get()), -kMax);
  // Python's floor division and modulo.
  EXPECT_EQ(IntValue(IntFloorDivide(Int(-7).get(), Int(2).get())->get()), -4);
  EXPECT_EQ(IntValue(IntRemainder(Int(-7).get(), Int(2).get())->get()), 1);
  EXPECT_EQ(IntValue(IntFloorDivide(Int(7).get(), Int(-2).get())->get()), -4);
  EXPECT_EQ(IntValue(IntRemainder(Int(7).get(), Int(-2).get())->get()), -1);
  EXPECT_EQ(IntValue(IntRemainder(Int(kMin).get(), Int(-1).get())->get()), 0);
  EXPECT_EQ(Dec(IntFloorDivide(Int(kMin).get(), Int(-1).get())), "9223372036854775808");
  absl::StatusOr<Ref<>> zero = IntFloorDivide(Int(1).get(), Int(0).get());
  EXPECT_EQ(KindOf(zero.status()), ErrorKind::kZeroDivisionError);
  EXPECT_EQ(zero.status().message(), "integer division or modulo by zero");
  absl::StatusOr<Ref<>> bad = IntAdd(Int(1).get(), None());
  EXPECT_EQ(KindOf(bad.status()), ErrorKind::kTypeError);
  EXPECT_EQ(bad.status().message(), "unsupported operand type(s) for +: 'int' and 'NoneType'");
}

// An int from decimal (or prefixed) text.
Ref<> Big(const char* text) {
  bool syntax_error = false;
  absl::StatusOr<Ref<>> r = IntFromLiteral(text, 0, &syntax_error);
  EXPECT_FALSE(syntax_error) << text;
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? std::move(*r) : Ref<>();
}

TEST_F(IntTest, BigIntsTakeTheBigFormOnlyOutsideTheWord) {
  Ref<> max = Int(kMax);
  Ref<> past = *IntAdd(max.get(), Int(1).get());
  EXPECT_FALSE(IntIsBig(max.get()));
  EXPECT_TRUE(IntIsBig(past.get()));
  EXPECT_EQ(IntSign(past.get()), 1);
  // Back inside the range, the result is a word again.
  Ref<> back = *IntSubtract(past.get(), Int(1).get());
  EXPECT_FALSE(IntIsBig(back.get()));
  EXPECT_EQ(IntValue(back.get()), kMax);
  Ref<> min_back = *IntNegate(past.get());
  EXPECT_FALSE(IntIsBig(min_back.get()));
  EXPECT_EQ(IntValue(min_back.get()), kMin);
  Ref<> below = Big("-9223372036854775809");
  EXPECT_TRUE(IntIsBig(below.get()));
  EXPECT_EQ(IntSign(below.get()), -1);
  EXPECT_EQ(IntBitLength(below.get()), 64u);
  EXPECT_EQ(IntClampedValue(below.get()), kMin);
  EXPECT_EQ(IntClampedValue(past.get()), kMax);
  EXPECT_TRUE(*IsTrue(past.get()));
}

TEST_F(IntTest, BigArithmeticMatchesPython) {
  // Expected values computed with CPython.
  Ref<> three = Int(3), hundred = Int(100);
  EXPECT_EQ(Dec(IntPower(three.get(), hundred.get(), nullptr)),
            "515377520732011331036461129765621272702107522001");
  Ref<> m = Big("1180591620717411303425");  // 2**70 + 1
  EXPECT_EQ(Dec(IntPower(three.get(), hundred.get(), m.get())), "713439880892153639001");
  Ref<> two70 = Big("1180591620717411303424");
  EXPECT_EQ(Dec(IntPower(two70.get(), Int(-1).get(), Int(97).get())), "93");
  Ref<> neg_mod = Big("-36893488147419103239");  // -(2**65 + 7)
  Ref<> base = Big("-1180591620717411303421");  // -(2**70) + 3
  EXPECT_EQ(Dec(IntPower(base.get(), Int(5).get(), neg_mod.get())), "-36893487544680113332");
  Ref<> a = Big("1606938044258990275541962092341162602522202993782792835313721");  // 2**200+12345
  Ref<> b = Big("-1180591620717411303427");                                       // -(2**70)-3
  EXPECT_EQ(Dec(IntFloorDivide(a.get(), b.get())), "-1361129467683753853850039665213252304897");
  EXPECT_EQ(Dec(IntRemainder(a.get(), b.get())), "-1170215327175949668298");
  Ref<> qr = *IntDivmod(Big("-1000000000000000000000000000000").get(), Int(7).get());
  EXPECT_EQ(Dec(Ref<>::NewRef(TupleItem(qr.get(), 0))), "-142857142857142857142857142858");
  EXPECT_EQ(Dec(Ref<>::NewRef(TupleItem(qr.get(), 1))), "6");
  // Shifts and bitwise operations on the two's complement form.
  Ref<> two100 = *IntLshift(Int(1).get(), hundred.get());
  EXPECT_EQ(Dec(two100), "1267650600228229401496703205376");
  EXPECT_EQ(IntValue(IntRshift(two100.get(), Int(99).get())->get()), 2);
  Ref<> neg100 = *IntNegate(two100.get());
  EXPECT_EQ(IntValue(IntRshift(neg100.get(), Int(200).get())->get()), -1);
  Ref<> or5 = *IntOr(two100.get(), Int(5).get());
  Ref<> not64 = *IntInvert(Big("18446744073709551616").get());
  EXPECT_EQ(Dec(IntAnd(or5.get(), not64.get())), "1267650600228229401496703205381");
  Ref<> low70 = *IntSubtract(two70.get(), Int(1).get());
  EXPECT_EQ(Dec(IntXor(neg100.get(), low70.get())), "-1267650599047637780779291901953");
  // A shift too large to represent is MemoryError, not an abort.
  EXPECT_EQ(KindOf(IntLshift(Int(1).get(), Int(int64_t{1} << 40).get()).status()),
            ErrorKind::kMemoryError);
  EXPECT_EQ(KindOf(IntLshift(Int(1).get(), two100.get()).status()), ErrorKind::kMemoryError);
  EXPECT_EQ(IntValue(IntRshift(Int(-5).get(), two100.get())->get()), -1);
}

TEST_F(IntTest, BigIntsHashCompareAndConvertLikePython) {
  Ref<> two64 = Big("18446744073709551616");
  EXPECT_EQ(IntHash(two64.get()), 8);
  EXPECT_EQ(IntHash(Big("-1267650600228229401496703205376").get()), -549755813888);
  EXPECT_EQ(IntHash(Big("6917529027641081861").get()), 8);  // 2**61 * 3 + 5: a word
  EXPECT_EQ(IntHash(Big("-4611686018427387903").get()), -2);  // -(2**61-1)*2 - 1
  // hash and == agree with the float of the same value.
  Ref<> f64 = *FloatFromDouble(std::ldexp(1.0, 64));
  EXPECT_TRUE(*RichCompareBool(two64.get(), f64.get(), Py_EQ));
  EXPECT_EQ(*Hash(two64.get()), *Hash(f64.get()));
  Ref<> two64p1 = *IntAdd(two64.get(), Int(1).get());
  EXPECT_TRUE(*RichCompareBool(two64p1.get(), f64.get(), Py_GT));
  EXPECT_TRUE(*RichCompareBool(f64.get(), two64p1.get(), Py_LT));
  // Ordering across the forms and signs.
  EXPECT_TRUE(*RichCompareBool(Int(kMax).get(), two64.get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(Big("-18446744073709551616").get(), Int(kMin).get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(two64p1.get(), two64.get(), Py_GT));
  EXPECT_TRUE(*RichCompareBool(Big("18446744073709551616").get(), two64.get(), Py_EQ));
  Ref<> googol4 = *IntPower(Int(10).get(), Int(400).get(), nullptr);
  EXPECT_TRUE(*RichCompareBool(googol4.get(), FloatFromDouble(1e308)->get(), Py_GT));
  EXPECT_TRUE(*RichCompareBool(googol4.get(), FloatFromDouble(INFINITY)->get(), Py_LT));
  // To float: correctly rounded, OverflowError past the range.
  EXPECT_EQ(*IntAsDouble(two64.get()), std::ldexp(1.0, 64));
  EXPECT_EQ(IntAsDouble(googol4.get()).status().message(), "int too large to convert to float");
  Ref<> two1100 = *IntLshift(Int(1).get(), Int(1100).get());
  Ref<> two100 = *IntLshift(Int(1).get(), Int(100).get());
  absl::StatusOr<Ref<>> q = IntTrueDivide(two1100.get(), two100.get());
  EXPECT_EQ(FloatValue(q->get()), std::ldexp(1.0, 1000));
  EXPECT_EQ(IntTrueDivide(googol4.get(), Int(1).get()).status().message(),
            "integer division result too large for a float");
  EXPECT_EQ(FloatValue(IntTrueDivide(Int(1).get(), googol4.get())->get()), 0.0);
}

TEST_F(IntTest, TextOfBigIntsAndTheDigitLimit) {
  EXPECT_EQ(Dec(Big("0x_ffff_ffff_ffff_ffff_ff")), "4722366482869645213695");
  EXPECT_EQ(*IntToString(Big("-1180591620717411303424").get(), 16), "-400000000000000000");
  EXPECT_EQ(*IntToString(Big("36893488147419103232").get(), 2),
            "100000000000000000000000000000000000000000000000000000000000000000");
  // CPython's 4300-digit limit on decimal text, both ways.
  std::string digits(4300, '9');
  EXPECT_TRUE(IntFromDigitString(digits, 10, false).ok());
  absl::StatusOr<Ref<>> too_long = IntFromDigitString(digits + "9", 10, false);
  EXPECT_EQ(KindOf(too_long.status()), ErrorKind::kValueError);
  EXPECT_EQ(too_long.status().message().substr(0, 59),
            "Exceeds the limit (4300 digits) for integer string conversi");
  EXPECT_TRUE(IntFromDigitString(std::string(5000, 'f'), 16, false).ok());  // power of 2
  Ref<> big = *IntPower(Int(10).get(), Int(4299).get(), nullptr);  // 4300 digits
  EXPECT_EQ(IntToString(big.get(), 10)->size(), 4300u);
  Ref<> bigger = *IntMultiply(big.get(), Int(10).get());
  EXPECT_EQ(KindOf(IntToString(bigger.get(), 10).status()), ErrorKind::kValueError);
  EXPECT_TRUE(IntToString(bigger.get(), 16).ok());
  // Not a literal.
  bool syntax_error = false;
  (void)IntFromLiteral("12_", 10, &syntax_error);
  EXPECT_TRUE(syntax_error);
  (void)IntFromLiteral("99999999999999999999999999z", 10, &syntax_error);
  EXPECT_TRUE(syntax_error);
}

TEST_F(IntTest, HashAndEqualityAgreeAcrossIntBoolFloat) {
  // Equal values hash equal, whatever the type.
  struct Case {
    Ref<> a, b;
  };
  Case cases[] = {
      {Int(1), Ref<>::Steal(True())},
      {Int(0), Ref<>::Steal(False())},
      {Int(1), *FloatFromDouble(1.0)},
      {Ref<>::Steal(True()), *FloatFromDouble(1.0)},
      {Int(kMax / 2 + 1), *FloatFromDouble(static_cast<double>(kMax / 2 + 1))},
      {Int(-1), *FloatFromDouble(-1.0)},
      {Int(int64_t{1} << 62), *FloatFromDouble(std::ldexp(1.0, 62))},
      {Int(1000), Int(1000)},  // two distinct objects
  };
  for (Case& c : cases) {
    EXPECT_TRUE(*RichCompareBool(c.a.get(), c.b.get(), Py_EQ));
    EXPECT_TRUE(*RichCompareBool(c.b.get(), c.a.get(), Py_EQ));
    EXPECT_FALSE(*RichCompareBool(c.a.get(), c.b.get(), Py_NE));
    EXPECT_EQ(*Hash(c.a.get()), *Hash(c.b.get()));
  }
  EXPECT_EQ(*Hash(Int(-1).get()), -2);
  EXPECT_EQ(*Hash(True()), 1);
}

TEST_F(IntTest, OrderingAgainstIntsAndFloatsIsExact) {
  Ref<> two53p1 = Int((int64_t{1} << 53) + 1);
  Ref<> f2_53 = *FloatFromDouble(std::ldexp(1.0, 53));
  // As a double, 2**53 + 1 rounds to 2**53; the comparison must not.
  EXPECT_TRUE(*RichCompareBool(two53p1.get(), f2_53.get(), Py_GT));
  EXPECT_TRUE(*RichCompareBool(f2_53.get(), two53p1.get(), Py_LT));
  EXPECT_FALSE(*RichCompareBool(two53p1.get(), f2_53.get(), Py_EQ));
  EXPECT_TRUE(*RichCompareBool(Int(2).get(), FloatFromDouble(2.5)->get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(Int(-3).get(), FloatFromDouble(-2.5)->get(), Py_LE));
  EXPECT_TRUE(
      *RichCompareBool(Int(kMax).get(), FloatFromDouble(std::ldexp(1.0, 63))->get(), Py_LT));
  EXPECT_TRUE(
      *RichCompareBool(Int(kMin).get(), FloatFromDouble(std::ldexp(-1.0, 63))->get(), Py_EQ));
  EXPECT_TRUE(*RichCompareBool(Int(5).get(), Int(7).get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(True(), Int(0).get(), Py_GT));
  // NaN: unordered, unequal.
  Ref<> nan = *FloatFromDouble(NAN);
  for (int op : {Py_LT, Py_LE, Py_EQ, Py_GT, Py_GE}) {
    EXPECT_FALSE(*RichCompareBool(Int(1).get(), nan.get(), op)) << op;
  }
  EXPECT_TRUE(*RichCompareBool(Int(1).get(), nan.get(), Py_NE));
  // Against a type with no ordering: TypeError worded as CPython's.
  absl::StatusOr<bool> bad = RichCompareBool(Int(1).get(), None(), Py_LT);
  EXPECT_EQ(KindOf(bad.status()), ErrorKind::kTypeError);
  EXPECT_EQ(bad.status().message(), "'<' not supported between instances of 'int' and 'NoneType'");
  // Equality falls back to identity.
  EXPECT_FALSE(*RichCompareBool(Int(1).get(), None(), Py_EQ));
}

TEST_F(IntTest, Truth) {
  EXPECT_FALSE(*IsTrue(Int(0).get()));
  EXPECT_TRUE(*IsTrue(Int(-7).get()));
  EXPECT_FALSE(*IsTrue(None()));
  EXPECT_FALSE(*IsTrue(False()));
  EXPECT_TRUE(*IsTrue(Ellipsis()));
}

}  // namespace
}  // namespace ftrt
