/*
 * tests/host/sched_shim.c - sched/sched.h and the guest console line for
 * unit tests: yields and kicks are counted, console lines kept.
 */
#include "host/sched_shim.h"

#include <string.h>

#include "hypercalls/hypercall.h"
#include "sched/sched.h"

unsigned int host_sched_yields, host_sched_kicks;
char host_console_text[4096];

void sched_yield(struct vcpu *v)
{
	(void)v;
	host_sched_yields++;
}

void sched_kick(struct vcpu *v)
{
	(void)v;
	host_sched_kicks++;
}

void hypercall_console_line(domid_t domid, const char *line, size_t len)
{
	size_t at = strlen(host_console_text);
	char prefix[16];
	int n = snprintf(prefix, sizeof(prefix), "(d%u) ", domid);

	if (at + (size_t)n + len + 2 > sizeof(host_console_text))
		return;
	memcpy(host_console_text + at, prefix, (size_t)n);
	memcpy(host_console_text + at + n, line, len);
	host_console_text[at + n + len] = '\n';
	host_console_text[at + n + len + 1] = '\0';
}
