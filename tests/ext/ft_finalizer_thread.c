/* ft_finalizer_thread: a type whose finalizer starts a thread.
 *
 * A Resource holds a callback. When it is finalized (tp_finalize, PEP 442:
 * when its last reference goes, or when the collector finds it in
 * garbage, or during Py_FinalizeEx) it hands the callback to a new thread
 * made with PyThread_start_new_thread, which attaches with
 * PyGILState_Ensure and calls it: a "flush in the background" pattern found
 * in real I/O libraries.
 *
 * Once finalization has begun, PyThread_start_new_thread refuses: it
 * returns PYTHREAD_INVALID_THREAD_ID with PythonFinalizationError set. The
 * finalizer checks for exactly that with PyErr_ExceptionMatches, counts it
 * and runs the callback inline instead; any other error is reported with
 * PyErr_WriteUnraisable. stats() returns (threads started, callbacks run,
 * refusals seen), and last_refusal() the message of the last refusal. */
#include "Python.h"

typedef struct {
  PyMutex mutex; /* guards the fields below */
  long started;
  long ran;
  long refused;
  char last_refusal[128];
} finalizer_stats;

/* Process-wide, like the threads it counts. */
static finalizer_stats stats;

typedef struct {
  PyObject_HEAD
  PyObject* callback; /* callable or NULL */
} ResourceObject;

static void run_callback(PyObject* callback) {
  PyObject* res = PyObject_CallNoArgs(callback);
  if (res == NULL) {
    PyErr_WriteUnraisable(callback);
  } else {
    Py_DECREF(res);
  }
  PyMutex_Lock(&stats.mutex);
  stats.ran++;
  PyMutex_Unlock(&stats.mutex);
}

/* Runs on the new thread, which is not attached to the runtime yet. */
static void flush_thread(void* arg) {
  PyObject* callback = (PyObject*)arg; /* a strong reference, now ours */
  PyGILState_STATE g = PyGILState_Ensure();
  run_callback(callback);
  Py_DECREF(callback);
  PyGILState_Release(g);
}

static void Resource_finalize(PyObject* op) {
  ResourceObject* self = (ResourceObject*)op;
  PyObject* exc;
  PyObject* callback;
  unsigned long ident;

  /* A finalizer must leave the current exception as it found it. */
  exc = PyErr_GetRaisedException();

  callback = self->callback;
  self->callback = NULL;
  if (callback == NULL) goto done;

  ident = PyThread_start_new_thread(flush_thread, callback);
  if (ident != PYTHREAD_INVALID_THREAD_ID) {
    /* The thread owns callback now. */
    PyMutex_Lock(&stats.mutex);
    stats.started++;
    PyMutex_Unlock(&stats.mutex);
    goto done;
  }
  if (PyErr_ExceptionMatches(PyExc_PythonFinalizationError)) {
    PyObject* refusal = PyErr_GetRaisedException();
    PyObject* text = PyObject_Str(refusal);
    const char* utf8 = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
    PyMutex_Lock(&stats.mutex);
    stats.refused++;
    snprintf(stats.last_refusal, sizeof(stats.last_refusal), "%s",
             utf8 != NULL ? utf8 : "?");
    PyMutex_Unlock(&stats.mutex);
    PyErr_Clear(); /* from PyObject_Str / PyUnicode_AsUTF8, if any */
    Py_XDECREF(text);
    Py_DECREF(refusal);
  } else if (PyErr_Occurred()) {
    PyErr_WriteUnraisable(op);
  }
  /* No thread: flush inline. */
  run_callback(callback);
  Py_DECREF(callback);

done:
  PyErr_SetRaisedException(exc);
}

static PyObject* Resource_new(PyTypeObject* type, PyObject* args,
                              PyObject* kwds) {
  static char* kwlist[] = {"callback", NULL};
  PyObject* callback;
  ResourceObject* self;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:Resource", kwlist,
                                   &callback)) {
    return NULL;
  }
  if (!PyCallable_Check(callback)) {
    PyErr_SetString(PyExc_TypeError, "Resource() needs a callable");
    return NULL;
  }
  self = (ResourceObject*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->callback = Py_NewRef(callback);
  return (PyObject*)self;
}

static int Resource_traverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(Py_TYPE(op));
  Py_VISIT(((ResourceObject*)op)->callback);
  return 0;
}

static int Resource_clear(PyObject* op) {
  Py_CLEAR(((ResourceObject*)op)->callback);
  return 0;
}

static void Resource_dealloc(PyObject* op) {
  PyTypeObject* tp = Py_TYPE(op);
  if (PyObject_CallFinalizerFromDealloc(op) < 0) return; /* resurrected */
  PyObject_GC_UnTrack(op);
  (void)Resource_clear(op);
  tp->tp_free(op);
  Py_DECREF(tp);
}

static PyType_Slot Resource_slots[] = {
    {Py_tp_new, Resource_new},
    {Py_tp_finalize, Resource_finalize},
    {Py_tp_dealloc, Resource_dealloc},
    {Py_tp_traverse, Resource_traverse},
    {Py_tp_clear, Resource_clear},
    {Py_tp_doc,
     (void*)"Resource(callback): calls callback on a new thread when "
            "finalized"},
    {0, NULL},
};

static PyType_Spec Resource_spec = {
    "ft_finalizer_thread.Resource",
    sizeof(ResourceObject),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    Resource_slots,
};

static PyObject* module_stats(PyObject* Py_UNUSED(module),
                              PyObject* Py_UNUSED(ignored)) {
  long started, ran, refused;
  PyMutex_Lock(&stats.mutex);
  started = stats.started;
  ran = stats.ran;
  refused = stats.refused;
  PyMutex_Unlock(&stats.mutex);
  return Py_BuildValue("(lll)", started, ran, refused);
}

static PyObject* module_last_refusal(PyObject* Py_UNUSED(module),
                                     PyObject* Py_UNUSED(ignored)) {
  char copy[sizeof(stats.last_refusal)];
  PyMutex_Lock(&stats.mutex);
  memcpy(copy, stats.last_refusal, sizeof(copy));
  PyMutex_Unlock(&stats.mutex);
  return PyUnicode_FromString(copy);
}

static PyMethodDef module_functions[] = {
    {"stats", module_stats, METH_NOARGS,
     "stats() -> (threads started, callbacks run, refusals seen)"},
    {"last_refusal", module_last_refusal, METH_NOARGS,
     "last_refusal() -> the message of the last PythonFinalizationError"},
    {NULL, NULL, 0, NULL},
};

static int module_exec(PyObject* module) {
  PyObject* type = PyType_FromModuleAndSpec(module, &Resource_spec, NULL);
  if (type == NULL) return -1;
  if (PyModule_AddType(module, (PyTypeObject*)type) < 0) {
    Py_DECREF(type);
    return -1;
  }
  Py_DECREF(type);
  return 0;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static struct PyModuleDef finalizer_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "ft_finalizer_thread",
    .m_doc = "A type whose finalizer starts a thread.",
    .m_size = 0,
    .m_methods = module_functions,
    .m_slots = module_slots,
};

PyMODINIT_FUNC PyInit_ft_finalizer_thread(void) {
  return PyModuleDef_Init(&finalizer_module);
}
