// set and frozenset: open-addressing hash sets whose lookups are lock-free.
//
// The object is CPython 3.13's PySetObject (builtin_layouts.h): `used` is
// what PySet_GET_SIZE reads. The table is our own arrangement of the same
// idea (CPython's Objects/setobject.c, after Knuth's open addressing): a
// power-of-two array of (key, hash) slots probed with the perturbed
// sequence dict uses, so every slot is visited and the hash's high bits
// take part. A slot is UNUSED (null key), LIVE, or DUMMY (a deleted key: a
// sentinel that keeps later keys of the probe reachable). Slots only ever
// go UNUSED -> LIVE -> DUMMY within one table: an insertion takes the
// UNUSED slot that ends its probe and never reuses a DUMMY, so a slot's hash
// never changes once its key is published. When live plus dummy slots
// would pass 3/5 of the table, the table is rebuilt (dummies dropped) with
// room for 4x the live keys. The table block carries its own mask and a
// generation, unique for the process lifetime (a global counter; 0 for the
// shared empty table) (ftrt_SetTable), and `table` points at its entries;
// the inline smalltable of CPython's layout is not used.
//
// The concurrency discipline is dict's (dict.h), adapted:
//
// WRITERS. Every mutation holds the set's critical section (ob_mutex).
// Slot keys, `table` and `used` are written with atomic stores; a slot's
// hash is written before the release store of its key. A table is never
// resized or cleared in place: a new one is published (release) and the
// old one goes to QSBR, so a reader still probing it reads valid, frozen
// memory.
//
// READERS. SetContains hashes the key outside any lock (a __hash__ may run
// any code), loads `table` (acquire) and probes. A key is found by identity
// or by equality of an equal-hash key: the stored key is first pinned
// (TryIncref) and the slot re-checked; exact str and int keys are compared
// directly, others by their __eq__, after which a hit stands only if the
// table pointer and the slot are unchanged, and anything else (an
// equal-hash key that is not equal: rare) is decided under the section,
// since the table may have been freed while __eq__ ran. (The hit needs no
// generation check: if the address now holds a new table, the slot still
// holding the key in it proves membership as well.) Every failed step falls back to
// the critical section, which gives the exact answer (and marks the key
// MAYBE_WEAKREF so later lock-free reads of it succeed). A miss is a probe
// that reaches an UNUSED slot: the key was absent from the table that was
// current when the lookup began.
//
// CODE WE DO NOT CONTROL. Equality of keys runs __eq__, which can do
// anything, including mutate this set or suspend our section. A locked
// probe therefore re-checks, after each comparison, that `table` is still
// the table it probed (the same address AND generation: meanwhile the table
// may have been replaced, freed after its grace period, since this thread
// too may pass quiescent states inside __eq__, and a new table allocated at
// the same address, even of the same size with the compared key in the
// compared slot) and the compared slot still holds the key it compared; if
// not, it starts over. (Other slots of the same table need no check: a
// probe only passes non-UNUSED slots, which can never become UNUSED again,
// and a key inserted meanwhile sits at or after the UNUSED slot that would
// end the probe, so the probe still meets it.) References a mutation
// removes are dropped only after the section ends.
//
// frozenset. Immutable once its constructor returns (internal::SetAddNew
// may add to one that no other code can see yet, as PySet_Add may add to a
// frozenset whose only reference its creator holds). Its hash is CPython's
// order-independent algorithm (an xor of the shuffled element hashes, then
// mixed), computed once and cached in `hash` (relaxed atomics: every thread
// computes the same value).
//
// Errors (absl::Status with errors.h's kinds): TypeError "unhashable type:
// 'list'" for an unhashable key, TypeError "expected a set, got 'list'"
// for a wrong container (a frozenset where a mutable set is required, too),
// KeyError for SetRemove of an absent key and "pop from an empty set", and
// whatever a key's __hash__ / __eq__ reported. A failed call leaves the set
// unchanged.
//
// ITERATION. SetNext walks the slots of the current table by position
// under the section, returning new references; like DictNext it may skip or
// repeat keys if the set is resized between calls, but never returns a
// freed object. The set iterator (iterators.h) raises RuntimeError "Set
// changed size during iteration" when the size changes, as CPython does.
// SetItems takes a consistent snapshot.
//
// COLLECTOR. Both types are GC containers (tracked at creation):
// tp_traverse visits the keys (the world is stopped); tp_clear empties the
// set.
#ifndef FTRT_OBJECT_SET_H_
#define FTRT_OBJECT_SET_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "object/builtin_layouts.h"
#include "object/compare.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PySet_Type;
extern PyTypeObject PyFrozenSet_Type;
}

namespace ftrt {

using SetObject = PySetObject;

PyTypeObject* SetType();
PyTypeObject* FrozenSetType();

// set, or a subclass of it (PySet_Check).
inline bool IsSet(const PyObject* op) {
  return op->ob_type == &PySet_Type || IsSubtype(op->ob_type, &PySet_Type);
}
// frozenset, or a subclass of it (PyFrozenSet_Check).
inline bool IsFrozenSet(const PyObject* op) {
  return op->ob_type == &PyFrozenSet_Type || IsSubtype(op->ob_type, &PyFrozenSet_Type);
}
// Either (PyAnySet_Check).
inline bool IsAnySet(const PyObject* op) { return IsSet(op) || IsFrozenSet(op); }

// A new set / frozenset (GC-tracked) holding the items of `iterable`: null
// (empty), or a list, tuple, set, frozenset or dict (its keys). Other
// iterables go through the iteration protocol, which object/'s protocol
// layer and the C API (PySet_New) provide on top of SetNew() and
// internal::SetAddNew: here they are a TypeError "'int' object is not
// iterable".
absl::StatusOr<Ref<>> SetNew(PyObject* iterable = nullptr);
absl::StatusOr<Ref<>> FrozenSetNew(PyObject* iterable = nullptr);

// len(s): a snapshot (relaxed). Unchecked: op must be a set or frozenset.
Py_ssize_t SetSize(const PyObject* anyset);

// key in s (set or frozenset).
absl::StatusOr<bool> SetContains(PyObject* anyset, PyObject* key);
// s.add(key) (set only). True if the key was added, false if present.
absl::StatusOr<bool> SetAdd(PyObject* set, PyObject* key);
// s.discard(key) (set only): true if the key was there (and is removed).
absl::StatusOr<bool> SetDiscard(PyObject* set, PyObject* key);
// s.remove(key) (set only): KeyError if absent.
absl::Status SetRemove(PyObject* set, PyObject* key);
// s.pop() (set only): an arbitrary key; KeyError "pop from an empty set".
absl::StatusOr<Ref<>> SetPop(PyObject* set);
// s.clear() (set only).
absl::Status SetClear(PyObject* set);
// s.update(items) (set only); items as for SetNew.
absl::Status SetUpdate(PyObject* set, PyObject* items);

// The next live key at or after *pos (a new reference), and *pos advanced
// past it; false at the end. Unchecked: op must be a set or frozenset.
bool SetNext(PyObject* anyset, Py_ssize_t* pos, Ref<>* key);

// A consistent snapshot of the keys (in table order).
absl::StatusOr<std::vector<Ref<>>> SetItems(PyObject* anyset);

// hash(frozenset) (cached). TypeError "unhashable type: 'set'" for a set.
absl::StatusOr<Py_hash_t> SetHash(PyObject* anyset);

// Set comparison: equality (same keys), subset / superset (<=, >=) and
// proper subset / superset (<, >), between sets and frozensets in any mix.
// TypeError unless both are sets or frozensets.
absl::StatusOr<bool> SetCompare(PyObject* a, PyObject* b, int op);

namespace internal {
// Adds key to a set, or to a frozenset its creator has not yet shared
// (what PySet_Add allows for a frozenset: the caller checks that it holds
// the only reference). True if added, false if present.
absl::StatusOr<bool> SetAddNew(PyObject* anyset, PyObject* key);
// Makes the zeroed body of a new set or frozenset subtype instance (from
// its tp_alloc) an empty set.
void SetInitEmpty(PyObject* anyset);
// Statistics of the calling thread's lookups, for tests: how many
// SetContains calls took the locked fallback.
uint64_t SetLookupFallbacksForTesting();
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_SET_H_
