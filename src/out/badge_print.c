/* SPDX-License-Identifier: Apache-2.0 */
/* Badges printed through CUPS: a PDF job a label, and the printer's state read back over IPP.
 *
 * Every call opens its own connection with a timeout, so that a print server that went away
 * costs at most BADGE_PRINT_TIMEOUT_MS and never leaves a connection half-used between calls
 * (libcups's default connection is per thread; the kiosk calls these from one watcher thread). */
#include "badge_print.h"

#include <stdio.h>
#include <string.h>

#include <cups/cups.h>

#include "log.h"
#include "util.h"

/* printer-state-reasons keywords that mean "no labels", with or without a -error, -warning or
 * -report suffix (RFC 8011 5.4.12, PWG 5100.9). */
static const char *const media_reasons[] = {"media-empty", "media-needed", "media-low-empty"};
/* ... and "the printer cannot be reached or was taken out of service". Not
 * connecting-to-device: CUPS sets it at the start of every job on a network printer. */
static const char *const offline_reasons[] = {"offline", "paused", "shutdown", "timed-out"};
/* ... and "the printer needs a hand" (a jam, a cover open). */
static const char *const error_reasons[] = {"media-jam", "cover-open", "door-open",
                                            "interlock-open", "output-area-full"};

const char *badge_print_state_name(enum badge_print_state state)
{
    static const char *const names[] = {"ok", "printing", "offline", "out_of_media", "error"};
    return (unsigned)state < ARRAY_LEN(names) ? names[state] : "?";
}

/* Opens a connection to the print server; NULL with why filled. */
static http_t *connect_server(char *why, size_t why_len)
{
    /* libcups remembers the server a thread asked for first: forget it, so that a changed
     * $CUPS_SERVER or client.conf counts from the next call. */
    cupsSetServer(NULL);
    http_t *http = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC, cupsEncryption(), 1,
                                BADGE_PRINT_TIMEOUT_MS, NULL);
    if (http == NULL) {
        snprintf(why, why_len, "cannot reach the print server %s: %s", cupsServer(),
                 cupsLastErrorString());
        return NULL;
    }
    httpSetTimeout(http, BADGE_PRINT_TIMEOUT_MS / 1000.0, NULL, NULL);
    return http;
}

/* Sends the label's PDF as a new job on an open connection; the job id or 0 with why. */
static int send_job(http_t *http, const char *printer, enum badge_label label,
                    const struct badge_info *b, char *why, size_t why_len)
{
    struct strbuf pdf = {0};
    int job = 0;
    if (!badge_label_pdf(b, label, &pdf)) {
        snprintf(why, why_len, "cannot draw the badge of %s", b->attendee_id);
        goto out;
    }
    cups_option_t *options = NULL;
    int n = cupsAddOption("media", badge_label_media(label), 0, &options);
    n = cupsAddOption("print-scaling", "none", n, &options);
    /* No spaces in the job's and the document's names: the scheduler of Debian 12 (CUPS
     * 2.4.2) crashes on a document-name with a space once the job starts. */
    char title[128];
    snprintf(title, sizeof title, "badge-%s.pdf", b->attendee_id);
    for (char *p = title; *p != '\0'; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '.' || *p == '_'))
            *p = '_';
    }
    job = cupsCreateJob(http, printer, title, n, options);
    cupsFreeOptions(n, options);
    if (job == 0) {
        if (cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND)
            snprintf(why, why_len, "no printer queue named '%s' (lpstat -p lists them)", printer);
        else
            snprintf(why, why_len, "printer %s: %s", printer, cupsLastErrorString());
        goto out;
    }
    if (cupsStartDocument(http, printer, job, title, CUPS_FORMAT_PDF, 1) != HTTP_STATUS_CONTINUE ||
        cupsWriteRequestData(http, pdf.data, pdf.len) != HTTP_STATUS_CONTINUE ||
        cupsFinishDocument(http, printer) != IPP_STATUS_OK) {
        snprintf(why, why_len, "printer %s: job %d: %s", printer, job, cupsLastErrorString());
        cupsCancelJob2(http, printer, job, 0);
        job = 0;
    }
out:
    strbuf_finish(&pdf);
    return job;
}

int badge_print_job(const char *printer, enum badge_label label, const struct badge_info *b,
                    char *why, size_t why_len)
{
    http_t *http = connect_server(why, why_len);
    if (http == NULL)
        return 0;
    int job = send_job(http, printer, label, b, why, why_len);
    httpClose(http);
    if (job > 0)
        log_info("print: badge %s on %s (%s): job %d", b->attendee_id, printer,
                 badge_label_name(label), job);
    else
        log_warnx("print: badge %s: %s", b->attendee_id, why);
    return job;
}

bool badge_print_cancel(const char *printer, int job)
{
    char why[256];
    http_t *http = connect_server(why, sizeof why);
    if (http == NULL)
        return false;
    ipp_status_t st = cupsCancelJob2(http, printer, job, 0);
    httpClose(http);
    /* A job that already ended cannot be cancelled: it cannot print twice either. */
    return st == IPP_STATUS_OK || st == IPP_STATUS_ERROR_NOT_POSSIBLE ||
           st == IPP_STATUS_ERROR_NOT_FOUND;
}

int badge_print_retry(const char *printer, int job, enum badge_label label,
                      const struct badge_info *b, char *why, size_t why_len)
{
    if (job > 0 && !badge_print_cancel(printer, job)) {
        snprintf(why, why_len, "printer %s: cannot cancel job %d: %s", printer, job,
                 cupsLastErrorString());
        return 0;
    }
    return badge_print_job(printer, label, b, why, why_len);
}

/* True when a printer-state-reasons keyword is one of words, with or without a suffix. */
static bool reason_is(const char *reason, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(words[i]);
        if (strncmp(reason, words[i], len) == 0 &&
            (reason[len] == '\0' || strcmp(reason + len, "-error") == 0 ||
             strcmp(reason + len, "-warning") == 0 || strcmp(reason + len, "-report") == 0))
            return true;
    }
    return false;
}

/* Sends a Get-Printer-Attributes or Get-Job-Attributes request; the response (owned by the
 * caller) or NULL with the IPP status in *status. */
static ipp_t *get_attributes(http_t *http, ipp_op_t op, const char *printer, int job,
                             ipp_status_t *status)
{
    static const char *const printer_attrs[] = {"printer-state", "printer-state-reasons",
                                                "printer-state-message",
                                                "printer-is-accepting-jobs"};
    static const char *const job_attrs[] = {"job-state", "job-state-reasons",
                                            "job-printer-state-message"};
    char uri[HTTP_MAX_URI];
    httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", ippPort(),
                     "/printers/%s", printer);
    ipp_t *req = ippNewRequest(op);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());
    if (op == IPP_OP_GET_JOB_ATTRIBUTES) {
        ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job);
        ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                      (int)ARRAY_LEN(job_attrs), NULL, job_attrs);
    } else {
        ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                      (int)ARRAY_LEN(printer_attrs), NULL, printer_attrs);
    }
    ipp_t *resp = cupsDoRequest(http, req, op == IPP_OP_GET_JOB_ATTRIBUTES ? "/jobs" : "/");
    *status = cupsLastError();
    if (resp != NULL && *status > IPP_STATUS_OK_EVENTS_COMPLETE) {
        ippDelete(resp);
        resp = NULL;
    }
    return resp;
}

/* Reads the printer's state into out: offline, out of media or an error win over ok. */
static void read_printer(http_t *http, const char *printer, struct badge_print_status *out)
{
    ipp_status_t status;
    ipp_t *resp = get_attributes(http, IPP_OP_GET_PRINTER_ATTRIBUTES, printer, 0, &status);
    if (resp == NULL) {
        out->state = status == IPP_STATUS_ERROR_NOT_FOUND ? BADGE_PRINT_ERROR : BADGE_PRINT_OFFLINE;
        if (status == IPP_STATUS_ERROR_NOT_FOUND)
            snprintf(out->message, sizeof out->message,
                     "no printer queue named '%s' (lpstat -p lists them)", printer);
        else
            snprintf(out->message, sizeof out->message, "%s", cupsLastErrorString());
        return;
    }
    ipp_attribute_t *a = ippFindAttribute(resp, "printer-state-message", IPP_TAG_TEXT);
    if (a != NULL && ippGetString(a, 0, NULL) != NULL)
        snprintf(out->message, sizeof out->message, "%s", ippGetString(a, 0, NULL));
    bool media = false, offline = false, error = false;
    a = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD);
    for (int i = 0; a != NULL && i < ippGetCount(a); i++) {
        const char *r = ippGetString(a, i, NULL);
        media = media || reason_is(r, media_reasons, ARRAY_LEN(media_reasons));
        offline = offline || reason_is(r, offline_reasons, ARRAY_LEN(offline_reasons));
        error = error || reason_is(r, error_reasons, ARRAY_LEN(error_reasons));
    }
    a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM);
    if (a != NULL && ippGetInteger(a, 0) == IPP_PSTATE_STOPPED)
        offline = true;
    a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
    if (a != NULL && !ippGetBoolean(a, 0))
        offline = true;
    out->state = media     ? BADGE_PRINT_OUT_OF_MEDIA
                 : offline ? BADGE_PRINT_OFFLINE
                 : error   ? BADGE_PRINT_ERROR
                           : BADGE_PRINT_OK;
    ippDelete(resp);
}

/* Reads the job's state into out, when the printer itself is fine. */
static void read_job(http_t *http, const char *printer, int job, struct badge_print_status *out)
{
    ipp_status_t status;
    ipp_t *resp = get_attributes(http, IPP_OP_GET_JOB_ATTRIBUTES, printer, job, &status);
    if (resp == NULL) {
        if (out->state == BADGE_PRINT_OK) {
            out->state = BADGE_PRINT_ERROR;
            snprintf(out->message, sizeof out->message, "job %d: %s", job, cupsLastErrorString());
        }
        return;
    }
    ipp_attribute_t *a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
    out->job_state = a != NULL ? ippGetInteger(a, 0) : 0;
    a = ippFindAttribute(resp, "job-printer-state-message", IPP_TAG_TEXT);
    const char *job_message = a != NULL ? ippGetString(a, 0, NULL) : NULL;
    if (out->state == BADGE_PRINT_OK) {
        switch (out->job_state) {
        case IPP_JSTATE_PENDING:
        case IPP_JSTATE_PROCESSING:
            out->state = BADGE_PRINT_PRINTING;
            break;
        case IPP_JSTATE_HELD:
        case IPP_JSTATE_STOPPED:
        case IPP_JSTATE_CANCELED:
        case IPP_JSTATE_ABORTED:
            /* Held: CUPS holds a job whose backend failed, to try again later. */
            out->state = BADGE_PRINT_ERROR;
            break;
        default:
            break;
        }
    }
    if (out->state != BADGE_PRINT_OK && out->state != BADGE_PRINT_PRINTING && job_message != NULL &&
        *job_message != '\0')
        snprintf(out->message, sizeof out->message, "%s", job_message);
    ippDelete(resp);
}

void badge_print_status(const char *printer, int job, struct badge_print_status *out)
{
    memset(out, 0, sizeof *out);
    http_t *http = connect_server(out->message, sizeof out->message);
    if (http == NULL) {
        out->state = BADGE_PRINT_OFFLINE;
        return;
    }
    read_printer(http, printer, out);
    if (job > 0 && out->state != BADGE_PRINT_ERROR)
        read_job(http, printer, job, out);
    httpClose(http);
}
