/* SPDX-License-Identifier: Apache-2.0 */
#include "kiosk_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "camera.h"
#include "decision_line.h"
#include "event.h"
#include "hid.h"
#include "histogram.h"
#include "i18n.h"
#include "log.h"
#include "occupancy.h"
#include "reader.h"
#include "sdnotify.h"
#include "store.h"
#include "sysclock.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"
#include "event_db.h"
#include "file.h"
#include "kiosk_desk.h"
#include "kiosk_issue.h"
#include "kiosk_staff.h"
#include <sodium.h>

#define TICK_MS       1000
#define FOLD_MS       200 /* how often scans the sync daemon added are folded in */
#define FRAME_POLL_MS 10
#define UI_FRAME_MS   16

static struct kiosk *running; /* for the signal handler */

static bool open_inputs(struct kiosk *k)
{
    const struct kiosk_settings *s = &k->settings;
    struct camera_options copts = {0};
    if (s->synth_tokens != NULL) {
        k->synth_tokens = camera_tokens_load(s->synth_tokens, &k->n_synth_tokens);
        if (k->synth_tokens == NULL)
            return false;
        copts.payloads = (const char *const *)k->synth_tokens;
        copts.payload_count = k->n_synth_tokens;
    }
    k->camera = camera_open(s->camera, &copts);
    if (k->camera == NULL)
        return false;
    if (camera_status(k->camera) != CAMERA_NONE) {
        k->reader = reader_create(NULL);
        if (k->reader == NULL)
            return false;
    }
    k->hid = hid_open(s->scanner);
    if (k->hid == NULL)
        return false;
    return true;
}

struct kiosk *kiosk_create(const struct kiosk_settings *settings)
{
    struct kiosk *k = xcalloc(1, sizeof *k);
    k->settings = *settings;
    k->replay = camera_spec_is_replay(settings->camera);
    k->stop_pipe[0] = k->stop_pipe[1] = -1;
    k->lock_fd = -1;
    k->mono_start_ns = time_mono_ns();

    if (!token_init())
        goto fail;
    char *db = path_join(settings->kiosk_dir, EVENT_DB_NAME);
    k->event = event_load(db);
    free(db);
    if (k->event == NULL || !event_read_public_key(settings->kiosk_dir, k->pk))
        goto fail;
    if (!kiosk_staff_load_issuer(k))
        goto fail;
    if (!time_set_zone(k->event->timezone)) {
        log_warnx("%s: unknown time zone '%s' (install the tzdata package)", settings->kiosk_dir,
                  k->event->timezone);
        goto fail;
    }
    k->clock = scan_clock_create();
    k->occupancy = kiosk_new_occupancy(k, k->event);
    k->room = occupancy_room_index(k->occupancy, settings->room_id);
    if (k->room == OCCUPANCY_NONE) {
        log_warnx("kiosk: unknown room '%s' (rooms of this event are listed in its rooms.csv; "
                  "use 'entrance' for the venue entrance)",
                  settings->room_id);
        goto fail;
    }
    if (settings->mode != MODE_OVERVIEW) {
        k->rules = rules_create(k->event, k->pk, &settings->rules, settings->room_id,
                                settings->mode, settings->device_id);
        if (k->rules == NULL) {
            log_warnx("kiosk: cannot take decisions for room '%s' as device '%s'",
                      settings->room_id, settings->device_id);
            goto fail;
        }
    }
    k->room_updated = xcalloc(k->event->n_rooms + 1, sizeof *k->room_updated);
    k->tiles = xcalloc(k->event->n_rooms + 1, sizeof *k->tiles);
    /* Before the log is read: replaying the issues may reload the model, which makes these
     * afresh. */
    k->last_counts = xcalloc(k->event->n_rooms + 1, sizeof *k->last_counts);
    for (size_t i = 0; i <= k->event->n_rooms; i++)
        k->last_counts[i] = -1;
    k->lang = settings->lang;
    kiosk_model_stat(k, k->model_stat);
    /* One deciding kiosk per log. A headless overview kiosk only reads (it cannot switch
     * mode or take staff actions), like the sync daemon, so it goes beside a running one. */
    bool reads_only = settings->mode == MODE_OVERVIEW && settings->headless;
    if (!reads_only && (k->lock_fd = store_lock(settings->db_path)) < 0)
        goto fail;
    k->store = store_open(settings->db_path, settings->device_id);
    if (k->store == NULL || !store_bind_event(k->store, k->event->event_id, k->event->key_id) ||
        !kiosk_issues_replay(k) || !kiosk_fold_new_scans(k))
        goto fail;
    sysclock_boot_id(k->boot_id);
    k->clock_synced = kiosk_system_clock_synced();
    kiosk_read_boot_offsets(k);
    if (!open_inputs(k))
        goto fail;
    if (settings->printer != NULL &&
        (k->printer = kiosk_printer_create(settings->printer, settings->label)) == NULL)
        goto fail;
    if (!settings->headless) {
        struct ui_options uo = {.display = settings->display,
                                .width = settings->width,
                                .height = settings->height,
                                .volume = settings->volume,
                                .mute = settings->mute,
                                .vsync = true,
                                .desk = settings->desk};
        k->ui = ui_create(&uo);
        if (k->ui == NULL)
            goto fail;
        k->frame_times = xcalloc(1, sizeof *k->frame_times);
        k->scan_to_pixels = xcalloc(1, sizeof *k->scan_to_pixels);
    }
    if (pipe(k->stop_pipe) != 0) {
        log_warn("kiosk: pipe");
        goto fail;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(k->stop_pipe[i], F_SETFD, FD_CLOEXEC);
        fcntl(k->stop_pipe[i], F_SETFL, O_NONBLOCK);
    }
    return k;
fail:
    kiosk_destroy(k);
    return NULL;
}

void kiosk_destroy(struct kiosk *k)
{
    if (k == NULL)
        return;
    sodium_memzero(k->issuer_sk, sizeof k->issuer_sk);
    kiosk_printer_destroy(k->printer);
    ui_destroy(k->ui);
    free(k->frame_times);
    free(k->scan_to_pixels);
    reader_destroy(k->reader);
    camera_close(k->camera);
    hid_close(k->hid);
    rules_destroy(k->rules);
    kiosk_staff_finish(k);
    kiosk_desk_finish(k);
    occupancy_destroy(k->occupancy);
    scan_clock_destroy(k->clock);
    store_close(k->store);
    if (k->lock_fd >= 0)
        close(k->lock_fd);
    event_destroy(k->event);
    camera_tokens_free(k->synth_tokens);
    free(k->last_counts);
    free(k->room_updated);
    free(k->tiles);
    for (int i = 0; i < 2; i++) {
        if (k->stop_pipe[i] >= 0)
            close(k->stop_pipe[i]);
    }
    image_finish(&k->frame);
    strbuf_finish(&k->line);
    free(k);
}

void kiosk_request_stop(struct kiosk *k)
{
    int saved = errno;
    k->stop = 1;
    if (k->stop_pipe[1] >= 0) {
        ssize_t ignored = write(k->stop_pipe[1], "x", 1);
        (void)ignored;
    }
    errno = saved;
}

static void on_signal(int sig)
{
    (void)sig;
    if (running != NULL)
        kiosk_request_stop(running);
}

/* Records the session-end exits due at t. */
bool kiosk_record_session_ends(struct kiosk *k, int64_t t)
{
    if (k->rules == NULL)
        return true;
    size_t n = 0;
    struct scan *exits = rules_session_end_exits(k->rules, k->occupancy, t, &n);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        size_t a = occupancy_attendee_index(k->occupancy, exits[i].attendee);
        const char *name = a != OCCUPANCY_NONE ? k->event->attendees[a].name : NULL;
        ok = kiosk_record(k, &exits[i], time_mono_ns(), name);
    }
    free(exits);
    return ok;
}

/* The overview's day on a multi-day event: which day it is and today's check-ins against those
 * expected today (the same local dates as the rules' not_today and the report's days). */
static void fill_day(struct kiosk *k, struct ui_view *v, int64_t t)
{
    int64_t (*local_day)(int64_t) = k->settings.rules.local_day;
    int64_t today = local_day != NULL ? local_day(t) : time_utc_day(t);
    if (k->overview_day.ev != k->event || k->overview_day.day != today) {
        int64_t *days = xcalloc(k->event->n_sessions + 1, sizeof *days);
        size_t n = event_session_days(k->event, local_day, days);
        int index = 0;
        for (size_t i = 0; i < n; i++)
            index = days[i] == today ? (int)i + 1 : index;
        free(days);
        k->overview_day.ev = k->event;
        k->overview_day.day = today;
        k->overview_day.index = index;
        k->overview_day.n_days = n > 1 ? (int)n : 0;
        k->overview_day.expected = event_expected_on_day(k->event, today);
    }
    if (k->overview_day.n_days == 0)
        return;
    v->day = today;
    v->day_index = k->overview_day.index;
    v->n_days = k->overview_day.n_days;
    v->venue_expected = k->overview_day.expected;
    v->venue_checked_in = occupancy_checked_in_on(k->occupancy, t);
}

/* The screen's view of now: everything is read from memory (the occupancy, the facts the tick
 * cached), so that filling it never waits. */
static void fill_view(struct kiosk *k, struct ui_view *v, int64_t t)
{
    const struct event *ev = k->event;
    memset(v, 0, sizeof *v);
    v->lang = k->lang;
    v->mode = k->settings.mode;
    v->wall_ms = t;
    v->event_name = ev->name;
    v->entrance = k->room == OCCUPANCY_ENTRANCE;
    v->count = occupancy_room_count(k->occupancy, k->room, t);
    if (!v->entrance) {
        const struct room *room = &ev->rooms[k->room];
        v->room_name = room->name;
        v->capacity = room->capacity;
        v->room_closed = occupancy_room_closed(k->occupancy, k->room);
        size_t si =
            occupancy_session_at(k->occupancy, k->room, t, k->settings.rules.session_lead_ms);
        for (size_t i = 0; si == OCCUPANCY_NONE && i < ev->n_sessions; i++) {
            if (ev->sessions[i].room == k->room && ev->sessions[i].start_ms > t) {
                si = i;
                v->session_next = true;
            }
        }
        if (si != OCCUPANCY_NONE) {
            v->session_title = ev->sessions[si].title;
            v->session_start_ms = ev->sessions[si].start_ms;
            v->session_end_ms = ev->sessions[si].end_ms;
        }
    }
    v->sync = k->sync;
    if (k->reader != NULL && k->frame.pixels != NULL) {
        v->frame = &k->frame;
        v->frame_serial = k->frame_serial;
    }
    if (camera_status(k->camera) == CAMERA_UNAVAILABLE) {
        v->trouble |= UI_TROUBLE_CAMERA;
        v->camera_text = camera_status_text(k->camera);
    }
    if (k->store_failed)
        v->trouble |= UI_TROUBLE_DATABASE;
    if (!time_is_sane(t))
        v->trouble |= UI_TROUBLE_CLOCK;
    if (k->settings.mode == MODE_OVERVIEW) {
        for (size_t i = 0; i < ev->n_rooms && i < UI_MAX_TILES; i++) {
            struct ui_room_tile *tile = &k->tiles[i];
            memset(tile, 0, sizeof *tile);
            tile->name = ev->rooms[i].name;
            tile->capacity = ev->rooms[i].capacity;
            tile->count = occupancy_room_count(k->occupancy, i, t);
            tile->closed = occupancy_room_closed(k->occupancy, i);
            tile->updated_ms = k->room_updated[i];
            size_t si = occupancy_session_at(k->occupancy, i, t, k->settings.rules.session_lead_ms);
            if (si != OCCUPANCY_NONE) {
                tile->session_title = ev->sessions[si].title;
                tile->session_start_ms = ev->sessions[si].start_ms;
                tile->session_end_ms = ev->sessions[si].end_ms;
            }
        }
        v->tiles = k->tiles;
        v->n_tiles = ev->n_rooms < UI_MAX_TILES ? ev->n_rooms : UI_MAX_TILES;
        v->venue_checked_in = occupancy_checked_in(k->occupancy);
        v->venue_inside = occupancy_venue_inside(k->occupancy, t);
        fill_day(k, v, t);
    }
    v->diag.camera_fps = k->reader != NULL ? k->camera_fps : -1;
    v->diag.decode_ms = k->reader != NULL ? k->decode_ms : -1;
    v->diag.pending_sync = k->sync.state == UI_SYNC_NONE ? -1 : k->sync.pending;
    v->diag.disk_free_bytes = k->disk_free;
    v->diag.device_id = k->settings.device_id;
    v->diag.clock_synced = k->clock_synced || k->replay_ms != 0 || k->settings.clock_fixed;
    v->diag.clock_disagrees = llabs(k->clock_offset_ms) > TIME_CLOCK_DISAGREE_MS;
    v->diag.clock_offset_s = (double)k->clock_offset_ms / 1000.0;
    kiosk_staff_fill_view(k, v);
    if (k->printer != NULL) {
        kiosk_printer_state(k->printer, &k->printer_st); /* a copy under a lock held briefly */
        kiosk_printer_view(&k->printer_st, &v->printer);
    }
    kiosk_desk_fill_view(k, v);
}

/* Shows a decision on the screen (a staff badge asks for the staff menu instead), and saves
 * the answer screen when screenshots are asked for. */
static void show_answer(struct kiosk *k, const struct scan *s, const struct rules_verdict *verdict)
{
    if (k->ui == NULL || s->kind != SCAN_BADGE)
        return;
    int64_t mono_ms = time_mono_ns() / 1000000;
    if (verdict->attendee != NULL && verdict->attendee->category == CATEGORY_STAFF &&
        s->result == RESULT_ADMITTED) {
        ui_staff_badge(k->ui, verdict->attendee->name, mono_ms);
        kiosk_staff_badge_seen(k, verdict->attendee);
        return;
    }
    struct answer answer;
    answer_for_decision(&answer, k->event, k->occupancy, s, verdict, s->wall_ms,
                        k->settings.rules.reserve_release_ms);
    if (verdict->new_registration)
        answer.name = i18n(k->lang, MSG_NEW_REGISTRATION);
    ui_show_answer(k->ui, &answer, mono_ms);
    k->answer_pending_ns = s->mono_ns;
    if (k->settings.screenshots != NULL) {
        struct ui_view v;
        fill_view(k, &v, s->wall_ms);
        char *name = xasprintf("answer-%06lld-%s-%s.png", (long long)s->seq,
                               scan_result_name(s->result), scan_reason_name(s->reason));
        char *path = path_join(k->settings.screenshots, name);
        if (!ui_screenshot(k->ui, &v, mono_ms, path))
            log_warnx("kiosk: could not save the screenshot %s", path);
        free(path);
        free(name);
    }
}

void kiosk_show_decision(struct kiosk *k, const struct scan *s, const struct rules_verdict *v)
{
    show_answer(k, s, v);
}

/* Records a staff action taken on the screen (count +1/-1, room closed/opened) as a scan, so
 * that occupancy stays derived from the log alone. */
static void record_staff_action(struct kiosk *k, enum scan_kind kind, enum scan_result result)
{
    struct scan s;
    memset(&s, 0, sizeof s);
    snprintf(s.device_id, sizeof s.device_id, "%s", k->settings.device_id);
    snprintf(s.room, sizeof s.room, "%s", k->settings.room_id);
    s.wall_ms = kiosk_now(k);
    s.mode = k->settings.mode;
    s.kind = kind;
    s.result = result;
    s.reason = REASON_OK;
    kiosk_record(k, &s, time_mono_ns(), NULL);
}

/* Applies a mode chosen in the staff menu: new rules for the new mode (none for overview). */
static void switch_mode(struct kiosk *k, enum kiosk_mode mode)
{
    struct rules *r = NULL;
    if (mode != MODE_OVERVIEW) {
        r = rules_create(k->event, k->pk, &k->settings.rules, k->settings.room_id, mode,
                         k->settings.device_id);
        if (r == NULL) {
            log_warnx("kiosk: cannot switch to %s mode here", kiosk_mode_name(mode));
            return;
        }
    }
    rules_destroy(k->rules);
    k->rules = r;
    k->settings.mode = mode;
    log_info("kiosk: %s mode", kiosk_mode_name(mode));
}

/* Takes the screen's input and draws a frame. */
static void handle_ui(struct kiosk *k)
{
    int64_t mono_ms = time_mono_ns() / 1000000;
    struct ui_input in;
    while (ui_poll(k->ui, mono_ms, &in)) {
        switch (in.action) {
        case UI_ACTION_QUIT:
            kiosk_request_stop(k);
            break;
        case UI_ACTION_SET_MODE:
            switch_mode(k, (enum kiosk_mode)in.value);
            break;
        case UI_ACTION_COUNT_ADJUST:
            if (k->room != OCCUPANCY_ENTRANCE || in.value > 0 ||
                occupancy_room_count(k->occupancy, k->room, kiosk_now(k)) > 0)
                record_staff_action(k, SCAN_MANUAL, in.value > 0 ? RESULT_ADMITTED : RESULT_EXITED);
            break;
        case UI_ACTION_ROOM_CLOSE:
            record_staff_action(k, SCAN_ROOM_CLOSE, RESULT_DENIED);
            break;
        case UI_ACTION_ROOM_OPEN:
            record_staff_action(k, SCAN_ROOM_OPEN, RESULT_ADMITTED);
            break;
        case UI_ACTION_SET_LANG:
            if (in.value >= 0 && in.value < LANG_COUNT)
                k->lang = (enum language)in.value;
            break;
        case UI_ACTION_PRINT_RETRY:
            if (k->printer != NULL)
                kiosk_printer_retry(k->printer);
            break;
        default:
            if (!kiosk_staff_ui(k, &in)) /* the search screen's */
                kiosk_desk_ui(k, &in);
            break;
        }
    }
    struct ui_view v;
    fill_view(k, &v, kiosk_now(k));
    int64_t t0 = time_mono_ns();
    ui_frame(k->ui, &v, mono_ms);
    int64_t t1 = time_mono_ns();
    histogram_add(k->frame_times, (double)(t1 - t0) / 1e6);
    if (k->answer_pending_ns != 0) {
        histogram_add(k->scan_to_pixels, (double)(t1 - k->answer_pending_ns) / 1e6);
        k->answer_pending_ns = 0;
    }
}

bool kiosk_screenshot(struct kiosk *k, const char *path)
{
    if (k->ui == NULL)
        return false;
    struct ui_view v;
    fill_view(k, &v, kiosk_now(k));
    return ui_screenshot(k->ui, &v, time_mono_ns() / 1000000, path);
}

void kiosk_screen_stats(const struct kiosk *k, struct kiosk_screen_stats *out)
{
    memset(out, 0, sizeof *out);
    if (k->ui == NULL)
        return;
    out->frames = k->frame_times->n;
    out->frame_median_ms = histogram_quantile(k->frame_times, 0.5);
    out->frame_p99_ms = histogram_quantile(k->frame_times, 0.99);
    out->frame_worst_ms = k->frame_times->max_ms;
    out->answers = k->scan_to_pixels->n;
    out->scan_to_pixels_median_ms = histogram_quantile(k->scan_to_pixels, 0.5);
    out->scan_to_pixels_p99_ms = histogram_quantile(k->scan_to_pixels, 0.99);
}

/* Reads the sync daemon's status from the scan log's metadata (syncd.h documents the keys). */
static void read_sync_status(struct kiosk *k)
{
    char *state = NULL, *since = NULL, *pending = NULL, *offset = NULL;
    k->clock_offset_ms = 0;
    if (store_get_meta(k->store, "sync.clock_offset_ms", &offset) && offset != NULL)
        k->clock_offset_ms = strtoll(offset, NULL, 10);
    if (!store_get_meta(k->store, "sync.state", &state) || state == NULL) {
        k->sync.state = UI_SYNC_NONE;
        goto end;
    }
    k->sync.state = strcmp(state, "online") == 0 ? UI_SYNC_ONLINE : UI_SYNC_OFFLINE;
    k->sync.offline_since_ms = 0;
    if (k->sync.state == UI_SYNC_OFFLINE && store_get_meta(k->store, "sync.since", &since) &&
        since != NULL)
        time_parse_iso8601(since, &k->sync.offline_since_ms);
    if (store_get_meta(k->store, "sync.pending", &pending) && pending != NULL)
        k->sync.pending = atoi(pending);
end:
    free(state);
    free(since);
    free(pending);
    free(offset);
}

/* The slow facts the screen shows, read once a tick. */
static void refresh_screen_facts(struct kiosk *k, int64_t mono_ns)
{
    read_sync_status(k);
    struct statvfs vfs;
    k->disk_free = statvfs(k->settings.db_path, &vfs) == 0
                       ? (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize
                       : -1;
    if (k->reader != NULL) {
        uint64_t frames = camera_frame_count(k->camera);
        double secs = (double)(mono_ns - k->fps_since_ns) / 1e9;
        if (k->fps_since_ns != 0 && secs > 0)
            k->camera_fps = (double)(frames - k->fps_frames) / secs;
        k->fps_frames = frames;
        k->fps_since_ns = mono_ns;
        struct reader_stats rs;
        reader_stats(k->reader, &rs);
        k->decode_ms = rs.decode_ms_avg;
    }
}

bool kiosk_handle_payload(struct kiosk *k, const uint8_t *payload, size_t len, int64_t wall_ms,
                          int64_t mono_ns)
{
    if (k->rules == NULL)
        return true;
    if (!kiosk_record_session_ends(k, wall_ms))
        return false;
    struct scan s;
    struct rules_verdict verdict;
    memset(&s, 0, sizeof s);
    if (rules_decide(k->rules, k->occupancy, payload, len, wall_ms, &s, &verdict) == RULES_IGNORED)
        return true;
    const char *name = verdict.attendee ? verdict.attendee->name : NULL;
    if (verdict.new_registration)
        name = i18n(k->lang, MSG_NEW_REGISTRATION);
    if (!kiosk_record(k, &s, mono_ns, name))
        return false;
    show_answer(k, &s, &verdict);
    return true;
}

/* Overview mode without a screen: a JSON line for every room whose count changed. */
static void report_overview(struct kiosk *k, int64_t t)
{
    for (size_t i = 0; i <= k->event->n_rooms; i++) {
        size_t room = i < k->event->n_rooms ? i : OCCUPANCY_ENTRANCE;
        int count = occupancy_room_count(k->occupancy, room, t);
        if (count == k->last_counts[i])
            continue;
        k->last_counts[i] = count;
        strbuf_reset(&k->line);
        decision_line_format_count(
            &k->line, t, room == OCCUPANCY_ENTRANCE ? "entrance" : k->event->rooms[i].id, count,
            room == OCCUPANCY_ENTRANCE ? 0 : k->event->rooms[i].capacity);
        strbuf_putc(&k->line, '\n');
        fwrite(k->line.data, 1, k->line.len, k->settings.out);
    }
    fflush(k->settings.out);
}

/* The periodic tick: other processes' scans, the clock's state, session ends. */
static void tick(struct kiosk *k)
{
    kiosk_log_in_place(k);
    kiosk_reload_if_changed(k);
    k->clock_synced = kiosk_system_clock_synced();
    kiosk_read_boot_offsets(k);
    int64_t t = kiosk_now(k);
    /* Lines on stdin may carry their own times (a replay): then session ends are recorded
     * when the replay's clock passes them, before each scan, never from the real clock. */
    if (k->replay_ms == 0 && strcmp(k->settings.scanner, "stdin") != 0)
        kiosk_record_session_ends(k, t);
    if (k->rules == NULL && k->settings.out != NULL)
        report_overview(k, t);
    if (k->ui != NULL)
        refresh_screen_facts(k, time_mono_ns());
    sdnotify_watchdog();
}

static void handle_reader(struct kiosk *k)
{
    struct reader_result res;
    while (reader_take(k->reader, &res))
        kiosk_handle_payload(k, res.code.data, res.code.len, kiosk_now(k), res.frame_mono_ns);
}

static void handle_hid(struct kiosk *k)
{
    struct hid_scan scan;
    while (hid_read(k->hid, &scan)) {
        if (scan.token[0] == '{' && strcmp(k->settings.scanner, "stdin") == 0) {
            kiosk_staff_action(k, scan.token, scan.len, scan.mono_ns); /* DESIGN.md §7 */
            continue;
        }
        int64_t wall = kiosk_now(k);
        if (scan.has_wall) {
            if (scan.wall_ms > k->replay_ms)
                k->replay_ms = scan.wall_ms;
            wall = scan.wall_ms;
        }
        kiosk_handle_payload(k, (const uint8_t *)scan.token, scan.len, wall, scan.mono_ns);
    }
}

/* Grabs a frame and hands it over; false when there was none. */
static bool feed_camera(struct kiosk *k)
{
    int64_t mono;
    if (k->reader == NULL || k->frames_done || !camera_grab(k->camera, &k->frame, &mono))
        return false;
    k->frame_serial++;
    if (k->settings.max_frames != 0 && k->frame_serial >= k->settings.max_frames)
        k->frames_done = true;
    if (k->replay) {
        reader_wait_idle(k->reader, 10000);
        handle_reader(k);
    }
    /* The frame is stamped when it is handed over: decisions and the scan-to-pixels figure
     * count from there (a synthetic frame's capture time would include drawing it). */
    (void)mono;
    reader_submit(k->reader, &k->frame, time_mono_ns());
    if (k->replay && k->ui != NULL) {
        /* With a screen, a frame's answer is drawn before the next frame: scan to pixels
         * does not include drawing a synthetic frame. */
        reader_wait_idle(k->reader, 10000);
        handle_reader(k);
    }
    return true;
}

/* True when no source can deliver another scan. */
static bool sources_ended(const struct kiosk *k)
{
    enum hid_status hs = hid_status(k->hid);
    enum camera_status cs = camera_status(k->camera);
    bool hid_done = hs == HID_EOF || hs == HID_NONE;
    bool camera_done = cs == CAMERA_ENDED || cs == CAMERA_NONE || k->frames_done;
    return hid_done && camera_done && !(hs == HID_NONE && cs == CAMERA_NONE);
}

/* Folds the scans other processes added, when due; headless in overview mode, tells at once
 * the counts they changed rather than at the next tick. */
static void fold_due(struct kiosk *k, int64_t now)
{
    if (now < k->next_fold_ns)
        return;
    int64_t last = k->last_rowid;
    if (!kiosk_fold_new_scans(k))
        log_warnx("kiosk: could not read new scans from the log; retrying");
    else if (k->last_rowid != last && k->rules == NULL && k->settings.out != NULL)
        report_overview(k, kiosk_now(k));
    k->next_fold_ns = now + (int64_t)FOLD_MS * 1000000;
}

/* Waits for input (the stop pipe, the scanner, decoded results, the camera) until the next
 * timed work, then handles what came. fed: the camera just gave a frame. False when poll
 * failed. */
static bool wait_and_handle(struct kiosk *k, bool fed)
{
    struct pollfd fds[4];
    nfds_t n = 0;
    fds[n++] = (struct pollfd){.fd = k->stop_pipe[0], .events = POLLIN};
    int reader_fd_index = -1;
    if (hid_fd(k->hid) >= 0)
        fds[n++] = (struct pollfd){.fd = hid_fd(k->hid), .events = POLLIN};
    if (k->reader != NULL) {
        reader_fd_index = (int)n;
        fds[n++] = (struct pollfd){.fd = reader_fd(k->reader), .events = POLLIN};
    }
    if (camera_fd(k->camera) >= 0)
        fds[n++] = (struct pollfd){.fd = camera_fd(k->camera), .events = POLLIN};
    int64_t next = k->next_tick_ns < k->next_fold_ns ? k->next_tick_ns : k->next_fold_ns;
    int timeout = (int)((next - time_mono_ns()) / 1000000);
    if (k->reader != NULL && camera_status(k->camera) == CAMERA_OK && camera_fd(k->camera) < 0)
        timeout = timeout < FRAME_POLL_MS ? timeout : FRAME_POLL_MS;
    if (k->ui != NULL)
        timeout = timeout < UI_FRAME_MS ? timeout : UI_FRAME_MS;
    /* A headless replay that just gave a frame has the next one now: waiting would only
     * slow it down. (One that gave none, say a folder of unreadable files, waits.) */
    if (fed && k->ui == NULL && k->replay && !k->frames_done)
        timeout = 0;
    if (timeout < 0)
        timeout = 0;
    if (poll(fds, n, timeout) < 0 && errno != EINTR) {
        log_warn("kiosk: poll");
        return false;
    }
    if (reader_fd_index >= 0 && (fds[reader_fd_index].revents & POLLIN))
        handle_reader(k);
    /* hid_read also retries an unplugged scanner, so it runs on every pass. */
    handle_hid(k);
    if (k->ui != NULL)
        handle_ui(k);
    return true;
}

/* Logs what the camera and the screen did over the run. */
static void log_run_stats(struct kiosk *k)
{
    if (k->reader != NULL) {
        struct reader_stats rs;
        reader_stats(k->reader, &rs);
        log_info("kiosk: camera: %llu frames handed over, %llu decoded (%llu at full "
                 "resolution), %llu skipped as unchanged, %llu dropped for newer ones, %llu "
                 "codes found, %llu results lost",
                 (unsigned long long)rs.frames_in, (unsigned long long)rs.frames_decoded,
                 (unsigned long long)rs.frames_full, (unsigned long long)rs.frames_skipped,
                 (unsigned long long)rs.frames_dropped, (unsigned long long)rs.codes_found,
                 (unsigned long long)rs.results_lost);
    }
    if (k->ui != NULL) {
        struct kiosk_screen_stats st;
        kiosk_screen_stats(k, &st);
        log_info("kiosk: screen: %llu frames drawn, frame time median %.2f ms, p99 %.2f ms, "
                 "worst %.2f ms; scan to pixels median %.2f ms, p99 %.2f ms (%llu answers)",
                 (unsigned long long)st.frames, st.frame_median_ms, st.frame_p99_ms,
                 st.frame_worst_ms, st.scan_to_pixels_median_ms, st.scan_to_pixels_p99_ms,
                 (unsigned long long)st.answers);
    }
}

bool kiosk_run(struct kiosk *k)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    running = k;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    k->next_tick_ns = k->next_fold_ns = time_mono_ns();
    sdnotify_ready(NULL);
    /* Headless, a failed commit stops the kiosk; with a screen it shows the trouble and
     * keeps trying (see kiosk.h). */
    while (!k->stop && !(k->store_failed && k->ui == NULL)) {
        int64_t now = time_mono_ns();
        fold_due(k, now);
        if (now >= k->next_tick_ns) {
            tick(k);
            k->next_tick_ns = now + (int64_t)TICK_MS * 1000000;
        }
        bool fed = feed_camera(k);
        /* A screen stays up when the sources end, unless nobody can see it. */
        if (sources_ended(k) && (k->ui == NULL || k->settings.display == UI_OFFSCREEN)) {
            if (k->reader != NULL)
                reader_wait_idle(k->reader, 10000);
            break;
        }
        if (!wait_and_handle(k, fed))
            break;
    }
    sdnotify_stopping();
    if (k->reader != NULL) {
        /* A replay's last frame may still be decoding (a stop asked for mid-replay): its
         * codes are decided too. A live camera's waits at most one decode. */
        reader_wait_idle(k->reader, 2000);
        handle_reader(k);
    }
    log_run_stats(k);
    /* The handlers stay: a SIGTERM that comes while the process is on its way out must not
     * kill it before it exits cleanly. */
    running = NULL;
    return !k->store_failed;
}
