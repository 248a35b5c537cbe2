// The collector, shape by shape: cycles of every length, roots that keep
// them (counted references, deferred root stacks of this and other
// threads, immortal and untracked holders), finalizers (once, resurrection,
// errors), weak references, objects of exited threads, pending merges, the
// automatic trigger, and the header fields it borrows as scratch.
#include "gc/collector.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gc/gc_testing.h"
#include "gc/scratch.h"
#include "gc/testing_types.h"
#include "gtest/gtest.h"
#include "object/errors.h"
#include "object/list.h"
#include "object/object.h"
#include "object/stack_ref.h"
#include "object/thread_objects.h"
#include "object/weakref.h"
#include "sync/thread_id.h"
#include "tests/test_util.h"

namespace ftrt::gc::testing {
namespace {

using testing_util::Scaled;
using testing_util::Seed;

ObjectHeader* H(const Ref<Node>& n) { return n.header(); }

// a <-> b, each holding the other in field a.
void Link2(const Ref<Node>& x, const Ref<Node>& y) {
  SetA(H(x), H(y));
  SetA(H(y), H(x));
}

uintptr_t TidOf(ObjectHeader* op) {
  return std::atomic_ref<uintptr_t>(op->ob_tid).load(std::memory_order_relaxed);
}
uint8_t GcBitsOf(ObjectHeader* op) {
  return std::atomic_ref<uint8_t>(op->ob_gc_bits).load(std::memory_order_relaxed);
}
constexpr uint8_t kScratchBits = FTRT_GC_BIT_UNREACHABLE | FTRT_GC_BIT_ALIVE;

// Every shape with one thread and with the parallel passes (four threads
// on any heap, so that small tests exercise the sharing too).
class CollectorTest : public GcTest, public ::testing::WithParamInterface<int> {
 protected:
  Options GcOptions() const override {
    Options o = GcTest::GcOptions();
    o.threads = GetParam();
    o.parallel_min_objects = 0;
    return o;
  }
};
INSTANTIATE_TEST_SUITE_P(Threads, CollectorTest, ::testing::Values(1, 4),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param == 1 ? std::string("Serial")
                                                  : std::string("Parallel");
                         });

TEST_P(CollectorTest, TwoCycleIsCollected) {
  {
    Ref<Node> x = NewNode(0), y = NewNode(1);
    Link2(x, y);
  }
  EXPECT_EQ(GetCounters().deallocs.load(), 0);  // refcounting alone cannot
  EXPECT_EQ(gc().Collect(), 2u);
  EXPECT_EQ(DeallocsOf(0), 1);
  EXPECT_EQ(DeallocsOf(1), 1);
  EXPECT_EQ(LiveObjects(), 0);
  EXPECT_EQ(gc().Collect(), 0u);  // nothing twice
  EXPECT_EQ(GetCounters().deallocs.load(), 2);
}

TEST_P(CollectorTest, SelfReferenceIsCollected) {
  {
    Ref<Node> x = NewNode(0);
    SetA(H(x), H(x));
    SetB(H(x), H(x));
  }
  EXPECT_EQ(gc().Collect(), 1u);
  EXPECT_EQ(DeallocsOf(0), 1);
}

TEST_P(CollectorTest, LongRingIsCollectedAndFreedIteratively) {
  const int64_t n = Scaled(200'000, 5'000);
  {
    Ref<Node> first = NewNode(0);
    Ref<Node> prev = first.Clone();
    for (int64_t i = 1; i < n; ++i) {
      Ref<Node> cur = NewNode(i);
      SetA(H(prev), H(cur));
      prev = std::move(cur);
    }
    SetA(H(prev), H(first));  // close the ring
  }
  EXPECT_EQ(gc().Collect(), static_cast<size_t>(n));
  for (int64_t i = 0; i < std::min<int64_t>(n, kMaxIds); ++i) ASSERT_EQ(DeallocsOf(i), 1) << i;
  EXPECT_EQ(LiveObjects(), 0);
}

TEST_P(CollectorTest, ReachableCycleIsKeptUntilDropped) {
  Ref<Node> x = NewNode(0);
  {
    Ref<Node> y = NewNode(1);
    Link2(x, y);
    Ref<Node> z = NewNode(2);  // hangs off the cycle
    SetB(H(y), H(z));
  }
  EXPECT_EQ(gc().Collect(), 0u);
  EXPECT_EQ(LiveObjects(), 3);
  // The fields are intact and usable after the collection.
  auto* y = reinterpret_cast<Node*>(x->a);
  EXPECT_EQ(y->id, 1);
  EXPECT_EQ(reinterpret_cast<Node*>(y->b)->id, 2);
  EXPECT_EQ(y->a, H(x));
  x.Reset();
  EXPECT_EQ(gc().Collect(), 3u);
  EXPECT_EQ(LiveObjects(), 0);
}

TEST_P(CollectorTest, WideListOfChainsIsKeptThenCollected) {
  // One root holding many objects at once (the work list grows to all of
  // them: with several threads, chains of it are handed out).
  const int64_t n = Scaled(60'000, 10'000);
  Ref<> list = std::move(ListNew()).value();
  {
    Ref<Node> prev;
    for (int64_t i = 0; i < n; ++i) {
      Ref<Node> node = NewNode(i % kMaxIds);
      if (prev) SetA(H(node), H(prev));
      SetB(H(node), list.get());  // every node also holds the list: cycles
      ASSERT_TRUE(ListAppend(list.get(), H(node)).ok());
      prev = std::move(node);
    }
  }
  EXPECT_EQ(gc().Collect(), 0u);
  EXPECT_EQ(LiveObjects(), n);
  EXPECT_EQ(gc().GetStats().last_survivors, static_cast<uint64_t>(n + 1));
  for (Py_ssize_t i = 0; i < n; i += 997) {
    Ref<> item = std::move(ListGetItemRef(list.get(), i)).value();
    ASSERT_EQ(item->ob_type, NodeType());
    ASSERT_EQ(TidOf(item.get()), CurrentThreadId());
    ASSERT_EQ(GcBitsOf(item.get()) & kScratchBits, 0);
  }
  list.Reset();
  EXPECT_EQ(gc().Collect(), static_cast<size_t>(n + 1));
  EXPECT_EQ(LiveObjects(), 0);
}

TEST_P(CollectorTest, AcyclicGarbageNeedsNoCollector) {
  {
    Ref<Node> x = NewNode(0), y = NewNode(1);
    SetA(H(x), H(y));
  }
  EXPECT_EQ(LiveObjects(), 0);
  EXPECT_EQ(gc().Collect(), 0u);
}

TEST_P(CollectorTest, CycleReachableOnlyThroughADeferredRootIsKept) {
  ObjectHeader* d;
  {
    Ref<Node> deferred = NewNode(0);
    SetDeferredRefcount(H(deferred));
    d = H(deferred);
    Ref<Node> y = NewNode(1);
    Link2(deferred, y);
  }
  // No counted reference is left: only the deferred bias keeps it.
  {
    StackRef root(d);  // uncounted: the collector must count it
    EXPECT_EQ(gc().Collect(), 0u);
    EXPECT_EQ(LiveObjects(), 2);
    EXPECT_EQ(reinterpret_cast<Node*>(reinterpret_cast<Node*>(d)->a)->id, 1);
  }
  // Nothing holds it now; deferred counting is dropped for the collection.
  EXPECT_EQ(gc().Collect(), 2u);
  EXPECT_EQ(DeallocsOf(0), 1);
  EXPECT_EQ(DeallocsOf(1), 1);
}

TEST_P(CollectorTest, CycleReachableFromAnotherThreadsRootStackIsKept) {
  ObjectHeader* d;
  {
    Ref<Node> deferred = NewNode(0);
    SetDeferredRefcount(H(deferred));
    d = H(deferred);
    Ref<Node> y = NewNode(1);
    Link2(deferred, y);
  }
  std::atomic<int> step{0};
  std::thread t = Spawn([&] {
    StackRef root(d);
    step.store(1, std::memory_order_release);
    // Attached, passing safepoints, until the main thread has collected.
    while (step.load(std::memory_order_acquire) != 2) Safepoint();
  });
  while (step.load(std::memory_order_acquire) != 1) Safepoint();
  EXPECT_EQ(gc().Collect(), 0u);
  EXPECT_EQ(LiveObjects(), 2);
  step.store(2, std::memory_order_release);
  Join(t);
  EXPECT_EQ(gc().Collect(), 2u);
  EXPECT_EQ(LiveObjects(), 0);
}

TEST_P(CollectorTest, UntrackedAndImmortalHoldersKeepCycles) {
  Ref<Node> holder = NewNode(0);
  UntrackObject(H(holder));  // assumed alive, like any object outside the heap
  {
    Ref<Node> x = NewNode(1), y = NewNode(2);
    Link2(x, y);
    SetA(H(holder), H(x));
  }
  Ref<Node> immortal = NewNode(3);
  {
    Ref<Node> p = NewNode(4), q = NewNode(5);
    Link2(p, q);
    SetA(H(immortal), H(p));
  }
  SetImmortal(H(immortal));
  const ObjectHeader before_holder = *H(holder);
  const ObjectHeader before_immortal = *H(immortal);
  EXPECT_EQ(gc().Collect(), 0u);
  EXPECT_EQ(LiveObjects(), 6);
  // Never touched.
  EXPECT_EQ(std::memcmp(&before_holder, H(holder), sizeof(ObjectHeader)), 0);
  EXPECT_EQ(std::memcmp(&before_immortal, H(immortal), sizeof(ObjectHeader)), 0);
  holder.Reset();  // frees holder; x <-> y is garbage now
  EXPECT_EQ(gc().Collect(), 2u);
  EXPECT_EQ(DeallocsOf(1), 1);
  EXPECT_EQ(DeallocsOf(4), 0);
  (void)immortal.Release();  // immortal: never freed, its cycle stays
}

TEST_P(CollectorTest, ScratchFieldsAreRestoredExactly) {
  // Objects owned by this thread, by a live thread and by an exited one.
  Ref<Node> mine = NewNode(0);
  SetA(H(mine), H(mine));
  Ref<Node> from_exited;
  {
    std::thread t = Spawn([&] {
      from_exited = NewNode(1);
      SetA(H(from_exited), H(from_exited));
    });
    Join(t);
  }
  Ref<Node> from_live;
  std::atomic<int> step{0};
  uintptr_t live_tid = 0;
  std::thread t = Spawn([&] {
    Ref<Node> n = NewNode(2);
    SetA(H(n), H(n));
    live_tid = CurrentThreadId();
    from_live = n.Clone();  // a shared reference: stays owned by this thread
    step.store(1, std::memory_order_release);
    while (step.load(std::memory_order_acquire) != 2) Safepoint();
  });
  while (step.load(std::memory_order_acquire) != 1) Safepoint();
  const uintptr_t tids[3] = {TidOf(H(mine)), TidOf(H(from_exited)), TidOf(H(from_live))};
  EXPECT_EQ(tids[0], CurrentThreadId());
  EXPECT_EQ(tids[1], 0u);
  EXPECT_EQ(tids[2], live_tid);
  const uint32_t local_mine = H(mine)->ob_ref_local;
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(gc().Collect(), 0u);
    EXPECT_EQ(TidOf(H(mine)), tids[0]);
    EXPECT_EQ(TidOf(H(from_exited)), tids[1]);
    EXPECT_EQ(TidOf(H(from_live)), tids[2]);
    EXPECT_EQ(H(mine)->ob_ref_local, local_mine);
    for (ObjectHeader* op : {H(mine), H(from_exited), H(from_live)}) {
      EXPECT_EQ(GcBitsOf(op) & kScratchBits, 0);
      EXPECT_TRUE(IsTracked(op));
    }
  }
  step.store(2, std::memory_order_release);
  Join(t);
  mine.Reset();
  from_exited.Reset();
  from_live.Reset();
  EXPECT_EQ(gc().Collect(), 3u);
  EXPECT_EQ(LiveObjects(), 0);
}

TEST_P(CollectorTest, CycleOfAnExitedThreadIsCollected) {
  std::thread t = Spawn([&] {
    // This thread holds the only references into the cycle until it exits.
    Ref<Node> x = NewNode(0), y = NewNode(1), z = NewNode(2);
    SetA(H(x), H(y));
    SetA(H(y), H(z));
    SetA(H(z), H(x));
  });
  Join(t);
  EXPECT_EQ(LiveObjects(), 3);
  EXPECT_EQ(gc().Collect(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(DeallocsOf(i), 1);
}

TEST_P(CollectorTest, PendingMergeIsAppliedAndFreedAfterTheStop) {
  // A thread makes a node and hands its only reference to us; our drop
  // queues it to the owner, who is blocked (detached) and cannot merge.
  std::atomic<int> step{0};
  ObjectHeader* handed = nullptr;
  std::thread t = Spawn([&] {
    Ref<Node> n = NewNode(0);
    handed = H(n);
    (void)n.Release();
    step.store(1, std::memory_order_release);
    DetachGuard detached;
    while (step.load(std::memory_order_acquire) != 2) std::this_thread::yield();
  });
  while (step.load(std::memory_order_acquire) != 1) Safepoint();
  Decref(handed);  // queued: the total is 0 but the owner has not merged
  EXPECT_EQ(DeallocsOf(0), 0);
  gc().Collect();  // merges every queue during the stop, frees after it
  EXPECT_EQ(DeallocsOf(0), 1);
  step.store(2, std::memory_order_release);
  Join(t);
  EXPECT_EQ(LiveObjects(), 0);
}

// --- finalizers ---------------------------------------------------------------

std::atomic<ObjectHeader*> g_resurrect_slot{nullptr};

void ResurrectFirst(Node* node) {
  if (node->id == 0) {
    Incref(AsHeader(node));
    g_resurrect_slot.store(AsHeader(node), std::memory_order_release);
  }
}

TEST_P(CollectorTest, ResurrectingFinalizerKeepsTheCycleAndRunsOnce) {
  g_resurrect_slot.store(nullptr);
  SetFinalizerHook(ResurrectFirst);
  {
    Ref<Node> x = NewNode(0, FinalizerNodeType()), y = NewNode(1, FinalizerNodeType());
    Link2(x, y);
    Ref<Node> z = NewNode(2);  // reachable from the resurrected cycle
    SetB(H(y), H(z));
  }
  EXPECT_EQ(gc().Collect(), 0u);
  EXPECT_EQ(FinalizationsOf(0), 1);
  EXPECT_EQ(FinalizationsOf(1), 1);
  EXPECT_EQ(LiveObjects(), 3);  // x, y and z all kept
  EXPECT_EQ(gc().GetStats().resurrected, 3u);
  ObjectHeader* x = g_resurrect_slot.load();
  ASSERT_NE(x, nullptr);
  auto* y = reinterpret_cast<Node*>(reinterpret_cast<Node*>(x)->a);
  EXPECT_EQ(y->id, 1);
  EXPECT_EQ(y->a, x);
  EXPECT_EQ(reinterpret_cast<Node*>(y->b)->id, 2);
  EXPECT_EQ(GcBitsOf(x) & kScratchBits, 0);
  // Still referenced: kept, and the finalizers do not run again.
  EXPECT_EQ(gc().Collect(), 0u);
  EXPECT_EQ(FinalizationsOf(0), 1);
  EXPECT_EQ(FinalizationsOf(1), 1);
  // Dropped: collected now, still without a second finalization.
  Decref(g_resurrect_slot.exchange(nullptr));
  EXPECT_EQ(gc().Collect(), 3u);
  EXPECT_EQ(FinalizationsOf(0), 1);
  EXPECT_EQ(FinalizationsOf(1), 1);
  EXPECT_EQ(LiveObjects(), 0);
}

TEST_P(CollectorTest, FinalizerWithoutResurrectionRunsOnceThenCollected) {
  {
    Ref<Node> x = NewNode(0, FinalizerNodeType()), y = NewNode(1, FinalizerNodeType());
    Link2(x, y);
  }
  EXPECT_EQ(gc().Collect(), 2u);
  EXPECT_EQ(FinalizationsOf(0), 1);
  EXPECT_EQ(FinalizationsOf(1), 1);
  EXPECT_EQ(DeallocsOf(0), 1);
  EXPECT_EQ(DeallocsOf(1), 1);
}

struct Unraisable {
  std::vector<std::string> messages;
  std::vector<int64_t> ids;
};

void RaiseForOdd(Node* node) {
  if (node->id % 2 == 1) SetErrorIndicator(MakeError(ErrorKind::kRuntimeError, "boom"));
}

TEST_P(CollectorTest, RaisingFinalizerIsReportedAndTheCollectionGoesOn) {
  SetFinalizerHook(RaiseForOdd);
  Unraisable seen;
  gc().SetUnraisableHook(
      [](const absl::Status& error, ObjectHeader* obj, const char* where, void* arg) {
        auto* s = static_cast<Unraisable*>(arg);
        s->messages.push_back(std::string(where) + ": " + std::string(error.message()));
        s->ids.push_back(reinterpret_cast<Node*>(obj)->id);
      },
      &seen);
  {
    Ref<Node> x = NewNode(0, FinalizerNodeType()), y = NewNode(1, FinalizerNodeType());
    Link2(x, y);
    Ref<Node> p = NewNode(2, FinalizerNodeType()), q = NewNode(3, FinalizerNodeType());
    Link2(p, q);
  }
  EXPECT_EQ(gc().Collect(), 4u);
  ASSERT_EQ(seen.messages.size(), 2u);
  EXPECT_EQ(seen.messages[0], "finalizer: boom");
  EXPECT_EQ(seen.ids[0] % 2, 1);
  EXPECT_EQ(seen.ids[1] % 2, 1);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(FinalizationsOf(i), 1) << i;
    EXPECT_EQ(DeallocsOf(i), 1) << i;
  }
  EXPECT_FALSE(ErrorIndicatorSet());
  EXPECT_EQ(gc().GetStats().uncollectable, 2u);
}

TEST_P(CollectorTest, CallersPendingErrorSurvivesTheCollection) {
  SetFinalizerHook(RaiseForOdd);
  gc().SetUnraisableHook([](const absl::Status&, ObjectHeader*, const char*, void*) {}, nullptr);
  {
    Ref<Node> x = NewNode(0, FinalizerNodeType()), y = NewNode(1, FinalizerNodeType());
    Link2(x, y);
  }
  SetErrorIndicator(MakeError(ErrorKind::kKeyError, "mine"));
  EXPECT_EQ(gc().Collect(), 2u);
  ASSERT_TRUE(ErrorIndicatorSet());
  EXPECT_TRUE(IsError(TakeErrorIndicator(), ErrorKind::kKeyError));
}

std::atomic<Collector*> g_reentrant_gc{nullptr};
std::atomic<int> g_reentrant_result{-1};

void CollectFromFinalizer(Node*) {
  g_reentrant_result.store(static_cast<int>(g_reentrant_gc.load()->Collect()));
}

TEST_P(CollectorTest, FinalizerCannotStartACollection) {
  g_reentrant_gc.store(&gc());
  g_reentrant_result.store(-1);
  SetFinalizerHook(CollectFromFinalizer);
  {
    Ref<Node> x = NewNode(0, FinalizerNodeType()), y = NewNode(1);
    Link2(x, y);
  }
  EXPECT_EQ(gc().Collect(), 2u);
  EXPECT_EQ(g_reentrant_result.load(), 0);
  EXPECT_EQ(gc().GetStats().collections, 1u);
}

// --- weak references --------------------------------------------------------------

struct CallbackLog {
  std::atomic<int> calls{0};
  std::atomic<bool> referent_gone{false};
};

void RecordCallback(WeakRefObject* wr, void* arg) {
  auto* log = static_cast<CallbackLog*>(arg);
  log->calls.fetch_add(1);
  log->referent_gone.store(!WeakRefGet(wr));
}

std::atomic<WeakRefObject*> g_watch{nullptr};
std::atomic<int> g_watch_saw_live{0};

void CheckWeakRefCleared(Node*) {
  if (WeakRefGet(g_watch.load())) g_watch_saw_live.fetch_add(1);
}

TEST_P(CollectorTest, WeakRefsToACycleAreClearedBeforeFinalizers) {
  CallbackLog log;
  absl::StatusOr<Ref<ObjectHeader>> cb = NewWeakCallback(RecordCallback, &log);
  ASSERT_TRUE(cb.ok());
  Ref<WeakRefObject> plain, with_cb;
  {
    Ref<Node> x = NewNode(0, FinalizerNodeType()), y = NewNode(1);
    Link2(x, y);
    absl::StatusOr<Ref<WeakRefObject>> w1 = NewWeakRef(H(x));
    absl::StatusOr<Ref<WeakRefObject>> w2 = NewWeakRef(H(y), cb->get());
    ASSERT_TRUE(w1.ok() && w2.ok());
    plain = std::move(*w1);
    with_cb = std::move(*w2);
  }
  g_watch.store(plain.get());
  g_watch_saw_live.store(0);
  SetFinalizerHook(CheckWeakRefCleared);
  EXPECT_TRUE(WeakRefGet(plain.get()));
  EXPECT_EQ(gc().Collect(), 2u);
  EXPECT_EQ(GetCounters().finalized.load(), 1);
  EXPECT_EQ(g_watch_saw_live.load(), 0);  // the finalizer saw it cleared
  EXPECT_FALSE(WeakRefGet(plain.get()));
  EXPECT_FALSE(WeakRefGet(with_cb.get()));
  EXPECT_EQ(log.calls.load(), 1);
  EXPECT_TRUE(log.referent_gone.load());
  EXPECT_EQ(LiveObjects(), 0);
  EXPECT_EQ(gc().GetStats().weakrefs_cleared, 2u);
}

TEST_P(CollectorTest, UnreachableWeakRefGetsNoCallback) {
  CallbackLog log;
  absl::StatusOr<Ref<ObjectHeader>> cb = NewWeakCallback(RecordCallback, &log);
  ASSERT_TRUE(cb.ok());
  {
    Ref<Node> x = NewNode(0), y = NewNode(1);
    Link2(x, y);
    absl::StatusOr<Ref<WeakRefObject>> w = NewWeakRef(H(x), cb->get());
    ASSERT_TRUE(w.ok());
    SetB(H(y), w->header());  // the weak reference is part of the garbage
  }
  EXPECT_EQ(gc().Collect(), 3u);
  EXPECT_EQ(log.calls.load(), 0);
  EXPECT_EQ(LiveObjects(), 0);
}

// --- many objects, random shapes ----------------------------------------------

// A random graph of n Nodes with ids from first_id (one in 8 with a
// finalizer): field a set on 3 nodes in 4, b on 1 in 2, to random nodes;
// about one node in 64 is a root, and `live` is what the roots reach. The
// caller holds the roots, then drops `nodes`.
struct RandomGraph {
  RandomGraph(std::mt19937_64& rng, int64_t n, int64_t first_id)
      : edge_a(static_cast<size_t>(n), -1),
        edge_b(static_cast<size_t>(n), -1),
        root(static_cast<size_t>(n), false),
        live(static_cast<size_t>(n), false) {
    nodes.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      nodes.push_back(NewNode(first_id + i, (rng() % 8 == 0) ? FinalizerNodeType() : NodeType()));
      ptrs.push_back(H(nodes.back()));
    }
    for (int64_t i = 0; i < n; ++i) {
      if (rng() % 4 != 0) edge_a[i] = static_cast<int64_t>(rng() % n);
      if (rng() % 2 != 0) edge_b[i] = static_cast<int64_t>(rng() % n);
      if (edge_a[i] >= 0) SetA(ptrs[i], ptrs[edge_a[i]]);
      if (edge_b[i] >= 0) SetB(ptrs[i], ptrs[edge_b[i]]);
    }
    std::vector<int64_t> stack;
    for (int64_t i = 0; i < n; ++i) {
      if (rng() % 64 == 0) {
        root[i] = live[i] = true;
        stack.push_back(i);
      }
    }
    while (!stack.empty()) {
      const int64_t i = stack.back();
      stack.pop_back();
      for (int64_t j : {edge_a[i], edge_b[i]}) {
        if (j >= 0 && !live[j]) {
          live[j] = true;
          stack.push_back(j);
        }
      }
    }
  }

  std::vector<Ref<Node>> nodes;
  std::vector<ObjectHeader*> ptrs;
  std::vector<int64_t> edge_a, edge_b;
  std::vector<bool> root, live;
};

TEST_P(CollectorTest, RandomGraphsEveryDestructorExactlyOnce) {
  std::mt19937_64 rng(Seed());
  const int64_t n = Scaled(20'000, 2'000);
  const int rounds = static_cast<int>(Scaled(6, 2));
  int64_t next_id = 0;
  for (int round = 0; round < rounds && next_id + n <= kMaxIds; ++round) {
    RandomGraph g(rng, n, next_id);
    // Keep the roots; everything they reach must survive, the rest must die.
    std::vector<Ref<Node>> kept;
    for (int64_t i = 0; i < n; ++i) {
      if (g.root[i]) kept.push_back(std::move(g.nodes[i]));
    }
    g.nodes.clear();  // acyclic garbage dies here, cyclic garbage waits
    gc().Collect();
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_EQ(DeallocsOf(next_id + i), g.live[i] ? 0 : 1) << "round " << round << " node " << i;
      ASSERT_LE(FinalizationsOf(next_id + i), 1);
    }
    kept.clear();
    gc().Collect();
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(DeallocsOf(next_id + i), 1);
    next_id += n;
  }
  EXPECT_EQ(LiveObjects(), 0);
  EXPECT_EQ(CountAllocatedObjects(rt()), 0);
}

// --- what the root stacks hold (collector.h, step 2's first marking) ----------------

// StackRefs, popped in the reverse order of their pushes.
class RootStackHolds {
 public:
  ~RootStackHolds() { Clear(); }
  void Push(ObjectHeader* op) { refs_.push_back(std::make_unique<StackRef>(op)); }
  void Clear() {
    while (!refs_.empty()) refs_.pop_back();
  }

 private:
  std::vector<std::unique_ptr<StackRef>> refs_;
};

// Random graphs again, the roots held three ways (a counted reference, a
// counted root stack entry, or deferred with only an uncounted root stack
// entry), and garbage pointing into what is kept in every walk order: the
// marking from the root stacks must keep exactly what it reaches, leave
// every header as it found it, and let the count find the rest.
TEST_P(CollectorTest, RandomGraphsHeldFromRootStacksWithGarbagePointingIn) {
  std::mt19937_64 rng(Seed() ^ 0x5EEDF00D);
  const int64_t n = Scaled(20'000, 2'000);
  const int rounds = static_cast<int>(Scaled(4, 2));
  int64_t next_id = 0;
  for (int round = 0; round < rounds && next_id + n <= kMaxIds; ++round) {
    RandomGraph g(rng, n, next_id);
    std::vector<Ref<Node>> kept;
    RootStackHolds roots;
    for (int64_t i = 0; i < n; ++i) {
      if (!g.root[i]) continue;
      switch (rng() % 3) {
        case 0:
          kept.push_back(std::move(g.nodes[i]));
          break;
        case 1:
          roots.Push(g.ptrs[i]);  // counted
          break;
        default:
          SetDeferredRefcount(g.ptrs[i]);
          roots.Push(g.ptrs[i]);  // uncounted: the bias alone keeps the node
          break;
      }
    }
    const int64_t num_live = std::count(g.live.begin(), g.live.end(), true);
    g.nodes.clear();
    gc().Collect();
    const Stats st = gc().GetStats();
    EXPECT_EQ(st.last_survivors, static_cast<uint64_t>(num_live));
    EXPECT_GT(st.last_premarked, 0u);  // the root stacks' part went first
    EXPECT_LE(st.last_premarked, st.last_survivors);
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_EQ(DeallocsOf(next_id + i), g.live[i] ? 0 : 1) << "round " << round << " node " << i;
      if (!g.live[i]) continue;
      ObjectHeader* op = g.ptrs[i];
      // Owned by this thread, or merged (dropping the garbage's references
      // may have merged it): what the collector borrowed is given back.
      ASSERT_EQ(TidOf(op), internal::IsMerged(op) ? 0 : CurrentThreadId()) << i;
      ASSERT_EQ(GcBitsOf(op) & kScratchBits, 0) << i;
      ASSERT_TRUE(IsTracked(op)) << i;
      const Node* node = reinterpret_cast<const Node*>(op);
      ASSERT_EQ(node->id, next_id + i);
      if (g.edge_a[i] >= 0) {
        ASSERT_EQ(node->a, g.ptrs[g.edge_a[i]]);
      }
    }
    roots.Clear();
    kept.clear();
    gc().Collect();
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(DeallocsOf(next_id + i), 1);
    next_id += n;
  }
  EXPECT_EQ(LiveObjects(), 0);
  EXPECT_EQ(CountAllocatedObjects(rt()), 0);
}

// A deferred object held only by an uncounted root stack entry and by
// garbage: however the walk orders them, the entry's reference must count
// (the garbage is allocated on both sides of it, so that in one of the two
// pairs the walk meets the garbage after the object).
TEST_P(CollectorTest, DeferredRootReferencedOnlyFromGarbageIsKept) {
  std::vector<ObjectHeader*> deferred;
  {
    Ref<Node> x0 = NewNode(0), y0 = NewNode(1);
    Ref<Node> d0 = NewNode(2), d1 = NewNode(3);
    Ref<Node> x1 = NewNode(4), y1 = NewNode(5);
    Link2(x0, y0);
    Link2(x1, y1);
    SetB(H(x0), H(d1));
    SetB(H(x1), H(d0));
    for (const Ref<Node>* d : {&d0, &d1}) {
      SetDeferredRefcount(H(*d));
      deferred.push_back(H(*d));
    }
  }
  {
    StackRef r0(deferred[0]), r1(deferred[1]);  // uncounted
    EXPECT_EQ(gc().Collect(), 4u);
    EXPECT_EQ(DeallocsOf(2), 0);
    EXPECT_EQ(DeallocsOf(3), 0);
    for (ObjectHeader* d : deferred) EXPECT_EQ(GcBitsOf(d) & kScratchBits, 0);
  }
  EXPECT_EQ(gc().Collect(), 2u);
  EXPECT_EQ(LiveObjects(), 0);
}

// A root whose reach does not fit the marking's fixed work stack: what is
// left over goes through the count and the mark, with the same result.
TEST_P(CollectorTest, RootStackReachWiderThanTheWorkStackIsKept) {
  constexpr int kLists = 4;
  const int per = 6000;  // 24000 items: more than the work stack holds
  std::vector<ObjectHeader*> items;
  int64_t id = 0;
  Ref<> outer = std::move(ListNew()).value();
  for (int l = 0; l < kLists; ++l) {
    Ref<> inner = std::move(ListNew()).value();
    for (int j = 0; j < per; ++j) {
      Ref<Node> node = NewNode(id++);
      ASSERT_TRUE(ListAppend(inner.get(), H(node)).ok());
      items.push_back(H(node));
    }
    ASSERT_TRUE(ListAppend(outer.get(), inner.get()).ok());
  }
  // Links between items of different lists, and garbage 2-cycles pointing
  // at items.
  for (size_t j = 0; j + per < items.size(); j += 7) SetA(items[j], items[j + per]);
  const int garbage = 500;
  for (int g = 0; g < garbage; ++g) {
    Ref<Node> x = NewNode(id++), y = NewNode(id++);
    Link2(x, y);
    SetB(H(x), items[static_cast<size_t>(g) * 41 % items.size()]);
  }
  {
    StackRef root(outer.get());
    outer.Reset();
    EXPECT_EQ(gc().Collect(), static_cast<size_t>(2 * garbage));
    const Stats st = gc().GetStats();
    EXPECT_EQ(st.last_survivors, static_cast<uint64_t>(1 + kLists + kLists * per));
    EXPECT_GT(st.last_premarked, static_cast<uint64_t>(kLists));
    EXPECT_LT(st.last_premarked, st.last_survivors);  // the stack ran full
    for (size_t j = 0; j < items.size(); ++j) {
      ASSERT_EQ(DeallocsOf(static_cast<int64_t>(j)), 0) << j;
      ASSERT_EQ(TidOf(items[j]), CurrentThreadId()) << j;
      ASSERT_EQ(GcBitsOf(items[j]) & kScratchBits, 0) << j;
    }
  }
  // The lists died with the root; the items are garbage (acyclic: freed by
  // refcounting then).
  EXPECT_EQ(gc().Collect(), 0u);
  EXPECT_EQ(LiveObjects(), 0);
}

// --- the last collection ----------------------------------------------------------

TEST(FinalizationTest, NoMortalObjectIsLeftAfterTheLastCollection) {
  ResetCounters(1 << 16);
  SetFinalizerHook(nullptr);
  std::shared_ptr<Runtime> rt = Runtime::Init();
  InstallObjects(*rt);
  rt->Attach();
  Options o;
  o.enabled = false;
  Collector& gc = Collector::Install(*rt, o);
  CallbackLog log;
  Ref<WeakRefObject> watch;
  {
    // Cycles of every kind: with finalizers, weak references (a callback
    // too), a list, objects of a thread that has exited.
    Ref<Node> x = NewNode(0, FinalizerNodeType()), y = NewNode(1);
    Link2(x, y);
    watch = std::move(NewWeakRef(H(x))).value();
    Ref<ObjectHeader> cb = std::move(NewWeakCallback(RecordCallback, &log)).value();
    Ref<WeakRefObject> w = std::move(NewWeakRef(H(y), cb.get())).value();
    SetB(H(x), w.header());
    Ref<> list = std::move(ListNew()).value();
    ASSERT_TRUE(ListAppend(list.get(), list.get()).ok());
    ASSERT_TRUE(ListAppend(list.get(), H(y)).ok());
    absl::StatusOr<std::thread> t = rt->StartThread([] {
      Ref<Node> a = NewNode(2), b = NewNode(3, FinalizerNodeType());
      Link2(a, b);
    });
    ASSERT_TRUE(t.ok());
    DetachGuard detached;
    t->join();
  }
  watch.Reset();
  rt->Finalize();  // the world stays stopped for good; this thread goes on
  EXPECT_GT(gc.Collect(), 0u);
  EXPECT_EQ(LiveObjects(), 0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(DeallocsOf(i), 1) << i;
  EXPECT_EQ(FinalizationsOf(0), 1);
  EXPECT_EQ(FinalizationsOf(3), 1);
  EXPECT_EQ(CountAllocatedObjects(*rt), 0);  // nothing mortal is left at all
  EXPECT_EQ(gc.Collect(), 0u);
  rt.reset();
}

// --- the automatic trigger ----------------------------------------------------------

class AutomaticTest : public GcTest {
 protected:
  Options GcOptions() const override {
    Options o;
    o.threshold = 500;
    o.enabled = true;
    return o;
  }
};

TEST_F(AutomaticTest, AllocationOnlyAsksTheSafepointCollects) {
  // Well past the threshold, with no safepoint: the allocations only ask.
  for (int i = 0; i < 2000; ++i) {
    Ref<Node> x = NewNode(-1), y = NewNode(-1);
    Link2(x, y);
  }
  EXPECT_EQ(gc().GetStats().collections, 0u);
  EXPECT_EQ(LiveObjects(), 4000);
  EXPECT_NE(ThreadState::Current()->safepoint_word() & ftrt::internal::kBreakWorkMask, 0u);
  Safepoint();
  const Stats s = gc().GetStats();
  EXPECT_EQ(s.collections, 1u);
  EXPECT_EQ(s.automatic_collections, 1u);
  EXPECT_EQ(LiveObjects(), 0);
  EXPECT_EQ(gc().allocations_since_collection(), 0);
}

TEST_F(AutomaticTest, DisabledMeansNoAutomaticCollection) {
  gc().Disable();
  for (int i = 0; i < 2000; ++i) {
    Ref<Node> x = NewNode(-1), y = NewNode(-1);
    Link2(x, y);
    Safepoint();
  }
  EXPECT_EQ(gc().GetStats().collections, 0u);
  EXPECT_EQ(gc().Collect(), 4000u);  // on demand still works
  gc().Enable();
  for (int i = 0; i < 2000; ++i) {
    Ref<Node> x = NewNode(-1), y = NewNode(-1);
    Link2(x, y);
    Safepoint();
  }
  EXPECT_GE(gc().GetStats().automatic_collections, 1u);
}

TEST_F(AutomaticTest, ThresholdScalesWithTheHeap) {
  gc().Disable();
  std::vector<Ref<Node>> survivors;
  for (int i = 0; i < 8000; ++i) survivors.push_back(NewNode(-1));
  gc().Collect();  // 8000 survivors: the next threshold is 8000 / 4
  gc().Enable();
  for (int i = 0; i < 1500 / 64 * 64; ++i) {
    Ref<Node> x = NewNode(-1);
    Safepoint();
  }
  EXPECT_EQ(gc().GetStats().automatic_collections, 0u);  // 1500 < 2000
  for (int i = 0; i < 1000; ++i) {
    Ref<Node> x = NewNode(-1);
    Safepoint();
  }
  EXPECT_EQ(gc().GetStats().automatic_collections, 1u);
}

TEST_P(CollectorTest, StatisticsCountAndTimeEveryPhase) {
  for (int round = 0; round < 5; ++round) {
    Ref<Node> x = NewNode(0, FinalizerNodeType()), y = NewNode(1);
    Link2(x, y);
    x.Reset();
    y.Reset();
    gc().Collect();
  }
  const Stats s = gc().GetStats();
  EXPECT_EQ(s.collections, 5u);
  EXPECT_EQ(s.automatic_collections, 0u);
  EXPECT_EQ(s.collected, 10u);
  EXPECT_EQ(s.finalizers_called, 5u);
  for (Phase p : {Phase::kStop, Phase::kMerge, Phase::kCount, Phase::kMark, Phase::kScan,
                  Phase::kWeakrefs, Phase::kRestart, Phase::kFinalize, Phase::kResurrect,
                  Phase::kClear, Phase::kPause, Phase::kTotal}) {
    const Distribution& d = s.of(p);
    EXPECT_EQ(d.count, 5u) << PhaseName(p);
    EXPECT_LE(d.median_ns, d.p99_ns) << PhaseName(p);
    EXPECT_LE(d.p99_ns, d.max_ns) << PhaseName(p);
    EXPECT_LE(d.max_ns, d.total_ns) << PhaseName(p);
  }
  EXPECT_LE(s.of(Phase::kPause).total_ns, s.of(Phase::kTotal).total_ns);
}

}  // namespace
}  // namespace ftrt::gc::testing
