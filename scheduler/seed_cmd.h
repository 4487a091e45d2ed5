/*
 * seed_cmd — the "seed" and "domains" verbs.
 */
#ifndef FW_SEED_CMD_H
#define FW_SEED_CMD_H

#include "common/cli.h"

extern const struct cli_verb seed_cmd_seed;
extern const struct cli_verb seed_cmd_domains;

#endif
