/* Bound methods (CPython's classobject.h): a callable bound to an object,
 * which calling calls with the object prepended. Cython's generated code
 * unpacks them (PyMethod_Check, PyMethod_GET_SELF / GET_FUNCTION) to call
 * the function directly, and makes them with PyMethod_New.
 *
 * A bound method is immutable: any thread may read its function and self
 * while it holds a reference to it. The GET_ forms are functions here (the
 * struct stays the runtime's), with the same borrowed results as
 * CPython's inline ones. */
#ifndef Py_CLASSOBJECT_H
#define Py_CLASSOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PyMethod_Type;

#define PyMethod_Check(op) Py_IS_TYPE((op), &PyMethod_Type)

/* func bound to self (a new reference); SystemError if either is NULL. */
PyAPI_FUNC(PyObject*) PyMethod_New(PyObject* func, PyObject* self);
/* The function and the object of a bound method (borrowed); SystemError
 * and NULL for anything else. */
PyAPI_FUNC(PyObject*) PyMethod_Function(PyObject* meth);
PyAPI_FUNC(PyObject*) PyMethod_Self(PyObject* meth);
#define PyMethod_GET_FUNCTION(meth) PyMethod_Function(_PyObject_CAST(meth))
#define PyMethod_GET_SELF(meth) PyMethod_Self(_PyObject_CAST(meth))

#ifdef __cplusplus
}
#endif

#endif /* !Py_CLASSOBJECT_H */
