/* PyMutex: CPython 3.13's one-byte lock, for extensions' own data.
 *
 * The struct is alloc/object_layout.h's (bit 0 locked, bit 1 has-parked;
 * all-zero is unlocked, so `static PyMutex m;` and `PyMutex m = {0};` are
 * ready to use). It is the very byte sync/'s ftrt::Mutex works on: the
 * inline fast paths below are its fast paths (one compare-exchange each)
 * and the exported PyMutex_Lock / PyMutex_Unlock are its slow paths (spin,
 * then park in the parking lot; a thread that parks detaches from the
 * runtime first, so a stop-the-world never waits for it).
 *
 * Memory ordering: a successful lock is an acquire on the byte, unlock a
 * release, with the GCC/Clang __atomic builtins (which ThreadSanitizer
 * instruments in the extension's own code).
 *
 * Not recursive: locking a PyMutex the thread already holds deadlocks.
 * Do not hold one across a call that may run arbitrary Python-level code
 * (a Py_DECREF that may free an object, a call into another module): that
 * code may need the same lock. Prefer Py_BEGIN_CRITICAL_SECTION for data
 * that belongs to an object. */
#ifndef Py_LOCK_H
#define Py_LOCK_H

#include <stdint.h>

#include "alloc/object_layout.h"
#include "pyport.h"

#ifdef __cplusplus
extern "C" {
#endif

#define _Py_UNLOCKED 0
#define _Py_LOCKED 1

/* The slow paths (exported; sync/mutex.h's LockSlow / UnlockSlow). The
 * runtime's definitions must #undef the macros below first. */
PyAPI_FUNC(void) PyMutex_Lock(PyMutex* m);
PyAPI_FUNC(void) PyMutex_Unlock(PyMutex* m);

static inline Py_ALWAYS_INLINE void _PyMutex_Lock(PyMutex* m) {
  uint8_t expected = _Py_UNLOCKED;
  if (!__atomic_compare_exchange_n(&m->_bits, &expected, (uint8_t)_Py_LOCKED,
                                   0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
    PyMutex_Lock(m);
  }
}
#define PyMutex_Lock _PyMutex_Lock

static inline Py_ALWAYS_INLINE void _PyMutex_Unlock(PyMutex* m) {
  uint8_t expected = _Py_LOCKED;
  if (!__atomic_compare_exchange_n(&m->_bits, &expected, (uint8_t)_Py_UNLOCKED,
                                   0, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
    PyMutex_Unlock(m);
  }
}
#define PyMutex_Unlock _PyMutex_Unlock

/* Whether some thread holds the lock: a relaxed snapshot, for assertions
 * (CPython 3.14's PyMutex_IsLocked). */
static inline int PyMutex_IsLocked(PyMutex* m) {
  return (__atomic_load_n(&m->_bits, __ATOMIC_RELAXED) & _Py_LOCKED) != 0;
}

#ifdef __cplusplus
}
#endif

#endif /* !Py_LOCK_H */
