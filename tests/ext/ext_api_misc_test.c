/* Importing by name, method calls by vectorcall, the mapping views, the
 * recursion guard and PyErr_Print, from C, with their error cases.
 *
 *   - PyImport_ImportModule / PyImport_Import / PyImport_GetModule find the
 *     extension the host loaded (argv[1], ft_capsule), and what is put in
 *     PyImport_GetModuleDict (sys.modules), and nothing else:
 *     ModuleNotFoundError with CPython's message for other names, for a
 *     missing submodule and for an attribute that is not a module;
 *     PyImport_GetModule returns NULL without an exception instead;
 *   - PyObject_VectorcallMethod and the CallMethodNoArgs / OneArg inlines
 *     bind self, pass positional and keyword arguments, and report a
 *     missing method (AttributeError) and bad input (SystemError);
 *   - PyMapping_Keys / Values / Items: a dict's snapshot, a non-dict's
 *     methods made lists, the errors;
 *   - Py_EnterRecursiveCall: RecursionError at a fixed depth with `where`
 *     in the message, the same depth again after unwinding, and per thread;
 *   - PyErr_Print writes "ValueError: boom" to stderr and clears the
 *     error; PyErr_CheckSignals has nothing to run;
 *   - PyOS_string_to_double / PyOS_double_to_string (Python's float
 *     syntax; repr and printf formats with their flags), codecs by name
 *     (PyUnicode_AsEncodedString / PyUnicode_Decode, LookupError for
 *     others), PySys_WriteStdout / WriteStderr (captured, cut at 1000
 *     bytes, the pending exception kept), PyObject_Type and
 *     PyObject_HasAttrWithError;
 *   - PyImport_AddModule* (a new registered module), PySys_GetObject /
 *     SetObject (the facts; a replaced value read before stays valid);
 *     PyFloat_Pack / Unpack against CPython 3.13's bytes, PyObject_Bytes
 *     and PyBytes_FromObject, PyObject_LengthHint, the type-name getters,
 *     PyDict_MergeFromSeq2, PyCFunction_New as a function;
 *   - small additions (Py_GetVersion, Py_HashPointer, PySeqIter_New,
 *     PyLong_FromUnicodeObject, bound methods, PyErr_FormatUnraisable) and
 *     PyCallIter_New: one callable iterator drained by kThreads threads
 *     yields every value once;
 *   - kThreads threads (more than the machine's cores) import, call
 *     methods on a shared object, snapshot a dict another thread mutates,
 *     and recurse to the limit, with random yields from a per-thread seed
 *     (run under TSan too); nothing leaks after Py_FinalizeEx. */
#include "Python.h" /* first, as CPython asks: it sets the feature macros */

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <pthread.h>
#include <sched.h>
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "tests/ext/ext_test_util.h"

enum { kThreads = 6 };

/* ---- a type with methods ---------------------------------------------- */

/* echo(*args, **kw) -> (self, nargs, number of keywords, last arg or None) */
static PyObject* echo(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                      PyObject* kwnames) {
  Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
  PyObject* last = nargs + nkw > 0 ? args[nargs + nkw - 1] : Py_None;
  return Py_BuildValue("(OnnO)", self, nargs, nkw, last);
}
static PyObject* keys(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  return Py_BuildValue("(ss)", "a", "b");  /* a tuple: made a list */
}
static PyObject* values(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  return Py_BuildValue("[ii]", 1, 2);
}
static PyObject* items(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  return Py_BuildValue("((si)(si))", "a", 1, "b", 2);
}
static PyMethodDef g_methods[] = {
    {"echo", (PyCFunction)(void (*)(void))echo, METH_FASTCALL | METH_KEYWORDS, NULL},
    {"keys", keys, METH_NOARGS, NULL},
    {"values", values, METH_NOARGS, NULL},
    {"items", items, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};
static PyType_Slot g_slots[] = {{Py_tp_methods, g_methods}, {0, NULL}};
static PyType_Spec g_spec = {"ext_api_misc_test.Thing", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT,
                             g_slots};

/* A type with __bytes__ and __length_hint__ whose answers the test picks
 * through g_hint_mode. */
static int g_hint_mode;
static PyObject* packer_bytes(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  if (g_hint_mode == 1) return PyLong_FromLong(5); /* not bytes */
  return PyBytes_FromStringAndSize("packed", 6);
}
static PyObject* packer_hint(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  switch (g_hint_mode) {
    case 0: return PyLong_FromLong(7);
    case 1: return PyLong_FromLong(-1);
    case 2: return PyUnicode_FromString("seven");
    default: Py_RETURN_NOTIMPLEMENTED;
  }
}
static PyMethodDef g_packer_methods[] = {
    {"__bytes__", packer_bytes, METH_NOARGS, NULL},
    {"__length_hint__", packer_hint, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};
static PyType_Slot g_packer_slots[] = {{Py_tp_methods, g_packer_methods}, {0, NULL}};
static PyType_Spec g_packer_spec = {"ext_api_misc_test.Packer", sizeof(PyObject), 0,
                                    Py_TPFLAGS_DEFAULT, g_packer_slots};

static PyObject* g_module;  /* ft_capsule, as loaded */
static PyObject* g_thing;   /* an instance, shared by the threads */
static PyObject* g_dict;    /* mutated by one thread, snapshotted by others */
static int g_limit;         /* the depth at which Py_EnterRecursiveCall refuses */
static long g_iters;
static atomic_long g_errors;

/* ---- import ------------------------------------------------------------- */

static void test_import(void) {
  PyObject* m = PyImport_ImportModule("ft_capsule");
  CHECK(m == g_module);
  Py_DECREF(m);
  PyObject* name = PyUnicode_FromString("ft_capsule");
  m = PyImport_Import(name);
  CHECK(m == g_module);
  Py_DECREF(m);
  m = PyImport_GetModule(name);
  CHECK(m == g_module);
  Py_DECREF(m);
  Py_DECREF(name);

  CHECK(PyImport_ImportModule("no_such_module") == NULL);
  ext_test_expect_error(PyExc_ModuleNotFoundError, "No module named 'no_such_module'");
  CHECK(PyImport_ImportModule("sys") == NULL);  /* no interpreter modules */
  ext_test_expect_error(PyExc_ModuleNotFoundError, "No module named 'sys'");
  CHECK(PyImport_ImportModule("ft_capsule.nothing") == NULL);
  ext_test_expect_error(PyExc_ModuleNotFoundError, "No module named 'ft_capsule.nothing'");
  /* An attribute that is not a module is not importable. */
  CHECK(PyImport_ImportModule("ft_capsule.not_capsule") == NULL);
  ext_test_expect_error(PyExc_ModuleNotFoundError, "No module named 'ft_capsule.not_capsule'");

  name = PyUnicode_FromString("no_such_module");
  CHECK(PyImport_GetModule(name) == NULL);
  CHECK(PyErr_Occurred() == NULL);

  /* PyImport_AddModule*: a new empty module, registered (importable by
   * name); the same one from then on. */
  PyObject* added = PyImport_AddModuleRef("ext_api_misc_added");
  CHECK(added != NULL && PyModule_Check(added));
  CHECK(strcmp(PyModule_GetName(added), "ext_api_misc_added") == 0);
  CHECK(PyImport_AddModule("ext_api_misc_added") == added); /* borrowed */
  PyObject* added_name = PyUnicode_FromString("ext_api_misc_added");
  CHECK(PyImport_AddModuleObject(added_name) == added);
  Py_DECREF(added_name);
  m = PyImport_ImportModule("ext_api_misc_added");
  CHECK(m == added);
  Py_DECREF(m);
  CHECK(PyImport_AddModule("ft_capsule") == g_module); /* an extension's own */
  CHECK(PyImport_AddModuleRef(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* PyImport_GetModuleDict: sys.modules, the same registry. What is in it
   * imports; what an extension puts in it (a submodule under its dotted
   * name, an alias) imports too; what it takes out no longer does. */
  PyObject* modules = PyImport_GetModuleDict();
  CHECK(modules != NULL && PyDict_CheckExact(modules));
  CHECK(PyImport_GetModuleDict() == modules);
  CHECK(PyDict_GetItemString(modules, "ft_capsule") == g_module);
  CHECK(PyDict_GetItemString(modules, "ext_api_misc_added") == added);
  Py_DECREF(added);
  PyObject* sub = PyModule_New("ft_capsule.registered_sub");
  CHECK(sub != NULL);
  CHECK(PyDict_SetItemString(modules, "ft_capsule.registered_sub", sub) == 0);
  m = PyImport_ImportModule("ft_capsule.registered_sub");
  CHECK(m == sub);
  Py_DECREF(m);
  CHECK(PyDict_SetItemString(modules, "ext_api_misc_alias", g_module) == 0);
  m = PyImport_ImportModule("ext_api_misc_alias");
  CHECK(m == g_module);
  Py_DECREF(m);
  CHECK(PyDict_DelItemString(modules, "ft_capsule.registered_sub") == 0);
  CHECK(PyImport_ImportModule("ft_capsule.registered_sub") == NULL);
  ext_test_expect_error(PyExc_ModuleNotFoundError,
                        "No module named 'ft_capsule.registered_sub'");
  CHECK(PyDict_DelItemString(modules, "ext_api_misc_alias") == 0);
  Py_DECREF(sub);
  /* AddModule registers in the same dict. */
  PyObject* fresh = PyImport_AddModule("ext_api_misc_fresh");
  CHECK(fresh != NULL && PyDict_GetItemString(modules, "ext_api_misc_fresh") == fresh);

  /* PySys_GetObject / SetObject: the facts, then set, replaced (the value
   * read before stays valid: it is borrowed), deleted. */
  PyObject* v = PySys_GetObject("maxsize");
  CHECK(v != NULL && PyLong_AsSsize_t(v) == PY_SSIZE_T_MAX);
  v = PySys_GetObject("byteorder");
  CHECK(v != NULL && strcmp(PyUnicode_AsUTF8(v), "little") == 0);
  v = PySys_GetObject("hexversion");
  CHECK(v != NULL && PyLong_AsLong(v) == PY_VERSION_HEX);
  CHECK(PySys_GetObject("no_such_attribute") == NULL);
  CHECK(PySys_GetObject(NULL) == NULL);
  CHECK(PyErr_Occurred() == NULL);
  PyObject* big = PyLong_FromLong(123456789);
  CHECK(PySys_SetObject("ext_answer", big) == 0);
  Py_DECREF(big);
  PyObject* borrowed = PySys_GetObject("ext_answer");
  CHECK(borrowed != NULL && PyLong_AsLong(borrowed) == 123456789);
  big = PyLong_FromLong(987654321);
  CHECK(PySys_SetObject("ext_answer", big) == 0);
  Py_DECREF(big);
  CHECK(PyLong_AsLong(PySys_GetObject("ext_answer")) == 987654321);
  CHECK(PyLong_AsLong(borrowed) == 123456789); /* still alive */
  CHECK(PySys_SetObject("ext_answer", NULL) == 0);
  CHECK(PySys_GetObject("ext_answer") == NULL);
  CHECK(PySys_SetObject("ext_answer", NULL) == 0); /* absent: no error */
  CHECK(PySys_SetObject(NULL, Py_None) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(name);

  CHECK(PyImport_ImportModule(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyImport_Import(Py_None) == NULL);  /* not a str */
  ext_test_expect_error(PyExc_TypeError, NULL);
}

/* ---- method calls --------------------------------------------------------- */

static void check_echo(PyObject* r, Py_ssize_t nargs, Py_ssize_t nkw, PyObject* last) {
  CHECK(r != NULL);
  CHECK(PyTuple_Check(r) && PyTuple_GET_SIZE(r) == 4);
  CHECK(PyTuple_GET_ITEM(r, 0) == g_thing);
  CHECK_EQ_LL(PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 1)), nargs);
  CHECK_EQ_LL(PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 2)), nkw);
  CHECK(PyTuple_GET_ITEM(r, 3) == last);
  Py_DECREF(r);
}

static void test_methods(void) {
  PyObject* name = PyUnicode_InternFromString("echo");
  PyObject* one = PyLong_FromLong(1);
  PyObject* two = PyLong_FromLong(2);

  check_echo(PyObject_CallMethodNoArgs(g_thing, name), 0, 0, Py_None);
  check_echo(PyObject_CallMethodOneArg(g_thing, name, one), 1, 0, one);
  PyObject* args[3] = {g_thing, one, two};
  check_echo(PyObject_VectorcallMethod(name, args, 3, NULL), 2, 0, two);
  /* One positional, one keyword (k=2). */
  PyObject* kwnames = Py_BuildValue("(s)", "k");
  check_echo(PyObject_VectorcallMethod(name, args, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames),
             1, 1, two);
  Py_DECREF(kwnames);
  /* The caller's array is intact afterwards. */
  CHECK(args[0] == g_thing && args[1] == one && args[2] == two);

  PyObject* missing = PyUnicode_FromString("missing");
  CHECK(PyObject_CallMethodNoArgs(g_thing, missing) == NULL);
  ext_test_expect_error(PyExc_AttributeError, NULL);
  Py_DECREF(missing);
  CHECK(PyObject_VectorcallMethod(name, args, 0, NULL) == NULL);  /* no self */
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyObject_VectorcallMethod(NULL, args, 1, NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  Py_DECREF(two);
  Py_DECREF(one);
  Py_DECREF(name);
}

/* ---- mapping views ---------------------------------------------------- */

static void check_list(PyObject* l, const char* expected_repr) {
  CHECK(l != NULL);
  CHECK(PyList_CheckExact(l));
  PyObject* r = PyObject_Repr(l);
  CHECK(r != NULL);
  if (strcmp(PyUnicode_AsUTF8(r), expected_repr) != 0) {
    fprintf(stderr, "repr: %s, expected %s\n", PyUnicode_AsUTF8(r), expected_repr);
    CHECK(0);
  }
  Py_DECREF(r);
  Py_DECREF(l);
}

static void test_mapping(void) {
  PyObject* d = Py_BuildValue("{sisi}", "x", 10, "y", 20);
  check_list(PyMapping_Keys(d), "['x', 'y']");
  check_list(PyMapping_Values(d), "[10, 20]");
  check_list(PyMapping_Items(d), "[('x', 10), ('y', 20)]");
  Py_DECREF(d);

  check_list(PyMapping_Keys(g_thing), "['a', 'b']");
  check_list(PyMapping_Values(g_thing), "[1, 2]");
  check_list(PyMapping_Items(g_thing), "[('a', 1), ('b', 2)]");

  PyObject* n = PyLong_FromLong(3);
  CHECK(PyMapping_Keys(n) == NULL);  /* int has no keys() */
  ext_test_expect_error(PyExc_AttributeError, NULL);
  Py_DECREF(n);
  CHECK(PyMapping_Items(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* Item access by C string, optional lookups and key tests. */
  d = PyDict_New();
  PyObject* v = PyLong_FromLong(5);
  CHECK(PyMapping_SetItemString(d, "five", v) == 0);
  CHECK_EQ_LL(PyMapping_Size(d), 1);
  CHECK_EQ_LL(PyMapping_Length(d), 1);
  PyObject* got = PyMapping_GetItemString(d, "five");
  CHECK(got == v);
  Py_DECREF(got);
  CHECK(PyMapping_GetItemString(d, "six") == NULL);
  ext_test_expect_error(PyExc_KeyError, "'six'");
  CHECK(PyMapping_GetOptionalItemString(d, "five", &got) == 1 && got == v);
  Py_DECREF(got);
  got = v;
  CHECK(PyMapping_GetOptionalItemString(d, "six", &got) == 0 && got == NULL);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(PyMapping_HasKeyString(d, "five") == 1);
  CHECK(PyMapping_HasKeyStringWithError(d, "six") == 0);
  CHECK(PyMapping_HasKey(d, v) == 0);
  PyObject* unhashable = PyList_New(0);
  CHECK(PyMapping_HasKeyWithError(d, unhashable) == -1);
  ext_test_expect_error(PyExc_TypeError, "unhashable type: 'list'");
  CHECK(PyMapping_HasKey(d, unhashable) == 0);  /* reported, not raised */
  CHECK(PyErr_Occurred() == NULL);
  CHECK(PyMapping_DelItemString(d, "five") == 0);
  CHECK(PyMapping_DelItemString(d, "five") == -1);
  ext_test_expect_error(PyExc_KeyError, "'five'");
  CHECK_EQ_LL(PyMapping_Size(d), 0);
  /* PyDict_DelItem of an absent key: KeyError(key), the key itself its
   * only argument (a tuple key too), as CPython's. */
  {
    PyObject* tk = Py_BuildValue("(ii)", 1, 2);
    CHECK(PyDict_DelItem(d, tk) == -1);
    PyObject* exc = PyErr_GetRaisedException();
    CHECK(exc != NULL && PyErr_GivenExceptionMatches(exc, PyExc_KeyError));
    PyObject* args = PyObject_GetAttrString(exc, "args");
    CHECK(args != NULL && PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 1);
    CHECK(PyTuple_GET_ITEM(args, 0) == tk);
    PyObject* s = PyObject_Str(exc);
    CHECK(s != NULL && strcmp(PyUnicode_AsUTF8(s), "(1, 2)") == 0);
    Py_DECREF(s);
    Py_DECREF(args);
    Py_DECREF(exc);
    CHECK(PyDict_DelItemString(d, "five") == -1);
    ext_test_expect_error(PyExc_KeyError, "'five'");
    CHECK(PyDict_DelItem(d, unhashable) == -1);
    ext_test_expect_error(PyExc_TypeError, "unhashable type: 'list'");
    Py_DECREF(tk);
  }
  /* A list is a mapping by index for the optional lookup; its length is
   * not a mapping's. */
  PyObject* l = Py_BuildValue("[ii]", 7, 8);
  PyObject* one = PyLong_FromLong(1);
  PyObject* nine = PyLong_FromLong(9);
  CHECK(PyMapping_GetOptionalItem(l, one, &got) == 1 && PyLong_AsLong(got) == 8);
  Py_DECREF(got);
  CHECK(PyMapping_GetOptionalItem(l, nine, &got) == -1 && got == NULL);
  ext_test_expect_error(PyExc_IndexError, NULL);
  CHECK(PyMapping_Size(n) == -1);
  ext_test_expect_error(PyExc_TypeError, "object of type 'int' has no len()");
  CHECK(PyMapping_SetItemString(d, NULL, v) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyMapping_GetOptionalItem(d, v, NULL) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(nine);
  Py_DECREF(one);
  Py_DECREF(l);
  Py_DECREF(unhashable);
  Py_DECREF(v);
  Py_DECREF(d);

  /* bin() / oct() / str() / hex() of integers, the extremes included. */
  static const struct {
    long long value;
    int base;
    const char* text;
  } kBases[] = {{5, 2, "0b101"},     {-5, 2, "-0b101"},      {0, 2, "0b0"},
                {8, 8, "0o10"},      {-255, 16, "-0xff"},    {255, 10, "255"},
                {0, 16, "0x0"},      {LLONG_MIN, 16, "-0x8000000000000000"},
                {LLONG_MAX, 8, "0o777777777777777777777"}};
  for (size_t i = 0; i < sizeof(kBases) / sizeof(kBases[0]); i++) {
    PyObject* x = PyLong_FromLongLong(kBases[i].value);
    PyObject* t = PyNumber_ToBase(x, kBases[i].base);
    CHECK(t != NULL && strcmp(PyUnicode_AsUTF8(t), kBases[i].text) == 0);
    Py_DECREF(t);
    Py_DECREF(x);
  }
  PyObject* t1 = PyNumber_ToBase(Py_True, 2);  /* True.__index__() == 1 */
  CHECK(t1 != NULL && strcmp(PyUnicode_AsUTF8(t1), "0b1") == 0);
  Py_DECREF(t1);
  PyObject* f = PyFloat_FromDouble(1.5);
  CHECK(PyNumber_ToBase(f, 16) == NULL);
  ext_test_expect_error(PyExc_TypeError, NULL);
  CHECK(PyNumber_ToBase(n, 3) == NULL);
  ext_test_expect_error(PyExc_SystemError, "PyNumber_ToBase: base must be 2, 8, 10 or 16");
  Py_DECREF(f);
}

/* ---- reprs: ascii() and the recursion guard ---------------------------- */

static void test_repr(void) {
  /* "aé€😀" in UTF-8, escaped as ascii() does. */
  PyObject* s = PyUnicode_FromString("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  CHECK(s != NULL);
  PyObject* a = PyObject_ASCII(s);
  CHECK(a != NULL);
  if (strcmp(PyUnicode_AsUTF8(a), "'a\\xe9\\u20ac\\U0001f600'") != 0) {
    fprintf(stderr, "ascii: %s\n", PyUnicode_AsUTF8(a));
    CHECK(0);
  }
  Py_DECREF(a);
  Py_DECREF(s);
  PyObject* plain = PyLong_FromLong(42);
  a = PyObject_ASCII(plain);
  CHECK(a != NULL && strcmp(PyUnicode_AsUTF8(a), "42") == 0);
  Py_DECREF(a);

  /* The guard is per object and per thread, and nests. */
  PyObject* l = PyList_New(0);
  CHECK(Py_ReprEnter(l) == 0);
  CHECK(Py_ReprEnter(l) == 1);  /* already in progress: print "[...]" */
  CHECK(Py_ReprEnter(plain) == 0);
  Py_ReprLeave(plain);
  Py_ReprLeave(l);
  CHECK(Py_ReprEnter(l) == 0);
  Py_ReprLeave(l);
  /* A list that contains itself prints "[...]" for the inner one. */
  CHECK(PyList_Append(l, l) == 0);
  PyObject* r = PyObject_Repr(l);
  CHECK(r != NULL && strcmp(PyUnicode_AsUTF8(r), "[[...]]") == 0);
  Py_DECREF(r);
  CHECK(PyList_SetSlice(l, 0, 1, NULL) == 0);  /* break the cycle */
  Py_DECREF(l);
  Py_DECREF(plain);
  CHECK(Py_ReprEnter(NULL) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
}

/* ---- single-phase module registry (PyState_*) -------------------------- */

static struct PyModuleDef g_single_def = {PyModuleDef_HEAD_INIT, "ext_api_misc_single", NULL, -1,
                                          NULL};
static PyModuleDef_Slot g_multi_slots[] = {{0, NULL}};
static struct PyModuleDef g_multi_def = {PyModuleDef_HEAD_INIT, "ext_api_misc_multi", NULL, 0,
                                         NULL, g_multi_slots};

static void test_module_state(void) {
  CHECK(PyState_FindModule(&g_single_def) == NULL);  /* not loaded by the loader */
  CHECK(PyErr_Occurred() == NULL);
  PyObject* m = PyModule_Create(&g_single_def);
  CHECK(m != NULL);
  CHECK(PyState_AddModule(m, &g_single_def) == 0);
  CHECK(PyState_FindModule(&g_single_def) == m);  /* borrowed */
  CHECK(PyState_AddModule(m, &g_single_def) == 0);  /* again: the same one */
  Py_DECREF(m);  /* the registry keeps it */
  CHECK(PyModule_GetDef(PyState_FindModule(&g_single_def)) == &g_single_def);
  CHECK(PyState_RemoveModule(&g_single_def) == 0);
  CHECK(PyState_FindModule(&g_single_def) == NULL);
  CHECK(PyState_RemoveModule(&g_single_def) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  /* Multi-phase definitions have no registry entry. */
  CHECK(PyState_FindModule(&g_multi_def) == NULL);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(PyState_AddModule(g_module, &g_multi_def) == -1);
  ext_test_expect_error(PyExc_SystemError, "PyState_AddModule called on module with slots");
  CHECK(PyState_AddModule(g_module, NULL) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  /* Left registered: Py_FinalizeEx must drop it (the leak check). */
  m = PyModule_Create(&g_single_def);
  CHECK(m != NULL && PyState_AddModule(m, &g_single_def) == 0);
  Py_DECREF(m);
}

/* ---- vectorcall with a dict ------------------------------------------- */

static void test_vectorcall_dict(void) {
  PyObject* echo_fn = PyObject_GetAttrString(g_thing, "echo");
  CHECK(echo_fn != NULL);
  PyObject* one = PyLong_FromLong(1);
  PyObject* kw = Py_BuildValue("{si}", "k", 2);
  PyObject* args[2] = {NULL, one};
  PyObject* r = PyObject_VectorcallDict(echo_fn, args + 1, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, kw);
  check_echo(r, 1, 1, PyDict_GetItemString(kw, "k"));  /* (check_echo drops r) */
  r = PyObject_VectorcallDict(echo_fn, args + 1, 1, NULL);
  check_echo(r, 1, 0, one);
  CHECK(PyObject_VectorcallDict(echo_fn, args + 1, 1, one) == NULL);  /* not a dict */
  ext_test_expect_error(PyExc_TypeError, "keyword list must be a dictionary");
  PyObject* tuple = PyTuple_Pack(1, one);
  r = PyVectorcall_Call(echo_fn, tuple, kw);
  check_echo(r, 1, 1, PyDict_GetItemString(kw, "k"));
  Py_DECREF(tuple);
  Py_DECREF(kw);
  Py_DECREF(one);
  Py_DECREF(echo_fn);
}

/* ---- recursion guard -------------------------------------------------- */

/* Recurses until refused; returns the depth reached. */
static int recurse(int depth) {
  if (Py_EnterRecursiveCall(" in recurse") != 0) return depth;
  int r = recurse(depth + 1);
  Py_LeaveRecursiveCall();
  return r;
}

static void test_recursion(void) {
  g_limit = recurse(0);
  CHECK(g_limit > 100);
  ext_test_expect_error(PyExc_RecursionError, "maximum recursion depth exceeded in recurse");
  /* Balanced: the same limit again. */
  CHECK_EQ_LL(recurse(0), g_limit);
  ext_test_expect_error(PyExc_RecursionError, NULL);
  CHECK(Py_EnterRecursiveCall(NULL) == 0);
  Py_LeaveRecursiveCall();
  CHECK(PyErr_Occurred() == NULL);
}

/* ---- PyErr_Print and signals ------------------------------------------ */

static void test_print(void) {
  char path[] = "/tmp/ext_api_misc_test_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  unlink(path);
  fflush(stderr);
  int saved = dup(2);
  CHECK(saved >= 0 && dup2(fd, 2) == 2);
  PyErr_SetString(PyExc_ValueError, "boom");
  PyErr_Print();
  PyErr_PrintEx(0);  /* nothing pending: prints nothing */
  PyErr_SetString(PyExc_KeyError, "k");
  PyErr_PrintEx(1);
  fflush(stderr);
  CHECK(dup2(saved, 2) == 2);
  close(saved);
  char buf[256] = {0};
  CHECK(pread(fd, buf, sizeof buf - 1, 0) > 0);
  close(fd);
  if (strcmp(buf, "ValueError: boom\nKeyError: 'k'\n") != 0) {
    fprintf(stderr, "printed: '%s'\n", buf);
    CHECK(0);
  }
  CHECK(PyErr_Occurred() == NULL);
  CHECK(PyErr_CheckSignals() == 0);
}

/* ---- text: pystrtod.h, codecs by name, sysmodule.h, small queries ------ */

static void expect_double_text(double v, char code, int precision, int flags, const char* want,
                               int want_type) {
  int type = -1;
  char* s = PyOS_double_to_string(v, code, precision, flags, &type);
  CHECK(s != NULL);
  if (strcmp(s, want) != 0 || type != want_type) {
    fprintf(stderr, "PyOS_double_to_string(%g, '%c', %d, %d): '%s' (type %d), expected '%s'\n", v,
            code, precision, flags, s, type, want);
    CHECK(0);
  }
  PyMem_Free(s);
}

static void expect_bytes(PyObject* b, const char* want, Py_ssize_t n) {
  CHECK(b != NULL && PyBytes_Check(b));
  CHECK(PyBytes_GET_SIZE(b) == n && memcmp(PyBytes_AS_STRING(b), want, (size_t)n) == 0);
  Py_DECREF(b);
}

/* What `fn` writes to file descriptor `fd` (1 or 2), into buf. */
static void capture(int fd, void (*fn)(void), char* buf, size_t size) {
  char path[] = "/tmp/ext_api_misc_test_XXXXXX";
  int tmp = mkstemp(path);
  CHECK(tmp >= 0);
  unlink(path);
  fflush(stdout);
  fflush(stderr);
  int saved = dup(fd);
  CHECK(saved >= 0 && dup2(tmp, fd) == fd);
  fn();
  fflush(stdout);
  fflush(stderr);
  CHECK(dup2(saved, fd) == fd);
  close(saved);
  memset(buf, 0, size);
  CHECK(pread(tmp, buf, size - 1, 0) >= 0);
  close(tmp);
}

static void write_both(void) {
  PySys_WriteStdout("out %d %s\n", 42, "x");
  PySys_WriteStderr("err %.1f\n", 2.5);
}

static void write_long(void) {
  char big[2001];
  memset(big, 'z', 2000);
  big[2000] = 0;
  PySys_WriteStdout("%s", big);
}

/* iter(callable, sentinel) over a C function: 0, 1, ..., kTicks - 1, then
 * kTicks (the sentinel) from then on. */
enum { kTicks = 5000 };
static atomic_long g_tick;
static PyObject* ticker(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  long v = atomic_fetch_add(&g_tick, 1);
  return PyLong_FromLong(v < kTicks ? v : kTicks);
}
static PyMethodDef g_ticker_def = {"ticker", ticker, METH_NOARGS, NULL};
static PyObject* g_calliter;
static atomic_llong g_tick_sum;
static atomic_long g_tick_items;
static void* drain_calliter(void* arg) {
  (void)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  for (PyObject* item; (item = PyIter_Next(g_calliter)) != NULL; Py_DECREF(item)) {
    atomic_fetch_add(&g_tick_sum, PyLong_AsLong(item));
    atomic_fetch_add(&g_tick_items, 1);
  }
  CHECK(PyErr_Occurred() == NULL);
  PyGILState_Release(g);
  return NULL;
}

static void test_calliter(unsigned seed) {
  PyObject* fn = PyCFunction_New(&g_ticker_def, NULL);
  PyObject* sentinel = PyLong_FromLong(kTicks);
  CHECK(fn != NULL && sentinel != NULL);
  /* One thread: every item once, then the end for good. */
  atomic_store(&g_tick, kTicks - 3);
  PyObject* it = PyCallIter_New(fn, sentinel);
  CHECK(it != NULL && PyCallIter_Check(it) && PyIter_Check(it));
  CHECK(PyObject_GetIter(it) == it);
  Py_DECREF(it);
  long want = kTicks - 3;
  for (PyObject* item; (item = PyIter_Next(it)) != NULL; Py_DECREF(item)) {
    CHECK_EQ_LL(PyLong_AsLong(item), want++);
  }
  CHECK(PyErr_Occurred() == NULL && want == kTicks);
  atomic_store(&g_tick, 0); /* the callable would give items again: done is done */
  CHECK(PyIter_Next(it) == NULL && PyErr_Occurred() == NULL);
  Py_DECREF(it);
  CHECK(PyCallIter_New(NULL, sentinel) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  /* kThreads threads drain one: each value below the sentinel exactly once. */
  atomic_store(&g_tick, 0);
  g_calliter = PyCallIter_New(fn, sentinel);
  CHECK(g_calliter != NULL);
  ext_test_run_threads(kThreads, drain_calliter, seed);
  CHECK_EQ_LL(atomic_load(&g_tick_items), kTicks);
  CHECK_EQ_LL(atomic_load(&g_tick_sum), (long long)kTicks * (kTicks - 1) / 2);
  Py_CLEAR(g_calliter);
  Py_DECREF(sentinel);
  Py_DECREF(fn);
}

static void format_unraisable(void) {
  PyErr_SetString(PyExc_ValueError, "late");
  PyErr_FormatUnraisable("Exception ignored while closing %s #%d", "stream", 7);
  PyErr_SetString(PyExc_KeyError, "k");
  PyErr_FormatUnraisable(NULL); /* the exception alone */
  PyErr_FormatUnraisable("nothing pending: %d", 1); /* prints nothing */
}

/* Small additions: Py_GetVersion / GetPlatform, Py_HashPointer (with
 * CPython 3.13.0's values, read off it through ctypes),
 * PyLong_FromUnicodeObject, PySeqIter_New, bound methods (PyMethod_*),
 * PyErr_FormatUnraisable. */
static void test_313_bits(void) {
  CHECK(strncmp(Py_GetVersion(), "3.13", 4) == 0);
  CHECK(strcmp(Py_GetPlatform(), "linux") == 0);

  CHECK_EQ_LL(Py_HashPointer((void*)0x1230), 0x123);
  CHECK_EQ_LL(Py_HashPointer((void*)0x10), 1);
  CHECK_EQ_LL(Py_HashPointer((void*)0x123456789abcdef0ULL), 0x123456789abcdefLL);
  CHECK_EQ_LL(_Py_HashPointer(g_thing), PyObject_Hash(g_thing)); /* object's default */

  PyObject* s = PyUnicode_FromString("  42 \n");
  PyObject* v = PyLong_FromUnicodeObject(s, 10);
  CHECK(v != NULL && PyLong_AsLong(v) == 42);
  Py_DECREF(v);
  Py_DECREF(s);
  s = PyUnicode_FromString("ff");
  v = PyLong_FromUnicodeObject(s, 16);
  CHECK(v != NULL && PyLong_AsLong(v) == 255);
  Py_DECREF(v);
  CHECK(PyLong_FromUnicodeObject(s, 10) == NULL);
  ext_test_expect_error(PyExc_ValueError, "invalid literal for int() with base 10: 'ff'");
  Py_DECREF(s);
  s = PyUnicode_FromString("12a");
  CHECK(PyLong_FromUnicodeObject(s, 10) == NULL);
  ext_test_expect_error(PyExc_ValueError, "invalid literal for int() with base 10: '12a'");
  Py_DECREF(s);
  CHECK(PyLong_FromUnicodeObject(Py_None, 10) == NULL);
  ext_test_expect_error(PyExc_TypeError, NULL);
  CHECK(PyLong_FromUnicodeObject(NULL, 10) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  PyObject* t = Py_BuildValue("(iii)", 4, 5, 6);
  PyObject* it = PySeqIter_New(t);
  CHECK(it != NULL && PySeqIter_Check(it) && PyIter_Check(it));
  long sum = 0;
  for (PyObject* item; (item = PyIter_Next(it)) != NULL; Py_DECREF(item)) sum += PyLong_AsLong(item);
  CHECK(PyErr_Occurred() == NULL);
  CHECK_EQ_LL(sum, 15);
  Py_DECREF(it);
  Py_DECREF(t);
  CHECK(PySeqIter_New(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* Bound methods (classobject.h), the way Cython's calls unpack them. */
  PyObject* list = PyList_New(0);
  PyObject* append = PyObject_GetAttrString((PyObject*)&PyList_Type, "append");
  CHECK(list != NULL && append != NULL);
  PyObject* bound = PyMethod_New(append, list);
  CHECK(bound != NULL && PyMethod_Check(bound) && Py_TYPE(bound) == &PyMethod_Type);
  CHECK(PyMethod_GET_SELF(bound) == list && PyMethod_Self(bound) == list);
  CHECK(PyMethod_GET_FUNCTION(bound) == append && PyMethod_Function(bound) == append);
  PyObject* r = PyObject_CallOneArg(bound, Py_None); /* list.append(None) */
  CHECK(r == Py_None);
  Py_DECREF(r);
  CHECK_EQ_LL(PyList_GET_SIZE(list), 1);
  /* Unpacked and called with self prepended, as Cython does. */
  PyObject* args[] = {PyMethod_GET_SELF(bound), Py_True};
  r = PyObject_Vectorcall(PyMethod_GET_FUNCTION(bound), args, 2, NULL);
  CHECK(r == Py_None);
  Py_DECREF(r);
  CHECK(PyList_GET_SIZE(list) == 2 && PyList_GET_ITEM(list, 1) == Py_True);
  CHECK(!PyMethod_Check(append));
  CHECK(PyMethod_Function(append) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyMethod_Self(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyMethod_New(append, NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(bound);
  Py_DECREF(append);
  Py_DECREF(list);

  char buf[512];
  capture(2, format_unraisable, buf, sizeof buf);
  if (strcmp(buf, "Exception ignored while closing stream #7\nValueError: late\nKeyError: 'k'\n") != 0) {
    fprintf(stderr, "printed: '%s'\n", buf);
    CHECK(0);
  }
  CHECK(PyErr_Occurred() == NULL);
}

static void test_text(void) {
  /* PyOS_string_to_double: Python's float syntax, all of it or a prefix. */
  CHECK(PyOS_string_to_double("1.5", NULL, NULL) == 1.5);
  CHECK(PyOS_string_to_double("-1e3", NULL, NULL) == -1000.0);
  CHECK(PyOS_string_to_double(".25", NULL, NULL) == 0.25);
  CHECK(isinf(PyOS_string_to_double("-Infinity", NULL, NULL)));
  CHECK(isnan(PyOS_string_to_double("nan", NULL, NULL)));
  CHECK(PyOS_string_to_double("1e400", NULL, NULL) == HUGE_VAL);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(PyOS_string_to_double("1e400", NULL, PyExc_OverflowError) == -1.0);
  ext_test_expect_error(PyExc_OverflowError, "value too large to convert to float: '1e400'");
  CHECK(PyOS_string_to_double("abc", NULL, NULL) == -1.0);
  ext_test_expect_error(PyExc_ValueError, "could not convert string to float: 'abc'");
  CHECK(PyOS_string_to_double(" 1", NULL, NULL) == -1.0);  /* no whitespace */
  ext_test_expect_error(PyExc_ValueError, NULL);
  CHECK(PyOS_string_to_double("0x10", NULL, NULL) == -1.0);  /* no hex */
  ext_test_expect_error(PyExc_ValueError, NULL);
  const char* text = "2.5e1xyz";
  char* end = NULL;
  CHECK(PyOS_string_to_double(text, &end, NULL) == 25.0 && end == text + 5);
  CHECK(PyOS_string_to_double(text + 5, &end, NULL) == -1.0 && end == text + 5);
  ext_test_expect_error(PyExc_ValueError, "could not convert string to float: 'xyz'");

  /* PyOS_double_to_string: repr and printf formats, flags, kinds. */
  enum { kFinite = Py_DTST_FINITE, kInf = Py_DTST_INFINITE, kNan = Py_DTST_NAN };
  expect_double_text(1.0, 'r', 0, Py_DTSF_ADD_DOT_0, "1.0", kFinite);
  expect_double_text(1.0, 'r', 0, 0, "1", kFinite);
  expect_double_text(0.1, 'r', 0, Py_DTSF_ADD_DOT_0, "0.1", kFinite);
  expect_double_text(1e16, 'r', 0, Py_DTSF_ADD_DOT_0, "1e+16", kFinite);
  expect_double_text(-1e-5, 'r', 0, 0, "-1e-05", kFinite);
  expect_double_text(3.14159, 'f', 2, 0, "3.14", kFinite);
  expect_double_text(-0.001, 'f', 2, 0, "-0.00", kFinite);
  expect_double_text(-0.001, 'f', 2, Py_DTSF_NO_NEG_0, "0.00", kFinite);
  expect_double_text(2.0, 'g', 6, Py_DTSF_ADD_DOT_0, "2.0", kFinite);
  expect_double_text(2.0, 'g', 6, Py_DTSF_ALT, "2.00000", kFinite);
  expect_double_text(1234.6, 'E', 3, Py_DTSF_SIGN, "+1.235E+03", kFinite);
  expect_double_text(-HUGE_VAL, 'r', 0, 0, "-inf", kInf);
  expect_double_text(HUGE_VAL, 'F', 3, Py_DTSF_SIGN, "+INF", kInf);
  expect_double_text(NAN, 'g', 3, 0, "nan", kNan);
  CHECK(PyOS_double_to_string(1.0, 'x', 0, 0, NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyOS_double_to_string(1.0, 'r', 3, 0, NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);

  /* Codecs by name. */
  PyObject* cafe = PyUnicode_FromString("caf\xc3\xa9");  /* é */
  CHECK(cafe != NULL);
  expect_bytes(PyUnicode_AsEncodedString(cafe, NULL, NULL), "caf\xc3\xa9", 5);
  expect_bytes(PyUnicode_AsEncodedString(cafe, "UTF_8", "strict"), "caf\xc3\xa9", 5);
  expect_bytes(PyUnicode_AsEncodedString(cafe, "Latin-1", NULL), "caf\xe9", 4);
  CHECK(PyUnicode_AsEncodedString(cafe, "ascii", NULL) == NULL);
  ext_test_expect_error(PyExc_UnicodeEncodeError, NULL);
  CHECK(PyUnicode_AsEncodedString(cafe, "koi8-r", NULL) == NULL);
  ext_test_expect_error(PyExc_LookupError, "unknown encoding: koi8-r");
  PyObject* back = PyUnicode_Decode("caf\xe9", 4, "iso8859_1", NULL);
  CHECK(back != NULL && PyUnicode_Compare(back, cafe) == 0);
  Py_DECREF(back);
  back = PyUnicode_Decode("caf\xc3\xa9", 5, "utf8", NULL);
  CHECK(back != NULL && PyUnicode_Compare(back, cafe) == 0);
  Py_DECREF(back);
  CHECK(PyUnicode_Decode("caf\xe9", 4, "us-ascii", NULL) == NULL);
  ext_test_expect_error(PyExc_UnicodeDecodeError, NULL);
  CHECK(PyUnicode_Decode("x", 1, "rot13", NULL) == NULL);
  ext_test_expect_error(PyExc_LookupError, "unknown encoding: rot13");
  Py_DECREF(cafe);

  /* The sys writers: the C streams, 1000 bytes at most, the pending
   * exception kept. */
  char buf[4096];
  PyErr_SetString(PyExc_KeyError, "kept");
  capture(1, write_both, buf, sizeof buf);
  CHECK(strcmp(buf, "out 42 x\n") == 0);
  capture(2, write_both, buf, sizeof buf);
  CHECK(strcmp(buf, "err 2.5\n") == 0);
  ext_test_expect_error(PyExc_KeyError, "'kept'");
  capture(1, write_long, buf, sizeof buf);
  CHECK(strlen(buf) == 1000);
  CHECK(PySys_GetObject("stdout") == NULL && PyErr_Occurred() == NULL);

  /* PyObject_Type, PyObject_HasAttrWithError. */
  PyObject* t = PyObject_Type(g_thing);
  CHECK(t == (PyObject*)Py_TYPE(g_thing));
  Py_DECREF(t);
  CHECK(PyObject_HasAttrStringWithError(g_thing, "echo") == 1);
  CHECK(PyObject_HasAttrStringWithError(g_thing, "no_such_name") == 0);
  CHECK(PyErr_Occurred() == NULL);
  PyObject* name = PyUnicode_FromString("keys");
  CHECK(PyObject_HasAttrWithError(g_thing, name) == 1);
  Py_DECREF(name);
  CHECK(PyObject_Type(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
}

/* ---- smaller additions -------------------------------------------------- */

static void expect_packed(int (*pack)(double, char*, int), double x, int le, const char* hex) {
  char buf[8];
  const size_t n = strlen(hex) / 2;
  CHECK(pack(x, buf, le) == 0);
  char text[17];
  for (size_t i = 0; i < n; i++) snprintf(text + 2 * i, 3, "%02x", (unsigned char)buf[i]);
  if (strcmp(text, hex) != 0) {
    fprintf(stderr, "pack(%.17g, le=%d): %s, expected %s\n", x, le, text, hex);
    abort();
  }
}

static void test_additions(void) {
  /* PyFloat_Pack / Unpack: struct's "e", "f" and "d" (CPython 3.13's bytes). */
  expect_packed(PyFloat_Pack2, 1.5, 1, "003e");
  expect_packed(PyFloat_Pack2, -2.0, 0, "c000");
  expect_packed(PyFloat_Pack2, 65504.0, 1, "ff7b");
  expect_packed(PyFloat_Pack2, 5.960464477539063e-08, 1, "0100");
  expect_packed(PyFloat_Pack2, 2.9802322387695312e-08, 1, "0000"); /* a tie: to even */
  expect_packed(PyFloat_Pack2, 0.1, 1, "662e");
  expect_packed(PyFloat_Pack2, Py_HUGE_VAL, 1, "007c");
  expect_packed(PyFloat_Pack2, Py_NAN, 1, "007e");
  expect_packed(PyFloat_Pack4, 0.1, 1, "cdcccc3d");
  expect_packed(PyFloat_Pack4, 1e38, 0, "7e967699");
  expect_packed(PyFloat_Pack8, -0.1, 1, "9a9999999999b9bf");
  char buf[8];
  CHECK(PyFloat_Pack2(65520.0, buf, 1) == -1);
  ext_test_expect_error(PyExc_OverflowError, "float too large to pack with e format");
  CHECK(PyFloat_Pack4(1e39, buf, 1) == -1);
  ext_test_expect_error(PyExc_OverflowError, "float too large to pack with f format");
  CHECK(PyFloat_Unpack2("\x66\x2e", 1) == 0.0999755859375);
  CHECK(PyFloat_Unpack2("\x2e\x66", 0) == 0.0999755859375);
  CHECK(PyFloat_Unpack2("\x01\x00", 1) == 5.960464477539063e-08);
  CHECK(PyFloat_Unpack2("\x00\xfc", 1) == -Py_HUGE_VAL);
  CHECK(isnan(PyFloat_Unpack2("\x00\x7e", 1)));
  CHECK(PyFloat_Unpack4("\xcd\xcc\xcc\x3d", 1) == 0.10000000149011612);
  CHECK(PyFloat_Unpack8("\xbf\xb9\x99\x99\x99\x99\x99\x9a", 0) == -0.1);
  /* Every binary16 value survives a round trip. */
  for (unsigned bits = 0; bits < 0x10000; bits++) {
    if ((bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0) continue; /* NaNs */
    const char in[2] = {(char)(bits & 0xff), (char)(bits >> 8)};
    CHECK(PyFloat_Pack2(PyFloat_Unpack2(in, 1), buf, 1) == 0);
    CHECK(memcmp(in, buf, 2) == 0);
  }

  /* PyBytes_FromObject and PyObject_Bytes. */
  PyObject* ints = Py_BuildValue("[iii]", 1, 2, 255);
  expect_bytes(PyBytes_FromObject(ints), "\x01\x02\xff", 3);
  PyObject* b = PyBytes_FromStringAndSize("ab", 2);
  PyObject* again = PyObject_Bytes(b); /* an exact bytes is itself */
  CHECK(again == b);
  Py_DECREF(again);
  again = PyBytes_FromObject(b);
  CHECK(again == b);
  Py_DECREF(again);
  PyObject* it = PyObject_GetIter(ints);
  expect_bytes(PyBytes_FromObject(it), "\x01\x02\xff", 3);
  Py_DECREF(it);
  PyObject* empty = PyTuple_New(0);
  expect_bytes(PyObject_Bytes(empty), "", 0);
  Py_DECREF(empty);
  PyObject* bad = Py_BuildValue("[ii]", 1, 256);
  CHECK(PyBytes_FromObject(bad) == NULL);
  ext_test_expect_error(PyExc_ValueError, "bytes must be in range(0, 256)");
  Py_DECREF(bad);
  bad = Py_BuildValue("[s]", "a");
  CHECK(PyObject_Bytes(bad) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'str' object cannot be interpreted as an integer");
  Py_DECREF(bad);
  bad = PyUnicode_FromString("text");
  CHECK(PyBytes_FromObject(bad) == NULL);
  ext_test_expect_error(PyExc_TypeError, "cannot convert 'str' object to bytes");
  Py_DECREF(bad);
  bad = PyFloat_FromDouble(3.0);
  CHECK(PyObject_Bytes(bad) == NULL);
  ext_test_expect_error(PyExc_TypeError, "cannot convert 'float' object to bytes");
  Py_DECREF(bad);
  CHECK(PyBytes_FromObject(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  PyObject* packer_type = PyType_FromSpec(&g_packer_spec);
  CHECK(packer_type != NULL);
  PyObject* packer = PyObject_CallNoArgs(packer_type);
  CHECK(packer != NULL);
  g_hint_mode = 0;
  expect_bytes(PyObject_Bytes(packer), "packed", 6);
  g_hint_mode = 1;
  CHECK(PyObject_Bytes(packer) == NULL);
  ext_test_expect_error(PyExc_TypeError, "__bytes__ returned non-bytes (type int)");

  /* PyObject_LengthHint. */
  CHECK_EQ_LL(PyObject_LengthHint(ints, 9), 3);
  CHECK_EQ_LL(PyObject_LengthHint(Py_None, 9), 9); /* neither len nor a hint */
  g_hint_mode = 0;
  CHECK_EQ_LL(PyObject_LengthHint(packer, 9), 7);
  g_hint_mode = 1;
  CHECK(PyObject_LengthHint(packer, 9) == -1);
  ext_test_expect_error(PyExc_ValueError, "__length_hint__() should return >= 0");
  g_hint_mode = 2;
  CHECK(PyObject_LengthHint(packer, 9) == -1);
  ext_test_expect_error(PyExc_TypeError, "__length_hint__ must be an integer, not str");
  g_hint_mode = 3;
  CHECK_EQ_LL(PyObject_LengthHint(packer, 9), 9); /* NotImplemented */

  /* Type names and the type's dict. */
  PyObject* s = PyType_GetModuleName((PyTypeObject*)packer_type);
  CHECK(s != NULL && strcmp(PyUnicode_AsUTF8(s), "ext_api_misc_test") == 0);
  Py_DECREF(s);
  s = PyType_GetFullyQualifiedName((PyTypeObject*)packer_type);
  CHECK(s != NULL && strcmp(PyUnicode_AsUTF8(s), "ext_api_misc_test.Packer") == 0);
  Py_DECREF(s);
  s = PyType_GetFullyQualifiedName(&PyList_Type);
  CHECK(s != NULL && strcmp(PyUnicode_AsUTF8(s), "list") == 0);
  Py_DECREF(s);
  s = PyType_GetModuleName(&PyList_Type);
  CHECK(s != NULL && strcmp(PyUnicode_AsUTF8(s), "builtins") == 0);
  Py_DECREF(s);
  PyObject* tdict = PyType_GetDict((PyTypeObject*)packer_type);
  CHECK(tdict != NULL && PyDict_Check(tdict));
  CHECK(PyDict_GetItemString(tdict, "__bytes__") != NULL);
  Py_DECREF(tdict);
  CHECK(PyObject_GenericHash(packer) == PyObject_Hash(packer));
  Py_DECREF(packer);
  Py_DECREF(packer_type);

  /* PyDict_MergeFromSeq2: override or not; a bad element stops after the
   * pairs before it, with its index. */
  PyObject* d = PyDict_New();
  PyObject* pairs = Py_BuildValue("[(ii)(ii)[ii]]", 1, 2, 3, 4, 1, 5);
  CHECK(PyDict_MergeFromSeq2(d, pairs, 0) == 0);
  check_list(PyDict_Items(d), "[(1, 2), (3, 4)]");
  CHECK(PyDict_MergeFromSeq2(d, pairs, 1) == 0);
  check_list(PyDict_Items(d), "[(1, 5), (3, 4)]");
  Py_DECREF(pairs);
  pairs = Py_BuildValue("[(ii)(i)]", 7, 8, 9);
  CHECK(PyDict_MergeFromSeq2(d, pairs, 1) == -1);
  ext_test_expect_error(PyExc_ValueError,
                        "dictionary update sequence element #1 has length 1; 2 is required");
  Py_DECREF(pairs);
  pairs = Py_BuildValue("[(ii)i]", 10, 11, 12);
  CHECK(PyDict_MergeFromSeq2(d, pairs, 1) == -1);
  ext_test_expect_error(PyExc_TypeError,
                        "cannot convert dictionary update sequence element #1 to a sequence");
  Py_DECREF(pairs);
  CHECK_EQ_LL(PyDict_Size(d), 4); /* 1, 3, 7 and 10 */
  CHECK(PyDict_MergeFromSeq2(d, NULL, 1) == -1);
  ext_test_expect_error(PyExc_SystemError, NULL);
  Py_DECREF(d);

  /* PyCFunction_New as a function (the stable ABI's), and the deprecated
   * no-op PyEval_InitThreads. */
  static PyMethodDef values_def = {"values", values, METH_NOARGS, NULL};
  PyObject* f = (PyCFunction_New)(&values_def, NULL);
  CHECK(f != NULL);
  check_list(PyObject_CallNoArgs(f), "[1, 2]");
  Py_DECREF(f);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  PyEval_InitThreads();
#pragma GCC diagnostic pop
  CHECK(PyErr_Occurred() == NULL);
  Py_DECREF(b);
  Py_DECREF(ints);
}

/* --- the handled exception and PyIter_Send ------------------------------ */

/* A generator-like object: send(x) yields x + 1 until x reaches 3, then
 * returns "done" (StopIteration's value); send of a non-int fails. */
static PyObject* counter_send(PyObject* self, PyObject* arg) {
  (void)self;
  long x = PyLong_AsLong(arg);
  if (x == -1 && PyErr_Occurred()) return NULL;
  if (x >= 3) {
    PyObject* done = PyUnicode_FromString("done");
    PyErr_SetObject(PyExc_StopIteration, done);
    Py_DECREF(done);
    return NULL;
  }
  return PyLong_FromLong(x + 1);
}
static PyMethodDef g_counter_methods[] = {{"send", counter_send, METH_O, NULL},
                                          {NULL, NULL, 0, NULL}};
static PyType_Slot g_counter_slots[] = {{Py_tp_methods, g_counter_methods}, {0, NULL}};
static PyType_Spec g_counter_spec = {"ext_api_misc_test.Counter", sizeof(PyObject), 0,
                                     Py_TPFLAGS_DEFAULT, g_counter_slots};

/* A type with am_send: yields the argument back twice, then returns 7. */
static int g_am_send_calls;
static PySendResult echo_am_send(PyObject* self, PyObject* arg, PyObject** result) {
  (void)self;
  if (++g_am_send_calls > 2) {
    *result = PyLong_FromLong(7);
    return PYGEN_RETURN;
  }
  *result = Py_NewRef(arg);
  return PYGEN_NEXT;
}
static PyType_Slot g_echo_slots[] = {{Py_am_send, (void*)echo_am_send}, {0, NULL}};
static PyType_Spec g_echo_spec = {"ext_api_misc_test.EchoSend", sizeof(PyObject), 0,
                                  Py_TPFLAGS_DEFAULT, g_echo_slots};

static void test_handled_and_send(void) {
  /* Nothing handled: NULL, and the triple is three Nones. */
  CHECK(PyErr_GetHandledException() == NULL);
  PyObject *t, *v, *tb;
  PyErr_GetExcInfo(&t, &v, &tb);
  CHECK(t == Py_None && v == Py_None && tb == Py_None);
  Py_DECREF(t);
  Py_DECREF(v);
  Py_DECREF(tb);

  PyObject* exc = PyObject_CallFunction(PyExc_ValueError, "s", "handled");
  CHECK(exc != NULL);
  PyErr_SetHandledException(exc);
  PyObject* got = PyErr_GetHandledException();
  CHECK(got == exc);
  Py_DECREF(got);
  PyErr_GetExcInfo(&t, &v, &tb);
  CHECK(t == PyExc_ValueError && v == exc && tb == Py_None);
  Py_DECREF(t);
  Py_DECREF(v);
  Py_DECREF(tb);
  /* A new error raised while it is handled chains to it. */
  PyErr_SetString(PyExc_TypeError, "while handling");
  PyObject* raised = PyErr_GetRaisedException();
  CHECK(raised != NULL);
  PyObject* ctx = PyException_GetContext(raised);
  CHECK(ctx == exc);
  Py_DECREF(ctx);
  Py_DECREF(raised);
  /* SetExcInfo steals; NULLs clear. */
  PyErr_SetExcInfo(NULL, NULL, NULL);
  CHECK(PyErr_GetHandledException() == NULL);
  PyErr_SetExcInfo(Py_NewRef(PyExc_ValueError), Py_NewRef(exc), Py_NewRef(Py_None));
  got = PyErr_GetHandledException();
  CHECK(got == exc);
  Py_DECREF(got);
  PyErr_SetHandledException(Py_None);
  CHECK(PyErr_GetHandledException() == NULL);
  Py_DECREF(exc);
  CHECK(PyErr_Occurred() == NULL);

  /* A plain iterator with None: its items, then the return (None). */
  PyObject* list = Py_BuildValue("[ii]", 10, 20);
  PyObject* it = PyObject_GetIter(list);
  PyObject* r;
  CHECK(PyIter_Send(it, Py_None, &r) == PYGEN_NEXT && PyLong_AsLong(r) == 10);
  Py_DECREF(r);
  CHECK(PyIter_Send(it, Py_None, &r) == PYGEN_NEXT && PyLong_AsLong(r) == 20);
  Py_DECREF(r);
  CHECK(PyIter_Send(it, Py_None, &r) == PYGEN_RETURN && r == Py_None);
  CHECK(PyErr_Occurred() == NULL);
  Py_DECREF(r);
  /* A value other than None needs a send method: a list iterator has none. */
  PyObject* one = PyLong_FromLong(1);
  CHECK(PyIter_Send(it, one, &r) == PYGEN_ERROR && r == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_AttributeError));
  PyErr_Clear();
  Py_DECREF(it);
  Py_DECREF(list);

  /* send(): yields, then StopIteration's value is the return value. */
  PyObject* ctype = PyType_FromSpec(&g_counter_spec);
  CHECK(ctype != NULL);
  PyObject* counter = PyObject_CallNoArgs(ctype);
  CHECK(counter != NULL);
  CHECK(PyIter_Send(counter, one, &r) == PYGEN_NEXT && PyLong_AsLong(r) == 2);
  Py_DECREF(r);
  PyObject* three = PyLong_FromLong(3);
  CHECK(PyIter_Send(counter, three, &r) == PYGEN_RETURN);
  CHECK(r != NULL && PyUnicode_Check(r) && strcmp(PyUnicode_AsUTF8(r), "done") == 0);
  CHECK(PyErr_Occurred() == NULL);
  Py_DECREF(r);
  /* An error that is not StopIteration stays set. */
  CHECK(PyIter_Send(counter, Py_None, &r) == PYGEN_ERROR && r == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_TypeError));
  PyErr_Clear();
  Py_DECREF(three);
  Py_DECREF(counter);
  Py_DECREF(ctype);

  /* am_send is used when the type has it. */
  PyObject* etype = PyType_FromSpec(&g_echo_spec);
  CHECK(etype != NULL);
  PyObject* echo_obj = PyObject_CallNoArgs(etype);
  CHECK(echo_obj != NULL);
  CHECK(PyIter_Send(echo_obj, one, &r) == PYGEN_NEXT && r == one);
  Py_DECREF(r);
  CHECK(PyIter_Send(echo_obj, one, &r) == PYGEN_NEXT && r == one);
  Py_DECREF(r);
  CHECK(PyIter_Send(echo_obj, one, &r) == PYGEN_RETURN && PyLong_AsLong(r) == 7);
  Py_DECREF(r);
  CHECK_EQ_LL(g_am_send_calls, 3);
  Py_DECREF(echo_obj);
  Py_DECREF(etype);
  Py_DECREF(one);
}

/* Each thread's handled exception is its own. */
static void check_own_handled(long i) {
  PyObject* mark = PyLong_FromLong(i);
  PyObject* exc = mark != NULL ? PyObject_CallOneArg(PyExc_KeyError, mark) : NULL;
  if (exc == NULL) {
    atomic_fetch_add(&g_errors, 1);
    PyErr_Clear();
    Py_XDECREF(mark);
    return;
  }
  PyErr_SetHandledException(exc);
  sched_yield();
  PyObject* got = PyErr_GetHandledException();
  if (got != exc) atomic_fetch_add(&g_errors, 1);
  Py_XDECREF(got);
  PyErr_SetHandledException(NULL);
  if (PyErr_GetHandledException() != NULL) atomic_fetch_add(&g_errors, 1);
  Py_DECREF(exc);
  Py_DECREF(mark);
}

/* --- exceptions with fields: errno, ImportError's name, Unicode errors ---- */

static void check_str(PyObject* o, const char* want) {
  PyObject* s = PyObject_Str(o);
  CHECK(s != NULL);
  if (strcmp(PyUnicode_AsUTF8(s), want) != 0) {
    fprintf(stderr, "str: got \"%s\", want \"%s\"\n", PyUnicode_AsUTF8(s), want);
    CHECK(0);
  }
  Py_DECREF(s);
}

static PyObject* g_shared_encode_error; /* SetStart/SetEnd/SetReason from threads */

static void test_exc_fields(void) {
  /* errno: OSError becomes the errno's subclass, with errno, strerror and
   * the file names set. */
  errno = ENOENT;
  CHECK(PyErr_SetFromErrnoWithFilename(PyExc_OSError, "missing.txt") == NULL);
  PyObject* e = PyErr_GetRaisedException();
  CHECK(e != NULL && Py_IS_TYPE(e, (PyTypeObject*)PyExc_FileNotFoundError));
  char want[256];
  snprintf(want, sizeof want, "[Errno %d] %s: 'missing.txt'", ENOENT, strerror(ENOENT));
  check_str(e, want);
  PyObject* f = PyObject_GetAttrString(e, "filename");
  CHECK(f != NULL && strcmp(PyUnicode_AsUTF8(f), "missing.txt") == 0);
  Py_DECREF(f);
  PyObject* no = PyObject_GetAttrString(e, "errno");
  CHECK(no != NULL && PyLong_AsLong(no) == ENOENT);
  Py_DECREF(no);
  Py_DECREF(e);
  errno = EACCES;
  CHECK(PyErr_SetFromErrno(PyExc_OSError) == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_PermissionError));
  PyErr_Clear();
  PyObject* a = PyUnicode_FromString("a");
  PyObject* b = PyUnicode_FromString("b");
  errno = EEXIST;
  CHECK(PyErr_SetFromErrnoWithFilenameObjects(PyExc_OSError, a, b) == NULL);
  e = PyErr_GetRaisedException();
  CHECK(e != NULL && Py_IS_TYPE(e, (PyTypeObject*)PyExc_FileExistsError));
  snprintf(want, sizeof want, "[Errno %d] %s: 'a' -> 'b'", EEXIST, strerror(EEXIST));
  check_str(e, want);
  Py_DECREF(e);
  errno = 0;
  CHECK(PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, a) == NULL);
  e = PyErr_GetRaisedException();
  CHECK(e != NULL && Py_IS_TYPE(e, (PyTypeObject*)PyExc_OSError));
  check_str(e, "[Errno 0] Error: 'a'");
  Py_DECREF(e);

  /* ImportError with name and path; a subclass; the argument checks. */
  PyObject* msg = PyUnicode_FromString("no module named x");
  PyObject* name = PyUnicode_FromString("x");
  CHECK(PyErr_SetImportError(msg, name, NULL) == NULL);
  e = PyErr_GetRaisedException();
  CHECK(e != NULL && Py_IS_TYPE(e, (PyTypeObject*)PyExc_ImportError));
  PyObject* got = PyObject_GetAttrString(e, "name");
  CHECK(got == name);
  Py_DECREF(got);
  got = PyObject_GetAttrString(e, "path");
  CHECK(got == Py_None);
  Py_DECREF(got);
  check_str(e, "no module named x");
  Py_DECREF(e);
  CHECK(PyErr_SetImportErrorSubclass(PyExc_ModuleNotFoundError, msg, name, a) == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_ModuleNotFoundError));
  PyErr_Clear();
  CHECK(PyErr_SetImportErrorSubclass(PyExc_ValueError, msg, name, a) == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_TypeError));
  PyErr_Clear();
  CHECK(PyErr_SetImportError(NULL, name, NULL) == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_TypeError));
  PyErr_Clear();
  Py_DECREF(name);
  Py_DECREF(msg);
  Py_DECREF(a);
  Py_DECREF(b);

  /* UnicodeDecodeError: create, read, change; GetStart / GetEnd clamp. */
  PyObject* d = PyUnicodeDecodeError_Create("utf-8", "ab\xff", 3, 2, 3, "invalid start byte");
  CHECK(d != NULL && PyObject_TypeCheck(d, (PyTypeObject*)PyExc_UnicodeDecodeError));
  check_str(d, "'utf-8' codec can't decode byte 0xff in position 2: invalid start byte");
  PyObject* enc = PyUnicodeDecodeError_GetEncoding(d);
  CHECK(enc != NULL && strcmp(PyUnicode_AsUTF8(enc), "utf-8") == 0);
  Py_DECREF(enc);
  PyObject* obj = PyUnicodeDecodeError_GetObject(d);
  CHECK(obj != NULL && PyBytes_Check(obj) && PyBytes_GET_SIZE(obj) == 3);
  Py_DECREF(obj);
  Py_ssize_t start = -1, end = -1;
  CHECK(PyUnicodeDecodeError_GetStart(d, &start) == 0 && start == 2);
  CHECK(PyUnicodeDecodeError_GetEnd(d, &end) == 0 && end == 3);
  CHECK(PyUnicodeDecodeError_SetStart(d, 0) == 0 && PyUnicodeDecodeError_SetEnd(d, 2) == 0);
  CHECK(PyUnicodeDecodeError_SetReason(d, "nope") == 0);
  check_str(d, "'utf-8' codec can't decode bytes in position 0-1: nope");
  CHECK(PyUnicodeDecodeError_SetStart(d, 99) == 0 && PyUnicodeDecodeError_SetEnd(d, 99) == 0);
  CHECK(PyUnicodeDecodeError_GetStart(d, &start) == 0 && start == 2); /* clamped */
  CHECK(PyUnicodeDecodeError_GetEnd(d, &end) == 0 && end == 3);
  CHECK(PyUnicodeDecodeError_SetStart(d, -5) == 0 && PyUnicodeDecodeError_SetEnd(d, -5) == 0);
  CHECK(PyUnicodeDecodeError_GetStart(d, &start) == 0 && start == 0);
  CHECK(PyUnicodeDecodeError_GetEnd(d, &end) == 0 && end == 1);
  PyObject* reason = PyUnicodeDecodeError_GetReason(d);
  CHECK(reason != NULL && strcmp(PyUnicode_AsUTF8(reason), "nope") == 0);
  Py_DECREF(reason);
  /* The wrong kind, and the message-only form (fields unset). */
  CHECK(PyUnicodeEncodeError_GetEncoding(d) == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_TypeError));
  PyErr_Clear();
  Py_DECREF(d);
  PyErr_SetString(PyExc_UnicodeDecodeError, "message only");
  e = PyErr_GetRaisedException();
  CHECK(e != NULL && Py_IS_TYPE(e, (PyTypeObject*)PyExc_UnicodeDecodeError));
  check_str(e, "message only");
  CHECK(PyUnicodeDecodeError_GetObject(e) == NULL);
  CHECK(PyErr_ExceptionMatches(PyExc_TypeError));
  PyErr_Clear();
  CHECK(PyUnicodeDecodeError_GetStart(e, &start) == -1);
  PyErr_Clear();
  Py_DECREF(e);

  /* UnicodeEncodeError / TranslateError built by calling the class. */
  PyObject* ee = PyObject_CallFunction(PyExc_UnicodeEncodeError, "ssnns", "ascii", "h\xc3\xa9llo",
                                       (Py_ssize_t)1, (Py_ssize_t)2, "ordinal not in range(128)");
  CHECK(ee != NULL);
  check_str(ee, "'ascii' codec can't encode character '\\xe9' in position 1: ordinal not in range(128)");
  obj = PyUnicodeEncodeError_GetObject(ee);
  CHECK(obj != NULL && PyUnicode_GetLength(obj) == 5);
  Py_DECREF(obj);
  CHECK(PyUnicodeEncodeError_GetStart(ee, &start) == 0 && start == 1);
  g_shared_encode_error = ee;
  PyObject* te = PyObject_CallFunction(PyExc_UnicodeTranslateError, "snns", "\xc3\xa9",
                                       (Py_ssize_t)0, (Py_ssize_t)1, "r");
  CHECK(te != NULL);
  check_str(te, "can't translate character '\\xe9' in position 0: r");
  CHECK(PyUnicodeTranslateError_SetReason(te, "s") == 0);
  reason = PyUnicodeTranslateError_GetReason(te);
  CHECK(reason != NULL && strcmp(PyUnicode_AsUTF8(reason), "s") == 0);
  Py_DECREF(reason);
  CHECK(PyUnicodeTranslateError_GetEnd(te, &end) == 0 && end == 1);
  Py_DECREF(te);
}

/* Threads read the shared UnicodeEncodeError while the mutator changes
 * it: always a whole message and in-range positions. */
static void check_shared_encode_error(void) {
  PyObject* s = PyObject_Str(g_shared_encode_error);
  if (s == NULL || strncmp(PyUnicode_AsUTF8(s), "'ascii' codec can't encode ", 27) != 0) {
    atomic_fetch_add(&g_errors, 1);
  }
  Py_XDECREF(s);
  Py_ssize_t start, end;
  if (PyUnicodeEncodeError_GetStart(g_shared_encode_error, &start) != 0 || start < 0 ||
      start > 4 || PyUnicodeEncodeError_GetEnd(g_shared_encode_error, &end) != 0 || end < 1 ||
      end > 5) {
    atomic_fetch_add(&g_errors, 1);
  }
  PyObject* r = PyUnicodeEncodeError_GetReason(g_shared_encode_error);
  if (r == NULL || (strcmp(PyUnicode_AsUTF8(r), "even") != 0 &&
                    strcmp(PyUnicode_AsUTF8(r), "odd") != 0 &&
                    strcmp(PyUnicode_AsUTF8(r), "ordinal not in range(128)") != 0)) {
    atomic_fetch_add(&g_errors, 1);
  }
  Py_XDECREF(r);
}

/* ---- threads ----------------------------------------------------------- */

static void* worker(void* arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject* name = PyUnicode_InternFromString("echo");
  for (long i = 0; i < g_iters; i++) {
    if (ext_test_next_random(&seed) % 8 == 0) sched_yield();
    PyObject* m = PyImport_ImportModule("ft_capsule");
    if (m != g_module) atomic_fetch_add(&g_errors, 1);
    Py_XDECREF(m);
    PyObject* r = PyObject_CallMethodOneArg(g_thing, name, Py_None);
    if (r == NULL || PyTuple_GET_ITEM(r, 0) != g_thing) atomic_fetch_add(&g_errors, 1);
    Py_XDECREF(r);
    PyObject* items = PyMapping_Items(g_dict);
    /* Every snapshot is a list of (key, value) pairs with value == key. */
    if (items == NULL) {
      atomic_fetch_add(&g_errors, 1);
    } else {
      for (Py_ssize_t j = 0; j < PyList_GET_SIZE(items); j++) {
        PyObject* kv = PyList_GET_ITEM(items, j);
        if (PyTuple_GET_ITEM(kv, 0) != PyTuple_GET_ITEM(kv, 1)) atomic_fetch_add(&g_errors, 1);
      }
      Py_DECREF(items);
    }
    /* Optional lookups racing the mutator: a hit is the key itself. */
    PyObject* k = PyLong_FromLong((long)(ext_test_next_random(&seed) % 32));
    PyObject* found = NULL;
    int has = PyMapping_GetOptionalItem(g_dict, k, &found);
    if (has < 0 || (has == 1) != (found != NULL) || (found != NULL && found != k &&
                                                     PyLong_AsLong(found) != PyLong_AsLong(k))) {
      atomic_fetch_add(&g_errors, 1);
    }
    Py_XDECREF(found);
    if (PyMapping_HasKeyWithError(g_dict, k) < 0) atomic_fetch_add(&g_errors, 1);
    /* sys's value, replaced meanwhile by the mutator: absent at first,
     * then always one of its ints (borrowed, still valid). */
    PyObject* counter = PySys_GetObject("ext_counter");
    if (counter != NULL && (!PyLong_Check(counter) || PyLong_AsLong(counter) < 0 ||
                            PyLong_AsLong(counter) >= 32)) {
      atomic_fetch_add(&g_errors, 1);
    }
    /* A private dict from pairs, and bytes from a list: exact results. */
    PyObject* pairs = Py_BuildValue("[(OO)(ii)]", k, k, 99, i % 256);
    PyObject* mine = PyDict_New();
    if (pairs == NULL || mine == NULL || PyDict_MergeFromSeq2(mine, pairs, 0) != 0 ||
        PyDict_Size(mine) != (PyLong_AsLong(k) == 99 ? 1 : 2)) {
      atomic_fetch_add(&g_errors, 1);
    }
    Py_XDECREF(mine);
    Py_XDECREF(pairs);
    PyObject* l = Py_BuildValue("[ll]", PyLong_AsLong(k), i % 256);
    PyObject* bytes = l != NULL ? PyBytes_FromObject(l) : NULL;
    if (bytes == NULL || PyBytes_GET_SIZE(bytes) != 2 ||
        (unsigned char)PyBytes_AS_STRING(bytes)[1] != (unsigned char)(i % 256)) {
      atomic_fetch_add(&g_errors, 1);
    }
    Py_XDECREF(bytes);
    Py_XDECREF(l);
    Py_DECREF(k);
    if (i % 16 == 0) check_own_handled(i);
    if (i % 8 == 0) check_shared_encode_error();
    if (i % 64 == 0) {
      /* Each thread has its own depth: the same limit as the main thread. */
      if (recurse(0) != g_limit) atomic_fetch_add(&g_errors, 1);
      if (!PyErr_ExceptionMatches(PyExc_RecursionError)) atomic_fetch_add(&g_errors, 1);
      PyErr_Clear();
    }
  }
  Py_DECREF(name);
  PyGILState_Release(g);
  return NULL;
}

static atomic_int g_stop;

static void* mutator(void* arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  while (!atomic_load(&g_stop)) {
    PyObject* k = PyLong_FromLong((long)(ext_test_next_random(&seed) % 32));
    if (ext_test_next_random(&seed) % 2) {
      if (PyDict_SetItem(g_dict, k, k) < 0) atomic_fetch_add(&g_errors, 1);
    } else if (PyDict_DelItem(g_dict, k) < 0) {
      PyErr_Clear();  /* absent */
    }
    if (PySys_SetObject("ext_counter", k) < 0) atomic_fetch_add(&g_errors, 1);
    long r = (long)(ext_test_next_random(&seed) % 64);
    if (PyUnicodeEncodeError_SetStart(g_shared_encode_error, r % 6) < 0 ||
        PyUnicodeEncodeError_SetEnd(g_shared_encode_error, r % 7) < 0 ||
        PyUnicodeEncodeError_SetReason(g_shared_encode_error, r % 2 ? "odd" : "even") < 0) {
      atomic_fetch_add(&g_errors, 1);
    }
    Py_DECREF(k);
    if (ext_test_next_random(&seed) % 16 == 0) sched_yield();
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_threads(unsigned seed) {
  g_iters = ext_test_scaled(2000, 200);
  g_dict = PyDict_New();
  pthread_t mut;
  CHECK(pthread_create(&mut, NULL, mutator, (void*)(uintptr_t)(seed + 99)) == 0);
  ext_test_run_threads(kThreads, worker, seed);
  atomic_store(&g_stop, 1);
  Py_BEGIN_ALLOW_THREADS
  CHECK(pthread_join(mut, NULL) == 0);
  Py_END_ALLOW_THREADS
  CHECK_EQ_LL(atomic_load(&g_errors), 0);
  Py_CLEAR(g_dict);
  Py_CLEAR(g_shared_encode_error);
}

int main(int argc, char** argv) {
  CHECK(argc == 2);
  const unsigned seed = ext_test_seed();
  Py_Initialize();
  g_module = ftrt_ImportExtension("ft_capsule", argv[1]);
  if (g_module == NULL) ext_test_die_with_error("import ft_capsule");
  PyObject* type = PyType_FromSpec(&g_spec);
  CHECK(type != NULL);
  g_thing = PyObject_CallNoArgs(type);
  CHECK(g_thing != NULL);

  test_import();
  test_methods();
  test_mapping();
  test_module_state();
  test_vectorcall_dict();
  test_repr();
  test_recursion();
  test_print();
  test_text();
  test_313_bits();
  test_calliter(seed);
  test_additions();
  test_handled_and_send();
  test_exc_fields();
  test_threads(seed);

  Py_CLEAR(g_thing);
  Py_DECREF(type);
  Py_CLEAR(g_module);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
