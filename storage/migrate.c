/*
 * migrate — numbered SQL migrations, then the definitions of functions and
 * views, in one transaction. The advisory lock key is fixed and documented
 * in docs/ARCHITECTURE.md.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "storage/migrate.h"
#include "storage/store.h"

#define MIGRATE_LOCK_KEY "7467737701"	/* pg_advisory_xact_lock key for schema changes */
#define MIGRATE_MAX_BYTES (4 * 1024 * 1024)	/* one file, and all definitions together */
#define MIGRATE_MAX_DEFINITIONS 256	/* files in sql/definitions */

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

/* NAME ends in ".sql" and is not hidden. */
static int
migrate_is_sql(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".sql") == 0;
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
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 && migrate_is_sql(de->d_name)) {
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

/* Run the script at PATH; its errors name the file. 0, or -1 with err. */
static int
migrate_run_file(struct store *st, const char *path, char **text, char *err, size_t errlen)
{
	char msg[STORE_ERRLEN];
	char *sql = migrate_read(path, err, errlen);

	if (sql == NULL)
		return -1;
	if (store_exec_script(st, sql, msg, sizeof(msg)) != 0) {
		snprintf(err, errlen, "%s: %s", path, msg);
		free(sql);
		return -1;
	}
	*text = sql;
	return 0;
}

/* Apply migration VERSION inside the open transaction and record it. 0 or -1. */
static int
migrate_one(struct store *st, const char *dir, int version, char *err, size_t errlen)
{
	char path[4096], vtext[16];
	const char *params[2];
	char *sql = NULL;
	int rc;

	if (migrate_find(dir, version, path, sizeof(path), err, errlen) != 0 ||
	    migrate_run_file(st, path, &sql, err, errlen) != 0)
		return -1;
	free(sql);
	snprintf(vtext, sizeof(vtext), "%d", version);
	params[0] = vtext;
	params[1] = strrchr(path, '/') + 1;
	rc = store_exec(st, "INSERT INTO fluxwatch_schema (version, name) VALUES ($1, $2)",
	    2, params, err, errlen);
	return rc;
}

static int
migrate_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The *.sql names in DEFS, sorted bytewise (the order script/sqlschema
 * checks). *names is malloc'd with each name; free with migrate_names_free.
 */
static int
migrate_list(const char *defs, char ***names, size_t *n, char *err, size_t errlen)
{
	struct dirent *de;
	DIR *d = opendir(defs);
	char **v;

	*names = NULL;
	*n = 0;
	if (d == NULL) {
		snprintf(err, errlen, "%s: cannot open definitions folder: %s", defs, strerror(errno));
		return -1;
	}
	if ((v = calloc(MIGRATE_MAX_DEFINITIONS, sizeof(*v))) == NULL) {
		closedir(d);
		snprintf(err, errlen, "%s: out of memory", defs);
		return -1;
	}
	*names = v;
	while ((de = readdir(d)) != NULL) {
		if (!migrate_is_sql(de->d_name))
			continue;
		if (*n == MIGRATE_MAX_DEFINITIONS) {
			snprintf(err, errlen, "%s: more than %d definition files", defs,
			    MIGRATE_MAX_DEFINITIONS);
			break;
		}
		if ((v[*n] = strdup(de->d_name)) == NULL) {
			snprintf(err, errlen, "%s: out of memory", defs);
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (de != NULL)
		return -1;
	if (*n == 0) {
		snprintf(err, errlen, "%s: no definition files", defs);
		return -1;
	}
	qsort(v, *n, sizeof(*v), migrate_name_cmp);
	return 0;
}

static void
migrate_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * Apply every file of DIR/definitions in name order inside the open
 * transaction, and record the md5 of their concatenated text (computed by
 * PostgreSQL, returned in sum). 0, or -1 with err.
 */
static int
migrate_definitions(struct store *st, const char *dir, char *sum, size_t sumlen,
    char *err, size_t errlen)
{
	char defs[4096], path[4096 + 256];
	char **names = NULL, *all = NULL, *sql;
	size_t n = 0, len = 0;
	const char *params[1];
	struct store_res *res = NULL;
	int rc = -1;

	snprintf(defs, sizeof(defs), "%s/definitions", dir);
	if (migrate_list(defs, &names, &n, err, errlen) != 0)
		goto done;
	if ((all = malloc(MIGRATE_MAX_BYTES + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", defs);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k;

		snprintf(path, sizeof(path), "%s/%s", defs, names[i]);
		if (migrate_run_file(st, path, &sql, err, errlen) != 0)
			goto done;
		k = strlen(sql);
		if (k > MIGRATE_MAX_BYTES - len) {
			free(sql);
			snprintf(err, errlen, "%s: definitions larger than %d bytes together", defs,
			    MIGRATE_MAX_BYTES);
			goto done;
		}
		memcpy(all + len, sql, k);
		len += k;
		free(sql);
	}
	all[len] = '\0';
	params[0] = all;
	res = store_query(st, "INSERT INTO fluxwatch_definitions (checksum) VALUES (md5($1)) "
	    "RETURNING checksum", 1, params, err, errlen);
	if (res == NULL)
		goto done;
	snprintf(sum, sumlen, "%s", store_res_value(res, 0, 0));
	rc = 0;
done:
	store_res_free(res);
	free(all);
	migrate_names_free(names, n);
	return rc;
}

int
migrate_apply(struct store *st, const char *dir, int *from, int *to, char *err, size_t errlen)
{
	char sum[64], msg[STORE_ERRLEN];
	int v;

	*from = *to = 0;
	if (store_exec(st, "BEGIN", 0, NULL, err, errlen) != 0)
		return -1;
	/* the state is read under the lock: another db init may have just done the work */
	if (store_exec(st, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", 0, NULL,
	    err, errlen) != 0 ||
	    store_exec(st, "CREATE TABLE IF NOT EXISTS fluxwatch_schema (version int PRIMARY KEY, "
	    "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL,
	    err, errlen) != 0 ||
	    (v = store_schema_version(st, err, errlen)) < 0 ||
	    store_definitions_checksum(st, sum, sizeof(sum), err, errlen) != 0)
		goto rollback;
	*from = *to = v;
	if (v > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "database: schema version %d is newer than this "
		    "fluxwatch (%d); refusing to touch it", v, STORE_SCHEMA_VERSION);
		goto rollback;
	}
	if (v == STORE_SCHEMA_VERSION && strcmp(sum, STORE_DEFINITIONS_MD5) == 0) {
		store_exec(st, "ROLLBACK", 0, NULL, msg, sizeof(msg));	/* nothing to do */
		return 0;
	}
	for (int next = v + 1; next <= STORE_SCHEMA_VERSION; next++)
		if (migrate_one(st, dir, next, err, errlen) != 0)
			goto rollback;
	if (migrate_definitions(st, dir, sum, sizeof(sum), err, errlen) != 0 ||
	    store_exec(st, "COMMIT", 0, NULL, err, errlen) != 0)
		goto rollback;
	*to = STORE_SCHEMA_VERSION;
	log_info("db init: functions and views applied from %s/definitions (md5 %s)", dir, sum);
	if (strcmp(sum, STORE_DEFINITIONS_MD5) != 0)
		log_warnx("db init: %s/definitions are not the definitions this fluxwatch was "
		    "built with (md5 %s); its verbs will ask for \"db init\" again", dir,
		    STORE_DEFINITIONS_MD5);
	return 0;
rollback:
	store_exec(st, "ROLLBACK", 0, NULL, msg, sizeof(msg));
	*to = *from;
	return -1;
}
