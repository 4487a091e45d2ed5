/*
 * feed_fetch — libcurl multi transfers of feed bodies into memory; file://
 * feeds are read by feed_file at the same time, under the same bounds.
 */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/clock.h"
#include "scheduler/feed_fetch.h"
#include "scheduler/feed_file.h"

struct feed_xfer {
	struct feed_job *job;
	CURL *easy;
	struct curl_slist *headers;
	size_t cap;
	int oversize;
};

static size_t
feed_write(char *data, size_t size, size_t n, void *arg)
{
	struct feed_xfer *x = arg;
	struct feed_job *j = x->job;
	size_t add = size * n;

	if (j->len + add > (size_t)j->feed->max_bytes) {
		x->oversize = 1;
		return 0;	/* aborts the transfer with CURLE_WRITE_ERROR */
	}
	if (j->len + add + 1 > x->cap) {
		size_t cap = x->cap == 0 ? 65536 : x->cap;
		char *nb;

		while (cap < j->len + add + 1)
			cap *= 2;
		if ((nb = realloc(j->body, cap)) == NULL)
			return 0;
		j->body = nb;
		x->cap = cap;
	}
	memcpy(j->body + j->len, data, add);
	j->len += add;
	j->body[j->len] = '\0';
	return add;
}

/* Keep a header's value (trimmed) when its name matches. */
static void
feed_keep_header(const char *line, size_t len, const char *name, char **out)
{
	size_t nl = strlen(name);

	if (len <= nl || strncasecmp(line, name, nl) != 0)
		return;
	line += nl;
	len -= nl;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	free(*out);
	*out = strndup(line, len);
}

static size_t
feed_header(char *data, size_t size, size_t n, void *arg)
{
	struct feed_xfer *x = arg;

	if (strncmp(data, "HTTP/", 5) == 0) {	/* a new response (redirect): forget validators */
		free(x->job->new_etag);
		free(x->job->new_last_modified);
		x->job->new_etag = x->job->new_last_modified = NULL;
	}
	feed_keep_header(data, size * n, "ETag:", &x->job->new_etag);
	feed_keep_header(data, size * n, "Last-Modified:", &x->job->new_last_modified);
	return size * n;
}

static int
feed_header_add(struct feed_xfer *x, const char *name, const char *value)
{
	char line[1024];
	struct curl_slist *l;

	snprintf(line, sizeof(line), "%s: %s", name, value);
	if ((l = curl_slist_append(x->headers, line)) == NULL)
		return -1;
	x->headers = l;
	return 0;
}

static int
feed_setup(struct feed_xfer *x, struct feed_job *j)
{
	CURL *e = curl_easy_init();

	x->job = j;
	x->easy = e;
	if (e == NULL)
		return -1;
	if ((j->etag != NULL && feed_header_add(x, "If-None-Match", j->etag) != 0) ||
	    (j->last_modified != NULL &&
	    feed_header_add(x, "If-Modified-Since", j->last_modified) != 0))
		return -1;
	curl_easy_setopt(e, CURLOPT_URL, j->feed->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");	/* file:// is feed_file's */
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)FEED_MAX_REDIRS);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION
	    " (fast-flux measurement crawler)");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)j->feed->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)j->feed->timeout_ms);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)j->feed->max_bytes);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, feed_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, feed_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	return 0;
}

/* Fill the job's status or error from a finished transfer. */
static void
feed_finish(struct feed_xfer *x, CURLcode rc)
{
	struct feed_job *j = x->job;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &j->status);
	if (x->oversize || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(j->error, sizeof(j->error), "body larger than max_bytes (%d)",
		    j->feed->max_bytes);
	else if (rc != CURLE_OK)
		snprintf(j->error, sizeof(j->error), "%s", curl_easy_strerror(rc));
	else if (j->status != 200 && j->status != 304)
		snprintf(j->error, sizeof(j->error), "HTTP status %ld", j->status);
}

/* Run the http(s) jobs (those with a transfer set up) to their ends. */
static void
feed_fetch_curl(CURLM *m)
{
	int running = 0;
	CURLMsg *msg;

	do {
		if (curl_multi_perform(m, &running) != CURLM_OK ||
		    (running > 0 && curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK))
			break;
		while ((msg = curl_multi_info_read(m, &(int){ 0 })) != NULL) {
			struct feed_xfer *xf;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&xf);
			feed_finish(xf, msg->data.result);
		}
	} while (running > 0);
}

void
feed_fetch_all(struct feed_job *jobs, size_t n)
{
	struct feed_xfer *x = calloc(n, sizeof(*x));
	struct feed_file **files = calloc(n, sizeof(*files));
	CURLM *m = curl_multi_init();
	int64_t start = clock_mono_us();

	if (x == NULL || files == NULL || m == NULL) {
		for (size_t i = 0; i < n; i++)
			snprintf(jobs[i].error, sizeof(jobs[i].error), "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (feed_file_url(jobs[i].feed->url))
			files[i] = feed_file_start(&jobs[i]);
		else if (feed_setup(&x[i], &jobs[i]) != 0 ||
		    curl_multi_add_handle(m, x[i].easy) != CURLM_OK)
			snprintf(jobs[i].error, sizeof(jobs[i].error), "cannot set up the transfer");
	}
	feed_fetch_curl(m);
	for (size_t i = 0; i < n; i++)
		if (files[i] != NULL)
			feed_file_finish(files[i], start + jobs[i].feed->timeout_ms * 1000);
	for (size_t i = 0; i < n; i++)
		if (jobs[i].status == 0 && jobs[i].error[0] == '\0')
			snprintf(jobs[i].error, sizeof(jobs[i].error), "transfer did not complete");
done:
	for (size_t i = 0; x != NULL && i < n; i++) {
		if (x[i].easy != NULL) {
			curl_multi_remove_handle(m, x[i].easy);
			curl_easy_cleanup(x[i].easy);
		}
		curl_slist_free_all(x[i].headers);
	}
	curl_multi_cleanup(m);
	free(files);
	free(x);
}

void
feed_job_clear(struct feed_job *job)
{
	free(job->body);
	free(job->new_etag);
	free(job->new_last_modified);
	job->body = job->new_etag = job->new_last_modified = NULL;
	job->len = 0;
}
