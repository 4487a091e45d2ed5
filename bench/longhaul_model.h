/*
 * longhaul_model — the population of bench/longhaul: what every domain
 * answers at a given (fake) second through a given vantage, as pure
 * functions of a seed, the domain's index and the time. Nothing is stored
 * per visit: the same question always gets the same answer, so two
 * policies run over the same population see the same Internet.
 *
 * Classes (shares of the population in lh_class_share):
 *   benign  1-4 fixed addresses in one range (a tenth move to another range
 *           once in the run), TTL spread log-uniformly over 60 s .. 86400 s,
 *           some with an AAAA;
 *   cdn     CNAME under a CDN suffix (cdn_suffixes) to 2-8 addresses of one
 *           CDN range, rotating with the TTL (20-300 s);
 *   flux    single flux: TTL 60-300 s, 1-5 new addresses each TTL out of
 *           1000 bots in 60 ranges of distinct non-CDN, non-hosting ASNs;
 *   dflux   double flux: as flux, and its 2-3 NS names rotate every 300 s
 *           through 12 names of its own whose addresses are flux too;
 *   late    benign (one or two addresses, TTL 300-3600 s) until a moment
 *           between 20 % and 60 % of the run, single flux from then on: the
 *           case a settled back-off could be slow to notice;
 *   dead    NXDOMAIN (two thirds) or timeouts, for every query.
 * Name servers of the other classes are shared: ns1/ns2 of one of
 * LH_PROVIDERS providers, fixed addresses, TTL 86400 s.
 *
 * A vantage's resolver cache is modelled: an answer was cached at the
 * start of a TTL slot whose phase depends on the domain and the vantage,
 * so the TTL seen counts down and rotating answers change when it expires.
 *
 * Records are numbers (an IPv4 address, the low 64 bits of an IPv6 one, a
 * name-server host id); lh_rr_text() spells one out when it is stored.
 */
#ifndef FW_LONGHAUL_MODEL_H
#define FW_LONGHAUL_MODEL_H

#include <stddef.h>
#include <stdint.h>

enum lh_class { LH_BENIGN, LH_CDN, LH_FLUX, LH_DFLUX, LH_LATE, LH_DEAD, LH_NCLASS };

extern const char *const lh_class_name[LH_NCLASS];
extern const int lh_class_share[LH_NCLASS];	/* percent */

#define LH_PROVIDERS 300	/* DNS hosting providers, two name servers each */
#define LH_DFLUX_NS 12		/* NS names of one double-flux domain */
#define LH_MAX_RR 12

#define LH_T_A 1
#define LH_T_NS 2
#define LH_T_CNAME 5
#define LH_T_AAAA 28

struct lh_range {
	uint32_t start;
	uint32_t size;
};

/* Address pools: IPv4 ranges of distinct ASNs (asn_ranges), by use. */
struct lh_pools {
	struct lh_range *flux, *cdn, *plain;
	size_t n_flux, n_cdn, n_plain;
};

/* The fixed traits of one domain, drawn once from the seed. */
struct lh_dom {
	uint8_t cls;
	uint8_t naddr;
	uint8_t has_v6;
	uint8_t timeouts;	/* dead: timeouts instead of NXDOMAIN */
	uint16_t provider;
	uint32_t ttl;		/* of its addresses, s */
	uint32_t renumber_at;	/* benign: second of the run it renumbers (0: never); late: turns flux */
	uint32_t pool;		/* cdn: range index; flux: first of its 60 ranges */
	int32_t dense;		/* dflux: its index among the double-flux domains, else -1 */
};

struct lh_model {
	uint64_t seed;
	uint32_t n;
	uint32_t run_s;		/* length of the run: the changes fall inside it */
	uint32_t n_dflux;
	struct lh_dom *dom;
	uint32_t *dflux_dom;	/* the domain of each double-flux index */
	struct lh_pools pools;
};

struct lh_rr {
	uint16_t type;
	uint32_t ttl;
	uint64_t val;	/* A: IPv4; AAAA: low 64 bits under 2001:db8::/32; NS: host id; CNAME: domain */
};

struct lh_answer {
	int rcode;	/* DNS rcode, or OBS_TIMEOUT */
	size_t n;
	struct lh_rr rr[LH_MAX_RR];
};

/*
 * Draw N domains from SEED over POOLS (taken over: lh_model_free() frees
 * them; every pool non-empty) for a run of RUN_S seconds. 0, or -1 when out
 * of memory.
 */
int lh_model_init(struct lh_model *m, uint64_t seed, uint32_t n, uint32_t run_s,
    const struct lh_pools *pools);

/* Whether domain I is flux at second T (its class, or a late one after its turn). */
int lh_is_flux(const struct lh_model *m, uint32_t i, int64_t t);
void lh_model_free(struct lh_model *m);

/* Name-server host ids: LH_PROVIDERS * 2 shared ones, then LH_DFLUX_NS per double-flux domain. */
uint32_t lh_model_hosts(const struct lh_model *m);

/* What vantage V answers at second T for QTYPE of domain I itself. */
void lh_answer_domain(const struct lh_model *m, uint32_t i, int64_t t, int v, int qtype,
    struct lh_answer *out);

/* What vantage V answers at second T for QTYPE (A or AAAA) of name-server host HOST. */
void lh_answer_host(const struct lh_model *m, uint32_t host, int64_t t, int v, int qtype,
    struct lh_answer *out);

/* The smallest TTL of an answer; a negative answer's is the model's SOA minimum. */
uint32_t lh_answer_min_ttl(const struct lh_answer *a);

/* The text of a record of domain I's answers (address, or name) into BUF. */
void lh_rr_text(const struct lh_model *m, uint32_t i, const struct lh_rr *rr, char *buf,
    size_t len);

/* A host's name into BUF. */
void lh_host_name(uint32_t host, char *buf, size_t len);

/* A 64-bit mix of three numbers (splitmix64 finaliser), shared with the driver. */
uint64_t lh_hash(uint64_t a, uint64_t b, uint64_t c);

#endif
