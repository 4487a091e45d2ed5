/*
 * replace — the checks a table replacement must pass before it commits:
 * every file has valid rows and few bad lines, and the result is not much
 * smaller than what it replaces.
 */
#include "config.h"

#include <stdio.h>

#include "common/replace.h"

int
replace_file_check(const struct replace_file *f, char *why, size_t whylen)
{
	if (f->rows == 0) {
		if (f->first_bad > 0)
			snprintf(why, whylen, "no valid line (%lld bad, the first at line %ld)",
			    f->bad, f->first_bad);
		else
			snprintf(why, whylen, "no valid line (the file is empty)");
		return -1;
	}
	if (f->bad * 100 > f->lines * REPLACE_BAD_PERCENT) {
		snprintf(why, whylen, "%lld of %lld lines bad (the first at line %ld), over "
		    "the %d %% limit", f->bad, f->lines, f->first_bad, REPLACE_BAD_PERCENT);
		return -1;
	}
	return 0;
}

int
replace_size_check(long long old_rows, long long new_rows, int force, char *why, size_t whylen)
{
	if (force || new_rows * 100 >= old_rows * REPLACE_MIN_PERCENT)
		return 0;
	snprintf(why, whylen, "%lld rows would replace %lld, less than %d %% of them "
	    "(--force replaces anyway)", new_rows, old_rows, REPLACE_MIN_PERCENT);
	return -1;
}
