/*
 * test_queue — revisit arithmetic: TTL + 1 s clamped to the bounds, the
 * NODATA case, the failure back-off with its cap, and the back-off of
 * settled domains (growth, bound, snap-back on new answers, settle_after 0
 * as before), also over days of a fake clock with scoring passes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "storage/queue.h"

#define HOUR_MS 3600000LL

static const struct queue_policy lab = { .min_interval_ms = 2000, .max_interval_ms = 30000,
	.settle_after = 3, .backoff = 2 };
static const struct queue_policy prod = { .min_interval_ms = 60000, .max_interval_ms = 6 * HOUR_MS,
	.settle_after = 3, .backoff = 2 };

static int64_t
next(int resolved, int answered, int64_t ttl, int streak_before, int *streak)
{
	struct queue_visit v = { .id = 1, .before = { .fail_streak = streak_before },
		.resolved = resolved, .answered = answered, .min_ttl_s = ttl };
	struct queue_state after;
	int64_t ms = queue_next_interval(&lab, &v, &after);

	*streak = after.fail_streak;
	return ms;
}

/* A resolved visit with signature SIG of a domain in state BEFORE. */
static int64_t
visit(const struct queue_policy *p, struct queue_state *before, int64_t ttl, uint64_t sig)
{
	struct queue_visit v = { .id = 1, .before = *before, .resolved = 1, .answered = 1,
		.min_ttl_s = ttl, .signature = sig };

	return queue_next_interval(p, &v, before);
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

/* Fewer settled passes than settle_after: the TTL pace, whatever the last interval. */
static void
test_not_settled_keeps_pace(void **state)
{
	struct queue_state s = { .settled_passes = 2, .interval_ms = HOUR_MS, .signature = 7 };

	(void)state;
	assert_int_equal(visit(&prod, &s, 60, 7), 61000);
	assert_int_equal(s.settled_passes, 2);
	assert_int_equal(s.interval_ms, 61000);
	assert_true(s.signature == 7);
}

/* Settled, the same answers: the interval doubles each visit up to max_interval. */
static void
test_settled_grows_to_max(void **state)
{
	struct queue_state s = { .settled_passes = 3, .interval_ms = 61000, .signature = 7 };
	int64_t want = 61000;

	(void)state;
	for (int i = 0; i < 12; i++) {
		want = want * 2 > prod.max_interval_ms ? prod.max_interval_ms : want * 2;
		assert_int_equal(visit(&prod, &s, 60, 7), want);
		assert_int_equal(s.settled_passes, 3);
	}
	assert_int_equal(s.interval_ms, 6 * HOUR_MS);	/* 61 s x 2^9 passed 6 h */
	s.interval_ms = INT64_MAX / 2;			/* no overflow on the way */
	assert_int_equal(visit(&prod, &s, 60, 7), 6 * HOUR_MS);
}

/* Growth never goes below the TTL pace, and honours another factor. */
static void
test_settled_floor_and_factor(void **state)
{
	struct queue_policy p4 = prod;
	struct queue_state s = { .settled_passes = 5, .interval_ms = 0, .signature = 7 };

	(void)state;
	assert_int_equal(visit(&prod, &s, 60, 7), 61000);	/* no last interval yet */
	s.interval_ms = 1000;
	assert_int_equal(visit(&prod, &s, 60, 7), 61000);	/* 2 s grown < 61 s pace */
	s.interval_ms = 120000;
	assert_int_equal(visit(&prod, &s, 3600, 7), 3601000);	/* the TTL grew beyond */
	p4.backoff = 4;
	s.interval_ms = 61000;
	assert_int_equal(visit(&p4, &s, 60, 7), 244000);
	assert_int_equal(visit(&p4, &s, 60, 7), 976000);
}

/* New answers: the TTL pace at once, and the count is 0 until passes settle it again. */
static void
test_new_signature_snaps_back(void **state)
{
	struct queue_state s = { .settled_passes = 9, .interval_ms = 4 * HOUR_MS, .signature = 7 };

	(void)state;
	assert_int_equal(visit(&prod, &s, 60, 8), 61000);
	assert_int_equal(s.settled_passes, 0);
	assert_true(s.signature == 8);
	assert_int_equal(visit(&prod, &s, 60, 8), 61000);	/* the same again: not settled */
	s.settled_passes = 3;					/* three passes later */
	assert_int_equal(visit(&prod, &s, 60, 8), 122000);
}

/* A failure of a settled domain: the failure back-off, and it must settle again. */
static void
test_settled_failure(void **state)
{
	struct queue_visit v = { .id = 1, .before = { .settled_passes = 4, .interval_ms = HOUR_MS,
		.signature = 7 } };
	struct queue_state after;

	(void)state;
	assert_int_equal(queue_next_interval(&prod, &v, &after), 120000);	/* 1 min x 2^1 */
	assert_int_equal(after.fail_streak, 1);
	assert_int_equal(after.settled_passes, 0);
}

/* settle_after 0: the TTL pace for ever, as before the back-off existed. */
static void
test_settle_after_zero(void **state)
{
	struct queue_policy never = prod;
	struct queue_state s = { .settled_passes = 1000, .interval_ms = HOUR_MS, .signature = 7 };

	(void)state;
	never.settle_after = 0;
	for (int i = 0; i < 5; i++)
		assert_int_equal(visit(&never, &s, 60, 7), 61000);
	assert_int_equal(visit(&never, &s, 3, 7), 60000);	/* min_interval */
}

/*
 * Two days of a fake clock: a domain with TTL 60 s and the same answers,
 * a scoring pass every 15 minutes that repeats its benign label (as
 * fw_settled_passes counts), a new answer at noon of the second day. Visits
 * per day: at the TTL pace until it settles, then a handful.
 */
static int
simulate(const struct queue_policy *p, int days, int64_t change_at_ms, int64_t *settled_from_ms)
{
	struct queue_state s = { 0 };
	int64_t now = 0, due = 0, next_pass = 0, end = days * 24 * HOUR_MS;
	uint64_t sig = 7;
	int visits = 0, labelled = 0;

	*settled_from_ms = -1;
	while (now < end) {
		if (next_pass <= due) {			/* a scoring pass comes first */
			now = next_pass;
			next_pass += 15 * 60000;
			s.settled_passes = labelled++ > 0 ? s.settled_passes + 1 : 0;
			continue;
		}
		now = due;
		if (change_at_ms >= 0 && now >= change_at_ms) {
			sig = 8;
			change_at_ms = -1;
		}
		due = now + visit(p, &s, 60, sig);
		visits++;
		if (*settled_from_ms < 0 && due - now > 61000)
			*settled_from_ms = now;
	}
	return visits;
}

static void
test_fake_clock_days(void **state)
{
	struct queue_policy never = prod;
	int64_t settled_from;
	int paced, backed, changed;

	(void)state;
	never.settle_after = 0;
	paced = simulate(&never, 2, -1, &settled_from);
	assert_int_equal(settled_from, -1);
	assert_in_range(paced, 2 * 1416 - 2, 2 * 1417 + 2);	/* 86400 s / 61 s a day */
	backed = simulate(&prod, 2, -1, &settled_from);
	/* settled after the 4th pass (the first labels, three repeat it): 45 minutes */
	assert_in_range(settled_from, 45 * 60000, 46 * 60000);
	/* 44 visits in 45 min at the pace, 8 doublings (9 h), then one each 6 h: 60 */
	assert_in_range(backed, 55, 65);
	/* new answers at noon of day 2: the pace again until three passes settle it */
	changed = simulate(&prod, 2, 36 * HOUR_MS, &settled_from);
	assert_in_range(changed - backed, 40, 56);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ttl_clamped),
		cmocka_unit_test(test_nodata),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_not_settled_keeps_pace),
		cmocka_unit_test(test_settled_grows_to_max),
		cmocka_unit_test(test_settled_floor_and_factor),
		cmocka_unit_test(test_new_signature_snaps_back),
		cmocka_unit_test(test_settled_failure),
		cmocka_unit_test(test_settle_after_zero),
		cmocka_unit_test(test_fake_clock_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
