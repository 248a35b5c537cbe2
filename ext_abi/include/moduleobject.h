/* Module objects and definitions (CPython's moduleobject.h). PyModuleDef,
 * PyModuleDef_Base, PyModuleDef_HEAD_INIT, PyModuleDef_Slot and the
 * Py_mod_* slot ids / Py_MOD_GIL_* values are object/cpython_types.h's.
 *
 * Py_mod_gil. A module tells the runtime whether it is safe to run without
 * the GIL with the slot {Py_mod_gil, Py_MOD_GIL_NOT_USED} (multi-phase
 * initialization) or by calling PyUnstable_Module_SetGIL(module,
 * Py_MOD_GIL_NOT_USED) from its PyInit_ function (single-phase). A module
 * that says nothing, or says Py_MOD_GIL_USED, is assumed to need the GIL:
 * on import the runtime turns its global lock on for the rest of the
 * process (during a stop-the-world) and issues a RuntimeWarning naming the
 * module, unless the environment variable PYTHON_GIL=0 forces it off
 * (PYTHON_GIL=1 turns it on from start-up). CPython 3.13t's behaviour.
 *
 * Module state (m_size > 0) is allocated zeroed with the module and freed
 * after m_free; m_traverse / m_clear make references held in it visible to
 * the cycle collector (so cycles through module state are collected). The
 * state is shared by every thread that uses the module: guard its mutable
 * parts like any shared data. */
#ifndef Py_MODULEOBJECT_H
#define Py_MODULEOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PyModule_Type;
PyAPI_DATA(PyTypeObject) PyModuleDef_Type;

#define PyModule_Check(op) PyObject_TypeCheck((op), &PyModule_Type)
#define PyModule_CheckExact(op) Py_IS_TYPE((op), &PyModule_Type)

PyAPI_FUNC(PyObject*) PyModule_NewObject(PyObject* name);
PyAPI_FUNC(PyObject*) PyModule_New(const char* name);
/* BORROWED: the module's namespace (lives as long as the module). */
PyAPI_FUNC(PyObject*) PyModule_GetDict(PyObject* module);
PyAPI_FUNC(PyObject*) PyModule_GetNameObject(PyObject* module);
PyAPI_FUNC(const char*) PyModule_GetName(PyObject* module);
PyAPI_FUNC(PyObject*) PyModule_GetFilenameObject(PyObject* module);
PyAPI_FUNC(PyModuleDef*) PyModule_GetDef(PyObject* module);
/* The module's state (m_size bytes), NULL if it has none. */
PyAPI_FUNC(void*) PyModule_GetState(PyObject* module);

/* Multi-phase initialization: PyInit_<name> returns
 * PyModuleDef_Init(&def); the loader then creates the module and runs its
 * Py_mod_exec slots. */
PyAPI_FUNC(PyObject*) PyModuleDef_Init(PyModuleDef* def);

/* Declares whether module needs the GIL (Py_MOD_GIL_USED or
 * Py_MOD_GIL_NOT_USED); for single-phase modules, from PyInit_<name>.
 * 0, or -1 with an exception. */
PyAPI_FUNC(int) PyUnstable_Module_SetGIL(PyObject* module, void* gil);

#ifdef __cplusplus
}
#endif

#endif /* !Py_MODULEOBJECT_H */
