/*
 * wstream — a stdio stream over a file descriptor that keeps the errno of
 * its first failed write, so that closing it reports the real error.
 *
 * stdio keeps only an error flag: when a buffer flush fails inside some
 * printf, its errno is overwritten long before anyone looks at ferror(),
 * and glibc drops the buffer, so a later fflush() may even succeed. All a
 * caller could then say is "write error: Success". Every output of the
 * program (stdout, the files report/out writes, quarantine files) goes through one of these.
 *
 * Drive it as: wstream_open(fd), write to wstream_fp(), wstream_close().
 */
#ifndef FW_WSTREAM_H
#define FW_WSTREAM_H

#include <stdio.h>

struct wstream;

/*
 * A stream writing to FD, which it then owns (wstream_close closes it).
 * Line-buffered on a terminal, else fully buffered. NULL with errno set
 * (FD left open) when out of memory.
 */
struct wstream *wstream_open(int fd);

/* The stream to write to; valid until wstream_close. */
FILE *wstream_fp(struct wstream *w);

/*
 * Flush W, fsync its descriptor when SYNC, close it and free W: 0, or the
 * errno of the first failure (an earlier write, the flush, the fsync or
 * the close), never 0 after a failed write. NULL: 0.
 */
int wstream_close(struct wstream *w, int sync);

#endif
