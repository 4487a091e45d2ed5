/*
 * feed_cmd — refresh the due (or named) feeds.
 *
 * Cron-safe: one refresh at a time per database (a session advisory lock,
 * its session named after the refresh); a second one waits up to
 * FEED_LOCK_WAIT_MS, then says another refresh is running and exits 0 -
 * unless the holder has held the lock longer than schedule.feed_lock_stale:
 * then it names the holder and its age and exits 1, so cron mails someone. Every feed is fetched in parallel, then applied in
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
#include <unistd.h>

#include "common/log.h"
#include "common/url.h"
#include "scheduler/feed_cmd.h"
#include "scheduler/feed_fetch.h"
#include "scheduler/feed_parse.h"
#include "storage/domains.h"
#include "storage/feeds.h"
#include "storage/store.h"
#include "storage/connect.h"

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
	/* like a loader's file: no entry at all (an empty body) is a failure, not news */
	too_bad = fs.entries == 0 || fs.rejected * 100 > (long long)f->reject_limit * fs.entries;
	if (rc != 0 || too_bad) {
		store_import_finish(im, 1, &ist, err, errlen);
		if (rc != 0)
			snprintf(err, errlen, "cannot parse the body");
		else if (fs.entries == 0)
			snprintf(err, errlen, "no entries in the body (%zu bytes)", j->len);
		else
			snprintf(err, errlen, "%lld of %lld entries invalid (reject_limit %d%%)",
			    fs.rejected, fs.entries, f->reject_limit);
		return -1;
	}
	if (store_import_finish(im, 0, &ist, err, errlen) != 0)
		return -1;
	rec->new_domains = ist.added;
	return 0;
}

/* Report a failed feed by name, with its URL as it may be printed (credentials masked). */
static void
feed_log_failure(const struct cfg_feed *f, const char *why)
{
	char *url = url_mask(f->url);

	log_warnx("feed %s: failed: %s (%s); nothing changed", f->name, why,
	    url != NULL ? url : "URL not shown: out of memory");
	free(url);
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
		feed_log_failure(j->feed, err);
	else if (j->status == 304)
		printf("%s: unchanged (304)\n", j->feed->name);
	else
		printf("%s: %ld, %lld bytes, entries=%lld new=%lld ip_skipped=%lld rejected=%lld\n",
		    j->feed->name, j->status, rec.bytes, rec.entries, rec.new_domains,
		    rec.ip_skipped, rec.rejected);
	return failed ? -1 : 0;
}

/*
 * The lock's holder, when it has held the lock longer than STALE_MS: its
 * session started when it took the lock (a refresh takes it as it
 * connects). 1 stale (reported), 0 not, or no holder seen, -1 error.
 */
static int
feed_lock_stale(struct store *st, int64_t stale_ms)
{
	char err[STORE_ERRLEN], ms[24];
	const char *p[1] = { ms };
	struct store_res *res;
	int stale;

	snprintf(ms, sizeof(ms), "%lld", (long long)stale_ms);
	res = store_query(st, "SELECT coalesce(nullif(a.application_name, ''), 'an unnamed session'), "
	    "a.pid, coalesce(host(a.client_addr), 'local socket'), "
	    "date_trunc('second', now() - a.backend_start)::text, "
	    "($1::bigint * interval '1 millisecond')::text "
	    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
	    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
	    "AND l.classid = (" FEED_LOCK_KEY "::bigint >> 32)::oid "
	    "AND l.objid = (" FEED_LOCK_KEY "::bigint & 4294967295)::oid "
	    "AND now() - a.backend_start > $1::bigint * interval '1 millisecond'", 1, p,
	    err, sizeof(err));
	if (res == NULL) {
		log_warnx("feed refresh: %s", err);
		return -1;
	}
	stale = store_res_rows(res) > 0;
	if (stale)
		log_warnx("feed refresh: the refresh lock has been held for %s by \"%s\" "
		    "(server pid %s, %s), longer than schedule.feed_lock_stale (%s); nothing done",
		    store_res_value(res, 0, 3), store_res_value(res, 0, 0), store_res_value(res, 0, 1),
		    store_res_value(res, 0, 2), store_res_value(res, 0, 4));
	store_res_free(res);
	return stale;
}

/*
 * Name this session after the refresh, so a later one can say who holds the
 * lock (the server keeps the first 63 octets).
 */
static void
feed_lock_name(struct store *st)
{
	char name[128], host[64] = "", err[STORE_ERRLEN];
	const char *p[1] = { name };

	gethostname(host, sizeof(host) - 1);
	snprintf(name, sizeof(name), "fluxwatch feed refresh, pid %ld on %s", (long)getpid(), host);
	if (store_exec(st, "SELECT set_config('application_name', $1, false)", 1, p, err,
	    sizeof(err)) != 0)
		log_warnx("feed refresh: %s", err);
}

/*
 * Take the refresh lock, waiting briefly. 1 taken, 0 busy, -2 held longer
 * than STALE_MS (reported), -1 error.
 */
static int
feed_lock(struct store *st, int64_t stale_ms)
{
	char err[STORE_ERRLEN];
	struct timespec pause = { 0, 200 * 1000000 };

	for (int waited = 0; waited <= FEED_LOCK_WAIT_MS; waited += 200) {
		struct store_res *res = store_query(st, "SELECT pg_try_advisory_lock(" FEED_LOCK_KEY ")",
		    0, NULL, err, sizeof(err));
		int got, stale;

		if (res == NULL) {
			log_warnx("feed refresh: %s", err);
			return -1;
		}
		got = store_res_value(res, 0, 0)[0] == 't';
		store_res_free(res);
		if (got) {
			feed_lock_name(st);
			return 1;
		}
		if ((stale = feed_lock_stale(st, stale_ms)) != 0)
			return stale > 0 ? -2 : -1;
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

	if (jobs == NULL || states == NULL || (st = store_connect(cfg)) == NULL) {
		rc = CLI_RUNTIME;
		goto done;
	}
	if ((lock = feed_lock(st, cfg->schedule.feed_lock_stale_ms)) <= 0) {
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
	"cron: a second refresh at the same time waits briefly, then exits 0, or 1\n"
	"when the lock has been held longer than schedule.feed_lock_stale.",
	"refresh", NULL, NULL
};
