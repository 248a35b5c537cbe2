/* Built-in functions and methods (CPython's methodobject.h). PyMethodDef,
 * the PyCFunction* function types and the METH_* flags are
 * object/cpython_types.h's.
 *
 * A method may be called from any number of threads at once: the runtime
 * does not serialise calls into an extension (unless the extension turned
 * the GIL on by not declaring Py_mod_gil = Py_MOD_GIL_NOT_USED). Guard
 * shared mutable state with a PyMutex or a critical section. */
#ifndef Py_METHODOBJECT_H
#define Py_METHODOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PyCFunction_Type;
PyAPI_DATA(PyTypeObject) PyCMethod_Type;

#define PyCFunction_CheckExact(op) Py_IS_TYPE((op), &PyCFunction_Type)
#define PyCFunction_Check(op) PyObject_TypeCheck((op), &PyCFunction_Type)

PyAPI_FUNC(PyObject*) PyCFunction_NewEx(PyMethodDef* ml, PyObject* self,
                                        PyObject* module);
PyAPI_FUNC(PyObject*) PyCMethod_New(PyMethodDef* ml, PyObject* self,
                                    PyObject* module, PyTypeObject* cls);
/* A function for the stable ABI, and a macro over PyCFunction_NewEx. */
PyAPI_FUNC(PyObject*) PyCFunction_New(PyMethodDef* ml, PyObject* self);
#define PyCFunction_New(ML, SELF) PyCFunction_NewEx((ML), (SELF), NULL)
PyAPI_FUNC(PyCFunction) PyCFunction_GetFunction(PyObject* op);
PyAPI_FUNC(PyObject*) PyCFunction_GetSelf(PyObject* op);
PyAPI_FUNC(int) PyCFunction_GetFlags(PyObject* op);

#define PyCMethod_CheckExact(op) Py_IS_TYPE((op), &PyCMethod_Type)
#define PyCMethod_Check(op) PyObject_TypeCheck((op), &PyCMethod_Type)
/* The class a METH_METHOD function was defined in (borrowed), else NULL. */
PyAPI_FUNC(PyTypeObject*) ftrt_CFunctionClass(PyObject* op);
/* CPython's unchecked accessors (op must be a builtin function). */
#define PyCFunction_GET_FUNCTION(func) PyCFunction_GetFunction(_PyObject_CAST(func))
#define PyCFunction_GET_SELF(func) PyCFunction_GetSelf(_PyObject_CAST(func))
#define PyCFunction_GET_FLAGS(func) PyCFunction_GetFlags(_PyObject_CAST(func))
#define PyCFunction_GET_CLASS(func) ftrt_CFunctionClass(_PyObject_CAST(func))

#ifdef __cplusplus
}
#endif

#endif /* !Py_METHODOBJECT_H */
