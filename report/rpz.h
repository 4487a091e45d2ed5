/*
 * rpz — Response Policy Zone text (the RPZ format Unbound, BIND and
 * PowerDNS Recursor load) for a list of domains: SOA and NS header, then
 * for each domain a QNAME trigger for the name and for its subdomains.
 */
#ifndef FW_RPZ_H
#define FW_RPZ_H

#include <stddef.h>
#include <stdio.h>

enum rpz_action { RPZ_NXDOMAIN, RPZ_NODATA, RPZ_DROP, RPZ_CNAME };

struct rpz_policy {
	enum rpz_action action;
	char target[256];	/* RPZ_CNAME: the sinkhole name, absolute (trailing dot) */
};

/*
 * Parse "nxdomain", "nodata", "drop" or "cname:NAME" into P. 0, or -1 with
 * err naming what is accepted.
 */
int rpz_policy_parse(const char *s, struct rpz_policy *p, char *err, size_t errlen);

struct rpz_zone {
	const char *origin;	/* zone name, absolute (trailing dot) */
	unsigned long long serial;
	long ttl;		/* seconds, for every record and the SOA minimum */
	struct rpz_policy policy;
};

/* Header: $ORIGIN, $TTL, SOA and NS. */
void rpz_write_header(FILE *out, const struct rpz_zone *z);

/* The triggers for one domain (DNS name, no trailing dot). */
void rpz_write_domain(FILE *out, const struct rpz_zone *z, const char *domain);

#endif
