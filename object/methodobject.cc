// Builtin functions and bound methods (see methodobject.h).
#include "object/methodobject.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "object/attributes.h"
#include "object/dict.h"
#include "object/call.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/hash.h"
#include "object/module.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_internal.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

using CFunc = PyCFunctionObject;

CFunc* AsCFunc(PyObject* op) { return reinterpret_cast<CFunc*>(op); }

template <typename F>
F Meth(PyObject* func) {
  return reinterpret_cast<F>(reinterpret_cast<void (*)()>(AsCFunc(func)->m_ml->ml_meth));
}

constexpr char kWhere[] = " while calling a Python object";

PyObject* Leave(PyObject* r) {
  internal::LeaveRecursiveCall();
  return r;
}

// cfunction_check_kwargs.
bool NoKwnames(PyObject* func, PyObject* kwnames) {
  if (kwnames != nullptr && TupleSize(kwnames) != 0) {
    SetErrorFormat(PyExc_TypeError, "%s takes no keyword arguments",
                   internal::CFunctionStr(func));
    return false;
  }
  return true;
}

PyObject* VectorcallNoArgs(PyObject* func, PyObject* const* args, size_t nargsf,
                           PyObject* kwnames) {
  (void)args;
  if (!NoKwnames(func, kwnames)) return nullptr;
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (nargs != 0) {
    return SetErrorFormat(PyExc_TypeError, "%s takes no arguments (%d given)",
                          internal::CFunctionStr(func), nargs);
  }
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  return Leave(Meth<PyCFunction>(func)(CFunctionSelf(func), nullptr));
}

PyObject* VectorcallO(PyObject* func, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  if (!NoKwnames(func, kwnames)) return nullptr;
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (nargs != 1) {
    return SetErrorFormat(PyExc_TypeError, "%s takes exactly one argument (%d given)",
                          internal::CFunctionStr(func), nargs);
  }
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  return Leave(Meth<PyCFunction>(func)(CFunctionSelf(func), args[0]));
}

PyObject* VectorcallFast(PyObject* func, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  if (!NoKwnames(func, kwnames)) return nullptr;
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  return Leave(Meth<PyCFunctionFast>(func)(CFunctionSelf(func), args, VectorcallNargs(nargsf)));
}

PyObject* VectorcallFastKw(PyObject* func, PyObject* const* args, size_t nargsf,
                           PyObject* kwnames) {
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  return Leave(Meth<PyCFunctionFastWithKeywords>(func)(CFunctionSelf(func), args,
                                                       VectorcallNargs(nargsf), kwnames));
}

PyObject* VectorcallFastKwMethod(PyObject* func, PyObject* const* args, size_t nargsf,
                                 PyObject* kwnames) {
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  PyTypeObject* cls = reinterpret_cast<PyCMethodObject*>(func)->mm_class;
  return Leave(Meth<PyCMethod>(func)(CFunctionSelf(func), cls, args,
                                     static_cast<size_t>(VectorcallNargs(nargsf)), kwnames));
}

// tp_call: METH_VARARGS functions (which have no vectorcall), and the rest
// through their vectorcall.
PyObject* CFunctionCall(PyObject* func, PyObject* args, PyObject* kwargs) {
  const int flags = AsCFunc(func)->m_ml->ml_flags;
  if (!(flags & METH_VARARGS)) return PyVectorcall_Call(func, args, kwargs);
  PyObject* self = CFunctionSelf(func);
  PyObject* result;
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  if (flags & METH_KEYWORDS) {
    result = Meth<PyCFunctionWithKeywords>(func)(self, args, kwargs);
  } else {
    if (kwargs != nullptr && DictSize(kwargs) != 0) {
      internal::LeaveRecursiveCall();
      return SetErrorFormat(PyExc_TypeError, "%s() takes no keyword arguments",
                            AsCFunc(func)->m_ml->ml_name);
    }
    result = Meth<PyCFunction>(func)(self, args);
  }
  internal::LeaveRecursiveCall();
  return internal::CheckFunctionResult(func, result, nullptr);
}

void CFunctionDealloc(PyObject* self) {
  UntrackObject(self);
  CFunc* f = AsCFunc(self);
  PyObject* refs[] = {f->m_self, f->m_module,
                      self->ob_type == &PyCMethod_Type
                          ? reinterpret_cast<PyObject*>(reinterpret_cast<PyCMethodObject*>(self)->mm_class)
                          : nullptr};
  self->ob_type->tp_free(self);
  for (PyObject* r : refs) {
    if (r != nullptr) Decref(r);
  }
}

int CFunctionTraverse(PyObject* self, visitproc visit, void* arg) {
  CFunc* f = AsCFunc(self);
  PyObject* refs[] = {f->m_self, f->m_module,
                      self->ob_type == &PyCMethod_Type
                          ? reinterpret_cast<PyObject*>(reinterpret_cast<PyCMethodObject*>(self)->mm_class)
                          : nullptr};
  for (PyObject* r : refs) {
    if (r != nullptr) {
      if (int rc = visit(r, arg)) return rc;
    }
  }
  return 0;
}

PyObject* CFunctionRepr(PyObject* self) {
  CFunc* f = AsCFunc(self);
  std::string text;
  if (f->m_self == nullptr || IsModule(f->m_self)) {
    text = absl::StrCat("<built-in function ", f->m_ml->ml_name, ">");
  } else {
    text = absl::StrFormat("<built-in method %s of %s object at %p>", f->m_ml->ml_name,
                           f->m_self->ob_type->tp_name, static_cast<void*>(f->m_self));
  }
  return RefOrRaise(StrFromUtf8(text)).Release();
}

PyObject* CFunctionRichCompare(PyObject* a, PyObject* b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !IsCFunction(a) || !IsCFunction(b)) {
    return NotImplemented();
  }
  const bool eq = AsCFunc(a)->m_self == AsCFunc(b)->m_self &&
                  AsCFunc(a)->m_ml->ml_meth == AsCFunc(b)->m_ml->ml_meth;
  return BoolFrom(op == Py_EQ ? eq : !eq);
}

Py_hash_t CFunctionHash(PyObject* self) {
  Py_hash_t h = HashPointer(AsCFunc(self)->m_self) ^
                HashPointer(reinterpret_cast<void*>(AsCFunc(self)->m_ml->ml_meth));
  return h == -1 ? -2 : h;
}

Ref<> CFunctionQualName(PyObject* self) {
  CFunc* f = AsCFunc(self);
  if (f->m_self == nullptr || IsModule(f->m_self)) return RefOrRaise(StrFromUtf8(f->m_ml->ml_name));
  PyTypeObject* type = IsType(f->m_self) ? reinterpret_cast<PyTypeObject*>(f->m_self)
                                         : f->m_self->ob_type;
  Ref<> tq = TypeGetQualName(type);
  if (!tq) return nullptr;
  return RefOrRaise(StrFromUtf8(absl::StrCat(StrUtf8(tq.get()), ".", f->m_ml->ml_name)));
}

PyObject* GetName(PyObject* self, void*) {
  return RefOrRaise(StrFromUtf8(AsCFunc(self)->m_ml->ml_name)).Release();
}
PyObject* GetQualName(PyObject* self, void*) { return CFunctionQualName(self).Release(); }
PyObject* GetSelf(PyObject* self, void*) {
  PyObject* s = CFunctionSelf(self);
  return Ref<>::NewRef(s != nullptr ? s : None()).Release();
}
PyObject* GetDoc(PyObject* self, void*) {
  const char* doc = AsCFunc(self)->m_ml->ml_doc;
  if (doc == nullptr) return None();
  return RefOrRaise(StrFromUtf8(doc)).Release();
}

PyGetSetDef g_cfunction_getset[] = {
    {"__name__", GetName, nullptr, nullptr, nullptr},
    {"__qualname__", GetQualName, nullptr, nullptr, nullptr},
    {"__self__", GetSelf, nullptr, nullptr, nullptr},
    {"__doc__", GetDoc, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyMemberDef g_cfunction_members[] = {
    {"__module__", _Py_T_OBJECT, offsetof(CFunc, m_module), 0, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

// --- bound methods ---------------------------------------------------------------

using Method = PyMethodObject;
Method* AsMethod(PyObject* op) { return reinterpret_cast<Method*>(op); }

PyObject* MethodVectorcall(PyObject* method, PyObject* const* args, size_t nargsf,
                           PyObject* kwnames) {
  Method* m = AsMethod(method);
  PyObject* self = m->im_self;
  PyObject* func = m->im_func;
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (nargsf & kVectorcallArgumentsOffset) {
    // The caller lent us args[-1]: put self there, as CPython does.
    PyObject** newargs = const_cast<PyObject**>(args) - 1;
    PyObject* saved = newargs[0];
    newargs[0] = self;
    Ref<> r = Vectorcall(func, newargs, static_cast<size_t>(nargs + 1), kwnames);
    newargs[0] = saved;
    return r.Release();
  }
  const Py_ssize_t nkw = kwnames != nullptr ? TupleSize(kwnames) : 0;
  internal::ArgBuffer stack(static_cast<size_t>(nargs + nkw + 1));
  stack[0] = self;
  for (Py_ssize_t i = 0; i < nargs + nkw; ++i) stack[static_cast<size_t>(i + 1)] = args[i];
  return Vectorcall(func, stack.data(), static_cast<size_t>(nargs + 1), kwnames).Release();
}

void MethodDealloc(PyObject* self) {
  UntrackObject(self);
  Method* m = AsMethod(self);
  PyObject* f = std::exchange(m->im_func, nullptr);
  PyObject* s = std::exchange(m->im_self, nullptr);
  self->ob_type->tp_free(self);
  if (f != nullptr) Decref(f);
  if (s != nullptr) Decref(s);
}

int MethodTraverse(PyObject* self, visitproc visit, void* arg) {
  Method* m = AsMethod(self);
  for (PyObject* f : {m->im_func, m->im_self}) {
    if (f != nullptr) {
      if (int r = visit(f, arg)) return r;
    }
  }
  return 0;
}

PyObject* MethodRepr(PyObject* self) {
  Method* m = AsMethod(self);
  std::string name = "?";
  Ref<> q;
  if (GetOptionalAttr(m->im_func, internal::g_names.dunder_qualname, &q) <= 0) {
    ClearError();
    if (GetOptionalAttr(m->im_func, internal::g_names.dunder_name, &q) <= 0) ClearError();
  }
  if (q && IsStr(q.get())) name = StrUtf8(q.get());
  return RefOrRaise(StrFromUtf8(
                        absl::StrCat("<bound method ", name, " of ", ReprUtf8(m->im_self), ">")))
      .Release();
}

PyObject* MethodRichCompare(PyObject* a, PyObject* b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !IsMethod(a) || !IsMethod(b)) return NotImplemented();
  const int eq_func = ObjectRichCompareBool(AsMethod(a)->im_func, AsMethod(b)->im_func, Py_EQ);
  if (eq_func < 0) return nullptr;
  const bool eq = eq_func && AsMethod(a)->im_self == AsMethod(b)->im_self;
  return BoolFrom(op == Py_EQ ? eq : !eq);
}

Py_hash_t MethodHash(PyObject* self) {
  const Py_hash_t y = ObjectHash(AsMethod(self)->im_func);
  if (y == -1) return -1;
  Py_hash_t h = HashPointer(AsMethod(self)->im_self) ^ y;
  return h == -1 ? -2 : h;
}

PyObject* MethodDescrGet(PyObject* self, PyObject*, PyObject*) {
  return Ref<>::NewRef(self).Release();  // bound methods stay bound
}

PyMemberDef g_method_members[] = {
    {"__func__", _Py_T_OBJECT, offsetof(Method, im_func), Py_READONLY, nullptr},
    {"__self__", _Py_T_OBJECT, offsetof(Method, im_self), Py_READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

}  // namespace

extern "C" {

constinit PyTypeObject PyCFunction_Type = [] {
  PyTypeObject t = StaticTypeInit("builtin_function_or_method", sizeof(CFunc),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
                                      Py_TPFLAGS_HAVE_VECTORCALL);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = CFunctionDealloc;
  t.tp_vectorcall_offset = offsetof(CFunc, vectorcall);
  t.tp_repr = CFunctionRepr;
  t.tp_hash = CFunctionHash;
  t.tp_call = CFunctionCall;
  t.tp_getattro = PyObject_GenericGetAttr;
  t.tp_traverse = CFunctionTraverse;
  t.tp_richcompare = CFunctionRichCompare;
  t.tp_weaklistoffset = offsetof(CFunc, m_weakreflist);
  t.tp_members = g_cfunction_members;
  t.tp_getset = g_cfunction_getset;
  return t;
}();

constinit PyTypeObject PyCMethod_Type = [] {
  PyTypeObject t = StaticTypeInit("builtin_method", sizeof(PyCMethodObject), Py_TPFLAGS_DEFAULT);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_base = &PyCFunction_Type;
  return t;
}();

constinit PyTypeObject PyMethod_Type = [] {
  PyTypeObject t = StaticTypeInit("method", sizeof(Method),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
                                      Py_TPFLAGS_HAVE_VECTORCALL);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = MethodDealloc;
  t.tp_vectorcall_offset = offsetof(Method, vectorcall);
  t.tp_repr = MethodRepr;
  t.tp_hash = MethodHash;
  t.tp_call = PyVectorcall_Call;
  t.tp_getattro = PyObject_GenericGetAttr;
  t.tp_traverse = MethodTraverse;
  t.tp_richcompare = MethodRichCompare;
  t.tp_weaklistoffset = offsetof(Method, im_weakreflist);
  t.tp_members = g_method_members;
  t.tp_descr_get = MethodDescrGet;
  return t;
}();

// Python functions (CPython's PyFunction_Type, "function"). ftrt runs no
// Python code, so the type has no instances: extensions that ask
// PyFunction_Check or isinstance(x, function) to tell Python functions
// from C callables (wrapt's binding, for one) get "no" for every object,
// which is the truth here. Calling the type is refused.
constinit PyTypeObject PyFunction_Type = [] {
  PyTypeObject t = StaticTypeInit("function", sizeof(PyObject), Py_TPFLAGS_DEFAULT);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_doc = "Python functions: none exist in ftrt, which runs no Python code.";
  return t;
}();

}  // extern "C"

namespace internal {

bool CFunctionVectorcallFor(int ml_flags, vectorcallfunc* out) {
  switch (ml_flags & (METH_VARARGS | METH_FASTCALL | METH_NOARGS | METH_O | METH_KEYWORDS |
                      METH_METHOD)) {
    case METH_VARARGS:
    case METH_VARARGS | METH_KEYWORDS:
      *out = nullptr;  // tp_call is faster for these, as in CPython
      return true;
    case METH_FASTCALL:
      *out = VectorcallFast;
      return true;
    case METH_FASTCALL | METH_KEYWORDS:
      *out = VectorcallFastKw;
      return true;
    case METH_NOARGS:
      *out = VectorcallNoArgs;
      return true;
    case METH_O:
      *out = VectorcallO;
      return true;
    case METH_METHOD | METH_FASTCALL | METH_KEYWORDS:
      *out = VectorcallFastKwMethod;
      return true;
    default:
      return false;
  }
}

std::string CFunctionStr(PyObject* func) {
  Ref<> qual = CFunctionQualName(func);
  if (!qual) {
    ClearError();
    return absl::StrCat(AsCFunc(func)->m_ml->ml_name, "()");
  }
  PyObject* module = AsCFunc(func)->m_module;
  if (module != nullptr && module != None() &&
      !(IsStr(module) && StrEqualsUtf8(module, "builtins"))) {
    return absl::StrCat(StrUtf8(module), ".", StrUtf8(qual.get()), "()");
  }
  return absl::StrCat(StrUtf8(qual.get()), "()");
}

}  // namespace internal

Ref<> CFunctionNew(PyMethodDef* ml, PyObject* self, PyObject* module, PyTypeObject* cls) {
  vectorcallfunc vc;
  if (!internal::CFunctionVectorcallFor(ml->ml_flags, &vc)) {
    return SetErrorFormat(PyExc_SystemError, "%s() method: bad call flags", ml->ml_name);
  }
  PyTypeObject* kind;
  if (ml->ml_flags & METH_METHOD) {
    if (cls == nullptr) {
      SetErrorString(PyExc_SystemError,
                     "attempting to create PyCMethod with a METH_METHOD flag but no class");
      return nullptr;
    }
    kind = &PyCMethod_Type;
  } else {
    if (cls != nullptr) {
      SetErrorString(PyExc_SystemError,
                     "attempting to create PyCFunction with class but no METH_METHOD flag");
      return nullptr;
    }
    kind = &PyCFunction_Type;
  }
  Ref<> op = Ref<>::Steal(PyType_GenericAlloc(kind, 0));
  if (!op) return nullptr;
  CFunc* f = AsCFunc(op.get());
  f->m_ml = ml;
  if (self != nullptr) Incref(self);
  f->m_self = self;
  if (module != nullptr) Incref(module);
  f->m_module = module;
  f->vectorcall = vc;
  if (cls != nullptr) {
    Incref(reinterpret_cast<PyObject*>(cls));
    reinterpret_cast<PyCMethodObject*>(op.get())->mm_class = cls;
  }
  return op;
}

Ref<> MethodNew(PyObject* func, PyObject* self) {
  if (self == nullptr || func == nullptr) {
    BadInternalCall();
    return nullptr;
  }
  Ref<> op = Ref<>::Steal(PyType_GenericAlloc(&PyMethod_Type, 0));
  if (!op) return nullptr;
  Method* m = AsMethod(op.get());
  Incref(func);
  Incref(self);
  m->im_func = func;
  m->im_self = self;
  m->vectorcall = MethodVectorcall;
  return op;
}

}  // namespace ftrt
