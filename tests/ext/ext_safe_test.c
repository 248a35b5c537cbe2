/* ft_safe from many threads, through the C API only (a C host linked with
 * the runtime and -rdynamic, so the extension's calls resolve here).
 *
 * 8 threads (more than the 2 cores) attach with PyGILState_Ensure and call
 * Counter.increment(), the module's bump(), a shared Queue's put()/get()
 * and count_word() on a shared dict, N times each (N = 100k scaled by
 * FTRT_TEST_SCALE). Results must be exact: the counter and the hit count
 * are 8N, every put item is got or left in the queue (sum of values
 * preserved), the dict counts 8N words. Py_FinalizeEx returns 0 and leaves
 * no object allocated (ftrt_LeakedObjectsAtLastFinalize); under ASan,
 * LeakSanitizer checks the memory outside the runtime's allocator. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

enum { kThreads = 8 };

static PyObject* g_module;
static PyObject* g_counter;
static PyObject* g_queue;
static PyObject* g_words;
static long g_iters;
static long long g_got_sum[kThreads];
static long g_got[kThreads];

static void* worker(void* arg) {
  long id = (long)(intptr_t)arg;
  PyGILState_STATE st = PyGILState_Ensure();
  PyObject* word = PyUnicode_FromString(id % 2 ? "odd" : "even");
  CHECK(word != NULL);
  for (long i = 0; i < g_iters; i++) {
    PyObject* r = PyObject_CallMethod(g_counter, "increment", NULL);
    CHECK(r != NULL);
    Py_DECREF(r);
    r = PyObject_CallMethod(g_module, "bump", NULL);
    CHECK(r != NULL);
    Py_DECREF(r);
    if (i % 4 == 0) {
      PyObject* v = PyLong_FromLong(i + 1);
      r = PyObject_CallMethod(g_queue, "put", "O", v);
      CHECK(r != NULL);
      Py_DECREF(r);
      Py_DECREF(v);
      r = PyObject_CallMethod(g_queue, "get", NULL);
      if (r == NULL) {
        /* another thread took ours: fine, it must be IndexError */
        CHECK(PyErr_ExceptionMatches(PyExc_IndexError));
        PyErr_Clear();
      } else {
        g_got_sum[id] += PyLong_AsLongLong(r);
        g_got[id]++;
        Py_DECREF(r);
      }
      PyObject* args[2] = {g_words, word};
      PyObject* f = PyObject_GetAttrString(g_module, "count_word");
      CHECK(f != NULL);
      r = PyObject_Vectorcall(f, args, 2, NULL);
      CHECK(r != NULL);
      Py_DECREF(r);
      Py_DECREF(f);
    }
  }
  Py_DECREF(word);
  PyGILState_Release(st);
  return NULL;
}

static long long long_attr_call(PyObject* o, const char* method) {
  PyObject* r = PyObject_CallMethod(o, method, NULL);
  CHECK(r != NULL);
  long long v = PyLong_AsLongLong(r);
  Py_DECREF(r);
  return v;
}

int main(int argc, char** argv) {
  CHECK(argc >= 2);
  g_iters = ext_test_scaled(100000, 200);
  printf("ext_safe_test: %d threads x %ld iterations\n", kThreads, g_iters);
  Py_Initialize();
  CHECK(Py_IsInitialized());
  g_module = ftrt_ImportExtension("ft_safe", argv[1]);
  if (g_module == NULL) ext_test_die_with_error("import ft_safe");
  /* A second import returns the same module. */
  PyObject* again = ftrt_ImportExtension("ft_safe", argv[1]);
  CHECK(again == g_module);
  Py_DECREF(again);

  PyObject* counter_type = PyObject_GetAttrString(g_module, "Counter");
  CHECK(counter_type != NULL);
  g_counter = PyObject_CallNoArgs(counter_type);
  CHECK(g_counter != NULL);
  g_queue = PyObject_CallMethod(g_module, "make_queue", NULL);
  CHECK(g_queue != NULL);
  g_words = PyDict_New();
  CHECK(g_words != NULL);

  /* Workers attach themselves; the main thread lets them run. */
  PyThreadState* saved = PyEval_SaveThread();
  pthread_t threads[kThreads];
  for (long i = 0; i < kThreads; i++) {
    CHECK(pthread_create(&threads[i], NULL, worker, (void*)(intptr_t)i) == 0);
  }
  for (int i = 0; i < kThreads; i++) CHECK(pthread_join(threads[i], NULL) == 0);
  PyEval_RestoreThread(saved);

  const long long total = (long long)kThreads * g_iters;
  PyObject* value = PyObject_GetAttrString(g_counter, "value");
  CHECK(value != NULL);
  CHECK_EQ_LL(PyLong_AsLongLong(value), total);
  Py_DECREF(value);
  CHECK_EQ_LL(long_attr_call(g_module, "hits"), total);
  CHECK_EQ_LL(long_attr_call(g_module, "queue_count"), 1);

  /* Every put value was got by someone or is still queued. */
  long long put_sum = 0, got_sum = 0;
  long puts = 0, gots = 0;
  for (long i = 0; i < g_iters; i += 4) {
    put_sum += (i + 1) * kThreads;
    puts += kThreads;
  }
  for (int i = 0; i < kThreads; i++) {
    got_sum += g_got_sum[i];
    gots += g_got[i];
  }
  PyObject* rest = PyObject_CallMethod(g_queue, "drain", NULL);
  CHECK(rest != NULL && PyList_Check(rest));
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(rest); i++) {
    got_sum += PyLong_AsLongLong(PyList_GET_ITEM(rest, i));
    gots++;
  }
  Py_DECREF(rest);
  CHECK_EQ_LL(gots, puts);
  CHECK_EQ_LL(got_sum, put_sum);

  /* count_word: 8 threads, puts/8 calls each, half "odd", half "even". */
  CHECK_EQ_LL(PyDict_Size(g_words), 2);
  PyObject* n = NULL;
  CHECK(PyDict_GetItemStringRef(g_words, "odd", &n) == 1);
  CHECK_EQ_LL(PyLong_AsLongLong(n), puts / 2);
  Py_DECREF(n);
  CHECK(PyDict_GetItemStringRef(g_words, "even", &n) == 1);
  CHECK_EQ_LL(PyLong_AsLongLong(n), puts / 2);
  Py_DECREF(n);

  /* repr through the type's slot and PyUnicode_FromFormat's %lld. */
  PyObject* repr = PyObject_Repr(g_counter);
  CHECK(repr != NULL);
  char expect[64];
  snprintf(expect, sizeof expect, "ft_safe.Counter(%lld)", total);
  CHECK(strcmp(PyUnicode_AsUTF8(repr), expect) == 0);
  Py_DECREF(repr);

  Py_DECREF(g_words);
  Py_DECREF(g_queue);
  Py_DECREF(g_counter);
  Py_DECREF(counter_type);
  Py_DECREF(g_module);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  /* Every object the run made was freed (LeakSanitizer alone cannot tell:
   * the runtime's allocator frees what is left when the runtime goes). */
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  CHECK(!Py_IsInitialized());
  CHECK(Py_IsFinalizing());
  printf("ext_safe_test: OK\n");
  return 0;
}
