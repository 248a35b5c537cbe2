// How the stress runner gets the collector's figures: an extension point
// for gc/ (in progress when the runner was written).
//
// Without a registered probe the runner reports every collector figure as
// "n/a" (and says why), never as a number it did not measure. When gc/
// lands, one file (tools/stress/collector_probe_gc.cc) implements this
// interface over gc::Collector: Install() installs the collector on the
// run's runtime, Collections() and Figures() read gc::Collector::GetStats(),
// CollectNow() runs the final collection before the leak check.
#ifndef FTRT_TOOLS_STRESS_COLLECTOR_PROBE_H_
#define FTRT_TOOLS_STRESS_COLLECTOR_PROBE_H_

#include <cstdint>
#include <memory>

#include "runtime/runtime.h"
#include "tools/stress/report.h"

namespace ftrt::stress {

class CollectorProbe {
 public:
  virtual ~CollectorProbe() = default;
  // On the main thread, attached, right after object/ is installed.
  virtual void Install(Runtime& runtime) = 0;
  // Collections so far (any thread; cheap).
  virtual uint64_t Collections() = 0;
  // Called by the runner's sampler every few milliseconds (any thread,
  // not attached): a chance to record individual pauses.
  virtual void Poll() {}
  // A full collection now (main thread, attached, workers gone); returns
  // how many objects it freed.
  virtual uint64_t CollectNow() = 0;
  virtual CollectorFigures Figures() = 0;
};

using CollectorProbeFactory = std::unique_ptr<CollectorProbe> (*)();
// At static-initialisation time, from the probe's file.
bool RegisterCollectorProbe(CollectorProbeFactory factory);
// The registered factory, or nullptr.
CollectorProbeFactory GetCollectorProbeFactory();

}  // namespace ftrt::stress

#endif  // FTRT_TOOLS_STRESS_COLLECTOR_PROBE_H_
