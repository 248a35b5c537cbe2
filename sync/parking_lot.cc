// The parking lot (see parking_lot.h): a fixed table of buckets, each a
// RawMutex and a FIFO queue of parked threads, hashed by address, as in
// WebKit's WTF::ParkingLot and CPython's Python/parking_lot.c.
//
// Each thread owns one Waiter (thread-local, reused for every park): while
// queued, its fields belong to the bucket lock; its wake word is the futex
// the thread sleeps on. The blocking hooks and the critical-section
// suspension run before the thread enqueues itself and after it has been
// dequeued, never while it is queued: a hook may itself park (on another
// address, with the same Waiter), and a thread can be in only one queue.
#include "sync/parking_lot.h"

#include <atomic>
#include <new>

#include "sync/blocking.h"
#include "sync/config.h"
#include "sync/critical_section.h"
#include "sync/futex.h"

namespace ftrt::parking_lot {
namespace {

using internal::FutexWait;
using internal::FutexWake;
using internal::MonotonicNowNs;
using internal::RawMutex;
using internal::RawMutexLock;

struct Waiter {
  // 0 until an unparker has dequeued this thread and finished with it
  // (stored 1 with release), then the futex the thread sleeps on.
  std::atomic<uint32_t> wake{0};
  // The rest is guarded by the lock of the bucket the waiter is queued in
  // (the bucket of `addr`); the owner thread writes them before enqueuing.
  const void* addr = nullptr;
  void* park_arg = nullptr;
  Waiter* next = nullptr;
  Waiter* prev = nullptr;
  bool queued = false;
  // Written by the unparker that dequeued it, before the release store of
  // `wake`; read by the owner after its acquire load of `wake`.
  bool handoff = false;
};

constinit thread_local Waiter tls_waiter;

struct alignas(64) Bucket {
  RawMutex mu;
  Waiter* head ABSL_GUARDED_BY(mu) = nullptr;
  Waiter* tail ABSL_GUARDED_BY(mu) = nullptr;
};

// A prime, so that addresses with common strides spread over all buckets.
constexpr size_t kBucketCount = 257;
constinit Bucket g_buckets[kBucketCount];

Bucket& BucketFor(const void* addr) {
  uint64_t a = reinterpret_cast<uintptr_t>(addr);
  // Fibonacci hashing mixes the low bits (often equal for aligned objects).
  return g_buckets[((a * 0x9E3779B97F4A7C15ull) >> 32) % kBucketCount];
}

void Enqueue(Bucket& b, Waiter* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(b.mu) {
  w->next = nullptr;
  w->prev = b.tail;
  if (b.tail != nullptr) {
    b.tail->next = w;
  } else {
    b.head = w;
  }
  b.tail = w;
  w->queued = true;
}

void Remove(Bucket& b, Waiter* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(b.mu) {
  if (w->prev != nullptr) {
    w->prev->next = w->next;
  } else {
    b.head = w->next;
  }
  if (w->next != nullptr) {
    w->next->prev = w->prev;
  } else {
    b.tail = w->prev;
  }
  w->next = w->prev = nullptr;
  w->queued = false;
}

uint64_t LoadValue(const void* addr, size_t size) {
  void* p = const_cast<void*>(addr);
  switch (size) {
    case 1:
      return std::atomic_ref<uint8_t>(*static_cast<uint8_t*>(p)).load(std::memory_order_acquire);
    case 2:
      return std::atomic_ref<uint16_t>(*static_cast<uint16_t*>(p)).load(std::memory_order_acquire);
    case 4:
      return std::atomic_ref<uint32_t>(*static_cast<uint32_t*>(p)).load(std::memory_order_acquire);
    case 8:
      return std::atomic_ref<uint64_t>(*static_cast<uint64_t*>(p)).load(std::memory_order_acquire);
  }
  internal::Fatal("parking_lot::Park(%p): size %zu is not 1, 2, 4 or 8", addr, size);
}

ParkResult ParkQueued(const void* addr, uint64_t expected, size_t size, int64_t timeout_ns,
                      void* park_arg) {
  Bucket& b = BucketFor(addr);
  Waiter* w = &tls_waiter;
  FTRT_DCHECK(!w->queued, "parking_lot::Park(%p): this thread is already parked", addr);
  {
    RawMutexLock lock(b.mu);
    if (LoadValue(addr, size) != expected) return {ParkStatus::kValueMismatch, false};
    if (timeout_ns == 0) return {ParkStatus::kTimedOut, false};
    w->addr = addr;
    w->park_arg = park_arg;
    w->handoff = false;
    w->wake.store(0, std::memory_order_relaxed);
    Enqueue(b, w);
  }
  const int64_t deadline = timeout_ns > 0 ? MonotonicNowNs() + timeout_ns : -1;
  for (;;) {
    if (w->wake.load(std::memory_order_acquire) != 0) return {ParkStatus::kUnparked, w->handoff};
    int64_t remaining = -1;
    if (deadline >= 0) {
      remaining = deadline - MonotonicNowNs();
      if (remaining <= 0) break;
    }
    FutexWait(&w->wake, 0, remaining);
  }
  // Timed out. Leave the queue, unless an unparker has already taken this
  // thread out of it: then it has chosen us (and may have handed us a
  // lock), so wait for it to finish and report the wake-up.
  {
    RawMutexLock lock(b.mu);
    if (w->queued) {
      Remove(b, w);
      return {ParkStatus::kTimedOut, false};
    }
  }
  while (w->wake.load(std::memory_order_acquire) == 0) FutexWait(&w->wake, 0, -1);
  return {ParkStatus::kUnparked, w->handoff};
}

}  // namespace

ParkResult Park(const void* addr, uint64_t expected, size_t size, int64_t timeout_ns,
                void* park_arg, bool detach) {
  if (size < 8) expected &= (uint64_t{1} << (8 * size)) - 1;
  if (!detach) return ParkQueued(addr, expected, size, timeout_ns, park_arg);
  // Steps 1-2 of sync/blocking.h: suspend sections, then detach.
  const bool suspended = internal::SuspendCriticalSectionsForBlocking();
  const BlockingHooks* hooks = GetBlockingHooks();
  void* token = nullptr;
  if (hooks != nullptr && hooks->before_block != nullptr) token = hooks->before_block();
  ParkResult result = ParkQueued(addr, expected, size, timeout_ns, park_arg);
  // Steps 4-5: attach (which may re-lock the innermost section), then
  // re-lock it ourselves if nobody did.
  if (hooks != nullptr && hooks->after_block != nullptr) hooks->after_block(token);
  if (suspended) internal::ResumeCriticalSectionsAfterBlocking();
  return result;
}

bool UnparkOne(const void* addr, absl::FunctionRef<bool(const UnparkInfo&)> callback) {
  Bucket& b = BucketFor(addr);
  Waiter* found = nullptr;
  {
    RawMutexLock lock(b.mu);
    for (Waiter* w = b.head; w != nullptr; w = w->next) {
      if (w->addr == addr) {
        found = w;
        break;
      }
    }
    UnparkInfo info{false, false, nullptr};
    if (found != nullptr) {
      for (Waiter* w = found->next; w != nullptr; w = w->next) {
        if (w->addr == addr) {
          info.has_more_waiters = true;
          break;
        }
      }
      Remove(b, found);
      info.found = true;
      info.park_arg = found->park_arg;
    }
    bool handoff = callback(info);
    if (found != nullptr) found->handoff = handoff;
  }
  if (found == nullptr) return false;
  // After this store the thread may return from Park and even exit; the
  // wake call below tolerates that (sync/futex.h).
  found->wake.store(1, std::memory_order_release);
  FutexWake(&found->wake, 1);
  return true;
}

size_t UnparkAll(const void* addr) {
  Bucket& b = BucketFor(addr);
  Waiter* list = nullptr;  // dequeued waiters, linked through `next`
  {
    RawMutexLock lock(b.mu);
    Waiter* w = b.head;
    while (w != nullptr) {
      Waiter* next = w->next;
      if (w->addr == addr) {
        Remove(b, w);
        w->handoff = false;
        w->next = list;
        list = w;
      }
      w = next;
    }
  }
  // `list` is newest-first; wake oldest first.
  Waiter* ordered = nullptr;
  while (list != nullptr) {
    Waiter* next = list->next;
    list->next = ordered;
    ordered = list;
    list = next;
  }
  size_t count = 0;
  while (ordered != nullptr) {
    Waiter* next = ordered->next;  // read before the thread may re-park
    ordered->wake.store(1, std::memory_order_release);
    FutexWake(&ordered->wake, 1);
    ordered = next;
    ++count;
  }
  return count;
}

void AfterForkChild() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  for (Bucket& b : g_buckets) {
    // Only this thread exists: plain re-initialisation, no lock to take.
    new (&b.mu) RawMutex();
    b.head = nullptr;
    b.tail = nullptr;
  }
  Waiter* self = &tls_waiter;
  self->queued = false;
  self->next = self->prev = nullptr;
}

size_t NumParkedForTesting(const void* addr) {
  Bucket& b = BucketFor(addr);
  RawMutexLock lock(b.mu);
  size_t n = 0;
  for (Waiter* w = b.head; w != nullptr; w = w->next) n += w->addr == addr ? 1 : 0;
  return n;
}

}  // namespace ftrt::parking_lot
