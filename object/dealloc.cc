// Deallocation, the trashcan and PEP 442 finalization (see dealloc.h).
#include "object/dealloc.h"

#include "object/object.h"
#include "object/refcount.h"
#include "object/thread_objects.h"
#include "object/weakref.h"

namespace ftrt {
namespace internal {
namespace {

// Per-thread trashcan: the depth of nested deallocations and the objects
// deferred past kTrashcanDepth (linked through ob_tid). Touched only by its
// own thread.
struct Trashcan {
  int depth = 0;
  ObjectHeader* head = nullptr;
};
constinit thread_local Trashcan t_trashcan;

void SetFlags(ObjectHeader* op, uint16_t set, uint16_t clear) {
  // Only the deallocating thread writes the flags of a DEAD object; other
  // threads read them in debug checks.
  const uint16_t f = FlagsRef(op).load(std::memory_order_relaxed);
  FlagsRef(op).store(static_cast<uint16_t>((f | set) & ~clear), std::memory_order_relaxed);
}

// Step 3. Returns false if the finalizer resurrected the object.
bool CallFinalizer(ObjectHeader* op, destructor finalize) {
  // Resurrect with one reference held by this frame. The object is DEAD, so
  // no other thread holds or can take a reference (TryIncref refuses both
  // DEAD words), and the store needs no ordering of its own.
  LocalRef(op).store(0, std::memory_order_relaxed);
  SharedRef(op).store(kRefMerged + kRefOne, std::memory_order_relaxed);
  GcBitsRef(op).fetch_or(FTRT_GC_BIT_FINALIZED, std::memory_order_relaxed);
  finalize(op);
  // Drop the temporary reference. acq_rel: if the finalizer handed the
  // object to another thread that has since dropped it, its writes happen-
  // before what follows.
  const intptr_t prev = SharedRef(op).fetch_sub(kRefOne, std::memory_order_acq_rel);
  // Anything else: the finalizer stored a reference; whoever drops the
  // last one deallocates again (and FINALIZED keeps this step from
  // repeating).
  return prev == kRefMerged + kRefOne;
}

void DeallocNow(ObjectHeader* op) {
  // Nobody may take the owner's path on a DEAD object (T2 leaves ob_tid
  // set): a TryIncref by the former owner must fail like everyone's.
  TidRef(op).store(0, std::memory_order_relaxed);
  PyTypeObject* type = op->ob_type;
  if (type->tp_finalize != nullptr &&
      (GcBitsRef(op).load(std::memory_order_relaxed) & FTRT_GC_BIT_FINALIZED) == 0) {
    if (!CallFinalizer(op, type->tp_finalize)) return;
  }
  SetFlags(op, kObjFlagDeallocating, 0);
  WeakRefObject* callbacks = nullptr;
  if (type->tp_weaklistoffset > 0) callbacks = ClearWeakRefsForDealloc(op);
  if (type->tp_dealloc != nullptr) {
    type->tp_dealloc(op);
  } else {
    DefaultDealloc(op);
  }
  // op is gone. Step 6, with no lock held.
  if (callbacks != nullptr) RunWeakRefCallbacks(callbacks);
}

}  // namespace

void Dealloc(ObjectHeader* op) {
  if (FTRT_UNLIKELY(DeferDeallocIfWorldStopped(op))) return;
  Trashcan& trash = t_trashcan;
  if (trash.depth >= kTrashcanDepth) {
    SetFlags(op, kObjFlagTrashcan, 0);
    TidRef(op).store(reinterpret_cast<uintptr_t>(trash.head), std::memory_order_relaxed);
    trash.head = op;
    return;
  }
  ++trash.depth;
  DeallocNow(op);
  if (trash.depth == 1) {
    // The outermost deallocation empties the list; each one it runs may
    // refill it, never by more than what one nesting of kTrashcanDepth
    // levels leaves behind.
    while (trash.head != nullptr) {
      ObjectHeader* next = trash.head;
      trash.head = reinterpret_cast<ObjectHeader*>(TidRef(next).load(std::memory_order_relaxed));
      SetFlags(next, 0, kObjFlagTrashcan);
      DeallocNow(next);
    }
  }
  --trash.depth;
}

int TrashcanDepthForTesting() { return t_trashcan.depth; }

}  // namespace internal

void DefaultDealloc(PyObject* op) {
  PyTypeObject* type = op->ob_type;
  UntrackObject(op);
  if (type->tp_free != nullptr) {
    type->tp_free(op);
  } else {
    FreeObject(op);
  }
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) Decref(AsHeader(type));
}

bool IsDeadOrDeallocating(const ObjectHeader* op) {
  ObjectHeader* o = internal::Mut(op);
  if (internal::FlagsRef(o).load(std::memory_order_relaxed) &
      (kObjFlagDeallocating | kObjFlagTrashcan | FTRT_OBJ_FLAG_FREED)) {
    return true;
  }
  const uint32_t local = internal::LocalRef(o).load(std::memory_order_relaxed);
  if (local == kImmortalLocal) return false;
  const intptr_t shared = internal::SharedRef(o).load(std::memory_order_relaxed);
  return shared == kRefMerged || (shared == 0 && local == 0);
}

}  // namespace ftrt
