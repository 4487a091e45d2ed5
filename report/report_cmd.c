/*
 * report_cmd — "report --out DIR": writes DIR/index.html. The numbers come
 * from SQL (v_verdicts, v_flagged, fw_timeline()); the plots are drawn by
 * report/svg and inlined, so the page works offline and can be mailed.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "report/export_cmd.h"
#include "report/out.h"
#include "report/report_cmd.h"
#include "report/svg.h"
#include "storage/store.h"

#define REPORT_TIME "'YYYY-MM-DD HH24:MI:SS \"UTC\"'"

struct report_opts {
	const char *labels;	/* comma-separated labels of the domains plotted */
	char limit[16];		/* domains plotted at most */
	char buckets[16];	/* time slices per plot */
	char since[48];		/* start of the window, seconds ago */
};

static const char report_css[] =
	"body{font-family:sans-serif;margin:2em;color:#222;max-width:1200px}"
	"table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
	"text-align:left;vertical-align:top}th{background:#eee}.bar{background:#c0392b;height:10px}"
	".charts svg{border:1px solid #eee;margin:4px}h2{margin-top:2em;font-size:1.1em}";

static void
report_cell(FILE *out, const char *tag, const char *text)
{
	fprintf(out, "<%s>", tag);
	svg_escape(out, text);
	fprintf(out, "</%s>", tag);
}

/* Label counts with a bar each. */
static int
report_counts(FILE *out, struct store *st, char *err, size_t errlen)
{
	struct store_res *res = store_query(st, "SELECT label, count(*), max(count(*)) OVER () "
	    "FROM v_verdicts GROUP BY label ORDER BY 2 DESC, 1", 0, NULL, err, errlen);

	if (res == NULL)
		return -1;
	fputs("<h2>Labels</h2>\n<table><tr><th>label</th><th>domains</th><th></th></tr>\n", out);
	for (int r = 0; r < store_res_rows(res); r++) {
		fputs("<tr>", out);
		report_cell(out, "td", store_res_value(res, r, 0));
		report_cell(out, "td", store_res_value(res, r, 1));
		fprintf(out, "<td style=\"width:300px\"><div class=\"bar\" style=\"width:%.0f%%\">"
		    "</div></td></tr>\n", 100.0 * strtod(store_res_value(res, r, 1), NULL) /
		    strtod(store_res_value(res, r, 2), NULL));
	}
	fputs("</table>\n", out);
	store_res_free(res);
	return 0;
}

/* Column K of every row as doubles (NULL: NAN) into V. */
static void
report_column(struct store_res *res, int k, double *v)
{
	for (int r = 0; r < store_res_rows(res); r++)
		v[r] = store_res_is_null(res, r, k) ? NAN : strtod(store_res_value(res, r, k), NULL);
}

static void
report_chart(FILE *out, struct store_res *tl, const char *title, const struct svg_series *s, int n)
{
	int rows = store_res_rows(tl);
	struct svg_chart c = { title, store_res_value(tl, 0, 1), store_res_value(tl, rows - 1, 1), rows,
		s, n, 380, 190 };

	svg_chart_write(out, &c);
}

/* The plots of one domain from its timeline. */
static int
report_plots(FILE *out, struct store *st, const struct report_opts *o, const char *domain,
    int double_flux, char *err, size_t errlen)
{
	const char *p[3] = { domain, o->since, o->buckets };
	struct store_res *tl = store_query(st, "SELECT bucket, to_char(t AT TIME ZONE 'UTC', "
	    "'HH24:MI:SS'), ips, asns, new_ips, min_ttl, ns_names "
	    "FROM fw_timeline($1, now() - $2::interval, $3::integer)", 3, p, err, errlen);
	int n = tl != NULL ? store_res_rows(tl) : 0;
	double *v = n > 0 ? calloc((size_t)n * 5, sizeof(double)) : NULL;

	if (tl == NULL)
		return -1;
	if (v != NULL) {
		const struct svg_series ips[] = { { "addresses", "#c0392b", v, 0 },
			{ "ASNs", "#2471a3", v + n, 0 } };
		const struct svg_series churn[] = { { "addresses first seen", "#d35400", v + 2 * n, 1 } };
		const struct svg_series ttl[] = { { "lowest TTL (s)", "#27ae60", v + 3 * n, 0 } };
		const struct svg_series ns[] = { { "NS names", "#8e44ad", v + 4 * n, 0 } };

		for (int k = 0; k < 5; k++)
			report_column(tl, k + 2, v + k * n);
		fputs("<div class=\"charts\">\n", out);
		report_chart(out, tl, "Distinct addresses and ASNs", ips, 2);
		report_chart(out, tl, "Answer churn", churn, 1);
		report_chart(out, tl, "TTL", ttl, 1);
		if (double_flux)
			report_chart(out, tl, "Name server churn", ns, 1);
		fputs("</div>\n", out);
	}
	free(v);
	store_res_free(tl);
	return 0;
}

/* The flagged domains: a table, then a section with plots for each. */
static int
report_flagged(FILE *out, struct store *st, const struct report_opts *o, char *err, size_t errlen)
{
	const char *p[2] = { o->labels, o->limit };
	struct store_res *res = store_query(st, "SELECT v.domain, v.label, round(v.score::numeric, 2), "
	    "v.reason, coalesce(to_char(f.flagged_since AT TIME ZONE 'UTC', " REPORT_TIME "), '') "
	    "FROM v_verdicts v LEFT JOIN v_flagged f USING (domain) "
	    "WHERE v.label = ANY (string_to_array($1, ',')) "
	    "ORDER BY v.score DESC, v.domain LIMIT $2::integer", 2, p, err, errlen);
	static const char *const head[] = { "domain", "label", "score", "reason", "flagged since" };
	int rc = 0;

	if (res == NULL)
		return -1;
	fprintf(out, "<h2>Domains labelled %s (%d)</h2>\n<table><tr>", o->labels, store_res_rows(res));
	for (int k = 0; k < 5; k++)
		report_cell(out, "th", head[k]);
	fputs("</tr>\n", out);
	for (int r = 0; r < store_res_rows(res); r++) {
		fprintf(out, "<tr><td><a href=\"#d%d\">", r);
		svg_escape(out, store_res_value(res, r, 0));
		fputs("</a></td>", out);
		for (int k = 1; k < 5; k++)
			report_cell(out, "td", store_res_value(res, r, k));
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	for (int r = 0; r < store_res_rows(res) && rc == 0; r++) {
		fprintf(out, "<h2 id=\"d%d\">", r);
		svg_escape(out, store_res_value(res, r, 0));
		fputs(" &mdash; ", out);
		svg_escape(out, store_res_value(res, r, 1));
		fputs("</h2>\n", out);
		report_cell(out, "p", store_res_value(res, r, 3));
		rc = report_plots(out, st, o, store_res_value(res, r, 0),
		    strcmp(store_res_value(res, r, 1), "double_flux") == 0, err, errlen);
	}
	store_res_free(res);
	return rc;
}

static int
report_page(FILE *out, struct store *st, const struct report_opts *o, char *err, size_t errlen)
{
	struct store_res *res = store_query(st, "SELECT to_char(now() AT TIME ZONE 'UTC', " REPORT_TIME ")",
	    0, NULL, err, errlen);

	if (res == NULL)
		return -1;
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>fluxwatch report</title><style>%s</style></head><body>\n"
	    "<h1>fluxwatch report</h1>\n<p>Generated %s; plots cover the last %s.</p>\n",
	    report_css, store_res_value(res, 0, 0), o->since);
	store_res_free(res);
	if (report_counts(out, st, err, errlen) != 0 || report_flagged(out, st, o, err, errlen) != 0)
		return -1;
	fputs("</body></html>\n", out);
	return 0;
}

/* SECS as an interval both PostgreSQL and a reader take: "90 seconds", "2 hours". */
static void
report_window(char *buf, size_t len, long long secs)
{
	static const struct { long long secs; const char *unit; } units[] = {
		{ 86400, "days" }, { 3600, "hours" }, { 60, "minutes" }, { 1, "seconds" } };
	size_t i = 0;

	while (secs % units[i].secs != 0)
		i++;
	snprintf(buf, len, "%lld %.*s", secs / units[i].secs,
	    (int)strlen(units[i].unit) - (secs == units[i].secs), units[i].unit);	/* 1 hour, 2 hours */
}

static const struct option report_opts_table[] = {
	{ "out", required_argument, NULL, 'o' }, { "label", required_argument, NULL, 'l' },
	{ "limit", required_argument, NULL, 'n' }, { "buckets", required_argument, NULL, 'b' },
	{ "window", required_argument, NULL, 'w' }, { 0, 0, 0, 0 }
};

/* Parse the options into O and DIR; CLI_OK or CLI_USAGE (reported). */
static int
report_options(struct cli *cli, int argc, char **argv, struct report_opts *o, const char **dir)
{
	int64_t window_ms = cli->cfg.scoring.window_ms;
	char err[256] = "";
	long v;
	int c;

	while ((c = cli_getopt(&report_cmd_report, argc, argv)) != -1) {
		char *end;

		if (c == CLI_BAD_OPTION)
			return CLI_USAGE;
		v = strtol(optarg, &end, 10);
		if (c == 'o')
			*dir = optarg;
		else if (c == 'l' && export_labels_check(optarg, err, sizeof(err)) == 0)
			o->labels = optarg;
		else if ((c == 'n' || c == 'b') && *end == '\0' && v >= 1 && v <= 100000)
			snprintf(c == 'n' ? o->limit : o->buckets, sizeof(o->limit), "%ld", v);
		else if (c == 'w' && cfg_parse_duration(optarg, 0, &window_ms) == 0 && window_ms > 0)
			;
		else
			return cli_usage_error(&report_cmd_report, err[0] != '\0' ? err :
			    "--limit and --buckets take 1..100000, --window a duration (1h, 7d)");
	}
	report_window(o->since, sizeof(o->since), window_ms / 1000);
	if (*dir == NULL || optind != argc)
		return cli_usage_error(&report_cmd_report, "give --out DIR");
	return CLI_OK;
}

/*
 * Create DIR, or take the folder that is there; a symbolic link there is
 * refused, not followed (a planted link would send the page anywhere).
 * 0, or -1 once logged.
 */
static int
report_dir(const char *dir)
{
	size_t n = strlen(dir);
	struct stat st;
	char *real;
	int rc = -1;

	while (n > 1 && dir[n - 1] == '/')	/* "link/" would follow the link */
		n--;
	if ((real = strndup(dir, n)) == NULL) {
		log_warnx("report: out of memory");
		return -1;
	}
	if ((mkdir(real, 0755) != 0 && errno != EEXIST) || lstat(real, &st) != 0)
		log_warn("report: %s", real);
	else if (!S_ISDIR(st.st_mode))
		log_warnx("report: %s: %s", real, S_ISLNK(st.st_mode) ? "a symbolic link: give "
		    "the folder itself" : "not a folder");
	else
		rc = 0;
	free(real);
	return rc;
}

static int
report_write(FILE *fp, struct store *st, const void *arg, char *err, size_t errlen)
{
	return report_page(fp, st, arg, err, errlen);
}

static int
report_run(struct cli *cli, int argc, char **argv)
{
	struct report_opts o = { "single_flux,double_flux", "50", "40", "" };
	const char *dir = NULL;
	char *path;
	int rc;

	if ((rc = report_options(cli, argc, argv, &o, &dir)) != CLI_OK)
		return rc;
	if (report_dir(dir) != 0)
		return CLI_RUNTIME;
	if ((path = malloc(strlen(dir) + 16)) == NULL)
		return CLI_RUNTIME;
	snprintf(path, strlen(dir) + 16, "%s/index.html", dir);
	if ((rc = out_run(&cli->cfg, path, "report", report_write, &o)) == CLI_OK)
		printf("report: %s\n", path);
	free(path);
	return rc;
}

const struct cli_verb report_cmd_report = {
	"report", report_run, "report --out DIR [--label L[,L...]] [--limit N] [--buckets N] "
	"[--window DURATION]",
	"Write DIR/index.html, a static page that works offline: label counts, the\n"
	"domains with the given labels (single_flux,double_flux) and their reasons,\n"
	"and for each (at most --limit, 50) inline SVG plots over --window (the\n"
	"scoring window): distinct addresses and ASNs, addresses first seen per time\n"
	"slice (--buckets slices, 40), lowest TTL, and name server churn for double flux.\n"
	"DIR may exist; a symbolic link at DIR is refused.",
	NULL, "o:l:n:b:w:", report_opts_table
};
