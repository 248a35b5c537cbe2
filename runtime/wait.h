// Internal to runtime/: the runtime's own locks and waits, on raw futexes.
//
// The runtime does not use ftrt::Mutex or the parking lot for its internal
// state, for two reasons. (1) Its locks are taken while a thread attaches or
// detaches, i.e. from inside the blocking hooks that Mutex::Lock calls: they
// must never call those hooks again. (2) Fork: the child inherits every
// lock word, but none of the other threads. A raw futex keeps no user-space
// record of its sleepers, so the child can reset a word and carry on; the
// parking lot's queues would still hold the dead threads' wait nodes (and a
// Mutex could even hand itself to one of them). CPython meets the same
// problem by re-initialising its HEAD_LOCK and friends in the child
// (_PyMutex_at_fork_reinit); here resetting the word is all it takes.
//
// As in sync/, a futex is only a sleeping aid: every waiter re-reads its
// atomic word with acquire after waking and every waker stores it with
// release before waking, so ThreadSanitizer sees the ordering.
#ifndef FTRT_RUNTIME_WAIT_H_
#define FTRT_RUNTIME_WAIT_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "sync/config.h"

namespace ftrt::internal {

// CLOCK_MONOTONIC in nanoseconds.
int64_t RtNowNs();

// Sleeps while *word == expected, at most timeout_ns (< 0: no limit). May
// return early for any reason; callers loop.
void RtFutexWait(std::atomic<uint32_t>* word, uint32_t expected, int64_t timeout_ns);

// Wakes up to `count` sleepers on `word` (INT32_MAX: all). The word may be
// freed memory by then (the woken thread may have run on and exited): the
// kernel then finds nobody, and the error is ignored.
void RtFutexWake(std::atomic<uint32_t>* word, int count);

// Never returns and never touches memory other than its own stack: what a
// thread does when it tries to attach after the final stop.
[[noreturn]] void BlockForever();

inline void RtCpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// A 4-byte three-state futex lock (0 free, 1 held, 2 held with sleepers;
// Drepper, "Futexes Are Tricky", mutex #3) after a short spin. Never calls
// the blocking hooks. Memory ordering: Lock acquires, Unlock releases.
class ABSL_LOCKABLE RtLock {
 public:
  constexpr RtLock() = default;
  RtLock(const RtLock&) = delete;
  RtLock& operator=(const RtLock&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    uint32_t expected = 0;
    if (FTRT_UNLIKELY(!word_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                                     std::memory_order_relaxed))) {
      LockSlow();
    }
  }
  bool TryLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    uint32_t expected = 0;
    return word_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                         std::memory_order_relaxed);
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    if (FTRT_UNLIKELY(word_.exchange(0, std::memory_order_release) == 2)) RtFutexWake(&word_, 1);
  }
  // In a fork child, by the thread that held the lock across fork(): the
  // dead threads' sleeps are forgotten with the word.
  void UnlockAfterFork() ABSL_UNLOCK_FUNCTION() { word_.store(0, std::memory_order_release); }

 private:
  FTRT_COLD void LockSlow();
  std::atomic<uint32_t> word_{0};
};

class ABSL_SCOPED_LOCKABLE RtLockGuard {
 public:
  explicit RtLockGuard(RtLock& mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_.Lock(); }
  RtLockGuard(const RtLockGuard&) = delete;
  RtLockGuard& operator=(const RtLockGuard&) = delete;
  ~RtLockGuard() ABSL_UNLOCK_FUNCTION() { mu_.Unlock(); }

 private:
  RtLock& mu_;
};

// A FIFO ticket lock, held from StopTheWorld to StartTheWorld (possibly for
// a long time, and possibly never released: the final stop). Not annotated
// for the analysis: it guards no data, only "one stop at a time". FIFO, so
// a thread that asks for a stop while another is in progress gets the next
// turn, whatever other stoppers do.
class TicketLock {
 public:
  constexpr TicketLock() = default;
  TicketLock(const TicketLock&) = delete;
  TicketLock& operator=(const TicketLock&) = delete;

  void Lock();
  bool TryLock();
  void Unlock();
  // In a fork child, by the holder: forgets the dead threads' tickets.
  void ResetAfterForkHeld();
  // Tickets taken and not yet released (the holder's and the waiters').
  uint32_t TicketsOutForTesting() const {
    return next_.load(std::memory_order_relaxed) - serving_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<uint32_t> next_{0};
  std::atomic<uint32_t> serving_{0};
};

}  // namespace ftrt::internal

#endif  // FTRT_RUNTIME_WAIT_H_
