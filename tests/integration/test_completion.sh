# SPDX-License-Identifier: Apache-2.0
# The bash completion (portier _doc bash-completion, generated from the option tables): driven
# in bash as bash drives it (COMP_WORDS, COMP_CWORD, then _portier), it completes commands,
# sub-subcommands, every option that --help lists, and option values (modes, languages).
set -euo pipefail
bin=${PORTIER_BIN:?}
tmp=$(mktemp -d /tmp/portier-completion-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

"$bin" _doc bash-completion >"$tmp/portier"
bash -n "$tmp/portier" || { echo "FAIL: the completion script is not valid bash" >&2; exit 1; }
# shellcheck source=/dev/null
source "$tmp/portier"
[[ $(complete -p portier) == "complete -F _portier portier" ]] || fail "no 'complete -F _portier portier'"

# Prints the sorted completions of a command line whose last word is being completed.
comp() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _portier
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {
    local want=$1
    shift
    local got
    got=$(comp "$@")
    if [[ $got == "$want" ]]; then echo "ok: '$*' -> $got"; else fail "'$*' completes to '$got', not '$want'"; fi
}

expect "entry exit overview toggle" portier kiosk --mode ""
expect "report revoke" portier re
expect "exit" portier kiosk --mode = ex           # --mode=ex (bash splits at '=')
expect "en fr nl" portier kiosk --lang ""
expect "--help add-device add-organiser init publish" portier central ""
expect "--room" portier central add-device --ro
expect "" portier central add-organiser --ro       # add-organiser has no --room
expect "--force" portier central publish --f
expect "synth" portier kiosk --camera sy
expect "stdin" portier kiosk --scanner st
expect "pdf png png,pdf,csv" portier badges ev --format p
expect ", ;" portier report --csv-sep ""
# Files and folders: the positional KIOSK_DIR, and an option's FILE.
mkdir "$tmp/kiosk-dir"
touch "$tmp/kiosk.conf"
expect "$tmp/kiosk-dir" portier kiosk "$tmp/kiosk-d"
expect "$tmp/kiosk.conf" portier kiosk --config "$tmp/kiosk.c"
expect "$tmp/kiosk-dir" portier kiosk --headless --device X "$tmp/kiosk-d"

# Every command of 'portier --help', and every option its --help lists, is completed.
commands=$("$bin" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
[[ -n $commands ]] || fail "no commands in 'portier --help'"
for cmd in $commands; do
    [[ " $(comp portier "${cmd:0:2}") " == *" $cmd "* ]] || fail "'portier ${cmd:0:2}' does not offer $cmd"
    subs=$(_portier_subcommands "$cmd")
    for opt in $("$bin" "$cmd" --help | grep -oE '^  --[a-z0-9-]+' | sort -u); do
        found=0
        for line in "$cmd" $subs; do
            words=(portier "$cmd")
            [[ $line == "$cmd" ]] || words+=("$line")
            [[ " $(comp "${words[@]}" "$opt") " == *" $opt "* ]] && found=1
        done
        ((found)) || fail "'portier $cmd $opt' is not completed"
    done
done
((failed == 0)) && echo "ok: every command and option of --help is completed"
exit $failed
