// Helper threads for the collector's parallel passes (see workers.h).
#include "gc/workers.h"

#include <unistd.h>

#include "sync/config.h"

namespace ftrt::gc::internal {

Workers& Workers::Get() {
  static Workers* workers = new Workers;  // never destroyed: its threads never exit
  return *workers;
}

void Workers::Loop(int index, uint64_t seen) {
  for (;;) {
    absl::FunctionRef<void(int)>* job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      start_cv_.wait(lock, [&] {
        return generation_ != seen && index <= want_;
      });
      seen = generation_;
      job = job_;
    }
    (*job)(index);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (++finished_ == want_) done_cv_.notify_one();
    }
  }
}

void Workers::Run(int n, absl::FunctionRef<void(int)> fn) {
  FTRT_CHECK(n >= 1 && n <= kMaxGcThreads, "gc: %d threads", n);
  if (n == 1) {
    fn(0);
    return;
  }
  std::lock_guard<std::mutex> run_lock(run_mu_);
  if (pid_ != getpid()) {  // first use, or a fork child: no helper exists here
    pid_ = getpid();
    started_ = 0;
  }
  uint64_t gen;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gen = generation_;
  }
  while (started_ < n - 1) {
    const int index = ++started_;
    // Never joined: helpers run for the life of the process. (After a
    // fork the child's slots are overwritten; the parent's threads do not
    // exist there.)
    threads_[index] = new std::thread([this, index, gen] { Loop(index, gen); });
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &fn;
    want_ = n - 1;
    finished_ = 0;
    ++generation_;
  }
  start_cv_.notify_all();
  fn(0);
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [&] { return finished_ == want_; });
  job_ = nullptr;
}

}  // namespace ftrt::gc::internal
