/* Reference counting for extensions: Py_INCREF, Py_DECREF and friends.
 *
 * These are inline in the extension's own code, as in CPython 3.13t, and
 * they are object/'s biased reference counting (object/refcount.h, whose
 * lifecycle table and memory-ordering notes are the specification), taken
 * verbatim from its C twin object/refcount_abi.h:
 *   - immortal objects (ob_ref_local == UINT32_MAX: None, True, small ints,
 *     static types, anything in static storage made with PyObject_HEAD_INIT)
 *     are never written;
 *   - the owner thread (ob_tid equal to the TLS base, one instruction)
 *     counts in ob_ref_local with a plain relaxed store;
 *   - any other thread counts in ob_ref_shared with an atomic
 *     read-modify-write (relaxed for an increment, release for a decrement);
 *   - everything else (the owner's count reaching zero, a non-owner
 *     decrement that took the shared count below zero or to a merged zero)
 *     calls the runtime's exported slow paths
 *     ftrt_MergeZeroLocalRefcount and ftrt_DecRefShared, which may run the
 *     object's finalizer and tp_dealloc.
 * With FTRT_DEBUG_CHECKS defined (the tsan, asan and debug configurations),
 * each operation first calls ftrt_CheckIncref / ftrt_CheckDecref, which
 * abort naming the object on a use after free or a count going below zero.
 *
 * Py_DECREF may run arbitrary code (destructors, weakref callbacks, a
 * finalizer that calls back into the extension): do not call it while
 * holding a PyMutex that such code may take, and re-check any state read
 * before it.
 *
 * Borrowed references: without a GIL nothing keeps a borrowed reference
 * alive while another thread may drop the last strong one. Take a strong
 * reference (Py_NewRef, or the *Ref variants of the container APIs)
 * before the object can be reached by another thread. */
#ifndef Py_REFCOUNT_H
#define Py_REFCOUNT_H

#include <stdint.h>

#include "object/refcount_abi.h"
#include "pyport.h"
#include "pytypedefs.h"

#ifdef __cplusplus
extern "C" {
#endif

#define _PyObject_CAST(op) _Py_CAST(PyObject*, (op))
#define _PyVarObject_CAST(op) _Py_CAST(PyVarObject*, (op))

/* ob_ref_local of an immortal object; Py_REFCNT reports it for them. */
#define _Py_IMMORTAL_REFCNT_LOCAL UINT32_MAX
#define _Py_IMMORTAL_REFCNT ((Py_ssize_t)UINT32_MAX)
#define _Py_UNOWNED_TID 0
#define _Py_REF_SHARED_SHIFT FTRT_REF_SHARED_SHIFT

static inline Py_ALWAYS_INLINE int _Py_IsImmortal(PyObject* op) {
  return ftrt_IsImmortal(op);
}
#define _Py_IsImmortal(op) _Py_IsImmortal(_PyObject_CAST(op))

static inline Py_ALWAYS_INLINE int _Py_IsOwnedByCurrentThread(PyObject* op) {
  return ftrt_IsOwnedByCurrentThread(op);
}

/* The number of references as far as a racing reader can tell: exact only
 * when no other thread touches the object. Immortal objects report
 * _Py_IMMORTAL_REFCNT; deferred ones (types, modules) include a large bias.
 * Use it for debugging, never to decide anything. */
static inline Py_ssize_t Py_REFCNT(PyObject* op) { return ftrt_Refcount(op); }
#define Py_REFCNT(op) Py_REFCNT(_PyObject_CAST(op))

static inline Py_ALWAYS_INLINE void Py_INCREF(PyObject* op) {
  ftrt_Incref(op);
}
#define Py_INCREF(op) Py_INCREF(_PyObject_CAST(op))

static inline Py_ALWAYS_INLINE void Py_DECREF(PyObject* op) {
  ftrt_Decref(op);
}
#define Py_DECREF(op) Py_DECREF(_PyObject_CAST(op))

static inline Py_ALWAYS_INLINE void Py_XINCREF(PyObject* op) {
  if (op != _Py_NULL) Py_INCREF(op);
}
#define Py_XINCREF(op) Py_XINCREF(_PyObject_CAST(op))

static inline Py_ALWAYS_INLINE void Py_XDECREF(PyObject* op) {
  if (op != _Py_NULL) Py_DECREF(op);
}
#define Py_XDECREF(op) Py_XDECREF(_PyObject_CAST(op))

/* A new strong reference to op (op must not be NULL). */
static inline Py_ALWAYS_INLINE PyObject* Py_NewRef(PyObject* op) {
  Py_INCREF(op);
  return op;
}
#define Py_NewRef(op) Py_NewRef(_PyObject_CAST(op))

static inline Py_ALWAYS_INLINE PyObject* Py_XNewRef(PyObject* op) {
  Py_XINCREF(op);
  return op;
}
#define Py_XNewRef(op) Py_XNewRef(_PyObject_CAST(op))

/* Sets the variable to NULL, then drops the reference it held: the
 * variable never points to a freed object, even if the decrement runs code
 * that reads it (tp_clear relies on this). Not atomic: the variable must
 * be protected by the caller (a critical section on its owner, or being
 * the only thread that can reach it). */
#define Py_CLEAR(op)                                    \
  do {                                                  \
    _Py_TYPEOF(op)* _tmp_op_ptr = &(op);                \
    _Py_TYPEOF(op) _tmp_old_op = (*_tmp_op_ptr);        \
    if (_tmp_old_op != _Py_NULL) {                      \
      *_tmp_op_ptr = _Py_NULL;                          \
      Py_DECREF(_tmp_old_op);                           \
    }                                                   \
  } while (0)

/* Stores src (a new reference) in dst, then drops dst's old reference
 * (which must not be NULL for Py_SETREF). Same locking rule as Py_CLEAR. */
#define Py_SETREF(dst, src)                             \
  do {                                                  \
    _Py_TYPEOF(dst)* _tmp_dst_ptr = &(dst);             \
    _Py_TYPEOF(dst) _tmp_old_dst = (*_tmp_dst_ptr);     \
    *_tmp_dst_ptr = (src);                              \
    Py_DECREF(_tmp_old_dst);                            \
  } while (0)

#define Py_XSETREF(dst, src)                            \
  do {                                                  \
    _Py_TYPEOF(dst)* _tmp_dst_ptr = &(dst);             \
    _Py_TYPEOF(dst) _tmp_old_dst = (*_tmp_dst_ptr);     \
    *_tmp_dst_ptr = (src);                              \
    Py_XDECREF(_tmp_old_dst);                           \
  } while (0)

/* Makes op use deferred reference counting (CPython 3.14): references from
 * the interpreter's stacks are no longer counted and only the cycle
 * collector frees it. For objects many threads share and count (module
 * globals, types). Returns 1 if enabled, 0 if not (already deferred, not
 * GC-tracked, or not owned by the calling thread); never raises. */
PyAPI_FUNC(int) PyUnstable_Object_EnableDeferredRefcount(PyObject* op);

#ifdef __cplusplus
}
#endif

#endif /* !Py_REFCOUNT_H */
