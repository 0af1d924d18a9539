/* SPDX-License-Identifier: Apache-2.0 */
/* Import maps (core/import_map.h): map files and their errors, column specs ('+', '|', '*'),
 * skipped rows, locales, tickets through [sessions], and the errors of a foreign table. */
#include <string.h>

#include "check.h"
#include "csv.h"
#include "import_map.h"
#include "roster.h"

/* Parses a map literal; NULL on errors (left in errs). */
static struct import_map *map_of(const char *text, struct roster_errors *errs)
{
    return import_map_parse(NULL, "t.map", text, strlen(text), errs);
}

/* True when some message in errs contains s. */
static bool said(const struct roster_errors *errs, const char *s)
{
    for (size_t i = 0; i < errs->n; i++) {
        if (strstr(errs->items[i], s) != NULL)
            return true;
    }
    return false;
}

/* Applies m to a CSV literal. */
static struct csv *apply(const struct import_map *m, const char *text, struct roster_errors *errs,
                         size_t *skipped)
{
    struct csv_error cerr;
    struct csv *in = csv_parse(text, strlen(text), &cerr);
    CHECK(in != NULL);
    struct csv *out = import_map_apply(m, "in.csv", in, errs, skipped);
    csv_destroy(in);
    return out;
}

/* Field i of record row of out. */
static const char *at(const struct csv *out, size_t row, size_t i)
{
    return out->records[row].fields[i];
}

static void test_map_errors(void)
{
    struct roster_errors errs = {0};
    CHECK(map_of("[columns]\nid = A\nname = B\nnick = C\n", &errs) == NULL &&
          said(&errs, "t.map:4: [columns]: unknown column 'nick'"));
    roster_errors_finish(&errs);
    CHECK(map_of("[people]\n", &errs) == NULL && said(&errs, "t.map:1: unknown section [people]"));
    roster_errors_finish(&errs);
    CHECK(map_of("[columns]\nid = A\n", &errs) == NULL &&
          said(&errs, "must say at least which columns give id and name"));
    roster_errors_finish(&errs);
    CHECK(map_of("[columns]\nid = A +\nname = B\n", &errs) == NULL &&
          said(&errs, "t.map:2: [columns] id: an empty header"));
    roster_errors_finish(&errs);
    CHECK(map_of("[import]\nlanguage_fallback = de\n[columns]\nid=A\nname=B\n", &errs) == NULL &&
          said(&errs, "t.map:2: [import]"));
    roster_errors_finish(&errs);
    CHECK(map_of("[columns]\nid = A\nname = B\n[sessions]\nX = s1\nX = s2\n", &errs) == NULL &&
          said(&errs, "t.map:6: [sessions]: 'X' is given twice"));
    roster_errors_finish(&errs);
    CHECK(import_map_preset("luma") == NULL);
}

static void test_apply(void)
{
    struct roster_errors errs = {0};
    struct import_map *m = map_of("\xEF\xBB\xBF# a CRM\n[import]\nsource = crm\n"
                                  "skip = State: Cancelled | refunded\nlanguage_fallback = en\n"
                                  "[columns]\nid = Nr + Pos\nsource_id = Nr\n"
                                  "name = Full | Part: *\norganisation = Org\n"
                                  "email = Mail | Buyer\nlanguage = Lang\nticket = P + V\n"
                                  "[sessions]\nPass \xE2\x80\x93 Day = s1; s2\nPass = s1\nW =\n",
                                  &errs);
    CHECK(m != NULL && errs.n == 0 && strcmp(import_map_source(m), "crm") == 0);
    const char in[] = "Nr,Pos,State,Full,Part: given,Part: family,Org,Mail,Buyer,Lang,P,V,Org\n"
                      "A1,1,paid,Ann Lee,Ann,Lee,Org 1,a@x.example,b@x.example,fr-BE,Pass,Day,I\n"
                      "B1,2,paid,,Bo,Ng,,,b@x.example,nl_informal,Pass,Evening,I\n"
                      "A2,1,CANCELLED,Cy,,,,,,,Pass,Day,\n"
                      "A3,1,paid,Di,,,,,,de,W,,\n";
    size_t skipped = 0;
    struct csv *out = apply(m, in, &errs, &skipped);
    CHECK(out != NULL && errs.n == 0 && skipped == 1 && out->n_records == 4);
    if (out != NULL && out->n_records == 4) {
        CHECK(strcmp(at(out, 0, 7), "source_id") == 0 && out->records[0].line == 1);
        CHECK(strcmp(at(out, 1, 0), "A1-1") == 0 && strcmp(at(out, 1, 7), "A1") == 0);
        CHECK(strcmp(at(out, 1, 1), "Ann Lee") == 0 && strcmp(at(out, 1, 2), "Org 1") == 0);
        CHECK(strcmp(at(out, 1, 3), "a@x.example") == 0 && strcmp(at(out, 1, 4), "fr") == 0);
        CHECK(strcmp(at(out, 1, 6), "s1; s2") == 0);
        /* Name parts when the name is empty, the buyer's e-mail, "Pass" when "Pass – Evening"
         * has no line. */
        CHECK(strcmp(at(out, 2, 1), "Bo Ng") == 0 && strcmp(at(out, 2, 3), "b@x.example") == 0);
        CHECK(strcmp(at(out, 2, 4), "nl") == 0 && strcmp(at(out, 2, 6), "s1") == 0);
        CHECK(out->records[2].line == 3 && out->records[3].line == 5);
        CHECK(strcmp(at(out, 3, 4), "en") == 0 && strcmp(at(out, 3, 6), "") == 0);
    }
    csv_destroy(out);

    /* A ticket with no line in [sessions], and a row of the wrong shape. */
    out = apply(m, "Nr,Pos,Full,Org,Mail,Lang,P,V\nA1,1,Ann,,,,Gala,\nA2,1\n", &errs, &skipped);
    CHECK(out == NULL &&
          said(&errs, "in.csv:2: ticket 'Gala' has no line in the map's [sessions]") &&
          said(&errs, "in.csv:3: 2 fields where the header has 8"));
    roster_errors_finish(&errs);
    /* One person of the source twice in the file. */
    out =
        apply(m, "Nr,Pos,Full,Org,Mail,Lang,P,V\nA1,1,Ann,,,,W,\nA1,2,Bo,,,,W,\n", &errs, &skipped);
    CHECK(out == NULL && said(&errs, "in.csv:3: source id 'A1' appears again (first on line 2)"));
    roster_errors_finish(&errs);
    /* A missing column names what the file has. */
    out = apply(m, "Nr,Full,P\nA1,Ann,Pass\n", &errs, &skipped);
    CHECK(out == NULL &&
          said(&errs, "in.csv:1: missing column 'Nr' + 'Pos' (for Portier's 'id'); the columns "
                      "found are 'Nr', 'Full', 'P'"));
    roster_errors_finish(&errs);
    import_map_destroy(m);
}

static void test_presets(void)
{
    struct roster_errors errs = {0};
    struct import_map *m = import_map_preset("eventbrite");
    CHECK(m != NULL && strcmp(import_map_source(m), "eventbrite") == 0);
    /* A file extends a preset: a custom question as the language. */
    m = import_map_parse(m, "eb.map", "[columns]\nlanguage = Taal\n", 26, &errs);
    CHECK(m != NULL && errs.n == 0);
    size_t skipped;
    struct csv *out = apply(m,
                            "Attendee #,First Name,Last Name,Email,Company,Ticket Type,"
                            "Attendee Status,Taal\n"
                            "77,Zo\xC3\xAB,Peeters,z@x.example,UZ,Day,Attending,FR\n"
                            "78,No,Show,n@x.example,,Day,Not Attending,\n",
                            &errs, &skipped);
    CHECK(out != NULL && skipped == 1 && out->n_records == 2);
    if (out != NULL && out->n_records == 2)
        CHECK(strcmp(at(out, 1, 0), "77") == 0 &&
              strcmp(at(out, 1, 1), "Zo\xC3\xAB Peeters") == 0 &&
              strcmp(at(out, 1, 4), "fr") == 0 && strcmp(at(out, 1, 6), "") == 0);
    csv_destroy(out);
    import_map_destroy(m);
    roster_errors_finish(&errs);
}

int main(void)
{
    test_map_errors();
    test_apply();
    test_presets();
    return check_done();
}
