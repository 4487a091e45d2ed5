/*
 * lines — bounded line reader over stdio.
 */
#include "config.h"

#include <stdlib.h>

#include "common/lines.h"

int
lines_init(struct lines *ln, FILE *fp, size_t max)
{
	ln->fp = fp;
	ln->max = max;
	ln->lineno = 0;
	ln->buf = malloc(max + 1);
	return ln->buf != NULL ? 0 : -1;
}

void
lines_free(struct lines *ln)
{
	free(ln->buf);
	ln->buf = NULL;
}

int
lines_next(struct lines *ln, size_t *len)
{
	size_t n = 0;
	int c, over = 0;

	while ((c = getc_unlocked(ln->fp)) != EOF && c != '\n') {
		if (n < ln->max)
			ln->buf[n++] = (char)c;
		else
			over = 1;
	}
	if (c == EOF && n == 0 && !over)
		return ferror(ln->fp) ? -1 : 0;
	ln->lineno++;
	if (over)
		return 2;
	if (n > 0 && ln->buf[n - 1] == '\r')
		n--;
	ln->buf[n] = '\0';
	*len = n;
	return 1;
}
