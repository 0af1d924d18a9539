# SPDX-License-Identifier: Apache-2.0
# Debian 13 (trixie), where the 64-bit time_t transition renamed libraries: builds the Debian
# source package inside a debootstrapped trixie root (build dependencies from the trixie
# archive, cached as a tarball), then installs the .deb into a clean trixie root with
# tests/slow/test_package_install.sh (files, user, units, doctor, completion, purge).
# Opt-in (it downloads about 300 MB the first time): PORTIER_DEBIAN13=1 ./scripts/test -R debian13
# Standalone, as root: bash tests/slow/test_debian13.sh
set -euo pipefail
if [[ ${PORTIER_DEBIAN13:-0} != 1 ]]; then
    echo "skipped: set PORTIER_DEBIAN13=1 to build and install in a Debian 13 root"
    exit 77 # ctest: skipped (SKIP_RETURN_CODE)
fi
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
# The build root is cached with the build dependencies installed: a new Build-Depends list makes
# a new cache.
key=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$root_dir/debian/control" | md5sum | cut -c1-8)
cache=${PORTIER_TRIXIE_BUILD_CACHE:-/var/cache/portier-cross/trixie-amd64-build-$key.tar}
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

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 HOME=/root "$@"; }
version=$(dpkg-parsechangelog -l "$root_dir/debian/changelog" -S Version)
copy_source() {
    mkdir -p "$root/build/portier-$version"
    (cd "$root_dir" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) |
        tar -xf - -C "$root/build/portier-$version"
}
if [[ ! -s $cache ]]; then
    mkdir -p "$(dirname "$cache")"
    debootstrap --variant=minbase --include=build-essential,debhelper,ca-certificates trixie \
        "$root" "$mirror" >"$tmp/debootstrap.log" 2>&1 || {
        tail -20 "$tmp/debootstrap.log" >&2
        echo "FAIL: debootstrap trixie" >&2
        exit 1
    }
    mount -t proc proc "$root/proc"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    copy_source
    in_root apt-get -o DPkg::Lock::Timeout=600 update -qq
    # The build dependencies as debian/control names them, resolved in trixie; and lintian.
    if ! in_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 build-dep -y -qq \
        --no-install-recommends "/build/portier-$version" >"$tmp/deps.log" 2>&1 ||
        ! in_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends lintian >>"$tmp/deps.log" 2>&1; then
        tail -30 "$tmp/deps.log" >&2
        echo "FAIL: the build dependencies do not resolve in Debian 13" >&2
        exit 1
    fi
    umount "$root/proc"
    rm -rf "$root/build" "$root"/var/cache/apt/archives/*.deb
    tar -C "$root" -cf "$cache.part" . && mv "$cache.part" "$cache"
    rm -rf "$root"
fi
mkdir -p "$root"
tar -C "$root" -xf "$cache"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
copy_source
echo "trixie build root with the build dependencies ready after $((SECONDS - start)) s"
if ! in_root sh -c "cd /build/portier-$version && dpkg-buildpackage -us -uc -b" >"$tmp/build.log" 2>&1; then
    tail -40 "$tmp/build.log" >&2
    echo "FAIL: dpkg-buildpackage in Debian 13" >&2
    exit 1
fi
deb=$(ls "$root"/build/portier_"$version"_amd64.deb)
echo "built in Debian 13 after $((SECONDS - start)) s: Depends: $(dpkg-deb -f "$deb" Depends)"
# Debian 13's lintian on it: no error (its warnings and pedantic tags are printed).
in_root lintian --pedantic -I --tag-display-limit 0 "/build/portier_${version}_amd64.changes" >"$tmp/lintian" 2>&1 || true
sed 's/^/lintian (Debian 13): /' "$tmp/lintian"
if grep -q '^E: ' "$tmp/lintian"; then echo "FAIL: lintian errors in Debian 13 (above)" >&2; exit 1; fi
cp "$deb" "$tmp/"
PORTIER_SUITE=trixie bash "$root_dir/tests/slow/test_package_install.sh" "$tmp/$(basename "$deb")"
echo "debian 13 test: $((SECONDS - start)) s"
