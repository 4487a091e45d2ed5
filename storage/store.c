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
#include "storage/store.h"

struct store {
	PGconn *conn;
};

void
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

	/* a script of comments only (a migration kept for its number) is no error */
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) {
		store_errmsg("database", res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(st->conn), err, errlen);
		PQclear(res);
		return -1;
	}
	PQclear(res);
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
	PGresult *res = store_query(st, "SELECT to_regclass($1) IS NOT NULL", 1, params,
	    err, errlen);
	int exists;

	if (res == NULL)
		return -1;
	exists = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	out[0] = '\0';
	if (!exists)
		return 0;
	if ((res = store_query(st, sql, 0, NULL, err, errlen)) == NULL)
		return -1;
	if (PQntuples(res) > 0)
		snprintf(out, outlen, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
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
