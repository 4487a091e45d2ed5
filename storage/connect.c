/*
 * connect — store_open() and store_check_schema() with the errors logged.
 */
#include "config.h"

#include "common/cfg.h"
#include "common/log.h"
#include "storage/connect.h"
#include "storage/store.h"

struct store *
store_connect(const struct cfg *cfg)
{
	char err[STORE_ERRLEN];
	struct store *st = store_open(cfg->database.conninfo, err, sizeof(err));

	if (st == NULL) {
		log_warnx("%s", err);
		return NULL;
	}
	if (store_check_schema(st, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		store_close(st);
		return NULL;
	}
	return st;
}
