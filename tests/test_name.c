/*
 * test_name — the normalisation table: plain names, URLs, hosts lines,
 * IDNs, length limits and hostile octets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/name.h"

struct row {
	const char *in;
	enum name_status st;
	const char *out;
};

static const struct row table[] = {
	{ "example.com", NAME_OK, "example.com" },
	{ "  Example.COM.  ", NAME_OK, "example.com" },
	{ "www.example.com # tracked", NAME_OK, "www.example.com" },
	{ "# a comment", NAME_EMPTY, NULL },
	{ "", NAME_EMPTY, NULL },
	{ "   \t ", NAME_EMPTY, NULL },
	{ "http://evil.example.net/login.php?x=1", NAME_OK, "evil.example.net" },
	{ "HTTPS://User:pw@Evil.Example.NET:8443/#frag", NAME_OK, "evil.example.net" },
	{ "evil.example.net/path/file", NAME_OK, "evil.example.net" },
	{ "http://sign_adfs-x.workers.dev/", NAME_OK, "sign_adfs-x.workers.dev" },
	{ "http://a.example.org?q=1", NAME_OK, "a.example.org" },
	{ "0.0.0.0 ads.example.com", NAME_OK, "ads.example.com" },
	{ "127.0.0.1\tlocal.example.com # hosts", NAME_OK, "local.example.com" },
	{ "::1 v6.example.com", NAME_OK, "v6.example.com" },
	{ "127.0.0.1 localhost", NAME_SINGLE_LABEL, NULL },
	{ "bücher.example", NAME_OK, "xn--bcher-kva.example" },
	{ "BÜCHER.example", NAME_OK, "xn--bcher-kva.example" },
	{ "http://пример.рф/путь", NAME_OK, "xn--e1afmkfd.xn--p1ai" },
	{ "xn--bcher-kva.example", NAME_OK, "xn--bcher-kva.example" },
	{ "XN--BCHER-KVA.example", NAME_OK, "xn--bcher-kva.example" },
	{ "www.xn--e1afmkfd.xn--p1ai", NAME_OK, "www.xn--e1afmkfd.xn--p1ai" },
	/* "xn--" labels must be punycode that decodes and encodes back to itself */
	{ "xn--zz.example", NAME_BAD_IDN, NULL },
	{ "http://shop.xn--zz.example/login", NAME_BAD_IDN, NULL },
	{ "xn--.example", NAME_BAD_HYPHEN, NULL },
	{ "xn--bcher-kva-.example", NAME_BAD_HYPHEN, NULL },
	{ "xn--a.example", NAME_BAD_IDN, NULL },
	{ "bücher.xn--zz.example", NAME_BAD_IDN, NULL },
	{ "xn--ls8h.la", NAME_BAD_IDN, NULL },
	{ "axn--zz.example", NAME_OK, "axn--zz.example" },
	/* a homoglyph (Cyrillic a) is its own name, never folded into "paypal.com" */
	{ "p\xd0\xb0ypal.com", NAME_OK, "xn--pypal-4ve.com" },
	{ "P\xd0\x90YPAL.COM", NAME_OK, "xn--pypal-4ve.com" },
	{ "ev\"il.example", NAME_BAD_CHAR, NULL },
	{ "ev'il.example", NAME_BAD_CHAR, NULL },
	{ "192.0.2.1", NAME_IP_LITERAL, NULL },
	{ "192.0.2.1.", NAME_IP_LITERAL, NULL },
	{ "http://192.0.2.1:8080/x.sh", NAME_IP_LITERAL, NULL },
	{ "2001:db8::1", NAME_IP_LITERAL, NULL },
	{ "http://[2001:db8::1]:80/", NAME_IP_LITERAL, NULL },
	{ "0.0.0.0 0.0.0.0", NAME_IP_LITERAL, NULL },
	{ "localhost", NAME_SINGLE_LABEL, NULL },
	{ "a..example.com", NAME_EMPTY_LABEL, NULL },
	{ ".example.com", NAME_EMPTY_LABEL, NULL },
	{ "-bad.example.com", NAME_BAD_HYPHEN, NULL },
	{ "bad-.example.com", NAME_BAD_HYPHEN, NULL },
	{ "exa mple.com", NAME_BAD_CHAR, NULL },
	{ "exa\"mple.com", NAME_BAD_CHAR, NULL },
	{ "exa\\mple.com", NAME_BAD_CHAR, NULL },
	{ "junk!!", NAME_BAD_CHAR, NULL },
	{ "1.2.3", NAME_NUMERIC_TLD, NULL },
	{ "http:///nohost", NAME_BAD_URL, NULL },
	{ "http://", NAME_BAD_URL, NULL },
};

static void
test_table(void **state)
{
	char out[NAME_BUFSZ];

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		enum name_status st = name_from_entry(table[i].in, strlen(table[i].in), out);

		if (st != table[i].st)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", table[i].in,
			    name_strerror(st), name_strerror(table[i].st));
		if (st == NAME_OK)
			assert_string_equal(out, table[i].out);
	}
}

static void
test_lengths(void **state)
{
	char in[600], out[NAME_BUFSZ];
	size_t n = 0;

	(void)state;
	/* a 63-octet label is fine, 64 is not */
	memset(in, 'a', 63);
	memcpy(in + 63, ".com", 5);
	assert_int_equal(name_normalise(in, strlen(in), out), NAME_OK);
	memset(in, 'a', 64);
	memcpy(in + 64, ".com", 5);
	assert_int_equal(name_normalise(in, strlen(in), out), NAME_LABEL_TOO_LONG);
	/* 253 octets is the longest name; 254 is too long */
	while (n < 253) {
		size_t take = 253 - n >= 50 ? 49 : 253 - n;

		memset(in + n, 'b', take);
		n += take;
		if (n < 253)
			in[n++] = '.';
	}
	in[n] = '\0';
	assert_int_equal(strlen(in), 253);
	assert_int_equal(name_normalise(in, 253, out), NAME_OK);
	in[253] = 'c';
	in[254] = '\0';
	assert_int_equal(name_normalise(in, 254, out), NAME_TOO_LONG);
	/* a trailing dot does not count */
	in[253] = '.';
	assert_int_equal(name_normalise(in, 254, out), NAME_OK);
	memset(in, 'x', sizeof(in));
	assert_int_equal(name_normalise(in, sizeof(in), out), NAME_TOO_LONG);
}

static void
test_hostile_octets(void **state)
{
	char out[NAME_BUFSZ];

	(void)state;
	assert_int_equal(name_normalise("evil\0.com", 9, out), NAME_BAD_CHAR);
	assert_int_equal(name_normalise("ev\til.com", 9, out), NAME_BAD_CHAR);
	assert_int_equal(name_normalise("ev\nil.com", 9, out), NAME_BAD_CHAR);
	assert_int_equal(name_normalise("\xff\xfe.com", 6, out), NAME_BAD_IDN);
	assert_int_equal(name_normalise("", 0, out), NAME_EMPTY);
	assert_int_equal(name_normalise(".", 1, out), NAME_EMPTY_LABEL);
	assert_int_equal(name_normalise("[1.2.3.4]", 9, out), NAME_IP_LITERAL);
	assert_int_equal(name_normalise("[bogus]", 7, out), NAME_BAD_CHAR);
}

static void
test_url_host(void **state)
{
	const char *h;
	size_t n;

	(void)state;
	assert_int_equal(name_url_host("ftp://u@h.example:21/x", 22, &h, &n), NAME_OK);
	assert_int_equal(n, 9);
	assert_memory_equal(h, "h.example", 9);
	assert_int_equal(name_url_host("//", 2, &h, &n), NAME_BAD_URL);
	assert_string_equal(name_strerror(NAME_IP_LITERAL), "IP literal, not a domain name");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_octets),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_url_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
