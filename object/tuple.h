// tuple: an immutable sequence of references, laid out as CPython's
// PyTupleObject (ob_size item pointers right after the header), so
// ext_abi/'s PyTuple_GET_ITEM / PyTuple_SET_ITEM / PyTuple_GET_SIZE read
// and write it directly.
//
// A tuple is immutable once published, so any thread holding a reference
// reads its items without a lock. TupleNew makes one whose items are NULL
// for its creator to fill (TupleInitItem, PyTuple_SET_ITEM) before it
// publishes it, as in CPython.
//
// The collector: a tuple can only be part of a cycle through an item that
// is a container, so TupleFromItems tracks a new tuple only when one of its
// items may hold others (an object of a GC type, other than a tuple that is
// itself untracked). A tuple from TupleNew is tracked (its items are not
// known yet); TupleMaybeUntrack, which the collector may call, untracks it
// once it holds no such item, as CPython's _PyTuple_MaybeUntrack does.
// tp_traverse visits the items; there is no tp_clear (as in CPython: the
// collector breaks a cycle through a tuple by clearing the other objects in
// it).
#ifndef FTRT_OBJECT_TUPLE_H_
#define FTRT_OBJECT_TUPLE_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyTuple_Type;
}

namespace ftrt {

using TupleObject = PyTupleObject;

PyTypeObject* TupleType();

inline bool IsTuple(const PyObject* op) {
  return (op->ob_type->tp_flags & Py_TPFLAGS_TUPLE_SUBCLASS) != 0;
}

// Raw access (unchecked: op must be a tuple, 0 <= i < size).
inline Py_ssize_t TupleSize(const PyObject* op) {
  return reinterpret_cast<const PyVarObject*>(op)->ob_size;
}
inline PyObject* TupleItem(const PyObject* op, Py_ssize_t i) {
  return reinterpret_cast<const TupleObject*>(op)->ob_item[i];
}
inline absl::Span<PyObject* const> TupleItems(const PyObject* op) {
  return absl::Span<PyObject* const>(reinterpret_cast<const TupleObject*>(op)->ob_item,
                                     static_cast<size_t>(TupleSize(op)));
}

// A tuple of `size` NULL items for its creator to fill (TupleInitItem)
// before publishing it; tracked. SystemError for a negative size.
absl::StatusOr<Ref<>> TupleNew(Py_ssize_t size);

// Stores `item` (ownership moves into the tuple) at i of a tuple made by
// TupleNew that is not yet published.
void TupleInitItem(PyObject* tuple, Py_ssize_t i, Ref<> item);

// A tuple of new references to `items` (none may be null).
absl::StatusOr<Ref<>> TupleFromItems(absl::Span<PyObject* const> items);

// items[i] as a new reference; TypeError if op is not a tuple, IndexError
// ("tuple index out of range") if i is not in [0, size).
absl::StatusOr<Ref<>> TupleGetItemRef(PyObject* op, Py_ssize_t i);

// hash(t): the items' hashes combined (TypeError if one is unhashable).
absl::StatusOr<Py_hash_t> TupleHash(PyObject* op);

// Untracks the tuple if none of its items can hold other objects.
void TupleMaybeUntrack(PyObject* op);

// The empty tuple (immortal).
PyObject* EmptyTuple();

}  // namespace ftrt

#endif  // FTRT_OBJECT_TUPLE_H_
