/* Late finalization: a finalizer that starts a thread during Py_FinalizeEx
 * gets PythonFinalizationError (ft_finalizer_thread), visible through
 * PyErr_ExceptionMatches; before finalization the same finalizer starts
 * its thread normally.
 *
 * A Resource is left in a reference cycle so that only Py_FinalizeEx's
 * collection finalizes it. A Py_AtExit function (run by Py_FinalizeEx
 * after that collection, the runtime still attached) reads the module's
 * stats and tries PyThread_start_new_thread itself. */
#include <sched.h>
#include <string.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

static PyObject* g_stats_fn;        /* module.stats, kept past the module */
static PyObject* g_last_refusal_fn; /* module.last_refusal */
static long g_seen[3] = {-1, -1, -1};
static int g_direct_refused = 0;
static char g_refusal[160];

static void read_stats(long out[3]) {
  PyObject* t = PyObject_CallNoArgs(g_stats_fn);
  CHECK(t != NULL);
  CHECK(PyArg_ParseTuple(t, "lll", &out[0], &out[1], &out[2]));
  Py_DECREF(t);
}

static void noop(void* arg) { (void)arg; }

static void at_exit(void) {
  CHECK(Py_IsFinalizing());
  read_stats(g_seen);
  PyObject* s = PyObject_CallNoArgs(g_last_refusal_fn);
  CHECK(s != NULL);
  snprintf(g_refusal, sizeof g_refusal, "%s", PyUnicode_AsUTF8(s));
  Py_DECREF(s);
  /* The attached finalizer itself is refused too. */
  unsigned long id = PyThread_start_new_thread(noop, NULL);
  if (id == PYTHREAD_INVALID_THREAD_ID &&
      PyErr_ExceptionMatches(PyExc_PythonFinalizationError)) {
    g_direct_refused = 1;
  }
  PyErr_Clear();
  Py_CLEAR(g_stats_fn);
  Py_CLEAR(g_last_refusal_fn);
}

int main(int argc, char** argv) {
  CHECK(argc >= 2);
  Py_Initialize();
  PyObject* m = ftrt_ImportExtension("ft_finalizer_thread", argv[1]);
  if (m == NULL) ext_test_die_with_error("import ft_finalizer_thread");
  g_stats_fn = PyObject_GetAttrString(m, "stats");
  g_last_refusal_fn = PyObject_GetAttrString(m, "last_refusal");
  PyObject* type = PyObject_GetAttrString(m, "Resource");
  CHECK(g_stats_fn != NULL && g_last_refusal_fn != NULL && type != NULL);

  /* Before finalization: the finalizer starts a thread, which runs the
   * callback. */
  PyObject* r = PyObject_CallOneArg(type, g_stats_fn);
  CHECK(r != NULL);
  Py_DECREF(r);
  long st[3];
  read_stats(st);
  CHECK_EQ_LL(st[0], 1);
  CHECK_EQ_LL(st[2], 0);
  for (;;) { /* wait for the flush thread, detached so it can attach */
    read_stats(st);
    if (st[1] == 1) break;
    PyThreadState* ts = PyEval_SaveThread();
    sched_yield();
    PyEval_RestoreThread(ts);
  }

  /* A Resource only a cycle keeps alive: finalized by Py_FinalizeEx. */
  r = PyObject_CallOneArg(type, g_stats_fn);
  CHECK(r != NULL);
  PyObject* cycle = PyList_New(0);
  CHECK(cycle != NULL);
  CHECK(PyList_Append(cycle, r) == 0);
  CHECK(PyList_Append(cycle, cycle) == 0);
  Py_DECREF(r);
  Py_DECREF(cycle);
  Py_DECREF(type);
  Py_DECREF(m);

  CHECK(Py_AtExit(at_exit) == 0);
  CHECK(Py_FinalizeEx() == 0);
  /* The cycle, its Resource, the module and what at_exit dropped were all
   * freed. (The daemon flush thread had finished its work before: it
   * holds nothing.) */
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  /* started 1, ran 2 (the second inline), refused 1. */
  CHECK_EQ_LL(g_seen[0], 1);
  CHECK_EQ_LL(g_seen[1], 2);
  CHECK_EQ_LL(g_seen[2], 1);
  CHECK(strstr(g_refusal, "shutdown") != NULL);
  CHECK(g_direct_refused);
  printf("ext_finalizer_thread_test: OK (%s)\n", g_refusal);
  return 0;
}
