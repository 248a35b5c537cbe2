// Workload "mutex": sync/'s 1-byte Mutex under contention from every
// worker thread: Lock, TryLock, LockWithTimeout, and two locks taken in
// address order, each guarding a plain (non-atomic) counter.
//
// Invariant: each counter equals the number of increments the threads say
// they made under its lock (counted per slot, summed at the end). A lost
// update means mutual exclusion failed; TSan would also report the plain
// counter's race. More threads than cores and short critical sections
// with occasional yields inside exercise the spin, park and hand-off paths
// (a parked waiter is detached from the runtime by sync/'s blocking hooks,
// so stops proceed while it sleeps).
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "sync/mutex.h"
#include "tools/stress/report.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

constexpr int kLocks = 16;

struct alignas(64) Guarded {
  Mutex mu;
  int64_t value ABSL_GUARDED_BY(mu) = 0;
};

struct MutexSlot : SlotState {
  std::vector<int64_t> increments = std::vector<int64_t>(kLocks, 0);
  uint64_t timeouts = 0;
  uint64_t try_failures = 0;
};

class MutexWorkload : public Workload {
 public:
  enum Kind : uint32_t { kLock, kTryLock, kTimeout, kTwo };

  std::vector<OpKind> Kinds() const override {
    return {{"lock", 6}, {"try_lock", 2}, {"lock_with_timeout", 1}, {"two_locks", 2}};
  }

  std::unique_ptr<SlotState> NewSlotState(int) override { return std::make_unique<MutexSlot>(); }

  void Run(WorkerContext& ctx, const Op& op) override {
    MutexSlot& st = ctx.State<MutexSlot>();
    SplitMix64 r(op.arg);
    const int i = static_cast<int>(r.Below(kLocks));
    Guarded& g = locks_[i];
    const bool yield_inside = r.OneIn(16);
    switch (op.kind) {
      case kLock: {
        MutexLock lock(g.mu);
        Bump(g, yield_inside);
        ++st.increments[i];
        break;
      }
      case kTryLock:
        if (g.mu.TryLock()) {
          Bump(g, yield_inside);
          g.mu.Unlock();
          ++st.increments[i];
        } else {
          ++st.try_failures;
        }
        break;
      case kTimeout: {
        const int64_t timeout_ns = static_cast<int64_t>(r.Below(200'000));
        if (g.mu.LockWithTimeout(timeout_ns)) {
          Bump(g, yield_inside);
          g.mu.Unlock();
          ++st.increments[i];
        } else {
          ++st.timeouts;
        }
        break;
      }
      case kTwo: {
        int j = static_cast<int>(r.Below(kLocks - 1));
        if (j >= i) ++j;
        Guarded& a = locks_[std::min(i, j)];
        Guarded& b = locks_[std::max(i, j)];
        MutexLock la(a.mu);
        MutexLock lb(b.mu);
        Bump(a, false);
        Bump(b, yield_inside);
        ++st.increments[i];
        ++st.increments[j];
        break;
      }
    }
  }

  void Teardown(Env&, const std::vector<SlotState*>& slots) override {
    expected_.assign(kLocks, 0);
    for (SlotState* s : slots) {
      auto* st = static_cast<MutexSlot*>(s);
      for (int i = 0; i < kLocks; ++i) expected_[i] += st->increments[i];
      timeouts_ += st->timeouts;
      try_failures_ += st->try_failures;
    }
  }

  void Checks(Env&, std::vector<Check>& out) override {
    int64_t want = 0, got = 0;
    int wrong = 0;
    for (int i = 0; i < kLocks; ++i) {
      MutexLock lock(locks_[i].mu);
      want += expected_[i];
      got += locks_[i].value;
      wrong += locks_[i].value != expected_[i];
    }
    out.push_back({"mutex", "mutual exclusion", wrong == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%s guarded increments counted, %s made; %d of %d counters off",
                                   FormatCount(got), FormatCount(want), wrong, kLocks)});
  }

  std::string Summary() const override {
    return absl::StrFormat("%s timeouts, %s busy try-locks", FormatCount(timeouts_), FormatCount(try_failures_));
  }

 private:
  static void Bump(Guarded& g, bool yield_inside) ABSL_EXCLUSIVE_LOCKS_REQUIRED(g.mu) {
    const int64_t v = g.value;
    if (yield_inside) std::this_thread::yield();  // widen the window a lost update needs
    g.value = v + 1;
  }

  std::unique_ptr<Guarded[]> locks_ = std::make_unique<Guarded[]>(kLocks);
  std::vector<int64_t> expected_;
  uint64_t timeouts_ = 0;
  uint64_t try_failures_ = 0;
};

FTRT_STRESS_WORKLOAD(MutexWorkload, "mutex", 10,
                     "1-byte Mutex: lock, try-lock, timed lock, two locks; counters must add up",
                     "sync/ Mutex, parking lot, blocking hooks");

}  // namespace
}  // namespace ftrt::stress
