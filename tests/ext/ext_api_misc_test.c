/* Importing by name, method calls by vectorcall, the mapping views, the
 * recursion guard and PyErr_Print, from C, with their error cases.
 *
 *   - PyImport_ImportModule / PyImport_Import / PyImport_GetModule find the
 *     extension the host loaded (argv[1], ft_capsule) and nothing else:
 *     ModuleNotFoundError with CPython's message for other names, for a
 *     missing submodule and for an attribute that is not a module;
 *     PyImport_GetModule returns NULL without an exception instead;
 *   - PyObject_VectorcallMethod and the CallMethodNoArgs / OneArg inlines
 *     bind self, pass positional and keyword arguments, and report a
 *     missing method (AttributeError) and bad input (SystemError);
 *   - PyMapping_Keys / Values / Items: a dict's snapshot, a non-dict's
 *     methods made lists, the errors;
 *   - Py_EnterRecursiveCall: RecursionError at a fixed depth with `where`
 *     in the message, the same depth again after unwinding, and per thread;
 *   - PyErr_Print writes "ValueError: boom" to stderr and clears the
 *     error; PyErr_CheckSignals has nothing to run;
 *   - kThreads threads (more than the machine's cores) import, call
 *     methods on a shared object, snapshot a dict another thread mutates,
 *     and recurse to the limit, with random yields from a per-thread seed
 *     (run under TSan too); nothing leaks after Py_FinalizeEx. */
#include "Python.h" /* first, as CPython asks: it sets the feature macros */

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 6 };

/* ---- a type with methods ---------------------------------------------- */

/* echo(*args, **kw) -> (self, nargs, number of keywords, last arg or None) */
static PyObject* echo(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                      PyObject* kwnames) {
  Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
  PyObject* last = nargs + nkw > 0 ? args[nargs + nkw - 1] : Py_None;
  return Py_BuildValue("(OnnO)", self, nargs, nkw, last);
}
static PyObject* keys(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  return Py_BuildValue("(ss)", "a", "b");  /* a tuple: made a list */
}
static PyObject* values(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  return Py_BuildValue("[ii]", 1, 2);
}
static PyObject* items(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  return Py_BuildValue("((si)(si))", "a", 1, "b", 2);
}
static PyMethodDef g_methods[] = {
    {"echo", (PyCFunction)(void (*)(void))echo, METH_FASTCALL | METH_KEYWORDS, NULL},
    {"keys", keys, METH_NOARGS, NULL},
    {"values", values, METH_NOARGS, NULL},
    {"items", items, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};
static PyType_Slot g_slots[] = {{Py_tp_methods, g_methods}, {0, NULL}};
static PyType_Spec g_spec = {"ext_api_misc_test.Thing", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT,
                             g_slots};

static PyObject* g_module;  /* ft_capsule, as loaded */
static PyObject* g_thing;   /* an instance, shared by the threads */
static PyObject* g_dict;    /* mutated by one thread, snapshotted by others */
static int g_limit;         /* the depth at which Py_EnterRecursiveCall refuses */
static long g_iters;
static atomic_long g_errors;

/* ---- import ------------------------------------------------------------- */

static void test_import(void) {
  PyObject* m = PyImport_ImportModule("ft_capsule");
  CHECK(m == g_module);
  Py_DECREF(m);
  PyObject* name = PyUnicode_FromString("ft_capsule");
  m = PyImport_Import(name);
  CHECK(m == g_module);
  Py_DECREF(m);
  m = PyImport_GetModule(name);
  CHECK(m == g_module);
  Py_DECREF(m);
  Py_DECREF(name);

  CHECK(PyImport_ImportModule("no_such_module") == NULL);
  ext_test_expect_error(PyExc_ModuleNotFoundError, "No module named 'no_such_module'");
  CHECK(PyImport_ImportModule("sys") == NULL);  /* no interpreter modules */
  ext_test_expect_error(PyExc_ModuleNotFoundError, "No module named 'sys'");
  CHECK(PyImport_ImportModule("ft_capsule.nothing") == NULL);
  ext_test_expect_error(PyExc_ModuleNotFoundError, "No module named 'ft_capsule.nothing'");
  /* An attribute that is not a module is not importable. */
  CHECK(PyImport_ImportModule("ft_capsule.not_capsule") == NULL);
  ext_test_expect_error(PyExc_ModuleNotFoundError, "No module named 'ft_capsule.not_capsule'");

  name = PyUnicode_FromString("no_such_module");
  CHECK(PyImport_GetModule(name) == NULL);
  CHECK(PyErr_Occurred() == NULL);
  Py_DECREF(name);

  CHECK(PyImport_ImportModule(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyImport_Import(Py_None) == NULL);  /* not a str */
  ext_test_expect_error(PyExc_TypeError, NULL);
}

/* ---- method calls --------------------------------------------------------- */

static void check_echo(PyObject* r, Py_ssize_t nargs, Py_ssize_t nkw, PyObject* last) {
  CHECK(r != NULL);
  CHECK(PyTuple_Check(r) && PyTuple_GET_SIZE(r) == 4);
  CHECK(PyTuple_GET_ITEM(r, 0) == g_thing);
  CHECK_EQ_LL(PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 1)), nargs);
  CHECK_EQ_LL(PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 2)), nkw);
  CHECK(PyTuple_GET_ITEM(r, 3) == last);
  Py_DECREF(r);
}

static void test_methods(void) {
  PyObject* name = PyUnicode_InternFromString("echo");
  PyObject* one = PyLong_FromLong(1);
  PyObject* two = PyLong_FromLong(2);

  check_echo(PyObject_CallMethodNoArgs(g_thing, name), 0, 0, Py_None);
  check_echo(PyObject_CallMethodOneArg(g_thing, name, one), 1, 0, one);
  PyObject* args[3] = {g_thing, one, two};
  check_echo(PyObject_VectorcallMethod(name, args, 3, NULL), 2, 0, two);
  /* One positional, one keyword (k=2). */
  PyObject* kwnames = Py_BuildValue("(s)", "k");
  check_echo(PyObject_VectorcallMethod(name, args, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames),
             1, 1, two);
  Py_DECREF(kwnames);
  /* The caller's array is intact afterwards. */
  CHECK(args[0] == g_thing && args[1] == one && args[2] == two);

  PyObject* missing = PyUnicode_FromString("missing");
  CHECK(PyObject_CallMethodNoArgs(g_thing, missing) == NULL);
  ext_test_expect_error(PyExc_AttributeError, NULL);
  Py_DECREF(missing);
  CHECK(PyObject_VectorcallMethod(name, args, 0, NULL) == NULL);  /* no self */
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyObject_VectorcallMethod(NULL, args, 1, NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  Py_DECREF(two);
  Py_DECREF(one);
  Py_DECREF(name);
}

/* ---- mapping views ---------------------------------------------------- */

static void check_list(PyObject* l, const char* expected_repr) {
  CHECK(l != NULL);
  CHECK(PyList_CheckExact(l));
  PyObject* r = PyObject_Repr(l);
  CHECK(r != NULL);
  if (strcmp(PyUnicode_AsUTF8(r), expected_repr) != 0) {
    fprintf(stderr, "repr: %s, expected %s\n", PyUnicode_AsUTF8(r), expected_repr);
    CHECK(0);
  }
  Py_DECREF(r);
  Py_DECREF(l);
}

static void test_mapping(void) {
  PyObject* d = Py_BuildValue("{sisi}", "x", 10, "y", 20);
  check_list(PyMapping_Keys(d), "['x', 'y']");
  check_list(PyMapping_Values(d), "[10, 20]");
  check_list(PyMapping_Items(d), "[('x', 10), ('y', 20)]");
  Py_DECREF(d);

  check_list(PyMapping_Keys(g_thing), "['a', 'b']");
  check_list(PyMapping_Values(g_thing), "[1, 2]");
  check_list(PyMapping_Items(g_thing), "[('a', 1), ('b', 2)]");

  PyObject* n = PyLong_FromLong(3);
  CHECK(PyMapping_Keys(n) == NULL);  /* int has no keys() */
  ext_test_expect_error(PyExc_AttributeError, NULL);
  Py_DECREF(n);
  CHECK(PyMapping_Items(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
}

/* ---- recursion guard -------------------------------------------------- */

/* Recurses until refused; returns the depth reached. */
static int recurse(int depth) {
  if (Py_EnterRecursiveCall(" in recurse") != 0) return depth;
  int r = recurse(depth + 1);
  Py_LeaveRecursiveCall();
  return r;
}

static void test_recursion(void) {
  g_limit = recurse(0);
  CHECK(g_limit > 100);
  ext_test_expect_error(PyExc_RecursionError, "maximum recursion depth exceeded in recurse");
  /* Balanced: the same limit again. */
  CHECK_EQ_LL(recurse(0), g_limit);
  ext_test_expect_error(PyExc_RecursionError, NULL);
  CHECK(Py_EnterRecursiveCall(NULL) == 0);
  Py_LeaveRecursiveCall();
  CHECK(PyErr_Occurred() == NULL);
}

/* ---- PyErr_Print and signals ------------------------------------------ */

static void test_print(void) {
  char path[] = "/tmp/ext_api_misc_test_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  unlink(path);
  fflush(stderr);
  int saved = dup(2);
  CHECK(saved >= 0 && dup2(fd, 2) == 2);
  PyErr_SetString(PyExc_ValueError, "boom");
  PyErr_Print();
  PyErr_PrintEx(0);  /* nothing pending: prints nothing */
  PyErr_SetString(PyExc_KeyError, "k");
  PyErr_PrintEx(1);
  fflush(stderr);
  CHECK(dup2(saved, 2) == 2);
  close(saved);
  char buf[256] = {0};
  CHECK(pread(fd, buf, sizeof buf - 1, 0) > 0);
  close(fd);
  if (strcmp(buf, "ValueError: boom\nKeyError: 'k'\n") != 0) {
    fprintf(stderr, "printed: '%s'\n", buf);
    CHECK(0);
  }
  CHECK(PyErr_Occurred() == NULL);
  CHECK(PyErr_CheckSignals() == 0);
}

/* ---- threads ----------------------------------------------------------- */

static void* worker(void* arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject* name = PyUnicode_InternFromString("echo");
  for (long i = 0; i < g_iters; i++) {
    if (ext_test_next_random(&seed) % 8 == 0) sched_yield();
    PyObject* m = PyImport_ImportModule("ft_capsule");
    if (m != g_module) atomic_fetch_add(&g_errors, 1);
    Py_XDECREF(m);
    PyObject* r = PyObject_CallMethodOneArg(g_thing, name, Py_None);
    if (r == NULL || PyTuple_GET_ITEM(r, 0) != g_thing) atomic_fetch_add(&g_errors, 1);
    Py_XDECREF(r);
    PyObject* items = PyMapping_Items(g_dict);
    /* Every snapshot is a list of (key, value) pairs with value == key. */
    if (items == NULL) {
      atomic_fetch_add(&g_errors, 1);
    } else {
      for (Py_ssize_t j = 0; j < PyList_GET_SIZE(items); j++) {
        PyObject* kv = PyList_GET_ITEM(items, j);
        if (PyTuple_GET_ITEM(kv, 0) != PyTuple_GET_ITEM(kv, 1)) atomic_fetch_add(&g_errors, 1);
      }
      Py_DECREF(items);
    }
    if (i % 64 == 0) {
      /* Each thread has its own depth: the same limit as the main thread. */
      if (recurse(0) != g_limit) atomic_fetch_add(&g_errors, 1);
      if (!PyErr_ExceptionMatches(PyExc_RecursionError)) atomic_fetch_add(&g_errors, 1);
      PyErr_Clear();
    }
  }
  Py_DECREF(name);
  PyGILState_Release(g);
  return NULL;
}

static atomic_int g_stop;

static void* mutator(void* arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  while (!atomic_load(&g_stop)) {
    PyObject* k = PyLong_FromLong((long)(ext_test_next_random(&seed) % 32));
    if (ext_test_next_random(&seed) % 2) {
      if (PyDict_SetItem(g_dict, k, k) < 0) atomic_fetch_add(&g_errors, 1);
    } else if (PyDict_DelItem(g_dict, k) < 0) {
      PyErr_Clear();  /* absent */
    }
    Py_DECREF(k);
    if (ext_test_next_random(&seed) % 16 == 0) sched_yield();
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_threads(unsigned seed) {
  g_iters = ext_test_scaled(2000, 200);
  g_dict = PyDict_New();
  pthread_t mut;
  CHECK(pthread_create(&mut, NULL, mutator, (void*)(uintptr_t)(seed + 99)) == 0);
  ext_test_run_threads(kThreads, worker, seed);
  atomic_store(&g_stop, 1);
  Py_BEGIN_ALLOW_THREADS
  CHECK(pthread_join(mut, NULL) == 0);
  Py_END_ALLOW_THREADS
  CHECK_EQ_LL(atomic_load(&g_errors), 0);
  Py_CLEAR(g_dict);
}

int main(int argc, char** argv) {
  CHECK(argc == 2);
  const unsigned seed = ext_test_seed();
  Py_Initialize();
  g_module = ftrt_ImportExtension("ft_capsule", argv[1]);
  if (g_module == NULL) ext_test_die_with_error("import ft_capsule");
  PyObject* type = PyType_FromSpec(&g_spec);
  CHECK(type != NULL);
  g_thing = PyObject_CallNoArgs(type);
  CHECK(g_thing != NULL);

  test_import();
  test_methods();
  test_mapping();
  test_recursion();
  test_print();
  test_threads(seed);

  Py_CLEAR(g_thing);
  Py_DECREF(type);
  Py_CLEAR(g_module);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
