// Tests for object/int.h and object/none_bool.h: small ints and singletons
// are immortal and shared, the 64-bit range is enforced with
// OverflowError, arithmetic follows Python, and int/bool hash and compare
// consistently.
#include "object/int.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/none_bool.h"
#include "object/refcount.h"

namespace ftrt {
namespace {

using IntTest = testing_util::RuntimeTest;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

Ref<> Int(int64_t v) { return *IntFromInt64(v); }

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
  EXPECT_EQ(KindOf(IntFromUint64(uint64_t{1} << 63).status()), ErrorKind::kOverflowError);
  EXPECT_EQ(IntValue(IntFromUint64(uint64_t{1} << 62)->get()), int64_t{1} << 62);
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
  EXPECT_EQ(KindOf(IntFromDouble(9223372036854775808.0).status()), ErrorKind::kOverflowError);
  EXPECT_EQ(KindOf(IntFromDouble(INFINITY).status()), ErrorKind::kOverflowError);
  EXPECT_EQ(KindOf(IntFromDouble(NAN).status()), ErrorKind::kValueError);
}

TEST_F(IntTest, ArithmeticAndOverflow) {
  EXPECT_EQ(IntValue(IntAdd(Int(2).get(), Int(3).get())->get()), 5);
  EXPECT_EQ(IntValue(IntSubtract(Int(2).get(), Int(3).get())->get()), -1);
  EXPECT_EQ(IntValue(IntMultiply(Int(-4).get(), Int(3).get())->get()), -12);
  EXPECT_EQ(IntValue(IntAdd(True(), True())->get()), 2);
  EXPECT_EQ(KindOf(IntAdd(Int(kMax).get(), Int(1).get()).status()), ErrorKind::kOverflowError);
  EXPECT_EQ(KindOf(IntSubtract(Int(kMin).get(), Int(1).get()).status()), ErrorKind::kOverflowError);
  EXPECT_EQ(KindOf(IntMultiply(Int(int64_t{1} << 32).get(), Int(int64_t{1} << 31).get()).status()),
            ErrorKind::kOverflowError);
  EXPECT_EQ(KindOf(IntNegate(Int(kMin).get()).status()), ErrorKind::kOverflowError);
  EXPECT_EQ(IntValue(IntNegate(Int(kMax).get())->get()), -kMax);
  // Python's floor division and modulo.
  EXPECT_EQ(IntValue(IntFloorDivide(Int(-7).get(), Int(2).get())->get()), -4);
  EXPECT_EQ(IntValue(IntRemainder(Int(-7).get(), Int(2).get())->get()), 1);
  EXPECT_EQ(IntValue(IntFloorDivide(Int(7).get(), Int(-2).get())->get()), -4);
  EXPECT_EQ(IntValue(IntRemainder(Int(7).get(), Int(-2).get())->get()), -1);
  EXPECT_EQ(IntValue(IntRemainder(Int(kMin).get(), Int(-1).get())->get()), 0);
  EXPECT_EQ(KindOf(IntFloorDivide(Int(kMin).get(), Int(-1).get()).status()),
            ErrorKind::kOverflowError);
  absl::StatusOr<Ref<>> zero = IntFloorDivide(Int(1).get(), Int(0).get());
  EXPECT_EQ(KindOf(zero.status()), ErrorKind::kZeroDivisionError);
  EXPECT_EQ(zero.status().message(), "integer division or modulo by zero");
  absl::StatusOr<Ref<>> bad = IntAdd(Int(1).get(), None());
  EXPECT_EQ(KindOf(bad.status()), ErrorKind::kTypeError);
  EXPECT_EQ(bad.status().message(), "unsupported operand type(s) for +: 'int' and 'NoneType'");
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
