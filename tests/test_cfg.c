/*
 * test_cfg — configuration loading: defaults, every kind of value, and
 * errors that name the line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/cfg.h"

static char err[512];

static int
load(const char *text, struct cfg *cfg)
{
	err[0] = '\0';
	return cfg_load_string("t.yaml", text, strlen(text), cfg, err, sizeof(err));
}

static void
expect_error(const char *text, const char *want)
{
	struct cfg cfg;

	assert_int_equal(load(text, &cfg), -1);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
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
	expect_error("schedule:\n  min_interval: soon\n", "t.yaml:2:17: min_interval: \"soon\" is not a duration");
	expect_error("database: [1, 2]\n", "t.yaml:1:11: database: expected a mapping");
	expect_error("resolvers: {name: a}\n", "t.yaml:1:12: resolvers: expected a list");
	expect_error("crawl:\n  batch_rows: 5\n  batch_rows: 6\n", "t.yaml:3:3: duplicate key");
	expect_error("database:\n  conninfo: [x]\n", "t.yaml:2:13: conninfo: expected a single value");
	expect_error("- a\n- b\n", "t.yaml:1:1: the configuration must be a mapping");
	expect_error("database: {conninfo: \"x\"\n", "t.yaml: ");
	expect_error("resolvers:\n  - {name: a, address: nowhere}\n", "address \"nowhere\" is not");
	expect_error("resolvers:\n  - {name: a, address: 127.0.0.1}\n  - {name: a, address: 127.0.0.2}\n",
	    "resolver name \"a\" is used twice");
	expect_error("feeds:\n  - {name: f, url: x, format: rss}\n", "unknown format \"rss\"");
	expect_error("schedule: {min_interval: 2h, max_interval: 1h}\n", "min_interval is longer");
	expect_error("crawl: {flush_interval: forever}\n", "is not a duration");
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
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_example_config_loads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
