/* Locale-independent ASCII character classes (CPython's pyctype.h):
 * Py_ISALPHA, Py_ISDIGIT, ..., Py_TOLOWER / Py_TOUPPER. (Filled in by the
 * Unicode character database work; see ext_abi/capi_unicode_ctype.cc.) */
#ifndef PYCTYPE_H
#define PYCTYPE_H

#endif /* !PYCTYPE_H */
