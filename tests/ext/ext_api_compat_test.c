/* The smaller pieces of CPython 3.13's C API that extensions in the wild
 * use, through Python.h as an extension sees it: Py_SET_REFCNT in a
 * resurrecting tp_dealloc (owner and other threads), PyObject_Print,
 * PyFile_WriteObject / WriteString, Py_GetConstant, PyVectorcall_Function,
 * PyDescr_IsData, PyDictProxy_New, PyCFunction_GET_*, PyWeakref_GET_OBJECT,
 * PyExceptionClass_Name, PyEval_GetFuncName / Desc, the simulated Ctrl-C
 * (PyErr_SetInterrupt, PyErr_CheckSignals, PyOS_InterruptOccurred) from 6
 * threads at once, PyTime_*, the old TLS keys, the stack-size calls,
 * PyImport_ImportModuleLevel, PySys_FormatStdout, PyOS_stricmp, the hash
 * constants and the integer typedefs; interning (PyUnicode_InternFromString
 * gives one immortal str per text, also to 6 threads at once), super over
 * static C types, PyFunction_Check, the _PyEval_SliceIndex converters,
 * _PyBytes_Join and the ModuleNotFoundError of a dotted name. Expected values are CPython
 * 3.13's. */
#include "Python.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "tests/ext/ext_test_util.h"

/* The old TLS keys and PyWeakref_GET_OBJECT are deprecated in CPython too;
 * old extensions still call them, and so does this test. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* ---- Py_SET_REFCNT: a dealloc that resurrects once ---------------------- */

typedef struct {
  PyObject_HEAD
  int resurrect; /* 1: the first dealloc keeps the object alive */
} Phoenix;

static PyObject* g_saved; /* where a resurrected Phoenix waits */
static atomic_int g_freed;

static void phoenix_dealloc(PyObject* self) {
  Phoenix* p = (Phoenix*)self;
  if (p->resurrect) {
    p->resurrect = 0;
    Py_SET_REFCNT(self, 1); /* alive again, one reference: g_saved's */
    g_saved = self;
    return;
  }
  atomic_fetch_add(&g_freed, 1);
  Py_TYPE(self)->tp_free(self);
}

static PyTypeObject PhoenixType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "compat.Phoenix",
    .tp_basicsize = sizeof(Phoenix),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = phoenix_dealloc,
    .tp_new = PyType_GenericNew,
};

static PyObject* g_made; /* made by a thread that then exits */

static void* make_on_thread(void* arg) {
  (void)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  g_made = PyType_GenericNew(&PhoenixType, NULL, NULL);
  ((Phoenix*)g_made)->resurrect = 1;
  PyGILState_Release(g);
  return NULL; /* its objects are unowned at its exit */
}

static void test_set_refcnt(void) {
  /* On the owner. */
  PyObject* o = PyType_GenericNew(&PhoenixType, NULL, NULL);
  CHECK(o != NULL);
  ((Phoenix*)o)->resurrect = 1;
  Py_DECREF(o);
  CHECK(g_saved == o && Py_REFCNT(o) == 1 && atomic_load(&g_freed) == 0);
  Py_INCREF(o);
  CHECK(Py_REFCNT(o) == 2);
  Py_DECREF(o);
  g_saved = NULL;
  Py_DECREF(o);
  CHECK(atomic_load(&g_freed) == 1);

  /* An object whose owner has exited (unowned, its count merged): the
   * dealloc runs on the thread that drops the last reference, which does
   * not own it, and Py_SET_REFCNT leaves it merged with one reference. */
  pthread_t t;
  Py_BEGIN_ALLOW_THREADS
  CHECK(pthread_create(&t, NULL, make_on_thread, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  Py_END_ALLOW_THREADS
  o = g_made;
  CHECK(o != NULL && Py_REFCNT(o) == 1);
  Py_DECREF(o);
  CHECK(g_saved == o && Py_REFCNT(o) == 1 && atomic_load(&g_freed) == 1);
  Py_INCREF(o);
  Py_DECREF(o);
  CHECK(Py_REFCNT(o) == 1);
  g_saved = NULL;
  Py_DECREF(o);
  CHECK(atomic_load(&g_freed) == 2);

  /* Immortal objects are left alone. */
  Py_ssize_t before = Py_REFCNT(Py_None);
  Py_SET_REFCNT(Py_None, 5);
  CHECK(Py_REFCNT(Py_None) == before);
}

/* ---- printing and writing ----------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject* parts; /* a list of what write() got */
} Sink;

static PyObject* sink_write(PyObject* self, PyObject* text) {
  if (PyList_Append(((Sink*)self)->parts, text) < 0) return NULL;
  return PyLong_FromSsize_t(PyUnicode_GetLength(text));
}

static void sink_dealloc(PyObject* self) {
  Py_XDECREF(((Sink*)self)->parts);
  Py_TYPE(self)->tp_free(self);
}

static PyMethodDef sink_methods[] = {{"write", sink_write, METH_O, NULL}, {NULL, NULL, 0, NULL}};

static PyTypeObject SinkType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "compat.Sink",
    .tp_basicsize = sizeof(Sink),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = sink_dealloc,
    .tp_methods = sink_methods,
};

static void test_print_and_write(void) {
  FILE* f = tmpfile();
  CHECK(f != NULL);
  PyObject* s = PyUnicode_FromString("h\xc3\xa9");
  CHECK(PyObject_Print(s, f, 0) == 0);
  CHECK(PyObject_Print(s, f, Py_PRINT_RAW) == 0);
  CHECK(PyObject_Print(NULL, f, 0) == 0);
  fflush(f);
  rewind(f);
  char buf[64] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  CHECK(n == strlen("'h\xc3\xa9'h\xc3\xa9<nil>") && strcmp(buf, "'h\xc3\xa9'h\xc3\xa9<nil>") == 0);

  Sink* sink = PyObject_New(Sink, &SinkType);
  sink->parts = PyList_New(0);
  CHECK(PyFile_WriteObject(s, (PyObject*)sink, 0) == 0);
  CHECK(PyFile_WriteObject(s, (PyObject*)sink, Py_PRINT_RAW) == 0);
  CHECK(PyFile_WriteString("tail", (PyObject*)sink) == 0);
  PyObject* joined = PyUnicode_Join(Py_GetConstantBorrowed(Py_CONSTANT_EMPTY_STR), sink->parts);
  CHECK(joined != NULL && strcmp(PyUnicode_AsUTF8(joined), "'h\xc3\xa9'h\xc3\xa9tail") == 0);
  Py_DECREF(joined);
  CHECK(PyFile_WriteString("x", Py_None) == -1); /* no write() */
  ext_test_expect_error(PyExc_AttributeError, NULL);
  Py_DECREF(sink);
  Py_DECREF(s);
  PySys_FormatStdout("%s=%R\n", "compat", Py_True); /* to the test log */
}

/* ---- constants, calls, descriptors --------------------------------------- */

static PyObject* meth_noargs(PyObject* self, PyObject* unused) {
  (void)unused;
  return Py_NewRef(self);
}
static PyMethodDef g_def = {"ident", meth_noargs, METH_NOARGS, NULL};

static void test_objects(void) {
  CHECK(Py_GetConstantBorrowed(Py_CONSTANT_NONE) == Py_None);
  CHECK(Py_GetConstantBorrowed(Py_CONSTANT_TRUE) == Py_True);
  CHECK(Py_GetConstantBorrowed(Py_CONSTANT_NOT_IMPLEMENTED) == Py_NotImplemented);
  CHECK(Py_GetConstantBorrowed(Py_CONSTANT_ELLIPSIS) == Py_Ellipsis);
  PyObject* one = Py_GetConstant(Py_CONSTANT_ONE);
  CHECK(PyLong_AsLong(one) == 1);
  Py_DECREF(one);
  CHECK(PyTuple_GET_SIZE(Py_GetConstantBorrowed(Py_CONSTANT_EMPTY_TUPLE)) == 0);
  CHECK(PyBytes_GET_SIZE(Py_GetConstantBorrowed(Py_CONSTANT_EMPTY_BYTES)) == 0);
  CHECK(Py_GetConstant(10) == NULL);
  ext_test_expect_error(PyExc_SystemError, "invalid constant ID");

  PyObject* f = PyCFunction_NewEx(&g_def, Py_None, NULL);
  CHECK(PyCFunction_GET_FUNCTION(f) == meth_noargs);
  CHECK(PyCFunction_GET_SELF(f) == Py_None);
  CHECK(PyCFunction_GET_FLAGS(f) == METH_NOARGS);
  CHECK(PyCFunction_GET_CLASS(f) == NULL);
  CHECK(!PyCMethod_Check(f) || PyCFunction_GET_CLASS(f) == NULL);
  CHECK(PyVectorcall_Function(f) != NULL); /* builtins are vectorcall */
  CHECK(PyVectorcall_Function(Py_None) == NULL);
  CHECK(strcmp(PyEval_GetFuncName(f), "ident") == 0 && strcmp(PyEval_GetFuncDesc(f), "()") == 0);
  CHECK(strcmp(PyEval_GetFuncName((PyObject*)&PyLong_Type), "int") == 0);
  CHECK(strcmp(PyEval_GetFuncDesc((PyObject*)&PyLong_Type), " constructor") == 0);
  CHECK(strcmp(PyEval_GetFuncName(Py_None), "NoneType") == 0);
  CHECK(strcmp(PyEval_GetFuncDesc(Py_None), " object") == 0);
  Py_DECREF(f);

  /* A getset descriptor is a data descriptor, a method descriptor is not. */
  PyObject* real = PyObject_GetAttrString((PyObject*)&PyComplex_Type, "real");
  PyObject* conj = PyObject_GetAttrString((PyObject*)&PyComplex_Type, "conjugate");
  CHECK(real != NULL && conj != NULL);
  CHECK(PyDescr_IsData(real) == 1 && PyDescr_IsData(conj) == 0);
  Py_DECREF(real);
  Py_DECREF(conj);

  CHECK(strcmp(PyExceptionClass_Name(PyExc_ValueError), "ValueError") == 0);
  CHECK(PyType_IS_GC(&PyList_Type) && !PyType_IS_GC(&PyLong_Type));
  CHECK(PyType_SUPPORTS_WEAKREFS(&PyLong_Type) == 0);

  /* PyWeakref_GET_OBJECT on a live referent and after it died. */
  PyObject* set = PySet_New(NULL);
  PyObject* ref = PyWeakref_NewRef(set, NULL);
  CHECK(ref != NULL && PyWeakref_GET_OBJECT(ref) == set);
  Py_DECREF(set);
  CHECK(PyWeakref_GET_OBJECT(ref) == Py_None);
  Py_DECREF(ref);

  /* Integer spellings and the hash constants. */
  Py_uintptr_t u = (Py_uintptr_t)(void*)&u;
  Py_intptr_t i = -1;
  Py_ssize_clean_t c = 3;
  CHECK(u != 0 && i < 0 && c == 3 && sizeof(Py_uintptr_t) == sizeof(void*));
  CHECK(PyHASH_MODULUS == (((size_t)1 << 61) - 1) && PyHASH_INF == 314159 &&
        PyHASH_IMAG == 1000003);
  PyObject* inf = PyFloat_FromDouble(Py_HUGE_VAL);
  CHECK(PyObject_Hash(inf) == PyHASH_INF);
  Py_DECREF(inf);
  PyObject* big = PyLong_FromSize_t(PyHASH_MODULUS);
  CHECK(PyObject_Hash(big) == 0);
  Py_DECREF(big);
  CHECK(PyLong_AS_LONG(Py_True) == 1);
  PyObject* pid = PyLong_FromPid(getpid());
  CHECK(PyLong_AsPid(pid) == getpid());
  Py_DECREF(pid);
  CHECK(PyOS_stricmp("HeLLo", "hello") == 0 && PyOS_stricmp("a", "B") < 0);
  CHECK(PyOS_strnicmp("ABCx", "abcy", 3) == 0 && PyOS_strnicmp("ABCx", "abcy", 4) < 0);
}

/* ---- mappingproxy ---------------------------------------------------------- */

static void test_dict_proxy(void) {
  PyObject* d = Py_BuildValue("{s:i,s:i}", "a", 1, "b", 2);
  PyObject* p = PyDictProxy_New(d);
  CHECK(p != NULL && Py_IS_TYPE(p, &PyDictProxy_Type));
  CHECK(PyObject_Size(p) == 2 && PyMapping_Check(p));
  PyObject* key = PyUnicode_FromString("a");
  PyObject* v = PyObject_GetItem(p, key);
  CHECK(v != NULL && PyLong_AsLong(v) == 1);
  Py_DECREF(v);
  CHECK(PySequence_Contains(p, key) == 1);
  PyObject* zz = PyUnicode_FromString("zz");
  CHECK(PySequence_Contains(p, zz) == 0);
  CHECK(PyObject_GetItem(p, zz) == NULL);
  ext_test_expect_error(PyExc_KeyError, "'zz'");
  /* Read-only, and it sees later changes of the dict. */
  CHECK(PyObject_SetItem(p, key, Py_None) == -1);
  ext_test_expect_error(PyExc_TypeError, "'mappingproxy' object does not support item assignment");
  CHECK(PyDict_SetItem(d, zz, Py_True) == 0 && PyObject_Size(p) == 3);
  PyObject* got = PyObject_CallMethod(p, "get", "Os", zz, "default");
  CHECK(got == Py_True);
  Py_DECREF(got);
  got = PyObject_CallMethod(p, "get", "ss", "absent", "default");
  CHECK(got != NULL && strcmp(PyUnicode_AsUTF8(got), "default") == 0);
  Py_DECREF(got);
  PyObject* copy = PyObject_CallMethod(p, "copy", NULL);
  CHECK(copy != NULL && PyDict_CheckExact(copy) && PyDict_Size(copy) == 3 && copy != d);
  CHECK(PyObject_RichCompareBool(p, copy, Py_EQ) == 1);
  Py_DECREF(copy);
  PyObject* keys = PySequence_List(p); /* iteration: the dict's keys */
  CHECK(keys != NULL && PyList_GET_SIZE(keys) == 3);
  Py_DECREF(keys);
  PyObject* r = PyObject_Repr(p);
  CHECK(r != NULL && strcmp(PyUnicode_AsUTF8(r), "mappingproxy({'a': 1, 'b': 2, 'zz': True})") == 0);
  Py_DECREF(r);
  CHECK(PyObject_Hash(p) == -1); /* a dict is unhashable, so is its proxy */
  ext_test_expect_error(PyExc_TypeError, NULL);
  /* Not a mapping. */
  PyObject* list = PyList_New(0);
  CHECK(PyDictProxy_New(list) == NULL);
  ext_test_expect_error(PyExc_TypeError, "mappingproxy() argument must be a mapping, not list");
  Py_DECREF(list);
  Py_DECREF(zz);
  Py_DECREF(key);
  Py_DECREF(p);
  Py_DECREF(d);
}

/* ---- signals, from many threads ------------------------------------------- */

enum { kThreads = 6 };
static atomic_int g_caught;
static atomic_int g_stop;

/* Checks for an interrupt until told to stop (the checks stand in for an
 * extension's long loop). */
static void* check_signals_loop(void* arg) {
  unsigned state = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  while (!atomic_load(&g_stop)) {
    if (PyErr_CheckSignals() < 0) {
      CHECK(PyErr_ExceptionMatches(PyExc_KeyboardInterrupt));
      PyErr_Clear();
      atomic_fetch_add(&g_caught, 1);
    }
    if ((ext_test_next_random(&state) & 15) == 0) {
      Py_BEGIN_ALLOW_THREADS
      sched_yield();
      Py_END_ALLOW_THREADS
    }
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_signals(void) {
  CHECK(PyErr_CheckSignals() == 0);
  PyErr_SetInterrupt();
  CHECK(PyErr_CheckSignals() == -1);
  ext_test_expect_error(PyExc_KeyboardInterrupt, NULL);
  CHECK(PyErr_CheckSignals() == 0); /* taken once */
  CHECK(PyErr_SetInterruptEx(SIGINT) == 0);
  CHECK(PyOS_InterruptOccurred() == 1 && PyOS_InterruptOccurred() == 0);
  CHECK(!PyErr_Occurred());
  CHECK(PyErr_SetInterruptEx(SIGTERM) == 0 && PyErr_CheckSignals() == 0); /* ignored */
  CHECK(PyErr_SetInterruptEx(0) == -1 && PyErr_SetInterruptEx(100000) == -1);

  /* One interrupt at a time, taken by exactly one of the checking threads:
   * the count of KeyboardInterrupts equals the interrupts raised. */
  const unsigned seed = ext_test_seed();
  pthread_t t[kThreads];
  Py_BEGIN_ALLOW_THREADS
  for (int k = 0; k < kThreads; k++) {
    CHECK(pthread_create(&t[k], NULL, check_signals_loop, (void*)(uintptr_t)(seed + k)) == 0);
  }
  for (int raised = 1; raised <= 50; raised++) {
    PyErr_SetInterrupt();
    while (atomic_load(&g_caught) < raised) sched_yield();
  }
  atomic_store(&g_stop, 1);
  for (int k = 0; k < kThreads; k++) CHECK(pthread_join(t[k], NULL) == 0);
  Py_END_ALLOW_THREADS
  CHECK_EQ_LL(atomic_load(&g_caught), 50);
  CHECK(PyOS_InterruptOccurred() == 0);
}

/* ---- clocks, TLS, stack size, imports, recursion limit -------------------- */

static void test_runtime_bits(void) {
  PyTime_t a, b, w;
  CHECK(PyTime_Monotonic(&a) == 0 && PyTime_MonotonicRaw(&b) == 0 && b >= a);
  CHECK(PyTime_PerfCounter(&a) == 0 && PyTime_PerfCounterRaw(&b) == 0 && b >= a);
  CHECK(PyTime_Time(&w) == 0 && PyTime_TimeRaw(&a) == 0);
  CHECK(w > (PyTime_t)1600000000 * 1000000000); /* after 2020 */
  CHECK(PyTime_AsSecondsDouble(1500000000) == 1.5);
  CHECK(PyTime_AsSecondsDouble(-3000000000LL) == -3.0);
  CHECK(PyTime_MAX == INT64_MAX && PyTime_MIN == INT64_MIN);

  int key = PyThread_create_key();
  CHECK(key >= 0);
  CHECK(PyThread_get_key_value(key) == NULL);
  CHECK(PyThread_set_key_value(key, &key) == 0 && PyThread_get_key_value(key) == &key);
  PyThread_delete_key_value(key);
  CHECK(PyThread_get_key_value(key) == NULL);
  PyThread_delete_key(key);
  PyThread_ReInitTLS();

  CHECK(PyThread_get_stacksize() == 0);
  CHECK(PyThread_set_stacksize(0) == 0);
  CHECK(PyThread_set_stacksize(100) == -1);
  CHECK(PyThread_set_stacksize(1 << 20) == -2);

  CHECK(PyTraceMalloc_Track(0, (uintptr_t)&key, 4) == -2);
  CHECK(PyTraceMalloc_Untrack(0, (uintptr_t)&key) == -2);

  const int limit = Py_GetRecursionLimit();
  CHECK(limit == 1000);
  Py_SetRecursionLimit(5000);
  CHECK(Py_GetRecursionLimit() == 5000);
  Py_SetRecursionLimit(limit);
  CHECK(strncmp(Py_GetCompiler(), "[", 1) == 0 && strlen(Py_GetCopyright()) > 10);
  CHECK(strlen(Py_GetBuildInfo()) > 0);

  /* A module registered by name imports at level 0; a relative import
   * has no package to be relative to. */
  PyObject* m = PyImport_AddModuleRef("compat_mod");
  CHECK(m != NULL);
  PyObject* got = PyImport_ImportModuleLevel("compat_mod", NULL, NULL, NULL, 0);
  CHECK(got == m);
  Py_DECREF(got);
  got = PyImport_ImportModuleEx("compat_mod", NULL, NULL, NULL);
  CHECK(got == m);
  Py_DECREF(got);
  CHECK(PyImport_ImportModuleLevel("compat_mod", NULL, NULL, NULL, 1) == NULL);
  ext_test_expect_error(PyExc_ImportError, "attempted relative import with no known parent package");
  CHECK(PyImport_ImportModuleLevel("compat_mod", NULL, NULL, NULL, -1) == NULL);
  ext_test_expect_error(PyExc_ValueError, "level must be >= 0");
  CHECK(PyImport_ImportModuleLevel("no_such_compat_mod", NULL, NULL, NULL, 0) == NULL);
  ext_test_expect_error(PyExc_ModuleNotFoundError, NULL);
  Py_DECREF(m);
  CHECK(PySys_Audit("compat.event", "i", 1) == 0);
}

/* ---- interning, super, function, slice converters, import errors ------ */

static PyObject* base_who(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  return PyUnicode_FromString("base");
}
static PyObject* base_kind(PyObject* cls, PyObject* unused) {
  (void)unused;
  return PyUnicode_FromString(((PyTypeObject*)cls)->tp_name);
}
static PyObject* derived_who(PyObject* self, PyObject* unused) {
  (void)self, (void)unused;
  return PyUnicode_FromString("derived");
}
static PyMethodDef base_methods[] = {
    {"who", base_who, METH_NOARGS, NULL},
    {"kind", base_kind, METH_NOARGS | METH_CLASS, NULL},
    {NULL, NULL, 0, NULL},
};
static PyMethodDef derived_methods[] = {
    {"who", derived_who, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};
static PyTypeObject BaseType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "compat.Base",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_methods = base_methods,
    .tp_new = PyType_GenericNew,
};
static PyTypeObject DerivedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "compat.Derived",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = derived_methods,
};

/* Checks a new reference to a str, and drops it. */
static void check_str(PyObject* o, const char* expected) {
  CHECK(o != NULL && PyUnicode_Check(o));
  if (strcmp(PyUnicode_AsUTF8(o), expected) != 0) {
    fprintf(stderr, "'%s', expected '%s'\n", PyUnicode_AsUTF8(o), expected);
    abort();
  }
  Py_DECREF(o);
}

/* Whether a new reference is `expected`; drops it. */
static int is_and_drop(PyObject* o, PyObject* expected) {
  Py_XDECREF(o);
  return o == expected;
}

static PyObject* g_interned_first;

static void* intern_worker(void* arg) {
  unsigned state = (unsigned)(uintptr_t)arg;
  PyGILState_STATE g = PyGILState_Ensure();
  for (int i = 0; i < 2000; i++) {
    char text[32];
    snprintf(text, sizeof text, "compat_name_%u", ext_test_next_random(&state) % 50);
    PyObject* a = PyUnicode_InternFromString(text);
    PyObject* b = PyUnicode_FromString(text);
    PyUnicode_InternInPlace(&b);
    CHECK(a != NULL && a == b);
    Py_DECREF(a);
    Py_DECREF(b);
    PyObject* c = PyUnicode_InternFromString("compat_name_shared");
    CHECK(c == g_interned_first);
    Py_DECREF(c);
  }
  PyGILState_Release(g);
  return NULL;
}

static void test_wild_api(void) {
  /* Interning: one canonical str per text. */
  PyObject* a = PyUnicode_InternFromString("compat_name_shared");
  PyObject* b = PyUnicode_InternFromString("compat_name_shared");
  CHECK(a != NULL && a == b);
  PyObject* s = PyUnicode_FromString("compat_name_shared");
  CHECK(s != a);
  PyUnicode_InternInPlace(&s);
  CHECK(s == a);
  Py_DECREF(s);
  Py_DECREF(b);
  g_interned_first = a;
  ext_test_run_threads(6, intern_worker, ext_test_seed());
  Py_DECREF(a);

  /* super(type, obj) over static C types. */
  PyObject* d = PyObject_CallNoArgs((PyObject*)&DerivedType);
  CHECK(d != NULL);
  check_str(PyObject_CallMethod(d, "who", NULL), "derived");
  PyObject* sup = PyObject_CallFunctionObjArgs((PyObject*)&PySuper_Type, (PyObject*)&DerivedType, d,
                                               NULL);
  CHECK(sup != NULL && PyObject_TypeCheck(sup, &PySuper_Type));
  check_str(PyObject_CallMethod(sup, "who", NULL), "base");
  check_str(PyObject_CallMethod(sup, "kind", NULL), "compat.Derived");
  check_str(PyObject_Repr(sup), "<super: <class 'compat.Derived'>, <compat.Derived object>>");
  CHECK(is_and_drop(PyObject_GetAttrString(sup, "__self__"), d));
  CHECK(is_and_drop(PyObject_GetAttrString(sup, "__thisclass__"), (PyObject*)&DerivedType));
  CHECK(PyObject_GetAttrString(sup, "nothing") == NULL);
  ext_test_expect_error(PyExc_AttributeError, NULL);
  Py_DECREF(sup);
  sup = PyObject_CallFunctionObjArgs((PyObject*)&PySuper_Type, (PyObject*)&DerivedType,
                                     (PyObject*)&DerivedType, NULL);
  check_str(PyObject_CallMethod(sup, "kind", NULL), "compat.Derived");
  Py_DECREF(sup);
  sup = PyObject_CallOneArg((PyObject*)&PySuper_Type, (PyObject*)&DerivedType);
  check_str(PyObject_Repr(sup), "<super: <class 'compat.Derived'>, NULL>");
  Py_DECREF(sup);
  PyObject* x = PyUnicode_FromString("x");
  CHECK(PyObject_CallFunctionObjArgs((PyObject*)&PySuper_Type, (PyObject*)&PyLong_Type, x, NULL) ==
        NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "super(type, obj): obj (instance of str) is not an instance or subtype of "
                        "type (int).");
  CHECK(PyObject_CallNoArgs((PyObject*)&PySuper_Type) == NULL);
  ext_test_expect_error(PyExc_RuntimeError, "super(): no arguments");
  CHECK(PyObject_CallOneArg((PyObject*)&PySuper_Type, x) == NULL);
  ext_test_expect_error(PyExc_TypeError, "super() argument 1 must be a type, not str");

  /* No object is a Python function. */
  PyObject* meth = PyObject_GetAttrString(d, "who");
  CHECK(meth != NULL && !PyFunction_Check(meth) && !PyFunction_Check(x));
  CHECK(PyObject_IsInstance(meth, (PyObject*)&PyFunction_Type) == 0);
  Py_DECREF(meth);
  CHECK(PyObject_CallNoArgs((PyObject*)&PyFunction_Type) == NULL);
  ext_test_expect_error(PyExc_TypeError, "cannot create 'function' instances");
  Py_DECREF(d);

  /* The slice-bound converters, as pyrsistent's index() uses them. */
  Py_ssize_t start = -7, stop = -7;
  PyObject* args = Py_BuildValue("(Oi)", Py_None, 5);
  CHECK(PyArg_ParseTuple(args, "|O&O&", _PyEval_SliceIndex, &start, _PyEval_SliceIndex, &stop));
  CHECK(start == -7 && stop == 5);
  Py_DECREF(args);
  PyObject* big = PyLong_FromString("-1180591620717411303424", NULL, 10);
  CHECK(_PyEval_SliceIndex(big, &start) == 1 && start == PY_SSIZE_T_MIN);
  Py_DECREF(big);
  CHECK(_PyEval_SliceIndex(x, &start) == 0);
  ext_test_expect_error(PyExc_TypeError,
                        "slice indices must be integers or None or have an __index__ method");
  CHECK(_PyEval_SliceIndexNotNone(Py_None, &start) == 0);
  ext_test_expect_error(PyExc_TypeError,
                        "slice indices must be integers or None or have an __index__ method");
  Py_DECREF(x);

  /* _PyBytes_Join, as pythoncapi_compat.h calls it. */
  PyObject* comma = PyBytes_FromString(",");
  PyObject* parts = Py_BuildValue("[yNy]", "a", PyByteArray_FromStringAndSize("b", 1), "c");
  PyObject* joined = _PyBytes_Join(comma, parts);
  CHECK(joined != NULL && PyBytes_CheckExact(joined) && strcmp(PyBytes_AS_STRING(joined), "a,b,c") == 0);
  Py_DECREF(joined);
  Py_DECREF(parts);
  parts = Py_BuildValue("[yi]", "a", 1);
  CHECK(_PyBytes_Join(comma, parts) == NULL);
  ext_test_expect_error(PyExc_TypeError, "sequence item 1: expected a bytes-like object, int found");
  Py_DECREF(parts);
  PyObject* five = PyLong_FromLong(5);
  CHECK(_PyBytes_Join(comma, five) == NULL);
  ext_test_expect_error(PyExc_TypeError, "can only join an iterable");
  Py_DECREF(five);
  Py_DECREF(comma);

  /* A dotted name names its first missing package. */
  CHECK(PyImport_ImportModule("compat_nope.sub.mod") == NULL);
  PyObject* exc = PyErr_GetRaisedException();
  CHECK(exc != NULL && PyErr_GivenExceptionMatches(exc, PyExc_ModuleNotFoundError));
  check_str(PyObject_Str(exc), "No module named 'compat_nope'");
  check_str(PyObject_GetAttrString(exc, "name"), "compat_nope");
  Py_DECREF(exc);
}

int main(void) {
  Py_Initialize();
  DerivedType.tp_base = &BaseType;
  CHECK(PyType_Ready(&BaseType) == 0);
  CHECK(PyType_Ready(&DerivedType) == 0);
  CHECK(PyType_Ready(&PhoenixType) == 0);
  CHECK(PyType_Ready(&SinkType) == 0);
  test_set_refcnt();
  test_print_and_write();
  test_objects();
  test_dict_proxy();
  test_signals();
  test_runtime_bits();
  test_wild_api();
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
