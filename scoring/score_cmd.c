/*
 * score_cmd — thin verbs over the SQL scoring pass. The thresholds come
 * from the configuration ("scoring:", every key of it) and travel to
 * fw_label() as one jsonb parameter, stored with every verdict.
 */
#include "config.h"

#include <assert.h>
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg_keys.h"
#include "common/log.h"
#include "common/name.h"
#include "scoring/score_cmd.h"
#include "storage/store.h"
#include "storage/connect.h"

/*
 * The thresholds of the configuration as jsonb text: every key of the
 * "scoring" section of the key table (common/cfg_keys.c) under its own
 * name, so a key added there reaches fw_label() without a line here. Shares
 * and counts travel as configured (shares are percent), durations in whole
 * seconds. Names come from the table and values are numbers, so nothing
 * needs escaping. 0, or -1 when LEN is too small.
 */
static int
score_thresholds(const struct cfg *cfg, char *buf, size_t len)
{
	const struct cfg_field *sec = cfg_root_fields;
	size_t used = 0;
	int n;

	while (sec->key != NULL && strcmp(sec->key, "scoring") != 0)
		sec++;
	assert(sec->key != NULL && sec->kind == CFG_K_SECTION);
	for (const struct cfg_field *f = sec->sub; f->key != NULL; f++) {
		const char *slot = (const char *)cfg + sec->off + f->off;
		long long v;

		/* a scoring key of another kind needs its unit decided here first */
		assert(f->kind == CFG_K_INT || f->kind == CFG_K_DURATION);
		if (f->kind == CFG_K_INT)
			v = *(const int *)(const void *)slot;
		else
			v = *(const int64_t *)(const void *)slot / 1000;
		n = snprintf(buf + used, len - used, "%s\"%s\": %lld", used == 0 ? "{" : ", ",
		    f->key, v);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	if (used == 0 || len - used < 2)
		return -1;
	memcpy(buf + used, "}", 2);
	return 0;
}

/* Print a result as an aligned table (psql-like, no pager). */
static void
score_print(struct store_res *res)
{
	int cols = store_res_cols(res), rows = store_res_rows(res);
	int *w = calloc((size_t)cols, sizeof(int));

	if (w == NULL)
		return;
	for (int c = 0; c < cols; c++) {
		w[c] = (int)strlen(store_res_name(res, c));
		for (int r = 0; r < rows; r++)
			if (store_res_length(res, r, c) > w[c])
				w[c] = store_res_length(res, r, c);
	}
	for (int c = 0; c < cols; c++)
		printf("%-*s%s", w[c], store_res_name(res, c), c + 1 < cols ? "  " : "\n");
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++)
			printf("%-*s%s", c + 1 < cols ? w[c] : 0, store_res_value(res, r, c),
			    c + 1 < cols ? "  " : "\n");
	free(w);
}

/* Run SQL with params on ST and print its rows: 0, or -1 (logged). */
static int
score_print_query(struct store *st, const char *sql, int n, const char *const *p)
{
	char err[STORE_ERRLEN];
	struct store_res *res = store_query(st, sql, n, p, err, sizeof(err));

	if (res == NULL) {
		log_warnx("%s", err);
		return -1;
	}
	score_print(res);
	store_res_free(res);
	return 0;
}

/* The same on a connection of its own; CLI status. */
static int
score_query_print(const struct cfg *cfg, const char *sql, int n, const char *const *p)
{
	struct store *st = store_connect(cfg);
	int rc;

	if (st == NULL)
		return CLI_RUNTIME;
	rc = score_print_query(st, sql, n, p);
	store_close(st);
	return rc == 0 ? CLI_OK : CLI_RUNTIME;
}

static const struct option score_opts[] = { { "all", no_argument, NULL, 'a' }, { 0, 0, 0, 0 } };

/*
 * A share of a pass: the domains with ids first..last, scored in a session
 * of its own (fw_score; share 0 on the pass's connection), so that the
 * shares of a large pass run on as many of the server's cores at once
 * (database.score_sessions).
 */
struct score_share {
	const struct cfg *cfg;
	struct store *st;		/* share 0: the pass's connection; else its own */
	const char *p[5];		/* thresholds, window, all, first, last */
	char first[24], last[24];
	long long scored;
	int ok, started;		/* scored and stored; a thread of its own runs it */
	pthread_t thread;
};

static void *
score_share_run(void *arg)
{
	struct score_share *s = arg;
	char err[STORE_ERRLEN];
	struct store *st = s->st != NULL ? s->st : store_connect(s->cfg);
	struct store_res *res;

	if (st == NULL)
		return NULL;
	res = store_query(st, "SELECT fw_score($1::jsonb, now() - $2::interval, NOT $3::boolean, "
	    "$4::bigint, $5::bigint)", 5, s->p, err, sizeof(err));
	if (res == NULL) {
		log_warnx("score: domains %s..%s: %s", s->first, s->last, err);
	} else {
		s->scored = strtoll(store_res_value(res, 0, 0), NULL, 10);
		s->ok = 1;
		store_res_free(res);
	}
	if (st != s->st)
		store_close(st);
	return NULL;
}

/*
 * Split the domain ids of the scoring rollup (on ST) into N shares of equal
 * width and score them at once, share 0 in this thread. The domains scored,
 * or -1 when a share failed (the others are stored: each commits alone).
 */
static long long
score_shares(struct store *st, struct score_share *sh, int n)
{
	char err[STORE_ERRLEN];
	struct store_res *res = store_query(st, "SELECT coalesce(min(domain_id), 0), "
	    "coalesce(max(domain_id), 0) FROM domain_rollup", 0, NULL, err, sizeof(err));
	long long lo, hi, width, total = 0;
	int failed = 0;

	if (res == NULL) {
		log_warnx("score: %s", err);
		return -1;
	}
	lo = strtoll(store_res_value(res, 0, 0), NULL, 10);
	hi = strtoll(store_res_value(res, 0, 1), NULL, 10);
	store_res_free(res);
	width = (hi - lo) / n + 1;
	for (int k = 0; k < n; k++) {
		snprintf(sh[k].first, sizeof(sh[k].first), "%lld", k == 0 ? 0 : lo + k * width);
		snprintf(sh[k].last, sizeof(sh[k].last), "%lld",
		    k == n - 1 ? (long long)INT64_MAX : lo + (k + 1) * width - 1);
		sh[k].p[3] = sh[k].first;
		sh[k].p[4] = sh[k].last;
	}
	for (int k = 1; k < n; k++)
		sh[k].started = pthread_create(&sh[k].thread, NULL, score_share_run, &sh[k]) == 0;
	sh[0].st = st;
	score_share_run(&sh[0]);
	for (int k = 1; k < n; k++) {
		if (sh[k].started)
			pthread_join(sh[k].thread, NULL);
		else
			score_share_run(&sh[k]);	/* no thread: in this one, after */
	}
	for (int k = 0; k < n; k++) {
		total += sh[k].scored;
		failed |= !sh[k].ok;
	}
	printf("scored %lld domains\n", total);
	return failed ? -1 : total;
}

static int
score_run(struct cli *cli, int argc, char **argv)
{
	char t[1024], window[32], err[STORE_ERRLEN];
	struct score_share sh[64];
	const char *all = "f";
	struct store *st;
	long long scored;
	int c, n = cli->cfg.database.score_sessions;

	while ((c = cli_getopt(&score_cmd_score, argc, argv)) != -1) {
		if (c == CLI_BAD_OPTION)
			return CLI_USAGE;
		all = "t";
	}
	if (optind != argc)
		return cli_usage_error(&score_cmd_score, "unexpected argument");
	if (score_thresholds(&cli->cfg, t, sizeof(t)) != 0) {
		log_warnx("score: the thresholds do not fit in %zu bytes", sizeof(t));
		return CLI_RUNTIME;
	}
	snprintf(window, sizeof(window), "%lld milliseconds", (long long)cli->cfg.scoring.window_ms);
	if ((st = store_connect(&cli->cfg)) == NULL)
		return CLI_RUNTIME;
	/* a rollup just filled, before autovacuum reaches it, misleads the plan */
	if (store_exec(st, "SELECT fw_analyze_rollup()", 0, NULL, err, sizeof(err)) != 0)
		log_warnx("score: analysing the scoring rollup: %s", err);
	/* each share's verdicts and settled counts in one transaction */
	assert(n >= 1 && n <= (int)(sizeof(sh) / sizeof(sh[0])));
	memset(sh, 0, sizeof(sh));
	for (int k = 0; k < n; k++) {
		sh[k].cfg = &cli->cfg;
		sh[k].p[0] = t;
		sh[k].p[1] = window;
		sh[k].p[2] = all;
	}
	scored = score_shares(st, sh, n);
	/* the latest labels as the pass left them in domains (v_verdicts would
	 * sort every verdict ever stored: 0.27 s of an incremental pass at 100k) */
	if (scored >= 0 && score_print_query(st, "SELECT last_label AS label, count(*) AS domains "
	    "FROM domains WHERE last_label IS NOT NULL GROUP BY 1 ORDER BY 1", 0, NULL) != 0)
		scored = -1;
	store_close(st);
	return scored < 0 ? CLI_RUNTIME : CLI_OK;
}

/* Whether NAME is a tracked domain: 1 yes, 0 no, -1 database error (logged). */
static int
show_tracked(const struct cfg *cfg, const char *name)
{
	char err[STORE_ERRLEN];
	const char *p[1] = { name };
	struct store *st = store_connect(cfg);
	struct store_res *res;
	int known;

	if (st == NULL)
		return -1;
	if ((res = store_query(st, "SELECT 1 FROM domains WHERE name = $1", 1, p, err,
	    sizeof(err))) == NULL) {
		log_warnx("show: %s", err);
		store_close(st);
		return -1;
	}
	known = store_res_rows(res) > 0;
	store_res_free(res);
	store_close(st);
	return known;
}

static int
show_run(struct cli *cli, int argc, char **argv)
{
	char name[NAME_BUFSZ];
	const char *p[1] = { name };
	enum name_status ns;
	int rc;

	if (cli_no_options(&score_cmd_show, argc, argv) != CLI_OK)
		return CLI_USAGE;
	if (optind + 1 != argc)
		return cli_usage_error(&score_cmd_show, "give one domain");
	/* the same normalisation as seed add: "Bücher.Example." finds xn--bcher-kva.example */
	if ((ns = name_from_entry(argv[optind], strlen(argv[optind]), name)) != NAME_OK) {
		log_warnx("show: \"%s\": %s", argv[optind], name_strerror(ns));
		return CLI_USAGE;
	}
	if ((rc = show_tracked(&cli->cfg, name)) <= 0) {
		if (rc == 0)
			log_warnx("show: %s is not a tracked domain", name);
		return CLI_RUNTIME;
	}
	rc = score_query_print(&cli->cfg,
	    "SELECT domain, label, score, scored_at, reason FROM v_verdicts WHERE domain = $1", 1, p);
	if (rc != CLI_OK)
		return rc;
	printf("\n");
	return score_query_print(&cli->cfg,
	    "SELECT date_trunc('minute', observed_at) AS minute, count(DISTINCT addr) AS addresses, "
	    "count(DISTINCT fw_asn(addr)) AS asns, min(ttl) AS min_ttl, "
	    "count(DISTINCT rdata) FILTER (WHERE rrtype = 'NS') AS ns_names "
	    "FROM v_answers WHERE tracked_domain = $1 AND domain = tracked_domain "
	    "GROUP BY 1 ORDER BY 1 DESC LIMIT 15", 1, p);
}

const struct cli_verb score_cmd_score = {
	"score", score_run, "score [--all]",
	"Score the domains with observations newer than their last verdict (--all:\n"
	"every domain observed in the window) and print the label counts. Verdicts\n"
	"(label, score, reason, features, thresholds) are kept as history; the\n"
	"latest per domain is the view v_verdicts.",
	NULL, "a", score_opts
};

const struct cli_verb score_cmd_show = {
	"show", show_run, "show DOMAIN",
	"Print the domain's latest verdict with its reason, and a per-minute timeline\n"
	"of addresses, ASNs, TTLs and name servers. DOMAIN is normalised like a seed\n"
	"entry (case, trailing dot, IDN, URL); an unknown domain exits 1.",
	NULL, NULL, NULL
};
