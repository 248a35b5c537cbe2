/* Stand-ins for the few runtime exports that ext_abi's header tests reach,
 * so those tests link and run without the runtime (libftrt.so): the
 * refcount slow paths and debug checks, the PyMutex slow paths, the
 * critical-section entry points, the singletons and a float type. Each
 * records its calls, so a test can check that an inline fast path did (or
 * did not) fall back to the runtime. Tests only: never linked into an
 * extension or the runtime. C11 and C++. */
#ifndef FTRT_EXT_ABI_TESTING_STANDINS_H_
#define FTRT_EXT_ABI_TESTING_STANDINS_H_

#include "Python.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int merge_zero_local; /* ftrt_MergeZeroLocalRefcount */
  int decref_shared;    /* ftrt_DecRefShared */
  int check_incref;     /* ftrt_CheckIncref (FTRT_DEBUG_CHECKS only) */
  int check_decref;     /* ftrt_CheckDecref (FTRT_DEBUG_CHECKS only) */
  int mutex_lock_slow;
  int mutex_unlock_slow;
  int cs_begin, cs_end, cs2_begin, cs2_end;
  intptr_t last_shared;          /* the word ftrt_DecRefShared was given */
  PyObject* last_object;         /* the last object a stand-in was given */
  PyObject* last_object2;        /* the second one (critical section 2) */
  void* last_frame;              /* the last PyCriticalSection(2)* */
} ftrt_standin_calls;

/* Zeroed by ftrt_standins_reset. Single-threaded tests only. */
extern ftrt_standin_calls ftrt_standins;
void ftrt_standins_reset(void);

/* Gives _Py_NoneStruct, _Py_TrueStruct, _Py_FalseStruct and
 * _Py_NotImplementedStruct immortal static headers (idempotent). */
void ftrt_standins_init_singletons(void);

#ifdef __cplusplus
}
#endif

#endif /* FTRT_EXT_ABI_TESTING_STANDINS_H_ */
