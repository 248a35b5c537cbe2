// Tests for alloc/qsbr.h: grace periods, detached threads, the memory
// bound, the synchronous fallback, orphaned entries, and a reader/writer
// stress under the sanitizers.
#include "alloc/qsbr.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "alloc/fault_injection.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace ftrt::alloc {
namespace {

using testing_util::Scaled;
using testing_util::Seed;

std::atomic<long> g_freed{0};

void CountingFree(void* p) {
  g_freed.fetch_add(1, std::memory_order_relaxed);
  std::free(p);
}

struct Block {
  uint64_t magic;
  uint64_t payload[7];
};
constexpr uint64_t kMagic = 0x5eed5eed5eed5eedull;

Block* NewBlock(uint64_t v) {
  auto* b = static_cast<Block*>(std::malloc(sizeof(Block)));
  b->magic = kMagic;
  for (auto& p : b->payload) p = v;
  return b;
}

TEST(QsbrTest, SequenceStartsOddAndAdvancesByTwo) {
  Qsbr q;
  uint64_t s = q.WriteSeq();
  EXPECT_EQ(s % 2, 1u);
  EXPECT_EQ(q.Advance(), s + 2);
  EXPECT_EQ(q.WriteSeq(), s + 2);
}

TEST(QsbrTest, RegisterStartsDetachedAndReusesSlots) {
  Qsbr q;
  QsbrThread* a = q.Register();
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(q.IsAttached(a));
  q.Attach(a);
  EXPECT_TRUE(q.IsAttached(a));
  EXPECT_EQ(a->seq.load(), q.WriteSeq());
  q.Detach(a);
  EXPECT_EQ(a->seq.load(), 0u);
  EXPECT_EQ(q.RegisteredCount(), 1u);
  q.Unregister(a);
  EXPECT_EQ(q.RegisteredCount(), 0u);
  QsbrThread* b = q.Register();
  EXPECT_EQ(a, b);  // the slot is reused
  // Many slots: more than one block.
  std::vector<QsbrThread*> many;
  for (int i = 0; i < 100; i++) many.push_back(q.Register());
  EXPECT_EQ(q.RegisteredCount(), 101u);
  for (QsbrThread* t : many) q.Unregister(t);
  q.Unregister(b);
}

TEST(QsbrTest, AttachedThreadHoldsGoalUntilQuiescent) {
  Qsbr q;
  QsbrThread* reader = q.Register();
  q.Attach(reader);
  uint64_t goal = q.Advance();
  EXPECT_FALSE(q.GoalReached(goal));
  Qsbr::Quiescent(reader);
  EXPECT_TRUE(q.GoalReached(goal));
  q.Unregister(reader);
}

TEST(QsbrTest, DetachedThreadNeverHoldsGoalBack) {
  Qsbr q;
  QsbrThread* t = q.Register();
  q.Attach(t);
  q.Detach(t);
  EXPECT_TRUE(q.GoalReached(q.Advance()));
  q.Unregister(t);
}

// The reader/writer test of the issue: the old block is not freed while the
// reader, which read it lock-free, has not passed a quiescent state (under
// ASan a premature free would also make the reader's read fail), and it is
// freed after.
TEST(QsbrTest, ReaderHoldsBlockUntilQuiescent) {
  Qsbr q;
  std::atomic<Block*> shared{NewBlock(1)};
  std::atomic<int> step{0};
  long freed_before = g_freed.load();
  std::thread reader([&] {
    QsbrThread* t = q.Register();
    q.Attach(t);
    Block* seen = shared.load(std::memory_order_acquire);
    step.store(1, std::memory_order_release);
    while (step.load(std::memory_order_acquire) != 2) std::this_thread::yield();
    // The writer has replaced and delay-freed it, and polled: still ours.
    EXPECT_EQ(seen->magic, kMagic);
    EXPECT_EQ(seen->payload[3], 1u);
    Qsbr::Quiescent(t);
    step.store(3, std::memory_order_release);
    while (step.load(std::memory_order_acquire) != 4) std::this_thread::yield();
    q.Unregister(t);
  });
  QsbrThread* w = q.Register();
  q.Attach(w);
  while (step.load(std::memory_order_acquire) != 1) std::this_thread::yield();
  Block* old = shared.exchange(NewBlock(2), std::memory_order_acq_rel);
  q.FreeDelayed(w, old, sizeof(Block), CountingFree);
  Qsbr::Quiescent(w);
  for (int i = 0; i < 100; i++) q.Poll(w);
  EXPECT_EQ(g_freed.load(), freed_before);
  EXPECT_EQ(q.PendingCount(), 1u);
  step.store(2, std::memory_order_release);
  while (step.load(std::memory_order_acquire) != 3) std::this_thread::yield();
  EXPECT_TRUE(q.Poll(w));
  EXPECT_EQ(g_freed.load(), freed_before + 1);
  EXPECT_EQ(q.PendingCount(), 0u);
  step.store(4, std::memory_order_release);
  reader.join();
  q.Unregister(w);
  std::free(shared.load());
}

// Memory held stays bounded: with 256 KiB blocks the 16-entry batch would
// hold 4 MiB; the bound polls at once past 1 MiB.
TEST(QsbrTest, FreeDelayedIsBounded) {
  Qsbr q;
  QsbrThread* w = q.Register();
  q.Attach(w);
  constexpr size_t kBlock = 256 << 10;
  size_t peak = 0;
  long freed_before = g_freed.load();
  const int n = static_cast<int>(Scaled(200, 40));
  for (int i = 0; i < n; i++) {
    void* p = std::malloc(kBlock);
    std::memset(p, i, 64);
    q.FreeDelayed(w, p, kBlock, CountingFree);
    peak = std::max(peak, q.PendingBytes());
    Qsbr::Quiescent(w);  // the writer is not reading anything
  }
  EXPECT_LE(peak, Qsbr::kDelayedLimitBytes + kBlock + 4096);
  EXPECT_GT(g_freed.load() - freed_before, n / 2);
  q.Poll(w);
  EXPECT_EQ(q.PendingCount(), 0u);
  q.Unregister(w);
}

// A slow reader (a quiescent state every 20 ms) cannot make a fast
// writer hold more than the hard limit: past it the writer waits for it.
TEST(QsbrTest, HardLimitWaitsForSlowReaders) {
  Qsbr q;
  std::atomic<bool> stop{false};
  std::atomic<bool> ready{false};
  std::thread reader([&] {
    QsbrThread* t = q.Register();
    q.Attach(t);
    ready.store(true, std::memory_order_release);
    while (!stop.load(std::memory_order_acquire)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      Qsbr::Quiescent(t);
    }
    q.Unregister(t);
  });
  while (!ready.load(std::memory_order_acquire)) std::this_thread::yield();
  QsbrThread* w = q.Register();
  q.Attach(w);
  constexpr size_t kBlock = 64 << 10;
  size_t peak = 0;
  const int n = static_cast<int>(Scaled(600, 300));  // 19-38 MiB in all
  for (int i = 0; i < n; i++) {
    void* p = std::malloc(kBlock);
    std::memset(p, i, kBlock);
    q.FreeDelayed(w, p, kBlock, CountingFree);
    peak = std::max(peak, w->pending.bytes());
    Qsbr::Quiescent(w);
  }
  EXPECT_LE(peak, Qsbr::kHardLimitBytes + kBlock + 4096);
  stop.store(true, std::memory_order_release);
  reader.join();
  q.Poll(w);
  Qsbr::Quiescent(w);
  EXPECT_TRUE(q.Poll(w));
  q.Unregister(w);
}

// A reader that never passes a quiescent state holds everything back (the
// bound cannot free what is still readable), and its Detach releases it.
TEST(QsbrTest, StuckReaderThenDetach) {
  Qsbr q;
  QsbrThread* reader = q.Register();
  q.Attach(reader);
  QsbrThread* w = q.Register();
  q.Attach(w);
  long freed_before = g_freed.load();
  for (int i = 0; i < 40; i++) {
    q.FreeDelayed(w, NewBlock(i), sizeof(Block), CountingFree);
    Qsbr::Quiescent(w);
  }
  q.Poll(w);
  EXPECT_EQ(g_freed.load(), freed_before);
  q.Detach(reader);
  q.Poll(w);  // gives the newest entries a goal the writer itself holds back
  Qsbr::Quiescent(w);
  EXPECT_TRUE(q.Poll(w));
  EXPECT_EQ(g_freed.load(), freed_before + 40);
  q.Unregister(reader);
  q.Unregister(w);
}

// When the queue cannot grow, FreeDelayed waits for a grace period itself
// (the other attached thread passes quiescent states meanwhile) and frees.
TEST(QsbrTest, SynchronousFallbackWhenQueueCannotGrow) {
  FaultInjector faults;
  Qsbr q(&faults);
  std::atomic<bool> stop{false};
  std::thread other([&] {
    QsbrThread* t = q.Register();
    q.Attach(t);
    while (!stop.load(std::memory_order_acquire)) {
      Qsbr::Quiescent(t);
      std::this_thread::yield();
    }
    q.Unregister(t);
  });
  QsbrThread* w = q.Register();
  q.Attach(w);
  faults.SetFailEveryNth(1);
  long freed_before = g_freed.load();
  for (int i = 0; i < 10; i++) q.FreeDelayed(w, NewBlock(i), sizeof(Block), CountingFree);
  EXPECT_EQ(g_freed.load(), freed_before + 10);  // freed synchronously
  EXPECT_EQ(q.PendingCount(), 0u);
  EXPECT_GE(faults.injected(), 1u);
  // A thread without a slot (or offline) frees synchronously too.
  q.Detach(w);
  q.FreeDelayed(nullptr, NewBlock(0), sizeof(Block), CountingFree);
  EXPECT_EQ(g_freed.load(), freed_before + 11);
  faults.Disarm();
  stop.store(true, std::memory_order_release);
  other.join();
  q.Unregister(w);
}

// Unregister with pending entries: they wait, as orphans, for their grace
// period, and another thread's Poll frees them.
TEST(QsbrTest, UnregisterKeepsPendingAsOrphans) {
  Qsbr q;
  QsbrThread* reader = q.Register();
  q.Attach(reader);
  QsbrThread* w = q.Register();
  q.Attach(w);
  long freed_before = g_freed.load();
  for (int i = 0; i < 5; i++) q.FreeDelayed(w, NewBlock(i), sizeof(Block), CountingFree);
  q.Unregister(w);
  EXPECT_EQ(q.PendingCount(), 5u);
  EXPECT_EQ(g_freed.load(), freed_before);
  Qsbr::Quiescent(reader);
  q.Poll(reader);
  EXPECT_EQ(g_freed.load(), freed_before + 5);
  EXPECT_EQ(q.PendingCount(), 0u);
  q.Unregister(reader);
}

// Entries still pending when the Qsbr dies are freed then (no leak).
TEST(QsbrTest, DestructorFreesPending) {
  long freed_before = g_freed.load();
  {
    Qsbr q;
    QsbrThread* reader = q.Register();
    q.Attach(reader);
    QsbrThread* w = q.Register();
    q.Attach(w);
    for (int i = 0; i < 300; i++) q.FreeDelayed(w, NewBlock(i), sizeof(Block), CountingFree);
    q.Unregister(w);
    q.Unregister(reader);
  }
  EXPECT_EQ(g_freed.load(), freed_before + 300);
}

// Stress: writers replace shared blocks and free the old ones delayed;
// readers read them lock-free and check their contents (a premature free
// is a use-after-free under ASan and a race under TSan), pass quiescent
// states at random, and detach and reattach now and then.
TEST(QsbrTest, ReadersAndWritersStress) {
  Qsbr q;
  constexpr int kSlots = 8;
  std::atomic<Block*> slots[kSlots];
  for (int i = 0; i < kSlots; i++) slots[i].store(NewBlock(i));
  const long iters = Scaled(200000, 5000);
  const int kReaders = 3, kWriters = 2;  // 5 threads on 2 cores
  long freed_before = g_freed.load();
  std::atomic<int> writers_done{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; r++) {
    threads.emplace_back([&, r] {
      std::mt19937_64 rng(Seed() + r);
      QsbrThread* t = q.Register();
      q.Attach(t);
      uint64_t sum = 0;
      while (writers_done.load(std::memory_order_acquire) != kWriters) {
        Block* b = slots[rng() % kSlots].load(std::memory_order_acquire);
        EXPECT_EQ(b->magic, kMagic);
        sum += b->payload[rng() % 7];
        switch (rng() % 16) {
          case 0: Qsbr::Quiescent(t); break;
          case 1: std::this_thread::yield(); break;
          case 2:
            q.Detach(t);
            std::this_thread::yield();
            q.Attach(t);
            break;
          default: break;
        }
      }
      q.Unregister(t);
      EXPECT_NE(sum, 1u);  // keep the reads
    });
  }
  for (int w = 0; w < kWriters; w++) {
    threads.emplace_back([&, w] {
      std::mt19937_64 rng(Seed() * 31 + w);
      QsbrThread* t = q.Register();
      q.Attach(t);
      for (long i = 0; i < iters; i++) {
        Block* old = slots[rng() % kSlots].exchange(NewBlock(i), std::memory_order_acq_rel);
        q.FreeDelayed(t, old, sizeof(Block), CountingFree);
        Qsbr::Quiescent(t);
        if (rng() % 64 == 0) std::this_thread::yield();
      }
      q.Poll(t);
      q.Unregister(t);
      writers_done.fetch_add(1, std::memory_order_release);
    });
  }
  for (auto& th : threads) th.join();
  q.DrainOrphans();
  EXPECT_EQ(q.PendingCount(), 0u);
  EXPECT_EQ(g_freed.load() - freed_before, kWriters * iters);
  for (auto& s : slots) std::free(s.load());
}

}  // namespace
}  // namespace ftrt::alloc
