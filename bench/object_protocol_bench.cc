// The object protocol (issue 8), each subject beside its baseline in the
// same binary:
//   - attribute read of an instance field (a Py_T_LONG member, through
//     PyObject_GetAttr: type lookup cache, member descriptor) and a method
//     lookup plus call (PyObject_VectorcallMethod: lookup without binding,
//     then the method descriptor's METH_O call), on ONE shared instance
//     from 1 and 2 threads, against the same operations on a thread-private
//     instance at 2 threads. Target: per-thread throughput at 2 threads on
//     the shared instance >= 0.9x the private loop's (CPython 3.13t: 1.91x
//     slower at 2 threads; python/cpython#139103, #148906: a shared
//     reference count on the type, the descriptor or the instance).
//   - a call through each calling convention (module functions for
//     METH_NOARGS / O / VARARGS / VARARGS|KEYWORDS / FASTCALL /
//     FASTCALL|KEYWORDS; method descriptors for METH_METHOD, and
//     METH_CLASS / METH_STATIC through the type) against a direct C++
//     call of the same C function: the overhead in ns is reported.
// Benchmark threads attach to one Runtime for their run.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/module.h"
#include "object/protocol.h"
#include "object/ref.h"
#include "object/thread_objects.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "runtime/runtime.h"

namespace {

using ftrt::Ref;

std::shared_ptr<ftrt::Runtime> g_runtime;

// Attaches the calling benchmark thread for its run.
class Attached {
 public:
  Attached() : guard_(*g_runtime) {}

 private:
  ftrt::AttachGuard guard_;
};

// ---- the instance type ------------------------------------------------------

struct Point {
  PyObject ob_base;
  long x;
};

PyObject* AddToX(PyObject* self, PyObject* arg) {
  return ftrt::SmallInt(reinterpret_cast<Point*>(self)->x + ftrt::IntValue(arg));
}

PyMethodDef g_point_methods[] = {
    {"add", AddToX, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
PyMemberDef g_point_members[] = {
    {"x", Py_T_LONG, offsetof(Point, x), 0, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};
PyType_Slot g_point_slots[] = {
    {Py_tp_methods, g_point_methods},
    {Py_tp_members, g_point_members},
    {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
    {0, nullptr},
};
PyType_Spec g_point_spec = {"bench.Point", sizeof(Point), 0, Py_TPFLAGS_DEFAULT, g_point_slots};

PyObject* g_point_type = nullptr;
PyObject* g_shared = nullptr;  // the shared instance
PyObject* g_name_x = nullptr;
PyObject* g_name_add = nullptr;

Ref<> NewPoint() {
  Ref<> p = ftrt::CallNoArgs(g_point_type);
  reinterpret_cast<Point*>(p.get())->x = 40;
  return p;
}

void AttrRead(benchmark::State& state, PyObject* obj) {
  int64_t sum = 0;
  for (auto _ : state) {
    Ref<> v = ftrt::GetAttr(obj, g_name_x);
    sum += ftrt::IntValue(v.get());
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}

void MethodCall(benchmark::State& state, PyObject* obj) {
  PyObject* one = ftrt::SmallInt(1);
  int64_t sum = 0;
  for (auto _ : state) {
    PyObject* args[2] = {obj, one};
    Ref<> r = ftrt::VectorcallMethod(g_name_add, args, 2);
    sum += ftrt::IntValue(r.get());
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}

void BM_AttrReadShared(benchmark::State& state) {
  Attached a;
  AttrRead(state, g_shared);
}
void BM_AttrReadPrivate(benchmark::State& state) {
  Attached a;
  Ref<> mine = NewPoint();
  AttrRead(state, mine.get());
}
void BM_MethodCallShared(benchmark::State& state) {
  Attached a;
  MethodCall(state, g_shared);
}
void BM_MethodCallPrivate(benchmark::State& state) {
  Attached a;
  Ref<> mine = NewPoint();
  MethodCall(state, mine.get());
}
BENCHMARK(BM_AttrReadShared)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_AttrReadPrivate)->Threads(2)->UseRealTime();
BENCHMARK(BM_MethodCallShared)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_MethodCallPrivate)->Threads(2)->UseRealTime();

// ---- calling conventions ------------------------------------------------------

// Each returns its first argument (or a constant), so the work is the call.
PyObject* FnNoArgs(PyObject*, PyObject*) { return ftrt::SmallInt(1); }
PyObject* FnO(PyObject*, PyObject* a) { return a; }  // small ints are immortal
PyObject* FnVarargs(PyObject*, PyObject* args) { return ftrt::TupleItem(args, 0); }
PyObject* FnVarargsKw(PyObject*, PyObject* args, PyObject*) { return ftrt::TupleItem(args, 0); }
PyObject* FnFast(PyObject*, PyObject* const* args, Py_ssize_t) { return args[0]; }
PyObject* FnFastKw(PyObject*, PyObject* const* args, Py_ssize_t, PyObject*) { return args[0]; }
PyObject* FnMethod(PyObject*, PyTypeObject*, PyObject* const* args, size_t, PyObject*) {
  return args[0];
}
PyObject* FnClass(PyObject*, PyObject* a) { return a; }

#define FN(f) reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f))
PyMethodDef g_functions[] = {
    {"noargs", FnNoArgs, METH_NOARGS, nullptr},
    {"o", FnO, METH_O, nullptr},
    {"varargs", FnVarargs, METH_VARARGS, nullptr},
    {"varargs_kw", FN(FnVarargsKw), METH_VARARGS | METH_KEYWORDS, nullptr},
    {"fast", FN(FnFast), METH_FASTCALL, nullptr},
    {"fast_kw", FN(FnFastKw), METH_FASTCALL | METH_KEYWORDS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
PyMethodDef g_type_methods[] = {
    {"meth", FN(FnMethod), METH_METHOD | METH_FASTCALL | METH_KEYWORDS, nullptr},
    {"cls", FnClass, METH_O | METH_CLASS, nullptr},
    {"st", FnClass, METH_O | METH_STATIC, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
#undef FN
PyModuleDef g_module_def = {
    PyModuleDef_HEAD_INIT, "benchmod", nullptr, 0, g_functions, nullptr, nullptr, nullptr, nullptr,
};
PyType_Slot g_conv_slots[] = {{Py_tp_methods, g_type_methods},
                              {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
                              {0, nullptr}};
PyType_Spec g_conv_spec = {"bench.Conv", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, g_conv_slots};

struct Convention {
  const char* name;
  PyObject* callable;  // what the benchmark calls
  bool self_arg;       // pass an instance first (an unbound method descriptor)
};
std::map<std::string, Convention> g_conventions;
PyObject* g_conv_instance = nullptr;

// Overheads measured by the convention benchmarks' last runs (ns/call).
std::mutex g_overhead_mu;
std::map<std::string, double> g_overheads;

// A direct call of the C function, through a pointer the compiler cannot
// see through (as a C++ caller of a function pointer would).
template <typename F, typename... A>
__attribute__((noinline)) PyObject* Direct(F* volatile* fp, A... args) {
  return (*fp)(args...);
}

double NsPerIter(std::chrono::steady_clock::duration d, int64_t n) {
  return std::chrono::duration<double, std::nano>(d).count() / static_cast<double>(n);
}

// The direct-call baseline of `name`, timed for `n` calls.
double DirectNs(const std::string& name, int64_t n) {
  static PyCFunction volatile noargs = FnNoArgs;
  static PyCFunction volatile o = FnO;
  static PyCFunction volatile varargs = FnVarargs;
  static PyCFunctionWithKeywords volatile varargs_kw = FnVarargsKw;
  static PyCFunctionFast volatile fast = FnFast;
  static PyCFunctionFastWithKeywords volatile fast_kw = FnFastKw;
  static PyCMethod volatile meth = FnMethod;
  PyObject* one = ftrt::SmallInt(1);
  PyObject* args[1] = {one};
  Ref<> tuple = ftrt::TupleFromItems({one}).value();
  PyObject* sink = nullptr;
  // The convention is picked once, outside the timed loop (a string
  // comparison per call would be timed as part of the "direct" call).
  auto timed = [&](auto call) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < n; ++i) {
      sink = call();
      benchmark::DoNotOptimize(sink);
    }
    return NsPerIter(std::chrono::steady_clock::now() - t0, n);
  };
  if (name == "noargs") {
    return timed([&] { return Direct(&noargs, one, static_cast<PyObject*>(nullptr)); });
  } else if (name == "o" || name == "cls" || name == "st") {
    return timed([&] { return Direct(&o, one, one); });
  } else if (name == "varargs") {
    return timed([&] { return Direct(&varargs, one, tuple.get()); });
  } else if (name == "varargs_kw") {
    return timed(
        [&] { return Direct(&varargs_kw, one, tuple.get(), static_cast<PyObject*>(nullptr)); });
  } else if (name == "fast") {
    return timed([&] {
      return Direct(&fast, one, static_cast<PyObject* const*>(args), Py_ssize_t{1});
    });
  } else if (name == "fast_kw") {
    return timed([&] {
      return Direct(&fast_kw, one, static_cast<PyObject* const*>(args), Py_ssize_t{1},
                    static_cast<PyObject*>(nullptr));
    });
  }
  return timed([&] {
    return Direct(&meth, one, static_cast<PyTypeObject*>(nullptr),
                  static_cast<PyObject* const*>(args), size_t{1}, static_cast<PyObject*>(nullptr));
  });
}

void BM_Call(benchmark::State& state, const std::string& name) {
  Attached a;
  const Convention& c = g_conventions.at(name);
  PyObject* one = ftrt::SmallInt(1);
  PyObject* args[3] = {nullptr, c.self_arg ? g_conv_instance : one, one};
  const size_t nargs = c.self_arg ? 2 : 1;
  PyObject* const* argv = args + 1;
  const size_t nargsf = (name == "noargs" ? 0 : nargs) | ftrt::kVectorcallArgumentsOffset;
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) {
    Ref<> r = ftrt::Vectorcall(c.callable, argv, nargsf);
    benchmark::DoNotOptimize(r.get());
  }
  const double call_ns = NsPerIter(std::chrono::steady_clock::now() - t0, state.iterations());
  const double direct_ns = DirectNs(name, state.iterations());
  state.counters["overhead_ns"] = call_ns - direct_ns;
  std::lock_guard<std::mutex> lock(g_overhead_mu);
  g_overheads[name] = call_ns - direct_ns;  // the last (longest) run wins
}

void BM_DirectCall(benchmark::State& state) {
  PyObject* one = ftrt::SmallInt(1);
  static PyCFunction volatile o = FnO;
  for (auto _ : state) benchmark::DoNotOptimize(Direct(&o, one, one));
}
BENCHMARK(BM_DirectCall);

// Runs last (registered last, one iteration): reports the overheads.
void BM_ZReportOverheads(benchmark::State& state) {
  for (auto _ : state) {
  }
  std::lock_guard<std::mutex> lock(g_overhead_mu);
  for (const auto& [name, ns] : g_overheads) {
    ftrt::bench::ReportFigure("call overhead vs direct C++ call: " + name, ns, "ns");
  }
}

void Setup() {
  g_runtime = ftrt::Runtime::Init();
  ftrt::InstallObjectProtocol(*g_runtime);
  ftrt::AttachGuard attach(*g_runtime);
  g_name_x = ftrt::InternFromString("x");
  g_name_add = ftrt::InternFromString("add");
  g_point_type = ftrt::TypeFromSpec(&g_point_spec).Release();
  g_shared = NewPoint().Release();
  Ref<> module = ftrt::ModuleCreate(&g_module_def);
  Ref<> conv = ftrt::TypeFromSpec(&g_conv_spec);
  g_conv_instance = ftrt::CallNoArgs(conv.get()).Release();
  for (const char* n : {"noargs", "o", "varargs", "varargs_kw", "fast", "fast_kw"}) {
    g_conventions[n] = {n, ftrt::GetAttrString(module.get(), n).Release(), false};
  }
  auto* conv_type = reinterpret_cast<PyTypeObject*>(conv.get());
  // The unbound METH_METHOD descriptor (called with the instance first),
  // and the class / static methods as the type gives them.
  g_conventions["meth"] = {"meth",
                           ftrt::DictGetItemStringRef(conv_type->tp_dict, "meth")->Release(), true};
  g_conventions["cls"] = {"cls", ftrt::GetAttrString(conv.get(), "cls").Release(), false};
  g_conventions["st"] = {"st", ftrt::GetAttrString(conv.get(), "st").Release(), false};
  (void)module.Release();  // kept for the whole run
  (void)conv.Release();
  for (const auto& [name, c] : g_conventions) {
    benchmark::RegisterBenchmark(("BM_Call/" + name).c_str(),
                                 [n = name](benchmark::State& s) { BM_Call(s, n); });
  }
  benchmark::RegisterBenchmark("BM_ZReportOverheads", BM_ZReportOverheads)->Iterations(1);
}

}  // namespace

int main(int argc, char** argv) {
  Setup();
  using ftrt::bench::kThroughput;
  using ftrt::bench::kTime;
  const int rc = ftrt::bench::RunWithRatios(
      argc, argv,
      {
          {"BM_AttrReadShared/real_time/threads:2", "BM_AttrReadPrivate/real_time/threads:2",
           kThroughput, ">=", 0.9},
          {"BM_AttrReadShared/real_time/threads:2", "BM_AttrReadShared/real_time/threads:1",
           kThroughput, "", 0},
          {"BM_MethodCallShared/real_time/threads:2", "BM_MethodCallPrivate/real_time/threads:2",
           kThroughput, ">=", 0.9},
          {"BM_MethodCallShared/real_time/threads:2", "BM_MethodCallShared/real_time/threads:1",
           kThroughput, "", 0},
          {"BM_Call/o", "BM_DirectCall", kTime, "", 0},
          {"BM_Call/fast", "BM_DirectCall", kTime, "", 0},
      });
  // Finalize before exit: a runtime finalized from a static destructor
  // would need this thread's state, which thread exit has already released.
  g_runtime.reset();
  return rc;
}
