/*
 * migrate — bring the database to the schema and SQL definitions this
 * program was built with.
 *
 * Two kinds of SQL live under the sql folder. Migrations, sql/NNN_name.sql,
 * change tables, indexes and data; each is applied once and recorded in the
 * table fluxwatch_schema. Definitions, sql/definitions/NN_name.sql, hold
 * every function and view once, in its current form (CREATE OR REPLACE);
 * they are all applied, in name order, after the migrations, and the md5 of
 * their text is recorded in fluxwatch_definitions. Both happen in ONE
 * transaction under an advisory lock, so two "db init" runs at once are
 * safe and a failure leaves the database as it was.
 *
 * The schema version and the definitions' md5 this build expects come from
 * the files at build time (storage/sql_schema.h, made by script/sqlschema);
 * store_check_schema() compares both at connect. A database whose schema is
 * newer than this program is refused.
 */
#ifndef FW_MIGRATE_H
#define FW_MIGRATE_H

#include <stddef.h>

#include "storage/sql_schema.h"	/* STORE_SCHEMA_VERSION, STORE_DEFINITIONS_MD5 */

struct store;

/*
 * The folder holding the migrations (and definitions/ below it): CONFIGURED
 * when not empty, else $FLUXWATCH_SQLDIR, else the installed package data
 * dir when it exists, else the source tree's sql/. Borrowed string.
 */
const char *migrate_sql_dir(const char *configured);

/*
 * Apply every missing migration from DIR, then every definition from
 * DIR/definitions, in one transaction. *from and *to receive the schema
 * versions before and after. A database already at STORE_SCHEMA_VERSION
 * whose recorded definitions are this build's is left alone (DIR is not
 * read). Logs when definitions were applied, and warns when those in DIR
 * are not the ones this program was built with. Returns 0, or -1 with err
 * filled and everything rolled back.
 */
int migrate_apply(struct store *st, const char *dir, int *from, int *to,
    char *err, size_t errlen);

#endif
