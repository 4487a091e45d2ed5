/*
 * test_feed_parse — CSV splitting and the feed formats on in-memory bodies:
 * quoting quirks, commented and plain headers, ThreatFox record types,
 * the generic csv by name and by number, and bad options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/csv.h"
#include "scheduler/feed_parse.h"

static char got[1024];

static int
collect(const char *name, void *arg)
{
	(void)arg;
	strcat(got, name);
	strcat(got, " ");
	return 0;
}

static int
parse(enum feed_format fmt, const char *column, const char *comment, const char *body,
    struct feed_stats *st)
{
	struct feed_parse_opts o = { fmt, column, comment };
	FILE *fp = fmemopen((void *)body, strlen(body), "r");
	int rc;

	assert_non_null(fp);
	got[0] = '\0';
	rc = feed_parse(&o, fp, collect, NULL, st);
	fclose(fp);
	return rc;
}

static void
test_csv_split(void **state)
{
	char line[] = "\"a\", \"b \"\"q\"\" c\",plain,,\"x,y\"";
	char bad[] = "\"open";
	char *f[8];

	(void)state;
	assert_int_equal(csv_split(line, f, 8), 5);
	assert_string_equal(f[0], "a");
	assert_string_equal(f[1], "b \"q\" c");
	assert_string_equal(f[2], "plain");
	assert_string_equal(f[3], "");
	assert_string_equal(f[4], "x,y");
	assert_int_equal(csv_split(bad, f, 8), -1);
	assert_int_equal(feed_format_from_name("rss"), -1);
	assert_int_equal(feed_format_from_name("threatfox_csv"), FEED_THREATFOX_CSV);
}

static void
test_urlhaus_and_phishtank(void **state)
{
	struct feed_stats st;

	(void)state;
	assert_int_equal(parse(FEED_URLHAUS_CSV, NULL, NULL,
	    "# id,dateadded,url,url_status\n"
	    "\"1\",\"d\",\"http://a.example/x\",\"online\"\n"
	    "\"2\",\"d\",\"http://192.0.2.1:80/x\",\"online\"\n", &st), 0);
	assert_string_equal(got, "a.example ");
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.ip_skipped, 1);
	assert_int_equal(parse(FEED_PHISHTANK_CSV, NULL, NULL,
	    "phish_id,url,target\n1,\"http://b.example/a,b\",\"ABSA Bank\"\n", &st), 0);
	assert_string_equal(got, "b.example ");
}

static void
test_threatfox_types(void **state)
{
	struct feed_stats st;

	(void)state;
	assert_int_equal(parse(FEED_THREATFOX_CSV, NULL, NULL,
	    "# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",\"ioc_type\"\n"
	    "\"t\", \"1\", \"c2.example\", \"domain\"\n"
	    "\"t\", \"2\", \"https://gate.example/p\", \"url\"\n"
	    "\"t\", \"3\", \"192.0.2.3:443\", \"ip:port\"\n"
	    "\"t\", \"4\", \"abcdef\", \"md5_hash\"\n", &st), 0);
	assert_string_equal(got, "c2.example gate.example ");
	assert_int_equal(st.ip_skipped, 1);
	assert_int_equal(st.ignored, 1);
}

static void
test_generic_csv(void **state)
{
	struct feed_stats st;

	(void)state;
	assert_int_equal(parse(FEED_CSV, "2", ";", "; c\nx,c.example\ny,bad..name\n", &st), 0);
	assert_string_equal(got, "c.example ");
	assert_int_equal(st.rejected, 1);
	assert_int_equal(parse(FEED_CSV, "host", "#", "id,host\n1,d.example\n", &st), 0);
	assert_string_equal(got, "d.example ");
	assert_int_equal(parse(FEED_CSV, "", "#", "x\n", &st), -1);
	assert_int_equal(parse(FEED_HOSTS, NULL, NULL, "0.0.0.0 e.example\n", &st), 0);
	assert_string_equal(got, "e.example ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_split),
		cmocka_unit_test(test_urlhaus_and_phishtank),
		cmocka_unit_test(test_threatfox_types),
		cmocka_unit_test(test_generic_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
