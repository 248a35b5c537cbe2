// Looking a name up in a type's MRO, lock-free: version tags and a
// process-wide lookup cache.
//
// After CPython's method cache (Objects/typeobject.c, _PyType_LookupRef,
// with the per-entry sequence lock of its free-threaded build), with our
// own code. Each ready type has a version tag (tp_version_tag; 0 =
// none), unique in the process and never reused. The cache maps (tag,
// interned name) to the value found in the MRO (a borrowed pointer, or
// null for "not found": negative results are cached too, so an instance
// attribute that lives in __dict__ costs one probe here).
//
// INVARIANTS. (1) A tag is assigned only under the type lock, and only
// after every class in the MRO has one. (2) A modification, under the same
// lock, zeroes the tags of the type and of all its subclasses (seq_cst)
// before it changes any dict, and assigns none. So a type's tag is valid
// only while no dict of its MRO has changed since the tag was assigned.
//
// READERS (no lock, no write to shared memory on a hit): load the tag
// (acquire), probe the entry with its sequence lock (seq even, fields,
// seq unchanged), and if (tag, name) match, the value is what the MRO
// held when the tag was valid. On a miss the reader walks the MRO's dicts
// (lock-free dict reads), then fills the entry only if the tag is still
// the one it started with (a writer that came in between zeroed it); it
// takes the type lock only to assign a tag to a type that has none.
//
// LIFETIME OF WHAT A HIT RETURNS. Values in type dicts are usually
// descriptors and functions, which use deferred reference counting, or
// immortal objects: such a value is never freed while a thread is between
// two safepoints (only a collection during a stop-the-world frees deferred
// objects), so a hit returns it borrowed, with no reference-count traffic
// (this is what keeps two threads calling one method from bouncing the
// descriptor's cache line: python/cpython#148906). The caller pins it on
// its root stack (StackRef) before anything that may reach a safepoint.
// Other values are returned with a reference taken by TryIncref, after
// which the tag is re-checked (seq_cst), since the object may have been
// removed and its memory reused meanwhile.
//
// Memory ordering: tags are read acquire / re-checked seq_cst and zeroed
// seq_cst; cache entries are published with release stores under an odd
// sequence number and read with acquire loads, the sequence re-read after.
#ifndef FTRT_OBJECT_TYPE_CACHE_H_
#define FTRT_OBJECT_TYPE_CACHE_H_

#include <cstdint>

#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// _PyType_LookupRef: the value of `name` (a str) in the type's MRO, a new
// reference, or null if absent (no exception is set either way, as in
// CPython; an error inside a lookup is swallowed to "absent").
Ref<> TypeLookup(PyTypeObject* type, PyObject* name);

namespace internal {

// What a lock-free lookup found: `value` (null: absent), and whether the
// caller owns a counted reference to it (`counted`). An uncounted value is
// deferred or immortal: valid until the calling thread's next safepoint.
struct TypeLookupResult {
  PyObject* value;
  bool counted;
};
TypeLookupResult TypeLookupFast(PyTypeObject* type, PyObject* name);

// Assigns a version tag to `type` (and its MRO) if it has none. Call with
// the type lock held. Returns the tag (0 if tags ran out).
uint32_t AssignVersionTagLocked(PyTypeObject* type);
// Zeroes the tags of `type` and its subclasses. Call with the type lock
// held.
void InvalidateVersionTagsLocked(PyTypeObject* type);

struct TypeCacheStats {
  uint64_t hits;
  uint64_t misses;
  uint64_t fills;
};
// The calling thread's counts (thread-local, for tests).
TypeCacheStats TypeCacheStatsForThread();

}  // namespace internal
}  // namespace ftrt

#endif  // FTRT_OBJECT_TYPE_CACHE_H_
