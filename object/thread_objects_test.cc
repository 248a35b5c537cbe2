// Merge queues, thread exit and id reuse, the stop-the-world fallback of a
// queue that cannot grow, merges during a stop.
#include "object/thread_objects.h"

#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/refcount_testing.h"
#include "runtime/runtime.h"

namespace ftrt {
namespace {

using testing_util::Counters;
using testing_util::NewTestObject;
using testing_util::Owner;
using testing_util::SharedCount;
using testing_util::SharedState;
using testing_util::TestObject;

class ThreadObjectsTest : public testing_util::RuntimeTest {};

// A second InstallObjects on a runtime (InstallObjectProtocol after it, or
// an embedding host) keeps the first one's state: the collector's hook set
// before it is still there, and objects still merge through one registry.
TEST_F(ThreadObjectsTest, InstallObjectsTwiceKeepsTheFirstState) {
  int marker = 0;
  SetGcAllocationHook(rt(), [](ThreadState*, uint32_t, void*) {}, &marker);
  InstallObjects(rt());
  EXPECT_EQ(GcAllocationHookArg(rt()), &marker);
  SetGcAllocationHook(rt(), nullptr, nullptr);
  EXPECT_EQ(GcAllocationHookArg(rt()), nullptr);
  Ref<TestObject> o = NewTestObject(1);
  EXPECT_TRUE(IsOwnedByCurrentThread(o.header()));
}

// A thread that exits leaves no object owned by its id: a later thread
// (glibc likely gives it the same TLS block, so the same id) owns none of
// them and counts them in the shared word.
TEST_F(ThreadObjectsTest, ExitUnownsEverythingSoReusedIdsOwnNothing) {
  constexpr int kObjects = 100;
  std::vector<ObjectHeader*> objs;
  uintptr_t first_tid = 0;
  std::thread t = Spawn([&] {
    first_tid = CurrentThreadId();
    for (int i = 0; i < kObjects; ++i) {
      Ref<TestObject> o = NewTestObject(i);
      Incref(o.header());  // local 2, one kept by the thread until exit
      objs.push_back(o.header());
      (void)o.Release();
    }
    // Drop the thread's own reference to half of them now, the rest at
    // exit (they are unowned with one reference left either way).
    for (int i = 0; i < kObjects; i += 2) Decref(objs[i]);
  });
  Join(t);
  for (int i = 0; i < kObjects; ++i) {
    ObjectHeader* h = objs[i];
    EXPECT_EQ(Owner(h), 0u) << i;
    EXPECT_EQ(rt().allocator().OwnerOf(h), 0u) << i;
    EXPECT_EQ(SharedState(h), kRefMerged) << i;
    EXPECT_EQ(SharedCount(h), i % 2 == 0 ? 1 : 2) << i;
  }
  for (int i = 1; i < kObjects; i += 2) Decref(objs[i]);  // the exited thread's
  uintptr_t second_tid = 0;
  t = Spawn([&] {
    second_tid = CurrentThreadId();
    for (ObjectHeader* h : objs) {
      EXPECT_FALSE(IsOwnedByCurrentThread(h));
      Incref(h);
      Decref(h);
    }
    for (ObjectHeader* h : objs) Decref(h);  // the last references
  });
  Join(t);
  EXPECT_EQ(Counters().deallocs.load(), kObjects);
  std::printf("first thread id %#lx, second %#lx (%s)\n", static_cast<unsigned long>(first_tid),
              static_cast<unsigned long>(second_tid),
              first_tid == second_tid ? "reused" : "not reused");
}

// A queue chunk that cannot be allocated (fault injection) falls back to a
// merge during a stop-the-world; nothing is lost.
TEST_F(ThreadObjectsTest, QueueAllocationFailureMergesDuringAStop) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  Incref(h);  // for the other thread: local 2
  const uint64_t failed_before = rt().allocator().GetStats().allocations_failed;
  std::thread t = Spawn([&] {
    rt().allocator().SetFailEveryNth(1);
    Decref(h);  // T6: the queue cannot grow -> stop, merge
    rt().allocator().ClearFaultInjection();
  });
  Join(t);
  EXPECT_GT(rt().allocator().GetStats().allocations_failed, failed_before);
  EXPECT_EQ(QueuedObjectCount(), 0u);
  EXPECT_EQ(SharedState(h), kRefMerged);
  EXPECT_EQ(Refcount(h), 1);
  obj.Reset();
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

// The collector's merge: every thread's queue merged during a stop, the
// objects that reach zero freed after the restart.
TEST_F(ThreadObjectsTest, MergeAllQueuedObjectsDuringAStop) {
  constexpr int kObjects = 10;
  std::vector<ObjectHeader*> objs;
  std::atomic<int> phase{0};
  std::thread owner = Spawn([&] {
    for (int i = 0; i < kObjects; ++i) objs.push_back(AsHeader(NewTestObject(i).Release()));
    phase.store(1, std::memory_order_release);
    // Wait, at safepoints but never merging our queue ourselves... except
    // that a safepoint would: so wait detached.
    DetachGuard d;
    while (phase.load(std::memory_order_acquire) != 2) std::this_thread::yield();
  });
  testing_util::SpinUntil([&] { return phase.load(std::memory_order_acquire) == 1; });
  for (ObjectHeader* h : objs) Decref(h);  // T6: queued to the owner
  EXPECT_EQ(Counters().deallocs.load(), 0);
  {
    StopTheWorldGuard stop(rt());
    EXPECT_EQ(MergeAllQueuedObjectsDuringStop(rt()), static_cast<size_t>(kObjects));
    EXPECT_EQ(Counters().deallocs.load(), 0);  // not during the stop
  }
  EXPECT_EQ(FreeObjectsPendingAfterStop(), static_cast<size_t>(kObjects));
  EXPECT_EQ(Counters().deallocs.load(), kObjects);
  phase.store(2, std::memory_order_release);
  Join(owner);
}

// In a fork child only the forking thread survives: the dead threads' exit
// runs on it (runtime/'s after-fork path), unowning their objects and
// merging their queues, so the child can use and free them.
TEST_F(ThreadObjectsTest, ForkChildUnownsTheDeadThreadsObjects) {
  std::atomic<ObjectHeader*> made{nullptr};
  std::atomic<bool> stop{false};
  std::thread b = Spawn([&] {
    Ref<TestObject> o = NewTestObject(1);
    Incref(o.header());  // one for the main thread; B keeps its own
    made.store(o.header(), std::memory_order_release);
    testing_util::SpinUntil([&] { return stop.load(std::memory_order_acquire); });
  });
  testing_util::SpinUntil([&] { return made.load(std::memory_order_acquire) != nullptr; });
  ObjectHeader* h = made.load();
  Ref<TestObject> mine = NewTestObject(2);
  Incref(mine.header());
  Decref(mine.header());
  absl::StatusOr<pid_t> pid = rt().Fork();
  ASSERT_TRUE(pid.ok()) << pid.status();
  if (*pid == 0) {
    int bad = 0;
    if (Owner(h) != 0) bad |= 1;             // B is dead: its objects unowned
    if (SharedState(h) != kRefMerged) bad |= 2;
    if (Refcount(h) != 2) bad |= 4;          // B's reference died with B's stack
    Decref(h);
    FreeObjectsPendingAfterStop();
    if (Counters().deallocs.load() != 0) bad |= 8;
    if (!IsOwnedByCurrentThread(mine.header())) bad |= 16;  // ours are still ours
    mine.Reset();
    if (Counters().deallocs.load() != 1) bad |= 32;
    if (bad != 0) std::fprintf(stderr, "fork child checks failed: %#x\n", bad);
    _exit(bad);
  }
  int status = 0;
  {
    DetachGuard d;
    ASSERT_EQ(waitpid(*pid, &status, 0), *pid);
  }
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  stop.store(true, std::memory_order_release);
  Join(b);
  Decref(h);  // B exited normally in the parent: ours is the last
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

// InstallObjects registers the calling thread if it is attached; threads
// attaching later are registered by the start hook.
TEST(ThreadObjectsInstallTest, InstallRegistersTheAttachedCaller) {
  testing_util::ResetCounters();
  auto rt = Runtime::Init();
  rt->Attach();
  InstallObjects(*rt);
  {
    Ref<testing_util::TestObject> o = NewTestObject();
    {
      StackRef s(o.header());
      EXPECT_EQ(RootStackDepth(), 1u);
    }
  }
  EXPECT_EQ(Counters().deallocs.load(), 1);
  rt->Detach();
  rt->ReleaseCurrentThread();
}

}  // namespace
}  // namespace ftrt
