// bytearray: a mutable byte string, laid out as CPython 3.13's
// PyByteArrayObject (builtin_layouts.h: ob_alloc, ob_bytes, ob_start,
// ob_exports), so ext_abi/'s PyByteArray_AS_STRING and
// PyByteArray_GET_SIZE read it directly.
//
// STORAGE. ob_bytes is a malloc'ed block of ob_alloc bytes (null and 0 when
// the bytearray has never held a byte); ob_start == ob_bytes (ftrt does not
// use CPython's trick of advancing ob_start on a pop from the front), and
// the byte after the last one is always a NUL, so the C API's pointer is a
// C string when the contents have no NUL of their own. An empty bytearray
// reads as _PyByteArray_empty_string, as in CPython.
//
// CONCURRENCY (free-threaded, after CPython 3.14t's bytearray, which puts
// every method under the object's critical section; 3.13t had none).
// Every operation that reads or writes the bytes, ob_bytes, ob_start,
// ob_alloc or ob_exports runs inside the bytearray's critical section on
// the header's ob_mutex (sync/critical_section.h). ob_size is also
// written with a release store inside it, so len() is one relaxed load
// without the lock (a size that was stored, never a torn one). No code we
// do not control runs inside a section: a byte value's __index__, an
// iterable's __next__ and a source's bf_getbuffer all run before the
// section is entered (sources are copied first, so b.extend(b) and
// b[0:0] = b are fine). The old block of a resize is freed at once: no
// reader looks at the bytes outside the section except through an export
// (below) or the C macros, whose callers synchronise themselves, as in
// CPython.
//
// EXPORTS. bf_getbuffer hands out ob_start (writable) and counts the
// export in ob_exports; bf_releasebuffer uncounts it. While ob_exports > 0
// any change of size (append, extend, pop, clear, del, resize, a slice
// assignment of another length) fails with BufferError "Existing exports
// of data: object cannot be re-sized", exactly as CPython, so an exported
// pointer stays valid until it is released. Operations that keep the size
// (b[i] = v) are allowed, as in CPython.
//
// ERRORS are CPython 3.13's: IndexError "bytearray index out of range",
// ValueError "byte must be in range(0, 256)", TypeError "'str' object
// cannot be interpreted as an integer", "can't concat str to bytearray",
// "unhashable type: 'bytearray'", SystemError for a negative size passed
// to the C API. A failing call leaves the bytearray unchanged.
//
// SUBCLASSES. bytearray is a base type, but as with ftrt's containers a
// heap subclass is not instantiable yet ("cannot create 'X' instances").
#ifndef FTRT_OBJECT_BYTEARRAY_H_
#define FTRT_OBJECT_BYTEARRAY_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyByteArray_Type;
extern PyTypeObject PyByteArrayIter_Type;
// What PyByteArray_AS_STRING returns for an empty bytearray (one NUL).
extern char _PyByteArray_empty_string[];
}

namespace ftrt {

using ByteArrayObject = PyByteArrayObject;

PyTypeObject* ByteArrayType();

// bytearray or a subtype (PyByteArray_Check).
bool IsByteArray(const PyObject* op);

// A new bytearray holding a copy of `data`; MemoryError if out of memory.
absl::StatusOr<Ref<>> ByteArrayFromData(absl::string_view data);
// A new bytearray of `size` zero bytes; SystemError "Negative size passed
// to PyByteArray_FromStringAndSize" for a negative size.
absl::StatusOr<Ref<>> ByteArrayNew(Py_ssize_t size);

// len(b): a snapshot (relaxed load, no lock). Unchecked: b must be a
// bytearray.
Py_ssize_t ByteArraySize(const PyObject* b);
// A copy of the contents, taken in one critical section.
std::string ByteArraySnapshot(PyObject* b);
// The pointer PyByteArray_AS_STRING gives (unsynchronised, see the top).
char* ByteArrayAsString(PyObject* b);

// PyByteArray_Resize: new bytes are zero. ValueError for a negative size,
// BufferError while exported.
absl::Status ByteArrayResize(PyObject* b, Py_ssize_t size);
// b.append(value) for a byte value already checked to be in [0, 255].
absl::Status ByteArrayAppend(PyObject* b, uint8_t value);
// b += data (data must not point into b's own block).
absl::Status ByteArrayExtend(PyObject* b, absl::string_view data);
// b.pop(index) (negative from the end): the byte. IndexError "pop from
// empty bytearray" / "pop index out of range".
absl::StatusOr<uint8_t> ByteArrayPop(PyObject* b, Py_ssize_t index = -1);
// b[index] (negative from the end).
absl::StatusOr<uint8_t> ByteArrayGetItem(PyObject* b, Py_ssize_t index);
// b[index] = value (negative from the end; no size change, so allowed
// while exported).
absl::Status ByteArraySetItem(PyObject* b, Py_ssize_t index, uint8_t value);
// b.clear().
absl::Status ByteArrayClear(PyObject* b);

// The next three follow the C API's convention: the result, or null / -1
// with the exception set.

// A byte value from a Python object (CPython's _getbytevalue): its
// __index__ in [0, 255], else TypeError / ValueError. -1 on error.
int ByteValue(PyObject* value);
// The bytes of any buffer exporter (bytes, bytearray, an extension type)
// copied into *out, or false with TypeError "a bytes-like object is
// required, not 'str'" (or the exporter's own error) set.
bool CopyBytesLike(PyObject* obj, std::string* out);
// bytearray(obj) as PyByteArray_FromObject: from an int size, a buffer, or
// an iterable of byte values.
Ref<> ByteArrayFromObject(PyObject* obj);
// a + b for two bytes-like objects (PyByteArray_Concat): a new bytearray.
Ref<> ByteArrayConcat(PyObject* a, PyObject* b);

}  // namespace ftrt

#endif  // FTRT_OBJECT_BYTEARRAY_H_
