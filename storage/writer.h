/*
 * writer — the crawler's path to PostgreSQL: a thread with its own
 * connection that COPYs batches of observations into responses and answers.
 *
 * The crawler's event loop never waits on the database: store_writer_put()
 * only links the observation into a queue. The thread flushes when a batch
 * is full (batch_rows) or flush_interval has passed. If the database is
 * unreachable, batches stay queued and the thread reconnects with backoff;
 * the crawler reads store_writer_pending() and stops starting new work
 * when it reaches buffer_rows (back-pressure), so nothing counted is
 * dropped. Only transient failures (store_fault()) are retried: a batch
 * the server refuses for its data goes to a quarantine file
 * (storage/quarantine.h), is logged with its SQLSTATE and the file's name,
 * and the writer goes on. Partitions for the observation tables are
 * created ahead here.
 *
 * Jobs let the crawler use the same connection without waiting for it:
 * a job runs in the writer's thread after the observations queued before
 * it are committed (so a visit is reported only once its measurements are
 * stored), and its done() callback says how it went.
 */
#ifndef FW_WRITER_H
#define FW_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "storage/obs.h"

struct store_writer;
struct store;

struct store_job {
	struct store_job *next;
	/* Runs in the writer thread: 0, or -1 with err (a transaction it began is rolled back). */
	int (*run)(struct store *st, void *arg, char *err, size_t errlen);
	/* Called once in the writer thread, ok = 1 after run() worked; may free the job. */
	void (*done)(void *arg, int ok);
	void *arg;
	int retry;	/* after a database error: keep and retry (1), or give up at once (0) */
};

struct store_writer_cfg {
	const char *conninfo;
	int batch_rows;
	int64_t flush_interval_ms;
	int64_t partition_span_ms;	/* 0: a jobs-only writer, no partition upkeep */
	int64_t raw_retention_ms;		/* CFG_FOREVER = keep everything */
	int64_t compact_after_ms;	/* closed partitions repacked (CFG_FOREVER = never) */
	int64_t exit_timeout_ms;	/* how long stop keeps retrying */
	const char *quarantine_dir;	/* batches the database refuses go here (NULL: ".") */
};

/* Start the thread. NULL with err on failure (nothing started). */
struct store_writer *store_writer_start(const struct store_writer_cfg *cfg,
    char *err, size_t errlen);

/* Queue one observation; the writer owns it from now on. */
void store_writer_put(struct store_writer *w, struct obs *o);

/* Queue a job; the writer owns nothing of it but calls done() exactly once. */
void store_writer_job(struct store_writer *w, struct store_job *job);

/* Responses queued and not yet stored. */
long long store_writer_pending(struct store_writer *w);

/* Responses stored (committed) so far. */
long long store_writer_stored(struct store_writer *w);

/* Last database error seen by the thread (copied into buf), "" when none. */
void store_writer_last_error(struct store_writer *w, char *buf, size_t len);

struct store_writer_totals {
	long long stored;	/* responses committed over the writer's life */
	long long quarantined;	/* responses refused and saved to quarantine files */
};

/*
 * Flush everything, retrying for up to exit_timeout_ms, stop the thread and
 * free. *totals (unless TOTALS is NULL: a jobs-only writer) receives what
 * became of the responses over the writer's life.
 * Returns the number that could be neither stored nor quarantined (0 when
 * every one is in the database or a quarantine file).
 */
long long store_writer_stop(struct store_writer *w, struct store_writer_totals *totals);

#endif
