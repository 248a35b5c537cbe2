/* ft_racy: a sample extension with a data race, as found in the wild.
 *
 * It declares Py_mod_gil = Py_MOD_GIL_NOT_USED, so the runtime keeps the
 * GIL off and calls its functions from many threads at once, but it keeps
 * a call count in a plain static variable and updates it with a
 * read-modify-write that nothing guards. Under ThreadSanitizer the
 * extension checker must report the race at `calls = calls + 1` below;
 * without it, counts go missing. (The fix: a PyMutex, as ft_safe does, or
 * a C11 atomic.) */
#include "Python.h"

static long calls; /* BUG: shared by every thread, no lock */

static PyObject* ft_racy_bump(PyObject* Py_UNUSED(module),
                              PyObject* Py_UNUSED(ignored)) {
  calls = calls + 1; /* the race */
  return PyLong_FromLong(calls);
}

static PyObject* ft_racy_calls(PyObject* Py_UNUSED(module),
                               PyObject* Py_UNUSED(ignored)) {
  return PyLong_FromLong(calls);
}

static PyObject* ft_racy_reset(PyObject* Py_UNUSED(module),
                               PyObject* Py_UNUSED(ignored)) {
  calls = 0;
  Py_RETURN_NONE;
}

static PyMethodDef ft_racy_functions[] = {
    {"bump", ft_racy_bump, METH_NOARGS, "bump() -> calls so far (racy)"},
    {"calls", ft_racy_calls, METH_NOARGS, "calls() -> the call count"},
    {"reset", ft_racy_reset, METH_NOARGS, "reset(): sets the count to 0"},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot ft_racy_slots[] = {
    {Py_mod_gil, Py_MOD_GIL_NOT_USED}, /* a promise the code does not keep */
    {0, NULL},
};

static struct PyModuleDef ft_racy_module = {
    PyModuleDef_HEAD_INIT,
    "ft_racy",                                    /* m_name */
    "A sample extension with an unguarded counter.", /* m_doc */
    0,                                            /* m_size */
    ft_racy_functions,                            /* m_methods */
    ft_racy_slots,                                /* m_slots */
    NULL,                                         /* m_traverse */
    NULL,                                         /* m_clear */
    NULL,                                         /* m_free */
};

PyMODINIT_FUNC PyInit_ft_racy(void) { return PyModuleDef_Init(&ft_racy_module); }
