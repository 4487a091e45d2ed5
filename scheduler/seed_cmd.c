/*
 * seed_cmd — "seed add [--list NAME] FILE..." imports researchers' lists;
 * "domains [--source NAME]" prints what is tracked.
 *
 * Each file is one import (one transaction): its rejected lines are
 * reported as FILE:LINE: reason and the rest of the file still lands.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "scheduler/seed.h"
#include "scheduler/seed_cmd.h"
#include "storage/domains.h"
#include "storage/store.h"
#include "storage/connect.h"

static int
seed_accept(const char *name, void *arg)
{
	return store_import_add(arg, name) != 0 ? 1 : 0;
}

static void
seed_reject(const char *file, long line, enum name_status st, void *arg)
{
	(void)arg;
	log_warnx("%s:%ld: %s", file, line, name_strerror(st));
}

/* "NAME" for stdin or for FILE: the list name when none was given. */
static const char *
seed_list_name(const char *list, const char *file)
{
	const char *slash;

	if (list != NULL)
		return list;
	if (strcmp(file, "-") == 0)
		return "stdin";
	slash = strrchr(file, '/');
	return slash != NULL ? slash + 1 : file;
}

static int
seed_import_file(struct store *st, const struct cfg *cfg, const char *list, const char *file)
{
	const char *shown = strcmp(file, "-") == 0 ? "(stdin)" : file;
	char err[STORE_ERRLEN];
	struct store_import_stats ist;
	struct seed_stats sst;
	struct seed_sink sink = { seed_accept, seed_reject, NULL };
	struct store_import *im;
	FILE *fp;
	int rc;

	fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (fp == NULL) {
		log_warn("%s", file);
		return -1;
	}
	im = store_import_begin(st, "seed", seed_list_name(list, file), NULL, NULL,
	    cfg->schedule.seed_watch_ms, err, sizeof(err));
	if (im == NULL) {
		log_warnx("%s: %s", shown, err);
		rc = -1;
		goto done;
	}
	sink.arg = im;
	rc = seed_read(fp, shown, &sink, &sst);
	if (rc < 0)
		log_warn("%s", shown);
	if (store_import_finish(im, rc != 0, &ist, err, sizeof(err)) != 0) {
		log_warnx("%s: %s; nothing imported from this file", shown, err);
		rc = -1;
		goto done;
	}
	printf("%s: added=%lld known=%lld duplicates=%lld rejected=%lld\n", shown, ist.added,
	    ist.known, ist.rows - ist.distinct, sst.rejected);
done:
	if (fp != stdin)
		fclose(fp);
	return rc;
}

static const struct option seed_opts[] = {
	{ "list", required_argument, NULL, 'l' }, { 0, 0, 0, 0 }
};

static const struct option domains_opts[] = {
	{ "source", required_argument, NULL, 's' }, { 0, 0, 0, 0 }
};

/* "seed add ...": argv[0] is "add". */
static int
seed_cmd_run(struct cli *cli, int argc, char **argv)
{
	const char *list = NULL;
	struct store *st;
	int c, failed = 0;

	while ((c = cli_getopt(&seed_cmd_seed, argc, argv)) != -1) {
		if (c == CLI_BAD_OPTION)
			return CLI_USAGE;
		list = optarg;
	}
	if (optind >= argc)
		return cli_usage_error(&seed_cmd_seed, "no seed file given");
	if ((st = store_connect(&cli->cfg)) == NULL)
		return CLI_RUNTIME;
	for (int i = optind; i < argc; i++)
		failed |= seed_import_file(st, &cli->cfg, list, argv[i]) != 0;
	store_close(st);
	return failed ? CLI_RUNTIME : CLI_OK;
}

static void
seed_print_name(const char *name, void *arg)
{
	(void)arg;
	puts(name);
}

static int
domains_cmd_run(struct cli *cli, int argc, char **argv)
{
	const char *source = NULL;
	char err[STORE_ERRLEN];
	struct store *st;
	int c, rc = CLI_OK;

	while ((c = cli_getopt(&seed_cmd_domains, argc, argv)) != -1) {
		if (c == CLI_BAD_OPTION)
			return CLI_USAGE;
		source = optarg;
	}
	if (optind != argc)
		return cli_usage_error(&seed_cmd_domains, "unexpected argument");
	if ((st = store_connect(&cli->cfg)) == NULL)
		return CLI_RUNTIME;
	if (store_domains_list(st, source, seed_print_name, NULL, err, sizeof(err)) != 0) {
		log_warnx("domains: %s", err);
		rc = CLI_RUNTIME;
	}
	store_close(st);
	return rc;
}

const struct cli_verb seed_cmd_seed = {
	"seed", seed_cmd_run, "seed add [--list NAME] FILE...",
	"Import seed lists: one domain, URL or hosts-file line per line; '#' starts\n"
	"a comment. FILE '-' reads stdin. Names are normalised (lower case, IDN to\n"
	"punycode); IP literals and invalid names are reported as FILE:LINE: reason\n"
	"and skipped. --list names the list (default: the file's base name).\n"
	"Re-importing is idempotent.",
	"add", "l:", seed_opts
};

const struct cli_verb seed_cmd_domains = {
	"domains", domains_cmd_run, "domains [--source NAME]",
	"Print tracked domains, one per line, in name order; --source keeps those\n"
	"listed by one seed list or feed.",
	NULL, "s:", domains_opts
};
