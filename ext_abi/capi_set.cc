// libftrt.so: the C API of set and frozenset (PySet_*, PyFrozenSet_*,
// setobject.h) over object/'s set.h.
//
// CPython 3.13's signatures and error conventions: NULL or -1 with an
// exception set; a NULL object, or an object of the wrong kind, is a
// SystemError (CPython's PyErr_BadInternalCall), as CPython's set functions
// raise it. PySet_New / PyFrozenSet_New take any iterable: object/'s
// SetNew reads the built-in containers itself, and other iterables are
// walked here with the iteration protocol (GetIter / IterNext), which sits
// above object/'s built-in types. The type objects are object/'s own
// (set.cc and iterators.cc define them under CPython's names).
#include <utility>

#include "ext_abi/capi_internal.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/refcount.h"
#include "object/set.h"
#include "object/tuple.h"

using ftrt::Ref;
using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NewOrRaise;
using ftrt::ext::internal::RaiseStatus;
using ftrt::ext::internal::StatusToInt;

namespace {

// A new set or frozenset of iterable's items, or null with an exception.
PyObject* NewFromIterable(bool frozen, PyObject* iterable) {
  if (iterable == nullptr || ftrt::IsList(iterable) || ftrt::IsTuple(iterable) ||
      ftrt::IsAnySet(iterable) || ftrt::IsDict(iterable)) {
    return NewOrRaise(frozen ? ftrt::FrozenSetNew(iterable) : ftrt::SetNew(iterable));
  }
  // Any other iterable: the new set is still private to this call, so a
  // frozenset may be filled too (internal::SetAddNew).
  absl::StatusOr<Ref<>> set = frozen ? ftrt::FrozenSetNew() : ftrt::SetNew();
  if (!set.ok()) {
    RaiseStatus(set.status());
    return nullptr;
  }
  Ref<> it = ftrt::GetIter(iterable);  // TypeError "'int' object is not iterable"
  if (!it) return nullptr;
  for (;;) {
    Ref<> item = ftrt::IterNext(it.get());
    if (!item) break;
    absl::StatusOr<bool> added = ftrt::internal::SetAddNew(set->get(), item.get());
    if (!added.ok()) {
      RaiseStatus(added.status());
      return nullptr;
    }
  }
  if (ftrt::HasError()) return nullptr;
  return std::move(*set).Release();
}

bool NeedSet(PyObject* op, const char* func) {
  if (op == nullptr || !ftrt::IsSet(op)) {
    BadCall(func);
    return false;
  }
  return true;
}

bool NeedAnySet(PyObject* op, const char* func) {
  if (op == nullptr || !ftrt::IsAnySet(op)) {
    BadCall(func);
    return false;
  }
  return true;
}

// -1 with the exception raised, or 1 / 0.
int BoolOrRaise(const absl::StatusOr<bool>& r) {
  if (!r.ok()) {
    RaiseStatus(r.status());
    return -1;
  }
  return *r ? 1 : 0;
}

}  // namespace

extern "C" {

PyObject* PySet_New(PyObject* iterable) { return NewFromIterable(false, iterable); }

PyObject* PyFrozenSet_New(PyObject* iterable) { return NewFromIterable(true, iterable); }

int PySet_Add(PyObject* set, PyObject* key) {
  if (set == nullptr || key == nullptr) {
    BadCall("PySet_Add");
    return -1;
  }
  if (ftrt::IsSet(set)) return BoolOrRaise(ftrt::SetAdd(set, key)) < 0 ? -1 : 0;
  // CPython's rule: a frozenset may be filled while its creator holds the
  // only reference (here: owned by this thread, count 1), never after.
  if (!ftrt::IsFrozenSet(set) || !ftrt::IsOwnedByCurrentThread(set) || ftrt::Refcount(set) != 1) {
    BadCall("PySet_Add");
    return -1;
  }
  return BoolOrRaise(ftrt::internal::SetAddNew(set, key)) < 0 ? -1 : 0;
}

int PySet_Clear(PyObject* set) {
  if (!NeedSet(set, "PySet_Clear")) return -1;
  return StatusToInt(ftrt::SetClear(set));
}

int PySet_Contains(PyObject* anyset, PyObject* key) {
  if (!NeedAnySet(anyset, "PySet_Contains")) return -1;
  if (key == nullptr) {
    BadCall("PySet_Contains");
    return -1;
  }
  return BoolOrRaise(ftrt::SetContains(anyset, key));
}

int PySet_Discard(PyObject* set, PyObject* key) {
  if (!NeedSet(set, "PySet_Discard")) return -1;
  if (key == nullptr) {
    BadCall("PySet_Discard");
    return -1;
  }
  return BoolOrRaise(ftrt::SetDiscard(set, key));
}

PyObject* PySet_Pop(PyObject* set) {
  if (!NeedSet(set, "PySet_Pop")) return nullptr;
  return NewOrRaise(ftrt::SetPop(set));
}

Py_ssize_t PySet_Size(PyObject* anyset) {
  if (!NeedAnySet(anyset, "PySet_Size")) return -1;
  return ftrt::SetSize(anyset);
}

}  // extern "C"
