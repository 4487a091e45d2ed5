/*
 * vantages — the resolvers observations are measured through, as rows of
 * the vantages table: every observation carries its vantage's id.
 */
#ifndef FW_VANTAGES_H
#define FW_VANTAGES_H

#include <stddef.h>

struct store;

/*
 * Record the vantage NAME at ADDRESS:PORT (its address and port updated
 * when it exists) and put its id in *id. 0, or -1 with err.
 */
int vantages_register(struct store *st, const char *name, const char *address, int port,
    int *id, char *err, size_t errlen);

#endif
