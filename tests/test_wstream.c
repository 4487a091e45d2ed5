/*
 * test_wstream — the errno of a failed write survives to wstream_close,
 * including when stdio dropped the failed buffer and its last flush has
 * nothing left to write (4,100 octets to /dev/full: glibc's fflush then
 * succeeds and errno says "Success").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/wstream.h"

static void
test_null(void **state)
{
	(void)state;
	assert_int_equal(wstream_close(NULL, 1), 0);
}

/* Write N lines of 100 octets to FD through a wstream; its close status. */
static int
write_lines(int fd, int n, int sync)
{
	struct wstream *w = wstream_open(fd);
	char line[101];

	assert_non_null(w);
	memset(line, 'x', 99);
	line[99] = '\n';
	line[100] = '\0';
	for (int i = 0; i < n; i++)
		fputs(line, wstream_fp(w));
	return wstream_close(w, sync);
}

static void
test_full(void **state)
{
	int fd;

	(void)state;
	for (int n = 1; n <= 100; n += 40) {	/* 41: the write that stdio forgets */
		assert_true((fd = open("/dev/full", O_WRONLY)) >= 0);
		assert_int_equal(write_lines(fd, n, 0), ENOSPC);
	}
}

static void
test_pipe(void **state)
{
	int p[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	assert_int_equal(write_lines(p[1], 100, 0), EPIPE);
}

static void
test_file(void **state)
{
	char path[] = "/tmp/fw_test_wstreamXXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	long size;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write_lines(fd, 100, 1), 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);	/* closed */
	assert_non_null(fp = fopen(path, "r"));
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fclose(fp);
	unlink(path);
	assert_int_equal(size, 100 * 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
