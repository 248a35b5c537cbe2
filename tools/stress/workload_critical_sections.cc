// Workload "critical_sections": per-object critical sections (sync/'s
// critical-section stack on each object's 1-byte ob_mutex) on pairs of
// shared objects, taken in both orders.
//
// Objects: a few stress objects made in Setup and shared by every thread.
// Each carries two counters, a and b, written only inside a section on the
// object and kept equal by every writer before anything that may block.
// Operations:
//   pair         CriticalSection2(x, y) with (x, y) in either order: both
//                held, both checked and incremented;
//   nested       CriticalSection(x) then CriticalSection(y) inside it, in
//                either order (the case that deadlocks two plain mutexes):
//                only the innermost section is guaranteed held, so each
//                object is checked and written only while its own section
//                is the innermost one (the outer is re-checked after the
//                inner ends, when it has been re-locked);
//   suspend      a section on x, then a detach and re-attach inside it
//                (Py_BEGIN_ALLOW_THREADS): the section is suspended and
//                re-locked, and x is consistent again afterwards;
//   read_pair    a two-object section that only reads.
// Invariants: a == b whenever a section on the object is held (a mismatch
// is counted as a violation), and at the end a == b == the increments the
// slots counted for that object. No deadlock (the runner's watchdog).
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "sync/critical_section.h"
#include "tools/stress/stress_object.h"
#include "tools/stress/report.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

struct CsSlot : SlotState {
  std::vector<int64_t> increments;
  uint64_t violations = 0;
};

class CriticalSectionWorkload : public Workload {
 public:
  enum Kind : uint32_t { kPair, kNested, kSuspend, kReadPair };

  std::vector<OpKind> Kinds() const override {
    return {{"pair", 4}, {"nested", 4}, {"suspend", 1}, {"read_pair", 2}};
  }

  void Setup(Env& env) override {
    n_ = std::max(4, env.threads() / 2 + 2);
    for (int i = 0; i < n_; ++i) {
      objects_.push_back(NewStressObject(-1 - i));
      FTRT_CHECK(objects_.back(), "critical_sections: cannot allocate its objects");
    }
  }

  std::unique_ptr<SlotState> NewSlotState(int) override {
    auto s = std::make_unique<CsSlot>();
    s->increments.assign(n_, 0);
    return s;
  }

  void Run(WorkerContext& ctx, const Op& op) override {
    CsSlot& st = ctx.State<CsSlot>();
    SplitMix64 r(op.arg);
    const int i = static_cast<int>(r.Below(n_));
    int j = static_cast<int>(r.Below(n_ - 1));
    if (j >= i) ++j;
    StressObject* x = objects_[i].get();
    StressObject* y = objects_[j].get();
    const bool yield_inside = r.OneIn(8);
    switch (op.kind) {
      case kPair: {
        CriticalSection2 cs(MutexOf(x), MutexOf(y));
        CheckAndBump(st, x, i, false);
        CheckAndBump(st, y, j, yield_inside);
        break;
      }
      case kNested: {
        CriticalSection outer(MutexOf(x));
        CheckAndBump(st, x, i, false);
        {
          // May suspend the outer section while it waits for y.
          CriticalSection inner(MutexOf(y));
          CheckAndBump(st, y, j, yield_inside);
        }
        // The outer section is innermost again (re-locked if it had been
        // suspended): x must be consistent.
        Verify(st, x);
        break;
      }
      case kSuspend: {
        CriticalSection cs(MutexOf(x));
        CheckAndBump(st, x, i, false);
        {
          DetachGuard detach;  // suspends the section; others may take x now
          if (yield_inside) std::this_thread::yield();
        }
        // Re-attached: the section was re-locked.
        CheckAndBump(st, x, i, false);
        break;
      }
      case kReadPair: {
        CriticalSection2 cs(MutexOf(y), MutexOf(x));
        Verify(st, x);
        Verify(st, y);
        break;
      }
    }
  }

  void Teardown(Env&, const std::vector<SlotState*>& slots) override {
    expected_.assign(n_, 0);
    for (SlotState* s : slots) {
      auto* st = static_cast<CsSlot*>(s);
      for (int i = 0; i < n_; ++i) expected_[i] += st->increments[i];
      violations_ += st->violations;
    }
    for (int i = 0; i < n_; ++i) {
      StressObject* o = objects_[i].get();
      CriticalSection cs(MutexOf(o));
      a_.push_back(o->a);
      b_.push_back(o->b);
    }
    objects_.clear();  // drop the shared objects
  }

  void Checks(Env&, std::vector<Check>& out) override {
    int wrong = 0;
    int64_t total = 0;
    for (int i = 0; i < n_; ++i) {
      wrong += a_[i] != expected_[i] || b_[i] != expected_[i];
      total += expected_[i];
    }
    out.push_back({"critical_sections", "consistency",
                   violations_ == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%d objects seen inconsistent while their section was held",
                                   violations_)});
    out.push_back({"critical_sections", "no lost update", wrong == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%s increments on %d objects; %d objects off", FormatCount(total), n_, wrong)});
  }

  std::string Summary() const override {
    int64_t total = 0;
    for (int64_t e : expected_) total += e;
    return absl::StrFormat("%s section writes on %d shared objects", FormatCount(total), n_);
  }

 private:
  // Inside a section that holds o's mutex.
  static void Verify(CsSlot& st, StressObject* o) {
    if (o->a != o->b) ++st.violations;
  }
  static void CheckAndBump(CsSlot& st, StressObject* o, int index, bool yield_inside) {
    Verify(st, o);
    ++o->a;
    if (yield_inside) std::this_thread::yield();  // holding the section: not a block
    ++o->b;
    ++st.increments[index];
  }

  int n_ = 0;
  std::vector<Ref<StressObject>> objects_;
  std::vector<int64_t> expected_, a_, b_;
  uint64_t violations_ = 0;
};

FTRT_STRESS_WORKLOAD(CriticalSectionWorkload, "critical_sections", 20,
                     "per-object critical sections on pairs of objects, in both orders, nested and suspended",
                     "sync/ critical sections, runtime/ detach");

}  // namespace
}  // namespace ftrt::stress
