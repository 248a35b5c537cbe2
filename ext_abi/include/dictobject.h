/* dict (CPython's dictobject.h), with free-threaded semantics. The key
 * table stays private to object/: extensions use only these functions,
 * each of which is safe on a dict other threads mutate (it takes the
 * dict's critical section, or reads lock-free).
 *
 * LAYOUT DEPENDENCY: PyDict_GET_SIZE reads PyDictObject.ma_used directly
 * (a relaxed atomic load: a snapshot), so object/'s dict must start as
 * PyDictObject below does (CPython 3.13's fields and offsets).
 *
 * Borrowed references are the trap, as for lists:
 *   - PyDict_GetItem, PyDict_GetItemWithError and PyDict_GetItemString
 *     return a BORROWED reference that another thread may free at once
 *     (by replacing or deleting the key). PyDict_GetItem also swallows
 *     every error.
 *     SAFE REPLACEMENT: PyDict_GetItemRef / PyDict_GetItemStringRef (new
 *     reference; 1 found, 0 missing, -1 error).
 *   - PyDict_Next returns borrowed keys and values and walks the dict's
 *     storage without a lock: it is safe only inside
 *     Py_BEGIN_CRITICAL_SECTION(dict) ... Py_END_CRITICAL_SECTION(), with
 *     nothing in the loop that may block or run arbitrary code (which
 *     could suspend the section), or on a dict no other thread can reach.
 *     SAFE REPLACEMENT: the critical section, or PyDict_Items / PyDict_Copy
 *     and iterate the snapshot.
 *   - PyDict_SetDefault returns a borrowed reference.
 *     SAFE REPLACEMENT: PyDict_SetDefaultRef.
 *   - Keys are hashed and compared by calling their __hash__ / __eq__,
 *     which may run arbitrary code; the dict may change in between. */
#ifndef Py_DICTOBJECT_H
#define Py_DICTOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _dictkeysobject PyDictKeysObject;
typedef struct _dictvalues PyDictValues;

typedef struct {
  PyObject_HEAD
  Py_ssize_t ma_used; /* number of items; written with atomic stores */
  Py_DEPRECATED(3.12) uint64_t ma_version_tag;
  PyDictKeysObject* ma_keys; /* private */
  PyDictValues* ma_values;   /* private */
} PyDictObject;

PyAPI_DATA(PyTypeObject) PyDict_Type;

#define PyDict_Check(op) \
  PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_DICT_SUBCLASS)
#define PyDict_CheckExact(op) Py_IS_TYPE((op), &PyDict_Type)

PyAPI_FUNC(PyObject*) PyDict_New(void);

/* BORROWED; swallows errors. Unsafe without a GIL: use PyDict_GetItemRef. */
PyAPI_FUNC(PyObject*) PyDict_GetItem(PyObject* mp, PyObject* key);
/* BORROWED; NULL without an exception if missing. Unsafe without a GIL:
 * use PyDict_GetItemRef. */
PyAPI_FUNC(PyObject*) PyDict_GetItemWithError(PyObject* mp, PyObject* key);
/* BORROWED; swallows errors. Unsafe without a GIL: use
 * PyDict_GetItemStringRef. */
PyAPI_FUNC(PyObject*) PyDict_GetItemString(PyObject* dp, const char* key);
/* 1 and *result a new reference if found; 0 and *result NULL if missing;
 * -1 and *result NULL with an exception on error. */
PyAPI_FUNC(int) PyDict_GetItemRef(PyObject* mp, PyObject* key,
                                  PyObject** result);
PyAPI_FUNC(int) PyDict_GetItemStringRef(PyObject* mp, const char* key,
                                        PyObject** result);

PyAPI_FUNC(int) PyDict_SetItem(PyObject* mp, PyObject* key, PyObject* item);
PyAPI_FUNC(int) PyDict_SetItemString(PyObject* dp, const char* key,
                                     PyObject* item);
PyAPI_FUNC(int) PyDict_DelItem(PyObject* mp, PyObject* key);
PyAPI_FUNC(int) PyDict_DelItemString(PyObject* dp, const char* key);
PyAPI_FUNC(void) PyDict_Clear(PyObject* mp);
PyAPI_FUNC(Py_ssize_t) PyDict_Size(PyObject* mp);
PyAPI_FUNC(int) PyDict_Contains(PyObject* mp, PyObject* key);
PyAPI_FUNC(int) PyDict_ContainsString(PyObject* mp, const char* key);
PyAPI_FUNC(PyObject*) PyDict_Copy(PyObject* mp);
PyAPI_FUNC(PyObject*) PyDict_Keys(PyObject* mp);
PyAPI_FUNC(PyObject*) PyDict_Values(PyObject* mp);
PyAPI_FUNC(PyObject*) PyDict_Items(PyObject* mp);
PyAPI_FUNC(int) PyDict_Update(PyObject* mp, PyObject* other);
PyAPI_FUNC(int) PyDict_Merge(PyObject* mp, PyObject* other, int override);
/* Adds the (key, value) pairs of an iterable of 2-item iterables; with
 * override a later key replaces the value, else the first stays. 0, or -1
 * with TypeError "cannot convert dictionary update sequence element #1 to
 * a sequence" / ValueError "... has length 3; 2 is required". */
PyAPI_FUNC(int) PyDict_MergeFromSeq2(PyObject* d, PyObject* seq2, int override);

/* Iteration with borrowed keys and values: ONLY inside
 * Py_BEGIN_CRITICAL_SECTION(mp) (see above). *ppos starts at 0. */
PyAPI_FUNC(int) PyDict_Next(PyObject* mp, Py_ssize_t* ppos, PyObject** pkey,
                            PyObject** pvalue);

/* BORROWED: use PyDict_SetDefaultRef. */
PyAPI_FUNC(PyObject*) PyDict_SetDefault(PyObject* mp, PyObject* key,
                                        PyObject* defaultobj);
/* Inserts default_value if key is missing. Returns 1 if the key was
 * present, 0 if inserted, -1 on error; *result (if not NULL) a new
 * reference to the value now in the dict. Atomic with respect to other
 * threads (3.13). */
PyAPI_FUNC(int) PyDict_SetDefaultRef(PyObject* mp, PyObject* key,
                                     PyObject* default_value,
                                     PyObject** result);
/* Removes key: 1 and *result (if not NULL) the removed value as a new
 * reference; 0 if missing (no KeyError); -1 on error (3.13). */
PyAPI_FUNC(int) PyDict_Pop(PyObject* dict, PyObject* key, PyObject** result);
PyAPI_FUNC(int) PyDict_PopString(PyObject* dict, const char* key,
                                 PyObject** result);

/* The number of items: a relaxed snapshot, no checks. */
static inline Py_ssize_t PyDict_GET_SIZE(PyObject* op) {
  PyDictObject* mp;
  assert(PyDict_Check(op));
  mp = _Py_CAST(PyDictObject*, op);
  return __atomic_load_n(&mp->ma_used, __ATOMIC_RELAXED);
}
#define PyDict_GET_SIZE(op) PyDict_GET_SIZE(_PyObject_CAST(op))

#ifdef __cplusplus
}
#endif

#endif /* !Py_DICTOBJECT_H */
