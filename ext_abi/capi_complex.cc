// libftrt.so: the complex C API (PyComplex_*, the _Py_c_* helpers;
// complexobject.h) over object/'s complex.h. PyComplex_Type is object/'s
// own type under its C name.
//
// CPython 3.13's conversions: a complex gives its value; any other object
// first gets a chance through __complex__ (looked up on its type; the
// result must be a complex, else TypeError "__complex__ returned
// non-complex (type int)"), then is read as a real number through
// __float__ / __index__ (number.h's NumberFloat), with imaginary part 0.0;
// anything else is TypeError "must be real number, not str", and the
// error value -1.0.
#include <cerrno>
#include <cmath>

#include "ext_abi/capi_internal.h"
#include "object/complex.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/intern.h"
#include "object/number.h"
#include "object/call.h"
#include "object/type_cache.h"

using ftrt::Ref;
using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NewOrRaise;
using ftrt::ext::internal::RaiseStatus;

namespace {

// The value of op as a complex (see the top of the file): true, or false
// with an exception set.
bool ToComplex(PyObject* op, Py_complex* out, const char* func) {
  if (op == nullptr) {
    BadCall(func);
    return false;
  }
  if (ftrt::IsComplex(op)) {
    *out = ftrt::ComplexValue(op);
    return true;
  }
  PyObject* name = ftrt::InternFromString("__complex__");
  if (name == nullptr) return false;
  if (Ref<> method = ftrt::TypeLookup(op->ob_type, name)) {
    Ref<> r = ftrt::CallOneArg(method.get(), op);
    if (!r) return false;
    if (!ftrt::IsComplex(r.get())) {
      ftrt::SetErrorFormat(PyExc_TypeError, "__complex__ returned non-complex (type %s)",
                           r->ob_type->tp_name);
      return false;
    }
    *out = ftrt::ComplexValue(r.get());
    return true;
  }
  if (!ftrt::IsNumber(op)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "must be real number, not %s", op->ob_type->tp_name);
    return false;
  }
  absl::StatusOr<Ref<>> f = ftrt::NumberFloat(op);
  if (!f.ok()) {
    RaiseStatus(f.status());
    return false;
  }
  *out = {ftrt::FloatValue(f->get()), 0.0};
  return true;
}

}  // namespace

extern "C" {

PyObject* PyComplex_FromDoubles(double real, double imag) {
  return NewOrRaise(ftrt::ComplexFromDoubles(real, imag));
}

PyObject* PyComplex_FromCComplex(Py_complex z) {
  return NewOrRaise(ftrt::ComplexFromDoubles(z.real, z.imag));
}

double PyComplex_RealAsDouble(PyObject* op) {
  Py_complex z;
  return ToComplex(op, &z, "PyComplex_RealAsDouble") ? z.real : -1.0;
}

double PyComplex_ImagAsDouble(PyObject* op) {
  Py_complex z;
  return ToComplex(op, &z, "PyComplex_ImagAsDouble") ? z.imag : -1.0;
}

Py_complex PyComplex_AsCComplex(PyObject* op) {
  Py_complex z;
  if (!ToComplex(op, &z, "PyComplex_AsCComplex")) return {-1.0, 0.0};
  return z;
}

// --- arithmetic on values, errors in errno ---------------------------------------

Py_complex _Py_c_sum(Py_complex a, Py_complex b) { return {a.real + b.real, a.imag + b.imag}; }
Py_complex _Py_c_diff(Py_complex a, Py_complex b) { return {a.real - b.real, a.imag - b.imag}; }
Py_complex _Py_c_neg(Py_complex a) { return {-a.real, -a.imag}; }
Py_complex _Py_c_prod(Py_complex a, Py_complex b) {
  return {a.real * b.real - a.imag * b.imag, a.real * b.imag + a.imag * b.real};
}

Py_complex _Py_c_quot(Py_complex a, Py_complex b) {
  absl::StatusOr<Py_complex> q = ftrt::ComplexQuotient(a, b);
  if (!q.ok()) {
    errno = EDOM;
    return {0.0, 0.0};
  }
  return *q;
}

Py_complex _Py_c_pow(Py_complex a, Py_complex b) {
  int error;
  const Py_complex r = ftrt::ComplexPowerValue(a, b, /*integer_powers=*/false, &error);
  if (error != 0) errno = error;
  return r;
}

double _Py_c_abs(Py_complex z) {
  absl::StatusOr<double> r = ftrt::ComplexAbs(z);
  if (r.ok()) return *r;
  errno = ERANGE;
  return HUGE_VAL;
}

}  // extern "C"
