/*
 * quarantine — where a batch of observations goes when the database
 * refuses it for its data (a permanent error), so one bad row can neither
 * stall a crawl nor be lost.
 *
 * The batch is written to a new file in a folder, mode 0600, created with
 * O_EXCL|O_NOFOLLOW (never through a planted link) and fsynced before it
 * is named. The file is a psql script of two COPY blocks in text format,
 * with the reason in its header: once the cause is mended,
 *     psql -1 -v ON_ERROR_STOP=1 -f FILE
 * loads it (all or nothing).
 */
#ifndef FW_QUARANTINE_H
#define FW_QUARANTINE_H

#include <stddef.h>

#include "storage/obs.h"

/*
 * Write the list BATCH into a new file in DIR, REASON (one line) in its
 * header; the file's path into path. Returns 0, or -1 with err (nothing is
 * left behind then).
 */
int quarantine_write(const char *dir, const struct obs *batch, const char *reason,
    char *path, size_t pathlen, char *err, size_t errlen);

#endif
