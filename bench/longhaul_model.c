/*
 * longhaul_model — the answers of bench/longhaul's population (see the
 * header for the classes). Every draw is lh_hash() of the seed, the
 * domain's index and a salt, so nothing but the fixed traits is kept.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/longhaul_model.h"
#include "storage/obs.h"

const char *const lh_class_name[LH_NCLASS] = { "benign", "cdn", "flux", "dflux", "late", "dead" };
const int lh_class_share[LH_NCLASS] = { 70, 20, 3, 1, 1, 5 };

#define LH_FLUX_RANGES 60	/* ranges (ASNs) one flux domain draws from */
#define LH_FLUX_BOTS 1000	/* addresses (infected hosts) of one flux domain */
#define LH_CDN_EDGES 64		/* addresses one CDN customer rotates through */
#define LH_NS_TTL 86400
#define LH_DFLUX_NS_TTL 300
#define LH_CNAME_TTL 300
#define LH_NEG_TTL 3600		/* NODATA: the SOA minimum of the model's zones */

static const char *const lh_cdn_suffix[] = {
	"cloudfront.net", "akamaiedge.net", "fastly.net", "azureedge.net", "edgekey.net"
};

uint64_t
lh_hash(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t z = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL) * 0xbf58476d1ce4e5b9ULL ^
	    (c + 0x2545f4914f6cdd1dULL) * 0x94d049bb133111ebULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
lh_h(const struct lh_model *m, uint64_t a, uint64_t b, uint64_t c)
{
	return lh_hash(m->seed ^ a, b, c);
}

static void
lh_draw(struct lh_model *m, uint32_t i)
{
	struct lh_dom *d = &m->dom[i];
	uint64_t h = lh_h(m, i, 1, 0), pick = h % 100;
	int cls = 0, sum = lh_class_share[0];

	while (pick >= (uint64_t)sum && cls + 1 < LH_NCLASS)
		sum += lh_class_share[++cls];
	d->cls = (uint8_t)cls;
	d->provider = (uint16_t)(lh_h(m, i, 2, 0) % LH_PROVIDERS);
	d->dense = -1;
	h = lh_h(m, i, 3, 0);
	switch (cls) {
	case LH_BENIGN:
		d->naddr = (uint8_t)(1 + h % 4);
		d->ttl = (uint32_t)lround(60.0 * pow(1440.0, (double)(lh_h(m, i, 4, 0) % 1000000) / 1e6));
		d->has_v6 = h / 4 % 10 < 3;
		d->renumber_at = h / 64 % 10 == 0 ? (uint32_t)(1 + h / 1024 % m->run_s) : 0;
		break;
	case LH_LATE:
		d->naddr = (uint8_t)(1 + h % 2);
		d->ttl = (uint32_t)lround(300.0 * pow(12.0, (double)(lh_h(m, i, 4, 0) % 1000000) / 1e6));
		d->renumber_at = (uint32_t)(m->run_s / 5 + h / 8 % (m->run_s * 2 / 5 + 1));
		d->pool = (uint32_t)(h / 4096 % m->pools.n_flux);
		break;
	case LH_CDN:
		d->naddr = (uint8_t)(2 + h % 7);
		d->ttl = (uint32_t)(20 + h / 8 % 281);
		d->pool = (uint32_t)(h / 4096 % m->pools.n_cdn);
		break;
	case LH_FLUX:
	case LH_DFLUX:
		d->naddr = (uint8_t)(1 + h % 5);
		d->ttl = (uint32_t)(60 + h / 8 % 241);
		d->pool = (uint32_t)(h / 4096 % m->pools.n_flux);
		if (cls == LH_DFLUX)
			d->dense = (int32_t)m->n_dflux++;
		break;
	default:
		d->timeouts = h % 3 == 0;
		break;
	}
}

int
lh_model_init(struct lh_model *m, uint64_t seed, uint32_t n, uint32_t run_s,
    const struct lh_pools *pools)
{
	m->seed = seed;
	m->n = n;
	m->run_s = run_s > 0 ? run_s : 1;
	m->n_dflux = 0;
	m->pools = *pools;
	m->dflux_dom = NULL;
	if ((m->dom = calloc(n > 0 ? n : 1, sizeof(*m->dom))) == NULL)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		lh_draw(m, i);
	if ((m->dflux_dom = calloc(m->n_dflux + 1, sizeof(*m->dflux_dom))) == NULL) {
		lh_model_free(m);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		if (m->dom[i].dense >= 0)
			m->dflux_dom[m->dom[i].dense] = i;
	return 0;
}

void
lh_model_free(struct lh_model *m)
{
	free(m->dom);
	free(m->dflux_dom);
	free(m->pools.flux);
	free(m->pools.cdn);
	free(m->pools.plain);
	m->pools.flux = m->pools.cdn = m->pools.plain = NULL;
	m->dom = NULL;
	m->dflux_dom = NULL;
}

uint32_t
lh_model_hosts(const struct lh_model *m)
{
	return LH_PROVIDERS * 2 + m->n_dflux * LH_DFLUX_NS;
}

/* The TTL slot a cached answer of period TTL is in at second T through vantage V; *left: its TTL then. */
static uint64_t
lh_slot(const struct lh_model *m, uint64_t who, uint32_t ttl, int64_t t, int v, uint32_t *left)
{
	uint64_t at = (uint64_t)t + lh_h(m, who, 5, (uint64_t)v) % ttl;

	*left = ttl - (uint32_t)(at % ttl);
	return at / ttl;
}

static void
lh_add(struct lh_answer *a, uint16_t type, uint32_t ttl, uint64_t val)
{
	if (a->n == LH_MAX_RR)
		return;
	a->rr[a->n].type = type;
	a->rr[a->n].ttl = ttl;
	a->rr[a->n++].val = val;
}

static uint32_t
lh_in(const struct lh_range *r, uint64_t h)
{
	return r->start + (uint32_t)(h % r->size);
}

/* The NS set of double-flux domain I at second T: 2-3 of its 12 hosts, every 300 s. */
static void
lh_dflux_ns(const struct lh_model *m, uint32_t i, int64_t t, int v, struct lh_answer *a)
{
	const struct lh_dom *d = &m->dom[i];
	uint32_t left;
	uint64_t slot = lh_slot(m, i + 0x100000000ULL, LH_DFLUX_NS_TTL, t, v, &left);
	uint64_t h = lh_h(m, i, 6, slot);
	uint32_t first = LH_PROVIDERS * 2 + (uint32_t)d->dense * LH_DFLUX_NS;

	for (uint64_t k = 0; k < 2 + h % 2; k++)	/* 5 and 12 are coprime: distinct names */
		lh_add(a, LH_T_NS, left, first + (h / 2 + k * 5) % LH_DFLUX_NS);
}

/* Addresses of a flux domain I (or of its name server SALT) in SLOT. */
static void
lh_flux_addrs(const struct lh_model *m, uint32_t i, uint64_t salt, uint64_t slot, int naddr,
    uint32_t ttl, struct lh_answer *a)
{
	const struct lh_dom *d = &m->dom[i];

	for (int j = 0; j < naddr; j++) {
		uint64_t bot = lh_h(m, i, salt + 7, slot * 16 + (uint64_t)j) % LH_FLUX_BOTS;
		uint64_t h = lh_h(m, i, 14, bot);
		const struct lh_range *r = &m->pools.flux[(d->pool + h % LH_FLUX_RANGES) % m->pools.n_flux];

		lh_add(a, LH_T_A, ttl, lh_in(r, h / LH_FLUX_RANGES));
	}
}

int
lh_is_flux(const struct lh_model *m, uint32_t i, int64_t t)
{
	const struct lh_dom *d = &m->dom[i];

	return d->cls == LH_FLUX || d->cls == LH_DFLUX || (d->cls == LH_LATE && t >= d->renumber_at);
}

static void
lh_address_answer(const struct lh_model *m, uint32_t i, int64_t t, int v, int qtype,
    struct lh_answer *a)
{
	const struct lh_dom *d = &m->dom[i];
	int cls = d->cls == LH_LATE ? (lh_is_flux(m, i, t) ? LH_FLUX : LH_BENIGN) : d->cls;
	uint32_t ttl = d->cls == LH_LATE && cls == LH_FLUX ? 60 + (uint32_t)(lh_h(m, i, 15, 0) % 241) :
	    d->ttl, left, cleft;
	uint64_t slot = lh_slot(m, i, ttl, t, v, &left);
	uint64_t salt = d->renumber_at != 0 && t >= d->renumber_at;
	const struct lh_range *home = &m->pools.plain[lh_h(m, i, 9, salt) % m->pools.n_plain];

	if (qtype == LH_T_AAAA) {
		if (cls == LH_BENIGN && d->has_v6)
			lh_add(a, LH_T_AAAA, left, lh_h(m, i, 8, salt));
		return;
	}
	switch (cls) {
	case LH_BENIGN:
		for (int j = 0; j < d->naddr; j++)
			lh_add(a, LH_T_A, left, lh_in(home, lh_h(m, i, 16, salt * 16 + (uint64_t)j)));
		break;
	case LH_CDN:
		(void)lh_slot(m, i + 0x200000000ULL, LH_CNAME_TTL, t, v, &cleft);
		lh_add(a, LH_T_CNAME, cleft, i);
		for (int j = 0; j < d->naddr; j++)
			lh_add(a, LH_T_A, left, lh_in(&m->pools.cdn[d->pool],
			    lh_h(m, i, 10, lh_h(m, i, 11, slot * 16 + (uint64_t)j) % LH_CDN_EDGES)));
		break;
	default:
		lh_flux_addrs(m, i, 0, slot, d->naddr, left, a);
		break;
	}
}

void
lh_answer_domain(const struct lh_model *m, uint32_t i, int64_t t, int v, int qtype,
    struct lh_answer *a)
{
	const struct lh_dom *d = &m->dom[i];
	uint32_t left;

	a->n = 0;
	a->rcode = 0;
	if (d->cls == LH_DEAD) {
		a->rcode = d->timeouts ? OBS_TIMEOUT : 3;
		return;
	}
	if (qtype != LH_T_NS) {
		lh_address_answer(m, i, t, v, qtype, a);
		return;
	}
	if (d->cls == LH_DFLUX) {
		lh_dflux_ns(m, i, t, v, a);
		return;
	}
	(void)lh_slot(m, i + 0x300000000ULL, LH_NS_TTL, t, v, &left);
	lh_add(a, LH_T_NS, left, (uint32_t)d->provider * 2);
	lh_add(a, LH_T_NS, left, (uint32_t)d->provider * 2 + 1);
}

void
lh_answer_host(const struct lh_model *m, uint32_t host, int64_t t, int v, int qtype,
    struct lh_answer *a)
{
	uint32_t left;

	a->n = 0;
	a->rcode = 0;
	if (host >= LH_PROVIDERS * 2) {
		uint64_t slot = lh_slot(m, host + 0x400000000ULL, LH_DFLUX_NS_TTL, t, v, &left);

		if (qtype == LH_T_A)
			lh_flux_addrs(m, m->dflux_dom[(host - LH_PROVIDERS * 2) / LH_DFLUX_NS], host + 1, slot, 1, left, a);
		return;
	}
	(void)lh_slot(m, host + 0x500000000ULL, LH_NS_TTL, t, v, &left);
	if (qtype == LH_T_A) {
		uint64_t h = lh_h(m, host, 12, 0);

		lh_add(a, LH_T_A, left, lh_in(&m->pools.plain[h % m->pools.n_plain], h / m->pools.n_plain));
	} else if (host % 2 == 0) {
		lh_add(a, LH_T_AAAA, left, lh_h(m, host, 13, 0));
	}
}

uint32_t
lh_answer_min_ttl(const struct lh_answer *a)
{
	uint32_t ttl = a->n > 0 ? a->rr[0].ttl : LH_NEG_TTL;

	for (size_t k = 1; k < a->n; k++)
		ttl = a->rr[k].ttl < ttl ? a->rr[k].ttl : ttl;
	return ttl;
}

void
lh_host_name(uint32_t host, char *buf, size_t len)
{
	if (host < LH_PROVIDERS * 2)
		snprintf(buf, len, "ns%u.prov%u.lh-dns.example", host % 2 + 1, host / 2);
	else
		snprintf(buf, len, "ns%u.df%u.lh-ns.example", (host - LH_PROVIDERS * 2) % LH_DFLUX_NS,
		    (host - LH_PROVIDERS * 2) / LH_DFLUX_NS);
}

void
lh_rr_text(const struct lh_model *m, uint32_t i, const struct lh_rr *rr, char *buf, size_t len)
{
	uint64_t v = rr->val;

	(void)m;
	switch (rr->type) {
	case LH_T_A:
		snprintf(buf, len, "%u.%u.%u.%u", (unsigned)(v >> 24 & 255), (unsigned)(v >> 16 & 255),
		    (unsigned)(v >> 8 & 255), (unsigned)(v & 255));
		break;
	case LH_T_AAAA:
		snprintf(buf, len, "2001:db8::%x:%x:%x:%x", (unsigned)(v >> 48 & 0xffff),
		    (unsigned)(v >> 32 & 0xffff), (unsigned)(v >> 16 & 0xffff), (unsigned)(v & 0xffff));
		break;
	case LH_T_NS:
		lh_host_name((uint32_t)v, buf, len);
		break;
	default:
		snprintf(buf, len, "d%u.%s", i,
		    lh_cdn_suffix[i % (sizeof(lh_cdn_suffix) / sizeof(lh_cdn_suffix[0]))]);
		break;
	}
}
