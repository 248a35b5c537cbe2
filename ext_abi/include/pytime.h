/* Clocks (CPython 3.13's cpython/pytime.h): PyTime_t counts nanoseconds.
 * PyTime_Monotonic / PerfCounter read CLOCK_MONOTONIC, PyTime_Time the
 * wall clock (CLOCK_REALTIME). Each returns 0 with *result set, or -1 with
 * OSError set (the ...Raw forms need no attached thread and set no
 * exception). PyTime_AsSecondsDouble converts. */
#ifndef Py_PYTIME_H
#define Py_PYTIME_H

#include <stdint.h>

#include "pyport.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t PyTime_t;
#define PyTime_MIN INT64_MIN
#define PyTime_MAX INT64_MAX

PyAPI_FUNC(double) PyTime_AsSecondsDouble(PyTime_t t);
PyAPI_FUNC(int) PyTime_Monotonic(PyTime_t* result);
PyAPI_FUNC(int) PyTime_PerfCounter(PyTime_t* result);
PyAPI_FUNC(int) PyTime_Time(PyTime_t* result);
PyAPI_FUNC(int) PyTime_MonotonicRaw(PyTime_t* result);
PyAPI_FUNC(int) PyTime_PerfCounterRaw(PyTime_t* result);
PyAPI_FUNC(int) PyTime_TimeRaw(PyTime_t* result);

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYTIME_H */
