// Type objects (see typeobject.h): object and type, PyType_Ready, the C3
// MRO, inheritance, heap types from specs and from (name, bases, dict),
// and run-time modification.
#include "object/typeobject.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "object/attributes.h"
#include "object/bytes_methods.h"
#include "object/bytearray.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/compare.h"
#include "object/complex.h"
#include "object/container_methods.h"
#include "object/descriptors.h"
#include "object/dict.h"
#include "object/dir.h"
#include "object/dispatch.h"
#include "object/enumobject.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/float.h"
#include "object/format.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/int_methods.h"
#include "object/genericalias.h"
#include "object/mappingproxy.h"
#include "object/super.h"
#include "object/intern.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/memoryview.h"
#include "object/methodobject.h"
#include "object/module.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_internal.h"
#include "object/set.h"
#include "object/slice.h"
#include "object/str.h"
#include "object/str_methods.h"
#include "object/subscript.h"
#include "object/tuple.h"
#include "object/type_cache.h"
#include "object/weakref.h"
#include "runtime/runtime.h"
#include "sync/mutex.h"

namespace ftrt {
namespace internal {

InternedNames g_names;

namespace {
// The type lock. A leaf: never held while calling code we do not control.
constinit Mutex g_type_lock;
}  // namespace

void LockTypes() ABSL_NO_THREAD_SAFETY_ANALYSIS { g_type_lock.Lock(); }
void UnlockTypes() ABSL_NO_THREAD_SAFETY_ANALYSIS { g_type_lock.Unlock(); }

}  // namespace internal

namespace {

using internal::ExtraOf;
using internal::g_names;
using internal::TypeExtra;

PyObject* AsObj(PyTypeObject* t) { return reinterpret_cast<PyObject*>(t); }
PyTypeObject* AsType(PyObject* o) { return reinterpret_cast<PyTypeObject*>(o); }

class TypeLockGuard {
 public:
  TypeLockGuard() { internal::LockTypes(); }
  ~TypeLockGuard() { internal::UnlockTypes(); }
  TypeLockGuard(const TypeLockGuard&) = delete;
  TypeLockGuard& operator=(const TypeLockGuard&) = delete;
};

std::atomic_ref<PyObject*> MroRef(PyTypeObject* t) { return std::atomic_ref<PyObject*>(t->tp_mro); }

bool IsReady(PyTypeObject* t) { return MroRef(t).load(std::memory_order_acquire) != nullptr; }

bool HasHeapLayout(const PyTypeObject* t) {
  const TypeExtra* x = ExtraOf(t);
  return x != nullptr && x->heap_layout;
}

HeapTypeObject* AsHeap(PyTypeObject* t) { return reinterpret_cast<HeapTypeObject*>(t); }

// ---------------------------------------------------------------------------
// object's slots

void ObjectDeallocSlot(PyObject* self) { self->ob_type->tp_free(self); }

bool ExcessArgs(PyObject* args, PyObject* kwds) {
  return (args != nullptr && TupleSize(args) != 0) || (kwds != nullptr && DictSize(kwds) != 0);
}

PyObject* ObjectGetClass(PyObject* self, void*) {
  return Ref<>::NewRef(AsObj(self->ob_type)).Release();
}

PyGetSetDef g_object_getset[] = {
    {"__class__", ObjectGetClass, nullptr, "the object's class", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// ---------------------------------------------------------------------------
// type's slots

PyObject* TypeReprSlot(PyObject* self) {
  PyTypeObject* type = AsType(self);
  Ref<> mod = TypeGetModuleName(type);
  if (!mod) ClearError();
  Ref<> qual = TypeGetQualName(type);
  if (!qual) return nullptr;
  std::string text;
  absl::StatusOr<absl::string_view> q = StrAsUtf8(qual.get());
  if (!q.ok()) return RefOrRaise(q.status()).Release();
  if (mod && IsStr(mod.get()) && !StrEqualsUtf8(mod.get(), "builtins")) {
    absl::StatusOr<absl::string_view> m = StrAsUtf8(mod.get());
    if (!m.ok()) return RefOrRaise(m.status()).Release();
    text = absl::StrCat("<class '", *m, ".", *q, "'>");
  } else {
    text = absl::StrCat("<class '", *q, "'>");
  }
  return RefOrRaise(StrFromUtf8(text)).Release();
}

PyObject* TypeGetattroSlot(PyObject* self, PyObject* name) {
  return TypeGetAttr(AsType(self), name).Release();
}

int TypeSetattroSlot(PyObject* self, PyObject* name, PyObject* value) {
  return TypeSetAttr(AsType(self), name, value);
}

PyObject* TypeNewSlot(PyTypeObject* metatype, PyObject* args, PyObject* kwds) {
  (void)metatype;
  const Py_ssize_t n = TupleSize(args);
  if (n == 1 && (kwds == nullptr || DictSize(kwds) == 0)) {
    return Ref<>::NewRef(AsObj(TupleItem(args, 0)->ob_type)).Release();
  }
  if (n != 3) {
    SetErrorString(PyExc_TypeError, "type() takes 1 or 3 arguments");
    return nullptr;
  }
  PyObject* name = TupleItem(args, 0);
  PyObject* bases = TupleItem(args, 1);
  PyObject* dict = TupleItem(args, 2);
  if (!IsStr(name)) {
    return SetErrorFormat(PyExc_TypeError, "type.__new__() argument 1 must be str, not %s",
                          name->ob_type->tp_name);
  }
  if (!IsTuple(bases)) {
    return SetErrorFormat(PyExc_TypeError, "type.__new__() argument 2 must be tuple, not %s",
                          bases->ob_type->tp_name);
  }
  if (!IsDict(dict)) {
    return SetErrorFormat(PyExc_TypeError, "type.__new__() argument 3 must be dict, not %s",
                          dict->ob_type->tp_name);
  }
  absl::StatusOr<absl::string_view> u = StrAsUtf8(name);
  if (!u.ok()) return RefOrRaise(u.status()).Release();
  return TypeNew(*u, bases, dict).Release();
}

int TypeInitSlot(PyObject* self, PyObject* args, PyObject* kwds) {
  (void)self;
  (void)kwds;
  const Py_ssize_t n = TupleSize(args);
  if (n != 1 && n != 3) {
    SetErrorString(PyExc_TypeError, "type.__init__() takes 1 or 3 arguments");
    return -1;
  }
  return 0;
}

// Drops a heap type's owned fields. Returns the base to drop (if heap).
void ClearHeapTypeFields(PyTypeObject* type) {
  PyObject* fields[] = {type->tp_dict, type->tp_mro, type->tp_bases};
  type->tp_dict = nullptr;
  type->tp_bases = nullptr;
  MroRef(type).store(nullptr, std::memory_order_relaxed);
  for (PyObject* f : fields) {
    if (f != nullptr) Decref(f);
  }
  if (HasHeapLayout(type)) {
    HeapTypeObject* ht = AsHeap(type);
    PyObject* more[] = {ht->ht_name, ht->ht_qualname, ht->ht_module, ht->ht_slots};
    ht->ht_name = ht->ht_qualname = ht->ht_module = ht->ht_slots = nullptr;
    for (PyObject* f : more) {
      if (f != nullptr) Decref(f);
    }
  }
}

void HeapTypeDeallocSlot(PyObject* self) {
  PyTypeObject* type = AsType(self);
  FTRT_CHECK(type->tp_flags & Py_TPFLAGS_HEAPTYPE, "dealloc of static type '%s'",
             type->tp_name);
  UntrackObject(self);
  TypeExtra* extra = ExtraOf(type);
  if (extra != nullptr) {
    TypeLockGuard lock;
    std::atomic_ref<unsigned int>(type->tp_version_tag).store(0, std::memory_order_seq_cst);
    if (type->tp_bases != nullptr) {
      for (PyObject* b : TupleItems(type->tp_bases)) {
        TypeExtra* bx = ExtraOf(AsType(b));
        if (bx == nullptr) continue;
        auto& subs = bx->subclasses;
        for (size_t i = 0; i < subs.size(); ++i) {
          if (subs[i] == type) {
            subs[i] = subs.back();
            subs.pop_back();
            break;
          }
        }
      }
    }
  }
  ClearHeapTypeFields(type);
  const bool heap_layout = extra != nullptr && extra->heap_layout;
  char* tpname = heap_layout ? AsHeap(type)->_ht_tpname : nullptr;
  char* doc = heap_layout ? const_cast<char*>(type->tp_doc) : nullptr;
  delete extra;
  type->tp_subclasses = nullptr;
  PyTypeObject* base = std::exchange(type->tp_base, nullptr);
  FreeObject(self);
  std::free(tpname);
  std::free(doc);
  if (base != nullptr && (base->tp_flags & Py_TPFLAGS_HEAPTYPE)) Decref(AsObj(base));
}

int HeapTypeTraverseSlot(PyObject* self, visitproc visit, void* arg) {
  PyTypeObject* type = AsType(self);
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE)) return 0;
  PyObject* fields[] = {type->tp_dict, MroRef(type).load(std::memory_order_relaxed),
                        type->tp_bases,
                        (type->tp_base != nullptr && (type->tp_base->tp_flags & Py_TPFLAGS_HEAPTYPE))
                            ? AsObj(type->tp_base)
                            : nullptr,
                        HasHeapLayout(type) ? AsHeap(type)->ht_module : nullptr};
  for (PyObject* f : fields) {
    if (f != nullptr) {
      if (int r = visit(f, arg)) return r;
    }
  }
  return 0;
}

// The collector's tp_clear (CPython's type_clear): the dict (descriptors
// hold their type), the module (which usually holds the type) and the MRO
// (a tuple whose first item is the type itself: a cycle nothing else
// breaks). Called with the world stopped, so no reader is mid-lookup.
int HeapTypeClearSlot(PyObject* self) {
  PyTypeObject* type = AsType(self);
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE)) return 0;
  ThreadState* ts = ThreadState::Current();
  if (ts != nullptr && ts->runtime().WorldStoppedByCaller()) {
    // The collector, with the world stopped: a parked thread may hold the
    // type lock (waiting on a dict's critical section inside TypeSetAttr),
    // so do not wait for it. Nothing else runs, and no subclass list is
    // half-changed (they change only under the lock, without blocking).
    internal::InvalidateVersionTagsLocked(type);
  } else {
    TypeModified(type);
  }
  if (type->tp_dict != nullptr) (void)DictClear(type->tp_dict);
  if (HasHeapLayout(type)) {
    if (PyObject* m = std::exchange(AsHeap(type)->ht_module, nullptr)) Decref(m);
  }
  if (PyObject* mro = MroRef(type).exchange(nullptr, std::memory_order_acq_rel)) Decref(mro);
  return 0;
}

// type's getsets.
PyObject* TypeGetNameSlot(PyObject* self, void*) { return TypeGetName(AsType(self)).Release(); }
PyObject* TypeGetQualNameSlot(PyObject* self, void*) {
  return TypeGetQualName(AsType(self)).Release();
}
PyObject* TypeGetModuleSlot(PyObject* self, void*) {
  return TypeGetModuleName(AsType(self)).Release();
}
int TypeSetModuleSlot(PyObject* self, PyObject* value, void*) {
  PyTypeObject* type = AsType(self);
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE) || (type->tp_flags & Py_TPFLAGS_IMMUTABLETYPE)) {
    SetErrorFormat(PyExc_TypeError, "cannot set '__module__' attribute of immutable type '%s'",
                   type->tp_name);
    return -1;
  }
  if (value == nullptr) {
    SetErrorString(PyExc_TypeError, "cannot delete '__module__' attribute");
    return -1;
  }
  internal::LockTypes();
  internal::InvalidateVersionTagsLocked(type);
  const int rc = OkOrRaise(DictSetItem(type->tp_dict, g_names.dunder_module, value));
  internal::UnlockTypes();
  return rc;
}
PyObject* TypeGetMroSlot(PyObject* self, void*) {
  PyObject* mro = MroRef(AsType(self)).load(std::memory_order_acquire);
  return Ref<>::NewRef(mro != nullptr ? mro : None()).Release();
}
PyObject* TypeGetBasesSlot(PyObject* self, void*) {
  PyObject* b = AsType(self)->tp_bases;
  return Ref<>::NewRef(b != nullptr ? b : EmptyTuple()).Release();
}
PyObject* TypeGetBaseSlot(PyObject* self, void*) {
  PyTypeObject* b = AsType(self)->tp_base;
  return Ref<>::NewRef(b != nullptr ? AsObj(b) : None()).Release();
}
PyObject* TypeGetDictSlot(PyObject* self, void*) { return TypeDictCopy(AsType(self)).Release(); }
PyObject* TypeGetDocSlot(PyObject* self, void*) {
  PyTypeObject* type = AsType(self);
  if (type->tp_dict != nullptr) {
    absl::StatusOr<Ref<>> d = DictGetItemRefOrNull(type->tp_dict, g_names.dunder_doc);
    if (d.ok() && *d) {
      PyObject* v = d->get();
      if (descrgetfunc get = v->ob_type->tp_descr_get) return get(v, nullptr, self);
      return d->Release();
    }
  }
  if (type->tp_doc != nullptr) return RefOrRaise(StrFromUtf8(type->tp_doc)).Release();
  return None();
}

PyGetSetDef g_type_getset[] = {
    {"__name__", TypeGetNameSlot, nullptr, nullptr, nullptr},
    {"__qualname__", TypeGetQualNameSlot, nullptr, nullptr, nullptr},
    {"__module__", TypeGetModuleSlot, TypeSetModuleSlot, nullptr, nullptr},
    {"__mro__", TypeGetMroSlot, nullptr, nullptr, nullptr},
    {"__bases__", TypeGetBasesSlot, nullptr, nullptr, nullptr},
    {"__base__", TypeGetBaseSlot, nullptr, nullptr, nullptr},
    {"__dict__", TypeGetDictSlot, nullptr, nullptr, nullptr},
    {"__doc__", TypeGetDocSlot, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyObject* TypeMroMethod(PyObject* self, PyObject*) { return TypeGetMroSlot(self, nullptr); }

PyMethodDef g_type_methods[] = {
    {"mro", TypeMroMethod, METH_NOARGS, "Return a type's method resolution order."},
    {nullptr, nullptr, 0, nullptr},
};

// ---------------------------------------------------------------------------
// Readying: the MRO

// A class's name for MRO messages: its __name__.
std::string ClassName(PyTypeObject* t) {
  Ref<> n = TypeGetName(t);
  if (!n) {
    ClearError();
    return TypeShortName(t);
  }
  absl::StatusOr<absl::string_view> u = StrAsUtf8(n.get());
  return u.ok() ? std::string(*u) : std::string(TypeShortName(t));
}

// C3 linearization of `type` with `bases` (a tuple of ready types).
Ref<> ComputeMro(PyTypeObject* type, PyObject* bases) {
  const Py_ssize_t n = TupleSize(bases);
  if (n == 0) return RefOrRaise(TupleFromItems({AsObj(type)}));
  // Duplicate bases.
  for (Py_ssize_t i = 0; i < n; ++i) {
    for (Py_ssize_t j = i + 1; j < n; ++j) {
      if (TupleItem(bases, i) == TupleItem(bases, j)) {
        return SetErrorFormat(PyExc_TypeError, "duplicate base class %s",
                              ClassName(AsType(TupleItem(bases, i))));
      }
    }
  }
  // The sequences to merge: each base's MRO, then the bases themselves.
  std::vector<std::vector<PyObject*>> seqs;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyTypeObject* b = AsType(TupleItem(bases, i));
    PyObject* bmro = MroRef(b).load(std::memory_order_acquire);
    std::vector<PyObject*> s;
    if (bmro != nullptr) {
      for (PyObject* c : TupleItems(bmro)) s.push_back(c);
    } else {
      for (PyTypeObject* c = b; c != nullptr; c = c->tp_base) s.push_back(AsObj(c));
    }
    seqs.push_back(std::move(s));
  }
  {
    std::vector<PyObject*> s;
    for (PyObject* b : TupleItems(bases)) s.push_back(b);
    seqs.push_back(std::move(s));
  }
  std::vector<size_t> pos(seqs.size(), 0);
  std::vector<PyObject*> result = {AsObj(type)};
  for (;;) {
    bool empty = true;
    PyObject* found = nullptr;
    for (size_t i = 0; i < seqs.size() && found == nullptr; ++i) {
      if (pos[i] >= seqs[i].size()) continue;
      empty = false;
      PyObject* cand = seqs[i][pos[i]];
      bool in_tail = false;
      for (size_t j = 0; j < seqs.size() && !in_tail; ++j) {
        for (size_t k = pos[j] + 1; k < seqs[j].size(); ++k) {
          if (seqs[j][k] == cand) {
            in_tail = true;
            break;
          }
        }
      }
      if (!in_tail) found = cand;
    }
    if (empty) break;
    if (found == nullptr) {
      // CPython's set_mro_error: the distinct heads left, in order.
      std::vector<PyObject*> heads;
      for (size_t i = 0; i < seqs.size(); ++i) {
        if (pos[i] >= seqs[i].size()) continue;
        PyObject* h = seqs[i][pos[i]];
        bool seen = false;
        for (PyObject* x : heads) seen |= x == h;
        if (!seen) heads.push_back(h);
      }
      std::string msg = "Cannot create a consistent method resolution order (MRO) for bases";
      for (size_t i = 0; i < heads.size(); ++i) {
        absl::StrAppend(&msg, " ", ClassName(AsType(heads[i])), i + 1 < heads.size() ? "," : "");
      }
      SetErrorString(PyExc_TypeError, msg);
      return nullptr;
    }
    result.push_back(found);
    for (size_t i = 0; i < seqs.size(); ++i) {
      if (pos[i] < seqs[i].size() && seqs[i][pos[i]] == found) ++pos[i];
    }
  }
  return RefOrRaise(TupleFromItems(result));
}

// ---------------------------------------------------------------------------
// Readying: inheritance (CPython's inherit_special / inherit_slots)

constexpr unsigned long kSubclassFlags =
    Py_TPFLAGS_LONG_SUBCLASS | Py_TPFLAGS_LIST_SUBCLASS | Py_TPFLAGS_TUPLE_SUBCLASS |
    Py_TPFLAGS_BYTES_SUBCLASS | Py_TPFLAGS_UNICODE_SUBCLASS | Py_TPFLAGS_DICT_SUBCLASS |
    Py_TPFLAGS_BASE_EXC_SUBCLASS | Py_TPFLAGS_TYPE_SUBCLASS;

void InheritSpecial(PyTypeObject* type, PyTypeObject* base) {
  if (!(type->tp_flags & Py_TPFLAGS_HAVE_GC) && (base->tp_flags & Py_TPFLAGS_HAVE_GC) &&
      type->tp_traverse == nullptr && type->tp_clear == nullptr) {
    type->tp_flags |= Py_TPFLAGS_HAVE_GC;
    type->tp_traverse = base->tp_traverse;
    type->tp_clear = base->tp_clear;
  }
  if (type->tp_basicsize == 0) type->tp_basicsize = base->tp_basicsize;
  if (type->tp_itemsize == 0) type->tp_itemsize = base->tp_itemsize;
  if (type->tp_weaklistoffset == 0) type->tp_weaklistoffset = base->tp_weaklistoffset;
  if (type->tp_dictoffset == 0) type->tp_dictoffset = base->tp_dictoffset;
  type->tp_flags |= base->tp_flags & kSubclassFlags;
}

// Whether the type's own dict defines __eq__ or __hash__.
bool OverridesHash(PyTypeObject* type) {
  if (type->tp_dict == nullptr) return false;
  for (PyObject* name : {g_names.dunder_eq, g_names.dunder_hash}) {
    absl::StatusOr<bool> has = DictContains(type->tp_dict, name);
    if (has.ok() && *has) return true;
  }
  return false;
}

template <typename T>
bool Defined(T base_value, const T* basebase_value) {
  return base_value != nullptr && (basebase_value == nullptr || base_value != *basebase_value);
}

#define FTRT_COPYSLOT(SLOT)                                                                  \
  if (type->SLOT == nullptr &&                                                               \
      Defined(base->SLOT, basebase != nullptr ? &basebase->SLOT : nullptr)) {                \
    type->SLOT = base->SLOT;                                                                 \
  }
#define FTRT_COPYSUITE(SUITE, SLOT)                                                          \
  if (type->SUITE->SLOT == nullptr &&                                                        \
      Defined(base->SUITE->SLOT, (basebase != nullptr && basebase->SUITE != nullptr)         \
                                     ? &basebase->SUITE->SLOT                                \
                                     : nullptr)) {                                           \
    type->SUITE->SLOT = base->SUITE->SLOT;                                                   \
  }

void InheritSlots(PyTypeObject* type, PyTypeObject* base) {
  PyTypeObject* basebase = base->tp_base;
  if (type->tp_as_number != nullptr && base->tp_as_number != nullptr) {
#define N(S) FTRT_COPYSUITE(tp_as_number, S)
    N(nb_add) N(nb_subtract) N(nb_multiply) N(nb_remainder) N(nb_divmod) N(nb_power)
    N(nb_negative) N(nb_positive) N(nb_absolute) N(nb_bool) N(nb_invert) N(nb_lshift)
    N(nb_rshift) N(nb_and) N(nb_xor) N(nb_or) N(nb_int) N(nb_float) N(nb_inplace_add)
    N(nb_inplace_subtract) N(nb_inplace_multiply) N(nb_inplace_remainder) N(nb_inplace_power)
    N(nb_inplace_lshift) N(nb_inplace_rshift) N(nb_inplace_and) N(nb_inplace_xor)
    N(nb_inplace_or) N(nb_true_divide) N(nb_floor_divide) N(nb_inplace_true_divide)
    N(nb_inplace_floor_divide) N(nb_index) N(nb_matrix_multiply) N(nb_inplace_matrix_multiply)
#undef N
  }
  if (type->tp_as_async != nullptr && base->tp_as_async != nullptr) {
    FTRT_COPYSUITE(tp_as_async, am_await)
    FTRT_COPYSUITE(tp_as_async, am_aiter)
    FTRT_COPYSUITE(tp_as_async, am_anext)
    FTRT_COPYSUITE(tp_as_async, am_send)
  }
  if (type->tp_as_sequence != nullptr && base->tp_as_sequence != nullptr) {
    FTRT_COPYSUITE(tp_as_sequence, sq_length)
    FTRT_COPYSUITE(tp_as_sequence, sq_concat)
    FTRT_COPYSUITE(tp_as_sequence, sq_repeat)
    FTRT_COPYSUITE(tp_as_sequence, sq_item)
    FTRT_COPYSUITE(tp_as_sequence, sq_ass_item)
    FTRT_COPYSUITE(tp_as_sequence, sq_contains)
    FTRT_COPYSUITE(tp_as_sequence, sq_inplace_concat)
    FTRT_COPYSUITE(tp_as_sequence, sq_inplace_repeat)
  }
  if (type->tp_as_mapping != nullptr && base->tp_as_mapping != nullptr) {
    FTRT_COPYSUITE(tp_as_mapping, mp_length)
    FTRT_COPYSUITE(tp_as_mapping, mp_subscript)
    FTRT_COPYSUITE(tp_as_mapping, mp_ass_subscript)
  }
  if (type->tp_as_buffer != nullptr && base->tp_as_buffer != nullptr) {
    FTRT_COPYSUITE(tp_as_buffer, bf_getbuffer)
    FTRT_COPYSUITE(tp_as_buffer, bf_releasebuffer)
  }
  FTRT_COPYSLOT(tp_dealloc)
  if (type->tp_getattr == nullptr && type->tp_getattro == nullptr) {
    type->tp_getattr = base->tp_getattr;
    type->tp_getattro = base->tp_getattro;
  }
  if (type->tp_setattr == nullptr && type->tp_setattro == nullptr) {
    type->tp_setattr = base->tp_setattr;
    type->tp_setattro = base->tp_setattro;
  }
  FTRT_COPYSLOT(tp_repr)
  if (type->tp_vectorcall_offset == 0) type->tp_vectorcall_offset = base->tp_vectorcall_offset;
  if (type->tp_call == nullptr && (base->tp_flags & Py_TPFLAGS_HAVE_VECTORCALL)) {
    type->tp_flags |= Py_TPFLAGS_HAVE_VECTORCALL;
  }
  FTRT_COPYSLOT(tp_call)
  FTRT_COPYSLOT(tp_str)
  if (type->tp_richcompare == nullptr && type->tp_hash == nullptr && !OverridesHash(type)) {
    type->tp_richcompare = base->tp_richcompare;
    type->tp_hash = base->tp_hash;
  }
  FTRT_COPYSLOT(tp_iter)
  FTRT_COPYSLOT(tp_iternext)
  FTRT_COPYSLOT(tp_descr_get)
  if (base->tp_descr_get != nullptr && type->tp_descr_get == base->tp_descr_get &&
      (type->tp_flags & Py_TPFLAGS_IMMUTABLETYPE) &&
      (base->tp_flags & Py_TPFLAGS_METHOD_DESCRIPTOR)) {
    type->tp_flags |= Py_TPFLAGS_METHOD_DESCRIPTOR;
  }
  FTRT_COPYSLOT(tp_descr_set)
  FTRT_COPYSLOT(tp_init)
  FTRT_COPYSLOT(tp_alloc)
  FTRT_COPYSLOT(tp_is_gc)
  FTRT_COPYSLOT(tp_finalize)
  if ((type->tp_flags & Py_TPFLAGS_HAVE_GC) == (base->tp_flags & Py_TPFLAGS_HAVE_GC)) {
    FTRT_COPYSLOT(tp_free)
    FTRT_COPYSLOT(tp_traverse)
    FTRT_COPYSLOT(tp_clear)
  } else if (type->tp_free == nullptr) {
    // One free works for both heaps (alloc/ knows which the object is in).
    type->tp_free = base->tp_free;
  }
}
#undef FTRT_COPYSLOT
#undef FTRT_COPYSUITE

// ---------------------------------------------------------------------------
// Readying: the dict

// Sets dict[name] = value unless present (and not `overwrite`).
int DictSetDefaultName(PyObject* dict, PyObject* name, PyObject* value, bool overwrite) {
  if (!overwrite) {
    absl::StatusOr<bool> has = DictContains(dict, name);
    if (!has.ok()) return OkOrRaise(has.status());
    if (*has) return 0;
  }
  return OkOrRaise(DictSetItem(dict, name, value));
}

bool IsSpecialOffsetMember(const char* name) {
  return std::strcmp(name, "__dictoffset__") == 0 || std::strcmp(name, "__weaklistoffset__") == 0 ||
         std::strcmp(name, "__vectorcalloffset__") == 0;
}

int AddMethods(PyTypeObject* type, PyObject* dict) {
  for (PyMethodDef* m = type->tp_methods; m != nullptr && m->ml_name != nullptr; ++m) {
    PyObject* name = InternFromString(m->ml_name);
    if (name == nullptr) return -1;
    Ref<> descr;
    if (m->ml_flags & METH_CLASS) {
      if (m->ml_flags & METH_STATIC) {
        SetErrorString(PyExc_ValueError, "method cannot be both class and static");
        return -1;
      }
      descr = NewClassMethodDescr(type, m);
    } else if (m->ml_flags & METH_STATIC) {
      Ref<> cfunc = CFunctionNew(m, AsObj(type), nullptr, nullptr);
      if (!cfunc) return -1;
      descr = StaticMethodNew(cfunc.get());
    } else {
      descr = NewMethodDescr(type, m);
    }
    if (!descr) return -1;
    if (DictSetDefaultName(dict, name, descr.get(), (m->ml_flags & METH_COEXIST) != 0) < 0) {
      return -1;
    }
  }
  return 0;
}

int AddMembers(PyTypeObject* type, PyObject* dict) {
  for (PyMemberDef* m = type->tp_members; m != nullptr && m->name != nullptr; ++m) {
    if (IsSpecialOffsetMember(m->name)) continue;
    PyObject* name = InternFromString(m->name);
    if (name == nullptr) return -1;
    Ref<> descr = NewMemberDescr(type, m);
    if (!descr || DictSetDefaultName(dict, name, descr.get(), false) < 0) return -1;
  }
  return 0;
}

int AddGetSets(PyTypeObject* type, PyObject* dict) {
  for (PyGetSetDef* g = type->tp_getset; g != nullptr && g->name != nullptr; ++g) {
    PyObject* name = InternFromString(g->name);
    if (name == nullptr) return -1;
    Ref<> descr = NewGetSetDescr(type, g);
    if (!descr || DictSetDefaultName(dict, name, descr.get(), false) < 0) return -1;
  }
  return 0;
}

// Slot functions for dunders a heap type defines in its dict.
void FixupSlotsFromDict(PyTypeObject* type);

// The base of type's bases with the layout the others extend
// (CPython's best_base), or null with TypeError.
PyTypeObject* SolidBase(PyTypeObject* type);

bool ShapeDiffers(PyTypeObject* type, PyTypeObject* base) {
  Py_ssize_t t_size = type->tp_basicsize;
  const Py_ssize_t b_size = base->tp_basicsize;
  if (type->tp_itemsize || base->tp_itemsize) {
    return t_size != b_size || type->tp_itemsize != base->tp_itemsize;
  }
  const bool heap = (type->tp_flags & Py_TPFLAGS_HEAPTYPE) != 0;
  if (heap && type->tp_weaklistoffset && base->tp_weaklistoffset == 0 &&
      type->tp_weaklistoffset + static_cast<Py_ssize_t>(sizeof(PyObject*)) == t_size) {
    t_size -= sizeof(PyObject*);
  }
  if (heap && type->tp_dictoffset && base->tp_dictoffset == 0 &&
      type->tp_dictoffset + static_cast<Py_ssize_t>(sizeof(PyObject*)) == t_size) {
    t_size -= sizeof(PyObject*);
  }
  return t_size != b_size;
}

PyTypeObject* SolidBase(PyTypeObject* type) {
  PyTypeObject* base = type->tp_base != nullptr ? SolidBase(type->tp_base) : &PyBaseObject_Type;
  return ShapeDiffers(type, base) ? type : base;
}

PyTypeObject* BestBase(PyObject* bases) {
  PyTypeObject* base = nullptr;
  PyTypeObject* winner = nullptr;
  for (PyObject* b : TupleItems(bases)) {
    if (!IsType(b)) {
      SetErrorString(PyExc_TypeError, "bases must be types");
      return nullptr;
    }
    PyTypeObject* bt = AsType(b);
    if (TypeReady(bt) < 0) return nullptr;
    if (!(bt->tp_flags & Py_TPFLAGS_BASETYPE)) {
      SetErrorFormat(PyExc_TypeError, "type '%s' is not an acceptable base type", bt->tp_name);
      return nullptr;
    }
    PyTypeObject* candidate = SolidBase(bt);
    if (winner == nullptr) {
      winner = candidate;
      base = bt;
    } else if (TypeIsSubtype(winner, candidate)) {
      // winner already extends candidate
    } else if (TypeIsSubtype(candidate, winner)) {
      winner = candidate;
      base = bt;
    } else {
      SetErrorString(PyExc_TypeError, "multiple bases have instance lay-out conflict");
      return nullptr;
    }
  }
  return base;
}

// PyType_Ready's work, on the type in place. For a static type this runs
// on the static builder.
int ReadyInPlace(PyTypeObject* type) {
  if (IsReady(type)) return 0;
  if (type->tp_flags & Py_TPFLAGS_READYING) {
    SetErrorFormat(PyExc_SystemError, "type '%s' is being readied recursively", type->tp_name);
    return -1;
  }
  const bool heap = (type->tp_flags & Py_TPFLAGS_HEAPTYPE) != 0;
  type->tp_flags |= Py_TPFLAGS_READYING;
  struct ClearReadying {
    PyTypeObject* t;
    ~ClearReadying() { t->tp_flags &= ~Py_TPFLAGS_READYING; }
  } clear_readying{type};

  if (!heap) InitStaticType(type);  // ob_type, immortal header
  if (ExtraOf(type) == nullptr) type->tp_subclasses = new TypeExtra;

  PyTypeObject* base = type->tp_base;
  if (base == nullptr && type != &PyBaseObject_Type) {
    base = &PyBaseObject_Type;
    type->tp_base = base;
  }
  if (base != nullptr && TypeReady(base) < 0) return -1;
  if (type->tp_bases == nullptr) {
    Ref<> bases = base == nullptr ? Ref<>::NewRef(EmptyTuple())
                                  : RefOrRaise(TupleFromItems({AsObj(base)}));
    if (!bases) return -1;
    type->tp_bases = bases.Release();
  }
  for (PyObject* b : TupleItems(type->tp_bases)) {
    if (!IsType(b)) {
      SetErrorString(PyExc_TypeError, "bases must be types");
      return -1;
    }
    if (TypeReady(AsType(b)) < 0) return -1;
  }
  if (type->tp_dict == nullptr) {
    Ref<> dict = RefOrRaise(DictNew());
    if (!dict) return -1;
    type->tp_dict = dict.Release();
  }
  PyObject* dict = type->tp_dict;
  if (AddMethods(type, dict) < 0 || AddMembers(type, dict) < 0 || AddGetSets(type, dict) < 0) {
    return -1;
  }
  {
    Ref<> doc;
    if (type->tp_doc != nullptr) {
      doc = RefOrRaise(StrFromUtf8(type->tp_doc));
      if (!doc) return -1;
    } else {
      doc = Ref<>::NewRef(None());
    }
    if (DictSetDefaultName(dict, g_names.dunder_doc, doc.get(), false) < 0) return -1;
  }

  Ref<> mro = ComputeMro(type, type->tp_bases);
  if (!mro) return -1;

  if (base != nullptr) InheritSpecial(type, base);
  for (Py_ssize_t i = 1; i < TupleSize(mro.get()); ++i) {
    PyTypeObject* b = AsType(TupleItem(mro.get(), i));
    InheritSlots(type, b);
  }
  if (base != nullptr) {
    if (type->tp_as_async == nullptr) type->tp_as_async = base->tp_as_async;
    if (type->tp_as_number == nullptr) type->tp_as_number = base->tp_as_number;
    if (type->tp_as_sequence == nullptr) type->tp_as_sequence = base->tp_as_sequence;
    if (type->tp_as_mapping == nullptr) type->tp_as_mapping = base->tp_as_mapping;
    if (type->tp_as_buffer == nullptr) type->tp_as_buffer = base->tp_as_buffer;
  }
  if (type->tp_hash == nullptr) {
    // __eq__ without __hash__ (or nothing inherited): unhashable.
    if (DictSetDefaultName(dict, g_names.dunder_hash, None(), false) < 0) return -1;
    type->tp_hash = PyObject_HashNotImplemented;
  }
  // tp_new (type_ready_set_new).
  if (!(type->tp_flags & Py_TPFLAGS_DISALLOW_INSTANTIATION) && type->tp_new == nullptr &&
      base == &PyBaseObject_Type && !heap) {
    type->tp_flags |= Py_TPFLAGS_DISALLOW_INSTANTIATION;
  }
  if (type->tp_flags & Py_TPFLAGS_DISALLOW_INSTANTIATION) {
    type->tp_new = nullptr;
  } else if (type->tp_new == nullptr && base != nullptr) {
    type->tp_new = base->tp_new;
  }
  if (!heap) type->tp_flags |= Py_TPFLAGS_IMMUTABLETYPE;
  if ((type->tp_flags & Py_TPFLAGS_HAVE_GC) && type->tp_traverse == nullptr) {
    SetErrorFormat(PyExc_SystemError,
                   "type %s has the Py_TPFLAGS_HAVE_GC flag but has no traverse function",
                   type->tp_name);
    return -1;
  }
  if (heap) FixupSlotsFromDict(type);

  {
    TypeLockGuard lock;
    for (PyObject* b : TupleItems(type->tp_bases)) internal::AddSubclass(AsType(b), type);
    ExtraOf(type)->ready = true;
  }
  type->tp_flags |= Py_TPFLAGS_READY;
  MroRef(type).store(mro.Release(), std::memory_order_release);
  return 0;
}

// ---------------------------------------------------------------------------
// Slots for dunders set on heap types (CPython's slot_tp_* functions)

// Calls type(self).<name>(self, *args); null (no exception) if absent.
Ref<> CallSpecial(PyObject* self, PyObject* name, std::initializer_list<PyObject*> args,
                  bool* found) {
  internal::TypeLookupResult r = internal::TypeLookupFast(self->ob_type, name);
  if (r.value == nullptr) {
    *found = false;
    return nullptr;
  }
  *found = true;
  StackRef pin(r.value);
  if (r.counted) Decref(r.value);
  PyObject* f = r.value;
  PyObject* stack[8];
  size_t n = 0;
  if (f->ob_type->tp_flags & Py_TPFLAGS_METHOD_DESCRIPTOR) {
    stack[n++] = self;
    for (PyObject* a : args) stack[n++] = a;
    return Vectorcall(f, stack, n);
  }
  Ref<> bound;
  if (descrgetfunc get = f->ob_type->tp_descr_get) {
    bound = Ref<>::Steal(get(f, self, AsObj(self->ob_type)));
    if (!bound) return nullptr;
    f = bound.get();
  }
  for (PyObject* a : args) stack[n++] = a;
  return Vectorcall(f, stack, n);
}

Ref<> CallSpecialOrRaise(PyObject* self, PyObject* name, std::initializer_list<PyObject*> args) {
  bool found;
  Ref<> r = CallSpecial(self, name, args, &found);
  if (!found) {
    SetError(PyExc_AttributeError, name);
  }
  return r;
}

PyObject* SlotTpRepr(PyObject* self) {
  return CallSpecialOrRaise(self, g_names.dunder_repr, {}).Release();
}
PyObject* SlotTpStr(PyObject* self) {
  return CallSpecialOrRaise(self, g_names.dunder_str, {}).Release();
}
Py_hash_t SlotTpHash(PyObject* self) {
  Ref<> r = CallSpecialOrRaise(self, g_names.dunder_hash, {});
  if (!r) return -1;
  if (!IsInt(r.get())) {
    SetErrorString(PyExc_TypeError, "__hash__ method should return an integer");
    return -1;
  }
  // CPython hashes the returned int again (a big one reduces mod 2**61-1).
  Py_hash_t h = IntHash(r.get());
  return h == -1 ? -2 : h;
}
PyObject* SlotTpCall(PyObject* self, PyObject* args, PyObject* kwargs) {
  bool found;
  internal::TypeLookupResult r = internal::TypeLookupFast(self->ob_type, g_names.dunder_call);
  found = r.value != nullptr;
  if (!found) {
    return SetErrorFormat(PyExc_TypeError, "'%s' object is not callable",
                          self->ob_type->tp_name);
  }
  StackRef pin(r.value);
  if (r.counted) Decref(r.value);
  Ref<> bound;
  PyObject* f = r.value;
  if (descrgetfunc get = f->ob_type->tp_descr_get) {
    bound = Ref<>::Steal(get(f, self, AsObj(self->ob_type)));
    if (!bound) return nullptr;
    f = bound.get();
  }
  return Call(f, args, kwargs).Release();
}
PyObject* SlotTpRichCompare(PyObject* self, PyObject* other, int op) {
  static PyObject* internal::InternedNames::*const kNames[] = {
      &internal::InternedNames::dunder_lt, &internal::InternedNames::dunder_le,
      &internal::InternedNames::dunder_eq, &internal::InternedNames::dunder_ne,
      &internal::InternedNames::dunder_gt, &internal::InternedNames::dunder_ge};
  bool found;
  Ref<> r = CallSpecial(self, g_names.*kNames[op], {other}, &found);
  if (!found) {
    if (ErrorOccurred()) return nullptr;
    // Not defined at this level: object's behaviour.
    return internal::ObjectRichCompareSlot(self, other, op);
  }
  return r.Release();
}
PyObject* SlotTpIter(PyObject* self) {
  return CallSpecialOrRaise(self, g_names.dunder_iter, {}).Release();
}
PyObject* SlotTpIternext(PyObject* self) {
  return CallSpecialOrRaise(self, g_names.dunder_next, {}).Release();
}
int SlotTpInit(PyObject* self, PyObject* args, PyObject* kwargs) {
  internal::TypeLookupResult r = internal::TypeLookupFast(self->ob_type, g_names.dunder_init);
  if (r.value == nullptr) return 0;
  StackRef pin(r.value);
  if (r.counted) Decref(r.value);
  Ref<> bound;
  PyObject* f = r.value;
  if (descrgetfunc get = f->ob_type->tp_descr_get) {
    bound = Ref<>::Steal(get(f, self, AsObj(self->ob_type)));
    if (!bound) return -1;
    f = bound.get();
  }
  Ref<> res = Call(f, args, kwargs);
  if (!res) return -1;
  if (res.get() != None()) {
    SetErrorFormat(PyExc_TypeError, "__init__() should return None, not '%s'",
                   res->ob_type->tp_name);
    return -1;
  }
  return 0;
}
int SlotNbBool(PyObject* self) {
  Ref<> r = CallSpecialOrRaise(self, g_names.dunder_bool, {});
  if (!r) return -1;
  if (!IsBool(r.get())) {
    SetErrorFormat(PyExc_TypeError, "__bool__ should return bool, returned %s",
                   r->ob_type->tp_name);
    return -1;
  }
  return r.get() == True() ? 1 : 0;
}
Py_ssize_t SlotSqLength(PyObject* self) {
  Ref<> r = CallSpecialOrRaise(self, g_names.dunder_len, {});
  if (!r) return -1;
  if (!IsInt(r.get())) {
    SetErrorFormat(PyExc_TypeError, "'%s' object cannot be interpreted as an integer",
                   r->ob_type->tp_name);
    return -1;
  }
  if (IntSign(r.get()) < 0) {
    SetErrorString(PyExc_ValueError, "__len__() should return >= 0");
    return -1;
  }
  if (IntIsBig(r.get())) {
    SetErrorString(PyExc_OverflowError, "cannot fit 'int' into an index-sized integer");
    return -1;
  }
  return static_cast<Py_ssize_t>(IntValue(r.get()));
}
PyObject* SlotTpGetattrHook(PyObject* self, PyObject* name) {
  Ref<> r = GenericGetAttr(self, name);
  if (r || !ExceptionMatches(PyExc_AttributeError)) return r.Release();
  bool found;
  ClearError();
  Ref<> alt = CallSpecial(self, g_names.dunder_getattr, {name}, &found);
  if (!found) {
    return SetErrorFormat(PyExc_AttributeError, "'%s' object has no attribute '%s'",
                          self->ob_type->tp_name, StrUtf8(name));
  }
  return alt.Release();
}

// Points one dunder's slot of `type` at the generic slot function (value
// present in the MRO) or back at the base's (absent). Types never write a
// slot a reader may be calling except under a stop-the-world.
void UpdateSlot(PyTypeObject* type, PyObject* name) {
  const bool present = static_cast<bool>(TypeLookup(type, name));
  PyTypeObject* base = type->tp_base;
  auto pick = [&](auto mine, auto from_base) { return present ? mine : from_base; };
  if (name == g_names.dunder_repr) {
    type->tp_repr = pick(SlotTpRepr, base ? base->tp_repr : nullptr);
  } else if (name == g_names.dunder_str) {
    type->tp_str = pick(SlotTpStr, base ? base->tp_str : nullptr);
  } else if (name == g_names.dunder_hash) {
    Ref<> v = TypeLookup(type, name);
    type->tp_hash = v.get() == None() ? PyObject_HashNotImplemented
                                      : pick(SlotTpHash, base ? base->tp_hash : nullptr);
  } else if (name == g_names.dunder_call) {
    type->tp_call = pick(SlotTpCall, base ? base->tp_call : nullptr);
  } else if (name == g_names.dunder_eq || name == g_names.dunder_ne ||
             name == g_names.dunder_lt || name == g_names.dunder_le ||
             name == g_names.dunder_gt || name == g_names.dunder_ge) {
    type->tp_richcompare = SlotTpRichCompare;
  } else if (name == g_names.dunder_iter) {
    type->tp_iter = pick(SlotTpIter, base ? base->tp_iter : nullptr);
  } else if (name == g_names.dunder_next) {
    type->tp_iternext = pick(SlotTpIternext, base ? base->tp_iternext : nullptr);
  } else if (name == g_names.dunder_init) {
    type->tp_init = pick(SlotTpInit, base ? base->tp_init : nullptr);
  } else if (name == g_names.dunder_getattr) {
    type->tp_getattro = pick(SlotTpGetattrHook, base ? base->tp_getattro : nullptr);
  } else if (name == g_names.dunder_bool && HasHeapLayout(type)) {
    type->tp_as_number->nb_bool =
        pick(SlotNbBool, base && base->tp_as_number ? base->tp_as_number->nb_bool : nullptr);
  } else if (name == g_names.dunder_len && HasHeapLayout(type)) {
    type->tp_as_sequence->sq_length =
        pick(SlotSqLength, base && base->tp_as_sequence ? base->tp_as_sequence->sq_length : nullptr);
  }
}

bool IsSlotDunder(PyObject* name) {
  const internal::InternedNames& n = g_names;
  for (PyObject* d : {n.dunder_repr, n.dunder_str, n.dunder_hash, n.dunder_call, n.dunder_eq,
                      n.dunder_ne, n.dunder_lt, n.dunder_le, n.dunder_gt, n.dunder_ge,
                      n.dunder_iter, n.dunder_next, n.dunder_init, n.dunder_getattr,
                      n.dunder_bool, n.dunder_len}) {
    if (name == d) return true;
  }
  return false;
}

void FixupSlotsFromDict(PyTypeObject* type) {
  Py_ssize_t pos = 0;
  Ref<> k, v;
  while (DictNext(type->tp_dict, &pos, &k, &v)) {
    PyObject* name = IsStr(k.get()) ? FindInterned(k.get()) : nullptr;
    if (name != nullptr && IsSlotDunder(name)) UpdateSlot(type, name);
  }
}

void UpdateSlotRecursive(PyTypeObject* type, PyObject* name) {
  UpdateSlot(type, name);
  if (TypeExtra* x = ExtraOf(type)) {
    for (PyTypeObject* sub : x->subclasses) UpdateSlotRecursive(sub, name);
  }
}

// ---------------------------------------------------------------------------
// Heap types

// A HeapTypeObject for `name` ("module.Name" or "Name"), with its suites
// wired, names set, deferred refcounting; fields otherwise zero.
Ref<PyTypeObject> AllocHeapType(const char* full_name, absl::string_view short_name) {
  Ref<> obj = Ref<>::Steal(AllocObjectOfType(TypeType(), sizeof(HeapTypeObject)));
  if (!obj) return NoMemory();
  auto* ht = reinterpret_cast<HeapTypeObject*>(obj.get());
  PyTypeObject* t = &ht->ht_type;
  auto* extra = new TypeExtra;
  extra->heap_layout = true;
  t->tp_subclasses = extra;
  t->tp_as_async = &ht->as_async;
  t->tp_as_number = &ht->as_number;
  t->tp_as_mapping = &ht->as_mapping;
  t->tp_as_sequence = &ht->as_sequence;
  t->tp_as_buffer = &ht->as_buffer;
  ht->_ht_tpname = strdup(full_name);
  t->tp_name = ht->_ht_tpname;
  t->tp_flags = Py_TPFLAGS_HEAPTYPE;
  SetDeferredRefcount(obj.get());
  TrackObject(obj.get());
  Ref<PyTypeObject> type = std::move(obj).Cast<PyTypeObject>();
  if (ht->_ht_tpname == nullptr) return NoMemory();
  Ref<> name = RefOrRaise(StrFromUtf8(short_name));
  if (!name) return nullptr;
  ht->ht_qualname = Ref<>::NewRef(name.get()).Release();
  ht->ht_name = name.Release();
  return type;
}

// Where a spec slot id lives: the suite and the offset in it.
enum class Suite { kType, kAsync, kNumber, kMapping, kSequence, kBuffer, kNone };
struct SlotPlace {
  Suite suite;
  size_t offset;
};

SlotPlace PlaceOf(int id) {
#define T(f) return {Suite::kType, offsetof(PyTypeObject, f)}
#define A(f) return {Suite::kAsync, offsetof(PyAsyncMethods, f)}
#define NB(f) return {Suite::kNumber, offsetof(PyNumberMethods, f)}
#define MP(f) return {Suite::kMapping, offsetof(PyMappingMethods, f)}
#define SQ(f) return {Suite::kSequence, offsetof(PySequenceMethods, f)}
#define BF(f) return {Suite::kBuffer, offsetof(PyBufferProcs, f)}
  switch (id) {
    case Py_bf_getbuffer: BF(bf_getbuffer);
    case Py_bf_releasebuffer: BF(bf_releasebuffer);
    case Py_mp_ass_subscript: MP(mp_ass_subscript);
    case Py_mp_length: MP(mp_length);
    case Py_mp_subscript: MP(mp_subscript);
    case Py_nb_absolute: NB(nb_absolute);
    case Py_nb_add: NB(nb_add);
    case Py_nb_and: NB(nb_and);
    case Py_nb_bool: NB(nb_bool);
    case Py_nb_divmod: NB(nb_divmod);
    case Py_nb_float: NB(nb_float);
    case Py_nb_floor_divide: NB(nb_floor_divide);
    case Py_nb_index: NB(nb_index);
    case Py_nb_inplace_add: NB(nb_inplace_add);
    case Py_nb_inplace_and: NB(nb_inplace_and);
    case Py_nb_inplace_floor_divide: NB(nb_inplace_floor_divide);
    case Py_nb_inplace_lshift: NB(nb_inplace_lshift);
    case Py_nb_inplace_multiply: NB(nb_inplace_multiply);
    case Py_nb_inplace_or: NB(nb_inplace_or);
    case Py_nb_inplace_power: NB(nb_inplace_power);
    case Py_nb_inplace_remainder: NB(nb_inplace_remainder);
    case Py_nb_inplace_rshift: NB(nb_inplace_rshift);
    case Py_nb_inplace_subtract: NB(nb_inplace_subtract);
    case Py_nb_inplace_true_divide: NB(nb_inplace_true_divide);
    case Py_nb_inplace_xor: NB(nb_inplace_xor);
    case Py_nb_int: NB(nb_int);
    case Py_nb_invert: NB(nb_invert);
    case Py_nb_lshift: NB(nb_lshift);
    case Py_nb_multiply: NB(nb_multiply);
    case Py_nb_negative: NB(nb_negative);
    case Py_nb_or: NB(nb_or);
    case Py_nb_positive: NB(nb_positive);
    case Py_nb_power: NB(nb_power);
    case Py_nb_remainder: NB(nb_remainder);
    case Py_nb_rshift: NB(nb_rshift);
    case Py_nb_subtract: NB(nb_subtract);
    case Py_nb_true_divide: NB(nb_true_divide);
    case Py_nb_xor: NB(nb_xor);
    case Py_sq_ass_item: SQ(sq_ass_item);
    case Py_sq_concat: SQ(sq_concat);
    case Py_sq_contains: SQ(sq_contains);
    case Py_sq_inplace_concat: SQ(sq_inplace_concat);
    case Py_sq_inplace_repeat: SQ(sq_inplace_repeat);
    case Py_sq_item: SQ(sq_item);
    case Py_sq_length: SQ(sq_length);
    case Py_sq_repeat: SQ(sq_repeat);
    case Py_tp_alloc: T(tp_alloc);
    case Py_tp_base: T(tp_base);
    case Py_tp_bases: T(tp_bases);
    case Py_tp_call: T(tp_call);
    case Py_tp_clear: T(tp_clear);
    case Py_tp_dealloc: T(tp_dealloc);
    case Py_tp_del: T(tp_del);
    case Py_tp_descr_get: T(tp_descr_get);
    case Py_tp_descr_set: T(tp_descr_set);
    case Py_tp_doc: T(tp_doc);
    case Py_tp_getattr: T(tp_getattr);
    case Py_tp_getattro: T(tp_getattro);
    case Py_tp_hash: T(tp_hash);
    case Py_tp_init: T(tp_init);
    case Py_tp_is_gc: T(tp_is_gc);
    case Py_tp_iter: T(tp_iter);
    case Py_tp_iternext: T(tp_iternext);
    case Py_tp_methods: T(tp_methods);
    case Py_tp_new: T(tp_new);
    case Py_tp_repr: T(tp_repr);
    case Py_tp_richcompare: T(tp_richcompare);
    case Py_tp_setattr: T(tp_setattr);
    case Py_tp_setattro: T(tp_setattro);
    case Py_tp_str: T(tp_str);
    case Py_tp_traverse: T(tp_traverse);
    case Py_tp_members: T(tp_members);
    case Py_tp_getset: T(tp_getset);
    case Py_tp_free: T(tp_free);
    case Py_nb_matrix_multiply: NB(nb_matrix_multiply);
    case Py_nb_inplace_matrix_multiply: NB(nb_inplace_matrix_multiply);
    case Py_am_await: A(am_await);
    case Py_am_aiter: A(am_aiter);
    case Py_am_anext: A(am_anext);
    case Py_tp_finalize: T(tp_finalize);
    case Py_am_send: A(am_send);
    default:
      return {Suite::kNone, 0};
  }
#undef T
#undef A
#undef NB
#undef MP
#undef SQ
#undef BF
}

// The address of a slot's field, or null if the type has no such suite.
char* SlotAddress(PyTypeObject* type, SlotPlace p) {
  char* suite = nullptr;
  switch (p.suite) {
    case Suite::kType:
      suite = reinterpret_cast<char*>(type);
      break;
    case Suite::kAsync:
      suite = reinterpret_cast<char*>(type->tp_as_async);
      break;
    case Suite::kNumber:
      suite = reinterpret_cast<char*>(type->tp_as_number);
      break;
    case Suite::kMapping:
      suite = reinterpret_cast<char*>(type->tp_as_mapping);
      break;
    case Suite::kSequence:
      suite = reinterpret_cast<char*>(type->tp_as_sequence);
      break;
    case Suite::kBuffer:
      suite = reinterpret_cast<char*>(type->tp_as_buffer);
      break;
    case Suite::kNone:
      return nullptr;
  }
  return suite == nullptr ? nullptr : suite + p.offset;
}

// Readies a new heap type, adds __module__ from its name, and (for a
// spec) its dict's doc. The type must not be visible to others yet.
int FinishHeapType(PyTypeObject* type, absl::string_view module_name) {
  if (type->tp_dict == nullptr) {
    Ref<> dict = RefOrRaise(DictNew());
    if (!dict) return -1;
    type->tp_dict = dict.Release();
  }
  if (!module_name.empty()) {
    Ref<> mod = RefOrRaise(StrFromUtf8(module_name));
    if (!mod || DictSetDefaultName(type->tp_dict, g_names.dunder_module, mod.get(), false) < 0) {
      return -1;
    }
  }
  return ReadyInPlace(type);
}

}  // namespace

// ---------------------------------------------------------------------------
// object and type themselves

extern "C" {

constinit PyTypeObject PyBaseObject_Type = [] {
  PyTypeObject t = StaticTypeInit("object", sizeof(PyObject),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = ObjectDeallocSlot;
  t.tp_repr = internal::ObjectReprSlot;
  t.tp_hash = internal::ObjectHashSlot;
  t.tp_str = internal::ObjectStrSlot;
  t.tp_getattro = PyObject_GenericGetAttr;
  t.tp_setattro = PyObject_GenericSetAttr;
  t.tp_doc = "The base class of the class hierarchy.";
  t.tp_richcompare = internal::ObjectRichCompareSlot;
  t.tp_getset = g_object_getset;
  t.tp_init = internal::ObjectInitSlot;
  t.tp_alloc = PyType_GenericAlloc;
  t.tp_new = internal::ObjectNewSlot;
  t.tp_free = FreeObject;
  return t;
}();

PyObject* PyType_GenericAlloc(PyTypeObject* type, Py_ssize_t nitems) {
  Py_ssize_t size = type->tp_basicsize;
  if (type->tp_itemsize != 0) {
    // One extra item for a sentinel, as CPython allocates; rounded to a word.
    size += (nitems + 1) * type->tp_itemsize;
    size = (size + 7) & ~Py_ssize_t{7};
  }
  PyObject* op = AllocObjectOfType(type, size);
  if (op == nullptr) return NoMemory();
  if (type->tp_itemsize != 0) reinterpret_cast<PyVarObject*>(op)->ob_size = nitems;
  if (type->tp_flags & Py_TPFLAGS_HAVE_GC) TrackObject(op);
  return op;
}

PyObject* PyType_GenericNew(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  (void)args;
  (void)kwds;
  return type->tp_alloc(type, 0);
}

}  // extern "C"

PyTypeObject* ObjectType() { return &PyBaseObject_Type; }

namespace internal {

PyObject* ObjectReprSlot(PyObject* self) {
  PyTypeObject* type = self->ob_type;
  Ref<> mod = TypeGetModuleName(type);
  if (!mod) ClearError();
  std::string text;
  if (mod && IsStr(mod.get()) && !StrEqualsUtf8(mod.get(), "builtins")) {
    Ref<> qual = TypeGetQualName(type);
    if (!qual) return nullptr;
    absl::StatusOr<absl::string_view> m = StrAsUtf8(mod.get());
    absl::StatusOr<absl::string_view> q = StrAsUtf8(qual.get());
    if (!m.ok() || !q.ok()) return RefOrRaise(m.ok() ? q.status() : m.status()).Release();
    text = absl::StrFormat("<%s.%s object at %p>", *m, *q, static_cast<void*>(self));
  } else {
    text = absl::StrFormat("<%s object at %p>", type->tp_name, static_cast<void*>(self));
  }
  return RefOrRaise(StrFromUtf8(text)).Release();
}

PyObject* ObjectStrSlot(PyObject* self) {
  reprfunc f = self->ob_type->tp_repr;
  if (f == nullptr) f = ObjectReprSlot;
  return f(self);
}

Py_hash_t ObjectHashSlot(PyObject* self) { return HashPointer(self); }

PyObject* ObjectRichCompareSlot(PyObject* a, PyObject* b, int op) {
  switch (op) {
    case Py_EQ:
      return a == b ? True() : NotImplemented();
    case Py_NE: {
      richcmpfunc f = a->ob_type->tp_richcompare;
      if (f == nullptr) return NotImplemented();
      Ref<> r = Ref<>::Steal(f(a, b, Py_EQ));
      if (!r) return nullptr;
      if (r.get() == NotImplemented()) return r.Release();
      const int t = ObjectIsTrue(r.get());
      if (t < 0) return nullptr;
      return t ? False() : True();
    }
    default:
      return NotImplemented();
  }
}

PyObject* ObjectNewSlot(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  if (ExcessArgs(args, kwds)) {
    if (type->tp_new != ObjectNewSlot) {
      SetErrorString(PyExc_TypeError,
                     "object.__new__() takes exactly one argument (the type to instantiate)");
      return nullptr;
    }
    if (type->tp_init == ObjectInitSlot) {
      return SetErrorFormat(PyExc_TypeError, "%s() takes no arguments", type->tp_name);
    }
  }
  if (type->tp_flags & Py_TPFLAGS_IS_ABSTRACT) {
    return SetErrorFormat(PyExc_TypeError, "Can't instantiate abstract class %s",
                          type->tp_name);
  }
  return type->tp_alloc(type, 0);
}

int ObjectInitSlot(PyObject* self, PyObject* args, PyObject* kwds) {
  PyTypeObject* type = self->ob_type;
  if (ExcessArgs(args, kwds)) {
    if (type->tp_init != ObjectInitSlot) {
      SetErrorString(PyExc_TypeError,
                     "object.__init__() takes exactly one argument (the instance to initialize)");
      return -1;
    }
    if (type->tp_new == ObjectNewSlot) {
      SetErrorFormat(PyExc_TypeError, "%s() takes no arguments", type->tp_name);
      return -1;
    }
  }
  return 0;
}

void SubtypeDealloc(PyObject* self) {
  PyTypeObject* type = self->ob_type;
  UntrackObject(self);
  PyTypeObject* base = type;
  while (base->tp_dealloc == SubtypeDealloc) base = base->tp_base;
  if (type->tp_dictoffset > 0 && base->tp_dictoffset == 0) {
    PyObject** dp = reinterpret_cast<PyObject**>(reinterpret_cast<char*>(self) + type->tp_dictoffset);
    if (PyObject* d = std::exchange(*dp, nullptr)) Decref(d);
  }
  const bool type_needs_decref = (type->tp_flags & Py_TPFLAGS_HEAPTYPE) &&
                                 !(base->tp_flags & Py_TPFLAGS_HEAPTYPE);
  base->tp_dealloc(self);
  if (type_needs_decref) Decref(AsObj(type));
}

int SubtypeTraverse(PyObject* self, visitproc visit, void* arg) {
  PyTypeObject* type = self->ob_type;
  PyTypeObject* base = type;
  while (base->tp_traverse == SubtypeTraverse) base = base->tp_base;
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) {
    if (int r = visit(AsObj(type), arg)) return r;
  }
  if (type->tp_dictoffset > 0 && base->tp_dictoffset == 0) {
    PyObject* d = *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(self) + type->tp_dictoffset);
    if (d != nullptr) {
      if (int r = visit(d, arg)) return r;
    }
  }
  if (base->tp_traverse != nullptr) return base->tp_traverse(self, visit, arg);
  return 0;
}

int SubtypeClear(PyObject* self) {
  PyTypeObject* type = self->ob_type;
  PyTypeObject* base = type;
  while (base->tp_clear == SubtypeClear) base = base->tp_base;
  if (type->tp_dictoffset > 0 && base->tp_dictoffset == 0) {
    PyObject* d = *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(self) + type->tp_dictoffset);
    if (d != nullptr) (void)DictClear(d);
  }
  if (base->tp_clear != nullptr) return base->tp_clear(self);
  return 0;
}

void AddSubclass(PyTypeObject* base, PyTypeObject* sub) {
  // A static type outlives every runtime, a heap type does not (a runtime
  // may be destroyed with its heap types never collected): static types
  // record only static subclasses, and invalidating a static type clears
  // the whole lookup cache instead (type_cache.cc).
  if (!(base->tp_flags & Py_TPFLAGS_HEAPTYPE) && (sub->tp_flags & Py_TPFLAGS_HEAPTYPE)) return;
  TypeExtra* x = ExtraOf(base);
  if (x != nullptr) x->subclasses.push_back(sub);
}

namespace {
// The static types of object/ that are readied at start-up.
PyTypeObject* const* StaticTypes(size_t* n);
std::atomic<bool> g_static_ready{false};
std::once_flag g_static_once;

void ReadyAllStaticTypes() {
#define FTRT_INTERN_NAME(field, text) \
  g_names.field = InternFromString(text); \
  FTRT_CHECK(g_names.field != nullptr, "could not intern %s", text);
  FTRT_PROTOCOL_NAMES(FTRT_INTERN_NAME)
#undef FTRT_INTERN_NAME
  // type's slots (object.cc defines the struct; the protocol fills it in).
  PyTypeObject* tt = TypeType();
  tt->tp_base = &PyBaseObject_Type;
  tt->tp_call = TypeCallSlot;
  tt->tp_getattro = TypeGetattroSlot;
  tt->tp_setattro = TypeSetattroSlot;
  tt->tp_repr = TypeReprSlot;
  tt->tp_new = TypeNewSlot;
  tt->tp_init = TypeInitSlot;
  tt->tp_dealloc = HeapTypeDeallocSlot;
  tt->tp_traverse = HeapTypeTraverseSlot;
  tt->tp_clear = HeapTypeClearSlot;
  tt->tp_getset = g_type_getset;
  tt->tp_methods = g_type_methods;
  tt->tp_alloc = PyType_GenericAlloc;
  tt->tp_free = FreeObject;
  InstallReprSlots();
  InstallIterSlots();
  InstallSubscriptSlots();
  InstallContainerMethods();
  InstallIntMethods();
  InstallStrMethods();
  InstallBytesMethods();
  InstallFormatSlots();
  size_t n;
  PyTypeObject* const* types = StaticTypes(&n);
  for (size_t i = 0; i < n; ++i) {
    FTRT_CHECK(TypeReady(types[i]) == 0, "could not ready static type '%s'", types[i]->tp_name);
  }
  InstallFormatMethods();
  ReadyExceptionTypes();
  InstallDirMethods();
}

PyTypeObject* const* StaticTypes(size_t* n) {
  static PyTypeObject* const kTypes[] = {
      &PyBaseObject_Type,     TypeType(),
      NoneType(),             NotImplementedType(),
      EllipsisType(),         IntType(),
      BoolType(),             FloatType(),
      StrType(),              BytesType(),
      TupleType(),            ListType(),
      DictType(),             WeakRefType(),
      WeakCallbackType(),     &PyMethodDescr_Type,
      &PyClassMethodDescr_Type, &PyMemberDescr_Type,
      &PyGetSetDescr_Type,    &PyStaticMethod_Type,
      &PyClassMethod_Type,    &PyCFunction_Type,
      &PyCMethod_Type,        &PyMethod_Type,
      &PyModule_Type,         &PyModuleDef_Type,
      &PyListIter_Type,       &PyTupleIter_Type,
      &PyDictIterKey_Type,    &PyDictIterValue_Type,
      &PyDictIterItem_Type,   &PyUnicodeIter_Type,
      &PyBytesIter_Type,      &PySeqIter_Type,
      &PyCallIter_Type,
      SetType(),              FrozenSetType(),
      &PySetIter_Type,
      SliceType(),            ComplexType(),
      MemoryViewType(),
      ByteArrayType(),        &PyByteArrayIter_Type,
      &PyReversed_Type,       &PyDictProxy_Type,
      &PySuper_Type,          &PyFunction_Type,
      &Py_GenericAliasType,
  };
  *n = sizeof(kTypes) / sizeof(kTypes[0]);
  return kTypes;
}
}  // namespace

void EnsureStaticTypesReady() {
  if (g_static_ready.load(std::memory_order_acquire)) return;
  std::call_once(g_static_once, [] {
    RunInStaticRuntime(ReadyAllStaticTypes);
    g_static_ready.store(true, std::memory_order_release);
  });
}

}  // namespace internal

// ---------------------------------------------------------------------------
// Public API

int TypeReady(PyTypeObject* type) {
  if (IsReady(type)) return 0;
  // Static or heap, without reading tp_flags first: the static-type
  // builder may be writing a static type's flags right now (it readies
  // static types for every thread). A static type sits in static storage,
  // which its header says (PyObject_HEAD_INIT and StaticTypeInit store
  // FTRT_OBJ_FLAG_STATIC); a heap type is readied by its creator before any
  // other thread can see it, so its flags are the caller's to read.
  const bool in_static_storage =
      (internal::FlagsRef(AsObj(type)).load(std::memory_order_relaxed) & FTRT_OBJ_FLAG_STATIC) != 0;
  if (!in_static_storage && (type->tp_flags & Py_TPFLAGS_HEAPTYPE)) return ReadyInPlace(type);
  if (internal::OnStaticBuilderThread()) {
    if (ReadyInPlace(type) < 0) return -1;
    internal::ImmortalizeTree(type->tp_dict);
    internal::ImmortalizeTree(type->tp_bases);
    internal::ImmortalizeTree(MroRef(type).load(std::memory_order_relaxed));
    return 0;
  }
  internal::EnsureStaticTypesReady();
  int rc = 0;
  PyObject* err_type = nullptr;
  std::string err_msg;
  internal::RunInStaticRuntime([&] {
    rc = TypeReady(type);
    if (rc < 0) {
      Ref<> exc = GetRaisedException();
      // Static exception classes are immortal: safe to hand across.
      err_type = exc && IsImmortal(AsObj(exc->ob_type)) ? AsObj(exc->ob_type) : PyExc_SystemError;
      err_msg = exc ? StrUtf8(exc.get()) : "PyType_Ready failed";
    }
  });
  if (rc < 0) SetErrorString(err_type, err_msg);
  return rc;
}

Ref<> TypeFromSpec(PyType_Spec* spec, PyObject* bases_arg, PyObject* module,
                   PyTypeObject* metaclass) {
  if (metaclass != nullptr && metaclass != TypeType()) {
    SetErrorString(PyExc_TypeError, "metaclasses other than type are not supported");
    return nullptr;
  }
  const char* full = spec->name;
  const char* dot = std::strrchr(full, '.');
  absl::string_view short_name = dot != nullptr ? absl::string_view(dot + 1) : full;
  absl::string_view module_name =
      dot != nullptr ? absl::string_view(full, static_cast<size_t>(dot - full)) : "";
  // Bases: the argument, else Py_tp_bases / Py_tp_base, else object.
  Ref<> bases;
  PyObject* b = bases_arg;
  if (b == nullptr) {
    for (PyType_Slot* s = spec->slots; s->slot != 0; ++s) {
      if (s->slot == Py_tp_bases) b = static_cast<PyObject*>(s->pfunc);
    }
  }
  if (b == nullptr) {
    for (PyType_Slot* s = spec->slots; s->slot != 0; ++s) {
      if (s->slot == Py_tp_base) b = static_cast<PyObject*>(s->pfunc);
    }
  }
  if (b == nullptr) b = AsObj(&PyBaseObject_Type);
  if (IsTuple(b)) {
    bases = Ref<>::NewRef(b);
  } else {
    bases = RefOrRaise(TupleFromItems({b}));
    if (!bases) return nullptr;
  }
  PyTypeObject* base = BestBase(bases.get());
  if (base == nullptr) return nullptr;

  Ref<PyTypeObject> type = AllocHeapType(full, short_name);
  if (!type) return nullptr;
  PyTypeObject* t = type.get();
  HeapTypeObject* ht = AsHeap(t);
  t->tp_flags = spec->flags | Py_TPFLAGS_HEAPTYPE;
  t->tp_basicsize = spec->basicsize;
  t->tp_itemsize = spec->itemsize;
  if (t->tp_basicsize < 0) {
    SetErrorString(PyExc_SystemError, "negative basicsize is not supported");
    return nullptr;
  }
  for (PyType_Slot* s = spec->slots; s->slot != 0; ++s) {
    if (s->slot < 0 || s->slot > Py_am_send) {
      SetErrorString(PyExc_RuntimeError, "invalid slot offset");
      return nullptr;
    }
    if (s->slot == Py_tp_base || s->slot == Py_tp_bases) continue;
    if (s->slot == Py_tp_doc) {
      if (s->pfunc != nullptr) {
        char* doc = strdup(static_cast<const char*>(s->pfunc));
        if (doc == nullptr) return NoMemory();
        t->tp_doc = doc;
      }
      continue;
    }
    char* addr = SlotAddress(t, PlaceOf(s->slot));
    if (addr == nullptr) {
      SetErrorString(PyExc_RuntimeError, "invalid slot offset");
      return nullptr;
    }
    std::memcpy(addr, &s->pfunc, sizeof(void*));
  }
  if (t->tp_members != nullptr) {
    // The type keeps its own copy (typeobject.h, TypeExtra::members).
    std::vector<PyMemberDef>& copy = ExtraOf(t)->members;
    for (PyMemberDef* m = t->tp_members; m->name != nullptr; ++m) copy.push_back(*m);
    copy.push_back(PyMemberDef{});
    t->tp_members = copy.data();
  }
  for (PyMemberDef* m = t->tp_members; m != nullptr && m->name != nullptr; ++m) {
    if (std::strcmp(m->name, "__dictoffset__") == 0) t->tp_dictoffset = m->offset;
    if (std::strcmp(m->name, "__weaklistoffset__") == 0) t->tp_weaklistoffset = m->offset;
    if (std::strcmp(m->name, "__vectorcalloffset__") == 0) t->tp_vectorcall_offset = m->offset;
  }
  if (t->tp_dealloc == nullptr) t->tp_dealloc = internal::SubtypeDealloc;
  t->tp_base = base;
  if (base->tp_flags & Py_TPFLAGS_HEAPTYPE) Incref(AsObj(base));
  t->tp_bases = bases.Release();
  if (module != nullptr) {
    Incref(module);
    ht->ht_module = module;
  }
  if (FinishHeapType(t, module_name) < 0) return nullptr;
  return Ref<>(std::move(type));
}

Ref<> TypeNew(absl::string_view name, PyObject* bases_arg, PyObject* dict) {
  Ref<> bases;
  if (bases_arg == nullptr || TupleSize(bases_arg) == 0) {
    bases = RefOrRaise(TupleFromItems({AsObj(&PyBaseObject_Type)}));
    if (!bases) return nullptr;
  } else {
    bases = Ref<>::NewRef(bases_arg);
  }
  PyTypeObject* base = BestBase(bases.get());
  if (base == nullptr) return nullptr;
  std::string tpname(name);
  Ref<PyTypeObject> type = AllocHeapType(tpname.c_str(), name);
  if (!type) return nullptr;
  PyTypeObject* t = type.get();
  HeapTypeObject* ht = AsHeap(t);
  t->tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HEAPTYPE | Py_TPFLAGS_BASETYPE |
                Py_TPFLAGS_HAVE_GC;
  t->tp_basicsize = base->tp_basicsize;
  t->tp_itemsize = base->tp_itemsize;
  static PyGetSetDef dict_getset[] = {
      {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, nullptr, nullptr},
      {nullptr, nullptr, nullptr, nullptr, nullptr},
  };
  if (base->tp_dictoffset == 0 && base->tp_itemsize == 0) {
    t->tp_dictoffset = t->tp_basicsize;
    t->tp_basicsize += sizeof(PyObject*);
    t->tp_getset = dict_getset;
  }
  if (base->tp_weaklistoffset == 0 && base->tp_itemsize == 0) {
    t->tp_weaklistoffset = t->tp_basicsize;
    t->tp_basicsize += sizeof(PyObject*);
  }
  t->tp_dealloc = internal::SubtypeDealloc;
  t->tp_traverse = internal::SubtypeTraverse;
  t->tp_clear = internal::SubtypeClear;
  t->tp_base = base;
  if (base->tp_flags & Py_TPFLAGS_HEAPTYPE) Incref(AsObj(base));
  t->tp_bases = bases.Release();
  // The namespace: a copy of `dict`; __qualname__ taken out of it.
  Ref<> ns = RefOrRaise(DictNew());
  if (!ns) return nullptr;
  if (dict != nullptr) {
    Py_ssize_t pos = 0;
    Ref<> k, v;
    while (DictNext(dict, &pos, &k, &v)) {
      PyObject* key = k.get();
      if (IsStr(key)) {
        key = InternStr(key);
        if (key == nullptr) return nullptr;
      }
      if (key == g_names.dunder_qualname) {
        if (!IsStr(v.get())) {
          return SetErrorFormat(PyExc_TypeError,
                                "type __qualname__ must be a str, not %s",
                                v->ob_type->tp_name);
        }
        Decref(std::exchange(ht->ht_qualname, v.Release()));
        continue;
      }
      if (OkOrRaise(DictSetItem(ns.get(), key, v.get())) < 0) return nullptr;
    }
  }
  if (DictSetDefaultName(ns.get(), g_names.dunder_module, g_names.builtins, false) < 0) {
    return nullptr;
  }
  t->tp_dict = ns.Release();
  if (FinishHeapType(t, "") < 0) return nullptr;
  return Ref<>(std::move(type));
}

bool TypeIsSubtype(const PyTypeObject* a, const PyTypeObject* b) {
  if (a == b) return true;
  PyObject* mro = std::atomic_ref<PyObject*>(const_cast<PyTypeObject*>(a)->tp_mro)
                      .load(std::memory_order_acquire);
  if (mro != nullptr) {
    for (PyObject* c : TupleItems(mro)) {
      if (c == reinterpret_cast<const PyObject*>(b)) return true;
    }
    return false;
  }
  for (const PyTypeObject* t = a; t != nullptr; t = t->tp_base) {
    if (t == b) return true;
  }
  return b == &PyBaseObject_Type;
}

void* TypeGetSlot(PyTypeObject* type, int slot_id) {
  SlotPlace p = PlaceOf(slot_id);
  if (p.suite == Suite::kNone || slot_id == Py_tp_doc) {
    if (slot_id == Py_tp_doc) return const_cast<char*>(type->tp_doc);
    BadInternalCall();
    return nullptr;
  }
  char* addr = SlotAddress(type, p);
  if (addr == nullptr) return nullptr;
  void* value;
  std::memcpy(&value, addr, sizeof(void*));
  return value;
}

PyObject* TypeGetModule(PyTypeObject* type) {
  if (!HasHeapLayout(type)) {
    return SetErrorFormat(PyExc_TypeError,
                          "PyType_GetModule: Type '%s' is not a heap type", type->tp_name);
  }
  PyObject* m = AsHeap(type)->ht_module;
  if (m == nullptr) {
    return SetErrorFormat(PyExc_TypeError,
                          "PyType_GetModule: Type '%s' has no associated module",
                          type->tp_name);
  }
  return m;
}

void* TypeGetModuleState(PyTypeObject* type) {
  PyObject* m = TypeGetModule(type);
  if (m == nullptr) return nullptr;
  return ModuleGetState(m);
}

PyObject* TypeGetModuleByDef(PyTypeObject* type, PyModuleDef* def) {
  PyObject* mro = MroRef(type).load(std::memory_order_acquire);
  if (mro != nullptr) {
    for (PyObject* c : TupleItems(mro)) {
      PyTypeObject* t = AsType(c);
      if (!HasHeapLayout(t)) continue;
      PyObject* m = AsHeap(t)->ht_module;
      if (m != nullptr && IsModule(m) && ModuleGetDef(m) == def) return m;
    }
  }
  return SetErrorFormat(PyExc_TypeError,
                        "PyType_GetModuleByDef: No superclass of '%s' has the given module",
                        type->tp_name);
}

const char* TypeShortName(const PyTypeObject* type) {
  const char* dot = std::strrchr(type->tp_name, '.');
  return dot != nullptr ? dot + 1 : type->tp_name;
}

Ref<> TypeGetName(PyTypeObject* type) {
  if (HasHeapLayout(type)) return Ref<>::NewRef(AsHeap(type)->ht_name);
  return RefOrRaise(StrFromUtf8(TypeShortName(type)));
}

Ref<> TypeGetQualName(PyTypeObject* type) {
  if (HasHeapLayout(type)) return Ref<>::NewRef(AsHeap(type)->ht_qualname);
  return RefOrRaise(StrFromUtf8(TypeShortName(type)));
}

Ref<> TypeGetModuleName(PyTypeObject* type) {
  if ((type->tp_flags & Py_TPFLAGS_HEAPTYPE) && type->tp_dict != nullptr) {
    absl::StatusOr<Ref<>> m = DictGetItemRefOrNull(type->tp_dict, g_names.dunder_module);
    if (!m.ok()) return RefOrRaise(m.status());
    if (*m) return *std::move(m);
    return Ref<>::NewRef(g_names.builtins);
  }
  const char* dot = std::strrchr(type->tp_name, '.');
  if (dot == nullptr) return Ref<>::NewRef(g_names.builtins);
  return RefOrRaise(StrFromUtf8(
      absl::string_view(type->tp_name, static_cast<size_t>(dot - type->tp_name))));
}

void TypeModified(PyTypeObject* type) {
  TypeLockGuard lock;
  internal::InvalidateVersionTagsLocked(type);
}

Ref<> TypeGetAttr(PyTypeObject* type, PyObject* name) {
  if (!IsStr(name)) {
    return SetErrorFormat(PyExc_TypeError, "attribute name must be string, not '%s'",
                          name->ob_type->tp_name);
  }
  PyTypeObject* metatype = type->ob_base.ob_base.ob_type;
  internal::TypeLookupResult meta = internal::TypeLookupFast(metatype, name);
  std::optional<StackRef> meta_pin;
  if (meta.value != nullptr) {
    meta_pin.emplace(meta.value);
    if (meta.counted) Decref(meta.value);
  }
  descrgetfunc meta_get = nullptr;
  if (meta.value != nullptr) {
    meta_get = meta.value->ob_type->tp_descr_get;
    if (meta_get != nullptr && IsDataDescriptor(meta.value)) {
      return Ref<>::Steal(meta_get(meta.value, AsObj(type), AsObj(metatype)));
    }
  }
  internal::TypeLookupResult attr = internal::TypeLookupFast(type, name);
  if (attr.value != nullptr) {
    StackRef pin(attr.value);
    if (attr.counted) Decref(attr.value);
    if (descrgetfunc local_get = attr.value->ob_type->tp_descr_get) {
      return Ref<>::Steal(local_get(attr.value, nullptr, AsObj(type)));
    }
    return Ref<>::NewRef(attr.value);
  }
  if (meta_get != nullptr) {
    return Ref<>::Steal(meta_get(meta.value, AsObj(type), AsObj(metatype)));
  }
  if (meta.value != nullptr) return Ref<>::NewRef(meta.value);
  return SetErrorFormat(PyExc_AttributeError, "type object '%s' has no attribute '%s'",
                        type->tp_name, StrUtf8(name));
}

int TypeSetAttr(PyTypeObject* type, PyObject* name, PyObject* value) {
  if (!IsStr(name)) {
    SetErrorFormat(PyExc_TypeError, "attribute name must be string, not '%s'",
                   name->ob_type->tp_name);
    return -1;
  }
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE) || (type->tp_flags & Py_TPFLAGS_IMMUTABLETYPE)) {
    SetErrorFormat(PyExc_TypeError, "cannot set %s attribute of immutable type '%s'",
                   ReprUtf8(name), type->tp_name);
    return -1;
  }
  PyObject* key = InternStr(name);
  if (key == nullptr) return -1;
  // A data descriptor of the metatype (type.__module__, ...) decides.
  PyTypeObject* metatype = type->ob_base.ob_base.ob_type;
  internal::TypeLookupResult meta = internal::TypeLookupFast(metatype, key);
  if (meta.value != nullptr) {
    StackRef pin(meta.value);
    if (meta.counted) Decref(meta.value);
    if (descrsetfunc set = meta.value->ob_type->tp_descr_set) {
      return set(meta.value, AsObj(type), value);
    }
  }
  Ref<> old;
  int rc = 0;
  {
    TypeLockGuard lock;
    // Zero the tags first: from here no reader fills the cache with what
    // the dict holds now, and none matches an old entry.
    internal::InvalidateVersionTagsLocked(type);
    absl::StatusOr<Ref<>> prev = DictGetItemRefOrNull(type->tp_dict, key);
    if (prev.ok()) old = *std::move(prev);
    if (value != nullptr) {
      rc = OkOrRaise(DictSetItem(type->tp_dict, key, value));
    } else if (!old) {
      SetErrorFormat(PyExc_AttributeError, "type object '%s' has no attribute '%s'",
                     type->tp_name, StrUtf8(key));
      rc = -1;
    } else {
      rc = OkOrRaise(DictDelItem(type->tp_dict, key));
    }
  }
  if (rc == 0 && IsSlotDunder(key)) {
    // Slots are read without synchronisation by every caller: change them
    // only while no other thread of this runtime runs (as CPython 3.13t).
    ThreadState* ts = ThreadState::Current();
    FTRT_CHECK(ts != nullptr, "TypeSetAttr on a thread that is not attached");
    StopTheWorldGuard stop(ts->runtime());
    UpdateSlotRecursive(type, key);
  }
  // `old` is dropped here, with no lock held.
  return rc;
}

Ref<> TypeDictCopy(PyTypeObject* type) {
  Ref<> copy = RefOrRaise(DictNew());
  if (!copy || type->tp_dict == nullptr) return copy;
  Py_ssize_t pos = 0;
  Ref<> k, v;
  while (DictNext(type->tp_dict, &pos, &k, &v)) {
    if (OkOrRaise(DictSetItem(copy.get(), k.get(), v.get())) < 0) return nullptr;
  }
  return copy;
}

}  // namespace ftrt
