// QSBR: see qsbr.h for the scheme, its ordering and its bounds.
#include "alloc/qsbr.h"

#include <cstdlib>
#include <new>
#include <thread>

#include "sync/blocking.h"

namespace ftrt::alloc {
namespace internal {

// ~4 KiB of entries.
struct DelayQueue::Chunk {
  static constexpr uint32_t kEntries = (4096 - 16) / sizeof(DelayEntry);
  Chunk* next;
  uint32_t head;  // first live entry
  uint32_t tail;  // one past the last
  DelayEntry e[kEntries];
};

DelayQueue::~DelayQueue() {
  FreeAll();
  std::free(spare_);
  for (Chunk* c = head_; c != nullptr;) {
    Chunk* next = c->next;
    std::free(c);
    c = next;
  }
}

bool DelayQueue::Push(void* ptr, size_t size, void (*free_fn)(void*), FaultInjector* faults) {
  if (tail_ == nullptr || tail_->tail == Chunk::kEntries) {
    Chunk* c = spare_;
    if (c != nullptr) {
      spare_ = nullptr;
    } else {
      if (faults != nullptr && faults->ShouldFail()) return false;
      c = static_cast<Chunk*>(std::malloc(sizeof(Chunk)));
      if (c == nullptr) {
        if (faults != nullptr) faults->CountRealFailure();
        return false;
      }
    }
    c->next = nullptr;
    c->head = c->tail = 0;
    if (tail_ == nullptr) {
      head_ = tail_ = c;
    } else {
      tail_->next = c;
      tail_ = c;
    }
  }
  if (unassigned_ == 0) {
    ua_chunk_ = tail_;
    ua_index_ = tail_->tail;
  }
  tail_->e[tail_->tail++] = DelayEntry{ptr, free_fn, size, 0};
  unassigned_++;
  SetCounts(count() + 1, bytes() + size + sizeof(DelayEntry));
  return true;
}

void DelayQueue::AssignGoal(uint64_t goal) {
  if (unassigned_ == 0) return;
  // The unassigned entries run from (ua_chunk_, ua_index_) to the tail.
  for (Chunk* c = ua_chunk_; c != nullptr; c = c->next) {
    for (uint32_t i = (c == ua_chunk_ ? ua_index_ : c->head); i < c->tail; i++) c->e[i].goal = goal;
  }
  unassigned_ = 0;
  ua_chunk_ = nullptr;
}

uint64_t DelayQueue::OldestGoal() const {
  for (Chunk* c = head_; c != nullptr; c = c->next) {
    if (c->head < c->tail) return c->e[c->head].goal;
  }
  return 0;
}

size_t DelayQueue::FreeReady(uint64_t rd_seq) {
  size_t freed = 0;
  size_t freed_bytes = 0;
  while (head_ != nullptr) {
    Chunk* c = head_;
    if (c->head == c->tail) {
      if (c == tail_) {
        c->head = c->tail = 0;
        break;
      }
      head_ = c->next;
      if (spare_ == nullptr) {
        spare_ = c;
      } else {
        std::free(c);
      }
      continue;
    }
    DelayEntry e = c->e[c->head];
    if (e.goal == 0 || static_cast<int64_t>(rd_seq - e.goal) < 0) break;
    c->head++;
    freed++;
    freed_bytes += e.size + sizeof(DelayEntry);
    SetCounts(count() - 1, bytes() - e.size - sizeof(DelayEntry));
    e.free_fn(e.ptr);
  }
  (void)freed_bytes;
  return freed;
}

void DelayQueue::FreeAll() {
  while (head_ != nullptr) {
    Chunk* c = head_;
    while (c->head < c->tail) {
      DelayEntry e = c->e[c->head++];
      e.free_fn(e.ptr);
    }
    if (c == tail_) {
      c->head = c->tail = 0;
      break;
    }
    head_ = c->next;
    std::free(c);
  }
  unassigned_ = 0;
  ua_chunk_ = nullptr;
  SetCounts(0, 0);
}

void DelayQueue::Splice(DelayQueue& other) {
  FTRT_CHECK(other.unassigned_ == 0, "splicing a queue with unassigned entries");
  if (other.head_ != nullptr) {
    if (tail_ == nullptr) {
      head_ = other.head_;
    } else {
      tail_->next = other.head_;
    }
    tail_ = other.tail_;
    SetCounts(count() + other.count(), bytes() + other.bytes());
  }
  other.head_ = other.tail_ = nullptr;
  std::free(other.spare_);
  other.spare_ = nullptr;
  other.SetCounts(0, 0);
}

}  // namespace internal

struct alignas(64) Qsbr::SlotBlock {
  SlotBlock* next = nullptr;  // immutable once published
  QsbrThread slots[kSlotsPerBlock];
};

Qsbr::Qsbr(FaultInjector* faults) : faults_(faults) {}

Qsbr::~Qsbr() {
  SlotBlock* b = blocks_.load(std::memory_order_acquire);
  while (b != nullptr) {
    for (QsbrThread& t : b->slots) {
      FTRT_CHECK(!t.in_use, "Qsbr destroyed with a registered thread slot (%p)",
                 static_cast<void*>(&t));
    }
    SlotBlock* next = b->next;
    delete b;
    b = next;
  }
  internal::LeafLock lock(mu_);
  orphans_.FreeAll();
}

QsbrThread* Qsbr::Register() {
  internal::LeafLock lock(mu_);
  QsbrThread* slot = nullptr;
  for (SlotBlock* b = blocks_.load(std::memory_order_acquire); b != nullptr && slot == nullptr;
       b = b->next) {
    for (QsbrThread& t : b->slots) {
      if (!t.in_use) {
        slot = &t;
        break;
      }
    }
  }
  if (slot == nullptr) {
    SlotBlock* b = new (std::nothrow) SlotBlock();
    if (b == nullptr) return nullptr;
    b->next = blocks_.load(std::memory_order_relaxed);
    // Publishes the block's (zeroed) slots to scans (acquire).
    blocks_.store(b, std::memory_order_release);
    slot = &b->slots[0];
  }
  slot->in_use = true;
  slot->shared = this;
  slot->poll_requested = false;
  slot->since_advance = 0;
  slot->seq.store(0, std::memory_order_release);
  registered_++;
  return slot;
}

void Qsbr::Unregister(QsbrThread* t) {
  Detach(t);
  if (t->pending.HasUnassigned()) t->pending.AssignGoal(Advance());
  t->since_advance = 0;
  t->poll_requested = false;
  internal::LeafLock lock(mu_);
  orphans_.Splice(t->pending);
  if (orphans_.count() != 0) has_orphans_.store(true, std::memory_order_relaxed);
  t->in_use = false;
  registered_--;
}

uint64_t Qsbr::ScanMin(const QsbrThread* exclude) const {
  uint64_t min = wr_seq_.load(std::memory_order_seq_cst);
  for (SlotBlock* b = blocks_.load(std::memory_order_acquire); b != nullptr; b = b->next) {
    for (const QsbrThread& t : b->slots) {
      if (&t == exclude) continue;
      uint64_t s = t.seq.load(std::memory_order_seq_cst);
      if (s != 0 && static_cast<int64_t>(s - min) < 0) min = s;
    }
  }
  return min;
}

uint64_t Qsbr::RefreshReadSeq() {
  uint64_t min = ScanMin(nullptr);
  uint64_t cached = rd_seq_.load(std::memory_order_acquire);
  // Raise the cache monotonically.
  while (static_cast<int64_t>(min - cached) > 0 &&
         !rd_seq_.compare_exchange_weak(cached, min, std::memory_order_release,
                                        std::memory_order_acquire)) {
  }
  return min;
}

bool Qsbr::GoalReached(uint64_t goal) {
  uint64_t cached = rd_seq_.load(std::memory_order_acquire);
  if (static_cast<int64_t>(cached - goal) >= 0) return true;
  return static_cast<int64_t>(RefreshReadSeq() - goal) >= 0;
}

void Qsbr::FreeDelayed(QsbrThread* t, void* p, size_t size, void (*free_fn)(void*)) {
  if (FTRT_UNLIKELY(t == nullptr || !t->pending.Push(p, size, free_fn, faults_))) {
    FreeSynchronously(t, p, free_fn);
    return;
  }
  if (++t->since_advance >= kAdvanceBatch) {
    t->since_advance = 0;
    t->pending.AssignGoal(Advance());
    uint64_t oldest = t->pending.OldestGoal();
    if (oldest != 0 && GoalReached(oldest)) {
      t->pending.FreeReady(rd_seq_.load(std::memory_order_acquire));
    }
  }
  if (FTRT_UNLIKELY(t->pending.bytes() > kDelayedLimitBytes)) OverLimitSlow(t);
}

void Qsbr::OverLimitSlow(QsbrThread* t) {
  // Advance and poll at once.
  t->pending.AssignGoal(Advance());
  t->since_advance = 0;
  uint64_t oldest = t->pending.OldestGoal();
  if (oldest != 0 && GoalReached(oldest)) {
    t->pending.FreeReady(rd_seq_.load(std::memory_order_acquire));
  }
  if (t->pending.bytes() > kHardLimitBytes) {
    // Wait for the others; this thread's own entries are safe to free up
    // to its last quiescent state (0 = detached: it holds nothing back).
    uint64_t own = t->seq.load(std::memory_order_relaxed);
    Synchronize(t);
    uint64_t others = ScanMin(t);
    uint64_t limit = own != 0 && static_cast<int64_t>(own - others) < 0 ? own : others;
    t->pending.FreeReady(limit);
  }
  // What is left waits for a thread still between quiescent states; this
  // thread's next Quiescent polls again.
  t->poll_requested = t->pending.bytes() > kDelayedLimitBytes;
}

void Qsbr::QuiescentSlow(QsbrThread* t) {
  // The entries queued so far were unpublished before this Advance; the
  // store below is a quiescent state after it.
  if (t->pending.HasUnassigned()) t->pending.AssignGoal(Advance());
  t->since_advance = 0;
  t->seq.store(wr_seq_.load(std::memory_order_acquire), std::memory_order_release);
  if (t->poll_requested) Poll(t);
}

bool Qsbr::Poll(QsbrThread* t) {
  if (t->pending.HasUnassigned()) {
    t->pending.AssignGoal(Advance());
    t->since_advance = 0;
  }
  uint64_t oldest = t->pending.OldestGoal();
  if (oldest != 0 && GoalReached(oldest)) {
    t->pending.FreeReady(rd_seq_.load(std::memory_order_acquire));
  }
  t->poll_requested = t->pending.bytes() > kDelayedLimitBytes;
  if (has_orphans_.load(std::memory_order_relaxed)) {
    if (mu_.TryLock()) {
      DrainOrphansLocked();
      mu_.Unlock();
    }
  }
  return t->pending.count() == 0;
}

void Qsbr::DrainOrphans() {
  if (!has_orphans_.load(std::memory_order_relaxed)) return;
  internal::LeafLock lock(mu_);
  DrainOrphansLocked();
}

void Qsbr::DrainOrphansLocked() {
  // Goals of orphaned entries are not in order (several threads' queues);
  // FreeReady stops at the first one not reached, which only delays.
  orphans_.FreeReady(RefreshReadSeq());
  has_orphans_.store(orphans_.count() != 0, std::memory_order_relaxed);
}

void Qsbr::Synchronize(QsbrThread* self) {
  uint64_t goal = Advance();
  if (static_cast<int64_t>(ScanMin(self) - goal) >= 0) return;
  // Let the runtime detach this thread while it waits, so that a thread
  // waiting for it (a stop-the-world) is not blocked by it.
  const BlockingHooks* hooks = GetBlockingHooks();
  void* token = nullptr;
  if (hooks != nullptr && hooks->before_block != nullptr) token = hooks->before_block();
  while (static_cast<int64_t>(ScanMin(self) - goal) < 0) std::this_thread::yield();
  if (hooks != nullptr && hooks->after_block != nullptr) hooks->after_block(token);
}

void Qsbr::FreeSynchronously(QsbrThread* t, void* p, void (*free_fn)(void*)) {
  Synchronize(t);
  free_fn(p);
}

size_t Qsbr::PendingCount() const {
  size_t n = 0;
  for (SlotBlock* b = blocks_.load(std::memory_order_acquire); b != nullptr; b = b->next) {
    for (const QsbrThread& t : b->slots) n += t.pending.count();
  }
  internal::LeafLock lock(mu_);
  return n + orphans_.count();
}

size_t Qsbr::PendingBytes() const {
  size_t n = 0;
  for (SlotBlock* b = blocks_.load(std::memory_order_acquire); b != nullptr; b = b->next) {
    for (const QsbrThread& t : b->slots) n += t.pending.bytes();
  }
  internal::LeafLock lock(mu_);
  return n + orphans_.bytes();
}

size_t Qsbr::RegisteredCount() const {
  internal::LeafLock lock(mu_);
  return registered_;
}

}  // namespace ftrt::alloc
