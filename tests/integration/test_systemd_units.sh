# SPDX-License-Identifier: Apache-2.0
# The systemd units: systemd-analyze verify accepts them, and their exposure
# (systemd-analyze security --offline=yes) stays within the targets of issue 19: <= 2.0 for the
# kiosk and the sync daemon. The sync daemon's password comes as a credential (LoadCredential=).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)/systemd
tmp=$(mktemp -d /tmp/portier-units-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze is missing (apt install systemd)" >&2; exit 1; }

# Verify against the built program (the units name /usr/bin/portier, not installed here).
for unit in portier-kiosk.service portier-sync.service portier-kiosk@.service \
    portier-dashboard.service; do
    name=${unit/@./@door1.}
    sed "s#/usr/bin/portier#${PORTIER_BIN:?}#g" "$src/$unit" > "$tmp/$name"
done
for name in portier-kiosk.service portier-sync.service portier-kiosk@door1.service \
    portier-dashboard.service; do
    if ! out=$(cd "$tmp" && systemd-analyze verify --man=no "./$name" 2>&1); then
        fail "systemd-analyze verify $name: $out"
    elif grep -q "portier" <<<"$out"; then
        fail "systemd-analyze verify $name warns: $out"
    else
        echo "ok: verify $name"
    fi
done

# A unit file with a mistake must fail the check: the test can fail.
sed 's/^Restart=always/Restart=sometimes/' "$tmp/portier-kiosk.service" > "$tmp/broken.service"
# (verify exits 0 on such a warning: any line naming the unit counts, as above.)
if ! (cd "$tmp" && systemd-analyze verify --man=no ./broken.service 2>&1) | grep -q broken; then
    fail "systemd-analyze verify accepted Restart=sometimes"
fi

# Exposure: "→ Overall exposure level for X: 1.2 OK".
exposure() {
    systemd-analyze security --offline=yes --no-pager "$1" 2>&1 |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}
check_exposure() {
    local unit=$1 max=$2 value
    value=$(cd "$tmp" && exposure "./$unit")
    if [[ -z $value ]]; then
        fail "no exposure level for $unit"
    elif awk -v v="$value" -v m="$max" 'BEGIN { exit !(v <= m) }'; then
        echo "ok: $unit exposure $value <= $max"
    else
        fail "$unit exposure $value > $max"
    fi
}
check_exposure portier-sync.service 2.0
check_exposure portier-kiosk.service 2.0
check_exposure portier-kiosk@door1.service 2.0

# The password: a credential file that libpq reads from the credentials directory, never an
# environment variable (which /proc/PID/environ, systemctl show and child processes can see).
grep -qx 'LoadCredential=pgpass:/etc/portier/pgpass' "$src/portier-sync.service" ||
    fail "portier-sync.service does not load /etc/portier/pgpass as a credential"
grep -qx 'Environment=PGPASSFILE=%d/pgpass' "$src/portier-sync.service" ||
    fail "portier-sync.service does not point libpq at the credential (PGPASSFILE=%d/pgpass)"
grep -q '^PGPASSWORD=' "$src/sync.env" && fail "the example sync.env still sets PGPASSWORD"
grep -qE '^f /etc/portier/pgpass +0600 root +root' "$src/portier.tmpfiles" ||
    fail "portier.tmpfiles does not create /etc/portier/pgpass (0600 root), which LoadCredential= needs"
check_exposure portier-dashboard.service 2.0
for want in Type=notify Restart=always StartLimitIntervalSec=0 DynamicUser=yes \
    ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes \
    RestrictAddressFamilies= SystemCallFilter=@system-service CapabilityBoundingSet=; do
    grep -q "^$want" "$src/portier-dashboard.service" || fail "portier-dashboard.service lacks $want"
done

# The properties the issue asks for, so that a later edit cannot drop them unnoticed.
for unit in portier-kiosk.service portier-sync.service; do
    for want in Type=notify WatchdogSec= Restart=always StartLimitIntervalSec=0 \
        After=time-set.target User=portier StateDirectory=portier ProtectSystem=strict \
        NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes RestrictAddressFamilies= \
        SystemCallFilter=@system-service; do
        grep -q "^$want" "$src/$unit" || fail "$unit lacks $want"
    done
    grep -q '^After=.*time-sync.target' "$src/$unit" && fail "$unit waits for network time"
done
grep -q '^RestrictAddressFamilies=.*AF_INET' "$src/portier-kiosk.service" &&
    fail "the kiosk unit allows Internet sockets"
grep -q '^Environment=SDL_VIDEODRIVER=kmsdrm' "$src/portier-kiosk.service" ||
    fail "the kiosk unit does not select KMSDRM"

# A unit without hardening scores far above the targets: the exposure check can fail.
grep -v -e '^Protect' -e '^Private' -e '^Restrict' -e '^SystemCall' -e '^Capability' \
    -e '^NoNewPrivileges' -e '^IPAddressDeny' -e '^DevicePolicy' -e '^DeviceAllow' \
    -e '^ProcSubset' -e '^LockPersonality' -e '^MemoryDeny' -e '^User=' \
    "$tmp/portier-sync.service" > "$tmp/open.service"
open=$(cd "$tmp" && exposure ./open.service)
awk -v v="$open" 'BEGIN { exit !(v > 3.0) }' || fail "an unhardened unit scored $open"

exit $failed
