/* Helpers for the C test hosts under tests/ext: CHECK macros that abort
 * with the location, the loop scale (FTRT_TEST_SCALE) and the seed
 * (FTRT_TEST_SEED), as tests/test_util.h reads them for C++ tests, a small
 * seeded random generator, running threads with the caller detached, and
 * the ftrt_ImportExtension entry (ext_abi/loader.h), declared here for C. */
#ifndef FTRT_TESTS_EXT_EXT_TEST_UTIL_H_
#define FTRT_TESTS_EXT_EXT_TEST_UTIL_H_

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Python.h"

#ifdef __cplusplus
extern "C" {
#endif

PyObject* ftrt_ImportExtension(const char* name, const char* path);

#ifdef __cplusplus
}
#endif

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      if (PyErr_Occurred()) PyErr_WriteUnraisable(NULL);                   \
      abort();                                                             \
    }                                                                      \
  } while (0)

#define CHECK_EQ_LL(a, b)                                                  \
  do {                                                                     \
    long long a_ = (long long)(a), b_ = (long long)(b);                    \
    if (a_ != b_) {                                                        \
      fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld vs %lld)\n",    \
              __FILE__, __LINE__, #a, #b, a_, b_);                         \
      abort();                                                             \
    }                                                                      \
  } while (0)

static inline long ext_test_scaled(long n, long floor_value) {
  const char* s = getenv("FTRT_TEST_SCALE");
  double scale = 1.0;
  if (s != NULL) {
    char* end = NULL;
    double v = strtod(s, &end);
    if (end != s && v > 0.0 && v < 1.0) scale = v;
  }
  long r = (long)((double)n * scale);
  return r < floor_value ? floor_value : r;
}

/* FTRT_TEST_SEED, or 20261129 when unset; printed, so a run can be
 * replayed. */
static inline unsigned ext_test_seed(void) {
  const char* s = getenv("FTRT_TEST_SEED");
  unsigned seed = s != NULL ? (unsigned)strtoul(s, NULL, 10) : 20261129u;
  fprintf(stderr, "seed %u (FTRT_TEST_SEED)\n", seed);
  return seed;
}

/* The next value of a per-thread linear congruential sequence. */
static inline unsigned ext_test_next_random(unsigned* state) {
  *state = *state * 1103515245u + 12345u;
  return *state >> 16;
}

/* Runs n threads of fn, thread i with the argument seed + i, and joins
 * them with the calling thread detached (a stop-the-world does not wait for
 * it while it waits). Each thread attaches itself (PyGILState_Ensure). */
static inline void ext_test_run_threads(int n, void* (*fn)(void*), unsigned seed) {
  enum { kMaxThreads = 64 };
  pthread_t threads[kMaxThreads];
  CHECK(n <= kMaxThreads);
  PyThreadState* saved = PyEval_SaveThread();
  for (int i = 0; i < n; i++) {
    CHECK(pthread_create(&threads[i], NULL, fn, (void*)(uintptr_t)(seed + (unsigned)i)) == 0);
  }
  for (int i = 0; i < n; i++) CHECK(pthread_join(threads[i], NULL) == 0);
  PyEval_RestoreThread(saved);
}

static inline void ext_test_die_with_error(const char* what) {
  fprintf(stderr, "%s failed\n", what);
  PyObject* exc = PyErr_GetRaisedException();
  if (exc != NULL) {
    PyObject* s = PyObject_Str(exc);
    if (s != NULL) fprintf(stderr, "  %s: %s\n", Py_TYPE(exc)->tp_name, PyUnicode_AsUTF8(s));
    PyObject* cause = PyException_GetCause(exc);
    if (cause != NULL) {
      PyObject* cs = PyObject_Str(cause);
      if (cs != NULL) {
        fprintf(stderr, "  caused by %s: %s\n", Py_TYPE(cause)->tp_name, PyUnicode_AsUTF8(cs));
      }
    }
  }
  abort();
}

/* Takes the pending exception, which must match `type`, and, unless
 * `message` is NULL, have exactly that str(). Aborts otherwise. */
static inline void ext_test_expect_error(PyObject* type, const char* message) {
  PyObject* exc = PyErr_GetRaisedException();
  CHECK(exc != NULL);
  CHECK(PyErr_GivenExceptionMatches(exc, type));
  if (message != NULL) {
    PyObject* s = PyObject_Str(exc);
    CHECK(s != NULL);
    if (strcmp(PyUnicode_AsUTF8(s), message) != 0) {
      fprintf(stderr, "message: '%s', expected '%s'\n", PyUnicode_AsUTF8(s), message);
      abort();
    }
    Py_DECREF(s);
  }
  Py_DECREF(exc);
}

#endif /* FTRT_TESTS_EXT_EXT_TEST_UTIL_H_ */
