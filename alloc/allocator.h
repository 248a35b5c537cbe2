// ftrt::alloc::Allocator: object and raw memory with per-thread heaps,
// object tracking for the collector, ownership records, QSBR delayed free
// and fault injection. One per Runtime; no hidden globals (a process may
// create several, tests do).
//
// What it must promise (shared/DESIGN.md, "Allocation"):
//   * per-thread heaps, separate for GC-capable objects and the rest;
//     freeing from any thread; no global lock on the allocation or free
//     path;
//   * during a stop-the-world, ForEachTrackedObject visits every live
//     tracked object of every thread, those of exited threads included, in
//     both allocator modes;
//   * an ownership record per object (OwnerOf), and the list of a heap's
//     live objects (ForEachOwnedObject) for thread exit;
//   * freed object memory stays an object header until a QSBR grace period
//     has passed (a lock-free reader doing TryIncref on an object another
//     thread just freed reads a header, never memory reused for something
//     else).
//
// THE DESIGN CHOICE, and why. mimalloc's own heap visiting cannot do it:
// Debian's mimalloc 2.0.9 abandons an exited thread's pages and its public
// API cannot visit them (CPython patches its copy for that), and under the
// sanitizers the blocks come from the system allocator, which nobody can
// visit. Per-object side tables or intrusive lists would cost 8-16 bytes an
// object and break the memory goal (tracked <= 40 bytes, untracked 32). So
// there are two implementations behind this one interface:
//
//   Release (mimalloc): our own page arena, carved from 4 MiB chunks of
//   mimalloc memory (alloc/page.h). Each 64 KiB page holds one size class
//   and starts with a Page record: the ownership record (owner thread id,
//   owning heap) and free lists; a block's liveness is the FREED bit of its
//   own header, so tracking costs nothing per object (32 bytes + ~0.2%
//   page metadata for an empty-bodied object, tracked or not). The owner
//   allocates and frees with no atomic read-modify-write at all (a pop and
//   a push on the page's free list); another thread's free is one
//   compare-exchange on the page's thread_free stack, collected by the
//   owner when it runs dry, as in mimalloc. Visiting walks the heaps' page
//   queues and the abandoned pages and checks each carved block's header.
//   At thread exit the heap's pages that still hold objects are abandoned:
//   their owner record becomes 0, they stay visitable, their objects
//   freeable from any thread. A heap that needs a page of a size class
//   adopts an abandoned one with free blocks first (a bitmap then marks the
//   previous owner's objects, whose record stays 0), so thousands of short
//   threads that each leave a few objects behind do not pin a page per
//   class each; a page is reclaimed once it empties.
//   Object pages are type-stable: their blocks only ever hold object
//   headers; a page changes size class or returns to mimalloc only after a
//   QSBR grace period. Raw memory (AllocRaw) is plain mi_malloc.
//
//   Sanitizers (FTRT_SYSTEM_ALLOC, --config=tsan/asan): every object is its
//   own malloc block (so ASan and TSan see each one), with a 32-byte prefix
//   in front of the header linking it into its heap's list (a per-heap
//   ftrt::Mutex: no global lock). At thread exit the list moves to the
//   allocator's orphan heap (owner 0). A freed object is unlinked, marked
//   FREED and queued on the freeing thread's heap; it is given back to
//   free() only after a QSBR grace period, so ASan stays quiet for correct
//   lock-free readers and reports a real use-after-free.
//
// Threading contract:
//   * A ThreadHeap is used for allocation by its owner thread only.
//     FreeObject(current, obj) may run on any thread; `current` is the
//     calling thread's own heap (or nullptr for a thread without one).
//   * ForEachObject / ForEachTrackedObject run during a stop-the-world: the
//     caller guarantees no thread allocates or frees objects meanwhile
//     (tests stop their threads by joining or pausing them). The visitor
//     must not allocate or free objects of this allocator.
//   * ForEachOwnedObject(heap) runs on the heap's owner thread (or during a
//     stop); its visitor may free the object it is given (and no other),
//     but must not allocate. An object another thread frees meanwhile may
//     still be passed to it (its memory stays a header until the caller's
//     next quiescent state).
//   * alloc/'s internal locks are leaves taken with Mutex::LockNoDetach:
//     a thread waiting for one stays attached (the holder never waits for a
//     safepoint), and the blocking hooks never run inside alloc/ except in
//     Qsbr's synchronous grace period.
//
// Failure: AllocObject and AllocRaw return nullptr on failure, real or
// injected; nothing else fails. ReleaseThreadHeap, FreeObject and
// Qsbr::FreeDelayed never allocate in a way that can fail.
#ifndef FTRT_ALLOC_ALLOCATOR_H_
#define FTRT_ALLOC_ALLOCATOR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "alloc/fault_injection.h"
#include "alloc/object_layout.h"
#include "alloc/page.h"
#include "alloc/qsbr.h"
#include "sync/config.h"
#include "sync/mutex.h"

namespace ftrt::alloc {

class Allocator;

// Allocator statistics: a snapshot (each field read relaxed; fields may be
// mutually inconsistent while other threads run; exact when quiet).
struct Stats {
  uint64_t live_objects = 0;       // allocated and not yet freed
  uint64_t live_bytes = 0;         // their block bytes (release: size class)
  uint64_t objects_allocated = 0;  // since construction
  uint64_t objects_freed = 0;      // since construction
  // Blocks waiting for a QSBR grace period: Qsbr::FreeDelayed entries, and
  // (sanitizer mode) freed objects not yet given back to free().
  uint64_t delayed_frees_pending = 0;
  uint64_t delayed_bytes_pending = 0;
  uint64_t allocations_failed = 0;  // real + injected (AllocObject, AllocRaw, QSBR queues)
  // Release mode: object pages held (in use, abandoned, retired, pooled)
  // and their bytes; chunk bytes taken from mimalloc.
  uint64_t pages_in_use = 0;
  uint64_t pages_abandoned = 0;
  uint64_t pages_retired = 0;  // waiting for a grace period
  uint64_t page_bytes_in_use = 0;
  uint64_t os_bytes = 0;  // chunk + jumbo bytes obtained from mimalloc
  uint64_t thread_heaps = 0;  // live (not released) heaps
};

namespace internal {

// Sanitizer mode: the 32 bytes in front of every object.
struct SanPrefix {
  std::atomic<ThreadHeap*> heap;  // the list it is on; nullptr for a cursor
  SanPrefix* prev;
  SanPrefix* next;  // also the link in a delay list once freed
  uint32_t size;    // requested size
  uint32_t magic;
  // Once freed (off every heap list): the QSBR goal, kept in `prev`.
  uint64_t goal() const { return reinterpret_cast<uintptr_t>(prev); }
  void set_goal(uint64_t g) { prev = reinterpret_cast<SanPrefix*>(static_cast<uintptr_t>(g)); }
  ObjectHeader* object() { return reinterpret_cast<ObjectHeader*>(this + 1); }
  static SanPrefix* Of(const void* obj) {
    return reinterpret_cast<SanPrefix*>(const_cast<void*>(obj)) - 1;
  }
};
static_assert(sizeof(SanPrefix) == 32, "prefix keeps the object 16-byte aligned");
inline constexpr uint32_t kSanMagicLive = 0xA110C8ED;
inline constexpr uint32_t kSanMagicFreed = 0xDEADB10C;

// Sanitizer mode: freed objects of one heap waiting for a grace period (an
// intrusive FIFO through SanPrefix::next; never allocates).
struct SanDelayList {
  SanPrefix* head = nullptr;
  SanPrefix* tail = nullptr;
  SanPrefix* first_unassigned = nullptr;  // entries from here on have no goal
  std::atomic<size_t> count{0};
  std::atomic<size_t> bytes{0};
};

}  // namespace internal

// A thread's heaps (GC-capable objects and the rest). Created by
// Allocator::CreateThreadHeap, used by its owner thread, released at thread
// exit. Opaque to callers except owner_tid().
class ThreadHeap {
 public:
  ThreadHeap(const ThreadHeap&) = delete;
  ThreadHeap& operator=(const ThreadHeap&) = delete;

  uintptr_t owner_tid() const { return owner_tid_.load(std::memory_order_relaxed); }
  Allocator* allocator() const { return allocator_; }

 private:
  friend class Allocator;
  ThreadHeap(Allocator* allocator, uintptr_t owner_tid);
  ~ThreadHeap();

  // Statistics counters: written by the owner only (relaxed load + store,
  // no read-modify-write), read by GetStats. Release mode counts here only
  // what takes a slow path: jumbo objects, and this thread's frees of
  // blocks in pages it does not own (remote frees, counted when they
  // happen); the small-page allocations and local frees are counted by
  // their page (internal::Page::allocated, local_freed), so the fast paths
  // touch no counter outside the page line they write anyway. Sanitizer
  // mode counts every object here.
  void Bump(std::atomic<uint64_t>& c, uint64_t by) {
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }

  Allocator* const allocator_;
  std::atomic<uintptr_t> owner_tid_;
  std::atomic<uint64_t> allocs_{0}, frees_{0}, alloc_bytes_{0}, free_bytes_{0};
  ThreadHeap* next_ = nullptr;  // the allocator's heap list (its lock)
  ThreadHeap* prev_ = nullptr;

  // --- release mode ---
  internal::PageQueue queues_[2][internal::kNumClasses];
  internal::PageQueue jumbo_[2];
  internal::Page empty_page_;  // the sentinel `current` of an empty queue

  // --- sanitizer mode ---
  Mutex mu_;
  internal::SanPrefix list_ ABSL_GUARDED_BY(mu_);  // circular, sentinel
  internal::SanDelayList delayed_;  // owner only
  uint32_t frees_since_poll_ = 0;   // owner only
};

class Allocator {
 public:
  Allocator();
  // Frees everything: live objects (of live and released heaps), delayed
  // frees, pages. Every heap should have been released; any still live is
  // released here. No other thread may use the allocator any more.
  ~Allocator();
  Allocator(const Allocator&) = delete;
  Allocator& operator=(const Allocator&) = delete;

  // --- thread heaps ---

  // A heap for the thread whose fast id (sync/thread_id.h) is owner_tid;
  // nullptr if out of memory (or injected failure).
  ThreadHeap* CreateThreadHeap(uintptr_t owner_tid);
  // At thread exit (or after it, on any thread, once the owner no longer
  // uses the heap): the heap's live objects stay valid, visitable and
  // freeable from any thread; their ownership record becomes 0. The heap
  // pointer is dead afterwards. Never fails.
  void ReleaseThreadHeap(ThreadHeap* heap);

  // --- objects ---

  // Zeroed memory of `size` bytes (size >= 32: it starts with an
  // ObjectHeader): ob_tid = the heap's owner, ob_gc_bits has
  // FTRT_GC_BIT_GC_CAPABLE iff gc_capable, all else 0. nullptr on failure.
  // On the owner thread of `heap`. The three fast paths are always inlined
  // into their callers (gcc otherwise kept an out-of-line copy of
  // AllocObject and called it).
  FTRT_ALWAYS_INLINE void* AllocObject(ThreadHeap* heap, size_t size, bool gc_capable);
  // As AllocObject, but only the 32-byte header is initialised; the rest of
  // the block is indeterminate (for callers that write every field
  // themselves; skips the zeroing, which dominates small allocations).
  FTRT_ALWAYS_INLINE void* AllocObjectUninit(ThreadHeap* heap, size_t size, bool gc_capable);
  // Frees an object from any thread. `current` is the calling thread's own
  // heap, or nullptr. The header stays readable as a header until a QSBR
  // grace period has passed (see the top of this file).
  FTRT_ALWAYS_INLINE void FreeObject(ThreadHeap* current, void* obj);

  // --- raw memory (never visited; no header) ---
  // Uninitialised memory from mimalloc (the system allocator under the
  // sanitizers), for any thread's use; nullptr on failure. To free it once
  // lock-free readers are done, pass RawFreeFn to Qsbr::FreeDelayed.
  void* AllocRaw(ThreadHeap* heap, size_t size);
  void FreeRaw(void* p);
  static void RawFreeFn(void* p);

  // --- visiting (stop-the-world only; see the threading contract) ---
  void ForEachTrackedObject(absl::FunctionRef<void(ObjectHeader*)> fn);
  // One walk over the tracked objects shared by several threads (the
  // collector's parallel passes): each calls it with the same `cursor` (0
  // at the start) and visits the pages it claims from it (sanitizer mode:
  // the heaps), so that together the calls visit exactly what one
  // ForEachTrackedObject would. A visitor returning false ends that
  // caller's walk. Takes no lock: the world must stay stopped until every
  // call has returned (nothing allocates, frees or releases a heap).
  //
  // Units from `end` on are left alone (claims stop there), so a walk can
  // cover a range of units [cursor, end). Returns false if fn ended it.
  //
  // A template (fn: any callable bool(ObjectHeader*)), so that in release
  // mode the collector's per-object work is inlined into the page loop
  // (internal::ForEachTrackedBlock) instead of costing an indirect call per
  // object; the enumeration of the pages stays the same for every caller.
  // Sanitizer mode goes out of line (SanForEachTrackedShared).
  template <typename Fn>
  bool ForEachTrackedObjectShared(std::atomic<size_t>& cursor, Fn&& fn,
                                  size_t end = SIZE_MAX) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if constexpr (kSystemAlloc) {
      return SanForEachTrackedShared(cursor, fn, end);
    } else {
      // Every caller enumerates the same units in the same order and visits
      // those whose index it claimed; claims only grow, so each caller's
      // next claim is always ahead of where its enumeration is.
      size_t index = 0;
      size_t claim = cursor.fetch_add(1, std::memory_order_relaxed);
      if (claim >= end) return true;
      // 1: go on; 0: fn ended the walk; -1: no claim left below `end`.
      auto unit = [&](internal::Page* p) FTRT_ALWAYS_INLINE_LAMBDA -> int {
        if (index++ != claim) return 1;
        claim = cursor.fetch_add(1, std::memory_order_relaxed);
        if (!internal::ForEachTrackedBlock(p, fn)) return 0;
        return claim < end ? 1 : -1;
      };
      for (ThreadHeap* heap = heaps_; heap != nullptr; heap = heap->next_) {
        for (internal::PageQueue& q : heap->queues_[1]) {
          for (internal::Page* p = q.first; p != nullptr; p = p->next) {
            if (int r = unit(p); r <= 0) return r < 0;
          }
        }
        for (internal::Page* p = heap->jumbo_[1].first; p != nullptr; p = p->next) {
          if (int r = unit(p); r <= 0) return r < 0;
        }
      }
      for (internal::Page* list : abandoned_[1]) {
        for (internal::Page* p = list; p != nullptr; p = p->next) {
          if (int r = unit(p); r <= 0) return r < 0;
        }
      }
      return true;
    }
  }
  void ForEachObject(absl::FunctionRef<void(ObjectHeader*)> fn);
  // The live objects `heap` owns (tracked or not).
  void ForEachOwnedObject(ThreadHeap* heap, absl::FunctionRef<void(ObjectHeader*)> fn);

  // The ownership record of a live object: its allocating thread's id, or
  // 0 once that thread's heap was released. Memory ordering: acquire.
  // Inline: the collector asks it of every reachable object.
  uintptr_t OwnerOf(const void* obj) const {
    if constexpr (kSystemAlloc) {
      return SanOwnerOf(obj);
    } else {
      internal::Page* p = internal::PageOf(obj);
      const uintptr_t tid = p->owner_tid.load(std::memory_order_acquire);
      // Only adopted pages have marks: the division of IndexOf only there.
      if (tid != 0 && p->unowned.load(std::memory_order_acquire) != nullptr &&
          p->IsUnowned(p->IndexOf(obj))) {
        return 0;
      }
      return tid;
    }
  }

  // OwnerOf for a run of objects that mostly share pages (the collector's
  // mark restores the owner id of every reachable object, which it meets
  // in allocation order more often than not): remembers the last page's
  // owner, so a hit costs a mask and a compare. Pages with unowned marks
  // (adopted ones) are never cached. Only while the ownership records
  // cannot change (during a stop-the-world); one per thread.
  class OwnerCache {
   public:
    explicit OwnerCache(const Allocator& a) : a_(a) {}
    FTRT_ALWAYS_INLINE uintptr_t OwnerOf(const void* obj) {
      if constexpr (kSystemAlloc) {
        return a_.OwnerOf(obj);
      } else {
        if (internal::PageBase(obj) == base_) return tid_;
        return Refill(obj);
      }
    }

   private:
    uintptr_t Refill(const void* obj) {
      internal::Page* p = internal::PageOf(obj);
      const uintptr_t tid = p->owner_tid.load(std::memory_order_acquire);
      if (p->unowned.load(std::memory_order_acquire) != nullptr) {
        base_ = 0;  // no page starts at 0
        return a_.OwnerOf(obj);
      }
      base_ = internal::PageBase(obj);
      tid_ = tid;
      return tid;
    }

    const Allocator& a_;
    uintptr_t base_ = 0;
    uintptr_t tid_ = 0;
  };

  // Gives memory back where it can: frees what passed its grace period,
  // collects other threads' frees into `heap`'s pages, retires its empty
  // pages, reclaims emptied abandoned pages. On `heap`'s owner (or null).
  void Collect(ThreadHeap* heap);

  Stats GetStats() const;

  // --- fault injection (test-only; off by default) ---
  void SetFailEveryNth(uint64_t n) { faults_.SetFailEveryNth(n); }
  void SetFailNth(uint64_t n) { faults_.SetFailNth(n); }
  void SetFailProbability(double p, uint64_t seed) { faults_.SetFailProbability(p, seed); }
  void ClearFaultInjection() { faults_.Disarm(); }
  FaultInjector& faults() { return faults_; }

  // The QSBR state shared by this allocator's threads.
  Qsbr& qsbr() { return qsbr_; }

  // The block size an object of `size` bytes occupies (release mode: its
  // size class; sanitizer mode: size + the 32-byte prefix).
  static size_t BlockSizeFor(size_t size);

 private:
  template <bool kZero>
  void* AllocObjectImpl(ThreadHeap* heap, size_t size, bool gc_capable);
  FTRT_COLD void* AllocObjectSlow(ThreadHeap* heap, size_t size, bool gc_capable);
  FTRT_NOINLINE void FreeObjectSlow(ThreadHeap* current, void* obj);

  // Release mode (allocator.cc).
  internal::Page* FindPage(ThreadHeap* heap, internal::PageQueue& q, size_t cls, bool gc);
  internal::Page* NewSmallPage(ThreadHeap* heap, size_t cls, bool gc);
  void* AllocJumbo(ThreadHeap* heap, size_t size, bool gc);
  void RetirePages(internal::Page* list);
  void RetireOneLocked(internal::Page* p, uint64_t goal) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DisposePageLocked(internal::Page* p, uint64_t& goal) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReclaimRetiredLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReclaimAbandonedLocked(size_t budget) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  internal::Page*& AbandonedList(internal::Page* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UnlinkAbandonedLocked(internal::Page* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  internal::Page* AdoptLocked(ThreadHeap* heap, size_t cls, bool gc, bool* fresh)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CollectHeapPages(ThreadHeap* heap, bool retire_all_empty);
  void FreeJumboMemory(internal::Page* page);
  // The small pages' statistics (internal::Page::allocated, local_freed).
  struct PageCounts {
    uint64_t allocs = 0, frees = 0, alloc_bytes = 0, free_bytes = 0;
    void Add(const internal::Page* p) {
      const uint64_t a = p->allocated.load(std::memory_order_relaxed);
      const uint64_t f = p->local_freed.load(std::memory_order_relaxed);
      allocs += a;
      frees += f;
      alloc_bytes += a * p->block_size;
      free_bytes += f * p->block_size;
    }
  };
  void FoldPageCountsLocked(internal::Page* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  PageCounts SumPageCountsLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void VisitPage(internal::Page* page, bool tracked_only, bool owned_only,
                 absl::FunctionRef<void(ObjectHeader*)> fn);

  // Sanitizer mode (allocator.cc).
  void* SanAlloc(ThreadHeap* heap, size_t size, bool gc);
  void SanFree(ThreadHeap* current, void* obj);
  void SanPoll(ThreadHeap* heap);
  void SanDrainOrphans();
  void SanAppendAssigned(internal::SanDelayList& d, internal::SanPrefix* pre, size_t bytes);
  size_t SanFreeReady(internal::SanDelayList& d);
  void FoldCounters(ThreadHeap* heap);
  void SanVisit(bool tracked_only, absl::FunctionRef<void(ObjectHeader*)> fn);
  bool SanForEachTrackedShared(std::atomic<size_t>& cursor,
                               absl::FunctionRef<bool(ObjectHeader*)> fn, size_t end)
      ABSL_NO_THREAD_SAFETY_ANALYSIS;
  uintptr_t SanOwnerOf(const void* obj) const;

  // Shared header initialisation.
  static inline void InitHeader(void* block, uintptr_t tid, bool gc, size_t size);

  FaultInjector faults_;
  Qsbr qsbr_{&faults_};

  // The slow-path lock: heap list, page pool, chunk list, abandoned and
  // retired pages. Taken at most once per page (64 KiB) of allocation,
  // never per object, and at heap creation/release.
  mutable Mutex mu_;
  ThreadHeap* heaps_ ABSL_GUARDED_BY(mu_) = nullptr;
  size_t live_heaps_ ABSL_GUARDED_BY(mu_) = 0;
  // Counters of released heaps, and frees by threads without a heap.
  std::atomic<uint64_t> retired_allocs_{0}, retired_frees_{0};
  std::atomic<uint64_t> retired_alloc_bytes_{0}, retired_free_bytes_{0};

  // Release mode.
  struct ChunkRecord {
    void* base;
    ChunkRecord* next;
  };
  ChunkRecord* chunks_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint8_t* carve_chunk_ ABSL_GUARDED_BY(mu_) = nullptr;
  size_t carve_next_ ABSL_GUARDED_BY(mu_) = 0;  // next page index to carve
  internal::Page* free_pages_ ABSL_GUARDED_BY(mu_) = nullptr;
  internal::Page* retired_head_ ABSL_GUARDED_BY(mu_) = nullptr;  // FIFO by goal
  internal::Page* retired_tail_ ABSL_GUARDED_BY(mu_) = nullptr;
  // Abandoned pages by [gc][size class] (index kNumClasses: jumbo), each
  // doubly linked; a heap that needs a page of a class adopts one first.
  internal::Page* abandoned_[2][internal::kNumClasses + 1] ABSL_GUARDED_BY(mu_) = {};
  size_t reclaim_cursor_ ABSL_GUARDED_BY(mu_) = 0;
  // The counts of pages that were reused for another size class (folded
  // when a pooled page is taken; see internal::Page::allocated).
  PageCounts folded_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> pages_in_use_{0}, pages_abandoned_{0}, pages_retired_{0};
  std::atomic<uint64_t> page_bytes_in_use_{0}, os_bytes_{0};

  // Sanitizer mode: objects of released heaps, and heaps to reuse.
  ThreadHeap* orphan_heap_ = nullptr;  // owner 0; set in the constructor
  ThreadHeap* free_heaps_ ABSL_GUARDED_BY(mu_) = nullptr;
  mutable Mutex orphan_delay_mu_;
  internal::SanDelayList orphan_delayed_ ABSL_GUARDED_BY(orphan_delay_mu_);
  std::atomic<bool> has_orphan_delayed_{false};
};

// ---------------------------------------------------------------------------
// Inline fast paths.

inline void Allocator::InitHeader(void* block, uintptr_t tid, bool gc, size_t size) {
  auto* h = static_cast<ObjectHeader*>(block);
  // A stale lock-free reader may still look at a reused block's ob_tid,
  // ob_ref_local and ob_ref_shared (type-stable memory): write them atomically.
  std::atomic_ref<uintptr_t>(h->ob_tid).store(tid, std::memory_order_relaxed);
  uint32_t flags_mutex_bits = gc ? (uint32_t{FTRT_GC_BIT_GC_CAPABLE} << 24) : 0;
#if defined(__x86_64__) && defined(__SSE2__)
  if constexpr (!kSystemAlloc) {
    // Release mode on x86-64: three stores instead of five. Flags, mutex,
    // GC bits and the local count (bytes 8..15) in one aligned 8-byte
    // atomic store; the shared count and the type (bytes 16..31) in one
    // aligned 16-byte store, whose 8-byte halves x86-64 writes atomically
    // (16-byte aligned SSE stores are atomic as a whole on CPUs with AVX).
    // A stale reader thus still reads each count whole. (The sanitizer
    // builds, which use the system allocator, keep the per-field stores.)
    using AliasU64 = uint64_t __attribute__((may_alias));
    static_assert(offsetof(ObjectHeader, ob_flags) == 8 && offsetof(ObjectHeader, ob_ref_local) == 12);
    static_assert(offsetof(ObjectHeader, ob_ref_shared) == 16 && offsetof(ObjectHeader, ob_type) == 24);
    __atomic_store_n(reinterpret_cast<AliasU64*>(&h->ob_flags), uint64_t{flags_mutex_bits},
                     __ATOMIC_RELAXED);
    _mm_store_si128(reinterpret_cast<__m128i*>(&h->ob_ref_shared), _mm_setzero_si128());
  } else
#endif
  {
    std::memcpy(&h->ob_flags, &flags_mutex_bits, sizeof(flags_mutex_bits));
    std::atomic_ref<uint32_t>(h->ob_ref_local).store(0, std::memory_order_relaxed);
    std::atomic_ref<intptr_t>(h->ob_ref_shared).store(0, std::memory_order_relaxed);
    h->ob_type = nullptr;
  }
  if (size > sizeof(ObjectHeader)) {
    std::memset(h + 1, 0, size - sizeof(ObjectHeader));
  }
}

// Zeroes bytes [32, round_up(size, 16)) of a block of at least that size
// (its size class), size <= kMaxFastSize, with a call to glibc's memset
// (which glibc picks for the CPU at load time). The empty asm hides the
// length's range from gcc, which would otherwise expand the memset inline
// as `rep stos`. The header's 32 bytes are not stored here: stale lock-free
// readers may look at them (InitHeader writes them atomically).
// In the alloc+free loop of bench/alloc_bench.cc (random 32..256-byte
// sizes, so the length changes from one call to the next, and any choice
// of stores by length mispredicts on a share of calls), per step on a Xeon
// with AVX-512: the memset call 10 to 13 ns; an inline loop of 16-byte
// stores (one exit branch) 12.4 to 18.8 ns; four AVX-512 masked stores, no
// branch, 11.5 to 15 ns; inline `rep stosb` 20 to 28 ns. (On the AMD
// machine of earlier sessions the inline loop was as fast as a memset
// call, and was used until this measurement.)
FTRT_ALWAYS_INLINE void ZeroBody(void* block, size_t size) {
  size_t n = ((size + 15) & ~size_t{15}) - sizeof(ObjectHeader);
  asm("" : "+r"(n));
  std::memset(static_cast<unsigned char*>(block) + sizeof(ObjectHeader), 0, n);
}

template <bool kZero>
FTRT_ALWAYS_INLINE void* Allocator::AllocObjectImpl(ThreadHeap* heap, size_t size,
                                                    bool gc_capable) {
  if constexpr (!kSystemAlloc) {
    if (FTRT_LIKELY(size <= internal::kMaxFastSize && !faults_.armed())) {
      internal::PageQueue& q = heap->queues_[gc_capable][internal::FastSizeClass(size)];
      internal::Page* page = q.current;
      internal::FreeBlock* b = page->free;
      if (FTRT_LIKELY(b != nullptr)) {
        page->free = b->next;
        page->CountAlloc();
        InitHeader(b, heap->owner_tid_.load(std::memory_order_relaxed), gc_capable,
                   sizeof(ObjectHeader));
        if constexpr (kZero) ZeroBody(b, size);
        return b;
      }
    }
  }
  return AllocObjectSlow(heap, size, gc_capable);
}

FTRT_ALWAYS_INLINE void* Allocator::AllocObject(ThreadHeap* heap, size_t size, bool gc_capable) {
  return AllocObjectImpl<true>(heap, size, gc_capable);
}

FTRT_ALWAYS_INLINE void* Allocator::AllocObjectUninit(ThreadHeap* heap, size_t size,
                                                      bool gc_capable) {
  return AllocObjectImpl<false>(heap, size, gc_capable);
}

FTRT_ALWAYS_INLINE void Allocator::FreeObject(ThreadHeap* current, void* obj) {
  if constexpr (!kSystemAlloc) {
    internal::Page* page = internal::PageOf(obj);
    auto* h = static_cast<ObjectHeader*>(obj);
    std::atomic_ref<uint16_t> flags(h->ob_flags);
    uint16_t f = flags.load(std::memory_order_relaxed);
    FTRT_DCHECK((f & FTRT_OBJ_FLAG_FREED) == 0, "double free of object %p", obj);
    if (FTRT_LIKELY(page->heap.load(std::memory_order_relaxed) == current &&
                    current != nullptr && page->LoadKind() == internal::PageKind::kSmall)) {
      flags.store(static_cast<uint16_t>(f | FTRT_OBJ_FLAG_FREED), std::memory_order_relaxed);
      auto* b = static_cast<internal::FreeBlock*>(obj);
      std::atomic_ref<internal::FreeBlock*>(b->next).store(page->free, std::memory_order_relaxed);
      page->free = b;
      page->CountLocalFree();
      return;
    }
  }
  FreeObjectSlow(current, obj);
}

}  // namespace ftrt::alloc

#endif  // FTRT_ALLOC_ALLOCATOR_H_
