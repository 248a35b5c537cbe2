// Test environment for the built-in types: a Runtime with object/ installed
// (runtime/runtime.h, object/thread_objects.h), the test's thread attached,
// and helpers to run attached worker threads.
#ifndef FTRT_OBJECT_BUILTIN_TEST_ENV_H_
#define FTRT_OBJECT_BUILTIN_TEST_ENV_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "object/cpython_types.h"
#include "object/ref.h"
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

// A new str from UTF-8 (a test failure, and a null Ref, if it is invalid).
Ref<> Str(absl::string_view utf8);

// A run-time type for container tests whose hash and equality are code the
// containers do not control: instances hold an int64 value; hash(k) =
// value % hash_modulus (collisions on purpose); k1 == k2 compares values
// (and equals an int of the same value), after calling on_eq, which may do
// anything (mutate the container being searched, block on a lock, ...).
// An unset on_eq does nothing. One instance at a time per process.
class TestKeyType {
 public:
  explicit TestKeyType(int64_t hash_modulus);
  ~TestKeyType();
  TestKeyType(const TestKeyType&) = delete;
  TestKeyType& operator=(const TestKeyType&) = delete;

  // A new key (a distinct object each call).
  Ref<> Make(int64_t value);
  static int64_t Value(PyObject* key);
  PyTypeObject* type() const { return type_.get(); }

  // Called by __eq__ before it compares (a, b as passed to the slot).
  std::function<void(PyObject* a, PyObject* b)> on_eq;
  // How many __eq__ calls ran (relaxed; approximate under races).
  std::atomic<int64_t> eq_calls{0};

 private:
  static PyObject* RichCompare(PyObject* a, PyObject* b, int op);
  static Py_hash_t HashSlot(PyObject* op);
  int64_t hash_modulus_;
  Ref<PyTypeObject> type_;
};

// The int values of a list's items, in order (a snapshot).
std::vector<int64_t> IntValues(PyObject* list);

}  // namespace ftrt::testing_util

#endif  // FTRT_OBJECT_BUILTIN_TEST_ENV_H_
