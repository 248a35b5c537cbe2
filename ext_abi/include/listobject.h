/* list (CPython's listobject.h), with free-threaded semantics.
 *
 * LAYOUT DEPENDENCY: PyList_GET_ITEM, PyList_SET_ITEM and PyList_GET_SIZE
 * read the object directly, so object/'s list must be laid out as
 * PyListObject below (CPython 3.13's: the var header, a pointer to the
 * item array, the allocated capacity).
 *
 * Thread safety. Every function below is safe to call on a list other
 * threads mutate: each operation takes the list's critical section (or
 * reads lock-free, for PyList_GetItemRef and PyList_Size). What is NOT safe
 * is holding on to what a call returned while others mutate the list:
 *   - PyList_GetItem returns a BORROWED reference. Another thread may
 *     replace or remove the item and drop its last reference at once, so
 *     the pointer may dangle before the caller uses it.
 *     SAFE REPLACEMENT: PyList_GetItemRef (a new reference), or
 *     PyList_GetItem inside Py_BEGIN_CRITICAL_SECTION(list) without
 *     calling anything in the section that may block or run code.
 *   - The macros PyList_GET_ITEM / PyList_SET_ITEM / PyList_GET_SIZE do
 *     no locking: use them only on a list no other thread can reach (one
 *     the caller has just created) or inside Py_BEGIN_CRITICAL_SECTION on
 *     the list. PyList_GET_SIZE alone is a relaxed atomic read (a snapshot)
 *     and is safe anywhere.
 *   - PyList_SET_ITEM steals value and does not release the old item; it is
 *     for filling a new list made by PyList_New(n). */
#ifndef Py_LISTOBJECT_H
#define Py_LISTOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  PyObject_VAR_HEAD
  /* list[0] is ob_item[0], ...; NULL when ob_size == allocated == 0. The
   * array is replaced (not realloc'ed in place) when the list grows, and
   * the old one freed after a grace period, so lock-free readers never
   * read freed memory. */
  PyObject** ob_item;
  Py_ssize_t allocated; /* capacity of ob_item; ob_size <= allocated */
} PyListObject;

PyAPI_DATA(PyTypeObject) PyList_Type;

#define PyList_Check(op) \
  PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_LIST_SUBCLASS)
#define PyList_CheckExact(op) Py_IS_TYPE((op), &PyList_Type)

/* A new list of size NULL items (fill them with PyList_SET_ITEM before
 * sharing it). */
PyAPI_FUNC(PyObject*) PyList_New(Py_ssize_t size);
PyAPI_FUNC(Py_ssize_t) PyList_Size(PyObject* list);

/* BORROWED reference: unsafe without a GIL while another thread may modify
 * the list. Use PyList_GetItemRef instead (see above). IndexError and NULL
 * if out of range. */
PyAPI_FUNC(PyObject*) PyList_GetItem(PyObject* list, Py_ssize_t index);
/* New reference, or NULL with IndexError / TypeError (3.13). */
PyAPI_FUNC(PyObject*) PyList_GetItemRef(PyObject* list, Py_ssize_t index);
/* Steals item (even on failure); releases the old item. */
PyAPI_FUNC(int) PyList_SetItem(PyObject* list, Py_ssize_t index,
                               PyObject* item);
PyAPI_FUNC(int) PyList_Insert(PyObject* list, Py_ssize_t index,
                              PyObject* item);
PyAPI_FUNC(int) PyList_Append(PyObject* list, PyObject* item);
PyAPI_FUNC(PyObject*) PyList_GetSlice(PyObject* list, Py_ssize_t low,
                                      Py_ssize_t high);
/* itemlist NULL deletes the slice. */
PyAPI_FUNC(int) PyList_SetSlice(PyObject* list, Py_ssize_t low,
                                Py_ssize_t high, PyObject* itemlist);
PyAPI_FUNC(int) PyList_Extend(PyObject* list, PyObject* iterable);
PyAPI_FUNC(int) PyList_Clear(PyObject* list);
PyAPI_FUNC(int) PyList_Sort(PyObject* list);
PyAPI_FUNC(int) PyList_Reverse(PyObject* list);
PyAPI_FUNC(PyObject*) PyList_AsTuple(PyObject* list);

#define _PyList_CAST(op) \
  (assert(PyList_Check(op)), _Py_CAST(PyListObject*, (op)))

static inline Py_ssize_t PyList_GET_SIZE(PyObject* op) {
  PyListObject* list = _PyList_CAST(op);
  return __atomic_load_n(&list->ob_base.ob_size, __ATOMIC_RELAXED);
}
#define PyList_GET_SIZE(op) PyList_GET_SIZE(_PyObject_CAST(op))

/* Borrowed reference, no checks, no locking (see above). */
#define PyList_GET_ITEM(op, index) (_PyList_CAST(op)->ob_item[(index)])

static inline void PyList_SET_ITEM(PyObject* op, Py_ssize_t index,
                                   PyObject* value) {
  PyListObject* list = _PyList_CAST(op);
  assert(0 <= index);
  assert(index < list->allocated);
  list->ob_item[index] = value;
}
#define PyList_SET_ITEM(op, index, value) \
  PyList_SET_ITEM(_PyObject_CAST(op), (index), _PyObject_CAST(value))

#ifdef __cplusplus
}
#endif

#endif /* !Py_LISTOBJECT_H */
