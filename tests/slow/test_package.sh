# SPDX-License-Identifier: Apache-2.0
# Builds the .deb for this machine (scripts/package: CPack, then lintian, which must be clean)
# and checks what is in it: the files, the conffile, the maintainer scripts, and Depends equal
# to the list cross builds use (cmake/Packaging.cmake), so that the arm64 package stays right.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/portier-package-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

arch=$(dpkg --print-architecture)
PORTIER_DIST=$tmp "$root_dir/scripts/package" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
deb=$tmp/portier_$(sed -n 's/^project(portier VERSION \([0-9.]*\).*/\1/p' "$root_dir/CMakeLists.txt")_$arch.deb
[[ -f $deb ]] || { ls "$tmp" >&2; fail "no $(basename "$deb")"; exit 1; }

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#' > "$tmp/files"
for f in /usr/bin/portier /lib/systemd/system/portier-kiosk.service \
    /lib/systemd/system/portier-sync.service /lib/systemd/system/portier-kiosk@.service \
    /lib/systemd/system/portier-dashboard.service /usr/share/doc/portier/examples/dashboard.env \
    /usr/lib/sysusers.d/portier.conf /usr/lib/tmpfiles.d/portier.conf /etc/portier/kiosk.conf \
    /usr/share/man/man1/portier.1.gz /usr/share/man/man5/portier-kiosk.conf.5.gz \
    /usr/share/doc/portier/copyright /usr/share/doc/portier/changelog.gz; do
    grep -qx "$f" "$tmp/files" || fail "$f is not in the package"
done
dpkg-deb -e "$deb" "$tmp/control"
grep -qx /etc/portier/kiosk.conf "$tmp/control/conffiles" || fail "kiosk.conf is not a conffile"
for s in postinst prerm postrm; do
    [[ -x $tmp/control/$s ]] || fail "no executable $s"
    sh -n "$tmp/control/$s" || fail "$s has a syntax error"
done
grep -q 'systemd-sysusers portier.conf' "$tmp/control/postinst" || fail "postinst makes no user"

# The binary is stripped and its man pages are readable.
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/bin/portier > "$tmp/portier"
file "$tmp/portier" | grep -q ', stripped' || fail "portier is not stripped: $(file "$tmp/portier")"
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/share/man/man1/portier.1.gz | gzip -dc |
    grep -q '^\.TH PORTIER 1' || fail "portier.1 is not a man page"

# Depends: the library part must equal the cross builds' list.
depends=$(dpkg-deb -f "$deb" Depends)
expected=$(sed -n '/^set(PORTIER_DEB_SHLIB_DEPENDS/{n;p}' "$root_dir/cmake/Packaging.cmake" |
    sed 's/^ *"//; s/"[^"]*$//')
libs=$(tr ',' '\n' <<<"$depends" | sed 's/^ *//' | grep '^lib' | sort | paste -sd, | sed 's/,/, /g')
want=$(tr ',' '\n' <<<"$expected" | sed 's/^ *//' | sort | paste -sd, | sed 's/,/, /g')
[[ $libs == "$want" ]] || fail "Depends changed: dpkg-shlibdeps says
  $libs
but cmake/Packaging.cmake (PORTIER_DEB_SHLIB_DEPENDS, used by cross builds) says
  $want"
for d in systemd fonts-dejavu-core tzdata; do
    grep -q "$d" <<<"$depends" || fail "Depends lacks $d"
done
exit $failed
