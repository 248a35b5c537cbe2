/* Raw memory (CPython's pymem.h); object memory is in objimpl.h.
 *
 * PyMem_Raw*: the system allocator semantics; callable from any thread,
 *   attached or not (no runtime state is touched).
 * PyMem_*: for buffers owned by objects; in CPython 3.13t they require an
 *   attached thread state, here any thread may call them (they map to the
 *   runtime's raw allocation, which is thread-safe). Memory from one family
 *   must be freed by the same family.
 * A size of 0 returns a unique non-NULL pointer, as in CPython. */
#ifndef Py_PYMEM_H
#define Py_PYMEM_H

#include <stddef.h>

#include "pyport.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(void*) PyMem_Malloc(size_t size);
PyAPI_FUNC(void*) PyMem_Calloc(size_t nelem, size_t elsize);
PyAPI_FUNC(void*) PyMem_Realloc(void* ptr, size_t new_size);
PyAPI_FUNC(void) PyMem_Free(void* ptr);

PyAPI_FUNC(void*) PyMem_RawMalloc(size_t size);
PyAPI_FUNC(void*) PyMem_RawCalloc(size_t nelem, size_t elsize);
PyAPI_FUNC(void*) PyMem_RawRealloc(void* ptr, size_t new_size);
PyAPI_FUNC(void) PyMem_RawFree(void* ptr);

/* Typed helpers: NULL (without calling the allocator) on overflow. */
#define PyMem_New(type, n)                                                 \
  ((size_t)(n) > PY_SSIZE_T_MAX / sizeof(type)                             \
       ? NULL                                                              \
       : ((type*)PyMem_Malloc((size_t)(n) * sizeof(type))))
#define PyMem_Resize(p, type, n)                                           \
  ((p) = ((size_t)(n) > PY_SSIZE_T_MAX / sizeof(type))                     \
             ? NULL                                                        \
             : (type*)PyMem_Realloc((p), (size_t)(n) * sizeof(type)))
#define PyMem_Del PyMem_Free
#define PyMem_DEL PyMem_Free
#define PyMem_MALLOC(n) PyMem_Malloc((n))
#define PyMem_REALLOC(p, n) PyMem_Realloc((p), (n))
#define PyMem_FREE(p) PyMem_Free((p))
#define PyMem_NEW(type, n) PyMem_New(type, n)
#define PyMem_RESIZE(p, type, n) PyMem_Resize(p, type, n)

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYMEM_H */
