/*
 * offline — fixed-size ring; a taken entry is freed and comes back through
 * offline_note() when its revisit ends.
 */
#include "config.h"

#include <stdlib.h>

#include "crawler/offline.h"

struct offline_entry {
	struct queue_item item;
	int64_t due_us;
	int used;
};

struct offline {
	struct offline_entry *e;
	size_t cap;
	size_t next;		/* slot the next note overwrites */
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
	struct offline_entry *slot = &o->e[o->next];

	slot->item = *item;
	slot->due_us = due_us;
	slot->used = 1;
	o->next = (o->next + 1) % o->cap;
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
