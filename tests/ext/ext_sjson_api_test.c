/* What a C JSON accelerator (simplejson's _speedups, compiled unchanged
 * against ftrt's Python.h) needs from the C API, from a host that loads
 * ft_json (argv[1]), an extension written in the same patterns:
 *
 *   - calling the scalar types: int(x), int(s, base), float(x), str(x),
 *     str(b, encoding, errors), bool(x), bytes(x), bytes(s, encoding) with CPython 3.13's results
 * and TypeError / ValueError texts (an extension's parse_int hook is the int type; int(obj)
 * normalises a subclass before str());
 *   - PyFloat_FromString by Python's float() syntax;
 *   - PyUnicode_FromFormat / PyErr_Format with CPython 3.13's syntax
 *     (width, precision, flags, %.80s as type names are written, %V, %T,
 *     %N, SystemError for an unknown format), checked against CPython's
 *     output;
 *   - ft_json's Reader and Writer: documents read and written back equal
 *     to CPython json.dumps's text (compact separators, ensure_ascii,
 *     sort_keys), its errors (DecodeError(msg, doc, pos), a cycle, an
 *     unserialisable object with a PEP 678 note), hooks that are types;
 *   - kThreads threads (more than the machine's cores) share one Reader
 *     and one Writer (their critical sections), read and write documents
 *     with exact expected text, call the types and format messages, and
 *     write a shared document that others mutate, through a Writer each
 *     (run under TSan too); nothing leaks after Py_FinalizeEx. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "Python.h" /* first, as CPython asks */
#include "tests/ext/ext_test_util.h"

enum { kThreads = 6 };

/* ---- the host's support module: DecodeError and itemgetter ------------- */

static PyObject* getter_call(PyObject* index, PyObject* obj) {
  return PyObject_GetItem(obj, index);
}
static PyMethodDef g_getter_def = {"itemgetter", getter_call, METH_O, NULL};
static PyObject* itemgetter(PyObject* self, PyObject* index) {
  (void)self;
  return PyCFunction_New(&g_getter_def, index);
}
static PyMethodDef g_support_methods[] = {
    {"itemgetter", itemgetter, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static void add_support_module(void) {
  PyObject* m = PyImport_AddModuleRef("ft_json_support");
  CHECK(m != NULL);
  CHECK(PyModule_AddFunctions(m, g_support_methods) == 0);
  PyObject* err = PyErr_NewException("ft_json_support.DecodeError", PyExc_ValueError, NULL);
  CHECK(err != NULL);
  CHECK(PyModule_Add(m, "DecodeError", err) == 0);
  Py_DECREF(m);
}

/* ---- helpers ----------------------------------------------------------- */

static void expect_text(PyObject* s, const char* want) {
  if (s == NULL) ext_test_die_with_error(want);
  CHECK(PyUnicode_Check(s));
  const char* got = PyUnicode_AsUTF8(s);
  if (strcmp(got, want) != 0) {
    fprintf(stderr, "got:  %.300s\nwant: %.300s\n", got, want);
    abort();
  }
  Py_DECREF(s);
}

static void expect_repr(PyObject* v, const char* want) {
  if (v == NULL) ext_test_die_with_error(want);
  expect_text(PyObject_Repr(v), want);
  Py_DECREF(v);
}

/* type(*args) as a call of the type object, with optional keywords. */
static PyObject* call_type(PyTypeObject* type, PyObject* args, PyObject* kw) {
  PyObject* r = PyObject_Call((PyObject*)type, args, kw);
  Py_DECREF(args);
  Py_XDECREF(kw);
  return r;
}

/* ---- calling int, float, str, bool -------------------------------------- */

struct TypeCall {
  PyTypeObject* type;
  const char* args; /* Py_BuildValue format of the argument tuple */
  const char* kw;   /* of the keyword dict, or NULL */
  const char* repr; /* the result's repr, or NULL for an error */
  PyObject** exc;   /* the error's type */
  const char* message;
};

/* Each case's result or error is CPython 3.13's. */
static const struct TypeCall kTypeCalls[] = {
    {&PyLong_Type, "()", NULL, "0", NULL, NULL},
    {&PyLong_Type, "(s)", NULL, NULL, &PyExc_ValueError,
     "invalid literal for int() with base 10: ''"},
    {&PyLong_Type, "(s)", NULL, "12", NULL, NULL}, /* " 12 " below */
    {&PyLong_Type, "(d)", NULL, "3", NULL, NULL},
    {&PyLong_Type, "(O)", NULL, "1", NULL, NULL}, /* True */
    {&PyLong_Type, "(si)", NULL, "31", NULL, NULL},
    {&PyLong_Type, "(s)", "{si}", "255", NULL, NULL},
    {&PyLong_Type, "(si)", NULL, "-16", NULL, NULL},
    {&PyLong_Type, "(y)", NULL, "7", NULL, NULL},
    {&PyLong_Type, "(s)", NULL, "1000", NULL, NULL},
    {&PyLong_Type, "(si)", NULL, "0", NULL, NULL},
    {&PyLong_Type, "(si)", NULL, "35", NULL, NULL},
    {&PyLong_Type, "(s)", NULL, NULL, &PyExc_ValueError,
     "invalid literal for int() with base 10: '12a'"},
    {&PyLong_Type, "(s)", NULL, NULL, &PyExc_ValueError,
     "invalid literal for int() with base 10: '1__0'"},
    {&PyLong_Type, "(si)", NULL, NULL, &PyExc_ValueError,
     "invalid literal for int() with base 0: '010'"},
    {&PyLong_Type, "(y)", NULL, NULL, &PyExc_ValueError,
     "invalid literal for int() with base 10: b'1x'"},
    {&PyLong_Type, "(iii)", NULL, NULL, &PyExc_TypeError,
     "int expected at most 2 arguments, got 3"},
    {&PyLong_Type, "()", "{si}", NULL, &PyExc_TypeError,
     "int() got an unexpected keyword argument 'x'"},
    {&PyLong_Type, "(ii)", NULL, NULL, &PyExc_TypeError,
     "int() can't convert non-string with explicit base"},
    {&PyLong_Type, "(si)", NULL, NULL, &PyExc_ValueError,
     "int() base must be >= 2 and <= 36, or 0"},
    {&PyLong_Type, "(O)", NULL, NULL, &PyExc_TypeError,
     "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"},
    {&PyLong_Type, "()", "{si}", NULL, &PyExc_TypeError, "int() missing string argument"},
    {&PyLong_Type, "(si)", "{si}", NULL, &PyExc_TypeError,
     "int() takes at most 2 arguments (3 given)"},
    {&PyLong_Type, "(d)", NULL, NULL, &PyExc_ValueError, "cannot convert float NaN to integer"},
    /* float */
    {&PyFloat_Type, "()", NULL, "0.0", NULL, NULL},
    {&PyFloat_Type, "(s)", NULL, "1.5", NULL, NULL},
    {&PyFloat_Type, "(s)", NULL, "10.5", NULL, NULL},
    {&PyFloat_Type, "(s)", NULL, "1e+50", NULL, NULL},
    {&PyFloat_Type, "(s)", NULL, "inf", NULL, NULL},
    {&PyFloat_Type, "(s)", NULL, "nan", NULL, NULL},
    {&PyFloat_Type, "(y)", NULL, "2.5", NULL, NULL},
    {&PyFloat_Type, "(i)", NULL, "5.0", NULL, NULL},
    {&PyFloat_Type, "(s)", NULL, NULL, &PyExc_ValueError,
     "could not convert string to float: '0x1p3'"},
    {&PyFloat_Type, "(s)", NULL, NULL, &PyExc_ValueError,
     "could not convert string to float: '1__0'"},
    {&PyFloat_Type, "(s)", NULL, NULL, &PyExc_ValueError, "could not convert string to float: ''"},
    {&PyFloat_Type, "(O)", NULL, NULL, &PyExc_TypeError,
     "float() argument must be a string or a real number, not 'NoneType'"},
    {&PyFloat_Type, "(ii)", NULL, NULL, &PyExc_TypeError,
     "float expected at most 1 argument, got 2"},
    {&PyFloat_Type, "()", "{si}", NULL, &PyExc_TypeError, "float() takes no keyword arguments"},
    /* str */
    {&PyUnicode_Type, "()", NULL, "''", NULL, NULL},
    {&PyUnicode_Type, "(i)", NULL, "'5'", NULL, NULL},
    {&PyUnicode_Type, "(y)", NULL, "\"b'abc'\"", NULL, NULL},
    {&PyUnicode_Type, "(ys)", NULL, "'caf\xc3\xa9'", NULL, NULL},
    {&PyUnicode_Type, "(yss)", NULL, "'\xef\xbf\xbd'", NULL, NULL},
    {&PyUnicode_Type, "()", "{si}", "'5'", NULL, NULL},
    {&PyUnicode_Type, "()", "{ss}", "''", NULL, NULL},
    {&PyUnicode_Type, "(ss)", NULL, NULL, &PyExc_TypeError, "decoding str is not supported"},
    {&PyUnicode_Type, "(is)", NULL, NULL, &PyExc_TypeError,
     "decoding to str: need a bytes-like object, int found"},
    {&PyUnicode_Type, "(ys)", NULL, NULL, &PyExc_UnicodeDecodeError, NULL},
    {&PyUnicode_Type, "(iiii)", NULL, NULL, &PyExc_TypeError,
     "str expected at most 3 arguments, got 4"},
    {&PyUnicode_Type, "()", "{si}", NULL, &PyExc_TypeError,
     "str() got an unexpected keyword argument 'x'"},
    {&PyUnicode_Type, "(i)", "{si}", NULL, &PyExc_TypeError,
     "argument for str() given by name ('object') and position (1)"},
    {&PyUnicode_Type, "(y)", "{si}", NULL, &PyExc_TypeError,
     "str() argument 'encoding' must be str, not int"},
    /* bool */
    {&PyBool_Type, "()", NULL, "False", NULL, NULL},
    {&PyBool_Type, "(s)", NULL, "True", NULL, NULL},
    {&PyBool_Type, "([])", NULL, "False", NULL, NULL},
    {&PyBool_Type, "(ii)", NULL, NULL, &PyExc_TypeError, "bool expected at most 1 argument, got 2"},
    {&PyBool_Type, "()", "{si}", NULL, &PyExc_TypeError, "bool() takes no keyword arguments"},
    /* bytes */
    {&PyBytes_Type, "()", NULL, "b''", NULL, NULL},
    {&PyBytes_Type, "(i)", NULL, "b'\\x00\\x00\\x00'", NULL, NULL},
    {&PyBytes_Type, "(ss)", NULL, "b'abc'", NULL, NULL},
    {&PyBytes_Type, "([iii])", NULL, NULL, &PyExc_ValueError, "bytes must be in range(0, 256)"},
    {&PyBytes_Type, "(i)", NULL, NULL, &PyExc_ValueError, "negative count"},
    {&PyBytes_Type, "(iiii)", NULL, NULL, &PyExc_TypeError,
     "bytes() takes at most 3 arguments (4 given)"},
    {&PyBytes_Type, "()", "{si}", NULL, &PyExc_TypeError,
     "bytes() got an unexpected keyword argument 'x'"},
    {&PyBytes_Type, "()", "{s[i]}", "b'\\x01'", NULL, NULL},
    {&PyBytes_Type, "(O)", NULL, NULL, &PyExc_TypeError,
     "cannot convert 'NoneType' object to bytes"},
    {&PyBytes_Type, "(is)", NULL, NULL, &PyExc_TypeError, "encoding without a string argument"},
    {&PyBytes_Type, "(s)", NULL, NULL, &PyExc_TypeError, "string argument without an encoding"},
    {&PyBytes_Type, "(y)", NULL, "b'xy'", NULL, NULL},
};

/* The arguments of kTypeCalls[i] (kept apart: Py_BuildValue takes them
 * as varargs). */
static PyObject* type_call_args(size_t i, PyObject** kw) {
  *kw = NULL;
  const struct TypeCall* c = &kTypeCalls[i];
  switch (i) {
    case 1:
      return Py_BuildValue(c->args, "");
    case 2:
      return Py_BuildValue(c->args, " 12 ");
    case 3:
      return Py_BuildValue(c->args, 3.9);
    case 4:
      return Py_BuildValue(c->args, Py_True);
    case 5:
      return Py_BuildValue(c->args, "0x1f", 0);
    case 6:
      *kw = Py_BuildValue(c->kw, "base", 16);
      return Py_BuildValue(c->args, "ff");
    case 7:
      return Py_BuildValue(c->args, "-0x10", 16);
    case 8:
      return Py_BuildValue(c->args, "  7 ");
    case 9:
      return Py_BuildValue(c->args, "1_000");
    case 10:
      return Py_BuildValue(c->args, "0_0", 0);
    case 11:
      return Py_BuildValue(c->args, "z", 36);
    case 12:
      return Py_BuildValue(c->args, "12a");
    case 13:
      return Py_BuildValue(c->args, "1__0");
    case 14:
      return Py_BuildValue(c->args, "010", 0);
    case 15:
      return Py_BuildValue(c->args, "1x");
    case 16:
      return Py_BuildValue(c->args, 1, 2, 3);
    case 17:
      *kw = Py_BuildValue(c->kw, "x", 5);
      return Py_BuildValue(c->args);
    case 18:
      return Py_BuildValue(c->args, 5, 10);
    case 19:
      return Py_BuildValue(c->args, "z", 37);
    case 20:
      return Py_BuildValue(c->args, Py_None);
    case 21:
      *kw = Py_BuildValue(c->kw, "base", 16);
      return Py_BuildValue(c->args);
    case 22:
      *kw = Py_BuildValue(c->kw, "base", 3);
      return Py_BuildValue(c->args, "1", 2);
    case 23:
      return Py_BuildValue(c->args, NAN);
    case 25:
      return Py_BuildValue(c->args, " 1.5 ");
    case 26:
      return Py_BuildValue(c->args, "1_0.5");
    case 27:
      return Py_BuildValue(c->args, "1e5_0");
    case 28:
      return Py_BuildValue(c->args, "inf");
    case 29:
      return Py_BuildValue(c->args, "  -nan ");
    case 30:
      return Py_BuildValue(c->args, "2.5");
    case 31:
      return Py_BuildValue(c->args, 5);
    case 32:
      return Py_BuildValue(c->args, "0x1p3");
    case 33:
      return Py_BuildValue(c->args, "1__0");
    case 34:
      return Py_BuildValue(c->args, "");
    case 35:
      return Py_BuildValue(c->args, Py_None);
    case 36:
      return Py_BuildValue(c->args, 1, 2);
    case 37:
      *kw = Py_BuildValue(c->kw, "x", 1);
      return Py_BuildValue(c->args);
    case 39:
      return Py_BuildValue(c->args, 5);
    case 40:
      return Py_BuildValue(c->args, "abc");
    case 41:
      return Py_BuildValue(c->args, "caf\xc3\xa9", "utf-8");
    case 42:
      return Py_BuildValue(c->args, "\xff", "utf-8", "replace");
    case 43:
      *kw = Py_BuildValue(c->kw, "object", 5);
      return Py_BuildValue(c->args);
    case 44:
      *kw = Py_BuildValue(c->kw, "encoding", "ascii");
      return Py_BuildValue(c->args);
    case 45:
      return Py_BuildValue(c->args, "a", "utf-8");
    case 46:
      return Py_BuildValue(c->args, 5, "utf-8");
    case 47:
      return Py_BuildValue(c->args, "\xff", "utf-8");
    case 48:
      return Py_BuildValue(c->args, 1, 2, 3, 4);
    case 49:
      *kw = Py_BuildValue(c->kw, "x", 1);
      return Py_BuildValue(c->args);
    case 50:
      *kw = Py_BuildValue(c->kw, "object", 1);
      return Py_BuildValue(c->args, 5);
    case 51:
      *kw = Py_BuildValue(c->kw, "encoding", 5);
      return Py_BuildValue(c->args, "a");
    case 53:
      return Py_BuildValue(c->args, "a");
    case 55:
      return Py_BuildValue(c->args, 1, 2);
    case 56:
      *kw = Py_BuildValue(c->kw, "x", 1);
      return Py_BuildValue(c->args);
    case 58:
      return Py_BuildValue(c->args, 3);
    case 59:
      return Py_BuildValue(c->args, "abc", "ascii");
    case 60:
      return Py_BuildValue(c->args, 1, 2, 300);
    case 61:
      return Py_BuildValue(c->args, -1);
    case 62:
      return Py_BuildValue(c->args, 1, 2, 3, 4);
    case 63:
      *kw = Py_BuildValue(c->kw, "x", 1);
      return Py_BuildValue(c->args);
    case 64:
      *kw = Py_BuildValue(c->kw, "source", 1);
      return Py_BuildValue(c->args);
    case 65:
      return Py_BuildValue(c->args, Py_None);
    case 66:
      return Py_BuildValue(c->args, 5, "ascii");
    case 67:
      return Py_BuildValue(c->args, "abc");
    case 68:
      return Py_BuildValue(c->args, "xy");
    default:
      return Py_BuildValue(c->args);
  }
}

static void check_type_call(size_t i) {
  const struct TypeCall* c = &kTypeCalls[i];
  PyObject* kw;
  PyObject* args = type_call_args(i, &kw);
  CHECK(args != NULL);
  PyObject* r = call_type(c->type, args, kw);
  if (c->repr != NULL) {
    if (r == NULL) {
      fprintf(stderr, "type call %zu\n", i);
      ext_test_die_with_error(c->repr);
    }
    CHECK(Py_TYPE(r) == c->type);
    expect_repr(r, c->repr);
  } else {
    if (r != NULL) fprintf(stderr, "type call %zu: no error\n", i);
    CHECK(r == NULL);
    ext_test_expect_error(*c->exc, c->message);
  }
}

static void test_type_calls(void) {
  for (size_t i = 0; i < sizeof(kTypeCalls) / sizeof(kTypeCalls[0]); i++) check_type_call(i);
  /* The singletons and small ints come back as themselves. */
  PyObject* args = Py_BuildValue("(i)", 7);
  PyObject* b = PyObject_Call((PyObject*)&PyBool_Type, args, NULL);
  CHECK(b == Py_True);
  Py_DECREF(b);
  PyObject* seven = PyObject_Call((PyObject*)&PyLong_Type, args, NULL);
  CHECK(seven == PyTuple_GET_ITEM(args, 0));
  Py_DECREF(seven);
  Py_DECREF(args);
  /* PyObject_CallOneArg on the type, as extensions write it. */
  PyObject* text = PyUnicode_FromString("-42");
  PyObject* n = PyObject_CallOneArg((PyObject*)&PyLong_Type, text);
  CHECK(n != NULL && PyLong_AsLong(n) == -42);
  Py_DECREF(n);
  PyObject* f = PyObject_CallOneArg((PyObject*)&PyFloat_Type, text);
  CHECK(f != NULL && PyFloat_AsDouble(f) == -42.0);
  Py_DECREF(f);
  Py_DECREF(text);
  /* A heap subclass of int (a parse_int hook can be one): its instances
   * hold the value int() makes from the same arguments. */
  PyType_Slot slots[] = {{0, NULL}};
  PyType_Spec spec = {"ext_sjson_api_test.MyInt", 0, 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
                      slots};
  PyObject* myint = PyType_FromSpecWithBases(&spec, (PyObject*)&PyLong_Type);
  CHECK(myint != NULL);
  PyObject* zero = PyObject_CallNoArgs(myint);
  CHECK(zero != NULL && Py_TYPE(zero) == (PyTypeObject*)myint && PyLong_AsLong(zero) == 0);
  Py_DECREF(zero);
  text = PyUnicode_FromString("-42");
  n = PyObject_CallOneArg(myint, text);
  CHECK(n != NULL && Py_TYPE(n) == (PyTypeObject*)myint && PyLong_AsLong(n) == -42);
  Py_DECREF(n);
  Py_DECREF(text);
  Py_DECREF(myint);
}

/* ---- PyFloat_FromString ------------------------------------------------- */

static void test_float_from_string(void) {
  static const struct {
    const char* text;
    double value; /* NAN for an error */
  } kCases[] = {
      {"1.5", 1.5},
      {"  -2.5e3\n", -2500.0},
      {"1_000.000_1", 1000.0001},
      {".5", 0.5},
      {"5.", 5.0},
      {"1e999", INFINITY},
      {"-Infinity", -INFINITY},
      {"abc", NAN},
      {"1e", NAN},
      {"_1", NAN},
      {"1_", NAN},
      {"0x10", NAN},
      {" ", NAN},
      {"1.5 x", NAN},
  };
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
    PyObject* s = PyUnicode_FromString(kCases[i].text);
    PyObject* f = PyFloat_FromString(s);
    if (isnan(kCases[i].value)) {
      CHECK(f == NULL);
      char want[64];
      snprintf(want, sizeof want, "could not convert string to float: '%s'", kCases[i].text);
      ext_test_expect_error(PyExc_ValueError, strchr(kCases[i].text, '\n') ? NULL : want);
    } else {
      if (f == NULL) ext_test_die_with_error(kCases[i].text);
      CHECK(PyFloat_AsDouble(f) == kCases[i].value);
      Py_DECREF(f);
    }
    Py_DECREF(s);
  }
  PyObject* nan = PyUnicode_FromString("nan");
  PyObject* f = PyFloat_FromString(nan);
  CHECK(f != NULL && isnan(PyFloat_AsDouble(f)));
  Py_DECREF(f);
  Py_DECREF(nan);
  PyObject* bytes = PyBytes_FromString(" 0.25 ");
  f = PyFloat_FromString(bytes);
  CHECK(f != NULL && PyFloat_AsDouble(f) == 0.25);
  Py_DECREF(f);
  Py_DECREF(bytes);
  CHECK(PyFloat_FromString(Py_None) == NULL);
  ext_test_expect_error(PyExc_TypeError,
                        "float() argument must be a string or a real number, not 'NoneType'");
}

/* ---- PyUnicode_FromFormat ------------------------------------------------ */

static void test_from_format(void) {
  /* Each expected text is CPython 3.13's for the same call. */
  expect_text(PyUnicode_FromFormat("[%5d|%-5d|%05d|%.3d|%x|%X|%o|%5s|%-5s|%.2s|%5.2s]", 42, 42, -42,
                                   7, 255, 255, 8, "ab", "ab", "abcdef", "abcdef"),
              "[   42|42   |-0042|007|ff|FF|10|   ab|ab   |ab|   ab]");
  PyObject* hello = PyUnicode_FromString("hello");
  PyObject* twelve = PyLong_FromLong(12);
  PyObject* x = PyUnicode_FromString("x");
  expect_text(PyUnicode_FromFormat("[%.3R|%8S|%-6U|%V|%V]", hello, twelve, x, NULL, "fallback",
                                   hello, "unused"),
              "['he|      12|x     |fallback|hello]");
  PyObject* f = PyFloat_FromDouble(1.5);
  expect_text(PyUnicode_FromFormat("[%T|%N|%#T]", f, (PyObject*)&PyLong_Type, twelve),
              "[float|int|int]");
  expect_text(PyUnicode_FromFormat("[%zd|%lu|%lld|%c|%ld%%|%zu|%lx]", (Py_ssize_t)-3, 5ul, -9ll,
                                   0xe9, 7l, (size_t)9, 255l),
              "[-3|5|-9|\xc3\xa9|7%|9|ff]");
  expect_text(PyUnicode_FromFormat("[%.2s|%.1s]", "\xc3\xa9\xc3\xa9", "\xc3\xa9\xc3\xa9"),
              "[\xc3\xa9|\xef\xbf\xbd]");
  expect_text(PyUnicode_FromFormat("[%*d|%.*s|%-*s]", 4, 3, 2, "xyz", 3, "a"), "[   3|xy|a  ]");
  expect_text(PyUnicode_FromFormat("[%p]", (void*)0x1234), "[0x1234]");
  expect_text(PyUnicode_FromFormat("\"%U\"", hello), "\"hello\"");
  CHECK(PyUnicode_FromFormat("[%k]") == NULL);
  ext_test_expect_error(PyExc_SystemError, "invalid format string: %k]");
  /* PyErr_Format as extensions write it. */
  CHECK(PyErr_Format(PyExc_TypeError, "first argument must be a string, not %.80s",
                     Py_TYPE(twelve)->tp_name) == NULL);
  ext_test_expect_error(PyExc_TypeError, "first argument must be a string, not int");
  CHECK(PyErr_Format(PyExc_ValueError, "%.4s item %zd of %R", "dictionary", (Py_ssize_t)3, x) ==
        NULL);
  ext_test_expect_error(PyExc_ValueError, "dict item 3 of 'x'");
  Py_DECREF(f);
  Py_DECREF(hello);
  Py_DECREF(twelve);
  Py_DECREF(x);
}

/* ---- ft_json -------------------------------------------------------------- */

static PyObject* g_module; /* ft_json */
static PyObject* g_reader; /* shared by the threads */
static PyObject* g_writer; /* compact, ensure_ascii; shared */
static PyObject* g_sorted; /* sort_keys, not ascii; shared */

struct Doc {
  const char* in;
  const char* ascii;  /* json.dumps(v, separators=(',', ':')) */
  const char* sorted; /* ... sort_keys=True, ensure_ascii=False */
};
static const struct Doc kDocs[] = {
    {"{\042a\042:1,\042b\042:[true,false,null],\042c\042:\042x\134ny\042,\042d\042:1.5}",
     "{\042a\042:1,\042b\042:[true,false,null],\042c\042:\042x\134ny\042,\042d\042:1.5}",
     "{\042a\042:1,\042b\042:[true,false,null],\042c\042:\042x\134ny\042,\042d\042:1.5}"},
    {"[0.1,1e100,-0.0,1.5e-10,3.141592653589793,1234567890123456789,-7,2.0]",
     "[0.1,1e+100,-0.0,1.5e-10,3.141592653589793,1234567890123456789,-7,2.0]",
     "[0.1,1e+100,-0.0,1.5e-10,3.141592653589793,1234567890123456789,-7,2.0]"},
    {"{\042z\042:{\042y\042:{\042x\042:[[],{},[{}],\042\042]}},\042\134u00e9t\134u00e9\042:"
     "\042\134ud83d\134ude00 caf\134u00e9\042,\042k\042:\042\134\042\134\134\134/\134b\134f\134r"
     "\134t\042}",
     "{\042z\042:{\042y\042:{\042x\042:[[],{},[{}],\042\042]}},\042\134u00e9t\134u00e9\042:"
     "\042\134ud83d\134ude00 caf\134u00e9\042,\042k\042:\042\134\042\134\134/\134b\134f\134r"
     "\134t\042}",
     "{\042k\042:\042\134\042\134\134/\134b\134f\134r\134t\042,\042z\042:{\042y\042:{\042x\042:"
     "[[],{},[{}],\042\042]}},\042\303\251t\303\251\042:\042\360\237\230\200 caf\303\251\042}"},
    {"[1 , 2 ,\012 3 ]", "[1,2,3]", "[1,2,3]"},
    {"{\042rep\042:\042rep\042,\042rep2\042:{\042rep\042:1,\042rep2\042:2},\042n\042:-0.5e-3}",
     "{\042rep\042:\042rep\042,\042rep2\042:{\042rep\042:1,\042rep2\042:2},\042n\042:-0.0005}",
     "{\042n\042:-0.0005,\042rep\042:\042rep\042,\042rep2\042:{\042rep\042:1,\042rep2\042:2}}"},
};
enum { kNumDocs = sizeof(kDocs) / sizeof(kDocs[0]) };

static PyObject* make_reader(PyObject* parse_int, PyObject* parse_float) {
  PyObject* ctx = PyModule_New("ctx");
  CHECK(ctx != NULL);
  CHECK(PyObject_SetAttrString(ctx, "parse_int", parse_int) == 0);
  CHECK(PyObject_SetAttrString(ctx, "parse_float", parse_float) == 0);
  PyObject* r = PyObject_CallMethod(g_module, "Reader", "O", ctx);
  Py_DECREF(ctx);
  if (r == NULL) ext_test_die_with_error("Reader");
  return r;
}

static PyObject* make_writer(int sort, int ascii) {
  PyObject* w = PyObject_CallMethod(g_module, "Writer", "Oi", sort ? Py_True : Py_False, ascii);
  if (w == NULL) ext_test_die_with_error("Writer");
  return w;
}

/* reader(text, 0)'s value (checking the end index is the text's
 * length), or NULL with the error. */
static PyObject* read_doc(PyObject* reader, const char* text) {
  PyObject* s = PyUnicode_FromString(text);
  CHECK(s != NULL);
  PyObject* r = PyObject_CallFunction(reader, "On", s, (Py_ssize_t)0);
  Py_ssize_t len = PyUnicode_GET_LENGTH(s);
  Py_DECREF(s);
  if (r == NULL) return NULL;
  CHECK(PyTuple_Check(r) && PyTuple_GET_SIZE(r) == 2);
  CHECK(PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 1)) == len);
  PyObject* v = Py_NewRef(PyTuple_GET_ITEM(r, 0));
  Py_DECREF(r);
  return v;
}

static void expect_decode_error(const char* text, const char* msg, long pos) {
  CHECK(read_doc(g_reader, text) == NULL);
  PyObject* exc = PyErr_GetRaisedException();
  CHECK(exc != NULL);
  PyObject* support = PyImport_ImportModule("ft_json_support");
  PyObject* type = PyObject_GetAttrString(support, "DecodeError");
  CHECK(PyErr_GivenExceptionMatches(exc, type));
  CHECK(PyErr_GivenExceptionMatches(exc, PyExc_ValueError));
  PyObject* args = PyObject_GetAttrString(exc, "args");
  CHECK(args != NULL && PyTuple_GET_SIZE(args) == 3);
  if (strcmp(PyUnicode_AsUTF8(PyTuple_GET_ITEM(args, 0)), msg) != 0 ||
      PyLong_AsLong(PyTuple_GET_ITEM(args, 2)) != pos) {
    fprintf(stderr, "%s: %s at %ld, want %s at %ld\n", text,
            PyUnicode_AsUTF8(PyTuple_GET_ITEM(args, 0)), PyLong_AsLong(PyTuple_GET_ITEM(args, 2)),
            msg, pos);
    abort();
  }
  Py_DECREF(args);
  Py_DECREF(type);
  Py_DECREF(support);
  Py_DECREF(exc);
}

static void test_json(void) {
  for (int i = 0; i < kNumDocs; i++) {
    PyObject* v = read_doc(g_reader, kDocs[i].in);
    if (v == NULL) ext_test_die_with_error(kDocs[i].in);
    expect_text(PyObject_CallOneArg(g_writer, v), kDocs[i].ascii);
    expect_text(PyObject_CallOneArg(g_sorted, v), kDocs[i].sorted);
    /* What was written reads back equal. */
    PyObject* text = PyObject_CallOneArg(g_writer, v);
    PyObject* back = read_doc(g_reader, PyUnicode_AsUTF8(text));
    CHECK(back != NULL && PyObject_RichCompareBool(back, v, Py_EQ) == 1);
    Py_DECREF(back);
    Py_DECREF(text);
    Py_DECREF(v);
  }
  /* Key interning: equal keys of one document are one object. */
  PyObject* v = read_doc(g_reader, "[{\"key\": 1}, {\"key\": 2}]");
  CHECK(v != NULL);
  PyObject* keys0 = PyDict_Keys(PyList_GET_ITEM(v, 0));
  PyObject* keys1 = PyDict_Keys(PyList_GET_ITEM(v, 1));
  CHECK(PyList_GET_ITEM(keys0, 0) == PyList_GET_ITEM(keys1, 0));
  Py_DECREF(keys0);
  Py_DECREF(keys1);
  Py_DECREF(v);

  expect_decode_error("[1, 2", "Expecting ',' delimiter", 5);
  expect_decode_error("{\"a\" 1}", "Expecting ':' delimiter", 5);
  expect_decode_error("\"abc", "Unterminated string starting at", 0);
  expect_decode_error("[1,]", "Expecting value", 3);
  expect_decode_error("{1: 2}", "Expecting property name enclosed in double quotes", 1);
  expect_decode_error("\"a\\x\"", "Invalid \\escape", 2);
  expect_decode_error("\"\\u12\"", "Invalid \\uXXXX escape", 1);
  expect_decode_error("\"a\001\"", "Invalid control character at", 2);
  /* A string reader argument only. */
  CHECK(PyObject_CallFunction(g_reader, "in", 5, (Py_ssize_t)0) == NULL);
  ext_test_expect_error(PyExc_TypeError, "first argument must be a string, not int");
  PyObject* esc = PyObject_GetAttrString(g_module, "escape");
  CHECK(PyObject_CallOneArg(esc, Py_None) == NULL);
  ext_test_expect_error(PyExc_TypeError, "first argument must be a string, not NoneType");
  PyObject* is_escape = PyObject_CallMethod(g_module, "is_escape", "O", esc);
  CHECK(is_escape == Py_True);
  Py_DECREF(is_escape);
  Py_DECREF(esc);

  /* Hooks that are types: every number a float (parse_int=float), floats
   * kept as their text (parse_float=str). */
  PyObject* hooked = make_reader((PyObject*)&PyFloat_Type, (PyObject*)&PyUnicode_Type);
  expect_repr(read_doc(hooked, "[1, -2.50, 3e2, {\"n\": 0}]"), "[1.0, '-2.50', '3e2', {'n': 0.0}]");
  PyObject* member = PyObject_GetAttrString(hooked, "parse_float");
  CHECK(member == (PyObject*)&PyUnicode_Type);
  Py_DECREF(member);
  Py_DECREF(hooked);

  /* A cycle; an unserialisable object with a note naming where. */
  PyObject* lst = PyList_New(0);
  CHECK(PyList_Append(lst, lst) == 0);
  CHECK(PyObject_CallOneArg(g_writer, lst) == NULL);
  ext_test_expect_error(PyExc_ValueError, "Circular reference detected");
  CHECK(PyList_SetSlice(lst, 0, 1, NULL) == 0);
  Py_DECREF(lst);
  PyObject* bad = Py_BuildValue("[i{sN}]", 1, "c", PyComplex_FromDoubles(1, 2));
  CHECK(PyObject_CallOneArg(g_writer, bad) == NULL);
  PyObject* exc = PyErr_GetRaisedException();
  CHECK(PyErr_GivenExceptionMatches(exc, PyExc_TypeError));
  expect_text(PyObject_Str(exc), "Object of type complex is not JSON serializable");
  PyObject* notes = PyObject_GetAttrString(exc, "__notes__");
  expect_repr(notes, "[\"when writing dict item 'c'\", 'when writing list item 1']");
  Py_DECREF(exc);
  Py_DECREF(bad);
  PyObject* inf = Py_BuildValue("[d]", INFINITY);
  CHECK(PyObject_CallOneArg(g_writer, inf) == NULL);
  ext_test_expect_error(PyExc_ValueError, "Out of range float values are not JSON compliant");
  Py_DECREF(inf);
}

/* ---- threads ------------------------------------------------------------- */

static long g_iters;
static PyObject* g_shared; /* {"list": [...], "k<n>": ...}: mutated by every thread */
static atomic_long g_finished;

static void one_round(unsigned* rng) {
  const unsigned r = ext_test_next_random(rng);
  const struct Doc* d = &kDocs[r % kNumDocs];
  PyObject* v = read_doc(g_reader, d->in);
  if (v == NULL) ext_test_die_with_error("read");
  expect_text(PyObject_CallOneArg(g_writer, v), d->ascii);
  expect_text(PyObject_CallOneArg(g_sorted, v), d->sorted);
  Py_DECREF(v);

  /* The types called with this thread's values. */
  const long n = (long)(r % 200000) - 100000;
  PyObject* text = PyUnicode_FromFormat("%s%ld", n >= 0 ? " +" : " ", n);
  PyObject* i = PyObject_CallOneArg((PyObject*)&PyLong_Type, text);
  CHECK(i != NULL && PyLong_AsLong(i) == n);
  PyObject* f = PyObject_CallOneArg((PyObject*)&PyFloat_Type, i);
  CHECK(f != NULL && PyFloat_AsDouble(f) == (double)n);
  PyObject* s = PyObject_CallOneArg((PyObject*)&PyUnicode_Type, f);
  char want[64];
  snprintf(want, sizeof want, "%ld.0", n);
  expect_text(s, want);
  /* FromFormat's integers and strings as C's printf writes them. */
  snprintf(want, sizeof want, "%08ld|%.3ld|%-6.2s|%5zx", n, n % 100, "abc", (size_t)r);
  expect_text(PyUnicode_FromFormat("%08ld|%.3ld|%-6.2s|%5zx", n, n % 100, "abc", (size_t)r), want);
  Py_DECREF(f);
  Py_DECREF(i);
  Py_DECREF(text);

  /* The shared document: written by a Writer of this call's own (its
   * markers are per call, as a JSON library makes one per dumps), read
   * back; then mutated. */
  PyObject* w = make_writer((r >> 3) & 1, (r >> 4) & 1);
  PyObject* out = PyObject_CallOneArg(w, g_shared);
  if (out == NULL) ext_test_die_with_error("write shared");
  PyObject* back = read_doc(g_reader, PyUnicode_AsUTF8(out));
  if (back == NULL) ext_test_die_with_error("read shared");
  CHECK(PyDict_Check(back));
  PyObject* list = PyDict_GetItemString(back, "list");
  CHECK(list != NULL && PyList_Check(list) && PyList_GET_SIZE(list) >= 3);
  Py_DECREF(back);
  Py_DECREF(out);
  Py_DECREF(w);
  PyObject* key = PyUnicode_FromFormat("k%u", r % 8);
  PyObject* val = Py_BuildValue("[id]", (int)(r % 100), (double)(r % 7) / 4.0);
  if (r & 2) {
    CHECK(PyDict_SetItem(g_shared, key, val) == 0);
  } else if (PyDict_DelItem(g_shared, key) < 0) {
    ext_test_expect_error(PyExc_KeyError, NULL);
  }
  PyObject* shared_list = PyDict_GetItemString(g_shared, "list"); /* never replaced */
  if ((r & 4) && PyList_GET_SIZE(shared_list) < 48) CHECK(PyList_Append(shared_list, val) == 0);
  if ((r & 32) && PyList_GET_SIZE(shared_list) > 8) {
    CHECK(PyList_SetSlice(shared_list, 3, 4, NULL) == 0); /* shrink: read by index */
  }
  Py_DECREF(key);
  Py_DECREF(val);
}

static void* worker(void* arg) {
  unsigned rng = (unsigned)(uintptr_t)arg;
  PyGILState_STATE st = PyGILState_Ensure();
  for (long k = 0; k < g_iters; k++) one_round(&rng);
  atomic_fetch_add_explicit(&g_finished, 1, memory_order_relaxed);
  PyGILState_Release(st);
  return NULL;
}

int main(int argc, char** argv) {
  CHECK(argc == 2);
  const unsigned seed = ext_test_seed();
  g_iters = ext_test_scaled(400, 20);
  Py_Initialize();
  add_support_module();
  g_module = ftrt_ImportExtension("ft_json", argv[1]);
  if (g_module == NULL) ext_test_die_with_error("import ft_json");

  test_type_calls();
  test_float_from_string();
  test_from_format();

  g_reader = make_reader((PyObject*)&PyLong_Type, (PyObject*)&PyFloat_Type);
  g_writer = make_writer(0, 1);
  g_sorted = make_writer(1, 0);
  test_json();

  g_shared = read_doc(g_reader, "{\"list\": [1, 2.5, \"x\"], \"k1\": {\"a\": null}}");
  CHECK(g_shared != NULL);
  ext_test_run_threads(kThreads, worker, seed);
  CHECK(atomic_load_explicit(&g_finished, memory_order_relaxed) == kThreads);

  Py_DECREF(g_shared);
  Py_DECREF(g_reader);
  Py_DECREF(g_writer);
  Py_DECREF(g_sorted);
  Py_DECREF(g_module);
  CHECK(Py_FinalizeEx() == 0);
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  fprintf(stderr, "ext_sjson_api_test: ok\n");
  return 0;
}
