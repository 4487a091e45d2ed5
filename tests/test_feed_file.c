/*
 * test_feed_file — file:// feeds: URLs, regular files read whole, FIFOs,
 * directories and devices refused without blocking, the size bound, read
 * errors, and a read that blocks given up at the deadline (read() is
 * wrapped with -Wl,--wrap=read to block on demand).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/clock.h"
#include "scheduler/feed_file.h"

ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n);

static int block_reads;
static sem_t release, released;

ssize_t
__wrap_read(int fd, void *buf, size_t n)
{
	if (block_reads) {	/* a hung NFS server: the read returns when the test says */
		sem_wait(&release);
		sem_post(&released);
	}
	return __real_read(fd, buf, n);
}

static char dir[] = "/tmp/fw_test_feed_file.XXXXXX";

/* Read URL as a feed with max_bytes MAX and a 5 s timeout; the job is the caller's to clear. */
static void
fetch(struct feed_job *j, struct cfg_feed *f, const char *url, int max)
{
	struct feed_file *ff;

	memset(f, 0, sizeof(*f));
	memset(j, 0, sizeof(*j));
	f->url = (char *)url;
	f->max_bytes = max;
	f->timeout_ms = 5000;
	j->feed = f;
	if ((ff = feed_file_start(j)) != NULL)
		feed_file_finish(ff, clock_mono_us() + f->timeout_ms * 1000);
}

static void
put(const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

static void
test_bad_urls(void **state)
{
	struct feed_job j;
	struct cfg_feed f;

	(void)state;
	assert_false(feed_file_url("https://example.com/x"));
	assert_true(feed_file_url("file:///etc/hosts"));
	fetch(&j, &f, "file://relative/path", 1024);
	assert_non_null(strstr(j.error, "without an absolute path"));
	fetch(&j, &f, "file:///tmp/a%00b", 1024);
	assert_non_null(strstr(j.error, "without an absolute path"));
}

static void
test_regular(void **state)
{
	char url[160];
	struct feed_job j;
	struct cfg_feed f;

	(void)state;
	put("feed one.txt", "a.example\nb.example\n");
	snprintf(url, sizeof(url), "file://%s/feed%%20one.txt", dir);
	fetch(&j, &f, url, 1024);
	assert_string_equal(j.error, "");
	assert_int_equal(j.status, 200);
	assert_int_equal(j.len, 20);
	assert_string_equal(j.body, "a.example\nb.example\n");
	feed_job_clear(&j);
	snprintf(url, sizeof(url), "file://localhost%s/feed%%20one.txt", dir);
	fetch(&j, &f, url, 1024);
	assert_int_equal(j.status, 200);
	feed_job_clear(&j);
	put("empty.txt", "");
	snprintf(url, sizeof(url), "file://%s/empty.txt", dir);
	fetch(&j, &f, url, 1024);
	assert_int_equal(j.status, 200);
	assert_int_equal(j.len, 0);
	feed_job_clear(&j);
}

static void
test_refused(void **state)
{
	char url[160], path[128];
	struct feed_job j;
	struct cfg_feed f;
	char big[2048];

	(void)state;
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(url, sizeof(url), "file://%s", path);
	fetch(&j, &f, url, 1024);	/* no writer: must not block */
	assert_non_null(strstr(j.error, "is a FIFO, not a regular file"));
	fetch(&j, &f, "file:///etc/", 1024);
	assert_non_null(strstr(j.error, "/etc/ is a directory"));
	fetch(&j, &f, "file:///dev/zero", 1024);
	assert_non_null(strstr(j.error, "is a device"));
	fetch(&j, &f, "file:///proc/self/mem", 1024);
	assert_non_null(strstr(j.error, "reading /proc/self/mem: "));
	assert_int_equal(j.status, 0);
	snprintf(url, sizeof(url), "file://%s/none.txt", dir);
	fetch(&j, &f, url, 1024);
	assert_non_null(strstr(j.error, "cannot open"));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put("big.txt", big);
	snprintf(url, sizeof(url), "file://%s/big.txt", dir);
	fetch(&j, &f, url, 1024);
	assert_string_equal(j.error, "body larger than max_bytes (1024)");
	assert_null(j.body);
	unlink(path);
}

static void
test_blocking_read_times_out(void **state)
{
	char url[160];
	struct feed_job j;
	struct cfg_feed f;
	struct feed_file *ff;
	int64_t t0;

	(void)state;
	put("hung.txt", "a.example\n");
	snprintf(url, sizeof(url), "file://%s/hung.txt", dir);
	memset(&f, 0, sizeof(f));
	memset(&j, 0, sizeof(j));
	f.url = url;
	f.max_bytes = 1024;
	f.timeout_ms = 200;
	j.feed = &f;
	block_reads = 1;
	t0 = clock_mono_us();
	assert_non_null(ff = feed_file_start(&j));
	feed_file_finish(ff, t0 + f.timeout_ms * 1000);
	assert_true(clock_mono_us() - t0 < 3000000);
	assert_non_null(strstr(j.error, "no end of file within the timeout (200 ms)"));
	assert_int_equal(j.status, 0);
	block_reads = 0;
	sem_post(&release);	/* the reader ends and frees its own state */
	sem_wait(&released);
}

static int
setup(void **state)
{
	(void)state;
	sem_init(&release, 0, 0);
	sem_init(&released, 0, 0);
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_urls),
		cmocka_unit_test(test_regular),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_blocking_read_times_out),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
