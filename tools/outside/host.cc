// host: a small C++ program built OUTSIDE Bazel against an installed ftrt,
// with g++ and `pkg-config --cflags --libs ftrt` only (tools/outside/
// build_test.sh). It uses the C++ API the install ships ("runtime/
// runtime.h", "object/ref.h", "ext_abi/loader.h") next to the C API
// (Python.h): starts the runtime, imports the hello extension (argv[1])
// with the loader, calls it from 4 threads, checks the results exactly,
// reads the runtime's statistics and finalizes. Prints "host: OK" and
// exits 0 on success.
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "Python.h"
#include "ext_abi/loader.h"
#include "object/ref.h"
#include "runtime/runtime.h"
#include "runtime/thread_state.h"

#define CHECK(c)                                                    \
  do {                                                              \
    if (!(c)) {                                                     \
      std::fprintf(stderr, "host: CHECK failed: %s (line %d)\n", #c, __LINE__); \
      if (PyErr_Occurred()) PyErr_WriteUnraisable(nullptr);         \
      std::exit(1);                                                 \
    }                                                               \
  } while (0)

int main(int argc, char** argv) {
  CHECK(argc == 2);
  Py_Initialize();
  {
    ftrt::Ref<> module = ftrt::ext::Import("hello", argv[1]);
    CHECK(module);
    ftrt::Runtime& rt = ftrt::ThreadState::Current()->runtime();
    CHECK(!rt.gil_enabled());  // hello declares Py_MOD_GIL_NOT_USED

    ftrt::Ref<> sum = ftrt::Ref<>::Steal(PyObject_CallMethod(module.get(), "add", "ii", 40, 2));
    CHECK(sum && PyLong_AsLong(sum.get()) == 42);

    constexpr int kThreads = 4, kCalls = 1000;
    PyThreadState* saved = PyEval_SaveThread();
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; i++) {
      threads.emplace_back([&module] {
        PyGILState_STATE st = PyGILState_Ensure();
        for (int k = 0; k < kCalls; k++) {
          PyObject* r = PyObject_CallMethod(module.get(), "count", nullptr);
          CHECK(r != nullptr);
          Py_DECREF(r);
        }
        PyGILState_Release(st);
      });
    }
    for (auto& t : threads) t.join();
    PyEval_RestoreThread(saved);
    ftrt::Ref<> n = ftrt::Ref<>::Steal(PyObject_CallMethod(module.get(), "count", nullptr));
    CHECK(n && PyLong_AsLong(n.get()) == kThreads * kCalls + 1);
    CHECK(rt.GetStats().thread_states_created >= 1);
  }
  CHECK(Py_FinalizeEx() == 0);
  std::printf("host: OK (hello.add, hello.count from 4 threads)\n");
  return 0;
}
