/*
 * store_copy — the COPY row builder, in PostgreSQL's text or binary format.
 *
 * Text rows escape each field, so data from the network can never break a
 * row. Binary rows carry each field as its length and its value in the
 * type's wire form: no escaping and no parsing of numbers, timestamps and
 * addresses on the server, which is where the crawler's COPYs spent most of
 * their time. Rows are buffered up to STORE_COPY_CHUNK before sending.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/store_pq.h"

/* Seconds from the Unix epoch to PostgreSQL's (2000-01-01 00:00:00 UTC). */
#define STORE_PG_EPOCH_S 946684800LL
/* inet's address families on the wire (PGSQL_AF_INET, PGSQL_AF_INET6). */
#define STORE_PG_AF_INET 2
#define STORE_PG_AF_INET6 3

struct store_copy {
	struct store *st;
	PGconn *conn;
	char *buf;
	size_t len;
	int fields;		/* fields in the current text row */
	int binary;
	int failed;
	int sent_failed;	/* libpq could not send: the connection, not the data */
	char err[STORE_ERRLEN];
};

static struct store_copy *
store_copy_start(struct store *st, const char *sql, int binary, char *err, size_t errlen)
{
	PGconn *conn = store_conn(st);
	struct store_copy *cp;
	PGresult *res;

	store_note_start(st);
	res = PQexec(conn, sql);

	if (PQresultStatus(res) != PGRES_COPY_IN) {
		store_fail(st, res, err, errlen);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	cp = calloc(1, sizeof(*cp));
	if (cp == NULL || (cp->buf = malloc(STORE_COPY_CHUNK * 2)) == NULL) {
		free(cp);
		PQputCopyEnd(conn, "out of memory");
		PQclear(PQgetResult(conn));
		snprintf(err, errlen, "database: out of memory");
		return NULL;
	}
	cp->st = st;
	cp->conn = conn;
	cp->binary = binary;
	return cp;
}

struct store_copy *
store_copy_begin(struct store *st, const char *sql, char *err, size_t errlen)
{
	return store_copy_start(st, sql, 0, err, errlen);
}

struct store_copy *
store_copy_begin_binary(struct store *st, const char *sql, char *err, size_t errlen)
{
	/* signature, flags (no OIDs), header extension length */
	static const char header[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
	struct store_copy *cp = store_copy_start(st, sql, 1, err, errlen);

	if (cp != NULL) {
		memcpy(cp->buf, header, sizeof(header));
		cp->len = sizeof(header);
	}
	return cp;
}

static int
store_copy_flush(struct store_copy *cp)
{
	if (cp->len == 0 || cp->failed)
		return cp->failed ? -1 : 0;
	if (PQputCopyData(cp->conn, cp->buf, (int)cp->len) != 1) {
		store_errmsg("database", PQerrorMessage(cp->conn), cp->err, sizeof(cp->err));
		cp->failed = cp->sent_failed = 1;
		return -1;
	}
	cp->len = 0;
	return 0;
}

/* Room for N more octets; flushes when the chunk is full. */
static int
store_copy_reserve(struct store_copy *cp, size_t n)
{
	if (cp->len + n <= STORE_COPY_CHUNK * 2)
		return 0;
	if (store_copy_flush(cp) != 0)
		return -1;
	if (n > STORE_COPY_CHUNK * 2) {
		snprintf(cp->err, sizeof(cp->err), "database: COPY field too long");
		cp->failed = 1;
		return -1;
	}
	return 0;
}

size_t
store_copy_escape(char *dst, const char *val, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = val[i], esc = 0;

		switch (c) {
		case '\\': esc = '\\'; break;
		case '\t': esc = 't'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		default: break;
		}
		if (esc != 0) {
			dst[n++] = '\\';
			c = esc;
		}
		dst[n++] = c;
	}
	return n;
}

int
store_copy_field(struct store_copy *cp, const char *val, size_t len)
{
	size_t worst = (val != NULL ? len * 2 : 2) + 1;

	if (store_copy_reserve(cp, worst) != 0)
		return -1;
	if (cp->fields++ > 0)
		cp->buf[cp->len++] = '\t';
	if (val == NULL) {
		memcpy(cp->buf + cp->len, "\\N", 2);
		cp->len += 2;
		return 0;
	}
	cp->len += store_copy_escape(cp->buf + cp->len, val, len);
	return 0;
}

int
store_copy_fieldz(struct store_copy *cp, const char *val)
{
	return store_copy_field(cp, val, val != NULL ? strlen(val) : 0);
}

int
store_copy_end_row(struct store_copy *cp)
{
	if (store_copy_reserve(cp, 1) != 0)
		return -1;
	cp->buf[cp->len++] = '\n';
	cp->fields = 0;
	return cp->len >= STORE_COPY_CHUNK ? store_copy_flush(cp) : 0;
}

/* Big-endian V in SIZE octets, unchecked: the caller reserved the room. */
static void
store_copy_put(struct store_copy *cp, uint64_t v, int size)
{
	for (int i = size - 1; i >= 0; i--)
		cp->buf[cp->len++] = (char)(v >> (8 * i));
}

int
store_copy_bin_row(struct store_copy *cp, int nfields)
{
	if (cp->len >= STORE_COPY_CHUNK && store_copy_flush(cp) != 0)
		return -1;
	if (store_copy_reserve(cp, 2) != 0)
		return -1;
	store_copy_put(cp, (uint64_t)nfields, 2);
	return 0;
}

static int
store_copy_bin_bytes(struct store_copy *cp, const void *val, size_t len)
{
	if (store_copy_reserve(cp, 4 + (val != NULL ? len : 0)) != 0)
		return -1;
	if (val == NULL) {
		store_copy_put(cp, UINT32_MAX, 4);	/* length -1: NULL */
		return 0;
	}
	store_copy_put(cp, len, 4);
	memcpy(cp->buf + cp->len, val, len);
	cp->len += len;
	return 0;
}

int
store_copy_bin_text(struct store_copy *cp, const char *val)
{
	return store_copy_bin_bytes(cp, val, val != NULL ? strlen(val) : 0);
}

int
store_copy_bin_int(struct store_copy *cp, int64_t v, int size)
{
	if (store_copy_reserve(cp, 4 + (size_t)size) != 0)
		return -1;
	store_copy_put(cp, (uint64_t)size, 4);
	store_copy_put(cp, (uint64_t)v, size);
	return 0;
}

int
store_copy_bin_time(struct store_copy *cp, int64_t unix_us)
{
	return store_copy_bin_int(cp, unix_us - STORE_PG_EPOCH_S * 1000000, 8);
}

int
store_copy_bin_inet(struct store_copy *cp, const char *addr)
{
	unsigned char a[4 + 16];
	int v6 = addr != NULL && strchr(addr, ':') != NULL;

	if (addr == NULL)
		return store_copy_bin_bytes(cp, NULL, 0);
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, a + 4) != 1) {
		snprintf(cp->err, sizeof(cp->err), "database: not an address: \"%.64s\"", addr);
		cp->failed = 1;
		return -1;
	}
	a[0] = v6 ? STORE_PG_AF_INET6 : STORE_PG_AF_INET;
	a[1] = v6 ? 128 : 32;	/* netmask bits: a host address */
	a[2] = 0;		/* inet, not cidr */
	a[3] = v6 ? 16 : 4;
	return store_copy_bin_bytes(cp, a, 4 + (size_t)a[3]);
}

int
store_copy_finish(struct store_copy *cp, int abort, char *err, size_t errlen)
{
	PGconn *conn = cp->conn;
	PGresult *res;
	int rc = 0;

	if (!abort && cp->binary && store_copy_reserve(cp, 2) == 0)
		store_copy_put(cp, UINT16_MAX, 2);	/* trailer: field count -1 */
	if (!abort && store_copy_flush(cp) != 0)
		abort = 1;
	if (PQputCopyEnd(conn, abort ? "aborted by fluxwatch" : NULL) != 1)
		rc = -1;
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0 && !cp->failed) {
			store_note_failure(cp->st, res);
			store_errmsg("database", PQresultErrorMessage(res), cp->err,
			    sizeof(cp->err));
			rc = -2;
		}
		PQclear(res);
	}
	if (rc == -1 || cp->sent_failed)
		store_note_failure(cp->st, NULL);	/* the connection failed us */
	else if (cp->failed)
		store_note_data_failure(cp->st);	/* a field we could not send */
	if (cp->failed || rc != 0 || abort) {
		snprintf(err, errlen, "%s", cp->err[0] != '\0' ? cp->err : "database: COPY aborted");
		rc = -1;
	}
	free(cp->buf);
	free(cp);
	return rc;
}
