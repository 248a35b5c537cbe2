// The C fast path (refcount_abi.h, compiled as C in refcount_abi_test_c.c)
// does to the header exactly what refcount.h's does, through the exported
// slow paths.
#include "object/refcount_abi.h"

#include <cstring>
#include <thread>

#include "gtest/gtest.h"
#include "object/refcount.h"
#include "object/refcount_testing.h"

extern "C" {
uintptr_t abi_c_thread_id(void);
void abi_c_incref(struct _object* op);
void abi_c_decref(struct _object* op);
int abi_c_try_incref(struct _object* op);
intptr_t abi_c_refcount(struct _object* op);
int abi_c_is_immortal(struct _object* op);
}

namespace ftrt {
namespace {

using testing_util::Counters;
using testing_util::LocalCount;
using testing_util::NewTestObject;
using testing_util::SharedCount;
using testing_util::SharedState;
using testing_util::TestObject;

class RefcountAbiTest : public testing_util::RuntimeTest {};

TEST_F(RefcountAbiTest, ThreadIdIsTheCppOne) {
  EXPECT_EQ(abi_c_thread_id(), CurrentThreadId());
  uintptr_t c = 0, cpp = 0;
  std::thread t([&] {
    c = abi_c_thread_id();
    cpp = CurrentThreadId();
  });
  t.join();
  EXPECT_EQ(c, cpp);
  EXPECT_NE(c, CurrentThreadId());
}

TEST_F(RefcountAbiTest, OwnerPathMatches) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  abi_c_incref(h);
  EXPECT_EQ(LocalCount(h), 2u);
  EXPECT_EQ(h->ob_ref_shared, 0);
  EXPECT_EQ(abi_c_refcount(h), Refcount(h));
  EXPECT_EQ(abi_c_try_incref(h), 1);
  EXPECT_EQ(LocalCount(h), 3u);
  abi_c_decref(h);
  abi_c_decref(h);
  EXPECT_EQ(LocalCount(h), 1u);
  ObjectHeader* raw = AsHeader(obj.Release());
  abi_c_decref(raw);  // T2 through the exported MergeZeroLocal
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

TEST_F(RefcountAbiTest, NonOwnerPathMatches) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  std::thread t = Spawn([&] {
    abi_c_incref(h);
    EXPECT_EQ(SharedCount(h), 1);
    abi_c_decref(h);
    EXPECT_EQ(SharedCount(h), 0);
    EXPECT_EQ(SharedState(h), kRefDefault);
    abi_c_incref(h);  // kept
  });
  Join(t);
  EXPECT_EQ(abi_c_refcount(h), 2);
  obj.Reset();  // T3: merged, count 1
  EXPECT_EQ(Counters().deallocs.load(), 0);
  abi_c_decref(h);  // T5 through the exported DecRefShared: freed
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

TEST_F(RefcountAbiTest, QueueingThroughTheCPath) {
  Ref<TestObject> obj = NewTestObject();
  ObjectHeader* h = obj.header();
  Incref(h);
  std::thread t = Spawn([&] { abi_c_decref(h); });  // T6
  Join(t);
  EXPECT_EQ(SharedState(h), kRefQueued);
  EXPECT_EQ(QueuedObjectCount(), 1u);
  EXPECT_EQ(abi_c_refcount(h), Refcount(h));
  obj.Reset();
  EXPECT_EQ(MergeQueuedObjects(), 1u);
  EXPECT_EQ(Counters().deallocs.load(), 1);
}

TEST_F(RefcountAbiTest, ImmortalUnchanged) {
  static TestObject immortal = {PyObject_HEAD_INIT(testing_util::TestType()) nullptr, nullptr, 1};
  ObjectHeader* h = AsHeader(&immortal);
  unsigned char before[sizeof(ObjectHeader)];
  std::memcpy(before, h, sizeof before);
  EXPECT_EQ(abi_c_is_immortal(h), 1);
  abi_c_incref(h);
  abi_c_decref(h);
  EXPECT_EQ(abi_c_try_incref(h), 1);
  EXPECT_EQ(std::memcmp(before, h, sizeof before), 0);
}

}  // namespace
}  // namespace ftrt
