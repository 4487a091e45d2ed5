/*
 * sched — claims from the shared queue in PostgreSQL. Domains whose watch
 * window has ended are never claimed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/sched.h"
#include "storage/store.h"

int
sched_claim(struct store *st, const struct sched_claim_opts *opts, struct sched_item *out,
    char *err, size_t errlen)
{
	char max[16], interval[32];
	const char *params[3] = { max, interval, opts->cutoff };
	PGresult *res;
	int n;

	snprintf(max, sizeof(max), "%d", opts->max);
	snprintf(interval, sizeof(interval), "%lld milliseconds",
	    (long long)opts->round_interval_ms);
	res = store_query(st,
	    "UPDATE domains SET next_due_at = now() + $2::interval WHERE id IN ("
	    "  SELECT id FROM domains WHERE next_due_at <= coalesce($3::timestamptz, now()) "
	    "  AND (watch_until IS NULL OR watch_until > now()) "
	    "  ORDER BY next_due_at LIMIT $1::integer FOR UPDATE SKIP LOCKED) "
	    "RETURNING id, name", 3, params, err, errlen);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		out[i].id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		snprintf(out[i].name, sizeof(out[i].name), "%s", PQgetvalue(res, i, 1));
	}
	PQclear(res);
	return n;
}

int
sched_release(struct store *st, const struct sched_item *items, int n, char *err,
    size_t errlen)
{
	const char *params[1];
	char *ids;
	size_t off = 0;
	int rc;

	if (n <= 0)
		return 0;
	if ((ids = malloc((size_t)n * 21 + 3)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ids[off++] = '{';
	for (int i = 0; i < n; i++)
		off += (size_t)snprintf(ids + off, 22, "%s%lld", i > 0 ? "," : "",
		    (long long)items[i].id);
	ids[off++] = '}';
	ids[off] = '\0';
	params[0] = ids;
	rc = store_exec(st, "UPDATE domains SET next_due_at = now() WHERE id = ANY($1::bigint[])",
	    1, params, err, errlen);
	free(ids);
	return rc;
}
