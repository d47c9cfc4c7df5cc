/*
 * hypervisor/arch/x86/pv/pv_emul.h - emulation of the privileged
 * instructions a PV kernel executes (they fault: the kernel runs in ring 3).
 */
#ifndef ARCH_PV_PV_EMUL_H
#define ARCH_PV_PV_EMUL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/traps.h"
#include "hypervisor/common/vcpu.h"

/*
 * Tries to emulate the instruction at f->rip that raised `trap` (#GP or
 * #UD).  Returns true when it is dealt with (emulated, or a different
 * exception bounced in its place); false when the original exception
 * should be bounced to the guest.
 */
bool pv_emulate_privileged(struct vcpu *v, struct trap_frame *f, unsigned int trap);

/*
 * The guest writes `val` to its CR4: its view becomes what Xen's rules
 * allow (hypervisor/common/pv_cr4.h).  Also how a vCPU's view starts (0).
 */
void pv_set_guest_cr4(struct vcpu *v, uint64_t val);

/* Puts the running vCPU v's CR4 choices (TSD, FSGSBASE) into this CPU's CR4. */
void pv_load_guest_cr4(const struct vcpu *v);

#endif
