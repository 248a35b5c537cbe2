// The parking lot: compare-and-sleep on any address, in the style of
// WebKit's WTF::ParkingLot (2015) and CPython's Python/parking_lot.c.
//
// A thread parks on an address if the 1-, 2-, 4- or 8-byte value there still
// equals what the caller expects; another thread unparks one or all threads
// parked on that address. Waiters live in a fixed table of buckets hashed by
// address (each bucket a small futex lock and a FIFO queue), so a lock
// word needs no space for its waiters: this is what lets ftrt::Mutex be one
// byte. Each thread sleeps on its own futex word (one per thread, reused for
// every park), so a wake-up is addressed to one thread.
//
// Memory ordering: the value check in Park happens under the bucket lock,
// and Unpark* takes the same lock, so a thread that changes the value and
// then unparks cannot miss a parker that saw the old value (no lost
// wake-ups). A woken thread acquire-loads its wake word, which the unparker
// stored with release after the callback ran: everything the unparker did
// before and inside the callback happens-before Park's return. (A futex wake
// alone is not synchronisation for ThreadSanitizer; this acquire is.)
#ifndef FTRT_SYNC_PARKING_LOT_H_
#define FTRT_SYNC_PARKING_LOT_H_

#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"

namespace ftrt::parking_lot {

// timeout_ns < 0 waits for ever.
inline constexpr int64_t kNoTimeout = -1;

enum class ParkStatus : uint8_t {
  kUnparked,       // woken by UnparkOne/UnparkAll
  kValueMismatch,  // *addr != expected: returned at once, without sleeping
  kTimedOut,       // the timeout passed first
};

struct ParkResult {
  ParkStatus status;
  // The unparker's callback returned true (UnparkOne only): it handed the
  // woken thread something, e.g. a held lock.
  bool handoff;
};

// If the `size`-byte value at `addr` (size 1, 2, 4 or 8; addr aligned to
// size) equals `expected` (its low `size` bytes), sleeps until unparked or
// until `timeout_ns` passes. `park_arg` is handed to UnparkOne's callback.
// With `detach`, the thread's critical sections are suspended and the
// blocking hooks are called around the sleep (see sync/blocking.h), also
// when the value does not match. Spurious wake-ups are not reported: a
// kUnparked result means an unparker chose this thread.
ParkResult Park(const void* addr, uint64_t expected, size_t size, int64_t timeout_ns,
                void* park_arg = nullptr, bool detach = true);

// What UnparkOne's callback learns, with the bucket locked.
struct UnparkInfo {
  bool found;             // a thread parked on addr was dequeued
  bool has_more_waiters;  // others remain parked on addr
  void* park_arg;         // the dequeued thread's park_arg (if found)
};

// Dequeues the longest-parked thread on `addr` (if any) and calls
// `callback` with the bucket still locked, even when none was found, so
// the caller can update the word at addr atomically with respect to
// parkers (Mutex clears its has-parked bit here). The callback's return
// value is delivered to the woken thread as ParkResult::handoff. The
// callback must not park, unpark or take a lock that a parker may hold.
// Returns whether a thread was woken.
bool UnparkOne(const void* addr, absl::FunctionRef<bool(const UnparkInfo&)> callback);

// Wakes every thread parked on `addr` (handoff = false). Returns how many.
size_t UnparkAll(const void* addr);

// In the child of fork(), before anything else parks or unparks: forgets
// every parked thread (none of them exists in the child) and releases every
// bucket lock (a thread of the parent may have held one: stop-the-world
// does not stop detached threads). The runtime calls it from its
// after-fork-in-child hook. A Mutex whose kHasParked bit is left set by a
// vanished waiter is harmless (its next Unlock finds nobody and clears it);
// a Mutex LOCKED by a vanished thread stays locked: callers must not hold
// any across fork (DESIGN.md, "Threads").
void AfterForkChild();

// How many threads are parked on addr right now (takes the bucket lock).
// For tests: lets them wait until a thread is really asleep.
size_t NumParkedForTesting(const void* addr);

}  // namespace ftrt::parking_lot

#endif  // FTRT_SYNC_PARKING_LOT_H_
