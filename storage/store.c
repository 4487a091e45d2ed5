/*
 * store — libpq connection, parameterised queries and the COPY writer.
 * All SQL that carries data uses parameters or COPY; no SQL text is ever
 * built from a domain name or anything else that came from outside.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/migrate.h"
#include "storage/store.h"

struct store {
	PGconn *conn;
};

struct store_copy {
	struct store *st;
	char *buf;
	size_t len;
	int fields;		/* fields in the current row */
	int failed;
	char err[STORE_ERRLEN];
};

/* Copy libpq's message without its trailing newline. */
static void
store_errmsg(const char *what, const char *pqmsg, char *err, size_t errlen)
{
	size_t n = strlen(pqmsg);

	while (n > 0 && (pqmsg[n - 1] == '\n' || pqmsg[n - 1] == ' '))
		n--;
	snprintf(err, errlen, "%s: %.*s", what, (int)n, pqmsg);
}

static void
store_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;	/* NOTICEs (e.g. "relation exists, skipping") are not errors */
}

struct store *
store_open(const char *conninfo, char *err, size_t errlen)
{
	/* conninfo expands into the parameters; connect_timeout bounds a dead server */
	static const char *const keys[] = { "dbname", "connect_timeout", NULL };
	const char *vals[] = { conninfo != NULL ? conninfo : "", STORE_CONNECT_TIMEOUT, NULL };
	struct store *st = calloc(1, sizeof(*st));

	if (st == NULL) {
		snprintf(err, errlen, "database: out of memory");
		return NULL;
	}
	st->conn = PQconnectdbParams(keys, vals, 1);
	if (st->conn == NULL || PQstatus(st->conn) != CONNECTION_OK) {
		store_errmsg("database", st->conn != NULL ? PQerrorMessage(st->conn) :
		    "out of memory", err, errlen);
		store_close(st);
		return NULL;
	}
	PQsetNoticeProcessor(st->conn, store_notice, NULL);
	return st;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	PQfinish(st->conn);
	free(st);
}

PGconn *
store_conn(struct store *st)
{
	return st->conn;
}

PGresult *
store_query(struct store *st, const char *sql, int nparams, const char *const *params,
    char *err, size_t errlen)
{
	PGresult *res;
	ExecStatusType s;

	/* a connection lost to a server restart is re-established here, once per query */
	if (PQstatus(st->conn) == CONNECTION_BAD)
		PQreset(st->conn);
	res = PQexecParams(st->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	s = PQresultStatus(res);

	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return res;
	store_errmsg("database", res != NULL ? PQresultErrorMessage(res) :
	    PQerrorMessage(st->conn), err, errlen);
	PQclear(res);
	return NULL;
}

int
store_exec(struct store *st, const char *sql, int nparams, const char *const *params,
    char *err, size_t errlen)
{
	PGresult *res = store_query(st, sql, nparams, params, err, errlen);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
store_exec_script(struct store *st, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(st->conn, sql);
	ExecStatusType s = PQresultStatus(res);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		store_errmsg("database", res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(st->conn), err, errlen);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

int
store_schema_version(struct store *st, char *err, size_t errlen)
{
	PGresult *res = store_query(st, "SELECT to_regclass('fluxwatch_schema') IS NOT NULL",
	    0, NULL, err, errlen);
	int exists, v;

	if (res == NULL)
		return -1;
	exists = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (!exists)
		return 0;
	res = store_query(st, "SELECT coalesce(max(version), 0) FROM fluxwatch_schema",
	    0, NULL, err, errlen);
	if (res == NULL)
		return -1;
	v = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return v;
}

int
store_check_schema(struct store *st, char *err, size_t errlen)
{
	int v = store_schema_version(st, err, errlen);

	if (v < 0)
		return -1;
	if (v > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "database: schema version %d is newer than this "
		    "fluxwatch (%d); upgrade fluxwatch", v, STORE_SCHEMA_VERSION);
		return -1;
	}
	if (v < STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "database: schema version %d, this fluxwatch needs %d; "
		    "run \"fluxwatch db init\"", v, STORE_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

struct store_copy *
store_copy_begin(struct store *st, const char *sql, char *err, size_t errlen)
{
	struct store_copy *cp;
	PGresult *res = PQexec(st->conn, sql);

	if (PQresultStatus(res) != PGRES_COPY_IN) {
		store_errmsg("database", PQresultErrorMessage(res), err, errlen);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	cp = calloc(1, sizeof(*cp));
	if (cp == NULL || (cp->buf = malloc(STORE_COPY_CHUNK * 2)) == NULL) {
		free(cp);
		PQputCopyEnd(st->conn, "out of memory");
		PQclear(PQgetResult(st->conn));
		snprintf(err, errlen, "database: out of memory");
		return NULL;
	}
	cp->st = st;
	return cp;
}

static int
store_copy_flush(struct store_copy *cp)
{
	if (cp->len == 0 || cp->failed)
		return cp->failed ? -1 : 0;
	if (PQputCopyData(cp->st->conn, cp->buf, (int)cp->len) != 1) {
		store_errmsg("database", PQerrorMessage(cp->st->conn), cp->err, sizeof(cp->err));
		cp->failed = 1;
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
			cp->buf[cp->len++] = '\\';
			c = esc;
		}
		cp->buf[cp->len++] = c;
	}
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

int
store_copy_finish(struct store_copy *cp, int abort, char *err, size_t errlen)
{
	PGconn *conn = cp->st->conn;
	PGresult *res;
	int rc = 0;

	if (!abort && store_copy_flush(cp) != 0)
		abort = 1;
	if (PQputCopyEnd(conn, abort ? "aborted by fluxwatch" : NULL) != 1)
		rc = -1;
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0 && !cp->failed) {
			store_errmsg("database", PQresultErrorMessage(res), cp->err,
			    sizeof(cp->err));
			rc = -1;
		}
		PQclear(res);
	}
	if (cp->failed || rc != 0 || abort) {
		snprintf(err, errlen, "%s", cp->err[0] != '\0' ? cp->err : "database: COPY aborted");
		rc = -1;
	}
	free(cp->buf);
	free(cp);
	return rc;
}
