/* Two C API pieces real extensions need, through Python.h as an extension
 * sees it:
 *   - CPython 3.13's _PyUnicodeWriter (the struct's layout, every function
 *     and macro, direct PyUnicode_WRITE after _PyUnicodeWriter_Prepare,
 *     widening 1 -> 2 -> 4 bytes mid-way, narrowing at Finish, growth with
 *     and without overallocate, the readonly shortcut, Finish of an empty
 *     writer, Dealloc without Finish, the errors), and the way the vendored
 *     pythoncapi_compat.h builds 3.14's PyUnicodeWriter_* on it (its few
 *     wrappers written out again here, under other names: that header
 *     defines the PyUnicodeWriter names itself);
 *   - types.GenericAlias: a static type whose __class_getitem__ is
 *     Py_GenericAlias, subscripted with PyObject_GetItem, with CPython
 *     3.13's reprs, ==, hash, attributes, calls and errors; an alias in a
 *     reference cycle collected;
 *   - 8 threads (random yields, seeded) building aliases and strings
 *     concurrently and sharing one alias, every result checked.
 * Nothing may leak after Py_FinalizeEx. Expected values are CPython 3.13's
 * (checked with its python3). */
#include "Python.h"

#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "tests/ext/ext_test_util.h"

/* ---- helpers ----------------------------------------------------------- */

static void check_str(PyObject* s, const char* utf8) {
  CHECK(s != NULL);
  CHECK(PyUnicode_CheckExact(s));
  if (!PyUnicode_EqualToUTF8(s, utf8)) {
    fprintf(stderr, "got '%s', expected '%s'\n", PyUnicode_AsUTF8(s), utf8);
    abort();
  }
}

static void check_repr(PyObject* o, const char* utf8) {
  PyObject* r = PyObject_Repr(o);
  check_str(r, utf8);
  Py_DECREF(r);
}

/* The kind a str of these code points must have (PEP 393's narrowest). */
static int narrowest_kind(Py_UCS4 maxchar) {
  return maxchar < 0x100 ? PyUnicode_1BYTE_KIND
         : maxchar < 0x10000 ? PyUnicode_2BYTE_KIND : PyUnicode_4BYTE_KIND;
}

/* s holds exactly cps[0..n) at the narrowest kind, ASCII flag right. */
static void check_code_points(PyObject* s, const Py_UCS4* cps, Py_ssize_t n) {
  CHECK(s != NULL && PyUnicode_CheckExact(s));
  CHECK_EQ_LL(PyUnicode_GET_LENGTH(s), n);
  Py_UCS4 maxchar = 0;
  for (Py_ssize_t i = 0; i < n; i++) {
    CHECK_EQ_LL(PyUnicode_READ_CHAR(s, i), cps[i]);
    if (cps[i] > maxchar) maxchar = cps[i];
  }
  CHECK_EQ_LL(PyUnicode_KIND(s), narrowest_kind(maxchar));
  CHECK_EQ_LL(PyUnicode_IS_ASCII(s), maxchar < 0x80);
  /* Every str ends with a NUL of its kind. */
  CHECK_EQ_LL(PyUnicode_READ(PyUnicode_KIND(s), PyUnicode_DATA(s), n), 0);
}

/* ---- _PyUnicodeWriter: layout and Init --------------------------------- */

static void test_layout_and_init(void) {
  /* CPython 3.13's layout (x86-64 / aarch64). */
  CHECK_EQ_LL(sizeof(_PyUnicodeWriter), 56);
  CHECK_EQ_LL(offsetof(_PyUnicodeWriter, buffer), 0);
  CHECK_EQ_LL(offsetof(_PyUnicodeWriter, data), 8);
  CHECK_EQ_LL(offsetof(_PyUnicodeWriter, kind), 16);
  CHECK_EQ_LL(offsetof(_PyUnicodeWriter, maxchar), 20);
  CHECK_EQ_LL(offsetof(_PyUnicodeWriter, size), 24);
  CHECK_EQ_LL(offsetof(_PyUnicodeWriter, pos), 32);
  CHECK_EQ_LL(offsetof(_PyUnicodeWriter, min_length), 40);
  CHECK_EQ_LL(offsetof(_PyUnicodeWriter, min_char), 48);
  CHECK_EQ_LL(offsetof(_PyUnicodeWriter, overallocate), 52);
  CHECK_EQ_LL(offsetof(_PyUnicodeWriter, readonly), 53);

  _PyUnicodeWriter w;
  memset(&w, 0xAB, sizeof w);
  _PyUnicodeWriter_Init(&w);
  CHECK(w.buffer == NULL && w.data == NULL);
  CHECK_EQ_LL(w.kind, 0);
  CHECK_EQ_LL(w.maxchar, 0);
  CHECK_EQ_LL(w.size, 0);
  CHECK_EQ_LL(w.pos, 0);
  CHECK_EQ_LL(w.min_length, 0);
  CHECK_EQ_LL(w.min_char, 127);
  CHECK_EQ_LL(w.overallocate, 0);
  CHECK_EQ_LL(w.readonly, 0);
  _PyUnicodeWriter_Dealloc(&w); /* nothing to drop */
  CHECK(w.buffer == NULL);
}

/* ---- every Write function, then Finish --------------------------------- */

static void test_every_write(void) {
  PyObject* greek = PyUnicode_FromString("\xce\xb1\xce\xb2\xce\xb3"); /* αβγ */
  CHECK(greek != NULL);
  _PyUnicodeWriter w;
  _PyUnicodeWriter_Init(&w);
  w.overallocate = 1;
  CHECK(_PyUnicodeWriter_WriteASCIIString(&w, "abc", -1) == 0);
  CHECK(_PyUnicodeWriter_WriteASCIIString(&w, "defXX", 3) == 0);
  CHECK_EQ_LL(w.pos, 6);
  CHECK_EQ_LL(w.kind, PyUnicode_1BYTE_KIND);
  CHECK(_PyUnicodeWriter_WriteLatin1String(&w, "caf\xe9", 4) == 0);
  CHECK_EQ_LL(w.kind, PyUnicode_1BYTE_KIND);
  CHECK_EQ_LL(w.maxchar, 0xFF);
  CHECK(_PyUnicodeWriter_WriteChar(&w, '!') == 0);
  CHECK(_PyUnicodeWriter_WriteStr(&w, greek) == 0);
  CHECK_EQ_LL(w.kind, PyUnicode_2BYTE_KIND);
  CHECK(_PyUnicodeWriter_WriteSubstring(&w, greek, 1, 3) == 0);
  CHECK(_PyUnicodeWriter_WriteSubstring(&w, greek, 2, 2) == 0); /* empty */
  PyObject* nothing = PyUnicode_FromString("");
  CHECK(_PyUnicodeWriter_WriteStr(&w, nothing) == 0);
  Py_DECREF(nothing);
  CHECK_EQ_LL(w.pos, 6 + 4 + 1 + 3 + 2);
  PyObject* s = _PyUnicodeWriter_Finish(&w);
  CHECK(w.buffer == NULL);
  check_str(s, "abcdefcaf\xc3\xa9!\xce\xb1\xce\xb2\xce\xb3\xce\xb2\xce\xb3");
  CHECK_EQ_LL(PyUnicode_KIND(s), PyUnicode_2BYTE_KIND);
  Py_DECREF(s);

  /* A substring of a wide string whose own characters are narrow: the
   * writer stays at 1 byte. */
  PyObject* mixed = PyUnicode_FromString("ab\xf0\x9f\x98\x80"); /* ab😀 */
  _PyUnicodeWriter_Init(&w);
  CHECK(_PyUnicodeWriter_WriteSubstring(&w, mixed, 0, 2) == 0);
  CHECK_EQ_LL(w.kind, PyUnicode_1BYTE_KIND);
  s = _PyUnicodeWriter_Finish(&w);
  check_str(s, "ab");
  CHECK(PyUnicode_IS_ASCII(s));
  Py_DECREF(s);
  Py_DECREF(mixed);
  Py_DECREF(greek);
}

/* ---- Prepare, then PyUnicode_WRITE by hand ----------------------------- */

static void test_direct_write(void) {
  _PyUnicodeWriter w;
  _PyUnicodeWriter_Init(&w);
  CHECK(_PyUnicodeWriter_Prepare(&w, 5, 127) == 0);
  CHECK(w.buffer != NULL && w.data != NULL);
  CHECK(w.size - w.pos >= 5);
  const char* hello = "hello";
  for (int i = 0; i < 5; i++) {
    PyUnicode_WRITE(w.kind, w.data, w.pos, (Py_UCS4)hello[i]);
    w.pos++;
  }
  /* Nothing more is needed for a length of 0 (the macro's short cut). */
  CHECK(_PyUnicodeWriter_Prepare(&w, 0, 0x10FFFF) == 0);
  /* Widen by kind, keeping what is written, then write wide by hand. */
  CHECK(_PyUnicodeWriter_PrepareKind(&w, PyUnicode_2BYTE_KIND) == 0);
  CHECK_EQ_LL(w.kind, PyUnicode_2BYTE_KIND);
  CHECK_EQ_LL(w.maxchar, 0xFFFF);
  CHECK(_PyUnicodeWriter_PrepareKind(&w, PyUnicode_1BYTE_KIND) == 0); /* no-op */
  CHECK_EQ_LL(w.kind, PyUnicode_2BYTE_KIND);
  CHECK(_PyUnicodeWriter_Prepare(&w, 1, 0x20AC) == 0);
  PyUnicode_WRITE(w.kind, w.data, w.pos, 0x20AC);
  w.pos++;
  CHECK(_PyUnicodeWriter_PrepareKind(&w, PyUnicode_4BYTE_KIND) == 0);
  CHECK_EQ_LL(w.kind, PyUnicode_4BYTE_KIND);
  CHECK(_PyUnicodeWriter_Prepare(&w, 2, 0x1F600) == 0);
  PyUnicode_WRITE(w.kind, w.data, w.pos, 0x1F600);
  w.pos++;
  PyUnicode_WRITE(w.kind, w.data, w.pos, 'z');
  w.pos++;
  PyObject* s = _PyUnicodeWriter_Finish(&w);
  const Py_UCS4 want[] = {'h', 'e', 'l', 'l', 'o', 0x20AC, 0x1F600, 'z'};
  check_code_points(s, want, 8);
  Py_DECREF(s);

  /* The Internal functions called directly, as some extensions do. */
  _PyUnicodeWriter_Init(&w);
  CHECK(_PyUnicodeWriter_PrepareInternal(&w, 3, 0xFF) == 0);
  CHECK_EQ_LL(w.kind, PyUnicode_1BYTE_KIND);
  CHECK_EQ_LL(w.maxchar, 0xFF);
  CHECK(_PyUnicodeWriter_PrepareKindInternal(&w, PyUnicode_2BYTE_KIND) == 0);
  CHECK_EQ_LL(w.kind, PyUnicode_2BYTE_KIND);
  for (Py_UCS4 c = 'x'; c <= 'z'; c++) {
    PyUnicode_WRITE(w.kind, w.data, w.pos, c);
    w.pos++;
  }
  /* Prepared wide, written narrow: Finish gives the narrowest str. */
  s = _PyUnicodeWriter_Finish(&w);
  check_str(s, "xyz");
  CHECK_EQ_LL(PyUnicode_KIND(s), PyUnicode_1BYTE_KIND);
  CHECK(PyUnicode_IS_ASCII(s));
  Py_DECREF(s);

  /* Latin-1 text in a 4-byte buffer narrows to 1 byte, not ASCII. */
  _PyUnicodeWriter_Init(&w);
  CHECK(_PyUnicodeWriter_Prepare(&w, 2, 0x10FFFF) == 0);
  PyUnicode_WRITE(w.kind, w.data, w.pos++, 0xE9);
  PyUnicode_WRITE(w.kind, w.data, w.pos++, 'a');
  s = _PyUnicodeWriter_Finish(&w);
  const Py_UCS4 latin[] = {0xE9, 'a'};
  check_code_points(s, latin, 2);
  Py_DECREF(s);
}

/* ---- widening 1 -> 2 -> 4 bytes through the Write functions ------------ */

static void test_widening(void) {
  for (int overallocate = 0; overallocate <= 1; overallocate++) {
    _PyUnicodeWriter w;
    _PyUnicodeWriter_Init(&w);
    w.overallocate = (unsigned char)overallocate;
    Py_UCS4 want[64];
    Py_ssize_t n = 0;
    for (const char* p = "start:"; *p; p++) {
      CHECK(_PyUnicodeWriter_WriteChar(&w, (Py_UCS4)*p) == 0);
      want[n++] = (Py_UCS4)*p;
    }
    CHECK_EQ_LL(w.kind, PyUnicode_1BYTE_KIND);
    CHECK(_PyUnicodeWriter_WriteChar(&w, 0x3B1) == 0); /* α */
    want[n++] = 0x3B1;
    CHECK_EQ_LL(w.kind, PyUnicode_2BYTE_KIND);
    CHECK(_PyUnicodeWriter_WriteASCIIString(&w, "mid", 3) == 0);
    want[n++] = 'm';
    want[n++] = 'i';
    want[n++] = 'd';
    CHECK(_PyUnicodeWriter_WriteChar(&w, 0x10FFFF) == 0);
    want[n++] = 0x10FFFF;
    CHECK_EQ_LL(w.kind, PyUnicode_4BYTE_KIND);
    CHECK(_PyUnicodeWriter_WriteLatin1String(&w, "\xff!", 2) == 0);
    want[n++] = 0xFF;
    want[n++] = '!';
    /* What was written before each widening is still there. */
    for (Py_ssize_t i = 0; i < n; i++) {
      CHECK_EQ_LL(PyUnicode_READ(w.kind, w.data, i), want[i]);
    }
    PyObject* s = _PyUnicodeWriter_Finish(&w);
    check_code_points(s, want, n);
    Py_DECREF(s);
  }
}

/* ---- growth with and without overallocate, min_length ------------------ */

static void test_overallocate(void) {
  enum { kChars = 200 };
  _PyUnicodeWriter w;
  _PyUnicodeWriter_Init(&w);
  /* Without overallocate every write makes the buffer exactly as long as
   * the text. */
  for (int i = 0; i < kChars; i++) {
    CHECK(_PyUnicodeWriter_WriteChar(&w, (Py_UCS4)('a' + i % 26)) == 0);
    CHECK_EQ_LL(w.size, w.pos);
  }
  PyObject* exact = _PyUnicodeWriter_Finish(&w);
  CHECK_EQ_LL(PyUnicode_GET_LENGTH(exact), kChars);

  /* With it, the buffer grows by a quarter more than asked: few
   * reallocations, and room to spare on the way. */
  _PyUnicodeWriter_Init(&w);
  w.overallocate = 1;
  int grows = 0, spare_seen = 0;
  Py_ssize_t last_size = 0;
  for (int i = 0; i < kChars; i++) {
    CHECK(_PyUnicodeWriter_WriteChar(&w, (Py_UCS4)('a' + i % 26)) == 0);
    CHECK(w.size >= w.pos);
    if (w.size != last_size) {
      grows++;
      last_size = w.size;
    }
    if (w.size > w.pos) spare_seen = 1;
  }
  CHECK(spare_seen);
  CHECK(grows < 30); /* 200 chars at +25% from 1: about 20 steps */
  CHECK(grows > 1);
  PyObject* over = _PyUnicodeWriter_Finish(&w);
  /* The same text, and an exact-length str. */
  CHECK(PyUnicode_Compare(exact, over) == 0);
  CHECK_EQ_LL(PyUnicode_GET_LENGTH(over), kChars);
  Py_DECREF(over);
  Py_DECREF(exact);

  /* min_length: the first buffer holds at least that many. */
  _PyUnicodeWriter_Init(&w);
  w.min_length = 100;
  w.overallocate = 1;
  CHECK(_PyUnicodeWriter_WriteChar(&w, 'q') == 0);
  CHECK(w.size >= 100);
  PyObject* q = _PyUnicodeWriter_Finish(&w);
  check_str(q, "q");
  CHECK_EQ_LL(PyUnicode_GET_LENGTH(q), 1);
  Py_DECREF(q);

  /* min_char: the buffer's kind is at least what it allows. */
  _PyUnicodeWriter_Init(&w);
  w.min_char = 0x1000;
  CHECK(_PyUnicodeWriter_WriteChar(&w, 'a') == 0);
  CHECK_EQ_LL(w.kind, PyUnicode_2BYTE_KIND);
  q = _PyUnicodeWriter_Finish(&w);
  check_str(q, "a");
  CHECK_EQ_LL(PyUnicode_KIND(q), PyUnicode_1BYTE_KIND); /* narrowed */
  Py_DECREF(q);
}

/* ---- the readonly shortcut, empty writers, Dealloc ---------------------- */

static void test_readonly_empty_dealloc(void) {
  PyObject* s = PyUnicode_FromString("shared text");
  CHECK(s != NULL);
  const Py_ssize_t refs = Py_REFCNT(s);

  /* The first WriteStr of a writer that does not overallocate keeps the
   * string itself; Finish hands it back. */
  _PyUnicodeWriter w;
  _PyUnicodeWriter_Init(&w);
  CHECK(_PyUnicodeWriter_WriteStr(&w, s) == 0);
  CHECK(w.buffer == s);
  CHECK_EQ_LL(w.readonly, 1);
  CHECK_EQ_LL(w.size, 0);
  CHECK_EQ_LL(w.pos, 11);
  CHECK_EQ_LL(Py_REFCNT(s), refs + 1);
  PyObject* r = _PyUnicodeWriter_Finish(&w);
  CHECK(r == s);
  CHECK(w.buffer == NULL);
  Py_DECREF(r);
  CHECK_EQ_LL(Py_REFCNT(s), refs);

  /* Writing more copies it; the shared string is untouched. */
  _PyUnicodeWriter_Init(&w);
  CHECK(_PyUnicodeWriter_WriteStr(&w, s) == 0);
  CHECK(_PyUnicodeWriter_WriteChar(&w, 0x263A) == 0); /* ☺ */
  CHECK(w.buffer != s);
  CHECK_EQ_LL(w.readonly, 0);
  CHECK_EQ_LL(Py_REFCNT(s), refs);
  r = _PyUnicodeWriter_Finish(&w);
  check_str(r, "shared text\xe2\x98\xba");
  check_str(s, "shared text");
  Py_DECREF(r);

  /* WriteASCIIString's shortcut, and Prepare after it. */
  _PyUnicodeWriter_Init(&w);
  CHECK(_PyUnicodeWriter_WriteASCIIString(&w, "abc", 3) == 0);
  CHECK_EQ_LL(w.readonly, 1);
  CHECK(_PyUnicodeWriter_Prepare(&w, 1, 127) == 0);
  CHECK_EQ_LL(w.readonly, 0);
  PyUnicode_WRITE(w.kind, w.data, w.pos++, 'd');
  r = _PyUnicodeWriter_Finish(&w);
  check_str(r, "abcd");
  Py_DECREF(r);

  /* Dealloc of a readonly writer gives the reference back. */
  _PyUnicodeWriter_Init(&w);
  CHECK(_PyUnicodeWriter_WriteStr(&w, s) == 0);
  CHECK_EQ_LL(Py_REFCNT(s), refs + 1);
  _PyUnicodeWriter_Dealloc(&w);
  CHECK(w.buffer == NULL);
  CHECK_EQ_LL(Py_REFCNT(s), refs);

  /* Finish of a writer that wrote nothing, and of one that only
   * prepared: the empty string. */
  PyObject* empty = PyUnicode_FromString("");
  _PyUnicodeWriter_Init(&w);
  r = _PyUnicodeWriter_Finish(&w);
  check_str(r, "");
  CHECK(r == empty); /* the one empty string, as CPython */
  Py_DECREF(r);
  _PyUnicodeWriter_Init(&w);
  CHECK(_PyUnicodeWriter_Prepare(&w, 50, 0x10FFFF) == 0);
  CHECK(_PyUnicodeWriter_WriteStr(&w, empty) == 0);
  r = _PyUnicodeWriter_Finish(&w);
  CHECK_EQ_LL(PyUnicode_GET_LENGTH(r), 0);
  CHECK(r == empty);
  Py_DECREF(r);
  Py_DECREF(empty);

  /* Dealloc without Finish, with a buffer of each kind (the leak count
   * after Py_FinalizeEx would catch a lost one). */
  const Py_UCS4 chars[] = {'a', 0xE9, 0x3B1, 0x1F600};
  for (int i = 0; i < 4; i++) {
    _PyUnicodeWriter_Init(&w);
    w.overallocate = 1;
    CHECK(_PyUnicodeWriter_WriteChar(&w, chars[i]) == 0);
    CHECK(w.buffer != NULL);
    _PyUnicodeWriter_Dealloc(&w);
    CHECK(w.buffer == NULL);
    _PyUnicodeWriter_Dealloc(&w); /* twice is harmless */
  }
  Py_DECREF(s);
}

/* ---- errors ------------------------------------------------------------- */

static void test_errors(void) {
  _PyUnicodeWriter w;
  _PyUnicodeWriter_Init(&w);
  CHECK(_PyUnicodeWriter_WriteASCIIString(&w, "ok", 2) == 0);
  CHECK(_PyUnicodeWriter_WriteChar(&w, 0x110000) == -1);
  ext_test_expect_error(PyExc_ValueError, "character must be in range(0x110000)");
  CHECK(_PyUnicodeWriter_WriteChar(&w, 0xFFFFFFFFu) == -1);
  ext_test_expect_error(PyExc_ValueError, "character must be in range(0x110000)");
  CHECK_EQ_LL(w.pos, 2); /* unchanged */

  PyObject* num = PyLong_FromLong(7);
  CHECK(_PyUnicodeWriter_WriteStr(&w, num) == -1);
  ext_test_expect_error(PyExc_TypeError, "bad argument type for _PyUnicodeWriter_WriteStr(): int");
  CHECK(_PyUnicodeWriter_WriteStr(&w, NULL) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(_PyUnicodeWriter_WriteSubstring(&w, num, 0, 1) == -1);
  ext_test_expect_error(PyExc_TypeError, NULL);
  Py_DECREF(num);

  PyObject* abc = PyUnicode_FromString("abc");
  CHECK(_PyUnicodeWriter_WriteSubstring(&w, abc, 2, 1) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(_PyUnicodeWriter_WriteSubstring(&w, abc, -1, 2) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(_PyUnicodeWriter_WriteSubstring(&w, abc, 0, 4) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(abc);

  CHECK(_PyUnicodeWriter_WriteASCIIString(&w, "caf\xe9", 4) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(_PyUnicodeWriter_WriteLatin1String(&w, "x", -1) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(_PyUnicodeWriter_PrepareInternal(&w, 1, 0x110000) == -1);
  ext_test_expect_error(PyExc_SystemError, "invalid maximum character passed to PyUnicode_New");
  CHECK(_PyUnicodeWriter_PrepareInternal(&w, PY_SSIZE_T_MAX, 127) == -1);
  ext_test_expect_error(PyExc_MemoryError, NULL);
  CHECK(_PyUnicodeWriter_PrepareKindInternal(&w, 3) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* After all of that the writer still holds exactly "ok". */
  CHECK(!PyErr_Occurred());
  PyObject* s = _PyUnicodeWriter_Finish(&w);
  check_str(s, "ok");
  Py_DECREF(s);
}

/* ---- pythoncapi_compat.h's PyUnicodeWriter, as it builds it ------------- */
/* The same shape as pythoncapi_compat.h's wrappers (an opaque struct that
 * is really a PyMem_Malloc'd _PyUnicodeWriter), named Compat* here so they
 * cannot clash with anything. */

typedef struct CompatWriter CompatWriter;

static void CompatWriter_Discard(CompatWriter* writer) {
  _PyUnicodeWriter_Dealloc((_PyUnicodeWriter*)writer);
  PyMem_Free(writer);
}

static CompatWriter* CompatWriter_Create(Py_ssize_t length) {
  CompatWriter* pub = (CompatWriter*)PyMem_Malloc(sizeof(_PyUnicodeWriter));
  if (pub == NULL) return (CompatWriter*)PyErr_NoMemory();
  _PyUnicodeWriter* writer = (_PyUnicodeWriter*)pub;
  _PyUnicodeWriter_Init(writer);
  if (_PyUnicodeWriter_Prepare(writer, length, 127) < 0) {
    CompatWriter_Discard(pub);
    return NULL;
  }
  writer->overallocate = 1;
  return pub;
}

static PyObject* CompatWriter_Finish(CompatWriter* writer) {
  PyObject* str = _PyUnicodeWriter_Finish((_PyUnicodeWriter*)writer);
  CHECK(((_PyUnicodeWriter*)writer)->buffer == NULL);
  PyMem_Free(writer);
  return str;
}

static int CompatWriter_WriteChar(CompatWriter* writer, Py_UCS4 ch) {
  return _PyUnicodeWriter_WriteChar((_PyUnicodeWriter*)writer, ch);
}

static int compat_write_new(CompatWriter* writer, PyObject* str) {
  if (str == NULL) return -1;
  int res = _PyUnicodeWriter_WriteStr((_PyUnicodeWriter*)writer, str);
  Py_DECREF(str);
  return res;
}

static int CompatWriter_WriteStr(CompatWriter* writer, PyObject* obj) {
  return compat_write_new(writer, PyObject_Str(obj));
}

static int CompatWriter_WriteRepr(CompatWriter* writer, PyObject* obj) {
  return compat_write_new(writer, PyObject_Repr(obj));
}

static int CompatWriter_WriteUTF8(CompatWriter* writer, const char* str, Py_ssize_t size) {
  if (size < 0) size = (Py_ssize_t)strlen(str);
  return compat_write_new(writer, PyUnicode_FromStringAndSize(str, size));
}

/* A repr of a list written the way an extension's tp_repr would. */
static PyObject* compat_list_repr(PyObject* list) {
  CompatWriter* w = CompatWriter_Create(0);
  if (w == NULL) return NULL;
  if (CompatWriter_WriteUTF8(w, "<", 1) < 0) goto error;
  if (CompatWriter_WriteUTF8(w, "Bag\xe2\x80\xa2", -1) < 0) goto error; /* Bag• */
  if (CompatWriter_WriteChar(w, '(') < 0) goto error;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
    if (i > 0 && CompatWriter_WriteUTF8(w, ", ", 2) < 0) goto error;
    PyObject* item = PyList_GET_ITEM(list, i);
    if (CompatWriter_WriteRepr(w, item) < 0) goto error;
    if (CompatWriter_WriteChar(w, '=') < 0) goto error;
    if (CompatWriter_WriteStr(w, item) < 0) goto error;
  }
  if (CompatWriter_WriteUTF8(w, ")>", -1) < 0) goto error;
  return CompatWriter_Finish(w);
error:
  CompatWriter_Discard(w);
  return NULL;
}

static void test_compat_pattern(void) {
  PyObject* list = Py_BuildValue("[isd]", 1, "x\xf0\x9f\x98\x80", 2.5);
  CHECK(list != NULL);
  PyObject* r = compat_list_repr(list);
  check_str(r, "<Bag\xe2\x80\xa2(1=1, 'x\xf0\x9f\x98\x80'=x\xf0\x9f\x98\x80, 2.5=2.5)>");
  CHECK_EQ_LL(PyUnicode_KIND(r), PyUnicode_4BYTE_KIND);
  Py_DECREF(r);
  Py_DECREF(list);

  /* An error part-way: Discard frees everything. */
  CompatWriter* w = CompatWriter_Create(10);
  CHECK(w != NULL);
  CHECK(CompatWriter_WriteUTF8(w, "partial", -1) == 0);
  CHECK(CompatWriter_WriteUTF8(w, "\xff", 1) == -1); /* invalid UTF-8 */
  ext_test_expect_error(PyExc_UnicodeDecodeError, NULL);
  CompatWriter_Discard(w);

  /* Create(n) with nothing written finishes as "". */
  w = CompatWriter_Create(100);
  CHECK(w != NULL);
  r = CompatWriter_Finish(w);
  check_str(r, "");
  Py_DECREF(r);
}

/* ---- types.GenericAlias ------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject* dict;
  long value;
} MDObject;

static void MD_dealloc(MDObject* self) {
  Py_CLEAR(self->dict);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyObject* MD_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  (void)kwargs;
  long value = 0;
  if (!PyArg_ParseTuple(args, "|l", &value)) return NULL;
  MDObject* self = (MDObject*)type->tp_alloc(type, 0);
  if (self != NULL) self->value = value;
  return (PyObject*)self;
}

static PyMethodDef MD_methods[] = {
    {"__class_getitem__", (PyCFunction)Py_GenericAlias, METH_O | METH_CLASS,
     PyDoc_STR("See PEP 585")},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef MD_getset[] = {
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject MDType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "mymod.MD",
    .tp_basicsize = sizeof(MDObject),
    .tp_dealloc = (destructor)MD_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = MD_methods,
    .tp_getset = MD_getset,
    .tp_dictoffset = offsetof(MDObject, dict),
    .tp_new = MD_new,
};

static PyObject* get_attr(PyObject* o, const char* name) {
  PyObject* v = PyObject_GetAttrString(o, name);
  if (v == NULL) ext_test_die_with_error(name);
  return v;
}

static PyObject* md_int_str(void) {
  PyObject* key = PyTuple_Pack(2, (PyObject*)&PyLong_Type, (PyObject*)&PyUnicode_Type);
  CHECK(key != NULL);
  PyObject* alias = PyObject_GetItem((PyObject*)&MDType, key);
  Py_DECREF(key);
  return alias;
}

static void test_generic_alias_basics(void) {
  PyObject* md = (PyObject*)&MDType;
  PyObject* alias = PyObject_GetItem(md, (PyObject*)&PyLong_Type);
  CHECK(alias != NULL);
  CHECK(Py_IS_TYPE(alias, &Py_GenericAliasType));
  check_repr(alias, "mymod.MD[int]");
  check_repr((PyObject*)Py_TYPE(alias), "<class 'types.GenericAlias'>");

  PyObject* origin = get_attr(alias, "__origin__");
  CHECK(origin == md);
  Py_DECREF(origin);
  PyObject* args = get_attr(alias, "__args__");
  CHECK(PyTuple_CheckExact(args) && PyTuple_GET_SIZE(args) == 1);
  CHECK(PyTuple_GET_ITEM(args, 0) == (PyObject*)&PyLong_Type);
  Py_DECREF(args);
  PyObject* params = get_attr(alias, "__parameters__");
  CHECK(PyTuple_CheckExact(params) && PyTuple_GET_SIZE(params) == 0);
  Py_DECREF(params);
  PyObject* unpacked = get_attr(alias, "__unpacked__");
  CHECK(unpacked == Py_False);
  Py_DECREF(unpacked);
  /* Read-only. */
  CHECK(PyObject_SetAttrString(alias, "__origin__", Py_None) == -1);
  CHECK(PyErr_ExceptionMatches(PyExc_AttributeError));
  PyErr_Clear();

  /* Two arguments; == and hash by origin and args. */
  PyObject* two = md_int_str();
  CHECK(two != NULL);
  check_repr(two, "mymod.MD[int, str]");
  PyObject* two_args = get_attr(two, "__args__");
  PyObject* two_again = Py_GenericAlias(md, two_args);
  Py_DECREF(two_args);
  CHECK(two_again != NULL && two_again != two);
  CHECK(PyObject_RichCompareBool(two, two_again, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(two, two_again, Py_NE) == 0);
  CHECK(PyObject_RichCompareBool(two, alias, Py_EQ) == 0);
  CHECK(PyObject_RichCompareBool(two, alias, Py_NE) == 1);
  CHECK(PyObject_RichCompareBool(alias, md, Py_EQ) == 0);
  CHECK_EQ_LL(PyObject_Hash(two), PyObject_Hash(two_again));
  PyObject* targs = PyTuple_Pack(2, (PyObject*)&PyLong_Type, (PyObject*)&PyUnicode_Type);
  CHECK_EQ_LL(PyObject_Hash(two), PyObject_Hash(md) ^ PyObject_Hash(targs));
  Py_DECREF(targs);
  CHECK(PyObject_RichCompare(two, two_again, Py_LT) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "'<' not supported between instances of 'types.GenericAlias' and "
                        "'types.GenericAlias'");
  Py_DECREF(two_again);
  Py_DECREF(two);

  /* Calling the alias calls the origin and records __orig_class__. */
  PyObject* inst = PyObject_CallFunction(alias, "l", 42L);
  CHECK(inst != NULL && Py_IS_TYPE(inst, &MDType));
  CHECK_EQ_LL(((MDObject*)inst)->value, 42);
  PyObject* orig = get_attr(inst, "__orig_class__");
  CHECK(orig == alias);
  Py_DECREF(orig);
  Py_DECREF(inst);
  /* Errors of the call are the origin's. */
  CHECK(PyObject_CallFunction(alias, "s", "x") == NULL);
  ext_test_expect_error(PyExc_TypeError, NULL);

  /* Other attributes are the origin's. */
  PyObject* name = get_attr(alias, "__name__");
  check_str(name, "MD");
  Py_DECREF(name);
  PyObject* cls = get_attr(alias, "__class__");
  CHECK(cls == (PyObject*)&Py_GenericAliasType);
  Py_DECREF(cls);
  CHECK(PyObject_GetAttrString(alias, "nope") == NULL);
  ext_test_expect_error(PyExc_AttributeError, "type object 'mymod.MD' has no attribute 'nope'");

  PyObject* entries = PyObject_CallMethod(alias, "__mro_entries__", "(O)", md);
  CHECK(entries != NULL && PyTuple_GET_SIZE(entries) == 1 && PyTuple_GET_ITEM(entries, 0) == md);
  Py_DECREF(entries);
  PyObject* reduced = PyObject_CallMethod(alias, "__reduce__", NULL);
  check_repr(reduced, "(<class 'types.GenericAlias'>, (<class 'mymod.MD'>, (<class 'int'>,)))");
  Py_DECREF(reduced);
  /* isinstance / issubclass refuse an alias (the type's own methods;
   * through the alias the names would be the origin's). */
  CHECK(PyObject_IsInstance(md, alias) == -1);
  ext_test_expect_error(PyExc_TypeError, NULL);
  PyObject* check = PyObject_GetAttrString((PyObject*)&Py_GenericAliasType, "__instancecheck__");
  CHECK(check != NULL);
  CHECK(PyObject_CallFunction(check, "OO", alias, md) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "isinstance() argument 2 cannot be a parameterized generic");
  Py_DECREF(check);
  check = PyObject_GetAttrString((PyObject*)&Py_GenericAliasType, "__subclasscheck__");
  CHECK(check != NULL);
  CHECK(PyObject_CallFunction(check, "OO", alias, md) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "issubclass() argument 2 cannot be a parameterized generic");
  Py_DECREF(check);
  Py_DECREF(alias);
}

static void test_generic_alias_reprs(void) {
  PyObject* list = (PyObject*)&PyList_Type;
  PyObject* i = (PyObject*)&PyLong_Type;
  PyObject* s = (PyObject*)&PyUnicode_Type;

  PyObject* list_int = Py_GenericAlias(list, i);
  check_repr(list_int, "list[int]");
  PyObject* dict_args = PyTuple_Pack(2, s, list_int);
  PyObject* nested = Py_GenericAlias((PyObject*)&PyDict_Type, dict_args);
  check_repr(nested, "dict[str, list[int]]");
  Py_DECREF(nested);
  Py_DECREF(dict_args);

  PyObject* ell = PyTuple_Pack(2, i, Py_Ellipsis);
  PyObject* var = Py_GenericAlias((PyObject*)&PyTuple_Type, ell);
  check_repr(var, "tuple[int, ...]");
  Py_DECREF(var);
  Py_DECREF(ell);

  PyObject* empty = PyTuple_New(0);
  PyObject* unit = Py_GenericAlias((PyObject*)&PyTuple_Type, empty);
  check_repr(unit, "tuple[()]");
  Py_DECREF(unit);
  Py_DECREF(empty);

  PyObject* plist = Py_BuildValue("([OO])", i, s);
  PyObject* params = Py_GenericAlias(list, plist);
  check_repr(params, "list[[int, str]]");
  Py_DECREF(params);
  Py_DECREF(plist);

  PyObject* others = Py_BuildValue("(sOdO)", "x", Py_None, 1.5, Py_Ellipsis);
  PyObject* misc = Py_GenericAlias(list, others);
  check_repr(misc, "list['x', None, 1.5, ...]");
  Py_DECREF(misc);
  Py_DECREF(others);

  PyObject* three = PyLong_FromLong(3);
  PyObject* odd = Py_GenericAlias(three, i); /* not a class: its repr */
  check_repr(odd, "3[int]");
  Py_DECREF(odd);
  Py_DECREF(three);

  /* type[int] is built in; other types without __class_getitem__ refuse. */
  PyObject* type_int = PyObject_GetItem((PyObject*)&PyType_Type, i);
  check_repr(type_int, "type[int]");
  Py_DECREF(type_int);
  CHECK(PyObject_GetItem(i, i) == NULL);
  ext_test_expect_error(PyExc_TypeError, "type 'int' is not subscriptable");

  /* A list origin's call: its result takes no attribute, which is fine. */
  PyObject* made = PyObject_CallFunction(list_int, "((ii))", 1, 2);
  check_repr(made, "[1, 2]");
  Py_DECREF(made);
  PyObject* name = get_attr(list_int, "__name__");
  check_str(name, "list");
  Py_DECREF(name);

  /* types.GenericAlias(origin, args) itself. */
  PyObject* direct = PyObject_CallFunction((PyObject*)&Py_GenericAliasType, "OO", list, i);
  CHECK(direct != NULL);
  CHECK(PyObject_RichCompareBool(direct, list_int, Py_EQ) == 1);
  Py_DECREF(direct);
  CHECK(PyObject_CallFunction((PyObject*)&Py_GenericAliasType, "(O)", list) == NULL);
  ext_test_expect_error(PyExc_TypeError, "GenericAlias expected 2 arguments, got 1");
  Py_DECREF(list_int);
}

static void test_generic_alias_cycle(void) {
  /* l = []; a = list[l]; l.append(a): only the collector frees them. */
  PyObject* l = PyList_New(0);
  PyObject* a = Py_GenericAlias((PyObject*)&PyList_Type, l);
  CHECK(a != NULL);
  CHECK(PyList_Append(l, a) == 0);
  CHECK(PyList_GET_ITEM(l, 0) == a);
  PyObject* args = get_attr(a, "__args__");
  CHECK(PyTuple_GET_SIZE(args) == 1 && PyTuple_GET_ITEM(args, 0) == l);
  Py_DECREF(args);
  Py_DECREF(a);
  Py_DECREF(l);
  CHECK(PyGC_Collect() >= 2);
}

/* ---- threads ------------------------------------------------------------ */

enum { kThreads = 8 };
static PyObject* g_shared_alias; /* mymod.MD[int, str], read by every thread */
static atomic_long g_aliases_checked;
static atomic_long g_strings_checked;
static atomic_long g_calls_checked;

static void maybe_yield(unsigned* rng) {
  if (ext_test_next_random(rng) % 4 == 0) sched_yield();
}

static const Py_UCS4 kRanges[] = {0x7F, 0xFF, 0xFFFF, 0x10FFFF};

static void* thread_body(void* arg) {
  unsigned rng = (unsigned)(uintptr_t)arg;
  const long rounds = ext_test_scaled(400, 20);
  PyGILState_STATE g = PyGILState_Ensure();
  for (long r = 0; r < rounds; r++) {
    switch (ext_test_next_random(&rng) % 3) {
      case 0: {
        /* A new alias equal to the shared one. */
        PyObject* mine = md_int_str();
        CHECK(mine != NULL && mine != g_shared_alias);
        maybe_yield(&rng);
        CHECK(PyObject_RichCompareBool(mine, g_shared_alias, Py_EQ) == 1);
        CHECK_EQ_LL(PyObject_Hash(mine), PyObject_Hash(g_shared_alias));
        check_repr(g_shared_alias, "mymod.MD[int, str]");
        check_repr(mine, "mymod.MD[int, str]");
        PyObject* origin = get_attr(g_shared_alias, "__origin__");
        CHECK(origin == (PyObject*)&MDType);
        Py_DECREF(origin);
        Py_DECREF(mine);
        atomic_fetch_add_explicit(&g_aliases_checked, 1, memory_order_relaxed);
        break;
      }
      case 1: {
        /* A string of random code points, grown in random pieces. */
        Py_UCS4 want[96];
        const Py_ssize_t n = (Py_ssize_t)(ext_test_next_random(&rng) % 96);
        _PyUnicodeWriter w;
        _PyUnicodeWriter_Init(&w);
        w.overallocate = (unsigned char)(ext_test_next_random(&rng) % 2);
        for (Py_ssize_t i = 0; i < n; i++) {
          const Py_UCS4 limit = kRanges[ext_test_next_random(&rng) % 4];
          Py_UCS4 c = 1 + ext_test_next_random(&rng) % limit;
          if (c >= 0xD800 && c <= 0xDFFF) c = 'S';
          want[i] = c;
          if (ext_test_next_random(&rng) % 2) {
            CHECK(_PyUnicodeWriter_WriteChar(&w, c) == 0);
          } else {
            CHECK(_PyUnicodeWriter_Prepare(&w, 1, c) == 0);
            PyUnicode_WRITE(w.kind, w.data, w.pos, c);
            w.pos++;
          }
          if (i % 16 == 0) maybe_yield(&rng);
        }
        PyObject* s = _PyUnicodeWriter_Finish(&w);
        check_code_points(s, want, n);
        PyObject* again = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, want, n);
        CHECK(PyUnicode_Compare(s, again) == 0);
        Py_DECREF(again);
        Py_DECREF(s);
        atomic_fetch_add_explicit(&g_strings_checked, 1, memory_order_relaxed);
        break;
      }
      default: {
        /* Call the shared alias: a new MD that records it. */
        const long v = (long)(ext_test_next_random(&rng) % 1000);
        PyObject* inst = PyObject_CallFunction(g_shared_alias, "l", v);
        CHECK(inst != NULL && Py_IS_TYPE(inst, &MDType));
        CHECK_EQ_LL(((MDObject*)inst)->value, v);
        maybe_yield(&rng);
        PyObject* orig = get_attr(inst, "__orig_class__");
        CHECK(orig == g_shared_alias);
        Py_DECREF(orig);
        Py_DECREF(inst);
        atomic_fetch_add_explicit(&g_calls_checked, 1, memory_order_relaxed);
        break;
      }
    }
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_threads(void) {
  g_shared_alias = md_int_str();
  CHECK(g_shared_alias != NULL);
  const unsigned seed = ext_test_seed();
  ext_test_run_threads(kThreads, thread_body, seed);
  const long total = atomic_load(&g_aliases_checked) + atomic_load(&g_strings_checked) +
                     atomic_load(&g_calls_checked);
  CHECK_EQ_LL(total, kThreads * ext_test_scaled(400, 20));
  CHECK(atomic_load(&g_aliases_checked) > 0);
  CHECK(atomic_load(&g_strings_checked) > 0);
  CHECK(atomic_load(&g_calls_checked) > 0);
  check_repr(g_shared_alias, "mymod.MD[int, str]");
  Py_CLEAR(g_shared_alias);
}

int main(void) {
  Py_Initialize();
  CHECK(PyType_Ready(&MDType) == 0);
  test_layout_and_init();
  test_every_write();
  test_direct_write();
  test_widening();
  test_overallocate();
  test_readonly_empty_dealloc();
  test_errors();
  test_compat_pattern();
  test_generic_alias_basics();
  test_generic_alias_reprs();
  test_generic_alias_cycle();
  test_threads();
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
