/*
 * store_cmd — the "db" verb, and opening the database the way every verb
 * does it (config conninfo, schema version checked, errors logged once).
 */
#ifndef FW_STORE_CMD_H
#define FW_STORE_CMD_H

#include "common/cli.h"

struct store;

/*
 * Connect per the configuration and check the schema version. Logs the
 * reason and returns NULL on failure.
 */
struct store *store_cmd_open(const struct cfg *cfg);

extern const struct cli_verb store_cmd_db;

#endif
