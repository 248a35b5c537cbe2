// The slow paths of reference counting: the transitions of the lifecycle
// table in refcount.h that change a state (T2, T3, T5's free, T6, T7-T9's
// merge). Each but T5's is a compare-and-swap loop on the shared word
// (T5's subtraction is inline in refcount.h); whichever
// thread's successful RMW turns the word into MERGED with count 0 (or, for
// T2, the owner that reads an all-zero word) is the one that frees, so an
// object is freed exactly once. An RMW that leaves a MERGED word as it was
// turns nothing into anything: T8, which adds nothing, gives up as soon as
// it finds the word MERGED (another thread's T9 got there first). Follows
// CPython's Objects/object.c (_Py_MergeZeroLocalRefcount, _Py_DecRefShared,
// _Py_ExplicitMergeRefcount).
#include "object/refcount.h"

#include "object/dealloc.h"
#include "object/refcount_abi.h"
#include "object/thread_objects.h"
#include "runtime/thread_state.h"

namespace ftrt {
namespace internal {

void MergeZeroLocalSlow(ObjectHeader* op) {
  // Acquire: pairs with the release decrements of other threads, so their
  // writes to the object happen-before a free here.
  intptr_t shared = SharedRef(op).load(std::memory_order_acquire);
  if (shared == 0) {
    // T2: nothing shared, no weak references: dead at once.
    Dealloc(op);
    return;
  }
  // T3. Unown first: once MERGED is published another thread may free the
  // object, so nothing may be written to it after the RMW below.
  TidRef(op).store(0, std::memory_order_relaxed);
  intptr_t desired;
  do {
    if ((shared & kRefStateMask) == kRefMerged) {
      // A thread that found ob_tid == 0 merged it for us (T9); whoever
      // produced the final word decides the free.
      return;
    }
    desired = (shared & ~kRefStateMask) | kRefMerged;
  } while (!SharedRef(op).compare_exchange_weak(shared, desired,
                                                std::memory_order_acq_rel,
                                                std::memory_order_acquire));
  if constexpr (kDebugChecks) {
    if (desired < kRefMerged) ReportRefcountError(op, "decref below zero (merged count negative)");
  }
  if (desired == kRefMerged) Dealloc(op);
}

namespace {
std::atomic<void (*)(ObjectHeader*)> g_decref_fixup_hook{nullptr};
}  // namespace

void SetDecrefFixUpHookForTesting(void (*hook)(ObjectHeader* op)) {
  g_decref_fixup_hook.store(hook, std::memory_order_release);
}

void DecrefSharedSlow(ObjectHeader* op, intptr_t shared) {
  const intptr_t state = shared & kRefStateMask;
  if (shared == kRefMerged) {
    // T5's free: this thread's subtraction took a merged count to 0.
    // An acquire load of the word our RMW wrote (nothing writes it after
    // that): it synchronizes with every release decrement before ours, as
    // RMWs continue release sequences. (Not a fence: TSan has no fences.)
    (void)SharedRef(op).load(std::memory_order_acquire);
    Dealloc(op);
    return;
  }
  if (state == kRefQueued) return;  // T5 while QUEUED: may go below zero
  if (state == kRefMerged) {
    if constexpr (kDebugChecks) ReportRefcountError(op, "decref below zero (shared count)");
    return;
  }
  // T6: DEFAULT/MAYBE_WEAK with a count below zero. From here on this
  // thread holds no reference: see refcount.h for why the fix-up may look
  // at the word anyway, and why it may act on what it finds. That needs
  // the thread attached (not quiescent, and no stop can run meanwhile).
  if constexpr (kDebugChecks) {
    if (ThreadState::Current() == nullptr) {
      ReportRefcountError(op, "decref of another thread's object by a detached thread");
    }
  }
  if (auto hook = g_decref_fixup_hook.load(std::memory_order_acquire)) hook(op);
  // The first CAS expects the word our subtraction produced; a failed one
  // reads the word as it is now.
  for (;;) {
    const intptr_t now = shared & kRefStateMask;
    if (shared >= 0 || (now != kRefDefault && now != kRefMaybeWeakref)) {
      // Back at >= 0 (an increment), or QUEUED/MERGED (another fix-up, a
      // merge), or the block was freed: nothing to queue.
      return;
    }
    const intptr_t desired = ((shared & ~kRefStateMask) + kRefOne) | kRefQueued;
    if (SharedRef(op).compare_exchange_weak(shared, desired, std::memory_order_acq_rel,
                                            std::memory_order_relaxed)) {
      break;
    }
  }
  QueueToOwner(op);  // the queue holds the decrement taken over (pending 1)
}

intptr_t MergeRefcount(ObjectHeader* op, intptr_t extra) {
  // With extra == 0 the RMW on an already MERGED word changes nothing, so
  // a count of 0 returned then would not be this call's to free (T8 has
  // its own entry point below).
  FTRT_DCHECK(extra != 0, "MergeRefcount(%p, 0): use MergeRefcountAtOwnerExit",
              static_cast<void*>(op));
  intptr_t shared = SharedRef(op).load(std::memory_order_relaxed);
  if ((shared & kRefStateMask) != kRefMerged) {
    // Unown before publishing MERGED (see MergeZeroLocalSlow).
    TidRef(op).store(0, std::memory_order_relaxed);
  }
  intptr_t desired;
  do {
    if ((shared & kRefStateMask) == kRefMerged) {
      desired = shared + extra * kRefOne;
    } else {
      // The owner is this thread (T7), has exited (T8 runs on it before it
      // goes; T9 after it unowned the object) or is stopped: nobody writes
      // the local count now.
      const intptr_t local = LocalRef(op).load(std::memory_order_relaxed);
      desired = (((shared >> kRefShift) + local + extra) << kRefShift) | kRefMerged;
    }
  } while (!SharedRef(op).compare_exchange_weak(shared, desired,
                                                std::memory_order_acq_rel,
                                                std::memory_order_relaxed));
  const intptr_t count = desired >> kRefShift;
  if constexpr (kDebugChecks) {
    if (count < 0) ReportRefcountError(op, "decref below zero (merge)");
  }
  return count;
}

namespace {
std::atomic<void (*)(ObjectHeader*)> g_owner_exit_merge_hook{nullptr};
}  // namespace

void SetOwnerExitMergeHookForTesting(void (*hook)(ObjectHeader* op)) {
  g_owner_exit_merge_hook.store(hook, std::memory_order_release);
}

bool MergeRefcountAtOwnerExit(ObjectHeader* op) {
  intptr_t shared = SharedRef(op).load(std::memory_order_relaxed);
  if ((shared & kRefStateMask) == kRefMerged) return false;
  // Unown before publishing MERGED (see MergeZeroLocalSlow). From this
  // store on, a thread that takes the object to QUEUED (T6) finds ob_tid 0
  // and merges it on the spot (T9), with the decrement the queue would
  // have held.
  TidRef(op).store(0, std::memory_order_relaxed);
  if (auto hook = g_owner_exit_merge_hook.load(std::memory_order_acquire)) hook(op);
  intptr_t desired;
  do {
    if ((shared & kRefStateMask) == kRefMerged) {
      // That T9 (or a later decrement) won: whoever produced the MERGED
      // word decides the free, and the object may be gone already. Not
      // ours: touch nothing.
      return false;
    }
    // We are the owner: nobody else writes the local count.
    const intptr_t local = LocalRef(op).load(std::memory_order_relaxed);
    desired = (((shared >> kRefShift) + local) << kRefShift) | kRefMerged;
  } while (!SharedRef(op).compare_exchange_weak(shared, desired,
                                                std::memory_order_acq_rel,
                                                std::memory_order_relaxed));
  if constexpr (kDebugChecks) {
    if (desired < kRefMerged) ReportRefcountError(op, "decref below zero (owner exit)");
  }
  return desired == kRefMerged;
}

}  // namespace internal

void SetMaybeWeakref(ObjectHeader* op) {
  if (IsImmortal(op)) return;
  intptr_t shared = internal::SharedRef(op).load(std::memory_order_relaxed);
  while ((shared & kRefStateMask) == kRefDefault) {
    if (internal::SharedRef(op).compare_exchange_weak(
            shared, shared | kRefMaybeWeakref, std::memory_order_relaxed,
            std::memory_order_relaxed)) {
      return;
    }
  }
  // MAYBE_WEAKREF, QUEUED or MERGED: TryIncref already works.
}

void SetImmortal(ObjectHeader* op) {
  internal::LocalRef(op).store(kImmortalLocal, std::memory_order_relaxed);
  internal::SharedRef(op).store(0, std::memory_order_relaxed);
  internal::TidRef(op).store(0, std::memory_order_relaxed);
}

void InitStaticHeader(ObjectHeader* op, struct _typeobject* type) {
  op->ob_flags = FTRT_OBJ_FLAG_STATIC;
  op->ob_gc_bits = 0;
  op->ob_type = type;
  SetImmortal(op);
}

void SetDeferredRefcount(ObjectHeader* op) {
  if (IsImmortal(op)) return;
  FTRT_DCHECK(IsOwnedByCurrentThread(op),
              "SetDeferredRefcount on %p: only its owner may, at creation",
              static_cast<void*>(op));
  internal::GcBitsRef(op).fetch_or(FTRT_GC_BIT_DEFERRED, std::memory_order_relaxed);
  internal::SharedRef(op).fetch_add(kDeferredBias * kRefOne, std::memory_order_relaxed);
}

}  // namespace ftrt

// The C entry points of object/refcount_abi.h.
extern "C" {

void ftrt_MergeZeroLocalRefcount(struct _object* op) {
  ftrt::internal::MergeZeroLocalSlow(op);
}

void ftrt_DecRefShared(struct _object* op, intptr_t shared) {
  ftrt::internal::DecrefSharedSlow(op, shared);
}

void ftrt_CheckIncref(struct _object* op) { ftrt::internal::CheckIncrefSlow(op); }

void ftrt_CheckDecref(struct _object* op) { ftrt::internal::CheckDecrefSlow(op); }

int ftrt_TryIncrefShared(struct _object* op) { return ftrt::TryIncref(op) ? 1 : 0; }

}  // extern "C"
