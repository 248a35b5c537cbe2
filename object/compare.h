// Hashing, rich comparison and truth through the type slots.
//
// What the containers need from their items: hash(key) through tp_hash,
// key equality and item ordering through tp_richcompare, with CPython's
// dispatch rules (do_richcompare in Objects/object.c): the right operand's
// reflected slot goes first when its type is a proper subtype of the left
// one's; NotImplemented passes the turn; if both decline, == and != fall
// back to identity and ordering is a TypeError ("'<' not supported between
// instances of 'int' and 'str'"). RichCompareBool treats identity as
// equality (x is y implies x == y), as PyObject_RichCompareBool does, which
// is what containers use.
//
// Until the object-protocol issue's PyType_Ready fills in inherited slots,
// a type without tp_hash / tp_richcompare takes them from the nearest base
// (tp_base chain) that defines either, as CPython inherits the pair; a type
// with neither anywhere gets object's identity hash and equality. A slot's
// failure (-1 or NULL) is taken from the interim error indicator
// (errors.h) and returned as a Status.
//
// These calls run arbitrary code (a slot may do anything, including drop
// the last reference to a container the caller is walking): callers must
// hold references to both operands and must not hold internal locks (a
// critical section is fine: it is suspended if the code blocks).
#ifndef FTRT_OBJECT_COMPARE_H_
#define FTRT_OBJECT_COMPARE_H_

#include "absl/status/statusor.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
// tp_hash of unhashable types (list, dict): sets a TypeError, returns -1.
// CPython's name, so that C types can name it too.
Py_hash_t PyObject_HashNotImplemented(PyObject* op);
}

namespace ftrt {

// Whether `a` is `b` or derives from it (tp_base chain).
bool IsSubtype(const PyTypeObject* a, const PyTypeObject* b);

// hash(op). TypeError "unhashable type: 'list'" for unhashable objects.
absl::StatusOr<Py_hash_t> Hash(PyObject* op);

// a <op> b (op: Py_LT .. Py_GE), a new reference to the result object.
absl::StatusOr<Ref<>> RichCompare(PyObject* a, PyObject* b, int op);

// bool(a <op> b); identity implies equality for Py_EQ / Py_NE.
absl::StatusOr<bool> RichCompareBool(PyObject* a, PyObject* b, int op);

// bool(op): False, None, zero numbers and empty containers are false.
absl::StatusOr<bool> IsTrue(PyObject* op);

}  // namespace ftrt

#endif  // FTRT_OBJECT_COMPARE_H_
