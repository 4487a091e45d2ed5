/*
 * test_offline — the ring of recently visited domains the crawler revisits
 * while the queue is away: create(0) refused and destroy(NULL) a no-op,
 * an entry handed out only once it is due and only once, one entry per
 * domain (a new note replaces its due time), a taken entry's slot used
 * before a remembered domain is overwritten, the oldest overwritten when
 * the ring is full. Times are passed in: no clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "crawler/offline.h"

static struct queue_item
item(int64_t id)
{
	struct queue_item it;

	memset(&it, 0, sizeof(it));
	it.id = id;
	it.state.fail_streak = (int)id % 3;
	snprintf(it.name, sizeof(it.name), "d%lld.example", (long long)id);
	return it;
}

/* Take every entry due at NOW into ids (at most max): how many. */
static int
take_all(struct offline *o, int64_t now, int64_t *ids, int max)
{
	struct queue_item out;
	int n = 0;

	while (n < max && offline_take_due(o, now, &out))
		ids[n++] = out.id;
	return n;
}

static int
has(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* Remember domain ID, due at DUE. */
static void
note(struct offline *o, int64_t id, int64_t due)
{
	struct queue_item it = item(id);

	offline_note(o, &it, due);
}

/* Exactly domain ID is due at NOW; it is taken. */
static void
expect_taken(struct offline *o, int64_t now, int64_t id)
{
	int64_t ids[8];

	assert_int_equal(take_all(o, now, ids, 8), 1);
	assert_int_equal(ids[0], id);
}

/* Nothing is left, whenever. */
static void
expect_empty(struct offline *o)
{
	struct queue_item out;

	assert_int_equal(offline_take_due(o, INT64_MAX, &out), 0);
}

static void
test_invalid(void **state)
{
	(void)state;
	assert_null(offline_create(0));
	offline_destroy(NULL);
}

static void
test_due(void **state)
{
	struct offline *o = offline_create(4);
	struct queue_item a = item(7), out;

	(void)state;
	assert_non_null(o);
	memset(&out, 0, sizeof(out));
	assert_int_equal(offline_take_due(o, 1000, &out), 0);	/* empty */
	offline_note(o, &a, 5000);
	assert_int_equal(offline_take_due(o, 4999, &out), 0);	/* not yet due */
	assert_int_equal(out.id, 0);
	assert_int_equal(offline_take_due(o, 5000, &out), 1);	/* due at its time */
	assert_int_equal(out.id, 7);
	assert_int_equal(out.state.fail_streak, a.state.fail_streak);
	assert_string_equal(out.name, "d7.example");
	offline_destroy(o);
}

static void
test_take_removes(void **state)
{
	struct offline *o = offline_create(4);

	(void)state;
	assert_non_null(o);
	note(o, 1, 100);
	note(o, 2, 900);
	expect_taken(o, 500, 1);	/* only 1 is due, and taken, not copied */
	expect_taken(o, 1000, 2);
	expect_empty(o);
	offline_destroy(o);
}

static void
test_one_entry_per_domain(void **state)
{
	struct offline *o = offline_create(4);

	(void)state;
	assert_non_null(o);
	note(o, 1, 100);
	note(o, 2, 100);
	note(o, 1, 900);		/* visited again: due later, not twice */
	expect_taken(o, 500, 2);
	expect_taken(o, 900, 1);
	expect_empty(o);
	offline_destroy(o);
}

static void
test_taken_slot_reused(void **state)
{
	struct offline *o = offline_create(3);
	int64_t ids[8];

	(void)state;
	assert_non_null(o);
	note(o, 1, 900);
	note(o, 2, 900);
	note(o, 3, 100);
	expect_taken(o, 100, 3);	/* 3 is out being visited */
	note(o, 4, 900);		/* a slot is free: 1 stays */
	assert_int_equal(take_all(o, 900, ids, 8), 3);
	assert_true(has(ids, 3, 1) && has(ids, 3, 2) && has(ids, 3, 4));
	offline_destroy(o);
}

static void
test_oldest_overwritten(void **state)
{
	struct offline *o = offline_create(3);
	int64_t ids[8];

	(void)state;
	assert_non_null(o);
	for (int64_t id = 1; id <= 5; id++)	/* 1 and 2 make room for 4 and 5 */
		note(o, id, 10);
	assert_int_equal(take_all(o, 10, ids, 8), 3);
	assert_true(has(ids, 3, 3) && has(ids, 3, 4) && has(ids, 3, 5));
	expect_empty(o);
	offline_destroy(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_take_removes),
		cmocka_unit_test(test_one_entry_per_domain),
		cmocka_unit_test(test_taken_slot_reused),
		cmocka_unit_test(test_oldest_overwritten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
