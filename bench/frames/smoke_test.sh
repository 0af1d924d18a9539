#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest smoke test of the independent decode set (bench/frames/gen_frames.py): a few 640x480
# frames of 8-pixel modules, clean, rotated and tilted, must each be read by plain zbar
# (zbarimg, QR only) with the manifest's payload: the set is drawn right and its manifest true.
#   smoke_test.sh   (needs python3-segno python3-qrcode python3-numpy python3-opencv, zbar-tools)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/gen_frames.py" "$tmp" --res 640x480 --reps 2 --nocode 0 --modules 8 \
    --classes clean,rotate --seed 7 2>/dev/null
m=$tmp/640x480/manifest.csv
n=0
while IFS=, read -r file _res _m cls expected _seq _idx _scene; do
    got=$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$tmp/640x480/$file" 2>/dev/null || true)
    if [[ $got != "$expected" ]]; then
        echo "smoke_test.sh: $m: $file ($cls): zbar read '${got:0:40}', expected '${expected:0:40}...'" >&2
        exit 1
    fi
    n=$((n + 1))
done < <(tail -n +2 "$m")
((n == 12)) || { echo "smoke_test.sh: $m: $n frames, expected 12" >&2; exit 1; }
echo "smoke_test.sh: plain zbar read all $n frames"
