// The steps of a collection (passes.h; the algorithm is collector.h's, the
// scratch fields scratch.h's). Follows CPython 3.13t's
// Python/gc_free_threading.c (update_refs, mark_heap_visitor,
// scan_heap_visitor, clear_weakrefs, finalize_garbage,
// handle_resurrected_objects, delete_garbage), with our own code and one
// difference: every work list, the marking one included, is threaded
// through object headers, so no pass allocates.
#include "gc/passes.h"

#include <climits>

#include "gc/scratch.h"
#include "object/errors.h"
#include "object/object.h"
#include "object/thread_objects.h"

namespace ftrt::gc::internal {
namespace {

using ftrt::internal::MergeRefcount;

// --- step 2 -----------------------------------------------------------------

// First touch of a candidate in this collection: gc_refs = its count.
FTRT_ALWAYS_INLINE void InitRefs(Collection& c, ObjectHeader* op, uint8_t bits) {
  FTRT_DCHECK(TidRef(op).load(std::memory_order_relaxed) == OriginalTid(c.allocator, op),
              "gc: ob_tid %#lx of %p is not what the ownership record restores (%#lx)",
              static_cast<unsigned long>(TidRef(op).load(std::memory_order_relaxed)),
              static_cast<void*>(op),
              static_cast<unsigned long>(OriginalTid(c.allocator, op)));
  (void)c;
  const intptr_t refs = TrueRefcount(op, bits);
  FTRT_DCHECK(refs >= 0, "gc: negative refcount %ld on %p", static_cast<long>(refs),
              static_cast<void*>(op));
  SetGcRefs(op, refs);
  SetBitsStopped(op, static_cast<uint8_t>(bits | kUnreachable));
}

// visitproc: one reference from a candidate (or a root stack) to `op`.
int VisitDecref(PyObject* op, void* arg) {
  if (op == nullptr) return 0;
  const uint8_t bits = Bits(op);
  if (!(bits & kUnreachable)) {
    if (!IsCandidate(op, bits)) return 0;
    InitRefs(*static_cast<Collection*>(arg), op, bits);
  }
  AddGcRefs(op, -1);
  return 0;
}

FTRT_ALWAYS_INLINE void Traverse(ObjectHeader* op, visitproc visit, void* arg) {
  if (traverseproc t = op->ob_type->tp_traverse) (void)t(op, visit, arg);
}

// --- step 3 -----------------------------------------------------------------

// visitproc: marks a referent that is still a candidate and pushes it on
// the work list (arg: its head), through its ob_tid: its gc_refs are not
// needed once it is known to be reachable.
int VisitMark(PyObject* op, void* arg) {
  if (op == nullptr) return 0;
  const uint8_t bits = Bits(op);
  if (bits & kUnreachable) {
    SetBitsStopped(op, static_cast<uint8_t>((bits & ~kUnreachable) | kAlive));
    auto** stack = static_cast<ObjectHeader**>(arg);
    SetLink(op, *stack);
    *stack = op;
  }
  return 0;
}

// Marks root (already ALIVE) and everything reachable from it that is
// still a candidate. Iterative: the stack lives in the objects' headers.
void MarkFrom(ObjectHeader* root) {
  ObjectHeader* stack = root;
  SetLink(root, nullptr);
  while (stack != nullptr) {
    ObjectHeader* op = stack;
    stack = Link(op);
    Traverse(op, VisitMark, &stack);
  }
}

// --- step 5, resurrection ---------------------------------------------------

// gc_refs among the unreachable live in ob_ref_local (ignored once merged).
FTRT_ALWAYS_INLINE int32_t LocalRefs(ObjectHeader* op) {
  return static_cast<int32_t>(LocalRef(op).load(std::memory_order_relaxed));
}
FTRT_ALWAYS_INLINE void SetLocalRefs(ObjectHeader* op, int32_t v) {
  LocalRef(op).store(static_cast<uint32_t>(v), std::memory_order_relaxed);
}

int VisitDecrefUnreachable(PyObject* op, void*) {
  if (op != nullptr && (Bits(op) & kUnreachable)) SetLocalRefs(op, LocalRefs(op) - 1);
  return 0;
}

}  // namespace

// --- world stopped ------------------------------------------------------------

void CountRefs(Runtime& runtime, Collection& c) {
  // Uncounted (deferred) references on the root stacks are references from
  // outside the heap that the count does not show.
  ForEachRootStackEntry(runtime, [&](const RootStackEntry& e) {
    if (e.counted) return;
    ObjectHeader* op = e.object;
    const uint8_t bits = Bits(op);
    if (!(bits & kUnreachable)) {
      if (!IsCandidate(op, bits)) return;
      InitRefs(c, op, bits);
    }
    AddGcRefs(op, 1);
  });
  c.allocator.ForEachTrackedObject([&](ObjectHeader* op) {
    const uint8_t bits = Bits(op);
    if (!(bits & kUnreachable)) {
      if (!IsCandidate(op, bits)) return;
      InitRefs(c, op, bits);
    }
    ++c.candidates;
    Traverse(op, VisitDecref, &c);
  });
}

void MarkReachable(Collection& c) {
  c.allocator.ForEachTrackedObject([&](ObjectHeader* op) {
    const uint8_t bits = Bits(op);
    if (!(bits & kUnreachable)) return;  // not a candidate, or marked already
    const intptr_t refs = GcRefs(op);
    FTRT_DCHECK(refs >= 0, "gc: %p has more references from the heap than its count (%ld)",
                static_cast<void*>(op), static_cast<long>(refs));
    if (refs <= 0) return;  // unreachable, unless marked from a root later
    SetBitsStopped(op, static_cast<uint8_t>((bits & ~kUnreachable) | kAlive));
    MarkFrom(op);
  });
}

void ScanHeap(Collection& c) {
  ObjectHeader* unreachable = nullptr;
  size_t n = 0, survivors = 0;
  c.allocator.ForEachTrackedObject([&](ObjectHeader* op) {
    uint8_t bits = Bits(op);
    if (bits & kAlive) {
      const uintptr_t tid = IsMerged(op) ? 0 : c.allocator.OwnerOf(op);
      SetBitsStopped(op, static_cast<uint8_t>(bits & ~kAlive));
      if (FTRT_UNLIKELY(tid == 0 && !IsMerged(op))) {
        // An unmerged object with no owner (thread exit merges them all,
        // so this should not happen): merge it, as CPython does.
        MergeRefcount(op, 0);
      } else {
        TidRef(op).store(tid, std::memory_order_relaxed);
      }
      ++survivors;
      return;
    }
    if (!(bits & kUnreachable)) return;
    // Unreachable: the list holds one reference, and refcounting alone must
    // be able to free it once its cycles are broken (no deferred counting).
    intptr_t extra = 1;
    if (bits & kDeferred) {
      extra -= kDeferredBias;
      SetBitsStopped(op, static_cast<uint8_t>(bits & ~kDeferred));
    }
    MergeRefcount(op, extra);  // unowns it: ob_tid is 0 until we link it
    LocalRef(op).store(0, std::memory_order_relaxed);
    SetLink(op, unreachable);
    unreachable = op;
    ++n;
  });
  c.unreachable = unreachable;
  c.num_unreachable = n;
  c.survivors = survivors;
}

void ClearWeakRefs(Collection& c) {
  PyTypeObject* const weakref_type = WeakRefType();
  for (ObjectHeader* op = c.unreachable; op != nullptr; op = Link(op)) {
    PyTypeObject* type = op->ob_type;
    if (type == weakref_type) {
      // An unreachable weak reference: detach it from its referent now, so
      // that its callback can never run on objects being torn down (its
      // callback is dropped too; CPython never calls it either).
      type->tp_clear(op);
    }
    if (type->tp_weaklistoffset <= 0) continue;
    auto* head = reinterpret_cast<WeakRefObject**>(reinterpret_cast<char*>(op) +
                                                   type->tp_weaklistoffset);
    if (*head == nullptr) continue;  // world stopped: no lock needed to look
    for (WeakRefObject* wr = *head; wr != nullptr; wr = wr->wr_next) ++c.weakrefs_cleared;
    WeakRefObject* list = ftrt::internal::ClearWeakRefsForDealloc(op);
    while (list != nullptr) {
      WeakRefObject* wr = list;
      list = wr->wr_next;
      wr->wr_next = nullptr;
      if (Bits(AsHeader(wr)) & kUnreachable) {
        // Unreachable itself: no callback (as CPython). Drop the reference
        // ClearWeakRefsForDealloc took; the list still holds one.
        Decref(AsHeader(wr));
        continue;
      }
      wr->wr_next = c.callbacks;
      c.callbacks = wr;
    }
  }
}

// --- world running --------------------------------------------------------------

void RunWeakRefCallbacks(Collection& c) {
  WeakRefObject* list = c.callbacks;
  c.callbacks = nullptr;
  if (list != nullptr) ftrt::internal::RunWeakRefCallbacks(list);
}

void FinalizeUnreachable(Collection& c, ErrorSink report) {
  // The list's references keep every object on it alive, and nobody else
  // writes the ob_tid of a merged object, so the links stay valid while
  // finalizers run arbitrary code on this and other threads.
  for (ObjectHeader* op = c.unreachable; op != nullptr; op = Link(op)) {
    destructor finalize = op->ob_type->tp_finalize;
    if (finalize == nullptr) continue;
    if (GcBitsRef(op).fetch_or(kFinalized, std::memory_order_relaxed) & kFinalized) continue;
    finalize(op);
    ++c.finalizers_called;
    if (ErrorIndicatorSet()) {
      ++c.errors;
      report(TakeErrorIndicator("tp_finalize"), op, "finalizer");
    }
  }
}

// --- world stopped again ----------------------------------------------------------

void HandleResurrected(Collection& c) {
  // gc_refs among the unreachable: the count, less the list's reference,
  // less the references from other unreachable objects.
  for (ObjectHeader* op = c.unreachable; op != nullptr; op = Link(op)) {
    FTRT_DCHECK(IsMerged(op) && (Bits(op) & kUnreachable), "gc: unreachable list corrupt at %p",
                static_cast<void*>(op));
    intptr_t refs = (SharedRef(op).load(std::memory_order_relaxed) >> kRefShift) - 1;
    if (refs > INT32_MAX / 2) refs = INT32_MAX / 2;  // plainly referenced from outside
    SetLocalRefs(op, static_cast<int32_t>(refs));
  }
  for (ObjectHeader* op = c.unreachable; op != nullptr; op = Link(op)) {
    Traverse(op, VisitDecrefUnreachable, nullptr);
  }
  // Roots of resurrection: referenced from outside the set. Flag them
  // (ALIVE) and give ob_ref_local back.
  size_t roots = 0;
  for (ObjectHeader* op = c.unreachable; op != nullptr; op = Link(op)) {
    const int32_t refs = LocalRefs(op);
    FTRT_DCHECK(refs >= 0, "gc: negative resurrection count on %p", static_cast<void*>(op));
    SetLocalRefs(op, 0);
    if (refs > 0) {
      SetBitsStopped(op, static_cast<uint8_t>(Bits(op) | kAlive));
      ++roots;
    }
  }
  if (roots == 0) return;
  // Dissolve the list (every ob_tid back to 0: all are merged); the
  // UNREACHABLE bit still names the set. Then mark from the roots, the
  // work list threaded through ob_tid as in step 3.
  ObjectHeader* stack = nullptr;
  for (ObjectHeader* op = c.unreachable; op != nullptr;) {
    ObjectHeader* next = Link(op);
    SetLink(op, nullptr);
    const uint8_t bits = Bits(op);
    if (bits & kAlive) {
      SetBitsStopped(op, static_cast<uint8_t>(bits & ~kUnreachable));
      SetLink(op, stack);
      stack = op;
    }
    op = next;
  }
  while (stack != nullptr) {
    ObjectHeader* op = stack;
    stack = Link(op);
    Traverse(op, VisitMark, &stack);
  }
  // Rebuild the list from what is still unreachable; the resurrected give
  // the list's reference back. Every member is alive (the list holds it),
  // tracked or not, so a walk over all objects finds each.
  ObjectHeader* unreachable = nullptr;
  size_t n = 0, resurrected = 0;
  c.allocator.ForEachObject([&](ObjectHeader* op) {
    const uint8_t bits = Bits(op);
    if (bits & kAlive) {
      SetBitsStopped(op, static_cast<uint8_t>(bits & ~kAlive));
      SetLink(op, nullptr);
      const intptr_t left = MergeRefcount(op, -1);
      FTRT_DCHECK(left > 0, "gc: resurrected object %p has no reference left",
                  static_cast<void*>(op));
      (void)left;
      ++resurrected;
    } else if (bits & kUnreachable) {
      SetLink(op, unreachable);
      unreachable = op;
      ++n;
    }
  });
  c.unreachable = unreachable;
  c.num_unreachable = n;
  c.resurrected += resurrected;
}

// --- world running --------------------------------------------------------------

void ClearUnreachable(Collection& c, ErrorSink report) {
  while (c.unreachable != nullptr) {
    ObjectHeader* op = c.unreachable;
    c.unreachable = Link(op);
    SetLink(op, nullptr);  // merged: its owner id is 0
    GcBitsRef(op).fetch_and(static_cast<uint8_t>(~kUnreachable), std::memory_order_relaxed);
    if (inquiry clear = op->ob_type->tp_clear) {
      (void)clear(op);
      if (ErrorIndicatorSet()) {
        ++c.errors;
        report(TakeErrorIndicator("tp_clear"), op, "tp_clear");
      }
    }
    Decref(op);  // may free it, and what its cycle held, now
  }
}

}  // namespace ftrt::gc::internal
