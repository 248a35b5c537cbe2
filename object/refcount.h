// Biased, deferred and immortal reference counting on the object header.
//
// This gives alloc/object_layout.h's header its behaviour. It follows
// CPython's free-threaded build (PEP 703; Include/object.h, Objects/object.c,
// Python/brc.c), which follows Choi, Shull and Torrellas, "Biased Reference
// Counting" (PACT 2018): the thread that allocated an object (its owner)
// counts in a plain 32-bit field with no atomic instruction, every other
// thread counts in an atomic word whose two low bits say where the object
// is in its life. The two counts are merged once, when the owner drops its
// last local reference, when another thread would drive the shared count
// below zero (the object is queued to its owner, which merges it at its next
// safepoint), or when the owner exits.
//
// Layout (alloc/object_layout.h): ob_tid (owner's fast thread id, 0 =
// unowned), ob_ref_local (owner's count, UINT32_MAX = immortal),
// ob_ref_shared (count << 2 | state). The fast paths below are inline and do
// only the owner check, the immortal check and the count update; the rest
// is in refcount.cc as ...Slow functions. The owner check comes first and
// the owner's path has no immortal check at all: an immortal object is
// never owned (static headers, InitStaticHeader and SetImmortal all leave
// ob_tid 0), so an owner's increment+decrement is one compare against the
// TLS base and the local-count update, and only other threads test for
// immortality before they touch the shared word. (CPython tests
// immortality first; this order takes four instructions off the owner's
// pair, the common case, and adds them to the immortal one.) A local count
// never reaches UINT32_MAX (debug builds check): four billion references
// from one thread to one object. ext_abi/'s Python.h carries the
// very same fast path in C (object/refcount_abi.h) over the same fields.
//
// Lifecycle. "count" is ob_ref_shared >> 2 (signed), "state" its low bits,
// "pending" the number of decrements a merge queue has taken over (see Q).
//
//   name        | ob_tid | local      | state       | count       | notes
//   ------------|--------|------------|-------------|-------------|----------
//   IMMORTAL    | 0      | UINT32_MAX | any         | any         | never
//               |        |            |             |             | counted,
//               |        |            |             |             | never
//               |        |            |             |             | written
//   OWNED       | owner  | >= 1       | DEFAULT or  | >= 0        | the
//               |        |            | MAYBE_WEAK  |             | common
//               |        |            |             |             | case
//   QUEUED      | owner  | >= 0       | QUEUED      | any (< 0 ok)| one entry
//               | (or 0) |            |             |             | in a merge
//               |        |            |             |             | queue
//   MERGED      | 0      | ignored    | MERGED      | >= 1        | shared
//               |        |            |             |             | count only
//   DEAD        | -      | 0/ignored  | DEFAULT & 0,| 0           | being
//               |        |            | or MERGED   |             | deallocated
//
// (An OWNED count is below zero only between a T6 subtraction and its
// fix-up.) The total number of references is local + count - pending (MERGED: count
// - pending). Transitions, each with its own test in refcount_test.cc:
//
//   T1 owner incref/decref        OWNED -> OWNED: local +-1, plain.
//   T2 owner decref to 0, shared word exactly 0 (no weakrefs, nothing
//      shared)                    OWNED -> DEAD at once (owner-only life).
//   T3 owner decref to 0, shared word != 0
//                                 OWNED/QUEUED -> MERGED (ob_tid = 0 first),
//                                 or DEAD if the merged count is 0.
//   T4 non-owner incref           count + 1 in any state but DEAD.
//   T5 non-owner decref           count - 1 (one atomic subtraction, in
//                                 any state); MERGED with count 0 -> DEAD.
//   T6 non-owner decref that took a DEFAULT/MAYBE_WEAK count below zero
//                                 OWNED -> QUEUED, after the fact: the
//                                 thread re-reads the word and, while it is
//                                 still DEFAULT/MAYBE_WEAK with a count
//                                 below zero, CASes it to QUEUED with count
//                                 + 1: the owner's merge queue takes one
//                                 decrement over (pending = 1) and the
//                                 object is queued exactly once (only one
//                                 CAS can leave DEFAULT). If an increment
//                                 brought the count back to >= 0 first,
//                                 nothing is queued (the owner's T2/T3 will
//                                 see the true total).
//   T7 owner drains its queue     QUEUED -> MERGED with count local + count
//                                 - 1, or DEAD if that is 0.
//   T8 owner thread exits         OWNED/QUEUED -> MERGED (every object it
//                                 still owns; local folded into shared,
//                                 ob_tid = 0), so a later thread that gets
//                                 the same id owns none of them.
//   T9 queued to an owner that has exited (ob_tid already 0)
//                                 merged on the spot by the queuing thread,
//                                 as T7. It may overlap a T3 or T8 of the
//                                 owner (which stores ob_tid 0 before its
//                                 RMW): the first RMW to publish MERGED
//                                 folds the local count; the owner's T3/T8
//                                 that finds MERGED then leaves the object,
//                                 and its free, to the T9 thread.
//   T10 TryIncref                 count + 1 unless the object may be DEAD:
//                                 fails on a shared word of exactly 0 (the
//                                 owner may free it without an atomic, T2)
//                                 or exactly MERGED (count 0).
//   T6's fix-up runs after the thread gave up its reference, so by then
//   the object may have been freed (another thread's increment brought the
//   count back to 0 and the owner freed it, T2; or the owner exited, T8)
//   and its block even reused for a new object. That is safe:
//    - the memory is still an object header: object memory is type-stable
//      (alloc/allocator.h) until a QSBR grace period, and the thread is
//      not quiescent between its subtraction and the fix-up;
//    - a word that is DEFAULT/MAYBE_WEAK with a count below zero belongs to
//      a live object (its owner holds local >= -count >= 1) with a fix-up
//      of its own pending: no free leaves such a word behind (T2 frees at
//      exactly 0, merges leave MERGED, a reused block starts at 0), so the
//      CAS, when it succeeds, does for whatever object holds the block what
//      that object's own pending fix-up would have done, and from then on
//      holds the queue's reference to it;
//    - any other word is left alone.
//   No other thread's stop-the-world runs in between (the thread reaches
//   no safepoint there), so the collector never sees such a word; a thread
//   that stopped the world may decrement during its own stop, in sequence
//   with the collector. Decrementing objects while detached breaks the
//   API's contract (as in CPython) and this argument with it (a stop's
//   plain stores could overwrite a fix-up's QUEUED): debug builds abort on
//   a detached thread in the fix-up.
//   (CPython's _Py_DecRefShared uses a CAS loop instead, which makes the
//   change of state atomic with the decrement; on a Xeon that loop's load
//   after the previous locked instruction cost a non-owner pair 1.45x an
//   atomic pair, against 1.0x for this subtraction.)
//
//   DEAD -> freed: refcount.cc's Dealloc (object/dealloc.h): weak references
//   cleared, tp_finalize once, tp_dealloc, weakref callbacks; nested frees
//   go through the thread's trashcan (constant stack); frees that happen
//   while the world is stopped wait until it restarts.
//
// Deferred objects (types, modules: FTRT_GC_BIT_DEFERRED) carry a bias of
// kDeferredBias in their count, so counting never frees them; references in
// a thread's root stack (StackRef, object/stack_ref.h) are not counted at
// all. Only a collection (gc/, or CollectDeferred in object/thread_objects.h
// until gc/ lands) frees them, once no root stack and no other object holds
// them.
//
// Memory ordering:
//  - local count, ob_tid, ob_flags, ob_gc_bits: relaxed std::atomic_ref; the
//    owner is the only writer of local and (until a merge) of ob_tid; others
//    read them (merges, debug checks). Relaxed atomics compile to plain
//    moves on x86-64 and make the design visible to TSan.
//  - non-owner incref: relaxed RMW (a new reference is made from an existing
//    one, whose transfer already ordered things; as std::shared_ptr does).
//  - non-owner decref: release RMW, so every write this thread made to the
//    object happens-before its deallocation; the thread whose RMW produced
//    MERGED with count 0 loads the word with acquire before it frees
//    (pairing with every earlier release in the RMW chain). T6's fix-up CAS is
//    acq_rel: it takes a reference (the queue's), like TryIncref.
//  - the owner reads the shared word with acquire before freeing (T2/T3).
//  - ob_tid is set to 0 before the RMW that publishes MERGED, never after
//    (after it another thread may free the object).
#ifndef FTRT_OBJECT_REFCOUNT_H_
#define FTRT_OBJECT_REFCOUNT_H_

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "alloc/object_layout.h"
#include "object/refcount_abi.h"
#include "sync/config.h"
#include "sync/thread_id.h"

namespace ftrt {

// The shared word's states, as named in the lifecycle table.
inline constexpr intptr_t kRefShift = FTRT_REF_SHARED_SHIFT;
inline constexpr intptr_t kRefOne = intptr_t{1} << kRefShift;
inline constexpr intptr_t kRefStateMask = FTRT_REF_SHARED_FLAG_MASK;
inline constexpr intptr_t kRefDefault = FTRT_REF_DEFAULT;
inline constexpr intptr_t kRefMaybeWeakref = FTRT_REF_MAYBE_WEAKREF;
inline constexpr intptr_t kRefQueued = FTRT_REF_QUEUED;
inline constexpr intptr_t kRefMerged = FTRT_REF_MERGED;
inline constexpr uint32_t kImmortalLocal = FTRT_IMMORTAL_REFCNT_LOCAL;

// Added to the count of a deferred object (2^40 references): no sequence of
// real decrements brings it to zero, and count + bias never overflows.
inline constexpr intptr_t kDeferredBias = intptr_t{1} << 40;

// ob_flags bits that object/ owns (alloc/ owns bits 0-7). Written by the
// thread that deallocates the object, read by debug checks anywhere.
inline constexpr uint16_t kObjFlagDeallocating = 1u << 8;  // DEAD, in dealloc
inline constexpr uint16_t kObjFlagTrashcan = 1u << 9;      // waiting in a trashcan
static_assert(((kObjFlagDeallocating | kObjFlagTrashcan) &
               (FTRT_OBJ_FLAG_FREED | FTRT_OBJ_FLAG_STATIC)) == 0,
              "object/ flags must not overlap alloc/'s");

namespace internal {

// Relaxed views of the header fields (see "Memory ordering" above).
FTRT_ALWAYS_INLINE std::atomic_ref<uint32_t> LocalRef(ObjectHeader* op) {
  return std::atomic_ref<uint32_t>(op->ob_ref_local);
}
FTRT_ALWAYS_INLINE std::atomic_ref<intptr_t> SharedRef(ObjectHeader* op) {
  return std::atomic_ref<intptr_t>(op->ob_ref_shared);
}
FTRT_ALWAYS_INLINE std::atomic_ref<uintptr_t> TidRef(ObjectHeader* op) {
  return std::atomic_ref<uintptr_t>(op->ob_tid);
}
FTRT_ALWAYS_INLINE std::atomic_ref<uint16_t> FlagsRef(ObjectHeader* op) {
  return std::atomic_ref<uint16_t>(op->ob_flags);
}
FTRT_ALWAYS_INLINE std::atomic_ref<uint8_t> GcBitsRef(ObjectHeader* op) {
  return std::atomic_ref<uint8_t>(op->ob_gc_bits);
}
// The owner's update of its local count. Only the owner writes the field
// (others read it relaxed), so a load and a store are enough: no lock
// prefix. (Inline asm forms were tried and dropped: see refcount_abi.h.)
FTRT_ALWAYS_INLINE void OwnerLocalIncrement(ObjectHeader* op) {
  const uint32_t local = LocalRef(op).load(std::memory_order_relaxed);
  LocalRef(op).store(local + 1, std::memory_order_relaxed);
}

// Returns true if the local count reached zero.
FTRT_ALWAYS_INLINE bool OwnerLocalDecrement(ObjectHeader* op) {
  const uint32_t local = LocalRef(op).load(std::memory_order_relaxed) - 1;
  LocalRef(op).store(local, std::memory_order_relaxed);
  return local == 0;
}

// For const callers: atomic_ref needs a non-const object; the accessors
// below only load through it.
FTRT_ALWAYS_INLINE ObjectHeader* Mut(const ObjectHeader* op) {
  return const_cast<ObjectHeader*>(op);
}

// Slow paths (refcount.cc). C entry points with the same behaviour are in
// object/refcount_abi.h.

// T2/T3: the owner's local count just reached zero.
FTRT_COLD void MergeZeroLocalSlow(ObjectHeader* op);
// The free of T5 and T6's fix-up: a non-owner decrement whose atomic
// subtraction (already done) produced `shared`, which is MERGED with count
// 0 or has a count below zero.
FTRT_COLD void DecrefSharedSlow(ObjectHeader* op, intptr_t shared);
// Debug checks (object/debug.cc); each aborts naming the object.
[[noreturn]] FTRT_COLD void ReportRefcountError(const ObjectHeader* op,
                                                const char* what);
FTRT_COLD void CheckIncrefSlow(ObjectHeader* op);
FTRT_COLD void CheckDecrefSlow(ObjectHeader* op);

}  // namespace internal

// Views any object struct whose first member is the header as the header.
template <typename T>
FTRT_ALWAYS_INLINE ObjectHeader* AsHeader(T* p) {
  static_assert(std::is_standard_layout_v<T>,
                "objects are standard-layout structs starting with the header");
  return reinterpret_cast<ObjectHeader*>(p);
}
FTRT_ALWAYS_INLINE ObjectHeader* AsHeader(ObjectHeader* p) { return p; }

// True if the object is immortal (never counted, never freed).
FTRT_ALWAYS_INLINE bool IsImmortal(const ObjectHeader* op) {
  return internal::LocalRef(internal::Mut(op)).load(std::memory_order_relaxed) ==
         kImmortalLocal;
}

// True if the calling thread owns the object (counts it in the local field).
FTRT_ALWAYS_INLINE bool IsOwnedByCurrentThread(const ObjectHeader* op) {
  return internal::TidRef(internal::Mut(op)).load(std::memory_order_relaxed) ==
         CurrentThreadId();
}

// True if the object uses deferred reference counting.
FTRT_ALWAYS_INLINE bool HasDeferredRefcount(const ObjectHeader* op) {
  return (internal::GcBitsRef(internal::Mut(op)).load(std::memory_order_relaxed) &
          FTRT_GC_BIT_DEFERRED) != 0;
}

// Adds a reference. The caller must already hold one (or own the object's
// only path of reach, e.g. right after allocation); use TryIncref when the
// object may be concurrently losing its last reference.
// Memory ordering: none beyond the count itself (relaxed); see above.
FTRT_ALWAYS_INLINE void Incref(ObjectHeader* op) {
  if constexpr (kDebugChecks) internal::CheckIncrefSlow(op);
  if (FTRT_LIKELY(IsOwnedByCurrentThread(op))) {  // T1 (never immortal)
    internal::OwnerLocalIncrement(op);
    return;
  }
  if (IsImmortal(op)) return;
  internal::SharedRef(op).fetch_add(kRefOne, std::memory_order_relaxed);  // T4
}

// Drops a reference; may deallocate the object, which runs arbitrary code
// (destructors, weakref callbacks): the caller must not hold any internal
// lock here, and must re-check any state it read before the call.
// Memory ordering: release on the shared count; the thread that frees
// acquires it first.
FTRT_ALWAYS_INLINE void Decref(ObjectHeader* op) {
  if constexpr (kDebugChecks) internal::CheckDecrefSlow(op);
  if (FTRT_LIKELY(IsOwnedByCurrentThread(op))) {
    if (FTRT_UNLIKELY(internal::OwnerLocalDecrement(op))) {  // T1
      internal::MergeZeroLocalSlow(op);                       // T2/T3
    }
    return;
  }
  if (IsImmortal(op)) return;
  // T5: one atomic subtraction (the state bits lie below the count, so it
  // leaves them as they were). A result of count >= 0 that is not MERGED
  // with count 0 is all there is to do; the free of T5 and T6's fix-up
  // (a count below zero in DEFAULT/MAYBE_WEAK) go to the slow path with
  // the word this subtraction produced.
  const intptr_t shared =
      internal::SharedRef(op).fetch_sub(kRefOne, std::memory_order_release) - kRefOne;
  if (FTRT_LIKELY(shared >= 0 && shared != kRefMerged)) return;
  internal::DecrefSharedSlow(op, shared);
}

// Adds a reference unless the object may already be on its way to being
// freed (lifecycle T10); returns whether it did. The object's memory must
// still be a header (a QSBR grace period, or a lock that deallocation
// takes, such as the weakref lock). Lock-free readers (list and dict reads)
// re-check their source after a success.
// Memory ordering: acquire on success.
FTRT_ALWAYS_INLINE bool TryIncref(ObjectHeader* op) {
  if (IsOwnedByCurrentThread(op)) {
    // Owned by us: local >= 1 (a local count of 0 unowns the object before
    // anything else, T3), so it is alive.
    internal::OwnerLocalIncrement(op);
    return true;
  }
  if (IsImmortal(op)) return true;
  intptr_t shared = internal::SharedRef(op).load(std::memory_order_relaxed);
  for (;;) {
    if (shared == 0 || shared == kRefMerged) return false;
    if (internal::SharedRef(op).compare_exchange_weak(
            shared, shared + kRefOne, std::memory_order_acquire,
            std::memory_order_relaxed)) {
      return true;
    }
  }
}

// The total count as far as a racing reader can tell (exact when nothing
// else touches the object). Immortal objects report kImmortalLocal; deferred
// ones include kDeferredBias.
inline intptr_t Refcount(const ObjectHeader* op) {
  ObjectHeader* o = internal::Mut(op);
  const uint32_t local = internal::LocalRef(o).load(std::memory_order_relaxed);
  if (local == kImmortalLocal) return kImmortalLocal;
  const intptr_t shared = internal::SharedRef(o).load(std::memory_order_relaxed);
  const intptr_t count = shared >> kRefShift;
  if ((shared & kRefStateMask) == kRefMerged) return count;
  return count + static_cast<intptr_t>(local) -
         ((shared & kRefStateMask) == kRefQueued ? 1 : 0);
}

// Turns DEFAULT into MAYBE_WEAKREF, so that TryIncref from another thread
// can succeed even while the shared count is zero (the owner then merges
// with an atomic instead of freeing on the spot). Weak references and
// lock-free containers call it on objects other threads may reach.
FTRT_NOINLINE void SetMaybeWeakref(ObjectHeader* op);

// Makes a live object immortal: it is never counted or freed again. Call it
// only while no other thread can reach the object (at creation, or during a
// stop-the-world).
void SetImmortal(ObjectHeader* op);

// Initialises a static object's header (static storage, e.g. a static
// type): immortal, unowned, FTRT_OBJ_FLAG_STATIC.
void InitStaticHeader(ObjectHeader* op, struct _typeobject* type);

// Makes an object the calling thread owns use deferred reference counting
// (see above). Call it right after creation, before others can reach it.
void SetDeferredRefcount(ObjectHeader* op);

}  // namespace ftrt

#endif  // FTRT_OBJECT_REFCOUNT_H_
