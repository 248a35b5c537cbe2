// The immortal singletons (see none_bool.h).
#include "object/none_bool.h"

#include "object/builtin_internal.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/object.h"
#include "sync/config.h"

namespace ftrt {
namespace internal {

void ImmortalDealloc(PyObject* op) {
  Fatal("deallocation of immortal object %p of type '%s'", static_cast<void*>(op),
        op->ob_type->tp_name);
}

}  // namespace internal

namespace {

// hash(None) is a constant since Python 3.12.
Py_hash_t NoneHash(PyObject*) { return 0xFCA86420; }

Py_hash_t IdentityHash(PyObject* op) { return HashPointer(op); }

}  // namespace

extern "C" {

constinit PyTypeObject _PyNone_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = ::ftrt::internal::StaticObjectHeader(nullptr);
  t.tp_name = "NoneType";
  t.tp_basicsize = sizeof(PyObject);
  t.tp_dealloc = internal::ImmortalDealloc;
  t.tp_hash = NoneHash;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE;
  return t;
}();

constinit PyTypeObject _PyNotImplemented_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = ::ftrt::internal::StaticObjectHeader(nullptr);
  t.tp_name = "NotImplementedType";
  t.tp_basicsize = sizeof(PyObject);
  t.tp_dealloc = internal::ImmortalDealloc;
  t.tp_hash = IdentityHash;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE;
  return t;
}();

constinit PyTypeObject PyEllipsis_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = ::ftrt::internal::StaticObjectHeader(nullptr);
  t.tp_name = "ellipsis";
  t.tp_basicsize = sizeof(PyObject);
  t.tp_dealloc = internal::ImmortalDealloc;
  t.tp_hash = IdentityHash;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE;
  return t;
}();

// bool: a subclass of int with exactly two instances; int's slots.
constinit PyTypeObject PyBool_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = ::ftrt::internal::StaticObjectHeader(nullptr);
  t.tp_name = "bool";
  t.tp_basicsize = sizeof(PyLongObject);
  t.tp_dealloc = internal::ImmortalDealloc;
  t.tp_hash = internal::IntHashSlot;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_LONG_SUBCLASS | Py_TPFLAGS_IMMUTABLETYPE;
  t.tp_doc = "bool(x) -> bool";
  t.tp_richcompare = internal::IntRichCompareSlot;
  t.tp_as_number = &internal::kIntNumberMethods;  // & | ^ of two bools give a bool
  t.tp_base = &PyLong_Type;
  return t;
}();

constinit PyObject _Py_NoneStruct = internal::StaticObjectHeader(&_PyNone_Type);
constinit PyObject _Py_NotImplementedStruct = internal::StaticObjectHeader(&_PyNotImplemented_Type);
constinit PyObject _Py_EllipsisObject = internal::StaticObjectHeader(&PyEllipsis_Type);
constinit struct _longobject _Py_FalseStruct = {internal::StaticObjectHeader(&PyBool_Type), 0, 0};
constinit struct _longobject _Py_TrueStruct = {internal::StaticObjectHeader(&PyBool_Type), 1, 0};

}  // extern "C"

namespace {
const bool g_types_ready = [] {
  InitStaticType(&_PyNone_Type);
  InitStaticType(&_PyNotImplemented_Type);
  InitStaticType(&PyEllipsis_Type);
  InitStaticType(&PyBool_Type);
  return true;
}();
}  // namespace

PyTypeObject* NoneType() { return (void)g_types_ready, &_PyNone_Type; }
PyTypeObject* NotImplementedType() { return &_PyNotImplemented_Type; }
PyTypeObject* EllipsisType() { return &PyEllipsis_Type; }
PyTypeObject* BoolType() { return &PyBool_Type; }

}  // namespace ftrt
