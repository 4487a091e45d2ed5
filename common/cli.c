/*
 * cli — the one option parser of the verbs. cli_prepare() runs before any
 * verb and answers --help from a whole pass over its arguments, so a verb
 * never sees it; cli_getopt() then reads the verb's options from the tables
 * in its struct cli_verb, with one wording for every usage error.
 */
#include "config.h"

#include <assert.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/cli.h"
#include "common/log.h"

#define CLI_MAX_OPTS 16		/* long options of one verb, --help excluded */

/* A verb's getopt tables with --help/-h added. */
struct cli_table {
	char shortopts[3 * CLI_MAX_OPTS + 4];
	struct option longopts[CLI_MAX_OPTS + 2];
};

/* MODE "-": every argument in order (the help scan); "": GNU permutation. */
static void
cli_table(const struct cli_verb *verb, const char *mode, struct cli_table *t)
{
	size_t n = 0;

	snprintf(t->shortopts, sizeof(t->shortopts), "%s:%sh", mode,
	    verb->shortopts != NULL ? verb->shortopts : "");
	for (const struct option *o = verb->longopts; o != NULL && o->name != NULL; o++) {
		assert(n < CLI_MAX_OPTS);
		t->longopts[n++] = *o;
	}
	t->longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	t->longopts[n] = (struct option){ NULL, 0, NULL, 0 };
}

int
cli_usage_error(const struct cli_verb *verb, const char *why)
{
	if (why != NULL)
		log_warnx("%s: %s", verb->name, why);
	fprintf(stderr, "usage: fluxwatch %s\n", verb->usage);
	return CLI_USAGE;
}

/* 1 when --help or -h is an option of ARGV (the value of another option is not). */
static int
cli_wants_help(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_table t = { 0 };
	int c;

	cli_table(verb, "-", &t);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, t.shortopts, t.longopts, NULL)) != -1)
		if (c == 'h')
			return 1;
	return 0;
}

/* 1 when WORD is one of the "|"-separated SUBS. */
static int
cli_is_sub(const char *subs, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = subs;; p++) {
		size_t k = strcspn(p, "|");

		if (k == n && strncmp(p, word, n) == 0)
			return 1;
		p += k;
		if (*p == '\0')
			return 0;
	}
}

int
cli_prepare(const struct cli_verb *verb, int argc, char **argv, int *shift)
{
	char why[128];

	*shift = 0;
	if (cli_wants_help(verb, argc, argv)) {
		printf("usage: fluxwatch %s\n\n%s\n", verb->usage, verb->help);
		return CLI_OK;
	}
	optind = 0;	/* the verb's own pass starts afresh */
	if (verb->subs == NULL)
		return CLI_GO;
	if (argc >= 2 && cli_is_sub(verb->subs, argv[1])) {
		*shift = 1;
		return CLI_GO;
	}
	if (argc < 2)
		snprintf(why, sizeof(why), "missing sub-command (expected %s)", verb->subs);
	else
		snprintf(why, sizeof(why), "unknown sub-command \"%s\" (expected %s)", argv[1],
		    verb->subs);
	return cli_usage_error(verb, why);
}

/* The option as written: "--list" or "-l". */
static void
cli_option_name(const struct cli_table *t, int idx, int c, char *buf, size_t len)
{
	if (idx >= 0)
		snprintf(buf, len, "--%s", t->longopts[idx].name);
	else
		snprintf(buf, len, "-%c", c);
}

int
cli_getopt(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_table t = { 0 };
	char name[64], why[160];
	int c, idx = -1;

	cli_table(verb, "", &t);
	opterr = 0;
	c = getopt_long(argc, argv, t.shortopts, t.longopts, &idx);
	if (c == -1)
		return -1;
	if (c == '?' || c == 'h') {
		if (optopt != 0 && optopt != 'h')
			snprintf(why, sizeof(why), "unknown option -%c", optopt);
		else
			snprintf(why, sizeof(why), "unknown option %s", argv[optind - 1]);
	} else if (c == ':') {
		snprintf(why, sizeof(why), "option %s needs a value", argv[optind - 1]);
	} else if (optarg != NULL && optarg[0] == '\0') {
		cli_option_name(&t, idx, c, name, sizeof(name));
		snprintf(why, sizeof(why), "option %s: the value must not be empty", name);
	} else {
		return c;
	}
	cli_usage_error(verb, why);
	return CLI_BAD_OPTION;
}

int
cli_no_options(const struct cli_verb *verb, int argc, char **argv)
{
	if (cli_getopt(verb, argc, argv) != -1)
		return CLI_USAGE;	/* it has none: whatever came was reported as bad */
	return CLI_OK;
}
