/*
 * out — where a verb's output goes: stdout, or a file replaced atomically
 * (written beside it, then renamed), so a reader such as a resolver loading
 * an RPZ file or a cron job never sees half an export.
 */
#ifndef FW_OUT_H
#define FW_OUT_H

#include <stddef.h>
#include <stdio.h>

struct out {
	FILE *fp;
	char *path;	/* NULL: stdout */
	char *tmp;
};

/* Open PATH (NULL or "-": stdout). 0, or -1 with err. */
int out_open(struct out *o, const char *path, char *err, size_t errlen);

/* Finish: on success (ok) flush and rename into place; else remove the
 * partial file. 0, or -1 with err when writing failed. */
int out_close(struct out *o, int ok, char *err, size_t errlen);

#endif
