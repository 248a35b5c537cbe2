/* Warnings (CPython's warnings.h). */
#ifndef Py_WARNINGS_H
#define Py_WARNINGS_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Issues a warning of category (a Warning subclass, NULL for
 * RuntimeWarning) with message, attributed stack_level frames up. Returns
 * 0, or -1 with an exception when the warning filters turned it into an
 * error. The runtime prints each distinct (category, message) once per
 * process by default. */
PyAPI_FUNC(int) PyErr_WarnEx(PyObject* category, const char* message,
                             Py_ssize_t stack_level);
PyAPI_FUNC(int) PyErr_WarnFormat(PyObject* category, Py_ssize_t stack_level,
                                 const char* format, ...);
PyAPI_FUNC(int) PyErr_ResourceWarning(PyObject* source,
                                      Py_ssize_t stack_level,
                                      const char* format, ...);
PyAPI_FUNC(int) PyErr_WarnExplicit(PyObject* category, const char* message,
                                   const char* filename, int lineno,
                                   const char* module, PyObject* registry);

#define PyErr_Warn(category, msg) PyErr_WarnEx((category), (msg), 1)

#ifdef __cplusplus
}
#endif

#endif /* !Py_WARNINGS_H */
