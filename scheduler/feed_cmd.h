/*
 * feed_cmd — the "feed" verb: "feed refresh [NAME...]", meant for cron.
 */
#ifndef FW_FEED_CMD_H
#define FW_FEED_CMD_H

#include "common/cli.h"

extern const struct cli_verb feed_cmd_feed;

#endif
