/* Frames and code objects (CPython's pyframe.h, cpython/pyframe.h and the
 * PyCodeObject name of cpython/code.h).
 *
 * ftrt runs no Python bytecode, so no Python frame ever executes and no
 * frame or code object exists: PyThreadState_GetFrame (pystate.h) returns
 * NULL for every thread, as CPython does for a thread with no Python frame
 * on its stack. The types stay incomplete and the accessors are declared
 * so that code written against them compiles unchanged (pythoncapi_compat.h
 * defines helpers over them that an extension may never call); since no
 * frame can be obtained, calling one of them is a caller error and is a
 * fatal error that names the function. */
#ifndef Py_PYFRAME_H
#define Py_PYFRAME_H

#include "pytypedefs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct PyCodeObject PyCodeObject;

PyAPI_FUNC(int) PyFrame_GetLineNumber(PyFrameObject* frame);
PyAPI_FUNC(PyCodeObject*) PyFrame_GetCode(PyFrameObject* frame);
PyAPI_FUNC(PyFrameObject*) PyFrame_GetBack(PyFrameObject* frame);

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYFRAME_H */
