/*
 * url — masking credentials in URLs before they are stored or logged.
 * The output grows by at most 3 octets per masked part ("***" replacing
 * an empty value), so it is sized once from the input.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/url.h"

static const char *const url_secret_words[] = {
	"key", "token", "secret", "pass", "auth", "sig", "session", "credential", NULL
};

/* Whether the query parameter name NAME (LEN octets) looks like it holds a secret. */
static int
url_secret_name(const char *name, size_t len)
{
	for (const char *const *w = url_secret_words; *w != NULL; w++) {
		size_t wl = strlen(*w);

		for (size_t i = 0; i + wl <= len; i++)
			if (strncasecmp(name + i, *w, wl) == 0)
				return 1;
	}
	return 0;
}

struct url_out {
	char *p;
};

static void
url_put(struct url_out *o, const char *s, size_t n)
{
	memcpy(o->p, s, n);
	o->p += n;
}

/* Copy the authority [s, end), its userinfo masked. */
static void
url_authority(struct url_out *o, const char *s, const char *end)
{
	const char *at = NULL, *colon;

	for (const char *q = s; q < end; q++)
		if (*q == '@')
			at = q;
	if (at == NULL) {
		url_put(o, s, (size_t)(end - s));
		return;
	}
	colon = memchr(s, ':', (size_t)(at - s));
	if (colon != NULL)
		url_put(o, s, (size_t)(colon + 1 - s));
	url_put(o, "***", 3);
	url_put(o, at, (size_t)(end - at));
}

/* Copy the query [s, end) (after the "?"), secret-looking values masked. */
static void
url_query(struct url_out *o, const char *s, const char *end)
{
	while (s < end) {
		const char *amp = s, *eq;

		while (amp < end && *amp != '&' && *amp != ';')
			amp++;
		eq = memchr(s, '=', (size_t)(amp - s));
		if (eq != NULL && url_secret_name(s, (size_t)(eq - s))) {
			url_put(o, s, (size_t)(eq + 1 - s));
			url_put(o, "***", 3);
		} else {
			url_put(o, s, (size_t)(amp - s));
		}
		if (amp < end)
			url_put(o, amp, 1);
		s = amp + 1;
	}
}

char *
url_mask(const char *url)
{
	size_t len = strlen(url);
	const char *end = url + len, *auth, *auth_end, *query, *frag;
	char *out = malloc(len * 4 + 8);	/* 3 more per masked part, one part per octet at most */
	struct url_out o = { out };

	if (out == NULL)
		return NULL;
	auth = strstr(url, "://");
	auth = auth != NULL ? auth + 3 : url;
	auth_end = auth + strcspn(auth, "/?#");
	frag = auth_end + strcspn(auth_end, "#");
	query = memchr(auth_end, '?', (size_t)(frag - auth_end));
	url_put(&o, url, (size_t)(auth - url));
	url_authority(&o, auth, auth_end);
	if (query == NULL) {
		url_put(&o, auth_end, (size_t)(end - auth_end));
	} else {
		url_put(&o, auth_end, (size_t)(query + 1 - auth_end));
		url_query(&o, query + 1, frag);
		url_put(&o, frag, (size_t)(end - frag));
	}
	*o.p = '\0';
	return out;
}
