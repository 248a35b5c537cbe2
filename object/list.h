// list: a mutable sequence whose items other threads can read lock-free.
//
// After CPython 3.13t's Objects/listobject.c (PEP 703, "Container
// thread-safety"), with our own code. The object is CPython's PyListObject
// (builtin_layouts.h): ob_size, ob_item, allocated. The items live in an
// ftrt_ListArray (capacity, then the slots) that is never resized in place.
//
// WRITERS. Every mutation (append, insert, pop, set, delete, slice
// assignment, extend, sort, clear) runs inside the list's critical section
// on the header's ob_mutex (sync/critical_section.h). Slots, ob_size and
// ob_item are written with atomic stores (release), so lock-free readers
// see only values that were stored. Growing or shrinking publishes a new
// array and hands the old one to QSBR (alloc/qsbr.h): it is freed only once
// every attached thread has passed a quiescent state, so a reader that
// loaded the old pointer keeps reading valid memory.
//
// INVARIANT (what makes lock-free reads sound): a non-null pointer in a
// slot of ANY array the list has published is a reference the list owns,
// as long as it stays there. Removal therefore clears or overwrites the
// slot before the item is dropped; an array the list stops using (after a
// resize, a clear, a sort that found the list modified) has all its slots
// cleared before the section ends; and items are dropped only after the
// section ends ("drop replaced items after the section ends"): a Decref can
// run a destructor, and a destructor can run any code.
//
// READERS. GetItemRef(i) loads ob_size and ob_item (one cache line, the
// only one of the list's it touches), the array's capacity and the slot,
// takes a reference with TryIncref (refcount.h; fails if the item may
// already be on its way to being freed), then re-checks that the slot
// still holds that item. By the invariant, that re-check alone proves the
// item was the list's at that moment, even if the array has been replaced
// meanwhile (its slots are cleared before any of its items can be dropped),
// and that a TryIncref that landed on reused memory is undone. Not
// re-reading the list's header matters: another thread appending writes
// that line all the time. If any step fails, the read falls back to the
// critical section, where the answer is exact; the fallback also marks the
// item MAYBE_WEAKREF so that later lock-free reads of an item owned by
// another thread succeed (CPython's _Py_NewRefWithLock). A reader must be
// attached (QSBR counts only attached threads) and must not pass a
// quiescent state between the loads and the re-check, which a call into
// ftrt never does.
//
// CODE WE DO NOT CONTROL. Comparisons (index, count, remove, contains,
// sort) call the items' __eq__ / __lt__, which may do anything, including
// mutate this list. index/count/remove/contains compare outside the section
// on references they hold, and remove re-checks under the section that the
// slot still holds the object it compared. sort holds the section but
// detaches the items first (the list looks empty meanwhile, as in CPython,
// and `allocated` is -1); its key function runs then too. If the list was
// modified while sorting (any resize stores a real `allocated`) it gives a
// ValueError ("list modified during sort"), keeps the sorted items and
// drops what was added.
// A sort whose comparison fails leaves the list in its original order.
//
// ITERATION. ListNext(list, &index) returns a new reference to the item at
// index and advances, or null at the end: under concurrent mutation it
// returns items that were in the list, never a freed one, and it always
// ends.
//
// INDICES. Functions that take an index accept Python's negative indices
// (-1 is the last item), except GetItemRef, which is PyList_GetItemRef's
// (0 <= i < size). Errors: TypeError if `list` is not a list (or an
// argument has the wrong type), IndexError out of range, ValueError for a
// missing value; a failing call leaves the list unchanged.
//
// COLLECTOR. tp_traverse visits the items (the world is stopped); tp_clear
// empties the list.
#ifndef FTRT_OBJECT_LIST_H_
#define FTRT_OBJECT_LIST_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyList_Type;
}

namespace ftrt {

using ListObject = PyListObject;

PyTypeObject* ListType();

inline bool IsList(const PyObject* op) {
  return (op->ob_type->tp_flags & Py_TPFLAGS_LIST_SUBCLASS) != 0;
}

// A new empty list (GC-tracked).
absl::StatusOr<Ref<>> ListNew();

// A new list of `items` (new references).
absl::StatusOr<Ref<>> ListFromItems(absl::Span<PyObject* const> items);

// PyList_New(size): a list of `size` null items for its creator to fill
// with ListInitItem (or C's PyList_SET_ITEM) before it publishes the list
// or calls any other operation on it (those that need every item give a
// SystemError for a null one). SystemError for a negative size.
absl::StatusOr<Ref<>> ListNewWithSize(Py_ssize_t size);

// Stores `item` (ownership moves into the list) at i, 0 <= i < size, of a
// list from ListNewWithSize that is not yet published; drops what was
// there.
void ListInitItem(PyObject* list, Py_ssize_t i, Ref<> item);

// len(list): a snapshot (relaxed). Unchecked: op must be a list.
Py_ssize_t ListSize(const PyObject* list);

// list[i] as a new reference, lock-free when it can be (see READERS).
// IndexError "list index out of range" unless 0 <= i < len(list).
absl::StatusOr<Ref<>> ListGetItemRef(PyObject* list, Py_ssize_t i);

// The item at *index (a new reference) and *index + 1, or null once *index
// is past the end (see ITERATION). Unchecked: list must be a list.
Ref<> ListNext(PyObject* list, Py_ssize_t* index);

// list.append(item).
absl::Status ListAppend(PyObject* list, PyObject* item);
// list.insert(index, item): index clamped to [0, len] after Python's
// negative-index adjustment.
absl::Status ListInsert(PyObject* list, Py_ssize_t index, PyObject* item);
// list[index] = item.
absl::Status ListSetItem(PyObject* list, Py_ssize_t index, PyObject* item);
// del list[index].
absl::Status ListDelItem(PyObject* list, Py_ssize_t index);
// list.pop(index): the removed item. IndexError "pop from empty list" /
// "pop index out of range".
absl::StatusOr<Ref<>> ListPop(PyObject* list, Py_ssize_t index = -1);
// list[lo:hi] as a new list (bounds clamped, as slicing does).
absl::StatusOr<Ref<>> ListGetSlice(PyObject* list, Py_ssize_t lo, Py_ssize_t hi);
// list[lo:hi] = items (a list or tuple; the list itself is fine), or
// del list[lo:hi] when items is null. Bounds clamped.
absl::Status ListSetSlice(PyObject* list, Py_ssize_t lo, Py_ssize_t hi, PyObject* items);
// list[start:stop:step] as a new list, for a slice's unpacked values
// (SliceUnpack: step != 0 and >= -PY_SSIZE_T_MAX; start and stop any
// value), clipped against the list's length inside its critical section
// (slice_indices.h), so the result is one consistent snapshot.
absl::StatusOr<Ref<>> ListGetSliceStep(PyObject* list, Py_ssize_t start, Py_ssize_t stop,
                                       Py_ssize_t step);
// list[start:stop:step] = items (a list or tuple; the list itself is
// fine), or del list[start:stop:step] when items is null; the same
// unpacked values, clipped inside the section. A step of 1 is
// ListSetSlice (any number of items); any other step (-1 included, as in
// Python) needs exactly as many items as the slice selects: ValueError
// "attempt to assign sequence of size 3 to extended slice of size 2".
absl::Status ListAssignSliceStep(PyObject* list, Py_ssize_t start, Py_ssize_t stop,
                                 Py_ssize_t step, PyObject* items);
// list.extend(items): items is a list or tuple (TypeError otherwise, until
// the iteration protocol exists).
absl::Status ListExtend(PyObject* list, PyObject* items);
// list.clear().
absl::Status ListClear(PyObject* list);
// list *= count, in place and in one step (the section held throughout):
// count <= 0 empties the list, 1 leaves it, n repeats its items n times.
// MemoryError (the list unchanged) if that many items cannot exist.
absl::Status ListRepeatInPlace(PyObject* list, Py_ssize_t count);
// A sort key function (list.sort's key=): a new reference to the key of
// `item` (borrowed), or an error. It may run any code.
using ListSortKey = std::function<absl::StatusOr<Ref<>>(PyObject* item)>;
// list.sort(key=key, reverse=reverse): ascending by "<" on the keys (the
// items themselves when `key` is empty), or descending with `reverse`;
// stable either way (see CODE WE DO NOT CONTROL). Every key is computed,
// once per item, before any comparison; a failing key function leaves the
// list in its original order.
absl::Status ListSort(PyObject* list, const ListSortKey& key = nullptr, bool reverse = false);
// list.reverse().
absl::Status ListReverse(PyObject* list);
// list.index(value): ValueError "x not in list".
absl::StatusOr<Py_ssize_t> ListIndex(PyObject* list, PyObject* value);
// list.count(value).
absl::StatusOr<Py_ssize_t> ListCount(PyObject* list, PyObject* value);
// value in list.
absl::StatusOr<bool> ListContains(PyObject* list, PyObject* value);
// list.remove(value): ValueError "list.remove(x): x not in list".
absl::Status ListRemove(PyObject* list, PyObject* value);
// tuple(list).
absl::StatusOr<Ref<>> ListAsTuple(PyObject* list);

namespace internal {
// How many of the calling thread's ListGetItemRef / ListNext reads took the
// locked fallback (for tests and benchmarks).
uint64_t ListReadFallbacksForTesting();
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_LIST_H_
