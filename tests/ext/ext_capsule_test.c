/* Capsules from C (pycapsule.h): every getter and setter with its error
 * case, the destructor run exactly once, PyCapsule_Import over the
 * loader's modules, and one capsule shared by threads.
 *
 *   - PyCapsule_New(NULL) and every getter/setter on a non-capsule, on
 *     NULL and with a wrong name: ValueError and the error value;
 *     IsValid never raises;
 *   - the destructor runs once, when the last reference goes, and sees the
 *     capsule's pointer and context through the getters;
 *   - PyCapsule_Import: ModuleNotFoundError (an ImportError) before the
 *     module is loaded; after ftrt_ImportExtension("ft_capsule"), the
 *     table, whose function works; AttributeError for a missing
 *     attribute, a capsule under another name, a non-capsule;
 *   - kThreads threads each make and drop capsules (destructor calls
 *     counted), read one shared capsule's pointer and context, and import
 *     the module's table; all counts exact (run under TSan too);
 *   - after Py_FinalizeEx the module's capsule has been freed exactly once
 *     and nothing leaked. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

enum { kThreads = 4 };

typedef struct {
  int (*add)(int, int);
  int destructor_calls;
} FtCapsuleApi; /* as ft_capsule.c defines it */

static atomic_long g_destructor_calls;
static void* volatile g_seen_pointer;
static void* volatile g_seen_context;

static void recording_destructor(PyObject* capsule) {
  atomic_fetch_add_explicit(&g_destructor_calls, 1, memory_order_relaxed);
  g_seen_pointer = PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule));
  g_seen_context = PyCapsule_GetContext(capsule);
}

static void counting_destructor(PyObject* capsule) {
  (void)capsule;
  atomic_fetch_add_explicit(&g_destructor_calls, 1, memory_order_relaxed);
}

/* The pending exception is `type` (cleared), else abort. */
static int g_x, g_y, g_z;

static void test_single_thread(void) {
  /* A NULL pointer cannot be wrapped. */
  CHECK(PyCapsule_New(NULL, "n", NULL) == NULL);
  ext_test_expect_error(PyExc_ValueError, NULL);

  PyObject* c = PyCapsule_New(&g_x, "test.x", recording_destructor);
  CHECK(c != NULL);
  CHECK(PyCapsule_CheckExact(c));
  CHECK(Py_TYPE(c) == &PyCapsule_Type);
  CHECK(PyCapsule_IsValid(c, "test.x") == 1);
  CHECK(PyCapsule_IsValid(c, "test.y") == 0);
  CHECK(PyCapsule_IsValid(c, NULL) == 0);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(PyCapsule_GetPointer(c, "test.x") == &g_x);
  CHECK(strcmp(PyCapsule_GetName(c), "test.x") == 0);
  CHECK(PyCapsule_GetDestructor(c) == recording_destructor);

  /* Wrong names. */
  CHECK(PyCapsule_GetPointer(c, "test.y") == NULL);
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyCapsule_GetPointer(c, NULL) == NULL);
  ext_test_expect_error(PyExc_ValueError, NULL);

  /* Context: NULL until set, no exception. */
  CHECK(PyCapsule_GetContext(c) == NULL);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(PyCapsule_SetContext(c, &g_y) == 0);
  CHECK(PyCapsule_GetContext(c) == &g_y);

  /* SetPointer: NULL refused (pointer unchanged), others stored. */
  CHECK(PyCapsule_SetPointer(c, NULL) == -1);
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyCapsule_GetPointer(c, "test.x") == &g_x);
  CHECK(PyCapsule_SetPointer(c, &g_z) == 0);
  CHECK(PyCapsule_GetPointer(c, "test.x") == &g_z);

  /* SetName: the new name is the one matched. */
  CHECK(PyCapsule_SetName(c, "test.renamed") == 0);
  CHECK(PyCapsule_IsValid(c, "test.renamed") == 1);
  CHECK(PyCapsule_IsValid(c, "test.x") == 0);

  /* Not a capsule (an int, NULL): ValueError everywhere, IsValid 0. */
  PyObject* i = PyLong_FromLong(3);
  CHECK(i != NULL);
  CHECK(!PyCapsule_CheckExact(i));
  CHECK(PyCapsule_IsValid(i, NULL) == 0);
  CHECK(PyCapsule_IsValid(NULL, NULL) == 0);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(PyCapsule_GetPointer(i, NULL) == NULL);
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyCapsule_GetPointer(NULL, NULL) == NULL);
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyCapsule_GetName(i) == NULL);
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyCapsule_GetContext(i) == NULL);
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyCapsule_GetDestructor(i) == NULL);
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyCapsule_SetPointer(i, &g_x) == -1);
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyCapsule_SetContext(i, &g_x) == -1);
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyCapsule_SetName(i, "n") == -1);
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyCapsule_SetDestructor(i, NULL) == -1);
  ext_test_expect_error(PyExc_ValueError, NULL);
  Py_DECREF(i);

  /* The destructor: not while referenced, once when the last goes, and
   * it sees the capsule's fields. */
  Py_INCREF(c);
  Py_DECREF(c);
  CHECK_EQ_LL(atomic_load_explicit(&g_destructor_calls, memory_order_relaxed), 0);
  Py_DECREF(c);
  CHECK_EQ_LL(atomic_load_explicit(&g_destructor_calls, memory_order_relaxed), 1);
  CHECK(g_seen_pointer == &g_z);
  CHECK(g_seen_context == &g_y);

  /* A NULL name matches only NULL; SetDestructor(NULL) means none runs. */
  PyObject* anon = PyCapsule_New(&g_x, NULL, counting_destructor);
  CHECK(anon != NULL);
  CHECK(PyCapsule_GetPointer(anon, NULL) == &g_x);
  CHECK(PyCapsule_GetName(anon) == NULL && PyErr_Occurred() == NULL);
  CHECK(PyCapsule_IsValid(anon, "x") == 0);
  CHECK(PyCapsule_SetDestructor(anon, NULL) == 0);
  Py_DECREF(anon);
  CHECK_EQ_LL(atomic_load_explicit(&g_destructor_calls, memory_order_relaxed), 1);
  CHECK(PyErr_Occurred() == NULL);
}

static void test_import(const char* path) {
  /* Not loaded yet: ModuleNotFoundError, which is an ImportError. */
  CHECK(PyCapsule_Import("ft_capsule._C_API", 0) == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_ImportError));
  ext_test_expect_error(PyExc_ModuleNotFoundError, NULL);
  CHECK(PyCapsule_Import("no_such_module.x", 0) == NULL);
  ext_test_expect_error(PyExc_ModuleNotFoundError, NULL);

  PyObject* m = ftrt_ImportExtension("ft_capsule", path);
  if (m == NULL) ext_test_die_with_error("ftrt_ImportExtension(ft_capsule)");
  Py_DECREF(m); /* the loader keeps it until Py_FinalizeEx */

  FtCapsuleApi* api = (FtCapsuleApi*)PyCapsule_Import("ft_capsule._C_API", 0);
  CHECK(api != NULL);
  CHECK_EQ_LL(api->add(2, 3), 5);
  CHECK_EQ_LL(api->destructor_calls, 0);

  CHECK(PyCapsule_Import("ft_capsule.missing", 0) == NULL);
  ext_test_expect_error(PyExc_AttributeError, NULL);
  CHECK(PyCapsule_Import("ft_capsule.wrong_name", 0) == NULL);
  ext_test_expect_error(PyExc_AttributeError, NULL);
  CHECK(PyCapsule_Import("ft_capsule.not_capsule", 0) == NULL);
  ext_test_expect_error(PyExc_AttributeError, NULL);
  CHECK(PyCapsule_Import("ft_capsule", 0) == NULL); /* the module itself */
  ext_test_expect_error(PyExc_AttributeError, NULL);
}

/* ---- Threads ------------------------------------------------------------ */

static PyObject* g_shared;
static int g_shared_target;
static int g_shared_context;
static long g_iters;
static atomic_long g_worker_errors;

static void* worker(void* arg) {
  long id = (long)(intptr_t)arg;
  PyGILState_STATE st = PyGILState_Ensure();
  for (long k = 0; k < g_iters; k++) {
    /* Own capsules, made and dropped. */
    PyObject* own = PyCapsule_New(&g_x + 0, "test.own", counting_destructor);
    if (own == NULL || PyCapsule_GetPointer(own, "test.own") != &g_x) {
      atomic_fetch_add_explicit(&g_worker_errors, 1, memory_order_relaxed);
    }
    Py_XDECREF(own);
    /* The shared one: pointer and context read by every thread. */
    if (PyCapsule_GetPointer(g_shared, "test.shared") != &g_shared_target ||
        PyCapsule_GetContext(g_shared) != &g_shared_context) {
      atomic_fetch_add_explicit(&g_worker_errors, 1, memory_order_relaxed);
    }
    /* One thread keeps re-setting the context to the same value: a store
     * racing with the others' loads, which must stay race free. */
    if (id == 0 && PyCapsule_SetContext(g_shared, &g_shared_context) != 0) {
      atomic_fetch_add_explicit(&g_worker_errors, 1, memory_order_relaxed);
    }
    if ((k & 63) == 0) {
      FtCapsuleApi* api = (FtCapsuleApi*)PyCapsule_Import("ft_capsule._C_API", 0);
      if (api == NULL || api->add((int)id, 1) != (int)id + 1) {
        atomic_fetch_add_explicit(&g_worker_errors, 1, memory_order_relaxed);
      }
    }
  }
  if (PyErr_Occurred() != NULL) {
    atomic_fetch_add_explicit(&g_worker_errors, 1, memory_order_relaxed);
    PyErr_Clear();
  }
  PyGILState_Release(st);
  return NULL;
}

static void test_threads(void) {
  g_iters = ext_test_scaled(20000, 200);
  atomic_store_explicit(&g_destructor_calls, 0, memory_order_relaxed);
  g_shared = PyCapsule_New(&g_shared_target, "test.shared", counting_destructor);
  CHECK(g_shared != NULL);
  CHECK(PyCapsule_SetContext(g_shared, &g_shared_context) == 0);
  pthread_t threads[kThreads];
  for (long i = 0; i < kThreads; i++) {
    CHECK(pthread_create(&threads[i], NULL, worker, (void*)(intptr_t)i) == 0);
  }
  PyThreadState* saved = PyEval_SaveThread();
  for (int i = 0; i < kThreads; i++) CHECK(pthread_join(threads[i], NULL) == 0);
  PyEval_RestoreThread(saved);
  CHECK_EQ_LL(atomic_load_explicit(&g_worker_errors, memory_order_relaxed), 0);
  CHECK_EQ_LL(atomic_load_explicit(&g_destructor_calls, memory_order_relaxed),
              (long long)kThreads * g_iters);
  Py_DECREF(g_shared);
  CHECK_EQ_LL(atomic_load_explicit(&g_destructor_calls, memory_order_relaxed),
              (long long)kThreads * g_iters + 1);
}

int main(int argc, char** argv) {
  CHECK(argc == 2);
  Py_Initialize();
  test_single_thread();
  test_import(argv[1]);
  FtCapsuleApi* api = (FtCapsuleApi*)PyCapsule_Import("ft_capsule._C_API", 0);
  CHECK(api != NULL);
  test_threads();
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  /* The module (and its capsule) went with finalization, once. */
  CHECK_EQ_LL(api->destructor_calls, 1);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_capsule_test: OK\n");
  return 0;
}
