// Descriptors: what a type's dict holds for its methods, members and
// getsets, plus classmethod and staticmethod.
//
// After CPython 3.13's Objects/descrobject.c, Python/structmember.c and
// Objects/funcobject.c (classmethod, staticmethod), with our own code. The
// objects are laid out as CPython's (PyDescrObject's d_type, d_name,
// d_qualname, then the def pointer; a method descriptor also carries its
// vectorcall entry), and the type names and TypeError / AttributeError
// texts are CPython's:
//   method_descriptor        a PyMethodDef of a type, unbound; calling it
//                            checks that args[0] is an instance ("descriptor
//                            'append' for 'list' objects doesn't apply to a
//                            'int' object", "unbound method list.clear()
//                            needs an argument") and calls the C function
//                            with the convention its ml_flags name;
//                            __get__ binds it (a builtin method);
//   classmethod_descriptor   METH_CLASS: binds to the type;
//   member_descriptor        a PyMemberDef: reads and writes a struct field
//                            of the Py_T_* type at its offset;
//   getset_descriptor        a PyGetSetDef: calls its getter and setter;
//   staticmethod, classmethod  wrappers around any callable.
//
// MEMBERS AND THREADS. Numeric, bool and char fields are read with a
// relaxed atomic load and written with a relaxed atomic store inside the
// object's critical section (so no reader sees a torn value, and writers
// do not interleave a read-check-write). Object fields (Py_T_OBJECT_EX,
// _Py_T_OBJECT) are written inside the object's critical section, the old
// value dropped after it ends; they are read lock-free, as CPython 3.13t
// does: load, TryIncref, re-check that the field still holds it, and fall
// back to the critical section if either fails. A value that was stored
// can therefore be read by another thread at any time, never a freed one.
//
// Descriptors made for heap types use deferred reference counting, so
// threads calling one method never write its count (type_cache.h).
#ifndef FTRT_OBJECT_DESCRIPTORS_H_
#define FTRT_OBJECT_DESCRIPTORS_H_

#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {

// CPython 3.13's PyDescrObject and its kinds.
typedef struct {
  PyObject_HEAD
  PyTypeObject* d_type;
  PyObject* d_name;
  PyObject* d_qualname;
} PyDescrObject;

typedef struct {
  PyDescrObject d_common;
  PyMethodDef* d_method;
  vectorcallfunc vectorcall;
} PyMethodDescrObject;

typedef struct {
  PyDescrObject d_common;
  PyMemberDef* d_member;
} PyMemberDescrObject;

typedef struct {
  PyDescrObject d_common;
  PyGetSetDef* d_getset;
} PyGetSetDescrObject;

extern PyTypeObject PyMethodDescr_Type;
extern PyTypeObject PyClassMethodDescr_Type;
extern PyTypeObject PyMemberDescr_Type;
extern PyTypeObject PyGetSetDescr_Type;
extern PyTypeObject PyStaticMethod_Type;
extern PyTypeObject PyClassMethod_Type;

}  // extern "C"

namespace ftrt {

// PyDescr_NewMethod / NewClassMethod / NewMember / NewGetSet. The name is
// interned. Null with an exception set on failure.
Ref<> NewMethodDescr(PyTypeObject* type, PyMethodDef* method);
Ref<> NewClassMethodDescr(PyTypeObject* type, PyMethodDef* method);
Ref<> NewMemberDescr(PyTypeObject* type, PyMemberDef* member);
Ref<> NewGetSetDescr(PyTypeObject* type, PyGetSetDef* getset);

// PyStaticMethod_New / PyClassMethod_New.
Ref<> StaticMethodNew(PyObject* callable);
Ref<> ClassMethodNew(PyObject* callable);

// PyDescr_IsData: the descriptor's type has __set__ (tp_descr_set).
inline bool IsDataDescriptor(const PyObject* descr) {
  return descr->ob_type->tp_descr_set != nullptr;
}

// PyMember_GetOne: the value of the member at `obj` (a new reference);
// PyMember_SetOne (value null: delete): 0 or -1. See MEMBERS AND THREADS.
Ref<> MemberGet(PyObject* obj, const PyMemberDef* member);
int MemberSet(PyObject* obj, const PyMemberDef* member, PyObject* value);

// The qualified name "Type.name" of a descriptor (a new reference).
Ref<> DescrQualName(PyObject* descr);

namespace internal {
// What each method descriptor's vectorcall is for its convention.
vectorcallfunc MethodDescrVectorcallFor(int ml_flags);
// "list.append()" for messages (CPython's _PyObject_FunctionStr of a
// method descriptor).
std::string MethodDescrFunctionStr(PyObject* descr);
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_DESCRIPTORS_H_
