/* The number protocol from C, as an extension uses it.
 *
 *   - int and float through PyNumber_*: Python's results (floor division
 *     and modulo toward negative infinity, true division, divmod, pow with
 *     and without a modulus, shifts, bitwise operators, bools), mixed int
 *     and float operands, and CPython's exceptions and messages for
 *     division by zero, negative shifts, unsupported operand types;
 *   - a static PyTypeObject with a static PyNumberMethods, written the way
 *     extensions write them (positional initializers, PyType_Ready): a 2-D
 *     vector whose nb_add, nb_subtract, nb_multiply (vector * number in
 *     either order), nb_negative, nb_bool and nb_inplace_add are called by
 *     PyNumber_* with either operand first, answer Py_NotImplemented for
 *     pairs they do not handle, and raise their own errors;
 *   - PyNumber_Index / Long / Float / AsSsize_t, PyNumber_Check and
 *     PyIndex_Check, through nb_index, nb_int and nb_float, and from str;
 *   - PyLong_AsNativeBytes / FromNativeBytes / FromUnsignedNativeBytes:
 *     bytes written and sizes returned as CPython 3.13.0 gives them (read
 *     off it through ctypes), for each flag, and its errors;
 *   - kThreads threads (more than the machine's cores) add shared vectors
 *     and ints and accumulate into their own vector with the in-place
 *     operator, with random yields from a per-thread seed (run under TSan
 *     too): the totals are exact; nothing leaks after Py_FinalizeEx. */
#include "Python.h" /* first, as CPython asks: it sets the feature macros */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 6 };

/* ---- a 2-D vector type ----------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  double x, y;
} Vec;

static PyTypeObject VecType;

static PyObject* vec_new_xy(double x, double y) {
  Vec* v = PyObject_New(Vec, &VecType);
  if (v == NULL) return NULL;
  v->x = x;
  v->y = y;
  return (PyObject*)v;
}

static void vec_dealloc(PyObject* self) { PyObject_Free(self); }

/* A scalar operand: an int or a float. */
static int as_scalar(PyObject* o, double* out) {
  if (PyFloat_Check(o)) {
    *out = PyFloat_AsDouble(o);
    return 1;
  }
  if (PyLong_Check(o)) {
    *out = (double)PyLong_AsLongLong(o);
    return 1;
  }
  return 0;
}

static PyObject* vec_add(PyObject* a, PyObject* b) {
  if (!PyObject_TypeCheck(a, &VecType) || !PyObject_TypeCheck(b, &VecType)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  const Vec* va = (const Vec*)a;
  const Vec* vb = (const Vec*)b;
  return vec_new_xy(va->x + vb->x, va->y + vb->y);
}

/* Subtracting is refused with an exception of the type's own choosing. */
static PyObject* vec_subtract(PyObject* a, PyObject* b) {
  (void)a, (void)b;
  PyErr_SetString(PyExc_ArithmeticError, "Vec subtraction is not defined here");
  return NULL;
}

/* Vec * number and number * Vec: the slot is called with the operands in
 * their order, whichever is the Vec. */
static PyObject* vec_multiply(PyObject* a, PyObject* b) {
  double k;
  if (PyObject_TypeCheck(a, &VecType) && as_scalar(b, &k)) {
    return vec_new_xy(((Vec*)a)->x * k, ((Vec*)a)->y * k);
  }
  if (PyObject_TypeCheck(b, &VecType) && as_scalar(a, &k)) {
    return vec_new_xy(((Vec*)b)->x * k, ((Vec*)b)->y * k);
  }
  Py_RETURN_NOTIMPLEMENTED;
}

static PyObject* vec_negative(PyObject* a) { return vec_new_xy(-((Vec*)a)->x, -((Vec*)a)->y); }

static int vec_bool(PyObject* a) { return ((Vec*)a)->x != 0.0 || ((Vec*)a)->y != 0.0; }

/* v += int: a new Vec moved along x (the left operand is not mutated:
 * vectors are shared between threads). */
static PyObject* vec_inplace_add(PyObject* a, PyObject* b) {
  if (!PyLong_Check(b)) Py_RETURN_NOTIMPLEMENTED;
  return vec_new_xy(((Vec*)a)->x + (double)PyLong_AsLongLong(b), ((Vec*)a)->y);
}

static PyNumberMethods vec_as_number = {
    vec_add,          /* nb_add */
    vec_subtract,     /* nb_subtract */
    vec_multiply,     /* nb_multiply */
    0,                /* nb_remainder */
    0,                /* nb_divmod */
    0,                /* nb_power */
    vec_negative,     /* nb_negative */
    0,                /* nb_positive */
    0,                /* nb_absolute */
    vec_bool,         /* nb_bool */
    0,                /* nb_invert */
    0,                /* nb_lshift */
    0,                /* nb_rshift */
    0,                /* nb_and */
    0,                /* nb_xor */
    0,                /* nb_or */
    0,                /* nb_int */
    0,                /* nb_reserved */
    0,                /* nb_float */
    vec_inplace_add,  /* nb_inplace_add */
};

static PyTypeObject VecType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "numtest.Vec", /* tp_name */
    sizeof(Vec),   /* tp_basicsize */
    0,             /* tp_itemsize */
    vec_dealloc,   /* tp_dealloc */
    0,             /* tp_vectorcall_offset */
    0,             /* tp_getattr */
    0,             /* tp_setattr */
    0,             /* tp_as_async */
    0,             /* tp_repr */
    &vec_as_number, /* tp_as_number */
    0,             /* tp_as_sequence */
    0,             /* tp_as_mapping */
    0,             /* tp_hash */
    0,             /* tp_call */
    0,             /* tp_str */
    0,             /* tp_getattro */
    0,             /* tp_setattro */
    0,             /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT, /* tp_flags */
};

/* ---- an index type (nb_index only) ------------------------------------------ */

typedef struct {
  PyObject_HEAD
  long long value;
} Idx;

static PyObject* idx_index(PyObject* self) { return PyLong_FromLongLong(((Idx*)self)->value); }

static PyNumberMethods idx_as_number = {.nb_index = idx_index};

static PyTypeObject IdxType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "numtest.Idx",
    .tp_basicsize = sizeof(Idx),
    .tp_dealloc = vec_dealloc,
    .tp_as_number = &idx_as_number,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

/* ---- helpers ------------------------------------------------------------------ */

static long long take_ll(PyObject* o) {
  if (o == NULL) ext_test_die_with_error("number operation");
  CHECK(PyLong_CheckExact(o) || PyBool_Check(o));
  long long v = PyLong_AsLongLong(o);
  Py_DECREF(o);
  return v;
}

static double take_d(PyObject* o) {
  if (o == NULL) ext_test_die_with_error("number operation");
  CHECK(PyFloat_Check(o));
  double v = PyFloat_AsDouble(o);
  Py_DECREF(o);
  return v;
}

static void take_vec(PyObject* o, double x, double y) {
  if (o == NULL) ext_test_die_with_error("vector operation");
  CHECK(Py_IS_TYPE(o, &VecType));
  CHECK(((Vec*)o)->x == x && ((Vec*)o)->y == y);
  Py_DECREF(o);
}

/* ---- the tests ------------------------------------------------------------------- */

static void test_ints_and_floats(void) {
  PyObject* m7 = PyLong_FromLong(-7);
  PyObject* two = PyLong_FromLong(2);
  PyObject* zero = PyLong_FromLong(0);
  PyObject* half = PyFloat_FromDouble(0.5);
  PyObject* fm7 = PyFloat_FromDouble(-7.0);
  CHECK_EQ_LL(take_ll(PyNumber_Add(m7, two)), -5);
  CHECK_EQ_LL(take_ll(PyNumber_Subtract(m7, two)), -9);
  CHECK_EQ_LL(take_ll(PyNumber_Multiply(m7, two)), -14);
  CHECK_EQ_LL(take_ll(PyNumber_FloorDivide(m7, two)), -4);
  CHECK_EQ_LL(take_ll(PyNumber_Remainder(m7, two)), 1);
  CHECK(take_d(PyNumber_TrueDivide(m7, two)) == -3.5);
  CHECK_EQ_LL(take_ll(PyNumber_Lshift(m7, two)), -28);
  CHECK_EQ_LL(take_ll(PyNumber_Rshift(m7, two)), -2);
  CHECK_EQ_LL(take_ll(PyNumber_And(m7, two)), 0);
  CHECK_EQ_LL(take_ll(PyNumber_Or(m7, two)), -5);
  CHECK_EQ_LL(take_ll(PyNumber_Xor(m7, two)), -5);
  CHECK_EQ_LL(take_ll(PyNumber_Negative(m7)), 7);
  CHECK_EQ_LL(take_ll(PyNumber_Positive(m7)), -7);
  CHECK_EQ_LL(take_ll(PyNumber_Absolute(m7)), 7);
  CHECK_EQ_LL(take_ll(PyNumber_Invert(m7)), 6);
  PyObject* dm = PyNumber_Divmod(m7, two);
  CHECK(dm != NULL && PyTuple_Check(dm) && PyTuple_GET_SIZE(dm) == 2);
  CHECK_EQ_LL(PyLong_AsLongLong(PyTuple_GET_ITEM(dm, 0)), -4);
  CHECK_EQ_LL(PyLong_AsLongLong(PyTuple_GET_ITEM(dm, 1)), 1);
  Py_DECREF(dm);
  PyObject* ten = PyLong_FromLong(10);
  PyObject* thirteen = PyLong_FromLong(13);
  CHECK_EQ_LL(take_ll(PyNumber_Power(two, ten, Py_None)), 1024);
  CHECK_EQ_LL(take_ll(PyNumber_Power(two, ten, thirteen)), 1024 % 13);
  CHECK_EQ_LL(take_ll(PyNumber_InPlacePower(two, ten, Py_None)), 1024);
  Py_DECREF(ten);
  Py_DECREF(thirteen);
  /* Mixed operands: float's slot takes the reflected turn. */
  CHECK(take_d(PyNumber_Add(two, half)) == 2.5);
  CHECK(take_d(PyNumber_Multiply(half, two)) == 1.0);
  CHECK(take_d(PyNumber_FloorDivide(fm7, two)) == -4.0);
  CHECK(take_d(PyNumber_Remainder(fm7, two)) == 1.0);
  CHECK(take_d(PyNumber_Power(two, half, Py_None)) == sqrt(2.0));
  CHECK_EQ_LL(take_ll(PyNumber_InPlaceAdd(m7, two)), -5);
  /* bool & bool is a bool; bool + bool an int. */
  PyObject* t = PyNumber_And(Py_True, Py_False);
  CHECK(t == Py_False);
  Py_DECREF(t);
  CHECK_EQ_LL(take_ll(PyNumber_Add(Py_True, Py_True)), 2);

  CHECK(PyNumber_FloorDivide(m7, zero) == NULL);
  ext_test_expect_error(PyExc_ZeroDivisionError, "integer division or modulo by zero");
  CHECK(PyNumber_Remainder(m7, zero) == NULL);
  ext_test_expect_error(PyExc_ZeroDivisionError, "integer modulo by zero");
  CHECK(PyNumber_TrueDivide(m7, zero) == NULL);
  ext_test_expect_error(PyExc_ZeroDivisionError, "division by zero");
  CHECK(PyNumber_TrueDivide(half, zero) == NULL);
  ext_test_expect_error(PyExc_ZeroDivisionError, "float division by zero");
  CHECK(PyNumber_Lshift(two, m7) == NULL);
  ext_test_expect_error(PyExc_ValueError, "negative shift count");
  CHECK(PyNumber_Power(two, two, zero) == NULL);
  ext_test_expect_error(PyExc_ValueError, "pow() 3rd argument cannot be 0");
  PyObject* s = PyUnicode_FromString("s");
  CHECK(PyNumber_Add(two, s) == NULL);
  ext_test_expect_error(PyExc_TypeError, "unsupported operand type(s) for +: 'int' and 'str'");
  CHECK(PyNumber_InPlaceOr(two, s) == NULL);
  ext_test_expect_error(PyExc_TypeError, "unsupported operand type(s) for |=: 'int' and 'str'");
  CHECK(PyNumber_Negative(s) == NULL);
  ext_test_expect_error(PyExc_TypeError, "bad operand type for unary -: 'str'");
  CHECK(PyNumber_Power(two, two, s) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "unsupported operand type(s) for ** or pow(): 'int', 'int', 'str'");
  CHECK(PyNumber_Add(NULL, two) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  PyObject* big = PyLong_FromLongLong(INT64_MAX);
  PyObject* past = PyNumber_Add(two, big);  /* a big int, as in CPython */
  CHECK(past != NULL);
  CHECK(PyLong_AsUnsignedLongLong(past) == 9223372036854775809ULL);
  Py_DECREF(past);
  Py_DECREF(big);
  Py_DECREF(s);
  Py_DECREF(m7);
  Py_DECREF(two);
  Py_DECREF(zero);
  Py_DECREF(half);
  Py_DECREF(fm7);
}

static void test_vector_type(void) {
  PyObject* a = vec_new_xy(1, 2);
  PyObject* b = vec_new_xy(10, 20);
  PyObject* three = PyLong_FromLong(3);
  PyObject* half = PyFloat_FromDouble(0.5);
  take_vec(PyNumber_Add(a, b), 11, 22);
  take_vec(PyNumber_Multiply(a, three), 3, 6);
  take_vec(PyNumber_Multiply(three, a), 3, 6);  /* int declines; Vec's turn */
  take_vec(PyNumber_Multiply(half, b), 5, 10);  /* so does float */
  take_vec(PyNumber_Negative(a), -1, -2);
  take_vec(PyNumber_InPlaceAdd(a, three), 4, 2);  /* nb_inplace_add */
  take_vec(PyNumber_InPlaceAdd(a, b), 11, 22);    /* falls back to nb_add */
  CHECK(PyNumber_Check(a) == 0);  /* no __index__, __int__ or __float__ */
  CHECK(PyObject_IsTrue(a) == 1);
  PyObject* z = vec_new_xy(0, 0);
  CHECK(PyObject_IsTrue(z) == 0);
  Py_DECREF(z);

  CHECK(PyNumber_Subtract(a, b) == NULL);
  ext_test_expect_error(PyExc_ArithmeticError, "Vec subtraction is not defined here");
  CHECK(PyNumber_Add(a, three) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "unsupported operand type(s) for +: 'numtest.Vec' and 'int'");
  CHECK(PyNumber_Multiply(a, b) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "unsupported operand type(s) for *: 'numtest.Vec' and 'numtest.Vec'");
  CHECK(PyNumber_Invert(a) == NULL);
  ext_test_expect_error(PyExc_TypeError, "bad operand type for unary ~: 'numtest.Vec'");
  Py_DECREF(a);
  Py_DECREF(b);
  Py_DECREF(three);
  Py_DECREF(half);
}

static void test_conversions(void) {
  Idx* i = PyObject_New(Idx, &IdxType);
  CHECK(i != NULL);
  i->value = 42;
  PyObject* idx = (PyObject*)i;
  CHECK(PyIndex_Check(idx) == 1);
  CHECK(PyNumber_Check(idx) == 1);
  CHECK_EQ_LL(take_ll(PyNumber_Index(idx)), 42);
  CHECK_EQ_LL(take_ll(PyNumber_Long(idx)), 42);
  CHECK(take_d(PyNumber_Float(idx)) == 42.0);
  CHECK_EQ_LL(PyNumber_AsSsize_t(idx, PyExc_OverflowError), 42);
  /* __index__ does not make Idx an operand of int's arithmetic. */
  PyObject* two = PyLong_FromLong(2);
  CHECK(PyNumber_Multiply(two, idx) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "unsupported operand type(s) for *: 'int' and 'numtest.Idx'");
  Py_DECREF(idx);

  PyObject* f = PyFloat_FromDouble(-2.75);
  CHECK_EQ_LL(take_ll(PyNumber_Long(f)), -2);
  CHECK(PyIndex_Check(f) == 0);
  CHECK(PyNumber_Check(f) == 1);
  CHECK(PyNumber_Index(f) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'float' object cannot be interpreted as an integer");
  CHECK(take_d(PyNumber_Float(two)) == 2.0);
  Py_DECREF(f);
  Py_DECREF(two);

  PyObject* s = PyUnicode_FromString(" 123 ");
  CHECK_EQ_LL(take_ll(PyNumber_Long(s)), 123);
  Py_DECREF(s);
  s = PyUnicode_FromString("12x");
  CHECK(PyNumber_Long(s) == NULL);
  ext_test_expect_error(PyExc_ValueError, "invalid literal for int() with base 10: '12x'");
  Py_DECREF(s);
  s = PyUnicode_FromString("2.5");
  CHECK(take_d(PyNumber_Float(s)) == 2.5);
  Py_DECREF(s);
  CHECK(PyNumber_Long(Py_None) == NULL);
  ext_test_expect_error(
      PyExc_TypeError,
      "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'");
  CHECK(PyNumber_Check(Py_None) == 0);
  CHECK(PyNumber_Check(NULL) == 0);
}

/* ---- threads ------------------------------------------------------------------ */

static PyObject* g_unit_x;  /* Vec(1, 0) */
static PyObject* g_unit_y;  /* Vec(0, 1) */
static PyObject* g_ints[4];
static long g_ops;

static void* thread_main(void* arg) {
  unsigned state = (unsigned)(uintptr_t)arg;
  PyGILState_STATE gil = PyGILState_Ensure();
  PyObject* acc = vec_new_xy(0, 0);
  long long expect_x = 0, expect_y = 0, int_sum = 0;
  for (long i = 0; i < g_ops; i++) {
    const unsigned r = ext_test_next_random(&state);
    PyObject* next;
    switch (r % 3) {
      case 0:
        next = PyNumber_Add(acc, g_unit_x);
        expect_x += 1;
        break;
      case 1:
        next = PyNumber_Add(g_unit_y, acc);
        expect_y += 1;
        break;
      default: {
        PyObject* k = g_ints[(r >> 4) % 4];
        next = PyNumber_InPlaceAdd(acc, k);
        expect_x += PyLong_AsLongLong(k);
        PyObject* s = PyNumber_Add(k, k);
        int_sum += take_ll(s);
        break;
      }
    }
    if (next == NULL) ext_test_die_with_error("thread arithmetic");
    Py_DECREF(acc);
    acc = next;
    if ((r & 31) == 0) sched_yield();
  }
  CHECK(((Vec*)acc)->x == (double)expect_x && ((Vec*)acc)->y == (double)expect_y);
  CHECK(int_sum % 2 == 0);
  Py_DECREF(acc);
  PyGILState_Release(gil);
  return NULL;
}

/* One PyLong_AsNativeBytes case: value, flags, n, CPython 3.13.0's return
 * value and the bytes it wrote (as hex). */
typedef struct {
  long long value;
  int flags;
  Py_ssize_t n;
  Py_ssize_t want;
  const char* hex;
} NativeCase;

static void test_native_bytes(void) {
  static const NativeCase cases[] = {
      {0, -1, 1, 1, "00"},
      {127, -1, 1, 1, "7f"},
      {128, -1, 1, 1, "80"},
      {255, -1, 1, 1, "ff"},
      {256, -1, 1, 8, "00"},
      {-1, -1, 1, 1, "ff"},
      {-128, -1, 1, 1, "80"},
      {-129, -1, 1, 8, "7f"},
      {128, Py_ASNATIVEBYTES_BIG_ENDIAN, 1, 2, "80"},
      {128, Py_ASNATIVEBYTES_UNSIGNED_BUFFER, 1, 1, "80"},
      {255, Py_ASNATIVEBYTES_UNSIGNED_BUFFER, 1, 1, "ff"},
      {256, Py_ASNATIVEBYTES_UNSIGNED_BUFFER, 1, 8, "00"},
      {128, Py_ASNATIVEBYTES_LITTLE_ENDIAN, 1, 2, "80"},
      {0x1234, Py_ASNATIVEBYTES_BIG_ENDIAN, 2, 2, "1234"},
      {0x1234, Py_ASNATIVEBYTES_LITTLE_ENDIAN, 2, 2, "3412"},
      {0x1234, -1, 2, 2, "3412"},
      {0x8000, -1, 2, 2, "0080"},
      {0x8000, Py_ASNATIVEBYTES_LITTLE_ENDIAN, 2, 3, "0080"},
      {0x8000, Py_ASNATIVEBYTES_LITTLE_ENDIAN | Py_ASNATIVEBYTES_UNSIGNED_BUFFER, 2, 2, "0080"},
      {9223372036854775807LL, -1, 8, 8, "ffffffffffffff7f"},
      {-9223372036854775807LL - 1, -1, 8, 8, "0000000000000080"},
      {5, -1, 0, 8, ""},
      {-5, -1, 16, 8, "fbffffffffffffffffffffffffffffff"},
      {1LL << 40, -1, 4, 6, "00000000"},
      {1LL << 40, -1, 16, 6, "00000000000100000000000000000000"},
      {-300, Py_ASNATIVEBYTES_BIG_ENDIAN, 3, 3, "fffed4"},
      {1LL << 31, -1, 4, 4, "00000080"},
      {1LL << 31, Py_ASNATIVEBYTES_LITTLE_ENDIAN, 4, 5, "00000080"},
      {-(1LL << 31), Py_ASNATIVEBYTES_LITTLE_ENDIAN, 4, 4, "00000080"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const NativeCase* c = &cases[k];
    unsigned char buf[16];
    char hex[40] = "";
    memset(buf, 0xAA, sizeof buf);
    PyObject* v = PyLong_FromLongLong(c->value);
    CHECK(v != NULL);
    Py_ssize_t got = PyLong_AsNativeBytes(v, c->n > 0 ? buf : NULL, c->n, c->flags);
    for (Py_ssize_t i = 0; i < c->n; i++) snprintf(hex + 2 * i, 3, "%02x", buf[i]);
    if (got != c->want || strcmp(hex, c->hex) != 0) {
      fprintf(stderr, "AsNativeBytes(%lld, flags %d, n %zd): %zd \"%s\", CPython %zd \"%s\"\n",
              c->value, c->flags, c->n, got, hex, c->want, c->hex);
      abort();
    }
    if (c->n < (Py_ssize_t)sizeof buf) CHECK(buf[c->n] == 0xAA); /* nothing past n */
    Py_DECREF(v);
  }
  /* A bool is an int; other objects only with ALLOW_INDEX. */
  unsigned char b4[4];
  CHECK_EQ_LL(PyLong_AsNativeBytes(Py_True, b4, 4, -1), 4);
  CHECK(b4[0] == 1 && b4[1] == 0 && b4[2] == 0 && b4[3] == 0);
  PyObject* s = PyUnicode_FromString("x");
  CHECK_EQ_LL(PyLong_AsNativeBytes(s, NULL, 0, -1), -1);
  ext_test_expect_error(PyExc_TypeError, "expect int, got str");
  CHECK_EQ_LL(PyLong_AsNativeBytes(s, NULL, 0, Py_ASNATIVEBYTES_ALLOW_INDEX), -1);
  ext_test_expect_error(PyExc_TypeError, "'str' object cannot be interpreted as an integer");
  Py_DECREF(s);
  PyObject* minus = PyLong_FromLong(-1);
  CHECK_EQ_LL(PyLong_AsNativeBytes(minus, NULL, 0, Py_ASNATIVEBYTES_REJECT_NEGATIVE), -1);
  ext_test_expect_error(PyExc_ValueError, "Cannot convert negative int");
  CHECK_EQ_LL(PyLong_AsNativeBytes(minus, b4, -1, -1), -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(minus);

  /* Back from bytes (CPython 3.13.0's results). */
  static const struct {
    const char* bytes;
    size_t n;
    int flags;
    long long sgn, uns;
  } from[] = {
      {"\xff\x00", 2, -1, 255, 255},
      {"\xff\x00", 2, Py_ASNATIVEBYTES_BIG_ENDIAN, -256, 65280},
      {"\xff\x00", 2, Py_ASNATIVEBYTES_LITTLE_ENDIAN, 255, 255},
      {"\xff\xff", 2, -1, -1, 65535},
      {"\xff\xff", 2, Py_ASNATIVEBYTES_UNSIGNED_BUFFER, 65535, 65535},
      {"\x80", 1, -1, -128, 128},
      {"\x80", 1, Py_ASNATIVEBYTES_LITTLE_ENDIAN | Py_ASNATIVEBYTES_UNSIGNED_BUFFER, 128, 128},
  };
  for (size_t k = 0; k < sizeof from / sizeof from[0]; k++) {
    PyObject* a = PyLong_FromNativeBytes(from[k].bytes, from[k].n, from[k].flags);
    PyObject* u = PyLong_FromUnsignedNativeBytes(from[k].bytes, from[k].n, from[k].flags);
    CHECK(a != NULL && u != NULL);
    CHECK_EQ_LL(PyLong_AsLongLong(a), from[k].sgn);
    CHECK_EQ_LL(PyLong_AsLongLong(u), from[k].uns);
    Py_DECREF(a);
    Py_DECREF(u);
  }
  CHECK(PyLong_FromNativeBytes(NULL, 1, -1) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
}

/* str(o) == want, then drops o. */
static void expect_text(PyObject* o, const char* want) {
  CHECK(o != NULL);
  PyObject* t = PyObject_Str(o);
  CHECK(t != NULL);
  if (strcmp(PyUnicode_AsUTF8(t), want) != 0) {
    fprintf(stderr, "str: %s, expected %s\n", PyUnicode_AsUTF8(t), want);
    abort();
  }
  Py_DECREF(t);
  Py_DECREF(o);
}

/* Ints past 64 bits through the C API, with CPython 3.13.0's results
 * (read off it through ctypes). */
static void test_big_ints(void) {
  PyObject* two64 = PyLong_FromString("18446744073709551616", NULL, 10);
  CHECK(two64 != NULL);
  PyObject* m2_127 = PyLong_FromString("-0x8000_0000_0000_0000_0000_0000_0000_0000", NULL, 0);
  CHECK(m2_127 != NULL);
  expect_text(PyNumber_Multiply(two64, two64), "340282366920938463463374607431768211456");
  expect_text(PyLong_FromUnsignedLongLong(18446744073709551615ULL), "18446744073709551615");
  expect_text(PyNumber_ToBase(m2_127, 16), "-0x80000000000000000000000000000000");
  expect_text(PyNumber_ToBase(two64, 2),
              "0b10000000000000000000000000000000000000000000000000000000000000000");
  char* end = NULL;
  expect_text(PyLong_FromString("  -99999999999999999999999  ", &end, 10),
              "-99999999999999999999999");
  CHECK(end != NULL && *end == '\0');
  CHECK(PyLong_FromString("12x", &end, 10) == NULL);
  ext_test_expect_error(PyExc_ValueError, "invalid literal for int() with base 10: '12x'");

  /* Narrow conversions: CPython's messages. */
  int overflow = 0;
  CHECK_EQ_LL(PyLong_AsLongAndOverflow(m2_127, &overflow), -1);
  CHECK(overflow == -1 && !PyErr_Occurred());
  CHECK_EQ_LL(PyLong_AsLongLongAndOverflow(two64, &overflow), -1);
  CHECK(overflow == 1 && !PyErr_Occurred());
  CHECK(PyLong_AsUnsignedLongLong(two64) == (unsigned long long)-1);
  ext_test_expect_error(PyExc_OverflowError, "int too big to convert");
  CHECK(PyLong_AsSize_t(two64) == (size_t)-1);
  ext_test_expect_error(PyExc_OverflowError, "Python int too large to convert to C size_t");
  CHECK(PyLong_AsUnsignedLong(m2_127) == (unsigned long)-1);
  ext_test_expect_error(PyExc_OverflowError, "can't convert negative value to unsigned int");
  CHECK_EQ_LL(PyLong_AsSsize_t(two64), -1);
  ext_test_expect_error(PyExc_OverflowError, "Python int too large to convert to C ssize_t");
  PyObject* two64m1 = PyNumber_Subtract(two64, Py_True);
  CHECK(PyLong_AsUnsignedLongLong(two64m1) == 18446744073709551615ULL);
  CHECK(PyLong_AsUnsignedLongLongMask(two64) == 0);
  CHECK(PyLong_AsUnsignedLongLongMask(m2_127) == 0);
  CHECK(PyLong_AsUnsignedLongMask(two64m1) == 18446744073709551615UL);
  CHECK(PyLong_AsDouble(two64) == 18446744073709551616.0);
  PyObject* thousand = PyLong_FromLong(1000);
  PyObject* huge = PyNumber_Lshift(two64, thousand);
  Py_DECREF(thousand);
  CHECK(huge != NULL);
  CHECK(PyLong_AsDouble(huge) == -1.0);
  ext_test_expect_error(PyExc_OverflowError, "int too large to convert to float");
  CHECK(PyFloat_AsDouble(huge) == -1.0);
  ext_test_expect_error(PyExc_OverflowError, "int too large to convert to float");
  CHECK_EQ_LL(PyNumber_AsSsize_t(two64, NULL), PY_SSIZE_T_MAX);
  CHECK_EQ_LL(PyNumber_AsSsize_t(m2_127, NULL), PY_SSIZE_T_MIN);
  CHECK_EQ_LL(PyNumber_AsSsize_t(two64, PyExc_IndexError), -1);
  ext_test_expect_error(PyExc_IndexError, "cannot fit 'int' into an index-sized integer");
  long l = 0;
  PyObject* args = PyTuple_Pack(1, two64);
  CHECK(!PyArg_ParseTuple(args, "l", &l));
  ext_test_expect_error(PyExc_OverflowError, "Python int too large to convert to C long");
  unsigned long long k = 0;
  CHECK(PyArg_ParseTuple(args, "K", &k) && k == 0); /* 'K' masks */
  Py_DECREF(args);
  args = PyTuple_Pack(1, two64m1);
  CHECK(PyArg_ParseTuple(args, "K", &k) && k == 18446744073709551615ULL);
  Py_DECREF(args);

  /* cpython/longobject.h's helpers. */
  CHECK(_PyLong_Sign(m2_127) == -1 && _PyLong_Sign(two64) == 1);
  CHECK(_PyLong_NumBits(m2_127) == 128 && _PyLong_NumBits(two64) == 65);
  unsigned char b16[16];
  CHECK(_PyLong_AsByteArray((PyLongObject*)m2_127, b16, 16, 1, 1, 1) == 0);
  CHECK(b16[15] == 0x80 && b16[0] == 0 && b16[14] == 0);
  CHECK(_PyLong_AsByteArray((PyLongObject*)two64, b16, 8, 1, 0, 1) == -1);
  ext_test_expect_error(PyExc_OverflowError, "int too big to convert");
  CHECK(_PyLong_AsByteArray((PyLongObject*)m2_127, b16, 16, 1, 0, 0) == -1);
  CHECK(!PyErr_Occurred());
  expect_text(_PyLong_FromByteArray(b16, 16, 1, 1), "-170141183460469231731687303715884105728");
  PyObject* m96 = PyLong_FromLong(-96);
  expect_text(_PyLong_GCD(two64, m96), "32");
  Py_DECREF(m96);
  PyObject* c = PyLong_FromLong((1L << 30) - 1);
  CHECK(PyUnstable_Long_IsCompact((PyLongObject*)c));
  CHECK(PyUnstable_Long_CompactValue((PyLongObject*)c) == (1L << 30) - 1);
  Py_DECREF(c);
  c = PyLong_FromLong(1L << 30);
  CHECK(!PyUnstable_Long_IsCompact((PyLongObject*)c));
  CHECK(!PyUnstable_Long_IsCompact((PyLongObject*)two64));
  Py_DECREF(c);
  errno = 0;
  CHECK(PyOS_strtoul("0x1f", &end, 0) == 31 && *end == '\0');
  CHECK(PyOS_strtoul("  123abc", &end, 10) == 123 && strcmp(end, "abc") == 0);
  CHECK(PyOS_strtoul("zz", &end, 36) == 1295);
  CHECK(PyOS_strtoul("99999999999999999999999", &end, 10) == ULONG_MAX && errno == ERANGE);
  CHECK(PyOS_strtol("-0b101", &end, 0) == -5);

  /* PyLong_AsNativeBytes on big values (CPython 3.13.0's returns). */
  static const struct {
    const char* value;
    Py_ssize_t n;
    int flags;
    Py_ssize_t want;
    const char* hex;
  } cases[] = {
      {"18446744073709551616", 8, -1, 9, "0000000000000000"},
      {"18446744073709551616", 16, 1, 9, "00000000000000000100000000000000"},
      {"-18446744073709551616", 16, -1, 9, "0000000000000000ffffffffffffffff"},
      {"-18446744073709551616", 17, 1, 9, "0000000000000000ffffffffffffffffff"},
      {"170141183460469231731687303715884105728", 16, -1, 16, "00000000000000000000000000000080"},
      {"170141183460469231731687303715884105728", 16, 1, 17, "00000000000000000000000000000080"},
      {"170141183460469231731687303715884105728", 8, 1, 17, "0000000000000000"},
      {"-170141183460469231731687303715884105728", 16, 1, 16, "00000000000000000000000000000080"},
      {"-170141183460469231731687303715884105728", 17, 5, 17, "00000000000000000000000000000080ff"},
      {"340282366920938463463374607431768211455", 16, 5, 16, "ffffffffffffffffffffffffffffffff"},
      {"340282366920938463463374607431768211455", 16, 1, 17, "ffffffffffffffffffffffffffffffff"},
      {"340282366920938463463374607431768211455", 8, -1, 17, "ffffffffffffffff"},
      {"1267650600228229401496703217721", 16, 1, 13, "39300000000000000000000010000000"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    PyObject* v = PyLong_FromString(cases[i].value, NULL, 10);
    CHECK(v != NULL);
    unsigned char buf[20];
    char hex[48] = "";
    memset(buf, 0xAA, sizeof buf);
    Py_ssize_t got = PyLong_AsNativeBytes(v, buf, cases[i].n, cases[i].flags);
    for (Py_ssize_t j = 0; j < cases[i].n; j++) snprintf(hex + 2 * j, 3, "%02x", buf[j]);
    if (got != cases[i].want || strcmp(hex, cases[i].hex) != 0) {
      fprintf(stderr, "AsNativeBytes(%s, n %zd, flags %d): %zd %s, CPython %zd %s\n",
              cases[i].value, cases[i].n, cases[i].flags, got, hex, cases[i].want, cases[i].hex);
      abort();
    }
    CHECK(buf[cases[i].n] == 0xAA);
    Py_DECREF(v);
  }
  Py_DECREF(huge);
  Py_DECREF(two64m1);
  Py_DECREF(two64);
  Py_DECREF(m2_127);
}

static void test_threads(unsigned seed) {
  g_ops = ext_test_scaled(20000, 2000);
  g_unit_x = vec_new_xy(1, 0);
  g_unit_y = vec_new_xy(0, 1);
  for (int i = 0; i < 4; i++) g_ints[i] = PyLong_FromLong(1000 * i + 1);
  ext_test_run_threads(kThreads, thread_main, seed);
  CHECK_EQ_LL(Py_REFCNT(g_unit_x), 1);
  CHECK_EQ_LL(Py_REFCNT(g_unit_y), 1);
  Py_CLEAR(g_unit_x);
  Py_CLEAR(g_unit_y);
  for (int i = 0; i < 4; i++) Py_CLEAR(g_ints[i]);
}

int main(void) {
  const unsigned seed = ext_test_seed();
  Py_Initialize();
  CHECK(PyType_Ready(&VecType) == 0);
  CHECK(PyType_Ready(&IdxType) == 0);
  test_ints_and_floats();
  test_vector_type();
  test_conversions();
  test_native_bytes();
  test_big_ints();
  test_threads(seed);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
