/*
 * rpz — Response Policy Zone text: policy parsing and the records. The
 * actions are the RPZ encodings (draft-vixie-dnsop-dns-rpz): CNAME . is
 * NXDOMAIN, CNAME *. is NODATA, CNAME rpz-drop. drops the query, CNAME
 * NAME answers with a sinkhole name.
 *
 * The check re-reads what was written rather than trusting the writer: a
 * zone the resolver refuses stops the resolver (Unbound: "auth_zones could
 * not be setup"), so it must never be published, and comparing what ldns
 * loaded with what was meant also catches a record line smuggled in.
 */
#include "config.h"

#include <ldns/ldns.h>
#include <stdint.h>
#include <string.h>

#include "report/rpz.h"

/*
 * A zone or sinkhole name follows the rules of a tracked name, except that
 * it may be one label (a BIND-style zone "rpz", a target "rpz-passthru."):
 * such a name is checked as LABEL.invalid and the suffix dropped.
 */
enum name_status
rpz_name(const char *s, char *out)
{
	char buf[NAME_BUFSZ], two[NAME_BUFSZ + 16];
	size_t n = strlen(s);
	enum name_status st = name_normalise(s, n, buf);

	if (st == NAME_SINGLE_LABEL && n < NAME_BUFSZ) {
		snprintf(two, sizeof(two), "%.*s.invalid", (int)(n > 1 && s[n - 1] == '.' ? n - 1 : n), s);
		if ((st = name_normalise(two, strlen(two), buf)) == NAME_OK)
			buf[strlen(buf) - strlen(".invalid")] = '\0';
	}
	if (st == NAME_OK)
		snprintf(out, RPZ_NAME_BUFSZ, "%s.", buf);
	return st;
}

int
rpz_policy_parse(const char *s, struct rpz_policy *p, char *err, size_t errlen)
{
	enum name_status st;

	memset(p, 0, sizeof(*p));
	if (strcmp(s, "nxdomain") == 0) {
		p->action = RPZ_NXDOMAIN;
	} else if (strcmp(s, "nodata") == 0) {
		p->action = RPZ_NODATA;
	} else if (strcmp(s, "drop") == 0) {
		p->action = RPZ_DROP;
	} else if (strncmp(s, "cname:", 6) == 0) {
		p->action = RPZ_CNAME;
		if ((st = rpz_name(s + 6, p->target)) != NAME_OK) {
			snprintf(err, errlen, "cname: the sinkhole name is not a domain name: %s",
			    name_strerror(st));
			return -1;
		}
	} else {
		snprintf(err, errlen, "\"%s\": use nxdomain, nodata, drop or cname:SINKHOLE-NAME", s);
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

int
rpz_write_domain(FILE *out, const struct rpz_zone *z, const char *domain)
{
	static const char *const rdata[] = { ".", "*.", "rpz-drop." };
	const char *target = z->policy.action == RPZ_CNAME ? z->policy.target :
	    rdata[z->policy.action];

	/* "*." DOMAIN "." ORIGIN without its final dot: at most 253 octets of text */
	if (strlen(domain) + strlen(z->origin) + 2 > NAME_MAX_LEN)
		return -1;
	fprintf(out, "%s CNAME %s\n*.%s CNAME %s\n", domain, target, domain, target);
	return 0;
}

/* RR inside ORIGIN with TTL: 0, or -1 with err. */
static int
rpz_check_rr(const ldns_rr *rr, const ldns_rdf *origin, long ttl, char *err, size_t errlen)
{
	const ldns_rdf *owner = ldns_rr_owner(rr);

	if (ldns_dname_compare(owner, origin) != 0 && !ldns_dname_is_subdomain(owner, origin)) {
		snprintf(err, errlen, "a record outside the zone");
		return -1;
	}
	if ((long)ldns_rr_ttl(rr) != ttl) {
		snprintf(err, errlen, "a record with TTL %lu, not %ld", (unsigned long)ldns_rr_ttl(rr),
		    ttl);
		return -1;
	}
	return 0;
}

/* The loaded ZONE against what Z and NDOMAINS say was written: 0, or -1 with err. */
static int
rpz_check_loaded(const ldns_zone *zone, const ldns_rdf *origin, const struct rpz_zone *z,
    size_t ndomains, char *err, size_t errlen)
{
	const ldns_rr *soa = ldns_zone_soa(zone);
	const ldns_rr_list *rrs = ldns_zone_rrs(zone);
	size_t n = ldns_rr_list_rr_count(rrs);

	if (soa == NULL || ldns_dname_compare(ldns_rr_owner(soa), origin) != 0) {
		snprintf(err, errlen, "no SOA at the zone's name");
		return -1;
	}
	if (z->serial > UINT32_MAX || ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)) != z->serial) {
		snprintf(err, errlen, "SOA serial %llu loaded as %lu (at most 2^32-1)", z->serial,
		    (unsigned long)ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)));
		return -1;
	}
	if (n != 1 + 2 * ndomains) {
		snprintf(err, errlen, "%zu records loaded, %zu written", n + 1, 2 + 2 * ndomains);
		return -1;
	}
	if (rpz_check_rr(soa, origin, z->ttl, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (rpz_check_rr(ldns_rr_list_rr(rrs, i), origin, z->ttl, err, errlen) != 0)
			return -1;
	return 0;
}

/*
 * Read FP as a zone file into a new *zone, record by record as
 * ldns_zone_new_frm_fp_l() does; that function leaks the records it has
 * read when a later line fails, and a failing zone is what the check is
 * for. $INCLUDE is an error (fluxwatch never writes one).
 */
static ldns_status
rpz_load(FILE *fp, const ldns_rdf *origin, uint32_t ttl, ldns_zone **out, int *line)
{
	ldns_zone *zone = ldns_zone_new();
	ldns_rdf *cur = ldns_rdf_clone(origin), *prev = NULL;
	ldns_status st = zone != NULL && cur != NULL ? LDNS_STATUS_OK : LDNS_STATUS_MEM_ERR;

	while (st == LDNS_STATUS_OK && !feof(fp)) {
		ldns_rr *rr = NULL;

		st = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &cur, &prev, line);
		if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
		    st == LDNS_STATUS_SYNTAX_ORIGIN)
			st = LDNS_STATUS_OK;
		else if (st == LDNS_STATUS_OK && ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA &&
		    ldns_zone_soa(zone) == NULL)
			ldns_zone_set_soa(zone, rr);
		else if (st == LDNS_STATUS_OK && !ldns_zone_push_rr(zone, rr)) {
			ldns_rr_free(rr);
			st = LDNS_STATUS_MEM_ERR;
		}
	}
	ldns_rdf_deep_free(cur);
	ldns_rdf_deep_free(prev);
	if (st != LDNS_STATUS_OK && zone != NULL) {
		ldns_zone_deep_free(zone);
		zone = NULL;
	}
	*out = zone;
	return st;
}

int
rpz_check(const char *text, size_t len, const struct rpz_zone *z, size_t ndomains,
    char *err, size_t errlen)
{
	ldns_rdf *origin = ldns_dname_new_frm_str(z->origin);
	FILE *fp = len > 0 ? fmemopen((void *)text, len, "r") : NULL;
	ldns_zone *zone = NULL;
	ldns_status st;
	int line = 0, rc = -1;

	if (origin == NULL || fp == NULL) {
		snprintf(err, errlen, origin == NULL ? "the zone name is not a domain name" :
		    "the zone is empty");
		goto done;
	}
	st = rpz_load(fp, origin, (uint32_t)z->ttl, &zone, &line);
	if (st != LDNS_STATUS_OK)
		snprintf(err, errlen, "line %d: %s", line, ldns_get_errorstr_by_id(st));
	else
		rc = rpz_check_loaded(zone, origin, z, ndomains, err, errlen);
done:
	if (fp != NULL)
		fclose(fp);
	if (zone != NULL)
		ldns_zone_deep_free(zone);
	if (origin != NULL)
		ldns_rdf_deep_free(origin);
	return rc;
}
