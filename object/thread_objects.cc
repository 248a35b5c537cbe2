// object/'s per-thread state, merge queues, thread exit, after-stop frees
// and the explicit collection of deferred objects (see thread_objects.h).
#include "object/thread_objects.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "alloc/allocator.h"
#include "object/dealloc.h"
#include "object/refcount.h"
#include "object/debug.h"
#include "object/weakref.h"
#include "runtime/runtime.h"
#include "sync/mutex.h"

namespace ftrt {
namespace internal {

// A root stack that can hold nothing: every push on a thread that has not
// registered yet goes to GrowRootStack, which swaps in the real one.
constinit RootStack g_empty_root_stack{};
constinit thread_local RootStack* tls_root_stack __attribute__((tls_model("initial-exec"))) =
    &g_empty_root_stack;

namespace {

struct ObjectRuntime;

// A chunk of a merge queue. Allocated from the queuing thread's heap
// (alloc/'s raw memory, so fault injection reaches it), freed by the owner.
struct QueueChunk {
  static constexpr uint32_t kItems = 62;
  QueueChunk* next;
  uint32_t count;
  ObjectHeader* items[kItems];
};

// One thread's state. Owned by its thread; other threads touch only the
// fields marked so.
struct ObjectThread {
  ObjectRuntime* ort = nullptr;
  ThreadState* ts = nullptr;
  uintptr_t tid = 0;
  // Guarded by the lock of the bucket of `tid` (ObjectRuntime::BucketFor):
  // the registry link, the merge queue and its length.
  ObjectThread* bucket_next = nullptr;
  QueueChunk* queue = nullptr;
  std::atomic<size_t> queued{0};  // also read racily by QueuedObjectCount
  bool registered = false;
  // The owner's only (others read it while the world is stopped). On its
  // own cache line: every StackRef writes `top`, and the fields above are
  // written by other threads (pushers).
  alignas(64) RootStack roots;
  // Objects that reached zero while this thread had the world stopped,
  // linked through ob_tid (they are DEAD). Owner only.
  alignas(64) ObjectHeader* after_stop = nullptr;
  // GC-capable allocations not yet reported to the GC allocation hook.
  // Owner only.
  uint32_t gc_allocs = 0;
};

struct Bucket {
  Mutex mu;
  ObjectThread* head ABSL_GUARDED_BY(mu) = nullptr;
};

// object/'s state for one Runtime. Never freed: runtime/ offers no hook
// for its own destruction, and a hook may still run on a thread bound to a
// dying runtime. Kept reachable through g_all_runtimes (one small block per
// runtime ever created; tests create a few hundred).
struct ObjectRuntime {
  Runtime* runtime = nullptr;
  SlotId slot = 0;
  SafepointWork merge_work = 0;
  Bucket buckets[kRegistryBuckets];
  ObjectRuntime* next_all = nullptr;
  // SetGcAllocationHook: arg is stored before the hook (release), read
  // after it (acquire).
  std::atomic<GcAllocationHook> gc_hook{nullptr};
  std::atomic<void*> gc_hook_arg{nullptr};

  Bucket& BucketFor(uintptr_t tid) {
    // TLS bases are page-aligned and far apart: mix the bits.
    return buckets[(tid * 0x9E3779B97F4A7C15ull) >> 58];
  }
};
static_assert(kRegistryBuckets == 64, "BucketFor takes the top 6 bits");

std::mutex g_all_mu;
ObjectRuntime* g_all_runtimes = nullptr;  // guarded by g_all_mu

constinit thread_local ObjectThread* tls_object_thread = nullptr;

// A bucket lock is held only for a few loads and stores (and one raw
// allocation), never across a safepoint, a blocking call or any code that
// could run a destructor; so it need not detach the thread to wait.
class ABSL_SCOPED_LOCKABLE BucketLock {
 public:
  explicit BucketLock(Mutex& mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_.LockNoDetach(); }
  ~BucketLock() ABSL_UNLOCK_FUNCTION() { mu_.Unlock(); }
  BucketLock(const BucketLock&) = delete;
  BucketLock& operator=(const BucketLock&) = delete;

 private:
  Mutex& mu_;
};

// A list of DEAD objects linked through ob_tid (no allocation).
class DeadList {
 public:
  void Push(ObjectHeader* op) {
    TidRef(op).store(reinterpret_cast<uintptr_t>(head_), std::memory_order_relaxed);
    head_ = op;
  }
  bool empty() const { return head_ == nullptr; }
  // Frees them all (no lock may be held). Returns how many.
  size_t DeallocAll() {
    size_t n = 0;
    while (head_ != nullptr) {
      ObjectHeader* op = head_;
      head_ = reinterpret_cast<ObjectHeader*>(TidRef(op).load(std::memory_order_relaxed));
      TidRef(op).store(0, std::memory_order_relaxed);
      Dealloc(op);
      ++n;
    }
    return n;
  }

 private:
  ObjectHeader* head_ = nullptr;
};

ObjectThread* CurrentObjectThread() { return tls_object_thread; }

alloc::Allocator& AllocatorOf(ObjectThread* ot) { return ot->ort->runtime->allocator(); }

// --- registration ----------------------------------------------------------

void Register(ObjectRuntime* ort, ThreadState* ts) {
  auto* ot = new ObjectThread;
  ot->ort = ort;
  ot->ts = ts;
  ot->tid = ts->tid();
  {
    Bucket& b = ort->BucketFor(ot->tid);
    BucketLock lock(b.mu);
    ot->bucket_next = b.head;
    b.head = ot;
    ot->registered = true;
  }
  ts->set_slot(ort->slot, ot);
  if (ts == ThreadState::Current()) {
    tls_object_thread = ot;
    tls_root_stack = &ot->roots;
  }
}

// Removes ot from its bucket if its queue is empty; returns whether it did.
bool UnregisterIfIdle(ObjectThread* ot) {
  Bucket& b = ot->ort->BucketFor(ot->tid);
  BucketLock lock(b.mu);
  if (ot->queue != nullptr) return false;
  for (ObjectThread** p = &b.head; *p != nullptr; p = &(*p)->bucket_next) {
    if (*p == ot) {
      *p = ot->bucket_next;
      break;
    }
  }
  ot->registered = false;
  return true;
}

// --- merge queues ------------------------------------------------------------

// Swaps out ot's queue and merges every object in it (T7); frees those that
// reach zero once all are merged. Runs on ot's thread, or on the thread
// that has the world stopped (then the frees wait for the restart).
size_t DrainQueue(ObjectThread* ot) {
  QueueChunk* chunks;
  {
    Bucket& b = ot->ort->BucketFor(ot->tid);
    BucketLock lock(b.mu);
    chunks = ot->queue;
    ot->queue = nullptr;
    ot->queued.store(0, std::memory_order_relaxed);
  }
  if (chunks == nullptr) return 0;
  size_t merged = 0;
  DeadList dead;
  while (chunks != nullptr) {
    QueueChunk* c = chunks;
    for (uint32_t i = 0; i < c->count; ++i) {
      ObjectHeader* op = c->items[i];
      // The queue held one decrement (T6): apply it now.
      if (MergeRefcount(op, -1) == 0) dead.Push(op);
      ++merged;
    }
    chunks = c->next;
    AllocatorOf(ot).FreeRaw(c);
  }
  // Every merge is done and no lock is held: destructors may run.
  dead.DeallocAll();
  return merged;
}

// T9, and the fallback when a queue cannot grow.
void MergeOnTheSpot(ObjectHeader* op) {
  if (MergeRefcount(op, -1) == 0) Dealloc(op);
}

// T8 for every object `ot`'s heap still owns: fold, unown. Objects that
// reach zero are returned, not freed (the visitor must not free others).
void UnownAll(ObjectThread* ot, DeadList* dead) {
  alloc::ThreadHeap* heap = ot->ts->heap();
  if (heap == nullptr) return;
  AllocatorOf(ot).ForEachOwnedObject(heap, [&](ObjectHeader* op) {
    if (IsImmortal(op)) return;
    if (TidRef(op).load(std::memory_order_relaxed) == 0) return;  // merged already
    // Merged already too: an object on the collector's unreachable list is
    // merged and its ob_tid is the list's link (gc/scratch.h), while the
    // collector may drop the last reference to it at any moment (merging
    // it again here could see that drop and free it a second time). Only
    // objects still counted by us (not merged) are ours to fold. A
    // collection merges only during a stop (we reach no safepoint between
    // this check and the merge), but one other thread can merge it
    // meanwhile: once the merge below has stored ob_tid = 0, a thread that
    // queues the object to us merges it on the spot (T9) and may free it;
    // MergeRefcountAtOwnerExit then reports it as not ours.
    if ((SharedRef(op).load(std::memory_order_acquire) & kRefStateMask) == kRefMerged) return;
    if (IsDeadOrDeallocating(op)) return;
    if (MergeRefcountAtOwnerExit(op)) dead->Push(op);
  });
}

// Pops every entry of a root stack that will never be popped by its
// thread (it exited, or died in a fork): counted ones hold references.
void PopRootStack(ObjectThread* ot) {
  RootStack& rs = ot->roots;
  while (rs.top > 0) {
    const uintptr_t entry = rs.items[--rs.top];
    if (entry & kStackRefCounted) {
      Decref(reinterpret_cast<ObjectHeader*>(entry & ~kStackRefCounted));
    }
  }
}

void FreeRootStack(ObjectThread* ot) {
  FTRT_CHECK(ot->roots.top == 0, "root stack not empty at thread exit");
  std::free(ot->roots.items);
  ot->roots.items = nullptr;
  ot->roots.capacity = 0;
}

size_t FreeAfterStopList(ObjectThread* ot) {
  if (ot->after_stop == nullptr) return 0;
  Runtime& rt = *ot->ort->runtime;
  if (rt.WorldStoppedByCaller() && !rt.finalized()) return 0;
  ObjectHeader* list = ot->after_stop;
  ot->after_stop = nullptr;
  size_t n = 0;
  while (list != nullptr) {
    ObjectHeader* op = list;
    list = reinterpret_cast<ObjectHeader*>(TidRef(op).load(std::memory_order_relaxed));
    TidRef(op).store(0, std::memory_order_relaxed);
    const uint16_t f = FlagsRef(op).load(std::memory_order_relaxed);
    FlagsRef(op).store(static_cast<uint16_t>(f & ~kObjFlagTrashcan), std::memory_order_relaxed);
    Dealloc(op);
    ++n;
  }
  return n;
}

// --- thread exit -------------------------------------------------------------

void ExitCurrentThread(ObjectThread* ot) {
  FTRT_DCHECK(ot->roots.top == 0, "thread exits with %zu StackRefs alive", ot->roots.top);
  PopRootStack(ot);
  for (;;) {
    DrainQueue(ot);
    FreeAfterStopList(ot);
    DeadList dead;
    UnownAll(ot, &dead);
    if (!dead.empty()) {
      // Destructors ran code that may have made new objects: go round.
      dead.DeallocAll();
      continue;
    }
    // Every object of ours is unowned and our queue is empty: nobody can
    // find us any more once we are out of the registry.
    if (UnregisterIfIdle(ot)) break;
  }
  FTRT_CHECK(ot->after_stop == nullptr, "thread exit with objects pending a restart");
  tls_object_thread = nullptr;
  tls_root_stack = &g_empty_root_stack;
  FreeRootStack(ot);
}

// In a fork child: a thread that did not survive, on the survivor, with
// the world stopped (frees wait for the restart).
void ExitDeadThread(ObjectThread* ot) {
  PopRootStack(ot);
  DrainQueue(ot);
  DeadList dead;
  UnownAll(ot, &dead);
  dead.DeallocAll();  // each waits in our after-stop list for the restart
  FTRT_CHECK(ot->after_stop == nullptr, "a thread died in a fork while it had the world stopped");
  FTRT_CHECK(UnregisterIfIdle(ot), "dead thread's queue refilled during a stop");
  FreeRootStack(ot);
}

// --- runtime hooks -----------------------------------------------------------

void OnThreadStart(ThreadState* ts, void* arg) {
  auto* ort = static_cast<ObjectRuntime*>(arg);
  if (ts->slot(ort->slot) == nullptr) Register(ort, ts);
}

void OnThreadExit(ThreadState* ts, void* arg) {
  auto* ort = static_cast<ObjectRuntime*>(arg);
  auto* ot = static_cast<ObjectThread*>(ts->slot(ort->slot));
  if (ot == nullptr) return;
  if (ts == ThreadState::Current()) {
    ExitCurrentThread(ot);
  } else {
    ExitDeadThread(ot);
  }
  ts->set_slot(ort->slot, nullptr);
  delete ot;
}

void OnAfterForkChild(void* arg) {
  // A thread that did not survive may have held one of our locks (it
  // cannot, as they are never held across a safepoint and the fork stopped
  // the world, but a lock must never be inherited held).
  auto* ort = static_cast<ObjectRuntime*>(arg);
  for (Bucket& b : ort->buckets) new (&b.mu) Mutex();
  ReinitWeakrefLocksAfterFork();
}

void OnMergeRequested(ThreadState* ts, void* arg) {
  auto* ort = static_cast<ObjectRuntime*>(arg);
  auto* ot = static_cast<ObjectThread*>(ts->slot(ort->slot));
  if (ot == nullptr) return;
  DrainQueue(ot);
  if (ot->after_stop != nullptr && FreeAfterStopList(ot) == 0) {
    // Still stopped by us: ask again, for a safepoint after the restart.
    ts->RequestSafepointWork(ort->merge_work);
  }
}

ObjectRuntime* RuntimeOfCaller(Runtime& runtime) {
  ObjectThread* ot = CurrentObjectThread();
  FTRT_CHECK(ot != nullptr && ot->ort->runtime == &runtime,
             "object/: the calling thread is not registered with this runtime "
             "(attach it, after InstallObjects)");
  return ot->ort;
}

}  // namespace

// --- refcount.cc / dealloc.cc / object.cc entry points ---------------------

void QueueToOwner(ObjectHeader* op) {
  ObjectThread* self = CurrentObjectThread();
  FTRT_CHECK(self != nullptr,
             "decref of a shared object on a thread not registered with object/ "
             "(attach it to a runtime with InstallObjects): %p",
             static_cast<void*>(op));
  ObjectRuntime* ort = self->ort;
  for (;;) {
    const uintptr_t tid = TidRef(op).load(std::memory_order_relaxed);
    if (tid == 0) {
      MergeOnTheSpot(op);  // T9: the owner exited (or merged) meanwhile
      return;
    }
    Bucket& b = ort->BucketFor(tid);
    bool pushed = false;
    {
      BucketLock lock(b.mu);
      // Re-read under the lock: the owner unowns its objects before it
      // unregisters under this same lock.
      if (TidRef(op).load(std::memory_order_relaxed) != tid) continue;
      ObjectThread* owner = b.head;
      while (owner != nullptr && owner->tid != tid) owner = owner->bucket_next;
      FTRT_CHECK(owner != nullptr,
                 "object %p is owned by thread %#lx, which is not registered with "
                 "object/ (was it attached before InstallObjects?)",
                 static_cast<void*>(op), static_cast<unsigned long>(tid));
      QueueChunk* c = owner->queue;
      if (c == nullptr || c->count == QueueChunk::kItems) {
        auto* fresh = static_cast<QueueChunk*>(
            AllocatorOf(self).AllocRaw(self->ts->heap(), sizeof(QueueChunk)));
        if (fresh != nullptr) {
          fresh->next = c;
          fresh->count = 0;
          owner->queue = fresh;
          c = fresh;
        } else {
          c = nullptr;
        }
      }
      if (c != nullptr) {
        c->items[c->count++] = op;
        owner->queued.store(owner->queued.load(std::memory_order_relaxed) + 1,
                            std::memory_order_relaxed);
        // The owner's ThreadState lives until it unregisters, which needs
        // this lock.
        owner->ts->RequestSafepointWork(ort->merge_work);
        pushed = true;
      }
    }
    if (pushed) return;
    // Out of memory for the queue: merge while the owner is parked.
    Runtime& rt = *ort->runtime;
    if (rt.WorldStoppedByCaller()) {
      MergeOnTheSpot(op);  // frees wait for the restart
      return;
    }
    intptr_t count;
    {
      StopTheWorldGuard stop(rt);
      count = MergeRefcount(op, -1);
    }
    if (count == 0) Dealloc(op);
    return;
  }
}

bool DeferDeallocIfWorldStopped(ObjectHeader* op) {
  ObjectThread* ot = CurrentObjectThread();
  if (ot == nullptr) return false;
  Runtime& rt = *ot->ort->runtime;
  if (!rt.WorldStoppedByCaller() || rt.finalized()) return false;
  const uint16_t f = FlagsRef(op).load(std::memory_order_relaxed);
  FlagsRef(op).store(static_cast<uint16_t>(f | kObjFlagTrashcan), std::memory_order_relaxed);
  TidRef(op).store(reinterpret_cast<uintptr_t>(ot->after_stop), std::memory_order_relaxed);
  ot->after_stop = op;
  ot->ts->RequestSafepointWork(ot->ort->merge_work);
  return true;
}

// Reports a batch of GC-capable allocations to the collector's hook.
FTRT_COLD FTRT_NOINLINE void GcAllocationBatchSlow(ObjectThread* ot) {
  const uint32_t n = ot->gc_allocs;
  ot->gc_allocs = 0;
  if (GcAllocationHook hook = ot->ort->gc_hook.load(std::memory_order_acquire)) {
    hook(ot->ts, n, ot->ort->gc_hook_arg.load(std::memory_order_relaxed));
  }
}

void* AllocObjectMemory(size_t size, bool gc_capable) {
  ThreadState* ts = ThreadState::Current();
  FTRT_CHECK(ts != nullptr, "object allocation on a thread that is not attached");
  FTRT_DCHECK(CurrentObjectThread() != nullptr && CurrentObjectThread()->ts == ts,
              "object allocation on a thread not registered with object/ "
              "(InstallObjects must come before other threads attach)");
  void* mem = ts->runtime().allocator().AllocObject(ts->heap(), size, gc_capable);
  if (gc_capable && mem != nullptr) {
    ObjectThread* ot = CurrentObjectThread();
    if (ot != nullptr && ++ot->gc_allocs >= kGcAllocationBatch) GcAllocationBatchSlow(ot);
  }
  return mem;
}

void FreeObjectMemory(void* op) {
  ThreadState* ts = ThreadState::Current();
  if (ts != nullptr) {
    ts->runtime().allocator().FreeObject(ts->heap(), op);
    return;
  }
  ObjectThread* ot = CurrentObjectThread();
  FTRT_CHECK(ot != nullptr, "object free on a thread with no runtime");
  AllocatorOf(ot).FreeObject(nullptr, op);
}

RootStack* GrowRootStack(RootStack* rs) {
  if (rs == &g_empty_root_stack) {
    ObjectThread* ot = CurrentObjectThread();
    FTRT_CHECK(ot != nullptr, "StackRef on a thread not registered with object/");
    rs = &ot->roots;
    tls_root_stack = rs;
    if (rs->top < rs->capacity) return rs;
  }
  // Whole cache lines of its own, so no other thread's data shares one
  // with the entries it pushes and pops.
  const size_t cap = rs->capacity == 0 ? 64 : rs->capacity * 2;
  auto* items = static_cast<uintptr_t*>(std::aligned_alloc(64, cap * sizeof(uintptr_t)));
  FTRT_CHECK(items != nullptr, "root stack overflow: out of memory for %zu entries", cap);
  if (rs->top > 0) std::memcpy(items, rs->items, rs->top * sizeof(uintptr_t));
  std::free(rs->items);
  rs->items = items;
  rs->capacity = cap;
  return rs;
}

}  // namespace internal

using internal::ObjectThread;

void InstallObjects(Runtime& runtime) {
  // Idempotent: a second install (InstallObjectProtocol after
  // InstallObjects, an embedding host) must keep the first one's state,
  // which holds the collector's allocation hook. The caller's own
  // registration tells (runtimes are never compared by address: a new one
  // may sit where a destroyed one was).
  if (internal::ObjectThread* ot = internal::CurrentObjectThread();
      ot != nullptr && ot->ort->runtime == &runtime) {
    return;
  }
  auto* ort = new internal::ObjectRuntime;
  ort->runtime = &runtime;
  ort->slot = runtime.AddSlot();
  ort->merge_work = runtime.AddSafepointHook(internal::OnMergeRequested, ort);
  LifecycleHooks hooks;
  hooks.thread_start = internal::OnThreadStart;
  hooks.thread_exit = internal::OnThreadExit;
  hooks.after_fork_child = internal::OnAfterForkChild;
  hooks.arg = ort;
  runtime.AddLifecycleHooks(hooks);
  {
    std::lock_guard<std::mutex> lock(internal::g_all_mu);
    ort->next_all = internal::g_all_runtimes;
    internal::g_all_runtimes = ort;
  }
  ThreadState* ts = ThreadState::Current();
  if (ts != nullptr && &ts->runtime() == &runtime && ts->slot(ort->slot) == nullptr) {
    internal::Register(ort, ts);
  }
}

void SetGcAllocationHook(Runtime& runtime, GcAllocationHook hook, void* arg) {
  internal::ObjectRuntime* ort = internal::RuntimeOfCaller(runtime);
  ort->gc_hook_arg.store(arg, std::memory_order_relaxed);
  ort->gc_hook.store(hook, std::memory_order_release);
}

void* GcAllocationHookArg(Runtime& runtime) {
  internal::ObjectRuntime* ort = internal::RuntimeOfCaller(runtime);
  if (ort->gc_hook.load(std::memory_order_acquire) == nullptr) return nullptr;
  return ort->gc_hook_arg.load(std::memory_order_relaxed);
}

size_t MergeQueuedObjects() {
  ObjectThread* ot = internal::CurrentObjectThread();
  if (ot == nullptr) return 0;
  const size_t n = internal::DrainQueue(ot);
  internal::FreeAfterStopList(ot);
  return n;
}

size_t QueuedObjectCount() {
  ObjectThread* ot = internal::CurrentObjectThread();
  return ot == nullptr ? 0 : ot->queued.load(std::memory_order_relaxed);
}

size_t FreeObjectsPendingAfterStop() {
  ObjectThread* ot = internal::CurrentObjectThread();
  return ot == nullptr ? 0 : internal::FreeAfterStopList(ot);
}

size_t MergeAllQueuedObjectsDuringStop(Runtime& runtime) {
  FTRT_CHECK(runtime.WorldStoppedByCaller(), "MergeAllQueuedObjectsDuringStop outside a stop");
  internal::ObjectRuntime* ort = internal::RuntimeOfCaller(runtime);
  size_t n = 0;
  runtime.ForEachThread([&](ThreadState* ts) {
    if (auto* ot = static_cast<ObjectThread*>(ts->slot(ort->slot))) n += internal::DrainQueue(ot);
  });
  return n;
}

void ForEachRootStackEntry(Runtime& runtime, absl::FunctionRef<void(const RootStackEntry&)> fn) {
  FTRT_CHECK(runtime.WorldStoppedByCaller(), "ForEachRootStackEntry outside a stop");
  internal::ObjectRuntime* ort = internal::RuntimeOfCaller(runtime);
  runtime.ForEachThread([&](ThreadState* ts) {
    auto* ot = static_cast<ObjectThread*>(ts->slot(ort->slot));
    if (ot == nullptr) return;
    for (size_t i = 0; i < ot->roots.top; ++i) {
      const uintptr_t e = ot->roots.items[i];
      fn(RootStackEntry{reinterpret_cast<ObjectHeader*>(e & ~internal::kStackRefCounted),
                        (e & internal::kStackRefCounted) != 0});
    }
  });
}

size_t CollectDeferred(Runtime& runtime) {
  internal::RuntimeOfCaller(runtime);
  std::vector<ObjectHeader*> dead;
  {
    StopTheWorldGuard stop(runtime);
    MergeAllQueuedObjectsDuringStop(runtime);
    std::unordered_map<ObjectHeader*, intptr_t> roots;
    ForEachRootStackEntry(runtime, [&](const RootStackEntry& e) {
      if (!e.counted) ++roots[e.object];
    });
    runtime.allocator().ForEachObject([&](ObjectHeader* op) {
      if (!HasDeferredRefcount(op) || IsImmortal(op) || IsDeadOrDeallocating(op)) return;
      const intptr_t count = Refcount(op) - kDeferredBias;
      FTRT_DCHECK(count >= 0, "deferred object with a negative count: %s",
                  DescribeObject(op).c_str());
      if (count != 0 || roots.count(op) != 0) return;
      // Nothing holds it: DEAD (TryIncref refuses MERGED with count 0).
      internal::TidRef(op).store(0, std::memory_order_relaxed);
      internal::SharedRef(op).store(kRefMerged, std::memory_order_relaxed);
      dead.push_back(op);
    });
  }
  // The world runs again: destructors may do anything now.
  FreeObjectsPendingAfterStop();
  for (ObjectHeader* op : dead) internal::Dealloc(op);
  return dead.size();
}

size_t RootStackDepth() {
  internal::RootStack* rs = internal::tls_root_stack;
  return rs->top;
}

}  // namespace ftrt
