#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The staff's search over N attendees whose names come from bench/lookup_names.py (many
# languages, not the demo generator): prints the index's build time and p50/p99 per query.
# usage: bench/lookup.sh [N] [BUILD_DIR]     (default 30000)
set -euo pipefail
n=${1:-30000}
here=$(cd "$(dirname "$0")" && pwd)
build=${2:-$here/../build}
tmp=$(mktemp /tmp/portier-bench-lookup-XXXXXX.tsv)
trap 'rm -f "$tmp"' EXIT
python3 "$here/lookup_names.py" "$n" >"$tmp"
"$build/bench/bench_lookup" "$tmp"
