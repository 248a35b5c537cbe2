// Tests for object/hash.h against CPython 3.13's values (strings and bytes
// with PYTHONHASHSEED=0, which is the key hash.cc uses).
#include "object/hash.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "gtest/gtest.h"

namespace ftrt {
namespace {

TEST(HashTest, BytesMatchCPythonWithZeroSeed) {
  auto h = [](const char* s) { return HashBytes(s, std::strlen(s)); };
  EXPECT_EQ(h(""), 0);
  EXPECT_EQ(h("a"), 4644417185603328019);
  EXPECT_EQ(h("abc"), -4594863902769663758);
  EXPECT_EQ(h("hello world!"), 839851713330019024);
  EXPECT_EQ(h("abcdefghijklmnopqrstuvwxyz"), 3619993805786647007);
  const char with_nul[] =
      "\xff\x00"
      "abcdefgh";
  EXPECT_EQ(HashBytes(with_nul, 10), -6065181961168507708);
}

TEST(HashTest, IntsReduceModuloMersennePrime) {
  EXPECT_EQ(HashInt64(0), 0);
  EXPECT_EQ(HashInt64(1), 1);
  EXPECT_EQ(HashInt64(-1), -2);  // -1 is reserved for errors
  EXPECT_EQ(HashInt64(-2), -2);
  EXPECT_EQ(HashInt64((int64_t{1} << 61) - 1), 0);
  EXPECT_EQ(HashInt64(int64_t{1} << 61), 1);
  EXPECT_EQ(HashInt64(int64_t{1} << 62), 2);
  EXPECT_EQ(HashInt64(std::numeric_limits<int64_t>::min()), -4);
  EXPECT_EQ(HashInt64(std::numeric_limits<int64_t>::max()), 3);
  EXPECT_EQ(HashInt64(12345678901234), 12345678901234);
}

TEST(HashTest, FloatsMatchCPython) {
  EXPECT_EQ(HashDouble(0.5, nullptr), 1152921504606846976);
  EXPECT_EQ(HashDouble(1.5, nullptr), 1152921504606846977);
  EXPECT_EQ(HashDouble(-0.5, nullptr), -1152921504606846976);
  EXPECT_EQ(HashDouble(1e300, nullptr), 1224995262755759164);
  EXPECT_EQ(HashDouble(-2.5e-300, nullptr), -52920977297143526);
  EXPECT_EQ(HashDouble(3.141592653589793, nullptr), 326490430436040707);
  EXPECT_EQ(HashDouble(1e-5, nullptr), 2170758078822671208);
  EXPECT_EQ(HashDouble(std::ldexp(1.0, 62), nullptr), 2);
  EXPECT_EQ(HashDouble(INFINITY, nullptr), 314159);
  EXPECT_EQ(HashDouble(-INFINITY, nullptr), -314159);
  EXPECT_EQ(HashDouble(-1.0, nullptr), -2);
  EXPECT_EQ(HashDouble(0.0, nullptr), 0);
  EXPECT_EQ(HashDouble(-0.0, nullptr), 0);
  // NaN hashes by identity.
  int a, b;
  EXPECT_EQ(HashDouble(NAN, &a), HashPointer(&a));
  EXPECT_NE(HashDouble(NAN, &a), HashDouble(NAN, &b));
}

TEST(HashTest, IntegralFloatsHashAsInts) {
  for (int64_t v : {int64_t{0}, int64_t{7}, int64_t{-7}, int64_t{1} << 40, -(int64_t{1} << 53),
                    int64_t{1} << 62, std::numeric_limits<int64_t>::min()}) {
    EXPECT_EQ(HashDouble(static_cast<double>(v), nullptr), HashInt64(v)) << v;
  }
}

TEST(HashTest, PointerHashNeverMinusOne) {
  EXPECT_EQ(HashPointer(reinterpret_cast<void*>(~uintptr_t{0})), -2);
  int x;
  EXPECT_NE(HashPointer(&x), -1);
}

}  // namespace
}  // namespace ftrt
