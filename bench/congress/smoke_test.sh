#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest smoke test of the congress generator (bench/congress/gen.py) at a small size: portier
# init accepts its CSV files, the day's plan has the morning peak asked for, replay lines carry
# the signed tokens of `portier badges`, a real headless kiosk decides them, and
# bench_congress fill stores the other doors' scans.
#   smoke_test.sh PORTIER BENCH_CONGRESS
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
portier=$1
bench=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
py=/usr/bin/python3
$py "$here/gen.py" model . --attendees 400 --rooms 12 --days 2 >/dev/null
$py "$here/gen.py" scans . --scans-per-day 4000 --peak 300 >gen.out
grep -q 'day2.tsv: .* 300 entrance scans 08:00-08:45' gen.out ||
    { echo "smoke_test.sh: no peak of 300 in: $(cat gen.out)" >&2; exit 1; }
"$portier" init ev --name Smoke --timezone Europe/Vienna --rooms rooms.csv \
    --sessions sessions.csv --attendees attendees.csv >/dev/null
"$portier" badges ev --out badges --format csv >/dev/null
"$portier" bundle ev --out kiosk >/dev/null
((($(wc -l <devices.csv) == 251))) || { echo "smoke_test.sh: devices.csv: not 250 devices" >&2; exit 1; }
$py "$here/gen.py" replay . day1.tsv badges/tokens.csv --device ent-01 >ent.txt
n=$(wc -l <ent.txt)
((n > 0)) || { echo "smoke_test.sh: no replay lines for ent-01" >&2; exit 1; }
"$portier" kiosk kiosk --headless --device ent-01 --room entrance --mode toggle \
    --scanner stdin --camera none --db ent.db <ent.txt >decisions.txt 2>/dev/null
ok=$(grep -c '"reason":"ok"' decisions.txt || true)
bad=$(grep -Ec '"reason":"(invalid|wrong_event|unknown_attendee|revoked)"' decisions.txt || true)
((ok > n / 2 && bad == 0)) ||
    { echo "smoke_test.sh: $n lines, $ok ok, $bad bad badges: $(head -2 decisions.txt)" >&2; exit 1; }
"$bench" fill door.db door-r001-1 day1.tsv | grep -q ' (ok)$'
echo "smoke_test.sh: $n replay lines at ent-01, $ok admitted or let out"
