/* set and frozenset (CPython's setobject.h and cpython/setobject.h), with
 * free-threaded semantics. Every function is safe on a set other threads
 * mutate: lookups read lock-free (falling back to the set's critical
 * section), mutations take the critical section.
 *
 * LAYOUT DEPENDENCY: PySet_GET_SIZE reads PySetObject.used directly (a
 * relaxed atomic load: a snapshot), so object/'s set must start as
 * PySetObject below does (CPython 3.13's fields and offsets). The other
 * fields are ftrt's to arrange (object/set.h): `table` points at a
 * separately allocated table, never at smalltable, and must not be read
 * without the set's critical section.
 *
 * Rules kept from CPython 3.13:
 *   - PySet_Add also works on a frozenset, but only one that its creator
 *     has not shared yet (the caller holds the only reference): how C code
 *     fills a new frozenset. On any other frozenset it is a SystemError.
 *   - PySet_Discard, PySet_Clear and PySet_Pop need a set (SystemError
 *     otherwise); PySet_Contains and PySet_Size take either kind.
 *   - Keys are hashed and compared by calling their __hash__ / __eq__,
 *     which may run arbitrary code; the set may change in between. An
 *     unhashable key is a TypeError ("unhashable type: 'list'").
 *   - There is no PySet_Next in 3.13's public API (_PySet_NextEntry is
 *     private): iterate with PyObject_GetIter, whose iterator raises
 *     RuntimeError if the set changes size meanwhile. */
#ifndef Py_SETOBJECT_H
#define Py_SETOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PySet_Type;
PyAPI_DATA(PyTypeObject) PyFrozenSet_Type;
PyAPI_DATA(PyTypeObject) PySetIter_Type;

/* A new set / frozenset of iterable's items (empty if iterable is NULL). */
PyAPI_FUNC(PyObject*) PySet_New(PyObject* iterable);
PyAPI_FUNC(PyObject*) PyFrozenSet_New(PyObject* iterable);
/* 0 on success (also when the key was already there), -1 on error. */
PyAPI_FUNC(int) PySet_Add(PyObject* set, PyObject* key);
PyAPI_FUNC(int) PySet_Clear(PyObject* set);
/* 1 if found, 0 if not, -1 on error. */
PyAPI_FUNC(int) PySet_Contains(PyObject* anyset, PyObject* key);
/* 1 if found and removed, 0 if not found, -1 on error. */
PyAPI_FUNC(int) PySet_Discard(PyObject* set, PyObject* key);
/* An arbitrary key, removed (new reference); KeyError if empty. */
PyAPI_FUNC(PyObject*) PySet_Pop(PyObject* set);
PyAPI_FUNC(Py_ssize_t) PySet_Size(PyObject* anyset);

#define PyFrozenSet_CheckExact(ob) Py_IS_TYPE((ob), &PyFrozenSet_Type)
#define PyFrozenSet_Check(ob)                 \
  (Py_IS_TYPE((ob), &PyFrozenSet_Type) ||     \
   PyType_IsSubtype(Py_TYPE(ob), &PyFrozenSet_Type))

#define PyAnySet_CheckExact(ob) \
  (Py_IS_TYPE((ob), &PySet_Type) || Py_IS_TYPE((ob), &PyFrozenSet_Type))
#define PyAnySet_Check(ob)                                                 \
  (Py_IS_TYPE((ob), &PySet_Type) || Py_IS_TYPE((ob), &PyFrozenSet_Type) || \
   PyType_IsSubtype(Py_TYPE(ob), &PySet_Type) ||                           \
   PyType_IsSubtype(Py_TYPE(ob), &PyFrozenSet_Type))

#define PySet_CheckExact(op) Py_IS_TYPE(op, &PySet_Type)
#define PySet_Check(ob)                 \
  (Py_IS_TYPE((ob), &PySet_Type) ||     \
   PyType_IsSubtype(Py_TYPE(ob), &PySet_Type))

/* ---- the layout (cpython/setobject.h) ---- */

#define PySet_MINSIZE 8

typedef struct {
  PyObject* key;
  Py_hash_t hash; /* the key's hash */
} setentry;

typedef struct {
  PyObject_HEAD
  Py_ssize_t fill;   /* live and deleted slots */
  Py_ssize_t used;   /* live keys; written with atomic stores */
  Py_ssize_t mask;   /* private */
  setentry* table;   /* private */
  Py_hash_t hash;    /* frozenset: its hash once computed, else -1 */
  Py_ssize_t finger; /* private */
  setentry smalltable[PySet_MINSIZE]; /* unused by ftrt */
  PyObject* weakreflist;
} PySetObject;

/* The number of keys: a relaxed snapshot, no checks. */
static inline Py_ssize_t PySet_GET_SIZE(PyObject* so) {
  assert(PyAnySet_Check(so));
  return __atomic_load_n(&_Py_CAST(PySetObject*, so)->used, __ATOMIC_RELAXED);
}
#define PySet_GET_SIZE(so) PySet_GET_SIZE(_PyObject_CAST(so))

#ifdef __cplusplus
}
#endif

#endif /* !Py_SETOBJECT_H */
