/*
 * out — where a verb's output goes: stdout, or a file replaced atomically
 * (written beside it, then renamed), so a reader such as a resolver loading
 * an RPZ file or a cron job never sees half an export. out_run() is the
 * whole of an output verb's I/O: the database, the output, their errors.
 */
#ifndef FW_OUT_H
#define FW_OUT_H

#include <stddef.h>
#include <stdio.h>

struct wstream;

struct out {
	FILE *fp;
	char *path;	/* NULL: stdout */
	char *tmp;
	struct wstream *w;	/* the file's stream (NULL: stdout) */
};

/* Open PATH (NULL or "-": stdout). 0, or -1 with err. */
int out_open(struct out *o, const char *path, char *err, size_t errlen);

/*
 * Finish: on success (OK) flush, fsync and rename into place; else remove
 * the partial file. 0, or -1 with err (the system's error of the first
 * write that failed) when writing failed. Standard output is only flushed:
 * main() closes it and reports its errors, for every verb.
 */
int out_close(struct out *o, int ok, char *err, size_t errlen);

struct cfg;
struct store;

/* Writes the output to FP from the database ST: 0, or -1 with err. */
typedef int (*out_write_fn)(FILE *fp, struct store *st, const void *arg, char *err,
    size_t errlen);

/*
 * Connect to the database of CFG, open PATH (as out_open), WRITE(.., ARG)
 * into it and close both; every error is logged after WHAT ("export csv").
 * A CLI status: CLI_OK, or CLI_RUNTIME (a partial file is removed).
 */
int out_run(const struct cfg *cfg, const char *path, const char *what, out_write_fn write,
    const void *arg);

#endif
