// The GIL mode (see runtime.h, "THE GIL").
//
// After CPython's Python/ceval_gil.c in spirit (a waiter that waited the
// switch interval asks the holder to drop it at its next safepoint), with a
// FIFO queue of waiters and direct hand-off: releasing gives the GIL to the
// longest waiter, so no thread starves and the releaser need not wait to see
// someone else take it (CPython's FORCE_SWITCHING).
//
// The holder is a ThreadState pointer written under gil_mu_ and read
// relaxed by a thread comparing it with itself (only the holder can change
// it away from itself; a hand-off to a thread happens only while it waits).
// A waiter sleeps on its own gil_granted_ word: the releaser stores 1
// (release) before waking it, and the waiter acquire-loads it.
//
// The GIL is never held by a thread that waits for a per-object lock: a
// thread about to park on any Mutex detaches (sync/'s blocking hooks),
// which releases the GIL; and handing the GIL over is a full detach, which
// suspends the holder's critical sections.
#include <climits>

#include "runtime/runtime.h"

namespace ftrt {

void Runtime::GilAcquire(ThreadState* ts) {
  {
    internal::RtLockGuard g(gil_mu_);
    if (!gil_enabled_.load(std::memory_order_relaxed)) return;
    ThreadState* holder = gil_holder_.load(std::memory_order_relaxed);
    if (holder == ts) return;
    if (holder == nullptr && gil_head_ == nullptr) {
      gil_holder_.store(ts, std::memory_order_relaxed);
      return;
    }
    ts->gil_granted_.store(0, std::memory_order_relaxed);
    ts->gil_next_ = nullptr;
    if (gil_tail_ != nullptr) {
      gil_tail_->gil_next_ = ts;
    } else {
      gil_head_ = ts;
    }
    gil_tail_ = ts;
  }
  int64_t interval = gil_interval_ns_.load(std::memory_order_relaxed);
  if (interval <= 0) interval = 1;
  int64_t deadline = internal::RtNowNs() + interval;
  for (;;) {
    // 1: handed the GIL; 2: the GIL was switched off while we waited.
    if (ts->gil_granted_.load(std::memory_order_acquire) != 0) return;
    const int64_t now = internal::RtNowNs();
    if (now >= deadline) {
      // Waited a whole interval: ask the holder to hand over at its next
      // safepoint.
      internal::RtLockGuard g(gil_mu_);
      ThreadState* holder = gil_holder_.load(std::memory_order_relaxed);
      if (holder != nullptr && holder != ts) {
        holder->breaker_.fetch_or(internal::kBreakGilDrop, std::memory_order_relaxed);
      }
      deadline = now + interval;
      continue;
    }
    internal::RtFutexWait(&ts->gil_granted_, 0, deadline - now);
  }
}

void Runtime::GilReleaseIfHeld(ThreadState* ts) {
  if (gil_holder_.load(std::memory_order_relaxed) != ts) return;
  internal::RtLockGuard g(gil_mu_);
  if (gil_holder_.load(std::memory_order_relaxed) != ts) return;
  ts->breaker_.fetch_and(~internal::kBreakGilDrop, std::memory_order_relaxed);
  ThreadState* next = gil_head_;
  if (next != nullptr) {
    gil_head_ = next->gil_next_;
    if (gil_head_ == nullptr) gil_tail_ = nullptr;
    next->gil_next_ = nullptr;
  }
  gil_holder_.store(next, std::memory_order_relaxed);
  if (next != nullptr) {
    gil_switches_.fetch_add(1, std::memory_order_relaxed);
    next->gil_granted_.store(1, std::memory_order_release);
    internal::RtFutexWake(&next->gil_granted_, 1);
  }
}

void Runtime::SetGilEnabled(bool enabled) {
  FTRT_CHECK(WorldStoppedByCaller(), "SetGilEnabled: only while the caller has the world stopped");
  ThreadState* requester;
  {
    internal::RtLockGuard g(head_mu_);
    requester = stop_requester_.load(std::memory_order_relaxed);
  }
  internal::RtLockGuard g(gil_mu_);
  if (gil_enabled_.load(std::memory_order_relaxed) == enabled) return;
  gil_enabled_.store(enabled, std::memory_order_relaxed);
  if (enabled) {
    // The stopper, if attached, holds it from now on (it is running).
    const bool attached = requester != nullptr && internal::tls_current == requester;
    gil_holder_.store(attached ? requester : nullptr, std::memory_order_relaxed);
    return;
  }
  gil_holder_.store(nullptr, std::memory_order_relaxed);
  while (ThreadState* w = gil_head_) {
    gil_head_ = w->gil_next_;
    w->gil_next_ = nullptr;
    w->gil_granted_.store(2, std::memory_order_release);
    internal::RtFutexWake(&w->gil_granted_, 1);
  }
  gil_tail_ = nullptr;
}

}  // namespace ftrt
