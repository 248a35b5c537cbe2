"""target_compatible_with values for tests that only make sense in some
configurations (they are skipped elsewhere by Bazel, never at run time)."""

# Needs FTRT_DEBUG_CHECKS: --config=debug, tsan, asan.
ONLY_WITH_DEBUG_CHECKS = select({
    "//:debug_checks": [],
    "//conditions:default": ["//:incompatible"],
})

# Expects ThreadSanitizer to be present.
ONLY_WITH_TSAN = select({
    "//:tsan": [],
    "//conditions:default": ["//:incompatible"],
})

# Needs the real release allocator (mimalloc), not the sanitizers' malloc.
ONLY_WITHOUT_SANITIZERS = select({
    "//:tsan": ["//:incompatible"],
    "//:asan": ["//:incompatible"],
    "//conditions:default": [],
})
