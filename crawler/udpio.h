/*
 * udpio — batched UDP for the c-ares channels. c-ares sends each query with
 * its own send() and reads each answer with its own recvfrom(); on a busy
 * crawler those system calls are most of its CPU. These socket functions
 * (ares_set_socket_functions) queue outgoing datagrams until udpio_flush()
 * sends them with one sendmmsg() per socket, and read incoming ones with
 * recvmmsg() in batches. TCP sockets pass straight through.
 */
#ifndef FW_UDPIO_H
#define FW_UDPIO_H

#include <ares.h>

struct udpio;

/* RCVBUF: receive buffer asked for each UDP socket. NULL when out of memory. */
struct udpio *udpio_create(int rcvbuf);

/* Free the state; the sockets themselves are closed by their channels. */
void udpio_destroy(struct udpio *u);

/* The functions to hand to ares_set_socket_functions() with U as user data. */
const struct ares_socket_functions *udpio_functions(void);

/* Send every queued datagram. */
void udpio_flush(struct udpio *u);

#endif
