/*
 * feed_file — bounded reads of file:// feeds in a detached thread each.
 *
 * The state is shared by the reader and the waiter under a mutex; whichever
 * of them is last (the waiter when the read ended in time, the reader when
 * the waiter gave up) frees it.
 */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scheduler/feed_file.h"

struct feed_file {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct feed_job *job;	/* only the waiter touches it */
	char *path;
	size_t max;
	char *body;
	size_t len;
	char error[sizeof(((struct feed_job *)0)->error)];
	int done, abandoned;
};

int
feed_file_url(const char *url)
{
	return strncmp(url, "file://", 7) == 0;
}

/* The decoded absolute path of a file:// URL ("file:///p", "file://localhost/p"); NULL if none. */
static char *
feed_file_path(const char *url)
{
	const char *p = url + 7;
	char *path, *dec;
	int len;

	if (strncmp(p, "localhost/", 10) == 0)
		p += 9;
	if (*p != '/' || (dec = curl_easy_unescape(NULL, p, 0, &len)) == NULL)
		return NULL;
	path = memchr(dec, '\0', (size_t)len) == NULL ? strdup(dec) : NULL;
	curl_free(dec);
	return path;
}

static const char *
feed_file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	return "not a regular file";
}

/* Read the whole regular file at fd into ff->body, at most ff->max octets. */
static void
feed_file_slurp(struct feed_file *ff, int fd)
{
	size_t cap = 0;

	for (;;) {
		ssize_t n;

		if (ff->len + 1 >= cap) {
			size_t want = cap == 0 ? 65536 : cap * 2;
			char *nb;

			if (want > ff->max + 2)
				want = ff->max + 2;
			if ((nb = realloc(ff->body, want)) == NULL) {
				snprintf(ff->error, sizeof(ff->error), "out of memory");
				return;
			}
			ff->body = nb;
			cap = want;
		}
		n = read(fd, ff->body + ff->len, cap - 1 - ff->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(ff->error, sizeof(ff->error), "reading %s: %s", ff->path,
			    strerror(errno));
			return;
		}
		if (n == 0)
			break;
		ff->len += (size_t)n;
		if (ff->len > ff->max) {
			snprintf(ff->error, sizeof(ff->error), "body larger than max_bytes (%zu)",
			    ff->max);
			return;
		}
	}
	ff->body[ff->len] = '\0';
}

static void
feed_file_read(struct feed_file *ff)
{
	struct stat sb;
	int fd = open(ff->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(ff->error, sizeof(ff->error), "cannot open %s: %s", ff->path,
		    strerror(errno));
		return;
	}
	if (fstat(fd, &sb) != 0)
		snprintf(ff->error, sizeof(ff->error), "%s: %s", ff->path, strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		snprintf(ff->error, sizeof(ff->error), "%s is %s, not a regular file", ff->path,
		    feed_file_kind(sb.st_mode));
	else if ((unsigned long long)sb.st_size > ff->max)
		snprintf(ff->error, sizeof(ff->error), "body larger than max_bytes (%zu)", ff->max);
	else
		feed_file_slurp(ff, fd);
	close(fd);
}

static void
feed_file_free(struct feed_file *ff)
{
	pthread_mutex_destroy(&ff->mu);
	pthread_cond_destroy(&ff->cv);
	free(ff->path);
	free(ff->body);
	free(ff);
}

static void *
feed_file_thread(void *arg)
{
	struct feed_file *ff = arg;
	int abandoned;

	feed_file_read(ff);
	pthread_mutex_lock(&ff->mu);
	ff->done = 1;
	abandoned = ff->abandoned;
	pthread_cond_signal(&ff->cv);
	pthread_mutex_unlock(&ff->mu);
	if (abandoned)
		feed_file_free(ff);
	return NULL;
}

/* The mutex and a condition variable timed on CLOCK_MONOTONIC. 0 or -1. */
static int
feed_file_sync_init(struct feed_file *ff)
{
	pthread_condattr_t ca;
	int rc;

	if (pthread_condattr_init(&ca) != 0)
		return -1;
	rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
	    pthread_cond_init(&ff->cv, &ca) == 0 ? 0 : -1;
	pthread_condattr_destroy(&ca);
	if (rc == 0 && pthread_mutex_init(&ff->mu, NULL) != 0) {
		pthread_cond_destroy(&ff->cv);
		rc = -1;
	}
	return rc;
}

struct feed_file *
feed_file_start(struct feed_job *job)
{
	struct feed_file *ff = calloc(1, sizeof(*ff));
	pthread_attr_t attr;
	pthread_t tid;
	int rc;

	if (ff == NULL || feed_file_sync_init(ff) != 0) {
		free(ff);
		snprintf(job->error, sizeof(job->error), "cannot set up the file read");
		return NULL;
	}
	ff->job = job;
	ff->max = (size_t)job->feed->max_bytes;
	if ((ff->path = feed_file_path(job->feed->url)) == NULL) {
		snprintf(job->error, sizeof(job->error), "file:// URL without an absolute path");
		feed_file_free(ff);
		return NULL;
	}
	rc = pthread_attr_init(&attr);
	if (rc == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		rc = pthread_create(&tid, &attr, feed_file_thread, ff);
		pthread_attr_destroy(&attr);
	}
	if (rc != 0) {
		snprintf(job->error, sizeof(job->error), "cannot start the file read: %s",
		    strerror(rc));
		feed_file_free(ff);
		return NULL;
	}
	return ff;
}

void
feed_file_finish(struct feed_file *ff, int64_t deadline_us)
{
	struct feed_job *j = ff->job;
	struct timespec ts = { (time_t)(deadline_us / 1000000), (long)(deadline_us % 1000000) * 1000 };

	pthread_mutex_lock(&ff->mu);
	while (!ff->done && pthread_cond_timedwait(&ff->cv, &ff->mu, &ts) == 0)
		;
	if (!ff->done) {
		/* from here on the reader owns ff: nothing of it is touched after the unlock */
		snprintf(j->error, sizeof(j->error), "reading %s: no end of file within the "
		    "timeout (%lld ms)", ff->path, (long long)j->feed->timeout_ms);
		ff->abandoned = 1;
		pthread_mutex_unlock(&ff->mu);
		return;
	}
	pthread_mutex_unlock(&ff->mu);
	if (ff->error[0] != '\0') {
		snprintf(j->error, sizeof(j->error), "%s", ff->error);
	} else {
		j->status = 200;
		j->body = ff->body;
		j->len = ff->len;
		ff->body = NULL;
	}
	feed_file_free(ff);
}
