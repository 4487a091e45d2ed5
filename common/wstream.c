/*
 * wstream — a fopencookie() stream whose write and close functions are
 * write(2) and close(2) plus a note of the first errno, so the error the
 * caller reports is the one the system call returned.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/wstream.h"

struct wstream {
	FILE *fp;
	int fd;
	int err;	/* errno of the first failure, 0 while none */
};

static void
wstream_note(struct wstream *w, int err)
{
	if (w->err == 0)
		w->err = err != 0 ? err : EIO;
}

static ssize_t
wstream_write(void *cookie, const char *buf, size_t len)
{
	struct wstream *w = cookie;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(w->fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			wstream_note(w, n < 0 ? errno : 0);
			break;
		}
		done += (size_t)n;
	}
	/* stdio takes a short count for an error; -1 when nothing went out */
	return done > 0 ? (ssize_t)done : -1;
}

static int
wstream_fdclose(void *cookie)
{
	struct wstream *w = cookie;

	if (close(w->fd) != 0) {
		wstream_note(w, errno);
		return -1;
	}
	return 0;
}

struct wstream *
wstream_open(int fd)
{
	static const cookie_io_functions_t io = { NULL, wstream_write, NULL, wstream_fdclose };
	struct wstream *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->fd = fd;
	if ((w->fp = fopencookie(w, "w", io)) == NULL) {
		free(w);
		return NULL;
	}
	if (isatty(fd))
		setvbuf(w->fp, NULL, _IOLBF, 0);
	return w;
}

FILE *
wstream_fp(struct wstream *w)
{
	return w->fp;
}

int
wstream_close(struct wstream *w, int sync)
{
	int err;

	if (w == NULL)
		return 0;
	if (fflush(w->fp) != 0 || ferror(w->fp))
		wstream_note(w, 0);	/* the write function noted the errno; EIO if not */
	if (sync && w->err == 0 && fsync(w->fd) != 0)
		wstream_note(w, errno);
	fclose(w->fp);	/* closes the descriptor (wstream_fdclose) */
	err = w->err;
	free(w);
	return err;
}
