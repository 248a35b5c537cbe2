/* ft_buggy: an extension with one bug per function, for the checker's own
 * tests (tools/check/report_test.cc reads logs of `tools/ft check` runs on
 * it, the .log files beside this one). Each function is called on its own,
 * through a one-call spec, so each log holds one kind of finding:
 *   over_release()  releases a new list twice: the second Py_DECREF is on a
 *                   freed object (ftrt's debug checks abort, naming it)
 *   leak()          makes a list and never releases it: alive after
 *                   finalization
 *   overflow()      writes one int past a malloc'd block (ASan)
 *   shift(n)        1 << n, undefined for n >= 32 (UBSan)
 * Py_MOD_GIL_NOT_USED is declared; the bugs are not about threads. */
#include <stdlib.h>

#include "Python.h"

static PyObject* over_release(PyObject* m, PyObject* unused) {
  (void)m;
  (void)unused;
  PyObject* list = PyList_New(0);
  if (list == NULL) return NULL;
  Py_DECREF(list);
  Py_DECREF(list); /* BUG: a second release */
  Py_RETURN_NONE;
}

static PyObject* leak(PyObject* m, PyObject* unused) {
  (void)m;
  (void)unused;
  PyObject* list = PyList_New(0); /* BUG: never released */
  if (list == NULL) return NULL;
  Py_RETURN_NONE;
}

static PyObject* overflow(PyObject* m, PyObject* unused) {
  (void)m;
  (void)unused;
  int* block = malloc(4 * sizeof(int));
  if (block == NULL) return PyErr_NoMemory();
  volatile int n = 4;
  block[n] = 1; /* BUG: one past the end */
  free(block);
  Py_RETURN_NONE;
}

static PyObject* shift(PyObject* m, PyObject* arg) {
  (void)m;
  int n = PyLong_AsInt(arg);
  if (n == -1 && PyErr_Occurred()) return NULL;
  return PyLong_FromLong(1 << n); /* BUG: undefined for n >= 32 */
}

static PyMethodDef ft_buggy_functions[] = {
    {"over_release", over_release, METH_NOARGS, NULL},
    {"leak", leak, METH_NOARGS, NULL},
    {"overflow", overflow, METH_NOARGS, NULL},
    {"shift", shift, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot ft_buggy_slots[] = {
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static struct PyModuleDef ft_buggy_module = {
    PyModuleDef_HEAD_INIT, "ft_buggy", NULL, 0, ft_buggy_functions, ft_buggy_slots,
    NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_ft_buggy(void) { return PyModuleDef_Init(&ft_buggy_module); }
