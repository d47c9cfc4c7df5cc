/*
 * hypervisor/arch/x86/pv/pv_emul.h - emulation of the privileged
 * instructions a PV kernel executes (they fault: the kernel runs in ring 3).
 */
#ifndef ARCH_PV_PV_EMUL_H
#define ARCH_PV_PV_EMUL_H

#include <stdbool.h>

#include "arch/traps.h"
#include "hypervisor/common/vcpu.h"

/*
 * Tries to emulate the instruction at f->rip that raised `trap` (#GP or
 * #UD).  Returns true when it is dealt with (emulated, or a different
 * exception bounced in its place); false when the original exception
 * should be bounced to the guest.
 */
bool pv_emulate_privileged(struct vcpu *v, struct trap_frame *f, unsigned int trap);

#endif
