// Workload "threads": runtime/'s thread machinery under load: safepoints,
// detach and re-attach, stop-the-world, and short threads created and
// exiting while everything else runs.
//
// Operations:
//   safepoints   a few Safepoint() calls (where stops, merges and
//                quiescent states happen);
//   detach       detach for a moment (Py_BEGIN_ALLOW_THREADS): yield, sleep
//                a few microseconds, or nothing, then re-attach (which
//                waits while the world is stopped);
//   stop         StopTheWorld(), timed until it returns (the latency the
//                report plots), then, with every other thread parked:
//                check that no other thread is attached, drain every
//                thread's merge queue (object/'s
//                MergeAllQueuedObjectsDuringStop), and run the other
//                workloads' DuringStop checks; then StartTheWorld() and
//                free what reached zero during the stop. At most one stop
//                per kMinStopGapNs across all threads (only the spacing is
//                timed; the choice of operation is not);
//   spawn        start a thread with Runtime::StartThread that makes a few
//                objects, leaves some in a shared pool and exits (its
//                objects are unowned at its exit and later dropped by
//                others); the spawning thread joins it detached;
//   pool_take    take objects out of that pool and drop them.
// Besides these, the runner itself replaces every worker thread after a
// random number of operations (--thread-ops), so thread exit with live
// objects, queued merges and held references is continuous.
//
// Checks: no thread attached during any stop; every spawned thread ran.
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "object/thread_objects.h"
#include "runtime/runtime.h"
#include "sync/mutex.h"
#include "tools/stress/stress_object.h"
#include "tools/stress/report.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

constexpr int64_t kMinStopGapNs = 2'000'000;  // 2 ms
constexpr size_t kMaxPool = 256;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct ThreadsSlot : SlotState {
  uint64_t stops = 0, spawned = 0, spawn_failed = 0, detaches = 0;
};

class ThreadsWorkload : public Workload {
 public:
  enum Kind : uint32_t { kSafepoints, kDetach, kStop, kSpawn, kPoolTake };

  std::vector<OpKind> Kinds() const override {
    return {{"safepoints", 16}, {"detach", 12}, {"stop", 2}, {"spawn", 1}, {"pool_take", 4}};
  }

  std::unique_ptr<SlotState> NewSlotState(int) override { return std::make_unique<ThreadsSlot>(); }

  void Run(WorkerContext& ctx, const Op& op) override {
    ThreadsSlot& st = ctx.State<ThreadsSlot>();
    SplitMix64 r(op.arg);
    switch (op.kind) {
      case kSafepoints:
        for (int i = 0; i < 4; ++i) ctx.ts->Safepoint();
        break;
      case kDetach: {
        DetachGuard detach;
        ++st.detaches;
        switch (r.Below(3)) {
          case 0:
            std::this_thread::yield();
            break;
          case 1:
            std::this_thread::sleep_for(std::chrono::microseconds(1 + r.Below(20)));
            break;
          default:
            break;
        }
        break;
      }
      case kStop:
        Stop(ctx, st);
        break;
      case kSpawn:
        Spawn(ctx, st, r.Next());
        break;
      case kPoolTake: {
        std::vector<ObjectHeader*> taken;
        {
          MutexLock lock(pool_mu_);
          for (uint64_t n = 1 + r.Below(4); n > 0 && !pool_.empty(); --n) {
            const size_t i = r.Below(pool_.size());
            taken.push_back(pool_[i]);
            pool_[i] = pool_.back();
            pool_.pop_back();
          }
        }
        for (ObjectHeader* o : taken) Decref(o);  // outside the lock
        break;
      }
    }
  }

  void Teardown(Env&, const std::vector<SlotState*>& slots) override {
    std::vector<ObjectHeader*> left;
    {
      MutexLock lock(pool_mu_);
      left.swap(pool_);
    }
    for (ObjectHeader* o : left) Decref(o);
    for (SlotState* s : slots) {
      auto* st = static_cast<ThreadsSlot*>(s);
      stops_ += st->stops;
      spawned_ += st->spawned;
      spawn_failed_ += st->spawn_failed;
      detaches_ += st->detaches;
    }
  }

  void Checks(Env&, std::vector<Check>& out) override {
    const uint64_t ran = children_ran_.load();
    out.push_back({"threads", "spawned threads",
                   spawn_failed_ == 0 && ran == spawned_ ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%s started and ran to the end, %d failed to start", FormatCount(ran),
                                   spawn_failed_)});
  }

  std::string Summary() const override {
    return absl::StrFormat("%s stops, %s short threads, %s detaches", FormatCount(stops_), FormatCount(spawned_), FormatCount(detaches_));
  }

 private:
  void Stop(WorkerContext& ctx, ThreadsSlot& st) {
    const int64_t now = NowNs();
    int64_t last = last_stop_ns_.load(std::memory_order_relaxed);
    if (now - last < kMinStopGapNs ||
        !last_stop_ns_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
      ctx.ts->Safepoint();  // too soon after the last stop: a safepoint instead
      return;
    }
    Runtime& rt = ctx.env->runtime();
    const int64_t t0 = NowNs();
    rt.StopTheWorld();
    const int64_t t1 = NowNs();
    uint64_t attached_others = 0;
    rt.ForEachThread([&](ThreadState* ts) {
      if (ts != ctx.ts && ts->status() == ThreadStatus::kAttached) ++attached_others;
    });
    const size_t merged = MergeAllQueuedObjectsDuringStop(rt);
    ctx.env->RunStopHooks();
    rt.StartTheWorld();
    FreeObjectsPendingAfterStop();
    ctx.env->RecordStopLatency(t1 - t0);
    ctx.env->AddStopViolations(attached_others);
    ctx.env->AddMergedDuringStops(merged);
    ++st.stops;
  }

  void Spawn(WorkerContext& ctx, ThreadsSlot& st, uint64_t seed) {
    Runtime& rt = ctx.env->runtime();
    absl::StatusOr<std::thread> t = rt.StartThread([this, seed] { Child(seed); });
    if (!t.ok()) {
      ++st.spawn_failed;
      return;
    }
    ++st.spawned;
    DetachGuard detach;  // a stop must not wait for us while we join
    t->join();
  }

  // A short thread: makes objects (it owns them), leaves some in the pool,
  // takes and drops a few others, and exits with objects still alive.
  void Child(uint64_t seed) {
    SplitMix64 r(seed);
    std::vector<ObjectHeader*> to_pool;
    Ref<StressObject> prev;
    for (uint64_t n = 1 + r.Below(8); n > 0; --n) {
      Ref<StressObject> o = NewStressObject(0);
      if (!o) break;
      if (prev && r.OneIn(2)) o->next = Ref<>::NewRef(prev.header()).Release();
      if (r.OneIn(2)) to_pool.push_back(Ref<>::NewRef(o.header()).Release());
      prev = std::move(o);
    }
    std::vector<ObjectHeader*> overflow;
    {
      MutexLock lock(pool_mu_);
      for (ObjectHeader* o : to_pool) pool_.push_back(o);
      while (pool_.size() > kMaxPool) {
        overflow.push_back(pool_.front());
        pool_.erase(pool_.begin());
      }
    }
    for (ObjectHeader* o : overflow) Decref(o);
    ThreadState::Current()->Safepoint();
    children_ran_.fetch_add(1, std::memory_order_relaxed);
    // Exit: object/ merges our queue and unowns what we still own.
  }

  Mutex pool_mu_;
  std::vector<ObjectHeader*> pool_ ABSL_GUARDED_BY(pool_mu_);  // each owns a reference
  std::atomic<int64_t> last_stop_ns_{0};
  std::atomic<uint64_t> children_ran_{0};
  uint64_t stops_ = 0, spawned_ = 0, spawn_failed_ = 0, detaches_ = 0;
};

FTRT_STRESS_WORKLOAD(ThreadsWorkload, "threads", 50,
                     "safepoints, detach/attach, stop-the-world, short threads started and exiting mid-run",
                     "runtime/ Runtime, ThreadState, StopTheWorld, StartThread; object/ thread exit");

}  // namespace
}  // namespace ftrt::stress
