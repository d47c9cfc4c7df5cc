/*
 * tests/pv/harness.h - the test harness of Keel's PV test kernels.
 *
 * A test kernel is one or more C files of TEST(suite, name) { ... } bodies
 * linked with head.S and harness.c.  pv_main() runs every test in link
 * order, prints "[ RUN  ]" / "[   OK ]" / "[ FAIL ]" per test and a final
 * "Test result: SUCCESS" or "Test result: FAILURE", then shuts the domain
 * down with SHUTDOWN_poweroff (all passed) or SHUTDOWN_crash.
 *
 * EXPECT_* record a failure and carry on; ASSERT_* also return from the
 * test.  All output goes through console_io(CONSOLEIO_write).
 */
#ifndef TESTS_PV_HARNESS_H
#define TESTS_PV_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

#include "lib/compiler.h"

struct pv_test {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

/* Defines and registers a test (in section .pv_tests, see pv.lds). */
#define TEST(suite, name)                                                                          \
	static void pv_test_##suite##_##name(void);                                                \
	static const struct pv_test pv_test_desc_##suite##_##name                                  \
	    __attribute__((used, section(".pv_tests"), aligned(8))) = {#suite, #name,              \
								       pv_test_##suite##_##name};  \
	static void pv_test_##suite##_##name(void)

/* The start_info page the builder gave us (valid from pv_main on). */
extern const start_info_t *pv_start_info;

/** The source line of the first failed check so far (0: none). */
extern unsigned int pv_first_failed_line;

/** printf to Xen's console (lines longer than 256 bytes are cut). */
int pv_printf(const char *fmt, ...) __printf(1, 2);

/** Records a failure of the running test at @file:@line unless @ok. */
bool pv_check(bool ok, const char *file, int line, const char *fmt, ...) __printf(4, 5);

/** Prints @why and a FAILURE verdict, then crashes the domain. */
void pv_fatal(const char *why) __noreturn;

#define EXPECT_TRUE(c) pv_check(!!(c), __FILE__, __LINE__, "expected %s", #c)
#define EXPECT_EQ(a, b)                                                                            \
	({                                                                                         \
		long _a = (long)(a), _b = (long)(b);                                               \
		pv_check(_a == _b, __FILE__, __LINE__, "%s == %s: %ld (%#lx) != %ld (%#lx)", #a,   \
			 #b, _a, _a, _b, _b);                                                      \
	})
#define EXPECT_NE(a, b)                                                                            \
	({                                                                                         \
		long _a = (long)(a), _b = (long)(b);                                               \
		pv_check(_a != _b, __FILE__, __LINE__, "%s != %s: both %ld (%#lx)", #a, #b, _a,    \
			 _a);                                                                      \
	})
#define ASSERT_TRUE(c)                                                                             \
	do {                                                                                       \
		if (!EXPECT_TRUE(c))                                                               \
			return;                                                                    \
	} while (0)
#define ASSERT_EQ(a, b)                                                                            \
	do {                                                                                       \
		if (!EXPECT_EQ(a, b))                                                              \
			return;                                                                    \
	} while (0)
#define ASSERT_NE(a, b)                                                                            \
	do {                                                                                       \
		if (!EXPECT_NE(a, b))                                                              \
			return;                                                                    \
	} while (0)

#endif /* TESTS_PV_HARNESS_H */
