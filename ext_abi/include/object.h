/* Objects and types (CPython's object.h): the header accessors, type
 * checks, the singletons None and NotImplemented, types from specs and
 * static types, and the generic object protocol (repr, str, compare, hash,
 * truth, attributes).
 *
 * The structs themselves (PyObject, PyVarObject, PyTypeObject, PyType_Spec,
 * ...) are object/cpython_types.h's, through pytypedefs.h; reference
 * counting is refcount.h.
 *
 * Free-threading notes:
 *   - ob_type never changes for the objects extensions see (the runtime
 *     refuses __class__ assignment across layouts), so Py_TYPE is a plain
 *     read. ob_size of a resizable object (a list) changes under its
 *     critical section, so Py_SIZE is a relaxed atomic read: the value may
 *     be stale by the time it is used.
 *   - tp_flags are read with a relaxed atomic load (PyType_HasFeature), as
 *     in CPython 3.13t.
 *   - PyObject_GetAttr and friends return new references and are safe from
 *     any thread; the *String variants too.
 *
 * Data the runtime exports (object/'s built-in objects, laid out as
 * CPython 3.13 lays them out): _Py_NoneStruct, _Py_NotImplementedStruct,
 * PyType_Type, PyBaseObject_Type. Each is immortal. */
#ifndef Py_OBJECT_H
#define Py_OBJECT_H

#include <stdint.h>
#include <stdio.h>

#include "pyport.h"
#include "pytypedefs.h"
#include "refcount.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Header accessors --------------------------------------------------- */

/* Identity: `x is y`. The function is for FFI callers. */
PyAPI_FUNC(int) Py_Is(PyObject* x, PyObject* y);
#define Py_Is(x, y) ((x) == (y))

static inline PyTypeObject* Py_TYPE(PyObject* ob) { return ob->ob_type; }
#define Py_TYPE(ob) Py_TYPE(_PyObject_CAST(ob))

static inline Py_ssize_t Py_SIZE(PyObject* ob) {
  return __atomic_load_n(&_PyVarObject_CAST(ob)->ob_size, __ATOMIC_RELAXED);
}
#define Py_SIZE(ob) Py_SIZE(_PyObject_CAST(ob))

static inline int Py_IS_TYPE(PyObject* ob, PyTypeObject* type) {
  return Py_TYPE(ob) == type;
}
#define Py_IS_TYPE(ob, type) Py_IS_TYPE(_PyObject_CAST(ob), (type))

/* For objects being built (PyObject_Init does it for you). */
static inline void Py_SET_TYPE(PyObject* ob, PyTypeObject* type) {
  ob->ob_type = type;
}
#define Py_SET_TYPE(ob, type) Py_SET_TYPE(_PyObject_CAST(ob), (type))

static inline void Py_SET_SIZE(PyVarObject* ob, Py_ssize_t size) {
  __atomic_store_n(&ob->ob_size, size, __ATOMIC_RELAXED);
}
#define Py_SET_SIZE(ob, size) Py_SET_SIZE(_PyVarObject_CAST(ob), (size))

/* Out-of-line increments and decrements, for callers that cannot inline
 * (FFI, other languages). Same semantics as the macros. */
PyAPI_FUNC(void) Py_IncRef(PyObject* op);
PyAPI_FUNC(void) Py_DecRef(PyObject* op);

/* ---- Singletons --------------------------------------------------------- */
PyAPI_DATA(PyObject) _Py_NoneStruct;           /* use Py_None */
PyAPI_DATA(PyObject) _Py_NotImplementedStruct; /* use Py_NotImplemented */

#define Py_None (&_Py_NoneStruct)
#define Py_NotImplemented (&_Py_NotImplementedStruct)

static inline int Py_IsNone(PyObject* x) { return Py_Is(x, Py_None); }
#define Py_IsNone(x) Py_IsNone(_PyObject_CAST(x))

/* None and NotImplemented are immortal: returning them needs no
 * Py_INCREF (CPython 3.12+ semantics). */
#define Py_RETURN_NONE return Py_None
#define Py_RETURN_NOTIMPLEMENTED return Py_NotImplemented

/* Returns the result of comparing val1 with val2 by op (a Py_LT...Py_GE). */
#define Py_RETURN_RICHCOMPARE(val1, val2, op)                             \
  do {                                                                    \
    switch (op) {                                                         \
      case Py_EQ: if ((val1) == (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE;  \
      case Py_NE: if ((val1) != (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE;  \
      case Py_LT: if ((val1) < (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE;   \
      case Py_GT: if ((val1) > (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE;   \
      case Py_LE: if ((val1) <= (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE;  \
      case Py_GE: if ((val1) >= (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE;  \
      default: Py_UNREACHABLE();                                          \
    }                                                                     \
  } while (0)

/* ---- Types -------------------------------------------------------------- */
PyAPI_DATA(PyTypeObject) PyType_Type;       /* 'type' */
PyAPI_DATA(PyTypeObject) PyBaseObject_Type; /* 'object' */
PyAPI_DATA(PyTypeObject) PySuper_Type;      /* 'super' */

PyAPI_FUNC(unsigned long) PyType_GetFlags(PyTypeObject* type);

static inline int PyType_HasFeature(PyTypeObject* type,
                                    unsigned long feature) {
  unsigned long flags = __atomic_load_n(&type->tp_flags, __ATOMIC_RELAXED);
  return (flags & feature) != 0;
}
#define PyType_FastSubclass(type, flag) PyType_HasFeature((type), (flag))

static inline int PyType_Check(PyObject* op) {
  return PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_TYPE_SUBCLASS);
}
#define PyType_Check(op) PyType_Check(_PyObject_CAST(op))

static inline int PyType_CheckExact(PyObject* op) {
  return Py_IS_TYPE(op, &PyType_Type);
}
#define PyType_CheckExact(op) PyType_CheckExact(_PyObject_CAST(op))

/* Whether a is b or a subclass of b (by the MRO). Never fails. */
PyAPI_FUNC(int) PyType_IsSubtype(PyTypeObject* a, PyTypeObject* b);

static inline int PyObject_TypeCheck(PyObject* ob, PyTypeObject* type) {
  return Py_IS_TYPE(ob, type) || PyType_IsSubtype(Py_TYPE(ob), type);
}
#define PyObject_TypeCheck(ob, type) \
  PyObject_TypeCheck(_PyObject_CAST(ob), (type))

/* Finishes a static type (fills tp_base, tp_dict, tp_mro, inherited
 * slots). Idempotent and thread-safe: concurrent callers all return once
 * the type is ready. A static type is immortal. 0 or -1 with an exception. */
PyAPI_FUNC(int) PyType_Ready(PyTypeObject* type);

/* Heap types from a spec. The new type is a new reference; it is
 * GC-tracked and uses deferred reference counting, so many threads may
 * create instances without contending on its count. */
PyAPI_FUNC(PyObject*) PyType_FromSpec(PyType_Spec* spec);
PyAPI_FUNC(PyObject*) PyType_FromSpecWithBases(PyType_Spec* spec,
                                               PyObject* bases);
PyAPI_FUNC(PyObject*) PyType_FromModuleAndSpec(PyObject* module,
                                               PyType_Spec* spec,
                                               PyObject* bases);
PyAPI_FUNC(PyObject*) PyType_FromMetaclass(PyTypeObject* metaclass,
                                           PyObject* module,
                                           PyType_Spec* spec,
                                           PyObject* bases);
/* A slot's value (NULL if the type has none, or on a bad slot id with
 * SystemError set). */
PyAPI_FUNC(void*) PyType_GetSlot(PyTypeObject* type, int slot);
/* The module a type was created with (borrowed: the type holds it), or
 * NULL with TypeError. */
PyAPI_FUNC(PyObject*) PyType_GetModule(PyTypeObject* type);
/* That module's state (PyModule_GetState), or NULL with TypeError. */
PyAPI_FUNC(void*) PyType_GetModuleState(PyTypeObject* type);
/* The module, among the type's MRO, whose definition is def (borrowed). */
PyAPI_FUNC(PyObject*) PyType_GetModuleByDef(PyTypeObject* type,
                                            PyModuleDef* def);
PyAPI_FUNC(PyObject*) PyType_GetName(PyTypeObject* type);
PyAPI_FUNC(PyObject*) PyType_GetQualName(PyTypeObject* type);
/* type.__module__; "module.qualname" (the qualname alone for builtins and
 * __main__); a new reference to the type's dict. */
PyAPI_FUNC(PyObject*) PyType_GetModuleName(PyTypeObject* type);
PyAPI_FUNC(PyObject*) PyType_GetFullyQualifiedName(PyTypeObject* type);
PyAPI_FUNC(PyObject*) PyType_GetDict(PyTypeObject* type);

/* tp_alloc's default: zeroed memory for tp_basicsize + nitems *
 * tp_itemsize bytes, header initialised (owned by the calling thread,
 * count 1), GC-tracked if the type has Py_TPFLAGS_HAVE_GC. */
PyAPI_FUNC(PyObject*) PyType_GenericAlloc(PyTypeObject* type,
                                          Py_ssize_t nitems);
/* tp_new's default: type->tp_alloc(type, 0), ignoring the arguments. */
PyAPI_FUNC(PyObject*) PyType_GenericNew(PyTypeObject* type, PyObject* args,
                                        PyObject* kwds);
PyAPI_FUNC(void) PyType_Modified(PyTypeObject* type);

/* ---- The generic object protocol ---------------------------------------- */
PyAPI_FUNC(PyObject*) PyObject_Repr(PyObject* o);
PyAPI_FUNC(PyObject*) PyObject_Str(PyObject* o);
/* repr(o) with non-ASCII characters escaped (\xhh, \uhhhh, \Uhhhhhhhh). */
PyAPI_FUNC(PyObject*) PyObject_ASCII(PyObject* o);
/* For reprs of containers that may contain themselves: 1 if o's repr is
 * already in progress on this thread (print "..."), 0 if not (then call
 * Py_ReprLeave(o) when done), -1 with an exception on error. */
PyAPI_FUNC(int) Py_ReprEnter(PyObject* o);
PyAPI_FUNC(void) Py_ReprLeave(PyObject* o);
PyAPI_FUNC(PyObject*) PyObject_Bytes(PyObject* o);
/* dir(o): type(o).__dir__ called, as a new sorted list. With o NULL,
 * CPython lists the current frame's locals; ftrt has no frames and raises
 * SystemError "frame does not exist" (what CPython does with no frame). */
PyAPI_FUNC(PyObject*) PyObject_Dir(PyObject* o);

/* op is one of Py_LT, Py_LE, Py_EQ, Py_NE, Py_GT, Py_GE. The Bool variant
 * returns 1, 0, or -1 with an exception (and treats identity as equality
 * for Py_EQ / Py_NE). */
PyAPI_FUNC(PyObject*) PyObject_RichCompare(PyObject* a, PyObject* b, int op);
PyAPI_FUNC(int) PyObject_RichCompareBool(PyObject* a, PyObject* b, int op);

PyAPI_FUNC(Py_hash_t) PyObject_Hash(PyObject* o);
/* The hash of a pointer, as object's default __hash__ gives it (3.13's
 * cpython/pyhash.h; never -1). */
PyAPI_FUNC(Py_hash_t) Py_HashPointer(const void* ptr);
#define _Py_HashPointer Py_HashPointer
PyAPI_FUNC(Py_hash_t) PyObject_HashNotImplemented(PyObject* o);
/* object.__hash__: the identity hash. */
PyAPI_FUNC(Py_hash_t) PyObject_GenericHash(PyObject* o);
PyAPI_FUNC(int) PyObject_IsTrue(PyObject* o);
PyAPI_FUNC(int) PyObject_Not(PyObject* o);
PyAPI_FUNC(int) PyCallable_Check(PyObject* o);

PyAPI_FUNC(PyObject*) PyObject_GetAttr(PyObject* o, PyObject* name);
PyAPI_FUNC(PyObject*) PyObject_GetAttrString(PyObject* o, const char* name);
PyAPI_FUNC(int) PyObject_SetAttr(PyObject* o, PyObject* name, PyObject* v);
PyAPI_FUNC(int) PyObject_SetAttrString(PyObject* o, const char* name,
                                       PyObject* v);
PyAPI_FUNC(int) PyObject_DelAttr(PyObject* o, PyObject* name);
PyAPI_FUNC(int) PyObject_DelAttrString(PyObject* o, const char* name);
PyAPI_FUNC(int) PyObject_HasAttr(PyObject* o, PyObject* name);
PyAPI_FUNC(int) PyObject_HasAttrString(PyObject* o, const char* name);
/* 1 if o has the attribute, 0 if not (AttributeError swallowed), -1 with
 * the exception for any other error (3.13). */
PyAPI_FUNC(int) PyObject_HasAttrWithError(PyObject* o, PyObject* name);
PyAPI_FUNC(int) PyObject_HasAttrStringWithError(PyObject* o, const char* name);
PyAPI_FUNC(int) PyObject_GetOptionalAttr(PyObject* o, PyObject* name,
                                         PyObject** result);
PyAPI_FUNC(int) PyObject_GetOptionalAttrString(PyObject* o, const char* name,
                                               PyObject** result);
PyAPI_FUNC(PyObject*) PyObject_GenericGetAttr(PyObject* o, PyObject* name);
PyAPI_FUNC(int) PyObject_GenericSetAttr(PyObject* o, PyObject* name,
                                        PyObject* value);
/* The "__dict__" getset of a type with tp_dictoffset:
 *   {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict}.
 * Get makes the dict on first use (a new reference). Set takes a dict
 * (TypeError otherwise, and "cannot delete __dict__"); the object keeps its
 * dict object and takes the new one's items (readers on other threads
 * hold the dict without a reference; see object/attributes.h). */
PyAPI_FUNC(PyObject*) PyObject_GenericGetDict(PyObject* o, void* context);
PyAPI_FUNC(int) PyObject_GenericSetDict(PyObject* o, PyObject* value,
                                        void* context);
PyAPI_FUNC(PyObject*) PyObject_SelfIter(PyObject* o);
/* type(o), a new reference. */
PyAPI_FUNC(PyObject*) PyObject_Type(PyObject* o);

/* Py_TRASHCAN_BEGIN(op, dealloc) ... Py_TRASHCAN_END around the body of a
 * container's tp_dealloc: CPython's guard against deep recursion when
 * freeing a long chain. ftrt bounds the depth of every deallocation itself
 * (object/dealloc.h: past a fixed nesting, a thread's frees wait in its
 * trashcan list and run as the outer ones return), with or without these
 * macros, so they only open and close the block the body goes in: the body
 * always runs, at once. `cond` is evaluated, as in CPython. */
#define Py_TRASHCAN_BEGIN_CONDITION(op, cond) \
  do {                                        \
    (void)(op);                               \
    (void)(cond);
#define Py_TRASHCAN_BEGIN(op, dealloc) \
  Py_TRASHCAN_BEGIN_CONDITION((op), ((void)(dealloc), 1))
#define Py_TRASHCAN_END \
  } while (0);

/* Clears the weak references to o and calls their callbacks; a type with
 * tp_weaklistoffset calls it first thing in tp_dealloc. */
PyAPI_FUNC(void) PyObject_ClearWeakRefs(PyObject* o);

/* PEP 442: runs tp_finalize once (the FINALIZED bit). A tp_dealloc of a
 * type with tp_finalize starts with
 *   if (PyObject_CallFinalizerFromDealloc(self) < 0) return;
 * (the finalizer resurrected the object). */
PyAPI_FUNC(void) PyObject_CallFinalizer(PyObject* o);
PyAPI_FUNC(int) PyObject_CallFinalizerFromDealloc(PyObject* o);

/* Sets o's reference count outright (CPython 3.13t's rules): nothing for
 * an immortal object; the owner's local count when the calling thread
 * owns o (its shared count keeps only its state bits); otherwise o becomes
 * unowned and merged with that count. For the thread that alone holds o:
 * a tp_dealloc resurrecting it (a count above 0 there makes the object
 * live again; it is deallocated anew when that count drops to 0), or code
 * setting up a new object. */
PyAPI_FUNC(void) _Py_SetRefcnt(PyObject* ob, Py_ssize_t refcnt);
static inline void Py_SET_REFCNT(PyObject* ob, Py_ssize_t refcnt) {
  _Py_SetRefcnt(ob, refcnt);
}
#define Py_SET_REFCNT(ob, refcnt) Py_SET_REFCNT(_PyObject_CAST(ob), (refcnt))

#define Py_INVALID_SIZE (Py_ssize_t) - 1
#define PyType_IS_GC(t) PyType_HasFeature((t), Py_TPFLAGS_HAVE_GC)
/* 1 if instances of type can be weakly referenced (tp_weaklistoffset). */
PyAPI_FUNC(int) PyType_SUPPORTS_WEAKREFS(PyTypeObject* type);

/* Writes repr(o) (str(o) with Py_PRINT_RAW) to fp; "<nil>" for NULL. 0, or
 * -1 with the exception (OSError if the write fails). */
#define Py_PRINT_RAW 1
PyAPI_FUNC(int) PyObject_Print(PyObject* o, FILE* fp, int flags);

/* CPython 3.13's constants by number: Py_GetConstant gives a new reference,
 * Py_GetConstantBorrowed a borrowed one (all of them are immortal here);
 * NULL with SystemError for an unknown id. */
#define Py_CONSTANT_NONE 0
#define Py_CONSTANT_FALSE 1
#define Py_CONSTANT_TRUE 2
#define Py_CONSTANT_ELLIPSIS 3
#define Py_CONSTANT_NOT_IMPLEMENTED 4
#define Py_CONSTANT_ZERO 5
#define Py_CONSTANT_ONE 6
#define Py_CONSTANT_EMPTY_STR 7
#define Py_CONSTANT_EMPTY_BYTES 8
#define Py_CONSTANT_EMPTY_TUPLE 9
PyAPI_FUNC(PyObject*) Py_GetConstant(unsigned int constant_id);
PyAPI_FUNC(PyObject*) Py_GetConstantBorrowed(unsigned int constant_id);

#ifdef __cplusplus
}
#endif

#endif /* !Py_OBJECT_H */
