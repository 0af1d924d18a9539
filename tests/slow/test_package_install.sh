# SPDX-License-Identifier: Apache-2.0
# Installs the amd64 .deb into a clean Debian root (PORTIER_SUITE: bookworm, the default, or
# trixie; debootstrap, cached as a tarball) with
# apt, as an operator would, and checks that the files are in place, the portier user exists
# in the right groups, the units are enabled and systemd-analyze verify accepts them as
# installed; then purges the package and checks the scan logs survive.
# Needs root and the Debian mirror. Standalone: bash tests/slow/test_package_install.sh [DEB]
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
suite=${PORTIER_SUITE:-bookworm}
cache=${PORTIER_CHROOT_CACHE:-/var/cache/portier-cross/$suite-amd64-systemd.tar}
mirror=${PORTIER_MIRROR:-http://deb.debian.org/debian}
start=$SECONDS
[[ $(id -u) -eq 0 ]] || { echo "FAIL: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends debootstrap

tmp=$(mktemp -d /tmp/portier-install-XXXXXX)
chroot_dir=$tmp/root
cleanup() {
    umount "$chroot_dir/proc" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

deb=${1:-}
# Its own build directory: tests/slow/test_package.sh may build the package at the same time.
export PORTIER_PKG_BUILD=${PORTIER_PKG_BUILD:-$root_dir/build-pkg-install-amd64}
if [[ -z $deb ]]; then
    PORTIER_DIST=$tmp/dist "$root_dir/scripts/package" >/dev/null
    deb=$(ls "$tmp"/dist/portier_*_amd64.deb)
fi

if [[ ! -s $cache ]]; then
    mkdir -p "$(dirname "$cache")"
    debootstrap --variant=minbase --include=systemd,ca-certificates "$suite" "$tmp/base" "$mirror" >/dev/null
    rm -f "$tmp"/base/var/cache/apt/archives/*.deb
    tar -C "$tmp/base" -cf "$cache.part" . && mv "$cache.part" "$cache"
    rm -rf "$tmp/base"
fi
echo "chroot base ready after $((SECONDS - start)) s"
mkdir -p "$chroot_dir"
tar -C "$chroot_dir" -xf "$cache"
mount -t proc proc "$chroot_dir/proc"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
cp "$deb" "$chroot_dir/tmp/"
in_root() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"; }

# apt resolves the Depends from the Debian archive: wrong names or versions fail here.
in_root apt-get -o DPkg::Lock::Timeout=600 update -qq
if ! in_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "/tmp/$(basename "$deb")" >"$tmp/apt.log" 2>&1; then
    cat "$tmp/apt.log" >&2
    fail "apt-get -o DPkg::Lock::Timeout=600 install of the package failed"
fi
echo "installed after $((SECONDS - start)) s"

for f in /usr/bin/portier /lib/systemd/system/portier-kiosk.service \
    /lib/systemd/system/portier-sync.service /lib/systemd/system/portier-kiosk@.service \
    /usr/lib/sysusers.d/portier.conf /usr/lib/tmpfiles.d/portier.conf /etc/portier/kiosk.conf \
    /usr/share/man/man1/portier.1.gz /usr/share/man/man5/portier-kiosk.conf.5.gz \
    /usr/share/man/man1/portier-kiosk.1.gz /usr/share/man/man8/portier-sync.8.gz \
    /usr/share/bash-completion/completions/portier \
    /usr/share/doc/portier/copyright /usr/share/doc/portier/examples/sync.env; do
    [[ -e $chroot_dir$f ]] || fail "$f is missing"
done
in_root dpkg-query -W -f='${Conffiles}\n' portier | grep -q /etc/portier/kiosk.conf ||
    fail "/etc/portier/kiosk.conf is not a conffile"

# The program runs: every library it needs came with the Depends.
version=$(in_root portier --version 2>&1) || fail "portier --version: $version"
[[ $version == "portier "* ]] || fail "portier --version printed '$version'"
in_root ldd /usr/bin/portier | grep -q "not found" && fail "unresolved libraries: $(in_root ldd /usr/bin/portier | grep 'not found')"

# The user, its groups, its directory.
in_root getent passwd portier >/dev/null || fail "no portier user"
groups=$(in_root id -nG portier 2>/dev/null || true)
for g in video input render audio; do
    [[ " $groups " == *" $g "* ]] || fail "portier is not in group $g (groups: $groups)"
done
# The sync daemon's credential file exists (LoadCredential= needs it), root's alone.
perm=$(in_root stat -c '%a %U' /etc/portier/pgpass 2>/dev/null || echo missing)
[[ $perm == "600 root" ]] || fail "/etc/portier/pgpass is $perm, not '600 root'"
owner=$(in_root stat -c %U /var/lib/portier 2>/dev/null || echo none)
[[ $owner == portier ]] || fail "/var/lib/portier is owned by $owner"

# The units: enabled, and systemd-analyze verify accepts them as installed (--man=no: the
# minimal root has no man-db; the man pages were checked above).
for unit in portier-kiosk.service portier-sync.service; do
    state=$(in_root systemctl is-enabled "$unit" 2>&1 || true)
    [[ $state == enabled ]] || fail "$unit is $state"
done
if ! out=$(in_root systemd-analyze verify --man=no /lib/systemd/system/portier-kiosk.service \
    /lib/systemd/system/portier-sync.service 2>&1) || grep -q portier <<<"$out"; then
    fail "systemd-analyze verify in the installed root: $out"
fi
# A headless kiosk replays synthetic badges on a demo event in the root: the decoder, the rules
# and the scan log work with this release's libraries.
in_root portier demo --dir /tmp/demo --attendees 20 --no-kiosk >/dev/null 2>&1 || fail "portier demo in the root"
admitted=$(in_root portier kiosk /tmp/demo/kiosk --device door-1 --room entrance --headless \
    --camera synth --synth-tokens /tmp/demo/badges/tokens.csv --frames 60 \
    --clock 2026-04-23T08:30:00+02:00 --db /tmp/demo/scans.db 2>/dev/null | grep -c '"result":"admitted"' || true)
((admitted >= 3)) || fail "the headless replay in the root admitted $admitted badges"
echo "headless replay in the root: $admitted admitted"
# The doctor runs in the root and says what is missing on this unprovisioned machine, with a fix.
doctor=$(in_root portier doctor --camera-seconds 0 --no-central 2>&1 || true)
grep -q 'config' <<<"$doctor" || fail "portier doctor in the root printed: $doctor"
in_root bash -c 'source /usr/share/bash-completion/completions/portier && COMP_WORDS=(portier kiosk --mode "") COMP_CWORD=3 && _portier && [[ "${COMPREPLY[*]}" == *overview* ]]' ||
    fail "the installed bash completion does not complete 'portier kiosk --mode '"

# Purge: the program goes, the scan logs stay.
echo "scans" > "$chroot_dir/var/lib/portier/scans.db"
in_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 purge -y -qq portier >/dev/null 2>&1 ||
    fail "apt-get -o DPkg::Lock::Timeout=600 purge failed"
[[ ! -e $chroot_dir/usr/bin/portier ]] || fail "/usr/bin/portier survived the purge"
[[ -e $chroot_dir/var/lib/portier/scans.db ]] || fail "the purge deleted the scan log"
[[ ! -e $chroot_dir/etc/portier/pgpass ]] || fail "the purge left the central password file"

echo "install test: $((SECONDS - start)) s"
exit $failed
