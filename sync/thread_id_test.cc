// The fast thread id is non-zero, stable within a thread and distinct
// between threads that are alive at the same time.
#include "sync/thread_id.h"

#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace ftrt {
namespace {

TEST(ThreadIdTest, NonZeroAndStable) {
  uintptr_t a = CurrentThreadId();
  EXPECT_NE(a, 0u);
  EXPECT_EQ(a, CurrentThreadId());
}

TEST(ThreadIdTest, DistinctAmongLiveThreads) {
  constexpr int kThreads = 8;
  std::vector<uintptr_t> ids(kThreads);
  std::atomic<int> arrived{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ids[i] = CurrentThreadId();
      arrived.fetch_add(1, std::memory_order_acq_rel);
      // Stay alive until all have read their id, so none is reused.
      while (arrived.load(std::memory_order_acquire) < kThreads) std::this_thread::yield();
    });
  }
  for (auto& t : threads) t.join();
  std::set<uintptr_t> unique(ids.begin(), ids.end());
  unique.insert(CurrentThreadId());
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads + 1));
  EXPECT_EQ(unique.count(0), 0u);
}

}  // namespace
}  // namespace ftrt
