/*
 * csv — in-place field splitting; quotes are removed and "" unescaped by
 * compacting the field over itself.
 */
#include "config.h"

#include <string.h>

#include "common/csv.h"

/* Parse a quoted field starting after the opening quote; returns the char after it. */
static char *
csv_quoted(char *p, char **field)
{
	char *out = p;

	*field = p;
	for (;;) {
		if (*p == '\0')
			return NULL;
		if (*p == '"') {
			if (p[1] != '"')
				break;
			p++;
		}
		*out++ = *p++;
	}
	*out = '\0';
	return p + 1;
}

int
csv_split(char *line, char **fields, int max)
{
	char *p = line;
	int n = 0;

	for (;;) {
		char *field, *next;

		while (n > 0 && *p == ' ')
			p++;
		if (*p == '"') {
			if ((next = csv_quoted(p + 1, &field)) == NULL)
				return -1;
			while (*next == ' ')
				next++;
			p = next;
		} else {
			field = p;
			while (*p != ',' && *p != '\0')
				p++;
		}
		if (n < max)
			fields[n] = field;
		n++;
		if (*p != ',') {
			*p = '\0';
			return n;
		}
		*p++ = '\0';
	}
}

void
csv_write_field(FILE *out, const char *field, int last)
{
	if (strpbrk(field, ",\"\r\n") == NULL) {
		fputs(field, out);
	} else {
		fputc('"', out);
		for (const char *p = field; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		fputc('"', out);
	}
	fputc(last ? '\n' : ',', out);
}
