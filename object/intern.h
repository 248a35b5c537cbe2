// Interned strings: one canonical, immortal str per distinct text, so that
// attribute names compare by address (the type lookup cache keys on it).
//
// After CPython's interned-string dict (Objects/unicodeobject.c; 3.13
// makes interned strings immortal), with our own code. The table is
// process-wide, because interned names are keys in static types' dicts,
// which outlive every runtime. So an interned string is not allocated from
// a runtime's heap: it is a copy of the str in plain malloc'ed memory with
// a static, immortal header (FTRT_OBJ_FLAG_STATIC, state.interned =
// SSTATE_INTERNED_IMMORTAL, hash precomputed), never freed.
//
// The table is an open-addressing array of atomic pointers. Readers probe
// it without a lock (acquire loads; entries are never removed, and a full
// table is replaced by a bigger copy while the old one stays readable:
// old tables are kept, at most as much memory as the current one). Inserts
// take a leaf std::mutex.
#ifndef FTRT_OBJECT_INTERN_H_
#define FTRT_OBJECT_INTERN_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/str.h"

namespace ftrt {

// Whether `op` is an interned str (the canonical copy).
inline bool IsInterned(const PyObject* op) {
  return IsStrExact(op) && AsStr(op)->state.interned != SSTATE_NOT_INTERNED;
}

// PyUnicode_InternFromString: the interned str for UTF-8 `text`
// (borrowed: it is immortal). Null with UnicodeDecodeError (or
// MemoryError) set on failure.
PyObject* InternFromString(absl::string_view text);

// PyUnicode_InternInPlace's result: the interned str equal to the str
// `s` (made if absent). Borrowed (immortal). Null with an exception set
// if `s` is not a str, or on MemoryError.
PyObject* InternStr(PyObject* s);

// The interned str equal to `s` if there is one, else null. Never makes
// one, never fails.
PyObject* FindInterned(PyObject* s);

// How many strings are interned (a snapshot).
size_t InternedCount();

}  // namespace ftrt

#endif  // FTRT_OBJECT_INTERN_H_
