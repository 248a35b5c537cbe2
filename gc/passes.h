// Internal: the steps of one collection (collector.h numbers them), each a
// function over a Collection. collector.cc runs them in order, stops and
// restarts the world between them and times them. Not an API.
#ifndef FTRT_GC_PASSES_H_
#define FTRT_GC_PASSES_H_

#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "alloc/allocator.h"
#include "alloc/object_layout.h"
#include "object/weakref.h"
#include "runtime/runtime.h"

namespace ftrt::gc::internal {

// Reports an error a finalizer or tp_clear left in the error indicator.
using ErrorSink = absl::FunctionRef<void(const absl::Status&, ObjectHeader*, const char*)>;

struct Collection {
  explicit Collection(alloc::Allocator& a) : allocator(a) {}
  alloc::Allocator& allocator;
  // Threads for the stopped passes (gc/workers.h); 1: the caller alone.
  int threads = 1;
  // Units (pages) of the one-thread backward walks (passes.cc); 0 until
  // the first of them counts them.
  size_t units = 0;

  // The work stack of step 2's marking from the root stacks: fixed, owned
  // by the Collector; null turns that marking off.
  ObjectHeader** alive_stack = nullptr;
  size_t alive_capacity = 0;

  // Counted by the passes.
  size_t premarked = 0;   // found reachable from the root stacks before the count
  size_t premarked_late = 0;  // of which counted as candidates too (passes.cc)
  size_t candidates = 0;  // objects counted (tracked, mortal, alive, not premarked)
  size_t survivors = 0;   // of which reachable (marked)
  // The unreachable objects, linked through ob_tid; each is merged and
  // holds one reference owned by this list.
  ObjectHeader* unreachable = nullptr;
  size_t num_unreachable = 0;
  // Whether an unreachable object may need step 4 (a weak reference, or a
  // referent with weak references) or step 5 (an unfinalized tp_finalize).
  bool has_weakrefs = false;
  bool has_finalizers = false;
  // Surviving weak references whose referent was unreachable and that
  // have a callback: linked through wr_next, one reference each (as
  // object/'s ClearWeakRefsForDealloc returns them).
  WeakRefObject* callbacks = nullptr;
  size_t weakrefs_cleared = 0;
  size_t finalizers_called = 0;
  size_t errors = 0;
  size_t resurrected = 0;
};

// --- world stopped ---

// Step 2: gc_refs of every candidate: its true count, plus the uncounted
// references on every thread's root stack, minus the references from
// other candidates. With c.alive_stack, everything reachable from a root
// stack is first marked ALIVE (by the calling thread alone) and so is no
// candidate: the count and the mark skip it (CPython 3.14t's "mark alive"
// step). The count's walk clears ALIVE again as it passes it (one thread),
// or a walk after the count does (several).
void CountRefs(Runtime& runtime, Collection& c);
// Step 3: marks (clears UNREACHABLE of) everything reachable from a
// candidate with gc_refs > 0, with a work list threaded through ob_tid,
// and gives each marked object its ob_tid back as it leaves the list.
void MarkReachable(Collection& c);
// Step 3, end (only if something is unreachable): merges each unreachable
// object with one extra reference (dropping deferred refcounting) and
// links it into c.unreachable.
void ScanHeap(Collection& c);
// Step 4: clears weak references that are unreachable themselves or refer
// to an unreachable object; collects the callbacks to run in c.callbacks.
void ClearWeakRefs(Collection& c);

// --- world running ---

// Runs (and releases) c.callbacks.
void RunWeakRefCallbacks(Collection& c);
// Step 5: tp_finalize of every unreachable object not yet finalized.
void FinalizeUnreachable(Collection& c, ErrorSink report);

// --- world stopped (a second time, only if a finalizer ran) ---

// Step 5, end: finds the unreachable objects referenced from outside the
// unreachable set now, keeps them and everything they reach (dropping the
// list's reference), and relinks the rest.
void HandleResurrected(Collection& c);

// --- world running ---

// Step 6: tp_clear on each remaining unreachable object, then drops the
// list's reference; reference counting frees the cycles.
void ClearUnreachable(Collection& c, ErrorSink report);

}  // namespace ftrt::gc::internal

#endif  // FTRT_GC_PASSES_H_
