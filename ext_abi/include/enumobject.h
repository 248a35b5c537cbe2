/* reversed (CPython's enumobject.h; enumerate is not there yet).
 * PyReversed_Type is the builtin reversed: calling it with a sequence
 * gives an iterator from its last item to its first, or what the type's
 * __reversed__ returns. Threads sharing one iterator may see an item twice
 * or miss one, never a freed object (as CPython 3.13t's iterators). */
#ifndef Py_ENUMOBJECT_H
#define Py_ENUMOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PyReversed_Type;

/* CPython's iterobject.h: the iterator iter() makes for a sequence that
 * has no __iter__ (obj[0], obj[1], ... until IndexError). */
PyAPI_DATA(PyTypeObject) PySeqIter_Type;
#define PySeqIter_Check(op) Py_IS_TYPE((op), &PySeqIter_Type)
PyAPI_FUNC(PyObject*) PySeqIter_New(PyObject* seq);

/* iter(callable, sentinel): callable() for each item until it returns an
 * object equal to sentinel (or raises StopIteration). */
PyAPI_DATA(PyTypeObject) PyCallIter_Type;
#define PyCallIter_Check(op) Py_IS_TYPE((op), &PyCallIter_Type)
PyAPI_FUNC(PyObject*) PyCallIter_New(PyObject* callable, PyObject* sentinel);

#ifdef __cplusplus
}
#endif

#endif /* !Py_ENUMOBJECT_H */
