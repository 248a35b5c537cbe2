// Iterators (see iterators.h).
#include "object/iterators.h"

#include <atomic>

#include "object/bytes.h"
#include "object/call.h"
#include "object/compare.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/list.h"
#include "object/object.h"
#include "object/set.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

// list / tuple / str / bytes / sequence iterators.
struct SeqIter {
  PyObject ob_base;
  Py_ssize_t index;  // atomic (relaxed); -1 once exhausted
  PyObject* seq;     // set at creation, dropped at dealloc
};

SeqIter* AsSeqIter(PyObject* op) { return reinterpret_cast<SeqIter*>(op); }
std::atomic_ref<Py_ssize_t> IndexRef(PyObject* it) {
  return std::atomic_ref<Py_ssize_t>(AsSeqIter(it)->index);
}

Ref<> NewSeqIter(PyTypeObject* kind, PyObject* seq) {
  Ref<> it = Ref<>::Steal(PyType_GenericAlloc(kind, 0));
  if (!it) return nullptr;
  Incref(seq);
  AsSeqIter(it.get())->seq = seq;
  return it;
}

void SeqIterDealloc(PyObject* self) {
  UntrackObject(self);
  PyObject* seq = std::exchange(AsSeqIter(self)->seq, nullptr);
  self->ob_type->tp_free(self);
  if (seq != nullptr) Decref(seq);
}

int SeqIterTraverse(PyObject* self, visitproc visit, void* arg) {
  if (PyObject* seq = AsSeqIter(self)->seq) return visit(seq, arg);
  return 0;
}

PyObject* SelfIter(PyObject* self) { return Ref<>::NewRef(self).Release(); }

// Claims the next index, or -1 at the end. Two threads sharing one
// iterator may claim the same index (see iterators.h); neither crashes.
Py_ssize_t NextIndex(PyObject* it, Py_ssize_t size) {
  const Py_ssize_t i = IndexRef(it).load(std::memory_order_relaxed);
  if (i < 0) return -1;
  if (i >= size) {
    IndexRef(it).store(-1, std::memory_order_relaxed);
    return -1;
  }
  IndexRef(it).store(i + 1, std::memory_order_relaxed);
  return i;
}

PyObject* ListIterNext(PyObject* self) {
  Py_ssize_t i = IndexRef(self).load(std::memory_order_relaxed);
  if (i < 0) return nullptr;
  Ref<> item = ListNext(AsSeqIter(self)->seq, &i);
  if (!item) {
    IndexRef(self).store(-1, std::memory_order_relaxed);
    return nullptr;
  }
  IndexRef(self).store(i, std::memory_order_relaxed);
  return item.Release();
}

PyObject* TupleIterNext(PyObject* self) {
  PyObject* t = AsSeqIter(self)->seq;
  const Py_ssize_t i = NextIndex(self, TupleSize(t));
  if (i < 0) return nullptr;
  return Ref<>::NewRef(TupleItem(t, i)).Release();
}

PyObject* StrIterNext(PyObject* self) {
  PyObject* s = AsSeqIter(self)->seq;
  const Py_ssize_t i = NextIndex(self, StrLength(s));
  if (i < 0) return nullptr;
  const Py_UCS4 c = StrReadChar(s, i);
  return RefOrRaise(StrFromCodePoints({c})).Release();
}

PyObject* BytesIterNext(PyObject* self) {
  PyObject* b = AsSeqIter(self)->seq;
  const Py_ssize_t i = NextIndex(self, BytesSize(b));
  if (i < 0) return nullptr;
  return SmallInt(static_cast<unsigned char>(BytesData(b)[i]));
}

PyObject* GenericSeqIterNext(PyObject* self) {
  PyObject* seq = AsSeqIter(self)->seq;
  Py_ssize_t i = IndexRef(self).load(std::memory_order_relaxed);
  if (i < 0) return nullptr;
  ssizeargfunc item = seq->ob_type->tp_as_sequence->sq_item;
  PyObject* r = item(seq, i);
  if (r == nullptr) {
    if (ExceptionMatches(PyExc_IndexError) || ExceptionMatches(PyExc_StopIteration)) {
      ClearError();
      IndexRef(self).store(-1, std::memory_order_relaxed);
    }
    return nullptr;
  }
  IndexRef(self).store(i + 1, std::memory_order_relaxed);
  return r;
}

// --- callable iterator (iter(callable, sentinel)) ------------------------------------

struct CallIter {
  PyObject ob_base;
  PyObject* callable;  // set at creation, dropped at dealloc
  PyObject* sentinel;  // likewise
  int done;            // atomic (relaxed): the end was reached
};

CallIter* AsCallIter(PyObject* op) { return reinterpret_cast<CallIter*>(op); }
std::atomic_ref<int> DoneRef(PyObject* it) { return std::atomic_ref<int>(AsCallIter(it)->done); }

void CallIterDealloc(PyObject* self) {
  UntrackObject(self);
  PyObject* callable = std::exchange(AsCallIter(self)->callable, nullptr);
  PyObject* sentinel = std::exchange(AsCallIter(self)->sentinel, nullptr);
  self->ob_type->tp_free(self);
  if (callable != nullptr) Decref(callable);
  if (sentinel != nullptr) Decref(sentinel);
}

int CallIterTraverse(PyObject* self, visitproc visit, void* arg) {
  if (PyObject* c = AsCallIter(self)->callable) {
    if (int r = visit(c, arg)) return r;
  }
  if (PyObject* s = AsCallIter(self)->sentinel) return visit(s, arg);
  return 0;
}

PyObject* CallIterNext(PyObject* self) {
  if (DoneRef(self).load(std::memory_order_relaxed)) return nullptr;
  Ref<> r = CallNoArgs(AsCallIter(self)->callable);
  if (!r) {
    if (ExceptionMatches(PyExc_StopIteration)) {
      ClearError();
      DoneRef(self).store(1, std::memory_order_relaxed);
    }
    return nullptr;
  }
  absl::StatusOr<bool> equal = RichCompareBool(r.get(), AsCallIter(self)->sentinel, Py_EQ);
  if (!equal.ok()) {
    SetErrorFromStatus(equal.status());
    return nullptr;
  }
  if (*equal) {
    DoneRef(self).store(1, std::memory_order_relaxed);
    return nullptr;
  }
  return r.Release();
}

// --- dict iterators -----------------------------------------------------------------

enum class DictIterKind { kKeys, kValues, kItems };

struct DictIter {
  PyObject ob_base;
  PyObject* dict;
  Py_ssize_t pos;   // atomic (relaxed); -1 once exhausted
  Py_ssize_t used;  // atomic (relaxed): the size when iteration began; -1 after a change
};

DictIter* AsDictIter(PyObject* op) { return reinterpret_cast<DictIter*>(op); }

Ref<> NewDictIter(PyTypeObject* kind, PyObject* dict) {
  if (!IsDict(dict)) {
    return SetErrorFormat(PyExc_TypeError, "expected a dict, got '%s'", dict->ob_type->tp_name);
  }
  Ref<> it = Ref<>::Steal(PyType_GenericAlloc(kind, 0));
  if (!it) return nullptr;
  DictIter* d = AsDictIter(it.get());
  Incref(dict);
  d->dict = dict;
  d->used = DictSize(dict);
  return it;
}

void DictIterDealloc(PyObject* self) {
  UntrackObject(self);
  PyObject* dict = std::exchange(AsDictIter(self)->dict, nullptr);
  self->ob_type->tp_free(self);
  if (dict != nullptr) Decref(dict);
}

int DictIterTraverse(PyObject* self, visitproc visit, void* arg) {
  if (PyObject* d = AsDictIter(self)->dict) return visit(d, arg);
  return 0;
}

PyObject* DictIterNext(PyObject* self, DictIterKind kind) {
  DictIter* it = AsDictIter(self);
  std::atomic_ref<Py_ssize_t> used(it->used);
  std::atomic_ref<Py_ssize_t> pos_ref(it->pos);
  if (used.load(std::memory_order_relaxed) != DictSize(it->dict)) {
    SetErrorString(PyExc_RuntimeError, "dictionary changed size during iteration");
    used.store(-1, std::memory_order_relaxed);  // sticky, as in CPython
    return nullptr;
  }
  Py_ssize_t pos = pos_ref.load(std::memory_order_relaxed);
  if (pos < 0) return nullptr;
  Ref<> key, value;
  if (!DictNext(it->dict, &pos, &key, &value)) {
    pos_ref.store(-1, std::memory_order_relaxed);
    return nullptr;
  }
  pos_ref.store(pos, std::memory_order_relaxed);
  switch (kind) {
    case DictIterKind::kKeys:
      return key.Release();
    case DictIterKind::kValues:
      return value.Release();
    case DictIterKind::kItems:
      return RefOrRaise(TupleFromItems({key.get(), value.get()})).Release();
  }
  return nullptr;
}

PyObject* DictKeysNext(PyObject* self) { return DictIterNext(self, DictIterKind::kKeys); }
PyObject* DictValuesNext(PyObject* self) { return DictIterNext(self, DictIterKind::kValues); }
PyObject* DictItemsNext(PyObject* self) { return DictIterNext(self, DictIterKind::kItems); }

// --- set iterator ---------------------------------------------------------------------

struct SetIter {
  PyObject ob_base;
  PyObject* set;
  Py_ssize_t pos;   // atomic (relaxed); -1 once exhausted
  Py_ssize_t used;  // atomic (relaxed): the size when iteration began; -1 after a change
};

SetIter* AsSetIter(PyObject* op) { return reinterpret_cast<SetIter*>(op); }

Ref<> NewSetIter(PyObject* set) {
  if (!IsAnySet(set)) {
    return SetErrorFormat(PyExc_TypeError, "expected a set, got '%s'", set->ob_type->tp_name);
  }
  Ref<> it = Ref<>::Steal(PyType_GenericAlloc(&PySetIter_Type, 0));
  if (!it) return nullptr;
  SetIter* s = AsSetIter(it.get());
  Incref(set);
  s->set = set;
  s->used = SetSize(set);
  return it;
}

void SetIterDealloc(PyObject* self) {
  UntrackObject(self);
  PyObject* set = std::exchange(AsSetIter(self)->set, nullptr);
  self->ob_type->tp_free(self);
  if (set != nullptr) Decref(set);
}

int SetIterTraverse(PyObject* self, visitproc visit, void* arg) {
  if (PyObject* s = AsSetIter(self)->set) return visit(s, arg);
  return 0;
}

PyObject* SetIterNext(PyObject* self) {
  SetIter* it = AsSetIter(self);
  std::atomic_ref<Py_ssize_t> used(it->used);
  std::atomic_ref<Py_ssize_t> pos_ref(it->pos);
  if (used.load(std::memory_order_relaxed) != SetSize(it->set)) {
    SetErrorString(PyExc_RuntimeError, "Set changed size during iteration");
    used.store(-1, std::memory_order_relaxed);  // sticky, as in CPython
    return nullptr;
  }
  Py_ssize_t pos = pos_ref.load(std::memory_order_relaxed);
  if (pos < 0) return nullptr;
  Ref<> key;
  if (!SetNext(it->set, &pos, &key)) {
    pos_ref.store(-1, std::memory_order_relaxed);
    return nullptr;
  }
  pos_ref.store(pos, std::memory_order_relaxed);
  return key.Release();
}

// --- tp_iter of the containers -------------------------------------------------------

PyObject* ListIter(PyObject* list) { return NewSeqIter(&PyListIter_Type, list).Release(); }
PyObject* TupleIter(PyObject* t) { return NewSeqIter(&PyTupleIter_Type, t).Release(); }
PyObject* StrIter(PyObject* s) { return NewSeqIter(&PyUnicodeIter_Type, s).Release(); }
PyObject* BytesIter(PyObject* b) { return NewSeqIter(&PyBytesIter_Type, b).Release(); }
PyObject* DictIterSlot(PyObject* d) { return NewDictIter(&PyDictIterKey_Type, d).Release(); }
PyObject* SetIterSlot(PyObject* s) { return NewSetIter(s).Release(); }

// An iterator type: returns itself from iter(), `next` from next();
// GC-tracked when `traverse` is given.
constexpr PyTypeObject IterType(const char* name, size_t size, destructor dealloc,
                                traverseproc traverse, iternextfunc next) {
  PyTypeObject t = StaticTypeInit(name, static_cast<Py_ssize_t>(size),
                                  Py_TPFLAGS_DEFAULT | (traverse ? Py_TPFLAGS_HAVE_GC : 0));
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = dealloc;
  t.tp_traverse = traverse;
  t.tp_iter = SelfIter;
  t.tp_iternext = next;
  return t;
}

constexpr PyTypeObject SeqIterType(const char* name, iternextfunc next, bool gc) {
  return IterType(name, sizeof(SeqIter), SeqIterDealloc, gc ? SeqIterTraverse : nullptr, next);
}
constexpr PyTypeObject DictIterType(const char* name, iternextfunc next) {
  return IterType(name, sizeof(DictIter), DictIterDealloc, DictIterTraverse, next);
}

}  // namespace

extern "C" {
constinit PyTypeObject PyListIter_Type = SeqIterType("list_iterator", ListIterNext, true);
constinit PyTypeObject PyTupleIter_Type = SeqIterType("tuple_iterator", TupleIterNext, true);
constinit PyTypeObject PyUnicodeIter_Type = SeqIterType("str_iterator", StrIterNext, false);
constinit PyTypeObject PyBytesIter_Type = SeqIterType("bytes_iterator", BytesIterNext, false);
constinit PyTypeObject PySeqIter_Type = SeqIterType("iterator", GenericSeqIterNext, true);
constinit PyTypeObject PyCallIter_Type = IterType("callable_iterator", sizeof(CallIter),
                                                   CallIterDealloc, CallIterTraverse, CallIterNext);
constinit PyTypeObject PyDictIterKey_Type = DictIterType("dict_keyiterator", DictKeysNext);
constinit PyTypeObject PyDictIterValue_Type = DictIterType("dict_valueiterator", DictValuesNext);
constinit PyTypeObject PyDictIterItem_Type = DictIterType("dict_itemiterator", DictItemsNext);
constinit PyTypeObject PySetIter_Type =
    IterType("set_iterator", sizeof(SetIter), SetIterDealloc, SetIterTraverse, SetIterNext);
}  // extern "C"

Ref<> GetIter(PyObject* obj) {
  PyTypeObject* t = obj->ob_type;
  if (getiterfunc f = t->tp_iter) {
    Ref<> it = Ref<>::Steal(f(obj));
    if (it && !IterCheck(it.get())) {
      return SetErrorFormat(PyExc_TypeError, "iter() returned non-iterator of type '%s'",
                            it->ob_type->tp_name);
    }
    return it;
  }
  if (t->tp_as_sequence != nullptr && t->tp_as_sequence->sq_item != nullptr && !IsDict(obj)) {
    return SeqIterNew(obj);
  }
  return SetErrorFormat(PyExc_TypeError, "'%s' object is not iterable", t->tp_name);
}

bool IterCheck(PyObject* obj) { return obj->ob_type->tp_iternext != nullptr; }

Ref<> IterNext(PyObject* iter) {
  iternextfunc f = iter->ob_type->tp_iternext;
  if (f == nullptr) {
    return SetErrorFormat(PyExc_TypeError, "'%s' object is not an iterator",
                          iter->ob_type->tp_name);
  }
  PyObject* r = f(iter);
  if (r == nullptr && ExceptionMatches(PyExc_StopIteration)) ClearError();
  return Ref<>::Steal(r);
}

int IterNextItem(PyObject* iter, Ref<>* item) {
  *item = IterNext(iter);
  if (*item) return 1;
  return HasError() ? -1 : 0;
}

Ref<> DictIterKeys(PyObject* dict) { return NewDictIter(&PyDictIterKey_Type, dict); }
Ref<> DictIterValues(PyObject* dict) { return NewDictIter(&PyDictIterValue_Type, dict); }
Ref<> DictIterItems(PyObject* dict) { return NewDictIter(&PyDictIterItem_Type, dict); }

Ref<> SetIterNew(PyObject* anyset) { return NewSetIter(anyset); }

Ref<> SeqIterNew(PyObject* seq) {
  if (seq->ob_type->tp_as_sequence == nullptr || seq->ob_type->tp_as_sequence->sq_item == nullptr) {
    BadInternalCall();
    return nullptr;
  }
  return NewSeqIter(&PySeqIter_Type, seq);
}

Ref<> CallIterNew(PyObject* callable, PyObject* sentinel) {
  Ref<> it = Ref<>::Steal(PyType_GenericAlloc(&PyCallIter_Type, 0));
  if (!it) return nullptr;
  Incref(callable);
  Incref(sentinel);
  AsCallIter(it.get())->callable = callable;
  AsCallIter(it.get())->sentinel = sentinel;
  return it;
}

namespace internal {

void InstallIterSlots() {
  if (ListType()->tp_iter == nullptr) ListType()->tp_iter = ListIter;
  if (TupleType()->tp_iter == nullptr) TupleType()->tp_iter = TupleIter;
  if (StrType()->tp_iter == nullptr) StrType()->tp_iter = StrIter;
  if (BytesType()->tp_iter == nullptr) BytesType()->tp_iter = BytesIter;
  if (DictType()->tp_iter == nullptr) DictType()->tp_iter = DictIterSlot;
  if (SetType()->tp_iter == nullptr) SetType()->tp_iter = SetIterSlot;
  if (FrozenSetType()->tp_iter == nullptr) FrozenSetType()->tp_iter = SetIterSlot;
}

}  // namespace internal
}  // namespace ftrt
