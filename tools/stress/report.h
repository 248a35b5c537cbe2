// The stress runner's report: the figures of one run (or of several shards
// merged), rendered three ways from the same data:
//   RenderText  the summary a person reads at a glance: one line per
//               figure, each with a [PASS] / [FAIL] / [ n/a] mark;
//   ToJson      the same figures for machines (--json), which
//               tools/report_merge.py folds across shards;
//   RenderHtml  one self-contained page (--html): the figures as a table
//               and inline SVG plots drawn here (ops/s per workload over
//               time, live objects over time, histograms of collector
//               pauses and of stop-the-world latency with the median and
//               p99 marked). No script, no stylesheet or font from
//               anywhere, no URL at all.
// A figure that a layer cannot give yet (the collector's, until gc/ lands)
// is "n/a", never a made-up number.
#ifndef FTRT_TOOLS_STRESS_REPORT_H_
#define FTRT_TOOLS_STRESS_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tools/stress/histogram.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {

inline constexpr int kReportVersion = 1;

struct WorkloadFigures {
  std::string name;
  std::string layers;
  uint64_t ops = 0;
  double ops_per_s = 0;
  std::string summary;  // the workload's own figures
};

// One progress sample (one per second).
struct TimelinePoint {
  double t = 0;                     // seconds since the workers started
  std::vector<double> ops_per_s;    // per workload, in Report::throughput order
  uint64_t live_objects = 0;        // the runtime allocator's live objects
  std::optional<uint64_t> collections;  // cumulative; nullopt without gc/
  uint64_t rss_bytes = 0;
};

struct SlotFigures {
  int slot = 0;
  uint64_t ops = 0;
  uint64_t threads = 0;  // generations: threads that ran in this slot
  std::string digest;    // OpDigest of the slot's operations
};

struct CollectorFigures {
  bool available = false;
  std::string source;  // what provided them, or why they are n/a
  uint64_t collections = 0;
  uint64_t freed = 0;
  // Pause distribution: exact figures from the collector...
  uint64_t pause_count = 0;
  int64_t pause_median_ns = 0;
  int64_t pause_p99_ns = 0;
  int64_t pause_max_ns = 0;
  // ... and, if the runner could sample individual pauses, their histogram.
  bool has_histogram = false;
  LatencyHistogram pauses;
};

struct Report {
  // The run.
  uint64_t seed = 0;
  uint64_t shard_seed = 0;
  int shard_index = 1;
  int shard_count = 1;
  int threads = 0;
  double seconds_requested = 0;
  uint64_t ops_per_thread = 0;  // 0: time-limited
  double elapsed_s = 0;
  std::string config;  // "default", "tsan", "asan", "debug"
  std::string command_line;

  std::vector<WorkloadFigures> throughput;
  uint64_t total_ops = 0;
  CollectorFigures collector;
  LatencyHistogram stw;
  uint64_t stw_violations = 0;  // other threads seen attached during a stop
  uint64_t merged_during_stops = 0;
  uint64_t merged_explicitly = 0;
  uint64_t left_queued = 0;
  uint64_t peak_rss_bytes = 0;
  uint64_t rss_limit_bytes = 0;
  // Leak check after finalization.
  bool leak_checked = false;
  uint64_t live_after_finalization = 0;  // non-immortal objects still allocated
  uint64_t immortal_after_finalization = 0;
  uint64_t allocator_live_objects = 0;   // Allocator::GetStats().live_objects
  uint64_t delayed_frees_pending = 0;
  uint64_t stress_objects_made = 0;
  uint64_t stress_objects_freed = 0;

  // Every marked line, in report order (the figures above, then the
  // workloads' own checks).
  std::vector<Check> checks;
  std::vector<TimelinePoint> timeline;
  std::vector<SlotFigures> slots;

  bool pass() const;
};

// Fills report.checks' figure lines (throughput ... leak check) from the
// figures; the workloads' checks are appended after them by the runner.
void AddFigureChecks(Report& report);

std::string RenderText(const Report& report);
nlohmann::json ToJson(const Report& report);
std::string RenderHtml(const Report& report);

// "1.23 ms", "456 us", "789 ns".
std::string FormatNs(int64_t ns);
// "12.3 MB".
std::string FormatBytes(uint64_t bytes);
// "1,234,567".
std::string FormatCount(uint64_t n);
const char* MarkText(Mark m);

}  // namespace ftrt::stress

#endif  // FTRT_TOOLS_STRESS_REPORT_H_
