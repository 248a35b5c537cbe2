// The buffer protocol's core: what an exporter's bf_getbuffer fills in.
//
// An object that exposes raw memory (bytes here; extension types through
// their own tp_as_buffer) answers a request (the PyBUF_* flags) by filling
// a Py_buffer. FillBufferInfo is that answer for the common case, one
// contiguous run of unsigned bytes, with CPython's semantics for
// PyBuffer_FillInfo, which ext_abi/ exposes as a thin wrapper over it. It
// lives in object/ so that the built-in types export their buffers
// themselves: the C API asks every exporter the same way, through
// tp_as_buffer, with no special cases for built-ins.
//
// Errors follow the slot convention: -1 with the interim error indicator
// (errors.h) set, 0 on success.
#ifndef FTRT_OBJECT_BUFFER_H_
#define FTRT_OBJECT_BUFFER_H_

#include "object/cpython_types.h"

namespace ftrt {

// Fills `view` for `len` bytes at `buf` owned by `obj` (which gets a new
// reference, released by the consumer's PyBuffer_Release; `obj` may be
// null). Fails, leaving `view` untouched and `obj` unreferenced, with
//   BufferError  if `view` is null, or `flags` ask for a writable buffer
//                and `readonly` is set;
//   SystemError  if `flags` is PyBUF_READ or PyBUF_WRITE (memoryview
//                flags, not a request).
// format is "B" if PyBUF_FORMAT is asked for (else null), shape and
// strides point into the view itself (len, itemsize) when PyBUF_ND and
// PyBUF_STRIDES are asked for.
int FillBufferInfo(Py_buffer* view, PyObject* obj, void* buf, Py_ssize_t len, int readonly,
                   int flags);

// PyObject_GetBuffer: asks o's type (tp_as_buffer) to fill `view`. 0, or
// -1 with TypeError "<prefix>a bytes-like object is required, not 'T'" if
// it exports nothing (`prefix` is "" for the C API, "memoryview: " for
// memoryview(o)), or what bf_getbuffer raised. SystemError for a null o or
// for the memoryview flags PyBUF_READ / PyBUF_WRITE.
int GetBuffer(PyObject* o, Py_buffer* view, int flags, const char* prefix = "");

// PyBuffer_Release: calls the exporter's bf_releasebuffer (if any), clears
// view->obj and drops that reference; nothing if view->obj is null.
// Must not be called holding a lock the exporter's tp_dealloc may need:
// this may drop its last reference.
void ReleaseBuffer(Py_buffer* view);

}  // namespace ftrt

#endif  // FTRT_OBJECT_BUFFER_H_
