/* slice and Ellipsis (CPython's sliceobject.h).
 *
 * LAYOUT DEPENDENCY: extensions read a slice's fields directly
 * (((PySliceObject*)s)->start), so object/'s slice is laid out as
 * PySliceObject below (CPython 3.13's: the header, then start, stop and
 * step, never NULL: Py_None for a value left out).
 *
 * Thread safety. A slice is immutable: its fields are set when it is made
 * and never change, so any thread may read a slice it holds a reference
 * to, without a lock. Reading the fields as indices (PySlice_Unpack) may
 * call their __index__, i.e. run code.
 *
 * The usual way to handle a slice in mp_subscript:
 *     Py_ssize_t start, stop, step;
 *     if (PySlice_Unpack(key, &start, &stop, &step) < 0) return NULL;
 *     Py_ssize_t n = PySlice_AdjustIndices(length, &start, &stop, step);
 *     for (Py_ssize_t i = 0, cur = start; i < n; i++, cur += step) ...
 * Unpack first, then read the length: Unpack may run code that changes it
 * (for a container other threads modify, read the length and the items in
 * one critical section after unpacking). */
#ifndef Py_SLICEOBJECT_H
#define Py_SLICEOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The Ellipsis singleton ("..."), immortal. Use Py_Ellipsis. */
PyAPI_DATA(PyObject) _Py_EllipsisObject;
#define Py_Ellipsis (&_Py_EllipsisObject)

typedef struct {
  PyObject_HEAD
  PyObject* start; /* never NULL: Py_None when left out */
  PyObject* stop;
  PyObject* step;
} PySliceObject;

PyAPI_DATA(PyTypeObject) PySlice_Type;
PyAPI_DATA(PyTypeObject) PyEllipsis_Type;

/* slice cannot be subclassed. */
#define PySlice_Check(op) Py_IS_TYPE((op), &PySlice_Type)

/* slice(start, stop, step); a NULL argument stands for None. */
PyAPI_FUNC(PyObject*) PySlice_New(PyObject* start, PyObject* stop,
                                  PyObject* step);

/* The old interface: ints (or None) only, clipped to length by adding it
 * to negative values; returns -1 WITHOUT an exception if a field is not
 * an int or None, the step is 0, or the bounds fall outside the
 * sequence. Prefer PySlice_Unpack + PySlice_AdjustIndices. */
PyAPI_FUNC(int) PySlice_GetIndices(PyObject* r, Py_ssize_t length,
                                   Py_ssize_t* start, Py_ssize_t* stop,
                                   Py_ssize_t* step);
/* Unpack, then AdjustIndices to length: 0, or -1 with an exception (and
 * *slicelength 0). A macro over the two, as in CPython, so that the length
 * is read after the slice's __index__ calls have run; the function exists
 * too, for callers that take its address. */
Py_DEPRECATED(3.7)
PyAPI_FUNC(int) PySlice_GetIndicesEx(PyObject* r, Py_ssize_t length,
                                     Py_ssize_t* start, Py_ssize_t* stop,
                                     Py_ssize_t* step,
                                     Py_ssize_t* slicelength);
#define PySlice_GetIndicesEx(slice, length, start, stop, step, slicelen)  \
  (PySlice_Unpack((slice), (start), (stop), (step)) < 0                    \
       ? ((*(slicelen) = 0), -1)                                           \
       : ((*(slicelen) = PySlice_AdjustIndices((length), (start), (stop),  \
                                               *(step))),                  \
          0))

/* The slice's values as Py_ssize_t: step None is 1 (0 is ValueError
 * "slice step cannot be zero"), start / stop None are the far ends in the
 * step's direction; other values must be ints or have __index__
 * (TypeError otherwise). 0, or -1 with an exception. */
PyAPI_FUNC(int) PySlice_Unpack(PyObject* slice, Py_ssize_t* start,
                               Py_ssize_t* stop, Py_ssize_t* step);
/* Clips *start and *stop (from PySlice_Unpack) to a sequence of length
 * items and returns how many items the slice selects. Never fails. */
PyAPI_FUNC(Py_ssize_t) PySlice_AdjustIndices(Py_ssize_t length,
                                             Py_ssize_t* start,
                                             Py_ssize_t* stop,
                                             Py_ssize_t step);

#ifdef __cplusplus
}
#endif

#endif /* !Py_SLICEOBJECT_H */
