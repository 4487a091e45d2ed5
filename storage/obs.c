/*
 * obs — single-allocation observation records. The string area follows
 * the record array; obs_strdup() appends to it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "storage/obs.h"

struct obs_alloc {
	size_t used;
	size_t size;
};

/* The allocation bookkeeping sits after the record array, before the strings. */
static struct obs_alloc *
obs_area(struct obs *o, size_t cap_rr)
{
	return (struct obs_alloc *)(void *)((char *)o + sizeof(*o) + cap_rr * sizeof(struct obs_rr));
}

struct obs *
obs_create(size_t n_rr, size_t strbytes)
{
	struct obs *o = calloc(1, sizeof(*o) + n_rr * sizeof(struct obs_rr) +
	    sizeof(struct obs_alloc) + strbytes);
	struct obs_alloc *a;

	if (o == NULL)
		return NULL;
	o->n_rr = n_rr;
	a = obs_area(o, n_rr);
	a->size = strbytes;
	return o;
}

const char *
obs_strdup(struct obs *o, const char *s)
{
	struct obs_alloc *a = obs_area(o, o->n_rr);
	char *dst = (char *)(a + 1) + a->used;
	size_t n = strlen(s) + 1;

	if (a->used + n > a->size)
		return NULL;
	memcpy(dst, s, n);
	a->used += n;
	return dst;
}

void
obs_free(struct obs *o)
{
	free(o);
}
