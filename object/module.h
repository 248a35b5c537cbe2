// Modules as objects: name, dict, definition, per-module state, and
// multi-phase initialization.
//
// After CPython 3.13's Objects/moduleobject.c (PyModule_NewObject,
// PyModule_Create2, PyModule_FromDefAndSpec2, PyModule_ExecDef,
// module_traverse / module_clear / module_dealloc, module_getattro), with
// our own code. A module is laid out as CPython 3.13t's PyModuleObject:
// md_dict, md_def, md_state, md_weaklist, md_name, md_gil.
//   - STATE: a module made from a PyModuleDef with m_size > 0 owns
//     m_size zeroed bytes (ModuleGetState). Its traverse visits the dict
//     and calls m_traverse (when the state exists), so the collector
//     reaches the objects held in state; clear calls m_clear then clears
//     the dict; dealloc calls m_free, then frees the state.
//   - SINGLE-PHASE: ModuleCreate(def) = PyModule_Create: a module named
//     m_name with def's functions and doc and its state.
//   - MULTI-PHASE: ModuleFromDefAndSpec(def, spec) = PyModule_FromDefAndSpec:
//     the Py_mod_create slot (or a plain module named by spec.name), the
//     functions and doc; ModuleExecDef(module, def) = PyModule_ExecDef:
//     allocates the state and runs the Py_mod_exec slots in order, each
//     failure a SystemError chained to the slot's own exception when it
//     raised none ("execution of module m failed without setting an
//     exception"). Py_mod_gil's value is kept in md_gil for ext_abi/
//     (ModuleGil); Py_mod_multiple_interpreters is accepted; an unknown
//     slot is "module m uses unknown slot ID 99".
//   - ATTRIBUTES: generic lookup; a miss calls the module's __getattr__ if
//     its dict has one, else AttributeError "module 'm' has no attribute
//     'x'".
// Modules use deferred reference counting (refcount.h), as do the
// functions AddFunctions makes: many threads calling a module's functions
// never write a shared count.
#ifndef FTRT_OBJECT_MODULE_H_
#define FTRT_OBJECT_MODULE_H_

#include "absl/strings/string_view.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {

// CPython 3.13t's PyModuleObject.
typedef struct {
  PyObject_HEAD
  PyObject* md_dict;
  PyModuleDef* md_def;
  void* md_state;
  PyObject* md_weaklist;
  PyObject* md_name;  // for logging
  void* md_gil;       // Py_mod_gil's value (Py_MOD_GIL_USED when absent)
} PyModuleObject;

extern PyTypeObject PyModule_Type;
extern PyTypeObject PyModuleDef_Type;

}  // extern "C"

namespace ftrt {

inline bool IsModule(const PyObject* op);

// PyModule_NewObject / PyModule_New: an empty module whose dict holds
// __name__, __doc__ (None), __package__, __loader__ and __spec__ (None).
Ref<> ModuleNewObject(PyObject* name);
Ref<> ModuleNew(absl::string_view name);

// PyModuleDef_Init: makes `def` an object (of type moduledef) and returns
// it, borrowed (definitions are static and immortal).
PyObject* ModuleDefInit(PyModuleDef* def);

// PyModule_Create2 (single-phase; `def` must have no m_slots).
Ref<> ModuleCreate(PyModuleDef* def);
// PyModule_FromDefAndSpec2: `spec` is an object with a `name` attribute
// (a ModuleSpec) or a str, the name itself.
Ref<> ModuleFromDefAndSpec(PyModuleDef* def, PyObject* spec);
// PyModule_ExecDef. 0 or -1.
int ModuleExecDef(PyObject* module, PyModuleDef* def);

// PyModule_GetDict (borrowed), PyModule_GetDef, PyModule_GetState,
// PyModule_GetNameObject (new reference), PyModule_GetName (UTF-8, valid
// while the module lives). Null with SystemError / TypeError for a
// non-module, as in CPython.
PyObject* ModuleGetDict(PyObject* module);
PyModuleDef* ModuleGetDef(PyObject* module);
void* ModuleGetState(PyObject* module);
Ref<> ModuleGetNameObject(PyObject* module);
const char* ModuleGetName(PyObject* module);
// Py_mod_gil's value (Py_MOD_GIL_USED if the def had no such slot).
void* ModuleGil(PyObject* module);
// PyUnstable_Module_SetGIL.
int ModuleSetGil(PyObject* module, void* gil);

// PyModule_AddObjectRef (value borrowed), PyModule_Add (steals; null
// value: the pending error is returned), PyModule_AddIntConstant,
// PyModule_AddStringConstant, PyModule_AddType (readies the type; the
// name is its short name), PyModule_AddFunctions (builtin functions bound
// to the module), PyModule_SetDocString. 0 or -1.
int ModuleAddObjectRef(PyObject* module, const char* name, PyObject* value);
int ModuleAdd(PyObject* module, const char* name, Ref<> value);
int ModuleAddIntConstant(PyObject* module, const char* name, long value);
int ModuleAddStringConstant(PyObject* module, const char* name, const char* value);
int ModuleAddType(PyObject* module, PyTypeObject* type);
int ModuleAddFunctions(PyObject* module, PyMethodDef* functions);
int ModuleSetDocString(PyObject* module, const char* doc);

inline bool IsModule(const PyObject* op) {
  return op->ob_type == &PyModule_Type || op->ob_type->tp_base == &PyModule_Type;
}

}  // namespace ftrt

#endif  // FTRT_OBJECT_MODULE_H_
