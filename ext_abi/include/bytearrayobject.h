/* bytearray (CPython's bytearrayobject.h and cpython/bytearrayobject.h).
 *
 * LAYOUT DEPENDENCY: PyByteArray_AS_STRING and PyByteArray_GET_SIZE read
 * the object directly, so object/'s bytearray is laid out as
 * PyByteArrayObject below (CPython 3.13's: the var header, the allocated
 * size, the block, the start of the bytes in it, the export count).
 *
 * Thread safety. The functions are safe to call on a bytearray other
 * threads mutate: each runs inside the bytearray's critical section, and
 * PyByteArray_Size / PyByteArray_GET_SIZE read the size with a relaxed
 * atomic load. What is NOT safe is using the pointer that
 * PyByteArray_AsString / PyByteArray_AS_STRING return while another thread
 * may resize the bytearray (the block may move): take a buffer instead
 * (PyObject_GetBuffer), which keeps the size and the block fixed until
 * PyBuffer_Release (any resize meanwhile fails with BufferError "Existing
 * exports of data: object cannot be re-sized"), or synchronise yourself,
 * e.g. with Py_BEGIN_CRITICAL_SECTION(bytearray).
 *
 * Errors are CPython 3.13's: PyByteArray_FromStringAndSize with a negative
 * size is SystemError; PyByteArray_Resize to a negative size is ValueError
 * "Can only resize to positive sizes, got -1"; PyByteArray_Concat of
 * something without the buffer protocol is TypeError "can't concat str to
 * bytearray". Where CPython only asserts (NULL, or not a bytearray, passed
 * to PyByteArray_Size / AsString / Resize), ftrt raises SystemError "bad
 * argument to internal function" and returns -1 / NULL. */
#ifndef Py_BYTEARRAYOBJECT_H
#define Py_BYTEARRAYOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  PyObject_VAR_HEAD
  Py_ssize_t ob_alloc;   /* bytes allocated at ob_bytes */
  char* ob_bytes;        /* the block */
  char* ob_start;        /* the first byte inside it */
  Py_ssize_t ob_exports; /* live buffer exports */
} PyByteArrayObject;

PyAPI_DATA(PyTypeObject) PyByteArray_Type;
PyAPI_DATA(PyTypeObject) PyByteArrayIter_Type;

#define PyByteArray_Check(self) PyObject_TypeCheck((self), &PyByteArray_Type)
#define PyByteArray_CheckExact(self) Py_IS_TYPE((self), &PyByteArray_Type)

PyAPI_FUNC(PyObject*) PyByteArray_FromObject(PyObject*);
PyAPI_FUNC(PyObject*) PyByteArray_Concat(PyObject*, PyObject*);
PyAPI_FUNC(PyObject*) PyByteArray_FromStringAndSize(const char*, Py_ssize_t);
PyAPI_FUNC(Py_ssize_t) PyByteArray_Size(PyObject*);
PyAPI_FUNC(char*) PyByteArray_AsString(PyObject*);
PyAPI_FUNC(int) PyByteArray_Resize(PyObject*, Py_ssize_t);

/* What PyByteArray_AS_STRING gives for an empty bytearray: "". */
PyAPI_DATA(char) _PyByteArray_empty_string[];

#define _PyByteArray_CAST(op) \
  (assert(PyByteArray_Check(op)), _Py_CAST(PyByteArrayObject*, (op)))

static inline char* PyByteArray_AS_STRING(PyObject* op) {
  PyByteArrayObject* self = _PyByteArray_CAST(op);
  if (Py_SIZE(self)) {
    return self->ob_start;
  }
  return _PyByteArray_empty_string;
}
#define PyByteArray_AS_STRING(self) PyByteArray_AS_STRING(_PyObject_CAST(self))

static inline Py_ssize_t PyByteArray_GET_SIZE(PyObject* op) {
  PyByteArrayObject* self = _PyByteArray_CAST(op);
  return Py_SIZE(self);
}
#define PyByteArray_GET_SIZE(self) PyByteArray_GET_SIZE(_PyObject_CAST(self))

#ifdef __cplusplus
}
#endif

#endif /* !Py_BYTEARRAYOBJECT_H */
