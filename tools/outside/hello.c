/* hello: a small C extension built OUTSIDE Bazel, with gcc and the flags of
 * an installed ftrt only (`pkg-config --cflags ftrt`): what an extension
 * author's Makefile, CMake or setuptools build does. tools/outside/
 * build_test.sh builds it and host.cc loads it.
 *
 * add(a, b) returns a + b; count() bumps a PyMutex-guarded counter in the
 * module state and returns it. Multi-phase init, Py_MOD_GIL_NOT_USED. */
#include "Python.h"

typedef struct {
  PyMutex mutex; /* guards n */
  long n;
} hello_state;

static PyObject* hello_add(PyObject* module, PyObject* const* args, Py_ssize_t nargs) {
  (void)module;
  if (nargs != 2) return PyErr_Format(PyExc_TypeError, "add() takes 2 arguments");
  long a = PyLong_AsLong(args[0]);
  if (a == -1 && PyErr_Occurred()) return NULL;
  long b = PyLong_AsLong(args[1]);
  if (b == -1 && PyErr_Occurred()) return NULL;
  return PyLong_FromLong(a + b);
}

static PyObject* hello_count(PyObject* module, PyObject* unused) {
  (void)unused;
  hello_state* st = (hello_state*)PyModule_GetState(module);
  PyMutex_Lock(&st->mutex);
  long now = ++st->n;
  PyMutex_Unlock(&st->mutex);
  return PyLong_FromLong(now);
}

static PyMethodDef hello_functions[] = {
    {"add", (PyCFunction)(void (*)(void))hello_add, METH_FASTCALL, "add(a, b) -> a + b"},
    {"count", hello_count, METH_NOARGS, "count() -> calls so far"},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot hello_slots[] = {
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static struct PyModuleDef hello_module = {
    PyModuleDef_HEAD_INIT, "hello", "built outside Bazel", sizeof(hello_state),
    hello_functions, hello_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_hello(void) { return PyModuleDef_Init(&hello_module); }
