#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# MJPEG frame to decoded luma, the v4l2: camera's cost per frame with an MJPEG webcam.
#   bench/mjpeg.sh [COUNT] [BUILD_DIR]
# Draws COUNT (default 120) frames per size, 1280x720 and 1920x1080, with tools independent of
# Portier (bench/make_mjpeg_frames.py: numpy, segno, Pillow; webcam qualities 50-85, 4:2:2 and
# 4:2:0), then runs bench_mjpeg on them: 5 timed rounds, so 600 decodes per size by default.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
count=${1:-120}
build=${2:-$here/../build}
bin=$build/bench/bench_mjpeg
if [[ ! -x $bin ]]; then
    echo "mjpeg.sh: $bin not found (build first, or pass the build directory)" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_mjpeg_frames.py" "$tmp" "$count"
"$bin" "$tmp/1280x720" "$tmp/1920x1080"
