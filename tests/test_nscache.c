/*
 * test_nscache — the crawler's NS host cache on a fake clock (times are
 * passed in): create(0) refused and destroy(NULL) a no-op; a hit repeats
 * the answer flagged cached with its TTLs counted down; expiry at the
 * smallest TTL; vantages and qtypes kept apart; NXDOMAIN and empty answers
 * kept for the negative TTL only; failures never kept; at most max
 * entries, the oldest answer dropped first, asked entries never; every
 * waiter of a lookup handed back once, with a failure too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "crawler/nscache.h"

#define S 1000000LL		/* one second in microseconds */
#define T0 (1000 * S)		/* the fake clock's start */
#define NEG (60 * S)		/* negative TTL */
#define A 1
#define AAAA 28

/* An answer for HOST: rcode, then N addresses with TTLS. */
static struct obs *
answer(const char *host, int rcode, size_t n, const uint32_t *ttls)
{
	struct obs *o = obs_create(n, strlen(host) + 1 + n * 16);
	char addr[32];

	assert_non_null(o);
	o->domain_id = 7;
	o->vantage_id = 3;
	o->qtype = A;
	o->rcode = rcode;
	o->latency_us = 1234;
	o->qname = obs_strdup(o, host);
	for (size_t i = 0; i < n; i++) {
		snprintf(addr, sizeof(addr), "192.0.2.%d", (int)(i % 250) + 1);
		o->rr[i].type = A;
		o->rr[i].ttl = ttls[i];
		o->rr[i].is_addr = 1;
		o->rr[i].data = obs_strdup(o, addr);
	}
	return o;
}

/* Ask for (V, HOST, A) at NOW and complete it with O (freed). */
static void
learn(struct nscache *c, size_t v, const char *host, struct obs *o, int64_t now)
{
	struct nscache_waiter w;
	struct obs *hit;

	assert_int_equal(nscache_lookup(c, v, host, A, now, &w, &hit), NSCACHE_ASK);
	assert_null(nscache_complete(c, v, host, A, o, now));
	obs_free(o);
}

/* The status of looking up (V, HOST, QTYPE) at NOW; a hit's obs is freed. */
static enum nscache_status
look(struct nscache *c, size_t v, const char *host, int qtype, int64_t now)
{
	struct nscache_waiter w;
	struct obs *hit = NULL;
	enum nscache_status st = nscache_lookup(c, v, host, qtype, now, &w, &hit);

	assert_true(st == NSCACHE_HIT ? hit != NULL : hit == NULL);
	assert_int_not_equal(st, NSCACHE_WAIT);	/* W is on the stack: tests never leave one */
	obs_free(hit);
	return st;
}

static void
test_invalid(void **state)
{
	(void)state;
	assert_null(nscache_create(0, NEG));
	nscache_destroy(NULL);
}

static void
test_hit(void **state)
{
	const uint32_t ttls[] = { 300, 300 };
	struct nscache *c = nscache_create(16, NEG);
	struct nscache_waiter w;
	struct obs *hit = NULL;

	(void)state;
	learn(c, 0, "ns1.hoster.example", answer("ns1.hoster.example", 0, 2, ttls), T0);
	assert_int_equal(nscache_lookup(c, 0, "ns1.hoster.example", A, T0 + S, &w, &hit),
	    NSCACHE_HIT);
	assert_non_null(hit);
	assert_string_equal(hit->qname, "ns1.hoster.example");
	assert_int_equal(hit->rcode, 0);
	assert_int_equal(hit->flags, OBS_FLAG_CACHED);
	assert_int_equal(hit->latency_us, 0);
	assert_int_equal(hit->vantage_id, 3);
	assert_int_equal(hit->n_rr, 2);
	assert_string_equal(hit->rr[1].data, "192.0.2.2");
	assert_int_equal(hit->rr[1].is_addr, 1);
	obs_free(hit);
	assert_int_equal(look(c, 0, "ns1.hoster.example", AAAA, T0 + S), NSCACHE_ASK);
	assert_int_equal(look(c, 0, "ns2.hoster.example", A, T0 + S), NSCACHE_ASK);
	nscache_destroy(c);	/* with entries still asked: freed */
}

static void
test_ttl_counted_down(void **state)
{
	const uint32_t ttls[] = { 300, 50 };
	struct nscache *c = nscache_create(16, NEG);
	struct nscache_waiter w;
	struct obs *hit = NULL, *o = answer("ns1.x", 0, 2, ttls), *late;

	(void)state;
	learn(c, 0, "ns1.x", answer("ns1.x", 0, 2, ttls), T0);
	assert_int_equal(nscache_lookup(c, 0, "ns1.x", A, T0 + 49 * S + S / 2, &w, &hit), NSCACHE_HIT);
	assert_int_equal(hit->rr[0].ttl, 251);	/* whole seconds of age, as a cache counts */
	assert_int_equal(hit->rr[1].ttl, 1);
	obs_free(hit);
	late = nscache_copy(o, 100 * S);
	assert_int_equal(late->rr[0].ttl, 200);
	assert_int_equal(late->rr[1].ttl, 0);	/* never below 0 */
	obs_free(late);
	obs_free(o);
	nscache_destroy(c);
}

static void
test_expiry(void **state)
{
	const uint32_t ttls[] = { 30, 10, 20 };
	struct nscache *c = nscache_create(16, NEG);
	struct nscache_waiter w;
	struct obs *hit;

	(void)state;
	learn(c, 0, "ns1.x", answer("ns1.x", 0, 3, ttls), T0);
	assert_int_equal(look(c, 0, "ns1.x", A, T0 + 10 * S - 1), NSCACHE_HIT);
	assert_int_equal(look(c, 0, "ns1.x", A, T0 + 10 * S), NSCACHE_ASK);	/* the smallest TTL */
	/* expired, then asked again: the next visit waits for that query */
	assert_int_equal(nscache_lookup(c, 0, "ns1.x", A, T0 + 10 * S, &w, &hit), NSCACHE_WAIT);
	assert_ptr_equal(nscache_complete(c, 0, "ns1.x", A, NULL, T0 + 11 * S), &w);
	nscache_destroy(c);
}

static void
test_ttl_zero(void **state)
{
	const uint32_t ttls[] = { 0 };
	struct nscache *c = nscache_create(16, NEG);

	(void)state;
	learn(c, 0, "ns1.x", answer("ns1.x", 0, 1, ttls), T0);
	assert_int_equal(look(c, 0, "ns1.x", A, T0), NSCACHE_ASK);
	nscache_destroy(c);
}

static void
test_per_vantage(void **state)
{
	const uint32_t ttls[] = { 300 };
	struct nscache *c = nscache_create(16, NEG);

	(void)state;
	learn(c, 0, "ns1.x", answer("ns1.x", 0, 1, ttls), T0);
	assert_int_equal(look(c, 1, "ns1.x", A, T0 + S), NSCACHE_ASK);
	assert_int_equal(look(c, 0, "ns1.x", A, T0 + S), NSCACHE_HIT);
	learn(c, 2, "ns1.x", answer("ns1.x", 0, 1, ttls), T0 + 2 * S);
	assert_int_equal(look(c, 2, "ns1.x", A, T0 + 3 * S), NSCACHE_HIT);
	nscache_destroy(c);
}

static void
test_negative(void **state)
{
	struct nscache *c = nscache_create(16, NEG), *none = nscache_create(16, 0);
	struct obs *hit = NULL;
	struct nscache_waiter w;

	(void)state;
	learn(c, 0, "gone.x", answer("gone.x", 3, 0, NULL), T0);	/* NXDOMAIN */
	learn(c, 0, "v4only.x", answer("v4only.x", 0, 0, NULL), T0);	/* NOERROR, no records */
	assert_int_equal(nscache_lookup(c, 0, "gone.x", A, T0 + NEG - 1, &w, &hit), NSCACHE_HIT);
	assert_int_equal(hit->rcode, 3);
	assert_int_equal(hit->n_rr, 0);
	assert_int_equal(hit->flags, OBS_FLAG_CACHED);
	obs_free(hit);
	assert_int_equal(look(c, 0, "v4only.x", A, T0 + NEG - 1), NSCACHE_HIT);
	assert_int_equal(look(c, 0, "gone.x", A, T0 + NEG), NSCACHE_ASK);
	assert_int_equal(look(c, 0, "v4only.x", A, T0 + NEG), NSCACHE_ASK);
	learn(none, 0, "gone.x", answer("gone.x", 3, 0, NULL), T0);	/* negative TTL 0: not kept */
	assert_int_equal(look(none, 0, "gone.x", A, T0), NSCACHE_ASK);
	nscache_destroy(c);
	nscache_destroy(none);
}

static void
test_failure_not_cached(void **state)
{
	const int rcodes[] = { OBS_TIMEOUT, OBS_CONNREFUSED, OBS_BADRESP, OBS_ERROR, 2 /* SERVFAIL */,
		5 /* REFUSED */, 1 /* FORMERR */ };
	const uint32_t ttls[] = { 300 };
	struct nscache *c = nscache_create(16, NEG);
	struct obs *tc = answer("tc.x", 0, 1, ttls);

	(void)state;
	for (size_t i = 0; i < sizeof(rcodes) / sizeof(rcodes[0]); i++) {
		learn(c, 0, "ns1.x", answer("ns1.x", rcodes[i], 0, NULL), T0);
		assert_int_equal(look(c, 0, "ns1.x", A, T0), NSCACHE_ASK);
		assert_null(nscache_complete(c, 0, "ns1.x", A, NULL, T0));	/* nothing measured */
	}
	tc->flags = OBS_FLAG_TC;	/* truncated: incomplete */
	learn(c, 0, "tc.x", tc, T0);
	assert_int_equal(look(c, 0, "tc.x", A, T0), NSCACHE_ASK);
	nscache_destroy(c);
}

static void
test_eviction_bound(void **state)
{
	const uint32_t ttls[] = { 300 };
	struct nscache *c = nscache_create(4, NEG);
	char host[32];
	int hits = 0;

	(void)state;
	for (int i = 0; i < 12; i++) {
		snprintf(host, sizeof(host), "ns%d.x", i);
		learn(c, 0, host, answer(host, 0, 1, ttls), T0 + i * S);
	}
	for (int i = 8; i < 12; i++) {	/* the newest four */
		snprintf(host, sizeof(host), "ns%d.x", i);
		assert_int_equal(look(c, 0, host, A, T0 + 20 * S), NSCACHE_HIT);
	}
	for (int i = 0; i < 8; i++) {	/* the older ones were dropped */
		snprintf(host, sizeof(host), "ns%d.x", i);
		hits += look(c, 0, host, A, T0 + 20 * S) == NSCACHE_HIT;
	}
	assert_int_equal(hits, 0);
	nscache_destroy(c);
}

static void
test_asked_not_evicted(void **state)
{
	const uint32_t ttls[] = { 300 };
	struct nscache *c = nscache_create(2, NEG);
	struct nscache_waiter w1, w2;
	struct obs *hit;

	(void)state;
	assert_int_equal(nscache_lookup(c, 0, "a.x", A, T0, &w1, &hit), NSCACHE_ASK);
	assert_int_equal(nscache_lookup(c, 0, "b.x", A, T0, &w1, &hit), NSCACHE_ASK);
	/* full of asked entries: a third lookup is asked untracked, nobody waits on it */
	assert_int_equal(look(c, 0, "c.x", A, T0), NSCACHE_ASK);
	assert_int_equal(look(c, 0, "c.x", A, T0), NSCACHE_ASK);
	assert_int_equal(nscache_lookup(c, 0, "a.x", A, T0, &w1, &hit), NSCACHE_WAIT);
	assert_int_equal(nscache_lookup(c, 0, "b.x", A, T0, &w2, &hit), NSCACHE_WAIT);
	{
		struct obs *oc = answer("c.x", 0, 1, ttls);	/* its answer finds no room either */

		assert_null(nscache_complete(c, 0, "c.x", A, oc, T0 + S));
		obs_free(oc);
	}
	assert_int_equal(look(c, 0, "c.x", A, T0 + S), NSCACHE_ASK);
	assert_ptr_equal(nscache_complete(c, 0, "a.x", A, NULL, T0 + S), &w1);
	assert_ptr_equal(nscache_complete(c, 0, "b.x", A, NULL, T0 + S), &w2);
	nscache_destroy(c);
}

/* WAITERS holds each of W[0..N) once. */
static void
assert_waiters(struct nscache_waiter *waiters, struct nscache_waiter *w, int n)
{
	int seen[8] = { 0 }, count = 0;

	for (; waiters != NULL; waiters = waiters->next, count++) {
		assert_true(waiters >= w && waiters < w + n);
		seen[waiters - w]++;
	}
	assert_int_equal(count, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(seen[i], 1);
}

static void
test_waiters_served(void **state)
{
	const uint32_t ttls[] = { 300 };
	struct nscache *c = nscache_create(16, NEG);
	struct nscache_waiter asker, w[5];
	struct obs *hit, *o = answer("ns1.x", 0, 1, ttls);

	(void)state;
	assert_int_equal(nscache_lookup(c, 0, "ns1.x", A, T0, &asker, &hit), NSCACHE_ASK);
	for (int i = 0; i < 5; i++)
		assert_int_equal(nscache_lookup(c, 0, "ns1.x", A, T0 + i, &w[i], &hit), NSCACHE_WAIT);
	assert_int_equal(look(c, 1, "ns1.x", A, T0), NSCACHE_ASK);	/* another vantage: its own */
	assert_waiters(nscache_complete(c, 0, "ns1.x", A, o, T0 + S), w, 5);
	obs_free(o);
	assert_int_equal(look(c, 0, "ns1.x", A, T0 + 2 * S), NSCACHE_HIT);	/* and kept */
	assert_null(nscache_complete(c, 1, "ns1.x", A, NULL, T0 + S));

	/* a failure reaches its waiters too, and is not kept */
	o = answer("ns2.x", 2, 0, NULL);
	assert_int_equal(nscache_lookup(c, 0, "ns2.x", A, T0, &asker, &hit), NSCACHE_ASK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(nscache_lookup(c, 0, "ns2.x", A, T0, &w[i], &hit), NSCACHE_WAIT);
	assert_waiters(nscache_complete(c, 0, "ns2.x", A, o, T0 + S), w, 3);
	obs_free(o);
	assert_int_equal(look(c, 0, "ns2.x", A, T0 + S), NSCACHE_ASK);
	assert_null(nscache_complete(c, 0, "ns2.x", A, NULL, T0 + S));
	nscache_destroy(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_hit),
		cmocka_unit_test(test_ttl_counted_down),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_ttl_zero),
		cmocka_unit_test(test_per_vantage),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_failure_not_cached),
		cmocka_unit_test(test_eviction_bound),
		cmocka_unit_test(test_asked_not_evicted),
		cmocka_unit_test(test_waiters_served),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
