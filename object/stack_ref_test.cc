// StackRef and root stacks: deferred objects are pushed and popped without
// touching any count and kept alive only by root stacks (and counted
// references) until a collection; other objects are counted.
#include "object/stack_ref.h"

#include <cstring>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/refcount_testing.h"
#include "object/thread_objects.h"
#include "runtime/runtime.h"

namespace ftrt {
namespace {

using testing_util::Counters;
using testing_util::LocalCount;
using testing_util::NewTestObject;
using testing_util::SpinUntil;
using testing_util::TestObject;

class StackRefTest : public testing_util::RuntimeTest {};

TEST_F(StackRefTest, OrdinaryObjectsAreCounted) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  const size_t depth = RootStackDepth();
  {
    StackRef s(h);
    EXPECT_EQ(s.get(), h);
    EXPECT_EQ(LocalCount(h), 2u);
    EXPECT_EQ(RootStackDepth(), depth + 1);
    obj.Reset();  // the StackRef's reference keeps it alive
    EXPECT_EQ(Counters().deallocs.load(), 0);
  }
  EXPECT_EQ(RootStackDepth(), depth);
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

TEST_F(StackRefTest, DeferredObjectsAreNotTouched) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  SetDeferredRefcount(h);
  unsigned char before[sizeof(ObjectHeader)];
  std::memcpy(before, h, sizeof before);
  {
    StackRef a(h);
    StackRef b(h);
    EXPECT_EQ(std::memcmp(before, h, sizeof before), 0);
  }
  EXPECT_EQ(std::memcmp(before, h, sizeof before), 0);
  obj.Reset();
  EXPECT_EQ(CollectDeferred(rt()), 1u);
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

TEST_F(StackRefTest, DeepStacksGrow) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  std::function<void(int)> nest = [&](int n) {
    if (n == 0) {
      EXPECT_EQ(LocalCount(h), 1u + 1000u);
      return;
    }
    StackRef s(h);
    nest(n - 1);
  };
  nest(1000);
  EXPECT_EQ(LocalCount(h), 1u);
  EXPECT_EQ(RootStackDepth(), 0u);
}

// With root-stack references held by 4 threads the deferred object
// survives a collection; with none left, the next collection frees it.
TEST_F(StackRefTest, RootStacksOfFourThreadsKeepADeferredObject) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  SetDeferredRefcount(h);
  constexpr int kThreads = 4;
  std::atomic<int> holding{0};
  std::atomic<bool> release{false};
  std::atomic<int> released{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.push_back(Spawn([&] {
      {
        StackRef s(h);
        holding.fetch_add(1, std::memory_order_acq_rel);
        SpinUntil([&] { return release.load(std::memory_order_acquire); });
        EXPECT_EQ(reinterpret_cast<TestObject*>(s.get())->id, 0);
      }
      released.fetch_add(1, std::memory_order_acq_rel);
      // Stay alive (at safepoints) until the main thread has collected.
      SpinUntil([&] { return !release.load(std::memory_order_acquire); });
    }));
  }
  SpinUntil([&] { return holding.load(std::memory_order_acquire) == kThreads; });
  obj.Reset();  // no counted reference left, only root stacks
  {
    StopTheWorldGuard stop(rt());
    int deferred_entries = 0;
    ForEachRootStackEntry(rt(), [&](const RootStackEntry& e) {
      if (e.object == h && !e.counted) ++deferred_entries;
    });
    EXPECT_EQ(deferred_entries, kThreads);
  }
  EXPECT_EQ(CollectDeferred(rt()), 0u);
  EXPECT_EQ(Counters().deallocs.load(), 0);
  release.store(true, std::memory_order_release);
  SpinUntil([&] { return released.load(std::memory_order_acquire) == kThreads; });
  EXPECT_EQ(CollectDeferred(rt()), 1u);
  EXPECT_EQ(Counters().deallocs.load(), 1);
  release.store(false, std::memory_order_release);
  JoinAll(threads);
}

// A counted reference keeps a deferred object too.
TEST_F(StackRefTest, CountedReferencesKeepADeferredObject) {
  Ref<TestObject> obj = NewTestObject();
  SetDeferredRefcount(obj.header());
  EXPECT_EQ(CollectDeferred(rt()), 0u);
  Ref<TestObject> other = obj.Clone();
  obj.Reset();
  EXPECT_EQ(CollectDeferred(rt()), 0u);
  other.Reset();
  EXPECT_EQ(CollectDeferred(rt()), 1u);
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

}  // namespace
}  // namespace ftrt
