// The immortal singletons: None, NotImplemented, Ellipsis, True and False.
//
// Each lives in static storage with an immortal header (refcount.h: counting
// never writes to it, so every thread can use it without touching a shared
// cache line), under the C names CPython gives them, so that ext_abi/'s
// Py_None, Py_True, ... are these very objects. True and False are ints
// (bool's base is int, their layout is int's: True == 1, hash(True) == 1).
// The small ints -5..256, immortal too, are in int.h.
#ifndef FTRT_OBJECT_NONE_BOOL_H_
#define FTRT_OBJECT_NONE_BOOL_H_

#include "object/builtin_layouts.h"
#include "object/cpython_types.h"

extern "C" {
extern PyTypeObject _PyNone_Type;
extern PyTypeObject _PyNotImplemented_Type;
extern PyTypeObject PyEllipsis_Type;
extern PyTypeObject PyBool_Type;
extern PyObject _Py_NoneStruct;
extern PyObject _Py_NotImplementedStruct;
extern PyObject _Py_EllipsisObject;
extern struct _longobject _Py_FalseStruct;
extern struct _longobject _Py_TrueStruct;
}

namespace ftrt {

// The singletons (borrowed; being immortal, a caller may also treat them as
// new references without an increment).
inline PyObject* None() { return &_Py_NoneStruct; }
inline PyObject* NotImplemented() { return &_Py_NotImplementedStruct; }
inline PyObject* Ellipsis() { return &_Py_EllipsisObject; }
inline PyObject* True() { return &_Py_TrueStruct.ob_base; }
inline PyObject* False() { return &_Py_FalseStruct.ob_base; }
inline PyObject* BoolFrom(bool b) { return b ? True() : False(); }

inline bool IsNone(const PyObject* op) { return op == &_Py_NoneStruct; }
inline bool IsBool(const PyObject* op) { return op->ob_type == &PyBool_Type; }

PyTypeObject* NoneType();
PyTypeObject* NotImplementedType();
PyTypeObject* EllipsisType();
PyTypeObject* BoolType();

}  // namespace ftrt

#endif  // FTRT_OBJECT_NONE_BOOL_H_
