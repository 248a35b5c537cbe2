// Tests of the blocking hooks: registration, the calls around a park (and
// their absence without detach), the token, the order against the
// critical-section suspension (sync/blocking.h, steps 1-5), and a hook
// that itself parks.
#include "sync/blocking.h"

#include <atomic>
#include <thread>

#include "gtest/gtest.h"
#include "sync/critical_section.h"
#include "sync/mutex.h"
#include "sync/parking_lot.h"

namespace ftrt {
namespace {

using parking_lot::kNoTimeout;
using parking_lot::ParkStatus;

// What the hooks saw; the hooks run on the parking thread.
std::atomic<int> g_before{0};
std::atomic<int> g_after{0};
std::atomic<void*> g_token_seen{nullptr};
std::atomic<const void*> g_watch{nullptr};        // address whose parked count is sampled
std::atomic<long> g_parked_at_before{-1};         // NumParked(g_watch) in before_block
Mutex* g_section_mutex = nullptr;                 // a section's mutex to sample
std::atomic<int> g_section_locked_at_before{-1};  // its state in before_block
std::atomic<int> g_section_suspended_at_after{-1};
int g_token_object = 0;

void* BeforeBlock() {
  g_before.fetch_add(1, std::memory_order_relaxed);
  if (const void* w = g_watch.load(std::memory_order_relaxed)) {
    g_parked_at_before.store(static_cast<long>(parking_lot::NumParkedForTesting(w)),
                             std::memory_order_relaxed);
  }
  if (g_section_mutex != nullptr) {
    g_section_locked_at_before.store(g_section_mutex->IsLocked() ? 1 : 0,
                                     std::memory_order_relaxed);
  }
  // What the runtime does on detach: idempotent after sync's own suspend.
  SuspendAllCriticalSections();
  return &g_token_object;
}

void AfterBlock(void* token) {
  g_token_seen.store(token, std::memory_order_relaxed);
  g_section_suspended_at_after.store(CriticalSectionSuspended() ? 1 : 0,
                                     std::memory_order_relaxed);
  // What the runtime does on attach: re-lock the innermost section.
  ResumeCriticalSections();
  g_after.fetch_add(1, std::memory_order_relaxed);
}

constexpr BlockingHooks kHooks = {&BeforeBlock, &AfterBlock};

class BlockingHooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_before = 0;
    g_after = 0;
    g_token_seen = nullptr;
    g_watch = nullptr;
    g_parked_at_before = -1;
    g_section_mutex = nullptr;
    g_section_locked_at_before = -1;
    g_section_suspended_at_after = -1;
    SetBlockingHooks(&kHooks);
  }
  void TearDown() override { SetBlockingHooks(nullptr); }
};

TEST(BlockingTest, SetAndClear) {
  EXPECT_EQ(GetBlockingHooks(), nullptr);
  SetBlockingHooks(&kHooks);
  EXPECT_EQ(GetBlockingHooks(), &kHooks);
  SetBlockingHooks(nullptr);
  EXPECT_EQ(GetBlockingHooks(), nullptr);
}

TEST_F(BlockingHooksTest, CalledAroundTheSleepWithTheToken) {
  uint32_t word = 1;
  g_watch = &word;
  std::thread t([&] { EXPECT_EQ(parking_lot::Park(&word, 1, 4, kNoTimeout).status, ParkStatus::kUnparked); });
  while (parking_lot::NumParkedForTesting(&word) != 1) std::this_thread::yield();
  // Asleep: before_block has run (before the thread enqueued itself),
  // after_block has not.
  EXPECT_EQ(g_before.load(), 1);
  EXPECT_EQ(g_after.load(), 0);
  EXPECT_EQ(g_parked_at_before.load(), 0);
  EXPECT_EQ(parking_lot::UnparkAll(&word), 1u);
  t.join();
  EXPECT_EQ(g_after.load(), 1);
  EXPECT_EQ(g_token_seen.load(), &g_token_object);
}

TEST_F(BlockingHooksTest, CalledOnMismatchAndTimeoutButNotWithoutDetach) {
  uint32_t word = 1;
  EXPECT_EQ(parking_lot::Park(&word, 2, 4, kNoTimeout).status, ParkStatus::kValueMismatch);
  EXPECT_EQ(parking_lot::Park(&word, 1, 4, 1000).status, ParkStatus::kTimedOut);
  EXPECT_EQ(g_before.load(), 2);
  EXPECT_EQ(g_after.load(), 2);
  EXPECT_EQ(parking_lot::Park(&word, 2, 4, kNoTimeout, nullptr, /*detach=*/false).status,
            ParkStatus::kValueMismatch);
  EXPECT_EQ(parking_lot::Park(&word, 1, 4, 1000, nullptr, /*detach=*/false).status,
            ParkStatus::kTimedOut);
  EXPECT_EQ(g_before.load(), 2);
  EXPECT_EQ(g_after.load(), 2);
}

TEST_F(BlockingHooksTest, MutexLockDetachesButLockNoDetachDoesNot) {
  internal::SetMutexSpinLimit(0);
  Mutex m;
  for (bool detach : {true, false}) {
    int before = g_before.load();
    m.Lock();
    std::thread t([&] {
      if (detach) {
        m.Lock();
      } else {
        m.LockNoDetach();
      }
      m.Unlock();
    });
    while (parking_lot::NumParkedForTesting(&m) != 1) std::this_thread::yield();
    m.Unlock();
    t.join();
    EXPECT_EQ(g_before.load() - before, detach ? 1 : 0);
  }
  internal::SetMutexSpinLimit(internal::kDefaultMutexSpins);
}

// Sections are suspended before before_block runs and are still suspended
// when after_block runs; after_block's ResumeCriticalSections re-locks the
// innermost, and sync's own resume then has nothing left to do.
TEST_F(BlockingHooksTest, SectionsSuspendedBeforeDetachAndResumedByAttach) {
  Mutex a;
  g_section_mutex = &a;
  uint32_t word = 1;
  std::atomic<bool> a_was_free_while_parked{false};
  std::thread t([&] {
    CriticalSection cs(a);
    EXPECT_EQ(parking_lot::Park(&word, 1, 4, kNoTimeout).status, ParkStatus::kUnparked);
    EXPECT_TRUE(a.IsLocked());
    EXPECT_FALSE(CriticalSectionSuspended());
  });
  while (parking_lot::NumParkedForTesting(&word) != 1) std::this_thread::yield();
  // The parked thread's section is suspended: its mutex is free.
  if (a.TryLock()) {
    a_was_free_while_parked = true;
    a.Unlock();
  }
  EXPECT_TRUE(a_was_free_while_parked.load());
  parking_lot::UnparkAll(&word);
  t.join();
  EXPECT_EQ(g_section_locked_at_before.load(), 0);
  EXPECT_EQ(g_section_suspended_at_after.load(), 1);
  EXPECT_FALSE(a.IsLocked());
}

// A hook may park itself (the runtime's detach can take a contended lock);
// the nested park runs the hooks again and nothing breaks.
std::atomic<Mutex*> g_hook_lock{nullptr};
std::atomic<int> g_nested_depth{0};
std::atomic<int> g_max_depth{0};

void* LockingBeforeBlock() {
  int depth = g_nested_depth.fetch_add(1, std::memory_order_relaxed) + 1;
  int seen = g_max_depth.load(std::memory_order_relaxed);
  while (depth > seen && !g_max_depth.compare_exchange_weak(seen, depth)) {
  }
  if (Mutex* m = g_hook_lock.load(std::memory_order_relaxed); m != nullptr && depth == 1) {
    m->Lock();  // contended: parks, calling the hooks at depth 2
    m->Unlock();
  }
  g_nested_depth.fetch_sub(1, std::memory_order_relaxed);
  return nullptr;
}

void NoopAfterBlock(void*) {}

constexpr BlockingHooks kLockingHooks = {&LockingBeforeBlock, &NoopAfterBlock};

TEST(BlockingTest, HookThatParksItself) {
  internal::SetMutexSpinLimit(0);
  Mutex hook_lock;
  g_hook_lock = &hook_lock;
  SetBlockingHooks(&kLockingHooks);
  uint32_t word = 1;
  hook_lock.Lock();
  std::thread t([&] { EXPECT_EQ(parking_lot::Park(&word, 1, 4, kNoTimeout).status, ParkStatus::kUnparked); });
  // The thread first parks on hook_lock (inside its before_block)...
  while (parking_lot::NumParkedForTesting(&hook_lock) != 1) std::this_thread::yield();
  hook_lock.Unlock();
  // ...then on word.
  while (parking_lot::NumParkedForTesting(&word) != 1) std::this_thread::yield();
  parking_lot::UnparkAll(&word);
  t.join();
  SetBlockingHooks(nullptr);
  g_hook_lock = nullptr;
  internal::SetMutexSpinLimit(internal::kDefaultMutexSpins);
  EXPECT_EQ(g_max_depth.load(), 2);
  EXPECT_FALSE(hook_lock.IsLocked());
}

}  // namespace
}  // namespace ftrt
