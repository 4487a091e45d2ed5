/*
 * dns — ldns-backed response parsing. ldns allocates a packet per call;
 * everything kept is copied into the caller's struct before it is freed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <string.h>

#include "crawler/dns.h"

static int
dns_is_name_type(ldns_rr_type t)
{
	return t == LDNS_RR_TYPE_NS || t == LDNS_RR_TYPE_CNAME || t == LDNS_RR_TYPE_DNAME ||
	    t == LDNS_RR_TYPE_PTR;
}

/* Text of the record's data into rr->data; 0 or -1. */
static int
dns_rr_data(const ldns_rr *rr, struct dns_rr *out)
{
	const ldns_rdf *rdf = ldns_rr_rdf(rr, 0);
	ldns_buffer *buf;
	size_t n;
	int rc = 0;

	out->is_addr = 0;
	if (rdf == NULL) {
		out->data[0] = '\0';
		return 0;
	}
	if ((out->type == LDNS_RR_TYPE_A && ldns_rdf_size(rdf) == 4) ||
	    (out->type == LDNS_RR_TYPE_AAAA && ldns_rdf_size(rdf) == 16)) {
		out->is_addr = 1;
		return inet_ntop(out->type == LDNS_RR_TYPE_A ? AF_INET : AF_INET6,
		    ldns_rdf_data(rdf), out->data, sizeof(out->data)) != NULL ? 0 : -1;
	}
	if ((buf = ldns_buffer_new(128)) == NULL)
		return -1;
	for (size_t i = 0; i < ldns_rr_rd_count(rr) && rc == 0; i++) {
		if (i > 0)
			ldns_buffer_write_u8(buf, ' ');
		rc = ldns_rdf2buffer_str(buf, ldns_rr_rdf(rr, i)) == LDNS_STATUS_OK ? 0 : -1;
	}
	n = ldns_buffer_position(buf);
	if (rc == 0) {
		if (n >= sizeof(out->data))
			n = sizeof(out->data) - 1;
		memcpy(out->data, ldns_buffer_begin(buf), n);
		out->data[n] = '\0';
		if (dns_is_name_type(out->type)) {
			if (n > 1 && out->data[n - 1] == '.')
				out->data[n - 1] = '\0';
			for (char *p = out->data; *p != '\0'; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
		}
	}
	ldns_buffer_free(buf);
	return rc;
}

int
dns_parse(const unsigned char *buf, size_t len, struct dns_answer *out)
{
	ldns_pkt *pkt = NULL;
	ldns_rr_list *an;
	int rc = 0;

	out->n = out->dropped = 0;
	if (buf == NULL || len < 12 || ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK)
		return -1;
	out->rcode = (int)ldns_pkt_get_rcode(pkt);
	out->tc = ldns_pkt_tc(pkt) ? 1 : 0;
	an = ldns_pkt_answer(pkt);
	for (size_t i = 0; an != NULL && i < ldns_rr_list_rr_count(an) && rc == 0; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		struct dns_rr *d;

		if (out->n == DNS_MAX_RECORDS) {
			out->dropped++;
			continue;
		}
		d = &out->rr[out->n];
		d->type = (uint16_t)ldns_rr_get_type(rr);
		d->ttl = ldns_rr_ttl(rr);
		rc = dns_rr_data(rr, d);
		out->n++;
	}
	ldns_pkt_free(pkt);
	return rc;
}

