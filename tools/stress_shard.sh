#!/usr/bin/env bash
# One shard of a sharded stress run under `bazel test`: the test target
# //tools:stress_sharded_test has shard_count = N, so Bazel starts N copies
# of this script (locally, or in parallel on a remote-execution service),
# each with TEST_SHARD_INDEX (0..N-1) and TEST_TOTAL_SHARDS set. Each copy
# runs the stress binary as shard K/N (K = index + 1) of one base seed
# (FTRT_TEST_SEED, default 20261129; every shard derives its own seed from
# it) and writes its report to TEST_UNDECLARED_OUTPUTS_DIR, which Bazel
# brings back with the test's outputs; `tools/ft report merge` folds them.
# Arguments: the stress binary, then flags passed on to it.
set -euo pipefail

stress="$1"
shift
# Tell Bazel this test understands sharding.
if [ -n "${TEST_SHARD_STATUS_FILE:-}" ]; then touch "$TEST_SHARD_STATUS_FILE"; fi
k=$((${TEST_SHARD_INDEX:-0} + 1))
n="${TEST_TOTAL_SHARDS:-1}"
out="${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-/tmp}}"
mkdir -p "$out"
exec "$stress" --shard "$k/$n" --seed "${FTRT_TEST_SEED:-20261129}" \
  --json "$out/stress-shard-$k-of-$n.json" --html "$out/stress-shard-$k-of-$n.html" "$@"
