// Unit tests for object/dict.h: insertion order, overwrite, delete, pop,
// setdefault, clear, growth and compaction, the layout C code reads,
// equality across key types, typed errors that leave the dict unchanged,
// keys whose __eq__ mutates the dict, traverse and clear.
#include "object/dict.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/int.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"
#include "runtime/thread_state.h"
#include "sync/config.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::TestKeyType;
using DictTest = testing_util::RuntimeTest;

Ref<> Int(int64_t v) { return *IntFromInt64(v); }
Ref<> Str(const std::string& s) { return *StrFromUtf8(s); }

// The dict's items as (key repr, int value) in order.
std::vector<std::pair<std::string, int64_t>> Items(PyObject* dict) {
  std::vector<std::pair<std::string, int64_t>> out;
  std::vector<std::pair<Ref<>, Ref<>>> items = *DictItems(dict);
  for (auto& [k, v] : items) {
    std::string key =
        IsStr(k.get()) ? std::string(*StrAsUtf8(k.get())) : std::to_string(IntValue(k.get()));
    out.emplace_back(key, IntValue(v.get()));
  }
  return out;
}

using Items_ = std::vector<std::pair<std::string, int64_t>>;

// Frees what this thread has queued for QSBR (replaced key tables): the
// test's thread is the only attached one, so its own quiescent state ends
// the grace period.
void PassGracePeriod(Runtime& rt) {
  testing_util::Quiescent();
  EXPECT_TRUE(rt.qsbr().Poll(ThreadState::Current()->qsbr()));
}

const void* TableOf(PyObject* dict) { return reinterpret_cast<PyDictObject*>(dict)->ma_keys; }

// How many times a test replaces a table while waiting for the allocator
// to hand the freed table's block to a new one. mimalloc returns a freed
// block only once its page's free list is used up (a few dozen to a few
// hundred replacements); the sanitizers' allocators (kSystemAlloc) may
// quarantine freed blocks, so there reuse may not happen at all and every
// attempt runs, slowly: fewer there.
constexpr int kReuseAttempts = kSystemAlloc ? 1000 : 20000;

TEST_F(DictTest, SetGetKeepsInsertionOrder) {
  Ref<> d = *DictNew();
  EXPECT_TRUE(IsDict(d.get()));
  EXPECT_TRUE(IsTracked(d.get()));
  ASSERT_TRUE(DictSetItemString(d.get(), "b", Int(1).get()).ok());
  ASSERT_TRUE(DictSetItemString(d.get(), "a", Int(2).get()).ok());
  ASSERT_TRUE(DictSetItem(d.get(), Int(7).get(), Int(3).get()).ok());
  ASSERT_TRUE(DictSetItemString(d.get(), "b", Int(4).get()).ok());  // overwrite keeps place
  EXPECT_EQ(Items(d.get()), (Items_{{"b", 4}, {"a", 2}, {"7", 3}}));
  EXPECT_EQ(DictSize(d.get()), 3);
  EXPECT_EQ(reinterpret_cast<PyDictObject*>(d.get())->ma_used, 3);  // PyDict_GET_SIZE
  EXPECT_EQ(reinterpret_cast<PyDictObject*>(d.get())->ma_values, nullptr);
  EXPECT_EQ(IntValue(DictGetItemStringRef(d.get(), "a")->get()), 2);
  // Equal keys of other objects and types find the same entry.
  EXPECT_EQ(IntValue(DictGetItemRef(d.get(), Str("b").get())->get()), 4);
  EXPECT_EQ(IntValue(DictGetItemRef(d.get(), FloatFromDouble(7.0)->get())->get()), 3);
  ASSERT_TRUE(DictDelItem(d.get(), Str("b").get()).ok());
  ASSERT_TRUE(DictSetItemString(d.get(), "b", Int(5).get()).ok());  // re-inserted: at the end
  EXPECT_EQ(Items(d.get()), (Items_{{"a", 2}, {"7", 3}, {"b", 5}}));
  EXPECT_TRUE(*DictContains(d.get(), Int(7).get()));
  EXPECT_TRUE(*DictContains(d.get(), True()) == false);
  EXPECT_FALSE(*DictGetItemRefOrNull(d.get(), Str("zz").get()));
}

TEST_F(DictTest, TrueAndOneAreTheSameKey) {
  Ref<> d = *DictNew();
  ASSERT_TRUE(DictSetItem(d.get(), Int(1).get(), Int(10).get()).ok());
  ASSERT_TRUE(DictSetItem(d.get(), True(), Int(20).get()).ok());
  ASSERT_TRUE(DictSetItem(d.get(), FloatFromDouble(1.0)->get(), Int(30).get()).ok());
  EXPECT_EQ(DictSize(d.get()), 1);
  EXPECT_EQ(IntValue(DictGetItemRef(d.get(), SmallInt(1))->get()), 30);
  // The first key object stays.
  EXPECT_EQ((*DictItems(d.get()))[0].first.get(), SmallInt(1));
}

TEST_F(DictTest, PopSetDefaultClearAndRefcounts) {
  Ref<> d = *DictNew();
  Ref<> k = Str("key");
  Ref<> v = Int(100000);
  ASSERT_TRUE(DictSetItem(d.get(), k.get(), v.get()).ok());
  EXPECT_EQ(Refcount(k.get()), 2);
  EXPECT_EQ(Refcount(v.get()), 2);
  Ref<> existing = *DictSetDefault(d.get(), k.get(), Int(5).get());
  EXPECT_EQ(existing.get(), v.get());
  Ref<> fresh = *DictSetDefault(d.get(), Str("new").get(), Int(6).get());
  EXPECT_EQ(IntValue(fresh.get()), 6);
  EXPECT_EQ(DictSize(d.get()), 2);
  Ref<> popped = *DictPop(d.get(), k.get());
  EXPECT_EQ(popped.get(), v.get());
  existing.Reset();
  popped.Reset();
  EXPECT_EQ(Refcount(k.get()), 1);
  EXPECT_EQ(Refcount(v.get()), 1);
  ASSERT_TRUE(DictClear(d.get()).ok());
  EXPECT_EQ(DictSize(d.get()), 0);
  ASSERT_TRUE(DictSetItem(d.get(), k.get(), v.get()).ok());  // usable after clear
  EXPECT_EQ(DictSize(d.get()), 1);
  d.Reset();
  EXPECT_EQ(Refcount(k.get()), 1);
}

TEST_F(DictTest, GrowsAndCompacts) {
  Ref<> d = *DictNew();
  // Scaled: under ASan every call is slow (see dict_stress_test.cc).
  const int kN = static_cast<int>(testing_util::Scaled(20000, 2000)) / 10 * 10;
  for (int i = 0; i < kN; ++i)
    ASSERT_TRUE(DictSetItem(d.get(), Int(i * 3).get(), Int(i).get()).ok());
  EXPECT_EQ(DictSize(d.get()), kN);
  for (int i = 0; i < kN; ++i)
    ASSERT_EQ(IntValue(DictGetItemRef(d.get(), Int(i * 3).get())->get()), i);
  EXPECT_FALSE(*DictContains(d.get(), Int(1).get()));
  // Delete most, insert more: deleted entries are compacted away.
  for (int i = 0; i < kN; ++i) {
    if (i % 10 != 0) {
      ASSERT_TRUE(DictDelItem(d.get(), Int(i * 3).get()).ok());
    }
  }
  for (int i = 0; i < kN; ++i)
    ASSERT_TRUE(DictSetItem(d.get(), Int(-i - 1).get(), Int(i).get()).ok());
  EXPECT_EQ(DictSize(d.get()), kN / 10 + kN);
  Py_ssize_t pos = 0;
  Ref<> key, value;
  int64_t count = 0, previous = -1;
  while (DictNext(d.get(), &pos, &key, &value)) {
    ++count;
    if (IntValue(key.get()) >= 0) {
      EXPECT_EQ(IntValue(key.get()) % 30, 0);
      EXPECT_GT(IntValue(value.get()), previous);  // insertion order kept
      previous = IntValue(value.get());
    }
  }
  EXPECT_EQ(count, kN / 10 + kN);
}

TEST_F(DictTest, EqualityAndTruth) {
  Ref<> a = *DictNew();
  Ref<> b = *DictNew();
  ASSERT_TRUE(DictSetItemString(a.get(), "x", Int(1).get()).ok());
  ASSERT_TRUE(DictSetItemString(a.get(), "y", Int(2).get()).ok());
  ASSERT_TRUE(DictSetItemString(b.get(), "y", Int(2).get()).ok());
  ASSERT_TRUE(DictSetItemString(b.get(), "x", True()).ok());
  EXPECT_TRUE(*RichCompareBool(a.get(), b.get(), Py_EQ));  // order does not matter
  ASSERT_TRUE(DictSetItemString(b.get(), "x", Int(3).get()).ok());
  EXPECT_TRUE(*RichCompareBool(a.get(), b.get(), Py_NE));
  EXPECT_EQ(KindOf(RichCompareBool(a.get(), b.get(), Py_LT).status()), ErrorKind::kTypeError);
  EXPECT_TRUE(*IsTrue(a.get()));
  EXPECT_FALSE(*IsTrue(DictNew()->get()));
  EXPECT_EQ(Hash(a.get()).status().message(), "unhashable type: 'dict'");
}

TEST_F(DictTest, ErrorsAreTypedAndLeaveTheDictUnchanged) {
  Ref<> d = *DictNew();
  ASSERT_TRUE(DictSetItemString(d.get(), "a", Int(1).get()).ok());
  ASSERT_TRUE(DictSetItem(d.get(), Int(5).get(), Int(2).get()).ok());
  const Items_ before = Items(d.get());
  Ref<> list = *ListNew();
  Ref<> v = Int(99999);
  const intptr_t v_refs = Refcount(v.get());
  auto expect = [&](const absl::Status& s, ErrorKind kind, const char* message) {
    EXPECT_EQ(KindOf(s), kind) << s;
    if (message != nullptr) {
      EXPECT_EQ(s.message(), message);
    }
    EXPECT_EQ(Items(d.get()), before);
    EXPECT_EQ(Refcount(v.get()), v_refs);
  };
  // Missing keys.
  expect(DictGetItemRef(d.get(), Str("zz").get()).status(), ErrorKind::kKeyError, "'zz'");
  expect(DictGetItemRef(d.get(), Int(6).get()).status(), ErrorKind::kKeyError, "6");
  expect(DictDelItem(d.get(), Str("zz").get()), ErrorKind::kKeyError, "'zz'");
  expect(DictPop(d.get(), Int(6).get()).status(), ErrorKind::kKeyError, "6");
  expect(DictGetItemStringRef(d.get(), "nope").status(), ErrorKind::kKeyError, "'nope'");
  // Unhashable keys.
  const char* unhashable = "unhashable type: 'list'";
  expect(DictSetItem(d.get(), list.get(), v.get()), ErrorKind::kTypeError, unhashable);
  expect(DictGetItemRef(d.get(), list.get()).status(), ErrorKind::kTypeError, unhashable);
  expect(DictContains(d.get(), list.get()).status(), ErrorKind::kTypeError, unhashable);
  expect(DictDelItem(d.get(), list.get()), ErrorKind::kTypeError, unhashable);
  expect(DictPop(d.get(), list.get()).status(), ErrorKind::kTypeError, unhashable);
  expect(DictSetDefault(d.get(), list.get(), v.get()).status(), ErrorKind::kTypeError, unhashable);
  expect(DictSetItem(d.get(), d.get(), v.get()), ErrorKind::kTypeError, "unhashable type: 'dict'");
  Ref<> tuple_with_list = *TupleFromItems({Int(1).get(), list.get()});
  expect(DictSetItem(d.get(), tuple_with_list.get(), v.get()), ErrorKind::kTypeError, unhashable);
  // Wrong container type.
  expect(DictSetItem(list.get(), v.get(), v.get()), ErrorKind::kTypeError,
         "expected a dict, got 'list'");
  expect(DictGetItemRef(list.get(), v.get()).status(), ErrorKind::kTypeError, nullptr);
  expect(DictClear(list.get()), ErrorKind::kTypeError, nullptr);
  expect(DictItems(list.get()).status(), ErrorKind::kTypeError, nullptr);
  // Invalid UTF-8 for a string key.
  expect(DictSetItemString(d.get(), "\xff", v.get()), ErrorKind::kUnicodeDecodeError, nullptr);
}

TEST_F(DictTest, FailingKeyEqualityIsReportedAndChangesNothing) {
  TestKeyType keys(1);  // every key collides: lookups compare
  Ref<> d = *DictNew();
  ASSERT_TRUE(DictSetItem(d.get(), keys.Make(1).get(), Int(1).get()).ok());
  keys.on_eq = [](PyObject*, PyObject*) {};
  PyTypeObject* type = keys.type();
  const richcmpfunc original = type->tp_richcompare;
  type->tp_richcompare = [](PyObject*, PyObject*, int) -> PyObject* {
    SetErrorIndicator(MakeError(ErrorKind::kRuntimeError, "eq exploded"));
    return nullptr;
  };
  Ref<> other = keys.Make(2);
  absl::Status s = DictSetItem(d.get(), other.get(), Int(2).get());
  EXPECT_EQ(KindOf(s), ErrorKind::kRuntimeError);
  EXPECT_EQ(s.message(), "eq exploded");
  EXPECT_EQ(KindOf(DictGetItemRef(d.get(), other.get()).status()), ErrorKind::kRuntimeError);
  type->tp_richcompare = original;
  EXPECT_EQ(DictSize(d.get()), 1);
  EXPECT_EQ(Refcount(other.get()), 1);
  EXPECT_FALSE(ErrorIndicatorSet());
}

TEST_F(DictTest, KeyEqualityThatMutatesTheDict) {
  // Every key hashes alike, and each __eq__ inserts another key (the first
  // 50 calls): lookups and insertions must restart when the table changes
  // under a comparison, and never lose or duplicate a key.
  TestKeyType keys(1);
  Ref<> d = *DictNew();
  int64_t next_side_key = 1'000'000;
  keys.on_eq = [&](PyObject*, PyObject*) {
    if (next_side_key < 1'000'050) {
      Ref<> side = keys.Make(next_side_key++);
      ASSERT_TRUE(DictSetItem(d.get(), side.get(), Int(-1).get()).ok());
    }
  };
  for (int64_t i = 0; i < 40; ++i) {
    ASSERT_TRUE(DictSetItem(d.get(), keys.Make(i).get(), Int(i).get()).ok());
  }
  keys.on_eq = nullptr;
  const int64_t side_keys = next_side_key - 1'000'000;
  EXPECT_GT(side_keys, 0);
  EXPECT_EQ(DictSize(d.get()), 40 + side_keys);
  for (int64_t i = 0; i < 40; ++i) {
    EXPECT_EQ(IntValue(DictGetItemRef(d.get(), keys.Make(i).get())->get()), i);
  }
  // No key appears twice.
  std::vector<int64_t> seen;
  std::vector<std::pair<Ref<>, Ref<>>> items = *DictItems(d.get());
  for (auto& [k, v] : items) seen.push_back(TestKeyType::Value(k.get()));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
  // A lookup whose __eq__ clears the dict: a clean miss or hit, no crash.
  keys.on_eq = [&](PyObject*, PyObject*) { (void)DictClear(d.get()); };
  absl::StatusOr<Ref<>> r = DictGetItemRefOrNull(d.get(), keys.Make(39).get());
  EXPECT_TRUE(r.ok()) << r.status();
  keys.on_eq = nullptr;
  EXPECT_EQ(DictSize(d.get()), 0);
}

TEST_F(DictTest, InsertionWhoseKeyEqualityReplacesTheTableAtTheSameAddress) {
  // The ABA of a table pointer: while an insertion's __eq__ runs (the
  // section held, but it could be suspended), the dict's table is replaced
  // and freed, and a new table of the same size, holding the compared key
  // in the compared entry and as many entries, lands at the old address.
  // The insertion must still see that the table changed: the new table has
  // an equal key in a slot the probe had already passed.
  // hash = value % 1000; an 8-slot table probes hash 1 at slots 1, 6, 7.
  TestKeyType keys(1000);
  Ref<> d = *DictNew();
  Ref<> x = keys.Make(9);     // hash 9: slot 1
  Ref<> a = keys.Make(1001);  // hash 1: slot 1 is taken, so slot 6 (entry 1)
  Ref<> b = keys.Make(1);     // hash 1: passes x, compares with a, then slot 7
  ASSERT_TRUE(DictSetItem(d.get(), x.get(), Int(1).get()).ok());
  ASSERT_TRUE(DictSetItem(d.get(), a.get(), Int(2).get()).ok());
  const void* old_table = TableOf(d.get());
  bool fired = false;
  bool reused = false;
  int attempts = 0;
  keys.on_eq = [&](PyObject* lhs, PyObject* rhs) {
    if (fired || lhs != a.get() || rhs != b.get()) return;  // only the outer comparison
    fired = true;
    // Replace the table until the new one is at the old address: b at
    // entry 0 (slot 1), a at entry 1 (slot 6), two entries, as before.
    while (!reused && attempts < kReuseAttempts) {
      ++attempts;
      ASSERT_TRUE(DictClear(d.get()).ok());
      PassGracePeriod(runtime());
      ASSERT_TRUE(DictSetItem(d.get(), b.get(), Int(3).get()).ok());
      ASSERT_TRUE(DictSetItem(d.get(), a.get(), Int(2).get()).ok());
      reused = TableOf(d.get()) == old_table;
    }
  };
  ASSERT_TRUE(DictSetItem(d.get(), b.get(), Int(4).get()).ok());
  keys.on_eq = nullptr;
  EXPECT_TRUE(fired);
  std::printf("dict table address reused: %s (after %d replacements)\n", reused ? "yes" : "no",
              attempts);
  // mimalloc (the default build) hands the block back; the sanitizers'
  // allocators may not, and the assertions below hold either way.
  if constexpr (!kSystemAlloc) {
    EXPECT_TRUE(reused);
  }
  EXPECT_EQ(DictSize(d.get()), 2);
  std::vector<std::pair<Ref<>, Ref<>>> items = *DictItems(d.get());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].first.get(), b.get());
  EXPECT_EQ(IntValue(items[0].second.get()), 4);
  EXPECT_EQ(items[1].first.get(), a.get());
  EXPECT_EQ(IntValue(items[1].second.get()), 2);
  EXPECT_EQ(IntValue(DictGetItemRef(d.get(), b.get())->get()), 4);
}

TEST_F(DictTest, LockFreeLookupWhoseKeyEqualityReplacesTheTableAtTheSameAddress) {
  // The same ABA for a lock-free lookup whose __eq__ passes a quiescent
  // state: the key stays in the dict throughout, while the table is
  // rebuilt (resizes, never a clear) until a new table lands at the old
  // address with the compared key in the compared entry. The lookup must
  // not continue its probe in the new table (which has the key in a slot
  // already passed) and report a miss.
  TestKeyType keys(1000);
  Ref<> d = *DictNew();
  Ref<> x = keys.Make(9);     // hash 9: slot 1
  Ref<> a = keys.Make(1001);  // hash 1: slot 6 (entry 1)
  Ref<> b = keys.Make(1);     // hash 1: slot 7; its probe compares a first
  Ref<> z = keys.Make(2);     // fillers: hash 2 / 3 / 5, slots 2 / 3 / 5
  Ref<> z2 = keys.Make(3);
  Ref<> j = keys.Make(5);
  auto set = [&](const Ref<>& k) { ASSERT_TRUE(DictSetItem(d.get(), k.get(), Int(0).get()).ok()); };
  auto del = [&](const Ref<>& k) { ASSERT_TRUE(DictDelItem(d.get(), k.get()).ok()); };
  set(x);
  set(a);
  ASSERT_TRUE(DictSetItem(d.get(), b.get(), Int(3).get()).ok());
  const void* old_table = TableOf(d.get());
  bool fired = false;
  bool reused = false;
  int attempts = 0;
  keys.on_eq = [&](PyObject* lhs, PyObject* rhs) {
    if (fired || lhs != a.get() || rhs != b.get()) return;  // only the lookup's comparison
    fired = true;
    // A rebuild to entries [b (slot 1), a (slot 6), j (slot 5)]: the
    // entries run out (usable 5 of 8 slots), and the insertion of a
    // resizes to 8 slots again with b first.
    del(x);
    del(a);
    set(z);
    set(z2);
    del(z);
    del(z2);
    set(a);
    set(j);
    // Then the same shape again, one new table per round, each old one
    // freed, until one lands at the original table's address.
    while (!reused && attempts < kReuseAttempts) {
      ++attempts;
      del(a);
      del(j);
      set(a);  // entry 3, in a's old slot 6
      set(z);  // entry 4: the table is full
      del(z);
      set(j);  // resizes to [b, a] (8 slots), then j
      PassGracePeriod(runtime());
      reused = TableOf(d.get()) == old_table;
    }
  };
  absl::StatusOr<Ref<>> v = DictGetItemRefOrNull(d.get(), b.get());
  keys.on_eq = nullptr;
  EXPECT_TRUE(fired);
  std::printf("dict table address reused under a lock-free lookup: %s (after %d rounds)\n",
              reused ? "yes" : "no", attempts);
  if constexpr (!kSystemAlloc) {
    EXPECT_TRUE(reused);
  }
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_NE(v->get(), nullptr) << "b is in the dict throughout, but the lookup missed it";
  EXPECT_EQ(IntValue(v->get()), 3);
  EXPECT_EQ(DictSize(d.get()), 3);
}

TEST_F(DictTest, TraverseAndClearForTheCollector) {
  Ref<> d = *DictNew();
  Ref<> k = Str("self");
  ASSERT_TRUE(DictSetItem(d.get(), k.get(), d.get()).ok());  // a cycle
  std::vector<PyObject*> seen;
  DictType()->tp_traverse(
      d.get(),
      [](PyObject* op, void* arg) {
        static_cast<std::vector<PyObject*>*>(arg)->push_back(op);
        return 0;
      },
      &seen);
  EXPECT_EQ(seen, (std::vector<PyObject*>{k.get(), d.get()}));
  EXPECT_EQ(Refcount(d.get()), 2);
  EXPECT_EQ(DictType()->tp_clear(d.get()), 0);
  EXPECT_EQ(Refcount(d.get()), 1);
  EXPECT_EQ(Refcount(k.get()), 1);
}

}  // namespace
}  // namespace ftrt
