/*
 * ranges_cmd — the enrichment loaders: "asn load FILE..." fills asn_ranges
 * (start,end,asn,org) and "geo load FILE..." fills geo_ranges
 * (start,end,country), from ip-location-db CSV files, IPv4 and IPv6.
 */
#ifndef FW_RANGES_CMD_H
#define FW_RANGES_CMD_H

#include "common/cli.h"

extern const struct cli_verb ranges_cmd_asn;
extern const struct cli_verb ranges_cmd_geo;

#endif
