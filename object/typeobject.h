// Type objects made complete: PyType_Ready, heap types from PyType_Spec and
// from (name, bases, dict), the C3 MRO, slot and flag inheritance, the type
// dict built from tp_methods / tp_members / tp_getset, CPython's defaults
// for `object`, subtype checks, and modifying a type at run time.
//
// After CPython 3.13's Objects/typeobject.c (type_ready, inherit_special,
// inherit_slots, mro_implementation, PyType_FromMetaclass, type_new,
// object_new/object_init/object_repr, type_call, type_setattro), with our
// own code. The struct is CPython 3.13's PyTypeObject (cpython_types.h):
// static types written by extensions with positional initializers are made
// ready in place.
//
// READY. TypeReady(type) readies the bases first, then: ob_type defaults to
// `type`; tp_base to `object`; tp_bases to (tp_base,); tp_mro by C3
// linearization (the TypeError texts are CPython's: "duplicate base class
// A", "Cannot create a consistent method resolution order (MRO) for bases
// A, B"); the flags (GC, the *_SUBCLASS flags, IMMUTABLETYPE for static
// types, DISALLOW_INSTANTIATION for a static type with base object and no
// tp_new); every slot inherited along the MRO the way CPython does
// (a slot is taken from the first class in the MRO that defines it itself;
// tp_hash and tp_richcompare only as a pair; tp_getattro with tp_getattr;
// tp_call with tp_vectorcall_offset); the dict: a method descriptor per
// tp_methods entry (METH_CLASS: a classmethod descriptor; METH_STATIC: a
// staticmethod around a builtin function; METH_COEXIST honoured), a member
// descriptor per tp_members entry, a getset descriptor per tp_getset entry,
// and __doc__. The defaults are object's: tp_alloc = PyType_GenericAlloc,
// tp_new = object.__new__, tp_init = object.__init__, tp_free,
// tp_getattro / tp_setattro = the generic ones (attributes.h), tp_repr
// "<module.Name object at 0x...>", tp_hash by identity, tp_richcompare
// identity for ==, NotImplemented otherwise.
//
// STATIC AND HEAP TYPES. A static type lives for the process: TypeReady
// makes its dict and descriptors on the static runtime
// (protocol_internal.h), immortal. Heap types (TypeFromSpec, TypeNew)
// belong to the calling thread's runtime, use deferred reference counting
// (refcount.h) like the descriptors and functions in their dicts, so
// threads that use them touch no shared counter, and are freed by the
// collector once unreachable.
//
// ATTRIBUTE LOOKUP (type_cache.h) is lock-free: a per-type version tag and
// a process-wide lookup cache, as CPython's free-threaded build has.
// MODIFICATION (TypeSetAttr) runs under the type lock, which also orders
// the assignment of version tags: it invalidates the tags of the type and
// of every subclass before it changes the dict, so a reader sees the old or
// the new value, never a mix; the value it replaces is dropped after the
// lock is released. Static types and types with Py_TPFLAGS_IMMUTABLETYPE
// refuse ("cannot set 'x' attribute of immutable type 'T'"). Setting a
// dunder that names a slot (__repr__, __str__, __hash__, __call__, __eq__
// and the other comparisons, __iter__, __next__, __bool__, __len__,
// __init__) on a heap type points that slot at a function that looks the
// name up and calls it, in the type and its subclasses.
#ifndef FTRT_OBJECT_TYPEOBJECT_H_
#define FTRT_OBJECT_TYPEOBJECT_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyBaseObject_Type;
// The slot values every type may use (CPython's names; ext_abi/'s
// Python.h declares them).
PyObject* PyType_GenericAlloc(PyTypeObject* type, Py_ssize_t nitems);
PyObject* PyType_GenericNew(PyTypeObject* type, PyObject* args, PyObject* kwds);
}

namespace ftrt {

// `object`, the root of every MRO.
PyTypeObject* ObjectType();

namespace internal {
// What the runtime keeps per type, in tp_subclasses ("the runtime's own
// use"): allocated by TypeReady (freed with a heap type; never for a
// static one). Guarded by the type lock.
struct TypeExtra {
  // Direct subclasses (not owned: a heap subclass removes itself when it
  // dies). Version invalidation walks them.
  std::vector<PyTypeObject*> subclasses;
  // The type object is a HeapTypeObject made by TypeFromSpec / TypeNew.
  bool heap_layout = false;
  // Whether `type.__dict__` has been readied by TypeReady.
  bool ready = false;
  // A heap type's copy of its spec's Py_tp_members (terminator included),
  // which tp_members points at: as in CPython, the spec's array need not
  // outlive the call. Written before the type is published, then read-only.
  std::vector<PyMemberDef> members;
};
}  // namespace internal

// The object layout of heap types made here: the type, its own method
// suites (so that slots from a spec have somewhere to live), its names,
// and its module. Field order follows CPython's PyHeapTypeObject.
struct HeapTypeObject {
  PyTypeObject ht_type;
  PyAsyncMethods as_async;
  PyNumberMethods as_number;
  PyMappingMethods as_mapping;
  PySequenceMethods as_sequence;
  PyBufferProcs as_buffer;
  PyObject* ht_name;      // str: __name__
  PyObject* ht_slots;     // unused (no __slots__ here)
  PyObject* ht_qualname;  // str: __qualname__
  void* ht_cached_keys;   // unused
  PyObject* ht_module;    // the module of PyType_FromModuleAndSpec, or null
  char* _ht_tpname;       // storage of tp_name (malloc'ed)
};

// PyType_Ready: 0, or -1 with an exception set. Idempotent; safe to call
// from several threads at once (readying is serialised).
int TypeReady(PyTypeObject* type);

// PyType_FromMetaclass / PyType_FromModuleAndSpec / PyType_FromSpecWithBases
// / PyType_FromSpec: a new heap type from a spec. `bases` is a type, a
// tuple of types or null (then the spec's Py_tp_bases / Py_tp_base slot, or
// object); `module` is stored for PyType_GetModule (may be null);
// `metaclass` must be null or `type`. The spec's name is "module.Name":
// __module__ is the part before the last dot. Members named
// __dictoffset__, __weaklistoffset__ and __vectorcalloffset__ set those
// offsets; the Py_tp_members array is copied (the member names are not).
// A type without Py_tp_dealloc gets one that frees the instance and drops
// its reference to the type.
Ref<> TypeFromSpec(PyType_Spec* spec, PyObject* bases = nullptr, PyObject* module = nullptr,
                   PyTypeObject* metaclass = nullptr);

// type(name, bases, dict): a heap type as a class statement makes one:
// instances have a __dict__ (unless a base's layout forbids one) and weak
// references; the "best base" (the solid base of the bases) gives the
// layout; "multiple bases have instance lay-out conflict" otherwise.
// `bases` is a tuple (may be empty: object); `dict` may be null. Its
// entries are copied; __module__ defaults to "builtins" when absent, as
// type() does outside any frame; __qualname__ to the name.
Ref<> TypeNew(absl::string_view name, PyObject* bases, PyObject* dict);

// PyType_IsSubtype: `a` is `b` or derives from it (through its MRO; the
// tp_base chain for a type not yet ready).
bool TypeIsSubtype(const PyTypeObject* a, const PyTypeObject* b);
// PyObject_TypeCheck.
inline bool TypeCheck(const PyObject* op, const PyTypeObject* type) {
  return op->ob_type == type || TypeIsSubtype(op->ob_type, type);
}
// PyType_Check.
inline bool IsType(const PyObject* op) {
  return (op->ob_type->tp_flags & Py_TPFLAGS_TYPE_SUBCLASS) != 0;
}

// PyType_GetSlot: the value of slot `slot_id` (a Py_tp_* / Py_nb_* ... id),
// or null (SystemError for an invalid id).
void* TypeGetSlot(PyTypeObject* type, int slot_id);
// PyType_GetModule (borrowed; TypeError if the type has none),
// PyType_GetModuleState (null if none), PyType_GetModuleByDef (the module
// of the first class in the MRO whose module has `def`; borrowed).
PyObject* TypeGetModule(PyTypeObject* type);
void* TypeGetModuleState(PyTypeObject* type);
PyObject* TypeGetModuleByDef(PyTypeObject* type, PyModuleDef* def);

// type.__name__, type.__qualname__, type.__module__ as new references.
Ref<> TypeGetName(PyTypeObject* type);
Ref<> TypeGetQualName(PyTypeObject* type);
Ref<> TypeGetModuleName(PyTypeObject* type);
// tp_name after its last dot, the short name CPython's messages use.
const char* TypeShortName(const PyTypeObject* type);

// PyType_Modified: invalidates the lookup cache for the type and its
// subclasses (call it after changing a slot or the dict by hand).
void TypeModified(PyTypeObject* type);

// type.__setattr__ (value null: delete). 0 or -1.
int TypeSetAttr(PyTypeObject* type, PyObject* name, PyObject* value);
// type.__getattribute__: the metatype's data descriptors, then the type's
// MRO (binding descriptors with obj = null), then the metatype's others.
Ref<> TypeGetAttr(PyTypeObject* type, PyObject* name);

// A snapshot of the type's own dict entries (a new dict).
Ref<> TypeDictCopy(PyTypeObject* type);

namespace internal {

// The type lock (a leaf: it is never held while calling code we do not
// control, nor while waiting for the static builder).
void LockTypes();
void UnlockTypes();

// TypeExtra of a ready type (null if not readied here).
inline TypeExtra* ExtraOf(const PyTypeObject* type) {
  return static_cast<TypeExtra*>(type->tp_subclasses);
}

// protocol.cc: readies every static type of object/ once per process
// (object, type, the built-in types, the protocol's own types, the
// exception classes), on the static builder.
void EnsureStaticTypesReady();

// object's own slots (for comparisons and for building other types).
PyObject* ObjectReprSlot(PyObject* self);
PyObject* ObjectStrSlot(PyObject* self);
Py_hash_t ObjectHashSlot(PyObject* self);
PyObject* ObjectRichCompareSlot(PyObject* a, PyObject* b, int op);
PyObject* ObjectNewSlot(PyTypeObject* type, PyObject* args, PyObject* kwds);
int ObjectInitSlot(PyObject* self, PyObject* args, PyObject* kwds);

// The dealloc / traverse / clear of instances of heap types that do not
// define their own (CPython's subtype_dealloc and friends).
void SubtypeDealloc(PyObject* self);
int SubtypeTraverse(PyObject* self, visitproc visit, void* arg);
int SubtypeClear(PyObject* self);

// Adds a type's subclass link (under the type lock).
void AddSubclass(PyTypeObject* base, PyTypeObject* sub);

}  // namespace internal
}  // namespace ftrt

#endif  // FTRT_OBJECT_TYPEOBJECT_H_
