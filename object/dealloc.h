// Deallocation: what happens once an object is DEAD (refcount.h's table).
//
// Dealloc(op) runs, in this order, on the thread that saw the count reach
// zero:
//   1. if the world is stopped (this thread is the one that stopped it), the
//      object is set aside and freed right after the world restarts
//      (object/thread_objects.h), because freeing runs arbitrary code;
//   2. the trashcan: a thread already this many deallocations deep
//      (kTrashcanDepth) pushes the object on its per-thread deferred list
//      instead of recursing, and the outermost deallocation empties that
//      list in a loop, so freeing a chain of a million objects, each holding
//      the next, runs in constant stack. The list is intrusive (linked
//      through ob_tid, which no thread may compare equal to its own id once
//      the object is DEAD), so it never allocates. CPython's "trashcan"
//      (Py_TRASHCAN_BEGIN) does the same with a depth limit per type; here
//      every type gets it, with no code in tp_dealloc;
//   3. PEP 442: tp_finalize, at most once in the object's life
//      (FTRT_GC_BIT_FINALIZED), with the object temporarily resurrected; if
//      the finalizer stored a new reference somewhere the object lives on;
//   4. weak references (tp_weaklistoffset) are cleared: from here on no
//      upgrade can return the object;
//   5. tp_dealloc (or, if the type has none, DefaultDealloc);
//   6. the callbacks of the weak references cleared in step 4 run, after the
//      object is gone, on this thread, with no internal lock held.
//
// Must not hold any internal lock when a Decref can reach this (it runs
// destructors and callbacks that may take any lock, including ours).
#ifndef FTRT_OBJECT_DEALLOC_H_
#define FTRT_OBJECT_DEALLOC_H_

#include "alloc/object_layout.h"
#include "object/cpython_types.h"

namespace ftrt {

// How deep deallocations nest on one thread before the trashcan defers.
inline constexpr int kTrashcanDepth = 50;

// The deallocation of a type without tp_dealloc (and the tail of those that
// want the default): untracks the object, calls tp_free (or
// ftrt::FreeObject), and drops the instance's reference to its type if the
// type is a heap type (CPython's subtype_dealloc does the same).
void DefaultDealloc(PyObject* op);

// True if the object is DEAD or being deallocated (refcount.h), so that a
// visitor (the collector during a stop) can skip objects still allocated
// but already on their way out (waiting in a trashcan or an after-stop
// list).
bool IsDeadOrDeallocating(const ObjectHeader* op);

namespace internal {

// Entry point of every free: op is DEAD (count zero, no reference left).
void Dealloc(ObjectHeader* op);

// Current trashcan depth of the calling thread (for tests).
int TrashcanDepthForTesting();

}  // namespace internal
}  // namespace ftrt

#endif  // FTRT_OBJECT_DEALLOC_H_
