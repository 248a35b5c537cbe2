// Stress tests of object/'s reference counting across threads: a ring of 8
// threads passing a million objects, thread churn with reused ids, counts
// driven below zero while their owners exit, and immortal objects hammered
// from every thread. More threads than cores,
// random yields, seeded (FTRT_TEST_SEED), sized by FTRT_TEST_SCALE.
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/refcount.h"
#include "object/refcount_testing.h"
#include "object/thread_objects.h"
#include "runtime/runtime.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Counters;
using testing_util::NewTestObject;
using testing_util::Owner;
using testing_util::TestObject;

class ObjectRefcountStressTest : public testing_util::RuntimeTest {
 protected:
  // n objects were made (ids 0 .. n-1) and each was deallocated exactly
  // once; nothing is left.
  void ExpectEachFreedOnce(const std::atomic<int>* per_id, long n) {
    EXPECT_EQ(Counters().allocs.load(), n);
    EXPECT_EQ(Counters().deallocs.load(), n);
    long wrong = 0;
    for (long i = 0; i < n; ++i) wrong += per_id[i].load() != 1;
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(rt().allocator().GetStats().live_objects, 0u);
  }
};

// References in transit to one thread.
struct Inbox {
  std::mutex mu;
  std::vector<ObjectHeader*> items;  // each entry owns one reference
};

// 8 threads pass objects around a ring; at each hop an object is dropped,
// passed on, or passed on with an extra reference kept for a while (so
// objects are shared, queued to owners, merged and freed by any thread).
// Every object is deallocated exactly once; the count of deallocations
// equals the count of allocations.
TEST_F(ObjectRefcountStressTest, RingOfEightThreadsDestructorsRunExactlyOnce) {
  constexpr int kThreads = 8;
  const long total = testing_util::Scaled(1'000'000, 2000);
  const long per_thread = total / kThreads;
  const long n = per_thread * kThreads;
  auto per_id = std::make_unique<std::atomic<int>[]>(n);
  Counters().per_id_size.store(n);
  Counters().per_id.store(per_id.get());

  std::vector<Inbox> inboxes(kThreads);
  std::atomic<long> in_flight{0};
  std::atomic<int> creators_done{0};
  const uint64_t seed = testing_util::Seed();

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.push_back(Spawn([&, t] {
      std::mt19937_64 rng(seed * 1000003 + t);
      long created = 0;
      bool announced = false;
      std::deque<ObjectHeader*> kept;  // extra references held for a while
      std::vector<ObjectHeader*> batch;
      Inbox& next = inboxes[(t + 1) % kThreads];
      Inbox& mine = inboxes[t];
      auto send = [&](ObjectHeader* op) {
        std::lock_guard<std::mutex> lock(next.mu);
        next.items.push_back(op);
      };
      for (;;) {
        // Make a few objects and send them on their way.
        for (int k = 0; k < 8 && created < per_thread; ++k, ++created) {
          Ref<TestObject> o = NewTestObject(t * per_thread + created);
          in_flight.fetch_add(1, std::memory_order_relaxed);
          send(AsHeader(o.Release()));
        }
        {
          std::lock_guard<std::mutex> lock(mine.mu);
          batch.swap(mine.items);
        }
        for (ObjectHeader* op : batch) {
          const uint64_t r = rng() % 16;
          if (r < 4) {
            in_flight.fetch_sub(1, std::memory_order_relaxed);
            Decref(op);  // dropped here
          } else if (r < 6) {
            Incref(op);  // keep one, pass one
            kept.push_back(op);
            send(op);
          } else {
            send(op);
          }
        }
        batch.clear();
        while (kept.size() > 16 || (!kept.empty() && rng() % 4 == 0)) {
          Decref(kept.front());
          kept.pop_front();
        }
        if (rng() % 8 == 0) std::this_thread::yield();
        ThreadState::Current()->Safepoint();  // merges what others queued to us
        if (created == per_thread) {
          if (!announced) {
            announced = true;
            creators_done.fetch_add(1, std::memory_order_acq_rel);
          }
          if (creators_done.load(std::memory_order_acquire) == kThreads &&
              in_flight.load(std::memory_order_acquire) == 0) {
            break;
          }
        }
      }
      while (!kept.empty()) {
        Decref(kept.front());
        kept.pop_front();
      }
      // Exit: the exit path merges whatever is still queued to us.
    }));
  }
  JoinAll(threads);
  MergeQueuedObjects();
  Counters().per_id.store(nullptr);
  ExpectEachFreedOnce(per_id.get(), n);
}

// Thread churn: many short threads (their ids are reused by glibc) each
// make objects that others keep, and take and drop references to objects
// made by others. After joining and one merge pass, every count is exact
// (each object's count equals the references the pool holds), no object
// is owned by a dead thread's id, and dropping the pool frees everything.
TEST_F(ObjectRefcountStressTest, ThreadChurnLeavesExactCountsAndNoLeak) {
  const long n_threads = testing_util::Scaled(10'000, 200);
  constexpr int kConcurrent = 8;
  constexpr size_t kPoolCap = 64;
  std::mutex pool_mu;
  std::vector<ObjectHeader*> pool;  // each entry owns one reference
  std::mutex tids_mu;
  std::set<uintptr_t> tids_seen;
  std::atomic<long> reused{0};
  const uint64_t seed = testing_util::Seed();

  for (long wave = 0; wave < n_threads; wave += kConcurrent) {
    std::vector<std::thread> threads;
    for (long i = wave; i < std::min(n_threads, wave + kConcurrent); ++i) {
      threads.push_back(Spawn([&, i] {
        std::minstd_rand rng(static_cast<uint32_t>(seed + i));
        {
          std::lock_guard<std::mutex> lock(tids_mu);
          if (!tids_seen.insert(CurrentThreadId()).second) reused.fetch_add(1);
        }
        std::vector<ObjectHeader*> mine;
        for (int k = 0; k < 3; ++k) mine.push_back(AsHeader(NewTestObject(i).Release()));
        std::vector<ObjectHeader*> taken, dropped;
        {
          std::lock_guard<std::mutex> lock(pool_mu);
          for (ObjectHeader* op : mine) {
            Incref(op);  // one for the pool, one we keep
            pool.push_back(op);
          }
          for (int k = 0; k < 3 && !pool.empty(); ++k) {
            const size_t j = rng() % pool.size();
            if (rng() % 2) {
              taken.push_back(pool[j]);  // take the pool's reference
              pool[j] = pool.back();
              pool.pop_back();
            } else {
              Incref(pool[j]);  // a new reference to someone else's object
              taken.push_back(pool[j]);
            }
          }
          while (pool.size() > kPoolCap) {
            dropped.push_back(pool.front());
            pool.erase(pool.begin());
          }
        }
        if (rng() % 4 == 0) std::this_thread::yield();
        // Drop outside the lock (a decrement may run a destructor).
        for (ObjectHeader* op : dropped) Decref(op);
        for (ObjectHeader* op : taken) {
          Incref(op);
          Decref(op);
          Decref(op);
        }
        for (ObjectHeader* op : mine) Decref(op);
        ThreadState::Current()->Safepoint();
      }));
    }
    JoinAll(threads);
  }
  MergeQueuedObjects();
  // Exact counts: every object in the pool was made by an exited thread,
  // so it is unowned and its one count is the pool's references to it.
  std::map<ObjectHeader*, intptr_t> expected;
  for (ObjectHeader* op : pool) ++expected[op];
  long wrong_count = 0, owned = 0;
  for (const auto& [op, refs] : expected) {
    wrong_count += Refcount(op) != refs;
    owned += Owner(op) != 0;
  }
  EXPECT_EQ(wrong_count, 0);
  EXPECT_EQ(owned, 0);
  EXPECT_EQ(Counters().allocs.load() - Counters().deallocs.load(),
            static_cast<int64_t>(expected.size()));
  for (ObjectHeader* op : pool) Decref(op);
  pool.clear();
  MergeQueuedObjects();
  EXPECT_EQ(Counters().deallocs.load(), Counters().allocs.load());
  EXPECT_EQ(rt().allocator().GetStats().live_objects, 0u);
  std::printf("%ld threads, %ld started with an id seen before\n", n_threads, reused.load());
}

// T6's window (refcount.h): a non-owner's subtraction takes a count below
// zero and its fix-up follows after the thread gave up its reference.
// Short-lived owner threads each make objects, hand several references of
// each (counted in their local count) to long-lived non-owner threads and
// exit at once, so that exits (T8), fix-ups (T6), merges on the spot (T9),
// increments that bring a count back to zero and reuse of freed blocks by
// the next owners all overlap. Every object is deallocated exactly once
// and nothing is left.
std::atomic<long> g_fixup_windows{0};
void CountFixUpWindow(ObjectHeader*) { g_fixup_windows.fetch_add(1, std::memory_order_relaxed); }

TEST_F(ObjectRefcountStressTest, DropsBelowZeroRacingOwnerExitsFreeEachObjectOnce) {
  g_fixup_windows.store(0);
  internal::SetDecrefFixUpHookForTesting(&CountFixUpWindow);
  constexpr int kHolders = 6;           // long-lived non-owners
  constexpr int kOwnersAtOnce = 3;      // with the holders: more threads than cores
  constexpr int kObjectsPerOwner = 16;
  const long owners = testing_util::Scaled(2000, 60);
  const long n = owners * kObjectsPerOwner;
  auto per_id = std::make_unique<std::atomic<int>[]>(n);
  Counters().per_id_size.store(n);
  Counters().per_id.store(per_id.get());

  std::vector<Inbox> inboxes(kHolders);
  std::atomic<long> in_flight{0};  // references in inboxes or held
  std::atomic<bool> owners_done{false};
  const uint64_t seed = testing_util::Seed();
  auto send = [&](int to, ObjectHeader* op) {
    std::lock_guard<std::mutex> lock(inboxes[to].mu);
    inboxes[to].items.push_back(op);
  };

  std::vector<std::thread> holders;
  for (int t = 0; t < kHolders; ++t) {
    holders.push_back(Spawn([&, t] {
      std::mt19937_64 rng(seed * 7919 + t);
      std::vector<ObjectHeader*> batch, held;
      for (;;) {
        {
          std::lock_guard<std::mutex> lock(inboxes[t].mu);
          batch.swap(inboxes[t].items);
        }
        for (ObjectHeader* op : batch) {
          switch (rng() % 8) {
            case 0: case 1: case 2:  // drop it: often a count's first step below zero
              Decref(op);
              in_flight.fetch_sub(1, std::memory_order_relaxed);
              break;
            case 3:  // a new reference and an immediate drop: crosses zero and back
              Incref(op);
              if (rng() % 2) std::this_thread::yield();
              Decref(op);
              held.push_back(op);
              break;
            case 4:  // one more reference, sent on; keep this one
              Incref(op);
              in_flight.fetch_add(1, std::memory_order_relaxed);
              send(static_cast<int>(rng() % kHolders), op);
              held.push_back(op);
              break;
            default:
              send(static_cast<int>(rng() % kHolders), op);
              break;
          }
        }
        batch.clear();
        while (held.size() > 8 || (!held.empty() && rng() % 3 == 0)) {
          Decref(held.back());
          held.pop_back();
          in_flight.fetch_sub(1, std::memory_order_relaxed);
        }
        if (rng() % 4 == 0) std::this_thread::yield();
        ThreadState::Current()->Safepoint();
        if (owners_done.load(std::memory_order_acquire) && held.empty() &&
            in_flight.load(std::memory_order_acquire) == 0) {
          break;
        }
      }
    }));
  }
  for (long wave = 0; wave < owners; wave += kOwnersAtOnce) {
    std::vector<std::thread> threads;
    for (long i = wave; i < std::min(owners, wave + kOwnersAtOnce); ++i) {
      threads.push_back(Spawn([&, i] {
        std::minstd_rand rng(static_cast<uint32_t>(seed + 31 * i));
        std::vector<ObjectHeader*> mine;
        for (int k = 0; k < kObjectsPerOwner; ++k) {
          ObjectHeader* op = AsHeader(NewTestObject(i * kObjectsPerOwner + k).Release());
          const int refs = 1 + static_cast<int>(rng() % 3);
          for (int r = 0; r < refs; ++r) Incref(op);  // local count: 1 + refs
          in_flight.fetch_add(refs, std::memory_order_relaxed);
          for (int r = 0; r < refs; ++r) send(static_cast<int>(rng() % kHolders), op);
          mine.push_back(op);
        }
        // Drop our own references, some now and the rest after a yield;
        // whatever the holders still have is merged at the exit (T8).
        std::vector<ObjectHeader*> later;
        for (ObjectHeader* op : mine) {
          if (rng() % 2) {
            Decref(op);
          } else {
            later.push_back(op);
          }
        }
        if (rng() % 2) std::this_thread::yield();
        for (ObjectHeader* op : later) Decref(op);
      }));
    }
    JoinAll(threads);
  }
  owners_done.store(true, std::memory_order_release);
  JoinAll(holders);
  internal::SetDecrefFixUpHookForTesting(nullptr);
  MergeQueuedObjects();
  Counters().per_id.store(nullptr);
  // The path under test was taken (a count went below zero many times).
  EXPECT_GT(g_fixup_windows.load(), 0);
  std::printf("%ld objects, %ld decrements below zero\n", n, g_fixup_windows.load());
  ExpectEachFreedOnce(per_id.get(), n);
}

// Immortal objects are never written: hammered from every thread (reads
// only, so TSan has nothing to report), their header bytes stay the same.
TEST_F(ObjectRefcountStressTest, ImmortalObjectsHammeredFromAllThreads) {
  static TestObject immortal = {PyObject_HEAD_INIT(testing_util::TestType()) nullptr,
                                nullptr, 42};
  ObjectHeader* targets[] = {AsHeader(&immortal), AsHeader(testing_util::TestType()),
                             AsHeader(TypeType())};
  unsigned char before[3][sizeof(ObjectHeader)];
  for (int i = 0; i < 3; ++i) std::memcpy(before[i], targets[i], sizeof(ObjectHeader));
  constexpr int kThreads = 8;
  const long iters = testing_util::Scaled(200'000, 2000);
  const uint64_t seed = testing_util::Seed();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.push_back(Spawn([&, t] {
      std::minstd_rand rng(static_cast<uint32_t>(seed + t));
      for (long i = 0; i < iters; ++i) {
        ObjectHeader* op = targets[i % 3];
        Incref(op);
        Decref(op);
        if (TryIncref(op)) Decref(op);
        { Ref<> r = Ref<>::NewRef(op); }
        { StackRef s(op); }
        if (rng() % 1024 == 0) std::this_thread::yield();
      }
    }));
  }
  JoinAll(threads);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(std::memcmp(before[i], targets[i], sizeof(ObjectHeader)), 0) << i;
  }
}

// One object, owned by the main thread, counted by everyone at once: the
// shared count and the owner's local count stay exact.
TEST_F(ObjectRefcountStressTest, OwnerAndNonOwnersCountOneObject) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  SetMaybeWeakref(h);
  constexpr int kThreads = 6;
  const long iters = testing_util::Scaled(200'000, 2000);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.push_back(Spawn([&, t] {
      std::minstd_rand rng(static_cast<uint32_t>(testing_util::Seed() + t));
      testing_util::SpinUntil([&] { return go.load(std::memory_order_acquire); });
      std::vector<ObjectHeader*> held;
      for (long i = 0; i < iters; ++i) {
        if (rng() % 2) {
          Incref(h);
          held.push_back(h);
        } else if (TryIncref(h)) {
          held.push_back(h);
        }
        if (held.size() > 8 || rng() % 3 == 0) {
          while (!held.empty()) {
            Decref(held.back());
            held.pop_back();
          }
        }
        if (rng() % 4096 == 0) std::this_thread::yield();
      }
      for (ObjectHeader* op : held) Decref(op);
    }));
  }
  go.store(true, std::memory_order_release);
  for (long i = 0; i < iters; ++i) {
    Incref(h);
    Decref(h);
  }
  JoinAll(threads);
  MergeQueuedObjects();
  EXPECT_EQ(Refcount(h), 1);
  EXPECT_EQ(Counters().deallocs.load(), 0);
  obj.Reset();
  MergeQueuedObjects();
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

}  // namespace
}  // namespace ftrt
