# SPDX-License-Identifier: Apache-2.0
# Imports from other systems and from spreadsheets as they are saved (docs/imports.md): a
# pretix export, an Eventbrite export, a CRM export through a map, Excel's Belgian "CSV"
# (';', Windows-1252), its "Unicode text" (UTF-16, tabs) and "CSV UTF-8" (with a BOM) each
# make the same event as the equivalent native attendees.csv (tests/data/imports/expected_*.csv,
# written by make_imports.py): every attendee field and registration compared byte for byte.
# A re-import of an updated export updates people by the source's own id and never
# duplicates them; bad input says file:line and imports nothing.
set -euo pipefail
data=${PORTIER_TEST_DATA:?}/imports
bin=${PORTIER_BIN:?}
tmp=$(mktemp -d /tmp/portier-imports-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

# Every attendee with registrations, one line each, in id order (bytes as stored).
dump() {
    sqlite3 -batch -separator '|' "$1/event.db" \
        "SELECT a.id, a.num, a.name, a.organisation, coalesce(a.email, ''), a.language,
                a.category, (SELECT group_concat(session, ';') FROM
                    (SELECT session FROM registrations WHERE attendee = a.id ORDER BY session))
         FROM attendees a ORDER BY a.num"
}
# portier init NAME ATTENDEES [options...]; prints its output into $tmp/NAME.out
init() {
    local name=$1 attendees=$2
    shift 2
    if ! "$bin" init "$tmp/$name" --name "Imports" --timezone Europe/Brussels \
        --rooms "$data/rooms.csv" --sessions "$data/sessions.csv" --attendees "$attendees" \
        "$@" >"$tmp/$name.out" 2>&1; then
        fail "init $name: $(cat "$tmp/$name.out")"
        return 1
    fi
}
# same NAME EXPECTED_CSV: the event NAME holds what init makes of EXPECTED_CSV.
same() {
    init "ref-$1" "$data/$2" || return 0
    if [ "$(dump "$tmp/$1")" != "$(dump "$tmp/ref-$1")" ]; then
        fail "$1 differs from $2:"
        diff <(dump "$tmp/ref-$1") <(dump "$tmp/$1") >&2 || true
    else
        echo "ok: $1 = $2 ($(dump "$tmp/$1" | wc -l) attendees)"
    fi
}
says() { grep -qF -- "$2" "$tmp/$1.out" || fail "$1 does not say '$2': $(cat "$tmp/$1.out")"; }

init belgian "$data/excel_belgian.csv" && same belgian expected_latin.csv
says belgian "excel_belgian.csv: Windows-1252, ';'-separated"
init unicode "$data/excel_unicode.txt" && same unicode expected_native.csv
says unicode "excel_unicode.txt: UTF-16LE, tab-separated"
init bom "$data/excel_utf8_bom.csv" && same bom expected_native.csv
says bom "excel_utf8_bom.csv: UTF-8 with BOM, ','-separated"
init pretix "$data/pretix_orders.csv" --from pretix --map "$data/pretix.map" &&
    same pretix expected_pretix.csv
says pretix "pretix_orders.csv: 1 row skipped (cancelled in pretix)"
init eventbrite "$data/eventbrite_attendees.csv" --from eventbrite --map "$data/eventbrite.map" &&
    same eventbrite expected_eventbrite.csv
says eventbrite "eventbrite_attendees.csv: 1 row skipped (cancelled in eventbrite)"
init crm "$data/crm_export.csv" --map "$data/crm.map" && same crm expected_crm.csv

# The non-Latin names went through untouched.
for name in "محمد العلي" "Ngọc Anh Nguyễn" "Françoise Dieudonné"; do
    dump "$tmp/unicode" | grep -qF "|$name|" || fail "unicode: '$name' is not stored as it is"
    dump "$tmp/pretix" | grep -qF "|$name|" || fail "pretix: '$name' is not stored as it is"
done

# A week later: pretix's updated export (with semicolons) updates, adds, never duplicates.
if "$bin" import "$tmp/pretix" --attendees "$data/pretix_orders_later.csv" --from pretix \
    --map "$data/pretix.map" >"$tmp/later.out" 2>&1; then
    says later "portier import: 1 added, 1 updated, 6 unchanged"
    init ref-later "$data/expected_pretix_later.csv" &&
        if [ "$(dump "$tmp/pretix")" != "$(dump "$tmp/ref-later")" ]; then
            fail "re-import differs from expected_pretix_later.csv"
            diff <(dump "$tmp/ref-later") <(dump "$tmp/pretix") >&2 || true
        else
            echo "ok: re-import of pretix updates in place"
        fi
else
    fail "import later: $(cat "$tmp/later.out")"
fi
# The second import again: nothing changes.
"$bin" import "$tmp/pretix" --attendees "$data/pretix_orders_later.csv" --from pretix \
    --map "$data/pretix.map" >"$tmp/again.out" 2>&1 || fail "import again: $(cat "$tmp/again.out")"
says again "portier import: 0 added, 0 updated, 8 unchanged"

# Matched by the source's id, not Portier's: the CRM's id changes with the language.
init crmids "$data/crm_export.csv" --map "$data/crm_ids.map"
"$bin" import "$tmp/crmids" --attendees "$data/crm_export_later.csv" --map "$data/crm_ids.map" \
    >"$tmp/crmids-later.out" 2>&1 || fail "crm import: $(cat "$tmp/crmids-later.out")"
says crmids-later "portier import: 0 added, 1 updated, 4 unchanged"
[ "$(dump "$tmp/crmids" | grep -c 'Jürgen')" = 1 ] || fail "crm: Jürgen duplicated"
dump "$tmp/crmids" | grep -qF "M-002-NL|2|Jürgen Çelik|AZ Groeninge|jurgen.celik@azg.example|fr|" ||
    fail "crm: Jürgen not updated in place: $(dump "$tmp/crmids")"

# Bad input: file:line, nothing written.
expect_fail() {
    local name=$1 want=$2
    shift 2
    if "$bin" "$@" >"$tmp/$name.out" 2>&1; then
        fail "$name: succeeded"
    fi
    says "$name" "$want"
}
printf 'id,name,organisation,email,language,category,sessions\nA1,Zo\xc3\xab,,,,,\nA2,Bj\xf6rn,,,,,\n' \
    >"$tmp/broken.csv"
expect_fail broken "broken.csv:3: byte 0xF6: invalid UTF-8 in a file that is otherwise UTF-8" \
    init "$tmp/bad1" --name X --timezone UTC --rooms "$data/rooms.csv" \
    --sessions "$data/sessions.csv" --attendees "$tmp/broken.csv"
[ ! -e "$tmp/bad1" ] || fail "broken: init wrote $tmp/bad1"
printf 'id,name,organisation,email,language,category,sessions\nA1,Bj\x81rn,,,,,\n' >"$tmp/undef.csv"
expect_fail undef "undef.csv:2: byte 0x81: a byte that is neither UTF-8 nor Windows-1252" \
    init "$tmp/bad2" --name X --timezone UTC --rooms "$data/rooms.csv" \
    --sessions "$data/sessions.csv" --attendees "$tmp/undef.csv"
expect_fail missing "pretix_orders.csv:1: missing column 'First Name' + 'Last Name' (for Portier's 'name'); the columns found are 'Event slug', 'Order code'" \
    init "$tmp/bad3" --name X --timezone UTC --rooms "$data/rooms.csv" \
    --sessions "$data/sessions.csv" --attendees "$data/pretix_orders.csv" --from eventbrite
sed '2s/"f\.dieudonne@uliege\.example","Université/"not-an-email","Université/' \
    "$data/pretix_orders.csv" >"$tmp/bademail.csv"
expect_fail bademail "bademail.csv:2: column 'email' (from 'Attendee email' or 'Email'): 'not-an-email' is not an e-mail address" \
    init "$tmp/bad4" --name X --timezone UTC --rooms "$data/rooms.csv" \
    --sessions "$data/sessions.csv" --attendees "$tmp/bademail.csv" --from pretix \
    --map "$data/pretix.map"
printf 'id;name;organisation;email;language;category;sessions\r\nA1;Ann;;;;;s-aula-am;s-a-pm\r\n' \
    >"$tmp/semi.csv"
expect_fail semi "semi.csv:2: 8 fields where the header has 7 (a semicolon too many, or a field with a semicolon that needs quotes?)" \
    init "$tmp/bad5" --name X --timezone UTC --rooms "$data/rooms.csv" \
    --sessions "$data/sessions.csv" --attendees "$tmp/semi.csv"
printf '[sessions]\nWorkshop = s-a-pm\n' >"$tmp/short.map"
cp "$tmp/pretix/event.db" "$tmp/before.db"
expect_fail noticket "pretix_orders.csv:2: ticket 'Conference pass – Full day' has no line in the map's [sessions]" \
    import "$tmp/pretix" --attendees "$data/pretix_orders.csv" --from pretix --map "$tmp/short.map"
cmp -s "$tmp/before.db" "$tmp/pretix/event.db" || fail "noticket: event.db changed"
expect_fail nomap "pretix_orders.csv: which sessions does each ticket register for? Give --map FILE" \
    import "$tmp/pretix" --attendees "$data/pretix_orders.csv" --from pretix
cmp -s "$tmp/before.db" "$tmp/pretix/event.db" || fail "nomap: event.db changed"
expect_fail fromunknown "'luma' is not one of portier|pretix|eventbrite" \
    import "$tmp/pretix" --attendees "$data/pretix_orders.csv" --from luma

[ "$failed" = 1 ] || echo "ok: bad input refused with file:line, nothing written"
exit $failed
