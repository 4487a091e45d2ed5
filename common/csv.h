/*
 * csv — split one line of comma-separated values in place.
 *
 * Handles the quirks of real feeds: fields quoted or not, "" inside quotes
 * for a quote, and ", " separators (spaces after a comma before a quoted
 * field, as ThreatFox writes). Records spanning lines are not joined: feed
 * formats fluxwatch reads keep one record per line.
 */
#ifndef FW_CSV_H
#define FW_CSV_H

#include <stddef.h>
#include <stdio.h>

/*
 * Split LINE (NUL-terminated, modified in place) into at most MAX fields.
 * Returns the number of fields found (fields past MAX are counted but not
 * stored), or -1 for an unterminated quote.
 */
int csv_split(char *line, char **fields, int max);

/* Write one field, quoted when it needs to be; LAST ends the record. */
void csv_write_field(FILE *out, const char *field, int last);

#endif
