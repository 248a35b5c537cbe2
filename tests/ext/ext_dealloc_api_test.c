/* Deallocation and instance-dict idioms of extension types, from C:
 *
 *   - Py_TRASHCAN_BEGIN / Py_TRASHCAN_END (and _BEGIN_CONDITION) around a
 *     container's tp_dealloc, as CPython's own containers and Cython's
 *     trashcan types write it: a chain of nodes a million long, each
 *     holding the next, freed by dropping its head, runs every body exactly
 *     once (a sum the bodies compute) in constant stack, on the thread that
 *     made the chain and on one that did not;
 *   - the "__dict__" getset of a type with tp_dictoffset, filled with
 *     PyObject_GenericGetDict / PyObject_GenericSetDict as extensions do:
 *     the dict made on first use, attribute writes visible through it, a
 *     new mapping assigned, CPython 3.13's errors for deleting it and for a
 *     non-dict;
 *   - kThreads threads (more than the machine's cores) each free chains
 *     and write their own keys into one shared object's __dict__ with
 *     random yields; the final dict holds exactly every thread's last
 *     values, and nothing leaks after Py_FinalizeEx. */
#include "Python.h" /* first, as CPython asks: it sets the feature macros */

#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 6 };

/* ---- Node: a chain link freed through the trashcan macros -------------- */

typedef struct {
  PyObject_HEAD
  PyObject* next; /* the next node, or NULL */
  long id;
} NodeObject;

static atomic_long g_nodes_freed;
static atomic_long g_id_sum; /* what the dealloc bodies add up */

/* What either dealloc below does inside the macros' block. */
static void node_free(NodeObject* self) {
  atomic_fetch_add_explicit(&g_id_sum, self->id, memory_order_relaxed);
  Py_CLEAR(self->next);
  Py_TYPE(self)->tp_free((PyObject*)self);
  atomic_fetch_add_explicit(&g_nodes_freed, 1, memory_order_relaxed);
}

static void Node_dealloc(NodeObject* self) {
  Py_TRASHCAN_BEGIN(self, Node_dealloc)
  node_free(self);
  Py_TRASHCAN_END
}

static PyTypeObject NodeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_dealloc_api_test.Node",
    .tp_basicsize = sizeof(NodeObject),
    .tp_dealloc = (destructor)Node_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

/* The same with the conditional form (CPython 3.13's macro; the condition
 * says whether the guard applies). */
static void CondNode_dealloc(NodeObject* self) {
  Py_TRASHCAN_BEGIN_CONDITION(self, self->id >= 0)
  node_free(self);
  Py_TRASHCAN_END
}

static PyTypeObject CondNodeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_dealloc_api_test.CondNode",
    .tp_basicsize = sizeof(NodeObject),
    .tp_dealloc = (destructor)CondNode_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

/* A chain of n nodes with ids first .. first + n - 1; returns its head. */
static PyObject* make_chain(PyTypeObject* type, long first, long n) {
  PyObject* head = NULL;
  for (long i = n - 1; i >= 0; i--) {
    NodeObject* node = PyObject_New(NodeObject, type);
    CHECK(node != NULL);
    node->id = first + i;
    node->next = head; /* the new node takes the reference */
    head = (PyObject*)node;
  }
  return head;
}

static long long id_sum(long first, long n) {
  return (long long)n * first + (long long)n * (n - 1) / 2;
}

static void test_trashcan(void) {
  const long n = ext_test_scaled(1000000, 200000);
  PyTypeObject* types[] = {&NodeType, &CondNodeType};
  for (int k = 0; k < 2; k++) {
    atomic_store(&g_nodes_freed, 0);
    atomic_store(&g_id_sum, 0);
    PyObject* head = make_chain(types[k], 1, n);
    CHECK_EQ_LL(atomic_load(&g_nodes_freed), 0);
    Py_DECREF(head); /* a million nested deallocations, in constant stack */
    CHECK_EQ_LL(atomic_load(&g_nodes_freed), n);
    CHECK_EQ_LL(atomic_load(&g_id_sum), id_sum(1, n));
  }
}

/* The chain made here, dropped by another thread. */
static PyObject* g_handoff;
static void* drop_handoff(void* arg) {
  (void)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  Py_CLEAR(g_handoff);
  PyGILState_Release(g);
  return NULL;
}

static void test_trashcan_other_thread(void) {
  const long n = ext_test_scaled(1000000, 200000);
  atomic_store(&g_nodes_freed, 0);
  atomic_store(&g_id_sum, 0);
  g_handoff = make_chain(&NodeType, 7, n);
  PyThreadState* saved = PyEval_SaveThread();
  pthread_t t;
  CHECK(pthread_create(&t, NULL, drop_handoff, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  PyEval_RestoreThread(saved);
  /* The other thread's drop took the head's count below zero: the head
   * went to this thread's merge queue, and its merge (at a safepoint; a
   * collection drains every queue) frees the chain here. */
  CHECK(PyGC_Collect() >= 0);
  CHECK_EQ_LL(atomic_load(&g_nodes_freed), n);
  CHECK_EQ_LL(atomic_load(&g_id_sum), id_sum(7, n));
}

/* ---- Box: instance dict through the generic __dict__ getset ------------ */

typedef struct {
  PyObject_HEAD
  PyObject* dict;
} BoxObject;

static void Box_dealloc(BoxObject* self) {
  Py_CLEAR(self->dict);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyGetSetDef Box_getset[] = {
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject BoxType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_dealloc_api_test.Box",
    .tp_basicsize = sizeof(BoxObject),
    .tp_dealloc = (destructor)Box_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_getset = Box_getset,
    .tp_dictoffset = offsetof(BoxObject, dict),
    .tp_new = PyType_GenericNew,
};

static long get_long_attr(PyObject* o, const char* name) {
  PyObject* v = PyObject_GetAttrString(o, name);
  CHECK(v != NULL);
  long r = PyLong_AsLong(v);
  Py_DECREF(v);
  return r;
}

static void test_generic_dict(void) {
  PyObject* box = PyObject_CallNoArgs((PyObject*)&BoxType);
  CHECK(box != NULL);
  CHECK(((BoxObject*)box)->dict == NULL); /* made on first use */
  PyObject* d = PyObject_GetAttrString(box, "__dict__");
  CHECK(d != NULL && PyDict_CheckExact(d));
  CHECK_EQ_LL(PyDict_Size(d), 0);
  CHECK(((BoxObject*)box)->dict == d);
  PyObject* d2 = PyObject_GenericGetDict(box, NULL);
  CHECK(d2 == d);
  Py_DECREF(d2);

  PyObject* five = PyLong_FromLong(5);
  CHECK(PyObject_SetAttrString(box, "x", five) == 0);
  CHECK(PyDict_GetItemString(d, "x") == five); /* borrowed */
  CHECK_EQ_LL(get_long_attr(box, "x"), 5);

  /* A new mapping assigned to __dict__: its items are the attributes. */
  PyObject* fresh = Py_BuildValue("{s:i,s:i}", "y", 7, "z", 8);
  CHECK(fresh != NULL);
  CHECK(PyObject_SetAttrString(box, "__dict__", fresh) == 0);
  CHECK_EQ_LL(get_long_attr(box, "y"), 7);
  CHECK_EQ_LL(get_long_attr(box, "z"), 8);
  CHECK(PyObject_GetAttrString(box, "x") == NULL);
  ext_test_expect_error(PyExc_AttributeError, "'ext_dealloc_api_test.Box' object has no attribute 'x'");
  PyObject* now = PyObject_GetAttrString(box, "__dict__");
  CHECK(now != NULL);
  CHECK_EQ_LL(PyDict_Size(now), 2);
  CHECK(PyObject_RichCompareBool(now, fresh, Py_EQ) == 1);
  Py_DECREF(now);

  /* CPython 3.13's errors. */
  CHECK(PyObject_SetAttrString(box, "__dict__", five) == -1);
  ext_test_expect_error(PyExc_TypeError, "__dict__ must be set to a dictionary, not a 'int'");
  CHECK(PyObject_DelAttrString(box, "__dict__") == -1);
  ext_test_expect_error(PyExc_TypeError, "cannot delete __dict__");
  CHECK(PyObject_GenericSetDict(box, NULL, NULL) == -1);
  ext_test_expect_error(PyExc_TypeError, "cannot delete __dict__");
  CHECK_EQ_LL(get_long_attr(box, "y"), 7); /* nothing changed */

  Py_DECREF(fresh);
  Py_DECREF(five);
  Py_DECREF(d);
  Py_DECREF(box);
}

/* ---- threads ------------------------------------------------------------ */

static PyObject* g_shared_box;
static long g_rounds;

static void* worker(void* arg) {
  const unsigned seed = (unsigned)(uintptr_t)arg;
  unsigned state = seed;
  const int id = (int)(seed % kThreads);
  char key[32];
  snprintf(key, sizeof key, "t%d", id);
  PyGILState_STATE g = PyGILState_Ensure();
  for (long i = 0; i < g_rounds; i++) {
    PyObject* chain = make_chain(&NodeType, 0, 50 + (long)(ext_test_next_random(&state) % 200));
    PyObject* v = PyLong_FromLong(i);
    CHECK(v != NULL);
    CHECK(PyObject_SetAttrString(g_shared_box, key, v) == 0);
    Py_DECREF(v);
    if (ext_test_next_random(&state) % 8 == 0) {
      Py_BEGIN_ALLOW_THREADS
      sched_yield();
      Py_END_ALLOW_THREADS
    }
    PyObject* d = PyObject_GetAttrString(g_shared_box, "__dict__");
    CHECK(d != NULL);
    PyObject* mine = PyDict_GetItemString(d, key); /* borrowed: only we write it */
    CHECK(mine != NULL && PyLong_AsLong(mine) == i);
    Py_DECREF(d);
    Py_DECREF(chain);
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_threads(unsigned seed) {
  g_rounds = ext_test_scaled(2000, 200);
  g_shared_box = PyObject_CallNoArgs((PyObject*)&BoxType);
  CHECK(g_shared_box != NULL);
  atomic_store(&g_nodes_freed, 0);
  ext_test_run_threads(kThreads, worker, seed);
  CHECK(PyGC_Collect() >= 0); /* merges what threads queued to each other */
  PyObject* d = PyObject_GetAttrString(g_shared_box, "__dict__");
  CHECK(d != NULL);
  CHECK_EQ_LL(PyDict_Size(d), kThreads);
  for (int t = 0; t < kThreads; t++) {
    char key[32];
    snprintf(key, sizeof key, "t%d", t);
    PyObject* v = PyDict_GetItemString(d, key);
    CHECK(v != NULL && PyLong_AsLong(v) == g_rounds - 1);
  }
  Py_DECREF(d);
  Py_CLEAR(g_shared_box);
}

int main(void) {
  const unsigned seed = ext_test_seed();
  Py_Initialize();
  CHECK(PyType_Ready(&NodeType) == 0);
  CHECK(PyType_Ready(&CondNodeType) == 0);
  CHECK(PyType_Ready(&BoxType) == 0);
  test_trashcan();
  test_trashcan_other_thread();
  test_generic_dict();
  test_threads(seed);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
