/*
 * store — the PostgreSQL connection every verb uses, and the COPY writer.
 *
 * store owns libpq: it connects (conninfo from the config, or libpq's PG*
 * environment when that is empty), applies numbered migrations and the
 * definitions of functions and views from sql/ (storage/migrate.c) and
 * checks both at connect. libpq's messages are translated here, once, into
 * the caller's error buffer; passwords never appear in them.
 *
 * Bulk rows go through COPY (storage/store_copy.c): in text format
 * store_copy_* escapes each field (backslash, tab, newline, carriage return)
 * so data from the network can never break a row; in binary format each
 * field travels as its length and value. Rows are buffered up to
 * STORE_COPY_CHUNK before sending.
 */
#ifndef FW_STORE_H
#define FW_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_ERRLEN 512
#define STORE_COPY_CHUNK 65536
#define STORE_CONNECT_TIMEOUT "10"	/* seconds, unless the conninfo says otherwise */

struct store;

/*
 * Connect with CONNINFO ("" = PG* environment). Returns NULL with the
 * reason in err on failure.
 */
struct store *store_open(const char *conninfo, char *err, size_t errlen);

/* Close and free; NULL is a no-op. */
void store_close(struct store *st);

/*
 * What the last call on ST that failed says. PERMANENT: the server refused
 * the statement's data (SQLSTATE classes 22 and 23, or a value refused
 * before sending): the same data fails the same way again. TRANSIENT:
 * anything else (the connection, the server, a missing table, a permission,
 * a read-only standby): worth retrying, on a new connection, once mended.
 * NONE after a call that succeeded (so read it before a ROLLBACK).
 */
enum store_fault { STORE_FAULT_NONE, STORE_FAULT_TRANSIENT, STORE_FAULT_PERMANENT };
enum store_fault store_fault(const struct store *st);

/* The SQLSTATE of the last failure on ST ("" when there was none). Borrowed. */
const char *store_sqlstate(const struct store *st);

/* Open a new connection in place of a lost one (a no-op when it is fine): 0 or -1 with err. */
int store_reconnect(struct store *st, char *err, size_t errlen);

/*
 * The rows a statement returned, as text: the only form in which results
 * leave storage/, so no module above it touches libpq.
 */
struct store_res;

/*
 * Run SQL with text parameters (NULL entries are SQL NULL). Returns the
 * result on success (caller store_res_free()s it), or NULL with err filled
 * and store_fault() set. A lost connection stays lost: the caller decides
 * whether to open a new one (store_reconnect()).
 */
struct store_res *store_query(struct store *st, const char *sql, int nparams,
    const char *const *params, char *err, size_t errlen);

int store_res_rows(const struct store_res *r);
int store_res_cols(const struct store_res *r);
/* Column COL's name. Borrowed, valid until store_res_free(). */
const char *store_res_name(const struct store_res *r, int col);
/* The value at ROW, COL as text ("" for NULL). Borrowed, valid until store_res_free(). */
const char *store_res_value(const struct store_res *r, int row, int col);
int store_res_length(const struct store_res *r, int row, int col);
int store_res_is_null(const struct store_res *r, int row, int col);
/* The number of rows an INSERT, UPDATE or DELETE touched, as text. Borrowed. */
const char *store_res_affected(const struct store_res *r);
/* Free a result; NULL is a no-op. */
void store_res_free(struct store_res *r);

/*
 * Run SQL and call FN once per row as it arrives (one row in ROW, row 0),
 * so a large result is never held whole. FN returns 0 to go on, non-zero
 * to stop (the rest of the rows are read and dropped). Returns 0, or -1
 * with err (the query failed, or FN stopped it: err then says so).
 */
int store_each(struct store *st, const char *sql, int nparams, const char *const *params,
    int (*fn)(const struct store_res *row, void *arg), void *arg, char *err, size_t errlen);

/* store_query for statements whose result is not needed: 0 or -1. */
int store_exec(struct store *st, const char *sql, int nparams,
    const char *const *params, char *err, size_t errlen);

/* Run a script of several statements (no parameters; only comments is no error): 0 or -1. */
int store_exec_script(struct store *st, const char *sql, char *err, size_t errlen);

/* The database's time now (timestamptz as text) into buf: 0, or -1 with err. */
int store_now(struct store *st, char *buf, size_t len, char *err, size_t errlen);

/* Schema version recorded in the database (0 when none). -1 on error. */
int store_schema_version(struct store *st, char *err, size_t errlen);

/*
 * The md5 of the SQL definitions db init last applied into sum ("" when
 * none). 0, or -1 with err.
 */
int store_definitions_checksum(struct store *st, char *sum, size_t sumlen,
    char *err, size_t errlen);

/*
 * Check the database holds exactly the schema this program was built for
 * (STORE_SCHEMA_VERSION) and its functions and views (the md5 of
 * sql/definitions, STORE_DEFINITIONS_MD5); otherwise say to run "db init",
 * or that the database is newer. Every verb but db init connects through
 * this check. 0 or -1.
 */
int store_check_schema(struct store *st, char *err, size_t errlen);

/* "WHAT: libpq's message" into err, on one line (its DETAIL and CONTEXT lines joined). */
void store_errmsg(const char *what, const char *pqmsg, char *err, size_t errlen);

/* COPY row builder, text or binary format. */
struct store_copy;

/* Begin "COPY ... FROM STDIN" (SQL given whole). NULL with err on failure. */
struct store_copy *store_copy_begin(struct store *st, const char *sql,
    char *err, size_t errlen);

/* VAL's LEN octets as a COPY text field into DST (room for 2 x LEN): octets written. */
size_t store_copy_escape(char *dst, const char *val, size_t len);

/* Append one field (NULL = SQL NULL) of LEN octets; fields end with store_copy_end_row. */
int store_copy_field(struct store_copy *cp, const char *val, size_t len);
int store_copy_fieldz(struct store_copy *cp, const char *val);
int store_copy_end_row(struct store_copy *cp);

/*
 * Begin "COPY ... FROM STDIN WITH (FORMAT binary)" and send the header.
 * Each row is store_copy_bin_row() with its field count, then one call per
 * field, in the table's column types: int of SIZE 2, 4 or 8 octets
 * (smallint, integer, bigint); time in microseconds since the Unix epoch
 * (timestamptz); text (NULL = SQL NULL); inet from an address's text form
 * (NULL = SQL NULL; anything else fails the COPY with the address named).
 */
struct store_copy *store_copy_begin_binary(struct store *st, const char *sql,
    char *err, size_t errlen);
int store_copy_bin_row(struct store_copy *cp, int nfields);
int store_copy_bin_int(struct store_copy *cp, int64_t v, int size);
int store_copy_bin_time(struct store_copy *cp, int64_t unix_us);
int store_copy_bin_text(struct store_copy *cp, const char *val);
int store_copy_bin_inet(struct store_copy *cp, const char *addr);

/*
 * Finish the COPY (abort = 1 cancels it). Returns 0, or -1 with err; frees
 * cp either way.
 */
int store_copy_finish(struct store_copy *cp, int abort, char *err, size_t errlen);

#endif
