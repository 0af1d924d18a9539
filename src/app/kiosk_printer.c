/* SPDX-License-Identifier: Apache-2.0 */
#include "kiosk_printer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "badge_print.h"
#include "kiosk_internal.h"
#include "log.h"
#include "util.h"

/* A badge's strings, owned. */
struct badge_copy {
    char *attendee_id, *name, *organisation, *event_name, *token;
    enum category category;
};

enum request { REQUEST_NONE, REQUEST_PRINT, REQUEST_RETRY };

struct kiosk_printer {
    char *queue;
    enum badge_label label;
    pthread_t thread;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* signalled on a request and on stop */
    /* Under lock: */
    bool stop;
    bool exited;   /* the thread is done with the object */
    bool orphaned; /* destroy stopped waiting: the thread frees the object as it ends */
    enum request request;
    struct badge_copy badge; /* the last badge handed over */
    bool has_badge;
    char submit_error[256]; /* the last badge could not be sent: why ("" when it was) */
    struct kiosk_printer_state st;
};

static void badge_copy_clear(struct badge_copy *c)
{
    free(c->attendee_id);
    free(c->name);
    free(c->organisation);
    free(c->event_name);
    free(c->token);
    memset(c, 0, sizeof *c);
}

static void badge_copy_set(struct badge_copy *c, const struct badge_info *b)
{
    badge_copy_clear(c);
    c->attendee_id = xstrdup(b->attendee_id ? b->attendee_id : "");
    c->name = xstrdup(b->name ? b->name : "");
    c->organisation = xstrdup(b->organisation ? b->organisation : "");
    c->event_name = xstrdup(b->event_name ? b->event_name : "");
    c->token = xstrdup(b->token ? b->token : "");
    c->category = b->category;
}

/* The badge_info view of a copy (borrowing its strings). */
static struct badge_info badge_copy_info(const struct badge_copy *c)
{
    return (struct badge_info){c->attendee_id, c->name,     c->organisation,
                               c->event_name,  c->category, c->token};
}

static enum ui_printer_state ui_state(enum badge_print_state s)
{
    switch (s) {
    case BADGE_PRINT_OK:
        return UI_PRINTER_READY;
    case BADGE_PRINT_PRINTING:
        return UI_PRINTER_PRINTING;
    case BADGE_PRINT_OFFLINE:
        return UI_PRINTER_OFFLINE;
    case BADGE_PRINT_OUT_OF_MEDIA:
        return UI_PRINTER_OUT_OF_MEDIA;
    default:
        return UI_PRINTER_ERROR;
    }
}

static void free_printer(struct kiosk_printer *p)
{
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    badge_copy_clear(&p->badge);
    free(p->queue);
    free(p);
}

/* Sends the requested badge (lock held on entry and on return; released while sending). */
static void send_request(struct kiosk_printer *p)
{
    enum request req = p->request;
    p->request = REQUEST_NONE;
    struct badge_copy c = {0};
    struct badge_info b = badge_copy_info(&p->badge);
    badge_copy_set(&c, &b);
    int old_job = p->st.job;
    p->st.state = UI_PRINTER_PRINTING;
    p->st.can_retry = false;
    p->st.message[0] = '\0';
    snprintf(p->st.attendee, sizeof p->st.attendee, "%s", c.attendee_id);
    pthread_mutex_unlock(&p->lock);

    char why[256] = "";
    b = badge_copy_info(&c);
    int job = req == REQUEST_RETRY
                  ? badge_print_retry(p->queue, old_job, p->label, &b, why, sizeof why)
                  : badge_print_job(p->queue, p->label, &b, why, sizeof why);
    badge_copy_clear(&c);

    pthread_mutex_lock(&p->lock);
    p->st.job = job;
    snprintf(p->submit_error, sizeof p->submit_error, "%s", job > 0 ? "" : why);
}

/* Asks the print server for the printer's and the job's state (lock held on entry and on
 * return; released while asking) and updates the state, unless a new request came meanwhile. */
static void poll_status(struct kiosk_printer *p)
{
    int job = p->st.job;
    pthread_mutex_unlock(&p->lock);
    struct badge_print_status bs;
    badge_print_status(p->queue, job, &bs);
    pthread_mutex_lock(&p->lock);
    if (p->request != REQUEST_NONE || p->st.job != job)
        return;
    enum ui_printer_state was = p->st.state;
    p->st.state = ui_state(bs.state);
    snprintf(p->st.message, sizeof p->st.message, "%s", bs.message);
    if (p->submit_error[0] != '\0' && bs.state != BADGE_PRINT_OFFLINE &&
        bs.state != BADGE_PRINT_OUT_OF_MEDIA) {
        /* The last badge was refused (no such queue...): that is what staff must see. */
        p->st.state = UI_PRINTER_ERROR;
        snprintf(p->st.message, sizeof p->st.message, "%s", p->submit_error);
    }
    bool trouble = p->st.state == UI_PRINTER_OFFLINE || p->st.state == UI_PRINTER_OUT_OF_MEDIA ||
                   p->st.state == UI_PRINTER_ERROR;
    bool unfinished = p->submit_error[0] != '\0' || (job > 0 && bs.job_state != 9);
    p->st.can_retry = p->has_badge && trouble && unfinished;
    if (trouble && p->st.state != was)
        log_warnx("kiosk: printer '%s' is %s: %s", p->queue, badge_print_state_name(bs.state),
                  p->st.message);
    else if (!trouble && was >= UI_PRINTER_OFFLINE)
        log_info("kiosk: printer '%s' is %s again", p->queue, badge_print_state_name(bs.state));
}

/* The watcher: sends what is requested, polls the state, sleeps until the next poll or a
 * request. */
static void *watch(void *arg)
{
    struct kiosk_printer *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        if (p->request != REQUEST_NONE)
            send_request(p);
        if (p->stop)
            break;
        poll_status(p);
        if (p->request != REQUEST_NONE || p->stop)
            continue;
        int ms =
            p->st.state == UI_PRINTER_PRINTING ? KIOSK_PRINTER_BUSY_POLL_MS : KIOSK_PRINTER_POLL_MS;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += ms / 1000;
        until.tv_nsec += (long)(ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!p->stop && p->request == REQUEST_NONE &&
               pthread_cond_timedwait(&p->cond, &p->lock, &until) != ETIMEDOUT) {
        }
    }
    p->exited = true;
    bool orphaned = p->orphaned;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    if (orphaned)
        free_printer(p);
    return NULL;
}

struct kiosk_printer *kiosk_printer_create(const char *queue, enum badge_label label)
{
    struct kiosk_printer *p = xcalloc(1, sizeof *p);
    p->queue = xstrdup(queue);
    p->label = label;
    p->st.state = UI_PRINTER_CHECKING;
    snprintf(p->st.queue, sizeof p->st.queue, "%s", queue);
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cond, &ca);
    pthread_condattr_destroy(&ca);
    int err = pthread_create(&p->thread, NULL, watch, p);
    if (err != 0) {
        log_warnx("kiosk: cannot start the printer watcher: %s", strerror(err));
        kiosk_printer_destroy(p);
        return NULL;
    }
    p->started = true;
    log_info("kiosk: badges print on '%s' (%s labels)", queue, badge_label_name(label));
    return p;
}

void kiosk_printer_destroy(struct kiosk_printer *p)
{
    if (p == NULL)
        return;
    if (!p->started) {
        free_printer(p);
        return;
    }
    /* The thread may be waiting on a print server that does not answer (up to
     * BADGE_PRINT_TIMEOUT_MS a request): the kiosk must still stop within its 2 s, so after
     * KIOSK_PRINTER_STOP_MS the thread is left to end and free the object by itself. */
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += KIOSK_PRINTER_STOP_MS / 1000;
    until.tv_nsec += (long)(KIOSK_PRINTER_STOP_MS % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->cond);
    while (!p->exited && pthread_cond_timedwait(&p->cond, &p->lock, &until) != ETIMEDOUT) {
    }
    bool exited = p->exited;
    if (!exited)
        p->orphaned = true;
    pthread_mutex_unlock(&p->lock);
    if (exited) {
        pthread_join(p->thread, NULL);
        free_printer(p);
    } else {
        log_warnx("kiosk: the print server does not answer; not waiting for it");
        pthread_detach(p->thread);
    }
}

bool kiosk_printer_submit(struct kiosk_printer *p, const struct badge_info *b)
{
    pthread_mutex_lock(&p->lock);
    bool ok = p->request == REQUEST_NONE;
    if (ok) {
        badge_copy_set(&p->badge, b);
        p->has_badge = true;
        p->request = REQUEST_PRINT;
        pthread_cond_broadcast(&p->cond);
    }
    pthread_mutex_unlock(&p->lock);
    return ok;
}

bool kiosk_printer_retry(struct kiosk_printer *p)
{
    pthread_mutex_lock(&p->lock);
    bool ok = p->request == REQUEST_NONE && p->st.can_retry;
    if (ok) {
        p->request = REQUEST_RETRY;
        p->st.can_retry = false;
        pthread_cond_broadcast(&p->cond);
    }
    pthread_mutex_unlock(&p->lock);
    return ok;
}

void kiosk_printer_state(struct kiosk_printer *p, struct kiosk_printer_state *out)
{
    pthread_mutex_lock(&p->lock);
    *out = p->st;
    pthread_mutex_unlock(&p->lock);
}

void kiosk_printer_view(const struct kiosk_printer_state *st, struct ui_printer *out)
{
    out->state = st->state;
    out->queue = st->queue;
    out->attendee = st->attendee[0] != '\0' ? st->attendee : NULL;
    out->message = st->message[0] != '\0' ? st->message : NULL;
    out->can_retry = st->can_retry;
}

bool kiosk_print_badge(struct kiosk *k, const struct badge_info *b)
{
    return k->printer != NULL && kiosk_printer_submit(k->printer, b);
}

bool kiosk_print_attendee(struct kiosk *k, const char *attendee_id, const char *token)
{
    const struct attendee *a = event_attendee_by_id(k->event, attendee_id);
    if (a == NULL || k->printer == NULL)
        return false;
    struct badge_info b = {a->id, a->name, a->organisation, k->event->name, a->category, token};
    return kiosk_print_badge(k, &b);
}
