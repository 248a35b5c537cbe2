// Workload "refcount": objects passed between threads and dropped
// anywhere (object/'s biased reference counting: the owner's local count,
// other threads' shared count, queues to the owner, merges, thread exit).
//
// Each slot has a mailbox (an ftrt::Mutex and a vector of references). The
// operations, each on the calling worker thread:
//   make_send    make 1-3 objects (some chained to an object the slot
//                holds, some with a weak reference the slot keeps) and send
//                them to a random slot's mailbox: the reference moves with
//                the object, so the receiver's decrement is a non-owner's;
//   receive      empty our mailbox; drop each object here, forward it,
//                keep it, or keep one reference and forward another (the
//                object is then counted by two threads at once);
//   touch        increments and decrements on a kept object: Incref/Decref,
//                TryIncref, Ref::Clone, a StackRef;
//   weak_get     upgrade a kept weak reference (its referent may be dying
//                on another thread right now);
//   drop_kept    drop half of what the slot keeps;
//   merge        merge what other threads queued to this thread now
//                (MergeQueuedObjects) rather than at the next safepoint.
// A slot's kept references outlive the worker thread that took them: the
// next thread of the slot drops them, by then as a non-owner of objects
// whose owner exited (merged at its exit).
//
// Checks: every stress object made was freed, after finalization (the
// runner's leak check lines), and no TryIncref failed on an object this
// thread still held a reference to.
#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

#include "absl/strings/str_format.h"
#include "object/stack_ref.h"
#include "object/thread_objects.h"
#include "object/weakref.h"
#include "sync/mutex.h"
#include "tools/stress/stress_object.h"
#include "tools/stress/report.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

constexpr size_t kMaxKept = 64;
constexpr size_t kMaxWeak = 32;

struct Mailbox {
  Mutex mu;
  std::vector<ObjectHeader*> items ABSL_GUARDED_BY(mu);  // each owns one reference
};

struct RcSlot : SlotState {
  std::deque<ObjectHeader*> kept;       // each owns one reference
  std::deque<WeakRefObject*> weak;      // each owns one reference to the weakref
  std::vector<ObjectHeader*> batch;     // scratch for receive
  uint64_t made = 0, sent = 0, dropped_remote = 0, try_incref_failed = 0;
  uint64_t weak_alive = 0, weak_dead = 0, merged = 0, bad_reads = 0;
};

class RefcountWorkload : public Workload {
 public:
  enum Kind : uint32_t { kMakeSend, kReceive, kTouch, kWeakGet, kDropKept, kMerge };

  std::vector<OpKind> Kinds() const override {
    return {{"make_send", 5}, {"receive", 5}, {"touch", 3},
            {"weak_get", 2},  {"drop_kept", 1}, {"merge", 1}};
  }

  void Setup(Env& env) override {
    threads_ = env.threads();
    mailboxes_ = std::make_unique<Mailbox[]>(threads_);
  }

  std::unique_ptr<SlotState> NewSlotState(int) override { return std::make_unique<RcSlot>(); }

  void Run(WorkerContext& ctx, const Op& op) override {
    RcSlot& st = ctx.State<RcSlot>();
    SplitMix64 r(op.arg);
    switch (op.kind) {
      case kMakeSend:
        MakeSend(ctx, st, r);
        break;
      case kReceive:
        Receive(ctx.slot, st, r);
        break;
      case kTouch:
        Touch(st, r);
        break;
      case kWeakGet:
        WeakGet(st, r);
        break;
      case kDropKept:
        for (size_t n = st.kept.size() / 2; n > 0; --n) {
          Decref(st.kept.front());
          st.kept.pop_front();
        }
        break;
      case kMerge:
        st.merged += MergeQueuedObjects();
        break;
    }
  }

  void Teardown(Env& env, const std::vector<SlotState*>& slots) override {
    for (int i = 0; i < threads_; ++i) {
      std::vector<ObjectHeader*> items;
      {
        MutexLock lock(mailboxes_[i].mu);
        items.swap(mailboxes_[i].items);
      }
      for (ObjectHeader* op : items) Decref(op);
    }
    for (SlotState* s : slots) {
      auto* st = static_cast<RcSlot*>(s);
      for (ObjectHeader* op : st->kept) Decref(op);
      st->kept.clear();
      for (WeakRefObject* w : st->weak) Decref(AsHeader(w));
      st->weak.clear();
      made_ += st->made;
      sent_ += st->sent;
      dropped_remote_ += st->dropped_remote;
      try_incref_failed_ += st->try_incref_failed;
      weak_alive_ += st->weak_alive;
      weak_dead_ += st->weak_dead;
      merged_ += st->merged;
      bad_reads_ += st->bad_reads;
    }
    env.AddMergedExplicitly(merged_);
  }

  void Checks(Env&, std::vector<Check>& out) override {
    out.push_back({"refcount", "TryIncref on held objects",
                   try_incref_failed_ == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%d failures on live objects that had to succeed",
                                   try_incref_failed_)});
    out.push_back({"refcount", "objects intact", bad_reads_ == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%d reads through a held reference saw a wrong object",
                                   bad_reads_)});
  }

  std::string Summary() const override {
    return absl::StrFormat("%s objects made, %s sent, %s weak upgrades (%s to dead objects)", FormatCount(made_),
                           FormatCount(sent_), FormatCount(weak_alive_ + weak_dead_), FormatCount(weak_dead_));
  }

 private:
  void Send(int to, ObjectHeader* op) {
    MutexLock lock(mailboxes_[to].mu);
    mailboxes_[to].items.push_back(op);
  }

  void Keep(RcSlot& st, ObjectHeader* op) {
    st.kept.push_back(op);
    if (st.kept.size() > kMaxKept) {
      ObjectHeader* old = st.kept.front();
      st.kept.pop_front();
      Decref(old);
    }
  }

  void MakeSend(WorkerContext& ctx, RcSlot& st, SplitMix64& r) {
    const int n = 1 + static_cast<int>(r.Below(3));
    for (int k = 0; k < n; ++k) {
      Ref<StressObject> o = NewStressObject(static_cast<int64_t>(ctx.slot));
      if (!o) return;
      ++st.made;
      if (!st.kept.empty() && r.OneIn(3)) {
        // Chain to an older object (acyclic: it existed before o).
        ObjectHeader* older = st.kept[r.Below(st.kept.size())];
        Incref(older);
        o->next = older;
      }
      if (r.OneIn(4)) {
        absl::StatusOr<Ref<WeakRefObject>> w = NewWeakRef(o.header());
        if (w.ok()) {
          st.weak.push_back(w->Release());
          if (st.weak.size() > kMaxWeak) {
            WeakRefObject* old = st.weak.front();
            st.weak.pop_front();
            Decref(AsHeader(old));
          }
        }
      }
      if (r.OneIn(4)) Keep(st, Ref<>::NewRef(o.header()).Release());
      ++st.sent;
      Send(static_cast<int>(r.Below(threads_)), AsHeader(o.Release()));
    }
  }

  void Receive(int slot, RcSlot& st, SplitMix64& r) {
    st.batch.clear();
    {
      Mailbox& box = mailboxes_[slot];
      MutexLock lock(box.mu);
      st.batch.swap(box.items);
    }
    for (ObjectHeader* op : st.batch) {
      switch (r.Below(8)) {
        case 0:
        case 1:
        case 2:
          ++st.dropped_remote;
          Decref(op);  // dropped here, wherever it was made
          break;
        case 3:
        case 4:
          Send(static_cast<int>(r.Below(threads_)), op);
          break;
        case 5:
        case 6:
          Keep(st, op);
          break;
        default:
          Incref(op);  // keep one, pass one: two threads hold it now
          Keep(st, op);
          Send(static_cast<int>(r.Below(threads_)), op);
          break;
      }
    }
    st.batch.clear();
  }

  void Touch(RcSlot& st, SplitMix64& r) {
    if (st.kept.empty()) return;
    ObjectHeader* op = st.kept[r.Below(st.kept.size())];
    Incref(op);
    Decref(op);
    // We hold a reference, so the object is alive. TryIncref may still
    // refuse a shared word of exactly 0 owned by another thread (refcount.h
    // T10: the owner could free it without an atomic), but never once the
    // object is MAYBE_WEAKREF (or QUEUED, or MERGED with our count in it),
    // nor on an object this thread owns.
    const bool must_succeed = IsOwnedByCurrentThread(op) || r.OneIn(2);
    if (must_succeed && !IsOwnedByCurrentThread(op)) SetMaybeWeakref(op);
    if (TryIncref(op)) {
      Decref(op);
    } else if (must_succeed) {
      ++st.try_incref_failed;
    }
    {
      Ref<> a = Ref<>::NewRef(op);
      Ref<> b = a.Clone();
      StackRef s(op);
      // Read through each of them: all three name the same live object.
      const int64_t id = AsStress(s.get())->id;
      if (a.get() != op || b.get() != op || id < 0 || id >= threads_) ++st.bad_reads;
    }
  }

  void WeakGet(RcSlot& st, SplitMix64& r) {
    if (st.weak.empty()) return;
    WeakRefObject* w = st.weak[r.Below(st.weak.size())];
    Ref<> target = WeakRefGet(w);
    if (target) {
      ++st.weak_alive;
      Incref(target.get());
      Decref(target.get());
    } else {
      ++st.weak_dead;
    }
  }

  int threads_ = 0;
  std::unique_ptr<Mailbox[]> mailboxes_;
  uint64_t made_ = 0, sent_ = 0, dropped_remote_ = 0, try_incref_failed_ = 0;
  uint64_t weak_alive_ = 0, weak_dead_ = 0, merged_ = 0, bad_reads_ = 0;
};

FTRT_STRESS_WORKLOAD(RefcountWorkload, "refcount", 30,
                     "objects passed between threads and dropped anywhere: biased counts, queues, merges, weak refs",
                     "object/ refcount.h, ref.h, stack_ref.h, weakref.h, thread_objects.h");

}  // namespace
}  // namespace ftrt::stress
