// Tests for object/tuple.h: layout, items, hashing as CPython, comparison,
// GC tracking only when the tuple can hold containers.
#include "object/tuple.h"

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

namespace ftrt {
namespace {

using TupleTest = testing_util::RuntimeTest;

Ref<> Int(int64_t v) { return *IntFromInt64(v); }
Ref<> T(std::vector<PyObject*> items) { return *TupleFromItems(items); }

TEST_F(TupleTest, LayoutAndItems) {
  Ref<> a = Int(1000);
  Ref<> s = *StrFromUtf8("x");
  Ref<> t = T({a.get(), s.get()});
  EXPECT_TRUE(IsTuple(t.get()));
  auto* o = reinterpret_cast<PyTupleObject*>(t.get());
  EXPECT_EQ(o->ob_base.ob_size, 2);
  EXPECT_EQ(o->ob_item[0], a.get());  // what PyTuple_GET_ITEM reads
  EXPECT_EQ(o->ob_item[1], s.get());
  EXPECT_EQ(Refcount(a.get()), 2);  // the tuple holds a reference
  Ref<> got = *TupleGetItemRef(t.get(), 1);
  EXPECT_EQ(got.get(), s.get());
  absl::StatusOr<Ref<>> oob = TupleGetItemRef(t.get(), 2);
  EXPECT_EQ(KindOf(oob.status()), ErrorKind::kIndexError);
  EXPECT_EQ(oob.status().message(), "tuple index out of range");
  EXPECT_EQ(KindOf(TupleGetItemRef(t.get(), -1).status()), ErrorKind::kIndexError);
  EXPECT_EQ(KindOf(TupleGetItemRef(a.get(), 0).status()), ErrorKind::kTypeError);
  t.Reset();
  EXPECT_EQ(Refcount(a.get()), 1);
}

TEST_F(TupleTest, NewAndInitItem) {
  Ref<> t = *TupleNew(2);
  EXPECT_TRUE(IsTracked(t.get()));  // items unknown: tracked, like CPython
  TupleInitItem(t.get(), 0, Int(1));
  TupleInitItem(t.get(), 1, Int(2));
  TupleMaybeUntrack(t.get());
  EXPECT_FALSE(IsTracked(t.get()));  // only atomic items
  EXPECT_EQ(TupleNew(0)->get(), EmptyTuple());
  EXPECT_EQ(KindOf(TupleNew(-1).status()), ErrorKind::kSystemError);
}

TEST_F(TupleTest, TrackedOnlyWhenItCanHoldContainers) {
  Ref<> atoms = T({Int(1).get(), None()});
  EXPECT_FALSE(IsTracked(atoms.get()));
  Ref<> list = *ListNew();
  Ref<> with_list = T({Int(1).get(), list.get()});
  EXPECT_TRUE(IsTracked(with_list.get()));
  // A tuple of untracked tuples cannot be in a cycle either.
  Ref<> nested = T({atoms.get()});
  EXPECT_FALSE(IsTracked(nested.get()));
  Ref<> nested_list = T({with_list.get()});
  EXPECT_TRUE(IsTracked(nested_list.get()));
}

TEST_F(TupleTest, HashMatchesCPython) {
  Ref<> s = *StrFromUtf8("a");
  Ref<> f = *FloatFromDouble(2.5);
  EXPECT_EQ(*Hash(T({Int(1).get(), Int(2).get()}).get()), -3550055125485641917);
  EXPECT_EQ(*Hash(EmptyTuple()), 5740354900026072187);
  EXPECT_EQ(*Hash(T({Int(1).get(), s.get(), f.get()}).get()), -8030008116423961961);
  Ref<> inner = T({Int(1).get(), Int(2).get()});
  EXPECT_EQ(*Hash(T({inner.get(), Int(3).get()}).get()), -333907151259015829);
  // Equal tuples of equal-but-different items hash alike.
  EXPECT_EQ(*Hash(T({Int(1).get()}).get()), *Hash(T({True()}).get()));
}

TEST_F(TupleTest, UnhashableItemMakesTupleUnhashable) {
  Ref<> list = *ListNew();
  absl::StatusOr<Py_hash_t> h = Hash(T({Int(1).get(), list.get()}).get());
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(KindOf(h.status()), ErrorKind::kTypeError);
  EXPECT_EQ(h.status().message(), "unhashable type: 'list'");
}

TEST_F(TupleTest, ComparesLexicographically) {
  Ref<> a = T({Int(1).get(), Int(2).get()});
  Ref<> b = T({Int(1).get(), Int(3).get()});
  Ref<> c = T({Int(1).get()});
  EXPECT_TRUE(*RichCompareBool(a.get(), b.get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(c.get(), a.get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(a.get(), T({True(), Int(2).get()}).get(), Py_EQ));
  EXPECT_TRUE(*RichCompareBool(b.get(), a.get(), Py_NE));
  Ref<> s = *StrFromUtf8("x");
  absl::StatusOr<bool> bad = RichCompareBool(a.get(), T({Int(1).get(), s.get()}).get(), Py_LT);
  EXPECT_EQ(KindOf(bad.status()), ErrorKind::kTypeError);
  EXPECT_FALSE(*IsTrue(EmptyTuple()));
  EXPECT_TRUE(*IsTrue(c.get()));
}

TEST_F(TupleTest, TraverseVisitsItems) {
  Ref<> list = *ListNew();
  Ref<> t = T({Int(1).get(), list.get()});
  std::vector<PyObject*> seen;
  TupleType()->tp_traverse(
      t.get(),
      [](PyObject* op, void* arg) {
        static_cast<std::vector<PyObject*>*>(arg)->push_back(op);
        return 0;
      },
      &seen);
  EXPECT_EQ(seen, (std::vector<PyObject*>{SmallInt(1), list.get()}));
}

}  // namespace
}  // namespace ftrt
