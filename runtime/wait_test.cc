// Tests of wait.h: the runtime's futex lock and ticket lock exclude, and the
// ticket lock serves in arrival order.
#include "runtime/wait.h"

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace ftrt::internal {
namespace {

using testing_util::Scaled;
using testing_util::Seed;

TEST(RtLockTest, Excludes) {
  RtLock mu;
  long counter = 0;  // guarded by mu (plain: TSan checks the exclusion)
  const long n = Scaled(100000, 2000);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      std::minstd_rand rng(static_cast<uint32_t>(Seed() + i));
      for (long k = 0; k < n; ++k) {
        RtLockGuard g(mu);
        ++counter;
        if (rng() % 64 == 0) std::this_thread::yield();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, 4 * n);
  // Free again.
  if (mu.TryLock()) {
    mu.Unlock();
  } else {
    ADD_FAILURE() << "the lock is still held";
  }
}

TEST(TicketLockTest, ExcludesAndTryLock) {
  TicketLock lock;
  long counter = 0;  // guarded by lock
  const long n = Scaled(20000, 500);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      for (long k = 0; k < n; ++k) {
        if (k % 2 == 0 || !lock.TryLock()) lock.Lock();
        ++counter;
        lock.Unlock();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, 3 * n);
  EXPECT_TRUE(lock.TryLock());
  EXPECT_FALSE(lock.TryLock());
  lock.Unlock();
}

// A waiter that took its ticket first is served first.
TEST(TicketLockTest, ServesInArrivalOrder) {
  TicketLock lock;
  lock.Lock();
  std::atomic<int> order{0};
  int first = -1, second = -1;
  std::thread a([&] {
    lock.Lock();
    first = order.fetch_add(1);
    lock.Unlock();
  });
  while (lock.TicketsOutForTesting() < 2) std::this_thread::yield();  // a queued
  std::thread b([&] {
    lock.Lock();
    second = order.fetch_add(1);
    lock.Unlock();
  });
  while (lock.TicketsOutForTesting() < 3) std::this_thread::yield();  // b queued
  lock.Unlock();
  a.join();
  b.join();
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(lock.TicketsOutForTesting(), 0u);
}

TEST(FutexTest, WaitReturnsOnValueChange) {
  std::atomic<uint32_t> word{0};
  std::thread t([&] {
    while (word.load(std::memory_order_acquire) == 0) RtFutexWait(&word, 0, -1);
  });
  word.store(1, std::memory_order_release);
  RtFutexWake(&word, 1);
  t.join();
  EXPECT_EQ(word.load(), 1u);
  RtFutexWait(&word, 1, 100000);  // a timed wait returns
  RtFutexWait(&word, 0, -1);      // value differs: returns at once
  EXPECT_EQ(word.load(), 1u);
}

}  // namespace
}  // namespace ftrt::internal
