// Mutex's slow paths (see mutex.h), after CPython's _PyMutex_LockTimed and
// _PyMutex_TryUnlock (Python/lock.c) and WebKit's WTF::Lock.
//
// LockSlow: while the lock is held and nobody is parked, spin a little,
// yielding the CPU between tries (on a 2-core machine the holder often
// needs our core to finish). Then set kHasParked and park on the byte,
// expecting kLocked|kHasParked. Once some thread is parked, newcomers park
// at once instead of spinning: they would only delay the hand-over.
//
// UnlockSlow: with kHasParked set, wake the longest-parked thread. Under the
// bucket lock (so no parker can slip in between), the byte becomes either
// kLocked (+kHasParked if others remain) when the lock is handed to the
// woken thread, or 0 (+kHasParked) when it must compete for it again.
// While the byte holds kLocked|kHasParked no other thread can change it
// (every compare-exchange sets a bit that is already set), so the plain
// release store here cannot lose an update.
#include "sync/mutex.h"

#include <sched.h>

#include <atomic>

#include "sync/futex.h"
#include "sync/parking_lot.h"

namespace ftrt {
namespace internal {
namespace {

constinit std::atomic<int64_t> g_handoff_ns{kDefaultMutexHandoffNs};
constinit std::atomic<int> g_spins{kDefaultMutexSpins};
constinit std::atomic<uint64_t> g_parks{0};
constinit std::atomic<uint64_t> g_handoffs{0};

}  // namespace

void SetMutexHandoffThresholdNs(int64_t ns) {
  g_handoff_ns.store(ns < 0 ? 0 : ns, std::memory_order_relaxed);
}

int64_t MutexHandoffThresholdNs() { return g_handoff_ns.load(std::memory_order_relaxed); }

void SetMutexSpinLimit(int spins) { g_spins.store(spins < 0 ? 0 : spins, std::memory_order_relaxed); }

int MutexSpinLimit() { return g_spins.load(std::memory_order_relaxed); }

MutexStats GetMutexStats() {
  return {g_parks.load(std::memory_order_relaxed), g_handoffs.load(std::memory_order_relaxed)};
}

}  // namespace internal

namespace {

// What a parked Lock tells the unlocker (its park_arg; lives on the parked
// thread's stack, read by the unlocker under the bucket lock).
struct LockWaiter {
  int64_t first_park_ns;  // when this Lock call first parked
};

}  // namespace

bool Mutex::LockSlow(int64_t timeout_ns, bool detach) {
  if (timeout_ns == 0) return TryLock();
  const int64_t deadline = timeout_ns > 0 ? internal::MonotonicNowNs() + timeout_ns : -1;
  LockWaiter waiter{0};
  int spins = 0;
  const int max_spins = internal::MutexSpinLimit();
  uint8_t v = ref().load(std::memory_order_relaxed);
  for (;;) {
    if ((v & kLocked) == 0) {
      if (ref().compare_exchange_weak(v, v | kLocked, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
        return true;
      }
      continue;
    }
    if ((v & kHasParked) == 0) {
      if (spins < max_spins) {
        ++spins;
        sched_yield();
        v = ref().load(std::memory_order_relaxed);
        continue;
      }
      if (!ref().compare_exchange_weak(v, v | kHasParked, std::memory_order_relaxed,
                                       std::memory_order_relaxed)) {
        continue;
      }
      v |= kHasParked;
    }
    const int64_t now = internal::MonotonicNowNs();
    if (waiter.first_park_ns == 0) waiter.first_park_ns = now;
    int64_t remaining = parking_lot::kNoTimeout;
    if (deadline >= 0) {
      remaining = deadline - now;
      if (remaining <= 0) return false;  // kHasParked may stay set: harmless
    }
    internal::g_parks.fetch_add(1, std::memory_order_relaxed);
    parking_lot::ParkResult r = parking_lot::Park(&bits_, v, 1, remaining, &waiter, detach);
    if (r.status == parking_lot::ParkStatus::kUnparked && r.handoff) {
      // The unlocker left kLocked set for us and stored the byte with
      // release; this acquire is the hand-over (a futex wake is not one).
      uint8_t now_bits = ref().load(std::memory_order_acquire);
      FTRT_DCHECK((now_bits & kLocked) != 0, "Mutex at %p handed off but not locked (%#x)",
                  static_cast<void*>(this), now_bits);
      (void)now_bits;
      return true;
    }
    v = ref().load(std::memory_order_relaxed);
  }
}

void Mutex::UnlockSlow() {
  uint8_t v = ref().load(std::memory_order_relaxed);
  for (;;) {
    if ((v & kLocked) == 0) {
      FTRT_DCHECK(false, "Mutex::Unlock: the mutex at %p is not locked (unlock without lock?)",
                  static_cast<void*>(this));
      return;
    }
    if ((v & kHasParked) != 0) break;
    if (ref().compare_exchange_weak(v, 0, std::memory_order_release, std::memory_order_relaxed)) {
      return;
    }
  }
  const int64_t threshold = internal::MutexHandoffThresholdNs();
  parking_lot::UnparkOne(&bits_, [&](const parking_lot::UnparkInfo& info) {
    const uint8_t parked = info.has_more_waiters ? kHasParked : 0;
    if (info.found) {
      const auto* w = static_cast<const LockWaiter*>(info.park_arg);
      if (threshold == 0 || internal::MonotonicNowNs() - w->first_park_ns >= threshold) {
        ref().store(kLocked | parked, std::memory_order_release);
        internal::g_handoffs.fetch_add(1, std::memory_order_relaxed);
        return true;
      }
    }
    ref().store(parked, std::memory_order_release);
    return false;
  });
}

}  // namespace ftrt
