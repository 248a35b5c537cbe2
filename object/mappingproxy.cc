// mappingproxy (CPython's PyDictProxy_Type): a read-only view of a
// mapping, which extensions hand out where a dict must not be changed by
// its readers (a registry, a type's table of constants). Every operation
// delegates to the mapping: len, [], in, iteration, get / keys / values /
// items / copy, ==, hash, str; item assignment is refused because the
// proxy has no mp_ass_subscript. The proxy itself never changes after it
// is made, so any thread may use it; what the mapping does under
// concurrent use is the mapping's own business (a dict's reads are
// thread-safe).
#include "object/mappingproxy.h"

#include <string>
#include <utility>

#include "object/attributes.h"
#include "object/call.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/subscript.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

struct MappingProxyObject {
  PyObject ob_base;
  PyObject* mapping;  // set at creation, dropped at dealloc
};

PyObject* MappingOf(PyObject* self) { return reinterpret_cast<MappingProxyObject*>(self)->mapping; }

Py_ssize_t LengthSlot(PyObject* self) { return ObjectSize(MappingOf(self)); }

PyObject* SubscriptSlot(PyObject* self, PyObject* key) {
  return ObjectGetItem(MappingOf(self), key).Release();
}

int ContainsSlot(PyObject* self, PyObject* key) {
  PyObject* m = MappingOf(self);
  if (const PySequenceMethods* sq = m->ob_type->tp_as_sequence; sq && sq->sq_contains) {
    return sq->sq_contains(m, key);
  }
  // A mapping without __contains__: a lookup that raises KeyError is "no".
  Ref<> v = ObjectGetItem(m, key);
  if (v) return 1;
  if (!ExceptionMatches(PyExc_KeyError)) return -1;
  ClearError();
  return 0;
}

PyObject* IterSlot(PyObject* self) { return GetIter(MappingOf(self)).Release(); }

PyObject* ReprSlot(PyObject* self) {
  Ref<> inner = ObjectRepr(MappingOf(self));
  if (!inner) return nullptr;
  absl::StatusOr<absl::string_view> text = StrAsUtf8(inner.get());
  if (!text.ok()) return RefOrRaise(absl::StatusOr<Ref<>>(text.status())).Release();
  return RefOrRaise(StrFromUtf8("mappingproxy(" + std::string(*text) + ")")).Release();
}

PyObject* StrSlot(PyObject* self) { return ObjectStr(MappingOf(self)).Release(); }

Py_hash_t HashSlot(PyObject* self) { return ObjectHash(MappingOf(self)); }

PyObject* RichCompareSlot(PyObject* self, PyObject* other, int op) {
  return ObjectRichCompare(MappingOf(self), other, op).Release();
}

// get / keys / values / items / copy: the mapping's own methods.
template <const char* kName>
PyObject* Delegate(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  Ref<> method = GetAttrString(MappingOf(self), kName);
  if (!method) return nullptr;
  return Vectorcall(method.get(), args, static_cast<size_t>(nargs), nullptr).Release();
}

constexpr char kGet[] = "get";
constexpr char kKeys[] = "keys";
constexpr char kValues[] = "values";
constexpr char kItems[] = "items";
constexpr char kCopy[] = "copy";

#define FTRT_FAST(f) reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f))

PyMethodDef g_methods[] = {
    {"get", FTRT_FAST(Delegate<kGet>), METH_FASTCALL,
     "Return the value for key if key is in the mapping, else default."},
    {"keys", FTRT_FAST(Delegate<kKeys>), METH_FASTCALL, "D.keys() -> a set-like object"},
    {"values", FTRT_FAST(Delegate<kValues>), METH_FASTCALL, "D.values() -> the values"},
    {"items", FTRT_FAST(Delegate<kItems>), METH_FASTCALL, "D.items() -> the (key, value) pairs"},
    {"copy", FTRT_FAST(Delegate<kCopy>), METH_FASTCALL, "D.copy() -> a shallow copy of D"},
    {nullptr, nullptr, 0, nullptr},
};

#undef FTRT_FAST

void DeallocSlot(PyObject* self) {
  UntrackObject(self);
  PyObject* m = std::exchange(reinterpret_cast<MappingProxyObject*>(self)->mapping, nullptr);
  FreeObject(self);
  if (m != nullptr) Decref(m);
}

int TraverseSlot(PyObject* self, visitproc visit, void* arg) {
  if (PyObject* m = MappingOf(self)) return visit(m, arg);
  return 0;
}

PyObject* NewSlot(PyTypeObject*, PyObject* args, PyObject* kwargs) {
  static const ArgParser kParser = {"mappingproxy", {"mapping"}, 0, 1, 1};
  PyObject* mapping = nullptr;
  if (!UnpackKeywordsDict(kParser, args, kwargs, absl::MakeSpan(&mapping, 1))) return nullptr;
  return MappingProxyNew(mapping).Release();
}

constinit PyMappingMethods g_as_mapping = [] {
  PyMappingMethods m{};
  m.mp_length = LengthSlot;
  m.mp_subscript = SubscriptSlot;
  return m;
}();

constinit PySequenceMethods g_as_sequence = [] {
  PySequenceMethods s{};
  s.sq_contains = ContainsSlot;
  return s;
}();

}  // namespace

extern "C" {
constinit PyTypeObject PyDictProxy_Type = [] {
  PyTypeObject t = StaticTypeInit("mappingproxy", sizeof(MappingProxyObject),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = DeallocSlot;
  t.tp_traverse = TraverseSlot;
  t.tp_repr = ReprSlot;
  t.tp_str = StrSlot;
  t.tp_hash = HashSlot;
  t.tp_richcompare = RichCompareSlot;
  t.tp_as_mapping = &g_as_mapping;
  t.tp_as_sequence = &g_as_sequence;
  t.tp_iter = IterSlot;
  t.tp_methods = g_methods;
  t.tp_new = NewSlot;
  t.tp_doc = "mappingproxy(mapping)\n--\n\nRead-only proxy of a mapping.";
  return t;
}();
}  // extern "C"

Ref<> MappingProxyNew(PyObject* mapping) {
  const PyMappingMethods* mp = mapping->ob_type->tp_as_mapping;
  // (dict has mp_subscript too.)
  if (mp == nullptr || mp->mp_subscript == nullptr || IsList(mapping) || IsTuple(mapping)) {
    return SetErrorFormat(PyExc_TypeError, "mappingproxy() argument must be a mapping, not %s",
                          mapping->ob_type->tp_name);
  }
  auto* p = reinterpret_cast<MappingProxyObject*>(AllocObjectOfType(&PyDictProxy_Type));
  if (p == nullptr) {
    SetErrorString(PyExc_MemoryError, "");
    return nullptr;
  }
  p->mapping = Ref<>::NewRef(mapping).Release();
  TrackObject(AsHeader(&p->ob_base));
  return Ref<>::Steal(&p->ob_base);
}

}  // namespace ftrt
