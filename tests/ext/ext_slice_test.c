/* The slice C API and the sequence protocol from C (sliceobject.h,
 * abstract.h), written the way extensions use them.
 *
 *   - an extension type whose mp_subscript handles an index (PyIndex_Check,
 *     PyNumber_AsSsize_t) or a slice the usual way (PySlice_Check,
 *     PySlice_Unpack, PySlice_AdjustIndices, then a loop; and a second one
 *     with the PySlice_GetIndicesEx macro), checked against PyObject_GetItem
 *     of the same slice on a list holding the same values, for seeded
 *     random (start, stop, step) triples; tuple, str and bytes slices
 *     checked against PySequence_ITEM loops;
 *   - PySlice_New / PySlice_Check / the PySliceObject fields, Py_Ellipsis,
 *     PySlice_GetIndices (the old rules: -1 without an exception),
 *     PySlice_Unpack's errors, the GetIndicesEx function and macro;
 *   - every new PySequence_* function (SetItem, DelItem, GetSlice,
 *     SetSlice, DelSlice, Index, Count, Concat, Repeat, Length, In,
 *     PySequence_ITEM) with its results and its CPython errors
 *     (PyErr_ExceptionMatches and the message);
 *   - threads: readers take PySequence_GetSlice and extended slices of a
 *     shared list while writers replace pairs of it with PySequence_SetSlice
 *     and PyObject_SetItem(list, slice, ...); every slice shows the pairs
 *     intact (run under TSan too);
 *   - nothing leaks after Py_FinalizeEx. */
#include <stdatomic.h>
#include <string.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

/* ---- an extension type with an mp_subscript ----------------------------------
 * Behaves like the list [0, 3, 6, ...] of `n` items, computed on demand. */
typedef struct {
  PyObject_HEAD
  Py_ssize_t n;
} Thirds;

static PyObject* thirds_item(Thirds* self, Py_ssize_t i) {
  if (i < 0) i += self->n;
  if (i < 0 || i >= self->n) {
    PyErr_SetString(PyExc_IndexError, "Thirds index out of range");
    return NULL;
  }
  return PyLong_FromSsize_t(i * 3);
}

static PyObject* thirds_subscript(PyObject* op, PyObject* key) {
  Thirds* self = (Thirds*)op;
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return NULL;
    return thirds_item(self, i);
  }
  if (!PySlice_Check(key)) {
    PyErr_Format(PyExc_TypeError, "Thirds indices must be integers or slices, not %s",
                 Py_TYPE(key)->tp_name);
    return NULL;
  }
  Py_ssize_t start, stop, step;
  if (PySlice_Unpack(key, &start, &stop, &step) < 0) return NULL;
  Py_ssize_t count = PySlice_AdjustIndices(self->n, &start, &stop, step);
  PyObject* out = PyList_New(count);
  if (out == NULL) return NULL;
  for (Py_ssize_t k = 0, cur = start; k < count; k++, cur += step) {
    PyObject* v = PyLong_FromSsize_t(cur * 3);
    if (v == NULL) {
      Py_DECREF(out);
      return NULL;
    }
    PyList_SET_ITEM(out, k, v);
  }
  return out;
}

/* The same through the PySlice_GetIndicesEx macro (older extensions). */
static PyObject* thirds_slice_ex(Thirds* self, PyObject* key) {
  Py_ssize_t start, stop, step, count;
  if (PySlice_GetIndicesEx(key, self->n, &start, &stop, &step, &count) < 0) return NULL;
  PyObject* out = PyList_New(0);
  if (out == NULL) return NULL;
  for (Py_ssize_t k = 0, cur = start; k < count; k++, cur += step) {
    PyObject* v = PyLong_FromSsize_t(cur * 3);
    if (v == NULL || PyList_Append(out, v) < 0) {
      Py_XDECREF(v);
      Py_DECREF(out);
      return NULL;
    }
    Py_DECREF(v);
  }
  return out;
}

static PyObject* make_thirds(Py_ssize_t n) {
  static PyType_Slot slots[] = {{Py_mp_subscript, (void*)thirds_subscript}, {0, NULL}};
  static PyType_Spec spec = {"ext_slice_test.Thirds", sizeof(Thirds), 0, Py_TPFLAGS_DEFAULT,
                             slots};
  PyObject* type = PyType_FromSpec(&spec);
  CHECK(type != NULL);
  Thirds* t = PyObject_New(Thirds, (PyTypeObject*)type);
  CHECK(t != NULL);
  t->n = n;
  Py_DECREF(type);
  return (PyObject*)t;
}

static PyObject* int_list(Py_ssize_t n, long mul) {
  PyObject* l = PyList_New(n);
  CHECK(l != NULL);
  for (Py_ssize_t i = 0; i < n; i++) PyList_SET_ITEM(l, i, PyLong_FromLong((long)i * mul));
  return l;
}

/* A slice field: a random bound, None, or a 64-bit extreme. */
static PyObject* random_bound(unsigned* rng, Py_ssize_t n) {
  unsigned r = ext_test_next_random(rng) % 8;
  if (r == 0) return Py_NewRef(Py_None);
  if (r == 1) return PyLong_FromSsize_t(ext_test_next_random(rng) % 2 ? PY_SSIZE_T_MAX : PY_SSIZE_T_MIN);
  return PyLong_FromSsize_t((Py_ssize_t)(ext_test_next_random(rng) % (unsigned)(4 * n + 5)) -
                            (2 * n + 2));
}

static PyObject* random_step(unsigned* rng, Py_ssize_t n) {
  if (ext_test_next_random(rng) % 5 == 0) return Py_NewRef(Py_None);
  Py_ssize_t v = 1 + (Py_ssize_t)(ext_test_next_random(rng) % (unsigned)(n + 2));
  return PyLong_FromSsize_t(ext_test_next_random(rng) % 2 ? v : -v);
}

static int equal(PyObject* a, PyObject* b) {
  int r = PyObject_RichCompareBool(a, b, Py_EQ);
  CHECK(r >= 0);
  return r;
}

/* seq[slice] item by item against PySequence_ITEM of seq at the indices
 * PySlice_GetIndicesEx gives. */
static void check_against_items(PyObject* seq, PyObject* slice) {
  Py_ssize_t start, stop, step, count;
  CHECK(PySlice_GetIndicesEx(slice, PySequence_Size(seq), &start, &stop, &step, &count) == 0);
  PyObject* got = PyObject_GetItem(seq, slice);
  CHECK(got != NULL);
  CHECK(Py_TYPE(got) == Py_TYPE(seq));
  CHECK_EQ_LL(PySequence_Size(got), count);
  for (Py_ssize_t k = 0, cur = start; k < count; k++, cur += step) {
    PyObject* a = PySequence_ITEM(got, k);
    PyObject* b = PySequence_ITEM(seq, cur);
    CHECK(a != NULL && b != NULL);
    CHECK(equal(a, b));
    Py_DECREF(a);
    Py_DECREF(b);
  }
  Py_DECREF(got);
}

static void test_extension_subscript(unsigned seed) {
  unsigned rng = seed;
  const long rounds = ext_test_scaled(2000, 200);
  Py_ssize_t sizes[] = {0, 1, 5, 16};
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
    Py_ssize_t n = sizes[si];
    PyObject* thirds = make_thirds(n);
    PyObject* list = int_list(n, 3);
    PyObject* tuple = PySequence_Tuple(list);
    PyObject* str = PyUnicode_FromString("ab\xc3\xa9\xe4\xb8\x80\xf0\x9f\x98\x80xyzw0123456789");
    PyObject* bytes = PyBytes_FromStringAndSize("\x00\x01\x02\xff\x80 abcdefghijklm", 20);
    CHECK(tuple != NULL && str != NULL && bytes != NULL);
    for (long r = 0; r < rounds; r++) {
      PyObject* a = random_bound(&rng, n);
      PyObject* b = random_bound(&rng, n);
      PyObject* c = random_step(&rng, n);
      PyObject* slice = PySlice_New(a, b, c);
      CHECK(slice != NULL && PySlice_Check(slice));
      PyObject* want = PyObject_GetItem(list, slice);
      PyObject* got = PyObject_GetItem(thirds, slice);
      PyObject* got_ex = thirds_slice_ex((Thirds*)thirds, slice);
      CHECK(want != NULL && got != NULL && got_ex != NULL);
      CHECK(equal(want, got));
      CHECK(equal(want, got_ex));
      check_against_items(tuple, slice);
      check_against_items(str, slice);
      check_against_items(bytes, slice);
      Py_DECREF(want);
      Py_DECREF(got);
      Py_DECREF(got_ex);
      Py_DECREF(slice);
      Py_DECREF(a);
      Py_DECREF(b);
      Py_DECREF(c);
    }
    /* Indices through mp_subscript, negative ones too. */
    for (Py_ssize_t i = -n; i < n; i++) {
      PyObject* k = PyLong_FromSsize_t(i);
      PyObject* x = PyObject_GetItem(thirds, k);
      PyObject* y = PyObject_GetItem(list, k);
      CHECK(x != NULL && y != NULL && equal(x, y));
      Py_DECREF(x);
      Py_DECREF(y);
      Py_DECREF(k);
    }
    PyObject* k = PyLong_FromSsize_t(n);
    CHECK(PyObject_GetItem(thirds, k) == NULL);
    CHECK(PyErr_ExceptionMatches(PyExc_IndexError));
    PyErr_Clear();
    CHECK(PyObject_GetItem(list, k) == NULL);
    ext_test_expect_error(PyExc_IndexError, "list index out of range");
    Py_DECREF(k);
    Py_DECREF(thirds);
    Py_DECREF(list);
    Py_DECREF(tuple);
    Py_DECREF(str);
    Py_DECREF(bytes);
  }
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
/* The function behind the macro, called by address as old binaries do. */
static int (*const get_indices_ex_fn)(PyObject*, Py_ssize_t, Py_ssize_t*, Py_ssize_t*,
                                      Py_ssize_t*, Py_ssize_t*) = PySlice_GetIndicesEx;
#pragma GCC diagnostic pop

static void test_slice_api(void) {
  /* PySlice_New: NULL stands for None. */
  PyObject* five = PyLong_FromLong(5);
  PyObject* s = PySlice_New(NULL, five, NULL);
  CHECK(s != NULL && PySlice_Check(s) && !PySlice_Check(five));
  CHECK(Py_TYPE(s) == &PySlice_Type);
  PySliceObject* so = (PySliceObject*)s;
  CHECK(so->start == Py_None && so->stop == five && so->step == Py_None);
  PyObject* repr = PyObject_Repr(s);
  CHECK(repr != NULL && strcmp(PyUnicode_AsUTF8(repr), "slice(None, 5, None)") == 0);
  Py_DECREF(repr);
  CHECK(PyObject_Hash(s) == -1);
  ext_test_expect_error(PyExc_TypeError, "unhashable type: 'slice'");
  /* Ellipsis. */
  CHECK(Py_Ellipsis == &_Py_EllipsisObject);
  CHECK(Py_TYPE(Py_Ellipsis) == &PyEllipsis_Type);
  repr = PyObject_Repr(Py_Ellipsis);
  CHECK(repr != NULL && strcmp(PyUnicode_AsUTF8(repr), "Ellipsis") == 0);
  Py_DECREF(repr);

  Py_ssize_t start, stop, step, count;
  /* PySlice_GetIndices: the old rules. */
  CHECK(PySlice_GetIndices(s, 10, &start, &stop, &step) == 0);
  CHECK(start == 0 && stop == 5 && step == 1);
  PyObject* m2 = PyLong_FromLong(-2);
  PyObject* m1 = PyLong_FromLong(-1);
  PyObject* s2 = PySlice_New(m2, NULL, m1);
  CHECK(PySlice_GetIndices(s2, 10, &start, &stop, &step) == 0);
  CHECK(start == 8 && stop == -1 && step == -1);
  CHECK(PySlice_GetIndices(s, 3, &start, &stop, &step) == -1); /* stop 5 > 3 */
  CHECK(PyErr_Occurred() == NULL);
  PyObject* a = PyUnicode_FromString("a");
  PyObject* bad = PySlice_New(a, NULL, NULL);
  CHECK(PySlice_GetIndices(bad, 10, &start, &stop, &step) == -1);
  CHECK(PyErr_Occurred() == NULL);

  /* PySlice_Unpack and its errors. */
  CHECK(PySlice_Unpack(s2, &start, &stop, &step) == 0);
  CHECK(start == -2 && stop == PY_SSIZE_T_MIN && step == -1);
  CHECK_EQ_LL(PySlice_AdjustIndices(10, &start, &stop, step), 9);
  CHECK(start == 8 && stop == -1);
  CHECK(PySlice_Unpack(bad, &start, &stop, &step) == -1);
  ext_test_expect_error(PyExc_TypeError,
                        "slice indices must be integers or None or have an __index__ method");
  PyObject* zero = PyLong_FromLong(0);
  PyObject* zs = PySlice_New(NULL, NULL, zero);
  CHECK(PySlice_Unpack(zs, &start, &stop, &step) == -1);
  ext_test_expect_error(PyExc_ValueError, "slice step cannot be zero");
  count = 99;
  CHECK(PySlice_GetIndicesEx(zs, 10, &start, &stop, &step, &count) == -1);
  CHECK(count == 0);
  ext_test_expect_error(PyExc_ValueError, "slice step cannot be zero");
  CHECK(get_indices_ex_fn(s2, 4, &start, &stop, &step, &count) == 0);
  CHECK(start == 2 && stop == -1 && step == -1 && count == 3);
  count = 99;
  CHECK(get_indices_ex_fn(zs, 4, &start, &stop, &step, &count) == -1);
  CHECK(count == 0);
  ext_test_expect_error(PyExc_ValueError, "slice step cannot be zero");
  CHECK(PySlice_Unpack(five, &start, &stop, &step) == -1); /* not a slice */
  CHECK(PyErr_ExceptionMatches(PyExc_SystemError));
  PyErr_Clear();

  /* Slices compare by value. */
  PyObject* s_again = PySlice_New(Py_None, five, Py_None);
  CHECK(PyObject_RichCompareBool(s, s_again, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(s, s2, Py_EQ) == 0);
  Py_DECREF(s_again);

  Py_DECREF(zs);
  Py_DECREF(zero);
  Py_DECREF(bad);
  Py_DECREF(a);
  Py_DECREF(s2);
  Py_DECREF(m1);
  Py_DECREF(m2);
  Py_DECREF(s);
  Py_DECREF(five);
}

static void expect_repr(PyObject* o, const char* want) {
  CHECK(o != NULL);
  PyObject* r = PyObject_Repr(o);
  CHECK(r != NULL);
  if (strcmp(PyUnicode_AsUTF8(r), want) != 0) {
    fprintf(stderr, "repr '%s', expected '%s'\n", PyUnicode_AsUTF8(r), want);
    abort();
  }
  Py_DECREF(r);
}

/* The same for a new reference (a call's result), which it drops. */
static void expect_new_repr(PyObject* o, const char* want) {
  expect_repr(o, want);
  Py_DECREF(o);
}

static void test_sequence_api(void) {
  PyObject* list = int_list(5, 1); /* [0, 1, 2, 3, 4] */
  PyObject* tuple = PySequence_Tuple(list);
  PyObject* str = PyUnicode_FromString("banana");
  PyObject* bytes = PyBytes_FromStringAndSize("abc", 3);
  PyObject* dict = PyDict_New();
  PyObject* num = PyLong_FromLong(7);
  PyObject* x = PyUnicode_FromString("x");
  CHECK(tuple != NULL && str != NULL && bytes != NULL && dict != NULL);

  /* PySequence_SetItem / DelItem. */
  CHECK(PySequence_SetItem(list, -1, x) == 0);
  CHECK(PySequence_SetItem(list, 0, num) == 0);
  expect_repr(list, "[7, 1, 2, 3, 'x']");
  CHECK(PySequence_SetItem(list, 5, x) == -1);
  ext_test_expect_error(PyExc_IndexError, "list assignment index out of range");
  CHECK(PySequence_SetItem(list, -6, x) == -1);
  ext_test_expect_error(PyExc_IndexError, "list assignment index out of range");
  CHECK(PySequence_SetItem(num, 0, x) == -1);
  ext_test_expect_error(PyExc_TypeError, "'int' object does not support item assignment");
  CHECK(PySequence_SetItem(tuple, 0, x) == -1);
  ext_test_expect_error(PyExc_TypeError, "'tuple' object does not support item assignment");
  CHECK(PySequence_SetItem(dict, 0, x) == -1);
  ext_test_expect_error(PyExc_TypeError, "dict is not a sequence");
  CHECK(PySequence_SetItem(NULL, 0, x) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PySequence_DelItem(list, -1) == 0);
  CHECK(PySequence_DelItem(list, 1) == 0);
  expect_repr(list, "[7, 2, 3]");
  CHECK(PySequence_DelItem(list, 3) == -1);
  ext_test_expect_error(PyExc_IndexError, "list assignment index out of range");
  CHECK(PySequence_DelItem(str, 0) == -1);
  ext_test_expect_error(PyExc_TypeError, "'str' object doesn't support item deletion");
  CHECK(PySequence_DelItem(NULL, 0) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* PySequence_GetSlice / SetSlice / DelSlice. */
  expect_new_repr(PySequence_GetSlice(tuple, 1, 3), "(1, 2)");
  expect_new_repr(PySequence_GetSlice(tuple, -2, 100), "(3, 4)");
  expect_new_repr(PySequence_GetSlice(str, 1, 4), "'ana'");
  expect_new_repr(PySequence_GetSlice(bytes, 0, 2), "b'ab'");
  expect_new_repr(PySequence_GetSlice(list, 0, PY_SSIZE_T_MAX), "[7, 2, 3]");
  CHECK(PySequence_GetSlice(num, 0, 1) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'int' object is unsliceable");
  CHECK(PySequence_GetSlice(NULL, 0, 1) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PySequence_SetSlice(list, 1, 2, tuple) == 0);
  expect_repr(list, "[7, 0, 1, 2, 3, 4, 3]");
  CHECK(PySequence_SetSlice(list, 0, 1, str) == 0); /* any iterable */
  expect_repr(list, "['b', 'a', 'n', 'a', 'n', 'a', 0, 1, 2, 3, 4, 3]");
  CHECK(PySequence_DelSlice(list, 0, 6) == 0);
  expect_repr(list, "[0, 1, 2, 3, 4, 3]");
  CHECK(PySequence_DelSlice(list, -1, PY_SSIZE_T_MAX) == 0);
  expect_repr(list, "[0, 1, 2, 3, 4]");
  CHECK(PySequence_SetSlice(list, 0, 1, num) == -1);
  ext_test_expect_error(PyExc_TypeError, "can only assign an iterable");
  CHECK(PySequence_SetSlice(tuple, 0, 1, list) == -1);
  ext_test_expect_error(PyExc_TypeError, "'tuple' object doesn't support slice assignment");
  CHECK(PySequence_DelSlice(str, 0, 1) == -1);
  ext_test_expect_error(PyExc_TypeError, "'str' object doesn't support slice deletion");

  /* PySequence_Index / Count. */
  PyObject* three = PyLong_FromLong(3);
  PyObject* a = PyUnicode_FromString("a");
  CHECK_EQ_LL(PySequence_Index(list, three), 3);
  CHECK_EQ_LL(PySequence_Index(tuple, three), 3);
  CHECK_EQ_LL(PySequence_Index(str, a), 1);
  CHECK_EQ_LL(PySequence_Count(str, a), 3);
  CHECK_EQ_LL(PySequence_Count(list, x), 0);
  CHECK(PySequence_Index(list, x) == -1);
  ext_test_expect_error(PyExc_ValueError, "sequence.index(x): x not in sequence");
  CHECK(PySequence_Count(num, x) == -1);
  ext_test_expect_error(PyExc_TypeError, "argument of type 'int' is not iterable");
  CHECK(PySequence_Index(NULL, x) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* PySequence_Concat / Repeat. */
  expect_new_repr(PySequence_Concat(list, list), "[0, 1, 2, 3, 4, 0, 1, 2, 3, 4]");
  expect_new_repr(PySequence_Concat(tuple, tuple), "(0, 1, 2, 3, 4, 0, 1, 2, 3, 4)");
  expect_new_repr(PySequence_Concat(str, a), "'bananaa'");
  expect_new_repr(PySequence_Concat(bytes, bytes), "b'abcabc'");
  CHECK(PySequence_Concat(list, tuple) == NULL);
  ext_test_expect_error(PyExc_TypeError, "can only concatenate list (not \"tuple\") to list");
  CHECK(PySequence_Concat(tuple, list) == NULL);
  ext_test_expect_error(PyExc_TypeError, "can only concatenate tuple (not \"list\") to tuple");
  CHECK(PySequence_Concat(str, num) == NULL);
  ext_test_expect_error(PyExc_TypeError, "can only concatenate str (not \"int\") to str");
  CHECK(PySequence_Concat(num, num) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'int' object can't be concatenated");
  CHECK(PySequence_Concat(list, NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  expect_new_repr(PySequence_Repeat(a, 3), "'aaa'");
  expect_new_repr(PySequence_Repeat(bytes, 2), "b'abcabc'");
  expect_new_repr(PySequence_Repeat(tuple, 0), "()");
  expect_new_repr(PySequence_Repeat(list, -1), "[]");
  PyObject* pair = PySequence_GetSlice(list, 0, 2);
  expect_new_repr(PySequence_Repeat(pair, 3), "[0, 1, 0, 1, 0, 1]");
  /* Too long to exist: refused before anything is allocated. */
  CHECK(PySequence_Repeat(list, PY_SSIZE_T_MAX / 4) == NULL);
  ext_test_expect_error(PyExc_MemoryError, NULL);
  CHECK(PySequence_Repeat(str, PY_SSIZE_T_MAX / 2) == NULL);
  ext_test_expect_error(PyExc_OverflowError, "repeated string is too long");
  CHECK(PySequence_Repeat(bytes, PY_SSIZE_T_MAX / 2) == NULL);
  ext_test_expect_error(PyExc_OverflowError, "repeated bytes are too long");
  CHECK(PySequence_Repeat(num, 2) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'int' object can't be repeated");

  /* In place: a list changes itself (and comes back), a tuple makes a new
   * one; += takes any iterable on a list, as list.extend. */
  {
    PyObject* l = PySequence_GetSlice(list, 0, 2); /* [0, 1] */
    PyObject* r = PySequence_InPlaceConcat(l, tuple);
    CHECK(r == l);
    Py_DECREF(r);
    expect_repr(l, "[0, 1, 0, 1, 2, 3, 4]");
    r = PySequence_InPlaceConcat(l, a); /* a str is iterable */
    CHECK(r == l);
    Py_DECREF(r);
    CHECK_EQ_LL(PyList_GET_SIZE(l), 8);
    CHECK(PySequence_DelSlice(l, 2, 8) == 0);
    r = PySequence_InPlaceRepeat(l, 3);
    CHECK(r == l);
    Py_DECREF(r);
    expect_repr(l, "[0, 1, 0, 1, 0, 1]");
    r = PyNumber_InPlaceMultiply(l, PyLong_FromLong(1)); /* the int is immortal */
    CHECK(r == l);
    Py_DECREF(r);
    r = PyNumber_InPlaceAdd(l, l); /* extends by a snapshot of itself */
    CHECK(r == l);
    Py_DECREF(r);
    CHECK_EQ_LL(PyList_GET_SIZE(l), 12);
    r = PySequence_InPlaceRepeat(l, 0);
    CHECK(r == l);
    Py_DECREF(r);
    CHECK_EQ_LL(PyList_GET_SIZE(l), 0);
    CHECK(PySequence_InPlaceConcat(l, num) == NULL);
    ext_test_expect_error(PyExc_TypeError, "'int' object is not iterable");
    CHECK(PySequence_InPlaceRepeat(pair, PY_SSIZE_T_MAX / 4) == NULL);
    ext_test_expect_error(PyExc_MemoryError, NULL);
    expect_repr(pair, "[0, 1]"); /* unchanged */
    PyObject* t = PySequence_InPlaceConcat(tuple, tuple);
    CHECK(t != NULL && t != tuple);
    expect_new_repr(t, "(0, 1, 2, 3, 4, 0, 1, 2, 3, 4)");
    t = PySequence_InPlaceRepeat(tuple, 2);
    CHECK(t != NULL && t != tuple);
    Py_DECREF(t);
    CHECK(PySequence_InPlaceConcat(num, num) == NULL);
    ext_test_expect_error(PyExc_TypeError, "'int' object can't be concatenated");
    CHECK(PySequence_InPlaceRepeat(num, 2) == NULL);
    ext_test_expect_error(PyExc_TypeError, "'int' object can't be repeated");
    CHECK(PySequence_InPlaceConcat(NULL, l) == NULL);
    ext_test_expect_error(PyExc_SystemError, NULL);
    Py_DECREF(l);
  }

  /* PySequence_Length, PySequence_In (macros and functions), PySequence_ITEM. */
  CHECK_EQ_LL(PySequence_Length(str), 6);
  CHECK(PySequence_In(list, three) == 1);
  CHECK(PySequence_In(list, x) == 0);
#undef PySequence_Length
#undef PySequence_In
  CHECK_EQ_LL(PySequence_Length(list), 5);
  CHECK(PySequence_In(str, a) == 1);
  expect_new_repr(PySequence_ITEM(list, 4), "4");
  expect_new_repr(PySequence_ITEM(tuple, 0), "0");
  expect_new_repr(PySequence_ITEM(str, 5), "'a'");
  expect_new_repr(PySequence_ITEM(bytes, 1), "98");
  CHECK(PySequence_ITEM(tuple, 5) == NULL);
  ext_test_expect_error(PyExc_IndexError, "tuple index out of range");

  /* PyObject_SetItem / DelItem with slices, extended ones too. */
  PyObject* m1 = PyLong_FromLong(-1);
  PyObject* two = PyLong_FromLong(2);
  PyObject* rev = PySlice_New(NULL, NULL, m1);
  PyObject* evens = PySlice_New(NULL, NULL, two);
  CHECK(PyObject_SetItem(list, rev, list) == 0);
  expect_repr(list, "[4, 3, 2, 1, 0]");
  CHECK(PyObject_DelItem(list, evens) == 0);
  expect_repr(list, "[3, 1]");
  CHECK(PyObject_SetItem(list, evens, tuple) == -1);
  ext_test_expect_error(PyExc_ValueError,
                        "attempt to assign sequence of size 5 to extended slice of size 1");
  expect_new_repr(PyObject_GetItem(str, rev), "'ananab'");
  expect_new_repr(PyObject_GetItem(tuple, evens), "(0, 2, 4)");
  CHECK(PyObject_DelItem(tuple, evens) == -1);
  ext_test_expect_error(PyExc_TypeError, "'tuple' object does not support item deletion");
  CHECK(PyObject_GetItem(num, evens) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'int' object is not subscriptable");

  Py_DECREF(rev);
  Py_DECREF(evens);
  Py_DECREF(two);
  Py_DECREF(m1);
  Py_DECREF(pair);
  Py_DECREF(a);
  Py_DECREF(three);
  Py_DECREF(x);
  Py_DECREF(num);
  Py_DECREF(dict);
  Py_DECREF(bytes);
  Py_DECREF(str);
  Py_DECREF(tuple);
  Py_DECREF(list);
}

/* ---- threads ----------------------------------------------------------------
 * g_shared holds kPairs pairs (items 2k and 2k + 1 equal). Writers replace a
 * whole pair in one call; readers check every slice shows whole pairs. */
enum { kThreads = 6, kPairs = 16 };
static PyObject* g_shared;
static atomic_long g_bad;
static atomic_int g_writing;

static void* slice_thread(void* arg) {
  unsigned rng = (unsigned)(uintptr_t)arg;
  const int writer = (int)(rng % kThreads) < 2;
  PyGILState_STATE g = PyGILState_Ensure();
  const long rounds = ext_test_scaled(3000, 300);
  if (writer) {
    for (long r = 0; r < rounds; r++) {
      Py_ssize_t p = (Py_ssize_t)(ext_test_next_random(&rng) % kPairs);
      PyObject* v = PyLong_FromLong(1000000 + (long)ext_test_next_random(&rng));
      PyObject* both = PyTuple_Pack(2, v, v);
      CHECK(both != NULL);
      int rc;
      if (r % 2 == 0) {
        rc = PySequence_SetSlice(g_shared, 2 * p, 2 * p + 2, both);
      } else {
        /* The same pair backwards: [2p+1:2p-1:-1] (or [1::-1]). */
        PyObject* hi = PyLong_FromSsize_t(2 * p + 1);
        PyObject* lo = p == 0 ? Py_NewRef(Py_None) : PyLong_FromSsize_t(2 * p - 1);
        PyObject* m1 = PyLong_FromLong(-1);
        PyObject* s = PySlice_New(hi, lo, m1);
        rc = PyObject_SetItem(g_shared, s, both);
        Py_DECREF(s);
        Py_DECREF(m1);
        Py_DECREF(lo);
        Py_DECREF(hi);
      }
      if (rc != 0) atomic_fetch_add_explicit(&g_bad, 1, memory_order_relaxed);
      Py_DECREF(both);
      Py_DECREF(v);
    }
    atomic_fetch_sub_explicit(&g_writing, 1, memory_order_release);
  } else {
    for (long r = 0; r < 20 || atomic_load_explicit(&g_writing, memory_order_acquire) > 0; r++) {
      PyObject* got;
      if (r % 2 == 0) {
        got = PySequence_GetSlice(g_shared, 0, PY_SSIZE_T_MAX);
      } else {
        PyObject* m1 = PyLong_FromLong(-1);
        PyObject* s = PySlice_New(NULL, NULL, m1);
        got = PyObject_GetItem(g_shared, s);
        Py_DECREF(s);
        Py_DECREF(m1);
      }
      if (got == NULL || PyList_Size(got) != 2 * kPairs) {
        atomic_fetch_add_explicit(&g_bad, 1, memory_order_relaxed);
        PyErr_Clear();
        Py_XDECREF(got);
        continue;
      }
      /* The slice is ours alone: the macros are safe on it. */
      for (Py_ssize_t i = 0; i < 2 * kPairs; i += 2) {
        if (PyLong_AsLong(PyList_GET_ITEM(got, i)) != PyLong_AsLong(PyList_GET_ITEM(got, i + 1))) {
          atomic_fetch_add_explicit(&g_bad, 1, memory_order_relaxed);
        }
      }
      Py_DECREF(got);
    }
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_threads(unsigned seed) {
  g_shared = int_list(2 * kPairs, 0); /* all zeros: pairs */
  atomic_store_explicit(&g_bad, 0, memory_order_relaxed);
  atomic_store_explicit(&g_writing, 2, memory_order_relaxed);
  /* Thread i gets seed + i: two of each kThreads consecutive are writers. */
  unsigned base = seed - seed % kThreads;
  ext_test_run_threads(kThreads, slice_thread, base);
  /* The threads have been joined: relaxed suffices. */
  CHECK_EQ_LL(atomic_load_explicit(&g_bad, memory_order_relaxed), 0);
  CHECK_EQ_LL(PyList_Size(g_shared), 2 * kPairs);
  Py_CLEAR(g_shared);
}

int main(void) {
  Py_Initialize();
  const unsigned seed = ext_test_seed();
  test_slice_api();
  test_sequence_api();
  test_extension_subscript(seed);
  test_threads(seed);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_slice_test: OK\n");
  return 0;
}
