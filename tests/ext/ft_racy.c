/* ft_racy: a sample extension with a data race, as found in the wild.
 *
 * It declares Py_mod_gil = Py_MOD_GIL_NOT_USED, so the runtime keeps the
 * GIL off and calls its functions from many threads at once, but it keeps
 * a call count in a plain static variable and updates it with a
 * read-modify-write that nothing guards. Under ThreadSanitizer the
 * extension checker must report the race at `calls = calls + 1` below;
 * without it, counts go missing. (The fix: a PyMutex, as ft_safe does, or
 * a C11 atomic.)
 *
 * Its type Tally has the same bug in a method (`tally_total = tally_total
 * + 1`). The type is static and named without the module prefix ("Tally",
 * as wrapt names its types), so the checker must find it as the
 * extension's own by where it is defined, not by its name. */
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

static long tally_total; /* BUG: the same, in a method */

static PyObject* Tally_add(PyObject* Py_UNUSED(self), PyObject* Py_UNUSED(ignored)) {
  tally_total = tally_total + 1; /* the race in a method */
  return PyLong_FromLong(tally_total);
}

static PyMethodDef Tally_methods[] = {
    {"add", Tally_add, METH_NOARGS, "add() -> additions so far (racy)"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TallyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "Tally",            /* tp_name: no module prefix */
    sizeof(PyObject),   /* tp_basicsize */
};

static int ft_racy_exec(PyObject* module) {
  TallyType.tp_flags = Py_TPFLAGS_DEFAULT;
  TallyType.tp_methods = Tally_methods;
  TallyType.tp_new = PyType_GenericNew;
  if (PyType_Ready(&TallyType) < 0) return -1;
  return PyModule_AddType(module, &TallyType);
}

static PyMethodDef ft_racy_functions[] = {
    {"bump", ft_racy_bump, METH_NOARGS, "bump() -> calls so far (racy)"},
    {"calls", ft_racy_calls, METH_NOARGS, "calls() -> the call count"},
    {"reset", ft_racy_reset, METH_NOARGS, "reset(): sets the count to 0"},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot ft_racy_slots[] = {
    {Py_mod_exec, ft_racy_exec},
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
