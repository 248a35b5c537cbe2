// Tests of Event and OnceFlag: notify before and after waiting, timeouts,
// many waiters, the memory ordering a notification carries, CallOnce run
// exactly once under contention, and a throwing function retried.
#include "sync/event.h"

#include <atomic>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "sync/parking_lot.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

TEST(EventTest, NotifyThenWaitReturnsAtOnce) {
  Event e;
  EXPECT_FALSE(e.HasBeenNotified());
  e.Notify();
  EXPECT_TRUE(e.HasBeenNotified());
  e.Wait();
  EXPECT_TRUE(e.WaitWithTimeout(0));
  EXPECT_TRUE(e.WaitWithTimeout(1000));
  e.Notify();  // idempotent
  EXPECT_TRUE(e.HasBeenNotified());
}

TEST(EventTest, WaitWithTimeoutTimesOut) {
  Event e;
  EXPECT_FALSE(e.WaitWithTimeout(0));
  EXPECT_FALSE(e.WaitWithTimeout(1000000));  // 1 ms
  EXPECT_FALSE(e.WaitWithTimeout(1000, /*detach=*/false));
  EXPECT_FALSE(e.HasBeenNotified());
  EXPECT_EQ(parking_lot::NumParkedForTesting(&e), 0u);
}

TEST(EventTest, NotifyWakesEveryWaiterAndPublishesData) {
  constexpr int kWaiters = 8;
  Event e;
  long data[4] = {0, 0, 0, 0};  // written before Notify, read after Wait
  std::atomic<int> saw_data{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; ++i) {
    threads.emplace_back([&, i] {
      if (i % 3 == 0) {
        e.Wait();
      } else if (i % 3 == 1) {
        e.Wait(/*detach=*/false);
      } else {
        while (!e.WaitWithTimeout(100000)) {
        }
      }
      if (data[0] == 1 && data[1] == 2 && data[2] == 3 && data[3] == 4) saw_data.fetch_add(1);
    });
  }
  // Let some of them fall asleep first (not required for correctness).
  for (int spins = 0; spins < 1000 && parking_lot::NumParkedForTesting(&e) < 4; ++spins) {
    std::this_thread::yield();
  }
  data[0] = 1;
  data[1] = 2;
  data[2] = 3;
  data[3] = 4;
  e.Notify();
  for (auto& t : threads) t.join();
  EXPECT_EQ(saw_data.load(), kWaiters);
  EXPECT_EQ(parking_lot::NumParkedForTesting(&e), 0u);
}

TEST(EventTest, ManyEventsStress) {
  // Pairs of threads: one notifies, one waits; repeated with fresh events.
  const long rounds = testing_util::Scaled(3000, 100);
  const uint64_t seed = testing_util::Seed();
  constexpr int kPairs = 3;
  std::atomic<long> ok{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < kPairs; ++p) {
    threads.emplace_back([&, p] {
      std::mt19937_64 rng(seed + static_cast<uint64_t>(p));
      for (long r = 0; r < rounds; ++r) {
        Event e;
        int payload = 0;
        std::thread waiter([&] {
          e.Wait();
          if (payload == 42) ok.fetch_add(1);
        });
        if (rng() % 2 == 0) std::this_thread::yield();
        payload = 42;
        e.Notify();
        waiter.join();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), rounds * kPairs);
}

TEST(OnceFlagTest, RunsOnceUnderContention) {
  constexpr int kThreads = 8;
  const long rounds = testing_util::Scaled(200, 20);
  for (long r = 0; r < rounds; ++r) {
    OnceFlag flag;
    std::atomic<int> runs{0};
    long value = 0;  // written inside the once function, read after CallOnce
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&] {
        CallOnce(flag, [&] {
          runs.fetch_add(1);
          for (int k = 0; k < 3; ++k) std::this_thread::yield();  // make others wait
          value = 1234;
        });
        if (value == 1234) good.fetch_add(1);
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(runs.load(), 1);
    EXPECT_EQ(good.load(), kThreads);
    EXPECT_TRUE(flag.IsDone());
  }
}

TEST(OnceFlagTest, ThrowingFunctionIsRetried) {
  OnceFlag flag;
  int calls = 0;
  EXPECT_THROW(CallOnce(flag,
                        [&] {
                          ++calls;
                          throw std::runtime_error("first try fails");
                        }),
               std::runtime_error);
  EXPECT_FALSE(flag.IsDone());
  CallOnce(flag, [&] { ++calls; });
  EXPECT_TRUE(flag.IsDone());
  CallOnce(flag, [&] { ++calls; });
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace ftrt
