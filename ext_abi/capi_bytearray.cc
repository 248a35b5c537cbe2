// libftrt.so: the bytearray C API (PyByteArray_*; bytearrayobject.h) over
// object/'s bytearray.h, which also defines PyByteArray_Type,
// PyByteArrayIter_Type and _PyByteArray_empty_string under their C names.
//
// CPython 3.13's semantics: PyByteArray_FromObject is bytearray(o);
// PyByteArray_FromStringAndSize copies `size` bytes, or gives `size` zero
// bytes for NULL data (CPython leaves them uninitialised); Concat takes
// any two buffer exporters. Where CPython only asserts (NULL, or an object
// that is not a bytearray), these raise SystemError (bad internal call)
// and return the error value; they never touch memory outside the object.
#include "ext_abi/capi_internal.h"
#include "object/bytearray.h"
#include "object/refcount.h"

using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NewOrRaise;
using ftrt::ext::internal::StatusToInt;

namespace {

// op if it is a bytearray; else null with SystemError.
PyObject* NeedByteArray(PyObject* op, const char* func) {
  if (op == nullptr || !ftrt::IsByteArray(op)) {
    BadCall(func);
    return nullptr;
  }
  return op;
}

}  // namespace

extern "C" {

PyObject* PyByteArray_FromObject(PyObject* o) {
  if (o == nullptr) {
    BadCall("PyByteArray_FromObject");
    return nullptr;
  }
  return ftrt::ByteArrayFromObject(o).Release();
}

PyObject* PyByteArray_FromStringAndSize(const char* bytes, Py_ssize_t size) {
  if (bytes == nullptr || size < 0) return NewOrRaise(ftrt::ByteArrayNew(size));
  return NewOrRaise(ftrt::ByteArrayFromData(absl::string_view(bytes, static_cast<size_t>(size))));
}

PyObject* PyByteArray_Concat(PyObject* a, PyObject* b) {
  if (a == nullptr || b == nullptr) {
    BadCall("PyByteArray_Concat");
    return nullptr;
  }
  return ftrt::ByteArrayConcat(a, b).Release();
}

Py_ssize_t PyByteArray_Size(PyObject* self) {
  if (NeedByteArray(self, "PyByteArray_Size") == nullptr) return -1;
  return ftrt::ByteArraySize(self);
}

char* PyByteArray_AsString(PyObject* self) {
  if (NeedByteArray(self, "PyByteArray_AsString") == nullptr) return nullptr;
  return ftrt::ByteArrayAsString(self);
}

int PyByteArray_Resize(PyObject* self, Py_ssize_t size) {
  if (NeedByteArray(self, "PyByteArray_Resize") == nullptr) return -1;
  return StatusToInt(ftrt::ByteArrayResize(self, size));
}

}  // extern "C"
