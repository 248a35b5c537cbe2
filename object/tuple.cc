// tuple (see tuple.h).
#include "object/tuple.h"

#include <algorithm>

#include "object/builtin_internal.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/hash.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/refcount.h"

namespace ftrt {
namespace {

TupleObject* AsTuple(PyObject* op) { return reinterpret_cast<TupleObject*>(op); }

// Whether an item may (now or later) hold references that form a cycle.
bool MayHoldContainers(PyObject* item) {
  if ((item->ob_type->tp_flags & Py_TPFLAGS_HAVE_GC) == 0) return false;
  if (IsTuple(item) && !IsTracked(item)) return false;
  return true;
}

void TupleDealloc(PyObject* op) {
  UntrackObject(op);
  // Nothing else can reach the tuple; dropping the items may run any code
  // (nested deallocations go through the trashcan, so the depth is bounded).
  const Py_ssize_t n = TupleSize(op);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = AsTuple(op)->ob_item[i];
    if (item != nullptr) Decref(item);
  }
  FreeInstance(op, &PyTuple_Type);
}

int TupleTraverse(PyObject* op, visitproc visit, void* arg) {
  const Py_ssize_t n = TupleSize(op);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = AsTuple(op)->ob_item[i];
    if (item != nullptr) {
      if (int r = visit(item, arg); r != 0) return r;
    }
  }
  return 0;
}

Py_hash_t TupleHashSlot(PyObject* op) {
  absl::StatusOr<Py_hash_t> h = TupleHash(op);
  if (!h.ok()) {
    SetErrorIndicator(h.status());
    return -1;
  }
  return *h;
}

PyObject* TupleRichCompareSlot(PyObject* a, PyObject* b, int op) {
  if (!IsTuple(a) || !IsTuple(b)) return NotImplemented();
  // Tuples are immutable, and each holds its items, so no re-checks are
  // needed around the item comparisons (which may run any code).
  const Py_ssize_t na = TupleSize(a), nb = TupleSize(b);
  Py_ssize_t i = 0;
  for (; i < na && i < nb; ++i) {
    absl::StatusOr<bool> eq = RichCompareBool(TupleItem(a, i), TupleItem(b, i), Py_EQ);
    if (!eq.ok()) {
      SetErrorIndicator(eq.status());
      return nullptr;
    }
    if (!*eq) break;
  }
  if (i >= na || i >= nb) {
    // One is a prefix of the other: compare the sizes.
    return internal::BoolResult(internal::CompareSatisfies(na <=> nb, op));
  }
  // The first differing items decide.
  if (op == Py_EQ) return False();
  if (op == Py_NE) return True();
  absl::StatusOr<Ref<>> r = RichCompare(TupleItem(a, i), TupleItem(b, i), op);
  if (!r.ok()) {
    SetErrorIndicator(r.status());
    return nullptr;
  }
  return r->Release();
}

Py_ssize_t TupleLengthSlot(PyObject* op) { return TupleSize(op); }

constinit PySequenceMethods g_tuple_as_sequence = [] {
  PySequenceMethods m{};
  m.sq_length = TupleLengthSlot;
  return m;
}();

}  // namespace

extern "C" {
constinit PyTypeObject PyTuple_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = ::ftrt::internal::StaticObjectHeader(nullptr);
  t.tp_name = "tuple";
  t.tp_basicsize = offsetof(PyTupleObject, ob_item);
  t.tp_itemsize = sizeof(PyObject*);
  t.tp_dealloc = TupleDealloc;
  t.tp_as_sequence = &g_tuple_as_sequence;
  t.tp_hash = TupleHashSlot;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE |
               Py_TPFLAGS_TUPLE_SUBCLASS | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_SEQUENCE;
  t.tp_doc = "tuple(iterable=(), /) -> tuple";
  t.tp_traverse = TupleTraverse;
  t.tp_richcompare = TupleRichCompareSlot;
  return t;
}();
}  // extern "C"

namespace {

// The empty tuple: static, immortal, never tracked.
constinit PyTupleObject g_empty_tuple = {
    .ob_base = {.ob_base = internal::StaticObjectHeader(&PyTuple_Type), .ob_size = 0},
    .ob_item = {nullptr},
};

const bool g_types_ready = [] {
  InitStaticType(&PyTuple_Type);
  return true;
}();

Ref<> AllocTuple(Py_ssize_t size) {
  (void)g_types_ready;
  constexpr Py_ssize_t kHeader = offsetof(PyTupleObject, ob_item);
  if (size > (PY_SSIZE_T_MAX - kHeader) / static_cast<Py_ssize_t>(sizeof(PyObject*))) {
    return nullptr;
  }
  Ref<TupleObject> t = NewObject<TupleObject>(
      &PyTuple_Type, kHeader + size * static_cast<Py_ssize_t>(sizeof(PyObject*)));
  if (!t) return nullptr;
  t->ob_base.ob_size = size;
  return Ref<>(std::move(t));
}

}  // namespace

PyTypeObject* TupleType() { return (void)g_types_ready, &PyTuple_Type; }

PyObject* EmptyTuple() { return &g_empty_tuple.ob_base.ob_base; }

absl::StatusOr<Ref<>> TupleNew(Py_ssize_t size) {
  if (size < 0) return MakeError(ErrorKind::kSystemError, "Negative size passed to PyTuple_New");
  if (size == 0) return Ref<>::Steal(EmptyTuple());
  Ref<> t = AllocTuple(size);
  if (!t) return NoMemoryError();
  TrackObject(t.get());
  return t;
}

void TupleInitItem(PyObject* tuple, Py_ssize_t i, Ref<> item) {
  FTRT_DCHECK(i >= 0 && i < TupleSize(tuple), "TupleInitItem: index %ld out of range",
              static_cast<long>(i));
  PyObject*& slot = AsTuple(tuple)->ob_item[i];
  PyObject* old = slot;
  slot = item.Release();
  if (old != nullptr) Decref(old);
}

absl::StatusOr<Ref<>> TupleFromItems(absl::Span<PyObject* const> items) {
  if (items.empty()) return Ref<>::Steal(EmptyTuple());
  Ref<> t = AllocTuple(static_cast<Py_ssize_t>(items.size()));
  if (!t) return NoMemoryError();
  bool track = false;
  for (size_t i = 0; i < items.size(); ++i) {
    PyObject* item = items[i];
    Incref(item);
    AsTuple(t.get())->ob_item[i] = item;
    track = track || MayHoldContainers(item);
  }
  if (track) TrackObject(t.get());
  return t;
}

absl::StatusOr<Ref<>> TupleGetItemRef(PyObject* op, Py_ssize_t i) {
  if (!IsTuple(op)) {
    return Errorf(ErrorKind::kTypeError, "expected a tuple, not %s", op->ob_type->tp_name);
  }
  if (i < 0 || i >= TupleSize(op)) {
    return MakeError(ErrorKind::kIndexError, "tuple index out of range");
  }
  return Ref<>::NewRef(TupleItem(op, i));
}

absl::StatusOr<Py_hash_t> TupleHash(PyObject* op) {
  TupleHasher hasher;
  for (PyObject* item : TupleItems(op)) {
    absl::StatusOr<Py_hash_t> h = Hash(item);
    if (!h.ok()) return h.status();
    hasher.Add(*h);
  }
  return hasher.Finish(static_cast<size_t>(TupleSize(op)));
}

void TupleMaybeUntrack(PyObject* op) {
  if (!IsTracked(op)) return;
  for (PyObject* item : TupleItems(op)) {
    if (item == nullptr || MayHoldContainers(item)) return;
  }
  UntrackObject(op);
}

}  // namespace ftrt
