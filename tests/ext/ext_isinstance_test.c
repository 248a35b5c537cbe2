/* PyObject_IsInstance, PyObject_IsSubclass and PyOS_snprintf /
 * PyOS_vsnprintf from C, with their error cases.
 *
 *   - built-in types (bool is an int; str is not), object, a heap type
 *     made with PyType_FromSpecWithBases and its base;
 *   - tuples of types, nested, empty; the first match wins, so an invalid
 *     entry before a match is TypeError and one after it is not looked at;
 *   - TypeError for a non-type cls (and for a non-type derived), with
 *     CPython's messages; SystemError for NULL; RecursionError for a tuple
 *     nested past the limit;
 *   - snprintf: formatting, truncation (the full length returned, the
 *     output NUL-terminated), vsnprintf through a va_list;
 *   - isinstance from kThreads threads on shared objects (pure reads; run
 *     under TSan too); nothing leaks after Py_FinalizeEx. */
#include <stdatomic.h>
#include <string.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

enum { kThreads = 4 };

static const char kInstanceMsg[] =
    "isinstance() arg 2 must be a type, a tuple of types, or a union";
static const char kSubclassMsg[] =
    "issubclass() arg 2 must be a class, a tuple of classes, or a union";

static PyType_Slot g_base_slots[] = {{0, NULL}};
static PyType_Spec g_base_spec = {"ext_isinstance_test.Base", sizeof(PyObject), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, g_base_slots};
static PyType_Slot g_derived_slots[] = {{0, NULL}};
static PyType_Spec g_derived_spec = {"ext_isinstance_test.Derived", sizeof(PyObject), 0,
                                     Py_TPFLAGS_DEFAULT, g_derived_slots};

static PyObject* g_int;    /* 5 */
static PyObject* g_str;    /* "s" */
static PyObject* g_types;  /* (str, (float, int)) */
static long g_iters;
static atomic_long g_errors;

static void test_isinstance(void) {
  PyObject* o_int = (PyObject*)&PyLong_Type;
  PyObject* o_str = (PyObject*)&PyUnicode_Type;
  PyObject* o_bool = (PyObject*)&PyBool_Type;
  PyObject* o_obj = (PyObject*)&PyBaseObject_Type;

  CHECK(PyObject_IsInstance(g_int, o_int) == 1);
  CHECK(PyObject_IsInstance(Py_True, o_int) == 1); /* bool subclasses int */
  CHECK(PyObject_IsInstance(g_int, o_bool) == 0);
  CHECK(PyObject_IsInstance(g_str, o_int) == 0);
  CHECK(PyObject_IsInstance(g_str, o_obj) == 1);
  CHECK(PyObject_IsInstance(o_int, (PyObject*)&PyType_Type) == 1); /* a type is a type */

  /* Tuples: any match, nested, empty. */
  CHECK(PyObject_IsInstance(g_int, g_types) == 1);
  CHECK(PyObject_IsInstance(g_str, g_types) == 1);
  CHECK(PyObject_IsInstance(Py_None, g_types) == 0);
  PyObject* empty = PyTuple_New(0);
  CHECK(empty != NULL);
  CHECK(PyObject_IsInstance(g_int, empty) == 0);
  CHECK(PyErr_Occurred() == NULL);

  /* A heap type and its base. */
  PyObject* base = PyType_FromSpec(&g_base_spec);
  CHECK(base != NULL);
  PyObject* derived = PyType_FromSpecWithBases(&g_derived_spec, base);
  CHECK(derived != NULL);
  PyObject* d = PyObject_CallNoArgs(derived);
  CHECK(d != NULL);
  CHECK(PyObject_IsInstance(d, derived) == 1);
  CHECK(PyObject_IsInstance(d, base) == 1);
  CHECK(PyObject_IsInstance(g_int, base) == 0);
  CHECK(PyObject_IsSubclass(derived, base) == 1);
  CHECK(PyObject_IsSubclass(base, derived) == 0);
  CHECK(PyObject_IsSubclass(derived, o_obj) == 1);

  /* Bad cls: TypeError; an invalid entry before a match is seen, one
   * after it is not. */
  CHECK(PyObject_IsInstance(g_int, g_int) == -1);
  ext_test_expect_error(PyExc_TypeError, kInstanceMsg);
  PyObject* bad_first = PyTuple_Pack(2, g_str, o_int);
  PyObject* bad_last = PyTuple_Pack(2, o_int, g_str);
  CHECK(bad_first != NULL && bad_last != NULL);
  CHECK(PyObject_IsInstance(g_int, bad_first) == -1);
  ext_test_expect_error(PyExc_TypeError, kInstanceMsg);
  CHECK(PyObject_IsInstance(g_int, bad_last) == 1);
  CHECK(PyErr_Occurred() == NULL);

  /* issubclass. */
  CHECK(PyObject_IsSubclass(o_bool, o_int) == 1);
  CHECK(PyObject_IsSubclass(o_int, o_bool) == 0);
  CHECK(PyObject_IsSubclass(o_int, o_int) == 1);
  CHECK(PyObject_IsSubclass(o_bool, g_types) == 1);
  CHECK(PyObject_IsSubclass(o_obj, g_types) == 0);
  CHECK(PyObject_IsSubclass(g_int, o_int) == -1);
  ext_test_expect_error(PyExc_TypeError, "issubclass() arg 1 must be a class");
  CHECK(PyObject_IsSubclass(o_int, g_str) == -1);
  ext_test_expect_error(PyExc_TypeError, kSubclassMsg);
  CHECK(PyObject_IsSubclass(o_int, bad_first) == -1);
  ext_test_expect_error(PyExc_TypeError, kSubclassMsg);

  /* NULL arguments: SystemError. */
  CHECK(PyObject_IsInstance(NULL, o_int) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyObject_IsInstance(g_int, NULL) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyObject_IsSubclass(NULL, o_int) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* A tuple nested 1200 deep (the limit is 1000): RecursionError, no crash. */
  PyObject* nested = Py_NewRef(o_str);
  for (int k = 0; k < 1200; k++) {
    PyObject* t = PyTuple_Pack(1, nested);
    CHECK(t != NULL);
    Py_DECREF(nested);
    nested = t;
  }
  CHECK(PyObject_IsInstance(g_int, nested) == -1);
  ext_test_expect_error(PyExc_RecursionError, NULL);
  Py_DECREF(nested);

  Py_DECREF(bad_first);
  Py_DECREF(bad_last);
  Py_DECREF(d);
  Py_DECREF(derived);
  Py_DECREF(base);
  Py_DECREF(empty);
}

static int call_vsnprintf(char* buf, size_t size, const char* format, ...) {
  va_list va;
  va_start(va, format);
  int r = PyOS_vsnprintf(buf, size, format, va);
  va_end(va);
  return r;
}

static void test_snprintf(void) {
  char buf[16];
  CHECK_EQ_LL(PyOS_snprintf(buf, sizeof buf, "%d-%s", 42, "ab"), 5);
  CHECK(strcmp(buf, "42-ab") == 0);
  /* Truncated: the full length back, the output cut and terminated. */
  memset(buf, 'x', sizeof buf);
  CHECK_EQ_LL(PyOS_snprintf(buf, 6, "%s", "abcdefghij"), 10);
  CHECK(strcmp(buf, "abcde") == 0);
  CHECK(buf[6] == 'x'); /* nothing past size written */
  /* size 1: just the terminator. */
  buf[0] = 'q';
  CHECK_EQ_LL(PyOS_snprintf(buf, 1, "%s", "abc"), 3);
  CHECK(buf[0] == '\0');
  CHECK_EQ_LL(call_vsnprintf(buf, sizeof buf, "%05.1f|%c", 3.14159, 'z'), 7);
  CHECK(strcmp(buf, "003.1|z") == 0);
}

static void* reader(void* arg) {
  (void)arg;
  PyGILState_STATE st = PyGILState_Ensure();
  for (long k = 0; k < g_iters; k++) {
    if (PyObject_IsInstance(g_int, g_types) != 1 ||
        PyObject_IsInstance(Py_None, g_types) != 0 ||
        PyObject_IsSubclass((PyObject*)&PyBool_Type, g_types) != 1) {
      atomic_fetch_add_explicit(&g_errors, 1, memory_order_relaxed);
    }
  }
  PyGILState_Release(st);
  return NULL;
}

int main(void) {
  Py_Initialize();
  g_int = PyLong_FromLong(5);
  g_str = PyUnicode_FromString("s");
  PyObject* inner = PyTuple_Pack(2, (PyObject*)&PyFloat_Type, (PyObject*)&PyLong_Type);
  CHECK(g_int != NULL && g_str != NULL && inner != NULL);
  g_types = PyTuple_Pack(2, (PyObject*)&PyUnicode_Type, inner);
  CHECK(g_types != NULL);
  Py_DECREF(inner);

  test_isinstance();
  test_snprintf();

  g_iters = ext_test_scaled(20000, 200);
  ext_test_run_threads(kThreads, reader, 0);
  CHECK_EQ_LL(atomic_load_explicit(&g_errors, memory_order_relaxed), 0);

  Py_DECREF(g_types);
  Py_DECREF(g_str);
  Py_DECREF(g_int);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_isinstance_test: OK\n");
  return 0;
}
