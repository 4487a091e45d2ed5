/*
 * store_cmd — "fluxwatch db init": create or upgrade the schema and its
 * functions and views (storage/migrate.c).
 */
#include "config.h"

#include <getopt.h>
#include <string.h>

#include "common/log.h"
#include "storage/migrate.h"
#include "storage/store.h"
#include "storage/store_cmd.h"

static int
store_cmd_init(struct cli *cli)
{
	const char *dir = migrate_sql_dir(cli->cfg.database.sql_dir);
	char err[STORE_ERRLEN];
	struct store *st;
	int from, to, rc = CLI_OK;

	st = store_open(cli->cfg.database.conninfo, err, sizeof(err));
	if (st == NULL) {
		log_warnx("%s", err);
		return CLI_RUNTIME;
	}
	if (migrate_apply(st, dir, &from, &to, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		rc = CLI_RUNTIME;
	} else if (from == to) {
		log_info("db init: schema is up to date (version %d)", to);
	} else {
		log_info("db init: schema upgraded from version %d to %d", from, to);
	}
	store_close(st);
	return rc;
}

/* "db init": argv[0] is "init". */
static int
store_cmd_run(struct cli *cli, int argc, char **argv)
{
	if (cli_no_options(&store_cmd_db, argc, argv) != CLI_OK)
		return CLI_USAGE;
	if (optind != argc)
		return cli_usage_error(&store_cmd_db, "unexpected argument");
	return store_cmd_init(cli);
}

const struct cli_verb store_cmd_db = {
	"db", store_cmd_run, "db init",
	"Create the fluxwatch schema, or upgrade it to the version this program\n"
	"needs: the missing migrations, then every function and view, in one\n"
	"transaction. Safe to run again and concurrently; refuses a newer schema.",
	"init", NULL, NULL
};
