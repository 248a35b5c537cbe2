// The collector's helper threads (workers.h) and the shared heap walk they
// use (Allocator::ForEachTrackedObjectShared): every part runs at most
// once, the caller's always; a shared walk visits exactly what one walk
// does, each object once, and stops early when asked.
#include "gc/workers.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "gc/gc_testing.h"
#include "gc/testing_types.h"
#include "gtest/gtest.h"
#include "runtime/runtime.h"
#include "tests/test_util.h"

namespace ftrt::gc::internal {
namespace {

using testing_util::Scaled;

TEST(WorkersTest, CallerAlwaysRunsHelpersAtMostOnceAndWorkIsShared) {
  const int rounds = static_cast<int>(Scaled(300, 30));
  for (int round = 0; round < rounds; ++round) {
    const int n = 1 + round % 5;
    std::atomic<int> calls[kMaxGcThreads] = {};
    std::atomic<int> next{0};
    std::vector<std::atomic<int>> done(1000);
    Workers::Get().Run(n, [&](int t) {
      calls[t].fetch_add(1);
      // Dynamic sharing: whoever runs takes items until none is left.
      for (int i = next.fetch_add(1); i < 1000; i = next.fetch_add(1)) done[i].fetch_add(1);
    });
    ASSERT_EQ(calls[0].load(), 1);
    for (int t = 1; t < kMaxGcThreads; ++t) ASSERT_LE(calls[t].load(), t < n ? 1 : 0);
    for (auto& d : done) ASSERT_EQ(d.load(), 1);
  }
}

TEST(WorkersTest, JobsFromSeveralCallersRunOneAfterAnother) {
  std::atomic<int> inside{0}, max_inside{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 3; ++c) {
    callers.emplace_back([&] {
      for (int i = 0; i < static_cast<int>(Scaled(100, 10)); ++i) {
        Workers::Get().Run(2, [&](int t) {
          if (t != 0) return;
          const int now = inside.fetch_add(1) + 1;
          int seen = max_inside.load();
          while (now > seen && !max_inside.compare_exchange_weak(seen, now)) {
          }
          std::this_thread::yield();
          inside.fetch_sub(1);
        });
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(max_inside.load(), 1);
}

class SharedWalkTest : public testing::GcTest {
 protected:
  // Tracked objects of this thread and of an exited one (abandoned pages),
  // kept alive in `keep_`.
  void MakeObjects() {
    const int64_t n = Scaled(50'000, 5'000);
    for (int64_t i = 0; i < n; ++i) keep_.push_back(testing::NewNode(-1));
    std::thread t = Spawn([&] {
      for (int i = 0; i < 3000; ++i) keep_.push_back(testing::NewNode(-1));
    });
    Join(t);
  }
  void TearDown() override {
    keep_.clear();  // before the runtime goes
    testing::GcTest::TearDown();
  }
  std::vector<Ref<testing::Node>> keep_;
};

TEST_F(SharedWalkTest, VisitsExactlyWhatOneWalkVisits) {
  MakeObjects();
  StopTheWorldGuard stop(rt());
  std::set<ObjectHeader*> one;
  rt().allocator().ForEachTrackedObject([&](ObjectHeader* op) { one.insert(op); });
  for (int threads : {1, 2, 4}) {
    std::atomic<size_t> cursor{0};
    std::vector<std::vector<ObjectHeader*>> seen(static_cast<size_t>(threads));
    Workers::Get().Run(threads, [&](int k) {
      rt().allocator().ForEachTrackedObjectShared(cursor, [&](ObjectHeader* op) {
        seen[static_cast<size_t>(k)].push_back(op);
        return true;
      });
    });
    std::set<ObjectHeader*> all;
    size_t total = 0;
    for (auto& v : seen) {
      total += v.size();
      all.insert(v.begin(), v.end());
    }
    EXPECT_EQ(total, one.size()) << threads;  // no object twice
    EXPECT_EQ(all, one) << threads;
  }
  // Early exit: a visitor returning false ends the walk.
  std::atomic<size_t> cursor{0};
  size_t visited = 0;
  rt().allocator().ForEachTrackedObjectShared(cursor, [&](ObjectHeader*) { return ++visited < 10; });
  EXPECT_EQ(visited, 10u);
}

TEST_F(SharedWalkTest, RangesOfUnitsPartitionTheWalk) {
  MakeObjects();
  StopTheWorldGuard stop(rt());
  alloc::Allocator& a = rt().allocator();
  std::vector<ObjectHeader*> one;
  a.ForEachTrackedObject([&](ObjectHeader* op) { one.push_back(op); });
  // Units: a one-thread walk claims each in turn, and one more at its end.
  size_t units = 0;
  {
    std::atomic<size_t> cursor{0};
    a.ForEachTrackedObjectShared(cursor, [](ObjectHeader*) { return true; });
    units = cursor.load(std::memory_order_relaxed) - 1;
  }
  ASSERT_GT(units, 1u);
  // Backwards, one range of units at a time (the collector's count and
  // mark walks): every object exactly once, and each range in the order of
  // the one-thread walk.
  for (size_t block : {size_t{1}, size_t{3}, units}) {
    std::vector<std::vector<ObjectHeader*>> ranges;
    for (size_t end = units; end > 0;) {
      const size_t start = end > block ? end - block : 0;
      std::atomic<size_t> cursor{start};
      ranges.emplace_back();
      EXPECT_TRUE(a.ForEachTrackedObjectShared(
          cursor,
          [&](ObjectHeader* op) {
            ranges.back().push_back(op);
            return true;
          },
          end));
      end = start;
    }
    std::vector<ObjectHeader*> forwards;
    for (auto it = ranges.rbegin(); it != ranges.rend(); ++it) {
      forwards.insert(forwards.end(), it->begin(), it->end());
    }
    EXPECT_EQ(forwards, one) << block;
  }
  // A range whose walk the visitor ends reports it.
  std::atomic<size_t> cursor{0};
  EXPECT_FALSE(a.ForEachTrackedObjectShared(cursor, [](ObjectHeader*) { return false; }, units));
}

}  // namespace
}  // namespace ftrt::gc::internal
