/*
 * tests/unit/test_argv_split.c - guests/common/argv_split.c: blanks,
 * quotes, escapes, comments, and every limit and error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "guests/common/argv_split.h"
#include "lib/errno.h"

#define MAX_ARGS 8

static char buf[256];
static char *argv[MAX_ARGS];
static size_t argc;

static int split(const char *line)
{
	memset(buf, 'x', sizeof(buf));
	return argv_split(line, buf, sizeof(buf), argv, MAX_ARGS, &argc);
}

/* The line splits into exactly the words of want[] (NULL-terminated). */
static void expect_words(const char *line, const char *const *want)
{
	size_t n = 0;

	assert_int_equal(split(line), 0);
	while (want[n])
		n++;
	assert_int_equal(argc, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(argv[i], want[i]);
	assert_null(argv[argc]);
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_blanks(void **state)
{
	expect_words("vmctl list", WORDS("vmctl", "list"));
	expect_words("  \t vmctl \v\f  list \r\n", WORDS("vmctl", "list"));
	expect_words("x", WORDS("x"));
	assert_int_equal(split(""), 0);
	assert_int_equal(argc, 0);
	assert_null(argv[0]);
	assert_int_equal(split(" \t\r\n"), 0);
	assert_int_equal(argc, 0);
}

static void test_quotes(void **state)
{
	expect_words("echo 'a b'  \"c  d\"", WORDS("echo", "a b", "c  d"));
	expect_words("a\"b c\"'d'e", WORDS("ab cde"));
	expect_words("'' \"\" x", WORDS("", "", "x"));
	expect_words("'\\n \"x\"'", WORDS("\\n \"x\""));
	expect_words("\"a\\\"b\\\\c\\n\"", WORDS("a\"b\\c\\n"));
	expect_words("\"it's\"", WORDS("it's"));
	expect_words("'#' \"#\"", WORDS("#", "#"));
}

static void test_escapes(void **state)
{
	expect_words("a\\ b c", WORDS("a b", "c"));
	expect_words("\\'x\\\"", WORDS("'x\""));
	expect_words("\\\\", WORDS("\\"));
	expect_words("\\#not-comment", WORDS("#not-comment"));
	expect_words("\\ ", WORDS(" "));
}

static void test_comments(void **state)
{
	expect_words("vmctl list # all of them", WORDS("vmctl", "list"));
	expect_words("a#b c", WORDS("a#b", "c"));
	assert_int_equal(split("# only a comment 'unterminated"), 0);
	assert_int_equal(argc, 0);
	expect_words("x #", WORDS("x"));
}

static void expect_error(const char *line, int rc)
{
	assert_int_equal(split(line), rc);
	assert_int_equal(argc, 0);
	assert_null(argv[0]);
}

static void test_errors(void **state)
{
	expect_error("echo 'abc", -EINVAL);
	expect_error("echo \"abc", -EINVAL);
	expect_error("echo \"abc\\\"", -EINVAL);
	expect_error("echo abc\\", -EINVAL);
	assert_string_equal(argv_split_strerror(-EINVAL), "unterminated quote or trailing backslash");
	assert_string_equal(argv_split_strerror(-E2BIG), "too many arguments");
	assert_string_equal(argv_split_strerror(-ENAMETOOLONG), "line too long");
	assert_string_equal(argv_split_strerror(0), "ok");
	assert_string_equal(argv_split_strerror(-ENOMEM), "unknown error");
}

static void test_too_many(void **state)
{
	/* MAX_ARGS slots: MAX_ARGS - 1 words and the NULL. */
	expect_words("1 2 3 4 5 6 7", WORDS("1", "2", "3", "4", "5", "6", "7"));
	expect_error("1 2 3 4 5 6 7 8", -E2BIG);
	assert_int_equal(argv_split("a", buf, sizeof(buf), argv, 0, &argc), -E2BIG);
	assert_int_equal(argv_split("", buf, sizeof(buf), argv, 1, &argc), 0);
	assert_int_equal(argv_split("a", buf, sizeof(buf), argv, 1, &argc), -E2BIG);
}

static void test_buffer_limit(void **state)
{
	char small[8];

	/* "abc de" needs 4 + 3 = 7 bytes. */
	assert_int_equal(argv_split("abc de", small, 7, argv, MAX_ARGS, &argc), 0);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "de");
	assert_int_equal(argv_split("abc def", small, 7, argv, MAX_ARGS, &argc), -ENAMETOOLONG);
	assert_int_equal(argc, 0);
	assert_int_equal(argv_split("'abcdefgh'", small, 8, argv, MAX_ARGS, &argc),
			 -ENAMETOOLONG);
	assert_int_equal(argv_split("abcdefg", small, 7, argv, MAX_ARGS, &argc), -ENAMETOOLONG);
	assert_int_equal(argv_split("", NULL, 0, argv, MAX_ARGS, &argc), 0);
	assert_int_equal(argv_split("a", NULL, 0, argv, MAX_ARGS, &argc), -ENAMETOOLONG);
}

/* strlen(line) + 1 bytes always suffice, whatever the line. */
static void test_buffer_bound(void **state)
{
	static const char *const lines[] = { "a b c d e f g", "'' '' '' ''", "\"\\\\\"", "x\\ y",
					     "  a  " };
	char exact[32];

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_int_equal(argv_split(lines[i], exact, strlen(lines[i]) + 1, argv,
					    MAX_ARGS, &argc),
				 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blanks),	    cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_escapes),	    cmocka_unit_test(test_comments),
		cmocka_unit_test(test_errors),	    cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_buffer_limit), cmocka_unit_test(test_buffer_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
