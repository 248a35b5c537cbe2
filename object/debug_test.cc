// Object descriptions and lifecycle-state names used by the debug checks.
#include "object/debug.h"

#include <cstdio>
#include <thread>

#include "gtest/gtest.h"
#include "object/refcount_testing.h"
#include "object/thread_objects.h"

namespace ftrt {
namespace {

using testing_util::NewTestObject;

class DebugTest : public testing_util::RuntimeTest {};

TEST_F(DebugTest, DescriptionNamesEverything) {
  Ref<testing_util::TestObject> obj = NewTestObject();
  const std::string d = DescribeObject(obj.header());
  char addr[32];
  std::snprintf(addr, sizeof addr, "%p", static_cast<void*>(obj.header()));
  EXPECT_NE(d.find(addr), std::string::npos) << d;
  EXPECT_NE(d.find("'test.TestObject'"), std::string::npos) << d;
  EXPECT_NE(d.find("local 1"), std::string::npos) << d;
  EXPECT_NE(d.find("shared 0 (count 0, DEFAULT)"), std::string::npos) << d;
  EXPECT_NE(d.find("(this thread)"), std::string::npos) << d;
  EXPECT_NE(d.find("lifecycle state OWNED"), std::string::npos) << d;
  EXPECT_EQ(DescribeObject(nullptr), "object (null)");
}

TEST_F(DebugTest, StateNamesFollowTheLifecycle) {
  Ref<testing_util::TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  EXPECT_STREQ(LifecycleStateName(h), "OWNED");
  Incref(h);
  std::thread t = Spawn([&] { Decref(h); });
  Join(t);
  EXPECT_STREQ(LifecycleStateName(h), "QUEUED");
  MergeQueuedObjects();
  EXPECT_STREQ(LifecycleStateName(h), "MERGED");
  EXPECT_STREQ(LifecycleStateName(AsHeader(testing_util::TestType())), "IMMORTAL");
  ObjectHeader fake{};
  fake.ob_ref_shared = kRefMerged;
  EXPECT_STREQ(LifecycleStateName(&fake), "DEAD");
  fake.ob_flags = FTRT_OBJ_FLAG_FREED;
  EXPECT_STREQ(LifecycleStateName(&fake), "FREED");
  fake.ob_flags = kObjFlagDeallocating;
  EXPECT_STREQ(LifecycleStateName(&fake), "DEALLOCATING");
}

}  // namespace
}  // namespace ftrt
