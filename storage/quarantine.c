/*
 * quarantine — a rejected batch as a psql script of text COPY blocks into
 * the staging tables and the call that stores them (fw_store_batch).
 * Numbers are written as the binary COPY sends them (type numbers as the
 * 16 bits of the wire), so a loaded file holds what the writer would have
 * stored.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/wstream.h"
#include "storage/quarantine.h"
#include "storage/store.h"

/* One text field, then a tab or (LAST) the end of the row. */
static void
quarantine_field(FILE *fp, const char *val, int last)
{
	char buf[2 * 1024 + 1];
	size_t len = val != NULL ? strlen(val) : 0;

	if (val == NULL)
		fputs("\\N", fp);
	for (size_t off = 0; off < len; off += 1024) {
		size_t n = len - off < 1024 ? len - off : 1024;

		fwrite(buf, 1, store_copy_escape(buf, val + off, n), fp);
	}
	fputc(last ? '\n' : '\t', fp);
}

/* domain_id, observed_at, vantage_id, qtype: the fields both tables start with. */
static void
quarantine_key(FILE *fp, const struct obs *o)
{
	time_t secs = (time_t)(o->observed_us / 1000000);
	struct tm tm;
	char when[32];

	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(fp, "%" PRId64 "\t%s.%06d+00\t%d\t%d\t", o->domain_id, when,
	    (int)(o->observed_us % 1000000), o->vantage_id, (int16_t)o->qtype);
}

static void
quarantine_rows(FILE *fp, const struct obs *batch)
{
	fputs("SELECT fw_stage();\nCOPY stage_responses (" OBS_RESPONSE_COLUMNS ") FROM STDIN;\n", fp);
	for (const struct obs *o = batch; o != NULL; o = o->next) {
		quarantine_key(fp, o);
		fprintf(fp, "%d\t%d\t%d\t%" PRId32 "\t", o->rcode, (int16_t)o->n_rr, o->flags,
		    o->latency_us);
		quarantine_field(fp, o->qname, 1);
	}
	fputs("\\.\nCOPY stage_answers (" OBS_ANSWER_COLUMNS ") FROM STDIN;\n", fp);
	for (const struct obs *o = batch; o != NULL; o = o->next) {
		for (size_t i = 0; i < o->n_rr; i++) {
			quarantine_key(fp, o);
			fprintf(fp, "%d\t%" PRIu32 "\t", (int16_t)o->rr[i].type, o->rr[i].ttl);
			quarantine_field(fp, o->rr[i].is_addr ? o->rr[i].data : NULL, 0);
			quarantine_field(fp, o->rr[i].is_addr ? NULL : o->rr[i].data, 0);
			quarantine_field(fp, o->qname, 1);
		}
	}
	fputs("\\.\nSELECT fw_store_batch();\n", fp);
}

/* A new file DIR/fluxwatch-quarantine-TIME-PID-N.sql, never an existing one or a link. */
static int
quarantine_create(const char *dir, char *path, size_t pathlen)
{
	static unsigned seq;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	int fd;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
	do {
		snprintf(path, pathlen, "%s/fluxwatch-quarantine-%s-%ld-%u.sql", dir, when,
		    (long)getpid(), seq++);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	} while (fd < 0 && errno == EEXIST);
	return fd;
}

int
quarantine_write(const char *dir, const struct obs *batch, const char *reason, char *path,
    size_t pathlen, char *err, size_t errlen)
{
	int fd = quarantine_create(dir, path, pathlen);
	struct wstream *ws;
	FILE *fp;
	int rc;

	if (fd < 0 || (ws = wstream_open(fd)) == NULL) {
		snprintf(err, errlen, "%s: %s", fd < 0 ? dir : path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return -1;
	}
	fp = wstream_fp(ws);
	fputs("-- fluxwatch: observations the database refused to store.\n-- reason: ", fp);
	for (const char *c = reason; *c != '\0'; c++)
		fputc(*c == '\n' || *c == '\r' ? ' ' : *c, fp);
	fputs("\n-- load, once the cause is mended: psql -1 -v ON_ERROR_STOP=1 -f THIS_FILE\n", fp);
	quarantine_rows(fp, batch);
	if ((rc = wstream_close(ws, 1)) != 0) {	/* the first failed write's errno */
		snprintf(err, errlen, "%s: %s", path, strerror(rc));
		unlink(path);
		return -1;
	}
	return 0;
}
