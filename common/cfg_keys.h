/*
 * cfg_keys — the table that defines every configuration key: its type,
 * where it lands in struct cfg, its bounds, its default and one line of
 * documentation. The loader (cfg.c) and the defaults printer both walk it,
 * so a key exists, is validated and is documented in exactly one place.
 */
#ifndef FW_CFG_KEYS_H
#define FW_CFG_KEYS_H

#include <stddef.h>

enum cfg_kind {
	CFG_K_STRING,
	CFG_K_NAME,		/* a string, not empty, unique within its list */
	CFG_K_INT,
	CFG_K_DURATION,		/* int64_t milliseconds */
	CFG_K_WATCH,		/* a duration that may be "forever" */
	CFG_K_SECTION,		/* a mapping of sub fields */
	CFG_K_LIST		/* a sequence of mappings of sub fields */
};

struct cfg_field {
	const char *key;
	enum cfg_kind kind;
	size_t off;			/* in the enclosing struct */
	long long min, max;		/* ints; durations in ms */
	const char *def;		/* default as YAML text; NULL = required */
	const char *doc;
	const struct cfg_field *sub;	/* SECTION and LIST: fields, {NULL} ended */
	size_t elem_size;		/* LIST: size of one element */
	size_t count_off;		/* LIST: offset of the size_t count */
	/* scalars, optional: NULL when TEXT is a good value, else why not ("is not ...") */
	const char *(*check)(const char *text);
	/*
	 * SECTION and LIST, optional: a rule across the fields of one entry at
	 * BASE, run once it is read. NULL when it holds, else why not, with *KEY
	 * set to the key the message points at.
	 */
	const char *(*check_entry)(const void *base, const char **key);
};

/* The top-level fields, ended by an entry whose key is NULL. */
extern const struct cfg_field cfg_root_fields[];

#endif
