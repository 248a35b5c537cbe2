// Helpers shared by every test: the scale factor and the seed.
//
// Stress tests do their full work in the default configuration and a
// fraction of it under the sanitizers: .bazelrc sets FTRT_TEST_SCALE (1 by
// default, lower under TSan and ASan) and tests size their loops with
// Scaled(). Randomised tests draw from Seed(): FTRT_TEST_SEED if set, else a
// fixed default; the seed is printed so a failing run can be replayed.
#ifndef FTRT_TESTS_TEST_UTIL_H_
#define FTRT_TESTS_TEST_UTIL_H_

#include <algorithm>
#include <cstdint>

namespace ftrt::testing_util {

// FTRT_TEST_SCALE clamped to (0, 1]; 1 when unset or unparsable.
double Scale();

// n * Scale(), but never below floor.
inline long Scaled(long n, long floor) {
  return std::max(floor, static_cast<long>(static_cast<double>(n) * Scale()));
}

// FTRT_TEST_SEED, or 20261129 when unset. Printed once per process.
uint64_t Seed();

}  // namespace ftrt::testing_util

#endif  // FTRT_TESTS_TEST_UTIL_H_
