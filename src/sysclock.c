#include "sysclock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>

#include "log.h"

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"

/* Reads the boot id from /proc, without its trailing newline. */
bool sysclock_boot_id(char out[SCAN_BOOT_ID_MAX])
{
    out[0] = '\0';
    FILE *f = fopen(BOOT_ID_PATH, "r");
    if (f == NULL) {
        log_warn("%s", BOOT_ID_PATH);
        return false;
    }
    bool ok = fgets(out, SCAN_BOOT_ID_MAX, f) != NULL;
    fclose(f);
    if (!ok) {
        log_warnx("%s: empty", BOOT_ID_PATH);
        return false;
    }
    out[strcspn(out, "\r\n")] = '\0';
    if (out[0] == '\0') {
        log_warnx("%s: empty", BOOT_ID_PATH);
        return false;
    }
    return true;
}

/* Asks the kernel (read-only: modes = 0) whether its clock is synchronised. */
bool sysclock_is_synchronised(void)
{
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    int state = ntp_adjtime(&tx);
    if (state == -1)
        return false;
    return state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
}
