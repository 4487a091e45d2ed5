/*
 * offline — fixed-size ring; a taken entry is freed and comes back through
 * offline_note() when its revisit ends. A domain holds one entry (a new
 * note replaces its due time); a free slot is used before the oldest
 * remembered domain is overwritten.
 */
#include "config.h"

#include <stdlib.h>

#include "crawler/offline.h"

struct offline_entry {
	struct queue_item item;
	int64_t due_us;
	uint64_t seq;		/* when it was noted: the lowest is the oldest */
	int used;
};

struct offline {
	struct offline_entry *e;
	size_t cap;
	uint64_t seq;		/* notes so far */
};

struct offline *
offline_create(size_t cap)
{
	struct offline *o = calloc(1, sizeof(*o));

	if (o == NULL || cap == 0 || (o->e = calloc(cap, sizeof(*o->e))) == NULL) {
		free(o);
		return NULL;
	}
	o->cap = cap;
	return o;
}

void
offline_destroy(struct offline *o)
{
	if (o == NULL)
		return;
	free(o->e);
	free(o);
}

void
offline_note(struct offline *o, const struct queue_item *item, int64_t due_us)
{
	struct offline_entry *slot = &o->e[0];

	for (size_t i = 0; i < o->cap; i++) {
		struct offline_entry *e = &o->e[i];

		if (e->used && e->item.id == item->id) {
			slot = e;
			break;
		}
		if (slot->used && (!e->used || e->seq < slot->seq))
			slot = e;
	}
	slot->item = *item;
	slot->due_us = due_us;
	slot->seq = ++o->seq;
	slot->used = 1;
}

int
offline_take_due(struct offline *o, int64_t now_us, struct queue_item *out)
{
	for (size_t i = 0; i < o->cap; i++) {
		struct offline_entry *e = &o->e[i];

		if (e->used && e->due_us <= now_us) {
			*out = e->item;
			e->used = 0;
			return 1;
		}
	}
	return 0;
}
