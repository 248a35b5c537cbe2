// Modules (see module.h).
#include "object/module.h"

#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/methodobject.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_internal.h"
#include "object/str.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

using Module = PyModuleObject;
using internal::g_names;

Module* AsModule(PyObject* op) { return reinterpret_cast<Module*>(op); }

std::string NameOf(PyObject* module) {
  PyObject* n = AsModule(module)->md_name;
  return n != nullptr ? StrUtf8(n) : std::string("?");
}

void ModuleDealloc(PyObject* self) {
  UntrackObject(self);
  Module* m = AsModule(self);
  PyModuleDef* def = m->md_def;
  if (def != nullptr && def->m_free != nullptr && (def->m_size <= 0 || m->md_state != nullptr)) {
    def->m_free(self);
  }
  PyObject* dict = std::exchange(m->md_dict, nullptr);
  PyObject* name = std::exchange(m->md_name, nullptr);
  void* state = std::exchange(m->md_state, nullptr);
  self->ob_type->tp_free(self);
  std::free(state);
  if (dict != nullptr) Decref(dict);
  if (name != nullptr) Decref(name);
}

int ModuleTraverse(PyObject* self, visitproc visit, void* arg) {
  Module* m = AsModule(self);
  PyModuleDef* def = m->md_def;
  // The state's references are the module's own (CPython's rule: only once
  // the state exists, or when the module has none).
  if (def != nullptr && def->m_traverse != nullptr && (def->m_size <= 0 || m->md_state != nullptr)) {
    if (int r = def->m_traverse(self, visit, arg)) return r;
  }
  if (m->md_dict != nullptr) return visit(m->md_dict, arg);
  return 0;
}

int ModuleClear(PyObject* self) {
  Module* m = AsModule(self);
  PyModuleDef* def = m->md_def;
  if (def != nullptr && def->m_clear != nullptr && (def->m_size <= 0 || m->md_state != nullptr)) {
    if (def->m_clear(self) < 0) return -1;
  }
  if (m->md_dict != nullptr) (void)DictClear(m->md_dict);
  return 0;
}

PyObject* ModuleRepr(PyObject* self) {
  return RefOrRaise(StrFromUtf8(absl::StrCat("<module '", NameOf(self), "'>"))).Release();
}

// Generic lookup, then the module's __getattr__, then a module-worded
// AttributeError.
PyObject* ModuleGetattro(PyObject* self, PyObject* name) {
  Ref<> r = internal::GenericGetAttrOrNull(self, name);
  if (r || HasError()) return r.Release();  // found, or an error
  Module* m = AsModule(self);
  if (m->md_dict != nullptr) {
    absl::StatusOr<Ref<>> getattr = DictGetItemRefOrNull(m->md_dict, g_names.dunder_getattr);
    if (!getattr.ok()) return RefOrRaise(getattr.status()).Release();
    if (*getattr) return CallOneArg(getattr->get(), name).Release();
  }
  return SetErrorFormat(PyExc_AttributeError, "module '%s' has no attribute '%s'", NameOf(self),
                        StrUtf8(name));
}

PyObject* ModuleGetDictSlot(PyObject* self, void*) {
  PyObject* d = AsModule(self)->md_dict;
  return Ref<>::NewRef(d != nullptr ? d : None()).Release();
}

PyGetSetDef g_module_getset[] = {
    {"__dict__", ModuleGetDictSlot, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// PyErr_BadArgument's error for a non-module, as CPython's accessors.
int CheckModule(PyObject* m) {
  if (!IsModule(m)) {
    SetErrorString(PyExc_TypeError, "bad argument type for built-in operation");
    return 0;
  }
  return 1;
}

int AllocState(Module* m, PyModuleDef* def) {
  if (def->m_size > 0 && m->md_state == nullptr) {
    m->md_state = std::calloc(1, static_cast<size_t>(def->m_size));
    if (m->md_state == nullptr) {
      NoMemory();
      return -1;
    }
  }
  return 0;
}

}  // namespace

extern "C" {

constinit PyTypeObject PyModule_Type = [] {
  PyTypeObject t = StaticTypeInit("module", sizeof(Module),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = ModuleDealloc;
  t.tp_repr = ModuleRepr;
  t.tp_getattro = ModuleGetattro;
  t.tp_setattro = PyObject_GenericSetAttr;
  t.tp_traverse = ModuleTraverse;
  t.tp_clear = ModuleClear;
  t.tp_weaklistoffset = offsetof(Module, md_weaklist);
  t.tp_dictoffset = offsetof(Module, md_dict);
  t.tp_getset = g_module_getset;
  return t;
}();

constinit PyTypeObject PyModuleDef_Type = [] {
  PyTypeObject t = StaticTypeInit("moduledef", sizeof(PyModuleDef), Py_TPFLAGS_DEFAULT);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  return t;
}();

}  // extern "C"

Ref<> ModuleNewObject(PyObject* name) {
  if (!IsStr(name)) {
    return SetErrorFormat(PyExc_TypeError, "module name must be a str, not '%s'",
                          name->ob_type->tp_name);
  }
  Ref<> dict = RefOrRaise(DictNew());
  if (!dict) return nullptr;
  for (auto [key, value] : {std::pair{g_names.dunder_name, name},
                            std::pair{g_names.dunder_doc, None()},
                            std::pair{g_names.dunder_package, None()},
                            std::pair{g_names.dunder_loader, None()},
                            std::pair{g_names.dunder_spec, None()}}) {
    if (OkOrRaise(DictSetItem(dict.get(), key, value)) < 0) return nullptr;
  }
  Ref<> m = Ref<>::Steal(PyType_GenericAlloc(&PyModule_Type, 0));
  if (!m) return nullptr;
  Module* mod = AsModule(m.get());
  mod->md_dict = dict.Release();
  Incref(name);
  mod->md_name = name;
  mod->md_gil = Py_MOD_GIL_USED;
  SetDeferredRefcount(m.get());
  return m;
}

Ref<> ModuleNew(absl::string_view name) {
  Ref<> n = RefOrRaise(StrFromUtf8(name));
  if (!n) return nullptr;
  return ModuleNewObject(n.get());
}

PyObject* ModuleDefInit(PyModuleDef* def) {
  PyObject* op = reinterpret_cast<PyObject*>(def);
  if (op->ob_type == nullptr) InitStaticHeader(op, &PyModuleDef_Type);
  return op;
}

Ref<> ModuleCreate(PyModuleDef* def) {
  ModuleDefInit(def);
  if (def->m_slots != nullptr) {
    return SetErrorFormat(PyExc_SystemError,
                          "module %s: PyModule_Create is incompatible with m_slots",
                          def->m_name);
  }
  Ref<> m = ModuleNew(def->m_name != nullptr ? def->m_name : "?");
  if (!m) return nullptr;
  Module* mod = AsModule(m.get());
  mod->md_def = def;
  if (AllocState(mod, def) < 0) return nullptr;
  if (def->m_methods != nullptr && ModuleAddFunctions(m.get(), def->m_methods) < 0) return nullptr;
  if (def->m_doc != nullptr && ModuleSetDocString(m.get(), def->m_doc) < 0) return nullptr;
  return m;
}

Ref<> ModuleFromDefAndSpec(PyModuleDef* def, PyObject* spec) {
  ModuleDefInit(def);
  Ref<> name;
  if (IsStr(spec)) {
    name = Ref<>::NewRef(spec);
  } else {
    name = GetAttr(spec, g_names.name);
    if (!name) return nullptr;
  }
  const std::string name_s = StrUtf8(name.get());
  using CreateFn = PyObject* (*)(PyObject*, PyModuleDef*);
  CreateFn create = nullptr;
  bool has_exec = false;
  void* gil = Py_MOD_GIL_USED;
  bool seen_gil = false;
  for (PyModuleDef_Slot* s = def->m_slots; s != nullptr && s->slot != 0; ++s) {
    switch (s->slot) {
      case Py_mod_create:
        if (create != nullptr) {
          return SetErrorFormat(PyExc_SystemError, "module %s has multiple create slots",
                                name_s);
        }
        create = reinterpret_cast<CreateFn>(s->value);
        break;
      case Py_mod_exec:
        has_exec = true;
        break;
      case Py_mod_multiple_interpreters:
        break;
      case Py_mod_gil:
        if (seen_gil) {
          return SetErrorFormat(PyExc_SystemError, "module %s has more than one 'gil' slot",
                                name_s);
        }
        seen_gil = true;
        gil = s->value;
        break;
      default:
        if (s->slot < 0 || s->slot > _Py_mod_LAST_SLOT) {
          return SetErrorFormat(PyExc_SystemError, "module %s uses unknown slot ID %d", name_s,
                                s->slot);
        }
        break;
    }
  }
  Ref<> m;
  if (create != nullptr) {
    m = Ref<>::Steal(create(spec, def));
    if (!m) {
      if (!HasError()) {
        SetErrorFormat(PyExc_SystemError,
                       "creation of module %s failed without setting an exception", name_s);
      }
      return nullptr;
    }
    if (HasError()) {
      Ref<> cause = GetRaisedException();
      SetErrorFormat(PyExc_SystemError, "creation of module %s raised unreported exception",
                     name_s);
      SetRaisedExceptionFrom(GetRaisedException(), cause.get());
      return nullptr;
    }
  } else {
    m = ModuleNewObject(name.get());
    if (!m) return nullptr;
  }
  if (IsModule(m.get())) {
    Module* mod = AsModule(m.get());
    mod->md_state = nullptr;
    mod->md_def = def;
    mod->md_gil = gil;
  } else if (def->m_size > 0 || def->m_traverse != nullptr || def->m_clear != nullptr ||
             def->m_free != nullptr) {
    return SetErrorFormat(PyExc_SystemError,
                          "module %s is not a module object, but requests module state", name_s);
  } else if (has_exec) {
    return SetErrorFormat(PyExc_SystemError,
                          "module %s specifies execution slots, but did not create a ModuleType "
                          "instance",
                          name_s);
  }
  if (def->m_methods != nullptr && ModuleAddFunctions(m.get(), def->m_methods) < 0) return nullptr;
  if (def->m_doc != nullptr && ModuleSetDocString(m.get(), def->m_doc) < 0) return nullptr;
  return m;
}

int ModuleExecDef(PyObject* module, PyModuleDef* def) {
  if (!IsModule(module)) {
    SetErrorString(PyExc_SystemError, "PyModule_ExecDef: not a module");
    return -1;
  }
  Module* mod = AsModule(module);
  if (def->m_size >= 0 && AllocState(mod, def) < 0) return -1;
  for (PyModuleDef_Slot* s = def->m_slots; s != nullptr && s->slot != 0; ++s) {
    if (s->slot != Py_mod_exec) continue;
    auto exec = reinterpret_cast<int (*)(PyObject*)>(s->value);
    const int rc = exec(module);
    if (rc != 0) {
      if (!HasError()) {
        SetErrorFormat(PyExc_SystemError,
                       "execution of module %s failed without setting an exception",
                       NameOf(module));
      }
      return -1;
    }
    if (HasError()) {
      Ref<> cause = GetRaisedException();
      SetErrorFormat(PyExc_SystemError, "execution of module %s raised unreported exception",
                     NameOf(module));
      SetRaisedExceptionFrom(GetRaisedException(), cause.get());
      return -1;
    }
  }
  return 0;
}

PyObject* ModuleGetDict(PyObject* module) {
  if (!IsModule(module)) {
    BadInternalCall();
    return nullptr;
  }
  return AsModule(module)->md_dict;
}

PyModuleDef* ModuleGetDef(PyObject* module) {
  if (!CheckModule(module)) return nullptr;
  return AsModule(module)->md_def;
}

void* ModuleGetState(PyObject* module) {
  if (!CheckModule(module)) return nullptr;
  return AsModule(module)->md_state;
}

Ref<> ModuleGetNameObject(PyObject* module) {
  if (!CheckModule(module)) return nullptr;
  Module* m = AsModule(module);
  if (m->md_dict != nullptr) {
    absl::StatusOr<Ref<>> n = DictGetItemRefOrNull(m->md_dict, g_names.dunder_name);
    if (n.ok() && *n && IsStr(n->get())) return *std::move(n);
  }
  SetErrorString(PyExc_SystemError, "nameless module");
  return nullptr;
}

const char* ModuleGetName(PyObject* module) {
  if (!CheckModule(module)) return nullptr;
  PyObject* n = AsModule(module)->md_name;
  if (n == nullptr) {
    SetErrorString(PyExc_SystemError, "nameless module");
    return nullptr;
  }
  absl::StatusOr<absl::string_view> u = StrAsUtf8(n);  // cached in the str
  if (!u.ok()) {
    SetErrorFromStatus(u.status());
    return nullptr;
  }
  return u->data();
}

void* ModuleGil(PyObject* module) {
  return IsModule(module) ? AsModule(module)->md_gil : Py_MOD_GIL_USED;
}

int ModuleSetGil(PyObject* module, void* gil) {
  if (!CheckModule(module)) return -1;
  AsModule(module)->md_gil = gil;
  return 0;
}

int ModuleAddObjectRef(PyObject* module, const char* name, PyObject* value) {
  if (!CheckModule(module)) return -1;
  if (value == nullptr) {
    if (!HasError()) {
      SetErrorString(PyExc_SystemError, "PyModule_AddObjectRef() must be called with an exception "
                                        "raised if value is NULL");
    }
    return -1;
  }
  PyObject* key = InternFromString(name);
  if (key == nullptr) return -1;
  return OkOrRaise(DictSetItem(AsModule(module)->md_dict, key, value));
}

int ModuleAdd(PyObject* module, const char* name, Ref<> value) {
  return ModuleAddObjectRef(module, name, value.get());
}

int ModuleAddIntConstant(PyObject* module, const char* name, long value) {
  Ref<> v = RefOrRaise(IntFromInt64(value));
  if (!v) return -1;
  return ModuleAddObjectRef(module, name, v.get());
}

int ModuleAddStringConstant(PyObject* module, const char* name, const char* value) {
  Ref<> v = RefOrRaise(StrFromUtf8(value));
  if (!v) return -1;
  return ModuleAddObjectRef(module, name, v.get());
}

int ModuleAddType(PyObject* module, PyTypeObject* type) {
  if (TypeReady(type) < 0) return -1;
  return ModuleAddObjectRef(module, TypeShortName(type), reinterpret_cast<PyObject*>(type));
}

int ModuleAddFunctions(PyObject* module, PyMethodDef* functions) {
  if (!CheckModule(module)) return -1;
  Ref<> modname = ModuleGetNameObject(module);
  if (!modname) return -1;
  for (PyMethodDef* fdef = functions; fdef->ml_name != nullptr; ++fdef) {
    if ((fdef->ml_flags & METH_CLASS) || (fdef->ml_flags & METH_STATIC)) {
      SetErrorString(PyExc_ValueError, "module functions cannot set METH_CLASS or METH_STATIC");
      return -1;
    }
    Ref<> func = CFunctionNew(fdef, module, modname.get(), nullptr);
    if (!func) return -1;
    SetDeferredRefcount(func.get());
    if (ModuleAddObjectRef(module, fdef->ml_name, func.get()) < 0) return -1;
  }
  return 0;
}

int ModuleSetDocString(PyObject* module, const char* doc) {
  Ref<> d = RefOrRaise(StrFromUtf8(doc));
  if (!d) return -1;
  if (!CheckModule(module)) return -1;
  return OkOrRaise(DictSetItem(AsModule(module)->md_dict, g_names.dunder_doc, d.get()));
}

}  // namespace ftrt
