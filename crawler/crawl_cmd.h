/*
 * crawl_cmd — the "crawl" verb: measure what is due through every vantage.
 */
#ifndef FW_CRAWL_CMD_H
#define FW_CRAWL_CMD_H

#include "common/cli.h"

extern const struct cli_verb crawl_cmd_crawl;

#endif
