/*
 * tests/unit/test_xl_config_parse.c - the xl.cfg(5) syntax layer
 * (dom0-tools/xl_config_parse.c): what it accepts, the exact messages of
 * what it refuses, its limits, and hostile bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dom0-tools/xl_config_parse.h"
#include "lib/errno.h"

static struct xlcfg cfg; /* ~40 KiB: static, as the dom0 kernel will hold it */
static char big[64 * 1024];

static int parse_n(const char *text, size_t len)
{
	return xlcfg_parse(&cfg, "t.cfg", text, len);
}

static int parse(const char *text)
{
	return parse_n(text, strlen(text));
}

static const struct xlcfg_value *value(const char *key)
{
	const struct xlcfg_setting *set = xlcfg_find(&cfg, key);

	assert_non_null(set);
	return &set->value;
}

static void want_string(const char *key, const char *want)
{
	const struct xlcfg_value *v = value(key);

	assert_int_equal(v->type, XLCFG_STRING);
	assert_string_equal(xlcfg_string(&cfg, v), want);
	assert_int_equal(v->str_len, strlen(want));
}

static void want_number(const char *key, int64_t want)
{
	const struct xlcfg_value *v = value(key);

	assert_int_equal(v->type, XLCFG_NUMBER);
	assert_true(v->num == want);
}

/* The parse fails with rc and exactly this message. */
static void expect_error(const char *text, int rc, const char *msg)
{
	assert_int_equal(parse(text), rc);
	assert_string_equal(cfg.diag.error, msg);
}

static void test_scalars(void **state)
{
	(void)state;
	assert_int_equal(parse("name = \"web\"\n"
			       "kernel='/boot/vmlinuz'\n"
			       "memory = 512\n"
			       "maxmem=0x400\n"
			       "vcpus = 010\n"
			       "zero = 0\n"
			       "neg = -42\n"
			       "empty = ''\n"),
			 0);
	assert_int_equal(cfg.nr_settings, 8);
	want_string("name", "web");
	want_string("kernel", "/boot/vmlinuz");
	want_number("memory", 512);
	want_number("maxmem", 1024);
	want_number("vcpus", 8); /* xl.cfg(5): a leading 0 means octal */
	want_number("zero", 0);
	want_number("neg", -42);
	want_string("empty", "");
	assert_null(xlcfg_find(&cfg, "missing"));
	assert_string_equal(cfg.diag.error, "");
	assert_int_equal(cfg.diag.nr_warnings, 0);
}

static void test_positions(void **state)
{
	const struct xlcfg_setting *set;

	(void)state;
	assert_int_equal(parse("\n# comment\n  memory =  512\nname='x'"), 0);
	set = xlcfg_find(&cfg, "memory");
	assert_int_equal(set->line, 3);
	assert_int_equal(set->col, 3);
	assert_int_equal(set->value.line, 3);
	assert_int_equal(set->value.col, 13);
	assert_int_equal(xlcfg_find(&cfg, "name")->line, 4);
}

static void test_number_limits(void **state)
{
	(void)state;
	assert_int_equal(parse("a = 9223372036854775807\nb = -9223372036854775808\n"
			       "c = 0x7fffffffffffffff\nd = 0777\ne = 0X1f\n"),
			 0);
	want_number("a", INT64_MAX);
	want_number("b", INT64_MIN);
	want_number("c", INT64_MAX);
	want_number("d", 511);
	want_number("e", 31);
	expect_error("a = 9223372036854775808\n", -EINVAL,
		     "t.cfg:1:5: \"a\": number \"9223372036854775808\" out of range");
	expect_error("a = -9223372036854775809\n", -EINVAL,
		     "t.cfg:1:5: \"a\": number \"-9223372036854775809\" out of range");
	expect_error("a = 0x10000000000000000\n", -EINVAL,
		     "t.cfg:1:5: \"a\": number \"0x10000000000000000\" out of range");
	expect_error("a = 99999999999999999999999999999999999999999999\n", -EINVAL,
		     "t.cfg:1:5: \"a\": number \"99999999999999999999999999999999\" out of range");
}

static void test_bad_numbers(void **state)
{
	(void)state;
	expect_error("memory = 512M\n", -EINVAL,
		     "t.cfg:1:10: \"memory\": malformed number \"512M\" (whole numbers only: "
		     "decimal, 0x hex, or 0 octal; no units)");
	expect_error("memory = 1.5\n", -EINVAL,
		     "t.cfg:1:10: \"memory\": malformed number \"1.5\" (whole numbers only: "
		     "decimal, 0x hex, or 0 octal; no units)");
	expect_error("vcpus = 08\n", -EINVAL,
		     "t.cfg:1:9: \"vcpus\": malformed number \"08\" (whole numbers only: "
		     "decimal, 0x hex, or 0 octal; no units)");
	expect_error("a = 0x\n", -EINVAL, "t.cfg:1:5: \"a\": 0x needs hex digits");
	expect_error("a = -\n", -EINVAL, "t.cfg:1:6: \"a\": expected a digit after '-'");
	expect_error("a = --1\n", -EINVAL, "t.cfg:1:6: \"a\": expected a digit after '-'");
	expect_error("a = +1\n", -EINVAL,
		     "t.cfg:1:5: \"a\": expected a value (\"string\", number or [list]), got '+'");
}

static void test_strings_and_escapes(void **state)
{
	(void)state;
	assert_int_equal(parse("a = \"it's\"\n"
			       "b = 'say \"hi\"'\n"
			       "c = \"tab\\there\\nnl \\\\ \\\" \\' \\x41\\102 \\a\\b\\f\\v\\r\"\n"
			       "d = '# not a comment'  # but this is\n"
			       "e = \"caf\xc3\xa9\"\n"
			       "f = \"\\x7\"\n"),
			 0);
	want_string("a", "it's");
	want_string("b", "say \"hi\"");
	want_string("c", "tab\there\nnl \\ \" ' AB \a\b\f\v\r");
	want_string("d", "# not a comment");
	want_string("e", "caf\xc3\xa9");
	want_string("f", "\x07");
}

static void test_bad_strings(void **state)
{
	(void)state;
	expect_error("name = \"web\nmemory = 1\n", -EINVAL,
		     "t.cfg:1:8: unterminated string: no closing \" on this line");
	expect_error("name = 'web", -EINVAL,
		     "t.cfg:1:8: unterminated string: no closing ' on this line");
	expect_error("name = \"a\\\nb\"\n", -EINVAL,
		     "t.cfg:1:11: unterminated string: a backslash ends the line");
	expect_error("name = \"a\\qb\"\n", -EINVAL,
		     "t.cfg:1:10: unknown escape: backslash then 'q' (known: \\n \\t \\r \\a \\b "
		     "\\f \\v \\\\ \\\" \\' \\xHH \\OOO)");
	expect_error("name = \"a\\0\"\n", -EINVAL, "t.cfg:1:10: a string cannot hold a NUL byte");
	expect_error("name = \"a\\x00\"\n", -EINVAL, "t.cfg:1:10: a string cannot hold a NUL byte");
	expect_error("name = \"a\\xzz\"\n", -EINVAL, "t.cfg:1:10: \\x needs one or two hex digits");
	expect_error("name = \"a\\400\"\n", -EINVAL, "t.cfg:1:10: octal escape above \\377");
	expect_error("name = \"a\x1b[2Jb\"\n", -EINVAL,
		     "t.cfg:1:10: control byte 0x1b in a string: write an escape");
	expect_error("name = \"a\x7f\"\n", -EINVAL,
		     "t.cfg:1:10: control byte 0x7f in a string: write an escape");
}

static void test_lists(void **state)
{
	const struct xlcfg_value *v;

	(void)state;
	assert_int_equal(parse("disk = [ 'phy:/dev/vg/a,xvda,w',   # root\n"
			       "         # a comment line inside the list\n"
			       "\n"
			       "         \"file:/b.img,xvdb,r\" , ]\n"
			       "cpus=[1,0x2,-3]\n"
			       "vif = []\n"
			       "mixed = [ 'a', 7 ]\n"),
			 0);
	v = value("disk");
	assert_int_equal(v->type, XLCFG_LIST);
	assert_int_equal(v->list.count, 2);
	assert_string_equal(xlcfg_string(&cfg, xlcfg_item(&cfg, v, 0)), "phy:/dev/vg/a,xvda,w");
	assert_string_equal(xlcfg_string(&cfg, xlcfg_item(&cfg, v, 1)), "file:/b.img,xvdb,r");
	assert_int_equal(xlcfg_item(&cfg, v, 1)->line, 4);
	assert_int_equal(xlcfg_item(&cfg, v, 1)->col, 10);
	v = value("cpus");
	assert_int_equal(v->list.count, 3);
	assert_true(xlcfg_item(&cfg, v, 0)->num == 1);
	assert_true(xlcfg_item(&cfg, v, 1)->num == 2);
	assert_true(xlcfg_item(&cfg, v, 2)->num == -3);
	assert_int_equal(value("vif")->type, XLCFG_LIST);
	assert_int_equal(value("vif")->list.count, 0);
	v = value("mixed");
	assert_int_equal(xlcfg_item(&cfg, v, 0)->type, XLCFG_STRING);
	assert_int_equal(xlcfg_item(&cfg, v, 1)->type, XLCFG_NUMBER);
}

static void test_bad_lists(void **state)
{
	(void)state;
	expect_error("vif = [ 'a',\n 'b'\n", -EINVAL,
		     "t.cfg:1:7: \"vif\": unterminated list: this '[' has no ']' before the end "
		     "of the file");
	expect_error("vif = [", -EINVAL,
		     "t.cfg:1:7: \"vif\": unterminated list: this '[' has no ']' before the end "
		     "of the file");
	expect_error("vif = [ 'a' 'b' ]\n", -EINVAL,
		     "t.cfg:1:13: \"vif\": expected ',' or ']' after list item 1, got '''");
	expect_error("vif = [ , ]\n", -EINVAL,
		     "t.cfg:1:9: \"vif\": expected a list item or ']', got ','");
	expect_error("vif = [ 'a',, ]\n", -EINVAL,
		     "t.cfg:1:13: \"vif\": expected a list item or ']', got ','");
	expect_error("vnuma = [ [ 'pnode=0' ] ]\n", -EINVAL,
		     "t.cfg:1:11: \"vnuma\": nested lists are not supported");
	expect_error("vif = [ 'a'; 'b' ]\n", -EINVAL,
		     "t.cfg:1:12: \"vif\": expected ',' or ']' after list item 1, got ';'");
}

static void test_statements(void **state)
{
	(void)state;
	/* Semicolons separate or end statements; CRLF and a missing final newline are fine. */
	assert_int_equal(parse("name=\"h0\"; type=\"pv\";\r\n;;\r\n\tmemory = 128 ;  # c\r\n"
			       "vcpus=1"),
			 0);
	assert_int_equal(cfg.nr_settings, 4);
	want_string("name", "h0");
	want_string("type", "pv");
	want_number("memory", 128);
	want_number("vcpus", 1);
	assert_int_equal(parse(""), 0);
	assert_int_equal(cfg.nr_settings, 0);
	assert_int_equal(parse("# only\n\n   # comments\n"), 0);
	assert_int_equal(cfg.nr_settings, 0);
	assert_int_equal(parse("_Key_9 = 1\n"), 0);
	want_number("_Key_9", 1);
}

static void test_bad_statements(void **state)
{
	(void)state;
	expect_error("memory 512\n", -EINVAL,
		     "t.cfg:1:8: expected '=' after key \"memory\", got '5'");
	expect_error("name = 'a'\n\nmemory\n", -EINVAL,
		     "t.cfg:3:7: expected '=' after key \"memory\", got end of line");
	expect_error("memory =\n512\n", -EINVAL,
		     "t.cfg:1:9: \"memory\": expected a value (\"string\", number or [list]), got "
		     "end of line");
	expect_error("memory = ", -EINVAL,
		     "t.cfg:1:10: \"memory\": expected a value (\"string\", number or [list]), got "
		     "end of file");
	expect_error("type = pv\n", -EINVAL,
		     "t.cfg:1:8: \"type\": expected a value, got bare word pv: strings need quotes "
		     "(\"pv\")");
	expect_error("kernel = /boot/vmlinuz\n", -EINVAL,
		     "t.cfg:1:10: \"kernel\": expected a value, got bare word /boot/vmlinuz: "
		     "strings need quotes (\"/boot/vmlinuz\")");
	expect_error("memory = 512 1024\n", -EINVAL,
		     "t.cfg:1:14: expected ';' or end of line after the value of \"memory\", got "
		     "'1'");
	expect_error("name = 'a' 'b'\n", -EINVAL,
		     "t.cfg:1:12: expected ';' or end of line after the value of \"name\", got "
		     "'''");
	expect_error("extra += 'quiet'\n", -EINVAL,
		     "t.cfg:1:7: \"extra\": '+=' is not supported: give the whole value with '='");
	expect_error("9lives = 1\n", -EINVAL,
		     "t.cfg:1:1: expected a key (a name such as memory), got '9'");
	expect_error("vif.default = 1\n", -EINVAL,
		     "t.cfg:1:4: expected '=' after key \"vif\", got '.'");
	expect_error("= 1\n", -EINVAL,
		     "t.cfg:1:1: expected a key (a name such as memory), got '='");
	expect_error("\x01 = 1\n", -EINVAL,
		     "t.cfg:1:1: expected a key (a name such as memory), got byte 0x01");
	expect_error("caf\xc3\xa9 = 1\n", -EINVAL,
		     "t.cfg:1:4: expected '=' after key \"caf\", got byte 0xc3");
}

static void test_duplicates_last_wins(void **state)
{
	(void)state;
	assert_int_equal(parse("memory = 128\nname = 'a'\nmemory = 256\n"), 0);
	assert_int_equal(cfg.nr_settings, 2);
	assert_string_equal(cfg.settings[0].key, "memory"); /* keeps its first place */
	want_number("memory", 256);
	assert_int_equal(xlcfg_find(&cfg, "memory")->line, 3);
	assert_int_equal(cfg.diag.nr_warnings, 1);
	assert_string_equal(cfg.diag.warnings[0],
			    "t.cfg:3: \"memory\" set again (first at line 1): the last value wins");
	/* A later value may have another type: the last one is what the key holds. */
	assert_int_equal(parse("vif = ['a']\nvif = 'b'\n"), 0);
	want_string("vif", "b");
}

/* KEY=VALUE after the file (xl create FILE KEY=VALUE): they win quietly, errors name them. */
static void test_settings_after_the_file(void **state)
{
	(void)state;
	assert_int_equal(parse("memory = 128\nname = 'a'\n"), 0);
	assert_int_equal(xlcfg_parse_arg(&cfg, 0, "name=\"b\"", 8), 0);
	assert_int_equal(xlcfg_parse_arg(&cfg, 1, "vcpus=2", 7), 0);
	want_string("name", "b");
	want_number("vcpus", 2);
	want_number("memory", 128);
	assert_int_equal(cfg.diag.nr_warnings, 0);
	/* the shell ate the quotes: one bare word is a string, only here */
	assert_int_equal(xlcfg_parse_arg(&cfg, 2, "kernel=/boot/spin.elf", 21), 0);
	want_string("kernel", "/boot/spin.elf");
	assert_int_equal(xlcfg_parse_arg(&cfg, 3, "extra=a=b c  ", 13), 0);
	want_string("extra", "a=b c");
	assert_int_equal(xlcfg_parse_arg(&cfg, 4, "extra=a\x01", 8), -EINVAL);
	assert_int_equal(parse("kernel = /boot/k\n"), -EINVAL);
	assert_int_equal(parse("memory = 128\n"), 0);
	assert_int_equal(xlcfg_parse_arg(&cfg, 2, "cpus=[1", 7), -EINVAL);
	assert_string_equal(cfg.diag.error, "t.cfg: setting 3 given after it: \"cpus\": unterminated "
					    "list: this '[' has no ']' before the end of the file");
	assert_int_equal(xlcfg_parse_arg(&cfg, XLCFG_MAX_ARGS, "a=1", 3), -E2BIG);
	assert_string_equal(cfg.diag.error, "t.cfg: more than 64 settings given after it");
}

static void test_warning_overflow_is_counted(void **state)
{
	char *p = big;

	(void)state;
	for (int i = 0; i < XLCFG_MAX_WARNINGS + 5; i++)
		p += sprintf(p, "a = %d\n", i);
	p += sprintf(p, "a = 99\n");
	assert_int_equal(parse(big), 0);
	assert_int_equal(cfg.diag.nr_warnings, XLCFG_MAX_WARNINGS);
	assert_int_equal(cfg.diag.dropped_warnings, 5); /* 21 repeats, 16 kept */
	want_number("a", 99);
}

static void test_nul_bytes(void **state)
{
	static const char text[] = "name = 'a'\nmem\0ory = 1\n";

	(void)state;
	assert_int_equal(parse_n(text, sizeof(text) - 1), -EINVAL);
	assert_string_equal(cfg.diag.error, "t.cfg:2:4: NUL byte: a config file is text");
	/* Even inside a string or a comment, and even after a syntax error. */
	assert_int_equal(parse_n("a = '\0'", 7), -EINVAL);
	assert_string_equal(cfg.diag.error, "t.cfg:1:6: NUL byte: a config file is text");
	assert_int_equal(parse_n("?? # \0", 6), -EINVAL);
	assert_string_equal(cfg.diag.error, "t.cfg:1:6: NUL byte: a config file is text");
	/* The length given is what is read: no NUL terminator needed. */
	assert_int_equal(parse_n("a = 12345", 6), 0);
	want_number("a", 12);
}

static void test_line_limit(void **state)
{
	(void)state;
	memset(big, 0, sizeof(big));
	strcpy(big, "a = '");
	memset(big + 5, 'x', XLCFG_MAX_LINE - 6);
	strcat(big, "'\nb = 1\n");
	assert_int_equal(strlen(big), XLCFG_MAX_LINE + 7); /* line 1 is exactly the limit */
	assert_int_equal(parse(big), -E2BIG);		   /* ... but its string is too long */
	assert_string_equal(cfg.diag.error, "t.cfg:1:5: string longer than 1023 bytes");

	memset(big, 0, sizeof(big));
	memset(big, '#', XLCFG_MAX_LINE);
	strcat(big, "\nb = 1\n");
	assert_int_equal(parse(big), 0); /* a comment of exactly the limit */
	want_number("b", 1);
	big[XLCFG_MAX_LINE] = '#';
	assert_int_equal(parse(big), -E2BIG);
	assert_string_equal(cfg.diag.error, "t.cfg:1:4097: line longer than 4096 bytes");
}

/* Writes settings s<first>.. s<first+n-1> = 'zzz...' of XLCFG_MAX_STRING bytes at p. */
static char *long_strings(char *p, int first, int n)
{
	for (int i = first; i < first + n; i++) {
		p += sprintf(p, "s%d = '", i);
		memset(p, 'z', XLCFG_MAX_STRING);
		p += XLCFG_MAX_STRING;
		p += sprintf(p, "'\n");
	}
	*p = '\0';
	return p;
}

static void test_size_limits(void **state)
{
	char *p;

	(void)state;
	/* A string of exactly XLCFG_MAX_STRING bytes is fine. */
	memset(big, 0, sizeof(big));
	strcpy(big, "a = '");
	memset(big + 5, 'y', XLCFG_MAX_STRING);
	strcat(big, "'\n");
	assert_int_equal(parse(big), 0);
	assert_int_equal(value("a")->str_len, XLCFG_MAX_STRING);

	/* Key length. */
	memset(big, 0, sizeof(big));
	memset(big, 'k', XLCFG_MAX_KEY);
	strcat(big, " = 1\n");
	assert_int_equal(parse(big), 0);
	memset(big, 0, sizeof(big));
	memset(big, 'k', XLCFG_MAX_KEY + 1);
	strcat(big, " = 1\n");
	assert_int_equal(parse(big), -E2BIG);
	assert_string_equal(cfg.diag.error, "t.cfg:1:1: key longer than 63 bytes");

	/* Settings. */
	p = big;
	for (int i = 0; i <= XLCFG_MAX_SETTINGS; i++)
		p += sprintf(p, "k%d = %d\n", i, i);
	assert_int_equal(parse(big), -E2BIG);
	assert_string_equal(cfg.diag.error, "t.cfg:129:1: more than 128 settings in the file");
	assert_int_equal(cfg.nr_settings, XLCFG_MAX_SETTINGS);

	/* List items, over all lists. */
	p = big + sprintf(big, "a = [");
	for (int i = 0; i < XLCFG_MAX_ITEMS; i++)
		p += sprintf(p, "%d,", i);
	p += sprintf(p, "]\nb = [ 1 ]\n");
	assert_int_equal(parse(big), -E2BIG);
	assert_string_equal(cfg.diag.error,
			    "t.cfg:2:7: \"b\": more than 256 list items in the file");

	/* The string pool: 16 strings of 1023 bytes (and their NULs) fill it exactly. */
	p = long_strings(big, 0, 16);
	assert_int_equal(parse(big), 0);
	assert_int_equal(cfg.pool_used, XLCFG_STRING_POOL);
	long_strings(p, 16, 1);
	assert_int_equal(parse(big), -E2BIG);
	assert_string_equal(cfg.diag.error,
			    "t.cfg:17:7: the file's strings exceed 16384 bytes in all");
	/* Empty strings need their NUL too: the pool's last byte is never overrun. */
	p = long_strings(big, 0, 15);
	p += sprintf(p, "t = '");
	memset(p, 'z', XLCFG_STRING_POOL - 15 * (XLCFG_MAX_STRING + 1) - 2);
	p += XLCFG_STRING_POOL - 15 * (XLCFG_MAX_STRING + 1) - 2;
	p += sprintf(p, "'\nu = ''\nv = ''\n");
	assert_int_equal(parse(big), -E2BIG);
	assert_string_equal(cfg.diag.error,
			    "t.cfg:18:5: the file's strings exceed 16384 bytes in all");
	assert_int_equal(cfg.pool_used, XLCFG_STRING_POOL);
}

static void test_deep_garbage(void **state)
{
	(void)state;
	memset(big, '[', 10000);
	big[10000] = '\0';
	memcpy(big, "a = ", 4);
	expect_error(big, -E2BIG, "t.cfg:1:4097: line longer than 4096 bytes");
	for (int i = 4; i < 10000; i += 2)
		memcpy(big + i, "[\n", 2);
	expect_error(big, -EINVAL, "t.cfg:2:1: \"a\": nested lists are not supported");
	memset(big, ']', 4000);
	big[4000] = '\0';
	expect_error(big, -EINVAL, "t.cfg:1:1: expected a key (a name such as memory), got ']'");
	memset(big, '"', 4000);
	expect_error(big, -EINVAL, "t.cfg:1:1: expected a key (a name such as memory), got '\"'");
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* Random bytes, mostly the grammar's own: never a crash, always a clean verdict. */
static void test_random_input(void **state)
{
	static const char alphabet[] = "ab_=[],;#'\"\\ \n\t0x9-\r\x01\xff";
	uint32_t seed = 12345;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % 200);
		int rc;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			big[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		rc = parse_n(big, len);
		assert_true(rc == 0 || rc == -EINVAL || rc == -E2BIG);
		assert_true((rc != 0) == (cfg.diag.error[0] != '\0'));
		assert_true(printable(cfg.diag.error));
		if (rc)
			assert_memory_equal(cfg.diag.error, "t.cfg:", 6);
		for (unsigned int i = 0; i < cfg.diag.nr_warnings; i++)
			assert_true(printable(cfg.diag.warnings[i]));
	}
}

static void test_helpers(void **state)
{
	char buf[8];

	(void)state;
	assert_string_equal(xlcfg_type_name(XLCFG_STRING), "a string");
	assert_string_equal(xlcfg_type_name(XLCFG_NUMBER), "a number");
	assert_string_equal(xlcfg_type_name(XLCFG_LIST), "a list");
	assert_string_equal(xlcfg_quote(buf, sizeof(buf), "abc"), "abc");
	assert_string_equal(xlcfg_quote(buf, sizeof(buf), "1234567"), "1234567");
	assert_string_equal(xlcfg_quote(buf, sizeof(buf), "12345678"), "1234...");
	assert_string_equal(xlcfg_quote(buf, sizeof(buf), "a\x1b[b\xc3"), "a?[b?");
	assert_string_equal(xlcfg_quote(buf, 3, "abcdef"), "..");
	/* A number is not a string: xlcfg_string never returns NULL. */
	assert_int_equal(parse("a = 1"), 0);
	assert_string_equal(xlcfg_string(&cfg, value("a")), "");
	/* Messages without a file name still say where. */
	assert_int_equal(xlcfg_parse(&cfg, NULL, "x", 1), -EINVAL);
	assert_string_equal(cfg.diag.error, "(config):1:2: expected '=' after key \"x\", got end "
					    "of file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scalars),
	    cmocka_unit_test(test_positions),
	    cmocka_unit_test(test_number_limits),
	    cmocka_unit_test(test_bad_numbers),
	    cmocka_unit_test(test_strings_and_escapes),
	    cmocka_unit_test(test_bad_strings),
	    cmocka_unit_test(test_lists),
	    cmocka_unit_test(test_bad_lists),
	    cmocka_unit_test(test_statements),
	    cmocka_unit_test(test_bad_statements),
	    cmocka_unit_test(test_duplicates_last_wins),
	    cmocka_unit_test(test_settings_after_the_file),
	    cmocka_unit_test(test_warning_overflow_is_counted),
	    cmocka_unit_test(test_nul_bytes),
	    cmocka_unit_test(test_line_limit),
	    cmocka_unit_test(test_size_limits),
	    cmocka_unit_test(test_deep_garbage),
	    cmocka_unit_test(test_random_input),
	    cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests_name("xl_config_parse", tests, NULL, NULL);
}
