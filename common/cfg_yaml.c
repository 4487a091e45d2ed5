/*
 * cfg_yaml — compose a bounded YAML document from libyaml's events.
 *
 * A stack of the open collections (at most CFG_MAX_DEPTH) says where each
 * new node goes: appended to a sequence, or as the key, then the value, of
 * a mapping's pair. Items are counted as they start, so an oversized list
 * stops at its first item too many, before anything below it is read.
 * libyaml's own scanner looks at most about a thousand characters ahead, so
 * stopping here bounds its work as well.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "common/cfg.h"
#include "common/cfg_yaml.h"

struct cfg_yaml_frame {
	int node;	/* the open collection */
	int key;	/* mapping: the key waiting for its value; 0 none */
	int name;	/* the key whose value this collection is; 0 none */
	size_t count;	/* items, or pairs, so far */
};

struct cfg_yaml {
	yaml_document_t *doc;
	struct cfg_yaml_frame stack[CFG_MAX_DEPTH];
	int depth;
	yaml_mark_t *where;
	char *why;
	size_t whylen;
};

static int
cfg_yaml_fail(struct cfg_yaml *y, yaml_mark_t mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
cfg_yaml_fail(struct cfg_yaml *y, yaml_mark_t mark, const char *fmt, ...)
{
	va_list ap;

	*y->where = mark;
	va_start(ap, fmt);
	vsnprintf(y->why, y->whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Where byte OFFSET of TEXT is: lines end at \n, \r\n or \r; columns count characters. */
static void
cfg_yaml_offset_mark(const char *text, size_t len, size_t offset, yaml_mark_t *m)
{
	memset(m, 0, sizeof(*m));
	m->index = offset;
	for (size_t i = 0; i < offset && i < len; i++) {
		if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		if (text[i] == '\n' || text[i] == '\r') {
			m->line++;
			m->column = 0;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			m->column++;	/* not a UTF-8 continuation byte */
		}
	}
}

static int
cfg_yaml_parse_error(struct cfg_yaml *y, const yaml_parser_t *p, const char *text, size_t len)
{
	yaml_mark_t mark = p->problem_mark;

	if (p->error == YAML_MEMORY_ERROR)
		return cfg_yaml_fail(y, mark, "out of memory");
	if (p->error == YAML_READER_ERROR) {	/* libyaml gives a byte offset only */
		cfg_yaml_offset_mark(text, len, p->problem_offset, &mark);
		return cfg_yaml_fail(y, mark, "%s (0x%02X)", p->problem, (unsigned)p->problem_value);
	}
	return cfg_yaml_fail(y, mark, "%s", p->problem != NULL ? p->problem : "malformed YAML");
}

/* Count a new item of the innermost collection (a key, for a mapping) against the bound. */
static int
cfg_yaml_count(struct cfg_yaml *y, yaml_mark_t mark)
{
	struct cfg_yaml_frame *f = y->depth > 0 ? &y->stack[y->depth - 1] : NULL;
	const yaml_node_t *name;

	if (f == NULL || f->key != 0 || ++f->count <= CFG_MAX_ENTRIES)
		return 0;
	name = f->name != 0 ? yaml_document_get_node(y->doc, f->name) : NULL;
	if (name != NULL && name->type == YAML_SCALAR_NODE)
		return cfg_yaml_fail(y, mark, "%s: more than %d entries (the limit)",
		    (const char *)name->data.scalar.value, CFG_MAX_ENTRIES);
	return cfg_yaml_fail(y, mark, "more than %d entries in one list or mapping (the limit)",
	    CFG_MAX_ENTRIES);
}

/* Give node ID its position and put it where the innermost collection expects it. */
static int
cfg_yaml_attach(struct cfg_yaml *y, int id, const yaml_event_t *ev)
{
	struct cfg_yaml_frame *f = y->depth > 0 ? &y->stack[y->depth - 1] : NULL;
	yaml_node_t *node = id != 0 ? yaml_document_get_node(y->doc, id) : NULL;
	int ok = 1;

	if (node == NULL)
		return cfg_yaml_fail(y, ev->start_mark, "out of memory");
	node->start_mark = ev->start_mark;
	node->end_mark = ev->end_mark;
	if (f == NULL)
		return 0;	/* the root: the document's first node */
	if (yaml_document_get_node(y->doc, f->node)->type == YAML_SEQUENCE_NODE) {
		ok = yaml_document_append_sequence_item(y->doc, f->node, id);
	} else if (f->key == 0) {
		f->key = id;
	} else {
		ok = yaml_document_append_mapping_pair(y->doc, f->node, f->key, id);
		f->key = 0;
	}
	return ok ? 0 : cfg_yaml_fail(y, ev->start_mark, "out of memory");
}

/* A sequence or mapping starts: one level deeper. */
static int
cfg_yaml_open(struct cfg_yaml *y, const yaml_event_t *ev)
{
	struct cfg_yaml_frame *parent = y->depth > 0 ? &y->stack[y->depth - 1] : NULL;
	int id, name = parent != NULL ? parent->key : 0;

	if (y->depth == CFG_MAX_DEPTH)
		return cfg_yaml_fail(y, ev->start_mark, "nesting deeper than %d levels (the limit)",
		    CFG_MAX_DEPTH);
	if (ev->type == YAML_SEQUENCE_START_EVENT)
		id = yaml_document_add_sequence(y->doc, NULL, ev->data.sequence_start.style);
	else
		id = yaml_document_add_mapping(y->doc, NULL, ev->data.mapping_start.style);
	if (cfg_yaml_attach(y, id, ev) != 0)
		return -1;
	y->stack[y->depth++] = (struct cfg_yaml_frame){ id, 0, name, 0 };
	return 0;
}

/* One event; *done once the first document has ended. */
static int
cfg_yaml_event(struct cfg_yaml *y, const yaml_event_t *ev, int *done)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (cfg_yaml_count(y, ev->start_mark) != 0)
			return -1;
		return cfg_yaml_attach(y, yaml_document_add_scalar(y->doc, NULL,
		    ev->data.scalar.value, (int)ev->data.scalar.length, ev->data.scalar.style), ev);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (cfg_yaml_count(y, ev->start_mark) != 0)
			return -1;
		return cfg_yaml_open(y, ev);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		yaml_document_get_node(y->doc, y->stack[--y->depth].node)->end_mark = ev->end_mark;
		return 0;
	case YAML_ALIAS_EVENT:
		return cfg_yaml_fail(y, ev->start_mark, "aliases (*%s) are not allowed",
		    (const char *)ev->data.alias.anchor);
	case YAML_DOCUMENT_END_EVENT:
	case YAML_STREAM_END_EVENT:
		*done = 1;
		return 0;
	default:
		return 0;
	}
}

int
cfg_yaml_compose(const char *text, size_t len, yaml_document_t *doc, yaml_mark_t *where,
    char *why, size_t whylen)
{
	struct cfg_yaml y = { doc, { { 0, 0, 0, 0 } }, 0, where, why, whylen };
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0, done = 0;

	memset(where, 0, sizeof(*where));
	if (!yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1))
		return cfg_yaml_fail(&y, *where, "out of memory");
	if (!yaml_parser_initialize(&parser)) {
		yaml_document_delete(doc);
		return cfg_yaml_fail(&y, *where, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (rc == 0 && !done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = cfg_yaml_parse_error(&y, &parser, text, len);
			break;
		}
		rc = cfg_yaml_event(&y, &ev, &done);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (rc != 0)
		yaml_document_delete(doc);
	return rc;
}
