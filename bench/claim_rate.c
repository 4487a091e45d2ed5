/*
 * claim_rate — how fast the shared work queue hands out and takes back
 * domains: claims every due domain in batches of N (default 500) through
 * queue_claim(), reports each batch as visited through queue_report(), and
 * prints domains per second for both. Uses the PG* environment.
 *
 * usage: claim_rate [BATCH]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "storage/queue.h"
#include "storage/store.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	int batch = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 500;
	struct queue_claim_opts co = { batch, 300000, "claim_rate", NULL, 0, 0 };
	struct queue_policy pol = { .min_interval_ms = 60000, .max_interval_ms = 3600000,
		.settle_after = 3, .backoff = 2 };
	struct queue_item *items = calloc((size_t)batch, sizeof(*items));
	struct queue_visit *visits = calloc((size_t)batch, sizeof(*visits));
	char err[STORE_ERRLEN];
	struct store *st = store_open("", err, sizeof(err));
	double claim_s = 0, report_s = 0, t;
	long long total = 0;
	int n;

	if (st == NULL || items == NULL || visits == NULL || batch < 1) {
		fprintf(stderr, "claim_rate: %s\n", st == NULL ? err : "bad batch size");
		return 1;
	}
	for (;;) {
		t = now_s();
		n = queue_claim(st, &co, items, err, sizeof(err));
		claim_s += now_s() - t;
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			struct queue_visit v = { .id = items[i].id, .before = items[i].state,
				.resolved = 1, .answered = 1, .min_ttl_s = 60,
				.signature = (uint64_t)items[i].id };

			visits[i] = v;
		}
		t = now_s();
		if (queue_report(st, &pol, visits, n, err, sizeof(err)) != 0)
			break;
		report_s += now_s() - t;
		total += n;
	}
	if (n < 0) {
		fprintf(stderr, "claim_rate: %s\n", err);
		return 1;
	}
	printf("claimed and reported %lld domains in batches of %d: claim %.0f domains/s, "
	    "report %.0f domains/s, both %.0f domains/s\n", total, batch,
	    total / (claim_s > 0 ? claim_s : 1), total / (report_s > 0 ? report_s : 1),
	    total / (claim_s + report_s > 0 ? claim_s + report_s : 1));
	store_close(st);
	free(items);
	free(visits);
	return 0;
}
