/*
 * tests/host/include/host/sched_shim.h - what unit tests see of
 * tests/host/sched_shim.c.
 */
#ifndef HOST_SCHED_SHIM_H
#define HOST_SCHED_SHIM_H

#include <stdio.h>

/* sched_yield() / sched_kick() calls so far (tests reset them). */
extern unsigned int host_sched_yields, host_sched_kicks;
/* Every guest console line printed, "(d<id>) text\n" each; tests reset it with [0] = 0. */
extern char host_console_text[4096];

#endif
