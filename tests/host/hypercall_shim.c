/*
 * tests/host/hypercall_shim.c - hypercalls/hypercall.h for unit tests: a
 * knob that makes hypercall_preempt_check() true after N calls, and a
 * record of the last continuation asked for.
 */
#include "host/hypercall_shim.h"

#include <string.h>

struct host_continuation host_last_continuation;
static long preempt_after = -1;

void host_hypercall_preempt_after(long n)
{
	preempt_after = n;
	memset(&host_last_continuation, 0, sizeof(host_last_continuation));
}

bool hypercall_preempt_check(void)
{
	if (preempt_after < 0)
		return false;
	if (preempt_after == 0)
		return true;
	preempt_after--;
	return false;
}

long hypercall_create_continuation(unsigned int op, unsigned int nargs, const uint64_t *args)
{
	host_last_continuation.valid = true;
	host_last_continuation.op = op;
	host_last_continuation.nargs = nargs;
	for (unsigned int i = 0; i < nargs && i < HYPERCALL_MAX_ARGS; i++)
		host_last_continuation.args[i] = args[i];
	return HOST_CONTINUATION_RC;
}
