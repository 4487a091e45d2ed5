/*
 * store_cmd — the "db" verb (every verb opens the database with
 * store_connect(), storage/connect.h).
 */
#ifndef FW_STORE_CMD_H
#define FW_STORE_CMD_H

#include "common/cli.h"

extern const struct cli_verb store_cmd_db;

#endif
