/*
 * writer — batching COPY thread with reconnect.
 *
 * The queue is a singly linked list of obs under one mutex; the thread
 * moves the whole queue into its current batch, writes the batch in one
 * transaction (COPY into the staging tables, fw_store_batch() packs the
 * lookups and brings the rollup up to date, COMMIT) and frees it only
 * after the commit. A failed batch is kept and retried after a reconnect,
 * with new observations appended to it, so order and completeness survive
 * an outage.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cfg.h"
#include "common/clock.h"
#include "common/log.h"
#include "storage/quarantine.h"
#include "storage/store.h"
#include "storage/writer.h"

#define WRITER_BACKOFF_MIN_MS 200
#define WRITER_BACKOFF_MAX_MS 5000
#define WRITER_MAINT_MS 60000		/* partition upkeep at least this often */
/*
 * Rows of closed partitions repacked per upkeep (fw_compact): a second or
 * two of the writer's time, 29M rows a day at the upkeep's pace.
 */
#define WRITER_COMPACT_ROWS "20000"

struct store_writer {
	struct store_writer_cfg cfg;
	char *conninfo;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct obs *head, *tail;	/* queue, under mu */
	long long queued;		/* responses in the queue, under mu */
	long long in_batch;		/* responses taken by the thread, not yet stored */
	long long stored;
	long long quarantined;		/* responses saved to quarantine files */
	int stopping;
	struct store_job *jobs_head, *jobs_tail;	/* jobs queued, under mu */
	char last_error[STORE_ERRLEN];
	/* thread only */
	struct store_job *jobs;			/* jobs taken, in order */
	struct store *st;
	struct obs *batch, *batch_tail;
	int64_t next_maint_ms;
	char *quarantine_dir;
};

static int64_t
writer_now_ms(void)
{
	return clock_mono_us() / 1000;
}

static void
writer_deadline(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/*
 * Start a row of NFIELDS with the fields the two tables share: domain_id,
 * observed_at, vantage_id, qtype. Type numbers go into smallint columns as
 * the 16 bits of the wire (fw_rrtype_name() reads 32768 and up back).
 */
static int
writer_key(struct store_copy *cp, const struct obs *o, int nfields)
{
	return store_copy_bin_row(cp, nfields) | store_copy_bin_int(cp, o->domain_id, 8) |
	    store_copy_bin_time(cp, o->observed_us) | store_copy_bin_int(cp, o->vantage_id, 2) |
	    store_copy_bin_int(cp, o->qtype, 2);
}

static int
writer_copy_responses(struct store *st, const struct obs *batch, char *err, size_t errlen)
{
	struct store_copy *cp = store_copy_begin_binary(st, "COPY stage_responses ("
	    OBS_RESPONSE_COLUMNS ") FROM STDIN WITH (FORMAT binary)", err, errlen);
	int bad = 0;

	if (cp == NULL)
		return -1;
	for (const struct obs *o = batch; o != NULL && !bad; o = o->next)
		bad = writer_key(cp, o, 9) | store_copy_bin_int(cp, o->rcode, 2) |
		    store_copy_bin_int(cp, (int64_t)o->n_rr, 2) | store_copy_bin_int(cp, o->flags, 2) |
		    store_copy_bin_int(cp, o->latency_us, 4) | store_copy_bin_text(cp, o->qname);
	return store_copy_finish(cp, bad, err, errlen);
}

static int
writer_copy_answers(struct store *st, const struct obs *batch, char *err, size_t errlen)
{
	struct store_copy *cp = store_copy_begin_binary(st, "COPY stage_answers ("
	    OBS_ANSWER_COLUMNS ") FROM STDIN WITH (FORMAT binary)", err, errlen);
	int bad = 0;

	if (cp == NULL)
		return -1;
	for (const struct obs *o = batch; o != NULL && !bad; o = o->next) {
		for (size_t i = 0; i < o->n_rr && !bad; i++) {
			const struct obs_rr *rr = &o->rr[i];

			bad = writer_key(cp, o, 9) | store_copy_bin_int(cp, rr->type, 2) |
			    store_copy_bin_int(cp, (int64_t)rr->ttl, 4) |
			    store_copy_bin_inet(cp, rr->is_addr ? rr->data : NULL) |
			    store_copy_bin_text(cp, rr->is_addr ? NULL : rr->data) |
			    store_copy_bin_text(cp, o->qname);
		}
	}
	return store_copy_finish(cp, bad, err, errlen);
}

static int
writer_write(struct store_writer *w, enum store_fault *fault, char *err, size_t errlen)
{
	char msg[STORE_ERRLEN];

	if (store_exec(w->st, "BEGIN", 0, NULL, err, errlen) != 0) {
		*fault = store_fault(w->st);
		return -1;
	}
	if (store_exec(w->st, "SELECT fw_stage()", 0, NULL, err, errlen) != 0 ||
	    writer_copy_responses(w->st, w->batch, err, errlen) != 0 ||
	    writer_copy_answers(w->st, w->batch, err, errlen) != 0 ||
	    store_exec(w->st, "SELECT fw_store_batch()", 0, NULL, err, errlen) != 0 ||
	    store_exec(w->st, "COMMIT", 0, NULL, err, errlen) != 0) {
		*fault = store_fault(w->st);	/* before the ROLLBACK speaks */
		store_exec(w->st, "ROLLBACK", 0, NULL, msg, sizeof(msg));
		return -1;
	}
	return 0;
}

/* SQL (one $1 interval) run at each upkeep when SETTING_MS is not forever. */
static int
writer_upkeep_sql(struct store_writer *w, const char *sql, int64_t setting_ms, char *err,
    size_t errlen)
{
	char v[32];
	const char *p[1] = { v };

	if (setting_ms == CFG_FOREVER)
		return 0;
	snprintf(v, sizeof(v), "%lld milliseconds", (long long)setting_ms);
	return store_exec(w->st, sql, 1, p, err, errlen);
}

/*
 * Create partitions ahead, apply retention (and fold the runs older than
 * the raw lookups), compact a chunk of the closed partitions; errors are
 * reported, not fatal.
 */
static int
writer_maintain(struct store_writer *w, char *err, size_t errlen)
{

	if (writer_upkeep_sql(w, "SELECT fw_partitions_ensure($1::interval)",
	    w->cfg.partition_span_ms, err, errlen) != 0 ||
	    writer_upkeep_sql(w, "SELECT fw_partitions_drop_before(now() - $1::interval)",
	    w->cfg.raw_retention_ms, err, errlen) != 0 ||
	    writer_upkeep_sql(w, "SELECT fw_runs_fold(now() - $1::interval)",
	    w->cfg.raw_retention_ms, err, errlen) != 0)
		return -1;
	return writer_upkeep_sql(w, "SELECT fw_compact(now() - $1::interval, "
	    WRITER_COMPACT_ROWS ")", w->cfg.compact_after_ms, err, errlen);
}

static void
writer_set_error(struct store_writer *w, const char *err)
{
	pthread_mutex_lock(&w->mu);
	if (strcmp(w->last_error, err) != 0)
		log_warnx("writer: %s; retrying, responses are kept in memory meanwhile "
		    "(%lld so far)", err, w->queued + w->in_batch);
	snprintf(w->last_error, sizeof(w->last_error), "%s", err);
	pthread_mutex_unlock(&w->mu);
}

/*
 * The database refused the batch for what it holds (REASON): write it to a
 * quarantine file and let it go. 0, or -1 when the file could not be
 * written (the batch is kept and retried, as after any failure).
 */
static int
writer_quarantine(struct store_writer *w, char *reason)
{
	char path[4096], err[STORE_ERRLEN], why[STORE_ERRLEN + 32];
	long long n = 0;

	for (const struct obs *o = w->batch; o != NULL; o = o->next)
		n++;
	snprintf(why, sizeof(why), "SQLSTATE %s: %s",
	    store_sqlstate(w->st)[0] != '\0' ? store_sqlstate(w->st) : "(none)", reason);
	if (quarantine_write(w->cfg.quarantine_dir, w->batch, why, path, sizeof(path),
	    err, sizeof(err)) != 0) {
		snprintf(reason, STORE_ERRLEN, "batch refused (%.200s) and not quarantined: %.200s",
		    why, err);
		return -1;
	}
	log_warnx("writer: the database refused a batch of %lld responses (%s); saved to %s "
	    "(load it with: psql -1 -v ON_ERROR_STOP=1 -f %s)", n, why, path, path);
	return 0;
}

/* Write the current batch (connecting first if needed). 0 when stored or quarantined. */
static int
writer_flush(struct store_writer *w)
{
	char err[STORE_ERRLEN];
	enum store_fault fault = STORE_FAULT_NONE;
	long long n = 0;
	int quarantined = 0;

	if (w->st == NULL && (w->st = store_open(w->conninfo, err, sizeof(err))) == NULL)
		goto fail;
	if (w->cfg.partition_span_ms > 0 && writer_now_ms() >= w->next_maint_ms) {
		if (writer_maintain(w, err, sizeof(err)) != 0) {
			if (store_fault(w->st) != STORE_FAULT_PERMANENT)
				goto fail;
			log_warnx("writer: partition upkeep refused: %s; rows go to the default "
			    "partitions meanwhile", err);
		}
		w->next_maint_ms = writer_now_ms() + (w->cfg.partition_span_ms / 4 < WRITER_MAINT_MS ?
		    w->cfg.partition_span_ms / 4 : WRITER_MAINT_MS);
	}
	if (w->batch == NULL)
		return 0;
	if (writer_write(w, &fault, err, sizeof(err)) != 0) {
		if (fault != STORE_FAULT_PERMANENT || writer_quarantine(w, err) != 0)
			goto fail;
		quarantined = 1;
	}
	while (w->batch != NULL) {
		struct obs *o = w->batch;

		w->batch = o->next;
		obs_free(o);
		n++;
	}
	w->batch_tail = NULL;
	pthread_mutex_lock(&w->mu);
	w->in_batch -= n;
	if (quarantined)
		w->quarantined += n;
	else
		w->stored += n;
	if (w->last_error[0] != '\0')
		log_info("writer: database reachable again; stored the %lld responses kept "
		    "in memory", n);
	w->last_error[0] = '\0';
	pthread_mutex_unlock(&w->mu);
	return 0;
fail:
	writer_set_error(w, err);
	store_close(w->st);
	w->st = NULL;
	return -1;
}

/*
 * Wait for work (or, when retrying, for the whole pause whatever arrives
 * but a stop); move the queue into the batch. Returns 1 when stopping.
 */
static int
writer_take(struct store_writer *w, int64_t wait_ms, int retrying)
{
	struct timespec dl;
	int stopping, seen;

	writer_deadline(&dl, wait_ms);
	pthread_mutex_lock(&w->mu);
	seen = w->stopping;
	while (((retrying && w->stopping == seen) ||
	    (!w->stopping && w->queued < w->cfg.batch_rows && w->jobs_head == NULL)) &&
	    pthread_cond_timedwait(&w->cv, &w->mu, &dl) != ETIMEDOUT)
		;
	if (w->jobs_head != NULL) {
		struct store_job **tail = &w->jobs;

		while (*tail != NULL)
			tail = &(*tail)->next;
		*tail = w->jobs_head;
		w->jobs_head = w->jobs_tail = NULL;
	}
	if (w->head != NULL) {
		if (w->batch_tail != NULL)
			w->batch_tail->next = w->head;
		else
			w->batch = w->head;
		w->batch_tail = w->tail;
		w->in_batch += w->queued;
		w->head = w->tail = NULL;
		w->queued = 0;
	}
	stopping = w->stopping;
	pthread_mutex_unlock(&w->mu);
	return stopping;
}

/*
 * Run the taken jobs in order after a successful flush (connected is 1), or
 * fail the ones that do not wait for the database (connected is 0, or at
 * the end). A job that fails on the connection (store_fault() transient)
 * closes it, so the next turn opens a new one, and a retrying one stops the
 * run: order matters. A job the server refuses (permanent) is done, failed:
 * sending it again would fail the same way.
 */
static void
writer_jobs(struct store_writer *w, int connected, int final)
{
	struct store_job **pp = &w->jobs;
	char err[STORE_ERRLEN];

	while (*pp != NULL) {
		struct store_job *j = *pp;
		int ran = connected && w->st != NULL;
		int ok = ran && j->run(w->st, j->arg, err, sizeof(err)) == 0;
		int refused = ran && !ok && store_fault(w->st) == STORE_FAULT_PERMANENT;

		if (ran && !ok && !refused) {
			/* the connection failed the job: the next turn opens a new one */
			writer_set_error(w, err);
			store_close(w->st);
			w->st = NULL;
			connected = 0;
		} else if (refused && j->retry) {
			log_warnx("writer: the database refused a job: %s; not retried", err);
		}
		if (!ok && !refused && j->retry && !final) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		j->done(j->arg, ok);
	}
}

static void *
writer_main(void *arg)
{
	struct store_writer *w = arg;
	int64_t backoff = WRITER_BACKOFF_MIN_MS, stop_deadline = 0, wait = w->cfg.flush_interval_ms;
	int retrying = 0;

	for (;;) {
		int stopping = writer_take(w, wait, retrying);

		if (stopping && stop_deadline == 0)
			stop_deadline = writer_now_ms() + w->cfg.exit_timeout_ms;
		retrying = writer_flush(w) != 0;
		writer_jobs(w, !retrying, 0);
		if (!retrying) {
			backoff = WRITER_BACKOFF_MIN_MS;
			wait = w->cfg.flush_interval_ms;
			if (stopping && w->batch == NULL)
				break;
		} else {
			wait = backoff;		/* retry after a pause; new rows still join */
			backoff = backoff * 2 > WRITER_BACKOFF_MAX_MS ? WRITER_BACKOFF_MAX_MS : backoff * 2;
			if (stopping && (w->batch == NULL || writer_now_ms() >= stop_deadline))
				break;		/* nothing left to store, or no time left */
			if (stopping && wait > stop_deadline - writer_now_ms())
				wait = stop_deadline - writer_now_ms();	/* no pause past it */
		}
	}
	writer_jobs(w, 0, 1);
	return NULL;
}

struct store_writer *
store_writer_start(const struct store_writer_cfg *cfg, char *err, size_t errlen)
{
	struct store_writer *w = calloc(1, sizeof(*w));

	if (w == NULL || (w->conninfo = strdup(cfg->conninfo)) == NULL ||
	    (w->quarantine_dir = strdup(cfg->quarantine_dir != NULL ? cfg->quarantine_dir : "."))
	    == NULL) {
		if (w != NULL)
			free(w->conninfo);
		free(w);
		snprintf(err, errlen, "writer: out of memory");
		return NULL;
	}
	w->cfg = *cfg;
	w->cfg.conninfo = w->conninfo;
	w->cfg.quarantine_dir = w->quarantine_dir;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		snprintf(err, errlen, "writer: cannot start thread: %s", strerror(errno));
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w->conninfo);
		free(w->quarantine_dir);
		free(w);
		return NULL;
	}
	return w;
}

void
store_writer_put(struct store_writer *w, struct obs *o)
{
	o->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->tail != NULL)
		w->tail->next = o;
	else
		w->head = o;
	w->tail = o;
	if (++w->queued == w->cfg.batch_rows)
		pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
store_writer_job(struct store_writer *w, struct store_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->jobs_tail != NULL)
		w->jobs_tail->next = job;
	else
		w->jobs_head = job;
	w->jobs_tail = job;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

long long
store_writer_pending(struct store_writer *w)
{
	long long n;

	pthread_mutex_lock(&w->mu);
	n = w->queued + w->in_batch;
	pthread_mutex_unlock(&w->mu);
	return n;
}

long long
store_writer_stored(struct store_writer *w)
{
	long long n;

	pthread_mutex_lock(&w->mu);
	n = w->stored;
	pthread_mutex_unlock(&w->mu);
	return n;
}

void
store_writer_last_error(struct store_writer *w, char *buf, size_t len)
{
	pthread_mutex_lock(&w->mu);
	snprintf(buf, len, "%s", w->last_error);
	pthread_mutex_unlock(&w->mu);
}

static void
writer_free_list(struct obs *o)
{
	while (o != NULL) {
		struct obs *next = o->next;

		obs_free(o);
		o = next;
	}
}

long long
store_writer_stop(struct store_writer *w, struct store_writer_totals *totals)
{
	long long lost;

	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	lost = w->queued + w->in_batch;
	if (totals != NULL) {
		totals->stored = w->stored;
		totals->quarantined = w->quarantined;
	}
	for (struct store_job *j = w->jobs_head, *next; j != NULL; j = next) {
		next = j->next;
		j->done(j->arg, 0);
	}
	writer_free_list(w->batch);
	writer_free_list(w->head);
	store_close(w->st);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->conninfo);
	free(w->quarantine_dir);
	free(w);
	return lost;
}
