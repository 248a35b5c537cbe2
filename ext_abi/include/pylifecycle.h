/* The runtime's life cycle (CPython's pylifecycle.h), and the operations
 * finalization refuses.
 *
 * Py_Initialize creates the process's one runtime (runtime/'s Runtime,
 * inside libftrt.so) and attaches the calling thread; Py_FinalizeEx
 * finalizes it: it collects garbage (finalizers run), stops the world a
 * last time, frees every object that is not immortal, then runs the
 * Py_AtExit functions, and returns 0 (or -1 if flushing buffered data
 * failed). It does not wait for other threads. After it,
 * Py_IsInitialized() is 0; initializing again is not supported.
 *
 * FINALIZATION. Py_IsFinalizing() becomes 1 when Py_FinalizeEx starts and
 * stays 1. From then on, an operation that could no longer be done safely
 * fails the way CPython 3.14 fails it: an ATTACHED caller gets
 * PythonFinalizationError (a RuntimeError subclass) set and the documented
 * error return; a finalizer (tp_finalize, tp_del, a weakref callback) run
 * by finalization itself is an attached caller too, so it sees the same
 * error (and reports it with PyErr_WriteUnraisable, as it cannot raise).
 * Never a crash. The operations:
 *
 *   operation                            error return and exception
 *   ------------------------------------ -----------------------------------
 *   PyThread_start_new_thread            PYTHREAD_INVALID_THREAD_ID;
 *                                        PythonFinalizationError ("can't
 *                                        create new thread at interpreter
 *                                        shutdown")
 *   fork through the runtime (ftrt's     -1 / failure status;
 *   equivalent of os.fork, fork1,        PythonFinalizationError ("can't
 *   forkpty)                             fork at interpreter shutdown")
 *   starting a subprocess with a         (not offered by ftrt; CPython
 *   pre-exec callback                    raises PythonFinalizationError)
 *   importing a module (the loader,      NULL; ImportError, as in CPython
 *   ftrt::ext::Import / its C entry)     (not PythonFinalizationError)
 *
 * A raw fork() or pthread_create() an extension makes itself is not
 * intercepted.
 *
 * Threads that are NOT attached have no thread state and so no error
 * indicator; they cannot be told. After finalization's final stop:
 *   - PyGILState_Ensure and PyEval_RestoreThread (so also
 *     Py_END_ALLOW_THREADS) BLOCK FOR EVER (CPython 3.14 behaviour; 3.13
 *     would exit the thread). Such threads must not outlive Py_FinalizeEx.
 *   - C++ code can use ftrt's TryAttach instead, which returns a
 *     finalizing status rather than blocking.
 * Before the final stop, attaching still works (and a thread that attaches
 * then sees Py_IsFinalizing() == 1). */
#ifndef Py_PYLIFECYCLE_H
#define Py_PYLIFECYCLE_H

#include "pyport.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(void) Py_Initialize(void);
PyAPI_FUNC(void) Py_InitializeEx(int initsigs);
/* 0 on success, -1 if finalization hit an error it could only report. */
PyAPI_FUNC(int) Py_FinalizeEx(void);
PyAPI_FUNC(void) Py_Finalize(void);
PyAPI_FUNC(int) Py_IsInitialized(void);
/* The version this C API is (PY_VERSION, then ftrt's mark), and the
 * platform ("linux"), as CPython's sys.version and sys.platform begin. */
PyAPI_FUNC(const char*) Py_GetVersion(void);
PyAPI_FUNC(const char*) Py_GetPlatform(void);
/* As CPython's sys.version parts: "[GCC 12.2.0]" (the compiler libftrt was
 * built with), the copyright line, and the build's description. */
PyAPI_FUNC(const char*) Py_GetCompiler(void);
PyAPI_FUNC(const char*) Py_GetCopyright(void);
PyAPI_FUNC(const char*) Py_GetBuildInfo(void);

/* For code that calls fork() itself (CPython's intrcheck.h): BeforeFork on
 * an attached thread stops the world and takes the runtime's locks; after
 * fork(), the parent calls AfterFork_Parent and the child
 * AfterFork_Child, which treats every other thread as gone (their objects
 * unowned, their states deleted) so that the child's one thread can go on
 * using the C API. PyOS_AfterFork is the old name of AfterFork_Child.
 * Without an initialized runtime they do nothing. */
PyAPI_FUNC(void) PyOS_BeforeFork(void);
PyAPI_FUNC(void) PyOS_AfterFork_Parent(void);
PyAPI_FUNC(void) PyOS_AfterFork_Child(void);
PyAPI_FUNC(void) PyOS_AfterFork(void);
/* 1 once Py_FinalizeEx has started (3.13). */
PyAPI_FUNC(int) Py_IsFinalizing(void);
/* Registers func to run (last registered, first run) at the very end of
 * Py_FinalizeEx, after the runtime is gone: func must not call the API.
 * At most 32 functions. 0, or -1 if the table is full. */
PyAPI_FUNC(int) Py_AtExit(void (*func)(void));
/* Exits the process with status after finalizing. Never returns. */
PyAPI_FUNC(void) _Py_NO_RETURN Py_Exit(int status);

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYLIFECYCLE_H */
