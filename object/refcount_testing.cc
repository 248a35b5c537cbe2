#include "object/refcount_testing.h"

#include <cstddef>

#include "object/dealloc.h"
#include "runtime/thread_state.h"
#include "sync/thread_id.h"

namespace ftrt::testing_util {
namespace {

TestCounters g_counters;

void TestDealloc(PyObject* self) {
  auto* t = reinterpret_cast<TestObject*>(self);
  ObjectHeader* next = t->next;
  t->next = nullptr;
  const int64_t id = t->id;
  if (std::atomic<int>* per_id = g_counters.per_id.load(std::memory_order_acquire)) {
    if (id >= 0 && id < g_counters.per_id_size.load(std::memory_order_relaxed)) {
      per_id[id].fetch_add(1, std::memory_order_relaxed);
    }
  }
  g_counters.last_dealloc_tid.store(CurrentThreadId(), std::memory_order_relaxed);
  g_counters.deallocs.fetch_add(1, std::memory_order_release);
  FreeObject(self);
  if (next != nullptr) Decref(next);  // nested: the trashcan bounds the depth
}

constinit PyTypeObject g_test_type = [] {
  PyTypeObject t = StaticTypeInit("test.TestObject", sizeof(TestObject));
  t.tp_dealloc = TestDealloc;
  t.tp_weaklistoffset = offsetof(TestObject, weaklist);
  return t;
}();

}  // namespace

TestCounters& Counters() { return g_counters; }

void ResetCounters() {
  g_counters.allocs.store(0);
  g_counters.deallocs.store(0);
  g_counters.per_id.store(nullptr);
  g_counters.per_id_size.store(0);
  g_counters.last_dealloc_tid.store(0);
}

PyTypeObject* TestType() { return &g_test_type; }

Ref<TestObject> NewTestObject(int64_t id) {
  Ref<TestObject> t = NewObject<TestObject>(&g_test_type);
  EXPECT_TRUE(t) << "allocation failed";
  if (t) {
    t->id = id;
    g_counters.allocs.fetch_add(1, std::memory_order_relaxed);
  }
  return t;
}

void RuntimeTest::SetUp() {
  ResetCounters();
  runtime_ = Runtime::Init();
  InstallObjects(*runtime_);
  runtime_->Attach();
}

void RuntimeTest::TearDown() {
  MergeQueuedObjects();
  runtime_->Detach();
  runtime_->ReleaseCurrentThread();
  runtime_.reset();
}

std::thread RuntimeTest::Spawn(std::function<void()> fn) {
  absl::StatusOr<std::thread> t = runtime_->StartThread(std::move(fn));
  EXPECT_TRUE(t.ok()) << t.status();
  return std::move(t).value();
}

void RuntimeTest::Join(std::thread& t) {
  DetachGuard d;
  t.join();
}

void RuntimeTest::JoinAll(std::vector<std::thread>& ts) {
  DetachGuard d;
  for (auto& t : ts) t.join();
  ts.clear();
}

void SpinUntil(const std::function<bool()>& pred) {
  while (!pred()) {
    if (ThreadState* ts = ThreadState::Current()) ts->Safepoint();
    std::this_thread::yield();
  }
}

}  // namespace ftrt::testing_util
