// The collector's statistics (see stats.h).
#include "gc/stats.h"

#include <algorithm>

namespace ftrt::gc {

const char* PhaseName(Phase phase) {
  static constexpr const char* kNames[kNumPhases] = {
      "stop",     "merge",     "count", "mark",  "scan",  "weakrefs",
      "restart",  "finalize",  "resurrect", "clear", "pause", "total"};
  return kNames[static_cast<int>(phase)];
}

int Histogram::BucketOf(uint64_t v) {
  if (v < (uint64_t{1} << kSubBits)) return static_cast<int>(v);
  const int e = 63 - __builtin_clzll(v);  // >= kSubBits
  const int sub = static_cast<int>((v >> (e - kSubBits)) & ((1u << kSubBits) - 1));
  return ((e - kSubBits + 1) << kSubBits) + sub;
}

uint64_t Histogram::UpperBound(int bucket) {
  if (bucket < (1 << kSubBits)) return static_cast<uint64_t>(bucket);
  const int e = (bucket >> kSubBits) + kSubBits - 1;
  const uint64_t sub = static_cast<uint64_t>(bucket & ((1 << kSubBits) - 1));
  const uint64_t lower = ((uint64_t{1} << kSubBits) + sub) << (e - kSubBits);
  return lower + (uint64_t{1} << (e - kSubBits)) - 1;
}

void Histogram::Record(int64_t ns) {
  if (ns < 0) ns = 0;
  buckets_[static_cast<size_t>(BucketOf(static_cast<uint64_t>(ns)))]++;
  count_++;
  max_ = std::max(max_, ns);
  total_ += ns;
}

int64_t Histogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  // The rank of the q-quantile, 1-based (nearest-rank definition).
  uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(count_) + 0.999999);
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[static_cast<size_t>(b)];
    if (seen >= rank) return std::min<int64_t>(static_cast<int64_t>(UpperBound(b)), max_);
  }
  return max_;
}

Distribution Histogram::Summary() const {
  Distribution d;
  d.count = count_;
  d.median_ns = Quantile(0.5);
  d.p99_ns = Quantile(0.99);
  d.max_ns = max_;
  d.total_ns = total_;
  return d;
}

void StatsRecorder::Record(const CollectionRecord& r) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.collections++;
  if (r.automatic) counts_.automatic_collections++;
  counts_.collected += r.collected;
  counts_.uncollectable += r.uncollectable;
  counts_.resurrected += r.resurrected;
  counts_.finalizers_called += r.finalizers_called;
  counts_.weakrefs_cleared += r.weakrefs_cleared;
  counts_.last_survivors = r.survivors;
  counts_.last_candidates = r.candidates;
  counts_.last_premarked = r.premarked;
  counts_.last_ns = r.ns;
  counts_.last_collected = r.collected;
  for (int i = 0; i < kNumPhases; ++i) {
    if (r.ns[static_cast<size_t>(i)] >= 0) hist_[static_cast<size_t>(i)].Record(r.ns[static_cast<size_t>(i)]);
  }
}

Stats StatsRecorder::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  Stats s = counts_;
  for (int i = 0; i < kNumPhases; ++i) {
    s.phase[static_cast<size_t>(i)] = hist_[static_cast<size_t>(i)].Summary();
  }
  return s;
}

}  // namespace ftrt::gc
