// Tests of fork.cc: a parent with busy attached threads forks; in the child
// only the forking thread is left, the others are treated as exited, and
// the child can attach, allocate, stop the world and finalize. The child
// stays single-threaded (ThreadSanitizer cannot follow a multi-threaded
// fork child that starts threads); it reports through its exit code.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/runtime.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

struct ForkHooks {
  std::atomic<int> exits{0};
  std::atomic<int> exits_elsewhere{0};  // run on another thread than the exiting one
  std::atomic<int> before{0};
  std::atomic<int> parent{0};
  std::atomic<int> child{0};
};

LifecycleHooks MakeHooks(ForkHooks* h) {
  LifecycleHooks hooks;
  hooks.thread_exit = [](ThreadState* ts, void* arg) {
    auto* h = static_cast<ForkHooks*>(arg);
    h->exits.fetch_add(1);
    if (ThreadState::Current() != ts) h->exits_elsewhere.fetch_add(1);
  };
  hooks.before_fork = [](void* arg) { static_cast<ForkHooks*>(arg)->before.fetch_add(1); };
  hooks.after_fork_parent = [](void* arg) { static_cast<ForkHooks*>(arg)->parent.fetch_add(1); };
  hooks.after_fork_child = [](void* arg) {
    auto* h = static_cast<ForkHooks*>(arg);
    // Runs before the dead threads' exit hooks.
    if (h->exits.load() == 0) h->child.fetch_add(1);
  };
  hooks.arg = h;
  return hooks;
}

#define CHILD_CHECK(cond)                                              \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::fprintf(stderr, "child check failed, line %d: %s\n", __LINE__, #cond); \
      return __LINE__ % 250 + 1;                                       \
    }                                                                  \
  } while (0)

// Everything the child checks; returns its exit code (0: all good).
int ChildChecks(Runtime& rt, ForkHooks& hooks, int dead_threads) {
  ThreadState* me = ThreadState::Current();
  CHILD_CHECK(me != nullptr);
  CHILD_CHECK(hooks.child.load() == 1);
  // Every other thread was treated as exited, on this thread.
  CHILD_CHECK(hooks.exits.load() == dead_threads);
  CHILD_CHECK(hooks.exits_elsewhere.load() == dead_threads);
  RuntimeStats s = rt.GetStats();
  CHILD_CHECK(s.threads == 1);
  CHILD_CHECK(s.thread_states_destroyed == static_cast<uint64_t>(dead_threads));
  // Nothing of the dead threads is left: their QSBR slots and heaps.
  CHILD_CHECK(rt.qsbr().RegisteredCount() == 1);
  CHILD_CHECK(rt.allocator().GetStats().thread_heaps == 1);
  // Allocate and free; the delayed free completes (no dead slot holds the
  // grace period back).
  for (int i = 0; i < 100; ++i) {
    void* obj = rt.allocator().AllocObject(me->heap(), 48, i % 2 == 0);
    CHILD_CHECK(obj != nullptr);
    CHILD_CHECK(rt.allocator().OwnerOf(obj) == me->tid());
    rt.allocator().FreeObject(me->heap(), obj);
  }
  for (int i = 0; i < 10 && rt.allocator().GetStats().delayed_frees_pending != 0; ++i) {
    alloc::Qsbr::Quiescent(me->qsbr());
    rt.qsbr().Poll(me->qsbr());
    rt.allocator().Collect(me->heap());
  }
  CHILD_CHECK(rt.allocator().GetStats().delayed_frees_pending == 0);
  // Stop the world, detach, attach.
  for (int i = 0; i < 10; ++i) {
    rt.StopTheWorld();
    int n = 0;
    rt.ForEachThread([&](ThreadState*) { ++n; });
    CHILD_CHECK(n == 1);
    rt.StartTheWorld();
    rt.Detach();
    rt.Attach();
    Safepoint();
  }
  rt.Finalize();
  CHILD_CHECK(rt.finalized());
  return 0;
}

void ForkWithBusyThreads(bool gil) {
  RuntimeOptions options;
  options.gil = gil;
  options.gil_switch_interval_ns = 100'000;
  // The hooks' state outlives the runtime: finalization still runs them.
  ForkHooks hooks;
  auto rt = Runtime::Init(options);
  rt->AddLifecycleHooks(MakeHooks(&hooks));
  constexpr int kBusy = 4;
  std::atomic<bool> done{false};
  std::atomic<uint64_t> progress[kBusy];
  for (auto& p : progress) p.store(0);
  std::vector<std::thread> busy;
  for (int i = 0; i < kBusy; ++i) {
    busy.emplace_back([&, i] {
      AttachGuard g(*rt);
      while (!done.load(std::memory_order_relaxed)) {
        progress[i].fetch_add(1, std::memory_order_relaxed);
        Safepoint();
      }
    });
  }
  for (auto& p : progress) {
    while (p.load() == 0) std::this_thread::yield();
  }
  const long forks = testing_util::Scaled(10, 3);
  for (long f = 0; f < forks; ++f) {
    rt->Attach();
    absl::StatusOr<pid_t> pid = rt->Fork();
    ASSERT_TRUE(pid.ok()) << pid.status();
    if (*pid == 0) {
      int rc = ChildChecks(*rt, hooks, kBusy);
      if (rc == 0 && gil && !rt->HoldsGil(ThreadState::Current())) rc = 251;
      if (rc == 0) {
        rt.reset();  // destroys the runtime: the dead threads' references were dropped
      }
      _exit(rc);
    }
    rt->Detach();
    int status = 0;
    ASSERT_EQ(waitpid(*pid, &status, 0), *pid);
    ASSERT_TRUE(WIFEXITED(status)) << "child status " << status;
    EXPECT_EQ(WEXITSTATUS(status), 0) << "see the child's message above";
    // The parent's threads run on.
    for (int i = 0; i < kBusy; ++i) {
      const uint64_t before = progress[i].load();
      while (progress[i].load() <= before) std::this_thread::yield();
    }
  }
  EXPECT_EQ(hooks.before.load(), forks);
  EXPECT_EQ(hooks.parent.load(), forks);
  EXPECT_EQ(hooks.exits.load(), 0);  // not in the parent
  EXPECT_EQ(rt->GetStats().threads, static_cast<uint64_t>(kBusy + 1));
  done.store(true);
  for (auto& t : busy) t.join();
}

TEST(ForkTest, ChildKeepsOnlyTheForkingThread) { ForkWithBusyThreads(/*gil=*/false); }

// With the GIL on, the forking thread holds it, and the child's survivor
// holds it after the fork (its waiters are dead).
TEST(ForkTest, ChildKeepsOnlyTheForkingThreadWithTheGil) { ForkWithBusyThreads(/*gil=*/true); }

}  // namespace
}  // namespace ftrt
