// complex: a pair of IEEE 754 doubles, laid out as CPython's
// PyComplexObject (builtin_layouts.h), so ext_abi/'s Py_complex and the
// cval field read as in CPython.
//
// Immutable once made, so any thread holding a reference reads it without
// a lock. The arithmetic follows CPython 3.13 (Objects/complexobject.c)
// with our own code: an int or float operand, on either side, is first
// made the complex (x, 0.0), as 3.13 does (3.14 keeps it real); products
// use the textbook formula, with no recovery of infinities; quotients use
// Smith's algorithm (1962), which divides by the larger part of the
// divisor to avoid overflow, and a divisor of exactly 0 is a
// ZeroDivisionError "complex division by zero" (CPython 3.13's text);
// abs() is hypot(), with an infinite part winning over a NaN and
// OverflowError "absolute value too large" when finite parts overflow.
// Powers: an integral real exponent of magnitude at most 100 is done by
// repeated squaring (its inverse for a negative one), any other in polar
// form; 0 to a negative or complex power is ZeroDivisionError "0.0 to a
// negative or complex power", a finite base giving an infinite part is
// OverflowError "complex exponentiation", and a third argument is
// ValueError "complex modulo". float ** float with a negative base and a
// fractional exponent (float.cc) comes here too, as in CPython.
//
// Comparison: == and != only, with ints (exactly: 2**53 + 1 != 2.0**53),
// floats and complexes; ordering is NotImplemented (TypeError "'<' not
// supported between instances of 'complex' and 'complex'"). hash(z) is
// hash(z.real) + 1000003 * hash(z.imag) in unsigned arithmetic, -1 made
// -2, so 3+0j hashes as 3 and 3.0. There is no floor division, modulo,
// int() or float() of a complex (TypeError, as in CPython).
//
// complex() takes numbers (real, imag: real + imag*1j) or one str in
// Python's syntax ("1+2j", " (1-j) ", "-infj", "1_000j"); a str is parsed
// from ASCII only (CPython also accepts non-ASCII digits and spaces).
//
// The repr ("(1+2j)", "2j", "(-0-1j)", "(nan+infj)": the float repr of
// each part without a trailing ".0", the imaginary part always signed, the
// real part left out when it is +0.0) is installed by
// dispatch.h's InstallReprSlots, which owns the float formatting.
#ifndef FTRT_OBJECT_COMPLEX_H_
#define FTRT_OBJECT_COMPLEX_H_

#include <string>

#include "absl/status/statusor.h"
#include "object/builtin_layouts.h"
#include "object/compare.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyComplex_Type;
}

namespace ftrt {

using ComplexObject = PyComplexObject;

PyTypeObject* ComplexType();

// complex or a subclass (PyComplex_Check); exactly complex.
inline bool IsComplex(const PyObject* op) {
  return op->ob_type == &PyComplex_Type || IsSubtype(op->ob_type, &PyComplex_Type);
}
inline bool IsComplexExact(const PyObject* op) { return op->ob_type == &PyComplex_Type; }

// The value (unchecked: op must be a complex).
inline Py_complex ComplexValue(const PyObject* op) {
  return reinterpret_cast<const ComplexObject*>(op)->cval;
}

// A new complex; MemoryError if allocation fails.
absl::StatusOr<Ref<>> ComplexFromDoubles(double real, double imag);

// The arithmetic of the type (see the top of the file): errors as
// Statuses (ZeroDivisionError, OverflowError).
absl::StatusOr<Py_complex> ComplexQuotient(Py_complex a, Py_complex b);
absl::StatusOr<double> ComplexAbs(Py_complex z);
absl::StatusOr<Py_complex> ComplexPower(Py_complex base, Py_complex exponent);
// The power's value with C's error convention (the _Py_c_* helpers):
// *error is 0, EDOM (0 to a negative or complex power) or ERANGE (an
// infinite part). `integer_powers`: an integral exponent of magnitude at
// most 100 by repeated squaring (pow(); CPython's _Py_c_pow always takes
// the polar form).
Py_complex ComplexPowerValue(Py_complex base, Py_complex exponent, bool integer_powers,
                             int* error);

// hash(z) of a value; `identity` hashes a NaN part (the complex object).
Py_hash_t ComplexHash(Py_complex z, const void* identity);

// repr(z) given the float repr of a part (dispatch.cc passes
// FloatReprText, which lives above this layer).
std::string ComplexReprText(Py_complex z, std::string (*float_repr)(double));

namespace internal {
// complex's nb_power slot: float.cc sends a negative base with a
// fractional exponent here.
PyObject* ComplexPowerSlot(PyObject* a, PyObject* b, PyObject* mod);
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_COMPLEX_H_
