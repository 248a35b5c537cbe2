// Unit tests for object/list.h: every operation, Python's index rules, the
// layout C macros read, errors that leave the list unchanged (and leak
// nothing), code we do not control (comparisons that mutate the list),
// traverse and clear for the collector.
#include "object/list.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

using testing_util::IntValues;
using testing_util::TestKeyType;
using ListTest = testing_util::RuntimeTest;
using V = std::vector<int64_t>;

Ref<> Int(int64_t v) { return *IntFromInt64(v); }

Ref<> MakeList(const V& values) {
  Ref<> list = *ListNew();
  for (int64_t v : values) EXPECT_TRUE(ListAppend(list.get(), Int(v).get()).ok());
  return list;
}

TEST_F(ListTest, AppendGetAndLayout) {
  Ref<> list = *ListNew();
  EXPECT_TRUE(IsList(list.get()));
  EXPECT_TRUE(IsTracked(list.get()));
  EXPECT_EQ(ListSize(list.get()), 0);
  auto* o = reinterpret_cast<PyListObject*>(list.get());
  EXPECT_EQ(o->ob_item, nullptr);
  EXPECT_EQ(o->allocated, 0);
  Ref<> x = Int(1000);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(ListAppend(list.get(), x.get()).ok());
  EXPECT_EQ(Refcount(x.get()), 21);
  // What PyList_GET_SIZE / PyList_GET_ITEM read, and the capacity record.
  EXPECT_EQ(o->ob_base.ob_size, 20);
  EXPECT_GE(o->allocated, 20);
  EXPECT_EQ(o->ob_item[19], x.get());
  auto* array = reinterpret_cast<ftrt_ListArray*>(reinterpret_cast<char*>(o->ob_item) -
                                                  offsetof(ftrt_ListArray, items));
  EXPECT_EQ(array->capacity, o->allocated);
  for (Py_ssize_t i = 20; i < o->allocated; ++i) EXPECT_EQ(o->ob_item[i], nullptr);
  Ref<> got = *ListGetItemRef(list.get(), 5);
  EXPECT_EQ(got.get(), x.get());
  list.Reset();
  got.Reset();
  EXPECT_EQ(Refcount(x.get()), 1);
}

TEST_F(ListTest, InsertSetDelPopFollowPython) {
  Ref<> list = MakeList({1, 2, 3});
  ASSERT_TRUE(ListInsert(list.get(), 0, Int(0).get()).ok());
  ASSERT_TRUE(ListInsert(list.get(), -1, Int(9).get()).ok());    // before the last
  ASSERT_TRUE(ListInsert(list.get(), 100, Int(7).get()).ok());   // clamped: append
  ASSERT_TRUE(ListInsert(list.get(), -100, Int(6).get()).ok());  // clamped: front
  EXPECT_EQ(IntValues(list.get()), (V{6, 0, 1, 2, 9, 3, 7}));
  ASSERT_TRUE(ListSetItem(list.get(), -1, Int(8).get()).ok());
  ASSERT_TRUE(ListSetItem(list.get(), 0, Int(5).get()).ok());
  EXPECT_EQ(IntValues(list.get()), (V{5, 0, 1, 2, 9, 3, 8}));
  ASSERT_TRUE(ListDelItem(list.get(), 1).ok());
  ASSERT_TRUE(ListDelItem(list.get(), -2).ok());
  EXPECT_EQ(IntValues(list.get()), (V{5, 1, 2, 9, 8}));
  EXPECT_EQ(IntValue(ListPop(list.get())->get()), 8);
  EXPECT_EQ(IntValue(ListPop(list.get(), 0)->get()), 5);
  EXPECT_EQ(IntValue(ListPop(list.get(), -2)->get()), 2);
  EXPECT_EQ(IntValues(list.get()), (V{1, 9}));
}

TEST_F(ListTest, SlicesExtendClearReverse) {
  Ref<> list = MakeList({0, 1, 2, 3, 4, 5});
  Ref<> mid = *ListGetSlice(list.get(), 1, -1);
  EXPECT_EQ(IntValues(mid.get()), (V{1, 2, 3, 4}));
  EXPECT_EQ(IntValues(ListGetSlice(list.get(), 4, 2)->get()), V{});
  EXPECT_EQ(IntValues(ListGetSlice(list.get(), -100, 100)->get()), (V{0, 1, 2, 3, 4, 5}));
  // Grow, shrink and delete through slice assignment.
  Ref<> t = *TupleFromItems({Int(10).get(), Int(11).get(), Int(12).get()});
  ASSERT_TRUE(ListSetSlice(list.get(), 1, 2, t.get()).ok());
  EXPECT_EQ(IntValues(list.get()), (V{0, 10, 11, 12, 2, 3, 4, 5}));
  ASSERT_TRUE(ListSetSlice(list.get(), 1, 5, MakeList({7}).get()).ok());
  EXPECT_EQ(IntValues(list.get()), (V{0, 7, 3, 4, 5}));
  ASSERT_TRUE(ListSetSlice(list.get(), 3, 100, nullptr).ok());
  EXPECT_EQ(IntValues(list.get()), (V{0, 7, 3}));
  // The list itself as the source (a snapshot is taken first).
  ASSERT_TRUE(ListSetSlice(list.get(), 1, 1, list.get()).ok());
  EXPECT_EQ(IntValues(list.get()), (V{0, 0, 7, 3, 7, 3}));
  ASSERT_TRUE(ListExtend(list.get(), list.get()).ok());
  EXPECT_EQ(ListSize(list.get()), 12);
  ASSERT_TRUE(ListExtend(list.get(), t.get()).ok());
  EXPECT_EQ(IntValues(ListGetSlice(list.get(), -3, PY_SSIZE_T_MAX)->get()), (V{10, 11, 12}));
  ASSERT_TRUE(ListReverse(list.get()).ok());
  EXPECT_EQ(IntValue(ListGetItemRef(list.get(), 0)->get()), 12);
  ASSERT_TRUE(ListClear(list.get()).ok());
  EXPECT_EQ(ListSize(list.get()), 0);
  EXPECT_EQ(reinterpret_cast<PyListObject*>(list.get())->ob_item, nullptr);
  ASSERT_TRUE(ListAppend(list.get(), Int(1).get()).ok());  // usable after clear
  EXPECT_EQ(IntValues(list.get()), V{1});
}

TEST_F(ListTest, ShrinksWhenMostlyEmpty) {
  Ref<> list = *ListNew();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(ListAppend(list.get(), Int(i).get()).ok());
  const Py_ssize_t big = reinterpret_cast<PyListObject*>(list.get())->allocated;
  for (int i = 0; i < 990; ++i) ASSERT_TRUE(ListPop(list.get()).ok());
  EXPECT_LT(reinterpret_cast<PyListObject*>(list.get())->allocated, big / 4);
  EXPECT_EQ(IntValues(list.get()), (V{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_F(ListTest, SearchAndSort) {
  Ref<> list = MakeList({3, 1, 2, 3, 1000, 1});
  EXPECT_EQ(*ListIndex(list.get(), Int(3).get()), 0);
  EXPECT_EQ(*ListIndex(list.get(), True()), 1);  // 1 == True
  EXPECT_EQ(*ListCount(list.get(), Int(1).get()), 2);
  EXPECT_EQ(*ListIndex(list.get(), Int(1000).get()), 4);  // equal, not identical
  EXPECT_TRUE(*ListContains(list.get(), Int(2).get()));
  EXPECT_FALSE(*ListContains(list.get(), Int(4).get()));
  ASSERT_TRUE(ListRemove(list.get(), Int(3).get()).ok());
  EXPECT_EQ(IntValues(list.get()), (V{1, 2, 3, 1000, 1}));
  ASSERT_TRUE(ListSort(list.get()).ok());
  EXPECT_EQ(IntValues(list.get()), (V{1, 1, 2, 3, 1000}));
  // Stability: equal keys keep their order (1 and True compare equal).
  Ref<> mixed = *ListNew();
  ASSERT_TRUE(ListAppend(mixed.get(), Int(2).get()).ok());
  ASSERT_TRUE(ListAppend(mixed.get(), True()).ok());
  ASSERT_TRUE(ListAppend(mixed.get(), Int(1).get()).ok());
  ASSERT_TRUE(ListSort(mixed.get()).ok());
  EXPECT_EQ(ListGetItemRef(mixed.get(), 0)->get(), True());
  EXPECT_EQ(ListGetItemRef(mixed.get(), 1)->get(), SmallInt(1));
  // A longer sort (the merge path).
  Ref<> many = *ListNew();
  for (int i = 0; i < 500; ++i)
    ASSERT_TRUE(ListAppend(many.get(), Int((i * 7919) % 500).get()).ok());
  ASSERT_TRUE(ListSort(many.get()).ok());
  V sorted = IntValues(many.get());
  for (int i = 0; i < 500; ++i) EXPECT_EQ(sorted[static_cast<size_t>(i)], i);
  Ref<> tuple = *ListAsTuple(list.get());
  EXPECT_EQ(TupleSize(tuple.get()), 5);
  EXPECT_EQ(IntValue(TupleItem(tuple.get(), 4)), 1000);
}

TEST_F(ListTest, EqualityOrderingTruthAndUnhashable) {
  Ref<> a = MakeList({1, 2, 3});
  EXPECT_TRUE(*RichCompareBool(a.get(), MakeList({1, 2, 3}).get(), Py_EQ));
  EXPECT_TRUE(*RichCompareBool(a.get(), MakeList({1, 2, 4}).get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(a.get(), MakeList({1, 2}).get(), Py_GT));
  EXPECT_FALSE(*RichCompareBool(a.get(), MakeList({1, 2}).get(), Py_EQ));
  EXPECT_TRUE(*IsTrue(a.get()));
  EXPECT_FALSE(*IsTrue(ListNew()->get()));
  EXPECT_EQ(Hash(a.get()).status().message(), "unhashable type: 'list'");
}

// Asserts the list still holds `values` and each item's count is as before.
void ExpectUnchanged(PyObject* list, const V& values, PyObject* probe, intptr_t probe_refs) {
  EXPECT_EQ(IntValues(list), values);
  EXPECT_EQ(Refcount(probe), probe_refs);
}

TEST_F(ListTest, ErrorsAreTypedAndLeaveTheListUnchanged) {
  const V values = {10, 20, 30};
  Ref<> list = MakeList(values);
  Ref<> x = Int(12345);  // the item passed to failing calls: must not leak
  const intptr_t x_refs = Refcount(x.get());
  auto expect = [&](const absl::Status& s, ErrorKind kind, const char* message) {
    EXPECT_EQ(KindOf(s), kind) << s;
    if (message != nullptr) {
      EXPECT_EQ(s.message(), message);
    }
    ExpectUnchanged(list.get(), values, x.get(), x_refs);
  };
  expect(ListGetItemRef(list.get(), 3).status(), ErrorKind::kIndexError, "list index out of range");
  expect(ListGetItemRef(list.get(), -1).status(), ErrorKind::kIndexError,
         "list index out of range");
  expect(ListSetItem(list.get(), 3, x.get()), ErrorKind::kIndexError,
         "list assignment index out of range");
  expect(ListSetItem(list.get(), -4, x.get()), ErrorKind::kIndexError, nullptr);
  expect(ListDelItem(list.get(), 3), ErrorKind::kIndexError, "list assignment index out of range");
  expect(ListPop(list.get(), 3).status(), ErrorKind::kIndexError, "pop index out of range");
  expect(ListPop(list.get(), -4).status(), ErrorKind::kIndexError, "pop index out of range");
  expect(ListIndex(list.get(), x.get()).status(), ErrorKind::kValueError, "x not in list");
  expect(ListRemove(list.get(), x.get()), ErrorKind::kValueError, "list.remove(x): x not in list");
  expect(ListExtend(list.get(), x.get()), ErrorKind::kTypeError, nullptr);
  expect(ListSetSlice(list.get(), 0, 1, x.get()), ErrorKind::kTypeError, nullptr);
  // Wrong container type: the int is not a list.
  expect(ListAppend(x.get(), x.get()), ErrorKind::kTypeError, "expected a list, got 'int'");
  expect(ListInsert(x.get(), 0, x.get()), ErrorKind::kTypeError, nullptr);
  expect(ListGetItemRef(x.get(), 0).status(), ErrorKind::kTypeError, nullptr);
  expect(ListPop(x.get()).status(), ErrorKind::kTypeError, nullptr);
  expect(ListSort(x.get()), ErrorKind::kTypeError, nullptr);
  expect(ListClear(x.get()), ErrorKind::kTypeError, nullptr);
  Ref<> empty = *ListNew();
  EXPECT_EQ(ListPop(empty.get()).status().message(), "pop from empty list");
  EXPECT_EQ(ListSize(empty.get()), 0);
}

TEST_F(ListTest, FailedSortLeavesOriginalOrder) {
  Ref<> list = MakeList({3, 1, 2});
  Ref<> s = *StrFromUtf8("a");
  ASSERT_TRUE(ListInsert(list.get(), 1, s.get()).ok());
  absl::Status st = ListSort(list.get());
  EXPECT_EQ(KindOf(st), ErrorKind::kTypeError);
  EXPECT_EQ(ListSize(list.get()), 4);
  EXPECT_EQ(ListGetItemRef(list.get(), 1)->get(), s.get());
  EXPECT_EQ(IntValue(ListGetItemRef(list.get(), 0)->get()), 3);
  EXPECT_EQ(IntValue(ListGetItemRef(list.get(), 3)->get()), 2);
}

TEST_F(ListTest, ComparisonsThatMutateTheList) {
  TestKeyType keys(1000);
  Ref<> list = *ListNew();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(ListAppend(list.get(), keys.Make(i).get()).ok());
  // __eq__ that deletes the front item on each call: remove() must still
  // remove exactly one item equal to 7 (or report it absent), never crash.
  keys.on_eq = [&](PyObject*, PyObject*) {
    if (ListSize(list.get()) > 5) (void)ListDelItem(list.get(), 0);
  };
  Ref<> seven = keys.Make(7);
  absl::Status st = ListRemove(list.get(), seven.get());
  keys.on_eq = nullptr;
  int sevens = 0;
  for (Py_ssize_t i = 0; i < ListSize(list.get()); ++i) {
    if (TestKeyType::Value(ListGetItemRef(list.get(), i)->get()) == 7) ++sevens;
  }
  // Removed exactly the 7 it compared, or (items shifted under the scan)
  // reported it absent; never anything else.
  if (st.ok()) {
    EXPECT_EQ(sevens, 0);
  } else {
    EXPECT_TRUE(IsError(st, ErrorKind::kValueError)) << st;
  }
  // A sort whose comparisons append to the list: ValueError, and the list
  // holds exactly the sorted original items.
  Ref<> to_sort = *ListNew();
  for (int v : {5, 3, 9, 1}) ASSERT_TRUE(ListAppend(to_sort.get(), keys.Make(v).get()).ok());
  PyTypeObject* key_type = keys.type();
  const richcmpfunc original = key_type->tp_richcompare;
  static PyObject* g_sorting = nullptr;
  static richcmpfunc g_original = nullptr;
  g_sorting = to_sort.get();
  g_original = original;
  key_type->tp_richcompare = [](PyObject* a, PyObject* b, int op) -> PyObject* {
    (void)ListAppend(g_sorting, SmallInt(0));
    return g_original(a, b, op);
  };
  absl::Status sorted = ListSort(to_sort.get());
  key_type->tp_richcompare = original;
  EXPECT_EQ(KindOf(sorted), ErrorKind::kValueError);
  EXPECT_EQ(sorted.message(), "list modified during sort");
  ASSERT_EQ(ListSize(to_sort.get()), 4);
  V got;
  for (Py_ssize_t i = 0; i < 4; ++i)
    got.push_back(TestKeyType::Value(ListGetItemRef(to_sort.get(), i)->get()));
  EXPECT_EQ(got, (V{1, 3, 5, 9}));
}

TEST_F(ListTest, NewWithSizeIsFilledByItsCreator) {
  Ref<> list = *ListNewWithSize(3);
  EXPECT_EQ(ListSize(list.get()), 3);
  // Unfilled: reads and whole-list operations refuse, nothing crashes.
  EXPECT_EQ(KindOf(ListGetItemRef(list.get(), 1).status()), ErrorKind::kSystemError);
  EXPECT_EQ(KindOf(ListSort(list.get())), ErrorKind::kSystemError);
  EXPECT_EQ(KindOf(ListAsTuple(list.get()).status()), ErrorKind::kSystemError);
  EXPECT_EQ(KindOf(ListGetSlice(list.get(), 0, 3).status()), ErrorKind::kSystemError);
  EXPECT_EQ(ListSize(list.get()), 3);
  for (int i = 0; i < 3; ++i) ListInitItem(list.get(), i, Int(10 * i));
  // What PyList_SET_ITEM writes is where the list reads.
  EXPECT_EQ(reinterpret_cast<PyListObject*>(list.get())->ob_item[2], SmallInt(20));
  EXPECT_EQ(IntValues(list.get()), (V{0, 10, 20}));
  ASSERT_TRUE(ListAppend(list.get(), Int(30).get()).ok());
  EXPECT_EQ(IntValues(list.get()), (V{0, 10, 20, 30}));
  EXPECT_EQ(ListNewWithSize(0)->get() != nullptr, true);
  EXPECT_EQ(KindOf(ListNewWithSize(-1).status()), ErrorKind::kSystemError);
  // Dropping a partly filled list is fine.
  Ref<> partial = *ListNewWithSize(2);
  ListInitItem(partial.get(), 0, Int(100000));
}

TEST_F(ListTest, NextIteratesAndEnds) {
  Ref<> list = MakeList({4, 5, 6});
  Py_ssize_t i = 0;
  V seen;
  while (Ref<> item = ListNext(list.get(), &i)) {
    seen.push_back(IntValue(item.get()));
    if (seen.size() == 1) {
      ASSERT_TRUE(ListPop(list.get()).ok());  // shrink under it
    }
  }
  EXPECT_EQ(seen, (V{4, 5}));
  EXPECT_FALSE(ListNext(list.get(), &i));
}

TEST_F(ListTest, TraverseAndClearForTheCollector) {
  Ref<> inner = *ListNew();
  Ref<> list = *ListNew();
  ASSERT_TRUE(ListAppend(list.get(), inner.get()).ok());
  ASSERT_TRUE(ListAppend(list.get(), None()).ok());
  std::vector<PyObject*> seen;
  ListType()->tp_traverse(
      list.get(),
      [](PyObject* op, void* arg) {
        static_cast<std::vector<PyObject*>*>(arg)->push_back(op);
        return 0;
      },
      &seen);
  EXPECT_EQ(seen, (std::vector<PyObject*>{inner.get(), None()}));
  // A cycle: the list holds itself; tp_clear breaks it.
  ASSERT_TRUE(ListAppend(list.get(), list.get()).ok());
  EXPECT_EQ(Refcount(list.get()), 2);
  EXPECT_EQ(ListType()->tp_clear(list.get()), 0);
  EXPECT_EQ(ListSize(list.get()), 0);
  EXPECT_EQ(Refcount(list.get()), 1);
  EXPECT_EQ(Refcount(inner.get()), 1);
}

}  // namespace
}  // namespace ftrt
