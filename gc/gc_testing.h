// Helpers for the collector's tests: a runtime with object/ and a collector
// installed (automatic collection off unless a test turns it on), threads
// attached to it, and a census of the objects still allocated.
#ifndef FTRT_GC_GC_TESTING_H_
#define FTRT_GC_GC_TESTING_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "gc/collector.h"
#include "gc/testing_types.h"
#include "gtest/gtest.h"
#include "runtime/runtime.h"

namespace ftrt::gc::testing {

class GcTest : public ::testing::Test {
 protected:
  // Ids with per-id tallies (testing_types.h) in every test.
  static constexpr int64_t kMaxIds = 1 << 16;

  void SetUp() override;
  void TearDown() override;
  // The options the collector is installed with.
  virtual Options GcOptions() const;

  Runtime& rt() { return *runtime_; }
  Collector& gc() { return *gc_; }

  // A thread attached to the runtime (released when fn returns).
  std::thread Spawn(std::function<void()> fn);
  // Joins, detached meanwhile (stops elsewhere never wait for us).
  void Join(std::thread& t);
  void JoinAll(std::vector<std::thread>& ts);

  std::shared_ptr<Runtime> runtime_;
  Collector* gc_ = nullptr;
};

// Objects still allocated in the runtime's allocator that are not already
// dead (a census during a stop-the-world, on an attached thread).
int64_t CountAllocatedObjects(Runtime& rt);

}  // namespace ftrt::gc::testing

#endif  // FTRT_GC_GC_TESTING_H_
