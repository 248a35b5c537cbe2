/* ft_legacy: a sample extension written the way most extensions in the
 * wild still are (pre-3.5 style), untouched for free threading.
 *
 *   - single-phase initialization (PyModule_Create) and no Py_mod_gil
 *     declaration: importing it turns the GIL on, with a RuntimeWarning
 *     naming the module, unless PYTHON_GIL=0;
 *   - a static PyTypeObject filled with POSITIONAL initializers, finished
 *     with PyType_Ready and added with PyModule_AddObject;
 *   - methods parsing arguments with PyArg_ParseTuple, members declared
 *     with structmember.h's T_* names;
 *   - borrowed references from PyList_GetItem (safe only with a GIL);
 *   - PEP 393 string access (PyUnicode_KIND / DATA / READ / WRITE,
 *     PyUnicode_New);
 *   - objects made the pre-2.2 way: PyObject_MALLOC, then PyObject_INIT,
 *     freed with PyObject_FREE (Pair; the block is filled with junk first,
 *     as CPython's debug allocator does, so nothing may rely on it being
 *     zero). */
#include "Python.h"
#include "structmember.h"

#include <string.h>

/* ---- Accumulator: a running total of floats ----------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject* name; /* str */
  double total;
  long count;
} AccumulatorObject;

static void Accumulator_dealloc(AccumulatorObject* self) {
  Py_XDECREF(self->name);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyObject* Accumulator_new(PyTypeObject* type, PyObject* args,
                                 PyObject* kwds) {
  AccumulatorObject* self;
  (void)args;
  (void)kwds;
  self = (AccumulatorObject*)type->tp_alloc(type, 0);
  if (self != NULL) {
    self->name = PyUnicode_FromString("");
    if (self->name == NULL) {
      Py_DECREF(self);
      return NULL;
    }
    self->total = 0.0;
    self->count = 0;
  }
  return (PyObject*)self;
}

static int Accumulator_init(AccumulatorObject* self, PyObject* args,
                            PyObject* kwds) {
  PyObject* name = NULL;
  PyObject* tmp;
  (void)kwds;
  if (!PyArg_ParseTuple(args, "|O!:Accumulator", &PyUnicode_Type, &name))
    return -1;
  if (name) {
    tmp = self->name;
    Py_INCREF(name);
    self->name = name;
    Py_XDECREF(tmp);
  }
  return 0;
}

static PyObject* Accumulator_add(AccumulatorObject* self, PyObject* args) {
  double x;
  if (!PyArg_ParseTuple(args, "d:add", &x)) return NULL;
  self->total += x;
  self->count++;
  Py_INCREF(Py_None);
  return Py_None;
}

/* Adds every number of a list, through borrowed references. */
static PyObject* Accumulator_add_list(AccumulatorObject* self, PyObject* args) {
  PyObject* list;
  Py_ssize_t i, n;
  if (!PyArg_ParseTuple(args, "O!:add_list", &PyList_Type, &list)) return NULL;
  n = PyList_Size(list);
  for (i = 0; i < n; i++) {
    PyObject* item = PyList_GetItem(list, i); /* borrowed */
    double x;
    if (item == NULL) return NULL;
    x = PyFloat_AsDouble(item);
    if (x == -1.0 && PyErr_Occurred()) return NULL;
    self->total += x;
    self->count++;
  }
  return PyLong_FromSsize_t(n);
}

static PyObject* Accumulator_mean(AccumulatorObject* self, PyObject* args) {
  if (!PyArg_ParseTuple(args, ":mean")) return NULL;
  if (self->count == 0) {
    PyErr_SetString(PyExc_ZeroDivisionError, "mean of no values");
    return NULL;
  }
  return PyFloat_FromDouble(self->total / (double)self->count);
}

static PyObject* Accumulator_repr(AccumulatorObject* self) {
  return PyUnicode_FromFormat("<Accumulator %R: %ld values>", self->name,
                              self->count);
}

static PyMethodDef Accumulator_methods[] = {
    {"add", (PyCFunction)Accumulator_add, METH_VARARGS, "add(x): adds x"},
    {"add_list", (PyCFunction)Accumulator_add_list, METH_VARARGS,
     "add_list(list) -> how many numbers were added"},
    {"mean", (PyCFunction)Accumulator_mean, METH_VARARGS,
     "mean() -> the mean of the values added"},
    {NULL}  /* Sentinel */
};

static PyMemberDef Accumulator_members[] = {
    {"name", T_OBJECT_EX, offsetof(AccumulatorObject, name), READONLY,
     "the accumulator's name"},
    {"total", T_DOUBLE, offsetof(AccumulatorObject, total), READONLY,
     "the sum of the values added"},
    {"count", T_LONG, offsetof(AccumulatorObject, count), READONLY,
     "how many values were added"},
    {NULL}  /* Sentinel */
};

static PyTypeObject AccumulatorType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "ft_legacy.Accumulator",               /* tp_name */
    sizeof(AccumulatorObject),             /* tp_basicsize */
    0,                                     /* tp_itemsize */
    (destructor)Accumulator_dealloc,       /* tp_dealloc */
    0,                                     /* tp_vectorcall_offset */
    0,                                     /* tp_getattr */
    0,                                     /* tp_setattr */
    0,                                     /* tp_as_async */
    (reprfunc)Accumulator_repr,            /* tp_repr */
    0,                                     /* tp_as_number */
    0,                                     /* tp_as_sequence */
    0,                                     /* tp_as_mapping */
    0,                                     /* tp_hash */
    0,                                     /* tp_call */
    0,                                     /* tp_str */
    0,                                     /* tp_getattro */
    0,                                     /* tp_setattro */
    0,                                     /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, /* tp_flags */
    "Accumulator([name]): a running total", /* tp_doc */
    0,                                     /* tp_traverse */
    0,                                     /* tp_clear */
    0,                                     /* tp_richcompare */
    0,                                     /* tp_weaklistoffset */
    0,                                     /* tp_iter */
    0,                                     /* tp_iternext */
    Accumulator_methods,                   /* tp_methods */
    Accumulator_members,                   /* tp_members */
    0,                                     /* tp_getset */
    0,                                     /* tp_base */
    0,                                     /* tp_dict */
    0,                                     /* tp_descr_get */
    0,                                     /* tp_descr_set */
    0,                                     /* tp_dictoffset */
    (initproc)Accumulator_init,            /* tp_init */
    0,                                     /* tp_alloc */
    Accumulator_new,                       /* tp_new */
};

/* ---- Pair: made with PyObject_MALLOC + PyObject_INIT ---------------------- */

typedef struct {
  PyObject_HEAD
  PyObject* first;
  PyObject* second;
} PairObject;

static long pairs_alive; /* guarded by the GIL this module turns on */

static void Pair_dealloc(PairObject* self) {
  Py_XDECREF(self->first);
  Py_XDECREF(self->second);
  PyObject_FREE(self);
  pairs_alive--;
}

static PyObject* Pair_item(PairObject* self, Py_ssize_t i) {
  PyObject* o;
  if (i < 0 || i > 1) {
    PyErr_SetString(PyExc_IndexError, "Pair index out of range");
    return NULL;
  }
  o = i == 0 ? self->first : self->second;
  Py_INCREF(o);
  return o;
}

static Py_ssize_t Pair_length(PairObject* self) {
  (void)self;
  return 2;
}

static PySequenceMethods Pair_as_sequence = {
    (lenfunc)Pair_length,    /* sq_length */
    0,                       /* sq_concat */
    0,                       /* sq_repeat */
    (ssizeargfunc)Pair_item, /* sq_item */
};

static PyTypeObject PairType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "ft_legacy.Pair",          /* tp_name */
    sizeof(PairObject),        /* tp_basicsize */
    0,                         /* tp_itemsize */
    (destructor)Pair_dealloc,  /* tp_dealloc */
    0,                         /* tp_vectorcall_offset */
    0,                         /* tp_getattr */
    0,                         /* tp_setattr */
    0,                         /* tp_as_async */
    0,                         /* tp_repr */
    0,                         /* tp_as_number */
    &Pair_as_sequence,         /* tp_as_sequence */
    0,                         /* tp_as_mapping */
    0,                         /* tp_hash */
    0,                         /* tp_call */
    0,                         /* tp_str */
    0,                         /* tp_getattro */
    0,                         /* tp_setattro */
    0,                         /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT,        /* tp_flags */
    "An immutable pair made the pre-2.2 way.", /* tp_doc */
};

/* pair(a, b) -> a new Pair holding a and b. */
static PyObject* legacy_pair(PyObject* self, PyObject* args) {
  PyObject* a;
  PyObject* b;
  PairObject* p;
  (void)self;
  if (!PyArg_ParseTuple(args, "OO:pair", &a, &b)) return NULL;
  p = (PairObject*)PyObject_MALLOC(sizeof(PairObject));
  if (p == NULL) return PyErr_NoMemory();
  memset(p, 0xCD, sizeof(PairObject)); /* what a debug allocator leaves */
  PyObject_INIT(p, &PairType);
  Py_INCREF(a);
  p->first = a;
  Py_INCREF(b);
  p->second = b;
  pairs_alive++;
  return (PyObject*)p;
}

/* pairs_alive() -> how many Pairs have not been deallocated. */
static PyObject* legacy_pairs_alive(PyObject* self, PyObject* args) {
  (void)self;
  (void)args;
  return PyLong_FromLong(pairs_alive);
}

/* ---- Module functions --------------------------------------------------- */

/* The first item of a list, through a borrowed reference. */
static PyObject* legacy_first(PyObject* self, PyObject* args) {
  PyObject* list;
  PyObject* item;
  (void)self;
  if (!PyArg_ParseTuple(args, "O!:first", &PyList_Type, &list)) return NULL;
  item = PyList_GetItem(list, 0); /* borrowed; IndexError if empty */
  if (item == NULL) return NULL;
  Py_INCREF(item);
  return item;
}

/* How many times the character ch occurs in s, reading the characters in
 * place (PEP 393). */
static PyObject* legacy_count_char(PyObject* self, PyObject* args) {
  PyObject* s;
  int ch;
  int kind;
  const void* data;
  Py_ssize_t i, len, n = 0;
  (void)self;
  if (!PyArg_ParseTuple(args, "O!i:count_char", &PyUnicode_Type, &s, &ch))
    return NULL;
  kind = PyUnicode_KIND(s);
  data = PyUnicode_DATA(s);
  len = PyUnicode_GET_LENGTH(s);
  for (i = 0; i < len; i++) {
    if (PyUnicode_READ(kind, data, i) == (Py_UCS4)ch) n++;
  }
  return PyLong_FromSsize_t(n);
}

/* s with its ASCII letters upper-cased, built with PyUnicode_New. */
static PyObject* legacy_upper_ascii(PyObject* self, PyObject* args) {
  PyObject* s;
  PyObject* out;
  int kind, out_kind;
  const void* data;
  void* out_data;
  Py_ssize_t i, len;
  (void)self;
  if (!PyArg_ParseTuple(args, "O!:upper_ascii", &PyUnicode_Type, &s))
    return NULL;
  len = PyUnicode_GET_LENGTH(s);
  out = PyUnicode_New(len, PyUnicode_MAX_CHAR_VALUE(s));
  if (out == NULL) return NULL;
  kind = PyUnicode_KIND(s);
  data = PyUnicode_DATA(s);
  out_kind = PyUnicode_KIND(out);
  out_data = PyUnicode_DATA(out);
  for (i = 0; i < len; i++) {
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (c >= 'a' && c <= 'z') c -= 'a' - 'A';
    PyUnicode_WRITE(out_kind, out_data, i, c);
  }
  return out;
}

/* The last character of s as an int, and whether s is ASCII. */
static PyObject* legacy_last_char(PyObject* self, PyObject* args) {
  PyObject* s;
  Py_ssize_t len;
  (void)self;
  if (!PyArg_ParseTuple(args, "O!:last_char", &PyUnicode_Type, &s))
    return NULL;
  len = PyUnicode_GET_LENGTH(s);
  if (len == 0) {
    PyErr_SetString(PyExc_ValueError, "empty string");
    return NULL;
  }
  return Py_BuildValue("(iO)", (int)PyUnicode_READ_CHAR(s, len - 1),
                       PyUnicode_IS_ASCII(s) ? Py_True : Py_False);
}

static struct PyModuleDef legacymodule;

/* The module itself, found through its definition as old extensions find
 * their globals (PyState_FindModule; a borrowed reference). */
static PyObject* legacy_self(PyObject* self, PyObject* args) {
  PyObject* m;
  (void)self;
  (void)args;
  m = PyState_FindModule(&legacymodule);
  if (m == NULL) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_RuntimeError, "module not found");
    return NULL;
  }
  Py_INCREF(m);
  return m;
}

static PyMethodDef legacy_methods[] = {
    {"self", legacy_self, METH_NOARGS, "self() -> this module, through PyState_FindModule"},
    {"first", legacy_first, METH_VARARGS, "first(list) -> list[0]"},
    {"count_char", legacy_count_char, METH_VARARGS,
     "count_char(s, ch) -> occurrences of chr(ch) in s"},
    {"upper_ascii", legacy_upper_ascii, METH_VARARGS,
     "upper_ascii(s) -> s with a-z upper-cased"},
    {"last_char", legacy_last_char, METH_VARARGS,
     "last_char(s) -> (ord(s[-1]), s.isascii())"},
    {"pair", legacy_pair, METH_VARARGS, "pair(a, b) -> Pair (PyObject_MALLOC + PyObject_INIT)"},
    {"pairs_alive", legacy_pairs_alive, METH_NOARGS, "pairs_alive() -> live Pair count"},
    {NULL, NULL, 0, NULL}  /* Sentinel */
};

static struct PyModuleDef legacymodule = {
    PyModuleDef_HEAD_INIT,
    "ft_legacy",  /* name of module */
    "A legacy-style extension (no Py_mod_gil).", /* module documentation */
    -1,           /* size of per-interpreter state, -1: in globals */
    legacy_methods
};

PyMODINIT_FUNC PyInit_ft_legacy(void) {
  PyObject* m;

  if (PyType_Ready(&AccumulatorType) < 0) return NULL;
  if (PyType_Ready(&PairType) < 0) return NULL;

  m = PyModule_Create(&legacymodule);
  if (m == NULL) return NULL;

  Py_INCREF(&AccumulatorType);
  if (PyModule_AddObject(m, "Accumulator", (PyObject*)&AccumulatorType) < 0) {
    Py_DECREF(&AccumulatorType);
    Py_DECREF(m);
    return NULL;
  }
  if (PyModule_AddStringConstant(m, "__version__", "1.0") < 0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
