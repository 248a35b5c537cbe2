// Tests of the stress runner on the real runtime: each workload alone and
// the default mix produce a report whose every line passes, whose JSON has
// the expected keys and parses back; the same seed gives every slot the
// same operation sequence (compared by digest over fixed operation counts,
// never by timing); flags and workload names are validated.
#include "tools/stress/runner.h"

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/stress/options.h"
#include "tools/stress/report.h"

namespace ftrt::stress {
namespace {

// More threads than the machine's 2 cores; few operations (scaled down
// under the sanitizers); worker threads replaced every ~100 operations.
Options SmallRun(uint64_t seed, std::vector<std::pair<std::string, uint32_t>> workloads) {
  Options o;
  o.threads = 3;
  o.ops_per_thread = static_cast<uint64_t>(testing_util::Scaled(20000, 300));
  o.seed = seed;
  o.seed_given = true;
  o.workloads = std::move(workloads);
  o.generation_ops = 100;
  o.quiet = true;
  return o;
}

std::string FailedLines(const Report& r) {
  std::string out;
  for (const Check& c : r.checks) {
    if (c.mark == Mark::kFail) out += c.section + " / " + c.name + ": " + c.detail + "\n";
  }
  return out;
}

void ExpectJsonShape(const Report& r) {
  // Through text and back, as a reader of --json gets it.
  const nlohmann::json j = nlohmann::json::parse(ToJson(r).dump());
  for (const char* key : {"ftrt_stress_report", "pass", "run", "throughput", "collector",
                          "stop_the_world", "queued_merges", "memory", "leak_check", "checks",
                          "timeline", "slots"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["pass"], r.pass());
  EXPECT_EQ(j["run"]["seed"].get<uint64_t>(), r.seed);
  EXPECT_EQ(j["throughput"]["total_ops"].get<uint64_t>(), r.total_ops);
  EXPECT_EQ(j["throughput"]["workloads"].size(), r.throughput.size());
  EXPECT_TRUE(j["stop_the_world"]["latency"].contains("buckets"));
  EXPECT_TRUE(j["stop_the_world"]["latency"].contains("p99_ns"));
  EXPECT_TRUE(j["leak_check"].contains("non_immortal_objects_left"));
  EXPECT_EQ(j["checks"].size(), r.checks.size());
  EXPECT_EQ(j["slots"].size(), static_cast<size_t>(r.threads));
  ASSERT_FALSE(j["timeline"].empty());
  EXPECT_TRUE(j["timeline"][0].contains("ops_per_s"));
  EXPECT_TRUE(j["timeline"][0].contains("live_objects"));
  if (j["collector"]["available"].get<bool>()) {
    EXPECT_TRUE(j["collector"]["collections"].is_number());
    EXPECT_TRUE(j["collector"]["pause"].contains("p99_ns"));
  } else {
    EXPECT_TRUE(j["collector"]["collections"].is_null());  // n/a, not a number
  }
}

class EachWorkloadTest : public ::testing::TestWithParam<std::string> {};

TEST_P(EachWorkloadTest, RunsCleanAndReports) {
  const Options o = SmallRun(testing_util::Seed(), {{GetParam(), 1}});
  absl::StatusOr<RunOutcome> out = RunStress(o, nullptr);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_FALSE(out->stalled);
  const Report& r = out->report;
  EXPECT_TRUE(r.pass()) << FailedLines(r) << RenderText(r);
  ASSERT_EQ(r.throughput.size(), 1u);
  EXPECT_EQ(r.throughput[0].name, GetParam());
  // --ops: every slot ran exactly that many operations.
  EXPECT_EQ(r.total_ops, o.ops_per_thread * static_cast<uint64_t>(o.threads));
  for (const SlotFigures& s : r.slots) {
    EXPECT_EQ(s.ops, o.ops_per_thread);
    EXPECT_GE(s.threads, 2u) << "each slot's thread is replaced mid-run";
  }
  // The workload's own checks are in the report.
  int own = 0;
  for (const Check& c : r.checks) own += c.section == GetParam();
  EXPECT_GT(own, 0);
  EXPECT_TRUE(r.leak_checked);
  EXPECT_EQ(r.live_after_finalization, 0u);
  ExpectJsonShape(r);
  const std::string text = RenderText(r);
  EXPECT_NE(text.find("result: PASS"), std::string::npos) << text;
  EXPECT_NE(text.find("seed " + std::to_string(o.seed)), std::string::npos);
}

std::vector<std::string> AvailableWorkloads() {
  std::vector<std::string> names;
  for (const WorkloadInfo& w : AllWorkloads()) {
    if (w.factory != nullptr) names.push_back(w.name);
  }
  return names;
}

INSTANTIATE_TEST_SUITE_P(Workloads, EachWorkloadTest, ::testing::ValuesIn(AvailableWorkloads()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(RunnerTest, DefaultMixRunsEveryAvailableWorkload) {
  const Options o = SmallRun(testing_util::Seed(), {});
  absl::StatusOr<RunOutcome> out = RunStress(o, nullptr);
  ASSERT_TRUE(out.ok()) << out.status();
  const Report& r = out->report;
  EXPECT_TRUE(r.pass()) << FailedLines(r);
  std::set<std::string> ran;
  for (const WorkloadFigures& w : r.throughput) ran.insert(w.name);
  for (const std::string& name : AvailableWorkloads()) EXPECT_EQ(ran.count(name), 1u) << name;
  ExpectJsonShape(r);
}

// The workload scheduler is deterministic: with the same seed every slot
// runs the same operations (the digest covers each operation's workload,
// kind and argument), whatever the interleaving; another seed or another
// shard gives other sequences.
TEST(RunnerTest, SameSeedSameOperationSequencePerSlot) {
  const uint64_t seed = testing_util::Seed();
  const std::vector<std::pair<std::string, uint32_t>> mix = {
      {"mutex", 1}, {"refcount", 2}, {"threads", 1}};
  auto run = [&](uint64_t s, int shard, int shards) {
    Options o = SmallRun(s, mix);
    o.shard_index = shard;
    o.shard_count = shards;
    absl::StatusOr<RunOutcome> out = RunStress(o, nullptr);
    EXPECT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(out->report.pass()) << FailedLines(out->report);
    return out->report;
  };
  const Report a = run(seed, 1, 1), b = run(seed, 1, 1);
  const Report c = run(seed + 1, 1, 1), d = run(seed, 2, 2);
  ASSERT_EQ(a.slots.size(), b.slots.size());
  for (size_t i = 0; i < a.slots.size(); ++i) {
    EXPECT_EQ(a.slots[i].digest, b.slots[i].digest) << "slot " << i;
    EXPECT_EQ(a.slots[i].ops, b.slots[i].ops);
    EXPECT_EQ(a.slots[i].threads, b.slots[i].threads) << "thread lifetimes come from the seed";
    EXPECT_NE(a.slots[i].digest, c.slots[i].digest) << "slot " << i;
    EXPECT_NE(a.slots[i].digest, d.slots[i].digest) << "slot " << i;
  }
  for (size_t w = 0; w < a.throughput.size(); ++w) {
    EXPECT_EQ(a.throughput[w].ops, b.throughput[w].ops) << a.throughput[w].name;
  }
  EXPECT_EQ(a.shard_seed, seed);
  EXPECT_EQ(d.shard_seed, ShardSeed(seed, 2, 2));
}

TEST(RunnerTest, PlannedAndUnknownWorkloadsAreRefused) {
  Options o = SmallRun(1, {{"no_such_workload", 1}});
  absl::StatusOr<RunOutcome> out = RunStress(o, nullptr);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  for (const WorkloadInfo& w : AllWorkloads()) {
    if (w.factory != nullptr) continue;
    o.workloads = {{w.name, 1}};
    out = RunStress(o, nullptr);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition) << w.name;
    EXPECT_NE(std::string(out.status().message()).find(w.waiting_for), std::string::npos);
  }
  o.workloads = {{"mutex", 1}, {"mutex", 2}};
  EXPECT_EQ(RunStress(o, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
}

absl::StatusOr<Options> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "stress");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseOptions(static_cast<int>(argv.size()), argv.data());
}

TEST(OptionsTest, ParsesEveryFlag) {
  absl::StatusOr<Options> o =
      Parse({"--threads", "12", "--seconds=2.5", "--seed", "99", "--workload", "mutex,refcount:3",
             "--json", "a.json", "--html=b.html", "--shard", "2/5", "--thread-ops", "0",
             "--max-rss-mb", "100", "--stall-seconds", "30", "--quiet"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->threads, 12);
  EXPECT_DOUBLE_EQ(o->seconds, 2.5);
  EXPECT_EQ(o->seed, 99u);
  EXPECT_TRUE(o->seed_given);
  ASSERT_EQ(o->workloads.size(), 2u);
  EXPECT_EQ(o->workloads[1], (std::pair<std::string, uint32_t>{"refcount", 3}));
  EXPECT_EQ(o->json_path, "a.json");
  EXPECT_EQ(o->html_path, "b.html");
  EXPECT_EQ(o->shard_index, 2);
  EXPECT_EQ(o->shard_count, 5);
  EXPECT_EQ(o->generation_ops, 0u);
  EXPECT_EQ(o->max_rss_mb, 100u);
  EXPECT_TRUE(o->quiet);
}

TEST(OptionsTest, RejectsBadValues) {
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--threads", "0"},
                                             {"--threads"},
                                             {"--seconds", "-1"},
                                             {"--shard", "3/2"},
                                             {"--shard", "0/2"},
                                             {"--shard", "x"},
                                             {"--workload", "a:0"},
                                             {"--ops", "0"},
                                             {"--quiet=1"},
                                             {"--bogus"}}) {
    EXPECT_FALSE(Parse(bad).ok()) << bad[0];
  }
  absl::StatusOr<Options> o = Parse({});
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->seed_given);  // a random seed, printed by the report
  EXPECT_EQ(o->shard_count, 1);
}

}  // namespace
}  // namespace ftrt::stress
