/* SPDX-License-Identifier: Apache-2.0 */
/* Badges printed through a real CUPS scheduler (tests/support/cups_harness.h): every label
 * format comes out as a PDF of the label's size whose QR code (rasterised by poppler's
 * pdftoppm, read by zbar's zbarimg: tools independent of Portier) is the badge's token; a
 * disabled queue reads as offline, a backend out of labels as out of media, and a retry
 * once labels are back prints the badge once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "badge.h"
#include "badge_print.h"
#include "check.h"
#include "shell.h"
#include "cups_harness.h"
#include "util.h"

#define WAIT_MS 20000

static const char token[] =
    "AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYUCULBOGAZDINRYHI6D4QCAJAEBAGBAFAYDQQCIKBM"
    "GA2DQPCAIREEYUCULBOGAZDINRYHI6D4QCAJ2345672345ABCD";

static const struct badge_info badge = {
    .attendee_id = "A0042",
    .name = "Françoise Dieudonné-Van den Bossche",
    .organisation = "Zorgraad Vlaanderen",
    .event_name = "Symposium 2026",
    .category = CATEGORY_SPEAKER,
    .token = token,
};

/* Polls the printer (and job) until its state is want or WAIT_MS passed; the last status. */
static enum badge_print_state wait_state(const char *printer, int job, enum badge_print_state want,
                                         struct badge_print_status *st)
{
    for (int waited = 0; waited < WAIT_MS; waited += 100) {
        badge_print_status(printer, job, st);
        if (st->state == want)
            break;
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
    return st->state;
}

/* Decodes the QR code of the PDF's first page at 300 dpi; true when it equals the token. */
static bool pdf_decodes_to_token(const char *pdf)
{
    char line[512];
    bool ok = test_pdf_qr(pdf, line, sizeof line);
    CHECK_MSG(ok && strcmp(line, token) == 0, "%s decodes to '%s'", pdf, line);
    return ok && strcmp(line, token) == 0;
}

/* The PDF's first page is w x h millimetres (to 0.5 mm). */
static void check_page_size(const char *pdf, double w, double h)
{
    char line[256];
    double pw = 0, ph = 0;
    if (test_sh_line(line, sizeof line, "pdfinfo '%s' | sed -n 's/^Page size: *//p'", pdf))
        sscanf(line, "%lf x %lf", &pw, &ph);
    pw *= 25.4 / 72;
    ph *= 25.4 / 72;
    CHECK_MSG(fabs(pw - w) < 0.5 && fabs(ph - h) < 0.5, "%s is %.1f x %.1f mm, not %.1f x %.1f",
              pdf, pw, ph, w, h);
}

static void test_label_names(void)
{
    enum badge_label l;
    CHECK(badge_label_parse("62mm", &l) && l == BADGE_LABEL_62MM);
    CHECK(badge_label_parse("cr80", &l) && l == BADGE_LABEL_CR80);
    CHECK(badge_label_parse("4x6", &l) && l == BADGE_LABEL_4X6);
    CHECK(badge_label_parse("a6", &l) && l == BADGE_LABEL_A6);
    CHECK(!badge_label_parse("A4", &l) && !badge_label_parse(NULL, &l));
    CHECK_STR(badge_label_name(BADGE_LABEL_4X6), "4x6");
    CHECK_STR(badge_print_state_name(BADGE_PRINT_OUT_OF_MEDIA), "out_of_media");
}

/* Every label format prints, at its size, and its QR code reads back as the token. */
static void test_formats(struct cups_harness *h)
{
    for (int i = 0; i < BADGE_LABEL_COUNT; i++) {
        enum badge_label l = (enum badge_label)i;
        char why[256] = "", path[CUPS_HARNESS_PATH];
        int job = badge_print_job("labels", l, &badge, why, sizeof why);
        CHECK_MSG(job > 0, "%s: %s", badge_label_name(l), why);
        struct badge_print_status st;
        CHECK_MSG(wait_state("labels", job, BADGE_PRINT_OK, &st) == BADGE_PRINT_OK,
                  "%s: job %d is %s (%s)", badge_label_name(l), job,
                  badge_print_state_name(st.state), st.message);
        CHECK(st.job_state == 9); /* completed */
        cups_harness_output(h, "labels", job, path, sizeof path);
        CHECK_MSG(access(path, R_OK) == 0, "%s: no output at %s", badge_label_name(l), path);
        double w, hh;
        badge_label_size_mm(l, &w, &hh);
        check_page_size(path, w, hh);
        pdf_decodes_to_token(path);
    }
}

/* A disabled queue is offline, its job waits; enabled again, the job prints. */
static void test_offline(struct cups_harness *h)
{
    struct badge_print_status st;
    CHECK(cups_harness_run(h, "cupsdisable", "labels"));
    CHECK(wait_state("labels", 0, BADGE_PRINT_OFFLINE, &st) == BADGE_PRINT_OFFLINE);
    char why[256] = "", path[CUPS_HARNESS_PATH];
    int job = badge_print_job("labels", BADGE_LABEL_62MM, &badge, why, sizeof why);
    CHECK_MSG(job > 0, "%s", why);
    badge_print_status("labels", job, &st);
    CHECK_MSG(st.state == BADGE_PRINT_OFFLINE, "a job on a disabled queue: %s",
              badge_print_state_name(st.state));
    CHECK(st.job_state == 3); /* pending */
    CHECK(cups_harness_run(h, "cupsenable", "labels"));
    CHECK(wait_state("labels", job, BADGE_PRINT_OK, &st) == BADGE_PRINT_OK);
    cups_harness_output(h, "labels", job, path, sizeof path);
    pdf_decodes_to_token(path);
}

/* The backend runs out of labels: out of media, with the printer's message; labels back, a
 * retry prints the badge, and the failed job never comes out. */
static void test_out_of_media_and_retry(struct cups_harness *h)
{
    struct badge_print_status st;
    char why[256] = "", path[CUPS_HARNESS_PATH];
    CHECK(cups_harness_set_empty(h, "labels", true));
    int job = badge_print_job("labels", BADGE_LABEL_CR80, &badge, why, sizeof why);
    CHECK_MSG(job > 0, "%s", why);
    CHECK_MSG(wait_state("labels", job, BADGE_PRINT_OUT_OF_MEDIA, &st) == BADGE_PRINT_OUT_OF_MEDIA,
              "out of labels reads as %s (%s)", badge_print_state_name(st.state), st.message);
    CHECK_MSG(strstr(st.message, "label roll is empty") != NULL, "message '%s'", st.message);
    cups_harness_output(h, "labels", job, path, sizeof path);
    CHECK(access(path, F_OK) != 0);

    CHECK(cups_harness_set_empty(h, "labels", false));
    /* A queue CUPS stopped after the failure must be enabled by staff: the status says so. */
    badge_print_status("labels", 0, &st);
    if (st.state == BADGE_PRINT_OFFLINE)
        CHECK(cups_harness_run(h, "cupsenable", "labels"));
    int again = badge_print_retry("labels", job, BADGE_LABEL_CR80, &badge, why, sizeof why);
    CHECK_MSG(again > 0 && again != job, "retry: %s", why);
    CHECK_MSG(wait_state("labels", again, BADGE_PRINT_OK, &st) == BADGE_PRINT_OK,
              "the retried job is %s (%s)", badge_print_state_name(st.state), st.message);
    cups_harness_output(h, "labels", again, path, sizeof path);
    pdf_decodes_to_token(path);
    /* The failed job was cancelled: it does not print a second badge later. */
    nanosleep(&(struct timespec){1, 500000000}, NULL);
    badge_print_status("labels", job, &st);
    CHECK_MSG(st.job_state == 7, "the failed job is in state %d, not cancelled", st.job_state);
    cups_harness_output(h, "labels", job, path, sizeof path);
    CHECK(access(path, F_OK) != 0);
}

/* A label jams: an error with the printer's message, on the job and on the printer. */
static void test_jam(struct cups_harness *h)
{
    struct badge_print_status st;
    char why[256] = "";
    CHECK(cups_harness_set_fault(h, "labels", "jam", true));
    int job = badge_print_job("labels", BADGE_LABEL_4X6, &badge, why, sizeof why);
    CHECK_MSG(job > 0, "%s", why);
    CHECK_MSG(wait_state("labels", job, BADGE_PRINT_ERROR, &st) == BADGE_PRINT_ERROR,
              "a jam reads as %s (%s)", badge_print_state_name(st.state), st.message);
    CHECK_MSG(strstr(st.message, "jammed") != NULL, "message '%s'", st.message);
    badge_print_status("labels", 0, &st);
    CHECK_MSG(st.state == BADGE_PRINT_ERROR, "the jammed printer reads as %s",
              badge_print_state_name(st.state));
    CHECK(cups_harness_set_fault(h, "labels", "jam", false));
    CHECK(badge_print_cancel("labels", job));
    badge_print_status("labels", 0, &st);
    if (st.state == BADGE_PRINT_OFFLINE)
        CHECK(cups_harness_run(h, "cupsenable", "labels"));
}

/* No such queue, no print server. */
static void test_errors(void)
{
    struct badge_print_status st;
    char why[256] = "";
    badge_print_status("no-such-queue", 0, &st);
    CHECK(st.state == BADGE_PRINT_ERROR);
    CHECK_MSG(strstr(st.message, "no-such-queue") != NULL, "%s", st.message);
    CHECK(badge_print_job("no-such-queue", BADGE_LABEL_A6, &badge, why, sizeof why) == 0);
    CHECK_MSG(strstr(why, "no-such-queue") != NULL, "%s", why);

    char *saved = xstrdup(getenv("CUPS_SERVER"));
    setenv("CUPS_SERVER", "/nonexistent/portier/cups.sock", 1);
    badge_print_status("labels", 0, &st);
    CHECK_MSG(st.state == BADGE_PRINT_OFFLINE, "no server: %s", badge_print_state_name(st.state));
    CHECK(badge_print_job("labels", BADGE_LABEL_A6, &badge, why, sizeof why) == 0);
    CHECK_MSG(strstr(why, "cannot reach the print server") != NULL, "%s", why);
    setenv("CUPS_SERVER", saved, 1);
    free(saved);
}

int main(void)
{
    test_label_names();
    struct cups_harness *h = cups_harness_start();
    CHECK(h != NULL);
    if (h == NULL)
        return check_done();
    CHECK(cups_harness_add_queue(h, "labels"));
    struct badge_print_status st;
    CHECK(wait_state("labels", 0, BADGE_PRINT_OK, &st) == BADGE_PRINT_OK);
    test_formats(h);
    test_offline(h);
    test_out_of_media_and_retry(h);
    test_jam(h);
    test_errors();
    if (check_failed > 0)
        cups_harness_print_log(h);
    cups_harness_destroy(h);
    badge_release_fonts();
    return check_done();
}
