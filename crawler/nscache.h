/*
 * nscache — one crawler's memory of its name-server host lookups, so a
 * host many domains share (a hosting provider's ns1, a CDN's name servers)
 * is asked once per TTL and vantage instead of once per domain.
 *
 * An entry is keyed by (vantage index, host, qtype). It is either asked
 * (a query is in flight; visits that need the same lookup wait on it) or
 * answered: a copy of the obs of the last answer, kept until the answer's
 * smallest record TTL has passed (NXDOMAIN and NOERROR without records: the
 * negative TTL). Timeouts, transport failures, SERVFAIL and every other
 * rcode, and truncated answers, are handed to the waiting visits but never
 * kept. At most max_entries entries exist; a new one replaces the oldest
 * answered entry (asked ones are never dropped: visits wait on them), and
 * when every entry is being asked the lookup is simply not tracked.
 *
 * Times are CLOCK_MONOTONIC microseconds passed in by the caller (tests
 * use a fake clock). An obs this module returns belongs to the caller; its
 * domain_id and observed_us are the caller's to set.
 */
#ifndef FW_NSCACHE_H
#define FW_NSCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "storage/obs.h"

struct nscache;

/*
 * A lookup waiting for another visit's query, embedded in the caller's own
 * structure. It is linked into the cache from nscache_lookup() returning
 * NSCACHE_WAIT until nscache_complete() hands it back: its owner must not
 * free it in between (the crawler holds its visit open meanwhile).
 */
struct nscache_waiter {
	struct nscache_waiter *next;
};

enum nscache_status {
	NSCACHE_ASK,	/* unknown or expired: ask, then nscache_complete() */
	NSCACHE_HIT,	/* answered from the cache: *hit */
	NSCACHE_WAIT	/* being asked: W waits for that answer */
};

/*
 * A cache of at most MAX_ENTRIES (> 0) entries; negative answers are kept
 * NEGATIVE_TTL_US. NULL on malloc failure or MAX_ENTRIES 0.
 */
struct nscache *nscache_create(size_t max_entries, int64_t negative_ttl_us);

/* Free C and its answers (NULL: nothing). No waiter may be linked any more. */
void nscache_destroy(struct nscache *c);

/*
 * Look up QTYPE of HOST through vantage VANTAGE at NOW_US. HIT: *hit is a
 * new obs (nscache_copy of the answer at its age); ASK: the caller asks and
 * passes the answer to nscache_complete() (also when it failed); WAIT: W is
 * linked until that answer comes. An obs that cannot be allocated makes a
 * hit an ASK.
 */
enum nscache_status nscache_lookup(struct nscache *c, size_t vantage, const char *host,
    int qtype, int64_t now_us, struct nscache_waiter *w, struct obs **hit);

/*
 * The answer to QTYPE of HOST through VANTAGE came at NOW_US: ANSWER (not
 * taken; NULL when nothing was measured, e.g. a query never sent) is kept
 * if it may be, and the waiters of the lookup are unlinked and returned
 * (a list through next, NULL when none), for the caller to serve.
 */
struct nscache_waiter *nscache_complete(struct nscache *c, size_t vantage, const char *host,
    int qtype, const struct obs *answer, int64_t now_us);

/*
 * A new obs repeating ANSWER AGE_US after it came, as a cache counts: every
 * TTL less the whole seconds of its age (never below 0), latency 0, flags
 * plus OBS_FLAG_CACHED. NULL on malloc failure.
 */
struct obs *nscache_copy(const struct obs *answer, int64_t age_us);

#endif
