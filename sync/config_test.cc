// Checks that each Bazel configuration compiles in the switches it promises:
// sanitizers route allocation to the system allocator and turn the debug
// checks on, the default build keeps assertions, and tests get a scale
// factor that the sanitizer configurations lower.
#include "sync/config.h"

#include <cassert>
#include <cstdlib>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

TEST(ConfigTest, SanitizersUseSystemAllocatorAndDebugChecks) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  EXPECT_TRUE(kSystemAlloc);
  EXPECT_TRUE(kDebugChecks);
  EXPECT_LT(testing_util::Scale(), 1.0);
#else
  EXPECT_FALSE(kSystemAlloc);
  EXPECT_FALSE(kTsan);
  EXPECT_FALSE(kAsan);
#endif
#if defined(__SANITIZE_THREAD__)
  EXPECT_TRUE(kTsan);
#endif
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_TRUE(kAsan);
#endif
}

TEST(ConfigTest, AssertionsAreOnInTestBuilds) {
#if defined(NDEBUG)
  ADD_FAILURE() << "tests must build with assertions on";
#endif
  int evaluated = 0;
  assert(++evaluated == 1);
  EXPECT_EQ(evaluated, 1);
}

TEST(ConfigTest, ScaledCountHonoursScaleAndFloor) {
  double scale = testing_util::Scale();
  EXPECT_GT(scale, 0.0);
  EXPECT_LE(scale, 1.0);
  EXPECT_EQ(testing_util::Scaled(1000, 1), static_cast<long>(1000 * scale));
  EXPECT_EQ(testing_util::Scaled(10, 7), std::max(7L, static_cast<long>(10 * scale)));
}

TEST(ConfigDeathTest, CheckAbortsWithMessage) {
  EXPECT_DEATH(FTRT_CHECK(1 + 1 == 3, "arithmetic broke: %d", 42),
               "ftrt fatal: arithmetic broke: 42");
}

}  // namespace
}  // namespace ftrt
