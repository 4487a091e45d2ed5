/*
 * engine — the crawler's event loop: one epoll set over every vantage's
 * c-ares sockets, visits of claimed domains, the NS fan-out, and the hand-off
 * of every response to the writer.
 *
 * A visit of a domain asks every vantage for A, AAAA and NS; for each NS
 * name a vantage returns, that vantage is asked for the name's A and AAAA
 * (at most ENGINE_MAX_NS names per vantage and visit), unless the crawler's
 * NS host cache (crawler/nscache.h) knows the answer or another visit has
 * already asked: then the visit gets that answer, as an obs of its own
 * flagged OBS_FLAG_CACHED. Every response, timeouts included, becomes one
 * obs for the writer.
 *
 * The engine asks the scheduler what is due (queue_claim) and starts new
 * visits only while every vantage that answers has room (the slowest sets
 * the pace; a dead one does not) and the writer's backlog is under
 * buffer_rows, so a dead database slows measuring instead of dropping it.
 */
#ifndef FW_ENGINE_H
#define FW_ENGINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cfg.h"

#define ENGINE_MAX_NS 16

struct store;
struct store_writer;
struct crawl_engine;

struct crawl_stats {
	long long responses;	/* every response recorded, timeouts included */
	long long timeouts;
	long long skipped;	/* queries a backed-up vantage never sent */
	long long visits;
	long long ns_cached;	/* NS host lookups answered by the cache or another visit's query */
	double seconds;
};

/*
 * Called every progress_interval and once at the end (FINAL = 1) in the
 * loop's thread; E may be asked for more (crawl_engine_inflight(), ...).
 */
typedef void (*crawl_progress_fn)(const struct crawl_engine *e, const struct crawl_stats *st,
    int final, void *arg);

struct crawl_run_opts {
	int once;			/* one round over what is due at start */
	int all;			/* with once: over every tracked domain, due or not */
	int64_t duration_ms;		/* 0 = no limit */
	const char *cutoff;		/* with once: database time at start */
	volatile sig_atomic_t *stop;	/* set by a signal handler */
	crawl_progress_fn progress;	/* NULL: nobody asks */
	void *progress_arg;
};

/* Create the epoll set and one vantage per resolver. NULL with err. */
struct crawl_engine *crawl_engine_create(const struct cfg *cfg, char *err, size_t errlen);
void crawl_engine_destroy(struct crawl_engine *e);

/* Queries in flight through every vantage; responses stored so far; vantages. */
long long crawl_engine_inflight(const struct crawl_engine *e);
long long crawl_engine_stored(const struct crawl_engine *e);
size_t crawl_engine_vantages(const struct crawl_engine *e);

/* Vantage I (below the number of resolvers, or 0 for the system one). Borrowed. */
const struct vantage *crawl_engine_vantage(const struct crawl_engine *e, size_t i);

/* Record each vantage in the vantages table and learn its id. 0 or -1 with err. */
int crawl_engine_register(struct crawl_engine *e, struct store *st, char *err, size_t errlen);

/*
 * Run until the round, the duration or a signal ends it; in-flight queries
 * are always finished. ST is used at the end to give back unvisited claims;
 * W receives observations and runs the reports of visits once their rows
 * are stored; Q, a jobs-only writer, runs the claims. Returns 0, or -1
 * when a --once round ended early because the queue could not be read
 * (logged).
 */
int crawl_engine_run(struct crawl_engine *e, struct store *st, struct store_writer *w,
    struct store_writer *q, const struct crawl_run_opts *opts, struct crawl_stats *stats);

#endif
