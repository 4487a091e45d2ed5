/*
 * dns — ldns-backed response parsing. ldns allocates each record it reads;
 * everything kept is copied into the caller's struct before it is freed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <ldns/ldns.h>
#include <string.h>

#include "crawler/dns.h"

static int
dns_is_name_type(ldns_rr_type t)
{
	return t == LDNS_RR_TYPE_NS || t == LDNS_RR_TYPE_CNAME || t == LDNS_RR_TYPE_DNAME ||
	    t == LDNS_RR_TYPE_PTR;
}

/*
 * Generic RFC 3597 form "\# LEN HEX" of the record's data: for every type
 * but addresses and names. ldns's own printers are not used on those:
 * fuzzing found that a malformed SVCB/HTTPS record makes
 * ldns_rdf2buffer_str_svcparams() fail an assertion (abort).
 */
static void
dns_rr_generic(const ldns_rr *rr, struct dns_rr *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = 0, pos;

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++)
		len += ldns_rdf_size(ldns_rr_rdf(rr, i));
	pos = (size_t)snprintf(out->data, sizeof(out->data), "\\# %zu ", len);
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *rdf = ldns_rr_rdf(rr, i);
		const uint8_t *d = ldns_rdf_data(rdf);

		for (size_t k = 0; k < ldns_rdf_size(rdf) && pos + 3 < sizeof(out->data); k++) {
			out->data[pos++] = hex[d[k] >> 4];
			out->data[pos++] = hex[d[k] & 15];
		}
	}
	out->data[pos] = '\0';
}

/* A name's presentation form, lower case, without the trailing dot. 0 or -1. */
static int
dns_rr_name(const ldns_rdf *rdf, struct dns_rr *out)
{
	ldns_buffer *buf = ldns_buffer_new(256);
	size_t n;
	int rc = -1;

	if (buf == NULL)
		return -1;
	if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME &&
	    ldns_rdf2buffer_str(buf, rdf) == LDNS_STATUS_OK) {
		n = ldns_buffer_position(buf);
		if (n >= sizeof(out->data))
			n = sizeof(out->data) - 1;
		memcpy(out->data, ldns_buffer_begin(buf), n);
		if (n > 1 && out->data[n - 1] == '.')
			n--;
		out->data[n] = '\0';
		for (char *p = out->data; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		rc = 0;
	}
	ldns_buffer_free(buf);
	return rc;
}

/* Text of the record's data into out->data; 0 or -1. */
static int
dns_rr_data(const ldns_rr *rr, struct dns_rr *out)
{
	const ldns_rdf *rdf = ldns_rr_rdf(rr, 0);

	out->is_addr = 0;
	out->data[0] = '\0';
	if (rdf == NULL)
		return 0;
	if ((out->type == LDNS_RR_TYPE_A && ldns_rdf_size(rdf) == 4) ||
	    (out->type == LDNS_RR_TYPE_AAAA && ldns_rdf_size(rdf) == 16)) {
		out->is_addr = 1;
		return inet_ntop(out->type == LDNS_RR_TYPE_A ? AF_INET : AF_INET6,
		    ldns_rdf_data(rdf), out->data, sizeof(out->data)) != NULL ? 0 : -1;
	}
	if (dns_is_name_type(out->type) && ldns_rr_rd_count(rr) == 1)
		return dns_rr_name(rdf, out);
	dns_rr_generic(rr, out);
	return 0;
}

/*
 * Where the record at POS must end by its RDLENGTH: 0 with *end, or -1.
 * ldns reads fixed-size data (an A record's 4 octets) whatever the length
 * field says and goes on from there, so a record whose data disagrees with
 * its length would be kept, and the records after it read out of step.
 */
static int
dns_rr_end(const unsigned char *buf, size_t len, size_t pos, size_t *end)
{
	ldns_rdf *owner = NULL;

	if (ldns_wire2dname(&owner, buf, len, &pos) != LDNS_STATUS_OK)
		return -1;
	ldns_rdf_deep_free(owner);
	if (pos + 10 > len)
		return -1;
	*end = pos + 10 + ((size_t)buf[pos + 8] << 8 | buf[pos + 9]);
	return *end <= len ? 0 : -1;
}

/*
 * Only what is recorded is parsed: the header, the question (skipped) and
 * the answer section, one record at a time. The authority and additional
 * sections (the SOA of every NXDOMAIN and NODATA answer, the OPT record)
 * were half of ldns's allocations when the whole packet was built.
 */
int
dns_parse(const unsigned char *buf, size_t len, struct dns_answer *out)
{
	size_t pos = LDNS_HEADER_SIZE;
	unsigned qd, an;
	int rc = 0;

	out->n = out->dropped = 0;
	if (buf == NULL || len < LDNS_HEADER_SIZE)
		return -1;
	out->rcode = LDNS_RCODE_WIRE(buf);
	out->tc = LDNS_TC_WIRE(buf) ? 1 : 0;
	qd = LDNS_QDCOUNT(buf);
	an = LDNS_ANCOUNT(buf);
	for (unsigned i = 0; i < qd + an && rc == 0; i++) {
		ldns_rr *rr = NULL;
		struct dns_rr *d;
		size_t end = 0;

		if ((i >= qd && dns_rr_end(buf, len, pos, &end) != 0) ||
		    ldns_wire2rr(&rr, buf, len, &pos, i < qd ? LDNS_SECTION_QUESTION :
		    LDNS_SECTION_ANSWER) != LDNS_STATUS_OK)
			return -1;
		if (i >= qd && pos != end) {
			ldns_rr_free(rr);
			return -1;
		}
		if (i >= qd && out->n == DNS_MAX_RECORDS)
			out->dropped++;
		else if (i >= qd) {
			d = &out->rr[out->n++];
			d->type = (uint16_t)ldns_rr_get_type(rr);
			d->ttl = ldns_rr_ttl(rr);
			if (d->ttl > INT32_MAX)	/* RFC 2181 section 8: the top bit set means zero */
				d->ttl = 0;
			rc = dns_rr_data(rr, d);
		}
		ldns_rr_free(rr);
	}
	return rc;
}
