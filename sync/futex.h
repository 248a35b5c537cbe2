// Internal to sync/: the Linux futex calls, a monotonic clock, and RawMutex,
// the word lock that guards each parking-lot bucket.
//
// A futex is only a sleeping aid here, never the synchronisation itself:
// every waiter re-reads its atomic word (acquire) after waking, and every
// waker stores it (release) before FUTEX_WAKE, so ThreadSanitizer sees the
// ordering through the atomics. Waits tolerate spurious wake-ups.
#ifndef FTRT_SYNC_FUTEX_H_
#define FTRT_SYNC_FUTEX_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "sync/config.h"

namespace ftrt::internal {

// A hint to the CPU that this is a spin-wait loop.
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// CLOCK_MONOTONIC in nanoseconds.
int64_t MonotonicNowNs();

// Sleeps while *word == expected, at most timeout_ns (< 0: no limit). May
// return early (spurious wake-up, signal, value changed, timeout).
void FutexWait(std::atomic<uint32_t>* word, uint32_t expected, int64_t timeout_ns);

// Wakes up to `count` threads sleeping on `word`. `word` may already be
// freed memory (a woken thread can exit before the wake call): the kernel
// then finds no waiter or returns an error, which is ignored.
void FutexWake(std::atomic<uint32_t>* word, int count);

// A 4-byte lock for very short critical sections inside sync/ (the parking
// lot's buckets): a three-state futex mutex (0 free, 1 held, 2 held with
// sleepers; Drepper, "Futexes Are Tricky", mutex #3) after a short spin.
// It never calls the blocking hooks nor the parking lot.
class ABSL_LOCKABLE RawMutex {
 public:
  constexpr RawMutex() = default;
  RawMutex(const RawMutex&) = delete;
  RawMutex& operator=(const RawMutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    uint32_t expected = 0;
    if (FTRT_UNLIKELY(!word_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                                     std::memory_order_relaxed))) {
      LockSlow();
    }
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    if (FTRT_UNLIKELY(word_.exchange(0, std::memory_order_release) == 2)) FutexWake(&word_, 1);
  }

 private:
  FTRT_COLD void LockSlow();
  std::atomic<uint32_t> word_{0};
};

class ABSL_SCOPED_LOCKABLE RawMutexLock {
 public:
  explicit RawMutexLock(RawMutex& mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_.Lock(); }
  RawMutexLock(const RawMutexLock&) = delete;
  RawMutexLock& operator=(const RawMutexLock&) = delete;
  ~RawMutexLock() ABSL_UNLOCK_FUNCTION() { mu_.Unlock(); }

 private:
  RawMutex& mu_;
};

}  // namespace ftrt::internal

#endif  // FTRT_SYNC_FUTEX_H_
