// Death tests for alloc/'s debug checks (built only with FTRT_DEBUG_CHECKS):
// a double free aborts naming the object, in both allocator modes; a Qsbr
// destroyed with a registered slot aborts.
#include "gtest/gtest.h"
#include "alloc/allocator.h"
#include "alloc/qsbr.h"
#include "sync/thread_id.h"

namespace ftrt::alloc {
namespace {

void DoubleFree() {
  Allocator a;
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  void* p = a.AllocObject(heap, 64, true);
  a.FreeObject(heap, p);
  a.FreeObject(heap, p);
}

void DoubleFreeFromAnotherHeap() {
  Allocator a;
  ThreadHeap* heap = a.CreateThreadHeap(CurrentThreadId());
  ThreadHeap* other = a.CreateThreadHeap(CurrentThreadId() + 16);
  void* p = a.AllocObject(heap, 200, false);
  a.FreeObject(other, p);
  a.FreeObject(other, p);
}

void LeakASlot() {
  Qsbr q;
  q.Register();
}

TEST(AllocatorDeathTest, DoubleFreeAborts) {
  static_assert(kDebugChecks, "built only with debug checks");
  EXPECT_DEATH(DoubleFree(), "ftrt fatal: .*double free");
  EXPECT_DEATH(DoubleFreeFromAnotherHeap(), "ftrt fatal: .*double free");
}

TEST(AllocatorDeathTest, QsbrWithRegisteredSlotAborts) {
  EXPECT_DEATH(LeakASlot(), "ftrt fatal: Qsbr destroyed with a registered thread slot");
}

}  // namespace
}  // namespace ftrt::alloc
