// object/'s built-in containers, each beside its baselines in the same
// binary (issue 7):
//   - list reads: GetItemRef from 2 threads (and 1) while a third thread
//     appends at a fixed rate (and trims, so the list keeps resizing),
//     against (a) the same ftrt list with readers that take its critical
//     section and (b) a std::vector<int64_t> behind a std::shared_mutex.
//     Target: lock-free reads at least 2x the locked variant's throughput
//     at 2 threads. The readers read 1,000 items at random, twice over:
//       _SmallInts: the items are small ints (immortal: taking a reference
//         writes nothing), like the vector's plain ints, so the run
//         measures the list's own synchronization; the target is on these;
//       _Objects: ordinary shared int objects, so each read also
//         increments and decrements the item's shared count on a line the
//         other reader writes too (both variants pay it; report only).
//     Counters: appends_per_s (the writer kept pace in every variant) and
//     fallback_rate (lock-free reads that took the section).
//   - dict lookups of str keys, hit and miss, 1 and 2 threads, against an
//     absl::flat_hash_map<std::string, int64_t> behind a std::shared_mutex
//     (report only). A hit returns a new reference to the value.
// Ratios at 2 threads need 2 idle cores: on a busy machine the two readers
// share one core and no variant scales (compare threads:2 with threads:1).
// Every thread that touches objects is attached to one Runtime; readers
// report a QSBR quiescent state every 256 reads (what a runtime does
// between bytecodes), so the writer's old arrays are reclaimed. The shared
// objects are made on a thread that then exits, so they are unowned with
// merged counts, as long-lived shared data is.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "alloc/qsbr.h"
#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "object/dict.h"
#include "object/int.h"
#include "object/list.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/thread_objects.h"
#include "runtime/runtime.h"
#include "runtime/thread_state.h"
#include "sync/critical_section.h"
#include "sync/mutex.h"

namespace {

using ftrt::Ref;

constexpr int64_t kListItems = 100'000;   // the readers' range
constexpr int64_t kAppendBurst = 50'000;  // appended then trimmed, repeatedly
constexpr int64_t kDictKeys = 10'000;

std::shared_ptr<ftrt::Runtime> g_runtime;

// xorshift64*: a few cycles per number, so the loops measure the reads.
class FastRng {
 public:
  explicit FastRng(uint64_t seed) : x_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t operator()() {
    x_ ^= x_ >> 12;
    x_ ^= x_ << 25;
    x_ ^= x_ >> 27;
    return x_ * 0x2545F4914F6CDD1Dull;
  }

 private:
  uint64_t x_;
};

// Attaches the calling benchmark thread for its run.
class Attached {
 public:
  Attached() { g_runtime->Attach(); }
  ~Attached() { g_runtime->Detach(); }
};

inline void QuiescentEvery(uint64_t n) {
  if ((n & 255) == 0) ftrt::alloc::Qsbr::Quiescent(ftrt::ThreadState::Current()->qsbr());
}

// Runs fn on a runtime thread that then exits: the objects it made are left
// unowned with their counts merged (refcount.h T8), as long-lived shared
// data is, so readers take references with one atomic on the shared count.
template <typename Fn>
void OnExitedThread(Fn fn) {
  std::thread t = *g_runtime->StartThread(fn);
  t.join();
}

// ---- list -----------------------------------------------------------------

PyObject* g_small_int_list = nullptr;  // kListItems small ints (immortal)
PyObject* g_object_list = nullptr;     // kListItems shared int objects
std::vector<int64_t> g_vector;
std::shared_mutex g_vector_mu;

// The third thread: appends past the readers' range at a fixed rate
// (kAppendsPerSecond, the same for every variant, so each measures its
// readers under the same writer load), trimming the list back after every
// kAppendBurst appends, so the list grows and shrinks and its array is
// replaced several times per burst. Between appends it yields the CPU.
// The appends it managed are reported (appends_per_s) to show it kept up.
constexpr double kAppendsPerSecond = 200'000;

class Appender {
 public:
  template <typename AppendFn, typename TrimFn>
  Appender(AppendFn append, TrimFn trim) {
    thread_ = *g_runtime->StartThread([this, append, trim] {
      const auto start = std::chrono::steady_clock::now();
      int64_t done = 0;
      while (!stop_.load(std::memory_order_relaxed)) {
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const auto due = static_cast<int64_t>(elapsed * kAppendsPerSecond);
        while (done < due) {
          append(done);
          if (++done % kAppendBurst == 0) trim();
          if ((done & 255) == 0) {
            ftrt::alloc::Qsbr::Quiescent(ftrt::ThreadState::Current()->qsbr());
          }
        }
        // Sleep (not spin) until more appends are due: the appender must
        // not take a core from the readers in one variant and not another.
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      trim();
      appends_ = done;
      seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    });
  }
  // Stops the thread; returns the appends per second it achieved.
  double Stop() {
    stop_.store(true, std::memory_order_release);
    g_runtime->Detach();  // the appender's grace periods need not wait for us
    thread_.join();
    g_runtime->Attach();
    return seconds_ > 0 ? static_cast<double>(appends_) / seconds_ : 0;
  }
  ~Appender() {
    if (thread_.joinable()) Stop();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int64_t appends_ = 0;
  double seconds_ = 0;
};

// What the appender appends: made once (on an exited thread, like the
// lists' items), so the appender measures list operations, not allocation.
std::vector<PyObject*> g_append_pool;

// Readers of `list` (lock-free, or inside its critical section) while an
// Appender appends to it.
void ListReads(benchmark::State& state, PyObject* list, bool locked) {
  Attached attached;
  std::unique_ptr<Appender> appender;
  if (state.thread_index() == 0) {
    appender = std::make_unique<Appender>(
        [list](int64_t v) {
          (void)ftrt::ListAppend(list,
                                 g_append_pool[static_cast<size_t>(v) % g_append_pool.size()]);
        },
        [list] { (void)ftrt::ListSetSlice(list, kListItems, PY_SSIZE_T_MAX, nullptr); });
  }
  FastRng rng(42 + state.thread_index());
  ftrt::Mutex& mu = *reinterpret_cast<ftrt::Mutex*>(&list->ob_mutex);
  auto* raw = reinterpret_cast<ftrt::ListObject*>(list);
  uint64_t n = 0;
  int64_t sum = 0;
  const uint64_t fallbacks_before = ftrt::internal::ListReadFallbacksForTesting();
  if (!locked) {
    for (auto _ : state) {
      const Py_ssize_t i = static_cast<Py_ssize_t>(rng() % kListItems);
      absl::StatusOr<Ref<>> item = ftrt::ListGetItemRef(list, i);
      sum += ftrt::IntValue(item->get());
      QuiescentEvery(++n);
    }
  } else {
    for (auto _ : state) {
      const Py_ssize_t i = static_cast<Py_ssize_t>(rng() % kListItems);
      Ref<> item;
      {
        ftrt::CriticalSection cs(mu);
        if (i < raw->ob_base.ob_size) item = Ref<>::NewRef(raw->ob_item[i]);
      }
      sum += ftrt::IntValue(item.get());
      QuiescentEvery(++n);
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
  if (appender) state.counters["appends_per_s"] = appender->Stop();
  if (!locked) {
    // The share of reads that fell back to the critical section.
    state.counters["fallback_rate"] = benchmark::Counter(
        static_cast<double>(ftrt::internal::ListReadFallbacksForTesting() - fallbacks_before) /
            static_cast<double>(std::max<int64_t>(1, state.iterations())),
        benchmark::Counter::kAvgThreads);
  }
}

// Items that are small ints (immortal: taking a reference writes nothing),
// like the vector's plain ints: the list's own synchronization alone.
void BM_ListGetItemRef_SmallInts(benchmark::State& state) {
  ListReads(state, g_small_int_list, false);
}
void BM_ListGetItemLocked_SmallInts(benchmark::State& state) {
  ListReads(state, g_small_int_list, true);
}
// Items that are ordinary shared objects: each read also increments and
// decrements the item's shared count, on a cache line the other reader
// writes too (the same in both variants).
void BM_ListGetItemRef_Objects(benchmark::State& state) { ListReads(state, g_object_list, false); }
void BM_ListGetItemLocked_Objects(benchmark::State& state) {
  ListReads(state, g_object_list, true);
}

// Baseline: a std::vector behind a std::shared_mutex.
void BM_VectorSharedMutex(benchmark::State& state) {
  Attached attached;
  std::unique_ptr<Appender> appender;
  if (state.thread_index() == 0) {
    appender = std::make_unique<Appender>(
        [](int64_t v) {
          std::unique_lock l(g_vector_mu);
          g_vector.push_back(v);
        },
        [] {
          std::unique_lock l(g_vector_mu);
          g_vector.resize(kListItems);
          g_vector.shrink_to_fit();
        });
  }
  FastRng rng(42 + state.thread_index());
  int64_t sum = 0;
  for (auto _ : state) {
    const size_t i = static_cast<size_t>(rng() % kListItems);
    std::shared_lock l(g_vector_mu);
    sum += g_vector[i];
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
  if (appender) state.counters["appends_per_s"] = appender->Stop();
}

BENCHMARK(BM_ListGetItemRef_SmallInts)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_ListGetItemLocked_SmallInts)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_ListGetItemRef_Objects)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_ListGetItemLocked_Objects)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_VectorSharedMutex)->Threads(2)->UseRealTime();

// ---- dict -----------------------------------------------------------------

PyObject* g_dict = nullptr;          // kDictKeys str keys -> int values
std::vector<PyObject*> g_hit_keys;   // the stored key objects
std::vector<PyObject*> g_miss_keys;  // absent keys (hashes cached)
absl::flat_hash_map<std::string, int64_t> g_map;
std::vector<std::string> g_hit_strings, g_miss_strings;
std::shared_mutex g_map_mu;

void DictLookup(benchmark::State& state, const std::vector<PyObject*>& keys) {
  Attached attached;
  FastRng rng(7 + state.thread_index());
  uint64_t n = 0;
  int64_t found = 0;
  for (auto _ : state) {
    PyObject* key = keys[rng() % keys.size()];
    absl::StatusOr<Ref<>> v = ftrt::DictGetItemRefOrNull(g_dict, key);
    found += *v ? 1 : 0;
    QuiescentEvery(++n);
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(state.iterations());
}

void MapLookup(benchmark::State& state, const std::vector<std::string>& keys) {
  FastRng rng(7 + state.thread_index());
  int64_t found = 0;
  for (auto _ : state) {
    const std::string& key = keys[rng() % keys.size()];
    std::shared_lock l(g_map_mu);
    auto it = g_map.find(key);
    found += it != g_map.end() ? it->second : 0;
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(state.iterations());
}

void BM_DictLookupHit(benchmark::State& state) { DictLookup(state, g_hit_keys); }
void BM_DictLookupMiss(benchmark::State& state) { DictLookup(state, g_miss_keys); }
void BM_MapLookupHit(benchmark::State& state) { MapLookup(state, g_hit_strings); }
void BM_MapLookupMiss(benchmark::State& state) { MapLookup(state, g_miss_strings); }

BENCHMARK(BM_DictLookupHit)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_MapLookupHit)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_DictLookupMiss)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_MapLookupMiss)->Threads(1)->Threads(2)->UseRealTime();

void SetUp() {
  g_runtime = ftrt::Runtime::Init();
  ftrt::InstallObjects(*g_runtime);
  OnExitedThread([] {
    g_small_int_list = ftrt::ListNew()->Release();
    g_object_list = ftrt::ListNew()->Release();
    for (int64_t v = 0; v < kAppendBurst; ++v) {
      g_append_pool.push_back(ftrt::IntFromInt64(2'000'000 + v)->Release());
    }
    for (int64_t v = 0; v < kListItems; ++v) {
      Ref<> item = *ftrt::IntFromInt64(1000 + v);
      (void)ftrt::ListAppend(g_object_list, item.get());
      (void)ftrt::ListAppend(g_small_int_list, ftrt::SmallInt(v % (ftrt::kSmallIntMax + 1)));
      g_vector.push_back(1000 + v);
    }
    g_dict = ftrt::DictNew()->Release();
    for (int64_t k = 0; k < kDictKeys; ++k) {
      const std::string hit = "key:" + std::to_string(k);
      const std::string miss = "absent:" + std::to_string(k);
      Ref<> key = *ftrt::StrFromUtf8(hit);
      Ref<> value = *ftrt::IntFromInt64(1000 + k);
      (void)ftrt::DictSetItem(g_dict, key.get(), value.get());
      Ref<> absent = *ftrt::StrFromUtf8(miss);
      (void)ftrt::StrHash(absent.get());
      g_hit_keys.push_back(key.Release());
      g_miss_keys.push_back(absent.Release());
      g_map.emplace(hit, 1000 + k);
      g_hit_strings.push_back(hit);
      g_miss_strings.push_back(miss);
    }
  });
}

void TearDown() {
  g_runtime->Attach();
  ftrt::Decref(g_small_int_list);
  ftrt::Decref(g_object_list);
  ftrt::Decref(g_dict);
  for (PyObject* k : g_hit_keys) ftrt::Decref(k);
  for (PyObject* k : g_miss_keys) ftrt::Decref(k);
  for (PyObject* p : g_append_pool) ftrt::Decref(p);
  g_runtime->Detach();
  g_runtime->ReleaseCurrentThread();
  g_runtime.reset();
}

}  // namespace

int main(int argc, char** argv) {
  using ftrt::bench::kThroughput;
  SetUp();
  const int rc = ftrt::bench::RunWithRatios(
      argc, argv,
      {
          {"BM_ListGetItemRef_SmallInts/real_time/threads:2",
           "BM_ListGetItemLocked_SmallInts/real_time/threads:2", kThroughput, ">=", 2.0},
          {"BM_ListGetItemRef_SmallInts/real_time/threads:1",
           "BM_ListGetItemLocked_SmallInts/real_time/threads:1", kThroughput, "", 0},
          {"BM_ListGetItemRef_SmallInts/real_time/threads:2",
           "BM_VectorSharedMutex/real_time/threads:2", kThroughput, "", 0},
          {"BM_ListGetItemRef_Objects/real_time/threads:2",
           "BM_ListGetItemLocked_Objects/real_time/threads:2", kThroughput, "", 0},
          {"BM_ListGetItemRef_Objects/real_time/threads:2",
           "BM_ListGetItemRef_Objects/real_time/threads:1", kThroughput, "", 0},
          {"BM_DictLookupHit/real_time/threads:1", "BM_MapLookupHit/real_time/threads:1",
           kThroughput, "", 0},
          {"BM_DictLookupHit/real_time/threads:2", "BM_MapLookupHit/real_time/threads:2",
           kThroughput, "", 0},
          {"BM_DictLookupMiss/real_time/threads:1", "BM_MapLookupMiss/real_time/threads:1",
           kThroughput, "", 0},
          {"BM_DictLookupMiss/real_time/threads:2", "BM_MapLookupMiss/real_time/threads:2",
           kThroughput, "", 0},
      });
  TearDown();
  return rc;
}
