// The collector: installation, the automatic trigger, and one collection's
// sequence of stops, steps and timings (collector.h; the steps are in
// passes.cc).
#include "gc/collector.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "gc/passes.h"
#include "gc/workers.h"
#include "object/errors.h"
#include "object/thread_objects.h"
#include "sync/thread_id.h"

namespace ftrt::gc {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void DefaultUnraisable(const absl::Status& error, ObjectHeader* obj, const char* where) {
  std::fprintf(stderr, "Exception ignored in: <%s of '%s' object at %p>\n%s\n", where,
               obj->ob_type->tp_name, static_cast<void*>(obj), error.ToString().c_str());
}

// Times the steps of one collection into a CollectionRecord.
class PhaseTimer {
 public:
  explicit PhaseTimer(CollectionRecord& rec) : rec_(rec), last_(NowNs()) {}
  // Ends the current phase as `p`; returns its duration.
  int64_t End(Phase p) {
    const int64_t now = NowNs();
    const int64_t d = now - last_;
    rec_.Add(p, d);
    last_ = now;
    return d;
  }

 private:
  CollectionRecord& rec_;
  int64_t last_;
};

}  // namespace

Collector::Collector(Runtime& runtime, const Options& options)
    : runtime_(runtime),
      heap_divisor_(std::max<int64_t>(1, options.heap_divisor)),
      enabled_(options.enabled),
      threshold_(options.threshold),
      threads_(options.threads),
      parallel_min_(options.parallel_min_objects),
      alive_stack_(new ObjectHeader*[kAliveStackEntries]) {}

int Collector::ThreadsFor(int stopped) const {
  // By default the cores the stop idled: one per other thread of the
  // runtime (each is parked or was detached), at most one per core in all.
  int n = threads_.load(std::memory_order_relaxed);
  if (n <= 0) {
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    n = std::min(cores, 1 + stopped);
  }
  n = std::clamp(n, 1, internal::kMaxGcThreads);
  if (n == 1) return 1;
  const int64_t estimate = survivors_.load(std::memory_order_relaxed) +
                           alloc_count_.load(std::memory_order_relaxed);
  return estimate < parallel_min_.load(std::memory_order_relaxed) ? 1 : n;
}

Collector& Collector::Install(Runtime& runtime, const Options& options) {
  FTRT_CHECK(Find(runtime) == nullptr, "gc: a collector is already installed on this runtime");
  // Never deleted (see collector.h); object/'s per-runtime state keeps the
  // pointer (the allocation hook's argument), which is also how Find works.
  auto* c = new Collector(runtime, options);
  c->work_bit_ = runtime.AddSafepointHook(&Collector::OnSafepoint, c);
  SetGcAllocationHook(runtime, &Collector::OnAllocations, c);
  return *c;
}

Collector* Collector::Find(Runtime& runtime) {
  return static_cast<Collector*>(GcAllocationHookArg(runtime));
}

bool Collector::CollectingOnThisThread() const {
  return collecting_tid_.load(std::memory_order_relaxed) == CurrentThreadId();
}

void Collector::SetUnraisableHook(UnraisableHook hook, void* arg) {
  unraisable_arg_.store(arg, std::memory_order_relaxed);
  unraisable_hook_.store(hook, std::memory_order_release);
}

void Collector::ReportUnraisable(const absl::Status& error, ObjectHeader* obj, const char* where) {
  if (UnraisableHook hook = unraisable_hook_.load(std::memory_order_acquire)) {
    hook(error, obj, where, unraisable_arg_.load(std::memory_order_relaxed));
  } else {
    DefaultUnraisable(error, obj, where);
  }
}

Stats Collector::GetStats() const { return stats_.Get(); }

// --- the automatic trigger -------------------------------------------------

void Collector::OnAllocations(ThreadState* ts, uint32_t n, void* arg) {
  auto* c = static_cast<Collector*>(arg);
  const int64_t count = c->alloc_count_.fetch_add(n, std::memory_order_relaxed) + n;
  if (!c->enabled()) return;
  const int64_t limit = std::max(c->threshold(), c->survivors_.load(std::memory_order_relaxed) /
                                                     c->heap_divisor_);
  if (count < limit) return;
  // A collection already running resets the count when it stops the world.
  if (c->collecting_tid_.load(std::memory_order_relaxed) != 0) return;
  // Only ask: the collection runs at this thread's next safepoint, never
  // inside the allocation.
  ts->RequestSafepointWork(c->work_bit_);
}

void Collector::OnSafepoint(ThreadState* ts, void* arg) {
  auto* c = static_cast<Collector*>(arg);
  if (&ts->runtime() != &c->runtime_) return;
  c->CollectWith(Reason::kAutomatic);
}

// --- a collection ---------------------------------------------------------------

size_t Collector::Collect() { return CollectWith(Reason::kManual); }

size_t Collector::CollectWith(Reason reason) {
  ThreadState* ts = ThreadState::Current();
  FTRT_CHECK(ts != nullptr && &ts->runtime() == &runtime_,
             "gc: Collect on a thread not attached to the collector's runtime");
  // Never inside a collection of this thread (a finalizer, a weak reference
  // callback or tp_clear asking for one).
  if (CollectingOnThisThread()) return 0;
  if (reason == Reason::kAutomatic) {
    if (!enabled() || runtime_.finalizing()) return 0;
    if (!collect_mu_.TryLock()) return 0;  // another thread is collecting
    const int64_t limit =
        std::max(threshold(), survivors_.load(std::memory_order_relaxed) / heap_divisor_);
    if (alloc_count_.load(std::memory_order_relaxed) < limit) {
      collect_mu_.Unlock();  // one just ran
      return 0;
    }
  } else {
    collect_mu_.Lock();  // parks detached if another thread is collecting
  }
  collecting_tid_.store(CurrentThreadId(), std::memory_order_relaxed);
  const size_t n = CollectLocked(reason);
  collecting_tid_.store(0, std::memory_order_relaxed);
  collect_mu_.Unlock();
  return n;
}

size_t Collector::CollectLocked(Reason reason) {
  CollectionRecord rec;
  rec.automatic = reason == Reason::kAutomatic;
  internal::Collection c(runtime_.allocator());
  c.alive_stack = alive_stack_.get();
  c.alive_capacity = kAliveStackEntries;
  auto report = [this](const absl::Status& e, ObjectHeader* op, const char* where) {
    ReportUnraisable(e, op, where);
  };
  const int64_t start = NowNs();
  PhaseTimer timer(rec);

  // --- the stop ---
  runtime_.StopTheWorld();
  timer.End(Phase::kStop);
  int others = 0;
  runtime_.ForEachThread([&](ThreadState* ts) { others += ts != ThreadState::Current(); });
  c.threads = ThreadsFor(others);
  alloc_count_.store(0, std::memory_order_relaxed);
  MergeAllQueuedObjectsDuringStop(runtime_);
  timer.End(Phase::kMerge);
  internal::CountRefs(runtime_, c);
  timer.End(Phase::kCount);
  internal::MarkReachable(c);
  timer.End(Phase::kMark);
  internal::ScanHeap(c);
  timer.End(Phase::kScan);
  internal::ClearWeakRefs(c);
  timer.End(Phase::kWeakrefs);
  runtime_.StartTheWorld();
  int64_t pause = NowNs() - start;
  timer.End(Phase::kRestart);

  // --- world running: what the stop freed, callbacks, finalizers ---
  // Code we do not control runs from here on; the caller's own pending
  // error (if any) is kept aside so that theirs can be told apart.
  absl::Status callers_error = absl::OkStatus();
  if (ErrorIndicatorSet()) callers_error = TakeErrorIndicator();
  FreeObjectsPendingAfterStop();
  internal::RunWeakRefCallbacks(c);
  internal::FinalizeUnreachable(c, report);
  timer.End(Phase::kFinalize);

  if (c.finalizers_called > 0 && c.unreachable != nullptr) {
    // A finalizer may have stored a reference to an unreachable object
    // anywhere: find those (a second, short stop).
    const int64_t t0 = NowNs();
    runtime_.StopTheWorld();
    const int64_t stopped = NowNs();
    rec.Add(Phase::kStop, stopped - t0);
    internal::HandleResurrected(c);
    runtime_.StartTheWorld();
    pause += NowNs() - t0;
    timer.End(Phase::kResurrect);
    FreeObjectsPendingAfterStop();
  }

  // --- world running: break the cycles ---
  const size_t collected = c.num_unreachable;
  internal::ClearUnreachable(c, report);
  FreeObjectsPendingAfterStop();
  timer.End(Phase::kClear);
  if (!callers_error.ok()) SetErrorIndicator(std::move(callers_error));

  // Objects premarked and then counted late are among c.survivors too.
  const size_t premarked_only = c.premarked - c.premarked_late;
  survivors_.store(static_cast<int64_t>(c.survivors + premarked_only), std::memory_order_relaxed);
  rec.collected = collected;
  rec.uncollectable = c.errors;
  rec.resurrected = c.resurrected;
  rec.finalizers_called = c.finalizers_called;
  rec.weakrefs_cleared = c.weakrefs_cleared;
  rec.survivors = c.survivors + premarked_only;
  rec.candidates = c.candidates + premarked_only;
  rec.premarked = premarked_only;
  rec.Add(Phase::kPause, pause);
  rec.Add(Phase::kTotal, NowNs() - start);
  stats_.Record(rec);
  return collected;
}

}  // namespace ftrt::gc
