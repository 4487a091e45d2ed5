/*
 * visit — one visit of a domain: A, AAAA and NS through every vantage,
 * then A and AAAA of each name server a vantage returned (at most
 * ENGINE_MAX_NS per vantage and visit), each response copied into an obs
 * for the writer and folded into what the scheduler is told. A name
 * server's lookup goes through the NS cache first: a hit is recorded at
 * once, a lookup another visit has asked waits for that answer.
 *
 * Memory: a visit lives until its last query is done; a query until its
 * done() callback, or, waiting in the NS cache, until the query it waits
 * for is done (it holds its visit open meanwhile, so the cache never
 * points at a freed one). Responses are copied into an obs inside that
 * callback (c-ares lends the buffer only for the call).
 */
#include "config.h"

#include <ares.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "crawler/dns.h"
#include "crawler/engine_int.h"
#include "crawler/offline.h"
#include "crawler/vantage.h"
#include "storage/obs.h"

#define ENGINE_EDNS_SIZE 1232		/* a larger answer can only have come over TCP */
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
	struct nscache_waiter wait;	/* waiting in the NS cache for another visit's query */
	struct visit *visit;
	size_t vi;		/* index of the vantage */
	char qname[];		/* empty: the visit's domain */
};

static void engine_submit(struct crawl_engine *e, struct visit *vis, size_t vi,
    const char *qname, int qtype);
static void engine_ask_ns(struct crawl_engine *e, struct visit *vis, size_t vi, const char *ns,
    int qtype);

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
		engine_ask_ns(e, vis, vi, ns, T_A);
		engine_ask_ns(e, vis, vi, ns, T_AAAA);
	}
}

/*
 * Build the obs for one response (parsed into *ans); the outcome goes to
 * *rcode_out. NULL when out of memory.
 */
static struct obs *
engine_obs(struct crawl_engine *e, struct crawl_query *q, int status,
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
		return NULL;
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
	*rcode_out = rcode;
	return o;
}

/* Count O and hand it to the writer, which takes it. */
static void
engine_put(struct crawl_engine *e, struct obs *o)
{
	e->stats.responses++;
	if (o->rcode == OBS_TIMEOUT)
		e->stats.timeouts++;
	if ((o->flags & OBS_FLAG_CACHED) != 0)
		e->stats.ns_cached++;
	store_writer_put(e->writer, o);
}

/* Record O, an answer reused (nscache_copy), as Q's: for its visit's domain, now. */
static void
engine_put_reused(struct crawl_engine *e, struct crawl_query *q, struct obs *o)
{
	o->domain_id = q->visit->domain_id;
	o->observed_us = clock_wall_us();
	engine_put(e, o);
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
	struct queue_item item;
	int64_t interval;

	item.id = vis->domain_id;
	memcpy(item.name, vis->name, sizeof(item.name));
	interval = queue_next_interval(&e->policy, &vis->seen, &item.state);
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

/* Q is done: free it, and end its visit when it was the visit's last. */
static void
engine_query_done(struct crawl_engine *e, struct crawl_query *q)
{
	struct visit *vis = q->visit;

	free(q);
	if (--vis->pending == 0)
		engine_visit_done(e, vis);
}

/*
 * The answer O to name-server lookup Q (NULL: none measured, STATUS says
 * why) goes into the NS cache and to every visit waiting for it: each gets
 * its own copy (a query never sent is skipped for them too).
 */
static void
engine_answer_waiters(struct crawl_engine *e, struct crawl_query *q, int status,
    const struct obs *o)
{
	struct nscache_waiter *w = nscache_complete(e->nsc, q->vi, q->qname, q->vq.qtype, o,
	    clock_mono_us());

	while (w != NULL) {
		struct crawl_query *wq = (struct crawl_query *)(void *)((char *)w -
		    offsetof(struct crawl_query, wait));
		struct obs *copy;

		w = w->next;
		if (status == VANTAGE_SKIPPED)
			e->stats.skipped++;
		else if (o != NULL && (copy = nscache_copy(o, 0)) != NULL)
			engine_put_reused(e, wq, copy);
		else if (o != NULL)
			log_warnx("crawl: out of memory recording a response for %s", wq->visit->name);
		engine_query_done(e, wq);
	}
}

void
engine_done(struct vantage_query *vq, int status, int timeouts, const unsigned char *abuf,
    int alen, void *arg)
{
	struct crawl_engine *e = arg;
	struct crawl_query *q = (struct crawl_query *)vq;
	struct visit *vis = q->visit;
	static struct dns_answer ans;	/* the loop is single-threaded; keeps 33 KB off the stack */
	struct obs *o = NULL;

	(void)timeouts;
	if (status == VANTAGE_SKIPPED) {
		e->stats.skipped++;
	} else if (status != ARES_EDESTRUCTION) {
		int rcode = 0;

		if ((o = engine_obs(e, q, status, abuf, alen, &ans, &rcode)) == NULL)
			log_warnx("crawl: out of memory recording a response for %s", vis->name);
		else if (q->qname[0] == '\0' && vq->qtype == T_NS && rcode == 0)
			engine_fan_out(e, vis, q->vi, &ans);
		else if (q->qname[0] == '\0' && vq->qtype != T_NS)
			engine_note(vis, rcode, &ans);
	}
	if (q->qname[0] != '\0' && e->nsc != NULL)
		engine_answer_waiters(e, q, status, o);
	if (o != NULL)
		engine_put(e, o);
	engine_query_done(e, q);
}

/* A query of VIS through vantage VI (QNAME NULL: the domain). NULL when out of memory (logged). */
static struct crawl_query *
engine_query(struct visit *vis, size_t vi, const char *qname, int qtype)
{
	size_t n = qname != NULL ? strlen(qname) : 0;
	struct crawl_query *q = calloc(1, sizeof(*q) + n + 1);

	if (q == NULL) {
		log_warnx("crawl: out of memory; query for %s not sent", vis->name);
		return NULL;
	}
	if (n > 0)
		memcpy(q->qname, qname, n + 1);
	q->visit = vis;
	q->vi = vi;
	q->vq.qname = n > 0 ? q->qname : vis->name;
	q->vq.qtype = qtype;
	return q;
}

static void
engine_send(struct crawl_engine *e, struct crawl_query *q)
{
	q->visit->pending++;
	vantage_submit(e->v[q->vi], &q->vq);
}

static void
engine_submit(struct crawl_engine *e, struct visit *vis, size_t vi, const char *qname, int qtype)
{
	struct crawl_query *q = engine_query(vis, vi, qname, qtype);

	if (q != NULL)
		engine_send(e, q);
}

/*
 * Ask vantage VI for QTYPE of name server NS for VIS, unless the NS cache
 * has the answer (recorded now) or another visit has asked (VIS waits).
 */
static void
engine_ask_ns(struct crawl_engine *e, struct visit *vis, size_t vi, const char *ns, int qtype)
{
	struct crawl_query *q = engine_query(vis, vi, ns, qtype);
	struct obs *hit = NULL;
	enum nscache_status st;

	if (q == NULL)
		return;
	st = e->nsc != NULL ? nscache_lookup(e->nsc, vi, ns, qtype, clock_mono_us(), &q->wait, &hit) :
	    NSCACHE_ASK;
	if (st == NSCACHE_HIT) {
		engine_put_reused(e, q, hit);
		free(q);
	} else if (st == NSCACHE_WAIT) {
		vis->pending++;		/* served by engine_answer_waiters() */
	} else {
		engine_send(e, q);
	}
}

/* Start a visit of ITEM: A, AAAA and NS through every vantage. */
int
engine_visit(struct crawl_engine *e, const struct queue_item *item)
{
	struct visit *vis = calloc(1, sizeof(*vis) + e->n * sizeof(int));

	if (vis == NULL)
		return -1;
	vis->domain_id = item->id;
	memcpy(vis->name, item->name, sizeof(vis->name));
	vis->seen.id = item->id;
	vis->seen.before = item->state;
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
