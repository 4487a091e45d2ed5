/*
 * obs — one measured DNS response as the crawler hands it to the writer:
 * the response row and its answer records, in a single allocation.
 *
 * Ownership: obs_create() returns memory the caller owns until it passes
 * the obs to store_writer_put(), which takes it; obs_free() releases one.
 */
#ifndef FW_OBS_H
#define FW_OBS_H

#include <stddef.h>
#include <stdint.h>

/* Transport outcomes, stored in the rcode column (see sql/002). */
#define OBS_TIMEOUT (-1)
#define OBS_CONNREFUSED (-2)
#define OBS_BADRESP (-3)
#define OBS_ERROR (-4)

/* The columns an obs fills, in the order the writer and the quarantine send them. */
#define OBS_RESPONSE_COLUMNS "domain_id, observed_at, vantage_id, qtype, rcode, " \
	"answer_count, flags, latency_us, qname"
#define OBS_ANSWER_COLUMNS "domain_id, observed_at, vantage_id, qtype, rrtype, ttl, addr, " \
	"target, qname"

#define OBS_FLAG_TC 1		/* the answer was truncated */
#define OBS_FLAG_TCP 2		/* it came over TCP (larger than the EDNS size) */
#define OBS_FLAG_CACHED 4	/* answered from the crawler's NS host cache, not asked */

struct obs_rr {
	uint16_t type;
	uint32_t ttl;
	int is_addr;		/* data is an address (inet column) */
	const char *data;	/* points into the obs allocation */
};

struct obs {
	struct obs *next;	/* writer queue link */
	int64_t domain_id;
	int64_t observed_us;	/* microseconds since the epoch */
	int vantage_id;
	int qtype;
	int rcode;		/* DNS rcode >= 0, or OBS_* < 0 */
	int flags;
	int32_t latency_us;
	const char *qname;	/* NULL: the tracked domain itself */
	size_t n_rr;
	struct obs_rr rr[];
};

/*
 * Allocate an obs with room for N_RR records and STRBYTES of strings
 * (qname and record data, each with its NUL). Strings are added with
 * obs_strdup(). NULL on malloc failure.
 */
struct obs *obs_create(size_t n_rr, size_t strbytes);

/* Copy S into the obs's string area; returns the copy (never NULL when sized right). */
const char *obs_strdup(struct obs *o, const char *s);

void obs_free(struct obs *o);

#endif
