/* Locale-independent ASCII character classes (CPython's cpython/pyctype.h):
 * Py_ISALPHA, Py_ISDIGIT, ..., Py_TOLOWER / Py_TOUPPER, for parsers that
 * must not follow the C library's locale (<ctype.h>'s isalpha() does).
 *
 * Each macro indexes a 256-entry table by the byte's value (Py_CHARMASK),
 * so a negative char works too; only the ASCII letters, digits and
 * whitespace (" \t\n\r\v\f") have classes, and Py_TOLOWER / Py_TOUPPER
 * change only 'A'-'Z' / 'a'-'z', leaving every byte >= 0x80 as it is. The
 * macros test a flag and give nonzero (the flag's bits), not 1. Unlike
 * <ctype.h>'s, they do not take EOF. The tables are constants
 * (ext_abi/capi_ctype.cc): safe from any thread. */
#ifndef PYCTYPE_H
#define PYCTYPE_H

#ifdef __cplusplus
extern "C" {
#endif

/* _Py_ctype_table's bits. */
#define PY_CTF_LOWER 0x01
#define PY_CTF_UPPER 0x02
#define PY_CTF_ALPHA (PY_CTF_LOWER | PY_CTF_UPPER)
#define PY_CTF_DIGIT 0x04
#define PY_CTF_ALNUM (PY_CTF_ALPHA | PY_CTF_DIGIT)
#define PY_CTF_SPACE 0x08
#define PY_CTF_XDIGIT 0x10

PyAPI_DATA(const unsigned int) _Py_ctype_table[256];

/* The argument must be a char (signed or unsigned) or a value 0-255. */
#define Py_ISLOWER(c) (_Py_ctype_table[Py_CHARMASK(c)] & PY_CTF_LOWER)
#define Py_ISUPPER(c) (_Py_ctype_table[Py_CHARMASK(c)] & PY_CTF_UPPER)
#define Py_ISALPHA(c) (_Py_ctype_table[Py_CHARMASK(c)] & PY_CTF_ALPHA)
#define Py_ISDIGIT(c) (_Py_ctype_table[Py_CHARMASK(c)] & PY_CTF_DIGIT)
#define Py_ISXDIGIT(c) (_Py_ctype_table[Py_CHARMASK(c)] & PY_CTF_XDIGIT)
#define Py_ISALNUM(c) (_Py_ctype_table[Py_CHARMASK(c)] & PY_CTF_ALNUM)
#define Py_ISSPACE(c) (_Py_ctype_table[Py_CHARMASK(c)] & PY_CTF_SPACE)

PyAPI_DATA(const unsigned char) _Py_ctype_tolower[256];
PyAPI_DATA(const unsigned char) _Py_ctype_toupper[256];

#define Py_TOLOWER(c) (_Py_ctype_tolower[Py_CHARMASK(c)])
#define Py_TOUPPER(c) (_Py_ctype_toupper[Py_CHARMASK(c)])

#ifdef __cplusplus
}
#endif

#endif /* !PYCTYPE_H */
