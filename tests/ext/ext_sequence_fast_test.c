/* The fast-sequence API from C (abstract.h: PySequence_Fast and its
 * macros), with the error cases and the free-threaded use it documents.
 *
 *   - an exact list or tuple comes back as itself with a new reference; a
 *     list subclass, a dict and a str are materialised into new lists;
 *   - GET_SIZE / GET_ITEM / ITEMS read lists and tuples alike;
 *   - a non-iterable gives TypeError with the caller's message; NULL
 *     gives SystemError; an iterator's own error passes through;
 *   - threads: kThreads readers take PySequence_Fast of one shared tuple
 *     (no lock needed) and of one shared list, reading the list's items
 *     inside Py_BEGIN_CRITICAL_SECTION while kThreads writers append to it;
 *     every item read is a valid int, sizes never go down, and the final
 *     size is exact (run under TSan too);
 *   - nothing leaks after Py_FinalizeEx. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

enum { kThreads = 4 };

static PyObject* make_int_list(long n) {
  PyObject* l = PyList_New(n);
  CHECK(l != NULL);
  for (long i = 0; i < n; i++) {
    PyObject* v = PyLong_FromLong(i * 10);
    CHECK(v != NULL);
    PyList_SET_ITEM(l, i, v);
  }
  return l;
}

static void test_single_thread(void) {
  /* An exact list: itself, one more reference. */
  PyObject* list = make_int_list(3);
  Py_ssize_t before = Py_REFCNT(list);
  PyObject* f = PySequence_Fast(list, "unused");
  CHECK(f == list);
  CHECK_EQ_LL(Py_REFCNT(list), before + 1);
  CHECK_EQ_LL(PySequence_Fast_GET_SIZE(f), 3);
  CHECK_EQ_LL(PyLong_AsLong(PySequence_Fast_GET_ITEM(f, 2)), 20);
  CHECK(PySequence_Fast_ITEMS(f)[1] == PyList_GET_ITEM(list, 1));
  Py_DECREF(f);
  CHECK_EQ_LL(Py_REFCNT(list), before);

  /* An exact tuple: itself. */
  PyObject* tuple = PyList_AsTuple(list);
  CHECK(tuple != NULL);
  f = PySequence_Fast(tuple, "unused");
  CHECK(f == tuple);
  CHECK_EQ_LL(PySequence_Fast_GET_SIZE(f), 3);
  CHECK_EQ_LL(PyLong_AsLong(PySequence_Fast_GET_ITEM(f, 0)), 0);
  CHECK(PySequence_Fast_ITEMS(f)[2] == PyTuple_GET_ITEM(tuple, 2));
  Py_DECREF(f);

  /* A dict: a new list of its keys. */
  PyObject* d = PyDict_New();
  CHECK(d != NULL);
  CHECK(PyDict_SetItemString(d, "k", Py_None) == 0);
  f = PySequence_Fast(d, "unused");
  CHECK(f != NULL && f != d && PyList_CheckExact(f));
  CHECK_EQ_LL(PySequence_Fast_GET_SIZE(f), 1);
  CHECK(strcmp(PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(f, 0)), "k") == 0);
  Py_DECREF(f);
  Py_DECREF(d);

  /* A str: a new list of its characters. */
  PyObject* s = PyUnicode_FromString("ab");
  CHECK(s != NULL);
  f = PySequence_Fast(s, "unused");
  CHECK(f != NULL && PyList_CheckExact(f));
  CHECK_EQ_LL(PySequence_Fast_GET_SIZE(f), 2);
  CHECK(strcmp(PyUnicode_AsUTF8(PySequence_Fast_ITEMS(f)[1]), "b") == 0);
  Py_DECREF(f);
  Py_DECREF(s);

  /* An iterator over the tuple: a new list (materialised, not itself). */
  PyObject* it = PyObject_GetIter(tuple);
  CHECK(it != NULL);
  f = PySequence_Fast(it, "unused");
  CHECK(f != NULL && f != it && PyList_CheckExact(f));
  CHECK_EQ_LL(PySequence_Fast_GET_SIZE(f), 3);
  CHECK_EQ_LL(PyLong_AsLong(PySequence_Fast_GET_ITEM(f, 1)), 10);
  Py_DECREF(f);
  Py_DECREF(it);

  PyObject* i;
  /* PySequence_List / PySequence_Tuple take any iterable too: a dict (its
   * keys), an iterator over a dict's keys, a tuple iterator. */
  PyObject* d2 = PyDict_New();
  CHECK(d2 != NULL);
  CHECK(PyDict_SetItemString(d2, "x", Py_None) == 0);
  CHECK(PyDict_SetItemString(d2, "y", Py_None) == 0);
  PyObject* sl = PySequence_List(d2);
  CHECK(sl != NULL && PyList_CheckExact(sl));
  CHECK_EQ_LL(PyList_GET_SIZE(sl), 2);
  CHECK(strcmp(PyUnicode_AsUTF8(PyList_GET_ITEM(sl, 1)), "y") == 0);
  Py_DECREF(sl);
  PyObject* kit = PyObject_GetIter(d2);
  CHECK(kit != NULL);
  PyObject* st = PySequence_Tuple(kit);
  CHECK(st != NULL && PyTuple_CheckExact(st));
  CHECK_EQ_LL(PyTuple_GET_SIZE(st), 2);
  CHECK(strcmp(PyUnicode_AsUTF8(PyTuple_GET_ITEM(st, 0)), "x") == 0);
  Py_DECREF(st);
  Py_DECREF(kit);
  Py_DECREF(d2);
  it = PyObject_GetIter(tuple);
  CHECK(it != NULL);
  sl = PySequence_List(it);
  CHECK(sl != NULL && PyList_GET_SIZE(sl) == 3);
  CHECK_EQ_LL(PyLong_AsLong(PyList_GET_ITEM(sl, 2)), 20);
  Py_DECREF(sl);
  Py_DECREF(it);
  i = PyLong_FromLong(7);
  CHECK(i != NULL);
  CHECK(PySequence_List(i) == NULL);
  ext_test_expect_error(PyExc_TypeError, NULL);
  Py_DECREF(i);

  /* Not iterable: TypeError with the caller's message. */
  i = PyLong_FromLong(5);
  CHECK(i != NULL);
  CHECK(PySequence_Fast(i, "expected a sequence of things") == NULL);
  ext_test_expect_error(PyExc_TypeError, "expected a sequence of things");
  Py_DECREF(i);
  CHECK(PySequence_Fast(Py_None, "none is no sequence") == NULL);
  ext_test_expect_error(PyExc_TypeError, "none is no sequence");

  /* NULL: SystemError (bad internal call). */
  CHECK(PySequence_Fast(NULL, "m") == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  Py_DECREF(tuple);
  Py_DECREF(list);
  CHECK(PyErr_Occurred() == NULL);
}

/* ---- Threads ------------------------------------------------------------ */

static PyObject* g_tuple;
static PyObject* g_list;
static long g_iters;
static atomic_long g_errors;

static void fail(void) { atomic_fetch_add_explicit(&g_errors, 1, memory_order_relaxed); }

static void* reader(void* arg) {
  (void)arg;
  PyGILState_STATE st = PyGILState_Ensure();
  Py_ssize_t last_size = 0;
  for (long k = 0; k < g_iters; k++) {
    /* The tuple: immutable, read without a lock. */
    PyObject* t = PySequence_Fast(g_tuple, "tuple");
    if (t != g_tuple || PySequence_Fast_GET_SIZE(t) != 8 ||
        PyLong_AsLong(PySequence_Fast_GET_ITEM(t, 7)) != 70) {
      fail();
    }
    Py_XDECREF(t);
    /* The shared list: the same list back; read inside its critical
     * section, as abstract.h says, while writers append. */
    PyObject* l = PySequence_Fast(g_list, "list");
    if (l != g_list) fail();
    long sum_ok = 1;
    Py_ssize_t n;
    Py_BEGIN_CRITICAL_SECTION(l);
    n = PySequence_Fast_GET_SIZE(l);
    PyObject** items = PySequence_Fast_ITEMS(l);
    for (Py_ssize_t j = 0; j < n; j++) {
      if (!PyLong_CheckExact(items[j])) sum_ok = 0;
    }
    Py_END_CRITICAL_SECTION();
    if (!sum_ok || n < last_size) fail();
    last_size = n;
    Py_XDECREF(l);
  }
  if (PyErr_Occurred() != NULL) {
    fail();
    PyErr_Clear();
  }
  PyGILState_Release(st);
  return NULL;
}

static void* writer(void* arg) {
  (void)arg;
  PyGILState_STATE st = PyGILState_Ensure();
  for (long k = 0; k < g_iters; k++) {
    PyObject* v = PyLong_FromLong(k);
    if (v == NULL || PyList_Append(g_list, v) != 0) fail();
    Py_XDECREF(v);
  }
  PyGILState_Release(st);
  return NULL;
}

static void test_threads(void) {
  g_iters = ext_test_scaled(5000, 100);
  PyObject* l8 = make_int_list(8);
  g_tuple = PyList_AsTuple(l8);
  CHECK(g_tuple != NULL);
  Py_DECREF(l8);
  g_list = PyList_New(0);
  CHECK(g_list != NULL);
  pthread_t threads[2 * kThreads];
  for (int i = 0; i < kThreads; i++) {
    CHECK(pthread_create(&threads[i], NULL, reader, NULL) == 0);
    CHECK(pthread_create(&threads[kThreads + i], NULL, writer, NULL) == 0);
  }
  PyThreadState* saved = PyEval_SaveThread();
  for (int i = 0; i < 2 * kThreads; i++) CHECK(pthread_join(threads[i], NULL) == 0);
  PyEval_RestoreThread(saved);
  CHECK_EQ_LL(atomic_load_explicit(&g_errors, memory_order_relaxed), 0);
  CHECK_EQ_LL(PyList_Size(g_list), (long long)kThreads * g_iters);
  Py_DECREF(g_list);
  Py_DECREF(g_tuple);
}

int main(void) {
  Py_Initialize();
  test_single_thread();
  test_threads();
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_sequence_fast_test: OK\n");
  return 0;
}
