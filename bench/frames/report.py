#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Success tables of bench/decode_independent.sh for one set of bench/frames/gen_frames.py.

    bench/frames/report.py MANIFEST PORTIER_CSV ZXING_JSONL [--door]

PORTIER_CSV: `bench_independent decode` output (Portier's pipeline and plain zbar);
ZXING_JSONL: bench/zxing/zxing_run.mjs output. Prints success per module size and per
degradation class, for single frames (every badge frame alone) and within 3 consecutive frames
(a badge held in view: read in any frame of its sequence; Portier: one pipeline fed the
sequence), and the wrong payloads. --door: per badge event of the door minute instead.
"""
import csv
import json
import os
import sys
from collections import defaultdict

DECODERS = ("portier", "zbar", "zxing")


def fail(msg):
    sys.exit(f"report.py: {msg}")


def load(manifest, portier_csv, zxing_jsonl):
    """Rows of the manifest, each with verdicts: single[dec], seq[dec] in ok|miss|wrong|none."""
    with open(manifest, newline="") as f:
        rows = list(csv.DictReader(f))
    with open(portier_csv, newline="") as f:
        pc = {r["file"]: r for r in csv.DictReader(f)}
    zx = {}
    with open(zxing_jsonl) as f:
        for lineno, line in enumerate(f, 1):
            try:
                j = json.loads(line)
            except ValueError:
                fail(f"{zxing_jsonl}:{lineno}: not a JSON line (rerun bench/zxing/zxing_run.mjs)")
            zx[os.path.basename(j["file"])] = j
    for i, r in enumerate(rows, 2):
        name = os.path.basename(r["file"])
        if name not in pc or name not in zx:
            which = portier_csv if name not in pc else zxing_jsonl
            fail(f"{manifest}:{i}: no result for {name} in {which} (was it run on this set?)")
        p, z = pc[name], zx[name]
        if z["text"] is None:
            zv = "miss" if r["expected"] else "none"
        else:
            zv = "ok" if z["text"] == r["expected"] else "wrong"
        r["v_single"] = {"portier": p["portier_single"], "zbar": p["zbar"], "zxing": zv}
        r["v_seq"] = {"portier": p["portier_seq"], "zbar": p["zbar"], "zxing": zv}
    return rows


def pct(ok, n):
    return f"{100.0 * ok / n:5.1f}%" if n else "    - "


def table(title, groups):
    """groups: [(label, frames, sequences)] where frames/sequences are lists of rows."""
    print(f"{title:<10} {'frames':>6} {'portier':>7} {'zbar':>6} {'zxing':>6}  |"
          f" {'seqs':>5} {'portier':>7} {'zbar':>6} {'zxing':>6}")
    for label, frames, seqs in groups:
        single = [sum(r["v_single"][d] == "ok" for r in frames) for d in DECODERS]
        within = [sum(any(r["v_seq"][d] == "ok" for r in s) for s in seqs) for d in DECODERS]
        flag = " <zbar" if single[0] < single[1] else ""
        flag += " <zbar(3)" if within[0] < within[1] else ""
        print(f"{label:<10} {len(frames):>6} {pct(single[0], len(frames)):>7} "
              f"{pct(single[1], len(frames)):>6} {pct(single[2], len(frames)):>6}  | "
              f"{len(seqs):>5} {pct(within[0], len(seqs)):>7} {pct(within[1], len(seqs)):>6} "
              f"{pct(within[2], len(seqs)):>6}{flag}")


def report_set(rows):
    badges = [r for r in rows if r["expected"]]
    nocode = [r for r in rows if not r["expected"]]
    seqs = defaultdict(list)
    for r in badges:
        seqs[r["seq"]].append(r)
    res = rows[0]["resolution"] if rows else "?"
    print(f"== {res}: {len(badges)} badge frames in {len(seqs)} sequences, "
          f"{len(nocode)} frames without a code ==")

    def groups(key, values):
        out = []
        for v in values:
            fr = [r for r in badges if r[key] == v]
            out.append((v + (" px" if key == "module_px" else ""), fr,
                        [s for s in seqs.values() if s[0][key] == v]))
        return out

    mods = sorted({r["module_px"] for r in badges}, key=int)
    table("module", groups("module_px", mods) + [("all", badges, list(seqs.values()))])
    classes = list(dict.fromkeys(r["class"] for r in badges))
    table("class", groups("class", classes))
    wrong = {d: sum(r["v_single"][d] == "wrong" for r in rows) for d in DECODERS}
    wrong_seq = sum(r["v_seq"]["portier"] == "wrong" for r in rows)
    print(f"wrong payloads: portier {wrong['portier']} (single) {wrong_seq} (sequences), "
          f"zbar {wrong['zbar']}, zxing {wrong['zxing']}")
    print()


def report_door(rows):
    events = defaultdict(list)
    for r in rows:
        if int(r["seq"]) >= 0:
            events[r["seq"]].append(r)
    print(f"== door minute: {len(rows)} frames, {len(events)} badges shown ==")
    for d in DECODERS:
        read, lags = 0, []
        for ev in events.values():
            shown = [i for i, r in enumerate(ev) if r["expected"]]
            hits = [i for i, r in enumerate(ev) if r["v_seq"][d] == "ok"]
            if hits:
                read += 1
                lags.append(hits[0] - shown[0] if shown else 0)
        wrong = sum(r["v_seq"][d] == "wrong" for r in rows)
        lag = f"{sorted(lags)[len(lags) // 2]} frames" if lags else "-"
        print(f"{d:<8} badges read {read}/{len(events)}, median frames from the whole code in "
              f"view to its first read {lag}, wrong payloads {wrong}")
    print()


def main(argv):
    args = [a for a in argv if a != "--door"]
    if len(args) != 3:
        fail("usage: report.py MANIFEST PORTIER_CSV ZXING_JSONL [--door]")
    rows = load(*args)
    (report_door if "--door" in argv else report_set)(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
