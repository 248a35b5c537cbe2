// The extension loader (see loader.h): ABI check, dlopen, PyInit_<name>,
// single- and multi-phase initialization, Py_mod_gil.
#include "ext_abi/loader.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ext_abi/abi_tag.h"
#include "ext_abi/capi_internal.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/dict.h"
#include "object/module.h"
#include "object/str.h"
#include "runtime/runtime.h"
#include "sync/mutex.h"

extern "C" PyObject* ftrt_PyInit_datetime(void);  // datetime_module.c

namespace ftrt::ext {
namespace {

using InitFn = PyObject* (*)();

std::mutex g_mu;
// Loaded modules by name: a dict (str -> module), which is also what
// PyImport_GetModuleDict gives extensions as sys.modules, so a module an
// extension puts there (a submodule, an alias) is found by imports, as in
// CPython. Made on first use by an attached thread; ClearModules empties
// and drops it (Py_FinalizeEx: the dict is the runtime's object). The
// pointer is guarded by g_mu; callers take their own reference under it
// and use the dict, which is thread-safe, after it.
// (g_mu is a std::mutex, which carries no capability annotation: like
// the maps below, the slot is reached through a function and guarded by
// convention.)
PyObject*& ModulesDictSlot() {
  static PyObject* dict = nullptr;
  return dict;
}

// The registry dict (a new reference). Null when it does not exist and
// `create` is false (no exception), or when making it fails (exception
// set).
Ref<> ModulesDict(bool create) {
  {
    std::lock_guard<std::mutex> g(g_mu);
    PyObject* dict = ModulesDictSlot();
    if (dict != nullptr || !create) return Ref<>::NewRef(dict);
  }
  absl::StatusOr<Ref<>> fresh = DictNew();  // made unlocked
  if (!fresh.ok()) {
    SetErrorFromStatus(fresh.status());
    return nullptr;
  }
  std::lock_guard<std::mutex> g(g_mu);
  PyObject*& slot = ModulesDictSlot();
  if (slot == nullptr) slot = fresh->Clone().Release();
  return Ref<>::NewRef(slot);  // ours, or another thread's (ours dropped)
}

// The registry's key for `name` (a str), or null with an exception set.
Ref<> ModuleKey(const std::string& name) {
  absl::StatusOr<Ref<>> key = StrFromUtf8(name);
  if (!key.ok()) {
    SetErrorFromStatus(key.status());
    return nullptr;
  }
  return std::move(*key);
}

// modules[key] (a new reference), or null with no exception set when
// absent (str keys: the lookup itself cannot fail).
Ref<> LookUpModule(PyObject* dict, PyObject* key) {
  absl::StatusOr<Ref<>> m = DictGetItemRefOrNull(dict, key);
  return m.ok() ? std::move(*m) : nullptr;
}

// modules.setdefault(key, module): the module registered under `key`
// after the call (a new reference), or null with an exception set.
Ref<> RegisterModule(PyObject* dict, PyObject* key, PyObject* module) {
  absl::StatusOr<Ref<>> winner = DictSetDefault(dict, key, module);
  if (!winner.ok()) {
    SetErrorFromStatus(winner.status());
    return nullptr;
  }
  return std::move(*winner);
}
// Single-phase modules by their definition (PyState_FindModule); guarded
// by g_mu, emptied by ClearModules like the registry dict.
std::map<PyModuleDef*, Ref<>>& ModulesByDef() {
  static auto* m = new std::map<PyModuleDef*, Ref<>>();
  return *m;
}
std::set<std::string>& Warned() {
  static auto* s = new std::set<std::string>();
  return *s;
}

// Raises ImportError(message) with the pending exception (if any) as its
// __cause__.
std::nullptr_t ImportErrorFrom(const std::string& message) {
  Ref<> cause = GetRaisedException();
  Ref<> exc = NewExceptionWithMessage(PyExc_ImportError, message);
  if (!exc) return nullptr;  // the error from making it is set
  if (cause) SetRaisedExceptionFrom(std::move(exc), cause.get());
  else SetRaisedException(std::move(exc));
  return nullptr;
}

std::nullptr_t ImportErrorWithCause(const std::string& message, PyObject* cause_type,
                                    const std::string& cause_message) {
  ClearError();
  SetErrorString(cause_type, cause_message);
  return ImportErrorFrom(message);
}

// Py_mod_gil: turns the GIL on for a module that did not declare it can
// run without one, and warns once.
int ApplyGilPolicy(const std::string& name, PyObject* module) {
  if (ModuleGil(module) == Py_MOD_GIL_NOT_USED) return 0;
  const char* env = std::getenv("PYTHON_GIL");
  if (env != nullptr && std::strcmp(env, "0") == 0) return 0;
  Runtime* rt = internal::CurrentRuntime();
  if (rt == nullptr || rt->gil_enabled()) return 0;
  rt->StopTheWorld();
  rt->SetGilEnabled(true);
  rt->StartTheWorld();
  bool first;
  {
    std::lock_guard<std::mutex> g(g_mu);
    first = Warned().insert(name).second;
  }
  if (!first) return 0;
  const std::string msg = absl::StrCat(
      "The global interpreter lock (GIL) has been enabled to load module '", name,
      "', which has not declared that it can run safely without the GIL. To override this "
      "behavior and keep the GIL disabled (at your own risk), run with PYTHON_GIL=0.");
  return WarnEx(PyExc_RuntimeWarning, msg, 1);
}

// Runs a module's init function (PyInit_<name>, or a built-in's) and
// single- or multi-phase initialization, then the GIL policy: the module,
// or null with ImportError set (its cause chained).
Ref<> RunInit(const std::string& name, InitFn init) {
  ClearError();
  PyObject* result = init();
  if (result == nullptr) {
    if (!HasError()) {
      return ImportErrorWithCause(
          absl::StrCat("initialization of ", name, " failed"), PyExc_SystemError,
          absl::StrCat("initialization of ", name, " failed without raising an exception"));
    }
    return ImportErrorFrom(absl::StrCat("initialization of ", name, " failed"));
  }
  if (HasError()) {
    Ref<> stray = Ref<>::Steal(result);
    Ref<> cause = GetRaisedException();
    SetErrorString(PyExc_SystemError,
                   absl::StrCat("initialization of ", name,
                                " returned a result with an exception set"));
    return ImportErrorFrom(absl::StrCat("initialization of ", name, " failed"));
  }
  Ref<> module;
  if (result->ob_type == &PyModuleDef_Type) {
    auto* def = reinterpret_cast<PyModuleDef*>(result);
    auto spec = StrFromUtf8(name);
    if (!spec.ok()) {
      internal::RaiseStatus(spec.status());
      return ImportErrorFrom(absl::StrCat("initialization of ", name, " failed"));
    }
    module = ModuleFromDefAndSpec(def, spec->get());
    if (!module) return ImportErrorFrom(absl::StrCat("initialization of ", name, " failed"));
    if (ModuleExecDef(module.get(), def) < 0) {
      if (!HasError()) {
        SetErrorString(PyExc_SystemError,
                       absl::StrCat("execution of module ", name,
                                    " failed without setting an exception"));
      }
      return ImportErrorFrom(absl::StrCat("initialization of ", name, " failed"));
    }
  } else {
    module = Ref<>::Steal(result);
    // A single-phase module is what PyState_FindModule(def) finds from now
    // on (CPython records it the same way after PyInit returns).
    PyModuleDef* def = ModuleGetDef(module.get());
    if (def != nullptr && def->m_slots == nullptr) {
      std::lock_guard<std::mutex> g(g_mu);
      ModulesByDef()[def] = module.Clone();
    }
  }
  if (ApplyGilPolicy(name, module.get()) < 0) return nullptr;
  return module;
}


// False, with ImportError set, once the runtime is finalizing (or before
// it is initialized): no import may start then.
bool CanImport(const std::string& name) {
  Runtime* rt = internal::CurrentRuntime();
  if (rt != nullptr && !rt->finalizing()) return true;
  ClearError();
  SetErrorString(PyExc_ImportError,
                 absl::StrCat("import of '", name,
                              "' halted: the runtime is finalizing (or not initialized)"));
  return false;
}

Ref<> Load(const std::string& name, const std::string& path) {
  const std::string what = absl::StrCat("cannot import extension module '", name, "' from ",
                                        path);
  if (!CanImport(name)) return nullptr;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return ImportErrorWithCause(absl::StrCat(what, ": the file does not exist"),
                                PyExc_FileNotFoundError,
                                absl::StrCat("No such file or directory: '", path, "'"));
  }
  absl::Status abi = CheckExtensionAbi(path);
  if (!abi.ok()) {
    return ImportErrorWithCause(
        absl::StrCat(what, ": ", abi.message()), PyExc_ImportError,
        "the shared object was not built against ftrt's Python.h (ext_abi/include); "
        "rebuild the extension from source against it");
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = dlerror();
    return ImportErrorWithCause(absl::StrCat(what, ": dlopen failed"), PyExc_OSError,
                                err == nullptr ? "dlopen failed" : err);
  }
  const std::string init_name = "PyInit_" + name;
  auto init = reinterpret_cast<InitFn>(dlsym(handle, init_name.c_str()));
  if (init == nullptr) {
    return ImportErrorWithCause(
        absl::StrCat("dynamic module '", name, "' does not define module export function (",
                     init_name, ")"),
        PyExc_AttributeError, absl::StrCat("no symbol ", init_name, " in ", path));
  }
  return RunInit(name, init);
}

// BUILT-IN MODULES (CPython's inittab): modules compiled into the
// runtime, imported by name on first use. The table starts with ftrt's own
// (datetime) and grows by PyImport_AppendInittab before Py_Initialize;
// guarded by g_mu, and kept across runtimes (like CPython's, it is the
// process's). A later entry of the same name shadows an earlier one.
std::vector<std::pair<std::string, InitFn>>& Inittab() {
  static auto* table = new std::vector<std::pair<std::string, InitFn>>{
      {"datetime", &ftrt_PyInit_datetime},
  };
  return *table;
}

InitFn FindBuiltin(const std::string& name) {
  std::lock_guard<std::mutex> g(g_mu);
  const auto& table = Inittab();
  for (auto it = table.rbegin(); it != table.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return nullptr;
}

// Serialises the inits of built-in modules, so that a module imported by
// many threads at once is initialised once: the first runs its init while
// the others wait (ftrt::Mutex detaches while it sleeps, so a stop-the-world
// or a collection in the init does not wait for them) and then find the
// registered module. An init may import another built-in (an appended
// module's PyInit calling PyDateTime_IMPORT): tls_builtin_depth lets the
// same thread in again. Held across the init, which may run any code, so
// it is taken before g_mu and never while holding it.
Mutex g_builtin_mu;
thread_local int tls_builtin_depth = 0;

// The built-in `name` (init `init`), made and registered now unless
// another thread did first. Null with ImportError set on failure.
// (No thread-safety analysis: the lock is taken only by the outermost
// call on a thread, which the analysis cannot follow.)
Ref<> ImportBuiltin(const std::string& name, InitFn init) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  if (!CanImport(name)) return nullptr;
  const bool outer = tls_builtin_depth == 0;
  if (outer) g_builtin_mu.Lock();
  ++tls_builtin_depth;
  Ref<> module;
  Ref<> dict = ModulesDict(/*create=*/true);
  Ref<> key = dict ? ModuleKey(name) : nullptr;
  if (key) {
    module = LookUpModule(dict.get(), key.get());
    if (!module) {
      Ref<> fresh = RunInit(name, init);
      if (fresh) module = RegisterModule(dict.get(), key.get(), fresh.get());
    }
  }
  --tls_builtin_depth;
  if (outer) g_builtin_mu.Unlock();
  return module;
}

}  // namespace

Ref<> FindOrImportBuiltin(const std::string& name) {
  if (Ref<> m = FindLoadedModule(name)) return m;
  InitFn init = FindBuiltin(name);
  if (init == nullptr) return nullptr;
  return ImportBuiltin(name, init);
}

bool AppendBuiltin(const std::string& name, PyObject* (*init)()) {
  if (internal::CurrentRuntime() != nullptr) return false;
  std::lock_guard<std::mutex> g(g_mu);
  Inittab().emplace_back(name, init);
  return true;
}

Ref<> Import(const std::string& name, const std::string& path) {
  Ref<> dict = ModulesDict(/*create=*/true);
  Ref<> key = dict ? ModuleKey(name) : nullptr;
  if (!key) return nullptr;
  if (Ref<> m = LookUpModule(dict.get(), key.get())) return m;
  Ref<> m = Load(name, path);
  if (!m) return nullptr;
  return RegisterModule(dict.get(), key.get(), m.get());  // another thread's, if it won
}

Ref<> FindLoadedModule(const std::string& name) {
  Ref<> dict = ModulesDict(/*create=*/false);
  if (!dict) return nullptr;
  absl::StatusOr<Ref<>> key = StrFromUtf8(name);
  if (!key.ok()) return nullptr;  // no memory for the key: not found, as promised
  return LookUpModule(dict.get(), key->get());
}

Ref<> AddModule(const std::string& name) {
  Ref<> dict = ModulesDict(/*create=*/true);
  Ref<> key = dict ? ModuleKey(name) : nullptr;
  if (!key) return nullptr;
  if (Ref<> m = LookUpModule(dict.get(), key.get())) return m;
  Ref<> fresh = ModuleNew(name);  // dropped if another thread registered one first
  if (!fresh) return nullptr;
  return RegisterModule(dict.get(), key.get(), fresh.get());
}

// Borrowed: the registry holds the dict until ClearModules.
PyObject* ModulesDictBorrowed() { return ModulesDict(/*create=*/true).get(); }

PyObject* FindModuleByDef(PyModuleDef* def) {
  if (def == nullptr || def->m_slots != nullptr) return nullptr;
  std::lock_guard<std::mutex> g(g_mu);
  auto it = ModulesByDef().find(def);
  return it == ModulesByDef().end() ? nullptr : it->second.get();
}

int AddModuleByDef(PyObject* module, PyModuleDef* def) {
  if (module == nullptr || def == nullptr) {
    SetErrorString(PyExc_SystemError, module == nullptr ? "PyState_AddModule: module is NULL"
                                                        : "PyState_AddModule: module definition is NULL");
    return -1;
  }
  if (def->m_slots != nullptr) {
    SetErrorString(PyExc_SystemError, "PyState_AddModule called on module with slots");
    return -1;
  }
  Ref<> held = Ref<>::NewRef(module);
  {
    std::lock_guard<std::mutex> g(g_mu);
    std::swap(ModulesByDef()[def], held);
  }
  return 0;  // `held` (a module added before, if any) is dropped unlocked
}

int RemoveModuleByDef(PyModuleDef* def) {
  if (def == nullptr) {
    SetErrorString(PyExc_SystemError, "PyState_RemoveModule: module definition is NULL");
    return -1;
  }
  if (def->m_slots != nullptr) {
    SetErrorString(PyExc_SystemError, "PyState_RemoveModule called on module with slots");
    return -1;
  }
  Ref<> held;
  {
    std::lock_guard<std::mutex> g(g_mu);
    auto it = ModulesByDef().find(def);
    if (it != ModulesByDef().end()) {
      held = std::move(it->second);
      ModulesByDef().erase(it);
    }
  }
  if (!held) {
    SetErrorString(PyExc_SystemError, "PyState_RemoveModule: no module was added for this definition");
    return -1;
  }
  return 0;
}

void ClearModules() {
  Ref<> dict;
  std::map<PyModuleDef*, Ref<>> old_by_def;
  {
    std::lock_guard<std::mutex> g(g_mu);
    dict = Ref<>::Steal(std::exchange(ModulesDictSlot(), nullptr));
    old_by_def.swap(ModulesByDef());
    Warned().clear();
  }
  if (!dict) return;
  absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> items = DictItems(dict.get());
  if (!items.ok()) return;  // no memory for the snapshot: the modules go without m_clear
  (void)DictClear(dict.get());
  dict.Reset();
  for (auto& [name, module] : *items) {
    if (!IsModule(module.get())) continue;  // an extension's own entry
    PyModuleDef* def = ModuleGetDef(module.get());
    if (def != nullptr && def->m_clear != nullptr) (void)def->m_clear(module.get());
  }
}

}  // namespace ftrt::ext

extern "C" PyObject* ftrt_ImportExtension(const char* name, const char* path) {
  if (name == nullptr || path == nullptr) {
    ftrt::SetErrorString(PyExc_ImportError, "ftrt_ImportExtension: NULL name or path");
    return nullptr;
  }
  return ftrt::ext::Import(name, path).Release();
}
