/* classmethod and staticmethod (the part of CPython's funcobject.h that
 * ftrt has: it has no Python functions). Each wraps any callable; a
 * classmethod binds it to the class, a staticmethod returns it as is.
 * Both are immutable once made, so they can be shared between threads.
 *
 * PyFunction_Type is there for the checks extensions make to tell Python
 * functions from C callables (PyFunction_Check, isinstance(x, function)):
 * ftrt runs no Python code, so no object is a function and the checks
 * say no. */
#ifndef Py_FUNCOBJECT_H
#define Py_FUNCOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PyFunction_Type;
#define PyFunction_Check(op) Py_IS_TYPE((op), &PyFunction_Type)

PyAPI_DATA(PyTypeObject) PyClassMethod_Type;
PyAPI_DATA(PyTypeObject) PyStaticMethod_Type;

PyAPI_FUNC(PyObject*) PyClassMethod_New(PyObject* callable);
PyAPI_FUNC(PyObject*) PyStaticMethod_New(PyObject* callable);

#ifdef __cplusplus
}
#endif

#endif /* !Py_FUNCOBJECT_H */
