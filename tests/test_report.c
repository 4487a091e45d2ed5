/*
 * test_report — the pieces of the outputs that need no database: RPZ
 * policies, names, records and the ldns check of a whole zone, label lists, SVG charts and escaping, and the
 * atomic output file (no link followed, mode and owner kept).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "report/export_cmd.h"
#include "report/out.h"
#include "report/rpz.h"
#include "report/svg.h"

/* Run FN writing to a memory stream; the text, to free. */
static char *
capture(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	fn(fp, arg);
	fclose(fp);
	return buf;
}

static void
test_rpz_policies(void **state)
{
	struct rpz_policy p;
	char err[128];

	(void)state;
	assert_int_equal(rpz_policy_parse("nxdomain", &p, err, sizeof(err)), 0);
	assert_int_equal(p.action, RPZ_NXDOMAIN);
	assert_int_equal(rpz_policy_parse("nodata", &p, err, sizeof(err)), 0);
	assert_int_equal(p.action, RPZ_NODATA);
	assert_int_equal(rpz_policy_parse("drop", &p, err, sizeof(err)), 0);
	assert_int_equal(p.action, RPZ_DROP);
	assert_int_equal(rpz_policy_parse("cname:sink.example.net", &p, err, sizeof(err)), 0);
	assert_string_equal(p.target, "sink.example.net.");
	assert_int_equal(rpz_policy_parse("cname:sink.example.net.", &p, err, sizeof(err)), 0);
	assert_string_equal(p.target, "sink.example.net.");
	assert_int_equal(rpz_policy_parse("cname:", &p, err, sizeof(err)), -1);
	assert_int_equal(rpz_policy_parse("cname:a..b", &p, err, sizeof(err)), -1);
	assert_int_equal(rpz_policy_parse("cname:bad name", &p, err, sizeof(err)), -1);
	assert_int_equal(rpz_policy_parse("NXDOMAIN!", &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NXDOMAIN!"));
	/* the sinkhole passes the name rules: Unbound refuses the zone otherwise */
	assert_int_equal(rpz_policy_parse("cname:Sink.Example.NET", &p, err, sizeof(err)), 0);
	assert_string_equal(p.target, "sink.example.net.");
	assert_int_equal(rpz_policy_parse("cname:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    ".net", &p, err, sizeof(err)), -1);	/* a 64-octet label */
	assert_non_null(strstr(err, "label longer than 63 octets"));
	assert_int_equal(rpz_policy_parse("cname:sink.net\nx CNAME y.", &p, err, sizeof(err)), -1);
	assert_int_equal(rpz_policy_parse("cname:-sink.net", &p, err, sizeof(err)), -1);
	assert_int_equal(rpz_policy_parse("cname:sink", &p, err, sizeof(err)), 0);	/* one label */
	assert_string_equal(p.target, "sink.");
}

static void
rpz_sample(FILE *out, const void *arg)
{
	const struct rpz_zone *z = arg;

	rpz_write_header(out, z);
	rpz_write_domain(out, z, "evil.example");
}

static void
test_rpz_zone(void **state)
{
	struct rpz_zone z = { "rpz.test.", 1795000000ULL, 60, { RPZ_NXDOMAIN, "" } };
	char *t;

	(void)state;
	t = capture(rpz_sample, &z);
	assert_non_null(strstr(t, "$ORIGIN rpz.test.\n$TTL 60\n"));
	assert_non_null(strstr(t, "@ SOA localhost. hostmaster.localhost. 1795000000 3600 600 604800 60\n"));
	assert_non_null(strstr(t, "@ NS localhost.\n"));
	assert_non_null(strstr(t, "\nevil.example CNAME .\n*.evil.example CNAME .\n"));
	free(t);
	z.policy.action = RPZ_NODATA;
	t = capture(rpz_sample, &z);
	assert_non_null(strstr(t, "\nevil.example CNAME *.\n"));
	free(t);
	z.policy.action = RPZ_DROP;
	t = capture(rpz_sample, &z);
	assert_non_null(strstr(t, "\n*.evil.example CNAME rpz-drop.\n"));
	free(t);
	assert_int_equal(rpz_policy_parse("cname:walled.garden", &z.policy, NULL, 0), 0);
	t = capture(rpz_sample, &z);
	assert_non_null(strstr(t, "\nevil.example CNAME walled.garden.\n"));
	free(t);
}

static void
test_rpz_name(void **state)
{
	static const char *const bad[] = { "", ".", "a..b", "rpz.x\n@ A 1.2.3.4", "rpz x.net",
		"$ORIGIN.net", "rpz.$ORIGIN", "rpz.fluxwatch..", "$ORIGIN", "rpz x", "-rpz", "1.2.3.4",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.net" };
	char out[RPZ_NAME_BUFSZ];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(rpz_name(bad[i], out), NAME_OK);
	assert_int_equal(rpz_name("RPZ.Fluxwatch", out), NAME_OK);
	assert_string_equal(out, "rpz.fluxwatch.");
	assert_int_equal(rpz_name("rpz.fluxwatch.", out), NAME_OK);
	assert_string_equal(out, "rpz.fluxwatch.");
	assert_int_equal(rpz_name("RPZ", out), NAME_OK);	/* one label: a BIND-style zone */
	assert_string_equal(out, "rpz.");
	assert_int_equal(rpz_name("rpz-passthru.", out), NAME_OK);
	assert_string_equal(out, "rpz-passthru.");
}

/* rpz_check of TEXT for Z with N domains; its err in ERR. */
static int
rpz_check_text(const char *text, const struct rpz_zone *z, size_t n, char *err, size_t errlen)
{
	err[0] = '\0';
	return rpz_check(text, strlen(text), z, n, err, errlen);
}

static void
test_rpz_check(void **state)
{
	struct rpz_zone z = { "rpz.test.", 1795000000ULL, 60, { RPZ_NXDOMAIN, "" } };
	static const char head[] = "$ORIGIN rpz.test.\n$TTL 60\n"
	    "@ SOA localhost. hostmaster.localhost. 1795000000 3600 600 604800 60\n@ NS localhost.\n";
	char err[256], text[1024], *t;

	(void)state;
	t = capture(rpz_sample, &z);	/* what rpz writes loads */
	assert_int_equal(rpz_check_text(t, &z, 1, err, sizeof(err)), 0);
	free(t);
	rpz_policy_parse("cname:walled.garden", &z.policy, NULL, 0);
	t = capture(rpz_sample, &z);
	assert_int_equal(rpz_check_text(t, &z, 1, err, sizeof(err)), 0);
	free(t);
	assert_int_equal(rpz_check_text("", &z, 0, err, sizeof(err)), -1);
	/* a record line more than was written (an injected name) */
	snprintf(text, sizeof(text), "%sx CNAME .\nevil CNAME .\n", head);
	assert_int_equal(rpz_check_text(text, &z, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "records loaded"));
	/* a record outside the zone, one with another TTL, one that does not parse */
	snprintf(text, sizeof(text), "%sx.other. CNAME .\n*.x CNAME .\n", head);
	assert_int_equal(rpz_check_text(text, &z, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "outside the zone"));
	snprintf(text, sizeof(text), "%sx 30 CNAME .\n*.x CNAME .\n", head);
	assert_int_equal(rpz_check_text(text, &z, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "TTL 30"));
	snprintf(text, sizeof(text), "%sx CNAME aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.net.\n"
	    "*.x CNAME .\n", head);
	assert_int_equal(rpz_check_text(text, &z, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 5"));
	/* TTL and serial that ldns would wrap */
	z.ttl = 99999999999L;
	t = capture(rpz_sample, &z);
	assert_int_equal(rpz_check_text(t, &z, 1, err, sizeof(err)), -1);
	free(t);
	z.ttl = 60;
	z.serial = 4294967296ULL;
	t = capture(rpz_sample, &z);
	assert_int_equal(rpz_check_text(t, &z, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "serial"));
	free(t);
}

static void
test_rpz_long_domain(void **state)
{
	struct rpz_zone z = { "rpz.fluxwatch.", 1, 60, { RPZ_NXDOMAIN, "" } };
	char domain[NAME_BUFSZ];
	FILE *fp = fopen("/dev/null", "w");

	(void)state;
	/* 253 - 2 - 14: the longest domain whose "*." trigger fits under rpz.fluxwatch. */
	memset(domain, 'a', sizeof(domain));
	for (size_t i = 63; i < 237; i += 64)
		domain[i] = '.';
	domain[237] = '\0';
	assert_int_equal(rpz_write_domain(fp, &z, domain), 0);
	domain[237] = 'a';
	domain[238] = '\0';
	assert_int_equal(rpz_write_domain(fp, &z, domain), -1);
	fclose(fp);
}

static void
test_labels(void **state)
{
	char err[160];

	(void)state;
	assert_int_equal(export_labels_check("single_flux", err, sizeof(err)), 0);
	assert_int_equal(export_labels_check("single_flux,double_flux,cdn", err, sizeof(err)), 0);
	assert_int_equal(export_labels_check("single", err, sizeof(err)), -1);
	assert_int_equal(export_labels_check("cdn,", err, sizeof(err)), -1);
	assert_int_equal(export_labels_check("", err, sizeof(err)), -1);
	assert_int_equal(export_labels_check("benign,flux", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"flux\""));
}

static void
test_grid_step(void **state)
{
	(void)state;
	assert_true(svg_grid_step(40, 4) == 10);
	assert_true(svg_grid_step(41, 4) == 20);
	assert_true(svg_grid_step(7, 4) == 2);
	assert_true(svg_grid_step(3000, 4) == 1000);
	assert_true(svg_grid_step(0.3, 4) == 0.1);
}

static void
escape_sample(FILE *out, const void *arg)
{
	svg_escape(out, arg);
}

static void
chart_sample(FILE *out, const void *arg)
{
	svg_chart_write(out, arg);
}

static void
test_svg(void **state)
{
	const double line[] = { 1, NAN, 3, 4 }, bars[] = { 0, 2, NAN, 1 }, none[] = { NAN, NAN, NAN, NAN };
	const struct svg_series s[] = { { "addresses", "#c00", line, 0 }, { "new", "#0c0", bars, 1 },
		{ "empty", "#00c", none, 0 } };
	struct svg_chart c = { "<b>&'\"", "10:00", "10:05", 4, s, 3, 300, 150 };
	char *t;

	(void)state;
	t = capture(escape_sample, "a<b>&\"c'");
	assert_string_equal(t, "a&lt;b&gt;&amp;&quot;c&#39;");
	free(t);
	t = capture(chart_sample, &c);
	assert_non_null(strstr(t, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\""));
	assert_non_null(strstr(t, "<title>&lt;b&gt;&amp;&#39;&quot;</title>"));
	assert_null(strstr(t, "<b>"));
	/* the line joins the three points with data, each marked */
	assert_non_null(strstr(t, "<polyline"));
	assert_int_equal((int)(strstr(t, "\" stroke=\"#c00\"/>") != NULL), 1);
	{
		int circles = 0, rects = 0;

		for (const char *p = t; (p = strstr(p, "<circle")) != NULL; p++)
			circles++;
		for (const char *p = t; (p = strstr(p, "fill=\"#0c0\" opacity")) != NULL; p++)
			rects++;
		assert_int_equal(circles, 3);
		assert_int_equal(rects, 2);	/* zero and missing values draw no bar */
	}
	assert_non_null(strstr(t, ">10:00</text>"));
	assert_non_null(strstr(t, ">10:05</text>"));
	assert_null(strstr(t, "nan"));
	assert_non_null(strstr(t, "</svg>\n"));
	free(t);
}

/* The first line of PATH, checked against WANT. */
static void
assert_first_line(const char *path, const char *want)
{
	char buf[16] = "";
	FILE *fp = fopen(path, "r");

	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_string_equal(buf, want);
}

static void
test_out_atomic(void **state)
{
	char dir[] = "/tmp/fw_test_outXXXXXX", path[64], err[128];
	struct out o;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/zone.rpz", dir);
	fp = fopen(path, "w");
	fputs("old\n", fp);
	fclose(fp);
	/* a failed export leaves the old file */
	assert_int_equal(out_open(&o, path, err, sizeof(err)), 0);
	fputs("partial", o.fp);
	assert_int_equal(out_close(&o, 0, err, sizeof(err)), 0);
	assert_first_line(path, "old\n");
	/* a complete one replaces it */
	assert_int_equal(out_open(&o, path, err, sizeof(err)), 0);
	fputs("new\n", o.fp);
	assert_int_equal(out_close(&o, 1, err, sizeof(err)), 0);
	assert_first_line(path, "new\n");
	unlink(path);
	rmdir(dir);	/* fails if a temporary file was left behind */
	assert_int_equal(access(dir, F_OK), -1);
	snprintf(path, sizeof(path), "/nonexistent-dir/x");
	assert_int_equal(out_open(&o, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent-dir/x"));
}

/* Replace PATH through out_open/out_close with the line "new". */
static void
out_replace(const char *path)
{
	char err[256];
	struct out o;

	assert_int_equal(out_open(&o, path, err, sizeof(err)), 0);
	fputs("new\n", o.fp);
	assert_int_equal(out_close(&o, 1, err, sizeof(err)), 0);
}

static void
test_out_links(void **state)
{
	char dir[] = "/tmp/fw_test_outXXXXXX", path[64], victim[64], planted[96];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/zone.rpz", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(planted, sizeof(planted), "%s.tmp.%ld", path, (long)getpid());
	fclose(fopen(victim, "w"));
	/* a link at the temporary name of old (OUT.tmp.PID) and one at OUT itself */
	assert_int_equal(symlink(victim, planted), 0);
	assert_int_equal(symlink(victim, path), 0);
	out_replace(path);
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_size, 0);	/* written through neither link */
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_first_line(path, "new\n");
	assert_int_equal(lstat(planted, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	unlink(planted);
	unlink(path);
	unlink(victim);
	assert_int_equal(rmdir(dir), 0);	/* nothing else was left */
}

static void
test_out_attrs(void **state)
{
	char dir[] = "/tmp/fw_test_outXXXXXX", path[64];
	uid_t uid = geteuid() == 0 ? 4321 : geteuid();
	gid_t gid = geteuid() == 0 ? 4322 : getegid();
	struct stat st;
	mode_t mask = umask(022);

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	out_replace(path);	/* new: 0666 less the umask */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(chown(path, uid, gid), 0);
	out_replace(path);	/* replaced: the old file's mode and owner */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, gid);
	umask(mask);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rpz_policies),
		cmocka_unit_test(test_rpz_zone),
		cmocka_unit_test(test_rpz_name),
		cmocka_unit_test(test_rpz_check),
		cmocka_unit_test(test_rpz_long_domain),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_grid_step),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_out_atomic),
		cmocka_unit_test(test_out_links),
		cmocka_unit_test(test_out_attrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
