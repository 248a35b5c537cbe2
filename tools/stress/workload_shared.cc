// Workload "shared": long-lived objects that every thread reads at once:
// deferred objects (a heap type and an object marked with
// SetDeferredRefcount) and immortal ones (static types, a static object, an
// allocated object made immortal), plus one ordinary object owned by the
// main thread that every worker counts (all of them in its shared count).
//
// Operations:
//   stack_refs  StackRefs to each of them (no count touched for deferred
//               and immortal objects), reading through them;
//   instances   instances of the heap type (each counts a reference to the
//               type, dropped by its deallocation on whatever thread);
//   count       Ref::NewRef / Clone / drop on each of them;
//   try_incref  TryIncref on each: it must succeed, since the main thread
//               holds a reference to every one of them for the whole run
//               and the ordinary one is MAYBE_WEAKREF.
// Checks, after the workers have exited: the immortal objects' headers are
// byte for byte what they were (never written), the deferred objects' and
// the ordinary object's counts are exactly what they were before the run
// (every increment matched by a decrement, across merges), every TryIncref
// succeeded. Then the references are dropped; the deferred objects are
// freed by the collection at teardown (CollectDeferred until gc/ lands),
// which the leak check after finalization proves.
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "object/dealloc.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/stack_ref.h"
#include "object/thread_objects.h"
#include "tools/stress/stress_object.h"
#include "tools/stress/report.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

constexpr size_t kMaxInstances = 8;
constexpr int64_t kDeferredId = 7001;
constexpr int64_t kPlainId = 7002;
constexpr int64_t kImmortalId = 7003;
constexpr const char* kTypeName = "ftrt_stress.SharedType";

std::atomic<uint64_t> g_instances_freed{0};

void InstanceDealloc(PyObject* self) {
  g_instances_freed.fetch_add(1, std::memory_order_relaxed);
  DefaultDealloc(self);  // frees, then drops the reference to the heap type
}

// A static object: immortal, in static storage.
StressObject g_static_object;

struct SharedSlot : SlotState {
  std::deque<ObjectHeader*> instances;  // each owns one reference
  uint64_t made = 0, try_failed = 0, bad_reads = 0;
};

class SharedWorkload : public Workload {
 public:
  enum Kind : uint32_t { kStackRefs, kInstances, kCount, kTryIncref };

  std::vector<OpKind> Kinds() const override {
    return {{"stack_refs", 4}, {"instances", 3}, {"count", 3}, {"try_incref", 2}};
  }

  void Setup(Env&) override {
    HeapTypeSpec spec;
    spec.name = kTypeName;
    spec.basicsize = sizeof(StressObject);
    spec.dealloc = InstanceDealloc;
    absl::StatusOr<Ref<PyTypeObject>> type = NewHeapType(spec);
    FTRT_CHECK(type.ok(), "shared: NewHeapType failed");
    type_ = *std::move(type);  // deferred: a heap type

    deferred_ = NewStressObject(kDeferredId);
    FTRT_CHECK(deferred_, "shared: allocation failed");
    SetDeferredRefcount(deferred_.header());

    plain_ = NewStressObject(kPlainId);
    FTRT_CHECK(plain_, "shared: allocation failed");
    SetMaybeWeakref(plain_.header());

    InitStaticHeader(H(&g_static_object), StressObjectType());
    g_static_object.id = kImmortalId;
    // Allocated, then immortal: it stays allocated through finalization
    // (the leak check counts it as immortal, not as a leak).
    immortal_alloc_ = AllocObjectOfType(StressObjectType());
    FTRT_CHECK(immortal_alloc_ != nullptr, "shared: allocation failed");
    AsStress(immortal_alloc_)->id = kImmortalId;
    SetImmortal(immortal_alloc_);

    immortals_ = {H(&g_static_object), immortal_alloc_, AsHeader(StressObjectType()),
                  AsHeader(TypeType())};
    for (ObjectHeader* op : immortals_) {
      ObjectHeader copy;
      std::memcpy(&copy, op, sizeof(copy));
      immortal_before_.push_back(copy);
    }
    MergeQueuedObjects();
    type_count_before_ = Refcount(AsHeader(type_.get()));
    deferred_count_before_ = Refcount(deferred_.header());
    plain_count_before_ = Refcount(plain_.header());
    freed_before_ = g_instances_freed.load();
  }

  std::unique_ptr<SlotState> NewSlotState(int) override { return std::make_unique<SharedSlot>(); }

  void Run(WorkerContext& ctx, const Op& op) override {
    SharedSlot& st = ctx.State<SharedSlot>();
    SplitMix64 r(op.arg);
    switch (op.kind) {
      case kStackRefs: {
        StackRef t(AsHeader(type_.get()));
        StackRef d(deferred_.header());
        StackRef p(plain_.header());
        StackRef i(immortals_[r.Below(immortals_.size())]);
        auto* type = reinterpret_cast<PyTypeObject*>(t.get());
        if (std::strcmp(type->tp_name, kTypeName) != 0) ++st.bad_reads;
        if (AsStress(d.get())->id != kDeferredId || AsStress(p.get())->id != kPlainId) {
          ++st.bad_reads;
        }
        if (i.get()->ob_type == nullptr) ++st.bad_reads;
        break;
      }
      case kInstances: {
        Ref<StressObject> o = NewObject<StressObject>(type_.get());
        if (!o) break;
        ++st.made;
        if (o->ob_base.ob_type != type_.get()) ++st.bad_reads;
        if (r.OneIn(2)) {
          st.instances.push_back(AsHeader(o.Release()));
          if (st.instances.size() > kMaxInstances || r.OneIn(4)) {
            Decref(st.instances.front());
            st.instances.pop_front();
          }
        }
        break;
      }
      case kCount: {
        Ref<> a = Ref<>::NewRef(deferred_.header());
        Ref<> b = Ref<>::NewRef(plain_.header());
        Ref<> c = Ref<>::NewRef(immortals_[r.Below(immortals_.size())]);
        Ref<> t = Ref<>::NewRef(AsHeader(type_.get()));
        Ref<> b2 = b.Clone();
        if (r.OneIn(2)) a.Reset();
        break;
      }
      case kTryIncref: {
        ObjectHeader* targets[] = {deferred_.header(), plain_.header(), AsHeader(type_.get()),
                                   immortals_[r.Below(immortals_.size())]};
        for (ObjectHeader* op2 : targets) {
          if (TryIncref(op2)) {
            Decref(op2);
          } else {
            ++st.try_failed;
          }
        }
        break;
      }
    }
  }

  void Teardown(Env&, const std::vector<SlotState*>& slots) override {
    for (SlotState* s : slots) {
      auto* st = static_cast<SharedSlot*>(s);
      for (ObjectHeader* op : st->instances) Decref(op);
      st->instances.clear();
      made_ += st->made;
      try_failed_ += st->try_failed;
      bad_reads_ += st->bad_reads;
    }
    MergeQueuedObjects();
    type_count_after_ = Refcount(AsHeader(type_.get()));
    deferred_count_after_ = Refcount(deferred_.header());
    plain_count_after_ = Refcount(plain_.header());
    for (size_t i = 0; i < immortals_.size(); ++i) {
      if (std::memcmp(&immortal_before_[i], immortals_[i], sizeof(ObjectHeader)) != 0) {
        ++immortal_changed_;
      }
    }
    instances_freed_ = g_instances_freed.load() - freed_before_;
    // Drop our references: the deferred ones are freed only by the
    // collection that follows the teardown.
    type_.Reset();
    deferred_.Reset();
    plain_.Reset();
  }

  void Checks(Env&, std::vector<Check>& out) override {
    out.push_back({"shared", "immortal headers", immortal_changed_ == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%d of %d immortal objects' headers written", immortal_changed_,
                                   immortals_.size())});
    const bool counts_ok = type_count_after_ == type_count_before_ &&
                           deferred_count_after_ == deferred_count_before_ &&
                           plain_count_after_ == plain_count_before_;
    out.push_back(
        {"shared", "balanced counts", counts_ok ? Mark::kPass : Mark::kFail,
         absl::StrFormat("type %+d, deferred object %+d, ordinary object %+d references after the run",
                         type_count_after_ - type_count_before_,
                         deferred_count_after_ - deferred_count_before_,
                         plain_count_after_ - plain_count_before_)});
    out.push_back({"shared", "TryIncref on shared objects",
                   try_failed_ == 0 && bad_reads_ == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%d failed, %d wrong reads through stack references", try_failed_,
                                   bad_reads_)});
    out.push_back({"shared", "instances freed", instances_freed_ == made_ ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%s instances of the heap type made, %s freed", FormatCount(made_),
                                   FormatCount(instances_freed_))});
  }

  std::string Summary() const override {
    return absl::StrFormat("%s heap-type instances", FormatCount(made_));
  }

 private:
  Ref<PyTypeObject> type_;
  Ref<StressObject> deferred_;
  Ref<StressObject> plain_;
  ObjectHeader* immortal_alloc_ = nullptr;
  std::vector<ObjectHeader*> immortals_;
  std::vector<ObjectHeader> immortal_before_;
  intptr_t type_count_before_ = 0, deferred_count_before_ = 0, plain_count_before_ = 0;
  intptr_t type_count_after_ = 0, deferred_count_after_ = 0, plain_count_after_ = 0;
  uint64_t freed_before_ = 0, instances_freed_ = 0;
  uint64_t made_ = 0, try_failed_ = 0, bad_reads_ = 0, immortal_changed_ = 0;
};

FTRT_STRESS_WORKLOAD(SharedWorkload, "shared", 40,
                     "deferred (heap type, SetDeferredRefcount) and immortal objects read from every thread",
                     "object/ deferred and immortal refcounting, StackRef, heap types");

}  // namespace
}  // namespace ftrt::stress
