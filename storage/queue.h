/*
 * queue — the shared crawl queue: what the crawler should measure next,
 * and what it measured.
 *
 * The queue lives in PostgreSQL (domains): queue_claim() leases a batch of
 * due domains with FOR UPDATE SKIP LOCKED, new domains and those whose
 * answers changed last time first, so several crawlers, on one machine or
 * many, share it without measuring a domain twice for the same due time. A
 * crashed crawler's lease expires and another takes the work.
 * queue_report() ends the lease and sets the next visit:
 *   resolved      TTL + 1 s, clamped to [min_interval, max_interval]
 *   NOERROR only  (no address) max_interval
 *   failed        (NXDOMAIN, SERVFAIL, timeouts only) min_interval x 2^failures,
 *                 capped at max_interval
 * The crawler holds only what it has claimed: memory stays flat in the
 * number of tracked domains.
 */
#ifndef FW_QUEUE_H
#define FW_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "common/name.h"

struct store;

struct queue_item {
	int64_t id;
	int fail_streak;
	char name[NAME_BUFSZ];
};

struct queue_claim_opts {
	int max;			/* items wanted */
	int64_t lease_ms;
	const char *owner;		/* who holds the lease (host:pid) */
	const char *cutoff;		/* only domains due at or before this timestamptz; NULL = now */
	int sweep;			/* 1: every tracked domain with an id above after_id,
					 * due or not, in id order; 0: the due ones */
	int64_t after_id;
};

/* What one visit of a domain saw, over every vantage. */
struct queue_visit {
	int64_t id;
	int fail_streak;	/* before this visit (from the claim) */
	int resolved;		/* some A/AAAA answer held an address */
	int answered;		/* some response was NOERROR */
	int64_t min_ttl_s;	/* smallest TTL of the addresses and CNAMEs; -1 = none */
	uint64_t signature;	/* order-free fingerprint of the addresses seen */
};

struct queue_policy {
	int64_t min_interval_ms;
	int64_t max_interval_ms;
	int sweep;		/* visits of a sweep: leases end, the schedule stays as it was */
};

/*
 * The next interval after VISIT and the failure streak that goes with it
 * (pure arithmetic, tested with made-up visits).
 */
int64_t queue_next_interval(const struct queue_policy *p, const struct queue_visit *visit,
    int *fail_streak);

/*
 * Claim up to opts->max due domains (or, sweeping, the next tracked ones)
 * into out[]: how many, or -1 with err.
 */
int queue_claim(struct store *st, const struct queue_claim_opts *opts,
    struct queue_item *out, char *err, size_t errlen);

/* Report N visits: next due times, failure streaks, priorities; leases end. 0 or -1. */
int queue_report(struct store *st, const struct queue_policy *p,
    const struct queue_visit *visits, int n, char *err, size_t errlen);

/* End the leases of claimed domains that were not visited (they stay due). 0 or -1. */
int queue_release(struct store *st, const struct queue_item *items, int n,
    char *err, size_t errlen);

#endif
