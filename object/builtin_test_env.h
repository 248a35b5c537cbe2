// Test environment for the built-in types: a Runtime with object/ installed
// (runtime/runtime.h, object/thread_objects.h), the test's thread attached,
// and helpers to run attached worker threads.
#ifndef FTRT_OBJECT_BUILTIN_TEST_ENV_H_
#define FTRT_OBJECT_BUILTIN_TEST_ENV_H_

#include <functional>
#include <memory>

#include "gtest/gtest.h"
#include "runtime/runtime.h"

namespace ftrt::testing_util {

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs fn(0) .. fn(n-1) on n threads started by the runtime (each
  // attached while it runs fn) and joins them.
  void RunThreads(int n, const std::function<void(int)>& fn);

  Runtime& runtime() { return *rt_; }

 private:
  std::shared_ptr<Runtime> rt_;
};

// A QSBR quiescent state for the calling (attached) thread: what a runtime
// reports between bytecodes. Lock-free readers call it every so often in
// the stress tests so delayed frees can proceed.
void Quiescent();

}  // namespace ftrt::testing_util

#endif  // FTRT_OBJECT_BUILTIN_TEST_ENV_H_
