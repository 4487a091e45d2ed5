/*
 * feed_file — read a file:// feed with the same bounds as a download: the
 * feed's timeout and max_bytes.
 *
 * Only regular files are read. The file is opened with O_NONBLOCK, so a
 * FIFO without a writer cannot block the open, and refused after fstat(),
 * like directories and devices. The open and the reads run in a thread of
 * their own: a read that blocks (a hung NFS server, a /proc or /sys file
 * that waits) costs the feed its timeout, not the whole refresh. A reader
 * given up on frees its own state whenever its read returns.
 */
#ifndef FW_FEED_FILE_H
#define FW_FEED_FILE_H

#include <stdint.h>

#include "scheduler/feed_fetch.h"

struct feed_file;

/* Whether URL is a file:// URL (then feed_file_* reads it, not libcurl). */
int feed_file_url(const char *url);

/*
 * Start reading JOB's file:// URL in the background. NULL with job->error
 * set when the read cannot even start (bad URL, no memory, no thread).
 */
struct feed_file *feed_file_start(struct feed_job *job);

/*
 * Wait for the read until DEADLINE_US (clock_mono_us()), then fill the job:
 * body, len and status 200, or an error (not a regular file, larger than
 * max_bytes, a read error, the timeout). Frees ff.
 */
void feed_file_finish(struct feed_file *ff, int64_t deadline_us);

#endif
