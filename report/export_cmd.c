/*
 * export_cmd — "export FORMAT": the rows come from SQL (v_verdicts; the
 * STIX bundle from fw_stix_bundle(), RPZ serials from fw_next_serial(),
 * Passive DNS lines from fw_pdns_lines());
 * this file picks the format, filters labels and writes the text. Every
 * option that reaches the output is checked here first (labels, zone
 * name, TTL, policy); the RPZ is staged in memory and loaded with ldns
 * (rpz_check) before a byte of it goes out.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/log.h"
#include "report/export_cmd.h"
#include "report/out.h"
#include "report/rpz.h"
#include "storage/store.h"

#define EXPORT_FLUX "single_flux,double_flux"
#define EXPORT_WHERE "WHERE $1::text IS NULL OR label = ANY (string_to_array($1, ','))"

struct export_opts {
	const char *labels;	/* comma-separated, NULL: the format's default */
	char origin[RPZ_NAME_BUFSZ];	/* the zone's name; zone.origin points here */
	struct rpz_zone zone;
};

int
export_labels_check(const char *list, char *err, size_t errlen)
{
	static const char *const known[] = { "single_flux", "double_flux", "cdn", "benign",
		"unresolved", "insufficient" };
	const char *p = list;

	do {
		size_t n = strcspn(p, ","), k;

		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strlen(known[k]) == n && strncmp(p, known[k], n) == 0)
				break;
		if (k == sizeof(known) / sizeof(known[0])) {
			snprintf(err, errlen, "unknown label \"%.*s\" (labels: single_flux, double_flux, "
			    "cdn, benign, unresolved, insufficient)", (int)n, p);
			return -1;
		}
		p += n;
	} while (*p++ == ',');
	return 0;
}

static int
export_csv(FILE *out, struct store *st, const struct export_opts *o, char *err, size_t errlen)
{
	const char *p[1] = { o->labels };
	struct store_res *res = store_query(st, "SELECT domain, label, score, reason, features->>'ips', "
	    "features->>'asns', features->>'min_ttl', features->>'ns_names', scored_at "
	    "FROM v_verdicts " EXPORT_WHERE " ORDER BY domain", 1, p, err, errlen);

	if (res == NULL)
		return -1;
	fputs("domain,label,score,reason,ips,asns,min_ttl,ns_names,scored_at\n", out);
	for (int r = 0; r < store_res_rows(res); r++)
		for (int k = 0; k < store_res_cols(res); k++)
			csv_write_field(out, store_res_value(res, r, k), k + 1 == store_res_cols(res));
	store_res_free(res);
	return 0;
}

/* Print every row's single column, one per line. */
static int
export_lines(FILE *out, struct store *st, const char *sql, const char *labels, char *err,
    size_t errlen)
{
	const char *p[1] = { labels };
	struct store_res *res = store_query(st, sql, 1, p, err, errlen);

	if (res == NULL)
		return -1;
	for (int r = 0; r < store_res_rows(res); r++)
		fprintf(out, "%s\n", store_res_value(res, r, 0));
	store_res_free(res);
	return 0;
}

static int
export_jsonl(FILE *out, struct store *st, const struct export_opts *o, char *err, size_t errlen)
{
	return export_lines(out, st, "SELECT json_build_object('domain', domain, 'label', label, "
	    "'score', score, 'reason', reason, 'scored_at', fw_stix_time(scored_at), "
	    "'features', features, 'thresholds', thresholds) FROM v_verdicts " EXPORT_WHERE
	    " ORDER BY domain", o->labels, err, errlen);
}

static int
export_pdns_line(const struct store_res *row, void *arg)
{
	return fprintf(arg, "%s\n", store_res_value(row, 0, 0)) < 0 ? -1 : 0;
}

/* Row by row: the history of 10^5 domains does not fit a result in memory. */
static int
export_pdns(FILE *out, struct store *st, const struct export_opts *o, char *err, size_t errlen)
{
	const char *p[1] = { o->labels };

	return store_each(st, "SELECT fw_pdns_lines(string_to_array($1, ','))", 1, p,
	    export_pdns_line, out, err, errlen);
}

static int
export_stix(FILE *out, struct store *st, const struct export_opts *o, char *err, size_t errlen)
{
	return export_lines(out, st, "SELECT jsonb_pretty(fw_stix_bundle(string_to_array($1, ',')))",
	    o->labels, err, errlen);
}

/* The zone for the domains of RES into OUT, staged and checked: 0, or -1 with err. */
static int
export_rpz_zone(FILE *out, const struct rpz_zone *z, struct store_res *res, char *err, size_t errlen)
{
	char *text = NULL, why[200];
	size_t len = 0, written = 0;
	FILE *mem = open_memstream(&text, &len);
	int rc = -1;

	if (mem == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	rpz_write_header(mem, z);
	for (int r = 0; r < store_res_rows(res); r++)
		written += rpz_write_domain(mem, z, store_res_value(res, r, 0)) == 0;
	if (fclose(mem) != 0)
		snprintf(err, errlen, "%s", strerror(errno));
	else if (rpz_check(text, len, z, written, why, sizeof(why)) != 0)
		snprintf(err, errlen, "the zone would not load, nothing written: %s", why);
	else {
		fwrite(text, 1, len, out);	/* a failed write is out's (or main's) to report */
		rc = 0;
	}
	if (written < (size_t)store_res_rows(res))
		log_warnx("export rpz: %zu domain(s) too long to be triggers under %s, left out",
		    (size_t)store_res_rows(res) - written, z->origin);
	free(text);
	return rc;
}

static int
export_rpz(FILE *out, struct store *st, const struct export_opts *o, char *err, size_t errlen)
{
	struct rpz_zone z = o->zone;
	const char *p[1] = { z.origin };
	struct store_res *res = store_query(st, "SELECT fw_next_serial($1)", 1, p, err, errlen);
	int rc;

	if (res == NULL)
		return -1;
	z.serial = strtoull(store_res_value(res, 0, 0), NULL, 10);
	store_res_free(res);
	p[0] = o->labels;
	if ((res = store_query(st, "SELECT domain FROM v_verdicts " EXPORT_WHERE " ORDER BY domain",
	    1, p, err, errlen)) == NULL)
		return -1;
	rc = export_rpz_zone(out, &z, res, err, errlen);
	store_res_free(res);
	return rc;
}

static const struct export_format {
	const char *name;
	const char *default_labels;	/* NULL: every label */
	int (*write)(FILE *, struct store *, const struct export_opts *, char *, size_t);
} export_formats[] = {
	{ "csv", NULL, export_csv },
	{ "jsonl", NULL, export_jsonl },
	{ "stix", EXPORT_FLUX, export_stix },
	{ "rpz", EXPORT_FLUX, export_rpz },
	{ "pdns", NULL, export_pdns },
};

static const struct export_format *
export_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(export_formats) / sizeof(export_formats[0]); i++)
		if (strcmp(export_formats[i].name, name) == 0)
			return &export_formats[i];
	return NULL;
}

/* Take option C with ARG into O or OUT_PATH: 0, or -1 with err naming the option. */
static int
export_option(int c, const char *arg, struct export_opts *o, const char **out_path, char *err,
    size_t errlen)
{
	char why[200];
	enum name_status st;
	int64_t ms;

	switch (c) {
	case 'l':
		o->labels = arg;
		return export_labels_check(arg, err, errlen);
	case 'o':
		*out_path = arg;
		return 0;
	case 'p':
		if (rpz_policy_parse(arg, &o->zone.policy, why, sizeof(why)) == 0)
			return 0;
		snprintf(err, errlen, "--policy %s", why);
		return -1;
	case 'z':
		if ((st = rpz_name(arg, o->origin)) == NAME_OK)
			return 0;
		snprintf(err, errlen, "--zone takes a domain name: %s", name_strerror(st));
		return -1;
	case 't':
		if (cfg_parse_duration(arg, 0, &ms) == 0 && ms >= 1000 && ms / 1000 <= RPZ_TTL_MAX) {
			o->zone.ttl = (long)(ms / 1000);
			return 0;
		}
		snprintf(err, errlen, "--ttl takes seconds (300, 5m, ...), from 1 s to %ld s "
		    "(RFC 2181)", RPZ_TTL_MAX);
		return -1;
	}
	snprintf(err, errlen, "unknown option");
	return -1;
}

static const struct option export_opts_table[] = {
	{ "label", required_argument, NULL, 'l' }, { "out", required_argument, NULL, 'o' },
	{ "policy", required_argument, NULL, 'p' }, { "zone", required_argument, NULL, 'z' },
	{ "ttl", required_argument, NULL, 't' }, { 0, 0, 0, 0 }
};

/* Parse the options into O and OUT_PATH; CLI_OK or CLI_USAGE (reported). */
static int
export_options(int argc, char **argv, struct export_opts *o, const char **out_path)
{
	char err[256];
	int c;

	while ((c = cli_getopt(&export_cmd_export, argc, argv)) != -1) {
		if (c == CLI_BAD_OPTION)
			return CLI_USAGE;
		if (export_option(c, optarg, o, out_path, err, sizeof(err)) != 0)
			return cli_usage_error(&export_cmd_export, err);
	}
	return CLI_OK;
}

struct export_job {
	const struct export_format *f;
	const struct export_opts *o;
};

static int
export_write(FILE *fp, struct store *st, const void *arg, char *err, size_t errlen)
{
	const struct export_job *j = arg;

	return j->f->write(fp, st, j->o, err, errlen);
}

static int
export_run(struct cli *cli, int argc, char **argv)
{
	struct export_opts o = { NULL, "rpz.fluxwatch.", { o.origin, 0, 300, { RPZ_NXDOMAIN, "" } } };
	struct export_job job = { NULL, &o };
	const char *out_path = NULL;
	char what[32];
	int rc;

	if ((rc = export_options(argc, argv, &o, &out_path)) != CLI_OK)
		return rc;
	if (optind + 1 != argc || (job.f = export_format_find(argv[optind])) == NULL)
		return cli_usage_error(&export_cmd_export, "the format is csv, jsonl, stix, rpz or pdns");
	if (o.labels == NULL)
		o.labels = job.f->default_labels;
	snprintf(what, sizeof(what), "export %s", job.f->name);
	return out_run(&cli->cfg, out_path, what, export_write, &job);
}

const struct cli_verb export_cmd_export = {
	"export", export_run, "export csv|jsonl|stix|rpz|pdns [--label L[,L...]] [--out FILE] "
	"[--policy P] [--zone NAME] [--ttl SECONDS]",
	"Write the latest verdict of each domain. csv: domain,label,score,reason,...\n"
	"with a header; jsonl: one JSON object per line (features and thresholds\n"
	"included); stix: a STIX 2.1 bundle of indicator objects (domain-name\n"
	"patterns, valid_from, labels, confidence = score x 100); rpz: a Response\n"
	"Policy Zone (SOA serial greater at each export) blocking each domain and its\n"
	"subdomains, --policy nxdomain (default), nodata, drop or cname:SINKHOLE,\n"
	"--zone its name (rpz.fluxwatch), --ttl its TTL (300; 1 s to 2147483647 s);\n"
	"names follow the seed-list rules, and a zone that does not load (ldns) is\n"
	"never written; pdns: the history of every name asked as Passive DNS Common\n"
	"Output Format JSON lines (rrname, rrtype, rdata, time_first, time_last in\n"
	"epoch seconds, count; vantages merged). --label keeps those labels (stix\n"
	"and rpz: single_flux,double_flux; csv, jsonl and pdns: all).\n"
	"--out FILE replaces FILE atomically once the export is complete.",
	NULL, "l:o:p:z:t:", export_opts_table
};
