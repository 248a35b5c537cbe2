/* Portability and export macros (CPython's pyport.h and exports.h), for
 * GCC and Clang on 64-bit Linux.
 *
 * PyAPI_FUNC / PyAPI_DATA mark what the runtime exports. An extension links
 * nothing of ftrt: these names stay undefined in its shared object and the
 * dynamic linker resolves them against libftrt.so (or an executable linked
 * with -rdynamic) when the host dlopens it. PyMODINIT_FUNC gives a module's
 * PyInit_<name> default visibility (and C linkage from C++), so the loader
 * finds it with dlsym even under -fvisibility=hidden.
 *
 * The cast helpers (_Py_CAST, _Py_STATIC_CAST, _Py_NULL) keep inline code
 * valid in both C and C++, as CPython's do. */
#ifndef Py_PYPORT_H
#define Py_PYPORT_H

#include <stddef.h>
#include <stdint.h>

#define Py_EXPORTED_SYMBOL __attribute__((visibility("default")))
#define Py_IMPORTED_SYMBOL __attribute__((visibility("default")))
#define Py_LOCAL_SYMBOL __attribute__((visibility("hidden")))

#define PyAPI_FUNC(RTYPE) Py_EXPORTED_SYMBOL RTYPE
#define PyAPI_DATA(RTYPE) extern Py_EXPORTED_SYMBOL RTYPE

#ifdef __cplusplus
#define PyMODINIT_FUNC extern "C" Py_EXPORTED_SYMBOL PyObject*
#else
#define PyMODINIT_FUNC Py_EXPORTED_SYMBOL PyObject*
#endif

#ifdef __cplusplus
#define _Py_STATIC_CAST(type, expr) static_cast<type>(expr)
#define _Py_NULL nullptr
#else
#define _Py_STATIC_CAST(type, expr) ((type)(expr))
#define _Py_NULL NULL
#endif
#define _Py_CAST(type, expr) ((type)(expr))

/* PyArg_ParseTupleAndKeywords' keyword list: `const char* const*` from C++
 * (string literals), `char* const*` from C, as in CPython 3.13. */
#ifndef PY_CXX_CONST
#ifdef __cplusplus
#define PY_CXX_CONST const
#else
#define PY_CXX_CONST
#endif
#endif

#define Py_LOCAL(type) static type
#define Py_LOCAL_INLINE(type) static inline type
#define Py_ALWAYS_INLINE __attribute__((always_inline))
#define Py_NO_INLINE __attribute__((noinline))
#define Py_DEPRECATED(VERSION_UNUSED) __attribute__((__deprecated__))
#define _Py_NO_RETURN __attribute__((__noreturn__))
#define _Py_TYPEOF(expr) __typeof__(expr)
#define Py_GCC_ATTRIBUTE(x) __attribute__(x)
#define Py_ALIGNED(x) __attribute__((aligned(x)))
#define _Py_HOT_FUNCTION __attribute__((hot))
#define Py_LL(x) x##LL
#define Py_ULL(x) Py_LL(x##U)

#define PY_LLONG_MIN LLONG_MIN
#define PY_LLONG_MAX LLONG_MAX
#define PY_ULLONG_MAX ULLONG_MAX
#define PY_SIZE_MAX SIZE_MAX
#define PY_FORMAT_SIZE_T "z"
#define PY_INT32_T int32_t
#define PY_UINT32_T uint32_t
#define PY_INT64_T int64_t
#define PY_UINT64_T uint64_t
#define PY_LONG_LONG long long

/* CPython's integer typedefs (pyport.h). */
typedef uintptr_t Py_uintptr_t;
typedef intptr_t Py_intptr_t;

#define PY_DWORD_MAX 4294967295U
/* Old spellings of the C library's, kept by CPython. */
#define Py_MEMCPY memcpy
#define Py_VA_COPY va_copy

#define Py_SAFE_DOWNCAST(VALUE, WIDE, NARROW) _Py_STATIC_CAST(NARROW, (VALUE))

/* Py_ARITHMETIC_RIGHT_SHIFT and friends: GCC and Clang shift signed values
 * arithmetically. */
#define Py_ARITHMETIC_RIGHT_SHIFT(TYPE, I, J) ((I) >> (J))

/* The byte order, as CPython's pyport.h gives it (extensions test it with
 * #if, e.g. to pick a word-at-a-time path). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define PY_BIG_ENDIAN 1
#define PY_LITTLE_ENDIAN 0
#else
#define PY_BIG_ENDIAN 0
#define PY_LITTLE_ENDIAN 1
#endif

#endif /* !Py_PYPORT_H */
