/* C extension types that subclass list, dict, tuple, set, frozenset and
 * bytearray, written the way
 * extensions write them: a struct that starts with PyListObject /
 * PyDictObject (a tuple subtype keeps tuple's layout) and adds fields,
 * tp_base = &PyList_Type / &PyDict_Type / &PyTuple_Type, and slots that do
 * their own part and delegate to the base's (PyList_Type.tp_init /
 * tp_traverse / tp_dealloc, PyDict_Type.tp_as_mapping->mp_subscript,
 * PyTuple_Type.tp_new).
 *
 *   - instances are made by calling the type (list.__new__ then the
 *     subtype's tp_init), are PyList_Check / PyDict_Check but not Exact,
 *     work with the concrete and abstract APIs, keep their own fields, and
 *     free them and the container's items (nothing leaks after
 *     Py_FinalizeEx);
 *   - list.__init__ clears and refills; dict.__init__ merges a mapping, pairs
 *     and keywords; a dict subtype's __missing__ answers for absent keys
 *     (exact dicts raise KeyError);
 *   - set.__new__ makes an empty instance of a set subtype and set.__init__
 *     fills it; frozenset.__new__ fills a new instance of a frozenset
 *     subtype (a struct starting with PySetObject);
 *   - bytearray.__new__ makes an empty instance of a subtype and
 *     bytearray.__init__ fills it (again: replaced; BufferError while
 *     exported);
 *   - a heap subtype (PyType_FromSpec, Py_tp_base list, no dealloc of its
 *     own) is instantiable and gives its reference back when an instance
 *     dies;
 *   - kThreads threads (more than the machine's cores) append to one shared
 *     list subtype instance and read one shared dict subtype instance, with
 *     random yields: exact totals (run under TSan too). */
#include "Python.h" /* first, as CPython asks: it sets the feature macros */

#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 6 };

/* ---- CountingDict: counts its subscriptions ------------------------------ */

typedef struct {
  PyDictObject dict;
  atomic_long hits;
} CountingDict;

static PyObject* cd_subscript(PyObject* self, PyObject* key) {
  atomic_fetch_add(&((CountingDict*)self)->hits, 1);
  return PyDict_Type.tp_as_mapping->mp_subscript(self, key);
}

static PyMappingMethods cd_as_mapping; /* dict's, with mp_subscript replaced */

static PyTypeObject CountingDictType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_subclass_test.CountingDict",
    .tp_basicsize = sizeof(CountingDict),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_base = &PyDict_Type,
};

/* ---- DefaultingDict: absent keys are 0 (__missing__) ---------------------- */

static PyObject* dd_missing(PyObject* self, PyObject* key) {
  (void)self, (void)key;
  return PyLong_FromLong(0);
}

static PyMethodDef dd_methods[] = {
    {"__missing__", dd_missing, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject DefaultingDictType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_subclass_test.DefaultingDict",
    .tp_basicsize = sizeof(PyDictObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_base = &PyDict_Type,
    .tp_methods = dd_methods,
};

/* ---- TaggedList: a list with a tag object -------------------------------- */

typedef struct {
  PyListObject list;
  PyObject* tag;
} TaggedList;

static atomic_long g_tagged_freed;

static int tl_init(PyObject* self, PyObject* args, PyObject* kwds) {
  if (PyList_Type.tp_init(self, args, kwds) < 0) return -1;
  Py_XSETREF(((TaggedList*)self)->tag, PyUnicode_FromString("tagged"));
  return ((TaggedList*)self)->tag != NULL ? 0 : -1;
}

static int tl_traverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(((TaggedList*)self)->tag);
  return PyList_Type.tp_traverse(self, visit, arg);
}

static void tl_dealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(((TaggedList*)self)->tag);
  atomic_fetch_add(&g_tagged_freed, 1);
  PyList_Type.tp_dealloc(self);
}

static PyTypeObject TaggedListType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_subclass_test.TaggedList",
    .tp_basicsize = sizeof(TaggedList),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_base = &PyList_Type,
    .tp_init = tl_init,
    .tp_traverse = tl_traverse,
    .tp_dealloc = tl_dealloc,
};

/* ---- Point: a tuple subtype whose tp_new calls tuple's ------------------- */

static atomic_long g_points_made;

static PyObject* point_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  PyObject* self = PyTuple_Type.tp_new(type, args, kwds);
  if (self != NULL) atomic_fetch_add(&g_points_made, 1);
  return self;
}

static PyTypeObject PointType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_subclass_test.Point",
    .tp_basicsize = sizeof(PyTupleObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_base = &PyTuple_Type,
    .tp_new = point_new,
};

/* ---- LabeledSet / LabeledFrozenSet: set subtypes with a field ------------ */

typedef struct {
  PySetObject set;
  long label;
} LabeledSet;

static atomic_long g_sets_freed;

static int ls_init(PyObject* self, PyObject* args, PyObject* kwds) {
  ((LabeledSet*)self)->label = 7;
  return PySet_Type.tp_init(self, args, kwds);
}

static void ls_dealloc(PyObject* self) {
  atomic_fetch_add(&g_sets_freed, 1);
  Py_TYPE(self)->tp_base->tp_dealloc(self);
}

static PyTypeObject LabeledSetType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_subclass_test.LabeledSet",
    .tp_basicsize = sizeof(LabeledSet),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_base = &PySet_Type,
    .tp_init = ls_init,
    .tp_dealloc = ls_dealloc,
};

static PyTypeObject LabeledFrozenSetType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_subclass_test.LabeledFrozenSet",
    .tp_basicsize = sizeof(LabeledSet),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_base = &PyFrozenSet_Type,
    .tp_dealloc = ls_dealloc,
};

/* ---- Blob: a bytearray subtype whose tp_init calls bytearray's ------------ */

typedef struct {
  PyByteArrayObject ba;
  int inits;
} Blob;

static int blob_init(PyObject* self, PyObject* args, PyObject* kwds) {
  ((Blob*)self)->inits++;
  return PyByteArray_Type.tp_init(self, args, kwds);
}

static PyTypeObject BlobType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_subclass_test.Blob",
    .tp_basicsize = sizeof(Blob),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_base = &PyByteArray_Type,
    .tp_init = blob_init,
};

/* ---- the tests ------------------------------------------------------------ */

static void test_dict_subtypes(void) {
  PyObject* d = PyObject_CallNoArgs((PyObject*)&CountingDictType);
  CHECK(d != NULL && Py_TYPE(d) == &CountingDictType);
  CHECK(PyDict_Check(d) && !PyDict_CheckExact(d));
  CHECK_EQ_LL(PyDict_Size(d), 0);
  PyObject* k = PyUnicode_FromString("a");
  CHECK(PyDict_SetItem(d, k, Py_True) == 0);
  PyObject* v = PyObject_GetItem(d, k); /* through cd_subscript */
  CHECK(v == Py_True);
  Py_DECREF(v);
  CHECK_EQ_LL(atomic_load(&((CountingDict*)d)->hits), 1);
  CHECK(PyDict_GetItemWithError(d, k) == Py_True); /* the concrete API: no count */
  CHECK_EQ_LL(atomic_load(&((CountingDict*)d)->hits), 1);
  PyObject* absent = PyUnicode_FromString("absent");
  CHECK(PyObject_GetItem(d, absent) == NULL);
  ext_test_expect_error(PyExc_KeyError, "'absent'");
  CHECK_EQ_LL(atomic_load(&((CountingDict*)d)->hits), 2);
  CHECK(PyObject_SetItem(d, absent, Py_None) == 0); /* dict's mp_ass_subscript */
  CHECK(PyObject_DelItem(d, absent) == 0);
  CHECK(PyObject_DelItem(d, absent) == -1);
  ext_test_expect_error(PyExc_KeyError, "'absent'");
  PyObject* keys = PyDict_Keys(d);
  CHECK(keys != NULL && PyList_GET_SIZE(keys) == 1 && PyList_GET_ITEM(keys, 0) == k);
  Py_DECREF(keys);
  PyObject* r = PyObject_Repr(d);
  CHECK(r != NULL && strcmp(PyUnicode_AsUTF8(r), "{'a': True}") == 0);
  Py_DECREF(r);
  Py_DECREF(d);

  /* dict.__init__: a mapping, pairs, keywords. */
  PyObject* src = Py_BuildValue("{s:i}", "x", 1);
  PyObject* args = PyTuple_Pack(1, src);
  PyObject* kw = Py_BuildValue("{s:i}", "y", 2);
  d = PyObject_Call((PyObject*)&CountingDictType, args, kw);
  CHECK(d != NULL && PyDict_Size(d) == 2);
  CHECK(PyLong_AsLong(PyDict_GetItemString(d, "y")) == 2);
  Py_DECREF(d);
  Py_DECREF(args);
  args = Py_BuildValue("([(si)(si)])", "p", 3, "q", 4);
  d = PyObject_Call((PyObject*)&CountingDictType, args, NULL);
  CHECK(d != NULL && PyDict_Size(d) == 2 && PyLong_AsLong(PyDict_GetItemString(d, "q")) == 4);
  Py_DECREF(d);
  Py_DECREF(args);
  args = PyTuple_Pack(2, src, src);
  CHECK(PyObject_Call((PyObject*)&CountingDictType, args, NULL) == NULL);
  ext_test_expect_error(PyExc_TypeError, "dict expected at most 1 argument, got 2");
  Py_DECREF(args);
  Py_DECREF(kw);
  Py_DECREF(src);

  /* __missing__ on a subtype; an exact dict raises KeyError. */
  PyObject* dd = PyObject_CallNoArgs((PyObject*)&DefaultingDictType);
  CHECK(dd != NULL);
  v = PyObject_GetItem(dd, absent);
  CHECK(v != NULL && PyLong_AsLong(v) == 0);
  Py_DECREF(v);
  CHECK_EQ_LL(PyDict_Size(dd), 0); /* __missing__ does not store */
  Py_DECREF(dd);
  PyObject* plain = PyDict_New();
  CHECK(PyObject_GetItem(plain, absent) == NULL);
  ext_test_expect_error(PyExc_KeyError, "'absent'");
  Py_DECREF(plain);
  Py_DECREF(absent);
  Py_DECREF(k);
}

static void test_tuple_subtypes(void) {
  PyObject* items = Py_BuildValue("[is]", 3, "four");
  PyObject* p = PyObject_CallOneArg((PyObject*)&PointType, items);
  CHECK(p != NULL && Py_TYPE(p) == &PointType && atomic_load(&g_points_made) == 1);
  CHECK(PyTuple_Check(p) && !PyTuple_CheckExact(p));
  CHECK(PyTuple_GET_SIZE(p) == 2 && PyLong_AsLong(PyTuple_GET_ITEM(p, 0)) == 3);
  PyObject* plain = PyList_AsTuple(items);
  CHECK(PyObject_Hash(p) == PyObject_Hash(plain));
  CHECK(PyObject_RichCompareBool(p, plain, Py_EQ) == 1);
  PyObject* r = PyObject_Repr(p);
  CHECK(r != NULL && strcmp(PyUnicode_AsUTF8(r), "(3, 'four')") == 0);
  Py_DECREF(r);
  PyObject* item = PySequence_GetItem(p, -1);
  CHECK(item != NULL && PyUnicode_Check(item));
  Py_DECREF(item);
  Py_DECREF(plain);
  Py_DECREF(p);
  /* No argument: an empty instance of the subtype, not the shared (). */
  p = PyObject_CallNoArgs((PyObject*)&PointType);
  CHECK(p != NULL && Py_TYPE(p) == &PointType && PyTuple_GET_SIZE(p) == 0);
  Py_DECREF(p);
  CHECK(PyObject_CallFunction((PyObject*)&PointType, "ii", 1, 2) == NULL);
  ext_test_expect_error(PyExc_TypeError, "tuple expected at most 1 argument, got 2");
  CHECK(PyObject_CallOneArg((PyObject*)&PointType, Py_None) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'NoneType' object is not iterable");
  Py_DECREF(items);
}

static void test_list_subtypes(void) {
  PyObject* items = Py_BuildValue("(iii)", 1, 2, 3);
  PyObject* l = PyObject_CallOneArg((PyObject*)&TaggedListType, items);
  CHECK(l != NULL && Py_TYPE(l) == &TaggedListType);
  CHECK(PyList_Check(l) && !PyList_CheckExact(l));
  CHECK_EQ_LL(PyList_GET_SIZE(l), 3);
  CHECK(((TaggedList*)l)->tag != NULL);
  CHECK(PyList_Append(l, Py_None) == 0 && PyList_Size(l) == 4);
  PyObject* r = PyObject_Repr(l);
  CHECK(r != NULL && strcmp(PyUnicode_AsUTF8(r), "[1, 2, 3, None]") == 0);
  Py_DECREF(r);
  PyObject* popped = PyObject_CallMethod(l, "pop", NULL);
  CHECK(popped == Py_None);
  Py_DECREF(popped);
  /* list.__init__ again: cleared, then refilled. */
  PyObject* two = Py_BuildValue("((ii))", 8, 9);
  CHECK(PyList_Type.tp_init(l, two, NULL) == 0);
  CHECK(PyList_GET_SIZE(l) == 2 && PyLong_AsLong(PyList_GET_ITEM(l, 1)) == 9);
  Py_DECREF(two);
  PyObject* t = PyList_AsTuple(l);
  CHECK(t != NULL && PyTuple_GET_SIZE(t) == 2);
  Py_DECREF(t);
  atomic_store(&g_tagged_freed, 0);
  Py_DECREF(l);
  CHECK_EQ_LL(atomic_load(&g_tagged_freed), 1);
  CHECK(PyObject_Call((PyObject*)&TaggedListType, items, NULL) == NULL); /* 3 args */
  ext_test_expect_error(PyExc_TypeError, "list expected at most 1 argument, got 3");
  Py_DECREF(items);

  /* In a cycle with itself: the collector frees it. */
  l = PyObject_CallNoArgs((PyObject*)&TaggedListType);
  CHECK(l != NULL && PyList_Append(l, l) == 0);
  atomic_store(&g_tagged_freed, 0);
  Py_DECREF(l);
  CHECK(PyGC_Collect() >= 1);
  CHECK_EQ_LL(atomic_load(&g_tagged_freed), 1);

  /* A heap subtype with no dealloc of its own. */
  PyType_Slot slots[] = {{Py_tp_base, &PyList_Type}, {0, NULL}};
  PyType_Spec spec = {"ext_subclass_test.HeapList", sizeof(PyListObject), 0,
                      Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, slots};
  PyObject* heap = PyType_FromSpec(&spec);
  CHECK(heap != NULL);
  const Py_ssize_t type_refs = Py_REFCNT(heap);
  PyObject* hl = PyObject_CallNoArgs(heap);
  CHECK(hl != NULL && Py_TYPE(hl) == (PyTypeObject*)heap && PyList_Check(hl));
  CHECK(Py_REFCNT(heap) == type_refs + 1);
  CHECK(PyList_Append(hl, Py_True) == 0);
  Py_DECREF(hl);
  CHECK(Py_REFCNT(heap) == type_refs);
  Py_DECREF(heap);
}

static void test_set_subtypes(void) {
  PyObject* items = Py_BuildValue("([iiii])", 1, 2, 2, 3);
  PyObject* s = PyObject_Call((PyObject*)&LabeledSetType, items, NULL);
  CHECK(s != NULL && Py_TYPE(s) == &LabeledSetType);
  CHECK(PySet_Check(s) && !PyAnySet_CheckExact(s) && PyAnySet_Check(s));
  CHECK_EQ_LL(PySet_GET_SIZE(s), 3);
  CHECK(((LabeledSet*)s)->label == 7);
  PyObject* nine = PyLong_FromLong(9);
  CHECK(PySet_Add(s, nine) == 0 && PySet_Contains(s, nine) == 1);
  CHECK(PySet_Discard(s, nine) == 1 && PySet_Size(s) == 3);
  /* set.__init__ again: cleared, then refilled. */
  PyObject* two = Py_BuildValue("((ii))", 8, 9);
  CHECK(PySet_Type.tp_init(s, two, NULL) == 0);
  CHECK(PySet_Size(s) == 2 && PySet_Contains(s, nine) == 1);
  Py_DECREF(two);
  /* Set operations with an exact set: results are exact sets. */
  PyObject* exact = PySet_New(NULL);
  CHECK(PySet_Add(exact, nine) == 0);
  PyObject* both = PyNumber_And(s, exact);
  CHECK(both != NULL && PySet_CheckExact(both) && PySet_Size(both) == 1);
  Py_DECREF(both);
  Py_DECREF(exact);
  atomic_store(&g_sets_freed, 0);
  Py_DECREF(s);
  CHECK_EQ_LL(atomic_load(&g_sets_freed), 1);
  PyObject* pair = Py_BuildValue("(ii)", 1, 2);
  CHECK(PyObject_Call((PyObject*)&LabeledSetType, pair, NULL) == NULL);
  ext_test_expect_error(PyExc_TypeError, "set expected at most 1 argument, got 2");
  Py_DECREF(pair);

  /* frozenset.__new__ for the subtype: filled, hashable like a frozenset. */
  PyObject* fs = PyObject_Call((PyObject*)&LabeledFrozenSetType, items, NULL);
  CHECK(fs != NULL && Py_TYPE(fs) == &LabeledFrozenSetType);
  CHECK(PyFrozenSet_Check(fs) && !PyFrozenSet_CheckExact(fs) && PySet_GET_SIZE(fs) == 3);
  PyObject* plain = PyFrozenSet_New(PyTuple_GET_ITEM(items, 0));
  CHECK(PyObject_Hash(fs) == PyObject_Hash(plain));
  CHECK(PyObject_RichCompareBool(fs, plain, Py_EQ) == 1);
  Py_DECREF(plain);
  /* An empty one is its own object, not a shared empty frozenset. */
  atomic_store(&g_sets_freed, 0);
  PyObject* e1 = PyObject_CallNoArgs((PyObject*)&LabeledFrozenSetType);
  PyObject* e2 = PyObject_CallNoArgs((PyObject*)&LabeledFrozenSetType);
  CHECK(e1 != NULL && e2 != NULL && e1 != e2 && PySet_GET_SIZE(e1) == 0);
  Py_DECREF(e1);
  Py_DECREF(e2);
  Py_DECREF(fs);
  CHECK_EQ_LL(atomic_load(&g_sets_freed), 3);
  Py_DECREF(nine);
  Py_DECREF(items);
}

static void test_bytearray_subtypes(void) {
  PyObject* args = Py_BuildValue("(y)", "hello");
  PyObject* b = PyObject_Call((PyObject*)&BlobType, args, NULL);
  Py_DECREF(args);
  CHECK(b != NULL && Py_TYPE(b) == &BlobType && ((Blob*)b)->inits == 1);
  CHECK(PyByteArray_Check(b) && !PyByteArray_CheckExact(b));
  CHECK(PyByteArray_GET_SIZE(b) == 5 && memcmp(PyByteArray_AS_STRING(b), "hello", 5) == 0);
  CHECK(PyByteArray_Resize(b, 2) == 0 && PyByteArray_Size(b) == 2);
  PyObject* r = PyObject_Repr(b);
  CHECK(r != NULL && strcmp(PyUnicode_AsUTF8(r), "bytearray(b'he')") == 0);
  Py_DECREF(r);
  /* __init__ again replaces the contents: bytearray(3) is three zeros. */
  args = Py_BuildValue("(i)", 3);
  CHECK(PyByteArray_Type.tp_init(b, args, NULL) == 0);
  CHECK(PyByteArray_GET_SIZE(b) == 3 && PyByteArray_AS_STRING(b)[1] == 0);
  /* ... but not while a buffer is exported. */
  Py_buffer view;
  CHECK(PyObject_GetBuffer(b, &view, PyBUF_SIMPLE) == 0);
  CHECK(PyByteArray_Type.tp_init(b, args, NULL) == -1);
  ext_test_expect_error(PyExc_BufferError, "Existing exports of data: object cannot be re-sized");
  PyBuffer_Release(&view);
  Py_DECREF(args);
  /* Exact bytearrays still fill through __new__ + __init__. */
  args = Py_BuildValue("(s s)", "h\xc3\xa9", "latin-1");
  PyObject* exact = PyObject_Call((PyObject*)&PyByteArray_Type, args, NULL);
  CHECK(exact != NULL && PyByteArray_CheckExact(exact) && PyByteArray_GET_SIZE(exact) == 2);
  CHECK((unsigned char)PyByteArray_AS_STRING(exact)[1] == 0xe9);
  Py_DECREF(exact);
  Py_DECREF(args);
  Py_DECREF(b);
}

/* ---- threads ---------------------------------------------------------------- */

static PyObject* g_shared_list; /* a TaggedList */
static PyObject* g_shared_dict; /* a CountingDict: "k0".."k9" -> 0..9 */
static PyObject* g_shared_blob; /* a Blob: always n copies of one byte */
static atomic_long g_blob_inits;
static long g_rounds;
static atomic_llong g_appended_sum; /* what the threads appended */

static void* worker(void* arg) {
  unsigned state = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  for (long i = 0; i < g_rounds; i++) {
    char key[8];
    const int j = (int)(ext_test_next_random(&state) % 10);
    snprintf(key, sizeof key, "k%d", j);
    PyObject* k = PyUnicode_FromString(key);
    PyObject* v = PyObject_GetItem(g_shared_dict, k);
    CHECK(v != NULL && PyLong_AsLong(v) == j);
    CHECK(PyList_Append(g_shared_list, v) == 0);
    atomic_fetch_add(&g_appended_sum, j);
    Py_DECREF(v);
    Py_DECREF(k);
    /* The shared Blob: re-initialised to n copies of one byte (refused
     * while another thread has it exported), or read through a buffer,
     * which must never show a mix of two contents. */
    if (ext_test_next_random(&state) % 4 == 0) {
      char fill[16];
      const int n = 1 + (int)(ext_test_next_random(&state) % 15);
      memset(fill, 'a' + (int)(ext_test_next_random(&state) % 26), (size_t)n);
      PyObject* a = Py_BuildValue("(y#)", fill, (Py_ssize_t)n);
      if (PyByteArray_Type.tp_init(g_shared_blob, a, NULL) == 0) {
        atomic_fetch_add(&g_blob_inits, 1);
      } else {
        CHECK(PyErr_ExceptionMatches(PyExc_BufferError));
        PyErr_Clear();
      }
      Py_DECREF(a);
    } else {
      Py_buffer view;
      CHECK(PyObject_GetBuffer(g_shared_blob, &view, PyBUF_SIMPLE) == 0);
      CHECK(view.len >= 1 && view.len <= 15);
      for (Py_ssize_t b = 1; b < view.len; b++) {
        CHECK(((char*)view.buf)[b] == ((char*)view.buf)[0]);
      }
      PyBuffer_Release(&view);
    }
    if (ext_test_next_random(&state) % 16 == 0) {
      Py_BEGIN_ALLOW_THREADS
      sched_yield();
      Py_END_ALLOW_THREADS
    }
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_threads(unsigned seed) {
  g_rounds = ext_test_scaled(3000, 300);
  g_shared_list = PyObject_CallNoArgs((PyObject*)&TaggedListType);
  g_shared_dict = PyObject_CallNoArgs((PyObject*)&CountingDictType);
  PyObject* start = Py_BuildValue("(y)", "zzz");
  g_shared_blob = PyObject_Call((PyObject*)&BlobType, start, NULL);
  Py_DECREF(start);
  CHECK(g_shared_list != NULL && g_shared_dict != NULL && g_shared_blob != NULL);
  for (int j = 0; j < 10; j++) {
    char key[8];
    snprintf(key, sizeof key, "k%d", j);
    PyObject* v = PyLong_FromLong(j);
    CHECK(PyDict_SetItemString(g_shared_dict, key, v) == 0);
    Py_DECREF(v);
  }
  ext_test_run_threads(kThreads, worker, seed);
  CHECK_EQ_LL(PyList_GET_SIZE(g_shared_list), kThreads * g_rounds);
  CHECK_EQ_LL(atomic_load(&((CountingDict*)g_shared_dict)->hits), kThreads * g_rounds);
  long long sum = 0;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(g_shared_list); i++) {
    sum += PyLong_AsLong(PyList_GET_ITEM(g_shared_list, i));
  }
  CHECK_EQ_LL(sum, atomic_load(&g_appended_sum)); /* nothing lost or doubled */
  /* Some re-initialisations got through (others met an export), and the
   * Blob's own tp_init ran once, when it was made. */
  CHECK(atomic_load(&g_blob_inits) > 0);
  CHECK(((Blob*)g_shared_blob)->inits == 1);
  Py_CLEAR(g_shared_list);
  Py_CLEAR(g_shared_dict);
  Py_CLEAR(g_shared_blob);
}

int main(void) {
  const unsigned seed = ext_test_seed();
  Py_Initialize();
  cd_as_mapping = *PyDict_Type.tp_as_mapping;
  cd_as_mapping.mp_subscript = cd_subscript;
  CountingDictType.tp_as_mapping = &cd_as_mapping;
  CHECK(PyType_Ready(&CountingDictType) == 0);
  CHECK(PyType_Ready(&DefaultingDictType) == 0);
  CHECK(PyType_Ready(&TaggedListType) == 0);
  CHECK(PyType_Ready(&PointType) == 0);
  CHECK(PyType_Ready(&LabeledSetType) == 0);
  CHECK(PyType_Ready(&LabeledFrozenSetType) == 0);
  CHECK(PyType_Ready(&BlobType) == 0);
  test_tuple_subtypes();
  test_dict_subtypes();
  test_list_subtypes();
  test_set_subtypes();
  test_bytearray_subtypes();
  test_threads(seed);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
