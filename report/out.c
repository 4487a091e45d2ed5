/*
 * out — stdout or an atomically replaced file.
 *
 * The file is written under a fresh name beside its target (mkostemp:
 * O_CREAT|O_EXCL, so a symbolic link planted there is never followed, and
 * the name cannot be guessed in advance), given the mode and owner of the
 * file it replaces, fsynced, then renamed over the target. A symbolic link
 * at the target itself is replaced, never written through.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/log.h"
#include "common/wstream.h"
#include "report/out.h"
#include "storage/store.h"
#include "storage/connect.h"

/*
 * Give the new file FD the mode and owner of the regular file at PATH; a
 * new file (or one replacing a link) gets 0666 less the umask, as fopen's.
 * 0, or -1 with err.
 */
static int
out_attrs(int fd, const char *path, char *err, size_t errlen)
{
	struct stat old, cur;
	int found = lstat(path, &old) == 0;
	mode_t mask;

	if (!found && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!found || !S_ISREG(old.st_mode)) {
		mask = umask(0);
		umask(mask);
		old.st_mode = 0666 & ~mask;
	} else if (fstat(fd, &cur) != 0 || ((cur.st_uid != old.st_uid ||
	    cur.st_gid != old.st_gid) && fchown(fd, old.st_uid, old.st_gid) != 0)) {
		snprintf(err, errlen, "%s: cannot keep its owner %ld:%ld: %s", path,
		    (long)old.st_uid, (long)old.st_gid, strerror(errno));
		return -1;
	}
	if (fchmod(fd, old.st_mode & 07777) != 0) {	/* after fchown, which clears set-id bits */
		snprintf(err, errlen, "%s: cannot keep its mode %o: %s", path,
		    (unsigned)(old.st_mode & 07777), strerror(errno));
		return -1;
	}
	return 0;
}

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
	snprintf(o->tmp, n, "%s.tmp.XXXXXX", path);
	if ((fd = mkostemp(o->tmp, O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (out_attrs(fd, path, err, errlen) != 0)
		goto fail_fd;
	if ((o->w = wstream_open(fd)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail_fd;
	}
	o->fp = wstream_fp(o->w);
	return 0;
fail_fd:
	close(fd);
	unlink(o->tmp);
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

	if ((st = store_connect(cfg)) == NULL)
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
