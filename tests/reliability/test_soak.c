/* SPDX-License-Identifier: Apache-2.0 */
/* The soak, short: bench/soak.sh (a headless kiosk on the synth camera, its sync daemon, a
 * central PostgreSQL that crashes every few seconds) for 20,000 frames, about 450 scans;
 * PORTIER_FULL=1 runs the whole day, 1,000,000 frames and some 22,700 scans (about 80
 * minutes). Checks what the script measures: the kiosk's RSS grew by less than 2 MB after
 * warm-up, the kiosk ended cleanly, and the central database holds every scan of the log
 * after the outages. Not run in a sanitizer build, whose allocator keeps freed memory in
 * quarantine: its RSS says nothing about Portier's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "util.h"
#include "file.h"

int main(void)
{
#if defined(__SANITIZE_ADDRESS__)
    printf("test_soak: not run: an AddressSanitizer build's RSS measures its quarantine\n");
    return 0;
#endif
    const char *bin = getenv("PORTIER_BIN");
    const char *data = getenv("PORTIER_TEST_DATA"); /* .../tests/data */
    if (bin == NULL || data == NULL) {
        fprintf(stderr, "test_soak: PORTIER_BIN and PORTIER_TEST_DATA must be set (run under "
                        "ctest)\n");
        return 1;
    }
    long frames = fixture_full() ? 1000000 : 20000;
    char *build = xstrdup(bin);
    char *slash = strrchr(build, '/');
    if (slash != NULL)
        *slash = '\0';
    char tmpl[] = "/tmp/portier-soaktest-XXXXXX";
    if (mkdtemp(tmpl) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char *out = path_join(tmpl, "soak.txt");
    /* Outages every 8 s for 2 s, so that the short run sees several. */
    int rc = fixture_run("SOAK_OUTAGE_EVERY=8 SOAK_OUTAGE_FOR=2 SOAK_WARMUP_SCANS=50 "
                         "SOAK_REPORT_EVERY=600 "
                         "bash '%s/../../bench/soak.sh' %ld '%s' >'%s' 2>&1",
                         data, frames, build, out);
    char *text = file_read_all(out, NULL);
    if (text == NULL)
        text = xstrdup("");
    fputs(text, stdout);
    CHECK_MSG(rc == 0, "bench/soak.sh: exit status %d", rc);
    /* The figures lines of soak.sh (see its end). */
    double growth = 99, log_mb = 0, wal_mb = 0;
    long local = -1, central = -2, outages = 0, scans = 0, done_frames = 0;
    int kiosk_rc = -1, sync_rc = -1;
    const char *p;
    CHECK((p = strstr(text, "soak: scan log ")) != NULL &&
          sscanf(p,
                 "soak: scan log %lf MB, WAL %lf MB; %ld scans locally, %ld centrally after "
                 "%ld central outages",
                 &log_mb, &wal_mb, &local, &central, &outages) == 5);
    bool summary = false; /* the first "soak: N frames, M scans in" line, not a progress one */
    for (p = strstr(text, "soak: "); p != NULL && !summary; p = strstr(p + 1, "soak: "))
        summary = sscanf(p, "soak: %ld frames, %ld scans in", &done_frames, &scans) == 2;
    CHECK(summary);
    CHECK((p = strstr(text, "growth ")) != NULL && sscanf(p, "growth %lf MB", &growth) == 1);
    CHECK((p = strstr(text, "exit status kiosk ")) != NULL &&
          sscanf(p, "exit status kiosk %d, sync %d", &kiosk_rc, &sync_rc) == 2);
    CHECK_MSG(growth < 2.0, "kiosk RSS grew by %.2f MB (target < 2 MB)", growth);
    CHECK_MSG(local == central && local > 0, "%ld scans locally, %ld centrally", local, central);
    /* done_frames is the kiosk's own count of the frames it handed over to its decoder. */
    CHECK_MSG(done_frames == frames, "the kiosk took %ld frames of %ld", done_frames, frames);
    CHECK(scans == local);
    CHECK(kiosk_rc == 0 && sync_rc == 0);
    CHECK(outages >= 2);
    fixture_figures("soak",
                    "soak: %ld frames, %ld scans, kiosk RSS growth %+.2f MB (target < 2 MB), "
                    "scan log %.1f MB + WAL %.1f MB, %ld scans locally, %ld centrally after %ld "
                    "central outages",
                    done_frames, scans, growth, log_mb, wal_mb, local, central, outages);
    fixture_run("rm -rf '%s'", tmpl);
    free(text);
    free(out);
    free(build);
    return check_done();
}
