// Python.h from C++: extensions written in C++ (pybind11-style code, or a C
// extension compiled as C++) include the same header. This checks that it
// compiles as C++20 under -Wall -Wextra -Werror, that its C++-specific
// spellings are CPython's (PY_CXX_CONST keyword lists, PyMODINIT_FUNC's
// extern "C", _Py_NULL), that the layouts are the same as from C, and that
// the inline fast paths behave as they do from C (stand-ins from
// ext_abi/testing/standins.c record the hand-offs to the runtime).
#include "Python.h"

#include <cstddef>
#include <cstring>
#include <type_traits>

#include "ext_abi/testing/standins.h"
#include "gtest/gtest.h"

namespace {

#ifdef FTRT_DEBUG_CHECKS
constexpr int kChecksPerOp = 1;
#else
constexpr int kChecksPerOp = 0;
#endif

static_assert(sizeof(PyObject) == 32);
static_assert(sizeof(PyTupleObject) == 48);
static_assert(offsetof(PyTupleObject, ob_item) == 40);
static_assert(offsetof(PyListObject, ob_item) == 40);
static_assert(offsetof(PyCFunctionObject, m_ml) == 32);
static_assert(offsetof(PyCFunctionObject, vectorcall) == 64);
static_assert(offsetof(PyCMethodObject, mm_class) == 72);
static_assert(offsetof(PyASCIIObject, state) == 48);
static_assert(sizeof(PyCompactUnicodeObject) == 72);
static_assert(offsetof(PyBytesObject, ob_sval) == 48);
static_assert(sizeof(PyCriticalSection2) == 24);
static_assert(std::is_standard_layout_v<PyListObject>);
static_assert(std::is_trivial_v<PyUnicodeObject>);

// From C++, the keyword list is `const char* const*` (string literals), as
// with CPython 3.13's PY_CXX_CONST.
static_assert(std::is_same_v<decltype(&PyArg_ParseTupleAndKeywords),
                             int (*)(PyObject*, PyObject*, const char*,
                                     const char* const*, ...)>);
static_assert(std::is_same_v<decltype(Py_None), PyObject*>);
static_assert(std::is_same_v<decltype(PyUnicode_READ(1, nullptr, 0)), Py_UCS4>);

// A module init function written in C++ gets C linkage and default
// visibility from PyMODINIT_FUNC.
PyModuleDef cc_module = {
    PyModuleDef_HEAD_INIT,
    "cc_module",  // m_name
    nullptr,      // m_doc
    0,            // m_size
    nullptr,      // m_methods
    nullptr,      // m_slots
    nullptr,      // m_traverse
    nullptr,      // m_clear
    nullptr,      // m_free
};

}  // namespace

PyMODINIT_FUNC PyInit_cc_module(void) { return PyModuleDef_Init(&cc_module); }

namespace {

PyTypeObject plain_type = {
    PyVarObject_HEAD_INIT(nullptr, 0) "test.Plain",  // tp_name
    sizeof(PyObject),                                // tp_basicsize
};

PyTypeObject str_type = [] {
  PyTypeObject t{};
  t.tp_name = "test.str";
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_UNICODE_SUBCLASS;
  return t;
}();

PyTypeObject list_type = [] {
  PyTypeObject t{};
  t.tp_name = "test.list";
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_LIST_SUBCLASS;
  return t;
}();

void InitOwned(PyObject* op, PyTypeObject* type) {
  std::memset(op, 0, sizeof *op);
  op->ob_tid = ftrt_ThreadId();
  op->ob_ref_local = 1;
  op->ob_type = type;
}

class PythonHeaderCc : public ::testing::Test {
 protected:
  void SetUp() override {
    ftrt_standins_init_singletons();
    ftrt_standins_reset();
  }
};

TEST_F(PythonHeaderCc, ModuleInitHasCLinkage) {
  // Taking it through a C function-pointer type compiles only with the
  // signature the loader expects.
  PyObject* (*init)(void) = &PyInit_cc_module;
  EXPECT_NE(init, nullptr);
  EXPECT_TRUE(_Py_IsImmortal(reinterpret_cast<PyObject*>(&cc_module)));
}

TEST_F(PythonHeaderCc, ImmortalObjectsAreNeverWritten) {
  PyObject before;
  std::memcpy(&before, Py_None, sizeof before);
  Py_INCREF(Py_None);
  Py_XINCREF(Py_True);
  PyObject* r = Py_NewRef(Py_False);
  Py_DECREF(r);
  Py_XDECREF(Py_True);
  Py_DECREF(Py_None);
  EXPECT_EQ(std::memcmp(&before, Py_None, sizeof before), 0);
  EXPECT_EQ(ftrt_standins.merge_zero_local, 0);
  EXPECT_EQ(ftrt_standins.decref_shared, 0);
  EXPECT_EQ(ftrt_standins.check_incref, 3 * kChecksPerOp);
}

TEST_F(PythonHeaderCc, OwnedCountsLocallyAndHandsZeroToTheRuntime) {
  PyObject o;
  InitOwned(&o, &plain_type);
  Py_INCREF(&o);
  EXPECT_EQ(o.ob_ref_local, 2u);
  EXPECT_EQ(Py_REFCNT(&o), 2);
  PyObject* slot = Py_NewRef(&o);
  EXPECT_EQ(o.ob_ref_local, 3u);
  Py_CLEAR(slot);  // _Py_TYPEOF is __typeof__ in C++ too
  EXPECT_EQ(slot, nullptr);
  Py_DECREF(&o);
  EXPECT_EQ(ftrt_standins.merge_zero_local, 0);
  Py_DECREF(&o);
  EXPECT_EQ(o.ob_ref_local, 0u);
  EXPECT_EQ(ftrt_standins.merge_zero_local, 1);
  EXPECT_EQ(ftrt_standins.last_object, &o);
}

TEST_F(PythonHeaderCc, SharedCountsAtomically) {
  PyObject o;
  InitOwned(&o, &plain_type);
  o.ob_tid = 0;  // unowned: merged
  o.ob_ref_shared = (1 << _Py_REF_SHARED_SHIFT) | FTRT_REF_MERGED;
  Py_INCREF(&o);
  EXPECT_EQ(o.ob_ref_shared, (2 << _Py_REF_SHARED_SHIFT) | FTRT_REF_MERGED);
  Py_DECREF(&o);
  EXPECT_EQ(ftrt_standins.decref_shared, 0);
  Py_DECREF(&o);  // to zero: the runtime frees
  EXPECT_EQ(ftrt_standins.decref_shared, 1);
  EXPECT_EQ(ftrt_standins.last_shared, FTRT_REF_MERGED);
  EXPECT_EQ(o.ob_ref_shared, FTRT_REF_MERGED);
}

TEST_F(PythonHeaderCc, MutexFastPaths) {
  PyMutex m{};
  PyMutex_Lock(&m);
  EXPECT_TRUE(PyMutex_IsLocked(&m));
  PyMutex_Unlock(&m);
  EXPECT_FALSE(PyMutex_IsLocked(&m));
  EXPECT_EQ(ftrt_standins.mutex_lock_slow, 0);
  EXPECT_EQ(ftrt_standins.mutex_unlock_slow, 0);
}

TEST_F(PythonHeaderCc, CriticalSectionMacros) {
  PyObject a, b;
  InitOwned(&a, &plain_type);
  InitOwned(&b, &plain_type);
  Py_BEGIN_CRITICAL_SECTION(&a);
  EXPECT_EQ(ftrt_standins.last_object, &a);
  Py_END_CRITICAL_SECTION();
  Py_BEGIN_CRITICAL_SECTION2(&b, &a);
  EXPECT_EQ(ftrt_standins.last_object, &b);
  EXPECT_EQ(ftrt_standins.last_object2, &a);
  Py_END_CRITICAL_SECTION2();
  EXPECT_EQ(ftrt_standins.cs_begin, 1);
  EXPECT_EQ(ftrt_standins.cs_end, 1);
  EXPECT_EQ(ftrt_standins.cs2_begin, 1);
  EXPECT_EQ(ftrt_standins.cs2_end, 1);
}

TEST_F(PythonHeaderCc, Pep393Macros) {
  struct {
    PyCompactUnicodeObject base;
    Py_UCS2 data[3];
  } s{};
  InitOwned(&s.base._base.ob_base, &str_type);
  s.base._base.length = 2;
  s.base._base.state.kind = PyUnicode_2BYTE_KIND;
  s.base._base.state.compact = 1;
  s.data[0] = 0x20ac;
  s.data[1] = 'x';
  PyObject* op = reinterpret_cast<PyObject*>(&s);
  int kind = PyUnicode_KIND(op);  // compares and assigns cleanly from C++
  EXPECT_EQ(kind, PyUnicode_2BYTE_KIND);
  EXPECT_EQ(PyUnicode_DATA(op), static_cast<void*>(s.data));
  EXPECT_EQ(PyUnicode_READ_CHAR(op, 0), 0x20acu);
  EXPECT_EQ(PyUnicode_READ(kind, PyUnicode_DATA(op), 1), Py_UCS4{'x'});
  EXPECT_EQ(PyUnicode_MAX_CHAR_VALUE(op), 0xffffu);
  PyUnicode_WRITE(kind, PyUnicode_DATA(op), 1, 'y');
  EXPECT_EQ(s.data[1], u'y');
}

TEST_F(PythonHeaderCc, ListMacros) {
  PyListObject l{};
  PyObject* items[2] = {nullptr, nullptr};
  InitOwned(&l.ob_base.ob_base, &list_type);
  l.ob_item = items;
  l.allocated = 2;
  Py_SET_SIZE(&l, 2);
  PyList_SET_ITEM(&l, 0, Py_None);
  PyList_SET_ITEM(&l, 1, Py_True);
  EXPECT_EQ(PyList_GET_SIZE(&l), 2);
  EXPECT_EQ(PyList_GET_ITEM(&l, 1), Py_True);
}

}  // namespace
