/* sysmodule.h: what extensions use of the sys module (CPython's names).
 * ftrt has no sys module: PySys_WriteStdout / WriteStderr write to the
 * process's C stdout / stderr (where CPython falls back to when
 * sys.stdout / sys.stderr is unset), at most 1000 bytes of the formatted
 * text as CPython, and never touch a pending exception; PySys_GetObject
 * finds no attribute (NULL, no exception set), as for a name sys lacks.
 * Included by Python.h. */
#ifndef FTRT_SYSMODULE_H
#define FTRT_SYSMODULE_H

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(void) PySys_WriteStdout(const char* format, ...)
    Py_GCC_ATTRIBUTE((format(printf, 1, 2)));
PyAPI_FUNC(void) PySys_WriteStderr(const char* format, ...)
    Py_GCC_ATTRIBUTE((format(printf, 1, 2)));
/* The same with PyUnicode_FromFormat's format (%R, %S, %U, ...). */
PyAPI_FUNC(void) PySys_FormatStdout(const char* format, ...);
PyAPI_FUNC(void) PySys_FormatStderr(const char* format, ...);
/* Audit events (PEP 578). ftrt has no audit hooks: 0, nothing raised. */
PyAPI_FUNC(int) PySys_Audit(const char* event, const char* format, ...);
PyAPI_FUNC(int) PySys_AuditTuple(const char* event, PyObject* args);
/* Borrowed reference, or NULL without an exception (always, here). */
/* sys.name, a borrowed reference valid until finalization, or NULL without
 * an exception if absent. ftrt has no sys module object: maxsize,
 * maxunicode, byteorder, platform and hexversion are there, anything else
 * once PySys_SetObject stored it. */
PyAPI_FUNC(PyObject*) PySys_GetObject(const char* name);
/* sys.name = v (v NULL: deletes it, no error if absent); 0, or -1. */
PyAPI_FUNC(int) PySys_SetObject(const char* name, PyObject* v);

#ifdef __cplusplus
}
#endif

#endif /* FTRT_SYSMODULE_H */
