// types.GenericAlias (PEP 585): what `MyType[int]` evaluates to when a type
// has __class_getitem__ = Py_GenericAlias; see genericalias.cc.
#ifndef FTRT_OBJECT_GENERICALIAS_H_
#define FTRT_OBJECT_GENERICALIAS_H_

#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject Py_GenericAliasType;
}

namespace ftrt {

// Py_GenericAlias: an alias of `origin` with `args` (a tuple, or any other
// object, which becomes a 1-tuple). Null only when out of memory.
Ref<> GenericAliasNew(PyObject* origin, PyObject* args);

// An instance of types.GenericAlias (or a subtype).
bool IsGenericAlias(const PyObject* op);

}  // namespace ftrt

#endif  // FTRT_OBJECT_GENERICALIAS_H_
