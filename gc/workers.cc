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
      start_cv_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      // A helper that wakes after the caller finished the job, or one the
      // job does not need, skips it.
      if (job_ == nullptr || index > want_) continue;
      job = job_;
      ++running_;
    }
    (*job)(index);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--running_ == 0) done_cv_.notify_one();
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
    ++generation_;
  }
  start_cv_.notify_all();
  fn(0);
  // The job is over once the caller's part is: helpers that have not
  // started it by now (not scheduled yet on a busy machine) never will, so
  // the caller waits only for those running it. (Every pass lets the
  // threads that do run take all the work.)
  std::unique_lock<std::mutex> lock(mu_);
  job_ = nullptr;
  done_cv_.wait(lock, [&] { return running_ == 0; });
}

}  // namespace ftrt::gc::internal
