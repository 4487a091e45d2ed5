/*
 * test_seed — seed-list reading: accepted names, rejected lines with their
 * numbers, over-long lines, and a stop requested by the sink.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/name.h"
#include "scheduler/seed.h"

struct seen {
	char names[16][NAME_BUFSZ];
	int n;
	long rejected_lines[16];
	int nrej;
	int stop_after;
};

static int
accept_name(const char *name, void *arg)
{
	struct seen *s = arg;

	snprintf(s->names[s->n++], NAME_BUFSZ, "%s", name);
	return s->stop_after != 0 && s->n >= s->stop_after ? 7 : 0;
}

static void
reject_line(const char *file, long line, enum name_status st, void *arg)
{
	struct seen *s = arg;

	assert_string_equal(file, "list.txt");
	assert_int_not_equal(st, NAME_OK);
	s->rejected_lines[s->nrej++] = line;
}

static FILE *
mem(const char *text, size_t len)
{
	FILE *fp = fmemopen((void *)text, len, "r");

	assert_non_null(fp);
	return fp;
}

static void
test_empty(void **state)
{
	struct seen s = { .n = 0 };
	struct seed_sink sink = { accept_name, reject_line, &s };
	struct seed_stats st;
	FILE *fp = mem("\n", 1);

	(void)state;
	assert_int_equal(seed_read(fp, "list.txt", &sink, &st), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(st.lines, 1);
	fclose(fp);
}

static void
test_mixed(void **state)
{
	static const char text[] =
	    "# researchers' list\n"
	    "Example.com\n"
	    "http://phish.example.net/login\r\n"
	    "0.0.0.0 ads.example.org\n"
	    "\n"
	    "192.0.2.7\n"
	    "bücher.example\n"
	    "junk junk junk\n"
	    "example.com";
	struct seen s = { .n = 0 };
	struct seed_sink sink = { accept_name, reject_line, &s };
	struct seed_stats st;
	FILE *fp = mem(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(seed_read(fp, "list.txt", &sink, &st), 0);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.names[0], "example.com");
	assert_string_equal(s.names[1], "phish.example.net");
	assert_string_equal(s.names[2], "ads.example.org");
	assert_string_equal(s.names[3], "xn--bcher-kva.example");
	assert_string_equal(s.names[4], "example.com");
	assert_int_equal(s.nrej, 2);
	assert_int_equal(s.rejected_lines[0], 6);
	assert_int_equal(s.rejected_lines[1], 8);
	assert_int_equal(st.lines, 9);
	assert_int_equal(st.rejected, 2);
	fclose(fp);
}

static void
test_long_line_and_nul(void **state)
{
	size_t big = NAME_ENTRY_MAX + 100, len;
	char *text = malloc(big + 64);
	struct seen s = { .n = 0 };
	struct seed_sink sink = { accept_name, reject_line, &s };
	struct seed_stats st;
	FILE *fp;

	(void)state;
	assert_non_null(text);
	memset(text, 'a', big);
	len = big;
	memcpy(text + len, "\nok.example\nnu\0l.example\n", 25);
	len += 25;
	fp = mem(text, len);
	assert_int_equal(seed_read(fp, "list.txt", &sink, &st), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.names[0], "ok.example");
	assert_int_equal(s.nrej, 2);
	assert_int_equal(s.rejected_lines[0], 1);
	assert_int_equal(s.rejected_lines[1], 3);
	fclose(fp);
	free(text);
}

static void
test_sink_stops(void **state)
{
	static const char text[] = "a.example\nb.example\nc.example\n";
	struct seen s = { .n = 0, .stop_after = 2 };
	struct seed_sink sink = { accept_name, reject_line, &s };
	struct seed_stats st;
	FILE *fp = mem(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(seed_read(fp, "list.txt", &sink, &st), 7);
	assert_int_equal(s.n, 2);
	fclose(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_long_line_and_nul),
		cmocka_unit_test(test_sink_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
