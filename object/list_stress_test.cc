// Stress tests for object/list.h's concurrency (issue 7): lock-free
// GetItemRef against appends, pops, overwrites and resizes. More threads
// than cores, random yields, a seed from FTRT_TEST_SEED, loop counts scaled
// by FTRT_TEST_SCALE. Under ASan, a reader touching an item or an array
// that was freed under it is reported; under TSan, any unsynchronized
// access.
#include <algorithm>
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/errors.h"
#include "object/int.h"
#include "object/list.h"
#include "object/refcount.h"
#include "sync/config.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::IntValues;
using testing_util::Quiescent;
using testing_util::Seed;
using ListStressTest = testing_util::RuntimeTest;

// Occasionally yields, so threads interleave at many points.
// Loop counts: testing_util::Scaled, and a further 4x less under ASan,
// where gcc 12's use-after-return instrumentation (detect_stack_use_after_
// return=1) makes every instrumented call far slower once a thread's fake
// stack has filled (some frames never release theirs).
long Scaled(long n, long floor) {
  return std::max(floor, testing_util::Scaled(n, floor) / (kAsan ? 4 : 1));
}

void MaybeYield(std::mt19937_64& rng, int one_in) {
  if (rng() % static_cast<uint64_t>(one_in) == 0) std::this_thread::yield();
}

// A fresh int object (values above the small-int range are never shared):
// the caller's reference is its only one.
Ref<> Fresh(int64_t v) { return *IntFromInt64(v); }

// Issue 7, test 1: 4 writers append 100k distinct items each while 4
// readers call GetItemRef at random indices. Every read is a live item that
// was appended, or an IndexError; at the end each item is there once.
TEST_F(ListStressTest, WritersAppendWhileReadersGetItemRef) {
  constexpr int kWriters = 4, kReaders = 4;
  constexpr int64_t kBase = 1'000'000, kStride = 10'000'000;
  const int64_t per_writer = Scaled(100'000, 2'000);
  Ref<> list = *ListNew();
  std::atomic<int> writers_done{0};
  std::atomic<int64_t> bad_reads{0}, good_reads{0};
  RunThreads(kWriters + kReaders, [&](int t) {
    std::mt19937_64 rng(Seed() + static_cast<uint64_t>(t));
    if (t < kWriters) {
      for (int64_t k = 0; k < per_writer; ++k) {
        // The list gets the only reference once `item` goes.
        Ref<> item = Fresh(kBase + t * kStride + k);
        ASSERT_TRUE(ListAppend(list.get(), item.get()).ok());
        MaybeYield(rng, 512);
      }
      writers_done.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    int64_t n = 0;
    while (writers_done.load(std::memory_order_acquire) < kWriters) {
      const Py_ssize_t size = ListSize(list.get());
      const Py_ssize_t i = static_cast<Py_ssize_t>(rng() % static_cast<uint64_t>(size + 2));
      absl::StatusOr<Ref<>> r = ListGetItemRef(list.get(), i);
      if (r.ok()) {
        const int64_t v = IntValue(r->get());
        const int64_t w = (v - kBase) / kStride, k = (v - kBase) % kStride;
        if (!IsInt(r->get()) || v < kBase || w < 0 || w >= kWriters || k >= per_writer) {
          bad_reads.fetch_add(1, std::memory_order_relaxed);
        }
        good_reads.fetch_add(1, std::memory_order_relaxed);
      } else if (!IsError(r.status(), ErrorKind::kIndexError) || i < size) {
        bad_reads.fetch_add(1, std::memory_order_relaxed);  // only an index past the end may fail
      }
      if (++n % 64 == 0) Quiescent();
      MaybeYield(rng, 256);
    }
  });
  EXPECT_EQ(bad_reads.load(std::memory_order_acquire), 0);
  EXPECT_GT(good_reads.load(std::memory_order_acquire), 0);
  std::vector<int64_t> values = IntValues(list.get());
  ASSERT_EQ(static_cast<int64_t>(values.size()), kWriters * per_writer);
  std::sort(values.begin(), values.end());
  size_t i = 0;
  for (int64_t w = 0; w < kWriters; ++w) {
    for (int64_t k = 0; k < per_writer; ++k, ++i) {
      ASSERT_EQ(values[i], kBase + w * kStride + k);
    }
  }
}

// Issue 7, test 2: concurrent pops and appends/inserts with a fixed total:
// nothing lost or duplicated.
TEST_F(ListStressTest, PopAndAppendKeepAFixedTotal) {
  constexpr int kThreads = 5;
  constexpr int64_t kItems = 1000, kBase = 5000;
  const int64_t iterations = Scaled(60'000, 1'000);
  Ref<> list = *ListNew();
  for (int64_t v = 0; v < kItems; ++v)
    ASSERT_TRUE(ListAppend(list.get(), Fresh(kBase + v).get()).ok());
  std::atomic<int64_t> errors{0};
  RunThreads(kThreads, [&](int t) {
    std::mt19937_64 rng(Seed() * 31 + static_cast<uint64_t>(t));
    for (int64_t n = 0; n < iterations; ++n) {
      // Each thread holds at most one item, so the list never empties.
      const Py_ssize_t at = static_cast<Py_ssize_t>(rng() % kItems) - kItems / 2;
      absl::StatusOr<Ref<>> item = ListPop(list.get(), at);
      if (!item.ok()) {
        if (!IsError(item.status(), ErrorKind::kIndexError))
          errors.fetch_add(1, std::memory_order_relaxed);
        continue;  // `at` was past the end at that moment: retry
      }
      MaybeYield(rng, 64);
      absl::Status put;
      switch (rng() % 3) {
        case 0:
          put = ListAppend(list.get(), item->get());
          break;
        case 1:
          put = ListInsert(list.get(), static_cast<Py_ssize_t>(rng() % kItems), item->get());
          break;
        default:
          put = ListInsert(list.get(), -static_cast<Py_ssize_t>(rng() % 8), item->get());
          break;
      }
      if (!put.ok()) errors.fetch_add(1, std::memory_order_relaxed);
      if (n % 1024 == 0) {
        if (!ListReverse(list.get()).ok()) errors.fetch_add(1, std::memory_order_relaxed);
      }
      if (n % 64 == 0) Quiescent();
    }
  });
  EXPECT_EQ(errors.load(std::memory_order_acquire), 0);
  std::vector<int64_t> values = IntValues(list.get());
  ASSERT_EQ(static_cast<int64_t>(values.size()), kItems);
  std::sort(values.begin(), values.end());
  for (int64_t v = 0; v < kItems; ++v) ASSERT_EQ(values[static_cast<size_t>(v)], kBase + v);
}

// Issue 7, test 3: readers race removal. 4 threads call GetItemRef (and
// iterate) while 2 threads pop and overwrite items whose last reference
// the list holds, so items are freed under the readers' feet. Every read
// is a live item or a clean miss; ASan sees no use of freed memory.
TEST_F(ListStressTest, ReadersRaceRemovalOfLastReferences) {
  constexpr int kReaders = 4, kWriters = 2;
  constexpr int64_t kItems = 256, kBase = 1'000'000;
  const int64_t iterations = Scaled(100'000, 2'000);
  Ref<> list = *ListNew();
  for (int64_t v = 0; v < kItems; ++v)
    ASSERT_TRUE(ListAppend(list.get(), Fresh(kBase + v).get()).ok());
  std::atomic<int> writers_done{0};
  std::atomic<int64_t> bad{0}, hits{0}, misses{0};
  RunThreads(kReaders + kWriters, [&](int t) {
    std::mt19937_64 rng(Seed() * 7 + static_cast<uint64_t>(t));
    if (t < kWriters) {
      int64_t next = kBase + kItems + t * 100'000'000;
      for (int64_t n = 0; n < iterations; ++n) {
        const Py_ssize_t at = static_cast<Py_ssize_t>(rng() % kItems);
        if (rng() % 2 == 0) {
          // Overwrite: the old item's last reference goes when the list's
          // section ends.
          Ref<> fresh = Fresh(next++);
          absl::Status s = ListSetItem(list.get(), at, fresh.get());
          if (!s.ok() && !IsError(s, ErrorKind::kIndexError))
            bad.fetch_add(1, std::memory_order_relaxed);
        } else {
          // Pop (dropped here: freed) and refill at the end.
          absl::StatusOr<Ref<>> popped = ListPop(list.get(), at);
          if (!popped.ok()) {
            // The other writer's pop made `at` the end for a moment.
            if (!IsError(popped.status(), ErrorKind::kIndexError))
              bad.fetch_add(1, std::memory_order_relaxed);
          } else {
            popped = absl::StatusOr<Ref<>>(Ref<>());
            if (!ListAppend(list.get(), Fresh(next++).get()).ok())
              bad.fetch_add(1, std::memory_order_relaxed);
          }
        }
        MaybeYield(rng, 32);
        if (n % 64 == 0) Quiescent();
      }
      writers_done.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    int64_t n = 0;
    while (writers_done.load(std::memory_order_acquire) < kWriters) {
      if (rng() % 64 == 0) {
        // Iteration: only live items, and it always ends.
        Py_ssize_t i = 0;
        int64_t count = 0;
        while (Ref<> item = ListNext(list.get(), &i)) {
          if (!IsInt(item.get()) || IntValue(item.get()) < kBase)
            bad.fetch_add(1, std::memory_order_relaxed);
          ++count;
        }
        if (count > kItems + kWriters) bad.fetch_add(1, std::memory_order_relaxed);
      } else {
        const Py_ssize_t i = static_cast<Py_ssize_t>(rng() % (kItems + 4));
        absl::StatusOr<Ref<>> r = ListGetItemRef(list.get(), i);
        if (r.ok()) {
          hits.fetch_add(1, std::memory_order_relaxed);
          if (!IsInt(r->get()) || IntValue(r->get()) < kBase)
            bad.fetch_add(1, std::memory_order_relaxed);
        } else if (IsError(r.status(), ErrorKind::kIndexError)) {
          misses.fetch_add(1, std::memory_order_relaxed);
        } else {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
      }
      if (++n % 32 == 0) Quiescent();
      MaybeYield(rng, 128);
    }
  });
  EXPECT_EQ(bad.load(std::memory_order_acquire), 0);
  EXPECT_GT(hits.load(std::memory_order_acquire), 0);
  EXPECT_EQ(ListSize(list.get()), kItems);
  for (int64_t v : IntValues(list.get())) EXPECT_GE(v, kBase);
}

// Issue 7, test 5: a resize storm. The list grows from 0 to 1M items while
// readers read: the list only grows, so every index below a size seen is
// readable and holds its value. Old arrays are freed through QSBR (ASan:
// no use after free).
TEST_F(ListStressTest, ResizeStormWithReaders) {
  constexpr int kReaders = 4;
  const int64_t total = Scaled(1'000'000, 20'000);
  Ref<> list = *ListNew();
  std::atomic<bool> done{false};
  std::atomic<int64_t> bad{0}, reads{0};
  RunThreads(kReaders + 1, [&](int t) {
    std::mt19937_64 rng(Seed() * 13 + static_cast<uint64_t>(t));
    if (t == 0) {
      for (int64_t v = 0; v < total; ++v) {
        ASSERT_TRUE(ListAppend(list.get(), Fresh(v).get()).ok());
        if (v % 4096 == 0) {
          Quiescent();
          MaybeYield(rng, 2);
        }
      }
      done.store(true, std::memory_order_release);
      return;
    }
    int64_t n = 0;
    while (!done.load(std::memory_order_acquire)) {
      const Py_ssize_t size = ListSize(list.get());
      if (size == 0) continue;
      const Py_ssize_t i = static_cast<Py_ssize_t>(rng() % static_cast<uint64_t>(size));
      absl::StatusOr<Ref<>> r = ListGetItemRef(list.get(), i);
      if (!r.ok() || IntValue(r->get()) != i) bad.fetch_add(1, std::memory_order_relaxed);
      reads.fetch_add(1, std::memory_order_relaxed);
      if (++n % 128 == 0) Quiescent();
      MaybeYield(rng, 1024);
    }
  });
  EXPECT_EQ(bad.load(std::memory_order_acquire), 0);
  EXPECT_GT(reads.load(std::memory_order_acquire), 0);
  ASSERT_EQ(ListSize(list.get()), total);
  std::vector<int64_t> values = IntValues(list.get());
  for (int64_t v = 0; v < total; ++v) ASSERT_EQ(values[static_cast<size_t>(v)], v);
}

// Sorting, clearing and slice assignment racing lock-free readers: reads
// stay live items or clean misses; nothing crashes.
TEST_F(ListStressTest, WholeListMutationsAgainstReaders) {
  const int64_t rounds = Scaled(3'000, 100);
  Ref<> list = *ListNew();
  std::atomic<bool> done{false};
  std::atomic<int64_t> bad{0};
  RunThreads(5, [&](int t) {
    std::mt19937_64 rng(Seed() * 17 + static_cast<uint64_t>(t));
    if (t == 0) {
      for (int64_t r = 0; r < rounds; ++r) {
        std::vector<Ref<>> fresh;
        std::vector<PyObject*> raw;
        for (int k = 0; k < 64; ++k) {
          fresh.push_back(Fresh(1000 + static_cast<int64_t>(rng() % 100000)));
          raw.push_back(fresh.back().get());
        }
        Ref<> src = *ListFromItems(raw);
        fresh.clear();
        switch (r % 4) {
          case 0:
            if (!ListSetSlice(list.get(), 0, PY_SSIZE_T_MAX, src.get()).ok())
              bad.fetch_add(1, std::memory_order_relaxed);
            break;
          case 1:
            if (!ListSort(list.get()).ok()) bad.fetch_add(1, std::memory_order_relaxed);
            break;
          case 2:
            if (!ListExtend(list.get(), src.get()).ok())
              bad.fetch_add(1, std::memory_order_relaxed);
            break;
          default:
            if (!ListClear(list.get()).ok()) bad.fetch_add(1, std::memory_order_relaxed);
            break;
        }
        if (r % 8 == 0) Quiescent();
      }
      done.store(true, std::memory_order_release);
      return;
    }
    int64_t n = 0;
    while (!done.load(std::memory_order_acquire)) {
      absl::StatusOr<Ref<>> r = ListGetItemRef(list.get(), static_cast<Py_ssize_t>(rng() % 130));
      if (r.ok() ? IntValue(r->get()) < 1000 : !IsError(r.status(), ErrorKind::kIndexError)) {
        bad.fetch_add(1, std::memory_order_relaxed);
      }
      if (++n % 64 == 0) Quiescent();
      MaybeYield(rng, 64);
    }
  });
  EXPECT_EQ(bad.load(std::memory_order_acquire), 0);
}

}  // namespace
}  // namespace ftrt
