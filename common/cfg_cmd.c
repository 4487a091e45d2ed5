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

/* "config check|defaults": argv[0] is the sub-command. */
static int
cfg_cmd_run(struct cli *cli, int argc, char **argv)
{
	const struct cfg *cfg = &cli->cfg;

	if (cli_no_options(&cfg_cmd_config, argc, argv) != CLI_OK)
		return CLI_USAGE;
	if (optind != argc)
		return cli_usage_error(&cfg_cmd_config, "unexpected argument");
	if (strcmp(argv[0], "defaults") == 0) {
		cfg_print_defaults(stdout);
		return CLI_OK;
	}
	printf("%s: ok: %zu resolver(s), %zu feed(s), database %s\n",
	    cfg->path != NULL ? cfg->path : "(defaults)", cfg->n_resolvers, cfg->n_feeds,
	    cfg->database.conninfo[0] != '\0' ? "from conninfo" : "from the PG* environment");
	return CLI_OK;
}

const struct cli_verb cfg_cmd_config = {
	"config", cfg_cmd_run, "config check|defaults",
	"check: load the configuration (-c FILE or $FLUXWATCH_CONFIG) and report it.\n"
	"defaults: print every key with its default and what it means.",
	"check|defaults", NULL, NULL
};
