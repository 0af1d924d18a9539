/* SPDX-License-Identifier: Apache-2.0 */
/* portier kiosk --printer NAME --label FORMAT, from the command line and from kiosk.conf: the
 * kiosk starts its printer watcher on that queue and format; a format that is none is a usage
 * error that names the formats. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "file.h"
#include "shell.h"
#include "util.h"

/* Reads DIR/name (owned by the caller; "" when missing). */
static char *read_in(const char *dir, const char *name)
{
    char *path = path_join(dir, name);
    char *text = file_read_all(path, NULL);
    free(path);
    return text != NULL ? text : xstrdup("");
}

int main(void)
{
    const char *bin = getenv("PORTIER_BIN"), *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-kprintcli-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL);
    CHECK(test_sh("cd %s && %s init ev --name Test --timezone Europe/Brussels --rooms "
                  "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null && %s bundle ev --out kiosk >/dev/null",
                  dir, bin, data, data, data, bin) == 0);
    /* From kiosk.conf; the command line wins for --label. */
    CHECK(test_sh("cd %s && printf '[kiosk]\\ndevice = desk-1\\nroom = entrance\\n"
                  "printer = front-desk\\nlabel = 4x6\\n' > kiosk.conf && "
                  "%s kiosk kiosk --config kiosk.conf --headless --camera none --scanner stdin "
                  "--db k.db --label cr80 < /dev/null > out.txt 2> err.txt",
                  dir, bin) == 0);
    char *err = read_in(dir, "err.txt");
    CHECK_MSG(strstr(err, "badges print on 'front-desk' (cr80 labels)") != NULL, "%s", err);
    free(err);
    /* Without --printer, no watcher. */
    CHECK(test_sh("cd %s && %s kiosk kiosk --device desk-2 --room entrance --headless "
                  "--camera none --scanner stdin --db k2.db < /dev/null > out.txt 2> err.txt",
                  dir, bin) == 0);
    err = read_in(dir, "err.txt");
    CHECK_MSG(strstr(err, "badges print") == NULL, "%s", err);
    free(err);
    /* A format that is none. */
    int rc = test_sh("cd %s && %s kiosk kiosk --device desk-1 --room entrance --headless "
                     "--camera none --scanner stdin --printer q --label a4 < /dev/null "
                     "> out.txt 2> err.txt",
                     dir, bin);
    CHECK_MSG(rc == 2, "exit %d", rc);
    err = read_in(dir, "err.txt");
    CHECK_MSG(strstr(err, "'a4' is not one of 62mm|cr80|4x6|a6") != NULL, "%s", err);
    free(err);
    test_sh("rm -rf %s", dir);
    return check_done();
}
