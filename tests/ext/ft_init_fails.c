/* ft_init_fails: modules whose initialization fails, each way the loader
 * must turn into a clear ImportError with the cause chained. One shared
 * object, one PyInit_ per case; the test imports it under each name:
 *
 *   ft_init_fails          single-phase; PyInit_ raises RuntimeError and
 *                          returns NULL (the usual way to fail)
 *   ft_init_fails_noexc    single-phase; returns NULL with no exception set
 *                          (a bug: CPython reports SystemError "initialization
 *                          of ... failed without raising an exception")
 *   ft_init_fails_exec     multi-phase; the Py_mod_exec slot raises
 *                          ValueError and returns -1
 *   ft_init_fails_exec_noexc  multi-phase; the exec slot returns -1 with
 *                          no exception set (SystemError in CPython)
 *
 * The multi-phase ones declare Py_mod_gil = Py_MOD_GIL_NOT_USED, so a
 * failed import never turns the GIL on. */
#include "Python.h"

PyMODINIT_FUNC PyInit_ft_init_fails(void) {
  PyErr_SetString(PyExc_RuntimeError,
                  "ft_init_fails: cannot initialize (on purpose)");
  return NULL;
}

PyMODINIT_FUNC PyInit_ft_init_fails_noexc(void) {
  return NULL; /* no exception set: a bug the loader must report */
}

static int exec_raises(PyObject* module) {
  (void)module;
  PyErr_Format(PyExc_ValueError, "%s: exec slot failed (on purpose)",
               "ft_init_fails_exec");
  return -1;
}

static int exec_fails_silently(PyObject* module) {
  (void)module;
  return -1;
}

static PyModuleDef_Slot exec_raises_slots[] = {
    {Py_mod_exec, exec_raises},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static PyModuleDef_Slot exec_silent_slots[] = {
    {Py_mod_exec, exec_fails_silently},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static struct PyModuleDef exec_raises_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "ft_init_fails_exec",
    .m_size = 0,
    .m_slots = exec_raises_slots,
};

static struct PyModuleDef exec_silent_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "ft_init_fails_exec_noexc",
    .m_size = 0,
    .m_slots = exec_silent_slots,
};

PyMODINIT_FUNC PyInit_ft_init_fails_exec(void) {
  return PyModuleDef_Init(&exec_raises_def);
}

PyMODINIT_FUNC PyInit_ft_init_fails_exec_noexc(void) {
  return PyModuleDef_Init(&exec_silent_def);
}
