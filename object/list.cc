// list (see list.h for the concurrency design).
#include "object/list.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "object/builtin_internal.h"
#include "object/compare.h"
#include "object/container_util.h"
#include "object/errors.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/slice_indices.h"
#include "object/tuple.h"
#include "sync/critical_section.h"

namespace ftrt {
namespace {

using internal::DeferredDrops;
using internal::ObjectMutex;

// --- field access (see list.h: atomic stores, lock-free loads) ---

ListObject* AsList(PyObject* op) { return reinterpret_cast<ListObject*>(op); }

std::atomic_ref<Py_ssize_t> SizeRef(PyObject* list) {
  return std::atomic_ref<Py_ssize_t>(AsList(list)->ob_base.ob_size);
}
std::atomic_ref<PyObject**> ItemsRef(PyObject* list) {
  return std::atomic_ref<PyObject**>(AsList(list)->ob_item);
}
std::atomic_ref<Py_ssize_t> AllocatedRef(PyObject* list) {
  return std::atomic_ref<Py_ssize_t>(AsList(list)->allocated);
}
std::atomic_ref<PyObject*> SlotRef(PyObject** items, Py_ssize_t i) {
  return std::atomic_ref<PyObject*>(items[i]);
}

ftrt_ListArray* ArrayOf(PyObject** items) {
  return reinterpret_cast<ftrt_ListArray*>(reinterpret_cast<char*>(items) -
                                           offsetof(ftrt_ListArray, items));
}

size_t ArrayBytes(Py_ssize_t capacity) {
  return offsetof(ftrt_ListArray, items) + static_cast<size_t>(capacity) * sizeof(PyObject*);
}

// A zeroed array of `capacity` slots; null if out of memory.
ftrt_ListArray* NewArray(Py_ssize_t capacity) {
  if (capacity > (PY_SSIZE_T_MAX - 64) / static_cast<Py_ssize_t>(sizeof(PyObject*))) {
    return nullptr;
  }
  auto* a = static_cast<ftrt_ListArray*>(std::calloc(1, ArrayBytes(capacity)));
  if (a != nullptr) a->capacity = capacity;
  return a;
}

absl::Status NotAList(const PyObject* op) {
  return Errorf(ErrorKind::kTypeError, "expected a list, got '%s'", op->ob_type->tp_name);
}

// Python's index normalisation: negative counts from the end.
Py_ssize_t Normalize(Py_ssize_t i, Py_ssize_t n) { return i < 0 ? i + n : i; }

// Slice bounds: negative from the end, clamped to [0, n], hi >= lo.
void ClampSlice(Py_ssize_t n, Py_ssize_t* lo, Py_ssize_t* hi) {
  *lo = std::clamp(Normalize(*lo, n), Py_ssize_t{0}, n);
  *hi = std::clamp(Normalize(*hi, n), Py_ssize_t{0}, n);
  if (*hi < *lo) *hi = *lo;
}

// --- under the list's critical section ---

// Clears slots [0, n) of an array the list no longer publishes (or is about
// to stop publishing): a stale lock-free reader's re-check then fails.
void ClearSlots(PyObject** items, Py_ssize_t n) {
  for (Py_ssize_t i = 0; i < n; ++i) SlotRef(items, i).store(nullptr, std::memory_order_release);
}

// Makes room for `new_size` items: publishes a bigger array if needed (the
// old one goes to QSBR through `drops`). With `shrink`, also publishes a
// smaller one when new_size is below half the capacity (CPython's
// list_resize policy). Items [0, min(size, new_size)) are carried over.
// Returns false (nothing changed) if out of memory.
bool ResizeLocked(PyObject* list, Mutex& mu, Py_ssize_t new_size, bool shrink, DeferredDrops& drops)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  mu.AssertHeld();
  const Py_ssize_t cap = AllocatedRef(list).load(std::memory_order_relaxed);
  if (new_size <= cap && (!shrink || new_size >= (cap >> 1))) return true;
  PyObject** old_items = ItemsRef(list).load(std::memory_order_relaxed);
  const Py_ssize_t keep = std::min(SizeRef(list).load(std::memory_order_relaxed), new_size);
  if (new_size == 0) {
    ItemsRef(list).store(nullptr, std::memory_order_release);
    AllocatedRef(list).store(0, std::memory_order_relaxed);
  } else {
    // Over-allocate by about 1/8 (amortised O(1) appends), as CPython does.
    const Py_ssize_t new_cap = (new_size + (new_size >> 3) + 6) & ~Py_ssize_t{3};
    ftrt_ListArray* a = NewArray(new_cap);
    if (a == nullptr) return false;
    // The new array is private until published; the old one is read here
    // by its only writer (us) while readers may read it too: no race.
    if (keep > 0) std::memcpy(a->items, old_items, static_cast<size_t>(keep) * sizeof(PyObject*));
    ItemsRef(list).store(a->items, std::memory_order_release);
    AllocatedRef(list).store(new_cap, std::memory_order_relaxed);
  }
  if (old_items != nullptr) {
    // Retire the old array (list.h, INVARIANT): no slot of it may keep a
    // pointer once its item can be dropped.
    ClearSlots(old_items, SizeRef(list).load(std::memory_order_relaxed));
    drops.FreeBlock(ArrayOf(old_items), ArrayBytes(cap));
  }
  return true;
}

// Removes [lo, hi) (0 <= lo <= hi <= size): the removed references go to
// `removed` (or to drops when removed is null), the tail moves down.
void RemoveRangeLocked(PyObject* list, Mutex& mu, Py_ssize_t lo, Py_ssize_t hi,
                       DeferredDrops& drops, PyObject** removed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  mu.AssertHeld();
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  const Py_ssize_t d = hi - lo;
  if (d == 0) return;
  PyObject** items = ItemsRef(list).load(std::memory_order_relaxed);
  for (Py_ssize_t i = lo; i < hi; ++i) {
    PyObject* item = SlotRef(items, i).load(std::memory_order_relaxed);
    if (removed != nullptr) {
      removed[i - lo] = item;
    } else {
      drops.Drop(item);
    }
  }
  // Every slot store keeps the invariant of list.h: a removed item leaves
  // its slot before its reference is dropped (after the section).
  for (Py_ssize_t i = hi; i < n; ++i) {
    SlotRef(items, i - d)
        .store(SlotRef(items, i).load(std::memory_order_relaxed), std::memory_order_release);
  }
  for (Py_ssize_t i = n - d; i < n; ++i)
    SlotRef(items, i).store(nullptr, std::memory_order_release);
  SizeRef(list).store(n - d, std::memory_order_release);
  // Shrinking cannot fail in a way that matters: if out of memory, the
  // list simply keeps its bigger array.
  (void)ResizeLocked(list, mu, n - d, /*shrink=*/true, drops);
}

// A list made by ListNewWithSize whose creator has not filled every slot
// yet has null items; operations that need every item refuse it.
absl::Status UninitializedItem() {
  return MakeError(ErrorKind::kSystemError, "list item not initialized");
}

// Increments every item of a snapshot; false (nothing incremented) if one
// is null.
bool IncrefAll(const std::vector<PyObject*>& items) {
  for (PyObject* item : items) {
    if (item == nullptr) return false;
  }
  for (PyObject* item : items) Incref(item);
  return true;
}

// Snapshot of a list's or tuple's items as new references (taken under
// the source list's section), for extend and slice assignment.
absl::StatusOr<std::vector<PyObject*>> SnapshotItems(PyObject* source) {
  std::vector<PyObject*> items;
  if (IsTuple(source)) {
    items.assign(TupleItems(source).begin(), TupleItems(source).end());
  } else if (IsList(source)) {
    CriticalSection cs(ObjectMutex(source));
    const Py_ssize_t n = SizeRef(source).load(std::memory_order_relaxed);
    PyObject** src = ItemsRef(source).load(std::memory_order_relaxed);
    items.assign(src, src + n);
    if (!IncrefAll(items)) return UninitializedItem();
    return items;
  } else {
    return Errorf(ErrorKind::kTypeError, "'%s' object is not iterable (list or tuple expected)",
                  source->ob_type->tp_name);
  }
  for (PyObject* item : items) Incref(item);
  return items;
}

void DropAll(const std::vector<PyObject*>& items) {
  for (PyObject* item : items) Decref(item);
}

// --- sort: a stable merge sort that stops at the first failed comparison ---

// An item and its sort key (the item itself when there is no key function).
struct SortEntry {
  PyObject* key;
  PyObject* item;
};

class Sorter {
 public:
  explicit Sorter(bool reverse) : reverse_(reverse) {}

  // Sorts v ascending by "<" on the keys (descending with `reverse`, still
  // stable: equal keys keep their order); on error v is left in some
  // permutation.
  absl::Status Sort(std::vector<SortEntry>& v) {
    buf_.resize(v.size());
    SortRange(v.data(), v.size());
    return status_;
  }

 private:
  // Whether a goes before b; after a failure every answer is false and
  // nothing more is called. Reversed, "b < a" decides: equal keys still
  // never move past each other.
  bool Before(const SortEntry& a, const SortEntry& b) {
    if (!status_.ok()) return false;
    absl::StatusOr<bool> r =
        reverse_ ? RichCompareBool(b.key, a.key, Py_LT) : RichCompareBool(a.key, b.key, Py_LT);
    if (!r.ok()) {
      status_ = r.status();
      return false;
    }
    return *r;
  }

  void SortRange(SortEntry* a, size_t n) {
    if (!status_.ok()) return;
    if (n <= 12) {
      // Insertion sort: stable (moves an item only past greater ones).
      for (size_t i = 1; i < n && status_.ok(); ++i) {
        SortEntry x = a[i];
        size_t j = i;
        while (j > 0 && Before(x, a[j - 1])) {
          a[j] = a[j - 1];
          --j;
        }
        a[j] = x;
      }
      return;
    }
    const size_t mid = n / 2;
    SortRange(a, mid);
    SortRange(a + mid, n - mid);
    if (!status_.ok()) return;
    // Merge: take from the right run only if strictly before (stability).
    std::copy(a, a + n, buf_.begin());
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n) {
      if (Before(buf_[j], buf_[i])) {
        a[k++] = buf_[j++];
      } else {
        a[k++] = buf_[i++];
      }
      if (!status_.ok()) {
        // Keep every item exactly once.
        while (i < mid) a[k++] = buf_[i++];
        while (j < n) a[k++] = buf_[j++];
        return;
      }
    }
    while (i < mid) a[k++] = buf_[i++];
    while (j < n) a[k++] = buf_[j++];
  }

  const bool reverse_;
  std::vector<SortEntry> buf_;
  absl::Status status_;
};

// --- slots ---

void ListDealloc(PyObject* op) {
  UntrackObject(op);
  // No other reference exists, so no reader can be looking at the array:
  // free it at once. Dropping the items may run any code.
  PyObject** items = AsList(op)->ob_item;
  const Py_ssize_t n = AsList(op)->ob_base.ob_size;
  AsList(op)->ob_item = nullptr;
  AsList(op)->ob_base.ob_size = 0;
  AsList(op)->allocated = 0;
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (items[i] != nullptr) Decref(items[i]);
  }
  if (items != nullptr) std::free(ArrayOf(items));
  FreeInstance(op, &PyList_Type);
}

int ListTraverse(PyObject* op, visitproc visit, void* arg) {
  // The world is stopped: plain reads.
  PyObject** items = AsList(op)->ob_item;
  const Py_ssize_t n = AsList(op)->ob_base.ob_size;
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (items[i] != nullptr) {
      if (int r = visit(items[i], arg); r != 0) return r;
    }
  }
  return 0;
}

int ListClearSlot(PyObject* op) {
  (void)ListClear(op);
  return 0;
}

Py_ssize_t ListLengthSlot(PyObject* op) { return ListSize(op); }

PyObject* ListRichCompareSlot(PyObject* a, PyObject* b, int op) {
  if (!IsList(a) || !IsList(b)) return NotImplemented();
  // The lists may change meanwhile: each step reads one item of each
  // (a new reference, or the end).
  for (Py_ssize_t i = 0;; ++i) {
    absl::StatusOr<Ref<>> ra = ListGetItemRef(a, i);
    absl::StatusOr<Ref<>> rb = ListGetItemRef(b, i);
    if (!ra.ok() || !rb.ok()) {
      // One ran out: the longer list is the greater.
      return internal::BoolResult(internal::CompareSatisfies(ra.ok() <=> rb.ok(), op));
    }
    absl::StatusOr<bool> eq = RichCompareBool(ra->get(), rb->get(), Py_EQ);
    if (!eq.ok()) {
      SetErrorIndicator(eq.status());
      return nullptr;
    }
    if (*eq) continue;
    if (op == Py_EQ) return False();
    if (op == Py_NE) return True();
    absl::StatusOr<Ref<>> r = RichCompare(ra->get(), rb->get(), op);
    if (!r.ok()) {
      SetErrorIndicator(r.status());
      return nullptr;
    }
    return r->Release();
  }
}

constinit PySequenceMethods g_list_as_sequence = [] {
  PySequenceMethods m{};
  m.sq_length = ListLengthSlot;
  return m;
}();

}  // namespace

extern "C" {
constinit PyTypeObject PyList_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = internal::StaticObjectHeader(nullptr);
  t.tp_name = "list";
  t.tp_basicsize = sizeof(PyListObject);
  t.tp_dealloc = ListDealloc;
  t.tp_as_sequence = &g_list_as_sequence;
  t.tp_hash = PyObject_HashNotImplemented;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE |
               Py_TPFLAGS_LIST_SUBCLASS | Py_TPFLAGS_SEQUENCE;
  t.tp_doc = "list(iterable=(), /) -> list";
  t.tp_traverse = ListTraverse;
  t.tp_clear = ListClearSlot;
  t.tp_richcompare = ListRichCompareSlot;
  return t;
}();
}  // extern "C"

namespace {
const bool g_types_ready = [] {
  InitStaticType(&PyList_Type);
  return true;
}();
}  // namespace

PyTypeObject* ListType() { return (void)g_types_ready, &PyList_Type; }

absl::StatusOr<Ref<>> ListNew() {
  (void)g_types_ready;
  Ref<> list = NewObject(&PyList_Type);
  if (!list) return NoMemoryError();
  TrackObject(list.get());
  return list;
}

absl::StatusOr<Ref<>> ListFromItems(absl::Span<PyObject* const> items) {
  absl::StatusOr<Ref<>> list = ListNew();
  if (!list.ok() || items.empty()) return list;
  const Py_ssize_t n = static_cast<Py_ssize_t>(items.size());
  ftrt_ListArray* a = NewArray(n);
  if (a == nullptr) return NoMemoryError();
  for (Py_ssize_t i = 0; i < n; ++i) {
    Incref(items[static_cast<size_t>(i)]);
    a->items[i] = items[static_cast<size_t>(i)];
  }
  // Not yet published: plain stores would do; these match the readers.
  PyObject* op = list->get();
  ItemsRef(op).store(a->items, std::memory_order_release);
  AllocatedRef(op).store(n, std::memory_order_relaxed);
  SizeRef(op).store(n, std::memory_order_release);
  return list;
}

absl::StatusOr<Ref<>> ListNewWithSize(Py_ssize_t size) {
  if (size < 0) return MakeError(ErrorKind::kSystemError, "Negative size passed to PyList_New");
  absl::StatusOr<Ref<>> list = ListNew();
  if (!list.ok() || size == 0) return list;
  ftrt_ListArray* a = NewArray(size);
  if (a == nullptr) return NoMemoryError();
  PyObject* op = list->get();
  ItemsRef(op).store(a->items, std::memory_order_release);
  AllocatedRef(op).store(size, std::memory_order_relaxed);
  SizeRef(op).store(size, std::memory_order_release);
  return list;
}

void ListInitItem(PyObject* list, Py_ssize_t i, Ref<> item) {
  FTRT_DCHECK(i >= 0 && i < ListSize(list), "ListInitItem: index %ld out of range",
              static_cast<long>(i));
  std::atomic_ref<PyObject*> slot = SlotRef(ItemsRef(list).load(std::memory_order_relaxed), i);
  PyObject* old = slot.load(std::memory_order_relaxed);
  slot.store(item.Release(), std::memory_order_release);
  if (old != nullptr) Decref(old);
}

Py_ssize_t ListSize(const PyObject* list) {
  return SizeRef(const_cast<PyObject*>(list)).load(std::memory_order_relaxed);
}

namespace {

constinit thread_local uint64_t t_read_fallbacks = 0;

// The fallback of ListGetItemRef: exact, under the section.
FTRT_COLD absl::StatusOr<Ref<>> GetItemRefSlow(PyObject* list, Py_ssize_t i) {
  ++t_read_fallbacks;
  Mutex& mu = ObjectMutex(list);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  if (i < 0 || i >= n) return MakeError(ErrorKind::kIndexError, "list index out of range");
  PyObject* item =
      SlotRef(ItemsRef(list).load(std::memory_order_relaxed), i).load(std::memory_order_relaxed);
  if (item == nullptr) {
    // Only a list from the C API's PyList_New(n) not yet filled.
    return MakeError(ErrorKind::kSystemError, "list item not initialized");
  }
  // The list holds a reference and we hold its section: a plain increment.
  Incref(item);
  internal::MarkShared(item);
  return Ref<>::Steal(item);
}

// The lock-free attempt (list.h, READERS). Null if it must fall back.
FTRT_ALWAYS_INLINE PyObject* TryGetItemFast(PyObject* list, Py_ssize_t i) {
  PyObject** items = ItemsRef(list).load(std::memory_order_acquire);
  if (items == nullptr) return nullptr;
  // The array's capacity is immutable; QSBR keeps the array readable even
  // if the list has replaced it meanwhile.
  if (i >= ArrayOf(items)->capacity) return nullptr;
  PyObject* item = SlotRef(items, i).load(std::memory_order_acquire);
  if (item == nullptr || !TryIncref(item)) return nullptr;
  // Re-check the slot only (list.h, READERS): a retired array's slots are
  // cleared before any of its items can be dropped.
  if (FTRT_UNLIKELY(SlotRef(items, i).load(std::memory_order_acquire) != item)) {
    Decref(item);
    return nullptr;
  }
  return item;
}

}  // namespace

absl::StatusOr<Ref<>> ListGetItemRef(PyObject* list, Py_ssize_t i) {
  if (!IsList(list)) return NotAList(list);
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_acquire);
  if (static_cast<size_t>(i) >= static_cast<size_t>(n)) {
    return MakeError(ErrorKind::kIndexError, "list index out of range");
  }
  if (PyObject* item = TryGetItemFast(list, i); FTRT_LIKELY(item != nullptr)) {
    return Ref<>::Steal(item);
  }
  return GetItemRefSlow(list, i);
}

Ref<> ListNext(PyObject* list, Py_ssize_t* index) {
  for (;;) {
    const Py_ssize_t i = *index;
    if (i < 0 || i >= SizeRef(list).load(std::memory_order_acquire)) return nullptr;
    ++*index;
    if (PyObject* item = TryGetItemFast(list, i); item != nullptr) return Ref<>::Steal(item);
    absl::StatusOr<Ref<>> r = GetItemRefSlow(list, i);
    if (r.ok()) return *std::move(r);
    // Shrank under us (IndexError): the end. An uninitialised slot
    // (SystemError) is skipped.
    if (IsError(r.status(), ErrorKind::kIndexError)) return nullptr;
  }
}

absl::Status ListAppend(PyObject* list, PyObject* item) {
  if (!IsList(list)) return NotAList(list);
  Incref(item);
  DeferredDrops drops;  // destroyed after the section below
  Mutex& mu = ObjectMutex(list);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  if (!ResizeLocked(list, mu, n + 1, /*shrink=*/false, drops)) {
    drops.Drop(item);
    return NoMemoryError();
  }
  SlotRef(ItemsRef(list).load(std::memory_order_relaxed), n).store(item, std::memory_order_release);
  SizeRef(list).store(n + 1, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status ListInsert(PyObject* list, Py_ssize_t index, PyObject* item) {
  if (!IsList(list)) return NotAList(list);
  Incref(item);
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(list);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  const Py_ssize_t at = std::clamp(Normalize(index, n), Py_ssize_t{0}, n);
  if (!ResizeLocked(list, mu, n + 1, /*shrink=*/false, drops)) {
    drops.Drop(item);
    return NoMemoryError();
  }
  PyObject** items = ItemsRef(list).load(std::memory_order_relaxed);
  for (Py_ssize_t i = n; i > at; --i) {
    SlotRef(items, i).store(SlotRef(items, i - 1).load(std::memory_order_relaxed),
                            std::memory_order_release);
  }
  SlotRef(items, at).store(item, std::memory_order_release);
  SizeRef(list).store(n + 1, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status ListSetItem(PyObject* list, Py_ssize_t index, PyObject* item) {
  if (!IsList(list)) return NotAList(list);
  Incref(item);
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(list);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  const Py_ssize_t i = Normalize(index, n);
  if (i < 0 || i >= n) {
    drops.Drop(item);
    return MakeError(ErrorKind::kIndexError, "list assignment index out of range");
  }
  std::atomic_ref<PyObject*> slot = SlotRef(ItemsRef(list).load(std::memory_order_relaxed), i);
  drops.Drop(slot.load(std::memory_order_relaxed));  // after the section
  slot.store(item, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status ListDelItem(PyObject* list, Py_ssize_t index) {
  if (!IsList(list)) return NotAList(list);
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(list);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  const Py_ssize_t i = Normalize(index, n);
  if (i < 0 || i >= n)
    return MakeError(ErrorKind::kIndexError, "list assignment index out of range");
  RemoveRangeLocked(list, mu, i, i + 1, drops, nullptr);
  return absl::OkStatus();
}

absl::StatusOr<Ref<>> ListPop(PyObject* list, Py_ssize_t index) {
  if (!IsList(list)) return NotAList(list);
  PyObject* item = nullptr;
  {
    DeferredDrops drops;
    Mutex& mu = ObjectMutex(list);
    CriticalSection cs(mu);
    const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
    if (n == 0) return MakeError(ErrorKind::kIndexError, "pop from empty list");
    const Py_ssize_t i = Normalize(index, n);
    if (i < 0 || i >= n) return MakeError(ErrorKind::kIndexError, "pop index out of range");
    RemoveRangeLocked(list, mu, i, i + 1, drops, &item);
  }
  return Ref<>::Steal(item);
}

absl::StatusOr<Ref<>> ListGetSlice(PyObject* list, Py_ssize_t lo, Py_ssize_t hi) {
  if (!IsList(list)) return NotAList(list);
  std::vector<PyObject*> items;
  {
    CriticalSection cs(ObjectMutex(list));
    const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
    ClampSlice(n, &lo, &hi);
    PyObject** src = ItemsRef(list).load(std::memory_order_relaxed);
    items.assign(src + lo, src + hi);
    if (!IncrefAll(items)) return UninitializedItem();  // increments run no code
  }
  absl::StatusOr<Ref<>> result = ListFromItems(items);
  DropAll(items);
  return result;
}

absl::Status ListSetSlice(PyObject* list, Py_ssize_t lo, Py_ssize_t hi, PyObject* source) {
  if (!IsList(list)) return NotAList(list);
  std::vector<PyObject*> fresh;
  if (source != nullptr) {
    absl::StatusOr<std::vector<PyObject*>> snap = SnapshotItems(source);
    if (!snap.ok()) return snap.status();
    fresh = *std::move(snap);
  }
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(list);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  ClampSlice(n, &lo, &hi);
  const Py_ssize_t d = hi - lo;
  const Py_ssize_t k = static_cast<Py_ssize_t>(fresh.size());
  if (k > d) {
    if (!ResizeLocked(list, mu, n + (k - d), /*shrink=*/false, drops)) {
      for (PyObject* item : fresh) drops.Drop(item);
      return NoMemoryError();
    }
    PyObject** items = ItemsRef(list).load(std::memory_order_relaxed);
    for (Py_ssize_t i = lo; i < hi; ++i)
      drops.Drop(SlotRef(items, i).load(std::memory_order_relaxed));
    // Move the tail up (from the end), then fill the gap.
    for (Py_ssize_t i = n - 1; i >= hi; --i) {
      SlotRef(items, i + (k - d))
          .store(SlotRef(items, i).load(std::memory_order_relaxed), std::memory_order_release);
    }
    for (Py_ssize_t i = 0; i < k; ++i) {
      SlotRef(items, lo + i).store(fresh[static_cast<size_t>(i)], std::memory_order_release);
    }
    SizeRef(list).store(n + (k - d), std::memory_order_release);
  } else {
    // Overwrite the first k of [lo, hi), then remove the rest.
    PyObject** items = ItemsRef(list).load(std::memory_order_relaxed);
    for (Py_ssize_t i = 0; i < k; ++i) {
      std::atomic_ref<PyObject*> slot = SlotRef(items, lo + i);
      drops.Drop(slot.load(std::memory_order_relaxed));
      slot.store(fresh[static_cast<size_t>(i)], std::memory_order_release);
    }
    RemoveRangeLocked(list, mu, lo + k, hi, drops, nullptr);
  }
  return absl::OkStatus();
}

absl::StatusOr<Ref<>> ListGetSliceStep(PyObject* list, Py_ssize_t start, Py_ssize_t stop,
                                       Py_ssize_t step) {
  if (!IsList(list)) return NotAList(list);
  if (step == 1) return ListGetSlice(list, start, stop);
  std::vector<PyObject*> items;
  {
    CriticalSection cs(ObjectMutex(list));
    const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
    const Py_ssize_t count = SliceAdjustIndices(n, &start, &stop, step);
    PyObject** src = ItemsRef(list).load(std::memory_order_relaxed);
    items.reserve(static_cast<size_t>(count));
    for (Py_ssize_t k = 0, i = start; k < count; ++k, i += step) {
      items.push_back(SlotRef(src, i).load(std::memory_order_relaxed));
    }
    if (!IncrefAll(items)) return UninitializedItem();  // increments run no code
  }
  absl::StatusOr<Ref<>> result = ListFromItems(items);
  DropAll(items);
  return result;
}

absl::Status ListAssignSliceStep(PyObject* list, Py_ssize_t start, Py_ssize_t stop,
                                 Py_ssize_t step, PyObject* source) {
  if (!IsList(list)) return NotAList(list);
  if (step == 1) {
    // ListSetSlice clips as SliceAdjustIndices does for a positive step
    // (negative bounds from the end, then [0, n], stop >= start).
    return ListSetSlice(list, start, stop, source);
  }
  std::vector<PyObject*> fresh;
  if (source != nullptr) {
    absl::StatusOr<std::vector<PyObject*>> snap = SnapshotItems(source);
    if (!snap.ok()) return snap.status();
    fresh = *std::move(snap);
  }
  DeferredDrops drops;  // destroyed after the section below
  Mutex& mu = ObjectMutex(list);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  const Py_ssize_t count = SliceAdjustIndices(n, &start, &stop, step);
  PyObject** items = ItemsRef(list).load(std::memory_order_relaxed);
  if (source != nullptr) {
    const Py_ssize_t k = static_cast<Py_ssize_t>(fresh.size());
    if (k != count) {
      for (PyObject* item : fresh) drops.Drop(item);
      return Errorf(ErrorKind::kValueError,
                    "attempt to assign sequence of size %d to extended slice of size %d",
                    static_cast<int64_t>(k), static_cast<int64_t>(count));
    }
    // Each slot is overwritten before its old item is dropped (after the
    // section), as in ListSetItem.
    for (Py_ssize_t j = 0, i = start; j < count; ++j, i += step) {
      std::atomic_ref<PyObject*> slot = SlotRef(items, i);
      drops.Drop(slot.load(std::memory_order_relaxed));
      slot.store(fresh[static_cast<size_t>(j)], std::memory_order_release);
    }
    return absl::OkStatus();
  }
  if (count == 0) return absl::OkStatus();
  // Deletion: walk the selected positions in ascending order (lo, lo +
  // stride, ...), compacting the kept items down over them.
  Py_ssize_t lo = start, stride = step;
  if (step < 0) {
    lo = start + step * (count - 1);
    stride = -step;
  }
  const Py_ssize_t last = lo + stride * (count - 1);
  Py_ssize_t out = lo;
  for (Py_ssize_t i = lo; i < n; ++i) {
    PyObject* item = SlotRef(items, i).load(std::memory_order_relaxed);
    if (i <= last && (i - lo) % stride == 0) {
      drops.Drop(item);  // its slot is overwritten or cleared below
      continue;
    }
    if (out != i) SlotRef(items, out).store(item, std::memory_order_release);
    ++out;
  }
  for (Py_ssize_t i = out; i < n; ++i) SlotRef(items, i).store(nullptr, std::memory_order_release);
  SizeRef(list).store(out, std::memory_order_release);
  // As in RemoveRangeLocked: if shrinking finds no memory, the bigger
  // array stays.
  (void)ResizeLocked(list, mu, out, /*shrink=*/true, drops);
  return absl::OkStatus();
}

absl::Status ListExtend(PyObject* list, PyObject* source) {
  if (!IsList(list)) return NotAList(list);
  const Py_ssize_t end = PY_SSIZE_T_MAX;
  return ListSetSlice(list, end, end, source);
}

absl::Status ListClear(PyObject* list) {
  if (!IsList(list)) return NotAList(list);
  DeferredDrops drops;
  Mutex& mu = ObjectMutex(list);
  CriticalSection cs(mu);
  PyObject** items = ItemsRef(list).load(std::memory_order_relaxed);
  if (items == nullptr) return absl::OkStatus();
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  const Py_ssize_t cap = AllocatedRef(list).load(std::memory_order_relaxed);
  SizeRef(list).store(0, std::memory_order_release);
  ItemsRef(list).store(nullptr, std::memory_order_release);
  AllocatedRef(list).store(0, std::memory_order_relaxed);
  // The detached array's references are dropped, and it is freed, after
  // the section; its slots are cleared first (list.h, INVARIANT).
  for (Py_ssize_t i = 0; i < n; ++i) drops.Drop(SlotRef(items, i).load(std::memory_order_relaxed));
  ClearSlots(items, n);
  drops.FreeBlock(ArrayOf(items), ArrayBytes(cap));
  return absl::OkStatus();
}

absl::Status ListRepeatInPlace(PyObject* list, Py_ssize_t count) {
  if (!IsList(list)) return NotAList(list);
  if (count <= 0) return ListClear(list);
  DeferredDrops drops;  // destroyed after the section below
  Mutex& mu = ObjectMutex(list);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  if (n == 0 || count == 1) return absl::OkStatus();
  // The array's bytes (and ResizeLocked's over-allocation) must fit.
  if (count > (PY_SSIZE_T_MAX / static_cast<Py_ssize_t>(sizeof(PyObject*)) - 8) / n) {
    return NoMemoryError();
  }
  const Py_ssize_t total = n * count;
  if (!ResizeLocked(list, mu, total, /*shrink=*/false, drops)) return NoMemoryError();
  PyObject** items = ItemsRef(list).load(std::memory_order_relaxed);
  for (Py_ssize_t i = n; i < total; ++i) {
    PyObject* item = SlotRef(items, i - n).load(std::memory_order_relaxed);
    Incref(item);
    SlotRef(items, i).store(item, std::memory_order_release);
  }
  SizeRef(list).store(total, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status ListSort(PyObject* list, const ListSortKey& key, bool reverse) {
  if (!IsList(list)) return NotAList(list);
  DeferredDrops drops;  // the keys, and what was added meanwhile: after the section
  Mutex& mu = ObjectMutex(list);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  if (n < 2 && !key) return absl::OkStatus();
  if (n == 0) return absl::OkStatus();
  PyObject** items = ItemsRef(list).load(std::memory_order_relaxed);
  const Py_ssize_t cap = AllocatedRef(list).load(std::memory_order_relaxed);
  if (std::find(items, items + n, nullptr) != items + n) return UninitializedItem();
  // Detach the items: while the key function and the comparisons run (they
  // may suspend this section), the list is empty to everyone else. The
  // detached array keeps its slots, so it still owns the items (list.h,
  // INVARIANT): nobody else can reach it, and the key function and the
  // comparisons get borrowed pointers that the array keeps alive.
  // `allocated` -1 marks the sort (CPython's convention): any mutation
  // meanwhile resizes, which stores a real capacity.
  SizeRef(list).store(0, std::memory_order_release);
  ItemsRef(list).store(nullptr, std::memory_order_release);
  AllocatedRef(list).store(-1, std::memory_order_relaxed);
  std::vector<SortEntry> v(static_cast<size_t>(n));
  absl::Status status;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = SlotRef(items, i).load(std::memory_order_relaxed);
    v[static_cast<size_t>(i)] = SortEntry{item, item};
  }
  if (key) {
    // CPython computes every key before comparing any: a failing key
    // function leaves the list as it was. The keys are new references,
    // dropped after the section.
    for (SortEntry& e : v) {
      absl::StatusOr<Ref<>> k = key(e.item);
      if (!k.ok()) {
        status = k.status();
        break;
      }
      e.key = k->get();
      drops.Drop(k->Release());
    }
  }
  if (status.ok() && n > 1) {
    Sorter sorter(reverse);
    status = sorter.Sort(v);
  }
  if (status.ok()) {
    for (Py_ssize_t i = 0; i < n; ++i) {
      SlotRef(items, i).store(v[static_cast<size_t>(i)].item, std::memory_order_release);
    }
  }
  // Whatever another thread put into the empty list meanwhile is dropped.
  const bool modified = AllocatedRef(list).load(std::memory_order_relaxed) != -1;
  if (PyObject** added = ItemsRef(list).load(std::memory_order_relaxed); added != nullptr) {
    const Py_ssize_t added_n = SizeRef(list).load(std::memory_order_relaxed);
    for (Py_ssize_t i = 0; i < added_n; ++i) {
      drops.Drop(SlotRef(added, i).load(std::memory_order_relaxed));
    }
    ClearSlots(added, added_n);
    drops.FreeBlock(ArrayOf(added), ArrayBytes(AllocatedRef(list).load(std::memory_order_relaxed)));
  }
  ItemsRef(list).store(items, std::memory_order_release);
  AllocatedRef(list).store(cap, std::memory_order_relaxed);
  SizeRef(list).store(n, std::memory_order_release);
  if (status.ok() && modified) {
    return MakeError(ErrorKind::kValueError, "list modified during sort");
  }
  return status;
}

absl::Status ListReverse(PyObject* list) {
  if (!IsList(list)) return NotAList(list);
  CriticalSection cs(ObjectMutex(list));
  const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
  PyObject** items = ItemsRef(list).load(std::memory_order_relaxed);
  for (Py_ssize_t i = 0, j = n - 1; i < j; ++i, --j) {
    PyObject* a = SlotRef(items, i).load(std::memory_order_relaxed);
    PyObject* b = SlotRef(items, j).load(std::memory_order_relaxed);
    SlotRef(items, i).store(b, std::memory_order_release);
    SlotRef(items, j).store(a, std::memory_order_release);
  }
  return absl::OkStatus();
}

namespace {

// Scans for value from index `start` (comparing outside any lock); returns
// the index of the first equal item and, in *found, a reference to it.
absl::StatusOr<Py_ssize_t> FindFrom(PyObject* list, PyObject* value, Py_ssize_t start,
                                    Ref<>* found) {
  Py_ssize_t i = start;
  while (Ref<> item = ListNext(list, &i)) {
    absl::StatusOr<bool> eq = RichCompareBool(item.get(), value, Py_EQ);
    if (!eq.ok()) return eq.status();
    if (*eq) {
      if (found != nullptr) *found = std::move(item);
      return i - 1;
    }
  }
  return -1;
}

}  // namespace

absl::StatusOr<Py_ssize_t> ListIndex(PyObject* list, PyObject* value) {
  if (!IsList(list)) return NotAList(list);
  absl::StatusOr<Py_ssize_t> i = FindFrom(list, value, 0, nullptr);
  if (i.ok() && *i < 0) return MakeError(ErrorKind::kValueError, "x not in list");
  return i;
}

absl::StatusOr<Py_ssize_t> ListCount(PyObject* list, PyObject* value) {
  if (!IsList(list)) return NotAList(list);
  Py_ssize_t count = 0;
  Py_ssize_t i = 0;
  while (Ref<> item = ListNext(list, &i)) {
    absl::StatusOr<bool> eq = RichCompareBool(item.get(), value, Py_EQ);
    if (!eq.ok()) return eq.status();
    if (*eq) ++count;
  }
  return count;
}

absl::StatusOr<bool> ListContains(PyObject* list, PyObject* value) {
  if (!IsList(list)) return NotAList(list);
  absl::StatusOr<Py_ssize_t> i = FindFrom(list, value, 0, nullptr);
  if (!i.ok()) return i.status();
  return *i >= 0;
}

absl::Status ListRemove(PyObject* list, PyObject* value) {
  if (!IsList(list)) return NotAList(list);
  for (;;) {
    Ref<> item;
    absl::StatusOr<Py_ssize_t> i = FindFrom(list, value, 0, &item);
    if (!i.ok()) return i.status();
    if (*i < 0) return MakeError(ErrorKind::kValueError, "list.remove(x): x not in list");
    DeferredDrops drops;
    Mutex& mu = ObjectMutex(list);
    CriticalSection cs(mu);
    // The comparison ran without the section: remove only if the slot still
    // holds the object we compared; otherwise the list changed, scan again.
    const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
    if (*i < n && SlotRef(ItemsRef(list).load(std::memory_order_relaxed), *i)
                          .load(std::memory_order_relaxed) == item.get()) {
      RemoveRangeLocked(list, mu, *i, *i + 1, drops, nullptr);
      return absl::OkStatus();
    }
  }
}

absl::StatusOr<Ref<>> ListAsTuple(PyObject* list) {
  if (!IsList(list)) return NotAList(list);
  std::vector<PyObject*> items;
  {
    CriticalSection cs(ObjectMutex(list));
    const Py_ssize_t n = SizeRef(list).load(std::memory_order_relaxed);
    PyObject** src = ItemsRef(list).load(std::memory_order_relaxed);
    items.assign(src, src + n);
    if (!IncrefAll(items)) return UninitializedItem();
  }
  absl::StatusOr<Ref<>> t = TupleFromItems(items);
  DropAll(items);
  return t;
}

namespace internal {
uint64_t ListReadFallbacksForTesting() { return t_read_fallbacks; }
}  // namespace internal

}  // namespace ftrt
