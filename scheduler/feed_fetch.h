/*
 * feed_fetch — download every due feed at once with libcurl's multi
 * interface.
 *
 * Each transfer has connect and total timeouts, a body size limit, at most
 * FEED_MAX_REDIRS redirects (http/https only), any content encoding curl
 * supports, a User-Agent naming fluxwatch and its version, and TLS
 * verification as libcurl's default has it: on. Stored validators go out as
 * If-None-Match / If-Modified-Since, so an unchanged feed costs a 304.
 * file:// feeds are not libcurl's: feed_file reads them (regular files
 * only) under the same timeout and size limit, alongside the downloads.
 */
#ifndef FW_FEED_FETCH_H
#define FW_FEED_FETCH_H

#include <stddef.h>

#include "common/cfg.h"

#define FEED_MAX_REDIRS 5

struct feed_job {
	const struct cfg_feed *feed;	/* borrowed */
	const char *etag;		/* validators to send; NULL = none (borrowed) */
	const char *last_modified;
	/* results, owned by the job (feed_job_clear frees them) */
	long status;			/* HTTP status; 200 for a file:// read */
	char *body;
	size_t len;
	char *new_etag;
	char *new_last_modified;
	char error[256];		/* "" when the transfer worked */
};

/* Run every job in parallel; each job's results or error are filled in. */
void feed_fetch_all(struct feed_job *jobs, size_t n);

void feed_job_clear(struct feed_job *job);

#endif
