/*
 * engine — the loop: epoll over every vantage's sockets and the claim's
 * wake-up, starting visits while there is room, the vantages' timers, and
 * progress for the verb. Visits are visit.c, the queue's jobs jobs.c.
 */
#include "config.h"

#include <ares.h>
#include <stdatomic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "crawler/engine_int.h"
#include "crawler/offline.h"
#include "crawler/udpio.h"
#include "crawler/vantage.h"
#include "storage/vantages.h"

/*
 * The writer is not backed up, some vantage can take more work, and none
 * that answers is full: visits go at the pace of the slowest vantage that
 * answers (faster ones would otherwise fill its backlog until its share of
 * each visit is skipped: 40 % of two cold vantages' queries on the crawl
 * bench), while one that mostly times out holds up nobody.
 */
static int
engine_has_room(struct crawl_engine *e)
{
	int room = 0;

	if (store_writer_pending(e->writer) >= e->cfg->crawl.buffer_rows)
		return 0;
	for (size_t i = 0; i < e->n; i++) {
		if (vantage_holds_up(e->v[i]))
			return 0;
		room |= !vantage_busy(e->v[i]);
	}
	return room;
}

/* The next domain to visit: claimed from the queue, or (offline) a recent one. */
static int
engine_next(struct crawl_engine *e, const struct crawl_run_opts *opts, int64_t now,
    struct queue_item *item)
{
	engine_claim(e, opts, now);
	if (e->next_claim < e->n_claimed) {
		*item = e->claimed[e->next_claim++];
		return 1;
	}
	return e->offline && !opts->once && offline_take_due(e->recent, now, item);
}

static void
engine_start_visits(struct crawl_engine *e, const struct crawl_run_opts *opts, int64_t now)
{
	struct queue_item item;

	engine_claim(e, opts, now);	/* keeps the next batch coming even when busy */
	while (!e->exhausted && engine_has_room(e) && engine_next(e, opts, now, &item)) {
		if (engine_visit(e, &item) != 0) {
			log_warnx("crawl: out of memory starting a visit");
			return;
		}
	}
}

long long
crawl_engine_inflight(const struct crawl_engine *e)
{
	struct vantage_stats vs;
	long long inflight = 0;

	for (size_t i = 0; i < e->n; i++) {
		vantage_get_stats(e->v[i], &vs);
		inflight += vs.inflight;
	}
	return inflight;
}

long long
crawl_engine_stored(const struct crawl_engine *e)
{
	return store_writer_stored(e->writer);
}

size_t
crawl_engine_vantages(const struct crawl_engine *e)
{
	return e->n;
}

/* Tell the verb how it goes (FINAL: the run is over). */
static void
engine_progress(struct crawl_engine *e, const struct crawl_run_opts *opts, int64_t start,
    int final)
{
	e->stats.seconds = (clock_mono_us() - start) / 1e6;
	if (opts->progress != NULL)
		opts->progress(e, &e->stats, final, opts->progress_arg);
}

static void
engine_woken(struct crawl_engine *e)
{
	eventfd_t v;

	(void)eventfd_read(e->claim->wakefd, &v);
}

static void
engine_poll(struct crawl_engine *e, int64_t wait_us)
{
	struct epoll_event ev[256];
	int n = epoll_wait(e->epfd, ev, 256, (int)((wait_us + 999) / 1000));
	int64_t now;

	for (int i = 0; i < n; i++) {
		size_t vi = (size_t)(ev[i].data.u64 >> 32);
		int fd = (int)(uint32_t)ev[i].data.u64;

		if (vi == ENGINE_WAKE)
			engine_woken(e);
		else if (vi < e->n)
			vantage_process_fd(e->v[vi], fd, (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0,
			    (ev[i].events & EPOLLOUT) != 0);
	}
	now = clock_mono_us();
	for (size_t vi = 0; vi < e->n; vi++)
		vantage_process_timeouts(e->v[vi], now);
}

/*
 * Under load every answer that arrives alone wakes the loop, and a wake-up
 * costs more than handling the answer (on this VM a third of the crawler's
 * CPU went to them). When the last turn took in only a few answers while
 * many queries are in flight, wait coalesce_us before polling again, so
 * answers are taken in batches (recvmmsg reads 32 at a time). A latency
 * measured then grows by at most that wait.
 */
static void
engine_coalesce(struct crawl_engine *e, long long answered)
{
	struct timespec nap = { 0, (long)e->cfg->crawl.coalesce_us * 1000 };

	if (nap.tv_nsec != 0 && answered < ENGINE_COALESCE_FEW &&
	    crawl_engine_inflight(e) >= 4 * ENGINE_COALESCE_FEW)
		nanosleep(&nap, NULL);
}

int
crawl_engine_run(struct crawl_engine *e, struct store *st, struct store_writer *w,
    struct store_writer *q, const struct crawl_run_opts *opts, struct crawl_stats *stats)
{
	int64_t start = clock_mono_us(), next_progress = start;
	long long answered = ENGINE_COALESCE_FEW;	/* answers taken in by the last turn */
	int stopping = 0;

	e->writer = w;
	e->queue = q;
	e->sweep = opts->once && opts->all;
	e->sweep_after = 0;
	e->policy = (struct queue_policy){ .min_interval_ms = e->cfg->schedule.min_interval_ms,
		.max_interval_ms = e->cfg->schedule.max_interval_ms,
		.settle_after = e->cfg->schedule.settle_after,
		.backoff = e->cfg->schedule.backoff, .sweep = e->sweep };
	for (;;) {
		int64_t now = clock_mono_us(), wait = ENGINE_WAIT_CAP_US;

		if (!stopping && ((opts->stop != NULL && *opts->stop) ||
		    (opts->duration_ms > 0 && now - start >= opts->duration_ms * 1000)))
			stopping = 1;
		if (!stopping)
			engine_start_visits(e, opts, now);
		for (size_t i = 0; i < e->n; i++)
			vantage_pump(e->v[i], now);
		if (e->active == 0 && (stopping || e->exhausted))
			break;
		for (size_t i = 0; i < e->n; i++) {
			int64_t t = vantage_wait_us(e->v[i], wait, now);

			wait = t < wait ? t : wait;
		}
		udpio_flush(e->io);
		engine_coalesce(e, answered);
		answered = e->stats.responses;
		engine_poll(e, wait);
		answered = e->stats.responses - answered;
		engine_report(e, now, 0);
		if (now >= next_progress) {
			engine_progress(e, opts, start, 0);
			next_progress = now + e->cfg->crawl.progress_interval_ms * 1000;
		}
	}
	engine_report(e, clock_mono_us(), 1);
	engine_release(e, st);
	engine_progress(e, opts, start, 1);
	*stats = e->stats;
	return e->claim_failed ? -1 : 0;
}

/* A finished claim wakes the loop instead of waiting for a DNS event or the cap. */
static int
engine_watch_wake(struct crawl_engine *e)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)ENGINE_WAKE << 32;
	return epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->claim->wakefd, &ev);
}

struct crawl_engine *
crawl_engine_create(const struct cfg *cfg, char *err, size_t errlen)
{
	struct crawl_engine *e = calloc(1, sizeof(*e));
	size_t n = cfg->n_resolvers > 0 ? cfg->n_resolvers : 1;

	if (e == NULL)
		goto oom;
	e->cfg = cfg;
	e->epfd = -1;
	gethostname(e->owner, sizeof(e->owner) - 24);
	e->owner[sizeof(e->owner) - 24] = '\0';
	snprintf(e->owner + strlen(e->owner), 24, ":%ld", (long)getpid());
	if ((e->v = calloc(n, sizeof(*e->v))) == NULL ||
	    (e->vantage_id = calloc(n, sizeof(int))) == NULL ||
	    (e->claimed = calloc((size_t)cfg->crawl.claim_batch, sizeof(*e->claimed))) == NULL ||
	    (e->recent = offline_create((size_t)cfg->crawl.claim_batch * ENGINE_RECENT)) == NULL ||
	    (e->claim = calloc(1, sizeof(*e->claim))) == NULL ||
	    (e->claim->items = calloc((size_t)cfg->crawl.claim_batch, sizeof(struct queue_item))) == NULL)
		goto oom;
	engine_claim_setup(e);
	/* the first claim is small, so measuring starts at once; the full
	 * batches that follow are claimed while it is being visited */
	e->claim->opts.max = cfg->crawl.claim_batch < ENGINE_FIRST_CLAIM ? cfg->crawl.claim_batch :
	    ENGINE_FIRST_CLAIM;
	e->claim->opts.lease_ms = cfg->schedule.lease_ms;
	e->claim->opts.owner = e->owner;
	e->claim->wakefd = -1;
	if ((e->io = udpio_create(ENGINE_RCVBUF)) == NULL ||
	    (cfg->crawl.ns_cache_entries > 0 && (e->nsc = nscache_create(
	    (size_t)cfg->crawl.ns_cache_entries, cfg->crawl.ns_cache_negative_ms * 1000)) == NULL))
		goto oom;
	if ((e->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (e->claim->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
	    engine_watch_wake(e) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		goto fail;
	}
	for (e->n = 0; e->n < n; e->n++) {
		e->v[e->n] = vantage_create(cfg->n_resolvers > 0 ? &cfg->resolvers[e->n] : NULL,
		    e->epfd, (int)e->n, e->io, engine_done, e, err, errlen);
		if (e->v[e->n] == NULL)
			goto fail;
	}
	return e;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	crawl_engine_destroy(e);
	return NULL;
}

void
crawl_engine_destroy(struct crawl_engine *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n; i++)
		vantage_destroy(e->v[i]);
	udpio_destroy(e->io);	/* after the vantages: closing their sockets uses it */
	nscache_destroy(e->nsc);	/* after the vantages: their last answers free its waiters */
	if (e->epfd >= 0)
		close(e->epfd);
	free(e->v);
	free(e->vantage_id);
	free(e->claimed);
	free(e->reports);
	offline_destroy(e->recent);
	if (e->claim != NULL) {
		free(e->claim->items);
		if (e->claim->wakefd >= 0)
			close(e->claim->wakefd);
	}
	free(e->claim);
	free(e);
}

const struct vantage *
crawl_engine_vantage(const struct crawl_engine *e, size_t i)
{
	return i < e->n ? e->v[i] : NULL;
}

int
crawl_engine_register(struct crawl_engine *e, struct store *st, char *err, size_t errlen)
{
	for (size_t i = 0; i < e->n; i++)
		if (vantages_register(st, vantage_name(e->v[i]), vantage_address(e->v[i]),
		    vantage_port(e->v[i]), &e->vantage_id[i], err, errlen) != 0)
			return -1;
	return 0;
}
