// float: an IEEE 754 double, laid out as CPython's PyFloatObject (so
// ext_abi/'s PyFloat_AS_DOUBLE reads ob_fval directly).
//
// Immutable. Comparisons with ints are exact (no rounding of the int to a
// double: 2**53 + 1 > 2.0**53), as in Python, and equal numbers hash equal
// across int and float (hash.h). NaN compares unequal to everything,
// itself included, and hashes by identity.
#ifndef FTRT_OBJECT_FLOAT_H_
#define FTRT_OBJECT_FLOAT_H_

#include <compare>
#include <cstdint>

#include "absl/status/statusor.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyFloat_Type;
}

namespace ftrt {

using FloatObject = PyFloatObject;

PyTypeObject* FloatType();

// float or a subclass (a C extension's type with tp_base = &PyFloat_Type:
// float's layout is in the chain of tp_base of every type that holds one).
inline bool IsFloat(const PyObject* op) {
  for (const PyTypeObject* t = op->ob_type; t != nullptr; t = t->tp_base) {
    if (t == &PyFloat_Type) return true;
  }
  return false;
}
inline bool IsFloatExact(const PyObject* op) { return op->ob_type == &PyFloat_Type; }

// The value (unchecked: op must be a float).
inline double FloatValue(const PyObject* op) {
  return reinterpret_cast<const FloatObject*>(op)->ob_fval;
}

// A new float; MemoryError if allocation fails.
absl::StatusOr<Ref<>> FloatFromDouble(double v);

// An instance of `type`, a subclass of float, holding the value of the
// float `value`; made by the type's tp_alloc (its error if that fails).
absl::StatusOr<Ref<>> FloatSubtypeCopy(PyTypeObject* type, const PyObject* value);

// PyFloat_AsDouble: a float's value, or an int's converted, correctly
// rounded (OverflowError "int too large to convert to float" past the
// double range); TypeError for other types.
absl::StatusOr<double> FloatAsDouble(const PyObject* op);

// The exact ordering of an int and a double (unordered for NaN).
std::partial_ordering CompareInt64Double(int64_t i, double d);

}  // namespace ftrt

#endif  // FTRT_OBJECT_FLOAT_H_
