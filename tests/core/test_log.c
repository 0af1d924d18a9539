/* SPDX-License-Identifier: Apache-2.0 */
/* Log lines: plain on stderr, and with their syslog priority ("<4>" ...) first when stderr is
 * the journal's stream ($JOURNAL_STREAM equal to stderr's "DEV:INO"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "log.h"

static char path[] = "/tmp/portier-test-log-XXXXXX";

/* What JOURNAL_STREAM says. */
enum stream {
    STREAM_STDERR,    /* stderr's own DEV:INO */
    STREAM_OTHER_INO, /* another file on its device */
    STREAM_OTHER_DEV, /* its inode number on another device */
    STREAM_UNSET,
    STREAM_TEXT, /* the text given */
};

/* Logs one line of each kind into the file that stderr is now. */
static void log_each(void)
{
    log_errorx("error %d", 3);
    errno = ENOENT;
    log_error("error with errno");
    log_warnx("warning %s", "x");
    errno = ENOENT;
    log_warn("warning with errno");
    log_info("info");
    log_set_verbose(false);
    log_debug("debug, not shown");
    log_set_verbose(true);
    log_debug("debug");
    log_set_verbose(false);
}

/* Runs log_each with stderr into a new file and JOURNAL_STREAM set as stream says (or to
 * text); returns what was written, owned by the caller. */
static char *logged(enum stream stream, const char *text)
{
    int fd = mkstemp(path);
    int saved = dup(STDERR_FILENO);
    if (fd < 0 || saved < 0)
        return NULL;
    dup2(fd, STDERR_FILENO);
    struct stat st;
    fstat(fd, &st);
    unsigned long long dev = st.st_dev, ino = st.st_ino;
    char value[64];
    snprintf(value, sizeof value, "%llu:%llu", dev + (stream == STREAM_OTHER_DEV),
             ino + (stream == STREAM_OTHER_INO));
    if (stream == STREAM_UNSET)
        unsetenv("JOURNAL_STREAM");
    else
        setenv("JOURNAL_STREAM", stream == STREAM_TEXT ? text : value, 1);
    log_each();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    char *out = calloc(1, 4096);
    ssize_t n = pread(fd, out, 4095, 0);
    close(fd);
    unlink(path);
    strcpy(path + strlen(path) - 6, "XXXXXX");
    if (n < 0) {
        free(out);
        return NULL;
    }
    return out;
}

static const char plain[] = "portier-test: error 3\n"
                            "portier-test: error with errno: No such file or directory\n"
                            "portier-test: warning x\n"
                            "portier-test: warning with errno: No such file or directory\n"
                            "portier-test: info\n"
                            "portier-test: debug\n";

static const char journal[] = "<3>portier-test: error 3\n"
                              "<3>portier-test: error with errno: No such file or directory\n"
                              "<4>portier-test: warning x\n"
                              "<4>portier-test: warning with errno: No such file or directory\n"
                              "<6>portier-test: info\n"
                              "<7>portier-test: debug\n";

int main(void)
{
    log_init("portier-test");
    char *text = logged(STREAM_STDERR, NULL);
    CHECK_STR(text, journal);
    free(text);
    /* Unset, another stream (stderr redirected since systemd set it), or nonsense: plain. */
    const enum stream plain_streams[] = {STREAM_UNSET, STREAM_OTHER_INO, STREAM_OTHER_DEV};
    for (size_t i = 0; i < sizeof plain_streams / sizeof plain_streams[0]; i++) {
        text = logged(plain_streams[i], NULL);
        CHECK_STR(text, plain);
        free(text);
    }
    const char *nonsense[] = {"", "x", "1", "1:", ":1", "1:2:3", "1:2x"};
    for (size_t i = 0; i < sizeof nonsense / sizeof nonsense[0]; i++) {
        text = logged(STREAM_TEXT, nonsense[i]);
        CHECK_STR(text, plain);
        free(text);
    }
    return check_done();
}
