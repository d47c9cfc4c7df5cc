/*
 * sched/sched.h - the scheduler interface seen by hypercall handlers.
 *
 * Implemented by the machine's scheduler (for now the round robin of
 * hypervisor/arch/x86/pv/pv_schedule.c; the credit scheduler later) and by
 * a shim in host unit tests.  vCPU states themselves are generic
 * (hypervisor/common/vcpu.h); this is how a handler asks for a decision.
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

struct vcpu;

/* v (running, calling a hypercall) gives up its CPU: pick again before returning to a guest. */
void sched_yield(struct vcpu *v);

/* v's runnable state changed: its CPU should pick again soon. */
void sched_kick(struct vcpu *v);

#endif
