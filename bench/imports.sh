#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A 30,000-attendee pretix export (Order data, sheet "Order positions", the headers of
# tests/data/imports/pretix_orders.csv) imported by `portier init`, imported again unchanged,
# and again with every tenth person changed: wall seconds and peak RSS of each.
# Usage: bench/imports.sh [BUILD_DIR [ROWS]]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
rows=${2:-30000}
bin=$build/portier
data=$root/tests/data/imports
tmp=$(mktemp -d /tmp/portier-bench-imports-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 - "$data/pretix_orders.csv" "$tmp" "$rows" <<'PY'
import csv, random, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header, people = rows[0], [r for r in rows[1:] if r[3] == "paid"]
rng = random.Random(7)
def export(path, changed):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(n):
            r = list(people[i % len(people)])
            r[1], r[2] = "B%05d" % (i // 2), str(i % 2 + 1)
            r[14] = "%s %d" % (r[14], i)
            if changed and i % 10 == 0:
                r[18] = "Moved %d" % rng.randrange(1000)
            w.writerow(r)
export(out + "/orders.csv", False)
export(out + "/orders_later.csv", True)
PY

measure() {
    local what=$1
    shift
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }
    read -r secs kb <"$tmp/time"
    printf '%-32s %6.2f s  %7.1f MB peak RSS   %s\n' "$what" "$secs" "$((kb))e-3" \
        "$(grep -E 'attendees|added' "$tmp/out" | head -1 | sed 's/^ *//')"
}
echo "pretix export of $rows attendees ($(du -h "$tmp/orders.csv" | cut -f1)), $(nproc) cores"
measure "init --from pretix" "$bin" init "$tmp/ev" --name Bench --timezone Europe/Brussels \
    --rooms "$data/rooms.csv" --sessions "$data/sessions.csv" --attendees "$tmp/orders.csv" \
    --from pretix --map "$data/pretix.map"
measure "import, unchanged" "$bin" import "$tmp/ev" --attendees "$tmp/orders.csv" \
    --from pretix --map "$data/pretix.map"
measure "import, 10 % changed" "$bin" import "$tmp/ev" --attendees "$tmp/orders_later.csv" \
    --from pretix --map "$data/pretix.map"
