// Tests of sync/'s internal futex layer: a wait returns on a value mismatch,
// on timeout and on wake; RawMutex excludes with more threads than cores.
#include "sync/futex.h"

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace ftrt::internal {
namespace {

TEST(FutexTest, WaitReturnsOnMismatchAndTimeout) {
  std::atomic<uint32_t> word{1};
  FutexWait(&word, 2, -1);       // mismatch: returns at once
  FutexWait(&word, 1, 1000000);  // 1 ms timeout
  EXPECT_EQ(word.load(), 1u);
  EXPECT_GT(MonotonicNowNs(), 0);
}

TEST(FutexTest, WakeReleasesASleeper) {
  std::atomic<uint32_t> word{0};
  std::thread t([&] {
    while (word.load(std::memory_order_acquire) == 0) FutexWait(&word, 0, -1);
  });
  word.store(1, std::memory_order_release);
  FutexWake(&word, 1);
  t.join();
  EXPECT_EQ(word.load(), 1u);
}

TEST(RawMutexTest, MutualExclusion) {
  constexpr int kThreads = 6;
  const long per_thread = testing_util::Scaled(100000, 2000);
  const uint64_t seed = testing_util::Seed();
  RawMutex mu;
  long counter = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937_64 rng(seed + static_cast<uint64_t>(i));
      for (long n = 0; n < per_thread; ++n) {
        RawMutexLock lock(mu);
        long c = counter;
        if (rng() % 128 == 0) std::this_thread::yield();
        counter = c + 1;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, kThreads * per_thread);
}

}  // namespace
}  // namespace ftrt::internal
