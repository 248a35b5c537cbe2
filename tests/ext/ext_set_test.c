/* set and frozenset from C (setobject.h): every function and macro, with
 * CPython 3.13's results and errors.
 *
 *   - PySet_New / PyFrozenSet_New from NULL, a list, a tuple, a str and a
 *     plain iterator; TypeError for a non-iterable;
 *   - PySet_Add / Contains / Discard / Pop / Clear / Size and
 *     PySet_GET_SIZE, the Check macros on sets, frozensets and others;
 *   - the errors: unhashable keys (TypeError "unhashable type: 'list'"),
 *     KeyError from PySet_Pop on an empty set, SystemError for NULL
 *     arguments, non-sets, and PySet_Add on a frozenset that is shared;
 *   - the generic paths: PyObject_Hash (frozensets equal whatever the
 *     order they were built in; a set is unhashable), RichCompare (==,
 *     subsets), GetIter (and RuntimeError when the size changes),
 *     PySequence_Contains, PyObject_Size, PyObject_Repr;
 *   - the collector: a set holding an object that holds the set is
 *     collected by PyGC_Collect;
 *   - 4 threads add, look up and discard on one set, each in its own key
 *     range checked against a private model, all reading shared keys; the
 *     final contents are exact;
 *   - Py_FinalizeEx leaves no object behind. */
#include "Python.h"

#include <sched.h>
#include <stdatomic.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 4 };

/* Takes the pending exception, which must match `type`. */
static void expect_exception(PyObject* type) {
  CHECK(PyErr_Occurred() != NULL);
  CHECK(PyErr_ExceptionMatches(type));
  PyErr_Clear();
}

static PyObject* make_int_list(long n, long start) {
  PyObject* l = PyList_New(0);
  CHECK(l != NULL);
  for (long i = 0; i < n; i++) {
    PyObject* v = PyLong_FromLong(start + i);
    CHECK(v != NULL && PyList_Append(l, v) == 0);
    Py_DECREF(v);
  }
  return l;
}

static int contains_long(PyObject* s, long v) {
  PyObject* k = PyLong_FromLong(v);
  CHECK(k != NULL);
  int r = PySet_Contains(s, k);
  Py_DECREF(k);
  return r;
}

/* ---- one thread ----------------------------------------------------------- */

static void test_basics(void) {
  PyObject* s = PySet_New(NULL);
  CHECK(s != NULL);
  CHECK(Py_TYPE(s) == &PySet_Type);
  CHECK(PySet_Check(s) && PySet_CheckExact(s));
  CHECK(PyAnySet_Check(s) && PyAnySet_CheckExact(s));
  CHECK(!PyFrozenSet_Check(s) && !PyFrozenSet_CheckExact(s));
  CHECK_EQ_LL(PySet_GET_SIZE(s), 0);
  CHECK_EQ_LL(PySet_Size(s), 0);

  PyObject* k1 = PyLong_FromLong(100000);
  PyObject* k1_again = PyLong_FromLong(100000); /* equal, another object */
  PyObject* ka = PyUnicode_FromString("a");
  CHECK(k1 != NULL && k1_again != NULL && ka != NULL && k1 != k1_again);
  CHECK(PySet_Add(s, k1) == 0);
  CHECK(PySet_Add(s, k1_again) == 0); /* already there: 0, no change */
  CHECK(PySet_Add(s, ka) == 0);
  CHECK_EQ_LL(PySet_GET_SIZE(s), 2);
  CHECK_EQ_LL(((PySetObject*)s)->used, 2);
  CHECK(PySet_Contains(s, k1_again) == 1);
  CHECK(PySet_Contains(s, ka) == 1);
  CHECK(contains_long(s, 5) == 0);
  CHECK(PySet_Discard(s, k1_again) == 1);
  CHECK(PySet_Discard(s, k1) == 0);
  CHECK_EQ_LL(PySet_Size(s), 1);
  CHECK(PySet_Contains(s, k1) == 0);

  /* Pop: the only key, then KeyError. */
  PyObject* popped = PySet_Pop(s);
  CHECK(popped == ka);
  Py_DECREF(popped);
  CHECK(PySet_Pop(s) == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_KeyError));
  ext_test_expect_error(PyExc_KeyError, "'pop from an empty set'"); /* str(KeyError) is the repr */

  /* Thousands of keys, clear, reuse. */
  for (long i = 0; i < 3000; i++) {
    PyObject* v = PyLong_FromLong(i * 7);
    CHECK(v != NULL && PySet_Add(s, v) == 0);
    Py_DECREF(v);
  }
  CHECK_EQ_LL(PySet_GET_SIZE(s), 3000);
  for (long i = 0; i < 3000; i += 2) {
    PyObject* v = PyLong_FromLong(i * 7);
    CHECK(PySet_Discard(s, v) == 1);
    Py_DECREF(v);
  }
  CHECK_EQ_LL(PySet_Size(s), 1500);
  CHECK(contains_long(s, 7) == 1 && contains_long(s, 14) == 0);
  CHECK(PySet_Clear(s) == 0);
  CHECK_EQ_LL(PySet_GET_SIZE(s), 0);
  CHECK(PySet_Add(s, k1) == 0);
  CHECK_EQ_LL(PySet_Size(s), 1);

  Py_DECREF(k1);
  Py_DECREF(k1_again);
  Py_DECREF(ka);
  Py_DECREF(s);
}

static void test_constructors(void) {
  PyObject* l = make_int_list(5, 10);
  PyObject* s = PySet_New(l);
  CHECK(s != NULL && PySet_GET_SIZE(s) == 5);
  CHECK(contains_long(s, 14) == 1);
  PyObject* t = PyList_AsTuple(l);
  PyObject* ft = PyFrozenSet_New(t);
  CHECK(ft != NULL && PySet_Size(ft) == 5);
  /* A plain iterator and a str go through the iteration protocol. */
  PyObject* it = PyObject_GetIter(l);
  CHECK(it != NULL);
  PyObject* from_it = PySet_New(it);
  CHECK(from_it != NULL && PySet_GET_SIZE(from_it) == 5);
  PyObject* str = PyUnicode_FromString("abca");
  PyObject* chars = PyFrozenSet_New(str);
  CHECK(chars != NULL && PySet_GET_SIZE(chars) == 3);
  PyObject* b = PyUnicode_FromString("b");
  CHECK(PySet_Contains(chars, b) == 1);
  /* Sets from sets. */
  PyObject* copy = PySet_New(ft);
  CHECK(copy != NULL && PyObject_RichCompareBool(copy, s, Py_EQ) == 1);
  /* Not iterable. */
  PyObject* n = PyLong_FromLong(3);
  CHECK(PySet_New(n) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'int' object is not iterable");
  CHECK(PyFrozenSet_New(n) == NULL);
  expect_exception(PyExc_TypeError);
  /* An unhashable item: TypeError, nothing made. */
  PyObject* with_list = PyList_New(0);
  CHECK(PyList_Append(with_list, n) == 0 && PyList_Append(with_list, l) == 0);
  CHECK(PySet_New(with_list) == NULL);
  ext_test_expect_error(PyExc_TypeError, "unhashable type: 'list'");
  PyObject* it2 = PyObject_GetIter(with_list);
  CHECK(PyFrozenSet_New(it2) == NULL);
  expect_exception(PyExc_TypeError);
  Py_DECREF(it2);
  Py_DECREF(with_list);
  Py_DECREF(n);
  Py_DECREF(copy);
  Py_DECREF(b);
  Py_DECREF(chars);
  Py_DECREF(str);
  Py_DECREF(from_it);
  Py_DECREF(it);
  Py_DECREF(ft);
  Py_DECREF(t);
  Py_DECREF(s);
  Py_DECREF(l);
}

static void test_frozenset(void) {
  PyObject* forward = make_int_list(40, 0);
  PyObject* backward = PyList_New(0);
  for (long i = 39; i >= 0; i--) {
    PyObject* v = PyLong_FromLong(i);
    CHECK(PyList_Append(backward, v) == 0);
    Py_DECREF(v);
  }
  PyObject* a = PyFrozenSet_New(forward);
  PyObject* b = PyFrozenSet_New(backward);
  CHECK(a != NULL && b != NULL);
  CHECK(Py_TYPE(a) == &PyFrozenSet_Type);
  CHECK(PyFrozenSet_Check(a) && PyFrozenSet_CheckExact(a));
  CHECK(PyAnySet_Check(a) && PyAnySet_CheckExact(a));
  CHECK(!PySet_Check(a) && !PySet_CheckExact(a));
  Py_hash_t ha = PyObject_Hash(a);
  CHECK(ha != -1);
  CHECK(PyObject_Hash(b) == ha);
  CHECK(PyObject_RichCompareBool(a, b, Py_EQ) == 1);
  /* PySet_Add on a brand-new frozenset fills it (CPython's rule)... */
  PyObject* fresh = PyFrozenSet_New(NULL);
  CHECK(fresh != NULL && PySet_GET_SIZE(fresh) == 0);
  for (long i = 0; i < 40; i++) {
    PyObject* v = PyLong_FromLong(39 - i);
    CHECK(PySet_Add(fresh, v) == 0);
    Py_DECREF(v);
  }
  CHECK(PyObject_Hash(fresh) == ha);
  /* ... but not once it is shared. */
  Py_INCREF(fresh);
  PyObject* k = PyLong_FromLong(1000);
  CHECK(PySet_Add(fresh, k) == -1);
  expect_exception(PyExc_SystemError);
  Py_DECREF(fresh);
  CHECK_EQ_LL(PySet_Size(fresh), 40);
  /* The mutating functions refuse a frozenset; lookups take it. */
  CHECK(PySet_Discard(a, k) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Clear(a) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Pop(a) == NULL);
  expect_exception(PyExc_SystemError);
  CHECK(contains_long(a, 39) == 1 && contains_long(a, 40) == 0);
  /* A frozenset is a key; a set is not. */
  PyObject* outer = PySet_New(NULL);
  CHECK(PySet_Add(outer, a) == 0);
  CHECK(PySet_Contains(outer, b) == 1);
  PyObject* s = PySet_New(forward);
  CHECK(PyObject_Hash(s) == -1);
  ext_test_expect_error(PyExc_TypeError, "unhashable type: 'set'");
  CHECK(PySet_Add(outer, s) == -1);
  ext_test_expect_error(PyExc_TypeError, "unhashable type: 'set'");
  CHECK(PySequence_Contains(outer, s) == 1); /* looked up as frozenset(s) */
  Py_DECREF(s);
  Py_DECREF(outer);
  Py_DECREF(k);
  Py_DECREF(fresh);
  Py_DECREF(b);
  Py_DECREF(a);
  Py_DECREF(backward);
  Py_DECREF(forward);
}

static void test_errors(void) {
  PyObject* s = PySet_New(NULL);
  PyObject* l = PyList_New(0);
  PyObject* k = PyLong_FromLong(1);
  CHECK(s != NULL && l != NULL && k != NULL);
  CHECK(PySet_Add(s, l) == -1);
  CHECK(PyErr_ExceptionMatches(PyExc_TypeError));
  ext_test_expect_error(PyExc_TypeError, "unhashable type: 'list'");
  CHECK(PySet_Contains(s, l) == -1);
  expect_exception(PyExc_TypeError);
  CHECK(PySet_Discard(s, l) == -1);
  expect_exception(PyExc_TypeError);
  CHECK_EQ_LL(PySet_Size(s), 0);
  /* Not a set, or NULL: SystemError. */
  CHECK(PySet_Add(l, k) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Contains(l, k) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Discard(l, k) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Size(l) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Clear(l) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Pop(l) == NULL);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Add(NULL, k) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Add(s, NULL) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Contains(NULL, k) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(PySet_Size(NULL) == -1);
  expect_exception(PyExc_SystemError);
  CHECK(!PyAnySet_Check(l) && !PySet_Check(l) && !PyFrozenSet_Check(l));
  Py_DECREF(k);
  Py_DECREF(l);
  Py_DECREF(s);
}

static void test_protocol(void) {
  PyObject* l12 = make_int_list(2, 1);
  PyObject* l123 = make_int_list(3, 1);
  PyObject* s12 = PySet_New(l12);
  PyObject* f123 = PyFrozenSet_New(l123);
  CHECK(PyObject_RichCompareBool(s12, f123, Py_LT) == 1);
  CHECK(PyObject_RichCompareBool(s12, f123, Py_LE) == 1);
  CHECK(PyObject_RichCompareBool(f123, s12, Py_GT) == 1);
  CHECK(PyObject_RichCompareBool(s12, f123, Py_EQ) == 0);
  CHECK(PyObject_RichCompareBool(s12, f123, Py_NE) == 1);
  CHECK(PyObject_RichCompareBool(s12, l12, Py_EQ) == 0); /* a list is not a set */
  CHECK_EQ_LL(PyObject_Size(f123), 3);
  CHECK(PyObject_IsTrue(s12) == 1);
  PyObject* two = PyLong_FromLong(2);
  PyObject* nine = PyLong_FromLong(9);
  CHECK(PySequence_Contains(f123, two) == 1);
  CHECK(PySequence_Contains(f123, nine) == 0);
  PyObject* r = PyObject_Repr(s12);
  CHECK(r != NULL);
  CHECK(strcmp(PyUnicode_AsUTF8(r), "{1, 2}") == 0 || strcmp(PyUnicode_AsUTF8(r), "{2, 1}") == 0);
  Py_DECREF(r);
  PyObject* empty = PyFrozenSet_New(NULL);
  r = PyObject_Repr(empty);
  CHECK(r != NULL && strcmp(PyUnicode_AsUTF8(r), "frozenset()") == 0);
  Py_DECREF(r);
  Py_DECREF(empty);

  /* Iteration, and the error when the size changes under it. */
  PyObject* it = PyObject_GetIter(f123);
  CHECK(it != NULL && Py_TYPE(it) == &PySetIter_Type);
  long sum = 0;
  PyObject* item;
  while ((item = PyIter_Next(it)) != NULL) {
    sum += PyLong_AsLong(item);
    Py_DECREF(item);
  }
  CHECK(PyErr_Occurred() == NULL);
  CHECK_EQ_LL(sum, 6);
  Py_DECREF(it);
  it = PyObject_GetIter(s12);
  item = PyIter_Next(it);
  CHECK(item != NULL);
  Py_DECREF(item);
  CHECK(PySet_Add(s12, nine) == 0);
  CHECK(PyIter_Next(it) == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_RuntimeError));
  ext_test_expect_error(PyExc_RuntimeError, "Set changed size during iteration");
  Py_DECREF(it);

  Py_DECREF(nine);
  Py_DECREF(two);
  Py_DECREF(f123);
  Py_DECREF(s12);
  Py_DECREF(l123);
  Py_DECREF(l12);
}

/* ---- the collector ----------------------------------------------------------- */

/* A GC object with one reference (hashable by identity). */
typedef struct {
  PyObject_HEAD
  PyObject* ref;
} Node;

static atomic_int g_node_deallocs;

static int Node_traverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(((Node*)self)->ref);
  return 0;
}

static int Node_clear(PyObject* self) {
  Py_CLEAR(((Node*)self)->ref);
  return 0;
}

static void Node_dealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Node_clear(self);
  atomic_fetch_add_explicit(&g_node_deallocs, 1, memory_order_relaxed);
  Py_TYPE(self)->tp_free(self);
}

static PyTypeObject NodeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_set_test.Node",
    .tp_basicsize = sizeof(Node),
    .tp_dealloc = Node_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = Node_traverse,
    .tp_clear = Node_clear,
};

static void test_cycle_is_collected(void) {
  CHECK(PyType_Ready(&NodeType) == 0);
  PyObject* s = PySet_New(NULL);
  Node* node = PyObject_GC_New(Node, &NodeType);
  CHECK(s != NULL && node != NULL);
  node->ref = Py_NewRef(s);
  PyObject_GC_Track((PyObject*)node);
  CHECK(PySet_Add(s, (PyObject*)node) == 0); /* set -> node -> set */
  Py_DECREF(node);
  Py_DECREF(s);
  CHECK_EQ_LL(atomic_load_explicit(&g_node_deallocs, memory_order_relaxed), 0);
  CHECK(PyGC_Collect() >= 2);
  CHECK_EQ_LL(atomic_load_explicit(&g_node_deallocs, memory_order_relaxed), 1);
}

/* ---- threads ----------------------------------------------------------------- */

enum { kOwnKeys = 300, kSharedKeys = 50, kSharedBase = kThreads * kOwnKeys };

static PyObject* g_set;
static long g_ops;
static unsigned g_seed;
static atomic_long g_errors;

static void fail(void) { atomic_fetch_add_explicit(&g_errors, 1, memory_order_relaxed); }

/* Key k: an int above the small range for even k, a str for odd k (a
 * fresh object each time: lookups compare). */
static PyObject* key_for(long k) {
  if (k % 2 == 0) return PyLong_FromLong(1000000 + k);
  char buf[32];
  snprintf(buf, sizeof buf, "key-%ld", k);
  return PyUnicode_FromString(buf);
}

static void* worker(void* arg) {
  const unsigned seed = (unsigned)(uintptr_t)arg;
  const long t = (long)(seed - g_seed);
  unsigned rng = seed * 2654435761u;
  char model[kOwnKeys];
  memset(model, 0, sizeof model);
  PyGILState_STATE st = PyGILState_Ensure();
  for (long n = 0; n < g_ops; n++) {
    const unsigned op = ext_test_next_random(&rng) % 8;
    if (op < 6) {
      const long i = (long)(ext_test_next_random(&rng) % kOwnKeys);
      PyObject* key = key_for(t * kOwnKeys + i);
      if (key == NULL) {
        fail();
        continue;
      }
      if (op < 2) {
        if (PySet_Add(g_set, key) != 0) fail();
        model[i] = 1;
      } else if (op < 4) {
        if (PySet_Discard(g_set, key) != model[i]) fail();
        model[i] = 0;
      } else if (PySet_Contains(g_set, key) != model[i]) {
        fail();
      }
      Py_DECREF(key);
    } else {
      PyObject* key = key_for(kSharedBase + (long)(ext_test_next_random(&rng) % kSharedKeys));
      if (key == NULL || PySet_Contains(g_set, key) != 1) fail();
      Py_XDECREF(key);
    }
    if (ext_test_next_random(&rng) % 64 == 0) sched_yield();
  }
  /* Leave own key i present iff i is even. */
  for (long i = 0; i < kOwnKeys; i++) {
    PyObject* key = key_for(t * kOwnKeys + i);
    if (i % 2 == 0) {
      if (PySet_Add(g_set, key) != 0) fail();
    } else if (PySet_Discard(g_set, key) != model[i]) {
      fail();
    }
    Py_DECREF(key);
  }
  if (PyErr_Occurred() != NULL) {
    fail();
    PyErr_Clear();
  }
  PyGILState_Release(st);
  return NULL;
}

static void test_threads(void) {
  g_ops = ext_test_scaled(20000, 500);
  g_seed = ext_test_seed();
  g_set = PySet_New(NULL);
  CHECK(g_set != NULL);
  for (long k = kSharedBase; k < kSharedBase + kSharedKeys; k++) {
    PyObject* key = key_for(k);
    CHECK(PySet_Add(g_set, key) == 0);
    Py_DECREF(key);
  }
  ext_test_run_threads(kThreads, worker, g_seed);
  CHECK_EQ_LL(atomic_load_explicit(&g_errors, memory_order_relaxed), 0);
  CHECK_EQ_LL(PySet_GET_SIZE(g_set), kThreads * kOwnKeys / 2 + kSharedKeys);
  for (long k = 0; k < kSharedBase + kSharedKeys; k++) {
    PyObject* key = key_for(k);
    const int expected = k >= kSharedBase || (k % kOwnKeys) % 2 == 0;
    CHECK_EQ_LL(PySet_Contains(g_set, key), expected);
    Py_DECREF(key);
  }
  Py_DECREF(g_set);
}

int main(void) {
  Py_Initialize();
  test_basics();
  test_constructors();
  test_frozenset();
  test_errors();
  test_protocol();
  test_cycle_is_collected();
  test_threads();
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_set_test: OK\n");
  return 0;
}
