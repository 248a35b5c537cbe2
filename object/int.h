// int: 64-bit integers, with overflow reported as an error.
//
// An int object is a header and an int64_t (builtin_layouts.h's struct
// _longobject; bool shares it). Values outside the 64-bit range are not
// representable: arithmetic and conversions that would leave it fail with
// an OverflowError Status instead of growing into a big integer (the issue
// asked for arbitrary precision only if cheap; it is not, with this
// layout). The small ints -5..256 are immortal objects in static storage,
// as in CPython, so the most common values are shared without counting;
// IntFromInt64 returns them for values in that range.
//
// Ints are immutable: any thread may read one it holds a reference to.
// Equality and hashing follow Python across int, bool and float: 1 == 1.0
// == True and all three hash to 1 (hash.h). Ordering compares exactly
// against floats (float.h).
#ifndef FTRT_OBJECT_INT_H_
#define FTRT_OBJECT_INT_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyLong_Type;
}

namespace ftrt {

using IntObject = PyLongObject;

inline constexpr int64_t kSmallIntMin = -5;
inline constexpr int64_t kSmallIntMax = 256;

PyTypeObject* IntType();

// int or a subclass (bool included).
inline bool IsInt(const PyObject* op) {
  return (op->ob_type->tp_flags & Py_TPFLAGS_LONG_SUBCLASS) != 0;
}
inline bool IsIntExact(const PyObject* op) { return op->ob_type == &PyLong_Type; }

// The value of an int (unchecked: op must be an int).
inline int64_t IntValue(const PyObject* op) {
  return reinterpret_cast<const IntObject*>(op)->ftrt_value;
}

// The immortal small int for kSmallIntMin <= v <= kSmallIntMax (borrowed).
PyObject* SmallInt(int64_t v);

// New ints. MemoryError if allocation fails (never for small ints).
absl::StatusOr<Ref<>> IntFromInt64(int64_t v);
// OverflowError above INT64_MAX.
absl::StatusOr<Ref<>> IntFromUint64(uint64_t v);
// int(x) for a float: truncates toward zero; OverflowError for infinities
// and values outside the 64-bit range, ValueError for NaN.
absl::StatusOr<Ref<>> IntFromDouble(double v);

// Conversions (PyLong_AsLong and friends). TypeError if op is not an int,
// OverflowError if the value does not fit.
absl::StatusOr<int64_t> IntAsInt64(const PyObject* op);
absl::StatusOr<int32_t> IntAsInt32(const PyObject* op);
absl::StatusOr<uint64_t> IntAsUint64(const PyObject* op);

// Arithmetic on ints (TypeError for other types, OverflowError beyond 64
// bits, ZeroDivisionError for a zero divisor). Division floors and the
// remainder takes the divisor's sign, as in Python.
absl::StatusOr<Ref<>> IntAdd(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntSubtract(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntMultiply(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntFloorDivide(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntRemainder(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntNegate(const PyObject* a);
// a / b: a float (ZeroDivisionError "division by zero"); correctly rounded
// while both are below 2**53 in magnitude.
absl::StatusOr<Ref<>> IntTrueDivide(const PyObject* a, const PyObject* b);
// divmod(a, b): the tuple (a // b, a % b).
absl::StatusOr<Ref<>> IntDivmod(const PyObject* a, const PyObject* b);
// pow(a, b) (a float for a negative exponent) and pow(a, b, mod) (mod an
// int, not 0; a negative exponent takes the inverse of a modulo mod;
// the result has mod's sign). mod null or None: two-argument pow.
absl::StatusOr<Ref<>> IntPower(const PyObject* a, const PyObject* b, const PyObject* mod);
// a << b, a >> b (ValueError "negative shift count"); & | ^ (a bool for
// two bools); ~a; abs(a).
absl::StatusOr<Ref<>> IntLshift(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntRshift(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntAnd(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntOr(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntXor(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntInvert(const PyObject* a);
absl::StatusOr<Ref<>> IntAbsolute(const PyObject* a);

namespace internal {
// int's slots, shared with bool.
Py_hash_t IntHashSlot(PyObject* op);
PyObject* IntRichCompareSlot(PyObject* a, PyObject* b, int op);
// int's number slots (number.h's dispatch calls them); bool's too.
extern PyNumberMethods kIntNumberMethods;
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_INT_H_
