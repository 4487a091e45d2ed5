/*
 * name — seed and feed entries (URLs, hosts-file lines) into trackable
 * names; the name rules themselves are common/name.
 */
#include "config.h"

#include <string.h>

#include "scheduler/name.h"

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
