// Unit tests for alloc/allocator.h: header initialisation, Track/UnTrack
// visiting, ownership records, thread-heap release, statistics, fault
// injection, jumbo objects, the QSBR guarantee on freed objects and the
// collector's OwnerOf cache. The multi-thread stress tests are in
// allocator_stress_test.cc.
#include "alloc/allocator.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "sync/thread_id.h"
#include "tests/test_util.h"

namespace ftrt::alloc {
namespace {

std::set<ObjectHeader*> Visit(Allocator& a, bool tracked_only) {
  std::set<ObjectHeader*> seen;
  auto fn = [&](ObjectHeader* h) { EXPECT_TRUE(seen.insert(h).second) << "visited twice"; };
  if (tracked_only) {
    a.ForEachTrackedObject(fn);
  } else {
    a.ForEachObject(fn);
  }
  return seen;
}

void Track(void* obj) { static_cast<ObjectHeader*>(obj)->ob_gc_bits |= FTRT_GC_BIT_TRACKED; }
void UnTrack(void* obj) {
  static_cast<ObjectHeader*>(obj)->ob_gc_bits &= static_cast<uint8_t>(~FTRT_GC_BIT_TRACKED);
}

TEST(AllocatorTest, ObjectsAreZeroedWithAHeader) {
  Allocator a;
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  ASSERT_NE(heap, nullptr);
  EXPECT_EQ(heap->owner_tid(), CurrentThreadId());
  for (size_t size : {32, 40, 100, 256, 257, 1000, 8192, 9000, 200000}) {
    for (bool gc : {false, true}) {
      for (int round = 0; round < 2; round++) {  // the second reuses a dirty block
        auto* h = static_cast<ObjectHeader*>(a.AllocObject(heap, size, gc));
        ASSERT_NE(h, nullptr);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(h) % 16, 0u);
        EXPECT_EQ(h->ob_tid, CurrentThreadId());
        EXPECT_EQ(h->ob_flags, 0);
        EXPECT_EQ(h->ob_mutex._bits, 0);
        EXPECT_EQ(h->ob_gc_bits, gc ? FTRT_GC_BIT_GC_CAPABLE : 0);
        EXPECT_EQ(h->ob_ref_local, 0u);
        EXPECT_EQ(h->ob_ref_shared, 0);
        EXPECT_EQ(h->ob_type, nullptr);
        auto* body = reinterpret_cast<unsigned char*>(h + 1);
        size_t body_size = size - sizeof(ObjectHeader);
        EXPECT_TRUE(std::all_of(body, body + body_size, [](unsigned char c) { return c == 0; }))
            << size;
        std::memset(body, 0xAB, body_size);
        h->ob_type = reinterpret_cast<struct _typeobject*>(h);
        h->ob_ref_local = 7;
        a.FreeObject(heap, h);
      }
    }
  }
  a.ReleaseThreadHeap(heap);
}

TEST(AllocatorTest, TrackUntrackAndVisiting) {
  Allocator a;
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  std::vector<void*> gc_objs, plain_objs;
  for (int i = 0; i < 3000; i++) gc_objs.push_back(a.AllocObject(heap, 32 + (i % 7) * 24, true));
  for (int i = 0; i < 1000; i++) plain_objs.push_back(a.AllocObject(heap, 48, false));
  gc_objs.push_back(a.AllocObject(heap, 100000, true));  // a jumbo one
  EXPECT_TRUE(Visit(a, true).empty());  // nothing tracked yet
  std::set<ObjectHeader*> tracked;
  for (size_t i = 0; i < gc_objs.size(); i += 2) {
    Track(gc_objs[i]);
    tracked.insert(static_cast<ObjectHeader*>(gc_objs[i]));
  }
  Track(gc_objs.back());
  tracked.insert(static_cast<ObjectHeader*>(gc_objs.back()));
  EXPECT_EQ(Visit(a, true), tracked);
  // Untrack some, free some tracked ones: neither is visited.
  for (size_t i = 0; i < gc_objs.size(); i += 6) {
    UnTrack(gc_objs[i]);
    tracked.erase(static_cast<ObjectHeader*>(gc_objs[i]));
  }
  for (size_t i = 2; i < gc_objs.size(); i += 6) {
    a.FreeObject(heap, gc_objs[i]);
    tracked.erase(static_cast<ObjectHeader*>(gc_objs[i]));
    gc_objs[i] = nullptr;
  }
  EXPECT_EQ(Visit(a, true), tracked);
  // ForEachObject: every live object, tracked or not, GC-capable or not.
  std::set<ObjectHeader*> all;
  for (void* p : gc_objs) {
    if (p != nullptr) all.insert(static_cast<ObjectHeader*>(p));
  }
  for (void* p : plain_objs) all.insert(static_cast<ObjectHeader*>(p));
  EXPECT_EQ(Visit(a, false), all);
  for (void* p : gc_objs) {
    if (p != nullptr) a.FreeObject(heap, p);
  }
  for (void* p : plain_objs) a.FreeObject(heap, p);
  EXPECT_TRUE(Visit(a, false).empty());
  a.ReleaseThreadHeap(heap);
}

TEST(AllocatorTest, OwnerOfAndRelease) {
  Allocator a;
  const uintptr_t tid = CurrentThreadId();
  ThreadHeap* heap = a.CreateThreadHeap(tid);
  std::vector<void*> objs;
  for (int i = 0; i < 500; i++) objs.push_back(a.AllocObject(heap, 64, i % 2 == 0));
  objs.push_back(a.AllocObject(heap, 50000, true));
  for (void* p : objs) EXPECT_EQ(a.OwnerOf(p), tid);
  for (int i = 0; i < 10; i++) Track(objs[i * 2]);
  a.ReleaseThreadHeap(heap);
  // Released: unowned, still visited.
  for (void* p : objs) EXPECT_EQ(a.OwnerOf(p), 0u);
  EXPECT_EQ(Visit(a, false).size(), objs.size());
  EXPECT_EQ(Visit(a, true).size(), 10u);
  // The id is reused by the next heap (as glibc reuses TLS blocks): the old
  // objects stay unowned, the new ones belong to it.
  ThreadHeap* next = a.CreateThreadHeap(tid);
  void* fresh = a.AllocObject(next, 64, true);
  EXPECT_EQ(a.OwnerOf(fresh), tid);
  for (void* p : objs) EXPECT_EQ(a.OwnerOf(p), 0u);
  std::set<ObjectHeader*> owned;
  a.ForEachOwnedObject(next, [&](ObjectHeader* h) { owned.insert(h); });
  EXPECT_EQ(owned, std::set<ObjectHeader*>{static_cast<ObjectHeader*>(fresh)});
  // Objects of the released heap are freed by the new one.
  for (void* p : objs) a.FreeObject(next, p);
  a.FreeObject(next, fresh);
  EXPECT_EQ(a.GetStats().live_objects, 0u);
  a.ReleaseThreadHeap(next);
  a.Collect(nullptr);
  EXPECT_TRUE(Visit(a, false).empty());
}

// Pages carve their blocks from the one after the page record, wrapping
// round to the page's first block (Page::CarveIndex): filling pages hands
// out every block of each page once, none under the record, and the
// collector's walk and ForEachObject find each of them. (With the system
// allocator there are no pages: the objects are still distinct and visited.)
TEST(AllocatorTest, FullPagesHandOutEveryUsableBlockOnce) {
  Allocator a;
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  for (size_t size : {32, 48, 144, 256}) {
    const size_t n = 3 * internal::kPageSize / size + 7;
    std::set<ObjectHeader*> objs;
    std::map<internal::Page*, uint32_t> per_page;
    for (size_t i = 0; i < n; i++) {
      auto* h = static_cast<ObjectHeader*>(a.AllocObject(heap, size, true));
      ASSERT_NE(h, nullptr);
      Track(h);
      ASSERT_TRUE(objs.insert(h).second) << "handed out twice";
      if constexpr (!kSystemAlloc) {
        internal::Page* page = internal::PageOf(h);
        auto* rec = reinterpret_cast<uint8_t*>(page);
        auto* b = reinterpret_cast<uint8_t*>(h);
        EXPECT_TRUE(b + size <= rec || b >= rec + internal::kPageHeaderSize)
            << "block under the record";
        EXPECT_GE(reinterpret_cast<uintptr_t>(b), internal::PageBase(h));
        EXPECT_LE(reinterpret_cast<uintptr_t>(b + size), internal::PageBase(h) + internal::kPageSize);
        per_page[page]++;
      }
    }
    if constexpr (!kSystemAlloc) {
      // Every page but the newest is full: it handed out all its usable blocks.
      ASSERT_GE(per_page.size(), 3u);
      size_t full = 0;
      for (auto& [page, count] : per_page) {
        EXPECT_LE(count, page->Usable());
        if (count == page->Usable()) full++;
      }
      EXPECT_GE(full, per_page.size() - 1);
    }
    EXPECT_EQ(Visit(a, true), objs);
    EXPECT_EQ(Visit(a, false), objs);
    for (ObjectHeader* h : objs) a.FreeObject(heap, h);
    EXPECT_TRUE(Visit(a, false).empty());
  }
  a.ReleaseThreadHeap(heap);
}

// A new heap adopts an exited thread's page that still has room: the old
// objects stay unowned (0), the new ones are the new owner's, and a block
// an old object freed is the new owner's once reused.
TEST(AllocatorTest, AbandonedPagesAreAdoptedWithoutChangingOwners) {
  Allocator a;
  const uintptr_t kOld = CurrentThreadId() + 32, kNew = CurrentThreadId();
  ThreadHeap* old_heap = a.CreateThreadHeap(kOld);
  std::vector<void*> old_objs;
  for (int i = 0; i < 1000; i++) old_objs.push_back(a.AllocObject(old_heap, 48, true));
  for (int i = 0; i < 1000; i += 2) a.FreeObject(old_heap, old_objs[i]);
  std::vector<void*> survivors;
  for (int i = 1; i < 1000; i += 2) survivors.push_back(old_objs[i]);
  a.ReleaseThreadHeap(old_heap);
  Stats s0 = a.GetStats();
  uint64_t pages0 = s0.pages_in_use + s0.pages_abandoned;
  if constexpr (!kSystemAlloc) {
    EXPECT_EQ(s0.pages_abandoned, 1u);
  }
  ThreadHeap* heap = a.CreateThreadHeap(kNew);
  std::vector<void*> mine;
  for (int i = 0; i < 400; i++) mine.push_back(a.AllocObject(heap, 48, true));
  Stats s1 = a.GetStats();
  if constexpr (!kSystemAlloc) {
    EXPECT_EQ(s1.pages_in_use + s1.pages_abandoned, pages0);  // adopted, not a new page
    EXPECT_EQ(s1.pages_abandoned, 0u);
  }
  for (void* p : survivors) EXPECT_EQ(a.OwnerOf(p), 0u);
  for (void* p : mine) EXPECT_EQ(a.OwnerOf(p), kNew);
  std::set<ObjectHeader*> owned;
  a.ForEachOwnedObject(heap, [&](ObjectHeader* h) { owned.insert(h); });
  EXPECT_EQ(owned.size(), mine.size());
  for (void* p : mine) EXPECT_EQ(owned.count(static_cast<ObjectHeader*>(p)), 1u);
  // Old objects freed by the new owner (locally) and by another heap
  // (remotely); their blocks, reused, belong to the new owner.
  ThreadHeap* other = a.CreateThreadHeap(kOld + 64);
  for (size_t i = 0; i < survivors.size(); i++) a.FreeObject(i % 2 ? heap : other, survivors[i]);
  a.Collect(heap);
  std::vector<void*> more;
  for (int i = 0; i < 1500; i++) more.push_back(a.AllocObject(heap, 48, true));
  for (void* p : more) EXPECT_EQ(a.OwnerOf(p), kNew);
  owned.clear();
  a.ForEachOwnedObject(heap, [&](ObjectHeader* h) { owned.insert(h); });
  EXPECT_EQ(owned.size(), mine.size() + more.size());
  for (void* p : mine) a.FreeObject(heap, p);
  for (void* p : more) a.FreeObject(heap, p);
  EXPECT_EQ(a.GetStats().live_objects, 0u);
  a.ReleaseThreadHeap(other);
  a.ReleaseThreadHeap(heap);
}

TEST(AllocatorTest, OwnerCacheAgreesWithOwnerOf) {
  Allocator a;
  const uintptr_t kOld = CurrentThreadId() + 32, kNew = CurrentThreadId();
  // An adopted page (unowned marks) among plain ones of two owners.
  ThreadHeap* old_heap = a.CreateThreadHeap(kOld);
  std::vector<void*> objs;
  for (int i = 0; i < 1000; i++) objs.push_back(a.AllocObject(old_heap, 48, true));
  a.ReleaseThreadHeap(old_heap);
  ThreadHeap* heap = a.CreateThreadHeap(kNew);
  ThreadHeap* other = a.CreateThreadHeap(kOld + 64);
  for (int i = 0; i < 5000; i++) {
    objs.push_back(a.AllocObject(i % 3 ? heap : other, i % 2 ? 48 : 200, true));
  }
  // In allocation order, then interleaved with objects of other pages.
  Allocator::OwnerCache cache(a);
  for (void* p : objs) EXPECT_EQ(cache.OwnerOf(p), a.OwnerOf(p));
  for (size_t i = 0; i < objs.size(); i++) {
    void* p = objs[(i * 7919) % objs.size()];
    EXPECT_EQ(cache.OwnerOf(p), a.OwnerOf(p));
  }
  EXPECT_EQ(a.OwnerOf(objs[0]), 0u);
  for (void* p : objs) a.FreeObject(heap, p);
  a.ReleaseThreadHeap(other);
  a.ReleaseThreadHeap(heap);
}

TEST(AllocatorTest, ForEachOwnedObjectListsLiveObjectsAndAllowsFreeing) {
  Allocator a;
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  ThreadHeap* other = a.CreateThreadHeap(CurrentThreadId() + 16);  // a second "thread"
  std::set<ObjectHeader*> mine;
  for (int i = 0; i < 2000; i++) {
    mine.insert(static_cast<ObjectHeader*>(a.AllocObject(heap, 32 + i % 300, i % 3 == 0)));
  }
  mine.insert(static_cast<ObjectHeader*>(a.AllocObject(heap, 70000, false)));
  for (int i = 0; i < 100; i++) a.AllocObject(other, 64, true);  // not listed
  // Some freed by their owner, some by the other heap (a remote free).
  int n = 0;
  for (auto it = mine.begin(); it != mine.end();) {
    if (n++ % 5 == 0) {
      a.FreeObject(n % 2 ? heap : other, *it);
      it = mine.erase(it);
    } else {
      ++it;
    }
  }
  std::set<ObjectHeader*> listed;
  a.ForEachOwnedObject(heap, [&](ObjectHeader* h) { listed.insert(h); });
  EXPECT_EQ(listed, mine);
  // The visitor may free the object it is given (thread exit does).
  size_t freed = 0;
  a.ForEachOwnedObject(heap, [&](ObjectHeader* h) {
    a.FreeObject(heap, h);
    freed++;
  });
  EXPECT_EQ(freed, mine.size());
  listed.clear();
  a.ForEachOwnedObject(heap, [&](ObjectHeader* h) { listed.insert(h); });
  EXPECT_TRUE(listed.empty());
  a.ForEachOwnedObject(other, [&](ObjectHeader* h) { a.FreeObject(other, h); });
  EXPECT_EQ(a.GetStats().live_objects, 0u);
  a.ReleaseThreadHeap(heap);
  a.ReleaseThreadHeap(other);
}

TEST(AllocatorTest, StatsCountObjectsBytesAndFailures) {
  Allocator a;
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  Stats s0 = a.GetStats();
  EXPECT_EQ(s0.live_objects, 0u);
  EXPECT_EQ(s0.thread_heaps, 1u);
  std::vector<void*> objs;
  uint64_t bytes = 0;
  for (size_t size = 32; size < 3000; size += 37) {
    objs.push_back(a.AllocObject(heap, size, size % 2 == 0));
    bytes += Allocator::BlockSizeFor(size);
  }
  Stats s1 = a.GetStats();
  EXPECT_EQ(s1.live_objects, objs.size());
  EXPECT_EQ(s1.live_bytes, bytes);
  EXPECT_EQ(s1.objects_allocated, objs.size());
  for (void* p : objs) a.FreeObject(heap, p);
  Stats s2 = a.GetStats();
  EXPECT_EQ(s2.live_objects, 0u);
  EXPECT_EQ(s2.live_bytes, 0u);
  EXPECT_EQ(s2.objects_freed, objs.size());
  // Failures: injected ones count, and the failed call returns null.
  a.SetFailNth(2);
  void* ok = a.AllocObject(heap, 64, false);
  EXPECT_NE(ok, nullptr);
  EXPECT_EQ(a.AllocObject(heap, 64, false), nullptr);
  void* raw = a.AllocRaw(heap, 64);
  EXPECT_NE(raw, nullptr);
  a.FreeRaw(raw);
  a.SetFailEveryNth(1);
  EXPECT_EQ(a.AllocRaw(heap, 64), nullptr);
  EXPECT_EQ(a.AllocObject(heap, 100000, true), nullptr);
  a.ClearFaultInjection();
  Stats s3 = a.GetStats();
  EXPECT_EQ(s3.allocations_failed, 3u);
  EXPECT_EQ(s3.live_objects, 1u);
  a.FreeObject(heap, ok);
  a.ReleaseThreadHeap(heap);
  EXPECT_EQ(a.GetStats().thread_heaps, 0u);
}

// Release mode counts small-page allocations and local frees in the pages
// (and folds a page's counts into the allocator's when the page is reused
// for another size class); jumbo objects and remote frees in the heaps.
// Whatever path an object took, the totals stay exact when quiet: pages
// emptied, retired, pooled and reused for another class; an exited
// thread's page adopted by a new heap; frees by the owner, by another
// heap, by a thread without a heap.
TEST(AllocatorTest, StatsStayExactAcrossPageReuseAdoptionAndRemoteFrees) {
  Allocator a;
  uint64_t allocated = 0, freed = 0, live_bytes = 0;
  auto expect = [&](const char* where) {
    Stats s = a.GetStats();
    EXPECT_EQ(s.objects_allocated, allocated) << where;
    EXPECT_EQ(s.objects_freed, freed) << where;
    EXPECT_EQ(s.live_objects, allocated - freed) << where;
    EXPECT_EQ(s.live_bytes, live_bytes) << where;
  };
  auto alloc = [&](ThreadHeap* h, size_t size, bool gc) {
    void* p = a.AllocObject(h, size, gc);
    EXPECT_NE(p, nullptr);
    allocated++;
    live_bytes += Allocator::BlockSizeFor(size);
    return p;
  };
  auto free = [&](ThreadHeap* h, void* p, size_t size) {
    a.FreeObject(h, p);
    freed++;
    live_bytes -= Allocator::BlockSizeFor(size);
  };
  QsbrThread* reader = a.qsbr().Register();
  a.qsbr().Attach(reader);
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  // Several pages of one class, emptied: retired, then (after a grace
  // period) pooled, then reused by another class.
  std::vector<void*> objs;
  for (int i = 0; i < 5000; i++) objs.push_back(alloc(heap, 48, i % 2 == 0));
  expect("48-byte objects allocated");
  for (void* p : objs) free(heap, p, 48);
  objs.clear();
  a.Collect(heap);
  expect("pages retired");
  Qsbr::Quiescent(reader);
  a.Collect(heap);
  expect("pages pooled");
  for (int i = 0; i < 3000; i++) objs.push_back(alloc(heap, 200, i % 3 == 0));
  objs.push_back(alloc(heap, 20000, true));  // jumbo
  expect("pooled pages reused for 208-byte objects");
  // Remote frees (another heap) and frees without a heap, some collected
  // by the owner, some still pending on the pages' thread_free.
  ThreadHeap* other = a.CreateThreadHeap(CurrentThreadId() + 64);
  std::thread t([&] {
    for (size_t i = 0; i < 500; i++) free(nullptr, objs[i], 200);
  });
  t.join();
  for (size_t i = 500; i < 1500; i++) free(other, objs[i], 200);
  expect("remote frees pending");
  a.Collect(heap);
  expect("remote frees collected");
  free(other, objs.back(), 20000);  // the jumbo one, remotely
  objs.pop_back();
  a.Collect(heap);
  expect("jumbo freed remotely");
  // The owner exits with objects left: its pages are abandoned, and a new
  // heap adopts them; the old objects are freed by their new owner's heap.
  std::vector<void*> left(objs.begin() + 1500, objs.end());
  a.ReleaseThreadHeap(heap);
  expect("heap released");
  ThreadHeap* next = a.CreateThreadHeap(CurrentThreadId());
  std::vector<void*> mine;
  for (int i = 0; i < 2000; i++) mine.push_back(alloc(next, 200, i % 3 == 0));
  expect("abandoned pages adopted");
  for (void* p : left) free(next, p, 200);
  for (void* p : mine) free(next, p, 200);
  expect("all freed");
  EXPECT_EQ(a.GetStats().live_objects, 0u);
  EXPECT_EQ(a.GetStats().live_bytes, 0u);
  a.qsbr().Unregister(reader);
  a.ReleaseThreadHeap(other);
  a.ReleaseThreadHeap(next);
  expect("heaps released");
}

TEST(AllocatorTest, RawMemory) {
  Allocator a;
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  auto* p = static_cast<unsigned char*>(a.AllocRaw(heap, 1000));
  ASSERT_NE(p, nullptr);
  std::memset(p, 1, 1000);
  a.FreeRaw(p);
  // Raw memory freed through QSBR.
  QsbrThread* t = a.qsbr().Register();
  a.qsbr().Attach(t);
  a.qsbr().FreeDelayed(t, a.AllocRaw(heap, 4096), 4096, Allocator::RawFreeFn);
  EXPECT_EQ(a.GetStats().delayed_frees_pending, 1u);
  Qsbr::Quiescent(t);
  a.qsbr().Poll(t);
  EXPECT_EQ(a.GetStats().delayed_frees_pending, 0u);
  a.qsbr().Unregister(t);
  EXPECT_TRUE(Visit(a, false).empty());
  a.ReleaseThreadHeap(heap);
}

// Freed object memory stays an object header until a grace period passes:
// release mode keeps a page's blocks for objects until the page, emptied
// and retired, has waited out a grace period; sanitizer mode keeps each
// freed block from free() until then.
TEST(AllocatorTest, FreedObjectsWaitForGracePeriod) {
  Allocator a;
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  QsbrThread* reader = a.qsbr().Register();
  a.qsbr().Attach(reader);  // a lock-free reader somewhere
  std::vector<ObjectHeader*> objs;
  for (int i = 0; i < 5000; i++) {
    objs.push_back(static_cast<ObjectHeader*>(a.AllocObject(heap, 32, true)));
  }
  ObjectHeader* watched = objs[1234];
  for (ObjectHeader* h : objs) {
    std::atomic_ref<intptr_t>(h->ob_ref_shared).store(3, std::memory_order_relaxed);  // "dead" marker
    a.FreeObject(heap, h);
  }
  a.Collect(heap);
  Stats held = a.GetStats();
  if constexpr (kSystemAlloc) {
    EXPECT_EQ(held.delayed_frees_pending, objs.size());
  } else {
    EXPECT_GT(held.pages_retired, 0u);
    EXPECT_EQ(held.pages_in_use, 0u);
  }
  // The reader may still look at a freed header: it is one.
  EXPECT_EQ(std::atomic_ref<intptr_t>(watched->ob_ref_shared).load(std::memory_order_relaxed), 3);
  EXPECT_NE(std::atomic_ref<uint16_t>(watched->ob_flags).load(std::memory_order_relaxed) &
                FTRT_OBJ_FLAG_FREED,
            0);
  Qsbr::Quiescent(reader);
  a.Collect(heap);
  Stats after = a.GetStats();
  EXPECT_EQ(after.delayed_frees_pending, 0u);
  EXPECT_EQ(after.pages_retired, 0u);
  a.qsbr().Unregister(reader);
  a.ReleaseThreadHeap(heap);
}

TEST(AllocatorTest, FreeFromThreadWithoutHeap) {
  Allocator a;
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  std::vector<void*> objs;
  for (int i = 0; i < 1000; i++) objs.push_back(a.AllocObject(heap, 96, true));
  std::thread t([&] {
    for (void* p : objs) a.FreeObject(nullptr, p);
  });
  t.join();
  EXPECT_EQ(a.GetStats().live_objects, 0u);
  EXPECT_TRUE(Visit(a, false).empty());
  // The owner gets the blocks back.
  for (int i = 0; i < 1000; i++) objs[i] = a.AllocObject(heap, 96, true);
  for (void* p : objs) a.FreeObject(heap, p);
  a.ReleaseThreadHeap(heap);
}

// The allocator's destructor frees whatever is left (ASan's leak check
// would report otherwise), live heaps included.
TEST(AllocatorTest, DestructorFreesEverything) {
  Allocator a;
  ThreadHeap* h1 = a.CreateThreadHeap(CurrentThreadId());
  ThreadHeap* h2 = a.CreateThreadHeap(CurrentThreadId() + 64);
  for (int i = 0; i < 100; i++) {
    EXPECT_NE(a.AllocObject(h1, 64, true), nullptr);
    void* p = a.AllocObject(h2, 128, false);
    if (i % 2) a.FreeObject(h1, p);
  }
  EXPECT_NE(a.AllocObject(h1, 300000, false), nullptr);
  a.ReleaseThreadHeap(h1);
  EXPECT_EQ(a.GetStats().live_objects, 151u);
}

}  // namespace
}  // namespace ftrt::alloc
