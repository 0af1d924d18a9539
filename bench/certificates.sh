#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# portier certificates at scale (issue 17): an event of N attendees (default 5000) in one hall
# with four sessions carrying credits, a day of scans replayed through a real headless kiosk
# (everyone enters each session at a random minute of its first quarter and stays, so everyone
# is certified for every session), then `portier certificates --db` timed with /usr/bin/time:
# wall seconds, CPU (user + system, workers included) a certificate and peak RSS. Prints one
# line of figures and checks the number of PDFs.
#
#     bench/certificates.sh [BUILD_DIR [N]]      (KEEP=DIR keeps the files)
set -euo pipefail
build=${1:-build}
n=${2:-5000}
bin=$(cd "$build" && pwd)/portier
dir=${KEEP:-$(mktemp -d /tmp/portier-bench-certs-XXXXXX)}
mkdir -p "$dir"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$dir"' EXIT
cd "$dir"
rm -rf ev b-hall certs hall.db* badges

day=2025-03-14
printf 'id,name,capacity\nhall,Great Hall,%d\n' $((n + 100)) >rooms.csv
{
    echo "id,room,title,start,end,credits"
    echo "s1,hall,Opening keynote,${day}T09:00:00+01:00,${day}T10:00:00+01:00,1"
    echo "s2,hall,Wound care in practice,${day}T10:30:00+01:00,${day}T12:00:00+01:00,1.5"
    echo "s3,hall,Ethics at the bedside,${day}T13:00:00+01:00,${day}T14:30:00+01:00,1.5"
    echo "s4,hall,Closing panel,${day}T15:00:00+01:00,${day}T16:00:00+01:00,0.5"
} >sessions.csv
awk -v n="$n" 'BEGIN {
    split("nl fr en", lang, " ")
    print "id,name,organisation,email,language,category,sessions"
    for (i = 1; i <= n; i++)
        printf "A%05d,Attendee %d Dieudonné,Hospital %d,,%s,attendee,s1;s2;s3;s4\n", i, i, i % 97, lang[i % 3 + 1]
}' >attendees.csv
"$bin" init ev --name "Care Symposium" --timezone Europe/Brussels --rooms rooms.csv \
    --sessions sessions.csv --attendees attendees.csv >/dev/null
"$bin" badges ev --out badges --format csv >/dev/null
"$bin" bundle ev --out b-hall >/dev/null
# Toggle mode: one scan in at each session (UTC times), one out after its end would be a
# second toggle; the session's end lets everyone out, so entering the next session is a new
# admission.
awk -F, -v day="$day" 'NR > 1 {
    srand(NR)
    split("08 09 12 14", h, " "); split("00 30 00 00", m, " ")
    for (s = 1; s <= 4; s++)
        printf "%s\t%s\n", sprintf("%sT%s:%02d:%02dZ", day, h[s], m[s] + int(rand() * 10), int(rand() * 60)), $3
}' badges/tokens.csv | sort >hall.replay
"$bin" kiosk b-hall --device hall --room hall --mode entry --db hall.db --camera none \
    --scanner stdin --headless <hall.replay >hall.out 2>hall.err
/usr/bin/time -f '%e %M %U %S' -o time.txt "$bin" certificates --db hall.db --event ev --out certs \
    >certs.out
read -r secs rss_kb user sys <time.txt
pdfs=$(find certs -name '*.pdf' | wc -l)
printf '%d attendees, %d scans: %d certificates in %.1f s (CPU %.1f s user, %.1f s system, %.2f ms a certificate), peak RSS %.1f MB, %s on disk\n' \
    "$n" "$(wc -l <hall.replay)" "$pdfs" "$secs" "$user" "$sys" \
    "$(echo "($user + $sys) * 1000 / $n" | bc -l)" "$(echo "$rss_kb / 1024" | bc -l)" \
    "$(du -sh certs | cut -f1)"
[[ $pdfs -eq $n ]] || { echo "FAIL: $pdfs certificates, expected $n" >&2; exit 1; }
