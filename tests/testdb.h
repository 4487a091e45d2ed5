/*
 * testdb — a throw-away database on the real PostgreSQL server for
 * integration tests (reached through the PG* environment that script/pg
 * env prints). When no server answers, tests are skipped, unless
 * FW_REQUIRE_DB=1 (set by script/test), where that is a failure.
 */
#ifndef FW_TESTDB_H
#define FW_TESTDB_H

/*
 * Create an empty database and return a conninfo for it (static storage),
 * or NULL when no server is reachable and skipping is allowed.
 */
const char *testdb_create(void);

/* Drop the database testdb_create() made. */
void testdb_drop(void);

#endif
