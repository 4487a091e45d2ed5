/*
 * cfg — the fluxwatch configuration: a YAML file read with libyaml and
 * validated strictly against one table of keys (common/cfg_keys.c).
 *
 * Every key has a default in that table except what cannot have one (a
 * resolver's address, a feed's url). Unknown keys, wrong types, values out
 * of range, missing required keys, duplicate or empty names, addresses that
 * are not IP literals, bad feed URLs, min_interval > max_interval, a NUL
 * byte or bad UTF-8 are all errors naming FILE:LINE:COLUMN.
 *
 * Bounds: a file of at most CFG_MAX_BYTES, collections nested at most
 * CFG_MAX_DEPTH deep, at most CFG_MAX_ENTRIES items in one list or mapping
 * (so at most that many resolvers, and feeds), no YAML aliases. Checking is
 * linear in the size of the file.
 *
 * Times are durations written as "250ms", "30s", "5m", "2h", "7d", "1w" or a
 * bare number of seconds, and are held in milliseconds; CFG_FOREVER marks a
 * watch window that never ends.
 *
 * Memory: cfg_load() fills a struct the caller owns; cfg_free() releases
 * every string and list in it (and accepts a zeroed or half-filled struct).
 */
#ifndef FW_CFG_H
#define FW_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CFG_FOREVER INT64_C(-1)

#define CFG_MAX_BYTES (16 * 1024 * 1024)	/* a configuration file */
#define CFG_MAX_DEPTH 64			/* nested lists and mappings */
#define CFG_MAX_ENTRIES 10000			/* items of one list or mapping */

struct cfg_resolver {
	char *name;
	char *address;
	int port;
	int max_inflight;	/* queries in flight through this vantage */
	int qps;		/* queries per second, 0 = unlimited */
	int64_t timeout_ms;
	int tries;
};

struct cfg_feed {
	char *name;
	char *url;
	char *format;
	int64_t refresh_ms;
	int64_t watch_ms;	/* tracked this long after last listed */
	char *tags;		/* comma-separated */
	char *column;		/* generic csv: column name or 1-based number */
	char *comment;		/* generic csv: comment prefix */
	int64_t timeout_ms;	/* whole transfer */
	int64_t connect_timeout_ms;
	int max_bytes;		/* body size limit */
	int reject_limit;	/* percent of entries that may be invalid */
};

struct cfg_database {
	char *conninfo;		/* "" = libpq's PG* environment */
	char *sql_dir;		/* "" = the installed or source sql/ folder */
	int score_sessions;	/* a scoring pass runs in this many sessions at once */
};

struct cfg_crawl {
	int batch_rows;
	int64_t flush_interval_ms;
	int buffer_rows;
	int claim_batch;
	int64_t exit_timeout_ms;
	int64_t progress_interval_ms;
	int coalesce_us;
	int ns_cache_entries;		/* NS host lookups remembered; 0 = no cache */
	int64_t ns_cache_negative_ms;	/* how long NXDOMAIN/NODATA of one is reused */
	char *quarantine_dir;	/* where refused batches are saved */
};

struct cfg_schedule {
	int64_t min_interval_ms;
	int64_t max_interval_ms;
	int64_t lease_ms;
	int64_t seed_watch_ms;
	int64_t partition_span_ms;
	int64_t raw_retention_ms;
	int64_t compact_after_ms;
	int64_t feed_lock_stale_ms;	/* a refresh lock held longer is reported */
	int settle_after;		/* scoring passes that repeat a benign label; 0 = never back off */
	int backoff;			/* growth of a settled domain's interval per visit */
};

struct cfg_scoring {
	int64_t window_ms;
	int min_responses;
	int cdn_min_share;		/* percent */
	int flux_min_ips;
	int flux_min_asns;
	int64_t flux_max_ttl_ms;
	int flux_min_fluxiness;
	int ns_min_names;
	int ns_min_asns;
	int pool_min_hosting_share;	/* percent */
	int64_t pool_min_ttl_ms;
	int takedown_min_responses;
	int takedown_min_share;		/* percent */
	int steered_min_vantages;
	int steered_min_answers;
	int steered_max_fluxiness;
	int steered_max_overlap;	/* percent */
};

struct cfg {
	char *path;		/* file read, or NULL when only defaults */
	struct cfg_database database;
	struct cfg_resolver *resolvers;
	size_t n_resolvers;
	struct cfg_crawl crawl;
	struct cfg_schedule schedule;
	struct cfg_feed *feeds;
	size_t n_feeds;
	struct cfg_scoring scoring;
};

/*
 * Fill *cfg from PATH, or with defaults only when PATH is NULL.
 * Returns 0, or -1 with a one-line "FILE:LINE:COL: reason" in err.
 * On failure *cfg holds nothing that needs freeing.
 */
int cfg_load(const char *path, struct cfg *cfg, char *err, size_t errlen);

/* Same, from a string in memory; NAME stands for the file in messages. */
int cfg_load_string(const char *name, const char *text, size_t len,
    struct cfg *cfg, char *err, size_t errlen);

void cfg_free(struct cfg *cfg);

/*
 * Parse a duration ("30s", "5m", "1500ms", "2" = seconds; "forever" when
 * allow_forever) into milliseconds. Returns 0, or -1 on a bad value.
 */
int cfg_parse_duration(const char *text, int allow_forever, int64_t *ms);

/*
 * Print every key with its default as a commented YAML document that loads
 * as it is: the lists are empty, their entries' keys shown commented out.
 */
void cfg_print_defaults(FILE *out);

#endif
