#include "tests/test_util.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace ftrt::testing_util {

double Scale() {
  const char* s = std::getenv("FTRT_TEST_SCALE");
  if (s == nullptr) return 1.0;
  char* end = nullptr;
  double v = std::strtod(s, &end);
  if (end == s || !(v > 0.0)) return 1.0;
  return std::min(v, 1.0);
}

uint64_t Seed() {
  static std::once_flag once;
  static uint64_t seed = 20261129;
  std::call_once(once, [] {
    if (const char* s = std::getenv("FTRT_TEST_SEED")) {
      seed = std::strtoull(s, nullptr, 10);
    }
    std::fprintf(stderr, "[ftrt] test seed %llu (set FTRT_TEST_SEED to replay)\n",
                 static_cast<unsigned long long>(seed));
  });
  return seed;
}

}  // namespace ftrt::testing_util
