/*
 * test_replace — the rule that keeps a loader from wiping good data: files
 * without valid rows or with too many bad lines, and much smaller results.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/replace.h"

static void
test_file_empty_or_junk(void **state)
{
	struct replace_file empty = { 0, 0, 0, 0 }, html = { 12, 0, 12, 1 };
	char why[160];

	(void)state;
	assert_int_equal(replace_file_check(&empty, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no valid line"));
	assert_int_equal(replace_file_check(&html, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "the first at line 1"));
}

static void
test_file_bad_limit(void **state)
{
	struct replace_file ok = { 1000, 990, 10, 7 }, over = { 1000, 989, 11, 7 };
	char why[160];

	(void)state;
	assert_int_equal(replace_file_check(&ok, why, sizeof(why)), 0);
	assert_int_equal(replace_file_check(&over, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "11 of 1000 lines bad (the first at line 7)"));
}

static void
test_size(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(replace_size_check(0, 0, 0, why, sizeof(why)), 0);
	assert_int_equal(replace_size_check(0, 5, 0, why, sizeof(why)), 0);
	assert_int_equal(replace_size_check(515158, 257579, 0, why, sizeof(why)), 0);
	assert_int_equal(replace_size_check(515158, 257578, 0, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "--force"));
	assert_int_equal(replace_size_check(515158, 10, 1, why, sizeof(why)), 0);
	assert_int_equal(replace_size_check(515158, 0, 0, why, sizeof(why)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_empty_or_junk),
		cmocka_unit_test(test_file_bad_limit),
		cmocka_unit_test(test_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
