#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 13's side-by-side decode benchmark on the independent test set: Portier's pipeline,
# plain zbar on the full frame and ZXing-C++ (npm zxing-wasm under node), on frames drawn by
# bench/frames/gen_frames.py (segno / python3-qrcode, degraded as a door camera does).
#   bench/decode_independent.sh [BUILD_DIR [FRAMES_DIR]]
# FRAMES_DIR (default BUILD_DIR/frames) keeps the generated sets; each is made once (delete it
# to regenerate). Results and tables go to FRAMES_DIR/results/. Environment:
#   RES="640x480 1280x720 1920x1080"  sets to measure (1080p: 2 sequences per cell, else 3)
#   COST_RES="640x480 1280x720"       sets whose instructions are counted under callgrind
#   CG_EVERY=5                        callgrind: every 5th badge sequence / zbar frame only
#   RSS_FRAMES=100000                 frames for the RSS growth (0: skip)
#   RSS_SET=640x480                   set cycled through for it (door: the door minute, cheaper)
#   SKIP_ZXING=1, SKIP_COST=1         leave out the anchor, or the instruction counts
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
frames=${2:-$build/frames}
res_list=${RES:-640x480 1280x720 1920x1080}
cost_res=${COST_RES:-640x480 1280x720}
every=${CG_EVERY:-5}
rss_frames=${RSS_FRAMES:-100000}
bin=$build/bench/bench_independent
py=/usr/bin/python3
die() { echo "decode_independent.sh: $*" >&2; exit 1; }

[[ -x $bin ]] || die "$bin not found: configure with BUILD_TESTING (the default) and build"
$py -c 'import segno, qrcode, numpy, cv2' 2>/dev/null ||
    die "python3-segno python3-qrcode python3-numpy python3-opencv needed (scripts/setup.sh)"
if [[ -z ${SKIP_ZXING:-} ]]; then
    command -v node >/dev/null || die "node not found: apt-get install nodejs (or SKIP_ZXING=1)"
    if [[ ! -d $here/zxing/node_modules/zxing-wasm ]]; then
        command -v npm >/dev/null || die "npm not found: apt-get install npm (or SKIP_ZXING=1)"
        (cd "$here/zxing" && npm ci --no-audit --no-fund >&2)
    fi
fi
[[ -n ${SKIP_COST:-} ]] || command -v valgrind >/dev/null || die "valgrind not installed"
mkdir -p "$frames/results"
out=$frames/results

# Makes the sets that are missing, in parallel.
pids=()
for res in $res_list; do
    [[ -f $frames/$res/manifest.csv ]] && continue
    reps=3
    [[ $res == 1920x1080 ]] && reps=2
    echo "decode_independent.sh: drawing the $res set (minutes)" >&2
    $py "$here/frames/gen_frames.py" "$frames" --res "$res" --reps "$reps" &
    pids+=($!)
done
if [[ ! -f $frames/door/manifest.csv ]]; then
    $py "$here/frames/gen_frames.py" "$frames" --res "" --door-minute &
    pids+=($!)
fi
for p in "${pids[@]}"; do wait "$p" || die "gen_frames.py failed"; done

# Success: Portier and zbar, then ZXing-C++, then the tables.
decode_set() { # NAME [--continuous]
    local set=$1 r=$out/$1
    mkdir -p "$r"
    "$bin" decode "$frames/$set/manifest.csv" ${2:-} >"$r/portier.csv" 2>"$r/portier.err" ||
        { cat "$r/portier.err" >&2; die "bench_independent failed on $set"; }
    if [[ -z ${SKIP_ZXING:-} ]]; then
        node "$here/zxing/zxing_run.mjs" "$frames/$set/manifest.csv" >"$r/zxing.jsonl"
    else # the anchor left out: an empty result for every frame
        awk -F, 'NR > 1 { printf "{\"file\":\"%s\",\"n\":0,\"text\":null}\n", $1 }' \
            "$frames/$set/manifest.csv" >"$r/zxing.jsonl"
    fi
}
for res in $res_list; do
    decode_set "$res"
    $py "$here/frames/report.py" "$frames/$res/manifest.csv" "$out/$res/portier.csv" \
        "$out/$res/zxing.jsonl" | tee "$out/$res/report.txt"
done
decode_set door --continuous
$py "$here/frames/report.py" "$frames/door/manifest.csv" "$out/door/portier.csv" \
    "$out/door/zxing.jsonl" --door | tee "$out/door/report.txt"

# Instructions per frame under callgrind, counting only the function `measured`.
count() { # MANIFEST KIND PIPELINE EVERY -> "instructions frames"
    local cg=$out/cg.out
    valgrind --tool=callgrind --toggle-collect=measured --callgrind-out-file="$cg" \
        "$bin" cost "$1" "$2" "$3" "$4" >"$out/cg.txt" 2>"$out/cg.err" ||
        { cat "$out/cg.err" >&2; die "callgrind run failed: $*"; }
    echo "$(awk '/^summary:/ {print $2}' "$cg") $(awk '{print $1}' "$out/cg.txt")"
}
cost_row() { # LABEL MANIFEST KIND TARGET PORTIER_EVERY ZBAR_EVERY
    local p z
    p=$(count "$2" "$3" portier "$5")
    z=$(count "$2" "$3" zbar "$6")
    awk -v l="$1" -v p="$p" -v z="$z" -v t="$4" 'BEGIN {
        split(p, a, " "); split(z, b, " "); pf = a[1] / a[2]; zf = b[1] / b[2]
        printf "%-22s %14.0f %14.0f %8.1f%%   %s\n", l, pf, zf, 100 * pf / zf, t }'
}
if [[ -z ${SKIP_COST:-} ]]; then
    {
        printf '%-22s %14s %14s %9s   %s\n' "instructions/frame" portier "plain zbar" ratio target
        for res in $cost_res; do
            m=$frames/$res/manifest.csv
            cost_row "$res idle" "$m" idle "<= 2%" 1 1
            cost_row "$res busy, no code" "$m" busy "<= 15%" 1 1
            cost_row "$res badge" "$m" badge "<= 35%" "$every" "$every"
        done
        cost_row "door minute 640x480" "$frames/door/manifest.csv" all "<= 10%" 1 "$((every * 2))"
    } | tee "$out/cost.txt"
    rm -f "$out/cg.out" "$out/cg.txt" "$out/cg.err"
fi

if ((rss_frames > 0)); then
    rss_set=${RSS_SET:-${res_list%% *}}
    "$bin" rss "$frames/$rss_set/manifest.csv" "$rss_frames" | tee "$out/rss.txt"
fi
