/* bytearray from C (bytearrayobject.h), used the way extensions use it:
 *
 *   - PyByteArray_FromStringAndSize (with data, with NULL: zeroed; a
 *     negative size), PyByteArray_FromObject (bytes, a list of ints, an int
 *     size, an iterator; a float, a bad byte value), PyByteArray_Concat,
 *     PyByteArray_Size / AsString / Resize, the macros
 *     PyByteArray_AS_STRING / GET_SIZE (the empty string for an empty
 *     bytearray), PyByteArray_Check / CheckExact;
 *   - the Python-level behaviour through the abstract API: calling the
 *     type, methods by PyObject_CallMethod (append, extend, pop, clear,
 *     copy, decode), PySequence_* items, contains, concat and repeat,
 *     compare with bytes, repr, hash, iteration;
 *   - the buffer protocol: a writable export, and every resize while it is
 *     held failing with BufferError "Existing exports of data: object
 *     cannot be re-sized";
 *   - bad input with CPython 3.13's exceptions and messages (checked
 *     against CPython 3.13.0), SystemError for NULL or non-bytearray
 *     arguments where CPython only asserts;
 *   - threads: 6 threads (more than the cores), random yields, seeded:
 *     3 append / extend / pop one shared bytearray while 3 read its size,
 *     items and held buffers; writers retry what an export refused; at the
 *     end the contents plus what was popped are exactly what was appended,
 *     per byte value;
 *   - nothing leaks after Py_FinalizeEx. */
#include "Python.h"

#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "tests/ext/ext_test_util.h"

static const char* const kExported = "Existing exports of data: object cannot be re-sized";

/* The contents of a bytearray equal (data, n). */
static int has_contents(PyObject* b, const char* data, Py_ssize_t n) {
  return PyByteArray_Check(b) && PyByteArray_GET_SIZE(b) == n && PyByteArray_Size(b) == n &&
         memcmp(PyByteArray_AS_STRING(b), data, (size_t)n) == 0 &&
         PyByteArray_AS_STRING(b)[n] == '\0';
}

static PyObject* type_obj(void) { return (PyObject*)&PyByteArray_Type; }

static void test_c_api(void) {
  PyObject* b = PyByteArray_FromStringAndSize("ab\0c", 4);
  CHECK(b != NULL && has_contents(b, "ab\0c", 4));
  CHECK(PyByteArray_CheckExact(b) && Py_TYPE(b) == &PyByteArray_Type);
  CHECK(PyByteArray_AsString(b) == PyByteArray_AS_STRING(b));
  CHECK(((PyByteArrayObject*)b)->ob_exports == 0);
  CHECK(((PyByteArrayObject*)b)->ob_alloc > 4);

  PyObject* zeroed = PyByteArray_FromStringAndSize(NULL, 3);
  CHECK(zeroed != NULL && has_contents(zeroed, "\0\0\0", 3));
  PyObject* empty = PyByteArray_FromStringAndSize(NULL, 0);
  CHECK(empty != NULL && PyByteArray_GET_SIZE(empty) == 0);
  CHECK(PyByteArray_AS_STRING(empty) == _PyByteArray_empty_string);
  CHECK(strcmp(PyByteArray_AsString(empty), "") == 0);
  CHECK(PyByteArray_FromStringAndSize("x", -1) == NULL);
  ext_test_expect_error(PyExc_SystemError,
                        "Negative size passed to PyByteArray_FromStringAndSize");

  /* Resize: grows with zero bytes, shrinks, refuses a negative size. */
  CHECK(PyByteArray_Resize(zeroed, 5) == 0 && has_contents(zeroed, "\0\0\0\0\0", 5));
  memcpy(PyByteArray_AS_STRING(zeroed), "hello", 5);
  CHECK(PyByteArray_Resize(zeroed, 4) == 0 && has_contents(zeroed, "hell", 4));
  CHECK(PyByteArray_Resize(zeroed, 0) == 0 && PyByteArray_AS_STRING(zeroed)[0] == '\0');
  CHECK(PyByteArray_Resize(zeroed, -1) == -1);
  ext_test_expect_error(PyExc_ValueError, "Can only resize to positive sizes, got -1");

  /* Where CPython only asserts: SystemError, nothing touched. */
  PyObject* bytes = PyBytes_FromString("xyz");
  CHECK(PyByteArray_Size(bytes) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyByteArray_AsString(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyByteArray_Resize(bytes, 1) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyByteArray_FromObject(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(!PyByteArray_Check(bytes));

  /* FromObject: bytearray(o). */
  PyObject* fb = PyByteArray_FromObject(bytes);
  CHECK(fb != NULL && has_contents(fb, "xyz", 3));
  PyObject* copy = PyByteArray_FromObject(b);
  CHECK(copy != NULL && copy != b && has_contents(copy, "ab\0c", 4));
  PyObject* list = Py_BuildValue("[iii]", 1, 2, 255);
  PyObject* fl = PyByteArray_FromObject(list);
  CHECK(fl != NULL && has_contents(fl, "\x01\x02\xff", 3));
  PyObject* it = PyObject_GetIter(list);
  PyObject* fi = PyByteArray_FromObject(it);
  CHECK(fi != NULL && has_contents(fi, "\x01\x02\xff", 3));
  PyObject* two = PyLong_FromLong(2);
  PyObject* fn = PyByteArray_FromObject(two);
  CHECK(fn != NULL && has_contents(fn, "\0\0", 2));
  PyObject* flt = PyFloat_FromDouble(1.5);
  CHECK(PyByteArray_FromObject(flt) == NULL);
  ext_test_expect_error(PyExc_TypeError, "cannot convert 'float' object to bytearray");
  PyObject* badlist = Py_BuildValue("[ii]", 1, 256);
  CHECK(PyByteArray_FromObject(badlist) == NULL);
  ext_test_expect_error(PyExc_ValueError, "byte must be in range(0, 256)");
  PyObject* minus = PyLong_FromLong(-1);
  CHECK(PyByteArray_FromObject(minus) == NULL);
  ext_test_expect_error(PyExc_ValueError, "negative count");

  /* Concat: any two bytes-like objects, a new bytearray. */
  PyObject* cat = PyByteArray_Concat(bytes, b);
  CHECK(cat != NULL && has_contents(cat, "xyzab\0c", 7));
  PyObject* str = PyUnicode_FromString("s");
  CHECK(PyByteArray_Concat(b, str) == NULL);
  ext_test_expect_error(PyExc_TypeError, "can't concat str to bytearray");
  CHECK(PyByteArray_Concat(str, b) == NULL);
  ext_test_expect_error(PyExc_TypeError, "can't concat bytearray to str");
  CHECK(has_contents(b, "ab\0c", 4)); /* the operands are unchanged */

  Py_DECREF(cat);
  Py_DECREF(str);
  Py_DECREF(minus);
  Py_DECREF(badlist);
  Py_DECREF(flt);
  Py_DECREF(fn);
  Py_DECREF(two);
  Py_DECREF(fi);
  Py_DECREF(it);
  Py_DECREF(fl);
  Py_DECREF(list);
  Py_DECREF(copy);
  Py_DECREF(fb);
  Py_DECREF(bytes);
  Py_DECREF(empty);
  Py_DECREF(zeroed);
  Py_DECREF(b);
}

static void expect_str(PyObject* o, const char* text) {
  CHECK(o != NULL);
  CHECK(PyUnicode_Check(o));
  if (strcmp(PyUnicode_AsUTF8(o), text) != 0) {
    fprintf(stderr, "got '%s', expected '%s'\n", PyUnicode_AsUTF8(o), text);
    abort();
  }
  Py_DECREF(o);
}

static void test_python_level(void) {
  /* Calling the type. */
  PyObject* b = PyObject_CallFunction(type_obj(), "ss", "abc", "ascii");
  CHECK(b != NULL && has_contents(b, "abc", 3));
  CHECK(PyObject_CallFunction(type_obj(), "s", "abc") == NULL);
  ext_test_expect_error(PyExc_TypeError, "string argument without an encoding");
  CHECK(PyObject_CallFunction(type_obj(), "ss", "\xc3\xa9", "ascii") == NULL);
  ext_test_expect_error(PyExc_UnicodeEncodeError, NULL);
  CHECK(PyObject_CallFunction(type_obj(), "ss", "a", "nope") == NULL);
  ext_test_expect_error(PyExc_LookupError, "unknown encoding: nope");
  CHECK(PyObject_CallFunction(type_obj(), "i", -1) == NULL);
  ext_test_expect_error(PyExc_ValueError, "negative count");

  /* Methods. */
  PyObject* r = PyObject_CallMethod(b, "append", "i", 100);
  CHECK(r == Py_None);
  Py_DECREF(r);
  CHECK(PyObject_CallMethod(b, "append", "i", 256) == NULL);
  ext_test_expect_error(PyExc_ValueError, "byte must be in range(0, 256)");
  CHECK(PyObject_CallMethod(b, "append", "s", "x") == NULL);
  ext_test_expect_error(PyExc_TypeError, "'str' object cannot be interpreted as an integer");
  r = PyObject_CallMethod(b, "extend", "y", "ef");
  CHECK(r == Py_None);
  Py_DECREF(r);
  CHECK(PyObject_CallMethod(b, "extend", "i", 5) == NULL);
  ext_test_expect_error(PyExc_TypeError, "can't extend bytearray with int");
  CHECK(PyObject_CallMethod(b, "extend", "s", "ab") == NULL);
  ext_test_expect_error(PyExc_TypeError, "expected iterable of integers; got: 'str'");
  CHECK(has_contents(b, "abcdef", 6));
  r = PyObject_CallMethod(b, "pop", NULL);
  CHECK(r != NULL && PyLong_AsLong(r) == 'f');
  Py_DECREF(r);
  r = PyObject_CallMethod(b, "pop", "i", 0);
  CHECK(r != NULL && PyLong_AsLong(r) == 'a');
  Py_DECREF(r);
  CHECK(PyObject_CallMethod(b, "pop", "i", 9) == NULL);
  ext_test_expect_error(PyExc_IndexError, "pop index out of range");
  expect_str(PyObject_CallMethod(b, "decode", NULL), "bcde");
  expect_str(PyObject_CallMethod(b, "decode", "s", "latin-1"), "bcde");
  PyObject* hi = PyByteArray_FromStringAndSize("\xff", 1);
  CHECK(PyObject_CallMethod(hi, "decode", NULL) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte");
  expect_str(PyObject_CallMethod(hi, "decode", "s", "latin-1"), "\xc3\xbf");
  PyObject* c = PyObject_CallMethod(b, "copy", NULL);
  CHECK(c != NULL && c != b && has_contents(c, "bcde", 4));
  r = PyObject_CallMethod(c, "clear", NULL);
  CHECK(r == Py_None && PyByteArray_GET_SIZE(c) == 0);
  Py_DECREF(r);
  CHECK(PyObject_CallMethod(c, "pop", NULL) == NULL);
  ext_test_expect_error(PyExc_IndexError, "pop from empty bytearray");

  /* Items, contains, concat, repeat, compare, repr, hash, iteration. */
  PyObject* item = PySequence_GetItem(b, -1);
  CHECK(item != NULL && PyLong_AsLong(item) == 'e');
  Py_DECREF(item);
  CHECK(PySequence_GetItem(b, 4) == NULL);
  ext_test_expect_error(PyExc_IndexError, "bytearray index out of range");
  PyObject* v = PyLong_FromLong(66);
  CHECK(PySequence_SetItem(b, 0, v) == 0 && has_contents(b, "Bcde", 4));
  PyObject* big = PyLong_FromLong(300);
  CHECK(PySequence_SetItem(b, 0, big) == -1);
  ext_test_expect_error(PyExc_ValueError, "byte must be in range(0, 256)");
  CHECK(PySequence_Contains(b, v) == 1);
  CHECK(PySequence_Contains(b, big) == -1);
  ext_test_expect_error(PyExc_ValueError, "byte must be in range(0, 256)");
  PyObject* cd = PyBytes_FromString("cd");
  CHECK(PySequence_Contains(b, cd) == 1);
  PyObject* sum = PyNumber_Add(b, cd);
  CHECK(sum != NULL && PyByteArray_CheckExact(sum) && has_contents(sum, "Bcdecd", 6));
  PyObject* twice = PySequence_Repeat(b, 2);
  CHECK(twice != NULL && has_contents(twice, "BcdeBcde", 8));
  PyObject* eq = PyBytes_FromString("Bcde");
  CHECK(PyObject_RichCompareBool(b, eq, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(eq, b, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(b, cd, Py_LT) == 1); /* 'B' < 'c' */
  CHECK(PyObject_Hash(b) == -1);
  ext_test_expect_error(PyExc_TypeError, "unhashable type: 'bytearray'");
  PyObject* q = PyByteArray_FromStringAndSize("a'\n\x00", 4);
  expect_str(PyObject_Repr(q), "bytearray(b\"a'\\n\\x00\")");
  PyObject* iter = PyObject_GetIter(b);
  CHECK(iter != NULL && strcmp(Py_TYPE(iter)->tp_name, "bytearray_iterator") == 0);
  long total = 0;
  PyObject* x;
  while ((x = PyIter_Next(iter)) != NULL) {
    total += PyLong_AsLong(x);
    Py_DECREF(x);
  }
  CHECK(PyErr_Occurred() == NULL);
  CHECK_EQ_LL(total, 'B' + 'c' + 'd' + 'e');

  Py_DECREF(iter);
  Py_DECREF(q);
  Py_DECREF(eq);
  Py_DECREF(twice);
  Py_DECREF(sum);
  Py_DECREF(cd);
  Py_DECREF(big);
  Py_DECREF(v);
  Py_DECREF(c);
  Py_DECREF(hi);
  Py_DECREF(b);
}

static void test_exports(void) {
  PyObject* b = PyByteArray_FromStringAndSize("abc", 3);
  Py_buffer view;
  CHECK(PyObject_GetBuffer(b, &view, PyBUF_WRITABLE | PyBUF_FORMAT) == 0);
  CHECK(view.obj == b && view.len == 3 && view.readonly == 0);
  CHECK(strcmp(view.format, "B") == 0);
  CHECK(((PyByteArrayObject*)b)->ob_exports == 1);
  ((char*)view.buf)[0] = 'X'; /* a writable export */
  CHECK(has_contents(b, "Xbc", 3));
  /* Every change of size fails while exported. */
  CHECK(PyByteArray_Resize(b, 10) == -1);
  ext_test_expect_error(PyExc_BufferError, kExported);
  CHECK(PyByteArray_Resize(b, 0) == -1);
  ext_test_expect_error(PyExc_BufferError, kExported);
  CHECK(PyObject_CallMethod(b, "append", "i", 1) == NULL);
  ext_test_expect_error(PyExc_BufferError, kExported);
  CHECK(PyObject_CallMethod(b, "pop", NULL) == NULL);
  ext_test_expect_error(PyExc_BufferError, kExported);
  CHECK(PySequence_DelItem(b, 0) == -1);
  ext_test_expect_error(PyExc_BufferError, kExported);
  PyObject* more = PyBytes_FromString("zz");
  CHECK(PyNumber_InPlaceAdd(b, more) == NULL);
  ext_test_expect_error(PyExc_BufferError, kExported);
  /* The same size is fine, and the pointer did not move. */
  CHECK(PyByteArray_Resize(b, 3) == 0);
  PyObject* v = PyLong_FromLong('Y');
  CHECK(PySequence_SetItem(b, 1, v) == 0);
  CHECK(((char*)view.buf)[1] == 'Y' && view.buf == PyByteArray_AS_STRING(b));
  PyBuffer_Release(&view);
  CHECK(((PyByteArrayObject*)b)->ob_exports == 0);
  CHECK(PyByteArray_Resize(b, 5) == 0 && has_contents(b, "XYc\0\0", 5));
  PyObject* r = PyNumber_InPlaceAdd(b, more);
  CHECK(r == b && has_contents(b, "XYc\0\0zz", 7));
  Py_DECREF(r);
  r = PySequence_InPlaceRepeat(b, 2);
  CHECK(r == b && has_contents(b, "XYc\0\0zzXYc\0\0zz", 14));
  Py_DECREF(r);
  r = PySequence_InPlaceConcat(b, more);
  CHECK(r == b && PyByteArray_GET_SIZE(b) == 16);
  Py_DECREF(r);
  Py_DECREF(v);
  Py_DECREF(more);
  Py_DECREF(b);
}

/* ---- threads ----------------------------------------------------------------- */

enum { kThreads = 6, kWriters = 3 };
static PyObject* g_shared;
static unsigned g_seed;
static atomic_llong g_appended[kWriters];
static atomic_llong g_popped[kWriters + 1];
static atomic_llong g_refused;
static atomic_llong g_exports;
static atomic_int g_bad;

static void bad(void) { atomic_fetch_add_explicit(&g_bad, 1, memory_order_relaxed); }

/* The pending error after a writer's failed call: BufferError (a reader
 * holds an export) is counted and cleared; anything else is a failure. */
static void writer_error(void) {
  if (PyErr_ExceptionMatches(PyExc_BufferError)) {
    atomic_fetch_add_explicit(&g_refused, 1, memory_order_relaxed);
  } else {
    bad();
  }
  PyErr_Clear();
}

static void* worker(void* arg) {
  const unsigned seed = (unsigned)(uintptr_t)arg;
  const int t = (int)(seed - g_seed);
  unsigned rng = seed * 2654435761u;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject* b = g_shared;
  const long rounds = ext_test_scaled(20000, 500);
  for (long i = 0; i < rounds; i++) {
    if (ext_test_next_random(&rng) % 64 == 0) sched_yield();
    const unsigned what = ext_test_next_random(&rng) % 8;
    if (t < kWriters) {
      const char value = (char)(t + 1);
      if (what < 4) {
        PyObject* r = PyObject_CallMethod(b, "append", "i", t + 1);
        if (r == NULL) {
          writer_error();
        } else {
          atomic_fetch_add_explicit(&g_appended[t], 1, memory_order_relaxed);
          Py_DECREF(r);
        }
      } else if (what < 6) {
        char chunk[4];
        const int n = 1 + (int)(ext_test_next_random(&rng) % 4);
        memset(chunk, value, sizeof chunk);
        PyObject* part = PyBytes_FromStringAndSize(chunk, n);
        PyObject* r = PyObject_CallMethod(b, "extend", "O", part);
        if (r == NULL) {
          writer_error();
        } else {
          atomic_fetch_add_explicit(&g_appended[t], n, memory_order_relaxed);
          Py_DECREF(r);
        }
        Py_DECREF(part);
      } else {
        PyObject* r = PyObject_CallMethod(b, "pop", "i", what == 6 ? -1 : 0);
        if (r == NULL) {
          if (PyErr_ExceptionMatches(PyExc_IndexError)) {
            PyErr_Clear(); /* empty */
          } else {
            writer_error();
          }
        } else {
          const long p = PyLong_AsLong(r);
          if (p < 1 || p > kWriters) bad();
          atomic_fetch_add_explicit(&g_popped[p >= 1 && p <= kWriters ? p : 0], 1,
                                    memory_order_relaxed);
          Py_DECREF(r);
        }
      }
      continue;
    }
    if (what < 3) {
      if (PyByteArray_Size(b) < 0 || PyObject_Length(b) < 0) bad();
    } else if (what < 7) {
      const Py_ssize_t n = PyByteArray_Size(b);
      if (n == 0) continue;
      PyObject* item = PySequence_GetItem(b, (Py_ssize_t)(ext_test_next_random(&rng) % n));
      if (item == NULL) {
        /* It shrank meanwhile. */
        if (!PyErr_ExceptionMatches(PyExc_IndexError)) bad();
        PyErr_Clear();
      } else {
        const long x = PyLong_AsLong(item);
        if (x < 1 || x > kWriters) bad();
        Py_DECREF(item);
      }
    } else {
      /* Hold an export a moment: the size cannot change meanwhile. */
      Py_buffer view;
      if (PyObject_GetBuffer(b, &view, PyBUF_SIMPLE) != 0) {
        bad();
        PyErr_Clear();
        continue;
      }
      atomic_fetch_add_explicit(&g_exports, 1, memory_order_relaxed);
      const unsigned char* p = (const unsigned char*)view.buf;
      for (Py_ssize_t k = 0; k < view.len; k++) {
        if (p[k] < 1 || p[k] > kWriters) bad();
      }
      if (ext_test_next_random(&rng) % 4 == 0) sched_yield();
      if (PyByteArray_Size(b) != view.len) bad();
      PyBuffer_Release(&view);
    }
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_threads(unsigned seed) {
  g_shared = PyByteArray_FromStringAndSize(NULL, 0);
  CHECK(g_shared != NULL);
  g_seed = seed;
  ext_test_run_threads(kThreads, worker, seed);
  /* Joined: relaxed loads suffice. */
  CHECK_EQ_LL(atomic_load_explicit(&g_bad, memory_order_relaxed), 0);
  CHECK_EQ_LL(atomic_load_explicit(&g_popped[0], memory_order_relaxed), 0);
  CHECK(atomic_load_explicit(&g_exports, memory_order_relaxed) > 0);
  CHECK_EQ_LL(((PyByteArrayObject*)g_shared)->ob_exports, 0);
  const Py_ssize_t n = PyByteArray_GET_SIZE(g_shared);
  const char* data = PyByteArray_AS_STRING(g_shared);
  long long total = 0;
  for (int w = 0; w < kWriters; w++) {
    long long left = 0;
    for (Py_ssize_t k = 0; k < n; k++) left += data[k] == (char)(w + 1);
    const long long appended = atomic_load_explicit(&g_appended[w], memory_order_relaxed);
    CHECK_EQ_LL(left + atomic_load_explicit(&g_popped[w + 1], memory_order_relaxed), appended);
    total += appended;
  }
  CHECK(total > 0);
  printf("threads: %zd bytes left, %lld resizes refused while exported\n", n,
         (long long)atomic_load_explicit(&g_refused, memory_order_relaxed));
  Py_CLEAR(g_shared);
}

int main(void) {
  Py_Initialize();
  const unsigned seed = ext_test_seed();
  test_c_api();
  test_python_level();
  test_exports();
  test_threads(seed);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_bytearray_test: OK\n");
  return 0;
}
