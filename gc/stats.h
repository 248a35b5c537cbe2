// The collector's statistics: counts and the time each phase took, as
// distributions (median, p99, max) since the collector was installed.
//
// Times go into fixed log-linear histograms (HdrHistogram's idea, with 8
// buckets per power of two: a quantile is exact to within 12.5%), so the
// memory is constant however many collections run; max and total are
// exact. The collecting thread records (one collection at a time), any
// thread reads; a std::mutex guards both.
#ifndef FTRT_GC_STATS_H_
#define FTRT_GC_STATS_H_

#include <array>
#include <cstdint>
#include <mutex>

namespace ftrt::gc {

// The phases of a collection (collector.h), in order. The first seven run
// with the world stopped; kResurrect includes its own stop and restart.
enum class Phase : uint8_t {
  kStop,       // StopTheWorld until every thread has parked (both stops)
  kMerge,      // draining every thread's merge queue
  kCount,      // gc_refs: counts, root stacks, minus internal references
  kMark,       // marking what is reachable from outside the heap
  kScan,       // restoring ob_tid of the reachable, listing the unreachable
  kWeakrefs,   // clearing weak references to the unreachable
  kRestart,    // StartTheWorld
  kFinalize,   // world running: frees from the stop, weakref callbacks, finalizers
  kResurrect,  // second stop, only if a finalizer ran: what they resurrected
  kClear,      // world running: tp_clear and the frees it causes
  kPause,      // every stopped phase of one collection, added up
  kTotal,      // the whole collection
};
inline constexpr int kNumPhases = 12;
const char* PhaseName(Phase phase);

struct Distribution {
  uint64_t count = 0;    // samples
  int64_t median_ns = 0;
  int64_t p99_ns = 0;
  int64_t max_ns = 0;
  int64_t total_ns = 0;  // sum of the samples
};

struct Stats {
  uint64_t collections = 0;
  uint64_t automatic_collections = 0;  // of which started by the allocation count
  uint64_t collected = 0;      // unreachable objects found and cleared
  uint64_t uncollectable = 0;  // finalizer (or tp_clear) errors reported as unraisable
  uint64_t resurrected = 0;    // unreachable objects a finalizer brought back
  uint64_t finalizers_called = 0;
  uint64_t weakrefs_cleared = 0;
  uint64_t last_survivors = 0;  // objects found reachable by the last collection
  uint64_t last_candidates = 0;  // objects examined by the last collection
  // Of the survivors, those found from the root stacks before the count
  // (collector.h, step 2: marked once, never counted).
  uint64_t last_premarked = 0;
  std::array<Distribution, kNumPhases> phase{};
  const Distribution& of(Phase p) const { return phase[static_cast<int>(p)]; }
  // The last collection's phases in nanoseconds (-1: the phase did not run).
  std::array<int64_t, kNumPhases> last_ns{};
  int64_t last(Phase p) const { return last_ns[static_cast<int>(p)]; }
  uint64_t last_collected = 0;
};

// A histogram of nanosecond durations (see the top of the file).
class Histogram {
 public:
  static constexpr int kSubBits = 3;                   // 8 buckets per octave
  static constexpr int kBuckets = (64 - kSubBits + 1) << kSubBits;

  void Record(int64_t ns);
  // The q-quantile (0 < q <= 1): the upper bound of the bucket holding it
  // (never above max).
  int64_t Quantile(double q) const;
  Distribution Summary() const;

  static int BucketOf(uint64_t v);
  static uint64_t UpperBound(int bucket);

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t max_ = 0;
  int64_t total_ = 0;
};

// What one collection measured, handed to StatsRecorder at its end.
struct CollectionRecord {
  bool automatic = false;
  uint64_t collected = 0;
  uint64_t uncollectable = 0;
  uint64_t resurrected = 0;
  uint64_t finalizers_called = 0;
  uint64_t weakrefs_cleared = 0;
  uint64_t survivors = 0;
  uint64_t candidates = 0;
  uint64_t premarked = 0;
  std::array<int64_t, kNumPhases> ns{};  // -1: the phase did not run
  CollectionRecord() { ns.fill(-1); }
  void Add(Phase p, int64_t d) {
    int64_t& slot = ns[static_cast<int>(p)];
    slot = (slot < 0 ? 0 : slot) + d;
  }
};

class StatsRecorder {
 public:
  void Record(const CollectionRecord& r);
  Stats Get() const;

 private:
  mutable std::mutex mu_;
  Stats counts_;  // guarded by mu_
  std::array<Histogram, kNumPhases> hist_;  // guarded by mu_
};

}  // namespace ftrt::gc

#endif  // FTRT_GC_STATS_H_
