/* ext_proxy_api_test: the C API a transparent-proxy extension uses (the
 * shape of wrapt's _wrappers.c, written afresh here), and markupsafe's
 * str() call, checked against CPython 3.13's results and errors:
 *   - a static GC proxy type with positional slots: tp_getattro that tries
 *     the generic lookup and then forwards to the wrapped object,
 *     tp_setattro that keeps "_self_" names and forwards the rest, a
 *     tp_getset (__wrapped__, __name__, __class__), a tp_dictoffset, a
 *     tp_weaklistoffset cleared in dealloc, tp_methods __dir__ and
 *     __reversed__ forwarding to PyObject_Dir and PyReversed_Type, and a
 *     subtype (tp_base set before PyType_Ready) with tp_call and
 *     tp_descr_get, bound through a class made by calling type;
 *   - PyObject_Dir: instances, types, modules (and a module's own __dir__),
 *     the sort, its errors, and object/type/module's __dir__ methods;
 *   - reversed (PyReversed_Type): sequences, __reversed__ (and None),
 *     __length_hint__, an early IndexError, its errors;
 *   - PyClassMethod_New / PyStaticMethod_New and their types, the
 *     descriptor types a type's dict holds;
 *   - PyObject_IsInstance's __class__ fallback (a proxy passes for what it
 *     wraps, an error from __class__ propagates);
 *   - str(): str(), str(x), str(b, encoding, errors), its errors;
 *   - 6 threads sharing one proxy of one list: appending through the
 *     proxy's forwarded attribute, dir(), isinstance, reversed over it and
 *     over a shared tuple, str() conversions, calls through the bound
 *     wrapper; exact totals at the end, and no object left after
 *     Py_FinalizeEx. */
#include "Python.h"
#include "tests/ext/ext_test_util.h"

/* ---- the proxy type ---------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject* dict;
  PyObject* wrapped;
  PyObject* weakrefs;
} Proxy;

typedef struct {
  Proxy base;
  PyObject* wrapper; /* called as wrapper(wrapped, instance, args, kwargs) */
  PyObject* instance;
} CallProxy;

static PyTypeObject ProxyType;
static PyTypeObject CallProxyType;

static int proxy_ready(Proxy* self) {
  if (self->wrapped == NULL) {
    PyErr_SetString(PyExc_ValueError, "proxy not initialised");
    return 0;
  }
  return 1;
}

static PyObject* proxy_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  (void)args;
  (void)kwds;
  Proxy* self = (Proxy*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->dict = PyDict_New();
  if (self->dict == NULL) {
    Py_DECREF(self);
    return NULL;
  }
  return (PyObject*)self;
}

static int proxy_init(Proxy* self, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"wrapped", NULL};
  PyObject* wrapped;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:Proxy", kwlist, &wrapped)) return -1;
  Py_XSETREF(self->wrapped, Py_NewRef(wrapped));
  return 0;
}

static int proxy_traverse(Proxy* self, visitproc visit, void* arg) {
  Py_VISIT(self->dict);
  Py_VISIT(self->wrapped);
  return 0;
}

static int proxy_clear(Proxy* self) {
  Py_CLEAR(self->dict);
  Py_CLEAR(self->wrapped);
  return 0;
}

static void proxy_dealloc(Proxy* self) {
  PyObject_GC_UnTrack(self);
  if (self->weakrefs != NULL) PyObject_ClearWeakRefs((PyObject*)self);
  proxy_clear(self);
  Py_TYPE(self)->tp_free(self);
}

static PyObject* proxy_getattro(Proxy* self, PyObject* name) {
  PyObject* found = PyObject_GenericGetAttr((PyObject*)self, name);
  if (found != NULL || !PyErr_ExceptionMatches(PyExc_AttributeError)) return found;
  PyErr_Clear();
  if (!proxy_ready(self)) return NULL;
  return PyObject_GetAttr(self->wrapped, name);
}

static int proxy_setattro(Proxy* self, PyObject* name, PyObject* value) {
  PyObject* prefix = PyUnicode_FromString("_self_");
  int own = PyUnicode_Tailmatch(name, prefix, 0, PY_SSIZE_T_MAX, -1);
  Py_DECREF(prefix);
  if (own < 0) return -1;
  if (own || PyObject_HasAttr((PyObject*)Py_TYPE(self), name)) {
    return PyObject_GenericSetAttr((PyObject*)self, name, value);
  }
  if (!proxy_ready(self)) return -1;
  return PyObject_SetAttr(self->wrapped, name, value);
}

static PyObject* proxy_get_wrapped(Proxy* self, void* closure) {
  (void)closure;
  if (!proxy_ready(self)) return NULL;
  return Py_NewRef(self->wrapped);
}

static int proxy_set_wrapped(Proxy* self, PyObject* value, void* closure) {
  (void)closure;
  if (value == NULL) {
    PyErr_SetString(PyExc_TypeError, "__wrapped__ must be an object");
    return -1;
  }
  Py_XSETREF(self->wrapped, Py_NewRef(value));
  return 0;
}

static PyObject* proxy_get_name(Proxy* self, void* closure) {
  (void)closure;
  if (!proxy_ready(self)) return NULL;
  return PyObject_GetAttrString(self->wrapped, "__name__");
}

static PyObject* proxy_get_class(Proxy* self, void* closure) {
  (void)closure;
  if (!proxy_ready(self)) return NULL;
  return PyObject_GetAttrString(self->wrapped, "__class__");
}

static PyObject* proxy_dir(Proxy* self, PyObject* unused) {
  (void)unused;
  if (!proxy_ready(self)) return NULL;
  return PyObject_Dir(self->wrapped);
}

static PyObject* proxy_reversed(Proxy* self, PyObject* unused) {
  (void)unused;
  if (!proxy_ready(self)) return NULL;
  return PyObject_CallFunctionObjArgs((PyObject*)&PyReversed_Type, self->wrapped, NULL);
}

static Py_ssize_t proxy_length(Proxy* self) {
  if (!proxy_ready(self)) return -1;
  return PyObject_Length(self->wrapped);
}

static PyObject* proxy_item(Proxy* self, Py_ssize_t i) {
  if (!proxy_ready(self)) return NULL;
  return PySequence_GetItem(self->wrapped, i);
}

static PySequenceMethods proxy_as_sequence = {
    (lenfunc)proxy_length, /* sq_length */
    0,                     /* sq_concat */
    0,                     /* sq_repeat */
    (ssizeargfunc)proxy_item,
};

static PyMethodDef proxy_methods[] = {
    {"__dir__", (PyCFunction)proxy_dir, METH_NOARGS, 0},
    {"__reversed__", (PyCFunction)proxy_reversed, METH_NOARGS, 0},
    {NULL, NULL},
};

static PyGetSetDef proxy_getset[] = {
    {"__wrapped__", (getter)proxy_get_wrapped, (setter)proxy_set_wrapped, 0},
    {"__name__", (getter)proxy_get_name, NULL, 0},
    {"__class__", (getter)proxy_get_class, NULL, 0},
    {NULL},
};

static PyTypeObject ProxyType = {
    PyVarObject_HEAD_INIT(NULL, 0) "proxytest.Proxy", /* tp_name */
    sizeof(Proxy),                                    /* tp_basicsize */
    0,                                                /* tp_itemsize */
    (destructor)proxy_dealloc,                        /* tp_dealloc */
    0,                                                /* tp_vectorcall_offset */
    0,                                                /* tp_getattr */
    0,                                                /* tp_setattr */
    0,                                                /* tp_as_async */
    0,                                                /* tp_repr */
    0,                                                /* tp_as_number */
    &proxy_as_sequence,                               /* tp_as_sequence */
    0,                                                /* tp_as_mapping */
    0,                                                /* tp_hash */
    0,                                                /* tp_call */
    0,                                                /* tp_str */
    (getattrofunc)proxy_getattro,                     /* tp_getattro */
    (setattrofunc)proxy_setattro,                     /* tp_setattro */
    0,                                                /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC, /* tp_flags */
    0,                                                /* tp_doc */
    (traverseproc)proxy_traverse,                     /* tp_traverse */
    (inquiry)proxy_clear,                             /* tp_clear */
    0,                                                /* tp_richcompare */
    offsetof(Proxy, weakrefs),                        /* tp_weaklistoffset */
    0,                                                /* tp_iter */
    0,                                                /* tp_iternext */
    proxy_methods,                                    /* tp_methods */
    0,                                                /* tp_members */
    proxy_getset,                                     /* tp_getset */
    0,                                                /* tp_base */
    0,                                                /* tp_dict */
    0,                                                /* tp_descr_get */
    0,                                                /* tp_descr_set */
    offsetof(Proxy, dict),                            /* tp_dictoffset */
    (initproc)proxy_init,                             /* tp_init */
    PyType_GenericAlloc,                              /* tp_alloc */
    proxy_new,                                        /* tp_new */
    PyObject_GC_Del,                                  /* tp_free */
};

/* The subtype: a callable proxy that is also a descriptor. Bound (through
 * tp_descr_get) it is a new CallProxy whose instance is set. */
static PyObject* callproxy_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  CallProxy* self = (CallProxy*)proxy_new(type, args, kwds);
  if (self == NULL) return NULL;
  self->wrapper = NULL;
  self->instance = NULL;
  return (PyObject*)self;
}

static int callproxy_init(CallProxy* self, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"wrapped", "wrapper", "instance", NULL};
  PyObject *wrapped, *wrapper, *instance = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|O:CallProxy", kwlist, &wrapped, &wrapper,
                                   &instance)) {
    return -1;
  }
  Py_XSETREF(self->base.wrapped, Py_NewRef(wrapped));
  Py_XSETREF(self->wrapper, Py_NewRef(wrapper));
  Py_XSETREF(self->instance, Py_NewRef(instance));
  return 0;
}

static int callproxy_traverse(CallProxy* self, visitproc visit, void* arg) {
  proxy_traverse(&self->base, visit, arg);
  Py_VISIT(self->wrapper);
  Py_VISIT(self->instance);
  return 0;
}

static int callproxy_clear(CallProxy* self) {
  proxy_clear(&self->base);
  Py_CLEAR(self->wrapper);
  Py_CLEAR(self->instance);
  return 0;
}

static void callproxy_dealloc(CallProxy* self) {
  PyObject_GC_UnTrack(self);
  callproxy_clear(self);
  proxy_dealloc(&self->base);
}

static PyObject* callproxy_call(CallProxy* self, PyObject* args, PyObject* kwds) {
  if (!proxy_ready(&self->base)) return NULL;
  PyObject* kw = kwds != NULL ? Py_NewRef(kwds) : PyDict_New();
  if (kw == NULL) return NULL;
  PyObject* r = PyObject_CallFunctionObjArgs(self->wrapper, self->base.wrapped, self->instance,
                                             args, kw, NULL);
  Py_DECREF(kw);
  return r;
}

static PyObject* callproxy_descr_get(CallProxy* self, PyObject* obj, PyObject* type) {
  if (obj == NULL || obj == Py_None) return Py_NewRef(self);
  descrgetfunc get = Py_TYPE(self->base.wrapped)->tp_descr_get;
  if (get == NULL) {
    PyErr_Format(PyExc_AttributeError, "'%s' object has no attribute '__get__'",
                 Py_TYPE(self->base.wrapped)->tp_name);
    return NULL;
  }
  PyObject* bound = get(self->base.wrapped, obj, type);
  if (bound == NULL) return NULL;
  PyObject* r = PyObject_CallFunctionObjArgs((PyObject*)&CallProxyType, bound, self->wrapper, obj,
                                             NULL);
  Py_DECREF(bound);
  return r;
}

static PyTypeObject CallProxyType = {
    PyVarObject_HEAD_INIT(NULL, 0) "proxytest.CallProxy", /* tp_name */
    sizeof(CallProxy),                                    /* tp_basicsize */
    0,                                                    /* tp_itemsize */
    (destructor)callproxy_dealloc,                        /* tp_dealloc */
    0,                                                    /* tp_vectorcall_offset */
    0,                                                    /* tp_getattr */
    0,                                                    /* tp_setattr */
    0,                                                    /* tp_as_async */
    0,                                                    /* tp_repr */
    0,                                                    /* tp_as_number */
    0,                                                    /* tp_as_sequence */
    0,                                                    /* tp_as_mapping */
    0,                                                    /* tp_hash */
    (ternaryfunc)callproxy_call,                          /* tp_call */
    0,                                                    /* tp_str */
    0,                                                    /* tp_getattro */
    0,                                                    /* tp_setattro */
    0,                                                    /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC, /* tp_flags */
    0,                                                    /* tp_doc */
    (traverseproc)callproxy_traverse,                     /* tp_traverse */
    (inquiry)callproxy_clear,                             /* tp_clear */
    0,                                                    /* tp_richcompare */
    offsetof(Proxy, weakrefs),                            /* tp_weaklistoffset */
    0,                                                    /* tp_iter */
    0,                                                    /* tp_iternext */
    0,                                                    /* tp_methods */
    0,                                                    /* tp_members */
    0,                                                    /* tp_getset */
    0,                                                    /* tp_base: set at run time */
    0,                                                    /* tp_dict */
    (descrgetfunc)callproxy_descr_get,                    /* tp_descr_get */
    0,                                                    /* tp_descr_set */
    0,                                                    /* tp_dictoffset */
    (initproc)callproxy_init,                             /* tp_init */
    0,                                                    /* tp_alloc */
    callproxy_new,                                        /* tp_new */
};

/* ---- helpers ------------------------------------------------------------- */

/* A C wrapper for CallProxy: returns (wrapped(*args, **kwargs), instance). */
static PyObject* pass_through(PyObject* self, PyObject* args) {
  (void)self;
  PyObject *wrapped, *instance, *a, *kw;
  if (!PyArg_ParseTuple(args, "OOOO", &wrapped, &instance, &a, &kw)) return NULL;
  PyObject* r = PyObject_Call(wrapped, a, kw);
  if (r == NULL) return NULL;
  PyObject* t = PyTuple_Pack(2, r, instance);
  Py_DECREF(r);
  return t;
}
static PyMethodDef pass_through_def = {"pass_through", pass_through, METH_VARARGS, NULL};

/* Returns its arguments as a tuple (classmethod / staticmethod target). */
static PyObject* echo_args(PyObject* self, PyObject* args) {
  (void)self;
  return Py_NewRef(args);
}
static PyMethodDef echo_def = {"echo", echo_args, METH_VARARGS, NULL};

static PyObject* not_iterable_dir(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return PyLong_FromLong(5);
}
static PyMethodDef not_iterable_dir_def = {"__dir__", not_iterable_dir, METH_NOARGS, NULL};

static PyObject* custom_reversed(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return PyUnicode_FromString("custom");
}
static PyMethodDef custom_reversed_def = {"__reversed__", custom_reversed, METH_NOARGS, NULL};

static PyObject* module_dir(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return Py_BuildValue("[sss]", "zeta", "alpha", "mid");
}
static PyMethodDef module_dir_def = {"__dir__", module_dir, METH_NOARGS, NULL};

/* A class made by calling type(name, bases, ns): the way a Python class
 * statement would make it. Steals nothing. */
static PyObject* make_class(const char* name, PyObject* ns) {
  return PyObject_CallFunction((PyObject*)&PyType_Type, "s()O", name, ns);
}

static int list_contains_str(PyObject* list, const char* s) {
  PyObject* u = PyUnicode_FromString(s);
  CHECK(u != NULL);
  int r = PySequence_Contains(list, u);
  Py_DECREF(u);
  CHECK(r >= 0);
  return r;
}

static void check_sorted_strs(PyObject* list) {
  CHECK(PyList_CheckExact(list));
  for (Py_ssize_t i = 1; i < PyList_GET_SIZE(list); i++) {
    int lt =
        PyObject_RichCompareBool(PyList_GET_ITEM(list, i - 1), PyList_GET_ITEM(list, i), Py_LT);
    CHECK(lt == 1);
  }
}

static void check_str(PyObject* o, const char* expected) {
  CHECK(o != NULL);
  CHECK(PyUnicode_CheckExact(o));
  if (strcmp(PyUnicode_AsUTF8(o), expected) != 0) {
    fprintf(stderr, "got '%s', expected '%s'\n", PyUnicode_AsUTF8(o), expected);
    abort();
  }
}

/* list(reversed(x)) compared with the ints of `expected`. */
static void check_reversed_ints(PyObject* x, const long* expected, Py_ssize_t n) {
  PyObject* it = PyObject_CallOneArg((PyObject*)&PyReversed_Type, x);
  CHECK(it != NULL);
  CHECK(Py_IS_TYPE(it, &PyReversed_Type));
  PyObject* l = PySequence_List(it);
  CHECK(l != NULL);
  CHECK_EQ_LL(PyList_GET_SIZE(l), n);
  for (Py_ssize_t i = 0; i < n; i++) CHECK_EQ_LL(PyLong_AsLong(PyList_GET_ITEM(l, i)), expected[i]);
  Py_DECREF(l);
  Py_DECREF(it);
}

/* ---- the single-threaded checks ----------------------------------------- */

static void test_dir(void) {
  PyObject* list = Py_BuildValue("[ii]", 1, 2);
  PyObject* d = PyObject_Dir(list);
  CHECK(d != NULL);
  check_sorted_strs(d);
  CHECK(list_contains_str(d, "append"));
  CHECK(list_contains_str(d, "__dir__"));
  CHECK(list_contains_str(d, "__class__"));
  Py_DECREF(d);
  /* The unsorted method itself, bound. */
  PyObject* raw = PyObject_CallMethod(list, "__dir__", NULL);
  CHECK(raw != NULL && PyList_CheckExact(raw));
  CHECK(list_contains_str(raw, "pop"));
  Py_DECREF(raw);
  /* A type: its own and inherited names, not type's. */
  d = PyObject_Dir((PyObject*)&PyList_Type);
  CHECK(d != NULL);
  check_sorted_strs(d);
  CHECK(list_contains_str(d, "append"));
  CHECK(list_contains_str(d, "__dir__"));
  CHECK(!list_contains_str(d, "mro"));
  Py_DECREF(d);
  /* An instance of a class: instance dict + class + bases. */
  PyObject* ns = PyDict_New();
  PyObject* one = PyLong_FromLong(1);
  CHECK(PyDict_SetItemString(ns, "class_attr", one) == 0);
  PyObject* cls = make_class("Plain", ns);
  CHECK(cls != NULL);
  PyObject* inst = PyObject_CallNoArgs(cls);
  CHECK(inst != NULL);
  CHECK(PyObject_SetAttrString(inst, "inst_attr", one) == 0);
  d = PyObject_Dir(inst);
  CHECK(d != NULL);
  check_sorted_strs(d);
  CHECK(list_contains_str(d, "inst_attr"));
  CHECK(list_contains_str(d, "class_attr"));
  CHECK(list_contains_str(d, "__dir__"));
  Py_DECREF(d);
  d = PyObject_Dir(cls);
  CHECK(d != NULL);
  CHECK(list_contains_str(d, "class_attr"));
  CHECK(!list_contains_str(d, "inst_attr"));
  Py_DECREF(d);
  /* Modules: the dict's keys (CPython's five for a new module), sorted. */
  PyObject* mod = PyModule_New("dirmod");
  CHECK(PyObject_SetAttrString(mod, "b_value", one) == 0);
  CHECK(PyObject_SetAttrString(mod, "a_value", one) == 0);
  d = PyObject_Dir(mod);
  CHECK(d != NULL);
  PyObject* expected = Py_BuildValue("[sssssss]", "__doc__", "__loader__", "__name__",
                                     "__package__", "__spec__", "a_value", "b_value");
  CHECK(PyObject_RichCompareBool(d, expected, Py_EQ) == 1);
  Py_DECREF(expected);
  Py_DECREF(d);
  /* A module's own __dir__ in its dict is called; the result is sorted. */
  PyObject* f = PyCFunction_New(&module_dir_def, NULL);
  CHECK(PyObject_SetAttrString(mod, "__dir__", f) == 0);
  d = PyObject_Dir(mod);
  expected = Py_BuildValue("[sss]", "alpha", "mid", "zeta");
  CHECK(d != NULL && PyObject_RichCompareBool(d, expected, Py_EQ) == 1);
  Py_DECREF(expected);
  Py_DECREF(d);
  Py_DECREF(f);
  /* Errors: __dir__ returning a non-iterable, and no frame. */
  PyObject* ns2 = PyDict_New();
  PyObject* bad_dir = PyDescr_NewMethod(&PyBaseObject_Type, &not_iterable_dir_def);
  CHECK(bad_dir != NULL && Py_IS_TYPE(bad_dir, &PyMethodDescr_Type));
  CHECK(PyDict_SetItemString(ns2, "__dir__", bad_dir) == 0);
  PyObject* bad_cls = make_class("BadDir", ns2);
  CHECK(bad_cls != NULL);
  PyObject* bad = PyObject_CallNoArgs(bad_cls);
  CHECK(bad != NULL);
  CHECK(PyObject_Dir(bad) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'int' object is not iterable");
  CHECK(PyObject_Dir(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, "frame does not exist");
  Py_DECREF(bad);
  Py_DECREF(bad_cls);
  Py_DECREF(bad_dir);
  Py_DECREF(ns2);
  Py_DECREF(mod);
  Py_DECREF(inst);
  Py_DECREF(cls);
  Py_DECREF(ns);
  Py_DECREF(one);
  Py_DECREF(list);
}

static void test_reversed(void) {
  PyObject* list = Py_BuildValue("[iii]", 1, 2, 3);
  const long want[] = {3, 2, 1};
  check_reversed_ints(list, want, 3);
  PyObject* tuple = Py_BuildValue("(iiii)", 4, 5, 6, 7);
  const long want_t[] = {7, 6, 5, 4};
  check_reversed_ints(tuple, want_t, 4);
  PyObject* empty = PyTuple_New(0);
  check_reversed_ints(empty, NULL, 0);
  /* A str, item by item. */
  PyObject* s = PyUnicode_FromString("ab\xc3\xa9");
  PyObject* it = PyObject_CallOneArg((PyObject*)&PyReversed_Type, s);
  CHECK(it != NULL);
  PyObject* sep = PyUnicode_FromString("");
  PyObject* joined = PyUnicode_Join(sep, it);
  check_str(joined, "\xc3\xa9" "ba");
  Py_DECREF(joined);
  Py_DECREF(sep);
  Py_DECREF(it);
  /* __length_hint__ counts down. */
  it = PyObject_CallOneArg((PyObject*)&PyReversed_Type, list);
  PyObject* hint = PyObject_CallMethod(it, "__length_hint__", NULL);
  CHECK_EQ_LL(PyLong_AsLong(hint), 3);
  Py_DECREF(hint);
  PyObject* first = PyIter_Next(it);
  CHECK_EQ_LL(PyLong_AsLong(first), 3);
  Py_DECREF(first);
  hint = PyObject_CallMethod(it, "__length_hint__", NULL);
  CHECK_EQ_LL(PyLong_AsLong(hint), 2);
  Py_DECREF(hint);
  /* The list shrinks under it: the next index is past the end, so the
   * iterator stops (IndexError swallowed), as CPython's does. */
  CHECK(PyList_SetSlice(list, 0, 3, NULL) == 0);
  CHECK(PyIter_Next(it) == NULL);
  CHECK(PyErr_Occurred() == NULL);
  hint = PyObject_CallMethod(it, "__length_hint__", NULL);
  CHECK_EQ_LL(PyLong_AsLong(hint), 0);
  Py_DECREF(hint);
  Py_DECREF(it);
  /* The proxy's sequence slots are enough (sq_length + sq_item). */
  PyObject* wrapped = Py_BuildValue("[ii]", 10, 20);
  PyObject* proxy = PyObject_CallOneArg((PyObject*)&ProxyType, wrapped);
  CHECK(proxy != NULL);
  const long want_p[] = {20, 10};
  check_reversed_ints(proxy, want_p, 2);
  /* ... and its __reversed__ method forwards to reversed(wrapped). */
  it = PyObject_CallMethod(proxy, "__reversed__", NULL);
  CHECK(it != NULL && Py_IS_TYPE(it, &PyReversed_Type));
  Py_DECREF(it);
  /* A type's __reversed__ is called; None means "not reversible". */
  PyObject* ns = PyDict_New();
  PyObject* meth = PyDescr_NewMethod(&PyBaseObject_Type, &custom_reversed_def);
  CHECK(PyDict_SetItemString(ns, "__reversed__", meth) == 0);
  PyObject* cls = make_class("Rev", ns);
  PyObject* inst = PyObject_CallNoArgs(cls);
  PyObject* r = PyObject_CallOneArg((PyObject*)&PyReversed_Type, inst);
  check_str(r, "custom");
  Py_DECREF(r);
  Py_DECREF(inst);
  Py_DECREF(cls);
  CHECK(PyDict_SetItemString(ns, "__reversed__", Py_None) == 0);
  cls = make_class("NoRev", ns);
  inst = PyObject_CallNoArgs(cls);
  CHECK(PyObject_CallOneArg((PyObject*)&PyReversed_Type, inst) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'NoRev' object is not reversible");
  Py_DECREF(inst);
  Py_DECREF(cls);
  /* Errors, with CPython 3.13's texts. */
  PyObject* one = PyLong_FromLong(1);
  CHECK(PyObject_CallOneArg((PyObject*)&PyReversed_Type, one) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'int' object is not reversible");
  PyObject* set = PySet_New(NULL);
  CHECK(PyObject_CallOneArg((PyObject*)&PyReversed_Type, set) == NULL);
  ext_test_expect_error(PyExc_TypeError, "'set' object is not reversible");
  CHECK(PyObject_CallNoArgs((PyObject*)&PyReversed_Type) == NULL);
  ext_test_expect_error(PyExc_TypeError, "reversed expected 1 argument, got 0");
  CHECK(PyObject_CallFunction((PyObject*)&PyReversed_Type, "OO", list, list) == NULL);
  ext_test_expect_error(PyExc_TypeError, "reversed expected 1 argument, got 2");
  PyObject* args = PyTuple_Pack(1, list);
  PyObject* kw = Py_BuildValue("{s:i}", "x", 1);
  CHECK(PyObject_Call((PyObject*)&PyReversed_Type, args, kw) == NULL);
  ext_test_expect_error(PyExc_TypeError, "reversed() takes no keyword arguments");
  Py_DECREF(kw);
  Py_DECREF(args);
  Py_DECREF(set);
  Py_DECREF(one);
  Py_DECREF(meth);
  Py_DECREF(ns);
  Py_DECREF(proxy);
  Py_DECREF(wrapped);
  Py_DECREF(s);
  Py_DECREF(empty);
  Py_DECREF(tuple);
  Py_DECREF(list);
}

static void test_methods_and_descriptors(void) {
  PyObject* echo = PyCFunction_New(&echo_def, NULL);
  PyObject* cm = PyClassMethod_New(echo);
  PyObject* sm = PyStaticMethod_New(echo);
  CHECK(cm != NULL && Py_IS_TYPE(cm, &PyClassMethod_Type));
  CHECK(sm != NULL && Py_IS_TYPE(sm, &PyStaticMethod_Type));
  CHECK(PyObject_IsInstance(cm, (PyObject*)&PyClassMethod_Type) == 1);
  CHECK(PyObject_IsInstance(sm, (PyObject*)&PyClassMethod_Type) == 0);
  PyObject* ns = PyDict_New();
  CHECK(PyDict_SetItemString(ns, "cm", cm) == 0);
  CHECK(PyDict_SetItemString(ns, "sm", sm) == 0);
  PyObject* cls = make_class("Holder", ns);
  PyObject* inst = PyObject_CallNoArgs(cls);
  /* classmethod: the class comes first, through the class or an instance. */
  PyObject* r = PyObject_CallMethod(inst, "cm", "i", 7);
  CHECK(r != NULL && PyTuple_GET_SIZE(r) == 2);
  CHECK(PyTuple_GET_ITEM(r, 0) == cls);
  CHECK_EQ_LL(PyLong_AsLong(PyTuple_GET_ITEM(r, 1)), 7);
  Py_DECREF(r);
  r = PyObject_CallMethod(cls, "cm", NULL);
  CHECK(r != NULL && PyTuple_GET_SIZE(r) == 1 && PyTuple_GET_ITEM(r, 0) == cls);
  Py_DECREF(r);
  /* staticmethod: the arguments as given. */
  r = PyObject_CallMethod(inst, "sm", "ii", 1, 2);
  CHECK(r != NULL && PyTuple_GET_SIZE(r) == 2);
  Py_DECREF(r);
  CHECK(PyClassMethod_New(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyStaticMethod_New(NULL) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  /* The descriptor types in a type's dict. */
  PyObject* d = PyDict_GetItemString(PyList_Type.tp_dict, "append");
  CHECK(d != NULL && Py_IS_TYPE(d, &PyMethodDescr_Type));
  d = PyDict_GetItemString(ProxyType.tp_dict, "__wrapped__");
  CHECK(d != NULL && Py_IS_TYPE(d, &PyGetSetDescr_Type));
  d = PyDict_GetItemString(PyDict_Type.tp_dict, "fromkeys");
  CHECK(d != NULL && Py_IS_TYPE(d, &PyClassMethodDescr_Type));
  PyObject* member_type = (PyObject*)&PyMemberDescr_Type;
  CHECK(PyType_Check(member_type));
  Py_DECREF(inst);
  Py_DECREF(cls);
  Py_DECREF(ns);
  Py_DECREF(sm);
  Py_DECREF(cm);
  Py_DECREF(echo);
}

static void test_isinstance_via_class(void) {
  PyObject* list = PyList_New(0);
  PyObject* proxy = PyObject_CallOneArg((PyObject*)&ProxyType, list);
  CHECK(proxy != NULL);
  CHECK(PyObject_IsInstance(proxy, (PyObject*)&ProxyType) == 1);
  CHECK(PyObject_IsInstance(proxy, (PyObject*)&PyList_Type) == 1);
  PyObject* classes = PyTuple_Pack(2, (PyObject*)&PyLong_Type, (PyObject*)&PyList_Type);
  CHECK(PyObject_IsInstance(proxy, classes) == 1);
  Py_DECREF(classes);
  CHECK(PyObject_IsInstance(proxy, (PyObject*)&PyLong_Type) == 0);
  CHECK(PyObject_IsInstance(proxy, (PyObject*)&PyBaseObject_Type) == 1);
  CHECK(!PyList_Check(proxy)); /* the type check itself is not fooled */
  /* An uninitialised proxy's __class__ raises ValueError: it propagates. */
  PyObject* empty = ProxyType.tp_new(&ProxyType, NULL, NULL);
  CHECK(empty != NULL);
  CHECK(PyObject_IsInstance(empty, (PyObject*)&PyList_Type) == -1);
  ext_test_expect_error(PyExc_ValueError, "proxy not initialised");
  Py_DECREF(empty);
  Py_DECREF(proxy);
  Py_DECREF(list);
}

static void test_proxy_type(void) {
  PyObject* list = Py_BuildValue("[i]", 1);
  PyObject* proxy = PyObject_CallOneArg((PyObject*)&ProxyType, list);
  CHECK(proxy != NULL);
  /* Forwarded attribute, own "_self_" attribute, the getsets. */
  PyObject* r = PyObject_CallMethod(proxy, "append", "i", 2);
  CHECK(r == Py_None);
  Py_DECREF(r);
  CHECK_EQ_LL(PyList_GET_SIZE(list), 2);
  PyObject* v = PyLong_FromLong(5);
  CHECK(PyObject_SetAttrString(proxy, "_self_note", v) == 0);
  CHECK(PyObject_HasAttrString(list, "_self_note") == 0);
  r = PyObject_GetAttrString(proxy, "_self_note");
  CHECK(r == v);
  Py_DECREF(r);
  CHECK(PyObject_SetAttrString(proxy, "other", v) == -1); /* forwarded to a list */
  ext_test_expect_error(PyExc_AttributeError, NULL);
  r = PyObject_GetAttrString(proxy, "__wrapped__");
  CHECK(r == list);
  Py_DECREF(r);
  r = PyObject_GetAttrString(proxy, "__class__");
  CHECK(r == (PyObject*)&PyList_Type);
  Py_DECREF(r);
  CHECK(PyObject_SetAttrString(proxy, "__wrapped__", NULL) == -1);
  ext_test_expect_error(PyExc_TypeError, "__wrapped__ must be an object");
  PyObject* tp = PyObject_CallOneArg((PyObject*)&ProxyType, (PyObject*)&PyTuple_Type);
  r = PyObject_GetAttrString(tp, "__name__");
  check_str(r, "tuple");
  Py_DECREF(r);
  /* dir() through the proxy's __dir__: the wrapped list's names. */
  PyObject* d = PyObject_Dir(proxy);
  CHECK(d != NULL);
  check_sorted_strs(d);
  CHECK(list_contains_str(d, "append"));
  Py_DECREF(d);
  /* Weak references, cleared when the proxy goes. */
  PyObject* wr = PyWeakref_NewRef(proxy, NULL);
  CHECK(wr != NULL);
  PyObject* target = NULL;
  CHECK(PyWeakref_GetRef(wr, &target) == 1 && target == proxy);
  Py_DECREF(target);
  /* The callable subtype as a descriptor in a class. */
  PyObject* wrapper = PyCFunction_New(&pass_through_def, NULL);
  PyObject* append = PyObject_GetAttrString((PyObject*)&PyList_Type, "append");
  CHECK(append != NULL && Py_IS_TYPE(append, &PyMethodDescr_Type));
  PyObject* cp = PyObject_CallFunctionObjArgs((PyObject*)&CallProxyType, append, wrapper, NULL);
  CHECK(cp != NULL);
  CHECK(PyObject_IsInstance(cp, (PyObject*)&ProxyType) == 1);
  PyObject* ns = PyDict_New();
  CHECK(PyDict_SetItemString(ns, "add", cp) == 0);
  PyObject* cls = make_class("UsesProxy", ns);
  CHECK(cls != NULL);
  PyObject* unbound = PyObject_GetAttrString(cls, "add");
  CHECK(unbound == cp); /* no instance: the descriptor itself */
  Py_DECREF(unbound);
  /* Called through the class with an explicit list: wrapped(list, 3). */
  r = PyObject_CallMethod(cls, "add", "Oi", list, 3);
  CHECK(r != NULL && PyTuple_GET_ITEM(r, 0) == Py_None && PyTuple_GET_ITEM(r, 1) == Py_None);
  Py_DECREF(r);
  CHECK_EQ_LL(PyList_GET_SIZE(list), 3);
  Py_DECREF(cls);
  Py_DECREF(ns);
  Py_DECREF(cp);
  Py_DECREF(append);
  Py_DECREF(wrapper);
  Py_DECREF(tp);
  Py_DECREF(v);
  Py_DECREF(proxy);
  CHECK(PyWeakref_GetRef(wr, &target) == 0 && target == NULL);
  Py_DECREF(wr);
  Py_DECREF(list);
}

static void test_str_new(void) {
  PyObject* str_type = (PyObject*)&PyUnicode_Type;
  PyObject* r = PyObject_CallNoArgs(str_type);
  check_str(r, "");
  Py_DECREF(r);
  r = PyObject_CallFunction(str_type, "i", 42);
  check_str(r, "42");
  Py_DECREF(r);
  PyObject* s = PyUnicode_FromString("same");
  r = PyObject_CallOneArg(str_type, s);
  CHECK(r == s); /* an exact str comes back as itself */
  Py_DECREF(r);
  r = PyObject_CallFunction(str_type, "y#s", "\xc3\xa9t\xc3\xa9", (Py_ssize_t)5, "utf-8");
  check_str(r, "\xc3\xa9t\xc3\xa9");
  Py_DECREF(r);
  r = PyObject_CallFunction(str_type, "ys", "\xe9", "latin-1");
  check_str(r, "\xc3\xa9");
  Py_DECREF(r);
  PyObject* args = Py_BuildValue("(y)", "\xff");
  PyObject* kw = Py_BuildValue("{s:s}", "errors", "replace");
  r = PyObject_Call(str_type, args, kw);
  check_str(r, "\xef\xbf\xbd");
  Py_DECREF(r);
  Py_DECREF(kw);
  kw = Py_BuildValue("{s:i}", "object", 7);
  PyObject* no_args = PyTuple_New(0);
  r = PyObject_Call(str_type, no_args, kw);
  check_str(r, "7");
  Py_DECREF(r);
  Py_DECREF(no_args);
  Py_DECREF(kw);
  /* Errors, with CPython 3.13's texts. */
  CHECK(PyObject_CallFunction(str_type, "iiii", 1, 2, 3, 4) == NULL);
  ext_test_expect_error(PyExc_TypeError, "str expected at most 3 arguments, got 4");
  CHECK(PyObject_CallFunction(str_type, "yi", "a", 1) == NULL);
  ext_test_expect_error(PyExc_TypeError, "str() argument 'encoding' must be str, not int");
  CHECK(PyObject_CallFunction(str_type, "ysi", "a", "utf-8", 3) == NULL);
  ext_test_expect_error(PyExc_TypeError, "str() argument 'errors' must be str, not int");
  CHECK(PyObject_CallFunction(str_type, "is", 1, "utf-8") == NULL);
  ext_test_expect_error(PyExc_TypeError, "decoding to str: need a bytes-like object, int found");
  CHECK(PyObject_CallFunction(str_type, "ss", "a", "utf-8") == NULL);
  ext_test_expect_error(PyExc_TypeError, "decoding str is not supported");
  CHECK(PyObject_CallFunction(str_type, "ys", "a", "nope") == NULL);
  ext_test_expect_error(PyExc_LookupError, "unknown encoding: nope");
  kw = Py_BuildValue("{s:i}", "x", 1);
  CHECK(PyObject_Call(str_type, args, kw) == NULL);
  ext_test_expect_error(PyExc_TypeError, "str() got an unexpected keyword argument 'x'");
  Py_DECREF(kw);
  kw = Py_BuildValue("{s:i}", "object", 1);
  CHECK(PyObject_Call(str_type, args, kw) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "argument for str() given by name ('object') and position (1)");
  Py_DECREF(kw);
  Py_DECREF(args);
  Py_DECREF(s);
}

/* ---- threads ------------------------------------------------------------ */

enum { kThreads = 6 };
static PyObject* g_list;   /* shared, appended to through g_proxy */
static PyObject* g_proxy;  /* Proxy(g_list) */
static PyObject* g_tuple;  /* (0, 1, ..., kTupleLen-1) */
static PyObject* g_holder; /* an instance of a class whose "add" is a CallProxy(list.append) */
static PyObject* g_cm_cls; /* a class with a classmethod "cm" */
static long g_iterations;
enum { kTupleLen = 64 };

static void* thread_main(void* arg) {
  unsigned state = (unsigned)(uintptr_t)arg;
  PyGILState_STATE gs = PyGILState_Ensure();
  for (long i = 0; i < g_iterations; i++) {
    switch (ext_test_next_random(&state) % 6) {
      case 0: {
        PyObject* r = PyObject_CallMethod(g_proxy, "append", "l", (long)(state % 1000));
        CHECK(r == Py_None);
        Py_DECREF(r);
        break;
      }
      case 1: {
        PyObject* d = PyObject_Dir(g_proxy);
        CHECK(d != NULL);
        CHECK(list_contains_str(d, "append"));
        Py_DECREF(d);
        CHECK(PyObject_IsInstance(g_proxy, (PyObject*)&PyList_Type) == 1);
        break;
      }
      case 2: {
        /* reversed over the shared tuple: exact; over the growing list:
         * every item is an int the appenders stored. */
        PyObject* it = PyObject_CallOneArg((PyObject*)&PyReversed_Type, g_tuple);
        CHECK(it != NULL);
        long want = kTupleLen - 1;
        PyObject* item;
        while ((item = PyIter_Next(it)) != NULL) {
          CHECK_EQ_LL(PyLong_AsLong(item), want);
          want--;
          Py_DECREF(item);
        }
        CHECK(PyErr_Occurred() == NULL);
        CHECK_EQ_LL(want, -1);
        Py_DECREF(it);
        it = PyObject_CallMethod(g_proxy, "__reversed__", NULL);
        CHECK(it != NULL);
        while ((item = PyIter_Next(it)) != NULL) {
          CHECK(PyLong_CheckExact(item));
          Py_DECREF(item);
        }
        CHECK(PyErr_Occurred() == NULL);
        Py_DECREF(it);
        break;
      }
      case 3: {
        char buf[32];
        snprintf(buf, sizeof buf, "v%u", state % 100000);
        PyObject* r = PyObject_CallFunction((PyObject*)&PyUnicode_Type, "ys", buf, "ascii");
        check_str(r, buf);
        Py_DECREF(r);
        break;
      }
      case 4: {
        /* Through the bound CallProxy: appends to the holder (a list). */
        PyObject* r = PyObject_CallMethod(g_holder, "add", "i", 1);
        CHECK(r != NULL && PyTuple_GET_ITEM(r, 1) == g_holder);
        Py_DECREF(r);
        break;
      }
      default: {
        PyObject* r = PyObject_CallMethod(g_cm_cls, "cm", "i", 3);
        CHECK(r != NULL && PyTuple_GET_ITEM(r, 0) == g_cm_cls);
        Py_DECREF(r);
        break;
      }
    }
  }
  PyGILState_Release(gs);
  return NULL;
}

/* Replays each thread's choices to count its appends. */
static void count_expected(unsigned seed, long* proxy_appends, long* holder_appends) {
  *proxy_appends = 0;
  *holder_appends = 0;
  for (int t = 0; t < kThreads; t++) {
    unsigned state = seed + (unsigned)t;
    for (long i = 0; i < g_iterations; i++) {
      unsigned c = ext_test_next_random(&state) % 6;
      if (c == 0) ++*proxy_appends;
      if (c == 4) ++*holder_appends;
    }
  }
}

static void test_threads(unsigned seed) {
  g_iterations = ext_test_scaled(3000, 100);
  g_list = PyList_New(0);
  g_proxy = PyObject_CallOneArg((PyObject*)&ProxyType, g_list);
  CHECK(g_proxy != NULL);
  g_tuple = PyTuple_New(kTupleLen);
  for (long i = 0; i < kTupleLen; i++) PyTuple_SET_ITEM(g_tuple, i, PyLong_FromLong(i));
  /* The holder is a plain class instance whose "add" is a CallProxy of a
   * staticmethod of holder_list.append: descr_get binds it (the
   * staticmethod gives the bound append back) into a new CallProxy whose
   * instance is the holder, and calling that appends to holder_list. */
  PyObject* wrapper = PyCFunction_New(&pass_through_def, NULL);
  PyObject* holder_list = PyList_New(0);
  PyObject* append = PyObject_GetAttrString(holder_list, "append");
  PyObject* sm = PyStaticMethod_New(append);
  Py_DECREF(append);
  PyObject* cp = PyObject_CallFunctionObjArgs((PyObject*)&CallProxyType, sm, wrapper, NULL);
  CHECK(cp != NULL);
  PyObject* ns = PyDict_New();
  CHECK(PyDict_SetItemString(ns, "add", cp) == 0);
  PyObject* holder_cls = make_class("Holder2", ns);
  g_holder = PyObject_CallNoArgs(holder_cls);
  CHECK(g_holder != NULL);
  PyObject* echo = PyCFunction_New(&echo_def, NULL);
  PyObject* cm2 = PyClassMethod_New(echo);
  PyObject* ns2 = PyDict_New();
  CHECK(PyDict_SetItemString(ns2, "cm", cm2) == 0);
  g_cm_cls = make_class("CmHolder", ns2);
  CHECK(g_cm_cls != NULL);

  ext_test_run_threads(kThreads, thread_main, seed);

  long proxy_appends, holder_appends;
  count_expected(seed, &proxy_appends, &holder_appends);
  CHECK_EQ_LL(PyList_GET_SIZE(g_list), proxy_appends);
  CHECK_EQ_LL(PyList_GET_SIZE(holder_list), holder_appends);
  fprintf(stderr, "threads: %ld appends through the proxy, %ld through the bound wrapper\n",
          proxy_appends, holder_appends);

  Py_DECREF(ns2);
  Py_DECREF(cm2);
  Py_DECREF(echo);
  Py_CLEAR(g_cm_cls);
  Py_CLEAR(g_holder);
  Py_DECREF(holder_cls);
  Py_DECREF(ns);
  Py_DECREF(cp);
  Py_DECREF(sm);
  Py_DECREF(holder_list);
  Py_DECREF(wrapper);
  Py_CLEAR(g_tuple);
  Py_CLEAR(g_proxy);
  Py_CLEAR(g_list);
}

int main(void) {
  Py_Initialize();
  const unsigned seed = ext_test_seed();
  CHECK(PyType_Ready(&ProxyType) == 0);
  CallProxyType.tp_base = &ProxyType;
  CHECK(PyType_Ready(&CallProxyType) == 0);
  test_dir();
  test_reversed();
  test_methods_and_descriptors();
  test_isinstance_via_class();
  test_proxy_type();
  test_str_new();
  test_threads(seed);
  CHECK(PyErr_Occurred() == NULL);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_proxy_api_test: OK\n");
  return 0;
}
