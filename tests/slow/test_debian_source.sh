# SPDX-License-Identifier: Apache-2.0
# The Debian source package (debian/): "dpkg-buildpackage -us -uc -b" builds it from a copy of
# the tree, lintian finds no error or warning (its pedantic and info tags are printed), the
# package holds a man page per command of 'portier --help', the completion, the sysusers.d and
# tmpfiles.d snippets applied by its maintainer scripts, README.Debian and a machine-readable
# copyright; then tests/slow/test_package_install.sh installs it into a clean Debian 12 root.
# Standalone: bash tests/slow/test_debian_source.sh (needs root only for the install part).
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/portier-dsc-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }
start=$SECONDS

# The tree as git has it (plus uncommitted files), without build directories.
version=$(dpkg-parsechangelog -l "$root_dir/debian/changelog" -S Version)
src=$tmp/portier-$version
mkdir "$src"
(cd "$root_dir" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) | tar -xf - -C "$src"
if ! (cd "$src" && nice dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1); then
    tail -40 "$tmp/build.log" >&2
    echo "FAIL: dpkg-buildpackage -us -uc -b" >&2
    exit 1
fi
arch=$(dpkg --print-architecture)
deb=$tmp/portier_${version}_$arch.deb
[[ -f $deb ]] || { ls "$tmp" >&2; echo "FAIL: no $(basename "$deb")" >&2; exit 1; }
echo "built $(basename "$deb") after $((SECONDS - start)) s"

lintian --pedantic -I --tag-display-limit 0 "$tmp/portier_${version}_$arch.changes" >"$tmp/lintian" 2>&1 || true
sed 's/^/lintian: /' "$tmp/lintian"
grep -E '^[EW]: ' "$tmp/lintian" && fail "lintian reports errors or warnings (above)"

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#' >"$tmp/files"
bin=$src/debian/build/portier
for cmd in $("$bin" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}'); do
    grep -qE "^/usr/share/man/man[18]/portier-$cmd\.[18]\.gz$" "$tmp/files" || fail "no man page for $cmd"
done
for f in /usr/bin/portier /usr/share/man/man1/portier.1.gz /usr/share/man/man5/portier-kiosk.conf.5.gz \
    /usr/share/bash-completion/completions/portier /usr/lib/sysusers.d/portier.conf \
    /usr/lib/tmpfiles.d/portier.conf /lib/systemd/system/portier-kiosk.service \
    /lib/systemd/system/portier-sync.service /etc/portier/kiosk.conf \
    /usr/share/doc/portier/README.Debian /usr/share/doc/portier/copyright; do
    grep -qx "$f" "$tmp/files" || fail "$f is not in the package"
done
dpkg-deb -e "$deb" "$tmp/control"
grep -qx /etc/portier/kiosk.conf "$tmp/control/conffiles" || fail "kiosk.conf is not a conffile"
grep -q 'systemd-sysusers .*portier.conf' "$tmp/control/postinst" || fail "postinst makes no user (dh_installsysusers)"
grep -q 'systemd-tmpfiles .*--create portier.conf' "$tmp/control/postinst" || fail "postinst makes no directories (dh_installtmpfiles)"
grep -q "deb-systemd-helper enable 'portier-kiosk.service'" "$tmp/control/postinst" || fail "postinst does not enable the kiosk (dh_installsystemd)"
if grep -q 'rm .*/var/lib/portier' "$tmp/control/postrm"; then fail "postrm deletes /var/lib/portier"; fi
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/share/doc/portier/copyright >"$tmp/copyright"
head -1 "$tmp/copyright" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
    fail "copyright is not machine-readable"
grep -q '^License: Apache-2.0' "$tmp/copyright" || fail "copyright does not name Apache-2.0"
[[ $(dpkg-deb -f "$deb" Depends) == *libzbar0* ]] || fail "dh_shlibdeps computed no library Depends"

if [[ $(id -u) -eq 0 ]]; then
    bash "$root_dir/tests/slow/test_package_install.sh" "$deb" || fail "the install test of the dh package"
else
    echo "note: not root, so the package is not installed into a Debian root"
fi
echo "debian source package test: $((SECONDS - start)) s"
exit $failed
