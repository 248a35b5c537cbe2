// ftrt::Runtime: the threads that may touch objects, and how to stop them.
//
// After CPython's free-threaded runtime (Python/pystate.c: thread states,
// attach/detach, stop-the-world; Python/ceval_gil.c: the GIL), with our own
// code. One Runtime owns:
//   * an alloc::Allocator (heaps, QSBR) - allocator();
//   * the registry of ThreadStates (one per thread that has attached);
//   * stop-the-world: StopTheWorld() parks every attached thread at its next
//     safepoint and keeps detached ones from attaching; StartTheWorld()
//     releases them;
//   * the GIL mode (a global lock taken on attach, handed over at an
//     interval at safepoints), switched only while the world is stopped;
//   * lifecycle hooks (thread start, thread exit, before/after fork) and
//     safepoint hooks for the layers above (object/, gc/, ext_abi/), and
//     opaque per-thread slots for them;
//   * the finalization state.
// There are no hidden globals: several runtimes may exist in one process
// (tests create many, one after another). The only process-wide state is
// the "some runtime has finalized" flag (ProcessFinalized) and sync/'s
// blocking hooks, which the runtime registers at Init and which act only on
// a thread attached to some runtime.
//
// ATTACHED AND DETACHED. A thread must be attached to touch objects. Detach
// (Py_BEGIN_ALLOW_THREADS) before anything that may block for long; a
// thread that parks on any ftrt::Mutex or Event is detached for the time it
// sleeps by sync/'s blocking hooks. Detaching suspends the thread's critical
// sections (sync/critical_section.h), goes QSBR-offline and gives up the GIL;
// attaching does the reverse and re-locks the innermost critical section.
// Detached threads count as stopped. Attaching waits while the world is
// stopped.
//
// STOP-THE-WORLD (CPython's _PyEval_StopTheWorld). One stop at a time, FIFO:
// a thread that asks for a stop while another is in progress detaches (so
// the current stop can complete) and waits its turn. Protocol, under the
// runtime's head lock: set "stop requested" (seq_cst), then for every other
// thread: detached -> suspended by CAS; attached -> set its kBreakStop bit.
// Each attached thread parks at its next safepoint (suspending itself and
// counting down), or self-suspends if it detaches meanwhile: Detach stores
// "detached" (seq_cst) and then reads "stop requested" (seq_cst), so either
// it sees the request or the stopper's scan sees it detached (Dekker). The
// stopper sleeps until the count reaches zero: no polling. StartTheWorld
// makes suspended threads detached, except those waiting in attach, which
// it makes attached directly (so a thread re-attaching while stops repeat
// every few microseconds still gets in: CPython had that starvation bug).
//
// THE GIL (ext_abi/ turns it on for extensions without Py_MOD_GIL_NOT_USED).
// When on, Attach takes it (before the state CAS, as CPython), detach gives
// it up by handing it to the longest waiter (FIFO, no starvation). A waiter
// that waited the switch interval sets kBreakGilDrop on the holder, which
// then does a full detach + attach at its next safepoint: its critical
// sections are suspended, so a GIL waiter never waits on a per-object lock
// held by the GIL holder or vice versa; and parking on any lock detaches
// (gives up the GIL) first. The thread that stopped the world keeps the GIL
// until it restarts the world. SetGilEnabled only during a stop.
//
// FINALIZATION (CPython 3.14's semantics). Finalize() marks the runtime
// finalizing; from then on StartThread, Fork and a TryAttach by a thread
// that has no ThreadState fail with FinalizingError (runtime/status.h). It
// waits for the non-daemon threads of StartThread to finish, then attaches
// the caller (the finalizer) and stops the world for good: every other
// thread stays suspended for ever. After this final stop:
//   * TryAttach by any thread but the finalizer returns FinalizingError;
//   * Attach (and the after-block hook, and a safepoint park) by any other
//     thread BLOCKS FOR EVER (it has no error channel: PyGILState_Ensure,
//     PyEval_RestoreThread). A daemon thread still running therefore hangs
//     the moment it tries to touch the runtime, instead of touching freed
//     state; process exit ends it.
//   * the finalizer may keep working (StopTheWorld/StartTheWorld are then
//     no-ops for it) to tear down the upper layers.
//
// LIFETIME. Runtime::Init returns a shared_ptr. Each thread bound to the
// runtime (holding a ThreadState) keeps it alive too, so a daemon thread
// blocked for ever never sees it freed. Dropping the last owner handle
// finalizes the runtime if Finalize was not called, and releases the
// calling thread's ThreadState if it is the finalizer's; the Runtime is
// destroyed when the last owner handle and the last binding are gone.
//
// FORK. BeforeFork (on an attached thread) runs the before-fork hooks,
// stops the world and takes the runtime's locks; AfterForkParent undoes
// that; AfterForkChild, in the child, forgets the dead threads' waits,
// runs the after-fork-child hooks, then treats every other thread as exited
// (its exit hooks run on the surviving thread, its QSBR slot and heap are
// released, its ThreadState deleted) and restarts the world. Fork() does
// the three around fork(2).
#ifndef FTRT_RUNTIME_RUNTIME_H_
#define FTRT_RUNTIME_RUNTIME_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "alloc/allocator.h"
#include "runtime/status.h"
#include "runtime/thread_state.h"
#include "runtime/wait.h"
#include "sync/config.h"

namespace ftrt {

struct RuntimeOptions {
  // Start with the GIL on.
  bool gil = false;
  // How long a GIL waiter waits before it asks the holder to hand over.
  int64_t gil_switch_interval_ns = 5'000'000;  // CPython's 5 ms
};

// Callbacks for the layers above. Any may be null; `arg` is passed back.
// Register them right after Init, before other threads attach: a thread
// that attached earlier does not get the start hook (but does get the
// exit hook). Start hooks run in registration order, exit hooks in reverse.
struct LifecycleHooks {
  // On the new thread, attached, after its heap and QSBR slot exist. The
  // thread is already visible to ForEachThread (a collector may see its
  // slots still empty).
  void (*thread_start)(ThreadState* ts, void* arg) = nullptr;
  // Before the thread state goes away: on the exiting thread, attached
  // (ts == ThreadState::Current()), with its heap and QSBR slot still
  // there. In a fork child, for each thread that did not survive: on the
  // surviving thread (ts != Current()), with the world stopped. Not run
  // for threads left suspended by the final stop.
  void (*thread_exit)(ThreadState* ts, void* arg) = nullptr;
  // On the forking thread, attached, with the world still running.
  void (*before_fork)(void* arg) = nullptr;
  // In the parent, after the world has restarted.
  void (*after_fork_parent)(void* arg) = nullptr;
  // In the child, on its only thread, world stopped, before the dead
  // threads' exit hooks run: reinitialise locks the dead threads held.
  void (*after_fork_child)(void* arg) = nullptr;
  void* arg = nullptr;
};

// A safepoint hook: runs on `ts`'s own thread, attached, at a safepoint
// after RequestSafepointWork asked for it.
using SafepointHookFn = void (*)(ThreadState* ts, void* arg);

struct RuntimeStats {
  uint64_t threads = 0;                  // thread states in the registry now
  uint64_t thread_states_created = 0;    // since Init
  uint64_t thread_states_destroyed = 0;  // since Init
  uint64_t stops = 0;                    // completed StopTheWorld calls
  uint64_t gil_switches = 0;             // GIL hand-overs to a waiter
};

// Whether some runtime of this process has done its final stop. The one
// process-wide flag: it outlives the Runtime (ext_abi may ask after).
bool ProcessFinalized();

struct RuntimeAccess;

class Runtime {
 public:
  // A new runtime (see LIFETIME above). Registers sync/'s blocking hooks.
  static std::shared_ptr<Runtime> Init(const RuntimeOptions& options = {});

  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  alloc::Allocator& allocator() { return *allocator_; }
  alloc::Qsbr& qsbr() { return allocator_->qsbr(); }

  // --- attach / detach (prefer the guards below) ---

  // Attaches the calling thread, creating its ThreadState on first use.
  // Blocks while the world is stopped; after the final stop, blocks for
  // ever (see FINALIZATION). The thread must not be attached already.
  void Attach();
  // As Attach, but returns FinalizingError instead of blocking for ever,
  // and instead of creating a ThreadState once finalization has begun.
  absl::Status TryAttach();
  // Detaches the calling thread, which must be attached to this runtime.
  void Detach();
  // Runs the exit path for the calling thread's ThreadState now (exit
  // hooks, heap and QSBR slot released); the thread may attach again later
  // and gets a new one. No-op if it has none.
  void ReleaseCurrentThread();
  // The calling thread's ThreadState in this runtime, attached or not;
  // null if it has none (it never attached, or released it).
  ThreadState* BoundThreadState() const;

  // Starts a thread that runs fn() attached, then releases its state.
  // Fails with FinalizingError once Finalize has begun. Finalize waits for
  // non-daemon threads; daemon threads are abandoned at the final stop.
  // The caller joins (or detaches) the returned thread.
  absl::StatusOr<std::thread> StartThread(std::function<void()> fn, bool daemon = false);

  // --- hooks and slots ---

  void AddLifecycleHooks(const LifecycleHooks& hooks);
  // Registers a safepoint hook; returns the bit to pass to
  // ThreadState::RequestSafepointWork. At most 24 per runtime.
  SafepointWork AddSafepointHook(SafepointHookFn fn, void* arg);
  // A new per-thread slot id (at most kMaxSlots per runtime).
  SlotId AddSlot();
  // Sets kBreakQuiescent on every attached thread: each reports a QSBR
  // quiescent state at its next safepoint.
  void RequestQuiescentStates();

  // --- stop-the-world ---

  // Returns once every other attached thread has parked and no detached
  // one can attach. The caller may be attached (it keeps running) or not.
  // Not reentrant. After the final stop: a no-op for the finalizer.
  void StopTheWorld();
  // Releases the threads StopTheWorld stopped. Same thread as StopTheWorld.
  void StartTheWorld();
  // Whether the calling thread has the world stopped (or is the finalizer).
  bool WorldStoppedByCaller() const;
  // Calls fn for every thread state whose heap and slots exist (attached,
  // suspended or detached), the caller's included. Only while the caller
  // has the world stopped: the states cannot go away meanwhile.
  void ForEachThread(absl::FunctionRef<void(ThreadState*)> fn);

  // --- the GIL ---

  // Only while the caller has the world stopped. When turning it on, the
  // caller (if attached) becomes the holder.
  void SetGilEnabled(bool enabled);
  bool gil_enabled() const { return gil_enabled_.load(std::memory_order_relaxed); }
  void SetGilSwitchInterval(int64_t ns) { gil_interval_ns_.store(ns, std::memory_order_relaxed); }
  // Whether `ts` holds the GIL now (a snapshot).
  bool HoldsGil(const ThreadState* ts) const {
    return gil_holder_.load(std::memory_order_relaxed) == ts;
  }

  // --- finalization ---

  // See FINALIZATION above. Returns with the caller attached and the world
  // stopped for good. Call once.
  void Finalize();
  bool finalizing() const { return finalizing_.load(std::memory_order_acquire); }
  // Whether the final stop has happened.
  bool finalized() const { return shutdown_.load(std::memory_order_acquire); }

  // --- fork ---

  void BeforeFork();
  void AfterForkParent();
  void AfterForkChild();
  // BeforeFork, fork(2), AfterFork*: the child's pid in the parent, 0 in
  // the child. FinalizingError once finalization has begun.
  absl::StatusOr<pid_t> Fork();

  RuntimeStats GetStats() const;

 private:
  friend struct RuntimeAccess;
  friend class ThreadState;
  friend class AttachGuard;
  friend class DetachGuard;

  explicit Runtime(const RuntimeOptions& options);
  ~Runtime();

  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref();
  void ReleaseOwner();

  // runtime.cc: thread states.
  ThreadState* NewThreadState(bool daemon, bool started_nondaemon, bool bypass_finalizing,
                              absl::Status* error);
  void InitializeAttached(ThreadState* ts);
  void ExitThread(ThreadState* ts);
  void Unbind(ThreadState* ts);
  void ReleaseResources(ThreadState* ts);
  void RunThreadExitHooks(ThreadState* ts);
  void RunThread(const std::function<void()>& fn, bool daemon);
  void Link(ThreadState* ts) ABSL_EXCLUSIVE_LOCKS_REQUIRED(head_mu_);
  void Unlink(ThreadState* ts) ABSL_EXCLUSIVE_LOCKS_REQUIRED(head_mu_);

  // stop_the_world.cc: the state machine.
  absl::Status AttachInternal(ThreadState* ts, bool can_fail);
  void DetachInternal(ThreadState* ts, bool park);
  void SetDetached(ThreadState* ts);
  absl::Status WaitForAttach(ThreadState* ts, bool can_fail);
  void DecrementCountdown();
  void ParkForStop(ThreadState* ts);
  void RunSafepointHooks(ThreadState* ts, uint32_t work);
  void StopTheWorldLocked(ThreadState* requester) ABSL_EXCLUSIVE_LOCKS_REQUIRED(head_mu_);
  void RestartLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(head_mu_);

  // gil.cc.
  void GilAcquire(ThreadState* ts);
  void GilReleaseIfHeld(ThreadState* ts);

  static constexpr int kMaxLifecycleHooks = 16;

  std::unique_ptr<alloc::Allocator> allocator_;
  // One per owner handle (all of them together count 1) and one per bound
  // ThreadState or running StartThread thread.
  std::atomic<intptr_t> refs_{1};

  // The head lock: the thread list, the stop state, finalization. Never
  // held while calling out (hooks), never held while waiting.
  mutable internal::RtLock head_mu_;
  ThreadState* threads_ ABSL_GUARDED_BY(head_mu_) = nullptr;
  uint64_t thread_count_ ABSL_GUARDED_BY(head_mu_) = 0;
  uint64_t next_serial_ ABSL_GUARDED_BY(head_mu_) = 1;
  std::atomic<uint64_t> created_{0};
  std::atomic<uint64_t> destroyed_{0};

  // Hooks: append-only arrays published by the release store of the count.
  LifecycleHooks lifecycle_[kMaxLifecycleHooks];
  std::atomic<int> num_lifecycle_{0};
  struct SafepointHook {
    SafepointHookFn fn;
    void* arg;
  };
  SafepointHook safepoint_hooks_[internal::kMaxSafepointHooks];
  std::atomic<uint32_t> num_safepoint_hooks_{0};
  std::atomic<uint32_t> num_slots_{0};
  internal::RtLock hooks_mu_;  // serialises registration

  // Stop-the-world. stw_gate_ is held from StopTheWorld to StartTheWorld.
  internal::TicketLock stw_gate_;
  // Set (seq_cst) under head_mu_; read without it by Detach (Dekker).
  std::atomic<bool> stop_requested_{false};
  // Written under head_mu_ before stop_requested_ is set.
  std::atomic<ThreadState*> stop_requester_{nullptr};
  // The fast id of the thread that has the world stopped (0: none).
  std::atomic<uintptr_t> stw_owner_tid_{0};
  // Threads of the current stop not yet suspended (see stop_the_world.cc).
  std::atomic<int64_t> stop_countdown_{0};
  std::atomic<uint32_t> stop_done_{0};  // futex word: 1 once all parked
  std::atomic<uint64_t> stops_{0};

  // The GIL.
  internal::RtLock gil_mu_;
  std::atomic<bool> gil_enabled_{false};
  // Written under gil_mu_; read relaxed (a thread compares it with itself).
  std::atomic<ThreadState*> gil_holder_{nullptr};
  ThreadState* gil_head_ ABSL_GUARDED_BY(gil_mu_) = nullptr;  // FIFO of waiters
  ThreadState* gil_tail_ ABSL_GUARDED_BY(gil_mu_) = nullptr;
  std::atomic<int64_t> gil_interval_ns_;
  std::atomic<uint64_t> gil_switches_{0};

  // Finalization. Written under head_mu_.
  std::atomic<bool> finalizing_{false};
  std::atomic<bool> shutdown_{false};
  ThreadState* finalizer_ ABSL_GUARDED_BY(head_mu_) = nullptr;
  // StartThread non-daemon threads not yet finished; a futex word.
  std::atomic<uint32_t> nondaemon_running_{0};
};

// Attaches the calling thread for the scope, unless it is attached to this
// runtime already (then does nothing): PyGILState_Ensure/Release.
class AttachGuard {
 public:
  explicit AttachGuard(Runtime& runtime);
  ~AttachGuard();
  AttachGuard(const AttachGuard&) = delete;
  AttachGuard& operator=(const AttachGuard&) = delete;

 private:
  Runtime* runtime_;
  bool attached_;
};

// Detaches the calling thread for the scope if it is attached, re-attaching
// at the end: Py_BEGIN_ALLOW_THREADS / Py_END_ALLOW_THREADS.
class DetachGuard {
 public:
  DetachGuard();
  ~DetachGuard();
  DetachGuard(const DetachGuard&) = delete;
  DetachGuard& operator=(const DetachGuard&) = delete;

 private:
  ThreadState* ts_;
};

// StopTheWorld for the scope.
class StopTheWorldGuard {
 public:
  explicit StopTheWorldGuard(Runtime& runtime) : runtime_(runtime) { runtime_.StopTheWorld(); }
  ~StopTheWorldGuard() { runtime_.StartTheWorld(); }
  StopTheWorldGuard(const StopTheWorldGuard&) = delete;
  StopTheWorldGuard& operator=(const StopTheWorldGuard&) = delete;

 private:
  Runtime& runtime_;
};

}  // namespace ftrt

#endif  // FTRT_RUNTIME_RUNTIME_H_
