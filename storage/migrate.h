/*
 * migrate — bring the database schema to STORE_SCHEMA_VERSION.
 *
 * Migrations are the files sql/NNN_name.sql. Each is applied in its own
 * transaction, under an advisory lock so two "db init" runs at once are
 * safe, and recorded in the table fluxwatch_schema. Applying is idempotent;
 * a database whose schema is newer than this program is refused.
 */
#ifndef FW_MIGRATE_H
#define FW_MIGRATE_H

#include <stddef.h>

/* The schema this build of fluxwatch reads and writes. */
#define STORE_SCHEMA_VERSION 8

struct store;

/*
 * The folder holding the migrations: CONFIGURED when not empty, else
 * $FLUXWATCH_SQLDIR, else the installed package data dir when it exists,
 * else the source tree's sql/. Borrowed string.
 */
const char *migrate_sql_dir(const char *configured);

/*
 * Apply every missing migration from DIR. *from and *to receive the
 * versions before and after. Returns 0, or -1 with err filled (the failing
 * migration's transaction is rolled back; earlier ones stay).
 */
int migrate_apply(struct store *st, const char *dir, int *from, int *to,
    char *err, size_t errlen);

#endif
