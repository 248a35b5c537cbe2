// Fork (see runtime.h, "FORK").
//
// After CPython's PyOS_BeforeFork / PyOS_AfterFork_Parent /
// PyOS_AfterFork_Child: the forking thread stops the world and takes the
// runtime's locks, so that no lock of ours is held by a thread that will not
// exist in the child, and no thread is half-way through a state change. In
// the child, only the forking thread survives: the runtime forgets the dead
// threads' waits (GIL queue, lock words: the runtime's locks are raw
// futexes, which keep no record of their sleepers), lets the upper layers
// reinitialise (after-fork-child hooks), then treats every other thread as
// exited: its exit hooks run on the survivor, its QSBR slot and heap are
// released (alloc/ unowns its objects), its ThreadState is deleted and the
// reference its binding held on the runtime dropped.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "runtime/runtime.h"

namespace ftrt {

void Runtime::BeforeFork() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  ThreadState* me = internal::tls_current;
  FTRT_CHECK(me != nullptr && me->runtime_ == this,
             "BeforeFork: the forking thread must be attached to the runtime");
  const int n = num_lifecycle_.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) {
    if (lifecycle_[i].before_fork != nullptr) lifecycle_[i].before_fork(lifecycle_[i].arg);
  }
  StopTheWorld();
  // Held across fork(): released by AfterForkParent / AfterForkChild.
  head_mu_.Lock();
  gil_mu_.Lock();
}

void Runtime::AfterForkParent() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  gil_mu_.Unlock();
  head_mu_.Unlock();
  StartTheWorld();
  const int n = num_lifecycle_.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) {
    if (lifecycle_[i].after_fork_parent != nullptr) {
      lifecycle_[i].after_fork_parent(lifecycle_[i].arg);
    }
  }
}

void Runtime::AfterForkChild() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  ThreadState* me = internal::tls_current;
  FTRT_CHECK(me != nullptr && me->runtime_ == this, "AfterForkChild: not the forking thread");
  // The GIL's waiters are dead; the survivor is attached, so it holds the
  // GIL if the GIL is on.
  gil_head_ = gil_tail_ = nullptr;
  gil_holder_.store(gil_enabled_.load(std::memory_order_relaxed) ? me : nullptr,
                    std::memory_order_relaxed);
  gil_mu_.UnlockAfterFork();
  std::vector<ThreadState*> dead;
  for (ThreadState* t = threads_; t != nullptr; t = t->next_) {
    if (t != me) dead.push_back(t);
  }
  nondaemon_running_.store(me->started_nondaemon_ ? 1 : 0, std::memory_order_relaxed);
  head_mu_.UnlockAfterFork();
  // Dead threads may have been queued for the stop gate.
  stw_gate_.ResetAfterForkHeld();

  const int n = num_lifecycle_.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) {
    if (lifecycle_[i].after_fork_child != nullptr) {
      lifecycle_[i].after_fork_child(lifecycle_[i].arg);
    }
  }
  // The world is still stopped: the exit paths of the dead threads run on
  // this thread, one after another.
  for (ThreadState* t : dead) {
    bool initialized;
    {
      internal::RtLockGuard g(head_mu_);
      initialized = t->initialized_;
    }
    if (initialized) RunThreadExitHooks(t);
    ReleaseResources(t);
    bool strong;
    {
      internal::RtLockGuard g(head_mu_);
      Unlink(t);
      strong = t->bound_;
      t->bound_ = false;
    }
    delete t;
    destroyed_.fetch_add(1, std::memory_order_relaxed);
    if (strong) {
      // Its binding lived in the dead thread's TLS. Never the last
      // reference: the caller holds the runtime.
      const intptr_t before = refs_.fetch_sub(1, std::memory_order_acq_rel);
      FTRT_CHECK(before > 1, "AfterForkChild: runtime reference count underflow");
    }
  }
  StartTheWorld();
}

absl::StatusOr<pid_t> Runtime::Fork() {
  if (finalizing()) return FinalizingError("fork");
  BeforeFork();
  const pid_t pid = fork();
  const int err = errno;
  if (pid == 0) {
    AfterForkChild();
    return 0;
  }
  AfterForkParent();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(err)));
  return pid;
}

}  // namespace ftrt
