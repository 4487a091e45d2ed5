/*
 * name — the rules for a domain name fluxwatch tracks or writes.
 *
 * A name is normalised to lower-case ASCII without a trailing dot, IDNs
 * converted to punycode (libidn2, UTS #46 non-transitional), with RFC 1035
 * lengths checked (label <= 63, name <= 253 octets), letters, digits,
 * hyphens and underscores only, at least two labels, a non-numeric
 * top-level label. IP literals are told apart from names.
 *
 * Nothing is allocated: results go into a caller buffer of NAME_BUFSZ.
 */
#ifndef FW_COMMON_NAME_H
#define FW_COMMON_NAME_H

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
 * out[NAME_BUFSZ]. The input may contain any bytes, including NUL; one
 * trailing dot is dropped.
 */
enum name_status name_normalise(const char *host, size_t len, char *out);

#endif
