/*
 * tests/host/include/host/hypercall_shim.h - the unit tests' side of
 * hypercalls/hypercall.h (tests/host/hypercall_shim.c).
 */
#ifndef HOST_HYPERCALL_SHIM_H
#define HOST_HYPERCALL_SHIM_H

#include <stdbool.h>
#include <stdint.h>

#include "hypercalls/hypercall.h"

/* What hypercall_create_continuation() returns in unit tests. */
#define HOST_CONTINUATION_RC 0x7e57c0de

struct host_continuation {
	bool valid;
	unsigned int op, nargs;
	uint64_t args[HYPERCALL_MAX_ARGS];
};
/* The last continuation asked for since host_hypercall_preempt_after(). */
extern struct host_continuation host_last_continuation;

/*
 * hypercall_preempt_check() returns false n times, then true ever after;
 * n < 0: never preempt (the default).  Also forgets the last continuation.
 */
void host_hypercall_preempt_after(long n);

#endif
