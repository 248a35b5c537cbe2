// ftrt::Mutex: a one-byte lock whose waiters sleep in the parking lot.
//
// It follows WebKit's WTF::Lock ("Locking in WebKit", 2016) and CPython's
// PyMutex (Python/lock.c): the byte holds only a locked bit and a
// has-parked bit; the waiting threads live in the parking lot, keyed by the
// byte's address. So every object header can carry its own mutex at the
// cost of one byte, and an all-zero byte is an unlocked mutex (the header's
// ob_mutex and C's `PyMutex m = {0}` are valid ftrt::Mutex objects; object/
// reinterprets them as such).
//
//   bit | name        | meaning
//   ----+-------------+------------------------------------------------
//    0  | kLocked     | some thread holds the lock
//    1  | kHasParked  | threads are (or are about to be) parked on it
//   2-7 |             | zero
//
// Lock: one compare-exchange 0 -> kLocked inline; otherwise LockSlow spins
// briefly (yielding the CPU) while nobody is parked, then sets kHasParked
// and parks. Unlock: one compare-exchange kLocked -> 0 inline; if
// kHasParked is set, UnlockSlow wakes one waiter. The lock is not fair by
// default (a running thread may barge in ahead of a woken one: that is what
// makes it fast), but a waiter that has waited longer than the hand-off
// threshold (1 ms) is handed the lock directly by Unlock, so no waiter
// starves.
//
// Memory ordering: Lock, TryLock and LockWithTimeout (when they succeed)
// are acquire operations on the byte; Unlock is a release. A waiter that is
// handed the lock observes it with an acquire load of the byte, which the
// unlocker wrote with release (visible to ThreadSanitizer).
//
// Not recursive; not owner-tracked (one byte has no room for an owner):
// unlocking a lock that is not locked aborts in debug builds.
#ifndef FTRT_SYNC_MUTEX_H_
#define FTRT_SYNC_MUTEX_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "sync/config.h"

namespace ftrt {

class ABSL_LOCKABLE Mutex {
 public:
  static constexpr uint8_t kLocked = 1;
  static constexpr uint8_t kHasParked = 2;

  constexpr Mutex() noexcept : bits_(0) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // Blocks until the lock is held. If it must sleep, the thread's critical
  // sections are suspended and the runtime's blocking hooks run (the thread
  // detaches while it sleeps): see sync/blocking.h.
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    if (FTRT_UNLIKELY(!TryLockFast())) LockSlow(-1, /*detach=*/true);
  }

  // As Lock, but never calls the blocking hooks nor suspends critical
  // sections: for the runtime's own internal locks, which are taken while
  // attaching or detaching.
  void LockNoDetach() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    if (FTRT_UNLIKELY(!TryLockFast())) LockSlow(-1, /*detach=*/false);
  }

  // Takes the lock if it is free, without waiting (it may take it ahead of
  // parked threads).
  bool TryLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    uint8_t v = ref().load(std::memory_order_relaxed);
    while ((v & kLocked) == 0) {
      if (ref().compare_exchange_weak(v, v | kLocked, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  // Waits at most timeout_ns (< 0: for ever) for the lock; returns whether
  // it is held. For diagnostics (deadlock reports), not for control flow.
  bool LockWithTimeout(int64_t timeout_ns) ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    if (FTRT_LIKELY(TryLockFast())) return true;
    return LockSlow(timeout_ns, /*detach=*/true);
  }

  void Unlock() ABSL_UNLOCK_FUNCTION() {
    uint8_t expected = kLocked;
    if (FTRT_UNLIKELY(!ref().compare_exchange_strong(expected, 0, std::memory_order_release,
                                                     std::memory_order_relaxed))) {
      UnlockSlow();
    }
  }

  // Whether some thread holds the lock (a snapshot: relaxed).
  bool IsLocked() const { return (ref().load(std::memory_order_relaxed) & kLocked) != 0; }

  // Tells the analysis the lock is held; checks that some thread holds it
  // in debug builds (the owner is not recorded).
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() {
    FTRT_DCHECK(IsLocked(), "Mutex at %p is not locked", static_cast<const void*>(this));
  }

  // The inline fast path alone: one compare-exchange from 0 (unlocked, no
  // waiters) to kLocked. Critical sections use it before their slow path.
  bool TryLockFast() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    uint8_t expected = 0;
    return ref().compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                         std::memory_order_relaxed);
  }

 private:
  std::atomic_ref<uint8_t> ref() const { return std::atomic_ref<uint8_t>(bits_); }

  // Spin, then park. Returns false only when timeout_ns >= 0 passed.
  FTRT_COLD bool LockSlow(int64_t timeout_ns, bool detach);
  // Wakes a parked thread, handing it the lock if it waited long enough.
  FTRT_COLD void UnlockSlow();

  // Accessed only through std::atomic_ref, so the byte stays a plain
  // uint8_t (layout-compatible with C's PyMutex).
  mutable uint8_t bits_;
};

static_assert(sizeof(Mutex) == 1, "Mutex must be one byte");
static_assert(alignof(Mutex) == 1, "Mutex must fit any byte");

// Scoped lock.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_.Lock(); }
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(*mu) { mu_.Lock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_.Unlock(); }

 private:
  Mutex& mu_;
};

namespace internal {

// The hand-off threshold: Unlock hands the lock straight to a parked waiter
// that has been waiting at least this long (since it first parked). Default
// 1 ms; 0 hands off to every parked waiter at once. Process-wide, for tests
// and benchmarks.
inline constexpr int64_t kDefaultMutexHandoffNs = 1000000;
void SetMutexHandoffThresholdNs(int64_t ns);
int64_t MutexHandoffThresholdNs();

// How many times LockSlow yields before it parks (default
// kDefaultMutexSpins); 0 parks at the first contention. Process-wide, for
// tests that must force parking, and for tuning.
inline constexpr int kDefaultMutexSpins = 40;
void SetMutexSpinLimit(int spins);
int MutexSpinLimit();

// Process-wide counts of slow-path events, for tests (relaxed counters).
struct MutexStats {
  uint64_t parks;     // times a thread slept in LockSlow
  uint64_t handoffs;  // times Unlock handed the lock to a waiter
};
MutexStats GetMutexStats();

}  // namespace internal
}  // namespace ftrt

#endif  // FTRT_SYNC_MUTEX_H_
