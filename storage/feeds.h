/*
 * feeds — what PostgreSQL keeps about each feed: its validators (ETag,
 * Last-Modified), when it was last fetched, and the history of fetches.
 */
#ifndef FW_STORE_FEEDS_H
#define FW_STORE_FEEDS_H

#include <stddef.h>

#include "common/cfg.h"

struct store;

struct store_feed_state {
	char *etag;		/* NULL when none stored */
	char *last_modified;
	int due;		/* never fetched, or refresh has passed since */
};

/* Read FEED's state. 0 (zeroed state for an unknown feed), or -1 with err. */
int store_feed_state(struct store *st, const struct cfg_feed *feed,
    struct store_feed_state *out, char *err, size_t errlen);
void store_feed_state_free(struct store_feed_state *s);

struct store_feed_fetch {
	long status;		/* HTTP status, 0 when none */
	long long bytes, entries, new_domains, ip_skipped, rejected;
	const char *error;	/* NULL when the fetch was applied (200 or 304) */
	const char *etag;	/* validators of a 200 to keep; NULL = none */
	const char *last_modified;
};

/*
 * Record one fetch of FEED in feed_fetches; when it was applied, also the
 * new validators and last_fetch_at (so a failed feed stays due). 0 or -1.
 */
int store_feed_record(struct store *st, const struct cfg_feed *feed,
    const struct store_feed_fetch *f, char *err, size_t errlen);

#endif
