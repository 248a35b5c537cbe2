/* str's C API beyond construction, from C: PyUnicode_Find / FindChar /
 * Count / Tailmatch / Contains / Join / Split / Replace, the Latin-1 and
 * ASCII codecs, PyUnicode_WriteChar / Fill / CopyCharacters into a new
 * string, PyUnicode_AsUCS4 / AsUCS4Copy, with their error conventions
 * (-2 / -1 / NULL and the exception).
 *
 * Also what extensions do with PEP 393 data directly: an HTML escaper in
 * the style of real speed-up modules (read with PyUnicode_KIND / DATA /
 * READ, write a PyUnicode_New string with PyUnicode_WRITE) checked
 * against PyUnicode_Replace chains on strings of every kind.
 *
 * kThreads threads (more than the machine's cores) share the inputs and
 * run all of it with random yields from a per-thread seed (under TSan
 * too); nothing leaks after Py_FinalizeEx. */
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

/* ---- searching ------------------------------------------------------------ */

static void test_search(void) {
  PyObject* s = u("h\xc3\xa9llo w\xe2\x82\xacrld \xe2\x82\xac!"); /* 2-byte kind */
  PyObject* euro = u("\xe2\x82\xac");
  PyObject* l = u("l");
  PyObject* empty = u("");
  CHECK_EQ_LL(PyUnicode_Find(s, euro, 0, PY_SSIZE_T_MAX, 1), 7);
  CHECK_EQ_LL(PyUnicode_Find(s, euro, 0, PY_SSIZE_T_MAX, -1), 12);
  CHECK_EQ_LL(PyUnicode_Find(s, l, -12, -1, 1), 2);
  CHECK_EQ_LL(PyUnicode_Find(s, empty, 4, 4, 1), 4);
  CHECK_EQ_LL(PyUnicode_FindChar(s, 0x20AC, 8, PY_SSIZE_T_MAX, 1), 12);
  CHECK_EQ_LL(PyUnicode_FindChar(s, 'z', 0, PY_SSIZE_T_MAX, 1), -1);
  CHECK_EQ_LL(PyUnicode_Count(s, l, 0, PY_SSIZE_T_MAX), 3);
  CHECK_EQ_LL(PyUnicode_Tailmatch(s, euro, 0, PY_SSIZE_T_MAX, 1), 0);
  CHECK_EQ_LL(PyUnicode_Tailmatch(s, euro, 0, -1, 1), 1);
  PyObject* h = u("h");
  CHECK_EQ_LL(PyUnicode_Tailmatch(s, h, 0, PY_SSIZE_T_MAX, -1), 1);
  CHECK(PyUnicode_Contains(s, euro) == 1);
  PyObject* absent = u("absent");
  CHECK(PyUnicode_Contains(s, absent) == 0);
  Py_DECREF(absent);
  /* Errors. */
  PyObject* n = PyLong_FromLong(1);
  CHECK_EQ_LL(PyUnicode_Find(s, n, 0, 1, 1), -2);
  ext_test_expect_error(PyExc_TypeError, NULL);
  CHECK_EQ_LL(PyUnicode_FindChar(NULL, 'a', 0, 1, 1), -2);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK_EQ_LL(PyUnicode_Count(n, s, 0, 1), -1);
  ext_test_expect_error(PyExc_TypeError, NULL);
  CHECK(PyUnicode_Contains(s, n) == -1);
  ext_test_expect_error(PyExc_TypeError, "'in <string>' requires string as left operand, not int");
  Py_DECREF(n);
  Py_DECREF(h);
  Py_DECREF(empty);
  Py_DECREF(l);
  Py_DECREF(euro);
  Py_DECREF(s);
}

/* ---- join, split, replace --------------------------------------------------- */

static void test_join_split_replace(void) {
  PyObject* parts = Py_BuildValue("[sss]", "a", "\xc3\xa9", "\xf0\x9f\x98\x80");
  PyObject* sep = u("--");
  PyObject* j = PyUnicode_Join(sep, parts);
  CHECK(equals(j, "a--\xc3\xa9--\xf0\x9f\x98\x80"));
  CHECK(PyUnicode_KIND(j) == PyUnicode_4BYTE_KIND);
  PyObject* back = PyUnicode_Split(j, sep, -1);
  CHECK(back != NULL && PyObject_RichCompareBool(back, parts, Py_EQ) == 1);
  Py_DECREF(back);
  PyObject* spaced = PyUnicode_Join(NULL, parts); /* NULL separator: a space */
  CHECK(equals(spaced, "a \xc3\xa9 \xf0\x9f\x98\x80"));
  PyObject* words = PyUnicode_Split(spaced, NULL, 1);
  CHECK(words != NULL && PyList_GET_SIZE(words) == 2);
  CHECK(equals(PyList_GET_ITEM(words, 1), "\xc3\xa9 \xf0\x9f\x98\x80"));
  Py_DECREF(words);
  /* Join over a non-list iterable (a tuple) and its errors. */
  PyObject* tup = PyList_AsTuple(parts);
  PyObject* j2 = PyUnicode_Join(sep, tup);
  CHECK(j2 != NULL && PyUnicode_Compare(j, j2) == 0);
  Py_DECREF(j2);
  PyObject* bad = Py_BuildValue("[si]", "x", 3);
  CHECK(PyUnicode_Join(sep, bad) == NULL);
  ext_test_expect_error(PyExc_TypeError, "sequence item 1: expected str instance, int found");
  Py_DECREF(bad);
  CHECK(PyUnicode_Join(sep, Py_None) == NULL);
  ext_test_expect_error(PyExc_TypeError, "can only join an iterable");
  PyObject* empty = u("");
  CHECK(PyUnicode_Split(j, empty, -1) == NULL);
  ext_test_expect_error(PyExc_ValueError, "empty separator");

  PyObject* r = PyUnicode_Replace(j, sep, empty, -1);
  CHECK(equals(r, "a\xc3\xa9\xf0\x9f\x98\x80"));
  Py_DECREF(r);
  PyObject* emoji = u("\xf0\x9f\x98\x80");
  PyObject* x = u("x");
  r = PyUnicode_Replace(j, emoji, x, -1); /* drops the only 4-byte character */
  CHECK(equals(r, "a--\xc3\xa9--x"));
  CHECK(PyUnicode_KIND(r) == PyUnicode_1BYTE_KIND);
  Py_DECREF(r);
  CHECK(PyUnicode_Replace(j, NULL, x, -1) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(x);
  Py_DECREF(emoji);
  Py_DECREF(empty);
  Py_DECREF(tup);
  Py_DECREF(spaced);
  Py_DECREF(j);
  Py_DECREF(sep);
  Py_DECREF(parts);
}

/* ---- codecs ---------------------------------------------------------------- */

static void test_codecs(void) {
  PyObject* s = PyUnicode_DecodeLatin1("caf\xe9", 4, NULL);
  CHECK(equals(s, "caf\xc3\xa9"));
  PyObject* b = PyUnicode_AsLatin1String(s);
  CHECK(b != NULL && PyBytes_GET_SIZE(b) == 4 && memcmp(PyBytes_AS_STRING(b), "caf\xe9", 4) == 0);
  Py_DECREF(b);
  CHECK(PyUnicode_AsASCIIString(s) == NULL);
  ext_test_expect_error(PyExc_UnicodeEncodeError,
                        "'ascii' codec can't encode character '\\xe9' in position 3: ordinal "
                        "not in range(128)");
  PyObject* a = PyUnicode_DecodeASCII("plain", 5, "strict");
  CHECK(equals(a, "plain") && PyUnicode_IS_ASCII(a));
  b = PyUnicode_AsASCIIString(a);
  CHECK(b != NULL && strcmp(PyBytes_AS_STRING(b), "plain") == 0);
  Py_DECREF(b);
  CHECK(PyUnicode_DecodeASCII("ab\x80", 3, NULL) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError,
                        "'ascii' codec can't decode byte 0x80 in position 2: ordinal not in "
                        "range(128)");
  CHECK(PyUnicode_DecodeASCII("ab", 2, "replace") == NULL);
  ext_test_expect_error(PyExc_NotImplementedError, NULL);
  CHECK(PyUnicode_DecodeLatin1(NULL, 3, NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(a);
  Py_DECREF(s);
}

/* ---- writes and UCS-4 ------------------------------------------------------ */

static void test_writes(void) {
  PyObject* s = PyUnicode_New(6, 0x20AC);
  CHECK(s != NULL && PyUnicode_KIND(s) == PyUnicode_2BYTE_KIND);
  CHECK_EQ_LL(PyUnicode_Fill(s, 0, 100, '.'), 6);
  CHECK(PyUnicode_WriteChar(s, 0, 0x20AC) == 0);
  PyObject* ab = u("ab");
  CHECK_EQ_LL(PyUnicode_CopyCharacters(s, 4, ab, 0, 99), 2);
  CHECK(equals(s, "\xe2\x82\xac...ab"));
  /* Now its UTF-8 form is cached: it counts as published. */
  CHECK(PyUnicode_WriteChar(s, 1, 'x') == -1);
  ext_test_expect_error(PyExc_SystemError, "Cannot modify a string currently used");

  PyObject* t = PyUnicode_New(2, 127);
  CHECK(PyUnicode_WriteChar(t, 2, 'x') == -1);
  ext_test_expect_error(PyExc_IndexError, NULL);
  CHECK(PyUnicode_WriteChar(t, 0, 0xE9) == -1); /* above the ASCII maximum */
  ext_test_expect_error(PyExc_ValueError, NULL);
  PyObject* e = u("\xc3\xa9");
  CHECK_EQ_LL(PyUnicode_CopyCharacters(t, 0, e, 0, 1), -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_INCREF(t); /* shared */
  CHECK_EQ_LL(PyUnicode_Fill(t, 0, 1, 'a'), -1);
  ext_test_expect_error(PyExc_SystemError, "Cannot modify a string currently used");
  Py_DECREF(t);
  Py_DECREF(t);

  Py_UCS4 buf[8];
  CHECK(PyUnicode_AsUCS4(s, buf, 8, 1) == buf);
  CHECK(buf[0] == 0x20AC && buf[4] == 'a' && buf[6] == 0);
  CHECK(PyUnicode_AsUCS4(s, buf, 6, 1) == NULL); /* no room for the NUL */
  ext_test_expect_error(PyExc_SystemError, "string is longer than the buffer");
  CHECK(buf[0] == 0);
  Py_UCS4* copy = PyUnicode_AsUCS4Copy(e);
  CHECK(copy != NULL && copy[0] == 0xE9 && copy[1] == 0);
  PyMem_Free(copy);
  Py_DECREF(e);
  Py_DECREF(ab);
  Py_DECREF(s);
}

/* ---- a speed-up module's escaper on PEP 393 data ------------------------------ */

static Py_ssize_t escaped_len(Py_UCS4 c) {
  switch (c) {
    case '&': return 5;  /* &amp; */
    case '<': case '>': return 4;
    case '"': case '\'': return 5;  /* &#34; &#39; */
    default: return 1;
  }
}

static PyObject* escape(PyObject* in) {
  const int kind = PyUnicode_KIND(in);
  const void* data = PyUnicode_DATA(in);
  const Py_ssize_t n = PyUnicode_GET_LENGTH(in);
  Py_ssize_t out_len = 0;
  for (Py_ssize_t i = 0; i < n; i++) out_len += escaped_len(PyUnicode_READ(kind, data, i));
  if (out_len == n) return Py_NewRef(in);
  PyObject* out = PyUnicode_New(out_len, PyUnicode_MAX_CHAR_VALUE(in));
  if (out == NULL) return NULL;
  const int okind = PyUnicode_KIND(out);
  void* odata = PyUnicode_DATA(out);
  Py_ssize_t o = 0;
  for (Py_ssize_t i = 0; i < n; i++) {
    const Py_UCS4 c = PyUnicode_READ(kind, data, i);
    const char* rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;"
                    : c == '"' ? "&#34;" : c == '\'' ? "&#39;" : NULL;
    if (rep == NULL) {
      PyUnicode_WRITE(okind, odata, o++, c);
    } else {
      for (const char* p = rep; *p; p++) PyUnicode_WRITE(okind, odata, o++, (Py_UCS4)*p);
    }
  }
  return out;
}

/* The same through PyUnicode_Replace, & first. */
static PyObject* escape_by_replace(PyObject* in) {
  static const char* const kPairs[][2] = {
      {"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&#34;"}, {"'", "&#39;"}};
  PyObject* cur = Py_NewRef(in);
  for (size_t i = 0; i < sizeof kPairs / sizeof kPairs[0]; i++) {
    PyObject* from = u(kPairs[i][0]);
    PyObject* to = u(kPairs[i][1]);
    PyObject* next = PyUnicode_Replace(cur, from, to, -1);
    Py_DECREF(to);
    Py_DECREF(from);
    Py_DECREF(cur);
    if (next == NULL) return NULL;
    cur = next;
  }
  return cur;
}

static PyObject* g_inputs; /* a list of strings of every kind, shared */

static int check_escapes(void) {
  int errors = 0;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(g_inputs); i++) {
    PyObject* in = PyList_GET_ITEM(g_inputs, i); /* the list never changes */
    PyObject* a = escape(in);
    PyObject* b = escape_by_replace(in);
    if (a == NULL || b == NULL || PyUnicode_Compare(a, b) != 0) errors++;
    Py_XDECREF(a);
    Py_XDECREF(b);
  }
  return errors;
}

/* ---- threads ---------------------------------------------------------------- */

static atomic_long g_errors;
static long g_iters;

static void* worker(void* arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject* comma = u(",");
  for (long i = 0; i < g_iters; i++) {
    if (ext_test_next_random(&seed) % 8 == 0) sched_yield();
    atomic_fetch_add(&g_errors, check_escapes());
    /* A private string built in place, then shared-style operations on it. */
    PyObject* s = PyUnicode_New(5, 0xFF);
    if (s == NULL || PyUnicode_Fill(s, 0, 5, 'a' + (Py_UCS4)(seed % 26)) != 5 ||
        PyUnicode_WriteChar(s, 2, ',') != 0) {
      atomic_fetch_add(&g_errors, 1);
      Py_XDECREF(s);
      continue;
    }
    PyObject* parts = PyUnicode_Split(s, comma, -1);
    PyObject* joined = parts == NULL ? NULL : PyUnicode_Join(comma, parts);
    if (joined == NULL || PyUnicode_Compare(joined, s) != 0 || PyList_GET_SIZE(parts) != 2) {
      atomic_fetch_add(&g_errors, 1);
    }
    Py_XDECREF(joined);
    Py_XDECREF(parts);
    Py_DECREF(s);
  }
  Py_DECREF(comma);
  PyGILState_Release(g);
  return NULL;
}

int main(void) {
  const unsigned seed = ext_test_seed();
  Py_Initialize();
  test_search();
  test_join_split_replace();
  test_codecs();
  test_writes();

  g_inputs = Py_BuildValue("[ssssss]", "plain text", "<a href='x'>&</a>",
                           "caf\xc3\xa9 & cr\xc3\xa8me \"br\xc3\xbbl\xc3\xa9" "e\"",
                           "5 \xe2\x82\xac < 6 \xe2\x82\xac", "\xf0\x9f\x98\x80 > \xf0\x9f\x98\x81",
                           "");
  CHECK(g_inputs != NULL);
  CHECK_EQ_LL(check_escapes(), 0);
  PyObject* e = escape(PyList_GET_ITEM(g_inputs, 1));
  CHECK(equals(e, "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"));
  Py_DECREF(e);

  g_iters = ext_test_scaled(400, 50);
  ext_test_run_threads(kThreads, worker, seed);
  CHECK_EQ_LL(atomic_load(&g_errors), 0);
  Py_CLEAR(g_inputs);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
