// Death test: unlocking a Mutex that is not locked aborts with a message
// naming the mutex (a debug check; built only with FTRT_DEBUG_CHECKS).
#include <cstdio>

#include "gtest/gtest.h"
#include "sync/mutex.h"

namespace ftrt {
namespace {

// Deliberately wrong: the analysis would (rightly) reject it.
void UnlockWithoutLock(Mutex& m) ABSL_NO_THREAD_SAFETY_ANALYSIS { m.Unlock(); }

void LockUnlockThenUnlockAgain(Mutex& m) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  m.Lock();
  m.Unlock();
  m.Unlock();
}

TEST(MutexDeathTest, UnlockingAnUnlockedMutexAborts) {
  static_assert(kDebugChecks, "built only with debug checks");
  Mutex m;
  char expected[64];
  std::snprintf(expected, sizeof expected, "the mutex at %p is not locked",
                static_cast<void*>(&m));
  EXPECT_DEATH(UnlockWithoutLock(m), expected);
  EXPECT_DEATH(LockUnlockThenUnlockAgain(m), "ftrt fatal: Mutex::Unlock: .* is not locked");
}

}  // namespace
}  // namespace ftrt
