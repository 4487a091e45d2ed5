/*
 * test_queue — revisit arithmetic: TTL + 1 s clamped to the bounds, the
 * NODATA case, and the failure back-off with its cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "storage/queue.h"

static const struct queue_policy lab = { 2000, 30000, 0 };

static int64_t
next(int resolved, int answered, int64_t ttl, int streak_before, int *streak)
{
	struct queue_visit v = { 1, streak_before, resolved, answered, ttl, 0 };

	return queue_next_interval(&lab, &v, streak);
}

static void
test_ttl_clamped(void **state)
{
	int streak = 9;

	(void)state;
	assert_int_equal(next(1, 1, 3, 0, &streak), 4000);	/* TTL 3 s -> 4 s */
	assert_int_equal(streak, 0);
	assert_int_equal(next(1, 1, 0, 0, &streak), 2000);	/* below min_interval */
	assert_int_equal(next(1, 1, 3600, 0, &streak), 30000);	/* above max_interval */
	assert_int_equal(next(1, 1, 10, 5, &streak), 11000);	/* resolving ends a streak */
	assert_int_equal(streak, 0);
}

static void
test_nodata(void **state)
{
	int streak = 3;

	(void)state;
	assert_int_equal(next(0, 1, -1, 3, &streak), 30000);
	assert_int_equal(streak, 0);
}

static void
test_backoff(void **state)
{
	int streak = 0;
	int64_t want[] = { 4000, 8000, 16000, 30000, 30000 };

	(void)state;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(next(0, 0, -1, streak, &streak), want[i]);
		assert_int_equal(streak, i + 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ttl_clamped),
		cmocka_unit_test(test_nodata),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
