/* The buffer protocol (CPython's pybuffer.h): an object exports a block of
 * its memory through its type's tp_as_buffer->bf_getbuffer. Py_buffer,
 * PyBufferProcs and the PyBUF_* request flags are object/cpython_types.h's,
 * laid out as CPython 3.13's (sizes asserted there).
 *
 * bytes exports its contents read-only (a PyBUF_WRITABLE request is
 * BufferError). bytes's own type has no tp_as_buffer yet (object/ owns
 * it); PyObject_CheckBuffer and PyObject_GetBuffer answer for bytes and
 * its subclasses themselves, so code that goes through these functions
 * (as extensions should) sees the same behaviour as on CPython.
 *
 * Thread safety. A buffer holds a strong reference to its exporter
 * (view->obj) until PyBuffer_Release, so the memory stays valid however
 * many threads take buffers of one object at once. Whether the CONTENTS
 * may change meanwhile is the exporter's business: bytes never change; a
 * mutable exporter should refuse resizing while buffers are out (as
 * bytearray does) and leaves synchronising writes to its users. */
#ifndef Py_PYBUFFER_H
#define Py_PYBUFFER_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if o's type exports buffers, else 0 (never raises). */
PyAPI_FUNC(int) PyObject_CheckBuffer(PyObject* o);

/* Fills *view as the request `flags` asks: 0, or -1 with an exception
 * (TypeError if o exports no buffer; BufferError if it cannot satisfy the
 * request, e.g. PyBUF_WRITABLE on a read-only exporter; SystemError for
 * flags PyBUF_READ / PyBUF_WRITE, which are memoryview flags). On success
 * the caller must call PyBuffer_Release(view) exactly once. */
PyAPI_FUNC(int) PyObject_GetBuffer(PyObject* o, Py_buffer* view, int flags);

/* Gives the buffer back: calls the exporter's bf_releasebuffer (if any),
 * then drops view->obj and sets it to NULL (so a second call does
 * nothing). */
PyAPI_FUNC(void) PyBuffer_Release(Py_buffer* view);

/* For bf_getbuffer implementations: fills *view with a one-dimensional
 * buffer of len unsigned bytes at buf, taking a new reference to obj (may
 * be NULL). Format "B" if PyBUF_FORMAT is asked, shape and strides when
 * PyBUF_ND / PyBUF_STRIDES are. 0, or -1 with BufferError when view is
 * NULL or when PyBUF_WRITABLE is asked and readonly is 1; SystemError for
 * flags PyBUF_READ / PyBUF_WRITE. */
PyAPI_FUNC(int) PyBuffer_FillInfo(Py_buffer* view, PyObject* obj, void* buf,
                                  Py_ssize_t len, int readonly, int flags);

/* Layout helpers. IsContiguous: 1 if the buffer is contiguous in `order`
 * ('C' row-major, 'F' column-major, 'A' either), else 0 (a buffer with
 * suboffsets never is). GetPointer: the address of the element at
 * `indices` (ndim of them), through strides and suboffsets.
 * FillContiguousStrides: the strides of a contiguous `order` layout.
 * SizeFromFormat: struct.calcsize(format), or -1 with ValueError for a
 * bad format. */
PyAPI_FUNC(int) PyBuffer_IsContiguous(const Py_buffer* view, char fort);
PyAPI_FUNC(void*) PyBuffer_GetPointer(const Py_buffer* view, const Py_ssize_t* indices);
PyAPI_FUNC(void) PyBuffer_FillContiguousStrides(int ndims, Py_ssize_t* shape,
                                                Py_ssize_t* strides, int itemsize,
                                                char order);
PyAPI_FUNC(Py_ssize_t) PyBuffer_SizeFromFormat(const char* format);

/* Copies. ToContiguous: at most len bytes of view's elements, in `order`
 * ('A' reads C order unless the buffer is Fortran-contiguous), into buf.
 * FromContiguous: the reverse, into a writable view. CopyData: all of
 * src's elements into dest at the same indices (BufferError if dest is
 * smaller; TypeError if either exports no buffer). 0, or -1 with an
 * exception. */
PyAPI_FUNC(int) PyBuffer_ToContiguous(void* buf, const Py_buffer* view, Py_ssize_t len,
                                      char order);
PyAPI_FUNC(int) PyBuffer_FromContiguous(const Py_buffer* view, const void* buf,
                                        Py_ssize_t len, char order);
PyAPI_FUNC(int) PyObject_CopyData(PyObject* dest, PyObject* src);

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYBUFFER_H */
