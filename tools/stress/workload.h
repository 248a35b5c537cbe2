// Stress workloads: the interface each one implements, what the runner
// gives them (Env), and the registry that names them.
//
// A workload is one file under tools/stress/ (workload_<name>.cc) that
// registers itself by name with FTRT_STRESS_WORKLOAD. The runner builds a
// mix from --workload (default: every available workload), asks each for
// its operation kinds and their weights, and hands the scheduler's
// operations (scheduler.h) to Run() on the worker threads. Workloads act on
// the real runtime: a Runtime with object/ installed, its allocator, its
// threads; nothing is simulated.
//
// Lifecycle of one run, and the thread each call happens on:
//   Setup            main thread, attached, before any worker exists
//   NewSlotState     main thread: per-slot state that outlives the slot's
//                    successive worker threads (references held by a slot
//                    survive its thread's exit, which is the point)
//   ThreadStart      each worker thread, attached, when it starts
//   Run              worker threads, attached, one operation per call; it
//                    must return with no lock held, no critical section
//                    open and no StackRef alive (the runner calls a
//                    safepoint between operations)
//   AfterOp          (if wants_after_op) after every operation of every
//                    workload on that thread: e.g. a QSBR quiescent state
//   DuringStop       on a thread that has stopped the world (the threads
//                    workload's stop operation): check invariants that
//                    need every other thread parked
//   ThreadExit       each worker thread, attached, before it exits
//   Teardown         main thread, attached, after every worker exited:
//                    drop every object (the leak check follows)
//   Checks           main thread, after finalization: pass/fail lines
//
// EXTENSION POINTS. Workloads that need layers still in progress are
// registered as planned (RegisterPlannedWorkload in
// workloads_planned.cc): `--list` shows them with the layer they wait for,
// and asking for one fails with that message instead of running something
// else under its name. When the layer lands, a real registration with the
// same name replaces the planned entry (no other change needed).
#ifndef FTRT_TOOLS_STRESS_WORKLOAD_H_
#define FTRT_TOOLS_STRESS_WORKLOAD_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/runtime.h"
#include "tools/stress/scheduler.h"

namespace ftrt::stress {

class Env;

// A pass/fail line of the report.
enum class Mark { kPass, kFail, kNa };
struct Check {
  std::string section;  // "throughput", "collector", ..., or the workload's name
  std::string name;
  Mark mark = Mark::kPass;
  std::string detail;
};

// Per-slot state a workload keeps across the slot's worker threads.
struct SlotState {
  virtual ~SlotState() = default;
};

struct WorkerContext {
  int slot = 0;
  uint64_t generation = 0;  // which thread of the slot (0, 1, ...)
  ThreadState* ts = nullptr;
  Env* env = nullptr;
  SlotState* state = nullptr;  // the running workload's state for this slot
  template <typename T>
  T& State() {
    return *static_cast<T*>(state);
  }
};

struct OpKind {
  const char* name;
  uint32_t weight;
};

class Workload {
 public:
  virtual ~Workload() = default;

  virtual std::vector<OpKind> Kinds() const = 0;
  virtual void Setup(Env& /*env*/) {}
  virtual std::unique_ptr<SlotState> NewSlotState(int /*slot*/) { return nullptr; }
  virtual void ThreadStart(WorkerContext& /*ctx*/) {}
  virtual void Run(WorkerContext& ctx, const Op& op) = 0;
  virtual void AfterOp(WorkerContext& /*ctx*/) {}
  virtual void DuringStop(Env& /*env*/) {}
  virtual void ThreadExit(WorkerContext& /*ctx*/) {}
  virtual void Teardown(Env& /*env*/, const std::vector<SlotState*>& /*slots*/) {}
  virtual void Checks(Env& /*env*/, std::vector<Check>& /*out*/) {}
  // Figures for the throughput line ("objects made 1234"), after Teardown.
  virtual std::string Summary() const { return ""; }

  // Whether AfterOp must run after every operation on a thread.
  bool wants_after_op() const { return wants_after_op_; }

 protected:
  bool wants_after_op_ = false;
};

// What the runner offers workloads.
class Env {
 public:
  virtual ~Env() = default;
  virtual Runtime& runtime() = 0;
  virtual int threads() const = 0;
  virtual uint64_t seed() const = 0;
  // Whether the run is ending (deadline passed or --ops reached by every
  // slot); long operations may cut themselves short.
  virtual bool stopping() const = 0;
  // Runs every workload's DuringStop; the caller has the world stopped.
  virtual void RunStopHooks() = 0;

  // Figures workloads feed into the report (any thread).
  virtual void RecordStopLatency(int64_t ns) = 0;
  virtual void AddStopViolations(uint64_t n) = 0;
  virtual void AddMergedDuringStops(uint64_t n) = 0;
  virtual void AddMergedExplicitly(uint64_t n) = 0;
};

// --- the registry ---

using WorkloadFactory = std::unique_ptr<Workload> (*)();

struct WorkloadInfo {
  std::string name;
  std::string summary;      // one line: what it does
  std::string layers;       // what it exercises ("sync/ Mutex")
  int order = 100;          // position in the default mix and listings
  WorkloadFactory factory = nullptr;  // nullptr: planned, not available
  std::string waiting_for;  // planned: the layer it needs
  bool in_default_mix = true;
};

// Registers a workload (a real one replaces a planned one of that name).
bool RegisterWorkload(WorkloadInfo info);
// Registers a workload that waits for a layer still in progress.
bool RegisterPlannedWorkload(const std::string& name, const std::string& summary,
                             const std::string& waiting_for, int order);
// Every registered workload, available and planned, by order then name.
std::vector<WorkloadInfo> AllWorkloads();
// nullptr if no such name.
const WorkloadInfo* FindWorkload(const std::string& name);

// Registers workload class W (default-constructible) under `name`.
template <typename W>
bool RegisterWorkloadClass(const char* name, int order, const char* summary, const char* layers) {
  WorkloadInfo info;
  info.name = name;
  info.summary = summary;
  info.layers = layers;
  info.order = order;
  info.factory = []() -> std::unique_ptr<Workload> { return std::make_unique<W>(); };
  return RegisterWorkload(std::move(info));
}

#define FTRT_STRESS_CONCAT_INNER(a, b) a##b
#define FTRT_STRESS_CONCAT(a, b) FTRT_STRESS_CONCAT_INNER(a, b)
// At namespace scope in a workload's file:
//   FTRT_STRESS_WORKLOAD(MutexWorkload, "mutex", 10, "what it does", "sync/ Mutex");
// `order` places it in the default mix and in listings.
#define FTRT_STRESS_WORKLOAD(CLASS, NAME, ORDER, SUMMARY, LAYERS)                       \
  [[maybe_unused]] static const bool FTRT_STRESS_CONCAT(ftrt_stress_registered_,   \
                                                         __LINE__) =               \
      ::ftrt::stress::RegisterWorkloadClass<CLASS>(NAME, ORDER, SUMMARY, LAYERS)

}  // namespace ftrt::stress

#endif  // FTRT_TOOLS_STRESS_WORKLOAD_H_
