/*
 * feed_format — the names of the threat feed formats, shared by the
 * configuration (which checks a feed's format: key) and the feed parser.
 */
#ifndef FW_FEED_FORMAT_H
#define FW_FEED_FORMAT_H

enum feed_format {
	FEED_DOMAINS, FEED_HOSTS, FEED_URLS, FEED_OPENPHISH,
	FEED_URLHAUS_CSV, FEED_THREATFOX_CSV, FEED_PHISHTANK_CSV, FEED_CSV
};

/* The format called NAME, or -1. */
int feed_format_from_name(const char *name);

#endif
