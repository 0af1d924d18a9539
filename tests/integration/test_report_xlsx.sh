# SPDX-License-Identifier: Apache-2.0
# portier report --xlsx: report.xlsx holds one sheet per CSV file with the same header and
# rows (names with accents and Arabic script byte for byte, numbers as numbers), a walk-in
# registered at a desk among them, read back by an independent reader (Debian's
# python3-openpyxl, run by the system python3).
set -euo pipefail
data=${PORTIER_TEST_DATA:?}/imports
bin=${PORTIER_BIN:?}
tmp=$(mktemp -d /tmp/portier-xlsx-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# The attendees of excel_unicode.txt and a staff member who registers a walk-in at a desk.
iconv -f UTF-16 -t UTF-8 "$data/excel_unicode.txt" | tr -d '\r' >att.csv
printf 'S1\tSam Staff\t\t\ten\tstaff\t\n' >>att.csv
"$bin" init ev --name "Imports" --timezone Europe/Brussels --rooms "$data/rooms.csv" \
    --sessions "$data/sessions.csv" --attendees att.csv >/dev/null
"$bin" badges ev --out badges --format csv >/dev/null
"$bin" device-key ev --device desk --out desk.key >/dev/null
"$bin" bundle ev --out kiosk >/dev/null
# The day at the entrance and in the aula: everyone checks in, some go to the plenary; the
# desk registers a walk-in.
tail -n +2 badges/tokens.csv | /usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
with open("ent.replay", "w") as ent, open("aula.replay", "w") as aula, \
        open("desk.replay", "w") as desk:
    staff = [r[2] for r in rows if r[0] == "S1"][0]
    for i, (aid, name, token) in enumerate(r for r in rows if r[0] != "S1"):
        ent.write("2026-04-23T08:%02d:00+02:00\t%s\n" % (30 + i, token))
        if i % 2 == 0:
            aula.write("2026-04-23T09:%02d:00+02:00\t%s\n" % (1 + i, token))
    desk.write("{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Zoë Nguyễn\","
               "\"organisation\":\"Université de Liège\",\"language\":\"fr\","
               "\"category\":\"press\"}\n" % staff)
'
"$bin" kiosk kiosk --device ent --room entrance --mode entry --db ent.db --camera none \
    --scanner stdin --headless <ent.replay >ent.out 2>&1
"$bin" kiosk kiosk --device aula --room aula --mode entry --db aula.db --camera none \
    --scanner stdin --headless <aula.replay >aula.out 2>&1
"$bin" kiosk kiosk --device desk --room entrance --mode entry --db desk.db --camera none \
    --scanner stdin --headless --device-key desk.key <desk.replay >desk.out 2>&1
"$bin" report --db ent.db --db aula.db --db desk.db --event ev --out rep --xlsx >/dev/null

/usr/bin/python3 - rep <<'PY'
import csv, os, sys
import openpyxl

rep = sys.argv[1]
wb = openpyxl.load_workbook(os.path.join(rep, "report.xlsx"))
names = ["attendance", "attendees", "occupancy", "arrivals", "over_capacity", "manual_admissions",
         "walkins", "checkins_by_day"]
assert wb.sheetnames == names, wb.sheetnames
failed = 0
for name in names:
    with open(os.path.join(rep, name + ".csv"), newline="", encoding="utf-8") as f:
        want = list(csv.reader(f))
    got = [["" if v is None else v for v in row] for row in wb[name].iter_rows(values_only=True)]
    if len(got) != len(want):
        print("FAIL: %s: %d rows in the sheet, %d in the CSV" % (name, len(got), len(want)))
        failed = 1
        continue
    for r, (g, w) in enumerate(zip(got, want)):
        g = list(g) + [""] * (len(w) - len(g))
        for c, (gv, wv) in enumerate(zip(g, w)):
            if isinstance(gv, (int, float)) and not isinstance(gv, bool):
                same = wv != "" and abs(float(wv) - gv) < 1e-9
            else:
                same = str(gv) == wv.lstrip("'") if wv.startswith("'") else str(gv) == wv
            if not same:
                print("FAIL: %s row %d column %d: sheet %r, CSV %r" % (name, r + 1, c + 1, gv, wv))
                failed = 1
    print("ok: sheet %s = %s.csv (%d rows)" % (name, name, len(want)))
att = [row[1] for row in wb["attendees"].iter_rows(values_only=True)]
for who in ("محمد العلي", "Ngọc Anh Nguyễn", "Françoise Dieudonné"):
    if who not in att:
        print("FAIL: %s is not in the attendees sheet" % who)
        failed = 1
walkins = list(wb["walkins"].iter_rows(min_row=2, values_only=True))
if len(walkins) != 1 or walkins[0][1:5:2] != ("Zoë Nguyễn", "press") or walkins[0][5] != "desk":
    print("FAIL: the walkins sheet: %r" % walkins)
    failed = 1
checked = sum(1 for row in wb["attendance"].iter_rows(min_row=2, values_only=True))
print("ok: %d sessions in the attendance sheet" % checked)
sys.exit(failed)
PY
