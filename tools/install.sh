#!/usr/bin/env bash
# tools/install.sh: `tools/ft install` and `tools/ft config`, how ftrt is used
# from outside this repository.
#
#   install --prefix DIR [--no-tsan]
#     Builds //ext_abi:libftrt.so in the default configuration and in
#     --config=tsan, and installs:
#       DIR/lib/libftrt.so, DIR/lib/libftrt-tsan.so
#       DIR/include/ftrt/python/Python.h ...   (the C API, CPython's names)
#       DIR/include/ftrt/{sync,alloc,runtime,object,gc,ext_abi}/*.h
#                                              (the C++ API, e.g.
#                                              "runtime/runtime.h", "object/ref.h")
#       DIR/lib/pkgconfig/ftrt.pc, ftrt-tsan.pc
#     The headers' inline fast paths depend on how the library was built
#     (sync/config.h: FTRT_DEBUG_CHECKS, FTRT_SYSTEM_ALLOC, FTRT_TSAN), so
#     each .pc file carries the defines of its library, and ftrt-tsan.pc
#     also -fsanitize=thread. The C++ headers use Abseil's (Debian's
#     libabsl-dev, found through pkg-config), hence Requires.
#   config --cflags | --libs | --prefix-dir [--tsan] [--prefix DIR]
#     Prints the flags of an installation, as python3-config does, read from
#     its .pc files. Without --prefix: the installation in out/ftrt of this
#     tree (installed there first when missing or older than the tree's
#     sources).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEFAULT_PREFIX="$ROOT/out/ftrt"

bz() {
  if [ -n "${FT_BAZEL_OUTPUT_BASE:-}" ]; then
    command bazel --output_base="$FT_BAZEL_OUTPUT_BASE" "$@"
  else
    command bazel "$@"
  fi
}

log() { printf '[ft install] %s\n' "$*" >&2; }

# The Abseil pkg-config modules the C++ headers need (runtime.h: Status,
# StatusOr; thread annotations and FunctionRef are header-only).
ABSL_REQUIRES="absl_status absl_statusor"

install_usage() {
  cat <<'HELP'
usage: tools/ft install --prefix DIR [--no-tsan]

Builds libftrt.so (and a ThreadSanitizer build, libftrt-tsan.so, for
checking extensions and runtimes under TSan) and installs the library, the
headers (Python.h for C extensions under include/ftrt/python, the C++ API
such as "runtime/runtime.h" and "object/ref.h" under include/ftrt) and the
pkg-config files ftrt.pc and ftrt-tsan.pc into DIR. Then, for example:
  export PKG_CONFIG_PATH=DIR/lib/pkgconfig
  g++ -std=c++20 host.cc $(pkg-config --cflags --libs ftrt)
  gcc -shared -fPIC ext.c -o ext.so $(pkg-config --cflags ftrt)
(an extension links nothing of ftrt: its Py* calls resolve against the
libftrt.so of the program that loads it). --no-tsan skips the TSan build.
HELP
}

config_usage() {
  cat <<'HELP'
usage: tools/ft config --cflags | --libs | --prefix-dir [--tsan] [--prefix DIR]

Prints the compiler or linker flags for building against ftrt, as
python3-config does, for build systems that do not read pkg-config:
--cflags for C extensions and C++ programs, --libs for programs that link
libftrt.so (extensions need none). --tsan gives the ThreadSanitizer build's
flags. Without --prefix, the flags are those of the installation in out/ftrt
of this tree, installed there first if it is missing or stale.
HELP
}

# Headers of the C++ API: every public header of the layers (test helpers
# left out).
cxx_headers() {
  (cd "$ROOT" && ls sync/*.h alloc/*.h runtime/*.h object/*.h gc/*.h ext_abi/*.h) |
    grep -vE '(_testing|testing_types|test_env|test_util)\.h$' || true
}

write_pc() {
  local prefix="$1" name="$2" lib="$3" defines="$4" sanitize="$5" desc="$6"
  local version
  version="0.1.0+git$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  cat >"$prefix/lib/pkgconfig/$name.pc" <<EOF
# ftrt: free-threaded runtime core with a CPython 3.13t-compatible C API.
# Written by tools/ft install.
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: $name
Description: $desc
Version: $version
Requires: $ABSL_REQUIRES
Cflags: -I\${includedir}/ftrt/python -I\${includedir}/ftrt $defines $sanitize
Libs: -L\${libdir} -l$lib -Wl,-rpath,\${libdir} $sanitize -pthread
EOF
}

do_install() {
  local prefix="" tsan=1
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) install_usage; return 0 ;;
      --prefix) prefix="${2:-}"; shift 2 ;;
      --prefix=*) prefix="${1#--prefix=}"; shift ;;
      --no-tsan) tsan=0; shift ;;
      *) log "unknown argument $1"; install_usage >&2; return 2 ;;
    esac
  done
  if [ -z "$prefix" ]; then install_usage >&2; return 2; fi
  mkdir -p "$prefix"
  prefix="$(cd "$prefix" && pwd)"

  local configs=(default)
  [ "$tsan" -eq 0 ] || configs+=(tsan)
  declare -A lib
  for c in "${configs[@]}"; do
    local flags=()
    [ "$c" = default ] || flags=(--config="$c")
    log "building //ext_abi:libftrt.so ($c)"
    bz build --noshow_progress "${flags[@]}" //ext_abi:libftrt.so 2>&1 | grep -E 'ERROR|error:' >&2 || true
    lib[$c]="$(bz info "${flags[@]}" bazel-bin 2>/dev/null)/ext_abi/libftrt.so"
    [ -f "${lib[$c]}" ] || { log "the build ($c) did not produce libftrt.so"; return 1; }
  done

  mkdir -p "$prefix/lib/pkgconfig" "$prefix/include/ftrt/python"
  install -m 0755 "${lib[default]}" "$prefix/lib/libftrt.so"
  [ "$tsan" -eq 0 ] || install -m 0755 "${lib[tsan]}" "$prefix/lib/libftrt-tsan.so"
  install -m 0644 "$ROOT"/ext_abi/include/*.h "$prefix/include/ftrt/python/"
  local h
  for h in $(cxx_headers); do
    install -D -m 0644 "$ROOT/$h" "$prefix/include/ftrt/$h"
  done

  write_pc "$prefix" ftrt ftrt "" "" \
    "ftrt, optimised build (Python.h for extensions, the C++ API for runtimes)"
  [ "$tsan" -eq 0 ] || write_pc "$prefix" ftrt-tsan ftrt-tsan \
    "-DFTRT_TSAN=1 -DFTRT_SYSTEM_ALLOC=1 -DFTRT_DEBUG_CHECKS=1" "-fsanitize=thread" \
    "ftrt, ThreadSanitizer build with debug checks (for checking extensions)"
  date +%s >"$prefix/lib/pkgconfig/.ftrt-installed"
  log "installed into $prefix (PKG_CONFIG_PATH=$prefix/lib/pkgconfig)"
}

do_config() {
  local what="" tsan=0 prefix=""
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) config_usage; return 0 ;;
      --cflags|--libs|--prefix-dir) what="$1"; shift ;;
      --tsan) tsan=1; shift ;;
      --prefix) prefix="${2:-}"; shift 2 ;;
      --prefix=*) prefix="${1#--prefix=}"; shift ;;
      *) log "unknown argument $1"; config_usage >&2; return 2 ;;
    esac
  done
  if [ -z "$what" ]; then config_usage >&2; return 2; fi
  if [ -z "$prefix" ]; then
    prefix="$DEFAULT_PREFIX"
    local stamp="$prefix/lib/pkgconfig/.ftrt-installed"
    # Stale when a library source or header is newer than the install.
    if [ ! -f "$stamp" ] || [ -n "$(cd "$ROOT" && find sync alloc runtime object gc ext_abi \
        -newer "$stamp" \( -name '*.h' -o -name '*.cc' -o -name BUILD \) -print -quit)" ]; then
      log "installing into $prefix first"
      do_install --prefix "$prefix" >&2
    fi
  fi
  local pc=ftrt
  [ "$tsan" -eq 0 ] || pc=ftrt-tsan
  if [ ! -f "$prefix/lib/pkgconfig/$pc.pc" ]; then
    log "no $pc.pc under $prefix/lib/pkgconfig (run tools/ft install --prefix $prefix)"
    return 1
  fi
  case "$what" in
    --cflags) PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags "$pc" ;;
    --libs) PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --libs "$pc" ;;
    --prefix-dir) PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --variable=prefix "$pc" ;;
  esac
}

case "${1:-}" in
  install) shift; do_install "$@" ;;
  config) shift; do_config "$@" ;;
  *) echo "usage: tools/install.sh install|config ..." >&2; exit 2 ;;
esac
