/*
 * rpz — Response Policy Zone text: policy parsing and the records. The
 * actions are the RPZ encodings (draft-vixie-dnsop-dns-rpz): CNAME . is
 * NXDOMAIN, CNAME *. is NODATA, CNAME rpz-drop. drops the query, CNAME
 * NAME answers with a sinkhole name.
 */
#include "config.h"

#include <string.h>

#include "report/rpz.h"

int
rpz_policy_parse(const char *s, struct rpz_policy *p, char *err, size_t errlen)
{
	size_t n;

	memset(p, 0, sizeof(*p));
	if (strcmp(s, "nxdomain") == 0) {
		p->action = RPZ_NXDOMAIN;
	} else if (strcmp(s, "nodata") == 0) {
		p->action = RPZ_NODATA;
	} else if (strcmp(s, "drop") == 0) {
		p->action = RPZ_DROP;
	} else if (strncmp(s, "cname:", 6) == 0 && (n = strlen(s + 6)) > 0 &&
	    n + 2 <= sizeof(p->target) && strspn(s + 6, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._") == n && s[6] != '.' &&
	    strstr(s + 6, "..") == NULL) {
		p->action = RPZ_CNAME;
		memcpy(p->target, s + 6, n + 1);
		if (p->target[n - 1] != '.')
			memcpy(p->target + n, ".", 2);
	} else {
		snprintf(err, errlen, "policy \"%s\": use nxdomain, nodata, drop or cname:SINKHOLE-NAME", s);
		return -1;
	}
	return 0;
}

void
rpz_write_header(FILE *out, const struct rpz_zone *z)
{
	fprintf(out, "; fluxwatch response policy zone\n$ORIGIN %s\n$TTL %ld\n", z->origin, z->ttl);
	fprintf(out, "@ SOA localhost. hostmaster.localhost. %llu 3600 600 604800 %ld\n",
	    z->serial, z->ttl);
	fputs("@ NS localhost.\n", out);
}

void
rpz_write_domain(FILE *out, const struct rpz_zone *z, const char *domain)
{
	static const char *const rdata[] = { ".", "*.", "rpz-drop." };
	const char *target = z->policy.action == RPZ_CNAME ? z->policy.target :
	    rdata[z->policy.action];

	fprintf(out, "%s CNAME %s\n*.%s CNAME %s\n", domain, target, domain, target);
}
