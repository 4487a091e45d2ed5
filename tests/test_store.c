/*
 * test_store — storage against the real PostgreSQL: migrations applied
 * twice, a newer schema refused, stale definitions detected, imports and
 * re-imports, COPY escaping of hostile text, listing by source; the
 * scheduler's claim and report, the settled back-off, a sweep's report.
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
#include "storage/queue.h"
#include "storage/domains.h"
#include "storage/migrate.h"
#include "storage/store.h"
#include "tests/testdb.h"

static char err[STORE_ERRLEN];

static int
setup(void **state)
{
	const char *ci = testdb_create();
	struct store *st;
	int from, to;

	if (ci == NULL)
		skip();
	st = store_open(ci, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(migrate_apply(st, migrate_sql_dir(NULL), &from, &to, err, sizeof(err)), 0);
	*state = st;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	testdb_drop();
	return 0;
}

static void
test_open_bad_server(void **state)
{
	(void)state;
	assert_null(store_open("host=/nonexistent-socket-dir dbname=x password=hunter2",
	    err, sizeof(err)));
	assert_non_null(strstr(err, "database:"));
	assert_null(strstr(err, "hunter2"));
	store_close(NULL);
}

static void
test_migrate_twice_and_newer(void **state)
{
	struct store *st = *state;
	int from, to;

	assert_int_equal(migrate_apply(st, migrate_sql_dir(NULL), &from, &to, err, sizeof(err)), 0);
	assert_int_equal(from, STORE_SCHEMA_VERSION);
	assert_int_equal(to, STORE_SCHEMA_VERSION);
	assert_int_equal(store_check_schema(st, err, sizeof(err)), 0);
	assert_int_equal(store_exec(st, "INSERT INTO fluxwatch_schema (version, name) "
	    "VALUES (999, 'future')", 0, NULL, err, sizeof(err)), 0);
	assert_int_equal(migrate_apply(st, migrate_sql_dir(NULL), &from, &to, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "newer"));
	assert_int_equal(store_check_schema(st, err, sizeof(err)), -1);
	assert_int_equal(store_exec(st, "DELETE FROM fluxwatch_schema WHERE version = 999",
	    0, NULL, err, sizeof(err)), 0);
	assert_int_equal(migrate_apply(st, "/nonexistent", &from, &to, err, sizeof(err)), 0);
}

/* Definitions other than this build's (an upgrade without a migration) are stale. */
static void
test_definitions_stale(void **state)
{
	struct store *st = *state;
	int from, to;

	assert_int_equal(store_check_schema(st, err, sizeof(err)), 0);
	assert_int_equal(store_exec(st, "INSERT INTO fluxwatch_definitions (checksum) "
	    "VALUES ('stale')", 0, NULL, err, sizeof(err)), 0);
	assert_int_equal(store_check_schema(st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "run \"fluxwatch db init\""));
	assert_int_equal(migrate_apply(st, "/nonexistent", &from, &to, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/definitions"));
	assert_int_equal(store_check_schema(st, err, sizeof(err)), -1);	/* rolled back */
	assert_int_equal(migrate_apply(st, migrate_sql_dir(NULL), &from, &to, err, sizeof(err)), 0);
	assert_int_equal(from, STORE_SCHEMA_VERSION);
	assert_int_equal(to, STORE_SCHEMA_VERSION);
	assert_int_equal(store_check_schema(st, err, sizeof(err)), 0);
}

static struct store_import_stats
import(struct store *st, const char *kind, const char *source, const char *const *names,
    int64_t watch)
{
	struct store_import_stats s;
	struct store_import *im = store_import_begin(st, kind, source, NULL, NULL, watch,
	    err, sizeof(err));

	assert_non_null(im);
	for (size_t i = 0; names[i] != NULL; i++)
		assert_int_equal(store_import_add(im, names[i]), 0);
	assert_int_equal(store_import_finish(im, 0, &s, err, sizeof(err)), 0);
	return s;
}

static void
collect(const char *name, void *arg)
{
	char *buf = arg;

	strcat(buf, name);
	strcat(buf, ",");
}

static void
test_import_idempotent(void **state)
{
	static const char *const first[] = { "a.example", "b.example", "a.example", NULL };
	static const char *const second[] = { "b.example", "c.example", NULL };
	struct store *st = *state;
	struct store_import_stats s;
	char buf[256] = "";

	s = import(st, "seed", "list1", first, CFG_FOREVER);
	assert_int_equal(s.rows, 3);
	assert_int_equal(s.distinct, 2);
	assert_int_equal(s.added, 2);
	s = import(st, "seed", "list1", first, CFG_FOREVER);
	assert_int_equal(s.added, 0);
	assert_int_equal(s.known, 2);
	s = import(st, "feed", "feed1", second, 3600000);
	assert_int_equal(s.added, 1);
	assert_int_equal(s.known, 1);
	assert_int_equal(store_domains_list(st, NULL, collect, buf, err, sizeof(err)), 0);
	assert_string_equal(buf, "a.example,b.example,c.example,");
	buf[0] = '\0';
	assert_int_equal(store_domains_list(st, "feed1", collect, buf, err, sizeof(err)), 0);
	assert_string_equal(buf, "b.example,c.example,");
	assert_int_equal(store_domains_list(st, "nosuch", collect, buf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no source named \"nosuch\""));
	/* b.example is forever (seed) although the feed gave it a window */
	{
		struct store_res *r = store_query(st, "SELECT name, watch_until IS NULL FROM domains "
		    "ORDER BY name", 0, NULL, err, sizeof(err));

		assert_non_null(r);
		assert_string_equal(store_res_value(r, 1, 1), "t");
		assert_string_equal(store_res_value(r, 2, 1), "f");
		store_res_free(r);
	}
	assert_null(store_import_begin(st, "feed", "list1", NULL, NULL, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "already exists as a seed"));
}

static void
test_import_abort_changes_nothing(void **state)
{
	struct store *st = *state;
	struct store_import_stats s;
	struct store_import *im = store_import_begin(st, "seed", "l", NULL, NULL, CFG_FOREVER,
	    err, sizeof(err));
	struct store_res *r;

	assert_non_null(im);
	assert_int_equal(store_import_add(im, "x.example"), 0);
	assert_int_equal(store_import_finish(im, 1, &s, err, sizeof(err)), -1);
	r = store_query(st, "SELECT count(*) FROM domains", 0, NULL, err, sizeof(err));
	assert_non_null(r);
	assert_string_equal(store_res_value(r, 0, 0), "0");
	store_res_free(r);
}

static void
test_copy_escaping(void **state)
{
	static const char hostile[] = "tab\there\\back\nnew\rcr\"q'";
	struct store *st = *state;
	struct store_copy *cp;
	struct store_res *r;

	assert_int_equal(store_exec(st, "CREATE TEMP TABLE t (a text, b text)", 0, NULL,
	    err, sizeof(err)), 0);
	cp = store_copy_begin(st, "COPY t (a, b) FROM STDIN", err, sizeof(err));
	assert_non_null(cp);
	assert_int_equal(store_copy_fieldz(cp, hostile), 0);
	assert_int_equal(store_copy_field(cp, NULL, 0), 0);
	assert_int_equal(store_copy_end_row(cp), 0);
	assert_int_equal(store_copy_finish(cp, 0, err, sizeof(err)), 0);
	r = store_query(st, "SELECT a, b IS NULL FROM t", 0, NULL, err, sizeof(err));
	assert_non_null(r);
	assert_string_equal(store_res_value(r, 0, 0), hostile);
	assert_string_equal(store_res_value(r, 0, 1), "t");
	store_res_free(r);
	assert_null(store_copy_begin(st, "COPY nosuch FROM STDIN", err, sizeof(err)));
	assert_non_null(strstr(err, "nosuch"));
}

/* Binary rows of every field kind; a row over the chunk size; a bad address fails. */
static void
test_copy_binary(void **state)
{
	static const char hostile[] = "tab\there\\back\nnew";
	struct store *st = *state;
	struct store_copy *cp;
	char big[STORE_COPY_CHUNK + 100];
	struct store_res *r;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(store_exec(st, "CREATE TEMP TABLE b (i2 smallint, i4 integer, "
	    "i8 bigint, t timestamptz, s text, a inet)", 0, NULL, err, sizeof(err)), 0);
	cp = store_copy_begin_binary(st, "COPY b FROM STDIN WITH (FORMAT binary)", err,
	    sizeof(err));
	assert_non_null(cp);
	assert_int_equal(store_copy_bin_row(cp, 6) | store_copy_bin_int(cp, -2, 2) |
	    store_copy_bin_int(cp, 2147483647, 4) | store_copy_bin_int(cp, -9000000000LL, 8) |
	    store_copy_bin_time(cp, 1795000000123456LL) | store_copy_bin_text(cp, hostile) |
	    store_copy_bin_inet(cp, "192.0.2.7"), 0);
	assert_int_equal(store_copy_bin_row(cp, 6) | store_copy_bin_int(cp, 0, 2) |
	    store_copy_bin_int(cp, 0, 4) | store_copy_bin_int(cp, 0, 8) |
	    store_copy_bin_time(cp, 0) | store_copy_bin_text(cp, big) |
	    store_copy_bin_inet(cp, "2001:db8::7"), 0);
	assert_int_equal(store_copy_bin_row(cp, 6) | store_copy_bin_int(cp, 1, 2) |
	    store_copy_bin_int(cp, 1, 4) | store_copy_bin_int(cp, 1, 8) |
	    store_copy_bin_time(cp, 0) | store_copy_bin_text(cp, NULL) |
	    store_copy_bin_inet(cp, NULL), 0);
	assert_int_equal(store_copy_finish(cp, 0, err, sizeof(err)), 0);
	r = store_query(st, "SELECT i2, i4, i8, extract(epoch FROM t)::numeric(20,6), s, host(a), "
	    "length(s), s IS NULL AND a IS NULL FROM b ORDER BY i2", 0, NULL, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(store_res_rows(r), 3);
	assert_string_equal(store_res_value(r, 0, 0), "-2");
	assert_string_equal(store_res_value(r, 0, 1), "2147483647");
	assert_string_equal(store_res_value(r, 0, 2), "-9000000000");
	assert_string_equal(store_res_value(r, 0, 3), "1795000000.123456");
	assert_string_equal(store_res_value(r, 0, 4), hostile);
	assert_string_equal(store_res_value(r, 0, 5), "192.0.2.7");
	assert_string_equal(store_res_value(r, 1, 3), "0.000000");
	assert_string_equal(store_res_value(r, 1, 5), "2001:db8::7");
	assert_int_equal(atoi(store_res_value(r, 1, 6)), (int)sizeof(big) - 1);
	assert_string_equal(store_res_value(r, 2, 7), "t");
	store_res_free(r);
	cp = store_copy_begin_binary(st, "COPY b (a) FROM STDIN WITH (FORMAT binary)", err,
	    sizeof(err));
	assert_non_null(cp);
	assert_int_equal(store_copy_bin_row(cp, 1), 0);
	assert_int_equal(store_copy_bin_inet(cp, "not-an-address"), -1);
	assert_int_equal(store_copy_finish(cp, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not-an-address"));
	/* a type number from 32768 up, stored as 16 bits in a smallint, reads back by name */
	r = store_query(st, "SELECT fw_rrtype_name((65280 - 65536)::smallint), fw_rrtype_name(28)",
	    0, NULL, err, sizeof(err));
	assert_non_null(r);
	assert_string_equal(store_res_value(r, 0, 0), "TYPE65280");
	assert_string_equal(store_res_value(r, 0, 1), "AAAA");
	store_res_free(r);
}

/* Claim, report (signatures at both ends of the 64-bit range), claim again. */
static void
test_claim_report(void **state)
{
	static const struct queue_policy pol = { .min_interval_ms = 1000, .max_interval_ms = 60000,
		.settle_after = 3, .backoff = 2 };
	struct store *st = *state;
	struct queue_claim_opts opts = { 10, 60000, "test:1", NULL, 0, 0 };
	struct queue_item items[3];
	struct queue_visit v[2];
	struct store_res *r;

	assert_int_equal(store_exec(st, "INSERT INTO domains (name) VALUES ('a.example'), "
	    "('b.example')", 0, NULL, err, sizeof(err)), 0);
	assert_int_equal(queue_claim(st, &opts, items, err, sizeof(err)), 2);
	assert_int_equal(queue_claim(st, &opts, items + 2, err, sizeof(err)), 0);	/* leased */
	assert_true(strcmp(items[0].name, "a.example") == 0 || strcmp(items[1].name, "a.example") == 0);
	for (int i = 0; i < 2; i++) {
		v[i] = (struct queue_visit){ .id = items[i].id, .before = items[i].state,
			.resolved = 1, .answered = 1, .min_ttl_s = 30 };
		v[i].signature = i == 0 ? 0x8000000000000000ULL : 0x7fffffffffffffffULL;
	}
	assert_int_equal(queue_report(st, &pol, v, 2, err, sizeof(err)), 0);
	r = store_query(st, "SELECT string_agg(answer_sig::text || ' ' || interval_ms || ' ' || "
	    "(lease_until IS NULL), ',' ORDER BY answer_sig) FROM domains", 0, NULL, err, sizeof(err));
	assert_non_null(r);
	assert_string_equal(store_res_value(r, 0, 0),
	    "-9223372036854775808 31000 true,9223372036854775807 31000 true");
	store_res_free(r);
	assert_int_equal(store_exec(st, "UPDATE domains SET next_due_at = now()", 0, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(queue_claim(st, &opts, items, err, sizeof(err)), 2);
}

/* The state of a row of domains, as text (settled, interval, signature, fail streak, priority). */
static void
assert_domain_state(struct store *st, const char *want)
{
	struct store_res *r = store_query(st, "SELECT settled_passes || ' ' || interval_ms || ' ' || "
	    "answer_sig || ' ' || fail_streak || ' ' || priority || ' ' || (lease_until IS NULL) "
	    "FROM domains", 0, NULL, err, sizeof(err));

	assert_non_null(r);
	assert_int_equal(store_res_rows(r), 1);
	assert_string_equal(store_res_value(r, 0, 0), want);
	store_res_free(r);
}

/*
 * A claim carries the settled count, the last interval and signature; the
 * same answers double the interval of a settled domain, new ones bring the
 * TTL pace back and reset the count.
 */
static void
test_claim_settled(void **state)
{
	static const struct queue_policy pol = { .min_interval_ms = 1000,
		.max_interval_ms = 6 * 3600000LL, .settle_after = 3, .backoff = 2 };
	struct store *st = *state;
	struct queue_claim_opts opts = { 10, 60000, "test:1", NULL, 0, 0 };
	struct queue_item it;
	struct queue_visit v;

	assert_int_equal(store_exec(st, "INSERT INTO domains (name, settled_passes, interval_ms, "
	    "answer_sig, priority) VALUES ('calm.example', 3, 3600000, -5, 0)", 0, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(queue_claim(st, &opts, &it, err, sizeof(err)), 1);
	assert_int_equal(it.state.settled_passes, 3);
	assert_int_equal(it.state.interval_ms, 3600000);
	assert_true(it.state.signature == (uint64_t)-5);
	v = (struct queue_visit){ .id = it.id, .before = it.state, .resolved = 1, .answered = 1,
		.min_ttl_s = 60, .signature = it.state.signature };
	assert_int_equal(queue_report(st, &pol, &v, 1, err, sizeof(err)), 0);
	assert_domain_state(st, "3 7200000 -5 0 0 true");
	assert_int_equal(store_exec(st, "UPDATE domains SET next_due_at = now()", 0, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(queue_claim(st, &opts, &it, err, sizeof(err)), 1);
	v.before = it.state;
	v.signature = 99;
	assert_int_equal(queue_report(st, &pol, &v, 1, err, sizeof(err)), 0);
	assert_domain_state(st, "0 61000 99 0 1 true");
}

/* A sweep's report ends the leases and leaves the schedule as it was. */
static void
test_sweep_keeps_schedule(void **state)
{
	static const struct queue_policy sweep = { .min_interval_ms = 1000,
		.max_interval_ms = 60000, .settle_after = 3, .backoff = 2, .sweep = 1 };
	struct store *st = *state;
	struct queue_claim_opts opts = { 10, 60000, "test:1", NULL, 1, 0 };
	struct queue_item it;
	struct queue_visit v;
	struct store_res *r;
	char before[256];

	assert_int_equal(store_exec(st, "INSERT INTO domains (name, settled_passes, interval_ms, "
	    "answer_sig, fail_streak, priority, next_due_at) VALUES "
	    "('calm.example', 4, 7200000, 42, 0, 0, now() + interval '2 hours')", 0, NULL, err,
	    sizeof(err)), 0);
	r = store_query(st, "SELECT next_due_at::text FROM domains", 0, NULL, err, sizeof(err));
	assert_non_null(r);
	snprintf(before, sizeof(before), "%s", store_res_value(r, 0, 0));
	store_res_free(r);
	assert_int_equal(queue_claim(st, &opts, &it, err, sizeof(err)), 1);	/* not due */
	v = (struct queue_visit){ .id = it.id, .before = it.state, .resolved = 1, .answered = 1,
		.min_ttl_s = 5, .signature = 43 };
	assert_int_equal(queue_report(st, &sweep, &v, 1, err, sizeof(err)), 0);
	assert_domain_state(st, "4 7200000 42 0 0 true");
	r = store_query(st, "SELECT next_due_at::text FROM domains", 0, NULL, err, sizeof(err));
	assert_non_null(r);
	assert_string_equal(store_res_value(r, 0, 0), before);
	store_res_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_bad_server),
		cmocka_unit_test_setup_teardown(test_migrate_twice_and_newer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_definitions_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_abort_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_settled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_keeps_schedule, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
