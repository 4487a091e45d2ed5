/*
 * store_pq — what the files of storage/ share about libpq, and nothing
 * outside storage/ includes: the connection of a store and how a failure is
 * recorded on it.
 */
#ifndef FW_STORE_PQ_H
#define FW_STORE_PQ_H

#include <libpq-fe.h>

#include "storage/store.h"

/* The libpq connection, borrowed: valid until store_close(). */
PGconn *store_conn(struct store *st);

/* A call on ST begins: store_fault() will speak of it (NONE until it fails). */
void store_note_start(struct store *st);

/* Record a failure of ST from RES (NULL: none came back). */
void store_note_failure(struct store *st, const PGresult *res);

/* store_note_failure(), and "database: MESSAGE" (RES's, else the connection's) into err. */
void store_fail(struct store *st, const PGresult *res, char *err, size_t errlen);

/* Record a permanent failure of ST caused by data refused before sending. */
void store_note_data_failure(struct store *st);

#endif
