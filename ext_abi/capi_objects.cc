// libftrt.so: the C API of the object protocol: types (PyType_Ready,
// FromSpec, GetSlot, ...), modules (PyModuleDef_Init, PyModule_Create2,
// PyModule_Add*, GetState), calls, attributes, comparison, hashing,
// repr/str, iteration and the small abstract-object layer, over object/'s
// protocol (typeobject.h, module.h, call.h, attributes.h, dispatch.h).
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ext_abi/capi_internal.h"
#include "ext_abi/loader.h"
#include "object/attributes.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/descriptors.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/float.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/methodobject.h"
#include "object/module.h"
#include "object/none_bool.h"
#include "object/set.h"
#include "object/slice.h"
#include "object/str.h"
#include "object/subscript.h"
#include "object/tuple.h"
#include "object/type_cache.h"
#include "object/typeobject.h"

using ftrt::Ref;
using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NewOrRaise;

namespace {

inline PyObject* Out(Ref<> r) { return r.Release(); }

bool NeedObj(const void* p, const char* func) {
  if (p == nullptr) {
    if (!ftrt::HasError()) BadCall(func);
    return false;
  }
  return true;
}

bool NeedModule(PyObject* m, const char* func) {
  if (m == nullptr || !ftrt::IsModule(m)) {
    BadCall(func);
    return false;
  }
  return true;
}

}  // namespace

extern "C" {
PyObject* PyUnicode_FromString(const char* s);                       // capi_values.cc
int PyDict_GetItemRef(PyObject* d, PyObject* key, PyObject** result);  // capi_values.cc
int PyErr_ExceptionMatches(PyObject* exc);                             // capi_runtime.cc
PyObject* PyBytes_FromObject(PyObject* op);                            // capi_values.cc
PyObject* PyErr_Occurred(void);                                        // capi_runtime.cc
void PyErr_Clear(void);                                                // capi_runtime.cc

// ---- types -----------------------------------------------------------------

int PyType_Ready(PyTypeObject* type) {
  if (!NeedObj(type, "PyType_Ready")) return -1;
  return ftrt::TypeReady(type);
}
PyObject* PyType_FromMetaclass(PyTypeObject* meta, PyObject* module, PyType_Spec* spec,
                               PyObject* bases) {
  if (!NeedObj(spec, "PyType_FromMetaclass")) return nullptr;
  return Out(ftrt::TypeFromSpec(spec, bases, module, meta));
}
PyObject* PyType_FromModuleAndSpec(PyObject* module, PyType_Spec* spec, PyObject* bases) {
  return PyType_FromMetaclass(nullptr, module, spec, bases);
}
PyObject* PyType_FromSpecWithBases(PyType_Spec* spec, PyObject* bases) {
  return PyType_FromMetaclass(nullptr, nullptr, spec, bases);
}
PyObject* PyType_FromSpec(PyType_Spec* spec) {
  return PyType_FromMetaclass(nullptr, nullptr, spec, nullptr);
}
void* PyType_GetSlot(PyTypeObject* type, int slot) {
  if (!NeedObj(type, "PyType_GetSlot")) return nullptr;
  return ftrt::TypeGetSlot(type, slot);
}
unsigned long PyType_GetFlags(PyTypeObject* type) { return type->tp_flags; }
int PyType_IsSubtype(PyTypeObject* a, PyTypeObject* b) {
  return ftrt::TypeIsSubtype(a, b) ? 1 : 0;
}
void PyType_Modified(PyTypeObject* type) {
  if (type != nullptr) ftrt::TypeModified(type);
}
PyObject* PyType_GetModule(PyTypeObject* type) {
  if (!NeedObj(type, "PyType_GetModule")) return nullptr;
  return ftrt::TypeGetModule(type);
}
void* PyType_GetModuleState(PyTypeObject* type) {
  if (!NeedObj(type, "PyType_GetModuleState")) return nullptr;
  return ftrt::TypeGetModuleState(type);
}
PyObject* PyType_GetModuleByDef(PyTypeObject* type, PyModuleDef* def) {
  if (!NeedObj(type, "PyType_GetModuleByDef")) return nullptr;
  return ftrt::TypeGetModuleByDef(type, def);
}
PyObject* PyType_GetName(PyTypeObject* type) {
  if (!NeedObj(type, "PyType_GetName")) return nullptr;
  return Out(ftrt::TypeGetName(type));
}
PyObject* PyType_GetQualName(PyTypeObject* type) {
  if (!NeedObj(type, "PyType_GetQualName")) return nullptr;
  return Out(ftrt::TypeGetQualName(type));
}
PyObject* PyType_GetModuleName(PyTypeObject* type) {
  if (!NeedObj(type, "PyType_GetModuleName")) return nullptr;
  return Out(ftrt::TypeGetModuleName(type));
}
// "module.qualname", or the qualname alone for builtins and __main__.
PyObject* PyType_GetFullyQualifiedName(PyTypeObject* type) {
  if (!NeedObj(type, "PyType_GetFullyQualifiedName")) return nullptr;
  Ref<> qual = ftrt::TypeGetQualName(type);
  if (!qual) return nullptr;
  Ref<> mod = ftrt::TypeGetModuleName(type);
  if (!mod) return nullptr;
  if (!ftrt::IsStr(mod.get()) || ftrt::StrEqualsUtf8(mod.get(), "builtins") ||
      ftrt::StrEqualsUtf8(mod.get(), "__main__")) {
    return qual.Release();
  }
  absl::StatusOr<absl::string_view> m = ftrt::StrAsUtf8(mod.get());
  absl::StatusOr<absl::string_view> q = ftrt::StrAsUtf8(qual.get());
  if (!m.ok() || !q.ok()) {
    ftrt::ext::internal::RaiseStatus(!m.ok() ? m.status() : q.status());
    return nullptr;
  }
  return NewOrRaise(ftrt::StrFromUtf8(std::string(*m) + "." + std::string(*q)));
}
// A new reference to the type's namespace (type.__dict__'s mapping).
PyObject* PyType_GetDict(PyTypeObject* type) {
  if (!NeedObj(type, "PyType_GetDict")) return nullptr;
  if (type->tp_dict == nullptr) return nullptr;
  ftrt::Incref(type->tp_dict);
  return type->tp_dict;
}

// ---- modules ---------------------------------------------------------------

PyObject* PyModuleDef_Init(PyModuleDef* def) {
  if (!NeedObj(def, "PyModuleDef_Init")) return nullptr;
  return ftrt::ModuleDefInit(def);
}
PyObject* PyModule_Create2(PyModuleDef* def, int apiver) {
  (void)apiver;
  if (!NeedObj(def, "PyModule_Create2")) return nullptr;
  return Out(ftrt::ModuleCreate(def));
}
PyObject* PyModule_FromDefAndSpec2(PyModuleDef* def, PyObject* spec, int apiver) {
  (void)apiver;
  if (!NeedObj(def, "PyModule_FromDefAndSpec2") || !NeedObj(spec, "PyModule_FromDefAndSpec2")) {
    return nullptr;
  }
  return Out(ftrt::ModuleFromDefAndSpec(def, spec));
}
int PyModule_ExecDef(PyObject* module, PyModuleDef* def) {
  if (!NeedModule(module, "PyModule_ExecDef") || !NeedObj(def, "PyModule_ExecDef")) return -1;
  return ftrt::ModuleExecDef(module, def);
}
PyObject* PyModule_NewObject(PyObject* name) {
  if (!NeedObj(name, "PyModule_NewObject")) return nullptr;
  return Out(ftrt::ModuleNewObject(name));
}
PyObject* PyModule_New(const char* name) {
  if (!NeedObj(name, "PyModule_New")) return nullptr;
  return Out(ftrt::ModuleNew(name));
}
PyObject* PyModule_GetDict(PyObject* m) {
  if (!NeedModule(m, "PyModule_GetDict")) return nullptr;
  return ftrt::ModuleGetDict(m);
}
PyModuleDef* PyModule_GetDef(PyObject* m) {
  if (!NeedModule(m, "PyModule_GetDef")) return nullptr;
  return ftrt::ModuleGetDef(m);
}
void* PyModule_GetState(PyObject* m) {
  if (!NeedModule(m, "PyModule_GetState")) return nullptr;
  return ftrt::ModuleGetState(m);
}
PyObject* PyModule_GetNameObject(PyObject* m) {
  if (!NeedModule(m, "PyModule_GetNameObject")) return nullptr;
  return Out(ftrt::ModuleGetNameObject(m));
}
const char* PyModule_GetName(PyObject* m) {
  if (!NeedModule(m, "PyModule_GetName")) return nullptr;
  return ftrt::ModuleGetName(m);
}
PyObject* PyModule_GetFilenameObject(PyObject* m) {
  if (!NeedModule(m, "PyModule_GetFilenameObject")) return nullptr;
  ftrt::SetErrorString(PyExc_SystemError, "module filename missing");
  return nullptr;
}
int PyUnstable_Module_SetGIL(PyObject* m, void* gil) {
  if (!NeedModule(m, "PyUnstable_Module_SetGIL")) return -1;
  return ftrt::ModuleSetGil(m, gil);
}
int PyModule_AddObjectRef(PyObject* m, const char* name, PyObject* value) {
  if (!NeedModule(m, "PyModule_AddObjectRef")) return -1;
  if (name == nullptr || value == nullptr) {
    if (!ftrt::HasError()) BadCall("PyModule_AddObjectRef");
    return -1;
  }
  return ftrt::ModuleAddObjectRef(m, name, value);
}
int PyModule_Add(PyObject* m, const char* name, PyObject* value) {
  int rc = PyModule_AddObjectRef(m, name, value);
  if (value != nullptr) ftrt::Decref(value);
  return rc;
}
// Steals `value` only on success (CPython's historical wart).
int PyModule_AddObject(PyObject* m, const char* name, PyObject* value) {
  int rc = PyModule_AddObjectRef(m, name, value);
  if (rc == 0) ftrt::Decref(value);
  return rc;
}
int PyModule_AddIntConstant(PyObject* m, const char* name, long value) {
  if (!NeedModule(m, "PyModule_AddIntConstant") || !NeedObj(name, "PyModule_AddIntConstant")) {
    return -1;
  }
  return ftrt::ModuleAddIntConstant(m, name, value);
}
int PyModule_AddStringConstant(PyObject* m, const char* name, const char* value) {
  if (!NeedModule(m, "PyModule_AddStringConstant") ||
      !NeedObj(name, "PyModule_AddStringConstant") ||
      !NeedObj(value, "PyModule_AddStringConstant")) {
    return -1;
  }
  return ftrt::ModuleAddStringConstant(m, name, value);
}
int PyModule_AddType(PyObject* m, PyTypeObject* type) {
  if (!NeedModule(m, "PyModule_AddType") || !NeedObj(type, "PyModule_AddType")) return -1;
  return ftrt::ModuleAddType(m, type);
}
int PyModule_AddFunctions(PyObject* m, PyMethodDef* functions) {
  if (!NeedModule(m, "PyModule_AddFunctions") || !NeedObj(functions, "PyModule_AddFunctions")) {
    return -1;
  }
  return ftrt::ModuleAddFunctions(m, functions);
}
int PyModule_SetDocString(PyObject* m, const char* doc) {
  if (!NeedModule(m, "PyModule_SetDocString")) return -1;
  return ftrt::ModuleSetDocString(m, doc);
}
// Single-phase modules by definition: the loader's registry (loader.h).
PyObject* PyState_FindModule(PyModuleDef* def) { return ftrt::ext::FindModuleByDef(def); }
int PyState_AddModule(PyObject* module, PyModuleDef* def) {
  return ftrt::ext::AddModuleByDef(module, def);
}
int PyState_RemoveModule(PyModuleDef* def) { return ftrt::ext::RemoveModuleByDef(def); }

// ---- builtin functions and descriptors -----------------------------------------

PyObject* PyCMethod_New(PyMethodDef* ml, PyObject* self, PyObject* module, PyTypeObject* cls) {
  if (!NeedObj(ml, "PyCMethod_New")) return nullptr;
  return Out(ftrt::CFunctionNew(ml, self, module, cls));
}
PyObject* PyCFunction_NewEx(PyMethodDef* ml, PyObject* self, PyObject* module) {
  return PyCMethod_New(ml, self, module, nullptr);
}
// The function behind the PyCFunction_New macro (stable ABI).
PyObject* PyCFunction_New(PyMethodDef* ml, PyObject* self) {
  return PyCFunction_NewEx(ml, self, nullptr);
}
PyCFunction PyCFunction_GetFunction(PyObject* op) {
  if (op == nullptr || !ftrt::IsCFunction(op)) {
    BadCall("PyCFunction_GetFunction");
    return nullptr;
  }
  return reinterpret_cast<PyCFunctionObject*>(op)->m_ml->ml_meth;
}
PyObject* PyCFunction_GetSelf(PyObject* op) {
  if (op == nullptr || !ftrt::IsCFunction(op)) {
    BadCall("PyCFunction_GetSelf");
    return nullptr;
  }
  return ftrt::CFunctionSelf(op);
}
PyObject* PyMethod_New(PyObject* func, PyObject* self) {
  if (func == nullptr || self == nullptr) {
    BadCall("PyMethod_New");
    return nullptr;
  }
  return Out(ftrt::MethodNew(func, self));
}
PyObject* PyMethod_Function(PyObject* meth) {
  if (meth == nullptr || !ftrt::IsMethod(meth)) {
    BadCall("PyMethod_Function");
    return nullptr;
  }
  return reinterpret_cast<PyMethodObject*>(meth)->im_func;
}
PyObject* PyMethod_Self(PyObject* meth) {
  if (meth == nullptr || !ftrt::IsMethod(meth)) {
    BadCall("PyMethod_Self");
    return nullptr;
  }
  return reinterpret_cast<PyMethodObject*>(meth)->im_self;
}
int PyCFunction_GetFlags(PyObject* op) {
  if (op == nullptr || !ftrt::IsCFunction(op)) {
    BadCall("PyCFunction_GetFlags");
    return -1;
  }
  return reinterpret_cast<PyCFunctionObject*>(op)->m_ml->ml_flags;
}
PyObject* PyDescr_NewMethod(PyTypeObject* type, PyMethodDef* m) {
  return Out(ftrt::NewMethodDescr(type, m));
}
PyObject* PyDescr_NewClassMethod(PyTypeObject* type, PyMethodDef* m) {
  return Out(ftrt::NewClassMethodDescr(type, m));
}
PyObject* PyDescr_NewMember(PyTypeObject* type, PyMemberDef* m) {
  return Out(ftrt::NewMemberDescr(type, m));
}
PyObject* PyDescr_NewGetSet(PyTypeObject* type, PyGetSetDef* g) {
  return Out(ftrt::NewGetSetDescr(type, g));
}
PyObject* PyMember_GetOne(const char* obj, PyMemberDef* m) {
  return Out(ftrt::MemberGet(reinterpret_cast<PyObject*>(const_cast<char*>(obj)), m));
}
int PyMember_SetOne(char* obj, PyMemberDef* m, PyObject* value) {
  return ftrt::MemberSet(reinterpret_cast<PyObject*>(obj), m, value);
}

// ---- calls -----------------------------------------------------------------

PyObject* PyObject_Call(PyObject* callable, PyObject* args, PyObject* kwargs) {
  if (!NeedObj(callable, "PyObject_Call")) return nullptr;
  if (args == nullptr || !ftrt::IsTuple(args)) {
    ftrt::SetErrorString(PyExc_TypeError, "argument list must be a tuple");
    return nullptr;
  }
  if (kwargs != nullptr && !ftrt::IsDict(kwargs)) {
    ftrt::SetErrorString(PyExc_TypeError, "keyword list must be a dictionary");
    return nullptr;
  }
  return Out(ftrt::Call(callable, args, kwargs));
}
PyObject* PyObject_CallObject(PyObject* callable, PyObject* args) {
  if (!NeedObj(callable, "PyObject_CallObject")) return nullptr;
  if (args != nullptr && !ftrt::IsTuple(args)) {
    ftrt::SetErrorString(PyExc_TypeError, "argument list must be a tuple");
    return nullptr;
  }
  return Out(ftrt::CallObject(callable, args));
}
PyObject* PyObject_CallNoArgs(PyObject* callable) {
  if (!NeedObj(callable, "PyObject_CallNoArgs")) return nullptr;
  return Out(ftrt::CallNoArgs(callable));
}
PyObject* PyObject_CallOneArg(PyObject* callable, PyObject* arg) {
  if (!NeedObj(callable, "PyObject_CallOneArg") || !NeedObj(arg, "PyObject_CallOneArg")) {
    return nullptr;
  }
  return Out(ftrt::CallOneArg(callable, arg));
}
PyObject* PyObject_Vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                              PyObject* kwnames) {
  if (!NeedObj(callable, "PyObject_Vectorcall")) return nullptr;
  return Out(ftrt::Vectorcall(callable, args, nargsf, kwnames));
}
PyObject* PyObject_VectorcallDict(PyObject* callable, PyObject* const* args, size_t nargsf,
                                  PyObject* kwdict) {
  if (!NeedObj(callable, "PyObject_VectorcallDict")) return nullptr;
  if (kwdict != nullptr && !ftrt::IsDict(kwdict)) {
    ftrt::SetErrorString(PyExc_TypeError, "keyword list must be a dictionary");
    return nullptr;
  }
  return Out(ftrt::VectorcallDict(callable, args, nargsf, kwdict));
}
PyObject* PyObject_VectorcallMethod(PyObject* name, PyObject* const* args, size_t nargsf,
                                    PyObject* kwnames) {
  const Py_ssize_t nargs = ftrt::VectorcallNargs(nargsf);
  if (!NeedObj(name, "PyObject_VectorcallMethod") || args == nullptr || nargs < 1 ||
      !NeedObj(args[0], "PyObject_VectorcallMethod")) {
    if (!ftrt::HasError()) ftrt::ext::internal::BadCall("PyObject_VectorcallMethod");
    return nullptr;
  }
  Ref<> method = ftrt::GetAttr(args[0], name);
  if (!method) return nullptr;
  // args[0] is free for the callee to use (PY_VECTORCALL_ARGUMENTS_OFFSET).
  return Out(ftrt::Vectorcall(method.get(), args + 1,
                              static_cast<size_t>(nargs - 1) | ftrt::kVectorcallArgumentsOffset,
                              kwnames));
}
int PyCallable_Check(PyObject* op) { return op != nullptr && ftrt::Callable(op) ? 1 : 0; }

static PyObject* CallVa(PyObject* callable, va_list ap) {
  std::vector<PyObject*> args;
  for (;;) {
    PyObject* a = va_arg(ap, PyObject*);
    if (a == nullptr) break;
    args.push_back(a);
  }
  return Out(ftrt::Vectorcall(callable, args.data(), args.size(), nullptr));
}
PyObject* PyObject_CallFunctionObjArgs(PyObject* callable, ...) {
  if (!NeedObj(callable, "PyObject_CallFunctionObjArgs")) return nullptr;
  va_list ap;
  va_start(ap, callable);
  PyObject* r = CallVa(callable, ap);
  va_end(ap);
  return r;
}
PyObject* PyObject_CallMethodObjArgs(PyObject* obj, PyObject* name, ...) {
  if (!NeedObj(obj, "PyObject_CallMethodObjArgs") ||
      !NeedObj(name, "PyObject_CallMethodObjArgs")) {
    return nullptr;
  }
  Ref<> method = ftrt::GetAttr(obj, name);
  if (!method) return nullptr;
  va_list ap;
  va_start(ap, name);
  PyObject* r = CallVa(method.get(), ap);
  va_end(ap);
  return r;
}
PyObject* Py_VaBuildValue(const char* format, va_list ap);
static PyObject* CallWithFormat(PyObject* callable, const char* format, va_list ap) {
  if (format == nullptr || *format == '\0') return Out(ftrt::CallNoArgs(callable));
  Ref<> args = Ref<>::Steal(Py_VaBuildValue(format, ap));
  if (!args) return nullptr;
  if (ftrt::IsTuple(args.get())) return Out(ftrt::CallObject(callable, args.get()));
  return Out(ftrt::CallOneArg(callable, args.get()));
}
PyObject* PyObject_CallFunction(PyObject* callable, const char* format, ...) {
  if (!NeedObj(callable, "PyObject_CallFunction")) return nullptr;
  va_list ap;
  va_start(ap, format);
  PyObject* r = CallWithFormat(callable, format, ap);
  va_end(ap);
  return r;
}
PyObject* PyObject_CallMethod(PyObject* obj, const char* name, const char* format, ...) {
  if (!NeedObj(obj, "PyObject_CallMethod") || !NeedObj(name, "PyObject_CallMethod")) {
    return nullptr;
  }
  Ref<> method = ftrt::GetAttrString(obj, name);
  if (!method) return nullptr;
  va_list ap;
  va_start(ap, format);
  PyObject* r = CallWithFormat(method.get(), format, ap);
  va_end(ap);
  return r;
}

// ---- attributes --------------------------------------------------------------

PyObject* PyObject_GetAttr(PyObject* o, PyObject* name) {
  if (!NeedObj(o, "PyObject_GetAttr") || !NeedObj(name, "PyObject_GetAttr")) return nullptr;
  return Out(ftrt::GetAttr(o, name));
}
PyObject* PyObject_GetAttrString(PyObject* o, const char* name) {
  if (!NeedObj(o, "PyObject_GetAttrString") || !NeedObj(name, "PyObject_GetAttrString")) {
    return nullptr;
  }
  return Out(ftrt::GetAttrString(o, name));
}
int PyObject_GetOptionalAttr(PyObject* o, PyObject* name, PyObject** result) {
  if (result != nullptr) *result = nullptr;
  if (!NeedObj(o, "PyObject_GetOptionalAttr") || !NeedObj(name, "PyObject_GetOptionalAttr") ||
      !NeedObj(result, "PyObject_GetOptionalAttr")) {
    return -1;
  }
  Ref<> r;
  int rc = ftrt::GetOptionalAttr(o, name, &r);
  *result = r.Release();
  return rc;
}
int PyObject_GetOptionalAttrString(PyObject* o, const char* name, PyObject** result) {
  if (result != nullptr) *result = nullptr;
  if (!NeedObj(name, "PyObject_GetOptionalAttrString")) return -1;
  auto n = ftrt::StrFromUtf8(name);
  if (!n.ok()) {
    ftrt::ext::internal::RaiseStatus(n.status());
    return -1;
  }
  return PyObject_GetOptionalAttr(o, n->get(), result);
}
int PyObject_HasAttrWithError(PyObject* o, PyObject* name) {
  PyObject* r = nullptr;
  const int rc = PyObject_GetOptionalAttr(o, name, &r);
  if (r != nullptr) ftrt::Decref(r);
  return rc;
}
int PyObject_HasAttrStringWithError(PyObject* o, const char* name) {
  PyObject* r = nullptr;
  const int rc = PyObject_GetOptionalAttrString(o, name, &r);
  if (r != nullptr) ftrt::Decref(r);
  return rc;
}
PyObject* PyObject_Type(PyObject* o) {
  if (!NeedObj(o, "PyObject_Type")) return nullptr;
  ftrt::Incref(ftrt::AsHeader(o->ob_type));
  return reinterpret_cast<PyObject*>(o->ob_type);
}
int PyObject_HasAttr(PyObject* o, PyObject* name) {
  if (o == nullptr || name == nullptr) return 0;
  Ref<> saved = ftrt::GetRaisedException();
  int rc = ftrt::HasAttr(o, name);
  ftrt::ClearError();
  if (saved) ftrt::SetRaisedException(std::move(saved));
  return rc > 0 ? 1 : 0;
}
int PyObject_HasAttrString(PyObject* o, const char* name) {
  if (o == nullptr || name == nullptr) return 0;
  auto n = ftrt::StrFromUtf8(name);
  if (!n.ok()) return 0;
  return PyObject_HasAttr(o, n->get());
}
int PyObject_SetAttr(PyObject* o, PyObject* name, PyObject* value) {
  if (!NeedObj(o, "PyObject_SetAttr") || !NeedObj(name, "PyObject_SetAttr")) return -1;
  return ftrt::SetAttr(o, name, value);
}
int PyObject_SetAttrString(PyObject* o, const char* name, PyObject* value) {
  if (!NeedObj(o, "PyObject_SetAttrString") || !NeedObj(name, "PyObject_SetAttrString")) {
    return -1;
  }
  return ftrt::SetAttrString(o, name, value);
}
int PyObject_DelAttr(PyObject* o, PyObject* name) { return PyObject_SetAttr(o, name, nullptr); }
int PyObject_DelAttrString(PyObject* o, const char* name) {
  return PyObject_SetAttrString(o, name, nullptr);
}

// ---- comparison, hashing, repr, truth --------------------------------------------

PyObject* PyObject_RichCompare(PyObject* a, PyObject* b, int op) {
  if (!NeedObj(a, "PyObject_RichCompare") || !NeedObj(b, "PyObject_RichCompare")) {
    return nullptr;
  }
  if (op < Py_LT || op > Py_GE) {
    BadCall("PyObject_RichCompare");
    return nullptr;
  }
  return Out(ftrt::ObjectRichCompare(a, b, op));
}
int PyObject_RichCompareBool(PyObject* a, PyObject* b, int op) {
  if (!NeedObj(a, "PyObject_RichCompareBool") || !NeedObj(b, "PyObject_RichCompareBool")) {
    return -1;
  }
  if (op < Py_LT || op > Py_GE) {
    BadCall("PyObject_RichCompareBool");
    return -1;
  }
  return ftrt::ObjectRichCompareBool(a, b, op);
}
Py_hash_t Py_HashPointer(const void* ptr) { return ftrt::HashPointer(ptr); }
// The hash bytes and str data get (CPython's exported _Py_HashBytes).
Py_hash_t _Py_HashBytes(const void* data, Py_ssize_t len) {
  return len <= 0 ? 0 : ftrt::HashBytes(data, static_cast<size_t>(len));
}
Py_hash_t PyObject_Hash(PyObject* o) {
  if (!NeedObj(o, "PyObject_Hash")) return -1;
  return ftrt::ObjectHash(o);
}
int PyObject_IsTrue(PyObject* o) {
  if (!NeedObj(o, "PyObject_IsTrue")) return -1;
  return ftrt::ObjectIsTrue(o);
}
int PyObject_Not(PyObject* o) {
  if (!NeedObj(o, "PyObject_Not")) return -1;
  return ftrt::ObjectNot(o);
}
PyObject* PyObject_Repr(PyObject* o) {
  if (o == nullptr) return NewOrRaise(ftrt::StrFromUtf8("<NULL>"));
  return Out(ftrt::ObjectRepr(o));
}
// ascii(o): repr(o) with every non-ASCII character escaped (\xhh, \uhhhh,
// \Uhhhhhhhh), as CPython's.
PyObject* PyObject_ASCII(PyObject* o) {
  PyObject* repr = PyObject_Repr(o);
  if (repr == nullptr) return nullptr;
  absl::StatusOr<absl::string_view> utf8 = ftrt::StrAsUtf8(repr);
  if (!utf8.ok()) {
    ftrt::Decref(repr);
    return NewOrRaise(absl::StatusOr<Ref<>>(utf8.status()));
  }
  const absl::string_view text = *utf8;
  bool ascii = true;
  for (unsigned char c : text) ascii &= c < 0x80;
  if (ascii) return repr;
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    // A well-formed UTF-8 sequence (str holds nothing else): decode it.
    const int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    uint32_t cp = c & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F);
    for (int k = 1; k < len && i + static_cast<size_t>(k) < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + static_cast<size_t>(k)]) & 0x3F);
    }
    i += static_cast<size_t>(len);
    char buf[16];
    if (cp <= 0xFF) {
      std::snprintf(buf, sizeof(buf), "\\x%02x", cp);
    } else if (cp <= 0xFFFF) {
      std::snprintf(buf, sizeof(buf), "\\u%04x", cp);
    } else {
      std::snprintf(buf, sizeof(buf), "\\U%08x", cp);
    }
    out += buf;
  }
  ftrt::Decref(repr);
  return NewOrRaise(ftrt::StrFromUtf8(out));
}
// Recursive reprs of containers (object/dispatch.h): per thread.
int Py_ReprEnter(PyObject* o) {
  if (!NeedObj(o, "Py_ReprEnter")) return -1;
  return ftrt::ReprEnter(o);
}
void Py_ReprLeave(PyObject* o) {
  if (o != nullptr) ftrt::ReprLeave(o);
}
PyObject* PyObject_Str(PyObject* o) {
  if (o == nullptr) return NewOrRaise(ftrt::StrFromUtf8("<NULL>"));
  return Out(ftrt::ObjectStr(o));
}
// bytes(o): an exact bytes is itself; a type's __bytes__ answers (a bytes
// instance, else TypeError "__bytes__ returned non-bytes (type int)");
// anything else goes to PyBytes_FromObject (buffers, iterables of ints).
PyObject* PyObject_Bytes(PyObject* o) {
  if (!NeedObj(o, "PyObject_Bytes")) return nullptr;
  if (o->ob_type == ftrt::BytesType()) {
    ftrt::Incref(o);
    return o;
  }
  PyObject* name = ftrt::InternFromString("__bytes__");
  if (name == nullptr) return nullptr;
  if (Ref<> method = ftrt::TypeLookup(o->ob_type, name)) {
    Ref<> r = ftrt::CallOneArg(method.get(), o);
    if (!r) return nullptr;
    if (!ftrt::IsBytes(r.get())) {
      ftrt::SetErrorFormat(PyExc_TypeError, "__bytes__ returned non-bytes (type %s)",
                           r->ob_type->tp_name);
      return nullptr;
    }
    return r.Release();
  }
  return PyBytes_FromObject(o);
}
// operator.length_hint(o, default): len(o) if o has a length (a TypeError
// from it falls through), else o.__length_hint__() unless it is missing or
// returns NotImplemented (then `default`). -1 with an error otherwise.
Py_ssize_t PyObject_LengthHint(PyObject* o, Py_ssize_t default_value) {
  if (!NeedObj(o, "PyObject_LengthHint")) return -1;
  const PySequenceMethods* sq = o->ob_type->tp_as_sequence;
  const PyMappingMethods* mp = o->ob_type->tp_as_mapping;
  if ((sq != nullptr && sq->sq_length != nullptr) || (mp != nullptr && mp->mp_length != nullptr)) {
    const Py_ssize_t n = ftrt::ObjectSize(o);
    if (n >= 0) return n;
    if (!PyErr_ExceptionMatches(PyExc_TypeError)) return -1;
    PyErr_Clear();
  }
  PyObject* name = ftrt::InternFromString("__length_hint__");
  if (name == nullptr) return -1;
  Ref<> method = ftrt::TypeLookup(o->ob_type, name);
  if (!method) return default_value;
  Ref<> r = ftrt::CallOneArg(method.get(), o);
  if (!r) {
    if (!PyErr_ExceptionMatches(PyExc_TypeError)) return -1;
    PyErr_Clear();
    return default_value;
  }
  if (r.get() == ftrt::NotImplemented()) return default_value;
  if (!ftrt::IsInt(r.get())) {
    ftrt::SetErrorFormat(PyExc_TypeError, "__length_hint__ must be an integer, not %s",
                         r->ob_type->tp_name);
    return -1;
  }
  const int64_t v = ftrt::IntClampedValue(r.get());
  if (v < 0) {
    ftrt::SetErrorString(PyExc_ValueError, "__length_hint__() should return >= 0");
    return -1;
  }
  if (ftrt::IntIsBig(r.get())) {
    ftrt::SetErrorString(PyExc_OverflowError, "cannot fit 'int' into an index-sized integer");
    return -1;
  }
  return static_cast<Py_ssize_t>(v);
}
// object.__hash__: the identity hash.
Py_hash_t PyObject_GenericHash(PyObject* o) { return ftrt::HashPointer(o); }
Py_ssize_t PyObject_Size(PyObject* o) {
  if (!NeedObj(o, "PyObject_Size")) return -1;
  return ftrt::ObjectSize(o);
}
Py_ssize_t PyObject_Length(PyObject* o) { return PyObject_Size(o); }
PyObject* PyObject_SelfIter(PyObject* o) {
  ftrt::Incref(o);
  return o;
}
PyObject* PySeqIter_New(PyObject* seq) {
  if (!NeedObj(seq, "PySeqIter_New")) return nullptr;
  return Out(ftrt::SeqIterNew(seq));
}
PyObject* PyCallIter_New(PyObject* callable, PyObject* sentinel) {
  if (!NeedObj(callable, "PyCallIter_New") || !NeedObj(sentinel, "PyCallIter_New")) return nullptr;
  return Out(ftrt::CallIterNew(callable, sentinel));
}
PyObject* PyObject_GetIter(PyObject* o) {
  if (!NeedObj(o, "PyObject_GetIter")) return nullptr;
  return Out(ftrt::GetIter(o));
}
int PyIter_Check(PyObject* o) {
  return o != nullptr && o->ob_type->tp_iternext != nullptr ? 1 : 0;
}
PyObject* PyIter_Next(PyObject* it) {
  if (!NeedObj(it, "PyIter_Next")) return nullptr;
  return Out(ftrt::IterNext(it));
}
// One step of a generator-like object: am_send if the type has it, else
// tp_iternext for None, else iter.send(arg). The end of the iteration
// (StopIteration, or an iternext that returns null with no error) is
// PYGEN_RETURN with the return value (StopIteration's value, or None).
PySendResult PyIter_Send(PyObject* iter, PyObject* arg, PyObject** result) {
  if (result == nullptr || !NeedObj(iter, "PyIter_Send") || !NeedObj(arg, "PyIter_Send")) {
    if (result != nullptr) *result = nullptr;
    return PYGEN_ERROR;
  }
  PyTypeObject* tp = iter->ob_type;
  if (tp->tp_as_async != nullptr && tp->tp_as_async->am_send != nullptr) {
    return tp->tp_as_async->am_send(iter, arg, result);
  }
  Ref<> out;
  if (arg == ftrt::None() && tp->tp_iternext != nullptr) {
    out = Ref<>::Steal(tp->tp_iternext(iter));
  } else {
    out = ftrt::CallMethod(iter, "send", {arg});
  }
  if (out) {
    *result = out.Release();
    return PYGEN_NEXT;
  }
  *result = nullptr;
  PyObject* pending = ftrt::ErrorOccurred();
  if (pending == nullptr) {
    *result = Ref<>::NewRef(ftrt::None()).Release();
    return PYGEN_RETURN;
  }
  if (!ftrt::GivenExceptionMatches(pending, PyExc_StopIteration)) return PYGEN_ERROR;
  Ref<> stop = ftrt::GetRaisedException();
  PyObject* value = reinterpret_cast<PyStopIterationObject*>(stop.get())->value;
  *result = Ref<>::NewRef(value != nullptr ? value : ftrt::None()).Release();
  return PYGEN_RETURN;
}

// Item access through the type's mapping / sequence slots (subscript.h).
PyObject* PyObject_GetItem(PyObject* o, PyObject* key) {
  if (!NeedObj(o, "PyObject_GetItem") || !NeedObj(key, "PyObject_GetItem")) return nullptr;
  return Out(ftrt::ObjectGetItem(o, key));
}
int PyObject_SetItem(PyObject* o, PyObject* key, PyObject* value) {
  if (!NeedObj(o, "PyObject_SetItem") || !NeedObj(key, "PyObject_SetItem") ||
      !NeedObj(value, "PyObject_SetItem")) {
    return -1;
  }
  return ftrt::ObjectSetItem(o, key, value);
}
int PyObject_DelItem(PyObject* o, PyObject* key) {
  if (!NeedObj(o, "PyObject_DelItem") || !NeedObj(key, "PyObject_DelItem")) return -1;
  return ftrt::ObjectDelItem(o, key);
}
namespace {
// A str key from a C string for the *String variants (a new reference):
// null with the error set (SystemError for NULL, UnicodeDecodeError for
// bad UTF-8). A plain pointer: this sits in the extern "C" block.
PyObject* NewStringKey(const char* key, const char* func) {
  if (!NeedObj(key, func)) return nullptr;
  return PyUnicode_FromString(key);
}
}  // namespace
int PyObject_DelItemString(PyObject* o, const char* key) {
  if (!NeedObj(o, "PyObject_DelItemString")) return -1;
  Ref<> k = Ref<>::Steal(NewStringKey(key, "PyObject_DelItemString"));
  return k ? PyObject_DelItem(o, k.get()) : -1;
}

int PySequence_Check(PyObject* o) {
  if (o == nullptr || ftrt::IsDict(o)) return 0;
  return ftrt::IsList(o) || ftrt::IsTuple(o) || ftrt::IsStr(o) ||
                 (o->ob_type->tp_as_sequence != nullptr &&
                  o->ob_type->tp_as_sequence->sq_item != nullptr)
             ? 1
             : 0;
}
int PyMapping_Check(PyObject* o) {
  return o != nullptr && (ftrt::IsDict(o) || (o->ob_type->tp_as_mapping != nullptr &&
                                              o->ob_type->tp_as_mapping->mp_subscript != nullptr))
             ? 1
             : 0;
}
PyObject* PySequence_List(PyObject* o);   // below
PyObject* PyDict_Keys(PyObject* op);       // capi_values.cc
PyObject* PyDict_Values(PyObject* op);
PyObject* PyDict_Items(PyObject* op);
namespace {
// PyMapping_Keys / Values / Items of a non-dict: its method's result as a
// new list.
PyObject* MappingMethodList(PyObject* o, const char* method, const char* func) {
  if (!NeedObj(o, func)) return nullptr;
  Ref<> result = ftrt::CallMethod(o, method, {});
  if (!result) return nullptr;
  return PySequence_List(result.get());
}
}  // namespace
PyObject* PyMapping_Keys(PyObject* o) {
  if (o != nullptr && o->ob_type == ftrt::DictType()) return PyDict_Keys(o);
  return MappingMethodList(o, "keys", "PyMapping_Keys");
}
PyObject* PyMapping_Values(PyObject* o) {
  if (o != nullptr && o->ob_type == ftrt::DictType()) return PyDict_Values(o);
  return MappingMethodList(o, "values", "PyMapping_Values");
}
PyObject* PyMapping_Items(PyObject* o) {
  if (o != nullptr && o->ob_type == ftrt::DictType()) return PyDict_Items(o);
  return MappingMethodList(o, "items", "PyMapping_Items");
}
Py_ssize_t PyMapping_Size(PyObject* o) {
  if (!NeedObj(o, "PyMapping_Size")) return -1;
  PyMappingMethods* m = o->ob_type->tp_as_mapping;
  if (m != nullptr && m->mp_length != nullptr) return m->mp_length(o);
  PySequenceMethods* sq = o->ob_type->tp_as_sequence;
  if (sq != nullptr && sq->sq_length != nullptr) {
    ftrt::SetErrorFormat(PyExc_TypeError, "%.200s is not a mapping", o->ob_type->tp_name);
  } else {
    ftrt::SetErrorFormat(PyExc_TypeError, "object of type '%.200s' has no len()",
                         o->ob_type->tp_name);
  }
  return -1;
}
Py_ssize_t PyMapping_Length(PyObject* o) { return PyMapping_Size(o); }
PyObject* PyMapping_GetItemString(PyObject* o, const char* key) {
  if (!NeedObj(o, "PyMapping_GetItemString")) return nullptr;
  Ref<> k = Ref<>::Steal(NewStringKey(key, "PyMapping_GetItemString"));
  return k ? PyObject_GetItem(o, k.get()) : nullptr;
}
int PyMapping_SetItemString(PyObject* o, const char* key, PyObject* value) {
  if (!NeedObj(o, "PyMapping_SetItemString") || !NeedObj(value, "PyMapping_SetItemString")) {
    return -1;
  }
  Ref<> k = Ref<>::Steal(NewStringKey(key, "PyMapping_SetItemString"));
  return k ? PyObject_SetItem(o, k.get(), value) : -1;
}
int PyMapping_GetOptionalItem(PyObject* o, PyObject* key, PyObject** result) {
  if (result == nullptr) {
    BadCall("PyMapping_GetOptionalItem");
    return -1;
  }
  *result = nullptr;
  if (!NeedObj(o, "PyMapping_GetOptionalItem") || !NeedObj(key, "PyMapping_GetOptionalItem")) {
    return -1;
  }
  if (ftrt::IsDict(o)) return PyDict_GetItemRef(o, key, result);
  *result = PyObject_GetItem(o, key);
  if (*result != nullptr) return 1;
  if (!PyErr_ExceptionMatches(PyExc_KeyError)) return -1;
  ftrt::ClearError();
  return 0;
}
int PyMapping_GetOptionalItemString(PyObject* o, const char* key, PyObject** result) {
  if (result == nullptr) {
    BadCall("PyMapping_GetOptionalItemString");
    return -1;
  }
  *result = nullptr;
  if (!NeedObj(o, "PyMapping_GetOptionalItemString")) return -1;
  Ref<> k = Ref<>::Steal(NewStringKey(key, "PyMapping_GetOptionalItemString"));
  return k ? PyMapping_GetOptionalItem(o, k.get(), result) : -1;
}
int PyMapping_HasKeyWithError(PyObject* o, PyObject* key) {
  PyObject* value;
  const int r = PyMapping_GetOptionalItem(o, key, &value);
  if (value != nullptr) ftrt::Decref(value);
  return r;
}
int PyMapping_HasKeyStringWithError(PyObject* o, const char* key) {
  PyObject* value;
  const int r = PyMapping_GetOptionalItemString(o, key, &value);
  if (value != nullptr) ftrt::Decref(value);
  return r;
}
namespace {
// PyMapping_HasKey(String): an error is reported as unraisable (with o as
// the object), and the answer is 0.
int HasKeyOrReport(int r, PyObject* o) {
  if (r >= 0) return r;
  ftrt::WriteUnraisable(o);
  return 0;
}
}  // namespace
int PyMapping_HasKey(PyObject* o, PyObject* key) {
  return HasKeyOrReport(PyMapping_HasKeyWithError(o, key), o);
}
int PyMapping_HasKeyString(PyObject* o, const char* key) {
  return HasKeyOrReport(PyMapping_HasKeyStringWithError(o, key), o);
}
Py_ssize_t PySequence_Size(PyObject* o) { return PyObject_Size(o); }
PyObject* PySequence_GetItem(PyObject* o, Py_ssize_t i) {
  if (!NeedObj(o, "PySequence_GetItem")) return nullptr;
  auto k = ftrt::IntFromInt64(i);
  if (!k.ok()) return NewOrRaise(std::move(k));
  return PyObject_GetItem(o, k->get());
}
namespace {
// A new list of what the iterator yields (object/'s ListExtend takes only
// lists and tuples). The new list is ours alone until returned.
PyObject* ListFromIterator(PyObject* it) {
  auto l = ftrt::ListNew();
  if (!l.ok()) return NewOrRaise(std::move(l));
  for (;;) {
    Ref<> item = ftrt::IterNext(it);
    if (!item) return ftrt::HasError() ? nullptr : std::move(*l).Release();
    if (ftrt::ext::internal::StatusToInt(ftrt::ListAppend(l->get(), item.get())) < 0) {
      return nullptr;
    }
  }
}
}  // namespace

PyObject* PySequence_List(PyObject* o) {
  if (!NeedObj(o, "PySequence_List")) return nullptr;
  if (ftrt::IsList(o) || ftrt::IsTuple(o)) {
    auto l = ftrt::ListNew();
    if (!l.ok()) return NewOrRaise(std::move(l));
    if (ftrt::ext::internal::StatusToInt(ftrt::ListExtend(l->get(), o)) < 0) return nullptr;
    return std::move(*l).Release();
  }
  Ref<> it = ftrt::GetIter(o);  // TypeError if o is not iterable
  if (!it) return nullptr;
  return ListFromIterator(it.get());
}
// isinstance / issubclass over types and (nested) tuples of types. Every
// ftrt type's metaclass is `type`, so no __instancecheck__ or
// __subclasscheck__ can override the MRO answer.
namespace {
constexpr int kMaxClassTupleDepth = 1000;  // RecursionError past this

bool IsTypeObject(PyObject* o) {
  return (o->ob_type->tp_flags & Py_TPFLAGS_TYPE_SUBCLASS) != 0;
}

// Whether `type` is a subtype of `cls` (a type or tuple of them): 1, 0 or
// -1 with TypeError naming `what`'s arg 2.
int TypeMatchesClassInfo(PyTypeObject* type, PyObject* cls, int depth, const char* message) {
  if (IsTypeObject(cls)) {
    return ftrt::TypeIsSubtype(type, reinterpret_cast<PyTypeObject*>(cls)) ? 1 : 0;
  }
  if (ftrt::IsTuple(cls)) {
    if (depth >= kMaxClassTupleDepth) {
      ftrt::SetErrorString(PyExc_RecursionError,
                           "maximum recursion depth exceeded in __instancecheck__");
      return -1;
    }
    for (PyObject* item : ftrt::TupleItems(cls)) {
      int r = TypeMatchesClassInfo(type, item, depth + 1, message);
      if (r != 0) return r;
    }
    return 0;
  }
  ftrt::SetErrorString(PyExc_TypeError, message);
  return -1;
}
}  // namespace

namespace {
constexpr const char kIsInstanceArg2[] =
    "isinstance() arg 2 must be a type, a tuple of types, or a union";

// CPython's object_isinstance for each type in `cls` (a type or nested
// tuple of them): the instance's type, then, if that does not match, its
// __class__ attribute when that is another type (what lets a proxy such as
// wrapt's ObjectProxy pass for the object it wraps). 1, 0 or -1.
int InstanceMatchesClassInfo(PyObject* inst, PyObject* cls, int depth) {
  if (ftrt::IsTuple(cls)) {
    if (depth >= kMaxClassTupleDepth) {
      ftrt::SetErrorString(PyExc_RecursionError,
                           "maximum recursion depth exceeded in __instancecheck__");
      return -1;
    }
    for (PyObject* item : ftrt::TupleItems(cls)) {
      int r = InstanceMatchesClassInfo(inst, item, depth + 1);
      if (r != 0) return r;
    }
    return 0;
  }
  const int direct = TypeMatchesClassInfo(inst->ob_type, cls, depth, kIsInstanceArg2);
  if (direct != 0) return direct;
  static PyObject* class_name = ftrt::InternFromString("__class__");
  Ref<> icls;
  if (ftrt::GetOptionalAttr(inst, class_name, &icls) < 0) return -1;
  if (!icls || icls.get() == reinterpret_cast<PyObject*>(inst->ob_type) ||
      !IsTypeObject(icls.get())) {
    return 0;
  }
  return ftrt::TypeIsSubtype(reinterpret_cast<PyTypeObject*>(icls.get()),
                             reinterpret_cast<PyTypeObject*>(cls))
             ? 1
             : 0;
}
}  // namespace

int PyObject_IsInstance(PyObject* inst, PyObject* cls) {
  if (!NeedObj(inst, "PyObject_IsInstance") || !NeedObj(cls, "PyObject_IsInstance")) return -1;
  if (reinterpret_cast<PyObject*>(inst->ob_type) == cls) return 1;
  return InstanceMatchesClassInfo(inst, cls, 0);
}

int PyObject_IsSubclass(PyObject* derived, PyObject* cls) {
  if (!NeedObj(derived, "PyObject_IsSubclass") || !NeedObj(cls, "PyObject_IsSubclass")) {
    return -1;
  }
  if (!IsTypeObject(derived)) {
    ftrt::SetErrorString(PyExc_TypeError, "issubclass() arg 1 must be a class");
    return -1;
  }
  return TypeMatchesClassInfo(
      reinterpret_cast<PyTypeObject*>(derived), cls, 0,
      "issubclass() arg 2 must be a class, a tuple of classes, or a union");
}

PyObject* PySequence_Fast(PyObject* o, const char* message) {
  if (o == nullptr) {
    BadCall("PySequence_Fast");
    return nullptr;
  }
  if (o->ob_type == ftrt::ListType() || o->ob_type == ftrt::TupleType()) {
    ftrt::Incref(o);
    return o;
  }
  Ref<> it = ftrt::GetIter(o);
  if (!it) {
    if (ftrt::ExceptionMatches(PyExc_TypeError) != 0) {
      ftrt::ClearError();
      ftrt::SetErrorString(PyExc_TypeError, message == nullptr ? "" : message);
    }
    return nullptr;
  }
  return ListFromIterator(it.get());
}
PyObject* PySequence_Tuple(PyObject* o) {
  // An exact tuple as is; a subclass's items as a new tuple (CPython).
  if (o != nullptr && o->ob_type == ftrt::TupleType()) {
    ftrt::Incref(o);
    return o;
  }
  Ref<> l = Ref<>::Steal(PySequence_List(o));
  if (!l) return nullptr;
  return NewOrRaise(ftrt::ListAsTuple(l.get()));
}
int PySequence_Contains(PyObject* o, PyObject* value) {
  if (!NeedObj(o, "PySequence_Contains") || !NeedObj(value, "PySequence_Contains")) return -1;
  if (ftrt::IsList(o)) {
    auto r = ftrt::ListContains(o, value);
    if (!r.ok()) {
      ftrt::ext::internal::RaiseStatus(r.status());
      return -1;
    }
    return *r ? 1 : 0;
  }
  if (ftrt::IsDict(o)) {
    auto r = ftrt::DictContains(o, value);
    if (!r.ok()) {
      ftrt::ext::internal::RaiseStatus(r.status());
      return -1;
    }
    return *r ? 1 : 0;
  }
  if (ftrt::IsAnySet(o)) {
    // A hash lookup; as CPython's set.__contains__, an (unhashable) set is
    // looked up as the frozenset of its keys.
    auto r = ftrt::SetContains(o, value);
    if (!r.ok() && ftrt::IsError(r.status(), ftrt::ErrorKind::kTypeError) && ftrt::IsSet(value)) {
      auto frozen = ftrt::FrozenSetNew(value);
      r = frozen.ok() ? ftrt::SetContains(o, frozen->get()) : frozen.status();
    }
    if (!r.ok()) {
      ftrt::ext::internal::RaiseStatus(r.status());
      return -1;
    }
    return *r ? 1 : 0;
  }
  // A type's own sq_contains (bytearray's finds a byte value or a
  // substring), as CPython asks it before iterating.
  if (PySequenceMethods* sq = o->ob_type->tp_as_sequence; sq != nullptr && sq->sq_contains) {
    return sq->sq_contains(o, value);
  }
  Ref<> it = ftrt::GetIter(o);
  if (!it) return -1;
  for (;;) {
    Ref<> item = ftrt::IterNext(it.get());
    if (!item) return ftrt::HasError() ? -1 : 0;
    int eq = ftrt::ObjectRichCompareBool(item.get(), value, Py_EQ);
    if (eq != 0) return eq;
  }
}

namespace {
// CPython's null_error: SystemError for a NULL argument, unless an error
// is already pending (the NULL came from a failed call).
bool NeedArg(const void* p) {
  if (p != nullptr) return true;
  if (!ftrt::HasError()) {
    ftrt::SetErrorString(PyExc_SystemError, "null argument to internal routine");
  }
  return false;
}

PySequenceMethods* SeqSlots(PyObject* o) { return o->ob_type->tp_as_sequence; }
PyMappingMethods* MapSlots(PyObject* o) { return o->ob_type->tp_as_mapping; }

bool IsMappingNotSequence(PyObject* o) {
  return ftrt::IsDict(o) || (MapSlots(o) != nullptr && MapSlots(o)->mp_ass_subscript != nullptr);
}

// sq_ass_item(o, i, v) with a negative i counted from the end; v null
// deletes. A type without the slot gives TypeError "'int' object <refusal>".
int SequenceAssign(PyObject* o, Py_ssize_t i, PyObject* v, const char* refusal) {
  if (!NeedArg(o)) return -1;
  PySequenceMethods* m = SeqSlots(o);
  if (m != nullptr && m->sq_ass_item != nullptr) {
    if (i < 0 && m->sq_length != nullptr) {
      const Py_ssize_t n = m->sq_length(o);
      if (n < 0) return -1;
      i += n;
    }
    return m->sq_ass_item(o, i, v) < 0 ? -1 : 0;
  }
  if (IsMappingNotSequence(o)) {
    ftrt::SetErrorFormat(PyExc_TypeError, "%s is not a sequence", o->ob_type->tp_name);
    return -1;
  }
  ftrt::SetErrorFormat(PyExc_TypeError, "'%s' object %s", o->ob_type->tp_name, refusal);
  return -1;
}

// mp_ass_subscript(o, slice(i1, i2), v); v null deletes.
int SliceAssign(PyObject* o, Py_ssize_t i1, Py_ssize_t i2, PyObject* v, const char* refusal) {
  if (!NeedArg(o)) return -1;
  PyMappingMethods* mp = MapSlots(o);
  if (mp == nullptr || mp->mp_ass_subscript == nullptr) {
    ftrt::SetErrorFormat(PyExc_TypeError, "'%s' object %s", o->ob_type->tp_name, refusal);
    return -1;
  }
  Ref<> slice = ftrt::SliceFromIndices(i1, i2);
  if (!slice) return -1;
  return mp->mp_ass_subscript(o, slice.get(), v) < 0 ? -1 : 0;
}

// Walks o's items comparing each with value: the count of equal ones, or
// (first_only) the index of the first; -1 with an exception on error, -2
// when first_only finds none.
Py_ssize_t SequenceSearch(PyObject* o, PyObject* value, bool first_only) {
  if (!NeedArg(o) || !NeedArg(value)) return -1;
  Ref<> it = ftrt::GetIter(o);
  if (!it) {
    if (ftrt::ExceptionMatches(PyExc_TypeError) != 0) {
      ftrt::ClearError();
      ftrt::SetErrorFormat(PyExc_TypeError, "argument of type '%s' is not iterable",
                           o->ob_type->tp_name);
    }
    return -1;
  }
  Py_ssize_t index = 0, count = 0;
  Ref<> item;
  int r;
  while ((r = ftrt::IterNextItem(it.get(), &item)) > 0) {
    const int eq = ftrt::ObjectRichCompareBool(item.get(), value, Py_EQ);
    if (eq < 0) return -1;
    if (eq > 0) {
      if (first_only) return index;
      ++count;
    }
    ++index;
  }
  if (r < 0) return -1;
  return first_only ? -2 : count;
}
}  // namespace

int PySequence_SetItem(PyObject* o, Py_ssize_t i, PyObject* v) {
  if (!NeedArg(v)) return -1;
  return SequenceAssign(o, i, v, "does not support item assignment");
}
int PySequence_DelItem(PyObject* o, Py_ssize_t i) {
  return SequenceAssign(o, i, nullptr, "doesn't support item deletion");
}
PyObject* PySequence_GetSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2) {
  if (!NeedArg(o)) return nullptr;
  PyMappingMethods* mp = MapSlots(o);
  if (mp == nullptr || mp->mp_subscript == nullptr) {
    ftrt::SetErrorFormat(PyExc_TypeError, "'%s' object is unsliceable", o->ob_type->tp_name);
    return nullptr;
  }
  Ref<> slice = ftrt::SliceFromIndices(i1, i2);
  if (!slice) return nullptr;
  return mp->mp_subscript(o, slice.get());
}
int PySequence_SetSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2, PyObject* v) {
  if (!NeedArg(v)) return -1;
  return SliceAssign(o, i1, i2, v, "doesn't support slice assignment");
}
int PySequence_DelSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2) {
  return SliceAssign(o, i1, i2, nullptr, "doesn't support slice deletion");
}
Py_ssize_t PySequence_Count(PyObject* o, PyObject* value) {
  return SequenceSearch(o, value, /*first_only=*/false);
}
Py_ssize_t PySequence_Index(PyObject* o, PyObject* value) {
  const Py_ssize_t r = SequenceSearch(o, value, /*first_only=*/true);
  if (r == -2) {
    ftrt::SetErrorString(PyExc_ValueError, "sequence.index(x): x not in sequence");
    return -1;
  }
  return r;
}
PyObject* PySequence_Concat(PyObject* a, PyObject* b) {
  if (!NeedArg(a) || !NeedArg(b)) return nullptr;
  PySequenceMethods* m = SeqSlots(a);
  if (m != nullptr && m->sq_concat != nullptr) return m->sq_concat(a, b);
  ftrt::SetErrorFormat(PyExc_TypeError, "'%s' object can't be concatenated", a->ob_type->tp_name);
  return nullptr;
}
PyObject* PySequence_InPlaceConcat(PyObject* a, PyObject* b) {
  if (!NeedArg(a) || !NeedArg(b)) return nullptr;
  PySequenceMethods* m = SeqSlots(a);
  if (m != nullptr && m->sq_inplace_concat != nullptr) return m->sq_inplace_concat(a, b);
  if (m != nullptr && m->sq_concat != nullptr) return m->sq_concat(a, b);
  ftrt::SetErrorFormat(PyExc_TypeError, "'%s' object can't be concatenated", a->ob_type->tp_name);
  return nullptr;
}
PyObject* PySequence_InPlaceRepeat(PyObject* o, Py_ssize_t count) {
  if (!NeedArg(o)) return nullptr;
  PySequenceMethods* m = SeqSlots(o);
  if (m != nullptr && m->sq_inplace_repeat != nullptr) return m->sq_inplace_repeat(o, count);
  if (m != nullptr && m->sq_repeat != nullptr) return m->sq_repeat(o, count);
  ftrt::SetErrorFormat(PyExc_TypeError, "'%s' object can't be repeated", o->ob_type->tp_name);
  return nullptr;
}
PyObject* PySequence_Repeat(PyObject* o, Py_ssize_t count) {
  if (!NeedArg(o)) return nullptr;
  PySequenceMethods* m = SeqSlots(o);
  if (m != nullptr && m->sq_repeat != nullptr) return m->sq_repeat(o, count);
  ftrt::SetErrorFormat(PyExc_TypeError, "'%s' object can't be repeated", o->ob_type->tp_name);
  return nullptr;
}
Py_ssize_t PySequence_Length(PyObject* o) { return PySequence_Size(o); }
int PySequence_In(PyObject* o, PyObject* value) { return PySequence_Contains(o, value); }

// ---- finalizers and misc -------------------------------------------------------

void PyObject_CallFinalizer(PyObject* self) {
  if (self == nullptr) return;
  destructor fin = self->ob_type->tp_finalize;
  if (fin == nullptr) return;
  if (self->ob_gc_bits & FTRT_GC_BIT_FINALIZED) return;
  fin(self);
  self->ob_gc_bits |= FTRT_GC_BIT_FINALIZED;
}
int PyObject_CallFinalizerFromDealloc(PyObject* self) {
  PyObject_CallFinalizer(self);
  return 0;
}
int PyUnstable_Object_EnableDeferredRefcount(PyObject* op) {
  (void)op;
  return 0;  // not enabled: the documented "could not" answer
}
int PyArg_ValidateKeywordArguments(PyObject* kwargs) {
  if (kwargs == nullptr || !ftrt::IsDict(kwargs)) {
    BadCall("PyArg_ValidateKeywordArguments");
    return 0;
  }
  Py_ssize_t pos = 0;
  Ref<> k, v;
  while (ftrt::DictNext(kwargs, &pos, &k, &v)) {
    if (!ftrt::IsStr(k.get())) {
      ftrt::SetErrorString(PyExc_TypeError, "keywords must be strings");
      return 0;
    }
  }
  return 1;
}

}  // extern "C"
