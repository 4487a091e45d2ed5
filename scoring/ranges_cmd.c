/*
 * ranges_cmd — load IP range tables in one transaction each: the table is
 * locked, emptied and refilled with COPY, so a failed load changes nothing.
 * Bad lines are named (FILE:LINE) and skipped; an unreadable file, a file
 * without valid rows or with too many bad lines, and a result much smaller
 * than the table it replaces (unless --force) abort (common/replace.h). The
 * ASN or country the scoring rollup keeps per address (table addresses) is
 * looked up again in the same transaction.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/lines.h"
#include "common/log.h"
#include "common/name.h"
#include "common/replace.h"
#include "scoring/ranges_cmd.h"
#include "storage/store.h"
#include "storage/connect.h"

struct ranges_kind {
	const struct cli_verb *verb;
	const char *table;
	const char *copy;	/* the COPY statement */
	const char *format;	/* the line format, for messages */
	int (*row)(struct store_copy *cp, char **f, int n);	/* 0, or -1 when malformed */
};

/* start,end,asn[,org] */
static int
ranges_asn_row(struct store_copy *cp, char **f, int n)
{
	char *end;

	if (n < 3 || n > 4)
		return -1;
	errno = 0;
	if (strtoll(f[2], &end, 10) < 0 || *end != '\0' || end == f[2] || errno != 0)
		return -1;
	return store_copy_fieldz(cp, f[0]) | store_copy_fieldz(cp, f[1]) |
	    store_copy_fieldz(cp, f[2]) | store_copy_fieldz(cp, n == 4 ? f[3] : NULL) |
	    store_copy_end_row(cp);
}

/* start,end,CC (ISO 3166 alpha-2) */
static int
ranges_geo_row(struct store_copy *cp, char **f, int n)
{
	if (n != 3 || strlen(f[2]) != 2 || !isupper((unsigned char)f[2][0]) ||
	    !isupper((unsigned char)f[2][1]))
		return -1;
	return store_copy_fieldz(cp, f[0]) | store_copy_fieldz(cp, f[1]) |
	    store_copy_fieldz(cp, f[2]) | store_copy_end_row(cp);
}

/*
 * COPY the rows of one file; fills *rf. 0, or -1 when the file cannot be
 * read (logged). Bad lines are counted and the first ten named.
 */
static int
ranges_file(const struct ranges_kind *k, struct store_copy *cp, const char *path,
    struct replace_file *rf)
{
	struct lines ln;
	size_t len;
	FILE *fp = fopen(path, "r");
	int r;

	if (fp == NULL) {
		log_warn("%s load: %s", k->verb->name, path);
		return -1;
	}
	if (lines_init(&ln, fp, 4096) != 0) {
		fclose(fp);
		return -1;
	}
	while ((r = lines_next(&ln, &len)) > 0) {
		char *f[5];
		int n;

		if (len == 0 || ln.buf[0] == '#')
			continue;
		rf->lines++;
		n = r == 1 ? csv_split(ln.buf, f, 5) : -1;
		if (n >= 2 && n <= 5 && name_is_ip(f[0]) && name_is_ip(f[1]) && k->row(cp, f, n) == 0) {
			rf->rows++;
			continue;
		}
		if (rf->bad++ == 0)
			rf->first_bad = ln.lineno;
		if (rf->bad <= 10)
			log_warnx("%s:%ld: not %s", path, ln.lineno, k->format);
	}
	if (r < 0)
		log_warn("%s load: %s", k->verb->name, path);
	lines_free(&ln);
	fclose(fp);
	return r < 0 ? -1 : 0;
}

/* The row count of the table, which this transaction has locked. -1 with err. */
static long long
ranges_count(const struct ranges_kind *k, struct store *st, char *err, size_t errlen)
{
	char sql[96];
	struct store_res *res;
	long long n;

	snprintf(sql, sizeof(sql), "LOCK TABLE %s IN EXCLUSIVE MODE", k->table);
	if (store_exec(st, sql, 0, NULL, err, errlen) != 0)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", k->table);
	if ((res = store_query(st, sql, 0, NULL, err, errlen)) == NULL)
		return -1;
	n = strtoll(store_res_value(res, 0, 0), NULL, 10);
	store_res_free(res);
	return n;
}

/* COPY every file; each must pass replace_file_check. 0, or -1 (logged). */
static int
ranges_files(const struct ranges_kind *k, struct store_copy *cp, char **files, int n,
    long long *rows, long long *bad)
{
	char why[160];

	for (int i = 0; i < n; i++) {
		struct replace_file rf = { 0, 0, 0, 0 };

		if (ranges_file(k, cp, files[i], &rf) != 0)
			return -1;
		if (replace_file_check(&rf, why, sizeof(why)) != 0) {
			log_warnx("%s load: %s: %s (%s)", k->verb->name, files[i], why, k->format);
			return -1;
		}
		*rows += rf.rows;
		*bad += rf.bad;
	}
	return 0;
}

/*
 * Replace the table with the files' rows in one transaction, or change
 * nothing: any file failing its checks, or the new rows being much fewer
 * than the old ones without FORCE, rolls it back. The ASN or country the
 * scoring rollup keeps for every address seen is looked up again in the
 * same transaction. 0 or -1 (logged).
 */
static int
ranges_replace(const struct ranges_kind *k, struct store *st, char **files, int n, int force,
    long long *rows, long long *bad)
{
	char err[STORE_ERRLEN] = "", sql[64];
	struct store_copy *cp;
	long long old;
	int failed;

	snprintf(sql, sizeof(sql), "DELETE FROM %s", k->table);
	if (store_exec(st, "BEGIN", 0, NULL, err, sizeof(err)) != 0 ||
	    (old = ranges_count(k, st, err, sizeof(err))) < 0 ||
	    store_exec(st, sql, 0, NULL, err, sizeof(err)) != 0 ||
	    (cp = store_copy_begin(st, k->copy, err, sizeof(err))) == NULL) {
		log_warnx("%s load: %s", k->verb->name, err);
		return -1;
	}
	failed = ranges_files(k, cp, files, n, rows, bad) != 0;
	if (store_copy_finish(cp, failed, err, sizeof(err)) != 0 && !failed) {
		log_warnx("%s load: %s", k->verb->name, err);
		failed = 1;
	}
	if (!failed && replace_size_check(old, *rows, force, err, sizeof(err)) != 0) {
		log_warnx("%s load: %s", k->verb->name, err);
		failed = 1;
	}
	/* the ASN or country kept per known address (table addresses) follows */
	if (!failed && store_exec(st, "SELECT fw_addresses_refresh($1::regclass)", 1, &k->table,
	    err, sizeof(err)) != 0) {
		log_warnx("%s load: %s", k->verb->name, err);
		failed = 1;
	}
	if (store_exec(st, failed ? "ROLLBACK" : "COMMIT", 0, NULL, err, sizeof(err)) != 0 &&
	    !failed) {
		log_warnx("%s load: %s", k->verb->name, err);
		failed = 1;
	}
	return failed ? -1 : 0;
}

static const struct option ranges_opts[] = {
	{ "force", no_argument, NULL, 'f' }, { 0, 0, 0, 0 }
};

/* "asn load [--force] FILE...": argv[0] is "load". */
static int
ranges_run(const struct ranges_kind *k, struct cli *cli, int argc, char **argv)
{
	char err[STORE_ERRLEN], sql[64];
	long long rows = 0, bad = 0;
	struct store *st;
	int c, force = 0;

	while ((c = cli_getopt(k->verb, argc, argv)) != -1) {
		if (c == CLI_BAD_OPTION)
			return CLI_USAGE;
		force = 1;
	}
	if (optind >= argc)
		return cli_usage_error(k->verb, "no file given");
	if ((st = store_connect(&cli->cfg)) == NULL)
		return CLI_RUNTIME;
	if (ranges_replace(k, st, argv + optind, argc - optind, force, &rows, &bad) != 0) {
		log_warnx("%s load: nothing changed", k->verb->name);
		store_close(st);
		return CLI_RUNTIME;
	}
	snprintf(sql, sizeof(sql), "ANALYZE %s", k->table);
	store_exec(st, sql, 0, NULL, err, sizeof(err));
	printf("%s load: %lld ranges, %lld bad lines skipped\n", k->verb->name, rows, bad);
	store_close(st);
	return CLI_OK;
}

static const struct ranges_kind ranges_asn = {
	&ranges_cmd_asn, "asn_ranges", "COPY asn_ranges (range_start, range_end, asn, org) FROM STDIN",
	"start,end,asn,org", ranges_asn_row
};

static const struct ranges_kind ranges_geo = {
	&ranges_cmd_geo, "geo_ranges", "COPY geo_ranges (range_start, range_end, country) FROM STDIN",
	"start,end,country", ranges_geo_row
};

static int
ranges_asn_run(struct cli *cli, int argc, char **argv)
{
	return ranges_run(&ranges_asn, cli, argc, argv);
}

static int
ranges_geo_run(struct cli *cli, int argc, char **argv)
{
	return ranges_run(&ranges_geo, cli, argc, argv);
}

const struct cli_verb ranges_cmd_asn = {
	"asn", ranges_asn_run, "asn load [--force] FILE...",
	"Replace the IP range -> ASN table with the given ip-location-db CSV files\n"
	"(start,end,asn,org; IPv4 and IPv6), in one transaction. Nothing changes when\n"
	"a file has no valid line or more than 1 % bad lines, or when the new table\n"
	"would have less than half the rows of the old one (--force: load anyway).",
	"load", "f", ranges_opts
};

const struct cli_verb ranges_cmd_geo = {
	"geo", ranges_geo_run, "geo load [--force] FILE...",
	"Replace the IP range -> country table with the given ip-location-db country\n"
	"CSV files (start,end,country; e.g. @ip-location-db/geo-whois-asn-country),\n"
	"in one transaction, under the same checks as asn load. Without it, the\n"
	"countries feature is missing.",
	"load", "f", ranges_opts
};
