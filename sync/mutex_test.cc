// Tests of ftrt::Mutex: layout, the single-thread API, mutual exclusion with
// more threads than cores, fairness (counted, never timed), the hand-off
// path, LockWithTimeout, and a mixed stress over several mutexes.
#include "sync/mutex.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "sync/event.h"
#include "sync/parking_lot.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

void AwaitParked(const void* addr, size_t n) {
  while (parking_lot::NumParkedForTesting(addr) != n) std::this_thread::yield();
}

// Sets the process-wide tuning knobs for one test and restores them.
class KnobGuard {
 public:
  KnobGuard(int64_t handoff_ns, int spins) {
    internal::SetMutexHandoffThresholdNs(handoff_ns);
    internal::SetMutexSpinLimit(spins);
  }
  ~KnobGuard() {
    internal::SetMutexHandoffThresholdNs(internal::kDefaultMutexHandoffNs);
    internal::SetMutexSpinLimit(internal::kDefaultMutexSpins);
  }
};

uint8_t RawByte(const Mutex& m) {
  uint8_t b;
  std::memcpy(&b, &m, 1);
  return b;
}

TEST(MutexTest, OneByteAndZeroIsUnlocked) {
  static_assert(sizeof(Mutex) == 1);
  static constinit Mutex global;  // constexpr constructor
  EXPECT_FALSE(global.IsLocked());
  // Zeroed storage (an object header's ob_mutex byte) is an unlocked mutex.
  alignas(8) unsigned char storage[8];
  std::memset(storage, 0, sizeof storage);
  Mutex* m = reinterpret_cast<Mutex*>(&storage[3]);
  EXPECT_FALSE(m->IsLocked());
  m->Lock();
  EXPECT_EQ(storage[3], Mutex::kLocked);
  EXPECT_EQ(storage[2], 0);
  EXPECT_EQ(storage[4], 0);
  m->Unlock();
  EXPECT_EQ(storage[3], 0);
}

// The analysis cannot follow try-locks through EXPECT_* macros; the test
// checks by hand what it would.
TEST(MutexTest, SingleThreadApi) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  Mutex m;
  EXPECT_TRUE(m.TryLock());
  EXPECT_TRUE(m.IsLocked());
  EXPECT_EQ(RawByte(m), Mutex::kLocked);
  EXPECT_FALSE(m.TryLock());
  EXPECT_FALSE(m.LockWithTimeout(0));
  m.Unlock();
  EXPECT_FALSE(m.IsLocked());
  EXPECT_EQ(RawByte(m), 0);
  {
    MutexLock lock(m);
    EXPECT_TRUE(m.IsLocked());
    m.AssertHeld();
  }
  EXPECT_FALSE(m.IsLocked());
  m.LockNoDetach();
  EXPECT_TRUE(m.IsLocked());
  m.Unlock();
  EXPECT_TRUE(m.LockWithTimeout(1000));
  m.Unlock();
  EXPECT_TRUE(m.LockWithTimeout(-1));
  m.Unlock();
  EXPECT_EQ(RawByte(m), 0);
}

// 8 threads (on 2 cores) x 100k increments of a plain counter: the exact
// total, with the lock taken in every way it can be.
TEST(MutexTest, MutualExclusion) {
  constexpr int kThreads = 8;
  const long per_thread = testing_util::Scaled(100000, 2000);
  const uint64_t seed = testing_util::Seed();
  Mutex m;
  long counter = 0;  // guarded by m (a local: the analysis cannot see it)
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937_64 rng(seed ^ (0x9e37u * static_cast<uint64_t>(i + 1)));
      for (long n = 0; n < per_thread; ++n) {
        uint64_t r = rng();
        switch (r % 4) {
          case 0:
            m.LockNoDetach();
            break;
          case 1:
            while (!m.TryLock()) std::this_thread::yield();
            break;
          case 2:
            while (!m.LockWithTimeout(static_cast<int64_t>(r % 3) * 50000)) {
            }
            break;
          default:
            m.Lock();
        }
        long c = counter;
        if ((r >> 8) % 64 == 0) std::this_thread::yield();  // widen the window
        counter = c + 1;
        m.Unlock();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, kThreads * per_thread);
  EXPECT_FALSE(m.IsLocked());
  EXPECT_EQ(RawByte(m), 0);  // no stale has-parked bit once all are done
}

// Two threads hammer one mutex with the hand-off threshold at 0. Asserted
// on counts only, and on counts that do not depend on how the OS schedules
// the two threads:
//  - whenever the holder sees the other thread parked on the mutex, the
//    next acquisition is the other thread's (a parked waiter is never
//    overtaken: Unlock hands it the lock, the holder cannot barge back in);
//  - every kForcedEvery-th acquisition, the holder waits (holding the lock)
//    until the other thread has parked. So the other gets a turn at least
//    that often, which bounds each thread's share from below; with a lock
//    that lets the holder barge back in, the other could starve instead.
//  - the hand-off path is taken at least once per forced wait.
TEST(MutexTest, FairnessWithHandoff) {
  KnobGuard knobs(/*handoff_ns=*/0, internal::kDefaultMutexSpins);
  constexpr long kForcedEvery = 16;
  const long total = testing_util::Scaled(20000, 2000);
  const uint64_t seed = testing_util::Seed();
  Mutex m;
  // Guarded by m:
  long taken = 0;
  long share[2] = {0, 0};
  int must_be_next = -1;  // the thread the holder last saw parked
  long overtakes = 0;     // acquisitions past a parked waiter
  long forced = 0;        // forced waits for the other to park
  const uint64_t handoffs_before = internal::GetMutexStats().handoffs;
  auto worker = [&](int id) {
    std::mt19937_64 rng(seed + 17 * static_cast<uint64_t>(id));
    for (;;) {
      m.Lock();
      if (must_be_next != -1 && must_be_next != id) ++overtakes;
      must_be_next = -1;
      if (taken == total) {
        m.Unlock();
        return;
      }
      ++taken;
      ++share[id];
      if (share[id] % kForcedEvery == 0) {
        // The other thread has not finished (taken < total before our
        // increment means it cannot have seen taken == total), so it will
        // call Lock, find the lock held and park.
        while (parking_lot::NumParkedForTesting(&m) == 0) std::this_thread::yield();
        ++forced;
      } else if (rng() % 2 == 0) {
        std::this_thread::yield();  // let the other find the lock held
      }
      if (parking_lot::NumParkedForTesting(&m) != 0) must_be_next = 1 - id;
      m.Unlock();
    }
  };
  std::thread a(worker, 0);
  std::thread b(worker, 1);
  a.join();
  b.join();
  const uint64_t handoffs = internal::GetMutexStats().handoffs - handoffs_before;
  EXPECT_EQ(share[0] + share[1], total);
  EXPECT_EQ(overtakes, 0);
  // Each forced wait gives the other thread the next turn, so neither can
  // take more than kForcedEvery in a row while the other still runs.
  const long lower = total / (kForcedEvery + 1) - 1;
  EXPECT_GE(share[0], lower) << "thread 0 starved: " << share[0] << " of " << total;
  EXPECT_GE(share[1], lower) << "thread 1 starved: " << share[1] << " of " << total;
  EXPECT_GE(forced, total / kForcedEvery - 1);
  EXPECT_GE(handoffs, static_cast<uint64_t>(forced));
}

// Several waiters parked behind a held lock, and a thread that keeps trying
// to barge in with TryLock: with hand-off, the lock passes from waiter to
// waiter and is never free until every parked waiter has had it.
TEST(MutexTest, ParkedWaitersAreServedBeforeABarger) {
  KnobGuard knobs(/*handoff_ns=*/0, /*spins=*/0);
  constexpr int kWaiters = 4;
  Mutex m;
  std::atomic<int> served{0};
  m.Lock();
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; ++i) {
    threads.emplace_back([&] {
      m.Lock();
      served.fetch_add(1, std::memory_order_relaxed);
      std::this_thread::yield();
      m.Unlock();
    });
  }
  AwaitParked(&m, kWaiters);
  m.Unlock();
  int barged = 0;
  int served_when_barged = -1;
  while (barged == 0) {
    if (m.TryLock()) {
      served_when_barged = served.load(std::memory_order_relaxed);
      barged = 1;
      m.Unlock();
    } else {
      std::this_thread::yield();
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(served_when_barged, kWaiters);
}

// With threshold 0, Unlock gives a parked waiter the lock directly: the
// byte never reads unlocked between the two owners.
TEST(MutexTest, HandoffKeepsTheLockLocked) {
  KnobGuard knobs(/*handoff_ns=*/0, /*spins=*/0);
  Mutex m;
  Event acquired;
  Event release;
  const uint64_t handoffs_before = internal::GetMutexStats().handoffs;
  m.Lock();
  std::thread t([&] {
    m.Lock();
    acquired.Notify();
    release.Wait();
    m.Unlock();
  });
  AwaitParked(&m, 1);
  m.Unlock();  // hands off: the waiter owns it now
  EXPECT_TRUE(m.IsLocked());
  EXPECT_EQ(internal::GetMutexStats().handoffs - handoffs_before, 1u);
  EXPECT_FALSE(m.TryLock());
  acquired.Wait();
  release.Notify();
  t.join();
  EXPECT_FALSE(m.IsLocked());
  EXPECT_EQ(RawByte(m), 0);
}

// With a threshold nobody reaches, Unlock wakes the waiter without handing
// off: the byte is released and the waiter competes for it.
TEST(MutexTest, NoHandoffBelowThreshold) {
  KnobGuard knobs(/*handoff_ns=*/int64_t{3600} * 1000000000, /*spins=*/0);
  Mutex m;
  const uint64_t handoffs_before = internal::GetMutexStats().handoffs;
  std::atomic<bool> got_it{false};
  m.Lock();
  std::thread t([&] {
    m.Lock();
    got_it = true;
    m.Unlock();
  });
  AwaitParked(&m, 1);
  m.Unlock();
  t.join();
  EXPECT_TRUE(got_it.load());
  EXPECT_EQ(internal::GetMutexStats().handoffs, handoffs_before);
  EXPECT_EQ(RawByte(m), 0);
}

TEST(MutexTest, LockWithTimeoutTimesOutOnAHeldLock) {
  KnobGuard knobs(internal::kDefaultMutexHandoffNs, /*spins=*/2);
  Mutex m;
  m.Lock();
  bool got = true;
  std::thread t([&] {
    got = false;
    if (m.LockWithTimeout(2000000)) {  // 2 ms, the lock stays held
      got = true;
      m.Unlock();
    }
  });
  t.join();
  EXPECT_FALSE(got);
  EXPECT_TRUE(m.IsLocked());
  EXPECT_EQ(parking_lot::NumParkedForTesting(&m), 0u);
  m.Unlock();
  // A stale has-parked bit left by the timed-out waiter is cleared by the
  // unlock; the mutex is fully usable.
  EXPECT_EQ(RawByte(m), 0);
  if (m.LockWithTimeout(1000000)) {
    m.Unlock();
  } else {
    ADD_FAILURE() << "a free mutex timed out";
  }
}

TEST(MutexTest, LockWithTimeoutSucceedsWhenReleasedInTime) {
  KnobGuard knobs(internal::kDefaultMutexHandoffNs, /*spins=*/0);
  Mutex m;
  m.Lock();
  std::atomic<int> result{-1};
  std::thread t([&] {
    result = 0;
    if (m.LockWithTimeout(int64_t{60} * 1000000000)) {  // 60 s: released long before
      result = 1;
      m.Unlock();
    }
  });
  AwaitParked(&m, 1);
  m.Unlock();
  t.join();
  EXPECT_EQ(result.load(), 1);
}

// Several threads over several mutexes, forced parking, random yields:
// each mutex's protected state stays consistent, and at most one thread is
// ever inside each.
TEST(MutexTest, StressManyMutexesForcedParking) {
  KnobGuard knobs(/*handoff_ns=*/0, /*spins=*/0);
  constexpr int kThreads = 6;
  constexpr int kMutexes = 3;
  const long per_thread = testing_util::Scaled(30000, 1000);
  const uint64_t seed = testing_util::Seed();
  struct Guarded {
    Mutex mu;
    long a = 0;  // guarded by mu; a == b whenever mu is free
    long b = 0;
    std::atomic<int> inside{0};
  };
  Guarded g[kMutexes];
  std::atomic<long> violations{0};
  const uint64_t parks_before = internal::GetMutexStats().parks;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937_64 rng(seed * 31 + static_cast<uint64_t>(i));
      for (long n = 0; n < per_thread; ++n) {
        uint64_t r = rng();
        Guarded& x = g[r % kMutexes];
        x.mu.Lock();
        if (x.inside.fetch_add(1, std::memory_order_relaxed) != 0) violations.fetch_add(1);
        if (x.a != x.b) violations.fetch_add(1);
        ++x.a;
        if ((r >> 16) % 8 == 0) std::this_thread::yield();
        ++x.b;
        x.inside.fetch_sub(1, std::memory_order_relaxed);
        x.mu.Unlock();
      }
    });
  }
  for (auto& t : threads) t.join();
  long sum = 0;
  for (auto& x : g) {
    EXPECT_EQ(x.a, x.b);
    EXPECT_EQ(RawByte(x.mu), 0);
    sum += x.a;
  }
  EXPECT_EQ(sum, kThreads * per_thread);
  EXPECT_EQ(violations.load(), 0);
  EXPECT_GT(internal::GetMutexStats().parks, parks_before);
}

}  // namespace
}  // namespace ftrt
