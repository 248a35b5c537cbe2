// libftrt.so: importing by name (import.h) over the loader's registry of
// loaded extension modules and its table of built-in modules (imported on
// first use), the dotted-name walk PyCapsule_Import shares with it, and
// PyImport_AppendInittab.
#include <string>

#include "ext_abi/capi_internal.h"
#include "ext_abi/loader.h"
#include "object/attributes.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/module.h"
#include "object/str.h"

extern "C" PyObject* PyErr_SetImportErrorSubclass(PyObject* exception, PyObject* msg,
                                                  PyObject* name, PyObject* path);

namespace ftrt::ext::internal {

Ref<> ResolveDottedName(const std::string& full) {
  const size_t dot = full.find('.');
  const std::string module_name = full.substr(0, dot);
  Ref<> object = FindOrImportBuiltin(module_name);
  if (!object) {
    if (HasError()) return nullptr;  // a built-in's init failed
    SetErrorFormat(PyExc_ModuleNotFoundError, "No module named '%s'", module_name.c_str());
    return nullptr;
  }
  for (size_t start = dot; start != std::string::npos;) {
    const size_t next = full.find('.', start + 1);
    const std::string attr =
        full.substr(start + 1, next == std::string::npos ? std::string::npos : next - start - 1);
    object = GetAttrString(object.get(), attr.c_str());
    if (!object) return nullptr;
    start = next;
  }
  return object;
}

}  // namespace ftrt::ext::internal

namespace {

// ModuleNotFoundError for `name`, naming its first dotted prefix that is
// not a loaded module, as CPython's import does ("No module named 'zope'"
// for zope.interface when zope is missing), with that prefix as the
// exception's `name` (code that tells a missing optional dependency by
// e.name reads it).
void RaiseModuleNotFound(const std::string& name) {
  std::string missing = name;
  for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
    const std::string prefix = name.substr(0, dot);
    if (ftrt::ext::FindLoadedModule(prefix)) continue;
    ftrt::Ref<> m = ftrt::ext::internal::ResolveDottedName(prefix);
    if (m && ftrt::IsModule(m.get())) continue;
    ftrt::ClearError();
    missing = prefix;
    break;
  }
  const std::string text = "No module named '" + missing + "'";
  ftrt::Ref<> msg = ftrt::RefOrRaise(ftrt::StrFromUtf8(text));
  ftrt::Ref<> mod_name = ftrt::RefOrRaise(ftrt::StrFromUtf8(missing));
  if (!msg || !mod_name) return;
  PyErr_SetImportErrorSubclass(PyExc_ModuleNotFoundError, msg.get(), mod_name.get(), nullptr);
}

// The loaded module `name` names: registered under the whole name, or a
// submodule attribute of a loaded package. Null, with no exception set if
// `raise` is false, when there is none.
PyObject* ImportByName(const std::string& name, bool raise) {
  if (ftrt::Ref<> m = ftrt::ext::FindOrImportBuiltin(name)) return m.Release();
  if (ftrt::HasError()) return nullptr;  // a built-in's init failed
  ftrt::Ref<> m = ftrt::ext::internal::ResolveDottedName(name);
  if (m && ftrt::IsModule(m.get())) return m.Release();
  // A missing package, a missing submodule and an attribute that is not
  // a module are the same error.
  if (!m && !ftrt::ExceptionMatches(PyExc_ModuleNotFoundError) &&
      !ftrt::ExceptionMatches(PyExc_AttributeError)) {
    return nullptr;  // something else went wrong: pass it on
  }
  ftrt::ClearError();
  if (raise) RaiseModuleNotFound(name);
  return nullptr;
}

// The same with the name as a str object.
PyObject* ImportByNameObject(PyObject* name, bool raise, const char* func) {
  if (name == nullptr) {
    ftrt::ext::internal::BadCall(func);
    return nullptr;
  }
  auto utf8 = ftrt::StrAsUtf8(name);
  if (!utf8.ok()) {
    ftrt::SetErrorFromStatus(utf8.status());
    return nullptr;
  }
  return ImportByName(std::string(*utf8), raise);
}

}  // namespace

extern "C" {

PyObject* PyImport_ImportModule(const char* name) {
  if (name == nullptr) {
    ftrt::ext::internal::BadCall("PyImport_ImportModule");
    return nullptr;
  }
  return ImportByName(name, /*raise=*/true);
}

PyObject* PyImport_Import(PyObject* name) {
  return ImportByNameObject(name, /*raise=*/true, "PyImport_Import");
}

PyObject* PyImport_ImportModuleLevelObject(PyObject* name, PyObject* globals, PyObject* locals,
                                           PyObject* fromlist, int level) {
  (void)globals, (void)locals, (void)fromlist;
  if (level < 0) {
    ftrt::SetErrorString(PyExc_ValueError, "level must be >= 0");
    return nullptr;
  }
  if (level > 0) {
    // A relative import needs the importing module's package (from
    // globals' __package__), which C hosts of ftrt never have.
    ftrt::SetErrorString(PyExc_ImportError,
                         "attempted relative import with no known parent package");
    return nullptr;
  }
  return ImportByNameObject(name, /*raise=*/true, "PyImport_ImportModuleLevelObject");
}

PyObject* PyImport_ImportModuleLevel(const char* name, PyObject* globals, PyObject* locals,
                                     PyObject* fromlist, int level) {
  if (name == nullptr) {
    ftrt::ext::internal::BadCall("PyImport_ImportModuleLevel");
    return nullptr;
  }
  PyObject* n = ftrt::ext::internal::NewOrRaise(ftrt::StrFromUtf8(name));
  if (n == nullptr) return nullptr;
  PyObject* m = PyImport_ImportModuleLevelObject(n, globals, locals, fromlist, level);
  ftrt::Decref(n);
  return m;
}

PyObject* PyImport_ImportModuleNoBlock(const char* name) { return PyImport_ImportModule(name); }

// The module registered as `name`, or a new empty one registered under
// it: PyImport_AddModuleRef gives a new reference; AddModule and
// AddModuleObject a borrowed one, valid until Py_FinalizeEx (the registry
// keeps every module until then).
PyObject* PyImport_AddModuleRef(const char* name) {
  if (name == nullptr) {
    ftrt::ext::internal::BadCall("PyImport_AddModuleRef");
    return nullptr;
  }
  return ftrt::ext::AddModule(name).Release();
}
PyObject* PyImport_AddModule(const char* name) {
  PyObject* m = PyImport_AddModuleRef(name);
  if (m != nullptr) ftrt::Decref(m);  // the registry holds it
  return m;
}
PyObject* PyImport_AddModuleObject(PyObject* name) {
  if (name == nullptr) {
    ftrt::ext::internal::BadCall("PyImport_AddModuleObject");
    return nullptr;
  }
  auto utf8 = ftrt::StrAsUtf8(name);
  if (!utf8.ok()) {
    ftrt::SetErrorFromStatus(utf8.status());
    return nullptr;
  }
  PyObject* m = ftrt::ext::AddModule(std::string(*utf8)).Release();
  if (m != nullptr) ftrt::Decref(m);  // the registry holds it
  return m;
}

// Before Py_Initialize only (CPython 3.13 calls Py_FatalError after it;
// here the call fails with -1 and changes nothing).
int PyImport_AppendInittab(const char* name, PyObject* (*initfunc)(void)) {
  if (name == nullptr || initfunc == nullptr) return -1;
  return ftrt::ext::AppendBuiltin(name, initfunc) ? 0 : -1;
}

// sys.modules: the loader's registry (loader.h), borrowed.
PyObject* PyImport_GetModuleDict(void) { return ftrt::ext::ModulesDictBorrowed(); }

PyObject* PyImport_GetModule(PyObject* name) {
  return ImportByNameObject(name, /*raise=*/false, "PyImport_GetModule");
}

}  // extern "C"
