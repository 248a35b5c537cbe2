// dict: an insertion-ordered hash table whose lookups are lock-free.
//
// The table follows CPython's compact dict (Raymond Hettinger's design,
// CPython 3.6+): a key table (PyDictKeysObject, opaque here) holds an index
// array of 2^k slots (1, 2, 4 or 8 bytes each; EMPTY, DUMMY or an entry
// number) and an entry array of (hash, key, value) in insertion order.
// Lookups probe the index with CPython's perturbed open addressing; deleted
// entries leave a DUMMY index and a cleared entry, and the table is rebuilt
// (compacted, resized for 3x the live items) when its entries run out. The
// object is CPython's PyDictObject (builtin_layouts.h); ma_used is what
// PyDict_GET_SIZE reads.
//
// The concurrency discipline is CPython 3.13t's (Objects/dictobject.c),
// with our own code:
//
// WRITERS. Every mutation holds the dict's critical section (ob_mutex).
// Entry keys and values, index slots, ma_keys and ma_used are written with
// atomic stores; an entry is filled before the index slot that publishes it
// is stored (release). A key table is never resized in place: a resize
// builds a new one, publishes it and hands the old one to QSBR, so a reader
// still probing the old table reads valid memory (its contents are frozen
// at the moment it was replaced: writers only ever write the current one).
// An entry slot is never reused within one table. Each table carries a
// generation, unique for the process lifetime (a global counter; 0 for the
// shared empty table), so a table is identified by (address, generation):
// once a replaced table is freed, a new one may be allocated at its address.
//
// READERS. GetItemRef hashes the key (outside any lock: a __hash__ may run
// any code), loads ma_keys and probes. A key is found by identity, or by
// equality of equal-hash keys: for exact str keys the characters are
// compared after taking a reference to the stored key (TryIncref) and
// re-checking the entry; for other types their __eq__ runs, on a reference,
// and the lookup falls back if the table (address and generation: __eq__
// may pass a quiescent state, after which the probed table may have been
// freed and its address reused) or the entry changed meanwhile. Between
// such comparisons a reader passes no quiescent state, so there the table
// pointer alone identifies the table (the value's re-check).
// The value is taken with TryIncref and re-checked (the entry still holds
// it, ma_keys is still the table probed). Every failed step falls back to
// the critical section, which gives the exact answer (and marks the value
// MAYBE_WEAKREF so later lock-free reads of it succeed). A miss is a probe
// that reaches an EMPTY slot: the key was absent from the table that was
// current when the lookup began.
//
// CODE WE DO NOT CONTROL. Equality of keys runs __eq__, which can do
// anything, including mutate this dict or suspend our section. Locked
// lookups therefore re-check, after each comparison, that ma_keys is still
// the table they probed (the same address AND generation: meanwhile the
// table may have been replaced, freed after its grace period, since this
// thread too may pass quiescent states inside __eq__, and a new table of
// the same size allocated at the same address), the entry still holds the
// key they compared and no entry was added; if not, they start over. Keys,
// values and references that a mutation replaces or removes are dropped
// only after the section ends.
//
// Errors (absl::Status with errors.h's kinds): TypeError "unhashable type:
// 'list'" for an unhashable key (and for a non-dict `dict` argument),
// KeyError for a missing key (the message is the key's repr once repr
// exists; for now "KeyError" plus what the key is when it is a str or an
// int), and whatever a key's __hash__ / __eq__ reported. A failed call
// leaves the dict unchanged.
//
// ITERATION. DictNext walks the entries of the current table by position
// under the section, returning new references; like PyDict_Next it may skip
// or repeat entries if the dict is resized between calls, but never returns
// a freed object. DictItems takes a consistent snapshot.
//
// COLLECTOR. tp_traverse visits keys and values (the world is stopped);
// tp_clear empties the dict.
#ifndef FTRT_OBJECT_DICT_H_
#define FTRT_OBJECT_DICT_H_

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyDict_Type;
}

namespace ftrt {

using DictObject = PyDictObject;

PyTypeObject* DictType();

inline bool IsDict(const PyObject* op) {
  return (op->ob_type->tp_flags & Py_TPFLAGS_DICT_SUBCLASS) != 0;
}

// A new empty dict (GC-tracked).
absl::StatusOr<Ref<>> DictNew();

// len(dict): a snapshot (relaxed). Unchecked: op must be a dict.
Py_ssize_t DictSize(const PyObject* dict);

// dict[key] as a new reference; KeyError if absent.
absl::StatusOr<Ref<>> DictGetItemRef(PyObject* dict, PyObject* key);
// As DictGetItemRef, but an absent key is a null Ref, not an error.
absl::StatusOr<Ref<>> DictGetItemRefOrNull(PyObject* dict, PyObject* key);
// key in dict.
absl::StatusOr<bool> DictContains(PyObject* dict, PyObject* key);
// dict[key] = value.
absl::Status DictSetItem(PyObject* dict, PyObject* key, PyObject* value);
// del dict[key]; KeyError if absent.
absl::Status DictDelItem(PyObject* dict, PyObject* key);
// dict.pop(key): the removed value; KeyError if absent.
absl::StatusOr<Ref<>> DictPop(PyObject* dict, PyObject* key);
// dict.pop(key, default): the removed value, or a null Ref if the key is
// absent (no error).
absl::StatusOr<Ref<>> DictPopOrNull(PyObject* dict, PyObject* key);
// dict.popitem(): removes and returns the last inserted (key, value) pair
// (LIFO, as CPython); KeyError "popitem(): dictionary is empty". Amortised
// O(1): a hint in the table skips entries earlier pops deleted.
absl::StatusOr<std::pair<Ref<>, Ref<>>> DictPopItem(PyObject* dict);
// dict.setdefault(key, default_value): the value now stored under key
// (the existing one, or default_value, inserted).
absl::StatusOr<Ref<>> DictSetDefault(PyObject* dict, PyObject* key, PyObject* default_value);
// dict.clear().
absl::Status DictClear(PyObject* dict);

// The same with a UTF-8 string key (made into a str).
absl::StatusOr<Ref<>> DictGetItemStringRef(PyObject* dict, absl::string_view key);
absl::Status DictSetItemString(PyObject* dict, absl::string_view key, PyObject* value);

// PyDict_Next: the next live entry at or after *pos (new references), and
// *pos advanced past it; false at the end. Unchecked: dict must be a dict.
bool DictNext(PyObject* dict, Py_ssize_t* pos, Ref<>* key, Ref<>* value);

// A consistent snapshot of the items, in insertion order.
absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> DictItems(PyObject* dict);

namespace internal {
// Makes a freshly allocated (zeroed) instance of a dict subtype an empty
// dict: dict.__new__ for subtypes.
void DictInitEmpty(PyObject* op);
// Statistics of the calling thread's lookups, for tests: how many
// DictGetItemRef calls took the locked fallback.
uint64_t DictLookupFallbacksForTesting();
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_DICT_H_
