/* Threads (CPython's pythread.h).
 *
 * PyThread_start_new_thread starts an OS thread running func(arg). The new
 * thread is NOT attached to the runtime: to use the API it calls
 * PyGILState_Ensure first and PyGILState_Release before it returns.
 * Returns the new thread's ident, or PYTHREAD_INVALID_THREAD_ID on failure.
 * Once finalization has begun it starts nothing and returns
 * PYTHREAD_INVALID_THREAD_ID, with PythonFinalizationError set if the
 * caller is attached (see pylifecycle.h); this includes a finalizer
 * (tp_finalize, __del__) run by finalization itself.
 *
 * PyThread_type_lock: a simple non-recursive lock that any thread may
 * release (a binary semaphore), for old extensions. New code uses
 * PyMutex. Acquiring with WAIT_LOCK detaches the thread while it waits. */
#ifndef Py_PYTHREAD_H
#define Py_PYTHREAD_H

#include <stdint.h>

#include "pyport.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void* PyThread_type_lock;

typedef enum PyLockStatus {
  PY_LOCK_FAILURE = 0,
  PY_LOCK_ACQUIRED = 1,
  PY_LOCK_INTR
} PyLockStatus;

#define PYTHREAD_INVALID_THREAD_ID ((unsigned long)-1)

PyAPI_FUNC(void) PyThread_init_thread(void);
PyAPI_FUNC(unsigned long) PyThread_start_new_thread(void (*func)(void*),
                                                    void* arg);
PyAPI_FUNC(void) _Py_NO_RETURN PyThread_exit_thread(void);
PyAPI_FUNC(unsigned long) PyThread_get_thread_ident(void);
PyAPI_FUNC(unsigned long) PyThread_get_thread_native_id(void);

PyAPI_FUNC(PyThread_type_lock) PyThread_allocate_lock(void);
PyAPI_FUNC(void) PyThread_free_lock(PyThread_type_lock lock);
/* waitflag WAIT_LOCK blocks, NOWAIT_LOCK does not; returns 1 if acquired. */
PyAPI_FUNC(int) PyThread_acquire_lock(PyThread_type_lock lock, int waitflag);
#define WAIT_LOCK 1
#define NOWAIT_LOCK 0
/* microseconds: < 0 waits for ever; intr_flag is ignored (no signals). */
#define PY_TIMEOUT_T long long
PyAPI_FUNC(PyLockStatus) PyThread_acquire_lock_timed(PyThread_type_lock lock,
                                                     PY_TIMEOUT_T microseconds,
                                                     int intr_flag);
PyAPI_FUNC(void) PyThread_release_lock(PyThread_type_lock lock);

/* Thread-specific storage (PEP 539): a key whose value each thread sets
 * and reads for itself (a pthread key). A key is static
 * (`static Py_tss_t key = Py_tss_NEEDS_INIT;`) or from PyThread_tss_alloc
 * (NULL if out of memory); PyThread_tss_create makes it usable (0, or -1
 * if the system has no keys left; creating a created key does nothing)
 * and PyThread_tss_delete retires it. Create and delete a key once, before
 * and after the threads use it (module init and free): they are not
 * thread-safe against each other or against set/get, as in CPython. set
 * returns 0, or -1 on failure; get returns NULL if this thread set
 * nothing. */
struct _Py_tss_t {
  int _is_initialized;
  unsigned int _key; /* pthread_key_t */
};
typedef struct _Py_tss_t Py_tss_t;
#define Py_tss_NEEDS_INIT {0}
PyAPI_FUNC(Py_tss_t*) PyThread_tss_alloc(void);
PyAPI_FUNC(void) PyThread_tss_free(Py_tss_t* key);
PyAPI_FUNC(int) PyThread_tss_is_created(Py_tss_t* key);
PyAPI_FUNC(int) PyThread_tss_create(Py_tss_t* key);
PyAPI_FUNC(void) PyThread_tss_delete(Py_tss_t* key);
PyAPI_FUNC(int) PyThread_tss_set(Py_tss_t* key, void* value);
PyAPI_FUNC(void*) PyThread_tss_get(Py_tss_t* key);

/* The stack size new threads get (0: the platform's default), and setting
 * it: 0, or -1 with ValueError for a size below the minimum (32 KiB). */
PyAPI_FUNC(size_t) PyThread_get_stacksize(void);
PyAPI_FUNC(int) PyThread_set_stacksize(size_t size);

/* The pre-3.7 thread-local storage API, over the Py_tss_t one (deprecated
 * in CPython, still used by old extensions): an int key, -1 if none could
 * be made. set_key_value: 0, or -1 if out of memory. */
Py_DEPRECATED(3.7) PyAPI_FUNC(int) PyThread_create_key(void);
Py_DEPRECATED(3.7) PyAPI_FUNC(void) PyThread_delete_key(int key);
Py_DEPRECATED(3.7) PyAPI_FUNC(int) PyThread_set_key_value(int key, void* value);
Py_DEPRECATED(3.7) PyAPI_FUNC(void*) PyThread_get_key_value(int key);
Py_DEPRECATED(3.7) PyAPI_FUNC(void) PyThread_delete_key_value(int key);
Py_DEPRECATED(3.7) PyAPI_FUNC(void) PyThread_ReInitTLS(void);

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYTHREAD_H */
