/*
 * name — turn one entry of a seed list or feed into a domain name to track.
 *
 * An entry is a bare name, a URL (the host is taken), or the name part of a
 * hosts-file line. The name itself must pass the rules of common/name
 * (name_normalise); IP literals and names that cannot be tracked are
 * rejected with a reason.
 *
 * Nothing is allocated: results go into a caller buffer of NAME_BUFSZ.
 */
#ifndef FW_NAME_H
#define FW_NAME_H

#include <stddef.h>

#include "common/name.h"

/*
 * Extract the host of a URL ("scheme://user@host:port/path") or of a bare
 * "host/path"; the result points into URL. Returns NAME_OK, or
 * NAME_BAD_URL when there is no host.
 */
enum name_status name_url_host(const char *url, size_t len, const char **host,
    size_t *hostlen);

/*
 * Normalise one seed-list entry: strips "#" comments and blanks, takes the
 * host of a URL, and the name of a hosts-file line ("0.0.0.0 name").
 * Returns NAME_EMPTY for a line with nothing to track.
 */
enum name_status name_from_entry(const char *line, size_t len, char *out);

#endif
