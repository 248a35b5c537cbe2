// A latency histogram for the stress runner's reports: log-linear buckets
// (HdrHistogram's idea: 8 buckets per power of two, so a quantile is exact
// to within 12.5%), exact count, total and maximum. Constant memory
// however many samples; two histograms add bucket by bucket, which is how
// `tools/ft report merge` folds the shards' stop-the-world latencies and
// collector pauses into one distribution with correct quantiles.
//
// Buckets: values 0..7 ns have a bucket each; above that, a value v with
// highest bit e (v in [2^e, 2^(e+1))) goes to bucket 8*(e-2) + the next
// three bits of v. A bucket is reported by its inclusive [lower, upper]
// range in nanoseconds; tools/report_merge.py repeats Quantile()'s rule.
//
// Not thread-safe: the runner guards each with a lock, or fills one per
// thread and adds them up.
#ifndef FTRT_TOOLS_STRESS_HISTOGRAM_H_
#define FTRT_TOOLS_STRESS_HISTOGRAM_H_

#include <array>
#include <cstdint>
#include <vector>

namespace ftrt::stress {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 3;
  static constexpr int kBuckets = (64 - kSubBits + 1) << kSubBits;  // 496

  struct Bucket {
    uint64_t lower_ns;
    uint64_t upper_ns;
    uint64_t count;
  };

  void Record(int64_t ns);
  void Add(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  int64_t max_ns() const { return max_; }
  int64_t total_ns() const { return total_; }
  // The q-quantile (0 < q <= 1): the upper bound of the bucket holding the
  // ceil(q * count)-th smallest sample, never above the maximum; 0 if empty.
  int64_t Quantile(double q) const;
  int64_t Median() const { return Quantile(0.5); }
  int64_t P99() const { return Quantile(0.99); }
  // Non-empty buckets, in increasing order.
  std::vector<Bucket> NonEmptyBuckets() const;

  static int BucketOf(uint64_t v);
  static uint64_t LowerBound(int bucket);
  static uint64_t UpperBound(int bucket);

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t max_ = 0;
  int64_t total_ = 0;
};

}  // namespace ftrt::stress

#endif  // FTRT_TOOLS_STRESS_HISTOGRAM_H_
