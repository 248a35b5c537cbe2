// str: immutable Unicode text in PEP 393's flexible representation.
//
// As CPython has stored strings since 3.3 (PEP 393), a string keeps its
// code points at the narrowest width that holds its widest one: 1 byte
// (Latin-1), 2 bytes (the BMP) or 4 bytes, in one block right after its
// header, followed by a NUL of the same width. An ASCII flag marks strings
// whose characters are all below 128; for those the data is also the UTF-8
// form. Other strings cache their UTF-8 form (made on first request) and
// every string caches its hash. The layouts (PyASCIIObject,
// PyCompactUnicodeObject) and the state bits are CPython 3.13's
// (builtin_layouts.h), so ext_abi/'s PyUnicode_KIND, PyUnicode_DATA,
// PyUnicode_READ, PyUnicode_GET_LENGTH and PyUnicode_IS_ASCII read these
// objects as they read CPython's.
//
// Concurrency: a string is immutable once published, except for its two
// caches. The hash is a word written with a relaxed atomic store by any
// thread that computes it (all compute the same value). The UTF-8 cache is
// installed with a compare-exchange (release) and read with acquire; a
// thread that loses the race frees its copy, and the length is stored
// before the pointer is published. Strings made by StrNew are writable
// (PyUnicode_WRITE) by their creator until it publishes them.
//
// Errors: invalid UTF-8 is a UnicodeDecodeError; encoding a lone surrogate
// to UTF-8 a UnicodeEncodeError; a non-str argument a TypeError.
#ifndef FTRT_OBJECT_STR_H_
#define FTRT_OBJECT_STR_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"
#include "sync/config.h"

extern "C" {
extern PyTypeObject PyUnicode_Type;
}

namespace ftrt {

using StrObject = PyASCIIObject;

inline constexpr Py_UCS4 kMaxUnicode = 0x10FFFF;

PyTypeObject* StrType();

// str or a subclass.
inline bool IsStr(const PyObject* op) {
  return (op->ob_type->tp_flags & Py_TPFLAGS_UNICODE_SUBCLASS) != 0;
}
inline bool IsStrExact(const PyObject* op) { return op->ob_type == &PyUnicode_Type; }

// --- raw access (unchecked: op must be a str) ---
inline const StrObject* AsStr(const PyObject* op) {
  return reinterpret_cast<const StrObject*>(op);
}
inline Py_ssize_t StrLength(const PyObject* op) { return AsStr(op)->length; }
inline int StrKind(const PyObject* op) { return static_cast<int>(AsStr(op)->state.kind); }
inline bool StrIsAscii(const PyObject* op) { return AsStr(op)->state.ascii != 0; }
inline void* StrData(const PyObject* op) {
  const StrObject* s = AsStr(op);
  // A str subclass instance keeps its characters in a block of their own.
  if (FTRT_UNLIKELY(!s->state.compact)) return reinterpret_cast<const PyUnicodeObject*>(s)->data.any;
  const char* base = reinterpret_cast<const char*>(s);
  return const_cast<char*>(base + (s->state.ascii ? sizeof(PyASCIIObject)
                                                  : sizeof(PyCompactUnicodeObject)));
}
// Character i of `data`, characters of `kind` (1, 2 or 4 bytes each).
inline Py_UCS4 KindRead(int kind, const void* data, Py_ssize_t i) {
  switch (kind) {
    case PyUnicode_1BYTE_KIND:
      return static_cast<const Py_UCS1*>(data)[i];
    case PyUnicode_2BYTE_KIND:
      return static_cast<const Py_UCS2*>(data)[i];
    default:
      return static_cast<const Py_UCS4*>(data)[i];
  }
}
// Stores ch (which `kind` must hold) as character i of `data`.
inline void KindWrite(int kind, void* data, Py_ssize_t i, Py_UCS4 ch) {
  switch (kind) {
    case PyUnicode_1BYTE_KIND:
      static_cast<Py_UCS1*>(data)[i] = static_cast<Py_UCS1>(ch);
      break;
    case PyUnicode_2BYTE_KIND:
      static_cast<Py_UCS2*>(data)[i] = static_cast<Py_UCS2>(ch);
      break;
    default:
      static_cast<Py_UCS4*>(data)[i] = ch;
      break;
  }
}
inline Py_UCS4 StrReadChar(const PyObject* op, Py_ssize_t i) {
  return KindRead(StrKind(op), StrData(op), i);
}
// Copies `n` characters of `from_kind` into `to` at `to_kind` (which must
// hold the widest of them).
void CopyChars(int from_kind, const void* from, Py_ssize_t n, int to_kind, void* to);
// PyUnicode_MAX_CHAR_VALUE: the largest code point the string's kind (and
// ASCII flag) allows.
Py_UCS4 StrMaxCharValue(const PyObject* op);

// --- construction ---

// Decodes UTF-8 (strict); UnicodeDecodeError on invalid input.
absl::StatusOr<Ref<>> StrFromUtf8(absl::string_view utf8);

// PyUnicode_New: a string of `length` characters of width chosen by
// `max_char`, its data zeroed, for the caller to fill (PyUnicode_WRITE)
// before it publishes it. SystemError for a negative length or a max_char
// above U+10FFFF.
absl::StatusOr<Ref<>> StrNew(Py_ssize_t length, Py_UCS4 max_char);

// From code points at their narrowest width; ValueError for a code point
// above U+10FFFF.
absl::StatusOr<Ref<>> StrFromCodePoints(absl::Span<const Py_UCS4> code_points);

// From `length` characters of `kind` at `data`, narrowed to the smallest
// kind that holds them (PyUnicode_FromKindAndData).
absl::StatusOr<Ref<>> StrFromKindAndData(int kind, const void* data, Py_ssize_t length);

// s[begin:end] as an exact str (0 <= begin <= end <= len(s); s a str or
// a subclass instance).
absl::StatusOr<Ref<>> StrSlice(const PyObject* s, Py_ssize_t begin, Py_ssize_t end);

// s itself if it is an exact str, else an exact copy (what str's methods
// return for "the whole string").
absl::StatusOr<Ref<>> StrWhole(PyObject* s);

// a + b (TypeError unless both are str).
absl::StatusOr<Ref<>> StrConcat(const PyObject* a, const PyObject* b);

// An instance of `type`, a subclass of str (a C extension's type with
// tp_base = &PyUnicode_Type, or a heap subclass), holding the characters
// of the str `value`: non-compact (builtin_layouts.h), made by the type's
// tp_alloc. MemoryError if allocation fails.
absl::StatusOr<Ref<>> StrSubtypeCopy(PyTypeObject* type, const PyObject* value);

// The empty string (immortal, static).
PyObject* EmptyStr();

// The one-character string of U+0000..U+00FF `c` (immortal, static: one
// object per character, as CPython's latin-1 singletons). StrFromUtf8,
// StrFromCodePoints and StrFromKindAndData return these for such text.
PyObject* Latin1Char(Py_UCS1 c);

// --- queries ---

// The UTF-8 form, cached in the object (valid while the caller holds a
// reference). TypeError for a non-str, UnicodeEncodeError for a string
// holding a lone surrogate.
absl::StatusOr<absl::string_view> StrAsUtf8(PyObject* op);

// hash(s), cached (unchecked: op must be a str).
Py_hash_t StrHash(PyObject* op);

// Whether a and b (both str) hold the same characters.
bool StrEqual(const PyObject* a, const PyObject* b);

// Code-point order of a and b (both str): <0, 0, >0.
int StrCompare(const PyObject* a, const PyObject* b);

// Whether the str `op` equals the UTF-8 text `utf8` (false for invalid
// UTF-8).
bool StrEqualsUtf8(const PyObject* op, absl::string_view utf8);

}  // namespace ftrt

#endif  // FTRT_OBJECT_STR_H_
