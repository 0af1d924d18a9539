/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates of attendance (issue 17): a day replayed through real headless kiosks
 * (TIMESTAMP<TAB>TOKEN on stdin), then `portier certificates --db ...`: who is certified for
 * which session at 80% presence (entry to exit, to the session's end, a late arrival, staff
 * never), minutes and credits in certificates.csv, the PDFs' text (pdftotext) in each
 * attendee's language, and `portier verify` accepting every code and refusing an altered one
 * and one checked against another event. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "csv.h"
#include "event_fixture.h"
#include "file.h"
#include "pg_harness.h"
#include "shell.h"
#include "util.h"

#define N_PEOPLE 5
#define DAY      "2025-03-14T"

static char *dir;
static const char *bin;
static struct event_tokens badges;
static const char *tokens[N_PEOPLE]; /* badges' */

/* A signature image drawn with cairo. */
static void write_signature(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 300, 100);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.5);
    cairo_set_line_width(cr, 4);
    cairo_move_to(cr, 10, 80);
    cairo_curve_to(cr, 80, 0, 150, 100, 290, 20);
    cairo_stroke(cr);
    cairo_destroy(cr);
    char *path = xasprintf("%s/ev/sig.png", dir);
    CHECK(cairo_surface_write_to_png(s, path) == CAIRO_STATUS_SUCCESS);
    free(path);
    cairo_surface_destroy(s);
}

/* The event (Brussels, UTC+1 that day) with credits, its badges and one bundle per kiosk. */
static void make_event(void)
{
    test_write_file(dir, "rooms.csv", "id,name,capacity\nhall,Great Hall,50\nsalon,Le Salon,10\n");
    test_write_file(dir, "sessions.csv",
                    "id,room,title,start,end,credits\n"
                    "keynote,hall,Opening keynote," DAY "10:00:00+01:00," DAY "11:00:00+01:00,1.5\n"
                    "talk,salon,Wound care," DAY "11:15:00+01:00," DAY "12:00:00+01:00,\"0,75\"\n"
                    "closing,hall,Closing panel," DAY "12:30:00+01:00," DAY "13:30:00+01:00,\n");
    test_write_file(dir, "attendees.csv",
                    "id,name,organisation,email,language,category,sessions\n"
                    "P01,Jan Peeters,UZ Gent,,nl,attendee,keynote;talk;closing\n"
                    "P02,Françoise Dieudonné,CHU Liège,,fr,attendee,talk\n"
                    "P03,Ann Smith,NHS,,en,attendee,keynote;talk\n"
                    "P04,Bob Jones,,,en,attendee,keynote\n"
                    "P05,Sam Staff,,,en,staff,\n");
    CHECK(event_fixture_init(dir, "Care Symposium", NULL, NULL));
    write_signature();
    test_write_file(dir, "ev/certificate.ini",
                    "[certificate]\norganiser = Dr. Marie Dubois\nsignature = sig.png\n");
    const char *devices[] = {"ent", "hall", "salon"};
    for (size_t k = 0; k < ARRAY_LEN(devices); k++)
        CHECK(test_sh("cd %s && %s bundle ev --out b-%s >/dev/null", dir, bin, devices[k]) == 0);
    CHECK(event_fixture_tokens(dir, &badges) && badges.n == N_PEOPLE);
    event_fixture_numbered(&badges, "P", tokens, N_PEOPLE);
}

/* Appends "DAY hh:mm UTC<TAB>token of person p". */
static void line(struct strbuf *sb, int h, int m, int p)
{
    strbuf_printf(sb, DAY "%02d:%02d:00Z\t%s\n", h, m, tokens[p - 1]);
}

/* Runs one kiosk over its scans. */
static void replay(const char *device, const char *room, const char *mode, struct strbuf *scans)
{
    char *name = xasprintf("%s.replay", device);
    test_write_file(dir, name, scans->data);
    free(name);
    CHECK(test_sh("cd %s && %s kiosk b-%s --device %s --room %s --mode %s --db %s.db "
                  "--camera none --scanner stdin --headless <%s.replay >%s.out 2>&1",
                  dir, bin, device, device, room, mode, device, device, device) == 0);
    strbuf_finish(scans);
}

/* The day (times UTC; local is +1):
 *   P01 keynote from 09:50 to its end (60), talk 11:15-11:30 (15 of 45: too little),
 *       closing from 12:25 to its end (60)
 *   P02 keynote from 10:30 to its end (30 of 60: too little), talk from 11:10 to its end (45)
 *   P03 keynote (60), talk from 11:20 (40 of 45: 89%)
 *   P04 checked in, then admitted by hand to the keynote by P05 (staff, who found them by
 *       name: reason manual) and stayed to its end (60, marked as admitted by hand)
 *   P05 (staff) in the keynote: never certified */
static void replay_day(void)
{
    struct strbuf ent = {0}, hall = {0}, salon = {0};
    for (int p = 1; p <= N_PEOPLE; p++)
        line(&ent, 8, 30 + p, p);
    line(&hall, 8, 50, 1);
    line(&hall, 8, 51, 3);
    line(&hall, 8, 52, 5);
    strbuf_printf(&hall,
                  "{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"P04\",\"time\":\"" DAY
                  "08:55:00Z\"}\n",
                  tokens[4]);
    line(&hall, 9, 30, 2);
    line(&salon, 10, 10, 2);
    line(&salon, 10, 15, 1);
    line(&salon, 10, 20, 3);
    line(&salon, 10, 30, 1); /* P01 leaves the talk */
    line(&hall, 11, 25, 1);
    replay("ent", "entrance", "entry", &ent);
    replay("hall", "hall", "toggle", &hall);
    replay("salon", "salon", "toggle", &salon);
}

/* The text of DIR/out/<id>.pdf (pdftotext), owned by the caller. */
static char *pdf_text(const char *out, const char *id)
{
    char *txt = xasprintf("%s/%s/%s.txt", dir, out, id);
    CHECK(test_sh("pdftotext -layout %s/%s/%s.pdf %s", dir, out, id, txt) == 0);
    size_t len = 0;
    char *text = file_read_all(txt, &len);
    free(txt);
    return text ? text : xstrdup("");
}

/* Every needle (NULL-terminated) is in id's certificate. */
static void check_pdf(const char *out, const char *id, const char *const *needles)
{
    char *text = pdf_text(out, id);
    for (; *needles != NULL; needles++) {
        bool found = strstr(text, *needles) != NULL;
        if (!found)
            fprintf(stderr, "%s.pdf: no '%s' in:\n%s\n", id, *needles, text);
        CHECK(found);
    }
    free(text);
}

/* certificates.csv as expected, manual_sessions last; returns its codes (P01, P02, P03). */
static void check_csv(const char *out, char *codes[3])
{
    static const char *const want[][7] = {
        {"P01", "Jan Peeters", "keynote;closing", "120", "1.5", "", "0"},
        {"P02", "Françoise Dieudonné", "talk", "45", "0.75", "", "0"},
        {"P03", "Ann Smith", "keynote;talk", "100", "2.25", "", "0"},
        {"P04", "Bob Jones", "keynote", "60", "1.5", "", "1"},
    };
    char *path = xasprintf("%s/%s/certificates.csv", dir, out);
    struct csv *csv = csv_read_file(path);
    free(path);
    CHECK(csv != NULL && csv->n_records == 5);
    if (csv == NULL || csv->n_records != 5) {
        csv_destroy(csv);
        return;
    }
    CHECK(csv->records[0].n_fields == 7 && strcmp(csv->records[0].fields[5], "code") == 0 &&
          strcmp(csv->records[0].fields[6], "manual_sessions") == 0);
    for (size_t r = 0; r < 4; r++) {
        CHECK(csv->records[r + 1].n_fields == 7);
        for (size_t f = 0; f < 7 && f < csv->records[r + 1].n_fields; f++) {
            if (f == 5)
                continue; /* the code: checked by portier verify */
            bool same = strcmp(csv->records[r + 1].fields[f], want[r][f]) == 0;
            if (!same)
                fprintf(stderr, "certificates.csv row %zu field %zu: '%s', expected '%s'\n", r + 1,
                        f, csv->records[r + 1].fields[f], want[r][f]);
            CHECK(same);
        }
        if (r < 3)
            codes[r] = xstrdup(csv->records[r + 1].fields[5]);
    }
    csv_destroy(csv);
}

/* portier verify: every code genuine, an altered one and another event's refused. */
static void check_verify(char *codes[3])
{
    const char *names[] = {"Jan Peeters", "Françoise Dieudonné", "Ann Smith"};
    for (int i = 0; i < 3; i++) {
        CHECK(test_sh("cd %s && %s verify '%s' --event ev >verify.out 2>&1 && "
                      "grep -q 'genuine: certificate of %s' verify.out",
                      dir, bin, codes[i], names[i]) == 0);
    }
    CHECK(test_sh("cd %s && %s verify '%s' --event ev | grep -q '120 minutes, 1.5 credits'", dir,
                  bin, codes[0]) == 0);
    char *altered = xstrdup(codes[2]);
    altered[13] = altered[13] == 'A' ? 'B' : 'A'; /* in the minutes */
    CHECK(test_sh("cd %s && %s verify '%s' --event ev 2>verify.err; test $? -eq 1 && "
                  "grep -q 'altered' verify.err",
                  dir, bin, altered) == 0);
    free(altered);
    CHECK(test_sh("cd %s && %s init other --name Other --timezone UTC --rooms rooms.csv "
                  "--sessions sessions.csv --attendees attendees.csv >/dev/null && "
                  "%s verify '%s' --event other 2>verify.err; test $? -eq 1 && "
                  "grep -q 'another event' verify.err",
                  dir, bin, bin, codes[0]) == 0);
    CHECK(test_sh("cd %s && %s verify 'NOT-A-CODE' --event ev 2>/dev/null; test $? -eq 1", dir,
                  bin) == 0);
}

/* The same certificates from a real PostgreSQL the kiosks synced to: certificates.csv is
 * byte for byte the same (signatures are deterministic), and so is every PDF's text. */
static void check_central(void)
{
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK(pg != NULL);
    if (pg == NULL)
        return;
    PGconn *c = central_connect(pg_harness_conninfo(pg));
    char *event_db = xasprintf("%s/ev/event.db", dir);
    CHECK(c != NULL && central_migrate(c, central_migrations, central_migration_count, NULL));
    CHECK(central_publish(c, event_db, false, NULL));
    free(event_db);
    char port[16];
    snprintf(port, sizeof port, "%d", pg->port);
    const char *devices[] = {"ent", "hall", "salon"};
    for (size_t k = 0; k < ARRAY_LEN(devices); k++) {
        const char *room[] = {k == 0 ? "entrance" : devices[k]};
        char *conninfo = central_add_login(c, CENTRAL_DEVICE, devices[k], CENTRAL_AUTH_PASSWORD,
                                           room, 1, "127.0.0.1", port);
        CHECK(conninfo != NULL);
        CHECK(conninfo != NULL &&
              test_sh("%s sync %s/b-%s --device %s --db %s/%s.db --central "
                      "'%s' --once 2>>%s/sync.log",
                      bin, dir, devices[k], devices[k], dir, devices[k], conninfo, dir) == 0);
        free(conninfo);
    }
    char *org = central_add_login(c, CENTRAL_ORGANISER, "certifier", CENTRAL_AUTH_PASSWORD, NULL, 0,
                                  "127.0.0.1", NULL);
    CHECK(org != NULL);
    CHECK(org != NULL && test_sh("cd %s && %s certificates --central \"%s\" --event ev --out "
                                 "central >/dev/null && cmp certs/certificates.csv "
                                 "central/certificates.csv",
                                 dir, bin, org) == 0);
    const char *ids[] = {"P01", "P02", "P03", "P04"};
    for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
        char *a = pdf_text("certs", ids[i]), *b = pdf_text("central", ids[i]);
        CHECK(strcmp(a, b) == 0);
        free(a);
        free(b);
    }
    free(org);
    PQfinish(c);
    pg_harness_destroy(pg);
}

/* Three worker processes write the same files as one (but for each PDF's creation date),
 * and a worker that cannot write a PDF fails the command, saying which file and that no
 * certificates.csv was written, leaving no temp file behind. */
static void check_workers(void)
{
    char *one = xasprintf("%s certificates --db ent.db --db hall.db --db salon.db --event ev", bin);
    CHECK(test_sh("cd %s && %s --out one --jobs 1 >/dev/null && %s --out three --jobs 3 "
                  ">/dev/null && cmp one/certificates.csv three/certificates.csv && "
                  "test \"$(ls one)\" = \"$(ls three)\" && for f in one/*.pdf; do "
                  "LC_ALL=C sed /CreationDate/d $f >a.tmp && "
                  "LC_ALL=C sed /CreationDate/d three/${f#one/} >b.tmp && "
                  "cmp a.tmp b.tmp || exit 1; done",
                  dir, one, one) == 0);
    CHECK(test_sh("cd %s && mkdir -p fail/P03.pdf && %s --out fail --jobs 3 2>fail.err; "
                  "test $? -eq 1 && test ! -e fail/certificates.csv && "
                  "grep -q 'fail/P03.pdf' fail.err && "
                  "grep -q 'not every PDF was written (see above); no certificates.csv' "
                  "fail.err && test -z \"$(ls fail | grep tmp)\"",
                  dir, one) == 0);
    free(one);
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    dir = event_fixture_dir("certs");
    make_event();
    replay_day();

    CHECK(test_sh("cd %s && %s certificates --db ent.db --db hall.db --db salon.db --event ev "
                  "--out certs >certs.out",
                  dir, bin) == 0);
    CHECK(test_sh("cd %s && grep -q '^4 certificates' certs.out", dir) == 0);
    CHECK(test_sh("cd %s/certs && test -f P01.pdf && test -f P02.pdf && test -f P03.pdf && "
                  "test -f P04.pdf && test ! -e P05.pdf",
                  dir) == 0);
    char *codes[3] = {NULL, NULL, NULL};
    check_csv("certs", codes);
    check_pdf("certs", "P01",
              (const char *[]){"Attest van aanwezigheid", "Jan Peeters", "Care Symposium",
                               "14/03/2025", "Opening keynote", "10:00–11:00", "Closing panel",
                               "1,5", "Totaal", "120", "Dr. Marie Dubois", "Verificatiecode",
                               NULL});
    check_pdf("certs", "P02",
              (const char *[]){"Attestation de présence", "Françoise Dieudonné", "Wound care", "45",
                               "0,75", "Organisateur", NULL});
    check_pdf("certs", "P03",
              (const char *[]){"Certificate of attendance", "2025-03-14", "Opening keynote",
                               "Wound care", "40", "2.25", "100", NULL});
    check_pdf("certs", "P04",
              (const char *[]){"Certificate of attendance", "Bob Jones", "Opening keynote",
                               "admitted by hand", "60", NULL});
    /* Latin text embeds each of its three fonts once, as one simple subset: no composite
     * subset for a ligature's glyph ("fi" of "Verificatiecode"). */
    CHECK(test_sh("cd %s/certs && pdffonts P01.pdf >p01.fonts && "
                  "test $(tail -n +3 p01.fonts | wc -l) -eq 3 && "
                  "test $(grep -c 'TrueType *WinAnsi' p01.fonts) -eq 3",
                  dir) == 0);
    char *p03 = pdf_text("certs", "P03");
    CHECK(strstr(p03, "admitted by hand") == NULL); /* badges scanned */
    free(p03);
    char *p01 = pdf_text("certs", "P01");
    CHECK(strstr(p01, "Wound care") == NULL); /* 15 of 45 minutes */
    free(p01);
    char *p02 = pdf_text("certs", "P02");
    CHECK(strstr(p02, "Opening keynote") == NULL); /* 30 of 60 minutes */
    free(p02);
    if (codes[0] != NULL) {
        /* The QR code on the page reads back as the code (real zbar, on the rendered page). */
        CHECK(test_sh("cd %s/certs && pdftoppm -r 150 -png -singlefile P01.pdf p01 && "
                      "test \"$(zbarimg --raw -q p01.png 2>/dev/null)\" = '%s'",
                      dir, codes[0]) == 0);
        check_verify(codes);
    }

    /* At 50%, P02's half keynote counts too. */
    CHECK(test_sh("cd %s && %s certificates --db ent.db --db hall.db --db salon.db --event ev "
                  "--out half --min-presence 50%% >/dev/null && "
                  "grep -q '^P02,.*,keynote;talk,75,2.25,' half/certificates.csv",
                  dir, bin) == 0);
    check_central();
    check_workers();
    /* A bad certificate.ini or signature: refused, saying where and what, nothing written. */
    test_write_file(dir, "ev/certificate.ini",
                    "[certificate]\norganiser = X\nsignatur = sig.png\n");
    CHECK(test_sh("cd %s && %s certificates --db ent.db --event ev --out bad 2>bad.err; "
                  "test $? -eq 1 && test ! -e bad/certificates.csv && grep -q "
                  "\"ev/certificate.ini:3: unknown key 'signatur'\" bad.err",
                  dir, bin) == 0);
    test_write_file(dir, "ev/certificate.ini", "[certificate]\nsignature = nope.png\n");
    CHECK(test_sh("cd %s && %s certificates --db ent.db --event ev --out bad 2>bad.err; "
                  "test $? -eq 1 && grep -q 'nope.png: cannot read the signature image' bad.err",
                  dir, bin) == 0);
    /* Usage errors. */
    CHECK(test_sh("cd %s && %s certificates --db ent.db --event ev --out x --min-presence 120%% "
                  "2>/dev/null; test $? -eq 2",
                  dir, bin) == 0);

    for (int i = 0; i < 3; i++)
        free(codes[i]);
    event_fixture_tokens_free(&badges);
    if (check_done() == 0)
        test_sh("rm -rf %s", dir);
    else
        fprintf(stderr, "left in %s\n", dir);
    free(dir);
    return check_done();
}
