// The collector probe over gc/ (collector_probe.h): installs gc::Collector
// on the run's runtime with its default options (automatic collections
// from the allocation count, as CPython 3.13t) and reads its statistics.
//
// Pauses. gc::Stats gives each phase's distribution (median, p99, max,
// count, total). For the report's histogram the probe also samples
// individual pauses: the runner polls every few milliseconds, and when
// exactly one collection finished since the last poll, the growth of the
// pause total is that collection's pause, exactly. When several finished
// between two polls their individual pauses are not known and are not
// invented: the histogram then holds fewer samples than there were
// collections, and the report says how many.
#include <memory>

#include "absl/strings/str_format.h"
#include "gc/collector.h"
#include "gc/stats.h"
#include "tools/stress/collector_probe.h"

namespace ftrt::stress {
namespace {

class GcProbe final : public CollectorProbe {
 public:
  void Install(Runtime& runtime) override { collector_ = &gc::Collector::Install(runtime); }

  uint64_t Collections() override { return collector_->GetStats().collections; }

  void Poll() override {
    const gc::Stats s = collector_->GetStats();
    const gc::Distribution& pause = s.of(gc::Phase::kPause);
    if (pause.count == last_count_ + 1) {
      pauses_.Record(pause.total_ns - last_total_);
    }
    last_count_ = pause.count;
    last_total_ = pause.total_ns;
  }

  uint64_t CollectNow() override { return collector_->Collect(); }

  CollectorFigures Figures() override {
    const gc::Stats s = collector_->GetStats();
    const gc::Distribution& pause = s.of(gc::Phase::kPause);
    CollectorFigures f;
    f.available = true;
    f.collections = s.collections;
    f.freed = s.collected;
    f.pause_count = pause.count;
    f.pause_median_ns = pause.median_ns;
    f.pause_p99_ns = pause.p99_ns;
    f.pause_max_ns = pause.max_ns;
    f.has_histogram = pauses_.count() > 0;
    f.pauses = pauses_;
    f.source = absl::StrFormat(
        "gc::Collector (%d automatic, %d finalizers run, %d weakrefs cleared; %d of %d pauses "
        "sampled one by one)",
        s.automatic_collections, s.finalizers_called, s.weakrefs_cleared, pauses_.count(),
        pause.count);
    return f;
  }

 private:
  gc::Collector* collector_ = nullptr;
  // Poll runs on the runner's sampling thread only.
  uint64_t last_count_ = 0;
  int64_t last_total_ = 0;
  LatencyHistogram pauses_;
};

[[maybe_unused]] const bool kRegistered =
    RegisterCollectorProbe([]() -> std::unique_ptr<CollectorProbe> {
      return std::make_unique<GcProbe>();
    });

}  // namespace
}  // namespace ftrt::stress
