// int: integers of any size, 64-bit words while they fit.
//
// An int object is a header, an int64_t and a digit count (builtin_layouts.h's
// struct _longobject; bool shares it). Every value in the int64_t range is
// held in the word (the small form) and most ints live there, so the common
// operations are one machine instruction and an overflow test; a value
// beyond that range (a 64-bit hash read unsigned, a 128-bit id, 2**100)
// takes the big form, 32-bit digits after the struct, and its arithmetic
// is bigint.h's. The two forms never overlap: a result that fits in 64 bits
// is always stored small, so two ints are equal only if their forms are.
// The small ints -5..256 are immortal objects in static storage, as in
// CPython, so the most common values are shared without counting;
// IntFromInt64 returns them for values in that range.
//
// Ints are immutable: any thread may read one it holds a reference to.
// Equality and hashing follow Python across int, bool and float: 1 == 1.0
// == True and all three hash to 1 (hash.h). Ordering compares exactly
// against floats (float.h). Converting to and from decimal text is limited
// to 4300 digits, as CPython's default sys.int_info.default_max_str_digits
// (ValueError past it), so a crafted string cannot make it quadratic.
#ifndef FTRT_OBJECT_INT_H_
#define FTRT_OBJECT_INT_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "object/bigint.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"
#include "sync/config.h"

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

// True if op (an int) holds a value beyond the int64_t range.
inline bool IntIsBig(const PyObject* op) {
  return reinterpret_cast<const IntObject*>(op)->ftrt_ndigits != 0;
}

// The value of an int in the small form (unchecked: op must be an int and
// !IntIsBig(op); debug builds abort on a big one). Code that can meet any
// int uses IntAsInt64 or IntToBigInt.
inline int64_t IntValue(const PyObject* op) {
  FTRT_DCHECK(!IntIsBig(op), "IntValue of a big int (type %s)", op->ob_type->tp_name);
  return reinterpret_cast<const IntObject*>(op)->ftrt_value;
}

// -1, 0 or 1: the sign of an int's value.
inline int IntSign(const PyObject* op) {
  const auto* o = reinterpret_cast<const IntObject*>(op);
  if (o->ftrt_ndigits != 0) return o->ftrt_ndigits < 0 ? -1 : 1;
  return o->ftrt_value < 0 ? -1 : o->ftrt_value > 0 ? 1 : 0;
}

// An exact int (not a subclass) of op's value (op must be an int); op
// itself when it is one.
absl::StatusOr<Ref<>> IntExact(const PyObject* op);

// An instance of `type`, a subclass of int, holding the value of the int
// `value`; made by the type's tp_alloc (its error if that fails).
// OverflowError for a value beyond 64 bits when the subclass has fields of
// its own (or a __dict__ or weakref slot), which would overlap its digits.
absl::StatusOr<Ref<>> IntSubtypeCopy(PyTypeObject* type, const PyObject* value);

// The value of an int (either form) as a BigInt.
BigInt IntToBigInt(const PyObject* op);
// An int of the value v (the small form when it fits; MemoryError).
absl::StatusOr<Ref<>> IntFromBigInt(const BigInt& v);

// The immortal small int for kSmallIntMin <= v <= kSmallIntMax (borrowed).
PyObject* SmallInt(int64_t v);

// New ints. MemoryError if allocation fails (never for small ints).
absl::StatusOr<Ref<>> IntFromInt64(int64_t v);
absl::StatusOr<Ref<>> IntFromUint64(uint64_t v);
// int(x) for a float: truncates toward zero; OverflowError for infinities,
// ValueError for NaN.
absl::StatusOr<Ref<>> IntFromDouble(double v);
// The int written by `digits` (digit characters only: no sign, prefix,
// spaces or underscores) in `base` (2..36). ValueError for a bad digit,
// or for more than 4300 digits in a base that is not a power of two.
absl::StatusOr<Ref<>> IntFromDigitString(std::string_view digits, int base, bool negative);
// int(text, base) for text in Python's int literal syntax (surrounding
// whitespace, a sign, a 0x / 0o / 0b prefix that base 0 requires to pick
// the base and others allow when it matches, '_' between digits; base 0
// or 2..36). Null with *syntax_error set if text is not such a literal
// (the caller words the ValueError: it knows the object's repr); else the
// int, or the error of making it.
absl::StatusOr<Ref<>> IntFromLiteral(std::string_view text, int base, bool* syntax_error);

// Conversions (PyLong_AsLong and friends). TypeError if op is not an int,
// OverflowError if the value does not fit.
absl::StatusOr<int64_t> IntAsInt64(const PyObject* op);
absl::StatusOr<int32_t> IntAsInt32(const PyObject* op);
absl::StatusOr<uint64_t> IntAsUint64(const PyObject* op);
// float(op), correctly rounded; OverflowError "int too large to convert
// to float" (op must be an int).
absl::StatusOr<double> IntAsDouble(const PyObject* op);
// An int's value modulo 2**64 (op must be an int): the low 64 bits of its
// two's complement form, as PyLong_AsUnsignedLongLongMask returns them.
uint64_t IntLowBits64(const PyObject* op);
// An int's value clamped to [INT64_MIN, INT64_MAX] (op must be an int):
// for the callers that only need to know a huge index is out of range.
int64_t IntClampedValue(const PyObject* op);

// Exact comparisons (a and b ints).
std::strong_ordering IntCompare(const PyObject* a, const PyObject* b);
// a (an int) against a double, exactly; unordered for NaN.
std::partial_ordering IntCompareDouble(const PyObject* a, double d);
// hash(op) for an int.
Py_hash_t IntHash(const PyObject* op);
// The digits of op in base 2, 8, 10 or 16 (lowercase, '-' first for a
// negative value, no prefix). ValueError beyond 4300 decimal digits.
absl::StatusOr<std::string> IntToString(const PyObject* op, int base);
// int.bit_length().
uint64_t IntBitLength(const PyObject* op);

// Arithmetic on ints (TypeError for other types, ZeroDivisionError for a
// zero divisor, MemoryError for a result of more than 2**31 bits).
// Division floors and the remainder takes the divisor's sign, as in Python.
absl::StatusOr<Ref<>> IntAdd(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntSubtract(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntMultiply(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntFloorDivide(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntRemainder(const PyObject* a, const PyObject* b);
absl::StatusOr<Ref<>> IntNegate(const PyObject* a);
// a / b: a float (ZeroDivisionError "division by zero"), correctly
// rounded; OverflowError "integer division result too large for a float".
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
// For float's and complex's mixed arithmetic: true with OverflowError "int
// too large to convert to float" set if op is an int beyond the double
// range; false for anything else.
bool IntOverflowsDouble(const PyObject* op);
// int's slots, shared with bool.
Py_hash_t IntHashSlot(PyObject* op);
PyObject* IntRichCompareSlot(PyObject* a, PyObject* b, int op);
// int's number slots (number.h's dispatch calls them); bool's too.
extern PyNumberMethods kIntNumberMethods;
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_INT_H_
