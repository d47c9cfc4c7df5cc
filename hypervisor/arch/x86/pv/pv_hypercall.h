/*
 * hypervisor/arch/x86/pv/pv_hypercall.h - hypercall dispatch for PV guests.
 */
#ifndef ARCH_PV_PV_HYPERCALL_H
#define ARCH_PV_PV_HYPERCALL_H

#include <stdint.h>

#include "arch/traps.h"
#include "hypervisor/common/vcpu.h"

/* Handles the hypercall in f (RAX = number; RDI, RSI, RDX, R10, R8 = arguments). */
void pv_hypercall(struct vcpu *v, struct trap_frame *f);

/*
 * Runs hypercall nr with args[0..4] for v outside a trap frame (multicall).
 * Returns its result; *continued is set when it asked to be continued
 * (its arguments in args[] were then rewritten).
 */
long pv_hypercall_call(struct vcpu *v, uint64_t nr, uint64_t args[5], bool *continued);

/* The arch hypercalls of pv_callbacks.c and pv_iret.c. */
long do_set_trap_table(struct vcpu *v, uint64_t traps);
long do_set_callbacks(struct vcpu *v, uint64_t event, uint64_t failsafe, uint64_t syscall);
long do_callback_op(struct vcpu *v, int cmd, uint64_t arg);
long do_stack_switch(struct vcpu *v, uint64_t ss, uint64_t esp);
long do_set_segment_base(struct vcpu *v, unsigned int which, uint64_t base);
long do_fpu_taskswitch(struct vcpu *v, int set);
long do_vm_assist(struct vcpu *v, unsigned int cmd, unsigned int type);
long do_set_debugreg(struct vcpu *v, int reg, uint64_t value);
long do_get_debugreg(struct vcpu *v, int reg);
/*
 * set_debugreg's rules for debug register reg (0-3, 6 or 7): 0 with
 * *value as the register would hold it, or the error set_debugreg gives.
 */
int pv_debugreg_check(int reg, uint64_t *value);
long do_physdev_op(struct vcpu *v, int cmd, uint64_t arg);
long do_multicall(struct vcpu *v, uint64_t calls, unsigned int nr_calls);
/* HYPERVISOR_iret: restores the frame the guest pushed; sets every register itself. */
void do_iret(struct vcpu *v, struct trap_frame *f);

#endif
