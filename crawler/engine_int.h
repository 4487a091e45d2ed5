/*
 * engine_int — the crawler engine's state, shared by its three files and
 * nothing else: engine.c (the loop), visit.c (visits, queries, the NS
 * fan-out and the hand-off of every response to the writer) and jobs.c
 * (the claim and report jobs on the queue's connection).
 */
#ifndef FW_ENGINE_INT_H
#define FW_ENGINE_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "crawler/engine.h"
#include "crawler/nscache.h"
#include "storage/queue.h"
#include "storage/store.h"
#include "storage/writer.h"

#define ENGINE_WAIT_CAP_US 100000
#define ENGINE_RCVBUF (4 * 1024 * 1024)	/* per UDP socket: bursts of answers */
#define ENGINE_CLAIM_RETRY_US 500000
#define ENGINE_REPORT_US 1000000
#define ENGINE_REPORT_LAST 500		/* visits per report once nothing more is due */
#define ENGINE_WAKE UINT32_MAX		/* epoll tag of the wake-up eventfd */
#define ENGINE_COALESCE_FEW 16		/* answers per turn below which a busy loop waits */
#define ENGINE_RECENT 4			/* x claim_batch recent domains for offline revisits */
#define ENGINE_FIRST_CLAIM 500		/* domains in a run's first claim at most */

/*
 * A claim runs as a job of the queue writer (a connection of its own, so a
 * claim never waits behind a COPY of observations) and the event loop never
 * waits on the database: the loop asks for the next batch as soon as it has
 * taken the last one in, and takes the result in when the current batch is
 * used up and state says ready.
 */
enum { CLAIM_IDLE, CLAIM_RUNNING, CLAIM_READY, CLAIM_FAILED };

struct engine_claim {
	struct store_job job;
	struct queue_claim_opts opts;
	struct queue_item *items;
	int n;
	int wakefd;		/* eventfd: the claim is done, wake the event loop */
	char err[STORE_ERRLEN];
	_Atomic int state;
};

/*
 * A batch of finished visits. It waits in the writer's queue behind their
 * rows; once those are stored, the report itself runs on the queue's
 * connection, beside the writer's next COPY instead of before it.
 */
struct engine_report_job {
	struct store_job stored;	/* writer: the rows are in, pass the report on */
	struct store_job job;		/* queue: queue_report */
	struct store_writer *queue;
	struct queue_policy policy;
	int n;
	struct queue_visit visits[];
};

struct crawl_engine {
	const struct cfg *cfg;
	int epfd;
	size_t n;
	struct vantage **v;
	int *vantage_id;
	struct store_writer *writer;	/* observations, then the visits' reports */
	struct store_writer *queue;	/* claims, on a connection of their own */
	struct udpio *io;		/* the vantages' UDP, batched */
	struct nscache *nsc;		/* NS host lookups; NULL: off */
	struct crawl_stats stats;
	long long active;		/* visits in progress */
	struct queue_item *claimed;	/* claimed, not yet visited */
	int n_claimed, next_claim;
	int exhausted;			/* with once: nothing more is due */
	int64_t claim_at_us;		/* next claim attempt when none were due */
	char owner[128];		/* lease owner: host:pid */
	int offline;			/* the queue is unreachable: revisit recent domains */
	int claim_failed;		/* with once: the round ended early */
	int sweep;			/* once --all: every tracked domain, the schedule untouched */
	struct queue_policy policy;	/* the schedule's revisit rules, for reports and offline */
	int64_t sweep_after;		/* sweeping: the largest id claimed so far */
	struct offline *recent;
	struct engine_claim *claim;	/* the claim running in the queue's thread */
	struct queue_visit *reports;	/* finished visits not yet reported */
	int n_reports, cap_reports;
	int64_t report_at_us;
};

/* visit.c: start a visit of ITEM (A, AAAA and NS through every vantage). 0, or -1 (memory). */
int engine_visit(struct crawl_engine *e, const struct queue_item *item);

struct vantage_query;
/* visit.c: the vantages' completion callback (ARG is the engine). */
void engine_done(struct vantage_query *vq, int status, int timeouts, const unsigned char *abuf,
    int alen, void *arg);

/* jobs.c: the claim job's callbacks set up in E->claim. */
void engine_claim_setup(struct crawl_engine *e);

/*
 * jobs.c: keep the claimed list filled: start a claim whenever none is
 * running, take a finished one in once the list is used up.
 */
void engine_claim(struct crawl_engine *e, const struct crawl_run_opts *opts, int64_t now);

/* jobs.c: hand finished visits to the writer (FORCE: whatever their number). */
void engine_report(struct crawl_engine *e, int64_t now, int force);

/* jobs.c: give back what was claimed and not visited. */
void engine_release(struct crawl_engine *e, struct store *st);

#endif
