/*
 * crawl_cmd — wires the configuration, the claim connection, the engine and
 * the writer together, handles SIGINT/SIGTERM (finish what is in flight,
 * flush, exit 0) and prints the summary line "responses=N stored=M ...
 * ns_cached=C ...".
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "crawler/crawl_cmd.h"
#include "crawler/engine.h"
#include "crawler/vantage.h"
#include "storage/store.h"
#include "storage/connect.h"
#include "storage/writer.h"

static volatile sig_atomic_t crawl_stop;

static void
crawl_on_signal(int sig)
{
	(void)sig;
	crawl_stop = 1;
}

static void
crawl_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = crawl_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);	/* the configuration is read at start only */
}

/*
 * With no resolvers configured (an empty file, a failed copy), the crawl
 * measures through whatever the host uses: say which, and from where.
 */
static void
crawl_say_system_resolver(const struct cfg *cfg, const struct vantage *v)
{
	log_warnx("crawl: %s configures no resolvers; measuring through the system resolver "
	    "%s port %d (c-ares's first nameserver from /etc/resolv.conf)",
	    cfg->path != NULL ? cfg->path : "the built-in default configuration",
	    vantage_address(v), vantage_port(v));
}

/*
 * A batch the database refuses is saved in crawl.quarantine_dir; a folder
 * that cannot take it would leave the batch retried for ever, so say so
 * before measuring. 0, or -1 (logged).
 */
static int
crawl_check_quarantine(const struct cfg *cfg)
{
	const char *dir = cfg->crawl.quarantine_dir;
	struct stat sb;

	if (stat(dir, &sb) == 0 && (S_ISDIR(sb.st_mode) || (errno = ENOTDIR, 0)) &&
	    access(dir, W_OK | X_OK) == 0)
		return 0;
	log_warnx("crawl: crawl.quarantine_dir \"%s\": %s (refused batches are saved there)",
	    dir, strerror(errno));
	return -1;
}

/* The progress line on a terminal. */
static void
crawl_progress(const struct crawl_engine *e, const struct crawl_stats *s, int final, void *arg)
{
	struct vantage_stats vs;

	(void)arg;
	fprintf(stderr, "\rcrawl: %lld responses (%.0f/s), %lld in flight, %lld stored, "
	    "%lld timeouts, %lld skipped", s->responses,
	    s->seconds > 0 ? s->responses / s->seconds : 0.0, crawl_engine_inflight(e),
	    crawl_engine_stored(e), s->timeouts, s->skipped);
	for (size_t i = 0; i < crawl_engine_vantages(e) && !final; i++) {
		vantage_get_stats(crawl_engine_vantage(e, i), &vs);
		fprintf(stderr, " | %s t/o %lld", vantage_name(crawl_engine_vantage(e, i)),
		    vs.timeouts);
	}
	fputs(final ? "\n" : "\033[K", stderr);
}

/* The summary line, and what was not stored: 0, or -1 when some responses were not. */
static int
crawl_summary(const struct crawl_stats *stats, const struct store_writer_totals *totals,
    long long lost)
{
	printf("crawl: responses=%lld stored=%lld timeouts=%lld skipped=%lld visits=%lld "
	    "ns_cached=%lld seconds=%.1f rate=%.0f/s", stats->responses, totals->stored,
	    stats->timeouts, stats->skipped, stats->visits, stats->ns_cached, stats->seconds,
	    stats->seconds > 0 ? stats->responses / stats->seconds : 0.0);
	if (totals->quarantined > 0)
		printf(" quarantined=%lld", totals->quarantined);
	putchar('\n');
	fflush(stdout);
	if (totals->quarantined > 0)
		log_warnx("crawl: the database refused %lld responses; they are in the quarantine "
		    "files named above", totals->quarantined);
	if (lost > 0)
		log_warnx("crawl: %lld responses could not be stored before exit_timeout", lost);
	return totals->quarantined > 0 || lost > 0 ? -1 : 0;
}

static int
crawl_measure(const struct cfg *cfg, struct store *st, struct crawl_run_opts *opts)
{
	const struct store_writer_cfg wcfg = { cfg->database.conninfo, cfg->crawl.batch_rows,
		cfg->crawl.flush_interval_ms, cfg->schedule.partition_span_ms,
		cfg->schedule.raw_retention_ms, cfg->schedule.compact_after_ms,
		cfg->crawl.exit_timeout_ms, cfg->crawl.quarantine_dir };
	const struct store_writer_cfg qcfg = { cfg->database.conninfo, 1,
		cfg->crawl.flush_interval_ms, 0, CFG_FOREVER, CFG_FOREVER, cfg->crawl.exit_timeout_ms,
		NULL };
	char err[STORE_ERRLEN];
	struct crawl_engine *e;
	struct store_writer *w = NULL, *q = NULL;
	struct crawl_stats stats;
	struct store_writer_totals totals = { 0, 0 };
	long long lost;
	int rc;

	if ((e = crawl_engine_create(cfg, err, sizeof(err))) == NULL ||
	    crawl_engine_register(e, st, err, sizeof(err)) != 0 ||
	    (w = store_writer_start(&wcfg, err, sizeof(err))) == NULL ||
	    (q = store_writer_start(&qcfg, err, sizeof(err))) == NULL) {
		log_warnx("crawl: %s", err);
		crawl_engine_destroy(e);
		if (w != NULL)
			store_writer_stop(w, NULL);
		return CLI_RUNTIME;
	}
	if (cfg->n_resolvers == 0)
		crawl_say_system_resolver(cfg, crawl_engine_vantage(e, 0));
	crawl_signals();
	rc = crawl_engine_run(e, st, w, q, opts, &stats) == 0 ? CLI_OK : CLI_RUNTIME;
	lost = store_writer_stop(w, &totals);	/* first: it passes the last reports to q */
	store_writer_stop(q, NULL);		/* then q: its claim job points into e */
	crawl_engine_destroy(e);
	return crawl_summary(&stats, &totals, lost) != 0 ? CLI_RUNTIME : rc;
}

static const struct option crawl_opts[] = {
	{ "once", no_argument, NULL, 'o' }, { "all", no_argument, NULL, 'a' },
	{ "duration", required_argument, NULL, 'd' }, { 0, 0, 0, 0 }
};

static int
crawl_cmd_run(struct cli *cli, int argc, char **argv)
{
	struct crawl_run_opts ro = { 0, 0, 0, NULL, &crawl_stop, NULL, NULL };
	char cutoff[64], err[STORE_ERRLEN];
	struct store *st;
	int c, rc;

	while ((c = cli_getopt(&crawl_cmd_crawl, argc, argv)) != -1) {
		if (c == CLI_BAD_OPTION)
			return CLI_USAGE;
		if (c == 'o')
			ro.once = 1;
		else if (c == 'a')
			ro.all = 1;
		else if (cfg_parse_duration(optarg, 0, &ro.duration_ms) != 0 || ro.duration_ms <= 0)
			return cli_usage_error(&crawl_cmd_crawl, "--duration takes seconds (or 30s, 5m, 2h)");
	}
	if (optind != argc || (ro.once && ro.duration_ms > 0))
		return cli_usage_error(&crawl_cmd_crawl, "give either --once or --duration");
	if (ro.all && !ro.once)
		return cli_usage_error(&crawl_cmd_crawl, "--all goes with --once");
	if (crawl_check_quarantine(&cli->cfg) != 0)
		return CLI_USAGE;
	if (isatty(STDERR_FILENO) && log_get_level() != LOG_LEVEL_ERROR)
		ro.progress = crawl_progress;
	if ((st = store_connect(&cli->cfg)) == NULL)
		return CLI_RUNTIME;
	if (ro.once && store_now(st, cutoff, sizeof(cutoff), err, sizeof(err)) != 0) {
		log_warnx("crawl: %s", err);
		store_close(st);
		return CLI_RUNTIME;
	}
	ro.cutoff = ro.once ? cutoff : NULL;
	rc = crawl_measure(&cli->cfg, st, &ro);
	store_close(st);
	return rc;
}

const struct cli_verb crawl_cmd_crawl = {
	"crawl", crawl_cmd_run, "crawl [--once [--all] | --duration SECONDS]",
	"Measure every due domain through every configured resolver: A, AAAA and NS,\n"
	"then A and AAAA of each name server seen. --once: one round over what is due\n"
	"now; --once --all: one sweep over every tracked domain, due or not, leaving\n"
	"the schedule as it was (a snapshot); --duration: stop starting visits after\n"
	"that long (30s, 5m, ...); else run\n"
	"until SIGINT/SIGTERM. In-flight queries are always finished and every\n"
	"response is flushed to PostgreSQL. SIGHUP is ignored: the configuration is\n"
	"read at start only. Ends with one line (here in two):\n"
	"  crawl: responses=N stored=M timeouts=T skipped=S visits=V ns_cached=C\n"
	"  seconds=X rate=R/s\n"
	"where C counts name-server host lookups answered from the crawler's NS\n"
	"cache instead of asked (crawl.ns_cache_entries: 0 turns the cache off).",
	NULL, "oad:", crawl_opts
};
