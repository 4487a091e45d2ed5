/*
 * feed_format — format names in the order of enum feed_format.
 */
#include "config.h"

#include <string.h>

#include "common/feed_format.h"

static const char *const feed_formats[] = {
	"domains", "hosts", "urls", "openphish", "urlhaus_csv", "threatfox_csv",
	"phishtank_csv", "csv", NULL
};

int
feed_format_from_name(const char *name)
{
	for (int i = 0; feed_formats[i] != NULL; i++)
		if (strcmp(feed_formats[i], name) == 0)
			return i;
	return -1;
}
