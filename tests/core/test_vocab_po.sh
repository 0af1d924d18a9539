# SPDX-License-Identifier: Apache-2.0
# cmake/GenerateVocab.cmake, which compiles assets/i18n/<language>.po into the program: it
# accepts today's files and any text (';', '[', '??(', quotes), and stops the build, saying
# why, on a file or a message missing, a message found twice, an empty or fuzzy translation, a
# bad escape or a language of vocab.def without its file.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/portier-vocab-po-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

command -v cmake >/dev/null || { echo "FAIL: cmake is missing" >&2; exit 1; }

# Runs the generator on $tmp/po and $tmp/vocab.def; its messages go to $tmp/out.txt.
generate() {
    rm -rf "$tmp/gen"
    cmake -DVOCAB_DEF="$tmp/vocab.def" -DPO_DIR="$tmp/po" -DOUT_DIR="$tmp/gen" \
        -P "$src/cmake/GenerateVocab.cmake" >"$tmp/out.txt" 2>&1
}
# Starts a case from the real files.
fresh() {
    rm -rf "$tmp/po"
    cp -r "$src/assets/i18n" "$tmp/po"
    cp "$src/src/core/vocab.def" "$tmp/vocab.def"
}
# Expects the generator to stop, after the change $1 made, saying $2 (cmake wraps its lines).
refuses() {
    if generate; then
        fail "$1: accepted"
    elif ! tr -s ' \n' '  ' <"$tmp/out.txt" | grep -qF -- "$2"; then
        fail "$1: the message does not say '$2': $(cat "$tmp/out.txt")"
    else
        echo "ok: refuses $1"
    fi
}

fresh
if generate; then
    grep -qF '[MSG_SCAN_BADGE] = {"scan_badge", {' "$tmp/gen/i18n_catalog.c" &&
        grep -qF '[LANG_FR] = "Scannez votre badge",' "$tmp/gen/i18n_catalog.c" &&
        grep -qF '#define SCAN_KIND_SQL_LIST "'"'badge', 'session_end'" "$tmp/gen/vocab_sql.h" &&
        echo "ok: today's files" || fail "today's files: unexpected output"
else
    fail "today's files refused: $(cat "$tmp/out.txt")"
fi

# Texts are copied as C string contents: ';' and '[' survive, '?' cannot make a trigraph.
fresh
sed -i 's/^msgstr "Nu"$/msgstr "a;b [c] d??( \\"q\\" \\\\ \\t"/' "$tmp/po/nl.po"
if generate; then
    grep -qF '[LANG_NL] = "a;b [c] d\?\?( \"q\" \\ \t",' "$tmp/gen/i18n_catalog.c" &&
        echo "ok: any text" || fail "any text: $(grep -F 'a;b' "$tmp/gen/i18n_catalog.c")"
else
    fail "any text refused: $(cat "$tmp/out.txt")"
fi

fresh
rm "$tmp/po/fr.po"
refuses "a missing file" "fr.po is missing"

fresh
sed -i '/^msgid "goodbye"$/,/^$/d' "$tmp/po/fr.po"
refuses "a message missing from fr.po" 'fr.po: the message "goodbye" is missing'

fresh
printf '\nmsgid "extra_message"\nmsgstr "Extra"\n' >>"$tmp/po/en.po"
refuses "a message only en.po has" 'nl.po: the message "extra_message" is missing'

fresh
printf '\nmsgid "goodbye"\nmsgstr "Doei"\n' >>"$tmp/po/nl.po"
refuses "a message twice" '"goodbye" appears twice'

fresh
sed -i 's/^msgstr "Tot ziens"$/msgstr ""/' "$tmp/po/nl.po"
refuses "an empty translation" '"goodbye" is not translated'

fresh
sed -i 's/^msgid "goodbye"$/#, fuzzy\n&/' "$tmp/po/fr.po"
refuses "a fuzzy translation" '"goodbye" is marked fuzzy'

fresh
sed -i 's/^msgstr "Tot ziens"$/msgstr "Tot \\x41"/' "$tmp/po/nl.po"
refuses "an escape C and gettext read differently" 'the escapes'

fresh
sed -i 's/^msgstr "Tot ziens"$/msgstr "Tot "ziens""/' "$tmp/po/nl.po"
refuses "a bare quote" 'the escapes'

fresh
sed -i 's/^msgid "goodbye"$/msgctxt "x"\n&/' "$tmp/po/nl.po"
refuses "a msgctxt" 'msgctxt and plurals are not used'

fresh
sed -i 's/^VOCAB_LANGUAGE(LANG_EN, "en", "English")$/&\nVOCAB_LANGUAGE(LANG_DE, "de", "Deutsch")/' \
    "$tmp/vocab.def"
refuses "a language without its file" "de.po is missing"

fresh
sed -i 's/^VOCAB_KIND(SCAN_BADGE, "badge")/VOCAB_KIND(SCAN_BADGE, "Badge")/' "$tmp/vocab.def"
refuses "a name not in [a-z0-9_]" "cannot read"

exit $failed
