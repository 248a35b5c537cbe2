// Stress tests for object/dict.h's concurrency (issue 7): lock-free lookups
// against inserts, overwrites, deletes, resizes and clears, and insertions
// whose key comparisons suspend the dict's critical section. More threads
// than cores, random yields, a seed from FTRT_TEST_SEED, loop counts scaled
// by FTRT_TEST_SCALE; ASan checks that no lookup touches a freed key,
// value or table.
#include <algorithm>
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/dict.h"
#include "object/errors.h"
#include "object/int.h"
#include "object/str.h"
#include "sync/config.h"
#include "sync/mutex.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Quiescent;
using testing_util::Seed;
using testing_util::TestKeyType;
using DictStressTest = testing_util::RuntimeTest;

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

// Key k as a fresh object each time (equal, never identical, to the stored
// one, so lookups compare): even k an int above the small range, odd k a
// str.
Ref<> Key(int64_t k) {
  if (k % 2 == 0) return *IntFromInt64(1'000'000 + k);
  return *StrFromUtf8("key-" + std::to_string(k));
}

// A value stored under key k by writer w: decodes back to k.
constexpr int64_t kValueMul = 1000;
Ref<> ValueFor(int64_t k, int w, int64_t seq) {
  return *IntFromInt64(k * kValueMul + w * 100 + seq % 100);
}

// Issue 7, test 4: 4 threads insert, overwrite and delete disjoint and
// overlapping key ranges while 4 look up: no lost update within a thread's
// own keys, lookups only ever see values that were stored for that key,
// final contents exact.
TEST_F(DictStressTest, WritersAndReadersOnDisjointAndSharedKeys) {
  constexpr int kWriters = 4, kReaders = 4;
  constexpr int64_t kOwnKeys = 1500, kSharedKeys = 300;
  constexpr int64_t kSharedBase = kWriters * kOwnKeys;
  const int64_t ops = Scaled(60'000, 1'500);
  Ref<> dict = *DictNew();
  std::vector<std::unordered_map<int64_t, int64_t>> models(kWriters);
  std::atomic<int> writers_done{0};
  std::atomic<int64_t> bad{0}, hits{0};
  RunThreads(kWriters + kReaders, [&](int t) {
    std::mt19937_64 rng(Seed() * 101 + static_cast<uint64_t>(t));
    if (t < kWriters) {
      auto& model = models[static_cast<size_t>(t)];
      for (int64_t n = 0; n < ops; ++n) {
        const bool shared = rng() % 4 == 0;
        const int64_t k = shared ? kSharedBase + static_cast<int64_t>(rng() % kSharedKeys)
                                 : t * kOwnKeys + static_cast<int64_t>(rng() % kOwnKeys);
        Ref<> key = Key(k);
        const uint64_t op = rng() % 8;
        if (op < 5) {
          Ref<> v = ValueFor(k, t, n);
          if (!DictSetItem(dict.get(), key.get(), v.get()).ok())
            bad.fetch_add(1, std::memory_order_relaxed);
          if (!shared) model[k] = IntValue(v.get());
        } else if (op < 7) {
          absl::Status s = op == 5 ? DictDelItem(dict.get(), key.get())
                                   : DictPop(dict.get(), key.get()).status();
          const bool had = !shared && model.erase(k) > 0;
          if (s.ok() ? (!shared && !had) : (!IsError(s, ErrorKind::kKeyError) || had)) {
            bad.fetch_add(
                1, std::memory_order_relaxed);  // own keys: the dict must agree with the model
          }
        } else {
          Ref<> v = ValueFor(k, t, n);
          absl::StatusOr<Ref<>> got = DictSetDefault(dict.get(), key.get(), v.get());
          if (!got.ok()) {
            bad.fetch_add(1, std::memory_order_relaxed);
          } else if (!shared) {
            auto it = model.find(k);
            const int64_t expect = it == model.end() ? IntValue(v.get()) : it->second;
            if (IntValue(got->get()) != expect) bad.fetch_add(1, std::memory_order_relaxed);
            model[k] = expect;
          }
        }
        MaybeYield(rng, 128);
        if (n % 64 == 0) Quiescent();
      }
      // The shared keys end with one agreed value each.
      for (int64_t k = kSharedBase; k < kSharedBase + kSharedKeys; ++k) {
        if (!DictSetItem(dict.get(), Key(k).get(), IntFromInt64(k * kValueMul + 999)->get()).ok()) {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
      }
      writers_done.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    int64_t n = 0;
    while (writers_done.load(std::memory_order_acquire) < kWriters) {
      const int64_t k = static_cast<int64_t>(rng() % (kSharedBase + kSharedKeys));
      Ref<> key = Key(k);
      absl::StatusOr<Ref<>> v = DictGetItemRefOrNull(dict.get(), key.get());
      if (!v.ok()) {
        bad.fetch_add(1, std::memory_order_relaxed);
      } else if (*v) {
        hits.fetch_add(1, std::memory_order_relaxed);
        if (!IsInt(v->get()) || IntValue(v->get()) / kValueMul != k)
          bad.fetch_add(1, std::memory_order_relaxed);
      }
      if (rng() % 256 == 0) {
        // A walk: every pair it returns belongs together.
        Py_ssize_t pos = 0;
        Ref<> wk, wv;
        while (DictNext(dict.get(), &pos, &wk, &wv)) {
          const int64_t kk = IsInt(wk.get())
                                 ? IntValue(wk.get()) - 1'000'000
                                 : std::stoll(std::string(StrAsUtf8(wk.get())->substr(4)));
          if (IntValue(wv.get()) / kValueMul != kk) bad.fetch_add(1, std::memory_order_relaxed);
        }
      }
      if (++n % 64 == 0) Quiescent();
      MaybeYield(rng, 256);
    }
  });
  EXPECT_EQ(bad.load(std::memory_order_acquire), 0);
  EXPECT_GT(hits.load(std::memory_order_acquire), 0);
  // Exact final contents.
  int64_t expected_size = kSharedKeys;
  for (int w = 0; w < kWriters; ++w) {
    const auto& model = models[static_cast<size_t>(w)];
    expected_size += static_cast<int64_t>(model.size());
    for (int64_t k = w * kOwnKeys; k < (w + 1) * kOwnKeys; ++k) {
      absl::StatusOr<Ref<>> v = DictGetItemRefOrNull(dict.get(), Key(k).get());
      ASSERT_TRUE(v.ok());
      auto it = model.find(k);
      if (it == model.end()) {
        EXPECT_FALSE(*v) << "key " << k << " should be absent";
      } else {
        ASSERT_TRUE(*v) << "key " << k << " lost";
        EXPECT_EQ(IntValue(v->get()), it->second) << "key " << k;
      }
    }
  }
  for (int64_t k = kSharedBase; k < kSharedBase + kSharedKeys; ++k) {
    EXPECT_EQ(IntValue(DictGetItemRef(dict.get(), Key(k).get())->get()), k * kValueMul + 999);
  }
  EXPECT_EQ(DictSize(dict.get()), expected_size);
}

// A resize storm: readers look up keys already inserted while one writer
// grows the dict from empty through many resizes; every such lookup hits
// with its value. Old tables are freed through QSBR.
TEST_F(DictStressTest, ResizeStormWithReaders) {
  const int64_t total = Scaled(300'000, 10'000);
  Ref<> dict = *DictNew();
  std::atomic<int64_t> inserted{0};
  std::atomic<int64_t> bad{0};
  RunThreads(5, [&](int t) {
    std::mt19937_64 rng(Seed() * 37 + static_cast<uint64_t>(t));
    if (t == 0) {
      for (int64_t k = 0; k < total; ++k) {
        if (!DictSetItem(dict.get(), Key(k).get(), ValueFor(k, 0, 0).get()).ok())
          bad.fetch_add(1, std::memory_order_relaxed);
        inserted.store(k + 1, std::memory_order_release);
        if (k % 4096 == 0) Quiescent();
      }
      return;
    }
    int64_t n = 0;
    while (inserted.load(std::memory_order_acquire) < total) {
      const int64_t upto = inserted.load(std::memory_order_acquire);
      if (upto == 0) continue;
      const int64_t k = static_cast<int64_t>(rng() % static_cast<uint64_t>(upto));
      absl::StatusOr<Ref<>> v = DictGetItemRef(dict.get(), Key(k).get());
      if (!v.ok() || IntValue(v->get()) / kValueMul != k)
        bad.fetch_add(1, std::memory_order_relaxed);
      if (++n % 128 == 0) Quiescent();
      MaybeYield(rng, 1024);
    }
  });
  EXPECT_EQ(bad.load(std::memory_order_acquire), 0);
  EXPECT_EQ(DictSize(dict.get()), total);
}

// Code we do not control: every key collides and each __eq__ takes a
// contended ftrt::Mutex, so the comparing thread blocks and its section on
// the dict is suspended while other threads insert into the same dict.
// Insertions must restart when the table changed under them: at the end
// every key is present exactly once with its value.
TEST_F(DictStressTest, InsertionsWhoseKeyComparisonsSuspendTheSection) {
  constexpr int kThreads = 4;
  const int64_t per_thread = Scaled(150, 30);
  TestKeyType keys(7);  // 7 hash values: long collision chains
  static Mutex g_eq_lock;
  keys.on_eq = [](PyObject*, PyObject*) {
    MutexLock l(g_eq_lock);  // contended: blocking suspends the dict's section
    std::this_thread::yield();
  };
  Ref<> dict = *DictNew();
  std::atomic<int64_t> bad{0};
  RunThreads(kThreads, [&](int t) {
    std::mt19937_64 rng(Seed() * 41 + static_cast<uint64_t>(t));
    for (int64_t i = 0; i < per_thread; ++i) {
      // Interleaved ranges, and every key also inserted by one other thread.
      const int64_t k = i * kThreads + t;
      for (int64_t kk : {k, i * kThreads + (t + 1) % kThreads}) {
        Ref<> key = keys.Make(kk);
        if (!DictSetItem(dict.get(), key.get(), IntFromInt64(kk)->get()).ok())
          bad.fetch_add(1, std::memory_order_relaxed);
      }
      if (rng() % 4 == 0) {
        absl::StatusOr<Ref<>> v = DictGetItemRefOrNull(dict.get(), keys.Make(k).get());
        if (!v.ok() || !*v || IntValue(v->get()) != k) bad.fetch_add(1, std::memory_order_relaxed);
      }
      if (i % 16 == 0) Quiescent();
    }
  });
  keys.on_eq = nullptr;
  EXPECT_EQ(bad.load(std::memory_order_acquire), 0);
  const int64_t total = per_thread * kThreads;
  EXPECT_EQ(DictSize(dict.get()), total);
  std::vector<int64_t> seen;
  std::vector<std::pair<Ref<>, Ref<>>> items = *DictItems(dict.get());
  for (auto& [k, v] : items) {
    EXPECT_EQ(TestKeyType::Value(k.get()), IntValue(v.get()));
    seen.push_back(TestKeyType::Value(k.get()));
  }
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(static_cast<int64_t>(seen.size()), total);
  for (int64_t k = 0; k < total; ++k) EXPECT_EQ(seen[static_cast<size_t>(k)], k);
}

// Clears and overwrites racing lock-free readers on identical keys: the
// values returned are live and were stored.
TEST_F(DictStressTest, ClearsAndOverwritesAgainstReaders) {
  const int64_t rounds = Scaled(20'000, 500);
  constexpr int64_t kKeys = 64;
  std::vector<Ref<>> key_objects;
  for (int64_t k = 0; k < kKeys; ++k) key_objects.push_back(Key(k));
  Ref<> dict = *DictNew();
  std::atomic<bool> done{false};
  std::atomic<int64_t> bad{0};
  RunThreads(5, [&](int t) {
    std::mt19937_64 rng(Seed() * 43 + static_cast<uint64_t>(t));
    if (t == 0) {
      for (int64_t r = 0; r < rounds; ++r) {
        const int64_t k = static_cast<int64_t>(rng() % kKeys);
        if (r % 97 == 0) {
          if (!DictClear(dict.get()).ok()) bad.fetch_add(1, std::memory_order_relaxed);
        } else if (!DictSetItem(dict.get(), key_objects[static_cast<size_t>(k)].get(),
                                ValueFor(k, 0, r).get())
                        .ok()) {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
        if (r % 32 == 0) Quiescent();
      }
      done.store(true, std::memory_order_release);
      return;
    }
    int64_t n = 0;
    while (!done.load(std::memory_order_acquire)) {
      const int64_t k = static_cast<int64_t>(rng() % kKeys);
      absl::StatusOr<Ref<>> v =
          DictGetItemRefOrNull(dict.get(), key_objects[static_cast<size_t>(k)].get());
      if (!v.ok() || (*v && IntValue(v->get()) / kValueMul != k))
        bad.fetch_add(1, std::memory_order_relaxed);
      if (++n % 64 == 0) Quiescent();
      MaybeYield(rng, 128);
    }
  });
  EXPECT_EQ(bad.load(std::memory_order_acquire), 0);
}

}  // namespace
}  // namespace ftrt
