/* Detaching around blocking calls (CPython's ceval.h).
 *
 *   Py_BEGIN_ALLOW_THREADS
 *   n = read(fd, buf, len);      // no Python objects touched here
 *   Py_END_ALLOW_THREADS
 *
 * detaches the thread for the block: a stop-the-world (the collector) does
 * not wait for it, and its critical sections are suspended (their mutexes
 * released) until it re-attaches, which may block until a stop ends. No API
 * call and no access to a Python object's mutable state is allowed in the
 * block. PyEval_SaveThread / PyEval_RestoreThread are the same pair as
 * functions. After finalization's final stop, PyEval_RestoreThread blocks
 * for ever (see pylifecycle.h). */
#ifndef Py_CEVAL_H
#define Py_CEVAL_H

#include "pystate.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(PyThreadState*) PyEval_SaveThread(void);
PyAPI_FUNC(void) PyEval_RestoreThread(PyThreadState* tstate);
/* Deprecated (3.9) and a no-op: threads are always ready. */
Py_DEPRECATED(3.9) PyAPI_FUNC(void) PyEval_InitThreads(void);
/* Attach / detach with a given thread state (see pystate.h: ts must be
 * the calling thread's own). */
PyAPI_FUNC(void) PyEval_AcquireThread(PyThreadState* tstate);
PyAPI_FUNC(void) PyEval_ReleaseThread(PyThreadState* tstate);

/* C-level recursion guard, for extensions that recurse into the C API
 * (serializers walking nested containers): Py_EnterRecursiveCall counts one
 * level on the calling thread and returns 0, or returns -1 with
 * RecursionError ("maximum recursion depth exceeded" followed by `where`)
 * once the depth passes the limit ftrt's own calls share. Each 0 must be
 * paired with one Py_LeaveRecursiveCall on the same thread. */
PyAPI_FUNC(int) Py_EnterRecursiveCall(const char* where);
PyAPI_FUNC(void) Py_LeaveRecursiveCall(void);
/* sys.getrecursionlimit() / setrecursionlimit(): the Python-level limit
 * (1000 at start). ftrt runs no Python frames, so it is only recorded; the
 * C-level guard above has its own fixed depth. */
PyAPI_FUNC(int) Py_GetRecursionLimit(void);
PyAPI_FUNC(void) Py_SetRecursionLimit(int limit);

/* For messages: a callable's name (a builtin's __name__, a type's
 * tp_name, else its type's tp_name) and how it is called ("()" for
 * functions and methods, " constructor" for types, " object" else). */
PyAPI_FUNC(const char*) PyEval_GetFuncName(PyObject* func);
PyAPI_FUNC(const char*) PyEval_GetFuncDesc(PyObject* func);

/* "O&" converters for slice bounds (PyArg_ParseTuple(args, "|O&O&",
 * _PyEval_SliceIndex, &start, ...)): 1 with *pi set from an int or an
 * object with __index__ (clamped to the Py_ssize_t range), or 0 with
 * TypeError "slice indices must be integers or None or have an __index__
 * method". _PyEval_SliceIndex leaves *pi as it is for None;
 * _PyEval_SliceIndexNotNone refuses None. */
PyAPI_FUNC(int) _PyEval_SliceIndex(PyObject* v, Py_ssize_t* pi);
PyAPI_FUNC(int) _PyEval_SliceIndexNotNone(PyObject* v, Py_ssize_t* pi);

#define Py_BEGIN_ALLOW_THREADS \
  {                            \
    PyThreadState* _save;      \
    _save = PyEval_SaveThread();
#define Py_BLOCK_THREADS PyEval_RestoreThread(_save);
#define Py_UNBLOCK_THREADS _save = PyEval_SaveThread();
#define Py_END_ALLOW_THREADS \
    PyEval_RestoreThread(_save); \
  }

#ifdef __cplusplus
}
#endif

#endif /* !Py_CEVAL_H */
