// Multi-thread stress tests for alloc/allocator.h (the test list):
// a ring of threads freeing each other's objects with stop-the-world visits
// in between; threads exiting with live objects; release racing with
// remote frees; fault injection on a list-building workload. More threads
// than cores, random yields, seeded (tests/test_util.h), scaled down under
// the sanitizers.
#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "alloc/allocator.h"
#include "gtest/gtest.h"
#include "sync/thread_id.h"
#include "tests/test_util.h"

namespace ftrt::alloc {
namespace {

using testing_util::Scaled;
using testing_util::Seed;

// A test object: header, then the owner's stamp and the size, to detect
// corruption.
struct TestObject {
  ObjectHeader header;
  uint64_t stamp;
  uint64_t size;
  TestObject* next;
};

size_t RandomSize(std::mt19937_64& rng) {
  uint64_t r = rng() % 1000;
  if (r == 0) return 9000 + rng() % 60000;  // jumbo, now and then
  if (r < 50) return 300 + rng() % 4000;
  return sizeof(TestObject) + rng() % 200;
}

// Pauses worker threads at their "safepoints", as a stop-the-world would.
class World {
 public:
  explicit World(int workers) : workers_(workers) {}
  // Workers call this at the top of each loop.
  void Safepoint() {
    if (stop_.load(std::memory_order_acquire)) {
      parked_.fetch_add(1, std::memory_order_acq_rel);
      while (stop_.load(std::memory_order_acquire)) std::this_thread::yield();
      parked_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
  // A worker that leaves for good.
  void Leave() { parked_.fetch_add(1, std::memory_order_acq_rel); }
  void Stop() {
    stop_.store(true, std::memory_order_release);
    while (parked_.load(std::memory_order_acquire) < workers_) std::this_thread::yield();
  }
  void Start() {
    int left = 0;
    stop_.store(false, std::memory_order_release);
    (void)left;
  }

 private:
  const int workers_;
  std::atomic<bool> stop_{false};
  std::atomic<int> parked_{0};
};

// 4 threads in a ring: thread i allocates, thread i+1 frees. Counts return
// to zero; stop-the-world visits in between see exactly the live objects.
TEST(AllocatorStressTest, RingOfCrossThreadFrees) {
  Allocator a;
  constexpr int kThreads = 4;
  const long per_thread = Scaled(1000000, 20000) / kThreads;
  struct Mailbox {
    std::mutex mu;
    std::deque<std::vector<TestObject*>> batches;
  };
  Mailbox boxes[kThreads];
  World world(kThreads);
  std::atomic<long> tracked_live{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++) {
    threads.emplace_back([&, i] {
      std::mt19937_64 rng(Seed() * 7 + i);
      ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
      QsbrThread* q = a.qsbr().Register();
      a.qsbr().Attach(q);
      long produced = 0, consumed = 0;
      long my_tracked = 0;
      while (produced < per_thread || consumed < per_thread) {
        Qsbr::Quiescent(q);
        a.qsbr().Detach(q);  // a safepoint parks detached
        world.Safepoint();
        a.qsbr().Attach(q);
        if (produced < per_thread) {
          std::vector<TestObject*> batch;
          long n = std::min<long>(1 + rng() % 256, per_thread - produced);
          for (long k = 0; k < n; k++) {
            size_t size = RandomSize(rng);
            bool gc = rng() % 2;
            auto* o = static_cast<TestObject*>(a.AllocObject(heap, size, gc));
            ASSERT_NE(o, nullptr);
            EXPECT_EQ(a.OwnerOf(o), CurrentThreadId());
            o->stamp = 0xC0FFEE00u + i;
            o->size = size;
            if (gc && rng() % 2) {
              o->header.ob_gc_bits |= FTRT_GC_BIT_TRACKED;
              my_tracked++;
            }
            batch.push_back(o);
          }
          produced += n;
          Mailbox& to = boxes[(i + 1) % kThreads];
          std::lock_guard<std::mutex> lock(to.mu);
          to.batches.push_back(std::move(batch));
        }
        std::vector<TestObject*> got;
        {
          Mailbox& mine = boxes[i];
          std::lock_guard<std::mutex> lock(mine.mu);
          if (!mine.batches.empty()) {
            got = std::move(mine.batches.front());
            mine.batches.pop_front();
          }
        }
        for (TestObject* o : got) {
          EXPECT_EQ(o->stamp, 0xC0FFEE00u + (i + kThreads - 1) % kThreads);
          if (o->header.ob_gc_bits & FTRT_GC_BIT_TRACKED) my_tracked--;
          a.FreeObject(heap, o);
        }
        consumed += static_cast<long>(got.size());
        if (rng() % 8 == 0) std::this_thread::yield();
      }
      tracked_live.fetch_add(my_tracked);
      a.qsbr().Unregister(q);
      a.ReleaseThreadHeap(heap);
      world.Leave();
    });
  }
  // A few stop-the-world visits while the ring runs.
  for (int round = 0; round < 5; round++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    world.Stop();
    Stats s = a.GetStats();
    long visited = 0, tracked = 0;
    a.ForEachObject([&](ObjectHeader*) { visited++; });
    a.ForEachTrackedObject([&](ObjectHeader* h) {
      EXPECT_NE(h->ob_gc_bits & FTRT_GC_BIT_GC_CAPABLE, 0);
      tracked++;
    });
    EXPECT_EQ(static_cast<uint64_t>(visited), s.live_objects);
    EXPECT_LE(tracked, visited);
    world.Start();
  }
  for (auto& t : threads) t.join();
  Stats s = a.GetStats();
  EXPECT_EQ(s.live_objects, 0u);
  EXPECT_EQ(s.live_bytes, 0u);
  EXPECT_EQ(s.objects_allocated, static_cast<uint64_t>(kThreads * per_thread));
  EXPECT_EQ(tracked_live.load(), 0);
  long visited = 0;
  a.ForEachObject([&](ObjectHeader*) { visited++; });
  EXPECT_EQ(visited, 0);
  a.Collect(nullptr);
  s = a.GetStats();
  EXPECT_EQ(s.delayed_frees_pending, 0u);
  EXPECT_EQ(s.pages_in_use, 0u);
  EXPECT_EQ(s.pages_abandoned, 0u);
  EXPECT_EQ(s.pages_retired, 0u);
}

// A thread exits with live tracked objects: they are still visited,
// unowned, and freed later from another thread.
TEST(AllocatorStressTest, ExitedThreadsObjectsAreVisitedAndFreedLater) {
  Allocator a;
  const int kExited = static_cast<int>(Scaled(200, 20));
  std::vector<TestObject*> left;
  std::set<ObjectHeader*> tracked;
  std::mutex mu;
  // Threads exit one after the other (so glibc reuses their ids).
  for (int t = 0; t < kExited; t++) {
    std::thread([&, t] {
      std::mt19937_64 rng(Seed() + t);
      ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
      std::vector<TestObject*> mine;
      for (int k = 0; k < 50; k++) {
        size_t size = RandomSize(rng);
        auto* o = static_cast<TestObject*>(a.AllocObject(heap, size, k % 3 != 0));
        ASSERT_NE(o, nullptr);
        o->stamp = static_cast<uint64_t>(t);
        mine.push_back(o);
      }
      // Free some before exiting, track some of the rest.
      std::lock_guard<std::mutex> lock(mu);
      for (size_t k = 0; k < mine.size(); k++) {
        if (k % 4 == 0) {
          a.FreeObject(heap, mine[k]);
          continue;
        }
        if (mine[k]->header.ob_gc_bits & FTRT_GC_BIT_GC_CAPABLE && k % 2 == 1) {
          mine[k]->header.ob_gc_bits |= FTRT_GC_BIT_TRACKED;
          tracked.insert(&mine[k]->header);
        }
        left.push_back(mine[k]);
      }
      a.ReleaseThreadHeap(heap);
    }).join();
  }
  // All threads are gone (the world is stopped, trivially).
  std::set<ObjectHeader*> visited;
  a.ForEachTrackedObject([&](ObjectHeader* h) { visited.insert(h); });
  EXPECT_EQ(visited, tracked);
  long all = 0;
  a.ForEachObject([&](ObjectHeader*) { all++; });
  EXPECT_EQ(static_cast<size_t>(all), left.size());
  EXPECT_EQ(a.GetStats().live_objects, left.size());
  for (TestObject* o : left) EXPECT_EQ(a.OwnerOf(o), 0u);
  // A new thread (which may well get an exited thread's id) frees them.
  std::thread([&] {
    ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
    void* fresh = a.AllocObject(heap, 64, true);
    EXPECT_EQ(a.OwnerOf(fresh), CurrentThreadId());
    for (TestObject* o : left) {
      EXPECT_EQ(a.OwnerOf(o), 0u);
      a.FreeObject(heap, o);
    }
    a.FreeObject(heap, fresh);
    a.ReleaseThreadHeap(heap);
  }).join();
  EXPECT_EQ(a.GetStats().live_objects, 0u);
  visited.clear();
  a.ForEachObject([&](ObjectHeader* h) { visited.insert(h); });
  EXPECT_TRUE(visited.empty());
  a.Collect(nullptr);
  Stats s = a.GetStats();
  EXPECT_EQ(s.pages_abandoned, 0u);
  EXPECT_EQ(s.delayed_frees_pending, 0u);
}

// Thousands of short threads, each leaving a few objects behind: their
// pages are adopted by the next threads instead of each pinning a page per
// size class; every object stays unowned and is freed at the end.
TEST(AllocatorStressTest, ShortThreadsDoNotPinAPageEach) {
  Allocator a;
  const int kThreads = static_cast<int>(Scaled(2000, 200));
  std::vector<void*> left;
  for (int t = 0; t < kThreads; t++) {
    std::thread([&] {
      ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
      for (size_t size : {32, 100, 200}) {
        void* keep = a.AllocObject(heap, size, true);
        void* drop = a.AllocObject(heap, size, false);
        a.FreeObject(heap, drop);
        left.push_back(keep);
      }
      a.ReleaseThreadHeap(heap);
    }).join();
  }
  Stats s = a.GetStats();
  EXPECT_EQ(s.live_objects, left.size());
  if constexpr (!kSystemAlloc) {
    // 3 size classes: a few pages each, not one per thread.
    EXPECT_LE(s.pages_in_use + s.pages_abandoned, 12u);
  }
  for (void* p : left) EXPECT_EQ(a.OwnerOf(p), 0u);
  long visited = 0;
  a.ForEachObject([&](ObjectHeader*) { visited++; });
  EXPECT_EQ(static_cast<size_t>(visited), left.size());
  std::thread([&] {
    ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
    for (void* p : left) a.FreeObject(heap, p);
    a.ReleaseThreadHeap(heap);
  }).join();
  a.Collect(nullptr);
  s = a.GetStats();
  EXPECT_EQ(s.live_objects, 0u);
  EXPECT_EQ(s.pages_abandoned, 0u);
  EXPECT_EQ(s.pages_in_use, 0u);
}

// Heap release racing with other threads freeing its objects.
TEST(AllocatorStressTest, ReleaseRacesWithRemoteFrees) {
  Allocator a;
  const int kRounds = static_cast<int>(Scaled(100, 10));
  for (int round = 0; round < kRounds; round++) {
    std::vector<void*> objs;
    std::atomic<bool> go{false};
    std::thread owner([&] {
      ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
      for (int k = 0; k < 600; k++) objs.push_back(a.AllocObject(heap, 32 + k % 500, k % 2));
      go.store(true, std::memory_order_release);
      std::this_thread::yield();
      a.ReleaseThreadHeap(heap);
    });
    std::vector<std::thread> freers;
    for (int f = 0; f < 2; f++) {
      freers.emplace_back([&, f] {
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
        ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
        std::mt19937_64 rng(Seed() + round * 2 + f);
        for (size_t k = f; k < objs.size(); k += 2) {
          a.FreeObject(rng() % 4 == 0 ? nullptr : heap, objs[k]);
          if (rng() % 64 == 0) std::this_thread::yield();
        }
        a.ReleaseThreadHeap(heap);
      });
    }
    owner.join();
    for (auto& t : freers) t.join();
  }
  EXPECT_EQ(a.GetStats().live_objects, 0u);
  long visited = 0;
  a.ForEachObject([&](ObjectHeader*) { visited++; });
  EXPECT_EQ(visited, 0);
  a.Collect(nullptr);
  EXPECT_EQ(a.GetStats().pages_abandoned, 0u);
  EXPECT_EQ(a.GetStats().pages_in_use, 0u);
}

// Every 100th allocation fails while threads build linked lists of 100k
// objects: each failure is handled (counted, nothing linked), nothing
// leaks, and the failure count is exact.
TEST(AllocatorStressTest, FaultInjectionWhileLinkingObjects) {
  Allocator a;
  constexpr int kThreads = 4;
  const long total = Scaled(100000, 10000) / kThreads * kThreads;
  a.SetFailEveryNth(100);
  std::atomic<long> failures{0};
  std::atomic<long> linked{0};
  std::vector<TestObject*> lists(kThreads, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++) {
    threads.emplace_back([&, i] {
      std::mt19937_64 rng(Seed() * 3 + i);
      ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
      TestObject* head = nullptr;
      long mine = 0, n = 0;
      for (long k = 0; k < total / kThreads; k++) {
        size_t size = RandomSize(rng);
        auto* o = static_cast<TestObject*>(a.AllocObject(heap, size, rng() % 2));
        if (o == nullptr) {
          mine++;
          continue;
        }
        o->size = size;
        o->next = head;
        head = o;
        n++;
        if (rng() % 128 == 0) std::this_thread::yield();
      }
      failures.fetch_add(mine);
      linked.fetch_add(n);
      lists[i] = head;
      a.ReleaseThreadHeap(heap);
    });
  }
  for (auto& t : threads) t.join();
  a.ClearFaultInjection();
  EXPECT_EQ(failures.load(), total / 100);
  EXPECT_EQ(a.GetStats().allocations_failed, static_cast<uint64_t>(total / 100));
  EXPECT_EQ(a.GetStats().live_objects, static_cast<uint64_t>(linked.load()));
  EXPECT_EQ(linked.load() + failures.load(), total);
  // Another thread unlinks and frees every list (ASan's leak check and the
  // counts show nothing is left).
  std::thread([&] {
    ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
    long freed = 0;
    for (TestObject* head : lists) {
      while (head != nullptr) {
        TestObject* next = head->next;
        a.FreeObject(heap, head);
        head = next;
        freed++;
      }
    }
    EXPECT_EQ(freed, linked.load());
    a.ReleaseThreadHeap(heap);
  }).join();
  Stats s = a.GetStats();
  EXPECT_EQ(s.live_objects, 0u);
  EXPECT_EQ(s.live_bytes, 0u);
  // With a probability and a seed, the count matches the injector's.
  a.SetFailProbability(0.05, Seed());
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  long failed = 0;
  std::vector<void*> objs;
  for (int k = 0; k < 2000; k++) {
    void* p = a.AllocObject(heap, 48, true);
    if (p == nullptr) {
      failed++;
    } else {
      objs.push_back(p);
    }
  }
  a.ClearFaultInjection();
  EXPECT_EQ(static_cast<uint64_t>(failed), a.faults().injected() - static_cast<uint64_t>(total / 100));
  EXPECT_GT(failed, 0);
  for (void* p : objs) a.FreeObject(heap, p);
  a.ReleaseThreadHeap(heap);
  EXPECT_EQ(a.GetStats().live_objects, 0u);
}

}  // namespace
}  // namespace ftrt::alloc
