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
/* return a new float NaN, or +/- infinity with the sign of `sign`. */
#define Py_RETURN_NAN return PyFloat_FromDouble(Py_NAN)
#define Py_RETURN_INF(sign)                          \
  do {                                               \
    if (copysign(1., (sign)) == 1.) {                \
      return PyFloat_FromDouble(Py_HUGE_VAL);        \
    } else {                                         \
      return PyFloat_FromDouble(-Py_HUGE_VAL);       \
    }                                                \
  } while (0)

PyAPI_FUNC(double) PyFloat_GetMax(void);
PyAPI_FUNC(double) PyFloat_GetMin(void);

/* IEEE 754 binary16 ("e"), binary32 ("f") and binary64 ("d") encodings
 * of x in the 2, 4 or 8 bytes at p, little-endian if le is non-zero, else
 * big-endian. Rounds to nearest, ties to even; 0, or -1 with
 * OverflowError "float too large to pack with e format" ("f" format) for
 * a finite x too large for the format. */
PyAPI_FUNC(int) PyFloat_Pack2(double x, char* p, int le);
PyAPI_FUNC(int) PyFloat_Pack4(double x, char* p, int le);
PyAPI_FUNC(int) PyFloat_Pack8(double x, char* p, int le);
/* The inverse; never fails. */
PyAPI_FUNC(double) PyFloat_Unpack2(const char* p, int le);
PyAPI_FUNC(double) PyFloat_Unpack4(const char* p, int le);
PyAPI_FUNC(double) PyFloat_Unpack8(const char* p, int le);

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
