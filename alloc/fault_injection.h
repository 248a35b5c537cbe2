// Allocation fault injection: a test-only switch that makes chosen
// allocations fail, so every caller's failure path can be exercised.
//
// Modes (one at a time; off by default):
//   * every Nth: the N-th, 2N-th, ... allocation attempted after the call
//     fails (N = 1 fails them all);
//   * once at N: only the N-th attempt after the call fails;
//   * probability p with a seed: attempt k fails when a hash of (seed, k)
//     falls below p, so a run is reproducible given the order of attempts.
// Attempts are numbered by one atomic counter shared by all threads, so the
// total number of injected failures is exact whatever the interleaving.
//
// Cost when off: one relaxed load of a flag that is only written by the
// test (the allocator's fast paths test it inline).
//
// The allocator counts real failures (the system or mimalloc returning
// null) here too, so failures() is the "allocations failed" statistic.
#ifndef FTRT_ALLOC_FAULT_INJECTION_H_
#define FTRT_ALLOC_FAULT_INJECTION_H_

#include <atomic>
#include <cstdint>

#include "sync/config.h"

namespace ftrt::alloc {

class FaultInjector {
 public:
  FaultInjector() = default;
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  // Whether the allocation being attempted must fail (counts it if so).
  // Memory ordering: the mode set by the Set* calls is published with a
  // release store of the armed flag and read after an acquire load.
  bool ShouldFail() {
    if (FTRT_LIKELY(!armed_.load(std::memory_order_relaxed))) return false;
    return ShouldFailSlow();
  }
  bool armed() const { return armed_.load(std::memory_order_relaxed); }

  // n == 0 turns injection off.
  void SetFailEveryNth(uint64_t n);
  void SetFailNth(uint64_t n);
  // p in [0, 1]; p <= 0 turns injection off.
  void SetFailProbability(double p, uint64_t seed);
  void Disarm();

  // A real (not injected) allocation failure.
  void CountRealFailure() { failed_.fetch_add(1, std::memory_order_relaxed); }

  // Injected + real failures since construction.
  uint64_t failures() const { return failed_.load(std::memory_order_relaxed); }
  // Injected failures since construction.
  uint64_t injected() const { return injected_.load(std::memory_order_relaxed); }
  // Attempts numbered since the last Set* call.
  uint64_t attempts() const { return counter_.load(std::memory_order_relaxed); }

 private:
  enum Mode : uint32_t { kOff = 0, kEveryNth = 1, kOnceAt = 2, kProbability = 3 };

  FTRT_COLD bool ShouldFailSlow();
  void Arm(Mode mode, uint64_t n, uint64_t threshold, uint64_t seed);

  std::atomic<bool> armed_{false};
  std::atomic<uint32_t> mode_{kOff};
  std::atomic<uint64_t> n_{0};
  std::atomic<uint64_t> threshold_{0};  // probability * 2^64
  std::atomic<uint64_t> seed_{0};
  std::atomic<uint64_t> counter_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> injected_{0};
};

}  // namespace ftrt::alloc

#endif  // FTRT_ALLOC_FAULT_INJECTION_H_
