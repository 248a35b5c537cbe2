// Objects and types: allocation, the GC-tracked bit, and the refcounting
// side of type objects.
//
// An object is a struct whose first member is the header
// (alloc/object_layout.h); a type is an object laid out as CPython 3.13's
// PyTypeObject (object/cpython_types.h: the very struct ext_abi/ hands to C
// extensions, never a parallel one). This header gives the C++ side a thin
// face over that struct for what reference counting, deallocation and the
// collector need: tp_dealloc, tp_free, tp_finalize, tp_traverse, tp_clear,
// tp_weaklistoffset, tp_flags. The object-protocol issue fills in the rest
// (PyType_Ready, MRO, attributes).
//
// Objects come from the calling thread's heap (alloc/, through the
// runtime's ThreadState): the thread must be attached. A new object is
// OWNED by its creator with a local count of 1 (refcount.h). Instances of
// heap types hold a reference to their type, dropped by DefaultDealloc (as
// CPython's subtype_dealloc does; a heap type with its own tp_dealloc must
// Decref its type itself, as in CPython).
//
// Static types (static storage, PyVarObject_HEAD_INIT) are immortal; types
// created at run time (NewHeapType) use deferred reference counting, so
// that the many threads that reference a type touch no shared counter (the
// references from their instances are counted, those on root stacks not).
#ifndef FTRT_OBJECT_OBJECT_H_
#define FTRT_OBJECT_OBJECT_H_

#include "absl/status/statusor.h"
#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// The type of type objects ("type"): static, immortal, GC-capable. Its
// tp_dealloc frees heap types.
PyTypeObject* TypeType();

namespace internal {
// TypeType()'s object.
extern PyTypeObject g_type_type;
}  // namespace internal

// A static type's value for a constant initializer: immortal header of
// type "type", the given name, size and flags (| READY), every slot null.
// Fill slots in a constexpr lambda:
//   constinit PyTypeObject kFoo = [] {
//     PyTypeObject t = StaticTypeInit("m.Foo", sizeof(Foo));
//     t.tp_dealloc = FooDealloc;
//     return t;
//   }();
constexpr PyTypeObject StaticTypeInit(const char* name, Py_ssize_t basicsize,
                                      unsigned long flags = Py_TPFLAGS_DEFAULT) {
  PyTypeObject t{};
  t.ob_base.ob_base.ob_flags = FTRT_OBJ_FLAG_STATIC;
  t.ob_base.ob_base.ob_ref_local = FTRT_IMMORTAL_REFCNT_LOCAL;
  t.ob_base.ob_base.ob_type = &internal::g_type_type;
  t.tp_name = name;
  t.tp_basicsize = basicsize;
  t.tp_flags = flags | Py_TPFLAGS_READY;
  return t;
}

// Allocates an object of `type` with `size` bytes (0: tp_basicsize), body
// zeroed, owned by the calling thread with one reference; GC-capable iff
// the type has Py_TPFLAGS_HAVE_GC (it is not tracked yet: TrackObject).
// Increfs the type if it is a heap type. nullptr on allocation failure
// (real or injected). The calling thread must be attached.
ObjectHeader* AllocObjectOfType(PyTypeObject* type, Py_ssize_t size = 0);

template <typename T = ObjectHeader>
Ref<T> NewObject(PyTypeObject* type, Py_ssize_t size = 0) {
  return Ref<T>::Steal(reinterpret_cast<T*>(AllocObjectOfType(type, size)));
}

// Returns an object's memory to the allocator: the default tp_free (and
// what PyObject_Free / PyObject_GC_Del do for objects). From any thread; the
// header stays readable until a QSBR grace period has passed.
void FreeObject(void* op);

// The last step of a built-in type's tp_dealloc that C extensions may
// subclass (list, dict, tuple): an instance of `exact` goes straight back
// to the allocator, a subtype's instance through its type's tp_free (a
// subtype's own dealloc calls the base's last; SubtypeDealloc drops a heap
// type's reference after it).
inline void FreeInstance(PyObject* op, PyTypeObject* exact) {
  if (op->ob_type == exact) {
    FreeObject(op);
  } else {
    op->ob_type->tp_free(op);
  }
}

// The collector's tracked bit (FTRT_GC_BIT_TRACKED). Set by the thread that
// made the object, before or right after publishing it; cleared by
// tp_dealloc (or DefaultDealloc). Relaxed atomic read-modify-writes on the
// gc-bits byte.
void TrackObject(ObjectHeader* op);
void UntrackObject(ObjectHeader* op);
bool IsTracked(const ObjectHeader* op);

// Makes a static type usable: ob_type = TypeType() if unset, immortal,
// unowned. (Headers written with PyVarObject_HEAD_INIT already are.)
void InitStaticType(PyTypeObject* type);

// What NewHeapType needs; fields left 0 take defaults (tp_dealloc 0 means
// DefaultDealloc). The name is copied.
struct HeapTypeSpec {
  const char* name = "";
  Py_ssize_t basicsize = sizeof(ObjectHeader);
  Py_ssize_t itemsize = 0;
  unsigned long flags = Py_TPFLAGS_DEFAULT;
  destructor dealloc = nullptr;
  traverseproc traverse = nullptr;
  inquiry clear = nullptr;
  destructor finalize = nullptr;
  freefunc free = nullptr;
  Py_ssize_t weaklistoffset = 0;
  PyTypeObject* base = nullptr;  // a reference is taken if it is a heap type
};

// A type created at run time: Py_TPFLAGS_HEAPTYPE | READY, deferred
// reference counting, owned by the calling thread.
absl::StatusOr<Ref<PyTypeObject>> NewHeapType(const HeapTypeSpec& spec);

}  // namespace ftrt

#endif  // FTRT_OBJECT_OBJECT_H_
