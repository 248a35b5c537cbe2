/* C extension types that subclass str, int, float and bytes, written the
 * way extensions write them: multidict's istr (a struct starting with
 * PyUnicodeObject plus a field of its own, tp_new calling
 * PyUnicode_Type.tp_new and tp_dealloc calling PyUnicode_Type.tp_dealloc),
 * an int subtype with no fields and one with a field, a float subtype with
 * a field, a bytes subtype, and a heap str subtype made from a spec.
 *
 *   - calling the type makes an instance of it holding the exact value the
 *     base type would make from the same arguments; it is PyX_Check but not
 *     Exact, keeps its own fields, and reads as its value everywhere: the
 *     PEP 393 macros (a str subtype instance is non-compact, its characters
 *     in a block of their own), PyUnicode_AsUTF8, hash, comparison, dict
 *     keys, arithmetic (whose results are exact), truth, repr;
 *   - an int subtype with fields of its own cannot hold a value beyond 64
 *     bits (its digits would overlap the fields): OverflowError, where one
 *     without fields holds any value;
 *   - every instance is freed, its own fields with it (nothing leaks after
 *     Py_FinalizeEx);
 *   - kThreads threads (more than the machine's cores) make istr instances
 *     of random 1-, 2- and 4-byte text and read one shared non-ASCII istr
 *     (whose UTF-8 form they race to cache) with random yields; every read
 *     is checked (run under TSan too).
 *
 * The expected values are CPython 3.13's: this file also builds against
 * CPython's own headers (-DEXT_TEST_ON_CPYTHON) and passes there. */
#include "Python.h" /* first, as CPython asks: it sets the feature macros */

#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "tests/ext/ext_test_util.h"

#ifdef EXT_TEST_ON_CPYTHON
static long long ftrt_LeakedObjectsAtLastFinalize(void) { return 0; }
#endif

enum { kThreads = 6 };

static atomic_long g_istr_made;
static atomic_long g_istr_freed;

/* ---- istr: a str that carries its lower-case form -------------------------- */

typedef struct {
  PyUnicodeObject str;
  PyObject* canonical;
} IStr;

static PyObject* istr_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  PyObject* self = PyUnicode_Type.tp_new(type, args, kwds);
  if (self == NULL) return NULL;
  ((IStr*)self)->canonical = PyObject_CallMethod(self, "lower", NULL);
  if (((IStr*)self)->canonical == NULL) {
    Py_DECREF(self);
    return NULL;
  }
  atomic_fetch_add(&g_istr_made, 1);
  return self;
}

static void istr_dealloc(PyObject* self) {
  Py_XDECREF(((IStr*)self)->canonical);
  atomic_fetch_add(&g_istr_freed, 1);
  PyUnicode_Type.tp_dealloc(self);
}

static PyTypeObject IStrType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_scalar_subclass_test.istr",
    .tp_basicsize = sizeof(IStr),
    .tp_dealloc = istr_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_UNICODE_SUBCLASS,
    .tp_new = istr_new,
};

/* ---- int, float and bytes subtypes ---------------------------------------- */

static PyTypeObject FlagsType = { /* no fields: inherits int's size */
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_scalar_subclass_test.Flags",
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

typedef struct {
  PyLongObject base;
  int tag;
} TaggedInt;

static PyTypeObject TaggedIntType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_scalar_subclass_test.TaggedInt",
    .tp_basicsize = sizeof(TaggedInt),
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

typedef struct {
  PyFloatObject base;
  int unit;
} Meters;

static int meters_init(PyObject* self, PyObject* args, PyObject* kwds) {
  (void)args;
  (void)kwds;
  ((Meters*)self)->unit = 1000;
  return 0;
}

static PyTypeObject MetersType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_scalar_subclass_test.Meters",
    .tp_basicsize = sizeof(Meters),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_init = meters_init,
};

static PyTypeObject BlobType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ext_scalar_subclass_test.Blob",
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

/* ---- helpers ---------------------------------------------------------------- */

static PyObject* call1(PyTypeObject* type, PyObject* arg) {
  PyObject* r = PyObject_CallOneArg((PyObject*)type, arg);
  if (r == NULL) ext_test_die_with_error(type->tp_name);
  return r;
}

static void check_utf8(PyObject* s, const char* expected) {
  Py_ssize_t n = -1;
  const char* u = PyUnicode_AsUTF8AndSize(s, &n);
  CHECK(u != NULL && n == (Py_ssize_t)strlen(expected) && memcmp(u, expected, (size_t)n) == 0);
}

static void check_repr(PyObject* o, const char* expected) {
  PyObject* r = PyObject_Repr(o);
  CHECK(r != NULL);
  if (strcmp(PyUnicode_AsUTF8(r), expected) != 0) {
    fprintf(stderr, "repr '%s', expected '%s'\n", PyUnicode_AsUTF8(r), expected);
    abort();
  }
  Py_DECREF(r);
}

/* ---- str -------------------------------------------------------------------- */

static void test_istr(void) {
  PyObject* text = PyUnicode_FromString("HeLLo");
  PyObject* s = call1(&IStrType, text);
  CHECK(Py_TYPE(s) == &IStrType && PyUnicode_Check(s) && !PyUnicode_CheckExact(s));
  CHECK(PyUnicode_GET_LENGTH(s) == 5 && PyUnicode_KIND(s) == PyUnicode_1BYTE_KIND);
  CHECK(PyUnicode_IS_ASCII(s) && !PyUnicode_IS_COMPACT(s));
  CHECK(memcmp(PyUnicode_DATA(s), "HeLLo", 6) == 0); /* the NUL too */
  CHECK(PyUnicode_READ_CHAR(s, 1) == 'e');
  check_utf8(s, "HeLLo");
  check_utf8(((IStr*)s)->canonical, "hello");
  CHECK(PyUnicode_CheckExact(((IStr*)s)->canonical));
  CHECK(PyObject_Hash(s) == PyObject_Hash(text));
  CHECK(PyObject_RichCompareBool(s, text, Py_EQ) == 1);
  CHECK(PyUnicode_Compare(s, text) == 0);
  CHECK(PyUnicode_CompareWithASCIIString(s, "HeLLo") == 0);
  check_repr(s, "'HeLLo'");
  /* str() of a subclass instance, concatenation and PyUnicode_FromObject
   * give exact strs. */
  PyObject* exact = PyObject_Str(s);
  CHECK(exact != NULL && PyUnicode_CheckExact(exact) && PyUnicode_Compare(exact, text) == 0);
  Py_DECREF(exact);
  exact = PyUnicode_FromObject(s);
  CHECK(exact != NULL && PyUnicode_CheckExact(exact) && PyUnicode_Compare(exact, text) == 0);
  Py_DECREF(exact);
  PyObject* bang = PyUnicode_FromString("!");
  PyObject* cat = PyNumber_Add(s, bang);
  CHECK(cat != NULL && PyUnicode_CheckExact(cat));
  check_utf8(cat, "HeLLo!");
  Py_DECREF(cat);
  Py_DECREF(bang);
  /* A dict keyed by the istr finds it by the exact str, and back. */
  PyObject* d = PyDict_New();
  CHECK(PyDict_SetItem(d, s, Py_True) == 0);
  CHECK(PyDict_GetItemWithError(d, text) == Py_True);
  CHECK(PyDict_SetItem(d, text, Py_False) == 0 && PyDict_Size(d) == 1);
  Py_DECREF(d);
  /* str's methods work on it. */
  PyObject* upper = PyObject_CallMethod(s, "upper", NULL);
  CHECK(upper != NULL && PyUnicode_CheckExact(upper));
  check_utf8(upper, "HELLO");
  Py_DECREF(upper);
  Py_DECREF(s);
  Py_DECREF(text);

  /* 2- and 4-byte text: the kind, the data and the UTF-8 form made from
   * the separate block. */
  PyObject* wide = PyUnicode_FromString("Stra\xc3\x9f" "e \xe2\x82\xac");
  s = call1(&IStrType, wide);
  CHECK(PyUnicode_KIND(s) == PyUnicode_2BYTE_KIND && !PyUnicode_IS_ASCII(s));
  CHECK(PyUnicode_GET_LENGTH(s) == 8 && PyUnicode_READ_CHAR(s, 7) == 0x20AC);
  CHECK(PyUnicode_2BYTE_DATA(s)[4] == 0xDF && PyUnicode_2BYTE_DATA(s)[8] == 0);
  check_utf8(s, "Stra\xc3\x9f" "e \xe2\x82\xac");
  check_utf8(s, "Stra\xc3\x9f" "e \xe2\x82\xac"); /* the cached form */
  check_utf8(((IStr*)s)->canonical, "stra\xc3\x9f" "e \xe2\x82\xac");
  CHECK(PyObject_Hash(s) == PyObject_Hash(wide));
  check_repr(s, "'Stra\xc3\x9f" "e \xe2\x82\xac'");
  Py_DECREF(s);
  Py_DECREF(wide);
  PyObject* astral = PyUnicode_FromString("\xf0\x9f\x98\x80x");
  s = call1(&IStrType, astral);
  CHECK(PyUnicode_KIND(s) == PyUnicode_4BYTE_KIND && PyUnicode_GET_LENGTH(s) == 2);
  CHECK(PyUnicode_4BYTE_DATA(s)[0] == 0x1F600 && PyUnicode_4BYTE_DATA(s)[1] == 'x');
  check_utf8(s, "\xf0\x9f\x98\x80x");
  Py_DECREF(s);
  Py_DECREF(astral);

  /* str's other forms: no argument, an object's str(), bytes decoded. */
  s = PyObject_CallNoArgs((PyObject*)&IStrType);
  CHECK(s != NULL && Py_TYPE(s) == &IStrType && PyUnicode_GET_LENGTH(s) == 0);
  CHECK(PyUnicode_1BYTE_DATA(s)[0] == 0);
  Py_DECREF(s);
  PyObject* n = PyLong_FromLong(-123);
  s = call1(&IStrType, n);
  check_utf8(s, "-123");
  Py_DECREF(s);
  Py_DECREF(n);
  s = PyObject_CallFunction((PyObject*)&IStrType, "ys", "caf\xc3\xa9", "utf-8");
  CHECK(s != NULL && Py_TYPE(s) == &IStrType);
  check_utf8(s, "caf\xc3\xa9");
  Py_DECREF(s);
  /* An error from str.__new__ comes back as it is; nothing is made. */
  const long made = atomic_load(&g_istr_made);
  CHECK(PyObject_CallFunction((PyObject*)&IStrType, "yi", "x", 1) == NULL);
  ext_test_expect_error(PyExc_TypeError, "str() argument 'encoding' must be str, not int");
  CHECK(atomic_load(&g_istr_made) == made);
}

/* A heap subclass of str from a spec, with no slots of its own. */
static void test_heap_str_subclass(void) {
  PyType_Slot slots[] = {{0, NULL}};
  PyType_Spec spec = {"ext_scalar_subclass_test.Name", 0, 0, Py_TPFLAGS_DEFAULT, slots};
  PyObject* bases = PyTuple_Pack(1, (PyObject*)&PyUnicode_Type);
  PyObject* type = PyType_FromSpecWithBases(&spec, bases);
  CHECK(type != NULL);
  PyObject* text = PyUnicode_FromString("abc\xc3\xa9");
  PyObject* s = PyObject_CallOneArg(type, text);
  CHECK(s != NULL && Py_TYPE(s) == (PyTypeObject*)type && PyUnicode_Check(s));
  CHECK(PyObject_RichCompareBool(s, text, Py_EQ) == 1);
  CHECK(PyUnicode_GET_LENGTH(s) == 4 && PyUnicode_READ_CHAR(s, 3) == 0xE9);
  check_utf8(s, "abc\xc3\xa9");
  Py_DECREF(s);
  Py_DECREF(text);
  Py_DECREF(bases);
  Py_DECREF(type); /* the instance gave its reference back */
}

/* ---- int -------------------------------------------------------------------- */

static void test_int_subtypes(void) {
  PyObject* five = PyLong_FromLong(5);
  PyObject* f = call1(&FlagsType, five);
  CHECK(Py_TYPE(f) == &FlagsType && PyLong_Check(f) && !PyLong_CheckExact(f));
  CHECK(PyLong_AsLong(f) == 5 && PyObject_Hash(f) == 5);
  CHECK(PyObject_RichCompareBool(f, five, Py_EQ) == 1);
  check_repr(f, "5");
  PyObject* one = PyLong_FromLong(1);
  PyObject* sum = PyNumber_Add(f, one);
  CHECK(sum != NULL && PyLong_CheckExact(sum) && PyLong_AsLong(sum) == 6);
  Py_DECREF(sum);
  PyObject* exact = PyNumber_Long(f);
  CHECK(exact != NULL && PyLong_CheckExact(exact) && PyLong_AsLong(exact) == 5);
  Py_DECREF(exact);
  Py_DECREF(f);
  /* int(text, base) and truth. */
  f = PyObject_CallFunction((PyObject*)&FlagsType, "si", "ff", 16);
  CHECK(f != NULL && Py_TYPE(f) == &FlagsType && PyLong_AsLong(f) == 255);
  Py_DECREF(f);
  PyObject* zero = PyLong_FromLong(0);
  f = call1(&FlagsType, zero);
  CHECK(PyObject_IsTrue(f) == 0);
  Py_DECREF(f);
  /* Beyond 64 bits. */
  PyObject* big = PyLong_FromString("1180591620717411303424", NULL, 10); /* 2**70 */
  f = call1(&FlagsType, big);
  CHECK(Py_TYPE(f) == &FlagsType && PyObject_RichCompareBool(f, big, Py_EQ) == 1);
  CHECK(PyObject_Hash(f) == PyObject_Hash(big));
  check_repr(f, "1180591620717411303424");
  sum = PyNumber_Add(f, one);
  check_repr(sum, "1180591620717411303425");
  Py_DECREF(sum);
  Py_DECREF(f);
  /* A subtype with a field of its own. */
  PyObject* t = call1(&TaggedIntType, five);
  CHECK(Py_TYPE(t) == &TaggedIntType && ((TaggedInt*)t)->tag == 0 && PyLong_AsLong(t) == 5);
  ((TaggedInt*)t)->tag = 7;
  sum = PyNumber_Add(t, t);
  CHECK(sum != NULL && PyLong_CheckExact(sum) && PyLong_AsLong(sum) == 10);
  Py_DECREF(sum);
  CHECK(((TaggedInt*)t)->tag == 7);
  Py_DECREF(t);
#ifndef EXT_TEST_ON_CPYTHON
  /* ftrt keeps an int's digits after its struct, where this subtype keeps
   * its field (CPython would overlap them). */
  CHECK(PyObject_CallOneArg((PyObject*)&TaggedIntType, big) == NULL);
  ext_test_expect_error(PyExc_OverflowError,
                        "int subclass 'ext_scalar_subclass_test.TaggedInt' cannot hold a value "
                        "beyond 64 bits (its fields follow the int's value)");
#endif
  PyObject* text = PyUnicode_FromString("12a");
  CHECK(PyObject_CallOneArg((PyObject*)&FlagsType, text) == NULL);
  ext_test_expect_error(PyExc_ValueError, "invalid literal for int() with base 10: '12a'");
  Py_DECREF(text);
  Py_DECREF(big);
  Py_DECREF(zero);
  Py_DECREF(one);
  Py_DECREF(five);
}

/* ---- float ------------------------------------------------------------------ */

static void test_float_subtype(void) {
  PyObject* v = PyFloat_FromDouble(2.5);
  PyObject* m = call1(&MetersType, v);
  CHECK(Py_TYPE(m) == &MetersType && PyFloat_Check(m) && !PyFloat_CheckExact(m));
  CHECK(((Meters*)m)->unit == 1000); /* tp_init ran */
  CHECK(PyFloat_AS_DOUBLE(m) == 2.5 && PyFloat_AsDouble(m) == 2.5);
  CHECK(PyObject_Hash(m) == PyObject_Hash(v));
  check_repr(m, "2.5");
  PyObject* one = PyFloat_FromDouble(1.0);
  PyObject* r = PyNumber_Add(m, one);
  CHECK(r != NULL && PyFloat_CheckExact(r) && PyFloat_AS_DOUBLE(r) == 3.5);
  Py_DECREF(r);
  r = PyNumber_Negative(m);
  CHECK(r != NULL && PyFloat_CheckExact(r) && PyFloat_AS_DOUBLE(r) == -2.5);
  Py_DECREF(r);
  r = PyNumber_Positive(m);
  CHECK(r != NULL && PyFloat_CheckExact(r) && PyFloat_AS_DOUBLE(r) == 2.5);
  Py_DECREF(r);
  r = PyNumber_Float(m);
  CHECK(r != NULL && PyFloat_CheckExact(r) && PyFloat_AS_DOUBLE(r) == 2.5);
  Py_DECREF(r);
  r = PyNumber_Long(m);
  CHECK(r != NULL && PyLong_CheckExact(r) && PyLong_AsLong(r) == 2);
  Py_DECREF(r);
  PyObject* two = PyLong_FromLong(2);
  CHECK(PyObject_RichCompareBool(two, m, Py_LT) == 1);
  CHECK(PyObject_RichCompareBool(m, v, Py_EQ) == 1);
  double d = 0;
  PyObject* args = PyTuple_Pack(1, m);
  CHECK(PyArg_ParseTuple(args, "d", &d) && d == 2.5);
  Py_DECREF(args);
  Py_DECREF(m);
  m = PyObject_CallFunction((PyObject*)&MetersType, "s", " 1e3 ");
  CHECK(m != NULL && Py_TYPE(m) == &MetersType && PyFloat_AS_DOUBLE(m) == 1000.0);
  Py_DECREF(m);
  m = PyObject_CallNoArgs((PyObject*)&MetersType);
  CHECK(m != NULL && PyFloat_AS_DOUBLE(m) == 0.0 && PyObject_IsTrue(m) == 0);
  Py_DECREF(m);
  PyObject* text = PyUnicode_FromString("abc");
  CHECK(PyObject_CallOneArg((PyObject*)&MetersType, text) == NULL);
  ext_test_expect_error(PyExc_ValueError, "could not convert string to float: 'abc'");
  Py_DECREF(text);
  Py_DECREF(two);
  Py_DECREF(one);
  Py_DECREF(v);
}

/* ---- bytes ------------------------------------------------------------------ */

static void test_bytes_subtype(void) {
  PyObject* abc = PyBytes_FromString("abc");
  PyObject* b = call1(&BlobType, abc);
  CHECK(Py_TYPE(b) == &BlobType && PyBytes_Check(b) && !PyBytes_CheckExact(b));
  CHECK(PyBytes_GET_SIZE(b) == 3 && memcmp(PyBytes_AS_STRING(b), "abc", 4) == 0);
  CHECK(PyObject_Hash(b) == PyObject_Hash(abc));
  CHECK(PyObject_RichCompareBool(b, abc, Py_EQ) == 1);
  check_repr(b, "b'abc'");
  PyObject* cat = PyNumber_Add(b, abc);
  CHECK(cat != NULL && PyBytes_CheckExact(cat) && strcmp(PyBytes_AS_STRING(cat), "abcabc") == 0);
  Py_DECREF(cat);
  Py_buffer view;
  CHECK(PyObject_GetBuffer(b, &view, PyBUF_SIMPLE) == 0 && view.len == 3);
  CHECK(memcmp(view.buf, "abc", 3) == 0);
  PyBuffer_Release(&view);
  Py_DECREF(b);
  b = PyObject_CallFunction((PyObject*)&BlobType, "i", 4);
  CHECK(b != NULL && PyBytes_GET_SIZE(b) == 4 && memcmp(PyBytes_AS_STRING(b), "\0\0\0\0", 5) == 0);
  Py_DECREF(b);
  b = PyObject_CallFunction((PyObject*)&BlobType, "[iii]", 1, 2, 255);
  CHECK(b != NULL && PyBytes_GET_SIZE(b) == 3 && (unsigned char)PyBytes_AS_STRING(b)[2] == 255);
  Py_DECREF(b);
  b = PyObject_CallNoArgs((PyObject*)&BlobType);
  CHECK(b != NULL && Py_TYPE(b) == &BlobType && PyBytes_GET_SIZE(b) == 0);
  Py_DECREF(b);
  CHECK(PyObject_CallFunction((PyObject*)&BlobType, "s", "text") == NULL);
  ext_test_expect_error(PyExc_TypeError, "string argument without an encoding");
  Py_DECREF(abc);
}

/* ---- threads ---------------------------------------------------------------- */

static long g_rounds;
static PyObject* g_shared; /* a non-ASCII istr */
static const char kSharedUtf8[] = "\xce\xb1\xce\xb2\xce\xb3-\xf0\x9f\x98\x80";

static void* worker(void* arg) {
  unsigned state = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  static const char* const kTexts[] = {"Key", "K\xc3\xa9y", "\xe2\x82\xac" "K", "\xf0\x9f\x98\x80K"};
  static const char* const kLower[] = {"key", "k\xc3\xa9y", "\xe2\x82\xac" "k", "\xf0\x9f\x98\x80k"};
  for (long i = 0; i < g_rounds; i++) {
    const unsigned which = ext_test_next_random(&state) % 4;
    PyObject* text = PyUnicode_FromString(kTexts[which]);
    PyObject* s = call1(&IStrType, text);
    CHECK(!PyUnicode_IS_COMPACT(s) && PyObject_RichCompareBool(s, text, Py_EQ) == 1);
    check_utf8(s, kTexts[which]);
    check_utf8(((IStr*)s)->canonical, kLower[which]);
    CHECK(PyObject_Hash(s) == PyObject_Hash(text));
    Py_DECREF(s);
    Py_DECREF(text);
    /* The shared one: its UTF-8 form is made once, by whichever thread
     * gets there first, and every thread reads the same bytes. */
    check_utf8(g_shared, kSharedUtf8);
    CHECK(PyUnicode_READ_CHAR(g_shared, 3) == '-');
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
  g_rounds = ext_test_scaled(4000, 400);
  PyObject* text = PyUnicode_FromString(kSharedUtf8);
  g_shared = call1(&IStrType, text);
  Py_DECREF(text);
  const long made = atomic_load(&g_istr_made);
  ext_test_run_threads(kThreads, worker, seed);
  CHECK_EQ_LL(atomic_load(&g_istr_made) - made, kThreads * g_rounds);
  Py_CLEAR(g_shared);
}

int main(void) {
  const unsigned seed = ext_test_seed();
  Py_Initialize();
  IStrType.tp_base = &PyUnicode_Type;
  FlagsType.tp_base = &PyLong_Type;
  TaggedIntType.tp_base = &PyLong_Type;
  MetersType.tp_base = &PyFloat_Type;
  BlobType.tp_base = &PyBytes_Type;
  CHECK(PyType_Ready(&IStrType) == 0);
  CHECK(PyType_Ready(&FlagsType) == 0);
  CHECK(PyType_Ready(&TaggedIntType) == 0);
  CHECK(PyType_Ready(&MetersType) == 0);
  CHECK(PyType_Ready(&BlobType) == 0);
  test_istr();
  test_heap_str_subclass();
  test_int_subtypes();
  test_float_subtype();
  test_bytes_subtype();
  test_threads(seed);
  /* Every istr was freed, and freed its canonical form with it. */
  CHECK_EQ_LL(atomic_load(&g_istr_freed), atomic_load(&g_istr_made));
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
