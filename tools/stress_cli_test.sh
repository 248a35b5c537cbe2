#!/usr/bin/env bash
# The stress runner's command line, end to end: a short time-limited run
# writes a report whose every line passes, a JSON file with the expected
# keys and an HTML page that tools/check_report_html.py accepts (well-formed,
# self-contained, every plot present); two shards of one seed merge with
# tools/report_merge.py into a report whose counts are the sums and whose
# maxima are the maxima; usage errors exit 2 and name the problem.
# Arguments: the stress binary, report_merge.py, check_report_html.py.
set -euo pipefail

stress="$1"
merge="$2"
check_html="$3"
out="${TEST_TMPDIR:-$(mktemp -d)}/cli"
mkdir -p "$out"
seed="${FTRT_TEST_SEED:-20261129}"
# Shorter under the sanitizers (FTRT_TEST_SCALE < 1), never below 0.3 s.
seconds=$(python3 -c "import os; print(max(0.3, 1.5 * float(os.environ.get('FTRT_TEST_SCALE', '1'))))")

fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== a time-limited run (seed $seed, $seconds s)"
"$stress" --threads 4 --seconds "$seconds" --seed "$seed" --thread-ops 500 \
  --json "$out/run.json" --html "$out/run.html" >"$out/run.txt" 2>"$out/run.err" \
  || { cat "$out/run.txt" "$out/run.err"; fail "the run exited $?"; }
cat "$out/run.txt"
grep -q "^result: PASS" "$out/run.txt" || fail "no 'result: PASS' line"
grep -q "seed $seed" "$out/run.txt" || fail "the report does not print its seed"
grep -qE '^\[stress\] +[0-9.]+s .* ops/s +collections .* live objects' "$out/run.err" \
  || { cat "$out/run.err"; fail "no progress line"; }
python3 - "$out/run.json" <<'PY' || fail "JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
for key in ["ftrt_stress_report", "pass", "run", "throughput", "collector", "stop_the_world",
            "queued_merges", "memory", "leak_check", "checks", "timeline", "slots"]:
    assert key in r, "missing key %s" % key
assert r["pass"] is True
assert all(c["mark"] in ("pass", "n/a") for c in r["checks"]), r["checks"]
assert r["throughput"]["total_ops"] == sum(w["ops"] for w in r["throughput"]["workloads"].values())
assert r["leak_check"]["non_immortal_objects_left"] == 0
assert len(r["slots"]) == 4 and all(s["digest"] for s in r["slots"])
assert r["timeline"] and "ops_per_s" in r["timeline"][0]
print("JSON report: %d checks, %d ops" % (len(r["checks"]), r["throughput"]["total_ops"]))
PY
python3 "$check_html" "$out/run.html" || fail "HTML report"

echo "== two shards, merged"
for k in 1 2; do
  "$stress" --threads 3 --ops 400 --seed "$seed" --shard "$k/2" --quiet \
    --json "$out/shard$k.json" >"$out/shard$k.txt" || { cat "$out/shard$k.txt"; fail "shard $k"; }
done
python3 "$merge" "$out/shard1.json" "$out/shard2.json" --out "$out/merged.json" 2>"$out/merge.err" \
  || { cat "$out/merge.err"; fail "merge exited non-zero"; }
python3 - "$out/shard1.json" "$out/shard2.json" "$out/merged.json" <<'PY' || fail "merged report"
import json, sys
a, b, m = (json.load(open(p)) for p in sys.argv[1:])
assert m["pass"] is True and m["merged_from"] == 2
assert a["run"]["shard"]["seed"] != b["run"]["shard"]["seed"], "shards must run different seeds"
assert m["throughput"]["total_ops"] == a["throughput"]["total_ops"] + b["throughput"]["total_ops"]
for name, w in m["throughput"]["workloads"].items():
    assert w["ops"] == a["throughput"]["workloads"][name]["ops"] + b["throughput"]["workloads"][name]["ops"]
sa, sb, sm = a["stop_the_world"], b["stop_the_world"], m["stop_the_world"]
assert sm["stops"] == sa["stops"] + sb["stops"]
assert sm["latency"]["count"] == sa["latency"]["count"] + sb["latency"]["count"]
assert sm["latency"]["max_ns"] == max(sa["latency"]["max_ns"], sb["latency"]["max_ns"])
assert m["memory"]["peak_rss_bytes"] == max(a["memory"]["peak_rss_bytes"], b["memory"]["peak_rss_bytes"])
assert m["leak_check"]["stress_objects_made"] == (a["leak_check"]["stress_objects_made"]
                                                   + b["leak_check"]["stress_objects_made"])
assert len(m["slots"]) == 6
print("merged: %d ops, %d stops" % (m["throughput"]["total_ops"], sm["stops"]))
PY

echo "== usage errors"
expect_usage_error() {
  local rc=0
  "$stress" "$@" >"$out/usage.txt" 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || { cat "$out/usage.txt"; fail "'$*' exited $rc, want 2"; }
}
expect_usage_error --threads 0
expect_usage_error --no-such-flag
expect_usage_error --workload no_such_workload
expect_usage_error --shard 3/2
"$stress" --list >"$out/list.txt"
grep -q "refcount" "$out/list.txt" || fail "--list does not name the workloads"
if grep -q "^planned" "$out/list.txt"; then
  planned=$(sed -n '/^planned/,$p' "$out/list.txt" | awk 'NR==2 {print $1}')
  expect_usage_error --workload "$planned" --seconds 0.1
  grep -q "not available yet" "$out/usage.txt" || fail "a planned workload is not refused by name"
fi
"$stress" --help | grep -q -- "--shard K/N" || fail "--help does not describe --shard"
echo "PASS"
