// Tests of the critical-section stack: push/pop, re-entering a held mutex,
// two-mutex sections (same mutex, swapped arguments, three deep), explicit
// suspension and resumption order, suspension when a section blocks, the
// C-style frames, and opposite nesting under forced parking.
#include "sync/critical_section.h"

#include <atomic>
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

// Three mutexes in increasing address order.
struct Three {
  Mutex m[3];
  Mutex& a() { return m[0]; }
  Mutex& b() { return m[1]; }
  Mutex& c() { return m[2]; }
};

TEST(CriticalSectionTest, BeginEndPushesAndPops) {
  Mutex a;
  EXPECT_EQ(CurrentCriticalSection(), nullptr);
  {
    CriticalSection cs(a);
    EXPECT_TRUE(a.IsLocked());
    ASSERT_NE(CurrentCriticalSection(), nullptr);
    EXPECT_EQ(CurrentCriticalSection()->mutex, &a);
    EXPECT_FALSE(CriticalSectionSuspended());
  }
  EXPECT_FALSE(a.IsLocked());
  EXPECT_EQ(CurrentCriticalSection(), nullptr);
}

TEST(CriticalSectionTest, CStyleFramesMatchCPythonLayout) {
  // PyCriticalSection is {uintptr_t, PyMutex*}; PyCriticalSection2 adds one
  // more pointer.
  static_assert(sizeof(CriticalSectionFrame) == 2 * sizeof(void*));
  static_assert(sizeof(CriticalSectionFrame2) == 3 * sizeof(void*));
  static_assert(offsetof(CriticalSectionFrame2, mutex2) == 2 * sizeof(void*));
  Three t;
  CriticalSectionFrame f1;
  CriticalSectionFrame2 f2;
  BeginCriticalSection(&f1, &t.a());
  BeginCriticalSection2(&f2, &t.c(), &t.b());
  EXPECT_EQ(CurrentCriticalSection(), &f2.base);
  EXPECT_EQ(f2.base.mutex, &t.b());  // address order
  EXPECT_EQ(f2.mutex2, &t.c());
  EXPECT_EQ(f2.base.prev, reinterpret_cast<uintptr_t>(&f1));
  EXPECT_TRUE(t.a().IsLocked() && t.b().IsLocked() && t.c().IsLocked());
  EndCriticalSection2(&f2);
  EXPECT_FALSE(t.b().IsLocked() || t.c().IsLocked());
  EXPECT_TRUE(t.a().IsLocked());
  EndCriticalSection(&f1);
  EXPECT_FALSE(t.a().IsLocked());
  EXPECT_EQ(CurrentCriticalSection(), nullptr);
}

// Re-entering the innermost section's mutex locks nothing (no self
// deadlock) and keeps it held until the outer section ends.
TEST(CriticalSectionTest, SameMutexNestedLocksOnce) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  Mutex a;
  {
    CriticalSection outer(a);
    CriticalSectionFrame* top = CurrentCriticalSection();
    {
      CriticalSection inner(a);
      EXPECT_EQ(CurrentCriticalSection(), top);  // nothing pushed
      EXPECT_TRUE(a.IsLocked());
      {
        CriticalSection2 both(a, a);  // still nothing to lock
        EXPECT_EQ(CurrentCriticalSection(), top);
      }
    }
    EXPECT_TRUE(a.IsLocked());
    EXPECT_EQ(CurrentCriticalSection(), top);
  }
  EXPECT_FALSE(a.IsLocked());
}

TEST(CriticalSectionTest, TwoMutexSectionOnTheSameMutexLocksOnce)
ABSL_NO_THREAD_SAFETY_ANALYSIS {
  Mutex a;
  {
    CriticalSection2 cs(a, a);
    EXPECT_TRUE(a.IsLocked());
    auto* f2 = reinterpret_cast<CriticalSectionFrame2*>(CurrentCriticalSection());
    EXPECT_EQ(f2->base.mutex, &a);
    EXPECT_EQ(f2->mutex2, nullptr);
  }
  EXPECT_FALSE(a.IsLocked());
}

TEST(CriticalSectionTest, TwoMutexSectionSwappedArguments) {
  Three t;
  for (bool swapped : {false, true}) {
    {
      CriticalSection2 cs(swapped ? t.b() : t.a(), swapped ? t.a() : t.b());
      auto* f2 = reinterpret_cast<CriticalSectionFrame2*>(CurrentCriticalSection());
      EXPECT_EQ(f2->base.mutex, &t.a());
      EXPECT_EQ(f2->mutex2, &t.b());
      EXPECT_TRUE(t.a().IsLocked());
      EXPECT_TRUE(t.b().IsLocked());
    }
    EXPECT_FALSE(t.a().IsLocked());
    EXPECT_FALSE(t.b().IsLocked());
  }
}

// (a,b) { (c,b) { (a,c) } }: each inner section needs a mutex an outer one
// holds, so the outer ones are suspended; ending each re-locks the one
// below. At every point the innermost section's mutexes are held.
TEST(CriticalSectionTest, TwoMutexSectionsNestedThreeDeep) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  Three t;
  CriticalSectionFrame2 f1, f2, f3;
  BeginCriticalSection2(&f1, &t.a(), &t.b());
  EXPECT_TRUE(t.a().IsLocked() && t.b().IsLocked() && !t.c().IsLocked());
  BeginCriticalSection2(&f2, &t.c(), &t.b());
  EXPECT_TRUE(t.b().IsLocked() && t.c().IsLocked());
  EXPECT_FALSE(t.a().IsLocked());  // f1 suspended
  EXPECT_EQ(f2.base.prev & internal::kCsSuspended, internal::kCsSuspended);
  BeginCriticalSection2(&f3, &t.a(), &t.c());
  EXPECT_TRUE(t.a().IsLocked() && t.c().IsLocked());
  EXPECT_FALSE(t.b().IsLocked());  // f2 suspended too
  EXPECT_EQ(CurrentCriticalSection(), &f3.base);
  EndCriticalSection2(&f3);
  EXPECT_EQ(CurrentCriticalSection(), &f2.base);
  EXPECT_TRUE(t.b().IsLocked() && t.c().IsLocked());  // f2 resumed
  EXPECT_FALSE(t.a().IsLocked());                      // f1 still suspended
  EndCriticalSection2(&f2);
  EXPECT_TRUE(t.a().IsLocked() && t.b().IsLocked());  // f1 resumed
  EXPECT_FALSE(t.c().IsLocked());
  EndCriticalSection2(&f1);
  EXPECT_FALSE(t.a().IsLocked() || t.b().IsLocked() || t.c().IsLocked());
  EXPECT_EQ(CurrentCriticalSection(), nullptr);
}

// Beginning a section on a mutex that an outer (not innermost) active
// section holds suspends the outer ones instead of waiting for itself.
TEST(CriticalSectionTest, OuterHeldMutexSuspendsInsteadOfDeadlocking)
ABSL_NO_THREAD_SAFETY_ANALYSIS {
  Three t;
  CriticalSectionFrame f1, f2, f3;
  BeginCriticalSection(&f1, &t.a());
  BeginCriticalSection(&f2, &t.b());
  BeginCriticalSection(&f3, &t.a());
  EXPECT_TRUE(t.a().IsLocked());
  EXPECT_FALSE(t.b().IsLocked());
  EndCriticalSection(&f3);
  EXPECT_TRUE(t.b().IsLocked());
  EXPECT_FALSE(t.a().IsLocked());
  EndCriticalSection(&f2);
  EXPECT_TRUE(t.a().IsLocked());
  EXPECT_FALSE(t.b().IsLocked());
  EndCriticalSection(&f1);
  EXPECT_FALSE(t.a().IsLocked());
}

// SuspendAll releases every section; Resume re-locks only the innermost;
// each End re-locks the one below.
TEST(CriticalSectionTest, SuspensionAndResumptionOrder) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  Three t;
  CriticalSectionFrame f1, f2, f3;
  BeginCriticalSection(&f1, &t.a());
  BeginCriticalSection(&f2, &t.b());
  BeginCriticalSection(&f3, &t.c());
  SuspendAllCriticalSections();
  EXPECT_TRUE(CriticalSectionSuspended());
  EXPECT_FALSE(t.a().IsLocked() || t.b().IsLocked() || t.c().IsLocked());
  SuspendAllCriticalSections();  // idempotent
  EXPECT_FALSE(t.a().IsLocked() || t.b().IsLocked() || t.c().IsLocked());
  ResumeCriticalSections();
  EXPECT_FALSE(CriticalSectionSuspended());
  EXPECT_TRUE(t.c().IsLocked());
  EXPECT_FALSE(t.a().IsLocked() || t.b().IsLocked());
  ResumeCriticalSections();  // idempotent
  EXPECT_FALSE(t.a().IsLocked() || t.b().IsLocked());
  EndCriticalSection(&f3);
  EXPECT_TRUE(t.b().IsLocked());
  EXPECT_FALSE(t.a().IsLocked() || t.c().IsLocked());
  // Suspend with the innermost active and the rest already suspended.
  SuspendAllCriticalSections();
  EXPECT_FALSE(t.b().IsLocked());
  ResumeCriticalSections();
  EXPECT_TRUE(t.b().IsLocked());
  EndCriticalSection(&f2);
  EXPECT_TRUE(t.a().IsLocked());
  EndCriticalSection(&f1);
  EXPECT_FALSE(t.a().IsLocked() || t.b().IsLocked() || t.c().IsLocked());
  // With no section, both are no-ops.
  SuspendAllCriticalSections();
  ResumeCriticalSections();
  EXPECT_EQ(CurrentCriticalSection(), nullptr);
}

// A section that must wait for its mutex suspends the thread's outer
// sections while it sleeps (sync does this itself, no runtime needed),
// and a plain Mutex::Lock that parks does the same.
TEST(CriticalSectionTest, BlockingSuspendsOuterSections) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  KnobGuard knobs(internal::kDefaultMutexHandoffNs, /*spins=*/0);
  for (bool plain_lock : {false, true}) {
    Mutex outer, contended;
    Event inner_done;
    contended.Lock();
    std::thread t([&] {
      CriticalSection o(outer);
      if (plain_lock) {
        contended.Lock();
        EXPECT_TRUE(outer.IsLocked());  // resumed after the wait
        contended.Unlock();
      } else {
        CriticalSection i(contended);
        EXPECT_TRUE(contended.IsLocked());
        EXPECT_FALSE(outer.IsLocked());  // stays suspended until i ends
      }
      EXPECT_TRUE(outer.IsLocked());
      inner_done.Notify();
    });
    AwaitParked(&contended, 1);
    // The waiting thread's outer section is suspended: we can take it.
    EXPECT_TRUE(outer.TryLock());
    outer.Unlock();
    contended.Unlock();
    inner_done.Wait();
    t.join();
    EXPECT_FALSE(outer.IsLocked());
    EXPECT_FALSE(contended.IsLocked());
  }
}

// Thread pairs nest sections in opposite orders, A then B and B then A,
// with parking forced (no spinning, hand-off at once). With plain mutexes
// this deadlocks; with sections it must complete, and the invariants the
// innermost-held contract promises must hold: the innermost section's
// object is consistent and exclusively ours; after the inner section ends,
// the outer one is held again.
TEST(CriticalSectionTest, OppositeNestingCompletesUnderForcedParking) {
  KnobGuard knobs(/*handoff_ns=*/0, /*spins=*/0);
  const long iterations = testing_util::Scaled(100000, 2000);
  const uint64_t seed = testing_util::Seed();
  struct Object {
    Mutex mu;
    long x = 0;  // guarded by mu; x == y whenever mu is free
    long y = 0;
    std::atomic<int> inside{0};
  };
  Object objs[2];
  std::atomic<long> violations{0};
  const uint64_t parks_before = internal::GetMutexStats().parks;

  auto touch = [&](Object& o, std::mt19937_64& rng) {
    if (o.inside.fetch_add(1, std::memory_order_relaxed) != 0) violations.fetch_add(1);
    if (o.x != o.y) violations.fetch_add(1);
    ++o.x;
    if (rng() % 8 == 0) std::this_thread::yield();
    ++o.y;
    o.inside.fetch_sub(1, std::memory_order_relaxed);
  };
  // 4 threads on 2 cores: two nest A->B, two nest B->A.
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937_64 rng(seed + 1000 * static_cast<uint64_t>(i));
      Object& first = objs[i % 2];
      Object& second = objs[1 - i % 2];
      for (long n = 0; n < iterations; ++n) {
        CriticalSection outer(first.mu);
        touch(first, rng);
        {
          CriticalSection inner(second.mu);
          if (!second.mu.IsLocked() || CriticalSectionSuspended()) violations.fetch_add(1);
          touch(second, rng);
        }
        // The outer section is innermost again: held, not suspended.
        if (!first.mu.IsLocked() || CriticalSectionSuspended()) violations.fetch_add(1);
        touch(first, rng);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(violations.load(), 0);
  // Each thread touched its first object twice and its second once per
  // iteration.
  EXPECT_EQ(objs[0].x + objs[1].x, 3 * kThreads * iterations);
  EXPECT_EQ(objs[0].x, objs[0].y);
  EXPECT_EQ(objs[1].x, objs[1].y);
  EXPECT_FALSE(objs[0].mu.IsLocked() || objs[1].mu.IsLocked());
  EXPECT_GT(internal::GetMutexStats().parks, parks_before);
}

// Two-mutex sections over three objects, in every argument order, mixed
// with one-mutex sections nested inside: completes, invariants hold.
TEST(CriticalSectionTest, TwoMutexSectionStress) {
  KnobGuard knobs(/*handoff_ns=*/0, /*spins=*/0);
  const long iterations = testing_util::Scaled(30000, 1000);
  const uint64_t seed = testing_util::Seed();
  struct Object {
    Mutex mu;
    long x = 0;
    std::atomic<int> inside{0};
  };
  Object objs[3];
  std::atomic<long> violations{0};
  auto touch = [&](Object& o) {
    if (o.inside.fetch_add(1, std::memory_order_relaxed) != 0) violations.fetch_add(1);
    ++o.x;
    o.inside.fetch_sub(1, std::memory_order_relaxed);
  };
  constexpr int kThreads = 5;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937_64 rng(seed ^ (0xabcdefu + static_cast<uint64_t>(i)));
      for (long n = 0; n < iterations; ++n) {
        Object& p = objs[rng() % 3];
        Object& q = objs[rng() % 3];
        Object& r = objs[rng() % 3];
        CriticalSection2 two(p.mu, q.mu);
        touch(p);
        if (&q != &p) touch(q);
        if (rng() % 4 == 0) std::this_thread::yield();
        {
          CriticalSection one(r.mu);
          touch(r);
        }
        if (!p.mu.IsLocked() || !q.mu.IsLocked()) violations.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(violations.load(), 0);
  long total = objs[0].x + objs[1].x + objs[2].x;
  EXPECT_GE(total, 2 * kThreads * iterations);
  EXPECT_LE(total, 3 * kThreads * iterations);
  EXPECT_EQ(CurrentCriticalSection(), nullptr);
}

}  // namespace
}  // namespace ftrt
