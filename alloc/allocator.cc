// The allocator's slow paths, visiting and thread-heap life cycle. The
// design (a page arena on mimalloc in release builds, one malloc block per
// object under the sanitizers) is described at the top of allocator.h.
#include "alloc/allocator.h"

#include <algorithm>
#include <cstdlib>
#include <new>

#if !defined(FTRT_SYSTEM_ALLOC)
#include <mimalloc.h>
#endif

namespace ftrt::alloc {

using internal::FreeBlock;
using internal::LeafLock;
using internal::Page;
using internal::PageKind;
using internal::PageQueue;
using internal::SanPrefix;

namespace {

inline void MarkFreed(ObjectHeader* h) {
  std::atomic_ref<uint16_t> flags(h->ob_flags);
  flags.store(static_cast<uint16_t>(flags.load(std::memory_order_relaxed) | FTRT_OBJ_FLAG_FREED),
              std::memory_order_relaxed);
}

[[maybe_unused]] inline bool IsFreed(ObjectHeader* h) {
  return (std::atomic_ref<uint16_t>(h->ob_flags).load(std::memory_order_relaxed) &
          FTRT_OBJ_FLAG_FREED) != 0;
}

inline bool IsTracked(ObjectHeader* h) {
  return (std::atomic_ref<uint8_t>(h->ob_gc_bits).load(std::memory_order_relaxed) &
          FTRT_GC_BIT_TRACKED) != 0;
}

inline uint64_t Load(const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); }

// A page's thread_free holds a tagged pointer: the head block in the low 48
// bits (x86-64 and AArch64 user addresses fit in 48 bits) and the number of
// blocks on the stack in the top 16 (at most a page's capacity, 2048). The
// pushing thread counts its block in the same compare-exchange that links
// it, so the owner learns the length from the exchange that takes the list
// (CollectThreadFree) instead of from a walk over it. 0 is the empty stack.
constexpr int kThreadFreeCountShift = 48;
constexpr uintptr_t kThreadFreeHeadMask = (uintptr_t{1} << kThreadFreeCountShift) - 1;
static_assert(sizeof(uintptr_t) == 8, "the thread_free tag needs 64-bit pointers");
static_assert(internal::kPageSize / internal::kMinObjectSize < (uintptr_t{1} << 16),
              "a page's block count must fit the thread_free tag");

inline FreeBlock* ThreadFreeHead(uintptr_t tagged) {
  return reinterpret_cast<FreeBlock*>(tagged & kThreadFreeHeadMask);
}
inline uint32_t ThreadFreeCount(uintptr_t tagged) {
  return static_cast<uint32_t>(tagged >> kThreadFreeCountShift);
}

// Pushes a block another thread frees on the page's thread_free. Release:
// the owner that takes the list acquires the links and the blocks' headers.
inline void ThreadFreePush(Page* page, FreeBlock* b) {
  const uintptr_t addr = reinterpret_cast<uintptr_t>(b);
  FTRT_DCHECK((addr & ~kThreadFreeHeadMask) == 0, "block %p above 2^48", static_cast<void*>(b));
  FreeBlock* seen = page->thread_free.load(std::memory_order_relaxed);
  FreeBlock* desired;
  do {
    const uintptr_t tagged = reinterpret_cast<uintptr_t>(seen);
    std::atomic_ref<FreeBlock*>(b->next).store(ThreadFreeHead(tagged), std::memory_order_relaxed);
    desired = reinterpret_cast<FreeBlock*>(
        addr | (uintptr_t{ThreadFreeCount(tagged) + 1} << kThreadFreeCountShift));
  } while (!page->thread_free.compare_exchange_weak(seen, desired, std::memory_order_release,
                                                    std::memory_order_relaxed));
}

}  // namespace

// ---------------------------------------------------------------------------
// ThreadHeap

ThreadHeap::ThreadHeap(Allocator* allocator, uintptr_t owner_tid)
    : allocator_(allocator), owner_tid_(owner_tid) {
  for (auto& per_gc : queues_) {
    for (PageQueue& q : per_gc) q.current = &empty_page_;
  }
  for (PageQueue& q : jumbo_) q.current = &empty_page_;
  empty_page_.free = nullptr;
  empty_page_.capacity = 0;
  empty_page_.reserved = 0;
  empty_page_.kind = PageKind::kFree;
  list_.heap.store(nullptr, std::memory_order_relaxed);
  list_.prev = list_.next = &list_;
  list_.size = 0;
  list_.magic = 0;
}

ThreadHeap::~ThreadHeap() = default;

// ---------------------------------------------------------------------------
// Common

size_t Allocator::BlockSizeFor(size_t size) {
  size = std::max(size, internal::kMinObjectSize);
  if constexpr (kSystemAlloc) return size + sizeof(SanPrefix);
  if (size <= internal::kMaxSmallSize) return internal::ClassBlockSize(internal::SizeClass(size));
  return (size + 15) & ~size_t{15};
}

ThreadHeap* Allocator::CreateThreadHeap(uintptr_t owner_tid) {
  ThreadHeap* heap = nullptr;
  {
    LeafLock lock(mu_);
    if (free_heaps_ != nullptr) {
      heap = free_heaps_;
      free_heaps_ = heap->next_;
    }
  }
  if (heap == nullptr) {
    heap = new (std::nothrow) ThreadHeap(this, owner_tid);
    if (heap == nullptr) {
      faults_.CountRealFailure();
      return nullptr;
    }
  } else {
    // A recycled record (sanitizer mode): a free that raced with its
    // release may still lock its mutex, then finds it moved (see SanFree).
    heap->owner_tid_.store(owner_tid, std::memory_order_release);
    for (auto* c : {&heap->allocs_, &heap->frees_, &heap->alloc_bytes_, &heap->free_bytes_}) {
      c->store(0, std::memory_order_relaxed);
    }
    heap->frees_since_poll_ = 0;
  }
  LeafLock lock(mu_);
  heap->prev_ = nullptr;
  heap->next_ = heaps_;
  if (heaps_ != nullptr) heaps_->prev_ = heap;
  heaps_ = heap;
  live_heaps_++;
  return heap;
}

void* Allocator::AllocRaw(ThreadHeap* /*heap*/, size_t size) {
  if (faults_.ShouldFail()) return nullptr;
#if defined(FTRT_SYSTEM_ALLOC)
  void* p = std::malloc(size);
#else
  void* p = mi_malloc(size);
#endif
  if (p == nullptr) faults_.CountRealFailure();
  return p;
}

void Allocator::FreeRaw(void* p) { RawFreeFn(p); }

void Allocator::RawFreeFn(void* p) {
#if defined(FTRT_SYSTEM_ALLOC)
  std::free(p);
#else
  mi_free(p);
#endif
}

void* Allocator::AllocObjectSlow(ThreadHeap* heap, size_t size, bool gc_capable) {
  FTRT_DCHECK(heap != nullptr, "AllocObject without a heap");
  FTRT_DCHECK(heap->owner_tid() != 0, "AllocObject on a released heap");
  if (faults_.ShouldFail()) return nullptr;
#if defined(FTRT_SYSTEM_ALLOC)
  return SanAlloc(heap, size, gc_capable);
#else
  if (size > internal::kMaxSmallSize) {
    void* p = AllocJumbo(heap, size, gc_capable);
    if (p == nullptr) faults_.CountRealFailure();
    return p;
  }
  size_t cls = internal::SizeClass(size);
  PageQueue& q = heap->queues_[gc_capable][cls];
  Page* page = q.current;
  if (page->free == nullptr) {
    page = FindPage(heap, q, cls, gc_capable);
    if (page == nullptr) {
      faults_.CountRealFailure();
      return nullptr;
    }
  }
  FreeBlock* b = page->free;
  page->free = b->next;
  page->CountAlloc();
  InitHeader(b, heap->owner_tid_.load(std::memory_order_relaxed), gc_capable, size);
  return b;
#endif
}

void Allocator::FreeObjectSlow(ThreadHeap* current, void* obj) {
#if defined(FTRT_SYSTEM_ALLOC)
  SanFree(current, obj);
#else
  Page* page = internal::PageOf(obj);
  auto* h = static_cast<ObjectHeader*>(obj);
  FTRT_DCHECK(page->kind != PageKind::kFree, "free of %p: not in an object page", obj);
  uint64_t bytes = page->block_size;  // read before the page may be recycled
  MarkFreed(h);
  if (current != nullptr && page->heap.load(std::memory_order_relaxed) == current &&
      page->kind == PageKind::kAdopted) {
    // Our own adopted page: the object may be a previous owner's. A local
    // free, counted by the page as on the fast path.
    page->ClearUnowned(page->IndexOf(obj));
    auto* b = static_cast<FreeBlock*>(obj);
    std::atomic_ref<FreeBlock*>(b->next).store(page->free, std::memory_order_relaxed);
    page->free = b;
    page->CountLocalFree();
    return;
  }
  if (current != nullptr && page->heap.load(std::memory_order_relaxed) == current) {
    // Our own jumbo page: it is empty now.
    FTRT_DCHECK(page->kind == PageKind::kJumbo, "local free of a small block in the slow path");
    PageQueue& q = current->jumbo_[page->gc];
    page->SetEmpty();
    if (page->prev != nullptr) {
      page->prev->next = page->next;
    } else {
      q.first = page->next;
    }
    if (page->next != nullptr) page->next->prev = page->prev;
    q.pages--;
    page->next = nullptr;
    RetirePages(page);
  } else {
    // Another thread's page (or an abandoned one): push on its thread_free,
    // counting the block in the tag (ThreadFreePush).
    ThreadFreePush(page, static_cast<FreeBlock*>(obj));
  }
  if (current != nullptr) {
    current->Bump(current->frees_, 1);
    current->Bump(current->free_bytes_, bytes);
  } else {
    retired_frees_.fetch_add(1, std::memory_order_relaxed);
    retired_free_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }
#endif
}

void Allocator::ForEachTrackedObject(absl::FunctionRef<void(ObjectHeader*)> fn) {
#if defined(FTRT_SYSTEM_ALLOC)
  SanVisit(/*tracked_only=*/true, fn);
#else
  LeafLock lock(mu_);
  for (ThreadHeap* heap = heaps_; heap != nullptr; heap = heap->next_) {
    for (PageQueue& q : heap->queues_[1]) {
      for (Page* p = q.first; p != nullptr; p = p->next) VisitPage(p, true, false, fn);
    }
    for (Page* p = heap->jumbo_[1].first; p != nullptr; p = p->next) VisitPage(p, true, false, fn);
  }
  for (Page* list : abandoned_[1]) {
    for (Page* p = list; p != nullptr; p = p->next) VisitPage(p, true, false, fn);
  }
#endif
}

void Allocator::ForEachObject(absl::FunctionRef<void(ObjectHeader*)> fn) {
#if defined(FTRT_SYSTEM_ALLOC)
  SanVisit(/*tracked_only=*/false, fn);
#else
  LeafLock lock(mu_);
  for (ThreadHeap* heap = heaps_; heap != nullptr; heap = heap->next_) {
    for (auto& per_gc : heap->queues_) {
      for (PageQueue& q : per_gc) {
        for (Page* p = q.first; p != nullptr; p = p->next) VisitPage(p, false, false, fn);
      }
    }
    for (PageQueue& q : heap->jumbo_) {
      for (Page* p = q.first; p != nullptr; p = p->next) VisitPage(p, false, false, fn);
    }
  }
  for (auto& per_gc : abandoned_) {
    for (Page* list : per_gc) {
      for (Page* p = list; p != nullptr; p = p->next) VisitPage(p, false, false, fn);
    }
  }
#endif
}

void Allocator::ForEachOwnedObject(ThreadHeap* heap,
                                   absl::FunctionRef<void(ObjectHeader*)> fn) {
#if defined(FTRT_SYSTEM_ALLOC)
  // The visitor may free the object it is given, which locks the heap: so
  // the lock is dropped around each call, and a cursor node kept in the
  // list marks where to resume (frees of neighbours relink around it).
  SanPrefix cursor;
  cursor.heap.store(nullptr, std::memory_order_relaxed);
  cursor.size = 0;
  cursor.magic = 0;
  heap->mu_.LockNoDetach();
  SanPrefix* n = heap->list_.next;
  while (n != &heap->list_) {
    if (n->heap.load(std::memory_order_relaxed) == nullptr) {  // someone's cursor
      n = n->next;
      continue;
    }
    cursor.prev = n;
    cursor.next = n->next;
    n->next->prev = &cursor;
    n->next = &cursor;
    heap->mu_.Unlock();
    fn(n->object());
    heap->mu_.LockNoDetach();
    n = cursor.next;
    cursor.prev->next = cursor.next;
    cursor.next->prev = cursor.prev;
  }
  heap->mu_.Unlock();
#else
  // Pages stay where they are while the visitor frees (a small block goes
  // back on its page's free list; a jumbo page is unlinked, so take `next`
  // first).
  for (int gc = 0; gc < 2; gc++) {
    for (PageQueue& q : heap->queues_[gc]) {
      for (Page* p = q.first; p != nullptr;) {
        Page* next = p->next;
        VisitPage(p, false, true, fn);
        p = next;
      }
    }
    for (Page* p = heap->jumbo_[gc].first; p != nullptr;) {
      Page* next = p->next;
      VisitPage(p, false, true, fn);
      p = next;
    }
  }
#endif
}

void Allocator::Collect(ThreadHeap* heap) {
  qsbr_.DrainOrphans();
#if defined(FTRT_SYSTEM_ALLOC)
  if (heap != nullptr) SanPoll(heap);
  SanDrainOrphans();
#else
  if (heap != nullptr) CollectHeapPages(heap, /*retire_all_empty=*/true);
  LeafLock lock(mu_);
  ReclaimAbandonedLocked(SIZE_MAX);
  ReclaimRetiredLocked();
#endif
}

Stats Allocator::GetStats() const {
  Stats s;
  uint64_t allocs = Load(retired_allocs_), frees = Load(retired_frees_);
  uint64_t alloc_bytes = Load(retired_alloc_bytes_), free_bytes = Load(retired_free_bytes_);
  uint64_t delayed = 0, delayed_bytes = 0;
  {
    LeafLock lock(mu_);
#if !defined(FTRT_SYSTEM_ALLOC)
    const PageCounts pc = SumPageCountsLocked();
    allocs += pc.allocs;
    frees += pc.frees;
    alloc_bytes += pc.alloc_bytes;
    free_bytes += pc.free_bytes;
#endif
    for (ThreadHeap* h = heaps_; h != nullptr; h = h->next_) {
      allocs += Load(h->allocs_);
      frees += Load(h->frees_);
      alloc_bytes += Load(h->alloc_bytes_);
      free_bytes += Load(h->free_bytes_);
      delayed += h->delayed_.count.load(std::memory_order_relaxed);
      delayed_bytes += h->delayed_.bytes.load(std::memory_order_relaxed);
    }
    s.thread_heaps = live_heaps_;
  }
  {
    LeafLock lock(orphan_delay_mu_);
    delayed += orphan_delayed_.count.load(std::memory_order_relaxed);
    delayed_bytes += orphan_delayed_.bytes.load(std::memory_order_relaxed);
  }
  s.objects_allocated = allocs;
  s.objects_freed = frees;
  s.live_objects = allocs > frees ? allocs - frees : 0;
  s.live_bytes = alloc_bytes > free_bytes ? alloc_bytes - free_bytes : 0;
  s.delayed_frees_pending = delayed + qsbr_.PendingCount();
  s.delayed_bytes_pending = delayed_bytes + qsbr_.PendingBytes();
  s.allocations_failed = faults_.failures();
  s.pages_in_use = Load(pages_in_use_);
  s.pages_abandoned = Load(pages_abandoned_);
  s.pages_retired = Load(pages_retired_);
  s.page_bytes_in_use = Load(page_bytes_in_use_);
  s.os_bytes = Load(os_bytes_);
  return s;
}

void Allocator::FoldCounters(ThreadHeap* heap) {
  retired_allocs_.fetch_add(Load(heap->allocs_), std::memory_order_relaxed);
  retired_frees_.fetch_add(Load(heap->frees_), std::memory_order_relaxed);
  retired_alloc_bytes_.fetch_add(Load(heap->alloc_bytes_), std::memory_order_relaxed);
  retired_free_bytes_.fetch_add(Load(heap->free_bytes_), std::memory_order_relaxed);
}

#if !defined(FTRT_SYSTEM_ALLOC)
// ---------------------------------------------------------------------------
// Release mode: the page arena.

Allocator::Allocator() = default;

Allocator::~Allocator() {
  while (true) {
    ThreadHeap* h;
    {
      LeafLock lock(mu_);
      h = heaps_;
    }
    if (h == nullptr) break;
    ReleaseThreadHeap(h);
  }
  LeafLock lock(mu_);
  for (auto& per_gc : abandoned_) {
    for (Page*& list : per_gc) {
      for (Page* p = list; p != nullptr;) {
        Page* next = p->next;
        std::free(p->unowned.load(std::memory_order_relaxed));
        if (p->kind == PageKind::kJumbo) FreeJumboMemory(p);
        p = next;
      }
      list = nullptr;
    }
  }
  for (Page* p = retired_head_; p != nullptr;) {
    Page* next = p->next;
    if (p->kind == PageKind::kJumbo) FreeJumboMemory(p);
    p = next;
  }
  for (ChunkRecord* c = chunks_; c != nullptr;) {
    ChunkRecord* next = c->next;
    mi_free(c->base);
    std::free(c);
    c = next;
  }
  chunks_ = nullptr;
}

namespace {

// Moves the blocks other threads freed into the page's free list.
// thread_free is a tagged pointer (ThreadFreePush): one exchange yields the
// list and its length. When the page's own free list is empty (the common
// case: FindPage refills a page that ran dry) the list becomes the free
// list as it is, with no walk over it: the walk cost one cache miss per
// block, in series, each block last written by the freeing thread on the
// other core (a fifth of a 2-thread cross-free benchmark's time was that
// walk). Adopted pages still walk, to clear each block's unowned mark.
inline void CollectThreadFree(Page* p) {
  if (p->thread_free.load(std::memory_order_relaxed) == nullptr) return;
  const uintptr_t tagged =
      reinterpret_cast<uintptr_t>(p->thread_free.exchange(nullptr, std::memory_order_acquire));
  if (tagged == 0) return;
  FreeBlock* list = ThreadFreeHead(tagged);
  const uint32_t n = ThreadFreeCount(tagged);
  const bool adopted = p->unowned.load(std::memory_order_relaxed) != nullptr;
  if (p->free != nullptr || adopted) {
    FreeBlock* tail = list;
    [[maybe_unused]] uint32_t walked = 1;
    if (adopted) p->ClearUnowned(p->IndexOf(tail));
    while (tail->next != nullptr) {
      tail = tail->next;
      walked++;
      if (adopted) p->ClearUnowned(p->IndexOf(tail));
    }
    FTRT_DCHECK(walked == n, "page %p: thread_free holds %u blocks, its tag says %u",
                static_cast<void*>(p), walked, n);
    std::atomic_ref<FreeBlock*>(tail->next).store(p->free, std::memory_order_relaxed);
  }
  p->free = list;
  FTRT_DCHECK(n >= 1 && p->Used() >= n, "page %p: more frees than allocations",
              static_cast<void*>(p));
  p->collected += n;
}

// Carves the next blocks of the page into its free list, in carve order
// (Page::CarveIndex: from the block after the record, wrapping round).
inline void Carve(Page* p) {
  uint32_t per_step = std::max<uint32_t>(1, internal::kCarveBytes / p->block_size);
  uint32_t end = std::min(p->Usable(), p->reserved + per_step);
  FreeBlock* next = p->free;
  for (uint32_t l = end; l-- > p->reserved;) {
    ObjectHeader* h = p->block(p->CarveIndex(l));
    std::atomic_ref<uint16_t>(h->ob_flags).store(FTRT_OBJ_FLAG_FREED, std::memory_order_relaxed);
    auto* b = reinterpret_cast<FreeBlock*>(h);
    std::atomic_ref<FreeBlock*>(b->next).store(next, std::memory_order_relaxed);
    next = b;
  }
  p->free = next;
  p->reserved = end;
}

inline bool HasRoom(const Page* p) { return p->free != nullptr || p->reserved < p->Usable(); }

inline void Unlink(PageQueue& q, Page* p) {
  if (p->prev != nullptr) {
    p->prev->next = p->next;
  } else {
    q.first = p->next;
  }
  if (p->next != nullptr) p->next->prev = p->prev;
  p->next = p->prev = nullptr;
  q.pages--;
}

inline void PushFront(PageQueue& q, Page* p) {
  p->prev = nullptr;
  p->next = q.first;
  if (q.first != nullptr) q.first->prev = p;
  q.first = p;
  q.pages++;
}

// How many blocks a scan of the queue may be amortized over: a full scan
// happens at most once per kScanFactor blocks handed out per page.
constexpr uint32_t kScanFactor = 16;

}  // namespace

Page* Allocator::FindPage(ThreadHeap* heap, PageQueue& q, size_t cls, bool gc) {
  Page* cur = q.current;
  if (cur != &heap->empty_page_) {
    CollectThreadFree(cur);
    if (cur->free == nullptr && cur->reserved < cur->Usable()) Carve(cur);
    if (cur->free != nullptr) return cur;
    // The next few pages after it are cheap to try.
    int tries = 0;
    for (Page* p = cur->next; p != nullptr && tries < 4; p = p->next, tries++) {
      CollectThreadFree(p);
      if (HasRoom(p)) {
        if (p->free == nullptr) Carve(p);
        q.current = p;
        q.allocs_since_scan += p->capacity - p->Used();
        return p;
      }
    }
  }
  // A full scan, when it is paid for: collects every page's remote frees,
  // picks the first page with room, retires surplus empty pages.
  if (q.pages > 0 && q.allocs_since_scan >= q.pages * kScanFactor) {
    q.allocs_since_scan = 0;
    Page* found = nullptr;
    Page* retire = nullptr;
    bool kept_empty = false;
    for (Page* p = q.first; p != nullptr;) {
      Page* next = p->next;
      CollectThreadFree(p);
      if (p->Used() == 0) {
        if (kept_empty && p != found) {
          Unlink(q, p);
          p->next = retire;
          retire = p;
          p = next;
          continue;
        }
        kept_empty = true;
      }
      if (found == nullptr && HasRoom(p)) found = p;
      p = next;
    }
    if (retire != nullptr) RetirePages(retire);
    if (found != nullptr) {
      if (found->free == nullptr) Carve(found);
      q.current = found;
      q.allocs_since_scan += found->capacity - found->Used();
      return found;
    }
  }
  Page* p = NewSmallPage(heap, cls, gc);
  if (p == nullptr) return nullptr;
  PushFront(q, p);
  q.current = p;
  q.allocs_since_scan += p->capacity;
  return p;
}

Page* Allocator::NewSmallPage(ThreadHeap* heap, size_t cls, bool gc) {
  Page* p = nullptr;
  {
    LeafLock lock(mu_);
    if (abandoned_[gc][cls] != nullptr) {
      bool fresh = false;
      p = AdoptLocked(heap, cls, gc, &fresh);
      if (p != nullptr) {
        pages_in_use_.fetch_add(1, std::memory_order_relaxed);
        page_bytes_in_use_.fetch_add(internal::kPageSize, std::memory_order_relaxed);
        p->next = p->prev = nullptr;
        p->owner_tid.store(heap->owner_tid_.load(std::memory_order_relaxed),
                           std::memory_order_release);
        p->heap.store(heap, std::memory_order_release);
        if (p->free == nullptr) Carve(p);
        return p;
      }
    }
    if (retired_head_ != nullptr) ReclaimRetiredLocked();
    ReclaimAbandonedLocked(8);
    if (free_pages_ != nullptr) {
      p = free_pages_;
      free_pages_ = p->next;
      // Its counts (a finished history: allocated == freed) move to the
      // allocator's totals before the page gets its new class.
      FoldPageCountsLocked(p);
    } else {
      if (carve_chunk_ == nullptr || carve_next_ == internal::kPagesPerChunk) {
        auto* rec = static_cast<ChunkRecord*>(std::malloc(sizeof(ChunkRecord)));
        void* base = rec == nullptr ? nullptr : mi_malloc_aligned(internal::kChunkSize, internal::kPageSize);
        if (base == nullptr) {
          std::free(rec);
          return nullptr;
        }
        rec->base = base;
        rec->next = chunks_;
        chunks_ = rec;
        carve_chunk_ = static_cast<uint8_t*>(base);
        carve_next_ = 0;
        os_bytes_.fetch_add(internal::kChunkSize, std::memory_order_relaxed);
      }
      p = internal::PageOf(carve_chunk_ + carve_next_ * internal::kPageSize);
      carve_next_++;
      new (p) Page();
    }
    // Under the lock: GetStats reads block_size with the counts.
    p->block_size = static_cast<uint32_t>(internal::ClassBlockSize(cls));
  }
  size_t bs = p->block_size;
  p->capacity = static_cast<uint32_t>(internal::kPageSize / bs);
  p->first_block = reinterpret_cast<uint8_t*>(internal::PageBase(p));
  size_t record = reinterpret_cast<uint8_t*>(p) - p->first_block;
  p->skip_lo = static_cast<uint32_t>(record / bs);
  p->skip_hi = static_cast<uint32_t>((record + internal::kPageHeaderSize + bs - 1) / bs);
  p->kind = PageKind::kSmall;
  p->gc = gc ? 1 : 0;
  p->size_class = static_cast<uint8_t>(cls);
  p->jumbo_span = 0;
  p->free = nullptr;
  p->reserved = 0;
  p->next = p->prev = nullptr;
  p->retire_goal = 0;
  p->thread_free.store(nullptr, std::memory_order_relaxed);
  p->owner_tid.store(heap->owner_tid_.load(std::memory_order_relaxed), std::memory_order_release);
  p->heap.store(heap, std::memory_order_release);
  Carve(p);
  pages_in_use_.fetch_add(1, std::memory_order_relaxed);
  page_bytes_in_use_.fetch_add(internal::kPageSize, std::memory_order_relaxed);
  return p;
}

void* Allocator::AllocJumbo(ThreadHeap* heap, size_t size, bool gc) {
  PageQueue& q = heap->jumbo_[gc];
  // Reclaim jumbo pages other threads freed, amortized over allocations.
  if (++q.allocs_since_scan >= q.pages && q.pages > 0) {
    q.allocs_since_scan = 0;
    Page* retire = nullptr;
    for (Page* p = q.first; p != nullptr;) {
      Page* next = p->next;
      if (p->thread_free.load(std::memory_order_acquire) != nullptr) {
        Unlink(q, p);
        p->SetEmpty();
        p->next = retire;
        retire = p;
      }
      p = next;
    }
    if (retire != nullptr) RetirePages(retire);
  }
  // Room for the record at any colour, the record, then the object.
  size_t block = BlockSizeFor(size);
  size_t span = internal::kRecordColours * internal::kRecordColourStride +
                internal::kPageHeaderSize + block;
  if (span > UINT32_MAX) return nullptr;
  void* base = mi_zalloc_aligned(span, internal::kPageSize);
  if (base == nullptr) return nullptr;
  Page* p = new (internal::PageOf(base)) Page();
  p->block_size = static_cast<uint32_t>(block);
  p->first_block = reinterpret_cast<uint8_t*>(p) + internal::kPageHeaderSize;
  p->skip_lo = p->skip_hi = 0;
  p->capacity = 1;
  p->kind = PageKind::kJumbo;
  p->gc = gc ? 1 : 0;
  p->jumbo_span = static_cast<uint32_t>(span);
  p->free = nullptr;
  p->allocated.store(1, std::memory_order_relaxed);
  p->reserved = 1;
  p->thread_free.store(nullptr, std::memory_order_relaxed);
  p->owner_tid.store(heap->owner_tid_.load(std::memory_order_relaxed), std::memory_order_release);
  p->heap.store(heap, std::memory_order_release);
  PushFront(q, p);
  pages_in_use_.fetch_add(1, std::memory_order_relaxed);
  page_bytes_in_use_.fetch_add(span, std::memory_order_relaxed);
  os_bytes_.fetch_add(span, std::memory_order_relaxed);
  heap->Bump(heap->allocs_, 1);
  heap->Bump(heap->alloc_bytes_, p->block_size);
  // The memory is zeroed already: initialise the header only.
  InitHeader(p->first_block, heap->owner_tid_.load(std::memory_order_relaxed), gc,
             sizeof(ObjectHeader));
  return p->first_block;
}

void Allocator::FreeJumboMemory(Page* page) {
  os_bytes_.fetch_sub(page->jumbo_span, std::memory_order_relaxed);
  mi_free(reinterpret_cast<void*>(internal::PageBase(page)));
}

void Allocator::RetirePages(Page* list) {
  if (list == nullptr) return;
  // Blocks of these pages may still be read by lock-free readers as object
  // headers: the pages change size class or go back to mimalloc only after
  // a grace period from now.
  uint64_t goal = qsbr_.Advance();
  LeafLock lock(mu_);
  while (list != nullptr) {
    Page* p = list;
    list = p->next;
    RetireOneLocked(p, goal);
  }
}

void Allocator::RetireOneLocked(Page* p, uint64_t goal) {
  p->heap.store(nullptr, std::memory_order_release);
  p->owner_tid.store(0, std::memory_order_release);
  // The page is empty: no live object's OwnerOf reads the marks any more.
  std::free(p->unowned.exchange(nullptr, std::memory_order_relaxed));
  p->retire_goal = goal;
  p->next = nullptr;
  p->prev = retired_tail_;
  if (retired_tail_ != nullptr) {
    retired_tail_->next = p;
  } else {
    retired_head_ = p;
  }
  retired_tail_ = p;
  pages_retired_.fetch_add(1, std::memory_order_relaxed);
  pages_in_use_.fetch_sub(1, std::memory_order_relaxed);
  page_bytes_in_use_.fetch_sub(
      p->kind == PageKind::kJumbo ? p->jumbo_span : internal::kPageSize,
      std::memory_order_relaxed);
}

void Allocator::ReclaimRetiredLocked() {
  while (retired_head_ != nullptr && qsbr_.GoalReached(retired_head_->retire_goal)) {
    Page* p = retired_head_;
    retired_head_ = p->next;
    if (retired_head_ == nullptr) {
      retired_tail_ = nullptr;
    } else {
      retired_head_->prev = nullptr;
    }
    pages_retired_.fetch_sub(1, std::memory_order_relaxed);
    if (p->kind == PageKind::kJumbo) {
      FreeJumboMemory(p);
    } else {
      p->kind = PageKind::kFree;
      p->next = free_pages_;
      free_pages_ = p;
    }
  }
}

void Allocator::FoldPageCountsLocked(Page* p) {
  folded_.Add(p);
  p->ResetCounts();
}

Allocator::PageCounts Allocator::SumPageCountsLocked() const {
  PageCounts c = folded_;
  // Every small page sits in a chunk, whatever list it is on (a heap's
  // queue, abandoned, retired, pooled): walk the chunks rather than the
  // lists, which their owners change without this lock. Chunk memory is
  // only given back in ~Allocator.
  for (const ChunkRecord* rec = chunks_; rec != nullptr; rec = rec->next) {
    auto* base = static_cast<uint8_t*>(rec->base);
    size_t pages = base == carve_chunk_ ? carve_next_ : internal::kPagesPerChunk;
    for (size_t i = 0; i < pages; i++) {
      c.Add(internal::PageOf(base + i * internal::kPageSize));
    }
  }
  return c;
}

Page*& Allocator::AbandonedList(Page* p) {
  return abandoned_[p->gc][p->kind == PageKind::kJumbo ? internal::kNumClasses : p->size_class];
}

void Allocator::UnlinkAbandonedLocked(Page* p) {
  if (p->prev != nullptr) {
    p->prev->next = p->next;
  } else {
    AbandonedList(p) = p->next;
  }
  if (p->next != nullptr) p->next->prev = p->prev;
  p->next = p->prev = nullptr;
  pages_abandoned_.fetch_sub(1, std::memory_order_relaxed);
}

Page* Allocator::AdoptLocked(ThreadHeap* heap, size_t cls, bool gc, bool* fresh) {
  (void)heap;
  Page*& list = abandoned_[gc][cls];
  for (int tries = 0; tries < 4 && list != nullptr; tries++) {
    Page* p = list;
    CollectThreadFree(p);
    if (p->Used() == 0) {
      // Empty: the page goes on as this class's page, as it is (its blocks
      // held objects of this class only; no grace period needed).
      UnlinkAbandonedLocked(p);
      std::free(p->unowned.exchange(nullptr, std::memory_order_relaxed));
      p->StoreKind(PageKind::kSmall);
      *fresh = true;
      return p;
    }
    if (HasRoom(p)) {
      // Mark the previous owner's live objects, then take the page over.
      size_t words = (p->capacity + 63) / 64;
      uint64_t* bm = p->unowned.load(std::memory_order_relaxed);
      if (bm == nullptr) bm = static_cast<uint64_t*>(std::calloc(words, sizeof(uint64_t)));
      if (bm == nullptr) return nullptr;  // not adopting is always fine
      for (size_t w = 0; w < words; w++) {
        std::atomic_ref<uint64_t>(bm[w]).store(0, std::memory_order_relaxed);
      }
      p->ForEachCarvedIndex([&](uint32_t i) {
        if (IsFreed(p->block(i))) return;
        std::atomic_ref<uint64_t> word(bm[i / 64]);
        word.store(word.load(std::memory_order_relaxed) | (uint64_t{1} << (i % 64)),
                   std::memory_order_relaxed);
      });
      UnlinkAbandonedLocked(p);
      p->unowned.store(bm, std::memory_order_release);  // before owner_tid
      p->StoreKind(PageKind::kAdopted);
      *fresh = false;
      return p;
    }
    // Full: rotate it to the back and try the next one.
    if (p->next != nullptr) {
      list = p->next;
      list->prev = nullptr;
      Page* last = list;
      while (last->next != nullptr) last = last->next;
      last->next = p;
      p->prev = last;
      p->next = nullptr;
    } else {
      break;
    }
  }
  return nullptr;
}

void Allocator::ReclaimAbandonedLocked(size_t budget) {
  // Empty abandoned pages are retired: round-robin over the lists from
  // where the last call stopped, at most `budget` pages.
  uint64_t goal = 0;
  constexpr size_t kLists = 2 * (internal::kNumClasses + 1);
  size_t visited = 0;
  for (size_t n = 0; n < kLists && visited < budget; n++) {
    size_t idx = (reclaim_cursor_ + n) % kLists;
    Page*& list = abandoned_[idx / (internal::kNumClasses + 1)][idx % (internal::kNumClasses + 1)];
    for (Page* p = list; p != nullptr && visited < budget; visited++) {
      Page* next = p->next;
      CollectThreadFree(p);
      if (p->kind == PageKind::kJumbo && p->free != nullptr) p->SetEmpty();
      if (p->Used() == 0) {
        UnlinkAbandonedLocked(p);
        pages_in_use_.fetch_add(1, std::memory_order_relaxed);  // RetireOneLocked subtracts
        page_bytes_in_use_.fetch_add(
            p->kind == PageKind::kJumbo ? p->jumbo_span : internal::kPageSize,
            std::memory_order_relaxed);
        if (goal == 0) goal = qsbr_.Advance();
        RetireOneLocked(p, goal);
      }
      p = next;
    }
    if (visited >= budget) {
      reclaim_cursor_ = idx;
      return;
    }
  }
  reclaim_cursor_ = (reclaim_cursor_ + 1) % kLists;
}

void Allocator::CollectHeapPages(ThreadHeap* heap, bool retire_all_empty) {
  Page* retire = nullptr;
  for (auto& per_gc : heap->queues_) {
    for (PageQueue& q : per_gc) {
      Page* found = nullptr;
      for (Page* p = q.first; p != nullptr;) {
        Page* next = p->next;
        CollectThreadFree(p);
        if (p->Used() == 0 && retire_all_empty) {
          Unlink(q, p);
          p->next = retire;
          retire = p;
        } else if (found == nullptr && HasRoom(p)) {
          found = p;
        }
        p = next;
      }
      q.current = found != nullptr ? found : &heap->empty_page_;
      if (found != nullptr && found->free == nullptr) Carve(found);
      q.allocs_since_scan = 0;
    }
  }
  for (PageQueue& q : heap->jumbo_) {
    for (Page* p = q.first; p != nullptr;) {
      Page* next = p->next;
      if (p->thread_free.load(std::memory_order_acquire) != nullptr) {
        Unlink(q, p);
        p->SetEmpty();
        p->next = retire;
        retire = p;
      }
      p = next;
    }
  }
  RetirePages(retire);
}

void Allocator::DisposePageLocked(Page* p, uint64_t& goal) {
  CollectThreadFree(p);
  if (p->kind == PageKind::kJumbo && p->free != nullptr) p->SetEmpty();
  if (p->Used() == 0) {
    if (goal == 0) goal = qsbr_.Advance();
    RetireOneLocked(p, goal);
    return;
  }
  // Abandon: stays visitable, its objects freeable; unowned from now on.
  p->heap.store(nullptr, std::memory_order_release);
  p->owner_tid.store(0, std::memory_order_release);
  Page*& list = AbandonedList(p);
  p->prev = nullptr;
  p->next = list;
  if (list != nullptr) list->prev = p;
  list = p;
  pages_abandoned_.fetch_add(1, std::memory_order_relaxed);
  pages_in_use_.fetch_sub(1, std::memory_order_relaxed);
  page_bytes_in_use_.fetch_sub(p->kind == PageKind::kJumbo ? p->jumbo_span : internal::kPageSize,
                               std::memory_order_relaxed);
}

void Allocator::ReleaseThreadHeap(ThreadHeap* heap) {
  // All under the lock: a stop-the-world visitor (which holds it) must not
  // see the pages half moved. Thread exit is not a hot path.
  uint64_t goal = 0;
  LeafLock lock(mu_);

  for (auto& per_gc : heap->queues_) {
    for (PageQueue& q : per_gc) {
      for (Page* p = q.first; p != nullptr;) {
        Page* next = p->next;
        DisposePageLocked(p, goal);
        p = next;
      }
      q.first = nullptr;
      q.pages = 0;
      q.current = &heap->empty_page_;
    }
  }
  for (PageQueue& q : heap->jumbo_) {
    for (Page* p = q.first; p != nullptr;) {
      Page* next = p->next;
      DisposePageLocked(p, goal);
      p = next;
    }
    q.first = nullptr;
    q.pages = 0;
  }
  heap->owner_tid_.store(0, std::memory_order_release);
  if (heap->prev_ != nullptr) {
    heap->prev_->next_ = heap->next_;
  } else {
    heaps_ = heap->next_;
  }
  if (heap->next_ != nullptr) heap->next_->prev_ = heap->prev_;
  live_heaps_--;
  FoldCounters(heap);
  delete heap;
}

void Allocator::VisitPage(Page* page, bool tracked_only, bool owned_only,
                          absl::FunctionRef<void(ObjectHeader*)> fn) {
  page->ForEachCarvedIndex([&](uint32_t i) {
    ObjectHeader* h = page->block(i);
    if (IsFreed(h)) return;
    if (tracked_only && !IsTracked(h)) return;
    if (owned_only && page->IsUnowned(i)) return;
    fn(h);
  });
}

#else  // FTRT_SYSTEM_ALLOC
// ---------------------------------------------------------------------------
// Sanitizer mode: one malloc block per object.

Allocator::Allocator() { orphan_heap_ = new ThreadHeap(this, 0); }

Allocator::~Allocator() {
  while (true) {
    ThreadHeap* h;
    {
      LeafLock lock(mu_);
      h = heaps_;
    }
    if (h == nullptr) break;
    ReleaseThreadHeap(h);
  }
  // No reader remains: everything goes back to the system now.
  {
    LeafLock lock(orphan_heap_->mu_);
    for (SanPrefix* n = orphan_heap_->list_.next; n != &orphan_heap_->list_;) {
      SanPrefix* next = n->next;
      std::free(n);
      n = next;
    }
    orphan_heap_->list_.next = orphan_heap_->list_.prev = &orphan_heap_->list_;
  }
  {
    LeafLock lock(orphan_delay_mu_);
    for (SanPrefix* n = orphan_delayed_.head; n != nullptr;) {
      SanPrefix* next = n->next;
      std::free(n);
      n = next;
    }
    orphan_delayed_.head = orphan_delayed_.tail = nullptr;
  }
  delete orphan_heap_;
  LeafLock lock(mu_);
  while (free_heaps_ != nullptr) {
    ThreadHeap* h = free_heaps_;
    free_heaps_ = h->next_;
    delete h;
  }
}

void* Allocator::SanAlloc(ThreadHeap* heap, size_t size, bool gc) {
  size = std::max(size, internal::kMinObjectSize);
  void* mem = size > UINT32_MAX - sizeof(SanPrefix) ? nullptr : std::calloc(1, sizeof(SanPrefix) + size);
  if (mem == nullptr) {
    faults_.CountRealFailure();
    return nullptr;
  }
  auto* pre = new (mem) SanPrefix();
  pre->size = static_cast<uint32_t>(size);
  pre->magic = internal::kSanMagicLive;
  InitHeader(pre->object(), heap->owner_tid_.load(std::memory_order_relaxed), gc,
             sizeof(ObjectHeader));
  {
    LeafLock lock(heap->mu_);
    pre->heap.store(heap, std::memory_order_relaxed);
    pre->prev = &heap->list_;
    pre->next = heap->list_.next;
    heap->list_.next->prev = pre;
    heap->list_.next = pre;
  }
  heap->Bump(heap->allocs_, 1);
  heap->Bump(heap->alloc_bytes_, sizeof(SanPrefix) + size);
  return pre->object();
}

void Allocator::SanFree(ThreadHeap* current, void* obj) {
  SanPrefix* pre = SanPrefix::Of(obj);
  FTRT_CHECK(pre->magic == internal::kSanMagicLive,
             "free of object %p: not a live object (double free?)", obj);
  // Unlink from the heap it is on; it may be moving to the orphan heap.
  for (;;) {
    ThreadHeap* h = pre->heap.load(std::memory_order_acquire);
    h->mu_.LockNoDetach();
    if (pre->heap.load(std::memory_order_relaxed) == h) {
      pre->prev->next = pre->next;
      pre->next->prev = pre->prev;
      h->mu_.Unlock();
      break;
    }
    h->mu_.Unlock();
  }
  pre->magic = internal::kSanMagicFreed;
  MarkFreed(pre->object());
  size_t bytes = sizeof(SanPrefix) + pre->size;
  pre->next = nullptr;
  if (current != nullptr) {
    current->Bump(current->frees_, 1);
    current->Bump(current->free_bytes_, bytes);
    internal::SanDelayList& d = current->delayed_;
    if (d.tail != nullptr) {
      d.tail->next = pre;
    } else {
      d.head = pre;
    }
    d.tail = pre;
    if (d.first_unassigned == nullptr) d.first_unassigned = pre;
    pre->set_goal(0);
    d.count.store(d.count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    d.bytes.store(d.bytes.load(std::memory_order_relaxed) + bytes, std::memory_order_relaxed);
    if (++current->frees_since_poll_ >= 32 ||
        d.bytes.load(std::memory_order_relaxed) > Qsbr::kDelayedLimitBytes) {
      SanPoll(current);
    }
  } else {
    retired_frees_.fetch_add(1, std::memory_order_relaxed);
    retired_free_bytes_.fetch_add(bytes, std::memory_order_relaxed);
    pre->set_goal(qsbr_.Advance());
    LeafLock lock(orphan_delay_mu_);
    SanAppendAssigned(orphan_delayed_, pre, bytes);
    has_orphan_delayed_.store(true, std::memory_order_relaxed);
  }
}

void Allocator::SanAppendAssigned(internal::SanDelayList& d, SanPrefix* pre, size_t bytes) {
  pre->next = nullptr;
  if (d.tail != nullptr) {
    d.tail->next = pre;
  } else {
    d.head = pre;
  }
  d.tail = pre;
  d.count.store(d.count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  d.bytes.store(d.bytes.load(std::memory_order_relaxed) + bytes, std::memory_order_relaxed);
}

// Frees the entries at the head of `d` whose goal has been reached.
size_t Allocator::SanFreeReady(internal::SanDelayList& d) {
  size_t freed = 0;
  while (d.head != nullptr && d.head != d.first_unassigned &&
         qsbr_.GoalReached(d.head->goal())) {
    SanPrefix* pre = d.head;
    d.head = pre->next;
    if (d.head == nullptr) d.tail = nullptr;
    d.count.store(d.count.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    d.bytes.store(d.bytes.load(std::memory_order_relaxed) - sizeof(SanPrefix) - pre->size,
                  std::memory_order_relaxed);
    std::free(pre);
    freed++;
  }
  return freed;
}

void Allocator::SanPoll(ThreadHeap* heap) {
  heap->frees_since_poll_ = 0;
  internal::SanDelayList& d = heap->delayed_;
  if (d.first_unassigned != nullptr) {
    uint64_t goal = qsbr_.Advance();
    for (SanPrefix* p = d.first_unassigned; p != nullptr; p = p->next) p->set_goal(goal);
    d.first_unassigned = nullptr;
  }
  SanFreeReady(d);
  if (has_orphan_delayed_.load(std::memory_order_relaxed)) {
    if (orphan_delay_mu_.TryLock()) {
      SanFreeReady(orphan_delayed_);
      has_orphan_delayed_.store(orphan_delayed_.head != nullptr, std::memory_order_relaxed);
      orphan_delay_mu_.Unlock();
    }
  }
}

void Allocator::SanDrainOrphans() {
  if (!has_orphan_delayed_.load(std::memory_order_relaxed)) return;
  LeafLock lock(orphan_delay_mu_);
  SanFreeReady(orphan_delayed_);
  has_orphan_delayed_.store(orphan_delayed_.head != nullptr, std::memory_order_relaxed);
}

void Allocator::SanVisit(bool tracked_only, absl::FunctionRef<void(ObjectHeader*)> fn) {
  LeafLock lock(mu_);
  auto visit_heap = [&](ThreadHeap* h) {
    LeafLock heap_lock(h->mu_);
    for (SanPrefix* n = h->list_.next; n != &h->list_; n = n->next) {
      if (n->heap.load(std::memory_order_relaxed) == nullptr) continue;  // a cursor
      ObjectHeader* obj = n->object();
      if (tracked_only && !IsTracked(obj)) continue;
      fn(obj);
    }
  };
  for (ThreadHeap* h = heaps_; h != nullptr; h = h->next_) visit_heap(h);
  visit_heap(orphan_heap_);
}

uintptr_t Allocator::SanOwnerOf(const void* obj) const {
  SanPrefix* pre = SanPrefix::Of(obj);
  for (;;) {
    ThreadHeap* h = pre->heap.load(std::memory_order_acquire);
    uintptr_t tid = h->owner_tid_.load(std::memory_order_acquire);
    // An object moves heaps once at most (to the orphan heap, at its
    // owner's release); if it did not move meanwhile, tid was its owner.
    if (pre->heap.load(std::memory_order_acquire) == h) return tid;
  }
}

// ForEachTrackedObjectShared's sanitizer mode: the units are the heaps.
bool Allocator::SanForEachTrackedShared(std::atomic<size_t>& cursor,
                                        absl::FunctionRef<bool(ObjectHeader*)> fn, size_t end) {
  // As in release mode (allocator.h): every caller enumerates the same
  // units in the same order and visits those whose index it claimed.
  size_t index = 0;
  size_t claim = cursor.fetch_add(1, std::memory_order_relaxed);
  bool go = true;
  auto unit = [&](ThreadHeap* h) {
    if (!go || claim >= end || index++ != claim) return;
    claim = cursor.fetch_add(1, std::memory_order_relaxed);
    LeafLock heap_lock(h->mu_);
    for (SanPrefix* n = h->list_.next; go && n != &h->list_; n = n->next) {
      if (n->heap.load(std::memory_order_relaxed) == nullptr) continue;  // a cursor
      ObjectHeader* obj = n->object();
      if (IsTracked(obj)) go = fn(obj);
    }
  };
  for (ThreadHeap* h = heaps_; go && h != nullptr; h = h->next_) unit(h);
  unit(orphan_heap_);
  return go;
}

void Allocator::ReleaseThreadHeap(ThreadHeap* heap) {
  heap->owner_tid_.store(0, std::memory_order_release);
  // Move the live objects to the orphan heap (owner 0).
  {
    LeafLock lock(heap->mu_);
    LeafLock orphan_lock(orphan_heap_->mu_);
    SanPrefix& from = heap->list_;
    if (from.next != &from) {
      for (SanPrefix* n = from.next; n != &from; n = n->next) {
        n->heap.store(orphan_heap_, std::memory_order_release);
      }
      SanPrefix& to = orphan_heap_->list_;
      from.prev->next = to.next;
      to.next->prev = from.prev;
      to.next = from.next;
      from.next->prev = &to;
      from.next = from.prev = &from;
    }
  }
  // Its delayed frees keep waiting, on the orphan list.
  SanPoll(heap);
  internal::SanDelayList& d = heap->delayed_;
  if (d.head != nullptr) {
    LeafLock lock(orphan_delay_mu_);
    for (SanPrefix* p = d.head; p != nullptr;) {
      SanPrefix* next = p->next;
      SanAppendAssigned(orphan_delayed_, p, sizeof(SanPrefix) + p->size);
      p = next;
    }
    has_orphan_delayed_.store(true, std::memory_order_relaxed);
  }
  d.head = d.tail = d.first_unassigned = nullptr;
  d.count.store(0, std::memory_order_relaxed);
  d.bytes.store(0, std::memory_order_relaxed);
  LeafLock lock(mu_);
  if (heap->prev_ != nullptr) {
    heap->prev_->next_ = heap->next_;
  } else {
    heaps_ = heap->next_;
  }
  if (heap->next_ != nullptr) heap->next_->prev_ = heap->prev_;
  live_heaps_--;
  FoldCounters(heap);
  // Kept for reuse, never freed before the allocator: a free racing with
  // this release may still lock its mutex.
  heap->next_ = free_heaps_;
  free_heaps_ = heap;
}

#endif  // FTRT_SYSTEM_ALLOC

}  // namespace ftrt::alloc
