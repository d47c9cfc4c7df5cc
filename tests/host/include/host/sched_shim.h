/*
 * tests/host/include/host/sched_shim.h - what unit tests see of
 * tests/host/sched_shim.c.
 */
#ifndef HOST_SCHED_SHIM_H
#define HOST_SCHED_SHIM_H

#include <stdint.h>
#include <stdio.h>

#include "mm/memmap.h"

/* sched_yield() / sched_kick() calls so far (tests reset them). */
extern unsigned int host_sched_yields, host_sched_kicks;
/* Every guest console line printed, "(d<id>) text\n" each; tests reset it with [0] = 0. */
extern char host_console_text[4096];

/* What hypercall_machine_memmap() returns in unit tests (empty until a test fills it). */
extern struct memmap host_machine_memmap;
/* What hypercall_dom0_iomem() returns in unit tests (NULL until a test sets it). */
struct dom0_iomem_machine;
extern const struct dom0_iomem_machine *host_dom0_iomem;

/* sched_now_ns() returns host_now_ns; the last wake-up / watchdog deadlines armed. */
extern uint64_t host_now_ns, host_wakeup_deadline, host_watchdog_deadline;

/* The last guest singleshot deadline / periodic period set (0: stopped). */
extern uint64_t host_guest_timer, host_guest_period;
/* sched_guest_timer_fire() calls (a deadline already past). */
extern unsigned int host_guest_timer_fired;

/*
 * The CPUs online as sched_vcpu_affinity_set sees them (CPUs 0 and 1
 * after host_sched_reset), and its successful calls so far.
 */
extern uint64_t host_sched_online;
extern unsigned int host_sched_affinity_sets;
/* Forgets every vCPU's affinities (back to every CPU): call it before a test's domains exist. */
void host_sched_reset(void);

#endif
