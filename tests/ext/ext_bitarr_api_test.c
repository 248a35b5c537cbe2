/* ext_bitarr_api_test: a C host for ft_bitarr (argv[1]), the sample
 * extension written the way bit-array and hashing extensions are (bitarray,
 * mmh3): a static PyTypeObject with sequence, mapping, number and buffer
 * slots, a GC iterator, Py_buffer argument units, METH_FASTCALL |
 * METH_KEYWORDS with a hand-walked kwnames, _PyLong_FromByteArray,
 * Py_UNICODE_ISSPACE, PY_LITTLE_ENDIAN, frameobject.h.
 *
 * Single-threaded, it checks each result and CPython 3.13's errors (the
 * messages were taken from CPython 3.13 calling PyArg_ParseTuple through
 * ctypes), and that a parse failing after an s* unit has released the
 * buffer it took. Then 6 threads share one Bits: four append (each its own
 * bit value; an append refused with BufferError while a reader holds a
 * buffer is retried) while two read it (len, items, slices, counts,
 * memoryviews); all six then drain one shared iterator over a fixed Bits.
 * Exact totals: the final length and count of ones, and the ones the
 * iterator handed out across threads. Then no object is left after
 * Py_FinalizeEx. */
#include "Python.h"
#include "tests/ext/ext_test_util.h"

static PyObject* g_module;
static PyObject* g_bits_type;

#define OK(x)                                  \
  do {                                         \
    if (!(x)) ext_test_die_with_error(#x);     \
  } while (0)

static void expect_repr(PyObject* o, const char* want) {
  CHECK(o != NULL);
  PyObject* r = PyObject_Repr(o);
  OK(r != NULL);
  if (strcmp(PyUnicode_AsUTF8(r), want) != 0) {
    fprintf(stderr, "repr %s, expected %s\n", PyUnicode_AsUTF8(r), want);
    abort();
  }
  Py_DECREF(r);
}

/* Takes the result r: checks its repr and drops it. */
static void expect_result(PyObject* r, const char* want) {
  if (r == NULL) ext_test_die_with_error(want);
  expect_repr(r, want);
  Py_DECREF(r);
}

static PyObject* make_bits(const char* init) {
  PyObject* b = PyObject_CallFunction(g_bits_type, "s", init);
  OK(b != NULL);
  return b;
}

/* Takes a result and checks str() of it. */
static void expect_str(PyObject* r, const char* want) {
  OK(r != NULL);
  PyObject* text = PyObject_Str(r);
  OK(text != NULL);
  if (strcmp(PyUnicode_AsUTF8(text), want) != 0) {
    fprintf(stderr, "str: '%s', expected '%s'\n", PyUnicode_AsUTF8(text), want);
    abort();
  }
  Py_DECREF(text);
  Py_DECREF(r);
}

static long long call_ll(PyObject* r) {
  OK(r != NULL);
  long long v = PyLong_AsLongLong(r);
  CHECK(!(v == -1 && PyErr_Occurred()));
  Py_DECREF(r);
  return v;
}

static long exports_of(PyObject* bits) { return (long)call_ll(PyObject_GetAttrString(bits, "exports")); }

static void test_slots(void) {
  PyObject* b = make_bits("0110 1");
  expect_repr(b, "Bits('01101')");
  CHECK_EQ_LL(PyObject_Length(b), 5);
  CHECK_EQ_LL(call_ll(PySequence_GetItem(b, 1)), 1);
  CHECK_EQ_LL(call_ll(PyObject_GetItem(b, PyLong_FromLong(-1))), 1);
  CHECK(PySequence_GetItem(b, 5) == NULL);
  ext_test_expect_error(PyExc_IndexError, "Bits index out of range");
  expect_result(PySequence_GetSlice(b, 1, 4), "Bits('110')");
  PyObject* rev = PySlice_New(NULL, NULL, PyLong_FromLong(-1));
  expect_result(PyObject_GetItem(b, rev), "Bits('10110')");
  Py_DECREF(rev);
  CHECK(PySequence_Contains(b, PyLong_FromLong(0)) == 1);
  CHECK(PySequence_Contains(b, PyLong_FromLong(2)) == -1);
  ext_test_expect_error(PyExc_ValueError, "bit must be 0 or 1, got 2");
  PyObject* inv = PyNumber_Invert(b);
  expect_repr(inv, "Bits('10010')");
  expect_result(PyNumber_And(b, inv), "Bits('00000')");
  CHECK(PyNumber_And(b, PyLong_FromLong(1)) == NULL);
  ext_test_expect_error(PyExc_TypeError, "unsupported operand type(s) for &: 'ft_bitarr.Bits' and 'int'");
  PyObject* same = PyNumber_InPlaceOr(b, inv);
  CHECK(same == b);
  Py_DECREF(same);
  expect_repr(b, "Bits('11111')");
  PyObject* eq = make_bits("11111");
  CHECK(PyObject_RichCompareBool(b, eq, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(b, inv, Py_NE) == 1);
  Py_DECREF(eq);
  PyObject* more = PySequence_InPlaceConcat(b, inv);
  CHECK(more == b);
  Py_DECREF(more);
  expect_repr(b, "Bits('1111110010')");
  /* Iteration (the GC iterator type) */
  PyObject* it = PyObject_GetIter(b);
  OK(it != NULL);
  CHECK(PyObject_GC_IsTracked(it));
  long ones = 0, n = 0;
  PyObject* item;
  while ((item = PyIter_Next(it)) != NULL) {
    ones += PyLong_AsLong(item);
    n++;
    Py_DECREF(item);
  }
  CHECK(!PyErr_Occurred());
  CHECK_EQ_LL(n, 10);
  CHECK_EQ_LL(ones, 7);
  Py_DECREF(it);
  CHECK(PyObject_Hash(b) == -1);
  ext_test_expect_error(PyExc_TypeError, "unhashable type: 'ft_bitarr.Bits'");
  Py_DECREF(inv);
  Py_DECREF(b);
}

static void test_methods_and_buffers(void) {
  PyObject* b = make_bits("011");
  expect_result(PyObject_CallMethod(b, "frombytes", "y#", "\x81", (Py_ssize_t)1), "None");
  expect_repr(b, "Bits('01110000001')");
  expect_result(PyObject_CallMethod(b, "tobytes", NULL), "b'\\x0e\\x04'");
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(b, "count", NULL)), 4);
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(b, "count", "i", 0)), 7);
  CHECK(PyObject_CallMethod(b, "frombytes", "s", "x") == NULL);
  ext_test_expect_error(PyExc_TypeError, "a bytes-like object is required, not 'str'");
  /* keyword arguments through PyArg_ParseTupleAndKeywords: "|ns" and "|cc" */
  PyObject* empty = PyTuple_New(0);
  PyObject* to01 = PyObject_GetAttrString(b, "to01");
  PyObject* kw = Py_BuildValue("{s:i,s:s}", "group", 4, "sep", "_");
  expect_result(PyObject_Call(to01, empty, kw), "'0111_0000_001'");
  Py_DECREF(kw);
  PyObject* unpack = PyObject_GetAttrString(b, "unpack");
  kw = Py_BuildValue("{s:y,s:N}", "zero", "-", "one", PyByteArray_FromStringAndSize("+", 1));
  expect_result(PyObject_Call(unpack, empty, kw), "b'-+++------+'");
  Py_DECREF(kw);
  kw = Py_BuildValue("{s:y}", "zero", "--");
  CHECK(PyObject_Call(unpack, empty, kw) == NULL);
  ext_test_expect_error(PyExc_TypeError, "unpack() argument 1 must be a byte string of length 1, not bytes");
  Py_DECREF(kw);
  Py_DECREF(unpack);
  Py_DECREF(to01);

  /* An exported buffer blocks resizing; released, it does not. */
  PyObject* mv = PyMemoryView_FromObject(b);
  OK(mv != NULL);
  CHECK_EQ_LL(exports_of(b), 1);
  CHECK(PyObject_CallMethod(b, "append", "i", 1) == NULL);
  ext_test_expect_error(PyExc_BufferError, "cannot resize Bits that is exporting buffers");
  Py_DECREF(mv);
  CHECK_EQ_LL(exports_of(b), 0);
  expect_result(PyObject_CallMethod(b, "append", "i", 1), "None");

  /* parse(): s* | I B c C $ z* */
  PyObject* parse = PyObject_GetAttrString(g_module, "parse");
  expect_result(PyObject_CallFunction(parse, "y", "abc"), "(3, 0, 0, b'x', 117, -1)");
  PyObject* out = PyByteArray_FromStringAndSize("wxyz", 4);
  PyObject* args = Py_BuildValue("(sLiyC)", "h\xc3\xa9llo", (1LL << 32) + 5, 300, "q", 0xe9);
  kw = Py_BuildValue("{s:O}", "out", out);
  expect_result(PyObject_Call(parse, args, kw), "(6, 5, 44, b'q', 233, 4)");
  Py_DECREF(args);
  Py_DECREF(kw);
  args = Py_BuildValue("(yiiy)", "a", -1, -1, "c");
  expect_result(PyObject_Call(parse, args, NULL), "(1, 4294967295, 255, b'c', 117, -1)");
  Py_DECREF(args);
  CHECK(PyObject_CallFunction(parse, "i", 5) == NULL);
  ext_test_expect_error(PyExc_TypeError, "a bytes-like object is required, not 'int'");
  CHECK(PyObject_CallFunction(parse, "yd", "a", 1.5) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'float' object cannot be interpreted as an integer");
  args = Py_BuildValue("(y)", "a");
  kw = Py_BuildValue("{s:s}", "uch", "ab");
  CHECK(PyObject_Call(parse, args, kw) == NULL);
  ext_test_expect_error(PyExc_TypeError, "parse() argument 5 must be a unicode character, not str");
  Py_DECREF(args);
  Py_DECREF(kw);
  /* The s* buffer taken from b is released when argument 4 fails. */
  CHECK(PyObject_CallFunction(parse, "Oiiy", b, 1, 2, "zz") == NULL);
  ext_test_expect_error(PyExc_TypeError, "parse() argument 4 must be a byte string of length 1, not bytes");
  CHECK_EQ_LL(exports_of(b), 0);
  /* ... and the keyword-only z* one when a later check fails. */
  args = Py_BuildValue("(O)", b);
  kw = Py_BuildValue("{s:O,s:i}", "out", b, "bogus", 1);
  CHECK(PyObject_Call(parse, args, kw) == NULL);
  ext_test_expect_error(PyExc_TypeError, "parse() got an unexpected keyword argument 'bogus'");
  CHECK_EQ_LL(exports_of(b), 0);
  Py_DECREF(args);
  Py_DECREF(kw);
  Py_DECREF(parse);

  /* fill(): w* B */
  PyObject* ba = PyByteArray_FromStringAndSize("abc", 3);
  expect_result(PyObject_CallMethod(g_module, "fill", "Oi", ba, 7), "None");
  expect_repr(ba, "bytearray(b'\\x07\\x07\\x07')");
  CHECK(PyObject_CallMethod(g_module, "fill", "yi", "abc", 1) == NULL);
  ext_test_expect_error(PyExc_TypeError, "fill() argument 1 must be read-write bytes-like object, not bytes");
  PyObject* b16 = make_bits("0000000000000000");
  expect_result(PyObject_CallMethod(g_module, "fill", "Oi", b16, 0x81), "None");
  expect_repr(b16, "Bits('1000000110000001')");
  CHECK_EQ_LL(exports_of(b16), 0);
  Py_DECREF(b16);
  Py_DECREF(ba);
  Py_DECREF(out);
  Py_DECREF(empty);
  Py_DECREF(b);
}

static PyObject* fnv64_vectorcall(PyObject* const* args, size_t nargs, PyObject* kwnames) {
  PyObject* fn = PyObject_GetAttrString(g_module, "fnv64");
  OK(fn != NULL);
  PyObject* r = PyObject_Vectorcall(fn, args, nargs, kwnames);
  Py_DECREF(fn);
  return r;
}

static void test_fastcall_and_ints(void) {
  PyObject* foo = PyBytes_FromString("foo");
  PyObject* s_foo = PyUnicode_FromString("foo");
  PyObject* seed = PyLong_FromLong(42);
  /* positional only */
  PyObject* a1[] = {foo, seed};
  CHECK_EQ_LL(call_ll(fnv64_vectorcall(a1, 2, NULL)), 2662624747292273145LL);
  /* 'signed' by keyword; the key as str (its UTF-8) */
  PyObject* kwn = Py_BuildValue("(s)", "signed");
  PyObject* a2[] = {s_foo, Py_True};
  CHECK_EQ_LL(call_ll(fnv64_vectorcall(a2, 1, kwn)), -2543842089295555209LL);
  Py_DECREF(kwn);
  /* everything by keyword, key a buffer exporter */
  kwn = Py_BuildValue("(ss)", "key", "signed");
  PyObject* mv = PyMemoryView_FromObject(foo);
  PyObject* a3[] = {mv, Py_True};
  CHECK_EQ_LL(call_ll(fnv64_vectorcall(a3, 0, kwn)), -2543842089295555209LL);
  Py_DECREF(kwn);
  Py_DECREF(mv);
  /* unsigned 64-bit digest above INT64_MAX: a big int, as in CPython */
  PyObject* a4[] = {foo};
  PyObject* digest = fnv64_vectorcall(a4, 1, NULL);
  CHECK(digest != NULL);
  CHECK(PyLong_AsUnsignedLongLong(digest) == 15902901984413996407ULL);
  CHECK(PyLong_AsLongLong(digest) == -1);
  ext_test_expect_error(PyExc_OverflowError, "int too big to convert");  /* CPython's words */
  CHECK(PyLong_AsLong(digest) == -1);
  ext_test_expect_error(PyExc_OverflowError, "Python int too large to convert to C long");
  PyObject* digest_text = PyObject_Str(digest);
  CHECK(digest_text != NULL && strcmp(PyUnicode_AsUTF8(digest_text), "15902901984413996407") == 0);
  Py_DECREF(digest_text);
  Py_DECREF(digest);
  PyObject* k16 = PyBytes_FromString("abcdabcdabcdabcd");
  PyObject* a5[] = {k16};
  CHECK_EQ_LL(call_ll(fnv64_vectorcall(a5, 1, NULL)), 7552157991970434629LL);
  Py_DECREF(k16);
  kwn = Py_BuildValue("(s)", "bogus");
  PyObject* a6[] = {foo, Py_True};
  CHECK(fnv64_vectorcall(a6, 1, kwn) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'bogus' is an invalid keyword argument for fnv64()");
  Py_DECREF(kwn);
  /* the same function through a kwargs dict (PyObject_Call) */
  PyObject* fn = PyObject_GetAttrString(g_module, "fnv64");
  PyObject* args = Py_BuildValue("(O)", foo);
  PyObject* kw = Py_BuildValue("{s:O}", "signed", Py_True);
  CHECK_EQ_LL(call_ll(PyObject_Call(fn, args, kw)), -2543842089295555209LL);
  Py_DECREF(fn);
  Py_DECREF(args);
  Py_DECREF(kw);

  /* _PyLong_FromByteArray against int.from_bytes (CPython 3.13) */
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(g_module, "from_bytes", "y#ii", "\x80\x00", (Py_ssize_t)2, 1, 1)), 128);
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(g_module, "from_bytes", "y#ii", "\x00\x80", (Py_ssize_t)2, 0, 1)), 128);
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(g_module, "from_bytes", "y#ii", "\xff\xff\xff\xff\xff\xff\xff\x7f\x00\x00", (Py_ssize_t)10, 1, 1)), INT64_MAX);
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(g_module, "from_bytes", "y#ii", "\x00\x00\x00\x00\x00\x00\x00\x80\xff", (Py_ssize_t)9, 1, 1)), INT64_MIN);
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(g_module, "from_bytes", "y#ii", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", (Py_ssize_t)12, 0, 1)), -1);
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(g_module, "from_bytes", "y#ii", "\xfe\xff", (Py_ssize_t)2, 1, 1)), -2);
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(g_module, "from_bytes", "y#ii", "\xfe\xff", (Py_ssize_t)2, 1, 0)), 65534);
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(g_module, "from_bytes", "y#ii", "", (Py_ssize_t)0, 1, 1)), 0);
  /* past 64 bits: big ints (2**64; -(2**71) from 12 signed bytes) */
  expect_str(PyObject_CallMethod(g_module, "from_bytes", "y#ii", "\x01\x00\x00\x00\x00\x00\x00\x00\x00", (Py_ssize_t)9, 0, 0),
             "18446744073709551616");
  expect_str(PyObject_CallMethod(g_module, "from_bytes", "y#ii", "\x00\x00\x00\x00\x00\x00\x00\x00\x80\xff\xff\xff", (Py_ssize_t)12, 1, 1),
             "-2361183241434822606848");

  /* Py_UNICODE_ISSPACE: str.isspace()'s 20 of these 22 code points
   * (CPython 3.13), not 'x' or U+200B */
  PyObject* ws = PyUnicode_FromString(
      " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\xc2\x85\xc2\xa0\xe1\x9a\x80\xe2\x80\x80\xe2\x80\x8a"
      "\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\x9f\xe3\x80\x80x\xe2\x80\x8b");
  OK(ws != NULL);
  CHECK_EQ_LL(PyUnicode_GET_LENGTH(ws), 22);
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(g_module, "count_spaces", "O", ws)), 20);
  Py_DECREF(ws);
  PyObject* b = make_bits("1\xe2\x80\x83" "0\x1f" "1"); /* EM SPACE, unit separator */
  expect_repr(b, "Bits('101')");
  Py_DECREF(b);
  expect_result(PyObject_CallMethod(g_module, "native_little", NULL), "True");
  expect_result(PyObject_CallMethod(g_module, "no_frame", NULL), "True");
  Py_DECREF(foo);
  Py_DECREF(s_foo);
  Py_DECREF(seed);
}

/* ---- threads ---- */

enum { kThreads = 6, kAppenders = 4 };
static long g_appends;
static PyObject* g_shared;      /* appended to by 4 threads, read by 2 */
static PyObject* g_fixed_iter;  /* one iterator drained by all 6 */
static long g_fixed_ones;
static long g_iter_ones[kThreads];

static void* worker(void* arg) {
  const unsigned seed = (unsigned)(uintptr_t)arg;
  unsigned state = seed;
  const int id = (int)(seed % kThreads);
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject* bit = PyLong_FromLong(id % 2);
  PyObject* append = PyUnicode_FromString("append");
  PyObject* key = PyBytes_FromString("abcdabcdabcdabcd");
  if (id < kAppenders) {
    for (long i = 0; i < g_appends;) {
      PyObject* r = PyObject_CallMethodOneArg(g_shared, append, bit);
      if (r == NULL) {
        ext_test_expect_error(PyExc_BufferError, "cannot resize Bits that is exporting buffers");
        continue; /* a reader holds a buffer: retry */
      }
      Py_DECREF(r);
      i++;
      if (ext_test_next_random(&state) % 16 == 0) {
        PyObject* a[] = {key};
        PyObject* fn = PyObject_GetAttrString(g_module, "fnv64");
        CHECK_EQ_LL(call_ll(PyObject_Vectorcall(fn, a, 1, NULL)), 7552157991970434629LL);
        Py_DECREF(fn);
      }
    }
  } else {
    for (long i = 0; i < g_appends / 2; i++) {
      Py_ssize_t n = PyObject_Length(g_shared);
      CHECK(n >= 0);
      if (n > 0) {
        PyObject* item = PySequence_GetItem(g_shared, (Py_ssize_t)(ext_test_next_random(&state) % (unsigned)n));
        OK(item != NULL);
        CHECK(PyLong_AsLong(item) == 0 || PyLong_AsLong(item) == 1);
        Py_DECREF(item);
      }
      switch (ext_test_next_random(&state) % 4) {
        case 0: {
          PyObject* mv = PyMemoryView_FromObject(g_shared);
          OK(mv != NULL);
          Py_buffer* view = PyMemoryView_GET_BUFFER(mv);
          CHECK(view->len >= (n + 7) / 8);
          Py_DECREF(mv);
          break;
        }
        case 1: {
          long long ones = call_ll(PyObject_CallMethod(g_shared, "count", NULL));
          long long zeros = call_ll(PyObject_CallMethod(g_shared, "count", "i", 0));
          CHECK(ones + zeros >= n && ones <= 2 * g_appends && zeros <= 2 * g_appends);
          break;
        }
        case 2: {
          PyObject* s = PySequence_GetSlice(g_shared, 0, 8);
          OK(s != NULL);
          /* The appenders may have grown it since n was read (it only grows). */
          const Py_ssize_t len = PyObject_Length(s);
          CHECK(len >= (n < 8 ? n : 8) && len <= 8);
          Py_DECREF(s);
          break;
        }
        default: {
          PyObject* r = PyObject_CallMethod(g_module, "parse", "Oi", g_shared, -1);
          expect_result(PyTuple_GetSlice(r, 1, 2), "(4294967295,)");
          Py_DECREF(r);
        }
      }
    }
  }
  /* Everyone drains the shared iterator. */
  PyObject* item;
  while ((item = PyIter_Next(g_fixed_iter)) != NULL) {
    g_iter_ones[id] += PyLong_AsLong(item);
    Py_DECREF(item);
  }
  CHECK(!PyErr_Occurred());
  Py_DECREF(key);
  Py_DECREF(append);
  Py_DECREF(bit);
  PyGILState_Release(g);
  return NULL;
}

static void test_threads(void) {
  const unsigned seed = ext_test_seed();
  g_appends = ext_test_scaled(3000, 200);
  g_shared = make_bits("");
  /* A fixed Bits of 4000 bits, every third one set. */
  PyObject* fixed = make_bits("");
  for (int i = 0; i < 4000; i++) {
    PyObject* r = PyObject_CallMethod(fixed, "append", "i", i % 3 == 0);
    OK(r != NULL);
    Py_DECREF(r);
  }
  g_fixed_ones = (long)call_ll(PyObject_CallMethod(fixed, "count", NULL));
  CHECK_EQ_LL(g_fixed_ones, 1334);
  g_fixed_iter = PyObject_GetIter(fixed);
  OK(g_fixed_iter != NULL);
  /* thread i gets seed + i: id = (seed + i) % 6 covers 0..5 once each */
  ext_test_run_threads(kThreads, worker, seed - seed % kThreads);
  CHECK_EQ_LL(PyObject_Length(g_shared), kAppenders * g_appends);
  CHECK_EQ_LL(call_ll(PyObject_CallMethod(g_shared, "count", NULL)), (kAppenders / 2) * g_appends);
  CHECK_EQ_LL(exports_of(g_shared), 0);
  long total = 0;
  for (int i = 0; i < kThreads; i++) total += g_iter_ones[i];
  CHECK_EQ_LL(total, g_fixed_ones);
  Py_DECREF(g_fixed_iter);
  Py_DECREF(fixed);
  Py_DECREF(g_shared);
}

int main(int argc, char** argv) {
  CHECK(argc == 2);
  Py_Initialize();
  g_module = ftrt_ImportExtension("ft_bitarr", argv[1]);
  if (g_module == NULL) ext_test_die_with_error("import ft_bitarr");
  g_bits_type = PyObject_GetAttrString(g_module, "Bits");
  OK(g_bits_type != NULL);
  test_slots();
  test_methods_and_buffers();
  test_fastcall_and_ints();
  test_threads();
  Py_DECREF(g_bits_type);
  Py_DECREF(g_module);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  fprintf(stderr, "ext_bitarr_api_test: ok\n");
  return 0;
}
