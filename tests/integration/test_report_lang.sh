# SPDX-License-Identifier: Apache-2.0
# portier report --lang nl|fr|en: report.html in Dutch and French has every heading, column
# heading, legend and note translated (the words of assets/i18n/*.po), dates and decimals as the
# language writes them, and no English left; --lang en gives the page byte for byte as it was
# before languages (tests/data/report_lang/report_en.html, written by the version before them,
# its styles and table boxes since made to fit narrow windows);
# the CSV files do not change with the language; without --lang, the attendees' most common
# language. A walk-in registered at a desk has its own section, translated like the others (the
# page before languages had none: it is compared without the desk's log). PORTIER_GOLDEN_ONLY=1 only writes the English page (to make that file).
set -euo pipefail
data=${PORTIER_TEST_DATA:?}
bin=${PORTIER_BIN:?}
po=$(cd "$data/../../assets/i18n" && pwd)
tmp=$(mktemp -d /tmp/portier-lang-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# The attendees of excel_unicode.txt and a staff member who admits someone by hand and
# registers a walk-in at a desk.
iconv -f UTF-16 -t UTF-8 "$data/imports/excel_unicode.txt" | tr -d '\r' >att.csv
printf 'S1\tSam Staff\t\t\ten\tstaff\t\n' >>att.csv
"$bin" init ev --name "Imports" --timezone Europe/Brussels --rooms "$data/imports/rooms.csv" \
    --sessions "$data/imports/sessions.csv" --attendees att.csv >/dev/null
"$bin" badges ev --out badges --format csv >/dev/null
"$bin" device-key ev --device desk --out desk.key >/dev/null
"$bin" bundle ev --out kiosk >/dev/null
# Everyone checks in; some go to the plenary and leave it through an exit door, so that the
# median minutes have a decimal; the staff member admits A0002 to the plenary by hand.
tail -n +2 badges/tokens.csv | /usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
with open("ent.replay", "w") as ent, open("aula.replay", "w") as aula, \
        open("out.replay", "w") as out, open("desk.replay", "w") as desk:
    staff = [r[2] for r in rows if r[0] == "S1"][0]
    for i, (aid, name, token) in enumerate(r for r in rows if r[0] != "S1"):
        ent.write("2026-04-23T08:%02d:00+02:00\t%s\n" % (30 + i, token))
        if i % 2 == 0:
            aula.write("2026-04-23T09:%02d:00+02:00\t%s\n" % (1 + i, token))
            out.write("2026-04-23T10:%02d:30+02:00\t%s\n" % (2 + 3 * i, token))
    aula.write("{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"A0002\","
               "\"time\":\"2026-04-23T09:20:00+02:00\"}\n" % staff)
    desk.write("{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Ann Walkin\","
               "\"language\":\"en\",\"category\":\"attendee\"}\n" % staff)
'
"$bin" kiosk kiosk --device ent --room entrance --mode entry --db ent.db --camera none \
    --scanner stdin --headless <ent.replay >ent.out 2>&1
"$bin" kiosk kiosk --device aula --room aula --mode entry --db aula.db --camera none \
    --scanner stdin --headless <aula.replay >aula.out 2>&1
"$bin" kiosk kiosk --device aulx --room aula --mode exit --db aulx.db --camera none \
    --scanner stdin --headless <out.replay >aulx.out 2>&1
"$bin" kiosk kiosk --device desk --room entrance --mode entry --db desk.db --camera none \
    --scanner stdin --headless --device-key desk.key <desk.replay >desk.out 2>&1
dbs=(--db ent.db --db aula.db --db aulx.db)
if [ "${PORTIER_GOLDEN_ONLY:-}" = 1 ]; then
    "$bin" report "${dbs[@]}" --event ev --out en >/dev/null
    cat en/report.html
    exit 0
fi
"$bin" report "${dbs[@]}" --event ev --out golden --lang en >/dev/null
dbs+=(--db desk.db)
for l in en nl fr; do
    "$bin" report "${dbs[@]}" --event ev --out "$l" --lang "$l" >/dev/null
done
"$bin" report "${dbs[@]}" --event ev --out default >default.out

fail=0
if ! cmp -s golden/report.html "$data/report_lang/report_en.html"; then
    echo "FAIL: --lang en is not the page as it was"
    diff <(tr '>' '\n' <"$data/report_lang/report_en.html") <(tr '>' '\n' <golden/report.html) | head
    fail=1
else
    echo "ok: --lang en: the page byte for byte as before"
fi
for l in en nl fr; do
    grep -q '<td><bdi>Ann Walkin</bdi></td>' "$l/report.html" ||
        { echo "FAIL: $l: no walk-in in the page"; fail=1; }
done
grep -q '<h2>Walk-ins registered on site</h2>' en/report.html ||
    { echo "FAIL: en: no walk-ins section"; fail=1; }
for l in nl fr; do
    for f in en/*.csv; do
        cmp -s "$f" "$l/${f#en/}" || { echo "FAIL: $l/${f#en/} differs from English"; fail=1; }
    done
done
# Four of the seven attendees have English (excel_unicode.txt).
grep -q '^report.html in en, the attendees' default.out || { echo "FAIL: default: $(cat default.out)"; fail=1; }
cmp -s default/report.html en/report.html || { echo "FAIL: the default page is not English"; fail=1; }
# An event whose attendees mostly read French: its page is in French without --lang.
printf '%s\n' id,name,organisation,email,language,category,sessions A1,Anne,,,fr,, A2,Bea,,,fr,, \
    A3,Carl,,,nl,, A4,Dan,,,en,, >fr.csv
"$bin" init evfr --name "Colloque" --timezone Europe/Brussels --rooms "$data/imports/rooms.csv" \
    --sessions "$data/imports/sessions.csv" --attendees fr.csv >/dev/null
"$bin" bundle evfr --out kfr >/dev/null
"$bin" kiosk kfr --device fr1 --room entrance --mode entry --db fr.db --camera none \
    --scanner stdin --headless </dev/null >fr1.out 2>&1
"$bin" report --db fr.db --event evfr --out frdefault >frdefault.out 2>&1
grep -q '^report.html in fr, the attendees' frdefault.out &&
    grep -q '<html lang="fr">' frdefault/report.html ||
    { echo "FAIL: default for a French audience: $(cat frdefault.out)"; fail=1; }

/usr/bin/python3 - "$po" <<'PY' || fail=1
import html, re, sys

def po(lang):
    msgs, key = {}, None
    for line in open("%s/%s.po" % (sys.argv[1], lang), encoding="utf-8"):
        m = re.match(r'(msgid|msgstr) "(.*)"$', line)
        if m and m.group(1) == "msgid":
            key = m.group(2)
        elif m:
            msgs[key] = m.group(2).replace('\\"', '"')
    return {k: v for k, v in msgs.items() if k.startswith("report_")}

def texts(page, tag):
    return [html.unescape(re.sub("<[^>]*>", "", t)).strip()
            for t in re.findall(r"<%s[^>]*>(.*?)</%s>" % (tag, tag), page)]

want = {
    "nl": (["Aankomsten aan de ingang", "Bezetting per zaal", "Sessies", "Boven de capaciteit",
            "Met de hand toegelaten", "Ter plaatse ingeschreven", "Aankomsten per 5 minuten", "Bezetting per 5 minuten", "Deelnemers"],
           {"Sessie", "Zaal", "Tijd", "Capaciteit", "Ingeschreven", "Aanwezig",
            "van wie ingeschreven", "Zonder inschrijving", "Niet verschenen", "Piek",
            "Geweigerd (vol)", "Mediaan min.", "Gebouw", "Check-ins", "Totaal", "Id", "Naam",
            "Organisatie", "Categorie", "Ingecheckt", "Bijgewoonde sessies (minuten)",
            "aula", "room-a", "Deur", "Personeels-id", "Personeelslid",
            "Met de hand toegelaten", "Tijdstip van inschrijving", "Kiosk"},
           "donderdag 23 april 2026"),
    "fr": (["Arrivées à l'entrée", "Occupation par salle", "Sessions",
            "Au-delà de la capacité", "Admis à la main", "Inscrits sur place",
            "Arrivées par 5 minutes",
            "Occupation par 5 minutes",
            "Participants"],
           {"Session", "Salle", "Heure", "Capacité", "Inscrits", "Présents", "dont inscrits",
            "Sans inscription", "Absents", "Pic", "Refusés (plein)", "Médiane min.", "Lieu",
            "Entrées", "Total", "Id", "Nom", "Organisation", "Catégorie", "Entré",
            "Sessions suivies (minutes)", "aula", "room-a", "Porte", "Id du personnel",
            "Membre du personnel", "Admis à la main", "Heure d'inscription", "Borne"},
           "jeudi 23 avril 2026"),
}
en = po("en")
failed = 0
for lang, (h2, th, date) in want.items():
    page = open(lang + "/report.html", encoding="utf-8").read()
    tr = po(lang)
    if texts(page, "h2") != h2:
        print("FAIL: %s: headings %r" % (lang, texts(page, "h2")))
        failed = 1
    if set(texts(page, "th")) != th:
        print("FAIL: %s: column headings %r" % (lang, sorted(set(texts(page, "th")) ^ th)))
        failed = 1
    if date not in page or ('<html lang="%s">' % lang) not in page:
        print("FAIL: %s: no '%s' or html lang" % (lang, date))
        failed = 1
    # No English left: every report word whose translation differs is absent from the text
    # and the attributes (the day and month names one by one, formats by their fixed parts).
    visible = html.unescape(re.sub(r"<style>.*?</style>", "", page))
    for key, text in en.items():
        if tr[key] == text:
            continue
        words = text.split(",") if key in ("report_weekdays", "report_months") else \
            [p for p in re.split(r"%[-.0-9]*z?[a-z%]", text)
             if len(p.strip()) > 3 and p.strip() not in tr[key]]
        for w in words:
            if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(w.strip()), visible):
                print("FAIL: %s: English left: %r (%s)" % (lang, w, key))
                failed = 1
    medians = re.findall(r'(?:<td class="n">|<span class="muted">)(\d+[.,]\d)<', page)
    if not medians or any("." in m for m in medians):
        print("FAIL: %s: minutes without a decimal comma: %r" % (lang, medians))
        failed = 1
    print("ok: %s: %d headings, %d column headings, %s, decimal commas %r"
          % (lang, len(h2), len(th), date, medians))
sys.exit(failed)
PY
exit $fail
