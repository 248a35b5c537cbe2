// Deallocation: the trashcan (a million-long chain in constant stack),
// PEP 442 finalizers (once, resurrection), frees deferred past a stop,
// weak-reference callbacks after the object is gone, DefaultDealloc.
#include "object/dealloc.h"

#include <pthread.h>

#include <functional>
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "object/object.h"
#include "object/refcount_testing.h"
#include "object/thread_objects.h"
#include "object/weakref.h"
#include "runtime/runtime.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Counters;
using testing_util::NewTestObject;
using testing_util::TestObject;

class DeallocTest : public testing_util::RuntimeTest {
 protected:
  // Runs fn on a fresh thread with a small stack, attached to the runtime.
  void RunOnSmallStack(size_t stack_bytes, std::function<void()> fn) {
    struct Ctx {
      Runtime* rt;
      std::function<void()> fn;
    } ctx{&rt(), std::move(fn)};
    pthread_attr_t attr;
    ASSERT_EQ(pthread_attr_init(&attr), 0);
    ASSERT_EQ(pthread_attr_setstacksize(&attr, stack_bytes), 0);
    pthread_t thread;
    ASSERT_EQ(pthread_create(
                  &thread, &attr,
                  [](void* p) -> void* {
                    auto* c = static_cast<Ctx*>(p);
                    {
                      AttachGuard g(*c->rt);
                      c->fn();
                    }
                    c->rt->ReleaseCurrentThread();
                    return nullptr;
                  },
                  &ctx),
              0);
    pthread_attr_destroy(&attr);
    DetachGuard d;
    pthread_join(thread, nullptr);
  }
};

// Dropping the head of a chain of a million objects, each holding the next,
// frees every one exactly once on a thread whose stack could not hold a
// recursion a thousandth as deep.
TEST_F(DeallocTest, MillionChainFreesInConstantStack) {
  const long n = testing_util::Scaled(1'000'000, 1000);
  auto per_id = std::make_unique<std::atomic<int>[]>(n);
  Counters().per_id_size.store(n);
  Counters().per_id.store(per_id.get());
  RunOnSmallStack(256 << 10, [&] {
    Ref<TestObject> head;
    for (long i = 0; i < n; ++i) {
      Ref<TestObject> o = NewTestObject(i);
      o->next = head ? AsHeader(head.Release()) : nullptr;
      head = std::move(o);
    }
    EXPECT_EQ(Counters().allocs.load(), n);
    EXPECT_EQ(internal::TrashcanDepthForTesting(), 0);
    head.Reset();
    EXPECT_EQ(internal::TrashcanDepthForTesting(), 0);
    EXPECT_EQ(Counters().deallocs.load(), n);
  });
  Counters().per_id.store(nullptr);
  long wrong = 0;
  for (long i = 0; i < n; ++i) wrong += per_id[i].load() != 1;
  EXPECT_EQ(wrong, 0);
}

// A wide tree (one object holding many) also frees completely.
TEST_F(DeallocTest, NestedChainsOfChains) {
  // 200 chains of 2,000, each chain's head held by the previous chain's tail.
  Ref<TestObject> head;
  long count = 0;
  for (int c = 0; c < 200; ++c) {
    for (int i = 0; i < 2000; ++i) {
      Ref<TestObject> o = NewTestObject(count++);
      o->next = head ? AsHeader(head.Release()) : nullptr;
      head = std::move(o);
    }
  }
  head.Reset();
  EXPECT_EQ(Counters().deallocs.load(), count);
}

// --- PEP 442 -----------------------------------------------------------------

struct FinalizerState {
  std::atomic<int> finalized{0};
  std::atomic<int> freed{0};
  ObjectHeader* resurrect_into = nullptr;  // if set, the finalizer stores self
  ObjectHeader** slot = nullptr;
};
FinalizerState g_fin;

void CountingFinalize(PyObject* self) {
  g_fin.finalized.fetch_add(1);
  if (g_fin.slot != nullptr) {
    Incref(self);
    *g_fin.slot = self;
  }
}

void CountingFree(void* p) {
  g_fin.freed.fetch_add(1);
  FreeObject(p);
}

TEST_F(DeallocTest, FinalizerRunsOnceBeforeTheFree) {
  g_fin.finalized = 0;
  g_fin.freed = 0;
  g_fin.slot = nullptr;
  HeapTypeSpec spec;
  spec.name = "test.Finalized";
  spec.finalize = CountingFinalize;
  spec.free = CountingFree;
  absl::StatusOr<Ref<PyTypeObject>> type = NewHeapType(spec);
  ASSERT_TRUE(type.ok());
  Ref<> obj = NewObject((*type).get());
  ASSERT_TRUE(obj);
  obj.Reset();
  EXPECT_EQ(g_fin.finalized.load(), 1);
  EXPECT_EQ(g_fin.freed.load(), 1);
}

TEST_F(DeallocTest, ResurrectingFinalizerKeepsTheObjectAndRunsOnlyOnce) {
  g_fin.finalized = 0;
  g_fin.freed = 0;
  ObjectHeader* saved = nullptr;
  g_fin.slot = &saved;
  HeapTypeSpec spec;
  spec.name = "test.Phoenix";
  spec.finalize = CountingFinalize;
  spec.free = CountingFree;
  absl::StatusOr<Ref<PyTypeObject>> type = NewHeapType(spec);
  ASSERT_TRUE(type.ok());
  Ref<> obj = NewObject((*type).get());
  ObjectHeader* h = obj.header();
  obj.Reset();
  EXPECT_EQ(g_fin.finalized.load(), 1);
  EXPECT_EQ(g_fin.freed.load(), 0);  // resurrected
  ASSERT_EQ(saved, h);
  EXPECT_EQ(Refcount(h), 1);
  EXPECT_FALSE(IsDeadOrDeallocating(h));
  g_fin.slot = nullptr;
  Decref(saved);  // dead again: the finalizer does not run a second time
  EXPECT_EQ(g_fin.finalized.load(), 1);
  EXPECT_EQ(g_fin.freed.load(), 1);
}

// --- stops ---------------------------------------------------------------------

TEST_F(DeallocTest, ObjectsReachingZeroDuringAStopAreFreedAfterTheRestart) {
  Ref<TestObject> a = NewTestObject(1);
  Ref<TestObject> b = NewTestObject(2);
  ObjectHeader* ha = a.header();
  {
    StopTheWorldGuard stop(rt());
    a.Reset();
    b.Reset();
    EXPECT_EQ(Counters().deallocs.load(), 0);
    EXPECT_TRUE(IsDeadOrDeallocating(ha));
    EXPECT_EQ(FreeObjectsPendingAfterStop(), 0u);  // still stopped
  }
  EXPECT_EQ(Counters().deallocs.load(), 0);
  ThreadState::Current()->Safepoint();  // the requested work frees them
  EXPECT_EQ(Counters().deallocs.load(), 2);
  EXPECT_EQ(FreeObjectsPendingAfterStop(), 0u);
}

TEST_F(DeallocTest, FreeObjectsPendingAfterStopIsExplicitToo) {
  Ref<TestObject> a = NewTestObject(1);
  {
    StopTheWorldGuard stop(rt());
    a.Reset();
  }
  EXPECT_EQ(FreeObjectsPendingAfterStop(), 1u);
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

// --- weak-reference callbacks ----------------------------------------------------

struct CallbackProbe {
  std::atomic<int> calls{0};
  int64_t deallocs_seen = -1;
  bool upgrade_was_null = false;
  uintptr_t ran_on = 0;
};

void ProbeCallback(WeakRefObject* wr, void* arg) {
  auto* p = static_cast<CallbackProbe*>(arg);
  p->deallocs_seen = Counters().deallocs.load();
  // Takes the referent's stripe: would deadlock if the dealloc path still
  // held it.
  p->upgrade_was_null = !WeakRefGet(wr);
  p->ran_on = CurrentThreadId();
  p->calls.fetch_add(1);
}

TEST_F(DeallocTest, WeakCallbacksRunAfterTheObjectIsGoneOnTheFreeingThread) {
  CallbackProbe probe;
  Ref<TestObject> obj = NewTestObject();
  absl::StatusOr<Ref<ObjectHeader>> cb = NewWeakCallback(ProbeCallback, &probe);
  ASSERT_TRUE(cb.ok());
  absl::StatusOr<Ref<WeakRefObject>> wr = NewWeakRef(obj.header(), cb->get());
  ASSERT_TRUE(wr.ok());
  ObjectHeader* h = obj.header();
  Incref(h);
  obj.Reset();  // not the last
  EXPECT_EQ(probe.calls.load(), 0);
  uintptr_t freer = 0;
  std::thread t = Spawn([&] {
    freer = CurrentThreadId();
    Decref(h);  // queued to us or merged: the owner frees
  });
  Join(t);
  MergeQueuedObjects();
  EXPECT_EQ(Counters().deallocs.load(), 1);
  EXPECT_EQ(probe.calls.load(), 1);
  EXPECT_EQ(probe.deallocs_seen, 1);  // the object was gone when it ran
  EXPECT_TRUE(probe.upgrade_was_null);
  EXPECT_EQ(probe.ran_on, CurrentThreadId());  // the merge ran here
  EXPECT_NE(freer, 0u);
}

// --- DefaultDealloc --------------------------------------------------------------

TEST_F(DeallocTest, DefaultDeallocDropsTheHeapTypeReference) {
  g_fin.freed = 0;
  g_fin.slot = nullptr;
  HeapTypeSpec spec;
  spec.name = "test.Plain";
  spec.free = CountingFree;
  absl::StatusOr<Ref<PyTypeObject>> type = NewHeapType(spec);
  ASSERT_TRUE(type.ok());
  ObjectHeader* th = type->header();
  const intptr_t before = Refcount(th);
  Ref<> obj = NewObject((*type).get());
  EXPECT_EQ(Refcount(th), before + 1);
  obj.Reset();
  EXPECT_EQ(g_fin.freed.load(), 1);
  EXPECT_EQ(Refcount(th), before);
}

}  // namespace
}  // namespace ftrt
