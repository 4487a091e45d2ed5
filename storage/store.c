/*
 * store — libpq connection and parameterised queries (COPY: store_copy.c).
 * All SQL that carries data uses parameters or COPY; no SQL text is ever
 * built from a domain name or anything else that came from outside.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/migrate.h"
#include "storage/store_pq.h"

struct store {
	PGconn *conn;
	enum store_fault fault;
	char sqlstate[6];
};

/*
 * SQLSTATE classes that say the statement's data is at fault: 22 data
 * exception, 23 integrity constraint violation. The same data fails the
 * same way again; anything else (the connection, the server, a missing
 * table, a permission, a read-only standby) may pass once mended.
 */
static int
store_data_class(const char *sqlstate)
{
	return strncmp(sqlstate, "22", 2) == 0 || strncmp(sqlstate, "23", 2) == 0;
}

void
store_note_failure(struct store *st, const PGresult *res)
{
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	snprintf(st->sqlstate, sizeof(st->sqlstate), "%s", state != NULL ? state : "");
	st->fault = state != NULL && PQstatus(st->conn) == CONNECTION_OK &&
	    store_data_class(state) ? STORE_FAULT_PERMANENT : STORE_FAULT_TRANSIENT;
}

void
store_fail(struct store *st, const PGresult *res, char *err, size_t errlen)
{
	store_note_failure(st, res);
	store_errmsg("database", res != NULL ? PQresultErrorMessage(res) :
	    PQerrorMessage(st->conn), err, errlen);
}

void
store_note_start(struct store *st)
{
	st->fault = STORE_FAULT_NONE;	/* the SQLSTATE stays that of the last failure */
}

void
store_note_data_failure(struct store *st)
{
	st->sqlstate[0] = '\0';
	st->fault = STORE_FAULT_PERMANENT;
}

int
store_reconnect(struct store *st, char *err, size_t errlen)
{
	if (PQstatus(st->conn) == CONNECTION_OK)
		return 0;
	PQreset(st->conn);
	if (PQstatus(st->conn) == CONNECTION_OK)
		return 0;
	store_errmsg("database", PQerrorMessage(st->conn), err, errlen);
	return -1;
}

enum store_fault
store_fault(const struct store *st)
{
	return st->fault;
}

const char *
store_sqlstate(const struct store *st)
{
	return st->sqlstate;
}

void
store_errmsg(const char *what, const char *pqmsg, char *err, size_t errlen)
{
	size_t n = strlen(pqmsg);

	while (n > 0 && (pqmsg[n - 1] == '\n' || pqmsg[n - 1] == ' '))
		n--;
	snprintf(err, errlen, "%s: %.*s", what, (int)n, pqmsg);
	for (char *c = err; *c != '\0'; c++)	/* DETAIL and CONTEXT lines: one log line */
		if (*c == '\n')
			*c = ' ';
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

/* A store_res is a PGresult that has left storage/. */
static const PGresult *
store_pg(const struct store_res *r)
{
	return (const PGresult *)r;
}

int
store_res_rows(const struct store_res *r)
{
	return PQntuples(store_pg(r));
}

int
store_res_cols(const struct store_res *r)
{
	return PQnfields(store_pg(r));
}

const char *
store_res_name(const struct store_res *r, int col)
{
	return PQfname(store_pg(r), col);
}

const char *
store_res_value(const struct store_res *r, int row, int col)
{
	return PQgetvalue(store_pg(r), row, col);
}

int
store_res_length(const struct store_res *r, int row, int col)
{
	return PQgetlength(store_pg(r), row, col);
}

int
store_res_is_null(const struct store_res *r, int row, int col)
{
	return PQgetisnull(store_pg(r), row, col);
}

const char *
store_res_affected(const struct store_res *r)
{
	return PQcmdTuples((PGresult *)r);
}

void
store_res_free(struct store_res *r)
{
	PQclear((PGresult *)r);
}

struct store_res *
store_query(struct store *st, const char *sql, int nparams, const char *const *params,
    char *err, size_t errlen)
{
	PGresult *res;
	ExecStatusType s;

	store_note_start(st);	/* store_fault() speaks of this call */
	res = PQexecParams(st->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	s = PQresultStatus(res);

	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return (struct store_res *)res;
	store_fail(st, res, err, errlen);
	PQclear(res);
	return NULL;
}

int
store_exec(struct store *st, const char *sql, int nparams, const char *const *params,
    char *err, size_t errlen)
{
	struct store_res *res = store_query(st, sql, nparams, params, err, errlen);

	if (res == NULL)
		return -1;
	store_res_free(res);
	return 0;
}

int
store_each(struct store *st, const char *sql, int nparams, const char *const *params,
    int (*fn)(const struct store_res *row, void *arg), void *arg, char *err, size_t errlen)
{
	PGresult *res;
	int rc = 0, stopped = 0;

	store_note_start(st);
	if (!PQsendQueryParams(st->conn, sql, nparams, NULL, params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(st->conn)) {
		store_fail(st, NULL, err, errlen);
		return -1;
	}
	while ((res = PQgetResult(st->conn)) != NULL) {
		ExecStatusType s = PQresultStatus(res);

		if (s == PGRES_SINGLE_TUPLE && !stopped)
			stopped = fn((const struct store_res *)res, arg) != 0;
		else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && rc == 0) {
			store_fail(st, res, err, errlen);
			rc = -1;
		}
		PQclear(res);
	}
	if (stopped && rc == 0) {
		snprintf(err, errlen, "stopped while reading the rows");
		rc = -1;
	}
	return rc;
}

int
store_exec_script(struct store *st, const char *sql, char *err, size_t errlen)
{
	PGresult *res;
	ExecStatusType s;

	store_note_start(st);
	res = PQexec(st->conn, sql);
	s = PQresultStatus(res);

	/* a script of comments only (a migration kept for its number) is no error */
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) {
		store_fail(st, res, err, errlen);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

int
store_now(struct store *st, char *buf, size_t len, char *err, size_t errlen)
{
	struct store_res *res = store_query(st, "SELECT now()::text", 0, NULL, err, errlen);

	if (res == NULL)
		return -1;
	snprintf(buf, len, "%s", store_res_value(res, 0, 0));
	store_res_free(res);
	return 0;
}

/*
 * The first column of SQL's first row into out: "" when TABLE, one of the
 * bookkeeping tables of db init, does not exist yet or SQL gives no row.
 * 0, or -1 with err.
 */
static int
store_bookkeeping(struct store *st, const char *table, const char *sql, char *out,
    size_t outlen, char *err, size_t errlen)
{
	const char *params[1] = { table };
	struct store_res *res = store_query(st, "SELECT to_regclass($1) IS NOT NULL", 1, params,
	    err, errlen);
	int exists;

	if (res == NULL)
		return -1;
	exists = store_res_value(res, 0, 0)[0] == 't';
	store_res_free(res);
	out[0] = '\0';
	if (!exists)
		return 0;
	if ((res = store_query(st, sql, 0, NULL, err, errlen)) == NULL)
		return -1;
	if (store_res_rows(res) > 0)
		snprintf(out, outlen, "%s", store_res_value(res, 0, 0));
	store_res_free(res);
	return 0;
}

int
store_schema_version(struct store *st, char *err, size_t errlen)
{
	char v[16];

	if (store_bookkeeping(st, "fluxwatch_schema",
	    "SELECT coalesce(max(version), 0) FROM fluxwatch_schema", v, sizeof(v), err, errlen) != 0)
		return -1;
	return (int)strtol(v, NULL, 10);
}

int
store_definitions_checksum(struct store *st, char *sum, size_t sumlen, char *err, size_t errlen)
{
	return store_bookkeeping(st, "fluxwatch_definitions",
	    "SELECT checksum FROM fluxwatch_definitions ORDER BY id DESC LIMIT 1", sum, sumlen,
	    err, errlen);
}

int
store_check_schema(struct store *st, char *err, size_t errlen)
{
	char sum[64];
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
	/* the same tables with other functions or views (an upgrade without a migration) */
	if (store_definitions_checksum(st, sum, sizeof(sum), err, errlen) != 0)
		return -1;
	if (strcmp(sum, STORE_DEFINITIONS_MD5) != 0) {
		snprintf(err, errlen, "database: its functions and views are not those of this "
		    "fluxwatch (md5 %s, needs %s); run \"fluxwatch db init\"",
		    sum[0] != '\0' ? sum : "none", STORE_DEFINITIONS_MD5);
		return -1;
	}
	return 0;
}
