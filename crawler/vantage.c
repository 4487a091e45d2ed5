/*
 * vantage — a c-ares channel per resolver, with a rate limiter and a
 * bounded backlog. ARES_FLAG_NOCHECKRESP makes c-ares hand every response,
 * SERVFAIL and REFUSED included, to the callback instead of treating them
 * as a reason to retry, so the measured outcome is what the resolver said.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>

#include "crawler/udpio.h"
#include "crawler/vantage.h"

#define VANTAGE_EDNS_SIZE 1232

struct vantage {
	ares_channel channel;
	int epfd;
	int index;
	char name[64];
	char address[INET6_ADDRSTRLEN];
	int port;
	int max_inflight;
	int qps;
	int64_t timeout_us;	/* first try's timeout: no query of c-ares expires sooner */
	int64_t deadline_us;	/* no c-ares timeout before this (monotonic); 0: unknown */
	int touched;		/* c-ares may have sent since the deadline was known */
	double tokens;
	int64_t tokens_at_us;
	vantage_done_fn done;
	void *arg;
	struct vantage_query *head, *tail;	/* backlog, oldest first */
	size_t backlog;
	int inflight;
	long long sent, timeouts, skipped;
	double timeout_share;	/* of its recent queries, the share that timed out */
};

static void
vantage_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct vantage *v = data;
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.data.u64 = ((uint64_t)(uint32_t)v->index << 32) | (uint32_t)fd;
	ev.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
	if (!readable && !writable) {
		epoll_ctl(v->epfd, EPOLL_CTL_DEL, fd, NULL);
		return;
	}
	if (epoll_ctl(v->epfd, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT)
		epoll_ctl(v->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int
vantage_set_server(struct vantage *v, const struct cfg_resolver *r, char *err, size_t errlen)
{
	struct ares_addr_port_node node;
	int st;

	memset(&node, 0, sizeof(node));
	if (inet_pton(AF_INET, r->address, &node.addr.addr4) == 1) {
		node.family = AF_INET;
	} else if (inet_pton(AF_INET6, r->address, &node.addr.addr6) == 1) {
		node.family = AF_INET6;
	} else {
		snprintf(err, errlen, "resolver %s: bad address %s", r->name, r->address);
		return -1;
	}
	node.udp_port = node.tcp_port = r->port;
	if ((st = ares_set_servers_ports(v->channel, &node)) != ARES_SUCCESS) {
		snprintf(err, errlen, "resolver %s: %s", r->name, ares_strerror(st));
		return -1;
	}
	snprintf(v->name, sizeof(v->name), "%s", r->name);
	snprintf(v->address, sizeof(v->address), "%s", r->address);
	v->port = r->port;
	return 0;
}

/* The system resolver's first server, for the record. */
static void
vantage_system_server(struct vantage *v)
{
	struct ares_addr_port_node *servers = NULL;

	snprintf(v->name, sizeof(v->name), "system");
	snprintf(v->address, sizeof(v->address), "0.0.0.0");
	v->port = 53;
	if (ares_get_servers_ports(v->channel, &servers) == ARES_SUCCESS && servers != NULL) {
		inet_ntop(servers->family, &servers->addr, v->address, sizeof(v->address));
		v->port = servers->udp_port != 0 ? servers->udp_port : 53;
	}
	ares_free_data(servers);
}

struct vantage *
vantage_create(const struct cfg_resolver *r, int epfd, int index, struct udpio *io,
    vantage_done_fn done, void *arg, char *err, size_t errlen)
{
	struct vantage *v = calloc(1, sizeof(*v));
	struct ares_options o;
	int st;

	if (v == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(&o, 0, sizeof(o));
	/* STAYOPEN: c-ares 1.18 closes a channel's sockets whenever its last
	 * query ends, which under load happened hundreds of times a second (a
	 * new socket, buffer size, connect and epoll registration each time). */
	o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_EDNS | ARES_FLAG_NOSEARCH | ARES_FLAG_STAYOPEN;
	o.timeout = r != NULL ? (int)r->timeout_ms : 2000;
	o.tries = r != NULL ? r->tries : 2;
	o.ednspsz = VANTAGE_EDNS_SIZE;
	o.sock_state_cb = vantage_sock_state;
	o.sock_state_cb_data = v;
	v->epfd = epfd;
	v->index = index;
	v->done = done;
	v->arg = arg;
	v->max_inflight = r != NULL ? r->max_inflight : 150;
	v->timeout_us = (int64_t)o.timeout * 1000;
	v->qps = r != NULL ? r->qps : 0;
	st = ares_init_options(&v->channel, &o, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS |
	    ARES_OPT_TRIES | ARES_OPT_EDNSPSZ | ARES_OPT_SOCK_STATE_CB);
	if (st != ARES_SUCCESS) {
		snprintf(err, errlen, "resolver %s: c-ares: %s", r != NULL ? r->name : "system",
		    ares_strerror(st));
		free(v);
		return NULL;
	}
	ares_set_socket_functions(v->channel, udpio_functions(), io);
	if (r == NULL)
		vantage_system_server(v);
	else if (vantage_set_server(v, r, err, errlen) != 0) {
		ares_destroy(v->channel);
		free(v);
		return NULL;
	}
	return v;
}

void
vantage_destroy(struct vantage *v)
{
	if (v == NULL)
		return;
	while (v->head != NULL) {
		struct vantage_query *q = v->head;

		v->head = q->next;
		v->done(q, ARES_EDESTRUCTION, 0, NULL, 0, v->arg);
	}
	ares_destroy(v->channel);
	free(v);
}

const char *
vantage_name(const struct vantage *v)
{
	return v->name;
}

const char *
vantage_address(const struct vantage *v)
{
	return v->address;
}

int
vantage_port(const struct vantage *v)
{
	return v->port;
}

void
vantage_submit(struct vantage *v, struct vantage_query *q)
{
	q->v = v;
	q->next = NULL;
	if (v->tail != NULL)
		v->tail->next = q;
	else
		v->head = q;
	v->tail = q;
	v->backlog++;
	while (v->backlog > (size_t)v->max_inflight * VANTAGE_BACKLOG_FACTOR) {
		struct vantage_query *old = v->head;

		v->head = old->next;
		v->backlog--;
		v->skipped++;
		v->done(old, VANTAGE_SKIPPED, 0, NULL, 0, v->arg);
	}
	if (v->head == NULL)
		v->tail = NULL;
}

static void
vantage_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct vantage_query *q = arg;
	struct vantage *v = q->v;

	v->inflight--;
	if (status == ARES_ETIMEOUT)
		v->timeouts++;
	v->timeout_share += ((status == ARES_ETIMEOUT ? 1.0 : 0.0) - v->timeout_share) /
	    VANTAGE_HEALTH_QUERIES;
	v->done(q, status, timeouts, abuf, alen, v->arg);
}

static int
vantage_take_token(struct vantage *v, int64_t now_us)
{
	double burst;

	if (v->qps == 0)
		return 1;
	burst = v->qps / 20.0 + 1.0;
	v->tokens += (double)(now_us - v->tokens_at_us) * v->qps / 1e6;
	if (v->tokens > burst || v->tokens_at_us == 0)
		v->tokens = v->tokens_at_us == 0 ? 1.0 : burst;
	v->tokens_at_us = now_us;
	if (v->tokens < 1.0)
		return 0;
	v->tokens -= 1.0;
	return 1;
}

void
vantage_pump(struct vantage *v, int64_t now_us)
{
	while (v->head != NULL && v->inflight < v->max_inflight && vantage_take_token(v, now_us)) {
		struct vantage_query *q = v->head;

		v->head = q->next;
		if (v->head == NULL)
			v->tail = NULL;
		v->backlog--;
		v->inflight++;
		v->sent++;
		q->sent_us = now_us;
		v->touched = 1;
		ares_query(v->channel, q->qname, 1 /* C_IN */, q->qtype, vantage_answer, q);
	}
}

void
vantage_process_fd(struct vantage *v, int fd, int readable, int writable)
{
	v->touched = 1;		/* a retry or a TCP fallback sends from here */
	ares_process_fd(v->channel, readable ? fd : ARES_SOCKET_BAD, writable ? fd : ARES_SOCKET_BAD);
}

/*
 * c-ares 1.18 finds its next timeout by walking every query in flight, and
 * the loop asked for it on every turn (a twentieth of the crawler's CPU).
 * The deadline is therefore kept here as a lower bound: answers only move
 * the true one later, and anything c-ares sends expires no sooner than
 * timeout_us after it; ares_timeout() runs again once the deadline passed.
 */
void
vantage_process_timeouts(struct vantage *v, int64_t now_us)
{
	if (v->deadline_us != 0 && now_us < v->deadline_us)
		return;
	ares_process_fd(v->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	v->deadline_us = 0;
}

int64_t
vantage_wait_us(struct vantage *v, int64_t cap_us, int64_t now_us)
{
	struct timeval max = { (time_t)(cap_us / 1000000), (suseconds_t)(cap_us % 1000000) }, tv, *t;
	int64_t wait;

	if (v->touched && v->deadline_us != 0 && now_us + v->timeout_us < v->deadline_us)
		v->deadline_us = now_us + v->timeout_us;
	v->touched = 0;
	if (v->deadline_us == 0 || now_us >= v->deadline_us) {
		t = ares_timeout(v->channel, &max, &tv);
		v->deadline_us = now_us + (int64_t)t->tv_sec * 1000000 + t->tv_usec;
	}
	wait = v->deadline_us - now_us;
	if (wait > cap_us)
		wait = cap_us;
	if (v->qps > 0 && v->head != NULL && v->inflight < v->max_inflight && v->tokens < 1.0) {
		int64_t refill = (int64_t)((1.0 - v->tokens) * 1e6 / v->qps) + 1;

		if (refill < wait)
			wait = refill;
	}
	return wait;
}

int
vantage_busy(const struct vantage *v)
{
	return v->backlog >= (size_t)v->max_inflight;
}

int
vantage_holds_up(const struct vantage *v)
{
	return vantage_busy(v) && v->timeout_share < 0.5;
}

void
vantage_get_stats(const struct vantage *v, struct vantage_stats *out)
{
	out->sent = v->sent;
	out->timeouts = v->timeouts;
	out->skipped = v->skipped;
	out->inflight = v->inflight;
	out->backlog = v->backlog;
}
