// Struct sequence types and their instances (see structseq.h).
#include "object/structseq.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "object/builtin_internal.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_internal.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/type_cache.h"
#include "object/typeobject.h"

extern "C" {
const char* const PyStructSequence_UnnamedField = "unnamed field";
}

namespace ftrt {
namespace {

constexpr Py_ssize_t kItemsOffset = offsetof(PyTupleObject, ob_item);
constexpr Py_ssize_t kSlot = sizeof(PyObject*);

PyObject** Items(PyObject* op) { return reinterpret_cast<PyTupleObject*>(op)->ob_item; }

// The hidden fields' slots that tp_basicsize counts (structseq.h, Layout).
Py_ssize_t HiddenCount(const PyTypeObject* type) {
  return (type->tp_basicsize - kItemsOffset) / kSlot;
}

// What a desc describes, checked.
struct Shape {
  Py_ssize_t n_fields = 0;
  Py_ssize_t n_visible = 0;
  Py_ssize_t n_unnamed = 0;
  std::vector<PyMemberDef> members;  // the named fields, then a terminator
  std::vector<const char*> visible_names;  // __match_args__
};

bool ReadDesc(const PyStructSequence_Desc* desc, Shape* shape) {
  if (desc == nullptr || desc->name == nullptr || desc->fields == nullptr) {
    BadInternalCall();
    return false;
  }
  for (const PyStructSequence_Field* f = desc->fields; f->name != nullptr; ++f) {
    const Py_ssize_t i = shape->n_fields++;
    if (f->name == PyStructSequence_UnnamedField) {
      ++shape->n_unnamed;
      continue;
    }
    shape->members.push_back(PyMemberDef{f->name, _Py_T_OBJECT, kItemsOffset + i * kSlot,
                                         Py_READONLY, f->doc});
    if (i < desc->n_in_sequence) shape->visible_names.push_back(f->name);
  }
  shape->members.push_back(PyMemberDef{});
  if (desc->n_in_sequence < 0) {
    SetErrorFormat(PyExc_SystemError,
                   "struct sequence '%s': n_in_sequence is negative (%d)", desc->name,
                   desc->n_in_sequence);
    return false;
  }
  if (desc->n_in_sequence > shape->n_fields) {
    SetErrorFormat(PyExc_TypeError,
                   "struct sequence '%s': n_in_sequence (%d) is more than its %d fields",
                   desc->name, desc->n_in_sequence, static_cast<int64_t>(shape->n_fields));
    return false;
  }
  shape->n_visible = desc->n_in_sequence;
  return true;
}

Py_ssize_t BasicSize(const Shape& shape) {
  return kItemsOffset + (shape.n_fields - shape.n_visible) * kSlot;
}

// n_sequence_fields, n_fields, n_unnamed_fields and __match_args__.
int AddDictEntries(PyObject* dict, const Shape& shape) {
  const std::pair<const char*, Py_ssize_t> counts[] = {
      {"n_sequence_fields", shape.n_visible},
      {"n_fields", shape.n_fields},
      {"n_unnamed_fields", shape.n_unnamed},
  };
  for (const auto& [name, value] : counts) {
    Ref<> v = RefOrRaise(IntFromInt64(value));
    if (!v) return -1;
    PyObject* key = InternFromString(name);
    if (key == nullptr || OkOrRaise(DictSetItem(dict, key, v.get())) < 0) return -1;
  }
  Ref<> names = RefOrRaise(TupleNew(static_cast<Py_ssize_t>(shape.visible_names.size())));
  if (!names) return -1;
  for (size_t i = 0; i < shape.visible_names.size(); ++i) {
    Ref<> s = RefOrRaise(StrFromUtf8(shape.visible_names[i]));
    if (!s) return -1;
    TupleInitItem(names.get(), static_cast<Py_ssize_t>(i), std::move(s));
  }
  PyObject* key = InternFromString("__match_args__");
  if (key == nullptr) return -1;
  return OkOrRaise(DictSetItem(dict, key, names.get()));
}

// A count from the type's dict (n_sequence_fields, n_fields), or -1 with
// TypeError.
Py_ssize_t DictCount(PyTypeObject* type, const char* name) {
  PyObject* key = InternFromString(name);
  if (key == nullptr) return -1;
  absl::StatusOr<Ref<>> v =
      type->tp_dict != nullptr ? DictGetItemRefOrNull(type->tp_dict, key) : Ref<>();
  if (!v.ok()) return OkOrRaise(v.status());
  if (!*v || !IsInt(v->get())) {
    SetErrorFormat(PyExc_TypeError, "Missed attribute '%s' of type %s", name, type->tp_name);
    return -1;
  }
  return static_cast<Py_ssize_t>(IntClampedValue(v->get()));
}

// --- slots ------------------------------------------------------------------------------

void StructSeqDealloc(PyObject* op) {
  UntrackObject(op);
  PyTypeObject* type = op->ob_type;
  // From the instance and tp_basicsize alone (structseq.h, Layout).
  const Py_ssize_t n = StructSeqFieldCount(op);
  PyObject** items = Items(op);
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (items[i] != nullptr) Decref(items[i]);
  }
  FreeObject(op);
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) Decref(reinterpret_cast<PyObject*>(type));
}

int StructSeqTraverse(PyObject* op, visitproc visit, void* arg) {
  PyTypeObject* type = op->ob_type;
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) {
    if (int r = visit(reinterpret_cast<PyObject*>(type), arg); r != 0) return r;
  }
  const Py_ssize_t n = StructSeqFieldCount(op);
  PyObject** items = Items(op);
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (items[i] != nullptr) {
      if (int r = visit(items[i], arg); r != 0) return r;
    }
  }
  return 0;
}

// "mod.Name(x=1, y=2)": the i-th visible item named by the i-th member.
PyObject* StructSeqRepr(PyObject* self) {
  PyTypeObject* type = self->ob_type;
  Py_ssize_t n_members = 0;
  for (PyMemberDef* m = type->tp_members; m != nullptr && m->name != nullptr; ++m) ++n_members;
  std::string out = type->tp_name;
  out += "(";
  const Py_ssize_t n = TupleSize(self);
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (i >= n_members) {
      return SetErrorFormat(PyExc_SystemError,
                            "In structseq_repr(), member %d name is NULL for type %s",
                            static_cast<int64_t>(i), type->tp_name);
    }
    if (i > 0) out += ", ";
    out += type->tp_members[i].name;
    out += "=";
    if (!internal::AppendRepr(&out, Items(self)[i])) return nullptr;
  }
  out += ")";
  return RefOrRaise(StrFromUtf8(out)).Release();
}

// The items of a sequence argument: a list or tuple's, or an iterable's
// (collected into a list). Null with TypeError "constructor requires a
// sequence" for anything else.
Ref<> SequenceItems(PyObject* seq) {
  if (IsTuple(seq)) return Ref<>::NewRef(seq);
  if (IsList(seq)) return RefOrRaise(ListAsTuple(seq));
  Ref<> it = GetIter(seq);
  if (!it) {
    ClearError();
    SetErrorString(PyExc_TypeError, "constructor requires a sequence");
    return nullptr;
  }
  std::vector<Ref<>> items;
  for (;;) {
    Ref<> item = IterNext(it.get());
    if (!item) break;
    items.push_back(std::move(item));
  }
  if (HasError()) return nullptr;
  std::vector<PyObject*> raw;
  for (Ref<>& r : items) raw.push_back(r.get());
  return RefOrRaise(TupleFromItems(raw));
}

// Type(sequence, dict=None): the visible fields from the sequence (at
// least n_sequence_fields items, at most n_fields), the rest from the
// dict by name, None where absent.
PyObject* StructSeqTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  PyObject* seq = nullptr;
  PyObject* dict = nullptr;
  const Py_ssize_t nargs = args == nullptr ? 0 : TupleSize(args);
  if (nargs > 2) {
    return SetErrorFormat(PyExc_TypeError, "%s() takes at most 2 arguments (%d given)",
                          type->tp_name, static_cast<int64_t>(nargs));
  }
  if (nargs >= 1) seq = TupleItem(args, 0);
  if (nargs == 2) dict = TupleItem(args, 1);
  if (kwargs != nullptr && IsDict(kwargs)) {
    Py_ssize_t pos = 0;
    Ref<> k, v;
    while (DictNext(kwargs, &pos, &k, &v)) {
      PyObject** slot = nullptr;
      if (IsStr(k.get()) && StrEqualsUtf8(k.get(), "sequence")) slot = &seq;
      if (IsStr(k.get()) && StrEqualsUtf8(k.get(), "dict")) slot = &dict;
      if (slot == nullptr || *slot != nullptr) {
        return SetErrorFormat(PyExc_TypeError, "%s() got an unexpected or repeated argument",
                              type->tp_name);
      }
      *slot = v.get();  // kwargs holds it for the call
    }
  }
  if (seq == nullptr) {
    return SetErrorFormat(PyExc_TypeError, "%s() missing required argument 'sequence' (pos 1)",
                          type->tp_name);
  }
  if (dict != nullptr && IsNone(dict)) dict = nullptr;
  if (dict != nullptr && !IsDict(dict)) {
    return SetErrorFormat(PyExc_TypeError, "%s() takes a dict as second arg, if any",
                          type->tp_name);
  }
  const Py_ssize_t min_len = DictCount(type, "n_sequence_fields");
  if (min_len < 0) return nullptr;
  const Py_ssize_t max_len = DictCount(type, "n_fields");
  if (max_len < 0) return nullptr;
  Ref<> items = SequenceItems(seq);
  if (!items) return nullptr;
  const Py_ssize_t len = TupleSize(items.get());
  if (len < min_len || len > max_len) {
    if (min_len == max_len) {
      return SetErrorFormat(PyExc_TypeError, "%s() takes a %d-sequence (%d-sequence given)",
                            type->tp_name, static_cast<int64_t>(min_len),
                            static_cast<int64_t>(len));
    }
    return SetErrorFormat(PyExc_TypeError, "%s() takes an %s %d-sequence (%d-sequence given)",
                          type->tp_name, len < min_len ? "at least" : "at most",
                          static_cast<int64_t>(len < min_len ? min_len : max_len),
                          static_cast<int64_t>(len));
  }
  Ref<> obj = StructSeqNew(type);
  if (!obj) return nullptr;
  for (Py_ssize_t i = 0; i < len; ++i) {
    Incref(TupleItem(items.get(), i));
    Items(obj.get())[i] = TupleItem(items.get(), i);  // replaces an immortal None
  }
  if (dict != nullptr) {
    // The named fields past the sequence, by member offset.
    for (PyMemberDef* m = type->tp_members; m != nullptr && m->name != nullptr; ++m) {
      const Py_ssize_t i = (m->offset - kItemsOffset) / kSlot;
      if (i < len || i >= max_len) continue;
      PyObject* key = InternFromString(m->name);
      if (key == nullptr) return nullptr;
      absl::StatusOr<Ref<>> v = DictGetItemRefOrNull(dict, key);
      if (!v.ok()) return RefOrRaise(v.status()).Release();
      if (!*v) continue;  // absent: None
      Items(obj.get())[i] = std::move(*v).Release();
    }
  }
  return obj.Release();
}

// s.__reduce__(): (type, (visible items, {hidden named field: value})),
// what CPython gives pickle and copy.
PyObject* StructSeqReduce(PyObject* self, PyObject*) {
  PyTypeObject* type = self->ob_type;
  const Py_ssize_t n_visible = TupleSize(self);
  const Py_ssize_t n_fields = StructSeqFieldCount(self);
  Ref<> visible = RefOrRaise(TupleFromItems(TupleItems(self)));
  Ref<> hidden = RefOrRaise(DictNew());
  if (!visible || !hidden) return nullptr;
  for (PyMemberDef* m = type->tp_members; m != nullptr && m->name != nullptr; ++m) {
    const Py_ssize_t i = (m->offset - kItemsOffset) / kSlot;
    if (i < n_visible || i >= n_fields) continue;
    if (OkOrRaise(DictSetItemString(hidden.get(), m->name, Items(self)[i])) < 0) return nullptr;
  }
  Ref<> args = RefOrRaise(TupleFromItems({visible.get(), hidden.get()}));
  if (!args) return nullptr;
  return RefOrRaise(TupleFromItems({reinterpret_cast<PyObject*>(type), args.get()})).Release();
}

PyMethodDef g_structseq_methods[] = {
    {"__reduce__", StructSeqReduce, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

// Fills a struct sequence type's slots (both kinds).
void FillType(PyTypeObject* t) {
  t->tp_dealloc = StructSeqDealloc;
  t->tp_traverse = StructSeqTraverse;
  t->tp_repr = StructSeqRepr;
  t->tp_new = StructSeqTpNew;
  t->tp_methods = g_structseq_methods;
}

}  // namespace

bool IsStructSeqType(const PyTypeObject* type) { return type->tp_dealloc == StructSeqDealloc; }

Py_ssize_t StructSeqFieldCount(const PyObject* op) {
  return TupleSize(op) + HiddenCount(op->ob_type);
}

Ref<> StructSeqNewType(const PyStructSequence_Desc* desc) {
  Shape shape;
  if (!ReadDesc(desc, &shape)) return nullptr;
  PyType_Slot slots[] = {
      {Py_tp_base, &PyTuple_Type},
      {Py_tp_dealloc, reinterpret_cast<void*>(StructSeqDealloc)},
      {Py_tp_traverse, reinterpret_cast<void*>(StructSeqTraverse)},
      {Py_tp_repr, reinterpret_cast<void*>(StructSeqRepr)},
      {Py_tp_new, reinterpret_cast<void*>(StructSeqTpNew)},
      {Py_tp_methods, g_structseq_methods},
      // Copied by TypeFromSpec (typeobject.h).
      {Py_tp_members, shape.members.data()},
      {Py_tp_doc, const_cast<char*>(desc->doc)},
      {0, nullptr},
  };
  PyType_Spec spec = {desc->name, static_cast<int>(BasicSize(shape)), static_cast<int>(kSlot),
                      Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, slots};
  Ref<> type = TypeFromSpec(&spec);
  if (!type) return nullptr;
  PyTypeObject* t = reinterpret_cast<PyTypeObject*>(type.get());
  // The type is not yet visible to any other thread.
  if (AddDictEntries(t->tp_dict, shape) < 0) return nullptr;
  TypeModified(t);
  return type;
}

int StructSeqInitType(PyTypeObject* type, const PyStructSequence_Desc* desc) {
  if (type == nullptr) {
    BadInternalCall();
    return -1;
  }
  // CPython's test: a type in use has a reference count.
  const PyObject* header = reinterpret_cast<const PyObject*>(type);
  if (header->ob_ref_local != 0 || header->ob_ref_shared != 0 ||
      (type->tp_flags & Py_TPFLAGS_READY) != 0) {
    BadInternalCall();
    return -1;
  }
  Shape shape;
  if (!ReadDesc(desc, &shape)) return -1;
  // The type lives for the process, and so does its members array.
  auto* members = new PyMemberDef[shape.members.size()];
  std::copy(shape.members.begin(), shape.members.end(), members);
  type->tp_name = desc->name;
  type->tp_doc = desc->doc;
  type->tp_basicsize = BasicSize(shape);
  type->tp_itemsize = kSlot;
  type->tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
  type->tp_base = &PyTuple_Type;
  type->tp_members = members;
  FillType(type);
  InitStaticType(type);
  // The dict and everything in it come from the static runtime, as every
  // static type's (protocol_internal.h); TypeReady there makes them immortal.
  int rc = 0;
  PyObject* err_type = nullptr;
  std::string err_msg;
  internal::RunInStaticRuntime([&] {
    Ref<> dict = RefOrRaise(DictNew());
    if (dict && AddDictEntries(dict.get(), shape) == 0) {
      type->tp_dict = dict.Release();
      rc = TypeReady(type);
    } else {
      rc = -1;
    }
    if (rc < 0) {
      Ref<> exc = GetRaisedException();
      // Static exception classes are immortal: safe to hand across.
      err_type = exc && IsImmortal(reinterpret_cast<PyObject*>(exc->ob_type))
                     ? reinterpret_cast<PyObject*>(exc->ob_type)
                     : PyExc_SystemError;
      err_msg = exc ? StrUtf8(exc.get()) : "PyStructSequence_InitType2 failed";
    }
  });
  if (rc < 0) SetErrorString(err_type, err_msg);
  return rc;
}

Ref<> StructSeqNew(PyTypeObject* type) {
  if (type == nullptr) {
    BadInternalCall();
    return nullptr;
  }
  if (!IsStructSeqType(type)) {
    return SetErrorFormat(PyExc_TypeError, "type '%s' is not a struct sequence type",
                          type->tp_name);
  }
  const Py_ssize_t n_visible = DictCount(type, "n_sequence_fields");
  if (n_visible < 0) return nullptr;
  const Py_ssize_t n_fields = n_visible + HiddenCount(type);
  Ref<> obj = Ref<>::Steal(type->tp_alloc(type, n_fields));
  if (!obj) return nullptr;
  // Only the visible items are the tuple's (structseq.h, Layout).
  reinterpret_cast<PyVarObject*>(obj.get())->ob_size = n_visible;
  PyObject** items = Items(obj.get());
  for (Py_ssize_t i = 0; i < n_fields; ++i) items[i] = None();  // immortal: no count
  return obj;
}

int StructSeqSetItem(PyObject* op, Py_ssize_t i, PyObject* value) {
  Ref<> v = Ref<>::Steal(value);
  if (op == nullptr || !IsStructSeqType(op->ob_type)) {
    BadInternalCall();
    return -1;
  }
  if (i < 0 || i >= StructSeqFieldCount(op)) {
    SetErrorString(PyExc_IndexError, "struct sequence index out of range");
    return -1;
  }
  PyObject* old = Items(op)[i];
  Items(op)[i] = v.Release();
  // Dropping the old value may run any code: after the store.
  if (old != nullptr) Decref(old);
  return 0;
}

PyObject* StructSeqGetItem(PyObject* op, Py_ssize_t i) {
  if (op == nullptr || !IsStructSeqType(op->ob_type)) {
    BadInternalCall();
    return nullptr;
  }
  if (i < 0 || i >= StructSeqFieldCount(op)) {
    SetErrorString(PyExc_IndexError, "struct sequence index out of range");
    return nullptr;
  }
  return Items(op)[i];
}

}  // namespace ftrt
