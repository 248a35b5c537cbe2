/* The memory layouts of the built-in types that C code reads directly.
 *
 * ext_abi/'s Python.h exposes CPython's access macros (PyUnicode_KIND,
 * PyUnicode_DATA, PyUnicode_READ, PyTuple_GET_ITEM, PyList_GET_ITEM,
 * PyList_GET_SIZE, PyBytes_AS_STRING, PyFloat_AS_DOUBLE, PyDict_GET_SIZE,
 * PySet_GET_SIZE, ...) as inline code that reads these structs' fields,
 * exactly as the same macros do against CPython 3.13t. So every struct
 * below that such a macro reads has CPython 3.13's name, field order and,
 * on x86-64, its offsets (asserted at the bottom; figures from CPython
 * 3.13's headers, Include/cpython/unicodeobject.h, tupleobject.h,
 * listobject.h, bytesobject.h, bytearrayobject.h, floatobject.h, dictobject.h, setobject.h,
 * sliceobject.h and complexobject.h, compiled with Py_GIL_DISABLED). The
 * behaviour is object/'s
 * (str.h, tuple.h, list.h, ...). Compiles as C11 and as C++20.
 *
 * Where ftrt's layout is its own (no public macro reads it):
 *   - struct _longobject (int and bool): a 64-bit value after the header
 *     while the value fits, else 32-bit digits after the struct (see
 *     below), not CPython's 30-bit digits (PyLong_* are functions, never
 *     macros);
 *   - the dict's key table (PyDictKeysObject) is opaque; only ma_used, which
 *     PyDict_GET_SIZE reads, has a public meaning;
 *   - a list's item array (ob_item) is preceded, in the same block, by its
 *     capacity (ftrt_ListArray below), so a lock-free reader holding only
 *     the array pointer knows its bounds, as CPython 3.13t does.
 *
 * Concurrency (free-threaded, as in CPython 3.13t): fields other threads may
 * write while a reader looks (a list's ob_size, ob_item and its items, a
 * dict's ma_used, a str's cached hash and UTF-8 form) are written with
 * atomic stores by object/; C code that reads them racily through the
 * macros gets a value that was stored, never a torn one (aligned words).
 */
#ifndef FTRT_OBJECT_BUILTIN_LAYOUTS_H_
#define FTRT_OBJECT_BUILTIN_LAYOUTS_H_

#include <stddef.h>
#include <stdint.h>

#include "object/cpython_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- str (PEP 393) -------------------------------------------------------
 * Two compact forms, as CPython has them, and for instances of str
 * subclasses the non-compact one:
 *   compact ASCII: PyASCIIObject, then the characters (1 byte each), then a
 *     NUL; state.ascii = state.compact = 1, kind 1; the UTF-8 form is the
 *     data itself;
 *   compact: PyCompactUnicodeObject, then the characters (kind bytes each,
 *     kind the narrowest that holds the widest character: 1, 2 or 4), then
 *     a NUL of the same width; state.compact = 1, state.ascii = 0; utf8 is a
 *     separately allocated, NUL-terminated cache made on first request;
 *   non-compact (str subclasses only: a subtype's fields follow the
 *     struct, so the characters cannot): PyUnicodeObject, whose data
 *     points to a separate block of the characters and a NUL; state.compact
 *     = 0, state.ascii as above, utf8 as in the compact form (NULL for an
 *     ASCII string, whose data is its UTF-8 form).
 * hash is -1 until computed (then written once, racily but atomically, by
 * whichever thread computes it first; every thread computes the same). */
typedef uint32_t Py_UCS4;
typedef uint16_t Py_UCS2;
typedef uint8_t Py_UCS1;

enum PyUnicode_Kind {
  PyUnicode_1BYTE_KIND = 1,
  PyUnicode_2BYTE_KIND = 2,
  PyUnicode_4BYTE_KIND = 4
};

/* state.interned values. */
#define SSTATE_NOT_INTERNED 0
#define SSTATE_INTERNED_MORTAL 1
#define SSTATE_INTERNED_IMMORTAL 2
#define SSTATE_INTERNED_IMMORTAL_STATIC 3

typedef struct {
  PyObject_HEAD
  Py_ssize_t length; /* code points */
  Py_hash_t hash;    /* -1 until computed */
  struct {
    unsigned int interned : 2;
    unsigned int kind : 3; /* PyUnicode_*BYTE_KIND */
    unsigned int compact : 1;
    unsigned int ascii : 1;
    unsigned int statically_allocated : 1;
    unsigned int : 24; /* keeps the data 4-byte aligned */
  } state;
} PyASCIIObject;

typedef struct {
  PyASCIIObject _base;
  Py_ssize_t utf8_length; /* bytes in utf8, without the NUL; 0 if none */
  char* utf8;             /* NUL-terminated UTF-8 form, or NULL */
} PyCompactUnicodeObject;

typedef struct {
  PyCompactUnicodeObject _base;
  union {
    void* any;
    Py_UCS1* latin1;
    Py_UCS2* ucs2;
    Py_UCS4* ucs4;
  } data; /* the characters, in their own block */
} PyUnicodeObject;

/* ---- tuple ---------------------------------------------------------------
 * Immutable once published; ob_size items follow the header. */
typedef struct {
  PyObject_VAR_HEAD
  PyObject* ob_item[1];
} PyTupleObject;

/* ---- list ----------------------------------------------------------------
 * ob_item points at the `items` member of an ftrt_ListArray (or is NULL
 * when nothing was ever allocated); `allocated` mirrors its capacity. An
 * array is never resized in place: growing or shrinking publishes a new
 * one and frees the old one after a QSBR grace period, so a lock-free
 * reader that loaded ob_item can keep reading it. */
typedef struct {
  PyObject_VAR_HEAD
  PyObject** ob_item;
  Py_ssize_t allocated;
} PyListObject;

typedef struct {
  Py_ssize_t capacity; /* immutable for the array's life */
  PyObject* items[];   /* capacity slots; those >= ob_size are NULL */
} ftrt_ListArray;

/* ---- bytes ---------------------------------------------------------------
 * ob_size bytes then a NUL in ob_sval. ob_shash is -1 until computed
 * (CPython 3.13 keeps the field, deprecated; so do we). */
typedef struct {
  PyObject_VAR_HEAD
  Py_hash_t ob_shash;
  char ob_sval[1];
} PyBytesObject;

/* ---- bytearray -------------------------------------------------------------
 * ob_size bytes at ob_start (== ob_bytes in ftrt), inside a block of
 * ob_alloc bytes; ob_exports counts live buffer exports (bytearray.h). */
typedef struct {
  PyObject_VAR_HEAD
  Py_ssize_t ob_alloc;
  char* ob_bytes;
  char* ob_start;
  Py_ssize_t ob_exports;
} PyByteArrayObject;

/* ---- float ---------------------------------------------------------------- */
typedef struct {
  PyObject_HEAD
  double ob_fval;
} PyFloatObject;

/* ---- int and bool (ftrt's layout) ------------------------------------------
 * Two forms. Small: ftrt_ndigits == 0 and the value is ftrt_value (every
 * value in the int64_t range, and only those, has this form). Big:
 * |ftrt_ndigits| 32-bit digits of the magnitude follow the struct in the
 * same block, least significant first, the highest non-zero; the sign of
 * ftrt_ndigits is the value's; ftrt_value is 0. Ints are immutable. */
struct _longobject {
  PyObject_HEAD
  int64_t ftrt_value;
  int64_t ftrt_ndigits;
};
typedef struct _longobject PyLongObject;

/* ---- dict ----------------------------------------------------------------- */
typedef struct _dictkeysobject PyDictKeysObject;
typedef struct _dictvalues PyDictValues;

typedef struct {
  PyObject_HEAD
  Py_ssize_t ma_used;       /* number of items; atomic stores */
  uint64_t _ma_watcher_tag; /* unused by ftrt (0) */
  PyDictKeysObject* ma_keys;
  PyDictValues* ma_values; /* always NULL: ftrt has combined tables only */
} PyDictObject;

/* ---- set and frozenset ------------------------------------------------------
 * CPython 3.13's PySetObject, so that PySet_GET_SIZE (and extensions that
 * read ((PySetObject*)s)->used) work. ftrt's own arrangement of the table
 * (object/set.h): `table` points at the entries of a separately allocated
 * ftrt_SetTable (or of a shared static empty one), never at smalltable,
 * which stays zeroed: a table is never rewritten in place once lock-free
 * readers may probe it. `mask` mirrors the current table's mask (readers use
 * the table's own copy). A slot's key is NULL (unused), ftrt's dummy
 * sentinel (deleted) or a live key. */
#define PySet_MINSIZE 8

typedef struct {
  PyObject* key;  /* NULL, the dummy, or a live key; atomic */
  Py_hash_t hash; /* the key's hash; written before the key is published */
} setentry;

typedef struct {
  PyObject_HEAD
  Py_ssize_t fill;   /* live and dummy slots (writers only) */
  Py_ssize_t used;   /* live slots; atomic stores */
  Py_ssize_t mask;   /* the current table's size - 1 (writers' mirror) */
  setentry* table;   /* the current table's entries; atomic */
  Py_hash_t hash;    /* frozenset: its hash once computed, else -1; atomic */
  Py_ssize_t finger; /* where pop() looks next (writers only) */
  setentry smalltable[PySet_MINSIZE]; /* unused by ftrt (zero) */
  PyObject* weakreflist;
} PySetObject;

/* ftrt's table block: the mask, then mask + 1 entries. Immutable size. */
typedef struct {
  Py_ssize_t mask;
  /* Unique for the process lifetime (0: the static empty table); set before
   * the table is published, never changed. A freed table's address can come
   * back as a new table, its generation cannot (object/set.h). */
  uint64_t generation;
  setentry entries[];
} ftrt_SetTable;
/* ---- slice --------------------------------------------------------------- */
/* Immutable: the three fields are set at creation, never NULL (None for a
 * value left out). */
typedef struct {
  PyObject_HEAD
  PyObject* start;
  PyObject* stop;
  PyObject* step;
} PySliceObject;

/* ---- complex ------------------------------------------------------------- */
/* Immutable: the value is set at creation. */
typedef struct {
  double real;
  double imag;
} Py_complex;

typedef struct {
  PyObject_HEAD
  Py_complex cval;
} PyComplexObject;

#ifdef __cplusplus
} /* extern "C" */
#endif

#ifdef __cplusplus
#define FTRT_LAYOUT_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define FTRT_LAYOUT_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#if defined(__LP64__)
/* CPython 3.13 with Py_GIL_DISABLED on x86-64. */
FTRT_LAYOUT_ASSERT(sizeof(PyASCIIObject) == 56, "PyASCIIObject");
FTRT_LAYOUT_ASSERT(offsetof(PyASCIIObject, length) == 32, "length");
FTRT_LAYOUT_ASSERT(offsetof(PyASCIIObject, hash) == 40, "hash");
FTRT_LAYOUT_ASSERT(offsetof(PyASCIIObject, state) == 48, "state");
FTRT_LAYOUT_ASSERT(sizeof(PyCompactUnicodeObject) == 72, "PyCompactUnicodeObject");
FTRT_LAYOUT_ASSERT(offsetof(PyCompactUnicodeObject, utf8_length) == 56, "utf8_length");
FTRT_LAYOUT_ASSERT(offsetof(PyCompactUnicodeObject, utf8) == 64, "utf8");
FTRT_LAYOUT_ASSERT(sizeof(PyUnicodeObject) == 80, "PyUnicodeObject");
FTRT_LAYOUT_ASSERT(offsetof(PyUnicodeObject, data) == 72, "data");
FTRT_LAYOUT_ASSERT(offsetof(PyTupleObject, ob_item) == 40, "tuple ob_item");
FTRT_LAYOUT_ASSERT(sizeof(PyListObject) == 56, "PyListObject");
FTRT_LAYOUT_ASSERT(offsetof(PyListObject, ob_item) == 40, "list ob_item");
FTRT_LAYOUT_ASSERT(offsetof(PyListObject, allocated) == 48, "list allocated");
FTRT_LAYOUT_ASSERT(offsetof(ftrt_ListArray, items) == 8, "list array items");
FTRT_LAYOUT_ASSERT(offsetof(PyBytesObject, ob_shash) == 40, "ob_shash");
FTRT_LAYOUT_ASSERT(offsetof(PyBytesObject, ob_sval) == 48, "ob_sval");
FTRT_LAYOUT_ASSERT(sizeof(PyByteArrayObject) == 72, "PyByteArrayObject");
FTRT_LAYOUT_ASSERT(offsetof(PyByteArrayObject, ob_alloc) == 40, "bytearray ob_alloc");
FTRT_LAYOUT_ASSERT(offsetof(PyByteArrayObject, ob_bytes) == 48, "bytearray ob_bytes");
FTRT_LAYOUT_ASSERT(offsetof(PyByteArrayObject, ob_start) == 56, "bytearray ob_start");
FTRT_LAYOUT_ASSERT(offsetof(PyByteArrayObject, ob_exports) == 64, "bytearray ob_exports");
FTRT_LAYOUT_ASSERT(sizeof(PyFloatObject) == 40, "PyFloatObject");
FTRT_LAYOUT_ASSERT(offsetof(PyFloatObject, ob_fval) == 32, "ob_fval");
FTRT_LAYOUT_ASSERT(sizeof(PyLongObject) == 48, "PyLongObject (ftrt)");
FTRT_LAYOUT_ASSERT(sizeof(PyDictObject) == 64, "PyDictObject");
FTRT_LAYOUT_ASSERT(offsetof(PyDictObject, ma_used) == 32, "ma_used");
FTRT_LAYOUT_ASSERT(offsetof(PyDictObject, ma_keys) == 48, "ma_keys");
FTRT_LAYOUT_ASSERT(offsetof(PyDictObject, ma_values) == 56, "ma_values");
FTRT_LAYOUT_ASSERT(sizeof(PySetObject) == 216, "PySetObject");
FTRT_LAYOUT_ASSERT(offsetof(PySetObject, fill) == 32, "set fill");
FTRT_LAYOUT_ASSERT(offsetof(PySetObject, used) == 40, "set used");
FTRT_LAYOUT_ASSERT(offsetof(PySetObject, table) == 56, "set table");
FTRT_LAYOUT_ASSERT(offsetof(PySetObject, hash) == 64, "set hash");
FTRT_LAYOUT_ASSERT(offsetof(PySetObject, smalltable) == 80, "set smalltable");
FTRT_LAYOUT_ASSERT(offsetof(PySetObject, weakreflist) == 208, "set weakreflist");
FTRT_LAYOUT_ASSERT(offsetof(ftrt_SetTable, entries) == 16, "set table entries");
FTRT_LAYOUT_ASSERT(sizeof(PySliceObject) == 56, "PySliceObject");
FTRT_LAYOUT_ASSERT(offsetof(PySliceObject, start) == 32, "slice start");
FTRT_LAYOUT_ASSERT(offsetof(PySliceObject, step) == 48, "slice step");
FTRT_LAYOUT_ASSERT(sizeof(PyComplexObject) == 48, "PyComplexObject");
FTRT_LAYOUT_ASSERT(offsetof(PyComplexObject, cval) == 32, "complex cval");
#endif

#undef FTRT_LAYOUT_ASSERT

#endif /* FTRT_OBJECT_BUILTIN_LAYOUTS_H_ */
