/* SPDX-License-Identifier: Apache-2.0 */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devkey.h"
#include "hashmap.h"
#include "timeutil.h"
#include "util.h"

#define RECENT_MAX 8 /* payloads remembered for the duplicate window */

struct recent {
    bool used;
    uint64_t hash;
    size_t len;
    int64_t seen_ms;
};

struct rules {
    const struct event *ev;
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN];
    struct rules_config cfg;
    char room_id[SCAN_ID_MAX];
    char device_id[SCAN_ID_MAX];
    size_t room; /* index into ev->rooms, or OCCUPANCY_ENTRANCE */
    enum kiosk_mode mode;
    size_t *room_sessions; /* this room's sessions, by end time */
    size_t n_room_sessions;
    size_t next_end; /* first of room_sessions whose end has not been handled */
    struct recent recent[RECENT_MAX];
    bool override_armed;
    int64_t override_ms; /* when the staff badge that armed it was decided */
};

/* Fills cfg with the default windows. */
void rules_config_default(struct rules_config *cfg)
{
    cfg->duplicate_ms = RULES_DUPLICATE_MS;
    cfg->override_ms = RULES_OVERRIDE_MS;
    cfg->session_lead_ms = RULES_SESSION_LEAD_MS;
    cfg->reserve_release_ms = RULES_RESERVE_RELEASE_MS;
    cfg->local_day = NULL;
}

/* The local date of t: the configured one, or the UTC date. */
static int64_t local_day(const struct rules *r, int64_t t)
{
    return r->cfg.local_day != NULL ? r->cfg.local_day(t) : time_utc_day(t);
}

/* Creates one kiosk's rules. */
struct rules *rules_create(const struct event *ev, const uint8_t pk[TOKEN_PUBLIC_KEY_LEN],
                           const struct rules_config *cfg, const char *room_id,
                           enum kiosk_mode mode, const char *device_id)
{
    if (mode != MODE_ENTRY && mode != MODE_EXIT && mode != MODE_TOGGLE)
        return NULL;
    if (strlen(room_id) >= SCAN_ID_MAX || strlen(device_id) >= SCAN_ID_MAX)
        return NULL;
    size_t room = OCCUPANCY_ENTRANCE;
    if (strcmp(room_id, OCCUPANCY_ENTRANCE_ID) != 0) {
        room = event_room_index(ev, room_id);
        if (room == SIZE_MAX)
            return NULL;
    }

    struct rules *r = xcalloc(1, sizeof *r);
    r->ev = ev;
    memcpy(r->pk, pk, sizeof r->pk);
    if (cfg != NULL)
        r->cfg = *cfg;
    else
        rules_config_default(&r->cfg);
    snprintf(r->room_id, sizeof r->room_id, "%s", room_id);
    snprintf(r->device_id, sizeof r->device_id, "%s", device_id);
    r->room = room;
    r->mode = mode;

    r->room_sessions = xcalloc(ev->n_sessions + 1, sizeof *r->room_sessions);
    for (size_t s = 0; s < ev->n_sessions && room != OCCUPANCY_ENTRANCE; s++) {
        if (ev->sessions[s].room != room)
            continue;
        /* Insertion by end time: a room holds a handful of sessions. */
        size_t j = r->n_room_sessions++;
        while (j > 0 && ev->sessions[r->room_sessions[j - 1]].end_ms > ev->sessions[s].end_ms) {
            r->room_sessions[j] = r->room_sessions[j - 1];
            j--;
        }
        r->room_sessions[j] = s;
    }
    return r;
}

/* Frees rules. */
void rules_destroy(struct rules *r)
{
    if (r == NULL)
        return;
    free(r->room_sessions);
    free(r);
}

/* FNV-1a over bytes, ASCII letters folded to upper case: tokens verify in either case (a
 * keyboard-wedge scanner with caps lock types lower case), so a badge read once by the camera
 * and once by such a scanner is the same badge for the repeat window. */
static uint64_t hash_bytes(const uint8_t *p, size_t len)
{
    uint64_t h = HASHMAP_HASH_SEED;
    for (size_t i = 0; i < len; i++)
        h = hashmap_hash_step(h, p[i] >= 'a' && p[i] <= 'z' ? p[i] - ('a' - 'A') : p[i]);
    return h;
}

/* Returns true when the payload repeats one seen less than duplicate_ms ago, and remembers
 * it as seen now either way. A 64-bit hash stands for the bytes: a collision would need
 * two different badges within 3 s at one kiosk and odds of 2^-64. */
static bool is_repeat(struct rules *r, const uint8_t *payload, size_t len, int64_t now)
{
    uint64_t h = hash_bytes(payload, len);
    struct recent *slot = NULL;
    for (size_t i = 0; i < RECENT_MAX; i++) {
        struct recent *e = &r->recent[i];
        if (e->used && e->hash == h && e->len == len) {
            bool repeat = now >= e->seen_ms && now - e->seen_ms < r->cfg.duplicate_ms;
            e->seen_ms = now;
            return repeat;
        }
        if (slot == NULL || !e->used || (slot->used && e->seen_ms < slot->seen_ms))
            slot = e;
    }
    *slot = (struct recent){.used = true, .hash = h, .len = len, .seen_ms = now};
    return false;
}

/* True when badge (num, serial) is revoked. */
static bool is_revoked(const struct rules *r, uint32_t num, uint32_t serial,
                       const struct attendee *a)
{
    if (a != NULL && serial < a->serial)
        return true;
    return event_is_revoked(r->ev, num, serial);
}

/* Sets the result and reason of out. */
static void set(struct scan *out, enum scan_result result, enum scan_reason reason)
{
    out->result = result;
    out->reason = reason;
}

/* Decides at the entrance; returns the change of the venue total. checked_in: admitted at the
 * entrance earlier on the same local date (a check-in counts per day of the event); valid: the
 * badge is valid on that date. */
static int decide_entrance(const struct attendee *a, const struct occupancy_place *p,
                           enum kiosk_mode mode, bool checked_in, bool valid, struct scan *out)
{
    bool inside = p->in_venue; /* today, on a multi-day event */
    bool counted = a->category != CATEGORY_STAFF;
    if (mode == MODE_TOGGLE)
        mode = checked_in && inside ? MODE_EXIT : MODE_ENTRY;
    if (mode == MODE_EXIT) {
        /* Never "ok" for an exit that changes nothing: one who is not inside gets duplicate. */
        set(out, RESULT_EXITED, inside ? REASON_OK : REASON_DUPLICATE);
        return counted && inside ? -1 : 0;
    }
    if (!valid) {
        set(out, RESULT_DENIED, REASON_NOT_TODAY);
        return 0;
    }
    set(out, RESULT_ADMITTED, checked_in ? REASON_REENTRY : REASON_OK);
    return counted && !inside ? 1 : 0;
}

/* Decides at a room door; returns the change of the room's count. */
static int decide_room(struct rules *r, const struct occupancy *occ, const struct attendee *a,
                       const struct occupancy_place *p, enum kiosk_mode mode, size_t session,
                       int64_t now, struct scan *out)
{
    bool here = p->where == OCCUPANCY_ROOM && p->room == r->room;
    bool counted = a->category != CATEGORY_STAFF;
    if (mode == MODE_TOGGLE)
        mode = here ? MODE_EXIT : MODE_ENTRY;
    if (mode == MODE_EXIT) {
        /* Never "ok" for an exit that changes nothing: one not counted in this room (already
         * out, let out by a session end, in another room, never seen) gets duplicate. */
        set(out, RESULT_EXITED, here ? REASON_OK : REASON_DUPLICATE);
        return counted && here ? -1 : 0;
    }
    if (here) {
        set(out, RESULT_ADMITTED, REASON_DUPLICATE);
        return 0;
    }
    if (a->category == CATEGORY_STAFF || a->category == CATEGORY_SPEAKER) {
        set(out, RESULT_ADMITTED, REASON_OK);
        return counted ? 1 : 0;
    }
    if (occupancy_room_closed(occ, r->room)) {
        set(out, RESULT_DENIED, REASON_ROOM_CLOSED);
        return 0;
    }
    int capacity = r->ev->rooms[r->room].capacity;
    int count = occupancy_room_count(occ, r->room, now);
    enum scan_reason denial = REASON_OK;
    if (count >= capacity) {
        denial = REASON_ROOM_FULL;
    } else if (session != OCCUPANCY_NONE &&
               now < r->ev->sessions[session].start_ms + r->cfg.reserve_release_ms &&
               !event_is_registered(a, session)) {
        if (count + occupancy_registered_not_arrived(occ, session, now) >= capacity)
            denial = REASON_NOT_REGISTERED;
    }
    if (denial == REASON_OK) {
        set(out, RESULT_ADMITTED, REASON_OK);
        return 1;
    }
    if (r->override_armed && now >= r->override_ms && now - r->override_ms <= r->cfg.override_ms) {
        r->override_armed = false;
        out->override = true;
        set(out, RESULT_ADMITTED, REASON_OK);
        return 1;
    }
    set(out, RESULT_DENIED, denial);
    return 0;
}

/* Starts a decision at now_ms: the scan's key fields, the room's capacity and session. */
static void begin_scan(const struct rules *r, const struct occupancy *occ, int64_t now_ms,
                       struct scan *out, struct rules_verdict *v)
{
    memset(out, 0, sizeof *out);
    memcpy(out->device_id, r->device_id, SCAN_ID_MAX);
    memcpy(out->room, r->room_id, SCAN_ID_MAX);
    out->wall_ms = now_ms;
    out->mode = r->mode;
    out->kind = SCAN_BADGE;
    if (r->room != OCCUPANCY_ENTRANCE) {
        v->capacity = r->ev->rooms[r->room].capacity;
        v->session = occupancy_session_at(occ, r->room, now_ms, r->cfg.session_lead_ms);
        if (v->session != OCCUPANCY_NONE)
            snprintf(out->session, sizeof out->session, "%s", r->ev->sessions[v->session].id);
    }
}

/* The holder of a badge token. */
bool rules_badge_holder(const struct rules *r, const uint8_t *payload, size_t len,
                        const struct attendee **holder, enum scan_reason *refusal)
{
    struct token tok;
    *holder = NULL;
    const struct device_key *signer;
    enum token_status st =
        devkey_token_verify(r->ev, r->pk, (const char *)payload, len, &tok, &signer);
    if (st != TOKEN_OK) {
        *refusal = st == TOKEN_WRONG_EVENT ? REASON_WRONG_EVENT : REASON_INVALID;
        return false;
    }
    *holder = event_attendee_by_num(r->ev, tok.attendee_num);
    /* A badge signed by a revoked device key (a stolen kiosk) is refused, whatever it says. */
    if ((signer != NULL && signer->revoked) ||
        is_revoked(r, tok.attendee_num, tok.serial, *holder)) {
        *refusal = REASON_REVOKED;
        return false;
    }
    if (*holder == NULL) {
        *refusal = REASON_UNKNOWN_ATTENDEE;
        return false;
    }
    return true;
}

/* True when a badge of an attendee the model lacks is a walk-in registered elsewhere and not
 * pulled yet: signed by a certified device key that is not revoked, for a number of that key's
 * walk-in range. Sets out->attendee to the walk-in's id then. */
static bool unpulled_walkin(const struct rules *r, const uint8_t *payload, size_t len,
                            struct scan *out)
{
    struct token tok;
    const struct device_key *signer = NULL;
    if (devkey_token_verify(r->ev, r->pk, (const char *)payload, len, &tok, &signer) != TOKEN_OK ||
        signer == NULL || signer->revoked || tok.attendee_num < signer->first_num ||
        tok.attendee_num > signer->last_num || tok.serial != 0)
        return false;
    snprintf(out->attendee, sizeof out->attendee, DEVKEY_WALKIN_PREFIX "%u",
             (unsigned)tok.attendee_num);
    return true;
}

/* Decides the entry or exit (mode) at now_ms of attendee a, person index in occ (occupancy.h);
 * returns the change of the count once out is folded. */
static int decide_person(struct rules *r, const struct occupancy *occ, const struct attendee *a,
                         size_t index, enum kiosk_mode mode, int64_t now_ms, size_t session,
                         struct scan *out)
{
    struct occupancy_place p;
    occupancy_attendee_place(occ, index, now_ms, &p);
    int delta;
    if (r->room == OCCUPANCY_ENTRANCE) {
        int64_t today = local_day(r, now_ms);
        bool checked_in = p.checked_in && local_day(r, p.checkin_ms) == today;
        delta = decide_entrance(a, &p, mode, checked_in, event_valid_on_day(a, today), out);
    } else
        delta = decide_room(r, occ, a, &p, mode, session, now_ms, out);
    /* With clocks out of step, the log may already hold a later scan of this attendee: then
     * this one, once folded, changes no count. */
    if (!occupancy_would_be_latest(occ, index, now_ms, r->device_id)) {
        delta = 0;
        /* The log already holds a later move (a clock ahead elsewhere): this exit changes
         * nothing, and says so. An admission stands: the door opened. */
        if (out->result == RESULT_EXITED)
            out->reason = REASON_DUPLICATE;
    }
    /* Admitted at the exact end of the session: it belongs to that session and is let out by
     * its end at once (occupancy.h), so it is not counted at now. */
    if (out->result == RESULT_ADMITTED && r->room != OCCUPANCY_ENTRANCE &&
        session != OCCUPANCY_NONE && r->ev->sessions[session].end_ms == now_ms)
        delta = 0;
    return delta;
}

/* Decides the entry or exit (mode) of an attendee of the model. */
static int decide_attendee(struct rules *r, const struct occupancy *occ, const struct attendee *a,
                           enum kiosk_mode mode, int64_t now_ms, size_t session, struct scan *out)
{
    return decide_person(r, occ, a, (size_t)(a - r->ev->attendees), mode, now_ms, session, out);
}

/* Decides one scanned payload. */
enum rules_outcome rules_decide(struct rules *r, const struct occupancy *occ,
                                const uint8_t *payload, size_t len, int64_t now_ms,
                                struct scan *out, struct rules_verdict *info)
{
    static const uint8_t empty[1] = {0};
    if (payload == NULL)
        payload = empty, len = 0;
    if (is_repeat(r, payload, len, now_ms))
        return RULES_IGNORED;

    struct rules_verdict v = {.attendee = NULL, .session = OCCUPANCY_NONE};
    begin_scan(r, occ, now_ms, out, &v);
    int delta = 0; /* the change of the count once out is folded */
    const struct attendee *a = NULL;
    enum scan_reason refusal;

    if (!rules_badge_holder(r, payload, len, &a, &refusal)) {
        if (refusal == REASON_UNKNOWN_ATTENDEE && unpulled_walkin(r, payload, len, out)) {
            /* Under the rules of an attendee registered for no session, valid every day. */
            static const struct attendee walkin = {.category = CATEGORY_ATTENDEE};
            v.new_registration = true;
            delta = decide_person(r, occ, &walkin, occupancy_person_index(occ, out->attendee),
                                  r->mode, now_ms, v.session, out);
            goto done;
        }
        set(out, RESULT_DENIED, refusal);
        goto done;
    }
    delta = decide_attendee(r, occ, a, r->mode, now_ms, v.session, out);
    if (a->category == CATEGORY_STAFF) {
        r->override_armed = true;
        r->override_ms = now_ms;
    }

done:
    v.occupancy = occupancy_room_count_plus(occ, r->room, now_ms, delta);
    if (a != NULL) {
        snprintf(out->attendee, sizeof out->attendee, "%s", a->id);
        v.attendee = a;
    }
    if (info != NULL)
        *info = v;
    return RULES_DECIDED;
}

/* Decides a staff member's admission of an attendee by hand. */
void rules_decide_manual(struct rules *r, const struct occupancy *occ, size_t attendee,
                         int64_t now_ms, struct scan *out, struct rules_verdict *info)
{
    const struct attendee *a = &r->ev->attendees[attendee];
    struct rules_verdict v = {.attendee = a, .session = OCCUPANCY_NONE};
    begin_scan(r, occ, now_ms, out, &v);
    int delta = decide_attendee(r, occ, a, MODE_ENTRY, now_ms, v.session, out);
    if (out->result == RESULT_ADMITTED &&
        (out->reason == REASON_OK || out->reason == REASON_REENTRY))
        out->reason = REASON_MANUAL;
    v.occupancy = occupancy_room_count_plus(occ, r->room, now_ms, delta);
    snprintf(out->attendee, sizeof out->attendee, "%s", a->id);
    if (info != NULL)
        *info = v;
}

/* Returns the session-end exits due for this room. */
struct scan *rules_session_end_exits(struct rules *r, const struct occupancy *occ, int64_t now_ms,
                                     size_t *n_out)
{
    *n_out = 0;
    if (r->room == OCCUPANCY_ENTRANCE)
        return NULL;
    struct scan *out = NULL;
    size_t n = 0, cap = 0;
    size_t *leavers = xcalloc(occupancy_people(occ) + 1, sizeof *leavers);
    for (; r->next_end < r->n_room_sessions; r->next_end++) {
        size_t s = r->room_sessions[r->next_end];
        const struct session *sess = &r->ev->sessions[s];
        if (sess->end_ms >= now_ms)
            break;
        if (occupancy_session_end_recorded(occ, s))
            continue;
        size_t k = occupancy_session_leavers(occ, s, leavers);
        if (n + k > cap) {
            cap = n + k;
            out = xrealloc(out, cap * sizeof *out);
        }
        for (size_t i = 0; i < k; i++) {
            struct scan *e = &out[n++];
            memset(e, 0, sizeof *e);
            memcpy(e->device_id, r->device_id, SCAN_ID_MAX);
            memcpy(e->room, r->room_id, SCAN_ID_MAX);
            snprintf(e->session, sizeof e->session, "%s", sess->id);
            snprintf(e->attendee, sizeof e->attendee, "%s", occupancy_person_id(occ, leavers[i]));
            e->wall_ms = sess->end_ms;
            e->mode = r->mode;
            e->kind = SCAN_SESSION_END;
            e->result = RESULT_EXITED;
            e->reason = REASON_OK;
        }
    }
    free(leavers);
    *n_out = n;
    return out;
}
