/* PyThreadState_GetDict from C: one dict per thread state, made on first
 * use, dropped with its thread state.
 *
 *   - the same thread gets the same dict on every call;
 *   - kThreads pthreads (attached with PyGILState_Ensure) and one thread of
 *     PyThread_start_new_thread each store their id and a Token in their own
 *     dict; once all have stored (a barrier, waited detached), each sees
 *     only its own entries, and no two threads share a dict;
 *   - a thread's dict goes with its thread: once the pthreads have been
 *     joined, their Tokens have been deallocated (tp_dealloc counts them);
 *   - with no thread state (a thread that never attached, or the main
 *     thread detached) it returns NULL and sets no exception;
 *   - Py_FinalizeEx drops the main thread's dict too: the leak count after
 *     it is 0 although the dict still held a Token, and after it the
 *     thread has no dict. */
#define _GNU_SOURCE /* pthread barriers under -std=c11 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

enum { kThreads = 4 };

/* A Token counts its deallocations: how the test sees a dict's values go. */
static atomic_int g_token_deallocs;

static void Token_dealloc(PyObject* self) {
  atomic_fetch_add_explicit(&g_token_deallocs, 1, memory_order_relaxed);
  Py_TYPE(self)->tp_free(self);
}

static PyTypeObject TokenType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_thread_dict_test.Token",
    .tp_basicsize = sizeof(PyObject),
    .tp_dealloc = Token_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

static PyObject* new_token(void) { return PyObject_New(PyObject, &TokenType); }

static pthread_barrier_t g_stored;  /* every thread has stored its entries */
static pthread_barrier_t g_checked; /* every thread has compared dicts */
static PyObject* volatile g_dicts[kThreads + 1];

/* Waits at `b` detached, so that a stop-the-world (a collection) is never
 * held up by a thread parked here. */
static void wait_detached(pthread_barrier_t* b) {
  PyThreadState* ts = PyEval_SaveThread();
  pthread_barrier_wait(b);
  PyEval_RestoreThread(ts);
}

/* What each thread does, attached: id kThreads is the PyThread one. */
static void use_own_dict(long id) {
  PyObject* d = PyThreadState_GetDict();
  CHECK(d != NULL && PyDict_Check(d));
  CHECK(PyThreadState_GetDict() == d);
  CHECK_EQ_LL(PyDict_Size(d), 0); /* a new thread starts with an empty dict */
  PyObject* v = PyLong_FromLong(id);
  PyObject* token = new_token();
  CHECK(v != NULL && token != NULL);
  CHECK(PyDict_SetItemString(d, "id", v) == 0);
  CHECK(PyDict_SetItemString(d, "token", token) == 0);
  Py_DECREF(v);
  Py_DECREF(token);
  g_dicts[id] = d;

  wait_detached(&g_stored);
  /* Everyone has stored: this dict still holds only this thread's. */
  CHECK(PyThreadState_GetDict() == d);
  CHECK_EQ_LL(PyDict_Size(d), 2);
  PyObject* got = NULL;
  CHECK(PyDict_GetItemStringRef(d, "id", &got) == 1);
  CHECK_EQ_LL(PyLong_AsLong(got), id);
  Py_DECREF(got);
  for (int j = 0; j <= kThreads; j++) {
    if (j != id) CHECK(g_dicts[j] != d);
  }
  wait_detached(&g_checked);
}

static void* pthread_worker(void* arg) {
  PyGILState_STATE st = PyGILState_Ensure();
  use_own_dict((long)(intptr_t)arg);
  PyGILState_Release(st);
  return NULL;
}

static atomic_int g_pythread_done;

static void pythread_worker(void* arg) {
  use_own_dict((long)(intptr_t)arg);
  atomic_store_explicit(&g_pythread_done, 1, memory_order_release);
}

/* On a thread that never attaches: no thread state, so NULL. */
static int g_unattached_got_null;
static void* unattached(void* arg) {
  (void)arg;
  g_unattached_got_null = PyThreadState_GetDict() == NULL && PyErr_Occurred() == NULL;
  return NULL;
}

int main(void) {
  Py_Initialize();
  CHECK(PyType_Ready(&TokenType) == 0);

  /* The main thread: made on first use, then the same one. */
  PyObject* d = PyThreadState_GetDict();
  CHECK(d != NULL && PyDict_Check(d));
  CHECK(PyThreadState_GetDict() == d);
  PyObject* token = new_token();
  CHECK(token != NULL);
  CHECK(PyDict_SetItemString(d, "main", token) == 0);
  Py_DECREF(token);

  /* No thread state: NULL, no exception. */
  pthread_t u;
  CHECK(pthread_create(&u, NULL, unattached, NULL) == 0);
  CHECK(pthread_join(u, NULL) == 0);
  CHECK(g_unattached_got_null);
  PyThreadState* saved = PyEval_SaveThread();
  CHECK(PyThreadState_GetDict() == NULL);
  PyEval_RestoreThread(saved);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(PyThreadState_GetDict() == d); /* still there once re-attached */

  /* kThreads pthreads and one PyThread, each with its own dict. */
  CHECK(pthread_barrier_init(&g_stored, NULL, kThreads + 1) == 0);
  CHECK(pthread_barrier_init(&g_checked, NULL, kThreads + 1) == 0);
  pthread_t threads[kThreads];
  for (long i = 0; i < kThreads; i++) {
    CHECK(pthread_create(&threads[i], NULL, pthread_worker, (void*)(intptr_t)i) == 0);
  }
  CHECK(PyThread_start_new_thread(pythread_worker, (void*)(intptr_t)kThreads) !=
        PYTHREAD_INVALID_THREAD_ID);
  saved = PyEval_SaveThread();
  for (int i = 0; i < kThreads; i++) CHECK(pthread_join(threads[i], NULL) == 0);
  while (!atomic_load_explicit(&g_pythread_done, memory_order_acquire)) sched_yield();
  PyEval_RestoreThread(saved);
  /* The joined pthreads ran their exit path: their dicts, and the Tokens
   * in them, are gone (the PyThread may still be on its way out). */
  CHECK(atomic_load_explicit(&g_token_deallocs, memory_order_relaxed) >= kThreads);
  CHECK_EQ_LL(PyDict_Size(d), 1); /* and main's dict saw none of theirs */
  CHECK(PyThreadState_GetDict() == d);

  /* Py_FinalizeEx drops the main thread's dict (and its Token) too. */
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  /* Every Token is gone: the pthreads', the PyThread's and main's. */
  CHECK_EQ_LL(atomic_load_explicit(&g_token_deallocs, memory_order_relaxed), kThreads + 2);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  CHECK(PyThreadState_GetDict() == NULL);
  pthread_barrier_destroy(&g_stored);
  pthread_barrier_destroy(&g_checked);
  printf("ext_thread_dict_test: OK\n");
  return 0;
}
