// ftrt::gc::Collector: the stop-the-world cycle collector.
//
// Reference counting frees everything except cycles; this finds and breaks
// them. It is CPython 3.13t's collector (Python/gc_free_threading.c, PEP
// 703 "Garbage collection"): non-generational, one full collection per
// stop of the world, the semantics of CPython's `gc` module, our own code.
// One Collector per Runtime (Install), after object/ (InstallObjects).
//
// A COLLECTION (Collect, or automatically; see below), on the calling
// thread:
//   stop the world, then
//   1. merge every pending refcount (every thread's merge queue; objects of
//      exited owners were merged at their exit), so each tracked object has
//      one true count;
//   2. mark ALIVE everything reachable from a root stack:
//      referenced from outside the heap, so no candidate, never counted or
//      marked below (CPython 3.14t's "mark alive"; for a heap held from
//      frames that is most of it: one traversal instead of two);
//      count: for every candidate (tracked, not immortal, not frozen, not
//      already on its way out) gc_refs = its count - kDeferredBias if
//      deferred + the uncounted references to it from every thread's root
//      stack - the references to it from other candidates (tp_traverse);
//      what stays above zero is referenced from outside the heap;
//   3. mark everything reachable from those objects; the rest is
//      unreachable: each gets one reference held by the collector (and
//      loses deferred refcounting, so that refcounting can free it);
//   4. clear the weak references to unreachable objects (and those that are
//      themselves unreachable); the callbacks of the surviving ones wait;
//   restart the world; free what reached zero during the stop; run those
//   weak reference callbacks;
//   5. call tp_finalize of each unreachable object not finalized before
//      (PEP 442: at most once in an object's life, FTRT_GC_BIT_FINALIZED);
//      if any ran, stop the world again to find the objects a finalizer
//      resurrected (reachable from outside the unreachable set now) and
//      keep them and everything they reach;
//   6. with the world running, call tp_clear on each remaining unreachable
//      object and drop the collector's reference: reference counting frees
//      the cycles.
//
// SCRATCH SPACE. No side table grows with the heap: during a stop, a
// candidate's gc_refs live in its ob_tid, the mark work list is threaded
// through the ob_tid of objects already marked, the unreachable list
// through the ob_tid of unreachable objects (merged, so their owner id is
// 0), and the resurrection count in ob_ref_local of those (ignored once
// merged). FTRT_GC_BIT_UNREACHABLE in ob_gc_bits says which candidates
// are not (yet) known to be reachable; FTRT_GC_BIT_ALIVE marks what the
// root stacks reach (until the count's walk passes it) and what a
// finalizer resurrected. The first marking's work stack is a fixed array
// of the Collector's (64 KiB; what does not fit is left to the count). gc/scratch.h has the table. Every ob_tid is
// restored afterwards from alloc/'s ownership records (Allocator::OwnerOf:
// the owner's id, 0 once the owner exited) or to 0 for merged objects,
// exactly what it held before.
//
// AUTOMATIC COLLECTION. object/ reports GC-capable allocations in batches
// (SetGcAllocationHook). Once the allocations since the last collection
// pass max(threshold, survivors of the last collection / heap_divisor),
// the allocating thread is asked, through its safepoint word, to collect
// at its next safepoint; the allocation itself never collects. A
// collection never starts on a thread that is already inside one (running
// its finalizers, weak reference callbacks or tp_clear): Collect returns 0
// there. Automatic requests are dropped while collection is disabled, while
// another collection is running, and once the runtime is finalizing.
//
// PARALLEL PASSES. While the world is stopped the parked threads' cores
// are idle (one per other thread of the runtime, up to the machine's
// cores); on a large heap (Options::parallel_min_objects) the count, the
// mark and the listing of the unreachable run on the collecting thread and
// helper threads (gc/workers.h) at once, sharing one walk over the heap
// page by page (Allocator::ForEachTrackedObjectShared). Counting then
// subtracts with atomic decrements; marking claims each object with an
// atomic clear of its UNREACHABLE bit, and a thread with a long work list
// hands chains of it to idle threads. The world-running steps stay on the
// collecting thread.
//
// ERRORS. A finalizer (or tp_clear) that fails reports it through object/'s
// error indicator (object/errors.h); the collector takes the error, passes
// it to the unraisable hook (by default printed to stderr as CPython's
// "Exception ignored in" line), counts it in Stats::uncollectable and goes
// on.
//
// Threading: Collect, Enable/Disable and the setters from any thread
// attached to the runtime; GetStats from any thread. Collections are
// serialised by a Mutex held for the whole collection, world-running
// phases included (a second explicit Collect waits for it, detached).
#ifndef FTRT_GC_COLLECTOR_H_
#define FTRT_GC_COLLECTOR_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "alloc/object_layout.h"
#include "gc/stats.h"
#include "runtime/runtime.h"
#include "sync/mutex.h"

namespace ftrt::gc {

struct Options {
  // Automatic collection once this many GC-capable objects were allocated
  // since the last collection (CPython's threshold0, 2000)...
  int64_t threshold = 2000;
  // ... and at least (survivors of the last collection) / heap_divisor, so
  // the work per allocation stays bounded as the heap grows (CPython 3.13t
  // uses 4).
  int64_t heap_divisor = 4;
  bool enabled = true;
  // Threads for the passes that run while the world is stopped (counting,
  // marking, listing the unreachable), the collecting thread included.
  // 0: the collecting thread plus one helper per other thread of the
  // runtime (the cores the stop idled), at most one per core. N: N (at
  // most 16), whatever else runs.
  int threads = 0;
  // Below this many objects (survivors of the last collection plus
  // allocations since), one thread does it all: handing work out costs
  // more than it saves on a small heap.
  int64_t parallel_min_objects = 100'000;
};

// Reasons a collection runs.
enum class Reason : uint8_t { kManual, kAutomatic };

// Reports an error nobody can catch: `error` (taken from the error
// indicator), the object concerned and what was being done ("finalizer",
// "tp_clear"). Runs on the collecting thread, attached, world running.
using UnraisableHook = void (*)(const absl::Status& error, ObjectHeader* obj,
                                const char* where, void* arg);

class Collector {
 public:
  // Installs the collector on `runtime`: registers its safepoint hook and
  // object/'s allocation hook. Call once, after InstallObjects(runtime),
  // on a thread attached to it, before other threads allocate. The
  // collector lives as long as the process (runtime/ has no hook for its
  // own destruction, and hooks may still run on threads bound to it).
  static Collector& Install(Runtime& runtime, const Options& options = {});
  // The collector installed on `runtime`, or nullptr. On a thread
  // attached to it.
  static Collector* Find(Runtime& runtime);

  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // A full collection now (see the top of the file), on the calling thread,
  // which must be attached to the runtime. Returns how many unreachable
  // objects it found and cleared (CPython's gc.collect()). Waits for a
  // collection running on another thread to finish first; returns 0 at
  // once if this thread is already inside one.
  size_t Collect();

  // Automatic collection on/off (gc.enable / gc.disable). Collect works
  // either way.
  void Enable() { enabled_.store(true, std::memory_order_relaxed); }
  void Disable() { enabled_.store(false, std::memory_order_relaxed); }
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  void SetThreshold(int64_t threshold) { threshold_.store(threshold, std::memory_order_relaxed); }
  // Options::threads and Options::parallel_min_objects, for later
  // collections.
  void SetThreads(int threads) { threads_.store(threads, std::memory_order_relaxed); }
  void SetParallelMinObjects(int64_t n) { parallel_min_.store(n, std::memory_order_relaxed); }
  int64_t threshold() const { return threshold_.load(std::memory_order_relaxed); }

  // Whether the calling thread is inside a collection (stopped phases,
  // finalizers, callbacks, tp_clear).
  bool CollectingOnThisThread() const;

  // GC-capable objects allocated since the last collection (in batches of
  // object/'s kGcAllocationBatch per thread).
  int64_t allocations_since_collection() const {
    return alloc_count_.load(std::memory_order_relaxed);
  }

  // Replaces the unraisable hook (nullptr: the default, which prints).
  void SetUnraisableHook(UnraisableHook hook, void* arg);

  Stats GetStats() const;

  Runtime& runtime() const { return runtime_; }

 private:
  Collector(Runtime& runtime, const Options& options);

  static void OnAllocations(ThreadState* ts, uint32_t n, void* arg);
  static void OnSafepoint(ThreadState* ts, void* arg);
  size_t CollectWith(Reason reason);
  size_t CollectLocked(Reason reason) ABSL_EXCLUSIVE_LOCKS_REQUIRED(collect_mu_);
  int ThreadsFor(int stopped_threads) const;
  void ReportUnraisable(const absl::Status& error, ObjectHeader* obj, const char* where);

  Runtime& runtime_;
  SafepointWork work_bit_ = 0;
  const int64_t heap_divisor_;
  std::atomic<bool> enabled_;
  std::atomic<int64_t> threshold_;
  std::atomic<int> threads_;
  std::atomic<int64_t> parallel_min_;
  std::atomic<int64_t> alloc_count_{0};
  // Objects that survived the last collection.
  std::atomic<int64_t> survivors_{0};
  // The fast thread id of the thread inside a collection (0: none).
  std::atomic<uintptr_t> collecting_tid_{0};
  // Serialises collections (held from the first stop to the last tp_clear).
  Mutex collect_mu_;
  // The work stack of the marking from the root stacks (passes.h), used by
  // one collection at a time (under collect_mu_); fixed, never grows.
  static constexpr size_t kAliveStackEntries = 8192;
  const std::unique_ptr<ObjectHeader*[]> alive_stack_;
  std::atomic<UnraisableHook> unraisable_hook_{nullptr};
  std::atomic<void*> unraisable_arg_{nullptr};
  StatsRecorder stats_;
};

}  // namespace ftrt::gc

#endif  // FTRT_GC_COLLECTOR_H_
