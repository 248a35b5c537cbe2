/* memoryview (CPython's memoryobject.h and cpython/memoryobject.h).
 *
 * LAYOUT DEPENDENCY: PyMemoryView_GET_BUFFER and PyMemoryView_GET_BASE read
 * the object directly, so object/'s memoryview is laid out as
 * PyMemoryViewObject below, CPython 3.13's field for field (offsets
 * asserted in object/memoryview.h). The managed buffer behind `mbuf` is
 * ftrt's own and opaque here: CPython documents the struct as not public.
 *
 * A view holds the exporter's buffer (PyObject_GetBuffer with
 * PyBUF_FULL_RO) through a managed buffer that its slices and copies
 * share; the exporter's buffer is released once, when the last view using
 * it is released (release(), a with block's end, or deallocation).
 *
 * Thread safety. A view's state (released, buffers exported from it)
 * changes under its critical section; an operation on a released view
 * raises ValueError "operation forbidden on released memoryview object",
 * and one in flight when another thread releases the view finishes on
 * memory that stays valid until it is done. The bytes themselves are not
 * synchronised: threads writing and reading one buffer coordinate
 * themselves (as in CPython). PyMemoryView_GET_BUFFER's Py_buffer is
 * valid only while the view is not released; a C caller that shares a view
 * with threads that may release it should take its own buffer instead
 * (PyObject_GetBuffer on the view: release() then raises BufferError until
 * it is given back). */
#ifndef Py_MEMORYOBJECT_H
#define Py_MEMORYOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PyMemoryView_Type;

/* memoryview cannot be subclassed. */
#define PyMemoryView_Check(op) Py_IS_TYPE((op), &PyMemoryView_Type)

/* memoryview(base): a view of base's buffer (a new view of the same buffer
 * if base is a memoryview; ValueError if that one is released). TypeError
 * "memoryview: a bytes-like object is required, not 'T'" for a
 * non-exporter. */
PyAPI_FUNC(PyObject*) PyMemoryView_FromObject(PyObject* base);

/* A 1-D view (format 'B') of size bytes at mem, read-only for PyBUF_READ,
 * writable for PyBUF_WRITE. The memory must outlive the view. SystemError
 * for NULL mem, a negative size or other flags (CPython only asserts). */
PyAPI_FUNC(PyObject*) PyMemoryView_FromMemory(char* mem, Py_ssize_t size,
                                              int flags);

/* A view of the memory *info describes (shape, strides and format are
 * copied; info->obj is neither referenced nor released). ValueError if
 * info->buf is NULL. */
PyAPI_FUNC(PyObject*) PyMemoryView_FromBuffer(const Py_buffer* info);

/* A view of base's buffer if it is contiguous in `order` ('C', 'F' or
 * 'A'); otherwise, for buffertype PyBUF_READ, a view of a read-only copy
 * laid out in that order. BufferError for PyBUF_WRITE on a read-only or
 * non-contiguous buffer. */
PyAPI_FUNC(PyObject*) PyMemoryView_GetContiguous(PyObject* base,
                                                 int buffertype,
                                                 char order);

struct _ftrt_ManagedBuffer;

/* memoryview state flags (CPython's values). */
#define _Py_MEMORYVIEW_RELEASED 0x001
#define _Py_MEMORYVIEW_C 0x002
#define _Py_MEMORYVIEW_FORTRAN 0x004
#define _Py_MEMORYVIEW_SCALAR 0x008

typedef struct {
  PyObject_VAR_HEAD
  struct _ftrt_ManagedBuffer* mbuf; /* opaque */
  Py_hash_t hash;                   /* -1 until computed */
  int flags;                        /* under the view's critical section */
  Py_ssize_t exports;               /* under the view's critical section */
  Py_buffer view;                   /* never changes after creation */
  PyObject* weakreflist;
  Py_ssize_t ob_array[1];           /* shape, strides, suboffsets */
} PyMemoryViewObject;

/* The view's own Py_buffer. */
static inline Py_buffer* PyMemoryView_GET_BUFFER(PyObject* op) {
  return &((PyMemoryViewObject*)op)->view;
}
#define PyMemoryView_GET_BUFFER(op) PyMemoryView_GET_BUFFER(_PyObject_CAST(op))

/* The exporting object (may be NULL: FromMemory, FromBuffer). */
static inline PyObject* PyMemoryView_GET_BASE(PyObject* op) {
  return ((PyMemoryViewObject*)op)->view.obj;
}
#define PyMemoryView_GET_BASE(op) PyMemoryView_GET_BASE(_PyObject_CAST(op))

#ifdef __cplusplus
}
#endif

#endif /* !Py_MEMORYOBJECT_H */
