/*
 * tests/pv/harness.c - runs a PV test kernel's TEST()s and reports.
 *
 * Owns: the console output path (pv_printf), the failure count of the
 * running test, and pv_main, the C entry point called by head.S, which
 * maps shared_info (mm_init) and installs the default trap table and
 * callbacks (traps_init) before the first test.  Single vCPU, events
 * masked, no locks.
 */
#include "tests/pv/harness.h"

#include <stdarg.h>

#include "lib/format.h"
#include "lib/string.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

const start_info_t *pv_start_info;
unsigned int pv_first_failed_line;

extern const struct pv_test __pv_tests_start[], __pv_tests_end[];

static unsigned int failures_in_test;

int pv_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hyp_console_write(buf, strlen(buf));
	return n;
}

bool pv_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	if (ok)
		return true;
	va_start(ap, fmt);
	format_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pv_printf("%s:%d: FAIL: %s\n", file, line, buf);
	if (!pv_first_failed_line)
		pv_first_failed_line = line;
	failures_in_test++;
	return false;
}

/* Runs one test; returns true when it recorded no failure. */
static bool run_one(const struct pv_test *t)
{
	failures_in_test = 0;
	pv_printf("[ RUN  ] %s.%s\n", t->suite, t->name);
	t->fn();
	pv_printf("%s %s.%s\n", failures_in_test ? "[ FAIL ]" : "[   OK ]", t->suite, t->name);
	return failures_in_test == 0;
}

void pv_fatal(const char *why)
{
	pv_printf("FATAL: %s\n", why);
	pv_printf("Test result: FAILURE\n");
	for (;;)
		hyp_shutdown(SHUTDOWN_crash);
}

void pv_main(const start_info_t *si);

/** C entry point (from head.S, on our stack); ends the domain. */
void pv_main(const start_info_t *si)
{
	unsigned int run = 0, failed = 0;
	long rc;

	pv_start_info = si;
	pv_printf("Keel PV test kernel, cmd_line \"%.*s\"\n", (int)sizeof(si->cmd_line),
		  (const char *)si->cmd_line);
	/* Not fatal: a kernel that needs neither (hello) still runs without them. */
	rc = mm_init();
	if (rc)
		pv_printf("setup: cannot map shared_info (%ld)\n", rc);
	rc = traps_init();
	if (rc)
		pv_printf("setup: cannot install the trap table and callbacks (%ld)\n", rc);
	for (const struct pv_test *t = __pv_tests_start; t < __pv_tests_end; t++) {
		run++;
		if (!run_one(t))
			failed++;
	}
	pv_printf("%u tests, %u passed, %u failed\n", run, run - failed, failed);
	pv_printf("Test result: %s\n", failed || !run ? "FAILURE" : "SUCCESS");
	hyp_shutdown(failed || !run ? SHUTDOWN_crash : SHUTDOWN_poweroff);
	for (;;)
		hyp_shutdown(SHUTDOWN_crash);
}
