/*
 * test_dns — response parsing: packets built with ldns (A, AAAA, NS, CNAME,
 * a hostile TXT), rcode and TC, the record bound, and malformed bytes (an
 * address record whose length disagrees with its type).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>

#include "crawler/dns.h"

static struct dns_answer ans;

/* Wire form of a response to QNAME with the given answer RRs (zone-file text). */
static uint8_t *
build(const char *qname, ldns_pkt_rcode rcode, int tc, const char *const *rrs, size_t *len)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str(qname), LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, LDNS_RD);
	uint8_t *wire = NULL;

	assert_non_null(p);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	ldns_pkt_set_tc(p, tc);
	for (size_t i = 0; rrs != NULL && rrs[i] != NULL; i++) {
		ldns_rr *rr = NULL;

		assert_int_equal(ldns_rr_new_frm_str(&rr, rrs[i], 0, NULL, NULL), LDNS_STATUS_OK);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	assert_int_equal(ldns_pkt2wire(&wire, p, len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
	return wire;
}

static void
test_malformed(void **state)
{
	static const unsigned char junk[] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 9, 0, 0, 0, 0, 3, 'a' };

	(void)state;
	assert_int_equal(dns_parse(NULL, 0, &ans), -1);
	assert_int_equal(dns_parse(junk, 5, &ans), -1);
	assert_int_equal(dns_parse(junk, sizeof(junk), &ans), -1);
}

static void
test_records(void **state)
{
	static const char *const rrs[] = {
		"www.Example.COM. 60 IN CNAME Edge.Example.NET.",
		"edge.example.net. 3 IN A 192.0.2.7",
		"edge.example.net. 5 IN AAAA 2001:db8::7",
		"example.com. 300 IN NS NS1.example.com.",
		"example.com. 30 IN TXT \"tab\\009and\\\\back\"",
		NULL
	};
	size_t len;
	uint8_t *wire = build("www.example.com.", LDNS_RCODE_NOERROR, 0, rrs, &len);

	(void)state;
	assert_int_equal(dns_parse(wire, len, &ans), 0);
	assert_int_equal(ans.rcode, 0);
	assert_int_equal(ans.tc, 0);
	assert_int_equal(ans.n, 5);
	assert_int_equal(ans.rr[0].type, LDNS_RR_TYPE_CNAME);
	assert_string_equal(ans.rr[0].data, "edge.example.net");
	assert_int_equal(ans.rr[0].ttl, 60);
	assert_int_equal(ans.rr[1].is_addr, 1);
	assert_string_equal(ans.rr[1].data, "192.0.2.7");
	assert_int_equal(ans.rr[1].ttl, 3);
	assert_string_equal(ans.rr[2].data, "2001:db8::7");
	assert_string_equal(ans.rr[3].data, "ns1.example.com");
	assert_int_equal(ans.rr[3].ttl, 300);
	assert_int_equal(ans.rr[4].is_addr, 0);
	assert_string_equal(ans.rr[4].data, "\\# 13 0c74616209616e645c6261636b");
	free(wire);
}

static void
test_ttl_top_bit(void **state)
{
	static const char *const rrs[] = {
		"x.example. 2147483647 IN A 192.0.2.8",
		"x.example. 2147483648 IN A 192.0.2.9",
		NULL
	};
	size_t len;
	uint8_t *wire = build("x.example.", LDNS_RCODE_NOERROR, 0, rrs, &len);

	(void)state;
	assert_int_equal(dns_parse(wire, len, &ans), 0);
	assert_int_equal(ans.n, 2);
	assert_int_equal(ans.rr[0].ttl, 2147483647);
	assert_int_equal(ans.rr[1].ttl, 0);	/* fits the integer column: no rejected batch */
	free(wire);
}

static void
test_rcode_and_tc(void **state)
{
	size_t len;
	uint8_t *wire = build("gone.example.", LDNS_RCODE_NXDOMAIN, 1, NULL, &len);

	(void)state;
	assert_int_equal(dns_parse(wire, len, &ans), 0);
	assert_int_equal(ans.rcode, 3);
	assert_int_equal(ans.tc, 1);
	assert_int_equal(ans.n, 0);
	free(wire);
}

static void
test_record_bound(void **state)
{
	char *rrs[DNS_MAX_RECORDS + 11];
	size_t len;
	uint8_t *wire;

	(void)state;
	for (int i = 0; i < DNS_MAX_RECORDS + 10; i++) {
		rrs[i] = malloc(64);
		snprintf(rrs[i], 64, "x.example. 5 IN A 10.0.%d.%d", i / 250, i % 250 + 1);
	}
	rrs[DNS_MAX_RECORDS + 10] = NULL;
	wire = build("x.example.", LDNS_RCODE_NOERROR, 0, (const char *const *)rrs, &len);
	assert_int_equal(dns_parse(wire, len, &ans), 0);
	assert_int_equal(ans.n, DNS_MAX_RECORDS);
	assert_int_equal(ans.dropped, 10);
	for (int i = 0; i < DNS_MAX_RECORDS + 10; i++)
		free(rrs[i]);
	free(wire);
}

/*
 * An address record whose RDLENGTH is not its type's size is malformed:
 * ldns reads the 4 (16) octets and would go on inside the data.
 */
static void
test_address_length(void **state)
{
	static const char *const a[] = { "x.example. 5 IN A 192.0.2.1", NULL };
	static const char *const aaaa[] = { "x.example. 5 IN AAAA 2001:db8::1", NULL };
	static const char *const *const sets[] = { a, aaaa };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		for (int delta = -1; delta <= 1; delta += 2) {
			size_t len;
			uint8_t *wire = build("x.example.", LDNS_RCODE_NOERROR, 0, sets[k], &len);
			uint8_t *bad = calloc(1, len + 1);
			size_t rdlen_at = len - (k == 0 ? 4 : 16) - 2;

			assert_int_equal(dns_parse(wire, len, &ans), 0);
			assert_int_equal(ans.n, 1);
			memcpy(bad, wire, len);
			bad[rdlen_at + 1] = (uint8_t)(bad[rdlen_at + 1] + delta);
			assert_int_equal(dns_parse(bad, len + (delta > 0), &ans), -1);
			free(bad);
			free(wire);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_ttl_top_bit),
		cmocka_unit_test(test_rcode_and_tc),
		cmocka_unit_test(test_record_bound),
		cmocka_unit_test(test_address_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
