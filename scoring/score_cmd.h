/*
 * score_cmd — the verbs over the scoring pass, which lives in SQL
 * (sql/004_scoring.sql, sql/006_pools_takedowns.sql): "score" and
 * "show DOMAIN".
 */
#ifndef FW_SCORE_CMD_H
#define FW_SCORE_CMD_H

#include "common/cli.h"

extern const struct cli_verb score_cmd_score;
extern const struct cli_verb score_cmd_show;

#endif
