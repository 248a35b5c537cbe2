/* Small helper macros (CPython's pymacro.h). PyDoc_STRVAR and Py_UNUSED
 * come with the type layouts (object/cpython_types.h). */
#ifndef Py_PYMACRO_H
#define Py_PYMACRO_H

#include <assert.h>

#define Py_MIN(x, y) (((x) > (y)) ? (y) : (x))
#define Py_MAX(x, y) (((x) > (y)) ? (x) : (y))
#define Py_ABS(x) ((x) < 0 ? -(x) : (x))

#define _Py_XSTRINGIFY(x) #x
#define Py_STRINGIFY(x) _Py_XSTRINGIFY(x)

#define Py_MEMBER_SIZE(type, member) sizeof(((type*)0)->member)
#define Py_CHARMASK(c) ((unsigned char)((c)&0xff))

#ifdef __cplusplus
#define Py_BUILD_ASSERT_EXPR(cond) \
  (sizeof(char[1 - 2 * !(cond)]) - 1)
#define Py_BUILD_ASSERT(cond) static_assert((cond), #cond)
#else
#define Py_BUILD_ASSERT_EXPR(cond) \
  (sizeof(struct { int dummy : 1 - 2 * !(cond); }) - sizeof(int))
#define Py_BUILD_ASSERT(cond) _Static_assert((cond), #cond)
#endif

/* The number of elements of an array (not of a pointer). */
#ifdef __cplusplus
#define Py_ARRAY_LENGTH(array) (sizeof(array) / sizeof((array)[0]))
#else
#define Py_ARRAY_LENGTH(array)                                              \
  (sizeof(array) / sizeof((array)[0]) +                                     \
   0 * sizeof(char[1 - 2 * __builtin_types_compatible_p(                    \
                               __typeof__(array), __typeof__(&(array)[0]))]))
#endif

#define _Py_SIZE_ROUND_DOWN(n, a) ((size_t)(n) & ~(size_t)((a)-1))
#define _Py_SIZE_ROUND_UP(n, a) \
  (((size_t)(n) + (size_t)((a)-1)) & ~(size_t)((a)-1))
#define _Py_ALIGN_DOWN(p, a) ((void*)((uintptr_t)(p) & ~(uintptr_t)((a)-1)))
#define _Py_ALIGN_UP(p, a) \
  ((void*)(((uintptr_t)(p) + (uintptr_t)((a)-1)) & ~(uintptr_t)((a)-1)))
#define _Py_IS_ALIGNED(p, a) (!((uintptr_t)(p) & (uintptr_t)((a)-1)))

#define Py_UNREACHABLE() __builtin_unreachable()

/* Makes an lvalue an rvalue (so `PyUnicode_KIND(s) = 1` does not compile). */
#define _Py_RVALUE(EXPR) ((void)0, (EXPR))

#endif /* !Py_PYMACRO_H */
