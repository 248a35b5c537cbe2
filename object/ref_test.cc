// Ref<T>: move-only ownership, explicit Clone, Release, Borrow.
#include "object/ref.h"

#include <type_traits>
#include <utility>

#include "gtest/gtest.h"
#include "object/refcount_testing.h"

namespace ftrt {
namespace {

using testing_util::Counters;
using testing_util::LocalCount;
using testing_util::NewTestObject;
using testing_util::TestObject;

static_assert(!std::is_copy_constructible_v<Ref<>>, "Ref is move-only");
static_assert(!std::is_copy_assignable_v<Ref<TestObject>>, "Ref is move-only");
static_assert(std::is_nothrow_move_constructible_v<Ref<>>);
static_assert(sizeof(Ref<>) == sizeof(void*), "a Ref is a pointer");

class RefTest : public testing_util::RuntimeTest {};

TEST_F(RefTest, CloneMoveReleaseBorrow) {
  Ref<TestObject> a = NewTestObject(1);
  ObjectHeader* h = a.header();
  Ref<TestObject> b = a.Clone();
  EXPECT_EQ(LocalCount(h), 2u);
  EXPECT_EQ(a.get(), b.get());
  Ref<TestObject> c = std::move(a);
  EXPECT_FALSE(a);  // NOLINT: moved-from is null
  EXPECT_EQ(LocalCount(h), 2u);
  EXPECT_EQ(c.Borrow()->id, 1);
  TestObject* raw = c.Release();
  EXPECT_FALSE(c);
  EXPECT_EQ(LocalCount(h), 2u);
  Ref<TestObject> d = Ref<TestObject>::Steal(raw);
  b = std::move(d);  // drops b's old reference
  EXPECT_EQ(LocalCount(h), 1u);
  b.Reset();
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

TEST_F(RefTest, NewRefAndUpcastAndCast) {
  Ref<TestObject> a = NewTestObject(2);
  Ref<> any = Ref<>::NewRef(a.header());
  EXPECT_EQ(LocalCount(any.get()), 2u);
  Ref<> up = std::move(a);  // implicit upcast to ObjectHeader
  EXPECT_EQ(up.get(), any.get());
  Ref<TestObject> down = std::move(up).Cast<TestObject>();
  EXPECT_EQ(down->id, 2);
  EXPECT_EQ(LocalCount(any.get()), 2u);
  EXPECT_TRUE(down == down);
  Ref<> null;
  EXPECT_TRUE(null == nullptr);
  Ref<> also_null = Ref<>::NewRef(nullptr);
  EXPECT_FALSE(also_null);
}

TEST_F(RefTest, SelfMoveKeepsTheReference) {
  Ref<TestObject> a = NewTestObject();
  Ref<TestObject>& alias = a;
  a = std::move(alias);
  EXPECT_TRUE(a);
  EXPECT_EQ(LocalCount(a.header()), 1u);
}

}  // namespace
}  // namespace ftrt
