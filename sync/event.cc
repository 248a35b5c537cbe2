// Event and OnceFlag on the parking lot (see event.h), after CPython's
// PyEvent and _PyOnceFlag_CallOnceSlow (Python/lock.c).
#include "sync/event.h"

#include "sync/futex.h"
#include "sync/parking_lot.h"

namespace ftrt {

void Event::Notify() {
  uint8_t old = std::atomic_ref<uint8_t>(state_).exchange(kNotified, std::memory_order_release);
  if (old == kHasWaiters) parking_lot::UnparkAll(&state_);
}

void Event::Wait(bool detach) { WaitWithTimeout(parking_lot::kNoTimeout, detach); }

bool Event::WaitWithTimeout(int64_t timeout_ns, bool detach) {
  std::atomic_ref<uint8_t> state(state_);
  const int64_t deadline = timeout_ns > 0 ? internal::MonotonicNowNs() + timeout_ns : -1;
  for (;;) {
    uint8_t v = state.load(std::memory_order_acquire);
    if (v == kNotified) return true;
    if (timeout_ns == 0) return false;
    if (v == 0 && !state.compare_exchange_strong(v, kHasWaiters, std::memory_order_relaxed,
                                                 std::memory_order_relaxed)) {
      continue;  // notified meanwhile: re-read with acquire
    }
    int64_t remaining = parking_lot::kNoTimeout;
    if (deadline >= 0) {
      remaining = deadline - internal::MonotonicNowNs();
      if (remaining <= 0) return state.load(std::memory_order_acquire) == kNotified;
    }
    parking_lot::Park(&state_, kHasWaiters, 1, remaining, nullptr, detach);
  }
}

void CallOnceSlow(OnceFlag& flag, absl::FunctionRef<void()> fn) {
  std::atomic_ref<uint8_t> state(flag.state_);
  uint8_t v = state.load(std::memory_order_acquire);
  for (;;) {
    if (v == OnceFlag::kDone) return;
    if (v == 0) {
      if (!state.compare_exchange_weak(v, OnceFlag::kRunning, std::memory_order_acquire,
                                       std::memory_order_acquire)) {
        continue;
      }
      try {
        fn();
      } catch (...) {
        // Let a later caller try again; wake the waiters so one of them does.
        if (state.exchange(0, std::memory_order_release) == OnceFlag::kRunningWithWaiters) {
          parking_lot::UnparkAll(&flag.state_);
        }
        throw;
      }
      if (state.exchange(OnceFlag::kDone, std::memory_order_release) ==
          OnceFlag::kRunningWithWaiters) {
        parking_lot::UnparkAll(&flag.state_);
      }
      return;
    }
    if (v == OnceFlag::kRunning &&
        !state.compare_exchange_weak(v, OnceFlag::kRunningWithWaiters, std::memory_order_acquire,
                                     std::memory_order_acquire)) {
      continue;
    }
    parking_lot::Park(&flag.state_, OnceFlag::kRunningWithWaiters, 1, parking_lot::kNoTimeout);
    v = state.load(std::memory_order_acquire);
  }
}

}  // namespace ftrt
