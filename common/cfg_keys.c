/*
 * cfg_keys — every configuration key, its bounds, default and meaning.
 * Times are in milliseconds in the struct and written as durations in YAML.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/cfg.h"
#include "common/cfg_keys.h"

#define DAY_MS (86400LL * 1000)
#define STR(s, m, d, doc) { #m, CFG_K_STRING, offsetof(s, m), 0, 0, d, doc, NULL, 0, 0 }
#define INT(s, m, lo, hi, d, doc) { #m, CFG_K_INT, offsetof(s, m), lo, hi, d, doc, NULL, 0, 0 }
#define DUR(s, m, k, lo, hi, d, doc) { k, CFG_K_DURATION, offsetof(s, m), lo, hi, d, doc, NULL, 0, 0 }
#define END { NULL, 0, 0, 0, 0, NULL, NULL, NULL, 0, 0 }

static const struct cfg_field database_fields[] = {
	STR(struct cfg_database, conninfo, "",
	    "libpq conninfo string or URI; empty = the PG* environment"),
	STR(struct cfg_database, sql_dir, "",
	    "folder of the SQL (migrations, definitions/); empty = installed or source sql/"),
	END
};

static const struct cfg_field resolver_fields[] = {
	STR(struct cfg_resolver, name, NULL, "vantage name, unique"),
	STR(struct cfg_resolver, address, NULL, "IPv4 or IPv6 address of the recursive resolver"),
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
	STR(struct cfg_feed, name, NULL, "feed name, unique; used by --source"),
	STR(struct cfg_feed, url, NULL, "https://, http:// or file:// URL"),
	STR(struct cfg_feed, format, NULL,
	    "domains|hosts|urls|openphish|urlhaus_csv|threatfox_csv|phishtank_csv|csv"),
	DUR(struct cfg_feed, refresh_ms, "refresh", 1000, 365 * DAY_MS, "1h",
	    "fetch the feed again after this long"),
	{ "watch", CFG_K_WATCH, offsetof(struct cfg_feed, watch_ms), 0, 3650 * DAY_MS,
	  "7d", "keep measuring a domain this long after the feed last listed it",
	  NULL, 0, 0 },
	STR(struct cfg_feed, tags, "", "comma-separated tags stored with the source"),
	STR(struct cfg_feed, column, "", "csv format: column name or 1-based number of the host or URL"),
	STR(struct cfg_feed, comment, "#", "csv format: prefix of comment lines"),
	DUR(struct cfg_feed, timeout_ms, "timeout", 100, 3600000, "2m", "whole transfer time limit"),
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
	INT(struct cfg_crawl, claim_batch, 1, 100000, "500", "domains claimed from the queue at once"),
	DUR(struct cfg_crawl, exit_timeout_ms, "exit_timeout", 0, DAY_MS, "30s",
	    "at exit, how long to keep retrying the database for unstored responses"),
	DUR(struct cfg_crawl, progress_interval_ms, "progress_interval", 100, 3600000, "1s",
	    "how often the progress line on a terminal is refreshed"),
	INT(struct cfg_crawl, coalesce_us, 0, 100000, "100",
	    "microseconds the loop waits for more answers when busy and woken for a few (0 = off)"),
	END
};

static const struct cfg_field schedule_fields[] = {
	DUR(struct cfg_schedule, min_interval_ms, "min_interval", 0, 365 * DAY_MS, "1m",
	    "shortest time between two visits of a domain (revisits follow TTL + 1 s)"),
	DUR(struct cfg_schedule, max_interval_ms, "max_interval", 0, 365 * DAY_MS, "6h",
	    "longest time between two visits (also the cap of the failure back-off)"),
	DUR(struct cfg_schedule, lease_ms, "lease", 1000, DAY_MS, "5m",
	    "a claimed domain returns to the queue if its crawler does not report within this"),
	{ "seed_watch", CFG_K_WATCH, offsetof(struct cfg_schedule, seed_watch_ms), 0,
	  3650 * DAY_MS, "forever", "how long seed-list domains are tracked after import",
	  NULL, 0, 0 },
	DUR(struct cfg_schedule, partition_span_ms, "partition_span", 60000, 366 * DAY_MS, "1d",
	    "time span of one observation partition"),
	{ "retention", CFG_K_WATCH, offsetof(struct cfg_schedule, retention_ms), 0,
	  36500 * DAY_MS, "forever", "drop observation partitions older than this",
	  NULL, 0, 0 },
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
	    "flux: addresses in at least this many ASNs (/16s without ASN data)"),
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
	END
};

const struct cfg_field cfg_root_fields[] = {
	{ "database", CFG_K_SECTION, offsetof(struct cfg, database), 0, 0, "", "PostgreSQL",
	  database_fields, 0, 0 },
	{ "resolvers", CFG_K_LIST, offsetof(struct cfg, resolvers), 0, 0, "",
	  "vantage resolvers; none = the system resolver", resolver_fields,
	  sizeof(struct cfg_resolver), offsetof(struct cfg, n_resolvers) },
	{ "crawl", CFG_K_SECTION, offsetof(struct cfg, crawl), 0, 0, "", "the measurement engine",
	  crawl_fields, 0, 0 },
	{ "schedule", CFG_K_SECTION, offsetof(struct cfg, schedule), 0, 0, "",
	  "revisits and history", schedule_fields, 0, 0 },
	{ "feeds", CFG_K_LIST, offsetof(struct cfg, feeds), 0, 0, "", "threat feeds", feed_fields,
	  sizeof(struct cfg_feed), offsetof(struct cfg, n_feeds) },
	{ "scoring", CFG_K_SECTION, offsetof(struct cfg, scoring), 0, 0, "", "the scoring pass",
	  scoring_fields, 0, 0 },
	END
};
