/*
 * domains — the tracked-domain tables: bulk import from a source and listing.
 *
 * An import streams names into a temporary table with COPY and then merges
 * them set-based in the same transaction, so a million-line list costs one
 * COPY and three statements, and either all of it lands or none does.
 * Names must already be normalised (common/name.h).
 */
#ifndef FW_STORE_DOMAINS_H
#define FW_STORE_DOMAINS_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_import;

struct store_import_stats {
	long long rows;		/* names given */
	long long distinct;	/* distinct among them */
	long long added;	/* new to fluxwatch */
	long long known;	/* already tracked */
};

/*
 * Start an import for the source NAME of KIND ("seed" or "feed"); URL and
 * FORMAT may be NULL. WATCH_MS is how long the domains stay tracked from
 * now (CFG_FOREVER for ever). NULL with err on failure.
 */
struct store_import *store_import_begin(struct store *st, const char *kind,
    const char *name, const char *url, const char *format, int64_t watch_ms,
    char *err, size_t errlen);

/* Add one normalised name. 0, or -1 with the import failed (finish reports). */
int store_import_add(struct store_import *im, const char *name);

/*
 * Merge and commit (or roll back when abort, or on any earlier failure).
 * Frees im. 0 with stats filled, or -1 with err.
 */
int store_import_finish(struct store_import *im, int abort,
    struct store_import_stats *stats, char *err, size_t errlen);

/*
 * Create the source NAME of KIND, or find it (updating url and format when
 * given). Its id goes to *id. 0, or -1 with err (also when NAME exists as
 * the other kind).
 */
int store_source_ensure(struct store *st, const char *kind, const char *name,
    const char *url, const char *format, long long *id, char *err, size_t errlen);

/*
 * Call fn for every tracked domain (of source SOURCE when not NULL), in
 * name order, streaming. Returns 0, or -1 with err (unknown source too).
 */
int store_domains_list(struct store *st, const char *source,
    void (*fn)(const char *name, void *arg), void *arg, char *err, size_t errlen);

#endif
