/* The str C API that extensions use beyond construction and searching,
 * from C as an extension calls it: PyUnicode_FromObject /
 * FromEncodedObject, Append / AppendAndDel (their ownership rules),
 * RichCompare, Resize, IsIdentifier, Partition / RPartition / RSplit /
 * Splitlines, the UTF-16 / UTF-32 codecs and stateful UTF-8 decoding
 * (byte order in and out, BOMs, consumed counts, error handlers), and the
 * filesystem encoding with its O& converters (surrogateescape round trips,
 * embedded NULs, os.PathLike through __fspath__, the cleanup call).
 * Expected values and messages are CPython 3.13's (checked against it).
 *
 * Then kThreads threads (more than the machine's cores), with random
 * yields from a per-thread seed, convert, split and append shared
 * immutable strings and check every result exactly; nothing leaks after
 * Py_FinalizeEx. */
#include "Python.h" /* first: it sets the feature macros */

#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 6 };

static PyObject* u(const char* utf8) {
  PyObject* s = PyUnicode_FromString(utf8);
  CHECK(s != NULL);
  return s;
}

static int equals(PyObject* s, const char* utf8) {
  return s != NULL && PyUnicode_EqualToUTF8(s, utf8) == 1;
}

static int bytes_equal(PyObject* b, const char* data, Py_ssize_t n) {
  return b != NULL && PyBytes_Check(b) && PyBytes_GET_SIZE(b) == n &&
         memcmp(PyBytes_AS_STRING(b), data, (size_t)n) == 0;
}

/* The items of a list or tuple are the given UTF-8 strings. */
static int items_are(PyObject* seq, int n, const char* const* want) {
  if (seq == NULL || PySequence_Size(seq) != n) return 0;
  for (int i = 0; i < n; i++) {
    PyObject* item = PySequence_GetItem(seq, i);
    const int ok = equals(item, want[i]);
    Py_XDECREF(item);
    if (!ok) return 0;
  }
  return 1;
}

/* ---- conversions, append, compare, resize, isidentifier ----------------- */

static void test_conversions(void) {
  PyObject* s = u("abc");
  PyObject* r = PyUnicode_FromObject(s);
  CHECK(r == s);
  Py_DECREF(r);
  PyObject* one = PyLong_FromLong(1);
  CHECK(PyUnicode_FromObject(one) == NULL);
  ext_test_expect_error(PyExc_TypeError, "Can't convert 'int' object to str implicitly");
  CHECK(PyUnicode_FromObject(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  PyObject* b = PyBytes_FromString("caf\xc3\xa9");
  r = PyUnicode_FromEncodedObject(b, NULL, NULL);
  CHECK(equals(r, "caf\xc3\xa9"));
  Py_DECREF(r);
  r = PyUnicode_FromEncodedObject(b, "latin-1", NULL);
  CHECK(equals(r, "caf\xc3\x83\xc2\xa9"));
  Py_DECREF(r);
  CHECK(PyUnicode_FromEncodedObject(b, "ascii", NULL) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'ascii' codec can't decode byte 0xc3 in position 3: "
                        "ordinal not in range(128)");
  CHECK(PyUnicode_FromEncodedObject(b, "bogus", NULL) == NULL);
  ext_test_expect_error(PyExc_LookupError, "unknown encoding: bogus");
  PyObject* empty_b = PyBytes_FromString("");
  r = PyUnicode_FromEncodedObject(empty_b, "bogus", NULL);  /* no lookup for b'' */
  CHECK(equals(r, ""));
  Py_DECREF(r);
  CHECK(PyUnicode_FromEncodedObject(s, NULL, NULL) == NULL);
  ext_test_expect_error(PyExc_TypeError, "decoding str is not supported");
  CHECK(PyUnicode_FromEncodedObject(one, NULL, NULL) == NULL);
  ext_test_expect_error(PyExc_TypeError, "decoding to str: need a bytes-like object, int found");
  CHECK(PyUnicode_FromEncodedObject(NULL, NULL, NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(empty_b);
  Py_DECREF(b);

  /* Append replaces *pleft (the old one released); AppendAndDel also
   * releases right. */
  PyObject* left = u("ab");
  PyObject* right = u("\xe2\x82\xac");
  Py_INCREF(right); /* one reference for AppendAndDel to take */
  const Py_ssize_t right_refs = Py_REFCNT(right);
  PyUnicode_Append(&left, right);
  CHECK(equals(left, "ab\xe2\x82\xac"));
  CHECK_EQ_LL(Py_REFCNT(right), right_refs);
  PyUnicode_AppendAndDel(&left, right);
  CHECK(equals(left, "ab\xe2\x82\xac\xe2\x82\xac"));
  CHECK_EQ_LL(Py_REFCNT(right), right_refs - 1);
  PyObject* empty = u("");
  PyObject* before = left;
  PyUnicode_Append(&left, empty); /* appending '' keeps the object */
  CHECK(left == before);
  PyUnicode_Append(&left, one); /* error: SystemError, *pleft released */
  CHECK(left == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  PyUnicode_Append(&left, right); /* NULL *pleft: stays NULL, SystemError */
  CHECK(left == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  PyUnicode_Append(NULL, right);
  ext_test_expect_error(PyExc_SystemError, NULL);
  left = u("x");
  Py_INCREF(one);
  PyUnicode_AppendAndDel(&left, one); /* still steals right on error */
  CHECK(left == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(right);

  /* RichCompare */
  PyObject* a = u("a");
  PyObject* bb = u("b");
  r = PyUnicode_RichCompare(a, bb, Py_LT);
  CHECK(r == Py_True);
  Py_DECREF(r);
  r = PyUnicode_RichCompare(a, bb, Py_GE);
  CHECK(r == Py_False);
  Py_DECREF(r);
  r = PyUnicode_RichCompare(a, a, Py_EQ);
  CHECK(r == Py_True);
  Py_DECREF(r);
  r = PyUnicode_RichCompare(a, one, Py_EQ);
  CHECK(r == Py_NotImplemented);
  Py_DECREF(r);
  CHECK(PyUnicode_RichCompare(NULL, a, Py_EQ) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* Resize: a new string of the new length, first characters kept. */
  PyObject* fresh = PyUnicode_New(3, 0x20AC);
  CHECK(fresh != NULL);
  PyUnicode_WRITE(PyUnicode_2BYTE_KIND, PyUnicode_DATA(fresh), 0, 'x');
  PyUnicode_WRITE(PyUnicode_2BYTE_KIND, PyUnicode_DATA(fresh), 1, 0x20AC);
  PyUnicode_WRITE(PyUnicode_2BYTE_KIND, PyUnicode_DATA(fresh), 2, 'y');
  CHECK(PyUnicode_Resize(&fresh, 5) == 0);
  CHECK_EQ_LL(PyUnicode_GET_LENGTH(fresh), 5);
  PyUnicode_WRITE(PyUnicode_KIND(fresh), PyUnicode_DATA(fresh), 3, 'z');
  PyUnicode_WRITE(PyUnicode_KIND(fresh), PyUnicode_DATA(fresh), 4, '!');
  CHECK(equals(fresh, "x\xe2\x82\xacyz!"));
  CHECK(PyUnicode_Resize(&fresh, 2) == 0);
  CHECK(equals(fresh, "x\xe2\x82\xac"));
  PyObject* shared = u("abcdef");
  PyObject* keep = shared;
  Py_INCREF(keep);
  CHECK(PyUnicode_Resize(&shared, 3) == 0); /* a shared one is copied, as CPython */
  CHECK(equals(shared, "abc") && shared != keep && equals(keep, "abcdef"));
  CHECK(PyUnicode_Resize(&shared, -1) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyUnicode_Resize(NULL, 1) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyUnicode_Resize(&one, 1) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(keep);
  Py_DECREF(shared);
  Py_DECREF(fresh);

  /* IsIdentifier: ["", "a1", "1a", "_", "é", "a b", "Ⅰ"] -> 0 1 0 1 1 0 1 */
  const char* names[] = {"", "a1", "1a", "_", "\xc3\xa9", "a b", "\xe2\x85\xa0", "x\xc2\xb7"};
  const int want[] = {0, 1, 0, 1, 1, 0, 1, 1};
  for (int i = 0; i < 8; i++) {
    PyObject* n = u(names[i]);
    CHECK_EQ_LL(PyUnicode_IsIdentifier(n), want[i]);
    Py_DECREF(n);
  }
  CHECK_EQ_LL(PyUnicode_IsIdentifier(one), -1);
  ext_test_expect_error(PyExc_TypeError, "must be str, not int");

  Py_DECREF(empty);
  Py_DECREF(a);
  Py_DECREF(bb);
  Py_DECREF(s);
  Py_DECREF(one);
}

/* ---- partition, rsplit, splitlines --------------------------------------- */

static void test_splitting(void) {
  PyObject* s = u("abcbd");
  PyObject* b = u("b");
  PyObject* x = u("x");
  PyObject* empty = u("");
  PyObject* one = PyLong_FromLong(1);
  PyObject* r = PyUnicode_Partition(s, b);
  CHECK(PyTuple_Check(r) && items_are(r, 3, (const char* const[]){"a", "b", "cbd"}));
  Py_DECREF(r);
  r = PyUnicode_RPartition(s, b);
  CHECK(items_are(r, 3, (const char* const[]){"abc", "b", "d"}));
  Py_DECREF(r);
  r = PyUnicode_Partition(s, x);
  CHECK(items_are(r, 3, (const char* const[]){"abcbd", "", ""}) && PyTuple_GET_ITEM(r, 0) == s);
  Py_DECREF(r);
  r = PyUnicode_RPartition(s, x);
  CHECK(items_are(r, 3, (const char* const[]){"", "", "abcbd"}) && PyTuple_GET_ITEM(r, 2) == s);
  Py_DECREF(r);
  CHECK(PyUnicode_Partition(s, empty) == NULL);
  ext_test_expect_error(PyExc_ValueError, "empty separator");
  CHECK(PyUnicode_Partition(s, one) == NULL);
  ext_test_expect_error(PyExc_TypeError, "must be str, not int");
  CHECK(PyUnicode_RPartition(one, s) == NULL);
  ext_test_expect_error(PyExc_TypeError, "must be str, not int");

  PyObject* ws = u("  a b\t c  ");
  r = PyUnicode_RSplit(ws, NULL, -1);
  CHECK(PyList_Check(r) && items_are(r, 3, (const char* const[]){"a", "b", "c"}));
  Py_DECREF(r);
  r = PyUnicode_RSplit(ws, NULL, 1);
  CHECK(items_are(r, 2, (const char* const[]){"  a b", "c"}));
  Py_DECREF(r);
  r = PyUnicode_RSplit(s, b, 1);
  CHECK(items_are(r, 2, (const char* const[]){"abc", "d"}));
  Py_DECREF(r);
  r = PyUnicode_RSplit(s, b, -1);
  CHECK(items_are(r, 3, (const char* const[]){"a", "c", "d"}));
  Py_DECREF(r);
  r = PyUnicode_RSplit(empty, NULL, -1);
  CHECK(items_are(r, 0, NULL));
  Py_DECREF(r);
  CHECK(PyUnicode_RSplit(s, empty, -1) == NULL);
  ext_test_expect_error(PyExc_ValueError, "empty separator");
  CHECK(PyUnicode_RSplit(one, NULL, -1) == NULL);
  ext_test_expect_error(PyExc_TypeError, "must be str, not int");
  CHECK(PyUnicode_RSplit(s, one, -1) == NULL);
  ext_test_expect_error(PyExc_TypeError, "must be str, not int");

  PyObject* lines = u("a\nb\r\nc\rd\xe2\x80\xa8" "e\x0b\x1c" "f");
  r = PyUnicode_Splitlines(lines, 0);
  CHECK(items_are(r, 7, (const char* const[]){"a", "b", "c", "d", "e", "", "f"}));
  Py_DECREF(r);
  r = PyUnicode_Splitlines(lines, 1);
  CHECK(items_are(r, 7, (const char* const[]){"a\n", "b\r\n", "c\r", "d\xe2\x80\xa8", "e\x0b",
                                              "\x1c", "f"}));
  Py_DECREF(r);
  PyObject* trailing = u("x\n\n");
  r = PyUnicode_Splitlines(trailing, 0);
  CHECK(items_are(r, 2, (const char* const[]){"x", ""}));
  Py_DECREF(r);
  r = PyUnicode_Splitlines(s, 0);
  CHECK(items_are(r, 1, (const char* const[]){"abcbd"}) && PyList_GET_ITEM(r, 0) == s);
  Py_DECREF(r);
  r = PyUnicode_Splitlines(empty, 1);
  CHECK(items_are(r, 0, NULL));
  Py_DECREF(r);
  CHECK(PyUnicode_Splitlines(one, 0) == NULL);
  ext_test_expect_error(PyExc_TypeError, "must be str, not int");

  Py_DECREF(trailing);
  Py_DECREF(lines);
  Py_DECREF(ws);
  Py_DECREF(one);
  Py_DECREF(empty);
  Py_DECREF(x);
  Py_DECREF(b);
  Py_DECREF(s);
}

/* ---- UTF-16 / UTF-32 / stateful UTF-8 ------------------------------------ */

static void expect_decode16(const char* data, Py_ssize_t n, int order_in, const char* want,
                            int order_out) {
  int order = order_in;
  PyObject* r = PyUnicode_DecodeUTF16(data, n, NULL, &order);
  CHECK(equals(r, want));
  CHECK_EQ_LL(order, order_out);
  Py_DECREF(r);
}

static void test_utf16_32(void) {
  /* BOM handling and the byte order in and out (CPython 3.13's values). */
  expect_decode16("\xff\xfe" "A\x00", 4, 0, "A", -1);
  expect_decode16("\xfe\xff\x00" "A", 4, 0, "A", 1);
  expect_decode16("A\x00", 2, 0, "A", 0);
  expect_decode16("\xff\xfe" "A\x00", 4, 1, "\xef\xbf\xbe\xe4\x84\x80", 1);
  expect_decode16("\xff\xfe" "A\x00", 4, -1, "\xef\xbb\xbf" "A", -1);
  PyObject* r = PyUnicode_DecodeUTF16("A\x00", 2, NULL, NULL);
  CHECK(equals(r, "A"));
  Py_DECREF(r);

  /* Errors, with CPython's messages. */
  struct {
    const char* data;
    Py_ssize_t n;
    const char* message;
  } bad16[] = {
      {"\x00\xdc", 2, "'utf-16-le' codec can't decode bytes in position 0-1: illegal encoding"},
      {"\x00\xd8\x41\x00", 4,
       "'utf-16-le' codec can't decode bytes in position 0-1: illegal UTF-16 surrogate"},
      {"\x00\xd8", 2, "'utf-16-le' codec can't decode bytes in position 0-1: unexpected end of data"},
      {"A\x00" "B", 3, "'utf-16-le' codec can't decode byte 0x42 in position 2: truncated data"},
      {"\x00\xd8" "A", 3,
       "'utf-16-le' codec can't decode bytes in position 0-2: unexpected end of data"},
  };
  for (size_t i = 0; i < sizeof bad16 / sizeof bad16[0]; i++) {
    int order = -1;
    CHECK(PyUnicode_DecodeUTF16(bad16[i].data, bad16[i].n, NULL, &order) == NULL);
    ext_test_expect_error(PyExc_UnicodeDecodeError, bad16[i].message);
  }
  int order = 1;
  CHECK(PyUnicode_DecodeUTF16("\xdc\x00", 2, "strict", &order) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'utf-16-be' codec can't decode bytes in position 0-1: illegal encoding");
  order = -1;
  r = PyUnicode_DecodeUTF16("A\x00\x00\xdc" "B\x00", 6, "replace", &order);
  CHECK(equals(r, "A\xef\xbf\xbd" "B"));
  Py_DECREF(r);
  CHECK(PyUnicode_DecodeUTF16("\x00\xdc", 2, "bogus", &order) == NULL);
  ext_test_expect_error(PyExc_LookupError, "unknown error handler name 'bogus'");
  r = PyUnicode_DecodeUTF16("A\x00", 2, "bogus", &order); /* no error, no lookup */
  CHECK(equals(r, "A"));
  Py_DECREF(r);
  CHECK(PyUnicode_DecodeUTF16(NULL, 2, NULL, NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* Stateful: an incomplete unit or pair at the end waits. */
  struct {
    const char* data;
    Py_ssize_t n, consumed;
  } partial[] = {{"A\x00" "B", 3, 2}, {"A\x00\x00\xd8", 4, 2}, {"A\x00\x00\xd8\x00", 5, 2}};
  for (size_t i = 0; i < 3; i++) {
    Py_ssize_t consumed = -5;
    order = 0;
    r = PyUnicode_DecodeUTF16Stateful(partial[i].data, partial[i].n, NULL, &order, &consumed);
    CHECK(equals(r, "A"));
    CHECK_EQ_LL(consumed, partial[i].consumed);
    CHECK_EQ_LL(order, 0);
    Py_DECREF(r);
  }

  /* Round trips through AsUTF16String / AsUTF32String (BOM + native). */
  PyObject* text = u("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  PyObject* b16 = PyUnicode_AsUTF16String(text);
  CHECK(bytes_equal(b16, "\xff\xfe" "a\x00\xe9\x00\xac\x20\x3d\xd8\x00\xde", 12));
  order = 0;
  r = PyUnicode_DecodeUTF16(PyBytes_AS_STRING(b16), PyBytes_GET_SIZE(b16), NULL, &order);
  CHECK(PyUnicode_Compare(r, text) == 0 && order == -1);
  Py_DECREF(r);
  PyObject* b32 = PyUnicode_AsUTF32String(text);
  CHECK(bytes_equal(b32,
                    "\xff\xfe\x00\x00" "a\x00\x00\x00\xe9\x00\x00\x00\xac\x20\x00\x00"
                    "\x00\xf6\x01\x00",
                    20));
  order = 0;
  r = PyUnicode_DecodeUTF32(PyBytes_AS_STRING(b32), PyBytes_GET_SIZE(b32), NULL, &order);
  CHECK(PyUnicode_Compare(r, text) == 0 && order == -1);
  Py_DECREF(r);
  r = PyUnicode_Decode(PyBytes_AS_STRING(b16), PyBytes_GET_SIZE(b16), "UTF-16", NULL);
  CHECK(PyUnicode_Compare(r, text) == 0);
  Py_DECREF(r);
  r = PyUnicode_AsEncodedString(text, "utf_32_be", NULL);
  CHECK(bytes_equal(r, "\x00\x00\x00" "a\x00\x00\x00\xe9\x00\x00\x20\xac\x00\x01\xf6\x00", 16));
  Py_DECREF(r);
  Py_DECREF(b32);
  Py_DECREF(b16);
  r = PyUnicode_AsUTF16String(PyLong_FromLong(1)); /* small int: immortal */
  CHECK(r == NULL);
  ext_test_expect_error(PyExc_TypeError, "must be str, not int");

  PyObject* lone = PyUnicode_DecodeFSDefault("a\xed\xa0\x80"); /* 'a' + 3 escapes */
  CHECK(lone != NULL && PyUnicode_GET_LENGTH(lone) == 4);
  CHECK(PyUnicode_AsUTF32String(lone) == NULL);
  ext_test_expect_error(PyExc_UnicodeEncodeError,
                        "'utf-32' codec can't encode characters in position 1-3: "
                        "surrogates not allowed");
  Py_DECREF(lone);

  /* UTF-32 errors */
  order = -1;
  CHECK(PyUnicode_DecodeUTF32("\x00\x00\x11\x00", 4, NULL, &order) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'utf-32-le' codec can't decode bytes in position 0-3: code point not "
                        "in range(0x110000)");
  CHECK(PyUnicode_DecodeUTF32("\x00\xd8\x00\x00", 4, NULL, &order) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'utf-32-le' codec can't decode bytes in position 0-3: code point in "
                        "surrogate code point range(0xd800, 0xe000)");
  CHECK(PyUnicode_DecodeUTF32("A\x00\x00", 3, NULL, &order) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'utf-32-le' codec can't decode bytes in position 0-2: truncated data");
  Py_ssize_t consumed = -1;
  order = 0;
  r = PyUnicode_DecodeUTF32Stateful("\x00\x00\xfe\xff\x00\x00\x00" "A\x00", 9, NULL, &order,
                                    &consumed);
  CHECK(equals(r, "A") && consumed == 8 && order == 1);
  Py_DECREF(r);

  /* UTF-8, stateful and with handlers. */
  consumed = -5;
  r = PyUnicode_DecodeUTF8Stateful("A\xe2\x82", 3, NULL, &consumed);
  CHECK(equals(r, "A") && consumed == 1);
  Py_DECREF(r);
  CHECK(PyUnicode_DecodeUTF8Stateful("A\xe2\x82" "A", 4, NULL, &consumed) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'utf-8' codec can't decode bytes in position 1-2: invalid continuation "
                        "byte");
  CHECK(PyUnicode_DecodeUTF8Stateful("A\xff", 2, NULL, NULL) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'utf-8' codec can't decode byte 0xff in position 1: invalid start byte");
  CHECK(PyUnicode_DecodeUTF8("\xe2\x82", 2, "strict") == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'utf-8' codec can't decode bytes in position 0-1: unexpected end of "
                        "data");
  r = PyUnicode_DecodeUTF8("a\xff\xe2\x82" "b", 5, "replace");
  CHECK(equals(r, "a\xef\xbf\xbd\xef\xbf\xbd" "b"));
  Py_DECREF(r);
  r = PyUnicode_DecodeUTF8("a\xff" "b", 3, "ignore");
  CHECK(equals(r, "ab"));
  Py_DECREF(r);
  CHECK(PyUnicode_DecodeUTF8("a\xff", 2, "bogus") == NULL);
  ext_test_expect_error(PyExc_LookupError, "unknown error handler name 'bogus'");
  Py_DECREF(text);
}

/* ---- filesystem encoding -------------------------------------------------- */

/* A path-like type: __fspath__ returns its `value`. */
typedef struct {
  PyObject_HEAD
  PyObject* value;
} PathLike;

static PyObject* path_like_fspath(PyObject* self, PyObject* unused) {
  (void)unused;
  PyObject* v = ((PathLike*)self)->value;
  return Py_NewRef(v != NULL ? v : Py_None);
}

static void path_like_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  Py_CLEAR(((PathLike*)self)->value);
  type->tp_free(self);
  Py_DECREF(type);
}

static void path_like_set(PyObject* p, PyObject* value) {
  Py_XSETREF(((PathLike*)p)->value, Py_NewRef(value));
}

static PyObject* make_path_like_type(void) {
  static PyMethodDef methods[] = {
      {"__fspath__", path_like_fspath, METH_NOARGS, NULL},
      {NULL, NULL, 0, NULL},
  };
  static PyType_Slot slots[] = {
      {Py_tp_methods, methods}, {Py_tp_dealloc, (void*)path_like_dealloc}, {0, NULL}};
  static PyType_Spec spec = {"PathLike", sizeof(PathLike), 0, Py_TPFLAGS_DEFAULT, slots};
  PyObject* t = PyType_FromSpec(&spec);
  CHECK(t != NULL);
  return t;
}

static void test_fs(void) {
  /* Undecodable bytes round-trip through surrogateescape. */
  const char raw[] = "d\xc3\xa9j\xff\xfe/\xe2\x82";
  PyObject* s = PyUnicode_DecodeFSDefaultAndSize(raw, 9);
  CHECK(s != NULL && PyUnicode_GET_LENGTH(s) == 8);
  CHECK(PyUnicode_READ_CHAR(s, 1) == 0xE9 && PyUnicode_READ_CHAR(s, 3) == 0xDCFF &&
        PyUnicode_READ_CHAR(s, 4) == 0xDCFE && PyUnicode_READ_CHAR(s, 6) == 0xDCE2 &&
        PyUnicode_READ_CHAR(s, 7) == 0xDC82);
  PyObject* b = PyUnicode_EncodeFSDefault(s);
  CHECK(bytes_equal(b, raw, 9));
  Py_DECREF(b);
  PyObject* s2 = PyUnicode_DecodeFSDefault(raw);
  CHECK(PyUnicode_Compare(s, s2) == 0);
  Py_DECREF(s2);
  CHECK(PyUnicode_DecodeFSDefault(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  PyObject* high = PyUnicode_DecodeUTF16("\x00\xd8", 2, "surrogateescape", NULL);
  CHECK(high == NULL); /* bytes below 0x80 cannot be escaped */
  ext_test_expect_error(PyExc_UnicodeDecodeError, NULL);
  PyObject* lone = PyUnicode_New(1, 0xFFFF);
  PyUnicode_WRITE(PyUnicode_2BYTE_KIND, PyUnicode_DATA(lone), 0, 0xD800);
  CHECK(PyUnicode_EncodeFSDefault(lone) == NULL);
  ext_test_expect_error(PyExc_UnicodeEncodeError,
                        "'utf-8' codec can't encode character '\\ud800' in position 0: "
                        "surrogates not allowed");

  /* FSConverter: str / bytes / PathLike to bytes. */
  PyObject* out = NULL;
  CHECK(PyUnicode_FSConverter(s, &out) == Py_CLEANUP_SUPPORTED);
  CHECK(bytes_equal(out, raw, 9));
  CHECK(PyUnicode_FSConverter(NULL, &out) == 1 && out == NULL); /* the cleanup call */
  PyObject* nul_s = PyUnicode_FromStringAndSize("a\0b", 3);
  PyObject* nul_b = PyBytes_FromStringAndSize("a\0b", 3);
  CHECK(PyUnicode_FSConverter(nul_s, &out) == 0 && out == NULL);
  ext_test_expect_error(PyExc_ValueError, "embedded null byte");
  CHECK(PyUnicode_FSConverter(nul_b, &out) == 0);
  ext_test_expect_error(PyExc_ValueError, "embedded null byte");
  PyObject* one = PyLong_FromLong(1);
  CHECK(PyUnicode_FSConverter(one, &out) == 0);
  ext_test_expect_error(PyExc_TypeError, "expected str, bytes or os.PathLike object, not int");
  CHECK(PyUnicode_FSConverter(lone, &out) == 0);
  ext_test_expect_error(PyExc_UnicodeEncodeError, NULL);

  PyObject* type = make_path_like_type();
  PyObject* p = PyObject_CallNoArgs(type);
  CHECK(p != NULL);
  PyObject* esc = PyUnicode_DecodeFSDefault("x\xff");
  path_like_set(p, esc);
  CHECK(PyUnicode_FSConverter(p, &out) == Py_CLEANUP_SUPPORTED);
  CHECK(bytes_equal(out, "x\xff", 2));
  Py_CLEAR(out);
  CHECK(PyUnicode_FSDecoder(p, &out) == Py_CLEANUP_SUPPORTED);
  CHECK(PyUnicode_Compare(out, esc) == 0);
  CHECK(PyUnicode_FSDecoder(NULL, &out) == 1 && out == NULL);
  path_like_set(p, one);
  CHECK(PyUnicode_FSConverter(p, &out) == 0);
  ext_test_expect_error(PyExc_TypeError,
                        "expected PathLike.__fspath__() to return str or bytes, not int");
  CHECK(PyOS_FSPath(p) == NULL);
  ext_test_expect_error(PyExc_TypeError, NULL);
  CHECK(PyOS_FSPath(one) == NULL);
  ext_test_expect_error(PyExc_TypeError, "expected str, bytes or os.PathLike object, not int");

  /* FSDecoder: str / bytes / PathLike to str. */
  PyObject* raw_b = PyBytes_FromStringAndSize(raw, 9);
  CHECK(PyUnicode_FSDecoder(raw_b, &out) == Py_CLEANUP_SUPPORTED);
  CHECK(PyUnicode_Compare(out, s) == 0);
  Py_CLEAR(out);
  CHECK(PyUnicode_FSDecoder(lone, &out) == Py_CLEANUP_SUPPORTED && out == lone);
  Py_CLEAR(out);
  CHECK(PyUnicode_FSDecoder(nul_s, &out) == 0);
  ext_test_expect_error(PyExc_ValueError, "embedded null character");
  CHECK(PyUnicode_FSDecoder(nul_b, &out) == 0);
  ext_test_expect_error(PyExc_ValueError, "embedded null character");
  CHECK(PyUnicode_FSDecoder(one, &out) == 0);
  ext_test_expect_error(PyExc_TypeError, "expected str, bytes or os.PathLike object, not int");

  /* As an O& converter in PyArg_ParseTuple. */
  PyObject* args = PyTuple_Pack(1, raw_b);
  CHECK(PyArg_ParseTuple(args, "O&", PyUnicode_FSDecoder, &out));
  CHECK(PyUnicode_Compare(out, s) == 0);
  Py_CLEAR(out);
  Py_DECREF(args);

  /* The locale encoding (UTF-8 here), CPython's errors. */
  PyObject* loc = PyUnicode_DecodeLocaleAndSize("a\xff" "b", 3, "surrogateescape");
  CHECK(loc != NULL && PyUnicode_GET_LENGTH(loc) == 3 && PyUnicode_READ_CHAR(loc, 1) == 0xDCFF);
  b = PyUnicode_EncodeLocale(loc, "surrogateescape");
  CHECK(bytes_equal(b, "a\xff" "b", 3));
  Py_DECREF(b);
  CHECK(PyUnicode_EncodeLocale(loc, NULL) == NULL);
  ext_test_expect_error(PyExc_UnicodeEncodeError,
                        "'locale' codec can't encode character '\\udcff' in position 1: "
                        "encoding error");
  CHECK(PyUnicode_EncodeLocale(loc, "replace") == NULL);
  ext_test_expect_error(PyExc_ValueError, "unsupported error handler");
  CHECK(PyUnicode_EncodeLocale(nul_s, NULL) == NULL);
  ext_test_expect_error(PyExc_ValueError, "embedded null character");
  CHECK(PyUnicode_EncodeLocale(one, NULL) == NULL);
  ext_test_expect_error(PyExc_TypeError, "bad argument type for built-in operation");
  Py_DECREF(loc);
  CHECK(PyUnicode_DecodeLocale("\xc3\xa9\xe2\x82", NULL) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'locale' codec can't decode byte 0xe2 in position 2: decoding error");
  CHECK(PyUnicode_DecodeLocaleAndSize("a\xff" "b", 3, "replace") == NULL);
  ext_test_expect_error(PyExc_ValueError, "unsupported error handler");
  CHECK(PyUnicode_DecodeLocaleAndSize("a\0b", 3, NULL) == NULL);
  ext_test_expect_error(PyExc_ValueError, "embedded null byte");
  loc = PyUnicode_DecodeLocale("caf\xc3\xa9", NULL);
  CHECK(equals(loc, "caf\xc3\xa9"));
  Py_DECREF(loc);

  Py_DECREF(raw_b);
  Py_DECREF(esc);
  Py_DECREF(p);
  Py_DECREF(type);
  Py_DECREF(one);
  Py_DECREF(nul_b);
  Py_DECREF(nul_s);
  Py_DECREF(lone);
  Py_DECREF(s);
}

/* ---- threads ---------------------------------------------------------------- */

static PyObject* g_text;  /* shared, immutable */
static PyObject* g_raw;   /* bytes with undecodable bytes */
static atomic_long g_errors;
static long g_iters;

/* One round of conversions on the shared strings; the number of wrong
 * results. */
static long one_round(unsigned* seed) {
  long errors = 0;
  PyObject* b16 = PyUnicode_AsUTF16String(g_text);
  int order = 0;
  PyObject* back = b16 == NULL ? NULL
                               : PyUnicode_DecodeUTF16(PyBytes_AS_STRING(b16),
                                                       PyBytes_GET_SIZE(b16), NULL, &order);
  if (back == NULL || PyUnicode_Compare(back, g_text) != 0 || order != -1) errors++;
  Py_XDECREF(back);
  Py_XDECREF(b16);
  if (ext_test_next_random(seed) % 4 == 0) sched_yield();

  PyObject* fs = PyUnicode_DecodeFSDefaultAndSize(PyBytes_AS_STRING(g_raw),
                                                  PyBytes_GET_SIZE(g_raw));
  PyObject* raw2 = fs == NULL ? NULL : PyUnicode_EncodeFSDefault(fs);
  if (raw2 == NULL || !bytes_equal(raw2, PyBytes_AS_STRING(g_raw), PyBytes_GET_SIZE(g_raw))) {
    errors++;
  }
  Py_XDECREF(raw2);
  Py_XDECREF(fs);

  /* Appends: the shared text k times, split back into k parts. */
  const int k = 1 + (int)(ext_test_next_random(seed) % 4);
  PyObject* acc = PyUnicode_FromString("");
  PyObject* sep = PyUnicode_FromString("|");
  for (int i = 0; i < k; i++) {
    Py_INCREF(g_text);
    PyUnicode_AppendAndDel(&acc, g_text);
    Py_INCREF(sep);
    PyUnicode_AppendAndDel(&acc, sep);
    if (ext_test_next_random(seed) % 8 == 0) sched_yield();
  }
  PyObject* parts = acc == NULL ? NULL : PyUnicode_RSplit(acc, sep, -1);
  if (parts == NULL || PyList_GET_SIZE(parts) != k + 1) {
    errors++;
  } else {
    for (int i = 0; i < k; i++) {
      if (PyUnicode_Compare(PyList_GET_ITEM(parts, i), g_text) != 0) errors++;
    }
    if (PyUnicode_GET_LENGTH(PyList_GET_ITEM(parts, k)) != 0) errors++;
  }
  PyObject* lines = PyUnicode_Splitlines(g_text, 1);
  if (lines == NULL || PyList_GET_SIZE(lines) != 2) errors++;
  PyObject* part = PyUnicode_Partition(g_text, sep);
  if (part == NULL || PyTuple_GET_ITEM(part, 0) != g_text) errors++;
  Py_XDECREF(part);
  Py_XDECREF(lines);
  Py_XDECREF(parts);
  Py_DECREF(sep);
  Py_XDECREF(acc);
  if (PyErr_Occurred()) {
    PyErr_Clear();
    errors++;
  }
  return errors;
}

static void* worker(void* arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  for (long i = 0; i < g_iters; i++) atomic_fetch_add(&g_errors, one_round(&seed));
  PyGILState_Release(g);
  return NULL;
}

int main(void) {
  const unsigned seed = ext_test_seed();
  Py_Initialize();
  test_conversions();
  test_splitting();
  test_utf16_32();
  test_fs();

  g_text = u("caf\xc3\xa9 \xe2\x82\xac\n\xf0\x9f\x98\x80 end");
  g_raw = PyBytes_FromStringAndSize("/tmp/\xff\xfe" "caf\xc3\xa9\x80", 13);
  CHECK(g_raw != NULL);
  unsigned s0 = seed;
  CHECK_EQ_LL(one_round(&s0), 0);
  g_iters = ext_test_scaled(300, 40);
  ext_test_run_threads(kThreads, worker, seed);
  CHECK_EQ_LL(atomic_load(&g_errors), 0);
  Py_CLEAR(g_raw);
  Py_CLEAR(g_text);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
