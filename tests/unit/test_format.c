/*
 * tests/unit/test_format.c - printf-style formatting (lib/format.c).
 *
 * Fixed cases pin each conversion, flag and the truncation contract; a
 * differential test compares many formats and values with the host C
 * library's snprintf, which is the behaviour format.h promises.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/format.h"

static char buf[256];
/* Hidden from the compiler so it does not warn about %s with NULL. */
static const char *volatile null_str;

#define EXPECT(expected, ...)                                                                      \
	do {                                                                                       \
		int n_ = format_snprintf(buf, sizeof(buf), __VA_ARGS__);                           \
		assert_string_equal(buf, expected);                                                \
		assert_int_equal(n_, (int)strlen(expected));                                       \
	} while (0)

static void test_integers(void **state)
{
	(void)state;
	EXPECT("-42 17 0", "%d %i %u", -42, 17, 0u);
	EXPECT("-2147483648 2147483647", "%d %d", INT_MIN, INT_MAX);
	EXPECT("4294967295", "%u", UINT_MAX);
	EXPECT("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	EXPECT("ffffffffffffffff", "%lx", ULONG_MAX);
	EXPECT("-9223372036854775808", "%ld", LONG_MIN);
	EXPECT("123456789abcdef0", "%llx", 0x123456789abcdef0ULL);
	EXPECT("18446744073709551615", "%llu", ULLONG_MAX);
	EXPECT("18446744073709551615", "%zu", SIZE_MAX);
	EXPECT("-5", "%td", (ptrdiff_t)-5);
	EXPECT("17", "%o", 15u);
	EXPECT("1 -1 ff", "%hhu %hd %hhx", 257, 65535, 0x1ff);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	EXPECT("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
	EXPECT("-0042|  -42|-42  ", "%05d|%5d|%-5d", -42, -42, -42);
	EXPECT("+5| 5", "%+d|% d", 5, 5);
	EXPECT("0x1f|0X1F|0", "%#x|%#X|%#x", 0x1fu, 0x1fu, 0u);
	EXPECT("0x00001f", "%#08x", 0x1fu);
	EXPECT("   42|42   ", "%*d|%-*d", 5, 42, 5, 42);
	EXPECT("42   ", "%*d", -5, 42); /* negative width: left-justify */
	EXPECT("12345", "%3d", 12345);	/* width is a minimum */
}

static void test_strings_and_chars(void **state)
{
	(void)state;
	EXPECT("hello", "%s", "hello");
	EXPECT("   hi|hi   |", "%5s|%-5s|", "hi", "hi");
	EXPECT("abc|     abc|ab", "%.3s|%8.3s|%.*s", "abcdef", "abcdef", 2, "abcdef");
	EXPECT("(null)|  (null)", "%s|%8s", null_str, null_str);
	EXPECT("x|  x|y  ", "%c|%3c|%-3c", 'x', 'x', 'y');
	EXPECT("100%", "%d%%", 100);
	EXPECT("", "%s", "");
}

static void test_pointer(void **state)
{
	(void)state;
	EXPECT("0000000000001234", "%p", (void *)0x1234);
	EXPECT("ffff82d080000000", "%p", (void *)0xffff82d080000000UL);
}

static void test_truncation(void **state)
{
	char small[8];

	(void)state;
	memset(small, 'Z', sizeof(small));
	assert_int_equal(format_snprintf(small, 5, "hello world"), 11);
	assert_string_equal(small, "hell");
	assert_int_equal(small[5], 'Z'); /* nothing written past size */
	assert_int_equal(format_snprintf(small, 4, "%d", 123456), 6);
	assert_string_equal(small, "123");
	assert_int_equal(format_snprintf(small, 3, "%5s", "ab"), 5);
	assert_string_equal(small, "  ");
	assert_int_equal(format_snprintf(small, 1, "abc"), 3);
	assert_string_equal(small, "");
	small[0] = 'Q';
	assert_int_equal(format_snprintf(small, 0, "abc"), 3);
	assert_int_equal(small[0], 'Q');
	assert_int_equal(format_snprintf(NULL, 0, "%d-%s", 12, "ab"), 5);
	assert_int_equal(format_snprintf(small, sizeof(small), "1234567"), 7);
	assert_string_equal(small, "1234567"); /* exactly fits with its NUL */
}

static int via_va_list(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(out, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vsnprintf(void **state)
{
	(void)state;
	assert_int_equal(via_va_list(buf, sizeof(buf), "%s=%u", "x", 3u), 3);
	assert_string_equal(buf, "x=3");
}

/* Same output as the C library for formats both are meant to agree on. */
static void test_matches_libc(void **state)
{
	static const char *const int_fmts[] = {"%d",	"%i",	 "%5d",	   "%-7d", "%07d", "%+d",
					       "% d",	"%+06d", "%u",	   "%x",   "%X",   "%08x",
					       "%-8X|", "%#x",	 "%#010x", "%o",   "%hd",  "%hhu"};
	static const char *const long_fmts[] = {"%ld",	  "%lu",  "%lx",  "%20ld", "%-20lu|",
						"%018lX", "%lld", "%llx", "%zu",   "%zx"};
	static const char *const str_fmts[] = {"%s", "%10s", "%-10s|", "%.0s", "%.4s", "%6.2s"};
	static const char *const strs[] = {"", "a", "keel", "hypervisor"};
	char ref[256];

	(void)state;
	srand(5);
	for (int round = 0; round < 2000; round++) {
		int iv = rand() - RAND_MAX / 2;
		long lv = (long)(((unsigned long)rand() << 33) ^ ((unsigned long)rand() << 2) ^
				 (round & 1 ? 1UL << 63 : 0));
		const char *f;

		if (round < 4)
			iv = (int[]){0, INT_MIN, INT_MAX, -1}[round];
		f = int_fmts[round % (sizeof(int_fmts) / sizeof(int_fmts[0]))];
		snprintf(ref, sizeof(ref), f, iv);
		format_snprintf(buf, sizeof(buf), f, iv);
		assert_string_equal(buf, ref);
		f = long_fmts[round % (sizeof(long_fmts) / sizeof(long_fmts[0]))];
		snprintf(ref, sizeof(ref), f, lv);
		format_snprintf(buf, sizeof(buf), f, lv);
		assert_string_equal(buf, ref);
		f = str_fmts[round % (sizeof(str_fmts) / sizeof(str_fmts[0]))];
		snprintf(ref, sizeof(ref), f, strs[round % 4]);
		format_snprintf(buf, sizeof(buf), f, strs[round % 4]);
		assert_string_equal(buf, ref);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_integers),	      cmocka_unit_test(test_width_and_flags),
	    cmocka_unit_test(test_strings_and_chars), cmocka_unit_test(test_pointer),
	    cmocka_unit_test(test_truncation),	      cmocka_unit_test(test_vsnprintf),
	    cmocka_unit_test(test_matches_libc),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
