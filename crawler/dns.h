/*
 * dns — what a raw DNS response says, parsed with ldns (no hand-written
 * wire parser): rcode, TC bit, and the answer section's records with their
 * TTLs and data as text (an address for A/AAAA, a lower-case name without
 * the trailing dot for NS/CNAME/DNAME/PTR, RFC 3597 "\# LEN HEX" for others).
 *
 * Bytes come from the network: anything malformed gives DNS_BADRESP, never
 * a crash. At most DNS_MAX_RECORDS answer records are kept (the count of
 * the rest is in dropped).
 */
#ifndef FW_DNS_H
#define FW_DNS_H

#include <stddef.h>
#include <stdint.h>

#define DNS_MAX_RECORDS 64
#define DNS_DATA_MAX 512	/* longest record data kept, as text */

struct dns_rr {
	uint16_t type;
	uint32_t ttl;
	int is_addr;
	char data[DNS_DATA_MAX];
};

struct dns_answer {
	int rcode;
	int tc;
	size_t n;
	size_t dropped;
	struct dns_rr rr[DNS_MAX_RECORDS];
};

/* Parse BUF of LEN octets into *out. Returns 0, or -1 when malformed. */
int dns_parse(const unsigned char *buf, size_t len, struct dns_answer *out);

#endif
