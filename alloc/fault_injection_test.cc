// Tests for alloc/fault_injection.h: each mode fails exactly the attempts
// it should, counts are exact across threads, and it is off by default.
#include "alloc/fault_injection.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace ftrt::alloc {
namespace {

TEST(FaultInjectionTest, OffByDefault) {
  FaultInjector f;
  EXPECT_FALSE(f.armed());
  for (int i = 0; i < 1000; i++) EXPECT_FALSE(f.ShouldFail());
  EXPECT_EQ(f.failures(), 0u);
}

TEST(FaultInjectionTest, EveryNth) {
  FaultInjector f;
  f.SetFailEveryNth(3);
  std::vector<bool> got;
  for (int i = 0; i < 9; i++) got.push_back(f.ShouldFail());
  EXPECT_EQ(got, (std::vector<bool>{false, false, true, false, false, true, false, false, true}));
  EXPECT_EQ(f.injected(), 3u);
  f.SetFailEveryNth(0);
  EXPECT_FALSE(f.armed());
  EXPECT_FALSE(f.ShouldFail());
}

TEST(FaultInjectionTest, OnceAtN) {
  FaultInjector f;
  f.SetFailNth(4);
  int failures = 0, at = -1;
  for (int i = 1; i <= 20; i++) {
    if (f.ShouldFail()) {
      failures++;
      at = i;
    }
  }
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(at, 4);
}

TEST(FaultInjectionTest, ProbabilityIsReproducibleBySeed) {
  auto pattern = [](uint64_t seed) {
    FaultInjector f;
    f.SetFailProbability(0.25, seed);
    std::vector<bool> v;
    for (int i = 0; i < 4000; i++) v.push_back(f.ShouldFail());
    return v;
  };
  std::vector<bool> a = pattern(testing_util::Seed());
  std::vector<bool> b = pattern(testing_util::Seed());
  std::vector<bool> c = pattern(testing_util::Seed() + 1);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  long n = 0;
  for (bool x : a) n += x;
  EXPECT_GT(n, 800);   // about 1000 expected
  EXPECT_LT(n, 1200);
  FaultInjector all;
  all.SetFailProbability(1.0, 7);
  for (int i = 0; i < 100; i++) EXPECT_TRUE(all.ShouldFail());
  all.SetFailProbability(0.0, 7);
  EXPECT_FALSE(all.ShouldFail());
}

TEST(FaultInjectionTest, RealFailuresAreCounted) {
  FaultInjector f;
  f.CountRealFailure();
  f.CountRealFailure();
  EXPECT_EQ(f.failures(), 2u);
  EXPECT_EQ(f.injected(), 0u);
}

// Every Nth is exact whatever the interleaving: the attempts share one
// counter.
TEST(FaultInjectionTest, EveryNthIsExactAcrossThreads) {
  FaultInjector f;
  f.SetFailEveryNth(100);
  const long per_thread = testing_util::Scaled(100000, 5000);
  const int kThreads = 4;
  std::atomic<long> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&] {
      long mine = 0;
      for (long i = 0; i < per_thread; i++) {
        if (f.ShouldFail()) mine++;
        if (i % 1024 == 0) std::this_thread::yield();
      }
      failed.fetch_add(mine);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), kThreads * per_thread / 100);
  EXPECT_EQ(f.injected(), static_cast<uint64_t>(kThreads * per_thread / 100));
  EXPECT_EQ(f.attempts(), static_cast<uint64_t>(kThreads * per_thread));
}

}  // namespace
}  // namespace ftrt::alloc
