// The report's figure lines, its text form and its JSON form (report.h).
// The HTML page is in report_html.cc.
#include "tools/stress/report.h"

#include <cinttypes>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ftrt::stress {

std::string FormatNs(int64_t ns) {
  const double v = static_cast<double>(ns);
  if (ns >= 1'000'000'000) return absl::StrFormat("%.2f s", v / 1e9);
  if (ns >= 1'000'000) return absl::StrFormat("%.2f ms", v / 1e6);
  if (ns >= 10'000) return absl::StrFormat("%.0f us", v / 1e3);
  if (ns >= 1'000) return absl::StrFormat("%.1f us", v / 1e3);
  return absl::StrFormat("%d ns", ns);
}

std::string FormatBytes(uint64_t bytes) {
  const double v = static_cast<double>(bytes);
  if (bytes >= (uint64_t{1} << 30)) return absl::StrFormat("%.2f GB", v / (1 << 30));
  if (bytes >= (uint64_t{1} << 20)) return absl::StrFormat("%.1f MB", v / (1 << 20));
  if (bytes >= (uint64_t{1} << 10)) return absl::StrFormat("%.1f KB", v / (1 << 10));
  return absl::StrFormat("%d B", bytes);
}

std::string FormatCount(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

const char* MarkText(Mark m) {
  switch (m) {
    case Mark::kPass:
      return "PASS";
    case Mark::kFail:
      return "FAIL";
    case Mark::kNa:
      return "n/a";
  }
  return "?";
}

bool Report::pass() const {
  for (const Check& c : checks) {
    if (c.mark == Mark::kFail) return false;
  }
  return !checks.empty();
}

namespace {

std::string Distribution(const LatencyHistogram& h) {
  return absl::StrFormat("median %s  p99 %s  max %s", FormatNs(h.Median()), FormatNs(h.P99()),
                         FormatNs(h.max_ns()));
}

}  // namespace

void AddFigureChecks(Report& r) {
  std::vector<Check> out;
  for (const WorkloadFigures& w : r.throughput) {
    std::string detail = absl::StrFormat("%s ops  %s ops/s", FormatCount(w.ops),
                                         FormatCount(static_cast<uint64_t>(w.ops_per_s)));
    if (!w.summary.empty()) absl::StrAppend(&detail, "  (", w.summary, ")");
    // A workload that completed no operation in the whole run is stuck.
    out.push_back({"throughput", w.name, w.ops > 0 ? Mark::kPass : Mark::kFail, detail});
  }
  out.push_back({"throughput", "all workloads", r.total_ops > 0 ? Mark::kPass : Mark::kFail,
                 absl::StrFormat("%s ops in %.1f s  %s ops/s", FormatCount(r.total_ops),
                                 r.elapsed_s,
                                 FormatCount(static_cast<uint64_t>(
                                     r.elapsed_s > 0 ? static_cast<double>(r.total_ops) / r.elapsed_s
                                                     : 0)))});

  const CollectorFigures& c = r.collector;
  if (c.available) {
    out.push_back({"collector", "collections", Mark::kPass,
                   absl::StrFormat("%s collections, %s objects freed", FormatCount(c.collections),
                                   FormatCount(c.freed))});
    if (c.pause_count > 0) {
      out.push_back({"collector", "pauses", Mark::kPass,
                     absl::StrFormat("median %s  p99 %s  max %s", FormatNs(c.pause_median_ns),
                                     FormatNs(c.pause_p99_ns), FormatNs(c.pause_max_ns))});
    } else {
      out.push_back({"collector", "pauses", Mark::kNa, "no collection ran"});
    }
  } else {
    out.push_back({"collector", "collections", Mark::kNa, c.source});
    out.push_back({"collector", "pauses", Mark::kNa, c.source});
  }

  if (r.stw.count() > 0 || r.stw_violations > 0) {
    std::string detail = absl::StrFormat("%s stops  %s", FormatCount(r.stw.count()),
                                         Distribution(r.stw));
    if (r.stw_violations == 0) {
      absl::StrAppend(&detail, "  (no other thread attached during a stop)");
    } else {
      absl::StrAppend(&detail, "  ", r.stw_violations, " threads seen attached during a stop");
    }
    out.push_back({"stop-the-world", "latency", r.stw_violations == 0 ? Mark::kPass : Mark::kFail,
                   detail});
  } else {
    out.push_back({"stop-the-world", "latency", Mark::kNa,
                   "no stop requested (the threads workload was not in the mix)"});
  }

  out.push_back({"merges", "queued merges", r.left_queued == 0 ? Mark::kPass : Mark::kFail,
                 absl::StrFormat("%s merged during stops, %s by merge calls; %s left queued at the end",
                                 FormatCount(r.merged_during_stops), FormatCount(r.merged_explicitly),
                                 FormatCount(r.left_queued))});

  out.push_back({"memory", "peak RSS",
                 r.peak_rss_bytes <= r.rss_limit_bytes ? Mark::kPass : Mark::kFail,
                 absl::StrFormat("%s (limit %s)", FormatBytes(r.peak_rss_bytes),
                                 FormatBytes(r.rss_limit_bytes))});

  if (r.leak_checked) {
    out.push_back({"leak check", "after finalization",
                   r.live_after_finalization == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%s non-immortal objects left (%s immortal); %s delayed frees "
                                   "pending",
                                   FormatCount(r.live_after_finalization),
                                   FormatCount(r.immortal_after_finalization),
                                   FormatCount(r.delayed_frees_pending))});
    out.push_back({"leak check", "stress objects",
                   r.stress_objects_made == r.stress_objects_freed ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%s made, %s freed", FormatCount(r.stress_objects_made),
                                   FormatCount(r.stress_objects_freed))});
  } else {
    out.push_back({"leak check", "after finalization", Mark::kFail,
                   "not run: the run did not finish"});
  }
  r.checks.insert(r.checks.begin(), out.begin(), out.end());
}

std::string RenderText(const Report& r) {
  std::string s;
  absl::StrAppend(&s, "== ftrt stress report ", std::string(50, '='), "\n");
  absl::StrAppend(&s, absl::StrFormat("seed %d", r.seed));
  if (r.shard_count > 1) {
    absl::StrAppend(&s, absl::StrFormat(" shard %d/%d (shard seed %d)", r.shard_index,
                                        r.shard_count, r.shard_seed));
  }
  absl::StrAppend(&s, absl::StrFormat("   threads %d   ", r.threads));
  if (r.ops_per_thread != 0) {
    absl::StrAppend(&s, absl::StrFormat("%d ops per thread", r.ops_per_thread));
  } else {
    absl::StrAppend(&s, absl::StrFormat("%.1f s", r.elapsed_s));
  }
  absl::StrAppend(&s, "   build ", r.config, "\n\n");
  std::string section;
  for (const Check& c : r.checks) {
    std::string mark = absl::StrCat("[", MarkText(c.mark), "]");
    absl::StrAppend(&s, absl::StrFormat("%-6s %-17s %-28s %s\n", mark,
                                        c.section == section ? "" : c.section, c.name, c.detail));
    section = c.section;
  }
  int passed = 0, failed = 0, na = 0;
  for (const Check& c : r.checks) {
    (c.mark == Mark::kPass ? passed : c.mark == Mark::kFail ? failed : na)++;
  }
  absl::StrAppend(&s, "\n", absl::StrFormat("result: %s  (%d passed, %d failed, %d n/a)\n",
                                            r.pass() ? "PASS" : "FAIL", passed, failed, na));
  absl::StrAppend(&s, absl::StrFormat("replay: tools/ft stress --seed %d --threads %d", r.seed,
                                      r.threads));
  if (r.shard_count > 1) absl::StrAppend(&s, absl::StrFormat(" --shard %d/%d", r.shard_index, r.shard_count));
  if (r.ops_per_thread != 0) {
    absl::StrAppend(&s, absl::StrFormat(" --ops %d", r.ops_per_thread));
  } else {
    absl::StrAppend(&s, absl::StrFormat(" --seconds %g", r.seconds_requested));
  }
  std::string names;
  for (const WorkloadFigures& w : r.throughput) absl::StrAppend(&names, names.empty() ? "" : ",", w.name);
  absl::StrAppend(&s, " --workload ", names, "\n");
  return s;
}

namespace {

nlohmann::json HistogramJson(const LatencyHistogram& h) {
  nlohmann::json j;
  j["count"] = h.count();
  j["median_ns"] = h.Median();
  j["p99_ns"] = h.P99();
  j["max_ns"] = h.max_ns();
  j["total_ns"] = h.total_ns();
  nlohmann::json buckets = nlohmann::json::array();
  for (const LatencyHistogram::Bucket& b : h.NonEmptyBuckets()) {
    buckets.push_back({b.lower_ns, b.upper_ns, b.count});
  }
  j["buckets"] = buckets;
  return j;
}

const char* MarkJson(Mark m) {
  switch (m) {
    case Mark::kPass:
      return "pass";
    case Mark::kFail:
      return "fail";
    case Mark::kNa:
      return "n/a";
  }
  return "?";
}

}  // namespace

nlohmann::json ToJson(const Report& r) {
  using nlohmann::json;
  json j;
  j["ftrt_stress_report"] = kReportVersion;
  j["pass"] = r.pass();
  j["run"] = {
      {"seed", r.seed},
      {"shard", {{"index", r.shard_index}, {"count", r.shard_count}, {"seed", r.shard_seed}}},
      {"threads", r.threads},
      {"seconds_requested", r.seconds_requested},
      {"ops_per_thread", r.ops_per_thread},
      {"elapsed_s", r.elapsed_s},
      {"config", r.config},
      {"command_line", r.command_line},
  };
  json tp = json::object();
  for (const WorkloadFigures& w : r.throughput) {
    tp[w.name] = {{"ops", w.ops}, {"ops_per_s", w.ops_per_s}, {"layers", w.layers},
                  {"summary", w.summary}};
  }
  j["throughput"] = {{"workloads", tp},
                     {"total_ops", r.total_ops},
                     {"ops_per_s", r.elapsed_s > 0 ? static_cast<double>(r.total_ops) / r.elapsed_s : 0}};
  const CollectorFigures& c = r.collector;
  if (c.available) {
    json pause = {{"count", c.pause_count},
                  {"median_ns", c.pause_median_ns},
                  {"p99_ns", c.pause_p99_ns},
                  {"max_ns", c.pause_max_ns}};
    if (c.has_histogram) pause["histogram"] = HistogramJson(c.pauses);
    j["collector"] = {{"available", true},
                      {"source", c.source},
                      {"collections", c.collections},
                      {"freed", c.freed},
                      {"pause", pause}};
  } else {
    // Not measured: null, never a made-up number.
    j["collector"] = {{"available", false}, {"source", c.source}, {"collections", nullptr},
                      {"freed", nullptr},   {"pause", nullptr}};
  }
  j["stop_the_world"] = {{"stops", r.stw.count()},
                         {"violations", r.stw_violations},
                         {"latency", HistogramJson(r.stw)}};
  j["queued_merges"] = {{"merged_during_stops", r.merged_during_stops},
                        {"merged_explicitly", r.merged_explicitly},
                        {"left_queued", r.left_queued}};
  j["memory"] = {{"peak_rss_bytes", r.peak_rss_bytes}, {"rss_limit_bytes", r.rss_limit_bytes}};
  j["leak_check"] = {{"checked", r.leak_checked},
                     {"non_immortal_objects_left", r.live_after_finalization},
                     {"immortal_objects_left", r.immortal_after_finalization},
                     {"allocator_live_objects", r.allocator_live_objects},
                     {"delayed_frees_pending", r.delayed_frees_pending},
                     {"stress_objects_made", r.stress_objects_made},
                     {"stress_objects_freed", r.stress_objects_freed}};
  json checks = json::array();
  for (const Check& k : r.checks) {
    checks.push_back({{"section", k.section}, {"name", k.name}, {"mark", MarkJson(k.mark)},
                      {"detail", k.detail}});
  }
  j["checks"] = checks;
  json names = json::array();
  for (const WorkloadFigures& w : r.throughput) names.push_back(w.name);
  json timeline = json::array();
  for (const TimelinePoint& p : r.timeline) {
    json ops = json::object();
    for (size_t i = 0; i < p.ops_per_s.size() && i < r.throughput.size(); ++i) {
      ops[r.throughput[i].name] = p.ops_per_s[i];
    }
    timeline.push_back({{"t", p.t},
                        {"ops_per_s", ops},
                        {"live_objects", p.live_objects},
                        {"collections", p.collections ? json(*p.collections) : json(nullptr)},
                        {"rss_bytes", p.rss_bytes}});
  }
  j["timeline"] = timeline;
  json slots = json::array();
  for (const SlotFigures& s : r.slots) {
    slots.push_back({{"slot", s.slot}, {"ops", s.ops}, {"threads", s.threads}, {"digest", s.digest}});
  }
  j["slots"] = slots;
  return j;
}

}  // namespace ftrt::stress
