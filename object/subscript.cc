// Subscription and the built-in sequences' subscript slots (see
// subscript.h).
#include "object/subscript.h"

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "object/attributes.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/genericalias.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/number.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/slice.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/type_cache.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

PyObject* Out(Ref<> r) { return r.Release(); }

// The index a key stands for, or -1 with an exception (check HasError).
Py_ssize_t KeyIndex(PyObject* key) { return IndexAsSsize(key); }

// v as a list or tuple (a new reference): itself if it is one, else a new
// list of what iterating it gives. A v that is not iterable gives
// TypeError `message`.
Ref<> AsListOrTuple(PyObject* v, const char* message) {
  if (IsList(v) || IsTuple(v)) return Ref<>::NewRef(v);
  Ref<> it = GetIter(v);
  if (!it) {
    if (ExceptionMatches(PyExc_TypeError)) {
      ClearError();
      SetErrorString(PyExc_TypeError, message);
    }
    return nullptr;
  }
  Ref<> list = RefOrRaise(ListNew());
  if (!list) return nullptr;
  Ref<> item;
  int r;
  while ((r = IterNextItem(it.get(), &item)) > 0) {
    if (OkOrRaise(ListAppend(list.get(), item.get())) < 0) return nullptr;
  }
  if (r < 0) return nullptr;
  return list;
}

// Unpacks a slice for a sequence of `length` items: the count, or -1
// with an exception.
Py_ssize_t UnpackFor(PyObject* slice, Py_ssize_t length, Py_ssize_t* start, Py_ssize_t* step) {
  Py_ssize_t stop;
  if (SliceUnpack(slice, start, &stop, step) < 0) return -1;
  return SliceAdjustIndices(length, start, &stop, *step);
}

// --- list ----------------------------------------------------------------------

PyObject* ListItemSlot(PyObject* self, Py_ssize_t i) {
  return Out(RefOrRaise(ListGetItemRef(self, i)));
}

int ListAssItemSlot(PyObject* self, Py_ssize_t i, PyObject* value) {
  // ListSetItem / ListDelItem count a negative index from the end; this
  // slot's caller has already done that, so what is negative here is out
  // of range.
  if (i < 0) {
    SetErrorString(PyExc_IndexError, "list assignment index out of range");
    return -1;
  }
  return OkOrRaise(value == nullptr ? ListDelItem(self, i) : ListSetItem(self, i, value));
}

PyObject* ListSubscriptSlot(PyObject* self, PyObject* key) {
  if (HasIndex(key)) {
    Py_ssize_t i = KeyIndex(key);
    if (i == -1 && HasError()) return nullptr;
    if (i < 0) i += ListSize(self);
    return ListItemSlot(self, i);
  }
  if (IsSlice(key)) {
    Py_ssize_t start, stop, step;
    if (SliceUnpack(key, &start, &stop, &step) < 0) return nullptr;
    return Out(RefOrRaise(ListGetSliceStep(self, start, stop, step)));
  }
  return SetErrorFormat(PyExc_TypeError, "list indices must be integers or slices, not %s",
                        key->ob_type->tp_name);
}

int ListAssSubscriptSlot(PyObject* self, PyObject* key, PyObject* value) {
  if (HasIndex(key)) {
    const Py_ssize_t i = KeyIndex(key);
    if (i == -1 && HasError()) return -1;
    // Negative indices are counted from the end inside the section.
    return OkOrRaise(value == nullptr ? ListDelItem(self, i) : ListSetItem(self, i, value));
  }
  if (IsSlice(key)) {
    Py_ssize_t start, stop, step;
    if (SliceUnpack(key, &start, &stop, &step) < 0) return -1;
    Ref<> items;
    if (value != nullptr) {
      items = AsListOrTuple(value, step == 1 ? "can only assign an iterable"
                                             : "must assign iterable to extended slice");
      if (!items) return -1;
    }
    return OkOrRaise(ListAssignSliceStep(self, start, stop, step, items.get()));
  }
  SetErrorFormat(PyExc_TypeError, "list indices must be integers or slices, not %s",
                 key->ob_type->tp_name);
  return -1;
}

PyObject* ListConcatSlot(PyObject* a, PyObject* b) {
  if (!IsList(b)) {
    return SetErrorFormat(PyExc_TypeError, "can only concatenate list (not \"%s\") to list",
                          b->ob_type->tp_name);
  }
  Ref<> r = RefOrRaise(ListGetSlice(a, 0, PY_SSIZE_T_MAX));
  if (!r || OkOrRaise(ListExtend(r.get(), b)) < 0) return nullptr;
  return r.Release();
}

// The items of `items` repeated `count` times (count >= 1), or false
// with MemoryError when that many cannot exist or be allocated (the
// vector's own exception is caught here: none may cross a C slot).
bool Repeat(absl::Span<PyObject* const> items, Py_ssize_t count, std::vector<PyObject*>* out) {
  const Py_ssize_t n = static_cast<Py_ssize_t>(items.size());
  if (n != 0 && count > PY_SSIZE_T_MAX / static_cast<Py_ssize_t>(sizeof(PyObject*)) / n) {
    NoMemory();
    return false;
  }
  try {
    out->reserve(static_cast<size_t>(n * count));
  } catch (const std::exception&) {  // std::bad_alloc or std::length_error
    NoMemory();
    return false;
  }
  for (Py_ssize_t c = 0; c < count; ++c) out->insert(out->end(), items.begin(), items.end());
  return true;
}

PyObject* ListRepeatSlot(PyObject* a, Py_ssize_t count) {
  // One snapshot of the items (a tuple holds them while we copy).
  Ref<> snap = RefOrRaise(ListAsTuple(a));
  if (!snap) return nullptr;
  std::vector<PyObject*> items;
  if (count > 0 && !Repeat(TupleItems(snap.get()), count, &items)) return nullptr;
  return Out(RefOrRaise(ListFromItems(items)));
}

Py_ssize_t ListLengthSlot(PyObject* self) { return ListSize(self); }

// --- tuple ---------------------------------------------------------------------

PyObject* TupleItemSlot(PyObject* self, Py_ssize_t i) {
  return Out(RefOrRaise(TupleGetItemRef(self, i)));
}

PyObject* TupleSubscriptSlot(PyObject* self, PyObject* key) {
  const Py_ssize_t n = TupleSize(self);
  if (HasIndex(key)) {
    Py_ssize_t i = KeyIndex(key);
    if (i == -1 && HasError()) return nullptr;
    if (i < 0) i += n;
    return TupleItemSlot(self, i);
  }
  if (IsSlice(key)) {
    Py_ssize_t start, step;
    const Py_ssize_t count = UnpackFor(key, n, &start, &step);
    if (count < 0) return nullptr;
    if (count == n && step == 1 && self->ob_type == TupleType()) return Ref<>::NewRef(self).Release();
    std::vector<PyObject*> items;
    items.reserve(static_cast<size_t>(count));
    for (Py_ssize_t k = 0, i = start; k < count; ++k, i += step) items.push_back(TupleItem(self, i));
    return Out(RefOrRaise(TupleFromItems(items)));
  }
  return SetErrorFormat(PyExc_TypeError, "tuple indices must be integers or slices, not %s",
                        key->ob_type->tp_name);
}

PyObject* TupleConcatSlot(PyObject* a, PyObject* b) {
  if (!IsTuple(b)) {
    return SetErrorFormat(PyExc_TypeError, "can only concatenate tuple (not \"%s\") to tuple",
                          b->ob_type->tp_name);
  }
  std::vector<PyObject*> items(TupleItems(a).begin(), TupleItems(a).end());
  items.insert(items.end(), TupleItems(b).begin(), TupleItems(b).end());
  return Out(RefOrRaise(TupleFromItems(items)));
}

PyObject* TupleRepeatSlot(PyObject* a, Py_ssize_t count) {
  if (count == 1 && a->ob_type == TupleType()) return Ref<>::NewRef(a).Release();
  std::vector<PyObject*> items;
  if (count > 0 && !Repeat(TupleItems(a), count, &items)) return nullptr;
  return Out(RefOrRaise(TupleFromItems(items)));
}

Py_ssize_t TupleLengthSlot(PyObject* self) { return TupleSize(self); }

// --- str -----------------------------------------------------------------------

PyObject* StrItemSlot(PyObject* self, Py_ssize_t i) {
  if (i < 0 || i >= StrLength(self)) {
    return SetErrorFormat(PyExc_IndexError, "string index out of range");
  }
  const Py_UCS4 c = StrReadChar(self, i);
  return Out(RefOrRaise(StrFromCodePoints({c})));
}

PyObject* StrSubscriptSlot(PyObject* self, PyObject* key) {
  const Py_ssize_t n = StrLength(self);
  if (HasIndex(key)) {
    Py_ssize_t i = KeyIndex(key);
    if (i == -1 && HasError()) return nullptr;
    if (i < 0) i += n;
    return StrItemSlot(self, i);
  }
  if (IsSlice(key)) {
    Py_ssize_t start, step;
    const Py_ssize_t count = UnpackFor(key, n, &start, &step);
    if (count < 0) return nullptr;
    if (count == 0) return Ref<>::NewRef(EmptyStr()).Release();
    if (count == n && step == 1 && IsStrExact(self)) return Ref<>::NewRef(self).Release();
    if (step == 1) {
      // Contiguous: copy the characters at their width; the result is
      // narrowed to the smallest kind that holds them.
      const int kind = StrKind(self);
      const char* data = static_cast<const char*>(StrData(self)) + start * kind;
      return Out(RefOrRaise(StrFromKindAndData(kind, data, count)));
    }
    std::vector<Py_UCS4> cps;
    cps.reserve(static_cast<size_t>(count));
    for (Py_ssize_t k = 0, i = start; k < count; ++k, i += step) cps.push_back(StrReadChar(self, i));
    return Out(RefOrRaise(StrFromCodePoints(cps)));
  }
  return SetErrorFormat(PyExc_TypeError, "string indices must be integers, not '%s'",
                        key->ob_type->tp_name);
}

PyObject* StrConcatSlot(PyObject* a, PyObject* b) {
  if (!IsStr(b)) {
    return SetErrorFormat(PyExc_TypeError, "can only concatenate str (not \"%s\") to str",
                          b->ob_type->tp_name);
  }
  return Out(RefOrRaise(StrConcat(a, b)));
}

PyObject* StrRepeatSlot(PyObject* a, Py_ssize_t count) {
  const Py_ssize_t n = StrLength(a);
  if (count <= 0 || n == 0) return Ref<>::NewRef(EmptyStr()).Release();
  if (count == 1 && IsStrExact(a)) return Ref<>::NewRef(a).Release();
  if (n > PY_SSIZE_T_MAX / count) {
    return SetErrorFormat(PyExc_OverflowError, "repeated string is too long");
  }
  Ref<> r = RefOrRaise(StrNew(n * count, StrMaxCharValue(a)));
  if (!r) return nullptr;
  // The new string is ours alone until returned; StrNew chose the width
  // from a's widest character, which is a's own width.
  const size_t width = static_cast<size_t>(StrKind(a));
  const size_t bytes = static_cast<size_t>(n) * width;
  char* dst = static_cast<char*>(StrData(r.get()));
  for (Py_ssize_t c = 0; c < count; ++c) std::memcpy(dst + static_cast<size_t>(c) * bytes, StrData(a), bytes);
  return r.Release();
}

Py_ssize_t StrLengthSlot(PyObject* self) { return StrLength(self); }

// --- bytes ---------------------------------------------------------------------

PyObject* BytesItemSlot(PyObject* self, Py_ssize_t i) {
  if (i < 0 || i >= BytesSize(self)) return SetErrorFormat(PyExc_IndexError, "index out of range");
  return SmallInt(static_cast<unsigned char>(BytesData(self)[i]));
}

PyObject* BytesSubscriptSlot(PyObject* self, PyObject* key) {
  const Py_ssize_t n = BytesSize(self);
  if (HasIndex(key)) {
    Py_ssize_t i = KeyIndex(key);
    if (i == -1 && HasError()) return nullptr;
    if (i < 0) i += n;
    return BytesItemSlot(self, i);
  }
  if (IsSlice(key)) {
    Py_ssize_t start, step;
    const Py_ssize_t count = UnpackFor(key, n, &start, &step);
    if (count < 0) return nullptr;
    if (count == n && step == 1 && self->ob_type == BytesType()) {
      return Ref<>::NewRef(self).Release();
    }
    const char* data = BytesData(self);
    if (step == 1) {
      return Out(RefOrRaise(BytesFromData(absl::string_view(data + start, static_cast<size_t>(count)))));
    }
    std::string out;
    out.reserve(static_cast<size_t>(count));
    for (Py_ssize_t k = 0, i = start; k < count; ++k, i += step) out.push_back(data[i]);
    return Out(RefOrRaise(BytesFromData(out)));
  }
  return SetErrorFormat(PyExc_TypeError, "byte indices must be integers or slices, not %s",
                        key->ob_type->tp_name);
}

PyObject* BytesConcatSlot(PyObject* a, PyObject* b) {
  if (!IsBytes(b)) {
    return SetErrorFormat(PyExc_TypeError, "can't concat %s to %s", b->ob_type->tp_name,
                          a->ob_type->tp_name);
  }
  std::string out(BytesView(a));
  out.append(BytesView(b).data(), BytesView(b).size());
  return Out(RefOrRaise(BytesFromData(out)));
}

PyObject* BytesRepeatSlot(PyObject* a, Py_ssize_t count) {
  const Py_ssize_t n = BytesSize(a);
  if (count == 1 && a->ob_type == BytesType()) return Ref<>::NewRef(a).Release();
  if (count <= 0 || n == 0) return Ref<>::NewRef(EmptyBytes()).Release();
  if (n > PY_SSIZE_T_MAX / count) {
    return SetErrorFormat(PyExc_OverflowError, "repeated bytes are too long");
  }
  Ref<> r = RefOrRaise(BytesNew(n * count));
  if (!r) return nullptr;
  char* dst = BytesData(r.get());
  for (Py_ssize_t c = 0; c < count; ++c) std::memcpy(dst + c * n, BytesData(a), static_cast<size_t>(n));
  return r.Release();
}

Py_ssize_t BytesLengthSlot(PyObject* self) { return BytesSize(self); }

// --- the tables ------------------------------------------------------------------

constinit PyMappingMethods g_list_as_mapping = {ListLengthSlot, ListSubscriptSlot,
                                                ListAssSubscriptSlot};
constinit PyMappingMethods g_tuple_as_mapping = {TupleLengthSlot, TupleSubscriptSlot, nullptr};
constinit PyMappingMethods g_str_as_mapping = {StrLengthSlot, StrSubscriptSlot, nullptr};
constinit PyMappingMethods g_bytes_as_mapping = {BytesLengthSlot, BytesSubscriptSlot, nullptr};

// The sequence's length for a negative index, or -1 with an exception.
Py_ssize_t SequenceLength(PyObject* o) {
  lenfunc len = o->ob_type->tp_as_sequence != nullptr ? o->ob_type->tp_as_sequence->sq_length
                                                      : nullptr;
  if (len == nullptr) return 0;  // no length: the index is passed as is
  const Py_ssize_t n = len(o);
  if (n < 0) internal::EnsureErrorAfterSlotFailure("__len__");
  return n;
}

}  // namespace

namespace {

// A dict's result: the value, or KeyError(key) (the key itself as the
// argument, as CPython's dict raises it) when the key is absent; an error
// of the lookup itself (from __hash__ or __eq__, a KeyError included)
// passes as it is.
Ref<> DictItemOrRaise(absl::StatusOr<Ref<>> r, PyObject* key) {
  if (!r.ok()) {
    SetErrorFromStatus(r.status());
    return nullptr;
  }
  if (!*r) SetKeyError(key);
  return std::move(*r);
}

}  // namespace

namespace {

// A type with no mapping or sequence slots, subscripted: `type[X]` is a
// types.GenericAlias, another type's [X] calls its __class_getitem__ (PEP
// 560; extensions set it to Py_GenericAlias), as CPython's
// PyObject_GetItem does.
Ref<> ClassGetItem(PyObject* type, PyObject* key) {
  if (type == reinterpret_cast<PyObject*>(TypeType())) return GenericAliasNew(type, key);
  Ref<> method;
  if (GetOptionalAttr(type, InternFromString("__class_getitem__"), &method) < 0) return nullptr;
  if (method && method.get() != None()) return CallOneArg(method.get(), key);
  return SetErrorFormat(PyExc_TypeError, "type '%s' is not subscriptable",
                        reinterpret_cast<PyTypeObject*>(type)->tp_name);
}

}  // namespace

Ref<> ObjectGetItem(PyObject* o, PyObject* key) {
  PyTypeObject* t = o->ob_type;
  if (t->tp_as_mapping != nullptr && t->tp_as_mapping->mp_subscript != nullptr) {
    Ref<> r = Ref<>::Steal(t->tp_as_mapping->mp_subscript(o, key));
    if (!r) internal::EnsureErrorAfterSlotFailure("__getitem__");
    return r;
  }
  if (t->tp_as_sequence != nullptr && t->tp_as_sequence->sq_item != nullptr) {
    if (!HasIndex(key)) {
      return SetErrorFormat(PyExc_TypeError, "sequence index must be integer, not '%s'",
                            key->ob_type->tp_name);
    }
    Py_ssize_t i = KeyIndex(key);
    if (i == -1 && HasError()) return nullptr;
    if (i < 0) {
      const Py_ssize_t n = SequenceLength(o);
      if (n < 0) return nullptr;
      i += n;
    }
    Ref<> r = Ref<>::Steal(t->tp_as_sequence->sq_item(o, i));
    if (!r) internal::EnsureErrorAfterSlotFailure("__getitem__");
    return r;
  }
  if (IsType(o)) return ClassGetItem(o, key);
  return SetErrorFormat(PyExc_TypeError, "'%s' object is not subscriptable", t->tp_name);
}

namespace {

int AssignItem(PyObject* o, PyObject* key, PyObject* value) {
  PyTypeObject* t = o->ob_type;
  if (t->tp_as_mapping != nullptr && t->tp_as_mapping->mp_ass_subscript != nullptr) {
    const int r = t->tp_as_mapping->mp_ass_subscript(o, key, value);
    if (r < 0) internal::EnsureErrorAfterSlotFailure(value ? "__setitem__" : "__delitem__");
    return r < 0 ? -1 : 0;
  }
  if (t->tp_as_sequence != nullptr && t->tp_as_sequence->sq_ass_item != nullptr) {
    if (!HasIndex(key)) {
      SetErrorFormat(PyExc_TypeError, "sequence index must be integer, not '%s'",
                     key->ob_type->tp_name);
      return -1;
    }
    Py_ssize_t i = KeyIndex(key);
    if (i == -1 && HasError()) return -1;
    if (i < 0) {
      const Py_ssize_t n = SequenceLength(o);
      if (n < 0) return -1;
      i += n;
    }
    const int r = t->tp_as_sequence->sq_ass_item(o, i, value);
    if (r < 0) internal::EnsureErrorAfterSlotFailure(value ? "__setitem__" : "__delitem__");
    return r < 0 ? -1 : 0;
  }
  SetErrorFormat(PyExc_TypeError, "'%s' object does not support item %s", t->tp_name,
                 value != nullptr ? "assignment" : "deletion");
  return -1;
}

}  // namespace

int ObjectSetItem(PyObject* o, PyObject* key, PyObject* value) { return AssignItem(o, key, value); }
int ObjectDelItem(PyObject* o, PyObject* key) { return AssignItem(o, key, nullptr); }

namespace internal {

// dict's mp_subscript: d[key], KeyError when absent, except that an
// instance of a subtype that defines __missing__ gets what
// type(d).__missing__(d, key) returns (CPython's dict_subscript). C
// extensions that subclass dict call it through
// PyDict_Type.tp_as_mapping->mp_subscript.
PyObject* DictSubscriptSlot(PyObject* o, PyObject* key) {
  absl::StatusOr<Ref<>> r = DictGetItemRefOrNull(o, key);
  if (!r.ok()) {
    SetErrorFromStatus(r.status());
    return nullptr;
  }
  if (*r) return r->Release();
  if (o->ob_type != DictType()) {
    PyObject* name = InternFromString("__missing__");
    if (name == nullptr) return nullptr;
    if (Ref<> missing = TypeLookup(o->ob_type, name)) {
      return CallArgs(missing.get(), {o, key}).Release();
    }
    if (HasError()) return nullptr;
  }
  SetKeyError(key);
  return nullptr;
}

// dict's mp_ass_subscript: d[key] = value, or del d[key] (KeyError when
// absent).
int DictAssSubscriptSlot(PyObject* o, PyObject* key, PyObject* value) {
  if (value == nullptr) return DictItemOrRaise(DictPopOrNull(o, key), key) ? 0 : -1;
  return OkOrRaise(DictSetItem(o, key, value));
}

void InstallSubscriptSlots() {
  // dict's mapping table (dict.cc) has mp_length only until now.
  PyMappingMethods* dm = DictType()->tp_as_mapping;
  if (dm->mp_subscript == nullptr) dm->mp_subscript = DictSubscriptSlot;
  if (dm->mp_ass_subscript == nullptr) dm->mp_ass_subscript = DictAssSubscriptSlot;
  struct {
    PyTypeObject* type;
    PyMappingMethods* mapping;
    ssizeargfunc item;
    ssizeobjargproc ass_item;
    binaryfunc concat;
    ssizeargfunc repeat;
  } const kSlots[] = {
      {ListType(), &g_list_as_mapping, ListItemSlot, ListAssItemSlot, ListConcatSlot,
       ListRepeatSlot},
      {TupleType(), &g_tuple_as_mapping, TupleItemSlot, nullptr, TupleConcatSlot,
       TupleRepeatSlot},
      {StrType(), &g_str_as_mapping, StrItemSlot, nullptr, StrConcatSlot, StrRepeatSlot},
      {BytesType(), &g_bytes_as_mapping, BytesItemSlot, nullptr, BytesConcatSlot,
       BytesRepeatSlot},
  };
  for (const auto& s : kSlots) {
    if (s.type->tp_as_mapping == nullptr) s.type->tp_as_mapping = s.mapping;
    PySequenceMethods* sq = s.type->tp_as_sequence;  // each type has one (its sq_length)
    if (sq->sq_item == nullptr) sq->sq_item = s.item;
    if (sq->sq_ass_item == nullptr) sq->sq_ass_item = s.ass_item;
    if (sq->sq_concat == nullptr) sq->sq_concat = s.concat;
    if (sq->sq_repeat == nullptr) sq->sq_repeat = s.repeat;
  }
}

}  // namespace internal
}  // namespace ftrt
