/* A C host for string formatting in the C API, used as extensions use it:
 * PyObject_Format on ints, bools, floats and strs (CPython 3.13's results
 * and errors), on types that define __format__ in C (a static type's
 * tp_methods, a heap type from PyType_FromSpec, one set on a heap type at
 * run time) or inherit object's, and a __format__ that returns a non-str;
 * PyUnicode_Format with a tuple, a single argument and a dict, and its
 * errors; PyNumber_Remainder(str, args) as str % args. Then 6 threads
 * (more than the cores) format the same shared objects with all three
 * calls: every result exact, no object left after Py_FinalizeEx. */
#include <sched.h>
#include <stdarg.h>

#include "ext_test_util.h"

enum { kThreads = 6 };

/* Takes a new str and checks its UTF-8 text. */
static void expect_str(PyObject* s, const char* want) {
  if (s == NULL) ext_test_die_with_error(want);
  CHECK(PyUnicode_Check(s));
  if (strcmp(PyUnicode_AsUTF8(s), want) != 0) {
    fprintf(stderr, "got '%s', expected '%s'\n", PyUnicode_AsUTF8(s), want);
    abort();
  }
  Py_DECREF(s);
}

/* format(obj, spec) with spec as UTF-8 (NULL: a NULL spec). */
static PyObject* fmt(PyObject* obj, const char* spec) {
  PyObject* s = spec != NULL ? PyUnicode_FromString(spec) : NULL;
  PyObject* r = PyObject_Format(obj, s);
  Py_XDECREF(s);
  return r;
}

/* A static type with __format__ in tp_methods: "<Tag:spec>". */
typedef struct {
  PyObject_HEAD
} TagObject;

static PyObject* tag_format(PyObject* self, PyObject* spec) {
  (void)self;
  return PyUnicode_FromFormat("<Tag:%U>", spec);
}

static PyMethodDef tag_methods[] = {
    {"__format__", tag_format, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TagType = {
    PyVarObject_HEAD_INIT(NULL, 0) "ext_format.Tag", /* tp_name */
    sizeof(TagObject),                               /* tp_basicsize */
};

/* Heap types: one whose __format__ gives "[spec]" (or an int for the spec
 * "int"), one with none of its own (object's applies). */
static PyObject* box_format(PyObject* self, PyObject* spec) {
  (void)self;
  if (PyUnicode_CompareWithASCIIString(spec, "int") == 0) return PyLong_FromLong(7);
  return PyUnicode_FromFormat("[%U]", spec);
}

static PyMethodDef box_methods[] = {
    {"__format__", box_format, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyObject* make_heap_type(const char* name, PyMethodDef* methods) {
  PyType_Slot slots[] = {
      {Py_tp_methods, methods},
      {0, NULL},
  };
  PyType_Spec spec = {name, sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, slots};
  PyObject* t = PyType_FromSpec(&spec);
  CHECK(t != NULL);
  return t;
}

static PyMethodDef empty_methods[] = {{NULL, NULL, 0, NULL}};

/* A function stored as a type attribute at run time: plain callables do
 * not bind, so it receives the spec alone. */
static PyObject* late_format(PyObject* module, PyObject* spec) {
  (void)module;
  return PyUnicode_FromFormat("late(%U)", spec);
}
static PyMethodDef late_def = {"__format__", late_format, METH_O, NULL};

static PyObject* new_instance(PyObject* type) {
  PyObject* o = PyObject_CallNoArgs(type);
  CHECK(o != NULL);
  return o;
}

static void test_builtin_values(void) {
  PyObject* i = PyLong_FromLong(-1234567);
  expect_str(fmt(i, NULL), "-1234567");
  expect_str(fmt(i, ""), "-1234567");
  expect_str(fmt(i, ","), "-1,234,567");
  expect_str(fmt(i, "_x"), "-12_d687");
  expect_str(fmt(i, "+015_d"), "-00_001_234_567");
  expect_str(fmt(i, "*^14"), "***-1234567***");
  expect_str(fmt(i, ".2e"), "-1.23e+06");
  CHECK(fmt(i, ".2") == NULL);
  ext_test_expect_error(PyExc_ValueError, "Precision not allowed in integer format specifier");
  CHECK(fmt(i, "c") == NULL);
  ext_test_expect_error(PyExc_OverflowError, "%c arg not in range(0x110000)");
  CHECK(fmt(i, ",x") == NULL);
  ext_test_expect_error(PyExc_ValueError, "Cannot specify ',' with 'x'.");
  CHECK(fmt(i, "q") == NULL);
  ext_test_expect_error(PyExc_ValueError, "Unknown format code 'q' for object of type 'int'");
  Py_DECREF(i);

  expect_str(fmt(Py_True, NULL), "True");
  expect_str(fmt(Py_True, ""), "True");
  expect_str(fmt(Py_True, "d"), "1");
  expect_str(fmt(Py_False, ">3"), "  0");
  CHECK(fmt(Py_True, "s") == NULL);
  ext_test_expect_error(PyExc_ValueError, "Unknown format code 's' for object of type 'bool'");

  PyObject* f = PyFloat_FromDouble(1234.5678);
  expect_str(fmt(f, NULL), "1234.5678");
  expect_str(fmt(f, ".2f"), "1234.57");
  expect_str(fmt(f, ",.1f"), "1,234.6");
  expect_str(fmt(f, ".3"), "1.23e+03");
  expect_str(fmt(f, "e"), "1.234568e+03");
  expect_str(fmt(f, "012.3f"), "00001234.568");
  expect_str(fmt(f, ".1%"), "123456.8%");
  CHECK(fmt(f, "d") == NULL);
  ext_test_expect_error(PyExc_ValueError, "Unknown format code 'd' for object of type 'float'");
  Py_DECREF(f);
  f = PyFloat_FromDouble(-0.0001);
  expect_str(fmt(f, "z.2f"), "0.00");
  expect_str(fmt(f, ".2f"), "-0.00");
  expect_str(fmt(f, ""), "-0.0001");
  Py_DECREF(f);

  PyObject* s = PyUnicode_FromString("caf\xc3\xa9");
  PyObject* same = PyObject_Format(s, NULL);
  CHECK(same == s);  /* an exact str with no spec comes back as is */
  Py_DECREF(same);
  expect_str(fmt(s, "*^8"), "**caf\xc3\xa9**");
  expect_str(fmt(s, ".2"), "ca");
  expect_str(fmt(s, "\xc3\xa9>6"), "\xc3\xa9\xc3\xa9" "caf\xc3\xa9");
  CHECK(fmt(s, "=5") == NULL);
  ext_test_expect_error(PyExc_ValueError, "'=' alignment not allowed in string format specifier");
  CHECK(fmt(s, "+") == NULL);
  ext_test_expect_error(PyExc_ValueError, "Sign not allowed in string format specifier");
  CHECK(fmt(s, "d") == NULL);
  ext_test_expect_error(PyExc_ValueError, "Unknown format code 'd' for object of type 'str'");
  /* A spec that is not a str. */
  PyObject* one = PyLong_FromLong(1);
  CHECK(PyObject_Format(s, one) == NULL);
  ext_test_expect_error(PyExc_SystemError, "Format specifier must be a string, not int");
  Py_DECREF(one);
  Py_DECREF(s);

  /* Types without a __format__ of their own get object's. */
  PyObject* list = PyList_New(0);
  expect_str(fmt(list, NULL), "[]");
  CHECK(fmt(list, "10") == NULL);
  ext_test_expect_error(PyExc_TypeError, "unsupported format string passed to list.__format__");
  Py_DECREF(list);
  expect_str(fmt(Py_None, ""), "None");
}

static void test_types_defining_format(void) {
  PyObject* tag = PyObject_New(PyObject, &TagType);
  CHECK(tag != NULL);
  expect_str(fmt(tag, "x>5"), "<Tag:x>5>");
  expect_str(fmt(tag, NULL), "<Tag:>");
  Py_DECREF(tag);

  PyObject* box_type = make_heap_type("ext_format.Box", box_methods);
  PyObject* box = new_instance(box_type);
  expect_str(fmt(box, "abc"), "[abc]");
  expect_str(fmt(box, NULL), "[]");
  CHECK(fmt(box, "int") == NULL);
  ext_test_expect_error(PyExc_TypeError, "__format__ must return a str, not int");
  /* Through the method too, as format() would call it. */
  PyObject* spec = PyUnicode_FromString("m");
  expect_str(PyObject_CallMethod(box, "__format__", "O", spec), "[m]");
  Py_DECREF(spec);
  Py_DECREF(box);
  Py_DECREF(box_type);

  PyObject* plain_type = make_heap_type("ext_format.Plain", empty_methods);
  PyObject* plain = new_instance(plain_type);
  PyObject* plain_str = PyObject_Str(plain);
  CHECK(plain_str != NULL);
  PyObject* formatted = fmt(plain, "");
  CHECK(formatted != NULL);
  CHECK(PyUnicode_Compare(formatted, plain_str) == 0);  /* str(self) */
  Py_DECREF(formatted);
  Py_DECREF(plain_str);
  CHECK(fmt(plain, "5") == NULL);
  PyObject* exc = PyErr_GetRaisedException();
  CHECK(exc != NULL && PyErr_GivenExceptionMatches(exc, PyExc_TypeError));
  Py_DECREF(exc);
  /* __format__ set on the class at run time is honoured from then on. */
  PyObject* late = PyCFunction_New(&late_def, NULL);
  CHECK(late != NULL);
  CHECK(PyObject_SetAttrString(plain_type, "__format__", late) == 0);
  Py_DECREF(late);
  expect_str(fmt(plain, "5"), "late(5)");
  Py_DECREF(plain);
  Py_DECREF(plain_type);
}

static PyObject* tuple_of(const char* format, ...) {
  va_list va;
  va_start(va, format);
  PyObject* t = Py_VaBuildValue(format, va);
  va_end(va);
  CHECK(t != NULL);
  return t;
}

static PyObject* pct(const char* format, PyObject* args) {
  PyObject* f = PyUnicode_FromString(format);
  PyObject* r = PyUnicode_Format(f, args);
  Py_DECREF(f);
  return r;
}

static void test_unicode_format(void) {
  PyObject* args = tuple_of("(sidO)", "ab", 42, 3.14159, Py_None);
  expect_str(pct("%s|%5d|%-8.2f|%r", args), "ab|   42|3.14    |None");
  expect_str(pct("%-4s|%+05d|%e|%a", args), "ab  |+0042|3.141590e+00|None");
  CHECK(pct("%s %d %f", args) == NULL);
  ext_test_expect_error(PyExc_TypeError, "not all arguments converted during string formatting");
  CHECK(pct("%d %s %f %s %s", args) == NULL);
  ext_test_expect_error(PyExc_TypeError, "%d format: a real number is required, not str");
  Py_DECREF(args);

  args = tuple_of("(iiiii)", 255, 255, 8, 5, 7);
  expect_str(pct("%x %#X %#o %*d", args), "ff 0XFF 0o10     7");
  Py_DECREF(args);
  args = tuple_of("(ii)", 1, 2);
  CHECK(pct("%s %s %s", args) == NULL);
  ext_test_expect_error(PyExc_TypeError, "not enough arguments for format string");
  CHECK(pct("%s %q", args) == NULL);
  ext_test_expect_error(PyExc_ValueError, "unsupported format character 'q' (0x71) at index 4");
  Py_DECREF(args);

  PyObject* single = PyUnicode_FromString("\xc3\xa9t\xc3\xa9");
  expect_str(pct("[%6s] %%", single), "[   \xc3\xa9t\xc3\xa9] %");
  expect_str(pct("[%.1s]", single), "[\xc3\xa9]");
  expect_str(pct("%a", single), "'\\xe9t\\xe9'");
  Py_DECREF(single);
  PyObject* code = PyLong_FromLong(0x263a);
  expect_str(pct("%c", code), "\xe2\x98\xba");
  Py_DECREF(code);

  PyObject* d = Py_BuildValue("{s:i,s:s}", "n", 7, "who", "you");
  expect_str(pct("%(who)s has %(n)03d", d), "you has 007");
  CHECK(pct("%(missing)s", d) == NULL);
  ext_test_expect_error(PyExc_KeyError, "'missing'");
  expect_str(pct("no conversions", d), "no conversions");
  Py_DECREF(d);
  PyObject* one = PyLong_FromLong(1);
  CHECK(pct("%(a)s", one) == NULL);
  ext_test_expect_error(PyExc_TypeError, "format requires a mapping");
  CHECK(PyUnicode_Format(NULL, one) == NULL);
  ext_test_expect_error(PyExc_SystemError, NULL);
  CHECK(PyUnicode_Format(one, one) == NULL);
  ext_test_expect_error(PyExc_TypeError, "must be str, not int");
  Py_DECREF(one);

  /* str % args through the number protocol. */
  PyObject* f = PyUnicode_FromString("%s=%.1f");
  args = tuple_of("(sd)", "x", 0.25);
  expect_str(PyNumber_Remainder(f, args), "x=0.2");
  PyObject* seven = PyLong_FromLong(7);
  CHECK(PyNumber_Remainder(seven, f) == NULL);
  ext_test_expect_error(PyExc_TypeError, "unsupported operand type(s) for %: 'int' and 'str'");
  PyObject* only = PyUnicode_FromString("%05d");
  expect_str(PyNumber_Remainder(only, seven), "00007");
  Py_DECREF(only);
  Py_DECREF(seven);
  Py_DECREF(args);
  Py_DECREF(f);
}

/* ---- threads ------------------------------------------------------------------ */

static PyObject* g_int;
static PyObject* g_float;
static PyObject* g_str;
static PyObject* g_box;
static PyObject* g_specs[4];
static PyObject* g_pct_format;
static PyObject* g_pct_args;
static long g_iterations;

static void* thread_main(void* arg) {
  unsigned state = (unsigned)(uintptr_t)arg;
  PyGILState_STATE gil = PyGILState_Ensure();
  for (long i = 0; i < g_iterations; i++) {
    const unsigned r = ext_test_next_random(&state);
    const unsigned k = r % 4;
    /* g_specs: "+07,", "#x", ".2f", "" (test_threads). */
    PyObject* spec = g_specs[k];
    switch ((r >> 4) % 4) {
      case 0: {
        PyObject* out = PyObject_Format(g_int, spec);
        const char* want[] = {"+00,255", "0xff", "255.00", "255"};
        expect_str(out, want[k]);
        break;
      }
      case 1: {
        PyObject* out = PyObject_Format(g_float, k == 1 || k == 0 ? NULL : spec);
        const char* want[] = {"0.125", "0.125", "0.12", "0.125"};
        expect_str(out, want[k]);
        break;
      }
      case 2: {
        PyObject* out = PyObject_Format(g_str, k == 2 ? g_specs[3] : NULL);
        expect_str(out, k == 2 ? "\xc3\xa9t\xc3\xa9" : "\xc3\xa9t\xc3\xa9");
        expect_str(PyObject_Format(g_box, spec), k == 0   ? "[+07,]"
                                                 : k == 1 ? "[#x]"
                                                 : k == 2 ? "[.2f]"
                                                          : "[]");
        break;
      }
      default:
        expect_str(PyUnicode_Format(g_pct_format, g_pct_args), "255|0.125|\xc3\xa9t\xc3\xa9|  ff");
        expect_str(PyNumber_Remainder(g_pct_format, g_pct_args), "255|0.125|\xc3\xa9t\xc3\xa9|  ff");
        break;
    }
    if ((r & 63) == 0) sched_yield();
  }
  PyGILState_Release(gil);
  return NULL;
}

static void test_threads(unsigned seed) {
  g_iterations = ext_test_scaled(20000, 1000);
  g_int = PyLong_FromLong(255);
  g_float = PyFloat_FromDouble(0.125);
  g_str = PyUnicode_FromString("\xc3\xa9t\xc3\xa9");
  PyObject* box_type = make_heap_type("ext_format.SharedBox", box_methods);
  g_box = new_instance(box_type);
  Py_DECREF(box_type);
  g_specs[0] = PyUnicode_FromString("+07,");
  g_specs[1] = PyUnicode_FromString("#x");
  g_specs[2] = PyUnicode_FromString(".2f");
  g_specs[3] = PyUnicode_FromString("");
  g_pct_format = PyUnicode_FromString("%d|%s|%s|%4x");
  g_pct_args = Py_BuildValue("(OOOO)", g_int, g_float, g_str, g_int);
  ext_test_run_threads(kThreads, thread_main, seed);
  CHECK_EQ_LL(Py_REFCNT(g_pct_args), 1);
  Py_CLEAR(g_pct_args);
  Py_CLEAR(g_pct_format);
  for (int i = 0; i < 4; i++) Py_CLEAR(g_specs[i]);
  Py_CLEAR(g_box);
  Py_CLEAR(g_str);
  Py_CLEAR(g_float);
  Py_CLEAR(g_int);
}

int main(void) {
  const unsigned seed = ext_test_seed();
  Py_Initialize();
  TagType.tp_flags = Py_TPFLAGS_DEFAULT;
  TagType.tp_methods = tag_methods;
  CHECK(PyType_Ready(&TagType) == 0);
  test_builtin_values();
  test_types_defining_format();
  test_unicode_format();
  test_threads(seed);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  return 0;
}
