#include "kiosk.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "camera.h"
#include "csv.h"
#include "event.h"
#include "hid.h"
#include "log.h"
#include "occupancy.h"
#include "reader.h"
#include "store.h"
#include "sysclock.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"

#define TICK_MS       1000
#define FRAME_POLL_MS 10

struct kiosk {
    struct kiosk_settings settings;
    struct event *event;
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN];
    struct store *store;
    struct occupancy *occupancy;
    struct rules *rules; /* NULL in overview mode */
    size_t room;         /* occupancy room index (OCCUPANCY_ENTRANCE at the entrance) */
    struct camera *camera;
    struct reader *reader; /* NULL without a camera */
    struct hid *hid;
    char **synth_tokens;
    size_t n_synth_tokens;

    char boot_id[SCAN_BOOT_ID_MAX];
    bool clock_synced;
    int64_t mono_start_ns;
    int64_t replay_ms;  /* latest "TIMESTAMP<TAB>TOKEN" time seen: the replay's clock */
    int64_t last_rowid; /* scan log folded up to here */
    int64_t next_tick_ns;
    int *last_counts; /* overview: the counts last reported, per room */
    int stop_pipe[2];
    volatile sig_atomic_t stop;
    bool store_failed;
    struct image frame;
    struct strbuf line;
};

static struct kiosk *running; /* for the signal handler */

/* The kiosk's wall clock: the real one, or one started at settings.clock_start_ms. */
static int64_t wall_now(const struct kiosk *k)
{
    if (k->replay_ms != 0)
        return k->replay_ms;
    if (k->settings.clock_start_ms == 0)
        return time_now_ms();
    return k->settings.clock_start_ms + (time_mono_ns() - k->mono_start_ns) / 1000000;
}

/* Folds one scan of the log into the occupancy. */
static bool fold_scan(const struct scan *s, void *ctx)
{
    struct kiosk *k = ctx;
    if (!occupancy_apply(k->occupancy, s))
        log_debug("scan %s/%lld/%lld names something this event does not know; ignored",
                  s->device_id, (long long)s->db_epoch, (long long)s->seq);
    return true;
}

/* Folds whatever was added to the scan log since the last call (by us or the sync daemon). */
static bool fold_new_scans(struct kiosk *k)
{
    return store_read_scans(k->store, k->last_rowid, fold_scan, k, &k->last_rowid);
}

/* Loads the tokens column of a tokens.csv for the synthetic camera. */
static bool load_synth_tokens(struct kiosk *k, const char *path)
{
    size_t len;
    char *data = file_read_all(path, &len);
    if (data == NULL) {
        log_warn("%s", path);
        return false;
    }
    struct csv_error err;
    struct csv *csv = csv_parse(data, len, &err);
    free(data);
    if (csv == NULL) {
        log_warnx("%s:%zu: %s", path, err.line, err.message);
        return false;
    }
    int col = csv->n_records > 0 ? csv_header_index(&csv->records[0], "token") : -1;
    if (col < 0) {
        log_warnx("%s: no 'token' column (expected the tokens.csv that 'portier badges' writes)",
                  path);
        csv_destroy(csv);
        return false;
    }
    k->synth_tokens = xcalloc(csv->n_records, sizeof *k->synth_tokens);
    for (size_t i = 1; i < csv->n_records; i++) {
        if ((size_t)col < csv->records[i].n_fields)
            k->synth_tokens[k->n_synth_tokens++] = xstrdup(csv->records[i].fields[col]);
    }
    csv_destroy(csv);
    return true;
}

static bool open_inputs(struct kiosk *k)
{
    const struct kiosk_settings *s = &k->settings;
    struct camera_options copts = {0};
    if (s->synth_tokens != NULL) {
        if (!load_synth_tokens(k, s->synth_tokens))
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
    k->stop_pipe[0] = k->stop_pipe[1] = -1;
    k->mono_start_ns = time_mono_ns();
    if (k->settings.out == NULL)
        k->settings.out = stdout;

    if (!token_init())
        goto fail;
    char *db = path_join(settings->kiosk_dir, EVENT_DB_NAME);
    k->event = event_load(db);
    free(db);
    if (k->event == NULL || !event_read_public_key(settings->kiosk_dir, k->pk))
        goto fail;
    if (!time_set_zone(k->event->timezone)) {
        log_warnx("%s: unknown time zone '%s' (install the tzdata package)", settings->kiosk_dir,
                  k->event->timezone);
        goto fail;
    }
    k->occupancy = occupancy_create(k->event);
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
    k->store = store_open(settings->db_path, settings->device_id);
    if (k->store == NULL || !fold_new_scans(k))
        goto fail;
    sysclock_boot_id(k->boot_id);
    k->clock_synced = sysclock_is_synchronised();
    k->last_counts = xcalloc(k->event->n_rooms + 1, sizeof *k->last_counts);
    for (size_t i = 0; i <= k->event->n_rooms; i++)
        k->last_counts[i] = -1;
    if (!open_inputs(k))
        goto fail;
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
    reader_destroy(k->reader);
    camera_close(k->camera);
    hid_close(k->hid);
    rules_destroy(k->rules);
    occupancy_destroy(k->occupancy);
    store_close(k->store);
    event_destroy(k->event);
    for (size_t i = 0; i < k->n_synth_tokens; i++)
        free(k->synth_tokens[i]);
    free(k->synth_tokens);
    free(k->last_counts);
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

void kiosk_format_json(struct strbuf *sb, const struct scan *s, const char *name, int occupancy,
                       int capacity)
{
    char when[TIME_ISO_LEN];
    time_format_iso8601(s->wall_ms, when);
    strbuf_printf(sb, "{\"seq\":%lld,\"time\":\"%s\",\"device\":", (long long)s->seq, when);
    strbuf_json_string(sb, s->device_id);
    strbuf_puts(sb, ",\"room\":");
    strbuf_json_string(sb, s->room);
    strbuf_puts(sb, ",\"session\":");
    if (s->session[0] != '\0')
        strbuf_json_string(sb, s->session);
    else
        strbuf_puts(sb, "null");
    strbuf_puts(sb, ",\"attendee\":");
    if (s->attendee[0] != '\0')
        strbuf_json_string(sb, s->attendee);
    else
        strbuf_puts(sb, "null");
    strbuf_puts(sb, ",\"name\":");
    if (name != NULL)
        strbuf_json_string(sb, name);
    else
        strbuf_puts(sb, "null");
    strbuf_printf(sb, ",\"result\":\"%s\",\"reason\":\"%s\",\"occupancy\":%d,\"capacity\":",
                  scan_result_name(s->result), scan_reason_name(s->reason), occupancy);
    if (capacity > 0)
        strbuf_printf(sb, "%d", capacity);
    else
        strbuf_puts(sb, "null");
    if (s->override)
        strbuf_puts(sb, ",\"override\":true");
    if (s->kind != SCAN_BADGE)
        strbuf_printf(sb, ",\"kind\":\"%s\"", scan_kind_name(s->kind));
    strbuf_putc(sb, '}');
}

/* The count and capacity a decision reports: the room's, or the venue's at the entrance. */
static void current_count(const struct kiosk *k, int64_t t, int *count, int *capacity)
{
    *count = occupancy_room_count(k->occupancy, k->room, t);
    *capacity = k->room == OCCUPANCY_ENTRANCE ? 0 : k->event->rooms[k->room].capacity;
}

/* Stamps, stores and folds one of this kiosk's scans, then reports it. The order is the
 * durability promise: nothing is reported (or shown) before its commit returned. */
static bool record(struct kiosk *k, struct scan *s, int64_t mono_ns, const char *name)
{
    s->mono_ns = mono_ns;
    memcpy(s->boot_id, k->boot_id, sizeof s->boot_id);
    s->clock_synced = k->clock_synced && k->replay_ms == 0 && k->settings.clock_start_ms == 0;
    if (!store_append_scan(k->store, s)) {
        k->store_failed = true;
        log_warnx("kiosk: the scan could not be stored; it was NOT confirmed");
        return false;
    }
    occupancy_apply(k->occupancy, s);
    int count, capacity;
    current_count(k, s->wall_ms, &count, &capacity);
    strbuf_reset(&k->line);
    kiosk_format_json(&k->line, s, name, count, capacity);
    strbuf_putc(&k->line, '\n');
    fwrite(k->line.data, 1, k->line.len, k->settings.out);
    fflush(k->settings.out);
    return true;
}

/* Records the session-end exits due at t. */
static bool record_session_ends(struct kiosk *k, int64_t t)
{
    if (k->rules == NULL)
        return true;
    size_t n = 0;
    struct scan *exits = rules_session_end_exits(k->rules, k->occupancy, t, &n);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        size_t a = occupancy_attendee_index(k->occupancy, exits[i].attendee);
        const char *name = a != OCCUPANCY_NONE ? k->event->attendees[a].name : NULL;
        ok = record(k, &exits[i], time_mono_ns(), name);
    }
    free(exits);
    return ok;
}

bool kiosk_handle_payload(struct kiosk *k, const uint8_t *payload, size_t len, int64_t wall_ms,
                          int64_t mono_ns)
{
    if (k->rules == NULL)
        return true;
    if (!record_session_ends(k, wall_ms))
        return false;
    struct scan s;
    struct rules_verdict verdict;
    memset(&s, 0, sizeof s);
    if (rules_decide(k->rules, k->occupancy, payload, len, wall_ms, &s, &verdict) == RULES_IGNORED)
        return true;
    return record(k, &s, mono_ns, verdict.attendee ? verdict.attendee->name : NULL);
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
        char when[TIME_ISO_LEN];
        time_format_iso8601(t, when);
        strbuf_reset(&k->line);
        strbuf_printf(&k->line, "{\"time\":\"%s\",\"room\":", when);
        strbuf_json_string(&k->line,
                           room == OCCUPANCY_ENTRANCE ? "entrance" : k->event->rooms[i].id);
        strbuf_printf(&k->line, ",\"occupancy\":%d,\"capacity\":", count);
        if (room == OCCUPANCY_ENTRANCE)
            strbuf_puts(&k->line, "null}\n");
        else
            strbuf_printf(&k->line, "%d}\n", k->event->rooms[i].capacity);
        fwrite(k->line.data, 1, k->line.len, k->settings.out);
    }
    fflush(k->settings.out);
}

/* The periodic tick: other processes' scans, the clock's state, session ends. */
static void tick(struct kiosk *k)
{
    if (!fold_new_scans(k))
        log_warnx("kiosk: could not read new scans from the log; retrying");
    k->clock_synced = sysclock_is_synchronised();
    int64_t t = wall_now(k);
    /* Lines on stdin may carry their own times (a replay): then session ends are recorded
     * when the replay's clock passes them, before each scan, never from the real clock. */
    if (k->replay_ms == 0 && strcmp(k->settings.scanner, "stdin") != 0)
        record_session_ends(k, t);
    if (k->rules == NULL)
        report_overview(k, t);
}

static void handle_reader(struct kiosk *k)
{
    struct reader_result res;
    while (reader_take(k->reader, &res))
        kiosk_handle_payload(k, res.code.data, res.code.len, wall_now(k), res.frame_mono_ns);
}

static void handle_hid(struct kiosk *k)
{
    struct hid_scan scan;
    while (hid_read(k->hid, &scan)) {
        int64_t wall = wall_now(k);
        if (scan.has_wall) {
            if (scan.wall_ms > k->replay_ms)
                k->replay_ms = scan.wall_ms;
            wall = scan.wall_ms;
        }
        kiosk_handle_payload(k, (const uint8_t *)scan.token, scan.len, wall, scan.mono_ns);
    }
}

/* A replay (dir: or synth without a frame rate) hands over every frame and waits for it to be
 * decoded: nothing is dropped, so a replay gives the same decisions on any machine. A live
 * camera hands over the newest frame and never waits. */
static bool camera_is_replay(const struct kiosk *k)
{
    const char *spec = k->settings.camera;
    return (strncmp(spec, "dir:", 4) == 0 || strncmp(spec, "synth", 5) == 0) &&
           strstr(spec, "fps=") == NULL;
}

static void feed_camera(struct kiosk *k)
{
    int64_t mono;
    if (k->reader == NULL || !camera_grab(k->camera, &k->frame, &mono))
        return;
    if (camera_is_replay(k))
        reader_wait_idle(k->reader, 10000);
    reader_submit(k->reader, &k->frame, mono);
    if (camera_is_replay(k)) {
        reader_wait_idle(k->reader, 10000);
        handle_reader(k);
    }
}

/* True when no source can deliver another scan. */
static bool sources_ended(const struct kiosk *k)
{
    enum hid_status hs = hid_status(k->hid);
    enum camera_status cs = camera_status(k->camera);
    bool hid_done = hs == HID_EOF || hs == HID_NONE;
    bool camera_done = cs == CAMERA_ENDED || cs == CAMERA_NONE;
    return hid_done && camera_done && !(hs == HID_NONE && cs == CAMERA_NONE);
}

bool kiosk_run(struct kiosk *k)
{
    struct sigaction sa, old_term, old_int;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    running = k;
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGINT, &sa, &old_int);
    signal(SIGPIPE, SIG_IGN);

    k->next_tick_ns = time_mono_ns();
    while (!k->stop && !k->store_failed) {
        int64_t now = time_mono_ns();
        if (now >= k->next_tick_ns) {
            tick(k);
            k->next_tick_ns = now + (int64_t)TICK_MS * 1000000;
        }
        feed_camera(k);
        if (sources_ended(k)) {
            if (k->reader != NULL)
                reader_wait_idle(k->reader, 10000);
            break;
        }
        struct pollfd fds[4];
        nfds_t n = 0;
        fds[n++] = (struct pollfd){.fd = k->stop_pipe[0], .events = POLLIN};
        int hid_fd_index = -1, reader_fd_index = -1;
        if (hid_fd(k->hid) >= 0) {
            hid_fd_index = (int)n;
            fds[n++] = (struct pollfd){.fd = hid_fd(k->hid), .events = POLLIN};
        }
        if (k->reader != NULL) {
            reader_fd_index = (int)n;
            fds[n++] = (struct pollfd){.fd = reader_fd(k->reader), .events = POLLIN};
        }
        if (camera_fd(k->camera) >= 0)
            fds[n++] = (struct pollfd){.fd = camera_fd(k->camera), .events = POLLIN};
        int timeout = (int)((k->next_tick_ns - time_mono_ns()) / 1000000);
        if (k->reader != NULL && camera_status(k->camera) == CAMERA_OK && camera_fd(k->camera) < 0)
            timeout = timeout < FRAME_POLL_MS ? timeout : FRAME_POLL_MS;
        if (timeout < 0)
            timeout = 0;
        if (poll(fds, n, timeout) < 0 && errno != EINTR) {
            log_warn("kiosk: poll");
            break;
        }
        if (reader_fd_index >= 0 && (fds[reader_fd_index].revents & POLLIN))
            handle_reader(k);
        /* hid_read also retries an unplugged scanner, so it runs on every pass. */
        (void)hid_fd_index;
        handle_hid(k);
    }
    if (k->reader != NULL)
        handle_reader(k);
    running = NULL;
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGINT, &old_int, NULL);
    return !k->store_failed;
}
