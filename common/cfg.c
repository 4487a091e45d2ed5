/*
 * cfg — load and validate the YAML configuration.
 *
 * cfg_yaml composes the document tree within its bounds (with a line and
 * column on every node); this file walks it against cfg_root_fields. Every
 * rule is checked while its nodes are at hand, so each error names where
 * the offending value is: a value's own rule (cfg_field.check) as it is
 * stored, a rule across one entry (check_entry) once the entry is read, a
 * duplicate name as it is entered in a hash table of the list's names.
 * Defaults are applied by parsing each field's default text with the same
 * scalar parser the file goes through, so a default can never bypass a
 * bound. Errors are formatted once, as "FILE:LINE:COL: reason", into the
 * caller's buffer.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <search.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/cfg.h"
#include "common/cfg_keys.h"
#include "common/cfg_yaml.h"

struct cfg_ctx {
	const char *name;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

/* Report MSG at MARK (NULL: the file) and return -1. */
static int
cfg_fail_at(struct cfg_ctx *ctx, const yaml_mark_t *mark, const char *msg)
{
	if (mark != NULL)
		snprintf(ctx->err, ctx->errlen, "%s:%zu:%zu: %s", ctx->name, mark->line + 1,
		    mark->column + 1, msg);
	else
		snprintf(ctx->err, ctx->errlen, "%s: %s", ctx->name, msg);
	return -1;
}

/* Report at NODE (NULL: the file) and return -1. */
static int
cfg_fail(struct cfg_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
cfg_fail(struct cfg_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cfg_fail_at(ctx, node != NULL ? &node->start_mark : NULL, msg);
}

int
cfg_parse_duration(const char *text, int allow_forever, int64_t *ms)
{
	static const struct { const char *unit; int64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 }, { "w", 604800000 },
	};
	char *end;
	long long v;

	if (allow_forever && strcmp(text, "forever") == 0) {
		*ms = CFG_FOREVER;
		return 0;
	}
	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		if (v > INT64_MAX / units[i].ms)
			return -1;
		*ms = v * units[i].ms;
		return 0;
	}
	return -1;
}

static int
cfg_parse_int(const char *text, long long *out)
{
	char *end;

	if (text[0] == '\0')
		return -1;
	errno = 0;
	*out = strtoll(text, &end, 10);
	return (errno != 0 || *end != '\0') ? -1 : 0;
}

/* Store one scalar into the field at BASE; node is for messages (may be NULL). */
static int
cfg_set_scalar(struct cfg_ctx *ctx, const struct cfg_field *f, void *base,
    const char *text, const yaml_node_t *node)
{
	char *slot = (char *)base + f->off;
	long long iv;
	int64_t ms;

	switch (f->kind) {
	case CFG_K_STRING:
	case CFG_K_NAME: {
		const char *why = f->kind == CFG_K_NAME && text[0] == '\0' ?
		    "is empty (a name is required)" : f->check != NULL ? f->check(text) : NULL;
		char *copy;

		if (why != NULL)
			return cfg_fail(ctx, node, "%s: \"%s\" %s", f->key, text, why);
		if ((copy = strdup(text)) == NULL)
			return cfg_fail(ctx, node, "out of memory");
		free(*(char **)(void *)slot);
		*(char **)(void *)slot = copy;
		return 0;
	}
	case CFG_K_INT:
		if (cfg_parse_int(text, &iv) != 0)
			return cfg_fail(ctx, node, "%s: \"%s\" is not an integer", f->key, text);
		if (iv < f->min || iv > f->max)
			return cfg_fail(ctx, node, "%s: %lld is out of range %lld..%lld",
			    f->key, iv, f->min, f->max);
		*(int *)(void *)slot = (int)iv;
		return 0;
	case CFG_K_DURATION:
	case CFG_K_WATCH:
		if (cfg_parse_duration(text, f->kind == CFG_K_WATCH, &ms) != 0)
			return cfg_fail(ctx, node, "%s: \"%s\" is not a duration "
			    "(e.g. 500ms, 30s, 5m, 2h, 7d%s)", f->key, text,
			    f->kind == CFG_K_WATCH ? ", forever" : "");
		if (ms != CFG_FOREVER && (ms < f->min || ms > f->max))
			return cfg_fail(ctx, node, "%s: %s is out of range %lldms..%lldms",
			    f->key, text, f->min, f->max);
		*(int64_t *)(void *)slot = ms;
		return 0;
	default:
		return cfg_fail(ctx, node, "%s: internal error: not a scalar field", f->key);
	}
}

/* Apply defaults of FIELDS at BASE (sections recursively; lists start empty). */
static int
cfg_apply_defaults(struct cfg_ctx *ctx, const struct cfg_field *fields, void *base)
{
	for (const struct cfg_field *f = fields; f->key != NULL; f++) {
		if (f->kind == CFG_K_SECTION) {
			if (cfg_apply_defaults(ctx, f->sub, (char *)base + f->off) != 0)
				return -1;
		} else if (f->kind != CFG_K_LIST && f->def != NULL) {
			if (cfg_set_scalar(ctx, f, base, f->def, NULL) != 0)
				return -1;
		}
	}
	return 0;
}

static int cfg_walk_map(struct cfg_ctx *ctx, const struct cfg_field *fields,
    void *base, yaml_node_t *map);

static int
cfg_is_empty(const yaml_node_t *node)
{
	return node->type == YAML_SCALAR_NODE && node->data.scalar.length == 0 &&
	    node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* The value node of KEY in MAP, or NULL. MAP's keys are known fields, so this is short. */
static yaml_node_t *
cfg_map_get(const struct cfg_ctx *ctx, const yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);

		if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(ctx->doc, p->value);
	}
	return NULL;
}

/* F's rule across the entry at BASE, read from MAP; the error points at the key it names. */
static int
cfg_check_entry(struct cfg_ctx *ctx, const struct cfg_field *f, const void *base,
    const yaml_node_t *map)
{
	const char *key = NULL, *why;
	const yaml_node_t *at;

	if (f->check_entry == NULL || (why = f->check_entry(base, &key)) == NULL)
		return 0;
	at = key != NULL ? cfg_map_get(ctx, map, key) : NULL;
	return cfg_fail(ctx, at != NULL ? at : map, "%s: %s", f->key, why);
}

/* The names of one list's entries, each with the index of the entry that has it. */
struct cfg_names {
	const struct cfg_field *field;	/* the entries' CFG_K_NAME field; NULL: none */
	struct hsearch_data table;
};

static int
cfg_names_init(struct cfg_ctx *ctx, struct cfg_names *names, const struct cfg_field *sub,
    size_t n, const yaml_node_t *seq)
{
	memset(names, 0, sizeof(*names));
	for (const struct cfg_field *f = sub; f->key != NULL && names->field == NULL; f++)
		if (f->kind == CFG_K_NAME)
			names->field = f;
	if (names->field != NULL && !hcreate_r(2 * n, &names->table)) {	/* half full at most */
		names->field = NULL;
		return cfg_fail(ctx, seq, "out of memory");
	}
	return 0;
}

static void
cfg_names_free(struct cfg_names *names)
{
	if (names->field != NULL)
		hdestroy_r(&names->table);
}

/* Enter the name of entry I (at ELEM) of SEQ; a name used before is an error naming both. */
static int
cfg_names_add(struct cfg_ctx *ctx, struct cfg_names *names, const char *list,
    const yaml_node_t *seq, size_t i, const void *elem)
{
	ENTRY e, *found;
	const yaml_node_t *at, *first;

	if (names->field == NULL)
		return 0;
	e.key = *(char *const *)(const void *)((const char *)elem + names->field->off);
	e.data = (void *)(uintptr_t)i;
	if (!hsearch_r(e, ENTER, &found, &names->table))
		return cfg_fail(ctx, seq, "out of memory");
	if (found->data == e.data)
		return 0;
	at = cfg_map_get(ctx, yaml_document_get_node(ctx->doc, seq->data.sequence.items.start[i]),
	    names->field->key);
	first = cfg_map_get(ctx, yaml_document_get_node(ctx->doc,
	    seq->data.sequence.items.start[(uintptr_t)found->data]), names->field->key);
	return cfg_fail(ctx, at, "%s: %s \"%s\" is used twice (first at line %zu, column %zu)",
	    list, names->field->key, e.key, first->start_mark.line + 1, first->start_mark.column + 1);
}

/* Entry I of the list F: defaults, its keys, its rule, its name. */
static int
cfg_walk_entry(struct cfg_ctx *ctx, const struct cfg_field *f, struct cfg_names *names,
    const yaml_node_t *seq, size_t i, void *elem)
{
	yaml_node_t *item = yaml_document_get_node(ctx->doc, seq->data.sequence.items.start[i]);

	if (item->type != YAML_MAPPING_NODE)
		return cfg_fail(ctx, item, "%s: each entry must be a mapping", f->key);
	if (cfg_apply_defaults(ctx, f->sub, elem) != 0 || cfg_walk_map(ctx, f->sub, elem, item) != 0 ||
	    cfg_check_entry(ctx, f, elem, item) != 0)
		return -1;
	return cfg_names_add(ctx, names, f->key, seq, i, elem);
}

static int
cfg_walk_list(struct cfg_ctx *ctx, const struct cfg_field *f, void *base, yaml_node_t *seq)
{
	void **items = (void **)(void *)((char *)base + f->off);
	size_t *count = (size_t *)(void *)((char *)base + f->count_off);
	struct cfg_names names;
	size_t n;
	int rc = 0;

	if (cfg_is_empty(seq))
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return cfg_fail(ctx, seq, "%s: expected a list", f->key);
	n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	if (n == 0)
		return 0;
	*items = calloc(n, f->elem_size);
	if (*items == NULL || cfg_names_init(ctx, &names, f->sub, n, seq) != 0)
		return cfg_fail(ctx, seq, "out of memory");
	for (size_t i = 0; i < n && rc == 0; i++) {
		*count = i + 1;	/* cfg_free() frees a half-read entry too */
		rc = cfg_walk_entry(ctx, f, &names, seq, i, (char *)*items + i * f->elem_size);
	}
	cfg_names_free(&names);
	return rc;
}

static int
cfg_set_node(struct cfg_ctx *ctx, const struct cfg_field *f, void *base, yaml_node_t *val)
{
	switch (f->kind) {
	case CFG_K_SECTION:
		if (cfg_is_empty(val))
			return 0;
		if (val->type != YAML_MAPPING_NODE)
			return cfg_fail(ctx, val, "%s: expected a mapping", f->key);
		if (cfg_walk_map(ctx, f->sub, (char *)base + f->off, val) != 0)
			return -1;
		return cfg_check_entry(ctx, f, (char *)base + f->off, val);
	case CFG_K_LIST:
		return cfg_walk_list(ctx, f, base, val);
	default:
		if (val->type != YAML_SCALAR_NODE)
			return cfg_fail(ctx, val, "%s: expected a single value", f->key);
		return cfg_set_scalar(ctx, f, base, (const char *)val->data.scalar.value, val);
	}
}

static const struct cfg_field *
cfg_find(const struct cfg_field *fields, const char *key)
{
	for (const struct cfg_field *f = fields; f->key != NULL; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

static int
cfg_walk_map(struct cfg_ctx *ctx, const struct cfg_field *fields, void *base, yaml_node_t *map)
{
	uint64_t seen = 0;	/* bit i: fields[i] was given */

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(ctx->doc, p->value);
		const struct cfg_field *f;
		const char *key;

		if (k->type != YAML_SCALAR_NODE)
			return cfg_fail(ctx, k, "keys must be plain words");
		key = (const char *)k->data.scalar.value;
		f = cfg_find(fields, key);
		if (f == NULL)
			return cfg_fail(ctx, k, "unknown key \"%s\"", key);
		assert(f - fields < 64);
		if (seen & (UINT64_C(1) << (f - fields)))
			return cfg_fail(ctx, k, "duplicate key \"%s\"", key);
		seen |= UINT64_C(1) << (f - fields);
		if (cfg_set_node(ctx, f, base, v) != 0)
			return -1;
	}
	for (const struct cfg_field *f = fields; f->key != NULL; f++) {
		if (f->def == NULL && *(char **)(void *)((char *)base + f->off) == NULL)
			return cfg_fail(ctx, map, "missing required key \"%s\"", f->key);
	}
	return 0;
}

static int
cfg_load_doc(struct cfg_ctx *ctx, const char *text, size_t len, struct cfg *cfg)
{
	yaml_document_t doc;
	yaml_node_t *root;
	yaml_mark_t where;
	char why[256];
	int rc;

	if (cfg_yaml_compose(text, len, &doc, &where, why, sizeof(why)) != 0)
		return cfg_fail_at(ctx, &where, why);
	ctx->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || cfg_is_empty(root))
		rc = 0;
	else if (root->type != YAML_MAPPING_NODE)
		rc = cfg_fail(ctx, root, "the configuration must be a mapping of sections");
	else
		rc = cfg_walk_map(ctx, cfg_root_fields, cfg, root);
	yaml_document_delete(&doc);
	ctx->doc = NULL;
	return rc;
}

/* Fill *cfg from TEXT (NULL: defaults only); PATH is kept in cfg->path. */
static int
cfg_load_text(struct cfg_ctx *ctx, const char *text, size_t len, const char *path,
    struct cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (cfg_apply_defaults(ctx, cfg_root_fields, cfg) != 0)
		goto fail;
	if (text != NULL && cfg_load_doc(ctx, text, len, cfg) != 0)
		goto fail;
	if (path != NULL && (cfg->path = strdup(path)) == NULL) {
		cfg_fail(ctx, NULL, "out of memory");
		goto fail;
	}
	return 0;
fail:
	cfg_free(cfg);
	return -1;
}

int
cfg_load_string(const char *name, const char *text, size_t len, struct cfg *cfg,
    char *err, size_t errlen)
{
	struct cfg_ctx ctx = { name, NULL, err, errlen };

	return cfg_load_text(&ctx, text, len, name, cfg);
}

/* All of FP, at most CFG_MAX_BYTES, into *TEXT (the caller frees it). */
static int
cfg_read(struct cfg_ctx *ctx, FILE *fp, char **text, size_t *len)
{
	size_t cap = 65536, n = 0, got;
	char *buf = malloc(cap), *bigger;

	while (buf != NULL && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
		if ((n += got) < cap)
			continue;
		if (n > CFG_MAX_BYTES) {
			free(buf);
			return cfg_fail(ctx, NULL, "larger than %d bytes (the limit)", CFG_MAX_BYTES);
		}
		cap = cap * 2 > CFG_MAX_BYTES ? (size_t)CFG_MAX_BYTES + 1 : cap * 2;
		if ((bigger = realloc(buf, cap)) == NULL)
			free(buf);
		buf = bigger;
	}
	if (buf == NULL)
		return cfg_fail(ctx, NULL, "out of memory");
	if (ferror(fp)) {
		free(buf);
		return cfg_fail(ctx, NULL, "cannot read: %s", strerror(errno));
	}
	*text = buf;
	*len = n;
	return 0;
}

int
cfg_load(const char *path, struct cfg *cfg, char *err, size_t errlen)
{
	struct cfg_ctx ctx = { path, NULL, err, errlen };
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if (path == NULL) {
		ctx.name = "(defaults)";
		return cfg_load_text(&ctx, NULL, 0, NULL, cfg);
	}
	memset(cfg, 0, sizeof(*cfg));
	if ((fp = fopen(path, "r")) == NULL)
		return cfg_fail(&ctx, NULL, "cannot open: %s", strerror(errno));
	rc = cfg_read(&ctx, fp, &text, &len);
	fclose(fp);
	if (rc != 0)
		return -1;
	rc = cfg_load_text(&ctx, text, len, path, cfg);
	free(text);
	return rc;
}

static void
cfg_free_fields(const struct cfg_field *fields, void *base)
{
	for (const struct cfg_field *f = fields; f->key != NULL; f++) {
		void *slot = (char *)base + f->off;

		if (f->kind == CFG_K_STRING || f->kind == CFG_K_NAME) {
			free(*(char **)slot);
			*(char **)slot = NULL;
		} else if (f->kind == CFG_K_SECTION) {
			cfg_free_fields(f->sub, slot);
		} else if (f->kind == CFG_K_LIST) {
			size_t *count = (size_t *)(void *)((char *)base + f->count_off);
			char *items = *(char **)slot;

			for (size_t i = 0; i < *count; i++)
				cfg_free_fields(f->sub, items + i * f->elem_size);
			free(items);
			*(char **)slot = NULL;
			*count = 0;
		}
	}
}

void
cfg_free(struct cfg *cfg)
{
	if (cfg == NULL)
		return;
	cfg_free_fields(cfg_root_fields, cfg);
	free(cfg->path);
	cfg->path = NULL;
}

/* Lines of a list's entry template start with "#": a list's default is empty. */
static void
cfg_print_fields(FILE *out, const struct cfg_field *fields, int indent, int in_list,
    const char *hash)
{
	for (const struct cfg_field *f = fields; f->key != NULL; f++) {
		const char *lead = (in_list && f == fields) ? "- " : (in_list ? "  " : "");

		fprintf(out, "%s%*s# %s\n", hash, indent + (int)strlen(lead) - (f == fields) * 2, "",
		    f->doc);
		if (f->kind == CFG_K_SECTION) {
			fprintf(out, "%s%*s%s%s:\n", hash, indent, "", lead, f->key);
			cfg_print_fields(out, f->sub, indent + 2, 0, hash);
		} else if (f->kind == CFG_K_LIST) {
			fprintf(out, "%s%*s%s%s:   # none; each entry has these keys:\n", hash, indent, "",
			    lead, f->key);
			cfg_print_fields(out, f->sub, indent + 2, 1, "#");
		} else if (f->def == NULL) {
			fprintf(out, "%s%*s%s%s:   # required\n", hash, indent, "", lead, f->key);
		} else {
			fprintf(out, "%s%*s%s%s: \"%s\"\n", hash, indent, "", lead, f->key, f->def);
		}
	}
}

void
cfg_print_defaults(FILE *out)
{
	fprintf(out, "# fluxwatch configuration: every key with its default.\n"
	    "# Durations: 500ms, 30s, 5m, 2h, 7d, 1w, or a bare number of seconds.\n"
	    "# Limits: at most %d bytes, lists and mappings nested %d deep, %d entries in\n"
	    "# one list or mapping (so %d resolvers and %d feeds), no aliases (*name).\n",
	    CFG_MAX_BYTES, CFG_MAX_DEPTH, CFG_MAX_ENTRIES, CFG_MAX_ENTRIES, CFG_MAX_ENTRIES);
	cfg_print_fields(out, cfg_root_fields, 0, 0, "");
}
