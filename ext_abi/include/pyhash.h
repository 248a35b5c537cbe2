/* The numeric hash's constants (CPython's pyhash.h / cpython/pyhash.h):
 * an integer n hashes to n mod PyHASH_MODULUS (2**61 - 1) with n's sign,
 * an infinity to +-PyHASH_INF, and a complex x + yj to hash(x) +
 * PyHASH_IMAG * hash(y). Extensions that hash their own numeric types so
 * that they agree with int and float (numpy's scalars, decimal-like types)
 * use them. Py_HashPointer is declared in object.h. */
#ifndef Py_HASH_H
#define Py_HASH_H

#include "object.h"
#include "pyport.h"

#define PyHASH_MULTIPLIER 1000003UL /* 0xf4243 */
#define PyHASH_BITS 61
#define PyHASH_MODULUS (((size_t)1 << PyHASH_BITS) - 1)
#define PyHASH_INF 314159
#define PyHASH_IMAG PyHASH_MULTIPLIER

#define _PyHASH_MULTIPLIER PyHASH_MULTIPLIER
#define _PyHASH_BITS PyHASH_BITS
#define _PyHASH_MODULUS PyHASH_MODULUS
#define _PyHASH_INF PyHASH_INF
#define _PyHASH_IMAG PyHASH_IMAG

/* The hash of `len` bytes at `data`, as bytes objects hash (0 for none;
 * never -1). CPython exports it; datetime's and other extensions' types
 * hash their packed fields with it. */
PyAPI_FUNC(Py_hash_t) _Py_HashBytes(const void* data, Py_ssize_t len);

/* Strings shorter than this would use a cheaper hash; 0: none do. */
#ifndef Py_HASH_CUTOFF
#define Py_HASH_CUTOFF 0
#endif

#endif /* !Py_HASH_H */
