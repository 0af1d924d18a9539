# SPDX-License-Identifier: Apache-2.0
# The real portier kiosk, headless, on a camera faked at the ioctl level: libfake_v4l2.so
# (tests/device/fake_v4l2.c) preloaded, serving a real badge drawn by segno and Pillow in MJPEG,
# NV12 and YUYV. The badge must come out as the attendee's admission, and an unplugged camera
# must neither crash the kiosk nor stop it.
set -euo pipefail
: "${PORTIER_BIN:?}" "${PORTIER_TEST_DATA:?}" "${PORTIER_FAKE_V4L2:?}" "${PORTIER_CAMERA_SCRIPT:?}"
tmp=$(mktemp -d /tmp/portier-v4l2-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

# Under AddressSanitizer its runtime must come first in the preload list.
preload=$PORTIER_FAKE_V4L2
asan=$(ldd "$PORTIER_BIN" | awk '/libasan/ {print $3}')
[[ -z $asan ]] || preload="$asan $preload"

cd "$tmp"
"$PORTIER_BIN" init ev --name Test --timezone Europe/Brussels \
    --rooms "$PORTIER_TEST_DATA/event/rooms.csv" --sessions "$PORTIER_TEST_DATA/event/sessions.csv" \
    --attendees "$PORTIER_TEST_DATA/event/attendees.csv" >/dev/null
"$PORTIER_BIN" badges ev --out badges --format csv >/dev/null
"$PORTIER_BIN" bundle ev --out kiosk >/dev/null
line=$(sed -n 2p badges/tokens.csv)
id=${line%%,*}
token=$(cut -d, -f3 <<<"$line" | tr -d '\r')
/usr/bin/python3 "$PORTIER_CAMERA_SCRIPT" frames "$token"

# Runs the kiosk on the fake camera (env: FAKE_V4L2_*) for N frames; prints its decisions.
kiosk() {
    LD_PRELOAD=$preload "$PORTIER_BIN" kiosk kiosk --headless --device door-cam --room entrance \
        --mode entry --camera v4l2:/dev/video0@640x480 --scanner none --db "$1.db" \
        --clock 2024-04-22T08:30:00+02:00 --frames "$2" 2>"$1.log"
}

f=$tmp/frames
for spec in "MJPG:empty.mjpg:vga.mjpg" "NV12:empty.grey:vga.nv12" "YUYV:empty.grey:vga.yuyv"; do
    IFS=: read -r fourcc empty badge <<<"$spec"
    if [[ $fourcc != MJPG ]]; then # raw: the empty scene in that format, from its grey frame
        /usr/bin/python3 - "$f/$empty" "$f/empty.$fourcc" "$fourcc" <<'PY'
import sys
grey = open(sys.argv[1], "rb").read()
fourcc = sys.argv[3]
if fourcc == "NV12":
    data = grey + bytes([128]) * (len(grey) // 2)
else:
    data = bytes(b for y in grey for b in (y, 128))
open(sys.argv[2], "wb").write(data)
PY
        empty=empty.$fourcc
    fi
    # Two empty frames, then the badge held for six. The live kiosk drops frames the decode
    # thread has no time for, but decodes the last one it handed over before it stops (at
    # --frames): a badge frame, so the test does not depend on the machine's speed.
    list="$f/$empty:$f/$empty"
    for _ in 1 2 3 4 5 6; do list="$list:$f/$badge"; done
    if ! out=$(export FAKE_V4L2_FORMATS="$fourcc@640x480" "FAKE_V4L2_FRAMES_$fourcc=$list" &&
        kiosk "$fourcc" 8); then
        fail "$fourcc: the kiosk failed: $(cat "$fourcc.log")"
    elif ! grep -q "\"attendee\":\"$id\".*\"result\":\"admitted\"" <<<"$out" ||
        grep -q '"reason":"invalid"' <<<"$out"; then
        fail "$fourcc: the badge of $id was not admitted: $out $(cat "$fourcc.log")"
    else
        echo "ok: $fourcc badge admitted"
    fi
    grep -q "camera /dev/video0: 640x480 $fourcc" "$fourcc.log" ||
        fail "$fourcc: the log does not say the format: $(cat "$fourcc.log")"
done

# Unplugged after 3 frames: the kiosk logs it and keeps running (retrying the camera) until
# SIGTERM, sent once the unplug is in its log. The log exists before the kiosk starts: else
# tail, started first on a busy machine, finds no file and the kiosk is stopped before it ran.
: >unplug.log
FAKE_V4L2_FORMATS="MJPG@640x480" FAKE_V4L2_FRAMES_MJPG="$f/empty.mjpg" FAKE_V4L2_UNPLUG_AFTER=3 \
    LD_PRELOAD=$preload "$PORTIER_BIN" kiosk kiosk --headless --device door-cam --room entrance \
    --mode entry --camera v4l2:/dev/video0 --scanner none --db unplug.db \
    --clock 2024-04-22T08:30:00+02:00 2>>unplug.log &
pid=$!
# Waits for the log line (the kiosk's own event), not for a time.
tail -n +1 -f --pid=$pid unplug.log | grep -q -m1 "capture failed: No such device" || true
if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" && echo "ok: unplug reported, kiosk still running, clean exit on SIGTERM" ||
        fail "unplug: the kiosk exited with $? on SIGTERM: $(cat unplug.log)"
else
    wait "$pid" || true
    fail "unplug: the kiosk died: $(cat unplug.log)"
fi
grep -q "capture failed: No such device; retrying" unplug.log || fail "unplug not logged"
exit $failed
