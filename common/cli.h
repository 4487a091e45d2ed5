/*
 * cli — what every verb receives, and the one option parser every verb goes
 * through, so no verb can act on --help and usage errors look the same.
 *
 * fluxwatch.c finds the verb, calls cli_prepare() (which answers --help or
 * -h found anywhere among the verb's arguments before a "--", and checks the
 * sub-command), loads the configuration and hands the verb a struct cli.
 * The verb reads its options with cli_getopt() from the option tables in
 * its struct cli_verb. Verbs return CLI_OK, CLI_RUNTIME (the work failed)
 * or CLI_USAGE (bad arguments or configuration): the process exit code.
 */
#ifndef FW_CLI_H
#define FW_CLI_H

#include "common/cfg.h"

enum cli_status { CLI_OK = 0, CLI_RUNTIME = 1, CLI_USAGE = 2 };

struct cli {
	struct cfg cfg;
};

struct option;

struct cli_verb {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage;	/* "seed add [--list NAME] FILE..." */
	const char *help;	/* what it does, one paragraph */
	const char *subs;	/* sub-commands, "add" or "check|defaults"; NULL: none */
	const char *shortopts;	/* the verb's options for getopt ("l:"), without h; may be NULL */
	const struct option *longopts;	/* the same, long, ended by a zeroed entry; may be NULL */
};

/* What cli_prepare() returns when the verb should run. */
#define CLI_GO (-1)

/*
 * Before VERB runs on ARGV (argv[0] is the verb's name). When --help or -h
 * is among the arguments before a "--" (not as the value of an option that
 * takes one), prints the usage and help on stdout and returns CLI_OK;
 * when the sub-command is missing or unknown, prints the usage on stderr and
 * returns CLI_USAGE. Else returns CLI_GO with *shift set to how many
 * leading ARGV entries the verb does not see: 0, or 1 for a verb with
 * sub-commands, whose run() then gets the sub-command as its argv[0].
 * Resets getopt for the verb's own pass.
 */
int cli_prepare(const struct cli_verb *verb, int argc, char **argv, int *shift);

/* What cli_getopt() returns on a bad option; the usage is already printed. */
#define CLI_BAD_OPTION '?'

/*
 * Read the verb's next option with getopt_long from its tables. Returns the
 * option character (optarg set, never empty), -1 at the end of the options
 * (optind is the first operand), or CLI_BAD_OPTION for an unknown option, a
 * missing or empty value: the message and usage went to stderr, and the
 * verb returns CLI_USAGE.
 */
int cli_getopt(const struct cli_verb *verb, int argc, char **argv);

/*
 * For verbs without options: reads them to the end. Returns CLI_OK with
 * optind at the first operand, or CLI_USAGE (already reported).
 */
int cli_no_options(const struct cli_verb *verb, int argc, char **argv);

/* Print "VERB: WHY" and "usage: fluxwatch USAGE" on stderr; returns CLI_USAGE. */
int cli_usage_error(const struct cli_verb *verb, const char *why);

#endif
