/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's HTTP server (web.h): routes, the event streams, logins. */
#include "web.h"

#include <ctype.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "file.h"
#include "log.h"
#include "occupancy.h"
#include "sdnotify.h"
#include "sysclock.h"
#include "util.h"
#include "web_assets.h"
#include "web_auth.h"
#include "web_feed.h"
#include "web_org.h"

#define BODY_MAX           4096        /* a login form; larger bodies get 413 */
#define CONNECTION_MEMORY  (32 * 1024) /* request line and headers; beyond it MHD answers 431 */
#define CONNECTIONS_MAX    2000
#define IDLE_TIMEOUT_S     60    /* a connection that sends or receives nothing is closed */
#define KEEPALIVE_MS       15000 /* an idle event stream gets a comment this often */
#define THREAD_STACK_BYTES (256 * 1024)

struct web_server {
    struct MHD_Daemon *daemon;
    struct web_feed *feed;
    struct web_auth *auth;
    struct web_org *org;
    bool public_feed, tls;
    char *cert, *key;
    int port;
};

/* A request in progress: its body, for POSTs. */
struct request {
    struct strbuf body;
    bool too_large;
};

/* An event stream being sent. */
struct stream {
    struct web_server *server;
    struct web_feed_cursor cur;
    bool page;
    struct strbuf pending;
    size_t sent;
};

/* Adds the headers every answer has. */
static void common_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
}

/* Queues an answer with a copy of body. */
static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *type,
                              const void *body, size_t len, const char *cache)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    common_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache ? cache : "no-store");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result answer_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    return answer(c, status, "text/plain; charset=utf-8", text, strlen(text), NULL);
}

static enum MHD_Result answer_json(struct MHD_Connection *c, const struct strbuf *sb, bool open)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sb->len, sb->data, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    common_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (open) /* signage and schedule apps on other origins may read the open feed */
        MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* Sends the event stream: blocks (this connection's thread) until the feed has news. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *s = cls;
    if (s->sent == s->pending.len) {
        strbuf_reset(&s->pending);
        s->sent = 0;
        if (!web_feed_wait(s->server->feed, &s->cur, s->page, KEEPALIVE_MS, &s->pending))
            return MHD_CONTENT_READER_END_OF_STREAM;
    }
    size_t n = s->pending.len - s->sent;
    if (n > max)
        n = max;
    memcpy(buf, s->pending.data + s->sent, n);
    s->sent += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream *s = cls;
    strbuf_finish(&s->pending);
    free(s);
}

static enum MHD_Result answer_stream(struct web_server *server, struct MHD_Connection *c, bool page)
{
    struct stream *s = xcalloc(1, sizeof *s);
    s->server = server;
    s->page = page;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, s, stream_free);
    if (r == NULL) {
        stream_free(s);
        return MHD_NO;
    }
    common_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Accel-Buffering", "no"); /* nginx: pass events at once */
    if (!page)
        MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* The language of the page: ?lang=, else the cookie portier_lang, else the first of nl, fr,
 * en in Accept-Language, else en. */
static const char *page_lang(struct MHD_Connection *c)
{
    static const char *const langs[] = {"nl", "fr", "en"};
    const char *picks[] = {
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang"),
        MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "portier_lang"),
    };
    for (size_t p = 0; p < ARRAY_LEN(picks); p++) {
        for (size_t i = 0; picks[p] != NULL && i < ARRAY_LEN(langs); i++) {
            if (strcmp(picks[p], langs[i]) == 0)
                return langs[i];
        }
    }
    const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    for (const char *t = al; t != NULL && *t != '\0';) {
        t += strspn(t, " ,");
        for (size_t i = 0; i < ARRAY_LEN(langs); i++) {
            if (strncasecmp(t, langs[i], 2) == 0 && (t[2] == '\0' || strchr("-;, ", t[2])))
                return langs[i];
        }
        t = strchr(t, ',');
    }
    return "en";
}

/* One {{key}} of a page and what it becomes. */
struct fill {
    const char *key, *with;
    size_t len;
};

/* Appends text to sb with each fills[i].key replaced by fills[i].with. */
static void fill_page(struct strbuf *sb, const char *text, const struct fill *fills, size_t n)
{
    for (;;) {
        const struct fill *first = NULL;
        const char *at = NULL;
        for (size_t i = 0; i < n; i++) {
            const char *hit = strstr(text, fills[i].key);
            if (hit != NULL && (at == NULL || hit < at)) {
                at = hit;
                first = &fills[i];
            }
        }
        if (at == NULL)
            break;
        strbuf_append(sb, text, (size_t)(at - text));
        strbuf_append(sb, first->with, first->len);
        text = at + strlen(first->key);
    }
    strbuf_puts(sb, text);
}

/* A page of assets/web, answered with status: first {{head}}, {{nav}} and {{foot}} become the
 * parts the pages share (assets/web/_head.html, _nav.html, _foot.html, without their last
 * newline, so that a page puts each on a line of its own); then {{lang}} becomes the page's
 * language and {{error}} error (HTML, or "" when NULL). */
static enum MHD_Result answer_page(struct MHD_Connection *c, const char *asset, unsigned status,
                                   const char *error)
{
    static const char *const part_names[][2] = {
        {"{{head}}", "/_head.html"}, {"{{nav}}", "/_nav.html"}, {"{{foot}}", "/_foot.html"}};
    const struct web_asset *a = web_asset_find(asset);
    if (a == NULL)
        return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "page missing\n");
    struct fill parts[ARRAY_LEN(part_names)];
    for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
        const struct web_asset *part = web_asset_find(part_names[i][1]);
        if (part == NULL)
            return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "page part missing\n");
        size_t len = part->size;
        if (len > 0 && part->data[len - 1] == '\n')
            len--;
        parts[i] = (struct fill){part_names[i][0], (const char *)part->data, len};
    }
    const char *lang = page_lang(c);
    error = error ? error : "";
    const struct fill values[] = {{"{{lang}}", lang, strlen(lang)},
                                  {"{{error}}", error, strlen(error)}};
    struct strbuf whole = {0}, sb = {0};
    fill_page(&whole, (const char *)a->data, parts, ARRAY_LEN(parts));
    fill_page(&sb, whole.data, values, ARRAY_LEN(values));
    strbuf_finish(&whole);
    enum MHD_Result ok = answer(c, status, "text/html; charset=utf-8", sb.data, sb.len, NULL);
    strbuf_finish(&sb);
    return ok;
}

/* The fill levels' colours, the kiosk's (occupancy_level_rgb), as CSS variables. */
static enum MHD_Result answer_levels(struct MHD_Connection *c)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, ":root {");
    for (int l = OCCUPANCY_LEVEL_OK; l <= OCCUPANCY_LEVEL_CLOSED; l++)
        strbuf_printf(&sb, " --level-%s: #%06x;", occupancy_level_name((enum occupancy_level)l),
                      (unsigned)occupancy_level_rgb((enum occupancy_level)l));
    strbuf_puts(&sb, " }\n");
    enum MHD_Result ok =
        answer(c, MHD_HTTP_OK, "text/css; charset=utf-8", sb.data, sb.len, "max-age=300");
    strbuf_finish(&sb);
    return ok;
}

/* Decodes an application/x-www-form-urlencoded value in place ('+' and %XX). */
static void form_decode(char *s)
{
    char *out = s;
    for (; *s != '\0'; s++) {
        if (*s == '+') {
            *out++ = ' ';
        } else if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
            char hex[3] = {s[1], s[2], '\0'};
            *out++ = (char)strtol(hex, NULL, 16);
            s += 2;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
}

/* The value of field in a form body (a copy, decoded, owned by the caller), or NULL. */
static char *form_field(const char *body, const char *field)
{
    size_t flen = strlen(field);
    for (const char *p = body; p != NULL && *p != '\0';) {
        const char *end = strchr(p, '&');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > flen && strncmp(p, field, flen) == 0 && p[flen] == '=') {
            char *v = xmalloc(len - flen);
            memcpy(v, p + flen + 1, len - flen - 1);
            v[len - flen - 1] = '\0';
            form_decode(v);
            return v;
        }
        p = end ? end + 1 : NULL;
    }
    return NULL;
}

/* The client's address as text. */
static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
    snprintf(out, n, "unknown");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci == NULL || ci->client_addr == NULL)
        return;
    socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                           : sizeof(struct sockaddr_in);
    getnameinfo(ci->client_addr, len, out, (socklen_t)n, NULL, 0, NI_NUMERICHOST);
}

/* Sets the session cookie (or clears it: token NULL) and redirects to location. */
static enum MHD_Result answer_cookie(struct web_server *server, struct MHD_Connection *c,
                                     const char *token, const char *location)
{
    char cookie[256];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
             WEB_AUTH_COOKIE, token ? token : "", token ? WEB_AUTH_SESSION_S : 0,
             server->tls ? "; Secure" : "");
    struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    common_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
    MHD_destroy_response(r);
    return ok;
}

/* 429 with Retry-After: too many failed logins from this address. */
static enum MHD_Result answer_limited(struct MHD_Connection *c, int retry)
{
    static const char text[] = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Portier"
                               "</title></head><body><p>Too many failed logins: try again later."
                               "</p></body></html>\n";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    char secs[16];
    snprintf(secs, sizeof secs, "%d", retry > 0 ? retry : 1);
    common_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_TOO_MANY_REQUESTS, r);
    MHD_destroy_response(r);
    return ok;
}

/* POST /login with the fields name and password. */
static enum MHD_Result do_login(struct web_server *server, struct MHD_Connection *c,
                                const char *body)
{
    char *name = form_field(body, "name"), *password = form_field(body, "password");
    if (name == NULL || password == NULL) {
        free(name);
        free(password);
        return answer_text(c, MHD_HTTP_BAD_REQUEST,
                           "the form needs the fields name and password\n");
    }
    char addr[64], token[WEB_AUTH_TOKEN_LEN + 1];
    client_addr(c, addr, sizeof addr);
    int retry = 0;
    enum web_login r = web_auth_login(server->auth, addr, name, password, token, &retry);
    sodium_memzero(password, strlen(password));
    free(name);
    free(password);
    switch (r) {
    case WEB_LOGIN_OK:
        return answer_cookie(server, c, token, "/");
    case WEB_LOGIN_WRONG:
        return answer_page(c, "/login.html", MHD_HTTP_UNAUTHORIZED,
                           "<p class=\"error\" data-t=\"wrong\">Wrong name or password.</p>");
    case WEB_LOGIN_LIMITED:
        return answer_limited(c, retry);
    case WEB_LOGIN_ERROR:
        break;
    }
    return answer_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "the central database cannot be reached\n");
}

/* True when the request carries a live session's cookie; then *user is filled. */
static bool logged_in(struct web_server *server, struct MHD_Connection *c, struct web_user *user)
{
    const char *token = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_AUTH_COOKIE);
    return web_auth_check(server->auth, token, user);
}

/* GET /api/alerts (logged in). */
static enum MHD_Result answer_alerts(struct web_server *server, struct MHD_Connection *c)
{
    struct web_user user;
    if (!logged_in(server, c, &user))
        return answer_text(c, MHD_HTTP_UNAUTHORIZED, "log in first\n");
    struct strbuf sb = {0};
    web_feed_alerts_json(server->feed, time_now_ms(), &sb);
    enum MHD_Result ok = answer_json(c, &sb, false);
    strbuf_finish(&sb);
    return ok;
}

/* GET /api/kiosks (logged in): every kiosk's heartbeat. */
static enum MHD_Result answer_kiosks(struct web_server *server, struct MHD_Connection *c)
{
    struct web_user user;
    if (!logged_in(server, c, &user))
        return answer_text(c, MHD_HTTP_UNAUTHORIZED, "log in first\n");
    struct strbuf sb = {0};
    web_feed_kiosks_json(server->feed, &sb);
    enum MHD_Result ok = answer_json(c, &sb, false);
    strbuf_finish(&sb);
    return ok;
}

/* A page behind a login (asset): the login form (401) to whom has none. */
static enum MHD_Result answer_private_page(struct web_server *server, struct MHD_Connection *c,
                                           const char *asset)
{
    struct web_user user;
    if (!logged_in(server, c, &user))
        return answer_page(c, "/login.html", MHD_HTTP_UNAUTHORIZED, NULL);
    return answer_page(c, asset, MHD_HTTP_OK, NULL);
}

/* 401 without a login, 403 for a login that is not an organiser's; 0 for an organiser. */
static unsigned organiser_only(struct web_server *server, struct MHD_Connection *c)
{
    struct web_user user;
    if (!logged_in(server, c, &user))
        return MHD_HTTP_UNAUTHORIZED;
    return strcmp(user.role, "organiser") == 0 ? 0 : MHD_HTTP_FORBIDDEN;
}

/* GET /people and /reports (organisers): the page; the login form without a login, 403 for
 * staff. */
static enum MHD_Result answer_organiser_page(struct web_server *server, struct MHD_Connection *c,
                                             const char *asset)
{
    unsigned refused = organiser_only(server, c);
    if (refused == MHD_HTTP_UNAUTHORIZED)
        return answer_page(c, "/login.html", refused, NULL);
    if (refused != 0)
        return answer_text(c, refused, "for organisers only\n");
    return answer_page(c, asset, MHD_HTTP_OK, NULL);
}

/* GET /api/people?q=QUERY (organisers). */
static enum MHD_Result answer_people(struct web_server *server, struct MHD_Connection *c)
{
    unsigned refused = organiser_only(server, c);
    if (refused != 0)
        return answer_text(
            c, refused, refused == MHD_HTTP_FORBIDDEN ? "for organisers only\n" : "log in first\n");
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
    struct strbuf sb = {0};
    int st = web_org_people_json(server->org, q ? q : "", &sb);
    enum MHD_Result ok =
        st == 503 ? answer_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                                "the central database cannot be reached\n")
                  : answer(c, (unsigned)st, "application/json", sb.data, sb.len, "no-store");
    strbuf_finish(&sb);
    return ok;
}

/* GET /reports/NAME (organisers): a report file made now. */
static enum MHD_Result answer_report(struct web_server *server, struct MHD_Connection *c,
                                     const char *name)
{
    unsigned refused = organiser_only(server, c);
    if (refused != 0)
        return answer_text(
            c, refused, refused == MHD_HTTP_FORBIDDEN ? "for organisers only\n" : "log in first\n");
    char *data = NULL;
    size_t len = 0;
    const char *type = NULL;
    int st = web_org_report_file(server->org, name, &data, &len, &type);
    if (st == 404)
        return answer_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
    if (st != 200)
        return answer_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                           "the report could not be made (see the dashboard's log)\n");
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(data);
        return MHD_NO;
    }
    char disposition[128];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", name);
    common_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* GET /api/me: who is logged in ({"name","role"}), or null: the page asks it on every load,
 * so no login is not an error. */
static enum MHD_Result answer_me(struct web_server *server, struct MHD_Connection *c)
{
    struct web_user user;
    struct strbuf sb = {0};
    if (!logged_in(server, c, &user)) {
        strbuf_puts(&sb, "null");
        enum MHD_Result ok = answer_json(c, &sb, false);
        strbuf_finish(&sb);
        return ok;
    }
    strbuf_puts(&sb, "{\"name\":");
    strbuf_json_string(&sb, user.name);
    strbuf_puts(&sb, ",\"role\":");
    strbuf_json_string(&sb, user.role);
    strbuf_putc(&sb, '}');
    enum MHD_Result ok = answer_json(c, &sb, false);
    strbuf_finish(&sb);
    return ok;
}

/* GET and HEAD. */
static enum MHD_Result route_get(struct web_server *server, struct MHD_Connection *c,
                                 const char *url)
{
    if (strcmp(url, "/") == 0)
        return answer_page(c, "/index.html", MHD_HTTP_OK, NULL);
    if (strcmp(url, "/login") == 0)
        return answer_page(c, "/login.html", MHD_HTTP_OK, NULL);
    if (strcmp(url, "/kiosks") == 0)
        return answer_private_page(server, c, "/kiosks.html");
    if (strcmp(url, "/alerts") == 0)
        return answer_private_page(server, c, "/alerts.html");
    if (strcmp(url, "/people") == 0)
        return answer_organiser_page(server, c, "/people.html");
    if (strcmp(url, "/reports") == 0)
        return answer_organiser_page(server, c, "/reports.html");
    if (strncmp(url, "/reports/", 9) == 0)
        return answer_report(server, c, url + 9);
    if (strcmp(url, "/api/people") == 0)
        return answer_people(server, c);
    if (strcmp(url, "/levels.css") == 0)
        return answer_levels(c);
    if (strcmp(url, "/stream") == 0)
        return answer_stream(server, c, true);
    if (strcmp(url, "/api/status") == 0) {
        struct strbuf sb = {0};
        web_feed_status_json(server->feed, &sb);
        enum MHD_Result ok = answer_json(c, &sb, false);
        strbuf_finish(&sb);
        return ok;
    }
    if (strcmp(url, "/api/me") == 0)
        return answer_me(server, c);
    if (strcmp(url, "/api/alerts") == 0)
        return answer_alerts(server, c);
    if (strcmp(url, "/api/kiosks") == 0)
        return answer_kiosks(server, c);
    if (server->public_feed && strcmp(url, "/api/rooms") == 0) {
        struct strbuf sb = {0};
        web_feed_rooms_json(server->feed, false, &sb);
        enum MHD_Result ok = answer_json(c, &sb, true);
        strbuf_finish(&sb);
        return ok;
    }
    if (server->public_feed && strcmp(url, "/api/rooms/stream") == 0)
        return answer_stream(server, c, false);
    /* Only the files built in, by exact name: no path reaches the file system. */
    const struct web_asset *a = web_asset_find(url);
    if (a != NULL && strstr(url, ".html") == NULL)
        return answer(c, MHD_HTTP_OK, web_asset_type(url), a->data, a->size, "max-age=300");
    return answer_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* MHD's request handler: called first with *state NULL, then with the body in pieces, then
 * with *upload_size 0. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **state)
{
    struct web_server *server = cls;
    bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    if (!post) {
        if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
            return answer_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
        return route_get(server, c, url);
    }
    struct request *req = *state;
    if (req == NULL) {
        *state = xcalloc(1, sizeof *req);
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (req->body.len + *upload_size > BODY_MAX)
            req->too_large = true;
        else
            strbuf_append(&req->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (req->too_large)
        return answer_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n");
    strbuf_putc(&req->body, '\0');
    if (strcmp(url, "/login") == 0)
        return do_login(server, c, req->body.data);
    if (strcmp(url, "/logout") == 0) {
        web_auth_logout(server->auth,
                        MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_AUTH_COOKIE));
        return answer_cookie(server, c, NULL, "/");
    }
    return answer_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode why)
{
    struct request *req = *state;
    if (req != NULL) {
        strbuf_finish(&req->body);
        free(req);
        *state = NULL;
    }
}

/* Parses "ADDR:PORT" or "[ADDR6]:PORT" into *addr (getaddrinfo's, owned by the caller). */
static bool parse_listen(const char *listen, struct addrinfo **addr)
{
    const char *colon = strrchr(listen, ':');
    if (colon == NULL || colon == listen || colon[1] == '\0') {
        log_warnx("dashboard: --listen %s: give ADDR:PORT, e.g. 127.0.0.1:8080 or [::]:8080",
                  listen);
        return false;
    }
    char host[256];
    const char *h = listen;
    size_t hlen = (size_t)(colon - listen);
    if (h[0] == '[' && hlen >= 2 && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    if (hlen >= sizeof host) {
        log_warnx("dashboard: --listen %s: address too long", listen);
        return false;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    int err = getaddrinfo(host, colon + 1, &hints, addr);
    if (err != 0) {
        log_warnx("dashboard: --listen %s: %s", listen, gai_strerror(err));
        return false;
    }
    return true;
}

/* Reads the certificate and key for HTTPS. */
static bool load_tls(struct web_server *server, const struct web_options *opts)
{
    if ((opts->tls_cert == NULL) != (opts->tls_key == NULL)) {
        log_warnx("dashboard: give both --tls-cert and --tls-key, or neither");
        return false;
    }
    if (opts->tls_cert == NULL)
        return true;
    server->cert = file_read_all(opts->tls_cert, NULL);
    server->key = file_read_all(opts->tls_key, NULL);
    if (server->cert == NULL || server->key == NULL) {
        log_warnx("dashboard: cannot read %s: give a PEM certificate and its key",
                  server->cert == NULL ? opts->tls_cert : opts->tls_key);
        return false;
    }
    server->tls = true;
    return true;
}

struct web_server *web_server_start(const struct web_options *opts)
{
    struct web_server *server = xcalloc(1, sizeof *server);
    server->public_feed = opts->public_feed;
    struct addrinfo *addr = NULL;
    if (!load_tls(server, opts) || !parse_listen(opts->listen, &addr))
        goto fail;
    server->auth = web_auth_create(opts->conninfo);
    server->org = web_org_create(opts->conninfo);
    server->feed = web_feed_start(opts->conninfo,
                                  opts->alert_near > 0 ? opts->alert_near : WEB_FEED_ALERT_NEAR,
                                  opts->standby_ms, opts->notified_ms);
    if (server->auth == NULL || server->feed == NULL)
        goto fail;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL | MHD_USE_ERROR_LOG;
    if (addr->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (server->tls)
        flags |= MHD_USE_TLS;
    server->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, server, MHD_OPTION_SOCK_ADDR, addr->ai_addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, server, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONNECTION_MEMORY, MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTIONS_MAX,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S, MHD_OPTION_THREAD_STACK_SIZE,
        (size_t)THREAD_STACK_BYTES, server->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
        server->cert, MHD_OPTION_HTTPS_MEM_KEY, server->key, MHD_OPTION_END);
    if (server->daemon == NULL) {
        log_warnx("dashboard: cannot listen on %s (in use, or not an address of this machine?)",
                  opts->listen);
        goto fail;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    server->port = info != NULL ? info->port : 0;
    freeaddrinfo(addr);
    return server;
fail:
    if (addr != NULL)
        freeaddrinfo(addr);
    web_server_stop(server);
    return NULL;
}

int web_server_port(const struct web_server *server)
{
    return server->port;
}

void web_server_stop(struct web_server *server)
{
    if (server == NULL)
        return;
    /* The event streams' threads wait on the feed: wake them first, or stopping MHD (which
     * joins every connection's thread) would wait for their keep-alive. */
    web_feed_shutdown(server->feed);
    if (server->daemon != NULL)
        MHD_stop_daemon(server->daemon);
    web_feed_destroy(server->feed);
    web_auth_destroy(server->auth);
    web_org_destroy(server->org);
    free(server->cert);
    if (server->key != NULL)
        sodium_memzero(server->key, strlen(server->key));
    free(server->key);
    free(server);
}

bool web_run(const struct web_options *opts)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    /* Blocked before any thread starts, so that every thread inherits the mask and the
     * signals wait for sigwait below. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct web_server *server = web_server_start(opts);
    if (server == NULL)
        return false;
    log_info("dashboard: listening on %s://%s (port %d)%s", server->tls ? "https" : "http",
             opts->listen, server->port, opts->public_feed ? ", open feed at /api/rooms" : "");
    sdnotify_ready("serving the dashboard");
    int sig = 0;
    sigwait(&set, &sig);
    log_info("dashboard: stopping (signal %d)", sig);
    sdnotify_stopping();
    web_server_stop(server);
    return true;
}
