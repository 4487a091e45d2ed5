/*
 * report_cmd — the "report" verb: a static HTML page (no external assets)
 * with label counts, the flagged domains and their reasons, and per-domain
 * SVG plots of addresses, ASNs, churn, TTLs and name servers over time.
 */
#ifndef FW_REPORT_CMD_H
#define FW_REPORT_CMD_H

#include "common/cli.h"

extern const struct cli_verb report_cmd_report;

#endif
