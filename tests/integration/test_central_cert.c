/* SPDX-License-Identifier: Apache-2.0 */
/* Logins to the central database on a real PostgreSQL 15 cluster with TLS (docs/central.md):
 *   - PostgreSQL's defaults closed: a login that is not Portier's cannot connect, and only
 *     the devices (and the owner) may create temporary tables;
 *   - a password stolen from a kiosk locks the kiosk out (a role may change its own
 *     password), while a certificate login (add-device --cert, pg_hba method cert) keeps
 *     working whatever the role does to its password, and refuses another device's
 *     certificate. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "file.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "scan.h"
#include "shell.h"
#include "util.h"

static char tmpdir[] = "/tmp/portier-cert-XXXXXX";
static const char *portier_bin;

/* Makes a certificate authority, the server's certificate (for 127.0.0.1) and client
 * certificates with CN door-cert and door-other, in tmpdir. */
static bool make_certificates(void)
{
    return test_sh("cd %s && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' >san.ext &&"
                   " openssl req -new -x509 -days 2 -nodes -subj '/CN=Portier test CA'"
                   " -keyout ca.key -out ca.crt 2>/dev/null &&"
                   " for cn in server door-cert door-other; do"
                   "   openssl req -new -nodes -subj \"/CN=$cn\" -keyout $cn.key -out $cn.csr"
                   "     2>/dev/null &&"
                   "   openssl x509 -req -in $cn.csr -CA ca.crt -CAkey ca.key -CAcreateserial"
                   "     -days 2 $([ $cn = server ] && echo -extfile san.ext) -out $cn.crt"
                   "     2>/dev/null || exit 1;"
                   " done && chmod 600 *.key && cp ca.crt root.crt",
                   tmpdir) == 0;
}

/* Turns TLS on (the server's files in its data directory, owned by the server's user), lets
 * door-cert and door-other log in with certificates only, and restarts the server. */
static bool enable_tls(struct pg_harness *pg, PGconn *super)
{
    const char *files[] = {"server.crt", "server.key", "ca.crt"};
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char *from = path_join(tmpdir, files[i]), *to = path_join(pg->data, files[i]);
        bool ok = test_sh("cp '%s' '%s' && chmod 600 '%s'", from, to, to) == 0 &&
                  (!pg->drop_privileges || chown(to, pg->uid, pg->gid) == 0);
        free(from);
        free(to);
        if (!ok)
            return false;
    }
    char *hba = path_join(pg->data, "pg_hba.conf");
    bool ok =
        test_sh("sed -i '1i hostssl all door-cert,door-other 127.0.0.1/32 cert' '%s'", hba) == 0;
    free(hba);
    return ok && exec_sql(super, "ALTER SYSTEM SET ssl = on") &&
           exec_sql(super, "ALTER SYSTEM SET ssl_cert_file = 'server.crt'") &&
           exec_sql(super, "ALTER SYSTEM SET ssl_key_file = 'server.key'") &&
           exec_sql(super, "ALTER SYSTEM SET ssl_ca_file = 'ca.crt'") && pg_harness_restart(pg);
}

/* Runs `portier central add-device CONNINFO NAME AUTH` for 127.0.0.1; returns the printed
 * conninfo (owned) or NULL. */
static char *add_device(const char *conninfo, const char *name, const char *auth, int port)
{
    char *out = path_join(tmpdir, "add-device.out");
    int rc = test_sh("'%s' central add-device '%s' %s %s --host 127.0.0.1 --port %d >'%s'"
                     " 2>/dev/null",
                     portier_bin, conninfo, name, auth, port, out);
    char *text = rc == 0 ? file_read_all(out, NULL) : NULL;
    free(out);
    if (text != NULL)
        text[strcspn(text, "\n")] = '\0';
    return text;
}

/* PostgreSQL's defaults closed (schema step 3). */
static void test_privileges(PGconn *db, struct pg_harness *pg)
{
    CHECK(exec_sql(db, "CREATE ROLE stranger LOGIN PASSWORD 'stranger-password'"));
    char *ci = xasprintf("host=127.0.0.1 port=%d dbname=event user=stranger "
                         "password=stranger-password sslmode=disable connect_timeout=10",
                         pg->port);
    PGconn *c = PQconnectdb(ci);
    CHECK_MSG(PQstatus(c) != CONNECTION_OK &&
                  strstr(PQerrorMessage(c), "permission denied for database"),
              "a stranger's login connected: %s", PQerrorMessage(c));
    PQfinish(c);
    free(ci);
    CHECK_QUERY(db, "SELECT has_database_privilege('stranger', 'event', 'TEMPORARY')", "f");
    CHECK_QUERY(db, "SELECT has_schema_privilege('stranger', 'public', 'USAGE')", "f");
    CHECK_QUERY(db, "SELECT has_database_privilege('door-pw', 'event', 'CONNECT')", "t");
    CHECK_QUERY(db, "SELECT has_database_privilege('door-pw', 'event', 'TEMPORARY')", "t");
    CHECK_QUERY(db, "SELECT has_database_privilege('portier_organiser', 'event', 'CONNECT')", "t");
    CHECK_QUERY(db, "SELECT has_database_privilege('portier_organiser', 'event', 'TEMPORARY')",
                "f");
    CHECK(exec_sql(db, "DROP ROLE stranger"));
}

/* A password login changes its own password: the kiosk that holds the old one is out. */
static void test_password_lockout(const char *conninfo)
{
    PGconn *thief = connect_to(conninfo);
    CHECK(thief != NULL);
    CHECK(thief != NULL && exec_sql(thief, "ALTER ROLE \"door-pw\" PASSWORD 'stolen'"));
    PQfinish(thief);
    PGconn *kiosk = PQconnectdb(conninfo);
    CHECK(PQstatus(kiosk) != CONNECTION_OK &&
          strstr(PQerrorMessage(kiosk), "password authentication failed"));
    PQfinish(kiosk);
}

/* A certificate login: works over TLS as the certificate's CN, inserts its scans, survives a
 * password change, and another device's certificate does not open it. */
static void test_cert_login(const char *conninfo)
{
    PGconn *kiosk = connect_to(conninfo);
    CHECK_MSG(kiosk != NULL, "the certificate login failed: %s", conninfo);
    if (kiosk == NULL)
        return;
    CHECK_QUERY(kiosk, "SELECT current_user", "door-cert");
    CHECK_QUERY(kiosk, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", "t");
    struct scan s;
    memset(&s, 0, sizeof s);
    snprintf(s.device_id, sizeof s.device_id, "door-cert");
    s.db_epoch = 1;
    s.seq = 1;
    s.mono_ns = 1;
    snprintf(s.boot_id, sizeof s.boot_id, "boot");
    snprintf(s.room, sizeof s.room, "entrance");
    s.kind = SCAN_ROOM_OPEN;
    s.result = RESULT_DENIED;
    CHECK(central_upload_scans(kiosk, &s, 1, NULL, 0) == 1);
    /* Whoever holds the session sets a password: the certificate still decides. */
    CHECK(exec_sql(kiosk, "ALTER ROLE \"door-cert\" PASSWORD 'stolen'"));
    PQfinish(kiosk);
    kiosk = connect_to(conninfo);
    CHECK(kiosk != NULL);
    PQfinish(kiosk);
    char *with_password =
        xasprintf("%s password=stolen sslcert=none.crt sslkey=none.key", conninfo);
    PGconn *thief = PQconnectdb(with_password);
    CHECK(PQstatus(thief) != CONNECTION_OK);
    PQfinish(thief);
    free(with_password);
    char *other = xasprintf("%s sslcert=door-other.crt sslkey=door-other.key", conninfo);
    thief = PQconnectdb(other);
    CHECK_MSG(PQstatus(thief) != CONNECTION_OK &&
                  strstr(PQerrorMessage(thief), "certificate authentication failed"),
              "another device's certificate: %s", PQerrorMessage(thief));
    PQfinish(thief);
    free(other);
}

int main(void)
{
    portier_bin = getenv("PORTIER_BIN");
    CHECK_MSG(portier_bin != NULL, "PORTIER_BIN is not set");
    CHECK(mkdtemp(tmpdir) != NULL);
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK_MSG(pg != NULL, "no PostgreSQL cluster (see above)");
    if (pg == NULL || portier_bin == NULL)
        goto out;
    PGconn *super = connect_to(pg_harness_conninfo(pg));
    CHECK(super != NULL);
    bool ready = super != NULL && make_certificates() && enable_tls(pg, super);
    CHECK_MSG(ready, "cannot set up TLS (openssl, the server's configuration)");
    PQfinish(super);
    if (!ready)
        goto out;
    char conninfo[1024];
    super = connect_to(pg_harness_conninfo(pg));
    CHECK(super != NULL && exec_sql(super, "CREATE DATABASE event ENCODING 'UTF8'"));
    PQfinish(super);
    pg_harness_conninfo_db(pg, "event", conninfo, sizeof conninfo);
    CHECK(test_sh("'%s' central init '%s' >/dev/null", portier_bin, conninfo) == 0);
    /* libpq reads the certificate files named in the conninfo from the working directory. */
    CHECK(chdir(tmpdir) == 0);
    char *password_login = add_device(conninfo, "door-pw", "--password", pg->port);
    char *cert_login = add_device(conninfo, "door-cert", "--cert", pg->port);
    CHECK(password_login != NULL && cert_login != NULL);
    CHECK(cert_login != NULL && strstr(cert_login, "sslcert=door-cert.crt") &&
          strstr(cert_login, "sslkey=door-cert.key") && strstr(cert_login, "sslrootcert=root.crt"));
    PGconn *db = connect_to(conninfo);
    CHECK(db != NULL);
    if (db != NULL)
        test_privileges(db, pg);
    if (password_login != NULL)
        test_password_lockout(password_login);
    if (cert_login != NULL)
        test_cert_login(cert_login);
    PQfinish(db);
    free(password_login);
    free(cert_login);
out:
    pg_harness_destroy(pg);
    pg_harness_rm_tree(tmpdir);
    return check_done();
}
