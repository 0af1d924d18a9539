/* SPDX-License-Identifier: Apache-2.0 */
/* Device issuing keys (devkey.h): certificates, badges signed by a certified device key
 * accepted by the rules, refused once the device key is revoked or when its certificate is not
 * the event key's; the device key file round-trips and bad files are refused with a line. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "devkey.h"
#include "event.h"
#include "occupancy.h"
#include "rules.h"
#include "token.h"
#include "util.h"

#define EVENT_ID 4242

static struct room rooms[] = {{"aula", "Aula", 10}};
static struct attendee attendees[] = {
    {"A1", 1, "Françoise Dieudonné", "", NULL, LANG_FR, CATEGORY_ATTENDEE, 1, NULL, 0, NULL, 0},
    {"W10000001", 10000001, "Walk In", "", NULL, LANG_EN, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
};
static struct device_key keys[2];
static struct event event = {
    .event_id = EVENT_ID,
    .name = "Test",
    .timezone = "UTC",
    .rooms = rooms,
    .n_rooms = 1,
    .attendees = attendees,
    .n_attendees = 2,
};

static uint8_t event_pk[TOKEN_PUBLIC_KEY_LEN], event_sk[TOKEN_SECRET_KEY_LEN];

/* Makes a device key for device, certified (or not) by the event key. */
static void make_key(struct device_key *k, uint8_t sk[TOKEN_SECRET_KEY_LEN], const char *device,
                     uint32_t first, uint32_t last)
{
    memset(k, 0, sizeof *k);
    snprintf(k->device, sizeof k->device, "%s", device);
    token_keypair(k->pk, sk);
    k->first_num = first;
    k->last_num = last;
    CHECK(devkey_certify(event_sk, EVENT_ID, k));
}

/* The refusal (or REASON_OK) of a badge at rules r. */
static enum scan_reason verdict(struct rules *r, const char *token)
{
    const struct attendee *holder;
    enum scan_reason why = REASON_OK;
    if (!rules_badge_holder(r, (const uint8_t *)token, strlen(token), &holder, &why))
        return why;
    return REASON_OK;
}

static void test_certificates(void)
{
    uint8_t sk[TOKEN_SECRET_KEY_LEN];
    struct device_key k;
    make_key(&k, sk, "desk-1", 10000001, 10001000);
    CHECK(devkey_cert_valid(event_pk, EVENT_ID, &k));
    CHECK(!devkey_cert_valid(event_pk, EVENT_ID + 1, &k));
    struct device_key t = k;
    t.last_num++; /* a wider walk-in range than certified */
    CHECK(!devkey_cert_valid(event_pk, EVENT_ID, &t));
    t = k;
    t.device[0] = 'D';
    CHECK(!devkey_cert_valid(event_pk, EVENT_ID, &t));
    t = k;
    t.pk[5] ^= 1;
    CHECK(!devkey_cert_valid(event_pk, EVENT_ID, &t));
    /* Out of range: below the walk-in numbers, reversed, empty device. */
    t = k;
    t.first_num = 42;
    CHECK(!devkey_certify(event_sk, EVENT_ID, &t));
    t = k;
    t.first_num = t.last_num + 1;
    CHECK(!devkey_certify(event_sk, EVENT_ID, &t));
    t = k;
    t.device[0] = '\0';
    CHECK(!devkey_certify(event_sk, EVENT_ID, &t));
}

static void test_rules(void)
{
    uint8_t sk1[TOKEN_SECRET_KEY_LEN], sk2[TOKEN_SECRET_KEY_LEN], rogue[TOKEN_SECRET_KEY_LEN];
    make_key(&keys[0], sk1, "desk-1", 10000001, 10001000);
    make_key(&keys[1], sk2, "door-2", 10001001, 10002000);
    event.device_keys = keys;
    event.n_device_keys = 2;
    struct rules *r = rules_create(&event, event_pk, NULL, "aula", MODE_ENTRY, "door-aula");
    CHECK(r != NULL);

    char tok[TOKEN_TEXT_LEN + 1];
    /* A reprint (serial 1) of A1 by desk-1, and a walk-in by door-2: both valid. */
    struct token t = {.event_id = EVENT_ID, .attendee_num = 1, .serial = 1};
    CHECK(token_encode(&t, sk1, tok));
    CHECK(verdict(r, tok) == REASON_OK);
    struct token w = {.event_id = EVENT_ID, .attendee_num = 10000001, .serial = 0};
    char walkin[TOKEN_TEXT_LEN + 1];
    CHECK(token_encode(&w, sk2, walkin));
    CHECK(verdict(r, walkin) == REASON_OK);
    /* The old serial stays refused even when a device signs it. */
    t.serial = 0;
    CHECK(token_encode(&t, sk1, tok));
    CHECK(verdict(r, tok) == REASON_REVOKED);

    /* A key the event did not certify: unknown key, invalid. */
    uint8_t rogue_pk[TOKEN_PUBLIC_KEY_LEN];
    token_keypair(rogue_pk, rogue);
    CHECK(token_encode(&w, rogue, tok));
    CHECK(verdict(r, tok) == REASON_INVALID);
    /* A certificate made by another key (a kiosk that certified itself): invalid. */
    struct device_key saved = keys[1];
    keys[1].cert[0] ^= 1;
    CHECK(verdict(r, walkin) == REASON_INVALID);
    keys[1] = saved;
    CHECK(verdict(r, walkin) == REASON_OK);
    /* An altered device-signed token: bad signature, invalid. */
    strcpy(tok, walkin);
    tok[TOKEN_TEXT_LEN - 3] = tok[TOKEN_TEXT_LEN - 3] == 'A' ? 'B' : 'A';
    CHECK(verdict(r, tok) == REASON_INVALID);

    /* door-2 is stolen: its key is revoked, every badge it signed is refused revoked. */
    keys[1].revoked = true;
    CHECK(verdict(r, walkin) == REASON_REVOKED);
    /* desk-1's badges are not affected. */
    t.serial = 1;
    CHECK(token_encode(&t, sk1, tok));
    CHECK(verdict(r, tok) == REASON_OK);
    rules_destroy(r);
    event.n_device_keys = 0;
    CHECK(true);
}

/* The decision on token at rules r (a fresh repeat window each time: new rules). */
static void decide(const char *room, const char *token, struct scan *out, struct rules_verdict *v)
{
    struct occupancy *occ = occupancy_create(&event);
    struct rules *r = rules_create(&event, event_pk, NULL, room, MODE_ENTRY, "door-e");
    CHECK(r != NULL && occ != NULL);
    CHECK(rules_decide(r, occ, (const uint8_t *)token, strlen(token), 1713772800000, out, v) ==
          RULES_DECIDED);
    rules_destroy(r);
    occupancy_destroy(occ);
}

/* A walk-in registered at another desk and not pulled yet: admitted at the entrance and at a
 * room door as a new registration under its id; refused out of its key's range, with a serial
 * other than 0, signed by a revoked key, or signed by the event key. */
static void test_new_registration(void)
{
    uint8_t sk1[TOKEN_SECRET_KEY_LEN], sk2[TOKEN_SECRET_KEY_LEN];
    make_key(&keys[0], sk1, "desk-1", 10000001, 10001000);
    make_key(&keys[1], sk2, "door-2", 10001001, 10002000);
    event.device_keys = keys;
    event.n_device_keys = 2;
    char tok[TOKEN_TEXT_LEN + 1];
    struct token t = {.event_id = EVENT_ID, .attendee_num = 10001005, .serial = 0};
    CHECK(token_encode(&t, sk2, tok));
    struct scan s;
    struct rules_verdict v;
    decide("entrance", tok, &s, &v);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_OK && v.new_registration &&
          v.attendee == NULL && strcmp(s.attendee, "W10001005") == 0);
    decide("aula", tok, &s, &v); /* a room door too (test_rules_walkin) */
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_OK && v.new_registration &&
          strcmp(s.attendee, "W10001005") == 0);
    /* desk-1's range, signed by door-2. */
    t.attendee_num = 10000500;
    CHECK(token_encode(&t, sk2, tok));
    decide("entrance", tok, &s, &v);
    CHECK(s.reason == REASON_UNKNOWN_ATTENDEE && !v.new_registration);
    /* A walk-in's first badge is serial 0. */
    t.attendee_num = 10001006;
    t.serial = 1;
    CHECK(token_encode(&t, sk2, tok));
    decide("entrance", tok, &s, &v);
    CHECK(s.reason == REASON_UNKNOWN_ATTENDEE && !v.new_registration);
    /* The event key's badges for people the kiosk does not know: as before. */
    t.serial = 0;
    CHECK(token_encode(&t, event_sk, tok));
    decide("entrance", tok, &s, &v);
    CHECK(s.reason == REASON_UNKNOWN_ATTENDEE && !v.new_registration);
    /* door-2 revoked. */
    CHECK(token_encode(&t, sk2, tok));
    keys[1].revoked = true;
    decide("entrance", tok, &s, &v);
    CHECK(s.result == RESULT_DENIED && s.reason == REASON_REVOKED && !v.new_registration);
    event.n_device_keys = 0;
}

static void test_file(void)
{
    uint8_t sk[TOKEN_SECRET_KEY_LEN], sk2[TOKEN_SECRET_KEY_LEN];
    struct device_key k, back;
    make_key(&k, sk, "desk-1", 10000001, 10001000);
    char *text = devkey_file_format(EVENT_ID, &k, sk);
    uint32_t ev = 0;
    char err[256];
    CHECK_MSG(devkey_file_parse(text, &ev, &back, sk2, err, sizeof err), "%s", err);
    CHECK(ev == EVENT_ID);
    CHECK_STR(back.device, "desk-1");
    CHECK(back.first_num == 10000001 && back.last_num == 10001000);
    CHECK(memcmp(back.pk, k.pk, sizeof k.pk) == 0 && memcmp(back.cert, k.cert, sizeof k.cert) == 0);
    CHECK(memcmp(sk2, sk, sizeof sk) == 0);

    /* A line broken: refused with its number. */
    char *bad = xasprintf("%s", text);
    char *pub = strstr(bad, "public=");
    pub[8] = 'x';
    CHECK(!devkey_file_parse(bad, &ev, &back, sk2, err, sizeof err));
    CHECK_MSG(strstr(err, "line 6") != NULL, "%s", err);
    /* A line missing. */
    strcpy(bad, text);
    *strstr(bad, "secret=") = '\0';
    CHECK(!devkey_file_parse(bad, &ev, &back, sk2, err, sizeof err));
    CHECK(strstr(err, "missing") != NULL);
    /* A secret key of another key pair. */
    free(bad);
    uint8_t other_pk[TOKEN_PUBLIC_KEY_LEN], other_sk[TOKEN_SECRET_KEY_LEN];
    token_keypair(other_pk, other_sk);
    bad = devkey_file_format(EVENT_ID, &k, other_sk);
    CHECK(!devkey_file_parse(bad, &ev, &back, sk2, err, sizeof err));
    CHECK(strstr(err, "does not belong") != NULL);
    free(bad);
    free(text);
}

int main(void)
{
    CHECK(token_init());
    token_keypair(event_pk, event_sk);
    event.key_id = token_key_id(event_pk);
    event_index_build(&event);
    test_certificates();
    test_rules();
    test_new_registration();
    test_file();
    event_index_finish(&event);
    return check_done();
}
