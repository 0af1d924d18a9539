#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A congress for Portier's scale benchmark (issue 18), independent of src/app/demo*.c.

    gen.py model OUT_DIR [--attendees N] [--rooms N] [--days N] [--seed S]
        rooms.csv, sessions.csv, attendees.csv (Portier's import formats) and devices.csv
        (device id, room, mode: 40 entrance kiosks and one or more doors per room).
    gen.py scans OUT_DIR [--scans-per-day N] [--peak N] [--seed S]
        day1.tsv .. dayN.tsv from the model in OUT_DIR: one planned scan per line, in time
        order: ms, ISO time, device, room, session, mode, attendee, result. The morning peak
        puts PEAK entrance scans in the 45 minutes from 08:00.
    gen.py devices OUT_DIR --kiosks N
        devices-N.csv: the 250 of devices.csv and N - 250 more doors on the large rooms (more
        doors, the same people: the plans name only the first 250).
    gen.py replay OUT_DIR DAY_TSV TOKENS_CSV [--device ID] [--limit N]
        TIMESTAMP<TAB>TOKEN lines for `portier kiosk --scanner stdin` (one device's, or all).

Only the Python 3 standard library. Deterministic for a seed.
"""
import argparse
import csv
import datetime
import os
import random
import sys

TZ = datetime.timezone(datetime.timedelta(hours=1))  # Europe/Vienna in March (CET)
FIRST_DAY = datetime.date(2026, 3, 17)  # in the past: scans are not "ahead"
SLOTS = [((9, 0), (10, 30)), ((11, 0), (12, 30)), ((14, 0), (15, 30)), ((16, 0), (17, 30))]

GIVEN = {
    "nl": ["Anneke", "Joost", "Sanne", "Pieter", "Lieke", "Bram", "Femke", "Wouter", "Maaike",
           "Thijs", "Ilse", "Jeroen", "Griet", "Koen"],
    "fr": ["Françoise", "Stéphane", "Hélène", "Benoît", "Anaïs", "Jérôme", "Gaëlle", "Loïc",
           "Élodie", "Rémi", "Cécile", "Noël"],
    "de": ["Jürgen", "Dörte", "Björn", "Käthe", "Günther", "Ulrike", "Maximilian", "Grete"],
    "pl": ["Łukasz", "Małgorzata", "Zbigniew", "Agnieszka", "Wojciech", "Katarzyna"],
    "tr": ["Çağrı", "Gülşen", "Oğuz", "Şebnem", "İlkay", "Ayşe"],
    "vi": ["Ngọc Anh", "Thị Hương", "Văn Đức", "Minh Tuấn", "Bảo Châu"],
    "ar": ["محمد", "فاطمة", "يوسف", "ليلى", "عمر"],
    "el": ["Αλέξανδρος", "Ελένη", "Γιώργος", "Σοφία"],
    "zh": ["伟", "芳", "娜", "强", "静"],
    "ja": ["さくら", "健太", "陽子", "翔"],
    "ru": ["Наталья", "Дмитрий", "Ольга", "Сергей"],
    "es": ["José", "María Jesús", "Iñaki", "Begoña", "Ramón"],
}
FAMILY = {
    "nl": ["de Vries", "Janssens", "Peeters", "van den Berg", "Maes", "Willems", "Bakker"],
    "fr": ["Dieudonné", "Lefèvre", "Moreau", "Gérard", "Lemaître", "Fontaine"],
    "de": ["Müller", "Schröder", "Weiß", "Köhler", "Groß", "Bäcker"],
    "pl": ["Wiśniewski", "Wójcik", "Kamińska", "Dąbrowski", "Zieliński"],
    "tr": ["Çelik", "Yılmaz", "Öztürk", "Şahin", "Doğan"],
    "vi": ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"],
    "ar": ["العلي", "حداد", "منصور", "الخطيب"],
    "el": ["Παπαδόπουλος", "Οικονόμου", "Γεωργίου"],
    "zh": ["王", "李", "张", "刘", "陈"],
    "ja": ["佐藤", "鈴木", "高橋", "田中"],
    "ru": ["Иванова", "Смирнов", "Кузнецова", "Попов"],
    "es": ["García", "Fernández", "Núñez", "Muñoz", "Peña"],
}
ORG_STEMS = ["Universitair Ziekenhuis", "Hôpital", "Klinikum", "Szpital", "Hastanesi",
             "Bệnh viện", "Hospital", "Instituut", "Institut", "Medical Centre", "Fakultät"]
ORG_PLACES = ["Gent", "Liège", "Köln", "Kraków", "İzmir", "Hà Nội", "Sevilla", "Leuven",
              "Lyon", "Graz", "Θεσσαλονίκη", "Wrocław", "Utrecht", "Namur", "Zürich"]
TOPICS = ["Cardiology", "Oncology", "Neurology", "Paediatrics", "Imaging", "Infectious diseases",
          "Nephrology", "Primary care", "Surgery", "Anaesthesia", "Rheumatology", "Dermatology"]


def iso(dt):
    return dt.isoformat(timespec="seconds")


def day_at(day, hm):
    d = FIRST_DAY + datetime.timedelta(days=day)
    return datetime.datetime(d.year, d.month, d.day, hm[0], hm[1], tzinfo=TZ)


def gen_model(a):
    rnd = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    rooms = []
    for i in range(a.rooms):
        if i == 0:
            cap = 3000
        elif i < 6:
            cap = rnd.choice([800, 1000, 1200])
        elif i < 30:
            cap = rnd.choice([300, 400, 500])
        else:
            cap = rnd.choice([60, 80, 100, 120, 150, 200])
        rooms.append(("plenary" if i == 0 else "r%03d" % i, cap))
    with open(os.path.join(a.out, "rooms.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "capacity"])
        for rid, cap in rooms:
            name = "Plenary hall" if rid == "plenary" else "Room %s (%s)" % (rid[1:], rnd.choice(TOPICS))
            w.writerow([rid, name, cap])
    sessions = []
    with open(os.path.join(a.out, "sessions.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "room", "title", "start", "end"])
        for day in range(a.days):
            for rid, cap in rooms:
                for si, (s, e) in enumerate(SLOTS):
                    sid = "d%d-%s-%d" % (day + 1, rid, si)
                    sessions.append((sid, rid, cap, day, si))
                    w.writerow([sid, rid, "%s — session %d" % (rnd.choice(TOPICS), si + 1),
                                iso(day_at(day, s)), iso(day_at(day, e))])
    # Registrations: each attendee picks about 2 sessions a day, within what rooms hold.
    seats = {s[0]: int(s[2] * 0.8) for s in sessions}
    by_slot = {}
    for s in sessions:
        by_slot.setdefault((s[3], s[4]), []).append(s)
    langs = list(GIVEN)
    with open(os.path.join(a.out, "attendees.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "organisation", "email", "language", "category", "sessions"])
        for i in range(a.attendees):
            lang = rnd.choice(langs)
            name = "%s %s" % (rnd.choice(GIVEN[lang]), rnd.choice(FAMILY[lang]))
            org = "%s %s" % (rnd.choice(ORG_STEMS), rnd.choice(ORG_PLACES))
            r = rnd.random()
            cat = "attendee" if r < 0.9 else "speaker" if r < 0.96 else "staff" if r < 0.98 else "press"
            ui = {"nl": "nl", "fr": "fr"}.get(lang, "en")
            regs = []
            for day in range(a.days):
                for slot in rnd.sample(range(len(SLOTS)), 2):
                    cands = by_slot[(day, slot)]
                    for _ in range(4):
                        s = cands[min(int(rnd.expovariate(1 / 25)), len(cands) - 1)]
                        if seats[s[0]] > 0:
                            seats[s[0]] -= 1
                            regs.append(s[0])
                            break
            w.writerow(["C%05d" % i, name, org, "c%05d@example.org" % i, ui, cat, ";".join(regs)])
    write_devices(os.path.join(a.out, "devices.csv"), rooms, 250)
    print("model: %d attendees, %d rooms, %d sessions, 250 devices in %s"
          % (a.attendees, len(rooms), len(sessions), a.out))


def write_devices(path, rooms, kiosks):
    """40 entrance kiosks, one door per room, the other doors in turn on the rooms of 300
    seats or more; with 250, devices.csv, whose doors are among those of any larger N."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["device", "room", "mode"])
        for e in range(40):
            w.writerow(["ent-%02d" % (e + 1), "entrance", "toggle"])
        doors = [(rid, 1) for rid, _ in rooms]
        big = [i for i, (rid, cap) in enumerate(rooms) if cap >= 300]
        for k in range(kiosks - 40 - len(rooms)):
            i = big[k % len(big)]
            doors[i] = (doors[i][0], doors[i][1] + 1)
        for rid, n in doors:
            for d in range(n):
                w.writerow(["door-%s-%d" % (rid, d + 1), rid, "toggle"])


def gen_devices(a):
    with open(os.path.join(a.out, "rooms.csv"), encoding="utf-8") as f:
        rooms = [(r["id"], int(r["capacity"])) for r in csv.DictReader(f)]
    if a.kiosks < 40 + len(rooms):
        sys.exit("gen.py devices: --kiosks %d: at least %d (40 entrance kiosks, a door per room)"
                 % (a.kiosks, 40 + len(rooms)))
    path = os.path.join(a.out, "devices-%d.csv" % a.kiosks)
    write_devices(path, rooms, a.kiosks)
    print("devices: %d in %s" % (a.kiosks, path))


def load_model(out):
    with open(os.path.join(out, "rooms.csv"), encoding="utf-8") as f:
        rooms = {r["id"]: int(r["capacity"]) for r in csv.DictReader(f)}
    sessions = {}
    with open(os.path.join(out, "sessions.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            sessions[r["id"]] = (r["room"], datetime.datetime.fromisoformat(r["start"]),
                                 datetime.datetime.fromisoformat(r["end"]))
    with open(os.path.join(out, "attendees.csv"), encoding="utf-8") as f:
        att = [(r["id"], [s for s in r["sessions"].split(";") if s]) for r in csv.DictReader(f)]
    doors = {}
    entrances = []
    with open(os.path.join(out, "devices.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["room"] == "entrance":
                entrances.append(r["device"])
            else:
                doors.setdefault(r["room"], []).append(r["device"])
    return rooms, sessions, att, doors, entrances


def gen_scans(a):
    rooms, sessions, att, doors, entrances = load_model(a.out)
    days = sorted({s.split("-")[0] for s in sessions})
    for di, dname in enumerate(days):
        rnd = random.Random(a.seed * 1000 + di)
        plan = []  # (dt, device, room, session, mode, attendee, result)
        day_sessions = [(sid, v) for sid, v in sessions.items() if sid.startswith(dname + "-")]
        by_room_slot = {}
        for sid, (room, st, en) in day_sessions:
            by_room_slot.setdefault(room, []).append((st, en, sid))
        slots = sorted({(st, en) for _, (room, st, en) in day_sessions})
        present = [x for x in att if rnd.random() < 0.9]
        n_peak = min(a.peak, len(present))
        base = day_at(di, (8, 0))
        room_ids = list(rooms)
        weights = [rooms[r] for r in room_ids]
        # Room scans per attendee, tuned so that the day holds about scans_per_day.
        # About 1.5 entrance scans and 2.5 room scans per visit; at most one visit per slot.
        target_room = a.scans_per_day - len(present) * 1.5
        per_att = min(len(SLOTS), max(1.0, target_room / max(1, len(present)) / 2.5))
        for k, (aid, regs) in enumerate(present):
            if k < n_peak:
                arrive = base + datetime.timedelta(seconds=rnd.triangular(0, 2700, 1100))
            else:
                arrive = base + datetime.timedelta(seconds=rnd.uniform(2700, 6 * 3600))
            ent = rnd.choice(entrances)
            plan.append((arrive, ent, "entrance", "", "toggle", aid, "admitted"))
            if rnd.random() < 0.5:  # lunch outside: out and back in at the entrance
                out = day_at(di, (12, 35)) + datetime.timedelta(seconds=rnd.uniform(0, 1500))
                back = out + datetime.timedelta(seconds=rnd.uniform(600, 3000))
                e2 = rnd.choice(entrances)
                plan.append((out, e2, "entrance", "", "toggle", aid, "exited"))
                plan.append((back, e2, "entrance", "", "toggle", aid, "admitted"))
            mine = [s for s in regs if s.startswith(dname + "-")]
            visits = set(mine)
            n_visits = int(per_att) + (1 if rnd.random() < per_att - int(per_att) else 0)
            tries = 0
            while len(visits) < n_visits and tries < 20:
                tries += 1
                room = rnd.choices(room_ids, weights)[0]
                visits.add(rnd.choice(by_room_slot[room])[2])
            used = set()
            for sid in sorted(visits, key=lambda s: (sessions[s][1], s)):
                room, st, en = sessions[sid]
                if st in used or st + datetime.timedelta(minutes=60) < arrive:
                    continue
                used.add(st)
                t_in = max(arrive + datetime.timedelta(minutes=2),
                           st - datetime.timedelta(seconds=rnd.uniform(0, 780)))
                door = rnd.choice(doors[room])
                plan.append((t_in, door, room, sid, "toggle", aid, "admitted"))
                if rnd.random() < 0.08:  # a second scan at the same door, seconds later
                    plan.append((t_in + datetime.timedelta(seconds=rnd.uniform(4, 30)), door, room,
                                 sid, "toggle", aid, "admitted"))
                if rnd.random() < 0.8:  # steps out during the session and back
                    t_out = st + datetime.timedelta(seconds=rnd.uniform(600, 4800))
                    plan.append((t_out, door, room, sid, "toggle", aid, "exited"))
                    if rnd.random() < 0.8:
                        t_back = t_out + datetime.timedelta(seconds=rnd.uniform(120, 600))
                        plan.append((t_back, door, room, sid, "toggle", aid, "admitted"))
                        if rnd.random() < 0.5 and t_back + datetime.timedelta(minutes=12) < en:
                            t2 = t_back + datetime.timedelta(seconds=rnd.uniform(60, 300))
                            plan.append((t2, door, room, sid, "toggle", aid, "exited"))
                            plan.append((t2 + datetime.timedelta(seconds=rnd.uniform(60, 300)),
                                         door, room, sid, "toggle", aid, "admitted"))
            if rnd.random() < 0.7:  # leaves through the entrance at the end of the day
                t_end = day_at(di, (17, 30)) + datetime.timedelta(seconds=rnd.uniform(0, 2400))
                plan.append((t_end, rnd.choice(entrances), "entrance", "", "toggle", aid, "exited"))
        plan.sort(key=lambda p: (p[0], p[1], p[5]))
        path = os.path.join(a.out, "day%d.tsv" % (di + 1))
        peak_end = base + datetime.timedelta(minutes=45)
        in_peak = 0
        with open(path, "w", encoding="utf-8") as f:
            for dt, dev, room, sid, mode, aid, res in plan:
                if room == "entrance" and base <= dt < peak_end:
                    in_peak += 1
                f.write("%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" % (
                    int(dt.timestamp() * 1000), iso(dt), dev, room, sid, mode, aid, res))
        print("%s: %d scans, %d entrance scans 08:00-08:45, %d present"
              % (path, len(plan), in_peak, len(present)))


def gen_replay(a):
    tokens = {}
    with open(a.tokens, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            tokens[r["attendee_id"]] = r["token"]
    n = 0
    out = sys.stdout
    with open(a.day, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if a.device and p[2] != a.device:
                continue
            out.write("%s\t%s\n" % (p[1], tokens[p[6]]))
            n += 1
            if a.limit and n >= a.limit:
                break


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("model")
    m.add_argument("out")
    m.add_argument("--attendees", type=int, default=30000)
    m.add_argument("--rooms", type=int, default=120)
    m.add_argument("--days", type=int, default=3)
    m.add_argument("--seed", type=int, default=18)
    s = sub.add_parser("scans")
    s.add_argument("out")
    s.add_argument("--scans-per-day", type=int, default=300000)
    s.add_argument("--peak", type=int, default=20000)
    s.add_argument("--seed", type=int, default=18)
    d = sub.add_parser("devices")
    d.add_argument("out")
    d.add_argument("--kiosks", type=int, required=True)
    r = sub.add_parser("replay")
    r.add_argument("out")
    r.add_argument("day")
    r.add_argument("tokens")
    r.add_argument("--device")
    r.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    if a.cmd == "model":
        if a.rooms < 2 or a.rooms > 210:
            ap.error("--rooms must be 2..210 (250 devices: 40 entrance kiosks, 210 doors)")
        gen_model(a)
    elif a.cmd == "scans":
        gen_scans(a)
    elif a.cmd == "devices":
        gen_devices(a)
    else:
        gen_replay(a)


if __name__ == "__main__":
    main()
