/* bool (CPython's boolobject.h). True and False are immortal ints
 * exported by the runtime as _Py_TrueStruct / _Py_FalseStruct (their type,
 * PyLongObject, stays opaque here; only their addresses are used). */
#ifndef Py_BOOLOBJECT_H
#define Py_BOOLOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PyBool_Type;

#define PyBool_Check(x) Py_IS_TYPE((x), &PyBool_Type)

PyAPI_DATA(PyLongObject) _Py_FalseStruct; /* use Py_False */
PyAPI_DATA(PyLongObject) _Py_TrueStruct;  /* use Py_True */

#define Py_False _PyObject_CAST(&_Py_FalseStruct)
#define Py_True _PyObject_CAST(&_Py_TrueStruct)

static inline int Py_IsTrue(PyObject* x) { return Py_Is(x, Py_True); }
#define Py_IsTrue(x) Py_IsTrue(_PyObject_CAST(x))
static inline int Py_IsFalse(PyObject* x) { return Py_Is(x, Py_False); }
#define Py_IsFalse(x) Py_IsFalse(_PyObject_CAST(x))

/* True and False are immortal: no Py_INCREF needed. */
#define Py_RETURN_TRUE return Py_True
#define Py_RETURN_FALSE return Py_False

PyAPI_FUNC(PyObject*) PyBool_FromLong(long v);

#ifdef __cplusplus
}
#endif

#endif /* !Py_BOOLOBJECT_H */
