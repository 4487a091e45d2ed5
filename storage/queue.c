/*
 * queue — the revisit arithmetic and the queue statements. Arrays go to
 * PostgreSQL as array literals of numbers built here ("{1,2,3}"): numbers
 * only, never names.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/queue.h"
#include "storage/store.h"

#define QUEUE_TTL_SLACK_MS 1000
/* what a claim returns of each domain: queue_item_from() reads it */
#define QUEUE_CLAIMED "id, name, fail_streak, settled_passes, coalesce(interval_ms, 0), " \
	"coalesce(answer_sig, 0)"

static int64_t
queue_clamp(int64_t v, const struct queue_policy *p)
{
	return v < p->min_interval_ms ? p->min_interval_ms :
	    v > p->max_interval_ms ? p->max_interval_ms : v;
}

/*
 * A settled domain whose answers did not change: its last interval grown
 * by the back-off factor, never below the TTL pace PACE_MS, at most
 * max_interval.
 */
static int64_t
queue_settled_interval(const struct queue_policy *p, int64_t last_ms, int64_t pace_ms)
{
	int64_t grown;

	assert(p->backoff >= 2);
	grown = last_ms > p->max_interval_ms / p->backoff ? p->max_interval_ms : last_ms * p->backoff;
	return queue_clamp(grown > pace_ms ? grown : pace_ms, p);
}

int64_t
queue_next_interval(const struct queue_policy *p, const struct queue_visit *v,
    struct queue_state *after)
{
	int64_t backoff = p->min_interval_ms > 0 ? p->min_interval_ms : 1000;

	after->fail_streak = 0;
	after->signature = v->signature;
	/* as fw_sched_report: new answers, and the domain must settle again */
	after->settled_passes = v->signature == v->before.signature ? v->before.settled_passes : 0;
	if (v->resolved) {
		after->interval_ms = queue_clamp(v->min_ttl_s * 1000 + QUEUE_TTL_SLACK_MS, p);
		if (p->settle_after > 0 && after->settled_passes >= p->settle_after)
			after->interval_ms = queue_settled_interval(p, v->before.interval_ms,
			    after->interval_ms);
	} else if (v->answered) {
		after->interval_ms = p->max_interval_ms;
	} else {
		after->fail_streak = v->before.fail_streak + 1;
		for (int i = 0; i < after->fail_streak && backoff < p->max_interval_ms; i++)
			backoff *= 2;
		after->interval_ms = queue_clamp(backoff, p);
	}
	return after->interval_ms;
}

/* Row I of a claim's result (id, name, fail_streak, settled_passes, interval_ms, answer_sig). */
static void
queue_item_from(const struct store_res *res, int i, struct queue_item *it)
{
	size_t len = (size_t)store_res_length(res, i, 1);

	it->id = strtoll(store_res_value(res, i, 0), NULL, 10);
	len = len < sizeof(it->name) ? len : sizeof(it->name) - 1;
	memcpy(it->name, store_res_value(res, i, 1), len);
	it->name[len] = '\0';
	it->state.fail_streak = (int)strtol(store_res_value(res, i, 2), NULL, 10);
	it->state.settled_passes = (int)strtol(store_res_value(res, i, 3), NULL, 10);
	it->state.interval_ms = strtoll(store_res_value(res, i, 4), NULL, 10);
	/* signatures travel as signed 64-bit, as PostgreSQL stores them */
	it->state.signature = (uint64_t)strtoll(store_res_value(res, i, 5), NULL, 10);
}

int
queue_claim(struct store *st, const struct queue_claim_opts *opts, struct queue_item *out,
    char *err, size_t errlen)
{
	char max[16], lease[32], after[24];
	const char *params[4] = { max, lease, opts->cutoff, opts->owner };
	struct store_res *res;
	int n;

	snprintf(max, sizeof(max), "%d", opts->max);
	snprintf(lease, sizeof(lease), "%lld milliseconds", (long long)opts->lease_ms);
	if (opts->sweep) {
		snprintf(after, sizeof(after), "%lld", (long long)opts->after_id);
		params[2] = after;
	}
	/* The locked rows are updated where they lie: ctid = ANY (ARRAY(...)) is
	 * a TID scan, half the cost of finding them again by primary key (and
	 * IN (subquery) hashed a scan of the whole table). Locking does not move
	 * a row; one updated by someone else meanwhile is left for a later claim. */
	res = store_query(st, opts->sweep ?
	    "UPDATE domains SET lease_owner = $4, lease_until = now() + $2::interval "
	    "WHERE ctid = ANY (ARRAY(SELECT ctid FROM domains "
	    "  WHERE id > $3::bigint "
	    "  AND (watch_until IS NULL OR watch_until > now()) "
	    "  AND (lease_until IS NULL OR lease_until < now()) "
	    "  ORDER BY id LIMIT $1::integer FOR UPDATE SKIP LOCKED)) "
	    "RETURNING " QUEUE_CLAIMED :
	    "UPDATE domains SET lease_owner = $4, lease_until = now() + $2::interval "
	    "WHERE ctid = ANY (ARRAY(SELECT ctid FROM domains "
	    "  WHERE next_due_at <= coalesce($3::timestamptz, now()) "
	    "  AND (watch_until IS NULL OR watch_until > now()) "
	    "  AND (lease_until IS NULL OR lease_until < now()) "
	    "  ORDER BY priority DESC, next_due_at LIMIT $1::integer FOR UPDATE SKIP LOCKED)) "
	    "RETURNING " QUEUE_CLAIMED, 4, params, err, errlen);
	if (res == NULL)
		return -1;
	n = store_res_rows(res);
	for (int i = 0; i < n; i++)
		queue_item_from(res, i, &out[i]);
	store_res_free(res);
	return n;
}

/*
 * Append ",v" (no comma after the opening brace) to an array literal being
 * built in buf; room (24 bytes) checked by the caller. Written out by hand:
 * a report formats four numbers per visit, and snprintf was most of its
 * client-side cost.
 */
static size_t
queue_put(char *buf, size_t off, long long v)
{
	char digits[20];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	int n = 0;

	if (off > 1)
		buf[off++] = ',';
	if (v < 0)
		buf[off++] = '-';
	do
		digits[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	while (n > 0)
		buf[off++] = digits[--n];
	buf[off] = '\0';
	return off;
}

/*
 * End the leases of N domains whose ids are at FIRST, FIRST + STRIDE octets,
 * ... (the id fields of an array of items or of visits). 0 or -1.
 */
static int
queue_end_leases(struct store *st, const int64_t *first, size_t stride, int n, char *err,
    size_t errlen)
{
	const char *params[1];
	char *ids;
	size_t off = 1;
	int rc;

	if (n <= 0)
		return 0;
	if ((ids = malloc((size_t)n * 24 + 3)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ids[0] = '{';
	for (int i = 0; i < n; i++)
		off = queue_put(ids, off, *(const int64_t *)(const void *)
		    ((const char *)first + (size_t)i * stride));
	memcpy(ids + off, "}", 2);
	params[0] = ids;
	rc = store_exec(st, "SELECT fw_sched_release($1::bigint[])", 1, params, err, errlen);
	free(ids);
	return rc;
}

int
queue_report(struct store *st, const struct queue_policy *p, const struct queue_visit *visits,
    int n, char *err, size_t errlen)
{
	char *arr[4];
	size_t off[4] = { 1, 1, 1, 1 };
	const char *params[4];
	int rc = -1;

	if (n <= 0)
		return 0;
	if (p->sweep)
		return queue_end_leases(st, &visits[0].id, sizeof(*visits), n, err, errlen);
	for (int k = 0; k < 4; k++) {
		if ((arr[k] = malloc((size_t)n * 24 + 3)) == NULL) {
			while (k-- > 0)
				free(arr[k]);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		arr[k][0] = '{';
	}
	for (int i = 0; i < n; i++) {
		struct queue_state after;
		int64_t interval = queue_next_interval(p, &visits[i], &after);

		off[0] = queue_put(arr[0], off[0], visits[i].id);
		off[1] = queue_put(arr[1], off[1], interval);
		off[2] = queue_put(arr[2], off[2], after.fail_streak);
		/* signatures travel as signed 64-bit, as PostgreSQL stores them */
		off[3] = queue_put(arr[3], off[3], (long long)visits[i].signature);
	}
	for (int k = 0; k < 4; k++) {
		memcpy(arr[k] + off[k], "}", 2);
		params[k] = arr[k];
	}
	rc = store_exec(st, "SELECT fw_sched_report($1::bigint[], $2::bigint[], $3::integer[], "
	    "$4::bigint[])", 4, params, err, errlen);
	for (int k = 0; k < 4; k++)
		free(arr[k]);
	return rc;
}


int
queue_release(struct store *st, const struct queue_item *items, int n, char *err,
    size_t errlen)
{
	return n > 0 ? queue_end_leases(st, &items[0].id, sizeof(*items), n, err, errlen) : 0;
}
