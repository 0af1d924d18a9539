# SPDX-License-Identifier: Apache-2.0
# A throwaway PostgreSQL cluster for the benchmark scripts (sourced; set pgbin and tmp first).
# As root (CI), PostgreSQL runs as the unprivileged user portier-test, as
# tests/support/pg_harness.h does.

die() {
    echo "${0##*/}: $*" >&2
    exit 1
}

as_pg=()
if [[ $(id -u) == 0 ]]; then
    id portier-test >/dev/null 2>&1 ||
        useradd --system --no-create-home --shell /usr/sbin/nologin portier-test
    as_pg=(setpriv --reuid=portier-test --regid=portier-test --clear-groups)
fi

# Runs a PostgreSQL program as the cluster's owner.
pg() { "${as_pg[@]}" "$pgbin/$1" "${@:2}"; }

# A free TCP port on 127.0.0.1: one that refuses a connection.
free_port() {
    local p
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free TCP port found"
}

# Makes the cluster in $tmp/pg/data (superuser postgres, trust on the socket, passwords on TCP).
pg_init() {
    [[ -x $pgbin/initdb ]] || die "no $pgbin/initdb: install postgresql"
    mkdir -p "$tmp/pg"
    chmod 755 "$tmp"
    [[ -n ${as_pg[*]} ]] && chown portier-test: "$tmp/pg"
    pg initdb -D "$tmp/pg/data" -U postgres -E UTF8 --no-locale --auth-local=trust \
        --auth-host=scram-sha-256 --no-sync >"$tmp/pg/initdb.log" 2>&1 || die "initdb failed"
    port=$(free_port)
}

# Starts it on $port with the extra server settings given.
pg_start() {
    pg pg_ctl start -D "$tmp/pg/data" -l "$tmp/pg/server.log" -w -t 60 \
        -o "-k $tmp/pg -p $port -c listen_addresses=127.0.0.1 $*" \
        >>"$tmp/pg/pg_ctl.log" 2>&1 || die "pg_ctl start failed (see $tmp/pg/server.log)"
    pg_up=1
}

# Stops it as a crash would.
pg_crash() {
    pg pg_ctl stop -D "$tmp/pg/data" -m immediate -w >>"$tmp/pg/pg_ctl.log" 2>&1
    pg_up=0
}
