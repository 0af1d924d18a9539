/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's logins (web_auth.h). */
#include "web_auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central_dash.h"
#include "log.h"
#include "sysclock.h"
#include "util.h"

#define SESSIONS_MAX  4096
#define ADDRESSES_MAX 1024

struct login_session {
    char token[WEB_AUTH_TOKEN_LEN + 1];
    struct web_user user;
    int64_t expires_ms;
};

/* Failed logins from one client address in the current window. */
struct failures {
    char addr[64];
    int count;
    int64_t window_ms; /* when the window started */
};

struct web_auth {
    const char *conninfo;
    pthread_mutex_t mu; /* guards the tables */
    struct login_session sessions[SESSIONS_MAX];
    struct failures failures[ADDRESSES_MAX];
    /* One login at a time (the user's lookup, then the password check): each check takes
     * crypto_pwhash's memory (64 MiB) and each lookup a database connection, so a flood of
     * logins from many addresses queues here instead of exhausting the machine or the
     * database's connections. */
    pthread_mutex_t verify;
    /* Checked against when the name is unknown, so that an unknown name takes as long as a
     * wrong password: the time does not tell which names exist. */
    char *dummy_hash;
};

struct web_auth *web_auth_create(const char *conninfo)
{
    if (sodium_init() < 0) {
        log_warnx("dashboard: libsodium cannot start");
        return NULL;
    }
    struct web_auth *auth = xcalloc(1, sizeof *auth);
    auth->conninfo = conninfo;
    auth->dummy_hash = web_auth_hash("not the password of anyone");
    if (auth->dummy_hash == NULL) {
        free(auth);
        return NULL;
    }
    pthread_mutex_init(&auth->mu, NULL);
    pthread_mutex_init(&auth->verify, NULL);
    return auth;
}

void web_auth_destroy(struct web_auth *auth)
{
    if (auth == NULL)
        return;
    pthread_mutex_destroy(&auth->mu);
    pthread_mutex_destroy(&auth->verify);
    sodium_memzero(auth->sessions, sizeof auth->sessions);
    free(auth->dummy_hash);
    free(auth);
}

/* The failures entry of addr (called locked): found, else a free or expired one, else the
 * oldest, reset. */
static struct failures *failures_of(struct web_auth *auth, const char *addr, int64_t now)
{
    struct failures *pick = &auth->failures[0];
    for (size_t i = 0; i < ADDRESSES_MAX; i++) {
        struct failures *f = &auth->failures[i];
        if (strcmp(f->addr, addr) == 0)
            return f;
        if (f->window_ms < pick->window_ms)
            pick = f;
    }
    snprintf(pick->addr, sizeof pick->addr, "%s", addr);
    pick->count = 0;
    pick->window_ms = now;
    return pick;
}

/* True (with *retry_s) when addr has used up its failures in the current window. */
static bool limited(struct web_auth *auth, const char *addr, int *retry_s)
{
    int64_t now = time_now_ms();
    pthread_mutex_lock(&auth->mu);
    struct failures *f = failures_of(auth, addr, now);
    if (now - f->window_ms >= WEB_AUTH_WINDOW_S * 1000) {
        f->count = 0;
        f->window_ms = now;
    }
    bool over = f->count >= WEB_AUTH_FAILURES_MAX;
    *retry_s = (int)((f->window_ms + WEB_AUTH_WINDOW_S * 1000 - now + 999) / 1000);
    pthread_mutex_unlock(&auth->mu);
    return over;
}

static void count_failure(struct web_auth *auth, const char *addr)
{
    pthread_mutex_lock(&auth->mu);
    failures_of(auth, addr, time_now_ms())->count++;
    pthread_mutex_unlock(&auth->mu);
}

/* Stores a new session for user and its token. */
static void session_new(struct web_auth *auth, const struct web_user *user,
                        char token[WEB_AUTH_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, WEB_AUTH_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    int64_t now = time_now_ms();
    pthread_mutex_lock(&auth->mu);
    struct login_session *pick = &auth->sessions[0];
    for (size_t i = 0; i < SESSIONS_MAX; i++) {
        if (auth->sessions[i].expires_ms < pick->expires_ms)
            pick = &auth->sessions[i]; /* a free or expired slot, else the oldest */
    }
    memcpy(pick->token, token, WEB_AUTH_TOKEN_LEN + 1);
    pick->user = *user;
    pick->expires_ms = now + (int64_t)WEB_AUTH_SESSION_S * 1000;
    pthread_mutex_unlock(&auth->mu);
}

enum web_login web_auth_login(struct web_auth *auth, const char *addr, const char *name,
                              const char *password, char token[WEB_AUTH_TOKEN_LEN + 1],
                              int *retry_s)
{
    if (limited(auth, addr, retry_s))
        return WEB_LOGIN_LIMITED;
    if (name[0] == '\0' || strlen(name) >= sizeof(struct web_user){0}.name) {
        count_failure(auth, addr);
        return WEB_LOGIN_WRONG;
    }
    pthread_mutex_lock(&auth->verify);
    PGconn *conn = central_dash_connect(auth->conninfo, NULL);
    char *hash = NULL, *role = NULL;
    int found = conn != NULL ? central_dash_user(conn, name, &hash, &role) : -1;
    central_close(conn);
    bool ok = false;
    if (found >= 0) {
        const char *against = found == 1 ? hash : auth->dummy_hash;
        ok = against != NULL &&
             crypto_pwhash_str_verify(against, password, strlen(password)) == 0 && found == 1;
    }
    pthread_mutex_unlock(&auth->verify);
    if (found < 0)
        return WEB_LOGIN_ERROR;
    if (ok) {
        struct web_user user;
        snprintf(user.name, sizeof user.name, "%s", name);
        snprintf(user.role, sizeof user.role, "%s", role);
        session_new(auth, &user, token);
        log_info("dashboard: %s logged in from %s", name, addr);
    } else {
        count_failure(auth, addr);
        log_warnx("dashboard: failed login for \"%s\" from %s", name, addr);
    }
    free(hash);
    free(role);
    return ok ? WEB_LOGIN_OK : WEB_LOGIN_WRONG;
}

bool web_auth_check(struct web_auth *auth, const char *token, struct web_user *user)
{
    if (token == NULL || strlen(token) != WEB_AUTH_TOKEN_LEN)
        return false;
    int64_t now = time_now_ms();
    bool ok = false;
    pthread_mutex_lock(&auth->mu);
    for (size_t i = 0; i < SESSIONS_MAX && !ok; i++) {
        struct login_session *s = &auth->sessions[i];
        if (s->expires_ms > now && sodium_memcmp(s->token, token, WEB_AUTH_TOKEN_LEN) == 0) {
            *user = s->user;
            ok = true;
        }
    }
    pthread_mutex_unlock(&auth->mu);
    return ok;
}

void web_auth_logout(struct web_auth *auth, const char *token)
{
    if (token == NULL || strlen(token) != WEB_AUTH_TOKEN_LEN)
        return;
    pthread_mutex_lock(&auth->mu);
    for (size_t i = 0; i < SESSIONS_MAX; i++) {
        if (sodium_memcmp(auth->sessions[i].token, token, WEB_AUTH_TOKEN_LEN) == 0)
            auth->sessions[i] = (struct login_session){0};
    }
    pthread_mutex_unlock(&auth->mu);
}

char *web_auth_hash(const char *password)
{
    if (sodium_init() < 0) {
        log_warnx("dashboard: libsodium cannot start");
        return NULL;
    }
    char *out = xmalloc(crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        log_warnx("dashboard: hashing the password: out of memory");
        free(out);
        return NULL;
    }
    return out;
}
