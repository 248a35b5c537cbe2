/* str (CPython's unicodeobject.h): PEP 393's flexible representation.
 *
 * LAYOUT DEPENDENCY: the PEP 393 access macros below (PyUnicode_KIND,
 * PyUnicode_DATA, PyUnicode_GET_LENGTH, PyUnicode_IS_ASCII,
 * PyUnicode_READ_CHAR, PyUnicode_MAX_CHAR_VALUE, ...) read the object
 * directly, so object/'s str must be laid out exactly as CPython 3.13 lays
 * it out: PyASCIIObject (header, length, hash, the `state` bitfield word)
 * for compact ASCII strings, with the characters right after it;
 * PyCompactUnicodeObject (adds the cached UTF-8 length and pointer) for
 * other compact strings, characters right after it; PyUnicodeObject (adds
 * a pointer to a separate buffer) for the non-compact strings of
 * subclasses. Strings made by PyUnicode_New are compact; kind is the
 * smallest of 1, 2, 4 bytes per character that holds maxchar, and every
 * string has a terminating NUL character after its last one.
 *
 * Thread safety. A str is immutable once published: the macros read it
 * with no lock. Only the creator of a string made with PyUnicode_New may
 * write its characters (PyUnicode_WRITE), before any other thread can see
 * it. The cached UTF-8 form of a non-ASCII string (PyUnicode_AsUTF8) is
 * created once, under the string's critical section, and then never
 * changes; the returned pointer lives as long as the string. hash is
 * written with a relaxed atomic store by whoever computes it first. */
#ifndef Py_UNICODEOBJECT_H
#define Py_UNICODEOBJECT_H

#include <stdarg.h>
#include <stdint.h>
#include <wchar.h>

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t Py_UCS4;
typedef uint16_t Py_UCS2;
typedef uint8_t Py_UCS1;

PyAPI_DATA(PyTypeObject) PyUnicode_Type;

#define PyUnicode_Check(op) \
  PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_UNICODE_SUBCLASS)
#define PyUnicode_CheckExact(op) Py_IS_TYPE((op), &PyUnicode_Type)

/* ---- Layout (CPython 3.13) ---------------------------------------------- */
typedef struct {
  PyObject_HEAD
  Py_ssize_t length; /* code points */
  Py_hash_t hash;    /* -1 until computed */
  struct {
    /* 0 not interned, 1 interned, 2 interned and immortal, 3 interned,
     * immortal and static. */
    unsigned int interned : 2;
    /* PyUnicode_1BYTE_KIND, _2BYTE_KIND or _4BYTE_KIND. */
    unsigned int kind : 3;
    /* One block: characters right after the struct. */
    unsigned int compact : 1;
    /* Only U+0000-U+007F (then kind is 1). */
    unsigned int ascii : 1;
    unsigned int statically_allocated : 1;
    /* Keeps the characters 4-byte aligned. */
    unsigned int : 24;
  } state;
} PyASCIIObject;

typedef struct {
  PyASCIIObject _base;
  Py_ssize_t utf8_length; /* bytes in utf8, excluding the NUL */
  char* utf8;             /* cached UTF-8 form, NUL-terminated, or NULL */
} PyCompactUnicodeObject;

typedef struct {
  PyCompactUnicodeObject _base;
  union {
    void* any;
    Py_UCS1* latin1;
    Py_UCS2* ucs2;
    Py_UCS4* ucs4;
  } data;
} PyUnicodeObject;

#define SSTATE_NOT_INTERNED 0
#define SSTATE_INTERNED_MORTAL 1
#define SSTATE_INTERNED_IMMORTAL 2
#define SSTATE_INTERNED_IMMORTAL_STATIC 3

enum PyUnicode_Kind {
  PyUnicode_1BYTE_KIND = 1,
  PyUnicode_2BYTE_KIND = 2,
  PyUnicode_4BYTE_KIND = 4
};

#define _PyASCIIObject_CAST(op) \
  (assert(PyUnicode_Check(op)), _Py_CAST(PyASCIIObject*, (op)))
#define _PyCompactUnicodeObject_CAST(op) \
  (assert(PyUnicode_Check(op)), _Py_CAST(PyCompactUnicodeObject*, (op)))
#define _PyUnicodeObject_CAST(op) \
  (assert(PyUnicode_Check(op)), _Py_CAST(PyUnicodeObject*, (op)))

/* ---- PEP 393 access (no checks: op must be a str) ------------------------ */
static inline unsigned int PyUnicode_CHECK_INTERNED(PyObject* op) {
  return _PyASCIIObject_CAST(op)->state.interned;
}
#define PyUnicode_CHECK_INTERNED(op) \
  PyUnicode_CHECK_INTERNED(_PyObject_CAST(op))

/* Every string is "ready" since 3.12. */
static inline unsigned int PyUnicode_IS_READY(PyObject* op) {
  (void)op;
  return 1;
}
#define PyUnicode_IS_READY(op) PyUnicode_IS_READY(_PyObject_CAST(op))
static inline int PyUnicode_READY(PyObject* op) {
  (void)op;
  return 0;
}
#define PyUnicode_READY(op) PyUnicode_READY(_PyObject_CAST(op))

static inline unsigned int PyUnicode_IS_ASCII(PyObject* op) {
  return _PyASCIIObject_CAST(op)->state.ascii;
}
#define PyUnicode_IS_ASCII(op) PyUnicode_IS_ASCII(_PyObject_CAST(op))

static inline unsigned int PyUnicode_IS_COMPACT(PyObject* op) {
  return _PyASCIIObject_CAST(op)->state.compact;
}
#define PyUnicode_IS_COMPACT(op) PyUnicode_IS_COMPACT(_PyObject_CAST(op))

static inline int PyUnicode_IS_COMPACT_ASCII(PyObject* op) {
  return _PyASCIIObject_CAST(op)->state.ascii && PyUnicode_IS_COMPACT(op);
}
#define PyUnicode_IS_COMPACT_ASCII(op) \
  PyUnicode_IS_COMPACT_ASCII(_PyObject_CAST(op))

/* One of the PyUnicode_*_KIND values (a macro, not a function, so that it
 * compares cleanly with both int and unsigned, as in CPython). */
#define PyUnicode_KIND(op) _Py_RVALUE(_PyASCIIObject_CAST(op)->state.kind)

static inline void* _PyUnicode_COMPACT_DATA(PyObject* op) {
  if (PyUnicode_IS_ASCII(op)) {
    return _Py_STATIC_CAST(void*, (_PyASCIIObject_CAST(op) + 1));
  }
  return _Py_STATIC_CAST(void*, (_PyCompactUnicodeObject_CAST(op) + 1));
}

static inline void* _PyUnicode_NONCOMPACT_DATA(PyObject* op) {
  void* data;
  assert(!PyUnicode_IS_COMPACT(op));
  data = _PyUnicodeObject_CAST(op)->data.any;
  assert(data != NULL);
  return data;
}

/* The characters, PyUnicode_KIND(op) bytes each. */
static inline void* PyUnicode_DATA(PyObject* op) {
  if (PyUnicode_IS_COMPACT(op)) return _PyUnicode_COMPACT_DATA(op);
  return _PyUnicode_NONCOMPACT_DATA(op);
}
#define PyUnicode_DATA(op) PyUnicode_DATA(_PyObject_CAST(op))

#define PyUnicode_1BYTE_DATA(op) _Py_STATIC_CAST(Py_UCS1*, PyUnicode_DATA(op))
#define PyUnicode_2BYTE_DATA(op) _Py_STATIC_CAST(Py_UCS2*, PyUnicode_DATA(op))
#define PyUnicode_4BYTE_DATA(op) _Py_STATIC_CAST(Py_UCS4*, PyUnicode_DATA(op))

static inline Py_ssize_t PyUnicode_GET_LENGTH(PyObject* op) {
  return _PyASCIIObject_CAST(op)->length;
}
#define PyUnicode_GET_LENGTH(op) PyUnicode_GET_LENGTH(_PyObject_CAST(op))

/* Stores a code point: only into a string the caller made with
 * PyUnicode_New and has not shared yet. value must fit the kind. */
static inline void PyUnicode_WRITE(int kind, void* data, Py_ssize_t index,
                                   Py_UCS4 value) {
  assert(index >= 0);
  if (kind == PyUnicode_1BYTE_KIND) {
    assert(value <= 0xffU);
    _Py_STATIC_CAST(Py_UCS1*, data)[index] = _Py_STATIC_CAST(Py_UCS1, value);
  } else if (kind == PyUnicode_2BYTE_KIND) {
    assert(value <= 0xffffU);
    _Py_STATIC_CAST(Py_UCS2*, data)[index] = _Py_STATIC_CAST(Py_UCS2, value);
  } else {
    assert(kind == PyUnicode_4BYTE_KIND);
    assert(value <= 0x10ffffU);
    _Py_STATIC_CAST(Py_UCS4*, data)[index] = value;
  }
}
#define PyUnicode_WRITE(kind, data, index, value)                   \
  PyUnicode_WRITE(_Py_STATIC_CAST(int, kind), _Py_CAST(void*, data), \
                  (index), _Py_STATIC_CAST(Py_UCS4, value))

static inline Py_UCS4 PyUnicode_READ(int kind, const void* data,
                                     Py_ssize_t index) {
  assert(index >= 0);
  if (kind == PyUnicode_1BYTE_KIND) {
    return _Py_STATIC_CAST(const Py_UCS1*, data)[index];
  }
  if (kind == PyUnicode_2BYTE_KIND) {
    return _Py_STATIC_CAST(const Py_UCS2*, data)[index];
  }
  assert(kind == PyUnicode_4BYTE_KIND);
  return _Py_STATIC_CAST(const Py_UCS4*, data)[index];
}
#define PyUnicode_READ(kind, data, index)                     \
  PyUnicode_READ(_Py_STATIC_CAST(int, kind),                  \
                 _Py_STATIC_CAST(const void*, data), (index))

/* One character (index may be the length: reads the terminating NUL). */
static inline Py_UCS4 PyUnicode_READ_CHAR(PyObject* unicode,
                                          Py_ssize_t index) {
  int kind;
  assert(index >= 0);
  assert(index <= PyUnicode_GET_LENGTH(unicode));
  kind = PyUnicode_KIND(unicode);
  if (kind == PyUnicode_1BYTE_KIND) return PyUnicode_1BYTE_DATA(unicode)[index];
  if (kind == PyUnicode_2BYTE_KIND) return PyUnicode_2BYTE_DATA(unicode)[index];
  assert(kind == PyUnicode_4BYTE_KIND);
  return PyUnicode_4BYTE_DATA(unicode)[index];
}
#define PyUnicode_READ_CHAR(unicode, index) \
  PyUnicode_READ_CHAR(_PyObject_CAST(unicode), (index))

/* An upper bound of the string's code points, from its kind. */
static inline Py_UCS4 PyUnicode_MAX_CHAR_VALUE(PyObject* op) {
  int kind;
  if (PyUnicode_IS_ASCII(op)) return 0x7fU;
  kind = PyUnicode_KIND(op);
  if (kind == PyUnicode_1BYTE_KIND) return 0xffU;
  if (kind == PyUnicode_2BYTE_KIND) return 0xffffU;
  assert(kind == PyUnicode_4BYTE_KIND);
  return 0x10ffffU;
}
#define PyUnicode_MAX_CHAR_VALUE(op) \
  PyUnicode_MAX_CHAR_VALUE(_PyObject_CAST(op))

/* ---- Functions ---------------------------------------------------------- */

/* A new compact string of size code points, all <= maxchar (which picks
 * the kind), characters uninitialised except the terminating NUL. Fill it
 * with PyUnicode_WRITE before sharing it. SystemError if maxchar >
 * 0x10ffff, MemoryError on failure. */
PyAPI_FUNC(PyObject*) PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar);

PyAPI_FUNC(PyObject*) PyUnicode_FromString(const char* u);
PyAPI_FUNC(PyObject*) PyUnicode_FromStringAndSize(const char* u,
                                                  Py_ssize_t size);
PyAPI_FUNC(PyObject*) PyUnicode_FromKindAndData(int kind, const void* buffer,
                                                Py_ssize_t size);
PyAPI_FUNC(PyObject*) PyUnicode_FromOrdinal(int ordinal);
PyAPI_FUNC(PyObject*) PyUnicode_FromWideChar(const wchar_t* w,
                                             Py_ssize_t size);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size,
                                           const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_InternFromString(const char* u);
PyAPI_FUNC(void) PyUnicode_InternInPlace(PyObject** p);
PyAPI_FUNC(PyObject*) PyUnicode_Substring(PyObject* str, Py_ssize_t start,
                                          Py_ssize_t end);
PyAPI_FUNC(PyObject*) PyUnicode_Concat(PyObject* left, PyObject* right);

/* printf-like, with CPython's conversions; at least %s %d %i %u %ld %lu
 * %lld %zd %zu %x %p %c %%, and %R (repr of a PyObject*), %S (str of a
 * PyObject*), %U (a str object), %V. An unknown conversion raises
 * SystemError. */
PyAPI_FUNC(PyObject*) PyUnicode_FromFormatV(const char* format, va_list vargs);
PyAPI_FUNC(PyObject*) PyUnicode_FromFormat(const char* format, ...);

/* The UTF-8 form, cached in the string (lives as long as it; do not
 * modify). NULL with an exception (e.g. lone surrogates). */
PyAPI_FUNC(const char*) PyUnicode_AsUTF8(PyObject* unicode);
PyAPI_FUNC(const char*) PyUnicode_AsUTF8AndSize(PyObject* unicode,
                                                Py_ssize_t* size);
PyAPI_FUNC(PyObject*) PyUnicode_AsUTF8String(PyObject* unicode);
PyAPI_FUNC(Py_ssize_t) PyUnicode_AsWideChar(PyObject* unicode, wchar_t* w,
                                            Py_ssize_t size);
PyAPI_FUNC(wchar_t*) PyUnicode_AsWideCharString(PyObject* unicode,
                                                Py_ssize_t* size);

/* ---- Characters ---------------------------------------------------------
 * Py_UNICODE, the pre-PEP 393 code unit, is wchar_t (4 bytes here, so
 * Py_UNICODE_WIDE); deprecated since 3.13, as in CPython. */
Py_DEPRECATED(3.13) typedef wchar_t PY_UNICODE_TYPE;
Py_DEPRECATED(3.13) typedef wchar_t Py_UNICODE;
#define Py_UNICODE_SIZE SIZEOF_WCHAR_T
#if Py_UNICODE_SIZE >= 4
#define Py_UNICODE_WIDE
#endif
#define Py_USING_UNICODE

/* U+FFFD, what the "replace" error handler decodes a bad sequence to. */
#define Py_UNICODE_REPLACEMENT_CHARACTER ((Py_UCS4)0xFFFD)

/* UTF-16 surrogates. JOIN_SURROGATES takes a high then a low surrogate;
 * HIGH_SURROGATE / LOW_SURROGATE split a code point in U+10000-U+10FFFF. */
static inline int Py_UNICODE_IS_SURROGATE(Py_UCS4 ch) {
  return (0xD800 <= ch && ch <= 0xDFFF);
}
static inline int Py_UNICODE_IS_HIGH_SURROGATE(Py_UCS4 ch) {
  return (0xD800 <= ch && ch <= 0xDBFF);
}
static inline int Py_UNICODE_IS_LOW_SURROGATE(Py_UCS4 ch) {
  return (0xDC00 <= ch && ch <= 0xDFFF);
}
static inline Py_UCS4 Py_UNICODE_JOIN_SURROGATES(Py_UCS4 high, Py_UCS4 low) {
  assert(Py_UNICODE_IS_HIGH_SURROGATE(high));
  assert(Py_UNICODE_IS_LOW_SURROGATE(low));
  return 0x10000 + (((high & 0x03FF) << 10) | (low & 0x03FF));
}
static inline Py_UCS4 Py_UNICODE_HIGH_SURROGATE(Py_UCS4 ch) {
  assert(0x10000 <= ch && ch <= 0x10ffff);
  return (0xD800 - (0x10000 >> 10) + (ch >> 10));
}
static inline Py_UCS4 Py_UNICODE_LOW_SURROGATE(Py_UCS4 ch) {
  assert(0x10000 <= ch && ch <= 0x10ffff);
  return (0xDC00 + (ch & 0x3FF));
}

/* The character database (Unicode 15.1, as CPython 3.13's; object/
 * unicode_ctype.h has the definitions). Each is str's method on a string
 * of the one character: Py_UNICODE_ISALPHA is str.isalpha(),
 * ISDECIMAL isdecimal(), ISDIGIT isdigit(), ISNUMERIC isnumeric(),
 * ISPRINTABLE isprintable(), ISSPACE isspace(), ISALNUM isalnum(),
 * ISLOWER islower(), ISUPPER isupper(); ISTITLE is true for titlecase
 * letters only (Lt: 'ǅ', not 'A'), ISLINEBREAK for the characters
 * str.splitlines() splits at. TOLOWER / TOUPPER / TOTITLE are the simple
 * (one code point) mappings, the character itself if it has none (for a
 * character whose full mapping is longer, CPython's choice: 'ß' gives 'S');
 * TODECIMAL / TODIGIT give 0-9 or -1, TONUMERIC the value or -1.0. A
 * value past U+10FFFF has no property. Py_UNICODE_ISSPACE is CPython
 * 3.13's inline form: a table for ASCII, _PyUnicode_IsWhitespace above
 * it. Pure functions of the code point: safe from any thread. */
PyAPI_FUNC(int) _PyUnicode_IsLowercase(Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_IsUppercase(Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_IsTitlecase(Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_IsWhitespace(const Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_IsLinebreak(const Py_UCS4 ch);
PyAPI_FUNC(Py_UCS4) _PyUnicode_ToLowercase(Py_UCS4 ch);
PyAPI_FUNC(Py_UCS4) _PyUnicode_ToUppercase(Py_UCS4 ch);
PyAPI_FUNC(Py_UCS4) _PyUnicode_ToTitlecase(Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_ToDecimalDigit(Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_ToDigit(Py_UCS4 ch);
PyAPI_FUNC(double) _PyUnicode_ToNumeric(Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_IsDecimalDigit(Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_IsDigit(Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_IsNumeric(Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_IsPrintable(Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicode_IsAlpha(Py_UCS4 ch);

PyAPI_DATA(const unsigned char) _Py_ascii_whitespace[];
static inline int Py_UNICODE_ISSPACE(Py_UCS4 ch) {
  if (ch < 128) return _Py_ascii_whitespace[ch];
  return _PyUnicode_IsWhitespace(ch);
}

#define Py_UNICODE_ISLOWER(ch) _PyUnicode_IsLowercase(ch)
#define Py_UNICODE_ISUPPER(ch) _PyUnicode_IsUppercase(ch)
#define Py_UNICODE_ISTITLE(ch) _PyUnicode_IsTitlecase(ch)
#define Py_UNICODE_ISLINEBREAK(ch) _PyUnicode_IsLinebreak(ch)

#define Py_UNICODE_TOLOWER(ch) _PyUnicode_ToLowercase(ch)
#define Py_UNICODE_TOUPPER(ch) _PyUnicode_ToUppercase(ch)
#define Py_UNICODE_TOTITLE(ch) _PyUnicode_ToTitlecase(ch)

#define Py_UNICODE_ISDECIMAL(ch) _PyUnicode_IsDecimalDigit(ch)
#define Py_UNICODE_ISDIGIT(ch) _PyUnicode_IsDigit(ch)
#define Py_UNICODE_ISNUMERIC(ch) _PyUnicode_IsNumeric(ch)
#define Py_UNICODE_ISPRINTABLE(ch) _PyUnicode_IsPrintable(ch)

#define Py_UNICODE_TODECIMAL(ch) _PyUnicode_ToDecimalDigit(ch)
#define Py_UNICODE_TODIGIT(ch) _PyUnicode_ToDigit(ch)
#define Py_UNICODE_TONUMERIC(ch) _PyUnicode_ToNumeric(ch)

#define Py_UNICODE_ISALPHA(ch) _PyUnicode_IsAlpha(ch)

static inline int Py_UNICODE_ISALNUM(Py_UCS4 ch) {
  return (Py_UNICODE_ISALPHA(ch) || Py_UNICODE_ISDECIMAL(ch) ||
          Py_UNICODE_ISDIGIT(ch) || Py_UNICODE_ISNUMERIC(ch));
}

PyAPI_FUNC(Py_ssize_t) PyUnicode_GetLength(PyObject* unicode);
PyAPI_FUNC(Py_UCS4) PyUnicode_ReadChar(PyObject* unicode, Py_ssize_t index);

PyAPI_FUNC(int) PyUnicode_Compare(PyObject* left, PyObject* right);
PyAPI_FUNC(int) PyUnicode_CompareWithASCIIString(PyObject* left,
                                                 const char* right);
PyAPI_FUNC(int) PyUnicode_EqualToUTF8(PyObject* unicode, const char* string);
PyAPI_FUNC(int) PyUnicode_EqualToUTF8AndSize(PyObject* unicode,
                                             const char* string,
                                             Py_ssize_t size);

/* ---- Searching, joining, splitting, replacing -------------------------
 * str's methods with Python's semantics (find, count, startswith /
 * endswith, in, join, split, replace); start/end clamp as s[start:end]
 * does. Strings are immutable, so all of these are safe from any thread.
 *   PyUnicode_Find / FindChar: the index, -1 if absent, -2 with an
 *     exception on error; direction > 0 finds the first, <= 0 the last.
 *   PyUnicode_Count: the number of non-overlapping occurrences, -1 on error.
 *   PyUnicode_Tailmatch: 1 if str[start:end] starts (direction <= 0) or
 *     ends (> 0) with substr, 0 if not, -1 on error.
 *   PyUnicode_Contains: 1, 0, or -1 (TypeError unless both are str).
 *   PyUnicode_Join: separator (NULL: " ") joined over any iterable of str.
 *   PyUnicode_Split: a list; sep NULL splits on whitespace runs;
 *     maxsplit < 0: no limit.
 *   PyUnicode_Replace: maxcount < 0: all. */
PyAPI_FUNC(Py_ssize_t) PyUnicode_Find(PyObject* str, PyObject* substr,
                                      Py_ssize_t start, Py_ssize_t end,
                                      int direction);
PyAPI_FUNC(Py_ssize_t) PyUnicode_FindChar(PyObject* str, Py_UCS4 ch,
                                          Py_ssize_t start, Py_ssize_t end,
                                          int direction);
PyAPI_FUNC(Py_ssize_t) PyUnicode_Count(PyObject* str, PyObject* substr,
                                       Py_ssize_t start, Py_ssize_t end);
PyAPI_FUNC(Py_ssize_t) PyUnicode_Tailmatch(PyObject* str, PyObject* substr,
                                           Py_ssize_t start, Py_ssize_t end,
                                           int direction);
PyAPI_FUNC(int) PyUnicode_Contains(PyObject* container, PyObject* element);
PyAPI_FUNC(PyObject*) PyUnicode_Join(PyObject* separator, PyObject* iterable);
/* format % args: printf-style formatting (%s %r %a %d %x %f %c ...,
 * flags, width, precision, '*', %(name)s with a mapping). */
PyAPI_FUNC(PyObject*) PyUnicode_Format(PyObject* format, PyObject* args);
PyAPI_FUNC(PyObject*) PyUnicode_Split(PyObject* s, PyObject* sep,
                                      Py_ssize_t maxsplit);
PyAPI_FUNC(PyObject*) PyUnicode_Replace(PyObject* str, PyObject* substr,
                                        PyObject* replstr, Py_ssize_t maxcount);

/* ---- Latin-1 and ASCII codecs -----------------------------------------
 * errors: NULL or "strict" (UnicodeDecodeError / UnicodeEncodeError with
 * CPython's messages). Other handlers ("replace", "ignore", ...) are not
 * available: NotImplementedError naming the handler. */
PyAPI_FUNC(PyObject*) PyUnicode_DecodeLatin1(const char* string,
                                             Py_ssize_t length,
                                             const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeASCII(const char* string,
                                            Py_ssize_t length,
                                            const char* errors);
/* Codecs by name: "utf-8", "utf-16", "utf-16-le", "utf-16-be", the same
 * three of UTF-32, "ascii" and "latin-1" (and their aliases, any case, '-'
 * '_' ' ' alike; NULL is UTF-8); LookupError "unknown encoding: NAME" for
 * others. Encoding: only the strict error handler; decoding UTF-8/16/32:
 * the handlers of the UTF codecs below. */
PyAPI_FUNC(PyObject*) PyUnicode_AsEncodedString(PyObject* unicode, const char* encoding,
                                                const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_Decode(const char* s, Py_ssize_t size, const char* encoding,
                                       const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_AsLatin1String(PyObject* unicode);
PyAPI_FUNC(PyObject*) PyUnicode_AsASCIIString(PyObject* unicode);

/* ---- Writing into a new string, and UCS-4 copies ----------------------
 * A string from PyUnicode_New may be filled in by its creator before it is
 * published (shared, hashed, or its UTF-8 form asked for): these refuse
 * any other with SystemError "Cannot modify a string currently used".
 *   PyUnicode_WriteChar: 0, or -1 (IndexError; ValueError if the
 *     character does not fit the string's maximum).
 *   PyUnicode_Fill: how many it wrote (clipped to the string), or -1.
 *   PyUnicode_CopyCharacters: how many it copied (clipped to both), or -1
 *     (SystemError if a character does not fit `to`).
 *   PyUnicode_AsUCS4: the code points into buffer (plus a NUL if
 *     copy_null); SystemError if buflen is too small. AsUCS4Copy: a
 *     PyMem_Malloc'd copy with a NUL, for the caller to PyMem_Free. */
PyAPI_FUNC(int) PyUnicode_WriteChar(PyObject* unicode, Py_ssize_t index,
                                    Py_UCS4 character);
PyAPI_FUNC(Py_ssize_t) PyUnicode_Fill(PyObject* unicode, Py_ssize_t start,
                                      Py_ssize_t length, Py_UCS4 fill_char);
PyAPI_FUNC(Py_ssize_t) PyUnicode_CopyCharacters(PyObject* to,
                                                Py_ssize_t to_start,
                                                PyObject* from,
                                                Py_ssize_t from_start,
                                                Py_ssize_t how_many);
PyAPI_FUNC(Py_UCS4*) PyUnicode_AsUCS4(PyObject* unicode, Py_UCS4* buffer,
                                      Py_ssize_t buflen, int copy_null);
PyAPI_FUNC(Py_UCS4*) PyUnicode_AsUCS4Copy(PyObject* unicode);

/* ---- Conversions, appending, comparison -------------------------------
 *   PyUnicode_FromObject: a str itself (new reference), a str subclass
 *     as an exact str copy; TypeError "Can't convert 'T' object to str
 *     implicitly" for others.
 *   PyUnicode_FromEncodedObject: decodes bytes or any bytes-like object
 *     (buffer) with PyUnicode_Decode; TypeError "decoding str is not
 *     supported" for a str, "decoding to str: need a bytes-like object, T
 *     found" for others. Empty input gives '' without looking up encoding.
 *   PyUnicode_Append: *pleft = *pleft + right, dropping the old *pleft;
 *     on error (SystemError for NULL or non-str) *pleft is released and
 *     set to NULL. AppendAndDel also releases right (steals it).
 *   PyUnicode_RichCompare: Py_True / Py_False, or Py_NotImplemented unless
 *     both are str.
 *   PyUnicode_Resize: replaces *unicode by a string of `length` characters
 *     (its first ones kept, the rest U+0000 for the caller to write before
 *     sharing it): 0, or -1 with SystemError for a NULL, non-str or a
 *     negative length.
 *   PyUnicode_IsIdentifier: 1 if str.isidentifier() (Unicode 15.1's
 *     XID_Start / XID_Continue), else 0; -1 with TypeError for a non-str. */
PyAPI_FUNC(PyObject*) PyUnicode_FromObject(PyObject* obj);
PyAPI_FUNC(PyObject*) PyUnicode_FromEncodedObject(PyObject* obj, const char* encoding,
                                                  const char* errors);
PyAPI_FUNC(void) PyUnicode_Append(PyObject** pleft, PyObject* right);
PyAPI_FUNC(void) PyUnicode_AppendAndDel(PyObject** pleft, PyObject* right);
PyAPI_FUNC(PyObject*) PyUnicode_RichCompare(PyObject* left, PyObject* right, int op);
PyAPI_FUNC(int) PyUnicode_Resize(PyObject** unicode, Py_ssize_t length);
PyAPI_FUNC(int) PyUnicode_IsIdentifier(PyObject* s);

/* ---- Partition, rsplit, splitlines ------------------------------------
 * str.partition / rpartition (a 3-tuple; ValueError "empty separator"),
 * str.rsplit (sep NULL: whitespace runs; maxsplit < 0: no limit) and
 * str.splitlines (keepends nonzero keeps the line breaks). A non-str
 * argument is a TypeError "must be str, not T". */
PyAPI_FUNC(PyObject*) PyUnicode_Partition(PyObject* s, PyObject* sep);
PyAPI_FUNC(PyObject*) PyUnicode_RPartition(PyObject* s, PyObject* sep);
PyAPI_FUNC(PyObject*) PyUnicode_RSplit(PyObject* s, PyObject* sep, Py_ssize_t maxsplit);
PyAPI_FUNC(PyObject*) PyUnicode_Splitlines(PyObject* s, int keepends);

/* ---- UTF-8 (stateful), UTF-16 and UTF-32 codecs -----------------------
 * errors: NULL / "strict", "ignore", "replace" or "surrogateescape";
 * another name is a LookupError "unknown error handler name 'NAME'" when
 * the input has an error. Malformed input: UnicodeDecodeError worded as
 * CPython ("'utf-16-le' codec can't decode bytes in position 0-1: illegal
 * encoding").
 * byteorder (may be NULL): in, -1 little endian, 1 big endian, 0 native
 * where a leading BOM picks the order and is dropped (with -1 or 1 a BOM
 * is an ordinary U+FEFF); out, the order in force at the end (0 if none
 * was chosen).
 * consumed (the Stateful forms; may be NULL): an incomplete sequence at
 * the end is left undecoded instead of an error, and *consumed is the
 * number of bytes used.
 * AsUTF16String / AsUTF32String: a BOM then native byte order, as
 * str.encode('utf-16'); a lone surrogate is a UnicodeEncodeError. */
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF8Stateful(const char* string, Py_ssize_t length,
                                                   const char* errors, Py_ssize_t* consumed);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF16(const char* string, Py_ssize_t length,
                                            const char* errors, int* byteorder);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF16Stateful(const char* string, Py_ssize_t length,
                                                    const char* errors, int* byteorder,
                                                    Py_ssize_t* consumed);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF32(const char* string, Py_ssize_t length,
                                            const char* errors, int* byteorder);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF32Stateful(const char* string, Py_ssize_t length,
                                                    const char* errors, int* byteorder,
                                                    Py_ssize_t* consumed);
PyAPI_FUNC(PyObject*) PyUnicode_AsUTF16String(PyObject* unicode);
PyAPI_FUNC(PyObject*) PyUnicode_AsUTF32String(PyObject* unicode);

/* ---- The filesystem encoding ------------------------------------------
 * UTF-8 with surrogateescape, as CPython's on Linux (UTF-8 mode or a
 * UTF-8 locale): undecodable bytes become U+DC80..U+DCFF and encode back.
 *   PyUnicode_FSConverter / PyUnicode_FSDecoder: "O&" converters taking
 *     str, bytes or an os.PathLike (__fspath__) to bytes / str in
 *     *(PyObject**)addr; Py_CLEANUP_SUPPORTED on success, 0 on error
 *     (TypeError "expected str, bytes or os.PathLike object, not T";
 *     ValueError "embedded null byte" / "embedded null character");
 *     called with arg NULL they release *addr and return 1. */
PyAPI_FUNC(PyObject*) PyUnicode_DecodeFSDefault(const char* s);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeFSDefaultAndSize(const char* s, Py_ssize_t size);
PyAPI_FUNC(PyObject*) PyUnicode_EncodeFSDefault(PyObject* unicode);
PyAPI_FUNC(int) PyUnicode_FSConverter(PyObject* arg, void* addr);
PyAPI_FUNC(int) PyUnicode_FSDecoder(PyObject* arg, void* addr);
/* The locale encoding, UTF-8 here (CPython's under a UTF-8 locale or in
 * UTF-8 mode). errors: NULL / "strict" or "surrogateescape"; others are a
 * ValueError "unsupported error handler". An embedded NUL is a ValueError
 * ("embedded null byte" / "embedded null character"); an undecodable byte
 * or unencodable character a UnicodeDecodeError / UnicodeEncodeError of
 * the 'locale' codec. */
PyAPI_FUNC(PyObject*) PyUnicode_DecodeLocaleAndSize(const char* str, Py_ssize_t len,
                                                    const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeLocale(const char* str, const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_EncodeLocale(PyObject* unicode, const char* errors);

/* ---- _PyUnicodeWriter: CPython 3.13's private, exported string builder -
 * pythoncapi_compat.h builds the 3.14 PyUnicodeWriter_* functions on it
 * for every PY_VERSION_HEX < 3.14, so it is here with CPython's layout and
 * semantics; the public 3.14 PyUnicodeWriter type and its functions are
 * deliberately NOT declared (that header defines them itself).
 *
 * A writer is a caller-owned struct (usually on the stack) over one str
 * that no other thread sees until _PyUnicodeWriter_Finish returns it:
 *   buffer   the str being written (NULL until the first write), or, with
 *            readonly set, a shared str kept as is (size is then 0)
 *   data     its characters, kind their width, maxchar the largest code
 *            point that kind holds; size its capacity, pos how many are
 *            written
 *   min_length, min_char, overallocate: set after _PyUnicodeWriter_Init
 *            for the least capacity, the least maxchar (127) and growth
 *            by a quarter more than asked
 * After _PyUnicodeWriter_Prepare(w, n, maxchar) returns 0 the caller may
 * store n characters up to maxchar itself with PyUnicode_WRITE(w->kind,
 * w->data, w->pos, ch), advancing w->pos. The Write* functions return 0,
 * or -1 with an exception: WriteChar ValueError "character must be in
 * range(0x110000)"; WriteStr / WriteSubstring TypeError for a non-str and
 * SystemError for a range outside the string (CPython only asserts);
 * WriteASCIIString (len -1: strlen) SystemError for a byte above 127.
 * _PyUnicodeWriter_Finish returns the text as a new exact-length str of
 * the narrowest kind ("" when empty) and leaves buffer NULL (NULL with an
 * exception on failure, the writer then empty); _PyUnicodeWriter_Dealloc
 * drops an unfinished buffer. A writer must not be used from two threads
 * at once. */
typedef struct {
  PyObject* buffer;
  void* data;
  int kind;
  Py_UCS4 maxchar;
  Py_ssize_t size;
  Py_ssize_t pos;
  /* minimum number of allocated characters (default: 0) */
  Py_ssize_t min_length;
  /* minimum character (default: 127, ASCII) */
  Py_UCS4 min_char;
  /* If non-zero, overallocate the buffer (default: 0). */
  unsigned char overallocate;
  /* If readonly is 1, buffer is a shared string (cannot be modified) and
   * size is set to 0. */
  unsigned char readonly;
} _PyUnicodeWriter;

PyAPI_FUNC(void) _PyUnicodeWriter_Init(_PyUnicodeWriter* writer);
#define _PyUnicodeWriter_Prepare(WRITER, LENGTH, MAXCHAR)            \
  (((MAXCHAR) <= (WRITER)->maxchar &&                                \
    (LENGTH) <= (WRITER)->size - (WRITER)->pos)                      \
       ? 0                                                           \
       : (((LENGTH) == 0)                                            \
              ? 0                                                    \
              : _PyUnicodeWriter_PrepareInternal((WRITER), (LENGTH), \
                                                 (MAXCHAR))))
PyAPI_FUNC(int) _PyUnicodeWriter_PrepareInternal(_PyUnicodeWriter* writer,
                                                 Py_ssize_t length,
                                                 Py_UCS4 maxchar);
#define _PyUnicodeWriter_PrepareKind(WRITER, KIND) \
  ((KIND) <= (WRITER)->kind ? 0                    \
                            : _PyUnicodeWriter_PrepareKindInternal((WRITER), (KIND)))
PyAPI_FUNC(int) _PyUnicodeWriter_PrepareKindInternal(_PyUnicodeWriter* writer,
                                                     int kind);
PyAPI_FUNC(int) _PyUnicodeWriter_WriteChar(_PyUnicodeWriter* writer, Py_UCS4 ch);
PyAPI_FUNC(int) _PyUnicodeWriter_WriteStr(_PyUnicodeWriter* writer, PyObject* str);
PyAPI_FUNC(int) _PyUnicodeWriter_WriteSubstring(_PyUnicodeWriter* writer,
                                                PyObject* str, Py_ssize_t start,
                                                Py_ssize_t end);
PyAPI_FUNC(int) _PyUnicodeWriter_WriteASCIIString(_PyUnicodeWriter* writer,
                                                  const char* str,
                                                  Py_ssize_t len);
PyAPI_FUNC(int) _PyUnicodeWriter_WriteLatin1String(_PyUnicodeWriter* writer,
                                                   const char* str,
                                                   Py_ssize_t len);
PyAPI_FUNC(PyObject*) _PyUnicodeWriter_Finish(_PyUnicodeWriter* writer);
PyAPI_FUNC(void) _PyUnicodeWriter_Dealloc(_PyUnicodeWriter* writer);

#ifdef __cplusplus
}
#endif

#endif /* !Py_UNICODEOBJECT_H */
