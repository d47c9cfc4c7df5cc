/*
 * hypervisor/arch/x86/pv/pv_sched.h - placing PV vCPUs on CPUs (see
 * pv_schedule.c).
 */
#ifndef ARCH_PV_PV_SCHED_H
#define ARCH_PV_PV_SCHED_H

#include "hypervisor/common/vcpu.h"

/* Puts v (not on any queue) on CPU cpu's run queue. */
void pv_rq_add(struct vcpu *v, unsigned int cpu);
/* Takes v off its CPU's run queue; v must not be that CPU's current vCPU. */
void pv_rq_remove(struct vcpu *v);
/* v's CPU should choose again before it next returns to a guest (an IPI if it is another CPU). */
void pv_sched_kick(struct vcpu *v);
/*
 * Wakes v if it is blocked, from any context (interrupts included): its
 * CPU does the wake-up on its exit path.
 */
void pv_sched_wake(struct vcpu *v);
/*
 * Waits until v, which may no longer run (down, paused, dying), has left
 * its CPU: its registers are saved and no CPU has its page tables loaded.
 * Not for the vCPU running on this CPU.
 */
void pv_sched_sync(struct vcpu *v);
/* Installs the kick IPI's handler (boot CPU, before the others start). */
void pv_sched_init(void);
/* Leaves for the guest world on this CPU; never returns (pv_entry.asm). */
__attribute__((noreturn)) void pv_enter_guest(void);

#endif
