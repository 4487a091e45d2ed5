/*
 * cli — what every verb receives and how verbs report usage.
 *
 * fluxwatch.c parses the global options, loads the configuration and hands
 * each verb a struct cli. Verbs return CLI_OK, CLI_RUNTIME (the work
 * failed) or CLI_USAGE (bad arguments or configuration), which become the
 * process exit code.
 */
#ifndef FW_CLI_H
#define FW_CLI_H

#include "common/cfg.h"

enum cli_status { CLI_OK = 0, CLI_RUNTIME = 1, CLI_USAGE = 2 };

struct cli {
	struct cfg cfg;
};

struct cli_verb {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage;	/* "seed add [--list NAME] FILE..." */
	const char *help;	/* what it does, one paragraph */
};

/*
 * Parse a verb's options with getopt_long. Handles --help (prints the
 * verb's usage and help on stdout) and unknown options (usage on stderr).
 * Returns the option character, -1 at the end of options, or a cli_status
 * negated minus 100 ("stop now with that status"): test with CLI_STOP().
 */
struct option;
int cli_getopt(const struct cli_verb *verb, int argc, char **argv,
    const char *shortopts, const struct option *longopts);

#define CLI_STOP(c) ((c) <= -100)
#define CLI_STOP_STATUS(c) (-(c) - 100)

/* Print the verb's usage and help on stdout; returns CLI_OK. */
int cli_help(const struct cli_verb *verb);

/*
 * For a verb with one sub-command ("seed add", "feed refresh"): handles
 * "VERB --help" and a missing or wrong sub-command. Returns -1 when
 * argv[1] is SUB (go on with argv + 1), else the status to return.
 */
int cli_subcommand(const struct cli_verb *verb, int argc, char **argv, const char *sub);

/* Print "usage: fluxwatch USAGE" on stderr and return CLI_USAGE. */
int cli_usage_error(const struct cli_verb *verb, const char *why);

#endif
