/*
 * jobs — the crawler's work on the queue, as jobs of the writers: claims on
 * the queue's own connection (a claim never waits behind a COPY), reports
 * of finished visits once their rows are stored, and the release of what
 * was claimed and not visited. The event loop never waits on the database.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>

#include "common/log.h"
#include "crawler/engine_int.h"

static int
engine_claim_run(struct store *st, void *arg, char *err, size_t errlen)
{
	struct engine_claim *c = arg;

	c->n = queue_claim(st, &c->opts, c->items, err, errlen);
	if (c->n < 0)
		snprintf(c->err, sizeof(c->err), "%s", err);
	return c->n < 0 ? -1 : 0;
}

static void
engine_claim_done(void *arg, int ok)
{
	struct engine_claim *c = arg;

	if (!ok && c->err[0] == '\0')
		snprintf(c->err, sizeof(c->err), "the database is not reachable");
	atomic_store(&c->state, ok ? CLAIM_READY : CLAIM_FAILED);
	(void)eventfd_write(c->wakefd, 1);	/* failing that, the loop sees it at its next turn */
}

/*
 * Keep the claimed list filled: start a claim whenever none is running,
 * take a finished one in once the list is used up. A failed claim puts the
 * engine offline (it revisits recent domains) until a later claim works.
 */
void
engine_claim(struct crawl_engine *e, const struct crawl_run_opts *opts, int64_t now)
{
	struct engine_claim *c = e->claim;
	int state = atomic_load(&c->state);

	if (state == CLAIM_IDLE && now >= e->claim_at_us) {
		c->opts.cutoff = opts->once ? opts->cutoff : NULL;
		c->opts.sweep = e->sweep;
		c->opts.after_id = e->sweep_after;
		c->err[0] = '\0';
		atomic_store(&c->state, CLAIM_RUNNING);
		store_writer_job(e->queue, &c->job);
		return;
	}
	if (state == CLAIM_FAILED && opts->once) {
		/* one round over what is due: without the queue there is no round to finish */
		log_warnx("crawl: claiming due domains: %s; ending the round", c->err);
		e->exhausted = 1;
		e->claim_failed = 1;
		atomic_store(&c->state, CLAIM_IDLE);
	} else if (state == CLAIM_FAILED) {
		if (!e->offline)
			log_warnx("crawl: claiming due domains: %s; revisiting recent domains "
			    "until the queue answers", c->err);
		e->offline = 1;
		e->claim_at_us = now + ENGINE_CLAIM_RETRY_US * 4;
		atomic_store(&c->state, CLAIM_IDLE);
	} else if (state == CLAIM_READY && e->next_claim == e->n_claimed) {
		if (e->offline)
			log_info("crawl: the queue answers again");
		e->offline = 0;
		memcpy(e->claimed, c->items, (size_t)c->n * sizeof(*c->items));
		for (int i = 0; i < c->n; i++)	/* a sweep goes on after the largest */
			if (c->items[i].id > e->sweep_after)
				e->sweep_after = c->items[i].id;
		e->n_claimed = c->n;
		e->next_claim = 0;
		if (c->n > 0)
			c->opts.max = e->cfg->crawl.claim_batch;
		if (c->n == 0) {
			e->exhausted = opts->once;
			e->claim_at_us = now + ENGINE_CLAIM_RETRY_US;
		}
		atomic_store(&c->state, CLAIM_IDLE);
	}
}

static int
engine_report_run(struct store *st, void *arg, char *err, size_t errlen)
{
	struct engine_report_job *r = arg;

	return queue_report(st, &r->policy, r->visits, r->n, err, errlen);
}

static void
engine_report_done(void *arg, int ok)
{
	(void)ok;	/* not reported: the leases expire and the queue revisits them */
	free(arg);
}

/* Runs after the writer stored every row queued before the report. */
static int
engine_report_stored(struct store *st, void *arg, char *err, size_t errlen)
{
	(void)st, (void)arg, (void)err, (void)errlen;
	return 0;
}

/* The writer's last touch of the job: hand the report to the queue, or drop it. */
static void
engine_report_pass(void *arg, int ok)
{
	struct engine_report_job *r = arg;

	if (ok)
		store_writer_job(r->queue, &r->job);
	else
		engine_report_done(r, 0);	/* its rows were not stored: not visited */
}

/* Nothing more is due: the last claimed domains are being visited. */
static int
engine_draining(struct crawl_engine *e)
{
	return e->exhausted || (atomic_load(&e->claim->state) == CLAIM_READY && e->claim->n == 0);
}

/*
 * Hand finished visits to the writer: every second, when a claim batch's
 * worth is done, or at the end. Once nothing more is due, in smaller
 * batches: a report wakes the writer, so the last COPY and report, which
 * the run waits for, stay short.
 */
void
engine_report(struct crawl_engine *e, int64_t now, int force)
{
	struct engine_report_job *r;
	int many = engine_draining(e) && ENGINE_REPORT_LAST < e->cfg->crawl.claim_batch ?
	    ENGINE_REPORT_LAST : e->cfg->crawl.claim_batch;

	if (e->n_reports == 0 || (!force && now < e->report_at_us && e->n_reports < many))
		return;
	e->report_at_us = now + ENGINE_REPORT_US;
	r = malloc(sizeof(*r) + (size_t)e->n_reports * sizeof(r->visits[0]));
	if (r == NULL) {
		log_warnx("crawl: out of memory reporting %d visits", e->n_reports);
		return;
	}
	r->stored.run = engine_report_stored;
	r->stored.done = engine_report_pass;
	r->stored.arg = r;
	r->stored.retry = 1;
	r->job.run = engine_report_run;
	r->job.done = engine_report_done;
	r->job.arg = r;
	r->job.retry = 1;
	r->queue = e->queue;
	r->policy = e->policy;
	r->n = e->n_reports;
	memcpy(r->visits, e->reports, (size_t)r->n * sizeof(r->visits[0]));
	e->n_reports = 0;
	store_writer_job(e->writer, &r->stored);
}

/* Give back what was claimed and not visited, the claim still running included. */
void
engine_release(struct crawl_engine *e, struct store *st)
{
	struct timespec pause = { 0, 10 * 1000000 };
	char err[STORE_ERRLEN];
	int spins = 0;

	while (atomic_load(&e->claim->state) == CLAIM_RUNNING && spins++ < 3000)
		nanosleep(&pause, NULL);
	if (store_reconnect(st, err, sizeof(err)) != 0)	/* lost during an outage */
		log_warnx("crawl: returning unvisited domains to the queue: %s", err);
	else if (atomic_load(&e->claim->state) == CLAIM_READY &&
	    queue_release(st, e->claim->items, e->claim->n, err, sizeof(err)) != 0)
		log_warnx("crawl: returning unvisited domains to the queue: %s", err);
	if (queue_release(st, e->claimed + e->next_claim, e->n_claimed - e->next_claim,
	    err, sizeof(err)) != 0)
		log_warnx("crawl: returning unvisited domains to the queue: %s", err);
	e->n_claimed = e->next_claim = 0;
	atomic_store(&e->claim->state, CLAIM_IDLE);
}

void
engine_claim_setup(struct crawl_engine *e)
{
	e->claim->job.run = engine_claim_run;
	e->claim->job.done = engine_claim_done;
	e->claim->job.arg = e->claim;
}
