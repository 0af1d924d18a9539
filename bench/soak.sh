#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Soak run: a headless kiosk on the synthetic camera for the equivalent of a 10-hour day
# (compressed), with its sync daemon pushing to a central PostgreSQL cluster that goes away now
# and then (stopped with -m immediate, as a crash, and started again).
#   bench/soak.sh [FRAMES] [BUILD_DIR]
# FRAMES defaults to 1,000,000 (the full day). As on a real day most frames show nobody: a
# badge cycle is SOAK_IDLE empty frames (default 36) then the 8 frames of a badge held up, so
# 1,000,000 frames are some 22,700 scans. Environment: SOAK_IDLE, SOAK_OUTAGE_EVERY (s between
# central outages, default 20), SOAK_OUTAGE_FOR (s each lasts, default 5), SOAK_WARMUP_SCANS
# (decisions before the first RSS sample, default 200), PORTIER_PG_BINDIR (default
# /usr/lib/postgresql/15/bin).
# Prints frames (as the kiosk counted them), scans, frames/s, the kiosk's RSS after warm-up and
# at the end (VmRSS from /proc/PID/status), the scan log's and its WAL's sizes, the central row
# count, the error count of the kiosk's and the daemon's logs (kept with SOAK_KEEP=1), and every
# SOAK_REPORT_EVERY s (default 300) a progress line with the RSS so far. Target: RSS growth
# < 2 MB.
# As root (CI), PostgreSQL runs as the unprivileged user portier-test, as tests/support/pg_harness.h.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
frames=${1:-1000000}
build=$(cd "${2:-$here/../build}" && pwd)
bin=$build/portier
data=$here/../tests/data
pgbin=${PORTIER_PG_BINDIR:-/usr/lib/postgresql/15/bin}
outage_every=${SOAK_OUTAGE_EVERY:-20}
outage_for=${SOAK_OUTAGE_FOR:-5}
warmup_scans=${SOAK_WARMUP_SCANS:-200}
idle=${SOAK_IDLE:-36}
report_every=${SOAK_REPORT_EVERY:-300}
device=soak-1

tmp=$(mktemp -d /tmp/portier-soak-XXXXXX)
kiosk_pid='' sync_pid='' pg_up=0
# shellcheck source=bench/pg_lib.sh
source "$here/pg_lib.sh"
[[ -x $bin ]] || die "$bin not found (build first, or pass the build directory)"

cleanup() {
    [[ -n $kiosk_pid ]] && kill -9 "$kiosk_pid" 2>/dev/null
    [[ -n $sync_pid ]] && kill -9 "$sync_pid" 2>/dev/null
    ((pg_up)) && pg pg_ctl stop -D "$tmp/pg/data" -m immediate -w >/dev/null 2>&1
    wait 2>/dev/null
    [[ -n ${SOAK_KEEP:-} ]] || rm -rf "$tmp"
}
trap cleanup EXIT

pg_start_soak() { pg_start -c fsync=off -c shared_buffers=16MB; }

# VmRSS of pid in kB (0 when gone).
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# The event, its badges and a kiosk bundle.
(cd "$tmp" && "$bin" init ev --name Soak --timezone Europe/Brussels \
    --rooms "$data/event/rooms.csv" --sessions "$data/event/sessions.csv" \
    --attendees "$data/event/attendees.csv" >/dev/null &&
    "$bin" badges ev --out badges --format csv >/dev/null &&
    "$bin" bundle ev --out kiosk >/dev/null) || die "making the event failed"

# The central cluster.
pg_init
pg_start_soak
admin="host=$tmp/pg port=$port user=postgres dbname=postgres"
"$bin" central init "$admin" >/dev/null || die "central init failed"
"$bin" central publish "$tmp/ev" "$admin" >/dev/null || die "central publish failed"
conninfo=$("$bin" central add-device "$admin" "$device" --password --host 127.0.0.1 \
    --port "$port" | tail -n 1) || die "central add-device failed"

db=$tmp/scans.db
"$bin" kiosk "$tmp/kiosk" --headless --device "$device" --room entrance --mode toggle \
    --camera "synth:seed=1,loop,idle=$idle" --synth-tokens "$tmp/badges/tokens.csv" --scanner none \
    --frames "$frames" --db "$db" >"$tmp/decisions.jsonl" 2>"$tmp/kiosk.log" &
kiosk_pid=$!
"$bin" sync "$tmp/kiosk" --device "$device" --db "$db" --central "$conninfo" \
    >"$tmp/sync.log" 2>&1 &
sync_pid=$!

t0=$(date +%s.%N)
while kill -0 "$kiosk_pid" 2>/dev/null && (($(wc -l <"$tmp/decisions.jsonl") < warmup_scans)); do
    sleep 0.2
done
rss_start=$(rss_kb "$kiosk_pid")
scans_start=$(wc -l <"$tmp/decisions.jsonl")
rss_end=$rss_start rss_max=$rss_start outages=0 next_outage=$((SECONDS + outage_every))
next_report=$((SECONDS + report_every))
while kill -0 "$kiosk_pid" 2>/dev/null; do
    sleep 1
    r=$(rss_kb "$kiosk_pid")
    ((r > 0)) && rss_end=$r
    ((r > rss_max)) && rss_max=$r
    if ((SECONDS >= next_report)); then
        echo "soak: ${SECONDS} s, $(wc -l <"$tmp/decisions.jsonl") scans, kiosk RSS" \
            "$((r / 1024)).$((r % 1024 * 10 / 1024)) MB, $outages central outages" >&2
        next_report=$((SECONDS + report_every))
    fi
    if ((SECONDS >= next_outage)); then
        pg_crash
        outages=$((outages + 1))
        sleep "$outage_for"
        pg_start_soak
        next_outage=$((SECONDS + outage_every))
    fi
done
kiosk_rc=0
wait "$kiosk_pid" || kiosk_rc=$?
kiosk_pid=
t1=$(date +%s.%N)
((pg_up)) || pg_start_soak

# Let the daemon push the rest, then stop it cleanly.
local_n=$(sqlite3 "$db" "SELECT count(*) FROM scans" 2>/dev/null || echo -1)
central_n=-1
for _ in $(seq 1 120); do
    central_n=$(psql -X -A -t -d "$admin" -c \
        "SELECT count(*) FROM portier.scans WHERE device_id = '$device'" 2>/dev/null || echo -1)
    [[ $central_n == "$local_n" ]] && break
    sleep 1
done
kill -TERM "$sync_pid" 2>/dev/null
sync_rc=0
wait "$sync_pid" || sync_rc=$?
sync_pid=

scans=$(wc -l <"$tmp/decisions.jsonl")
# The frames the kiosk really took (its last log line), not the ones asked for.
handed=$(grep -o '[0-9]* frames handed over' "$tmp/kiosk.log" | tail -n 1 | cut -d' ' -f1)
db_size=$(stat -c %s "$db")
wal_size=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
kiosk_errors=$(grep -ci 'error\|fail' "$tmp/kiosk.log" || true)
sync_errors=$(grep -ci 'error\|fail' "$tmp/sync.log" || true)
awk -v f="${handed:-0}" -v s="$scans" -v s0="$scans_start" -v t0="$t0" -v t1="$t1" \
    -v r0="$rss_start" -v r1="$rss_end" -v rm="$rss_max" -v db="$db_size" -v wal="$wal_size" \
    -v ln="$local_n" -v cn="$central_n" -v o="$outages" -v ke="$kiosk_errors" \
    -v se="$sync_errors" -v krc="$kiosk_rc" -v src="$sync_rc" 'BEGIN {
    secs = t1 - t0
    printf "soak: %d frames, %d scans in %.0f s: %.0f frames/s, %.1f scans/s\n", f, s, secs,
        f / secs, s / secs
    printf "soak: kiosk RSS after warm-up (%d scans) %.1f MB, at the end %.1f MB (max %.1f): " \
        "growth %+.2f MB (target < 2 MB)\n", s0, r0 / 1024, r1 / 1024, rm / 1024, (r1 - r0) / 1024
    printf "soak: scan log %.1f MB, WAL %.1f MB; %d scans locally, %d centrally after %d " \
        "central outages\n", db / 1048576, wal / 1048576, ln, cn, o
    printf "soak: exit status kiosk %d, sync %d; error lines: kiosk %d, sync %d\n", krc, src,
        ke, se
    printf "soak: a full 1,000,000-frame day at this rate takes %.0f min\n", 1e6 / (f / secs) / 60
}'
[[ $kiosk_rc == 0 && $central_n == "$local_n" && ${handed:-0} == "$frames" ]]
