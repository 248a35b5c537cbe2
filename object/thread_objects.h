// object/'s per-thread state and how it hooks into runtime/ and alloc/:
// merge queues, thread exit and id reuse, frees deferred past a stop, root
// stacks, and the explicit merge / collect-deferred API.
//
// InstallObjects(runtime) registers, on one Runtime:
//   * a per-thread slot holding the thread's ObjectThread (runtime/'s
//     opaque slots): its merge queue, root stack and after-stop list;
//   * lifecycle hooks: thread start (create and register the ObjectThread),
//     thread exit (below), after-fork-child (re-initialise our locks; the
//     dead threads' exits then run through the exit hook);
//   * a safepoint hook: a thread that queued an object to its owner asks
//     the owner (ThreadState::RequestSafepointWork) to merge at its next
//     safepoint.
//
// MERGE QUEUES (CPython's Python/brc.c, with our own code). Per runtime, a
// registry of ObjectThreads in kRegistryBuckets buckets keyed by fast thread
// id, each bucket with its own ftrt::Mutex; a thread's queue is guarded by
// its bucket's lock. A non-owner that takes an object to QUEUED (refcount.h
// T6) locks the bucket of the object's ob_tid, re-reads ob_tid under it and
//   - if it is still the owner's (registered: owners register before they
//     allocate and unregister only after unowning everything), pushes the
//     object and asks the owner to merge at its next safepoint;
//   - if it became 0 (the owner exited or merged meanwhile), merges on the
//     spot (T9).
// The owner drains its queue at safepoints (and in MergeQueuedObjects) by
// swapping it out under the lock, merging each object (T7) and collecting
// those that reach zero in a local list, which it frees only after every
// merge is done and no lock is held (a destructor can run any code). If a
// queue chunk cannot be allocated (the queue has no error channel), the
// object is merged during a stop-the-world instead.
//
// THREAD EXIT AND ID REUSE. glibc gives a later thread the same TLS block,
// so the same fast id. At exit (the runtime's exit hook, on the exiting
// thread while its heap still exists) the thread, until nothing changes:
// drains its queue; unowns every object its heap still owns
// (alloc::Allocator::ForEachOwnedObject; T8: local count folded into the
// shared count, state MERGED, ob_tid = 0); frees what reached zero. Then,
// under its bucket's lock and only if its queue is empty, it unregisters.
// From then on no header carries its id, so a later thread with the same
// id cannot take any object for its own, and a thread that queues to an
// object of it finds ob_tid == 0 and merges on the spot.
//
// STOPS. An object that reaches zero on the thread that has the world
// stopped (a collector breaking cycles, a fallback merge) is not freed
// then: it waits in that thread's after-stop list until the world has
// restarted (FreeObjectsPendingAfterStop, called by whoever restarted it,
// or the thread's next safepoint or exit).
#ifndef FTRT_OBJECT_THREAD_OBJECTS_H_
#define FTRT_OBJECT_THREAD_OBJECTS_H_

#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "alloc/object_layout.h"
#include "object/stack_ref.h"

namespace ftrt {

class Runtime;
class ThreadState;

inline constexpr int kRegistryBuckets = 64;

// Installs object/ into `runtime` (see above). Call it right after
// Runtime::Init, before other threads attach; the calling thread, if
// attached to `runtime`, is registered at once. Idempotent per runtime
// when called by a thread attached to it (a second call then does nothing).
void InstallObjects(Runtime& runtime);

// Merges the calling thread's queued objects now, then frees what reached
// zero and what waits in its after-stop list (if the world is not stopped
// by it). What a safepoint does when asked. Returns the number of queued
// objects merged.
size_t MergeQueuedObjects();

// How many objects wait in the calling thread's merge queue (a snapshot).
size_t QueuedObjectCount();

// Frees the objects that reached zero on this thread while it had the
// world stopped. Call after StartTheWorld (it does nothing while the caller
// still has the world stopped). Returns how many it freed.
size_t FreeObjectsPendingAfterStop();

// The collector's allocation counter. `hook` runs on the allocating thread
// (attached; ts is its ThreadState) after every kGcAllocationBatch-th
// allocation of a GC-capable object by that thread, with the number of such
// allocations since its previous call. It must not collect there (an
// allocation never runs a collection: DESIGN.md, "Deallocation"); it may
// only ask for one through the safepoint word
// (ThreadState::RequestSafepointWork). One hook per runtime, set once by
// gc/ before other threads allocate; nullptr turns it off.
using GcAllocationHook = void (*)(ThreadState* ts, uint32_t allocations, void* arg);
inline constexpr uint32_t kGcAllocationBatch = 64;
void SetGcAllocationHook(Runtime& runtime, GcAllocationHook hook, void* arg);
// The `arg` of the runtime's hook (nullptr if none), so that gc/ can find
// its collector from the runtime. On a thread attached to `runtime`.
void* GcAllocationHookArg(Runtime& runtime);

// --- For the collector (gc/): only while the caller has the world
// stopped (Runtime::StopTheWorld). ---

// Merges every thread's queued objects (T7 on their behalf: their owners
// are parked). Objects that reach zero wait for FreeObjectsPendingAfterStop.
// Returns the number merged.
size_t MergeAllQueuedObjectsDuringStop(Runtime& runtime);

// Calls fn for each entry of each thread's root stack.
void ForEachRootStackEntry(Runtime& runtime, absl::FunctionRef<void(const RootStackEntry&)> fn);

// The explicit "collection" of deferred objects, until gc/ lands: stops the
// world, merges every queue, finds the deferred objects that no counted
// reference and no root stack holds, restarts the world and frees them.
// Returns how many it freed. The calling thread must be attached.
size_t CollectDeferred(Runtime& runtime);

namespace internal {

// refcount.cc: T6's second half (the object is QUEUED and its queue entry
// holds one decrement).
void QueueToOwner(ObjectHeader* op);
// refcount.cc: T7/T9 (and the stop-the-world fallback of a queue that
// cannot grow): folds the local count into the shared one (if not MERGED
// yet), adds `extra` (a real decrement, never 0), publishes MERGED; returns
// the new count, and the caller frees the object if it is 0 (this call's
// RMW made it DEAD). The caller holds a reference or the pending decrement,
// and the owner is the calling thread, gone, or stopped.
intptr_t MergeRefcount(ObjectHeader* op, intptr_t extra);
// refcount.cc: T8 for one object the exiting calling thread owns: unowns
// it (ob_tid = 0), folds the local count into the shared one and publishes
// MERGED, adding nothing. Returns true only if this call's RMW left it DEAD
// (merged count 0): then the caller frees it. Returns false, and writes
// nothing more, if the object is MERGED already. That happens in a race:
// once ob_tid is 0, a thread that queues the object (T6) merges it on the
// spot (T9) and applies the decrement it holds; if its RMW lands between
// our load and our compare-exchange, that thread decided the free (and may
// have freed it already), so a merged count of 0 seen here is not ours.
bool MergeRefcountAtOwnerExit(ObjectHeader* op);
// Test only: `hook` runs inside MergeRefcountAtOwnerExit, on the exiting
// thread, after it stored ob_tid = 0 and before its RMW (the window above);
// nullptr (the default) turns it off. Set it while no thread exits.
void SetOwnerExitMergeHookForTesting(void (*hook)(ObjectHeader* op));
// Test only: `hook` runs inside DecrefSharedSlow (refcount.cc), on the
// decrementing thread, after its subtraction took a DEFAULT/MAYBE_WEAK
// count below zero and before T6's fix-up reads the word again; nullptr
// (the default) turns it off. Set it while no thread decrements.
void SetDecrefFixUpHookForTesting(void (*hook)(ObjectHeader* op));
// dealloc.cc: step 1 of Dealloc.
bool DeferDeallocIfWorldStopped(ObjectHeader* op);
// object.cc: the calling thread's heap.
void* AllocObjectMemory(size_t size, bool gc_capable);
void FreeObjectMemory(void* op);

}  // namespace internal
}  // namespace ftrt

#endif  // FTRT_OBJECT_THREAD_OBJECTS_H_
