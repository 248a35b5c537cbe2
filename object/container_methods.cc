// The Python-level methods of list, dict, tuple, set and frozenset (see
// container_methods.h): argument parsing, CPython's messages, and a call
// to the type's C-level operation, which carries the concurrency
// discipline.
#include "object/container_methods.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/compare.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/number.h"
#include "object/refcount.h"
#include "object/set.h"
#include "object/slice.h"
#include "object/str.h"
#include "object/subscript.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

// --- shared helpers -----------------------------------------------------

PyObject* NoneOrRaise(const absl::Status& s) {
  if (OkOrRaise(s) < 0) return nullptr;
  return Ref<>::NewRef(None()).Release();
}

PyObject* BoolOrRaise(const absl::StatusOr<bool>& r) {
  if (!r.ok()) {
    SetErrorFromStatus(r.status());
    return nullptr;
  }
  return Ref<>::NewRef(BoolFrom(*r)).Release();
}

PyObject* IntOrRaise(const absl::StatusOr<Py_ssize_t>& r) {
  if (!r.ok()) {
    SetErrorFromStatus(r.status());
    return nullptr;
  }
  return RefOrRaise(IntFromInt64(*r)).Release();
}

std::nullptr_t RaiseKeyError(PyObject* key) {
  SetKeyError(key);
  return nullptr;
}

// A start/stop argument of index(): CPython's _PyEval_SliceIndexNotNone.
bool SliceIndexArg(PyObject* v, Py_ssize_t* out) {
  if (!HasIndex(v)) {
    SetErrorString(PyExc_TypeError,
                   "slice indices must be integers or have an __index__ method");
    return false;
  }
  const Py_ssize_t x = IndexAsSsize(v);
  if (x == -1 && HasError()) return false;
  *out = x;
  return true;
}

// index()'s optional start and stop (args[1], args[2]), made non-negative
// against `len` as CPython does (a stop past the end is fine: the scan
// stops at the end).
bool IndexRange(PyObject* const* args, Py_ssize_t nargs, Py_ssize_t len, Py_ssize_t* start,
                Py_ssize_t* stop) {
  *start = 0;
  *stop = PY_SSIZE_T_MAX;
  if (nargs > 1 && !SliceIndexArg(args[1], start)) return false;
  if (nargs > 2 && !SliceIndexArg(args[2], stop)) return false;
  if (*start < 0) *start = std::max<Py_ssize_t>(*start + len, 0);
  if (*stop < 0) *stop = std::max<Py_ssize_t>(*stop + len, 0);
  return true;
}

// The error a comparison reported through a Status (the real exception is
// kept when the comparison raised one: error_indicator.h).
std::nullptr_t RaiseStatus(const absl::Status& s) {
  SetErrorFromStatus(s);
  return nullptr;
}

// Calls fn(item) for each item of `iterable` (borrowed, alive during the
// call). The built-in containers are read through one consistent snapshot
// (taken under their own section, or lock-free for a tuple); anything else
// through the iteration protocol, lazily (so fn may stop an endless
// iterator). fn returns 1 to go on, 0 to stop, -1 with an exception set.
// Returns 0, or -1 with an exception set ("'int' object is not iterable").
int ForEachItem(PyObject* iterable, absl::FunctionRef<int(PyObject*)> fn) {
  auto each = [&](absl::Span<PyObject* const> items) {
    for (PyObject* item : items) {
      const int r = fn(item);
      if (r < 0) return -1;
      if (r == 0) return 0;
    }
    return 0;
  };
  PyTypeObject* t = iterable->ob_type;
  if (t == TupleType()) return each(TupleItems(iterable));
  if (t == ListType()) {
    Ref<> snapshot = RefOrRaise(ListAsTuple(iterable));
    if (!snapshot) return -1;
    return each(TupleItems(snapshot.get()));
  }
  if (t == SetType() || t == FrozenSetType() || t == DictType()) {
    std::vector<Ref<>> refs;
    if (t == DictType()) {
      absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> items = DictItems(iterable);
      if (!items.ok()) return OkOrRaise(items.status());
      for (auto& kv : *items) refs.push_back(std::move(kv.first));
    } else {
      absl::StatusOr<std::vector<Ref<>>> items = SetItems(iterable);
      if (!items.ok()) return OkOrRaise(items.status());
      refs = *std::move(items);
    }
    std::vector<PyObject*> raw;
    raw.reserve(refs.size());
    for (const Ref<>& r : refs) raw.push_back(r.get());
    return each(raw);
  }
  Ref<> it = GetIter(iterable);
  if (!it) return -1;
  for (;;) {
    Ref<> item = IterNext(it.get());
    if (!item) return HasError() ? -1 : 0;
    const int r = fn(item.get());
    if (r < 0) return -1;
    if (r == 0) return 0;
  }
}

// The items of an iterable as new references (see ForEachItem).
bool CollectItems(PyObject* iterable, std::vector<Ref<>>* out) {
  return ForEachItem(iterable, [&](PyObject* item) {
           out->push_back(Ref<>::NewRef(item));
           return 1;
         }) == 0;
}

// ---- list ------------------------------------------------------------------

PyObject* ListAppendMethod(PyObject* self, PyObject* item) {
  return NoneOrRaise(ListAppend(self, item));
}

PyObject* ListExtendMethod(PyObject* self, PyObject* iterable) {
  PyTypeObject* t = iterable->ob_type;
  if (IsList(iterable) || IsTuple(iterable)) return NoneOrRaise(ListExtend(self, iterable));
  if (t == SetType() || t == FrozenSetType() || t == DictType()) {
    // One snapshot, appended in one step (ListExtend of a private list).
    std::vector<Ref<>> items;
    if (!CollectItems(iterable, &items)) return nullptr;
    std::vector<PyObject*> raw;
    raw.reserve(items.size());
    for (const Ref<>& r : items) raw.push_back(r.get());
    Ref<> tmp = RefOrRaise(ListFromItems(raw));
    if (!tmp) return nullptr;
    return NoneOrRaise(ListExtend(self, tmp.get()));
  }
  // Any other iterable: appended item by item, as CPython does (what was
  // appended before an error stays).
  const int r = ForEachItem(iterable, [&](PyObject* item) {
    return OkOrRaise(ListAppend(self, item)) < 0 ? -1 : 1;
  });
  if (r < 0) return nullptr;
  return Ref<>::NewRef(None()).Release();
}

// list += iterable (sq_inplace_concat): extends the list itself, as
// list.extend does, and returns it.
PyObject* ListInplaceConcatSlot(PyObject* self, PyObject* iterable) {
  PyObject* r = ListExtendMethod(self, iterable);
  if (r == nullptr) return nullptr;
  Decref(r);
  return Ref<>::NewRef(self).Release();
}

// list *= count (sq_inplace_repeat): repeats the list's items in place.
PyObject* ListInplaceRepeatSlot(PyObject* self, Py_ssize_t count) {
  if (OkOrRaise(ListRepeatInPlace(self, count)) < 0) return nullptr;
  return Ref<>::NewRef(self).Release();
}

PyObject* ListInsertMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("insert", nargs, 2, 2)) return nullptr;
  const Py_ssize_t index = IndexAsSsize(args[0]);
  if (index == -1 && HasError()) return nullptr;
  return NoneOrRaise(ListInsert(self, index, args[1]));
}

PyObject* ListPopMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("pop", nargs, 0, 1)) return nullptr;
  Py_ssize_t index = -1;
  if (nargs == 1) {
    index = IndexAsSsize(args[0]);
    if (index == -1 && HasError()) return nullptr;
  }
  return RefOrRaise(ListPop(self, index)).Release();
}

PyObject* ListRemoveMethod(PyObject* self, PyObject* value) {
  return NoneOrRaise(ListRemove(self, value));
}

PyObject* ListIndexMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("index", nargs, 1, 3)) return nullptr;
  Py_ssize_t start, stop;
  if (!IndexRange(args, nargs, ListSize(self), &start, &stop)) return nullptr;
  // Item by item, each a new reference (ListNext): the comparisons run
  // without the list's section and may mutate the list.
  for (Py_ssize_t i = start; i < stop;) {
    Ref<> item = ListNext(self, &i);
    if (!item) break;
    absl::StatusOr<bool> eq = RichCompareBool(item.get(), args[0], Py_EQ);
    if (!eq.ok()) return RaiseStatus(eq.status());
    if (*eq) return RefOrRaise(IntFromInt64(i - 1)).Release();
  }
  Ref<> repr = ObjectRepr(args[0]);
  if (!repr) return nullptr;
  return SetErrorFormat(PyExc_ValueError, "%s is not in list", StrUtf8(repr.get()));
}

PyObject* ListCountMethod(PyObject* self, PyObject* value) {
  return IntOrRaise(ListCount(self, value));
}

PyObject* ListClearMethod(PyObject* self, PyObject*) { return NoneOrRaise(ListClear(self)); }

PyObject* ListCopyMethod(PyObject* self, PyObject*) {
  return RefOrRaise(ListGetSlice(self, 0, PY_SSIZE_T_MAX)).Release();
}

PyObject* ListReverseMethod(PyObject* self, PyObject*) { return NoneOrRaise(ListReverse(self)); }

PyObject* ListSortMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                         PyObject* kwnames) {
  static const ArgParser kParser{.fname = "sort",
                                 .keywords = {"key", "reverse"},
                                 .posonly = 0,
                                 .min_required = 0,
                                 .max_positional = 0};
  PyObject* parsed[2];
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(parsed))) return nullptr;
  PyObject* keyfunc = parsed[0] != nullptr && parsed[0] != None() ? parsed[0] : nullptr;
  bool reverse = false;
  if (parsed[1] != nullptr) {
    absl::StatusOr<bool> b = IsTrue(parsed[1]);
    if (!b.ok()) return RaiseStatus(b.status());
    reverse = *b;
  }
  ListSortKey key;
  if (keyfunc != nullptr) {
    key = [keyfunc](PyObject* item) -> absl::StatusOr<Ref<>> {
      Ref<> k = CallOneArg(keyfunc, item);
      // The key function's exception stays pending: the Status only says
      // so (error_indicator.h keeps it when the Status is raised).
      if (!k) return TakeErrorIndicator("key function");
      return k;
    };
  }
  return NoneOrRaise(ListSort(self, key, reverse));
}

#define FTRT_FAST(f) reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f))

PyMethodDef g_list_methods[] = {
    {"append", ListAppendMethod, METH_O, "Append object to the end of the list."},
    {"extend", ListExtendMethod, METH_O, "Extend list by appending elements from the iterable."},
    {"insert", FTRT_FAST(ListInsertMethod), METH_FASTCALL, "Insert object before index."},
    {"pop", FTRT_FAST(ListPopMethod), METH_FASTCALL,
     "Remove and return item at index (default last).\n\nRaises IndexError if list is empty or "
     "index is out of range."},
    {"remove", ListRemoveMethod, METH_O,
     "Remove first occurrence of value.\n\nRaises ValueError if the value is not present."},
    {"index", FTRT_FAST(ListIndexMethod), METH_FASTCALL,
     "Return first index of value.\n\nRaises ValueError if the value is not present."},
    {"count", ListCountMethod, METH_O, "Return number of occurrences of value."},
    {"clear", ListClearMethod, METH_NOARGS, "Remove all items from list."},
    {"copy", ListCopyMethod, METH_NOARGS, "Return a shallow copy of the list."},
    {"reverse", ListReverseMethod, METH_NOARGS, "Reverse *IN PLACE*."},
    {"sort", FTRT_FAST(ListSortMethod), METH_FASTCALL | METH_KEYWORDS,
     "Sort the list in ascending order and return None.\n\nThe sort is in-place and stable. "
     "With key, it is applied once to each item; reverse sorts in descending order."},
    {nullptr, nullptr, 0, nullptr},
};

int ListContainsSlot(PyObject* self, PyObject* value) {
  absl::StatusOr<bool> r = ListContains(self, value);
  if (!r.ok()) return OkOrRaise(r.status());
  return *r ? 1 : 0;
}

// ---- dict ------------------------------------------------------------------

PyObject* DictGetMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("get", nargs, 1, 2)) return nullptr;
  absl::StatusOr<Ref<>> v = DictGetItemRefOrNull(self, args[0]);
  if (!v.ok()) return RaiseStatus(v.status());
  if (*v) return std::move(*v).Release();
  return Ref<>::NewRef(nargs == 2 ? args[1] : None()).Release();
}

PyObject* DictSetDefaultMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("setdefault", nargs, 1, 2)) return nullptr;
  return RefOrRaise(DictSetDefault(self, args[0], nargs == 2 ? args[1] : None())).Release();
}

PyObject* DictPopMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("pop", nargs, 1, 2)) return nullptr;
  absl::StatusOr<Ref<>> v = DictPopOrNull(self, args[0]);
  if (!v.ok()) return RaiseStatus(v.status());
  if (*v) return std::move(*v).Release();
  if (nargs == 2) return Ref<>::NewRef(args[1]).Release();
  return RaiseKeyError(args[0]);
}

PyObject* DictPopItemMethod(PyObject* self, PyObject*) {
  absl::StatusOr<std::pair<Ref<>, Ref<>>> kv = DictPopItem(self);
  if (!kv.ok()) return RaiseStatus(kv.status());
  return RefOrRaise(TupleFromItems({kv->first.get(), kv->second.get()})).Release();
}

enum class DictPart { kKeys, kValues, kItems };

// keys() / values() / items(): a new list (ftrt has no views; see
// container_methods.h), from one consistent snapshot.
PyObject* DictListOf(PyObject* self, DictPart part) {
  absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> items = DictItems(self);
  if (!items.ok()) return RaiseStatus(items.status());
  absl::StatusOr<Ref<>> list = ListNewWithSize(static_cast<Py_ssize_t>(items->size()));
  if (!list.ok()) return RaiseStatus(list.status());
  for (size_t i = 0; i < items->size(); ++i) {
    auto& [k, v] = (*items)[i];
    Ref<> entry;
    switch (part) {
      case DictPart::kKeys:
        entry = std::move(k);
        break;
      case DictPart::kValues:
        entry = std::move(v);
        break;
      case DictPart::kItems:
        entry = RefOrRaise(TupleFromItems({k.get(), v.get()}));
        if (!entry) return nullptr;  // the half-filled list is ours: freed
        break;
    }
    ListInitItem(list->get(), static_cast<Py_ssize_t>(i), std::move(entry));
  }
  return std::move(*list).Release();
}

PyObject* DictKeysMethod(PyObject* self, PyObject*) { return DictListOf(self, DictPart::kKeys); }
PyObject* DictValuesMethod(PyObject* self, PyObject*) {
  return DictListOf(self, DictPart::kValues);
}
PyObject* DictItemsMethod(PyObject* self, PyObject*) { return DictListOf(self, DictPart::kItems); }

// dict.update's positional argument: a dict (one snapshot), a mapping with
// keys() (key by key), or an iterable of pairs.
int DictMergeFrom(PyObject* self, PyObject* other) {
  if (IsDict(other)) {
    absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> items = DictItems(other);
    if (!items.ok()) return OkOrRaise(items.status());
    for (auto& [k, v] : *items) {
      if (OkOrRaise(DictSetItem(self, k.get(), v.get())) < 0) return -1;
    }
    return 0;
  }
  Ref<> keys_attr;
  PyObject* keys_name = InternFromString("keys");  // immortal
  if (keys_name == nullptr || GetOptionalAttr(other, keys_name, &keys_attr) < 0) return -1;
  if (keys_attr) {
    Ref<> keys = CallNoArgs(keys_attr.get());
    if (!keys) return -1;
    return ForEachItem(keys.get(), [&](PyObject* key) {
      Ref<> value = ObjectGetItem(other, key);
      if (!value) return -1;
      return OkOrRaise(DictSetItem(self, key, value.get())) < 0 ? -1 : 1;
    });
  }
  return DictMergeFromSeq2(self, other, /*override=*/true);
}

PyObject* DictUpdateMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                           PyObject* kwnames) {
  if (!CheckPositional("update", nargs, 0, 1)) return nullptr;
  if (nargs == 1 && DictMergeFrom(self, args[0]) < 0) return nullptr;
  if (kwnames != nullptr) {
    const Py_ssize_t nk = TupleSize(kwnames);
    for (Py_ssize_t i = 0; i < nk; ++i) {
      if (OkOrRaise(DictSetItem(self, TupleItem(kwnames, i), args[nargs + i])) < 0) {
        return nullptr;
      }
    }
  }
  return Ref<>::NewRef(None()).Release();
}

PyObject* DictClearMethod(PyObject* self, PyObject*) { return NoneOrRaise(DictClear(self)); }

PyObject* DictCopyMethod(PyObject* self, PyObject*) {
  absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> items = DictItems(self);
  if (!items.ok()) return RaiseStatus(items.status());
  Ref<> copy = RefOrRaise(DictNew());
  if (!copy) return nullptr;
  // The copy is ours alone until returned.
  for (auto& [k, v] : *items) {
    if (OkOrRaise(DictSetItem(copy.get(), k.get(), v.get())) < 0) return nullptr;
  }
  return copy.Release();
}

// dict.fromkeys(iterable, value=None, /), a class method: a new dict (or
// cls() for another class, filled by item assignment, as CPython).
PyObject* DictFromKeysMethod(PyObject* cls, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("fromkeys", nargs, 1, 2)) return nullptr;
  PyObject* value = nargs == 2 ? args[1] : None();
  const bool exact = cls == reinterpret_cast<PyObject*>(DictType());
  Ref<> d = exact ? RefOrRaise(DictNew()) : CallNoArgs(cls);
  if (!d) return nullptr;
  if (ForEachItem(args[0], [&](PyObject* key) {
        if (exact) return OkOrRaise(DictSetItem(d.get(), key, value)) < 0 ? -1 : 1;
        return ObjectSetItem(d.get(), key, value) < 0 ? -1 : 1;
      }) < 0) {
    return nullptr;
  }
  return d.Release();
}

PyObject* DictContainsMethod(PyObject* self, PyObject* key) {
  return BoolOrRaise(DictContains(self, key));
}

int DictContainsSlot(PyObject* self, PyObject* key) {
  absl::StatusOr<bool> r = DictContains(self, key);
  if (!r.ok()) return OkOrRaise(r.status());
  return *r ? 1 : 0;
}

PyMethodDef g_dict_methods[] = {
    {"__contains__", DictContainsMethod, METH_O | METH_COEXIST,
     "True if the dictionary has the specified key, else False."},
    {"get", FTRT_FAST(DictGetMethod), METH_FASTCALL,
     "Return the value for key if key is in the dictionary, else default."},
    {"setdefault", FTRT_FAST(DictSetDefaultMethod), METH_FASTCALL,
     "Insert key with a value of default if key is not in the dictionary.\n\nReturn the value "
     "for key if key is in the dictionary, else default."},
    {"pop", FTRT_FAST(DictPopMethod), METH_FASTCALL,
     "D.pop(k[,d]) -> v, remove specified key and return the corresponding value.\n\nIf the key "
     "is not found, return the default if given; otherwise, raise a KeyError."},
    {"popitem", DictPopItemMethod, METH_NOARGS,
     "Remove and return a (key, value) pair as a 2-tuple.\n\nPairs are returned in LIFO "
     "(last-in, first-out) order. Raises KeyError if the dict is empty."},
    {"keys", DictKeysMethod, METH_NOARGS,
     "A list of the dict's keys (ftrt: a list, not a view)."},
    {"values", DictValuesMethod, METH_NOARGS,
     "A list of the dict's values (ftrt: a list, not a view)."},
    {"items", DictItemsMethod, METH_NOARGS,
     "A list of the dict's (key, value) pairs (ftrt: a list, not a view)."},
    {"update", FTRT_FAST(DictUpdateMethod), METH_FASTCALL | METH_KEYWORDS,
     "D.update([E, ]**F) -> None.  Update D from mapping/iterable E and F."},
    {"clear", DictClearMethod, METH_NOARGS, "D.clear() -> None.  Remove all items from D."},
    {"copy", DictCopyMethod, METH_NOARGS, "D.copy() -> a shallow copy of D"},
    {"fromkeys", FTRT_FAST(DictFromKeysMethod), METH_FASTCALL | METH_CLASS,
     "Create a new dictionary with keys from iterable and values set to value."},
    {nullptr, nullptr, 0, nullptr},
};

// ---- tuple -----------------------------------------------------------------

// A tuple is immutable: its items stay alive while the caller's reference
// to it does, so the comparisons run on borrowed items.
PyObject* TupleIndexMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("index", nargs, 1, 3)) return nullptr;
  const Py_ssize_t n = TupleSize(self);
  Py_ssize_t start, stop;
  if (!IndexRange(args, nargs, n, &start, &stop)) return nullptr;
  for (Py_ssize_t i = start; i < std::min(stop, n); ++i) {
    absl::StatusOr<bool> eq = RichCompareBool(TupleItem(self, i), args[0], Py_EQ);
    if (!eq.ok()) return RaiseStatus(eq.status());
    if (*eq) return RefOrRaise(IntFromInt64(i)).Release();
  }
  return SetErrorFormat(PyExc_ValueError, "tuple.index(x): x not in tuple");
}

PyObject* TupleCountMethod(PyObject* self, PyObject* value) {
  Py_ssize_t count = 0;
  for (PyObject* item : TupleItems(self)) {
    absl::StatusOr<bool> eq = RichCompareBool(item, value, Py_EQ);
    if (!eq.ok()) return RaiseStatus(eq.status());
    if (*eq) ++count;
  }
  return IntOrRaise(count);
}

PyMethodDef g_tuple_methods[] = {
    {"index", FTRT_FAST(TupleIndexMethod), METH_FASTCALL,
     "Return first index of value.\n\nRaises ValueError if the value is not present."},
    {"count", TupleCountMethod, METH_O, "Return number of occurrences of value."},
    {nullptr, nullptr, 0, nullptr},
};

int TupleContainsSlot(PyObject* self, PyObject* value) {
  for (PyObject* item : TupleItems(self)) {
    absl::StatusOr<bool> eq = RichCompareBool(item, value, Py_EQ);
    if (!eq.ok()) return OkOrRaise(eq.status());
    if (*eq) return 1;
  }
  return 0;
}

// ---- set and frozenset -------------------------------------------------------

// A set method's key lookup; as CPython's, an unhashable set key is looked
// up as the frozenset of its keys (`{frozenset()}.remove(set())` works).
template <typename Fn>
auto WithFrozenRetry(PyObject* key, Fn fn) -> decltype(fn(key)) {
  auto r = fn(key);
  if (!r.ok() && IsError(r.status(), ErrorKind::kTypeError) && IsSet(key)) {
    absl::StatusOr<Ref<>> frozen = FrozenSetNew(key);
    if (!frozen.ok()) return frozen.status();
    return fn(frozen->get());
  }
  return r;
}

// A new private set, or a frozenset made from it, as the result of an
// operation on `self`: CPython gives the base type (set or frozenset), not
// a subclass.
PyObject* ResultOfType(PyObject* self, Ref<> private_set) {
  if (IsFrozenSet(self)) return RefOrRaise(FrozenSetNew(private_set.get())).Release();
  return private_set.Release();
}

// A private set of self's keys (a snapshot).
Ref<> PrivateCopy(PyObject* self) { return RefOrRaise(SetNew(self)); }

// `other` as something with fast membership: itself if a set or
// frozenset, else a private set of its items (hashing each, as CPython).
Ref<> AsSetLike(PyObject* other) {
  if (IsAnySet(other)) return Ref<>::NewRef(other);
  Ref<> s = RefOrRaise(SetNew());
  if (!s) return nullptr;
  if (ForEachItem(other, [&](PyObject* item) {
        return OkOrRaise(SetAdd(s.get(), item).status()) < 0 ? -1 : 1;
      }) < 0) {
    return nullptr;
  }
  return s;
}

// Adds every item of `iterable` to `set` (a mutable set): one snapshot
// update for the built-in containers, item by item for other iterables.
int AddAll(PyObject* set, PyObject* iterable) {
  PyTypeObject* t = iterable->ob_type;
  if (t == ListType() || t == TupleType() || IsAnySet(iterable) || t == DictType()) {
    return OkOrRaise(SetUpdate(set, iterable));
  }
  return ForEachItem(iterable, [&](PyObject* item) {
    return OkOrRaise(SetAdd(set, item).status()) < 0 ? -1 : 1;
  });
}

PyObject* SetAddMethod(PyObject* self, PyObject* key) {
  absl::StatusOr<bool> r = SetAdd(self, key);
  if (!r.ok()) return RaiseStatus(r.status());
  return Ref<>::NewRef(None()).Release();
}

PyObject* SetDiscardMethod(PyObject* self, PyObject* key) {
  absl::StatusOr<bool> r = WithFrozenRetry(key, [&](PyObject* k) { return SetDiscard(self, k); });
  if (!r.ok()) return RaiseStatus(r.status());
  return Ref<>::NewRef(None()).Release();
}

PyObject* SetRemoveMethod(PyObject* self, PyObject* key) {
  absl::StatusOr<bool> r = WithFrozenRetry(key, [&](PyObject* k) { return SetDiscard(self, k); });
  if (!r.ok()) return RaiseStatus(r.status());
  if (!*r) return RaiseKeyError(key);
  return Ref<>::NewRef(None()).Release();
}

PyObject* SetPopMethod(PyObject* self, PyObject*) { return RefOrRaise(SetPop(self)).Release(); }

PyObject* SetClearMethod(PyObject* self, PyObject*) { return NoneOrRaise(SetClear(self)); }

PyObject* SetCopyMethod(PyObject* self, PyObject*) {
  // An exact frozenset is its own copy (it cannot change).
  if (self->ob_type == FrozenSetType()) return Ref<>::NewRef(self).Release();
  if (IsFrozenSet(self)) return RefOrRaise(FrozenSetNew(self)).Release();
  return RefOrRaise(SetNew(self)).Release();
}

PyObject* SetContainsMethod(PyObject* self, PyObject* key) {
  return BoolOrRaise(WithFrozenRetry(key, [&](PyObject* k) { return SetContains(self, k); }));
}

PyObject* SetUnionMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  Ref<> result = PrivateCopy(self);
  if (!result) return nullptr;
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    if (AddAll(result.get(), args[i]) < 0) return nullptr;
  }
  return ResultOfType(self, std::move(result));
}

// self & other into a new private set: the items of the smaller side (a
// set) or of other (any iterable) that the other side holds.
Ref<> Intersect(PyObject* self, PyObject* other) {
  Ref<> out = RefOrRaise(SetNew());
  if (!out) return nullptr;
  PyObject* iterate = other;
  PyObject* probe = self;
  if (IsAnySet(other) && SetSize(other) > SetSize(self)) std::swap(iterate, probe);
  if (ForEachItem(iterate, [&](PyObject* item) {
        absl::StatusOr<bool> in = SetContains(probe, item);
        if (!in.ok()) return OkOrRaise(in.status());
        if (*in && OkOrRaise(SetAdd(out.get(), item).status()) < 0) return -1;
        return 1;
      }) < 0) {
    return nullptr;
  }
  return out;
}

PyObject* SetIntersectionMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs == 0) return SetCopyMethod(self, nullptr);
  Ref<> current = Ref<>::NewRef(self);
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    current = Intersect(current.get(), args[i]);
    if (!current) return nullptr;
  }
  return ResultOfType(self, std::move(current));
}

PyObject* SetDifferenceMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  Ref<> result = PrivateCopy(self);
  if (!result) return nullptr;
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    PyObject* other = args[i];
    if (IsAnySet(other) || IsDict(other)) {
      // Keep what `other` lacks (no hashing of other's items).
      absl::StatusOr<std::vector<Ref<>>> mine = SetItems(result.get());
      if (!mine.ok()) return RaiseStatus(mine.status());
      for (const Ref<>& item : *mine) {
        absl::StatusOr<bool> in =
            IsDict(other) ? DictContains(other, item.get()) : SetContains(other, item.get());
        if (!in.ok()) return RaiseStatus(in.status());
        if (*in && OkOrRaise(SetDiscard(result.get(), item.get()).status()) < 0) return nullptr;
      }
    } else if (ForEachItem(other, [&](PyObject* item) {
                 return OkOrRaise(SetDiscard(result.get(), item).status()) < 0 ? -1 : 1;
               }) < 0) {
      return nullptr;
    }
  }
  return ResultOfType(self, std::move(result));
}

PyObject* SetSymmetricDifferenceMethod(PyObject* self, PyObject* other) {
  Ref<> result = PrivateCopy(self);
  if (!result) return nullptr;
  Ref<> other_set = AsSetLike(other);
  if (!other_set) return nullptr;
  absl::StatusOr<std::vector<Ref<>>> theirs = SetItems(other_set.get());
  if (!theirs.ok()) return RaiseStatus(theirs.status());
  for (const Ref<>& item : *theirs) {
    absl::StatusOr<bool> removed = SetDiscard(result.get(), item.get());
    if (!removed.ok()) return RaiseStatus(removed.status());
    if (!*removed && OkOrRaise(SetAdd(result.get(), item.get()).status()) < 0) return nullptr;
  }
  return ResultOfType(self, std::move(result));
}

PyObject* SetUpdateMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    if (AddAll(self, args[i]) < 0) return nullptr;
  }
  return Ref<>::NewRef(None()).Release();
}

// The in-place updates. Each step (one discard or add) is one atomic
// C-level operation on self; the update as a whole is not atomic: another
// thread may see it half done, and what another thread adds meanwhile is
// kept (CPython 3.13t holds self's section throughout).
PyObject* SetDifferenceUpdateMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    if (ForEachItem(args[i], [&](PyObject* item) {
          return OkOrRaise(SetDiscard(self, item).status()) < 0 ? -1 : 1;
        }) < 0) {
      return nullptr;
    }
  }
  return Ref<>::NewRef(None()).Release();
}

PyObject* SetIntersectionUpdateMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  Ref<> keep = Ref<>::Steal(SetIntersectionMethod(self, args, nargs));
  if (!keep) return nullptr;
  absl::StatusOr<std::vector<Ref<>>> mine = SetItems(self);
  if (!mine.ok()) return RaiseStatus(mine.status());
  for (const Ref<>& item : *mine) {
    absl::StatusOr<bool> in = SetContains(keep.get(), item.get());
    if (!in.ok()) return RaiseStatus(in.status());
    if (!*in && OkOrRaise(SetDiscard(self, item.get()).status()) < 0) return nullptr;
  }
  return Ref<>::NewRef(None()).Release();
}

PyObject* SetSymmetricDifferenceUpdateMethod(PyObject* self, PyObject* other) {
  // other's distinct items, a snapshot taken before self changes (other
  // may be self: then everything goes).
  Ref<> other_set = AsSetLike(other);
  if (!other_set) return nullptr;
  absl::StatusOr<std::vector<Ref<>>> theirs = SetItems(other_set.get());
  if (!theirs.ok()) return RaiseStatus(theirs.status());
  for (const Ref<>& item : *theirs) {
    absl::StatusOr<bool> removed = SetDiscard(self, item.get());
    if (!removed.ok()) return RaiseStatus(removed.status());
    if (!*removed && OkOrRaise(SetAdd(self, item.get()).status()) < 0) return nullptr;
  }
  return Ref<>::NewRef(None()).Release();
}

// The operators - & ^ | on sets (both operands a set or frozenset, else
// NotImplemented, as CPython): a new set or frozenset after the left
// operand's kind (exact, also for subtypes' instances, as in CPython).
// The in-place forms update a mutable left operand and return it.
template <PyObject* (*F)(PyObject*, PyObject* const*, Py_ssize_t)>
PyObject* WithOneArg(PyObject* a, PyObject* b) {
  return F(a, &b, 1);
}

template <binaryfunc F>
PyObject* SetOperatorSlot(PyObject* a, PyObject* b) {
  if (!IsAnySet(a) || !IsAnySet(b)) return Ref<>::NewRef(NotImplemented()).Release();
  return F(a, b);
}

template <binaryfunc F>
PyObject* SetInPlaceSlot(PyObject* a, PyObject* b) {
  if (!IsSet(a) || !IsAnySet(b)) return Ref<>::NewRef(NotImplemented()).Release();
  Ref<> none = Ref<>::Steal(F(a, b));
  if (!none) return nullptr;
  return Ref<>::NewRef(a).Release();
}

// set's operators, and frozenset's (no in-place forms: a |= b on a
// frozenset makes a new one).
constexpr PyNumberMethods SetNumberMethods(bool in_place) {
  PyNumberMethods m{};
  m.nb_subtract = SetOperatorSlot<WithOneArg<SetDifferenceMethod>>;
  m.nb_and = SetOperatorSlot<WithOneArg<SetIntersectionMethod>>;
  m.nb_xor = SetOperatorSlot<SetSymmetricDifferenceMethod>;
  m.nb_or = SetOperatorSlot<WithOneArg<SetUnionMethod>>;
  if (in_place) {
    m.nb_inplace_subtract = SetInPlaceSlot<WithOneArg<SetDifferenceUpdateMethod>>;
    m.nb_inplace_and = SetInPlaceSlot<WithOneArg<SetIntersectionUpdateMethod>>;
    m.nb_inplace_xor = SetInPlaceSlot<SetSymmetricDifferenceUpdateMethod>;
    m.nb_inplace_or = SetInPlaceSlot<WithOneArg<SetUpdateMethod>>;
  }
  return m;
}

constinit PyNumberMethods g_set_as_number = SetNumberMethods(true);
constinit PyNumberMethods g_frozenset_as_number = SetNumberMethods(false);

PyObject* SetIsSubsetMethod(PyObject* self, PyObject* other) {
  Ref<> other_set = AsSetLike(other);
  if (!other_set) return nullptr;
  return BoolOrRaise(SetCompare(self, other_set.get(), Py_LE));
}

PyObject* SetIsSupersetMethod(PyObject* self, PyObject* other) {
  if (IsAnySet(other)) return BoolOrRaise(SetCompare(self, other, Py_GE));
  bool all = true;
  if (ForEachItem(other, [&](PyObject* item) {
        absl::StatusOr<bool> in = SetContains(self, item);
        if (!in.ok()) return OkOrRaise(in.status());
        all = *in;
        return all ? 1 : 0;
      }) < 0) {
    return nullptr;
  }
  return Ref<>::NewRef(BoolFrom(all)).Release();
}

PyObject* SetIsDisjointMethod(PyObject* self, PyObject* other) {
  PyObject* iterate = other;
  PyObject* probe = self;
  if (IsAnySet(other) && SetSize(other) > SetSize(self)) std::swap(iterate, probe);
  bool disjoint = true;
  if (ForEachItem(iterate, [&](PyObject* item) {
        absl::StatusOr<bool> in = SetContains(probe, item);
        if (!in.ok()) return OkOrRaise(in.status());
        disjoint = !*in;
        return disjoint ? 1 : 0;
      }) < 0) {
    return nullptr;
  }
  return Ref<>::NewRef(BoolFrom(disjoint)).Release();
}

// The non-mutating methods, shared by set and frozenset.
#define FTRT_SET_QUERY_METHODS                                                                   \
  {"__contains__", SetContainsMethod, METH_O | METH_COEXIST, "x.__contains__(y) <==> y in x."}, \
      {"copy", SetCopyMethod, METH_NOARGS, "Return a shallow copy of a set."},                   \
      {"union", FTRT_FAST(SetUnionMethod), METH_FASTCALL,                                        \
       "Return a new set with elements from the set and all others."},                           \
      {"intersection", FTRT_FAST(SetIntersectionMethod), METH_FASTCALL,                          \
       "Return a new set with elements common to the set and all others."},                      \
      {"difference", FTRT_FAST(SetDifferenceMethod), METH_FASTCALL,                              \
       "Return a new set with elements in the set that are not in the others."},                 \
      {"symmetric_difference", SetSymmetricDifferenceMethod, METH_O,                             \
       "Return a new set with elements in either the set or other but not both."},               \
      {"issubset", SetIsSubsetMethod, METH_O, "Report whether another set contains this set."},  \
      {"issuperset", SetIsSupersetMethod, METH_O,                                                \
       "Report whether this set contains another set."},                                         \
      {"isdisjoint", SetIsDisjointMethod, METH_O,                                                \
       "Return True if two sets have a null intersection."}

PyMethodDef g_set_methods[] = {
    FTRT_SET_QUERY_METHODS,
    {"add", SetAddMethod, METH_O, "Add an element to a set.\n\nThis has no effect if the element "
                                  "is already present."},
    {"discard", SetDiscardMethod, METH_O,
     "Remove an element from a set if it is a member.\n\nUnlike set.remove(), the discard() "
     "method does not raise an exception when an element is missing from the set."},
    {"remove", SetRemoveMethod, METH_O,
     "Remove an element from a set; it must be a member.\n\nIf the element is not a member, "
     "raise a KeyError."},
    {"pop", SetPopMethod, METH_NOARGS,
     "Remove and return an arbitrary set element.\n\nRaises KeyError if the set is empty."},
    {"clear", SetClearMethod, METH_NOARGS, "Remove all elements from this set."},
    {"update", FTRT_FAST(SetUpdateMethod), METH_FASTCALL,
     "Update the set, adding elements from all others."},
    {"difference_update", FTRT_FAST(SetDifferenceUpdateMethod), METH_FASTCALL,
     "Update the set, removing elements found in others."},
    {"intersection_update", FTRT_FAST(SetIntersectionUpdateMethod), METH_FASTCALL,
     "Update the set, keeping only elements found in it and all others."},
    {"symmetric_difference_update", SetSymmetricDifferenceUpdateMethod, METH_O,
     "Update the set, keeping only elements found in either set, but not in both."},
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef g_frozenset_methods[] = {
    FTRT_SET_QUERY_METHODS,
    {nullptr, nullptr, 0, nullptr},
};

#undef FTRT_SET_QUERY_METHODS
#undef FTRT_FAST

// ---- calling the types: list(x), tuple(x), dict(x, **kw), set(x), frozenset(x)

// An instance of a subtype of list, dict, tuple, set or frozenset: the
// subtype's tp_alloc
// (its basicsize and `nitems` items, zeroed, tracked), which for list is
// already an empty list.
Ref<> NewSubtypeInstance(PyTypeObject* type, Py_ssize_t nitems = 0) {
  Ref<> op = Ref<>::Steal(type->tp_alloc(type, nitems));
  if (!op && !HasError()) SetErrorString(PyExc_MemoryError, "");
  return op;
}

// The positional count, or -1 with TypeError if more than one, or any
// keyword when `keywords` is false (CPython's messages).
Py_ssize_t OneOptionalArg(const char* name, PyObject* args, PyObject* kwargs, bool keywords) {
  if (!keywords && !CheckNoKeywords(name, kwargs)) return -1;
  const Py_ssize_t n = args != nullptr ? TupleSize(args) : 0;
  if (!CheckPositional(name, n, 0, 1)) return -1;
  return n;
}

// list.__new__ makes an empty list (of `type`, which may be a subtype, as
// C extensions make them: a struct starting with PyListObject, tp_base =
// &PyList_Type); list.__init__ fills it, as in CPython, so that a
// subtype's own tp_init can call PyList_Type.tp_init.
PyObject* ListTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  (void)args;
  (void)kwargs;
  if (type == ListType()) return RefOrRaise(ListNew()).Release();
  return NewSubtypeInstance(type).Release();
}

// list.__init__(iterable=()): clears the list, then extends it.
int ListTpInit(PyObject* self, PyObject* args, PyObject* kwargs) {
  const Py_ssize_t n = OneOptionalArg("list", args, kwargs, false);
  if (n < 0) return -1;
  if (ListSize(self) != 0 && OkOrRaise(ListClear(self)) < 0) return -1;
  if (n == 1 && !Ref<>::Steal(ListExtendMethod(self, TupleItem(args, 0)))) return -1;
  return 0;
}

// tuple.__new__ for a subtype (a C extension's type with tp_base =
// &PyTuple_Type, whose tp_new usually calls PyTuple_Type.tp_new, or a heap
// subtype): the iterable's items in an instance of the subtype, never the
// shared empty tuple.
PyObject* TupleSubtypeNew(PyTypeObject* type, Py_ssize_t n, PyObject* args) {
  std::vector<Ref<>> items;
  if (n == 1 && !CollectItems(TupleItem(args, 0), &items)) return nullptr;
  Ref<> t = NewSubtypeInstance(type, static_cast<Py_ssize_t>(items.size()));
  if (!t) return nullptr;
  // Not yet reachable by any other thread: plain stores.
  PyObject** slots = reinterpret_cast<PyTupleObject*>(t.get())->ob_item;
  for (size_t i = 0; i < items.size(); ++i) slots[i] = items[i].Release();
  return t.Release();
}

PyObject* TupleTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  const Py_ssize_t n = OneOptionalArg("tuple", args, kwargs, false);
  if (n < 0) return nullptr;
  if (type != TupleType()) return TupleSubtypeNew(type, n, args);
  if (n == 0) return RefOrRaise(TupleFromItems({})).Release();
  PyObject* iterable = TupleItem(args, 0);
  if (iterable->ob_type == TupleType()) return Ref<>::NewRef(iterable).Release();
  std::vector<Ref<>> items;
  if (!CollectItems(iterable, &items)) return nullptr;
  std::vector<PyObject*> raw;
  raw.reserve(items.size());
  for (const Ref<>& r : items) raw.push_back(r.get());
  return RefOrRaise(TupleFromItems(raw)).Release();
}

// dict.__new__ makes an empty dict (of `type`, possibly a subtype, as for
// list); dict.__init__ merges the mapping or pairs and the keywords in.
PyObject* DictTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  (void)args;
  (void)kwargs;
  if (type == DictType()) return RefOrRaise(DictNew()).Release();
  Ref<> d = NewSubtypeInstance(type);
  if (d) internal::DictInitEmpty(d.get());
  return d.Release();
}

int DictTpInit(PyObject* self, PyObject* args, PyObject* kwargs) {
  const Py_ssize_t n = OneOptionalArg("dict", args, kwargs, true);
  if (n < 0) return -1;
  if (n == 1 && DictMergeFrom(self, TupleItem(args, 0)) < 0) return -1;
  if (kwargs != nullptr && DictMergeFrom(self, kwargs) < 0) return -1;
  return 0;
}

// set.__new__ makes an empty set (of `type`, possibly a C extension's
// subtype, as for list); set.__init__ fills it, as in CPython.
PyObject* SetTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  (void)args;
  if (type == SetType()) {
    if (!CheckNoKeywords("set", kwargs)) return nullptr;
    return RefOrRaise(SetNew()).Release();
  }
  Ref<> s = NewSubtypeInstance(type);
  if (s) internal::SetInitEmpty(s.get());
  return s.Release();
}

// set.__init__(iterable=()): clears the set, then adds the items.
int SetTpInit(PyObject* self, PyObject* args, PyObject* kwargs) {
  const Py_ssize_t n = OneOptionalArg("set", args, kwargs, false);
  if (n < 0) return -1;
  if (SetSize(self) != 0 && OkOrRaise(SetClear(self)) < 0) return -1;
  if (n == 1 && AddAll(self, TupleItem(args, 0)) < 0) return -1;
  return 0;
}

// frozenset.__new__ for a subtype: the iterable's items in a new instance
// of the subtype (never a shared empty frozenset), added before any other
// thread can see it.
PyObject* FrozenSetSubtypeNew(PyTypeObject* type, Py_ssize_t n, PyObject* args) {
  Ref<> fs = NewSubtypeInstance(type);
  if (!fs) return nullptr;
  internal::SetInitEmpty(fs.get());
  if (n == 1 && ForEachItem(TupleItem(args, 0), [&](PyObject* item) {
        return OkOrRaise(internal::SetAddNew(fs.get(), item).status()) < 0 ? -1 : 1;
      }) < 0) {
    return nullptr;
  }
  return fs.Release();
}

PyObject* FrozenSetTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  const Py_ssize_t n = OneOptionalArg("frozenset", args, kwargs, false);
  if (n < 0) return nullptr;
  if (type != FrozenSetType()) return FrozenSetSubtypeNew(type, n, args);
  if (n == 0) return RefOrRaise(FrozenSetNew()).Release();
  PyObject* iterable = TupleItem(args, 0);
  if (iterable->ob_type == FrozenSetType()) return Ref<>::NewRef(iterable).Release();
  // Built as a private set, then frozen (a frozenset is immutable once
  // made; FrozenSetNew copies the set's snapshot).
  Ref<> set = RefOrRaise(SetNew());
  if (!set || AddAll(set.get(), iterable) < 0) return nullptr;
  return RefOrRaise(FrozenSetNew(set.get())).Release();
}

constinit PySequenceMethods g_dict_as_sequence = [] {
  PySequenceMethods m{};
  m.sq_contains = DictContainsSlot;
  return m;
}();

}  // namespace

// See container_methods.h.
int DictMergeFromSeq2(PyObject* dict, PyObject* seq2, bool override) {
  Py_ssize_t index = 0;
  const int r = ForEachItem(seq2, [&](PyObject* pair) {
    std::vector<Ref<>> parts;
    if (IsTuple(pair) || IsList(pair)) {
      if (!CollectItems(pair, &parts)) return -1;
    } else {
      Ref<> it = GetIter(pair);
      if (!it) {
        if (ExceptionMatches(PyExc_TypeError)) {
          ClearError();
          SetErrorFormat(PyExc_TypeError,
                         "cannot convert dictionary update sequence element #%d to a sequence",
                         static_cast<int64_t>(index));
        }
        return -1;
      }
      if (!CollectItems(it.get(), &parts)) return -1;
    }
    if (parts.size() != 2) {
      SetErrorFormat(PyExc_ValueError,
                     "dictionary update sequence element #%d has length %d; 2 is required",
                     static_cast<int64_t>(index), static_cast<int64_t>(parts.size()));
      return -1;
    }
    ++index;
    if (override) return OkOrRaise(DictSetItem(dict, parts[0].get(), parts[1].get())) < 0 ? -1 : 1;
    absl::StatusOr<Ref<>> kept = DictSetDefault(dict, parts[0].get(), parts[1].get());
    if (!kept.ok()) return OkOrRaise(kept.status());
    return 1;
  });
  return r < 0 ? -1 : 0;
}

namespace internal {

void InstallContainerMethods() {
  struct {
    PyTypeObject* type;
    PyMethodDef* methods;
  } const kMethods[] = {
      {ListType(), g_list_methods},       {DictType(), g_dict_methods},
      {TupleType(), g_tuple_methods},     {SetType(), g_set_methods},
      {FrozenSetType(), g_frozenset_methods},
  };
  for (const auto& m : kMethods) {
    if (m.type->tp_methods == nullptr) m.type->tp_methods = m.methods;
  }
  // sq_contains: list and tuple have a sequence table (their sq_length);
  // dict gets one holding only sq_contains, as CPython's.
  if (ListType()->tp_as_sequence->sq_contains == nullptr) {
    ListType()->tp_as_sequence->sq_contains = ListContainsSlot;
  }
  // += and *= on a list change the list itself (sq_inplace_*), as in
  // CPython; without them both would fall back to a new list.
  if (ListType()->tp_as_sequence->sq_inplace_concat == nullptr) {
    ListType()->tp_as_sequence->sq_inplace_concat = ListInplaceConcatSlot;
  }
  if (ListType()->tp_as_sequence->sq_inplace_repeat == nullptr) {
    ListType()->tp_as_sequence->sq_inplace_repeat = ListInplaceRepeatSlot;
  }
  if (TupleType()->tp_as_sequence->sq_contains == nullptr) {
    TupleType()->tp_as_sequence->sq_contains = TupleContainsSlot;
  }
  if (DictType()->tp_as_sequence == nullptr) DictType()->tp_as_sequence = &g_dict_as_sequence;
  if (SetType()->tp_as_number == nullptr) SetType()->tp_as_number = &g_set_as_number;
  if (FrozenSetType()->tp_as_number == nullptr) {
    FrozenSetType()->tp_as_number = &g_frozenset_as_number;
  }
  // Calling the types (type.__call__ runs tp_new, then tp_init: object's
  // for tuple and frozenset, which accepts the arguments because tp_new is
  // not object's; list's, dict's and set's own).
  struct {
    PyTypeObject* type;
    newfunc tp_new;
  } const kNew[] = {
      {ListType(), ListTpNew}, {TupleType(), TupleTpNew},         {DictType(), DictTpNew},
      {SetType(), SetTpNew},   {FrozenSetType(), FrozenSetTpNew},
  };
  for (const auto& c : kNew) {
    if (c.type->tp_new == nullptr) c.type->tp_new = c.tp_new;
  }
  // list, dict and set fill themselves in __init__ (see ListTpNew).
  if (ListType()->tp_init == nullptr) ListType()->tp_init = ListTpInit;
  if (DictType()->tp_init == nullptr) DictType()->tp_init = DictTpInit;
  if (SetType()->tp_init == nullptr) SetType()->tp_init = SetTpInit;
}

}  // namespace internal
}  // namespace ftrt
