// Tests of the stress runner's scheduler (scheduler.h) and latency
// histogram (histogram.h): determinism from the seed, the mix's weights,
// shard seeds, bucket boundaries, quantiles and merging.
#include "tools/stress/scheduler.h"

#include <map>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "tests/test_util.h"
#include "tools/stress/histogram.h"

namespace ftrt::stress {
namespace {

std::vector<MixEntry> ThreeWorkloads() {
  return {{1, {5, 1}}, {2, {1, 1, 1}}, {1, {1}}};
}

std::vector<Op> Take(OpStream& s, int n) {
  std::vector<Op> ops;
  for (int i = 0; i < n; ++i) ops.push_back(s.Next());
  return ops;
}

TEST(OpStreamTest, SameSeedAndSlotGiveTheSameSequence) {
  const uint64_t seed = testing_util::Seed();
  const std::vector<MixEntry> mix = ThreeWorkloads();
  for (int slot = 0; slot < 4; ++slot) {
    OpStream a(seed, slot, &mix);
    OpStream b(seed, slot, &mix);
    EXPECT_EQ(Take(a, 5000), Take(b, 5000)) << "slot " << slot;
  }
}

TEST(OpStreamTest, SlotsAndSeedsGiveDifferentSequences) {
  const uint64_t seed = testing_util::Seed();
  const std::vector<MixEntry> mix = ThreeWorkloads();
  OpStream s0(seed, 0, &mix), s1(seed, 1, &mix), other(seed + 1, 0, &mix);
  const std::vector<Op> a = Take(s0, 100), b = Take(s1, 100), c = Take(other, 100);
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
}

TEST(OpStreamTest, ChoicesFollowTheWeights) {
  const std::vector<MixEntry> mix = ThreeWorkloads();
  OpStream s(testing_util::Seed(), 0, &mix);
  std::map<std::pair<uint32_t, uint32_t>, int> seen;
  const int n = 40000;
  for (int i = 0; i < n; ++i) {
    const Op op = s.Next();
    ASSERT_LT(op.workload, mix.size());
    ASSERT_LT(op.kind, mix[op.workload].kind_weights.size());
    ++seen[{op.workload, op.kind}];
  }
  // Workload 1 has weight 2 of 4; within workload 0, kind 0 has 5 of 6.
  const int w1 = seen[{1, 0}] + seen[{1, 1}] + seen[{1, 2}];
  EXPECT_GT(w1, n * 45 / 100);
  EXPECT_LT(w1, n * 55 / 100);
  const int w0k0 = seen[{0, 0}], w0k1 = seen[{0, 1}];
  EXPECT_GT(w0k0, 4 * w0k1);
  EXPECT_EQ(seen.size(), 6u);  // every (workload, kind) occurs
}

TEST(OpStreamTest, CountsWhatItEmitted) {
  const std::vector<MixEntry> mix = ThreeWorkloads();
  OpStream s(1, 0, &mix);
  Take(s, 17);
  EXPECT_EQ(s.emitted(), 17u);
}

TEST(GenerationStreamTest, DeterministicAndWithinBounds) {
  GenerationStream a(testing_util::Seed(), 3, 1000), b(testing_util::Seed(), 3, 1000);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    EXPECT_GE(x, 500u);
    EXPECT_LE(x, 1500u);
  }
  GenerationStream never(1, 0, 0);
  EXPECT_EQ(never.Next(), UINT64_MAX);
}

TEST(ShardSeedTest, OneShardKeepsTheSeedAndShardsDiffer) {
  EXPECT_EQ(ShardSeed(12345, 1, 1), 12345u);
  std::set<uint64_t> seeds;
  for (int k = 1; k <= 16; ++k) seeds.insert(ShardSeed(12345, k, 16));
  EXPECT_EQ(seeds.size(), 16u);
  EXPECT_EQ(ShardSeed(12345, 3, 16), ShardSeed(12345, 3, 16));
  EXPECT_NE(ShardSeed(12345, 3, 16), ShardSeed(12345, 3, 8));
}

TEST(OpDigestTest, DependsOnEveryField) {
  OpDigest a, b, c, d;
  a.Add({1, 2, 3});
  b.Add({1, 2, 3});
  c.Add({1, 3, 3});
  d.Add({1, 2, 4});
  EXPECT_EQ(a.value(), b.value());
  EXPECT_NE(a.value(), c.value());
  EXPECT_NE(a.value(), d.value());
  EXPECT_EQ(a.Hex().size(), 16u);
}

TEST(LatencyHistogramTest, BucketsAreContiguousAndContainTheirValues) {
  for (int b = 0; b + 1 < LatencyHistogram::kBuckets; ++b) {
    ASSERT_LE(LatencyHistogram::LowerBound(b), LatencyHistogram::UpperBound(b)) << b;
    ASSERT_EQ(LatencyHistogram::UpperBound(b) + 1, LatencyHistogram::LowerBound(b + 1)) << b;
  }
  const uint64_t values[] = {0, 1, 7, 8, 9, 15, 16, 17, 100, 1000, 123456789, uint64_t{1} << 40,
                             UINT64_MAX / 3};
  for (uint64_t v : values) {
    const int b = LatencyHistogram::BucketOf(v);
    EXPECT_LE(LatencyHistogram::LowerBound(b), v) << v;
    EXPECT_GE(LatencyHistogram::UpperBound(b), v) << v;
  }
  // Relative width of a bucket above 8 ns is at most 1/8.
  const int b = LatencyHistogram::BucketOf(1'000'000);
  const double width = static_cast<double>(LatencyHistogram::UpperBound(b) -
                                           LatencyHistogram::LowerBound(b) + 1);
  EXPECT_LE(width / static_cast<double>(LatencyHistogram::LowerBound(b)), 0.125);
}

TEST(LatencyHistogramTest, QuantilesAndMerge) {
  LatencyHistogram h;
  EXPECT_EQ(h.Median(), 0);
  for (int i = 1; i <= 100; ++i) h.Record(i * 1000);  // 1 us .. 100 us
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.max_ns(), 100000);
  EXPECT_EQ(h.total_ns(), 5050 * 1000);
  // Within one bucket (12.5%) above the exact value, never below it.
  EXPECT_GE(h.Median(), 50000);
  EXPECT_LE(h.Median(), 50000 * 9 / 8);
  EXPECT_GE(h.P99(), 99000);
  EXPECT_LE(h.P99(), 100000);
  EXPECT_EQ(h.Quantile(1.0), 100000);

  LatencyHistogram g;
  for (int i = 0; i < 300; ++i) g.Record(5'000'000);
  g.Add(h);
  EXPECT_EQ(g.count(), 400u);
  EXPECT_EQ(g.max_ns(), 5'000'000);
  // 300 of 400 samples are 5 ms: the median is there, the lowest quarter not.
  EXPECT_GE(g.Median(), 5'000'000 * 7 / 8);
  EXPECT_GE(g.Quantile(0.25), 100000);
  EXPECT_LE(g.Quantile(0.25), 100000 * 9 / 8);
  uint64_t total = 0;
  for (const auto& bucket : g.NonEmptyBuckets()) total += bucket.count;
  EXPECT_EQ(total, 400u);
}

}  // namespace
}  // namespace ftrt::stress
