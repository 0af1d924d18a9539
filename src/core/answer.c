/* SPDX-License-Identifier: Apache-2.0 */
/* What the kiosk answers a scan, in words (see answer.h). */
#include "answer.h"

#include <stdio.h>
#include <string.h>

#include "occupancy.h"
#include "rules.h"
#include "timeutil.h"

void answer_for_decision(struct answer *out, const struct event *ev, const struct occupancy *occ,
                         const struct scan *s, const struct rules_verdict *verdict, int64_t t,
                         int64_t reserve_release_ms)
{
    memset(out, 0, sizeof *out);
    out->result = s->result;
    out->reason = s->reason;
    out->override = s->override;
    const struct attendee *a = verdict != NULL ? verdict->attendee : NULL;
    if (a != NULL) {
        out->name = a->name;
        out->lang = a->language;
        out->lang_known = true;
    }
    size_t here = event_room_index(ev, s->room);
    if (here < ev->n_rooms)
        out->room_name = ev->rooms[here].name;
    if (s->result == RESULT_DENIED &&
        (s->reason == REASON_ROOM_FULL || s->reason == REASON_ROOM_CLOSED)) {
        int best = 0;
        for (size_t i = 0; i < ev->n_rooms; i++) {
            if (i == here || occupancy_room_closed(occ, i))
                continue;
            int free_seats = ev->rooms[i].capacity - occupancy_room_count(occ, i, t);
            if (free_seats > best) {
                best = free_seats;
                out->alt_room = ev->rooms[i].name;
                out->alt_free = free_seats;
            }
        }
    }
    if (s->result == RESULT_DENIED && s->reason == REASON_NOT_REGISTERED && verdict != NULL &&
        verdict->session < ev->n_sessions)
        out->release_ms = ev->sessions[verdict->session].start_ms + reserve_release_ms;
}

struct answer_look answer_look(const struct answer *a)
{
    switch (a->result) {
    case RESULT_ADMITTED:
        if (a->override || (a->reason != REASON_OK && a->reason != REASON_MANUAL))
            return (struct answer_look){ANSWER_WARN, a->reason == REASON_REENTRY ? MSG_WELCOME_BACK
                                                                                 : MSG_WELCOME};
        return (struct answer_look){ANSWER_OK, MSG_WELCOME};
    case RESULT_EXITED:
        return (struct answer_look){a->reason != REASON_OK ? ANSWER_WARN : ANSWER_EXIT,
                                    MSG_GOODBYE};
    case RESULT_DENIED:
        break;
    }
    return (struct answer_look){ANSWER_DENY, i18n_denied_msg(a->reason)};
}

enum language answer_language(const struct answer *a, enum language screen_lang)
{
    return a->lang_known ? a->lang : screen_lang;
}

void answer_detail(const struct answer *a, enum language lang, char *buf, size_t n)
{
    buf[0] = '\0';
    char hhmm[8];
    switch (a->result) {
    case RESULT_ADMITTED:
        if (a->override)
            snprintf(buf, n, "%s", i18n(lang, MSG_OVERRIDE_DETAIL));
        else if (a->reason == REASON_REENTRY)
            snprintf(buf, n, "%s", i18n(lang, MSG_REENTRY_DETAIL));
        else if (a->reason == REASON_DUPLICATE)
            snprintf(buf, n, "%s", i18n(lang, MSG_ALREADY_IN));
        else if (a->room_name != NULL)
            snprintf(buf, n, i18n(lang, MSG_ENJOY_SESSION), a->room_name);
        return;
    case RESULT_EXITED:
        if (a->reason == REASON_DUPLICATE)
            snprintf(buf, n, "%s", i18n(lang, MSG_ALREADY_OUT));
        return;
    case RESULT_DENIED:
        break;
    }
    switch (a->reason) {
    case REASON_REVOKED:
        snprintf(buf, n, "%s", i18n(lang, MSG_SEE_DESK_NEW_BADGE));
        break;
    case REASON_WRONG_EVENT:
        snprintf(buf, n, "%s", i18n(lang, MSG_SEE_DESK_EVENT));
        break;
    case REASON_ROOM_FULL:
    case REASON_ROOM_CLOSED:
        if (a->alt_room != NULL)
            snprintf(buf, n, i18n(lang, MSG_TRY_ROOM), a->alt_room, a->alt_free);
        else
            snprintf(buf, n, "%s",
                     i18n(lang, a->reason == REASON_ROOM_FULL ? MSG_WAIT_OR_ASK : MSG_ASK_STAFF));
        break;
    case REASON_NOT_REGISTERED:
        if (a->release_ms > 0) {
            time_format_hhmm(a->release_ms, hhmm);
            snprintf(buf, n, i18n(lang, MSG_RESERVED_UNTIL), hhmm);
        } else {
            snprintf(buf, n, "%s", i18n(lang, MSG_RESERVED_DETAIL));
        }
        break;
    case REASON_INVALID:
    case REASON_UNKNOWN_ATTENDEE:
        snprintf(buf, n, "%s", i18n(lang, MSG_SEE_DESK));
        break;
    default:
        snprintf(buf, n, "%s", i18n(lang, MSG_ASK_STAFF));
        break;
    }
}
