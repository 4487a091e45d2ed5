/*
 * feed_parse — line and CSV feed formats on top of the name normaliser.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/lines.h"
#include "scheduler/feed_parse.h"
#include "common/name.h"
#include "scheduler/seed.h"

#define FEED_MAX_FIELDS 64

struct feed_ctx {
	int (*accept)(const char *, void *);
	void *arg;
	struct feed_stats *stats;
};

static void
feed_count(struct feed_ctx *c, enum name_status st)
{
	c->stats->entries++;
	if (st == NAME_IP_LITERAL)
		c->stats->ip_skipped++;
	else if (st != NAME_OK)
		c->stats->rejected++;
	else
		c->stats->names++;
}

static int
feed_line_accept(const char *name, void *arg)
{
	struct feed_ctx *c = arg;

	feed_count(c, NAME_OK);
	return c->accept(name, c->arg);
}

static void
feed_line_reject(const char *file, long line, enum name_status st, void *arg)
{
	(void)file;
	(void)line;
	feed_count(arg, st);
}

/* One CSV layout: where the host is, and (ThreatFox) what kind each record is. */
struct csv_layout {
	const char *comment;
	const char *column;	/* header name */
	int col;		/* 0-based index; the fallback until a header is seen */
	const char *type_column;
	int type_col;
	int header_seen;
};

static int
feed_csv_find(char **f, int n, const char *name)
{
	for (int i = 0; i < n && i < FEED_MAX_FIELDS; i++)
		if (strcmp(f[i], name) == 0)
			return i;
	return -1;
}

/* A header row names the host column: learn its position (and the type column's). */
static int
feed_csv_header(struct csv_layout *l, char **f, int n)
{
	int col;

	if (l->header_seen || l->column == NULL || (col = feed_csv_find(f, n, l->column)) < 0)
		return 0;
	l->col = col;
	if (l->type_column != NULL && (col = feed_csv_find(f, n, l->type_column)) >= 0)
		l->type_col = col;
	l->header_seen = 1;
	return 1;
}

static int
feed_csv_record(struct feed_ctx *c, struct csv_layout *l, char **f, int n)
{
	char name[NAME_BUFSZ];
	enum name_status st;
	const char *v;

	if (l->col >= n || l->col >= FEED_MAX_FIELDS) {
		feed_count(c, NAME_EMPTY);
		return 0;
	}
	if (l->type_col >= 0 && l->type_col < n && l->type_col < FEED_MAX_FIELDS) {
		const char *type = f[l->type_col];

		if (strncmp(type, "ip", 2) == 0) {
			feed_count(c, NAME_IP_LITERAL);
			return 0;
		}
		if (strcmp(type, "domain") != 0 && strcmp(type, "url") != 0) {
			c->stats->ignored++;
			return 0;
		}
	}
	v = f[l->col];
	st = name_from_entry(v, strlen(v), name);
	if (st == NAME_EMPTY)
		st = NAME_BAD_URL;
	feed_count(c, st);
	return st == NAME_OK ? c->accept(name, c->arg) : 0;
}

static int
feed_csv(struct feed_ctx *c, struct csv_layout *l, FILE *fp)
{
	char *f[FEED_MAX_FIELDS];
	struct lines ln;
	size_t len, clen = l->comment != NULL ? strlen(l->comment) : 0;
	int r, rc = 0;

	if (lines_init(&ln, fp, NAME_ENTRY_MAX * 4) != 0)
		return -1;
	while (rc == 0 && (r = lines_next(&ln, &len)) != 0) {
		char *p = ln.buf;
		int n;

		if (r < 0) {
			rc = -1;
			break;
		}
		if (r == 2 || len == 0) {
			if (r == 2)
				feed_count(c, NAME_TOO_LONG);
			continue;
		}
		if (clen > 0 && strncmp(p, l->comment, clen) == 0) {
			p += clen;
			while (*p == ' ')
				p++;
			if ((n = csv_split(p, f, FEED_MAX_FIELDS)) > 0)
				feed_csv_header(l, f, n);
			continue;
		}
		if ((n = csv_split(p, f, FEED_MAX_FIELDS)) < 0) {
			feed_count(c, NAME_BAD_CHAR);
			continue;
		}
		if (!feed_csv_header(l, f, n))
			rc = feed_csv_record(c, l, f, n);
	}
	lines_free(&ln);
	return rc;
}

/* The layout of a CSV format; the generic one from the options. -1 on bad options. */
static int
feed_csv_layout(const struct feed_parse_opts *o, struct csv_layout *l)
{
	char *end;
	long n;

	memset(l, 0, sizeof(*l));
	l->type_col = -1;
	switch (o->format) {
	case FEED_URLHAUS_CSV: l->comment = "#"; l->column = "url"; l->col = 2; return 0;
	case FEED_PHISHTANK_CSV: l->column = "url"; l->col = 1; return 0;
	case FEED_THREATFOX_CSV:
		l->comment = "#"; l->column = "ioc_value"; l->col = 2;
		l->type_column = "ioc_type"; l->type_col = 3;
		return 0;
	default:
		break;
	}
	l->comment = o->comment;
	if (o->column == NULL || o->column[0] == '\0')
		return -1;
	n = strtol(o->column, &end, 10);
	if (*end == '\0' && n >= 1 && n <= FEED_MAX_FIELDS) {
		l->col = (int)n - 1;
		l->header_seen = 1;	/* a number: no header to look for */
	} else {
		l->column = o->column;
	}
	return 0;
}

int
feed_parse(const struct feed_parse_opts *opts, FILE *fp,
    int (*accept)(const char *name, void *arg), void *arg, struct feed_stats *stats)
{
	struct feed_ctx c = { accept, arg, stats };
	struct seed_sink sink = { feed_line_accept, feed_line_reject, &c };
	struct seed_stats sst;
	struct csv_layout layout;

	memset(stats, 0, sizeof(*stats));
	if (opts->format <= FEED_OPENPHISH)
		return seed_read(fp, "feed", &sink, &sst);
	if (feed_csv_layout(opts, &layout) != 0) {
		errno = EINVAL;
		return -1;
	}
	return feed_csv(&c, &layout, fp);
}
