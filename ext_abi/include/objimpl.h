/* Object memory and the cycle collector's API (CPython's objimpl.h).
 *
 * Allocation. PyObject_New / PyObject_GC_New allocate tp_basicsize bytes
 * (plus n * tp_itemsize for the Var forms) from the calling thread's heap
 * and initialise the header: owned by the calling thread, one reference,
 * the type set (and, for a heap type, a reference to the type taken).
 * Only the header is initialised: fill every field before the object can
 * be reached by another thread or by the collector (GC_New does NOT track
 * the object; call PyObject_GC_Track once its fields are valid).
 *
 * Freeing. tp_dealloc gives the memory back with the matching function:
 * PyObject_Free (PyObject_Del) for PyObject_New's, PyObject_GC_Del for
 * PyObject_GC_New's, or type->tp_free, which is one of them. The runtime
 * keeps the memory readable as an object header until every thread has
 * passed a quiescent state (QSBR), so lock-free readers that raced with the
 * free see a dead header rather than reused memory; never free() it.
 *
 * The collector (gc/) stops the world, so tp_traverse runs while no other
 * thread runs Python-level code: it may read the object's fields without a
 * lock, but must not allocate, take locks, or call back into the API other
 * than through Py_VISIT. tp_clear runs with the world restarted, on one
 * thread, and may Py_CLEAR fields (other threads may hold references to the
 * object and call its methods concurrently: tp_clear must leave it in a
 * state those methods tolerate, e.g. under the object's critical section).
 *
 * Types with Py_TPFLAGS_HAVE_GC must: allocate with PyObject_GC_New (or
 * tp_alloc), call PyObject_GC_UnTrack first thing in tp_dealloc, and free
 * with PyObject_GC_Del (or tp_free). Heap types also Py_DECREF their type
 * in tp_dealloc and visit it (Py_VISIT(Py_TYPE(self))) in tp_traverse. */
#ifndef Py_OBJIMPL_H
#define Py_OBJIMPL_H

#include <stddef.h>

#include "pyport.h"
#include "pytypedefs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Memory for objects that are not GC-capable. */
PyAPI_FUNC(void*) PyObject_Malloc(size_t size);
PyAPI_FUNC(void*) PyObject_Calloc(size_t nelem, size_t elsize);
PyAPI_FUNC(void*) PyObject_Realloc(void* ptr, size_t new_size);
PyAPI_FUNC(void) PyObject_Free(void* ptr);

#define PyObject_MALLOC PyObject_Malloc
#define PyObject_REALLOC PyObject_Realloc
#define PyObject_FREE PyObject_Free
#define PyObject_Del PyObject_Free
#define PyObject_DEL PyObject_Free

/* Initialise the header of memory the caller allocated itself. */
PyAPI_FUNC(PyObject*) PyObject_Init(PyObject* op, PyTypeObject* type);
PyAPI_FUNC(PyVarObject*) PyObject_InitVar(PyVarObject* op, PyTypeObject* type,
                                          Py_ssize_t size);
#define PyObject_INIT(op, typeobj) PyObject_Init(_PyObject_CAST(op), (typeobj))
#define PyObject_INIT_VAR(op, typeobj, size) \
  PyObject_InitVar(_PyVarObject_CAST(op), (typeobj), (size))

PyAPI_FUNC(PyObject*) _PyObject_New(PyTypeObject* type);
PyAPI_FUNC(PyVarObject*) _PyObject_NewVar(PyTypeObject* type, Py_ssize_t n);
#define PyObject_New(type, typeobj) ((type*)_PyObject_New(typeobj))
#define PyObject_NEW(type, typeobj) PyObject_New(type, (typeobj))
#define PyObject_NewVar(type, typeobj, n) \
  ((type*)_PyObject_NewVar((typeobj), (n)))
#define PyObject_NEW_VAR(type, typeobj, n) PyObject_NewVar(type, (typeobj), (n))

/* ---- The cycle collector ------------------------------------------------ */

/* Runs a full collection (stops the world); returns the number of
 * unreachable objects found. Callable from any attached thread, never from
 * tp_traverse / tp_clear / tp_dealloc (returns 0 there). */
PyAPI_FUNC(Py_ssize_t) PyGC_Collect(void);
/* Automatic collection on / off; each returns the previous state. */
PyAPI_FUNC(int) PyGC_Enable(void);
PyAPI_FUNC(int) PyGC_Disable(void);
PyAPI_FUNC(int) PyGC_IsEnabled(void);

PyAPI_FUNC(PyObject*) _PyObject_GC_New(PyTypeObject* type);
PyAPI_FUNC(PyVarObject*) _PyObject_GC_NewVar(PyTypeObject* type,
                                             Py_ssize_t n);
#define PyObject_GC_New(type, typeobj) \
  _Py_CAST(type*, _PyObject_GC_New(typeobj))
#define PyObject_GC_NewVar(type, typeobj, n) \
  _Py_CAST(type*, _PyObject_GC_NewVar((typeobj), (n)))

/* Start / stop the collector looking at op (idempotent). Track only once
 * every field tp_traverse visits is valid. Memory ordering: tracking
 * publishes the object's fields to the collector (it runs at a stop, which
 * synchronises with every thread). */
PyAPI_FUNC(void) PyObject_GC_Track(void* op);
PyAPI_FUNC(void) PyObject_GC_UnTrack(void* op);
PyAPI_FUNC(void) PyObject_GC_Del(void* op);
PyAPI_FUNC(int) PyObject_GC_IsTracked(PyObject* op);
PyAPI_FUNC(int) PyObject_GC_IsFinalized(PyObject* op);
PyAPI_FUNC(int) PyObject_IS_GC(PyObject* op);

/* In tp_traverse: visit a member (skips NULL; returns what visit returns
 * if that is non-zero). Expects the parameters to be named visit and arg. */
#define Py_VISIT(op)                                        \
  do {                                                      \
    if (op) {                                               \
      int _vret = visit(_PyObject_CAST(op), arg);           \
      if (_vret) return _vret;                              \
    }                                                       \
  } while (0)

#ifdef __cplusplus
}
#endif

#endif /* !Py_OBJIMPL_H */
