# SPDX-License-Identifier: Apache-2.0
# The man pages (portier _doc man, generated from the option tables and the prose of man/):
# a page per command of 'portier --help' in its section, every option (and every --name) its
# --help shows is in its rendered page, portier.1 lists every command, portier-kiosk.conf(5)
# every kiosk key, and groff renders each page without a warning.
set -euo pipefail
bin=${PORTIER_BIN:?}
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/portier-man-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }
command -v groff >/dev/null || { echo "FAIL: groff is missing (apt install groff-base)" >&2; exit 1; }

"$bin" _doc man "$tmp/man" "$src/man"
# Renders a page as plain text on long lines without hyphenation, failing on groff warnings.
render() {
    local out
    out=$(LC_ALL=C.UTF-8 groff -ww -man -Tutf8 -rLL=250n -rHY=0 -P-cbou "$1" 2>"$tmp/warnings" |
          sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g')
    [[ ! -s $tmp/warnings ]] && printf '%s\n' "$out" && return 0
    fail "groff warns on $1: $(cat "$tmp/warnings")"
    printf '%s\n' "$out"
}

commands=$("$bin" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
[[ -n $commands ]] || fail "no commands in 'portier --help'"
main=$(render "$tmp/man/man1/portier.1")
for cmd in $commands; do
    pages=("$tmp"/man/man[18]/portier-"$cmd".[18])
    [[ ${#pages[@]} -eq 1 && -f ${pages[0]} ]] || { fail "no page portier-$cmd.1 or .8"; continue; }
    page=$(render "${pages[0]}")
    grep -q "^NAME" <<<"$page" && grep -qF "portier-$cmd - " <<<"$page" || fail "${pages[0]}: no NAME line"
    grep -qF "portier-$cmd(" <<<"$main" || fail "portier(1) does not list portier-$cmd"
    n=0
    for opt in $("$bin" "$cmd" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
        grep -qE -- "(^|[^a-z0-9-])$opt([^a-z0-9-]|$)" <<<"$page" || fail "portier-$cmd: $opt (in --help) is not in the man page"
        n=$((n + 1))
    done
    echo "ok: portier-$cmd: $n options of --help"
done
conf=$(render "$tmp/man/man5/portier-kiosk.conf.5")
for opt in $("$bin" kiosk --help | grep -oE '^  --[a-z][a-z0-9-]*' | sed 's/^  --//'); do
    [[ $opt == config ]] && continue
    grep -qE "^ +$opt " <<<"$conf" || fail "portier-kiosk.conf(5) has no key $opt"
done
# Nothing left of the templates' directives.
if grep -rlE '@(COMMANDS|KEYS|VERSION|DATE)' "$tmp/man" >/dev/null; then
    fail "a template directive was not expanded: $(grep -rlE '@(COMMANDS|KEYS|VERSION|DATE)' "$tmp/man")"
fi
# A template naming a command that does not exist is an error with the file and line.
mkdir "$tmp/bad"
cp "$src"/man/* "$tmp/bad/"
printf '@KEYS no-such-command@\n' >>"$tmp/bad/portier-kiosk.conf.5.in"
if "$bin" _doc man "$tmp/bad-out" "$tmp/bad" 2>"$tmp/err"; then
    fail "an unknown @KEYS command was accepted"
elif ! grep -q "portier-kiosk.conf.5.in:[0-9]*: no command 'no-such-command'" "$tmp/err"; then
    fail "unclear error for an unknown @KEYS command: $(cat "$tmp/err")"
fi
((failed == 0)) && echo "ok: every option of every --help is in its man page"
exit $failed
