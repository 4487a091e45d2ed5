/*
 * connect — opening the database the way every verb does it: the
 * configuration's conninfo (or libpq's PG* environment), the schema version
 * checked, a failure logged once.
 */
#ifndef FW_CONNECT_H
#define FW_CONNECT_H

struct cfg;
struct store;

/* Connect per CFG and check the schema. Logs the reason and returns NULL on failure. */
struct store *store_connect(const struct cfg *cfg);

#endif
