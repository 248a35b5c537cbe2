/* Importing modules by name (CPython's import.h), over ftrt's registry of
 * loaded extension modules and its table of built-in modules.
 *
 * ftrt runs no Python code and has no sys.path: the modules there are are
 * the C extensions the host loaded (ftrt_ImportExtension, or the loader
 * behind it) and the built-in modules (ftrt's own `datetime`, and what
 * PyImport_AppendInittab added), each built-in made on its first import
 * (once, however many threads import it at the same time); all are kept by
 * name until Py_FinalizeEx, and a later runtime imports the built-ins
 * again. Any other name, "sys" or "numpy" included, is ModuleNotFoundError
 * ("No module named 'x'"). A
 * dotted name "a.b" is loaded module a's attribute b if that is a module
 * (a submodule a's init attached), else ModuleNotFoundError. Thread-safe: the
 * registry has its own lock.
 */
#ifndef Py_IMPORT_H
#define Py_IMPORT_H

#ifdef __cplusplus
extern "C" {
#endif

/* The module (a new reference), or NULL with an exception. */
PyAPI_FUNC(PyObject*) PyImport_ImportModule(const char* name);
/* The same with the name as a str. */
PyAPI_FUNC(PyObject*) PyImport_Import(PyObject* name);
/* __import__(name, globals, locals, fromlist, level): for level 0, the
 * module by its absolute name (globals, locals and fromlist are not
 * needed to find it: the top-level package is not returned for a dotted
 * name with an empty fromlist, the module itself is, which is what C
 * callers use); a relative import (level > 0) is ImportError. */
PyAPI_FUNC(PyObject*) PyImport_ImportModuleLevel(const char* name, PyObject* globals,
                                                 PyObject* locals, PyObject* fromlist,
                                                 int level);
PyAPI_FUNC(PyObject*) PyImport_ImportModuleLevelObject(PyObject* name, PyObject* globals,
                                                       PyObject* locals, PyObject* fromlist,
                                                       int level);
#define PyImport_ImportModuleEx(n, g, l, f) PyImport_ImportModuleLevel((n), (g), (l), (f), 0)
/* PyImport_ImportModule (CPython's old name). */
Py_DEPRECATED(3.13) PyAPI_FUNC(PyObject*) PyImport_ImportModuleNoBlock(const char* name);
/* The module if it is loaded (a new reference), else NULL with no
 * exception set; NULL with an exception only on bad input. */
PyAPI_FUNC(PyObject*) PyImport_GetModule(PyObject* name);
/* The module registered as name, or a new empty module registered under
 * it (importing by that name then finds it): AddModuleRef returns a new
 * reference, AddModule / AddModuleObject a borrowed one, valid until
 * Py_FinalizeEx. */
PyAPI_FUNC(PyObject*) PyImport_AddModuleRef(const char* name);
PyAPI_FUNC(PyObject*) PyImport_AddModule(const char* name);
PyAPI_FUNC(PyObject*) PyImport_AddModuleObject(PyObject* name);
/* sys.modules: the dict of loaded modules by name (borrowed, valid until
 * Py_FinalizeEx). A module an extension puts in it (a submodule under its
 * dotted name, say) is what PyImport_ImportModule and PyCapsule_Import
 * find under that name. NULL with MemoryError if it cannot be made. */
PyAPI_FUNC(PyObject*) PyImport_GetModuleDict(void);
/* Adds a built-in module: initfunc is called on its first import, as a
 * PyInit_<name> function is (it returns the module, or PyModuleDef_Init's
 * result for multi-phase initialization). 0, or -1 if name or initfunc is
 * NULL or the runtime is already initialized: call it before
 * Py_Initialize (CPython 3.13 aborts with a fatal error after it). The
 * table is the process's and is kept across Py_FinalizeEx. */
PyAPI_FUNC(int) PyImport_AppendInittab(const char* name, PyObject* (*initfunc)(void));

#ifdef __cplusplus
}
#endif

#endif /* !Py_IMPORT_H */
