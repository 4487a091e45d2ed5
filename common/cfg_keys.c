/*
 * cfg_keys — every configuration key, its bounds, default, meaning and the
 * rules its value obeys. Times are in milliseconds in the struct and
 * written as durations in YAML.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/cfg.h"
#include "common/cfg_keys.h"
#include "common/feed_format.h"

#define DAY_MS (86400LL * 1000)
#define QUOTE(x) #x
#define LIMIT(x) "at most " QUOTE(x)
#define STR(s, m, d, doc) { #m, CFG_K_STRING, offsetof(s, m), 0, 0, d, doc, NULL, 0, 0, NULL, NULL }
#define NAME(s, m, doc) { #m, CFG_K_NAME, offsetof(s, m), 0, 0, NULL, doc, NULL, 0, 0, NULL, NULL }
#define REQ(s, m, chk, doc) { #m, CFG_K_STRING, offsetof(s, m), 0, 0, NULL, doc, NULL, 0, 0, chk, NULL }
#define INT(s, m, lo, hi, d, doc) { #m, CFG_K_INT, offsetof(s, m), lo, hi, d, doc, NULL, 0, 0, NULL, NULL }
#define DUR(s, m, k, lo, hi, d, doc) \
	{ k, CFG_K_DURATION, offsetof(s, m), lo, hi, d, doc, NULL, 0, 0, NULL, NULL }
#define WATCH(s, m, k, hi, d, doc) \
	{ k, CFG_K_WATCH, offsetof(s, m), 0, hi, d, doc, NULL, 0, 0, NULL, NULL }
#define SECTION(m, sub, chk, doc) \
	{ #m, CFG_K_SECTION, offsetof(struct cfg, m), 0, 0, "", doc, sub, 0, 0, NULL, chk }
#define LIST(m, n, sub, type, chk, doc) { #m, CFG_K_LIST, offsetof(struct cfg, m), 0, 0, "", doc, \
	sub, sizeof(type), offsetof(struct cfg, n), NULL, chk }
#define END { NULL, 0, 0, 0, 0, NULL, NULL, NULL, 0, 0, NULL, NULL }

static const char *
cfg_keys_ip(const char *text)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1)
		return NULL;
	return "is not an IPv4 or IPv6 address (host names are not resolved)";
}

static const char *
cfg_keys_url(const char *text)
{
	static const char *const schemes[] = { "https://", "http://", "file://" };

	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncmp(text, schemes[i], strlen(schemes[i])) == 0 && text[strlen(schemes[i])] != '\0')
			return NULL;
	return "is not an https://, http:// or file:// URL";
}

static const char *
cfg_keys_format(const char *text)
{
	return feed_format_from_name(text) < 0 ? "is not a feed format (domains, hosts, urls, "
	    "openphish, urlhaus_csv, threatfox_csv, phishtank_csv, csv)" : NULL;
}

static const char *
cfg_keys_feed(const void *base, const char **key)
{
	const struct cfg_feed *f = base;

	*key = "format";
	return strcmp(f->format, "csv") == 0 && f->column[0] == '\0' ? "format csv needs column:" : NULL;
}

static const char *
cfg_keys_schedule(const void *base, const char **key)
{
	const struct cfg_schedule *s = base;

	*key = "min_interval";
	return s->min_interval_ms > s->max_interval_ms ?
	    "min_interval is longer than max_interval" : NULL;
}

static const struct cfg_field database_fields[] = {
	STR(struct cfg_database, conninfo, "",
	    "libpq conninfo string or URI; empty = the PG* environment"),
	STR(struct cfg_database, sql_dir, "",
	    "folder of the SQL (migrations, definitions/); empty = installed or source sql/"),
	INT(struct cfg_database, score_sessions, 1, 64, "2",
	    "a scoring pass runs in this many sessions at once, each a share of the domains "
	    "(the server's cores)"),
	END
};

static const struct cfg_field resolver_fields[] = {
	NAME(struct cfg_resolver, name, "vantage name, unique, not empty"),
	REQ(struct cfg_resolver, address, cfg_keys_ip,
	    "IPv4 or IPv6 address of the recursive resolver (not a host name)"),
	INT(struct cfg_resolver, port, 1, 65535, "53", "UDP/TCP port"),
	INT(struct cfg_resolver, max_inflight, 1, 10000, "150",
	    "queries in flight through this vantage at once"),
	INT(struct cfg_resolver, qps, 0, 1000000, "0",
	    "queries per second through this vantage; 0 = unlimited"),
	DUR(struct cfg_resolver, timeout_ms, "timeout", 10, 600000, "2s",
	    "time to wait for one try"),
	INT(struct cfg_resolver, tries, 1, 10, "2", "tries per query before TIMEOUT"),
	END
};

static const struct cfg_field feed_fields[] = {
	NAME(struct cfg_feed, name, "feed name, unique, not empty; used by --source"),
	REQ(struct cfg_feed, url, cfg_keys_url, "https://, http:// or file:// URL (file://: a regular file)"),
	REQ(struct cfg_feed, format, cfg_keys_format,
	    "domains|hosts|urls|openphish|urlhaus_csv|threatfox_csv|phishtank_csv|csv"),
	DUR(struct cfg_feed, refresh_ms, "refresh", 1000, 365 * DAY_MS, "1h",
	    "fetch the feed again after this long"),
	WATCH(struct cfg_feed, watch_ms, "watch", 3650 * DAY_MS, "7d",
	    "keep measuring a domain this long after the feed last listed it"),
	STR(struct cfg_feed, tags, "", "comma-separated tags stored with the source"),
	STR(struct cfg_feed, column, "", "csv format: column name or 1-based number of the host or URL"),
	STR(struct cfg_feed, comment, "#", "csv format: prefix of comment lines"),
	DUR(struct cfg_feed, timeout_ms, "timeout", 100, 3600000, "2m",
	    "whole transfer time limit (file:// reads too)"),
	DUR(struct cfg_feed, connect_timeout_ms, "connect_timeout", 100, 600000, "15s",
	    "connection time limit"),
	INT(struct cfg_feed, max_bytes, 1024, 1073741824, "104857600",
	    "largest body accepted (bytes, after decompression)"),
	INT(struct cfg_feed, reject_limit, 0, 100, "50",
	    "the feed fails when more than this percent of its entries are invalid"),
	END
};

static const struct cfg_field crawl_fields[] = {
	INT(struct cfg_crawl, batch_rows, 1, 1000000, "5000", "rows per COPY batch"),
	DUR(struct cfg_crawl, flush_interval_ms, "flush_interval", 10, 3600000, "1s",
	    "flush a partial batch after this long"),
	INT(struct cfg_crawl, buffer_rows, 100, 100000000, "1000000",
	    "responses held in memory while the database is away; measuring pauses when full"),
	INT(struct cfg_crawl, claim_batch, 1, 100000, "5000",
	    "domains claimed from the queue at once (a run's first claim takes at most 500)"),
	DUR(struct cfg_crawl, exit_timeout_ms, "exit_timeout", 0, DAY_MS, "30s",
	    "at exit, how long to keep retrying the database for unstored responses"),
	DUR(struct cfg_crawl, progress_interval_ms, "progress_interval", 100, 3600000, "1s",
	    "how often the progress line on a terminal is refreshed"),
	INT(struct cfg_crawl, coalesce_us, 0, 100000, "100",
	    "microseconds the loop waits for more answers when busy and woken for a few (0 = off)"),
	INT(struct cfg_crawl, ns_cache_entries, 0, 1000000, "100000",
	    "name-server host lookups (vantage, host, qtype) remembered and reused within their "
	    "TTL instead of asked again per domain; 0 = off"),
	DUR(struct cfg_crawl, ns_cache_negative_ms, "ns_cache_negative", 0, DAY_MS, "1m",
	    "how long a name-server host's NXDOMAIN or empty answer is reused (0 = not at all)"),
	STR(struct cfg_crawl, quarantine_dir, ".",
	    "folder for batches the database refuses for their data (0600 psql scripts)"),
	END
};

static const struct cfg_field schedule_fields[] = {
	DUR(struct cfg_schedule, min_interval_ms, "min_interval", 0, 365 * DAY_MS, "1m",
	    "shortest time between two visits of a domain (revisits follow TTL + 1 s)"),
	DUR(struct cfg_schedule, max_interval_ms, "max_interval", 0, 365 * DAY_MS, "6h",
	    "longest time between two visits (also the cap of the failure back-off)"),
	DUR(struct cfg_schedule, lease_ms, "lease", 1000, DAY_MS, "5m",
	    "a claimed domain returns to the queue if its crawler does not report within this"),
	WATCH(struct cfg_schedule, seed_watch_ms, "seed_watch", 3650 * DAY_MS, "forever",
	    "how long seed-list domains are tracked after import"),
	DUR(struct cfg_schedule, partition_span_ms, "partition_span", 60000, 366 * DAY_MS, "1d",
	    "time span of one observation partition"),
	WATCH(struct cfg_schedule, raw_retention_ms, "raw_retention", 36500 * DAY_MS, "7d",
	    "raw lookups (v_responses, v_answers) are dropped, a partition at a time, once older "
	    "than this; the rollup (v_history, v_runs, scoring) keeps what they held for ever"),
	WATCH(struct cfg_schedule, compact_after_ms, "compact_after", 36500 * DAY_MS, "1h",
	    "a raw partition ended this long ago is repacked to one row per domain, a chunk at "
	    "each partition upkeep of the crawler (forever = never)"),
	DUR(struct cfg_schedule, feed_lock_stale_ms, "feed_lock_stale", 0, 365 * DAY_MS, "1h",
	    "feed refresh exits 1 naming the holder when the refresh lock is held longer"),
	INT(struct cfg_schedule, settle_after, 0, 1000, "3",
	    "back off after this many scoring passes repeat a benign/cdn/unresolved label (0 = never)"),
	INT(struct cfg_schedule, backoff, 2, 16, "2",
	    "settled: each visit with unchanged answers multiplies the interval by this"),
	END
};

static const struct cfg_field scoring_fields[] = {
	DUR(struct cfg_scoring, window_ms, "window", 1000, 365 * DAY_MS, "1d",
	    "observations scored per domain reach back this far"),
	INT(struct cfg_scoring, min_responses, 1, 1000000, "12",
	    "fewer A/AAAA responses than this give the label insufficient"),
	INT(struct cfg_scoring, cdn_min_share, 0, 100, "50",
	    "percent of addresses in CDN/cloud ASNs that makes a domain cdn"),
	INT(struct cfg_scoring, flux_min_ips, 2, 100000, "8",
	    "flux: at least this many distinct addresses (or the fluxiness below)"),
	INT(struct cfg_scoring, flux_min_asns, 1, 100000, "4",
	    "flux: addresses in at least this many organisations (ASNs the data names alike are one; /16s without ASN data)"),
	DUR(struct cfg_scoring, flux_max_ttl_ms, "flux_max_ttl", 0, DAY_MS, "5m",
	    "flux: smallest TTL seen at most this"),
	INT(struct cfg_scoring, flux_min_fluxiness, 1, 100000, "2",
	    "flux: distinct addresses / addresses per answer at least this"),
	INT(struct cfg_scoring, ns_min_names, 1, 1000, "3",
	    "double flux: at least this many NS names seen"),
	INT(struct cfg_scoring, ns_min_asns, 1, 1000, "3",
	    "double flux: or name-server addresses in at least this many ASNs"),
	INT(struct cfg_scoring, pool_min_hosting_share, 0, 101, "50",
	    "not flux but a volunteer pool: percent of addresses in hosting ASNs (101 = never)"),
	DUR(struct cfg_scoring, pool_min_ttl_ms, "pool_min_ttl", 0, DAY_MS, "1m",
	    "volunteer pool: and the largest TTL seen at least this"),
	INT(struct cfg_scoring, takedown_min_responses, 1, 1000000, "6",
	    "taken down (unresolved): failed A/AAAA responses after the last address"),
	INT(struct cfg_scoring, takedown_min_share, 0, 100, "80",
	    "taken down: and at least this percent of the responses after the last address"),
	INT(struct cfg_scoring, steered_min_vantages, 1, 1000, "2",
	    "not flux but a steered CDN: addresses answered at this many vantages (1000 = never)"),
	INT(struct cfg_scoring, steered_min_answers, 1, 1000000, "3",
	    "steered CDN: and at least this many answers at each of them (fewer: insufficient)"),
	INT(struct cfg_scoring, steered_max_fluxiness, 1, 100000, "1",
	    "steered CDN: the addresses each saw, summed, / their largest answers, at most this "
	    "(1: every vantage always got the same set)"),
	INT(struct cfg_scoring, steered_max_overlap, 0, 100, "75",
	    "steered CDN: and each address seen by at most this percent of them, on average"),
	END
};

const struct cfg_field cfg_root_fields[] = {
	SECTION(database, database_fields, NULL, "PostgreSQL"),
	LIST(resolvers, n_resolvers, resolver_fields, struct cfg_resolver, NULL,
	    "vantage resolvers (" LIMIT(CFG_MAX_ENTRIES) "); none = the system resolver"),
	SECTION(crawl, crawl_fields, NULL, "the measurement engine"),
	SECTION(schedule, schedule_fields, cfg_keys_schedule, "revisits and history"),
	LIST(feeds, n_feeds, feed_fields, struct cfg_feed, cfg_keys_feed,
	    "threat feeds (" LIMIT(CFG_MAX_ENTRIES) ")"),
	SECTION(scoring, scoring_fields, NULL, "the scoring pass"),
	END
};
