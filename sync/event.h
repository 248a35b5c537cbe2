// One-shot events on the parking lot: ftrt::Event (notify once, wait with
// or without a timeout) and ftrt::OnceFlag / CallOnce (run a function once,
// others wait until it has returned).
//
// Each is one byte, as CPython's PyEvent and _PyOnceFlag (Python/lock.c),
// and Abseil's Notification / call_once for the interface: waiters sleep in
// the parking lot keyed by the byte's address, so an unused event costs
// nothing.
//
// Event state: 0 = not notified, 1 = notified, 2 = not notified and threads
// may be parked. OnceFlag state: 0 = not run, 1 = running, 2 = running and
// threads may be parked, 3 = done.
#ifndef FTRT_SYNC_EVENT_H_
#define FTRT_SYNC_EVENT_H_

#include <atomic>
#include <cstdint>
#include <utility>

#include "absl/functional/function_ref.h"
#include "sync/config.h"

namespace ftrt {

class Event {
 public:
  constexpr Event() noexcept : state_(0) {}
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // Sets the event and wakes every waiter. Idempotent.
  // Memory ordering: release; a Wait or HasBeenNotified that returns true
  // acquires, so what the notifier wrote before Notify is visible after.
  void Notify();

  // Blocks until notified. With detach (the default) the thread detaches
  // from the runtime while it sleeps (sync/blocking.h); the runtime's own
  // internal waits pass false.
  void Wait(bool detach = true);

  // Waits at most timeout_ns (< 0: for ever); returns whether notified.
  bool WaitWithTimeout(int64_t timeout_ns, bool detach = true);

  // Whether Notify has been called (acquire).
  bool HasBeenNotified() const {
    return std::atomic_ref<uint8_t>(state_).load(std::memory_order_acquire) == kNotified;
  }

 private:
  static constexpr uint8_t kNotified = 1;
  static constexpr uint8_t kHasWaiters = 2;
  mutable uint8_t state_;  // through std::atomic_ref only
};

class OnceFlag {
 public:
  constexpr OnceFlag() noexcept : state_(0) {}
  OnceFlag(const OnceFlag&) = delete;
  OnceFlag& operator=(const OnceFlag&) = delete;

  // Whether the function has run to completion (acquire).
  bool IsDone() const {
    return std::atomic_ref<uint8_t>(state_).load(std::memory_order_acquire) == kDone;
  }

 private:
  template <typename Fn>
  friend void CallOnce(OnceFlag& flag, Fn&& fn);
  friend void CallOnceSlow(OnceFlag& flag, absl::FunctionRef<void()> fn);

  static constexpr uint8_t kRunning = 1;
  static constexpr uint8_t kRunningWithWaiters = 2;
  static constexpr uint8_t kDone = 3;
  mutable uint8_t state_;  // through std::atomic_ref only
};

void CallOnceSlow(OnceFlag& flag, absl::FunctionRef<void()> fn);

// Runs fn() once per flag, whichever thread gets there first; the others
// wait (detached, so a waiter counts as stopped) until it has returned.
// If fn throws, the flag is reset and a later call tries again.
// Memory ordering: everything fn did happens-before every CallOnce return.
template <typename Fn>
void CallOnce(OnceFlag& flag, Fn&& fn) {
  if (FTRT_LIKELY(flag.IsDone())) return;
  CallOnceSlow(flag, absl::FunctionRef<void()>(fn));
}

}  // namespace ftrt

#endif  // FTRT_SYNC_EVENT_H_
