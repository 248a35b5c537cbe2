// Tests for object/float.h: layout, conversions, exact int comparison.
#include "object/float.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/int.h"
#include "object/none_bool.h"

namespace ftrt {
namespace {

using FloatTest = testing_util::RuntimeTest;

TEST_F(FloatTest, ValueLivesInObFval) {
  Ref<> f = *FloatFromDouble(2.5);
  EXPECT_TRUE(IsFloat(f.get()));
  EXPECT_EQ(reinterpret_cast<PyFloatObject*>(f.get())->ob_fval, 2.5);
  EXPECT_EQ(FloatValue(f.get()), 2.5);
  EXPECT_EQ(*FloatAsDouble(f.get()), 2.5);
  EXPECT_EQ(*FloatAsDouble(IntFromInt64(-3)->get()), -3.0);
  absl::StatusOr<double> bad = FloatAsDouble(None());
  EXPECT_EQ(KindOf(bad.status()), ErrorKind::kTypeError);
  EXPECT_EQ(bad.status().message(), "must be real number, not NoneType");
}

TEST_F(FloatTest, CompareInt64DoubleIsExact) {
  const int64_t big = (int64_t{1} << 53) + 1;
  EXPECT_EQ(CompareInt64Double(big, std::ldexp(1.0, 53)), std::partial_ordering::greater);
  EXPECT_EQ(CompareInt64Double(1, 1.0), std::partial_ordering::equivalent);
  EXPECT_EQ(CompareInt64Double(1, 1.0000001), std::partial_ordering::less);
  EXPECT_EQ(CompareInt64Double(-1, -1.5), std::partial_ordering::greater);
  EXPECT_EQ(CompareInt64Double(-2, -1.5), std::partial_ordering::less);
  EXPECT_EQ(CompareInt64Double(std::numeric_limits<int64_t>::max(), std::ldexp(1.0, 63)),
            std::partial_ordering::less);
  EXPECT_EQ(CompareInt64Double(0, -INFINITY), std::partial_ordering::greater);
  EXPECT_EQ(CompareInt64Double(0, NAN), std::partial_ordering::unordered);
}

TEST_F(FloatTest, RichComparisonAndHash) {
  Ref<> a = *FloatFromDouble(1.5);
  Ref<> b = *FloatFromDouble(2.5);
  EXPECT_TRUE(*RichCompareBool(a.get(), b.get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(b.get(), a.get(), Py_GE));
  EXPECT_TRUE(*RichCompareBool(b.get(), IntFromInt64(2)->get(), Py_GT));
  EXPECT_EQ(*Hash(a.get()), 1152921504606846977);
  Ref<> nan = *FloatFromDouble(NAN);
  EXPECT_TRUE(*RichCompareBool(nan.get(), nan.get(), Py_EQ));  // identity
  Ref<> nan2 = *FloatFromDouble(NAN);
  EXPECT_FALSE(*RichCompareBool(nan.get(), nan2.get(), Py_EQ));
  EXPECT_NE(*Hash(nan.get()), *Hash(nan2.get()));
  EXPECT_FALSE(*IsTrue(FloatFromDouble(0.0)->get()));
  EXPECT_TRUE(*IsTrue(b.get()));
}

}  // namespace
}  // namespace ftrt
