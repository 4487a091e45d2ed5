/*
 * score_cmd — the verbs over the scoring pass, which lives in SQL
 * (sql/004_scoring.sql): "score", "show DOMAIN", and
 * "asn load FILE..." for the enrichment data.
 */
#ifndef FW_SCORE_CMD_H
#define FW_SCORE_CMD_H

#include "common/cli.h"

extern const struct cli_verb score_cmd_score;
extern const struct cli_verb score_cmd_show;
extern const struct cli_verb score_cmd_asn;

#endif
