// Helpers for the object-protocol tests: a Runtime with the protocol
// installed and the test's thread attached, attached worker threads, and
// small conveniences (make a str or an int, take the pending exception as
// "TypeName: message", count live objects for leak checks).
#ifndef FTRT_OBJECT_PROTOCOL_TESTING_H_
#define FTRT_OBJECT_PROTOCOL_TESTING_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "object/cpython_types.h"
#include "object/ref.h"
#include "runtime/runtime.h"

namespace ftrt::testing_util {

class ProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  Runtime& runtime() { return *rt_; }

  // Runs fn(0) .. fn(n-1) on n attached threads and joins them (the
  // calling thread detached meanwhile).
  void RunThreads(int n, const std::function<void(int)>& fn);

  // Objects alive in this runtime's allocator now (after merging this
  // thread's queued decrements).
  int64_t LiveObjects();

  // What a runtime's final collection does for the protocol's objects (gc/
  // does it for real; object/ cannot depend on it): breaks the cycles that
  // heap types and modules make with their dicts (tp_clear), then frees the
  // deferred objects nothing references. TearDown calls it, so that
  // LeakSanitizer sees every type's and module's memory freed. Call with
  // no other thread of the runtime running.
  void FreeTypesAndModules();

 private:
  std::shared_ptr<Runtime> rt_;
};

// A str / int (fails the test on error).
Ref<> S(const char* utf8);
Ref<> I(int64_t v);
// The interned str (borrowed, immortal).
PyObject* N(const char* utf8);

// Takes the pending exception and returns "TypeName: str(exc)", or "" if
// none is pending.
std::string TakeError();

// The UTF-8 of a str object.
std::string U(PyObject* str);

// A QSBR quiescent state and a safepoint for the calling thread (what a
// runtime's loop does between "bytecodes").
void Checkpoint();

}  // namespace ftrt::testing_util

#endif  // FTRT_OBJECT_PROTOCOL_TESTING_H_
