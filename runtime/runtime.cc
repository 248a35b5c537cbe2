// The thread registry, thread-state lifetime, hooks, thread start and
// finalization (see runtime.h). The attach/detach state machine and
// stop-the-world are in stop_the_world.cc, the GIL in gil.cc, fork in
// fork.cc.
//
// How a thread finds its ThreadState: `tls_bindings`, a thread_local list of
// the states this thread holds (one per runtime it has attached to; almost
// always one). Its destructor runs at thread exit, before pthread-key
// destructors (mimalloc's thread teardown among them), and runs the exit
// path for each: attach, exit hooks, QSBR slot and heap released, unlinked,
// deleted. Each binding holds a reference to its Runtime, so the Runtime
// outlives every thread that may still touch it (CPython 3.14 leaks daemon
// thread states for the same reason).
#include "runtime/runtime.h"

#include <climits>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "sync/blocking.h"
#include "sync/critical_section.h"
#include "sync/thread_id.h"

namespace ftrt {

namespace internal {
constinit thread_local ThreadState* tls_current __attribute__((tls_model("initial-exec"))) =
    nullptr;
}  // namespace internal

// What the file-local helpers below may call on a Runtime.
struct RuntimeAccess {
  static void ExitThread(ThreadState* ts) { ts->runtime_->ExitThread(ts); }
  static Runtime* RuntimeOf(const ThreadState* ts) { return ts->runtime_; }
  static void DetachForBlocking(ThreadState* ts) { ts->runtime_->DetachInternal(ts, false); }
  static void AttachAfterBlocking(ThreadState* ts) {
    (void)ts->runtime_->AttachInternal(ts, /*can_fail=*/false);
  }
};

namespace {

constinit std::atomic<bool> g_process_finalized{false};

// The ThreadStates this thread holds.
struct ThreadBindings {
  absl::InlinedVector<ThreadState*, 2> states;
  ~ThreadBindings();
};

// Set once tls_bindings is destroyed: a thread_local destructor that runs
// later must not touch it.
constinit thread_local bool tls_bindings_gone = false;
thread_local ThreadBindings tls_bindings;

ThreadBindings::~ThreadBindings() {
  // The exit path removes each state from `states`.
  while (!states.empty()) RuntimeAccess::ExitThread(states.back());
  tls_bindings_gone = true;
}

ThreadState* FindBinding(const Runtime* rt) {
  if (tls_bindings_gone) return nullptr;
  for (ThreadState* ts : tls_bindings.states) {
    if (RuntimeAccess::RuntimeOf(ts) == rt) return ts;
  }
  return nullptr;
}

void AddBinding(ThreadState* ts) {
  FTRT_CHECK(!tls_bindings_gone, "a thread attaches to a runtime while it exits");
  tls_bindings.states.push_back(ts);
}

void RemoveBinding(ThreadState* ts) {
  if (tls_bindings_gone) return;
  auto& v = tls_bindings.states;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == ts) {
      v.erase(v.begin() + static_cast<ptrdiff_t>(i));
      return;
    }
  }
}

// sync/'s blocking hooks: a thread about to sleep in the parking lot
// detaches (if attached) and re-attaches after. Stateless: they act on
// whatever runtime the thread is attached to, so one registration serves
// every runtime of the process and is never cleared.
void* BeforeBlock() {
  ThreadState* ts = internal::tls_current;
  if (ts == nullptr) return nullptr;
  RuntimeAccess::DetachForBlocking(ts);
  return ts;
}

void AfterBlock(void* token) {
  if (token != nullptr) RuntimeAccess::AttachAfterBlocking(static_cast<ThreadState*>(token));
}

constexpr BlockingHooks kBlockingHooks = {&BeforeBlock, &AfterBlock};

}  // namespace

bool ProcessFinalized() { return g_process_finalized.load(std::memory_order_acquire); }

// ---------------------------------------------------------------------------
// Construction and lifetime.

Runtime::Runtime(const RuntimeOptions& options)
    : allocator_(std::make_unique<alloc::Allocator>()),
      gil_interval_ns_(options.gil_switch_interval_ns) {
  gil_enabled_.store(options.gil, std::memory_order_relaxed);
}

std::shared_ptr<Runtime> Runtime::Init(const RuntimeOptions& options) {
  SetBlockingHooks(&kBlockingHooks);
  return std::shared_ptr<Runtime>(new Runtime(options), [](Runtime* rt) { rt->ReleaseOwner(); });
}

void Runtime::Unref() {
  // acq_rel: every thread's last use of the runtime happens-before the
  // destructor.
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

void Runtime::ReleaseOwner() {
  auto finalize_and_leave = [this] {
    if (!finalizing_.load(std::memory_order_acquire)) Finalize();
    if (ThreadState* me = FindBinding(this)) {
      bool is_finalizer;
      {
        internal::RtLockGuard g(head_mu_);
        is_finalizer = finalizer_ == me;
      }
      if (is_finalizer) ExitThread(me);
    }
  };
  if (tls_bindings_gone && !finalizing_.load(std::memory_order_acquire)) {
    // The last owner goes away on a thread whose thread_locals are already
    // destroyed: a runtime held in a static, released by exit() (glibc runs
    // the calling thread's thread_local destructors before the static
    // ones). This thread can no longer be bound, and the finalizer must
    // be: finalize on a short-lived thread of its own.
    std::thread(finalize_and_leave).join();
  } else {
    finalize_and_leave();
  }
  Unref();
}

Runtime::~Runtime() {
  // Every binding held a reference: no thread uses the runtime any more.
  // What is left are the states the final stop suspended for good.
  ThreadState* ts;
  {
    internal::RtLockGuard g(head_mu_);
    ts = threads_;
    threads_ = nullptr;
    thread_count_ = 0;
  }
  while (ts != nullptr) {
    ThreadState* next = ts->next_;
    FTRT_CHECK(!ts->bound_, "runtime destroyed while thread state %p is bound",
               static_cast<void*>(ts));
    ReleaseResources(ts);
    delete ts;
    destroyed_.fetch_add(1, std::memory_order_relaxed);
    ts = next;
  }
  allocator_.reset();
}

// ---------------------------------------------------------------------------
// The registry.

void Runtime::Link(ThreadState* ts) {
  ts->prev_ = nullptr;
  ts->next_ = threads_;
  if (threads_ != nullptr) threads_->prev_ = ts;
  threads_ = ts;
  ++thread_count_;
}

void Runtime::Unlink(ThreadState* ts) {
  if (ts->prev_ != nullptr) {
    ts->prev_->next_ = ts->next_;
  } else {
    threads_ = ts->next_;
  }
  if (ts->next_ != nullptr) ts->next_->prev_ = ts->prev_;
  ts->prev_ = ts->next_ = nullptr;
  --thread_count_;
}

ThreadState* Runtime::NewThreadState(bool daemon, bool started_nondaemon, bool bypass_finalizing,
                                     absl::Status* error) {
  ThreadState* ts;
  {
    internal::RtLockGuard g(head_mu_);
    if (shutdown_.load(std::memory_order_relaxed) ||
        (!bypass_finalizing && finalizing_.load(std::memory_order_relaxed))) {
      *error = FinalizingError("attach a new thread");
      return nullptr;
    }
    ts = new ThreadState(this, CurrentThreadId(), next_serial_++, daemon);
    ts->started_nondaemon_ = started_nondaemon;
    ts->bound_ = true;
    Ref();
    Link(ts);
    if (stop_requested_.load(std::memory_order_relaxed)) {
      // Born during a stop: it may not attach until the restart, and it is
      // not counted by the stop (it never was attached).
      ts->state_.store(internal::kStateSuspended, std::memory_order_relaxed);
      ts->wants_attach_.store(true, std::memory_order_relaxed);
    }
  }
  created_.fetch_add(1, std::memory_order_relaxed);
  AddBinding(ts);
  return ts;
}

void Runtime::InitializeAttached(ThreadState* ts) {
  // Attached: no stop can complete before this does (no safepoint here; a
  // Mutex park inside alloc/ detaches and re-attaches through the hooks).
  // Injected allocation failures are retried; a real one is fatal (Attach
  // has no error channel).
  alloc::ThreadHeap* heap = nullptr;
  alloc::QsbrThread* q = nullptr;
  for (int attempt = 0; attempt < 1000 && (heap == nullptr || q == nullptr); ++attempt) {
    if (heap == nullptr) heap = allocator_->CreateThreadHeap(ts->tid_);
    if (q == nullptr) q = qsbr().Register();
  }
  FTRT_CHECK(heap != nullptr && q != nullptr, "out of memory creating thread state %p",
             static_cast<void*>(ts));
  qsbr().Attach(q);
  ts->heap_.store(heap, std::memory_order_relaxed);
  ts->qsbr_.store(q, std::memory_order_relaxed);
  {
    internal::RtLockGuard g(head_mu_);
    ts->initialized_ = true;
  }
  const int n = num_lifecycle_.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) {
    if (lifecycle_[i].thread_start != nullptr) lifecycle_[i].thread_start(ts, lifecycle_[i].arg);
  }
}

void Runtime::RunThreadExitHooks(ThreadState* ts) {
  for (int i = num_lifecycle_.load(std::memory_order_acquire) - 1; i >= 0; --i) {
    if (lifecycle_[i].thread_exit != nullptr) lifecycle_[i].thread_exit(ts, lifecycle_[i].arg);
  }
}

void Runtime::ReleaseResources(ThreadState* ts) {
  // Cleared before release: if releasing parks (alloc/'s locks), the
  // blocking hooks' detach/attach must no longer touch them.
  if (alloc::QsbrThread* q = ts->qsbr_.exchange(nullptr, std::memory_order_relaxed)) {
    qsbr().Unregister(q);
  }
  if (alloc::ThreadHeap* h = ts->heap_.exchange(nullptr, std::memory_order_relaxed)) {
    allocator_->ReleaseThreadHeap(h);
  }
}

void Runtime::ExitThread(ThreadState* ts) {
  ThreadState* cur = internal::tls_current;
  if (cur != nullptr && cur != ts) {
    // Attached to another runtime: leave it first.
    RuntimeAccess::RuntimeOf(cur)->DetachInternal(cur, false);
  }
  if (cur != ts && !AttachInternal(ts, /*can_fail=*/true).ok()) {
    // Suspended for good by the final stop: the runtime frees it.
    Unbind(ts);
    return;
  }
  FTRT_DCHECK(CurrentCriticalSection() == nullptr,
              "thread state %p exits inside a critical section", static_cast<void*>(ts));
  if (ts->initialized_) RunThreadExitHooks(ts);
  ReleaseResources(ts);
  internal::tls_current = nullptr;
  bool strong;
  {
    internal::RtLockGuard g(head_mu_);
    Unlink(ts);
    strong = ts->bound_;
    ts->bound_ = false;
    if (ts == stop_requester_.load(std::memory_order_relaxed)) {
      FTRT_CHECK(shutdown_.load(std::memory_order_relaxed),
                 "a thread exits while it has the world stopped");
      // The finalizer leaves: the world stays stopped, by nobody (a later
      // thread reusing its thread id must not pass for it).
      stop_requester_.store(nullptr, std::memory_order_relaxed);
      stw_owner_tid_.store(0, std::memory_order_relaxed);
    } else if (stop_requested_.load(std::memory_order_relaxed)) {
      // It is attached, so the stop in progress is waiting for it.
      DecrementCountdown();
    }
    if (finalizer_ == ts) finalizer_ = nullptr;
  }
  GilReleaseIfHeld(ts);
  RemoveBinding(ts);
  delete ts;
  destroyed_.fetch_add(1, std::memory_order_relaxed);
  if (strong) Unref();  // may destroy *this: last
}

void Runtime::Unbind(ThreadState* ts) {
  {
    internal::RtLockGuard g(head_mu_);
    ts->bound_ = false;
  }
  RemoveBinding(ts);
  Unref();  // may destroy *this: last
}

// ---------------------------------------------------------------------------
// Attach / detach entry points.

void Runtime::Attach() {
  FTRT_CHECK(internal::tls_current == nullptr, "Attach: the thread is attached already");
  ThreadState* ts = FindBinding(this);
  if (ts == nullptr) {
    absl::Status error;
    ts = NewThreadState(false, false, /*bypass_finalizing=*/true, &error);
    // After the final stop: no error channel, so block, touching nothing.
    if (ts == nullptr) internal::BlockForever();
  }
  (void)AttachInternal(ts, /*can_fail=*/false);
  if (!ts->initialized_) InitializeAttached(ts);
}

absl::Status Runtime::TryAttach() {
  FTRT_CHECK(internal::tls_current == nullptr, "TryAttach: the thread is attached already");
  ThreadState* ts = FindBinding(this);
  if (ts == nullptr) {
    absl::Status error;
    ts = NewThreadState(false, false, /*bypass_finalizing=*/false, &error);
    if (ts == nullptr) return error;
  }
  absl::Status st = AttachInternal(ts, /*can_fail=*/true);
  if (!st.ok()) return st;
  if (!ts->initialized_) InitializeAttached(ts);
  return absl::OkStatus();
}

void Runtime::Detach() {
  ThreadState* ts = internal::tls_current;
  FTRT_CHECK(ts != nullptr && ts->runtime_ == this, "Detach: the thread is not attached here");
  DetachInternal(ts, /*park=*/false);
}

void Runtime::ReleaseCurrentThread() {
  if (ThreadState* ts = FindBinding(this)) ExitThread(ts);
}

ThreadState* Runtime::BoundThreadState() const { return FindBinding(this); }

// ---------------------------------------------------------------------------
// Threads started by the runtime.

absl::StatusOr<std::thread> Runtime::StartThread(std::function<void()> fn, bool daemon) {
  {
    internal::RtLockGuard g(head_mu_);
    if (finalizing_.load(std::memory_order_relaxed)) return FinalizingError("start a thread");
    if (!daemon) nondaemon_running_.fetch_add(1, std::memory_order_relaxed);
    Ref();  // for the new thread, until it has finished
  }
  try {
    return std::thread([this, fn = std::move(fn), daemon] { RunThread(fn, daemon); });
  } catch (const std::system_error& e) {
    if (!daemon) {
      nondaemon_running_.fetch_sub(1, std::memory_order_release);
      internal::RtFutexWake(&nondaemon_running_, INT_MAX);
    }
    Unref();  // not the last: the caller holds the runtime
    return absl::ResourceExhaustedError(e.what());
  }
}

void Runtime::RunThread(const std::function<void()>& fn, bool daemon) {
  absl::Status error;
  // Started before Finalize began, so it may get a state while finalizing;
  // a daemon that only starts running after the final stop never runs fn.
  ThreadState* ts = NewThreadState(daemon, !daemon, /*bypass_finalizing=*/true, &error);
  if (ts != nullptr) {
    if (AttachInternal(ts, /*can_fail=*/true).ok()) {
      if (!ts->initialized_) InitializeAttached(ts);
      fn();
      // fn may have released its state, or left it detached: the exit path
      // copes with both.
      if (ThreadState* still = FindBinding(this)) ExitThread(still);
    } else {
      Unbind(ts);
    }
  }
  if (!daemon) {
    nondaemon_running_.fetch_sub(1, std::memory_order_release);
    internal::RtFutexWake(&nondaemon_running_, INT_MAX);
  }
  Unref();
}

// ---------------------------------------------------------------------------
// Finalization.

void Runtime::Finalize() {
  ThreadState* me = FindBinding(this);
  FTRT_CHECK(internal::tls_current == nullptr || internal::tls_current == me,
             "Finalize: the thread is attached to another runtime");
  {
    internal::RtLockGuard g(head_mu_);
    FTRT_CHECK(!finalizing_.load(std::memory_order_relaxed), "Runtime::Finalize called twice");
    finalizing_.store(true, std::memory_order_release);
  }
  // Wait for the non-daemon threads, detached (they may need a stop).
  const bool was_attached = me != nullptr && internal::tls_current == me;
  if (was_attached) DetachInternal(me, /*park=*/false);
  const uint32_t self = (me != nullptr && me->started_nondaemon_) ? 1 : 0;
  for (;;) {
    uint32_t n = nondaemon_running_.load(std::memory_order_acquire);
    if (n <= self) break;
    internal::RtFutexWait(&nondaemon_running_, n, -1);
  }
  // The finalizer is attached from here on.
  if (me == nullptr) {
    absl::Status error;
    me = NewThreadState(false, false, /*bypass_finalizing=*/true, &error);
    FTRT_CHECK(me != nullptr, "Finalize: %s", error.ToString().c_str());
  }
  (void)AttachInternal(me, /*can_fail=*/false);
  if (!me->initialized_) InitializeAttached(me);
  StopTheWorld();
  {
    internal::RtLockGuard g(head_mu_);
    finalizer_ = me;
    shutdown_.store(true, std::memory_order_release);
    for (ThreadState* t = threads_; t != nullptr; t = t->next_) {
      if (t == me) continue;
      FTRT_CHECK(t->state_.load(std::memory_order_relaxed) == internal::kStateSuspended,
                 "final stop: thread state %p is not suspended", static_cast<void*>(t));
      t->wants_attach_.store(false, std::memory_order_relaxed);
      t->state_.store(internal::kStateShutdown, std::memory_order_release);
      // A TryAttach waiting there returns the finalizing status; a blocking
      // attach goes back to sleep for good.
      internal::RtFutexWake(&t->state_, INT_MAX);
    }
  }
  g_process_finalized.store(true, std::memory_order_release);
}

// ---------------------------------------------------------------------------
// Hooks, slots, statistics.

void Runtime::AddLifecycleHooks(const LifecycleHooks& hooks) {
  internal::RtLockGuard g(hooks_mu_);
  const int n = num_lifecycle_.load(std::memory_order_relaxed);
  FTRT_CHECK(n < kMaxLifecycleHooks, "too many lifecycle hooks (max %d)", kMaxLifecycleHooks);
  lifecycle_[n] = hooks;
  num_lifecycle_.store(n + 1, std::memory_order_release);
}

SafepointWork Runtime::AddSafepointHook(SafepointHookFn fn, void* arg) {
  internal::RtLockGuard g(hooks_mu_);
  const uint32_t n = num_safepoint_hooks_.load(std::memory_order_relaxed);
  FTRT_CHECK(n < internal::kMaxSafepointHooks, "too many safepoint hooks (max %u)",
             internal::kMaxSafepointHooks);
  safepoint_hooks_[n] = SafepointHook{fn, arg};
  num_safepoint_hooks_.store(n + 1, std::memory_order_release);
  return 1u << (internal::kBreakWorkShift + n);
}

SlotId Runtime::AddSlot() {
  const uint32_t id = num_slots_.fetch_add(1, std::memory_order_relaxed);
  FTRT_CHECK(id < kMaxSlots, "too many per-thread slots (max %u)", kMaxSlots);
  return id;
}

void Runtime::RequestQuiescentStates() {
  internal::RtLockGuard g(head_mu_);
  for (ThreadState* t = threads_; t != nullptr; t = t->next_) {
    if (t->state_.load(std::memory_order_relaxed) == internal::kStateAttached) {
      t->breaker_.fetch_or(internal::kBreakQuiescent, std::memory_order_relaxed);
    }
  }
}

RuntimeStats Runtime::GetStats() const {
  RuntimeStats s;
  {
    internal::RtLockGuard g(head_mu_);
    s.threads = thread_count_;
  }
  s.thread_states_created = created_.load(std::memory_order_relaxed);
  s.thread_states_destroyed = destroyed_.load(std::memory_order_relaxed);
  s.stops = stops_.load(std::memory_order_relaxed);
  s.gil_switches = gil_switches_.load(std::memory_order_relaxed);
  return s;
}

// ---------------------------------------------------------------------------
// Guards.

AttachGuard::AttachGuard(Runtime& runtime) : runtime_(&runtime), attached_(false) {
  ThreadState* cur = ThreadState::Current();
  if (cur != nullptr) {
    FTRT_CHECK(&cur->runtime() == &runtime, "AttachGuard: attached to another runtime");
    return;
  }
  runtime.Attach();
  attached_ = true;
}

AttachGuard::~AttachGuard() {
  if (attached_ && ThreadState::Current() != nullptr) runtime_->Detach();
}

DetachGuard::DetachGuard() : ts_(ThreadState::Current()) {
  if (ts_ != nullptr) ts_->runtime().DetachInternal(ts_, /*park=*/false);
}

DetachGuard::~DetachGuard() {
  if (ts_ != nullptr) (void)ts_->runtime().AttachInternal(ts_, /*can_fail=*/false);
}

}  // namespace ftrt
