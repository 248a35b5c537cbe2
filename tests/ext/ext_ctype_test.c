/* The character-class C API, from C as an extension uses it through
 * Python.h:
 *   - pyctype.h: Py_ISLOWER ... Py_ISSPACE, Py_TOLOWER / Py_TOUPPER over
 *     all 256 byte values (ASCII only; bytes >= 0x80 unchanged, also
 *     when passed as a negative char), and the PY_CTF_* bits they return;
 *   - unicodeobject.h: Py_UNICODE, Py_UNICODE_SIZE / WIDE, the
 *     replacement character, the surrogate helpers, and every
 *     Py_UNICODE_IS* / Py_UNICODE_TO* macro: one digest per macro over all
 *     of U+0000..U+10FFFF against CPython 3.13's functions (the digests are
 *     object/unicode_ctype_test.cc's; object/gen_unicode_ctype.py
 *     --digests prints them), spot values, and agreement with str's own
 *     methods (isalpha() ... lower()) on one-character strings.
 * Expected values are CPython 3.13's (checked against it). Then kThreads
 * threads call the macros and str's case methods on shared strings and
 * check every result; nothing leaks after Py_FinalizeEx. */
#include "Python.h" /* first: it sets the feature macros */

#include <stdatomic.h>
#include <string.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 6 };

/* ---- pyctype.h ---------------------------------------------------------- */

/* The bytes 1..255 for which the class macro holds, as a string. */
#define CLASS_MEMBERS(macro, out)                          \
  do {                                                     \
    size_t n_ = 0;                                         \
    for (int c_ = 1; c_ < 256; c_++) {                     \
      if (macro(c_)) (out)[n_++] = (char)c_;               \
    }                                                      \
    (out)[n_] = '\0';                                      \
  } while (0)

static void test_pyctype(void) {
  char got[257];
  CLASS_MEMBERS(Py_ISLOWER, got);
  CHECK(strcmp(got, "abcdefghijklmnopqrstuvwxyz") == 0);
  CLASS_MEMBERS(Py_ISUPPER, got);
  CHECK(strcmp(got, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 0);
  CLASS_MEMBERS(Py_ISALPHA, got);
  CHECK(strcmp(got, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == 0);
  CLASS_MEMBERS(Py_ISDIGIT, got);
  CHECK(strcmp(got, "0123456789") == 0);
  CLASS_MEMBERS(Py_ISXDIGIT, got);
  CHECK(strcmp(got, "0123456789ABCDEFabcdef") == 0);
  CLASS_MEMBERS(Py_ISALNUM, got);
  CHECK(strcmp(got, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == 0);
  CLASS_MEMBERS(Py_ISSPACE, got);
  CHECK(strcmp(got, "\t\n\v\f\r ") == 0); /* not 0x1c-0x1f, unlike str.isspace() */
  CHECK(!Py_ISSPACE(0));

  /* The macros give the flag bits, as CPython's table holds them. */
  CHECK_EQ_LL(PY_CTF_ALPHA, 0x03);
  CHECK_EQ_LL(PY_CTF_ALNUM, 0x07);
  CHECK_EQ_LL(Py_ISALPHA('a'), PY_CTF_LOWER);
  CHECK_EQ_LL(Py_ISALPHA('Q'), PY_CTF_UPPER);
  CHECK_EQ_LL(Py_ISALNUM('7'), PY_CTF_DIGIT);
  CHECK_EQ_LL(Py_ISXDIGIT('f'), PY_CTF_XDIGIT);
  CHECK_EQ_LL(Py_ISSPACE(' '), PY_CTF_SPACE);
  CHECK_EQ_LL(_Py_ctype_table['0'], 0x14);
  CHECK_EQ_LL(_Py_ctype_table['A'], 0x12);
  CHECK_EQ_LL(_Py_ctype_table['g'], 0x01);
  CHECK_EQ_LL(_Py_ctype_table['\n'], 0x08);
  CHECK_EQ_LL(_Py_ctype_table[0xE9], 0);

  for (int c = 0; c < 256; c++) {
    const int lower = c >= 'A' && c <= 'Z' ? c + 32 : c;
    const int upper = c >= 'a' && c <= 'z' ? c - 32 : c;
    CHECK_EQ_LL(Py_TOLOWER(c), lower);
    CHECK_EQ_LL(Py_TOUPPER(c), upper);
    /* A (possibly negative) char is masked to its byte. */
    CHECK_EQ_LL(Py_TOLOWER((char)c), lower);
    CHECK_EQ_LL(Py_TOUPPER((signed char)c), upper);
    CHECK_EQ_LL(!!Py_ISALPHA((char)c), !!Py_ISALPHA(c));
  }
  /* Latin-1 letters are not ASCII: no class, no case change. */
  CHECK(!Py_ISALPHA('\xc9') && !Py_ISUPPER(0xC9) && !Py_ISLOWER(0xE9));
  CHECK_EQ_LL(Py_TOLOWER('\xc9'), 0xC9);
  CHECK_EQ_LL(Py_TOUPPER('\xe9'), 0xE9);
  CHECK_EQ_LL(Py_TOUPPER(0xFF), 0xFF);
  CHECK_EQ_LL(Py_TOLOWER('Z'), 'z');
  CHECK_EQ_LL(Py_TOUPPER('a'), 'A');
  CHECK_EQ_LL(Py_TOLOWER(0x141), 'a'); /* an int is masked: 0x141 is 'A' */
}

/* ---- Py_UNICODE and the surrogate helpers ------------------------------- */

static void test_surrogates(void) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  Py_UNICODE u = L'\u00e9';
  CHECK_EQ_LL(sizeof(Py_UNICODE), sizeof(wchar_t));
  CHECK_EQ_LL(u, 0xE9);
#pragma GCC diagnostic pop
  CHECK_EQ_LL(Py_UNICODE_SIZE, 4);
#ifndef Py_UNICODE_WIDE
  CHECK(!"Py_UNICODE_WIDE is not defined");
#endif
  CHECK_EQ_LL(Py_UNICODE_REPLACEMENT_CHARACTER, 0xFFFD);

  CHECK(!Py_UNICODE_IS_SURROGATE(0xD7FF));
  CHECK(Py_UNICODE_IS_SURROGATE(0xD800));
  CHECK(Py_UNICODE_IS_SURROGATE(0xDFFF));
  CHECK(!Py_UNICODE_IS_SURROGATE(0xE000));
  CHECK(Py_UNICODE_IS_HIGH_SURROGATE(0xD800) && Py_UNICODE_IS_HIGH_SURROGATE(0xDBFF));
  CHECK(!Py_UNICODE_IS_HIGH_SURROGATE(0xDC00) && !Py_UNICODE_IS_HIGH_SURROGATE(0xD7FF));
  CHECK(Py_UNICODE_IS_LOW_SURROGATE(0xDC00) && Py_UNICODE_IS_LOW_SURROGATE(0xDFFF));
  CHECK(!Py_UNICODE_IS_LOW_SURROGATE(0xDBFF) && !Py_UNICODE_IS_LOW_SURROGATE(0xE000));
  CHECK_EQ_LL(Py_UNICODE_IS_SURROGATE(0xDABC), 1); /* int 1, not just nonzero */

  /* U+1F600: "\ud83d\ude00" in UTF-16. */
  CHECK_EQ_LL(Py_UNICODE_HIGH_SURROGATE(0x1F600), 0xD83D);
  CHECK_EQ_LL(Py_UNICODE_LOW_SURROGATE(0x1F600), 0xDE00);
  CHECK_EQ_LL(Py_UNICODE_JOIN_SURROGATES(0xD83D, 0xDE00), 0x1F600);
  CHECK_EQ_LL(Py_UNICODE_HIGH_SURROGATE(0x10000), 0xD800);
  CHECK_EQ_LL(Py_UNICODE_LOW_SURROGATE(0x10000), 0xDC00);
  CHECK_EQ_LL(Py_UNICODE_HIGH_SURROGATE(0x10FFFF), 0xDBFF);
  CHECK_EQ_LL(Py_UNICODE_LOW_SURROGATE(0x10FFFF), 0xDFFF);
  CHECK_EQ_LL(Py_UNICODE_JOIN_SURROGATES(0xDBFF, 0xDFFF), 0x10FFFF);
  for (Py_UCS4 ch = 0x10000; ch <= 0x10FFFF; ch += 0x3FF) {
    const Py_UCS4 hi = Py_UNICODE_HIGH_SURROGATE(ch), lo = Py_UNICODE_LOW_SURROGATE(ch);
    CHECK(Py_UNICODE_IS_HIGH_SURROGATE(hi) && Py_UNICODE_IS_LOW_SURROGATE(lo));
    CHECK_EQ_LL(Py_UNICODE_JOIN_SURROGATES(hi, lo), ch);
  }
}

/* ---- Py_UNICODE_IS* / TO* over every code point ------------------------- */

/* object/unicode_ctype_test.cc's digests of CPython 3.13's functions:
 * FNV-1a (64 bits) over U+0000..U+10FFFF, a predicate as 1 byte (0/1), an
 * int or code point as 4 bytes little-endian, a double as its 8 bytes
 * little-endian. */
static const uint64_t kAlphaDigest = 0xD56037B6503B18DFu;
static const uint64_t kDecimalDigest = 0x6851C398C137D46Du;
static const uint64_t kDigitDigest = 0xFE4D4710C983F221u;
static const uint64_t kNumericDigest = 0x4E0778EA7E322065u;
static const uint64_t kLowerDigest = 0x9FF5117C9192CEDDu;
static const uint64_t kUpperDigest = 0x11A9673FB6DAD1A4u;
static const uint64_t kTitleDigest = 0x28954B1E3DD27A38u;
static const uint64_t kPrintableDigest = 0x7295E3EF1627C1C0u;
static const uint64_t kLinebreakDigest = 0xE67AD09177D8FD5Fu;
static const uint64_t kWhitespaceDigest = 0x910838D6E6C7B908u;
static const uint64_t kAlnumDigest = 0x035BDB18D37E8424u;
static const uint64_t kToDecimalDigest = 0x33F4C5DD903340C5u;
static const uint64_t kToDigitDigest = 0xEF3BDA8226A22529u;
static const uint64_t kToLowerDigest = 0x6CF600DC2F3082C6u;
static const uint64_t kToUpperDigest = 0xC94EC3E58DA378B2u;
static const uint64_t kToTitleDigest = 0x7442888FBEE54E9Au;
static const uint64_t kToNumericDigest = 0x72574828C3A8BC16u;

enum { kNumCodePoints = 0x110000 };

static uint64_t fnv_byte(uint64_t h, uint8_t b) { return (h ^ b) * 0x100000001B3u; }
static uint64_t fnv_bytes(uint64_t h, uint64_t v, int n) {
  for (int i = 0; i < n; i++) h = fnv_byte(h, (uint8_t)(v >> (8 * i)));
  return h;
}
#define FNV_INIT 0xCBF29CE484222325u

/* The digest of a predicate macro (its nonzero-ness). */
#define PREDICATE_DIGEST(macro, out)                                       \
  do {                                                                     \
    uint64_t h_ = FNV_INIT;                                                \
    for (Py_UCS4 ch_ = 0; ch_ < kNumCodePoints; ch_++) {                   \
      h_ = fnv_byte(h_, macro(ch_) ? 1 : 0);                               \
    }                                                                      \
    (out) = h_;                                                            \
  } while (0)

/* The digest of an int- or Py_UCS4-valued macro. */
#define WORD_DIGEST(macro, out)                                            \
  do {                                                                     \
    uint64_t h_ = FNV_INIT;                                                \
    for (Py_UCS4 ch_ = 0; ch_ < kNumCodePoints; ch_++) {                   \
      h_ = fnv_bytes(h_, (uint32_t)(macro(ch_)), 4);                       \
    }                                                                      \
    (out) = h_;                                                            \
  } while (0)

static void test_every_code_point(void) {
  uint64_t d;
  PREDICATE_DIGEST(Py_UNICODE_ISALPHA, d);
  CHECK(d == kAlphaDigest);
  PREDICATE_DIGEST(Py_UNICODE_ISDECIMAL, d);
  CHECK(d == kDecimalDigest);
  PREDICATE_DIGEST(Py_UNICODE_ISDIGIT, d);
  CHECK(d == kDigitDigest);
  PREDICATE_DIGEST(Py_UNICODE_ISNUMERIC, d);
  CHECK(d == kNumericDigest);
  PREDICATE_DIGEST(Py_UNICODE_ISALNUM, d);
  CHECK(d == kAlnumDigest);
  PREDICATE_DIGEST(Py_UNICODE_ISLOWER, d);
  CHECK(d == kLowerDigest);
  PREDICATE_DIGEST(Py_UNICODE_ISUPPER, d);
  CHECK(d == kUpperDigest);
  PREDICATE_DIGEST(Py_UNICODE_ISTITLE, d);
  CHECK(d == kTitleDigest);
  PREDICATE_DIGEST(Py_UNICODE_ISPRINTABLE, d);
  CHECK(d == kPrintableDigest);
  PREDICATE_DIGEST(Py_UNICODE_ISLINEBREAK, d);
  CHECK(d == kLinebreakDigest);
  PREDICATE_DIGEST(Py_UNICODE_ISSPACE, d);
  CHECK(d == kWhitespaceDigest);
  WORD_DIGEST(Py_UNICODE_TODECIMAL, d);
  CHECK(d == kToDecimalDigest);
  WORD_DIGEST(Py_UNICODE_TODIGIT, d);
  CHECK(d == kToDigitDigest);
  WORD_DIGEST(Py_UNICODE_TOLOWER, d);
  CHECK(d == kToLowerDigest);
  WORD_DIGEST(Py_UNICODE_TOUPPER, d);
  CHECK(d == kToUpperDigest);
  WORD_DIGEST(Py_UNICODE_TOTITLE, d);
  CHECK(d == kToTitleDigest);
  uint64_t h = FNV_INIT;
  for (Py_UCS4 ch = 0; ch < kNumCodePoints; ch++) {
    const double v = Py_UNICODE_TONUMERIC(ch);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    h = fnv_bytes(h, bits, 8);
  }
  CHECK(h == kToNumericDigest);
}

static void test_spot_values(void) {
  /* The predicates return 1, not just nonzero. */
  CHECK_EQ_LL(Py_UNICODE_ISALPHA(0x3B1), 1); /* α */
  CHECK_EQ_LL(Py_UNICODE_ISALNUM(0xBD), 1);  /* ½ */
  CHECK_EQ_LL(Py_UNICODE_ISSPACE(0x3000), 1);
  CHECK_EQ_LL(Py_UNICODE_ISSPACE(0x1F), 1);
  CHECK_EQ_LL(Py_UNICODE_ISSPACE(0x200B), 0); /* ZERO WIDTH SPACE is not */
  CHECK(!Py_UNICODE_ISALNUM('_'));

  CHECK(Py_UNICODE_ISDECIMAL(0x660) && Py_UNICODE_TODECIMAL(0x660) == 0);
  CHECK(Py_UNICODE_ISDIGIT(0xB2) && !Py_UNICODE_ISDECIMAL(0xB2));
  CHECK_EQ_LL(Py_UNICODE_TODIGIT(0xB2), 2);
  CHECK_EQ_LL(Py_UNICODE_TODECIMAL(0xB2), -1);
  CHECK(Py_UNICODE_ISNUMERIC(0xBD) && !Py_UNICODE_ISDIGIT(0xBD));
  CHECK(Py_UNICODE_TONUMERIC(0xBD) == 0.5);
  CHECK(Py_UNICODE_TONUMERIC(0x2167) == 8.0);  /* Ⅷ */
  CHECK(Py_UNICODE_TONUMERIC(0xF33) == -0.5);  /* TIBETAN DIGIT HALF ZERO */
  CHECK(Py_UNICODE_TONUMERIC(0x4EAC) == 1e16);
  CHECK(Py_UNICODE_TONUMERIC('x') == -1.0);
  CHECK_EQ_LL(Py_UNICODE_TODIGIT('x'), -1);

  CHECK(Py_UNICODE_ISLINEBREAK(0x2028) && Py_UNICODE_ISLINEBREAK(0x85));
  CHECK(Py_UNICODE_ISLINEBREAK('\r') && Py_UNICODE_ISLINEBREAK(0x1E));
  CHECK(!Py_UNICODE_ISLINEBREAK(0x1F) && !Py_UNICODE_ISLINEBREAK(' '));
  CHECK(Py_UNICODE_ISPRINTABLE(' ') && !Py_UNICODE_ISPRINTABLE(0xA0));
  CHECK(!Py_UNICODE_ISPRINTABLE(0xAD) && Py_UNICODE_ISPRINTABLE(0x1F600));

  CHECK(Py_UNICODE_ISTITLE(0x1C5) && !Py_UNICODE_ISTITLE('A'));
  CHECK(Py_UNICODE_ISUPPER(0x1C4) && !Py_UNICODE_ISUPPER(0x1C5));
  CHECK(Py_UNICODE_ISLOWER(0xDF) && !Py_UNICODE_ISUPPER(0xDF));
  CHECK_EQ_LL(Py_UNICODE_TOTITLE(0x1C4), 0x1C5);
  CHECK_EQ_LL(Py_UNICODE_TOLOWER(0x1C5), 0x1C6);
  CHECK_EQ_LL(Py_UNICODE_TOUPPER(0x1C6), 0x1C4);
  /* Simple mappings of characters whose full ones are longer: CPython's
   * ('ß' upper is "SS", simple 'S'; 'İ' lower is "i̇", simple 'i'). */
  CHECK_EQ_LL(Py_UNICODE_TOUPPER(0xDF), 'S');
  CHECK_EQ_LL(Py_UNICODE_TOLOWER(0x130), 'i');
  CHECK_EQ_LL(Py_UNICODE_TOUPPER(0xFB03), 'F');
  CHECK_EQ_LL(Py_UNICODE_TOLOWER(0x3A3), 0x3C3);
  CHECK_EQ_LL(Py_UNICODE_TOUPPER(0x3C2), 0x3A3);
  CHECK_EQ_LL(Py_UNICODE_TOLOWER(0x10400), 0x10428);
  CHECK_EQ_LL(Py_UNICODE_TOLOWER(0x212A), 'k'); /* KELVIN SIGN */
  CHECK_EQ_LL(Py_UNICODE_TOUPPER('1'), '1');

  /* Past U+10FFFF: no property, mapped to itself. */
  CHECK(!Py_UNICODE_ISALPHA(0x110000) && !Py_UNICODE_ISPRINTABLE(0x110000));
  CHECK(!Py_UNICODE_ISSPACE(0x110000) && !Py_UNICODE_ISALNUM(0xFFFFFFFFu));
  CHECK_EQ_LL(Py_UNICODE_TOLOWER(0x110000), 0x110000);
  CHECK_EQ_LL(Py_UNICODE_TODECIMAL(0xFFFFFFFFu), -1);
  CHECK(Py_UNICODE_TONUMERIC(0x110000) == -1.0);
}

/* ---- agreement with str's methods --------------------------------------- */

static int call_bool(PyObject* s, const char* method) {
  PyObject* r = PyObject_CallMethod(s, method, NULL);
  CHECK(r != NULL && PyBool_Check(r));
  const int v = r == Py_True;
  Py_DECREF(r);
  return v;
}

/* s.method() is the one character `want`, or longer (returns 0 then). */
static int call_single(PyObject* s, const char* method, Py_UCS4* want) {
  PyObject* r = PyObject_CallMethod(s, method, NULL);
  CHECK(r != NULL && PyUnicode_CheckExact(r));
  const int single = PyUnicode_GET_LENGTH(r) == 1;
  if (single) *want = PyUnicode_READ_CHAR(r, 0);
  Py_DECREF(r);
  return single;
}

/* Every code point below U+0800 and one in 211 above (surrogates too):
 * the macro and the method on the one-character string agree. */
static void test_agrees_with_str(void) {
  long checked = 0;
  for (Py_UCS4 ch = 0; ch < kNumCodePoints; ch += ch < 0x800 ? 1 : 211) {
    PyObject* s = PyUnicode_FromOrdinal((int)ch);
    CHECK(s != NULL);
    CHECK_EQ_LL(call_bool(s, "isalpha"), Py_UNICODE_ISALPHA(ch));
    CHECK_EQ_LL(call_bool(s, "isdecimal"), Py_UNICODE_ISDECIMAL(ch));
    CHECK_EQ_LL(call_bool(s, "isdigit"), Py_UNICODE_ISDIGIT(ch));
    CHECK_EQ_LL(call_bool(s, "isnumeric"), Py_UNICODE_ISNUMERIC(ch));
    CHECK_EQ_LL(call_bool(s, "isalnum"), Py_UNICODE_ISALNUM(ch));
    CHECK_EQ_LL(call_bool(s, "isspace"), Py_UNICODE_ISSPACE(ch));
    CHECK_EQ_LL(call_bool(s, "isprintable"), Py_UNICODE_ISPRINTABLE(ch));
    CHECK_EQ_LL(call_bool(s, "islower"), Py_UNICODE_ISLOWER(ch));
    CHECK_EQ_LL(call_bool(s, "isupper"), Py_UNICODE_ISUPPER(ch));
    CHECK_EQ_LL(call_bool(s, "istitle"), Py_UNICODE_ISTITLE(ch) || Py_UNICODE_ISUPPER(ch));
    /* Where the full mapping is one character, it is the simple one. */
    Py_UCS4 mapped;
    if (call_single(s, "lower", &mapped)) CHECK_EQ_LL(mapped, Py_UNICODE_TOLOWER(ch));
    if (call_single(s, "upper", &mapped)) CHECK_EQ_LL(mapped, Py_UNICODE_TOUPPER(ch));
    if (call_single(s, "title", &mapped)) CHECK_EQ_LL(mapped, Py_UNICODE_TOTITLE(ch));
    Py_DECREF(s);
    checked++;
  }
  CHECK(checked > 7000);
}

/* ---- threads ------------------------------------------------------------ */

static PyObject* g_greek;  /* "ΟΔΟΣ ΑΣ" */
static PyObject* g_german; /* "Straße" */
static long g_iters;
static atomic_long g_errors;

static int equals(PyObject* s, const char* utf8) {
  const int ok = s != NULL && PyUnicode_EqualToUTF8(s, utf8) == 1;
  Py_XDECREF(s);
  return ok;
}

static void* worker(void* arg) {
  unsigned state = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  for (long i = 0; i < g_iters; i++) {
    int ok = 1;
    switch (ext_test_next_random(&state) % 4) {
      case 0:
        ok = equals(PyObject_CallMethod(g_greek, "lower", NULL),
                    "\xce\xbf\xce\xb4\xce\xbf\xcf\x82 \xce\xb1\xcf\x82"); /* οδος ας */
        break;
      case 1:
        ok = equals(PyObject_CallMethod(g_german, "upper", NULL), "STRASSE");
        break;
      case 2:
        ok = equals(PyObject_CallMethod(g_german, "casefold", NULL), "strasse");
        break;
      default: {
        const Py_UCS4 ch = ext_test_next_random(&state) % 0x3000;
        ok = Py_UNICODE_ISALNUM(ch) ==
             (Py_UNICODE_ISALPHA(ch) || Py_UNICODE_ISDECIMAL(ch) || Py_UNICODE_ISDIGIT(ch) ||
              Py_UNICODE_ISNUMERIC(ch));
        ok = ok && Py_UNICODE_TOUPPER(0x3B1 + ch % 17) == 0x391 + ch % 17;
        break;
      }
    }
    if (!ok) atomic_fetch_add(&g_errors, 1);
  }
  PyGILState_Release(g);
  return NULL;
}

int main(void) {
  const unsigned seed = ext_test_seed();
  test_pyctype();
  test_surrogates();
  test_every_code_point();
  test_spot_values();

  Py_Initialize();
  test_agrees_with_str();
  g_greek = PyUnicode_FromString("\xce\x9f\xce\x94\xce\x9f\xce\xa3 \xce\x91\xce\xa3");
  g_german = PyUnicode_FromString("Stra\xc3\x9f" "e");
  CHECK(g_greek != NULL && g_german != NULL);
  g_iters = ext_test_scaled(2000, 100);
  ext_test_run_threads(kThreads, worker, seed);
  CHECK_EQ_LL(atomic_load(&g_errors), 0);
  Py_CLEAR(g_greek);
  Py_CLEAR(g_german);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
