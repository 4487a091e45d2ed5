/*
 * lines — read a text stream line by line with a hard bound on line length.
 *
 * Lines may hold any octet, NUL included (the length is returned). A line
 * longer than the bound is reported as such and skipped to its end, so a
 * hostile file cannot make the reader allocate without limit.
 */
#ifndef FW_LINES_H
#define FW_LINES_H

#include <stddef.h>
#include <stdio.h>

struct lines {
	FILE *fp;
	char *buf;		/* max + 1 octets, NUL-terminated line */
	size_t max;
	long lineno;		/* 1-based number of the line just read */
};

/* Prepare to read FP with lines of at most MAX octets. 0 or -1 (ENOMEM). */
int lines_init(struct lines *ln, FILE *fp, size_t max);
void lines_free(struct lines *ln);

/*
 * Read the next line without its "\n" (or "\r\n") into ln->buf.
 * Returns 1 with *len set, 0 at end of file, -1 on a read error, and
 * 2 for a line longer than max (skipped; ln->lineno counts it).
 */
int lines_next(struct lines *ln, size_t *len);

#endif
