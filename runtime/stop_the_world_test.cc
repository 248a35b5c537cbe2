// Tests of stop_the_world.cc: stops against attached, detached and
// re-attaching threads; concurrent stoppers; threads born during a stop;
// ForEachThread.
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/runtime.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Scaled;
using testing_util::Seed;

TEST(StopTheWorldTest, AloneIsImmediate) {
  auto rt = Runtime::Init();
  rt->StopTheWorld();  // no thread state at all
  EXPECT_TRUE(rt->WorldStoppedByCaller());
  rt->StartTheWorld();
  EXPECT_FALSE(rt->WorldStoppedByCaller());
  AttachGuard g(*rt);
  {
    StopTheWorldGuard stop(*rt);  // attached requester keeps running
    EXPECT_EQ(ThreadState::Current()->status(), ThreadStatus::kAttached);
    Safepoint();  // the requester never parks for its own stop
  }
  EXPECT_EQ(rt->GetStats().stops, 2u);
}

// 8 threads alternate attached work (bumping a counter only while
// attached) and detached sleeps. During each stop the counter does not
// move; after each restart every thread runs again.
TEST(StopTheWorldTest, StopsAttachedAndDetachedThreads) {
  auto rt = Runtime::Init();
  constexpr int kThreads = 8;
  std::atomic<uint64_t> attached_work{0};
  std::atomic<uint64_t> progress[kThreads];
  for (auto& p : progress) p.store(0);
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::minstd_rand rng(static_cast<uint32_t>(Seed() + i));
      AttachGuard g(*rt);
      ThreadState* ts = ThreadState::Current();
      while (!done.load(std::memory_order_relaxed)) {
        const int n = 1 + static_cast<int>(rng() % 50);
        for (int j = 0; j < n; ++j) {
          attached_work.fetch_add(1, std::memory_order_relaxed);
          ts->Safepoint();
        }
        progress[i].fetch_add(1, std::memory_order_relaxed);
        DetachGuard d;
        if (rng() % 3 == 0) {
          std::this_thread::sleep_for(std::chrono::microseconds(rng() % 50));
        } else {
          std::this_thread::yield();
        }
      }
    });
  }
  // Wait until every thread has its state.
  while (rt->GetStats().threads < static_cast<uint64_t>(kThreads)) std::this_thread::yield();
  std::minstd_rand rng(static_cast<uint32_t>(Seed()));
  const long stops = Scaled(300, 20);
  for (long s = 0; s < stops; ++s) {
    uint64_t before[kThreads];
    for (int i = 0; i < kThreads; ++i) before[i] = progress[i].load(std::memory_order_relaxed);
    rt->StopTheWorld();
    const uint64_t frozen = attached_work.load(std::memory_order_relaxed);
    for (int k = 0; k < 5; ++k) {
      if (rng() % 2 == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 200));
      } else {
        std::this_thread::yield();
      }
      ASSERT_EQ(attached_work.load(std::memory_order_relaxed), frozen) << "stop " << s;
    }
    // Every thread is suspended, whether it was attached or detached.
    int seen = 0;
    rt->ForEachThread([&](ThreadState* ts) {
      ++seen;
      EXPECT_EQ(ts->status(), ThreadStatus::kSuspended);
    });
    EXPECT_EQ(seen, kThreads);
    rt->StartTheWorld();
    // Every thread resumes.
    for (int i = 0; i < kThreads; ++i) {
      while (progress[i].load(std::memory_order_relaxed) <= before[i]) std::this_thread::yield();
    }
  }
  done.store(true);
  for (auto& t : threads) t.join();
  EXPECT_EQ(rt->GetStats().stops, static_cast<uint64_t>(stops));
}

// Stops repeat every few microseconds while a thread keeps detaching and
// re-attaching: it still gets in (StartTheWorld hands "attached" to a
// waiting thread), about once per two stops. The run is bounded by the
// number of stops, not by time.
TEST(StopTheWorldTest, ReattachingThreadIsNotStarved) {
  auto rt = Runtime::Init();
  std::atomic<uint64_t> attaches{0};
  std::atomic<bool> done{false};
  std::atomic<uint64_t> busy_work{0};
  std::thread reattacher([&] {
    while (!done.load(std::memory_order_relaxed)) {
      AttachGuard g(*rt);
      attaches.fetch_add(1, std::memory_order_relaxed);
      Safepoint();
    }
  });
  // Two more attached threads spinning on safepoints: more threads than
  // cores, and each stop has to wait for them.
  std::vector<std::thread> busy;
  for (int i = 0; i < 2; ++i) {
    busy.emplace_back([&] {
      AttachGuard g(*rt);
      while (!done.load(std::memory_order_relaxed)) {
        busy_work.fetch_add(1, std::memory_order_relaxed);
        Safepoint();
      }
    });
  }
  while (attaches.load() == 0) std::this_thread::yield();
  const long stops = Scaled(10000, 1000);
  const uint64_t start = attaches.load();
  for (long s = 0; s < stops; ++s) {
    rt->StopTheWorld();
    rt->StartTheWorld();
    // A few microseconds between stops.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(3);
    while (std::chrono::steady_clock::now() < until) {
    }
  }
  const uint64_t during = attaches.load() - start;
  done.store(true);
  reattacher.join();
  for (auto& t : busy) t.join();
  // At least one attach per ~3 stops (the bound is structural, not a
  // timing: each restart hands the waiting thread "attached", and the next
  // stop cannot complete before it parks again).
  EXPECT_GE(during, static_cast<uint64_t>(stops / 4)) << "stops " << stops;
}

// Several threads stop the world concurrently (attached ones and one with
// no thread state): stops never overlap, and attached work never runs
// during any of them.
TEST(StopTheWorldTest, ConcurrentStoppersTakeTurns) {
  auto rt = Runtime::Init();
  std::atomic<int> in_stop{0};
  std::atomic<uint64_t> work{0};
  std::atomic<bool> done{false};
  std::atomic<int> violations{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 3; ++i) {
    workers.emplace_back([&] {
      AttachGuard g(*rt);
      while (!done.load(std::memory_order_relaxed)) {
        if (in_stop.load(std::memory_order_relaxed) != 0) {
          violations.fetch_add(1, std::memory_order_relaxed);  // running during a stop
        }
        work.fetch_add(1, std::memory_order_relaxed);
        Safepoint();
      }
    });
  }
  const long rounds = Scaled(1000, 100);
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 4; ++i) {
    stoppers.emplace_back([&, i] {
      std::minstd_rand rng(static_cast<uint32_t>(Seed() + 100 + i));
      std::unique_ptr<AttachGuard> g;
      if (i != 0) g = std::make_unique<AttachGuard>(*rt);  // stopper 0 has no state
      for (long r = 0; r < rounds; ++r) {
        rt->StopTheWorld();
        EXPECT_EQ(in_stop.fetch_add(1), 0);
        const uint64_t w = work.load(std::memory_order_relaxed);
        if (rng() % 4 == 0) std::this_thread::yield();
        EXPECT_EQ(work.load(std::memory_order_relaxed), w);
        in_stop.fetch_sub(1);
        rt->StartTheWorld();
        if (g != nullptr) Safepoint();
      }
    });
  }
  for (auto& t : stoppers) t.join();
  done.store(true);
  for (auto& t : workers) t.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(rt->GetStats().stops, static_cast<uint64_t>(4 * rounds));
}

// A thread that first attaches during a stop waits for the restart.
TEST(StopTheWorldTest, ThreadBornDuringAStopWaits) {
  auto rt = Runtime::Init();
  std::atomic<bool> attached{false};
  std::atomic<bool> trying{false};
  rt->StopTheWorld();
  std::thread t([&] {
    trying.store(true);
    AttachGuard g(*rt);
    attached.store(true);
  });
  while (!trying.load()) std::this_thread::yield();
  for (int i = 0; i < 100; ++i) std::this_thread::yield();
  EXPECT_FALSE(attached.load());
  rt->StartTheWorld();
  t.join();
  EXPECT_TRUE(attached.load());
}

// ForEachThread sees every initialised state, the caller's included, and
// the states' heaps and slots while the world is stopped.
TEST(StopTheWorldTest, ForEachThreadSeesEveryState) {
  auto rt = Runtime::Init();
  const SlotId slot = rt->AddSlot();
  constexpr int kThreads = 5;
  std::atomic<int> ready{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      AttachGuard g(*rt);
      ThreadState::Current()->set_slot(slot, reinterpret_cast<void*>(uintptr_t{1} + i));
      ready.fetch_add(1);
      while (!done.load(std::memory_order_relaxed)) {
        Safepoint();
        if (i % 2 == 0) {
          DetachGuard d;
          std::this_thread::yield();
        }
      }
    });
  }
  while (ready.load() < kThreads) std::this_thread::yield();
  AttachGuard g(*rt);
  ThreadState::Current()->set_slot(slot, reinterpret_cast<void*>(uintptr_t{100}));
  for (int round = 0; round < 20; ++round) {
    StopTheWorldGuard stop(*rt);
    int n = 0;
    uintptr_t sum = 0;
    rt->ForEachThread([&](ThreadState* ts) {
      ++n;
      EXPECT_NE(ts->heap(), nullptr);
      sum += reinterpret_cast<uintptr_t>(ts->slot(slot));
      if (ts != ThreadState::Current()) {
        EXPECT_EQ(ts->status(), ThreadStatus::kSuspended);
      }
    });
    EXPECT_EQ(n, kThreads + 1);
    EXPECT_EQ(sum, uintptr_t{100} + 1 + 2 + 3 + 4 + 5);
  }
  done.store(true);
  for (auto& t : threads) t.join();
}

}  // namespace
}  // namespace ftrt
