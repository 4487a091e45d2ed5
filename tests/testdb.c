/*
 * testdb — per-process scratch databases named fwtest_<pid>_<n>.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "storage/store.h"
#include "tests/testdb.h"

static char dbname[64];
static char conninfo[128];

static struct store *
admin(void)
{
	char err[STORE_ERRLEN];
	struct store *st = store_open("dbname=postgres", err, sizeof(err));
	const char *req = getenv("FW_REQUIRE_DB");

	if (st == NULL && req != NULL && strcmp(req, "1") == 0)
		fail_msg("no PostgreSQL server: %s", err);
	return st;
}

const char *
testdb_create(void)
{
	static int serial;
	char sql[160], err[STORE_ERRLEN];
	struct store *st = admin();

	if (st == NULL)
		return NULL;
	snprintf(dbname, sizeof(dbname), "fwtest_%ld_%d", (long)getpid(), ++serial);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", dbname);
	if (store_exec(st, sql, 0, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	store_close(st);
	snprintf(conninfo, sizeof(conninfo), "dbname=%s", dbname);
	return conninfo;
}

void
testdb_drop(void)
{
	char sql[160], err[STORE_ERRLEN];
	struct store *st;

	if (dbname[0] == '\0' || (st = admin()) == NULL)
		return;
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
	if (store_exec(st, sql, 0, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	store_close(st);
	dbname[0] = '\0';
}
