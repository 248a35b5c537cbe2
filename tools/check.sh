#!/usr/bin/env bash
# tools/check.sh: `tools/ft check`, the extension checker for C extension
# authors (tools/ft dispatches here; see `tools/ft check --help`).
#
# Compiles the extension's sources against ftrt's Python.h twice, with
# ThreadSanitizer and with AddressSanitizer+UBSan (-g, so reports carry
# file:line), builds the driver //tools/check:ext_check in the matching
# Bazel configuration, runs the driver in a child process for each pass
# (under a watchdog), keeps each child's stderr, and lets
# `ext_check report` turn both logs into one deduplicated report ending in
# a verdict line. The exit status is 0 only when the verdict is PASS.
#
# The extension is compiled with gcc (g++ for C++ sources), as Bazel's
# toolchain builds the driver: both then use the same shared sanitizer
# runtime. The logs and the report stay in out/check/<module>/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# tools/ft's bazel, with the output base it may set (FT_BAZEL_OUTPUT_BASE).
bz() {
  if [ -n "${FT_BAZEL_OUTPUT_BASE:-}" ]; then
    command bazel --output_base="$FT_BAZEL_OUTPUT_BASE" "$@"
  else
    command bazel "$@"
  fi
}

log() { printf '[ft check] %s\n' "$*" >&2; }

# Paths in the arguments are relative to where tools/ft was run.
cd "${FT_CALLER_DIR:-$PWD}"

usage() {
  cat <<'HELP'
usage: tools/ft check EXT.c [MORE.c ...] [--spec SPEC.json] [--threads N]
                      [--seconds S] [--seed K] [--module NAME] [--only tsan|asan]
                      [--out DIR] [-I DIR | -DNAME ...] [-L DIR | -lNAME ...]
                      [--stub MODULE[:Class,...] ...]

Checks a C extension for free-threading bugs: compiles it against ftrt's
Python.h with ThreadSanitizer, loads it and calls its functions from N
threads (default 4) for S seconds (default 2), then does it again with
AddressSanitizer+UBSan. Without a spec it calls every module function,
type and method it finds with arguments from a shared pool (exceptions are
normal outcomes); a spec (JSON, see tools/check/spec.h and
tools/check/testdata/ft_safe_spec.json) names the calls, shared objects and
expected results. The report lists, deduplicated: races (both stacks at the
extension's source lines), ASan/UBSan errors, crashes and hangs,
reference-count errors, objects leaked after finalization, and whether the
module declared Py_mod_gil; then "verdict: PASS" or "verdict: FAIL (...)".
-I/-D/-U go to the compiler; -L/-l link the libraries the extension wraps
(-lbrotlienc, say). ftrt runs no Python code: an extension that imports a
pure-Python module at init (decimal, uuid, its own package's .py files)
gets it with --stub MODULE:Class,Class (repeatable), a module of stand-in
classes that take any arguments (a name ending in Error, Exception or
Warning is an exception class).
Exit status 0 only on PASS. The module name defaults to the first source's
file name (PyInit_<name>). Logs: out/check/<module>/.
HELP
}

sources=()
spec="" threads="" seconds="" seed="" module="" only="" outdir=""
extra=()
stubs=()
libs=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --spec) spec="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --module) module="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --out) outdir="$2"; shift 2 ;;
    --stub) stubs+=(--stub "$2"); shift 2 ;;
    -I) extra+=("-I$(cd "$2" && pwd)"); shift 2 ;;
    -I*|-D*|-U*) extra+=("$1"); shift ;;
    -L) libs+=("-L$(cd "$2" && pwd)"); shift 2 ;;
    -L*|-l*) libs+=("$1"); shift ;;
    -*) log "unknown option $1"; usage >&2; exit 2 ;;
    *) sources+=("$1"); shift ;;
  esac
done
if [ ${#sources[@]} -eq 0 ]; then usage >&2; exit 2; fi
case "$only" in ""|tsan|asan) ;; *) log "--only takes tsan or asan"; exit 2 ;; esac
for n in "$threads" "$seconds" "$seed"; do
  if [ -n "$n" ] && ! [[ "$n" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then log "not a number: $n"; exit 2; fi
done

abs_sources=()
cxx=0
for s in "${sources[@]}"; do
  if [ ! -f "$s" ]; then log "no such file: $s"; exit 2; fi
  abs_sources+=("$(cd "$(dirname "$s")" && pwd)/$(basename "$s")")
  case "$s" in *.cc|*.cpp|*.cxx) cxx=1 ;; esac
done
if [ -n "$spec" ]; then
  [ -f "$spec" ] || { log "no such spec: $spec"; exit 2; }
  spec="$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"
  # The spec may name the module.
  if [ -z "$module" ]; then
    module="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("module",""))' "$spec" 2>/dev/null || true)"
  fi
fi
if [ -z "$module" ]; then
  module="$(basename "${sources[0]}")"
  module="${module%.*}"
fi
[ -n "$seed" ] || seed=$(( (RANDOM << 15 | RANDOM) ))
outdir="${outdir:-$ROOT/out/check/$module}"
mkdir -p "$outdir"

passes=(tsan asan)
[ -z "$only" ] || passes=("$only")

# The driver, once per configuration (cheap when the suites built its
# dependencies already).
log "building the driver (${passes[*]})"
declare -A bin
for p in "${passes[@]}"; do
  if ! bz build --noshow_progress --config="$p" //tools/check:ext_check >"$outdir/build-$p.log" 2>&1; then
    cat "$outdir/build-$p.log" >&2
    log "the driver did not build (--config=$p)"
    exit 2
  fi
  bin[$p]="$(bz info --config="$p" bazel-bin 2>/dev/null)/tools/check/ext_check"
done

# Compiler flags: ftrt's Python.h from this tree, the sanitizer, the
# defines the runtime was built with (sync/config.h; debug checks on, so
# the inline Py_INCREF/Py_DECREF check every object they touch).
cc=gcc std=-std=c11
if [ "$cxx" -eq 1 ]; then cc=g++ std=-std=c++20; fi
common=("$std" -fPIC -shared -g -O1 -fno-omit-frame-pointer
        -I"$ROOT/ext_abi/include" -I"$ROOT" -DFTRT_DEBUG_CHECKS=1 -DFTRT_SYSTEM_ALLOC=1
        -Wall -Wextra -Wno-missing-field-initializers)
declare -A sanflags=(
  [tsan]="-fsanitize=thread -DFTRT_TSAN=1"
  [asan]="-fsanitize=address,undefined -fno-sanitize-recover=all -DFTRT_ASAN=1"
)

# Past the run time: start-up, finalization and the sanitizers' reports.
limit=$(( ${seconds%.*} + 120 ))
[ -n "$seconds" ] || limit=180

report_args=(--module "$module")
for s in "${abs_sources[@]}"; do report_args+=(--source "$s"); done
for p in "${passes[@]}"; do
  so="$outdir/$module-$p.so"
  # shellcheck disable=SC2086
  if ! "$cc" "${common[@]}" ${sanflags[$p]} "${extra[@]}" -o "$so" "${abs_sources[@]}" \
      "${libs[@]}" >"$outdir/compile-$p.log" 2>&1; then
    cat "$outdir/compile-$p.log"
    echo "== ftrt check: $module"
    echo "verdict: FAIL (the extension did not compile; see above)"
    exit 1
  fi
  if [ -s "$outdir/compile-$p.log" ]; then
    log "compiler warnings ($p): $outdir/compile-$p.log"
  fi
  args=(child --so "$so" --name "$module" --seed "$seed")
  [ -z "$spec" ] || args+=(--spec "$spec")
  [ -z "$threads" ] || args+=(--threads "$threads")
  [ -z "$seconds" ] || args+=(--seconds "$seconds")
  args+=("${stubs[@]}")
  log "$p pass: $module, seed $seed"
  rc=0
  env PYTHONUNBUFFERED=1 \
    TSAN_OPTIONS="halt_on_error=0:handle_abort=1:suppress_equal_addresses=0:second_deadlock_stack=1" \
    ASAN_OPTIONS="detect_leaks=1:handle_abort=1:abort_on_error=0:detect_stack_use_after_return=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    timeout -k 10 "$limit" "${bin[$p]}" "${args[@]}" >"$outdir/$p.log" 2>&1 || rc=$?
  report_args+=(--pass "$p=$outdir/$p.log:$rc")
done

rc=0
"${bin[${passes[0]}]}" report "${report_args[@]}" | tee "$outdir/report.txt" || rc=${PIPESTATUS[0]}
log "logs and report: $outdir"
exit "$rc"
