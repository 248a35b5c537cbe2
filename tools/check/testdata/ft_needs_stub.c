/* ft_needs_stub: an extension that takes a class from a pure-Python module
 * at init, as simplejson takes its errors module's classes and
 * python-rapidjson takes decimal.Decimal and uuid.UUID. ftrt runs no Python
 * code, so `tools/ft check` can run it only with --stub
 * ft_stub_pkg.errors:Failure,FailureError (tools/ft test's check-stub runs it both
 * ways: without the stub the import finding names the missing package and
 * suggests --stub; with it the verdict is PASS).
 *   make(x)        Failure(x)
 *   is_failure(x)  isinstance(x, Failure)
 *   complain()     raises FailureError (an exception class from the same
 *                  module, as simplejson raises its errors.JSONDecodeError)
 *   forgetful()    BUG: returns NULL without setting an exception (zope's
 *                  Spec_extends does this); the call raises SystemError,
 *                  which the checker shows in an info line
 * Thread-safe: the class is read-only module state; Py_MOD_GIL_NOT_USED. */
#include "Python.h"

typedef struct {
  PyObject* failure;       /* ft_stub_pkg.errors.Failure */
  PyObject* failure_error; /* ft_stub_pkg.errors.FailureError */
} State;

static State* state_of(PyObject* module) { return (State*)PyModule_GetState(module); }

static PyObject* make(PyObject* module, PyObject* arg) {
  return PyObject_CallOneArg(state_of(module)->failure, arg);
}

static PyObject* is_failure(PyObject* module, PyObject* arg) {
  const int r = PyObject_IsInstance(arg, state_of(module)->failure);
  if (r < 0) return NULL;
  return PyBool_FromLong(r);
}

static PyObject* complain(PyObject* module, PyObject* unused) {
  (void)unused;
  PyErr_SetString(state_of(module)->failure_error, "as asked");
  return NULL;
}

static PyObject* forgetful(PyObject* module, PyObject* unused) {
  (void)module;
  (void)unused;
  return NULL; /* BUG: no exception set */
}

static int exec_module(PyObject* module) {
  PyObject* errors = PyImport_ImportModule("ft_stub_pkg.errors");
  if (errors == NULL) return -1;
  state_of(module)->failure = PyObject_GetAttrString(errors, "Failure");
  state_of(module)->failure_error = PyObject_GetAttrString(errors, "FailureError");
  Py_DECREF(errors);
  return state_of(module)->failure != NULL && state_of(module)->failure_error != NULL ? 0 : -1;
}

static int traverse(PyObject* module, visitproc visit, void* arg) {
  Py_VISIT(state_of(module)->failure);
  Py_VISIT(state_of(module)->failure_error);
  return 0;
}

static int clear(PyObject* module) {
  Py_CLEAR(state_of(module)->failure);
  Py_CLEAR(state_of(module)->failure_error);
  return 0;
}

static void free_module(void* module) { clear((PyObject*)module); }

static PyMethodDef functions[] = {
    {"make", make, METH_O, "make(x) -> Failure(x)"},
    {"is_failure", is_failure, METH_O, "is_failure(x) -> isinstance(x, Failure)"},
    {"complain", complain, METH_NOARGS, "complain() raises FailureError"},
    {"forgetful", forgetful, METH_NOARGS, "forgetful() -> NULL without an exception (a bug)"},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "ft_needs_stub", NULL, sizeof(State), functions, slots,
    traverse,              clear,           free_module,
};

PyMODINIT_FUNC PyInit_ft_needs_stub(void) { return PyModuleDef_Init(&module_def); }
