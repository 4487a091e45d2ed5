/*
 * url — the form of a URL that may be stored and printed: credentials
 * masked. The real URL stays in the configuration only.
 *
 * Masked: the userinfo ("https://user:pw@host" -> "https://user:***@host";
 * a user alone, often a token, -> "***@host") and the values of
 * query parameters whose names look secret (containing key, token, secret,
 * pass, auth, sig, session or credential, in any case: "?apikey=***").
 * Secrets elsewhere in a path cannot be recognised and are not masked.
 */
#ifndef FW_URL_H
#define FW_URL_H

/* The masked form of URL, malloc'ed (the caller frees it); NULL when out of memory. */
char *url_mask(const char *url);

#endif
