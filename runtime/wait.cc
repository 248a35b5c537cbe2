// The runtime's futex waits and locks (see wait.h).
#include "runtime/wait.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <climits>

namespace ftrt::internal {

int64_t RtNowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void RtFutexWait(std::atomic<uint32_t>* word, uint32_t expected, int64_t timeout_ns) {
  struct timespec ts;
  struct timespec* tsp = nullptr;
  if (timeout_ns >= 0) {
    ts.tv_sec = static_cast<time_t>(timeout_ns / 1000000000);
    ts.tv_nsec = static_cast<long>(timeout_ns % 1000000000);
    tsp = &ts;
  }
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected, tsp,
          nullptr, 0);
}

void RtFutexWake(std::atomic<uint32_t>* word, int count) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, count, nullptr,
          nullptr, 0);
}

void BlockForever() {
  std::atomic<uint32_t> never{0};
  for (;;) RtFutexWait(&never, 0, -1);
}

void RtLock::LockSlow() {
  for (int i = 0; i < 64; ++i) {
    uint32_t v = word_.load(std::memory_order_relaxed);
    if (v == 0 && word_.compare_exchange_weak(v, 1, std::memory_order_acquire,
                                              std::memory_order_relaxed)) {
      return;
    }
    if (v == 2) break;
    RtCpuRelax();
  }
  while (word_.exchange(2, std::memory_order_acquire) != 0) RtFutexWait(&word_, 2, -1);
}

void TicketLock::Lock() {
  const uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
  for (;;) {
    uint32_t now = serving_.load(std::memory_order_acquire);
    if (now == ticket) return;
    RtFutexWait(&serving_, now, -1);
  }
}

bool TicketLock::TryLock() {
  uint32_t now = serving_.load(std::memory_order_acquire);
  uint32_t expected = now;
  // Take the next ticket only if it is the one being served.
  return next_.compare_exchange_strong(expected, now + 1, std::memory_order_acquire,
                                       std::memory_order_relaxed);
}

void TicketLock::Unlock() {
  serving_.fetch_add(1, std::memory_order_release);
  RtFutexWake(&serving_, INT_MAX);
}

void TicketLock::ResetAfterForkHeld() {
  next_.store(serving_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace ftrt::internal
