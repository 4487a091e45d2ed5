/*
 * name — normalisation of seed and feed entries into trackable names.
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

/*
 * An A-label ("xn--...", LEN octets) is valid when it decodes and encodes
 * back to itself: "xn--zz" is not punycode, "xn--ls8h" decodes to a code
 * point IDNA2008 disallows (the same name typed in Unicode is refused too).
 */
static int
name_alabel_ok(const char *label, size_t len)
{
	char a[64], *u = NULL, *back = NULL;
	int ok;

	if (len >= sizeof(a))
		return 0;
	memcpy(a, label, len);
	a[len] = '\0';
	ok = idn2_to_unicode_8z8z(a, &u, 0) == IDN2_OK &&
	    idn2_to_ascii_8z(u, &back, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) == IDN2_OK &&
	    strcmp(back, a) == 0;
	idn2_free(u);
	idn2_free(back);
	return ok;
}

/* Every "xn--" label of the lower-case name S must be a valid A-label. */
static enum name_status
name_check_alabels(const char *s)
{
	for (const char *label = s; label != NULL; ) {
		const char *dot = strchr(label, '.');
		size_t n = dot != NULL ? (size_t)(dot - label) : strlen(label);

		if (n >= 4 && memcmp(label, "xn--", 4) == 0 && !name_alabel_ok(label, n))
			return NAME_BAD_IDN;
		label = dot != NULL ? dot + 1 : NULL;
	}
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
	if ((st = name_check_labels(buf)) != NAME_OK || (st = name_check_alabels(buf)) != NAME_OK)
		return st;
	memcpy(out, buf, strlen(buf) + 1);
	return NAME_OK;
}

enum name_status
name_url_host(const char *url, size_t len, const char **host, size_t *hostlen)
{
	const char *p = url, *end = url + len, *start, *q;

	for (q = url; q + 2 < end && *q != '/'; q++) {
		if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
			p = q + 3;
			break;
		}
	}
	start = p;
	while (p < end && *p != '/' && *p != '?' && *p != '#' && *p != '\\')
		p++;
	end = p;
	for (q = end; q > start; q--) {
		if (q[-1] == '@') {
			start = q;
			break;
		}
	}
	if (start < end && *start == '[') {
		q = memchr(start, ']', (size_t)(end - start));
		end = q != NULL ? q + 1 : end;
	} else if ((q = memchr(start, ':', (size_t)(end - start))) != NULL) {
		end = q;
	}
	if (start == end)
		return NAME_BAD_URL;
	*host = start;
	*hostlen = (size_t)(end - start);
	return NAME_OK;
}

static int
name_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Length of the token at p (up to whitespace or end). */
static size_t
name_token(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && !name_space(*q))
		q++;
	return (size_t)(q - p);
}

enum name_status
name_from_entry(const char *line, size_t len, char *out)
{
	const char *p = line, *end = line + len, *tok, *host;
	char first[64];
	size_t n, hostlen;
	enum name_status st;

	while (p < end && name_space(*p))
		p++;
	for (const char *c = p; c < end; c++) {
		if (*c == '#' && (c == p || name_space(c[-1]))) {
			end = c;
			break;
		}
	}
	while (end > p && name_space(end[-1]))
		end--;
	if (p == end)
		return NAME_EMPTY;
	tok = p;
	n = name_token(p, end);
	if (tok + n < end) {
		/* two or more tokens: only a hosts-file line "ADDRESS NAME" is an entry */
		if (n >= sizeof(first))
			return NAME_BAD_CHAR;
		memcpy(first, tok, n);
		first[n] = '\0';
		if (!name_is_ip(first))
			return NAME_BAD_CHAR;
		tok += n;
		while (tok < end && name_space(*tok))
			tok++;
		n = name_token(tok, end);
	}
	if (memchr(tok, '/', n) != NULL) {
		if ((st = name_url_host(tok, n, &host, &hostlen)) != NAME_OK)
			return st;
		return name_normalise(host, hostlen, out);
	}
	return name_normalise(tok, n, out);
}
