// Allocation and the refcounting side of type objects.
#include "object/object.h"

#include "gtest/gtest.h"
#include "object/dealloc.h"
#include "object/refcount_testing.h"
#include "object/thread_objects.h"

namespace ftrt {
namespace {

using testing_util::Counters;
using testing_util::LocalCount;
using testing_util::NewTestObject;
using testing_util::Owner;

class ObjectTest : public testing_util::RuntimeTest {};

TEST_F(ObjectTest, NewObjectIsOwnedWithOneReference) {
  Ref<testing_util::TestObject> obj = NewTestObject(3);
  ObjectHeader* h = obj.header();
  EXPECT_EQ(Owner(h), CurrentThreadId());
  EXPECT_EQ(LocalCount(h), 1u);
  EXPECT_EQ(h->ob_ref_shared, 0);
  EXPECT_EQ(h->ob_type, testing_util::TestType());
  EXPECT_EQ(obj->next, nullptr);  // body zeroed
  EXPECT_EQ(obj->id, 3);
  EXPECT_FALSE(IsTracked(h));
  EXPECT_EQ(h->ob_gc_bits & FTRT_GC_BIT_GC_CAPABLE, 0);
}

TEST_F(ObjectTest, GcTypesAreGcCapableAndTrackable) {
  HeapTypeSpec spec;
  spec.name = "test.Gc";
  spec.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
  absl::StatusOr<Ref<PyTypeObject>> type = NewHeapType(spec);
  ASSERT_TRUE(type.ok());
  Ref<> obj = NewObject((*type).get());
  ASSERT_TRUE(obj);
  EXPECT_NE(obj->ob_gc_bits & FTRT_GC_BIT_GC_CAPABLE, 0);
  EXPECT_FALSE(IsTracked(obj.get()));
  TrackObject(obj.get());
  EXPECT_TRUE(IsTracked(obj.get()));
  UntrackObject(obj.get());
  EXPECT_FALSE(IsTracked(obj.get()));
  TrackObject(obj.get());
  obj.Reset();  // DefaultDealloc untracks and frees
}

// Tracking an object that was not allocated from a GC heap (CPython:
// PyObject_GC_Track on an object of a type without Py_TPFLAGS_HAVE_GC)
// cannot make it visible to the collector: debug builds abort naming it,
// others leave it untracked.
TEST_F(ObjectTest, TrackingANonGcObjectIsRefused) {
  Ref<testing_util::TestObject> obj = NewTestObject(5);
  ObjectHeader* h = obj.header();
  ASSERT_EQ(h->ob_gc_bits & FTRT_GC_BIT_GC_CAPABLE, 0);
#if defined(FTRT_DEBUG_CHECKS)
  EXPECT_DEATH(TrackObject(h), "TrackObject: .*not allocated as GC-capable");
#else
  TrackObject(h);
  EXPECT_FALSE(IsTracked(h));
#endif
}

TEST_F(ObjectTest, AllocationFailureIsNull) {
  rt().allocator().SetFailNth(1);
  Ref<> obj = NewObject(testing_util::TestType());
  rt().allocator().ClearFaultInjection();
  EXPECT_FALSE(obj);
}

TEST_F(ObjectTest, StaticTypesAreImmortal) {
  EXPECT_TRUE(IsImmortal(AsHeader(TypeType())));
  EXPECT_EQ(TypeType()->ob_base.ob_base.ob_type, TypeType());
  EXPECT_TRUE(IsImmortal(AsHeader(testing_util::TestType())));
  EXPECT_EQ(AsHeader(testing_util::TestType())->ob_flags & FTRT_OBJ_FLAG_STATIC,
            FTRT_OBJ_FLAG_STATIC);
  static PyTypeObject plain{};  // a zero header, as C code may leave it
  plain.tp_name = "test.Plain";
  plain.tp_basicsize = sizeof(ObjectHeader);
  InitStaticType(&plain);
  EXPECT_EQ(plain.ob_base.ob_base.ob_type, TypeType());
  EXPECT_TRUE(IsImmortal(AsHeader(&plain)));
  Ref<> o = NewObject(&plain);
  ASSERT_TRUE(o);
  EXPECT_TRUE(IsImmortal(AsHeader(&plain)));  // instances do not count it
}

// Types made at run time are deferred: their many users touch no shared
// count; instances hold counted references; only a collection frees them,
// once nothing holds them.
TEST_F(ObjectTest, HeapTypesAreDeferredAndFreedByACollection) {
  HeapTypeSpec spec;
  spec.name = "test.Heap";
  spec.basicsize = sizeof(testing_util::TestObject);
  absl::StatusOr<Ref<PyTypeObject>> made = NewHeapType(spec);
  ASSERT_TRUE(made.ok());
  Ref<PyTypeObject> type = std::move(made).value();
  ObjectHeader* th = type.header();
  EXPECT_TRUE(HasDeferredRefcount(th));
  EXPECT_STREQ(type->tp_name, "test.Heap");
  EXPECT_NE(type->tp_flags & Py_TPFLAGS_HEAPTYPE, 0u);
  EXPECT_EQ(th->ob_type, TypeType());
  Ref<> instance = NewObject(type.get());
  type.Reset();
  EXPECT_EQ(CollectDeferred(rt()), 0u);  // the instance holds it
  EXPECT_EQ(Refcount(th) - kDeferredBias, 1);
  instance.Reset();
  EXPECT_EQ(Refcount(th) - kDeferredBias, 0);
  EXPECT_EQ(CollectDeferred(rt()), 1u);
}

TEST_F(ObjectTest, HeapTypeHoldsItsHeapBase) {
  HeapTypeSpec base_spec;
  base_spec.name = "test.Base";
  absl::StatusOr<Ref<PyTypeObject>> base = NewHeapType(base_spec);
  ASSERT_TRUE(base.ok());
  HeapTypeSpec spec;
  spec.name = "test.Derived";
  spec.base = base->get();
  absl::StatusOr<Ref<PyTypeObject>> derived = NewHeapType(spec);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ((*derived)->tp_base, base->get());
  base->Reset();
  EXPECT_EQ(CollectDeferred(rt()), 0u);  // the derived type holds the base
  derived->Reset();
  EXPECT_EQ(CollectDeferred(rt()), 1u);  // derived; its dealloc drops base
  EXPECT_EQ(CollectDeferred(rt()), 1u);  // then base
}

}  // namespace
}  // namespace ftrt
