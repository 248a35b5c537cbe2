/* pystrtod.h: conversions between doubles and text that do not depend on
 * the C locale, as float() and repr() make them (CPython's names and
 * semantics). Included by Python.h. */
#ifndef FTRT_PYSTRTOD_H
#define FTRT_PYSTRTOD_H

#ifdef __cplusplus
extern "C" {
#endif

/* The double `str` spells: Python's float syntax (optional sign, digits
 * with a point and an exponent, "inf", "infinity", "nan", any case), no
 * surrounding whitespace. With endptr, *endptr gets the end of what was
 * read (ValueError if nothing was); without, the whole string must be the
 * number (ValueError "could not convert string to float: '...'"). A value
 * too large for a double gives +-HUGE_VAL if overflow_exception is NULL,
 * else raises it ("value too large to convert to float: '...'"). -1.0 with
 * an exception on error. */
PyAPI_FUNC(double) PyOS_string_to_double(const char* str, char** endptr,
                                         PyObject* overflow_exception);

/* `val` formatted by format_code: 'e' 'E' 'f' 'F' 'g' 'G' with `precision`
 * digits, or 'r' (repr: the shortest string that reads back as val;
 * precision must be 0). Flags: Py_DTSF_SIGN (always a sign), Py_DTSF_ADD_DOT_0
 * (".0" after what would read as an integer), Py_DTSF_ALT (C's '#' form),
 * Py_DTSF_NO_NEG_0 (no "-0"). *type (if not NULL) says finite, infinite or
 * NaN. The string comes from PyMem_Malloc (PyMem_Free it); NULL with an
 * exception on a bad format code. */
PyAPI_FUNC(char*) PyOS_double_to_string(double val, char format_code, int precision,
                                        int flags, int* type);

#define Py_DTSF_SIGN 0x01
#define Py_DTSF_ADD_DOT_0 0x02
#define Py_DTSF_ALT 0x04
#define Py_DTSF_NO_NEG_0 0x08

#define Py_DTST_FINITE 0
#define Py_DTST_INFINITE 1
#define Py_DTST_NAN 2

#ifdef __cplusplus
}
#endif

#endif /* FTRT_PYSTRTOD_H */
