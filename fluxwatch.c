/*
 * fluxwatch — the verb table and dispatch, nothing else.
 *
 * Global options come before the verb: -c FILE (else $FLUXWATCH_CONFIG,
 * else built-in defaults), -v / -q for verbosity. "VERB ... --help" is
 * answered before the configuration is read (common/cli). Each verb lives in its
 * module (*_cmd.c) and returns the exit code: 0 ok, 1 runtime failure,
 * 2 usage or configuration error. Standard output is a wstream, closed
 * after the verb: a write that failed anywhere (a full disk, /dev/full)
 * turns a 0 into 1, with the system's error, for every verb at once.
 */
#include "config.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cfg_cmd.h"
#include "common/cli.h"
#include "common/log.h"
#include "common/wstream.h"
#include "crawler/crawl_cmd.h"
#include "report/export_cmd.h"
#include "report/report_cmd.h"
#include "scheduler/feed_cmd.h"
#include "scheduler/seed_cmd.h"
#include "scoring/ranges_cmd.h"
#include "scoring/score_cmd.h"
#include "storage/store_cmd.h"

static const struct cli_verb *const verbs[] = {
	&store_cmd_db, &seed_cmd_seed, &seed_cmd_domains, &crawl_cmd_crawl, &feed_cmd_feed,
	&score_cmd_score, &score_cmd_show, &export_cmd_export, &report_cmd_report, &ranges_cmd_asn,
	&ranges_cmd_geo, &cfg_cmd_config, NULL
};

static void
usage(FILE *out)
{
	fputs("usage: fluxwatch [-c FILE] [-v|-q] VERB [ARGS...]\n\nverbs:\n", out);
	for (size_t i = 0; verbs[i] != NULL; i++)
		fprintf(out, "  %s\n", verbs[i]->usage);
	fputs("\n'fluxwatch VERB --help' describes a verb.\n", out);
}

static int
dispatch(const char *config_path, int argc, char **argv)
{
	char err[512];
	struct cli cli;
	int rc, shift;

	for (size_t i = 0; verbs[i] != NULL; i++) {
		if (strcmp(argv[0], verbs[i]->name) != 0)
			continue;
		if ((rc = cli_prepare(verbs[i], argc, argv, &shift)) != CLI_GO)
			return rc;	/* --help answered, or no such sub-command */
		if (cfg_load(config_path, &cli.cfg, err, sizeof(err)) != 0) {
			log_warnx("%s", err);
			return CLI_USAGE;
		}
		rc = verbs[i]->run(&cli, argc - shift, argv + shift);
		cfg_free(&cli.cfg);
		return rc;
	}
	log_warnx("unknown verb \"%s\"", argv[0]);
	usage(stderr);
	return CLI_USAGE;
}

static int
fw_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { 0, 0, 0, 0 }
	};
	const char *config_path = getenv("FLUXWATCH_CONFIG");
	int c;

	while ((c = getopt_long(argc, argv, "+c:vqhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_path = optarg; break;
		case 'v': log_set_level(LOG_LEVEL_DEBUG); break;
		case 'q': log_set_level(LOG_LEVEL_ERROR); break;
		case 'h': usage(stdout); return CLI_OK;
		case 'V': puts(PACKAGE_STRING); return CLI_OK;
		default: usage(stderr); return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (config_path != NULL && config_path[0] == '\0')
		config_path = NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = dispatch(config_path, argc - optind, argv + optind);
	curl_global_cleanup();
	return c;
}

int
main(int argc, char **argv)
{
	FILE *std = stdout;
	struct wstream *out = wstream_open(STDOUT_FILENO);
	int rc, err;

	if (out == NULL) {
		log_warn("stdout");
		return CLI_RUNTIME;
	}
	stdout = wstream_fp(out);
	rc = fw_main(argc, argv);
	err = wstream_close(out, 0);
	stdout = std;	/* its descriptor is closed: later writes fail quietly */
	if (err == 0)
		return rc;
	log_warnx("stdout: %s", strerror(err));
	return rc == CLI_OK ? CLI_RUNTIME : rc;
}
