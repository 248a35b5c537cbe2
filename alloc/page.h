// Internal: the object pages of the release-mode allocator (mimalloc), and
// the size classes. Included by allocator.h for its inline fast paths; not
// an API.
//
// An object page is 64 KiB, aligned to 64 KiB, carved from 4 MiB chunks
// that come from mimalloc, and holds one size class, like mimalloc's own
// pages (mimalloc/src/page.c) and V8 cppgc's normal pages. A 192-byte
// `Page` record (three cache lines, see Page) sits inside the page; the
// page's blocks are laid out from its first byte, and those that overlap
// the record are never used. An object larger than kMaxSmallSize gets a
// "jumbo" page of its own, allocated from mimalloc directly (64 KiB aligned,
// the record first, the object right after it). So PageOf() works for every
// object: mask the address, add the record's offset.
//
// The record's offset depends on the page's address (16 "colours", 256
// bytes apart): were every record at offset 0, the records of the pages a
// thread allocates from would all fall in the same L1 and L2 cache sets
// (64 KiB apart), and an alloc/free loop over many size classes would miss
// in cache on every page record (measured: 1.8x slower than mimalloc with
// 29 size classes, 0.9x with one). mimalloc avoids this by keeping page
// records in a per-segment array; colouring keeps PageOf one mask and a
// shift, and costs nothing more (a 32-byte class loses 6 blocks of 2048,
// 32.09 bytes of page per object).
//
// Block states (block i of a page, i < capacity):
//
//   | state    | where                                  | header's ob_flags |
//   |----------|----------------------------------------|-------------------|
//   | uncarved | CarveIndex(l) for no l < reserved      | garbage           |
//   | free     | on `free` or `thread_free`             | FREED set         |
//   | live     | handed out by AllocObject              | FREED clear       |
//
// A free block's link lives in its first word (ob_tid): a stale lock-free
// reader then reads an ob_tid that is no thread's id (a block address or
// 0), so it can never take the owner's non-atomic fast path on a dead
// object; the rest of the header (ob_ref_shared in particular) is left as
// the object's last owner left it. Blocks of an object page only ever hold
// object headers (type-stable memory, as CPython's GC heaps on mimalloc),
// and a page goes back to the pool (where it may get another size class)
// or to mimalloc only after a QSBR grace period.
#ifndef FTRT_ALLOC_PAGE_H_
#define FTRT_ALLOC_PAGE_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "alloc/object_layout.h"
#include "sync/config.h"

namespace ftrt::alloc {

class ThreadHeap;

namespace internal {

inline constexpr size_t kPageShift = 16;
inline constexpr size_t kPageSize = size_t{1} << kPageShift;  // 64 KiB
inline constexpr size_t kChunkSize = size_t{4} << 20;         // 4 MiB
inline constexpr size_t kPagesPerChunk = kChunkSize / kPageSize;
inline constexpr size_t kPageHeaderSize = 192;  // the Page record
inline constexpr size_t kRecordColours = 16;
inline constexpr size_t kRecordColourStride = 256;
inline constexpr size_t kMinObjectSize = sizeof(ObjectHeader);  // 32
// Classes 32..256 step 16 (15 classes), then 4 per power of two to 8 KiB.
inline constexpr size_t kMaxFastSize = 256;
inline constexpr size_t kMaxSmallSize = 8192;
inline constexpr size_t kNumFastClasses = (kMaxFastSize - kMinObjectSize) / 16 + 1;  // 15
inline constexpr size_t kNumClasses = kNumFastClasses + 4 * 5;                     // 35
// Blocks carved per step when a page's free list runs dry.
inline constexpr uint32_t kCarveBytes = 4096;

// The size class of an object of `size` bytes, size <= kMaxFastSize.
FTRT_ALWAYS_INLINE size_t FastSizeClass(size_t size) {
  return ((std::max(size, kMinObjectSize) + 15) >> 4) - 2;
}

// The size class of any size <= kMaxSmallSize.
inline size_t SizeClass(size_t size) {
  if (size <= kMaxFastSize) return FastSizeClass(size);
  // 257..8192: 4 classes per power of two: (256,320],(320,384],(384,448],(448,512], ...
  size_t s = size - 1;
  int log2 = 63 - __builtin_clzll(s);  // 8..12
  size_t quarter = (s >> (log2 - 2)) & 3;
  return kNumFastClasses + static_cast<size_t>(log2 - 8) * 4 + quarter;
}

// The block size of a class.
inline constexpr size_t ClassBlockSize(size_t cls) {
  if (cls < kNumFastClasses) return kMinObjectSize + cls * 16;
  size_t k = cls - kNumFastClasses;
  size_t base = size_t{256} << (k / 4);
  return base + (base / 4) * (k % 4 + 1);
}

static_assert(ClassBlockSize(0) == 32);
static_assert(ClassBlockSize(kNumFastClasses - 1) == 256);
static_assert(ClassBlockSize(kNumFastClasses) == 320);
static_assert(ClassBlockSize(kNumClasses - 1) == kMaxSmallSize);

// A free block: its link overlays the header's ob_tid.
struct FreeBlock {
  FreeBlock* next;
};

// kAdopted: a kSmall page that a new heap took over from an exited thread
// while it still held objects; `unowned` marks those objects (their owner
// record is 0, not the page's). Every free of its blocks takes the slow
// path, which keeps the marks right.
enum class PageKind : uint8_t { kFree = 0, kSmall = 1, kJumbo = 2, kAdopted = 3 };

// The record at the start of every object page: three cache lines, so
// that another thread's free (a compare-exchange on thread_free) does not
// take away the line the owner allocates from, and neither disturbs the
// read-mostly line every free reads.
struct Page {
  // --- line 0: read by every thread (FreeObject, OwnerOf), rarely written ---
  // The ownership record: the owning thread's id, 0 once unowned.
  std::atomic<uintptr_t> owner_tid;
  // The owning heap; nullptr when the page is abandoned (owner exited) or
  // not in use. FreeObject compares it with the caller's heap.
  std::atomic<ThreadHeap*> heap;
  // Immutable while the page is in use (set before any block of it is
  // handed out, so a thread that got an object from it sees them).
  uint32_t block_size;
  uint32_t capacity;  // blocks in the page
  PageKind kind;
  uint8_t gc;          // 1 if the page holds GC-capable objects
  uint8_t size_class;  // for kSmall
  uint8_t unused;
  uint32_t jumbo_span;  // kJumbo: bytes of the mimalloc allocation
  // Block i is at first_block + i * block_size. kSmall: the page's first
  // byte; blocks [skip_lo, skip_hi) overlap this record and are never used.
  // kJumbo: right after this record. Blocks are carved in the order
  // [skip_hi, capacity) then [0, skip_lo): see CarveIndex.
  uint8_t* first_block;
  uint32_t skip_lo;
  uint32_t skip_hi;
  // kAdopted: bit i set = block i is a live object of a previous owner
  // (unowned). Written by the owner (or the allocator lock holder while the
  // page is unowned), read by OwnerOf: words through atomic_ref, relaxed;
  // the pointer is published (release) before owner_tid.
  std::atomic<uint64_t*> unowned;

  // --- line 1: blocks freed by threads other than the owner (a Treiber
  // stack; pushed by any thread, taken whole by the owner). The pointer is
  // tagged with the stack's length in its top 16 bits (allocator.cc,
  // ThreadFreePush); nullptr is the empty stack. ---
  alignas(64) std::atomic<FreeBlock*> thread_free;

  // --- line 2: the owner's (or, once abandoned or retired, the allocator
  // lock holder's) ---
  alignas(64) FreeBlock* free;  // blocks ready for allocation
  // The page's share of the allocator's statistics, and its occupancy
  // (Used()). Counted where the fast paths write anyway (this line), so
  // that an allocation or a local free costs no other counter:
  //   allocated    blocks handed out since the page got its size class
  //   local_freed  of those, freed by the page's owner (pushed on `free`)
  //   collected    of those, freed by other threads and moved from
  //                `thread_free` to `free` (those frees were counted by
  //                the freeing thread, see ThreadHeap's counters)
  // allocated and local_freed only grow (64 bits: no wrap) while the page
  // keeps its class; written by the owner (or the lock holder) with a
  // relaxed load and store, no read-modify-write; Allocator::GetStats
  // reads them (relaxed) under the allocator lock, and folds them into its
  // own totals, under that lock, before a pooled page is reused.
  std::atomic<uint64_t> allocated;
  std::atomic<uint64_t> local_freed;
  uint32_t collected;  // modulo 2^32: only Used() needs it
  uint32_t reserved;   // blocks carved so far, in carve order (CarveIndex)
  Page* next;          // in the heap's queue or an allocator list
  Page* prev;
  uint64_t retire_goal;  // QSBR goal once retired

  // Blocks handed out and not back on `free` (owner or lock holder).
  uint32_t Used() const {
    return static_cast<uint32_t>(allocated.load(std::memory_order_relaxed) -
                                 local_freed.load(std::memory_order_relaxed)) -
           collected;
  }
  FTRT_ALWAYS_INLINE void CountAlloc() {
    allocated.store(allocated.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  FTRT_ALWAYS_INLINE void CountLocalFree() {
    local_freed.store(local_freed.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  // A jumbo page whose one object is gone (its counters feed no statistics).
  void SetEmpty() { collected = Used() + collected; }
  // Back to a fresh page's counts (allocator lock held, after folding).
  void ResetCounts() {
    allocated.store(0, std::memory_order_relaxed);
    local_freed.store(0, std::memory_order_relaxed);
    collected = 0;
  }

  ObjectHeader* block(uint32_t i) {
    return reinterpret_cast<ObjectHeader*>(first_block + size_t{i} * block_size);
  }

  // Carve order: a page's blocks are carved from the one right after its
  // record, wrapping round to the page's first block; the l-th block carved
  // is block CarveIndex(l), l < Usable(). Records sit at 16 colours (see
  // the top of the file), so the blocks a page hands out first, and reuses
  // most (free lists are LIFO), start at a different offset in each page.
  // Carved from offset 0 instead, the hot blocks of every page of a loop
  // over many size classes fell in the same L1 sets (64 KiB-aligned pages),
  // and, by the luck of the physical pages, often the same L2 sets: fresh
  // allocators in one process ran bench/alloc_bench.cc's loop at either
  // about 9 or 15 to 21 ns per step.
  uint32_t Usable() const { return capacity - (skip_hi - skip_lo); }
  // The blocks carved first: [skip_hi, capacity).
  uint32_t UpperRun() const { return capacity - skip_hi; }
  uint32_t CarveIndex(uint32_t l) const { return l < UpperRun() ? skip_hi + l : l - UpperRun(); }
  // The carved blocks, as two index ranges in address order:
  // [0, CarvedLowEnd()) and [skip_hi, CarvedHighEnd()).
  uint32_t CarvedLowEnd() const { return reserved > UpperRun() ? reserved - UpperRun() : 0; }
  uint32_t CarvedHighEnd() const { return skip_hi + std::min(reserved, UpperRun()); }
  // Calls fn(i) for each carved block index, in address order.
  template <typename Fn>
  void ForEachCarvedIndex(Fn&& fn) const {
    for (uint32_t i = 0, e = CarvedLowEnd(); i < e; i++) fn(i);
    for (uint32_t i = skip_hi, e = CarvedHighEnd(); i < e; i++) fn(i);
  }
  uint32_t IndexOf(const void* obj) const {
    return static_cast<uint32_t>((static_cast<const uint8_t*>(obj) - first_block) / block_size);
  }
  PageKind LoadKind() const {
    return std::atomic_ref<PageKind>(const_cast<PageKind&>(kind)).load(std::memory_order_relaxed);
  }
  void StoreKind(PageKind k) {
    std::atomic_ref<PageKind>(kind).store(k, std::memory_order_relaxed);
  }
  // Whether block i is marked unowned (kAdopted pages).
  bool IsUnowned(uint32_t i) const {
    uint64_t* bm = unowned.load(std::memory_order_acquire);
    if (bm == nullptr) return false;
    return (std::atomic_ref<uint64_t>(bm[i / 64]).load(std::memory_order_relaxed) >> (i % 64)) & 1;
  }
  // Clears block i's mark (its owner, or the lock holder of an unowned page).
  void ClearUnowned(uint32_t i) {
    uint64_t* bm = unowned.load(std::memory_order_relaxed);
    if (bm == nullptr) return;
    std::atomic_ref<uint64_t> w(bm[i / 64]);
    uint64_t v = w.load(std::memory_order_relaxed);
    if (v & (uint64_t{1} << (i % 64))) {
      w.store(v & ~(uint64_t{1} << (i % 64)), std::memory_order_relaxed);
    }
  }
};
static_assert(sizeof(Page) <= kPageHeaderSize, "Page record must fit its slot");

// The collector's walk over one page (Allocator::ForEachTrackedObjectShared):
// calls fn(ObjectHeader*) -> bool on each carved block that holds a live
// tracked object (FREED clear, TRACKED set), in address order, and returns
// false as soon as fn does. A template, so that the caller's per-object work
// is inlined into the loop with the two header checks; it walks the two
// runs of carved blocks, so the blocks that overlap the record cost no
// test. During a stop only (nothing carves, allocates or frees).
template <typename Fn>
FTRT_ALWAYS_INLINE bool ForEachTrackedBlock(Page* p, Fn& fn) {
  const size_t bs = p->block_size;
  uint8_t* const base = p->first_block;
  auto run = [&](uint8_t* b, uint8_t* const end) FTRT_ALWAYS_INLINE_LAMBDA {
    for (; b < end; b += bs) {
      auto* h = reinterpret_cast<ObjectHeader*>(b);
      if (!(std::atomic_ref<uint8_t>(h->ob_gc_bits).load(std::memory_order_relaxed) &
            FTRT_GC_BIT_TRACKED)) {
        continue;
      }
      if (std::atomic_ref<uint16_t>(h->ob_flags).load(std::memory_order_relaxed) &
          FTRT_OBJ_FLAG_FREED) {
        continue;
      }
      if (!fn(h)) return false;
    }
    return true;
  };
  // The carved blocks are [0, low end) and [skip_hi, high end) (see
  // Page::CarveIndex); the blocks under the record lie between the two.
  if (!run(base, base + size_t{p->CarvedLowEnd()} * bs)) return false;
  return run(base + size_t{p->skip_hi} * bs, base + size_t{p->CarvedHighEnd()} * bs);
}

// The offset of the record in the page that starts at `base`.
FTRT_ALWAYS_INLINE uintptr_t RecordOffset(uintptr_t base) {
  return ((base >> kPageShift) & (kRecordColours - 1)) * kRecordColourStride;
}

FTRT_ALWAYS_INLINE uintptr_t PageBase(const void* p) {
  return reinterpret_cast<uintptr_t>(p) & ~(kPageSize - 1);
}

FTRT_ALWAYS_INLINE Page* PageOf(const void* p) {
  uintptr_t base = PageBase(p);
  return reinterpret_cast<Page*>(base + RecordOffset(base));
}
static_assert(kRecordColours * kRecordColourStride <= 4096, "records stay in the first 4 KiB");

// A size class's pages in one heap.
struct PageQueue {
  Page* current;  // never null: the heap's empty sentinel page when none
  Page* first = nullptr;
  uint32_t pages = 0;
  uint32_t allocs_since_scan = 0;
};

}  // namespace internal
}  // namespace ftrt::alloc

#endif  // FTRT_ALLOC_PAGE_H_
