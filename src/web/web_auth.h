/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's logins: users in portier.dashboard_users (central_dash.h) with a libsodium
 * crypto_pwhash_str hash; sessions in memory (a random token in a cookie, WEB_AUTH_SESSION_S
 * long; a restart logs everyone out); failed logins limited per client address. */
#ifndef PORTIER_WEB_AUTH_H
#define PORTIER_WEB_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEB_AUTH_SESSION_S    (12 * 3600)
#define WEB_AUTH_FAILURES_MAX 5  /* failed logins from one address ... */
#define WEB_AUTH_WINDOW_S     60 /* ... within this many seconds; then refused until it ends */
#define WEB_AUTH_TOKEN_LEN    43 /* base64url of 32 random bytes */
#define WEB_AUTH_COOKIE       "portier_session"

struct web_auth;

enum web_login {
    WEB_LOGIN_OK,
    WEB_LOGIN_WRONG,   /* unknown name or wrong password (the same answer for both) */
    WEB_LOGIN_LIMITED, /* too many failures from this address: try later */
    WEB_LOGIN_ERROR,   /* the database could not be asked (logged) */
};

/* A logged-in user, as web_auth_check copies it. */
struct web_user {
    char name[64];
    char role[16]; /* "staff" or "organiser" */
};

/* Creates the logins' state; conninfo is borrowed and must outlive it. Owned by the caller. */
struct web_auth *web_auth_create(const char *conninfo);
/* Frees it; NULL is a no-op. */
void web_auth_destroy(struct web_auth *auth);

/* Checks name and password for a client at address addr; on WEB_LOGIN_OK stores a new
 * session's token in token (NUL-terminated). On WEB_LOGIN_LIMITED *retry_s says when to try
 * again. */
enum web_login web_auth_login(struct web_auth *auth, const char *addr, const char *name,
                              const char *password, char token[WEB_AUTH_TOKEN_LEN + 1],
                              int *retry_s);
/* True when token names a live session; then *user is filled. */
bool web_auth_check(struct web_auth *auth, const char *token, struct web_user *user);
/* Ends the session of token (unknown tokens are ignored). */
void web_auth_logout(struct web_auth *auth, const char *token);

/* Hashes password for portier.dashboard_users (crypto_pwhash_str, interactive limits).
 * Returns the string, owned by the caller, or NULL after logging why. */
char *web_auth_hash(const char *password);

#endif
