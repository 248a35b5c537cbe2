// Descriptors (see descriptors.h).
#include "object/descriptors.h"

#include <climits>
#include <limits>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/float.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/methodobject.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_internal.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "sync/critical_section.h"

namespace ftrt {
namespace {

using Descr = PyDescrObject;
using MethodDescr = PyMethodDescrObject;

Descr* AsDescr(PyObject* op) { return reinterpret_cast<Descr*>(op); }
PyObject* AsObj(PyTypeObject* t) { return reinterpret_cast<PyObject*>(t); }

std::string NameUtf8(PyObject* descr) { return StrUtf8(AsDescr(descr)->d_name); }

// descr_check: obj must be an instance of the descriptor's class.
bool DescrCheck(PyObject* descr, PyObject* obj) {
  Descr* d = AsDescr(descr);
  if (TypeCheck(obj, d->d_type)) return true;
  SetErrorFormat(PyExc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                 NameUtf8(descr), d->d_type->tp_name, obj->ob_type->tp_name);
  return false;
}

// A descriptor of `kind` for `type` named `name` (C string), deferred.
Ref<> NewDescr(PyTypeObject* kind, PyTypeObject* type, const char* name) {
  PyObject* iname = InternFromString(name);
  if (iname == nullptr) return nullptr;
  Ref<> d = Ref<>::Steal(PyType_GenericAlloc(kind, 0));
  if (!d) return nullptr;
  Descr* descr = AsDescr(d.get());
  Incref(AsObj(type));
  descr->d_type = type;
  descr->d_name = iname;  // immortal
  SetDeferredRefcount(d.get());
  return d;
}

void DescrDealloc(PyObject* self) {
  UntrackObject(self);
  Descr* d = AsDescr(self);
  PyTypeObject* type = std::exchange(d->d_type, nullptr);
  PyObject* qualname = std::exchange(d->d_qualname, nullptr);
  self->ob_type->tp_free(self);
  if (qualname != nullptr) Decref(qualname);
  if (type != nullptr) Decref(AsObj(type));
}

int DescrTraverse(PyObject* self, visitproc visit, void* arg) {
  Descr* d = AsDescr(self);
  if (d->d_type != nullptr) return visit(AsObj(d->d_type), arg);
  return 0;
}

PyObject* DescrRepr(PyObject* self, const char* what) {
  Descr* d = AsDescr(self);
  return RefOrRaise(StrFromUtf8(absl::StrCat("<", what, " '", NameUtf8(self), "' of '",
                                             d->d_type->tp_name, "' objects>")))
      .Release();
}

PyObject* MethodRepr(PyObject* self) { return DescrRepr(self, "method"); }
PyObject* MemberRepr(PyObject* self) { return DescrRepr(self, "member"); }
PyObject* GetSetRepr(PyObject* self) { return DescrRepr(self, "attribute"); }

PyObject* DescrGetName(PyObject* self, void*) {
  return Ref<>::NewRef(AsDescr(self)->d_name).Release();
}
PyObject* DescrGetQualName(PyObject* self, void*) { return DescrQualName(self).Release(); }
PyObject* DescrGetObjClass(PyObject* self, void*) {
  return Ref<>::NewRef(AsObj(AsDescr(self)->d_type)).Release();
}
PyObject* MethodGetDoc(PyObject* self, void*) {
  const char* doc = reinterpret_cast<MethodDescr*>(self)->d_method->ml_doc;
  if (doc == nullptr) return None();
  return RefOrRaise(StrFromUtf8(doc)).Release();
}
PyObject* MemberGetDoc(PyObject* self, void*) {
  const char* doc = reinterpret_cast<PyMemberDescrObject*>(self)->d_member->doc;
  if (doc == nullptr) return None();
  return RefOrRaise(StrFromUtf8(doc)).Release();
}
PyObject* GetSetGetDoc(PyObject* self, void*) {
  const char* doc = reinterpret_cast<PyGetSetDescrObject*>(self)->d_getset->doc;
  if (doc == nullptr) return None();
  return RefOrRaise(StrFromUtf8(doc)).Release();
}

PyGetSetDef g_method_getset[] = {
    {"__name__", DescrGetName, nullptr, nullptr, nullptr},
    {"__qualname__", DescrGetQualName, nullptr, nullptr, nullptr},
    {"__objclass__", DescrGetObjClass, nullptr, nullptr, nullptr},
    {"__doc__", MethodGetDoc, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyGetSetDef g_member_getset[] = {
    {"__name__", DescrGetName, nullptr, nullptr, nullptr},
    {"__qualname__", DescrGetQualName, nullptr, nullptr, nullptr},
    {"__objclass__", DescrGetObjClass, nullptr, nullptr, nullptr},
    {"__doc__", MemberGetDoc, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyGetSetDef g_getset_getset[] = {
    {"__name__", DescrGetName, nullptr, nullptr, nullptr},
    {"__qualname__", DescrGetQualName, nullptr, nullptr, nullptr},
    {"__objclass__", DescrGetObjClass, nullptr, nullptr, nullptr},
    {"__doc__", GetSetGetDoc, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// --- method descriptors ------------------------------------------------------

PyObject* MethodGet(PyObject* self, PyObject* obj, PyObject* type) {
  (void)type;
  if (obj == nullptr) return Ref<>::NewRef(self).Release();
  if (!DescrCheck(self, obj)) return nullptr;
  auto* d = reinterpret_cast<MethodDescr*>(self);
  PyTypeObject* cls = (d->d_method->ml_flags & METH_METHOD) ? d->d_common.d_type : nullptr;
  return CFunctionNew(d->d_method, obj, nullptr, cls).Release();
}

std::string FuncStr(PyObject* descr) { return internal::MethodDescrFunctionStr(descr); }

// method_check_args: args[0] is the instance; keywords refused unless the
// convention takes them (kwnames null then).
bool CheckArgs(PyObject* func, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  if (nargs < 1) {
    SetErrorFormat(PyExc_TypeError, "unbound method %s needs an argument", FuncStr(func));
    return false;
  }
  if (!DescrCheck(func, args[0])) return false;
  if (kwnames != nullptr && TupleSize(kwnames) != 0) {
    SetErrorFormat(PyExc_TypeError, "%s takes no keyword arguments", FuncStr(func));
    return false;
  }
  return true;
}

template <typename F>
F Meth(PyObject* func) {
  return reinterpret_cast<F>(reinterpret_cast<void (*)()>(
      reinterpret_cast<MethodDescr*>(func)->d_method->ml_meth));
}

PyObject* Enter(PyObject* r) {
  internal::LeaveRecursiveCall();
  return r;
}

constexpr char kWhere[] = " while calling a Python object";

PyObject* VectorcallNoArgs(PyObject* func, PyObject* const* args, size_t nargsf,
                           PyObject* kwnames) {
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (!CheckArgs(func, args, nargs, kwnames)) return nullptr;
  if (nargs != 1) {
    return SetErrorFormat(PyExc_TypeError, "%s takes no arguments (%d given)", FuncStr(func),
                          nargs - 1);
  }
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  return Enter(Meth<PyCFunction>(func)(args[0], nullptr));
}

PyObject* VectorcallO(PyObject* func, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (!CheckArgs(func, args, nargs, kwnames)) return nullptr;
  if (nargs != 2) {
    return SetErrorFormat(PyExc_TypeError, "%s takes exactly one argument (%d given)",
                          FuncStr(func), nargs - 1);
  }
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  return Enter(Meth<PyCFunction>(func)(args[0], args[1]));
}

PyObject* VectorcallFast(PyObject* func, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (!CheckArgs(func, args, nargs, kwnames)) return nullptr;
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  return Enter(Meth<PyCFunctionFast>(func)(args[0], args + 1, nargs - 1));
}

PyObject* VectorcallFastKw(PyObject* func, PyObject* const* args, size_t nargsf,
                           PyObject* kwnames) {
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (!CheckArgs(func, args, nargs, nullptr)) return nullptr;
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  return Enter(Meth<PyCFunctionFastWithKeywords>(func)(args[0], args + 1, nargs - 1, kwnames));
}

PyObject* VectorcallFastKwMethod(PyObject* func, PyObject* const* args, size_t nargsf,
                                 PyObject* kwnames) {
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (!CheckArgs(func, args, nargs, nullptr)) return nullptr;
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  PyTypeObject* cls = AsDescr(func)->d_type;
  return Enter(Meth<PyCMethod>(func)(args[0], cls, args + 1, static_cast<size_t>(nargs - 1),
                                     kwnames));
}

PyObject* VectorcallVarargs(PyObject* func, PyObject* const* args, size_t nargsf,
                            PyObject* kwnames) {
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (!CheckArgs(func, args, nargs, kwnames)) return nullptr;
  Ref<> tuple = internal::StackToTuple(args + 1, nargs - 1);
  if (!tuple) return nullptr;
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  return Enter(Meth<PyCFunction>(func)(args[0], tuple.get()));
}

PyObject* VectorcallVarargsKw(PyObject* func, PyObject* const* args, size_t nargsf,
                              PyObject* kwnames) {
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (!CheckArgs(func, args, nargs, nullptr)) return nullptr;
  const Py_ssize_t nkw = kwnames != nullptr ? TupleSize(kwnames) : 0;
  Ref<> tuple = internal::StackToTuple(args + 1, nargs - 1);
  if (!tuple) return nullptr;
  Ref<> kwargs;
  if (nkw > 0) {
    kwargs = internal::KwnamesToDict(args + nargs, kwnames);
    if (!kwargs) return nullptr;
  }
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  return Enter(Meth<PyCFunctionWithKeywords>(func)(args[0], tuple.get(), kwargs.get()));
}

// --- classmethod descriptors -------------------------------------------------

PyObject* ClassMethodGet(PyObject* self, PyObject* obj, PyObject* type) {
  Descr* d = AsDescr(self);
  if (type == nullptr) {
    if (obj != nullptr) {
      type = AsObj(obj->ob_type);
    } else {
      return SetErrorFormat(PyExc_TypeError,
                            "descriptor '%s' for type '%s' needs either an object or a type",
                            NameUtf8(self), d->d_type->tp_name);
    }
  }
  if (!IsType(type)) {
    return SetErrorFormat(PyExc_TypeError,
                          "descriptor '%s' for type '%s' needs a type, not a '%s' as arg 2",
                          NameUtf8(self), d->d_type->tp_name, type->ob_type->tp_name);
  }
  if (!TypeIsSubtype(reinterpret_cast<PyTypeObject*>(type), d->d_type)) {
    return SetErrorFormat(PyExc_TypeError,
                          "descriptor '%s' requires a subtype of '%s' but received '%s'",
                          NameUtf8(self), d->d_type->tp_name,
                          reinterpret_cast<PyTypeObject*>(type)->tp_name);
  }
  auto* md = reinterpret_cast<MethodDescr*>(self);
  PyTypeObject* cls = (md->d_method->ml_flags & METH_METHOD) ? d->d_type : nullptr;
  return CFunctionNew(md->d_method, type, nullptr, cls).Release();
}

PyObject* ClassMethodDescrCall(PyObject* self, PyObject* args, PyObject* kwargs) {
  const Py_ssize_t argc = TupleSize(args);
  if (argc < 1) {
    return SetErrorFormat(PyExc_TypeError, "descriptor '%s' of '%s' object needs an argument",
                          NameUtf8(self), AsDescr(self)->d_type->tp_name);
  }
  Ref<> bound = Ref<>::Steal(ClassMethodGet(self, nullptr, TupleItem(args, 0)));
  if (!bound) return nullptr;
  const absl::Span<PyObject* const> items = TupleItems(args);
  return VectorcallDict(bound.get(), items.data() + 1, static_cast<size_t>(argc - 1), kwargs)
      .Release();
}

// --- member descriptors ------------------------------------------------------

PyObject* MemberDescrGet(PyObject* self, PyObject* obj, PyObject* type) {
  (void)type;
  if (obj == nullptr) return Ref<>::NewRef(self).Release();
  if (!DescrCheck(self, obj)) return nullptr;
  return MemberGet(obj, reinterpret_cast<PyMemberDescrObject*>(self)->d_member).Release();
}

int MemberDescrSet(PyObject* self, PyObject* obj, PyObject* value) {
  if (!DescrCheck(self, obj)) return -1;
  return MemberSet(obj, reinterpret_cast<PyMemberDescrObject*>(self)->d_member, value);
}

// --- getset descriptors --------------------------------------------------------

PyObject* GetSetDescrGet(PyObject* self, PyObject* obj, PyObject* type) {
  (void)type;
  if (obj == nullptr) return Ref<>::NewRef(self).Release();
  if (!DescrCheck(self, obj)) return nullptr;
  PyGetSetDef* g = reinterpret_cast<PyGetSetDescrObject*>(self)->d_getset;
  if (g->get == nullptr) {
    return SetErrorFormat(PyExc_AttributeError, "attribute '%s' of '%s' objects is not readable",
                          NameUtf8(self), AsDescr(self)->d_type->tp_name);
  }
  return g->get(obj, g->closure);
}

int GetSetDescrSet(PyObject* self, PyObject* obj, PyObject* value) {
  if (!DescrCheck(self, obj)) return -1;
  PyGetSetDef* g = reinterpret_cast<PyGetSetDescrObject*>(self)->d_getset;
  if (g->set == nullptr) {
    SetErrorFormat(PyExc_AttributeError, "attribute '%s' of '%s' objects is not writable",
                   NameUtf8(self), AsDescr(self)->d_type->tp_name);
    return -1;
  }
  return g->set(obj, value, g->closure);
}

// --- staticmethod and classmethod ------------------------------------------------

// CPython's staticmethod / classmethod objects.
struct CallableWrapper {
  PyObject ob_base;
  PyObject* callable;
  PyObject* dict;
};

PyObject* WrapperNew(PyTypeObject* kind, PyObject* callable) {
  Ref<> w = Ref<>::Steal(PyType_GenericAlloc(kind, 0));
  if (!w) return nullptr;
  Incref(callable);
  reinterpret_cast<CallableWrapper*>(w.get())->callable = callable;
  SetDeferredRefcount(w.get());
  return w.Release();
}

void WrapperDealloc(PyObject* self) {
  UntrackObject(self);
  auto* w = reinterpret_cast<CallableWrapper*>(self);
  PyObject* c = std::exchange(w->callable, nullptr);
  PyObject* d = std::exchange(w->dict, nullptr);
  self->ob_type->tp_free(self);
  if (c != nullptr) Decref(c);
  if (d != nullptr) Decref(d);
}

int WrapperTraverse(PyObject* self, visitproc visit, void* arg) {
  auto* w = reinterpret_cast<CallableWrapper*>(self);
  for (PyObject* f : {w->callable, w->dict}) {
    if (f != nullptr) {
      if (int r = visit(f, arg)) return r;
    }
  }
  return 0;
}

int WrapperClear(PyObject* self) {
  auto* w = reinterpret_cast<CallableWrapper*>(self);
  PyObject* c = std::exchange(w->callable, nullptr);
  PyObject* d = std::exchange(w->dict, nullptr);
  if (c != nullptr) Decref(c);
  if (d != nullptr) Decref(d);
  return 0;
}

PyObject* WrapperRepr(PyObject* self, const char* what) {
  PyObject* c = reinterpret_cast<CallableWrapper*>(self)->callable;
  return RefOrRaise(StrFromUtf8(absl::StrCat("<", what, "(", c ? ReprUtf8(c) : "NULL", ")>")))
      .Release();
}

PyObject* StaticMethodGet(PyObject* self, PyObject*, PyObject*) {
  PyObject* c = reinterpret_cast<CallableWrapper*>(self)->callable;
  if (c == nullptr) {
    SetErrorString(PyExc_RuntimeError, "uninitialized staticmethod object");
    return nullptr;
  }
  return Ref<>::NewRef(c).Release();
}

PyObject* StaticMethodCall(PyObject* self, PyObject* args, PyObject* kwargs) {
  return Call(reinterpret_cast<CallableWrapper*>(self)->callable, args, kwargs).Release();
}

PyObject* ClassMethodWrapperGet(PyObject* self, PyObject* obj, PyObject* type) {
  PyObject* c = reinterpret_cast<CallableWrapper*>(self)->callable;
  if (c == nullptr) {
    SetErrorString(PyExc_RuntimeError, "uninitialized classmethod object");
    return nullptr;
  }
  if (type == nullptr) type = AsObj(obj->ob_type);
  return MethodNew(c, type).Release();
}

PyObject* WrapperGetFunc(PyObject* self, void*) {
  PyObject* c = reinterpret_cast<CallableWrapper*>(self)->callable;
  return Ref<>::NewRef(c != nullptr ? c : None()).Release();
}

PyGetSetDef g_wrapper_getset[] = {
    {"__func__", WrapperGetFunc, nullptr, nullptr, nullptr},
    {"__wrapped__", WrapperGetFunc, nullptr, nullptr, nullptr},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

constexpr unsigned long kDescrFlags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;

constexpr PyTypeObject DescrType(const char* name, Py_ssize_t size) {
  PyTypeObject t = StaticTypeInit(name, size, kDescrFlags);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = DescrDealloc;
  t.tp_traverse = DescrTraverse;
  t.tp_getattro = PyObject_GenericGetAttr;
  return t;
}

}  // namespace

extern "C" {

constinit PyTypeObject PyMethodDescr_Type = [] {
  PyTypeObject t = DescrType("method_descriptor", sizeof(MethodDescr));
  t.tp_flags |= Py_TPFLAGS_METHOD_DESCRIPTOR | Py_TPFLAGS_HAVE_VECTORCALL;
  t.tp_vectorcall_offset = offsetof(MethodDescr, vectorcall);
  t.tp_repr = MethodRepr;
  t.tp_call = PyVectorcall_Call;
  t.tp_getset = g_method_getset;
  t.tp_descr_get = MethodGet;
  return t;
}();

constinit PyTypeObject PyClassMethodDescr_Type = [] {
  PyTypeObject t = DescrType("classmethod_descriptor", sizeof(MethodDescr));
  t.tp_repr = MethodRepr;
  t.tp_call = ClassMethodDescrCall;
  t.tp_getset = g_method_getset;
  t.tp_descr_get = ClassMethodGet;
  return t;
}();

constinit PyTypeObject PyMemberDescr_Type = [] {
  PyTypeObject t = DescrType("member_descriptor", sizeof(PyMemberDescrObject));
  t.tp_repr = MemberRepr;
  t.tp_getset = g_member_getset;
  t.tp_descr_get = MemberDescrGet;
  t.tp_descr_set = MemberDescrSet;
  return t;
}();

constinit PyTypeObject PyGetSetDescr_Type = [] {
  PyTypeObject t = DescrType("getset_descriptor", sizeof(PyGetSetDescrObject));
  t.tp_repr = GetSetRepr;
  t.tp_getset = g_getset_getset;
  t.tp_descr_get = GetSetDescrGet;
  t.tp_descr_set = GetSetDescrSet;
  return t;
}();

constinit PyTypeObject PyStaticMethod_Type = [] {
  PyTypeObject t = StaticTypeInit("staticmethod", sizeof(CallableWrapper),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = WrapperDealloc;
  t.tp_traverse = WrapperTraverse;
  t.tp_clear = WrapperClear;
  t.tp_repr = [](PyObject* self) { return WrapperRepr(self, "staticmethod"); };
  t.tp_call = StaticMethodCall;
  t.tp_descr_get = StaticMethodGet;
  t.tp_getset = g_wrapper_getset;
  t.tp_dictoffset = offsetof(CallableWrapper, dict);
  return t;
}();

constinit PyTypeObject PyClassMethod_Type = [] {
  PyTypeObject t = StaticTypeInit("classmethod", sizeof(CallableWrapper),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = WrapperDealloc;
  t.tp_traverse = WrapperTraverse;
  t.tp_clear = WrapperClear;
  t.tp_repr = [](PyObject* self) { return WrapperRepr(self, "classmethod"); };
  t.tp_descr_get = ClassMethodWrapperGet;
  t.tp_getset = g_wrapper_getset;
  t.tp_dictoffset = offsetof(CallableWrapper, dict);
  return t;
}();

}  // extern "C"

namespace internal {

vectorcallfunc MethodDescrVectorcallFor(int ml_flags) {
  switch (ml_flags & (METH_VARARGS | METH_FASTCALL | METH_NOARGS | METH_O | METH_KEYWORDS |
                      METH_METHOD)) {
    case METH_VARARGS:
      return VectorcallVarargs;
    case METH_VARARGS | METH_KEYWORDS:
      return VectorcallVarargsKw;
    case METH_FASTCALL:
      return VectorcallFast;
    case METH_FASTCALL | METH_KEYWORDS:
      return VectorcallFastKw;
    case METH_NOARGS:
      return VectorcallNoArgs;
    case METH_O:
      return VectorcallO;
    case METH_METHOD | METH_FASTCALL | METH_KEYWORDS:
      return VectorcallFastKwMethod;
    default:
      return nullptr;
  }
}

std::string MethodDescrFunctionStr(PyObject* descr) {
  Ref<> q = DescrQualName(descr);
  if (!q) {
    ClearError();
    return absl::StrCat(NameUtf8(descr), "()");
  }
  return absl::StrCat(StrUtf8(q.get()), "()");
}

}  // namespace internal

Ref<> NewMethodDescr(PyTypeObject* type, PyMethodDef* method) {
  vectorcallfunc vc = internal::MethodDescrVectorcallFor(method->ml_flags);
  if (vc == nullptr) {
    return SetErrorFormat(PyExc_SystemError, "%s() method: bad call flags", method->ml_name);
  }
  Ref<> d = NewDescr(&PyMethodDescr_Type, type, method->ml_name);
  if (!d) return nullptr;
  auto* md = reinterpret_cast<MethodDescr*>(d.get());
  md->d_method = method;
  md->vectorcall = vc;
  return d;
}

Ref<> NewClassMethodDescr(PyTypeObject* type, PyMethodDef* method) {
  Ref<> d = NewDescr(&PyClassMethodDescr_Type, type, method->ml_name);
  if (!d) return nullptr;
  reinterpret_cast<MethodDescr*>(d.get())->d_method = method;
  return d;
}

Ref<> NewMemberDescr(PyTypeObject* type, PyMemberDef* member) {
  if (member->flags & Py_RELATIVE_OFFSET) {
    return SetErrorFormat(PyExc_SystemError,
                          "PyDescr_NewMember used with Py_RELATIVE_OFFSET");
  }
  Ref<> d = NewDescr(&PyMemberDescr_Type, type, member->name);
  if (!d) return nullptr;
  reinterpret_cast<PyMemberDescrObject*>(d.get())->d_member = member;
  return d;
}

Ref<> NewGetSetDescr(PyTypeObject* type, PyGetSetDef* getset) {
  Ref<> d = NewDescr(&PyGetSetDescr_Type, type, getset->name);
  if (!d) return nullptr;
  reinterpret_cast<PyGetSetDescrObject*>(d.get())->d_getset = getset;
  return d;
}

Ref<> StaticMethodNew(PyObject* callable) {
  return Ref<>::Steal(WrapperNew(&PyStaticMethod_Type, callable));
}

Ref<> ClassMethodNew(PyObject* callable) {
  return Ref<>::Steal(WrapperNew(&PyClassMethod_Type, callable));
}

Ref<> DescrQualName(PyObject* descr) {
  Descr* d = AsDescr(descr);
  Ref<> tq = TypeGetQualName(d->d_type);
  if (!tq) return nullptr;
  return RefOrRaise(StrFromUtf8(absl::StrCat(StrUtf8(tq.get()), ".", NameUtf8(descr))));
}

// --- members -------------------------------------------------------------------

namespace {

template <typename T>
T LoadField(const char* addr) {
  return __atomic_load_n(reinterpret_cast<const T*>(addr), __ATOMIC_RELAXED);
}

template <typename T>
void StoreField(PyObject* obj, char* addr, T value) {
  CriticalSection cs(internal::ObjectLock(obj));
  __atomic_store_n(reinterpret_cast<T*>(addr), value, __ATOMIC_RELAXED);
}

// A new reference to the object in a field, lock-free (descriptors.h).
Ref<> LoadObjectField(PyObject* obj, char* addr) {
  auto** slot = reinterpret_cast<PyObject**>(addr);
  PyObject* v = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (v == nullptr) return nullptr;
  if (TryIncref(v)) {
    if (__atomic_load_n(slot, __ATOMIC_ACQUIRE) == v) return Ref<>::Steal(v);
    Decref(v);
  }
  CriticalSection cs(internal::ObjectLock(obj));
  v = __atomic_load_n(slot, __ATOMIC_RELAXED);
  if (v == nullptr) return nullptr;
  Incref(v);
  internal::MarkSharedForReaders(v);
  return Ref<>::Steal(v);
}

bool Warn(const char* message) {
  return WarnEx(PyExc_RuntimeWarning, message, 1) == 0;
}

// An int's value, or a TypeError worded as CPython's.
bool AsInt64(PyObject* v, int64_t* out) {
  absl::StatusOr<int64_t> r = IntAsInt64(v);
  if (!r.ok()) {
    SetErrorFromStatus(r.status());
    return false;
  }
  *out = *r;
  return true;
}

template <typename T>
int SetIntField(PyObject* obj, char* addr, PyObject* value, const char* truncation) {
  int64_t v;
  if (!AsInt64(value, &v)) return -1;
  StoreField<T>(obj, addr, static_cast<T>(v));
  if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
      v > static_cast<int64_t>(std::numeric_limits<T>::max())) {
    if (!Warn(truncation)) return -1;
  }
  return 0;
}

template <typename T>
int SetUnsignedField(PyObject* obj, char* addr, PyObject* value, const char* truncation) {
  int64_t v;
  if (!AsInt64(value, &v)) return -1;
  StoreField<T>(obj, addr, static_cast<T>(v));
  if (v < 0) {
    if (!Warn("Writing negative value into unsigned field")) return -1;
  } else if (static_cast<uint64_t>(v) > std::numeric_limits<T>::max()) {
    if (!Warn(truncation)) return -1;
  }
  return 0;
}

}  // namespace

Ref<> MemberGet(PyObject* obj, const PyMemberDef* m) {
  if (m->flags & Py_RELATIVE_OFFSET) {
    SetErrorString(PyExc_SystemError, "PyMember_GetOne used with Py_RELATIVE_OFFSET");
    return nullptr;
  }
  char* addr = reinterpret_cast<char*>(obj) + m->offset;
  switch (m->type) {
    case Py_T_BOOL:
      return Ref<>::NewRef(BoolFrom(LoadField<char>(addr) != 0));
    case Py_T_BYTE:
      return RefOrRaise(IntFromInt64(LoadField<signed char>(addr)));
    case Py_T_UBYTE:
      return RefOrRaise(IntFromInt64(LoadField<unsigned char>(addr)));
    case Py_T_SHORT:
      return RefOrRaise(IntFromInt64(LoadField<short>(addr)));
    case Py_T_USHORT:
      return RefOrRaise(IntFromInt64(LoadField<unsigned short>(addr)));
    case Py_T_INT:
      return RefOrRaise(IntFromInt64(LoadField<int>(addr)));
    case Py_T_UINT:
      return RefOrRaise(IntFromInt64(LoadField<unsigned int>(addr)));
    case Py_T_LONG:
      return RefOrRaise(IntFromInt64(LoadField<long>(addr)));
    case Py_T_ULONG:
      return RefOrRaise(IntFromUint64(LoadField<unsigned long>(addr)));
    case Py_T_PYSSIZET:
      return RefOrRaise(IntFromInt64(LoadField<Py_ssize_t>(addr)));
    case Py_T_LONGLONG:
      return RefOrRaise(IntFromInt64(LoadField<long long>(addr)));
    case Py_T_ULONGLONG:
      return RefOrRaise(IntFromUint64(LoadField<unsigned long long>(addr)));
    case Py_T_FLOAT: {
      float f;
      uint32_t bits = LoadField<uint32_t>(addr);
      std::memcpy(&f, &bits, sizeof f);
      return RefOrRaise(FloatFromDouble(f));
    }
    case Py_T_DOUBLE: {
      double d;
      uint64_t bits = LoadField<uint64_t>(addr);
      std::memcpy(&d, &bits, sizeof d);
      return RefOrRaise(FloatFromDouble(d));
    }
    case Py_T_STRING: {
      const char* s = LoadField<const char*>(addr);
      if (s == nullptr) return Ref<>::NewRef(None());
      return RefOrRaise(StrFromUtf8(s));
    }
    case Py_T_STRING_INPLACE:
      return RefOrRaise(StrFromUtf8(addr));
    case Py_T_CHAR: {
      const Py_UCS4 c = static_cast<unsigned char>(LoadField<char>(addr));
      return RefOrRaise(StrFromCodePoints({c}));
    }
    case _Py_T_OBJECT: {
      Ref<> v = LoadObjectField(obj, addr);
      return v ? std::move(v) : Ref<>::NewRef(None());
    }
    case Py_T_OBJECT_EX: {
      Ref<> v = LoadObjectField(obj, addr);
      if (!v) {
        return SetErrorFormat(PyExc_AttributeError, "'%s' object has no attribute '%s'",
                              obj->ob_type->tp_name, m->name);
      }
      return v;
    }
    case _Py_T_NONE:
      return Ref<>::NewRef(None());
    default:
      return SetErrorFormat(PyExc_SystemError, "bad memberdescr type for %s", m->name);
  }
}

int MemberSet(PyObject* obj, const PyMemberDef* m, PyObject* value) {
  if (m->flags & Py_READONLY) {
    SetErrorString(PyExc_AttributeError, "readonly attribute");
    return -1;
  }
  if (m->flags & Py_RELATIVE_OFFSET) {
    SetErrorString(PyExc_SystemError, "PyMember_SetOne used with Py_RELATIVE_OFFSET");
    return -1;
  }
  char* addr = reinterpret_cast<char*>(obj) + m->offset;
  if (value == nullptr) {
    if (m->type == Py_T_OBJECT_EX) {
      if (__atomic_load_n(reinterpret_cast<PyObject**>(addr), __ATOMIC_RELAXED) == nullptr) {
        SetErrorString(PyExc_AttributeError, m->name);
        return -1;
      }
    } else if (m->type != _Py_T_OBJECT) {
      SetErrorString(PyExc_TypeError, "can't delete numeric/char attribute");
      return -1;
    }
  }
  switch (m->type) {
    case Py_T_BOOL:
      if (!IsBool(value)) {
        SetErrorString(PyExc_TypeError, "attribute value type must be bool");
        return -1;
      }
      StoreField<char>(obj, addr, value == True() ? 1 : 0);
      return 0;
    case Py_T_BYTE:
      return SetIntField<signed char>(obj, addr, value, "Truncation of value to char");
    case Py_T_UBYTE:
      return SetUnsignedField<unsigned char>(obj, addr, value,
                                             "Truncation of value to unsigned char");
    case Py_T_SHORT:
      return SetIntField<short>(obj, addr, value, "Truncation of value to short");
    case Py_T_USHORT:
      return SetUnsignedField<unsigned short>(obj, addr, value,
                                              "Truncation of value to unsigned short");
    case Py_T_INT:
      return SetIntField<int>(obj, addr, value, "Truncation of value to int");
    case Py_T_UINT:
      return SetUnsignedField<unsigned int>(obj, addr, value,
                                            "Truncation of value to unsigned int");
    case Py_T_LONG:
      return SetIntField<long>(obj, addr, value, "");
    case Py_T_ULONG:
      return SetUnsignedField<unsigned long>(obj, addr, value, "");
    case Py_T_PYSSIZET:
      return SetIntField<Py_ssize_t>(obj, addr, value, "");
    case Py_T_LONGLONG:
      return SetIntField<long long>(obj, addr, value, "");
    case Py_T_ULONGLONG: {
      absl::StatusOr<uint64_t> u = IntAsUint64(value);
      if (!u.ok()) return OkOrRaise(u.status());
      StoreField<unsigned long long>(obj, addr, *u);
      return 0;
    }
    case Py_T_FLOAT: {
      absl::StatusOr<double> d = FloatAsDouble(value);
      if (!d.ok()) return OkOrRaise(d.status());
      const float f = static_cast<float>(*d);
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof bits);
      StoreField<uint32_t>(obj, addr, bits);
      return 0;
    }
    case Py_T_DOUBLE: {
      absl::StatusOr<double> d = FloatAsDouble(value);
      if (!d.ok()) return OkOrRaise(d.status());
      uint64_t bits;
      std::memcpy(&bits, &*d, sizeof bits);
      StoreField<uint64_t>(obj, addr, bits);
      return 0;
    }
    case Py_T_CHAR: {
      if (!IsStr(value) || StrLength(value) != 1 || StrReadChar(value, 0) > 0xFF) {
        SetErrorString(PyExc_TypeError, "bad argument type for built-in operation");
        return -1;
      }
      StoreField<char>(obj, addr, static_cast<char>(StrReadChar(value, 0)));
      return 0;
    }
    case Py_T_STRING:
    case Py_T_STRING_INPLACE:
    case _Py_T_NONE:
      SetErrorString(PyExc_TypeError, "readonly attribute");
      return -1;
    case _Py_T_OBJECT:
    case Py_T_OBJECT_EX: {
      if (value != nullptr) Incref(value);
      PyObject* old;
      {
        CriticalSection cs(internal::ObjectLock(obj));
        old = __atomic_exchange_n(reinterpret_cast<PyObject**>(addr), value, __ATOMIC_ACQ_REL);
      }
      if (m->type == Py_T_OBJECT_EX && value == nullptr && old == nullptr) {
        SetErrorString(PyExc_AttributeError, m->name);
        return -1;
      }
      if (old != nullptr) Decref(old);  // after the section: may run any code
      return 0;
    }
    default:
      SetErrorFormat(PyExc_SystemError, "bad memberdescr type for %s", m->name);
      return -1;
  }
}

}  // namespace ftrt
