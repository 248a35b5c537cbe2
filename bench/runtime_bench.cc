// runtime/ benchmarks: the cost of a safepoint with nothing pending, the
// latency of stop-the-world, and an attach+detach round trip.
//
//   * BM_Safepoint vs BM_EmptyLoop and BM_RelaxedLoad: 1000 safepoints per
//     iteration on an attached thread, against 1000 iterations of an empty
//     loop (a compiler barrier only) and 1000 relaxed loads + branch of a
//     global atomic. Target: at most 1 ns per safepoint over the empty loop
//     (reported as a figure, from the same run).
//   * BM_StopTheWorld/N: N attached threads spin on safepoints; the time
//     from StopTheWorld's call to its return (all parked), median and 99th
//     percentile. Target: median < 50 us at 8 threads on 2 cores.
//   * BM_AttachDetach: one Attach + Detach of a thread that has its state,
//     against an uncontended std::mutex lock+unlock.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "runtime/runtime.h"

namespace ftrt {
namespace {

constexpr int kInner = 1000;

std::shared_ptr<Runtime>& BenchRuntime() {
  static std::shared_ptr<Runtime> rt = Runtime::Init();
  return rt;
}

void BM_EmptyLoop(benchmark::State& state) {
  for (auto _ : state) {
    for (int i = 0; i < kInner; ++i) __asm__ __volatile__("" ::: "memory");
  }
  state.SetItemsProcessed(state.iterations() * kInner);
}
BENCHMARK(BM_EmptyLoop);

std::atomic<uint32_t> g_word{0};
FTRT_NOINLINE void SlowNever() { g_word.store(0, std::memory_order_relaxed); }

void BM_RelaxedLoad(benchmark::State& state) {
  for (auto _ : state) {
    for (int i = 0; i < kInner; ++i) {
      if (FTRT_UNLIKELY(g_word.load(std::memory_order_relaxed) != 0)) SlowNever();
      __asm__ __volatile__("" ::: "memory");
    }
  }
  state.SetItemsProcessed(state.iterations() * kInner);
}
BENCHMARK(BM_RelaxedLoad);

void BM_Safepoint(benchmark::State& state) {
  AttachGuard g(*BenchRuntime());
  ThreadState* ts = ThreadState::Current();
  for (auto _ : state) {
    for (int i = 0; i < kInner; ++i) {
      ts->Safepoint();
      __asm__ __volatile__("" ::: "memory");
    }
  }
  state.SetItemsProcessed(state.iterations() * kInner);
}
BENCHMARK(BM_Safepoint);

// The free function: the thread's state from TLS, then the same test.
void BM_SafepointFromTls(benchmark::State& state) {
  AttachGuard g(*BenchRuntime());
  for (auto _ : state) {
    for (int i = 0; i < kInner; ++i) {
      Safepoint();
      __asm__ __volatile__("" ::: "memory");
    }
  }
  state.SetItemsProcessed(state.iterations() * kInner);
}
BENCHMARK(BM_SafepointFromTls);

void BM_StopTheWorld(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Runtime& rt = *BenchRuntime();
  std::atomic<bool> done{false};
  std::atomic<int> ready{0};
  std::vector<std::thread> spinners;
  for (int i = 0; i < n; ++i) {
    spinners.emplace_back([&] {
      AttachGuard g(rt);
      ThreadState* ts = ThreadState::Current();
      ready.fetch_add(1);
      while (!done.load(std::memory_order_relaxed)) {
        for (int k = 0; k < 64; ++k) ts->Safepoint();
      }
    });
  }
  while (ready.load() < n) std::this_thread::yield();
  std::vector<double> us;
  us.reserve(static_cast<size_t>(state.max_iterations));
  for (auto _ : state) {
    // Let every spinner get back on a CPU before the next request.
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    const auto t0 = std::chrono::steady_clock::now();
    rt.StopTheWorld();
    const auto t1 = std::chrono::steady_clock::now();
    rt.StartTheWorld();
    const double s = std::chrono::duration<double>(t1 - t0).count();
    state.SetIterationTime(s);
    us.push_back(s * 1e6);
  }
  done.store(true);
  for (auto& t : spinners) t.join();
  std::sort(us.begin(), us.end());
  const double median = us[us.size() / 2];
  const double p99 = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  state.counters["median_us"] = median;
  state.counters["p99_us"] = p99;
  const std::string name = "stop-the-world latency, " + std::to_string(n) + " threads";
  if (n == 8) {
    bench::ReportFigure(name + ", median", median, "us", "<=", 50);
  } else {
    bench::ReportFigure(name + ", median", median, "us");
  }
  bench::ReportFigure(name + ", p99", p99, "us");
}
BENCHMARK(BM_StopTheWorld)->Arg(2)->Arg(8)->Iterations(1000)->UseManualTime();
BENCHMARK(BM_StopTheWorld)->Arg(32)->Iterations(300)->UseManualTime();

void BM_AttachDetach(benchmark::State& state) {
  Runtime& rt = *BenchRuntime();
  rt.Attach();  // create the state outside the loop
  rt.Detach();
  for (auto _ : state) {
    rt.Attach();
    rt.Detach();
  }
}
BENCHMARK(BM_AttachDetach);

void BM_StdMutexLockUnlock(benchmark::State& state) {
  std::mutex mu;
  for (auto _ : state) {
    mu.lock();
    mu.unlock();
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_StdMutexLockUnlock);

// The safepoint's overhead over the empty loop, in ns, measured here with
// both loops interleaved (best of several trials) so the figure comes from
// one run.
void BM_SafepointOverhead(benchmark::State& state) {
  AttachGuard g(*BenchRuntime());
  ThreadState* ts = ThreadState::Current();
  constexpr int kN = 20'000'000;
  double best_empty = 1e30, best_sp = 1e30;
  for (auto _ : state) {
    for (int trial = 0; trial < 5; ++trial) {
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < kN; ++i) __asm__ __volatile__("" ::: "memory");
      auto t1 = std::chrono::steady_clock::now();
      for (int i = 0; i < kN; ++i) {
        ts->Safepoint();
        __asm__ __volatile__("" ::: "memory");
      }
      auto t2 = std::chrono::steady_clock::now();
      best_empty = std::min(best_empty, std::chrono::duration<double, std::nano>(t1 - t0).count());
      best_sp = std::min(best_sp, std::chrono::duration<double, std::nano>(t2 - t1).count());
    }
  }
  const double over = (best_sp - best_empty) / kN;
  state.counters["overhead_ns"] = over;
  bench::ReportFigure("Safepoint() overhead over an empty loop iteration", over, "ns", "<=", 1.0);
}
BENCHMARK(BM_SafepointOverhead)->Iterations(1);

}  // namespace
}  // namespace ftrt

int main(int argc, char** argv) {
  int rc = ftrt::bench::RunWithRatios(
      argc, argv,
      {
          {"BM_Safepoint", "BM_EmptyLoop", ftrt::bench::kTime, "", 0},
          {"BM_Safepoint", "BM_RelaxedLoad", ftrt::bench::kTime, "", 0},
          {"BM_SafepointFromTls", "BM_Safepoint", ftrt::bench::kTime, "", 0},
          {"BM_AttachDetach", "BM_StdMutexLockUnlock", ftrt::bench::kTime, "", 0},
      });
  ftrt::BenchRuntime().reset();
  return rc;
}
