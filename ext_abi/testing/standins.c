/* Stand-ins for runtime exports; see standins.h. */
#include "ext_abi/testing/standins.h"

#include <string.h>

ftrt_standin_calls ftrt_standins;

void ftrt_standins_reset(void) { memset(&ftrt_standins, 0, sizeof ftrt_standins); }

/* ---- Reference counting (object/refcount_abi.h) -------------------------- */
void ftrt_MergeZeroLocalRefcount(PyObject* op) {
  ftrt_standins.merge_zero_local++;
  ftrt_standins.last_object = op;
}

void ftrt_DecRefShared(PyObject* op, intptr_t shared) {
  ftrt_standins.decref_shared++;
  ftrt_standins.last_object = op;
  ftrt_standins.last_shared = shared;
}

int ftrt_TryIncrefShared(PyObject* op) {
  ftrt_standins.last_object = op;
  return 0;
}

void ftrt_CheckIncref(PyObject* op) {
  ftrt_standins.check_incref++;
  ftrt_standins.last_object = op;
}

void ftrt_CheckDecref(PyObject* op) {
  ftrt_standins.check_decref++;
  ftrt_standins.last_object = op;
}

/* ---- PyMutex slow paths: lock.h's macros rename the inline fast paths --- */
#undef PyMutex_Lock
#undef PyMutex_Unlock

void PyMutex_Lock(PyMutex* m) {
  ftrt_standins.mutex_lock_slow++;
  m->_bits |= _Py_LOCKED; /* single-threaded: just take it */
}

void PyMutex_Unlock(PyMutex* m) {
  ftrt_standins.mutex_unlock_slow++;
  m->_bits = _Py_UNLOCKED;
}

/* ---- Critical sections: record the frame and the objects ----------------- */
void PyCriticalSection_Begin(PyCriticalSection* c, PyObject* op) {
  ftrt_standins.cs_begin++;
  ftrt_standins.last_frame = c;
  ftrt_standins.last_object = op;
  c->_cs_prev = 0;
  c->_cs_mutex = &op->ob_mutex;
}

void PyCriticalSection_End(PyCriticalSection* c) {
  ftrt_standins.cs_end++;
  ftrt_standins.last_frame = c;
}

void PyCriticalSection2_Begin(PyCriticalSection2* c, PyObject* a, PyObject* b) {
  ftrt_standins.cs2_begin++;
  ftrt_standins.last_frame = c;
  ftrt_standins.last_object = a;
  ftrt_standins.last_object2 = b;
  c->_cs_base._cs_prev = 0;
  c->_cs_base._cs_mutex = &a->ob_mutex;
  c->_cs_mutex2 = &b->ob_mutex;
}

void PyCriticalSection2_End(PyCriticalSection2* c) {
  ftrt_standins.cs2_end++;
  ftrt_standins.last_frame = c;
}

/* ---- Singletons and types ------------------------------------------------ */
PyObject _Py_NoneStruct;
PyObject _Py_NotImplementedStruct;
struct _longobject _Py_TrueStruct;
struct _longobject _Py_FalseStruct;

static void init_static_header(PyObject* op) {
  op->ob_tid = 0;
  op->ob_flags = FTRT_OBJ_FLAG_STATIC;
  op->ob_ref_local = FTRT_IMMORTAL_REFCNT_LOCAL;
  op->ob_ref_shared = 0;
}

void ftrt_standins_init_singletons(void) {
  init_static_header(&_Py_NoneStruct);
  init_static_header(&_Py_NotImplementedStruct);
  init_static_header(&_Py_TrueStruct.ob_base);
  _Py_TrueStruct.ftrt_value = 1;
  init_static_header(&_Py_FalseStruct.ob_base);
  _Py_FalseStruct.ftrt_value = 0;
}

/* Multi-phase init's first step: the definition is the result. */
PyObject* PyModuleDef_Init(PyModuleDef* def) { return (PyObject*)def; }

/* float, for PyFloat_AS_DOUBLE's PyFloat_Check assertion. */
PyTypeObject PyFloat_Type = {
    PyVarObject_HEAD_INIT(&PyFloat_Type, 0)
    "float",               /* tp_name */
    sizeof(PyFloatObject), /* tp_basicsize */
};

/* By tp_base only: enough for the types the tests build. */
int PyType_IsSubtype(PyTypeObject* a, PyTypeObject* b) {
  for (; a != NULL; a = a->tp_base) {
    if (a == b) return 1;
  }
  return 0;
}
