// Linux futex wrappers and RawMutex's slow path (see futex.h).
#include "sync/futex.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

namespace ftrt::internal {

int64_t MonotonicNowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void FutexWait(std::atomic<uint32_t>* word, uint32_t expected, int64_t timeout_ns) {
  struct timespec ts;
  struct timespec* tsp = nullptr;
  if (timeout_ns >= 0) {
    ts.tv_sec = static_cast<time_t>(timeout_ns / 1000000000);
    ts.tv_nsec = static_cast<long>(timeout_ns % 1000000000);
    tsp = &ts;
  }
  // FUTEX_WAIT's timeout is relative (CLOCK_MONOTONIC).
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected, tsp,
          nullptr, 0);
}

void FutexWake(std::atomic<uint32_t>* word, int count) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, count, nullptr,
          nullptr, 0);
}

void RawMutex::LockSlow() {
  // Brief spin: bucket critical sections are a few dozen instructions.
  for (int i = 0; i < 100; ++i) {
    uint32_t v = word_.load(std::memory_order_relaxed);
    if (v == 0 && word_.compare_exchange_weak(v, 1, std::memory_order_acquire,
                                              std::memory_order_relaxed)) {
      return;
    }
    if (v == 2) break;
    CpuRelax();
  }
  // Announce a sleeper (2) and sleep until the word is released; whoever
  // takes it from 0 here sets 2 as well, since other sleepers may remain.
  while (word_.exchange(2, std::memory_order_acquire) != 0) {
    FutexWait(&word_, 2, -1);
  }
}

}  // namespace ftrt::internal
