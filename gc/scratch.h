// Internal: the header fields the collector borrows as scratch space during
// a stop, and how each is given back. Not an API.
//
// CPython 3.13t's free-threaded collector keeps all of its per-object state
// in the object header (Python/gc_free_threading.c: gc_refs in ob_tid, the
// worklists through ob_tid, the resurrection count in ob_ref_local), so its
// memory does not grow with the heap; we do the same:
//
//   | field        | while                     | holds                        |
//   |--------------|---------------------------|------------------------------|
//   | ob_tid       | count (one thread)        | gc_refs (signed), written at |
//   |              |                           | first touch                  |
//   | ob_tid       | count (parallel)          | original - references seen,  |
//   |              |                           | + (count - original) once    |
//   |              |                           | its walker counts it         |
//   | ob_tid       | marked, on the work list  | mark work-list link; the     |
//   |              |                           | original back when it leaves |
//   | ob_tid       | unreachable (merged)      | unreachable-list link        |
//   | ob_ref_local | resurrection check        | gc_refs among the unreachable|
//   | ob_gc_bits   | UNREACHABLE               | candidate not (yet) known to |
//   |              |                           | be reachable                 |
//   | ob_gc_bits   | ALIVE (count, one thread) | reachable from a root stack; |
//   |              |                           | cleared as the count's walk  |
//   |              |                           | passes it                    |
//   | ob_gc_bits   | ALIVE (resurrection)      | resurrected by a finalizer   |
//
// Restoring ob_tid: a merged object (state MERGED) has ob_tid 0 (refcount.h:
// a merge unowns it first); any other has the id in alloc/'s ownership
// record (Allocator::OwnerOf), because thread exit merges every object a
// thread still owns before its record becomes 0. So the value given back
// is exactly the value taken. ob_ref_local of a merged object is ignored
// by every reader; the collector leaves 0 there.
//
// While the world is stopped only the collector touches these fields: the
// collecting thread, and in the parallel passes its helpers (gc/workers.h),
// which subtract with atomic decrements and claim objects with an atomic
// clear of UNREACHABLE. The other accesses are relaxed std::atomic_ref
// loads and stores (plain moves on x86-64), because other threads read the
// same fields the same way once the world runs again, ordered by the stop's
// handshake. While the world runs,
// UNREACHABLE is cleared with an atomic read-modify-write (TrackObject and
// UntrackObject update the same byte concurrently).
#ifndef FTRT_GC_SCRATCH_H_
#define FTRT_GC_SCRATCH_H_

#include <atomic>
#include <cstdint>

#include "alloc/allocator.h"
#include "alloc/object_layout.h"
#include "object/dealloc.h"
#include "object/refcount.h"

namespace ftrt::gc::internal {

using ftrt::internal::GcBitsRef;
using ftrt::internal::LocalRef;
using ftrt::internal::SharedRef;
using ftrt::internal::TidRef;

inline constexpr uint8_t kUnreachable = FTRT_GC_BIT_UNREACHABLE;
inline constexpr uint8_t kAlive = FTRT_GC_BIT_ALIVE;
inline constexpr uint8_t kTracked = FTRT_GC_BIT_TRACKED;
inline constexpr uint8_t kFrozen = FTRT_GC_BIT_FROZEN;
inline constexpr uint8_t kFinalized = FTRT_GC_BIT_FINALIZED;
inline constexpr uint8_t kDeferred = FTRT_GC_BIT_DEFERRED;

FTRT_ALWAYS_INLINE uint8_t Bits(ObjectHeader* op) {
  return GcBitsRef(op).load(std::memory_order_relaxed);
}
// During a stop only (no concurrent writer of the byte).
FTRT_ALWAYS_INLINE void SetBitsStopped(ObjectHeader* op, uint8_t bits) {
  GcBitsRef(op).store(bits, std::memory_order_relaxed);
}

FTRT_ALWAYS_INLINE intptr_t GcRefs(ObjectHeader* op) {
  return static_cast<intptr_t>(TidRef(op).load(std::memory_order_relaxed));
}
FTRT_ALWAYS_INLINE void SetGcRefs(ObjectHeader* op, intptr_t refs) {
  TidRef(op).store(static_cast<uintptr_t>(refs), std::memory_order_relaxed);
}
FTRT_ALWAYS_INLINE void AddGcRefs(ObjectHeader* op, intptr_t d) {
  SetGcRefs(op, GcRefs(op) + d);
}

// A singly linked list threaded through ob_tid.
FTRT_ALWAYS_INLINE ObjectHeader* Link(ObjectHeader* op) {
  return reinterpret_cast<ObjectHeader*>(TidRef(op).load(std::memory_order_relaxed));
}
FTRT_ALWAYS_INLINE void SetLink(ObjectHeader* op, ObjectHeader* next) {
  TidRef(op).store(reinterpret_cast<uintptr_t>(next), std::memory_order_relaxed);
}

FTRT_ALWAYS_INLINE bool IsMerged(ObjectHeader* op) {
  return (SharedRef(op).load(std::memory_order_relaxed) & kRefStateMask) == kRefMerged;
}

// What ob_tid held before the collector borrowed it (see the top).
FTRT_ALWAYS_INLINE uintptr_t OriginalTid(const alloc::Allocator& a, ObjectHeader* op) {
  return IsMerged(op) ? 0 : a.OwnerOf(op);
}

// The merge of object/'s MergeRefcount (refcount.h, T7-T9) done while the
// world is stopped: nobody else reads or writes the counts, so plain
// (relaxed) stores do instead of a compare-and-swap loop. Folds the local
// count into the shared one, adds `extra`, unowns it (ob_tid = 0), leaves
// ob_ref_local 0; returns the new count.
FTRT_ALWAYS_INLINE intptr_t MergeDuringStop(ObjectHeader* op, intptr_t extra) {
  const intptr_t shared = SharedRef(op).load(std::memory_order_relaxed);
  intptr_t count = shared >> kRefShift;
  if ((shared & kRefStateMask) != kRefMerged) {
    // Every queue was drained at the start of the stop, so no decrement is
    // pending anywhere.
    FTRT_DCHECK((shared & kRefStateMask) != kRefQueued, "gc: %p still queued during the stop",
                static_cast<void*>(op));
    count += static_cast<intptr_t>(LocalRef(op).load(std::memory_order_relaxed));
  }
  count += extra;
  TidRef(op).store(0, std::memory_order_relaxed);
  LocalRef(op).store(0, std::memory_order_relaxed);
  SharedRef(op).store((count << kRefShift) | kRefMerged, std::memory_order_relaxed);
  return count;
}

// A candidate is an object the collector may count, mark and collect:
// tracked, mortal, not frozen, and not DEAD or in deallocation (object/
// dealloc.h's IsDeadOrDeallocating: count zero, merged with count zero, or
// waiting in a trashcan or an after-stop list, whose link is its ob_tid).
// CandidateRefcount answers that and the candidate's true count (without
// the deferred bias) at once, reading each header field once: the count
// pass asks both of every object. kNotCandidate if op is not one.
inline constexpr intptr_t kNotCandidate = INTPTR_MIN;
FTRT_ALWAYS_INLINE intptr_t CandidateRefcount(ObjectHeader* op, uint8_t bits) {
  constexpr uint16_t kGoing = kObjFlagDeallocating | kObjFlagTrashcan | FTRT_OBJ_FLAG_FREED;
  // ALIVE here: found reachable from a root stack by this collection's
  // first step (passes.cc), so not counted.
  if ((bits & (kTracked | kFrozen | kAlive)) != kTracked) return kNotCandidate;
  const uint32_t local = LocalRef(op).load(std::memory_order_relaxed);
  if (local == kImmortalLocal) return kNotCandidate;
  const intptr_t shared = SharedRef(op).load(std::memory_order_relaxed);
  if ((ftrt::internal::FlagsRef(op).load(std::memory_order_relaxed) & kGoing) ||
      shared == kRefMerged || (shared == 0 && local == 0)) {
    FTRT_DCHECK(IsDeadOrDeallocating(op), "gc: liveness check disagrees with object/ on %p",
                static_cast<void*>(op));
    return kNotCandidate;
  }
  intptr_t n = shared >> kRefShift;
  const intptr_t state = shared & kRefStateMask;
  if (state != kRefMerged) n += static_cast<intptr_t>(local) - (state == kRefQueued ? 1 : 0);
  if (bits & kDeferred) n -= kDeferredBias;
  FTRT_DCHECK(!IsDeadOrDeallocating(op) &&
                  n == Refcount(op) - ((bits & kDeferred) ? kDeferredBias : 0),
              "gc: candidate check disagrees with object/ on %p", static_cast<void*>(op));
  return n;
}

FTRT_ALWAYS_INLINE bool IsCandidate(ObjectHeader* op, uint8_t bits) {
  return CandidateRefcount(op, bits) != kNotCandidate;
}

}  // namespace ftrt::gc::internal

#endif  // FTRT_GC_SCRATCH_H_
