// Installing the object protocol (protocol.h): the per-thread protocol
// state in a runtime slot, the static runtime and its builder thread, and
// the C-level recursion guard (protocol_internal.h).
#include "object/protocol.h"

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/protocol_internal.h"
#include "object/refcount.h"
#include "object/thread_objects.h"
#include "object/typeobject.h"
#include "runtime/runtime.h"

namespace ftrt {
namespace internal {

constinit thread_local ProtocolThreadState* tls_pstate = nullptr;
constinit thread_local ThreadState* tls_pstate_ts = nullptr;
constinit thread_local int tls_call_depth = 0;

namespace {

// The protocol's record of one runtime. Never freed (a hook may still run
// on a thread bound to a dying runtime); one small block per runtime.
struct ProtocolRuntime {
  Runtime* runtime = nullptr;
  SlotId slot = 0;
  ProtocolRuntime* next = nullptr;
};

std::mutex g_runtimes_mu;
// Published with release under g_runtimes_mu; read lock-free (acquire).
std::atomic<ProtocolRuntime*> g_runtimes{nullptr};

ProtocolRuntime* FindRuntime(const Runtime* rt) {
  for (ProtocolRuntime* p = g_runtimes.load(std::memory_order_acquire); p != nullptr;
       p = p->next) {
    if (p->runtime == rt) return p;
  }
  return nullptr;
}

// Every ProtocolThreadState not yet deleted (the set is guarded by
// g_states_mu): how RegisterRuntime tells its own state in a slot from
// another layer's pointer without dereferencing it (see there).
std::mutex g_states_mu;
std::unordered_set<const ProtocolThreadState*>& LiveStates() {
  static auto* s = new std::unordered_set<const ProtocolThreadState*>();
  return *s;
}

ProtocolThreadState* CreateState(ProtocolRuntime* pr, ThreadState* ts) {
  auto* st = new ProtocolThreadState;
  st->ts = ts;
  {
    std::lock_guard<std::mutex> lock(g_states_mu);
    LiveStates().insert(st);
  }
  ts->set_slot(pr->slot, st);
  return st;
}

// Whether `slot_value` (a slot of `ts`) is ts's protocol state.
bool IsStateOf(const void* slot_value, const ThreadState* ts) {
  std::lock_guard<std::mutex> lock(g_states_mu);
  const auto* st = static_cast<const ProtocolThreadState*>(slot_value);
  return LiveStates().count(st) != 0 && st->ts == ts;
}

void OnThreadStart(ThreadState* ts, void* arg) {
  auto* pr = static_cast<ProtocolRuntime*>(arg);
  if (ts->slot(pr->slot) == nullptr) CreateState(pr, ts);
}

void OnThreadExit(ThreadState* ts, void* arg) {
  auto* pr = static_cast<ProtocolRuntime*>(arg);
  auto* st = static_cast<ProtocolThreadState*>(ts->slot(pr->slot));
  if (st == nullptr) return;
  const bool current = ts == ThreadState::Current();
  if (current) {
    // Dropping them may run destructors, which may look at the indicator:
    // take them out first.
    PyObject* exc = std::exchange(st->current_exception, nullptr);
    PyObject* handled = std::exchange(st->handled_exception, nullptr);
    if (exc != nullptr) Decref(exc);
    if (handled != nullptr) Decref(handled);
    // A destructor may have raised; nobody can see it any more.
    if (PyObject* late = std::exchange(st->current_exception, nullptr)) Decref(late);
  }
  // (A thread that died in a fork: its exceptions' memory belongs to the
  // runtime, which frees it; its references are simply forgotten.)
  ts->set_slot(pr->slot, nullptr);
  if (current && tls_pstate_ts == ts) {
    tls_pstate = nullptr;
    tls_pstate_ts = nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(g_states_mu);
    LiveStates().erase(st);
  }
  delete st;
}

// Registers `rt` and the calling thread, if attached to it. Idempotent
// when called by a thread attached to `rt`: the caller's own state tells
// (as in InstallObjects), never the runtime's address alone, because a new
// runtime may sit where a destroyed one was, and a record of the dead one
// would then give the new one no hooks and a slot number another layer
// owns there. A caller not attached to `rt` cannot tell and registers
// again (a record found by address afterwards is the newest one).
void RegisterRuntime(Runtime& rt) {
  ThreadState* ts = ThreadState::Current();
  const bool attached_here = ts != nullptr && &ts->runtime() == &rt;
  ProtocolRuntime* pr;
  {
    std::lock_guard<std::mutex> lock(g_runtimes_mu);
    if (ProtocolRuntime* old = FindRuntime(&rt);
        old != nullptr && attached_here && IsStateOf(ts->slot(old->slot), ts)) {
      return;
    }
    pr = new ProtocolRuntime;
    pr->runtime = &rt;
    pr->slot = rt.AddSlot();
    LifecycleHooks hooks;
    hooks.thread_start = OnThreadStart;
    hooks.thread_exit = OnThreadExit;
    hooks.arg = pr;
    rt.AddLifecycleHooks(hooks);
    pr->next = g_runtimes.load(std::memory_order_relaxed);
    g_runtimes.store(pr, std::memory_order_release);
  }
  if (attached_here && ts->slot(pr->slot) == nullptr) CreateState(pr, ts);
}

// --- the static runtime ------------------------------------------------------

struct Task {
  absl::FunctionRef<void()> fn;
  bool done = false;  // guarded by Builder::mu
};

struct Builder {
  std::mutex mu;
  std::condition_variable work_cv;
  std::condition_variable done_cv;
  std::deque<Task*> queue;  // guarded by mu
  bool started = false;     // guarded by mu
  bool busy = false;        // guarded by mu
};

// Leaked on purpose: the builder thread outlives every static destructor.
Builder& TheBuilder() {
  static Builder* b = new Builder;
  return *b;
}

constinit thread_local bool tls_is_builder = false;

void BuilderMain() {
  tls_is_builder = true;
  // Never destroyed: static types point into its allocator's memory.
  auto* rt = new std::shared_ptr<Runtime>(Runtime::Init());
  InstallObjects(**rt);
  RegisterRuntime(**rt);
  Builder& b = TheBuilder();
  for (;;) {
    Task* task;
    {
      std::unique_lock<std::mutex> lock(b.mu);
      b.work_cv.wait(lock, [&] { return !b.queue.empty(); });
      task = b.queue.front();
      b.queue.pop_front();
      b.busy = true;
    }
    (*rt)->Attach();
    task->fn();
    MergeQueuedObjects();
    (*rt)->Detach();
    {
      std::lock_guard<std::mutex> lock(b.mu);
      task->done = true;
      b.busy = false;
    }
    b.done_cv.notify_all();
  }
}

// fork(): hold the builder idle across it; in the child the builder thread
// is gone, so a new one (on a new static runtime) starts on demand. The
// old static runtime's memory stays valid (it is never freed).
void AtForkPrepare() {
  Builder& b = TheBuilder();
  std::unique_lock<std::mutex> lock(b.mu);
  b.done_cv.wait(lock, [&] { return !b.busy && b.queue.empty(); });
  lock.release();  // stays locked across fork()
}
void AtForkParent() { TheBuilder().mu.unlock(); }
void AtForkChild() {
  Builder& b = TheBuilder();
  b.started = false;
  b.mu.unlock();
}

}  // namespace

ProtocolThreadState* CurrentProtocolStateSlow() {
  ThreadState* ts = ThreadState::Current();
  if (ts == nullptr) return nullptr;
  ProtocolRuntime* pr = FindRuntime(&ts->runtime());
  if (pr == nullptr) return nullptr;
  auto* st = static_cast<ProtocolThreadState*>(ts->slot(pr->slot));
  if (st == nullptr) st = CreateState(pr, ts);  // attached before the install
  tls_pstate = st;
  tls_pstate_ts = ts;
  return st;
}

bool RecursionErrorSlow(const char* where) {
  --tls_call_depth;  // this call is refused
  // Making the RecursionError itself calls its class: give it headroom
  // (CPython's recursion_headroom), then restore the depth.
  const int saved = tls_call_depth;
  tls_call_depth = 0;
  SetErrorFormat(PyExc_RecursionError, "maximum recursion depth exceeded%s", where);
  tls_call_depth = saved;
  return false;
}

bool OnStaticBuilderThread() { return tls_is_builder; }

void RunInStaticRuntime(absl::FunctionRef<void()> fn) {
  if (tls_is_builder) {
    fn();
    return;
  }
  Builder& b = TheBuilder();
  Task task{fn};
  {
    std::lock_guard<std::mutex> lock(b.mu);
    if (!b.started) {
      static std::once_flag atfork_once;
      std::call_once(atfork_once, [] {
        pthread_atfork(AtForkPrepare, AtForkParent, AtForkChild);
      });
      std::thread(BuilderMain).detach();
      b.started = true;
    }
    b.queue.push_back(&task);
  }
  b.work_cv.notify_one();
  // Waiting may take a while: let stops and grace periods of our own
  // runtime proceed meanwhile.
  DetachGuard detached;
  std::unique_lock<std::mutex> lock(b.mu);
  b.done_cv.wait(lock, [&] { return task.done; });
}

void ImmortalizeTree(PyObject* op) {
  if (op == nullptr || IsImmortal(op)) return;
  SetImmortal(op);
  if (traverseproc traverse = op->ob_type->tp_traverse) {
    traverse(
        op,
        [](PyObject* child, void*) -> int {
          ImmortalizeTree(child);
          return 0;
        },
        nullptr);
  }
}

}  // namespace internal

void InstallObjectProtocol(Runtime& runtime) {
  InstallObjects(runtime);
  internal::RegisterRuntime(runtime);
  internal::EnsureStaticTypesReady();
}

bool ProtocolAvailable() { return internal::CurrentProtocolState() != nullptr; }

}  // namespace ftrt
