/*
 * longhaul — bench/longhaul.sh's driver: one revisit policy over a
 * population (bench/longhaul_model.h) for a simulated week on a fake
 * clock, no resolver.
 *
 * Time: an event queue of next visits in fake milliseconds; the fake run
 * ends at LONGHAUL_END (the real time the script started), so every
 * observed_at lies in the past week and the database's now()-based SQL
 * (partitions, scoring window) holds. Each visit asks what the real
 * crawler asks (crawler/visit.c): A, AAAA, NS through every vantage, then
 * A and AAAA of every NS host named; the next visit comes from the real
 * queue_next_interval() (storage/queue.h).
 *
 * Every domain is simulated (queries are counted for all of them); the
 * visits of a stratified sample (every k-th domain of each class,
 * LONGHAUL_STORED domains in all) are also stored: each response becomes
 * the struct obs a real visit makes, with observed_at = fake time, handed
 * to the real writer (storage/writer.h: binary COPY, and whatever rollup
 * the writer maintains). A week of today's policy over 100,000 domains is
 * about 5e9 responses (7,400 a domain a day, 1.7 MB stored): storing all of
 * it would take days and over a TB, so bytes are measured on the sample and
 * given per domain.
 *
 * Scoring: at 5, 10, 20, ... fake minutes (so the visits until a label are
 * seen closely), then every LONGHAUL_SCORE_EVERY fake seconds, the writer
 * is drained and `fluxwatch score --all` runs with a window reaching back exactly
 * LONGHAUL_WINDOW before the fake now (the observations after it do not
 * exist yet), so the real pass (fw_analyze_rollup, fw_features,
 * fw_label) scores what it would have then; its wall time is one "seconds
 * per scoring pass". The sample's labels come from verdicts; a domain
 * outside the sample is given its class's label at the first pass after it
 * has min_responses A/AAAA responses (LONGHAUL_MIN_RESPONSES, default 12,
 * the scoring default); the sample's confusion table says how far the real
 * scorer agrees.
 *
 * Policies (argv[1]):
 *   today  queue_next_interval() as it is; every NS host asked on every
 *          visit through every vantage;
 *   new    the settle_after back-off (see lh_interval: a stand-in until the
 *          revisits work lands) and an NS cache: a host's A/AAAA asked
 *          once per TTL per vantage (the nscache work's model).
 *
 * Prints "key value" lines for the script (bench/longhaul.sh) to tabulate.
 * Uses the PG* environment; the domains d0.lh.example ... must be seeded.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "bench/longhaul_model.h"
#include "common/cfg.h"
#include "common/clock.h"
#include "storage/obs.h"
#include "storage/queue.h"
#include "storage/store.h"
#include "storage/vantages.h"
#include "storage/writer.h"

extern char **environ;

#define LH_MAX_VANTAGES 8
#define LH_MAX_PASSES 4096
#define LH_MAX_PENDING 200000	/* responses queued for the writer before the driver waits */
#define LH_FIRST_PASS_MS 300000	/* passes at 5, 10, 20, ... fake minutes, then every score_every */

enum lh_label { LH_NONE = -1, LB_SINGLE, LB_DOUBLE, LB_CDN, LB_BENIGN, LB_UNRESOLVED,
	LB_INSUFFICIENT, LB_N };
static const char *const lh_label_name[LB_N] = { "single_flux", "double_flux", "cdn", "benign",
	"unresolved", "insufficient" };
static const int lh_truth[LH_NCLASS] = { LB_BENIGN, LB_CDN, LB_SINGLE, LB_DOUBLE, LB_SINGLE,
	LB_UNRESOLVED };

struct lh_opts {
	const char *policy;
	int news;		/* the "new" policy */
	uint32_t domains;
	uint32_t stored;
	int days;
	int vantages;
	uint64_t seed;
	int64_t score_every_s;
	int64_t window_s;
	int64_t end_s;		/* unix seconds of the fake run's end */
	int settle_after;
	int min_responses;
	const char *fw;		/* the fluxwatch binary */
	const char *tmpdir;
};

/* What the schedule holds of one domain. */
struct lh_state {
	int64_t id;		/* domains.id */
	int64_t next_ms;	/* fake ms since the start */
	int64_t flux_ms;	/* first flux label at (fake ms), -1: none yet */
	int64_t first_ms;	/* first visit */
	int64_t flip_ms;	/* first visit after it turned flux (-1: not yet) */
	uint32_t visits;
	uint32_t flip_visits;	/* visits made before that one */
	uint32_t flux_visits;	/* visits made when first labelled flux */
	struct queue_state q;	/* what the queue keeps of it (domains' columns) */
	int8_t label;
	uint8_t stored;
};

struct lh_count {
	long long domains, stored, visits, own, ns, ns_cached;
};

struct lh_run {
	struct lh_opts o;
	struct lh_model m;
	struct lh_state *st;
	uint32_t *heap;
	uint32_t n_heap;
	uint32_t *by_id;	/* domains.id -> index (UINT32_MAX: none) */
	int64_t max_id;
	int64_t *ns_cache;	/* [vantage * hosts + host]: expiry, fake ms */
	uint32_t hosts;
	int vantage_id[LH_MAX_VANTAGES];
	struct store *db;
	struct store_writer *w;
	struct lh_count c[LH_NCLASS];
	double pass_s[LH_MAX_PASSES];
	int passes;
	double full_s;		/* passes over a full window (fake now >= window): their sum, */
	double full_max_s;	/* the longest, */
	int full;		/* and how many */
	long long confusion[LH_NCLASS][LB_N];
};

static int64_t
lh_env(const char *name, int64_t def, int64_t lo, int64_t hi)
{
	const char *s = getenv(name);
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "longhaul: %s=%s: not a number in %lld..%lld\n", name, s,
		    (long long)lo, (long long)hi);
		exit(2);
	}
	return v;
}

static void
lh_options(struct lh_opts *o, int argc, char **argv)
{
	const char *fw = getenv("FW_BIN"), *tmp = getenv("TMPDIR");

	if (argc != 2 || (strcmp(argv[1], "today") != 0 && strcmp(argv[1], "new") != 0)) {
		fprintf(stderr, "usage: longhaul today|new (sizes in LONGHAUL_* variables)\n");
		exit(2);
	}
	o->policy = argv[1];
	o->news = strcmp(argv[1], "new") == 0;
	o->domains = (uint32_t)lh_env("LONGHAUL_DOMAINS", 100000, 1, 10000000);
	o->stored = (uint32_t)lh_env("LONGHAUL_STORED", 200, 0, 10000000);
	o->days = (int)lh_env("LONGHAUL_DAYS", 7, 1, 60);
	o->vantages = (int)lh_env("LONGHAUL_VANTAGES", 2, 1, LH_MAX_VANTAGES);
	o->seed = (uint64_t)lh_env("LONGHAUL_SEED", 1, 0, INT64_MAX);
	o->score_every_s = lh_env("LONGHAUL_SCORE_EVERY", 43200, 60, 86400 * 60);
	o->window_s = lh_env("LONGHAUL_WINDOW", 86400, 1, 86400 * 60);
	o->end_s = lh_env("LONGHAUL_END", clock_wall_us() / 1000000, 0, INT64_MAX);
	o->settle_after = (int)lh_env("LONGHAUL_SETTLE_AFTER", 3, 0, 1000000);
	o->min_responses = (int)lh_env("LONGHAUL_MIN_RESPONSES", 12, 1, 1000000);
	o->fw = fw != NULL && *fw != '\0' ? fw : "fluxwatch";
	o->tmpdir = tmp != NULL && *tmp != '\0' ? tmp : "/tmp";
}

/* --- the event queue: a binary heap of domains by next visit ------------- */

static int
lh_before(const struct lh_run *r, uint32_t a, uint32_t b)
{
	return r->st[a].next_ms < r->st[b].next_ms;
}

static void
lh_push(struct lh_run *r, uint32_t i)
{
	uint32_t k = r->n_heap++;

	r->heap[k] = i;
	while (k > 0 && lh_before(r, r->heap[k], r->heap[(k - 1) / 2])) {
		uint32_t p = (k - 1) / 2, t = r->heap[p];

		r->heap[p] = r->heap[k];
		r->heap[k] = t;
		k = p;
	}
}

static uint32_t
lh_pop(struct lh_run *r)
{
	uint32_t top = r->heap[0], k = 0;

	r->heap[0] = r->heap[--r->n_heap];
	for (;;) {
		uint32_t l = 2 * k + 1, m = k, t;

		if (l < r->n_heap && lh_before(r, r->heap[l], r->heap[m]))
			m = l;
		if (l + 1 < r->n_heap && lh_before(r, r->heap[l + 1], r->heap[m]))
			m = l + 1;
		if (m == k)
			return top;
		t = r->heap[m];
		r->heap[m] = r->heap[k];
		r->heap[k] = t;
		k = m;
	}
}

/* --- the database side ------------------------------------------------------ */

static int
lh_fail(const char *what, const char *err)
{
	fprintf(stderr, "longhaul: %s: %s\n", what, err);
	return -1;
}

static uint32_t
lh_ip4(const char *s)
{
	unsigned a, b, c, d;

	return sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d) == 4 ?
	    (uint32_t)(a << 24 | b << 16 | c << 8 | d) : 0;
}

/*
 * One range (its largest) of each of up to LIMIT ASNs picked by WHERE, in a
 * seeded order, from asn_ranges; without ASN data, synthetic /16s of their
 * own (scoring then counts /16s instead of ASNs).
 */
static int
lh_ranges(struct store *db, const char *where, int limit, int offset, struct lh_range **out,
    size_t *n)
{
	char sql[1024], err[STORE_ERRLEN];
	struct store_res *res;
	size_t rows;

	snprintf(sql, sizeof(sql),
	    "SELECT host(s), (e - s) + 1 FROM (SELECT DISTINCT ON (asn) asn, range_start s, range_end e "
	    "FROM asn_ranges WHERE family(range_start) = 4 AND %s "
	    "AND CASE WHEN family(range_start) = 4 THEN range_end - range_start >= 255 END "
	    "ORDER BY asn, range_end - range_start DESC) x ORDER BY md5(asn::text) LIMIT %d OFFSET %d",
	    where, limit, offset);
	if ((res = store_query(db, sql, 0, NULL, err, sizeof(err))) == NULL)
		return lh_fail("address ranges", err);
	rows = (size_t)store_res_rows(res);
	*n = rows > 0 ? rows : (size_t)limit;
	if ((*out = calloc(*n, sizeof(**out))) == NULL) {
		store_res_free(res);
		return lh_fail("address ranges", "out of memory");
	}
	for (size_t k = 0; k < *n; k++) {
		if (rows > 0) {
			long long size = strtoll(store_res_value(res, (int)k, 1), NULL, 10);

			(*out)[k].start = lh_ip4(store_res_value(res, (int)k, 0));
			(*out)[k].size = (uint32_t)(size < 65536 ? size : 65536);
		} else {
			(*out)[k].start = (uint32_t)(20 + (offset + k) / 256) << 24 |
			    (uint32_t)((offset + k) % 256) << 16;
			(*out)[k].size = 65536;
		}
	}
	store_res_free(res);
	return 0;
}

static int
lh_pools(struct store *db, struct lh_pools *p)
{
	static const char other[] = "asn NOT IN (SELECT asn FROM cdn_asns) "
	    "AND asn NOT IN (SELECT asn FROM hosting_asns)";

	return lh_ranges(db, other, 2000, 0, &p->flux, &p->n_flux) != 0 ||
	    lh_ranges(db, "asn IN (SELECT asn FROM cdn_asns)", 50, 2000, &p->cdn, &p->n_cdn) != 0 ||
	    lh_ranges(db, other, 5000, 2000, &p->plain, &p->n_plain) != 0 ? -1 : 0;
}

/* Ids of the seeded domains d<i>.lh.example into the states, and back; 0 or -1. */
static int
lh_ids(struct lh_run *r)
{
	char err[STORE_ERRLEN];
	struct store_res *res = store_query(r->db,
	    "SELECT id, substr(split_part(name, '.', 1), 2) FROM domains WHERE name LIKE 'd%.lh.example'",
	    0, NULL, err, sizeof(err));
	uint32_t found = 0;

	if (res == NULL)
		return lh_fail("domain ids", err);
	for (int k = 0; k < store_res_rows(res); k++) {
		unsigned long i = strtoul(store_res_value(res, k, 1), NULL, 10);

		if (i < r->o.domains) {
			r->st[i].id = strtoll(store_res_value(res, k, 0), NULL, 10);
			found++;
		}
	}
	store_res_free(res);
	if (found != r->o.domains) {
		fprintf(stderr, "longhaul: %u of d0..d%u.lh.example seeded\n", found, r->o.domains - 1);
		return -1;
	}
	r->max_id = 0;
	for (uint32_t i = 0; i < r->o.domains; i++)
		r->max_id = r->st[i].id > r->max_id ? r->st[i].id : r->max_id;
	if ((r->by_id = malloc(((size_t)r->max_id + 1) * sizeof(*r->by_id))) == NULL)
		return lh_fail("domain ids", "out of memory");
	memset(r->by_id, 0xff, ((size_t)r->max_id + 1) * sizeof(*r->by_id));
	for (uint32_t i = 0; i < r->o.domains; i++)
		r->by_id[r->st[i].id] = i;
	return 0;
}

static int
lh_vantages(struct lh_run *r)
{
	char name[32], addr[32], err[STORE_ERRLEN];

	for (int v = 0; v < r->o.vantages; v++) {
		snprintf(name, sizeof(name), "longhaul%d", v + 1);
		snprintf(addr, sizeof(addr), "127.0.90.%d", 11 + v);
		if (vantages_register(r->db, name, addr, 53, &r->vantage_id[v], err, sizeof(err)) != 0)
			return lh_fail("vantages", err);
	}
	return 0;
}

/* Wait until the writer has stored everything queued. */
static void
lh_drain(struct lh_run *r, long long below)
{
	const struct timespec pause = { 0, 2000000 };

	while (store_writer_pending(r->w) > below)
		nanosleep(&pause, NULL);
}

/* --- a visit ------------------------------------------------------------- */

/* The obs of one response of domain I (about HOST when it is not UINT32_MAX). */
static void
lh_store(struct lh_run *r, uint32_t i, int64_t at_us, int v, int qtype, uint32_t host,
    const struct lh_answer *a)
{
	char txt[LH_MAX_RR][80], qname[80] = "";
	size_t strbytes = 0;
	struct obs *o;

	if (host != UINT32_MAX)
		lh_host_name(host, qname, sizeof(qname));
	strbytes += strlen(qname) + 1;
	for (size_t k = 0; k < a->n; k++) {
		lh_rr_text(&r->m, i, &a->rr[k], txt[k], sizeof(txt[k]));
		strbytes += strlen(txt[k]) + 1;
	}
	if ((o = obs_create(a->n, strbytes)) == NULL) {
		fprintf(stderr, "longhaul: out of memory\n");
		exit(1);
	}
	o->domain_id = r->st[i].id;
	o->observed_us = (r->o.end_s - (int64_t)r->o.days * 86400) * 1000000 + at_us;
	o->vantage_id = r->vantage_id[v];
	o->qtype = qtype;
	o->rcode = a->rcode;
	o->flags = 0;
	o->latency_us = a->rcode == OBS_TIMEOUT ? 2000000 : 1500;
	o->qname = host != UINT32_MAX ? obs_strdup(o, qname) : NULL;
	for (size_t k = 0; k < a->n; k++) {
		o->rr[k].type = a->rr[k].type;
		o->rr[k].ttl = a->rr[k].ttl;
		o->rr[k].is_addr = a->rr[k].type == LH_T_A || a->rr[k].type == LH_T_AAAA;
		o->rr[k].data = obs_strdup(o, txt[k]);
	}
	store_writer_put(r->w, o);
}

/* Fold an answer to the domain's own A/AAAA query into SEEN (as crawler/visit.c does). */
static void
lh_note(struct queue_visit *seen, const struct lh_answer *a)
{
	if (a->rcode != 0)
		return;
	seen->answered = 1;
	for (size_t k = 0; k < a->n; k++) {
		if (seen->min_ttl_s < 0 || a->rr[k].ttl < seen->min_ttl_s)
			seen->min_ttl_s = a->rr[k].ttl;
		if (a->rr[k].type != LH_T_CNAME) {
			seen->resolved = 1;
			seen->signature += lh_hash(a->rr[k].val, a->rr[k].type, 0);
		}
	}
}

/* A and AAAA of the NS hosts of answer NS, through vantage V (the "new" policy: unless cached). */
static void
lh_fan_out(struct lh_run *r, uint32_t i, int64_t t_ms, int v, const struct lh_answer *ns)
{
	static const int qt[2] = { LH_T_A, LH_T_AAAA };
	struct lh_count *c = &r->c[r->m.dom[i].cls];
	struct lh_answer a;

	for (size_t k = 0; k < ns->n; k++) {
		uint32_t host = (uint32_t)ns->rr[k].val, ttl = UINT32_MAX;
		int64_t *expiry = &r->ns_cache[(size_t)v * r->hosts + host];

		if (r->o.news && *expiry > t_ms) {
			c->ns_cached += 2;
			continue;
		}
		if (!r->o.news && !r->st[i].stored) {	/* nothing needs the answers: count only */
			c->ns += 2;
			continue;
		}
		for (int q = 0; q < 2; q++) {
			lh_answer_host(&r->m, host, t_ms / 1000, v, qt[q], &a);
			c->ns++;
			if (r->st[i].stored)
				lh_store(r, i, t_ms * 1000 + 300 * (v * 40 + 4 + (int)k * 2 + q), v, qt[q],
				    host, &a);
			if (lh_answer_min_ttl(&a) < ttl)
				ttl = lh_answer_min_ttl(&a);
		}
		*expiry = t_ms + (int64_t)ttl * 1000;
	}
}

/*
 * The next interval of domain I after SEEN: the real schedule
 * (queue_next_interval), with the defaults' min and max interval; the
 * "new" policy backs off settled domains (schedule.settle_after,
 * schedule.backoff), "today" never does (settle_after 0).
 */
static int64_t
lh_interval(struct lh_run *r, uint32_t i, const struct queue_visit *seen)
{
	const struct queue_policy pol = { 60000, 6 * 3600000, r->o.news ? r->o.settle_after : 0, 2, 0 };

	return queue_next_interval(&pol, seen, &r->st[i].q);
}

static void
lh_visit(struct lh_run *r, uint32_t i)
{
	static const int qt[3] = { LH_T_A, LH_T_AAAA, LH_T_NS };
	struct lh_state *s = &r->st[i];
	struct lh_count *c = &r->c[r->m.dom[i].cls];
	struct queue_visit seen = { s->id, s->q, 0, 0, -1, 0 };
	int64_t t_ms = s->next_ms;
	struct lh_answer a;

	if (s->visits == 0)
		s->first_ms = t_ms;
	if (s->flip_ms < 0 && lh_is_flux(&r->m, i, t_ms / 1000)) {
		s->flip_ms = t_ms;
		s->flip_visits = s->visits;
	}
	s->visits++;
	c->visits++;
	for (int v = 0; v < r->o.vantages; v++) {
		for (int q = 0; q < 3; q++) {
			lh_answer_domain(&r->m, i, t_ms / 1000, v, qt[q], &a);
			c->own++;
			if (s->stored)
				lh_store(r, i, t_ms * 1000 + 300 * (v * 40 + q), v, qt[q], UINT32_MAX, &a);
			if (qt[q] != LH_T_NS)
				lh_note(&seen, &a);
			else if (a.rcode == 0)
				lh_fan_out(r, i, t_ms, v, &a);
		}
	}
	s->next_ms = t_ms + lh_interval(r, i, &seen);
}

/* --- scoring passes ------------------------------------------------------ */

static int
lh_label_code(const char *s)
{
	for (int k = 0; k < LB_N; k++)
		if (strcmp(s, lh_label_name[k]) == 0)
			return k;
	return LH_NONE;
}

static void
lh_set_label(struct lh_run *r, uint32_t i, int label, int64_t t_ms)
{
	struct lh_state *s = &r->st[i];

	/* the scoring pass's count (fw_settled_passes): passes in a row that
	 * repeated a benign, cdn or unresolved label */
	if (label == s->label && (label == LB_BENIGN || label == LB_CDN || label == LB_UNRESOLVED))
		s->q.settled_passes++;
	else
		s->q.settled_passes = 0;
	s->label = (int8_t)label;
	if ((label == LB_SINGLE || label == LB_DOUBLE) && s->flux_ms < 0 && s->flip_ms >= 0) {
		s->flux_ms = t_ms;
		s->flux_visits = s->visits;
	}
}

/*
 * The labels of the pass just run (begun at the database's time BEGAN: a
 * pass is several sessions, each its own scored_at) into the states: the
 * sample's from its verdicts; every other domain gets its class's label
 * once it has min_responses A/AAAA responses. 0, or -1 with err.
 */
static int
lh_labels(struct lh_run *r, int64_t t_ms, const char *began, char *err, size_t errlen)
{
	uint32_t per_visit = 2 * (uint32_t)r->o.vantages;
	uint32_t need = ((uint32_t)r->o.min_responses + per_visit - 1) / per_visit;
	const char *p[1] = { began };
	struct store_res *res = store_query(r->db,
	    "SELECT domain_id, label FROM verdicts WHERE scored_at >= $1::timestamptz", 1, p,
	    err, errlen);

	if (res == NULL)
		return -1;
	for (int k = 0; k < store_res_rows(res); k++) {
		long long id = strtoll(store_res_value(res, k, 0), NULL, 10);

		if (id >= 0 && id <= r->max_id && r->by_id[id] != UINT32_MAX)
			lh_set_label(r, r->by_id[id], lh_label_code(store_res_value(res, k, 1)), t_ms);
	}
	store_res_free(res);
	for (uint32_t i = 0; i < r->o.domains; i++)
		if (!r->st[i].stored && r->st[i].visits >= need)
			lh_set_label(r, i, r->m.dom[i].cls == LH_LATE && r->st[i].flip_ms < 0 ? LB_BENIGN :
			    lh_truth[r->m.dom[i].cls], t_ms);
	return 0;
}

/* Run `fluxwatch score --all` as it would have run at fake T_MS; its wall time is recorded. */
static int
lh_score_pass(struct lh_run *r, int64_t t_ms)
{
	char cfg[512], err[STORE_ERRLEN], began[64];
	char *argv[] = { (char *)r->o.fw, (char *)"-q", (char *)"-c", cfg, (char *)"score",
		(char *)"--all", NULL };
	struct store_res *res;
	int64_t fake_now_s = r->o.end_s - (int64_t)r->o.days * 86400 + t_ms / 1000;
	posix_spawn_file_actions_t fa;
	int64_t t0;
	pid_t pid;
	FILE *f;
	int status;

	lh_drain(r, 0);
	snprintf(cfg, sizeof(cfg), "%s/longhaul-score-%ld.yaml", r->o.tmpdir, (long)getpid());
	if ((f = fopen(cfg, "w")) == NULL)
		return lh_fail(cfg, strerror(errno));
	/* since = now() - window = the fake now - LONGHAUL_WINDOW */
	fprintf(f, "scoring: {window: %llds}\n",
	    (long long)(clock_wall_us() / 1000000 - fake_now_s + r->o.window_s));
	if (fclose(f) != 0)
		return lh_fail(cfg, strerror(errno));
	if ((res = store_query(r->db, "SELECT now()::text", 0, NULL, err, sizeof(err))) == NULL)
		return lh_fail("now()", err);
	snprintf(began, sizeof(began), "%s", store_res_value(res, 0, 0));
	store_res_free(res);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = clock_mono_us();
	if ((status = posix_spawnp(&pid, r->o.fw, &fa, NULL, argv, environ)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return lh_fail(r->o.fw, strerror(status));
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return lh_fail("score --all", "failed");
	if (r->passes < LH_MAX_PASSES)
		r->pass_s[r->passes++] = (double)(clock_mono_us() - t0) / 1e6;
	if (t_ms >= r->o.window_s * 1000) {
		double s = (double)(clock_mono_us() - t0) / 1e6;

		r->full_s += s;
		r->full_max_s = s > r->full_max_s ? s : r->full_max_s;
		r->full++;
	}
	remove(cfg);
	return lh_labels(r, t_ms, began, err, sizeof(err)) != 0 ? lh_fail("verdicts", err) : 0;
}

/* --- set-up, the run, the summary ------------------------------------------- */

static int
lh_setup(struct lh_run *r)
{
	const struct store_writer_cfg wcfg = { "", 20000, 500, 86400000, CFG_FOREVER, CFG_FOREVER, 30000,
		r->o.tmpdir };
	uint32_t every = r->o.stored > 0 ? (r->o.domains + r->o.stored - 1) / r->o.stored : 0;
	uint32_t rank[LH_NCLASS] = { 0 };
	char err[STORE_ERRLEN];
	struct lh_pools pools;

	if ((r->db = store_open("", err, sizeof(err))) == NULL)
		return lh_fail("database", err);
	if (lh_pools(r->db, &pools) != 0 || lh_vantages(r) != 0)
		return -1;
	if (lh_model_init(&r->m, r->o.seed, r->o.domains, (uint32_t)r->o.days * 86400, &pools) != 0)
		return lh_fail("population", "out of memory");
	r->hosts = lh_model_hosts(&r->m);
	r->st = calloc(r->o.domains, sizeof(*r->st));
	r->heap = calloc(r->o.domains, sizeof(*r->heap));
	r->ns_cache = calloc((size_t)r->o.vantages * r->hosts, sizeof(*r->ns_cache));
	if (r->st == NULL || r->heap == NULL || r->ns_cache == NULL)
		return lh_fail("population", "out of memory");
	if (lh_ids(r) != 0)
		return -1;
	for (uint32_t i = 0; i < r->o.domains; i++) {
		struct lh_state *s = &r->st[i];
		int cls = r->m.dom[i].cls;

		s->next_ms = (int64_t)(lh_hash(r->o.seed, i, 99) % 60000);	/* all due in the first minute */
		s->flux_ms = -1;
		s->flip_ms = -1;
		s->label = LH_NONE;
		s->stored = every > 0 && rank[cls]++ % every == 0;
		r->c[cls].domains++;
		r->c[cls].stored += s->stored;
		lh_push(r, i);
	}
	if ((r->w = store_writer_start(&wcfg, err, sizeof(err))) == NULL)
		return lh_fail("writer", err);
	return 0;
}

static int
lh_run_week(struct lh_run *r)
{
	int64_t end_ms = (int64_t)r->o.days * 86400000, every = r->o.score_every_s * 1000;
	int64_t next_pass = LH_FIRST_PASS_MS < every ? LH_FIRST_PASS_MS : every, t0 = clock_mono_us();
	unsigned long long n = 0;

	for (;;) {
		int64_t due = next_pass < end_ms ? next_pass : end_ms;
		uint32_t i;

		if (r->st[r->heap[0]].next_ms >= due) {
			if (lh_score_pass(r, due) != 0)
				return -1;
			fprintf(stderr, "longhaul %s: fake %.1f h of %d d, %llu visits, pass %.2f s, "
			    "%.0f s so far\n", r->o.policy, due / 3.6e6, r->o.days, n,
			    r->pass_s[r->passes - 1], (double)(clock_mono_us() - t0) / 1e6);
			if (due == end_ms)
				return 0;
			next_pass = next_pass * 2 < every ? next_pass * 2 : (next_pass / every + 1) * every;
			continue;
		}
		i = lh_pop(r);
		lh_visit(r, i);
		lh_push(r, i);
		if (++n % 1024 == 0 && store_writer_pending(r->w) > LH_MAX_PENDING)
			lh_drain(r, LH_MAX_PENDING / 2);
	}
}

static int
lh_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
lh_median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), lh_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Visits and hours until the sample's flux domains of class CLS were first
 * labelled flux, counted from their first visit as flux (a late one's
 * first visit after its turn).
 */
static void
lh_print_flux(struct lh_run *r, int cls)
{
	double *visits = calloc(r->o.domains, sizeof(double)), *hours = calloc(r->o.domains, sizeof(double));
	size_t n = 0, of = 0;
	double vmed, hmed;

	if (visits == NULL || hours == NULL) {
		free(visits);
		free(hours);
		return;
	}
	for (uint32_t i = 0; i < r->o.domains; i++) {
		const struct lh_state *s = &r->st[i];

		if (!s->stored || r->m.dom[i].cls != cls)
			continue;
		of++;
		if (s->flux_ms >= 0) {
			visits[n] = s->flux_visits - s->flip_visits;
			hours[n++] = (double)(s->flux_ms - s->flip_ms) / 3.6e6;
		}
	}
	vmed = lh_median(visits, n);	/* sorts: the maximum is last */
	hmed = lh_median(hours, n);
	printf("flux %s labelled %zu of %zu visits_median %.0f visits_max %.0f hours_median %.2f "
	    "hours_max %.2f\n", lh_class_name[cls], n, of, vmed, n > 0 ? visits[n - 1] : 0, hmed,
	    n > 0 ? hours[n - 1] : 0);
	free(visits);
	free(hours);
}

static void
lh_summary(struct lh_run *r, const struct store_writer_totals *tot)
{
	double mean = 0, med;

	printf("policy %s domains %u days %d vantages %d score_every_s %lld window_s %lld\n",
	    r->o.policy, r->o.domains, r->o.days, r->o.vantages, (long long)r->o.score_every_s,
	    (long long)r->o.window_s);
	for (int c = 0; c < LH_NCLASS; c++)
		printf("class %s domains %lld stored %lld visits %lld own %lld ns %lld ns_cached %lld\n",
		    lh_class_name[c], r->c[c].domains, r->c[c].stored, r->c[c].visits, r->c[c].own,
		    r->c[c].ns, r->c[c].ns_cached);
	for (int k = 0; k < r->passes; k++)
		mean += r->pass_s[k] / r->passes;
	med = lh_median(r->pass_s, (size_t)r->passes);	/* sorts: the maximum is last */
	printf("passes %d seconds_mean %.3f seconds_median %.3f seconds_max %.3f\n", r->passes, mean,
	    med, r->passes > 0 ? r->pass_s[r->passes - 1] : 0);
	printf("full_passes %d seconds_mean %.3f seconds_max %.3f\n", r->full,
	    r->full > 0 ? r->full_s / r->full : 0, r->full_max_s);
	lh_print_flux(r, LH_FLUX);
	lh_print_flux(r, LH_DFLUX);
	lh_print_flux(r, LH_LATE);
	for (uint32_t i = 0; i < r->o.domains; i++)
		if (r->st[i].stored && r->st[i].label != LH_NONE)
			r->confusion[r->m.dom[i].cls][r->st[i].label]++;
	for (int c = 0; c < LH_NCLASS; c++)
		for (int l = 0; l < LB_N; l++)
			if (r->confusion[c][l] > 0)
				printf("confusion %s %s %lld\n", lh_class_name[c], lh_label_name[l],
				    r->confusion[c][l]);
	printf("stored responses %lld\n", tot->stored);
}

int
main(int argc, char **argv)
{
	static struct lh_run r;
	struct store_writer_totals tot = { 0, 0 };
	int rc;

	lh_options(&r.o, argc, argv);
	rc = lh_setup(&r) == 0 && lh_run_week(&r) == 0 ? 0 : 1;
	if (r.w != NULL && store_writer_stop(r.w, &tot) != 0)
		rc = 1;
	if (rc == 0)
		lh_summary(&r, &tot);
	store_close(r.db);
	lh_model_free(&r.m);
	free(r.st);
	free(r.heap);
	free(r.ns_cache);
	free(r.by_id);
	return rc;
}
