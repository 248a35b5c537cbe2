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

/* CPython 3.13's layouts of builtin functions (cpython/methodobject.h),
 * which some extensions read directly (cffi reads m_ml and m_module). A
 * builtin function is immutable once made: any thread may read it. */
typedef struct {
  PyObject_HEAD
  PyMethodDef* m_ml;      /* what the function calls */
  PyObject* m_self;       /* __self__ (NULL for METH_STATIC) */
  PyObject* m_module;     /* __module__ (usually a str), or NULL */
  PyObject* m_weakreflist;
  vectorcallfunc vectorcall;
} PyCFunctionObject;

typedef struct {
  PyCFunctionObject func;
  PyTypeObject* mm_class; /* the class that defined a METH_METHOD function */
} PyCMethodObject;

#define _PyCFunctionObject_CAST(func) _Py_CAST(PyCFunctionObject*, (func))
#define _PyCMethodObject_CAST(func) _Py_CAST(PyCMethodObject*, (func))

/* The unchecked accessors (func must be a builtin function). */
static inline PyCFunction PyCFunction_GET_FUNCTION(PyObject* func) {
  return _PyCFunctionObject_CAST(func)->m_ml->ml_meth;
}
#define PyCFunction_GET_FUNCTION(func) PyCFunction_GET_FUNCTION(_PyObject_CAST(func))
static inline PyObject* PyCFunction_GET_SELF(PyObject* func) {
  PyCFunctionObject* f = _PyCFunctionObject_CAST(func);
  return (f->m_ml->ml_flags & METH_STATIC) ? _Py_NULL : f->m_self;
}
#define PyCFunction_GET_SELF(func) PyCFunction_GET_SELF(_PyObject_CAST(func))
static inline int PyCFunction_GET_FLAGS(PyObject* func) {
  return _PyCFunctionObject_CAST(func)->m_ml->ml_flags;
}
#define PyCFunction_GET_FLAGS(func) PyCFunction_GET_FLAGS(_PyObject_CAST(func))
static inline PyTypeObject* PyCFunction_GET_CLASS(PyObject* func) {
  PyCFunctionObject* f = _PyCFunctionObject_CAST(func);
  return (f->m_ml->ml_flags & METH_METHOD) ? _PyCMethodObject_CAST(func)->mm_class : _Py_NULL;
}
#define PyCFunction_GET_CLASS(func) PyCFunction_GET_CLASS(_PyObject_CAST(func))

#ifdef __cplusplus
}
#endif

#endif /* !Py_METHODOBJECT_H */
