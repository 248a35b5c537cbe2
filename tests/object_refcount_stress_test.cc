// Stress tests of object/'s reference counting across threads: a ring of 8
// threads passing a million objects, thread churn with reused ids, and
// immortal objects hammered from every thread. More threads than cores,
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

class ObjectRefcountStressTest : public testing_util::RuntimeTest {};

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

  struct Inbox {
    std::mutex mu;
    std::vector<ObjectHeader*> items;  // each entry owns one reference
  };
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
  EXPECT_EQ(Counters().allocs.load(), n);
  EXPECT_EQ(Counters().deallocs.load(), n);
  long wrong = 0;
  for (long i = 0; i < n; ++i) wrong += per_id[i].load() != 1;
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(rt().allocator().GetStats().live_objects, 0u);
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
