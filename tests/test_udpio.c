/*
 * test_udpio — the batched UDP socket functions c-ares is given: the table
 * and NULL/unknown descriptors first; datagrams queued until udpio_flush()
 * and then sent with one sendmmsg() per socket, in order; a datagram too
 * big for the queue sent at once; a full queue sent before the next joins
 * it; a partial sendmmsg (and EINTR) followed by the rest; a pending ICMP
 * error (ECONNREFUSED, EHOSTUNREACH) sending again once, other errors
 * dropping the queue; a read error handed to c-ares; a recvmmsg batch
 * handed out one datagram per read; close sending what is queued and
 * leaving the flush list whole; TCP passing straight through.
 *
 * Nothing goes on a network: socket() is wrapped to return one end of an
 * AF_UNIX socketpair, connect() only records, sendmmsg() and writev()
 * record what they are given (and fail on demand) without sending, and
 * recvmmsg() reads the pair for real unless the test hands it datagrams
 * or an error (all with -Wl,--wrap=).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "crawler/udpio.h"

#define MAX_SENT 128
#define MAX_FD 64

struct sent {
	int fd;
	int how;		/* 'm': sendmmsg, 'w': writev */
	size_t len;
	unsigned char data[1024];
};

struct step {
	int ret;		/* -1: fail with err; else accept at most this many */
	int err;
};

static struct {
	struct sent sent[MAX_SENT];
	int n_sent;
	int sendmmsg_calls, writev_calls, recvmmsg_calls, recvfrom_calls, connect_calls;
	unsigned int vlen[MAX_SENT];		/* each sendmmsg's vlen */
	struct step steps[8];			/* sendmmsg's next results */
	int n_steps, at_step;
	int recv_err;				/* recvmmsg fails so, once */
	int recv_synth;				/* recvmmsg hands out this many, once */
	unsigned int recv_vlen;
	int recv_flags;
	int socket_err;				/* socket() fails so */
	int last_type, rcvbuf;
	int peer[MAX_FD];			/* the pair's other end, by descriptor */
} io;

int __real_recvmmsg(int fd, struct mmsghdr *msg, unsigned int vlen, int flags,
    struct timespec *timeout);
ssize_t __real_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen);
int __real_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int __wrap_socket(int domain, int type, int protocol);
int __wrap_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t len);
int __wrap_sendmmsg(int fd, struct mmsghdr *msg, unsigned int vlen, int flags);
int __wrap_recvmmsg(int fd, struct mmsghdr *msg, unsigned int vlen, int flags,
    struct timespec *timeout);
ssize_t __wrap_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t __wrap_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen);

int
__wrap_socket(int domain, int type, int protocol)
{
	int sv[2];

	(void)domain;
	(void)protocol;
	io.last_type = type;
	if (io.socket_err != 0) {
		errno = io.socket_err;
		return -1;
	}
	if (socketpair(AF_UNIX, type, 0, sv) != 0)
		return -1;
	if (sv[0] >= MAX_FD) {
		close(sv[0]);
		close(sv[1]);
		errno = EMFILE;
		return -1;
	}
	io.peer[sv[0]] = sv[1];
	return sv[0];
}

int
__wrap_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	if (level == SOL_SOCKET && name == SO_RCVBUF && len == sizeof(int))
		memcpy(&io.rcvbuf, val, sizeof(int));
	return __real_setsockopt(fd, level, name, val, len);
}

int
__wrap_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	(void)fd;
	(void)addr;
	(void)len;
	io.connect_calls++;
	return 0;
}

/* Record one datagram as given (the iovecs joined). */
static void
record(int fd, int how, const struct iovec *iov, size_t iovcnt)
{
	struct sent *s;

	if (io.n_sent == MAX_SENT)
		return;
	s = &io.sent[io.n_sent++];
	s->fd = fd;
	s->how = how;
	s->len = 0;
	for (size_t i = 0; i < iovcnt; i++) {
		size_t n = iov[i].iov_len < sizeof(s->data) - s->len ?
		    iov[i].iov_len : sizeof(s->data) - s->len;

		memcpy(s->data + s->len, iov[i].iov_base, n);
		s->len += n;
	}
}

int
__wrap_sendmmsg(int fd, struct mmsghdr *msg, unsigned int vlen, int flags)
{
	unsigned int n = vlen;

	(void)flags;
	io.vlen[io.sendmmsg_calls++ % MAX_SENT] = vlen;
	if (io.at_step < io.n_steps) {
		const struct step *st = &io.steps[io.at_step++];

		if (st->ret < 0) {
			errno = st->err;
			return -1;
		}
		if ((unsigned int)st->ret < n)
			n = (unsigned int)st->ret;
	}
	for (unsigned int i = 0; i < n; i++) {
		record(fd, 'm', msg[i].msg_hdr.msg_iov, msg[i].msg_hdr.msg_iovlen);
		msg[i].msg_len = (unsigned int)io.sent[io.n_sent - 1].len;
	}
	return (int)n;
}

ssize_t
__wrap_writev(int fd, const struct iovec *iov, int iovcnt)
{
	io.writev_calls++;
	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	record(fd, 'w', iov, (size_t)iovcnt);
	return (ssize_t)io.sent[io.n_sent - 1].len;
}

int
__wrap_recvmmsg(int fd, struct mmsghdr *msg, unsigned int vlen, int flags,
    struct timespec *timeout)
{
	io.recvmmsg_calls++;
	io.recv_vlen = vlen;
	io.recv_flags = flags;
	if (io.recv_err != 0) {
		errno = io.recv_err;
		io.recv_err = 0;
		return -1;
	}
	if (io.recv_synth > 0) {	/* more than the pair would queue (max_dgram_qlen) */
		int n = io.recv_synth < (int)vlen ? io.recv_synth : (int)vlen;

		for (int i = 0; i < n; i++) {
			msg[i].msg_len = (unsigned int)snprintf(msg[i].msg_hdr.msg_iov[0].iov_base,
			    msg[i].msg_hdr.msg_iov[0].iov_len, "synth %d", i);
			msg[i].msg_hdr.msg_namelen = 0;
		}
		io.recv_synth = 0;
		return n;
	}
	return __real_recvmmsg(fd, msg, vlen, flags, timeout);
}

ssize_t
__wrap_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen)
{
	io.recvfrom_calls++;
	return __real_recvfrom(fd, buf, len, flags, from, fromlen);
}

/* ---- the test's side */

static const struct ares_socket_functions *f;

static int
setup(void **state)
{
	memset(&io, 0, sizeof(io));
	for (int i = 0; i < MAX_FD; i++)
		io.peer[i] = -1;
	f = udpio_functions();
	*state = udpio_create(212992);
	return *state != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	udpio_destroy(*state);
	for (int i = 0; i < MAX_FD; i++)
		if (io.peer[i] >= 0)
			close(io.peer[i]);
	return 0;
}

/* A UDP (or TCP) socket through the table. */
static int
open_sock(struct udpio *u, int type)
{
	int fd = f->asocket(AF_INET, type, 0, u);

	assert_true(fd >= 0);
	assert_true(io.peer[fd] >= 0);
	return fd;
}

/* Hand c-ares's datagram TEXT (in two pieces, as iovecs) to the socket. */
static ares_ssize_t
query(struct udpio *u, int fd, const char *text)
{
	size_t len = strlen(text), half = len / 2;
	struct iovec iov[2] = { { (void *)text, half }, { (void *)(text + half), len - half } };

	return f->asendv(fd, iov, 2, u);
}

/* Sent datagram I went through HOW on FD and holds TEXT. */
static void
expect_sent(int i, int fd, int how, const char *text)
{
	assert_true(i < io.n_sent);
	assert_int_equal(io.sent[i].fd, fd);
	assert_int_equal(io.sent[i].how, how);
	assert_int_equal(io.sent[i].len, strlen(text));
	assert_memory_equal(io.sent[i].data, text, strlen(text));
}

static void
set_steps(int n, const struct step *steps)
{
	memcpy(io.steps, steps, (size_t)n * sizeof(*steps));
	io.n_steps = n;
	io.at_step = 0;
}

/* Queue "q0".."q{N-1}" on FD. */
static void
queue_n(struct udpio *u, int fd, int n)
{
	char text[16];

	for (int i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "q%d", i);
		assert_int_equal(query(u, fd, text), (ares_ssize_t)strlen(text));
	}
}

static void
queue_and_flush(struct udpio *u, int fd, int n)
{
	queue_n(u, fd, n);
	udpio_flush(u);
}

/* What went out is "q0".."q{N-1}" on FD by sendmmsg, each once, in order. */
static void
expect_queries(int fd, int n)
{
	char text[16];

	assert_int_equal(io.n_sent, n);
	for (int i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "q%d", i);
		expect_sent(i, fd, 'm', text);
	}
}

static void
test_invalid(void **state)
{
	struct udpio *u = *state;
	char buf[16];

	udpio_destroy(NULL);
	assert_non_null(f);
	assert_ptr_equal(udpio_functions(), f);
	assert_non_null(f->asocket);
	assert_non_null(f->aclose);
	assert_non_null(f->aconnect);
	assert_non_null(f->arecvfrom);
	assert_non_null(f->asendv);
	udpio_flush(u);				/* nothing queued */
	assert_int_equal(io.sendmmsg_calls, 0);
	errno = 0;				/* descriptors it does not know pass through */
	assert_int_equal(query(u, -1, "x"), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(f->arecvfrom(-1, buf, sizeof(buf), 0, NULL, NULL, u), -1);
	assert_int_equal(f->arecvfrom(1000, buf, sizeof(buf), 0, NULL, NULL, u), -1);
	assert_int_equal(io.recvmmsg_calls, 0);
	io.socket_err = EMFILE;
	errno = 0;
	assert_int_equal(f->asocket(AF_INET, SOCK_DGRAM, 0, u), -1);
	assert_int_equal(errno, EMFILE);
}

static void
test_socket(void **state)
{
	struct udpio *u = *state;
	int fd = open_sock(u, SOCK_DGRAM);
	struct sockaddr_in sin;

	assert_int_equal(io.last_type, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(io.rcvbuf, 212992);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	assert_int_equal(f->aconnect(fd, (struct sockaddr *)&sin, sizeof(sin), u), 0);
	assert_int_equal(io.connect_calls, 1);
	assert_int_equal(f->aclose(fd, u), 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);	/* really closed */
}

static void
test_queue_then_flush(void **state)
{
	struct udpio *u = *state;
	int a = open_sock(u, SOCK_DGRAM), b = open_sock(u, SOCK_DGRAM);
	char buf[16];

	assert_int_equal(query(u, a, "a-first"), 7);
	assert_int_equal(query(u, b, "b-first"), 7);
	assert_int_equal(query(u, a, "a-second"), 8);
	assert_int_equal(query(u, a, "a-third"), 7);
	assert_int_equal(io.sendmmsg_calls + io.writev_calls, 0);	/* queued, not sent */
	assert_int_equal(recv(io.peer[a], buf, sizeof(buf), MSG_DONTWAIT), -1);
	udpio_flush(u);
	assert_int_equal(io.sendmmsg_calls, 2);		/* one per socket */
	assert_int_equal(io.n_sent, 4);
	for (int i = 0, seen_a = 0; i < 4; i++) {	/* per socket in order */
		static const char *const at_a[] = { "a-first", "a-second", "a-third" };

		if (io.sent[i].fd == a)
			expect_sent(i, a, 'm', at_a[seen_a++]);
		else
			expect_sent(i, b, 'm', "b-first");
	}
	assert_true(io.vlen[0] + io.vlen[1] == 4 && (io.vlen[0] == 3 || io.vlen[1] == 3));
	udpio_flush(u);					/* nothing left */
	assert_int_equal(io.sendmmsg_calls, 2);
	assert_int_equal(f->aclose(a, u), 0);
	assert_int_equal(f->aclose(b, u), 0);
	assert_int_equal(io.sendmmsg_calls, 2);
}

static void
test_too_big(void **state)
{
	struct udpio *u = *state;
	int fd = open_sock(u, SOCK_DGRAM);
	char big[601], fits[513];

	memset(big, 'B', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(fits, 'F', sizeof(fits) - 1);	/* 512 octets: the largest queued */
	fits[sizeof(fits) - 1] = '\0';
	assert_int_equal(query(u, fd, fits), 512);
	assert_int_equal(query(u, fd, big), 600);
	assert_int_equal(io.writev_calls, 1);		/* at once */
	assert_int_equal(io.sendmmsg_calls, 0);
	expect_sent(0, fd, 'w', big);
	udpio_flush(u);
	assert_int_equal(io.sendmmsg_calls, 1);
	expect_sent(1, fd, 'm', fits);
	assert_int_equal(f->aclose(fd, u), 0);
}

static void
test_full_queue(void **state)
{
	struct udpio *u = *state;
	int fd = open_sock(u, SOCK_DGRAM);

	queue_n(u, fd, 33);
	assert_int_equal(io.sendmmsg_calls, 1);		/* 32 went when the 33rd came */
	assert_int_equal(io.vlen[0], 32);
	udpio_flush(u);
	assert_int_equal(io.sendmmsg_calls, 2);
	expect_queries(fd, 33);
	assert_int_equal(f->aclose(fd, u), 0);
}

static void
test_partial_send(void **state)
{
	static const struct step partial[] = { { 2, 0 }, { -1, EINTR }, { 1, 0 } };
	struct udpio *u = *state;
	int fd = open_sock(u, SOCK_DGRAM);

	set_steps(3, partial);
	queue_and_flush(u, fd, 5);
	assert_int_equal(io.sendmmsg_calls, 4);		/* 2, EINTR, 1, the last 2 */
	assert_int_equal(io.vlen[0], 5);
	assert_int_equal(io.vlen[1], 3);
	assert_int_equal(io.vlen[2], 3);
	assert_int_equal(io.vlen[3], 2);
	expect_queries(fd, 5);			/* each once, in order */
	assert_int_equal(f->aclose(fd, u), 0);
}

static void
test_icmp_error(void **state)
{
	static const struct step refused[] = { { -1, ECONNREFUSED } };
	static const struct step unreach[] = { { -1, EHOSTUNREACH } };
	static const struct step twice[] = { { -1, ECONNREFUSED }, { -1, ECONNREFUSED } };
	static const struct step again[] = { { -1, EAGAIN } };
	struct udpio *u = *state;
	int fd = open_sock(u, SOCK_DGRAM);
	char buf[16];

	set_steps(1, refused);			/* an earlier datagram's error: this one goes */
	queue_and_flush(u, fd, 3);
	assert_int_equal(io.sendmmsg_calls, 2);
	assert_int_equal(io.n_sent, 3);
	set_steps(1, unreach);
	queue_and_flush(u, fd, 2);
	assert_int_equal(io.sendmmsg_calls, 4);
	assert_int_equal(io.n_sent, 5);
	set_steps(2, twice);			/* only once: then dropped */
	queue_and_flush(u, fd, 2);
	assert_int_equal(io.sendmmsg_calls, 6);
	assert_int_equal(io.n_sent, 5);
	set_steps(1, again);			/* any other error drops the queue */
	queue_and_flush(u, fd, 2);
	assert_int_equal(io.sendmmsg_calls, 7);
	udpio_flush(u);				/* and it is gone */
	assert_int_equal(io.sendmmsg_calls, 7);
	assert_int_equal(io.n_sent, 5);
	io.recv_err = ECONNREFUSED;		/* the resent query's error reaches c-ares */
	errno = 0;
	assert_int_equal(f->arecvfrom(fd, buf, sizeof(buf), 0, NULL, NULL, u), -1);
	assert_int_equal(errno, ECONNREFUSED);
	errno = 0;
	assert_int_equal(f->arecvfrom(fd, buf, sizeof(buf), 0, NULL, NULL, u), -1);
	assert_int_equal(errno, EAGAIN);	/* then nothing to read */
	assert_int_equal(f->aclose(fd, u), 0);
}

static void
test_recv_batch(void **state)
{
	struct udpio *u = *state;
	int fd = open_sock(u, SOCK_DGRAM);
	struct sockaddr_storage from;
	struct sockaddr_un name;
	socklen_t fromlen = sizeof(from), namelen;
	char buf[64];

	memset(&name, 0, sizeof(name));		/* the answers come from a named sender */
	name.sun_family = AF_UNIX;
	namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    (size_t)snprintf(name.sun_path + 1, sizeof(name.sun_path) - 1, "fw_test_udpio.%ld",
	    (long)getpid()));			/* abstract: no file */
	assert_int_equal(bind(io.peer[fd], (struct sockaddr *)&name, namelen), 0);
	memset(&from, 0xff, sizeof(from));
	assert_int_equal(send(io.peer[fd], "answer one", 10, 0), 10);
	assert_int_equal(send(io.peer[fd], "two", 3, 0), 3);
	assert_int_equal(send(io.peer[fd], "the third answer", 16, 0), 16);
	assert_int_equal(f->arecvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen,
	    u), 10);
	assert_memory_equal(buf, "answer one", 10);
	assert_int_equal(fromlen, namelen);		/* the sender, as recvfrom gives it */
	assert_memory_equal(&from, &name, namelen);
	assert_int_equal(io.recvmmsg_calls, 1);
	assert_int_equal(io.recv_vlen, 32);
	assert_true(io.recv_flags & MSG_DONTWAIT);
	assert_int_equal(f->arecvfrom(fd, buf, sizeof(buf), 0, NULL, NULL, u), 3);
	assert_memory_equal(buf, "two", 3);
	assert_int_equal(f->arecvfrom(fd, buf, 5, 0, NULL, NULL, u), 5);	/* cut to the buffer */
	assert_memory_equal(buf, "the t", 5);
	assert_int_equal(io.recvmmsg_calls, 1);		/* all three from one call */
	errno = 0;
	assert_int_equal(f->arecvfrom(fd, buf, sizeof(buf), 0, NULL, NULL, u), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(io.recvmmsg_calls, 2);
	assert_int_equal(io.recvfrom_calls, 0);
	assert_int_equal(f->aclose(fd, u), 0);
}

static void
test_recv_full_batch(void **state)
{
	struct udpio *u = *state;
	int fd = open_sock(u, SOCK_DGRAM);
	char buf[64], want[32];

	io.recv_synth = 40;			/* more than a batch is waiting */
	for (int i = 0; i < 32; i++) {
		snprintf(want, sizeof(want), "synth %d", i);
		assert_int_equal(f->arecvfrom(fd, buf, sizeof(buf), 0, NULL, NULL, u),
		    (ares_ssize_t)strlen(want));
		assert_memory_equal(buf, want, strlen(want));
	}
	assert_int_equal(io.recvmmsg_calls, 1);
	io.recv_synth = 8;
	assert_int_equal(f->arecvfrom(fd, buf, sizeof(buf), 0, NULL, NULL, u), 7);
	assert_int_equal(io.recvmmsg_calls, 2);		/* the next batch */
	assert_int_equal(f->aclose(fd, u), 0);
}

static void
test_close(void **state)
{
	struct udpio *u = *state;
	int a = open_sock(u, SOCK_DGRAM), b = open_sock(u, SOCK_DGRAM),
	    c = open_sock(u, SOCK_DGRAM);

	assert_int_equal(query(u, a, "to a"), 4);
	assert_int_equal(query(u, b, "to b"), 4);
	assert_int_equal(query(u, c, "to c"), 4);
	assert_int_equal(f->aclose(b, u), 0);		/* the middle of the flush list */
	assert_int_equal(io.sendmmsg_calls, 1);		/* what it held went first */
	expect_sent(0, b, 'm', "to b");
	udpio_flush(u);
	assert_int_equal(io.sendmmsg_calls, 3);
	assert_int_equal(io.n_sent, 3);
	assert_int_equal(f->aclose(a, u), 0);
	assert_int_equal(f->aclose(c, u), 0);
	udpio_flush(u);
	assert_int_equal(io.sendmmsg_calls, 3);
}

static void
test_tcp_passthrough(void **state)
{
	struct udpio *u = *state;
	int fd = open_sock(u, SOCK_STREAM);
	char buf[16];

	assert_int_equal(io.last_type, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
	assert_int_equal(query(u, fd, "tcp query"), 9);
	assert_int_equal(io.writev_calls, 1);		/* written at once */
	expect_sent(0, fd, 'w', "tcp query");
	udpio_flush(u);
	assert_int_equal(io.sendmmsg_calls, 0);
	assert_int_equal(send(io.peer[fd], "reply", 5, 0), 5);
	assert_int_equal(f->arecvfrom(fd, buf, sizeof(buf), 0, NULL, NULL, u), 5);
	assert_memory_equal(buf, "reply", 5);
	assert_int_equal(io.recvfrom_calls, 1);
	assert_int_equal(io.recvmmsg_calls, 0);
	assert_int_equal(f->aclose(fd, u), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_then_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recv_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recv_full_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_passthrough, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
