// Tests of finalization (runtime.cc, Finalize): what fails with the
// finalizing status, who is waited for, what blocks for ever.
#include <atomic>
#include <chrono>
#include <thread>

#include "gtest/gtest.h"
#include "runtime/runtime.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

void YieldUntil(const std::atomic<bool>& flag) {
  while (!flag.load(std::memory_order_acquire)) std::this_thread::yield();
}

// A thread started after Finalize began gets the finalizing error, and so
// does a first TryAttach; Finalize waits for the non-daemon thread still
// running, not for the daemon one, which later gets the finalizing status
// from TryAttach instead of attaching.
TEST(FinalizeTest, WaitsForNonDaemonThreadsOnly) {
  auto rt = Runtime::Init();
  std::atomic<bool> release_nondaemon{false};
  std::atomic<bool> release_daemon{false};
  std::atomic<bool> nondaemon_done{false};
  std::atomic<bool> daemon_waiting{false};
  std::atomic<bool> nondaemon_waiting{false};
  std::atomic<int> daemon_result{-1};  // 0 attached, 1 finalizing error, 2 other

  absl::StatusOr<std::thread> nondaemon = rt->StartThread(
      [&] {
        {
          DetachGuard d;
          nondaemon_waiting.store(true, std::memory_order_release);
          YieldUntil(release_nondaemon);
        }
        Safepoint();
        nondaemon_done.store(true, std::memory_order_release);
      },
      /*daemon=*/false);
  ASSERT_TRUE(nondaemon.ok()) << nondaemon.status();
  absl::StatusOr<std::thread> daemon = rt->StartThread(
      [&] {
        EXPECT_TRUE(ThreadState::Current()->daemon());
        rt->Detach();
        daemon_waiting.store(true, std::memory_order_release);
        YieldUntil(release_daemon);
        absl::Status st = rt->TryAttach();
        daemon_result.store(st.ok() ? 0 : IsFinalizingError(st) ? 1 : 2);
        if (st.ok()) rt->Detach();
      },
      /*daemon=*/true);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  YieldUntil(nondaemon_waiting);
  YieldUntil(daemon_waiting);

  std::atomic<bool> finalized{false};
  bool nondaemon_done_when_finalized = false;
  int daemon_result_when_finalized = -2;
  std::thread finalizer([&] {
    rt->Finalize();
    nondaemon_done_when_finalized = nondaemon_done.load();
    daemon_result_when_finalized = daemon_result.load();
    EXPECT_NE(ThreadState::Current(), nullptr);  // the finalizer is attached
    EXPECT_TRUE(rt->WorldStoppedByCaller());
    finalized.store(true, std::memory_order_release);
  });
  while (!rt->finalizing()) std::this_thread::yield();

  absl::StatusOr<std::thread> late = rt->StartThread([] {}, /*daemon=*/false);
  EXPECT_TRUE(IsFinalizingError(late.status())) << late.status();
  absl::StatusOr<std::thread> late_daemon = rt->StartThread([] {}, /*daemon=*/true);
  EXPECT_TRUE(IsFinalizingError(late_daemon.status())) << late_daemon.status();
  std::thread fresh([&] {
    absl::Status st = rt->TryAttach();
    EXPECT_TRUE(IsFinalizingError(st)) << st;
    EXPECT_EQ(ThreadState::Current(), nullptr);
  });
  fresh.join();
  EXPECT_TRUE(IsFinalizingError(rt->Fork().status()));

  // Still waiting for the non-daemon thread.
  for (int i = 0; i < 1000; ++i) std::this_thread::yield();
  EXPECT_FALSE(finalized.load());
  release_nondaemon.store(true, std::memory_order_release);
  finalizer.join();
  EXPECT_TRUE(nondaemon_done_when_finalized);
  EXPECT_EQ(daemon_result_when_finalized, -1);  // not waited for
  EXPECT_TRUE(rt->finalized());
  EXPECT_TRUE(ProcessFinalized());
  nondaemon->join();

  release_daemon.store(true, std::memory_order_release);
  daemon->join();
  EXPECT_EQ(daemon_result.load(), 1);
}

// After the final stop the finalizer keeps working: stops are no-ops, it
// may detach and attach, enumerate the suspended threads; a fresh thread's
// blocking Attach blocks for ever (touching nothing), its TryAttach fails.
TEST(FinalizeTest, AfterTheFinalStop) {
  auto rt = Runtime::Init();
  std::atomic<bool> spinning{false};
  std::atomic<bool> stop_spinning{false};
  // A thread attached at the final stop stays parked for good: a daemon
  // thread left running. It holds the runtime alive; its std::thread is
  // detached, and process exit ends it.
  absl::StatusOr<std::thread> daemon = rt->StartThread(
      [&] {
        spinning.store(true, std::memory_order_release);
        while (!stop_spinning.load(std::memory_order_relaxed)) Safepoint();
      },
      /*daemon=*/true);
  ASSERT_TRUE(daemon.ok());
  daemon->detach();
  YieldUntil(spinning);

  rt->Finalize();
  ThreadState* me = ThreadState::Current();
  ASSERT_NE(me, nullptr);
  rt->StopTheWorld();  // no-op
  rt->StartTheWorld();  // no-op: the world stays stopped
  int states = 0;
  rt->ForEachThread([&](ThreadState* ts) {
    ++states;
    if (ts != me) {
      EXPECT_EQ(ts->status(), ThreadStatus::kSuspended);
    }
  });
  EXPECT_EQ(states, 2);
  rt->Detach();
  EXPECT_TRUE(rt->TryAttach().ok());  // the finalizer may
  void* obj = rt->allocator().AllocObject(me->heap(), 64, false);
  ASSERT_NE(obj, nullptr);
  rt->allocator().FreeObject(me->heap(), obj);

  std::thread fresh_try([&] { EXPECT_TRUE(IsFinalizingError(rt->TryAttach())); });
  fresh_try.join();

  std::atomic<bool> trying{false};
  std::atomic<bool> returned{false};
  Runtime* raw = rt.get();
  std::thread blocked([raw, &trying, &returned] {
    trying.store(true, std::memory_order_release);
    raw->Attach();  // blocks for ever
    returned.store(true);
  });
  blocked.detach();
  YieldUntil(trying);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(returned.load());
  stop_spinning.store(true);  // too late: it is parked for good
  rt.reset();  // the parked daemon keeps the Runtime alive
}

}  // namespace
}  // namespace ftrt
