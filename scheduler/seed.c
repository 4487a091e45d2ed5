/*
 * seed — seed-list parsing on top of the bounded line reader and the name
 * normaliser.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/lines.h"
#include "common/name.h"
#include "scheduler/seed.h"

int
seed_read(FILE *fp, const char *file, const struct seed_sink *sink, struct seed_stats *stats)
{
	char name[NAME_BUFSZ];
	struct lines ln;
	size_t len;
	int r, rc = 0;

	memset(stats, 0, sizeof(*stats));
	if (lines_init(&ln, fp, NAME_ENTRY_MAX) != 0) {
		errno = ENOMEM;
		return -1;
	}
	while ((r = lines_next(&ln, &len)) != 0) {
		enum name_status st;

		if (r < 0) {
			rc = -1;
			break;
		}
		stats->lines++;
		st = r == 2 ? NAME_TOO_LONG : name_from_entry(ln.buf, len, name);
		if (st == NAME_EMPTY)
			continue;
		if (st != NAME_OK) {
			stats->rejected++;
			sink->reject(file, ln.lineno, st, sink->arg);
			continue;
		}
		stats->names++;
		if ((rc = sink->accept(name, sink->arg)) != 0)
			break;
	}
	lines_free(&ln);
	return rc;
}
