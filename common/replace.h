/*
 * replace — the rule every "replace a whole table from a file" path follows
 * (asn load, geo load), so that a failed download fed to a loader by cron
 * cannot wipe good data.
 *
 * A file fails when it has no valid row, or when more than
 * REPLACE_BAD_PERCENT % of its data lines (not blank, not comments) are bad.
 * The whole new content fails when it has fewer than REPLACE_MIN_PERCENT %
 * of the rows it replaces, unless forced. The checks are pure: the caller
 * counts, runs them before committing, and rolls back on failure.
 */
#ifndef FW_REPLACE_H
#define FW_REPLACE_H

#include <stddef.h>

#define REPLACE_BAD_PERCENT 1	/* bad data lines a file may hold, percent */
#define REPLACE_MIN_PERCENT 50	/* new rows at least this percent of the old ones */

/* What was read from one file. */
struct replace_file {
	long long lines;	/* data lines: rows + bad */
	long long rows;		/* valid rows */
	long long bad;
	long first_bad;		/* line number of the first bad line, 0 = none */
};

/*
 * 0 when the file may be used; -1 with a reason ("no valid line", "3 of 10
 * lines bad (first at line 2), over the 1 % limit") in why.
 */
int replace_file_check(const struct replace_file *f, char *why, size_t whylen);

/*
 * 0 when NEW_ROWS may replace OLD_ROWS (always when FORCE); -1 with a
 * reason in why when the new content is much smaller.
 */
int replace_size_check(long long old_rows, long long new_rows, int force, char *why,
    size_t whylen);

#endif
