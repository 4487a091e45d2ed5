/*
 * fuzz_feed — libFuzzer harness: arbitrary bytes as a feed body through
 * feed_parse() in every format (the first byte picks the format).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/feed_parse.h"
#include "common/name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
accept_name(const char *name, void *arg)
{
	(void)arg;
	if (strlen(name) > NAME_MAX_LEN)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed_parse_opts o = { FEED_DOMAINS, "url", "#" };
	struct feed_stats st;
	FILE *fp;

	if (size == 0)
		return 0;
	o.format = (enum feed_format)(data[0] % (FEED_CSV + 1));
	if (data[0] & 0x80)
		o.column = "2";
	fp = fmemopen((void *)(data + 1), size - 1 > 0 ? size - 1 : 1, "r");
	if (fp == NULL)
		return 0;
	feed_parse(&o, fp, accept_name, NULL, &st);
	fclose(fp);
	return 0;
}
