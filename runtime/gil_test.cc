// Tests of gil.cc: exclusion and hand-over, switching during a stop, and
// the GIL against per-object locks (critical sections nested in opposite
// orders never deadlock with the GIL on).
#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/runtime.h"
#include "sync/critical_section.h"
#include "sync/mutex.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Scaled;
using testing_util::Seed;

RuntimeOptions GilOptions() {
  RuntimeOptions o;
  o.gil = true;
  o.gil_switch_interval_ns = 50'000;  // 50 us: many hand-overs
  return o;
}

// With the GIL on, at most one thread runs attached code between two
// safepoints; hand-overs happen and every thread gets through its work.
TEST(GilTest, OneAttachedThreadAtATime) {
  auto rt = Runtime::Init(GilOptions());
  EXPECT_TRUE(rt->gil_enabled());
  constexpr int kThreads = 4;
  const long iterations = Scaled(20000, 500);
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<long> done_work[kThreads];
  for (auto& d : done_work) d.store(0);
  std::atomic<int> started{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::minstd_rand rng(static_cast<uint32_t>(Seed() + i));
      AttachGuard g(*rt);
      started.fetch_add(1);
      ThreadState* ts = ThreadState::Current();
      // Until every thread has had the GIL at least once: hand-overs must
      // have happened, whatever the scheduling.
      for (long k = 0; k < iterations || started.load() < kThreads; ++k) {
        EXPECT_TRUE(rt->HoldsGil(ts));
        if (inside.fetch_add(1, std::memory_order_acq_rel) != 0) overlaps.fetch_add(1);
        if (rng() % 8 == 0) std::this_thread::yield();  // preempted while holding it
        inside.fetch_sub(1, std::memory_order_acq_rel);
        done_work[i].fetch_add(1, std::memory_order_relaxed);
        ts->Safepoint();
        if (rng() % 64 == 0) {
          DetachGuard d;  // gives the GIL up too
          std::this_thread::yield();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  for (auto& d : done_work) EXPECT_GE(d.load(), iterations);
  EXPECT_GT(rt->GetStats().gil_switches, 0u);
}

// The GIL switched on and off during stops while threads run: exclusion
// holds in every GIL period (the mode cannot change between two safepoints,
// so a thread reads it once per stretch), and the threads keep running in
// both modes.
TEST(GilTest, SwitchedDuringStops) {
  RuntimeOptions o;
  o.gil_switch_interval_ns = 50'000;
  auto rt = Runtime::Init(o);
  constexpr int kThreads = 4;
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<bool> done{false};
  std::atomic<uint64_t> progress[kThreads];
  for (auto& p : progress) p.store(0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::minstd_rand rng(static_cast<uint32_t>(Seed() + 10 + i));
      AttachGuard g(*rt);
      ThreadState* ts = ThreadState::Current();
      while (!done.load(std::memory_order_relaxed)) {
        if (rt->gil_enabled()) {
          EXPECT_TRUE(rt->HoldsGil(ts));
          if (inside.fetch_add(1, std::memory_order_acq_rel) != 0) overlaps.fetch_add(1);
          if (rng() % 8 == 0) std::this_thread::yield();
          inside.fetch_sub(1, std::memory_order_acq_rel);
        } else {
          EXPECT_FALSE(rt->HoldsGil(ts));
        }
        progress[i].fetch_add(1, std::memory_order_relaxed);
        ts->Safepoint();
      }
    });
  }
  while (rt->GetStats().threads < static_cast<uint64_t>(kThreads)) std::this_thread::yield();
  const long switches = Scaled(200, 10);
  for (long s = 0; s < switches; ++s) {
    uint64_t before[kThreads];
    for (int i = 0; i < kThreads; ++i) before[i] = progress[i].load(std::memory_order_relaxed);
    {
      StopTheWorldGuard stop(*rt);
      rt->SetGilEnabled(s % 2 == 0);
    }
    for (int i = 0; i < kThreads; ++i) {
      while (progress[i].load(std::memory_order_relaxed) <= before[i] + 2) {
        std::this_thread::yield();
      }
    }
  }
  done.store(true);
  for (auto& t : threads) t.join();
  EXPECT_EQ(overlaps.load(), 0);
}

// A stopper that is attached while the GIL is on keeps it across its stop,
// even when it detaches during the stop (a Mutex park): a GIL waiter that
// took it would wait for the restart while the stopper waited for it.
TEST(GilTest, StopperKeepsTheGil) {
  auto rt = Runtime::Init(GilOptions());
  std::atomic<bool> done{false};
  std::thread other([&] {
    AttachGuard g(*rt);
    while (!done.load(std::memory_order_relaxed)) Safepoint();
  });
  AttachGuard g(*rt);
  ThreadState* me = ThreadState::Current();
  for (int round = 0; round < 50; ++round) {
    StopTheWorldGuard stop(*rt);
    EXPECT_TRUE(rt->HoldsGil(me));
    {
      DetachGuard d;  // e.g. parking on a lock during the stop's work
    }
    EXPECT_TRUE(rt->HoldsGil(me));
    Safepoint();
  }
  done.store(true);
  {
    DetachGuard d;
    other.join();
  }
}

// THE test of "the GIL and per-object locks never wait on each other": with
// the GIL on and hand-overs every 20 us, threads nest critical sections on
// two mutexes in opposite orders (a then b, b then a), with safepoints
// inside both levels. Handing the GIL over suspends the holder's sections;
// waiting on a section's mutex detaches (gives the GIL up). The plain
// counters are written only while their mutex is the innermost section's
// (so held), which TSan checks; the totals show nothing was lost.
TEST(GilTest, OppositeNestingCriticalSectionsDoNotDeadlock) {
  RuntimeOptions o;
  o.gil = true;
  o.gil_switch_interval_ns = 20'000;
  auto rt = Runtime::Init(o);
  Mutex a, b;
  long count_a = 0;  // guarded by a
  long count_b = 0;  // guarded by b
  const long iterations = Scaled(5000, 200);
  constexpr int kPairs = 2;  // 2 threads of each order: 4 threads, 2 cores
  std::atomic<int> started{0};
  std::atomic<long> total{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2 * kPairs; ++i) {
    const bool a_first = i % 2 == 0;
    threads.emplace_back([&, a_first, i] {
      std::minstd_rand rng(static_cast<uint32_t>(Seed() + 20 + i));
      Mutex& outer = a_first ? a : b;
      Mutex& inner = a_first ? b : a;
      long& outer_count = a_first ? count_a : count_b;
      long& inner_count = a_first ? count_b : count_a;
      AttachGuard g(*rt);
      started.fetch_add(1);
      long k = 0;
      for (; k < iterations || started.load() < 2 * kPairs; ++k) {
        CriticalSection cs_outer(outer);
        ++outer_count;
        Safepoint();  // may hand the GIL over: suspends cs_outer
        {
          CriticalSection cs_inner(inner);
          ++inner_count;
          if (rng() % 4 == 0) std::this_thread::yield();
          Safepoint();
          ++inner_count;
        }
        ++outer_count;  // cs_outer is held again
        if (rng() % 16 == 0) {
          DetachGuard d;
          std::this_thread::yield();
        }
      }
      total.fetch_add(k);
    });
  }
  for (auto& t : threads) t.join();
  // Each iteration adds 2 to count_a and 2 to count_b.
  EXPECT_GE(total.load(), 2 * kPairs * iterations);
  EXPECT_EQ(count_a, 2 * total.load());
  EXPECT_EQ(count_b, 2 * total.load());
  EXPECT_GT(rt->GetStats().gil_switches, 0u);
}

// A plain Mutex held across a GIL hand-over: the thread that takes the GIL
// and then waits for that Mutex parks, and parking detaches (gives the GIL
// back), so the holder can run and unlock it. Without the detach on park
// this deadlocks at once.
TEST(GilTest, MutexHeldAcrossAHandOver) {
  auto rt = Runtime::Init(GilOptions());
  Mutex m;
  long shared = 0;  // guarded by m
  const long iterations = Scaled(3000, 100);
  std::atomic<int> started{0};
  std::atomic<long> total{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      AttachGuard g(*rt);
      started.fetch_add(1);
      long k = 0;
      for (; k < iterations || started.load() < 3; ++k) {
        MutexLock lock(m);
        ++shared;
        // Long enough for a waiter's switch interval to pass now and then.
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(2);
        while (std::chrono::steady_clock::now() < until) {
        }
        Safepoint();  // may hand the GIL to a thread that then wants m
        ++shared;
      }
      total.fetch_add(k);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(total.load(), 3 * iterations);
  EXPECT_EQ(shared, 2 * total.load());
  EXPECT_GT(rt->GetStats().gil_switches, 0u);
}

}  // namespace
}  // namespace ftrt
