// Workload "alloc": alloc/'s Allocator used directly, with its own QSBR.
//
// The workload owns a private alloc::Allocator (one per Runtime is the
// rule for the runtime's own; a process may hold several), so its blocks
// carry no object/ semantics: object/'s thread-exit path never sees them,
// and the allocator's own contracts are what is tested. Each worker thread
// creates a ThreadHeap and a QSBR slot when it starts and releases them
// when it exits (its live blocks stay valid, owned by no thread, and are
// freed later by others). Operations:
//   alloc       allocate 1-8 objects of random sizes (mostly small, a few
//               jumbo), GC-capable or not, stamp their bodies, keep them;
//   free_own    free some kept blocks on this thread (checking the stamp);
//   send        hand kept blocks to another slot;
//   receive     take the blocks sent to this slot: free them here
//               (a free from a thread that did not allocate them) or keep;
//   raw         AllocRaw blocks, freed at once or through QSBR
//               (FreeDelayed, as a container frees an old item array);
//   collect     Allocator::Collect on this thread's heap.
// Each operation is followed by a QSBR quiescent state on the private
// slot (the runner's AfterOp). During every stop of the world (the threads
// workload), with every worker parked, the visitor must find exactly the
// live objects the allocator counts, each still carrying its stamp.
//
// Checks: no stamp was ever damaged, visits matched the counts, no
// allocation failed, and after the teardown the allocator holds no live
// object.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/str_format.h"
#include "alloc/allocator.h"
#include "alloc/qsbr.h"
#include "sync/mutex.h"
#include "sync/thread_id.h"
#include "tools/stress/report.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

constexpr size_t kMaxKept = 256;

struct Block {
  void* p;
  uint32_t size;
};

uint64_t StampOf(const void* p, uint32_t size) {
  return (reinterpret_cast<uintptr_t>(p) * 0x9E3779B97F4A7C15ull) ^ size ^ 0x5EED5EED;
}

// The body after the 32-byte header: [stamp][size].
void Stamp(void* p, uint32_t size) {
  auto* body = reinterpret_cast<uint64_t*>(static_cast<char*>(p) + sizeof(ObjectHeader));
  body[0] = StampOf(p, size);
  body[1] = size;
}

bool StampOk(const void* p) {
  auto* body = reinterpret_cast<const uint64_t*>(static_cast<const char*>(p) + sizeof(ObjectHeader));
  return body[0] == StampOf(p, static_cast<uint32_t>(body[1]));
}

struct AllocSlot : SlotState {
  alloc::ThreadHeap* heap = nullptr;  // this slot's current thread's heap
  alloc::QsbrThread* qsbr = nullptr;
  std::vector<Block> kept;            // blocks this slot will free
  Mutex inbox_mu;
  std::vector<Block> inbox ABSL_GUARDED_BY(inbox_mu);  // sent by other slots
  uint64_t allocs = 0, frees = 0, remote_frees = 0, raw = 0, delayed = 0;
  uint64_t failed = 0, bad_stamps = 0;
};

class AllocWorkload : public Workload {
 public:
  enum Kind : uint32_t { kAlloc, kFreeOwn, kSend, kReceive, kRaw, kCollect };

  AllocWorkload() { wants_after_op_ = true; }

  std::vector<OpKind> Kinds() const override {
    return {{"alloc", 6}, {"free_own", 4}, {"send", 2}, {"receive", 3}, {"raw", 3}, {"collect", 1}};
  }

  void Setup(Env& env) override {
    allocator_ = std::make_unique<alloc::Allocator>();
    slots_.assign(env.threads(), nullptr);
  }

  std::unique_ptr<SlotState> NewSlotState(int slot) override {
    auto s = std::make_unique<AllocSlot>();
    slots_[slot] = s.get();
    return s;
  }

  void ThreadStart(WorkerContext& ctx) override {
    AllocSlot& st = ctx.State<AllocSlot>();
    st.heap = allocator_->CreateThreadHeap(CurrentThreadId());
    FTRT_CHECK(st.heap != nullptr, "alloc: CreateThreadHeap failed");
    st.qsbr = allocator_->qsbr().Register();
    FTRT_CHECK(st.qsbr != nullptr, "alloc: Qsbr::Register failed");
    allocator_->qsbr().Attach(st.qsbr);
  }

  void ThreadExit(WorkerContext& ctx) override {
    AllocSlot& st = ctx.State<AllocSlot>();
    // The kept blocks stay alive, unowned, for the slot's next thread.
    allocator_->ReleaseThreadHeap(st.heap);
    st.heap = nullptr;
    allocator_->qsbr().Unregister(st.qsbr);
    st.qsbr = nullptr;
  }

  void AfterOp(WorkerContext& ctx) override {
    alloc::Qsbr::Quiescent(ctx.State<AllocSlot>().qsbr);
  }

  void Run(WorkerContext& ctx, const Op& op) override {
    AllocSlot& st = ctx.State<AllocSlot>();
    SplitMix64 r(op.arg);
    switch (op.kind) {
      case kAlloc:
        for (uint64_t n = 1 + r.Below(8); n > 0; --n) {
          const uint32_t size = PickSize(r);
          void* p = allocator_->AllocObject(st.heap, size, r.OneIn(2));
          if (p == nullptr) {
            ++st.failed;
            continue;
          }
          Stamp(p, size);
          ++st.allocs;
          st.kept.push_back({p, size});
        }
        while (st.kept.size() > kMaxKept) {
          FreeBlock(st, st.kept.front(), false);
          st.kept.erase(st.kept.begin());
        }
        break;
      case kFreeOwn:
        for (uint64_t n = 1 + r.Below(8); n > 0 && !st.kept.empty(); --n) {
          const size_t i = r.Below(st.kept.size());
          FreeBlock(st, st.kept[i], false);
          st.kept[i] = st.kept.back();
          st.kept.pop_back();
        }
        break;
      case kSend: {
        AllocSlot* to = slots_[r.Below(slots_.size())];
        std::vector<Block> moving;
        for (uint64_t n = 1 + r.Below(4); n > 0 && !st.kept.empty(); --n) {
          moving.push_back(st.kept.back());
          st.kept.pop_back();
        }
        MutexLock lock(to->inbox_mu);
        to->inbox.insert(to->inbox.end(), moving.begin(), moving.end());
        break;
      }
      case kReceive: {
        std::vector<Block> got;
        {
          MutexLock lock(st.inbox_mu);
          got.swap(st.inbox);
        }
        for (const Block& b : got) {
          if (r.OneIn(3) && st.kept.size() < kMaxKept) {
            st.kept.push_back(b);
          } else {
            FreeBlock(st, b, true);
          }
        }
        break;
      }
      case kRaw: {
        const size_t size = 16 + r.Below(2048);
        void* p = allocator_->AllocRaw(st.heap, size);
        if (p == nullptr) {
          ++st.failed;
          break;
        }
        std::memset(p, 0xA5, size);
        ++st.raw;
        if (r.OneIn(2)) {
          allocator_->FreeRaw(p);
        } else {
          allocator_->qsbr().FreeDelayed(st.qsbr, p, size, &alloc::Allocator::RawFreeFn);
          ++st.delayed;
        }
        break;
      }
      case kCollect:
        allocator_->Collect(st.heap);
        break;
    }
  }

  // Every worker is parked: count what the visitor finds.
  void DuringStop(Env&) override {
    uint64_t visited = 0, bad = 0;
    allocator_->ForEachObject([&](ObjectHeader* h) {
      ++visited;
      if (!StampOk(h)) ++bad;
    });
    const uint64_t live = allocator_->GetStats().live_objects;
    stop_visits_.fetch_add(1, std::memory_order_relaxed);
    if (visited != live) visit_mismatches_.fetch_add(1, std::memory_order_relaxed);
    stop_bad_stamps_.fetch_add(bad, std::memory_order_relaxed);
  }

  void Teardown(Env&, const std::vector<SlotState*>& slots) override {
    for (SlotState* s : slots) {
      auto* st = static_cast<AllocSlot*>(s);
      std::vector<Block> inbox;
      {
        MutexLock lock(st->inbox_mu);
        inbox.swap(st->inbox);
      }
      for (const Block& b : inbox) FreeBlock(*st, b, true);
      for (const Block& b : st->kept) FreeBlock(*st, b, false);
      st->kept.clear();
      allocs_ += st->allocs;
      frees_ += st->frees;
      remote_frees_ += st->remote_frees;
      raw_ += st->raw;
      delayed_ += st->delayed;
      failed_ += st->failed;
      bad_stamps_ += st->bad_stamps;
    }
    allocator_->Collect(nullptr);
    uint64_t visited = 0;
    allocator_->ForEachObject([&](ObjectHeader*) { ++visited; });
    const alloc::Stats stats = allocator_->GetStats();
    live_after_ = stats.live_objects;
    visited_after_ = visited;
    // Frees every block still waiting for a grace period (no reader is left).
    allocator_.reset();
  }

  void Checks(Env&, std::vector<Check>& out) override {
    const uint64_t bad = bad_stamps_ + stop_bad_stamps_.load();
    out.push_back({"alloc", "blocks intact", bad == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%d damaged stamps on free or visit", bad)});
    const uint64_t mismatches = visit_mismatches_.load();
    out.push_back({"alloc", "visits during stops", mismatches == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%s stops visited every live object; %d found a different count",
                                   FormatCount(stop_visits_.load()), mismatches)});
    out.push_back({"alloc", "no failed allocation", failed_ == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%d failed (no fault injection in this run)", failed_)});
    out.push_back({"alloc", "all freed", live_after_ == 0 && visited_after_ == 0 && allocs_ == frees_
                                             ? Mark::kPass
                                             : Mark::kFail,
                   absl::StrFormat("%s objects allocated, %s freed; %d live and %d visitable after "
                                   "the teardown",
                                   FormatCount(allocs_), FormatCount(frees_), live_after_, visited_after_)});
  }

  std::string Summary() const override {
    return absl::StrFormat("%s objects (%s freed by another thread), %s raw blocks (%s via QSBR)",
                           FormatCount(allocs_), FormatCount(remote_frees_), FormatCount(raw_), FormatCount(delayed_));
  }

 private:
  static uint32_t PickSize(SplitMix64& r) {
    const uint64_t k = r.Below(64);
    if (k == 0) return static_cast<uint32_t>(4096 + r.Below(60000));  // jumbo-ish
    if (k < 8) return static_cast<uint32_t>(512 + r.Below(1536));
    return static_cast<uint32_t>(48 + r.Below(208));
  }

  void FreeBlock(AllocSlot& st, const Block& b, bool remote) {
    if (!StampOk(b.p)) ++st.bad_stamps;
    allocator_->FreeObject(st.heap, b.p);  // st.heap is null in the teardown
    ++st.frees;
    if (remote) ++st.remote_frees;
  }

  std::unique_ptr<alloc::Allocator> allocator_;
  std::vector<AllocSlot*> slots_;
  std::atomic<uint64_t> stop_visits_{0}, visit_mismatches_{0}, stop_bad_stamps_{0};
  uint64_t allocs_ = 0, frees_ = 0, remote_frees_ = 0, raw_ = 0, delayed_ = 0;
  uint64_t failed_ = 0, bad_stamps_ = 0;
  uint64_t live_after_ = 0, visited_after_ = 0;
};

FTRT_STRESS_WORKLOAD(AllocWorkload, "alloc", 60,
                     "Allocator directly: thread heaps, cross-thread frees, raw and QSBR-delayed blocks, visits",
                     "alloc/ Allocator, ThreadHeap, Qsbr");

}  // namespace
}  // namespace ftrt::stress
