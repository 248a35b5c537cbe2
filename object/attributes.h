// Attribute lookup and assignment: PyObject_GetAttr and friends, the
// generic implementations with data and non-data descriptors and instance
// dicts, and method lookup without a bound method.
//
// After CPython 3.13's Objects/object.c (_PyObject_GenericGetAttrWithDict,
// _PyObject_GenericSetAttrWithDict, _PyObject_GetMethod), with our own
// code. Generic lookup of `name` on `obj`:
//   1. look `name` up in type(obj)'s MRO (type_cache.h: lock-free, no
//      reference-count traffic for descriptors);
//   2. a data descriptor (its type has __set__) wins: its __get__ decides;
//   3. else the instance dict (at tp_dictoffset), if the object has one;
//   4. else a non-data descriptor's __get__, or the plain class attribute;
//   5. else AttributeError "'T' object has no attribute 'x'".
// Assignment: a data descriptor's __set__, else the instance dict ("'T'
// object has no attribute 'x' and no __dict__ for setting new attributes"
// without one; deleting a missing key is AttributeError too).
//
// INSTANCE DICTS AND THREADS. An object's dict is made on first
// assignment and published with a compare-exchange (a racing maker drops
// its own), then never replaced while the object lives (assigning
// obj.__dict__ replaces its contents instead, a documented difference from
// CPython), so a reader holding the object can use the dict pointer
// without taking a reference to the dict. Reads and writes of the dict
// follow dict.h's discipline (lock-free reads, writes in the dict's
// critical section): a reader sees an old or a new value, never a freed
// one.
#ifndef FTRT_OBJECT_ATTRIBUTES_H_
#define FTRT_OBJECT_ATTRIBUTES_H_

#include <optional>

#include "object/cpython_types.h"
#include "object/ref.h"
#include "object/stack_ref.h"

extern "C" {
// The generic slots (CPython's names; the default tp_getattro /
// tp_setattro of object).
PyObject* PyObject_GenericGetAttr(PyObject* obj, PyObject* name);
int PyObject_GenericSetAttr(PyObject* obj, PyObject* name, PyObject* value);
PyObject* PyObject_GenericGetDict(PyObject* obj, void* context);
int PyObject_GenericSetDict(PyObject* obj, PyObject* value, void* context);
}

namespace ftrt {

// PyObject_GetAttr: through tp_getattro (or the legacy tp_getattr).
// `name` must be a str (TypeError "attribute name must be string, not
// 'int'" otherwise).
Ref<> GetAttr(PyObject* obj, PyObject* name);
// PyObject_GetAttrString.
Ref<> GetAttrString(PyObject* obj, const char* name);
// PyObject_GetOptionalAttr: 1 and *result set if found; 0 and null if
// absent (AttributeError swallowed); -1 on another error.
int GetOptionalAttr(PyObject* obj, PyObject* name, Ref<>* result);
// PyObject_HasAttrWithError: 1, 0 or -1.
int HasAttr(PyObject* obj, PyObject* name);

// PyObject_SetAttr (value null: delete) / PyObject_SetAttrString /
// PyObject_DelAttr. 0 or -1.
int SetAttr(PyObject* obj, PyObject* name, PyObject* value);
int SetAttrString(PyObject* obj, const char* name, PyObject* value);
inline int DelAttr(PyObject* obj, PyObject* name) { return SetAttr(obj, name, nullptr); }

// PyObject_GenericGetAttr / PyObject_GenericSetAttr as Ref / int.
Ref<> GenericGetAttr(PyObject* obj, PyObject* name);
int GenericSetAttr(PyObject* obj, PyObject* name, PyObject* value);

// _PyObject_GetDictPtr: the address of the instance-dict slot, or null
// if the type has no tp_dictoffset.
PyObject** GetDictPtr(PyObject* obj);
// The instance dict (borrowed: valid while obj lives, see above), made if
// absent and `create`. Null if the object has none (and, with `create`,
// an exception set if it cannot have one or allocation failed).
PyObject* GetInstanceDict(PyObject* obj, bool create);

// _PyObject_GetMethod: looks `name` up for a call. If the attribute is a
// method descriptor (or any descriptor whose type has
// Py_TPFLAGS_METHOD_DESCRIPTOR) not shadowed by the instance dict,
// *method pins that unbound callable on the root stack and 1 is returned:
// call it with obj prepended. Otherwise *method pins the attribute's value
// (already bound) and 0 is returned. -1 with an exception set (*method
// empty) on error. `method` must be empty; it is a StackRef so that the
// common case touches no shared reference count (type_cache.h).
int GetMethod(PyObject* obj, PyObject* name, std::optional<StackRef>* method);

namespace internal {
// The generic lookup, but an absent attribute is null with no exception
// set (what tp_getattro overrides that fall back to something call).
Ref<> GenericGetAttrOrNull(PyObject* obj, PyObject* name);
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_ATTRIBUTES_H_
