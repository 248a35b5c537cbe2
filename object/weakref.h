// Weak references: CPython's tp_weaklistoffset scheme, made safe without a
// GIL as CPython 3.13t does (Objects/weakrefobject.c).
//
// A type that supports weak references reserves a pointer-sized slot in its
// instances at tp_weaklistoffset; the slot heads a doubly linked list of
// the WeakRefObjects that refer to the instance. Every list, and every
// weakref's wr_object field, is guarded by one of kWeakrefLockStripes
// striped locks chosen by the referent's address (a weakref caches its
// stripe in weakrefs_lock).
//
// Upgrade (WeakRefGet) takes the stripe, reads wr_object and calls
// TryIncref on it. Deallocation clears the list under the same stripe
// before the object's memory is freed (dealloc.h, step 4), so the memory
// an upgrade looks at is always the referent's; and since creating a weak
// reference puts the referent in MAYBE_WEAKREF (refcount.h), its owner
// cannot free it without an atomic on the shared word, against which
// TryIncref's compare-and-swap is ordered. So an upgrade racing a final
// decrement on another thread returns either a live object (it won: the
// decrement was not final after all) or nothing, never freed memory.
//
// Callbacks run after the referent is gone (dealloc.h, step 6), on the
// thread that freed it, with no lock held, and only for weak references
// that are themselves still alive then; each receives the weak reference.
// A callback is any object; object/ calls native ones (NewWeakCallback)
// itself and hands the rest to the invoker set with
// SetWeakCallbackInvoker (the object protocol registers one that calls
// them).
//
// Memory ordering: the stripe's lock (acquire/release) orders everything
// here; a successful upgrade is TryIncref (acquire).
#ifndef FTRT_OBJECT_WEAKREF_H_
#define FTRT_OBJECT_WEAKREF_H_

#include "absl/status/statusor.h"
#include "object/cpython_types.h"
#include "object/ref.h"
#include "sync/mutex.h"

namespace ftrt {

// Laid out as CPython 3.13t's PyWeakReference.
struct WeakRefObject {
  ObjectHeader ob_base;
  // The referent; nullptr once it is gone. Guarded by *weakrefs_lock.
  ObjectHeader* wr_object;
  // A strong reference to the callback, or nullptr.
  ObjectHeader* wr_callback;
  Py_hash_t hash;  // -1 until computed (the object protocol's business)
  // Links in the referent's list, guarded by *weakrefs_lock. After the
  // referent died, the dealloc path links callbacks-to-run through wr_next.
  WeakRefObject* wr_prev;
  WeakRefObject* wr_next;
  vectorcallfunc vectorcall;
  Mutex* weakrefs_lock;  // the referent's stripe; set once at creation
};
static_assert(sizeof(WeakRefObject) == 88, "CPython 3.13t's PyWeakReference");

inline constexpr int kWeakrefLockStripes = 64;

// The type of weak reference objects ("weakref.ReferenceType"), static and
// immortal. GC-capable (its callback may be part of a cycle).
PyTypeObject* WeakRefType();

namespace internal {
// WeakRefType()'s object, with external linkage so that ext_abi/ can
// export it to C under CPython's name (_PyWeakref_RefType, an alias made
// at link time).
extern PyTypeObject g_weakref_type;
}  // namespace internal

// A weak reference to obj, whose type must have tp_weaklistoffset > 0
// (InvalidArgument otherwise; ResourceExhausted if allocation fails).
// callback: nullptr or an object, called as described above. Without a
// callback, an existing callback-less weak reference to obj is reused, as
// CPython does. The calling thread must be attached.
absl::StatusOr<Ref<WeakRefObject>> NewWeakRef(ObjectHeader* obj,
                                              ObjectHeader* callback = nullptr);

// Upgrade: a new strong reference to the referent, or null if it is gone
// (or going). Lock-free with respect to the referent; takes the stripe.
Ref<ObjectHeader> WeakRefGet(WeakRefObject* wr);

// How many weak references obj has right now.
Py_ssize_t WeakRefCount(ObjectHeader* obj);

// Native callbacks: a small object carrying a C function and an argument.
using WeakCallbackFn = void (*)(WeakRefObject* wr, void* arg);
absl::StatusOr<Ref<ObjectHeader>> NewWeakCallback(WeakCallbackFn fn, void* arg);
PyTypeObject* WeakCallbackType();

// Calls any other callback object. Process-wide; nullptr: such callbacks
// are dropped. The invoker runs with no lock held and must not fail (it
// reports errors its own way, e.g. as unraisable).
using WeakCallbackInvoker = void (*)(ObjectHeader* callback, WeakRefObject* wr);
void SetWeakCallbackInvoker(WeakCallbackInvoker invoker);

// CPython's PyObject_ClearWeakRefs, for types whose tp_dealloc calls it:
// clears obj's weak references and runs their callbacks now. Dealloc has
// normally done this already (then it finds nothing).
void ClearWeakRefs(ObjectHeader* obj);

namespace internal {

// dealloc.h step 4: detaches every weak reference from op (which is DEAD)
// and returns those whose callbacks must run, each with a strong
// reference, linked through wr_next.
WeakRefObject* ClearWeakRefsForDealloc(ObjectHeader* op);
// dealloc.h step 6: runs and releases that list.
void RunWeakRefCallbacks(WeakRefObject* list);
// In a fork child: the stripes start unlocked.
void ReinitWeakrefLocksAfterFork();

}  // namespace internal
}  // namespace ftrt

#endif  // FTRT_OBJECT_WEAKREF_H_
