/* Member and getset descriptors (CPython's descrobject.h). PyMemberDef,
 * PyGetSetDef, getter / setter, the Py_T_* member types and Py_READONLY /
 * Py_RELATIVE_OFFSET are object/cpython_types.h's.
 *
 * A PyMemberDef field is read and written by the runtime with no lock
 * beyond what the member type implies: Py_T_OBJECT_EX fields are read with
 * an atomic load and a safe incref, and written under the object's
 * critical section; plain C fields (Py_T_INT, Py_T_DOUBLE, ...) are
 * accessed with relaxed atomics of their size. An extension that writes
 * the same field from C must use the object's critical section too. */
#ifndef Py_DESCROBJECT_H
#define Py_DESCROBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The descriptor types a type's dict holds (method_descriptor,
 * classmethod_descriptor, member_descriptor, getset_descriptor). */
PyAPI_DATA(PyTypeObject) PyMethodDescr_Type;
PyAPI_DATA(PyTypeObject) PyClassMethodDescr_Type;
PyAPI_DATA(PyTypeObject) PyMemberDescr_Type;
PyAPI_DATA(PyTypeObject) PyGetSetDescr_Type;

PyAPI_FUNC(PyObject*) PyDescr_NewMethod(PyTypeObject* type, PyMethodDef* meth);
/* A read-only view of a mapping (a dict, or any mapping but a list or
 * tuple): len, [], in, iteration, get/keys/values/items/copy, ==, str go
 * to the mapping; assignment raises TypeError. TypeError "mappingproxy()
 * argument must be a mapping, not list" for anything else. */
PyAPI_DATA(PyTypeObject) PyDictProxy_Type;
PyAPI_FUNC(PyObject*) PyDictProxy_New(PyObject* mapping);
/* 1 if descr is a data descriptor (its type has tp_descr_set), else 0. */
PyAPI_FUNC(int) PyDescr_IsData(PyObject* descr);
PyAPI_FUNC(PyObject*) PyDescr_NewClassMethod(PyTypeObject* type,
                                             PyMethodDef* meth);
PyAPI_FUNC(PyObject*) PyDescr_NewMember(PyTypeObject* type,
                                        PyMemberDef* member);
PyAPI_FUNC(PyObject*) PyDescr_NewGetSet(PyTypeObject* type,
                                        PyGetSetDef* getset);

/* Reads / writes the member described by l at obj_addr + l->offset. */
PyAPI_FUNC(PyObject*) PyMember_GetOne(const char* obj_addr, PyMemberDef* l);
PyAPI_FUNC(int) PyMember_SetOne(char* obj_addr, PyMemberDef* l, PyObject* o);

#ifdef __cplusplus
}
#endif

#endif /* !Py_DESCROBJECT_H */
