/*
 * migrate — numbered SQL migrations, one transaction each.
 * The advisory lock key is fixed and documented in docs/ARCHITECTURE.md.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/migrate.h"
#include "storage/store.h"

#define MIGRATE_LOCK_KEY "7467737701"	/* pg_advisory_xact_lock key for schema changes */
#define MIGRATE_MAX_BYTES (4 * 1024 * 1024)

const char *
migrate_sql_dir(const char *configured)
{
	const char *env = getenv("FLUXWATCH_SQLDIR");

	if (configured != NULL && configured[0] != '\0')
		return configured;
	if (env != NULL && env[0] != '\0')
		return env;
	if (access(FW_PKGDATADIR "/sql/001_init.sql", R_OK) == 0)
		return FW_PKGDATADIR "/sql";
	return FW_SRCDIR "/sql";
}

/* Find DIR/NNN_*.sql for VERSION; path into out. 0, or -1 with err. */
static int
migrate_find(const char *dir, int version, char *out, size_t outlen, char *err, size_t errlen)
{
	char prefix[16];
	struct dirent *de;
	DIR *d = opendir(dir);
	int found = 0;

	if (d == NULL) {
		snprintf(err, errlen, "%s: cannot open migrations folder: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(prefix, sizeof(prefix), "%03d_", version);
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 && n > 4 &&
		    strcmp(de->d_name + n - 4, ".sql") == 0) {
			snprintf(out, outlen, "%s/%s", dir, de->d_name);
			found++;
		}
	}
	closedir(d);
	if (found != 1) {
		snprintf(err, errlen, "%s: %s migration %03d", dir,
		    found == 0 ? "missing" : "more than one file for", version);
		return -1;
	}
	return 0;
}

static char *
migrate_read(const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;

	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MIGRATE_MAX_BYTES + 1);
	if (buf == NULL) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	n = fread(buf, 1, MIGRATE_MAX_BYTES + 1, fp);
	fclose(fp);
	if (n > MIGRATE_MAX_BYTES) {
		free(buf);
		snprintf(err, errlen, "%s: larger than %d bytes", path, MIGRATE_MAX_BYTES);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * Apply migration VERSION unless another process already did: the version
 * is read again under the lock. Returns 1 applied, 0 already there, -1 error.
 */
static int
migrate_one(struct store *st, const char *dir, int version, char *err, size_t errlen)
{
	char path[4096], vtext[16], msg[STORE_ERRLEN];
	const char *params[2];
	char *sql = NULL;
	int cur, rc = -1;

	if (migrate_find(dir, version, path, sizeof(path), err, errlen) != 0 ||
	    (sql = migrate_read(path, err, errlen)) == NULL)
		return -1;
	if (store_exec(st, "BEGIN", 0, NULL, err, errlen) != 0)
		goto done;
	if (store_exec(st, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", 0, NULL,
	    err, errlen) != 0 ||
	    store_exec(st, "CREATE TABLE IF NOT EXISTS fluxwatch_schema (version int PRIMARY KEY, "
	    "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL,
	    err, errlen) != 0 ||
	    (cur = store_schema_version(st, err, errlen)) < 0)
		goto rollback;
	if (cur >= version) {
		rc = 0;
		goto rollback;
	}
	snprintf(vtext, sizeof(vtext), "%d", version);
	params[0] = vtext;
	params[1] = strrchr(path, '/') + 1;
	if (store_exec_script(st, sql, msg, sizeof(msg)) != 0) {
		snprintf(err, errlen, "%s: %s", path, msg);
		goto rollback;
	}
	if (store_exec(st, "INSERT INTO fluxwatch_schema (version, name) VALUES ($1, $2)",
	    2, params, err, errlen) != 0 ||
	    store_exec(st, "COMMIT", 0, NULL, err, errlen) != 0)
		goto rollback;
	free(sql);
	return 1;
rollback:
	store_exec(st, "ROLLBACK", 0, NULL, msg, sizeof(msg));
done:
	free(sql);
	return rc;
}

int
migrate_apply(struct store *st, const char *dir, int *from, int *to, char *err, size_t errlen)
{
	int v = store_schema_version(st, err, errlen);

	if (v < 0)
		return -1;
	*from = *to = v;
	if (v > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "database: schema version %d is newer than this "
		    "fluxwatch (%d); refusing to touch it", v, STORE_SCHEMA_VERSION);
		return -1;
	}
	for (int next = v + 1; next <= STORE_SCHEMA_VERSION; next++) {
		if (migrate_one(st, dir, next, err, errlen) < 0)
			return -1;
		*to = next;
	}
	return 0;
}
