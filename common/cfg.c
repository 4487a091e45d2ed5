/*
 * cfg — load and validate the YAML configuration.
 *
 * libyaml builds the document tree (with a line and column on every node);
 * this file walks it against cfg_root_fields. Defaults are applied by
 * parsing each field's default text with the same scalar parser the file
 * goes through, so a default can never bypass a bound. Errors are formatted
 * once, as "FILE:LINE:COL: reason", into the caller's buffer.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/cfg.h"
#include "common/cfg_keys.h"
#include "scheduler/feed_parse.h"

struct cfg_ctx {
	const char *name;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

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
	if (node != NULL)
		snprintf(ctx->err, ctx->errlen, "%s:%zu:%zu: %s", ctx->name,
		    node->start_mark.line + 1, node->start_mark.column + 1, msg);
	else
		snprintf(ctx->err, ctx->errlen, "%s: %s", ctx->name, msg);
	return -1;
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
	case CFG_K_STRING: {
		char *copy = strdup(text);

		if (copy == NULL)
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

static int
cfg_walk_list(struct cfg_ctx *ctx, const struct cfg_field *f, void *base, yaml_node_t *seq)
{
	void **items = (void **)(void *)((char *)base + f->off);
	size_t *count = (size_t *)(void *)((char *)base + f->count_off);
	size_t n;

	if (cfg_is_empty(seq))
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return cfg_fail(ctx, seq, "%s: expected a list", f->key);
	n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	if (n == 0)
		return 0;
	*items = calloc(n, f->elem_size);
	if (*items == NULL)
		return cfg_fail(ctx, seq, "out of memory");
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = yaml_document_get_node(ctx->doc,
		    seq->data.sequence.items.start[i]);
		void *elem = (char *)*items + i * f->elem_size;

		*count = i + 1;
		if (item->type != YAML_MAPPING_NODE)
			return cfg_fail(ctx, item, "%s: each entry must be a mapping", f->key);
		if (cfg_apply_defaults(ctx, f->sub, elem) != 0 ||
		    cfg_walk_map(ctx, f->sub, elem, item) != 0)
			return -1;
	}
	return 0;
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
		return cfg_walk_map(ctx, f->sub, (char *)base + f->off, val);
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
	yaml_node_pair_t *p, *q;

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
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
		for (q = map->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *prev = yaml_document_get_node(ctx->doc, q->key);

			if (prev->type == YAML_SCALAR_NODE &&
			    strcmp((const char *)prev->data.scalar.value, key) == 0)
				return cfg_fail(ctx, k, "duplicate key \"%s\"", key);
		}
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
cfg_check_unique(struct cfg_ctx *ctx, const char *what, const void *items,
    size_t n, size_t size)
{
	for (size_t i = 0; i < n; i++) {
		const char *a = *(char *const *)(const void *)((const char *)items + i * size);

		for (size_t j = 0; j < i; j++) {
			const char *b = *(char *const *)(const void *)((const char *)items + j * size);

			if (strcmp(a, b) == 0)
				return cfg_fail(ctx, NULL, "%s name \"%s\" is used twice", what, a);
		}
	}
	return 0;
}

static int
cfg_check(struct cfg_ctx *ctx, const struct cfg *cfg)
{
	unsigned char buf[sizeof(struct in6_addr)];

	for (size_t i = 0; i < cfg->n_resolvers; i++) {
		const char *a = cfg->resolvers[i].address;

		if (inet_pton(AF_INET, a, buf) != 1 && inet_pton(AF_INET6, a, buf) != 1)
			return cfg_fail(ctx, NULL, "resolver \"%s\": address \"%s\" is not an "
			    "IPv4 or IPv6 address", cfg->resolvers[i].name, a);
	}
	for (size_t i = 0; i < cfg->n_feeds; i++) {
		const struct cfg_feed *f = &cfg->feeds[i];

		if (feed_format_from_name(f->format) < 0)
			return cfg_fail(ctx, NULL, "feed \"%s\": unknown format \"%s\"",
			    f->name, f->format);
		if (strcmp(f->format, "csv") == 0 && f->column[0] == '\0')
			return cfg_fail(ctx, NULL, "feed \"%s\": format csv needs column:", f->name);
		if (strncmp(f->url, "http://", 7) != 0 && strncmp(f->url, "https://", 8) != 0 &&
		    strncmp(f->url, "file://", 7) != 0)
			return cfg_fail(ctx, NULL, "feed \"%s\": url must be https://, http:// "
			    "or file://", f->name);
	}
	if (cfg->schedule.min_interval_ms > cfg->schedule.max_interval_ms)
		return cfg_fail(ctx, NULL, "schedule: min_interval is longer than max_interval");
	if (cfg_check_unique(ctx, "resolver", cfg->resolvers, cfg->n_resolvers,
	    sizeof(struct cfg_resolver)) != 0)
		return -1;
	return cfg_check_unique(ctx, "feed", cfg->feeds, cfg->n_feeds, sizeof(struct cfg_feed));
}

static int
cfg_load_doc(struct cfg_ctx *ctx, yaml_parser_t *parser, struct cfg *cfg)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int rc;

	if (!yaml_parser_load(parser, &doc))
		return cfg_fail(ctx, NULL, "%zu:%zu: %s", parser->problem_mark.line + 1,
		    parser->problem_mark.column + 1,
		    parser->problem != NULL ? parser->problem : "malformed YAML");
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

static int
cfg_load_parser(struct cfg_ctx *ctx, yaml_parser_t *parser, const char *path, struct cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (cfg_apply_defaults(ctx, cfg_root_fields, cfg) != 0)
		goto fail;
	if (parser != NULL && cfg_load_doc(ctx, parser, cfg) != 0)
		goto fail;
	if (cfg_check(ctx, cfg) != 0)
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
	yaml_parser_t parser;
	int rc;

	if (!yaml_parser_initialize(&parser))
		return cfg_fail(&ctx, NULL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	rc = cfg_load_parser(&ctx, &parser, name, cfg);
	yaml_parser_delete(&parser);
	return rc;
}

int
cfg_load(const char *path, struct cfg *cfg, char *err, size_t errlen)
{
	struct cfg_ctx ctx = { path, NULL, err, errlen };
	yaml_parser_t parser;
	FILE *fp;
	int rc;

	if (path == NULL) {
		ctx.name = "(defaults)";
		return cfg_load_parser(&ctx, NULL, NULL, cfg);
	}
	fp = fopen(path, "r");
	if (fp == NULL) {
		memset(cfg, 0, sizeof(*cfg));
		return cfg_fail(&ctx, NULL, "cannot open: %s", strerror(errno));
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(fp);
		return cfg_fail(&ctx, NULL, "out of memory");
	}
	yaml_parser_set_input_file(&parser, fp);
	rc = cfg_load_parser(&ctx, &parser, path, cfg);
	yaml_parser_delete(&parser);
	fclose(fp);
	return rc;
}

static void
cfg_free_fields(const struct cfg_field *fields, void *base)
{
	for (const struct cfg_field *f = fields; f->key != NULL; f++) {
		void *slot = (char *)base + f->off;

		if (f->kind == CFG_K_STRING) {
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

static void
cfg_print_fields(FILE *out, const struct cfg_field *fields, int indent, int in_list)
{
	for (const struct cfg_field *f = fields; f->key != NULL; f++) {
		const char *lead = (in_list && f == fields) ? "- " : (in_list ? "  " : "");

		fprintf(out, "%*s# %s\n", indent, "", f->doc);
		if (f->kind == CFG_K_SECTION) {
			fprintf(out, "%*s%s%s:\n", indent, "", lead, f->key);
			cfg_print_fields(out, f->sub, indent + 2, 0);
		} else if (f->kind == CFG_K_LIST) {
			fprintf(out, "%*s%s%s:\n", indent, "", lead, f->key);
			cfg_print_fields(out, f->sub, indent + 2, 1);
		} else if (f->def == NULL) {
			fprintf(out, "%*s%s%s:   # required\n", indent, "", lead, f->key);
		} else {
			fprintf(out, "%*s%s%s: \"%s\"\n", indent, "", lead, f->key, f->def);
		}
	}
}

void
cfg_print_defaults(FILE *out)
{
	fputs("# fluxwatch configuration: every key with its default.\n"
	    "# Durations: 500ms, 30s, 5m, 2h, 7d, 1w, or a bare number of seconds.\n", out);
	cfg_print_fields(out, cfg_root_fields, 0, 0);
}
