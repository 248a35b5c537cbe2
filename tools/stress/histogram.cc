// LatencyHistogram (histogram.h).
#include "tools/stress/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ftrt::stress {

int LatencyHistogram::BucketOf(uint64_t v) {
  constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  if (v < kSub) return static_cast<int>(v);
  const int e = 63 - std::countl_zero(v);  // >= kSubBits
  const uint64_t sub = (v >> (e - kSubBits)) & (kSub - 1);
  return static_cast<int>(((e - kSubBits + 1) << kSubBits) + sub);
}

uint64_t LatencyHistogram::LowerBound(int bucket) {
  constexpr int kSub = 1 << kSubBits;
  if (bucket < kSub) return static_cast<uint64_t>(bucket);
  const int e = (bucket >> kSubBits) + kSubBits - 1;
  const uint64_t sub = static_cast<uint64_t>(bucket & (kSub - 1));
  return (uint64_t{kSub} + sub) << (e - kSubBits);
}

uint64_t LatencyHistogram::UpperBound(int bucket) {
  if (bucket + 1 >= kBuckets) return UINT64_MAX;
  return LowerBound(bucket + 1) - 1;
}

void LatencyHistogram::Record(int64_t ns) {
  if (ns < 0) ns = 0;
  ++buckets_[BucketOf(static_cast<uint64_t>(ns))];
  ++count_;
  total_ += ns;
  max_ = std::max(max_, ns);
}

void LatencyHistogram::Add(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  total_ += other.total_;
  max_ = std::max(max_, other.max_);
}

int64_t LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return static_cast<int64_t>(std::min<uint64_t>(UpperBound(i), static_cast<uint64_t>(max_)));
    }
  }
  return max_;
}

std::vector<LatencyHistogram::Bucket> LatencyHistogram::NonEmptyBuckets() const {
  std::vector<Bucket> out;
  for (int i = 0; i < kBuckets; ++i) {
    if (buckets_[i] != 0) out.push_back({LowerBound(i), UpperBound(i), buckets_[i]});
  }
  return out;
}

}  // namespace ftrt::stress
