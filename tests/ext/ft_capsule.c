/* ft_capsule: a sample extension that exports a C API through a capsule,
 * the way numpy and datetime do: the module's attribute _C_API is a
 * capsule named "ft_capsule._C_API" holding a table of C functions, which
 * another extension gets with PyCapsule_Import. Also, for the importer's
 * error cases: `wrong_name` (a capsule under another name) and
 * `not_capsule` (an int). The table's destructor counter lets the host see
 * the module's capsule freed exactly once at finalization. */
#include "Python.h"

typedef struct {
  int (*add)(int, int);
  int destructor_calls; /* how many times the _C_API capsule was freed */
} FtCapsuleApi;

static int api_add(int a, int b) { return a + b; }

static FtCapsuleApi g_api = {api_add, 0};
static int g_other;

static void api_capsule_destructor(PyObject* capsule) {
  FtCapsuleApi* api = (FtCapsuleApi*)PyCapsule_GetPointer(capsule, "ft_capsule._C_API");
  if (api != NULL) api->destructor_calls++;
}

static int ft_capsule_exec(PyObject* m) {
  PyObject* c = PyCapsule_New(&g_api, "ft_capsule._C_API", api_capsule_destructor);
  if (PyModule_Add(m, "_C_API", c) < 0) return -1;
  if (PyModule_Add(m, "wrong_name", PyCapsule_New(&g_other, "ft_capsule.other", NULL)) < 0) {
    return -1;
  }
  return PyModule_AddIntConstant(m, "not_capsule", 7);
}

static PyModuleDef_Slot ft_capsule_slots[] = {
    {Py_mod_exec, (void*)ft_capsule_exec},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static struct PyModuleDef ft_capsule_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "ft_capsule",
    .m_doc = "exports a C API through a capsule",
    .m_size = 0,
    .m_slots = ft_capsule_slots,
};

PyMODINIT_FUNC PyInit_ft_capsule(void) { return PyModuleDef_Init(&ft_capsule_module); }
