// Tests for object/set.h: add / discard / contains / pop / clear through
// growth and thousands of removals, the layout C code reads, frozenset
// hashing (equal for equal sets built in any order), typed errors that leave
// the set unchanged, keys whose __eq__ mutates the set or fails, equality
// and subset comparisons, iteration (and its "changed size" error), repr,
// the generic protocol paths (type, hash, len, truth, in), traverse and
// clear for the collector, no leaked objects; and a stress test in the same
// binary: 6 threads (more than the cores) add, discard, look up and iterate
// one shared set with random yields, seeded from FTRT_TEST_SEED, then the
// contents must be exactly what each thread's own key range ends with.
#include "object/set.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/compare.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/int.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_testing.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"
#include "runtime/thread_state.h"
#include "sync/config.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Checkpoint;
using testing_util::I;
using testing_util::S;
using testing_util::Seed;
using testing_util::TakeError;
using testing_util::TestKeyType;
using SetTest = testing_util::ProtocolTest;

// The set's keys (a snapshot; a test failure if that fails).
std::vector<Ref<>> Keys(PyObject* s) {
  absl::StatusOr<std::vector<Ref<>>> keys = SetItems(s);
  EXPECT_TRUE(keys.ok()) << keys.status();
  return keys.ok() ? *std::move(keys) : std::vector<Ref<>>();
}

// The int values of a set's keys, sorted (all keys must be ints).
std::vector<int64_t> Sorted(PyObject* s) {
  std::vector<int64_t> out;
  for (Ref<>& k : Keys(s)) out.push_back(IntValue(k.get()));
  std::sort(out.begin(), out.end());
  return out;
}

std::string Repr(PyObject* op) { return ReprUtf8(op); }

// Frees what this thread has queued for QSBR (replaced tables): the test's
// thread is the only attached one, so its own quiescent state ends the
// grace period.
void PassGracePeriod(Runtime& rt) {
  testing_util::Quiescent();
  EXPECT_TRUE(rt.qsbr().Poll(ThreadState::Current()->qsbr()));
}

const void* TableOf(PyObject* set) { return reinterpret_cast<PySetObject*>(set)->table; }

TEST_F(SetTest, AddContainsDiscardAndTheLayout) {
  Ref<> s = *SetNew();
  EXPECT_TRUE(IsSet(s.get()));
  EXPECT_FALSE(IsFrozenSet(s.get()));
  EXPECT_TRUE(IsAnySet(s.get()));
  EXPECT_TRUE(IsTracked(s.get()));
  EXPECT_EQ(s->ob_type, SetType());
  EXPECT_TRUE(*SetAdd(s.get(), I(1000).get()));
  EXPECT_FALSE(*SetAdd(s.get(), I(1000).get()));  // an equal key: already there
  EXPECT_TRUE(*SetAdd(s.get(), S("a").get()));
  EXPECT_FALSE(*SetAdd(s.get(), S("a").get()));
  EXPECT_EQ(SetSize(s.get()), 2);
  EXPECT_EQ(reinterpret_cast<PySetObject*>(s.get())->used, 2);  // PySet_GET_SIZE
  EXPECT_TRUE(*SetContains(s.get(), I(1000).get()));
  EXPECT_TRUE(*SetContains(s.get(), FloatFromDouble(1000.0)->get()));  // equal across types
  EXPECT_TRUE(*SetContains(s.get(), S("a").get()));
  EXPECT_FALSE(*SetContains(s.get(), S("b").get()));
  EXPECT_TRUE(*SetDiscard(s.get(), I(1000).get()));
  EXPECT_FALSE(*SetDiscard(s.get(), I(1000).get()));
  EXPECT_FALSE(*SetContains(s.get(), I(1000).get()));
  EXPECT_EQ(SetSize(s.get()), 1);
  // 1, True and 1.0 are one key; the first object stays.
  Ref<> t = *SetNew();
  ASSERT_TRUE(SetAdd(t.get(), SmallInt(1)).ok());
  EXPECT_FALSE(*SetAdd(t.get(), True()));
  EXPECT_FALSE(*SetAdd(t.get(), FloatFromDouble(1.0)->get()));
  EXPECT_EQ((*SetItems(t.get()))[0].get(), SmallInt(1));
  // The set holds one reference to each key.
  Ref<> k = I(123456);
  ASSERT_TRUE(SetAdd(t.get(), k.get()).ok());
  EXPECT_EQ(Refcount(k.get()), 2);
  ASSERT_TRUE(SetDiscard(t.get(), k.get()).ok());
  EXPECT_EQ(Refcount(k.get()), 1);
  ASSERT_TRUE(SetAdd(t.get(), k.get()).ok());
  t.Reset();
  EXPECT_EQ(Refcount(k.get()), 1);
}

TEST_F(SetTest, LookupsAreLockFreeOnceAKeyIsShared) {
  // Keys made (and owned) by this thread; another thread looks them up
  // with equal, distinct objects: its first lookup of a key cannot pin the
  // stored key without the lock (its shared count is 0) and falls back,
  // which marks the key shared; from then on the lookups are lock-free.
  Ref<> s = *SetNew();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(SetAdd(s.get(), I(5000 + i).get()).ok());
  for (const char* k : {"alpha", "beta", "gamma"}) ASSERT_TRUE(SetAdd(s.get(), S(k).get()).ok());
  const uint64_t own_before = internal::SetLookupFallbacksForTesting();
  EXPECT_TRUE(*SetContains(s.get(), I(5003).get()));
  EXPECT_FALSE(*SetContains(s.get(), I(4999).get()));
  EXPECT_EQ(internal::SetLookupFallbacksForTesting(), own_before);  // the owner pins freely
  std::atomic<int64_t> first{-1}, second{-1}, hits{0};
  RunThreads(1, [&](int) {
    const uint64_t before = internal::SetLookupFallbacksForTesting();
    if (*SetContains(s.get(), S("beta").get())) hits.fetch_add(1, std::memory_order_relaxed);
    first.store(static_cast<int64_t>(internal::SetLookupFallbacksForTesting() - before),
                std::memory_order_relaxed);
    for (int n = 0; n < 3; ++n) {
      if (*SetContains(s.get(), S("beta").get())) hits.fetch_add(1, std::memory_order_relaxed);
    }
    second.store(static_cast<int64_t>(internal::SetLookupFallbacksForTesting() - before),
                 std::memory_order_relaxed);
  });
  EXPECT_EQ(hits.load(std::memory_order_relaxed), 4);
  EXPECT_EQ(first.load(std::memory_order_relaxed), 1);
  EXPECT_EQ(second.load(std::memory_order_relaxed), 1);  // no further fallback
}

TEST_F(SetTest, GrowsThroughThousandsOfKeysAndRemovals) {
  Ref<> s = *SetNew();
  // Under ASan every call is far slower (see dict_stress_test.cc): 4x less.
  const int kN =
      static_cast<int>(std::max<long>(2000, testing_util::Scaled(20000, 2000) / (kAsan ? 4 : 1))) /
      10 * 10;
  for (int i = 0; i < kN; ++i) ASSERT_TRUE(*SetAdd(s.get(), I(i * 3).get()));
  EXPECT_EQ(SetSize(s.get()), kN);
  for (int i = 0; i < kN; ++i) ASSERT_TRUE(*SetContains(s.get(), I(i * 3).get())) << i;
  EXPECT_FALSE(*SetContains(s.get(), I(1).get()));
  // Remove 9 in 10, then add as many new ones: dummies are dropped by the
  // rebuilds, and the table stays at most 3/5 full.
  for (int i = 0; i < kN; ++i) {
    if (i % 10 != 0) {
      ASSERT_TRUE(*SetDiscard(s.get(), I(i * 3).get()));
    }
  }
  EXPECT_EQ(SetSize(s.get()), kN / 10);
  for (int i = 0; i < kN; ++i) ASSERT_TRUE(*SetAdd(s.get(), I(-i - 1).get()));
  EXPECT_EQ(SetSize(s.get()), kN / 10 + kN);
  auto* so = reinterpret_cast<PySetObject*>(s.get());
  EXPECT_LE(so->fill * 5, (so->mask + 1) * 3);
  EXPECT_GE(so->fill, so->used);
  Py_ssize_t pos = 0;
  Ref<> key;
  int64_t count = 0;
  std::set<int64_t> seen;
  while (SetNext(s.get(), &pos, &key)) {
    ++count;
    const int64_t v = IntValue(key.get());
    EXPECT_TRUE(v < 0 || v % 30 == 0) << v;
    seen.insert(v);
  }
  EXPECT_EQ(count, kN / 10 + kN);
  EXPECT_EQ(static_cast<int64_t>(seen.size()), count);  // no key twice
  for (int i = 0; i < kN; ++i) {
    ASSERT_EQ(*SetContains(s.get(), I(i * 3).get()), i % 10 == 0) << i;
  }
}

TEST_F(SetTest, PopAndClear) {
  Ref<> s = *SetNew();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(SetAdd(s.get(), I(i).get()).ok());
  std::vector<int64_t> popped;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<Ref<>> k = SetPop(s.get());
    ASSERT_TRUE(k.ok()) << k.status();
    popped.push_back(IntValue(k->get()));
  }
  std::sort(popped.begin(), popped.end());
  std::vector<int64_t> expected(100);
  for (int i = 0; i < 100; ++i) expected[static_cast<size_t>(i)] = i;
  EXPECT_EQ(popped, expected);
  EXPECT_EQ(SetSize(s.get()), 0);
  absl::Status empty = SetPop(s.get()).status();
  EXPECT_EQ(KindOf(empty), ErrorKind::kKeyError);
  EXPECT_EQ(empty.message(), "pop from an empty set");
  Ref<> k = I(777777);
  ASSERT_TRUE(SetAdd(s.get(), k.get()).ok());
  ASSERT_TRUE(SetAdd(s.get(), S("x").get()).ok());
  EXPECT_EQ(Refcount(k.get()), 2);
  ASSERT_TRUE(SetClear(s.get()).ok());
  EXPECT_EQ(SetSize(s.get()), 0);
  EXPECT_FALSE(*SetContains(s.get(), k.get()));
  EXPECT_EQ(Refcount(k.get()), 1);
  ASSERT_TRUE(*SetAdd(s.get(), k.get()));  // usable after clear
  EXPECT_EQ(Sorted(s.get()), std::vector<int64_t>{777777});
}

TEST_F(SetTest, FrozenSetHashIsOrderIndependent) {
  std::vector<Ref<>> keys;
  for (int i = 0; i < 50; ++i) keys.push_back(i % 2 ? I(i * 1000) : S(std::to_string(i).c_str()));
  Ref<> forward = *ListNew();
  Ref<> backward = *ListNew();
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(ListAppend(forward.get(), keys[i].get()).ok());
    ASSERT_TRUE(ListAppend(backward.get(), keys[keys.size() - 1 - i].get()).ok());
  }
  Ref<> a = *FrozenSetNew(forward.get());
  Ref<> b = *FrozenSetNew(backward.get());
  EXPECT_EQ(a->ob_type, FrozenSetType());
  EXPECT_TRUE(IsFrozenSet(a.get()));
  EXPECT_FALSE(IsSet(a.get()));
  // Built in another order, and with removals in its history.
  Ref<> grown = *SetNew();
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(SetAdd(grown.get(), I(-i - 5).get()).ok());
  ASSERT_TRUE(SetUpdate(grown.get(), backward.get()).ok());
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(SetDiscard(grown.get(), I(-i - 5).get()).ok());
  Ref<> c = *FrozenSetNew(grown.get());
  const Py_hash_t ha = *SetHash(a.get());
  EXPECT_EQ(*SetHash(b.get()), ha);
  EXPECT_EQ(*SetHash(c.get()), ha);
  EXPECT_EQ(ObjectHash(a.get()), ha);  // the protocol path (tp_hash)
  EXPECT_EQ(*Hash(c.get()), ha);
  // A different set hashes differently (almost surely; fixed inputs).
  ASSERT_TRUE(SetDiscard(grown.get(), keys[0].get()).ok());
  EXPECT_NE(*SetHash(FrozenSetNew(grown.get())->get()), ha);
  // Empty frozensets agree too, and a frozenset is a usable key.
  EXPECT_EQ(*SetHash(FrozenSetNew()->get()), *SetHash(FrozenSetNew(ListNew()->get())->get()));
  Ref<> outer = *SetNew();
  ASSERT_TRUE(*SetAdd(outer.get(), a.get()));
  EXPECT_FALSE(*SetAdd(outer.get(), b.get()));
  EXPECT_TRUE(*SetContains(outer.get(), c.get()));
  // `set in s` looks the set up as a frozenset (sq_contains, as CPython).
  EXPECT_EQ(SetType()->tp_as_sequence->sq_contains(outer.get(), grown.get()), 0);
  ASSERT_TRUE(SetAdd(grown.get(), keys[0].get()).ok());
  EXPECT_EQ(SetType()->tp_as_sequence->sq_contains(outer.get(), grown.get()), 1);
  // A frozenset cannot be changed through the set API.
  EXPECT_EQ(KindOf(SetAdd(a.get(), I(1).get()).status()), ErrorKind::kTypeError);
  EXPECT_EQ(SetAdd(a.get(), I(1).get()).status().message(), "expected a set, got 'frozenset'");
  EXPECT_EQ(KindOf(SetDiscard(a.get(), keys[0].get()).status()), ErrorKind::kTypeError);
  EXPECT_EQ(KindOf(SetPop(a.get()).status()), ErrorKind::kTypeError);
  EXPECT_EQ(KindOf(SetClear(a.get())), ErrorKind::kTypeError);
  EXPECT_EQ(SetSize(a.get()), 50);
  // A set is unhashable.
  EXPECT_EQ(SetHash(grown.get()).status().message(), "unhashable type: 'set'");
  EXPECT_EQ(ObjectHash(grown.get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: unhashable type: 'set'");
}

TEST_F(SetTest, ErrorsAreTypedAndLeaveTheSetUnchanged) {
  Ref<> s = *SetNew();
  ASSERT_TRUE(SetAdd(s.get(), I(5).get()).ok());
  ASSERT_TRUE(SetAdd(s.get(), I(6).get()).ok());
  Ref<> list = *ListNew();
  Ref<> tuple_with_list = *TupleFromItems({I(1).get(), list.get()});
  const intptr_t list_refs = Refcount(list.get());
  auto expect = [&](const absl::Status& st, ErrorKind kind, const char* message) {
    EXPECT_EQ(KindOf(st), kind) << st;
    if (message != nullptr) {
      EXPECT_EQ(st.message(), message);
    }
    EXPECT_EQ(Sorted(s.get()), (std::vector<int64_t>{5, 6}));
    EXPECT_EQ(Refcount(list.get()), list_refs);
  };
  const char* unhashable = "unhashable type: 'list'";
  expect(SetAdd(s.get(), list.get()).status(), ErrorKind::kTypeError, unhashable);
  expect(SetContains(s.get(), list.get()).status(), ErrorKind::kTypeError, unhashable);
  expect(SetDiscard(s.get(), list.get()).status(), ErrorKind::kTypeError, unhashable);
  expect(SetAdd(s.get(), tuple_with_list.get()).status(), ErrorKind::kTypeError, unhashable);
  expect(SetAdd(s.get(), s.get()).status(), ErrorKind::kTypeError, "unhashable type: 'set'");
  expect(SetRemove(s.get(), I(7).get()), ErrorKind::kKeyError, "7");
  expect(SetRemove(s.get(), S("k").get()), ErrorKind::kKeyError, "'k'");
  expect(SetAdd(list.get(), I(1).get()).status(), ErrorKind::kTypeError,
         "expected a set, got 'list'");
  expect(SetContains(list.get(), I(1).get()).status(), ErrorKind::kTypeError, nullptr);
  expect(SetItems(list.get()).status(), ErrorKind::kTypeError, nullptr);
  expect(SetNew(I(3).get()).status(), ErrorKind::kTypeError, "'int' object is not iterable");
  // A list holding an unhashable item: the new set is dropped, not leaked.
  ASSERT_TRUE(ListAppend(list.get(), I(1).get()).ok());
  Ref<> inner = *ListNew();
  ASSERT_TRUE(ListAppend(list.get(), inner.get()).ok());
  EXPECT_EQ(SetNew(list.get()).status().message(), unhashable);
  EXPECT_EQ(Refcount(inner.get()), 2);  // ours and the list's
  EXPECT_FALSE(ErrorIndicatorSet());
}

TEST_F(SetTest, ComparisonsEqualityAndSubsets) {
  Ref<> l123 = *ListNew();
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(ListAppend(l123.get(), I(i).get()).ok());
  Ref<> t12 = *TupleFromItems({I(2).get(), I(1).get()});
  Ref<> s123 = *SetNew(l123.get());
  Ref<> f123 = *FrozenSetNew(l123.get());
  Ref<> s12 = *SetNew(t12.get());
  Ref<> f12 = *FrozenSetNew(t12.get());
  auto cmp = [](PyObject* a, PyObject* b, int op) { return ObjectRichCompareBool(a, b, op); };
  EXPECT_EQ(cmp(s123.get(), f123.get(), Py_EQ), 1);  // set == frozenset with the same keys
  EXPECT_EQ(cmp(f123.get(), s123.get(), Py_NE), 0);
  EXPECT_EQ(cmp(s12.get(), s123.get(), Py_EQ), 0);
  EXPECT_EQ(cmp(s12.get(), s123.get(), Py_NE), 1);
  EXPECT_EQ(cmp(s12.get(), s123.get(), Py_LT), 1);
  EXPECT_EQ(cmp(s12.get(), f123.get(), Py_LE), 1);
  EXPECT_EQ(cmp(s123.get(), f123.get(), Py_LT), 0);
  EXPECT_EQ(cmp(s123.get(), f123.get(), Py_LE), 1);
  EXPECT_EQ(cmp(f123.get(), f12.get(), Py_GT), 1);
  EXPECT_EQ(cmp(f12.get(), f123.get(), Py_GE), 0);
  EXPECT_EQ(cmp(s123.get(), s123.get(), Py_GE), 1);
  // Not subsets of each other: neither <, <=, > nor >=.
  Ref<> s34 = *SetNew(TupleFromItems({I(3).get(), I(4).get()})->get());
  for (int op : {Py_LT, Py_LE, Py_GT, Py_GE}) EXPECT_EQ(cmp(s12.get(), s34.get(), op), 0) << op;
  // Against other types: == falls back to identity, ordering is a TypeError.
  EXPECT_EQ(cmp(s12.get(), t12.get(), Py_EQ), 0);
  EXPECT_EQ(cmp(s12.get(), t12.get(), Py_LT), -1);
  EXPECT_EQ(TakeError(), "TypeError: '<' not supported between instances of 'set' and 'tuple'");
  // The Status-returning comparison of compare.h takes the same slot.
  EXPECT_TRUE(*RichCompareBool(f12.get(), s12.get(), Py_EQ));
  // Empty sets of either kind are equal; a dict's keys make a set.
  EXPECT_EQ(cmp(SetNew()->get(), FrozenSetNew()->get(), Py_EQ), 1);
  Ref<> d = *DictNew();
  ASSERT_TRUE(DictSetItem(d.get(), I(1).get(), None()).ok());
  ASSERT_TRUE(DictSetItem(d.get(), I(2).get(), None()).ok());
  EXPECT_EQ(cmp(SetNew(d.get())->get(), s12.get(), Py_EQ), 1);
}

TEST_F(SetTest, GenericProtocolPaths) {
  Ref<> s = *SetNew(TupleFromItems({I(3).get(), I(1).get()})->get());
  Ref<> empty = *SetNew();
  EXPECT_EQ(ObjectSize(s.get()), 2);
  EXPECT_EQ(ObjectIsTrue(s.get()), 1);
  EXPECT_EQ(ObjectIsTrue(empty.get()), 0);
  EXPECT_EQ(SetType()->tp_as_sequence->sq_contains(s.get(), I(3).get()), 1);
  EXPECT_EQ(SetType()->tp_as_sequence->sq_contains(s.get(), I(2).get()), 0);
  EXPECT_EQ(Repr(empty.get()), "set()");
  EXPECT_EQ(Repr(FrozenSetNew()->get()), "frozenset()");
  Ref<> one = *SetNew(TupleFromItems({S("a").get()})->get());
  EXPECT_EQ(Repr(one.get()), "{'a'}");
  EXPECT_EQ(Repr(FrozenSetNew(one.get())->get()), "frozenset({'a'})");
  const std::string r = Repr(s.get());
  EXPECT_TRUE(r == "{1, 3}" || r == "{3, 1}") << r;
  // Iteration through tp_iter.
  Ref<> it = GetIter(s.get());
  ASSERT_TRUE(it);
  EXPECT_STREQ(it->ob_type->tp_name, "set_iterator");
  std::vector<int64_t> got;
  while (Ref<> item = IterNext(it.get())) got.push_back(IntValue(item.get()));
  EXPECT_FALSE(HasError());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<int64_t>{1, 3}));
  Ref<> fit = GetIter(FrozenSetNew(s.get())->get());
  ASSERT_TRUE(fit);
  int n = 0;
  while (IterNext(fit.get())) ++n;
  EXPECT_EQ(n, 2);
}

TEST_F(SetTest, ChangingSizeDuringIterationRaises) {
  Ref<> s = *SetNew();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(SetAdd(s.get(), I(i).get()).ok());
  Ref<> it = GetIter(s.get());
  ASSERT_TRUE(IterNext(it.get()));
  ASSERT_TRUE(SetAdd(s.get(), I(100).get()).ok());
  EXPECT_FALSE(IterNext(it.get()));
  EXPECT_EQ(TakeError(), "RuntimeError: Set changed size during iteration");
  // Sticky, even once the size is back.
  ASSERT_TRUE(SetDiscard(s.get(), I(100).get()).ok());
  EXPECT_FALSE(IterNext(it.get()));
  EXPECT_EQ(TakeError(), "RuntimeError: Set changed size during iteration");
  // A discard alone changes the size too.
  Ref<> it2 = GetIter(s.get());
  ASSERT_TRUE(IterNext(it2.get()));
  ASSERT_TRUE(SetDiscard(s.get(), I(5).get()).ok());
  EXPECT_FALSE(IterNext(it2.get()));
  EXPECT_EQ(TakeError(), "RuntimeError: Set changed size during iteration");
}

TEST_F(SetTest, FailingKeyEqualityIsReportedAndChangesNothing) {
  TestKeyType keys(1);  // every key collides: lookups compare
  Ref<> s = *SetNew();
  ASSERT_TRUE(SetAdd(s.get(), keys.Make(1).get()).ok());
  PyTypeObject* type = keys.type();
  const richcmpfunc original = type->tp_richcompare;
  type->tp_richcompare = [](PyObject*, PyObject*, int) -> PyObject* {
    SetErrorIndicator(MakeError(ErrorKind::kRuntimeError, "eq exploded"));
    return nullptr;
  };
  Ref<> other = keys.Make(2);
  absl::Status st = SetAdd(s.get(), other.get()).status();
  EXPECT_EQ(KindOf(st), ErrorKind::kRuntimeError);
  EXPECT_EQ(st.message(), "eq exploded");
  EXPECT_EQ(KindOf(SetContains(s.get(), other.get()).status()), ErrorKind::kRuntimeError);
  EXPECT_EQ(KindOf(SetDiscard(s.get(), other.get()).status()), ErrorKind::kRuntimeError);
  type->tp_richcompare = original;
  EXPECT_EQ(SetSize(s.get()), 1);
  EXPECT_EQ(Refcount(other.get()), 1);
  EXPECT_FALSE(ErrorIndicatorSet());
}

TEST_F(SetTest, KeyEqualityThatMutatesTheSet) {
  // Every key hashes alike, and each of the first 50 __eq__ calls adds
  // another key: insertions restart when the table changes under a
  // comparison, and never lose or duplicate a key.
  TestKeyType keys(1);
  Ref<> s = *SetNew();
  int64_t next_side_key = 1'000'000;
  keys.on_eq = [&](PyObject*, PyObject*) {
    if (next_side_key < 1'000'050) {
      Ref<> side = keys.Make(next_side_key++);
      ASSERT_TRUE(SetAdd(s.get(), side.get()).ok());
    }
  };
  for (int64_t i = 0; i < 40; ++i) ASSERT_TRUE(SetAdd(s.get(), keys.Make(i).get()).ok());
  keys.on_eq = nullptr;
  const int64_t side_keys = next_side_key - 1'000'000;
  EXPECT_GT(side_keys, 0);
  EXPECT_EQ(SetSize(s.get()), 40 + side_keys);
  for (int64_t i = 0; i < 40; ++i) EXPECT_TRUE(*SetContains(s.get(), keys.Make(i).get())) << i;
  std::vector<int64_t> seen;
  for (Ref<>& k : Keys(s.get())) seen.push_back(TestKeyType::Value(k.get()));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
  // A lookup or removal whose __eq__ clears the set: a clean answer, no crash.
  keys.on_eq = [&](PyObject*, PyObject*) { ASSERT_TRUE(SetClear(s.get()).ok()); };
  absl::StatusOr<bool> r = SetContains(s.get(), keys.Make(39).get());
  EXPECT_TRUE(r.ok()) << r.status();
  keys.on_eq = nullptr;
  EXPECT_EQ(SetSize(s.get()), 0);
  ASSERT_TRUE(SetAdd(s.get(), keys.Make(1).get()).ok());
  keys.on_eq = [&](PyObject*, PyObject*) { ASSERT_TRUE(SetClear(s.get()).ok()); };
  absl::StatusOr<bool> d = SetDiscard(s.get(), keys.Make(1).get());
  keys.on_eq = nullptr;
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE(*d);  // cleared under the comparison: gone when the removal retried
  EXPECT_EQ(SetSize(s.get()), 0);
}

TEST_F(SetTest, InsertionWhoseKeyEqualityReplacesTheTableAtTheSameAddress) {
  // The ABA of a table pointer: while an insertion's __eq__ runs, the set's
  // table is replaced and freed, and a new table of the same size, holding
  // the compared key in the compared slot, lands at the old address. The
  // insertion must still see that the table changed: the new table has an
  // equal key in a slot the probe had already passed.
  // hash = value % 1000; an 8-slot table probes hash 1 at slots 1, 6, 7.
  TestKeyType keys(1000);
  Ref<> s = *SetNew();
  Ref<> x = keys.Make(9);     // hash 9: slot 1
  Ref<> a = keys.Make(1001);  // hash 1: slot 1 is taken, so slot 6
  Ref<> b = keys.Make(1);     // hash 1: passes x, compares with a, then slot 7
  ASSERT_TRUE(SetAdd(s.get(), x.get()).ok());
  ASSERT_TRUE(SetAdd(s.get(), a.get()).ok());
  const void* old_table = TableOf(s.get());
  bool fired = false;
  bool reused = false;
  int attempts = 0;
  // mimalloc returns a freed block only once its page's free list is used
  // up (a few dozen to a few hundred replacements); the sanitizers'
  // allocators (kSystemAlloc) may quarantine freed blocks, so there reuse
  // may not happen at all and every attempt runs, slowly: fewer there.
  constexpr int kReuseAttempts = kSystemAlloc ? 1000 : 20000;
  keys.on_eq = [&](PyObject* lhs, PyObject* rhs) {
    if (fired || lhs != a.get() || rhs != b.get()) return;  // only the outer comparison
    fired = true;
    // Replace the table until the new one is at the old address: b at
    // slot 1, a at slot 6, as before.
    while (!reused && attempts < kReuseAttempts) {
      ++attempts;
      ASSERT_TRUE(SetClear(s.get()).ok());
      PassGracePeriod(runtime());
      ASSERT_TRUE(SetAdd(s.get(), b.get()).ok());
      ASSERT_TRUE(SetAdd(s.get(), a.get()).ok());
      reused = TableOf(s.get()) == old_table;
    }
  };
  absl::StatusOr<bool> added = SetAdd(s.get(), b.get());
  keys.on_eq = nullptr;
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_FALSE(*added);  // b was added under the comparison
  EXPECT_TRUE(fired);
  std::printf("set table address reused: %s (after %d replacements)\n", reused ? "yes" : "no",
              attempts);
  // mimalloc (the default build) hands the block back; the sanitizers'
  // allocators may not, and the assertions below hold either way.
  if constexpr (!kSystemAlloc) {
    EXPECT_TRUE(reused);
  }
  EXPECT_EQ(SetSize(s.get()), 2);
  std::vector<Ref<>> items = Keys(s.get());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_TRUE((items[0].get() == a.get() && items[1].get() == b.get()) ||
              (items[0].get() == b.get() && items[1].get() == a.get()));
}

TEST_F(SetTest, TraverseAndClearForTheCollector) {
  Ref<> s = *SetNew();
  Ref<> a = I(424242);
  Ref<> b = S("bee");
  ASSERT_TRUE(SetAdd(s.get(), a.get()).ok());
  ASSERT_TRUE(SetAdd(s.get(), b.get()).ok());
  ASSERT_TRUE(SetAdd(s.get(), I(99).get()).ok());
  ASSERT_TRUE(SetDiscard(s.get(), I(99).get()).ok());  // a dummy slot is not visited
  std::vector<PyObject*> seen;
  auto visit = [](PyObject* op, void* arg) {
    static_cast<std::vector<PyObject*>*>(arg)->push_back(op);
    return 0;
  };
  EXPECT_EQ(SetType()->tp_traverse(s.get(), visit, &seen), 0);
  std::sort(seen.begin(), seen.end());
  std::vector<PyObject*> expected{a.get(), b.get()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
  // tp_clear (which the collector uses on either kind) drops the keys.
  Ref<> f = *FrozenSetNew(s.get());
  EXPECT_TRUE(IsTracked(f.get()));
  EXPECT_EQ(Refcount(a.get()), 3);
  EXPECT_EQ(FrozenSetType()->tp_clear(f.get()), 0);
  EXPECT_EQ(SetType()->tp_clear(s.get()), 0);
  EXPECT_EQ(SetSize(f.get()), 0);
  EXPECT_EQ(Refcount(a.get()), 1);
  EXPECT_EQ(Refcount(b.get()), 1);
}

TEST_F(SetTest, NoObjectsLeak) {
  const int64_t before = LiveObjects();
  {
    Ref<> s = *SetNew();
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(SetAdd(s.get(), I(100000 + i).get()).ok());
    for (int i = 0; i < 500; i += 2) ASSERT_TRUE(SetDiscard(s.get(), I(100000 + i).get()).ok());
    Ref<> f = *FrozenSetNew(s.get());
    EXPECT_NE(ObjectHash(f.get()), -1);
    Ref<> it = GetIter(f.get());
    while (IterNext(it.get())) {
    }
    Ref<> popped = *SetPop(s.get());
    ASSERT_TRUE(SetClear(s.get()).ok());
    EXPECT_EQ(Repr(SetNew()->get()), "set()");
  }
  EXPECT_EQ(LiveObjects(), before);
}

// --- stress -------------------------------------------------------------------------

// Key k as a fresh object each time (equal, never identical, to the stored
// one, so lookups compare): even k an int above the small range, odd k a
// str.
Ref<> Key(int64_t k) {
  if (k % 2 == 0) return *IntFromInt64(1'000'000 + k);
  return S(("key-" + std::to_string(k)).c_str());
}

// Whether an object is key k of the stress test, for some k in [0, n).
bool IsStressKey(PyObject* op, int64_t n) {
  if (IsIntExact(op)) {
    const int64_t k = IntValue(op) - 1'000'000;
    return k >= 0 && k < n && k % 2 == 0;
  }
  if (!IsStrExact(op)) return false;
  const std::string s(*StrAsUtf8(op));
  if (s.rfind("key-", 0) != 0) return false;
  const int64_t k = std::stoll(s.substr(4));
  return k >= 0 && k < n && k % 2 == 1;
}

// 6 threads, each with its own key range (add / discard / look up against a
// private model: every answer must agree with it) and all reading a shared
// range that never changes (always present); every so often a thread
// iterates the whole set, with SetNext (every key a live stress key) or the
// iterator (items or RuntimeError). Each thread finally leaves key k of its
// range present iff k % 3 == 0: the final contents are exact.
TEST_F(SetTest, StressSixThreadsOnOneSet) {
  constexpr int kThreads = 6;
  constexpr int64_t kOwnKeys = 400, kSharedKeys = 100;
  constexpr int64_t kSharedBase = kThreads * kOwnKeys;
  constexpr int64_t kAllKeys = kSharedBase + kSharedKeys;
  // Under ASan every call is far slower (see dict_stress_test.cc).
  const int64_t ops = std::max<long>(500, testing_util::Scaled(15'000, 500) / (kAsan ? 4 : 1));
  Ref<> set = *SetNew();
  for (int64_t k = kSharedBase; k < kAllKeys; ++k) ASSERT_TRUE(*SetAdd(set.get(), Key(k).get()));
  std::atomic<int64_t> bad{0}, iterations{0};
  RunThreads(kThreads, [&](int t) {
    std::mt19937_64 rng(Seed() * 131 + static_cast<uint64_t>(t));
    std::vector<bool> model(kOwnKeys, false);
    auto fail = [&] { bad.fetch_add(1, std::memory_order_relaxed); };
    for (int64_t n = 0; n < ops; ++n) {
      const uint64_t op = rng() % 16;
      if (op < 12) {
        const int64_t i = static_cast<int64_t>(rng() % kOwnKeys);
        const int64_t k = t * kOwnKeys + i;
        Ref<> key = Key(k);
        const size_t mi = static_cast<size_t>(i);
        if (op < 5) {
          absl::StatusOr<bool> added = SetAdd(set.get(), key.get());
          if (!added.ok() || *added == model[mi]) fail();
          model[mi] = true;
        } else if (op < 9) {
          absl::StatusOr<bool> removed = SetDiscard(set.get(), key.get());
          if (!removed.ok() || *removed != model[mi]) fail();
          model[mi] = false;
        } else {
          absl::StatusOr<bool> in = SetContains(set.get(), key.get());
          if (!in.ok() || *in != model[mi]) fail();
        }
      } else if (op < 15) {
        const int64_t k = kSharedBase + static_cast<int64_t>(rng() % kSharedKeys);
        absl::StatusOr<bool> in = SetContains(set.get(), Key(k).get());
        if (!in.ok() || !*in) fail();
      } else if (rng() % 16 == 0) {
        iterations.fetch_add(1, std::memory_order_relaxed);
        if (rng() % 2 == 0) {
          Py_ssize_t pos = 0;
          Ref<> key;
          while (SetNext(set.get(), &pos, &key)) {
            if (!IsStressKey(key.get(), kAllKeys)) fail();
          }
        } else {
          Ref<> it = GetIter(set.get());
          if (!it) {
            fail();
            continue;
          }
          while (Ref<> key = IterNext(it.get())) {
            if (!IsStressKey(key.get(), kAllKeys)) fail();
          }
          if (HasError()) {
            // The size changed under it: the only error it may raise.
            if (TakeError() != "RuntimeError: Set changed size during iteration") fail();
          }
        }
      }
      if (rng() % 64 == 0) std::this_thread::yield();
      if (n % 64 == 0) Checkpoint();
    }
    for (int64_t i = 0; i < kOwnKeys; ++i) {
      const int64_t k = t * kOwnKeys + i;
      absl::StatusOr<bool> r = i % 3 == 0 ? SetAdd(set.get(), Key(k).get())
                                          : SetDiscard(set.get(), Key(k).get());
      if (!r.ok() || *r != (model[static_cast<size_t>(i)] != (i % 3 == 0))) fail();
    }
  });
  EXPECT_EQ(bad.load(std::memory_order_relaxed), 0);
  EXPECT_GT(iterations.load(std::memory_order_relaxed), 0);
  std::set<int64_t> expected;
  for (int64_t k = 0; k < kAllKeys; ++k) {
    if (k >= kSharedBase || (k % kOwnKeys) % 3 == 0) expected.insert(k);
  }
  std::set<int64_t> got;
  for (Ref<>& key : Keys(set.get())) {
    ASSERT_TRUE(IsStressKey(key.get(), kAllKeys));
    if (IsIntExact(key.get())) {
      got.insert(IntValue(key.get()) - 1'000'000);
    } else {
      got.insert(std::stoll(std::string(*StrAsUtf8(key.get())).substr(4)));
    }
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(SetSize(set.get()), static_cast<Py_ssize_t>(expected.size()));
  for (int64_t k = 0; k < kAllKeys; ++k) {
    ASSERT_EQ(*SetContains(set.get(), Key(k).get()), expected.count(k) == 1) << k;
  }
}

}  // namespace
}  // namespace ftrt
