#!/usr/bin/env bash
# tools/outside/build_test.sh: ftrt used from outside this repository, the
# check `tools/ft test` runs after its Bazel suites.
#
# Installs ftrt into a temporary prefix (tools/ft install), then builds,
# outside Bazel and with nothing but gcc/g++ and the installed pkg-config
# files, the C extension hello.c (`pkg-config --cflags ftrt`; it links
# nothing of ftrt) and the C++ program host.cc (`pkg-config --cflags --libs
# ftrt`), and runs the program, which loads the extension and calls it
# from 4 threads. Then the same against ftrt-tsan.pc (ThreadSanitizer, with
# halt_on_error=1). Prints one line per step; the last is "outside: OK" or
# names what failed. Exit 0 only on success. Set KEEP=1 to keep the prefix.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
work="$(mktemp -d)"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

fail() { echo "outside: FAIL: $*"; exit 1; }

"$ROOT/tools/install.sh" install --prefix "$work/prefix" || fail "tools/ft install"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
for pc in ftrt ftrt-tsan; do
  pkg-config --exists "$pc" || fail "pkg-config does not find $pc.pc"
done
echo "installed: $(pkg-config --modversion ftrt) into $work/prefix"

for pc in ftrt ftrt-tsan; do
  # shellcheck disable=SC2046
  gcc -std=c11 -g -Wall -Wextra -Werror -shared -fPIC "$HERE/hello.c" -o "$work/hello-$pc.so" \
    $(pkg-config --cflags "$pc") || fail "gcc hello.c with pkg-config --cflags $pc"
  # shellcheck disable=SC2046
  g++ -std=c++20 -g -Wall -Wextra -Werror "$HERE/host.cc" -o "$work/host-$pc" \
    $(pkg-config --cflags --libs "$pc") || fail "g++ host.cc with pkg-config --cflags --libs $pc"
  out="$(TSAN_OPTIONS=halt_on_error=1 "$work/host-$pc" "$work/hello-$pc.so" 2>&1)" ||
    { echo "$out"; fail "host-$pc did not run cleanly"; }
  echo "$pc: $out"
  # `tools/ft config` reads the same installation.
  tsan=()
  [ "$pc" = ftrt ] || tsan=(--tsan)
  [ "$("$ROOT/tools/install.sh" config --cflags --prefix "$work/prefix" "${tsan[@]}")" = \
    "$(pkg-config --cflags "$pc")" ] ||
    fail "tools/ft config --cflags disagrees with pkg-config ($pc)"
done
echo "outside: OK (C extension + C++ host built with pkg-config only, ftrt and ftrt-tsan)"
