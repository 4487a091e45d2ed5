/*
 * domains — merging imported names into domains and domain_sources.
 * Watch windows only ever grow: a domain listed "forever" by one source
 * stays tracked whatever a feed with a 7-day window says later.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg.h"
#include "common/url.h"
#include "storage/domains.h"
#include "storage/store.h"

struct store_import {
	struct store *st;
	struct store_copy *copy;
	char source_id[24];
	char watch[24];		/* milliseconds, or "" for forever */
	int failed;
};

#define IMPORT_LOCK_KEY "7467737702"	/* serialises writers of new domains */
#define SCHEDULE_LOCK_KEY "7467737705"	/* many domains updated at once: see fw_score */

/*
 * The merge, in order, all under IMPORT_LOCK_KEY so that a plain INSERT of
 * the names not yet known cannot race another import (crawlers never add
 * domains). Plain INSERT and UPDATE of only what changes cost a third of an
 * INSERT ... ON CONFLICT over every row. Each step takes one parameter:
 * IMPORT_WATCH (ms, NULL = forever) or IMPORT_SOURCE (the source id).
 */
enum { IMPORT_NONE = -1, IMPORT_WATCH = 0, IMPORT_SOURCE = 1 };
static const struct { const char *sql; int param; } import_merge_sql[] = {
	{ "SET LOCAL work_mem = '256MB'", IMPORT_NONE },
	{ "SELECT pg_advisory_xact_lock(" IMPORT_LOCK_KEY ")", IMPORT_NONE },
	{ "CREATE TEMP TABLE fw_names ON COMMIT DROP AS "
	"  SELECT DISTINCT name FROM fw_import ORDER BY name", IMPORT_NONE },
	{ "ANALYZE fw_names", IMPORT_NONE },
	{ "INSERT INTO domains (name, watch_until) "
	"  SELECT n.name, now() + $1::bigint * interval '1 millisecond' FROM fw_names n "
	"  WHERE NOT EXISTS (SELECT 1 FROM domains d WHERE d.name = n.name)", IMPORT_WATCH },
	/* the scoring pass's update of domains holds it exclusively (fw_score) */
	{ "SELECT pg_advisory_xact_lock_shared(" SCHEDULE_LOCK_KEY ")", IMPORT_NONE },
	{ "UPDATE domains d SET watch_until = now() + $1::bigint * interval '1 millisecond' "
	"  FROM fw_names n WHERE d.name = n.name AND d.watch_until IS NOT NULL "
	"  AND ($1::bigint IS NULL OR d.watch_until < now() + $1::bigint * interval '1 millisecond')",
	  IMPORT_WATCH },
	{ "UPDATE domain_sources ds SET last_listed = now() FROM fw_names n "
	"  JOIN domains d ON d.name = n.name "
	"  WHERE ds.domain_id = d.id AND ds.source_id = $1::integer", IMPORT_SOURCE },
	{ "INSERT INTO domain_sources (domain_id, source_id) "
	"  SELECT d.id, $1::integer FROM fw_names n JOIN domains d ON d.name = n.name "
	"  WHERE NOT EXISTS (SELECT 1 FROM domain_sources ds "
	"    WHERE ds.domain_id = d.id AND ds.source_id = $1::integer)", IMPORT_SOURCE },
	{ "SELECT (SELECT count(*) FROM fw_import), (SELECT count(*) FROM fw_names)", IMPORT_NONE },
};

/* Index of the statement whose row count is the number of new domains. */
#define IMPORT_STEP_ADDED 4

int
store_source_ensure(struct store *st, const char *kind, const char *name, const char *url,
    const char *format, long long *id, char *err, size_t errlen)
{
	/* only the masked URL is stored: its secrets stay in the configuration */
	char *masked = url != NULL ? url_mask(url) : NULL;
	const char *params[4] = { kind, name, masked, format };
	struct store_res *res;

	if (url != NULL && masked == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	res = store_query(st,
	    "INSERT INTO sources (kind, name, url, format) VALUES ($1, $2, $3, $4) "
	    "ON CONFLICT (name) DO UPDATE SET url = coalesce(EXCLUDED.url, sources.url), "
	    "format = coalesce(EXCLUDED.format, sources.format) RETURNING id, kind",
	    4, params, err, errlen);
	free(masked);
	if (res == NULL)
		return -1;
	if (strcmp(store_res_value(res, 0, 1), kind) != 0) {
		snprintf(err, errlen, "source \"%s\" already exists as a %s, not a %s",
		    name, store_res_value(res, 0, 1), kind);
		store_res_free(res);
		return -1;
	}
	*id = strtoll(store_res_value(res, 0, 0), NULL, 10);
	store_res_free(res);
	return 0;
}

struct store_import *
store_import_begin(struct store *st, const char *kind, const char *name, const char *url,
    const char *format, int64_t watch_ms, char *err, size_t errlen)
{
	struct store_import *im = calloc(1, sizeof(*im));
	char msg[STORE_ERRLEN];
	long long source_id;

	if (im == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	im->st = st;
	if (watch_ms != CFG_FOREVER)
		snprintf(im->watch, sizeof(im->watch), "%lld", (long long)watch_ms);
	if (store_exec(st, "BEGIN", 0, NULL, err, errlen) != 0) {
		free(im);
		return NULL;
	}
	if (store_source_ensure(st, kind, name, url, format, &source_id, err, errlen) != 0 ||
	    store_exec(st, "CREATE TEMP TABLE fw_import (name text NOT NULL) ON COMMIT DROP",
	    0, NULL, err, errlen) != 0 ||
	    (im->copy = store_copy_begin(st, "COPY fw_import (name) FROM STDIN", err,
	    errlen)) == NULL) {
		store_exec(st, "ROLLBACK", 0, NULL, msg, sizeof(msg));
		free(im);
		return NULL;
	}
	snprintf(im->source_id, sizeof(im->source_id), "%lld", source_id);
	return im;
}

int
store_import_add(struct store_import *im, const char *name)
{
	if (im->failed)
		return -1;
	if (store_copy_fieldz(im->copy, name) != 0 || store_copy_end_row(im->copy) != 0)
		im->failed = 1;
	return im->failed ? -1 : 0;
}

static int
import_merge(struct store_import *im, struct store_import_stats *stats, char *err,
    size_t errlen)
{
	const char *params[2] = { im->watch[0] != '\0' ? im->watch : NULL, im->source_id };
	size_t n = sizeof(import_merge_sql) / sizeof(import_merge_sql[0]);
	struct store_res *res = NULL;

	for (size_t i = 0; i < n; i++) {
		int p = import_merge_sql[i].param;

		store_res_free(res);
		res = store_query(im->st, import_merge_sql[i].sql, p == IMPORT_NONE ? 0 : 1,
		    p == IMPORT_NONE ? NULL : &params[p], err, errlen);
		if (res == NULL)
			return -1;
		if (i == IMPORT_STEP_ADDED)
			stats->added = strtoll(store_res_affected(res), NULL, 10);
	}
	stats->rows = strtoll(store_res_value(res, 0, 0), NULL, 10);
	stats->distinct = strtoll(store_res_value(res, 0, 1), NULL, 10);
	stats->known = stats->distinct - stats->added;
	store_res_free(res);
	return store_exec(im->st, "COMMIT", 0, NULL, err, errlen);
}

int
store_import_finish(struct store_import *im, int abort, struct store_import_stats *stats,
    char *err, size_t errlen)
{
	char msg[STORE_ERRLEN];
	int rc;

	memset(stats, 0, sizeof(*stats));
	abort = abort || im->failed;
	rc = store_copy_finish(im->copy, abort, err, errlen);
	if (rc == 0 && !abort)
		rc = import_merge(im, stats, err, errlen);
	if (rc != 0 || abort)
		store_exec(im->st, "ROLLBACK", 0, NULL, msg, sizeof(msg));
	free(im);
	return (rc != 0 || abort) ? -1 : 0;
}

struct domains_list_arg {
	void (*fn)(const char *, void *);
	void *arg;
};

static int
domains_list_row(const struct store_res *row, void *arg)
{
	const struct domains_list_arg *a = arg;

	a->fn(store_res_value(row, 0, 0), a->arg);
	return 0;
}

int
store_domains_list(struct store *st, const char *source, void (*fn)(const char *, void *),
    void *arg, char *err, size_t errlen)
{
	const char *params[1] = { source };
	struct domains_list_arg a = { fn, arg };
	struct store_res *res;
	int rc = 0;

	if (source != NULL) {
		res = store_query(st, "SELECT 1 FROM sources WHERE name = $1", 1, params,
		    err, errlen);
		if (res == NULL)
			return -1;
		rc = store_res_rows(res) == 0 ? -1 : 0;
		store_res_free(res);
		if (rc != 0) {
			snprintf(err, errlen, "no source named \"%s\"", source);
			return -1;
		}
	}
	return store_each(st, source == NULL ? "SELECT name FROM domains ORDER BY name" :
	    "SELECT d.name FROM domains d JOIN domain_sources ds ON ds.domain_id = d.id "
	    "JOIN sources s ON s.id = ds.source_id WHERE s.name = $1 ORDER BY d.name",
	    source == NULL ? 0 : 1, source == NULL ? NULL : params, domains_list_row, &a,
	    err, errlen);
}
