// The stress runner (runner.h).
#include "tools/stress/runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "alloc/qsbr.h"
#include "object/dealloc.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/thread_objects.h"
#include "runtime/runtime.h"
#include "sync/config.h"
#include "tools/stress/collector_probe.h"
#include "tools/stress/scheduler.h"
#include "tools/stress/stress_object.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Resident set size now (statm) and at its peak (VmHWM), in bytes.
uint64_t CurrentRss() {
  std::ifstream f("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(f >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t PeakRss() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream in(line.substr(6));
      uint64_t kb = 0;
      in >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

// Sanitizer reports seen so far (ThreadSanitizer keeps running after a
// report unless halt_on_error is set; the run's report then fails).
std::atomic<uint64_t> g_sanitizer_reports{0};
char g_first_sanitizer_report[256];

CollectorProbeFactory& ProbeFactorySlot() {
  static CollectorProbeFactory factory = nullptr;
  return factory;
}

// One worker slot: its operation stream, digest, counters and the
// workloads' per-slot states. Touched by the slot's threads one after the
// other (each generation's thread is joined before the next starts, which
// orders them); the counters are also read by the sampler (relaxed).
struct Slot {
  Slot(int index, uint64_t seed, const std::vector<MixEntry>* mix, uint64_t gen_ops,
       size_t workloads)
      : index(index),
        ops(seed, index, mix),
        gens(seed, index, gen_ops),
        per_workload(new std::atomic<uint64_t>[workloads]) {
    for (size_t i = 0; i < workloads; ++i) per_workload[i].store(0, std::memory_order_relaxed);
  }

  const int index;
  OpStream ops;
  GenerationStream gens;
  OpDigest digest;
  std::unique_ptr<std::atomic<uint64_t>[]> per_workload;
  std::atomic<uint64_t> total{0};
  uint64_t generations = 0;
  bool done = false;
  std::vector<std::unique_ptr<SlotState>> states;
};

class Run final : public Env {
 public:
  Run(const Options& options, std::vector<std::pair<const WorkloadInfo*, uint32_t>> chosen,
      std::FILE* progress)
      : options_(options), chosen_(std::move(chosen)), progress_(options.quiet ? nullptr : progress) {}

  absl::StatusOr<RunOutcome> Execute();

  // --- Env ---
  Runtime& runtime() override { return *runtime_; }
  int threads() const override { return options_.threads; }
  uint64_t seed() const override { return run_seed_; }
  bool stopping() const override { return stop_.load(std::memory_order_relaxed); }
  void RunStopHooks() override {
    for (auto& w : workloads_) w->DuringStop(*this);
  }
  void RecordStopLatency(int64_t ns) override {
    std::lock_guard<std::mutex> lock(metrics_mu_);
    stw_.Record(ns);
  }
  void AddStopViolations(uint64_t n) override {
    stw_violations_.fetch_add(n, std::memory_order_relaxed);
  }
  void AddMergedDuringStops(uint64_t n) override {
    merged_during_stops_.fetch_add(n, std::memory_order_relaxed);
  }
  void AddMergedExplicitly(uint64_t n) override {
    merged_explicitly_.fetch_add(n, std::memory_order_relaxed);
  }

 private:
  void Controller(Slot& slot);
  void RunGeneration(Slot& slot, uint64_t length);
  std::vector<uint64_t> OpsPerWorkload() const;
  uint64_t TotalOps() const;
  void Sample(double t, const std::vector<uint64_t>& ops, const std::vector<uint64_t>& prev_ops,
              double dt);
  void MergeOnMainThread();
  void Finish(Report& r, bool stalled);

  const Options& options_;
  std::vector<std::pair<const WorkloadInfo*, uint32_t>> chosen_;
  std::FILE* progress_;
  uint64_t run_seed_ = 0;

  std::shared_ptr<Runtime> runtime_;
  std::unique_ptr<CollectorProbe> probe_;
  std::vector<std::unique_ptr<Workload>> workloads_;
  std::vector<size_t> after_op_;  // workloads that want AfterOp
  std::vector<MixEntry> mix_;
  std::vector<std::unique_ptr<Slot>> slots_;

  std::atomic<bool> stop_{false};
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  int controllers_done_ = 0;  // guarded by done_mu_
  std::atomic<uint64_t> start_failures_{0};
  uint64_t sanitizer_reports_before_ = 0;

  std::mutex metrics_mu_;
  LatencyHistogram stw_;  // guarded by metrics_mu_
  std::atomic<uint64_t> stw_violations_{0};
  std::atomic<uint64_t> merged_during_stops_{0};
  std::atomic<uint64_t> merged_explicitly_{0};

  Report report_;
};

void Run::RunGeneration(Slot& slot, uint64_t length) {
  WorkerContext ctx;
  ctx.slot = slot.index;
  ctx.generation = slot.generations;
  ctx.ts = ThreadState::Current();
  ctx.env = this;
  for (size_t w = 0; w < workloads_.size(); ++w) {
    ctx.state = slot.states[w].get();
    workloads_[w]->ThreadStart(ctx);
  }
  const uint64_t limit = options_.ops_per_thread;
  for (uint64_t n = 0; n < length; ++n) {
    if (limit != 0 ? slot.total.load(std::memory_order_relaxed) >= limit
                   : stop_.load(std::memory_order_relaxed)) {
      slot.done = true;
      break;
    }
    const Op op = slot.ops.Next();
    slot.digest.Add(op);
    ctx.state = slot.states[op.workload].get();
    workloads_[op.workload]->Run(ctx, op);
    // Owner-only counters: load and store, no read-modify-write.
    std::atomic<uint64_t>& c = slot.per_workload[op.workload];
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    slot.total.store(slot.total.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    for (size_t w : after_op_) {
      ctx.state = slot.states[w].get();
      workloads_[w]->AfterOp(ctx);
    }
    // Between operations the thread holds no lock-free reference: a QSBR
    // quiescent state (as an interpreter reports between bytecodes), then
    // the safepoint (stops, merges, collections).
    alloc::Qsbr::Quiescent(ctx.ts->qsbr());
    ctx.ts->Safepoint();
  }
  for (size_t w = workloads_.size(); w-- > 0;) {
    ctx.state = slot.states[w].get();
    workloads_[w]->ThreadExit(ctx);
  }
}

void Run::Controller(Slot& slot) {
  while (!slot.done) {
    const uint64_t length = slot.gens.Next();
    absl::StatusOr<std::thread> t =
        runtime_->StartThread([this, &slot, length] { RunGeneration(slot, length); });
    if (!t.ok()) {
      start_failures_.fetch_add(1, std::memory_order_relaxed);
      std::fprintf(stderr, "[stress] slot %d: cannot start a thread: %s\n", slot.index,
                   t.status().ToString().c_str());
      break;
    }
    t->join();
    ++slot.generations;
  }
  std::lock_guard<std::mutex> lock(done_mu_);
  ++controllers_done_;
  done_cv_.notify_all();
}

std::vector<uint64_t> Run::OpsPerWorkload() const {
  std::vector<uint64_t> ops(workloads_.size(), 0);
  for (const auto& s : slots_) {
    for (size_t w = 0; w < workloads_.size(); ++w) {
      ops[w] += s->per_workload[w].load(std::memory_order_relaxed);
    }
  }
  return ops;
}

uint64_t Run::TotalOps() const {
  uint64_t n = 0;
  for (const auto& s : slots_) n += s->total.load(std::memory_order_relaxed);
  return n;
}

void Run::MergeOnMainThread() {
  // Objects the main thread made in Setup are counted by every worker;
  // their owners' merge queues are drained at the owner's safepoints, so
  // the main thread takes one now and then.
  AttachGuard attach(*runtime_);  // may wait for a stop to end
  AddMergedExplicitly(MergeQueuedObjects());
}

void Run::Sample(double t, const std::vector<uint64_t>& ops, const std::vector<uint64_t>& prev_ops,
                 double dt) {
  TimelinePoint p;
  p.t = t;
  uint64_t delta_total = 0;
  for (size_t w = 0; w < ops.size(); ++w) {
    const uint64_t d = ops[w] - prev_ops[w];
    delta_total += d;
    p.ops_per_s.push_back(dt > 0 ? static_cast<double>(d) / dt : 0);
  }
  p.live_objects = runtime_->allocator().GetStats().live_objects;
  if (probe_) p.collections = probe_->Collections();
  p.rss_bytes = CurrentRss();
  report_.timeline.push_back(p);
  if (progress_ != nullptr) {
    std::fprintf(progress_, "[stress] %6.1fs  %12s ops/s  collections %-6s  live objects %-10s  rss %s\n",
                 t, FormatCount(static_cast<uint64_t>(dt > 0 ? static_cast<double>(delta_total) / dt : 0)).c_str(),
                 p.collections ? FormatCount(*p.collections).c_str() : "n/a",
                 FormatCount(p.live_objects).c_str(), FormatBytes(p.rss_bytes).c_str());
    std::fflush(progress_);
  }
}

absl::StatusOr<RunOutcome> Run::Execute() {
  Report& r = report_;
  r.seed = options_.seed;
  r.shard_index = options_.shard_index;
  r.shard_count = options_.shard_count;
  run_seed_ = ShardSeed(options_.seed, options_.shard_index, options_.shard_count);
  r.shard_seed = run_seed_;
  r.threads = options_.threads;
  r.seconds_requested = options_.ops_per_thread != 0 ? 0 : options_.seconds;
  r.ops_per_thread = options_.ops_per_thread;
  r.config = BuildConfigName();
  r.command_line = options_.command_line;
  uint64_t max_rss_mb = options_.max_rss_mb;
  if (max_rss_mb == 0) max_rss_mb = (kTsan || kAsan) ? 16384 : 4096;
  r.rss_limit_bytes = max_rss_mb << 20;

  if (progress_ != nullptr) {
    std::string names;
    for (auto& [info, weight] : chosen_) {
      absl::StrAppend(&names, names.empty() ? "" : ",", info->name);
      if (weight != 1) absl::StrAppend(&names, ":", weight);
    }
    std::fprintf(progress_, "[stress] seed %llu%s  threads %d  %s  workloads %s  (%s build)\n",
                 static_cast<unsigned long long>(options_.seed),
                 options_.shard_count > 1
                     ? absl::StrFormat(" shard %d/%d (seed %llu)", options_.shard_index,
                                       options_.shard_count,
                                       static_cast<unsigned long long>(run_seed_))
                           .c_str()
                     : "",
                 options_.threads,
                 options_.ops_per_thread != 0
                     ? absl::StrFormat("%llu ops per thread",
                                       static_cast<unsigned long long>(options_.ops_per_thread))
                           .c_str()
                     : absl::StrFormat("%.1f s", options_.seconds).c_str(),
                 names.c_str(), r.config.c_str());
    std::fflush(progress_);
  }

  sanitizer_reports_before_ = g_sanitizer_reports.load(std::memory_order_relaxed);
  const uint64_t made_before = StressCounts().made.load();
  const uint64_t freed_before = StressCounts().freed.load();

  runtime_ = Runtime::Init();
  InstallObjects(*runtime_);
  runtime_->Attach();
  if (CollectorProbeFactory f = GetCollectorProbeFactory()) {
    probe_ = f();
    probe_->Install(*runtime_);
  }
  for (auto& [info, weight] : chosen_) {
    workloads_.push_back(info->factory());
    MixEntry e;
    e.weight = weight;
    for (const OpKind& k : workloads_.back()->Kinds()) e.kind_weights.push_back(k.weight);
    mix_.push_back(std::move(e));
    if (workloads_.back()->wants_after_op()) after_op_.push_back(workloads_.size() - 1);
  }
  for (auto& w : workloads_) w->Setup(*this);
  for (int i = 0; i < options_.threads; ++i) {
    auto slot = std::make_unique<Slot>(i, run_seed_, &mix_, options_.generation_ops,
                                       workloads_.size());
    for (auto& w : workloads_) slot->states.push_back(w->NewSlotState(i));
    slots_.push_back(std::move(slot));
  }
  MergeQueuedObjects();
  runtime_->Detach();

  // Start the slots' controllers (plain threads, never attached).
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> controllers;
  for (auto& s : slots_) controllers.emplace_back([this, &s] { Controller(*s); });

  // Sample once a second until every controller is done.
  const bool timed = options_.ops_per_thread == 0;
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.seconds));
  Clock::time_point next_tick = start + std::chrono::seconds(1);
  Clock::time_point last_progress_time = start;
  uint64_t last_progress_ops = 0;
  std::vector<uint64_t> prev_ops(workloads_.size(), 0);
  Clock::time_point prev_sample = start;
  bool stalled = false;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(done_mu_);
      Clock::time_point wake = next_tick;
      if (timed && !stop_.load(std::memory_order_relaxed)) wake = std::min(wake, deadline);
      if (probe_) wake = std::min(wake, Clock::now() + std::chrono::milliseconds(2));
      done_cv_.wait_until(lock, wake, [&] {
        return controllers_done_ == options_.threads;
      });
      if (controllers_done_ == options_.threads) break;
    }
    const Clock::time_point now = Clock::now();
    if (probe_) probe_->Poll();
    if (timed && now >= deadline) stop_.store(true, std::memory_order_relaxed);
    if (now >= next_tick) {
      std::vector<uint64_t> ops = OpsPerWorkload();
      Sample(SecondsBetween(start, now), ops, prev_ops, SecondsBetween(prev_sample, now));
      prev_ops = ops;
      prev_sample = now;
      next_tick += std::chrono::seconds(1);
      if (next_tick < now) next_tick = now + std::chrono::seconds(1);
      MergeOnMainThread();
      const uint64_t total = TotalOps();
      if (total != last_progress_ops) {
        last_progress_ops = total;
        last_progress_time = now;
      } else if (SecondsBetween(last_progress_time, now) >= options_.stall_seconds) {
        std::fprintf(stderr,
                     "[stress] no operation completed for %.0f s: a deadlock or a lost wake-up; "
                     "giving up (seed %llu)\n",
                     options_.stall_seconds, static_cast<unsigned long long>(options_.seed));
        stalled = true;
        stop_.store(true, std::memory_order_relaxed);
        break;
      }
    }
  }
  const Clock::time_point end = Clock::now();
  r.elapsed_s = SecondsBetween(start, end);
  if (stalled) {
    // The workers are stuck: report what we have, without the teardown.
    for (auto& t : controllers) t.detach();
    Finish(r, /*stalled=*/true);
    Check c{"run", "progress", Mark::kFail,
            absl::StrFormat("no operation completed for %.0f s (deadlock?)", options_.stall_seconds)};
    r.checks.insert(r.checks.begin(), c);
    return RunOutcome{r, true};
  }
  for (auto& t : controllers) t.join();
  {
    const double dt = SecondsBetween(prev_sample, end);
    if (dt >= 0.05 || r.timeline.empty()) {
      std::vector<uint64_t> ops = OpsPerWorkload();
      Sample(SecondsBetween(start, end), ops, prev_ops, dt);
    }
  }

  // Teardown: the workers are gone; drop everything, then finalize.
  runtime_->Attach();
  for (size_t w = workloads_.size(); w-- > 0;) {
    std::vector<SlotState*> states;
    for (auto& s : slots_) states.push_back(s->states[w].get());
    workloads_[w]->Teardown(*this, states);
  }
  for (auto& s : slots_) s->states.clear();
  AddMergedExplicitly(MergeQueuedObjects());
  if (probe_) {
    probe_->CollectNow();
    probe_->Poll();
  }
  // Deferred objects the collector does not track (a deferred object need
  // not be GC-capable) are freed by object/'s own collection.
  CollectDeferred(*runtime_);
  AddMergedExplicitly(MergeQueuedObjects());
  r.left_queued = QueuedObjectCount();
  runtime_->Finalize();
  // Finalized: frees run at once again on this (the finalizer) thread.
  FreeObjectsPendingAfterStop();
  AddMergedExplicitly(MergeQueuedObjects());

  // The leak check: every object still allocated must be immortal.
  r.leak_checked = true;
  runtime_->allocator().ForEachObject([&](ObjectHeader* op) {
    if (IsImmortal(op)) {
      ++r.immortal_after_finalization;
    } else {
      ++r.live_after_finalization;
      if (r.live_after_finalization <= 10) {
        std::string what;
        if (op->ob_type != nullptr && IsStr(op)) {
          absl::StatusOr<absl::string_view> u = StrAsUtf8(op);
          if (u.ok()) what = absl::StrCat(" '", u->substr(0, 40), "'");
        }
        std::fprintf(stderr, "[stress] leaked: object %p of type %s%s (local %u, shared %lld)\n",
                     static_cast<void*>(op),
                     op->ob_type != nullptr && op->ob_type->tp_name != nullptr
                         ? op->ob_type->tp_name
                         : "?",
                     what.c_str(), static_cast<unsigned>(op->ob_ref_local),
                     static_cast<long long>(op->ob_ref_shared));
      }
    }
  });
  const alloc::Stats stats = runtime_->allocator().GetStats();
  r.allocator_live_objects = stats.live_objects;
  r.delayed_frees_pending = stats.delayed_frees_pending;
  r.stress_objects_made = StressCounts().made.load() - made_before;
  r.stress_objects_freed = StressCounts().freed.load() - freed_before;
  Finish(r, /*stalled=*/false);
  std::vector<Check> workload_checks;
  for (auto& w : workloads_) w->Checks(*this, workload_checks);
  if (kTsan || kAsan) {
    const uint64_t n = g_sanitizer_reports.load(std::memory_order_relaxed) - sanitizer_reports_before_;
    workload_checks.push_back(
        {"sanitizer", kTsan ? "ThreadSanitizer" : "AddressSanitizer", n == 0 ? Mark::kPass : Mark::kFail,
         n == 0 ? std::string("no report during the run")
                : absl::StrCat(n, " reports; first: ", g_first_sanitizer_report)});
  }
  if (start_failures_.load() != 0) {
    workload_checks.push_back({"run", "worker threads", Mark::kFail,
                               absl::StrCat(start_failures_.load(), " failed to start")});
  }
  r.checks.insert(r.checks.end(), workload_checks.begin(), workload_checks.end());
  probe_.reset();
  workloads_.clear();
  runtime_.reset();
  return RunOutcome{r, false};
}

// Fills in the figures common to a finished and a stalled run.
void Run::Finish(Report& r, bool stalled) {
  const std::vector<uint64_t> ops = OpsPerWorkload();
  for (size_t w = 0; w < workloads_.size(); ++w) {
    WorkloadFigures f;
    f.name = chosen_[w].first->name;
    f.layers = chosen_[w].first->layers;
    f.ops = ops[w];
    f.ops_per_s = r.elapsed_s > 0 ? static_cast<double>(ops[w]) / r.elapsed_s : 0;
    if (!stalled) f.summary = workloads_[w]->Summary();
    r.throughput.push_back(f);
    r.total_ops += ops[w];
  }
  for (const auto& s : slots_) {
    r.slots.push_back({s->index, s->total.load(std::memory_order_relaxed),
                       stalled ? 0 : s->generations, stalled ? "" : s->digest.Hex()});
  }
  {
    std::lock_guard<std::mutex> lock(metrics_mu_);
    r.stw = stw_;
  }
  r.stw_violations = stw_violations_.load();
  r.merged_during_stops = merged_during_stops_.load();
  r.merged_explicitly = merged_explicitly_.load();
  r.peak_rss_bytes = PeakRss();
  if (probe_ && !stalled) {
    r.collector = probe_->Figures();
  } else if (!probe_) {
    r.collector.available = false;
    r.collector.source = "gc/ is not built into the runner yet";
  }
  AddFigureChecks(r);
}

}  // namespace

#if defined(FTRT_TSAN) || defined(FTRT_ASAN)
// sanitizer/common_interface_defs.h: called with the "SUMMARY: ..." line of
// every report. Counts it for the run's report and prints it, as the
// default does. Runs inside the sanitizer's reporting path: no allocation.
extern "C" void __sanitizer_report_error_summary(const char* summary) {
  if (g_sanitizer_reports.fetch_add(1, std::memory_order_relaxed) == 0) {
    std::strncpy(g_first_sanitizer_report, summary, sizeof(g_first_sanitizer_report) - 1);
  }
  const size_t n = std::strlen(summary);
  ssize_t ignored = write(2, summary, n);
  ignored = write(2, "\n", 1);
  (void)ignored;
}
#endif

bool RegisterCollectorProbe(CollectorProbeFactory factory) {
  ProbeFactorySlot() = factory;
  return true;
}

CollectorProbeFactory GetCollectorProbeFactory() { return ProbeFactorySlot(); }

const char* BuildConfigName() {
  if (kTsan) return "tsan";
  if (kAsan) return "asan";
  if (kDebugChecks) return "debug";
  return "default";
}

absl::StatusOr<std::vector<std::pair<const WorkloadInfo*, uint32_t>>> ResolveWorkloads(
    const Options& options) {
  std::vector<std::pair<const WorkloadInfo*, uint32_t>> out;
  if (options.workloads.empty()) {
    for (const WorkloadInfo& info : AllWorkloads()) {
      if (info.factory != nullptr && info.in_default_mix) {
        out.emplace_back(FindWorkload(info.name), 1);
      }
    }
    if (out.empty()) return absl::FailedPreconditionError("no workload is available");
    return out;
  }
  for (const auto& [name, weight] : options.workloads) {
    const WorkloadInfo* info = FindWorkload(name);
    if (info == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown workload '", name, "' (--list shows them)"));
    }
    if (info->factory == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "workload '", name, "' is planned but not available yet: it needs ", info->waiting_for));
    }
    for (const auto& [seen, w] : out) {
      if (seen == info) {
        return absl::InvalidArgumentError(absl::StrCat("workload '", name, "' given twice"));
      }
    }
    out.emplace_back(info, weight);
  }
  return out;
}

std::string ListWorkloads() {
  std::string out = "available workloads (default mix: all of these):\n";
  for (const WorkloadInfo& info : AllWorkloads()) {
    if (info.factory == nullptr) continue;
    absl::StrAppend(&out, absl::StrFormat("  %-18s %s\n  %-18s   (%s)\n", info.name, info.summary,
                                          "", info.layers));
  }
  std::string planned;
  for (const WorkloadInfo& info : AllWorkloads()) {
    if (info.factory != nullptr) continue;
    absl::StrAppend(&planned, absl::StrFormat("  %-18s %s\n  %-18s   (waits for %s)\n", info.name,
                                              info.summary, "", info.waiting_for));
  }
  if (!planned.empty()) absl::StrAppend(&out, "planned, waiting for their layers:\n", planned);
  return out;
}

absl::StatusOr<RunOutcome> RunStress(const Options& options, std::FILE* progress) {
  absl::StatusOr<std::vector<std::pair<const WorkloadInfo*, uint32_t>>> chosen =
      ResolveWorkloads(options);
  if (!chosen.ok()) return chosen.status();
  // A stalled run leaves worker threads running that still use it: it is
  // then never destroyed (the caller exits).
  auto run = std::make_unique<Run>(options, *std::move(chosen), progress);
  absl::StatusOr<RunOutcome> outcome = run->Execute();
  if (outcome.ok() && outcome->stalled) static_cast<void>(run.release());
  return outcome;
}

}  // namespace ftrt::stress
