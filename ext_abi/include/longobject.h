/* int (CPython's longobject.h). The object layout (CPython 3.13's
 * PyLongObject with its lv_tag) stays private to object/: extensions use
 * only these functions. Small ints (-5..256) are immortal.
 *
 * Conversions to C report overflow with OverflowError and return -1 (use
 * PyErr_Occurred() to tell it from a real -1); a non-int argument raises
 * TypeError (the As* functions accept objects with __index__). */
#ifndef Py_LONGOBJECT_H
#define Py_LONGOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) PyLong_Type;

#define PyLong_Check(op) \
  PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_LONG_SUBCLASS)
#define PyLong_CheckExact(op) Py_IS_TYPE((op), &PyLong_Type)

PyAPI_FUNC(PyObject*) PyLong_FromLong(long v);
PyAPI_FUNC(PyObject*) PyLong_FromUnsignedLong(unsigned long v);
PyAPI_FUNC(PyObject*) PyLong_FromSize_t(size_t v);
PyAPI_FUNC(PyObject*) PyLong_FromSsize_t(Py_ssize_t v);
PyAPI_FUNC(PyObject*) PyLong_FromLongLong(long long v);
PyAPI_FUNC(PyObject*) PyLong_FromUnsignedLongLong(unsigned long long v);
/* An int from n bytes of two's complement (is_signed) or unsigned
 * magnitude, least significant first when little_endian (CPython 3.13's
 * cpython/longobject.h). ftrt's ints are 64-bit: OverflowError when the
 * value does not fit in one (CPython would build a big int). */
PyAPI_FUNC(PyObject*) _PyLong_FromByteArray(const unsigned char* bytes,
                                            size_t n, int little_endian,
                                            int is_signed);
PyAPI_FUNC(PyObject*) PyLong_FromDouble(double v);
PyAPI_FUNC(PyObject*) PyLong_FromString(const char* str, char** pend,
                                        int base);
PyAPI_FUNC(PyObject*) PyLong_FromVoidPtr(void* p);

PyAPI_FUNC(long) PyLong_AsLong(PyObject* obj);
PyAPI_FUNC(long) PyLong_AsLongAndOverflow(PyObject* obj, int* overflow);
PyAPI_FUNC(int) PyLong_AsInt(PyObject* obj);
PyAPI_FUNC(Py_ssize_t) PyLong_AsSsize_t(PyObject* obj);
PyAPI_FUNC(size_t) PyLong_AsSize_t(PyObject* obj);
PyAPI_FUNC(unsigned long) PyLong_AsUnsignedLong(PyObject* obj);
PyAPI_FUNC(unsigned long) PyLong_AsUnsignedLongMask(PyObject* obj);
PyAPI_FUNC(long long) PyLong_AsLongLong(PyObject* obj);
PyAPI_FUNC(long long) PyLong_AsLongLongAndOverflow(PyObject* obj,
                                                   int* overflow);
PyAPI_FUNC(unsigned long long) PyLong_AsUnsignedLongLong(PyObject* obj);
PyAPI_FUNC(unsigned long long) PyLong_AsUnsignedLongLongMask(PyObject* obj);
PyAPI_FUNC(double) PyLong_AsDouble(PyObject* obj);
PyAPI_FUNC(void*) PyLong_AsVoidPtr(PyObject* obj);

#ifdef __cplusplus
}
#endif

#endif /* !Py_LONGOBJECT_H */
