/*
 * out — stdout or an atomically replaced file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/log.h"
#include "common/wstream.h"
#include "report/out.h"
#include "storage/store.h"
#include "storage/store_cmd.h"

int
out_open(struct out *o, const char *path, char *err, size_t errlen)
{
	size_t n;
	int fd;

	memset(o, 0, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return 0;
	}
	n = strlen(path) + 32;
	if ((o->path = strdup(path)) == NULL || (o->tmp = malloc(n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	if ((fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if ((o->w = wstream_open(fd)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		goto fail;
	}
	o->fp = wstream_fp(o->w);
	return 0;
fail:
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return -1;
}

int
out_close(struct out *o, int ok, char *err, size_t errlen)
{
	int rc = 0, e;

	if (o->path == NULL) {
		fflush(stdout);
		return 0;
	}
	if ((e = wstream_close(o->w, ok)) != 0 && ok) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(e));
		ok = 0;
		rc = -1;
	}
	if (ok && rename(o->tmp, o->path) != 0) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		rc = -1;
		ok = 0;
	}
	if (!ok)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return rc;
}

int
out_run(const struct cfg *cfg, const char *path, const char *what, out_write_fn write,
    const void *arg)
{
	char err[STORE_ERRLEN];
	struct store *st;
	struct out out;
	int ok;

	if ((st = store_cmd_open(cfg)) == NULL)
		return CLI_RUNTIME;
	if (out_open(&out, path, err, sizeof(err)) != 0) {
		log_warnx("%s: %s", what, err);
		store_close(st);
		return CLI_RUNTIME;
	}
	if (!(ok = write(out.fp, st, arg, err, sizeof(err)) == 0))
		log_warnx("%s: %s", what, err);
	store_close(st);
	if (out_close(&out, ok, err, sizeof(err)) != 0) {
		log_warnx("%s: %s", what, err);
		ok = 0;
	}
	return ok ? CLI_OK : CLI_RUNTIME;
}
