/*
 * sched/sched.h - the scheduler interface seen by hypercall handlers.
 *
 * Implemented by the machine (hypervisor/arch/x86/pv/pv_schedule.c,
 * which drives the credit scheduler of sched/credit.c) and by a shim in
 * host unit tests.  vCPU states themselves are generic
 * (hypervisor/common/vcpu.h); this is how a handler asks for a decision.
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdint.h>

struct vcpu;
struct domain;

/* v (running, calling a hypercall) gives up its CPU: pick again before returning to a guest. */
void sched_yield(struct vcpu *v);

/* v's runnable state changed: its CPU should pick again soon. */
void sched_kick(struct vcpu *v);

/*
 * XEN_DOMCTL_scheduler_op with XEN_SCHEDULER_CREDIT: d's weight
 * (1..65535, default 256) and cap (percent of one CPU, 0: none).
 */
void sched_credit_get(struct domain *d, unsigned int *weight, unsigned int *cap);
/* Sets them at once: 0, or -EINVAL (weight out of range, cap above 100 per vCPU of d). */
int sched_credit_set(struct domain *d, unsigned int weight, unsigned int cap);

/*
 * A vCPU's CPU affinities, bit c for CPU c (XEN_DOMCTL_{set,get}vcpuaffinity).
 * hard: the CPUs it may run on; the scheduler never runs it elsewhere.
 * soft: the CPUs it would rather run on; kept and reported, as Xen's
 * toolstack expects, but Keel's credit scheduler has no soft affinity
 * (docs/scheduler.md), so it changes nothing.
 */
struct sched_affinity {
	uint64_t hard;
	uint64_t soft;
};

/* v's affinities as last set, unaltered: every CPU (all bits) until then. */
void sched_vcpu_affinity_get(struct vcpu *v, struct sched_affinity *a);

/*
 * Sets v's affinities to *a, then writes the effective ones back into it:
 * hard limited to the CPUs online, soft limited to that.  0, or -EINVAL
 * if the hard mask names no CPU online (nothing changes).  A vCPU running
 * on a CPU no longer allowed leaves it at that CPU's next pick, asked for
 * at once; a waiting or sleeping one is moved to an allowed CPU at once.
 */
int sched_vcpu_affinity_set(struct vcpu *v, struct sched_affinity *a);

/* Xen system time: nanoseconds since boot (what timeouts in hypercalls are measured in). */
uint64_t sched_now_ns(void);

/*
 * Arms v's wake-up timer (v is the vCPU running on this CPU) to wake it at
 * deadline_ns if it is then blocked (SCHEDOP_poll's timeout); 0 disarms.
 * A deadline already past wakes it at once.
 */
void sched_set_wakeup(struct vcpu *v, uint64_t deadline_ns);

/*
 * d's earliest watchdog deadline changed to deadline_ns (0: none armed).
 * When it passes, the machine calls sched_op_watchdog_expired(d) outside
 * interrupt context.
 */
void sched_watchdog_arm(struct domain *d, uint64_t deadline_ns);

/*
 * v's guest timers: the singleshot one for deadline_ns (absolute system
 * time; 0 stops it; v runs on this CPU), the periodic one every period_ns
 * (0 stops it; any vCPU of the domain: it ticks only while v runs, and a
 * tick missed meanwhile is delivered when v runs again, as on Xen).  Each
 * sends VIRQ_TIMER to v when it passes.
 */
void sched_set_guest_timer(struct vcpu *v, uint64_t deadline_ns);
void sched_set_guest_periodic(struct vcpu *v, uint64_t period_ns);
/* v's one-shot timer is due now (a deadline already past): send VIRQ_TIMER at once. */
void sched_guest_timer_fire(struct vcpu *v);

#endif
