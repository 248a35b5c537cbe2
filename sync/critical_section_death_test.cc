// Death test: ending critical sections out of order aborts with a message
// naming the frame (a debug check; built only with FTRT_DEBUG_CHECKS).
#include "gtest/gtest.h"
#include "sync/critical_section.h"

namespace ftrt {
namespace {

void EndOuterFirst() {
  Mutex a, b;
  CriticalSectionFrame outer, inner;
  BeginCriticalSection(&outer, &a);
  BeginCriticalSection(&inner, &b);
  EndCriticalSection(&outer);  // wrong: `inner` is the innermost
}

void EndOneMutexFrameAsTwo() {
  Mutex a, b;
  CriticalSectionFrame2 f;
  BeginCriticalSection2(&f, &a, &b);
  EndCriticalSection(&f.base);  // wrong: a two-mutex frame
}

TEST(CriticalSectionDeathTest, EndingOutOfOrderAborts) {
  static_assert(kDebugChecks, "built only with debug checks");
  EXPECT_DEATH(EndOuterFirst(), "ftrt fatal: EndCriticalSection\\(0x[0-9a-f]+\\): not the innermost");
  EXPECT_DEATH(EndOneMutexFrameAsTwo(), "not the innermost active section");
}

}  // namespace
}  // namespace ftrt
