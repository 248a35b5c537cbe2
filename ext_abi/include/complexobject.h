/* complex (CPython's complexobject.h and cpython/complexobject.h).
 *
 * LAYOUT DEPENDENCY: extensions read ((PyComplexObject*)op)->cval
 * directly, so object/'s complex is laid out as PyComplexObject below
 * (CPython 3.13's: the header, then the two doubles). A complex is
 * immutable, so the read needs no lock.
 *
 * Semantics are CPython 3.13's: PyComplex_RealAsDouble /
 * PyComplex_ImagAsDouble / PyComplex_AsCComplex take a complex, an object
 * with __complex__, or a real number (its __float__ or __index__, imaginary
 * part 0.0); anything else is TypeError "must be real number, not str",
 * with -1.0 returned (AsCComplex: real part -1.0). The _Py_c_* helpers
 * report errors in errno as CPython's do (EDOM: division by zero, or 0 to a
 * negative or complex power; ERANGE: overflow). */
#ifndef Py_COMPLEXOBJECT_H
#define Py_COMPLEXOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  double real;
  double imag;
} Py_complex;

/* Arithmetic on values (errno set on error, see above). */
PyAPI_FUNC(Py_complex) _Py_c_sum(Py_complex, Py_complex);
PyAPI_FUNC(Py_complex) _Py_c_diff(Py_complex, Py_complex);
PyAPI_FUNC(Py_complex) _Py_c_neg(Py_complex);
PyAPI_FUNC(Py_complex) _Py_c_prod(Py_complex, Py_complex);
PyAPI_FUNC(Py_complex) _Py_c_quot(Py_complex, Py_complex);
PyAPI_FUNC(Py_complex) _Py_c_pow(Py_complex, Py_complex);
PyAPI_FUNC(double) _Py_c_abs(Py_complex);

typedef struct {
  PyObject_HEAD
  Py_complex cval;
} PyComplexObject;

PyAPI_DATA(PyTypeObject) PyComplex_Type;

#define PyComplex_Check(op) PyObject_TypeCheck((op), &PyComplex_Type)
#define PyComplex_CheckExact(op) Py_IS_TYPE((op), &PyComplex_Type)

PyAPI_FUNC(PyObject *) PyComplex_FromDoubles(double real, double imag);
PyAPI_FUNC(PyObject *) PyComplex_FromCComplex(Py_complex);

PyAPI_FUNC(double) PyComplex_RealAsDouble(PyObject *op);
PyAPI_FUNC(double) PyComplex_ImagAsDouble(PyObject *op);
PyAPI_FUNC(Py_complex) PyComplex_AsCComplex(PyObject *op);

#ifdef __cplusplus
}
#endif

#endif /* !Py_COMPLEXOBJECT_H */
