#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The real headless kiosk at congress scale (issue 18): start to ready, RSS, and the latency of
each decision, one scan at a time.

    kiosk_bench.py PORTIER KIOSK_DIR DB DEVICE ROOM MODE REPLAY [--limit N]

Starts `PORTIER kiosk KIOSK_DIR --headless --scanner stdin --camera none` on the scan log DB
(which may already hold other devices' scans: bench_congress fill), with NOTIFY_SOCKET set:
"ready" is the READY=1 the kiosk sends (sdnotify) once its model is loaded and its log folded.
Then writes REPLAY's lines (TIMESTAMP<TAB>TOKEN) one by one and times each until its JSON
decision line is back (decide + durable commit + print). A line that repeats the previous
token within 4 s of replay time is skipped (the kiosk ignores such repeats: no line). Prints
the figures; CPU time is the child's (getrusage), RSS from /proc (VmHWM: peak). With --kill the
kiosk is ended by SIGKILL after the last decision instead of by the end of its input: a crash,
which leaves the log's WAL behind and no clean-close marker, for the next start to measure.
"""
import argparse
import datetime
import json
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def pct(v, q):
    return v[min(len(v) - 1, int((len(v) - 1) * q))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    for a in ("portier", "kiosk_dir", "db", "device", "room", "mode", "replay"):
        ap.add_argument(a)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--kill", action="store_true", help="end the kiosk by SIGKILL (a crash)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="portier-kbench-")
    sock_path = os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path)
    cmd = ["nice", "-n", "10", a.portier, "kiosk", a.kiosk_dir, "--headless", "--device",
           a.device, "--room", a.room, "--mode", a.mode, "--scanner", "stdin", "--camera", "none",
           "--db", a.db]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, bufsize=0)
    ready = None
    while ready is None:
        r, _, _ = select.select([sock], [], [], 60)
        if not r:
            sys.exit("kiosk_bench: no READY=1 within 60 s")
        if b"READY=1" in sock.recv(4096):
            ready = time.monotonic() - t0
    rss_ready = status_kb(p.pid, "VmRSS")
    with open("/proc/%d/stat" % p.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu_ready = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    lines = []
    last = {}
    with open(a.replay, encoding="utf-8") as f:
        for line in f:
            ts, tok = line.rstrip("\n").split("\t")
            t = datetime.datetime.fromisoformat(ts).timestamp()
            if tok in last and t - last[tok] < 4:
                continue
            last[tok] = t
            lines.append(line.encode())
            if a.limit and len(lines) >= a.limit:
                break
    lat = []
    results = {}
    buf = b""
    ended = 0
    for line in lines:
        s = time.monotonic()
        p.stdin.write(line)
        out = None
        while out is None:
            while b"\n" not in buf:
                r, _, _ = select.select([p.stdout], [], [], 30)
                if not r:
                    sys.exit("kiosk_bench: no decision within 30 s for %r" % line[:40])
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    sys.exit("kiosk_bench: the kiosk ended")
                buf += chunk
            first, buf = buf.split(b"\n", 1)
            # The exits a session's end implies come first, unasked: not this scan's answer.
            if b'"kind":"session_end"' in first:
                ended += 1
            else:
                out = first
        lat.append((time.monotonic() - s) * 1000)
        d = json.loads(out)
        k = "%s/%s" % (d.get("result"), d.get("reason"))
        results[k] = results.get(k, 0) + 1
    hwm = status_kb(p.pid, "VmHWM")
    if a.kill:
        p.kill()
    p.stdin.close()
    while os.read(p.stdout.fileno(), 65536):
        pass
    p.wait()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    lat.sort()
    print("kiosk %s (%s, %s): start to ready %.3f s wall (%.2f s CPU), RSS at ready %.1f MB, "
          "peak RSS %.1f MB" % (a.device, a.room, a.mode, ready, cpu_ready, rss_ready / 1024,
                                hwm / 1024))
    if lat:
        print("  decisions: n=%d p50 %.2f ms, p99 %.2f ms, max %.2f ms (write line -> JSON line, "
              "incl. durable commit)" % (len(lat), pct(lat, 0.5), pct(lat, 0.99), lat[-1]))
        print("  results: %s; %d session-end exits" % (
            ", ".join("%s %d" % kv for kv in sorted(results.items())), ended))
    print("  kiosk CPU: %.2f s user + %.2f s sys, %s"
          % (ru.ru_utime, ru.ru_stime, "killed (SIGKILL)" if p.returncode == -signal.SIGKILL
             else "exit %d" % p.returncode))
    os.unlink(sock_path)
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
