/* bytes (CPython's bytesobject.h).
 *
 * LAYOUT DEPENDENCY: PyBytes_AS_STRING and PyBytes_GET_SIZE read the
 * object directly, so object/'s bytes must be laid out as PyBytesObject
 * below (CPython 3.13's: the var header, a hash slot kept for layout, then
 * the characters with a terminating NUL). Bytes are immutable once
 * published, so reads need no lock; only the creator of a bytes object
 * made with PyBytes_FromStringAndSize(NULL, n) may write its characters,
 * before sharing it. */
#ifndef Py_BYTESOBJECT_H
#define Py_BYTESOBJECT_H

#include <stdarg.h>

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  PyObject_VAR_HEAD
  Py_hash_t ob_shash; /* deprecated since 3.11; unused */
  char ob_sval[1];    /* ob_size + 1 bytes; ob_sval[ob_size] == 0 */
} PyBytesObject;

PyAPI_DATA(PyTypeObject) PyBytes_Type;

#define PyBytes_Check(op) \
  PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_BYTES_SUBCLASS)
#define PyBytes_CheckExact(op) Py_IS_TYPE((op), &PyBytes_Type)

PyAPI_FUNC(PyObject*) PyBytes_FromStringAndSize(const char* v,
                                                Py_ssize_t len);
PyAPI_FUNC(PyObject*) PyBytes_FromString(const char* v);
PyAPI_FUNC(PyObject*) PyBytes_FromObject(PyObject* o);
PyAPI_FUNC(PyObject*) PyBytes_FromFormatV(const char* format, va_list vargs)
    __attribute__((format(printf, 1, 0)));
PyAPI_FUNC(PyObject*) PyBytes_FromFormat(const char* format, ...)
    __attribute__((format(printf, 1, 2)));
PyAPI_FUNC(Py_ssize_t) PyBytes_Size(PyObject* o);
PyAPI_FUNC(char*) PyBytes_AsString(PyObject* o);
PyAPI_FUNC(int) PyBytes_AsStringAndSize(PyObject* obj, char** buffer,
                                        Py_ssize_t* length);
PyAPI_FUNC(void) PyBytes_Concat(PyObject** bytes, PyObject* newpart);
PyAPI_FUNC(void) PyBytes_ConcatAndDel(PyObject** bytes, PyObject* newpart);
/* sep.join(x): the bytes-like items of the iterable x with the bytes-like
 * sep between them (CPython's cpython/bytesobject.h). */
PyAPI_FUNC(PyObject*) _PyBytes_Join(PyObject* sep, PyObject* x);
PyAPI_FUNC(int) _PyBytes_Resize(PyObject** bytes, Py_ssize_t newsize);

#define _PyBytes_CAST(op) \
  (assert(PyBytes_Check(op)), _Py_CAST(PyBytesObject*, (op)))

static inline char* PyBytes_AS_STRING(PyObject* op) {
  return _PyBytes_CAST(op)->ob_sval;
}
#define PyBytes_AS_STRING(op) PyBytes_AS_STRING(_PyObject_CAST(op))

static inline Py_ssize_t PyBytes_GET_SIZE(PyObject* op) {
  return Py_SIZE(_PyBytes_CAST(op));
}
#define PyBytes_GET_SIZE(op) PyBytes_GET_SIZE(_PyObject_CAST(op))

#ifdef __cplusplus
}
#endif

#endif /* !Py_BYTESOBJECT_H */
