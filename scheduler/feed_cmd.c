/*
 * feed_cmd — refresh the due (or named) feeds.
 *
 * Cron-safe: one refresh at a time per database (a session advisory lock);
 * a second one waits up to FEED_LOCK_WAIT_MS, then says another refresh is
 * running and exits 0. Every feed is fetched in parallel, then applied in
 * its own transaction: a feed that fails (transfer, HTTP status, size,
 * too many invalid entries) is reported by name, changes nothing, and the
 * others go on. The exit code is 1 when any feed failed, so cron mails it.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "scheduler/feed_cmd.h"
#include "scheduler/feed_fetch.h"
#include "scheduler/feed_parse.h"
#include "storage/domains.h"
#include "storage/feeds.h"
#include "storage/store.h"
#include "storage/store_cmd.h"

#define FEED_LOCK_KEY "7467737703"
#define FEED_LOCK_WAIT_MS 5000

static int
feed_accept(const char *name, void *arg)
{
	return store_import_add(arg, name) != 0 ? 1 : 0;
}

/* Parse and import one fetched body in one transaction; fills *rec. 0 or -1 (err). */
static int
feed_apply(struct store *st, const struct feed_job *j, struct store_feed_fetch *rec,
    char *err, size_t errlen)
{
	const struct cfg_feed *f = j->feed;
	struct feed_parse_opts po = { (enum feed_format)feed_format_from_name(f->format),
		f->column, f->comment };
	struct store_import_stats ist;
	struct feed_stats fs = { 0, 0, 0, 0, 0 };
	struct store_import *im;
	FILE *fp;
	int rc, too_bad;

	if ((im = store_import_begin(st, "feed", f->name, f->url, f->format, f->watch_ms, err,
	    errlen)) == NULL)
		return -1;
	fp = fmemopen(j->body != NULL ? j->body : (char *)"", j->len, "r");
	rc = fp != NULL ? feed_parse(&po, fp, feed_accept, im, &fs) : -1;
	if (fp != NULL)
		fclose(fp);
	rec->entries = fs.entries;
	rec->ip_skipped = fs.ip_skipped;
	rec->rejected = fs.rejected;
	too_bad = fs.rejected * 100 > (long long)f->reject_limit * (fs.entries > 0 ? fs.entries : 0) ||
	    (fs.entries == 0 && j->len > 0 && fs.ignored == 0 && fs.rejected > 0);
	if (rc != 0 || too_bad) {
		store_import_finish(im, 1, &ist, err, errlen);
		if (too_bad)
			snprintf(err, errlen, "%lld of %lld entries invalid (reject_limit %d%%)",
			    fs.rejected, fs.entries, f->reject_limit);
		else
			snprintf(err, errlen, "cannot parse the body");
		return -1;
	}
	if (store_import_finish(im, 0, &ist, err, errlen) != 0)
		return -1;
	rec->new_domains = ist.added;
	return 0;
}

/* Apply and record one job; prints its line. Returns 0, or -1 when the feed failed. */
static int
feed_handle(struct store *st, struct feed_job *j)
{
	struct store_feed_fetch rec = { j->status, (long long)j->len, 0, 0, 0, 0, NULL,
		j->new_etag, j->new_last_modified };
	char err[STORE_ERRLEN] = "", rerr[STORE_ERRLEN];
	int failed = 0;

	if (j->error[0] != '\0') {
		snprintf(err, sizeof(err), "%s", j->error);
		failed = 1;
	} else if (j->status != 304 && feed_apply(st, j, &rec, err, sizeof(err)) != 0) {
		failed = 1;
	}
	rec.error = failed ? err : NULL;
	if (store_feed_record(st, j->feed, &rec, rerr, sizeof(rerr)) != 0) {
		log_warnx("feed %s: recording the fetch: %s", j->feed->name, rerr);
		failed = 1;
	}
	if (failed)
		log_warnx("feed %s: failed: %s; nothing changed", j->feed->name, err);
	else if (j->status == 304)
		printf("%s: unchanged (304)\n", j->feed->name);
	else
		printf("%s: %ld, %lld bytes, entries=%lld new=%lld ip_skipped=%lld rejected=%lld\n",
		    j->feed->name, j->status, rec.bytes, rec.entries, rec.new_domains,
		    rec.ip_skipped, rec.rejected);
	return failed ? -1 : 0;
}

/* Take the refresh lock, waiting briefly. 1 taken, 0 busy, -1 error. */
static int
feed_lock(struct store *st)
{
	char err[STORE_ERRLEN];
	struct timespec pause = { 0, 200 * 1000000 };

	for (int waited = 0; waited <= FEED_LOCK_WAIT_MS; waited += 200) {
		PGresult *res = store_query(st, "SELECT pg_try_advisory_lock(" FEED_LOCK_KEY ")",
		    0, NULL, err, sizeof(err));
		int got;

		if (res == NULL) {
			log_warnx("feed refresh: %s", err);
			return -1;
		}
		got = PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
		if (got)
			return 1;
		nanosleep(&pause, NULL);
	}
	return 0;
}

/* Which feeds to fetch: the named ones, or those due. Fills jobs; returns the count or -1. */
static int
feed_select(struct store *st, const struct cfg *cfg, char **names, int n_names,
    struct feed_job *jobs, struct store_feed_state *states)
{
	char err[STORE_ERRLEN];
	int n = 0;

	for (int i = 0; i < n_names; i++) {
		size_t k = 0;

		while (k < cfg->n_feeds && strcmp(cfg->feeds[k].name, names[i]) != 0)
			k++;
		if (k == cfg->n_feeds) {
			log_warnx("feed refresh: no feed named \"%s\" in the configuration", names[i]);
			return -2;
		}
	}
	for (size_t k = 0; k < cfg->n_feeds; k++) {
		int named = n_names == 0;

		for (int i = 0; i < n_names && !named; i++)
			named = strcmp(cfg->feeds[k].name, names[i]) == 0;
		if (!named)
			continue;
		if (store_feed_state(st, &cfg->feeds[k], &states[n], err, sizeof(err)) != 0) {
			log_warnx("feed %s: %s", cfg->feeds[k].name, err);
			return -1;
		}
		if (n_names == 0 && !states[n].due) {
			store_feed_state_free(&states[n]);
			continue;
		}
		memset(&jobs[n], 0, sizeof(jobs[n]));
		jobs[n].feed = &cfg->feeds[k];
		jobs[n].etag = states[n].etag;
		jobs[n].last_modified = states[n].last_modified;
		n++;
	}
	return n;
}

static int
feed_refresh(const struct cfg *cfg, char **names, int n_names)
{
	struct feed_job *jobs = calloc(cfg->n_feeds + 1, sizeof(*jobs));
	struct store_feed_state *states = calloc(cfg->n_feeds + 1, sizeof(*states));
	struct store *st = NULL;
	int n = 0, lock, rc = CLI_OK;

	if (jobs == NULL || states == NULL || (st = store_cmd_open(cfg)) == NULL) {
		rc = CLI_RUNTIME;
		goto done;
	}
	if ((lock = feed_lock(st)) <= 0) {
		if (lock == 0)
			printf("feed refresh: another refresh is running; nothing done\n");
		rc = lock == 0 ? CLI_OK : CLI_RUNTIME;
		goto done;
	}
	if ((n = feed_select(st, cfg, names, n_names, jobs, states)) < 0) {
		rc = n == -2 ? CLI_USAGE : CLI_RUNTIME;
		n = 0;
		goto done;
	}
	feed_fetch_all(jobs, (size_t)n);
	for (int i = 0; i < n; i++)
		if (feed_handle(st, &jobs[i]) != 0)
			rc = CLI_RUNTIME;
	if (n == 0)
		printf("feed refresh: no feed is due\n");
done:
	for (int i = 0; i < n; i++) {
		feed_job_clear(&jobs[i]);
		store_feed_state_free(&states[i]);
	}
	free(jobs);
	free(states);
	store_close(st);
	return rc;
}

/* "feed refresh [NAME...]": argv[0] is "refresh". */
static int
feed_cmd_run(struct cli *cli, int argc, char **argv)
{
	if (cli_no_options(&feed_cmd_feed, argc, argv) != CLI_OK)
		return CLI_USAGE;
	return feed_refresh(&cli->cfg, argv + optind, argc - optind);
}

const struct cli_verb feed_cmd_feed = {
	"feed", feed_cmd_run, "feed refresh [NAME...]",
	"Fetch the feeds that are due (or the named ones) in parallel and add their\n"
	"domains. Unchanged feeds cost a 304. A failing feed is reported by name and\n"
	"changes nothing; the exit code is 1 when any feed failed. Safe to run from\n"
	"cron: a second refresh at the same time waits briefly, then exits 0.",
	"refresh", NULL, NULL
};
