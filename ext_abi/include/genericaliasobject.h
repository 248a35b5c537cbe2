/* types.GenericAlias (CPython's genericaliasobject.h, PEP 585).
 *
 * Extensions make their types subscriptable (MyType[int]) with
 *   {"__class_getitem__", (PyCFunction)Py_GenericAlias,
 *    METH_O | METH_CLASS, "See PEP 585"}
 * in tp_methods: PyObject_GetItem on a type calls its __class_getitem__.
 * Py_GenericAlias(origin, args) returns a new alias (args a tuple, or any
 * other object, taken as a 1-tuple); NULL only on MemoryError. An alias
 * has __origin__, __args__ and __parameters__ (always (): there are no
 * type variables here), CPython's repr (mymod.MyType[int, str]), == and
 * hash by origin and args; calling it calls origin and sets
 * __orig_class__ on the result where it can; other attributes are
 * origin's. Aliases are immutable: any thread may use one. */
#ifndef Py_GENERICALIASOBJECT_H
#define Py_GENERICALIASOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(PyObject*) Py_GenericAlias(PyObject* origin, PyObject* args);
PyAPI_DATA(PyTypeObject) Py_GenericAliasType;

#ifdef __cplusplus
}
#endif

#endif /* !Py_GENERICALIASOBJECT_H */
