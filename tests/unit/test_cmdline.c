/*
 * tests/unit/test_cmdline.c - Xen-style command-line parsing (lib/cmdline.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host/test_shim.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/printk.h"

/* The variables a table of options writes. */
static bool noreboot, sync_console, watchdog, flag_a, flag_b;
static uint8_t u8;
static uint16_t u16;
static uint32_t u32, loglvl_num;
static uint64_t u64, dom0_mem, conring;
static char console[16], sched[8];
static char custom_seen[64];
static int custom_calls;

static int custom_cb(const char *value)
{
	custom_calls++;
	strcpy(custom_seen, value ? value : "(none)");
	return value && !strcmp(value, "bad") ? -EOPNOTSUPP : 0;
}

static const struct cmdline_param params[] = {
    CMDLINE_PARAM_BOOL("noreboot", noreboot), CMDLINE_PARAM_BOOL("sync_console", sync_console),
    CMDLINE_PARAM_BOOL("watchdog", watchdog), CMDLINE_PARAM_BOOL("a", flag_a),
    CMDLINE_PARAM_BOOL("b", flag_b),	      CMDLINE_PARAM_UINT("u8", u8),
    CMDLINE_PARAM_UINT("u16", u16),	      CMDLINE_PARAM_UINT("u32", u32),
    CMDLINE_PARAM_UINT("u64", u64),	      CMDLINE_PARAM_UINT("loglvl-num", loglvl_num),
    CMDLINE_PARAM_SIZE("dom0_mem", dom0_mem), CMDLINE_PARAM_SIZE("conring_size", conring),
    CMDLINE_PARAM_STRING("console", console), CMDLINE_PARAM_STRING("sched", sched),
    CMDLINE_PARAM_CUSTOM("com1", custom_cb),
};

#define MAX_PROBLEMS 16
static struct {
	char name[CMDLINE_NAME_MAX];
	char value[CMDLINE_VALUE_MAX];
	bool has_value;
	int err;
} problems[MAX_PROBLEMS];
static unsigned int nr_problems;

static void record(const char *name, const char *value, int err)
{
	assert_true(nr_problems < MAX_PROBLEMS);
	strcpy(problems[nr_problems].name, name);
	problems[nr_problems].has_value = value != NULL;
	strcpy(problems[nr_problems].value, value ? value : "");
	problems[nr_problems++].err = err;
}

static unsigned int parse(const char *line)
{
	return cmdline_parse(line, params, sizeof(params) / sizeof(params[0]), record);
}

static void expect_problem(unsigned int i, const char *name, const char *value, int err)
{
	assert_true(i < nr_problems);
	assert_string_equal(problems[i].name, name);
	assert_int_equal(problems[i].has_value, value != NULL);
	if (value)
		assert_string_equal(problems[i].value, value);
	assert_int_equal(problems[i].err, err);
}

static int setup(void **state)
{
	(void)state;
	noreboot = sync_console = watchdog = flag_a = flag_b = false;
	u8 = 0, u16 = 0, u32 = 0, u64 = 0, loglvl_num = 0, dom0_mem = 0, conring = 0;
	strcpy(console, "unset");
	strcpy(sched, "unset");
	custom_seen[0] = '\0';
	custom_calls = 0;
	nr_problems = 0;
	host_log_reset();
	return 0;
}

static void test_booleans(void **state)
{
	(void)state;
	watchdog = true;
	flag_b = true;
	assert_int_equal(parse("noreboot sync_console=yes no-watchdog a=enable b=off"), 0);
	assert_true(noreboot);
	assert_true(sync_console);
	assert_false(watchdog);
	assert_true(flag_a);
	assert_false(flag_b);
	assert_int_equal(parse("noreboot=0 a=false b=1 sync_console=disable watchdog=true"), 0);
	assert_false(noreboot);
	assert_false(flag_a);
	assert_true(flag_b);
	assert_false(sync_console);
	assert_true(watchdog);
	assert_int_equal(parse("a=on b=no"), 0);
	assert_true(flag_a);
	assert_false(flag_b);
}

static void test_bad_booleans(void **state)
{
	(void)state;
	flag_a = true;
	assert_int_equal(parse("a=maybe no-b=1 b=Yes a="), 4);
	assert_true(flag_a); /* unchanged */
	assert_false(flag_b);
	expect_problem(0, "a", "maybe", -EINVAL);
	expect_problem(1, "no-b", "1", -EINVAL);
	expect_problem(2, "b", "Yes", -EINVAL); /* values are case-sensitive, as in Xen */
	expect_problem(3, "a", "", -EINVAL);
}

static void test_integers(void **state)
{
	(void)state;
	assert_int_equal(parse("u8=255 u16=0xffff u32=4294967295 u64=0xFFFFFFFFFFFFFFFF"), 0);
	assert_int_equal(u8, 255);
	assert_int_equal(u16, 0xffff);
	assert_int_equal(u32, UINT32_MAX);
	assert_int_equal(u64, UINT64_MAX);
	assert_int_equal(parse("u64=18446744073709551615 u32=0X1aB"), 0);
	assert_int_equal(u64, UINT64_MAX);
	assert_int_equal(u32, 0x1ab);
}

static void test_bad_integers(void **state)
{
	(void)state;
	u8 = 7;
	u32 = 9;
	assert_int_equal(parse("u8=256 u32=0x100000000 u64=18446744073709551616 u8=12abc "
			       "u8=-1 u8=0x u8 u8= no-u8"),
			 9);
	expect_problem(0, "u8", "256", -ERANGE);
	expect_problem(1, "u32", "0x100000000", -ERANGE);
	expect_problem(2, "u64", "18446744073709551616", -ERANGE);
	expect_problem(3, "u8", "12abc", -EINVAL);
	expect_problem(4, "u8", "-1", -EINVAL);
	expect_problem(5, "u8", "0x", -EINVAL);
	expect_problem(6, "u8", NULL, -EINVAL);
	expect_problem(7, "u8", "", -EINVAL);
	expect_problem(8, "no-u8", NULL, -ENOENT); /* no- is for booleans only */
	assert_int_equal(u8, 7);
	assert_int_equal(u32, 9);
}

static void test_sizes(void **state)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} ok[] = {{"512M", 512ULL << 20},
		  {"1G", 1ULL << 30},
		  {"2T", 2ULL << 40},
		  {"4k", 4096},
		  {"64", 64 << 10},
		  {"100B", 100},
		  {"7b", 7},
		  {"0x10M", 16ULL << 20},
		  {"3g", 3ULL << 30},
		  {"16383T", 16383ULL << 40}};
	char line[64];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		strcpy(line, "dom0_mem=");
		strcat(line, ok[i].text);
		assert_int_equal(parse(line), 0);
		assert_int_equal(dom0_mem, ok[i].bytes);
	}
	dom0_mem = 1;
	assert_int_equal(parse("dom0_mem=3X dom0_mem=16MB dom0_mem=M dom0_mem=16777216T"), 4);
	expect_problem(0, "dom0_mem", "3X", -EINVAL);
	expect_problem(1, "dom0_mem", "16MB", -EINVAL);
	expect_problem(2, "dom0_mem", "M", -EINVAL);
	expect_problem(3, "dom0_mem", "16777216T", -ERANGE);
	assert_int_equal(dom0_mem, 1);
	/* A size into a narrow variable is range-checked too. */
	assert_int_equal(cmdline_parse("x=4G",
				       (struct cmdline_param[]){CMDLINE_PARAM_SIZE("x", u32)}, 1,
				       record),
			 1);
	expect_problem(4, "x", "4G", -ERANGE);
}

static void test_strings(void **state)
{
	(void)state;
	assert_int_equal(parse("console=com1,vga sched=credit"), 0);
	assert_string_equal(console, "com1,vga");
	assert_string_equal(sched, "credit");
	assert_int_equal(parse("sched=1234567"), 0); /* exactly fills sched[8] */
	assert_string_equal(sched, "1234567");
	assert_int_equal(parse("sched=12345678 console"), 2);
	expect_problem(0, "sched", "12345678", -ENAMETOOLONG);
	expect_problem(1, "console", NULL, -EINVAL);
	assert_string_equal(sched, "1234567");
	assert_int_equal(parse("console=\"com1 vga\" sched=\"\""), 0);
	assert_string_equal(console, "com1 vga");
	assert_string_equal(sched, "");
}

static void test_custom(void **state)
{
	(void)state;
	assert_int_equal(parse("com1=115200,8n1"), 0);
	assert_string_equal(custom_seen, "115200,8n1");
	assert_int_equal(parse("com1"), 0);
	assert_string_equal(custom_seen, "(none)");
	assert_int_equal(parse("com1=bad"), 1);
	expect_problem(0, "com1", "bad", -EOPNOTSUPP);
	assert_int_equal(custom_calls, 3);
}

static void test_unknown_options_do_not_stop_parsing(void **state)
{
	(void)state;
	assert_int_equal(parse("frobnicate=3 noreboot mystery =x a"), 3);
	expect_problem(0, "frobnicate", "3", -ENOENT);
	expect_problem(1, "mystery", NULL, -ENOENT);
	expect_problem(2, "", "x", -ENOENT);
	assert_true(noreboot);
	assert_true(flag_a);
}

static void test_warnings_without_callback(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse("frobnicate=3 u8=300 noreboot", params,
				       sizeof(params) / sizeof(params[0]), NULL),
			 2);
	assert_int_equal(host_log_count(KLOG_WARNING), 2);
	assert_true(host_log_contains("unknown option 'frobnicate=3'"));
	assert_true(host_log_contains("'u8=300'"));
	assert_true(noreboot);
}

static void test_names_and_whitespace(void **state)
{
	(void)state;
	assert_int_equal(parse(NULL), 0);
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse(" \t \n"), 0);
	watchdog = true;
	assert_int_equal(parse("\t sync-console  loglvl_num=4\tno-watchdog \n"), 0);
	assert_true(sync_console);	 /* '-' matches '_' */
	assert_int_equal(loglvl_num, 4); /* and '_' matches '-' */
	assert_false(watchdog);
	assert_int_equal(parse("u8=1 u8=2"), 0); /* the last one wins */
	assert_int_equal(u8, 2);
	assert_int_equal(parse("Noreboot"), 1);	   /* names are case-sensitive */
	assert_int_equal(parse("no_watchdog"), 1); /* the prefix is "no-" only */
	expect_problem(1, "no_watchdog", NULL, -ENOENT);
}

static void test_too_long(void **state)
{
	char line[CMDLINE_NAME_MAX + CMDLINE_VALUE_MAX + 16];

	(void)state;
	memset(line, 'n', CMDLINE_NAME_MAX);
	strcpy(line + CMDLINE_NAME_MAX, "=1 a");
	assert_int_equal(parse(line), 1);
	assert_int_equal(problems[0].err, -ENAMETOOLONG);
	assert_int_equal(strlen(problems[0].name), CMDLINE_NAME_MAX - 1);
	assert_true(flag_a);

	strcpy(line, "com1=");
	memset(line + 5, 'v', CMDLINE_VALUE_MAX);
	strcpy(line + 5 + CMDLINE_VALUE_MAX, " b");
	assert_int_equal(parse(line), 1);
	assert_int_equal(nr_problems, 2);
	assert_string_equal(problems[1].name, "com1");
	assert_int_equal(problems[1].err, -ENAMETOOLONG);
	assert_int_equal(strlen(problems[1].value), CMDLINE_VALUE_MAX - 1);
	assert_int_equal(custom_calls, 0);
	assert_true(flag_b);
}

static void test_value_helpers(void **state)
{
	bool b = false;
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cmdline_parse_bool("enable", &b), 0);
	assert_true(b);
	assert_int_equal(cmdline_parse_bool("disable", &b), 0);
	assert_false(b);
	assert_int_equal(cmdline_parse_bool("", &b), -EINVAL);
	assert_int_equal(cmdline_parse_uint("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cmdline_parse_uint("0x2A", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cmdline_parse_uint(" 1", &v), -EINVAL);
	assert_int_equal(cmdline_parse_size("8M", &v), 0);
	assert_int_equal(v, 8ULL << 20);
	assert_int_equal(cmdline_parse_size("17179869183T", &v), -ERANGE);
}

static void test_split_module(void **state)
{
	char path[16];
	const char *args;

	(void)state;
	assert_int_equal(cmdline_split_module("/boot/vm root=/dev/xvda1  console=hvc0", path,
					      sizeof(path), &args),
			 0);
	assert_string_equal(path, "/boot/vm");
	assert_string_equal(args, "root=/dev/xvda1  console=hvc0");
	assert_int_equal(cmdline_split_module("  kernel \t ", path, sizeof(path), &args), 0);
	assert_string_equal(path, "kernel");
	assert_string_equal(args, "");
	assert_int_equal(cmdline_split_module("", path, sizeof(path), &args), -EINVAL);
	assert_int_equal(cmdline_split_module("   ", path, sizeof(path), &args), -EINVAL);
	assert_int_equal(cmdline_split_module("0123456789abcdef x", path, sizeof(path), &args),
			 -ENAMETOOLONG);
	assert_string_equal(path, "");
	assert_string_equal(args, "");
	assert_int_equal(cmdline_split_module("0123456789abcde x", path, sizeof(path), &args), 0);
	assert_string_equal(path, "0123456789abcde");
	assert_string_equal(args, "x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_booleans, setup),
	    cmocka_unit_test_setup(test_bad_booleans, setup),
	    cmocka_unit_test_setup(test_integers, setup),
	    cmocka_unit_test_setup(test_bad_integers, setup),
	    cmocka_unit_test_setup(test_sizes, setup),
	    cmocka_unit_test_setup(test_strings, setup),
	    cmocka_unit_test_setup(test_custom, setup),
	    cmocka_unit_test_setup(test_unknown_options_do_not_stop_parsing, setup),
	    cmocka_unit_test_setup(test_warnings_without_callback, setup),
	    cmocka_unit_test_setup(test_names_and_whitespace, setup),
	    cmocka_unit_test_setup(test_too_long, setup),
	    cmocka_unit_test_setup(test_value_helpers, setup),
	    cmocka_unit_test_setup(test_split_module, setup),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
