// gc_bench: the collector's pause on the three shapes of the anchor
// figures, beside the machine's own python3 running the anchor script.
//
// Shapes (shared/bench/gc_shapes.py, which this binary runs unchanged in the
// same run): objects with two reference fields (gc/testing_types.h's Pair,
// 48 bytes, like a class with __slots__ = ("a", "b")) held by one list,
// each pointing at the previous one (the first at the last), b = None:
//   * 100k reachable, * 1M reachable,
//   * 1M of which 500k reachable as above and 250k unreachable 2-cycles,
//     all freed by the collection.
// One timed full collection (Collector::Collect: stop, every step, the
// frees) per repetition, median of 9, after building the shape with the
// world running; python3 does exactly that with gc.collect(). The script
// holds the list in a local variable of its frame, which CPython 3.14t's
// collector sees on the thread's stack; here it is held the same way, by
// a StackRef on the thread's root stack, which the collector marks from
// before it counts (collector.h, step 2). Each shape runs with the
// collector's defaults (one thread here: the runtime has no other thread
// whose core the stop would idle), and, without a target, with the list
// held by a plain C reference instead (invisible to the collector, as in
// a C extension: everything is counted and marked) and with the stopped
// passes on two threads.
//
// The script is found through --gc_shapes=PATH, $FTRT_GC_SHAPES, or
// shared/bench/gc_shapes.py next to (or above) the checkout
// ($BUILD_WORKSPACE_DIRECTORY, the working directory, and their parents).
//
// Printed besides the ratio table: ns per object (per freed object for the
// cycles, as the script prints), the stop-the-world latency inside the
// pause, each phase's share of the collection, and the collector's scratch
// memory per object: C++ heap bytes it allocated (operator new, counted
// here) and the growth of the process's resident set across the
// collection (a side table that was freed again would still show there,
// as mimalloc keeps freed pages).
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "gc/collector.h"
#include "gc/testing_types.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/stack_ref.h"
#include "object/thread_objects.h"
#include "runtime/runtime.h"

// --- C++ heap bytes, counted (the collector must allocate none) -------------
namespace {
std::atomic<int64_t> g_new_bytes{0};
}  // namespace

__attribute__((noinline)) void* operator new(size_t n) {
  g_new_bytes.fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace ftrt::gc {
namespace {

using ftrt::bench::ReportFigure;

constexpr int kReps = 9;
std::string g_shapes_flag;

// --- the anchor: python3 gc_shapes.py ----------------------------------------

bool Exists(const std::string& p) { return access(p.c_str(), R_OK) == 0; }

std::string FindShapesScript() {
  if (!g_shapes_flag.empty()) return g_shapes_flag;
  if (const char* e = std::getenv("FTRT_GC_SHAPES")) return e;
  std::vector<std::string> roots;
  if (const char* w = std::getenv("BUILD_WORKSPACE_DIRECTORY")) roots.push_back(w);
  char cwd[4096];
  if (getcwd(cwd, sizeof(cwd)) != nullptr) roots.push_back(cwd);
  for (std::string dir : roots) {
    for (int up = 0; up < 8 && !dir.empty(); ++up) {
      for (const char* rel : {"/shared/bench/gc_shapes.py", "/../shared/bench/gc_shapes.py"}) {
        if (Exists(dir + rel)) return dir + rel;
      }
      dir = dir.substr(0, dir.find_last_of('/'));
    }
  }
  return "";
}

struct PythonFigures {
  bool ran = false;
  std::string version;
  std::map<std::string, double> seconds;  // shape name -> median
};

const PythonFigures& Python() {
  static PythonFigures figures = [] {
    PythonFigures f;
    const std::string script = FindShapesScript();
    if (script.empty()) {
      std::fprintf(stderr, "gc_bench: shared/bench/gc_shapes.py not found "
                           "(--gc_shapes=PATH or FTRT_GC_SHAPES)\n");
      return f;
    }
    const std::string cmd = "python3 '" + script + "'";
    std::fprintf(stderr, "gc_bench: running %s\n", cmd.c_str());
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return f;
    char line[512];
    bool first = true;
    while (std::fgets(line, sizeof(line), p) != nullptr) {
      std::fprintf(stderr, "  python3: %s", line);
      if (first) {
        f.version = line;
        while (!f.version.empty() && f.version.back() == '\n') f.version.pop_back();
        first = false;
        continue;
      }
      // "<name padded to 24> <ms> ms  <ns> ns/..."
      std::string s(line);
      if (s.size() < 25) continue;
      std::string name = s.substr(0, 24);
      while (!name.empty() && name.back() == ' ') name.pop_back();
      double ms = 0;
      if (std::sscanf(s.c_str() + 24, "%lf ms", &ms) == 1) f.seconds[name] = ms / 1e3;
    }
    f.ran = pclose(p) == 0 && f.seconds.size() == 3;
    return f;
  }();
  return figures;
}

// --- our side -------------------------------------------------------------------

// A runtime with object/ and a collector (automatic collection off), the
// calling thread attached for the benchmark's duration.
struct Env {
  std::shared_ptr<Runtime> rt;
  Collector* gc;
  // threads: Options::threads (0: one per core).
  explicit Env(int threads) {
    rt = Runtime::Init();
    InstallObjects(*rt);
    rt->Attach();
    Options o;
    o.enabled = false;
    o.threads = threads;
    gc = &Collector::Install(*rt, o);
  }
  ~Env() {
    gc->Collect();
    MergeQueuedObjects();
    rt->Detach();
    rt->ReleaseCurrentThread();
  }
};

// gc_shapes.py's reachable(n): a list of n Pairs, each a = the previous.
Ref<> Reachable(int64_t n) {
  absl::StatusOr<Ref<>> list = ListNew();
  FTRT_CHECK(list.ok(), "list");
  std::vector<Ref<testing::Pair>> objs;
  objs.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    objs.push_back(testing::NewPair());
    FTRT_CHECK(objs.back(), "out of memory");
  }
  for (int64_t i = 0; i < n; ++i) {
    testing::SetA(objs[i].header(), objs[(i + n - 1) % n].header());
    testing::SetB(objs[i].header(), None());
    FTRT_CHECK(ListAppend(list->get(), objs[i].header()).ok(), "append");
  }
  return std::move(*list);
}

// gc_shapes.py's with_cycles(n).
Ref<> WithCycles(int64_t n) {
  Ref<> keep = Reachable(n / 2);
  for (int64_t i = 0; i < n / 4; ++i) {
    Ref<testing::Pair> x = testing::NewPair(), y = testing::NewPair();
    testing::SetA(x.header(), y.header());
    testing::SetA(y.header(), x.header());
    testing::SetB(x.header(), None());
    testing::SetB(y.header(), None());
  }
  return keep;
}

// This thread's CPU time: on a loaded machine, the part of the wall time
// the collection actually ran.
int64_t ThreadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The CPU time of every thread of the process (the helpers included).
int64_t ProcessCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int64_t RssBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long pages = 0, rss = 0;
  if (std::fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
  std::fclose(f);
  return static_cast<int64_t>(rss) * sysconf(_SC_PAGESIZE);
}

struct ShapeResult {
  std::vector<int64_t> total_ns, cpu_ns, process_cpu_ns, pause_ns, stop_ns;
  std::array<int64_t, kNumPhases> phase_sum{};
  int64_t objects = 0;  // the denominator of ns/object
  int64_t new_bytes = 0;
  int64_t rss_growth = 0;
  uint64_t collected = 0;
  uint64_t premarked = 0;  // of the last collection
};
std::map<std::string, ShapeResult> g_results;

int64_t Median(std::vector<int64_t> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void ReportShape(const std::string& n);

// How the shape's list is held while it is collected.
enum class Held { kFrameLocal, kCReference };

void RunShape(benchmark::State& state, const std::string& name, bool cycles, int threads,
              Held held = Held::kFrameLocal) {
  const int64_t n = state.range(0);
  Env env(threads);
  ShapeResult& r = g_results[name];
  r = ShapeResult{};
  for (auto _ : state) {
    env.gc->Collect();  // gc.collect() before the setup, as the script
    Ref<> keep = cycles ? WithCycles(n) : Reachable(n);
    std::optional<StackRef> frame_local;
    if (held == Held::kFrameLocal) frame_local.emplace(keep.get());
    const int64_t rss0 = RssBytes();
    const int64_t new0 = g_new_bytes.load(std::memory_order_relaxed);
    const int64_t cpu0 = ThreadCpuNs();
    const int64_t process_cpu0 = ProcessCpuNs();
    const auto t0 = std::chrono::steady_clock::now();
    const size_t freed = env.gc->Collect();
    const auto t1 = std::chrono::steady_clock::now();
    const int64_t new_bytes = g_new_bytes.load(std::memory_order_relaxed) - new0;
    const int64_t cpu = ThreadCpuNs() - cpu0;
    r.process_cpu_ns.push_back(ProcessCpuNs() - process_cpu0);
    r.new_bytes = std::max(r.new_bytes, new_bytes);
    r.cpu_ns.push_back(cpu);
    r.rss_growth = std::max(r.rss_growth, RssBytes() - rss0);
    const double secs = std::chrono::duration<double>(t1 - t0).count();
    state.SetIterationTime(secs);
    const Stats s = env.gc->GetStats();
    r.total_ns.push_back(static_cast<int64_t>(secs * 1e9));
    r.pause_ns.push_back(s.last(Phase::kPause));
    r.stop_ns.push_back(s.last(Phase::kStop));
    for (int p = 0; p < kNumPhases; ++p) {
      if (s.last_ns[static_cast<size_t>(p)] > 0) r.phase_sum[static_cast<size_t>(p)] += s.last_ns[static_cast<size_t>(p)];
    }
    r.collected = freed;
    r.objects = cycles ? static_cast<int64_t>(freed) : n;
    r.premarked = s.last_premarked;
    frame_local.reset();
    keep.Reset();  // untimed: the ring is garbage now (the script's del keep)
  }
  state.counters["ns_per_obj"] =
      static_cast<double>(Median(r.total_ns)) / static_cast<double>(std::max<int64_t>(r.objects, 1));
  state.counters["freed"] = static_cast<double>(r.collected);
  ReportShape(name);
}

// The collector as configured by default (this runtime has no other
// thread, so no stopped thread lends its core: one thread), and with the
// stopped passes on two threads (Options::threads = 2: a helper on the
// second core).
void BM_GcReachable100k(benchmark::State& s) { RunShape(s, "100k reachable", false, 0); }
void BM_GcReachable1M(benchmark::State& s) { RunShape(s, "1M reachable", false, 0); }
void BM_GcCycles1M(benchmark::State& s) { RunShape(s, "1M, 500k in 2-cycles", true, 0); }
void BM_GcReachable100k_2threads(benchmark::State& s) {
  RunShape(s, "100k reachable, 2 threads", false, 2);
}
void BM_GcReachable100k_CRef(benchmark::State& s) {
  RunShape(s, "100k reachable, C reference", false, 0, Held::kCReference);
}
void BM_GcReachable1M_CRef(benchmark::State& s) {
  RunShape(s, "1M reachable, C reference", false, 0, Held::kCReference);
}
void BM_GcCycles1M_CRef(benchmark::State& s) {
  RunShape(s, "1M, 500k in 2-cycles, C reference", true, 0, Held::kCReference);
}
void BM_GcReachable1M_2threads(benchmark::State& s) {
  RunShape(s, "1M reachable, 2 threads", false, 2);
}
void BM_GcCycles1M_2threads(benchmark::State& s) {
  RunShape(s, "1M, 500k in 2-cycles, 2 threads", true, 2);
}

// The anchor, one run of the script for all three shapes; its medians are
// reported as this benchmark's (manual) iteration times.
void RunPython(benchmark::State& state, const std::string& name) {
  const PythonFigures& f = Python();
  auto it = f.seconds.find(name);
  for (auto _ : state) state.SetIterationTime(it == f.seconds.end() ? 0 : it->second);
  if (it == f.seconds.end()) state.SkipWithError("python3 gc_shapes.py did not run");
}
void BM_Python100k(benchmark::State& s) { RunPython(s, "100k reachable"); }
void BM_Python1M(benchmark::State& s) { RunPython(s, "1M reachable"); }
void BM_PythonCycles1M(benchmark::State& s) { RunPython(s, "1M, 500k in 2-cycles"); }

BENCHMARK(BM_Python100k)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Python1M)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PythonCycles1M)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcReachable100k)->Arg(100'000)->Iterations(kReps)->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcReachable1M)->Arg(1'000'000)->Iterations(kReps)->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcCycles1M)->Arg(1'000'000)->Iterations(kReps)->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcReachable100k_CRef)->Arg(100'000)->Iterations(kReps)->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcReachable1M_CRef)->Arg(1'000'000)->Iterations(kReps)->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcCycles1M_CRef)->Arg(1'000'000)->Iterations(kReps)->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcReachable100k_2threads)->Arg(100'000)->Iterations(kReps)->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcReachable1M_2threads)->Arg(1'000'000)->Iterations(kReps)->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcCycles1M_2threads)->Arg(1'000'000)->Iterations(kReps)->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void ReportShape(const std::string& n) {
  const PythonFigures& py = Python();
  const ShapeResult& r = g_results[n];
  const double total = static_cast<double>(Median(r.total_ns));
  const double per = total / static_cast<double>(std::max<int64_t>(r.objects, 1));
  ReportFigure(n + ": collection (median of 9)", total / 1e6, "ms");
  ReportFigure(n + ": ns per " + (r.collected ? "freed object" : "object"), per, "ns");
  ReportFigure(n + ": CPU time of the collecting thread (median)",
               static_cast<double>(Median(r.cpu_ns)) / 1e6, "ms");
  ReportFigure(n + ": CPU time of all threads (median)",
               static_cast<double>(Median(r.process_cpu_ns)) / 1e6, "ms");
  // The shape's own name, without a variant's suffix; the targets are the
  // defaults' (the variants are printed beside them).
  std::string base = n;
  bool variant = false;
  for (const char* suffix : {", 2 threads", ", C reference"}) {
    if (const size_t at = base.find(suffix); at != std::string::npos) {
      base = base.substr(0, at);
      variant = true;
    }
  }
  auto py_it = py.seconds.find(base);
  if (py_it != py.seconds.end() && py_it->second > 0) {
    const double ratio = total / 1e9 / py_it->second;
    const double target = base == "100k reachable" ? 0.31 : base == "1M reachable" ? 0.32 : 0.47;
    if (variant) {
      ReportFigure(n + ": ratio to " + py.version, ratio, "x");
    } else {
      ReportFigure(n + ": ratio to " + py.version, ratio, "x", "<=", target);
    }
  }
  ReportFigure(n + ": marked from the root stacks (of the survivors)",
               static_cast<double>(r.premarked), "objects");
  ReportFigure(n + ": pause (world stopped, median)",
               static_cast<double>(Median(r.pause_ns)) / 1e6, "ms");
  ReportFigure(n + ": stop-the-world latency in the pause",
               static_cast<double>(Median(r.stop_ns)) / 1e3, "us");
  int64_t all = 0;
  for (int p = 0; p < static_cast<int>(Phase::kPause); ++p) all += r.phase_sum[static_cast<size_t>(p)];
  for (int p = 0; p < static_cast<int>(Phase::kPause); ++p) {
    const int64_t v = r.phase_sum[static_cast<size_t>(p)];
    if (v == 0) continue;
    ReportFigure(n + ": share of " + PhaseName(static_cast<Phase>(p)),
                 100.0 * static_cast<double>(v) / static_cast<double>(std::max<int64_t>(all, 1)), "%");
    ReportFigure(n + ": mean " + PhaseName(static_cast<Phase>(p)),
                 static_cast<double>(v) / kReps / 1e6, "ms");
  }
  const double objs = static_cast<double>(std::max<int64_t>(r.objects, 1));
  ReportFigure(n + ": collector heap bytes per object", static_cast<double>(r.new_bytes) / objs,
               "B", "<=", 0);
  ReportFigure(n + ": resident-set growth per object", static_cast<double>(r.rss_growth) / objs,
               "B");
}

}  // namespace
}  // namespace ftrt::gc

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--gc_shapes=", 12) == 0) {
      ftrt::gc::g_shapes_flag = argv[i] + 12;
    } else {
      args.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(args.size());
  // The anchor runs first, alone on the machine.
  (void)ftrt::gc::Python();
  using ftrt::bench::kTime;
  const std::string suffix = "/iterations:1/manual_time";
  const std::string ours = "/iterations:9/manual_time";
  int rc = ftrt::bench::RunWithRatios(
      n, args.data(),
      {
          {"BM_GcReachable100k/100000" + ours, "BM_Python100k" + suffix, kTime, "<=", 0.31},
          {"BM_GcReachable1M/1000000" + ours, "BM_Python1M" + suffix, kTime, "<=", 0.32},
          {"BM_GcCycles1M/1000000" + ours, "BM_PythonCycles1M" + suffix, kTime, "<=", 0.47},
          {"BM_GcReachable100k_CRef/100000" + ours, "BM_Python100k" + suffix, kTime, "", 0},
          {"BM_GcReachable1M_CRef/1000000" + ours, "BM_Python1M" + suffix, kTime, "", 0},
          {"BM_GcCycles1M_CRef/1000000" + ours, "BM_PythonCycles1M" + suffix, kTime, "", 0},
          {"BM_GcReachable100k_2threads/100000" + ours, "BM_Python100k" + suffix, kTime, "", 0},
          {"BM_GcReachable1M_2threads/1000000" + ours, "BM_Python1M" + suffix, kTime, "", 0},
          {"BM_GcCycles1M_2threads/1000000" + ours, "BM_PythonCycles1M" + suffix, kTime, "", 0},
      });
  return rc;
}
