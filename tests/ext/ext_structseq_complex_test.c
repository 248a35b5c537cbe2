/* Struct sequences and complex from C (structseq.h, complexobject.h),
 * written the way extensions use them.
 *
 *   - a module init (single-phase, Py_MOD_GIL_NOT_USED) that makes a
 *     struct sequence type from a static PyStructSequence_Field[] and
 *     PyStructSequence_Desc with PyStructSequence_NewType, and a second one
 *     in a zeroed static PyTypeObject with PyStructSequence_InitType2;
 *     instances filled with PyStructSequence_SET_ITEM and read back with
 *     PyStructSequence_GET_ITEM, the tuple API (PyTuple_GET_SIZE,
 *     PySequence_*, hash, ==), the named and hidden attributes, the repr;
 *   - their errors: indices out of range (GetItem: NULL + IndexError;
 *     SetItem: IndexError left set, the value dropped), a desc with NULL
 *     fields, n_in_sequence above the field count, a second InitType2,
 *     PyStructSequence_New of a non-struct-sequence type;
 *   - complex: PyComplex_FromDoubles / FromCComplex / AsCComplex /
 *     RealAsDouble / ImagAsDouble on complexes, ints, floats, an extension
 *     type with nb_float, a type with __complex__, and bad input; the
 *     cval field; PyNumber_* with int and float operands on either side;
 *     CPython 3.13's errors; the _Py_c_* helpers and errno;
 *   - threads: 6 threads, 2 of them creating and dropping struct sequences
 *     and complexes while 4 read shared ones (run under TSan too), with
 *     random yields;
 *   - nothing leaks after Py_FinalizeEx. */
#include "Python.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "tests/ext/ext_test_util.h"

/* ---- the module: a struct sequence type, as extensions define one ------------ */

static PyStructSequence_Field sample_fields[] = {
    {"count", "how many"},
    {"mean", "the average"},
    {NULL, NULL}, /* the unnamed field: PyInit_ext_ss sets it, as posixmodule does */
    {"unit", "hidden: not part of the tuple"},
    {NULL, NULL},
};

static PyStructSequence_Desc sample_desc = {
    "ext_ss.Sample",
    "A sample: (count, mean, raw) and a unit.",
    sample_fields,
    3,
};

static PyTypeObject* SampleType; /* owned by the module state below */
static PyObject* the_module;

static PyStructSequence_Field static_fields[] = {
    {"lo", "low"}, {"hi", "high"}, {NULL, NULL}};
static PyStructSequence_Desc static_desc = {"ext_ss.Range", NULL, static_fields, 2};
static PyTypeObject RangeType; /* zeroed: PyStructSequence_InitType2 fills it */

static struct PyModuleDef ext_ss_module = {
    PyModuleDef_HEAD_INIT, "ext_ss", "struct sequences from C", -1, NULL,
};

static PyObject* PyInit_ext_ss(void) {
  /* The unnamed field's name is a variable, not a constant expression. */
  sample_fields[2].name = PyStructSequence_UnnamedField;
  sample_fields[2].doc = "raw, unnamed";
  PyObject* m = PyModule_Create(&ext_ss_module);
  if (m == NULL) return NULL;
  if (PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED) < 0) goto fail;
  SampleType = PyStructSequence_NewType(&sample_desc);
  if (SampleType == NULL) goto fail;
  if (PyModule_AddObjectRef(m, "Sample", (PyObject*)SampleType) < 0) goto fail;
  if (PyStructSequence_InitType2(&RangeType, &static_desc) < 0) goto fail;
  if (PyModule_AddObjectRef(m, "Range", (PyObject*)&RangeType) < 0) goto fail;
  return m;
fail:
  Py_DECREF(m);
  return NULL;
}

static PyObject* new_sample(long count, double mean, long raw, const char* unit) {
  PyObject* s = PyStructSequence_New(SampleType);
  if (s == NULL) return NULL;
  PyStructSequence_SET_ITEM(s, 0, PyLong_FromLong(count));
  PyStructSequence_SET_ITEM(s, 1, PyFloat_FromDouble(mean));
  PyStructSequence_SET_ITEM(s, 2, PyLong_FromLong(raw));
  PyStructSequence_SET_ITEM(s, 3, PyUnicode_FromString(unit));
  if (PyErr_Occurred()) {
    Py_DECREF(s);
    return NULL;
  }
  return s;
}

static void check_repr(PyObject* op, const char* expected) {
  PyObject* r = PyObject_Repr(op);
  CHECK(r != NULL);
  if (strcmp(PyUnicode_AsUTF8(r), expected) != 0) {
    fprintf(stderr, "repr: '%s', expected '%s'\n", PyUnicode_AsUTF8(r), expected);
    abort();
  }
  Py_DECREF(r);
}

static long attr_long(PyObject* op, const char* name) {
  PyObject* v = PyObject_GetAttrString(op, name);
  CHECK(v != NULL);
  long r = PyLong_AsLong(v);
  Py_DECREF(v);
  return r;
}

static void test_struct_sequences(void) {
  the_module = PyInit_ext_ss();
  if (the_module == NULL) ext_test_die_with_error("PyInit_ext_ss");
  CHECK(PyType_Check((PyObject*)SampleType));
  CHECK(PyType_IsSubtype(SampleType, &PyTuple_Type));
  CHECK(strcmp(SampleType->tp_name, "ext_ss.Sample") == 0);
  CHECK_EQ_LL(attr_long((PyObject*)SampleType, "n_sequence_fields"), 3);
  CHECK_EQ_LL(attr_long((PyObject*)SampleType, "n_fields"), 4);
  CHECK_EQ_LL(attr_long((PyObject*)SampleType, "n_unnamed_fields"), 1);

  PyObject* s = new_sample(5, 2.5, 7, "cm");
  CHECK(s != NULL);
  CHECK(PyTuple_Check(s));
  CHECK(!PyTuple_CheckExact(s));
  CHECK_EQ_LL(PyTuple_GET_SIZE(s), 3);
  CHECK_EQ_LL(PySequence_Size(s), 3);
  CHECK_EQ_LL(PyLong_AsLong(PyStructSequence_GET_ITEM(s, 0)), 5);
  CHECK(PyFloat_AS_DOUBLE(PyStructSequence_GET_ITEM(s, 1)) == 2.5);
  CHECK_EQ_LL(PyLong_AsLong(PyTuple_GET_ITEM(s, 2)), 7);
  CHECK(strcmp(PyUnicode_AsUTF8(PyStructSequence_GetItem(s, 3)), "cm") == 0);
  CHECK_EQ_LL(attr_long(s, "count"), 5);
  PyObject* unit = PyObject_GetAttrString(s, "unit");
  CHECK(unit != NULL && strcmp(PyUnicode_AsUTF8(unit), "cm") == 0);
  Py_DECREF(unit);
  /* CPython's repr (the unnamed visible field takes the next name). */
  check_repr(s, "ext_ss.Sample(count=5, mean=2.5, unit=7)");
  /* A tuple of the visible items: == and hash. */
  PyObject* t = PySequence_Tuple(s);
  CHECK(t != NULL && PyTuple_CheckExact(t) && PyTuple_GET_SIZE(t) == 3);
  CHECK(PyObject_RichCompareBool(s, t, Py_EQ) == 1);
  CHECK(PyObject_Hash(s) == PyObject_Hash(t));
  Py_DECREF(t);
  PyObject* last = PySequence_GetItem(s, -1);
  CHECK(last != NULL && PyLong_AsLong(last) == 7);
  Py_DECREF(last);
  /* Read-only. */
  CHECK(PyObject_SetAttrString(s, "count", Py_None) == -1);
  ext_test_expect_error(PyExc_AttributeError, "readonly attribute");

  /* Index errors (CPython only asserts). */
  CHECK(PyStructSequence_GetItem(s, 4) == NULL);
  ext_test_expect_error(PyExc_IndexError, "struct sequence index out of range");
  CHECK(PyStructSequence_GET_ITEM(s, -1) == NULL);
  ext_test_expect_error(PyExc_IndexError, "struct sequence index out of range");
  PyStructSequence_SET_ITEM(s, 4, PyLong_FromLong(1)); /* the value is dropped */
  ext_test_expect_error(PyExc_IndexError, "struct sequence index out of range");
  PyObject* plain = PyTuple_New(0);
  CHECK(PyStructSequence_GetItem(plain, 0) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(plain);
  CHECK(PyStructSequence_GetItem(NULL, 0) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyStructSequence_New(&PyTuple_Type) == NULL);
  ext_test_expect_error(PyExc_TypeError, "type 'tuple' is not a struct sequence type");
  Py_DECREF(s);

  /* A fresh instance reads None until filled. */
  PyObject* fresh = PyStructSequence_New(SampleType);
  CHECK(fresh != NULL);
  CHECK(PyStructSequence_GET_ITEM(fresh, 3) == Py_None);
  check_repr(fresh, "ext_ss.Sample(count=None, mean=None, unit=None)");
  Py_DECREF(fresh);

  /* Bad descs. */
  PyStructSequence_Desc no_fields = {"ext_ss.Bad", NULL, NULL, 0};
  CHECK(PyStructSequence_NewType(&no_fields) == NULL);
  ext_test_expect_error(PyExc_SystemError, "bad argument to internal function");
  PyStructSequence_Desc too_many = {"ext_ss.Bad", NULL, static_fields, 3};
  CHECK(PyStructSequence_NewType(&too_many) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "struct sequence 'ext_ss.Bad': n_in_sequence (3) is more than its 2 "
                        "fields");

  /* The static type: readied once; a second InitType2 is refused, and
   * InitType leaves the exception set. */
  CHECK(PyType_IsSubtype(&RangeType, &PyTuple_Type));
  CHECK(PyStructSequence_InitType2(&RangeType, &static_desc) == -1);
  ext_test_expect_error(PyExc_SystemError, "bad argument to internal function");
  PyStructSequence_InitType(&RangeType, &static_desc);
  ext_test_expect_error(PyExc_SystemError, "bad argument to internal function");
  PyObject* r = PyStructSequence_New(&RangeType);
  CHECK(r != NULL);
  PyStructSequence_SET_ITEM(r, 0, PyLong_FromLong(-3));
  PyStructSequence_SET_ITEM(r, 1, PyLong_FromLong(3));
  check_repr(r, "ext_ss.Range(lo=-3, hi=3)");
  CHECK_EQ_LL(attr_long(r, "hi"), 3);
  Py_DECREF(r);

  /* Calling the type: a sequence (and a dict for the hidden fields). */
  PyObject* args = Py_BuildValue("((iii){s:s})", 1, 2, 3, "unit", "kg");
  CHECK(args != NULL);
  PyObject* made = PyObject_Call((PyObject*)SampleType, args, NULL);
  CHECK(made != NULL);
  check_repr(made, "ext_ss.Sample(count=1, mean=2, unit=3)");
  unit = PyObject_GetAttrString(made, "unit");
  CHECK(unit != NULL && strcmp(PyUnicode_AsUTF8(unit), "kg") == 0);
  Py_DECREF(unit);
  Py_DECREF(made);
  Py_DECREF(args);
  args = Py_BuildValue("((ii))", 1, 2);
  CHECK(PyObject_Call((PyObject*)SampleType, args, NULL) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "ext_ss.Sample() takes an at least 3-sequence (2-sequence given)");
  Py_DECREF(args);
}

/* ---- complex ------------------------------------------------------------------- */

/* An extension number with nb_float only. */
typedef struct {
  PyObject_HEAD
  double v;
} Real;

static PyObject* real_float(PyObject* self) { return PyFloat_FromDouble(((Real*)self)->v); }

static PyNumberMethods real_as_number = {
    .nb_float = real_float,
};

static PyTypeObject RealType = {
    PyVarObject_HEAD_INIT(NULL, 0) "ext_ss.Real", sizeof(Real), 0,
};

/* A heap type with __complex__. */
static PyObject* has_complex_dunder(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return PyComplex_FromDoubles(3.0, 4.0);
}
static PyObject* bad_complex_dunder(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return PyLong_FromLong(1);
}

static PyObject* make_with_method(const char* name, PyCFunction f) {
  static PyMethodDef good[] = {{"__complex__", has_complex_dunder, METH_NOARGS, NULL},
                               {NULL, NULL, 0, NULL}};
  static PyMethodDef bad[] = {{"__complex__", bad_complex_dunder, METH_NOARGS, NULL},
                              {NULL, NULL, 0, NULL}};
  PyType_Slot slots[] = {{Py_tp_methods, f == has_complex_dunder ? good : bad}, {0, NULL}};
  PyType_Spec spec = {name, sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, slots};
  PyObject* type = PyType_FromSpec(&spec);
  CHECK(type != NULL);
  PyObject* obj = PyObject_CallNoArgs(type);
  CHECK(obj != NULL);
  Py_DECREF(type);
  return obj;
}

static PyObject* num_op(PyObject* (*op)(PyObject*, PyObject*), PyObject* a, PyObject* b) {
  PyObject* r = op(a, b);
  Py_DECREF(a);
  Py_DECREF(b);
  return r;
}

static void check_complex(PyObject* z, double re, double im) {
  CHECK(z != NULL);
  CHECK(PyComplex_CheckExact(z));
  if (((PyComplexObject*)z)->cval.real != re || ((PyComplexObject*)z)->cval.imag != im) {
    fprintf(stderr, "got (%g, %g), expected (%g, %g)\n", ((PyComplexObject*)z)->cval.real,
            ((PyComplexObject*)z)->cval.imag, re, im);
    abort();
  }
  Py_DECREF(z);
}

static void test_complex(void) {
  PyObject* z = PyComplex_FromDoubles(1.0, 2.0);
  CHECK(z != NULL && PyComplex_Check(z) && PyComplex_CheckExact(z));
  CHECK(!PyComplex_Check(Py_None));
  CHECK(PyComplex_RealAsDouble(z) == 1.0 && PyComplex_ImagAsDouble(z) == 2.0);
  Py_complex c = PyComplex_AsCComplex(z);
  CHECK(c.real == 1.0 && c.imag == 2.0);
  check_repr(z, "(1+2j)");
  CHECK_EQ_LL(PyObject_Hash(z), 2000007);
  Py_complex w = {-0.0, -1.0};
  PyObject* zw = PyComplex_FromCComplex(w);
  check_repr(zw, "(-0-1j)");
  Py_DECREF(zw);

  /* Mixed operands, either side (CPython 3.13: the real becomes (x, 0)). */
  check_complex(num_op(PyNumber_Add, Py_NewRef(z), PyLong_FromLong(3)), 4.0, 2.0);
  check_complex(num_op(PyNumber_Add, PyLong_FromLong(3), Py_NewRef(z)), 4.0, 2.0);
  check_complex(num_op(PyNumber_Subtract, PyFloat_FromDouble(2.5), Py_NewRef(z)), 1.5, -2.0);
  check_complex(num_op(PyNumber_Multiply, Py_NewRef(z), PyComplex_FromDoubles(3.0, -4.0)),
                11.0, 2.0);
  check_complex(num_op(PyNumber_TrueDivide, PyLong_FromLong(1), PyComplex_FromDoubles(1, 1)),
                0.5, -0.5);
  check_complex(num_op(PyNumber_TrueDivide, Py_NewRef(z), PyComplex_FromDoubles(3, 4)), 0.44,
                0.08);
  PyObject* two = PyLong_FromLong(2);
  check_complex(PyNumber_Power(z, two, Py_None), -3.0, 4.0);
  CHECK(PyNumber_Power(z, two, two) == NULL);
  ext_test_expect_error(PyExc_ValueError, "complex modulo");
  Py_DECREF(two);
  check_complex(PyNumber_Negative(z), -1.0, -2.0);
  PyObject* z34 = PyComplex_FromDoubles(3, 4);
  PyObject* five = PyNumber_Absolute(z34);
  CHECK(five != NULL && PyFloat_AS_DOUBLE(five) == 5.0);
  Py_DECREF(five);
  Py_DECREF(z34);
  CHECK(PyObject_IsTrue(z) == 1);
  PyObject* zero = PyComplex_FromDoubles(0.0, -0.0);
  CHECK(PyObject_IsTrue(zero) == 0);
  CHECK(PyNumber_TrueDivide(z, zero) == NULL);
  ext_test_expect_error(PyExc_ZeroDivisionError, "complex division by zero");
  PyObject* izero = PyLong_FromLong(0);
  CHECK(PyNumber_TrueDivide(z, izero) == NULL);
  ext_test_expect_error(PyExc_ZeroDivisionError, "complex division by zero");
  PyObject* j = PyComplex_FromDoubles(0, 1);
  CHECK(PyNumber_Power(zero, j, Py_None) == NULL);
  ext_test_expect_error(PyExc_ZeroDivisionError, "0.0 to a negative or complex power");
  Py_DECREF(j);
  Py_DECREF(izero);
  Py_DECREF(zero);
  CHECK(PyNumber_FloorDivide(z, z) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "unsupported operand type(s) for //: 'complex' and 'complex'");
  PyObject* three = PyLong_FromLong(3);
  PyObject* z3 = PyComplex_FromDoubles(3.0, 0.0);
  CHECK(PyObject_RichCompareBool(z3, three, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(three, z3, Py_EQ) == 1);
  CHECK(PyObject_Hash(z3) == PyObject_Hash(three));
  CHECK(PyObject_RichCompareBool(z, z3, Py_LT) == -1);
  ext_test_expect_error(PyExc_TypeError,
                        "'<' not supported between instances of 'complex' and 'complex'");
  Py_DECREF(z3);

  /* Conversions of other objects (CPython 3.13). */
  CHECK(PyComplex_RealAsDouble(three) == 3.0 && PyComplex_ImagAsDouble(three) == 0.0);
  Py_DECREF(three);
  PyObject* f = PyFloat_FromDouble(2.5);
  c = PyComplex_AsCComplex(f);
  CHECK(c.real == 2.5 && c.imag == 0.0);
  Py_DECREF(f);
  RealType.tp_as_number = &real_as_number;
  CHECK(PyType_Ready(&RealType) == 0);
  Real* real = PyObject_New(Real, &RealType);
  CHECK(real != NULL);
  real->v = -7.25;
  CHECK(PyComplex_RealAsDouble((PyObject*)real) == -7.25);
  CHECK(PyComplex_ImagAsDouble((PyObject*)real) == 0.0);
  Py_DECREF(real);
  PyObject* dunder = make_with_method("ext_ss.HasComplex", has_complex_dunder);
  c = PyComplex_AsCComplex(dunder);
  CHECK(c.real == 3.0 && c.imag == 4.0);
  CHECK(PyComplex_ImagAsDouble(dunder) == 4.0);
  Py_DECREF(dunder);
  PyObject* bad = make_with_method("ext_ss.BadComplex", bad_complex_dunder);
  CHECK(PyComplex_RealAsDouble(bad) == -1.0);
  ext_test_expect_error(PyExc_TypeError, "__complex__ returned non-complex (type int)");
  Py_DECREF(bad);
  PyObject* str = PyUnicode_FromString("x");
  CHECK(PyComplex_RealAsDouble(str) == -1.0);
  ext_test_expect_error(PyExc_TypeError, "must be real number, not str");
  c = PyComplex_AsCComplex(str);
  CHECK(c.real == -1.0 && c.imag == 0.0);
  ext_test_expect_error(PyExc_TypeError, "must be real number, not str");
  Py_DECREF(str);
  CHECK(PyComplex_ImagAsDouble(NULL) == -1.0);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* The _Py_c_* helpers report in errno. */
  Py_complex one = {1.0, 0.0}, zc = {0.0, 0.0};
  errno = 0;
  Py_complex q = _Py_c_quot(one, zc);
  CHECK(errno == EDOM);
  (void)q;
  errno = 0;
  q = _Py_c_quot((Py_complex){1.0, 2.0}, (Py_complex){3.0, 4.0});
  CHECK(errno == 0 && q.real == 0.44 && q.imag == 0.08);
  CHECK(_Py_c_abs((Py_complex){3.0, 4.0}) == 5.0);
  errno = 0;
  (void)_Py_c_pow(zc, (Py_complex){-1.0, 0.0});
  CHECK(errno == EDOM);
  Py_complex p = _Py_c_prod((Py_complex){1.0, 2.0}, (Py_complex){3.0, -4.0});
  CHECK(p.real == 11.0 && p.imag == 2.0);
  Py_DECREF(z);
}

/* ---- threads ----------------------------------------------------------------- */

enum { kThreads = 6, kShared = 8 };
static PyObject* g_samples[kShared];
static PyObject* g_complexes[kShared];
static atomic_int g_bad;

static void* worker(void* arg) {
  unsigned rng = (unsigned)(uintptr_t)arg;
  const int creator = (int)(rng % 3) == 0; /* 2 of each 6 consecutive seeds */
  PyGILState_STATE g = PyGILState_Ensure();
  const long rounds = ext_test_scaled(4000, 200);
  for (long r = 0; r < rounds; r++) {
    if (ext_test_next_random(&rng) % 16 == 0) sched_yield();
    const int k = (int)(ext_test_next_random(&rng) % kShared);
    if (creator) {
      long v = (long)(ext_test_next_random(&rng) % 1000);
      PyObject* s = new_sample(v, (double)v / 2, -v, "m");
      PyObject* z = PyComplex_FromDoubles((double)v, 1.0);
      if (s == NULL || z == NULL || PyLong_AsLong(PyStructSequence_GET_ITEM(s, 2)) != -v ||
          PyComplex_RealAsDouble(z) != (double)v) {
        atomic_fetch_add_explicit(&g_bad, 1, memory_order_relaxed);
        PyErr_Clear();
      }
      Py_XDECREF(s);
      Py_XDECREF(z);
    } else {
      PyObject* s = g_samples[k];
      if (PyLong_AsLong(PyStructSequence_GET_ITEM(s, 0)) != k ||
          PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(s, 1)) != k * 0.5 || attr_long(s, "count") != k) {
        atomic_fetch_add_explicit(&g_bad, 1, memory_order_relaxed);
      }
      PyObject* unit = PyObject_GetAttrString(s, "unit");
      if (unit == NULL || strcmp(PyUnicode_AsUTF8(unit), "shared") != 0) {
        atomic_fetch_add_explicit(&g_bad, 1, memory_order_relaxed);
      }
      Py_XDECREF(unit);
      PyObject* z = g_complexes[k];
      Py_complex c = PyComplex_AsCComplex(z);
      if (c.real != k || c.imag != -k || ((PyComplexObject*)z)->cval.imag != -k) {
        atomic_fetch_add_explicit(&g_bad, 1, memory_order_relaxed);
      }
      PyObject* sq = PyNumber_Multiply(z, z); /* (k - kj)^2 = -2k^2 j */
      if (sq == NULL || PyComplex_RealAsDouble(sq) != 0.0 ||
          PyComplex_ImagAsDouble(sq) != -2.0 * k * k) {
        atomic_fetch_add_explicit(&g_bad, 1, memory_order_relaxed);
      }
      Py_XDECREF(sq);
    }
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_threads(unsigned seed) {
  for (int i = 0; i < kShared; i++) {
    g_samples[i] = new_sample(i, i * 0.5, 0, "shared");
    g_complexes[i] = PyComplex_FromDoubles(i, -i);
    CHECK(g_samples[i] != NULL && g_complexes[i] != NULL);
  }
  atomic_store_explicit(&g_bad, 0, memory_order_relaxed);
  ext_test_run_threads(kThreads, worker, seed - seed % 3);
  /* Joined: relaxed suffices. */
  CHECK_EQ_LL(atomic_load_explicit(&g_bad, memory_order_relaxed), 0);
  for (int i = 0; i < kShared; i++) {
    Py_CLEAR(g_samples[i]);
    Py_CLEAR(g_complexes[i]);
  }
}

int main(void) {
  Py_Initialize();
  const unsigned seed = ext_test_seed();
  test_struct_sequences();
  test_complex();
  test_threads(seed);
  Py_CLEAR(SampleType);
  Py_CLEAR(the_module);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_structseq_complex_test: OK\n");
  return 0;
}
