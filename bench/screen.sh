#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The kiosk with its screen, as at a door: the synthetic camera at 15 frames per second shows
# the badges of a generated event, the decode thread reads them, the screen draws (offscreen
# driver, software renderer). Prints the frame time (median, p99, worst) with decoding running
# and the scan-to-pixels latency (frame handed to the decoder -> answer screen drawn).
# usage: bench/screen.sh [FRAMES] [BUILD_DIR]     (default 900 frames = 1 minute at 15 fps)
set -euo pipefail
frames=${1:-900}
build=${2:-$(cd "$(dirname "$0")/.." && pwd)/build}
bin=$build/portier
tmp=$(mktemp -d /tmp/portier-bench-screen-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$bin" demo --dir "$tmp" --attendees 100 --no-kiosk >/dev/null
for size in 800x480 1920x1080; do
    SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy \
        "$bin" kiosk "$tmp/kiosk" --offscreen --size "$size" --mute --device bench --room room-2.14 \
        --db "$tmp/scans-$size.db" --camera synth:fps=15,loop \
        --synth-tokens "$tmp/badges/tokens.csv" --frames "$frames" \
        --clock 2026-04-23T10:35:00+02:00 2>&1 >/dev/null | sed -n "s/^portier: kiosk: screen: /$size: /p"
done
