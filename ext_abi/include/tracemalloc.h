/* tracemalloc's C hooks (CPython's cpython/tracemalloc.h), which numpy and
 * others call for the memory they allocate themselves. ftrt has no
 * tracemalloc: both report -2, "tracemalloc is disabled", as CPython does
 * while it is off. */
#ifndef Py_TRACEMALLOC_H
#define Py_TRACEMALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "pyport.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(int) PyTraceMalloc_Track(unsigned int domain, uintptr_t ptr, size_t size);
PyAPI_FUNC(int) PyTraceMalloc_Untrack(unsigned int domain, uintptr_t ptr);

#ifdef __cplusplus
}
#endif

#endif /* !Py_TRACEMALLOC_H */
