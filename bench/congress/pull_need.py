#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""What each kiosk pulls in one day of the plan (bench/congress/gen.py), today and if the pull
were filtered to what its decisions depend on (issue 18; docs/scale.md).

    pull_need.py OUT_DIR DAY_TSV

Today (sync/sync_pull.c) every kiosk pulls every other kiosk's scan. A room door's count
depends on the scans into its room and, for each person it has counted, their later scans
anywhere (an entry elsewhere is an implicit exit); an entrance kiosk's on the entrance scans.
Counts scans, not bytes (bench_congress central prints the bytes per scan on the wire).
"""
import bisect
import csv
import os
import statistics
import sys


def main():
    out, day = sys.argv[1], sys.argv[2]
    devices = {}
    with open(os.path.join(out, "devices.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            devices[r["device"]] = r["room"]
    times = {}  # attendee -> sorted scan times
    first_in = {}  # room -> {attendee: first scan time in the room}
    own = {}
    total = 0
    with open(day, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            ms, dev, room, att = int(p[0]), p[2], p[3], p[6]
            total += 1
            own[dev] = own.get(dev, 0) + 1
            times.setdefault(att, []).append(ms)
            fr = first_in.setdefault(room, {})
            if att not in fr:
                fr[att] = ms
    need = {}
    for room, fr in first_in.items():
        if room == "entrance":
            continue
        need[room] = sum(len(times[a]) - bisect.bisect_left(times[a], t) for a, t in fr.items())
    entrance = sum(own.get(d, 0) for d, r in devices.items() if r == "entrance")
    today = [100.0 * (total - own.get(d, 0)) / total for d in devices]
    doors = [100.0 * (need.get(r, 0) - own.get(d, 0)) / total
             for d, r in devices.items() if r != "entrance"]
    ents = [100.0 * (entrance - own.get(d, 0)) / total
            for d, r in devices.items() if r == "entrance"]
    print("  day: %d scans by %d kiosks" % (total, len(devices)))
    print("  today: every kiosk pulls %.1f-%.1f %% of the day's scans (all but its own)"
          % (min(today), max(today)))
    print("  filtered, room doors (its room's scans + later scans of the people it counted): "
          "median %.1f %%, max %.1f %% of the day" % (statistics.median(doors), max(doors)))
    print("  filtered, entrance kiosks (entrance scans): %.1f %% of the day" % statistics.median(ents))


if __name__ == "__main__":
    main()
