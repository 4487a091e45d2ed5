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
 *   settled       (resolved, the same addresses as last time, and at least
 *                 settle_after scoring passes in a row repeated a benign,
 *                 cdn or unresolved label) the last interval x backoff, never
 *                 below the TTL pace, capped at max_interval
 *   NOERROR only  (no address) max_interval
 *   failed        (NXDOMAIN, SERVFAIL, timeouts only) min_interval x 2^failures,
 *                 capped at max_interval
 * The scoring pass counts the settled passes (fw_score); a new answer
 * signature (here and in fw_sched_report) or a new label sets the count
 * back to 0, so the domain keeps the TTL pace until it settles again.
 * The crawler holds only what it has claimed: memory stays flat in the
 * number of tracked domains.
 */
#ifndef FW_QUEUE_H
#define FW_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "common/name.h"

struct store;

/* What the queue keeps of a domain between visits: claimed with it, set by each report. */
struct queue_state {
	int fail_streak;	/* visits in a row that resolved nothing */
	int settled_passes;	/* scoring passes in a row that repeated a benign, cdn or
				 * unresolved label (domains.settled_passes) */
	int64_t interval_ms;	/* chosen after the last visit; 0 = none yet */
	uint64_t signature;	/* of the last visit's addresses; 0 = none yet (a visit
				 * that resolved has a nonzero one, but for 1 in 2^64) */
};

struct queue_item {
	int64_t id;
	struct queue_state state;
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
	struct queue_state before;	/* from the claim */
	int resolved;		/* some A/AAAA answer held an address */
	int answered;		/* some response was NOERROR */
	int64_t min_ttl_s;	/* smallest TTL of the addresses and CNAMEs; -1 = none */
	uint64_t signature;	/* order-free fingerprint of the addresses seen */
};

struct queue_policy {
	int64_t min_interval_ms;
	int64_t max_interval_ms;
	int settle_after;	/* settled passes before visits back off; 0 = never */
	int backoff;		/* growth of a settled domain's interval per visit (>= 2) */
	int sweep;		/* visits of a sweep: leases end, the schedule stays as it was */
};

/*
 * The next interval after VISIT; *after gets the domain's state that goes
 * with it, as the report leaves it in the database (pure arithmetic, tested
 * with made-up visits).
 */
int64_t queue_next_interval(const struct queue_policy *p, const struct queue_visit *visit,
    struct queue_state *after);

/*
 * Claim up to opts->max due domains (or, sweeping, the next tracked ones)
 * into out[]: how many, or -1 with err.
 */
int queue_claim(struct store *st, const struct queue_claim_opts *opts,
    struct queue_item *out, char *err, size_t errlen);

/*
 * Report N visits: next due times, failure streaks, priorities, settled
 * counts of changed answers; leases end (a sweep's: nothing else). 0 or -1.
 */
int queue_report(struct store *st, const struct queue_policy *p,
    const struct queue_visit *visits, int n, char *err, size_t errlen);

/* End the leases of claimed domains that were not visited (they stay due). 0 or -1. */
int queue_release(struct store *st, const struct queue_item *items, int n,
    char *err, size_t errlen);

#endif
