#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What a room door pulls in a day (issue 18: at most 10 % of the day's scan volume), with
# `portier sync --pull rooms` against `--pull all`, on the congress plan (bench/congress/gen.py,
# drawn by bench/congress.sh into WORK, default /tmp/portier-congress).
#   bench/pull_day.sh [BUILD_DIR]
# Central is a real PostgreSQL 15 cluster holding the days of DAYS (default "1 2 3"), loaded
# one day at a time as the devices of the plan took them (clock_given, their own seqs). For each
# measured device one real `portier sync` daemon, from an empty log, catches up after each day
# is loaded; its bytes are the server's bytes_acked on its connection (ss), counted per day.
# Measured: an entrance kiosk with --pull all (everything: the day's volume on the wire), and
# one door of each of the rooms at the ranks of ROOM_RANKS (default "1 6 12 30 60 90 120": the
# busiest room by distinct people of day 1 is rank 1) with --pull rooms. A door that has
# followed someone on day 1 goes on pulling their scans on days 2 and 3: the figures per day
# show it. Environment: PORTIER_PG_BINDIR (default /usr/lib/postgresql/15/bin), KEEP=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
bin=$build/portier
work=${WORK:-/tmp/portier-congress}
days=${DAYS:-1 2 3}
ranks=${ROOM_RANKS:-1 6 12 30 60 90 120}
pgbin=${PORTIER_PG_BINDIR:-/usr/lib/postgresql/15/bin}
tmp=$(mktemp -d /tmp/portier-pull-day-XXXXXX)
pg_up=0 sync_pid=''
# shellcheck source=bench/pg_lib.sh
source "$here/pg_lib.sh"
[[ -x $bin ]] || die "$bin not found (build first, or pass the build directory)"
for d in $days; do
    [[ -f $work/day$d.tsv ]] || die "no $work/day$d.tsv: run bench/congress.sh once (it draws the congress)"
done
cleanup() {
    [[ -n $sync_pid ]] && kill -9 "$sync_pid" 2>/dev/null
    ((pg_up)) && pg pg_ctl stop -D "$tmp/pg/data" -m immediate -w >/dev/null 2>&1
    wait 2>/dev/null
    [[ -n ${KEEP:-} ]] || rm -rf "$tmp"
}
trap cleanup EXIT

echo "== What a door pulls in a day, $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
pg_init
pg_start -c fsync=off -c shared_buffers=256MB
admin="host=$tmp/pg port=$port user=postgres dbname=postgres"
"$bin" central init "$admin" >/dev/null || die "central init failed"
"$bin" central publish "$work/ev" "$admin" >/dev/null || die "central publish failed"
cp -r "$work/kiosk" "$tmp/kiosk"
av=$(psql -XAtq "$admin" -c "SELECT max(version) FROM portier.attendees")

# The measured devices: an entrance kiosk, and the first door of the rooms at the ranks asked.
python3 - "$work/devices.csv" "$work/day1.tsv" "$ranks" >"$tmp/measured.txt" <<'PY'
import csv, sys
devices = list(csv.DictReader(open(sys.argv[1])))
people = {}
for line in open(sys.argv[2]):
    p = line.rstrip("\n").split("\t")
    people.setdefault(p[3], set()).add(p[6])
rooms = sorted((r for r in people if r != "entrance"), key=lambda r: (-len(people[r]), r))
print(next(d["device"] for d in devices if d["room"] == "entrance"), "entrance", "all", 0)
for k in map(int, sys.argv[3].split()):
    if 1 <= k <= len(rooms):
        room = rooms[k - 1]
        door = next(d["device"] for d in devices if d["room"] == room)
        print(door, room, "rooms", k)
PY

# Loads day $1 of the plan into portier.scans, each device numbering its scans after the ones
# it already has there; the measured device's own ($2) under its log's epoch ($3), as its
# daemon would have pushed them.
load_day() {
    psql -XAtq -v ON_ERROR_STOP=1 "$admin" >/dev/null <<SQL
CREATE TEMP TABLE plan (ms bigint, iso text, device text, room text, session text, mode text,
                        attendee text, result text);
\copy plan FROM '$work/day$1.tsv'
INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id, clock_synced,
                           clock_given, room, session, attendee, mode, kind, result, reason)
SELECT p.device, e.epoch, coalesce(h.seq, 0) + row_number() OVER (PARTITION BY p.device ORDER BY p.ms),
       p.ms, p.ms * 1000000, 'congress-boot', false, true, p.room, p.session, p.attendee,
       p.mode, 'badge', p.result, 'ok'
FROM plan AS p
CROSS JOIN LATERAL (SELECT CASE WHEN p.device = '$2' THEN $3 ELSE 1 END AS epoch) AS e
LEFT JOIN portier.scan_heads AS h ON h.device_id = p.device AND h.db_epoch = e.epoch;
SQL
}

# Bytes the server has sent on its one established connection (the daemon's).
bytes_sent() {
    ss -tniH state established "( sport = :$port )" |
        awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^bytes_acked:/) { split($i, a, ":"); s += a[2] } } END { print s + 0 }'
}

# True when the daemon's cursors (its log's sync.pull) have reached every other head.
caught_up() {
    local dev=$1 epoch=$2 db=$3 heads cur
    heads=$(psql -XAtq "$admin" -F ' ' -c "SELECT device_id, db_epoch, seq FROM portier.scan_heads
        WHERE NOT (device_id = '$dev' AND db_epoch = $epoch) ORDER BY 1, 2")
    cur=$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'sync.pull'" 2>/dev/null | sort | grep . || true)
    [[ "$heads" == "$cur" ]]
}

day_list=($days)
declare -A result
scans_day=()
for d in "${day_list[@]}"; do
    scans_day+=("$(wc -l <"$work/day$d.tsv")")
done
while read -r dev room pull rank; do
    psql -XAtq "$admin" -c "TRUNCATE portier.scans, portier.scan_heads" >/dev/null
    "$bin" central add-device "$admin" "$dev" --room "$room" --password --host 127.0.0.1 \
        --port "$port" 2>/dev/null | tail -n 1 >"$tmp/$dev.login" ||
        die "central add-device $dev failed"
    db=$tmp/$dev.db
    rm -f "$db"*
    # A kiosk that pulled the model before the doors opened.
    "$build/bench/bench_congress" fill "$db" "$dev" /dev/null >/dev/null
    epoch=$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'db_epoch'")
    sqlite3 "$db" "INSERT OR REPLACE INTO meta VALUES ('sync.attendees_version', '$av')"
    "$bin" sync "$tmp/kiosk" --device "$dev" --db "$db" --central "$(cat "$tmp/$dev.login")" \
        --poll-interval 3600000 --pull "$pull" 2>"$tmp/$dev.log" &
    sync_pid=$!
    sleep 2
    before=$(bytes_sent)
    line="$dev ($room${rank:+, rank $rank}, --pull $pull):"
    i=0
    for d in "${day_list[@]}"; do
        t0=$(date +%s.%N)
        load_day "$d" "$dev" "$epoch"
        # A room door listens on its room's channel, and the load's notifications there name
        # the door itself when it is the room's only door (its own push wakes nobody): wake it
        # as another door's push would.
        psql -XAtq "$admin" -c "SELECT pg_notify('portier_room_' || md5('$room'), 'bench')" >/dev/null
        # The load's notifications wake the daemon; wait until it holds the day.
        until caught_up "$dev" "$epoch" "$db"; do
            kill -0 "$sync_pid" 2>/dev/null || die "the daemon of $dev stopped (see $tmp/$dev.log)"
            sleep 1
        done
        t1=$(date +%s.%N)
        now=$(bytes_sent)
        held=$(sqlite3 "$db" "SELECT count(*) FROM scans")
        line+=$(printf ' day %s: %s B (%.0f B/scan of the day), %s scans held, caught up in %.0f s;' \
            "$d" "$((now - before))" "$(echo "($now - $before) / ${scans_day[$i]}" | bc -l)" "$held" \
            "$(echo "$t1 - $t0" | bc -l)")
        result[$dev,$d]=$((now - before))
        before=$now
        i=$((i + 1))
    done
    kill "$sync_pid"
    wait "$sync_pid" 2>/dev/null || true
    sync_pid=''
    echo "$line"
    echo "$dev $room $pull ${rank:-0} $(for d in "${day_list[@]}"; do printf '%s ' "${result[$dev,$d]}"; done)" >>"$tmp/figures.txt"
done <"$tmp/measured.txt"

echo "== Per day, as a share of what a kiosk pulling everything took that day"
python3 - "$tmp/figures.txt" "${day_list[*]}" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
days = sys.argv[2].split()
ref = next(r for r in rows if r[2] == "all")
for r in rows:
    if r[2] == "all":
        print("  %-12s entrance, --pull all: %s" % (r[0], ", ".join(
            "day %s %.1f MB" % (d, int(b) / 1e6) for d, b in zip(days, r[4:]))))
        continue
    shares = ["day %s %.1f %%" % (d, 100.0 * int(b) / max(1, int(a)))
              for d, b, a in zip(days, r[4:], ref[4:])]
    print("  %-12s %-8s room rank %3s: %s" % (r[0], r[1], r[3], ", ".join(shares)))
PY
