/*
 * vantages — registration of a vantage by name.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "storage/store.h"
#include "storage/vantages.h"

int
vantages_register(struct store *st, const char *name, const char *address, int port, int *id,
    char *err, size_t errlen)
{
	char ptext[8];
	const char *p[3] = { name, address, ptext };
	struct store_res *res;

	snprintf(ptext, sizeof(ptext), "%d", port);
	res = store_query(st, "INSERT INTO vantages (name, address, port) VALUES ($1, $2, $3) "
	    "ON CONFLICT (name) DO UPDATE SET address = EXCLUDED.address, port = EXCLUDED.port "
	    "RETURNING id", 3, p, err, errlen);
	if (res == NULL)
		return -1;
	*id = (int)strtol(store_res_value(res, 0, 0), NULL, 10);
	store_res_free(res);
	return 0;
}
