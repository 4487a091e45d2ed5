/*
 * engine — visits, queries and the loop that drives them.
 *
 * Memory: a visit lives until its last query is done; a query until its
 * done() callback. Responses are copied into an obs inside that callback
 * (c-ares lends the buffer only for the call).
 */
#include "config.h"

#include <ares.h>
#include <stdatomic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "crawler/dns.h"
#include "crawler/engine.h"
#include "crawler/offline.h"
#include "crawler/udpio.h"
#include "crawler/vantage.h"
#include "storage/queue.h"
#include "storage/obs.h"
#include "storage/store.h"
#include "storage/vantages.h"
#include "storage/writer.h"

#define ENGINE_EDNS_SIZE 1232		/* a larger answer can only have come over TCP */
#define ENGINE_WAIT_CAP_US 100000
#define ENGINE_RCVBUF (4 * 1024 * 1024)	/* per UDP socket: bursts of answers */
#define ENGINE_CLAIM_RETRY_US 500000
#define ENGINE_REPORT_US 1000000
#define ENGINE_REPORT_LAST 500		/* visits per report once nothing more is due */
#define ENGINE_WAKE UINT32_MAX		/* epoll tag of the wake-up eventfd */
#define ENGINE_COALESCE_FEW 16		/* answers per turn below which a busy loop waits */
#define ENGINE_RECENT 4			/* x claim_batch recent domains for offline revisits */
#define ENGINE_FIRST_CLAIM 500		/* domains in a run's first claim at most */
#define T_A 1
#define T_NS 2
#define T_AAAA 28

struct visit {
	int64_t domain_id;
	char name[NAME_BUFSZ];
	struct queue_visit seen;	/* what the scheduler is told when the visit ends */
	int pending;
	size_t n_ns;
	struct { int vantage; char *name; } ns[ENGINE_MAX_NS * 4];
	int ns_per_vantage[];
};

struct crawl_query {
	struct vantage_query vq;
	struct visit *visit;
	size_t vi;		/* index of the vantage */
	char qname[];		/* empty: the visit's domain */
};

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
	struct crawl_stats stats;
	long long active;		/* visits in progress */
	struct queue_item *claimed;	/* claimed, not yet visited */
	int n_claimed, next_claim;
	int exhausted;			/* with once: nothing more is due */
	int64_t claim_at_us;		/* next claim attempt when none were due */
	char owner[128];		/* lease owner: host:pid */
	int offline;			/* the queue is unreachable: revisit recent domains */
	int claim_failed;		/* with once: the round ended early */
	struct offline *recent;
	struct engine_claim *claim;	/* the claim running in the queue's thread */
	struct queue_visit *reports;	/* finished visits not yet reported */
	int n_reports, cap_reports;
	int64_t report_at_us;
};

static int
engine_outcome(int status)
{
	switch (status) {
	case ARES_ETIMEOUT: return OBS_TIMEOUT;
	case ARES_ECONNREFUSED: return OBS_CONNREFUSED;
	case ARES_EBADRESP: return OBS_BADRESP;
	case ARES_ENOTFOUND: return 3;
	case ARES_ESERVFAIL: return 2;
	case ARES_EREFUSED: return 5;
	case ARES_EFORMERR: return 1;
	case ARES_ENOTIMP: return 4;
	default: return OBS_ERROR;
	}
}

static void engine_submit(struct crawl_engine *e, struct visit *vis, size_t vi,
    const char *qname, int qtype);

/* Ask vantage VI for the addresses of the NS names it returned (bounded, once each). */
static void
engine_fan_out(struct crawl_engine *e, struct visit *vis, size_t vi, const struct dns_answer *ans)
{
	for (size_t i = 0; i < ans->n; i++) {
		const char *ns = ans->rr[i].data;
		int seen = 0;

		if (ans->rr[i].type != T_NS || ns[0] == '\0' || vis->ns_per_vantage[vi] >= ENGINE_MAX_NS ||
		    vis->n_ns == sizeof(vis->ns) / sizeof(vis->ns[0]))
			continue;
		for (size_t k = 0; k < vis->n_ns && !seen; k++)
			seen = vis->ns[k].vantage == (int)vi && strcmp(vis->ns[k].name, ns) == 0;
		if (seen || (vis->ns[vis->n_ns].name = strdup(ns)) == NULL)
			continue;
		vis->ns[vis->n_ns++].vantage = (int)vi;
		vis->ns_per_vantage[vi]++;
		engine_submit(e, vis, vi, ns, T_A);
		engine_submit(e, vis, vi, ns, T_AAAA);
	}
}

/*
 * Build the obs for one response and queue it for the writer; the outcome
 * goes to *rcode. Returns 0, or -1 when out of memory.
 */
static int
engine_record(struct crawl_engine *e, struct crawl_query *q, int status,
    const unsigned char *abuf, int alen, struct dns_answer *ans, int *rcode_out)
{
	int64_t latency = clock_mono_us() - q->vq.sent_us;
	size_t strbytes = strlen(q->qname) + 1;
	int rcode, flags = 0;
	struct obs *o;

	ans->n = 0;
	if (abuf != NULL && alen > 0) {
		rcode = dns_parse(abuf, (size_t)alen, ans) == 0 ? ans->rcode : OBS_BADRESP;
		flags = (ans->tc ? OBS_FLAG_TC : 0) | (alen > ENGINE_EDNS_SIZE ? OBS_FLAG_TCP : 0);
		if (rcode == OBS_BADRESP)
			ans->n = 0;
	} else {
		rcode = engine_outcome(status);
	}
	for (size_t i = 0; i < ans->n; i++)
		strbytes += strlen(ans->rr[i].data) + 1;
	if ((o = obs_create(ans->n, strbytes)) == NULL)
		return -1;
	o->domain_id = q->visit->domain_id;
	o->observed_us = clock_wall_us() - latency;
	o->vantage_id = e->vantage_id[q->vi];
	o->qtype = q->vq.qtype;
	o->rcode = rcode;
	o->flags = flags;
	o->latency_us = (int32_t)latency;
	o->qname = q->qname[0] != '\0' ? obs_strdup(o, q->qname) : NULL;
	for (size_t i = 0; i < ans->n; i++) {
		o->rr[i].type = ans->rr[i].type;
		o->rr[i].ttl = ans->rr[i].ttl;
		o->rr[i].is_addr = ans->rr[i].is_addr;
		o->rr[i].data = obs_strdup(o, ans->rr[i].data);
	}
	store_writer_put(e->writer, o);
	e->stats.responses++;
	if (rcode == OBS_TIMEOUT)
		e->stats.timeouts++;
	*rcode_out = rcode;
	return 0;
}

/* FNV-1a of an address: summed over a visit, an order-free fingerprint. */
static uint64_t
engine_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* Fold one response to the domain's own A/AAAA query into what the visit saw. */
static void
engine_note(struct visit *vis, int rcode, const struct dns_answer *ans)
{
	struct queue_visit *sv = &vis->seen;

	if (rcode != 0)
		return;
	sv->answered = 1;
	for (size_t i = 0; i < ans->n; i++) {
		const struct dns_rr *rr = &ans->rr[i];

		if (!rr->is_addr && rr->type != 5 /* CNAME */)
			continue;
		if (sv->min_ttl_s < 0 || rr->ttl < sv->min_ttl_s)
			sv->min_ttl_s = rr->ttl;
		if (rr->is_addr) {
			sv->resolved = 1;
			sv->signature += engine_hash(rr->data);
		}
	}
}

static void
engine_visit_done(struct crawl_engine *e, struct visit *vis)
{
	const struct queue_policy p = { e->cfg->schedule.min_interval_ms,
		e->cfg->schedule.max_interval_ms };
	struct queue_item item;
	int64_t interval;

	item.id = vis->domain_id;
	memcpy(item.name, vis->name, sizeof(item.name));
	interval = queue_next_interval(&p, &vis->seen, &item.fail_streak);
	offline_note(e->recent, &item, clock_mono_us() + interval * 1000);
	for (size_t i = 0; i < vis->n_ns; i++)
		free(vis->ns[i].name);
	if (e->n_reports == e->cap_reports) {
		int cap = e->cap_reports > 0 ? e->cap_reports * 2 : 1024;
		struct queue_visit *r = realloc(e->reports, (size_t)cap * sizeof(*r));

		if (r != NULL) {
			e->reports = r;
			e->cap_reports = cap;
		}
	}
	if (e->n_reports < e->cap_reports)	/* else its lease expires and it is revisited */
		e->reports[e->n_reports++] = vis->seen;
	free(vis);
	e->active--;
	e->stats.visits++;
}

static void
engine_done(struct vantage_query *vq, int status, int timeouts, const unsigned char *abuf,
    int alen, void *arg)
{
	struct crawl_engine *e = arg;
	struct crawl_query *q = (struct crawl_query *)vq;
	struct visit *vis = q->visit;
	static struct dns_answer ans;	/* the loop is single-threaded; keeps 33 KB off the stack */

	(void)timeouts;
	if (status == VANTAGE_SKIPPED) {
		e->stats.skipped++;
	} else if (status != ARES_EDESTRUCTION) {
		int rcode = 0;

		if (engine_record(e, q, status, abuf, alen, &ans, &rcode) != 0)
			log_warnx("crawl: out of memory recording a response for %s", vis->name);
		else if (q->qname[0] == '\0' && vq->qtype == T_NS && rcode == 0)
			engine_fan_out(e, vis, q->vi, &ans);
		else if (q->qname[0] == '\0' && vq->qtype != T_NS)
			engine_note(vis, rcode, &ans);
	}
	free(q);
	if (--vis->pending == 0)
		engine_visit_done(e, vis);
}

static void
engine_submit(struct crawl_engine *e, struct visit *vis, size_t vi, const char *qname, int qtype)
{
	size_t n = qname != NULL ? strlen(qname) : 0;
	struct crawl_query *q = calloc(1, sizeof(*q) + n + 1);

	if (q == NULL) {
		log_warnx("crawl: out of memory; query for %s not sent", vis->name);
		return;
	}
	if (n > 0)
		memcpy(q->qname, qname, n + 1);
	q->visit = vis;
	q->vi = vi;
	q->vq.qname = n > 0 ? q->qname : vis->name;
	q->vq.qtype = qtype;
	vis->pending++;
	vantage_submit(e->v[vi], &q->vq);
}

/* Start a visit of ITEM: A, AAAA and NS through every vantage. */
static int
engine_visit(struct crawl_engine *e, const struct queue_item *item)
{
	struct visit *vis = calloc(1, sizeof(*vis) + e->n * sizeof(int));

	if (vis == NULL)
		return -1;
	vis->domain_id = item->id;
	memcpy(vis->name, item->name, sizeof(vis->name));
	vis->seen.id = item->id;
	vis->seen.fail_streak = item->fail_streak;
	vis->seen.min_ttl_s = -1;
	vis->pending = 1;	/* held until every query is submitted */
	e->active++;
	for (size_t vi = 0; vi < e->n; vi++) {
		engine_submit(e, vis, vi, NULL, T_A);
		engine_submit(e, vis, vi, NULL, T_AAAA);
		engine_submit(e, vis, vi, NULL, T_NS);
	}
	if (--vis->pending == 0)
		engine_visit_done(e, vis);
	return 0;
}

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
static void
engine_claim(struct crawl_engine *e, const struct crawl_run_opts *opts, int64_t now)
{
	struct engine_claim *c = e->claim;
	int state = atomic_load(&c->state);

	if (state == CLAIM_IDLE && now >= e->claim_at_us) {
		c->opts.cutoff = opts->once ? opts->cutoff : NULL;
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

/* Some vantage can take more work, and the writer is not backed up. */
static int
engine_has_room(struct crawl_engine *e)
{
	if (store_writer_pending(e->writer) >= e->cfg->crawl.buffer_rows)
		return 0;
	for (size_t i = 0; i < e->n; i++)
		if (!vantage_busy(e->v[i]))
			return 1;
	return 0;
}

/* The next domain to visit: claimed from the queue, or (offline) a recent one. */
static int
engine_next(struct crawl_engine *e, const struct crawl_run_opts *opts, int64_t now,
    struct queue_item *item)
{
	engine_claim(e, opts, now);
	if (e->next_claim < e->n_claimed) {
		*item = e->claimed[e->next_claim++];
		return 1;
	}
	return e->offline && !opts->once && offline_take_due(e->recent, now, item);
}

static void
engine_start_visits(struct crawl_engine *e, const struct crawl_run_opts *opts, int64_t now)
{
	struct queue_item item;

	engine_claim(e, opts, now);	/* keeps the next batch coming even when busy */
	while (!e->exhausted && engine_has_room(e) && engine_next(e, opts, now, &item)) {
		if (engine_visit(e, &item) != 0) {
			log_warnx("crawl: out of memory starting a visit");
			return;
		}
	}
}

/* Queries in flight through every vantage. */
static long long
engine_inflight(const struct crawl_engine *e)
{
	struct vantage_stats vs;
	long long inflight = 0;

	for (size_t i = 0; i < e->n; i++) {
		vantage_get_stats(e->v[i], &vs);
		inflight += vs.inflight;
	}
	return inflight;
}

static void
engine_progress(struct crawl_engine *e, double secs, int final)
{
	struct vantage_stats vs;

	fprintf(stderr, "\rcrawl: %lld responses (%.0f/s), %lld in flight, %lld stored, "
	    "%lld timeouts, %lld skipped", e->stats.responses,
	    secs > 0 ? e->stats.responses / secs : 0.0, engine_inflight(e),
	    store_writer_stored(e->writer), e->stats.timeouts, e->stats.skipped);
	for (size_t i = 0; i < e->n && !final; i++) {
		vantage_get_stats(e->v[i], &vs);
		fprintf(stderr, " | %s t/o %lld", vantage_name(e->v[i]), vs.timeouts);
	}
	fputs(final ? "\n" : "\033[K", stderr);
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
static void
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
	r->policy.min_interval_ms = e->cfg->schedule.min_interval_ms;
	r->policy.max_interval_ms = e->cfg->schedule.max_interval_ms;
	r->n = e->n_reports;
	memcpy(r->visits, e->reports, (size_t)r->n * sizeof(r->visits[0]));
	e->n_reports = 0;
	store_writer_job(e->writer, &r->stored);
}

static void
engine_woken(struct crawl_engine *e)
{
	eventfd_t v;

	(void)eventfd_read(e->claim->wakefd, &v);
}

static void
engine_poll(struct crawl_engine *e, int64_t wait_us)
{
	struct epoll_event ev[256];
	int n = epoll_wait(e->epfd, ev, 256, (int)((wait_us + 999) / 1000));
	int64_t now;

	for (int i = 0; i < n; i++) {
		size_t vi = (size_t)(ev[i].data.u64 >> 32);
		int fd = (int)(uint32_t)ev[i].data.u64;

		if (vi == ENGINE_WAKE)
			engine_woken(e);
		else if (vi < e->n)
			vantage_process_fd(e->v[vi], fd, (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0,
			    (ev[i].events & EPOLLOUT) != 0);
	}
	now = clock_mono_us();
	for (size_t vi = 0; vi < e->n; vi++)
		vantage_process_timeouts(e->v[vi], now);
}

/*
 * Under load every answer that arrives alone wakes the loop, and a wake-up
 * costs more than handling the answer (on this VM a third of the crawler's
 * CPU went to them). When the last turn took in only a few answers while
 * many queries are in flight, wait coalesce_us before polling again, so
 * answers are taken in batches (recvmmsg reads 32 at a time). A latency
 * measured then grows by at most that wait.
 */
static void
engine_coalesce(struct crawl_engine *e, long long answered)
{
	struct timespec nap = { 0, (long)e->cfg->crawl.coalesce_us * 1000 };

	if (nap.tv_nsec != 0 && answered < ENGINE_COALESCE_FEW &&
	    engine_inflight(e) >= 4 * ENGINE_COALESCE_FEW)
		nanosleep(&nap, NULL);
}

/* Give back what was claimed and not visited, the claim still running included. */
static void
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

int
crawl_engine_run(struct crawl_engine *e, struct store *st, struct store_writer *w,
    struct store_writer *q, const struct crawl_run_opts *opts, struct crawl_stats *stats)
{
	int64_t start = clock_mono_us(), next_progress = start;
	long long answered = ENGINE_COALESCE_FEW;	/* answers taken in by the last turn */
	int stopping = 0;

	e->writer = w;
	e->queue = q;
	for (;;) {
		int64_t now = clock_mono_us(), wait = ENGINE_WAIT_CAP_US;

		if (!stopping && ((opts->stop != NULL && *opts->stop) ||
		    (opts->duration_ms > 0 && now - start >= opts->duration_ms * 1000)))
			stopping = 1;
		if (!stopping)
			engine_start_visits(e, opts, now);
		for (size_t i = 0; i < e->n; i++)
			vantage_pump(e->v[i], now);
		if (e->active == 0 && (stopping || e->exhausted))
			break;
		for (size_t i = 0; i < e->n; i++) {
			int64_t t = vantage_wait_us(e->v[i], wait, now);

			wait = t < wait ? t : wait;
		}
		udpio_flush(e->io);
		engine_coalesce(e, answered);
		answered = e->stats.responses;
		engine_poll(e, wait);
		answered = e->stats.responses - answered;
		engine_report(e, now, 0);
		if (opts->progress && now >= next_progress) {
			engine_progress(e, (now - start) / 1e6, 0);
			next_progress = now + e->cfg->crawl.progress_interval_ms * 1000;
		}
	}
	engine_report(e, clock_mono_us(), 1);
	engine_release(e, st);
	e->stats.seconds = (clock_mono_us() - start) / 1e6;
	if (opts->progress)
		engine_progress(e, e->stats.seconds, 1);
	*stats = e->stats;
	return e->claim_failed ? -1 : 0;
}

/* A finished claim wakes the loop instead of waiting for a DNS event or the cap. */
static int
engine_watch_wake(struct crawl_engine *e)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)ENGINE_WAKE << 32;
	return epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->claim->wakefd, &ev);
}

struct crawl_engine *
crawl_engine_create(const struct cfg *cfg, char *err, size_t errlen)
{
	struct crawl_engine *e = calloc(1, sizeof(*e));
	size_t n = cfg->n_resolvers > 0 ? cfg->n_resolvers : 1;

	if (e == NULL)
		goto oom;
	e->cfg = cfg;
	e->epfd = -1;
	gethostname(e->owner, sizeof(e->owner) - 24);
	e->owner[sizeof(e->owner) - 24] = '\0';
	snprintf(e->owner + strlen(e->owner), 24, ":%ld", (long)getpid());
	if ((e->v = calloc(n, sizeof(*e->v))) == NULL ||
	    (e->vantage_id = calloc(n, sizeof(int))) == NULL ||
	    (e->claimed = calloc((size_t)cfg->crawl.claim_batch, sizeof(*e->claimed))) == NULL ||
	    (e->recent = offline_create((size_t)cfg->crawl.claim_batch * ENGINE_RECENT)) == NULL ||
	    (e->claim = calloc(1, sizeof(*e->claim))) == NULL ||
	    (e->claim->items = calloc((size_t)cfg->crawl.claim_batch, sizeof(struct queue_item))) == NULL)
		goto oom;
	e->claim->job.run = engine_claim_run;
	e->claim->job.done = engine_claim_done;
	e->claim->job.arg = e->claim;
	/* the first claim is small, so measuring starts at once; the full
	 * batches that follow are claimed while it is being visited */
	e->claim->opts.max = cfg->crawl.claim_batch < ENGINE_FIRST_CLAIM ? cfg->crawl.claim_batch :
	    ENGINE_FIRST_CLAIM;
	e->claim->opts.lease_ms = cfg->schedule.lease_ms;
	e->claim->opts.owner = e->owner;
	e->claim->wakefd = -1;
	if ((e->io = udpio_create(ENGINE_RCVBUF)) == NULL)
		goto oom;
	if ((e->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (e->claim->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
	    engine_watch_wake(e) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		goto fail;
	}
	for (e->n = 0; e->n < n; e->n++) {
		e->v[e->n] = vantage_create(cfg->n_resolvers > 0 ? &cfg->resolvers[e->n] : NULL,
		    e->epfd, (int)e->n, e->io, engine_done, e, err, errlen);
		if (e->v[e->n] == NULL)
			goto fail;
	}
	return e;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	crawl_engine_destroy(e);
	return NULL;
}

void
crawl_engine_destroy(struct crawl_engine *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n; i++)
		vantage_destroy(e->v[i]);
	udpio_destroy(e->io);	/* after the vantages: closing their sockets uses it */
	if (e->epfd >= 0)
		close(e->epfd);
	free(e->v);
	free(e->vantage_id);
	free(e->claimed);
	free(e->reports);
	offline_destroy(e->recent);
	if (e->claim != NULL) {
		free(e->claim->items);
		if (e->claim->wakefd >= 0)
			close(e->claim->wakefd);
	}
	free(e->claim);
	free(e);
}

const struct vantage *
crawl_engine_vantage(const struct crawl_engine *e, size_t i)
{
	return i < e->n ? e->v[i] : NULL;
}

int
crawl_engine_register(struct crawl_engine *e, struct store *st, char *err, size_t errlen)
{
	for (size_t i = 0; i < e->n; i++)
		if (vantages_register(st, vantage_name(e->v[i]), vantage_address(e->v[i]),
		    vantage_port(e->v[i]), &e->vantage_id[i], err, errlen) != 0)
			return -1;
	return 0;
}
