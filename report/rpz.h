/*
 * rpz — Response Policy Zone text (the RPZ format Unbound, BIND and
 * PowerDNS Recursor load) for a list of domains: SOA and NS header, then
 * for each domain a QNAME trigger for the name and for its subdomains.
 *
 * Every name written passes the rules of common/name, every TTL is within
 * RFC 2181's 2^31-1 seconds, and rpz_check() loads the finished text with
 * ldns's zone parser, as a resolver would, before anyone is given it.
 */
#ifndef FW_RPZ_H
#define FW_RPZ_H

#include <stddef.h>
#include <stdio.h>

#include "common/name.h"

#define RPZ_NAME_BUFSZ (NAME_BUFSZ + 1)	/* a name with its trailing dot */
#define RPZ_TTL_MAX 2147483647L		/* RFC 2181, section 8 */

enum rpz_action { RPZ_NXDOMAIN, RPZ_NODATA, RPZ_DROP, RPZ_CNAME };

struct rpz_policy {
	enum rpz_action action;
	char target[RPZ_NAME_BUFSZ];	/* RPZ_CNAME: the sinkhole name, absolute */
};

/*
 * Parse "nxdomain", "nodata", "drop" or "cname:NAME" (NAME a valid domain
 * name) into P. 0, or -1 with err saying what is wrong or accepted.
 */
int rpz_policy_parse(const char *s, struct rpz_policy *p, char *err, size_t errlen);

/*
 * Normalise the domain name S (common/name rules, one trailing dot
 * allowed) into out[RPZ_NAME_BUFSZ], absolute (with a trailing dot).
 * NAME_OK or the reason it is not a name.
 */
enum name_status rpz_name(const char *s, char *out);

struct rpz_zone {
	const char *origin;	/* zone name, absolute (trailing dot), from rpz_name() */
	unsigned long long serial;	/* at most 2^32-1 */
	long ttl;		/* seconds, 1..RPZ_TTL_MAX, every record and the SOA minimum */
	struct rpz_policy policy;
};

/* Header: $ORIGIN, $TTL, SOA and NS. */
void rpz_write_header(FILE *out, const struct rpz_zone *z);

/*
 * The triggers for one domain (DNS name, no trailing dot): 0, or -1 (and
 * nothing written) when "*.DOMAIN.ORIGIN" would pass 255 octets, so the
 * domain cannot be in this zone.
 */
int rpz_write_domain(FILE *out, const struct rpz_zone *z, const char *domain);

/*
 * Load TEXT (LEN octets), a zone written for Z with NDOMAINS domains, with
 * ldns's zone parser: it must parse, have its SOA at the origin with Z's
 * serial, and hold the SOA, the NS and two records per domain, no more,
 * all inside the zone with Z's TTL. 0, or -1 with err ("line N: ...").
 */
int rpz_check(const char *text, size_t len, const struct rpz_zone *z, size_t ndomains,
    char *err, size_t errlen);

#endif
