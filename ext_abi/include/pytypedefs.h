/* The basic C types of the API: PyObject, PyVarObject, PyTypeObject,
 * Py_ssize_t, the slot function types, PyMethodDef, PyMemberDef,
 * PyGetSetDef, PyType_Spec, PyModuleDef and the Py_TPFLAGS_* / Py_tp_* /
 * Py_mod_* / METH_* / Py_T_* constants.
 *
 * They are object/cpython_types.h, shared with the runtime so that both
 * sides see the same bytes (CPython 3.13t's layouts, checked there field by
 * field), over alloc/object_layout.h's object header (struct _object,
 * PyMutex). This file only names them as CPython's headers do
 * (pytypedefs.h, typeslots.h, methodobject.h, descrobject.h,
 * moduleobject.h each hold a part of them there). */
#ifndef Py_PYTYPEDEFS_H
#define Py_PYTYPEDEFS_H

#include "alloc/object_layout.h"
#include "object/cpython_types.h"

typedef struct _frame PyFrameObject;
typedef struct _ts PyThreadState;
typedef struct _is PyInterpreterState;
typedef struct _longobject PyLongObject;

/* A Py_ssize_t for the "#" units of PyArg_Parse* (CPython keeps the name). */
typedef Py_ssize_t Py_ssize_clean_t;

#endif /* !Py_PYTYPEDEFS_H */
