// super (CPython's PySuper_Type): super(type, obj) looks attributes up in
// the classes that follow `type` in the method resolution order of obj's
// class (or of obj itself when obj is a subclass of type), binding what it
// finds to obj. Extensions test for it (zope.interface:
// PyObject_TypeCheck(cls, &PySuper_Type)) and call it to reach a base
// class's method from C. The zero-argument form needs the calling frame,
// which ftrt does not have: it raises RuntimeError, as CPython's does
// outside a method.
//
// A super object is immutable after __init__ (its three fields are set
// once, before it is shared), so its reads need no lock; the lookups go
// through the types' dicts as every attribute lookup does.
#include "object/super.h"

#include <string>
#include <utility>

#include "object/attributes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/intern.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

struct SuperObject {
  PyObject ob_base;
  PyTypeObject* type;      // the class after which the lookup starts
  PyObject* obj;           // what found attributes are bound to, or null
  PyTypeObject* obj_type;  // whose MRO is walked, or null (unbound)
};

SuperObject* AsSuper(PyObject* self) { return reinterpret_cast<SuperObject*>(self); }

// The class whose MRO super(type, obj) walks: obj itself when it is a
// subclass of type, else obj's class when obj is an instance of type;
// null with CPython's TypeError otherwise.
PyTypeObject* CheckSuperArgs(PyTypeObject* type, PyObject* obj) {
  if (IsType(obj) && TypeIsSubtype(reinterpret_cast<PyTypeObject*>(obj), type)) {
    return reinterpret_cast<PyTypeObject*>(obj);
  }
  if (TypeIsSubtype(obj->ob_type, type)) return obj->ob_type;
  const bool is_type = IsType(obj);
  SetErrorFormat(PyExc_TypeError,
                 "super(type, obj): obj (%s %.200s) is not an instance or subtype of type (%.200s).",
                 is_type ? "type" : "instance of",
                 is_type ? reinterpret_cast<PyTypeObject*>(obj)->tp_name : obj->ob_type->tp_name,
                 type->tp_name);
  return nullptr;
}

int InitSlot(PyObject* self, PyObject* args, PyObject* kwargs) {
  if (kwargs != nullptr && DictSize(kwargs) != 0) {
    SetErrorString(PyExc_TypeError, "super() takes no keyword arguments");
    return -1;
  }
  const Py_ssize_t n = TupleSize(args);
  if (n == 0) {
    // CPython finds type and obj in the calling method's frame.
    SetErrorString(PyExc_RuntimeError, "super(): no arguments");
    return -1;
  }
  if (n > 2) {
    SetErrorFormat(PyExc_TypeError, "super() expected at most 2 arguments, got %d",
                   static_cast<int64_t>(n));
    return -1;
  }
  PyObject* type = TupleItem(args, 0);
  if (!IsType(type)) {
    SetErrorFormat(PyExc_TypeError, "super() argument 1 must be a type, not %.200s",
                   type->ob_type->tp_name);
    return -1;
  }
  PyObject* obj = n == 2 ? TupleItem(args, 1) : nullptr;
  if (obj == None()) obj = nullptr;
  PyTypeObject* obj_type = nullptr;
  if (obj != nullptr) {
    obj_type = CheckSuperArgs(reinterpret_cast<PyTypeObject*>(type), obj);
    if (obj_type == nullptr) return -1;
  }
  SuperObject* su = AsSuper(self);
  // __init__ may run again on the same object (as in CPython): the old
  // fields are dropped after the new ones are in place.
  PyTypeObject* old_type = std::exchange(su->type, reinterpret_cast<PyTypeObject*>(
                                                       Ref<>::NewRef(type).Release()));
  PyObject* old_obj = std::exchange(su->obj, obj != nullptr ? Ref<>::NewRef(obj).Release() : nullptr);
  PyTypeObject* old_obj_type = std::exchange(
      su->obj_type, obj_type != nullptr
                        ? reinterpret_cast<PyTypeObject*>(
                              Ref<>::NewRef(reinterpret_cast<PyObject*>(obj_type)).Release())
                        : nullptr);
  if (old_type != nullptr) Decref(reinterpret_cast<PyObject*>(old_type));
  if (old_obj != nullptr) Decref(old_obj);
  if (old_obj_type != nullptr) Decref(reinterpret_cast<PyObject*>(old_obj_type));
  return 0;
}

PyObject* GetattroSlot(PyObject* self, PyObject* name) {
  SuperObject* su = AsSuper(self);
  // Unbound, or __class__ (the super object's own): a plain lookup.
  if (su->obj_type == nullptr || (IsStr(name) && StrEqualsUtf8(name, "__class__"))) {
    return GenericGetAttr(self, name).Release();
  }
  PyObject* mro = su->obj_type->tp_mro;
  if (mro != nullptr) {
    const Py_ssize_t n = TupleSize(mro);
    Py_ssize_t i = 0;
    while (i < n && TupleItem(mro, i) != reinterpret_cast<PyObject*>(su->type)) ++i;
    for (++i; i < n; ++i) {
      auto* base = reinterpret_cast<PyTypeObject*>(TupleItem(mro, i));
      if (base->tp_dict == nullptr) continue;
      absl::StatusOr<Ref<>> found = DictGetItemRefOrNull(base->tp_dict, name);
      if (!found.ok()) return RefOrRaise(std::move(found)).Release();
      if (!*found) continue;
      Ref<> attr = std::move(*found);
      descrgetfunc get = attr->ob_type->tp_descr_get;
      if (get == nullptr) return attr.Release();
      // Bound to obj; a classmethod found through super(type, cls) binds
      // to cls, with no instance.
      PyObject* obj = su->obj == reinterpret_cast<PyObject*>(su->obj_type) ? nullptr : su->obj;
      return get(attr.get(), obj, reinterpret_cast<PyObject*>(su->obj_type));
    }
  }
  return GenericGetAttr(self, name).Release();
}

// super(type).__get__(obj): the bound form of an unbound super.
PyObject* DescrGetSlot(PyObject* self, PyObject* obj, PyObject*) {
  SuperObject* su = AsSuper(self);
  if (obj == nullptr || obj == None() || su->obj != nullptr) return Ref<>::NewRef(self).Release();
  Ref<> args = RefOrRaise(TupleFromItems({reinterpret_cast<PyObject*>(su->type), obj}));
  if (!args) return nullptr;
  return CallObject(reinterpret_cast<PyObject*>(self->ob_type), args.get()).Release();
}

PyObject* ReprSlot(PyObject* self) {
  SuperObject* su = AsSuper(self);
  const char* type_name = su->type != nullptr ? su->type->tp_name : "NULL";
  std::string text = "<super: <class '" + std::string(type_name) + "'>, ";
  if (su->obj_type != nullptr) {
    text += "<" + std::string(su->obj_type->tp_name) + " object>>";
  } else {
    text += "NULL>";
  }
  return RefOrRaise(StrFromUtf8(text)).Release();
}

int TraverseSlot(PyObject* self, visitproc visit, void* arg) {
  SuperObject* su = AsSuper(self);
  if (su->obj != nullptr) {
    if (int r = visit(su->obj, arg)) return r;
  }
  if (su->type != nullptr) {
    if (int r = visit(reinterpret_cast<PyObject*>(su->type), arg)) return r;
  }
  if (su->obj_type != nullptr) return visit(reinterpret_cast<PyObject*>(su->obj_type), arg);
  return 0;
}

int ClearSlot(PyObject* self) {
  SuperObject* su = AsSuper(self);
  PyObject* obj = std::exchange(su->obj, nullptr);
  PyObject* type = reinterpret_cast<PyObject*>(std::exchange(su->type, nullptr));
  PyObject* obj_type = reinterpret_cast<PyObject*>(std::exchange(su->obj_type, nullptr));
  if (obj != nullptr) Decref(obj);
  if (type != nullptr) Decref(type);
  if (obj_type != nullptr) Decref(obj_type);
  return 0;
}

void DeallocSlot(PyObject* self) {
  UntrackObject(self);
  ClearSlot(self);
  self->ob_type->tp_free(self);
}

// __thisclass__, __self__ and __self_class__ (None when unset).
PyMemberDef g_members[] = {
    {"__thisclass__", _Py_T_OBJECT, offsetof(SuperObject, type), Py_READONLY,
     "the class invoking super()"},
    {"__self__", _Py_T_OBJECT, offsetof(SuperObject, obj), Py_READONLY,
     "the instance invoking super(); may be None"},
    {"__self_class__", _Py_T_OBJECT, offsetof(SuperObject, obj_type), Py_READONLY,
     "the type of the instance invoking super(); may be None"},
    {nullptr, 0, 0, 0, nullptr},
};

}  // namespace

extern "C" {
constinit PyTypeObject PySuper_Type = [] {
  PyTypeObject t = StaticTypeInit("super", sizeof(SuperObject),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = DeallocSlot;
  t.tp_traverse = TraverseSlot;
  t.tp_clear = ClearSlot;
  t.tp_repr = ReprSlot;
  t.tp_getattro = GetattroSlot;
  t.tp_descr_get = DescrGetSlot;
  t.tp_members = g_members;
  t.tp_init = InitSlot;
  t.tp_new = PyType_GenericNew;
  t.tp_alloc = PyType_GenericAlloc;
  t.tp_free = FreeObject;
  t.tp_doc =
      "super(type, obj) -> bound super object; requires isinstance(obj, type)\n"
      "super(type, type2) -> bound super object; requires issubclass(type2, type)";
  return t;
}();
}  // extern "C"

}  // namespace ftrt
