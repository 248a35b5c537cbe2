/* ft_safe: a sample extension written to be safe under free threading, the
 * way a careful author targets CPython 3.13t.
 *
 *   Counter      a number guarded by a PyMutex in the object
 *                (increment(by=1), value, add_to(other) locking both in
 *                turn, never both at once); it wraps around modulo 2**64
 *                like a C unsigned counter, so no argument can make its
 *                arithmetic overflow (undefined behaviour in C: tools/ft
 *                check's UBSan pass found increment(2**63 - 1) doing it)
 *   Queue        a FIFO over a list, every operation inside
 *                Py_BEGIN_CRITICAL_SECTION(self); transfer_to(other) uses
 *                Py_BEGIN_CRITICAL_SECTION2; GC-tracked (traverse, clear)
 *   bump(), hits()          a module-level count guarded by a PyMutex in the
 *                           module state
 *   make_queue(), queue_count()  every queue made this way is registered in
 *                           a list in the module state: the queue's type
 *                           refers to the module, the module's state to the
 *                           list, the list to the queue, a cycle through
 *                           module state that only m_traverse lets the
 *                           collector see
 *   sum_list(list)          reads a list others may mutate with
 *                           PyList_GetItemRef (never a borrowed item)
 *   count_word(dict, word)  an atomic read-modify-write of a dict entry
 *                           inside the dict's critical section
 *
 * Multi-phase initialization (PEP 489) with Py_mod_gil = Py_MOD_GIL_NOT_USED,
 * heap types from specs, module state instead of globals. The extension
 * checker (tools/ft check) calls it from many threads and expects exact
 * counts and no report. */
#define PY_SSIZE_T_CLEAN
#include "Python.h"

typedef struct {
  PyMutex mutex; /* guards hits */
  long long hits;
  PyTypeObject* counter_type;
  PyTypeObject* queue_type;
  PyObject* registry; /* list of queues made by make_queue() */
} module_state;

static struct PyModuleDef ft_safe_module;

static module_state* get_module_state(PyObject* module) {
  return (module_state*)PyModule_GetState(module);
}

/* The state of the module a (possibly subclassed) type was defined in. */
static module_state* state_from_type(PyTypeObject* type) {
  PyObject* module = PyType_GetModuleByDef(type, &ft_safe_module);
  if (module == NULL) return NULL;
  return get_module_state(module);
}

/* ---- Counter ------------------------------------------------------------ */

typedef struct {
  PyObject_HEAD
  PyMutex mutex; /* guards value */
  long long value;
} CounterObject;

/* a + b modulo 2**64: no signed overflow, whatever the arguments. */
static long long counter_add(long long a, long long b) {
  return (long long)((unsigned long long)a + (unsigned long long)b);
}

static PyObject* Counter_new(PyTypeObject* type, PyObject* args,
                             PyObject* kwds) {
  static char* kwlist[] = {"start", NULL};
  long long start = 0;
  CounterObject* self;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|L:Counter", kwlist, &start)) {
    return NULL;
  }
  self = (CounterObject*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->value = start; /* not shared yet: no lock needed */
  return (PyObject*)self;
}

static void Counter_dealloc(PyObject* self) {
  PyTypeObject* tp = Py_TYPE(self);
  tp->tp_free(self);
  Py_DECREF(tp);
}

static PyObject* Counter_increment(PyObject* op, PyObject* args,
                                   PyObject* kwds) {
  static char* kwlist[] = {"by", NULL};
  CounterObject* self = (CounterObject*)op;
  long long by = 1;
  long long now;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|L:increment", kwlist, &by)) {
    return NULL;
  }
  PyMutex_Lock(&self->mutex);
  self->value = counter_add(self->value, by);
  now = self->value;
  PyMutex_Unlock(&self->mutex);
  return PyLong_FromLongLong(now);
}

static long long Counter_read(CounterObject* self) {
  long long v;
  PyMutex_Lock(&self->mutex);
  v = self->value;
  PyMutex_Unlock(&self->mutex);
  return v;
}

/* Moves this counter's value into other. Each counter is locked on its
 * own, never both at once, so two threads doing a.add_to(b) and
 * b.add_to(a) cannot deadlock. */
static PyObject* Counter_add_to(PyObject* op, PyObject* other) {
  CounterObject* self = (CounterObject*)op;
  module_state* st = state_from_type(Py_TYPE(op));
  long long moved;
  if (st == NULL) return NULL;
  if (!PyObject_TypeCheck(other, st->counter_type)) {
    return PyErr_Format(PyExc_TypeError, "add_to() needs a Counter, not %s",
                        Py_TYPE(other)->tp_name);
  }
  if (other == op) Py_RETURN_NONE;
  PyMutex_Lock(&self->mutex);
  moved = self->value;
  self->value = 0;
  PyMutex_Unlock(&self->mutex);

  CounterObject* dst = (CounterObject*)other;
  PyMutex_Lock(&dst->mutex);
  dst->value = counter_add(dst->value, moved);
  PyMutex_Unlock(&dst->mutex);
  return PyLong_FromLongLong(moved);
}

static PyObject* Counter_get_value(PyObject* op, void* Py_UNUSED(closure)) {
  return PyLong_FromLongLong(Counter_read((CounterObject*)op));
}

static PyObject* Counter_repr(PyObject* op) {
  return PyUnicode_FromFormat("%s(%lld)", Py_TYPE(op)->tp_name,
                              Counter_read((CounterObject*)op));
}

static PyMethodDef Counter_methods[] = {
    {"increment", _PyCFunction_CAST(Counter_increment),
     METH_VARARGS | METH_KEYWORDS,
     PyDoc_STR("increment(by=1) -> the new value")},
    {"add_to", Counter_add_to, METH_O,
     PyDoc_STR("add_to(other): moves this counter's value into other")},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Counter_getset[] = {
    {"value", Counter_get_value, NULL, PyDoc_STR("the current value"), NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot Counter_slots[] = {
    {Py_tp_new, Counter_new},
    {Py_tp_dealloc, Counter_dealloc},
    {Py_tp_repr, Counter_repr},
    {Py_tp_methods, Counter_methods},
    {Py_tp_getset, Counter_getset},
    {Py_tp_doc, (void*)PyDoc_STR("Counter(start=0): a thread-safe counter")},
    {0, NULL},
};

static PyType_Spec Counter_spec = {
    .name = "ft_safe.Counter",
    .basicsize = sizeof(CounterObject),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE |
             Py_TPFLAGS_IMMUTABLETYPE,
    .slots = Counter_slots,
};

/* ---- Queue -------------------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject* items; /* a list; guarded by this object's critical section */
} QueueObject;

static PyObject* Queue_new(PyTypeObject* type, PyObject* args,
                           PyObject* kwds) {
  QueueObject* self;
  if (!PyArg_ParseTuple(args, ":Queue")) return NULL;
  if (kwds != NULL && PyDict_Size(kwds) != 0) {
    PyErr_SetString(PyExc_TypeError, "Queue() takes no keyword arguments");
    return NULL;
  }
  self = (QueueObject*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->items = PyList_New(0);
  if (self->items == NULL) {
    Py_DECREF(self);
    return NULL;
  }
  return (PyObject*)self;
}

static int Queue_traverse(PyObject* op, visitproc visit, void* arg) {
  QueueObject* self = (QueueObject*)op;
  Py_VISIT(Py_TYPE(op));
  Py_VISIT(self->items);
  return 0;
}

static int Queue_clear(PyObject* op) {
  QueueObject* self = (QueueObject*)op;
  Py_CLEAR(self->items);
  return 0;
}

static void Queue_dealloc(PyObject* op) {
  PyTypeObject* tp = Py_TYPE(op);
  PyObject_GC_UnTrack(op);
  (void)Queue_clear(op);
  tp->tp_free(op);
  Py_DECREF(tp);
}

static int queue_cleared(QueueObject* self) {
  if (self->items == NULL) {
    PyErr_SetString(PyExc_RuntimeError, "the queue was cleared");
    return 1;
  }
  return 0;
}

static PyObject* Queue_put(PyObject* op, PyObject* item) {
  QueueObject* self = (QueueObject*)op;
  int rc = -1;
  Py_BEGIN_CRITICAL_SECTION(op);
  if (!queue_cleared(self)) rc = PyList_Append(self->items, item);
  Py_END_CRITICAL_SECTION();
  if (rc < 0) return NULL;
  Py_RETURN_NONE;
}

static PyObject* Queue_get(PyObject* op, PyObject* Py_UNUSED(ignored)) {
  QueueObject* self = (QueueObject*)op;
  PyObject* item = NULL;
  Py_BEGIN_CRITICAL_SECTION(op);
  if (!queue_cleared(self)) {
    if (PyList_GET_SIZE(self->items) == 0) {
      PyErr_SetString(PyExc_IndexError, "get from an empty Queue");
    } else {
      item = PyList_GetItemRef(self->items, 0);
      if (item != NULL && PyList_SetSlice(self->items, 0, 1, NULL) < 0) {
        Py_CLEAR(item);
      }
    }
  }
  Py_END_CRITICAL_SECTION();
  return item;
}

/* All items, oldest first, as a new list; the queue is left empty. */
static PyObject* Queue_drain(PyObject* op, PyObject* Py_UNUSED(ignored)) {
  QueueObject* self = (QueueObject*)op;
  PyObject* fresh = PyList_New(0);
  PyObject* out = NULL;
  if (fresh == NULL) return NULL;
  Py_BEGIN_CRITICAL_SECTION(op);
  if (!queue_cleared(self)) {
    out = self->items;
    self->items = fresh;
    fresh = NULL;
  }
  Py_END_CRITICAL_SECTION();
  Py_XDECREF(fresh);
  return out;
}

/* Moves every item to the end of other, atomically with respect to both
 * queues: no thread sees an item in both or in neither. */
static PyObject* Queue_transfer_to(PyObject* op, PyObject* other) {
  QueueObject* self = (QueueObject*)op;
  module_state* st = state_from_type(Py_TYPE(op));
  Py_ssize_t moved = -1;
  if (st == NULL) return NULL;
  if (!PyObject_TypeCheck(other, st->queue_type)) {
    return PyErr_Format(PyExc_TypeError,
                        "transfer_to() needs a Queue, not %s",
                        Py_TYPE(other)->tp_name);
  }
  if (other == op) return PyLong_FromSsize_t(0);
  Py_BEGIN_CRITICAL_SECTION2(op, other);
  QueueObject* dst = (QueueObject*)other;
  if (!queue_cleared(self) && !queue_cleared(dst)) {
    Py_ssize_t n = PyList_GET_SIZE(self->items);
    Py_ssize_t end = PyList_GET_SIZE(dst->items);
    if (PyList_SetSlice(dst->items, end, end, self->items) == 0 &&
        PyList_SetSlice(self->items, 0, n, NULL) == 0) {
      moved = n;
    }
  }
  Py_END_CRITICAL_SECTION2();
  if (moved < 0) return NULL;
  return PyLong_FromSsize_t(moved);
}

static Py_ssize_t Queue_length(PyObject* op) {
  QueueObject* self = (QueueObject*)op;
  Py_ssize_t n = -1;
  Py_BEGIN_CRITICAL_SECTION(op);
  if (!queue_cleared(self)) n = PyList_GET_SIZE(self->items);
  Py_END_CRITICAL_SECTION();
  return n;
}

static PyMethodDef Queue_methods[] = {
    {"put", Queue_put, METH_O, PyDoc_STR("put(item): appends item")},
    {"get", Queue_get, METH_NOARGS,
     PyDoc_STR("get() -> the oldest item (IndexError if empty)")},
    {"drain", Queue_drain, METH_NOARGS,
     PyDoc_STR("drain() -> list of every item; empties the queue")},
    {"transfer_to", Queue_transfer_to, METH_O,
     PyDoc_STR("transfer_to(other) -> number of items moved to other")},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Queue_slots[] = {
    {Py_tp_new, Queue_new},
    {Py_tp_dealloc, Queue_dealloc},
    {Py_tp_traverse, Queue_traverse},
    {Py_tp_clear, Queue_clear},
    {Py_tp_methods, Queue_methods},
    {Py_sq_length, Queue_length},
    {Py_tp_doc, (void*)PyDoc_STR("Queue(): a thread-safe FIFO")},
    {0, NULL},
};

static PyType_Spec Queue_spec = {
    .name = "ft_safe.Queue",
    .basicsize = sizeof(QueueObject),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    .slots = Queue_slots,
};

/* ---- Module functions --------------------------------------------------- */

static PyObject* ft_safe_bump(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  module_state* st = get_module_state(module);
  long long now;
  PyMutex_Lock(&st->mutex);
  now = ++st->hits;
  PyMutex_Unlock(&st->mutex);
  return PyLong_FromLongLong(now);
}

static PyObject* ft_safe_hits(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  module_state* st = get_module_state(module);
  long long now;
  PyMutex_Lock(&st->mutex);
  now = st->hits;
  PyMutex_Unlock(&st->mutex);
  return PyLong_FromLongLong(now);
}

static PyObject* ft_safe_make_queue(PyObject* module,
                                    PyObject* Py_UNUSED(ignored)) {
  module_state* st = get_module_state(module);
  PyObject* queue = PyObject_CallNoArgs((PyObject*)st->queue_type);
  if (queue == NULL) return NULL;
  if (PyList_Append(st->registry, queue) < 0) { /* locks the list itself */
    Py_DECREF(queue);
    return NULL;
  }
  return queue;
}

static PyObject* ft_safe_queue_count(PyObject* module,
                                     PyObject* Py_UNUSED(ignored)) {
  module_state* st = get_module_state(module);
  return PyLong_FromSsize_t(PyList_Size(st->registry));
}

/* Sum of the ints in a list that other threads may be changing. Each item
 * is taken as a strong reference; a shrinking list ends the loop. */
static PyObject* ft_safe_sum_list(PyObject* Py_UNUSED(module), PyObject* list) {
  long long total = 0;
  Py_ssize_t i;
  if (!PyList_Check(list)) {
    PyErr_SetString(PyExc_TypeError, "sum_list() needs a list");
    return NULL;
  }
  for (i = 0;; i++) {
    PyObject* item = PyList_GetItemRef(list, i);
    long long v;
    if (item == NULL) {
      if (PyErr_ExceptionMatches(PyExc_IndexError)) {
        PyErr_Clear();
        break;
      }
      return NULL;
    }
    v = PyLong_AsLongLong(item);
    Py_DECREF(item);
    if (v == -1 && PyErr_Occurred()) return NULL;
    total += v;
  }
  return PyLong_FromLongLong(total);
}

/* d[word] = d.get(word, 0) + 1, atomically with respect to other callers
 * (the key is a str, whose hashing and comparison run no user code). */
static PyObject* ft_safe_count_word(PyObject* Py_UNUSED(module),
                                    PyObject* const* args, Py_ssize_t nargs) {
  PyObject* dict;
  PyObject* word;
  PyObject* result = NULL;
  if (nargs != 2) {
    return PyErr_Format(PyExc_TypeError,
                        "count_word() takes 2 arguments (%zd given)", nargs);
  }
  dict = args[0];
  word = args[1];
  if (!PyDict_Check(dict) || !PyUnicode_CheckExact(word)) {
    PyErr_SetString(PyExc_TypeError, "count_word(dict, str)");
    return NULL;
  }
  Py_BEGIN_CRITICAL_SECTION(dict);
  PyObject* old;
  int found = PyDict_GetItemRef(dict, word, &old);
  if (found >= 0) {
    long long n = 0;
    if (found) {
      n = PyLong_AsLongLong(old);
      Py_DECREF(old);
    }
    if (!(n == -1 && PyErr_Occurred())) {
      PyObject* now = PyLong_FromLongLong(n + 1);
      if (now != NULL) {
        if (PyDict_SetItem(dict, word, now) == 0) result = Py_NewRef(now);
        Py_DECREF(now);
      }
    }
  }
  Py_END_CRITICAL_SECTION();
  return result;
}

static PyMethodDef ft_safe_functions[] = {
    {"bump", ft_safe_bump, METH_NOARGS,
     PyDoc_STR("bump() -> the module's hit count after adding one")},
    {"hits", ft_safe_hits, METH_NOARGS, PyDoc_STR("hits() -> the hit count")},
    {"make_queue", ft_safe_make_queue, METH_NOARGS,
     PyDoc_STR("make_queue() -> a new Queue, registered in the module")},
    {"queue_count", ft_safe_queue_count, METH_NOARGS,
     PyDoc_STR("queue_count() -> how many queues make_queue() made")},
    {"sum_list", ft_safe_sum_list, METH_O,
     PyDoc_STR("sum_list(list) -> the sum of its ints")},
    {"count_word", _PyCFunction_CAST(ft_safe_count_word), METH_FASTCALL,
     PyDoc_STR("count_word(dict, word) -> the new count of word")},
    {NULL, NULL, 0, NULL},
};

/* ---- Module ------------------------------------------------------------- */

static int ft_safe_exec(PyObject* module) {
  module_state* st = get_module_state(module);
  st->counter_type =
      (PyTypeObject*)PyType_FromModuleAndSpec(module, &Counter_spec, NULL);
  if (st->counter_type == NULL) return -1;
  if (PyModule_AddType(module, st->counter_type) < 0) return -1;

  st->queue_type =
      (PyTypeObject*)PyType_FromModuleAndSpec(module, &Queue_spec, NULL);
  if (st->queue_type == NULL) return -1;
  if (PyModule_AddType(module, st->queue_type) < 0) return -1;

  st->registry = PyList_New(0);
  if (st->registry == NULL) return -1;
  if (PyModule_AddIntConstant(module, "API_LEVEL", 1) < 0) return -1;
  return 0;
}

static int ft_safe_traverse(PyObject* module, visitproc visit, void* arg) {
  module_state* st = get_module_state(module);
  if (st == NULL) return 0; /* before exec */
  Py_VISIT(st->counter_type);
  Py_VISIT(st->queue_type);
  Py_VISIT(st->registry);
  return 0;
}

static int ft_safe_clear(PyObject* module) {
  module_state* st = get_module_state(module);
  if (st == NULL) return 0;
  Py_CLEAR(st->counter_type);
  Py_CLEAR(st->queue_type);
  Py_CLEAR(st->registry);
  return 0;
}

static void ft_safe_free(void* module) { (void)ft_safe_clear((PyObject*)module); }

static PyModuleDef_Slot ft_safe_slots[] = {
    {Py_mod_exec, ft_safe_exec},
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

PyDoc_STRVAR(ft_safe_doc,
             "A free-threading-safe sample extension: a PyMutex-guarded "
             "counter, a critical-section-guarded queue, module state.");

static struct PyModuleDef ft_safe_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "ft_safe",
    .m_doc = ft_safe_doc,
    .m_size = sizeof(module_state),
    .m_methods = ft_safe_functions,
    .m_slots = ft_safe_slots,
    .m_traverse = ft_safe_traverse,
    .m_clear = ft_safe_clear,
    .m_free = ft_safe_free,
};

PyMODINIT_FUNC PyInit_ft_safe(void) { return PyModuleDef_Init(&ft_safe_module); }
