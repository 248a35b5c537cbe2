/* Argument parsing, value building and module helpers (CPython's
 * modsupport.h).
 *
 * PyArg_ParseTuple / PyArg_ParseTupleAndKeywords formats supported: i, l,
 * n, L, d, p, s, s#, y#, O, O!, and the markers | (optional from here), $
 * (keyword-only from here), : (function name for messages) and ;
 * (whole error message). Others raise SystemError ("unsupported format
 * unit"). s and s# return pointers into the str's cached UTF-8 form and y#
 * into the bytes' buffer: they live as long as the argument. O returns a
 * borrowed reference that lives as long as the call (the caller's args
 * tuple holds it). Bad input raises TypeError / OverflowError / ValueError
 * and returns 0; a bad format string raises SystemError.
 *
 * Py_BuildValue formats: i, l, n, L, d, s, s#, y#, O (new reference), N
 * (steals), (...), [...], {...}; NULL with an exception on error (a NULL
 * object for O/N raises SystemError, unless an exception is already set).
 *
 * PyModule_AddObjectRef does not steal value; PyModule_Add and
 * PyModule_AddObject do (AddObject only on success: error-prone). */
#ifndef Py_MODSUPPORT_H
#define Py_MODSUPPORT_H

#include <stdarg.h>

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(int) PyArg_Parse(PyObject* args, const char* format, ...);
PyAPI_FUNC(int) PyArg_ParseTuple(PyObject* args, const char* format, ...);
PyAPI_FUNC(int) PyArg_ParseTupleAndKeywords(PyObject* args, PyObject* kw,
                                            const char* format,
                                            PY_CXX_CONST char* const* keywords,
                                            ...);
PyAPI_FUNC(int) PyArg_VaParse(PyObject* args, const char* format,
                              va_list vargs);
PyAPI_FUNC(int) PyArg_VaParseTupleAndKeywords(
    PyObject* args, PyObject* kw, const char* format,
    PY_CXX_CONST char* const* keywords, va_list vargs);
PyAPI_FUNC(int) PyArg_ValidateKeywordArguments(PyObject* kw);
/* Unpacks between min and max positional arguments into the PyObject**
 * varargs (borrowed); name is used in error messages. */
PyAPI_FUNC(int) PyArg_UnpackTuple(PyObject* args, const char* name,
                                  Py_ssize_t min, Py_ssize_t max, ...);

PyAPI_FUNC(PyObject*) Py_BuildValue(const char* format, ...);
PyAPI_FUNC(PyObject*) Py_VaBuildValue(const char* format, va_list vargs);

PyAPI_FUNC(int) PyModule_AddObjectRef(PyObject* mod, const char* name,
                                      PyObject* value);
PyAPI_FUNC(int) PyModule_Add(PyObject* mod, const char* name,
                             PyObject* value);
PyAPI_FUNC(int) PyModule_AddObject(PyObject* mod, const char* name,
                                   PyObject* value);
PyAPI_FUNC(int) PyModule_AddIntConstant(PyObject* mod, const char* name,
                                        long value);
PyAPI_FUNC(int) PyModule_AddStringConstant(PyObject* mod, const char* name,
                                           const char* value);
/* Adds type under its short name (after the last dot of tp_name),
 * calling PyType_Ready first. */
PyAPI_FUNC(int) PyModule_AddType(PyObject* mod, PyTypeObject* type);
#define PyModule_AddIntMacro(m, c) PyModule_AddIntConstant((m), #c, (c))
#define PyModule_AddStringMacro(m, c) PyModule_AddStringConstant((m), #c, (c))

PyAPI_FUNC(int) PyModule_SetDocString(PyObject* mod, const char* doc);
PyAPI_FUNC(int) PyModule_AddFunctions(PyObject* mod, PyMethodDef* functions);
PyAPI_FUNC(int) PyModule_ExecDef(PyObject* module, PyModuleDef* def);

#define Py_CLEANUP_SUPPORTED 0x20000
#define PYTHON_API_VERSION 1013
#define PYTHON_API_STRING "1013"
#define PYTHON_ABI_VERSION 3
#define PYTHON_ABI_STRING "3"

/* Single-phase initialization: PyInit_<name> returns
 * PyModule_Create(&def). A module made this way has no Py_mod_gil slot:
 * it turns the GIL on unless PyInit_ calls PyUnstable_Module_SetGIL. */
PyAPI_FUNC(PyObject*) PyModule_Create2(PyModuleDef* def, int apiver);
#define PyModule_Create(module) PyModule_Create2((module), PYTHON_API_VERSION)

PyAPI_FUNC(PyObject*) PyModule_FromDefAndSpec2(PyModuleDef* def,
                                               PyObject* spec,
                                               int module_api_version);
#define PyModule_FromDefAndSpec(module, spec) \
  PyModule_FromDefAndSpec2((module), (spec), PYTHON_API_VERSION)

#ifdef __cplusplus
}
#endif

#endif /* !Py_MODSUPPORT_H */
