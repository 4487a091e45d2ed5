/*
 * ranges_cmd — load IP range tables in one transaction each: the table is
 * emptied and refilled with COPY, so a failed load changes nothing. Bad
 * lines are named (FILE:LINE) and skipped; an unreadable file aborts.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/lines.h"
#include "common/log.h"
#include "storage/ranges_cmd.h"
#include "storage/store.h"
#include "storage/store_cmd.h"

struct ranges_kind {
	const struct cli_verb *verb;
	const char *table;
	const char *copy;	/* the COPY statement */
	const char *format;	/* the line format, for messages */
	int (*row)(struct store_copy *cp, char **f, int n);	/* 0, or -1 when malformed */
};

static int
ranges_addr(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

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

static int
ranges_file(const struct ranges_kind *k, struct store_copy *cp, const char *path,
    long long *rows, long long *bad)
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
		n = r == 1 ? csv_split(ln.buf, f, 5) : -1;
		if (n >= 2 && n <= 5 && ranges_addr(f[0]) && ranges_addr(f[1]) && k->row(cp, f, n) == 0)
			(*rows)++;
		else if ((*bad)++ < 10)
			log_warnx("%s:%ld: not %s", path, ln.lineno, k->format);
	}
	lines_free(&ln);
	fclose(fp);
	return r < 0 ? -1 : 0;
}

/* "asn load FILE...": argv[0] is "load". */
static int
ranges_run(const struct ranges_kind *k, struct cli *cli, int argc, char **argv)
{
	char err[STORE_ERRLEN], sql[64];
	long long rows = 0, bad = 0;
	struct store_copy *cp;
	struct store *st;
	int failed = 0;

	if (cli_no_options(k->verb, argc, argv) != CLI_OK)
		return CLI_USAGE;
	if (optind >= argc)
		return cli_usage_error(k->verb, "no file given");
	if ((st = store_cmd_open(&cli->cfg)) == NULL)
		return CLI_RUNTIME;
	snprintf(sql, sizeof(sql), "DELETE FROM %s", k->table);
	if (store_exec(st, "BEGIN", 0, NULL, err, sizeof(err)) != 0 ||
	    store_exec(st, sql, 0, NULL, err, sizeof(err)) != 0 ||
	    (cp = store_copy_begin(st, k->copy, err, sizeof(err))) == NULL) {
		log_warnx("%s load: %s", k->verb->name, err);
		store_close(st);
		return CLI_RUNTIME;
	}
	for (int i = optind; i < argc && !failed; i++)
		failed = ranges_file(k, cp, argv[i], &rows, &bad) != 0;
	if (store_copy_finish(cp, failed, err, sizeof(err)) != 0 ||
	    store_exec(st, failed ? "ROLLBACK" : "COMMIT", 0, NULL, err, sizeof(err)) != 0 || failed) {
		log_warnx("%s load: %s; nothing changed", k->verb->name,
		    failed ? "a file could not be read" : err);
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
	"asn", ranges_asn_run, "asn load FILE...",
	"Replace the IP range -> ASN table with the given ip-location-db CSV files\n"
	"(start,end,asn,org; IPv4 and IPv6), in one transaction.",
	"load", NULL, NULL
};

const struct cli_verb ranges_cmd_geo = {
	"geo", ranges_geo_run, "geo load FILE...",
	"Replace the IP range -> country table with the given ip-location-db country\n"
	"CSV files (start,end,country; e.g. @ip-location-db/geo-whois-asn-country),\n"
	"in one transaction. Without it, the countries feature is missing.",
	"load", NULL, NULL
};
