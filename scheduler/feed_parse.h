/*
 * feed_parse — turn a threat feed's body into names to track.
 *
 * Line formats (domains, hosts, urls, openphish) share the seed-list reader;
 * CSV formats (urlhaus_csv, threatfox_csv, phishtank_csv and the generic
 * csv) find their column by the header row, commented ("# id,dateadded,url")
 * or not, and fall back to the column's usual position. Every host goes
 * through the same normaliser as seed lists; IP literals are counted and
 * skipped, not errors.
 */
#ifndef FW_FEED_PARSE_H
#define FW_FEED_PARSE_H

#include <stdio.h>

#include "common/feed_format.h"

struct feed_parse_opts {
	enum feed_format format;
	const char *column;	/* FEED_CSV: header name or 1-based number */
	const char *comment;	/* FEED_CSV: comment prefix ("" = none) */
};

struct feed_stats {
	long long entries;	/* records that named a host or IP */
	long long names;	/* accepted */
	long long ip_skipped;	/* IP literals */
	long long rejected;	/* invalid names */
	long long ignored;	/* records of other kinds (e.g. ThreatFox hashes) */
};

/*
 * Parse FP to its end; accept() receives each normalised name (non-zero
 * stops). Returns 0, -1 on a read error or malformed options, or accept()'s
 * value.
 */
int feed_parse(const struct feed_parse_opts *opts, FILE *fp,
    int (*accept)(const char *name, void *arg), void *arg, struct feed_stats *stats);

#endif
