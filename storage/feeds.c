/*
 * feeds — feed state and fetch history in sources and feed_fetches.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/domains.h"
#include "storage/feeds.h"
#include "storage/store.h"

static char *
feeds_dup(struct store_res *res, int col)
{
	return store_res_is_null(res, 0, col) ? NULL : strdup(store_res_value(res, 0, col));
}

int
store_feed_state(struct store *st, const struct cfg_feed *feed, struct store_feed_state *out,
    char *err, size_t errlen)
{
	char refresh[32];
	const char *p[2] = { feed->name, refresh };
	struct store_res *res;

	memset(out, 0, sizeof(*out));
	snprintf(refresh, sizeof(refresh), "%lld milliseconds", (long long)feed->refresh_ms);
	res = store_query(st, "SELECT etag, last_modified, "
	    "last_fetch_at IS NULL OR last_fetch_at + $2::interval <= now() "
	    "FROM sources WHERE name = $1 AND kind = 'feed'", 2, p, err, errlen);
	if (res == NULL)
		return -1;
	if (store_res_rows(res) == 0) {
		out->due = 1;
	} else {
		out->etag = feeds_dup(res, 0);
		out->last_modified = feeds_dup(res, 1);
		out->due = store_res_value(res, 0, 2)[0] == 't';
	}
	store_res_free(res);
	return 0;
}

void
store_feed_state_free(struct store_feed_state *s)
{
	free(s->etag);
	free(s->last_modified);
	s->etag = s->last_modified = NULL;
}

int
store_feed_record(struct store *st, const struct cfg_feed *feed, const struct store_feed_fetch *f,
    char *err, size_t errlen)
{
	char id[24], status[24], nums[5][24];
	long long source_id;
	const char *p[9];

	if (store_source_ensure(st, "feed", feed->name, feed->url, feed->format, &source_id,
	    err, errlen) != 0)
		return -1;
	snprintf(id, sizeof(id), "%lld", source_id);
	snprintf(status, sizeof(status), "%ld", f->status);
	snprintf(nums[0], sizeof(nums[0]), "%lld", f->bytes);
	snprintf(nums[1], sizeof(nums[1]), "%lld", f->entries);
	snprintf(nums[2], sizeof(nums[2]), "%lld", f->new_domains);
	snprintf(nums[3], sizeof(nums[3]), "%lld", f->ip_skipped);
	snprintf(nums[4], sizeof(nums[4]), "%lld", f->rejected);
	p[0] = id;
	p[1] = f->status > 0 ? status : NULL;
	for (int i = 0; i < 5; i++)
		p[2 + i] = nums[i];
	p[7] = f->error;
	if (store_exec(st, "INSERT INTO feed_fetches (source_id, http_status, bytes, entries, "
	    "new_domains, ip_skipped, rejected, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	    8, p, err, errlen) != 0)
		return -1;
	if (f->error != NULL)
		return 0;
	p[1] = f->etag;
	p[2] = f->last_modified;
	p[3] = f->status == 304 ? "t" : "f";
	p[4] = feed->tags;
	return store_exec(st, "UPDATE sources SET last_fetch_at = now(), tags = $5, "
	    "etag = CASE WHEN $4::boolean THEN etag ELSE $2 END, "
	    "last_modified = CASE WHEN $4::boolean THEN last_modified ELSE $3 END "
	    "WHERE id = $1", 5, p, err, errlen);
}
