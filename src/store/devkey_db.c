/* SPDX-License-Identifier: Apache-2.0 */
#include "devkey_db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_db.h"
#include "file.h"
#include "log.h"
#include "sqlutil.h"
#include "store.h"
#include "sysclock.h"
#include "timeutil.h"
#include "util.h"

/* Loads the device keys. */
bool devkey_db_load(sqlite3 *db, const char *db_path, struct event *ev)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT device, public_key, first_num, last_num, cert, "
                           "revoked_at IS NOT NULL FROM device_keys ORDER BY device, first_num",
                           -1, &st, NULL) != SQLITE_OK) {
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
        return false;
    }
    int rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ev->n_device_keys == cap) {
            cap = cap ? cap * 2 : 8;
            ev->device_keys = xrealloc(ev->device_keys, cap * sizeof *ev->device_keys);
        }
        struct device_key *k = &ev->device_keys[ev->n_device_keys];
        memset(k, 0, sizeof *k);
        const char *pk = (const char *)sqlite3_column_text(st, 1);
        const char *cert = (const char *)sqlite3_column_text(st, 4);
        if (!sql_column_copy(st, 0, k->device, sizeof k->device) || pk == NULL || cert == NULL ||
            !devkey_hex_decode(pk, strlen(pk), k->pk, sizeof k->pk) ||
            !devkey_hex_decode(cert, strlen(cert), k->cert, sizeof k->cert)) {
            log_warnx("%s: table device_keys: row %zu is malformed; make the bundle again with "
                      "portier bundle",
                      db_path, ev->n_device_keys + 1);
            sqlite3_finalize(st);
            return false;
        }
        k->first_num = (uint32_t)sqlite3_column_int64(st, 2);
        k->last_num = (uint32_t)sqlite3_column_int64(st, 3);
        k->revoked = sqlite3_column_int(st, 5) != 0;
        ev->n_device_keys++;
    }
    if (rc != SQLITE_DONE)
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

/* One integer of a query, or -1 (after logging) on error. */
static sqlite3_int64 query_int(sqlite3 *db, const char *db_path, const char *sql, const char *arg)
{
    sqlite3_stmt *st = NULL;
    sqlite3_int64 v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (arg != NULL)
            sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
    }
    if (v < 0)
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return v;
}

/* Opens event_dir's event.db for writing and begins a write transaction. */
static sqlite3 *begin(const char *db_path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        log_warnx("%s: cannot open: %s", db_path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    uint32_t event_id;
    /* event_read_id checks the header (format, version) and upgrades an older file. */
    if (!event_read_id(db_path, &event_id) || !sql_exec(db, db_path, "PRAGMA synchronous=FULL") ||
        !sql_exec(db, db_path, "BEGIN IMMEDIATE")) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* Draws a key pair whose key id no other key of the event has. */
static void draw_key(const struct event *ev, struct device_key *k, uint8_t *sk)
{
    for (;;) {
        token_keypair(k->pk, sk);
        uint16_t id = token_key_id(k->pk);
        bool taken = id == ev->key_id;
        for (size_t i = 0; i < ev->n_device_keys && !taken; i++)
            taken = token_key_id(ev->device_keys[i].pk) == id;
        if (!taken)
            return;
    }
}

/* Stores k (in the open transaction). */
static bool insert_key(sqlite3 *db, const char *db_path, const struct device_key *k)
{
    char pk[2 * TOKEN_PUBLIC_KEY_LEN + 1], cert[2 * DEVKEY_CERT_LEN + 1], now[TIME_ISO_LEN];
    devkey_hex_encode(k->pk, sizeof k->pk, pk);
    devkey_hex_encode(k->cert, sizeof k->cert, cert);
    time_format_iso8601(time_now_ms(), now);
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db,
                                 "INSERT INTO device_keys(public_key, device, first_num, "
                                 "last_num, cert, created_at) VALUES(?,?,?,?,?,?)",
                                 -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, pk, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, k->device, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, k->first_num);
        sqlite3_bind_int64(st, 4, k->last_num);
        sqlite3_bind_text(st, 5, cert, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    if (!ok)
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return ok && sql_exec(db, db_path, EVENT_DB_BUMP_MODEL_VERSION_SQL);
}

bool devkey_db_issue(const char *event_dir, const char *device, uint32_t walkins,
                     struct device_key *k, uint8_t sk[TOKEN_SECRET_KEY_LEN])
{
    char *db_path = path_join(event_dir, EVENT_DB_NAME);
    uint8_t event_sk[TOKEN_SECRET_KEY_LEN];
    struct event *ev = NULL;
    sqlite3 *db = NULL;
    bool ok = false;
    memset(k, 0, sizeof *k);
    if (!event_read_secret_key(event_dir, event_sk) || (ev = event_load(db_path)) == NULL ||
        (db = begin(db_path)) == NULL)
        goto out;
    sqlite3_int64 live = query_int(
        db, db_path, "SELECT count(*) FROM device_keys WHERE device = ? AND revoked_at IS NULL",
        device);
    /* Above every range handed out (revoked ones too: their badges exist) and every number. */
    sqlite3_int64 top = query_int(db, db_path,
                                  "SELECT max(coalesce((SELECT max(last_num) FROM device_keys), 0),"
                                  " coalesce((SELECT max(num) FROM attendees), 0))",
                                  NULL);
    if (live < 0 || top < 0)
        goto out;
    if (live > 0) {
        log_warnx("device-key: device '%s' already has a key; revoke it first (portier "
                  "device-key %s --revoke %s) if this is a new machine for it",
                  device, event_dir, device);
        goto out;
    }
    uint64_t first = top + 1 > DEVKEY_WALKIN_FIRST ? (uint64_t)top + 1 : DEVKEY_WALKIN_FIRST;
    if (walkins == 0 || first + walkins - 1 > DEVKEY_WALKIN_LAST) {
        log_warnx("device-key: no room for %u walk-in numbers (the next free one is %llu, the last "
                  "is %u): ask for fewer with --walkins",
                  walkins, (unsigned long long)first, DEVKEY_WALKIN_LAST);
        goto out;
    }
    snprintf(k->device, sizeof k->device, "%s", device);
    k->first_num = (uint32_t)first;
    k->last_num = (uint32_t)(first + walkins - 1);
    draw_key(ev, k, sk);
    if (!devkey_certify(event_sk, ev->event_id, k)) {
        log_warnx("device-key: cannot certify the key of '%s'", device);
        goto out;
    }
    ok = insert_key(db, db_path, k) && sql_exec(db, db_path, "COMMIT");
out:
    if (db != NULL && !ok)
        sql_exec(db, db_path, "ROLLBACK");
    sqlite3_close(db);
    sodium_memzero(event_sk, sizeof event_sk);
    event_destroy(ev);
    free(db_path);
    return ok;
}

bool devkey_db_revoke(const char *event_dir, const char *device, int *n)
{
    char *db_path = path_join(event_dir, EVENT_DB_NAME);
    sqlite3 *db = begin(db_path);
    bool ok = false;
    *n = 0;
    if (db == NULL)
        goto out;
    char now[TIME_ISO_LEN];
    time_format_iso8601(time_now_ms(), now);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "UPDATE device_keys SET revoked_at = ? WHERE device = ? AND "
                           "revoked_at IS NULL",
                           -1, &st, NULL) != SQLITE_OK) {
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, device, -1, SQLITE_STATIC);
    bool done = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    *n = sqlite3_changes(db);
    if (!done) {
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
        goto out;
    }
    if (*n == 0) {
        log_warnx("device-key: device '%s' has no key to revoke (see portier device-key %s --list)",
                  device, event_dir);
        goto out;
    }
    ok = sql_exec(db, db_path, EVENT_DB_BUMP_MODEL_VERSION_SQL) && sql_exec(db, db_path, "COMMIT");
out:
    if (db != NULL && !ok)
        sql_exec(db, db_path, "ROLLBACK");
    sqlite3_close(db);
    free(db_path);
    return ok;
}

bool devkey_db_apply_pulled(const char *db_path, const struct devkey_db_pulled *keys, size_t n,
                            char *why, size_t why_size)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *up = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(why, why_size, "%s", db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return false;
    }
    sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
    /* A revocation is never undone, whatever arrives. */
    bool ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db,
                                 "INSERT INTO device_keys (public_key, device, first_num, "
                                 "last_num, cert, created_at, revoked_at) VALUES (?1, ?2, ?3, "
                                 "?4, ?5, ?6, ?7) ON CONFLICT (public_key) DO UPDATE SET "
                                 "revoked_at = coalesce(device_keys.revoked_at, "
                                 "excluded.revoked_at)",
                                 -1, &up, NULL) == SQLITE_OK;
    for (size_t i = 0; ok && i < n; i++) {
        sqlite3_reset(up);
        sqlite3_bind_text(up, 1, keys[i].public_key, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 2, keys[i].device, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 3, keys[i].first_num);
        sqlite3_bind_int64(up, 4, keys[i].last_num);
        sqlite3_bind_text(up, 5, keys[i].cert, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 6, keys[i].created_at, -1, SQLITE_STATIC);
        if (keys[i].revoked_at != NULL)
            sqlite3_bind_text(up, 7, keys[i].revoked_at, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(up, 7);
        ok = sqlite3_step(up) == SQLITE_DONE;
    }
    ok = ok && sqlite3_exec(db, EVENT_DB_BUMP_MODEL_VERSION_SQL, NULL, NULL, NULL) == SQLITE_OK &&
         sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) {
        snprintf(why, why_size, "%s", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_finalize(up);
    sqlite3_close(db);
    return ok;
}
