/*
 * tests/host/host_printk.c - printk() and panic() for host unit tests.
 *
 * Owns: a log of every message printed since host_log_reset(), so tests can
 * assert that an error was reported (and named the right thing), and the
 * panic target armed by HOST_PANICS().  Messages are also echoed to stderr
 * with the hypervisor's "(KEEL)" prefix unless host_log_echo(false).
 *
 * Invariants: the log is a NUL-terminated sequence of messages, each ending
 * in '\n'; when it is full, further messages are dropped from the log (not
 * from stderr).  No locks: unit tests are single-threaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host/test_shim.h"
#include "lib/format.h"
#include "lib/printk.h"

#define HOST_LOG_SIZE (64 * 1024)
#define HOST_MSG_MAX  1024

static char host_log[HOST_LOG_SIZE];
static size_t host_log_len;
static bool host_echo = true;
static jmp_buf *host_panic_target;

void host_log_reset(void)
{
	host_log_len = 0;
	host_log[0] = '\0';
}

bool host_log_echo(bool on)
{
	bool old = host_echo;

	host_echo = on;
	return old;
}

static void host_log_append(const char *msg)
{
	size_t n = strlen(msg);

	if (host_echo)
		fprintf(stderr, "(KEEL) %s%s", msg, n && msg[n - 1] == '\n' ? "" : "\n");
	if (host_log_len + n + 2 > HOST_LOG_SIZE)
		return;
	memcpy(host_log + host_log_len, msg, n);
	host_log_len += n;
	if (!n || msg[n - 1] != '\n')
		host_log[host_log_len++] = '\n';
	host_log[host_log_len] = '\0';
}

unsigned int host_log_count(const char *level)
{
	size_t lvl = strlen(level);
	unsigned int count = 0;
	const char *p = host_log;

	while (*p) {
		if (!strncmp(p, level, lvl))
			count++;
		p = strchr(p, '\n') + 1;
	}
	return count;
}

bool host_log_contains(const char *needle)
{
	return strstr(host_log, needle) != NULL;
}

void printk(const char *fmt, ...)
{
	char msg[HOST_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	format_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	host_log_append(msg);
}

void host_panic_arm(jmp_buf *target)
{
	host_panic_target = target;
}

void host_panic_disarm(void)
{
	host_panic_target = NULL;
}

/* An expected panic longjmps back into HOST_PANICS; any other fails the test. */
void panic(const char *fmt, ...)
{
	char msg[HOST_MSG_MAX];
	jmp_buf *target = host_panic_target;
	va_list ap;

	va_start(ap, fmt);
	strcpy(msg, "PANIC: ");
	format_vsnprintf(msg + 7, sizeof(msg) - 7, fmt, ap);
	va_end(ap);
	host_log_append(msg);
	if (target) {
		host_panic_target = NULL;
		longjmp(*target, 1);
	}
	fail_msg("unexpected panic: %s", msg);
	abort();
}
