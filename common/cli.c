/*
 * cli — option parsing shared by the verbs, so each verb's --help and
 * usage errors look the same.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/cli.h"
#include "common/log.h"

int
cli_usage_error(const struct cli_verb *verb, const char *why)
{
	if (why != NULL)
		log_warnx("%s: %s", verb->name, why);
	fprintf(stderr, "usage: fluxwatch %s\n", verb->usage);
	return CLI_USAGE;
}

int
cli_help(const struct cli_verb *verb)
{
	printf("usage: fluxwatch %s\n\n%s\n", verb->usage, verb->help);
	return CLI_OK;
}

int
cli_getopt(const struct cli_verb *verb, int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);

	if (c == 'h')
		return -100 - cli_help(verb);
	if (c == '?' || c == ':')
		return -100 - cli_usage_error(verb, NULL);
	return c;
}

int
cli_subcommand(const struct cli_verb *verb, int argc, char **argv, const char *sub)
{
	char why[64];

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return cli_help(verb);
	if (argc >= 2 && strcmp(argv[1], sub) == 0)
		return -1;
	snprintf(why, sizeof(why), "expected the sub-command \"%s\"", sub);
	return cli_usage_error(verb, why);
}
