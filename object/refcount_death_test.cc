// Debug checks (FTRT_DEBUG_CHECKS): each bug the header can reveal aborts
// with the object's address, type name, local and shared counts, owner and
// lifecycle state.
#include <thread>

#include "gtest/gtest.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/refcount_testing.h"

namespace ftrt {
namespace {

using testing_util::NewTestObject;
using testing_util::TestObject;

// What every report carries.
constexpr char kDetails[] =
    "object 0x[0-9a-f]+ of type '[a-zA-Z.]+': local [0-9]+.*shared -?[0-9]+ \\(count -?[0-9]+, "
    "[A-Z_]+\\), owner .*lifecycle state ";

class RefcountDeathTest : public testing_util::RuntimeTest {
 protected:
  void SetUp() override {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    RuntimeTest::SetUp();
  }
};

TEST_F(RefcountDeathTest, DecrefBelowZeroOnTheOwner) {
  // An owned header whose counts are both zero: one decrement too many.
  static ObjectHeader h{};
  h.ob_type = testing_util::TestType();
  h.ob_tid = CurrentThreadId();
  EXPECT_DEATH(Decref(&h), std::string("decref below zero.*") + kDetails + "DEAD");
}

TEST_F(RefcountDeathTest, DecrefBelowZeroOnAMergedObject) {
  static ObjectHeader h{};
  h.ob_type = testing_util::TestType();
  h.ob_ref_local = 0;
  h.ob_ref_shared = kRefMerged;
  EXPECT_DEATH(Decref(&h), std::string("decref below zero.*") + kDetails + "DEAD");
}

TEST_F(RefcountDeathTest, IncrefOfAFreedObject) {
  ObjectHeader* h = AsHeader(NewTestObject().Release());
  Decref(h);  // freed; the memory stays a header for a grace period
  EXPECT_DEATH(Incref(h), std::string("incref of a freed object.*") + kDetails + "FREED");
}

TEST_F(RefcountDeathTest, DecrefOfAFreedObject) {
  ObjectHeader* h = AsHeader(NewTestObject().Release());
  Decref(h);
  EXPECT_DEATH(Decref(h), std::string("decref of a freed object.*") + kDetails + "FREED");
}

void IncrefSelfDealloc(PyObject* self) {
  Incref(self);  // a bug: resurrecting from tp_dealloc
  FreeObject(self);
}

TEST_F(RefcountDeathTest, IncrefOfAnObjectBeingFreed) {
  HeapTypeSpec spec;
  spec.name = "test.Zombie";
  spec.dealloc = IncrefSelfDealloc;
  absl::StatusOr<Ref<PyTypeObject>> type = NewHeapType(spec);
  ASSERT_TRUE(type.ok());
  EXPECT_DEATH(
      {
        Ref<> obj = NewObject((*type).get());
        obj.Reset();
      },
      std::string("incref of an object being freed.*") + kDetails + "DEALLOCATING");
}

TEST_F(RefcountDeathTest, IncrefFromAnotherThreadOfADeadObject) {
  static ObjectHeader h{};
  h.ob_type = testing_util::TestType();
  h.ob_ref_shared = kRefMerged;  // DEAD: merged, count 0
  EXPECT_DEATH(Incref(&h), std::string("incref of an object being freed.*") + kDetails + "DEAD");
}

// T6's fix-up runs after the thread gave up its reference, which is safe
// only on an attached thread (refcount.h): a detached thread taking another
// thread's object below zero aborts, naming it.
TEST_F(RefcountDeathTest, DecrefBelowZeroByADetachedThread) {
  ObjectHeader* h = AsHeader(NewTestObject().Release());
  Incref(h);  // a reference for the other thread: local 2, shared 0
  EXPECT_DEATH(
      {
        std::thread t([h] { Decref(h); });  // not attached to the runtime
        t.join();
      },
      std::string("decref of another thread's object by a detached thread.*") + kDetails +
          "OWNED");
  Decref(h);
  Decref(h);
}

}  // namespace
}  // namespace ftrt
