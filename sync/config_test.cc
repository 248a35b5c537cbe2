// Checks that each Bazel configuration compiles in the switches it promises:
// sanitizers route allocation to the system allocator and turn the debug
// checks on, the default build keeps assertions, and tests get a scale
// factor that the sanitizer configurations lower.
#include "sync/config.h"

#include <cassert>
#include <cstdlib>

#include "gtest/gtest.h"
#include "tests/test_util.h"

// Which sanitizer this file was compiled with, as the compiler says it: gcc
// defines __SANITIZE_*__, clang answers __has_feature.
#if defined(__SANITIZE_THREAD__)
#define FTRT_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FTRT_TEST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FTRT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FTRT_TEST_ASAN 1
#endif
#endif

namespace ftrt {
namespace {

TEST(ConfigTest, SanitizersUseSystemAllocatorAndDebugChecks) {
#if defined(FTRT_TEST_TSAN) || defined(FTRT_TEST_ASAN)
  EXPECT_TRUE(kSystemAlloc);
  EXPECT_TRUE(kDebugChecks);
  EXPECT_LT(testing_util::Scale(), 1.0);
#else
  EXPECT_FALSE(kSystemAlloc);
  EXPECT_FALSE(kTsan);
  EXPECT_FALSE(kAsan);
#endif
#if defined(FTRT_TEST_TSAN)
  EXPECT_TRUE(kTsan);
#endif
#if defined(FTRT_TEST_ASAN)
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
