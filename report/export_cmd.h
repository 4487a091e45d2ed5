/*
 * export_cmd — the "export" verb: the latest verdicts as csv, jsonl, a
 * STIX 2.1 bundle or a Response Policy Zone, to stdout or a file.
 */
#ifndef FW_EXPORT_CMD_H
#define FW_EXPORT_CMD_H

#include "common/cli.h"

extern const struct cli_verb export_cmd_export;

/* 0 when LIST is a comma-separated list of verdict labels; else -1 with err. */
int export_labels_check(const char *list, char *err, size_t errlen);

#endif
