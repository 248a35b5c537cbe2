// Test environment for the built-in types (see builtin_test_env.h).
#include "object/builtin_test_env.h"

#include <thread>
#include <vector>

#include "alloc/qsbr.h"
#include "object/thread_objects.h"
#include "runtime/thread_state.h"

namespace ftrt::testing_util {

void RuntimeTest::SetUp() {
  rt_ = Runtime::Init();
  InstallObjects(*rt_);
  rt_->Attach();
}

void RuntimeTest::TearDown() {
  rt_->Detach();
  rt_->ReleaseCurrentThread();
  rt_.reset();
}

void RuntimeTest::RunThreads(int n, const std::function<void(int)>& fn) {
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    absl::StatusOr<std::thread> t = rt_->StartThread([&fn, i] { fn(i); });
    ASSERT_TRUE(t.ok()) << t.status();
    threads.push_back(*std::move(t));
  }
  // Joining blocks: detach meanwhile, so the workers' stops and grace
  // periods need not wait for this thread.
  rt_->Detach();
  for (std::thread& t : threads) t.join();
  rt_->Attach();
}

void Quiescent() {
  ThreadState* ts = ThreadState::Current();
  alloc::Qsbr::Quiescent(ts->qsbr());
}

}  // namespace ftrt::testing_util
