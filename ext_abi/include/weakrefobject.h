/* Weak references (CPython's weakrefobject.h).
 *
 * Without a GIL, a weak reference's target may lose its last strong
 * reference on another thread at any moment. PyWeakref_GetRef resolves
 * that race inside the runtime (it takes a strong reference only if the
 * target is still alive, object/'s TryIncref under the weakref lock) and
 * is the only safe way to read a weak reference. PyWeakref_GetObject
 * (borrowed) is deprecated since 3.13 and unsafe here: its result can be
 * freed by another thread before the caller uses it.
 *
 * A type supports weak references if it has Py_TPFLAGS_MANAGED_WEAKREF
 * or a tp_weaklistoffset; its tp_dealloc then calls
 * PyObject_ClearWeakRefs(self) first. */
#ifndef Py_WEAKREFOBJECT_H
#define Py_WEAKREFOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _PyWeakReference PyWeakReference;

PyAPI_DATA(PyTypeObject) _PyWeakref_RefType;
PyAPI_DATA(PyTypeObject) _PyWeakref_ProxyType;
PyAPI_DATA(PyTypeObject) _PyWeakref_CallableProxyType;

#define PyWeakref_CheckRef(op) PyObject_TypeCheck((op), &_PyWeakref_RefType)
#define PyWeakref_CheckRefExact(op) Py_IS_TYPE((op), &_PyWeakref_RefType)
#define PyWeakref_CheckProxy(op)                   \
  (Py_IS_TYPE((op), &_PyWeakref_ProxyType) ||      \
   Py_IS_TYPE((op), &_PyWeakref_CallableProxyType))
#define PyWeakref_Check(op) (PyWeakref_CheckRef(op) || PyWeakref_CheckProxy(op))

/* A new weak reference to ob (TypeError if ob's type does not support
 * them). callback (or NULL / None) is called with the weak reference when
 * ob dies, on the thread that frees ob. */
PyAPI_FUNC(PyObject*) PyWeakref_NewRef(PyObject* ob, PyObject* callback);
PyAPI_FUNC(PyObject*) PyWeakref_NewProxy(PyObject* ob, PyObject* callback);
/* 1 and *pobj a new (strong) reference if the target is alive; 0 and
 * *pobj NULL if it is dead; -1 with TypeError if ref is not a weak
 * reference (3.13). */
PyAPI_FUNC(int) PyWeakref_GetRef(PyObject* ref, PyObject** pobj);
/* BORROWED (None if dead): unsafe without a GIL, the target may be freed
 * at once by another thread. SAFE REPLACEMENT: PyWeakref_GetRef. */
Py_DEPRECATED(3.13) PyAPI_FUNC(PyObject*) PyWeakref_GetObject(PyObject* ref);
/* The same, unchecked (CPython's macro; as unsafe). */
#define PyWeakref_GET_OBJECT(ref) PyWeakref_GetObject(_PyObject_CAST(ref))

#ifdef __cplusplus
}
#endif

#endif /* !Py_WEAKREFOBJECT_H */
