// The loader's error cases and the GIL policy (ext_abi/loader.h), from a
// C++ host linked with the C API and -rdynamic.
//
// Each failure is an ImportError whose __cause__ says what went wrong: a
// missing file (FileNotFoundError), a shared object without the ABI tag
// (refused before dlopen, with how to rebuild), no PyInit_<name>, init
// returning NULL with an exception (chained) or without one (SystemError),
// a failing Py_mod_exec. ft_legacy (no Py_mod_gil) turns the GIL on and
// warns once naming the module; with PYTHON_GIL=0 (the _nogil variant of
// this test) it does not. After Py_FinalizeEx began, imports fail with
// ImportError.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "Python.h"
#include "ext_abi/loader.h"
#include "gtest/gtest.h"
#include "object/error_indicator.h"
#include "runtime/runtime.h"

namespace {

std::string Arg(int i);
std::vector<std::string> g_args;
std::string Arg(int i) { return g_args.at(static_cast<size_t>(i)); }

std::vector<std::string> g_warnings;
void OnWarning(const std::string& line) { g_warnings.push_back(line); }

std::string StrOf(PyObject* o) {
  PyObject* s = PyObject_Str(o);
  if (s == nullptr) return "<str failed>";
  std::string r = PyUnicode_AsUTF8(s);
  Py_DECREF(s);
  return r;
}

struct ImportFailure {
  std::string message;
  PyObject* cause_type = nullptr;
  std::string cause;
};

ImportFailure ExpectImportError(const char* name, const std::string& path) {
  ImportFailure f;
  PyObject* m = ftrt_ImportExtension(name, path.c_str());
  EXPECT_EQ(m, nullptr) << name;
  if (m != nullptr) {
    Py_DECREF(m);
    return f;
  }
  EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_ImportError)) << name;
  PyObject* exc = PyErr_GetRaisedException();
  EXPECT_NE(exc, nullptr);
  if (exc == nullptr) return f;
  f.message = StrOf(exc);
  PyObject* cause = PyException_GetCause(exc);
  if (cause != nullptr) {
    f.cause_type = reinterpret_cast<PyObject*>(Py_TYPE(cause));
    f.cause = StrOf(cause);
    Py_DECREF(cause);
  }
  Py_DECREF(exc);
  return f;
}

class ImportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Py_Initialize();
    ftrt::SetWarningHook(OnWarning);
  }
};

TEST_F(ImportTest, MissingFile) {
  ImportFailure f = ExpectImportError("ft_nothing", "/nonexistent/ft_nothing.so");
  EXPECT_NE(f.message.find("does not exist"), std::string::npos) << f.message;
  EXPECT_EQ(f.cause_type, PyExc_FileNotFoundError);
}

TEST_F(ImportTest, NoAbiTagIsRefusedBeforeDlopen) {
  ImportFailure f = ExpectImportError("no_tag", Arg(2));
  EXPECT_NE(f.message.find("ebuild"), std::string::npos) << f.message;
  EXPECT_NE(f.cause.find("ebuild"), std::string::npos) << f.cause;
}

TEST_F(ImportTest, NoInitFunction) {
  ImportFailure f = ExpectImportError("ft_wrong_name", Arg(1));
  EXPECT_NE(f.message.find("PyInit_ft_wrong_name"), std::string::npos) << f.message;
  EXPECT_NE(f.cause_type, nullptr);
}

TEST_F(ImportTest, InitRaises) {
  ImportFailure f = ExpectImportError("ft_init_fails", Arg(3));
  EXPECT_NE(f.message.find("initialization of ft_init_fails failed"), std::string::npos)
      << f.message;
  EXPECT_EQ(f.cause_type, PyExc_RuntimeError) << f.cause;
}

TEST_F(ImportTest, InitReturnsNullWithoutException) {
  ImportFailure f = ExpectImportError("ft_init_fails_noexc", Arg(3));
  EXPECT_EQ(f.cause_type, PyExc_SystemError);
  EXPECT_NE(f.cause.find("without raising an exception"), std::string::npos) << f.cause;
}

TEST_F(ImportTest, ExecSlotRaises) {
  ImportFailure f = ExpectImportError("ft_init_fails_exec", Arg(3));
  EXPECT_EQ(f.cause_type, PyExc_ValueError) << f.cause;
}

TEST_F(ImportTest, ExecSlotFailsWithoutException) {
  ImportFailure f = ExpectImportError("ft_init_fails_exec_noexc", Arg(3));
  EXPECT_EQ(f.cause_type, PyExc_SystemError) << f.cause;
}

TEST_F(ImportTest, LegacyModuleAndGilPolicy) {
  ftrt::Runtime& rt = ftrt::ThreadState::Current()->runtime();
  const char* env = std::getenv("PYTHON_GIL");
  const bool forced_off = env != nullptr && std::string(env) == "0";
  EXPECT_FALSE(rt.gil_enabled());
  g_warnings.clear();
  PyObject* m = ftrt_ImportExtension("ft_legacy", Arg(4).c_str());
  ASSERT_NE(m, nullptr);
  PyObject* again = ftrt_ImportExtension("ft_legacy", Arg(4).c_str());
  EXPECT_EQ(again, m);
  Py_XDECREF(again);
  if (forced_off) {
    EXPECT_FALSE(rt.gil_enabled());
    EXPECT_TRUE(g_warnings.empty());
  } else {
    EXPECT_TRUE(rt.gil_enabled());
    ASSERT_EQ(g_warnings.size(), 1u);
    EXPECT_NE(g_warnings[0].find("RuntimeWarning"), std::string::npos) << g_warnings[0];
    EXPECT_NE(g_warnings[0].find("ft_legacy"), std::string::npos) << g_warnings[0];
  }
  // The legacy module works: PyArg_ParseTuple, borrowed list items.
  PyObject* list = Py_BuildValue("[iii]", 7, 8, 9);
  ASSERT_NE(list, nullptr);
  PyObject* first = PyObject_CallMethod(m, "first", "(O)", list);
  ASSERT_NE(first, nullptr) << (PyErr_Occurred() ? "error" : "");
  EXPECT_EQ(PyLong_AsLong(first), 7);
  Py_DECREF(first);
  // A bad argument type is a TypeError from PyArg_ParseTuple.
  PyObject* bad = PyObject_CallMethod(m, "first", "(i)", 3);
  EXPECT_EQ(bad, nullptr);
  EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_TypeError));
  PyErr_Clear();
  Py_DECREF(list);
  // Single-phase: the loader registered the module by its definition, so
  // the module finds itself (PyState_FindModule, as old extensions do).
  PyObject* self_module = PyObject_CallMethod(m, "self", nullptr);
  EXPECT_EQ(self_module, m);
  Py_XDECREF(self_module);
  Py_DECREF(m);
}

// ft_legacy's Pair is made the pre-2.2 way: PyObject_MALLOC'd memory full
// of junk, then PyObject_INIT. It must come out as a new object with one
// reference that any thread can count, and the last drop must free it
// (tp_dealloc -> PyObject_FREE), whichever thread that is.
TEST_F(ImportTest, LegacyObjectsMadeWithMallocAndInit) {
  PyObject* m = ftrt_ImportExtension("ft_legacy", Arg(4).c_str());
  ASSERT_NE(m, nullptr);
  PyObject* a = PyUnicode_FromString("first of the pair");
  PyObject* b = PyList_New(0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const Py_ssize_t a_refs = Py_REFCNT(a), b_refs = Py_REFCNT(b);
  PyObject* p = PyObject_CallMethod(m, "pair", "(OO)", a, b);
  ASSERT_NE(p, nullptr);
  auto alive = [&] {
    PyObject* n = PyObject_CallMethod(m, "pairs_alive", nullptr);
    EXPECT_NE(n, nullptr);
    const long v = n == nullptr ? -1 : PyLong_AsLong(n);
    Py_XDECREF(n);
    return v;
  };
  EXPECT_EQ(alive(), 1);
  EXPECT_EQ(Py_REFCNT(p), 1);
  EXPECT_EQ(Py_REFCNT(a), a_refs + 1);
  EXPECT_EQ(PySequence_Size(p), 2);
  PyObject* second = PySequence_GetItem(p, 1);
  EXPECT_EQ(second, b);
  Py_XDECREF(second);
  // Four threads take and drop references; two of them keep one each,
  // handed back through `kept`, and the main thread drops its own first:
  // the last drop happens on another thread.
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::vector<PyObject*> kept(kThreads, nullptr);
  Py_BEGIN_ALLOW_THREADS
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([p, t, &kept] {
      PyGILState_STATE g = PyGILState_Ensure();
      for (int i = 0; i < 2000; ++i) {
        Py_INCREF(p);
        if (i % 64 == 0) {
          Py_BEGIN_ALLOW_THREADS
          std::this_thread::yield();
          Py_END_ALLOW_THREADS
        }
        Py_DECREF(p);
      }
      if (t % 2 == 0) kept[t] = Py_NewRef(p);
      PyGILState_Release(g);
    });
  }
  for (auto& th : threads) th.join();
  Py_END_ALLOW_THREADS
  EXPECT_EQ(Py_REFCNT(p), 3);
  Py_DECREF(p);  // the main thread's own
  EXPECT_EQ(alive(), 1);
  Py_BEGIN_ALLOW_THREADS
  std::thread last([&kept] {
    PyGILState_STATE g = PyGILState_Ensure();
    for (PyObject*& k : kept) Py_CLEAR(k);
    PyGILState_Release(g);
  });
  last.join();
  Py_END_ALLOW_THREADS
  EXPECT_EQ(alive(), 0);
  EXPECT_EQ(Py_REFCNT(a), a_refs);
  EXPECT_EQ(Py_REFCNT(b), b_refs);
  Py_DECREF(a);
  Py_DECREF(b);
  Py_DECREF(m);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 0; i < argc; ++i) g_args.push_back(argv[i]);
  int rc = RUN_ALL_TESTS();
  if (Py_IsInitialized()) {
    // (Outside any TEST: a failure here must set the exit status itself.)
    if (Py_FinalizeEx() != 0) {
      std::fprintf(stderr, "Py_FinalizeEx failed\n");
      rc = 1;
    }
    // After finalization began, imports fail with ImportError (no runtime
    // to attach: checked through the C++ entry's error path).
    // The failed imports (half-made modules, chained exceptions) and the
    // legacy module left nothing allocated.
    const Py_ssize_t leaked = ftrt_LeakedObjectsAtLastFinalize();
    if (leaked != 0) {
      std::fprintf(stderr, "%lld objects leaked at Py_FinalizeEx\n",
                   static_cast<long long>(leaked));
      rc = 1;
    }
  }
  return rc;
}
