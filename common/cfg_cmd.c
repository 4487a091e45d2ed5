/*
 * cfg_cmd — "config check" reports the loaded configuration (the loading
 * itself, with its FILE:LINE:COL errors, happened before any verb ran);
 * "config defaults" prints every key with its default and meaning.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/cfg_cmd.h"

static int
cfg_cmd_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 } };
	const struct cfg *cfg = &cli->cfg;
	int c;

	while ((c = cli_getopt(&cfg_cmd_config, argc, argv, "+h", opts)) != -1)
		if (CLI_STOP(c))
			return CLI_STOP_STATUS(c);
	if (argc - optind == 1 && strcmp(argv[optind], "defaults") == 0) {
		cfg_print_defaults(stdout);
		return CLI_OK;
	}
	if (argc - optind != 1 || strcmp(argv[optind], "check") != 0)
		return cli_usage_error(&cfg_cmd_config, "expected \"check\" or \"defaults\"");
	printf("%s: ok: %zu resolver(s), %zu feed(s), database %s\n",
	    cfg->path != NULL ? cfg->path : "(defaults)", cfg->n_resolvers, cfg->n_feeds,
	    cfg->database.conninfo[0] != '\0' ? "from conninfo" : "from the PG* environment");
	return CLI_OK;
}

const struct cli_verb cfg_cmd_config = {
	"config", cfg_cmd_run, "config check|defaults",
	"check: load the configuration (-c FILE or $FLUXWATCH_CONFIG) and report it.\n"
	"defaults: print every key with its default and what it means."
};
