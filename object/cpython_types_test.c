/* object/cpython_types.h seen from C, the way C extensions use it.
 *
 * Extensions written for CPython fill static PyTypeObjects with positional
 * initializers, counting on CPython's exact field order; newer ones use
 * designated initializers; both must land every value in the field meant.
 * This test writes the same definitions an extension would (a static type
 * both ways, member, getset and method tables, a multi-phase module
 * definition with Py_mod_gil, a PyType_Spec), then checks field by field
 * that each value is where CPython would find it, that static objects come
 * out immortal, and that the numeric constants are CPython 3.13's.
 *
 * Built with -Wno-missing-field-initializers, as CPython builds itself and
 * most extensions: a positional initializer that stops at tp_new is the
 * normal case and is what this test must accept.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "object/cpython_structmember.h"
#include "object/cpython_types.h"

static int g_passed = 0;
static int g_failed = 0;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (cond) {                                                      \
      ++g_passed;                                                    \
    } else {                                                         \
      ++g_failed;                                                    \
      printf("FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond);       \
    }                                                                \
  } while (0)

#define CHECK_EQ_INT(got, want)                                          \
  do {                                                                   \
    long long got_ = (long long)(got);                                   \
    long long want_ = (long long)(want);                                 \
    if (got_ == want_) {                                                 \
      ++g_passed;                                                        \
    } else {                                                             \
      ++g_failed;                                                        \
      printf("FAILED %s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, \
             #got, got_, want_);                                         \
    }                                                                    \
  } while (0)

/* ---- An extension's object and its functions ---------------------------- */

typedef struct {
  PyObject_HEAD
  int count;
  PyObject* name;
  double ratio;
  char flag;
  Py_ssize_t size;
} FooObject;

/* A stand-in result object so that slot functions have something to
 * return whose identity the test can check. (PyObject_HEAD_INIT ends in a
 * comma, so it initializes an object's first member, never a bare
 * PyObject.) */
typedef struct {
  PyObject_HEAD
} ResultObject;
static ResultObject g_result_holder = {PyObject_HEAD_INIT(NULL)};
#define kResult (&g_result_holder.ob_base)

static void Foo_dealloc(FooObject* self) { self->count = -1; }

static PyObject* Foo_repr(FooObject* self) {
  self->count += 100;
  return kResult;
}

static Py_hash_t Foo_hash(FooObject* self) { return (Py_hash_t)self->count; }

static PyObject* Foo_str(FooObject* Py_UNUSED(self)) { return kResult; }

static int Foo_traverse(FooObject* self, visitproc visit, void* arg) {
  if (self->name != NULL) return visit(self->name, arg);
  return 0;
}

static int Foo_clear(FooObject* self) {
  self->name = NULL;
  return 0;
}

static PyObject* Foo_richcompare(PyObject* Py_UNUSED(a),
                                 PyObject* Py_UNUSED(b), int op) {
  return op == Py_EQ ? kResult : NULL;
}

static PyObject* Foo_iter(PyObject* self) { return self; }

static PyObject* Foo_iternext(PyObject* Py_UNUSED(self)) { return NULL; }

static int Foo_init(FooObject* self, PyObject* Py_UNUSED(args),
                    PyObject* Py_UNUSED(kwds)) {
  self->count = 7;
  self->ratio = 0.5;
  return 0;
}

static PyObject* Foo_new(PyTypeObject* Py_UNUSED(type),
                         PyObject* Py_UNUSED(args),
                         PyObject* Py_UNUSED(kwds)) {
  return kResult;
}

static PyObject* Foo_call(PyObject* Py_UNUSED(self), PyObject* Py_UNUSED(a),
                          PyObject* Py_UNUSED(k)) {
  return kResult;
}

static void Foo_finalize(PyObject* Py_UNUSED(self)) {}

static PyObject* Foo_add(PyObject* a, PyObject* Py_UNUSED(b)) { return a; }

static PyObject* Foo_noargs(FooObject* self, PyObject* Py_UNUSED(ignored)) {
  self->count += 1;
  return kResult;
}

static PyObject* Foo_one(FooObject* Py_UNUSED(self), PyObject* arg) {
  return arg;
}

static PyObject* Foo_varargs_kw(FooObject* Py_UNUSED(self),
                                PyObject* Py_UNUSED(args),
                                PyObject* Py_UNUSED(kwds)) {
  return kResult;
}

static PyObject* Foo_fast(PyObject* Py_UNUSED(self),
                          PyObject* const* Py_UNUSED(args), Py_ssize_t nargs) {
  return nargs == 2 ? kResult : NULL;
}

static PyObject* Foo_fast_kw(PyObject* Py_UNUSED(self),
                             PyObject* const* Py_UNUSED(args),
                             Py_ssize_t Py_UNUSED(nargs),
                             PyObject* Py_UNUSED(kwnames)) {
  return kResult;
}

static PyObject* Foo_method(PyObject* Py_UNUSED(self),
                            PyTypeObject* Py_UNUSED(defining_class),
                            PyObject* const* Py_UNUSED(args),
                            size_t Py_UNUSED(nargsf),
                            PyObject* Py_UNUSED(kwnames)) {
  return kResult;
}

static PyObject* Foo_get_name(FooObject* self, void* Py_UNUSED(closure)) {
  return self->name;
}

static int Foo_set_name(FooObject* self, PyObject* value,
                        void* Py_UNUSED(closure)) {
  self->name = value;
  return 0;
}

PyDoc_STRVAR(Foo_doc, "A Foo.");
PyDoc_STRVAR(Foo_noargs_doc, "noargs() -> result");

static PyMethodDef Foo_methods[] = {
    {"noargs", (PyCFunction)Foo_noargs, METH_NOARGS, Foo_noargs_doc},
    {"one", (PyCFunction)Foo_one, METH_O, NULL},
    {"varargs_kw", (PyCFunction)(void (*)(void))Foo_varargs_kw,
     METH_VARARGS | METH_KEYWORDS, NULL},
    {"fast", _PyCFunction_CAST(Foo_fast), METH_FASTCALL, NULL},
    {"fast_kw", _PyCFunction_CAST(Foo_fast_kw), METH_FASTCALL | METH_KEYWORDS,
     NULL},
    {"method", _PyCFunction_CAST(Foo_method),
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, NULL},
    {NULL, NULL, 0, NULL},
};

/* The old structmember.h spelling and the 3.12+ spelling side by side. */
static PyMemberDef Foo_members[] = {
    {"count", T_INT, offsetof(FooObject, count), 0, "a count"},
    {"name", Py_T_OBJECT_EX, offsetof(FooObject, name), 0, NULL},
    {"ratio", T_DOUBLE, offsetof(FooObject, ratio), READONLY, NULL},
    {"flag", Py_T_BOOL, offsetof(FooObject, flag), Py_READONLY, NULL},
    {"size", T_PYSSIZET, offsetof(FooObject, size), Py_AUDIT_READ, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef Foo_getset[] = {
    {"name2", (getter)Foo_get_name, (setter)Foo_set_name, "the name", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyNumberMethods Foo_as_number = {0};

/* Positional, as most extensions in the wild still write it: every value
 * lands by its position in CPython 3.13's field order. */
static PyTypeObject FooType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "m.Foo",                                  /* tp_name */
    sizeof(FooObject),                        /* tp_basicsize */
    0,                                        /* tp_itemsize */
    (destructor)Foo_dealloc,                  /* tp_dealloc */
    0,                                        /* tp_vectorcall_offset */
    0,                                        /* tp_getattr */
    0,                                        /* tp_setattr */
    0,                                        /* tp_as_async */
    (reprfunc)Foo_repr,                       /* tp_repr */
    &Foo_as_number,                           /* tp_as_number */
    0,                                        /* tp_as_sequence */
    0,                                        /* tp_as_mapping */
    (hashfunc)Foo_hash,                       /* tp_hash */
    Foo_call,                                 /* tp_call */
    (reprfunc)Foo_str,                        /* tp_str */
    0,                                        /* tp_getattro */
    0,                                        /* tp_setattro */
    0,                                        /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    Foo_doc,                                  /* tp_doc */
    (traverseproc)Foo_traverse,               /* tp_traverse */
    (inquiry)Foo_clear,                       /* tp_clear */
    Foo_richcompare,                          /* tp_richcompare */
    0,                                        /* tp_weaklistoffset */
    Foo_iter,                                 /* tp_iter */
    Foo_iternext,                             /* tp_iternext */
    Foo_methods,                              /* tp_methods */
    Foo_members,                              /* tp_members */
    Foo_getset,                               /* tp_getset */
    0,                                        /* tp_base */
    0,                                        /* tp_dict */
    0,                                        /* tp_descr_get */
    0,                                        /* tp_descr_set */
    0,                                        /* tp_dictoffset */
    (initproc)Foo_init,                       /* tp_init */
    0,                                        /* tp_alloc */
    Foo_new,                                  /* tp_new */
};

/* Designated, as CPython's own tutorial now writes it. */
static PyTypeObject BarType = {
    .ob_base = PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "m.Bar",
    .tp_basicsize = sizeof(FooObject),
    .tp_itemsize = sizeof(PyObject*),
    .tp_dealloc = (destructor)Foo_dealloc,
    .tp_repr = (reprfunc)Foo_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .tp_doc = PyDoc_STR("A Bar."),
    .tp_methods = Foo_methods,
    .tp_members = Foo_members,
    .tp_base = &FooType,
    .tp_new = Foo_new,
    .tp_finalize = Foo_finalize,
};

/* Static instances: a plain one and a variable-size one. */
static FooObject g_static_foo = {
    PyObject_HEAD_INIT(&FooType)
    42, NULL, 1.5, 1, 9,
};

typedef struct {
  PyObject_VAR_HEAD
  PyObject* items[3];
} TripleObject;

static TripleObject g_static_triple = {
    PyVarObject_HEAD_INIT(&BarType, 3)
    {kResult, kResult, kResult},
};

/* ---- A multi-phase module ----------------------------------------------- */

static int foo_exec(PyObject* Py_UNUSED(module)) { return 0; }

static PyModuleDef_Slot foo_slots[] = {
    {Py_mod_exec, (void*)foo_exec},
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static PyMethodDef foo_module_methods[] = {
    {"one", (PyCFunction)Foo_one, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static int foo_traverse(PyObject* Py_UNUSED(m), visitproc Py_UNUSED(v),
                        void* Py_UNUSED(arg)) {
  return 0;
}

static struct PyModuleDef foo_module = {
    PyModuleDef_HEAD_INIT,
    "foo",                  /* m_name */
    "The foo module.",      /* m_doc */
    sizeof(int),            /* m_size */
    foo_module_methods,     /* m_methods */
    foo_slots,              /* m_slots */
    foo_traverse,           /* m_traverse */
    NULL,                   /* m_clear */
    NULL,                   /* m_free */
};

/* The short single-phase form many old modules use. */
static struct PyModuleDef legacy_module = {
    PyModuleDef_HEAD_INIT, "legacy", NULL, -1, foo_module_methods,
};

/* ---- A type from a spec -------------------------------------------------- */

static PyType_Slot Baz_slots[] = {
    {Py_tp_dealloc, (void*)Foo_dealloc},
    {Py_tp_repr, (void*)Foo_repr},
    {Py_tp_traverse, (void*)Foo_traverse},
    {Py_tp_methods, Foo_methods},
    {Py_tp_members, Foo_members},
    {Py_tp_getset, Foo_getset},
    {Py_tp_doc, (void*)"A Baz."},
    {Py_tp_new, (void*)Foo_new},
    {Py_nb_add, (void*)Foo_add},
    {Py_am_send, NULL},
    {0, NULL},
};

static PyType_Spec Baz_spec = {
    "m.Baz",
    sizeof(FooObject),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    Baz_slots,
};

/* What PyType_FromSpec does with the slots, for the ones used above: the
 * ids must route each value to the field CPython would fill. */
static void ApplySlots(PyTypeObject* type, PyNumberMethods* nb,
                       const PyType_Slot* slots) {
  for (const PyType_Slot* s = slots; s->slot != 0; ++s) {
    switch (s->slot) {
      case Py_tp_dealloc: type->tp_dealloc = (destructor)s->pfunc; break;
      case Py_tp_repr: type->tp_repr = (reprfunc)s->pfunc; break;
      case Py_tp_traverse: type->tp_traverse = (traverseproc)s->pfunc; break;
      case Py_tp_methods: type->tp_methods = (PyMethodDef*)s->pfunc; break;
      case Py_tp_members: type->tp_members = (PyMemberDef*)s->pfunc; break;
      case Py_tp_getset: type->tp_getset = (PyGetSetDef*)s->pfunc; break;
      case Py_tp_doc: type->tp_doc = (const char*)s->pfunc; break;
      case Py_tp_new: type->tp_new = (newfunc)s->pfunc; break;
      case Py_nb_add: nb->nb_add = (binaryfunc)s->pfunc; break;
      default: break;
    }
  }
}

/* ---- The checks ----------------------------------------------------------- */

static void CheckPositionalType(void) {
  const PyTypeObject* t = &FooType;
  CHECK(strcmp(t->tp_name, "m.Foo") == 0);
  CHECK_EQ_INT(t->tp_basicsize, sizeof(FooObject));
  CHECK_EQ_INT(t->tp_itemsize, 0);
  CHECK(t->tp_dealloc == (destructor)Foo_dealloc);
  CHECK_EQ_INT(t->tp_vectorcall_offset, 0);
  CHECK(t->tp_getattr == NULL && t->tp_setattr == NULL);
  CHECK(t->tp_as_async == NULL);
  CHECK(t->tp_repr == (reprfunc)Foo_repr);
  CHECK(t->tp_as_number == &Foo_as_number);
  CHECK(t->tp_as_sequence == NULL && t->tp_as_mapping == NULL);
  CHECK(t->tp_hash == (hashfunc)Foo_hash);
  CHECK(t->tp_call == Foo_call);
  CHECK(t->tp_str == (reprfunc)Foo_str);
  CHECK(t->tp_getattro == NULL && t->tp_setattro == NULL);
  CHECK(t->tp_as_buffer == NULL);
  CHECK(t->tp_flags ==
        (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC));
  CHECK(t->tp_doc == Foo_doc);
  CHECK(t->tp_traverse == (traverseproc)Foo_traverse);
  CHECK(t->tp_clear == (inquiry)Foo_clear);
  CHECK(t->tp_richcompare == Foo_richcompare);
  CHECK_EQ_INT(t->tp_weaklistoffset, 0);
  CHECK(t->tp_iter == Foo_iter);
  CHECK(t->tp_iternext == Foo_iternext);
  CHECK(t->tp_methods == Foo_methods);
  CHECK(t->tp_members == Foo_members);
  CHECK(t->tp_getset == Foo_getset);
  CHECK(t->tp_base == NULL && t->tp_dict == NULL);
  CHECK(t->tp_descr_get == NULL && t->tp_descr_set == NULL);
  CHECK_EQ_INT(t->tp_dictoffset, 0);
  CHECK(t->tp_init == (initproc)Foo_init);
  CHECK(t->tp_alloc == NULL);
  CHECK(t->tp_new == Foo_new);
  /* Everything after tp_new was left out and must be zero. */
  CHECK(t->tp_free == NULL && t->tp_is_gc == NULL);
  CHECK(t->tp_bases == NULL && t->tp_mro == NULL && t->tp_cache == NULL);
  CHECK(t->tp_subclasses == NULL && t->tp_weaklist == NULL);
  CHECK(t->tp_del == NULL && t->tp_finalize == NULL);
  CHECK(t->tp_vectorcall == NULL);
  CHECK_EQ_INT(t->tp_version_tag, 0);
  CHECK_EQ_INT(t->tp_watched, 0);
  CHECK_EQ_INT(t->tp_versions_used, 0);

  /* Calling through the slots reaches the extension's functions, with the
   * object they were written for (what the runtime will do). */
  FooObject obj;
  memset(&obj, 0, sizeof obj);
  CHECK_EQ_INT(t->tp_init((PyObject*)&obj, NULL, NULL), 0);
  CHECK_EQ_INT(obj.count, 7);
  CHECK(obj.ratio == 0.5);
  CHECK(t->tp_repr((PyObject*)&obj) == kResult);
  CHECK_EQ_INT(obj.count, 107);
  CHECK_EQ_INT(t->tp_hash((PyObject*)&obj), 107);
  CHECK(t->tp_richcompare((PyObject*)&obj, kResult, Py_EQ) == kResult);
  CHECK(t->tp_richcompare((PyObject*)&obj, kResult, Py_LT) == NULL);
  CHECK(t->tp_new(&FooType, NULL, NULL) == kResult);
  t->tp_dealloc((PyObject*)&obj);
  CHECK_EQ_INT(obj.count, -1);
}

static void CheckDesignatedType(void) {
  const PyTypeObject* t = &BarType;
  CHECK(strcmp(t->tp_name, "m.Bar") == 0);
  CHECK_EQ_INT(t->tp_basicsize, sizeof(FooObject));
  CHECK_EQ_INT(t->tp_itemsize, sizeof(PyObject*));
  CHECK(t->tp_dealloc == (destructor)Foo_dealloc);
  CHECK(t->tp_repr == (reprfunc)Foo_repr);
  CHECK(t->tp_flags == (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE));
  CHECK(strcmp(t->tp_doc, "A Bar.") == 0);
  CHECK(t->tp_methods == Foo_methods);
  CHECK(t->tp_members == Foo_members);
  CHECK(t->tp_getset == NULL);
  CHECK(t->tp_base == &FooType);
  CHECK(t->tp_new == Foo_new);
  CHECK(t->tp_init == NULL);
  CHECK(t->tp_finalize == Foo_finalize);
  CHECK(t->tp_hash == NULL && t->tp_call == NULL);
}

/* Every header written by PyObject_HEAD_INIT / PyVarObject_HEAD_INIT is an
 * unowned, unlocked, immortal object with no shared references. */
static void CheckImmortalHeader(const PyObject* ob, const PyTypeObject* type) {
  CHECK_EQ_INT(ob->ob_tid, 0);
  CHECK_EQ_INT(ob->ob_flags, FTRT_OBJ_FLAG_STATIC);
  CHECK_EQ_INT(ob->ob_mutex._bits, 0);
  CHECK_EQ_INT(ob->ob_gc_bits, 0);
  CHECK_EQ_INT(ob->ob_ref_local, UINT32_MAX);
  CHECK_EQ_INT(ob->ob_ref_local, FTRT_IMMORTAL_REFCNT_LOCAL);
  CHECK_EQ_INT(ob->ob_ref_shared, 0);
  CHECK(ob->ob_type == type);
}

static void CheckStaticObjectsAreImmortal(void) {
  CheckImmortalHeader(&FooType.ob_base.ob_base, NULL);
  CHECK_EQ_INT(FooType.ob_base.ob_size, 0);
  CheckImmortalHeader(&BarType.ob_base.ob_base, NULL);
  CheckImmortalHeader(kResult, NULL);

  CheckImmortalHeader(&g_static_foo.ob_base, &FooType);
  CHECK_EQ_INT(g_static_foo.count, 42);
  CHECK(g_static_foo.name == NULL);
  CHECK(g_static_foo.ratio == 1.5);
  CHECK_EQ_INT(g_static_foo.flag, 1);
  CHECK_EQ_INT(g_static_foo.size, 9);

  CheckImmortalHeader(&g_static_triple.ob_base.ob_base, &BarType);
  CHECK_EQ_INT(g_static_triple.ob_base.ob_size, 3);
  CHECK(g_static_triple.items[2] == kResult);

  CheckImmortalHeader(&foo_module.m_base.ob_base, NULL);
  CHECK(foo_module.m_base.m_init == NULL);
  CHECK_EQ_INT(foo_module.m_base.m_index, 0);
  CHECK(foo_module.m_base.m_copy == NULL);
}

static void CheckMethodTable(void) {
  CHECK(strcmp(Foo_methods[0].ml_name, "noargs") == 0);
  CHECK(Foo_methods[0].ml_meth == (PyCFunction)Foo_noargs);
  CHECK_EQ_INT(Foo_methods[0].ml_flags, METH_NOARGS);
  CHECK(strcmp(Foo_methods[0].ml_doc, "noargs() -> result") == 0);
  CHECK_EQ_INT(Foo_methods[1].ml_flags, METH_O);
  CHECK_EQ_INT(Foo_methods[2].ml_flags, METH_VARARGS | METH_KEYWORDS);
  CHECK_EQ_INT(Foo_methods[3].ml_flags, METH_FASTCALL);
  CHECK_EQ_INT(Foo_methods[4].ml_flags, METH_FASTCALL | METH_KEYWORDS);
  CHECK_EQ_INT(Foo_methods[5].ml_flags,
               METH_METHOD | METH_FASTCALL | METH_KEYWORDS);
  CHECK(Foo_methods[6].ml_name == NULL && Foo_methods[6].ml_meth == NULL);

  /* A caller that knows the convention casts back and calls correctly. */
  FooObject obj;
  memset(&obj, 0, sizeof obj);
  CHECK(Foo_methods[0].ml_meth((PyObject*)&obj, NULL) == kResult);
  CHECK_EQ_INT(obj.count, 1);
  CHECK(Foo_methods[1].ml_meth((PyObject*)&obj, kResult) == kResult);
  PyObject* args[2] = {kResult, kResult};
  PyCFunctionFast fast = (PyCFunctionFast)(void (*)(void))Foo_methods[3].ml_meth;
  CHECK(fast((PyObject*)&obj, args, 2) == kResult);
  CHECK(fast((PyObject*)&obj, args, 1) == NULL);
  _PyCFunctionFastWithKeywords fast_kw =
      (_PyCFunctionFastWithKeywords)(void (*)(void))Foo_methods[4].ml_meth;
  CHECK(fast_kw((PyObject*)&obj, args, 2, NULL) == kResult);
  PyCMethod meth = (PyCMethod)(void (*)(void))Foo_methods[5].ml_meth;
  CHECK(meth((PyObject*)&obj, &FooType, args, 2, NULL) == kResult);

  /* The values themselves (methodobject.h). */
  CHECK_EQ_INT(METH_VARARGS, 0x0001);
  CHECK_EQ_INT(METH_KEYWORDS, 0x0002);
  CHECK_EQ_INT(METH_NOARGS, 0x0004);
  CHECK_EQ_INT(METH_O, 0x0008);
  CHECK_EQ_INT(METH_CLASS, 0x0010);
  CHECK_EQ_INT(METH_STATIC, 0x0020);
  CHECK_EQ_INT(METH_COEXIST, 0x0040);
  CHECK_EQ_INT(METH_FASTCALL, 0x0080);
  CHECK_EQ_INT(METH_METHOD, 0x0200);
}

static void CheckMemberAndGetsetTables(void) {
  CHECK(strcmp(Foo_members[0].name, "count") == 0);
  CHECK_EQ_INT(Foo_members[0].type, Py_T_INT);
  CHECK_EQ_INT(Foo_members[0].offset, offsetof(FooObject, count));
  CHECK_EQ_INT(Foo_members[0].flags, 0);
  CHECK(strcmp(Foo_members[0].doc, "a count") == 0);
  CHECK_EQ_INT(Foo_members[1].type, T_OBJECT_EX);
  CHECK_EQ_INT(Foo_members[1].offset, offsetof(FooObject, name));
  CHECK_EQ_INT(Foo_members[2].type, Py_T_DOUBLE);
  CHECK_EQ_INT(Foo_members[2].flags, Py_READONLY);
  CHECK_EQ_INT(Foo_members[3].flags, READONLY);
  CHECK_EQ_INT(Foo_members[4].type, Py_T_PYSSIZET);
  CHECK_EQ_INT(Foo_members[4].offset, offsetof(FooObject, size));
  CHECK_EQ_INT(Foo_members[4].flags, PY_AUDIT_READ);
  CHECK(Foo_members[5].name == NULL);

  /* Reading a field through its member entry, as a member descriptor does,
   * finds the value the object holds. */
  FooObject* foo = &g_static_foo;
  const char* base = (const char*)foo;
  CHECK_EQ_INT(*(const int*)(base + Foo_members[0].offset), 42);
  CHECK(*(const double*)(base + Foo_members[2].offset) == 1.5);
  CHECK_EQ_INT(*(const Py_ssize_t*)(base + Foo_members[4].offset), 9);

  /* The member type numbers (descrobject.h) and their old aliases. */
  CHECK_EQ_INT(Py_T_SHORT, 0);
  CHECK_EQ_INT(Py_T_INT, 1);
  CHECK_EQ_INT(Py_T_LONG, 2);
  CHECK_EQ_INT(Py_T_FLOAT, 3);
  CHECK_EQ_INT(Py_T_DOUBLE, 4);
  CHECK_EQ_INT(Py_T_STRING, 5);
  CHECK_EQ_INT(T_OBJECT, 6);
  CHECK_EQ_INT(Py_T_CHAR, 7);
  CHECK_EQ_INT(Py_T_BYTE, 8);
  CHECK_EQ_INT(Py_T_UBYTE, 9);
  CHECK_EQ_INT(Py_T_USHORT, 10);
  CHECK_EQ_INT(Py_T_UINT, 11);
  CHECK_EQ_INT(Py_T_ULONG, 12);
  CHECK_EQ_INT(Py_T_STRING_INPLACE, 13);
  CHECK_EQ_INT(Py_T_BOOL, 14);
  CHECK_EQ_INT(Py_T_OBJECT_EX, 16);
  CHECK_EQ_INT(Py_T_LONGLONG, 17);
  CHECK_EQ_INT(Py_T_ULONGLONG, 18);
  CHECK_EQ_INT(Py_T_PYSSIZET, 19);
  CHECK_EQ_INT(T_NONE, 20);
  CHECK_EQ_INT(T_INT, Py_T_INT);
  CHECK_EQ_INT(T_ULONGLONG, Py_T_ULONGLONG);
  CHECK_EQ_INT(Py_READONLY, 1);
  CHECK_EQ_INT(Py_AUDIT_READ, 2);
  CHECK_EQ_INT(Py_RELATIVE_OFFSET, 8);
  CHECK_EQ_INT(RESTRICTED, 6);

  CHECK(strcmp(Foo_getset[0].name, "name2") == 0);
  CHECK(Foo_getset[0].get == (getter)Foo_get_name);
  CHECK(Foo_getset[0].set == (setter)Foo_set_name);
  CHECK(strcmp(Foo_getset[0].doc, "the name") == 0);
  CHECK(Foo_getset[0].closure == NULL);
  FooObject obj;
  memset(&obj, 0, sizeof obj);
  CHECK_EQ_INT(Foo_getset[0].set((PyObject*)&obj, kResult, NULL), 0);
  CHECK(Foo_getset[0].get((PyObject*)&obj, NULL) == kResult);
}

static void CheckModuleDef(void) {
  CHECK(strcmp(foo_module.m_name, "foo") == 0);
  CHECK(strcmp(foo_module.m_doc, "The foo module.") == 0);
  CHECK_EQ_INT(foo_module.m_size, sizeof(int));
  CHECK(foo_module.m_methods == foo_module_methods);
  CHECK(foo_module.m_slots == foo_slots);
  CHECK(foo_module.m_traverse == foo_traverse);
  CHECK(foo_module.m_clear == NULL && foo_module.m_free == NULL);

  CHECK_EQ_INT(foo_slots[0].slot, Py_mod_exec);
  CHECK(foo_slots[0].value == (void*)foo_exec);
  CHECK_EQ_INT(foo_slots[1].slot, Py_mod_multiple_interpreters);
  CHECK(foo_slots[1].value == (void*)2);
  CHECK_EQ_INT(foo_slots[2].slot, Py_mod_gil);
  CHECK(foo_slots[2].value == Py_MOD_GIL_NOT_USED);
  CHECK(foo_slots[2].value != Py_MOD_GIL_USED);
  CHECK_EQ_INT(foo_slots[3].slot, 0);

  CHECK_EQ_INT(Py_mod_create, 1);
  CHECK_EQ_INT(Py_mod_exec, 2);
  CHECK_EQ_INT(Py_mod_multiple_interpreters, 3);
  CHECK_EQ_INT(Py_mod_gil, 4);
  CHECK(Py_MOD_GIL_USED == (void*)0);
  CHECK(Py_MOD_GIL_NOT_USED == (void*)1);

  CHECK(strcmp(legacy_module.m_name, "legacy") == 0);
  CHECK(legacy_module.m_doc == NULL);
  CHECK_EQ_INT(legacy_module.m_size, -1);
  CHECK(legacy_module.m_methods == foo_module_methods);
  CHECK(legacy_module.m_slots == NULL);
  CheckImmortalHeader(&legacy_module.m_base.ob_base, NULL);
}

static void CheckTypeSpec(void) {
  CHECK(strcmp(Baz_spec.name, "m.Baz") == 0);
  CHECK_EQ_INT(Baz_spec.basicsize, sizeof(FooObject));
  CHECK_EQ_INT(Baz_spec.itemsize, 0);
  CHECK(Baz_spec.flags ==
        (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE));
  CHECK(Baz_spec.slots == Baz_slots);

  PyTypeObject baz;
  PyNumberMethods baz_nb;
  memset(&baz, 0, sizeof baz);
  memset(&baz_nb, 0, sizeof baz_nb);
  ApplySlots(&baz, &baz_nb, Baz_spec.slots);
  CHECK(baz.tp_dealloc == (destructor)Foo_dealloc);
  CHECK(baz.tp_repr == (reprfunc)Foo_repr);
  CHECK(baz.tp_traverse == (traverseproc)Foo_traverse);
  CHECK(baz.tp_methods == Foo_methods);
  CHECK(baz.tp_members == Foo_members);
  CHECK(baz.tp_getset == Foo_getset);
  CHECK(strcmp(baz.tp_doc, "A Baz.") == 0);
  CHECK(baz.tp_new == Foo_new);
  CHECK(baz_nb.nb_add == Foo_add);

  /* Slot ids: CPython's typeslots.h numbering, a part of the stable ABI. */
  static const struct {
    int got;
    int want;
    const char* name;
  } kSlotIds[] = {
      {Py_bf_getbuffer, 1, "Py_bf_getbuffer"},
      {Py_bf_releasebuffer, 2, "Py_bf_releasebuffer"},
      {Py_mp_ass_subscript, 3, "Py_mp_ass_subscript"},
      {Py_mp_length, 4, "Py_mp_length"},
      {Py_mp_subscript, 5, "Py_mp_subscript"},
      {Py_nb_absolute, 6, "Py_nb_absolute"},
      {Py_nb_add, 7, "Py_nb_add"},
      {Py_nb_and, 8, "Py_nb_and"},
      {Py_nb_bool, 9, "Py_nb_bool"},
      {Py_nb_divmod, 10, "Py_nb_divmod"},
      {Py_nb_float, 11, "Py_nb_float"},
      {Py_nb_floor_divide, 12, "Py_nb_floor_divide"},
      {Py_nb_index, 13, "Py_nb_index"},
      {Py_nb_inplace_add, 14, "Py_nb_inplace_add"},
      {Py_nb_inplace_and, 15, "Py_nb_inplace_and"},
      {Py_nb_inplace_floor_divide, 16, "Py_nb_inplace_floor_divide"},
      {Py_nb_inplace_lshift, 17, "Py_nb_inplace_lshift"},
      {Py_nb_inplace_multiply, 18, "Py_nb_inplace_multiply"},
      {Py_nb_inplace_or, 19, "Py_nb_inplace_or"},
      {Py_nb_inplace_power, 20, "Py_nb_inplace_power"},
      {Py_nb_inplace_remainder, 21, "Py_nb_inplace_remainder"},
      {Py_nb_inplace_rshift, 22, "Py_nb_inplace_rshift"},
      {Py_nb_inplace_subtract, 23, "Py_nb_inplace_subtract"},
      {Py_nb_inplace_true_divide, 24, "Py_nb_inplace_true_divide"},
      {Py_nb_inplace_xor, 25, "Py_nb_inplace_xor"},
      {Py_nb_int, 26, "Py_nb_int"},
      {Py_nb_invert, 27, "Py_nb_invert"},
      {Py_nb_lshift, 28, "Py_nb_lshift"},
      {Py_nb_multiply, 29, "Py_nb_multiply"},
      {Py_nb_negative, 30, "Py_nb_negative"},
      {Py_nb_or, 31, "Py_nb_or"},
      {Py_nb_positive, 32, "Py_nb_positive"},
      {Py_nb_power, 33, "Py_nb_power"},
      {Py_nb_remainder, 34, "Py_nb_remainder"},
      {Py_nb_rshift, 35, "Py_nb_rshift"},
      {Py_nb_subtract, 36, "Py_nb_subtract"},
      {Py_nb_true_divide, 37, "Py_nb_true_divide"},
      {Py_nb_xor, 38, "Py_nb_xor"},
      {Py_sq_ass_item, 39, "Py_sq_ass_item"},
      {Py_sq_concat, 40, "Py_sq_concat"},
      {Py_sq_contains, 41, "Py_sq_contains"},
      {Py_sq_inplace_concat, 42, "Py_sq_inplace_concat"},
      {Py_sq_inplace_repeat, 43, "Py_sq_inplace_repeat"},
      {Py_sq_item, 44, "Py_sq_item"},
      {Py_sq_length, 45, "Py_sq_length"},
      {Py_sq_repeat, 46, "Py_sq_repeat"},
      {Py_tp_alloc, 47, "Py_tp_alloc"},
      {Py_tp_base, 48, "Py_tp_base"},
      {Py_tp_bases, 49, "Py_tp_bases"},
      {Py_tp_call, 50, "Py_tp_call"},
      {Py_tp_clear, 51, "Py_tp_clear"},
      {Py_tp_dealloc, 52, "Py_tp_dealloc"},
      {Py_tp_del, 53, "Py_tp_del"},
      {Py_tp_descr_get, 54, "Py_tp_descr_get"},
      {Py_tp_descr_set, 55, "Py_tp_descr_set"},
      {Py_tp_doc, 56, "Py_tp_doc"},
      {Py_tp_getattr, 57, "Py_tp_getattr"},
      {Py_tp_getattro, 58, "Py_tp_getattro"},
      {Py_tp_hash, 59, "Py_tp_hash"},
      {Py_tp_init, 60, "Py_tp_init"},
      {Py_tp_is_gc, 61, "Py_tp_is_gc"},
      {Py_tp_iter, 62, "Py_tp_iter"},
      {Py_tp_iternext, 63, "Py_tp_iternext"},
      {Py_tp_methods, 64, "Py_tp_methods"},
      {Py_tp_new, 65, "Py_tp_new"},
      {Py_tp_repr, 66, "Py_tp_repr"},
      {Py_tp_richcompare, 67, "Py_tp_richcompare"},
      {Py_tp_setattr, 68, "Py_tp_setattr"},
      {Py_tp_setattro, 69, "Py_tp_setattro"},
      {Py_tp_str, 70, "Py_tp_str"},
      {Py_tp_traverse, 71, "Py_tp_traverse"},
      {Py_tp_members, 72, "Py_tp_members"},
      {Py_tp_getset, 73, "Py_tp_getset"},
      {Py_tp_free, 74, "Py_tp_free"},
      {Py_nb_matrix_multiply, 75, "Py_nb_matrix_multiply"},
      {Py_nb_inplace_matrix_multiply, 76, "Py_nb_inplace_matrix_multiply"},
      {Py_am_await, 77, "Py_am_await"},
      {Py_am_aiter, 78, "Py_am_aiter"},
      {Py_am_anext, 79, "Py_am_anext"},
      {Py_tp_finalize, 80, "Py_tp_finalize"},
      {Py_am_send, 81, "Py_am_send"},
  };
  for (size_t i = 0; i < sizeof kSlotIds / sizeof kSlotIds[0]; ++i) {
    if (kSlotIds[i].got == kSlotIds[i].want) {
      ++g_passed;
    } else {
      ++g_failed;
      printf("FAILED: %s is %d, want %d\n", kSlotIds[i].name, kSlotIds[i].got,
             kSlotIds[i].want);
    }
  }
}

static void CheckTypeFlags(void) {
  CHECK(Py_TPFLAGS_DEFAULT == 0);
  CHECK(Py_TPFLAGS_INLINE_VALUES == (1 << 2));
  CHECK(Py_TPFLAGS_MANAGED_WEAKREF == (1 << 3));
  CHECK(Py_TPFLAGS_MANAGED_DICT == (1 << 4));
  CHECK(Py_TPFLAGS_PREHEADER == ((1 << 3) | (1 << 4)));
  CHECK(Py_TPFLAGS_SEQUENCE == (1 << 5));
  CHECK(Py_TPFLAGS_MAPPING == (1 << 6));
  CHECK(Py_TPFLAGS_DISALLOW_INSTANTIATION == (1UL << 7));
  CHECK(Py_TPFLAGS_IMMUTABLETYPE == (1UL << 8));
  CHECK(Py_TPFLAGS_HEAPTYPE == (1UL << 9));
  CHECK(Py_TPFLAGS_BASETYPE == (1UL << 10));
  CHECK(Py_TPFLAGS_HAVE_VECTORCALL == (1UL << 11));
  CHECK(Py_TPFLAGS_READY == (1UL << 12));
  CHECK(Py_TPFLAGS_READYING == (1UL << 13));
  CHECK(Py_TPFLAGS_HAVE_GC == (1UL << 14));
  CHECK(Py_TPFLAGS_METHOD_DESCRIPTOR == (1UL << 17));
  CHECK(Py_TPFLAGS_VALID_VERSION_TAG == (1UL << 19));
  CHECK(Py_TPFLAGS_IS_ABSTRACT == (1UL << 20));
  CHECK(Py_TPFLAGS_ITEMS_AT_END == (1UL << 23));
  CHECK(Py_TPFLAGS_LONG_SUBCLASS == (1UL << 24));
  CHECK(Py_TPFLAGS_LIST_SUBCLASS == (1UL << 25));
  CHECK(Py_TPFLAGS_TUPLE_SUBCLASS == (1UL << 26));
  CHECK(Py_TPFLAGS_BYTES_SUBCLASS == (1UL << 27));
  CHECK(Py_TPFLAGS_UNICODE_SUBCLASS == (1UL << 28));
  CHECK(Py_TPFLAGS_DICT_SUBCLASS == (1UL << 29));
  CHECK(Py_TPFLAGS_BASE_EXC_SUBCLASS == (1UL << 30));
  CHECK(Py_TPFLAGS_TYPE_SUBCLASS == (1UL << 31));
  CHECK(Py_TPFLAGS_HAVE_FINALIZE == 1UL);
  CHECK(Py_TPFLAGS_HAVE_VERSION_TAG == (1UL << 18));
  /* tp_flags is unsigned long: bit 31 stays positive. */
  FooType.tp_flags |= Py_TPFLAGS_TYPE_SUBCLASS;
  CHECK((FooType.tp_flags & Py_TPFLAGS_TYPE_SUBCLASS) != 0);
  CHECK(FooType.tp_flags > 0x7fffffffUL);
  FooType.tp_flags &= ~Py_TPFLAGS_TYPE_SUBCLASS;
  CHECK((FooType.tp_flags & Py_TPFLAGS_TYPE_SUBCLASS) == 0);
}

/* Sizes and offsets as CPython 3.13t has them on x86-64; the header also
 * asserts these at compile time, this prints what differs. */
static void CheckLayout(void) {
  CHECK_EQ_INT(sizeof(PyObject), 32);
  CHECK_EQ_INT(sizeof(PyVarObject), 40);
  CHECK_EQ_INT(offsetof(PyVarObject, ob_size), 32);
  CHECK_EQ_INT(sizeof(PyTypeObject), 432);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_name), 40);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_itemsize), 56);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_repr), 104);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_as_number), 112);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_call), 144);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_as_buffer), 176);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_flags), 184);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_clear), 208);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_richcompare), 216);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_iternext), 240);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_getset), 264);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_dict), 280);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_init), 312);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_new), 328);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_is_gc), 344);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_bases), 352);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_subclasses), 376);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_weaklist), 384);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_version_tag), 400);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_finalize), 408);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_vectorcall), 416);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_watched), 424);
  CHECK_EQ_INT(offsetof(PyTypeObject, tp_versions_used), 426);
  CHECK_EQ_INT(sizeof(((PyTypeObject*)0)->tp_flags), sizeof(unsigned long));
  CHECK_EQ_INT(sizeof(((PyTypeObject*)0)->tp_watched), 1);
  CHECK_EQ_INT(sizeof(((PyTypeObject*)0)->tp_versions_used), 2);
  CHECK_EQ_INT(sizeof(PyNumberMethods), 288);
  CHECK_EQ_INT(offsetof(PyNumberMethods, nb_index), 264);
  CHECK_EQ_INT(sizeof(PySequenceMethods), 80);
  CHECK_EQ_INT(sizeof(PyMappingMethods), 24);
  CHECK_EQ_INT(sizeof(PyAsyncMethods), 32);
  CHECK_EQ_INT(sizeof(PyBufferProcs), 16);
  CHECK_EQ_INT(sizeof(Py_buffer), 80);
  CHECK_EQ_INT(offsetof(Py_buffer, readonly), 32);
  CHECK_EQ_INT(offsetof(Py_buffer, internal), 72);
  CHECK_EQ_INT(sizeof(PyMethodDef), 32);
  CHECK_EQ_INT(offsetof(PyMethodDef, ml_flags), 16);
  CHECK_EQ_INT(sizeof(PyMemberDef), 40);
  CHECK_EQ_INT(offsetof(PyMemberDef, flags), 24);
  CHECK_EQ_INT(sizeof(PyGetSetDef), 40);
  CHECK_EQ_INT(sizeof(PyType_Slot), 16);
  CHECK_EQ_INT(sizeof(PyType_Spec), 32);
  CHECK_EQ_INT(offsetof(PyType_Spec, flags), 16);
  CHECK_EQ_INT(sizeof(PyModuleDef_Base), 56);
  CHECK_EQ_INT(offsetof(PyModuleDef_Base, m_init), 32);
  CHECK_EQ_INT(sizeof(PyModuleDef), 120);
  CHECK_EQ_INT(offsetof(PyModuleDef, m_name), 56);
  CHECK_EQ_INT(offsetof(PyModuleDef, m_free), 112);
  CHECK_EQ_INT(sizeof(PyModuleDef_Slot), 16);
  CHECK_EQ_INT(sizeof(Py_ssize_t), sizeof(size_t));
  CHECK_EQ_INT(sizeof(Py_hash_t), sizeof(void*));
  CHECK((Py_uhash_t)-1 > 0);
  CHECK_EQ_INT(PY_SSIZE_T_MAX, INTPTR_MAX);
  CHECK(PY_SSIZE_T_MIN < 0);
}

int main(void) {
  CheckPositionalType();
  CheckDesignatedType();
  CheckStaticObjectsAreImmortal();
  CheckMethodTable();
  CheckMemberAndGetsetTables();
  CheckModuleDef();
  CheckTypeSpec();
  CheckTypeFlags();
  CheckLayout();
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
