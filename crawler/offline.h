/*
 * offline — what the crawler can still measure while PostgreSQL is away.
 *
 * A bounded ring of the domains this crawler visited most recently, each
 * with the time its next visit is due (by the same revisit rule as the
 * queue). When claiming from the queue fails, the engine revisits these, so
 * measuring goes on into the writer's bounded buffer during an outage; the
 * queue takes over again once it answers. The oldest entries are
 * overwritten: memory is fixed at creation.
 */
#ifndef FW_OFFLINE_H
#define FW_OFFLINE_H

#include <stddef.h>
#include <stdint.h>

#include "storage/queue.h"

struct offline;

/* A ring of CAP domains. NULL on malloc failure. */
struct offline *offline_create(size_t cap);
void offline_destroy(struct offline *o);

/* Remember ITEM, due again at DUE_US (CLOCK_MONOTONIC). */
void offline_note(struct offline *o, const struct queue_item *item, int64_t due_us);

/* Take one remembered domain that is due at NOW_US into *out: 1, or 0 when none. */
int offline_take_due(struct offline *o, int64_t now_us, struct queue_item *out);

#endif
