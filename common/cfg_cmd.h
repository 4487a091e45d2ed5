/*
 * cfg_cmd — the "config" verb: check a configuration or print the defaults.
 */
#ifndef FW_CFG_CMD_H
#define FW_CFG_CMD_H

#include "common/cli.h"

extern const struct cli_verb cfg_cmd_config;

#endif
