// The collector under concurrent mutators: four threads (more than the
// machine's cores) build and drop cycles, keep rings and check them, pass
// objects to each other, hold rings from their root stacks alone (deferred
// or counted) while garbage points into them, and mutate shared lists and
// dicts (and private ones in garbage cycles), with random yields, while one more thread
// collects every few milliseconds and allocations trigger collections of
// their own. Nothing reachable may be freed (the rings' contents are
// checked, and ASan watches every access); everything unreachable must be
// freed by the end, each object exactly once. A second test lets short
// threads exit holding the only references into cycles while collections
// run.
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gc/collector.h"
#include "gc/gc_testing.h"
#include "gc/testing_types.h"
#include "gtest/gtest.h"
#include "object/dict.h"
#include "object/int.h"
#include "object/list.h"
#include "object/object.h"
#include "object/stack_ref.h"
#include "object/thread_objects.h"
#include "object/weakref.h"
#include "sync/mutex.h"
#include "tests/test_util.h"

namespace ftrt::gc::testing {
namespace {

using testing_util::Scaled;
using testing_util::Seed;

// One thread for the stopped passes, or three (helpers on any heap size).
class StressTest : public GcTest, public ::testing::WithParamInterface<int> {
 protected:
  Options GcOptions() const override {
    Options o;
    o.enabled = true;  // allocations trigger collections too
    o.threshold = 1000;
    o.threads = GetParam();
    o.parallel_min_objects = 0;
    return o;
  }
};
INSTANTIATE_TEST_SUITE_P(Threads, StressTest, ::testing::Values(1, 3),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param == 1 ? std::string("Serial")
                                                  : std::string("Parallel");
                         });

std::atomic<int64_t> g_next_id{0};

// A ring of k nodes with consecutive ids; returns its first node.
Ref<Node> MakeRing(int k) {
  const int64_t base = g_next_id.fetch_add(k, std::memory_order_relaxed);
  Ref<Node> first = NewNode(base);
  ObjectHeader* prev = first.header();
  std::vector<Ref<Node>> rest;
  for (int j = 1; j < k; ++j) {
    rest.push_back(NewNode(base + j));
    SetA(prev, rest.back().header());
    prev = rest.back().header();
  }
  SetA(prev, first.header());
  return first;
}

// Walks a ring that something keeps alive: ids consecutive, back to the
// start. A node freed too early would fail this (or ASan would).
void CheckRing(Node* first, int k) {
  Node* n = first;
  for (int j = 0; j < k; ++j) {
    ASSERT_EQ(AsHeader(n)->ob_type, NodeType());
    ASSERT_EQ(n->id, first->id + j);
    n = reinterpret_cast<Node*>(n->a);
  }
  ASSERT_EQ(n, first);
}

struct KeptRing {
  Ref<Node> head;
  int k;
};

// Objects in transit between threads (each entry owns a reference).
struct Mailbox {
  Mutex mu;
  std::vector<KeptRing> box ABSL_GUARDED_BY(mu);
};

TEST_P(StressTest, MutatorsBuildDropPassAndMutateWhileCollectionsRun) {
  g_next_id.store(0);
  constexpr int kMutators = 4;
  constexpr int kShared = 3;
  const int iters = static_cast<int>(Scaled(100'000, 2'000));
  std::vector<Ref<>> lists, dicts;
  for (int i = 0; i < kShared; ++i) {
    lists.push_back(std::move(ListNew()).value());
    dicts.push_back(std::move(DictNew()).value());
  }
  Mailbox mail;
  std::atomic<bool> done{false};
  std::atomic<int> collections_seen{0};

  std::thread collector = Spawn([&] {
    std::mt19937_64 rng(Seed() ^ 0xC011EC7);
    while (!done.load(std::memory_order_acquire)) {
      gc().Collect();
      collections_seen.fetch_add(1, std::memory_order_relaxed);
      DetachGuard sleeping;
      std::this_thread::sleep_for(std::chrono::microseconds(500 + rng() % 2500));
    }
  });

  std::vector<std::thread> mutators;
  for (int t = 0; t < kMutators; ++t) {
    mutators.push_back(Spawn([&, t] {
      std::mt19937_64 rng(Seed() + static_cast<uint64_t>(t) * 7919);
      std::vector<KeptRing> mine;
      std::vector<Ref<WeakRefObject>> watches;  // weak refs to kept heads
      for (int it = 0; it < iters; ++it) {
        switch (rng() % 11) {
          case 0: {  // garbage ring
            Ref<Node> ring = MakeRing(1 + static_cast<int>(rng() % 20));
            break;
          }
          case 1: {  // keep a ring; drop an old one
            const int k = 1 + static_cast<int>(rng() % 20);
            mine.push_back({MakeRing(k), k});
            if (mine.size() > 12) mine.erase(mine.begin() + static_cast<long>(rng() % mine.size()));
            break;
          }
          case 2:  // what we keep is intact
            if (!mine.empty()) {
              const KeptRing& r = mine[rng() % mine.size()];
              CheckRing(r.head.get(), r.k);
            }
            break;
          case 3: {  // pass a ring to whoever takes it, or take one
            KeptRing taken{nullptr, 0};
            {
              MutexLock lock(mail.mu);
              if (!mine.empty() && rng() % 2 == 0) {
                mail.box.push_back(std::move(mine.back()));
                mine.pop_back();
              } else if (!mail.box.empty()) {
                taken = std::move(mail.box.back());
                mail.box.pop_back();
              }
            }
            if (taken.head) {
              CheckRing(taken.head.get(), taken.k);
              if (rng() % 2 == 0) mine.push_back(std::move(taken));
            }
            break;
          }
          case 4: {  // shared lists
            PyObject* list = lists[rng() % kShared].get();
            const uint64_t op = rng() % 4;
            if (op == 0 || ListSize(list) < 8) {
              Ref<Node> n = NewNode(-1);
              if (rng() % 2 == 0) SetA(n.header(), list);  // list <-> node cycle
              ASSERT_TRUE(ListAppend(list, n.header()).ok());
            } else if (op == 1) {
              (void)ListPop(list, 0);  // may lose a race: fine
            } else if (op == 2) {
              Ref<Node> n = NewNode(-1);
              (void)ListSetItem(list, static_cast<Py_ssize_t>(rng() % 8), n.header());
            } else {
              absl::StatusOr<Ref<>> item = ListGetItemRef(list, static_cast<Py_ssize_t>(rng() % 8));
              if (item.ok()) {
                ASSERT_EQ((*item)->ob_type, NodeType());
              }
            }
            if (ListSize(list) > 64) (void)ListSetSlice(list, 0, 32, nullptr);
            break;
          }
          case 5: {  // shared dicts
            PyObject* dict = dicts[rng() % kShared].get();
            Ref<> key = std::move(IntFromInt64(static_cast<int64_t>(rng() % 64))).value();
            const uint64_t op = rng() % 3;
            if (op == 0) {
              Ref<Node> n = NewNode(-1);
              if (rng() % 2 == 0) SetB(n.header(), dict);  // dict <-> node cycle
              ASSERT_TRUE(DictSetItem(dict, key.get(), n.header()).ok());
            } else if (op == 1) {
              (void)DictDelItem(dict, key.get());
            } else {
              absl::StatusOr<Ref<>> v = DictGetItemRefOrNull(dict, key.get());
              ASSERT_TRUE(v.ok());
              if (*v) {
                ASSERT_EQ((*v)->ob_type, NodeType());
              }
            }
            break;
          }
          case 6: {  // private containers in garbage cycles
            Ref<> list = std::move(ListNew()).value();
            Ref<> dict = std::move(DictNew()).value();
            Ref<Node> n = NewNode(-1);
            SetA(n.header(), list.get());
            SetB(n.header(), dict.get());
            ASSERT_TRUE(ListAppend(list.get(), n.header()).ok());
            ASSERT_TRUE(DictSetItemString(dict.get(), "n", list.get()).ok());
            break;
          }
          case 7: {  // weak references to what we keep stay live
            if (!mine.empty()) {
              absl::StatusOr<Ref<WeakRefObject>> w = NewWeakRef(mine.back().head.header());
              ASSERT_TRUE(w.ok());
              ASSERT_TRUE(WeakRefGet(w->get()));
              watches.push_back(std::move(*w));
              if (watches.size() > 8) watches.erase(watches.begin());
            }
            break;
          }
          case 8: {  // a ring only this thread's root stack holds, garbage pointing in
            const int k = 1 + static_cast<int>(rng() % 20);
            Ref<Node> ring = MakeRing(k);
            Node* head = ring.get();
            // Half the time deferred: the root stack's entry is then
            // uncounted, and the collector alone ever frees the ring.
            if (rng() % 2 == 0) SetDeferredRefcount(ring.header());
            StackRef root(ring.header());
            ring.Reset();
            {
              Ref<Node> garbage = MakeRing(1 + static_cast<int>(rng() % 3));
              SetB(garbage.header(), root.get());
            }
            Safepoint();  // (a collection may run here, or in the allocations above)
            std::this_thread::yield();
            Safepoint();
            CheckRing(head, k);
            break;
          }
          default:
            break;
        }
        Safepoint();
        if (rng() % 16 == 0) std::this_thread::yield();
      }
    }));
  }
  JoinAll(mutators);
  done.store(true, std::memory_order_release);
  Join(collector);
  EXPECT_GT(collections_seen.load(), 0);

  // Drop everything still shared; what remains is cyclic garbage only.
  {
    MutexLock lock(mail.mu);
    for (KeptRing& r : mail.box) CheckRing(r.head.get(), r.k);
    mail.box.clear();
  }
  for (auto& l : lists) ASSERT_TRUE(ListClear(l.get()).ok());
  for (auto& d : dicts) ASSERT_TRUE(DictClear(d.get()).ok());
  lists.clear();
  dicts.clear();
  gc().Collect();
  EXPECT_EQ(LiveObjects(), 0);
  const int64_t ids = std::min<int64_t>(g_next_id.load(), kMaxIds);
  for (int64_t i = 0; i < ids; ++i) ASSERT_EQ(DeallocsOf(i), 1) << i;
  EXPECT_EQ(CountAllocatedObjects(rt()), 0);
  const Stats s = gc().GetStats();
  EXPECT_GT(s.collections, 1u);
  EXPECT_GT(s.collected, 0u);
}

TEST_P(StressTest, ThreadsExitHoldingTheOnlyReferencesIntoCycles) {
  g_next_id.store(0);
  const int waves = static_cast<int>(Scaled(40, 4));
  constexpr int kThreads = 6;
  std::atomic<bool> done{false};
  std::thread collector = Spawn([&] {
    while (!done.load(std::memory_order_acquire)) {
      gc().Collect();
      DetachGuard sleeping;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  for (int w = 0; w < waves; ++w) {
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
      ts.push_back(Spawn([w, t] {
        std::mt19937_64 rng(Seed() + static_cast<uint64_t>(w * kThreads + t));
        std::vector<Ref<Node>> held;
        for (int i = 0; i < 20; ++i) {
          held.push_back(MakeRing(1 + static_cast<int>(rng() % 10)));
          Safepoint();
        }
        // Exits with `held` still alive: its references go at exit.
      }));
    }
    JoinAll(ts);
  }
  done.store(true, std::memory_order_release);
  Join(collector);
  gc().Collect();
  EXPECT_EQ(LiveObjects(), 0);
  const int64_t ids = std::min<int64_t>(g_next_id.load(), kMaxIds);
  for (int64_t i = 0; i < ids; ++i) ASSERT_EQ(DeallocsOf(i), 1) << i;
  EXPECT_EQ(CountAllocatedObjects(rt()), 0);
}

// The owner of a garbage ring exits while the collection breaks that ring:
// a weak reference callback (run after the stop, before tp_clear) lets the
// owner go, so its exit (which unowns what it still owns) overlaps the
// collector dropping the last references to the ring's nodes.
TEST_P(StressTest, OwnerExitsWhileItsCycleIsBeingCleared) {
  g_next_id.store(0);
  gc().Disable();
  const int rounds = static_cast<int>(Scaled(200, 20));
  const int k = static_cast<int>(Scaled(4000, 500));
  for (int round = 0; round < rounds; ++round) {
    std::atomic<int> step{0};
    Ref<WeakRefObject> watch;
    Ref<ObjectHeader> cb = std::move(NewWeakCallback(
        [](WeakRefObject*, void* arg) { static_cast<std::atomic<int>*>(arg)->store(2); },
        &step)).value();
    std::thread owner = Spawn([&] {
      {
        Ref<Node> ring = MakeRing(k);
        watch = std::move(NewWeakRef(ring.header(), cb.get())).value();
      }  // garbage now
      step.store(1, std::memory_order_release);
      while (step.load(std::memory_order_acquire) != 2) Safepoint();
      // Exit at once: the collector is clearing the ring now.
    });
    while (step.load(std::memory_order_acquire) != 1) Safepoint();
    EXPECT_EQ(gc().Collect(), static_cast<size_t>(k));
    Join(owner);
    EXPECT_FALSE(WeakRefGet(watch.get()));
  }
  EXPECT_EQ(LiveObjects(), 0);
  const int64_t ids = std::min<int64_t>(g_next_id.load(), kMaxIds);
  for (int64_t i = 0; i < ids; ++i) ASSERT_EQ(DeallocsOf(i), 1) << i;
}

}  // namespace
}  // namespace ftrt::gc::testing
