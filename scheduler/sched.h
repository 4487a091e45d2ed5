/*
 * sched — what the crawler should measure next, and what it measured.
 *
 * The queue lives in PostgreSQL (domains.next_due_at): sched_claim() takes
 * a batch of due domains with FOR UPDATE SKIP LOCKED, so several crawlers
 * can share it, and moves each claimed domain's next visit forward by the
 * round interval, which doubles as the claim's lease. The crawler holds only
 * what it has claimed.
 */
#ifndef FW_SCHED_H
#define FW_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "scheduler/name.h"

struct store;

struct sched_item {
	int64_t id;
	char name[NAME_BUFSZ];
};

struct sched_claim_opts {
	int max;			/* items wanted */
	int64_t round_interval_ms;	/* next visit of a claimed domain */
	const char *cutoff;		/* only domains due at or before this timestamptz; NULL = now */
};

/*
 * Claim up to opts->max due domains into out[]. Returns how many (0 when
 * nothing is due), or -1 with err.
 */
int sched_claim(struct store *st, const struct sched_claim_opts *opts,
    struct sched_item *out, char *err, size_t errlen);

/*
 * Give back claimed domains that were not measured (the crawler is
 * stopping): they become due now. 0, or -1 with err.
 */
int sched_release(struct store *st, const struct sched_item *items, int n,
    char *err, size_t errlen);

#endif
