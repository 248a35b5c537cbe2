// dir(): PyObject_Dir and the __dir__ methods of object, type and module.
//
// After CPython 3.13's Objects/object.c (_dir_object), typeobject.c
// (object___dir___impl, type___dir___impl, merge_class_dict) and
// moduleobject.c (module___dir___impl), with our own code:
//   object.__dir__()  the keys of the instance's __dict__ (when it is a
//                     dict), then those of its class's __dict__ and,
//                     recursively, of each class in __bases__;
//   type.__dir__()    the class dicts of the type and its bases, merged;
//   module.__dir__()  the module dict's own __dir__ entry called, if there
//                     is one, else the dict's keys.
// Each returns a list in dict order (unsorted); DirOf (PyObject_Dir) looks
// __dir__ up on the type, calls it, turns the result into a new list and
// sorts it.
//
// THREADS. Nothing here holds a lock across a call: dicts are read through
// DictNext (one critical section per step), so a concurrent change to an
// instance or class dict gives a list of the keys as the walk saw them,
// never a crash. The merge buffer is a dict of the caller's own.
#ifndef FTRT_OBJECT_DIR_H_
#define FTRT_OBJECT_DIR_H_

#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// PyObject_Dir(obj) for obj != null: the sorted list, or null with an
// exception set (TypeError "object does not provide __dir__" when the type
// has none; whatever __dir__, list() or sorting raised).
Ref<> DirOf(PyObject* obj);

namespace internal {
// Adds __dir__ to object, type and module (their dicts, after they are
// ready). The static-type builder calls it once at start-up.
void InstallDirMethods();
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_DIR_H_
