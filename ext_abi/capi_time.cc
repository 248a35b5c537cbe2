// libftrt.so: CPython 3.13's clock API (pytime.h), nanoseconds in an
// int64_t. Monotonic and PerfCounter read CLOCK_MONOTONIC (as CPython does
// on Linux), Time reads CLOCK_REALTIME. The checked forms raise OSError on
// failure (which does not happen on Linux for these clocks); the Raw forms
// set no exception and need no attached thread. Safe from any thread.
#include <cerrno>
#include <cstdint>
#include <ctime>

#include "ext_abi/capi_internal.h"

extern "C" {

typedef int64_t PyTime_t;
extern PyObject* PyExc_OSError;
PyObject* PyErr_SetFromErrno(PyObject* type);

namespace {

int ReadClock(clockid_t clock, PyTime_t* result, bool raise) {
  timespec ts;
  if (clock_gettime(clock, &ts) != 0) {
    if (raise) PyErr_SetFromErrno(PyExc_OSError);
    *result = 0;
    return -1;
  }
  *result = static_cast<PyTime_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  return 0;
}

}  // namespace

double PyTime_AsSecondsDouble(PyTime_t t) {
  // Whole seconds and the rest apart, so the result is correctly rounded
  // for the values a double can tell apart.
  if (t % 1000000000 == 0) return static_cast<double>(t / 1000000000);
  return static_cast<double>(t) / 1e9;
}

int PyTime_Monotonic(PyTime_t* result) { return ReadClock(CLOCK_MONOTONIC, result, true); }
int PyTime_PerfCounter(PyTime_t* result) { return ReadClock(CLOCK_MONOTONIC, result, true); }
int PyTime_Time(PyTime_t* result) { return ReadClock(CLOCK_REALTIME, result, true); }
int PyTime_MonotonicRaw(PyTime_t* result) { return ReadClock(CLOCK_MONOTONIC, result, false); }
int PyTime_PerfCounterRaw(PyTime_t* result) { return ReadClock(CLOCK_MONOTONIC, result, false); }
int PyTime_TimeRaw(PyTime_t* result) { return ReadClock(CLOCK_REALTIME, result, false); }

}  // extern "C"
