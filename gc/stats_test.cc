// The statistics' histograms: bucket bounds, quantiles, summaries.
#include "gc/stats.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace ftrt::gc {
namespace {

TEST(HistogramTest, BucketsCoverEveryValueInOrder) {
  int last = -1;
  for (uint64_t v : {0ull, 1ull, 7ull, 8ull, 9ull, 15ull, 16ull, 17ull, 1000ull, 1ull << 40,
                     (1ull << 62) + 12345}) {
    const int b = Histogram::BucketOf(v);
    EXPECT_GE(b, last) << v;
    EXPECT_LT(b, Histogram::kBuckets) << v;
    EXPECT_GE(Histogram::UpperBound(b), v) << v;
    if (b > 0) {
      EXPECT_LT(Histogram::UpperBound(b - 1), v) << v;
    }
    last = b;
  }
}

TEST(HistogramTest, QuantilesAreWithinOneBucket) {
  Histogram h;
  for (int64_t v = 1; v <= 1000; ++v) h.Record(v * 1000);  // 1 us .. 1 ms
  const Distribution d = h.Summary();
  EXPECT_EQ(d.count, 1000u);
  EXPECT_EQ(d.max_ns, 1'000'000);
  EXPECT_EQ(d.total_ns, 500'500'000);
  EXPECT_GE(d.median_ns, 500'000);
  EXPECT_LE(d.median_ns, 500'000 * 9 / 8);
  EXPECT_GE(d.p99_ns, 990'000);
  EXPECT_LE(d.p99_ns, 1'000'000);
}

TEST(HistogramTest, EmptyAndSingle) {
  Histogram h;
  EXPECT_EQ(h.Summary().count, 0u);
  EXPECT_EQ(h.Quantile(0.5), 0);
  h.Record(12345);
  const Distribution d = h.Summary();
  EXPECT_EQ(d.median_ns, 12345);  // capped at max
  EXPECT_EQ(d.p99_ns, 12345);
  EXPECT_EQ(d.max_ns, 12345);
}

TEST(StatsRecorderTest, PhasesThatDidNotRunGetNoSample) {
  StatsRecorder r;
  CollectionRecord rec;
  rec.collected = 3;
  rec.Add(Phase::kMark, 100);
  rec.Add(Phase::kMark, 50);
  r.Record(rec);
  const Stats s = r.Get();
  EXPECT_EQ(s.collections, 1u);
  EXPECT_EQ(s.collected, 3u);
  EXPECT_EQ(s.of(Phase::kMark).count, 1u);
  EXPECT_EQ(s.of(Phase::kMark).max_ns, 150);
  EXPECT_EQ(s.of(Phase::kResurrect).count, 0u);
  EXPECT_EQ(s.last(Phase::kMark), 150);
  EXPECT_EQ(s.last(Phase::kResurrect), -1);
  EXPECT_EQ(s.last_collected, 3u);
}

}  // namespace
}  // namespace ftrt::gc
