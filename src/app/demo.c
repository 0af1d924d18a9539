/* SPDX-License-Identifier: Apache-2.0 */
/* The demo event (see demo.h): a symposium on digital public services, open data and
 * sustainable cities, in a Brussels conference venue. */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "demo_people.h"
#include "demo_rng.h"
#include "log.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"

#define MS_PER_DAY  86400000LL
#define MS_PER_HOUR 3600000LL

/* ---- the calendar of Brussels ------------------------------------------------------------- */

/* Day number of the last Sunday of a month. */
static int64_t last_sunday(int64_t y, int m)
{
    int64_t first_next =
        m == 12 ? time_days_from_civil(y + 1, 1, 1) : time_days_from_civil(y, m + 1, 1);
    int64_t last = first_next - 1;
    int64_t weekday = ((last % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
    return last - weekday;
}

/*
 * Brussels keeps CET (+01:00) in winter and CEST (+02:00) from the last Sunday of March to the
 * last Sunday of October, switching at 01:00 UTC (the EU rule since 1996). Computing it here
 * rather than through the C library's TZ keeps this module pure and independent of the host's
 * tz database and of the process's time zone.
 */
static bool brussels_summer_time(int64_t unix_ms)
{
    int64_t y;
    int m, d;
    time_civil_from_days(unix_ms / MS_PER_DAY, &y, &m, &d);
    int64_t start = last_sunday(y, 3) * MS_PER_DAY + MS_PER_HOUR;
    int64_t end = last_sunday(y, 10) * MS_PER_DAY + MS_PER_HOUR;
    return unix_ms >= start && unix_ms < end;
}

/* Parses "YYYY-MM-DD"; returns false unless it is a real day of 2000..2099. */
static bool parse_date(const char *s, int *y, int *m, int *d)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    }
    *y = atoi(s);
    *m = atoi(s + 5);
    *d = atoi(s + 8);
    if (*y < 2000 || *y > 2099 || *m < 1 || *m > 12 || *d < 1)
        return false;
    /* A day past the end of its month comes back from the calendar as another date. */
    int64_t cy;
    int cm, cd;
    time_civil_from_days(time_days_from_civil(*y, *m, *d), &cy, &cm, &cd);
    return cy == *y && cm == *m && cd == *d;
}

void demo_options_init(struct demo_options *opts)
{
    opts->seed = DEMO_DEFAULT_SEED;
    opts->attendees = DEMO_DEFAULT_ATTENDEES;
    snprintf(opts->date, sizeof opts->date, "%s", DEMO_DEFAULT_DATE);
}

bool demo_date_valid(const char *date)
{
    int y, m, d;
    return parse_date(date, &y, &m, &d);
}

void demo_date_at(int64_t unix_ms, char out[DEMO_DATE_LEN])
{
    int64_t local = unix_ms + (brussels_summer_time(unix_ms) ? 2 : 1) * MS_PER_HOUR;
    int64_t day = local >= 0 ? local / MS_PER_DAY : -((-local + MS_PER_DAY - 1) / MS_PER_DAY);
    int64_t y;
    int m, d;
    time_civil_from_days(day, &y, &m, &d);
    char buf[48];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", (int)y, m, d);
    memcpy(out, buf, DEMO_DATE_LEN - 1);
    out[DEMO_DATE_LEN - 1] = '\0';
}

const char *demo_utc_offset(const char *date)
{
    int y, m, d;
    if (!parse_date(date, &y, &m, &d))
        return "+01:00";
    /* 10:00 UTC: after the 01:00 UTC switch, and within the day in Brussels. */
    int64_t t = time_days_from_civil(y, m, d) * MS_PER_DAY + 10 * MS_PER_HOUR;
    return brussels_summer_time(t) ? "+02:00" : "+01:00";
}

/* ---- the venue and the programme ------------------------------------------------------- */

struct room_def {
    const char *id;
    const char *name;
    int capacity;
};

/* rooms[0] is the plenary hall; the others are the break-out rooms. */
static const struct room_def rooms[] = {
    {"aula", "Aula Magna", 950},
    {"room-2.14", "Room 2.14", 40},
    {"room-2.15", "Room 2.15", 40},
    {"room-1.03", "Room 1.03", 36},
    {"zaal-3", "Zaal 3", 120},
    {"zaal-4", "Zaal 4", 100},
    {"zaal-van-eyck", "Zaal Van Eyck", 80},
    {"salle-horta", "Salle Horta", 60},
    {"salle-magritte", "Salle Magritte", 150},
    {"salle-europe", "Salle Europe", 140},
    {"studio-a", "Studio A, ground floor", 30},
    {"studio-b", "Studio B, ground floor", 30},
    {"atelier-1", "Atelier 1", 50},
    {"agora", "Agora", 130},
    {"room-0.08", "Room 0.08", 70},
};
#define N_BREAKOUT ((int)ARRAY_LEN(rooms) - 1)

/* A break-out session; demand is its relative popularity (about the number of registrations it
 * gets with 900 people), above the room's capacity for the popular ones. */
struct session_def {
    const char *title;
    int demand;
};

/* One per break-out room (rooms[1..]), in the same order. */
static const struct session_def morning[N_BREAKOUT] = {
    {"Generative AI at the counter: chatbots in public services", 72},
    {"Open data in de gemeente: van Excel naar API", 30},
    {"Accessibilité numérique : le WCAG 2.2 dans les services publics", 25},
    {"Het \"once only\"-principe in de praktijk", 95},
    {"eID, itsme and the European Digital Identity Wallet", 70},
    {"Slimme mobiliteit: wat leren we uit de Gentse circulatieplannen?", 60},
    {"La ville à 15 minutes : mythe ou réalité pour Bruxelles ?", 88},
    {"Données ouvertes et transparence budgétaire des communes", 120},
    {"Interoperable Europe Act: what changes for Belgian administrations", 90},
    {"Hands-on: publishing your first dataset on data.gov.be", 45},
    {"Co-design met burgers: methodes en valkuilen", 20},
    {"Cartographier la chaleur urbaine avec des capteurs citoyens", 35},
    {"Digital inclusion: leaving no citizen behind", 80},
    {"Cybersecurity for local governments, on a small budget", 50},
};

static const struct session_def afternoon[N_BREAKOUT] = {
    {"Algoritmes bij de overheid: transparantie en een publiek register", 65},
    {"Linked data for base registries: addresses, buildings, parcels", 30},
    {"Le RGPD et la réutilisation des données publiques", 28},
    {"Klimaatadaptatie in de stad: ontharden, vergroenen, meten", 85},
    {"Digital twins of cities: Brussels, Antwerp and Helsinki compared", 130},
    {"Energiegemeenschappen en open energiedata", 45},
    {"Le guichet numérique unique : retour d'expérience wallon", 50},
    {"Smart city, smart citizens ? La participation numérique à Liège", 95},
    {"Procurement of open source software in the public sector", 70},
    {"Workshop: user research for public services in one hour", 48},
    {"Toegankelijke formulieren bouwen met het Vlaamse designsysteem", 22},
    {"Atelier : visualiser la qualité de l'air avec des données ouvertes", 70},
    {"Data spaces and the EU Data Act: what cities should know", 85},
    {"Low-code bij de overheid: zegen of vloek?", 45},
};

static const char opening_title[] =
    "Opening plenary: digital public services in a changing Europe / Openingsplenaire / "
    "Séance plénière d'ouverture";
static const char closing_title[] =
    "Closing plenary: what we heard today / Slotplenaire / Plénière de clôture";

/*
 * Session numbering used throughout: 0..13 the morning break-outs (room i + 1), 14..27 the
 * afternoon ones, then the opening and the closing plenary. The day (local time):
 *   08:00 doors open    09:00-10:15 opening plenary   10:15 coffee
 *   10:45-12:15 morning break-outs   12:15 lunch and networking
 *   13:30-15:00 afternoon break-outs 15:00 coffee
 *   15:30-16:45 closing plenary      16:45 networking reception
 */
#define SESSION_OPENING (2 * N_BREAKOUT)
#define SESSION_CLOSING (2 * N_BREAKOUT + 1)
#define N_SESSIONS      (2 * N_BREAKOUT + 2)

/* The start and end (local "HH:MM") of a session. */
static void session_times(int s, const char **start, const char **end)
{
    if (s == SESSION_OPENING) {
        *start = "09:00", *end = "10:15";
    } else if (s == SESSION_CLOSING) {
        *start = "15:30", *end = "16:45";
    } else if (s < N_BREAKOUT) {
        *start = "10:45", *end = "12:15";
    } else {
        *start = "13:30", *end = "15:00";
    }
}

/* The room (index into rooms) of a session. */
static int session_room(int s)
{
    if (s >= SESSION_OPENING)
        return 0;
    return s % N_BREAKOUT + 1;
}

/* The id of a session ("s-zaal-3-am"), owned by the caller. */
static char *session_id(int s)
{
    if (s == SESSION_OPENING)
        return xasprintf("s-%s-am", DEMO_PLENARY_ROOM);
    if (s == SESSION_CLOSING)
        return xasprintf("s-%s-pm", DEMO_PLENARY_ROOM);
    return xasprintf("s-%s-%s", rooms[session_room(s)].id, s < N_BREAKOUT ? "am" : "pm");
}

/* The break-out session of a room id in the morning (pm = false) or afternoon slot, or -1. */
static int breakout_of(const char *room_id, bool pm)
{
    for (int r = 1; r < (int)ARRAY_LEN(rooms); r++) {
        if (strcmp(rooms[r].id, room_id) == 0)
            return r - 1 + (pm ? N_BREAKOUT : 0);
    }
    return -1;
}

/* ---- people --------------------------------------------------------------------------- */

/* The four names that must appear (DESIGN.md §2), with what they do at the symposium. Their
 * positions in the list are fixed (see special_positions), the rest is drawn. */
struct special_def {
    const char *name;
    const char *email_local;
    enum language lang;
    const char *category;
    const char *org;               /* the name of an organisation or newsroom (demo_people.h) */
    const char *room_am, *room_pm; /* break-out rooms registered for, or NULL */
};

static const struct special_def specials[] = {
    {"Françoise Dieudonné", "francoise.dieudonne", LANG_FR, "speaker", "Service public de Wallonie",
     "salle-horta", "salle-magritte"},
    {"Jürgen Çelik", "juergen.celik", LANG_EN, "attendee", "Fraunhofer FOKUS", "room-2.14",
     "zaal-4"},
    {"Nguyễn Ngọc Anh", "ngocanh.nguyen", LANG_EN, "press", "Politico Europe", "studio-a", NULL},
    {"محمد", "mohamed", LANG_FR, "attendee", "Stad Brussel / Ville de Bruxelles", "salle-horta",
     "atelier-1"},
};
#define N_SPECIALS ((int)ARRAY_LEN(specials))
/* Where the specials go with 900 attendees; scaled down for smaller demos. Françoise is A0042
 * as in DESIGN.md's example. */
static const int special_base[N_SPECIALS] = {42, 107, 233, 318};

/* ---- generation ------------------------------------------------------------------------ */

struct person {
    char *name;
    char *email; /* NULL: none given */
    const struct demo_org *org;
    enum language lang;
    const char *category;
    int talk;    /* the session this speaker speaks in, or -1 */
    int sess[2]; /* registered sessions (indexes), -1 for none, in time order */
};

/* Positions (0-based) of the specials among n attendees: spread like special_base, distinct. */
static void special_positions(int n, int pos[N_SPECIALS])
{
    for (int k = 0; k < N_SPECIALS; k++) {
        int p = (int)((long)special_base[k] * n / DEMO_DEFAULT_ATTENDEES) - 1;
        if (k > 0 && p <= pos[k - 1])
            p = pos[k - 1] + 1;
        pos[k] = p < 0 ? 0 : p;
    }
}

/* Appends a CSV field, quoted when it holds a comma, a quote, a line break or edge spaces. */
static void csv_put(struct strbuf *sb, const char *s)
{
    size_t len = strlen(s);
    bool quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
    for (const char *c = s; *c != '\0' && !quote; c++)
        quote = *c == ',' || *c == '"' || *c == '\r' || *c == '\n';
    if (!quote) {
        strbuf_append(sb, s, len);
        return;
    }
    strbuf_putc(sb, '"');
    for (const char *c = s; *c != '\0'; c++) {
        if (*c == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, *c);
    }
    strbuf_putc(sb, '"');
}

/* RFC 4180 ends records with CRLF. */
static void csv_end(struct strbuf *sb)
{
    strbuf_puts(sb, "\r\n");
}

/* Writes rooms.csv. */
static char *make_rooms_csv(void)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, "id,name,capacity");
    csv_end(&sb);
    for (size_t i = 0; i < ARRAY_LEN(rooms); i++) {
        csv_put(&sb, rooms[i].id);
        strbuf_putc(&sb, ',');
        csv_put(&sb, rooms[i].name);
        strbuf_printf(&sb, ",%d", rooms[i].capacity);
        csv_end(&sb);
    }
    return strbuf_take(&sb);
}

/* The title of a session. */
static const char *session_title(int s)
{
    if (s == SESSION_OPENING)
        return opening_title;
    if (s == SESSION_CLOSING)
        return closing_title;
    return s < N_BREAKOUT ? morning[s].title : afternoon[s - N_BREAKOUT].title;
}

/* Writes sessions.csv, in the order of the day. */
static char *make_sessions_csv(const char *date)
{
    const char *offset = demo_utc_offset(date);
    struct strbuf sb = {0};
    strbuf_puts(&sb, "id,room,title,start,end");
    csv_end(&sb);
    int order[N_SESSIONS];
    int n = 0;
    order[n++] = SESSION_OPENING;
    for (int s = 0; s < 2 * N_BREAKOUT; s++)
        order[n++] = s;
    order[n++] = SESSION_CLOSING;
    for (int i = 0; i < n; i++) {
        int s = order[i];
        const char *start, *end;
        session_times(s, &start, &end);
        char *id = session_id(s);
        csv_put(&sb, id);
        strbuf_putc(&sb, ',');
        csv_put(&sb, rooms[session_room(s)].id);
        strbuf_putc(&sb, ',');
        csv_put(&sb, session_title(s));
        strbuf_printf(&sb, ",%sT%s:00%s,%sT%s:00%s", date, start, offset, date, end, offset);
        csv_end(&sb);
        free(id);
    }
    return strbuf_take(&sb);
}

/* Registers p for a break-out in the slot (0 morning, 1 afternoon) with probability pct, drawn
 * by popularity. */
static void maybe_register(struct demo_rng *r, struct person *p, int slot, int pct)
{
    if (p->sess[slot] >= 0 || !demo_rng_pct(r, pct))
        return;
    int weights[N_BREAKOUT];
    for (int i = 0; i < N_BREAKOUT; i++)
        weights[i] = slot == 0 ? morning[i].demand : afternoon[i].demand;
    p->sess[slot] = (int)demo_rng_weighted(r, weights, N_BREAKOUT) + slot * N_BREAKOUT;
}

/* Deals the categories: the specials have theirs, the others are dealt from a shuffled deck
 * (special[i]: the index into specials of people[i], or -1). */
static void deal_categories(struct demo_rng *r, struct person *people, int n, const int *special)
{
    int n_speakers = n >= DEMO_DEFAULT_ATTENDEES ? 30 : 30 * n / DEMO_DEFAULT_ATTENDEES;
    int n_staff = 20 * n / DEMO_DEFAULT_ATTENDEES;
    int n_press = 10 * n / DEMO_DEFAULT_ATTENDEES;
    n_speakers = n_speakers < 1 ? 1 : n_speakers;
    n_staff = n_staff < 1 ? 1 : n_staff;
    n_press = n_press < 1 ? 1 : n_press;
    int *deck = xcalloc((size_t)n, sizeof(int));
    int n_deck = 0;
    for (int i = 0; i < n; i++) {
        if (special[i] < 0)
            deck[n_deck++] = i;
    }
    for (int i = n_deck - 1; i > 0; i--) {
        int j = (int)demo_rng_below(r, (size_t)i + 1);
        int t = deck[i];
        deck[i] = deck[j];
        deck[j] = t;
    }
    for (int i = 0; i < n; i++) {
        const char *cat = special[i] >= 0 ? specials[special[i]].category : "attendee";
        people[i].category = cat;
        n_speakers -= special[i] >= 0 && strcmp(cat, "speaker") == 0;
        n_press -= special[i] >= 0 && strcmp(cat, "press") == 0;
    }
    int next = 0;
    for (int i = 0; i < n_speakers && next < n_deck; i++)
        people[deck[next++]].category = "speaker";
    for (int i = 0; i < n_staff && next < n_deck; i++)
        people[deck[next++]].category = "staff";
    for (int i = 0; i < n_press && next < n_deck; i++)
        people[deck[next++]].category = "press";
    free(deck);
}

/* Gives the speakers their talks: Françoise (people[first]) opens the morning session in Salle
 * Horta; the other speakers take the remaining sessions, plenaries last. */
static void assign_talks(struct person *people, int n, int first)
{
    bool taken[N_SESSIONS] = {false};
    int talk_fr = breakout_of(specials[0].room_am, false);
    people[first].talk = talk_fr;
    taken[talk_fr] = true;
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(people[i].category, "speaker") != 0 || people[i].talk >= 0)
            continue;
        while (s < N_SESSIONS && taken[s])
            s++;
        if (s == N_SESSIONS)
            break;
        people[i].talk = s;
        taken[s] = true;
    }
}

/* Names the people who are not specials and gives everyone an organisation and, but for a few
 * drawn ones, an e-mail address unique in the list. */
static void name_people(struct demo_rng *r, struct person *people, int n, const int *special)
{
    struct hashmap names = {0}, emails = {0};
    for (int i = 0; i < n; i++) {
        if (special[i] >= 0)
            hashmap_put(&names, people[i].name, 0, NULL);
    }
    for (int i = 0; i < n; i++) {
        struct person *p = &people[i];
        char *local = NULL;
        if (special[i] >= 0) {
            const struct special_def *sp = &specials[special[i]];
            local = xstrdup(sp->email_local);
            p->lang = sp->lang;
            p->org = demo_people_org_named(sp->org);
        } else {
            demo_people_draw(r, &names, &p->name, &local, &p->lang);
            if (strcmp(p->category, "staff") == 0)
                p->org = demo_people_staff_org(r);
            else if (strcmp(p->category, "press") == 0)
                p->org = demo_people_press_org(r);
            else
                p->org = demo_people_org(r, p->lang);
        }

        /* A few on-site registrations came without an e-mail address. */
        if (special[i] < 0 && demo_rng_pct(r, 2)) {
            free(local);
            continue;
        }
        p->email = xasprintf("%s@%s", local, p->org->domain);
        for (int k = 2; !hashmap_put(&emails, p->email, 0, NULL); k++) {
            free(p->email);
            p->email = xasprintf("%s%d@%s", local, k, p->org->domain);
        }
        free(local);
    }
    hashmap_finish(&names);
    hashmap_finish(&emails);
}

/* Registers people for sessions, 0 to 2 each, at most one per break-out slot. */
static void register_people(struct demo_rng *r, struct person *people, int n, const int *special)
{
    for (int i = 0; i < n; i++) {
        struct person *p = &people[i];
        if (special[i] >= 0) {
            const struct special_def *sp = &specials[special[i]];
            if (sp->room_am != NULL)
                p->sess[0] = breakout_of(sp->room_am, false);
            if (sp->room_pm != NULL)
                p->sess[1] = breakout_of(sp->room_pm, true);
            if (p->talk < 0)
                continue;
        }
        if (p->talk >= 0 && p->talk < 2 * N_BREAKOUT) {
            p->sess[p->talk / N_BREAKOUT] = p->talk;
            maybe_register(r, p, 1 - p->talk / N_BREAKOUT, 40);
        } else if (p->talk >= 0) {
            /* A keynote speaker is registered for the plenary and perhaps one break-out (the
             * opening comes before the afternoon slot, the closing after the morning one). */
            int slot = p->talk == SESSION_OPENING ? 0 : 1;
            p->sess[slot] = p->talk;
            maybe_register(r, p, 1 - slot, 40);
        } else if (strcmp(p->category, "attendee") == 0) {
            maybe_register(r, p, 0, 87);
            maybe_register(r, p, 1, 80);
        } else if (strcmp(p->category, "press") == 0) {
            maybe_register(r, p, 0, 50);
            maybe_register(r, p, 1, 50);
        }
    }
}

/* Fills people[0..n) (names, organisations, categories, registrations). */
static void make_people(struct demo_rng *r, struct person *people, int n)
{
    int pos[N_SPECIALS];
    special_positions(n, pos);
    int *special = xcalloc((size_t)n, sizeof(int));
    for (int i = 0; i < n; i++) {
        special[i] = -1;
        people[i].talk = -1;
        people[i].sess[0] = people[i].sess[1] = -1;
    }
    for (int k = 0; k < N_SPECIALS; k++) {
        special[pos[k]] = k;
        people[pos[k]].name = xstrdup(specials[k].name);
    }
    deal_categories(r, people, n, special);
    assign_talks(people, n, pos[0]);
    name_people(r, people, n, special);
    register_people(r, people, n, special);
    free(special);
}

/* Writes attendees.csv. */
static char *make_attendees_csv(const struct person *people, int n)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, "id,name,organisation,email,language,category,sessions");
    csv_end(&sb);
    for (int i = 0; i < n; i++) {
        const struct person *p = &people[i];
        strbuf_printf(&sb, "A%04d,", i + 1);
        csv_put(&sb, p->name);
        strbuf_putc(&sb, ',');
        csv_put(&sb, p->org->name);
        strbuf_putc(&sb, ',');
        csv_put(&sb, p->email != NULL ? p->email : "");
        strbuf_printf(&sb, ",%s,%s,", language_name(p->lang), p->category);
        struct strbuf list = {0};
        for (int k = 0; k < 2; k++) {
            if (p->sess[k] < 0)
                continue;
            char *id = session_id(p->sess[k]);
            if (list.len > 0)
                strbuf_putc(&list, ';');
            strbuf_puts(&list, id);
            free(id);
        }
        csv_put(&sb, list.data != NULL ? list.data : "");
        strbuf_finish(&list);
        csv_end(&sb);
    }
    return strbuf_take(&sb);
}

bool demo_generate(const struct demo_options *opts, struct demo_csvs *out)
{
    if (opts->attendees < DEMO_MIN_ATTENDEES || opts->attendees > DEMO_MAX_ATTENDEES) {
        log_warnx("demo: %d attendees: must be between %d and %d", opts->attendees,
                  DEMO_MIN_ATTENDEES, DEMO_MAX_ATTENDEES);
        return false;
    }
    if (!demo_date_valid(opts->date)) {
        log_warnx("demo: '%s': not a date (YYYY-MM-DD)", opts->date);
        return false;
    }
    struct demo_rng r = {opts->seed};
    int n = opts->attendees;
    struct person *people = xcalloc((size_t)n, sizeof *people);
    make_people(&r, people, n);
    out->rooms = make_rooms_csv();
    out->sessions = make_sessions_csv(opts->date);
    out->attendees = make_attendees_csv(people, n);
    for (int i = 0; i < n; i++) {
        free(people[i].name);
        free(people[i].email);
    }
    free(people);
    return true;
}

void demo_csvs_finish(struct demo_csvs *csvs)
{
    free(csvs->rooms);
    free(csvs->sessions);
    free(csvs->attendees);
    csvs->rooms = csvs->sessions = csvs->attendees = NULL;
}

bool demo_write_csvs(const char *dir, const struct demo_options *opts)
{
    struct demo_csvs csvs = {0};
    if (!demo_generate(opts, &csvs))
        return false;
    const struct {
        const char *name;
        const char *data;
    } files[] = {
        {DEMO_ROOMS_CSV, csvs.rooms},
        {DEMO_SESSIONS_CSV, csvs.sessions},
        {DEMO_ATTENDEES_CSV, csvs.attendees},
    };
    bool ok = true;
    for (size_t i = 0; i < ARRAY_LEN(files) && ok; i++) {
        char *path = path_join(dir, files[i].name);
        ok = file_write_atomic(path, files[i].data, strlen(files[i].data), 0644);
        if (!ok)
            log_warn("%s", path);
        free(path);
    }
    demo_csvs_finish(&csvs);
    return ok;
}
