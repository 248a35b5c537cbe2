// Attach, detach, safepoints and stop-the-world: the ThreadState state
// machine (see the table in thread_state.h and the protocol in runtime.h).
//
// After CPython's Python/pystate.c (_PyThreadState_Attach/_Detach/_Suspend,
// stop_the_world/start_the_world), with two differences:
//   * the stopper never polls: a thread that detaches while a stop is
//     requested suspends itself and counts down (CPython re-scans every
//     1 ms for threads that went from attached to detached);
//   * StartTheWorld hands "attached" directly to threads waiting in attach,
//     so repeated stops cannot starve a re-attaching thread.
//
// Invariant (under head_mu_, while a stop is requested): stop_countdown_ is
// the number of threads other than the requester that were attached when
// the stop was requested and have not yet suspended themselves or exited.
// A thread attached during a stop is impossible (detached ones were made
// suspended by the scan; new ones are born suspended), so every attached
// non-requester thread during a stop is counted exactly once.
#include <climits>

#include "absl/container/inlined_vector.h"
#include "runtime/runtime.h"
#include "sync/critical_section.h"
#include "sync/thread_id.h"

namespace ftrt {

using internal::kStateAttached;
using internal::kStateDetached;
using internal::kStateShutdown;
using internal::kStateSuspended;

// ---------------------------------------------------------------------------
// Attach.

absl::Status Runtime::AttachInternal(ThreadState* ts, bool can_fail) {
  FTRT_DCHECK(internal::tls_current == nullptr, "attach: thread state %p: already attached",
              static_cast<void*>(ts));
  for (;;) {
    // The GIL first, while detached (a GIL waiter counts as stopped).
    if (gil_enabled_.load(std::memory_order_relaxed)) GilAcquire(ts);
    uint32_t expected = kStateDetached;
    if (!ts->state_.compare_exchange_strong(expected, kStateAttached, std::memory_order_acquire,
                                            std::memory_order_relaxed)) {
      absl::Status st = WaitForAttach(ts, can_fail);
      if (!st.ok()) return st;
      // Handed "attached" by StartTheWorld, or detached again: retry.
      if (ts->state_.load(std::memory_order_acquire) != kStateAttached) continue;
    }
    internal::tls_current = ts;
    // The GIL can only have been switched on during a stop, which this
    // thread waited out above; it then holds it only if it took it.
    if (gil_enabled_.load(std::memory_order_relaxed) &&
        gil_holder_.load(std::memory_order_relaxed) != ts) {
      internal::tls_current = nullptr;
      SetDetached(ts, /*park=*/false);
      continue;
    }
    break;
  }
  if (alloc::QsbrThread* q = ts->qsbr()) qsbr().Attach(q);
  // Last: it may block (and so detach and re-attach through the hooks).
  ResumeCriticalSections();
  return absl::OkStatus();
}

absl::Status Runtime::WaitForAttach(ThreadState* ts, bool can_fail) {
  {
    internal::RtLockGuard g(head_mu_);
    if (ts->state_.load(std::memory_order_relaxed) == kStateSuspended) {
      FTRT_CHECK(stw_owner_tid_.load(std::memory_order_relaxed) != CurrentThreadId(),
                 "a thread that stopped the world while detached attaches before "
                 "StartTheWorld");
      ts->wants_attach_ = true;
    }
  }
  uint32_t s;
  while ((s = ts->state_.load(std::memory_order_acquire)) == kStateSuspended) {
    internal::RtFutexWait(&ts->state_, kStateSuspended, -1);
  }
  if (s == kStateShutdown) {
    // The final stop happened. Never touch the runtime's state again.
    GilReleaseIfHeld(ts);
    if (can_fail) return FinalizingError("attach");
    internal::BlockForever();
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Detach.

void Runtime::DetachInternal(ThreadState* ts, bool park) {
  FTRT_DCHECK(internal::tls_current == ts, "detach: thread state %p is not attached",
              static_cast<void*>(ts));
  SuspendAllCriticalSections();
  if (alloc::QsbrThread* q = ts->qsbr()) qsbr().Detach(q);
  internal::tls_current = nullptr;
  SetDetached(ts, park);
  // The thread that has the world stopped keeps the GIL until it restarts
  // it: a waiter that took it now would wait for the restart while holding
  // it, and the stopper would wait for the waiter.
  if (stw_owner_tid_.load(std::memory_order_relaxed) != CurrentThreadId()) {
    GilReleaseIfHeld(ts);
  }
}

void Runtime::SetDetached(ThreadState* ts, bool park) {
  // Dekker with StopTheWorldLocked: store our state, then load the request;
  // the stopper stores the request, then loads our state. Both seq_cst, so
  // at least one side sees the other.
  ts->state_.store(kStateDetached, std::memory_order_seq_cst);
  if (FTRT_LIKELY(!stop_requested_.load(std::memory_order_seq_cst))) return;
  internal::RtLockGuard g(head_mu_);
  if (stop_requested_.load(std::memory_order_relaxed) && ts != stop_requester_ &&
      ts->state_.load(std::memory_order_relaxed) == kStateDetached) {
    ts->state_.store(kStateSuspended, std::memory_order_relaxed);
    // A thread parking at a safepoint will attach again at once.
    ts->wants_attach_ = park;
    DecrementCountdownLocked();
  }
}

void Runtime::DecrementCountdownLocked() {
  FTRT_DCHECK(stop_countdown_ > 0, "stop-the-world countdown underflow");
  if (--stop_countdown_ == 0) {
    stop_done_.store(1, std::memory_order_release);
    internal::RtFutexWake(&stop_done_, 1);
  }
}

// ---------------------------------------------------------------------------
// Safepoints.

void Runtime::ParkForStop(ThreadState* ts) {
  ts->breaker_.fetch_and(~internal::kBreakStop, std::memory_order_relaxed);
  // A stale bit (the stop already ended) costs nothing more.
  if (!stop_requested_.load(std::memory_order_acquire)) return;
  DetachInternal(ts, /*park=*/true);
  (void)AttachInternal(ts, /*can_fail=*/false);
}

void Runtime::RunSafepointHooks(ThreadState* ts, uint32_t work) {
  const uint32_t n = num_safepoint_hooks_.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < n; ++i) {
    if ((work & (1u << (internal::kBreakWorkShift + i))) != 0) {
      safepoint_hooks_[i].fn(ts, safepoint_hooks_[i].arg);
    }
  }
}

void ThreadState::SafepointSlow() {
  Runtime* rt = runtime_;
  const uint32_t bits = breaker_.load(std::memory_order_acquire);
  if ((bits & internal::kBreakStop) != 0) rt->ParkForStop(this);
  if ((bits & internal::kBreakGilDrop) != 0) {
    breaker_.fetch_and(~internal::kBreakGilDrop, std::memory_order_relaxed);
    // Hand the GIL over: a full detach (suspending our critical sections)
    // gives it to the longest waiter; attaching queues us behind it.
    if (rt->HoldsGil(this) && !rt->WorldStoppedByCaller()) {
      rt->DetachInternal(this, /*park=*/false);
      (void)rt->AttachInternal(this, /*can_fail=*/false);
    }
  }
  if ((bits & internal::kBreakQuiescent) != 0) {
    breaker_.fetch_and(~internal::kBreakQuiescent, std::memory_order_relaxed);
  }
  // Any trip through here is a quiescent state.
  if (alloc::QsbrThread* q = qsbr()) alloc::Qsbr::Quiescent(q);
  if ((breaker_.load(std::memory_order_relaxed) & internal::kBreakWorkMask) != 0) {
    const uint32_t work =
        breaker_.fetch_and(~internal::kBreakWorkMask, std::memory_order_acq_rel) &
        internal::kBreakWorkMask;
    if (work != 0) rt->RunSafepointHooks(this, work);
  }
}

// ---------------------------------------------------------------------------
// Stop-the-world.

bool Runtime::WorldStoppedByCaller() const {
  return stw_owner_tid_.load(std::memory_order_relaxed) == CurrentThreadId();
}

void Runtime::StopTheWorld() {
  if (WorldStoppedByCaller()) {
    if (shutdown_.load(std::memory_order_acquire)) return;  // the finalizer
    internal::Fatal("StopTheWorld: this thread has the world stopped already");
  }
  ThreadState* me = internal::tls_current;
  if (me != nullptr && me->runtime_ != this) me = nullptr;  // attached elsewhere
  if (!stw_gate_.TryLock()) {
    // Another stop is in progress: detach so that it can complete, and
    // wait for our turn (FIFO).
    if (me != nullptr) {
      DetachInternal(me, /*park=*/false);
      stw_gate_.Lock();
      (void)AttachInternal(me, /*can_fail=*/false);
    } else {
      stw_gate_.Lock();
    }
  }
  {
    internal::RtLockGuard g(head_mu_);
    StopTheWorldLocked(me);
  }
  // The parkers run on the other cores: spin briefly, then sleep.
  for (int i = 0; stop_done_.load(std::memory_order_acquire) == 0; ++i) {
    if (i < 512) {
      internal::RtCpuRelax();
    } else {
      internal::RtFutexWait(&stop_done_, 0, -1);
    }
  }
  stw_owner_tid_.store(CurrentThreadId(), std::memory_order_relaxed);
  stops_.fetch_add(1, std::memory_order_relaxed);
}

void Runtime::StopTheWorldLocked(ThreadState* requester) {
  stop_requester_ = requester;
  stop_done_.store(0, std::memory_order_relaxed);
  stop_requested_.store(true, std::memory_order_seq_cst);
  int64_t count = 0;
  for (ThreadState* t = threads_; t != nullptr; t = t->next_) {
    if (t == requester) continue;
    uint32_t s = kStateDetached;
    if (t->state_.compare_exchange_strong(s, kStateSuspended, std::memory_order_seq_cst,
                                          std::memory_order_seq_cst)) {
      continue;  // was detached: stopped now
    }
    if (s == kStateAttached) {
      t->breaker_.fetch_or(internal::kBreakStop, std::memory_order_relaxed);
      ++count;
    }
  }
  stop_countdown_ = count;
  if (count == 0) stop_done_.store(1, std::memory_order_relaxed);
}

void Runtime::StartTheWorld() {
  FTRT_CHECK(WorldStoppedByCaller(), "StartTheWorld by a thread that did not stop the world");
  if (shutdown_.load(std::memory_order_acquire)) return;  // the final stop lasts
  ThreadState* requester;
  {
    internal::RtLockGuard g(head_mu_);
    requester = stop_requester_;
    RestartLocked();
  }
  // A requester that detached during its stop kept the GIL; give it up now.
  if (requester != nullptr && internal::tls_current != requester) GilReleaseIfHeld(requester);
  stw_gate_.Unlock();
}

void Runtime::RestartLocked() {
  ThreadState* requester = stop_requester_;
  const bool gil_on = gil_enabled_.load(std::memory_order_relaxed);
  stop_requester_ = nullptr;
  stw_owner_tid_.store(0, std::memory_order_relaxed);
  stop_requested_.store(false, std::memory_order_seq_cst);
  for (ThreadState* t = threads_; t != nullptr; t = t->next_) {
    if (t == requester) continue;
    t->breaker_.fetch_and(~internal::kBreakStop, std::memory_order_relaxed);
    if (t->state_.load(std::memory_order_relaxed) != kStateSuspended) continue;
    // Hand "attached" to a thread waiting to attach, unless the GIL is on
    // and it does not hold it (then it must take the GIL first).
    const bool handoff =
        t->wants_attach_ && (!gil_on || gil_holder_.load(std::memory_order_relaxed) == t);
    t->wants_attach_ = false;
    t->state_.store(handoff ? kStateAttached : kStateDetached, std::memory_order_release);
    internal::RtFutexWake(&t->state_, 1);
  }
}

void Runtime::ForEachThread(absl::FunctionRef<void(ThreadState*)> fn) {
  FTRT_CHECK(WorldStoppedByCaller(), "ForEachThread needs the world stopped by the caller");
  // A snapshot, so that fn runs without the head lock: no state can go away
  // while the world is stopped (exiting needs an attached thread).
  absl::InlinedVector<ThreadState*, 32> states;
  {
    internal::RtLockGuard g(head_mu_);
    for (ThreadState* t = threads_; t != nullptr; t = t->next_) {
      if (t->initialized_) states.push_back(t);
    }
  }
  for (ThreadState* t : states) fn(t);
}

}  // namespace ftrt
