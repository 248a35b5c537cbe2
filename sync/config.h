// Build-wide switches and the few macros every layer uses.
//
// The configuration is chosen by Bazel (see //:config and .bazelrc), which
// defines:
//   FTRT_SYSTEM_ALLOC   allocation goes to the system allocator (sanitizers
//                       must see every block; Debian's mimalloc is not
//                       instrumented), otherwise to mimalloc;
//   FTRT_DEBUG_CHECKS   invariant checks that abort with a message naming
//                       the object; on in --config=debug, tsan and asan;
//   FTRT_TSAN, FTRT_ASAN  which sanitizer is on.
// Each is exposed as a constexpr bool so code can branch on it with
// `if constexpr` and still compile both sides in every configuration.
#ifndef FTRT_SYNC_CONFIG_H_
#define FTRT_SYNC_CONFIG_H_

#include <cstdarg>

namespace ftrt {

#if defined(FTRT_SYSTEM_ALLOC)
inline constexpr bool kSystemAlloc = true;
#else
inline constexpr bool kSystemAlloc = false;
#endif

#if defined(FTRT_DEBUG_CHECKS)
inline constexpr bool kDebugChecks = true;
#else
inline constexpr bool kDebugChecks = false;
#endif

#if defined(FTRT_TSAN)
inline constexpr bool kTsan = true;
#else
inline constexpr bool kTsan = false;
#endif

#if defined(FTRT_ASAN)
inline constexpr bool kAsan = true;
#else
inline constexpr bool kAsan = false;
#endif

namespace internal {
// Prints "ftrt fatal: <message>" to stderr and aborts. Never returns.
[[noreturn]] void Fatal(const char* fmt, ...)
    __attribute__((format(printf, 1, 2), cold, noinline));
}  // namespace internal

}  // namespace ftrt

#define FTRT_LIKELY(x) __builtin_expect(!!(x), 1)
#define FTRT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define FTRT_NOINLINE __attribute__((noinline))
#define FTRT_COLD __attribute__((cold, noinline))
#define FTRT_ALWAYS_INLINE inline __attribute__((always_inline))
// The same for a lambda's call operator, written after its parameter list:
// [&](T x) FTRT_ALWAYS_INLINE_LAMBDA { ... } (a visitor a template walk
// must inline, which gcc's heuristics may decline for a large loop body).
#define FTRT_ALWAYS_INLINE_LAMBDA __attribute__((always_inline))

// FTRT_CHECK(cond, fmt, ...): always on; aborts with the message when cond
// is false. FTRT_DCHECK: the same, only when FTRT_DEBUG_CHECKS is defined.
#define FTRT_CHECK(cond, ...)                     \
  do {                                            \
    if (FTRT_UNLIKELY(!(cond))) {                 \
      ::ftrt::internal::Fatal(__VA_ARGS__);       \
    }                                             \
  } while (0)

#if defined(FTRT_DEBUG_CHECKS)
#define FTRT_DCHECK(cond, ...) FTRT_CHECK(cond, __VA_ARGS__)
#else
#define FTRT_DCHECK(cond, ...) \
  do {                         \
  } while (0)
#endif

#endif  // FTRT_SYNC_CONFIG_H_
