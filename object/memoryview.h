// memoryview: a view of another object's memory through the buffer
// protocol (buffer.h), laid out where extensions touch it as CPython 3.13's
// PyMemoryViewObject (PyMemoryView_GET_BUFFER is &view,
// PyMemoryView_GET_BASE is view.obj).
//
// Shape. As in CPython (Objects/memoryobject.c's design, our own code), a
// view does not own the exporter's Py_buffer directly: a ManagedBuffer
// does, and every view made from it (memoryview(x), its slices,
// memoryview(view), toreadonly()) shares it. The exporter's buffer is
// released exactly once, when the last share of the ManagedBuffer goes.
// Each view holds its own private Py_buffer copy (`view`), with shape,
// strides and suboffsets in the trailing ob_array, as CPython's.
//
// Unlike CPython's _PyManagedBufferObject, the ManagedBuffer is not a
// Python object: a plain allocation with an atomic share count, which is
// all it needs (extensions never see it; memoryobject.h declares the
// pointer opaque).
//
// Life cycle of a view (the flags and exports fields, changed only under
// the view's critical section, i.e. its header's mutex):
//   live      holds one share of its ManagedBuffer; bf_getbuffer exports
//             count in `exports`;
//   released  release(), __exit__ or dealloc with exports == 0: the flag
//             is set and the view's share dropped; every later use raises
//             ValueError "operation forbidden on released memoryview
//             object". release() with exports > 0 is BufferError
//             "memoryview has N exported buffer(s)".
// An operation that reads or writes the bytes takes a temporary share of
// the ManagedBuffer under the view's section (after checking the view is
// live) and drops it when done, outside the section. So a release from
// another thread in the meantime never frees memory being read: the
// exporter's buffer goes with the last share, after the reader is done.
// The bytes themselves are not synchronised (as in CPython: writers and
// readers of one buffer coordinate themselves).
//
// Supported: any exporter's view is reported (format, itemsize, ndim,
// shape, strides, suboffsets, contiguity, nbytes, readonly, obj). Items
// are read for the native single-character formats bBchHiIlLqQnN?fd,
// written for 'B', 'b' and 'c'. Subscripts: an index or a slice on the
// first dimension of a 1-D (or N-D, slices only) view; a 0-dim view takes
// () and .... Not supported (NotImplementedError): cast(), multi-
// dimensional indexing, views with suboffsets for copying.
#ifndef FTRT_OBJECT_MEMORYVIEW_H_
#define FTRT_OBJECT_MEMORYVIEW_H_

#include <cstddef>

#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {

struct _ftrt_ManagedBuffer;

// CPython 3.13's PyMemoryViewObject, field for field (the mbuf pointer is
// opaque here); ext_abi/include/memoryobject.h declares the same struct.
typedef struct {
  PyVarObject ob_base;
  struct _ftrt_ManagedBuffer* mbuf;  // set at creation, never changed
  Py_hash_t hash;       // -1 until computed (relaxed atomic: same value)
  int flags;            // _Py_MEMORYVIEW_*: under the view's mutex
  Py_ssize_t exports;   // buffers exported from this view: under its mutex
  Py_buffer view;       // set at creation, never changed
  PyObject* weakreflist;  // always null (no weak references yet)
  Py_ssize_t ob_array[1];  // shape, strides, suboffsets (3 * ndim)
} PyMemoryViewObject;

extern PyTypeObject PyMemoryView_Type;

}  // extern "C"

static_assert(offsetof(PyMemoryViewObject, mbuf) == 40);
static_assert(offsetof(PyMemoryViewObject, hash) == 48);
static_assert(offsetof(PyMemoryViewObject, flags) == 56);
static_assert(offsetof(PyMemoryViewObject, exports) == 64);
static_assert(offsetof(PyMemoryViewObject, view) == 72);
static_assert(offsetof(PyMemoryViewObject, weakreflist) == 152);
static_assert(offsetof(PyMemoryViewObject, ob_array) == 160);

namespace ftrt {

inline constexpr int kMemoryViewReleased = 0x001;
inline constexpr int kMemoryViewC = 0x002;
inline constexpr int kMemoryViewFortran = 0x004;
inline constexpr int kMemoryViewScalar = 0x008;

PyTypeObject* MemoryViewType();

inline bool IsMemoryView(const PyObject* op) { return op->ob_type == &PyMemoryView_Type; }

// PyMemoryView_FromObject: a view of o's buffer (PyBUF_FULL_RO request);
// for a memoryview, a new view sharing its buffer (ValueError if it is
// released). Null with TypeError "memoryview: a bytes-like object is
// required, not 'T'" or the exporter's error.
Ref<> MemoryViewFromObject(PyObject* o);

// PyMemoryView_FromMemory: a 1-D 'B' view of `size` bytes at `mem`,
// read-only for PyBUF_READ, writable for PyBUF_WRITE; no exporter. Null
// with SystemError for a null mem, a negative size or other flags.
Ref<> MemoryViewFromMemory(char* mem, Py_ssize_t size, int flags);

// PyMemoryView_FromBuffer: a view of the memory `info` describes (copied:
// the format too); no exporter is referenced or released. Null with
// ValueError "PyMemoryView_FromBuffer(): info->buf must not be NULL".
Ref<> MemoryViewFromBuffer(const Py_buffer* info);

// PyMemoryView_GetContiguous: a view of o's buffer if it is contiguous in
// `order` ('C', 'F' or 'A'), else (PyBUF_READ only) a view of a bytes copy
// in that order. BufferError for PyBUF_WRITE on a read-only or non-
// contiguous buffer; SystemError for other buffertype or order values.
Ref<> MemoryViewGetContiguous(PyObject* o, int buffertype, char order);

// The view's bytes in C order (tobytes()); null with ValueError if
// released.
Ref<> MemoryViewToBytes(PyObject* mv);

// release(): 0, or -1 with BufferError if buffers are exported from it.
int MemoryViewRelease(PyObject* mv);

// How many shares the view's ManagedBuffer has now (views not released plus
// operations in flight); 0 for a released view. For tests.
Py_ssize_t MemoryViewSharesForTesting(PyObject* mv);

}  // namespace ftrt

#endif  // FTRT_OBJECT_MEMORYVIEW_H_
