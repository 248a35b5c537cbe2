// Workload "gc_cycles": reference cycles built and abandoned while the
// collector runs (gc/), next to cycles that stay reachable and must
// survive every collection.
//
// Its object is a GC-tracked node with two reference fields (traversed and
// cleared by tp_traverse / tp_clear), a weak-reference list and an id; one
// node in four has a finalizer (PEP 442: it must run at most once in the
// node's life). A node's fields are written only by the thread that holds
// it exclusively (the one that built it, or took it from the exchange);
// the collector reads them with the world stopped. Operations:
//   garbage     build a ring of 2-16 nodes with chords, maybe keep a weak
//               reference to one, and drop it: garbage only a collection
//               can free;
//   exchange    take a node another thread offered and tie it into a cycle
//               with one of ours (cycles whose nodes have different
//               owners), or offer a fresh node;
//   live        the slot keeps a ring of 4 reachable nodes (across its
//               threads); re-check that it is intact (no collection may
//               clear a reachable cycle), rewire a chord, sometimes abandon
//               it and build a new one;
//   weak        upgrade weak references: those to the kept ring must
//               succeed; those to abandoned rings may or may not;
//   collect     an explicit gc::Collector::Collect (at most one per 50 ms
//               across threads; automatic collections run meanwhile).
// Checks: kept rings were never cleared and their weak references always
// upgraded; no finalizer ran twice; after the final collection every node
// was freed.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "absl/strings/str_format.h"
#include "gc/collector.h"
#include "object/object.h"
#include "object/weakref.h"
#include "sync/mutex.h"
#include "tools/stress/report.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

constexpr int kLiveRing = 4;
constexpr size_t kMaxWeak = 16;
constexpr size_t kMaxExchange = 64;
constexpr int64_t kMinCollectGapNs = 50'000'000;

struct CycleNode {
  ObjectHeader ob_base;
  ObjectHeader* a;
  ObjectHeader* b;
  WeakRefObject* weaklist;
  int64_t id;
  int finalized;  // written by the node's finalizer only
};

struct NodeCounts {
  std::atomic<uint64_t> made{0}, freed{0}, finalized{0}, finalized_twice{0}, cleared{0};
};
NodeCounts g_nodes;

int NodeTraverse(PyObject* self, visitproc visit, void* arg) {
  auto* n = reinterpret_cast<CycleNode*>(self);
  if (n->a != nullptr) {
    if (int r = visit(n->a, arg)) return r;
  }
  if (n->b != nullptr) {
    if (int r = visit(n->b, arg)) return r;
  }
  return 0;
}

int NodeClear(PyObject* self) {
  auto* n = reinterpret_cast<CycleNode*>(self);
  ObjectHeader* a = n->a;
  ObjectHeader* b = n->b;
  n->a = nullptr;
  n->b = nullptr;
  g_nodes.cleared.fetch_add(1, std::memory_order_relaxed);
  if (a != nullptr) Decref(a);
  if (b != nullptr) Decref(b);
  return 0;
}

void NodeDealloc(PyObject* self) {
  auto* n = reinterpret_cast<CycleNode*>(self);
  UntrackObject(AsHeader(n));
  ObjectHeader* a = n->a;
  ObjectHeader* b = n->b;
  n->a = nullptr;
  n->b = nullptr;
  g_nodes.freed.fetch_add(1, std::memory_order_relaxed);
  FreeObject(self);
  if (a != nullptr) Decref(a);
  if (b != nullptr) Decref(b);
}

void NodeFinalize(PyObject* self) {
  auto* n = reinterpret_cast<CycleNode*>(self);
  if (n->finalized++ != 0) g_nodes.finalized_twice.fetch_add(1, std::memory_order_relaxed);
  g_nodes.finalized.fetch_add(1, std::memory_order_relaxed);
}

constexpr unsigned long kNodeFlags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;

constinit PyTypeObject g_node_type = [] {
  PyTypeObject t = StaticTypeInit("ftrt_stress.CycleNode", sizeof(CycleNode), kNodeFlags);
  t.tp_dealloc = NodeDealloc;
  t.tp_traverse = NodeTraverse;
  t.tp_clear = NodeClear;
  t.tp_weaklistoffset = offsetof(CycleNode, weaklist);
  return t;
}();

constinit PyTypeObject g_final_node_type = [] {
  PyTypeObject t = StaticTypeInit("ftrt_stress.FinalizerNode", sizeof(CycleNode), kNodeFlags);
  t.tp_dealloc = NodeDealloc;
  t.tp_traverse = NodeTraverse;
  t.tp_clear = NodeClear;
  t.tp_finalize = NodeFinalize;
  t.tp_weaklistoffset = offsetof(CycleNode, weaklist);
  return t;
}();

// A new tracked node (null if allocation failed).
Ref<CycleNode> NewNode(int64_t id, bool finalizer) {
  Ref<CycleNode> n = NewObject<CycleNode>(finalizer ? &g_final_node_type : &g_node_type);
  if (!n) return n;
  n->id = id;
  g_nodes.made.fetch_add(1, std::memory_order_relaxed);
  TrackObject(n.header());
  return n;
}

// Sets a field to a new reference to `v` (or null) and drops the old one.
// The caller holds `n` exclusively.
void SetField(CycleNode* n, ObjectHeader* CycleNode::*field, ObjectHeader* v) {
  if (v != nullptr) Incref(v);
  ObjectHeader* old = n->*field;
  n->*field = v;
  if (old != nullptr) Decref(old);
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct CyclesSlot : SlotState {
  std::vector<Ref<CycleNode>> live;        // the kept ring (empty until built)
  std::vector<Ref<WeakRefObject>> live_weak;
  std::deque<Ref<WeakRefObject>> garbage_weak;
  uint64_t rings = 0, broken = 0, weak_failed = 0, collects = 0, exchanged = 0;
};

class CyclesWorkload : public Workload {
 public:
  enum Kind : uint32_t { kGarbage, kExchange, kLive, kWeak, kCollect };

  std::vector<OpKind> Kinds() const override {
    return {{"garbage", 5}, {"exchange", 2}, {"live", 3}, {"weak", 2}, {"collect", 1}};
  }

  void Setup(Env& env) override {
    collector_ = gc::Collector::Find(env.runtime());
    FTRT_CHECK(collector_ != nullptr, "gc_cycles: no collector installed on the runtime");
    before_ = Snapshot();
  }

  std::unique_ptr<SlotState> NewSlotState(int) override { return std::make_unique<CyclesSlot>(); }

  void Run(WorkerContext& ctx, const Op& op) override {
    CyclesSlot& st = ctx.State<CyclesSlot>();
    SplitMix64 r(op.arg);
    switch (op.kind) {
      case kGarbage:
        Garbage(ctx, st, r);
        break;
      case kExchange:
        Exchange(ctx, st, r);
        break;
      case kLive:
        Live(ctx, st, r);
        break;
      case kWeak:
        Weak(st, r);
        break;
      case kCollect: {
        const int64_t now = NowNs();
        int64_t last = last_collect_ns_.load(std::memory_order_relaxed);
        if (now - last >= kMinCollectGapNs &&
            last_collect_ns_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
          collector_->Collect();
          ++st.collects;
        }
        break;
      }
    }
  }

  void Teardown(Env&, const std::vector<SlotState*>& slots) override {
    std::vector<ObjectHeader*> offered;
    {
      MutexLock lock(exchange_mu_);
      offered.swap(exchange_);
    }
    for (ObjectHeader* n : offered) Decref(n);
    for (SlotState* s : slots) {
      auto* st = static_cast<CyclesSlot*>(s);
      if (!st->live.empty() && !Intact(st->live)) ++st->broken;
      st->live_weak.clear();
      st->garbage_weak.clear();
      st->live.clear();  // now garbage too
      rings_ += st->rings;
      broken_ += st->broken;
      weak_failed_ += st->weak_failed;
      collects_ += st->collects;
      exchanged_ += st->exchanged;
    }
    // The runner's final collection follows; Checks runs after it.
  }

  void Checks(Env&, std::vector<Check>& out) override {
    const Counts now = Snapshot();
    const uint64_t made = now.made - before_.made;
    const uint64_t freed = now.freed - before_.freed;
    out.push_back({"gc_cycles", "reachable cycles kept",
                   broken_ == 0 && weak_failed_ == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%d kept rings seen cleared, %d weak upgrades to them failed",
                                   broken_, weak_failed_)});
    out.push_back({"gc_cycles", "finalizers once",
                   now.finalized_twice == before_.finalized_twice ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%s finalizers ran, %d of them a second time",
                                   FormatCount(now.finalized - before_.finalized),
                                   now.finalized_twice - before_.finalized_twice)});
    out.push_back({"gc_cycles", "cycles freed", made == freed ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%s nodes made, %s freed after the final collection", FormatCount(made), FormatCount(freed))});
  }

  std::string Summary() const override {
    return absl::StrFormat("%s rings abandoned, %s cross-thread ties, %s explicit collections",
                           FormatCount(rings_), FormatCount(exchanged_), FormatCount(collects_));
  }

 private:
  struct Counts {
    uint64_t made, freed, finalized, finalized_twice;
  };
  static Counts Snapshot() {
    return {g_nodes.made.load(), g_nodes.freed.load(), g_nodes.finalized.load(),
            g_nodes.finalized_twice.load()};
  }

  // A ring of n nodes: node i's `a` is node i+1 (mod n), `b` a chord or null.
  static std::vector<Ref<CycleNode>> Ring(int n, int64_t id, SplitMix64& r, bool chords) {
    std::vector<Ref<CycleNode>> ring;
    for (int i = 0; i < n; ++i) {
      Ref<CycleNode> node = NewNode(id, r.OneIn(4));
      if (!node) return {};
      ring.push_back(std::move(node));
    }
    for (int i = 0; i < n; ++i) {
      SetField(ring[i].get(), &CycleNode::a, ring[(i + 1) % n].header());
      if (chords && r.OneIn(2)) SetField(ring[i].get(), &CycleNode::b, ring[r.Below(n)].header());
    }
    return ring;
  }

  static bool Intact(const std::vector<Ref<CycleNode>>& ring) {
    const size_t n = ring.size();
    for (size_t i = 0; i < n; ++i) {
      if (ring[i]->a != ring[(i + 1) % n].header()) return false;
    }
    return true;
  }

  void Garbage(WorkerContext& ctx, CyclesSlot& st, SplitMix64& r) {
    std::vector<Ref<CycleNode>> ring = Ring(2 + static_cast<int>(r.Below(15)), ctx.slot, r, true);
    if (ring.empty()) return;
    if (r.OneIn(3)) {
      absl::StatusOr<Ref<WeakRefObject>> w = NewWeakRef(ring[r.Below(ring.size())].header());
      if (w.ok()) {
        st.garbage_weak.push_back(*std::move(w));
        if (st.garbage_weak.size() > kMaxWeak) st.garbage_weak.pop_front();
      }
    }
    ++st.rings;
    // Dropping `ring` abandons the cycle.
  }

  void Exchange(WorkerContext& ctx, CyclesSlot& st, SplitMix64& r) {
    ObjectHeader* theirs = nullptr;
    {
      MutexLock lock(exchange_mu_);
      if (!exchange_.empty() && r.OneIn(2)) {
        theirs = exchange_.back();
        exchange_.pop_back();
      }
    }
    if (theirs == nullptr) {
      Ref<CycleNode> mine = NewNode(ctx.slot, r.OneIn(4));
      if (!mine) return;
      bool full;
      {
        MutexLock lock(exchange_mu_);
        full = exchange_.size() >= kMaxExchange;
        if (!full) exchange_.push_back(AsHeader(mine.Release()));
      }
      return;  // if full, `mine` is simply dropped
    }
    // We hold `theirs` exclusively now: tie it into a cycle with a new node.
    Ref<CycleNode> held = Ref<CycleNode>::Steal(reinterpret_cast<CycleNode*>(theirs));
    Ref<CycleNode> mine = NewNode(ctx.slot, r.OneIn(4));
    if (!mine) return;
    SetField(mine.get(), &CycleNode::a, held.header());
    SetField(held.get(), r.OneIn(2) ? &CycleNode::a : &CycleNode::b, mine.header());
    ++st.exchanged;
    ++st.rings;
  }

  void Live(WorkerContext& ctx, CyclesSlot& st, SplitMix64& r) {
    if (!st.live.empty() && !Intact(st.live)) ++st.broken;
    if (st.live.empty() || r.OneIn(16)) {
      st.live_weak.clear();
      st.live = Ring(kLiveRing, ctx.slot, r, false);
      for (const Ref<CycleNode>& n : st.live) {
        absl::StatusOr<Ref<WeakRefObject>> w = NewWeakRef(n.header());
        if (w.ok()) st.live_weak.push_back(*std::move(w));
      }
      return;
    }
    // Rewire a chord: b of one member to another member (or null).
    CycleNode* n = st.live[r.Below(st.live.size())].get();
    SetField(n, &CycleNode::b, r.OneIn(3) ? nullptr : st.live[r.Below(st.live.size())].header());
  }

  void Weak(CyclesSlot& st, SplitMix64& r) {
    if (!st.live_weak.empty()) {
      WeakRefObject* w = st.live_weak[r.Below(st.live_weak.size())].get();
      Ref<> target = WeakRefGet(w);
      if (!target) ++st.weak_failed;  // the kept ring is reachable: never collected
    }
    if (!st.garbage_weak.empty()) {
      Ref<> target = WeakRefGet(st.garbage_weak[r.Below(st.garbage_weak.size())].get());
      if (target && reinterpret_cast<CycleNode*>(target.get())->id < 0) ++st.broken;
    }
  }

  gc::Collector* collector_ = nullptr;
  Mutex exchange_mu_;
  std::vector<ObjectHeader*> exchange_ ABSL_GUARDED_BY(exchange_mu_);  // each held exclusively
  std::atomic<int64_t> last_collect_ns_{0};
  Counts before_{};
  uint64_t rings_ = 0, broken_ = 0, weak_failed_ = 0, collects_ = 0, exchanged_ = 0;
};

FTRT_STRESS_WORKLOAD(CyclesWorkload, "gc_cycles", 80,
                     "reference cycles built and abandoned while the collector runs, beside reachable ones",
                     "gc/ Collector (automatic and explicit), tp_traverse/tp_clear, PEP 442, weakrefs");

}  // namespace
}  // namespace ftrt::stress
