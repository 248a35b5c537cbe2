// Fault injection: see fault_injection.h.
#include "alloc/fault_injection.h"

#include <cmath>

namespace ftrt::alloc {
namespace {

// SplitMix64's finaliser: a good 64-bit mix of (seed, attempt number).
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

void FaultInjector::Arm(Mode mode, uint64_t n, uint64_t threshold, uint64_t seed) {
  armed_.store(false, std::memory_order_relaxed);
  mode_.store(mode, std::memory_order_relaxed);
  n_.store(n, std::memory_order_relaxed);
  threshold_.store(threshold, std::memory_order_relaxed);
  seed_.store(seed, std::memory_order_relaxed);
  counter_.store(0, std::memory_order_relaxed);
  // Publishes the fields above to ShouldFailSlow's acquire load.
  armed_.store(mode != kOff, std::memory_order_release);
}

void FaultInjector::SetFailEveryNth(uint64_t n) { Arm(n == 0 ? kOff : kEveryNth, n, 0, 0); }

void FaultInjector::SetFailNth(uint64_t n) { Arm(n == 0 ? kOff : kOnceAt, n, 0, 0); }

void FaultInjector::SetFailProbability(double p, uint64_t seed) {
  if (!(p > 0)) {
    Arm(kOff, 0, 0, 0);
    return;
  }
  uint64_t threshold =
      p >= 1 ? UINT64_MAX : static_cast<uint64_t>(std::ldexp(p, 64));
  Arm(kProbability, 0, threshold, seed);
}

void FaultInjector::Disarm() { Arm(kOff, 0, 0, 0); }

bool FaultInjector::ShouldFailSlow() {
  if (!armed_.load(std::memory_order_acquire)) return false;
  uint64_t k = counter_.fetch_add(1, std::memory_order_relaxed) + 1;
  bool fail = false;
  switch (mode_.load(std::memory_order_relaxed)) {
    case kEveryNth:
      fail = k % n_.load(std::memory_order_relaxed) == 0;
      break;
    case kOnceAt:
      fail = k == n_.load(std::memory_order_relaxed);
      break;
    case kProbability:
      fail = Mix(seed_.load(std::memory_order_relaxed) ^ Mix(k)) <
             threshold_.load(std::memory_order_relaxed);
      break;
    default:
      break;
  }
  if (fail) {
    injected_.fetch_add(1, std::memory_order_relaxed);
    failed_.fetch_add(1, std::memory_order_relaxed);
  }
  return fail;
}

}  // namespace ftrt::alloc
