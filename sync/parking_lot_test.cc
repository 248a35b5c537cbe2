// Tests of the parking lot: the value check (every size, at once when it
// differs), timeouts, unpark one (oldest first) or all, the hand-off flag,
// the callback when nobody is parked, and a no-lost-wake-up stress with more
// threads than cores.
#include "sync/parking_lot.h"

#include <atomic>
#include <cstdint>
#include <random>
#include <sys/wait.h>
#include <unistd.h>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "sync/mutex.h"
#include "tests/test_util.h"

namespace ftrt::parking_lot {
namespace {

// Waits (yielding) until n threads are asleep on addr.
void AwaitParked(const void* addr, size_t n) {
  while (NumParkedForTesting(addr) != n) std::this_thread::yield();
}

TEST(ParkingLotTest, MismatchReturnsAtOnceForEverySize) {
  uint8_t v1 = 5;
  uint16_t v2 = 0x1234;
  uint32_t v4 = 0x12345678;
  uint64_t v8 = 0x123456789abcdef0ull;
  // A mismatch returns without sleeping, even with no timeout.
  EXPECT_EQ(Park(&v1, 6, 1, kNoTimeout).status, ParkStatus::kValueMismatch);
  EXPECT_EQ(Park(&v2, 0x1235, 2, kNoTimeout).status, ParkStatus::kValueMismatch);
  EXPECT_EQ(Park(&v4, 0x12345679, 4, kNoTimeout).status, ParkStatus::kValueMismatch);
  EXPECT_EQ(Park(&v8, 0x123456789abcdef1ull, 8, kNoTimeout).status, ParkStatus::kValueMismatch);
  // A match with a zero timeout reports the timeout instead; only the low
  // `size` bytes of `expected` count.
  EXPECT_EQ(Park(&v1, 0xff05, 1, 0).status, ParkStatus::kTimedOut);
  EXPECT_EQ(Park(&v2, 0xffff1234, 2, 0).status, ParkStatus::kTimedOut);
  EXPECT_EQ(Park(&v4, 0xffffffff12345678ull, 4, 0).status, ParkStatus::kTimedOut);
  EXPECT_EQ(Park(&v8, 0x123456789abcdef0ull, 8, 0).status, ParkStatus::kTimedOut);
  // The high bytes of an 8-byte value are compared too.
  EXPECT_EQ(Park(&v8, 0x023456789abcdef0ull, 8, kNoTimeout).status, ParkStatus::kValueMismatch);
}

TEST(ParkingLotTest, TimesOutWhenNobodyUnparks) {
  uint32_t word = 7;
  ParkResult r = Park(&word, 7, 4, 1000000);  // 1 ms
  EXPECT_EQ(r.status, ParkStatus::kTimedOut);
  EXPECT_FALSE(r.handoff);
  // A timed-out thread has left the queue.
  EXPECT_EQ(NumParkedForTesting(&word), 0u);
}

TEST(ParkingLotTest, UnparkWithNobodyParkedStillRunsTheCallback) {
  uint32_t word = 0;
  int calls = 0;
  bool woke = UnparkOne(&word, [&](const UnparkInfo& info) {
    ++calls;
    EXPECT_FALSE(info.found);
    EXPECT_FALSE(info.has_more_waiters);
    EXPECT_EQ(info.park_arg, nullptr);
    return true;
  });
  EXPECT_FALSE(woke);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(UnparkAll(&word), 0u);
}

TEST(ParkingLotTest, UnparkOneWakesOldestFirstAndUnparkAllTheRest) {
  constexpr int kThreads = 5;
  uint32_t word = 1;
  int args[kThreads];
  std::atomic<int> woken_order[kThreads];
  std::atomic<int> next_slot{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    args[i] = i;
    woken_order[i].store(-1, std::memory_order_relaxed);
    threads.emplace_back([&, i] {
      ParkResult r = Park(&word, 1, 4, kNoTimeout, &args[i]);
      EXPECT_EQ(r.status, ParkStatus::kUnparked);
      woken_order[next_slot.fetch_add(1, std::memory_order_acq_rel)].store(
          i, std::memory_order_release);
    });
    AwaitParked(&word, static_cast<size_t>(i + 1));  // enqueue in index order
  }
  // One at a time, oldest first; the callback sees who and whether more wait.
  for (int k = 0; k < 2; ++k) {
    bool woke = UnparkOne(&word, [&](const UnparkInfo& info) {
      EXPECT_TRUE(info.found);
      EXPECT_TRUE(info.has_more_waiters);
      EXPECT_EQ(info.park_arg, &args[k]);
      return false;
    });
    EXPECT_TRUE(woke);
    // Let the woken thread record itself before the next wake-up.
    while (next_slot.load(std::memory_order_acquire) != k + 1) std::this_thread::yield();
    EXPECT_EQ(NumParkedForTesting(&word), static_cast<size_t>(kThreads - k - 1));
  }
  EXPECT_EQ(UnparkAll(&word), static_cast<size_t>(kThreads - 2));
  for (auto& t : threads) t.join();
  EXPECT_EQ(NumParkedForTesting(&word), 0u);
  EXPECT_EQ(next_slot.load(), kThreads);
  // The first two woken were threads 0 and 1, in that order.
  EXPECT_EQ(woken_order[0].load(), 0);
  EXPECT_EQ(woken_order[1].load(), 1);
}

TEST(ParkingLotTest, HandoffFlagReachesTheWokenThread) {
  uint8_t word = 3;
  for (bool handoff : {true, false, true}) {
    ParkResult result{ParkStatus::kValueMismatch, !handoff};
    std::thread t([&] { result = Park(&word, 3, 1, kNoTimeout); });
    AwaitParked(&word, 1);
    bool woke = UnparkOne(&word, [&](const UnparkInfo& info) {
      EXPECT_TRUE(info.found);
      EXPECT_FALSE(info.has_more_waiters);
      return handoff;
    });
    EXPECT_TRUE(woke);
    t.join();
    EXPECT_EQ(result.status, ParkStatus::kUnparked);
    EXPECT_EQ(result.handoff, handoff);
  }
}

TEST(ParkingLotTest, WakesOnlyThreadsOnTheGivenAddress) {
  // Two words likely to share nothing but possibly a bucket; waking one
  // must leave the other asleep.
  uint32_t words[2] = {9, 9};
  std::thread a([&] { EXPECT_EQ(Park(&words[0], 9, 4, kNoTimeout).status, ParkStatus::kUnparked); });
  std::thread b([&] { EXPECT_EQ(Park(&words[1], 9, 4, kNoTimeout).status, ParkStatus::kUnparked); });
  AwaitParked(&words[0], 1);
  AwaitParked(&words[1], 1);
  EXPECT_EQ(UnparkAll(&words[0]), 1u);
  a.join();
  EXPECT_EQ(NumParkedForTesting(&words[1]), 1u);
  EXPECT_TRUE(UnparkOne(&words[1], [](const UnparkInfo&) { return false; }));
  b.join();
}

// fork() while one thread is parked and another holds that address's
// bucket lock (inside an UnparkOne callback): in the child, AfterForkChild
// forgets the vanished waiter and frees the bucket, so parking works.
TEST(ParkingLotTest, AfterForkChildResetsTheBuckets) {
  uint32_t word = 1;
  std::atomic<int> in_callback{0};
  std::atomic<bool> leave_callback{false};
  std::thread parked([&] { EXPECT_EQ(Park(&word, 1, 4, kNoTimeout).status, ParkStatus::kUnparked); });
  AwaitParked(&word, 1);
  std::thread holder([&] {
    // Wakes `parked`, but stays inside the callback (bucket locked) until
    // the parent has forked.
    UnparkOne(&word, [&](const UnparkInfo&) {
      in_callback.store(1, std::memory_order_release);
      while (!leave_callback.load(std::memory_order_acquire)) std::this_thread::yield();
      return false;
    });
  });
  while (in_callback.load(std::memory_order_acquire) == 0) std::this_thread::yield();
  pid_t pid = fork();
  if (pid == 0) {
    AfterForkChild();
    bool ok = NumParkedForTesting(&word) == 0;
    ok = ok && !UnparkOne(&word, [](const UnparkInfo& info) { return info.found; });
    ok = ok && Park(&word, 1, 4, 0).status == ParkStatus::kTimedOut;
    Mutex m;
    m.Lock();
    ok = ok && m.IsLocked();
    m.Unlock();
    _exit(ok ? 0 : 1);
  }
  ASSERT_GT(pid, 0);
  leave_callback.store(true, std::memory_order_release);
  holder.join();
  parked.join();
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// A token passes round a ring of threads: thread i waits until turn == i,
// then hands it to i + 1 and wakes everyone parked on turn. Any lost wake-up
// hangs the test; some waits use short timeouts to mix timeout races in.
TEST(ParkingLotTest, TokenRingStressLosesNoWakeUp) {
  constexpr int kThreads = 6;  // more than the 2 cores
  const long rounds = testing_util::Scaled(20000, 500);
  const uint64_t seed = testing_util::Seed();
  uint32_t turn = 0;
  std::atomic_ref<uint32_t> turn_ref(turn);
  long passes[kThreads] = {};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937_64 rng(seed + static_cast<uint64_t>(i));
      for (long r = 0; r < rounds; ++r) {
        for (;;) {
          uint32_t t = turn_ref.load(std::memory_order_acquire);
          if (t == static_cast<uint32_t>(i)) break;
          int64_t timeout = (rng() % 8 == 0) ? 1000 : kNoTimeout;
          Park(&turn, t, 4, timeout);
        }
        ++passes[i];  // plain: ordered by the turn word's release/acquire
        if (rng() % 4 == 0) std::this_thread::yield();
        turn_ref.store(static_cast<uint32_t>((i + 1) % kThreads), std::memory_order_release);
        UnparkAll(&turn);
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(passes[i], rounds);
  EXPECT_EQ(turn_ref.load(), 0u);
}

}  // namespace
}  // namespace ftrt::parking_lot
