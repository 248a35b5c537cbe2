/* Bad input at the C API: NULL objects, wrong types, out-of-range indices,
 * bad format strings. Each call must set the documented exception and
 * return the documented error value; none may crash. */
#include <string.h>

#include "Python.h"
#include "tests/ext/ext_test_util.h"

#define EXPECT_ERR(expr, bad_value, exc)                                     \
  do {                                                                       \
    if (!((expr) == (bad_value))) {                                          \
      fprintf(stderr, "%s:%d: %s did not return the error value\n", __FILE__, \
              __LINE__, #expr);                                              \
      abort();                                                               \
    }                                                                        \
    if (!PyErr_ExceptionMatches(exc)) {                                      \
      fprintf(stderr, "%s:%d: %s: expected %s, got %s\n", __FILE__, __LINE__, \
              #expr, #exc,                                                   \
              PyErr_Occurred() ? ((PyTypeObject*)PyErr_Occurred())->tp_name  \
                               : "no exception");                            \
      abort();                                                               \
    }                                                                        \
    PyErr_Clear();                                                           \
    checks++;                                                                \
  } while (0)

static int checks;

int main(void) {
  Py_Initialize();
  PyObject* list = Py_BuildValue("[ii]", 1, 2);
  PyObject* tuple = Py_BuildValue("(ii)", 1, 2);
  PyObject* dict = PyDict_New();
  PyObject* str = PyUnicode_FromString("abc");
  PyObject* num = PyLong_FromLong(5);
  PyObject* big = PyLong_FromLongLong(1LL << 40);
  CHECK(list && tuple && dict && str && num && big);
  PyObject* out = NULL;
  int i = 0;
  long l = 0;
  const char* s = NULL;

  /* NULL where an object is required. */
  EXPECT_ERR(PyList_GetItem(NULL, 0), NULL, PyExc_SystemError);
  EXPECT_ERR(PyList_Append(NULL, num), -1, PyExc_SystemError);
  EXPECT_ERR(PyList_Append(list, NULL), -1, PyExc_SystemError);
  EXPECT_ERR(PyList_Size(NULL), -1, PyExc_SystemError);
  EXPECT_ERR(PyTuple_Size(NULL), -1, PyExc_SystemError);
  EXPECT_ERR(PyDict_SetItem(NULL, str, num), -1, PyExc_SystemError);
  EXPECT_ERR(PyDict_SetItem(dict, NULL, num), -1, PyExc_SystemError);
  EXPECT_ERR(PyDict_GetItemRef(dict, NULL, &out), -1, PyExc_SystemError);
  EXPECT_ERR(PyLong_AsLong(NULL), -1, PyExc_SystemError);
  EXPECT_ERR(PyFloat_AsDouble(NULL), -1.0, PyExc_SystemError);
  EXPECT_ERR(PyUnicode_FromString(NULL), NULL, PyExc_SystemError);
  EXPECT_ERR(PyObject_GetAttrString(NULL, "x"), NULL, PyExc_SystemError);
  EXPECT_ERR(PyObject_SetAttrString(NULL, "x", num), -1, PyExc_SystemError);
  EXPECT_ERR(PyObject_CallNoArgs(NULL), NULL, PyExc_SystemError);
  EXPECT_ERR(PyObject_RichCompareBool(NULL, num, Py_EQ), -1, PyExc_SystemError);
  EXPECT_ERR(PyObject_Hash(NULL), -1, PyExc_SystemError);
  EXPECT_ERR(PyModule_GetState(NULL), NULL, PyExc_SystemError);
  EXPECT_ERR(PyType_Ready(NULL), -1, PyExc_SystemError);

  /* Wrong types. */
  EXPECT_ERR(PyLong_AsLong(str), -1, PyExc_TypeError);
  EXPECT_ERR(PyLong_AsLongLong(list), -1, PyExc_TypeError);
  EXPECT_ERR(PyFloat_AsDouble(str), -1.0, PyExc_TypeError);
  EXPECT_ERR(PyUnicode_AsUTF8(num), NULL, PyExc_TypeError);
  EXPECT_ERR(PyUnicode_GetLength(list), -1, PyExc_TypeError);
  EXPECT_ERR(PyBytes_Size(num), -1, PyExc_TypeError);
  EXPECT_ERR(PyList_Append(dict, num), -1, PyExc_SystemError);
  EXPECT_ERR(PyDict_SetItem(list, str, num), -1, PyExc_SystemError);
  EXPECT_ERR(PyDict_SetItem(dict, list, num), -1, PyExc_TypeError); /* unhashable */
  EXPECT_ERR(PyDict_GetItemRef(dict, list, &out), -1, PyExc_TypeError);
  EXPECT_ERR(PyObject_Call(str, num, NULL), NULL, PyExc_TypeError);
  EXPECT_ERR(PyObject_CallNoArgs(num), NULL, PyExc_TypeError);
  EXPECT_ERR(PyModule_GetState(num), NULL, PyExc_SystemError);
  EXPECT_ERR(PyObject_GetAttrString(num, "no_such_attribute"), NULL,
             PyExc_AttributeError);

  /* Weak references: only to objects whose type supports them (a type
   * does, a list does not); PyWeakref_GetRef wants a weak reference.
   * PyWeakref_CheckRef is true only for one: _PyWeakref_RefType is the
   * runtime's own weakref type. */
  PyObject* wr_target = PyErr_NewException("ext_bad_input.E", NULL, NULL);
  CHECK(wr_target != NULL);
  PyObject* wr = PyWeakref_NewRef(wr_target, NULL);
  CHECK(wr != NULL);
  CHECK(PyWeakref_CheckRef(wr));
  CHECK(PyWeakref_CheckRefExact(wr));
  CHECK(PyWeakref_Check(wr));
  CHECK(!PyWeakref_CheckProxy(wr));
  CHECK(!PyWeakref_CheckRef(list));
  CHECK(!PyWeakref_CheckRef(wr_target));
  CHECK(!PyWeakref_Check(num));
  CHECK(PyWeakref_GetRef(wr, &out) == 1 && out == wr_target);
  Py_DECREF(out);
  EXPECT_ERR(PyWeakref_NewRef(list, NULL), NULL, PyExc_TypeError);
  EXPECT_ERR(PyWeakref_GetRef(list, &out), -1, PyExc_TypeError);
  CHECK(out == NULL);
  Py_DECREF(wr);
  Py_DECREF(wr_target);

  /* Out-of-range indices and values. */
  EXPECT_ERR(PyList_GetItem(list, 2), NULL, PyExc_IndexError);
  EXPECT_ERR(PyList_GetItem(list, -1), NULL, PyExc_IndexError);
  EXPECT_ERR(PyList_GetItemRef(list, 99), NULL, PyExc_IndexError);
  EXPECT_ERR(PyList_SetItem(list, 7, PyLong_FromLong(1)), -1, PyExc_IndexError);
  EXPECT_ERR(PyTuple_GetItem(tuple, 2), NULL, PyExc_IndexError);
  EXPECT_ERR(PyUnicode_ReadChar(str, 3), (Py_UCS4)-1, PyExc_IndexError);
  EXPECT_ERR(PyUnicode_FromStringAndSize("x", -1), NULL, PyExc_SystemError);
  EXPECT_ERR(PyList_New(-1), NULL, PyExc_SystemError);
  EXPECT_ERR(PyTuple_New(-1), NULL, PyExc_SystemError);
  EXPECT_ERR(PyUnicode_New(-1, 127), NULL, PyExc_SystemError);
  EXPECT_ERR(PyLong_AsInt(big), -1, PyExc_OverflowError);
  EXPECT_ERR(PyObject_RichCompare(num, num, 99), NULL, PyExc_SystemError);

  /* PyArg_ParseTuple: bad format strings (SystemError), bad arguments. */
  PyObject* args1 = Py_BuildValue("(i)", 3);
  PyObject* args_s = Py_BuildValue("(s)", "x");
  PyObject* args_big = Py_BuildValue("(O)", big);
  CHECK(args1 && args_s && args_big);
  EXPECT_ERR(PyArg_ParseTuple(args1, "q", &i), 0, PyExc_SystemError);
  EXPECT_ERR(PyArg_ParseTuple(args1, "i||i", &i, &i), 0, PyExc_SystemError);
  EXPECT_ERR(PyArg_ParseTuple(args1, "$i", &i), 0, PyExc_SystemError);
  EXPECT_ERR(PyArg_ParseTuple(args1, NULL), 0, PyExc_SystemError);
  EXPECT_ERR(PyArg_ParseTuple(NULL, "i", &i), 0, PyExc_SystemError);
  EXPECT_ERR(PyArg_ParseTuple(args_s, "i", &i), 0, PyExc_TypeError);
  EXPECT_ERR(PyArg_ParseTuple(args1, "s", &s), 0, PyExc_TypeError);
  EXPECT_ERR(PyArg_ParseTuple(args1, "ii", &i, &i), 0, PyExc_TypeError);
  EXPECT_ERR(PyArg_ParseTuple(args1, ":f"), 0, PyExc_TypeError);
  EXPECT_ERR(PyArg_ParseTuple(args_big, "i", &i), 0, PyExc_OverflowError);
  EXPECT_ERR(PyArg_ParseTuple(args1, "O!", &PyUnicode_Type, &out), 0, PyExc_TypeError);
  static char* kw_one[] = {"a", NULL};
  static char* kw_two[] = {"a", "b", NULL};
  EXPECT_ERR(PyArg_ParseTupleAndKeywords(args1, NULL, "ii", kw_one, &i, &i), 0,
             PyExc_SystemError);
  PyObject* kwargs = Py_BuildValue("{si}", "zzz", 1);
  EXPECT_ERR(PyArg_ParseTupleAndKeywords(args1, kwargs, "i|i", kw_two, &i, &i), 0,
             PyExc_TypeError);
  EXPECT_ERR(PyArg_UnpackTuple(args1, "f", 2, 3, &out, &out, &out), 0, PyExc_TypeError);
  /* ... and the good paths still work. */
  CHECK(PyArg_ParseTuple(args1, "l", &l) && l == 3);
  CHECK(PyArg_ParseTuple(args_s, "s:f", &s) && strcmp(s, "x") == 0);
  CHECK(PyArg_ParseTupleAndKeywords(args1, NULL, "i|i", kw_two, &i, &i) && i == 3);
  PyObject* kw_b = Py_BuildValue("{si}", "b", 9);
  int a = 0, b = 0;
  CHECK(PyArg_ParseTupleAndKeywords(args1, kw_b, "i|$i", kw_two, &a, &b) && a == 3 && b == 9);

  /* Py_BuildValue: bad formats and NULL objects. */
  EXPECT_ERR(Py_BuildValue("(i", 1), NULL, PyExc_SystemError);
  EXPECT_ERR(Py_BuildValue("q", 1), NULL, PyExc_SystemError);
  EXPECT_ERR(Py_BuildValue("[i}", 1), NULL, PyExc_SystemError);
  EXPECT_ERR(Py_BuildValue("O", (PyObject*)NULL), NULL, PyExc_SystemError);
  EXPECT_ERR(Py_BuildValue(NULL), NULL, PyExc_SystemError);
  PyObject* built = Py_BuildValue("(is#)", 4, "hello", (Py_ssize_t)2);
  CHECK(built != NULL && PyTuple_Size(built) == 2);
  CHECK(strcmp(PyUnicode_AsUTF8(PyTuple_GetItem(built, 1)), "he") == 0);
  Py_DECREF(built);

  Py_DECREF(kw_b);
  Py_DECREF(kwargs);
  Py_DECREF(args1);
  Py_DECREF(args_s);
  Py_DECREF(args_big);
  Py_DECREF(list);
  Py_DECREF(tuple);
  Py_DECREF(dict);
  Py_DECREF(str);
  Py_DECREF(num);
  Py_DECREF(big);
  CHECK(!PyErr_Occurred());
  CHECK(Py_FinalizeEx() == 0);
  /* No error path leaked a reference (every object here is in no cycle,
   * except the exception type, which the collection frees). */
  CHECK_EQ_LL(ftrt_LeakedObjectsAtLastFinalize(), 0);
  printf("ext_bad_input_test: %d checks OK\n", checks);
  return 0;
}
