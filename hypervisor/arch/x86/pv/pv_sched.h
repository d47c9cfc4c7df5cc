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
/* v's CPU should choose again before it next returns to a guest. */
void pv_sched_kick(struct vcpu *v);
/* Leaves for the guest world on this CPU; never returns (pv_entry.asm). */
__attribute__((noreturn)) void pv_enter_guest(void);

#endif
