// The number protocol: Python's arithmetic and bitwise operators through
// the types' PyNumberMethods slots, with the operator dispatch of Python's
// data model.
//
// A binary operator `a OP b` tries the left operand's slot, then the right
// operand's (its reflected turn), each called as slot(a, b), a slot that
// does not handle the pair answering NotImplemented; the right operand goes
// first when its type is a proper subtype of the left's that has a slot of
// its own (so that a subclass can override an operator of its base). When
// no slot answers, `+` falls back to sequence concatenation (sq_concat)
// and `*` to repetition (sq_repeat) of whichever operand is a sequence,
// and anything else is a TypeError naming the operator and both types
// ("unsupported operand type(s) for +: 'int' and 'str'"). An in-place
// operator (`a += b`) tries the left operand's in-place slot first, then
// the binary operator. These are the semantics C extensions get from
// PyNumber_Add and friends (ext_abi/), and what their own types' nb_*
// slots are called with.
//
// int and float carry their slots (int.cc, float.cc): ints have any size
// (int.h: 64-bit words while they fit, big ints beyond), int / int and
// mixed int-float arithmetic give floats with Python's rules (floor
// division and modulo round toward negative infinity, the remainder takes
// the divisor's sign), division by zero is a ZeroDivisionError. bool
// inherits int's slots; &, | and ^ of two bools give a bool.
//
// Errors are Statuses (errors.h): a slot's own exception (one an
// extension's slot raised) travels in the Status as any slot error does.
#ifndef FTRT_OBJECT_NUMBER_H_
#define FTRT_OBJECT_NUMBER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// The binary operators, each with its PyNumberMethods slot (and in-place
// slot) in number.cc's table.
enum class NumberOp : uint8_t {
  kAdd,
  kSubtract,
  kMultiply,
  kRemainder,
  kDivmod,
  kPower,  // two-argument pow(a, b); NumberPower takes a modulus
  kLshift,
  kRshift,
  kAnd,
  kXor,
  kOr,
  kFloorDivide,
  kTrueDivide,
  kMatrixMultiply,
};

enum class UnaryNumberOp : uint8_t { kNegative, kPositive, kAbsolute, kInvert };

// The operator's symbol as Python's error messages print it ("+", "//",
// "divmod()", "** or pow()").
const char* NumberOpSymbol(NumberOp op);

// a OP b.
absl::StatusOr<Ref<>> NumberBinary(NumberOp op, PyObject* a, PyObject* b);

// a OP= b: the result is what the name should be bound to (a itself for a
// mutable type that updated in place).
absl::StatusOr<Ref<>> NumberInPlace(NumberOp op, PyObject* a, PyObject* b);

// pow(a, b, mod); mod None (or null) is two-argument pow. `in_place`: a **= b.
absl::StatusOr<Ref<>> NumberPower(PyObject* a, PyObject* b, PyObject* mod, bool in_place = false);

// -a, +a, abs(a), ~a.
absl::StatusOr<Ref<>> NumberUnary(UnaryNumberOp op, PyObject* a);

// Whether op can be interpreted as a number: it has __index__, __int__
// or __float__ (PyNumber_Check).
bool IsNumber(const PyObject* op);

// Whether op has __index__ (PyIndex_Check).
bool HasIndex(const PyObject* op);

// operator.index(op): op itself for an int (exact int; a subclass's value
// as a new int), else its __index__, which must return an int. TypeError
// "'str' object cannot be interpreted as an integer" without one.
absl::StatusOr<Ref<>> NumberIndex(PyObject* op);

// int(op) for a number: __int__, else __index__ (an exact int).
absl::StatusOr<Ref<>> NumberInt(PyObject* op);

// float(op) for a number: __float__, else __index__ (a float).
absl::StatusOr<Ref<>> NumberFloat(PyObject* op);

}  // namespace ftrt

#endif  // FTRT_OBJECT_NUMBER_H_
