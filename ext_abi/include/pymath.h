/* ftrt's pymath.h: the math constants and tests CPython 3.13's Python.h
 * gives extensions (Py_NAN, Py_INFINITY, Py_HUGE_VAL, Py_IS_NAN and the
 * rest), over <math.h>, which Python.h includes first. */
#ifndef FTRT_PYMATH_H
#define FTRT_PYMATH_H

#define Py_MATH_PIl 3.1415926535897932384626433832795029L
#define Py_MATH_PI 3.14159265358979323846
#define Py_MATH_El 2.7182818284590452353602874713526625L
#define Py_MATH_E 2.7182818284590452354
#define Py_MATH_TAU 6.2831853071795864769252867665590057683943L

#define Py_IS_NAN(X) isnan(X)
#define Py_IS_INFINITY(X) isinf(X)
#define Py_IS_FINITE(X) isfinite(X)

/* A positive double infinity; Py_HUGE_VAL is the older spelling. */
#ifndef Py_INFINITY
#define Py_INFINITY ((double)INFINITY)
#endif
#ifndef Py_HUGE_VAL
#define Py_HUGE_VAL HUGE_VAL
#endif
/* A quiet NaN (its sign is not specified). */
#ifndef Py_NAN
#define Py_NAN ((double)NAN)
#endif

#endif /* FTRT_PYMATH_H */
