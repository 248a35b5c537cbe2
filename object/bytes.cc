// bytes (see bytes.h).
#include "object/bytes.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "object/buffer.h"
#include "object/builtin_internal.h"
#include "object/errors.h"
#include "object/hash.h"
#include "object/none_bool.h"
#include "object/object.h"

namespace ftrt {
namespace {

std::atomic_ref<Py_hash_t> ShashRef(PyObject* op) {
  return std::atomic_ref<Py_hash_t>(reinterpret_cast<BytesObject*>(op)->ob_shash);
}

Py_hash_t BytesHashSlot(PyObject* op) { return BytesHash(op); }

PyObject* BytesRichCompareSlot(PyObject* a, PyObject* b, int op) {
  if (!IsBytes(a) || !IsBytes(b)) return NotImplemented();
  const absl::string_view va = BytesView(a), vb = BytesView(b);
  return internal::BoolResult(internal::CompareSatisfies(va.compare(vb) <=> 0, op));
}

Py_ssize_t BytesLengthSlot(PyObject* op) { return BytesSize(op); }

constinit PySequenceMethods g_bytes_as_sequence = [] {
  PySequenceMethods m{};
  m.sq_length = BytesLengthSlot;
  return m;
}();

// bytes exports its contents read-only: they never change, so any number of
// consumers may share them without a lock.
int BytesGetBufferSlot(PyObject* op, Py_buffer* view, int flags) {
  return FillBufferInfo(view, op, BytesData(op), BytesSize(op), 1, flags);
}

constinit PyBufferProcs g_bytes_as_buffer = [] {
  PyBufferProcs b{};
  b.bf_getbuffer = BytesGetBufferSlot;
  return b;
}();

struct EmptyBytesStorage {
  PyBytesObject base;
};

}  // namespace

extern "C" {
constinit PyTypeObject PyBytes_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = ::ftrt::internal::StaticObjectHeader(nullptr);
  t.tp_name = "bytes";
  t.tp_basicsize = offsetof(PyBytesObject, ob_sval) + 1;
  t.tp_itemsize = 1;
  t.tp_as_sequence = &g_bytes_as_sequence;
  t.tp_as_buffer = &g_bytes_as_buffer;
  t.tp_hash = BytesHashSlot;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_BYTES_SUBCLASS |
               Py_TPFLAGS_IMMUTABLETYPE;
  t.tp_doc = "bytes(iterable_of_ints) -> bytes";
  t.tp_richcompare = BytesRichCompareSlot;
  return t;
}();
}  // extern "C"

namespace {

constinit EmptyBytesStorage g_empty_bytes = {
    .base = {.ob_base = {.ob_base = internal::StaticObjectHeader(&PyBytes_Type), .ob_size = 0},
             .ob_shash = 0,
             .ob_sval = {0}},
};

const bool g_types_ready = [] {
  InitStaticType(&PyBytes_Type);
  return true;
}();

Ref<> AllocBytes(Py_ssize_t size) {
  (void)g_types_ready;
  if (size > PY_SSIZE_T_MAX - static_cast<Py_ssize_t>(offsetof(PyBytesObject, ob_sval)) - 1) {
    return nullptr;
  }
  Ref<BytesObject> b = NewObject<BytesObject>(
      &PyBytes_Type, static_cast<Py_ssize_t>(offsetof(PyBytesObject, ob_sval)) + size + 1);
  if (!b) return nullptr;
  b->ob_base.ob_size = size;
  b->ob_shash = -1;
  return Ref<>(std::move(b));
}

}  // namespace

PyTypeObject* BytesType() { return (void)g_types_ready, &PyBytes_Type; }

PyObject* EmptyBytes() { return &g_empty_bytes.base.ob_base.ob_base; }

absl::StatusOr<Ref<>> BytesFromData(absl::string_view data) {
  if (data.empty()) return Ref<>::Steal(EmptyBytes());
  Ref<> b = AllocBytes(static_cast<Py_ssize_t>(data.size()));
  if (!b) return NoMemoryError();
  std::memcpy(BytesData(b.get()), data.data(), data.size());
  return b;
}

absl::StatusOr<Ref<>> BytesNew(Py_ssize_t size) {
  if (size < 0) {
    return MakeError(ErrorKind::kSystemError, "Negative size passed to PyBytes_FromStringAndSize");
  }
  if (size == 0) return Ref<>::Steal(EmptyBytes());
  Ref<> b = AllocBytes(size);
  if (!b) return NoMemoryError();
  return b;
}

absl::StatusOr<Ref<>> BytesSubtypeCopy(PyTypeObject* type, const PyObject* value) {
  const Py_ssize_t n = BytesSize(value);
  // tp_alloc sizes it by bytes' item size (1) and sets ob_size.
  Ref<> obj = Ref<>::Steal(type->tp_alloc(type, n));
  if (!obj) return TakeErrorIndicator("tp_alloc");
  reinterpret_cast<BytesObject*>(obj.get())->ob_shash = -1;
  std::memcpy(BytesData(obj.get()), BytesData(value), static_cast<size_t>(n));
  BytesData(obj.get())[n] = '\0';
  return obj;
}

Py_hash_t BytesHash(PyObject* op) {
  Py_hash_t h = ShashRef(op).load(std::memory_order_relaxed);
  if (h != -1) return h;
  h = HashBytes(BytesData(op), static_cast<size_t>(BytesSize(op)));
  ShashRef(op).store(h, std::memory_order_relaxed);
  return h;
}

}  // namespace ftrt
