/* SPDX-License-Identifier: Apache-2.0 */
/* portier device-key at the command line: a key per device, certified by the event key, with
 * walk-in number ranges that never overlap; a second key for the same device and an existing
 * --out file refused; a badge signed by a device key admitted at a real headless kiosk on the
 * bundle, a badge of an uncertified key refused invalid, and after --revoke and a new bundle
 * the device's badges refused revoked while another device's still pass. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "devkey.h"
#include "event.h"
#include "event_db.h"
#include "file.h"
#include "shell.h"
#include "token.h"
#include "util.h"

static char *dir;
static const char *bin;

/* Reads a device key file of the test folder. */
static void read_key(const char *name, struct device_key *k, uint8_t *sk)
{
    char *path = path_join(dir, name);
    char *text = file_read_all(path, NULL);
    CHECK(text != NULL);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);
    uint32_t event_id;
    char err[256];
    CHECK_MSG(text != NULL && devkey_file_parse(text, &event_id, k, sk, err, sizeof err), "%s",
              err);
    free(text);
    free(path);
}

/* A token for attendee `num`, serial `serial`, signed by sk. */
static void sign(const struct event *ev, uint32_t num, uint32_t serial, const uint8_t *sk,
                 char *out)
{
    struct token t = {.event_id = ev->event_id, .attendee_num = num, .serial = serial};
    CHECK(token_encode(&t, sk, out));
}

/* Runs an entrance kiosk on the bundle (more options in args) with input; returns its stdout,
 * and its exit status in *rc when rc is not NULL (else it must be 0). */
static char *kiosk_with(const char *db, const char *args, const char *input, int *rc_out)
{
    char *in = path_join(dir, "input.txt"), *out = path_join(dir, "output.txt");
    CHECK(file_write_atomic(in, input, strlen(input), 0644));
    int rc = test_sh("cd %s && %s kiosk kiosk --headless --camera none --scanner stdin --device "
                     "door-e --room entrance --mode toggle --db %s %s < %s > %s 2>>kiosk.log",
                     dir, bin, db, args, in, out);
    if (rc_out != NULL)
        *rc_out = rc;
    else
        CHECK(rc == 0);
    char *text = file_read_all(out, NULL);
    free(in);
    free(out);
    return text ? text : xstrdup("");
}

static char *kiosk(const char *db, const char *input)
{
    return kiosk_with(db, "", input, NULL);
}

/* The value of "key":"..." in a JSON line, owned by the caller, or NULL. */
static char *json_field(const char *line, const char *key)
{
    char *pat = xasprintf("\"%s\":\"", key);
    const char *p = strstr(line, pat);
    char *v = p ? xstrndup(p + strlen(pat), strcspn(p + strlen(pat), "\"")) : NULL;
    free(pat);
    return v;
}

/* The token of an attendee in badges/tokens.csv (id,name,token,...). */
static char *badge_token(const char *id)
{
    char *cmd = xasprintf("grep '^%s,' %s/badges/tokens.csv | cut -d, -f3", id, dir);
    FILE *f = popen(cmd, "r");
    char buf[256] = "";
    CHECK(f != NULL && fgets(buf, sizeof buf, f) != NULL);
    pclose(f);
    free(cmd);
    buf[strcspn(buf, "\r\n")] = '\0';
    CHECK(strlen(buf) == TOKEN_TEXT_LEN);
    return xstrdup(buf);
}

/* Reprint at a kiosk with door-2's key: the old badge refused revoked, the new one admitted,
 * the answer line as DESIGN.md §7 says; a revoked key or none cannot reprint. */
static void test_reprint(void)
{
    CHECK(test_sh("cd %s && %s badges ev --out badges --format csv >/dev/null", dir, bin) == 0);
    char *staff = badge_token("A0007"), *old = badge_token("A0003");
    char *input = xasprintf("{\"action\":\"reprint\",\"staff\":\"%s\",\"attendee\":\"A0003\"}\n"
                            "%s\n",
                            staff, old);
    char *out = kiosk_with("r1.db", "--device-key door2.key", input, NULL);
    char *line1 = xstrndup(out, strcspn(out, "\n"));
    CHECK_MSG(strstr(line1, "{\"action\":\"reprint\",\"attendee\":\"A0003\",\"token\":\"") == line1,
              "%s", out);
    CHECK(strstr(line1, "\"revoked_serial\":0,\"printed\":false,\"printer\":\"none\"}") != NULL);
    CHECK_MSG(strstr(out + strlen(line1), "\"attendee\":\"A0003\"") != NULL &&
                  strstr(out + strlen(line1), "\"reason\":\"revoked\"") != NULL,
              "%s", out);
    char *fresh = json_field(line1, "token");
    CHECK(fresh != NULL && strlen(fresh) == TOKEN_TEXT_LEN && strcmp(fresh, old) != 0);
    /* After a restart: the new badge passes, the old one is still refused. */
    char *again = xasprintf("%s\n%s\n", fresh, old);
    free(out);
    out = kiosk_with("r1.db", "--device-key door2.key", again, NULL);
    char *first = xstrndup(out, strcspn(out, "\n"));
    CHECK_MSG(strstr(first, "\"attendee\":\"A0003\"") != NULL &&
                  strstr(first, "\"result\":\"admitted\",\"reason\":\"ok\"") != NULL,
              "%s", out);
    CHECK(strstr(out + strlen(first), "\"reason\":\"revoked\"") != NULL);
    free(first);
    free(out);
    /* Without a key: refused, nothing changed. */
    out = kiosk_with("r2.db", "", input, NULL);
    CHECK_MSG(strstr(out, "\"error\":\"no_device_key\"") != NULL, "%s", out);
    free(out);
    /* A revoked key (desk-1's first): the kiosk does not start. */
    int rc = 0;
    out = kiosk_with("r3.db", "--device-key desk1.key", "", &rc);
    CHECK(rc != 0);
    CHECK(test_sh("cd %s && grep -q 'has been revoked' kiosk.log", dir) == 0);
    free(out);
    free(again);
    free(fresh);
    free(line1);
    free(input);
    free(old);
    free(staff);
}

/* Register walk-ins at a kiosk with door-2's key: ids from its range, the answer line then the
 * check-in's decision line; bad fields refused with nothing added; numbers kept across a
 * restart. */
static void test_register(const struct device_key *k2)
{
    char *staff = badge_token("A0007");
    char *input = xasprintf(
        "{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Ann Walkin\",\"organisation\":"
        "\"Zorgraad\",\"language\":\"en\",\"category\":\"attendee\",\"sessions\":\"s-aula-am\"}\n"
        "{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Bob\",\"language\":\"xx\","
        "\"category\":\"attendee\"}\n"
        "{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Ev\\u202eil\",\"language\":\"en\","
        "\"category\":\"attendee\"}\n"
        "{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Cy\",\"language\":\"en\","
        "\"category\":\"attendee\",\"sessions\":\"nope\"}\n",
        staff, staff, staff, staff);
    char *out = kiosk_with("w1.db", "--device-key door2.key", input, NULL);
    char *want = xasprintf("{\"action\":\"register\",\"attendee\":\"W%u\",\"token\":\"",
                           (unsigned)k2->first_num);
    CHECK_MSG(strncmp(out, want, strlen(want)) == 0, "%s", out);
    CHECK(strstr(out, "\"printed\":false,\"printer\":\"none\"}\n") != NULL);
    char *rest = strchr(out, '\n') + 1;
    char *decision = xstrndup(rest, strcspn(rest, "\n"));
    char *attendee =
        xasprintf("\"attendee\":\"W%u\",\"name\":\"Ann Walkin\"", (unsigned)k2->first_num);
    CHECK_MSG(strstr(decision, attendee) != NULL &&
                  strstr(decision, "\"result\":\"admitted\",\"reason\":\"ok\"") != NULL,
              "%s", out);
    CHECK_MSG(strstr(out, "\"error\":\"bad_field\",\"message\":\"\\\"language\\\"") != NULL, "%s",
              out);
    CHECK(strstr(out, "U+202E") != NULL);
    CHECK(strstr(out, "\"error\":\"unknown_session\"") != NULL);
    char *token = json_field(out, "token");
    free(out);
    /* The model holds the walk-in, registered for its session; nothing of the refused ones. */
    char *db_path = path_join(dir, "kiosk/event.db");
    struct event *ev = event_load(db_path);
    CHECK(ev != NULL);
    char id[32];
    snprintf(id, sizeof id, "W%u", (unsigned)k2->first_num);
    const struct attendee *w = ev ? event_attendee_by_id(ev, id) : NULL;
    CHECK(w != NULL && strcmp(w->organisation, "Zorgraad") == 0 && w->n_sessions == 1);
    size_t walkins = 0;
    for (size_t i = 0; ev != NULL && i < ev->n_attendees; i++)
        walkins += ev->attendees[i].num >= DEVKEY_WALKIN_FIRST;
    CHECK(walkins == 1);
    event_destroy(ev);
    /* A restart: the walk-in's badge is known, the next walk-in takes the next number. */
    char *again = xasprintf("%s\n{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Dee\","
                            "\"language\":\"fr\",\"category\":\"press\"}\n",
                            token, staff);
    out = kiosk_with("w1.db", "--device-key door2.key", again, NULL);
    CHECK_MSG(strstr(out, attendee) != NULL, "%s", out);
    char *next = xasprintf("\"attendee\":\"W%u\"", (unsigned)k2->first_num + 1);
    CHECK_MSG(strstr(out, next) != NULL, "%s", out);
    free(next);
    free(out);
    free(again);
    free(db_path);
    free(token);
    free(attendee);
    free(decision);
    free(want);
    free(input);
    free(staff);
}

int main(void)
{
    CHECK(token_init());
    bin = getenv("PORTIER_BIN");
    const char *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-device-key-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    CHECK(test_sh("cd %s && %s init ev --name Test --timezone Europe/Brussels --rooms "
                  "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null",
                  dir, bin, data, data, data) == 0);

    /* Two devices: ranges from DEVKEY_WALKIN_FIRST up, one after the other. */
    CHECK(test_sh("cd %s && %s device-key ev --device desk-1 --out desk1.key", dir, bin) == 0);
    CHECK(test_sh("cd %s && %s device-key ev --device door-2 --out door2.key --walkins 5", dir,
                  bin) == 0);
    struct device_key k1, k2;
    uint8_t sk1[TOKEN_SECRET_KEY_LEN], sk2[TOKEN_SECRET_KEY_LEN];
    read_key("desk1.key", &k1, sk1);
    read_key("door2.key", &k2, sk2);
    CHECK_STR(k1.device, "desk-1");
    CHECK(k1.first_num == DEVKEY_WALKIN_FIRST && k1.last_num == DEVKEY_WALKIN_FIRST + 999);
    CHECK(k2.first_num == k1.last_num + 1 && k2.last_num == k2.first_num + 4);
    CHECK(token_key_id(k1.pk) != token_key_id(k2.pk));

    /* Refused: a second live key for desk-1, an existing --out, a bad device id, no mode. */
    CHECK(test_sh("cd %s && %s device-key ev --device desk-1 --out again.key 2>err.txt", dir,
                  bin) != 0);
    CHECK(test_sh("cd %s && grep -q 'already has a key' err.txt && test ! -e again.key", dir) == 0);
    CHECK(test_sh("cd %s && %s device-key ev --device desk-9 --out desk1.key 2>err.txt", dir,
                  bin) != 0);
    CHECK(test_sh("cd %s && grep -q 'exists' err.txt", dir) == 0);
    CHECK(test_sh("cd %s && %s device-key ev --device 'a b' --out x.key 2>/dev/null", dir, bin) !=
          0);
    CHECK(test_sh("cd %s && %s device-key ev 2>/dev/null", dir, bin) != 0);

    /* The event model holds both certified keys. */
    char *db_path = path_join(dir, "ev/event.db");
    struct event *ev = event_load(db_path);
    CHECK(ev != NULL && ev->n_device_keys == 2);
    uint8_t event_pk[TOKEN_PUBLIC_KEY_LEN];
    char *ev_dir = path_join(dir, "ev");
    CHECK(event_read_public_key(ev_dir, event_pk));
    for (size_t i = 0; ev != NULL && i < ev->n_device_keys; i++)
        CHECK(devkey_cert_valid(event_pk, ev->event_id, &ev->device_keys[i]));
    const struct attendee *a1 = event_attendee_by_id(ev, "A0001");
    const struct attendee *a2 = event_attendee_by_id(ev, "A0002");
    CHECK(a1 != NULL && a2 != NULL);

    /* At a kiosk: badges signed by desk-1 and door-2 pass, an uncertified key's does not. */
    CHECK(test_sh("cd %s && %s bundle ev --out kiosk >/dev/null", dir, bin) == 0);
    char t1[TOKEN_TEXT_LEN + 1], t2[TOKEN_TEXT_LEN + 1], rogue[TOKEN_TEXT_LEN + 1];
    sign(ev, a1->num, a1->serial, sk1, t1);
    sign(ev, a2->num, a2->serial, sk2, t2);
    uint8_t rpk[TOKEN_PUBLIC_KEY_LEN], rsk[TOKEN_SECRET_KEY_LEN];
    token_keypair(rpk, rsk);
    sign(ev, a1->num, a1->serial, rsk, rogue);
    char *input = xasprintf("%s\n%s\n%s\n", t1, t2, rogue);
    char *out = kiosk("k1.db", input);
    CHECK_MSG(strstr(out, "\"attendee\":\"A0001\",") != NULL, "%s", out);
    char *line2 = strchr(out, '\n');
    CHECK(line2 != NULL && strstr(line2, "\"attendee\":\"A0002\"") != NULL);
    CHECK(line2 != NULL && strstr(line2, "\"result\":\"admitted\",\"reason\":\"ok\"") != NULL);
    CHECK_MSG(strstr(out, "\"reason\":\"invalid\"") != NULL, "%s", out);
    free(out);

    /* desk-1 is stolen: revoked, a new bundle; its badge is refused, door-2's still passes. */
    CHECK(test_sh("cd %s && %s device-key ev --revoke desk-1 >/dev/null", dir, bin) == 0);
    CHECK(test_sh("cd %s && %s device-key ev --revoke desk-1 2>/dev/null", dir, bin) != 0);
    CHECK(test_sh("cd %s && %s device-key ev --list | grep desk-1 | grep -q revoked", dir, bin) ==
          0);
    CHECK(test_sh("cd %s && %s bundle ev --out kiosk >/dev/null", dir, bin) == 0);
    out = kiosk("k2.db", input);
    char *first_line = xstrndup(out, strcspn(out, "\n"));
    CHECK_MSG(strstr(first_line, "\"result\":\"denied\",\"reason\":\"revoked\"") != NULL, "%s",
              out);
    CHECK(strstr(out, "\"attendee\":\"A0002\",") != NULL);
    free(first_line);
    free(out);
    /* A new key for the same device after the revocation: a new range. */
    CHECK(test_sh("cd %s && %s device-key ev --device desk-1 --out desk1b.key >/dev/null", dir,
                  bin) == 0);
    struct device_key k3;
    uint8_t sk3[TOKEN_SECRET_KEY_LEN];
    read_key("desk1b.key", &k3, sk3);
    CHECK(k3.first_num == k2.last_num + 1);

    test_reprint();
    test_register(&k2);
    free(input);
    event_destroy(ev);
    free(ev_dir);
    free(db_path);
    test_sh("rm -rf %s", dir);
    free(dir);
    return 0;
}
