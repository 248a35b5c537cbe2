/* Thread states (CPython's pystate.h).
 *
 * Every thread that uses the API is ATTACHED to the runtime through its
 * thread state (runtime/'s ThreadState). Threads the runtime created for
 * Python-level code are attached while they run it; a thread an extension
 * created (PyThread_start_new_thread, pthread_create) or a foreign thread
 * (a callback from a C library) attaches with PyGILState_Ensure and
 * detaches with PyGILState_Release; the calls nest.
 *
 * "GIL" in these names is historical: on the free-threaded runtime,
 * attaching takes no global lock (unless a module without
 * Py_mod_gil = Py_MOD_GIL_NOT_USED turned the GIL back on, see
 * moduleobject.h); it makes the thread visible to stop-the-world
 * operations (the cycle collector), which wait for every attached thread
 * to reach a safe point. So a thread that blocks for long (I/O, waiting on
 * a lock) should detach first: Py_BEGIN_ALLOW_THREADS (ceval.h).
 *
 * After finalization's final stop, a thread that is not attached and
 * calls PyGILState_Ensure blocks for ever (CPython 3.14 behaviour; it has
 * no error indicator to report anything through): see pylifecycle.h. */
#ifndef Py_PYSTATE_H
#define Py_PYSTATE_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The calling thread's state (fatal error if it is not attached). */
PyAPI_FUNC(PyThreadState*) PyThreadState_Get(void);
#define PyThreadState_GET() PyThreadState_Get()
/* The same, or NULL if not attached (3.13). */
PyAPI_FUNC(PyThreadState*) PyThreadState_GetUnchecked(void);
/* A dict private to the calling thread state, where extensions may keep
 * per-thread data: made on first use, the same dict on every later call
 * (borrowed; it lives as long as the thread state, and its values are
 * dropped at thread exit and by Py_FinalizeEx). NULL, with no exception
 * set, if the thread is not attached, if the dict cannot be made, and once
 * Py_FinalizeEx has run its Py_AtExit callbacks. */
PyAPI_FUNC(PyObject*) PyThreadState_GetDict(void);
PyAPI_FUNC(uint64_t) PyThreadState_GetID(PyThreadState* tstate);
/* The thread's current Python frame: always NULL (new reference, 3.9),
 * since ftrt executes no Python code; see pyframe.h. */
PyAPI_FUNC(PyFrameObject*) PyThreadState_GetFrame(PyThreadState* tstate);

typedef enum { PyGILState_LOCKED, PyGILState_UNLOCKED } PyGILState_STATE;

/* Attaches the calling thread (creating its thread state on first use).
 * Returns what PyGILState_Release needs to undo exactly this call. */
PyAPI_FUNC(PyGILState_STATE) PyGILState_Ensure(void);
PyAPI_FUNC(void) PyGILState_Release(PyGILState_STATE state);
/* 1 if the calling thread is attached. */
PyAPI_FUNC(int) PyGILState_Check(void);
PyAPI_FUNC(PyThreadState*) PyGILState_GetThisThreadState(void);

/* Creating and deleting thread states (CPython's PyThreadState_New & co.,
 * as extensions use them to call in from threads they did not start).
 *
 * ftrt keeps ONE thread state per OS thread: made when the thread first
 * attaches (or by PyThreadState_New), released when the thread exits (or
 * by PyThreadState_Delete / DeleteCurrent; the thread may then get a new
 * one). Each handle is therefore usable only on the thread it belongs to,
 * and the functions below check that: using another thread's state is a
 * fatal error naming the function, never a silent mix-up.
 *
 *   PyThreadState_New(interp)   the calling thread's state, made if it has
 *                               none; left as it was (a new one is
 *                               detached). NULL once finalization has begun.
 *   PyEval_AcquireThread(ts)    attaches the calling thread (ts must be its
 *                               state, detached); blocks like
 *                               PyEval_RestoreThread.
 *   PyEval_ReleaseThread(ts)    detaches it (ts must be the current state).
 *   PyThreadState_Swap(ts)      makes ts current (attach), or with NULL
 *                               detaches; returns the previous current
 *                               state (NULL if the thread was detached).
 *   PyThreadState_Clear(ts)     drops ts's PyThreadState_GetDict dict (ts
 *                               must be current: the values' destructors
 *                               run).
 *   PyThreadState_Delete(ts)    releases ts (the calling thread's, not
 *                               current): its objects are handed to the
 *                               shared counts, as at thread exit.
 *   PyThreadState_DeleteCurrent() detaches and releases the current state.
 *
 * PyGILState_GetThisThreadState returns the calling thread's state whether
 * or not it is attached (NULL if it has none), as CPython does.
 *
 * There is one interpreter, the runtime: PyInterpreterState_Get (fatal
 * error if the thread is not attached), PyInterpreterState_Main (NULL
 * before Py_Initialize) and PyThreadState_GetInterpreter all return it,
 * and its id is 0. */
PyAPI_FUNC(PyInterpreterState*) PyInterpreterState_Get(void);
PyAPI_FUNC(PyInterpreterState*) PyInterpreterState_Main(void);
PyAPI_FUNC(int64_t) PyInterpreterState_GetID(PyInterpreterState* interp);
PyAPI_FUNC(PyInterpreterState*) PyThreadState_GetInterpreter(PyThreadState* tstate);
PyAPI_FUNC(PyThreadState*) PyThreadState_New(PyInterpreterState* interp);
PyAPI_FUNC(void) PyThreadState_Clear(PyThreadState* tstate);
PyAPI_FUNC(void) PyThreadState_Delete(PyThreadState* tstate);
PyAPI_FUNC(void) PyThreadState_DeleteCurrent(void);
PyAPI_FUNC(PyThreadState*) PyThreadState_Swap(PyThreadState* tstate);

/* Single-phase modules only: the module object created from def (the
 * loader registers each single-phase module it loads; PyState_AddModule
 * registers one by hand), or NULL without an exception (borrowed). Add and
 * Remove: 0, or -1 with SystemError (NULL, a definition with slots,
 * nothing to remove). */
PyAPI_FUNC(PyObject*) PyState_FindModule(PyModuleDef* def);
PyAPI_FUNC(int) PyState_AddModule(PyObject* module, PyModuleDef* def);
PyAPI_FUNC(int) PyState_RemoveModule(PyModuleDef* def);

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYSTATE_H */
