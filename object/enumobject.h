// reversed: the iterator type CPython's enumobject.c defines beside
// enumerate (PyReversed_Type), with our own code.
//
// reversed(seq) calls type(seq).__reversed__ when the type defines it
// (TypeError "'X' object is not reversible" when it is None); otherwise
// seq must be a sequence (sq_item, and not a dict) and the iterator reads
// seq[len-1], seq[len-2], ... through sq_item, stopping early at an
// IndexError or StopIteration, as CPython does. __length_hint__ gives the
// items left. The errors and their texts are CPython 3.13's.
//
// THREADS. The position is an atomic word (relaxed), as for the sequence
// iterators (iterators.h): threads sharing one reversed iterator may see
// an item twice or miss one, never a freed object, and the sequence is
// kept until the iterator dies (exhaustion only sets the position to -1).
#ifndef FTRT_OBJECT_ENUMOBJECT_H_
#define FTRT_OBJECT_ENUMOBJECT_H_

#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyReversed_Type;
}

namespace ftrt {

// reversed(seq): a new iterator, or what seq.__reversed__() returned; null
// with an exception set on failure.
Ref<> ReversedNew(PyObject* seq);

}  // namespace ftrt

#endif  // FTRT_OBJECT_ENUMOBJECT_H_
