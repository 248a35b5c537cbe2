// Internal: helper threads for the collector's parallel passes. Not an API.
//
// While the world is stopped the cores of the parked threads sit idle; the
// collector borrows them for its passes (collector.h, "PARALLEL PASSES").
// The helpers are plain threads of the process, shared by every collector
// (one job at a time), started on first use and kept for the life of the
// process, parked on a condition variable between jobs. They are not
// attached to any runtime: a job only reads and writes object headers and
// calls tp_traverse while the coordinator keeps the world stopped; the
// job's start and end (a mutex) order everything the stop ordered.
#ifndef FTRT_GC_WORKERS_H_
#define FTRT_GC_WORKERS_H_

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"

namespace ftrt::gc::internal {

inline constexpr int kMaxGcThreads = 16;

class Workers {
 public:
  // The process's helpers.
  static Workers& Get();

  // Runs fn(0) on the calling thread and fn(1), ..., fn(n - 1) on helpers
  // (started if fewer than n - 1 exist) that start in time: a helper that
  // has not begun its part when fn(0) returns skips it. So fn(0) must be
  // able to do all the work alone (the passes share theirs dynamically).
  // Returns when every part that began has returned. 1 <= n <=
  // kMaxGcThreads. Jobs from several callers run one after another.
  void Run(int n, absl::FunctionRef<void(int)> fn);

 private:
  Workers() = default;
  void Loop(int index, uint64_t seen);

  // std::mutex for the condition variables (libstdc++'s carries no
  // thread-safety annotations, so the fields say in words what guards them).
  std::mutex run_mu_;  // one job at a time
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  uint64_t generation_ = 0;  // guarded by mu_
  int want_ = 0;      // guarded by mu_: helpers taking part in this job
  int running_ = 0;   // guarded by mu_: helpers inside the job now
  absl::FunctionRef<void(int)>* job_ = nullptr;  // guarded by mu_
  // Helper threads, never joined (the pool lives as long as the process).
  // After fork() the child has none of them: pid_ tells.
  int started_ = 0;  // guarded by run_mu_
  std::thread* threads_[kMaxGcThreads] = {};  // guarded by run_mu_
  pid_t pid_ = 0;  // guarded by run_mu_
};

}  // namespace ftrt::gc::internal

#endif  // FTRT_GC_WORKERS_H_
