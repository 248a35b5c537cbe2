// Loading C extension modules (CPython's importdl.c / PEP 489, for ftrt).
//
// Import(name, path) checks the shared object's ABI tag (abi_tag.h) before
// dlopen, so a module built against another Python.h is refused with an
// ImportError saying why and how to rebuild; then dlopens it, calls
// PyInit_<name> and runs single- or multi-phase initialization. A module
// that does not declare Py_mod_gil = Py_MOD_GIL_NOT_USED turns the GIL on
// (during a stop) and warns once with a RuntimeWarning naming it, unless
// the environment has PYTHON_GIL=0 (PYTHON_GIL=1 turns the GIL on at
// Py_Initialize). Every failure is an ImportError with the cause chained
// (__cause__): a missing file (FileNotFoundError), no PyInit_ function,
// init returning NULL without an exception (SystemError) or raising. Once
// finalization has begun, imports fail with ImportError. Loaded modules are
// kept by name until Py_FinalizeEx (a second Import returns the same one).
// Built-in modules (FindOrImportBuiltin) are made on first import and kept
// the same way; the next runtime imports them afresh.
#ifndef FTRT_EXT_ABI_LOADER_H_
#define FTRT_EXT_ABI_LOADER_H_

#include <string>

#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {
class Runtime;
}  // namespace ftrt

namespace ftrt::ext {

// The module, or null with ImportError set. The caller must be attached.
Ref<> Import(const std::string& name, const std::string& path);

// The module loaded as `name` (a new reference), or null with no
// exception set when none is (PyCapsule_Import's module registry).
Ref<> FindLoadedModule(const std::string& name);

// The module loaded as `name`; or, when there is none and `name` is a
// built-in module (the inittab: datetime, and what PyImport_AppendInittab
// added), that module imported now and registered, exactly once however
// many threads ask at the same time (a new reference). Null with no
// exception set when `name` is neither; null with ImportError set when the
// built-in's init fails or the runtime is finalizing.
Ref<> FindOrImportBuiltin(const std::string& name);

// PyImport_AppendInittab: adds a built-in module (init as PyInit_<name>
// is: a module, or a PyModuleDef from PyModuleDef_Init). False, and no
// change, once a runtime is initialized (CPython allows it only before
// Py_Initialize). The table is process-wide and kept across runtimes.
bool AppendBuiltin(const std::string& name, PyObject* (*init)());

// PyImport_AddModuleRef: the module registered as `name`, or a new empty
// module registered under it (a new reference; null with an exception if
// it cannot be made). Registered modules stay until Py_FinalizeEx.
Ref<> AddModule(const std::string& name);

// PyImport_GetModuleDict: the registry itself, a dict from name to module
// (CPython's sys.modules), made if need be; borrowed, valid until
// ClearModules. Null with an exception set if it cannot be made. Modules
// put in it are what Import, FindLoadedModule and AddModule find.
PyObject* ModulesDictBorrowed();

// Drops every loaded module (Py_FinalizeEx), and every module registered
// by definition.
void ClearModules();

// PyState_FindModule / AddModule / RemoveModule: single-phase modules by
// their PyModuleDef. The loader registers each single-phase module it
// loads; Find returns a borrowed reference (valid while registered) or
// null without an exception (also for a multi-phase definition); Add and
// Remove return 0, or -1 with SystemError (NULL arguments, a definition
// with slots, nothing to remove).
PyObject* FindModuleByDef(PyModuleDef* def);
int AddModuleByDef(PyObject* module, PyModuleDef* def);
int RemoveModuleByDef(PyModuleDef* def);

// For a host that creates and finalizes its own Runtime instead of calling
// Py_Initialize (the stress runner): makes `runtime` the one the C API
// works on, installing the object protocol on it (idempotent) and, unless
// one is already there, the collector. Fails (false) when Py_Initialize or
// another embedding already set a runtime. The caller must be attached.
bool EmbedRuntime(Runtime& runtime);
// Ends an embedding: drops the loaded modules (their state's cycles become
// garbage for the host's final collection) and detaches the C API from the
// runtime, which the host then finalizes itself. The caller must be
// attached to it.
void EndEmbedding();

}  // namespace ftrt::ext

extern "C" {
// The C entry: a new reference, or NULL with ImportError set.
PyObject* ftrt_ImportExtension(const char* name, const char* path);
}

#endif  // FTRT_EXT_ABI_LOADER_H_
