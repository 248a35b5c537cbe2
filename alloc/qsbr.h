// QSBR: quiescent-state-based reclamation of memory that lock-free readers
// may still hold.
//
// A writer that unpublishes a block (a list's item array after a resize, an
// object's slot table) cannot free it at once: a reader on another thread
// may have loaded the old pointer a moment earlier and still be reading it.
// With QSBR the writer hands the block to FreeDelayed; it is freed once
// every thread that was attached at that moment has passed a quiescent
// state (a point where it holds no lock-free reference: between bytecodes,
// at a safepoint, when it detaches). It follows CPython's free-threaded
// build (Python/qsbr.c, after FreeBSD's "Global Unbounded Sequences"), with
// our own code:
//
//   * a shared write sequence `wr_seq`, odd, starting at 1 and advanced by
//     2 (Advance() returns the new value, the "goal" of whatever was
//     unpublished before the call);
//   * each thread slot records the write sequence it saw at its last
//     quiescent state (`seq`), or 0 while it is detached (offline): a
//     detached thread never holds a goal back;
//   * a goal is reached when every attached slot has seq >= goal; the
//     smallest seq seen by a scan is cached in `rd_seq`.
//
// FreeDelayed does not advance the sequence on every call (each advance is
// a read-modify-write on a shared cache line): entries are queued without a
// goal, and one Advance every kAdvanceBatch entries (or at the next Poll)
// gives a goal to all of them at once. That is safe because each entry was
// unpublished before the Advance that gives it its goal.
//
// Bounded memory. CPython once held 6.7 GB in delayed frees because nothing
// forced progress. Here, once a thread holds more than kDelayedLimitBytes
// (1 MiB, block bytes plus queue overhead) FreeDelayed advances and polls
// at once; what is still not reclaimable is then only what was unpublished
// since the slowest attached thread's last quiescent state, and the next
// Quiescent() of this thread polls again. A reader that is descheduled for
// long could still let that grow, so past kHardLimitBytes (8 MiB)
// FreeDelayed waits for a grace period of the other attached threads (as
// the fallback below) and frees what its own thread queued before its last
// quiescent state: a thread never holds more than 8 MiB plus what it queued
// since its own last quiescent state.
//
// Never fails. FreeDelayed has no error channel, so if its queue cannot
// grow (out of memory, or fault injection) it falls back to a synchronous
// grace period: it advances, waits (yielding, and running the blocking hooks
// of sync/blocking.h so the runtime can detach the thread meanwhile) until
// every other attached thread has passed a quiescent state, then frees the
// block itself. Unregister never fails either: a thread's pending entries
// move, without allocating, to an orphan queue that any Poll drains.
//
// Memory ordering:
//   * Quiescent is a release store of seq (after an acquire load of wr_seq):
//     the reader's lock-free reads before it happen-before a writer's free
//     that observed it (acquire) in a scan.
//   * Advance is a seq_cst read-modify-write, scans load each seq with
//     seq_cst, and Attach stores seq with seq_cst (a full barrier on
//     x86-64), so a thread attaching during a writer's scan either is seen
//     by the scan or sees the writer's unpublish (the Dekker pattern
//     CPython's _Py_qsbr_attach relies on).
//   * The cached rd_seq is written with release and read with acquire, so
//     a goal found reached through the cache carries the same guarantee.
//
// Threading: a QsbrThread is used by its own thread only (Quiescent,
// Attach, Detach, FreeDelayed, Poll), except that Unregister may run on any
// thread once the slot's thread no longer uses it. Register, Unregister and
// the orphan queue take the Qsbr's internal lock (a slow path); Quiescent,
// Attach, Detach, FreeDelayed and Poll take no lock (Poll may TryLock the
// orphan queue).
#ifndef FTRT_ALLOC_QSBR_H_
#define FTRT_ALLOC_QSBR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "alloc/fault_injection.h"
#include "sync/config.h"
#include "sync/mutex.h"

namespace ftrt::alloc {

class Qsbr;

namespace internal {

// alloc/'s own locks are leaves, held for a few instructions and never
// across a safepoint: they never run sync/'s blocking hooks (the runtime's
// detach), which keeps alloc/ usable from inside the runtime's own attach,
// detach and thread-exit paths.
class ABSL_SCOPED_LOCKABLE LeafLock {
 public:
  explicit LeafLock(Mutex& mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_.LockNoDetach(); }
  LeafLock(const LeafLock&) = delete;
  LeafLock& operator=(const LeafLock&) = delete;
  ~LeafLock() ABSL_UNLOCK_FUNCTION() { mu_.Unlock(); }

 private:
  Mutex& mu_;
};

// One block waiting for its grace period.
struct DelayEntry {
  void* ptr;
  void (*free_fn)(void*);
  size_t size;
  uint64_t goal;  // 0 = not yet assigned (see "FreeDelayed does not advance")
};

// A FIFO of DelayEntry in malloc'ed chunks. Used by one thread at a time
// (its slot's thread, or the Qsbr under its lock for the orphan queue).
// count() and bytes() may be read by any thread (for Stats): relaxed.
class DelayQueue {
 public:
  DelayQueue() = default;
  DelayQueue(const DelayQueue&) = delete;
  DelayQueue& operator=(const DelayQueue&) = delete;
  ~DelayQueue();

  // Appends an entry without a goal. Returns false (nothing changed) when a
  // new chunk was needed and could not be allocated (or injection failed it).
  bool Push(void* ptr, size_t size, void (*free_fn)(void*), FaultInjector* faults);
  // Gives `goal` to every entry that has none yet.
  void AssignGoal(uint64_t goal);
  bool HasUnassigned() const { return unassigned_ != 0; }
  // Frees, in order, the entries whose goal is assigned and <= rd_seq.
  // Returns how many it freed.
  size_t FreeReady(uint64_t rd_seq);
  // Frees every entry now (no reader may remain: destruction only).
  void FreeAll();
  // Moves every entry of `other` to the end of this queue; no allocation.
  // `other` must have no unassigned entries.
  void Splice(DelayQueue& other);
  // The goal of the oldest entry (0 if none or not assigned).
  uint64_t OldestGoal() const;

  size_t count() const { return count_.load(std::memory_order_relaxed); }
  size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  struct Chunk;
  void SetCounts(size_t count, size_t bytes) {
    count_.store(count, std::memory_order_relaxed);
    bytes_.store(bytes, std::memory_order_relaxed);
  }

  Chunk* head_ = nullptr;   // oldest entries
  Chunk* tail_ = nullptr;   // newest entries
  Chunk* spare_ = nullptr;  // one empty chunk kept to avoid malloc churn
  size_t unassigned_ = 0;   // the newest `unassigned_` entries have goal 0
  Chunk* ua_chunk_ = nullptr;  // where the first of them is
  uint32_t ua_index_ = 0;
  std::atomic<size_t> count_{0};
  std::atomic<size_t> bytes_{0};  // block bytes + entry overhead
};

}  // namespace internal

// A thread's slot. Held by the runtime's ThreadState; used by its thread.
struct alignas(64) QsbrThread {
  // The write sequence seen at the last quiescent state; 0 when detached.
  // Written by the slot's thread, read by every scan.
  std::atomic<uint64_t> seq{0};

  // --- below: the slot's own thread only (or the Qsbr's lock, see .cc) ---
  Qsbr* shared = nullptr;
  bool in_use = false;          // guarded by the Qsbr's lock
  bool poll_requested = false;  // the next Quiescent polls
  uint32_t since_advance = 0;   // entries queued since the last Advance
  internal::DelayQueue pending;
};

class Qsbr {
 public:
  // Frees queued past kDelayedLimitBytes per thread: advance and poll at once.
  static constexpr size_t kDelayedLimitBytes = size_t{1} << 20;
  // Past this, FreeDelayed waits for the other attached threads (a
  // synchronous grace period) and frees what its own thread queued before
  // its last quiescent state: the hard bound on what one thread holds.
  static constexpr size_t kHardLimitBytes = 8 * kDelayedLimitBytes;
  // FreeDelayed advances the write sequence once per this many entries.
  static constexpr uint32_t kAdvanceBatch = 16;

  // `faults` (may be null) makes the queues' internal allocations fail on
  // demand, to test the synchronous fallback; it must outlive the Qsbr.
  explicit Qsbr(FaultInjector* faults = nullptr);
  // Frees every queued block at once: no reader may remain. Every slot
  // must have been unregistered (checked).
  ~Qsbr();
  Qsbr(const Qsbr&) = delete;
  Qsbr& operator=(const Qsbr&) = delete;

  // A new slot for the calling thread, detached (seq 0). nullptr when the
  // slot table cannot grow (out of memory; thread creation reports it).
  QsbrThread* Register();
  // Releases a slot (detaching it first). Its pending entries are kept
  // until their grace period passes (moved to the orphan queue); never
  // fails, never allocates.
  void Unregister(QsbrThread* t);

  // The calling thread holds no lock-free reference: publish the current
  // write sequence. Cheap: one load, one store. If the thread queued
  // entries since its last advance, they get a goal first (so this very
  // quiescent state already counts for them), and a poll runs if one was
  // requested because the thread holds too much.
  static inline void Quiescent(QsbrThread* t) {
    Qsbr* q = t->shared;
    if (FTRT_UNLIKELY(t->since_advance != 0 || t->poll_requested)) {
      q->QuiescentSlow(t);
      return;
    }
    t->seq.store(q->wr_seq_.load(std::memory_order_acquire), std::memory_order_release);
  }
  // Goes offline: the thread will not read shared memory lock-free until
  // Attach, and holds no goal back meanwhile.
  void Detach(QsbrThread* t) { t->seq.store(0, std::memory_order_release); }
  // Comes back online (a quiescent state).
  void Attach(QsbrThread* t) {
    t->seq.store(wr_seq_.load(std::memory_order_seq_cst), std::memory_order_seq_cst);
  }
  bool IsAttached(const QsbrThread* t) const {
    return t->seq.load(std::memory_order_relaxed) != 0;
  }

  // Frees `p` with free_fn(p) once every thread attached now has passed a
  // quiescent state. `size` is the block's size (for the memory bound).
  // `t` is the calling thread's slot; nullptr (a thread without one) frees
  // after a synchronous grace period. Never fails.
  void FreeDelayed(QsbrThread* t, void* p, size_t size, void (*free_fn)(void*));

  // Frees whatever of `t`'s queue has passed its grace period (and drains
  // the orphan queue if it can take its lock without waiting). Returns
  // whether `t` has nothing left pending.
  bool Poll(QsbrThread* t);

  // --- the building blocks, also used by the allocator for its pages ---

  // Advances the write sequence; returns the new goal.
  uint64_t Advance() { return wr_seq_.fetch_add(2, std::memory_order_seq_cst) + 2; }
  // The current write sequence.
  uint64_t WriteSeq() const { return wr_seq_.load(std::memory_order_acquire); }
  // Whether every attached thread has passed a quiescent state at or after
  // `goal`. Scans the slots when the cached rd_seq is not enough.
  bool GoalReached(uint64_t goal);
  // Waits until every attached thread other than `self` (may be null) has
  // passed a quiescent state after now (a synchronous grace period). The
  // caller must not hold locks that an attached thread needs to reach its
  // next quiescent state (threads that block on a lock detach first, so
  // ftrt locks are fine). Runs the blocking hooks (sync/blocking.h) around
  // the wait, so the runtime can detach the caller meanwhile.
  void Synchronize(QsbrThread* self);
  // Frees what the orphan queue holds past its grace period (takes the lock).
  // free_fn callbacks run under the Qsbr's lock there: they must not call
  // Register or Unregister.
  void DrainOrphans();

  // Statistics (snapshots, relaxed): entries and bytes queued, all threads
  // and the orphan queue together.
  size_t PendingCount() const;
  size_t PendingBytes() const;
  // The number of registered slots.
  size_t RegisteredCount() const;

 private:
  struct SlotBlock;
  static constexpr size_t kSlotsPerBlock = 32;

  // Scans every attached slot except `exclude`: the smallest seq, or the
  // current write sequence if none is attached.
  uint64_t ScanMin(const QsbrThread* exclude) const;
  // Scans, raises the cached rd_seq, returns the scan's minimum.
  uint64_t RefreshReadSeq();
  FTRT_COLD void FreeSynchronously(QsbrThread* t, void* p, void (*free_fn)(void*));
  FTRT_COLD void OverLimitSlow(QsbrThread* t);
  FTRT_NOINLINE void QuiescentSlow(QsbrThread* t);
  void DrainOrphansLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // wr_seq_ and rd_seq_ on separate cache lines (padding, not alignas: a
  // Qsbr lives inside the Allocator, which may sit on a stack that
  // sanitizers' fake stacks align to 32 bytes only).
  char pad0_[64];
  std::atomic<uint64_t> wr_seq_{1};
  char pad1_[64 - sizeof(std::atomic<uint64_t>)];
  std::atomic<uint64_t> rd_seq_{1};
  char pad2_[64 - sizeof(std::atomic<uint64_t>)];
  // Slot blocks: an append-only list (scans walk it without the lock).
  std::atomic<SlotBlock*> blocks_{nullptr};
  FaultInjector* const faults_;

  mutable Mutex mu_;
  internal::DelayQueue orphans_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> has_orphans_{false};
  size_t registered_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ftrt::alloc

#endif  // FTRT_ALLOC_QSBR_H_
