// str's algorithms: searching, counting, joining, splitting, replacing, the
// Latin-1 and ASCII codecs, and the in-place writes a string's creator may
// make before publishing it.
//
// These are what str's methods (find, count, startswith, join, split,
// replace, encode) and bytes.decode do, with Python's semantics (slice
// indices clamped as s[start:end] clamps them, an empty substring found at
// every position, whitespace as str.split() knows it), so that ext_abi/'s
// PyUnicode_Find, PyUnicode_Join, PyUnicode_DecodeASCII, ... are thin
// wrappers. They work on the PEP 393 representation directly (str.h): a
// search compares code points across kinds without widening anything, and
// every string they make is in canonical (narrowest) form.
//
// Concurrency: published strings are immutable, so the queries and the
// constructors are safe from any thread. The writes (StrWriteChar,
// StrFill, StrCopyCharacters) are for a string the caller made with
// StrNew and has not published: they refuse (SystemError) a string with a
// reference count other than 1, a cached hash or an interned state, as
// CPython does, and one whose UTF-8 form is cached (it would go stale).
//
// Errors: a non-str argument is a TypeError; the codecs give
// UnicodeDecodeError / UnicodeEncodeError with CPython's messages.
#ifndef FTRT_OBJECT_STR_OPS_H_
#define FTRT_OBJECT_STR_OPS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// --- searching (s and sub must be str; unchecked) ---

// The index of the first (direction > 0) or last (direction <= 0)
// occurrence of `sub` in s[start:end], or -1. An empty `sub` is found at
// start (forward) or end (backward) when start <= end after clamping.
Py_ssize_t StrFind(const PyObject* s, const PyObject* sub, Py_ssize_t start, Py_ssize_t end,
                   int direction);
// The same for one code point.
Py_ssize_t StrFindChar(const PyObject* s, Py_UCS4 ch, Py_ssize_t start, Py_ssize_t end,
                       int direction);
// Non-overlapping occurrences of `sub` in s[start:end] (str.count).
Py_ssize_t StrCount(const PyObject* s, const PyObject* sub, Py_ssize_t start, Py_ssize_t end);
// Whether s[start:end] starts (direction <= 0) or ends (direction > 0)
// with `sub` (str.startswith / str.endswith).
bool StrTailmatch(const PyObject* s, const PyObject* sub, Py_ssize_t start, Py_ssize_t end,
                  int direction);
// Whether str.isspace() holds for the code point (Py_UNICODE_ISSPACE).
bool IsUnicodeSpace(Py_UCS4 ch);

// --- new strings ---

// sep.join(items): TypeError "sequence item N: expected str instance, T
// found" for a non-str item. sep must be a str.
absl::StatusOr<Ref<>> StrJoin(const PyObject* sep, absl::Span<PyObject* const> items);
// s.split(sep, maxsplit) as a new list; sep null splits on runs of
// whitespace. ValueError "empty separator" for "". maxsplit < 0: no limit.
absl::StatusOr<Ref<>> StrSplit(PyObject* s, const PyObject* sep, Py_ssize_t maxsplit);
// s.replace(old, repl, maxcount); maxcount < 0: all. Returns s itself
// (a new reference) when nothing is replaced.
absl::StatusOr<Ref<>> StrReplace(PyObject* s, const PyObject* old, const PyObject* repl,
                                 Py_ssize_t maxcount);

// --- codecs (strict) ---

absl::StatusOr<Ref<>> StrDecodeLatin1(absl::string_view bytes);
absl::StatusOr<Ref<>> StrDecodeAscii(absl::string_view bytes);
// str.encode("latin-1") / str.encode("ascii"): a new bytes object.
absl::StatusOr<Ref<>> StrEncodeLatin1(const PyObject* s);
absl::StatusOr<Ref<>> StrEncodeAscii(const PyObject* s);

// --- writes into an unpublished string (see the top of the file) ---

// PyUnicode_WriteChar: IndexError out of range, ValueError if ch does not
// fit the string's kind.
absl::Status StrWriteChar(PyObject* s, Py_ssize_t index, Py_UCS4 ch);
// PyUnicode_Fill: fills s[start:start+length] (clipped to the string),
// returns how many it wrote. ValueError if ch does not fit, IndexError for
// start < 0 or past the end.
absl::StatusOr<Py_ssize_t> StrFill(PyObject* s, Py_ssize_t start, Py_ssize_t length,
                                   Py_UCS4 ch);
// PyUnicode_CopyCharacters: copies from[from_start:from_start+n] to
// to[to_start:], n clipped to both strings; returns n. IndexError for a
// start out of range, SystemError if the characters do not fit to's kind.
absl::StatusOr<Py_ssize_t> StrCopyCharacters(PyObject* to, Py_ssize_t to_start,
                                             const PyObject* from, Py_ssize_t from_start,
                                             Py_ssize_t how_many);

}  // namespace ftrt

#endif  // FTRT_OBJECT_STR_OPS_H_
