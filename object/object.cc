// Objects and types: allocation and the refcounting side of types (see
// object.h).
#include "object/object.h"

#include <cstring>

#include "object/dealloc.h"
#include "object/debug.h"
#include "object/thread_objects.h"

namespace ftrt {
namespace {

// tp_dealloc of "type": only heap types are ever freed (static ones are
// immortal).
void TypeDealloc(PyObject* self) {
  auto* type = reinterpret_cast<PyTypeObject*>(self);
  FTRT_CHECK(type->tp_flags & Py_TPFLAGS_HEAPTYPE, "dealloc of static type '%s'",
             type->tp_name);
  UntrackObject(self);
  PyTypeObject* base = type->tp_base;
  type->tp_base = nullptr;
  FreeObject(self);
  if (base != nullptr && (base->tp_flags & Py_TPFLAGS_HEAPTYPE)) Decref(AsHeader(base));
}

int TypeTraverse(PyObject* self, visitproc visit, void* arg) {
  auto* type = reinterpret_cast<PyTypeObject*>(self);
  if ((type->tp_flags & Py_TPFLAGS_HEAPTYPE) && type->tp_base != nullptr &&
      (type->tp_base->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
    return visit(AsHeader(type->tp_base), arg);
  }
  return 0;
}

int TypeClear(PyObject* self) {
  auto* type = reinterpret_cast<PyTypeObject*>(self);
  PyTypeObject* base = type->tp_base;
  if ((type->tp_flags & Py_TPFLAGS_HEAPTYPE) && base != nullptr &&
      (base->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
    type->tp_base = nullptr;
    Decref(AsHeader(base));
  }
  return 0;
}

}  // namespace

namespace internal {
// The metatype, static and immortal (constinit: usable from any static
// initializer, including other static types' headers).
constinit PyTypeObject g_type_type = [] {
  PyTypeObject t = StaticTypeInit(
      "type", sizeof(PyTypeObject),
      Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_TYPE_SUBCLASS);
  t.tp_dealloc = TypeDealloc;
  t.tp_traverse = TypeTraverse;
  t.tp_clear = TypeClear;
  t.tp_weaklistoffset = offsetof(PyTypeObject, tp_weaklist);
  return t;
}();
}  // namespace internal

PyTypeObject* TypeType() { return &internal::g_type_type; }

ObjectHeader* AllocObjectOfType(PyTypeObject* type, Py_ssize_t size) {
  if (size == 0) size = type->tp_basicsize;
  FTRT_DCHECK(size >= static_cast<Py_ssize_t>(sizeof(ObjectHeader)),
              "object of type '%s' smaller than its header", type->tp_name);
  void* mem = internal::AllocObjectMemory(static_cast<size_t>(size),
                                          (type->tp_flags & Py_TPFLAGS_HAVE_GC) != 0);
  if (mem == nullptr) return nullptr;
  auto* op = static_cast<ObjectHeader*>(mem);
  // alloc/ wrote ob_tid (this thread), flags, gc bits, zero counts.
  internal::LocalRef(op).store(1, std::memory_order_relaxed);
  op->ob_type = type;
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) Incref(AsHeader(type));
  return op;
}

void FreeObject(void* op) { internal::FreeObjectMemory(op); }

namespace {

// Tracking memory that is not from a GC heap: the collector walks only
// those heaps (alloc/), so it could never count or restore such an object,
// and a tracked object the walk never meets breaks the count's
// bookkeeping. It is a caller's bug (CPython: PyObject_GC_Track on an
// object of a type without Py_TPFLAGS_HAVE_GC); debug builds abort naming
// the object, other builds leave it untracked.
FTRT_NOINLINE void TrackNonGcSlow(ObjectHeader* op) {
  FTRT_DCHECK(false, "TrackObject: %s was not allocated as GC-capable (its type lacks Py_TPFLAGS_HAVE_GC?)",
              DescribeObject(op).c_str());
  (void)op;
}

}  // namespace

void TrackObject(ObjectHeader* op) {
  const uint8_t bits = internal::GcBitsRef(op).load(std::memory_order_relaxed);
  // (Static objects are immortal: never candidates, so their bit is moot.)
  if (FTRT_UNLIKELY(!(bits & FTRT_GC_BIT_GC_CAPABLE)) && !IsImmortal(op)) {
    TrackNonGcSlow(op);
    return;
  }
  internal::GcBitsRef(op).fetch_or(FTRT_GC_BIT_TRACKED, std::memory_order_relaxed);
}

void UntrackObject(ObjectHeader* op) {
  internal::GcBitsRef(op).fetch_and(static_cast<uint8_t>(~FTRT_GC_BIT_TRACKED),
                                    std::memory_order_relaxed);
}

bool IsTracked(const ObjectHeader* op) {
  return (internal::GcBitsRef(internal::Mut(op)).load(std::memory_order_relaxed) &
          FTRT_GC_BIT_TRACKED) != 0;
}

void InitStaticType(PyTypeObject* type) {
  ObjectHeader* op = AsHeader(type);
  if (op->ob_type == nullptr) op->ob_type = TypeType();
  op->ob_flags |= FTRT_OBJ_FLAG_STATIC;
  SetImmortal(op);
}

absl::StatusOr<Ref<PyTypeObject>> NewHeapType(const HeapTypeSpec& spec) {
  const size_t name_len = std::strlen(spec.name);
  const Py_ssize_t size = static_cast<Py_ssize_t>(sizeof(PyTypeObject) + name_len + 1);
  Ref<PyTypeObject> type = NewObject<PyTypeObject>(TypeType(), size);
  if (!type) return absl::ResourceExhaustedError("out of memory for a type object");
  char* name = reinterpret_cast<char*>(type.get() + 1);
  std::memcpy(name, spec.name, name_len + 1);
  PyTypeObject* t = type.get();
  t->tp_name = name;
  t->tp_basicsize = spec.basicsize;
  t->tp_itemsize = spec.itemsize;
  t->tp_flags = spec.flags | Py_TPFLAGS_HEAPTYPE | Py_TPFLAGS_READY;
  t->tp_dealloc = spec.dealloc;
  t->tp_traverse = spec.traverse;
  t->tp_clear = spec.clear;
  t->tp_finalize = spec.finalize;
  t->tp_free = spec.free;
  t->tp_weaklistoffset = spec.weaklistoffset;
  if (spec.base != nullptr) {
    if (spec.base->tp_flags & Py_TPFLAGS_HEAPTYPE) Incref(AsHeader(spec.base));
    t->tp_base = spec.base;
  }
  SetDeferredRefcount(type.header());
  TrackObject(type.header());
  return type;
}

}  // namespace ftrt
