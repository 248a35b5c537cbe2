// Weak references: creation, reuse, upgrade, clearing, callbacks, and the
// lifecycle test "weak reference upgraded while another thread drops the
// last strong one" (either a live object or none, never freed memory).
#include "object/weakref.h"

#include <cstdio>
#include <memory>
#include <random>
#include <thread>

#include "gtest/gtest.h"
#include "object/dealloc.h"
#include "object/object.h"
#include "object/refcount_testing.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Counters;
using testing_util::NewTestObject;
using testing_util::SharedState;
using testing_util::SpinUntil;
using testing_util::TestObject;

class WeakRefTest : public testing_util::RuntimeTest {};

TEST_F(WeakRefTest, TypesWithoutAWeakListAreRefused) {
  HeapTypeSpec spec;
  spec.name = "test.NoWeak";
  absl::StatusOr<Ref<PyTypeObject>> type = NewHeapType(spec);
  ASSERT_TRUE(type.ok());
  Ref<> obj = NewObject((*type).get());
  absl::StatusOr<Ref<WeakRefObject>> wr = NewWeakRef(obj.get());
  EXPECT_EQ(wr.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(wr.status().message().find("test.NoWeak"), std::string::npos);
}

TEST_F(WeakRefTest, UpgradeWhileAliveNothingAfter) {
  Ref<TestObject> obj = NewTestObject(5);
  ObjectHeader* h = obj.header();
  absl::StatusOr<Ref<WeakRefObject>> wr = NewWeakRef(h);
  ASSERT_TRUE(wr.ok());
  EXPECT_EQ((*wr)->wr_object, h);
  EXPECT_EQ(SharedState(h), kRefMaybeWeakref);  // set before linking
  EXPECT_EQ(WeakRefCount(h), 1);
  {
    Ref<> up = WeakRefGet(wr->get());
    ASSERT_TRUE(up);
    EXPECT_EQ(up.get(), h);
    EXPECT_EQ(Refcount(h), 2);
  }
  obj.Reset();
  EXPECT_EQ(Counters().deallocs.load(), 1);
  EXPECT_FALSE(WeakRefGet(wr->get()));
  EXPECT_EQ((*wr)->wr_object, nullptr);
}

TEST_F(WeakRefTest, BasicReferenceIsReusedCallbackOnesAreNot) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  absl::StatusOr<Ref<WeakRefObject>> a = NewWeakRef(h);
  absl::StatusOr<Ref<WeakRefObject>> b = NewWeakRef(h);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
  absl::StatusOr<Ref<ObjectHeader>> cb = NewWeakCallback([](WeakRefObject*, void*) {}, nullptr);
  ASSERT_TRUE(cb.ok());
  absl::StatusOr<Ref<WeakRefObject>> c = NewWeakRef(h, cb->get());
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->get(), a->get());
  EXPECT_EQ(WeakRefCount(h), 2);
  // The basic one stays first, so it is still found and reused.
  absl::StatusOr<Ref<WeakRefObject>> d = NewWeakRef(h);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->get(), a->get());
}

TEST_F(WeakRefTest, WeakReferenceDyingFirstUnlinksItself) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  {
    absl::StatusOr<Ref<WeakRefObject>> wr = NewWeakRef(h);
    ASSERT_TRUE(wr.ok());
    EXPECT_EQ(WeakRefCount(h), 1);
  }
  EXPECT_EQ(WeakRefCount(h), 0);
  EXPECT_EQ(obj->weaklist, nullptr);
  obj.Reset();
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

void CountCall(WeakRefObject*, void* arg) { static_cast<std::atomic<int>*>(arg)->fetch_add(1); }

TEST_F(WeakRefTest, CallbackRunsOnceOnlyForLiveWeakReferences) {
  std::atomic<int> calls{0};
  absl::StatusOr<Ref<ObjectHeader>> cb = NewWeakCallback(CountCall, &calls);
  ASSERT_TRUE(cb.ok());
  Ref<TestObject> obj = NewTestObject();
  absl::StatusOr<Ref<WeakRefObject>> kept = NewWeakRef(obj.header(), cb->get());
  absl::StatusOr<Ref<WeakRefObject>> dropped = NewWeakRef(obj.header(), cb->get());
  ASSERT_TRUE(kept.ok() && dropped.ok());
  dropped->Reset();  // dead before the referent: no callback for it
  obj.Reset();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_FALSE(WeakRefGet(kept->get()));
}

TEST_F(WeakRefTest, ClearWeakRefsIsANoOpAfterDealloc) {
  std::atomic<int> calls{0};
  absl::StatusOr<Ref<ObjectHeader>> cb = NewWeakCallback(CountCall, &calls);
  Ref<TestObject> obj = NewTestObject();
  absl::StatusOr<Ref<WeakRefObject>> wr = NewWeakRef(obj.header(), cb->get());
  ASSERT_TRUE(wr.ok());
  ClearWeakRefs(obj.header());  // a type's own tp_dealloc may call it early
  EXPECT_EQ(calls.load(), 1);
  EXPECT_FALSE(WeakRefGet(wr->get()));
  obj.Reset();
  EXPECT_EQ(calls.load(), 1);
}

// Two threads meet here, round after round (spinning with safepoints).
class SpinBarrier {
 public:
  void Wait() {
    const int gen = gen_.load(std::memory_order_acquire);
    if (count_.fetch_add(1, std::memory_order_acq_rel) == 1) {
      count_.store(0, std::memory_order_relaxed);
      gen_.store(gen + 1, std::memory_order_release);
    } else {
      SpinUntil([&] { return gen_.load(std::memory_order_acquire) != gen; });
    }
  }

 private:
  std::atomic<int> count_{0};
  std::atomic<int> gen_{0};
};

// The lifecycle transition "weak reference upgraded while another thread
// drops the last strong one". Round after round, thread A makes an object
// and a weak reference to it; then one thread drops the last strong
// reference while the other upgrades. With owner_drops_last the dropper is
// A, the owner (T3 on a MAYBE_WEAKREF object); otherwise A first merges
// the object by dropping its own reference and B, a non-owner, drops the
// last (T5), while A upgrades. The upgrade returns either the live object
// (with the right id) or nothing; every object is freed exactly once; ASan
// sees no use of freed memory.
class WeakRefRaceTest : public testing_util::RuntimeTest,
                        public ::testing::WithParamInterface<bool> {};

TEST_P(WeakRefRaceTest, UpgradeRacesTheLastDecrement) {
  const bool owner_drops_last = GetParam();
  const long rounds = testing_util::Scaled(20000, 300);
  auto per_id = std::make_unique<std::atomic<int>[]>(rounds);
  Counters().per_id_size.store(rounds);
  Counters().per_id.store(per_id.get());
  std::atomic<WeakRefObject*> cur_wr{nullptr};
  std::atomic<ObjectHeader*> cur_obj{nullptr};
  std::atomic<long> live{0}, none{0};
  SpinBarrier barrier;
  const uint64_t seed = testing_util::Seed();

  // Returns whether the upgrade found the object alive.
  auto upgrade = [&](long r) {
    Ref<> up = WeakRefGet(cur_wr.load(std::memory_order_relaxed));
    if (!up) {
      none.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    EXPECT_EQ(reinterpret_cast<TestObject*>(up.get())->id, r);
    EXPECT_FALSE(IsDeadOrDeallocating(up.get()));
    live.fetch_add(1, std::memory_order_relaxed);
  };  // dropping `up` may be the final decrement: freed here then

  std::thread a = Spawn([&] {
    std::minstd_rand rng(static_cast<uint32_t>(seed));
    for (long r = 0; r < rounds; ++r) {
      Ref<TestObject> obj = NewTestObject(r);
      absl::StatusOr<Ref<WeakRefObject>> wr = NewWeakRef(obj.header());
      ASSERT_TRUE(wr.ok());
      cur_obj.store(obj.header(), std::memory_order_relaxed);
      cur_wr.store(wr->get(), std::memory_order_relaxed);
      barrier.Wait();  // 1: published
      if (owner_drops_last) {
        barrier.Wait();  // 2: go
        if (rng() % 2) std::this_thread::yield();
        obj.Reset();  // the last strong reference
      } else {
        barrier.Wait();  // 2: B holds a shared reference
        obj.Reset();     // T3: merged, count 1 (B's)
        barrier.Wait();  // 3: go
        if (rng() % 2) std::this_thread::yield();
        upgrade(r);
      }
      barrier.Wait();  // 4: done with this round's weak reference
      MergeQueuedObjects();
    }
  });
  std::thread b = Spawn([&] {
    std::minstd_rand rng(static_cast<uint32_t>(seed >> 32));
    for (long r = 0; r < rounds; ++r) {
      barrier.Wait();  // 1
      if (owner_drops_last) {
        barrier.Wait();  // 2: go
        if (rng() % 2) std::this_thread::yield();
        upgrade(r);
      } else {
        ObjectHeader* obj = cur_obj.load(std::memory_order_relaxed);
        Incref(obj);     // T4 (A still holds its own)
        barrier.Wait();  // 2
        barrier.Wait();  // 3: go
        if (rng() % 2) std::this_thread::yield();
        Decref(obj);  // the last strong reference (unless A upgraded first)
      }
      barrier.Wait();  // 4
      MergeQueuedObjects();
    }
  });
  Join(a);
  Join(b);
  MergeQueuedObjects();
  Counters().per_id.store(nullptr);
  EXPECT_EQ(Counters().deallocs.load(), rounds);
  EXPECT_EQ(live.load() + none.load(), rounds);
  long wrong = 0;
  for (long i = 0; i < rounds; ++i) wrong += per_id[i].load() != 1;
  EXPECT_EQ(wrong, 0);
  std::printf("upgrades: %ld live, %ld none\n", live.load(), none.load());
}

INSTANTIATE_TEST_SUITE_P(Droppers, WeakRefRaceTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) {
                           return i.param ? "OwnerDropsLast" : "NonOwnerDropsLast";
                         });

}  // namespace
}  // namespace ftrt
