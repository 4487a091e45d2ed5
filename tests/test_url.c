/*
 * test_url — masking credentials in feed URLs: userinfo, secret-looking
 * query parameters, and URLs with nothing to mask left as they are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/url.h"

static const struct { const char *in, *out; } table[] = {
	{ "", "" },
	{ "https://example.com/feed.txt", "https://example.com/feed.txt" },
	{ "file:///var/lib/feeds/list.txt", "file:///var/lib/feeds/list.txt" },
	{ "https://user:hunter2@example.com/f", "https://user:***@example.com/f" },
	{ "https://user:@example.com/f", "https://user:***@example.com/f" },
	{ "https://ghp_TOKEN@example.com/f", "https://***@example.com/f" },
	{ "https://a:b@c@example.com:8443/f", "https://a:***@example.com:8443/f" },
	{ "https://example.com/f?apikey=K3Y&x=1", "https://example.com/f?apikey=***&x=1" },
	{ "https://example.com/f?x=1&TOKEN=t&auth=&Password=p;sig=s#frag",
	  "https://example.com/f?x=1&TOKEN=***&auth=***&Password=***;sig=***#frag" },
	{ "https://example.com/f?access_token=a&api_key=b&client_secret=c&session_id=d",
	  "https://example.com/f?access_token=***&api_key=***&client_secret=***&session_id=***" },
	{ "https://example.com/f?key", "https://example.com/f?key" },
	{ "https://example.com/f?format=csv&limit=100", "https://example.com/f?format=csv&limit=100" },
	{ "https://example.com/a@b/f?q=1", "https://example.com/a@b/f?q=1" },
	{ "https://example.com/f#token=x", "https://example.com/f#token=x" },
	{ "https://u:p@example.com?key=v", "https://u:***@example.com?key=***" },
	{ "example.com/f?token=t", "example.com/f?token=***" },
};

static void
test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		char *got = url_mask(table[i].in);

		assert_non_null(got);
		if (strcmp(got, table[i].out) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", table[i].in, got, table[i].out);
		free(got);
	}
}

static void
test_worst_case_growth(void **state)
{
	const char *in = "h?key=&key=&key=&key=&key=&key=&key=&key=";
	char *got;

	(void)state;
	/* every parameter an empty secret: each grows by three octets */
	got = url_mask(in);
	assert_string_equal(got, "h?key=***&key=***&key=***&key=***&key=***&key=***&key=***&key=***");
	free(got);
	got = url_mask("@");
	assert_string_equal(got, "***@");
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_worst_case_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
