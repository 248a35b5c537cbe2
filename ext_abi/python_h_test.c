/* Python.h from C, with no runtime: the layouts extensions compile into
 * their code (checked against CPython 3.13t's own headers, compiled with
 * Py_GIL_DISABLED on x86-64), the macros and inline functions that need no
 * runtime, the inline reference counting's fast paths and its hand-offs to
 * the runtime's slow paths (recorded by ext_abi/testing/standins.c), the
 * PyMutex fast paths, the critical-section macros, and the ABI tag this
 * very executable carries. */
#include "Python.h"

#include <link.h>
#include <stdio.h>
#include <string.h>

#include "ext_abi/testing/standins.h"

static int failures;
static int checks;

#define EXPECT(cond)                                                   \
  do {                                                                 \
    ++checks;                                                          \
    if (!(cond)) {                                                     \
      ++failures;                                                      \
      fprintf(stderr, "%s:%d: EXPECT(%s) failed\n", __FILE__, __LINE__, \
              #cond);                                                  \
    }                                                                  \
  } while (0)

#define EXPECT_EQ(a, b)                                                    \
  do {                                                                     \
    long long a_ = (long long)(a), b_ = (long long)(b);                    \
    ++checks;                                                              \
    if (a_ != b_) {                                                        \
      ++failures;                                                          \
      fprintf(stderr, "%s:%d: EXPECT_EQ(%s, %s): %lld != %lld\n", __FILE__, \
              __LINE__, #a, #b, a_, b_);                                   \
    }                                                                      \
  } while (0)

/* In configurations with FTRT_DEBUG_CHECKS every inline incref / decref
 * first calls the runtime's check. */
#ifdef FTRT_DEBUG_CHECKS
#define CHECKS_PER_OP 1
#else
#define CHECKS_PER_OP 0
#endif

/* ---- Types the tests build objects of ----------------------------------- */
static PyTypeObject plain_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "test.Plain",     /* tp_name */
    sizeof(PyObject), /* tp_basicsize */
};
static PyTypeObject tuple_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "test.tuple", sizeof(PyTupleObject), sizeof(PyObject*), 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_TUPLE_SUBCLASS, /* tp_flags */
};
static PyTypeObject list_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.list",
    .tp_basicsize = sizeof(PyListObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_LIST_SUBCLASS,
};
static PyTypeObject str_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.str",
    .tp_basicsize = sizeof(PyUnicodeObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_UNICODE_SUBCLASS,
};
static PyTypeObject bytes_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.bytes",
    .tp_basicsize = sizeof(PyBytesObject),
    .tp_itemsize = 1,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BYTES_SUBCLASS,
};

static PyTypeObject dict_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.dict",
    .tp_basicsize = sizeof(PyDictObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DICT_SUBCLASS,
};

/* A header as the allocator would make it for the calling thread. */
static void init_owned(PyObject* op, PyTypeObject* type) {
  memset(op, 0, sizeof *op);
  op->ob_tid = ftrt_ThreadId();
  op->ob_ref_local = 1;
  op->ob_type = type;
}

/* ---- Layouts ------------------------------------------------------------ */
static void test_layouts(void) {
  EXPECT_EQ(sizeof(PyObject), 32);
  EXPECT_EQ(sizeof(PyVarObject), 40);
  EXPECT_EQ(sizeof(PyTypeObject), 432);
  EXPECT_EQ(sizeof(PyTupleObject), 48);
  EXPECT_EQ(offsetof(PyTupleObject, ob_item), 40);
  EXPECT_EQ(sizeof(PyListObject), 56);
  EXPECT_EQ(offsetof(PyListObject, ob_item), 40);
  EXPECT_EQ(offsetof(PyListObject, allocated), 48);
  EXPECT_EQ(sizeof(PyBytesObject), 56);
  EXPECT_EQ(offsetof(PyBytesObject, ob_shash), 40);
  EXPECT_EQ(offsetof(PyBytesObject, ob_sval), 48);
  EXPECT_EQ(sizeof(PyFloatObject), 40);
  EXPECT_EQ(offsetof(PyFloatObject, ob_fval), 32);
  EXPECT_EQ(sizeof(PySliceObject), 56);
  EXPECT_EQ(offsetof(PySliceObject, start), 32);
  EXPECT_EQ(offsetof(PySliceObject, stop), 40);
  EXPECT_EQ(offsetof(PySliceObject, step), 48);
  EXPECT_EQ(sizeof(PyComplexObject), 48);
  EXPECT_EQ(offsetof(PyComplexObject, cval), 32);
  EXPECT_EQ(offsetof(PyComplexObject, cval.imag), 40);
  EXPECT_EQ(sizeof(PyStructSequence_Desc), 32);
  EXPECT_EQ(offsetof(PyStructSequence_Desc, n_in_sequence), 24);
  EXPECT_EQ(sizeof(PyASCIIObject), 56);
  EXPECT_EQ(offsetof(PyASCIIObject, length), 32);
  EXPECT_EQ(offsetof(PyASCIIObject, hash), 40);
  EXPECT_EQ(offsetof(PyASCIIObject, state), 48);
  EXPECT_EQ(sizeof(((PyASCIIObject*)0)->state), 4);
  EXPECT_EQ(sizeof(PyCompactUnicodeObject), 72);
  EXPECT_EQ(offsetof(PyCompactUnicodeObject, utf8_length), 56);
  EXPECT_EQ(offsetof(PyCompactUnicodeObject, utf8), 64);
  EXPECT_EQ(sizeof(PyUnicodeObject), 80);
  EXPECT_EQ(offsetof(PyUnicodeObject, data), 72);
  EXPECT_EQ(sizeof(PyDictObject), 64);
  EXPECT_EQ(offsetof(PyDictObject, ma_used), 32);
  EXPECT_EQ(offsetof(PyDictObject, ma_keys), 48);
  EXPECT_EQ(offsetof(PyDictObject, ma_values), 56);
  EXPECT_EQ(sizeof(PySetObject), 216);
  EXPECT_EQ(offsetof(PySetObject, fill), 32);
  EXPECT_EQ(offsetof(PySetObject, used), 40);
  EXPECT_EQ(offsetof(PySetObject, table), 56);
  EXPECT_EQ(offsetof(PySetObject, hash), 64);
  EXPECT_EQ(offsetof(PySetObject, smalltable), 80);
  EXPECT_EQ(offsetof(PySetObject, weakreflist), 208);
  EXPECT_EQ(sizeof(PyCriticalSection), 16);
  EXPECT_EQ(sizeof(PyCriticalSection2), 24);
  EXPECT_EQ(offsetof(PyCriticalSection2, _cs_mutex2), 16);
  EXPECT_EQ(sizeof(PyMutex), 1);

  /* The state bitfield's bits, as GCC lays out CPython's. */
  {
    PyASCIIObject a;
    uint32_t word;
    memset(&a, 0, sizeof a);
    a.state.interned = 3;
    memcpy(&word, &a.state, 4);
    EXPECT_EQ(word, 0x3);
    memset(&a, 0, sizeof a);
    a.state.kind = 7;
    memcpy(&word, &a.state, 4);
    EXPECT_EQ(word, 0x1c);
    memset(&a, 0, sizeof a);
    a.state.compact = 1;
    memcpy(&word, &a.state, 4);
    EXPECT_EQ(word, 0x20);
    memset(&a, 0, sizeof a);
    a.state.ascii = 1;
    memcpy(&word, &a.state, 4);
    EXPECT_EQ(word, 0x40);
    memset(&a, 0, sizeof a);
    a.state.statically_allocated = 1;
    memcpy(&word, &a.state, 4);
    EXPECT_EQ(word, 0x80);
  }
}

static void test_versions(void) {
  EXPECT_EQ(PY_VERSION_HEX, 0x030D00F0);
  EXPECT_EQ(PY_MAJOR_VERSION, 3);
  EXPECT_EQ(PY_MINOR_VERSION, 13);
#ifndef Py_GIL_DISABLED
  EXPECT(!"Py_GIL_DISABLED must be defined");
#endif
  EXPECT_EQ(PYTHON_API_VERSION, 1013);
  EXPECT_EQ(SIZEOF_VOID_P, sizeof(void*));
  EXPECT_EQ(SIZEOF_LONG, sizeof(long));
  EXPECT_EQ(SIZEOF_SIZE_T, sizeof(size_t));
}

/* ---- Header accessors and type checks ----------------------------------- */
static void test_accessors(void) {
  PyVarObject v;
  PyObject* op = (PyObject*)&v;
  init_owned(op, &plain_type);
  v.ob_size = 7;
  EXPECT(Py_TYPE(op) == &plain_type);
  EXPECT(Py_IS_TYPE(op, &plain_type));
  EXPECT(!Py_IS_TYPE(op, &list_type));
  EXPECT_EQ(Py_SIZE(op), 7);
  Py_SET_SIZE(&v, 9);
  EXPECT_EQ(Py_SIZE(&v), 9);
  Py_SET_TYPE(op, &list_type);
  EXPECT(Py_TYPE(op) == &list_type);
  EXPECT(PyList_Check(op));
  EXPECT(!PyTuple_Check(op));
  EXPECT(!PyUnicode_Check(op));
  EXPECT(!PyLong_Check(op));
  EXPECT(!PyType_Check(op));
  EXPECT(PyType_HasFeature(&list_type, Py_TPFLAGS_LIST_SUBCLASS));
  EXPECT(!PyType_HasFeature(&list_type, Py_TPFLAGS_HAVE_GC));
  EXPECT(Py_Is(op, op));
  EXPECT(!Py_Is(op, Py_None));
  EXPECT(Py_IsNone(Py_None));
  EXPECT(!Py_IsNone(op));
  EXPECT(Py_IsTrue(Py_True) && !Py_IsTrue(Py_False));
  EXPECT(Py_IsFalse(Py_False) && !Py_IsFalse(Py_True));
  /* PyObject_TypeCheck: exact type without a call; subtype through
   * PyType_IsSubtype (a stand-in here). */
  {
    static PyTypeObject sub = {PyVarObject_HEAD_INIT(NULL, 0)
                               .tp_name = "test.Sub", .tp_base = &plain_type};
    PyObject o;
    init_owned(&o, &sub);
    EXPECT(PyObject_TypeCheck(&o, &sub));
    EXPECT(PyObject_TypeCheck(&o, &plain_type));
    EXPECT(!PyObject_TypeCheck(&o, &list_type));
  }
}

/* ---- Inline reference counting ------------------------------------------ */
static void test_refcount_immortal(void) {
  /* Static storage through PyObject_HEAD_INIT is immortal; so are the
   * singletons. Counting them writes nothing and calls nothing (beyond the
   * debug check). */
  static struct {
    PyObject_HEAD
  } immortal = {PyObject_HEAD_INIT(&plain_type)};
  PyObject* op = (PyObject*)&immortal;
  PyObject before;
  int i;
  memcpy(&before, op, sizeof before);
  ftrt_standins_reset();
  for (i = 0; i < 3; i++) Py_INCREF(op);
  Py_XINCREF(op);
  EXPECT(Py_NewRef(op) == op);
  EXPECT(Py_XNewRef(op) == op);
  for (i = 0; i < 6; i++) Py_DECREF(op);
  Py_XDECREF(op);
  Py_XDECREF((PyObject*)NULL);
  Py_XINCREF((PyObject*)NULL);
  EXPECT(memcmp(&before, op, sizeof before) == 0);
  EXPECT_EQ(ftrt_standins.merge_zero_local, 0);
  EXPECT_EQ(ftrt_standins.decref_shared, 0);
  EXPECT_EQ(ftrt_standins.check_incref, 6 * CHECKS_PER_OP);
  EXPECT_EQ(ftrt_standins.check_decref, 7 * CHECKS_PER_OP);
  EXPECT(_Py_IsImmortal(op));
  EXPECT_EQ(Py_REFCNT(op), _Py_IMMORTAL_REFCNT);
  EXPECT_EQ(op->ob_ref_local, UINT32_MAX);
  EXPECT_EQ(op->ob_flags, FTRT_OBJ_FLAG_STATIC);
  EXPECT_EQ(op->ob_tid, 0);

  memcpy(&before, Py_None, sizeof before);
  Py_INCREF(Py_None);
  Py_DECREF(Py_None);
  Py_INCREF(Py_True);
  Py_DECREF(Py_True);
  EXPECT(memcmp(&before, Py_None, sizeof before) == 0);
  EXPECT_EQ(ftrt_standins.merge_zero_local, 0);
}

static void test_refcount_owned(void) {
  PyObject o;
  PyObject* op = &o;
  init_owned(op, &plain_type);
  EXPECT(_Py_IsOwnedByCurrentThread(op));
  EXPECT(!_Py_IsImmortal(op));
  ftrt_standins_reset();
  Py_INCREF(op);
  Py_INCREF(op);
  EXPECT_EQ(o.ob_ref_local, 3);
  EXPECT_EQ(o.ob_ref_shared, 0); /* the owner never touches the shared word */
  EXPECT_EQ(Py_REFCNT(op), 3);
  Py_DECREF(op);
  Py_DECREF(op);
  EXPECT_EQ(o.ob_ref_local, 1);
  EXPECT_EQ(ftrt_standins.merge_zero_local, 0);
  /* The last local reference: the runtime's slow path decides. */
  Py_DECREF(op);
  EXPECT_EQ(o.ob_ref_local, 0);
  EXPECT_EQ(ftrt_standins.merge_zero_local, 1);
  EXPECT(ftrt_standins.last_object == op);
  EXPECT_EQ(ftrt_standins.decref_shared, 0);
  EXPECT_EQ(ftrt_standins.check_incref, 2 * CHECKS_PER_OP);
  EXPECT_EQ(ftrt_standins.check_decref, 3 * CHECKS_PER_OP);
}

static void test_refcount_shared(void) {
  PyObject o;
  PyObject* op = &o;
  /* Owned by another thread (a tid that is not ours), one local reference
   * there, none shared yet. */
  init_owned(op, &plain_type);
  o.ob_tid = ftrt_ThreadId() ^ 0x1000;
  EXPECT(!_Py_IsOwnedByCurrentThread(op));
  ftrt_standins_reset();
  Py_INCREF(op);
  EXPECT_EQ(o.ob_ref_local, 1);
  EXPECT_EQ(o.ob_ref_shared, 1 << _Py_REF_SHARED_SHIFT);
  EXPECT_EQ(Py_REFCNT(op), 2);
  Py_DECREF(op); /* count 1 -> 0, state DEFAULT: inline */
  EXPECT_EQ(o.ob_ref_shared, 0);
  EXPECT_EQ(ftrt_standins.decref_shared, 0);
  /* Count 0 and another decrement: the inline subtraction takes the count
   * below zero, and the object must then be queued to its owner, which
   * only the runtime can do. */
  Py_DECREF(op);
  EXPECT_EQ(ftrt_standins.decref_shared, 1);
  EXPECT(ftrt_standins.last_object == op);
  EXPECT_EQ(o.ob_ref_shared, -(1 << _Py_REF_SHARED_SHIFT));
  EXPECT_EQ(ftrt_standins.last_shared, -(1 << _Py_REF_SHARED_SHIFT));

  /* Merged (unowned): count 2; the decrement to 0 is the runtime's (it
   * frees). */
  o.ob_tid = 0;
  o.ob_ref_local = 0;
  o.ob_ref_shared = (2 << _Py_REF_SHARED_SHIFT) | FTRT_REF_MERGED;
  ftrt_standins_reset();
  EXPECT_EQ(Py_REFCNT(op), 2);
  Py_INCREF(op);
  EXPECT_EQ(o.ob_ref_shared, (3 << _Py_REF_SHARED_SHIFT) | FTRT_REF_MERGED);
  Py_DECREF(op);
  Py_DECREF(op);
  EXPECT_EQ(o.ob_ref_shared, (1 << _Py_REF_SHARED_SHIFT) | FTRT_REF_MERGED);
  EXPECT_EQ(ftrt_standins.decref_shared, 0);
  Py_DECREF(op); /* to a merged 0: the runtime frees */
  EXPECT_EQ(ftrt_standins.decref_shared, 1);
  EXPECT_EQ(o.ob_ref_shared, FTRT_REF_MERGED);
  EXPECT_EQ(ftrt_standins.last_shared, FTRT_REF_MERGED);
}

static void test_clear_and_setref(void) {
  PyObject a, b;
  PyObject* slot;
  init_owned(&a, &plain_type);
  init_owned(&b, &plain_type);
  a.ob_ref_local = 2;
  b.ob_ref_local = 2;
  ftrt_standins_reset();

  slot = &a;
  Py_CLEAR(slot);
  EXPECT(slot == NULL);
  EXPECT_EQ(a.ob_ref_local, 1);
  Py_CLEAR(slot); /* NULL: nothing */
  EXPECT(slot == NULL);

  slot = &a;
  Py_SETREF(slot, &b); /* slot's reference to a dropped, b's taken over */
  EXPECT(slot == &b);
  EXPECT_EQ(a.ob_ref_local, 0);
  EXPECT_EQ(ftrt_standins.merge_zero_local, 1);
  EXPECT_EQ(b.ob_ref_local, 2);

  slot = NULL;
  Py_XSETREF(slot, &b);
  EXPECT(slot == &b);
  Py_XSETREF(slot, NULL);
  EXPECT(slot == NULL);
  EXPECT_EQ(b.ob_ref_local, 1);
}

/* ---- PyMutex ------------------------------------------------------------ */
static void test_mutex(void) {
  PyMutex m = {0};
  ftrt_standins_reset();
  PyMutex_Lock(&m);
  EXPECT_EQ(m._bits, _Py_LOCKED);
  EXPECT(PyMutex_IsLocked(&m));
  PyMutex_Unlock(&m);
  EXPECT_EQ(m._bits, _Py_UNLOCKED);
  EXPECT(!PyMutex_IsLocked(&m));
  EXPECT_EQ(ftrt_standins.mutex_lock_slow, 0);
  EXPECT_EQ(ftrt_standins.mutex_unlock_slow, 0);

  /* Contended: the inline compare-exchange fails, the runtime takes over. */
  m._bits = _Py_LOCKED;
  PyMutex_Lock(&m);
  EXPECT_EQ(ftrt_standins.mutex_lock_slow, 1);
  /* Waiters parked (bit 1): unlock must wake one, in the runtime. */
  m._bits = _Py_LOCKED | 2;
  PyMutex_Unlock(&m);
  EXPECT_EQ(ftrt_standins.mutex_unlock_slow, 1);
  EXPECT_EQ(m._bits, _Py_UNLOCKED);
}

/* ---- Critical sections -------------------------------------------------- */
static void test_critical_sections(void) {
  PyObject a, b;
  void* frame = NULL;
  init_owned(&a, &plain_type);
  init_owned(&b, &plain_type);
  ftrt_standins_reset();
  Py_BEGIN_CRITICAL_SECTION(&a);
  frame = &_py_cs;
  EXPECT_EQ(ftrt_standins.cs_begin, 1);
  EXPECT(ftrt_standins.last_object == &a);
  EXPECT(_py_cs._cs_mutex == &a.ob_mutex);
  EXPECT_EQ(ftrt_standins.cs_end, 0);
  Py_END_CRITICAL_SECTION();
  EXPECT_EQ(ftrt_standins.cs_end, 1);
  EXPECT(ftrt_standins.last_frame == frame);

  Py_BEGIN_CRITICAL_SECTION2(&a, &b);
  frame = &_py_cs2;
  EXPECT(ftrt_standins.last_object == &a);
  EXPECT(ftrt_standins.last_object2 == &b);
  Py_END_CRITICAL_SECTION2();
  EXPECT_EQ(ftrt_standins.cs2_begin, 1);
  EXPECT_EQ(ftrt_standins.cs2_end, 1);
  EXPECT(ftrt_standins.last_frame == frame);
}

/* ---- Containers --------------------------------------------------------- */
static void test_tuple(void) {
  union {
    PyTupleObject t;
    char room[sizeof(PyTupleObject) + 2 * sizeof(PyObject*)];
  } u;
  PyObject* tuple = (PyObject*)&u.t;
  memset(&u, 0, sizeof u);
  init_owned(tuple, &tuple_type);
  u.t.ob_base.ob_size = 3;
  PyTuple_SET_ITEM(tuple, 0, Py_None);
  PyTuple_SET_ITEM(tuple, 1, Py_True);
  PyTuple_SET_ITEM(&u.t, 2, Py_False); /* any object pointer type */
  EXPECT(PyTuple_Check(tuple));
  EXPECT_EQ(PyTuple_GET_SIZE(tuple), 3);
  EXPECT(PyTuple_GET_ITEM(tuple, 0) == Py_None);
  EXPECT(PyTuple_GET_ITEM(tuple, 1) == Py_True);
  EXPECT(PyTuple_GET_ITEM(tuple, 2) == Py_False);
  /* Raw: the third pointer after the header. (Not u.t.ob_item[2]: that
   * indexes a declared [1] array of a complete object, which UBSan's bounds
   * check rightly flags; the macros index through the object pointer, where
   * the trailing array is treated as flexible, as in CPython.) */
  EXPECT(*(PyObject**)((char*)tuple + offsetof(PyTupleObject, ob_item) +
                       2 * sizeof(PyObject*)) == Py_False);
}

static void test_list(void) {
  PyListObject l;
  PyObject* items[4] = {NULL, NULL, NULL, NULL};
  PyObject* list = (PyObject*)&l;
  init_owned(list, &list_type);
  l.ob_base.ob_size = 2;
  l.ob_item = items;
  l.allocated = 4;
  PyList_SET_ITEM(list, 0, Py_None);
  PyList_SET_ITEM(list, 1, Py_True);
  EXPECT_EQ(PyList_GET_SIZE(list), 2);
  EXPECT(PyList_GET_ITEM(list, 0) == Py_None);
  EXPECT(PyList_GET_ITEM(list, 1) == Py_True);
  EXPECT(items[1] == Py_True);
  PyList_SET_ITEM(list, 3, Py_False); /* within allocated */
  EXPECT(items[3] == Py_False);
}

static void test_dict_size(void) {
  PyDictObject d;
  memset(&d, 0, sizeof d);
  init_owned(&d.ob_base, &dict_type);
  d.ma_used = 3;
  EXPECT(PyDict_Check(&d));
  EXPECT_EQ(PyDict_GET_SIZE(&d), 3);
}

static void test_bytes_and_float(void) {
  union {
    PyBytesObject b;
    char room[sizeof(PyBytesObject) + 8];
  } u;
  PyFloatObject f;
  PyObject* bytes = (PyObject*)&u.b;
  memset(&u, 0, sizeof u);
  init_owned(bytes, &bytes_type);
  u.b.ob_base.ob_size = 5;
  memcpy(u.b.ob_sval, "hello", 6);
  EXPECT(PyBytes_Check(bytes));
  EXPECT_EQ(PyBytes_GET_SIZE(bytes), 5);
  EXPECT(strcmp(PyBytes_AS_STRING(bytes), "hello") == 0);
  EXPECT(PyBytes_AS_STRING(bytes) == (char*)bytes + 48);

  init_owned(&f.ob_base, &PyFloat_Type);
  f.ob_fval = 2.5;
  EXPECT(PyFloat_Check(&f));
  EXPECT(PyFloat_AS_DOUBLE(&f) == 2.5);
}

/* ---- PEP 393 strings ---------------------------------------------------- */
static void init_str(PyASCIIObject* s, Py_ssize_t length, unsigned kind,
                     int ascii, int compact) {
  init_owned(&s->ob_base, &str_type);
  s->length = length;
  s->hash = -1;
  s->state.kind = kind;
  s->state.ascii = (unsigned)ascii;
  s->state.compact = (unsigned)compact;
}

static void test_unicode(void) {
  /* Compact ASCII: characters right after PyASCIIObject. */
  struct {
    PyASCIIObject base;
    char data[8];
  } ascii;
  /* Compact UCS2 / UCS4: characters right after PyCompactUnicodeObject. */
  struct {
    PyCompactUnicodeObject base;
    Py_UCS2 data[4];
  } ucs2;
  struct {
    PyCompactUnicodeObject base;
    Py_UCS4 data[3];
  } ucs4;
  /* Non-compact (a subclass's string): separate buffer. */
  PyUnicodeObject legacy;
  Py_UCS1 latin1[4] = {'a', 0xe9, 'z', 0};
  Py_UCS2 buf2[2];
  Py_UCS4 buf4[2];
  Py_UCS1 buf1[2];
  PyObject* s;

  memset(&ascii, 0, sizeof ascii);
  init_str(&ascii.base, 5, PyUnicode_1BYTE_KIND, 1, 1);
  memcpy(ascii.data, "hello", 6);
  s = (PyObject*)&ascii;
  EXPECT(PyUnicode_Check(s));
  EXPECT_EQ(PyUnicode_KIND(s), PyUnicode_1BYTE_KIND);
  EXPECT(PyUnicode_DATA(s) == (void*)ascii.data);
  EXPECT_EQ(PyUnicode_GET_LENGTH(s), 5);
  EXPECT(PyUnicode_IS_ASCII(s));
  EXPECT(PyUnicode_IS_COMPACT(s));
  EXPECT(PyUnicode_IS_COMPACT_ASCII(s));
  EXPECT(PyUnicode_IS_READY(s));
  EXPECT_EQ(PyUnicode_READY(s), 0);
  EXPECT_EQ(PyUnicode_READ_CHAR(s, 1), 'e');
  EXPECT_EQ(PyUnicode_READ_CHAR(s, 5), 0); /* the terminating NUL */
  EXPECT_EQ(PyUnicode_READ(PyUnicode_KIND(s), PyUnicode_DATA(s), 4), 'o');
  EXPECT_EQ(PyUnicode_MAX_CHAR_VALUE(s), 0x7f);
  EXPECT_EQ(PyUnicode_1BYTE_DATA(s)[0], 'h');
  EXPECT_EQ(PyUnicode_CHECK_INTERNED(s), SSTATE_NOT_INTERNED);

  memset(&ucs2, 0, sizeof ucs2);
  init_str(&ucs2.base._base, 3, PyUnicode_2BYTE_KIND, 0, 1);
  ucs2.data[0] = 0x3b1; /* alpha */
  ucs2.data[1] = 'b';
  ucs2.data[2] = 0x3c9; /* omega */
  s = (PyObject*)&ucs2;
  EXPECT_EQ(PyUnicode_KIND(s), PyUnicode_2BYTE_KIND);
  EXPECT(PyUnicode_DATA(s) == (void*)ucs2.data);
  EXPECT(!PyUnicode_IS_ASCII(s));
  EXPECT(!PyUnicode_IS_COMPACT_ASCII(s));
  EXPECT_EQ(PyUnicode_READ_CHAR(s, 0), 0x3b1);
  EXPECT_EQ(PyUnicode_READ_CHAR(s, 2), 0x3c9);
  EXPECT_EQ(PyUnicode_2BYTE_DATA(s)[1], 'b');
  EXPECT_EQ(PyUnicode_MAX_CHAR_VALUE(s), 0xffff);

  memset(&ucs4, 0, sizeof ucs4);
  init_str(&ucs4.base._base, 2, PyUnicode_4BYTE_KIND, 0, 1);
  ucs4.data[0] = 0x1f600;
  ucs4.data[1] = 'x';
  s = (PyObject*)&ucs4;
  EXPECT_EQ(PyUnicode_KIND(s), PyUnicode_4BYTE_KIND);
  EXPECT(PyUnicode_DATA(s) == (void*)ucs4.data);
  EXPECT_EQ(PyUnicode_READ_CHAR(s, 0), 0x1f600);
  EXPECT_EQ(PyUnicode_4BYTE_DATA(s)[1], 'x');
  EXPECT_EQ(PyUnicode_MAX_CHAR_VALUE(s), 0x10ffff);

  memset(&legacy, 0, sizeof legacy);
  init_str(&legacy._base._base, 3, PyUnicode_1BYTE_KIND, 0, 0);
  legacy.data.latin1 = latin1;
  s = (PyObject*)&legacy;
  EXPECT(!PyUnicode_IS_COMPACT(s));
  EXPECT(PyUnicode_DATA(s) == (void*)latin1);
  EXPECT_EQ(PyUnicode_READ_CHAR(s, 1), 0xe9);
  EXPECT_EQ(PyUnicode_MAX_CHAR_VALUE(s), 0xff);

  /* WRITE then READ, each kind. */
  PyUnicode_WRITE(PyUnicode_1BYTE_KIND, buf1, 1, 0xe9);
  PyUnicode_WRITE(PyUnicode_2BYTE_KIND, buf2, 1, 0x20ac);
  PyUnicode_WRITE(PyUnicode_4BYTE_KIND, buf4, 1, 0x10ffff);
  EXPECT_EQ(PyUnicode_READ(PyUnicode_1BYTE_KIND, buf1, 1), 0xe9);
  EXPECT_EQ(PyUnicode_READ(PyUnicode_2BYTE_KIND, buf2, 1), 0x20ac);
  EXPECT_EQ(PyUnicode_READ(PyUnicode_4BYTE_KIND, buf4, 1), 0x10ffff);
}

/* ---- Return macros, Py_VISIT, small macros ------------------------------ */
static PyObject* returns_none(void) { Py_RETURN_NONE; }
static PyObject* returns_true(void) { Py_RETURN_TRUE; }
static PyObject* returns_false(void) { Py_RETURN_FALSE; }
static PyObject* returns_notimpl(void) { Py_RETURN_NOTIMPLEMENTED; }
static PyObject* compare(long a, long b, int op) {
  Py_RETURN_RICHCOMPARE(a, b, op);
}

static int visited;
static int count_visit(PyObject* op, void* arg) {
  (void)op;
  ++visited;
  return arg == NULL ? 0 : *(int*)arg;
}
static int traverse_three(PyObject* a, PyObject* b, PyObject* c,
                          visitproc visit, void* arg) {
  Py_VISIT(a);
  Py_VISIT(b);
  Py_VISIT(c);
  return 0;
}

static void test_small_macros(void) {
  int stop = 7;
  int arr[5];
  (void)arr;
  EXPECT(returns_none() == Py_None);
  EXPECT(returns_true() == Py_True);
  EXPECT(returns_false() == Py_False);
  EXPECT(returns_notimpl() == Py_NotImplemented);
  EXPECT(compare(1, 2, Py_LT) == Py_True);
  EXPECT(compare(1, 2, Py_GE) == Py_False);
  EXPECT(compare(3, 3, Py_EQ) == Py_True);
  EXPECT(compare(3, 3, Py_NE) == Py_False);

  visited = 0;
  EXPECT_EQ(traverse_three(Py_None, NULL, Py_True, count_visit, NULL), 0);
  EXPECT_EQ(visited, 2); /* NULL is skipped */
  visited = 0;
  EXPECT_EQ(traverse_three(Py_None, Py_False, Py_True, count_visit, &stop), 7);
  EXPECT_EQ(visited, 1); /* a non-zero result stops the traversal */

  EXPECT_EQ(Py_ARRAY_LENGTH(arr), 5);
  EXPECT_EQ(Py_MIN(3, 4), 3);
  EXPECT_EQ(Py_MAX(3, 4), 4);
  EXPECT_EQ(Py_ABS(-5), 5);
  EXPECT(strcmp(Py_STRINGIFY(PY_MINOR_VERSION), "13") == 0);
  EXPECT_EQ(PyVectorcall_NARGS(3 | PY_VECTORCALL_ARGUMENTS_OFFSET), 3);
  EXPECT_EQ(PYTHREAD_INVALID_THREAD_ID, (unsigned long)-1);
}

/* ---- Static types and module definitions -------------------------------- */
typedef struct {
  PyObject_HEAD
  long value;
} Thing;

static void Thing_dealloc(Thing* self) { (void)self; }
static PyObject* Thing_get(Thing* self, PyObject* Py_UNUSED(ignored)) {
  return self != NULL ? Py_None : NULL;
}
static PyMethodDef Thing_methods[] = {
    {"get", (PyCFunction)Thing_get, METH_NOARGS, NULL},
    {NULL},
};
static PyTypeObject ThingType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "test.Thing",                 /* tp_name */
    sizeof(Thing),                /* tp_basicsize */
    0,                            /* tp_itemsize */
    (destructor)Thing_dealloc,    /* tp_dealloc */
    0, 0, 0, 0, 0,                /* vectorcall_offset .. tp_repr */
    0, 0, 0, 0, 0, 0, 0, 0, 0,    /* tp_as_number .. tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, /* tp_flags */
    "a thing",                    /* tp_doc */
    0, 0, 0, 0, 0, 0,             /* tp_traverse .. tp_iternext */
    Thing_methods,                /* tp_methods */
};

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};
static PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "test_module",
    .m_size = 0,
    .m_slots = module_slots,
};

static void test_static_definitions(void) {
  PyObject* op = (PyObject*)&ThingType;
  EXPECT(strcmp(ThingType.tp_name, "test.Thing") == 0);
  EXPECT_EQ(ThingType.tp_basicsize, sizeof(Thing));
  EXPECT(ThingType.tp_dealloc == (destructor)Thing_dealloc);
  EXPECT_EQ(ThingType.tp_flags, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE);
  EXPECT(strcmp(ThingType.tp_doc, "a thing") == 0);
  EXPECT(ThingType.tp_methods == Thing_methods);
  EXPECT(ThingType.tp_new == NULL);
  /* Static storage: immortal, marked static, unowned. */
  EXPECT(_Py_IsImmortal(op));
  EXPECT_EQ(op->ob_flags, FTRT_OBJ_FLAG_STATIC);
  EXPECT_EQ(op->ob_tid, 0);
  /* The module definition too: the loader's second ABI check. */
  EXPECT(_Py_IsImmortal((PyObject*)&module_def));
  EXPECT_EQ(module_def.m_base.ob_base.ob_flags & FTRT_OBJ_FLAG_STATIC,
            FTRT_OBJ_FLAG_STATIC);
  EXPECT(module_def.m_slots[0].value == Py_MOD_GIL_NOT_USED);
}

/* ---- The ABI tag this executable carries -------------------------------- */
typedef struct {
  int found;
  int disagree; /* notes whose contents differ from the first one */
  ftrt_abi_desc desc;
} tag_search;

static int find_tag(struct dl_phdr_info* info, size_t size, void* data) {
  tag_search* search = (tag_search*)data;
  int i;
  (void)size;
  if (info->dlpi_name != NULL && info->dlpi_name[0] != '\0') return 0;
  for (i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)* ph = &info->dlpi_phdr[i];
    const char* p;
    const char* end;
    if (ph->p_type != PT_NOTE) continue;
    p = (const char*)(info->dlpi_addr + ph->p_vaddr);
    end = p + ph->p_memsz;
    while (p + 12 <= end) {
      uint32_t namesz, descsz, type;
      const char* name;
      const char* desc;
      memcpy(&namesz, p, 4);
      memcpy(&descsz, p + 4, 4);
      memcpy(&type, p + 8, 4);
      name = p + 12;
      desc = name + ((namesz + 3u) & ~3u);
      if (type == FTRT_ABI_NOTE_TYPE && namesz == 5 &&
          memcmp(name, "ftrt", 5) == 0 && descsz == sizeof(ftrt_abi_desc)) {
        if (search->found > 0 &&
            memcmp(&search->desc, desc, sizeof search->desc) != 0) {
          search->disagree++;
        }
        memcpy(&search->desc, desc, sizeof search->desc);
        search->found++;
      }
      p = desc + ((descsz + 3u) & ~3u);
    }
  }
  return 0;
}

static void test_abi_tag(void) {
  tag_search search;
  memset(&search, 0, sizeof search);
  dl_iterate_phdr(find_tag, &search);
  /* One per translation unit that includes Python.h linked into the
   * executable: at least this file's (standins.c's too when Bazel links it
   * statically). */
  EXPECT(search.found >= 1);
  EXPECT_EQ(search.disagree, 0);
  EXPECT_EQ(search.desc.abi_version, FTRT_ABI_VERSION);
  EXPECT_EQ(search.desc.py_version_hex, PY_VERSION_HEX);
  EXPECT(search.desc.flags & FTRT_ABI_FLAG_GIL_DISABLED);
#ifdef FTRT_DEBUG_CHECKS
  EXPECT(search.desc.flags & FTRT_ABI_FLAG_DEBUG_CHECKS);
#else
  EXPECT(!(search.desc.flags & FTRT_ABI_FLAG_DEBUG_CHECKS));
#endif
#ifdef FTRT_TSAN
  EXPECT(search.desc.flags & FTRT_ABI_FLAG_TSAN);
#else
  EXPECT(!(search.desc.flags & FTRT_ABI_FLAG_TSAN));
#endif
#ifdef FTRT_ASAN
  EXPECT(search.desc.flags & FTRT_ABI_FLAG_ASAN);
#else
  EXPECT(!(search.desc.flags & FTRT_ABI_FLAG_ASAN));
#endif
  EXPECT_EQ(search.desc.sizeof_object, 32);
  EXPECT_EQ(search.desc.sizeof_varobject, 40);
  EXPECT_EQ(search.desc.sizeof_typeobject, 432);
  EXPECT_EQ(search.desc.sizeof_moduledef, 120);
  EXPECT_EQ(search.desc.reserved, 0);
}

int main(void) {
  ftrt_standins_init_singletons();
  test_layouts();
  test_versions();
  test_accessors();
  test_refcount_immortal();
  test_refcount_owned();
  test_refcount_shared();
  test_clear_and_setref();
  test_mutex();
  test_critical_sections();
  test_tuple();
  test_list();
  test_dict_size();
  test_bytes_and_float();
  test_unicode();
  test_small_macros();
  test_static_definitions();
  test_abi_tag();
  printf("%d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
