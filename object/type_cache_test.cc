// Tests for type_cache.h: version tags (assigned on lookup, base classes
// first, zeroed on modification for the type and its subclasses, never
// reused), negative caching, and lookups racing modifications.
#include "object/type_cache.h"

#include <atomic>
#include <random>
#include <thread>

#include "gtest/gtest.h"
#include "object/dict.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/object.h"
#include "object/none_bool.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Checkpoint;
using testing_util::I;
using testing_util::N;
using testing_util::ProtocolTest;
using testing_util::TakeError;

PyTypeObject* AsType(PyObject* o) { return reinterpret_cast<PyTypeObject*>(o); }
unsigned Tag(PyObject* t) {
  return std::atomic_ref<unsigned>(AsType(t)->tp_version_tag).load(std::memory_order_relaxed);
}

class TypeCacheTest : public ProtocolTest {};

TEST_F(TypeCacheTest, TagsAssignedOnLookupAndInvalidatedDownward) {
  Ref<> base = TypeNew("Base", nullptr, nullptr);
  Ref<> mid = TypeNew("Mid", TupleFromItems({base.get()}).value().get(), nullptr);
  Ref<> leaf = TypeNew("Leaf", TupleFromItems({mid.get()}).value().get(), nullptr);
  Ref<> other = TypeNew("Other", nullptr, nullptr);
  ASSERT_TRUE(base && mid && leaf && other);
  ASSERT_EQ(TypeSetAttr(AsType(base.get()), N("v"), I(1).get()), 0);
  EXPECT_EQ(Tag(leaf.get()), 0u);
  Ref<> v = TypeLookup(AsType(leaf.get()), N("v"));
  ASSERT_TRUE(v);
  EXPECT_EQ(IntValue(v.get()), 1);
  const unsigned leaf_tag = Tag(leaf.get());
  EXPECT_NE(leaf_tag, 0u);
  EXPECT_NE(Tag(mid.get()), 0u);   // every class of the MRO got one first
  EXPECT_NE(Tag(base.get()), 0u);
  (void)TypeLookup(AsType(other.get()), N("v"));
  const unsigned other_tag = Tag(other.get());
  // Modifying Mid zeroes Mid and Leaf, not Base or an unrelated class.
  const unsigned base_tag = Tag(base.get());
  ASSERT_EQ(TypeSetAttr(AsType(mid.get()), N("v"), I(2).get()), 0);
  EXPECT_EQ(Tag(mid.get()), 0u);
  EXPECT_EQ(Tag(leaf.get()), 0u);
  EXPECT_EQ(Tag(base.get()), base_tag);
  EXPECT_EQ(Tag(other.get()), other_tag);
  v = TypeLookup(AsType(leaf.get()), N("v"));
  EXPECT_EQ(IntValue(v.get()), 2);
  EXPECT_NE(Tag(leaf.get()), 0u);
  EXPECT_NE(Tag(leaf.get()), leaf_tag);  // tags are never reused
  TypeModified(AsType(base.get()));
  EXPECT_EQ(Tag(base.get()), 0u);
  EXPECT_EQ(Tag(leaf.get()), 0u);
}

TEST_F(TypeCacheTest, HitsAndNegativeResults) {
  Ref<> t = TypeNew("Cached", nullptr, nullptr);
  ASSERT_TRUE(t);
  ASSERT_EQ(TypeSetAttr(AsType(t.get()), N("present"), I(5).get()), 0);
  (void)TypeLookup(AsType(t.get()), N("present"));
  (void)TypeLookup(AsType(t.get()), N("absent"));
  const internal::TypeCacheStats before = internal::TypeCacheStatsForThread();
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(IntValue(TypeLookup(AsType(t.get()), N("present")).get()), 5);
    EXPECT_FALSE(TypeLookup(AsType(t.get()), N("absent")));
  }
  const internal::TypeCacheStats after = internal::TypeCacheStatsForThread();
  EXPECT_EQ(after.hits - before.hits, 100u);
  EXPECT_EQ(after.misses, before.misses);
  // A name that is not interned still finds the value (through the
  // interned copy, or uncached).
  Ref<> plain = StrFromUtf8("present").value();
  EXPECT_EQ(IntValue(TypeLookup(AsType(t.get()), plain.get()).get()), 5);
  Ref<> unknown = StrFromUtf8("not_an_interned_name_xyz").value();
  EXPECT_FALSE(TypeLookup(AsType(t.get()), unknown.get()));
  // Static types: lookups of their descriptors hit too, immortal values.
  (void)TypeLookup(TypeType(), N("__name__"));  // the first lookup fills the entry
  internal::TypeLookupResult r = internal::TypeLookupFast(TypeType(), N("__name__"));
  ASSERT_NE(r.value, nullptr);
  EXPECT_FALSE(r.counted);
  EXPECT_TRUE(IsImmortal(r.value));
}

// A static type changed by hand, then PyType_Modified: heap subclasses
// (which a static type does not track) must not keep stale results.
PyTypeObject g_static_base = [] {
  PyTypeObject t{};
  t.ob_base.ob_base.ob_flags = FTRT_OBJ_FLAG_STATIC;
  t.ob_base.ob_base.ob_ref_local = FTRT_IMMORTAL_REFCNT_LOCAL;
  t.tp_name = "ext.StaticBase";
  t.tp_basicsize = sizeof(PyObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE;
  return t;
}();

TEST_F(TypeCacheTest, ModifiedStaticTypeInvalidatesHeapSubclasses) {
  ASSERT_EQ(TypeReady(&g_static_base), 0) << TakeError();
  Ref<> sub = TypeNew("HeapSub",
                      TupleFromItems({reinterpret_cast<PyObject*>(&g_static_base)}).value().get(),
                      nullptr);
  ASSERT_TRUE(sub) << TakeError();
  EXPECT_FALSE(TypeLookup(AsType(sub.get()), N("late")));  // cached as absent
  EXPECT_FALSE(TypeLookup(AsType(sub.get()), N("late")));
  // Small ints are immortal: the static dict may hold one past any runtime.
  ASSERT_TRUE(DictSetItem(g_static_base.tp_dict, N("late"), I(7).get()).ok());
  TypeModified(&g_static_base);
  Ref<> v = TypeLookup(AsType(sub.get()), N("late"));
  ASSERT_TRUE(v);
  EXPECT_EQ(IntValue(v.get()), 7);
}

TEST_F(TypeCacheTest, LookupsRacingModificationsSeeOldOrNew) {
  Ref<> base = TypeNew("RBase", nullptr, nullptr);
  Ref<> sub = TypeNew("RSub", TupleFromItems({base.get()}).value().get(), nullptr);
  ASSERT_TRUE(base && sub);
  ASSERT_EQ(TypeSetAttr(AsType(base.get()), N("k"), I(1000000).get()), 0);
  const long kWrites = testing_util::Scaled(3000, 100);
  std::atomic<bool> done{false};
  std::atomic<long> bad{0};
  const uint64_t seed = testing_util::Seed();
  RunThreads(4, [&](int id) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(id));
    if (id == 0) {
      // Values only grow; each one an allocated int, freed when replaced.
      for (long i = 1; i <= kWrites; ++i) {
        if (TypeSetAttr(AsType(base.get()), N("k"), I(1000000 + i).get()) != 0) bad.fetch_add(1);
        if (i % 8 == 0) Checkpoint();
      }
      done.store(true);
      return;
    }
    int64_t last = 0;
    while (!done.load(std::memory_order_relaxed)) {
      Ref<> v = TypeLookup(AsType(id == 1 ? base.get() : sub.get()), N("k"));
      if (!v || !IsInt(v.get())) {
        bad.fetch_add(1);
        continue;
      }
      const int64_t x = IntValue(v.get());
      if (x < last || x < 1000000 || x > 1000000 + kWrites) bad.fetch_add(1);
      last = x;
      Checkpoint();
      if (rng() % 16 == 0) std::this_thread::yield();
    }
  });
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(IntValue(TypeLookup(AsType(sub.get()), N("k")).get()), 1000000 + kWrites);
}

}  // namespace
}  // namespace ftrt
