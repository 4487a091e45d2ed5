/*
 * udpio — per UDP socket a send queue and a receive batch, found by file
 * descriptor. A datagram that cannot be queued (too big, queue full after a
 * flush) is sent at once; a send that fails with a pending ICMP error is
 * sent again, so the error reaches c-ares on its next read as it would
 * have without batching (CONNREFUSED stays a measured outcome).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "crawler/udpio.h"

#define UDPIO_BATCH 32		/* datagrams per sendmmsg / recvmmsg */
#define UDPIO_QUERY 512		/* largest query queued (names are at most 255 octets) */
#define UDPIO_ANSWER 4096	/* receive slot: an EDNS answer of 1232 octets fits */

struct udpio_sock {
	int fd;
	int queued;				/* datagrams waiting for udpio_flush */
	int dirty;				/* on the flush list */
	int got, next;				/* received batch: datagrams, next to hand out */
	struct udpio_sock *next_dirty;
	unsigned int out_len[UDPIO_BATCH];
	unsigned char out[UDPIO_BATCH][UDPIO_QUERY];
	struct mmsghdr in_msg[UDPIO_BATCH];
	struct iovec in_iov[UDPIO_BATCH];
	struct sockaddr_storage in_from[UDPIO_BATCH];
	unsigned char in[UDPIO_BATCH][UDPIO_ANSWER];
};

struct udpio {
	int rcvbuf;
	struct udpio_sock **by_fd;	/* UDP sockets by descriptor; NULL: TCP or unknown */
	int n_fd;
	struct udpio_sock *dirty;
};

struct udpio *
udpio_create(int rcvbuf)
{
	struct udpio *u = calloc(1, sizeof(*u));

	if (u != NULL)
		u->rcvbuf = rcvbuf;
	return u;
}

void
udpio_destroy(struct udpio *u)
{
	if (u == NULL)
		return;
	for (int i = 0; i < u->n_fd; i++)
		free(u->by_fd[i]);
	free(u->by_fd);
	free(u);
}

static struct udpio_sock *
udpio_find(struct udpio *u, ares_socket_t fd)
{
	return fd >= 0 && fd < u->n_fd ? u->by_fd[fd] : NULL;
}

/* Remember FD as a UDP socket. 0, or -1 when out of memory. */
static int
udpio_track(struct udpio *u, int fd)
{
	struct udpio_sock *s;

	if (fd >= u->n_fd) {
		int n = fd + 64;
		struct udpio_sock **p = realloc(u->by_fd, (size_t)n * sizeof(*p));

		if (p == NULL)
			return -1;
		memset(p + u->n_fd, 0, (size_t)(n - u->n_fd) * sizeof(*p));
		u->by_fd = p;
		u->n_fd = n;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->fd = fd;
	for (int i = 0; i < UDPIO_BATCH; i++) {
		s->in_iov[i].iov_base = s->in[i];
		s->in_iov[i].iov_len = sizeof(s->in[i]);
		s->in_msg[i].msg_hdr.msg_iov = &s->in_iov[i];
		s->in_msg[i].msg_hdr.msg_iovlen = 1;
		s->in_msg[i].msg_hdr.msg_name = &s->in_from[i];
	}
	u->by_fd[fd] = s;
	return 0;
}

/* Send what S has queued; a pending ICMP error is left for the next read. */
static void
udpio_send(struct udpio_sock *s)
{
	struct mmsghdr msg[UDPIO_BATCH];
	struct iovec iov[UDPIO_BATCH];
	int done = 0, retried = 0;

	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < s->queued; i++) {
		iov[i].iov_base = s->out[i];
		iov[i].iov_len = s->out_len[i];
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < s->queued) {
		int n = sendmmsg(s->fd, msg + done, (unsigned int)(s->queued - done), 0);

		if (n > 0)
			done += n;
		else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && (errno == ECONNREFUSED || errno == EHOSTUNREACH) && !retried++)
			continue;	/* that error was for an earlier datagram; this one goes out */
		else
			break;		/* dropped: c-ares retries after its timeout */
	}
	s->queued = 0;
}

void
udpio_flush(struct udpio *u)
{
	while (u->dirty != NULL) {
		struct udpio_sock *s = u->dirty;

		u->dirty = s->next_dirty;
		s->dirty = 0;
		if (s->queued > 0)
			udpio_send(s);
	}
}

static ares_socket_t
udpio_socket(int domain, int type, int protocol, void *arg)
{
	struct udpio *u = arg;
	int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);

	if (fd < 0 || type != SOCK_DGRAM)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &u->rcvbuf, sizeof(u->rcvbuf));
	if (udpio_track(u, fd) != 0) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	return fd;
}

static int
udpio_close(ares_socket_t fd, void *arg)
{
	struct udpio *u = arg;
	struct udpio_sock *s = udpio_find(u, fd);

	if (s != NULL) {
		if (s->queued > 0)
			udpio_send(s);
		for (struct udpio_sock **p = &u->dirty; *p != NULL; p = &(*p)->next_dirty)
			if (*p == s) {
				*p = s->next_dirty;
				break;
			}
		free(s);
		u->by_fd[fd] = NULL;
	}
	return close(fd);
}

static int
udpio_connect(ares_socket_t fd, const struct sockaddr *addr, ares_socklen_t len, void *arg)
{
	(void)arg;
	return connect(fd, addr, len);
}

static ares_ssize_t
udpio_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags, struct sockaddr *from,
    ares_socklen_t *fromlen, void *arg)
{
	struct udpio_sock *s = udpio_find(arg, fd);
	struct msghdr *h;
	size_t n;

	if (s == NULL)
		return recvfrom(fd, buf, len, flags, from, fromlen);
	if (s->next == s->got) {
		for (int i = 0; i < UDPIO_BATCH; i++)
			s->in_msg[i].msg_hdr.msg_namelen = sizeof(s->in_from[i]);
		s->got = recvmmsg(fd, s->in_msg, UDPIO_BATCH, MSG_DONTWAIT, NULL);
		s->next = 0;
		if (s->got <= 0) {
			s->got = 0;
			return -1;	/* errno from recvmmsg: EAGAIN, ECONNREFUSED, ... */
		}
	}
	h = &s->in_msg[s->next].msg_hdr;
	n = s->in_msg[s->next].msg_len < len ? s->in_msg[s->next].msg_len : len;
	memcpy(buf, s->in[s->next], n);
	if (from != NULL && fromlen != NULL) {
		memcpy(from, h->msg_name, h->msg_namelen < *fromlen ? h->msg_namelen : *fromlen);
		*fromlen = h->msg_namelen;
	}
	s->next++;
	return (ares_ssize_t)n;
}

static ares_ssize_t
udpio_sendv(ares_socket_t fd, const struct iovec *iov, int iovcnt, void *arg)
{
	struct udpio *u = arg;
	struct udpio_sock *s = udpio_find(u, fd);
	size_t total = 0, off = 0;

	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (s == NULL || total > UDPIO_QUERY)
		return writev(fd, iov, iovcnt);
	if (s->queued == UDPIO_BATCH)
		udpio_send(s);
	for (int i = 0; i < iovcnt; i++) {
		memcpy(s->out[s->queued] + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	s->out_len[s->queued++] = (unsigned int)total;
	if (!s->dirty) {
		s->dirty = 1;
		s->next_dirty = u->dirty;
		u->dirty = s;
	}
	return (ares_ssize_t)total;
}

const struct ares_socket_functions *
udpio_functions(void)
{
	static const struct ares_socket_functions f = {
		udpio_socket, udpio_close, udpio_connect, udpio_recvfrom, udpio_sendv
	};

	return &f;
}
