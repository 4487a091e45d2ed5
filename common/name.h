/*
 * name — turn one entry of a seed list or feed into a domain name to track.
 *
 * An entry is a bare name, a URL (the host is taken), or the name part of a
 * hosts-file line. The result is lower-case ASCII without a trailing dot,
 * IDNs converted to punycode (libidn2, UTS #46 non-transitional), "xn--"
 * labels checked to decode and re-encode to themselves (invalid punycode is
 * NAME_BAD_IDN), with RFC 1035 lengths checked (label <= 63, name <= 253 octets). IP literals
 * and names that cannot be tracked are rejected with a reason.
 *
 * Nothing is allocated: results go into a caller buffer of NAME_BUFSZ.
 */
#ifndef FW_NAME_H
#define FW_NAME_H

#include <stddef.h>

#define NAME_MAX_LEN 253
#define NAME_BUFSZ (NAME_MAX_LEN + 1)
#define NAME_ENTRY_MAX 4096	/* longest entry (line) looked at */

enum name_status {
	NAME_OK = 0,
	NAME_EMPTY,		/* blank or comment: not an error */
	NAME_IP_LITERAL,
	NAME_TOO_LONG,
	NAME_LABEL_TOO_LONG,
	NAME_EMPTY_LABEL,
	NAME_BAD_CHAR,
	NAME_BAD_HYPHEN,
	NAME_SINGLE_LABEL,
	NAME_NUMERIC_TLD,
	NAME_BAD_IDN,
	NAME_BAD_URL
};

/* A short English reason for a status ("IP literal", ...). */
const char *name_strerror(enum name_status st);

/* 1 when the NUL-terminated S is an IPv4 or IPv6 address literal. */
int name_is_ip(const char *s);

/*
 * Normalise a host name (no URL or hosts-line handling) of LEN octets into
 * out[NAME_BUFSZ]. The input may contain any bytes, including NUL.
 */
enum name_status name_normalise(const char *host, size_t len, char *out);

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
