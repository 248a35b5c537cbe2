/* tuple (CPython's tupleobject.h).
 *
 * LAYOUT DEPENDENCY: PyTuple_GET_ITEM, PyTuple_SET_ITEM and
 * PyTuple_GET_SIZE read the object directly, so object/'s tuple must be
 * laid out as PyTupleObject below (CPython 3.13's: the var header, then
 * ob_size item pointers inline).
 *
 * A tuple is immutable once it is published, so reading its items needs no
 * lock and PyTuple_GetItem's borrowed reference is safe for as long as the
 * caller holds the tuple. PyTuple_SetItem / PyTuple_SET_ITEM are only for
 * filling a tuple the caller has just created and not yet shared. */
#ifndef Py_TUPLEOBJECT_H
#define Py_TUPLEOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  PyObject_VAR_HEAD
  PyObject* ob_item[1]; /* ob_size items */
} PyTupleObject;

PyAPI_DATA(PyTypeObject) PyTuple_Type;

#define PyTuple_Check(op) \
  PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_TUPLE_SUBCLASS)
#define PyTuple_CheckExact(op) Py_IS_TYPE((op), &PyTuple_Type)

PyAPI_FUNC(PyObject*) PyTuple_New(Py_ssize_t size);
PyAPI_FUNC(Py_ssize_t) PyTuple_Size(PyObject* p);
/* Borrowed reference; IndexError and NULL if out of range. */
PyAPI_FUNC(PyObject*) PyTuple_GetItem(PyObject* p, Py_ssize_t pos);
/* Steals o (even on failure); only for tuples not yet shared. */
PyAPI_FUNC(int) PyTuple_SetItem(PyObject* p, Py_ssize_t pos, PyObject* o);
PyAPI_FUNC(PyObject*) PyTuple_GetSlice(PyObject* p, Py_ssize_t low,
                                       Py_ssize_t high);
/* A new tuple of n items, each a new reference to the argument. */
PyAPI_FUNC(PyObject*) PyTuple_Pack(Py_ssize_t n, ...);
PyAPI_FUNC(int) _PyTuple_Resize(PyObject** p, Py_ssize_t newsize);

#define _PyTuple_CAST(op) \
  (assert(PyTuple_Check(op)), _Py_CAST(PyTupleObject*, (op)))

static inline Py_ssize_t PyTuple_GET_SIZE(PyObject* op) {
  return Py_SIZE(_PyTuple_CAST(op));
}
#define PyTuple_GET_SIZE(op) PyTuple_GET_SIZE(_PyObject_CAST(op))

/* Borrowed reference, no checks. */
#define PyTuple_GET_ITEM(op, index) (_PyTuple_CAST(op)->ob_item[(index)])

/* Steals value; no checks; only for tuples not yet shared. */
static inline void PyTuple_SET_ITEM(PyObject* op, Py_ssize_t index,
                                    PyObject* value) {
  PyTupleObject* tuple = _PyTuple_CAST(op);
  assert(0 <= index);
  assert(index < Py_SIZE(tuple));
  tuple->ob_item[index] = value;
}
#define PyTuple_SET_ITEM(op, index, value) \
  PyTuple_SET_ITEM(_PyObject_CAST(op), (index), _PyObject_CAST(value))

#ifdef __cplusplus
}
#endif

#endif /* !Py_TUPLEOBJECT_H */
