# SPDX-License-Identifier: Apache-2.0
# Debian 13 (trixie), where the 64-bit time_t transition renamed libraries: builds the Debian
# source package inside a debootstrapped trixie root (build dependencies from the trixie
# archive, cached as a tarball), then installs the .deb into a clean trixie root with
# tests/slow/test_package_install.sh (files, user, units, doctor, completion, purge).
# Opt-in (it downloads about 250 MB the first time): PORTIER_DEBIAN13=1 ./scripts/test -R debian13
# Standalone, as root: bash tests/slow/test_debian13.sh
set -euo pipefail
if [[ ${PORTIER_DEBIAN13:-0} != 1 ]]; then
    echo "skipped: set PORTIER_DEBIAN13=1 to build and install in a Debian 13 root"
    exit 0
fi
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
cache=${PORTIER_TRIXIE_BUILD_CACHE:-/var/cache/portier-cross/trixie-amd64-build.tar}
mirror=${PORTIER_MIRROR:-http://deb.debian.org/debian}
start=$SECONDS
[[ $(id -u) -eq 0 ]] || { echo "FAIL: needs root (debootstrap, chroot)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/portier-trixie-XXXXXX)
root=$tmp/root
cleanup() {
    umount "$root/proc" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

if [[ ! -s $cache ]]; then
    mkdir -p "$(dirname "$cache")"
    debootstrap --variant=minbase --include=build-essential,debhelper,ca-certificates trixie \
        "$tmp/base" "$mirror" >/dev/null
    rm -f "$tmp"/base/var/cache/apt/archives/*.deb
    tar -C "$tmp/base" -cf "$cache.part" . && mv "$cache.part" "$cache"
    rm -rf "$tmp/base"
fi
mkdir -p "$root"
tar -C "$root" -xf "$cache"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 HOME=/root "$@"; }
echo "trixie build root ready after $((SECONDS - start)) s"

version=$(dpkg-parsechangelog -l "$root_dir/debian/changelog" -S Version)
mkdir -p "$root/build/portier-$version"
(cd "$root_dir" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) |
    tar -xf - -C "$root/build/portier-$version"
in_root apt-get -o DPkg::Lock::Timeout=600 update -qq
# The build dependencies as debian/control names them, resolved in trixie.
if ! in_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 build-dep -y -qq \
    --no-install-recommends "/build/portier-$version" >"$tmp/deps.log" 2>&1; then
    tail -30 "$tmp/deps.log" >&2
    echo "FAIL: the build dependencies do not resolve in Debian 13" >&2
    exit 1
fi
echo "build dependencies installed after $((SECONDS - start)) s"
if ! in_root sh -c "cd /build/portier-$version && dpkg-buildpackage -us -uc -b" >"$tmp/build.log" 2>&1; then
    tail -40 "$tmp/build.log" >&2
    echo "FAIL: dpkg-buildpackage in Debian 13" >&2
    exit 1
fi
deb=$(ls "$root"/build/portier_"$version"_amd64.deb)
echo "built in Debian 13 after $((SECONDS - start)) s: Depends: $(dpkg-deb -f "$deb" Depends)"
cp "$deb" "$tmp/"
PORTIER_SUITE=trixie bash "$root_dir/tests/slow/test_package_install.sh" "$tmp/$(basename "$deb")"
echo "debian 13 test: $((SECONDS - start)) s"
