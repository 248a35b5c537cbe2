// The steps of a collection (passes.h; the algorithm is collector.h's, the
// scratch fields scratch.h's). Follows CPython 3.13t's
// Python/gc_free_threading.c (update_refs, mark_heap_visitor,
// scan_heap_visitor, clear_weakrefs, finalize_garbage,
// handle_resurrected_objects, delete_garbage), with our own code and one
// difference: every work list, the marking one included, is threaded
// through object headers, so no pass allocates.
#include "gc/passes.h"

#include <atomic>
#include <climits>
#include <condition_variable>
#include <mutex>


#include "gc/scratch.h"
#include "gc/workers.h"
#include "object/errors.h"
#include "object/object.h"
#include "object/thread_objects.h"

namespace ftrt::gc::internal {
namespace {

FTRT_ALWAYS_INLINE void Traverse(ObjectHeader* op, visitproc visit, void* arg) {
  if (traverseproc t = op->ob_type->tp_traverse) (void)t(op, visit, arg);
}

// Per-thread results of a parallel pass, a cache line each (padded, not
// over-aligned: these live on the stack, which ASan's fake stacks only
// align to 16).
struct PerThread {
  size_t count = 0;
  ObjectHeader* head = nullptr;  // a list threaded through ob_tid
  ObjectHeader* tail = nullptr;
  bool finalizers = false;
  bool weakrefs = false;
  char pad[64 - 3 * sizeof(void*) - 2];
};
static_assert(sizeof(PerThread) == 64);

// --- step 2, one thread -------------------------------------------------------

// First touch of a candidate in this collection: gc_refs = refs (its
// count, CandidateRefcount's answer, less any reference being subtracted).
FTRT_ALWAYS_INLINE void InitRefs(Collection& c, ObjectHeader* op, uint8_t bits, intptr_t refs) {
  FTRT_DCHECK(TidRef(op).load(std::memory_order_relaxed) == OriginalTid(c.allocator, op),
              "gc: ob_tid %#lx of %p is not what the ownership record restores (%#lx)",
              static_cast<unsigned long>(TidRef(op).load(std::memory_order_relaxed)),
              static_cast<void*>(op),
              static_cast<unsigned long>(OriginalTid(c.allocator, op)));
  (void)c;
  FTRT_DCHECK(refs >= -1, "gc: negative refcount %ld on %p", static_cast<long>(refs),
              static_cast<void*>(op));
  SetGcRefs(op, refs);
  SetBitsStopped(op, static_cast<uint8_t>(bits | kUnreachable));
}

// visitproc: one reference from a candidate to `op`. The common case first:
// a referent counted already (UNREACHABLE set); then one that is never a
// candidate because it is not tracked (None, strings, ints); else the first
// touch of a candidate not counted yet (in the walk's order, one further
// on: every item of a container the backward walk meets early) gets its
// count less this reference.
int VisitDecref(PyObject* op, void* arg) {
  if (op == nullptr) return 0;
  const uint8_t bits = Bits(op);
  if (FTRT_LIKELY(bits & kUnreachable)) {
    AddGcRefs(op, -1);
    return 0;
  }
  if (!(bits & kTracked)) return 0;
  const intptr_t refs = CandidateRefcount(op, bits);
  if (refs != kNotCandidate) {
    auto& c = *static_cast<Collection*>(arg);
    InitRefs(c, op, bits, refs - 1);
    ++c.candidates;
  }
  return 0;
}

// --- step 2, first: marking from the root stacks ------------------------------
//
// What a root stack holds is referenced from outside the heap, and so is
// everything it reaches: marked ALIVE here, none of it is a candidate, and
// the count and the mark never look at it again (for a heap held from
// frames, as an interpreter's usually is, that is all of it: one traversal
// instead of the count's and the mark's). Only the bit is written, never
// ob_tid; the count's walk clears it as it passes each object (with one
// thread; the parallel count leaves it to a walk of its own, after).
//
// Why that early clear is safe: once passed, an ALIVE object is a plain
// non-candidate at rest, and only a reference from a candidate the walk
// meets later (garbage may point into the live heap) touches it again:
// VisitDecref then counts it as a late candidate (c.premarked_late). It is reachable, and its
// gc_refs stays above zero: the reference that made it ALIVE comes from a
// root stack (counted in its count, or added as an uncounted one after the
// walk) or from another ALIVE object, which is never traversed, so is never
// subtracted. The mark takes it for a root and marks what it reaches,
// which is reachable too. So nothing reachable is ever taken for garbage,
// and the premark only ever saves work.
//
// The work stack is the Collector's fixed array: a child is scanned at
// once (as Marker does), and only grandchildren are pushed; once the stack
// is full, what would be pushed is left unmarked, for the count.
class AliveMarker {
 public:
  AliveMarker(ObjectHeader** stack, size_t capacity) : stack_(stack), capacity_(capacity) {}

  size_t marked() const { return marked_; }

  void FromRoot(ObjectHeader* op) {
    if (!Claim(op)) return;
    ++marked_;
    Traverse(op, &Visit, this);
    while (depth_ > 0) Traverse(stack_[--depth_], &Visit, this);
  }

 private:
  static FTRT_ALWAYS_INLINE bool Claim(ObjectHeader* op) {
    const uint8_t bits = Bits(op);
    if (!(bits & kTracked) || CandidateRefcount(op, bits) == kNotCandidate) return false;
    SetBitsStopped(op, static_cast<uint8_t>(bits | kAlive));
    return true;
  }

  static int Visit(PyObject* op, void* arg) {
    if (op == nullptr || !Claim(op)) return 0;
    auto* m = static_cast<AliveMarker*>(arg);
    ++m->marked_;
    Traverse(op, &VisitPush, m);
    return 0;
  }

  static int VisitPush(PyObject* op, void* arg) {
    auto* m = static_cast<AliveMarker*>(arg);
    if (op == nullptr || m->depth_ == m->capacity_ || !Claim(op)) return 0;
    ++m->marked_;
    m->stack_[m->depth_++] = op;
    return 0;
  }

  ObjectHeader** const stack_;
  const size_t capacity_;
  size_t depth_ = 0;
  size_t marked_ = 0;
};

// --- step 2, several threads ----------------------------------------------------
//
// Any thread may subtract from an object another thread has not counted
// yet, so the count cannot be written over ob_tid at first touch: every
// subtraction is an atomic decrement of ob_tid whatever it holds, and the
// thread that walks the object adds (count - original ob_tid) once. Once
// every walk is done, ob_tid = count - internal references, as with one
// thread.

int VisitDecrefShared(PyObject* op, void*) {
  if (op == nullptr) return 0;
  if (!IsCandidate(op, Bits(op))) return 0;  // bits other than UNREACHABLE are stable
  TidRef(op).fetch_sub(1, std::memory_order_relaxed);
  return 0;
}

// --- step 3 ---------------------------------------------------------------------

// What ob_tid held before the count borrowed it (scratch.h). A reachable
// object never has an unmerged count without an owner (thread exit merges
// them all); should one turn up, merge it, as CPython does. The owner comes
// through the marker's one-page cache of ownership records.
FTRT_ALWAYS_INLINE void RestoreTid(alloc::Allocator::OwnerCache& owners, ObjectHeader* op) {
  if (IsMerged(op)) {
    TidRef(op).store(0, std::memory_order_relaxed);
    return;
  }
  const uintptr_t tid = owners.OwnerOf(op);
  if (FTRT_LIKELY(tid != 0)) {
    TidRef(op).store(tid, std::memory_order_relaxed);
  } else {
    MergeDuringStop(op, 0);
  }
}

// Work shared by the threads of a parallel mark: chains of marked objects
// (each a work list threaded through ob_tid) that busy threads hand to idle
// ones, and the termination protocol (work exists only on an active
// thread's own list or in `chains`, so active == 0 with no chain means
// done; a thread joins, active + 1, before it claims any page). Bounded:
// at most kMaxChains chains wait at once.
struct MarkShared {
  static constexpr int kMaxChains = 64;
  std::mutex mu;
  std::condition_variable cv;
  ObjectHeader* chains[kMaxChains] = {};  // guarded by mu
  int num_chains = 0;  // guarded by mu
  int active = 0;  // guarded by mu
  bool done = false;  // guarded by mu
  std::atomic<int> idle{0};       // threads waiting for a chain (a hint)
  std::atomic<size_t> marked{0};  // flushed in batches (a lower bound)
  size_t candidates = 0;
};

// Marks from roots with a work list threaded through the headers of the
// objects on it (their gc_refs are not needed once they are known to be
// reachable), and gives each object its ob_tid back as it leaves the list.
// kShared: several threads mark at once; an object is claimed by the one
// whose atomic clear of UNREACHABLE took it, and busy threads donate
// chains of their list to idle ones.
template <bool kShared>
class Marker {
 public:
  // How many objects a donated chain holds.
  static constexpr size_t kChunk = 2048;

  Marker(const alloc::Allocator& a, MarkShared* shared) : owners_(a), shared_(shared) {}

  size_t marked() const { return marked_; }

  // Claims op (a candidate not yet marked) for this thread.
  static FTRT_ALWAYS_INLINE bool Claim(ObjectHeader* op, uint8_t bits) {
    if (!(bits & kUnreachable)) return false;
    if constexpr (kShared) {
      return (GcBitsRef(op).fetch_and(static_cast<uint8_t>(~kUnreachable),
                                      std::memory_order_relaxed) &
              kUnreachable) != 0;
    } else {
      SetBitsStopped(op, static_cast<uint8_t>(bits & ~kUnreachable));
      return true;
    }
  }

  // The walk's step: op is a root (gc_refs > 0) if still unmarked.
  FTRT_ALWAYS_INLINE void MaybeRoot(ObjectHeader* op) {
    const uint8_t bits = Bits(op);
    if (!(bits & kUnreachable)) return;  // not a candidate, or marked already
    // With several threads, another may just have claimed op and put a
    // link or its restored owner there: both read as > 0, and the claim
    // below fails.
    const intptr_t refs = GcRefs(op);
    FTRT_DCHECK(kShared || refs >= 0,
                "gc: %p has more references from the heap than its count (%ld)",
                static_cast<void*>(op), static_cast<long>(refs));
    if (refs <= 0) return;  // unreachable, unless marked from a root later
    if (!Claim(op, bits)) return;
    ++marked_;
    Scan(op, &Visit);
    Drain();
  }

  // Whether every candidate is marked (then no root is left to find).
  bool AllMarked() const {
    if constexpr (kShared) {
      return shared_->marked.load(std::memory_order_relaxed) + (marked_ - flushed_) >=
             shared_->candidates;
    } else {
      return marked_ >= shared_->candidates;
    }
  }

  // After this thread's walk: takes donated chains until no work is left
  // anywhere.
  void HelpUntilDone() {
    Flush();
    for (;;) {
      ObjectHeader* chain;
      {
        std::unique_lock<std::mutex> lock(shared_->mu);
        if (shared_->num_chains == 0) {
          if (--shared_->active == 0) {
            shared_->done = true;
            shared_->cv.notify_all();
            return;
          }
          shared_->idle.fetch_add(1, std::memory_order_relaxed);
          shared_->cv.wait(lock, [&] {
            return shared_->num_chains > 0 || shared_->done;
          });
          shared_->idle.fetch_sub(1, std::memory_order_relaxed);
          if (shared_->done) return;
          ++shared_->active;
        }
        chain = shared_->chains[--shared_->num_chains];
      }
      top_ = chain;
      depth_ = kChunk;
      Drain();
      Flush();
    }
  }

 private:
  FTRT_ALWAYS_INLINE void Push(ObjectHeader* op) {
    SetLink(op, top_);
    top_ = op;
    ++depth_;
    ++marked_;
  }

  // visitproc of an object being scanned from the work list: a child just
  // claimed is scanned at once, while the claim has its line in cache (a
  // wide object's children would otherwise be touched twice: pushed, then
  // popped long after, once the cache has lost them); the grandchildren it
  // claims go on the list. So the recursion is one level deep.
  static int Visit(PyObject* op, void* arg) {
    if (op == nullptr) return 0;
    if (Claim(op, Bits(op))) {
      auto* m = static_cast<Marker*>(arg);
      if constexpr (kShared) {
        // A thread is waiting for work: list the child, so that a chain
        // of the list can be handed over.
        if (m->shared_->idle.load(std::memory_order_relaxed) != 0) {
          m->Push(op);
          return 0;
        }
      }
      ++m->marked_;
      m->Scan(op, &VisitPush);
    }
    return 0;
  }

  // visitproc of a child being scanned inside Visit: pushes what it claims.
  static int VisitPush(PyObject* op, void* arg) {
    if (op == nullptr) return 0;
    if (Claim(op, Bits(op))) static_cast<Marker*>(arg)->Push(op);
    return 0;
  }

  // A marked object leaves the work (or is never put on it): its ob_tid
  // back, its referents visited.
  FTRT_ALWAYS_INLINE void Scan(ObjectHeader* op, visitproc visit) {
    RestoreTid(owners_, op);
    Traverse(op, visit, this);
  }

  void Drain() {
    while (top_ != nullptr) {
      ObjectHeader* op = top_;
      top_ = Link(op);
      --depth_;
      // The next entry was pushed long ago (a wide object's children):
      // fetch it while this one is traversed.
      if (top_ != nullptr) __builtin_prefetch(top_, 1);
      Scan(op, &Visit);
      if constexpr (kShared) {
        if ((++pops_ & 63) == 0) MaybeDonate();
      }
    }
  }

  void Flush() {
    if constexpr (kShared) {
      shared_->marked.fetch_add(marked_ - flushed_, std::memory_order_relaxed);
      flushed_ = marked_;
    }
  }

  // Hands the top kChunk entries of the list to an idle thread.
  void MaybeDonate() {
    if ((marked_ - flushed_) >= 4096) Flush();
    if (depth_ < 2 * kChunk || shared_->idle.load(std::memory_order_relaxed) == 0) return;
    ObjectHeader* chain = top_;
    ObjectHeader* last = top_;
    for (size_t i = 1; i < kChunk; ++i) last = Link(last);
    ObjectHeader* rest = Link(last);
    SetLink(last, nullptr);
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      if (shared_->num_chains < MarkShared::kMaxChains) {
        shared_->chains[shared_->num_chains++] = chain;
        shared_->cv.notify_one();
        top_ = rest;
        depth_ -= kChunk;
        return;
      }
    }
    SetLink(last, rest);  // no room: keep it
  }

  alloc::Allocator::OwnerCache owners_;
  MarkShared* const shared_;
  ObjectHeader* top_ = nullptr;
  size_t depth_ = 0;  // entries on the list (about, after taking a chain)
  size_t marked_ = 0;
  size_t flushed_ = 0;
  uint64_t pops_ = 0;
};

// The unreachable object op joins `t`'s list: the list holds one
// reference, and refcounting alone must be able to free it once its cycles
// are broken (no deferred counting).
FTRT_ALWAYS_INLINE void TakeUnreachable(ObjectHeader* op, uint8_t bits, PerThread& t,
                                        PyTypeObject* weakref_type) {
  intptr_t extra = 1;
  if (bits & kDeferred) {
    extra -= kDeferredBias;
    bits = static_cast<uint8_t>(bits & ~kDeferred);
    SetBitsStopped(op, bits);
  }
  MergeDuringStop(op, extra);
  SetLink(op, t.head);
  if (t.head == nullptr) t.tail = op;
  t.head = op;
  ++t.count;
  PyTypeObject* type = op->ob_type;
  if (type->tp_finalize != nullptr && !(bits & kFinalized)) t.finalizers = true;
  if (type == weakref_type ||
      (type->tp_weaklistoffset > 0 &&
       *reinterpret_cast<WeakRefObject**>(reinterpret_cast<char*>(op) +
                                          type->tp_weaklistoffset) != nullptr)) {
    t.weakrefs = true;
  }
}

// --- step 5, resurrection ---------------------------------------------------

// gc_refs among the unreachable live in ob_ref_local (ignored once merged).
FTRT_ALWAYS_INLINE int32_t LocalRefs(ObjectHeader* op) {
  return static_cast<int32_t>(LocalRef(op).load(std::memory_order_relaxed));
}
FTRT_ALWAYS_INLINE void SetLocalRefs(ObjectHeader* op, int32_t v) {
  LocalRef(op).store(static_cast<uint32_t>(v), std::memory_order_relaxed);
}

int VisitDecrefUnreachable(PyObject* op, void*) {
  if (op != nullptr && (Bits(op) & kUnreachable)) SetLocalRefs(op, LocalRefs(op) - 1);
  return 0;
}

// visitproc: a referent still in the unreachable set is resurrected
// (ALIVE instead of UNREACHABLE) and pushed (arg: the work list's head).
int VisitResurrect(PyObject* op, void* arg) {
  if (op == nullptr) return 0;
  const uint8_t bits = Bits(op);
  if (bits & kUnreachable) {
    SetBitsStopped(op, static_cast<uint8_t>((bits & ~kUnreachable) | kAlive));
    auto** stack = static_cast<ObjectHeader**>(arg);
    SetLink(op, *stack);
    *stack = op;
  }
  return 0;
}

// --- steps 2 and 3, the order of the walks (one thread) ----------------------
//
// The walk for roots can stop once every candidate is marked, and it costs a
// read of every object it passes, which for a heap larger than the cache is
// a trip to memory each. So it goes through the heap backwards, in blocks of
// units (pages; heaps under the sanitizers), each block in the allocator's
// order: the containers that hold many objects (a list, a dict: the usual
// roots) sit in larger size classes, which the allocator enumerates last,
// so the walk meets them first and often stops early. The count's walk
// goes the same way, which leaves in cache the first blocks, the ones a
// container's tp_traverse (its items, in allocation order) reaches first
// during the mark. Measured on gc_bench's 1M shape, six alternating runs:
// 5% less CPU time than a forward count (callgrind's cache model, which
// is strict LRU, disagreed). ScanHeap stays forwards: after the backward
// mark walk, forwards starts on what that walk left in cache (in
// callgrind's model, with a heap 1.6 times the last-level cache, 2.5 times
// fewer misses than backwards). The allocator walks a range of its units
// [cursor, end), so a block is one such walk.

// Whether the walk from unit k on meets any tracked object: true for every
// k up to the last non-empty unit, false after it.
bool AnyFrom(alloc::Allocator& a, size_t k) {
  std::atomic<size_t> cursor{k};
  bool any = false;
  a.ForEachTrackedObjectShared(cursor, [&](ObjectHeader*) {
    any = true;
    return false;
  });
  return any;
}

// The index of the last unit that holds a tracked object; 0 if none does.
size_t LastNonEmptyUnit(alloc::Allocator& a) {
  if (!AnyFrom(a, 1)) return 0;
  size_t lo = 1, hi = 2;  // AnyFrom(lo), and !AnyFrom(hi) once found
  while (AnyFrom(a, hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    (AnyFrom(a, mid) ? lo : hi) = mid;
  }
  return lo;
}

// Calls fn(op) -> bool (false: stop everything) on every tracked object,
// in blocks of units from the last block to the first (see above).
template <typename Fn>
void ForEachTrackedObjectBackwards(alloc::Allocator& a, size_t units, Fn fn) {
  constexpr size_t kBlocks = 8;
  const size_t block = (units + kBlocks - 1) / kBlocks;
  for (size_t end = units; end > 0;) {
    const size_t start = end > block ? end - block : 0;
    std::atomic<size_t> cursor{start};
    if (!a.ForEachTrackedObjectShared(cursor, fn, end)) return;
    end = start;
  }
}

}  // namespace

// --- world stopped ------------------------------------------------------------

void CountRefs(Runtime& runtime, Collection& c) {
  if (c.alive_stack != nullptr) {
    AliveMarker m(c.alive_stack, c.alive_capacity);
    ForEachRootStackEntry(runtime, [&](const RootStackEntry& e) { m.FromRoot(e.object); });
    c.premarked = m.marked();
  }
  if (c.threads <= 1) {
    c.units = LastNonEmptyUnit(c.allocator) + 1;
    size_t inits = 0;   // candidates counted by the walk itself (VisitDecref counts its own)
    size_t walked = 0;  // candidates the walk passed (counted before or as it passed)
    size_t passed_alive = 0;
    ForEachTrackedObjectBackwards(c.allocator, c.units, [&](ObjectHeader* op)
                                                            FTRT_ALWAYS_INLINE_LAMBDA {
      const uint8_t bits = Bits(op);
      if (!(bits & kUnreachable)) {
        if (bits & kAlive) {
          SetBitsStopped(op, static_cast<uint8_t>(bits & ~kAlive));
          ++passed_alive;
          return true;
        }
        const intptr_t refs = CandidateRefcount(op, bits);
        if (refs == kNotCandidate) return true;
        InitRefs(c, op, bits, refs);
        ++inits;
      }
      ++walked;
      Traverse(op, VisitDecref, &c);
      return true;
    });
    FTRT_CHECK(passed_alive == c.premarked,
               "gc: the count's walk passed %zu objects marked from the root stacks, not %zu",
               passed_alive, c.premarked);
    c.candidates += inits;
    // Every candidate was counted once (c.candidates); those the walk did
    // not pass as candidates were ALIVE when it did (late, see VisitDecref).
    c.premarked_late = c.candidates - walked;
    // Uncounted (deferred) references on the root stacks are references
    // from outside the heap that the count does not show. Every candidate
    // has its gc_refs by now.
    ForEachRootStackEntry(runtime, [&](const RootStackEntry& e) {
      if (!e.counted && (Bits(e.object) & kUnreachable)) AddGcRefs(e.object, 1);
    });
    return;
  }
  std::atomic<size_t> cursor{0};
  PerThread per[kMaxGcThreads];
  Workers::Get().Run(c.threads, [&](int t) {
    size_t n = 0;
    c.allocator.ForEachTrackedObjectShared(cursor, [&](ObjectHeader* op)
                                                       FTRT_ALWAYS_INLINE_LAMBDA {
      const uint8_t bits = Bits(op);
      const intptr_t refs = CandidateRefcount(op, bits);
      if (refs == kNotCandidate) return true;
      const uintptr_t original = OriginalTid(c.allocator, op);
      TidRef(op).fetch_add(static_cast<uintptr_t>(refs) - original, std::memory_order_relaxed);
      GcBitsRef(op).store(static_cast<uint8_t>(bits | kUnreachable), std::memory_order_relaxed);
      ++n;
      Traverse(op, VisitDecrefShared, nullptr);
      return true;
    });
    per[t].count = n;
  });
  for (int t = 0; t < c.threads; ++t) c.candidates += per[t].count;
  ForEachRootStackEntry(runtime, [&](const RootStackEntry& e) {
    if (!e.counted && (Bits(e.object) & kUnreachable)) AddGcRefs(e.object, 1);
  });
  if (c.premarked == 0) return;
  // The parallel count cannot clear ALIVE as it goes (a subtraction from
  // another thread could then reach a passed object whose ob_tid holds
  // its owner), so a second shared walk does, now that every candidate
  // is counted: nothing after the count looks at ALIVE.
  std::atomic<size_t> clear_cursor{0};
  PerThread cleared[kMaxGcThreads];
  Workers::Get().Run(c.threads, [&](int t) {
    size_t n = 0;
    c.allocator.ForEachTrackedObjectShared(clear_cursor, [&](ObjectHeader* op)
                                                             FTRT_ALWAYS_INLINE_LAMBDA {
      const uint8_t bits = Bits(op);
      if (bits & kAlive) {
        GcBitsRef(op).store(static_cast<uint8_t>(bits & ~kAlive), std::memory_order_relaxed);
        ++n;
      }
      return true;
    });
    cleared[t].count = n;
  });
  size_t passed_alive = 0;
  for (int t = 0; t < c.threads; ++t) passed_alive += cleared[t].count;
  FTRT_CHECK(passed_alive == c.premarked,
             "gc: the walk cleared %zu objects marked from the root stacks, not %zu", passed_alive,
             c.premarked);
}

void MarkReachable(Collection& c) {
  MarkShared shared;
  shared.candidates = c.candidates;
  if (c.threads <= 1) {
    Marker<false> m(c.allocator, &shared);
    if (c.candidates == 0) return;
    if (c.units == 0) c.units = LastNonEmptyUnit(c.allocator) + 1;
    ForEachTrackedObjectBackwards(c.allocator, c.units, [&](ObjectHeader* op)
                                                            FTRT_ALWAYS_INLINE_LAMBDA {
      m.MaybeRoot(op);
      return !m.AllMarked();  // then no root is left to find: stop early
    });
    c.survivors = m.marked();
    return;
  }
  std::atomic<size_t> cursor{0};
  PerThread per[kMaxGcThreads];
  Workers::Get().Run(c.threads, [&](int t) {
    // Join the marking, unless it is over already (a helper scheduled
    // late): a thread claims pages only once it has joined, so the others
    // cannot have finished while work it could find was left.
    {
      std::lock_guard<std::mutex> lock(shared.mu);
      if (shared.done) return;
      ++shared.active;
    }
    Marker<true> m(c.allocator, &shared);
    size_t seen = 0;
    c.allocator.ForEachTrackedObjectShared(cursor, [&](ObjectHeader* op)
                                                       FTRT_ALWAYS_INLINE_LAMBDA {
      m.MaybeRoot(op);
      return (++seen & 255) != 0 || !m.AllMarked();
    });
    m.HelpUntilDone();
    per[t].count = m.marked();
  });
  size_t marked = 0;
  for (int t = 0; t < c.threads; ++t) marked += per[t].count;
  c.survivors = marked;
}

void ScanHeap(Collection& c) {
  if (c.survivors == c.candidates) return;  // nothing unreachable
  PyTypeObject* const weakref_type = WeakRefType();
  const size_t expected = c.candidates - c.survivors;
  PerThread per[kMaxGcThreads];
  std::atomic<size_t> cursor{0};
  std::atomic<size_t> found{0};
  Workers::Get().Run(c.threads, [&](int t) {
    PerThread& mine = per[t];
    // Not forced inline (unlike the count's and the mark's): measured, 4
    // more instructions an object and slower that way.
    c.allocator.ForEachTrackedObjectShared(cursor, [&](ObjectHeader* op) {
      const uint8_t bits = Bits(op);
      if (!(bits & kUnreachable)) return true;
      TakeUnreachable(op, bits, mine, weakref_type);
      // Stop once all are found (exact with one thread, a hint with more).
      if (c.threads == 1) return mine.count < expected;
      if ((mine.count & 1023) == 0) {
        return found.fetch_add(1024, std::memory_order_relaxed) + 1024 < expected;
      }
      return true;
    });
  });
  // Concatenate the threads' lists.
  ObjectHeader* head = nullptr;
  size_t n = 0;
  for (int t = c.threads - 1; t >= 0; --t) {
    if (per[t].head == nullptr) continue;
    SetLink(per[t].tail, head);
    head = per[t].head;
    n += per[t].count;
    c.has_finalizers |= per[t].finalizers;
    c.has_weakrefs |= per[t].weakrefs;
  }
  FTRT_DCHECK(n == expected, "gc: %zu unreachable, expected %zu", n, expected);
  c.unreachable = head;
  c.num_unreachable = n;
}

void ClearWeakRefs(Collection& c) {
  if (!c.has_weakrefs) return;
  PyTypeObject* const weakref_type = WeakRefType();
  for (ObjectHeader* op = c.unreachable; op != nullptr; op = Link(op)) {
    PyTypeObject* type = op->ob_type;
    if (type == weakref_type) {
      // An unreachable weak reference: detach it from its referent now, so
      // that its callback can never run on objects being torn down (its
      // callback is dropped too; CPython never calls it either).
      type->tp_clear(op);
    }
    if (type->tp_weaklistoffset <= 0) continue;
    auto* head = reinterpret_cast<WeakRefObject**>(reinterpret_cast<char*>(op) +
                                                   type->tp_weaklistoffset);
    if (*head == nullptr) continue;  // world stopped: no lock needed to look
    for (WeakRefObject* wr = *head; wr != nullptr; wr = wr->wr_next) ++c.weakrefs_cleared;
    WeakRefObject* list = ftrt::internal::ClearWeakRefsForDealloc(op);
    while (list != nullptr) {
      WeakRefObject* wr = list;
      list = wr->wr_next;
      wr->wr_next = nullptr;
      if (Bits(AsHeader(wr)) & kUnreachable) {
        // Unreachable itself: no callback (as CPython). Drop the reference
        // ClearWeakRefsForDealloc took; the list still holds one.
        Decref(AsHeader(wr));
        continue;
      }
      wr->wr_next = c.callbacks;
      c.callbacks = wr;
    }
  }
}

// --- world running --------------------------------------------------------------

void RunWeakRefCallbacks(Collection& c) {
  WeakRefObject* list = c.callbacks;
  c.callbacks = nullptr;
  if (list != nullptr) ftrt::internal::RunWeakRefCallbacks(list);
}

void FinalizeUnreachable(Collection& c, ErrorSink report) {
  if (!c.has_finalizers) return;
  // The list's references keep every object on it alive, and nobody else
  // writes the ob_tid of a merged object, so the links stay valid while
  // finalizers run arbitrary code on this and other threads.
  for (ObjectHeader* op = c.unreachable; op != nullptr; op = Link(op)) {
    destructor finalize = op->ob_type->tp_finalize;
    if (finalize == nullptr) continue;
    if (GcBitsRef(op).fetch_or(kFinalized, std::memory_order_relaxed) & kFinalized) continue;
    finalize(op);
    ++c.finalizers_called;
    if (ErrorIndicatorSet()) {
      ++c.errors;
      report(TakeErrorIndicator("tp_finalize"), op, "finalizer");
    }
  }
}

// --- world stopped again ----------------------------------------------------------

void HandleResurrected(Collection& c) {
  // gc_refs among the unreachable: the count, less the list's reference,
  // less the references from other unreachable objects.
  for (ObjectHeader* op = c.unreachable; op != nullptr; op = Link(op)) {
    FTRT_DCHECK(IsMerged(op) && (Bits(op) & kUnreachable), "gc: unreachable list corrupt at %p",
                static_cast<void*>(op));
    intptr_t refs = (SharedRef(op).load(std::memory_order_relaxed) >> kRefShift) - 1;
    if (refs > INT32_MAX / 2) refs = INT32_MAX / 2;  // plainly referenced from outside
    SetLocalRefs(op, static_cast<int32_t>(refs));
  }
  for (ObjectHeader* op = c.unreachable; op != nullptr; op = Link(op)) {
    Traverse(op, VisitDecrefUnreachable, nullptr);
  }
  // Roots of resurrection: referenced from outside the set. Flag them
  // (ALIVE) and give ob_ref_local back.
  size_t roots = 0;
  for (ObjectHeader* op = c.unreachable; op != nullptr; op = Link(op)) {
    const int32_t refs = LocalRefs(op);
    FTRT_DCHECK(refs >= 0, "gc: negative resurrection count on %p", static_cast<void*>(op));
    SetLocalRefs(op, 0);
    if (refs > 0) {
      SetBitsStopped(op, static_cast<uint8_t>(Bits(op) | kAlive));
      ++roots;
    }
  }
  if (roots == 0) return;
  // Dissolve the list (every ob_tid back to 0: all are merged); the
  // UNREACHABLE bit still names the set. Then mark from the roots, the
  // work list threaded through ob_tid as in step 3.
  ObjectHeader* stack = nullptr;
  for (ObjectHeader* op = c.unreachable; op != nullptr;) {
    ObjectHeader* next = Link(op);
    SetLink(op, nullptr);
    const uint8_t bits = Bits(op);
    if (bits & kAlive) {
      SetBitsStopped(op, static_cast<uint8_t>(bits & ~kUnreachable));
      SetLink(op, stack);
      stack = op;
    }
    op = next;
  }
  while (stack != nullptr) {
    ObjectHeader* op = stack;
    stack = Link(op);
    Traverse(op, VisitResurrect, &stack);
  }
  // Rebuild the list from what is still unreachable; the resurrected give
  // the list's reference back. Every member is alive (the list holds it),
  // tracked or not, so a walk over all objects finds each.
  ObjectHeader* unreachable = nullptr;
  size_t n = 0, resurrected = 0;
  c.allocator.ForEachObject([&](ObjectHeader* op) {
    const uint8_t bits = Bits(op);
    if (bits & kAlive) {
      SetBitsStopped(op, static_cast<uint8_t>(bits & ~kAlive));
      SetLink(op, nullptr);
      const intptr_t left = MergeDuringStop(op, -1);
      FTRT_DCHECK(left > 0, "gc: resurrected object %p has no reference left",
                  static_cast<void*>(op));
      (void)left;
      ++resurrected;
    } else if (bits & kUnreachable) {
      SetLink(op, unreachable);
      unreachable = op;
      ++n;
    }
  });
  c.unreachable = unreachable;
  c.num_unreachable = n;
  c.resurrected += resurrected;
}

// --- world running --------------------------------------------------------------

void ClearUnreachable(Collection& c, ErrorSink report) {
  while (c.unreachable != nullptr) {
    ObjectHeader* op = c.unreachable;
    c.unreachable = Link(op);
    SetLink(op, nullptr);  // merged: its owner id is 0
    // No other thread can reach op (a finalizer that handed it out would
    // have resurrected it), so a plain store clears the bit, as CPython.
    GcBitsRef(op).store(static_cast<uint8_t>(Bits(op) & ~kUnreachable), std::memory_order_relaxed);
    if (inquiry clear = op->ob_type->tp_clear) {
      (void)clear(op);
      if (ErrorIndicatorSet()) {
        ++c.errors;
        report(TakeErrorIndicator("tp_clear"), op, "tp_clear");
      }
    }
    Decref(op);  // may free it, and what its cycle held, now
  }
}

}  // namespace ftrt::gc::internal
