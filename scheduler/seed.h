/*
 * seed — read a researcher's seed list: one entry per line (a domain, a URL
 * or a hosts-file line), "#" comments and blank lines skipped.
 *
 * seed_read() only parses; the caller decides what to do with each accepted
 * name (the seed verb streams them into a store import) and each rejected
 * line (reported as "FILE:LINE: reason"). Reading goes on past bad lines.
 */
#ifndef FW_SEED_H
#define FW_SEED_H

#include <stdio.h>

#include "common/name.h"

struct seed_stats {
	long long lines;
	long long names;	/* accepted */
	long long rejected;
};

struct seed_sink {
	/* Called with each normalised name; non-zero stops reading. */
	int (*accept)(const char *name, void *arg);
	/* Called for each rejected line (LINE is 1-based) with the reason. */
	void (*reject)(const char *file, long line, enum name_status st, void *arg);
	void *arg;
};

/*
 * Read FP (named FILE in messages) to its end. Returns 0, -1 on a read
 * error (errno set), or the accept callback's non-zero value.
 */
int seed_read(FILE *fp, const char *file, const struct seed_sink *sink,
    struct seed_stats *stats);

#endif
