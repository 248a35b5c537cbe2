// Tests of runtime.cc: thread-state lifetime, attach/detach, guards, hooks,
// slots, safepoint work, the blocking hooks, StartThread.
#include "runtime/runtime.h"

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "sync/mutex.h"
#include "sync/parking_lot.h"
#include "sync/thread_id.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Scaled;
using testing_util::Seed;

TEST(RuntimeTest, AttachDetach) {
  auto rt = Runtime::Init();
  EXPECT_EQ(ThreadState::Current(), nullptr);
  EXPECT_EQ(rt->BoundThreadState(), nullptr);
  rt->Attach();
  ThreadState* ts = ThreadState::Current();
  ASSERT_NE(ts, nullptr);
  EXPECT_EQ(&ts->runtime(), rt.get());
  EXPECT_EQ(ts->status(), ThreadStatus::kAttached);
  EXPECT_EQ(ts->tid(), CurrentThreadId());
  EXPECT_NE(ts->heap(), nullptr);
  EXPECT_NE(ts->qsbr(), nullptr);
  EXPECT_TRUE(rt->qsbr().IsAttached(ts->qsbr()));
  ts->Safepoint();
  Safepoint();
  EXPECT_EQ(rt->BoundThreadState(), ts);
  rt->Detach();
  EXPECT_EQ(ThreadState::Current(), nullptr);
  EXPECT_EQ(rt->BoundThreadState(), ts);  // detached, still this thread's
  EXPECT_EQ(ts->status(), ThreadStatus::kDetached);
  EXPECT_FALSE(rt->qsbr().IsAttached(ts->qsbr()));
  // The same state again.
  rt->Attach();
  EXPECT_EQ(ThreadState::Current(), ts);
  rt->Detach();
  EXPECT_EQ(rt->GetStats().threads, 1u);
  rt->ReleaseCurrentThread();
  EXPECT_EQ(rt->BoundThreadState(), nullptr);
  EXPECT_EQ(rt->GetStats().threads, 0u);
  EXPECT_EQ(rt->GetStats().thread_states_destroyed, 1u);
  // Another runtime sees none for this thread.
  auto other = Runtime::Init();
  EXPECT_EQ(other->BoundThreadState(), nullptr);
}

TEST(RuntimeTest, ReleasedThreadGetsANewState) {
  auto rt = Runtime::Init();
  rt->Attach();
  const uint64_t first = ThreadState::Current()->serial();
  rt->Detach();
  rt->ReleaseCurrentThread();
  ASSERT_TRUE(rt->TryAttach().ok());
  EXPECT_NE(ThreadState::Current()->serial(), first);
  rt->Detach();
  rt->ReleaseCurrentThread();
  RuntimeStats s = rt->GetStats();
  EXPECT_EQ(s.thread_states_created, 2u);
  EXPECT_EQ(s.thread_states_destroyed, 2u);
}

TEST(RuntimeTest, GuardsNest) {
  auto rt = Runtime::Init();
  {
    AttachGuard outer(*rt);
    ThreadState* ts = ThreadState::Current();
    ASSERT_NE(ts, nullptr);
    {
      AttachGuard inner(*rt);  // already attached: no-op
      EXPECT_EQ(ThreadState::Current(), ts);
      {
        DetachGuard allow_threads;
        EXPECT_EQ(ThreadState::Current(), nullptr);
        EXPECT_EQ(ts->status(), ThreadStatus::kDetached);
      }
      EXPECT_EQ(ThreadState::Current(), ts);
    }
    EXPECT_EQ(ThreadState::Current(), ts);
  }
  EXPECT_EQ(ThreadState::Current(), nullptr);
  rt->ReleaseCurrentThread();
}

TEST(RuntimeTest, AllocatesFromItsHeap) {
  auto rt = Runtime::Init();
  AttachGuard g(*rt);
  ThreadState* ts = ThreadState::Current();
  void* obj = rt->allocator().AllocObject(ts->heap(), 48, /*gc_capable=*/true);
  ASSERT_NE(obj, nullptr);
  EXPECT_EQ(rt->allocator().OwnerOf(obj), ts->tid());
  rt->allocator().FreeObject(ts->heap(), obj);
}

// Lifecycle hooks and slots: a start hook fills a slot, the exit hook
// empties it; every thread state that started also exited.
struct HookCounts {
  std::atomic<int> starts{0};
  std::atomic<int> exits{0};
  std::atomic<int> exit_on_own_thread{0};
  SlotId slot = 0;
};

void OnStart(ThreadState* ts, void* arg) {
  auto* c = static_cast<HookCounts*>(arg);
  EXPECT_EQ(ThreadState::Current(), ts);
  EXPECT_NE(ts->heap(), nullptr);
  EXPECT_EQ(ts->slot(c->slot), nullptr);
  ts->set_slot(c->slot, new uint64_t(ts->serial()));
  c->starts.fetch_add(1, std::memory_order_relaxed);
}

void OnExit(ThreadState* ts, void* arg) {
  auto* c = static_cast<HookCounts*>(arg);
  if (ThreadState::Current() == ts) c->exit_on_own_thread.fetch_add(1, std::memory_order_relaxed);
  auto* v = static_cast<uint64_t*>(ts->slot(c->slot));
  EXPECT_NE(v, nullptr);
  if (v != nullptr) {
    EXPECT_EQ(*v, ts->serial());
  }
  delete v;
  ts->set_slot(c->slot, nullptr);
  c->exits.fetch_add(1, std::memory_order_relaxed);
}

// 16 threads (more than cores) attach, work with safepoints, detach and
// exit, round after round: no thread state is left behind.
TEST(RuntimeTest, ManyShortThreadsLeaveNoState) {
  // The hooks' state outlives the runtime: finalization still runs them.
  HookCounts counts;
  auto rt = Runtime::Init();
  counts.slot = rt->AddSlot();
  LifecycleHooks hooks;
  hooks.thread_start = &OnStart;
  hooks.thread_exit = &OnExit;
  hooks.arg = &counts;
  rt->AddLifecycleHooks(hooks);

  constexpr int kThreads = 16;
  const long rounds = Scaled(1000, 10);
  std::atomic<uint64_t> work{0};
  for (long round = 0; round < rounds; ++round) {
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i, round] {
        std::minstd_rand rng(static_cast<uint32_t>(Seed() + round * kThreads + i));
        AttachGuard g(*rt);
        ThreadState* ts = ThreadState::Current();
        void* obj = rt->allocator().AllocObject(ts->heap(), 32, false);
        EXPECT_NE(obj, nullptr);
        for (int j = 0; j < 20; ++j) {
          work.fetch_add(1, std::memory_order_relaxed);
          if (rng() % 4 == 0) std::this_thread::yield();
          ts->Safepoint();
        }
        if (obj != nullptr) rt->allocator().FreeObject(ts->heap(), obj);
        if (rng() % 2 == 0) {
          DetachGuard d;
          std::this_thread::yield();
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  RuntimeStats s = rt->GetStats();
  EXPECT_EQ(s.threads, 0u);
  EXPECT_EQ(s.thread_states_created, static_cast<uint64_t>(rounds * kThreads));
  EXPECT_EQ(s.thread_states_destroyed, s.thread_states_created);
  EXPECT_EQ(counts.starts.load(), rounds * kThreads);
  EXPECT_EQ(counts.exits.load(), rounds * kThreads);
  EXPECT_EQ(counts.exit_on_own_thread.load(), rounds * kThreads);
  EXPECT_EQ(work.load(), static_cast<uint64_t>(rounds * kThreads * 20));
  EXPECT_EQ(rt->qsbr().RegisteredCount(), 0u);
  EXPECT_EQ(rt->allocator().GetStats().thread_heaps, 0u);
}

// Safepoint hooks run on the target thread, at its next safepoint.
struct WorkHookState {
  std::atomic<int> runs{0};
  std::atomic<uintptr_t> ran_on{0};
};

void OnWork(ThreadState* ts, void* arg) {
  auto* w = static_cast<WorkHookState*>(arg);
  EXPECT_EQ(ThreadState::Current(), ts);
  w->ran_on.store(CurrentThreadId(), std::memory_order_relaxed);
  w->runs.fetch_add(1, std::memory_order_release);
}

TEST(RuntimeTest, SafepointWorkRunsOnTheTargetThread) {
  auto rt = Runtime::Init();
  WorkHookState w;
  const SafepointWork bit = rt->AddSafepointHook(&OnWork, &w);
  EXPECT_NE(bit, 0u);
  std::atomic<ThreadState*> target{nullptr};
  std::atomic<bool> stop{false};
  std::atomic<uintptr_t> target_tid{0};
  std::thread t([&] {
    AttachGuard g(*rt);
    target_tid.store(CurrentThreadId());
    target.store(ThreadState::Current(), std::memory_order_release);
    while (!stop.load(std::memory_order_acquire)) Safepoint();
  });
  ThreadState* ts;
  while ((ts = target.load(std::memory_order_acquire)) == nullptr) std::this_thread::yield();
  const int requests = static_cast<int>(Scaled(100, 5));
  for (int i = 0; i < requests; ++i) {
    ts->RequestSafepointWork(bit);
    while (w.runs.load(std::memory_order_acquire) <= i) std::this_thread::yield();
  }
  stop.store(true, std::memory_order_release);
  t.join();
  EXPECT_EQ(w.runs.load(), requests);
  EXPECT_EQ(w.ran_on.load(), target_tid.load());
}

// A thread that parks on a Mutex is detached while it sleeps (the blocking
// hooks): a stop-the-world completes meanwhile, and the thread re-attaches
// after.
TEST(RuntimeTest, ParkingOnAMutexDetaches) {
  auto rt = Runtime::Init();
  Mutex mu;
  mu.Lock();
  std::atomic<ThreadState*> waiter{nullptr};
  std::atomic<bool> got_it{false};
  std::thread t([&] {
    AttachGuard g(*rt);
    waiter.store(ThreadState::Current(), std::memory_order_release);
    mu.Lock();
    EXPECT_NE(ThreadState::Current(), nullptr);  // re-attached
    got_it.store(true, std::memory_order_release);
    mu.Unlock();
  });
  while (waiter.load(std::memory_order_acquire) == nullptr ||
         parking_lot::NumParkedForTesting(&mu) == 0) {
    std::this_thread::yield();
  }
  EXPECT_NE(waiter.load()->status(), ThreadStatus::kAttached);
  rt->StopTheWorld();  // does not wait for the parked thread
  EXPECT_FALSE(got_it.load());
  rt->StartTheWorld();
  mu.Unlock();
  t.join();
  EXPECT_TRUE(got_it.load());
}

TEST(RuntimeTest, StartThreadRunsAttachedAndReleases) {
  auto rt = Runtime::Init();
  std::atomic<bool> ran{false};
  absl::StatusOr<std::thread> t = rt->StartThread([&] {
    ThreadState* ts = ThreadState::Current();
    ASSERT_NE(ts, nullptr);
    EXPECT_EQ(&ts->runtime(), rt.get());
    EXPECT_FALSE(ts->daemon());
    ran.store(true);
  });
  ASSERT_TRUE(t.ok()) << t.status();
  t->join();
  EXPECT_TRUE(ran.load());
  EXPECT_EQ(rt->GetStats().threads, 0u);
  EXPECT_EQ(rt->GetStats().thread_states_destroyed, 1u);
}

// Thread ids are reused (glibc reuses TLS blocks): after a thread exits,
// nothing in the registry carries its id, and the objects it allocated are
// unowned, so a later thread with the same id cannot take them for its own.
TEST(RuntimeTest, ExitedThreadLeavesNothingUnderItsId) {
  auto rt = Runtime::Init();
  const long n = Scaled(200, 20);
  std::vector<void*> survivors;
  for (long i = 0; i < n; ++i) {
    std::thread t([&] {
      AttachGuard g(*rt);
      ThreadState* me = ThreadState::Current();
      // No other state has this id.
      {
        StopTheWorldGuard stop(*rt);
        rt->ForEachThread([&](ThreadState* ts) {
          if (ts != me) {
            EXPECT_NE(ts->tid(), me->tid());
          }
        });
      }
      // Earlier threads' objects are unowned, even one whose thread had
      // this very id.
      for (void* obj : survivors) EXPECT_EQ(rt->allocator().OwnerOf(obj), 0u);
      void* obj = rt->allocator().AllocObject(me->heap(), 32, true);
      ASSERT_NE(obj, nullptr);
      EXPECT_EQ(rt->allocator().OwnerOf(obj), me->tid());
      survivors.push_back(obj);  // outlives its thread
    });
    t.join();
  }
  AttachGuard g(*rt);
  for (void* obj : survivors) {
    EXPECT_EQ(rt->allocator().OwnerOf(obj), 0u);
    rt->allocator().FreeObject(ThreadState::Current()->heap(), obj);
  }
  EXPECT_EQ(rt->GetStats().threads, 1u);
}

TEST(RuntimeTest, QuiescentRequestsReachAttachedThreads) {
  auto rt = Runtime::Init();
  AttachGuard g(*rt);
  ThreadState* ts = ThreadState::Current();
  rt->RequestQuiescentStates();
  EXPECT_NE(ts->safepoint_word(), 0u);
  ts->Safepoint();
  EXPECT_EQ(ts->safepoint_word(), 0u);
}

TEST(RuntimeTest, DroppingTheHandleFinalizes) {
  // Finalizes, releases this thread's state and destroys the runtime (the
  // leak checker of --config=asan would see a leftover).
  auto rt = Runtime::Init();
  rt->Attach();
  rt->Detach();
  rt.reset();
  EXPECT_EQ(ThreadState::Current(), nullptr);
  EXPECT_FALSE(ProcessFinalized() == false);
}

}  // namespace
}  // namespace ftrt
