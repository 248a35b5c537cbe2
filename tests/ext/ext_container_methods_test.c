/* The built-in containers' Python-level methods from C, the way extensions
 * call them (object/container_methods.h), with CPython 3.13's results and
 * errors:
 *
 *   - PyObject_CallMethod with format strings ("O", "nO", "(O)"),
 *     PyObject_CallMethodObjArgs, PyObject_CallMethodNoArgs / OneArg, and
 *     PyObject_GetAttrString + PyObject_Call with keywords (list.sort's
 *     key= and reverse=, a key function written in C);
 *   - list: append, extend, insert, pop, remove, index, count, clear, copy,
 *     reverse, sort; dict: get, setdefault, pop, popitem, keys, values,
 *     items, update, clear, copy, __contains__; tuple: index, count; set:
 *     add, discard, remove, pop, union, intersection, difference,
 *     symmetric_difference, update, issubset, issuperset, isdisjoint;
 *     frozenset's methods (and no add); calling the types (list(x),
 *     tuple(x), set(x), frozenset(x), dict(pairs));
 *   - errors: the exception type and str() of each (IndexError "pop from
 *     empty list", "list.append() takes exactly one argument (0 given)",
 *     KeyError(key), AttributeError for a missing method, a key function's
 *     own exception);
 *   - 6 threads (more than the cores) call append/pop/extend on a shared
 *     list, setdefault/pop/get on a shared dict and add/discard on a shared
 *     set, with random yields; the final contents are exact;
 *   - Py_FinalizeEx leaves no object behind. */
#include "Python.h"

#include <sched.h>
#include <stdatomic.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 6, kOwnKeys = 100 };

static long as_long(PyObject* o) {
  CHECK(o != NULL && PyLong_Check(o));
  long v = PyLong_AsLong(o);
  Py_DECREF(o);
  return v;
}

/* The result is None (and dropped). */
static void expect_none(PyObject* r) {
  if (r == NULL) ext_test_die_with_error("method call");
  CHECK(r == Py_None);
  Py_DECREF(r);
}

/* list[i] as a C long (a borrowed read). */
static long item_at(PyObject* list, Py_ssize_t i) { return PyLong_AsLong(PyList_GET_ITEM(list, i)); }

static PyObject* ints(int n, const long* values) {
  PyObject* l = PyList_New(0);
  CHECK(l != NULL);
  for (int i = 0; i < n; i++) {
    PyObject* v = PyLong_FromLong(values[i]);
    CHECK(v != NULL && PyList_Append(l, v) == 0);
    Py_DECREF(v);
  }
  return l;
}

static void expect_items(PyObject* list, int n, const long* values) {
  CHECK(PyList_Check(list));
  CHECK_EQ_LL(PyList_GET_SIZE(list), n);
  for (int i = 0; i < n; i++) CHECK_EQ_LL(item_at(list, i), values[i]);
}

/* A key function in C: -x; ValueError for 13. */
static PyObject* negate(PyObject* self, PyObject* x) {
  (void)self;
  long v = PyLong_AsLong(x);
  if (v == -1 && PyErr_Occurred()) return NULL;
  if (v == 13) {
    PyErr_SetString(PyExc_ValueError, "unlucky");
    return NULL;
  }
  return PyLong_FromLong(-v);
}
static PyMethodDef negate_def = {"negate", negate, METH_O, NULL};

static void test_list(void) {
  PyObject* l = PyList_New(0);
  CHECK(l != NULL);
  PyObject* three = PyLong_FromLong(3);
  expect_none(PyObject_CallMethod(l, "append", "O", three));
  expect_none(PyObject_CallMethod(l, "append", "i", 1));
  expect_none(PyObject_CallMethod(l, "insert", "ni", (Py_ssize_t)0, 7));
  PyObject* name = PyUnicode_FromString("extend");
  const long more[] = {5, 4};
  PyObject* m = ints(2, more);
  expect_none(PyObject_CallMethodObjArgs(l, name, m, NULL));
  const long want1[] = {7, 3, 1, 5, 4};
  expect_items(l, 5, want1);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(l, "pop", NULL)), 4);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(l, "pop", "i", 0)), 7);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(l, "index", "O", three)), 0);
  PyObject* count_name = PyUnicode_InternFromString("count");
  CHECK_EQ_LL(as_long(PyObject_CallMethodOneArg(l, count_name, three)), 1);
  Py_DECREF(count_name);
  expect_none(PyObject_CallMethod(l, "remove", "O", three));
  expect_none(PyObject_CallMethod(l, "reverse", NULL));
  const long want2[] = {5, 1};
  expect_items(l, 2, want2);
  expect_none(PyObject_CallMethod(l, "sort", NULL));
  const long want3[] = {1, 5};
  expect_items(l, 2, want3);
  PyObject* copy_name = PyUnicode_InternFromString("copy");
  PyObject* copy = PyObject_CallMethodNoArgs(l, copy_name);
  CHECK(copy != NULL && copy != l);
  Py_DECREF(copy_name);
  expect_items(copy, 2, want3);

  /* sort(key=negate, reverse=False) through GetAttr + Call with keywords. */
  PyObject* key = PyCFunction_New(&negate_def, NULL);
  PyObject* sort = PyObject_GetAttrString(l, "sort");
  CHECK(key != NULL && sort != NULL);
  PyObject* kwargs = PyDict_New();
  PyObject* args = PyTuple_New(0);
  CHECK(PyDict_SetItemString(kwargs, "key", key) == 0);
  CHECK(PyDict_SetItemString(kwargs, "reverse", Py_False) == 0);
  expect_none(PyObject_Call(sort, args, kwargs));
  const long want4[] = {5, 1};
  expect_items(l, 2, want4);
  CHECK(PyDict_SetItemString(kwargs, "reverse", Py_True) == 0);
  expect_none(PyObject_Call(sort, args, kwargs));
  expect_items(l, 2, want3);
  /* The key function's own exception; the list unchanged. */
  expect_none(PyObject_CallMethod(l, "append", "i", 13));
  CHECK(PyObject_Call(sort, args, kwargs) == NULL);
  ext_test_expect_error(PyExc_ValueError, "unlucky");
  const long want5[] = {1, 5, 13};
  expect_items(l, 3, want5);

  /* Errors. */
  expect_none(PyObject_CallMethod(l, "clear", NULL));
  CHECK(PyObject_CallMethod(l, "pop", NULL) == NULL);
  ext_test_expect_error(PyExc_IndexError, "pop from empty list");
  CHECK(PyObject_CallMethod(l, "remove", "O", three) == NULL);
  ext_test_expect_error(PyExc_ValueError, "list.remove(x): x not in list");
  CHECK(PyObject_CallMethod(l, "index", "O", three) == NULL);
  ext_test_expect_error(PyExc_ValueError, "3 is not in list");
  CHECK(PyObject_CallMethod(l, "append", NULL) == NULL);
  ext_test_expect_error(PyExc_TypeError, "list.append() takes exactly one argument (0 given)");
  CHECK(PyObject_CallMethod(l, "pop", "ii", 1, 2) == NULL);
  ext_test_expect_error(PyExc_TypeError, "pop expected at most 1 argument, got 2");
  CHECK(PyObject_CallMethod(l, "extend", "i", 5) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'int' object is not iterable");
  CHECK(PyObject_CallMethod(l, "sort", "i", 1) == NULL);
  ext_test_expect_error(PyExc_TypeError, "sort() takes no positional arguments");
  CHECK(PyObject_CallMethod(l, "frobnicate", NULL) == NULL);
  ext_test_expect_error(PyExc_AttributeError, "'list' object has no attribute 'frobnicate'");
  CHECK_EQ_LL(PyList_GET_SIZE(l), 0);

  Py_DECREF(args);
  Py_DECREF(kwargs);
  Py_DECREF(sort);
  Py_DECREF(key);
  Py_DECREF(copy);
  Py_DECREF(m);
  Py_DECREF(name);
  Py_DECREF(three);
  Py_DECREF(l);
}

static void test_dict(void) {
  PyObject* d = PyDict_New();
  CHECK(d != NULL);
  CHECK(PyDict_SetItemString(d, "a", Py_True) == 0);
  PyObject* a = PyUnicode_FromString("a");
  PyObject* b = PyUnicode_FromString("b");
  PyObject* r = PyObject_CallMethod(d, "get", "O", a);
  CHECK(r == Py_True);
  Py_DECREF(r);
  r = PyObject_CallMethod(d, "get", "O", b);
  CHECK(r == Py_None);
  Py_DECREF(r);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(d, "get", "Oi", b, 5)), 5);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(d, "setdefault", "Oi", b, 6)), 6);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(d, "setdefault", "Oi", b, 7)), 6);
  r = PyObject_CallMethod(d, "__contains__", "O", b);
  CHECK(r == Py_True);
  Py_DECREF(r);
  CHECK(PySequence_Contains(d, b) == 1);

  PyObject* items = PyObject_CallMethod(d, "items", NULL);
  CHECK(items != NULL && PyList_Check(items) && PyList_GET_SIZE(items) == 2);
  PyObject* first = PyList_GET_ITEM(items, 0);
  CHECK(PyTuple_Check(first) && PyTuple_GET_SIZE(first) == 2);
  CHECK(PyUnicode_Compare(PyTuple_GET_ITEM(first, 0), a) == 0);
  Py_DECREF(items);
  PyObject* keys = PyObject_CallMethod(d, "keys", NULL);
  CHECK(keys != NULL && PySequence_Size(keys) == 2);
  Py_DECREF(keys);
  PyObject* values = PyObject_CallMethod(d, "values", NULL);
  CHECK(values != NULL && PySequence_Size(values) == 2);
  Py_DECREF(values);

  /* update from a dict and from pairs, then pop / popitem. */
  PyObject* other = PyDict_New();
  CHECK(PyDict_SetItemString(other, "c", Py_False) == 0);
  expect_none(PyObject_CallMethod(d, "update", "O", other));
  PyObject* pairs = Py_BuildValue("[(si)]", "d", 4);
  CHECK(pairs != NULL);
  expect_none(PyObject_CallMethod(d, "update", "O", pairs));
  CHECK_EQ_LL(PyDict_Size(d), 4);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(d, "pop", "s", "d")), 4);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(d, "pop", "si", "zz", 9)), 9);
  CHECK(PyObject_CallMethod(d, "pop", "s", "zz") == NULL);
  ext_test_expect_error(PyExc_KeyError, "'zz'");
  PyObject* kv = PyObject_CallMethod(d, "popitem", NULL);
  CHECK(kv != NULL && PyTuple_Check(kv));
  CHECK(PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kv, 0), "c") == 0);
  Py_DECREF(kv);
  PyObject* copy = PyObject_CallMethod(d, "copy", NULL);
  CHECK(copy != NULL && PyDict_Check(copy) && PyDict_Size(copy) == 2);
  expect_none(PyObject_CallMethod(d, "clear", NULL));
  CHECK_EQ_LL(PyDict_Size(d), 0);
  CHECK(PyObject_CallMethod(d, "popitem", NULL) == NULL);
  ext_test_expect_error(PyExc_KeyError, "'popitem(): dictionary is empty'");
  CHECK(PyObject_CallMethod(d, "get", NULL) == NULL);
  ext_test_expect_error(PyExc_TypeError, "get expected at least 1 argument, got 0");
  CHECK(PyObject_CallMethod(d, "get", "O", pairs) == NULL);
  ext_test_expect_error(PyExc_TypeError, "unhashable type: 'list'");
  CHECK(PyObject_CallMethod(d, "update", "i", 1) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'int' object is not iterable");
  CHECK_EQ_LL(PyDict_Size(copy), 2);

  Py_DECREF(copy);
  Py_DECREF(pairs);
  Py_DECREF(other);
  Py_DECREF(a);
  Py_DECREF(b);
  Py_DECREF(d);
}

static void test_tuple_and_sets(void) {
  PyObject* t = Py_BuildValue("(iii)", 4, 5, 4);
  CHECK(t != NULL);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(t, "index", "i", 5)), 1);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(t, "index", "ii", 4, 1)), 2);
  CHECK_EQ_LL(as_long(PyObject_CallMethod(t, "count", "i", 4)), 2);
  CHECK(PyObject_CallMethod(t, "index", "i", 6) == NULL);
  ext_test_expect_error(PyExc_ValueError, "tuple.index(x): x not in tuple");

  PyObject* s = PySet_New(t);
  CHECK(s != NULL && PySet_GET_SIZE(s) == 2);
  expect_none(PyObject_CallMethod(s, "add", "i", 6));
  expect_none(PyObject_CallMethod(s, "discard", "i", 42));
  expect_none(PyObject_CallMethod(s, "remove", "i", 6));
  CHECK(PyObject_CallMethod(s, "remove", "i", 6) == NULL);
  ext_test_expect_error(PyExc_KeyError, "6");
  PyObject* eight = Py_BuildValue("[i]", 8);
  CHECK(eight != NULL);
  PyObject* u = PyObject_CallMethod(s, "union", "OO", t, eight);
  CHECK(u != NULL && PySet_Check(u) && PySet_GET_SIZE(u) == 3);
  PyObject* i = PyObject_CallMethod(u, "intersection", "(O)", t); /* "O" would unpack the tuple */
  CHECK(i != NULL && PySet_GET_SIZE(i) == 2);
  PyObject* dif = PyObject_CallMethod(u, "difference", "O", s);
  CHECK(dif != NULL && PySet_GET_SIZE(dif) == 1);
  PyObject* sym = PyObject_CallMethod(u, "symmetric_difference", "O", eight);
  CHECK(sym != NULL && PySet_GET_SIZE(sym) == 2);
  PyObject* yes = PyObject_CallMethod(s, "issubset", "O", u);
  PyObject* no = PyObject_CallMethod(s, "issuperset", "O", u);
  PyObject* disjoint = PyObject_CallMethod(s, "isdisjoint", "O", eight);
  CHECK(yes == Py_True && no == Py_False && disjoint == Py_True);
  expect_none(PyObject_CallMethod(s, "update", "OO", eight, t));
  CHECK_EQ_LL(PySet_GET_SIZE(s), 3);
  PyObject* popped = PyObject_CallMethod(s, "pop", NULL);
  CHECK(popped != NULL);
  CHECK_EQ_LL(PySet_GET_SIZE(s), 2);

  PyObject* f = PyFrozenSet_New(t);
  PyObject* fu = PyObject_CallMethod(f, "union", "O", eight);
  CHECK(fu != NULL && PyFrozenSet_CheckExact(fu) && PySet_GET_SIZE(fu) == 3);
  PyObject* fc = PyObject_CallMethod(f, "copy", NULL);
  CHECK(fc == f);
  CHECK(PyObject_CallMethod(f, "add", "i", 1) == NULL);
  ext_test_expect_error(PyExc_AttributeError, "'frozenset' object has no attribute 'add'");
  CHECK(PyObject_CallMethod(s, "add", "O", eight) == NULL);
  ext_test_expect_error(PyExc_TypeError, "unhashable type: 'list'");

  Py_DECREF(fc);
  Py_DECREF(fu);
  Py_DECREF(f);
  Py_DECREF(popped);
  Py_DECREF(yes);
  Py_DECREF(no);
  Py_DECREF(disjoint);
  Py_DECREF(sym);
  Py_DECREF(dif);
  Py_DECREF(i);
  Py_DECREF(u);
  Py_DECREF(eight);
  Py_DECREF(s);
  Py_DECREF(t);
}

/* Calling the types, as extensions build containers from iterables. */
static void test_constructors(void) {
  const long vals[] = {2, 1, 2};
  PyObject* src = ints(3, vals);
  PyObject* l = PyObject_CallOneArg((PyObject*)&PyList_Type, src);
  CHECK(l != NULL && PyList_CheckExact(l) && l != src);
  expect_items(l, 3, vals);
  PyObject* t = PyObject_CallOneArg((PyObject*)&PyTuple_Type, src);
  CHECK(t != NULL && PyTuple_CheckExact(t) && PyTuple_GET_SIZE(t) == 3);
  PyObject* s = PyObject_CallOneArg((PyObject*)&PySet_Type, t);
  CHECK(s != NULL && PySet_CheckExact(s) && PySet_GET_SIZE(s) == 2);
  PyObject* it = PyObject_GetIter(src);
  PyObject* f = PyObject_CallOneArg((PyObject*)&PyFrozenSet_Type, it);
  CHECK(f != NULL && PyFrozenSet_CheckExact(f) && PySet_GET_SIZE(f) == 2);
  PyObject* pairs = Py_BuildValue("[(si)(si)]", "x", 1, "y", 2);
  PyObject* d = PyObject_CallOneArg((PyObject*)&PyDict_Type, pairs);
  CHECK(d != NULL && PyDict_CheckExact(d) && PyDict_Size(d) == 2);
  PyObject* fk = PyObject_CallMethod((PyObject*)&PyDict_Type, "fromkeys", "Oi", src, 0);
  CHECK(fk != NULL && PyDict_CheckExact(fk) && PyDict_Size(fk) == 2);
  Py_DECREF(fk);
  expect_none(PyObject_CallMethod(s, "difference_update", "O", src));
  CHECK_EQ_LL(PySet_GET_SIZE(s), 0);
  PyObject* empty = PyObject_CallNoArgs((PyObject*)&PyList_Type);
  CHECK(empty != NULL && PyList_GET_SIZE(empty) == 0);
  PyObject* one = PyLong_FromLong(1);
  CHECK(PyObject_CallOneArg((PyObject*)&PyList_Type, one) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'int' object is not iterable");
  CHECK(PyObject_CallFunction((PyObject*)&PySet_Type, "OO", src, src) == NULL);
  ext_test_expect_error(PyExc_TypeError, "set expected at most 1 argument, got 2");
  Py_DECREF(one);
  Py_DECREF(empty);
  Py_DECREF(d);
  Py_DECREF(pairs);
  Py_DECREF(f);
  Py_DECREF(it);
  Py_DECREF(s);
  Py_DECREF(t);
  Py_DECREF(l);
  Py_DECREF(src);
}

/* ---- threads ------------------------------------------------------------- */

static PyObject* g_list;
static PyObject* g_dict;
static PyObject* g_set;
static long g_ops;
static atomic_long g_errors;
static atomic_long g_list_sum;   /* appended minus popped */
static atomic_long g_list_count;

static void fail(void) { atomic_fetch_add_explicit(&g_errors, 1, memory_order_relaxed); }

typedef struct {
  unsigned seed;
  long t;
} WorkerArg;

static void* worker_main(void* arg) {
  PyGILState_STATE st = PyGILState_Ensure();
  const WorkerArg* wa = (const WorkerArg*)arg;
  unsigned rng = wa->seed;
  const long t = wa->t;
  char dict_model[kOwnKeys] = {0}, set_model[kOwnKeys] = {0};
  long sum = 0, count = 0;
  PyObject* append = PyUnicode_InternFromString("append");
  for (long n = 0; n < g_ops; n++) {
    const unsigned op = ext_test_next_random(&rng) % 11;
    const long v = (long)(ext_test_next_random(&rng) % 1000) + 1;
    const long i = (long)(ext_test_next_random(&rng) % kOwnKeys);
    PyObject* r = NULL;
    if (op < 2) {
      PyObject* pv = PyLong_FromLong(v);
      r = PyObject_CallMethodObjArgs(g_list, append, pv, NULL);
      Py_DECREF(pv);
      if (r == NULL) fail();
      sum += v, count += 1;
    } else if (op == 2) {
      r = PyObject_CallMethod(g_list, "extend", "((ll))", v, v + 1);
      if (r == NULL) fail();
      sum += 2 * v + 1, count += 2;
    } else if (op < 5) {
      r = PyObject_CallMethod(g_list, "pop", NULL);
      if (r != NULL) {
        sum -= PyLong_AsLong(r), count -= 1;
      } else if (PyErr_ExceptionMatches(PyExc_IndexError)) {
        PyErr_Clear();
      } else {
        fail();
      }
    } else if (op < 8) {
      PyObject* key = PyLong_FromLong(t * kOwnKeys + i);
      if (op == 5) {
        r = PyObject_CallMethod(g_dict, "setdefault", "Ol", key, i);
        if (r == NULL || PyLong_AsLong(r) != i) fail();
        dict_model[i] = 1;
      } else if (op == 6) {
        r = PyObject_CallMethod(g_dict, "pop", "OO", key, Py_None);
        if (r == NULL || (r == Py_None) == dict_model[i]) fail();
        dict_model[i] = 0;
      } else {
        r = PyObject_CallMethod(g_dict, "get", "O", key);
        if (r == NULL || (r != Py_None) != dict_model[i]) fail();
      }
      Py_DECREF(key);
    } else {
      PyObject* key = PyLong_FromLong(t * kOwnKeys + i);
      if (op == 8) {
        r = PyObject_CallMethod(g_set, "add", "O", key);
        set_model[i] = 1;
      } else if (op == 9) {
        r = PyObject_CallMethod(g_set, "discard", "O", key);
        set_model[i] = 0;
      } else {
        r = PyObject_CallMethod(g_set, "__contains__", "O", key);
        if (r != NULL && (r == Py_True) != set_model[i]) fail();
      }
      if (r == NULL) fail();
      Py_DECREF(key);
    }
    Py_XDECREF(r);
    if (ext_test_next_random(&rng) % 32 == 0) sched_yield();
  }
  /* Own keys left present iff i % 2 == 0, in the dict and in the set. */
  for (long k = 0; k < kOwnKeys; k++) {
    PyObject* key = PyLong_FromLong(t * kOwnKeys + k);
    PyObject* r1 = k % 2 == 0 ? PyObject_CallMethod(g_dict, "setdefault", "Ol", key, k)
                              : PyObject_CallMethod(g_dict, "pop", "OO", key, Py_None);
    PyObject* r2 = PyObject_CallMethod(g_set, k % 2 == 0 ? "add" : "discard", "O", key);
    if (r1 == NULL || r2 == NULL) fail();
    Py_XDECREF(r1);
    Py_XDECREF(r2);
    Py_DECREF(key);
  }
  Py_DECREF(append);
  atomic_fetch_add_explicit(&g_list_sum, sum, memory_order_relaxed);
  atomic_fetch_add_explicit(&g_list_count, count, memory_order_relaxed);
  if (PyErr_Occurred() != NULL) {
    fail();
    PyErr_Clear();
  }
  PyGILState_Release(st);
  return NULL;
}

static WorkerArg g_args[kThreads];
static void* worker_trampoline(void* arg) {
  const unsigned seed = (unsigned)(uintptr_t)arg;
  for (int k = 0; k < kThreads; k++) {
    if (g_args[k].seed == seed) return worker_main(&g_args[k]);
  }
  fail();
  return NULL;
}

static void test_threads(void) {
  g_ops = ext_test_scaled(10000, 400);
  const unsigned seed = ext_test_seed();
  for (int k = 0; k < kThreads; k++) g_args[k] = (WorkerArg){seed + (unsigned)k, k};
  g_list = PyList_New(0);
  g_dict = PyDict_New();
  g_set = PySet_New(NULL);
  CHECK(g_list != NULL && g_dict != NULL && g_set != NULL);
  ext_test_run_threads(kThreads, worker_trampoline, seed);
  CHECK_EQ_LL(atomic_load_explicit(&g_errors, memory_order_relaxed), 0);
  long sum = 0;
  for (Py_ssize_t k = 0; k < PyList_GET_SIZE(g_list); k++) sum += item_at(g_list, k);
  CHECK_EQ_LL(PyList_GET_SIZE(g_list), atomic_load_explicit(&g_list_count, memory_order_relaxed));
  CHECK_EQ_LL(sum, atomic_load_explicit(&g_list_sum, memory_order_relaxed));
  CHECK_EQ_LL(PyDict_Size(g_dict), kThreads * kOwnKeys / 2);
  CHECK_EQ_LL(PySet_GET_SIZE(g_set), kThreads * kOwnKeys / 2);
  for (long k = 0; k < kThreads * kOwnKeys; k++) {
    PyObject* key = PyLong_FromLong(k);
    CHECK_EQ_LL(PyDict_Contains(g_dict, key), k % kOwnKeys % 2 == 0);
    CHECK_EQ_LL(PySet_Contains(g_set, key), k % kOwnKeys % 2 == 0);
    Py_DECREF(key);
  }
  Py_DECREF(g_list);
  Py_DECREF(g_dict);
  Py_DECREF(g_set);
}

int main(void) {
  Py_Initialize();
  test_list();
  test_dict();
  test_tuple_and_sets();
  test_constructors();
  test_threads();
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_container_methods_test: OK\n");
  return 0;
}
