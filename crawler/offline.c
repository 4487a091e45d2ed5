/*
 * offline — a fixed pool of entries, each in two lists: a hash chain by
 * domain id (a note finds the domain's own entry in O(1)) and the order of
 * notes (the oldest is overwritten when the pool is full), or in the free
 * list once taken. A note happens at the end of every visit, so it must
 * not cost more than the visit's other bookkeeping; a take scans the pool,
 * but only while the queue is unreachable.
 */
#include "config.h"

#include <stdlib.h>

#include "crawler/offline.h"

#define NONE (-1)

struct offline_entry {
	struct queue_item item;
	int64_t due_us;
	int used;
	int chain;		/* next in its hash bucket */
	int older, newer;	/* note order (used entries); newer: the free list's link */
};

struct offline {
	struct offline_entry *e;
	int *bucket;		/* first entry of each hash bucket */
	size_t cap, mask;
	int oldest, newest, free;
};

struct offline *
offline_create(size_t cap)
{
	struct offline *o = calloc(1, sizeof(*o));
	size_t nb = 1;

	if (o == NULL || cap == 0 || cap > INT32_MAX / 4)
		goto fail;
	while (nb < cap * 2)
		nb *= 2;
	if ((o->e = calloc(cap, sizeof(*o->e))) == NULL ||
	    (o->bucket = malloc(nb * sizeof(*o->bucket))) == NULL)
		goto fail;
	for (size_t i = 0; i < nb; i++)
		o->bucket[i] = NONE;
	for (size_t i = 0; i < cap; i++)
		o->e[i].newer = i + 1 < cap ? (int)i + 1 : NONE;
	o->cap = cap;
	o->mask = nb - 1;
	o->oldest = o->newest = NONE;
	o->free = 0;
	return o;
fail:
	if (o != NULL) {
		free(o->e);
		free(o);
	}
	return NULL;
}

void
offline_destroy(struct offline *o)
{
	if (o == NULL)
		return;
	free(o->bucket);
	free(o->e);
	free(o);
}

static size_t
offline_hash(const struct offline *o, int64_t id)
{
	return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ULL) >> 17) & o->mask;
}

/* Unlink used entry I from its bucket and the note order; it is then free to reuse. */
static void
offline_unlink(struct offline *o, int i)
{
	struct offline_entry *x = &o->e[i];
	int *pp = &o->bucket[offline_hash(o, x->item.id)];

	while (*pp != i)
		pp = &o->e[*pp].chain;
	*pp = x->chain;
	if (x->older != NONE)
		o->e[x->older].newer = x->newer;
	else
		o->oldest = x->newer;
	if (x->newer != NONE)
		o->e[x->newer].older = x->older;
	else
		o->newest = x->older;
	x->used = 0;
}

void
offline_note(struct offline *o, const struct queue_item *item, int64_t due_us)
{
	int i = o->bucket[offline_hash(o, item->id)];
	struct offline_entry *x;
	size_t b;

	while (i != NONE && o->e[i].item.id != item->id)
		i = o->e[i].chain;
	if (i != NONE) {
		offline_unlink(o, i);		/* its own entry, noted anew */
	} else if (o->free != NONE) {
		i = o->free;
		o->free = o->e[i].newer;
	} else {
		i = o->oldest;
		offline_unlink(o, i);
	}
	x = &o->e[i];
	x->item = *item;
	x->due_us = due_us;
	x->used = 1;
	b = offline_hash(o, item->id);
	x->chain = o->bucket[b];
	o->bucket[b] = i;
	x->older = o->newest;
	x->newer = NONE;
	if (o->newest != NONE)
		o->e[o->newest].newer = i;
	else
		o->oldest = i;
	o->newest = i;
}

int
offline_take_due(struct offline *o, int64_t now_us, struct queue_item *out)
{
	for (int i = o->oldest; i != NONE; i = o->e[i].newer) {
		struct offline_entry *x = &o->e[i];

		if (x->due_us <= now_us) {
			*out = x->item;
			offline_unlink(o, i);
			x->newer = o->free;
			o->free = i;
			return 1;
		}
	}
	return 0;
}
