// The stress runner: one run of mixed workloads on a real ftrt Runtime.
//
// Run() creates a Runtime, installs object/ (and the collector, when a
// collector probe is registered: collector_probe.h), sets up the chosen
// workloads, and starts one controller per worker slot. A controller starts
// the slot's worker threads one after another with Runtime::StartThread:
// each runs a stretch of the slot's operation stream (scheduler.h) and
// exits, and the next thread takes over where it stopped, so threads are
// created and exit all through the run while the references the slot holds
// outlive them. The calling thread samples the counters once a second
// (the progress line), merges what other threads queued to the objects it
// owns, and watches for a stall. At the end it tears the workloads down,
// finalizes the runtime, checks that every non-immortal object was freed,
// and returns the report (report.h).
//
// One run at a time per process (the stress object counters are global).
#ifndef FTRT_TOOLS_STRESS_RUNNER_H_
#define FTRT_TOOLS_STRESS_RUNNER_H_

#include <cstdio>

#include "absl/status/statusor.h"
#include "tools/stress/options.h"
#include "tools/stress/report.h"

namespace ftrt::stress {

struct RunOutcome {
  Report report;
  // True if the watchdog saw no operation complete for --stall-seconds:
  // the report is partial and worker threads are still stuck (the caller
  // should write what it has and _exit).
  bool stalled = false;
};

// Runs the stress test. Errors: an unknown or planned workload name, a
// runtime that cannot start threads. Progress lines go to `progress`
// (nullptr or --quiet: none).
absl::StatusOr<RunOutcome> RunStress(const Options& options, std::FILE* progress);

// The workloads --workload resolves to, with weights (default: the
// available ones in the default mix).
absl::StatusOr<std::vector<std::pair<const WorkloadInfo*, uint32_t>>> ResolveWorkloads(
    const Options& options);

// The names of the build's configuration: "tsan", "asan", "debug" or "default".
const char* BuildConfigName();

// Lists the workloads for --list.
std::string ListWorkloads();

}  // namespace ftrt::stress

#endif  // FTRT_TOOLS_STRESS_RUNNER_H_
