#include "gc/gc_testing.h"

#include "object/dealloc.h"
#include "object/thread_objects.h"

namespace ftrt::gc::testing {

Options GcTest::GcOptions() const {
  Options o;
  o.enabled = false;
  return o;
}

void GcTest::SetUp() {
  ResetCounters(kMaxIds);
  SetFinalizerHook(nullptr);
  runtime_ = Runtime::Init();
  InstallObjects(*runtime_);
  runtime_->Attach();
  gc_ = &Collector::Install(*runtime_, GcOptions());
}

void GcTest::TearDown() {
  SetFinalizerHook(nullptr);
  MergeQueuedObjects();
  runtime_->Detach();
  runtime_->ReleaseCurrentThread();
  runtime_.reset();
}

std::thread GcTest::Spawn(std::function<void()> fn) {
  absl::StatusOr<std::thread> t = runtime_->StartThread(std::move(fn));
  EXPECT_TRUE(t.ok()) << t.status();
  return std::move(t).value();
}

void GcTest::Join(std::thread& t) {
  DetachGuard d;
  t.join();
}

void GcTest::JoinAll(std::vector<std::thread>& ts) {
  DetachGuard d;
  for (auto& t : ts) t.join();
  ts.clear();
}

int64_t CountAllocatedObjects(Runtime& rt) {
  FreeObjectsPendingAfterStop();
  int64_t n = 0;
  {
    StopTheWorldGuard stop(rt);
    rt.allocator().ForEachObject([&](ObjectHeader* op) {
      if (!IsDeadOrDeallocating(op)) ++n;
    });
  }
  return n;
}

}  // namespace ftrt::gc::testing
