#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Instructions per frame of the Portier decode pipeline and of plain zbar, under callgrind.
#   bench/callgrind.sh [BUILD_DIR] [N]
# Runs bench_decode --one CASE PIPELINE SIZE N for the idle, clean and degraded cases, counting
# only the function `measured` (one frame through one pipeline: frame rendering and set-up are
# excluded), and prints instructions per frame and the Portier/zbar ratio against the targets.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
n=${2:-32}
bin=$build/bench/bench_decode
if [[ ! -x $bin ]]; then
    echo "callgrind.sh: $bin not found (build first, or pass the build directory)" >&2
    exit 1
fi
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints the instructions counted for one run.
count() {
    local out=$tmp/cg.out
    valgrind --tool=callgrind --toggle-collect=measured --callgrind-out-file="$out" \
        "$bin" --one "$1" "$2" "$3" "$n" >/dev/null 2>"$tmp/err" || {
        cat "$tmp/err" >&2
        exit 1
    }
    awk '/^summary:/ {print $2}' "$out"
}

printf '%-10s %-10s %16s %16s %8s %s\n' size case portier/frame zbar/frame ratio target
for size in 640x480 1280x720; do
    for c in idle clean degraded; do
        p=$(count "$c" portier "$size")
        z=$(count "$c" zbar "$size")
        case $c in
        idle) target="<= 0.05" ;;
        degraded) target="<= 0.50" ;;
        *) target="-" ;;
        esac
        awk -v s="$size" -v c="$c" -v p="$p" -v z="$z" -v n="$n" -v t="$target" 'BEGIN {
            printf "%-10s %-10s %16.0f %16.0f %8.3f %s\n", s, c, p / n, z / n, p / z, t }'
    done
done
