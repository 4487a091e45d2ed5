/*
 * test_writer — the writer thread against a fake database: rows stored in
 * order and counted, stop flushing what is queued, a job run only after
 * the rows queued before it are committed and its done() called exactly
 * once (also at stop with the database down), transient failures (connect,
 * COPY) retried with nothing lost or stored twice and the reason in
 * store_writer_last_error() meanwhile, stop with the database down past
 * exit_timeout counting the lost rows (and not sleeping out a reconnect
 * pause longer than exit_timeout first), a permanently refused batch written
 * to a 0600 quarantine file (the real storage/quarantine.c) and the next
 * batch stored, an unwritable quarantine folder keeping the batch, and
 * partition upkeep only when partition_span_ms > 0.
 *
 * No PostgreSQL: the store_* functions the writer calls are wrapped
 * (-Wl,--wrap=store_open,...) by a tiny in-memory database under a mutex
 * (rows visible on COMMIT, switches for down and refusing), and log_warnx /
 * log_info are wrapped to keep what the writer says. The writer is a
 * thread: the test waits on conditions with a deadline, never on a sleep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/cfg.h"
#include "common/clock.h"
#include "storage/store.h"
#include "storage/writer.h"

#define FAKE_ROWS 1024
#define WAIT_US (10 * 1000000)		/* every wait gives up after 10 s */

struct store {
	enum store_fault fault;		/* of the last failure, as store.c keeps it */
	char sqlstate[6];
	int in_tx;
};

struct store_copy {
	struct store *st;
	int answers;			/* COPY stage_answers, else stage_responses */
	int rows, fields, nfields;
	int failed;
};

/* The fake database; every field under mu (the writer is another thread). */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int down;			/* connects fail, and so does all on a connection */
	long long open_failures;	/* connects still to fail (-1: all) */
	long long copy_failures;	/* COPY responses still to fail (-1: all) ... */
	enum store_fault copy_fault;	/* ... so */
	long long opens, failed_opens, open_now, rollbacks, failed_copies;
	long long upkeep, drops, folds, compactions;	/* partition functions called */
	long long anomalies;		/* calls the writer should never make */
	int64_t committed[FAKE_ROWS];	/* responses' domain_id, in commit order */
	long long n_committed, answers_committed;
	int64_t staged[FAKE_ROWS];	/* sent in the open transaction */
	long long n_staged, answers_staged;
	long long job_seq;
	char log[16384];		/* what the writer logged */
} db;

static char dir[] = "/tmp/fw_test_writer.XXXXXX";

static long long
db_get(const long long *field)
{
	long long v;

	pthread_mutex_lock(&mu);
	v = *field;
	pthread_mutex_unlock(&mu);
	return v;
}

static void
db_set(long long *field, long long v)
{
	pthread_mutex_lock(&mu);
	*field = v;
	pthread_mutex_unlock(&mu);
}

/* ---- the wrapped functions (called by the writer thread) */

struct store *__wrap_store_open(const char *conninfo, char *err, size_t errlen);
void __wrap_store_close(struct store *st);
enum store_fault __wrap_store_fault(const struct store *st);
const char *__wrap_store_sqlstate(const struct store *st);
int __wrap_store_exec(struct store *st, const char *sql, int nparams,
    const char *const *params, char *err, size_t errlen);
struct store_copy *__wrap_store_copy_begin_binary(struct store *st, const char *sql,
    char *err, size_t errlen);
int __wrap_store_copy_bin_row(struct store_copy *cp, int nfields);
int __wrap_store_copy_bin_int(struct store_copy *cp, int64_t v, int size);
int __wrap_store_copy_bin_time(struct store_copy *cp, int64_t unix_us);
int __wrap_store_copy_bin_text(struct store_copy *cp, const char *val);
int __wrap_store_copy_bin_inet(struct store_copy *cp, const char *addr);
int __wrap_store_copy_finish(struct store_copy *cp, int abort, char *err, size_t errlen);
void __wrap_log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __wrap_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
fake_log(const char *fmt, va_list ap)
{
	char line[1024];
	size_t used;

	vsnprintf(line, sizeof(line), fmt, ap);
	pthread_mutex_lock(&mu);
	used = strlen(db.log);
	snprintf(db.log + used, sizeof(db.log) - used, "%s\n", line);
	pthread_mutex_unlock(&mu);
}

void
__wrap_log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fake_log(fmt, ap);
	va_end(ap);
}

void
__wrap_log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fake_log(fmt, ap);
	va_end(ap);
}

/* A failure on ST (mu held): recorded as store.c records one. */
static int
fake_fail(struct store *st, enum store_fault fault, const char *sqlstate, const char *msg,
    char *err, size_t errlen)
{
	st->fault = fault;
	snprintf(st->sqlstate, sizeof(st->sqlstate), "%s", sqlstate);
	snprintf(err, errlen, "fake: %s", msg);
	return -1;
}

/* The connection is gone (mu held). */
static int
fake_lost(struct store *st, char *err, size_t errlen)
{
	return fake_fail(st, STORE_FAULT_TRANSIENT, "08006", "server closed the connection",
	    err, errlen);
}

struct store *
__wrap_store_open(const char *conninfo, char *err, size_t errlen)
{
	struct store *st = NULL;

	pthread_mutex_lock(&mu);
	if (conninfo == NULL || strcmp(conninfo, "fake") != 0)
		db.anomalies++;
	if (db.down || db.open_failures != 0) {
		if (db.open_failures > 0)
			db.open_failures--;
		db.failed_opens++;
		snprintf(err, errlen, "fake: connection refused");
	} else if ((st = calloc(1, sizeof(*st))) != NULL) {
		db.opens++;
		if (++db.open_now > 1)
			db.anomalies++;		/* one connection per writer */
	}
	pthread_mutex_unlock(&mu);
	return st;
}

void
__wrap_store_close(struct store *st)
{
	if (st == NULL)
		return;
	pthread_mutex_lock(&mu);
	db.open_now--;
	db.n_staged = db.answers_staged = 0;	/* an open transaction dies with it */
	pthread_mutex_unlock(&mu);
	free(st);
}

enum store_fault
__wrap_store_fault(const struct store *st)
{
	return st->fault;
}

const char *
__wrap_store_sqlstate(const struct store *st)
{
	return st->sqlstate;
}

int
__wrap_store_exec(struct store *st, const char *sql, int nparams, const char *const *params,
    char *err, size_t errlen)
{
	int rc = 0;

	pthread_mutex_lock(&mu);
	if (db.down) {
		rc = fake_lost(st, err, errlen);
	} else if (strcmp(sql, "BEGIN") == 0) {
		st->in_tx = 1;
		db.n_staged = db.answers_staged = 0;
	} else if (strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0) {
		if (!st->in_tx)
			db.anomalies++;
		if (sql[0] == 'R') {
			db.rollbacks++;
		} else if (db.n_committed + db.n_staged <= FAKE_ROWS) {
			memcpy(db.committed + db.n_committed, db.staged,
			    (size_t)db.n_staged * sizeof(db.staged[0]));
			db.n_committed += db.n_staged;
			db.answers_committed += db.answers_staged;
		} else {
			db.anomalies++;
		}
		st->in_tx = 0;
		db.n_staged = db.answers_staged = 0;
	} else if (strcmp(sql, "SELECT fw_stage()") == 0 ||
	    strcmp(sql, "SELECT fw_store_batch()") == 0) {
		if (!st->in_tx)
			db.anomalies++;
	} else if (strncmp(sql, "SELECT fw_partitions_", 21) == 0 ||
	    strncmp(sql, "SELECT fw_compact(", 18) == 0 ||
	    strncmp(sql, "SELECT fw_runs_fold(", 20) == 0) {
		if (nparams != 1 || strstr(params[0], " milliseconds") == NULL)
			db.anomalies++;
		if (strstr(sql, "ensure") != NULL)
			db.upkeep++;
		else if (strstr(sql, "compact") != NULL)
			db.compactions++;
		else if (strstr(sql, "fold") != NULL)
			db.folds++;
		else
			db.drops++;
	} else {
		db.anomalies++;
	}
	pthread_mutex_unlock(&mu);
	return rc;
}

struct store_copy *
__wrap_store_copy_begin_binary(struct store *st, const char *sql, char *err, size_t errlen)
{
	struct store_copy *cp = NULL;

	pthread_mutex_lock(&mu);
	if (db.down) {
		fake_lost(st, err, errlen);
	} else {
		if (!st->in_tx || strstr(sql, "FORMAT binary") == NULL)
			db.anomalies++;
		if ((cp = calloc(1, sizeof(*cp))) != NULL)
			cp->st = st;
		if (cp != NULL)
			cp->answers = strncmp(sql, "COPY stage_answers (", 20) == 0;
	}
	pthread_mutex_unlock(&mu);
	return cp;
}

/* One more field of the current row; the first (domain_id) is staged. */
static int
fake_field(struct store_copy *cp, int64_t first, int size)
{
	if (cp->fields++ > 0)
		return 0;
	pthread_mutex_lock(&mu);
	if (size != 8)
		db.anomalies++;
	else if (cp->answers)
		db.answers_staged++;
	else if (db.n_staged < FAKE_ROWS)
		db.staged[db.n_staged++] = first;
	else
		db.anomalies++;
	pthread_mutex_unlock(&mu);
	return 0;
}

/* A row that did not get the fields it announced. */
static void
fake_check_row(const struct store_copy *cp)
{
	if (cp->rows > 0 && cp->fields != cp->nfields) {
		pthread_mutex_lock(&mu);
		db.anomalies++;
		pthread_mutex_unlock(&mu);
	}
}

int
__wrap_store_copy_bin_row(struct store_copy *cp, int nfields)
{
	fake_check_row(cp);
	cp->rows++;
	cp->fields = 0;
	cp->nfields = nfields;
	return 0;
}

int
__wrap_store_copy_bin_int(struct store_copy *cp, int64_t v, int size)
{
	return fake_field(cp, v, size);
}

int
__wrap_store_copy_bin_time(struct store_copy *cp, int64_t unix_us)
{
	(void)unix_us;
	return fake_field(cp, 0, 0);
}

int
__wrap_store_copy_bin_text(struct store_copy *cp, const char *val)
{
	(void)val;
	return fake_field(cp, 0, 0);
}

int
__wrap_store_copy_bin_inet(struct store_copy *cp, const char *addr)
{
	unsigned char a[16];

	if (addr != NULL && inet_pton(AF_INET, addr, a) != 1 && inet_pton(AF_INET6, addr, a) != 1) {
		cp->failed = 1;
		return -1;
	}
	return fake_field(cp, 0, 0);
}

int
__wrap_store_copy_finish(struct store_copy *cp, int abort, char *err, size_t errlen)
{
	int rc = 0;

	if (!abort)
		fake_check_row(cp);
	pthread_mutex_lock(&mu);
	if (abort || cp->failed) {		/* a field the writer could not send: its data */
		db.failed_copies++;
		rc = fake_fail(cp->st, STORE_FAULT_PERMANENT, "", "COPY aborted", err, errlen);
	} else if (db.down) {
		rc = fake_lost(cp->st, err, errlen);
	} else if (!cp->answers && db.copy_failures != 0) {
		if (db.copy_failures > 0)
			db.copy_failures--;
		db.failed_copies++;
		rc = db.copy_fault == STORE_FAULT_PERMANENT ?
		    fake_fail(cp->st, db.copy_fault, "22021", "invalid byte sequence\nCONTEXT: COPY",
		    err, errlen) :
		    fake_fail(cp->st, db.copy_fault, "57P01", "terminating connection", err, errlen);
	}
	pthread_mutex_unlock(&mu);
	free(cp);
	return rc;
}

/* ---- the test's side */

#define WAIT_UNTIL(cond) do {						\
	int64_t wait_end_ = clock_mono_us() + WAIT_US;			\
	while (!(cond) && clock_mono_us() < wait_end_)			\
		nap();							\
	assert_true(cond);						\
} while (0)

static void
nap(void)
{
	const struct timespec ts = { 0, 2 * 1000000 };

	nanosleep(&ts, NULL);
}

static int
reset(void **state)
{
	(void)state;
	pthread_mutex_lock(&mu);
	memset(&db, 0, sizeof(db));
	pthread_mutex_unlock(&mu);
	return 0;
}

static int
setup_dir(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
remove_dir(void **state)
{
	(void)state;
	return nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* A writer on the fake, batches of BATCH rows, flushed every 20 ms, quarantine in QDIR. */
static struct store_writer *
start(int batch, const char *qdir)
{
	const struct store_writer_cfg cfg = { "fake", batch, 20, 0, CFG_FOREVER, CFG_FOREVER, 2000, qdir };
	char err[STORE_ERRLEN];
	struct store_writer *w = store_writer_start(&cfg, err, sizeof(err));

	assert_non_null(w);
	return w;
}

/* Response ID with two answers (an address, a name); odd ids ask for the domain itself. */
static struct obs *
response(int64_t id)
{
	struct obs *o = obs_create(2, 64);
	char addr[32], target[32], qname[32];

	assert_non_null(o);
	snprintf(addr, sizeof(addr), "192.0.2.%d", (int)(id % 250));
	snprintf(target, sizeof(target), "t%lld.example", (long long)id);
	snprintf(qname, sizeof(qname), "www.d%lld.example", (long long)id);
	o->domain_id = id;
	o->observed_us = INT64_C(1700000000000000) + id;
	o->vantage_id = 1;
	o->qtype = 1;
	o->latency_us = 1000;
	o->qname = id % 2 != 0 ? NULL : obs_strdup(o, qname);
	o->rr[0] = (struct obs_rr){ 1, 300, 1, obs_strdup(o, addr) };
	o->rr[1] = (struct obs_rr){ 5, 300, 0, obs_strdup(o, target) };
	return o;
}

static void
put_range(struct store_writer *w, int64_t from, int64_t to)
{
	for (int64_t id = from; id <= to; id++)
		store_writer_put(w, response(id));
}

/* The database holds exactly responses FROM..TO, once each, in order, with their answers. */
static int
committed_is(int64_t from, int64_t to)
{
	int ok;

	pthread_mutex_lock(&mu);
	ok = db.n_committed == to - from + 1 && db.answers_committed == 2 * db.n_committed;
	for (long long i = 0; ok && i < db.n_committed; i++)
		ok = db.committed[i] == from + i;
	pthread_mutex_unlock(&mu);
	return ok;
}

static int
error_has(struct store_writer *w, const char *what)
{
	char buf[STORE_ERRLEN];

	store_writer_last_error(w, buf, sizeof(buf));
	return what[0] == '\0' ? buf[0] == '\0' : strstr(buf, what) != NULL;
}

/* How often the writer's log holds WHAT. */
static int
logged(const char *what)
{
	int n = 0;

	pthread_mutex_lock(&mu);
	for (const char *p = db.log; (p = strstr(p, what)) != NULL; p++)
		n++;
	pthread_mutex_unlock(&mu);
	return n;
}

/* Stop W: LOST responses could not be stored, STORED and QUARANTINED over its life. */
static void
stop_expect(struct store_writer *w, long long lost, long long stored, long long quarantined)
{
	struct store_writer_totals t = { -1, -1 };

	assert_int_equal(store_writer_stop(w, &t), lost);
	assert_int_equal(t.stored, stored);
	assert_int_equal(t.quarantined, quarantined);
	assert_int_equal(db_get(&db.open_now), 0);	/* its connection closed */
	assert_int_equal(db_get(&db.anomalies), 0);
}

struct tjob {
	struct store_job job;
	long long fail_runs;		/* run() fails this many times first */
	enum store_fault fault;		/* ... as the store would say: lost or refused */
	long long runs, dones, ok, committed_at_run, order;
};

static int
tjob_run(struct store *st, void *arg, char *err, size_t errlen)
{
	struct tjob *j = arg;
	int fail;

	pthread_mutex_lock(&mu);
	if (st == NULL || st->in_tx)
		db.anomalies++;
	j->runs++;
	j->committed_at_run = db.n_committed;
	j->order = ++db.job_seq;
	fail = j->fail_runs > 0;
	j->fail_runs -= fail;
	pthread_mutex_unlock(&mu);
	if (fail) {
		st->fault = j->fault;
		snprintf(err, errlen, "fake: job failed");
	}
	return fail ? -1 : 0;
}

static void
tjob_done(void *arg, int ok)
{
	struct tjob *j = arg;

	pthread_mutex_lock(&mu);
	j->dones++;
	j->ok = ok;
	pthread_mutex_unlock(&mu);
}

static void
tjob_init(struct tjob *j, int retry, long long fail_runs)
{
	memset(j, 0, sizeof(*j));
	j->job.run = tjob_run;
	j->job.done = tjob_done;
	j->job.arg = j;
	j->job.retry = retry;
	j->fail_runs = fail_runs;
	j->fault = STORE_FAULT_TRANSIENT;
}

/* ---- the cases */

static void
test_invalid(void **state)
{
	const struct store_writer_cfg cfg = { "fake", 10, 20, 0, CFG_FOREVER, CFG_FOREVER, 0, NULL };
	char err[STORE_ERRLEN], buf[1] = { 'x' };
	struct store_writer *w;

	(void)state;
	db_set(&db.open_failures, -1);		/* no database: starting needs none */
	w = store_writer_start(&cfg, err, sizeof(err));	/* quarantine_dir NULL: "." */
	assert_non_null(w);
	WAIT_UNTIL(error_has(w, "fake: connection refused"));
	store_writer_last_error(w, buf, sizeof(buf));	/* a buffer of one octet: "" */
	assert_int_equal(buf[0], '\0');
	assert_int_equal(store_writer_pending(w), 0);
	assert_int_equal(store_writer_stored(w), 0);
	assert_int_equal(store_writer_stop(w, NULL), 0);	/* TOTALS NULL: a jobs-only writer */
	assert_int_equal(db_get(&db.anomalies), 0);
}

static void
test_rows_in_order(void **state)
{
	struct store_writer *w = start(4, dir);

	(void)state;
	put_range(w, 1, 10);
	WAIT_UNTIL(store_writer_stored(w) == 10);
	assert_true(committed_is(1, 10));
	assert_int_equal(store_writer_pending(w), 0);
	assert_true(error_has(w, ""));
	stop_expect(w, 0, 10, 0);
	assert_true(committed_is(1, 10));
	assert_int_equal(db_get(&db.upkeep), 0);	/* partition_span_ms 0: none */
	assert_int_equal(db_get(&db.opens), 1);
}

static void
test_stop_flushes(void **state)
{
	const struct store_writer_cfg cfg = { "fake", 1000, 3600000, 0, CFG_FOREVER, CFG_FOREVER, 2000, dir };
	char err[STORE_ERRLEN];
	struct store_writer *w = store_writer_start(&cfg, err, sizeof(err));

	(void)state;
	assert_non_null(w);
	put_range(w, 1, 5);
	assert_int_equal(store_writer_pending(w), 5);
	assert_int_equal(store_writer_stored(w), 0);	/* neither full nor an hour old */
	stop_expect(w, 0, 5, 0);
	assert_true(committed_is(1, 5));
}

static void
test_job_after_its_rows(void **state)
{
	const struct store_writer_cfg cfg = { "fake", 1000, 3600000, 0, CFG_FOREVER, CFG_FOREVER, 2000, dir };
	char err[STORE_ERRLEN];
	struct store_writer *w = store_writer_start(&cfg, err, sizeof(err));
	struct tjob a, b;

	(void)state;
	assert_non_null(w);
	tjob_init(&a, 1, 0);
	tjob_init(&b, 0, 0);
	put_range(w, 1, 5);
	store_writer_job(w, &a.job);
	put_range(w, 6, 8);
	store_writer_job(w, &b.job);
	WAIT_UNTIL(db_get(&b.dones) == 1);
	assert_true(db_get(&a.committed_at_run) >= 5);
	assert_int_equal(db_get(&b.committed_at_run), 8);
	assert_true(db_get(&a.order) < db_get(&b.order));
	assert_int_equal(db_get(&a.dones), 1);
	assert_int_equal(db_get(&a.ok), 1);
	assert_int_equal(db_get(&b.ok), 1);
	stop_expect(w, 0, 8, 0);
	assert_int_equal(db_get(&a.dones), 1);		/* exactly once */
	assert_int_equal(db_get(&b.dones), 1);
	assert_int_equal(db_get(&a.runs), 1);
}

static void
test_job_retried(void **state)
{
	struct store_writer *w = start(1000, dir);
	struct tjob j;

	(void)state;
	tjob_init(&j, 1, 1);			/* fails once, as on a lost connection */
	store_writer_job(w, &j.job);
	WAIT_UNTIL(db_get(&j.dones) == 1);
	assert_int_equal(db_get(&j.runs), 2);
	assert_int_equal(db_get(&j.ok), 1);
	assert_int_equal(db_get(&db.opens), 2);	/* on a new connection */
	stop_expect(w, 0, 0, 0);
	assert_int_equal(db_get(&j.dones), 1);
}

/* A job the server refuses is done, failed, at once: the same again would fail. */
static void
test_job_refused(void **state)
{
	struct store_writer *w = start(1000, dir);
	struct tjob a, b;

	(void)state;
	tjob_init(&a, 1, 1);
	a.fault = STORE_FAULT_PERMANENT;
	tjob_init(&b, 1, 0);
	store_writer_job(w, &a.job);
	store_writer_job(w, &b.job);
	WAIT_UNTIL(db_get(&b.dones) == 1);
	assert_int_equal(db_get(&a.runs), 1);
	assert_int_equal(db_get(&a.dones), 1);
	assert_int_equal(db_get(&a.ok), 0);
	assert_int_equal(db_get(&b.ok), 1);
	assert_int_equal(db_get(&db.opens), 1);	/* a refusal is no reason to reconnect */
	stop_expect(w, 0, 0, 0);
}

/* A job that gives up at once (retry 0) still leaves no dead connection behind. */
static void
test_job_lost_connection(void **state)
{
	struct store_writer *w = start(1000, dir);
	struct tjob a, b;

	(void)state;
	tjob_init(&a, 0, 1);
	tjob_init(&b, 0, 0);
	store_writer_job(w, &a.job);
	WAIT_UNTIL(db_get(&a.dones) == 1);
	store_writer_job(w, &b.job);
	WAIT_UNTIL(db_get(&b.dones) == 1);
	assert_int_equal(db_get(&a.ok), 0);
	assert_int_equal(db_get(&b.ok), 1);
	assert_int_equal(db_get(&db.opens), 2);	/* b ran on a new connection */
	stop_expect(w, 0, 0, 0);
}

static void
test_jobs_database_down(void **state)
{
	const struct store_writer_cfg cfg = { "fake", 1000, 20, 0, CFG_FOREVER, CFG_FOREVER, 100, dir };
	char err[STORE_ERRLEN];
	struct store_writer *w;
	struct tjob keep, now;

	(void)state;
	db_set(&db.open_failures, -1);
	assert_non_null(w = store_writer_start(&cfg, err, sizeof(err)));
	tjob_init(&keep, 1, 0);
	tjob_init(&now, 0, 0);
	store_writer_job(w, &keep.job);
	store_writer_job(w, &now.job);
	WAIT_UNTIL(db_get(&now.dones) == 1);	/* does not wait for the database */
	assert_int_equal(db_get(&now.ok), 0);
	assert_int_equal(db_get(&keep.dones), 0);	/* waits for it */
	stop_expect(w, 0, 0, 0);
	assert_int_equal(db_get(&keep.dones), 1);	/* given up at stop, once */
	assert_int_equal(db_get(&keep.ok), 0);
	assert_int_equal(db_get(&now.dones), 1);
	assert_int_equal(db_get(&keep.runs) + db_get(&now.runs), 0);
}

/*
 * An outage of the kind FAILURES counts (connects or COPYs, failing while
 * *SWITCH is -1): the rows wait in memory, WHY in last_error, the warning
 * logged once; when it ends every row is stored once, in order.
 */
static void
check_outage(long long *sw, const long long *failures, const char *why)
{
	struct store_writer *w = start(3, dir);

	db_set(sw, -1);
	put_range(w, 1, 3);
	WAIT_UNTIL(error_has(w, why) && db_get(failures) >= 2);
	assert_int_equal(store_writer_pending(w), 3);
	assert_int_equal(store_writer_stored(w), 0);
	put_range(w, 4, 5);			/* measuring goes on */
	db_set(sw, 0);
	WAIT_UNTIL(store_writer_stored(w) == 5);
	assert_true(committed_is(1, 5));
	assert_true(error_has(w, ""));
	assert_int_equal(logged(why), 1);	/* said once, not at every retry */
	assert_int_equal(logged("database reachable again"), 1);
	stop_expect(w, 0, 5, 0);
}

static void
test_connect_retried(void **state)
{
	(void)state;
	check_outage(&db.open_failures, &db.failed_opens, "fake: connection refused");
}

static void
test_copy_retried(void **state)
{
	(void)state;
	pthread_mutex_lock(&mu);
	db.copy_fault = STORE_FAULT_TRANSIENT;
	pthread_mutex_unlock(&mu);
	check_outage(&db.copy_failures, &db.failed_copies, "fake: terminating connection");
	assert_true(db_get(&db.opens) >= 3);	/* a new connection after each failure */
	assert_int_equal(db_get(&db.rollbacks), db_get(&db.failed_copies));
}

static void
test_connect_fails_twice(void **state)
{
	struct store_writer *w = start(2, dir);

	(void)state;
	db_set(&db.open_failures, 2);
	put_range(w, 1, 4);
	WAIT_UNTIL(store_writer_stored(w) == 4);
	assert_true(committed_is(1, 4));
	assert_int_equal(db_get(&db.failed_opens), 2);
	assert_int_equal(db_get(&db.opens), 1);
	stop_expect(w, 0, 4, 0);
}

static void
test_stop_down_lost(void **state)
{
	const struct store_writer_cfg cfg = { "fake", 2, 20, 0, CFG_FOREVER, CFG_FOREVER, 300, dir };
	char err[STORE_ERRLEN];
	struct store_writer *w = store_writer_start(&cfg, err, sizeof(err));
	int64_t t0;

	(void)state;
	assert_non_null(w);
	put_range(w, 1, 2);
	WAIT_UNTIL(store_writer_stored(w) == 2);
	pthread_mutex_lock(&mu);
	db.down = 1;				/* for longer than exit_timeout */
	pthread_mutex_unlock(&mu);
	put_range(w, 3, 5);
	WAIT_UNTIL(error_has(w, "fake: server closed the connection"));
	t0 = clock_mono_us();
	stop_expect(w, 3, 2, 0);
	assert_true(clock_mono_us() - t0 >= 250 * 1000);	/* it kept trying for exit_timeout */
	assert_true(committed_is(1, 2));
}

static void
test_stop_during_backoff(void **state)
{
	const struct store_writer_cfg cfg = { "fake", 1, 20, 0, CFG_FOREVER, CFG_FOREVER, 100, dir };
	char err[STORE_ERRLEN];
	struct store_writer *w;
	int64_t t0;

	(void)state;
	db_set(&db.open_failures, -1);
	assert_non_null(w = store_writer_start(&cfg, err, sizeof(err)));
	put_range(w, 1, 1);
	WAIT_UNTIL(db_get(&db.failed_opens) >= 4);	/* now pausing 1.6 s */
	t0 = clock_mono_us();
	stop_expect(w, 1, 0, 0);
	assert_true(clock_mono_us() - t0 < 1000 * 1000);	/* exit_timeout, not the pause */
}

/* Refuse COPYs of responses (permanently) N times, -1: all. */
static void
refuse(long long n)
{
	pthread_mutex_lock(&mu);
	db.copy_fault = STORE_FAULT_PERMANENT;
	db.copy_failures = n;
	pthread_mutex_unlock(&mu);
}

/* Files in folder SUB of the test's folder (-1: none), its path into qdir (created when MAKE). */
static int
files_in(const char *sub, char *qdir, size_t len, int make)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(qdir, len, "%s/%s", dir, sub);
	if (make)
		assert_int_equal(mkdir(qdir, 0700), 0);
	if ((d = opendir(qdir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The quarantine file the log names (one), its text into buf. */
static void
quarantined_file(const char *qdir, char *buf, size_t len)
{
	char path[512];
	const char *p, *end;
	struct stat sb;
	FILE *fp;
	size_t n;

	pthread_mutex_lock(&mu);
	p = strstr(db.log, "saved to ");
	end = p != NULL ? strstr(p, " (load it with") : NULL;
	assert_non_null(end);
	p += strlen("saved to ");
	snprintf(path, sizeof(path), "%.*s", (int)(end - p), p);
	pthread_mutex_unlock(&mu);
	assert_int_equal(strncmp(path, qdir, strlen(qdir)), 0);
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_non_null(fp = fopen(path, "r"));
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

/* Rows in the COPY block that begins with HEAD. */
static int
block_rows(const char *text, const char *head)
{
	const char *p = strstr(text, head), *end;
	int n = 0;

	if (p == NULL || (end = strstr(p, "\n\\.\n")) == NULL)
		return -1;
	for (p += strlen(head); p <= end; p++)
		n += *p == '\n';
	return n;
}

static void
test_quarantine(void **state)
{
	char qdir[256], text[8192];
	struct store_writer *w;

	(void)state;
	assert_int_equal(files_in("q", qdir, sizeof(qdir), 1), 0);
	w = start(3, qdir);
	refuse(1);
	put_range(w, 1, 3);
	WAIT_UNTIL(store_writer_pending(w) == 0);
	assert_int_equal(store_writer_stored(w), 0);
	assert_int_equal(files_in("q", qdir, sizeof(qdir), 0), 1);
	quarantined_file(qdir, text, sizeof(text));
	assert_non_null(strstr(text, "\n-- reason: SQLSTATE 22021: fake: invalid byte sequence "
	    "CONTEXT: COPY\n"));		/* one line */
	assert_int_equal(block_rows(text, "COPY stage_responses (" OBS_RESPONSE_COLUMNS ") FROM STDIN;\n"),
	    3);
	assert_int_equal(block_rows(text, "COPY stage_answers (" OBS_ANSWER_COLUMNS ") FROM STDIN;\n"), 6);
	assert_non_null(strstr(text, "\n1\t2023-11-14 22:13:20.000001+00\t1\t1\t0\t2\t0\t1000\t\\N\n"));
	assert_non_null(strstr(text, "\t192.0.2.2\t\\N\twww.d2.example\n"));
	assert_non_null(strstr(text, "\t\\N\tt3.example\t\\N\n"));
	put_range(w, 4, 6);			/* the database takes the next batch */
	WAIT_UNTIL(store_writer_stored(w) == 3);
	assert_true(committed_is(4, 6));
	stop_expect(w, 0, 3, 3);
}

static void
test_quarantine_unwritable(void **state)
{
	char qdir[256];
	struct store_writer *w;

	(void)state;
	assert_int_equal(files_in("late", qdir, sizeof(qdir), 0), -1);	/* no such folder */
	w = start(3, qdir);
	refuse(-1);
	put_range(w, 1, 3);
	WAIT_UNTIL(error_has(w, "not quarantined") && db_get(&db.failed_copies) >= 2);
	assert_int_equal(store_writer_pending(w), 3);	/* kept, and tried again */
	assert_int_equal(mkdir(qdir, 0700), 0);
	WAIT_UNTIL(store_writer_pending(w) == 0);
	assert_int_equal(files_in("late", qdir, sizeof(qdir), 0), 1);
	stop_expect(w, 0, 0, 3);
}

static void
test_bad_address_quarantined(void **state)
{
	char qdir[256], text[8192];
	struct store_writer *w;
	struct obs *o = response(7);

	(void)state;
	assert_int_equal(files_in("addr", qdir, sizeof(qdir), 1), 0);
	w = start(1, qdir);
	o->rr[0].data = obs_strdup(o, "not-an-address");	/* the COPY cannot send it */
	assert_non_null(o->rr[0].data);
	store_writer_put(w, o);
	WAIT_UNTIL(store_writer_pending(w) == 0);
	quarantined_file(qdir, text, sizeof(text));
	assert_non_null(strstr(text, "\tnot-an-address\t"));
	assert_non_null(strstr(text, "SQLSTATE (none): fake: COPY aborted"));
	stop_expect(w, 0, 0, 1);
}

static void
test_partition_upkeep(void **state)
{
	struct store_writer_cfg cfg = { "fake", 1, 20, 60000, CFG_FOREVER, CFG_FOREVER, 2000, dir };
	char err[STORE_ERRLEN];
	struct store_writer *w;

	(void)state;
	assert_non_null(w = store_writer_start(&cfg, err, sizeof(err)));
	put_range(w, 1, 1);
	WAIT_UNTIL(store_writer_stored(w) == 1);
	assert_true(db_get(&db.upkeep) >= 1);
	assert_int_equal(db_get(&db.drops), 0);		/* kept forever: nothing dropped */
	assert_int_equal(db_get(&db.folds), 0);		/* nor folded */
	assert_int_equal(db_get(&db.compactions), 0);	/* never compacted */
	stop_expect(w, 0, 1, 0);
	cfg.raw_retention_ms = 86400000;
	cfg.compact_after_ms = 3600000;
	assert_non_null(w = store_writer_start(&cfg, err, sizeof(err)));
	WAIT_UNTIL(db_get(&db.drops) >= 1 && db_get(&db.folds) >= 1 && db_get(&db.compactions) >= 1);
	stop_expect(w, 0, 0, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_invalid, reset),
		cmocka_unit_test_setup(test_rows_in_order, reset),
		cmocka_unit_test_setup(test_stop_flushes, reset),
		cmocka_unit_test_setup(test_job_after_its_rows, reset),
		cmocka_unit_test_setup(test_job_retried, reset),
		cmocka_unit_test_setup(test_job_refused, reset),
		cmocka_unit_test_setup(test_job_lost_connection, reset),
		cmocka_unit_test_setup(test_jobs_database_down, reset),
		cmocka_unit_test_setup(test_connect_retried, reset),
		cmocka_unit_test_setup(test_copy_retried, reset),
		cmocka_unit_test_setup(test_connect_fails_twice, reset),
		cmocka_unit_test_setup(test_stop_down_lost, reset),
		cmocka_unit_test_setup(test_stop_during_backoff, reset),
		cmocka_unit_test_setup(test_quarantine, reset),
		cmocka_unit_test_setup(test_quarantine_unwritable, reset),
		cmocka_unit_test_setup(test_bad_address_quarantined, reset),
		cmocka_unit_test_setup(test_partition_upkeep, reset),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
