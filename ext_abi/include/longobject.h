/* int (CPython's longobject.h). ints have any size, as in CPython; the
 * object layout (a 64-bit word while the value fits, 32-bit digits
 * beyond; not CPython 3.13's lv_tag and 30-bit digits) is object/'s:
 * extensions read values only through these functions. The struct is
 * complete, as CPython's is (longintrepr.h, which Python.h includes), so
 * that a C subclass of int can start its own struct with it
 * (struct { PyLongObject base; int tag; }); its fields are ftrt's own
 * names, so code that reads CPython's internals (long_value.ob_digit)
 * fails to compile rather than misread. Small ints (-5..256) are
 * immortal.
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

/* The value while it fits in 64 bits (ftrt_ndigits == 0), else
 * |ftrt_ndigits| 32-bit digits after the struct, signed as ftrt_ndigits
 * (object/builtin_layouts.h). */
struct _longobject {
  PyObject_HEAD
  int64_t ftrt_value;
  int64_t ftrt_ndigits;
};

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
 * cpython/longobject.h), of any length. */
PyAPI_FUNC(PyObject*) _PyLong_FromByteArray(const unsigned char* bytes,
                                            size_t n, int little_endian,
                                            int is_signed);
/* CPython 3.13's native-bytes conversions (cpython/longobject.h), with its
 * flags: -1 for the defaults (native endian, signed, like a C cast). */
#define Py_ASNATIVEBYTES_DEFAULTS -1
#define Py_ASNATIVEBYTES_BIG_ENDIAN 0
#define Py_ASNATIVEBYTES_LITTLE_ENDIAN 1
#define Py_ASNATIVEBYTES_NATIVE_ENDIAN 3
#define Py_ASNATIVEBYTES_UNSIGNED_BUFFER 4
#define Py_ASNATIVEBYTES_REJECT_NEGATIVE 8
#define Py_ASNATIVEBYTES_ALLOW_INDEX 16
/* Writes all n bytes of buffer (truncated or sign-extended two's
 * complement) and returns the bytes the value needs: it fitted if that is
 * <= n. -1 with TypeError (not an int; with ALLOW_INDEX, __index__ is
 * used), ValueError (negative with REJECT_NEGATIVE) or SystemError (NULL,
 * n < 0). */
PyAPI_FUNC(Py_ssize_t) PyLong_AsNativeBytes(PyObject* v, void* buffer,
                                            Py_ssize_t n_bytes, int flags);
/* The int in n bytes, two's complement unless UNSIGNED_BUFFER (the
 * Unsigned form: always a magnitude). */
PyAPI_FUNC(PyObject*) PyLong_FromNativeBytes(const void* buffer, size_t n_bytes,
                                             int flags);
PyAPI_FUNC(PyObject*) PyLong_FromUnsignedNativeBytes(const void* buffer,
                                                     size_t n_bytes, int flags);
PyAPI_FUNC(PyObject*) PyLong_FromDouble(double v);
PyAPI_FUNC(PyObject*) PyLong_FromString(const char* str, char** pend,
                                        int base);
/* int(u, base) for a str u: PyLong_FromString over its UTF-8, where the
 * whole string (surrounding whitespace aside) must be the number. */
PyAPI_FUNC(PyObject*) PyLong_FromUnicodeObject(PyObject* u, int base);
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
#define PyLong_AS_LONG(op) PyLong_AsLong(op)
/* pid_t is an int on Linux. */
#define PyLong_FromPid PyLong_FromLong
#define PyLong_AsPid PyLong_AsInt

/* CPython's cpython/longobject.h, which Cython-generated code and others
 * call. _PyLong_Sign: -1, 0 or 1. _PyLong_NumBits: the bits of |v|.
 * _PyLong_AsByteArray: the low 8n bits of v into n bytes (0), or -1 with
 * OverflowError when v does not fit (or is negative and !is_signed); with
 * with_exceptions 0, -1 without an exception. _PyLong_GCD: gcd(a, b) >= 0.
 * PyUnstable_Long_IsCompact: |v| < 2**30 (CPython's one-digit ints, so a
 * compact value fits the 32-bit `sdigit` callers put it in);
 * PyUnstable_Long_CompactValue: its value. */
PyAPI_FUNC(int) _PyLong_Sign(PyObject* v);
PyAPI_FUNC(size_t) _PyLong_NumBits(PyObject* v);
PyAPI_FUNC(int) _PyLong_AsByteArray(PyLongObject* v, unsigned char* bytes,
                                    size_t n, int little_endian,
                                    int is_signed, int with_exceptions);
PyAPI_FUNC(PyObject*) _PyLong_GCD(PyObject* a, PyObject* b);
PyAPI_FUNC(int) PyUnstable_Long_IsCompact(const PyLongObject* op);
PyAPI_FUNC(Py_ssize_t) PyUnstable_Long_CompactValue(const PyLongObject* op);
/* C's strtoul / strtol with Python's literal rules for the digits
 * (CPython's mystrtoul.c): base 0 takes a 0x / 0o / 0b prefix; ERANGE
 * and the type's limit on overflow. */
PyAPI_FUNC(unsigned long) PyOS_strtoul(const char* str, char** ptr, int base);
PyAPI_FUNC(long) PyOS_strtol(const char* str, char** ptr, int base);

#ifdef __cplusplus
}
#endif

#endif /* !Py_LONGOBJECT_H */
