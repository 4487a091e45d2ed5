/*
 * name — the rules a domain name must pass to be tracked or written: one
 * copy, used by the scheduler (seed and feed entries) and by the outputs
 * (RPZ zone and sinkhole names).
 *
 * The checks run on the ASCII (punycode) form, so "label <= 63 octets" means
 * what it means on the wire. Underscores are accepted: real feeds list hosts
 * such as "sign_in-x.workers.dev" and resolvers answer for them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "common/name.h"

const char *
name_strerror(enum name_status st)
{
	switch (st) {
	case NAME_OK: return "ok";
	case NAME_EMPTY: return "empty entry";
	case NAME_IP_LITERAL: return "IP literal, not a domain name";
	case NAME_TOO_LONG: return "name longer than 253 octets";
	case NAME_LABEL_TOO_LONG: return "label longer than 63 octets";
	case NAME_EMPTY_LABEL: return "empty label";
	case NAME_BAD_CHAR: return "character not allowed in a host name";
	case NAME_BAD_HYPHEN: return "label starts or ends with a hyphen";
	case NAME_SINGLE_LABEL: return "single-label name";
	case NAME_NUMERIC_TLD: return "numeric top-level label";
	case NAME_BAD_IDN: return "invalid internationalised name";
	case NAME_BAD_URL: return "URL without a host";
	}
	return "unknown error";
}

int
name_is_ip(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static int
name_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Check the lower-case ASCII name S (no trailing dot) label by label. */
static enum name_status
name_check_labels(const char *s)
{
	const char *label = s, *p;
	size_t labels = 0, digits_only = 0;

	if (strlen(s) > NAME_MAX_LEN)
		return NAME_TOO_LONG;
	for (;;) {
		size_t n;

		p = strchr(label, '.');
		n = p != NULL ? (size_t)(p - label) : strlen(label);
		if (n == 0)
			return NAME_EMPTY_LABEL;
		if (n > 63)
			return NAME_LABEL_TOO_LONG;
		digits_only = 1;
		for (size_t i = 0; i < n; i++) {
			if (!name_ldh((unsigned char)label[i]))
				return NAME_BAD_CHAR;
			if (label[i] < '0' || label[i] > '9')
				digits_only = 0;
		}
		if (label[0] == '-' || label[n - 1] == '-')
			return NAME_BAD_HYPHEN;
		labels++;
		if (p == NULL)
			break;
		label = p + 1;
	}
	if (labels < 2)
		return NAME_SINGLE_LABEL;
	return digits_only ? NAME_NUMERIC_TLD : NAME_OK;
}

/* Convert a name with non-ASCII octets to punycode in place (buf holds NAME_ENTRY_MAX+1). */
static enum name_status
name_to_ascii(char *buf)
{
	char *ascii = NULL;
	size_t n;

	if (idn2_to_ascii_8z(buf, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
		return NAME_BAD_IDN;
	n = strlen(ascii);
	if (n > NAME_ENTRY_MAX) {
		idn2_free(ascii);
		return NAME_TOO_LONG;
	}
	memcpy(buf, ascii, n + 1);
	idn2_free(ascii);
	return NAME_OK;
}

enum name_status
name_normalise(const char *host, size_t len, char *out)
{
	char buf[NAME_ENTRY_MAX + 1];
	int non_ascii = 0;
	enum name_status st;

	if (len == 0)
		return NAME_EMPTY;
	if (len > NAME_ENTRY_MAX)
		return NAME_TOO_LONG;
	if (memchr(host, '\0', len) != NULL)
		return NAME_BAD_CHAR;
	memcpy(buf, host, len);
	buf[len] = '\0';
	if (buf[0] == '[' && buf[len - 1] == ']') {
		buf[len - 1] = '\0';
		return name_is_ip(buf + 1) ? NAME_IP_LITERAL : NAME_BAD_CHAR;
	}
	if (len > 1 && buf[len - 1] == '.')
		buf[--len] = '\0';
	if (name_is_ip(buf))
		return NAME_IP_LITERAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x80)
			non_ascii = 1;
		else if (c >= 'A' && c <= 'Z')
			buf[i] = (char)(c - 'A' + 'a');
	}
	if (non_ascii && (st = name_to_ascii(buf)) != NAME_OK)
		return st;
	if ((st = name_check_labels(buf)) != NAME_OK)
		return st;
	memcpy(out, buf, strlen(buf) + 1);
	return NAME_OK;
}

