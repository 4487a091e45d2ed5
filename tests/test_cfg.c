/*
 * test_cfg — configuration loading: defaults, every kind of value, errors
 * that name the line and column (also those found by rules across values),
 * and the bounds that keep checking a hostile file cheap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/cfg.h"

static char err[512];

static int
load_n(const char *text, size_t len, struct cfg *cfg)
{
	err[0] = '\0';
	return cfg_load_string("t.yaml", text, len, cfg, err, sizeof(err));
}

static int
load(const char *text, struct cfg *cfg)
{
	return load_n(text, strlen(text), cfg);
}

static void
expect_error_n(const char *text, size_t len, const char *want)
{
	struct cfg cfg;

	assert_int_equal(load_n(text, len, &cfg), -1);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void
expect_error(const char *text, const char *want)
{
	expect_error_n(text, strlen(text), want);
}

/* "resolvers:" and N entries r0.. (line I + 2 is entry I), then TAIL. Freed by the caller. */
static char *
many_resolvers(size_t n, const char *tail)
{
	size_t cap = 64 + n * 48 + strlen(tail), off;
	char *text = malloc(cap);

	assert_non_null(text);
	off = (size_t)snprintf(text, cap, "resolvers:\n");
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, cap - off, "  - {name: r%zu, address: 10.0.%zu.%zu}\n",
		    i, i / 256 % 256, i % 256);
	snprintf(text + off, cap - off, "%s", tail);
	return text;
}

static void
test_missing_file(void **state)
{
	struct cfg cfg;

	(void)state;
	assert_int_equal(cfg_load("/nonexistent/fw.yaml", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/fw.yaml: cannot open"));
	cfg_free(NULL);
}

static void
test_defaults(void **state)
{
	struct cfg cfg;

	(void)state;
	assert_int_equal(cfg_load(NULL, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.database.conninfo, "");
	assert_int_equal(cfg.n_resolvers, 0);
	assert_int_equal(cfg.schedule.min_interval_ms, 60000);
	assert_true(cfg.schedule.seed_watch_ms == CFG_FOREVER);
	assert_int_equal(cfg.schedule.settle_after, 3);
	assert_int_equal(cfg.schedule.backoff, 2);
	assert_int_equal(cfg.crawl.batch_rows, 5000);
	cfg_free(&cfg);
	assert_int_equal(load("", &cfg), 0);
	cfg_free(&cfg);
	assert_int_equal(load("database: {}\n", &cfg), 0);
	assert_string_equal(cfg.database.conninfo, "");
	cfg_free(&cfg);
}

static void
test_full(void **state)
{
	struct cfg cfg;
	const char *text =
	    "database:\n  conninfo: \"host=/tmp dbname=fw\"\n"
	    "resolvers:\n"
	    "  - {name: a, address: 127.0.0.2}\n"
	    "  - name: b\n    address: \"::1\"\n    port: 5353\n    timeout: 750ms\n"
	    "schedule: {min_interval: 2s, max_interval: 1m, seed_watch: 3d}\n"
	    "feeds:\n  - {name: f, url: \"file:///x\", format: openphish, watch: forever}\n";

	(void)state;
	assert_int_equal(load(text, &cfg), 0);
	assert_string_equal(cfg.database.conninfo, "host=/tmp dbname=fw");
	assert_int_equal(cfg.n_resolvers, 2);
	assert_string_equal(cfg.resolvers[0].address, "127.0.0.2");
	assert_int_equal(cfg.resolvers[0].port, 53);
	assert_int_equal(cfg.resolvers[0].max_inflight, 150);
	assert_int_equal(cfg.resolvers[1].port, 5353);
	assert_int_equal(cfg.resolvers[1].timeout_ms, 750);
	assert_int_equal(cfg.schedule.min_interval_ms, 2000);
	assert_true(cfg.schedule.seed_watch_ms == 3 * 86400000LL);
	assert_int_equal(cfg.n_feeds, 1);
	assert_true(cfg.feeds[0].watch_ms == CFG_FOREVER);
	assert_int_equal(cfg.feeds[0].refresh_ms, 3600000);
	cfg_free(&cfg);
}

static void
test_errors_name_line_and_column(void **state)
{
	(void)state;
	expect_error("database:\n  connifo: x\n", "t.yaml:2:3: unknown key \"connifo\"");
	expect_error("crawl:\n  batch_rows: many\n", "t.yaml:2:15: batch_rows: \"many\" is not an integer");
	expect_error("resolvers:\n  - {name: a, address: 127.0.0.1, port: 70000}\n",
	    "t.yaml:2:41: port: 70000 is out of range 1..65535");
	expect_error("resolvers:\n  - {name: a}\n", "t.yaml:2:5: missing required key \"address\"");
	expect_error("schedule:\n  backoff: 1\n", "t.yaml:2:12: backoff: 1 is out of range 2..16");
	expect_error("schedule:\n  min_interval: soon\n", "t.yaml:2:17: min_interval: \"soon\" is not a duration");
	expect_error("database: [1, 2]\n", "t.yaml:1:11: database: expected a mapping");
	expect_error("resolvers: {name: a}\n", "t.yaml:1:12: resolvers: expected a list");
	expect_error("crawl:\n  batch_rows: 5\n  batch_rows: 6\n", "t.yaml:3:3: duplicate key");
	expect_error("database:\n  conninfo: [x]\n", "t.yaml:2:13: conninfo: expected a single value");
	expect_error("- a\n- b\n", "t.yaml:1:1: the configuration must be a mapping");
	expect_error("database: {conninfo: \"x\"\n", "t.yaml:2:1: did not find expected");
	expect_error("crawl: {flush_interval: forever}\n", "is not a duration");
}

/* Rules across values, once checked after parsing without a position, name where. */
static void
test_rule_errors_name_line_and_column(void **state)
{
	(void)state;
	expect_error("resolvers:\n  - {name: a, address: nowhere.example}\n",
	    "t.yaml:2:24: address: \"nowhere.example\" is not an IPv4 or IPv6 address");
	expect_error("resolvers:\n  - {name: a, address: 127.0.0.1}\n  - {name: a, address: 127.0.0.2}\n",
	    "t.yaml:3:12: resolvers: name \"a\" is used twice (first at line 2, column 12)");
	expect_error("feeds:\n  - {name: f, url: \"file:///a\", format: domains}\n"
	    "  - name: f\n    url: \"file:///b\"\n    format: domains\n",
	    "t.yaml:3:11: feeds: name \"f\" is used twice (first at line 2, column 12)");
	expect_error("feeds:\n  - {name: f, url: x, format: domains}\n",
	    "t.yaml:2:20: url: \"x\" is not an https://, http:// or file:// URL");
	expect_error("feeds:\n  - {name: f, url: \"file:///x\", format: rss}\n",
	    "t.yaml:2:41: format: \"rss\" is not a feed format");
	expect_error("feeds:\n  - {name: f, url: \"file:///x\", format: csv}\n",
	    "t.yaml:2:41: feeds: format csv needs column:");
	expect_error("schedule:\n  lease: 1m\n  min_interval: 2h\n  max_interval: 1h\n",
	    "t.yaml:3:17: schedule: min_interval is longer than max_interval");
	expect_error("resolvers:\n  - name: \"\"\n    address: 127.0.0.1\n",
	    "t.yaml:2:11: name: \"\" is empty");
	expect_error("feeds:\n  - {name: '', url: \"file:///x\", format: domains}\n",
	    "t.yaml:2:12: name: \"\" is empty");
}

/* A NUL byte or bad UTF-8 is named where it is, not at 1:1. */
static void
test_bad_bytes_name_line_and_column(void **state)
{
	static const char nul[] = "crawl:\n  batch_rows: 5\ndatabase:\n  conninfo: \"a\0b\"\n";
	static const char utf8[] = "database:\n  conninfo: \"h\xc3\xa9\xff\"\n";

	(void)state;
	expect_error_n(nul, sizeof(nul) - 1, "t.yaml:4:15: control characters are not allowed");
	expect_error_n(utf8, sizeof(utf8) - 1, "t.yaml:2:16: invalid leading UTF-8 octet");
}

/* Hostile shapes fail fast with the bound in the message. */
static void
test_bounds(void **state)
{
	size_t n = 200 * 1024;
	char *text = malloc(n + 1);

	(void)state;
	assert_non_null(text);
	memset(text, '[', n);
	text[n] = '\0';
	expect_error(text, "t.yaml:1:65: nesting deeper than 64 levels (the limit)");
	memcpy(text, "database: ", 10);
	for (size_t i = 10; i + 4 <= n; i += 4)
		memcpy(text + i, "{a: ", 4);
	expect_error(text, "nesting deeper than 64 levels");
	free(text);
	text = many_resolvers(10001, "");
	expect_error(text, "t.yaml:10002:5: resolvers: more than 10000 entries (the limit)");
	free(text);
	expect_error("crawl: &c {batch_rows: 5}\nschedule: *c\n", "t.yaml:2:11: aliases (*c) are not allowed");
}

/* Duplicate names are found in linear time: 10,000 resolvers, the last one a repeat. */
static void
test_duplicate_among_many(void **state)
{
	struct cfg cfg;
	char *text = many_resolvers(9999, "  - {name: r17, address: 10.9.9.9}\n");

	(void)state;
	expect_error(text, "t.yaml:10001:12: resolvers: name \"r17\" is used twice (first at line 19,");
	free(text);
	text = many_resolvers(10000, "");
	assert_int_equal(load(text, &cfg), 0);
	assert_int_equal(cfg.n_resolvers, 10000);
	assert_string_equal(cfg.resolvers[9999].name, "r9999");
	cfg_free(&cfg);
	free(text);
}

/* What "config defaults" prints is a configuration that loads. */
static void
test_printed_defaults_load(void **state)
{
	struct cfg cfg;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	(void)state;
	assert_non_null(fp);
	cfg_print_defaults(fp);
	assert_int_equal(fclose(fp), 0);
	if (load(text, &cfg) != 0)
		fail_msg("config defaults does not load: %s", err);
	assert_int_equal(cfg.n_resolvers, 0);
	assert_int_equal(cfg.crawl.batch_rows, 5000);
	cfg_free(&cfg);
	free(text);
}

static void
test_durations(void **state)
{
	int64_t ms;

	(void)state;
	assert_int_equal(cfg_parse_duration("250ms", 0, &ms), 0);
	assert_true(ms == 250);
	assert_int_equal(cfg_parse_duration("30", 0, &ms), 0);
	assert_true(ms == 30000);
	assert_int_equal(cfg_parse_duration("2w", 0, &ms), 0);
	assert_true(ms == 2 * 604800000LL);
	assert_int_equal(cfg_parse_duration("forever", 1, &ms), 0);
	assert_true(ms == CFG_FOREVER);
	assert_int_equal(cfg_parse_duration("forever", 0, &ms), -1);
	assert_int_equal(cfg_parse_duration("-5s", 0, &ms), -1);
	assert_int_equal(cfg_parse_duration("5 s", 0, &ms), -1);
	assert_int_equal(cfg_parse_duration("", 0, &ms), -1);
	assert_int_equal(cfg_parse_duration("99999999999999999999d", 0, &ms), -1);
	assert_int_equal(cfg_parse_duration("9999999999999999d", 0, &ms), -1);
}

static void
test_example_config_loads(void **state)
{
	struct cfg cfg;

	(void)state;
	assert_int_equal(cfg_load(FW_SRCDIR "/seeds/fluxwatch.yaml", &cfg, err, sizeof(err)), 0);
	cfg_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors_name_line_and_column),
		cmocka_unit_test(test_rule_errors_name_line_and_column),
		cmocka_unit_test(test_bad_bytes_name_line_and_column),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_duplicate_among_many),
		cmocka_unit_test(test_printed_defaults_load),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_example_config_loads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
