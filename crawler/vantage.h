/*
 * vantage — one resolver the crawler measures through: its own c-ares
 * channel, limits (queries in flight, queries per second), a backlog of
 * queries waiting for those limits, and counters.
 *
 * The channel's sockets are registered in the engine's epoll set (the
 * event data carries the vantage index and fd); the engine calls
 * vantage_process_fd() on events and vantage_pump() to send. A vantage
 * that is dead must not hold up the others: its backlog is bounded
 * (VANTAGE_BACKLOG_FACTOR x max_inflight) and the oldest unsent queries are
 * skipped beyond it. A skipped query was never sent, so nothing is lost: it
 * is counted, not recorded as a response. One that answers, however slowly,
 * sets the pace of new visits instead (vantage_holds_up), so that it asks
 * what the others ask.
 */
#ifndef FW_VANTAGE_H
#define FW_VANTAGE_H

#include <stddef.h>
#include <stdint.h>

#include "common/cfg.h"

#define VANTAGE_BACKLOG_FACTOR 8
#define VANTAGE_HEALTH_QUERIES 32	/* the timeout share averages about this many */
#define VANTAGE_SKIPPED (-1000)	/* status passed to done() for a skipped query */

struct vantage;

struct vantage_query {
	struct vantage_query *next;	/* backlog link */
	struct vantage *v;
	void *owner;			/* the engine's; untouched here */
	const char *qname;		/* borrowed; must outlive the query */
	int qtype;
	int64_t sent_us;		/* CLOCK_MONOTONIC when handed to c-ares */
};

/*
 * Called once per submitted query: status is a c-ares status, or
 * VANTAGE_SKIPPED; abuf (may be NULL) is borrowed for the call's duration.
 */
typedef void (*vantage_done_fn)(struct vantage_query *q, int status, int timeouts,
    const unsigned char *abuf, int alen, void *arg);

struct vantage_stats {
	long long sent;
	long long timeouts;
	long long skipped;
	int inflight;
	size_t backlog;
};

/*
 * Create a vantage for resolver R (NULL = the system resolver from
 * /etc/resolv.conf), registering its sockets in EPFD under INDEX; its UDP
 * goes through IO (batched until udpio_flush), which must outlive it.
 * NULL with err on failure.
 */
struct udpio;
struct vantage *vantage_create(const struct cfg_resolver *r, int epfd, int index,
    struct udpio *io, vantage_done_fn done, void *arg, char *err, size_t errlen);

/* Cancel what is in flight (done() sees ARES_EDESTRUCTION) and free. */
void vantage_destroy(struct vantage *v);

const char *vantage_name(const struct vantage *v);
/* "address:port" of the resolver, for the vantages table and messages. */
const char *vantage_address(const struct vantage *v);
int vantage_port(const struct vantage *v);

/* Queue a query; sent by vantage_pump() as limits allow. */
void vantage_submit(struct vantage *v, struct vantage_query *q);

/* Send queued queries as max_inflight and qps allow. */
void vantage_pump(struct vantage *v, int64_t now_us);

/* An epoll event on one of the vantage's sockets. */
void vantage_process_fd(struct vantage *v, int fd, int readable, int writable);

/* Let c-ares expire queries whose time is up (NOW_US: monotonic clock). */
void vantage_process_timeouts(struct vantage *v, int64_t now_us);

/* Microseconds (at most CAP_US) until this vantage needs attention: timeouts, rate tokens. */
int64_t vantage_wait_us(struct vantage *v, int64_t cap_us, int64_t now_us);

/* True when the backlog holds at least max_inflight queries. */
int vantage_busy(const struct vantage *v);

/*
 * True when busy and answering (fewer than half of its recent queries timed
 * out): new visits wait for it. A vantage that mostly times out holds up
 * nobody; its backlog is bounded instead.
 */
int vantage_holds_up(const struct vantage *v);

void vantage_get_stats(const struct vantage *v, struct vantage_stats *out);

#endif
