/*
 * hypervisor/arch/x86/pv/pv_sched.h - running PV vCPUs on CPUs as the
 * credit scheduler decides (see pv_schedule.c).
 */
#ifndef ARCH_PV_PV_SCHED_H
#define ARCH_PV_PV_SCHED_H

#include "hypervisor/common/vcpu.h"

/*
 * Puts new vCPU v (asleep) under the scheduler, with cpu (online) as its
 * first CPU and its home for deferred wake-ups.  0 or -ENOMEM.
 */
int pv_sched_vcpu_add(struct vcpu *v, unsigned int cpu);
/* Takes v out again: it must be down and off every CPU (pv_sched_sync). */
void pv_sched_vcpu_remove(struct vcpu *v);
/* The vcpu_runnable_changed hook: tells the policy and the CPUs it names. */
void pv_sched_runnable_changed(struct vcpu *v, bool runnable);
/* v (running, in a hypercall) lets the others of its CPU run first. */
void pv_sched_yield(struct vcpu *v);
/*
 * The CPU whose queue holds v, or that runs it or last ran it, as the
 * policy sees it (getvcpuinfo's cpu): a vCPU moved while asleep is
 * already on its new CPU, as on Xen, before it runs there.
 */
unsigned int pv_sched_vcpu_cpu(const struct vcpu *v);
/* v's CPU should choose again before it next returns to a guest (an IPI if it is another CPU). */
void pv_sched_kick(struct vcpu *v);
/*
 * Wakes v if it is blocked, from any context (interrupts included): its
 * home CPU does the wake-up on its exit path.
 */
void pv_sched_wake(struct vcpu *v);
/*
 * A timer callback set v's wake_pending or virq_timer_pending: its home
 * CPU handles it on its exit path (any context).
 */
void pv_sched_notify(struct vcpu *v);
/*
 * Waits until v, which may no longer run (down, paused, dying), has left
 * every CPU: its registers are saved and no CPU has its page tables
 * loaded.  Not for the vCPU running on this CPU.
 */
void pv_sched_sync(struct vcpu *v);
/*
 * CPUs whose scheduler timer is queued now: infrastructure, left out of
 * the control interface's count of timers (which is about domains).
 */
unsigned int pv_sched_timers_queued(void);
/*
 * Whether this CPU's exit path has scheduler work waiting: a pick asked
 * for (need_resched) or the policy's timer passed (a tick, the end of a
 * slice, the accounting).  A long hypercall checks this between steps
 * and continues later, so a tick is never held up by more than one step.
 */
bool pv_sched_work_pending(void);
/* Installs the kick IPI's handler (boot CPU, before the others start). */
void pv_sched_init(void);
/* Leaves for the guest world on this CPU; never returns (pv_entry.asm). */
__attribute__((noreturn)) void pv_enter_guest(void);

#endif
