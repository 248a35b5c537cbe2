/* str's and bytes' methods called by name from C, as extensions call them:
 * PyObject_CallMethod(s, "encode", "ss", ...), "decode", "join", "split",
 * "strip", "startswith", "replace", "find", "partition", "hex", and
 * bytes.fromhex through the type, with CPython 3.13's results and error
 * messages; a str subclass made with PyType_FromSpec gets the methods and
 * exact str results.
 *
 * kThreads threads (more than the machine's cores) share one str and one
 * bytes object and call the methods on them with random yields from a
 * per-thread seed, checking every result; nothing leaks after
 * Py_FinalizeEx. */
#include "Python.h" /* first: it sets the feature macros */

#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 6 };

static int equals(PyObject* s, const char* utf8) {
  return s != NULL && PyUnicode_Check(s) && PyUnicode_EqualToUTF8(s, utf8) == 1;
}

static int bytes_equal(PyObject* b, const char* data, Py_ssize_t n) {
  return b != NULL && PyBytes_CheckExact(b) && PyBytes_GET_SIZE(b) == n &&
         memcmp(PyBytes_AS_STRING(b), data, (size_t)n) == 0;
}

static void expect_str(PyObject* r, const char* utf8) {
  if (r == NULL) ext_test_die_with_error("method");
  CHECK(PyUnicode_CheckExact(r));
  CHECK(equals(r, utf8));
  Py_DECREF(r);
}

static void expect_long(PyObject* r, long v) {
  if (r == NULL) ext_test_die_with_error("method");
  CHECK_EQ_LL(PyLong_AsLong(r), v);
  Py_DECREF(r);
}

/* ---- str ---------------------------------------------------------------- */

static void test_str(void) {
  PyObject* s = PyUnicode_FromString("  caf\xc3\xa9,cr\xc3\xa8me,\xf0\x9f\x98\x80  ");
  CHECK(s != NULL);
  PyObject* b = PyObject_CallMethod(s, "encode", "ss", "utf-8", "strict");
  CHECK(bytes_equal(b, "  caf\xc3\xa9,cr\xc3\xa8me,\xf0\x9f\x98\x80  ", 21));
  Py_DECREF(b);
  b = PyObject_CallMethod(s, "encode", "ss", "ascii", "replace");
  CHECK(bytes_equal(b, "  caf?,cr?me,?  ", 16));
  Py_DECREF(b);
  CHECK(PyObject_CallMethod(s, "encode", "s", "ascii") == NULL);
  ext_test_expect_error(PyExc_UnicodeEncodeError,
                        "'ascii' codec can't encode character '\\xe9' in position 5: ordinal "
                        "not in range(128)");
  CHECK(PyObject_CallMethod(s, "encode", "s", "koi8-r") == NULL);
  ext_test_expect_error(PyExc_LookupError, "unknown encoding: koi8-r");

  PyObject* stripped = PyObject_CallMethod(s, "strip", NULL);
  CHECK(equals(stripped, "caf\xc3\xa9,cr\xc3\xa8me,\xf0\x9f\x98\x80"));
  PyObject* parts = PyObject_CallMethod(stripped, "split", "s", ",");
  CHECK(parts != NULL && PyList_CheckExact(parts) && PyList_GET_SIZE(parts) == 3);
  CHECK(equals(PyList_GET_ITEM(parts, 1), "cr\xc3\xa8me"));
  PyObject* sep = PyUnicode_FromString(" | ");
  expect_str(PyObject_CallMethod(sep, "join", "O", parts),
             "caf\xc3\xa9 | cr\xc3\xa8me | \xf0\x9f\x98\x80");
  Py_DECREF(sep);
  Py_DECREF(parts);
  expect_long(PyObject_CallMethod(stripped, "find", "s", "\xf0\x9f\x98\x80"), 11);
  expect_long(PyObject_CallMethod(stripped, "rfind", "sn", "e", (Py_ssize_t)0), 9);
  expect_long(PyObject_CallMethod(stripped, "count", "s", ","), 2);
  PyObject* yes = PyObject_CallMethod(stripped, "startswith", "((ss))", "x", "caf");
  CHECK(yes == Py_True);
  Py_DECREF(yes);
  expect_str(PyObject_CallMethod(stripped, "replace", "ssn", ",", ";", (Py_ssize_t)1),
             "caf\xc3\xa9;cr\xc3\xa8me,\xf0\x9f\x98\x80");
  PyObject* part = PyObject_CallMethod(stripped, "rpartition", "s", ",");
  CHECK(part != NULL && PyTuple_GET_SIZE(part) == 3 &&
        equals(PyTuple_GET_ITEM(part, 2), "\xf0\x9f\x98\x80"));
  Py_DECREF(part);
  expect_str(PyObject_CallMethod(stripped, "center", "is", 16, "*"),
             "**caf\xc3\xa9,cr\xc3\xa8me,\xf0\x9f\x98\x80**");
  /* Errors, as CPython words them. */
  CHECK(PyObject_CallMethod(stripped, "find", "i", 1) == NULL);
  ext_test_expect_error(PyExc_TypeError, "find() argument 1 must be str, not int");
  CHECK(PyObject_CallMethod(stripped, "index", "s", "zz") == NULL);
  ext_test_expect_error(PyExc_ValueError, "substring not found");
  CHECK(PyObject_CallMethod(stripped, "split", "s", "") == NULL);
  ext_test_expect_error(PyExc_ValueError, "empty separator");
  CHECK(PyObject_CallMethod(stripped, "strip", "i", 1) == NULL);
  ext_test_expect_error(PyExc_TypeError, "strip arg must be None or str");
  /* Keywords through PyObject_Call. */
  PyObject* split = PyObject_GetAttrString(s, "split");
  PyObject* args = PyTuple_New(0);
  PyObject* kwargs = Py_BuildValue("{s:i}", "maxsplit", 1);
  PyObject* r = PyObject_Call(split, args, kwargs);
  CHECK(r != NULL && PyList_GET_SIZE(r) == 1);
  Py_DECREF(r);
  Py_DECREF(kwargs);
  Py_DECREF(args);
  Py_DECREF(split);
  Py_DECREF(stripped);
  Py_DECREF(s);
}

/* A str subclass: its instances are not compact; results are exact strs. */
static void test_str_subclass(void) {
  PyType_Slot slots[] = {{0, NULL}};
  PyType_Spec spec = {"ext.MyStr", 0, 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, slots};
  PyObject* bases = PyTuple_Pack(1, (PyObject*)&PyUnicode_Type);
  PyObject* type = PyType_FromSpecWithBases(&spec, bases);
  Py_DECREF(bases);
  if (type == NULL) ext_test_die_with_error("PyType_FromSpecWithBases");
  PyObject* sub = PyObject_CallFunction(type, "s", " a\xce\xb1,b ");
  if (sub == NULL) ext_test_die_with_error("MyStr()");
  CHECK(Py_TYPE(sub) == (PyTypeObject*)type);
  expect_str(PyObject_CallMethod(sub, "strip", NULL), "a\xce\xb1,b");
  expect_str(PyObject_CallMethod(sub, "replace", "ss", "x", "y"), " a\xce\xb1,b ");
  expect_str(PyObject_CallMethod(sub, "zfill", "i", 2), " a\xce\xb1,b ");
  PyObject* parts = PyObject_CallMethod(sub, "split", "s", "x");
  CHECK(parts != NULL && PyList_GET_SIZE(parts) == 1 &&
        PyUnicode_CheckExact(PyList_GET_ITEM(parts, 0)));
  Py_DECREF(parts);
  expect_long(PyObject_CallMethod(sub, "find", "s", "\xce\xb1"), 2);
  PyObject* b = PyObject_CallMethod(sub, "encode", NULL);
  CHECK(bytes_equal(b, " a\xce\xb1,b ", 7));
  Py_DECREF(b);
  Py_DECREF(sub);
  Py_DECREF(type);
}

/* ---- bytes -------------------------------------------------------------- */

static void test_bytes(void) {
  PyObject* b = PyBytes_FromStringAndSize(" k=\xc3\xa9, v=\x01 ", 11);
  expect_str(PyObject_CallMethod(b, "decode", "ss", "latin-1", "strict"),
             " k=\xc3\x83\xc2\xa9, v=\x01 ");
  expect_str(PyObject_CallMethod(b, "decode", NULL), " k=\xc3\xa9, v=\x01 ");
  CHECK(PyObject_CallMethod(b, "decode", "s", "ascii") == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'ascii' codec can't decode byte 0xc3 in position 3: ordinal not in "
                        "range(128)");
  PyObject* stripped = PyObject_CallMethod(b, "strip", NULL);
  CHECK(bytes_equal(stripped, "k=\xc3\xa9, v=\x01", 9));
  PyObject* comma = PyByteArray_FromStringAndSize(",", 1);
  PyObject* parts = PyObject_CallMethod(stripped, "split", "O", comma);
  CHECK(parts != NULL && PyList_GET_SIZE(parts) == 2 &&
        bytes_equal(PyList_GET_ITEM(parts, 1), " v=\x01", 4));
  PyObject* joined = PyObject_CallMethod(comma, "decode", NULL);
  CHECK(equals(joined, ","));
  Py_DECREF(joined);
  PyObject* sep = PyBytes_FromString(";");
  joined = PyObject_CallMethod(sep, "join", "O", parts);
  CHECK(bytes_equal(joined, "k=\xc3\xa9; v=\x01", 9));
  Py_DECREF(joined);
  Py_DECREF(sep);
  Py_DECREF(parts);
  expect_long(PyObject_CallMethod(stripped, "find", "i", 0xa9), 3);
  expect_long(PyObject_CallMethod(stripped, "rfind", "y", "="), 7);
  expect_long(PyObject_CallMethod(stripped, "count", "O", comma), 1);
  expect_str(PyObject_CallMethod(stripped, "hex", NULL), "6b3dc3a92c20763d01");
  expect_str(PyObject_CallMethod(stripped, "hex", "si", ":", 4), "6b:3dc3a92c:20763d01");
  PyObject* fromhex = PyObject_CallMethod((PyObject*)&PyBytes_Type, "fromhex", "s", "6b 3D");
  CHECK(bytes_equal(fromhex, "k=", 2));
  Py_DECREF(fromhex);
  PyObject* up = PyObject_CallMethod(stripped, "upper", NULL);
  CHECK(bytes_equal(up, "K=\xc3\xa9, V=\x01", 9));
  Py_DECREF(up);
  CHECK(PyObject_CallMethod(stripped, "find", "s", "k") == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "argument should be integer or bytes-like object, not 'str'");
  CHECK(PyObject_CallMethod(stripped, "index", "i", 300) == NULL);
  ext_test_expect_error(PyExc_ValueError, "byte must be in range(0, 256)");
  CHECK(PyObject_CallMethod(stripped, "startswith", "s", "k") == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "startswith first arg must be bytes or a tuple of bytes, not str");
  CHECK(PyObject_CallMethod((PyObject*)&PyBytes_Type, "fromhex", "s", "6") == NULL);
  ext_test_expect_error(PyExc_ValueError,
                        "non-hexadecimal number found in fromhex() arg at position 1");
  Py_DECREF(comma);
  Py_DECREF(stripped);
  Py_DECREF(b);
}

/* ---- threads ---------------------------------------------------------------- */

static PyObject* g_str;
static PyObject* g_bytes;
static atomic_long g_errors;
static long g_iters;

static void fail_if(int bad) {
  if (bad) atomic_fetch_add_explicit(&g_errors, 1, memory_order_relaxed);
}

static void* worker(void* arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  for (long i = 0; i < g_iters; i++) {
    if (ext_test_next_random(&seed) % 8 == 0) sched_yield();
    const unsigned pick = ext_test_next_random(&seed) % 6;
    PyObject* r = NULL;
    switch (pick) {
      case 0:
        r = PyObject_CallMethod(g_str, "split", "s", ",");
        fail_if(r == NULL || PyList_GET_SIZE(r) != 3 ||
                !equals(PyList_GET_ITEM(r, 2), "\xf0\x9f\x98\x80 "));
        break;
      case 1:
        r = PyObject_CallMethod(g_str, "encode", NULL);
        fail_if(!bytes_equal(r, "x\xce\xb1,y,\xf0\x9f\x98\x80 ", 11));
        break;
      case 2:
        r = PyObject_CallMethod(g_str, "find", "s", "\xf0\x9f\x98\x80");
        fail_if(r == NULL || PyLong_AsLong(r) != 5);
        break;
      case 3:
        r = PyObject_CallMethod(g_bytes, "decode", NULL);
        fail_if(!equals(r, "x\xce\xb1,y,\xf0\x9f\x98\x80 "));
        break;
      case 4:
        r = PyObject_CallMethod(g_bytes, "rsplit", "yi", ",", 1);
        fail_if(r == NULL || PyList_GET_SIZE(r) != 2 ||
                !bytes_equal(PyList_GET_ITEM(r, 0), "x\xce\xb1,y", 5));
        break;
      default:
        r = PyObject_CallMethod(g_bytes, "strip", NULL);
        fail_if(!bytes_equal(r, "x\xce\xb1,y,\xf0\x9f\x98\x80", 10));
        break;
    }
    if (r == NULL) PyErr_Clear();
    Py_XDECREF(r);
  }
  PyGILState_Release(g);
  return NULL;
}

int main(void) {
  const unsigned seed = ext_test_seed();
  Py_Initialize();
  test_str();
  test_str_subclass();
  test_bytes();

  g_str = PyUnicode_FromString("x\xce\xb1,y,\xf0\x9f\x98\x80 ");
  g_bytes = PyBytes_FromString("x\xce\xb1,y,\xf0\x9f\x98\x80 ");
  CHECK(g_str != NULL && g_bytes != NULL);
  g_iters = ext_test_scaled(2000, 100);
  ext_test_run_threads(kThreads, worker, seed);
  CHECK_EQ_LL(atomic_load_explicit(&g_errors, memory_order_relaxed), 0);
  Py_CLEAR(g_str);
  Py_CLEAR(g_bytes);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
