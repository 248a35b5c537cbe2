// Command-line options of the stress runner (tools/ft stress passes its
// flags through). Flags take `--flag value` or `--flag=value`.
#ifndef FTRT_TOOLS_STRESS_OPTIONS_H_
#define FTRT_TOOLS_STRESS_OPTIONS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace ftrt::stress {

struct Options {
  int threads = 8;               // worker slots (more than the 2 cores: on purpose)
  double seconds = 10;           // run time, unless ops_per_thread is set
  uint64_t ops_per_thread = 0;   // --ops: each slot runs exactly this many operations
  bool seed_given = false;
  uint64_t seed = 0;             // random (and printed) unless --seed
  // --workload a,b:3: names with optional weights; empty = the default mix.
  std::vector<std::pair<std::string, uint32_t>> workloads;
  std::string json_path;
  std::string html_path;
  int shard_index = 1;           // --shard K/N, 1 <= K <= N
  int shard_count = 1;
  uint64_t generation_ops = 20000;  // mean operations per worker thread (0: no churn)
  uint64_t max_rss_mb = 0;       // 0: the default for the build (see runner.cc)
  double stall_seconds = 120;    // no operation completed for this long: fail
  bool quiet = false;            // no progress lines
  bool list = false;             // list the workloads and exit
  bool help = false;
  std::string command_line;
};

absl::StatusOr<Options> ParseOptions(int argc, char** argv);
std::string Usage();

}  // namespace ftrt::stress

#endif  // FTRT_TOOLS_STRESS_OPTIONS_H_
