/*
 * cfg_yaml — read one YAML document into a libyaml document tree, within
 * bounds, for the configuration loader (cfg.c).
 *
 * The tree is composed here from libyaml's events rather than by
 * yaml_parser_load(), so that its cost is bounded before it is built:
 * collections nest at most CFG_MAX_DEPTH deep and hold at most
 * CFG_MAX_ENTRIES items (pairs for a mapping); aliases are refused, since
 * a walk over shared nodes could multiply. Every node keeps the line and
 * column where it starts. Reader errors (a NUL byte, bad UTF-8), which
 * libyaml reports as a byte offset, are given a line and column too.
 */
#ifndef FW_CFG_YAML_H
#define FW_CFG_YAML_H

#include <stddef.h>
#include <yaml.h>

/*
 * Compose the first document of TEXT (LEN bytes) into *DOC. Returns 0 (free
 * *DOC with yaml_document_delete), or -1 with the position in *WHERE (line
 * and column from 0) and the reason in WHY; *DOC then holds nothing.
 */
int cfg_yaml_compose(const char *text, size_t len, yaml_document_t *doc, yaml_mark_t *where,
    char *why, size_t whylen);

#endif
