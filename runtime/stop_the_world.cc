// Attach, detach, safepoints and stop-the-world: the ThreadState state
// machine (see the table in thread_state.h and the protocol in runtime.h).
//
// After CPython's Python/pystate.c (_PyThreadState_Attach/_Detach/_Suspend,
// stop_the_world/start_the_world), with these differences:
//   * the stopper never polls: a thread that detaches while a stop is
//     requested suspends itself and counts down (CPython re-scans every
//     1 ms for threads that went from attached to detached);
//   * a thread parking at a safepoint takes no lock: it CASes its own state
//     attached -> suspended and decrements an atomic countdown, so eight
//     parkers on two cores do not queue on the head lock;
//   * StartTheWorld hands "attached" directly to threads waiting in attach,
//     so repeated stops cannot starve a re-attaching thread.
//
// The countdown. Under head_mu_, the stopper sets it to the number of
// threads other than itself, then sets "requested" (seq_cst), then scans:
// it CASes each detached thread to suspended (and subtracts those at the
// end, in one step) and sets kBreakStop on each attached one. Every thread
// of the list is moved to suspended exactly once per stop, by whoever wins
// the CAS on its state word, and the winner subtracts one: the stopper (for
// detached ones), the thread itself (parking, or detaching while the stop
// is requested), or the exit path (a thread that leaves the list attached).
// Whoever brings it to zero wakes the stopper. Threads born during a stop
// are born suspended and are not counted.
//
// Why parking needs no lock: the parker is attached, and a stop cannot end
// while an attached thread has not suspended itself, so the request it saw
// is still the current one. Detaching (rather than parking) while a stop is
// requested does take the lock: the thread stores "detached" first (the
// Dekker pairing with the stopper's request) and may find the stop already
// finished and restarted when it gets to suspend itself; under the lock it
// re-checks that the stop is still on and that it is still detached.
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
      SetDetached(ts);
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
  // A parked thread asked for the hand-off when it parked; others ask now,
  // under the lock, so that StartTheWorld cannot miss the request.
  if (!ts->wants_attach_.load(std::memory_order_relaxed)) {
    internal::RtLockGuard g(head_mu_);
    if (ts->state_.load(std::memory_order_relaxed) == kStateSuspended) {
      FTRT_CHECK(stw_owner_tid_.load(std::memory_order_relaxed) != CurrentThreadId(),
                 "a thread that stopped the world while detached attaches before "
                 "StartTheWorld");
      ts->wants_attach_.store(true, std::memory_order_relaxed);
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
  if (park) {
    // ParkForStop saw the request; we are attached, so that stop is still
    // on and waits for us. Ask for the hand-off, then suspend.
    ts->wants_attach_.store(true, std::memory_order_relaxed);
    uint32_t expected = kStateAttached;
    const bool ok = ts->state_.compare_exchange_strong(
        expected, kStateSuspended, std::memory_order_acq_rel, std::memory_order_relaxed);
    FTRT_CHECK(ok, "park: thread state %p was not attached (%u)", static_cast<void*>(ts),
               expected);
    DecrementCountdown();
  } else {
    SetDetached(ts);
  }
  // The thread that has the world stopped keeps the GIL until it restarts
  // it: a waiter that took it now would wait for the restart while holding
  // it, and the stopper would wait for the waiter.
  if (stw_owner_tid_.load(std::memory_order_relaxed) != CurrentThreadId()) {
    GilReleaseIfHeld(ts);
  }
}

void Runtime::SetDetached(ThreadState* ts) {
  ts->wants_attach_.store(false, std::memory_order_relaxed);
  // Dekker with StopTheWorldLocked: store our state, then load the request;
  // the stopper stores the request, then loads our state. Both seq_cst, so
  // at least one side sees the other.
  ts->state_.store(kStateDetached, std::memory_order_seq_cst);
  if (FTRT_LIKELY(!stop_requested_.load(std::memory_order_seq_cst))) return;
  internal::RtLockGuard g(head_mu_);
  if (stop_requested_.load(std::memory_order_relaxed) &&
      ts != stop_requester_.load(std::memory_order_relaxed) &&
      ts->state_.load(std::memory_order_relaxed) == kStateDetached) {
    // Under the lock nobody else changes a detached state.
    ts->state_.store(kStateSuspended, std::memory_order_relaxed);
    DecrementCountdown();
  }
}

void Runtime::DecrementCountdown() {
  if (stop_countdown_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    stop_done_.store(1, std::memory_order_release);
    internal::RtFutexWake(&stop_done_, 1);
  }
}

// ---------------------------------------------------------------------------
// Safepoints.

void Runtime::ParkForStop(ThreadState* ts) {
  ts->breaker_.fetch_and(~internal::kBreakStop, std::memory_order_relaxed);
  // A stale bit (the stop already ended) costs nothing more. The requester
  // never parks for its own stop.
  if (!stop_requested_.load(std::memory_order_acquire) ||
      stop_requester_.load(std::memory_order_relaxed) == ts) {
    return;
  }
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
  // Spin very briefly (a parker on another core may be a few hundred
  // cycles away), then sleep: with more threads than cores, the parkers
  // need this core.
  for (int i = 0; stop_done_.load(std::memory_order_acquire) == 0; ++i) {
    if (i < 64) {
      internal::RtCpuRelax();
    } else {
      internal::RtFutexWait(&stop_done_, 0, -1);
    }
  }
  stw_owner_tid_.store(CurrentThreadId(), std::memory_order_relaxed);
  stops_.fetch_add(1, std::memory_order_relaxed);
}

void Runtime::StopTheWorldLocked(ThreadState* requester) {
  stop_requester_.store(requester, std::memory_order_relaxed);
  stop_done_.store(0, std::memory_order_relaxed);
  int64_t total = 0;
  for (ThreadState* t = threads_; t != nullptr; t = t->next_) {
    if (t != requester) ++total;
  }
  // Before the request: a thread that sees the request sees the count.
  stop_countdown_.store(total, std::memory_order_relaxed);
  stop_requested_.store(true, std::memory_order_seq_cst);
  int64_t parked = 0;
  for (ThreadState* t = threads_; t != nullptr; t = t->next_) {
    if (t == requester) continue;
    uint32_t s = kStateDetached;
    if (t->state_.compare_exchange_strong(s, kStateSuspended, std::memory_order_seq_cst,
                                          std::memory_order_seq_cst)) {
      ++parked;  // was detached: stopped now
    } else if (s == kStateAttached) {
      t->breaker_.fetch_or(internal::kBreakStop, std::memory_order_relaxed);
    }
    // else: it suspended itself already (parked, or detached under the lock
    // before we took it - impossible, we hold it - so parked).
  }
  if (total == 0 || stop_countdown_.fetch_sub(parked, std::memory_order_acq_rel) == parked) {
    stop_done_.store(1, std::memory_order_relaxed);
  }
}

void Runtime::StartTheWorld() {
  FTRT_CHECK(WorldStoppedByCaller(), "StartTheWorld by a thread that did not stop the world");
  if (shutdown_.load(std::memory_order_acquire)) return;  // the final stop lasts
  ThreadState* requester;
  {
    internal::RtLockGuard g(head_mu_);
    requester = stop_requester_.load(std::memory_order_relaxed);
    RestartLocked();
  }
  // A requester that detached during its stop kept the GIL; give it up now.
  if (requester != nullptr && internal::tls_current != requester) GilReleaseIfHeld(requester);
  stw_gate_.Unlock();
}

void Runtime::RestartLocked() {
  ThreadState* requester = stop_requester_.load(std::memory_order_relaxed);
  const bool gil_on = gil_enabled_.load(std::memory_order_relaxed);
  stop_requester_.store(nullptr, std::memory_order_relaxed);
  stw_owner_tid_.store(0, std::memory_order_relaxed);
  stop_requested_.store(false, std::memory_order_seq_cst);
  for (ThreadState* t = threads_; t != nullptr; t = t->next_) {
    if (t == requester) continue;
    t->breaker_.fetch_and(~internal::kBreakStop, std::memory_order_relaxed);
    if (t->state_.load(std::memory_order_relaxed) != kStateSuspended) continue;
    // Hand "attached" to a thread waiting to attach, unless the GIL is on
    // and it does not hold it (then it must take the GIL first).
    const bool handoff = t->wants_attach_.load(std::memory_order_relaxed) &&
                         (!gil_on || gil_holder_.load(std::memory_order_relaxed) == t);
    t->wants_attach_.store(false, std::memory_order_relaxed);
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
