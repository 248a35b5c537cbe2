/* float (CPython's floatobject.h).
 *
 * LAYOUT DEPENDENCY: PyFloat_AS_DOUBLE reads PyFloatObject.ob_fval
 * directly, so object/'s float must be laid out as below (CPython 3.13's
 * PyFloatObject: the header, then the double). Floats are immutable, so
 * the read needs no lock. */
#ifndef Py_FLOATOBJECT_H
#define Py_FLOATOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  PyObject_HEAD
  double ob_fval;
} PyFloatObject;

PyAPI_DATA(PyTypeObject) PyFloat_Type;

#define PyFloat_Check(op) PyObject_TypeCheck((op), &PyFloat_Type)
#define PyFloat_CheckExact(op) Py_IS_TYPE((op), &PyFloat_Type)

PyAPI_FUNC(PyObject*) PyFloat_FromDouble(double v);
PyAPI_FUNC(PyObject*) PyFloat_FromString(PyObject* str);
/* -1.0 with an exception if op is neither a float nor has __float__ /
 * __index__. */
PyAPI_FUNC(double) PyFloat_AsDouble(PyObject* op);
PyAPI_FUNC(double) PyFloat_GetMax(void);
PyAPI_FUNC(double) PyFloat_GetMin(void);

#define _PyFloat_CAST(op) \
  (assert(PyFloat_Check(op)), _Py_CAST(PyFloatObject*, (op)))

/* No checks: op must be a float. */
static inline double PyFloat_AS_DOUBLE(PyObject* op) {
  return _PyFloat_CAST(op)->ob_fval;
}
#define PyFloat_AS_DOUBLE(op) PyFloat_AS_DOUBLE(_PyObject_CAST(op))

#ifdef __cplusplus
}
#endif

#endif /* !Py_FLOATOBJECT_H */
