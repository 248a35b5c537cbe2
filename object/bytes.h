// bytes: an immutable byte string, laid out as CPython's PyBytesObject
// (ob_size bytes in ob_sval, then a NUL), so ext_abi/'s PyBytes_AS_STRING
// and PyBytes_GET_SIZE read it directly.
//
// The hash is cached in ob_shash (-1 until computed; relaxed atomic store,
// every thread computes the same value) and equals the hash of the str of
// the same ASCII characters, as in CPython. Bytes made by BytesNew are
// writable by their creator until published (PyBytes_FromStringAndSize
// with NULL). The empty bytes object is an immortal static singleton.
#ifndef FTRT_OBJECT_BYTES_H_
#define FTRT_OBJECT_BYTES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyBytes_Type;
}

namespace ftrt {

using BytesObject = PyBytesObject;

PyTypeObject* BytesType();

inline bool IsBytes(const PyObject* op) {
  return (op->ob_type->tp_flags & Py_TPFLAGS_BYTES_SUBCLASS) != 0;
}

// Raw access (unchecked: op must be bytes).
inline Py_ssize_t BytesSize(const PyObject* op) {
  return reinterpret_cast<const PyVarObject*>(op)->ob_size;
}
inline char* BytesData(const PyObject* op) {
  return const_cast<char*>(reinterpret_cast<const BytesObject*>(op)->ob_sval);
}
inline absl::string_view BytesView(const PyObject* op) {
  return absl::string_view(BytesData(op), static_cast<size_t>(BytesSize(op)));
}

// A copy of `data`; MemoryError if allocation fails.
absl::StatusOr<Ref<>> BytesFromData(absl::string_view data);

// `size` zero bytes for the creator to fill before publishing; SystemError
// for a negative size.
absl::StatusOr<Ref<>> BytesNew(Py_ssize_t size);

// An instance of `type`, a subclass of bytes, holding a copy of the bytes
// `value`; made by the type's tp_alloc (its error if that fails).
absl::StatusOr<Ref<>> BytesSubtypeCopy(PyTypeObject* type, const PyObject* value);

// hash(b), cached (unchecked: op must be bytes).
Py_hash_t BytesHash(PyObject* op);

// The empty bytes object (immortal).
PyObject* EmptyBytes();

}  // namespace ftrt

#endif  // FTRT_OBJECT_BYTES_H_
