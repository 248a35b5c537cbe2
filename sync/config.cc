// The fatal-error path shared by FTRT_CHECK and FTRT_DCHECK.
#include "sync/config.h"

#include <cstdio>
#include <cstdlib>

namespace ftrt::internal {

void Fatal(const char* fmt, ...) {
  std::fputs("ftrt fatal: ", stderr);
  va_list args;
  va_start(args, fmt);
  std::vfprintf(stderr, fmt, args);
  va_end(args);
  std::fputc('\n', stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace ftrt::internal
