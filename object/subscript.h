// Subscription: o[key], o[key] = value and del o[key] (the C API's
// PyObject_GetItem / SetItem / DelItem), and the slots that give the
// built-in sequences indexing and slicing.
//
// Dispatch is CPython 3.13's (Objects/abstract.c), in our own code: the
// type's mp_subscript / mp_ass_subscript first; else, for a key with
// __index__, sq_item / sq_ass_item (a negative index has the length added
// first); else, for a type, its __class_getitem__ (type[X] is a
// types.GenericAlias; "type 'int' is not subscriptable" without one); else
// TypeError ("'int' object is not subscriptable", "... does
// not support item assignment", "... does not support item deletion",
// "sequence index must be integer, not 'str'"). dict's mp_subscript and
// mp_ass_subscript are CPython's too (with __missing__ for subtypes), so a
// C subtype of dict can delegate to PyDict_Type's.
//
// InstallSubscriptSlots, run once with the other static types' set-up
// (typeobject.cc), gives list, tuple, str and bytes CPython's slots:
// mp_length, mp_subscript (an index or a slice with any step, negative
// included), sq_item, sq_concat and sq_repeat; list also mp_ass_subscript
// (item and slice assignment and deletion, any step) and sq_ass_item.
// Slicing a list is one snapshot taken inside its critical section, and
// assigning to a slice is one step inside it (list.h): a slice's bounds
// are read first (they may run __index__), an iterable that is not a list
// or tuple is made a list first (iterating runs code), both outside the
// section. The messages are CPython's ("list indices must be integers or
// slices, not str", "can only concatenate list (not \"tuple\") to list").
#ifndef FTRT_OBJECT_SUBSCRIPT_H_
#define FTRT_OBJECT_SUBSCRIPT_H_

#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// PyObject_GetItem: o[key], or null with an exception set.
Ref<> ObjectGetItem(PyObject* o, PyObject* key);
// PyObject_SetItem: o[key] = value; 0, or -1 with an exception set.
int ObjectSetItem(PyObject* o, PyObject* key, PyObject* value);
// PyObject_DelItem: del o[key]; 0, or -1 with an exception set.
int ObjectDelItem(PyObject* o, PyObject* key);

namespace internal {
// Fills in the built-in sequences' subscript slots (see the top).
void InstallSubscriptSlots();
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_SUBSCRIPT_H_
