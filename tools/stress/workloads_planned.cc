// Workloads that wait for layers still in progress: registered as planned,
// so `stress --list` names them and the layer they need, and asking for one
// fails with that reason rather than running something else. When a layer
// lands, its workload's file registers a real workload under the same
// name (FTRT_STRESS_WORKLOAD), which replaces the planned entry; this file
// can then drop the line.
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

[[maybe_unused]] const bool kPlannedExtension = RegisterPlannedWorkload(
    "extension", "the safe sample extension tests/ext/ft_safe.c called from every thread",
    "linking //tools:stress_extension (the stress binary does)", 90);

}  // namespace
}  // namespace ftrt::stress
