// ftrt::ThreadState: what the runtime knows about one thread.
//
// After CPython's PyThreadState / _PyThreadStateImpl (Include/internal/
// pycore_tstate.h) in its free-threaded build. A thread gets a ThreadState
// from a Runtime the first time it attaches to it (Runtime::Attach,
// TryAttach, StartThread); the state lives until the thread exits (a
// thread_local destructor runs the exit path) or releases it explicitly
// (Runtime::ReleaseCurrentThread). It holds:
//   * the state word: detached / attached / suspended (below);
//   * the safepoint word that Safepoint() tests inline;
//   * the thread's allocation heap and QSBR slot from alloc/ (created when
//     the state is first attached, released at thread exit);
//   * opaque per-thread slots that upper layers own (object/'s merge queue
//     and root stack, its error indicator...): runtime/ stores a void* per
//     slot and never looks inside. Slot ids come from Runtime::AddSlot();
//   * the fast thread id (sync/thread_id.h) of its thread.
// The thread's critical-section stack is sync/'s own thread_local; the
// runtime suspends and resumes it on detach and attach.
//
// States (the `state_` word; every transition in runtime.cc/stop_the_world.cc):
//
//   | state     | may touch objects | how it leaves                            |
//   |-----------|-------------------|------------------------------------------|
//   | detached  | no                | Attach: CAS -> attached (fast path)      |
//   | attached  | yes               | Detach; park at a safepoint (-> suspended)|
//   | suspended | no                | StartTheWorld -> detached, or attached   |
//   |           |                   | directly for a thread waiting to attach  |
//   | shutdown  | no                | never (the final stop; see Finalize)     |
//
// A stop-the-world moves detached threads to suspended (so they cannot
// attach until it ends) and asks attached ones to park. "shutdown" is the
// final stop's suspended state; status() reports it as kSuspended.
//
// Safepoint word bits (`breaker_`, after CPython's eval_breaker):
//
//   | bit  | name            | set by                  | slow path does       |
//   |------|-----------------|-------------------------|----------------------|
//   | 0    | kBreakStop      | StopTheWorld            | park until restart   |
//   | 1    | kBreakGilDrop   | a GIL waiter, after the | hand the GIL over    |
//   |      |                 | switch interval         | (full detach+attach) |
//   | 2    | kBreakQuiescent | RequestQuiescentStates  | QSBR quiescent state |
//   | 8-31 | safepoint hooks | RequestSafepointWork    | run the hook         |
//
// Thread ids are reused by later threads (glibc reuses TLS blocks). The
// runtime keys nothing by thread id: the ThreadState is found through a
// thread_local, and it is deleted (its heap released, every object of it
// unowned by alloc/) before the thread's TLS block can be reused.
#ifndef FTRT_RUNTIME_THREAD_STATE_H_
#define FTRT_RUNTIME_THREAD_STATE_H_

#include <atomic>
#include <cstdint>

#include "sync/config.h"

namespace ftrt {

class Runtime;
class ThreadState;

namespace alloc {
class ThreadHeap;
struct QsbrThread;
}  // namespace alloc

enum class ThreadStatus : uint32_t {
  kDetached = 0,
  kAttached = 1,
  kSuspended = 2,
};

// Identifies a per-thread slot; from Runtime::AddSlot.
using SlotId = uint32_t;
inline constexpr uint32_t kMaxSlots = 16;

// A bit of the safepoint word owned by a safepoint hook
// (Runtime::AddSafepointHook); ThreadState::RequestSafepointWork sets it.
using SafepointWork = uint32_t;

namespace internal {

// The calling thread's attached ThreadState, or nullptr while detached.
// Initial-exec TLS: one %fs-relative load from any module loaded at start.
extern constinit thread_local ThreadState* tls_current
    __attribute__((tls_model("initial-exec")));

inline constexpr uint32_t kStateDetached = 0;
inline constexpr uint32_t kStateAttached = 1;
inline constexpr uint32_t kStateSuspended = 2;
inline constexpr uint32_t kStateShutdown = 3;

inline constexpr uint32_t kBreakStop = 1u << 0;
inline constexpr uint32_t kBreakGilDrop = 1u << 1;
inline constexpr uint32_t kBreakQuiescent = 1u << 2;
inline constexpr uint32_t kBreakWorkShift = 8;
inline constexpr uint32_t kBreakWorkMask = 0xFFFFFF00u;
inline constexpr uint32_t kMaxSafepointHooks = 24;

}  // namespace internal

class ThreadState {
 public:
  ThreadState(const ThreadState&) = delete;
  ThreadState& operator=(const ThreadState&) = delete;

  // The calling thread's ThreadState if it is attached (to any runtime),
  // else nullptr. One TLS load.
  static ThreadState* Current() { return internal::tls_current; }

  // The safepoint: one relaxed load of this thread's safepoint word and a
  // branch. Call it on the owning thread, attached, at points where it
  // holds no lock and no lock-free reference it still needs (between
  // "bytecodes"). The slow path may park the thread for a stop-the-world,
  // hand the GIL over (both suspend and later resume its critical
  // sections), report a QSBR quiescent state and run requested safepoint
  // hooks.
  // Memory ordering: relaxed; the slow path synchronises through the
  // runtime's lock and the state word.
  FTRT_ALWAYS_INLINE void Safepoint() {
    if (FTRT_UNLIKELY(breaker_.load(std::memory_order_relaxed) != 0)) SafepointSlow();
  }

  // Asks this thread to run the safepoint hooks whose bits are in `work`
  // at its next safepoint (from any thread; the ThreadState must stay
  // alive meanwhile: see Runtime's lifecycle hooks). Memory ordering:
  // release; the hooks run after an acquire of the word, so what the
  // requester wrote before is visible to them.
  void RequestSafepointWork(SafepointWork work) {
    breaker_.fetch_or(work & internal::kBreakWorkMask, std::memory_order_release);
  }

  Runtime& runtime() const { return *runtime_; }
  // The owning thread's fast id (sync/thread_id.h).
  uintptr_t tid() const { return tid_; }
  // A number unique among the thread states of this runtime (never reused).
  uint64_t serial() const { return serial_; }
  // Whether it was started by Runtime::StartThread as a daemon thread.
  bool daemon() const { return daemon_; }

  // The thread's allocation heap and QSBR slot (nullptr before the first
  // attach completes and after thread exit). The heap is the owner's for
  // allocation; any thread may pass it nowhere else but FreeObject's
  // `current` when it is its own.
  alloc::ThreadHeap* heap() const { return heap_.load(std::memory_order_relaxed); }
  alloc::QsbrThread* qsbr() const { return qsbr_.load(std::memory_order_relaxed); }

  // The safepoint word (a relaxed snapshot; bits in the table above): for
  // tests and diagnostics.
  uint32_t safepoint_word() const { return breaker_.load(std::memory_order_relaxed); }

  // A snapshot of the state (relaxed).
  ThreadStatus status() const {
    uint32_t s = state_.load(std::memory_order_relaxed);
    return s == internal::kStateShutdown ? ThreadStatus::kSuspended
                                         : static_cast<ThreadStatus>(s);
  }

  // Opaque per-thread slots. The owning thread reads and writes its own;
  // other threads read them only while the world is stopped (or under a
  // protocol of their own). Relaxed: ordering comes from stop-the-world.
  void* slot(SlotId id) const { return slots_[id].load(std::memory_order_relaxed); }
  void set_slot(SlotId id, void* value) { slots_[id].store(value, std::memory_order_relaxed); }

 private:
  friend class Runtime;
  friend struct RuntimeAccess;

  ThreadState(Runtime* runtime, uintptr_t tid, uint64_t serial, bool daemon)
      : runtime_(runtime), tid_(tid), serial_(serial), daemon_(daemon) {}
  ~ThreadState() = default;

  FTRT_COLD void SafepointSlow();

  // Read by Safepoint on every call: first, on its own cache line.
  alignas(64) std::atomic<uint32_t> breaker_{0};
  // kStateDetached/Attached/Suspended/Shutdown; a futex word (a thread
  // waiting to attach sleeps on it).
  std::atomic<uint32_t> state_{internal::kStateDetached};
  // 0 waiting, 1 the GIL was handed to this thread, 2 the GIL was switched
  // off while it waited; a futex word.
  std::atomic<uint32_t> gil_granted_{0};

  Runtime* const runtime_;
  const uintptr_t tid_;
  const uint64_t serial_;
  const bool daemon_;

  // Written by the owner while attached; read by others during stops.
  std::atomic<alloc::ThreadHeap*> heap_{nullptr};
  std::atomic<alloc::QsbrThread*> qsbr_{nullptr};
  std::atomic<void*> slots_[kMaxSlots] = {};

  // Waiting (or about to wait) in attach while suspended: StartTheWorld
  // makes it attached directly rather than detached, so repeated stops
  // cannot starve it (the thread would otherwise have to win a CAS race
  // against the next stop's suspension each time). Set by the owner (when
  // it parks, before it suspends itself; or under the head lock while
  // suspended), cleared by StartTheWorld under the head lock.
  std::atomic<bool> wants_attach_{false};

  // --- guarded by the runtime's head lock (Runtime::head_mu_) ---
  ThreadState* prev_ = nullptr;  // the runtime's thread list
  ThreadState* next_ = nullptr;
  // The heap and QSBR slot exist and the start hooks have begun: the
  // thread is visible to ForEachThread.
  bool initialized_ = false;
  // A live thread's binding holds it (and a reference to the runtime).
  bool bound_ = false;
  // Started by StartThread as a non-daemon thread (counted in the
  // runtime's non-daemon count until it has finished).
  bool started_nondaemon_ = false;

  // --- guarded by the runtime's GIL lock (Runtime::gil_mu_) ---
  ThreadState* gil_next_ = nullptr;
};

// The calling thread's safepoint (it must be attached).
FTRT_ALWAYS_INLINE void Safepoint() {
  ThreadState* ts = ThreadState::Current();
  FTRT_DCHECK(ts != nullptr, "Safepoint() on a thread that is not attached");
  ts->Safepoint();
}

}  // namespace ftrt

#endif  // FTRT_RUNTIME_THREAD_STATE_H_
