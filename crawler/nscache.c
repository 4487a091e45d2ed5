/*
 * nscache — entries in a hash table of chains (buckets fixed at creation,
 * a power of two at least max_entries, so a lookup is O(1)); answered
 * entries are also in a list oldest first, whose head is dropped when a
 * new entry needs room. An asked entry has no answer and is in no age
 * list: its waiters hang off it until the answer comes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crawler/nscache.h"

#define NSCACHE_MAX_BUCKETS ((size_t)1 << 24)
#define NSCACHE_NXDOMAIN 3
#define NSCACHE_US 1000000

struct nscache_entry {
	struct nscache_entry *chain;		/* next in its bucket */
	struct nscache_entry *older, *newer;	/* age list: answered entries only */
	struct nscache_waiter *waiters;		/* asked: the lookups waiting for it */
	struct obs *answer;			/* NULL: asked, not answered yet */
	int64_t answered_us, expires_us;
	uint64_t hash;
	size_t vantage;
	int qtype;
	char host[];
};

struct nscache {
	struct nscache_entry **bucket;
	size_t mask;
	size_t n, max;
	int64_t negative_ttl_us;
	struct nscache_entry *oldest, *newest;
};

struct nscache *
nscache_create(size_t max_entries, int64_t negative_ttl_us)
{
	struct nscache *c;
	size_t nb = 16;

	if (max_entries == 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	while (nb < max_entries && nb < NSCACHE_MAX_BUCKETS)
		nb *= 2;
	if ((c->bucket = calloc(nb, sizeof(*c->bucket))) == NULL) {
		free(c);
		return NULL;
	}
	c->mask = nb - 1;
	c->max = max_entries;
	c->negative_ttl_us = negative_ttl_us;
	return c;
}

void
nscache_destroy(struct nscache *c)
{
	if (c == NULL)
		return;
	for (size_t b = 0; b <= c->mask; b++) {
		struct nscache_entry *x = c->bucket[b], *next;

		for (; x != NULL; x = next) {
			next = x->chain;
			obs_free(x->answer);
			free(x);
		}
	}
	free(c->bucket);
	free(c);
}

/* FNV-1a of the host, mixed with the vantage and the qtype. */
static uint64_t
nscache_hash(size_t vantage, const char *host, int qtype)
{
	uint64_t h = 1469598103934665603ULL;

	while (*host != '\0')
		h = (h ^ (unsigned char)*host++) * 1099511628211ULL;
	h ^= ((uint64_t)vantage << 16 | (uint16_t)qtype) * 0x9E3779B97F4A7C15ULL;
	return h ^ h >> 29;
}

static struct nscache_entry *
nscache_find(const struct nscache *c, uint64_t h, size_t vantage, const char *host, int qtype)
{
	struct nscache_entry *x = c->bucket[h & c->mask];

	while (x != NULL && (x->hash != h || x->vantage != vantage || x->qtype != qtype ||
	    strcmp(x->host, host) != 0))
		x = x->chain;
	return x;
}

static void
nscache_age_unlink(struct nscache *c, struct nscache_entry *x)
{
	if (x->older != NULL)
		x->older->newer = x->newer;
	else
		c->oldest = x->newer;
	if (x->newer != NULL)
		x->newer->older = x->older;
	else
		c->newest = x->older;
	x->older = x->newer = NULL;
}

/* Drop entry X (its waiters, if any, are the caller's). */
static void
nscache_forget(struct nscache *c, struct nscache_entry *x)
{
	struct nscache_entry **pp = &c->bucket[x->hash & c->mask];

	while (*pp != x)
		pp = &(*pp)->chain;
	*pp = x->chain;
	if (x->answer != NULL)
		nscache_age_unlink(c, x);
	obs_free(x->answer);
	free(x);
	c->n--;
}

/* A new asked entry, in the room of the oldest answered one when full. NULL: no room. */
static struct nscache_entry *
nscache_new(struct nscache *c, uint64_t h, size_t vantage, const char *host, int qtype)
{
	size_t len = strlen(host) + 1;
	struct nscache_entry *x;

	if (c->n == c->max && c->oldest != NULL)
		nscache_forget(c, c->oldest);
	if (c->n == c->max || (x = calloc(1, sizeof(*x) + len)) == NULL)
		return NULL;
	x->hash = h;
	x->vantage = vantage;
	x->qtype = qtype;
	memcpy(x->host, host, len);
	x->chain = c->bucket[h & c->mask];
	c->bucket[h & c->mask] = x;
	c->n++;
	return x;
}

/* Until when ANSWER, come at NOW_US, may be reused; NOW_US or before: not at all. */
static int64_t
nscache_expiry(const struct nscache *c, const struct obs *answer, int64_t now_us)
{
	uint32_t ttl = UINT32_MAX;

	if (answer == NULL || (answer->rcode != 0 && answer->rcode != NSCACHE_NXDOMAIN) ||
	    (answer->flags & OBS_FLAG_TC) != 0)
		return now_us;
	if (answer->rcode == NSCACHE_NXDOMAIN || answer->n_rr == 0)
		return now_us + c->negative_ttl_us;
	for (size_t i = 0; i < answer->n_rr; i++)
		ttl = answer->rr[i].ttl < ttl ? answer->rr[i].ttl : ttl;
	return now_us + (int64_t)ttl * NSCACHE_US;
}

/* An exact copy of A in one allocation. NULL on malloc failure. */
static struct obs *
nscache_dup(const struct obs *a)
{
	size_t strbytes = a->qname != NULL ? strlen(a->qname) + 1 : 0;
	struct obs *o;

	for (size_t i = 0; i < a->n_rr; i++)
		strbytes += strlen(a->rr[i].data) + 1;
	if ((o = obs_create(a->n_rr, strbytes)) == NULL)
		return NULL;
	o->domain_id = a->domain_id;
	o->observed_us = a->observed_us;
	o->vantage_id = a->vantage_id;
	o->qtype = a->qtype;
	o->rcode = a->rcode;
	o->flags = a->flags;
	o->latency_us = a->latency_us;
	o->qname = a->qname != NULL ? obs_strdup(o, a->qname) : NULL;
	for (size_t i = 0; i < a->n_rr; i++) {
		o->rr[i] = a->rr[i];
		o->rr[i].data = obs_strdup(o, a->rr[i].data);
	}
	return o;
}

struct obs *
nscache_copy(const struct obs *answer, int64_t age_us)
{
	int64_t age_s = age_us > 0 ? age_us / NSCACHE_US : 0;
	struct obs *o = nscache_dup(answer);

	if (o == NULL)
		return NULL;
	o->flags |= OBS_FLAG_CACHED;
	o->latency_us = 0;
	for (size_t i = 0; i < o->n_rr; i++)
		o->rr[i].ttl = o->rr[i].ttl > age_s ? o->rr[i].ttl - (uint32_t)age_s : 0;
	return o;
}

enum nscache_status
nscache_lookup(struct nscache *c, size_t vantage, const char *host, int qtype, int64_t now_us,
    struct nscache_waiter *w, struct obs **hit)
{
	uint64_t h = nscache_hash(vantage, host, qtype);
	struct nscache_entry *x = nscache_find(c, h, vantage, host, qtype);

	*hit = NULL;
	if (x != NULL && x->answer == NULL) {
		w->next = x->waiters;
		x->waiters = w;
		return NSCACHE_WAIT;
	}
	if (x != NULL && now_us < x->expires_us) {
		*hit = nscache_copy(x->answer, now_us - x->answered_us);
		return *hit != NULL ? NSCACHE_HIT : NSCACHE_ASK;
	}
	if (x != NULL)
		nscache_forget(c, x);
	(void)nscache_new(c, h, vantage, host, qtype);	/* no room: asked untracked */
	return NSCACHE_ASK;
}

struct nscache_waiter *
nscache_complete(struct nscache *c, size_t vantage, const char *host, int qtype,
    const struct obs *answer, int64_t now_us)
{
	uint64_t h = nscache_hash(vantage, host, qtype);
	struct nscache_entry *x = nscache_find(c, h, vantage, host, qtype);
	struct nscache_waiter *waiters = x != NULL ? x->waiters : NULL;
	int64_t expires = nscache_expiry(c, answer, now_us);
	struct obs *keep = expires > now_us ? nscache_dup(answer) : NULL;

	if (x != NULL)
		x->waiters = NULL;
	if (keep == NULL || (x == NULL && (x = nscache_new(c, h, vantage, host, qtype)) == NULL)) {
		if (x != NULL)
			nscache_forget(c, x);
		obs_free(keep);
		return waiters;
	}
	if (x->answer != NULL) {
		nscache_age_unlink(c, x);
		obs_free(x->answer);
	}
	x->answer = keep;
	x->answered_us = now_us;
	x->expires_us = expires;
	x->older = c->newest;
	if (c->newest != NULL)
		c->newest->newer = x;
	else
		c->oldest = x;
	c->newest = x;
	return waiters;
}
