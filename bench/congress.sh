#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The congress benchmark (issue 18): 30,000 attendees, 120 rooms, 3 days, 250 kiosks. Prints
# the figures of docs/scale.md. Long (20-40 minutes on 2 busy cores); never a ctest test.
#
#   bench/congress.sh [BUILD_DIR]       (default: build)
# Environment: WORK (data folder, default /tmp/portier-congress; kept between runs, remove it
# to draw the congress again), NS (central runs, default "10 50 100 250"; empty: none),
# MORE_NS (central runs with more than the plan's 250 kiosks: more doors on the large rooms,
# the same people, e.g. "300 350 400"), SECONDS_AT_PEAK (central run length, default 60), SKIP_CALLGRIND=1,
# SKIP_CENTRAL=1, ONLY_CENTRAL=1 (only the runs of NS, MORE_NS and PULL: no kiosk, report or
# --hint-interval/--others-interval figures).
# DASHBOARD=1: a real `portier dashboard` on central through every central run, its
# /api/rooms read by `bench_dashboard probe` (GET latency, staleness after a commit).
# PULL=rooms (or any value of `portier sync --pull`): one more run of 250 kiosks whose room
# doors run `portier sync --pull $PULL` (entrance kiosks pull everything); the bytes sent are
# printed per entrance kiosk and per room door in every run. The filtered pull against the
# default, one command: ONLY_CENTRAL=1 NS=250 PULL=rooms bench/congress.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
portier=$build/portier
bench=$build/bench/bench_congress
work=${WORK:-/tmp/portier-congress}
ns=${NS-10 50 100 250}
peak_s=${SECONDS_AT_PEAK:-60}
gen="python3 $here/congress/gen.py"
run() { nice -n 10 "$@"; }
export PORTIER_BIN=$portier
pull=${PULL:-}
unset PULL
mkdir -p "$work"
cd "$work"

echo "== Congress benchmark, $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   (wall times are taken on a shared, busy machine; CPU times are the process's own)"
if [ ! -f kiosk/event.db ]; then
    rm -rf ev badges kiosk
    run $gen model .
    run $gen scans .
    /usr/bin/time -f "portier init: %e s wall, %U s user, %S s sys, peak RSS %M kB" \
        nice -n 10 "$portier" init ev --name "Congress 2026" --timezone Europe/Vienna \
        --rooms rooms.csv --sessions sessions.csv --attendees attendees.csv >/dev/null
    /usr/bin/time -f "portier badges (tokens.csv): %e s wall, %U s user, peak RSS %M kB" \
        nice -n 10 "$portier" badges ev --out badges --format csv >/dev/null
    nice -n 10 "$portier" bundle ev --out kiosk >/dev/null
fi
wc -l day*.tsv | sed 's/^/   scans planned: /'

# The central runs of NS, MORE_NS and PULL.
central_runs() {
    echo "== Central: N real sync daemons, real PostgreSQL 15, the busiest minutes of day 1"
    if [ -n "$ns" ]; then
        run "$bench" central kiosk devices.csv day1.tsv 2026-03-17T13:57:00+01:00 "$peak_s" \
            $ns 2>/dev/null
    fi
    for n in ${MORE_NS:-}; do
        echo "== Central, $n kiosks ($((n - 250)) more doors)," \
            "load $(cut -d' ' -f1-3 /proc/loadavg)"
        run $gen devices . --kiosks "$n" >/dev/null
        run "$bench" central kiosk "devices-$n.csv" day1.tsv 2026-03-17T13:57:00+01:00 \
            "$peak_s" "$n" 2>/dev/null
    done
    if [ -n "$pull" ]; then
        echo "== Central, 250 kiosks, room doors with portier sync --pull $pull"
        PULL=$pull nice -n 10 "$bench" central kiosk devices.csv day1.tsv \
            2026-03-17T13:57:00+01:00 "$peak_s" 250 2>/dev/null
    fi
}
if [ -n "${ONLY_CENTRAL:-}" ]; then
    central_runs
    exit 0
fi

echo "== Kiosk (real binary, headless, stdin scanner), room door door-r001-1"
$gen replay . day2.tsv badges/tokens.csv --device door-r001-1 |
    awk -F'\t' '$1 >= "2026-03-18T08:50"' >r001-day2.txt
rm -f empty.db*
run python3 "$here/congress/kiosk_bench.py" "$portier" kiosk empty.db door-r001-1 r001 toggle \
    r001-day2.txt --limit 300 2> >(grep -v 'bound to' >&2)
rm -f k300.db*
run "$bench" fill k300.db door-r001-1 day1.tsv day2.tsv --until 2026-03-18T08:50:00+01:00
cp k300.db k300-base.db
run python3 "$here/congress/kiosk_bench.py" "$portier" kiosk k300.db door-r001-1 r001 toggle \
    r001-day2.txt 2> >(grep -v 'bound to' >&2)
echo "== Kiosk start at 832,269 scans (day 3 to 17:00): after a clean close, then after a crash"
rm -f k800.db*
run "$bench" fill k800.db door-r001-1 day1.tsv day2.tsv day3.tsv --until 2026-03-19T17:00:00+01:00
$gen replay . day3.tsv badges/tokens.csv --device door-r001-1 |
    awk -F'\t' '$1 >= "2026-03-19T17:00"' >r001-day3.txt
: >no-scans.txt
k800() { run python3 "$here/congress/kiosk_bench.py" "$portier" kiosk k800.db door-r001-1 r001 \
    toggle "$@" 2> >(grep -v 'bound to' >&2) | sed -n 1p; }
echo "  after fill's clean close:"; k800 no-scans.txt
echo "  100 decisions, then kill -9:"; k800 r001-day3.txt --limit 100 --kill
echo "  after the crash (WAL left, quick check):"; k800 no-scans.txt
rm -f k800.db*

if [ -z "${SKIP_CALLGRIND:-}" ] && command -v valgrind >/dev/null; then
    cp k300-base.db k300cg.db
    head -200 r001-day2.txt >cg-lines.txt
    run valgrind --tool=callgrind --callgrind-out-file=cg.out --collect-atstart=no \
        --toggle-collect=kiosk_handle_payload "$portier" kiosk kiosk --headless \
        --device door-r001-1 --room r001 --mode toggle --scanner stdin --camera none \
        --db k300cg.db <cg-lines.txt >cg-decisions.txt 2>/dev/null
    ir=$(awk '/^summary:/ {print $2}' cg.out)
    nd=$(grep -vc '"kind":"session_end"' cg-decisions.txt || true)
    echo "  callgrind: $ir instructions in kiosk_handle_payload for $nd decisions" \
        "($((ir / (nd > 0 ? nd : 1))) per decision, session-end exits included), 300,000-scan log"
    cp k300-base.db k300cg.db
    run valgrind --tool=callgrind --callgrind-out-file=cg.out "$portier" kiosk kiosk --headless \
        --device door-r001-1 --room r001 --mode toggle --scanner stdin --camera none \
        --db k300cg.db </dev/null >/dev/null 2>&1
    echo "  callgrind: $(awk '/^summary:/ {print $2}' cg.out) instructions from start to exit" \
        "(empty stdin), 300,000-scan log"
    rm -f k300cg.db* cg.out
fi

if [ -z "${SKIP_CENTRAL:-}" ]; then
    central_runs

    echo "== Central, 250 kiosks with portier sync --hint-interval 1000"
    HINT_MS=1000 run "$bench" central kiosk devices.csv day1.tsv 2026-03-17T13:57:00+01:00 \
        "$peak_s" 250 2>/dev/null
    echo "== Central, room doors with portier sync --others-interval 3000"
    OTHERS_MS=3000 run "$bench" central kiosk devices.csv day1.tsv 2026-03-17T13:57:00+01:00 \
        "$peak_s" 150 250 2>/dev/null
fi

echo "== What a kiosk pulls in a day (day 1), now and with a filtered pull"
run python3 "$here/congress/pull_need.py" . day1.tsv

echo "== portier report over the whole congress (3 days, one merged log)"
rm -f all.db* report -r
run "$bench" fill all.db report-reader day1.tsv day2.tsv day3.tsv
/usr/bin/time -f "portier report: %e s wall, %U s user, %S s sys, peak RSS %M kB" \
    nice -n 10 "$portier" report --db all.db --event ev --out report >/dev/null
ls report | sed 's/^/   wrote /'
