// Helpers for object/'s reference-counting tests: a runtime fixture with
// object/ installed, and a counted test type whose deallocations are
// tallied (in total and per object id) so tests can prove "freed exactly
// once".
#ifndef FTRT_OBJECT_REFCOUNT_TESTING_H_
#define FTRT_OBJECT_REFCOUNT_TESTING_H_

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/object.h"
#include "object/ref.h"
#include "object/thread_objects.h"
#include "object/weakref.h"
#include "runtime/runtime.h"

namespace ftrt::testing_util {

// An instance of TestType(): a strong reference to another object (a
// chain), a weak-reference list, an id.
struct TestObject {
  ObjectHeader ob_base;
  ObjectHeader* next;        // a strong reference, or null
  WeakRefObject* weaklist;   // TestType's tp_weaklistoffset
  int64_t id;
};

struct TestCounters {
  std::atomic<int64_t> allocs{0};
  std::atomic<int64_t> deallocs{0};
  // When set, deallocation of an object with id < per_id_size bumps
  // per_id[id] (so a test can check each object died exactly once).
  std::atomic<std::atomic<int>*> per_id{nullptr};
  std::atomic<int64_t> per_id_size{0};
  // The thread id of the last deallocation.
  std::atomic<uintptr_t> last_dealloc_tid{0};
};
TestCounters& Counters();
void ResetCounters();

// Static, immortal, weak-referenceable.
PyTypeObject* TestType();

// A new TestObject owned by the calling thread; fails the test on OOM.
Ref<TestObject> NewTestObject(int64_t id = 0);

inline ObjectHeader* H(TestObject* t) { return AsHeader(t); }

// The shared word's state and count, and the local count, for assertions.
inline intptr_t SharedState(const ObjectHeader* op) {
  return std::atomic_ref<intptr_t>(const_cast<ObjectHeader*>(op)->ob_ref_shared)
             .load(std::memory_order_relaxed) & kRefStateMask;
}
inline intptr_t SharedCount(const ObjectHeader* op) {
  return std::atomic_ref<intptr_t>(const_cast<ObjectHeader*>(op)->ob_ref_shared)
             .load(std::memory_order_relaxed) >> kRefShift;
}
inline uint32_t LocalCount(const ObjectHeader* op) {
  return std::atomic_ref<uint32_t>(const_cast<ObjectHeader*>(op)->ob_ref_local)
      .load(std::memory_order_relaxed);
}
inline uintptr_t Owner(const ObjectHeader* op) {
  return std::atomic_ref<uintptr_t>(const_cast<ObjectHeader*>(op)->ob_tid)
      .load(std::memory_order_relaxed);
}

// A Runtime with object/ installed; the test's main thread is attached.
class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  Runtime& rt() { return *runtime_; }

  // Starts a thread attached to the runtime (released when fn returns).
  std::thread Spawn(std::function<void()> fn);
  // Joins, detached meanwhile (so a stop-the-world elsewhere never waits
  // for this thread).
  void Join(std::thread& t);
  void JoinAll(std::vector<std::thread>& ts);

  std::shared_ptr<Runtime> runtime_;
};

// Spins (with safepoints, so stops can proceed) until pred() holds.
void SpinUntil(const std::function<bool()>& pred);

}  // namespace ftrt::testing_util

#endif  // FTRT_OBJECT_REFCOUNT_TESTING_H_
